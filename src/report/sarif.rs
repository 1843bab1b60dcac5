//! The SARIF 2.1.0 reporter, built with serde-sarif's typed builders.
//!
//! One run; columns count Unicode code points (`columnKind: unicodeCodePoints`), as our
//! positions do. Suppressed findings are kept, with an `inSource` suppression, so code scanning
//! shows them as dismissed.
//!
//! # File locations
//!
//! GitHub code scanning resolves a relative `artifactLocation.uri` against the checkout, so a
//! file inside the repository is written relative to the repository root (`uriBaseId`
//! `%SRCROOT%`): the nearest directory upward from the working directory that holds `.git`, or
//! the working directory when there is none. The same file gets the same URI whichever
//! directory ekslint runs in. A file outside that root gets an absolute `file://` URI.
//!
//! # Fingerprints
//!
//! Each result has `partialFingerprints["ekslint/v1"]`: 16 lower-case hex digits of the 64-bit
//! FNV-1a hash of
//! `rule id ␀ file path ␀ normalised text ␀ occurrence`, where the file path is the one in the
//! URI (relative to the repository root, not percent-encoded), the normalised text is the
//! primary span's text with every run of whitespace collapsed to one space and trimmed, and the
//! occurrence is the decimal index of this (rule, file, text) triple among the earlier results
//! of the same run (0 for the first). No line or column goes in, so unrelated edits above a
//! finding leave its fingerprint unchanged. FNV-1a is written here because std's hashers are
//! not stable across releases.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::rc::Rc;

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message,
    MultiformatMessageString, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    SCHEMA_URL, Sarif, Suppression, Tool, ToolComponent, Version,
};

use super::location::{Locator, Place, Places};
use super::{RenderOptions, Report};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RuleMeta};
use crate::source::Span;

/// The base id relative artifact URIs are resolved against.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "ekslint/v1";

/// Renders the report as a pretty-printed SARIF log followed by a newline, with file URIs
/// relative to the repository root of the working directory.
///
/// `opts` changes nothing: SARIF never has colour and always carries suppressed findings.
pub fn render(report: &Report, _opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    write_log(report, &Locator::of_working_directory(), out)
}

fn write_log(report: &Report, locator: &Locator, out: &mut dyn Write) -> io::Result<()> {
    let rules = driver_rules(report);
    // The log is printed without its results and split where they go; each result is
    // rendered alone on the lint threads, indented to its place, and written in order, so that
    // the results of a run are not all held at once. A fingerprint counts the earlier results:
    // those are told first.
    let mut frame = Vec::new();
    serde_json::to_writer_pretty(&mut frame, &log(&rules, Vec::new())?)?;
    let (head, indent, tail) = around_results(&frame)
        .ok_or_else(|| io::Error::other("the SARIF log has no results array"))?;
    let places = Places::new(locator, &report.sources);
    let results: Vec<(&Diagnostic, String)> = report
        .diagnostics
        .iter()
        .zip(fingerprints(report, &places))
        .collect();
    out.write_all(head)?;
    super::json_array_items(out, &results, indent, |(d, fingerprint)| {
        result(report, &places, &rules, fingerprint.clone(), d)
    })?;
    out.write_all(tail)?;
    writeln!(out)
}

/// A pretty-printed log split around its empty results array: the text up to its `[`, the
/// indentation of its line, and the text from its `]`. (A key in a JSON string has its quotes
/// escaped, so only the key itself matches.)
fn around_results(log: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    const KEY: &[u8] = b"\"results\": []";
    let at = log.windows(KEY.len()).position(|w| w == KEY)?;
    let line = log[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let close = at + KEY.len() - 1;
    Some((&log[..close], &log[line..at], &log[close..]))
}

/// The log of a run with `results`.
fn log(rules: &[&'static RuleMeta], results: Vec<SarifResult>) -> io::Result<Sarif> {
    let driver = ToolComponent::builder()
        .name("ekslint")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules.iter().copied().map(descriptor).collect::<Vec<_>>())
        .build();
    let base = ArtifactLocation::builder()
        .description(text(
            "The repository root: the nearest directory upward from where ekslint ran that holds .git.",
        ))
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), base)]))
        .results(results)
        .build();
    Ok(Sarif::builder()
        .schema(SCHEMA_URL)
        .version(serde_json::to_value(Version::V2_1_0)?)
        .runs(vec![run])
        .build())
}

