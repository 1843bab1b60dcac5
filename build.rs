//! Embeds the rule catalog: reads the front matter of every `rules/EKSnnn-*.md` file and
//! generates one `RuleMeta` constant per rule, with the whole file as its documentation.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

fn main() {
    // Read at run time, not with `env!`: a build script binary reused from another checkout
    // (a copied `target/`, a git worktree) would otherwise read that checkout's rules.
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("EKS"))
        })
        .collect();
    files.sort();

    let mut list = String::new();
    let mut consts = String::new();
    for (i, path) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("readable rule file");
        let field = |key: &str| -> Option<String> {
            let front = text.strip_prefix("+++\n")?.split("\n+++\n").next()?;
            front.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        let need = |key: &str| {
            field(key).unwrap_or_else(|| panic!("{}: front matter lacks `{key}`", path.display()))
        };
        let id = need("id");
        let severity = match need("severity").as_str() {
            "error" => "Error",
            "warning" => "Warning",
            "note" => "Note",
            other => panic!("{}: bad severity {other}", path.display()),
        };
        let security =
            field("security-severity").map_or("None".to_string(), |s| format!("Some({s:?})"));
        let fix = match field("fix").as_deref() {
            None => "None",
            Some("safe") => "Some(Safety::Safe)",
            Some("unsafe") => "Some(Safety::Unsafe)",
            Some(other) => panic!("{}: bad fix {other} (safe or unsafe)", path.display()),
        };
        writeln!(
            list,
            "    RuleMeta {{ id: {id:?}, name: {:?}, severity: Severity::{severity}, summary: {:?}, applies: {:?}, security_severity: {security}, fix: {fix}, doc: include_str!({:?}) }},",
            need("name"),
            need("summary"),
            need("applies"),
            path.display().to_string(),
        )
        .unwrap();
        writeln!(consts, "pub const {id}: &RuleMeta = &RULES[{i}];").unwrap();
    }
    let out = format!(
        "/// Every rule, sorted by id.\npub const RULES: &[RuleMeta] = &[\n{list}];\n{consts}"
    );
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("rules.rs"),
        out,
    )
    .unwrap();
}
