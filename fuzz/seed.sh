#!/usr/bin/env bash
# Seeds the corpora of the raw fuzz targets from the repository's fixtures and test inputs
# (the structure-aware targets, `*_gen`, `yaml_anchors` and `lsp_transport`, start empty:
# their inputs are not files, but bytes a generator reads). Writes
# fuzz/corpus/<target>/, which git ignores; run it again after fixtures change.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus
mkdir -p "$corpus"/{tree,terraform,hcl_parsers,cloudformation,eksctl,engine}

# One seed per file: its path hashed as the name, the target's flag byte first.
seed() { # target flag-byte file
    local name
    name=$(printf '%s' "$3" | sha1sum | cut -c1-16)
    { printf "\\x$2"; cat "$3"; } >"$corpus/$1/$name"
}

while IFS= read -r -d '' f; do
    case "$f" in
    *.tf)
        seed terraform 00 "$f"
        cp "$f" "$corpus/hcl_parsers/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
        ;;
    *.tf.json) seed terraform 01 "$f" ;;
    *.tfvars) seed terraform 02 "$f" ;;
    esac
    case "$f" in
    *.yaml | *.yml | *.json | *.template)
        cp "$f" "$corpus/tree/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
        if grep -q 'eksctl.io/' "$f"; then
            seed eksctl 00 "$f"
        elif grep -q 'AWS::' "$f"; then
            case "$f" in
            *.json) seed cloudformation 01 "$f" ;;
            *) seed cloudformation 00 "$f" ;;
            esac
        fi
        ;;
    esac
done < <(find "$root/fixtures" "$root/tests/invalid" -type f -size -64k -print0)

# The engine: the files of each fixture directory as one run (flag byte 0x08: named
# explicitly), each file `name\ntext`, two NUL bytes between files.
while IFS= read -r -d '' dir; do
    out="$corpus/engine/$(printf '%s' "$dir" | sha1sum | cut -c1-16)"
    printf '\x08' >"$out"
    find "$dir" -maxdepth 2 -type f \( -name '*.tf' -o -name '*.tf.json' -o -name '*.yaml' \
        -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) -size -64k -print0 |
        sort -z | while IFS= read -r -d '' f; do
            printf '%s\n' "${f#"$dir"/}" >>"$out"
            cat "$f" >>"$out"
            printf '\0\0' >>"$out"
        done
    [ "$(stat -c %s "$out")" -gt 1 ] || rm "$out"
done < <(find "$root/fixtures" "$root/tests/invalid" -mindepth 2 -maxdepth 3 -type d -print0)

for d in "$corpus"/*/; do
    echo "$(find "$d" -type f | wc -l) seeds in $d"
done