/// The rules that ran plus any other rule a diagnostic names (e.g. a parse error), sorted by
/// id, so that every result has a `ruleIndex`.
fn driver_rules(report: &Report) -> Vec<&'static RuleMeta> {
    let mut all: Vec<&'static RuleMeta> = report.rules.clone();
    all.extend(
        report
            .diagnostics
            .iter()
            .filter_map(|d| rules::lookup(d.rule)),
    );
    all.sort_by_key(|r| r.id);
    all.dedup_by_key(|r| r.id);
    all
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let explanation = rule.explanation();
    let builder = ReportingDescriptor::builder()
        .id(rule.id)
        .name(rule.name)
        .short_description(plain(rule.summary))
        .full_description(plain(
            &first_paragraph(explanation).unwrap_or_else(|| rule.summary.to_string()),
        ))
        .help(
            MultiformatMessageString::builder()
                .text(explanation)
                .markdown(explanation)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(rule.severity.as_str()))
                .build(),
        );
    let mut descriptor = match rule.security_severity {
        Some(score) => builder
            .properties(
                PropertyBag::builder()
                    .tags(vec!["security".to_string()])
                    .additional_properties(BTreeMap::from([(
                        "security-severity".to_string(),
                        json!(score),
                    )]))
                    .build(),
            )
            .build(),
        None => builder.build(),
    };
    descriptor.help_uri = rule.doc_url();
    descriptor
}

/// The first paragraph of Markdown prose: outside code fences, not a heading, hard-wrapped
/// lines joined with spaces. The rule files put it under `## What it does`.
fn first_paragraph(markdown: &str) -> Option<String> {
    let mut in_fence = false;
    let mut lines: Vec<&str> = Vec::new();
    for line in markdown.lines().map(str::trim) {
        let fence = line.starts_with("```") || line.starts_with("~~~");
        if fence {
            in_fence = !in_fence;
        }
        if fence || in_fence || line.is_empty() || line.starts_with('#') {
            if !lines.is_empty() {
                break;
            }
            continue;
        }
        lines.push(line);
    }
    (!lines.is_empty()).then(|| lines.join(" "))
}

/// A finding as a result, with its fingerprint.
fn result(
    report: &Report,
    places: &Places,
    rules: &[&RuleMeta],
    fingerprint: String,
    d: &Diagnostic,
) -> SarifResult {
    let related = d
        .related
        .iter()
        .zip(1..)
        .map(|(r, id)| {
            Location::builder()
                .id(id)
                .physical_location(physical(report, places, r.span))
                .message(text(&*r.message))
                .build()
        })
        .collect::<Vec<_>>();
    let primary = Location::builder()
        .physical_location(physical(report, places, d.span))
        .build();
    let builder = SarifResult::builder()
        .rule_id(d.rule)
        .level(match d.severity {
            Severity::Error => ResultLevel::Error,
            Severity::Warning => ResultLevel::Warning,
            Severity::Note => ResultLevel::Note,
        })
        .message(text(&d.message))
        .locations(vec![primary])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]));
    // typed-builder changes the builder's type with each setter, so optional parts are set
    // by mutating the built value.
    let mut result = builder.build();
    result.rule_index = rules
        .binary_search_by(|r| r.id.cmp(d.rule))
        .ok()
        .and_then(|i| i64::try_from(i).ok());
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if let Some(s) = &d.suppressed {
        let mut suppression = Suppression::builder().kind(json!("inSource")).build();
        suppression.justification = s.justification.clone();
        result.suppressions = Some(vec![suppression]);
    }
    if let Some(fix) = &d.fix {
        result.fixes = Some(vec![sarif_fix(report, places, fix)]);
    }
    result
}

/// A fix as SARIF artifact changes: per file, each edit as a replacement of its region (empty
/// for an insertion) by its text.
fn sarif_fix(report: &Report, places: &Places, fix: &crate::fix::Fix) -> Fix {
    let mut files: Vec<crate::source::FileId> = fix.edits.iter().map(|e| e.span.file).collect();
    files.dedup();
    let changes = files
        .into_iter()
        .map(|file| {
            let replacements = fix
                .edits
                .iter()
                .filter(|e| e.span.file == file)
                .map(|e| {
                    let mut replacement = Replacement::builder()
                        .deleted_region(region(report, e.span))
                        .build();
                    replacement.inserted_content =
                        Some(ArtifactContent::builder().text(e.text.clone()).build());
                    replacement
                })
                .collect::<Vec<_>>();
            ArtifactChange::builder()
                .artifact_location(artifact(places, file))
                .replacements(replacements)
                .build()
        })
        .collect::<Vec<_>>();
    let mut out = Fix::builder().artifact_changes(changes).build();
    out.description = Some(text(format!("{} ({} fix)", fix.title, fix.safety.as_str())));
    out
}

fn physical(report: &Report, places: &Places, span: Span) -> PhysicalLocation {
    PhysicalLocation::builder()
        .artifact_location(artifact(places, span.file))
        .region(region(report, span))
        .build()
}

/// The region of a span: start and end line and column.
fn region(report: &Report, span: Span) -> Region {
    let (start, end) = report.sources.range(span);
    Region::builder()
        .start_line(as_i64(start.line))
        .start_column(as_i64(start.column))
        .end_line(as_i64(end.line))
        .end_column(as_i64(end.column))
        .build()
}

/// Where a file is: relative to `%SRCROOT%`, or absolute.
fn artifact(places: &Places, file: crate::source::FileId) -> ArtifactLocation {
    match places.of(file) {
        Place::Absolute(path) => {
            // `file:///C:/...` on Windows, `file:///home/...` elsewhere.
            let slash = if path.starts_with('/') { "" } else { "/" };
            ArtifactLocation::builder()
                .uri(format!("file://{slash}{}", encode_uri_path(path)))
                .build()
        }
        Place::Relative(path) => ArtifactLocation::builder()
            .uri(encode_uri_path(path))
            .uri_base_id(SRCROOT)
            .build(),
    }
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s).build()
}

fn plain(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// Percent-encodes a `/`-separated path for a URI reference: every byte except unreserved
/// characters, `/` and the sub-delimiters that are safe in a path. `:` is encoded, so a
/// relative path is never read as a scheme.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Assigns fingerprints in result order, counting repeated (rule, file, text) triples. Many
/// findings may share one long place (every stale id of a suppression comment is at the whole
/// comment): each place's text is normalised once, and each triple's hash is kept up to its
/// text, so that a finding costs the length of its text only when its place is new.
#[derive(Default)]
struct Fingerprints<'p> {
    /// Each place's normalised text, as an index into `texts`.
    places: HashMap<Span, usize>,
    /// The distinct normalised texts, and the index of each.
    texts: Vec<Rc<str>>,
    text_index: HashMap<Rc<str>, usize>,
    /// For each (rule, path, text index): the hash up to the text, and the results so far.
    seen: HashMap<(&'static str, &'p str, usize), (Fnv1a, u64)>,
}

impl<'p> Fingerprints<'p> {
    fn next(&mut self, report: &Report, places: &'p Places, d: &Diagnostic) -> String {
        let file = report.sources.get(d.span.file);
        let text = match self.places.get(&d.span) {
            Some(&text) => text,
            None => {
                let normalised: Rc<str> = normalise(file.slice(d.span)).into();
                let text = *self
                    .text_index
                    .entry(normalised.clone())
                    .or_insert_with(|| {
                        self.texts.push(normalised);
                        self.texts.len() - 1
                    });
                self.places.insert(d.span, text);
                text
            }
        };
        let path = places.of(d.span.file).path();
        let texts = &self.texts;
        let (hash, count) = self
            .seen
            .entry((d.rule, path, text))
            .or_insert_with_key(|(rule, path, text)| (up_to_text(rule, path, &texts[*text]), 0));
        let occurrence = *count;
        *count += 1;
        finished(*hash, occurrence)
    }
}

/// The fingerprint of each finding, in order. An occurrence counts only the earlier findings of
/// the same path, so the findings of each path are told apart from the others', on the lint
/// threads, each path's in order.
fn fingerprints(report: &Report, places: &Places) -> Vec<String> {
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        by_path
            .entry(places.of(d.span.file).path())
            .or_default()
            .push(i);
    }
    let paths: Vec<Vec<usize>> = by_path.into_values().collect();
    let told: Vec<Vec<String>> = crate::threads::run(|| {
        paths
            .par_iter()
            .map(|found| {
                let mut fingerprints = Fingerprints::default();
                found
                    .iter()
                    .map(|&i| fingerprints.next(report, places, &report.diagnostics[i]))
                    .collect()
            })
            .collect()
    });
    let mut all = vec![String::new(); report.diagnostics.len()];
    for (found, told) in paths.iter().zip(told) {
        for (&i, fingerprint) in found.iter().zip(told) {
            all[i] = fingerprint;
        }
    }
    all
}

/// Whitespace runs collapsed to one space, ends trimmed.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The hash of a triple up to its occurrence: `rule ␀ path ␀ normalised text ␀`.
fn up_to_text(rule: &str, path: &str, normalised: &str) -> Fnv1a {
    let mut h = Fnv1a::new();
    h.write(rule.as_bytes());
    h.write(&[0]);
    h.write(path.as_bytes());
    h.write(&[0]);
    h.write(normalised.as_bytes());
    h.write(&[0]);
    h
}

/// The fingerprint from the hash of its triple and its occurrence.
fn finished(mut h: Fnv1a, occurrence: u64) -> String {
    h.write(occurrence.to_string().as_bytes());
    format!("{:016x}", h.0)
}

/// 64-bit FNV-1a, a fixed and documented hash.
#[derive(Clone, Copy)]
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    /// The fingerprint of the `occurrence`-th result of a (rule, file, normalised text) triple.
    fn fingerprint(rule: &str, path: &str, normalised: &str, occurrence: u64) -> String {
        finished(up_to_text(rule, path, normalised), occurrence)
    }

    /// A locator for a run in `/repo/<sub>` of the repository `/repo`.
    fn locator(sub: &str) -> Locator {
        Locator {
            cwd: Some(Path::new("/repo").join(sub)),
            root: PathBuf::from("/repo"),
        }
    }

    fn rendered(report: &Report) -> Value {
        let mut out = Vec::new();
        write_log(report, &locator(""), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n"));
        serde_json::from_str(&text).unwrap()
    }

    /// The results written one by one into the log printed without them give the text of the
    /// whole log printed at once.
    #[test]
    fn results_written_one_by_one_give_the_log_printed_whole() {
        let mut report = testutil::report();
        let one = report.diagnostics.clone();
        for shown in [0, 1, one.len()] {
            report.diagnostics = one[..shown].to_vec();
            let mut streamed = Vec::new();
            write_log(&report, &locator(""), &mut streamed).unwrap();
            let rules = driver_rules(&report);
            let locator = locator("");
            let places = Places::new(&locator, &report.sources);
            let mut fingerprints = Fingerprints::default();
            let results = report
                .diagnostics
                .iter()
                .map(|d| {
                    let fingerprint = fingerprints.next(&report, &places, d);
                    result(&report, &places, &rules, fingerprint, d)
                })
                .collect();
            let mut whole = Vec::new();
            serde_json::to_writer_pretty(&mut whole, &log(&rules, results).unwrap()).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(whole).unwrap(),
                "{shown} results"
            );
        }
        assert!(one.len() > 2, "the report has findings");
    }

    #[test]
    fn fnv1a_matches_reference_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a::new();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn sarif_run_driver_and_rules() {
        let v = rendered(&testutil::report());
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "ekslint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["EKS104", "EKS105", "EKS124", "EKS401"]);
        let eks401 = &driver["rules"][3];
        assert_eq!(eks401["name"], "cluster-admin-policy");
        assert_eq!(
            eks401["helpUri"],
            "https://github.com/ekslint/ekslint/blob/main/rules/EKS401-cluster-admin-policy.md"
        );
        assert_eq!(eks401["defaultConfiguration"]["level"], "warning");
        assert_eq!(eks401["properties"]["security-severity"], "6.5");
        assert_eq!(eks401["properties"]["tags"], json!(["security"]));
        assert!(driver["rules"][0].get("properties").is_none());
        assert!(eks401["help"]["markdown"].is_string());
    }

    #[test]
    fn sarif_results_locations_and_suppressions() {
        let v = rendered(&testutil::report());
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 4, "suppressed findings are kept");

        let dup = &results[0];
        assert_eq!(dup["ruleId"], "EKS104");
        assert_eq!(dup["ruleIndex"], 0);
        assert_eq!(dup["level"], "error");
        let related = &dup["relatedLocations"][0];
        assert_eq!(related["id"], 1);
        assert_eq!(
            related["message"]["text"],
            "first access entry for this principal"
        );
        assert_eq!(
            related["physicalLocation"]["artifactLocation"],
            json!({"uri": "envs/prod%20cluster/main.tf", "uriBaseId": "%SRCROOT%"})
        );

        let suppressed = &results[1];
        assert_eq!(suppressed["ruleIndex"], 3);
        assert_eq!(
            suppressed["suppressions"],
            json!([{"kind": "inSource", "justification": "break-glass role, reviewed"}])
        );
        assert!(results[0].get("suppressions").is_none());

        let eks105 = &results[3];
        assert_eq!(eks105["level"], "error");
        assert_eq!(
            eks105["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 5, "startColumn": 20, "endLine": 5, "endColumn": 29})
        );
        assert_eq!(results[2]["level"], "note");
    }

    #[test]
    fn fingerprints_count_identical_findings() {
        let mut report = testutil::report();
        let again = report.diagnostics[3].clone();
        report.diagnostics.push(again);
        let v = rendered(&report);
        let fp = |i: usize| {
            v["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(fp(3).len(), 16);
        assert_ne!(fp(3), fp(4), "a repeated finding gets the next occurrence");
        let mut all: Vec<String> = (0..5).map(fp).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn findings_at_one_long_place_count_their_occurrences_as_findings_anywhere_do() {
        use crate::source::{SourceFile, SourceMap};
        let long = "a  b\n c ".repeat(2000);
        let other = "a b  c\n".repeat(2000);
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new(
            "main.tf".into(),
            [&*long, &*other].concat(),
        ));
        let first = Span::new(file, 0, long.len());
        let second = Span::new(file, long.len(), long.len() + other.len());
        let (eks105, eks124) = (
            rules::lookup("EKS105").unwrap(),
            rules::lookup("EKS124").unwrap(),
        );
        // Both places have one normalised text: their findings of a rule count together.
        let places = [first, first, second, first, second];
        let diagnostics: Vec<Diagnostic> = places
            .iter()
            .map(|&p| Diagnostic::new(eks105, p, "m".into()))
            .chain([Diagnostic::new(eks124, second, "m".into())])
            .collect();
        let report = Report {
            skipped: Vec::new(),
            sources,
            diagnostics,
            rules: vec![eks105, eks124],
            files_linted: 1,
            failed: false,
        };
        let locator = locator("");
        let path = match locator.place("main.tf") {
            Place::Relative(path) | Place::Absolute(path) => path,
        };
        let text = normalise(&long);
        assert_eq!(text, normalise(&other));
        let places = Places::new(&locator, &report.sources);
        let mut fingerprints = Fingerprints::default();
        let found: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| fingerprints.next(&report, &places, d))
            .collect();
        let expected: Vec<String> = (0..5)
            .map(|k| fingerprint("EKS105", &path, &text, k))
            .chain([fingerprint("EKS124", &path, &text, 0)])
            .collect();
        assert_eq!(found, expected);
    }

    /// Occurrences count per path, whichever file ids and threads the findings have: two
    /// files read under one path count together, other paths apart.
    #[test]
    fn occurrences_count_the_earlier_findings_of_the_same_path() {
        use crate::source::{SourceFile, SourceMap};
        let mut sources = SourceMap::default();
        let [a, b, c] = ["main.tf", "other.tf", "main.tf"]
            .map(|path| sources.add(SourceFile::new(path.into(), "x = 1\n".into())));
        let eks105 = rules::lookup("EKS105").unwrap();
        let diagnostics: Vec<Diagnostic> = [a, b, c, b, a]
            .iter()
            .map(|&file| Diagnostic::new(eks105, Span::new(file, 0, 5), "m".into()))
            .collect();
        let report = Report {
            skipped: Vec::new(),
            sources,
            diagnostics,
            rules: vec![eks105],
            files_linted: 3,
            failed: false,
        };
        let v = rendered(&report);
        let found: Vec<&str> = (0..5)
            .map(|i| {
                v["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY]
                    .as_str()
                    .unwrap()
            })
            .collect();
        let expected = [
            ("main.tf", 0),
            ("other.tf", 0),
            ("main.tf", 1),
            ("other.tf", 1),
            ("main.tf", 2),
        ]
        .map(|(path, k)| fingerprint("EKS105", path, "x = 1", k));
        assert_eq!(found, expected);
    }

    #[test]
    fn fingerprint_ignores_whitespace_layout() {
        assert_eq!(normalise("  a \n\t b  "), "a b");
        assert_eq!(
            fingerprint("EKS105", "main.tf", &normalise("x  =\n 1"), 0),
            fingerprint("EKS105", "main.tf", &normalise("x = 1"), 0)
        );
        assert_ne!(
            fingerprint("EKS105", "main.tf", "x", 0),
            fingerprint("EKS105", "other.tf", "x", 0)
        );
        // FNV-1a of "EKS105␀main.tf␀x␀0", as the module documentation defines it.
        assert_eq!(fingerprint("EKS105", "main.tf", "x", 0), "fd109ce585113885");
    }

    #[test]
    fn full_description_is_the_first_prose_paragraph() {
        let doc =
            "## What it does\nFlags a thing\nacross lines.\n\n## Example\n```hcl\nx = 1\n```\n";
        assert_eq!(
            first_paragraph(doc).as_deref(),
            Some("Flags a thing across lines.")
        );
        assert_eq!(first_paragraph("# Title\n```\ncode\n```\n"), None);
    }

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        let place = |sub: &str, path: &str| match locator(sub).place(path) {
            Place::Relative(p) => format!("rel {p}"),
            Place::Absolute(p) => format!("abs {p}"),
        };
        assert_eq!(place("", "infra/main.tf"), "rel infra/main.tf");
        assert_eq!(place("infra", "eks/main.tf"), "rel infra/eks/main.tf");
        assert_eq!(
            place("infra/eks", "../../modules/x/main.tf"),
            "rel modules/x/main.tf"
        );
        assert_eq!(place("infra", "./a/../b.tf"), "rel infra/b.tf");
        assert_eq!(place("", "../elsewhere/main.tf"), "abs /elsewhere/main.tf");
        assert_eq!(place("infra", "/repo/x.tf"), "rel x.tf");
        assert_eq!(place("infra", "/tmp/x.tf"), "abs /tmp/x.tf");
        let unknown = Locator::default();
        assert!(matches!(unknown.place("a/b.tf"), Place::Relative(p) if p == "a/b.tf"));
        assert!(matches!(unknown.place("/a/b.tf"), Place::Absolute(p) if p == "/a/b.tf"));
    }

    #[test]
    fn a_file_outside_the_root_gets_a_file_uri() {
        let outside = Locator {
            cwd: Some(PathBuf::from("/outside")),
            root: PathBuf::from("/repo"),
        };
        let mut out = Vec::new();
        write_log(&testutil::report(), &outside, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let related = &v["runs"][0]["results"][0]["relatedLocations"][0];
        assert_eq!(
            related["physicalLocation"]["artifactLocation"],
            json!({"uri": "file:///outside/envs/prod%20cluster/main.tf"})
        );
    }

    #[test]
    fn uri_encoding_is_minimal() {
        assert_eq!(encode_uri_path("a/b-c_d.tf"), "a/b-c_d.tf");
        assert_eq!(
            encode_uri_path("a b/ü%:#?.tf"),
            "a%20b/%C3%BC%25%3A%23%3F.tf"
        );
    }
}
