//! `cargo bench --bench monorepo`: ekslint against the parse-only floor on a generated monorepo.
//!
//! The floor is the least any linter of these files must do: the same walk (the `ignore`
//! crate, as `discover`) and the same parsers (hcl-edit, saphyr-parser events, jsonc-parser),
//! reading and parsing every file on the same number of threads and dropping it. Each case runs
//! in fresh child processes (this benchmark re-executed with `--floor`, and the built `ekslint`
//! binary, each run from a copy under `EKSLINT_BENCH_DIR/bin`, as the baseline is: see
//! `copied`), timed from spawn to exit, with the child's peak resident memory from `wait4`. The
//! programs take turns, each round starting with the next one, so that none always runs right
//! after the same other. It prints the median time, the ratio of ekslint to the floor and both
//! peaks. An untimed run of the floor first reads the case's files into the page cache, so that
//! the first timed program does not read them from disk for the others.
//!
//! Cases: each format at each size (1,000 and 10,000 files; 50,000 on request) on 1 and 2
//! threads; a single Terraform module of 5,000 entries; pre-commit with 200 named files; one
//! keystroke in a 500-file module through the language server (`ekslint lsp`: from
//! `didChange` to the published diagnostics).
//!
//! The corpora are generated here (`support/monorepo.rs`, the layout and mistakes of the
//! project's corpus generator: one cluster, about five entries and five associations a file).
//!
//! Environment:
//! - `EKSLINT_BENCH_SIZES` (`1000,10000`; `1000,10000,50000` for the linearity curve),
//!   `EKSLINT_BENCH_THREADS` (`1,2`), `EKSLINT_BENCH_FORMATS` (`terraform,cloudformation,eksctl`), `EKSLINT_BENCH_RUNS` (runs
//!   per case below 50,000 files, median taken; 1 at 50,000 and above);
//! - `EKSLINT_BENCH_CASES`: which groups to run (`scale,module,precommit,lsp`);
//! - `EKSLINT_BENCH_BASELINE`: another `ekslint` binary (an earlier build) measured side by side;
//! - `EKSLINT_BENCH_DIR`: where the corpora are written and kept between runs (a temporary
//!   directory by default);
//! - `EKSLINT_BENCH_ARGS`: the output arguments (`--format human --color never`).
//!
//! Under `cargo test` (no `--bench` argument) it does nothing.

#[path = "support/monorepo.rs"]
mod monorepo;

use monorepo::Format;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EKSLINT: &str = env!("CARGO_BIN_EXE_ekslint");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--floor") {
        floor::run(&args[2..]);
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let bench = Bench::from_env();
    println!(
        "ekslint {EKSLINT}{}, each run from a copy in {}\ncorpora under {}; output {:?}; times are medians of {} run(s) below 50,000 files",
        std::env::var("EKSLINT_BENCH_BASELINE")
            .map_or(String::new(), |b| format!(" against the baseline {b}")),
        bench.root.join("bin").display(),
        bench.root.display(),
        bench.output_args.join(" "),
        bench.runs
    );
    println!("{}", header(bench.baseline.is_some()));
    let cases = list("EKSLINT_BENCH_CASES", "scale,module,precommit,lsp");
    if cases.iter().any(|c| c == "scale") {
        bench.scale();
    }
    if cases.iter().any(|c| c == "module") {
        bench.module();
    }
    if cases.iter().any(|c| c == "precommit") {
        bench.precommit();
    }
    if cases.iter().any(|c| c == "lsp") {
        bench.lsp();
    }
}

/// A copy of the program at `path`, written for this run under `root` as `name`. Each program
/// is timed from such a copy: on the machine these figures come from, a binary as the linker
/// wrote it ran 2-4% slower than a copy of it (the same bytes, written in one go), which
/// favoured a baseline copied elsewhere over the freshly built ekslint and floor.
fn copied(path: &Path, root: &Path, name: &str) -> PathBuf {
    let dir = root.join("bin");
    std::fs::create_dir_all(&dir).expect("directory for the programs");
    let copy = dir.join(name);
    // A new file, not one a running program may still have open.
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(path, &copy).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    copy
}

/// A comma-separated list from the environment.
fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

struct Bench {
    root: PathBuf,
    /// The programs timed, each run from a copy of its own (see [`copied`]): this benchmark
    /// (the floor), ekslint, and the baseline when there is one.
    floor: PathBuf,
    ekslint: PathBuf,
    sizes: Vec<usize>,
    threads: Vec<usize>,
    formats: Vec<Format>,
    runs: usize,
    baseline: Option<PathBuf>,
    output_args: Vec<String>,
}

/// One measured process: wall time from spawn to exit, and peak resident memory.
#[derive(Clone, Copy, Debug)]
struct Run {
    secs: f64,
    rss_kb: u64,
}

/// The median time and the highest peak of several runs.
fn summary(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    Run {
        secs: runs[runs.len() / 2].secs,
        rss_kb: runs.iter().map(|r| r.rss_kb).max().unwrap_or(0),
    }
}

fn header(baseline: bool) -> String {
    let mut h = format!(
        "{:<34} {:>3} | {:>9} {:>7} | {:>9} {:>6} {:>8}",
        "case", "thr", "floor", "RSS", "ekslint", "ratio", "RSS"
    );
    if baseline {
        h += &format!(" | {:>9} {:>6} {:>8}", "baseline", "ratio", "RSS");
    }
    h
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

impl Bench {
    fn from_env() -> Bench {
        let number = |s: &String| s.parse::<usize>().expect("a number");
        let root = std::env::var_os("EKSLINT_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("ekslint-bench-corpus"));
        let own = std::env::current_exe().expect("own path");
        Bench {
            floor: copied(&own, &root, "floor"),
            ekslint: copied(Path::new(EKSLINT), &root, "ekslint"),
            sizes: list("EKSLINT_BENCH_SIZES", "1000,10000")
                .iter()
                .map(number)
                .collect(),
            threads: list("EKSLINT_BENCH_THREADS", "1,2")
                .iter()
                .map(number)
                .collect(),
            formats: list("EKSLINT_BENCH_FORMATS", "terraform,cloudformation,eksctl")
                .iter()
                .map(|f| {
                    *Format::ALL
                        .iter()
                        .find(|x| x.name() == f)
                        .expect("a format name")
                })
                .collect(),
            runs: std::env::var("EKSLINT_BENCH_RUNS").map_or(3, |r| number(&r)),
            baseline: std::env::var_os("EKSLINT_BENCH_BASELINE")
                .map(|b| copied(Path::new(&b), &root, "baseline")),
            root,
            output_args: list("EKSLINT_BENCH_ARGS", "--format human --color never")
                .join(",")
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// The corpus of `n` files of a format, generated once and kept.
    fn corpus(&self, format: Format, n: usize) -> PathBuf {
        let dir = self.root.join(format!("{}-{n}", format.name()));
        let done = self.root.join(format!("{}-{n}.done", format.name()));
        if !done.exists() {
            let _ = std::fs::remove_dir_all(&dir);
            let start = Instant::now();
            let bytes = monorepo::write(&dir, format, n, monorepo::SEED).expect("corpus written");
            std::fs::write(&done, "").expect("marker written");
            eprintln!(
                "(wrote {n} {} files, {:.1} MB, in {:.1} s)",
                format.name(),
                bytes as f64 / 1e6,
                start.elapsed().as_secs_f64()
            );
        }
        dir
    }

    /// The single Terraform module of `files` files.
    fn module_corpus(&self, files: usize) -> (PathBuf, Vec<PathBuf>) {
        let dir = self.root.join(format!("module-{files}"));
        let paths = monorepo::write_module(&dir, files, monorepo::SEED).expect("module written");
        (dir, paths)
    }

    /// Runs a case: the floor and ekslint (and the baseline), interleaved, in `cwd` on `paths`.
    fn case(&self, name: &str, threads: usize, cwd: &Path, paths: &[PathBuf], runs: usize) {
        let floor_command = || {
            let mut cmd = Command::new(&self.floor);
            cmd.arg("--floor").args(paths);
            cmd
        };
        // The floor, ekslint and the baseline, in this order.
        let mut commands: Vec<Box<dyn Fn() -> Command + '_>> = vec![
            Box::new(floor_command),
            Box::new(|| self.ekslint(&self.ekslint, paths)),
        ];
        if let Some(b) = &self.baseline {
            commands.push(Box::new(move || self.ekslint(b, paths)));
        }
        // Untimed: the files in the page cache for every timed run.
        spawn(floor_command(), cwd, threads);
        // Each round starts with the next program, so that none always runs after the same
        // one (the first of a round ran second to last in the one before).
        let mut timed: [Vec<Run>; 3] = Default::default();
        for round in 0..runs {
            for p in (0..commands.len()).map(|p| (p + round) % commands.len()) {
                timed[p].push(spawn(commands[p](), cwd, threads));
            }
        }
        let [floor, ours, theirs] = timed;
        let floor = summary(floor);
        let ours = summary(ours);
        let mut line = format!(
            "{name:<34} {threads:>3} | {:>7.3} s {:>7} | {:>7.3} s {:>5.2}x {:>8}",
            floor.secs,
            mb(floor.rss_kb),
            ours.secs,
            ours.secs / floor.secs,
            mb(ours.rss_kb)
        );
        if !theirs.is_empty() {
            let theirs = summary(theirs);
            line += &format!(
                " | {:>7.3} s {:>5.2}x {:>8}",
                theirs.secs,
                theirs.secs / floor.secs,
                mb(theirs.rss_kb)
            );
        }
        println!("{line}");
    }

    fn ekslint(&self, binary: &Path, paths: &[PathBuf]) -> Command {
        let mut cmd = Command::new(binary);
        cmd.args(&self.output_args).args(paths);
        cmd
    }

    /// Every format at every size, on each thread count.
    fn scale(&self) {
        for &format in &self.formats {
            for &n in &self.sizes {
                let dir = self.corpus(format, n);
                let runs = if n < 50_000 { self.runs } else { 1 };
                for &t in &self.threads {
                    let name = format!("{} {n} files", format.name());
                    self.case(&name, t, &dir, &[PathBuf::from(".")], runs);
                }
            }
        }
    }

    /// One Terraform module of 5,000 entries (1,000 files of five, and its `main.tf`).
    fn module(&self) {
        let (dir, _) = self.module_corpus(1_001);
        for &t in &self.threads {
            self.case(
                "terraform module, 5000 entries",
                t,
                &dir,
                &[PathBuf::from(".")],
                self.runs,
            );
        }
    }

    /// Pre-commit: 200 named files of the three formats, from the 10,000-file corpora (the
    /// 1,000-file ones when 10,000 is not among the sizes); Terraform files bring in the rest
    /// of their module for context.
    fn precommit(&self) {
        let n = if self.sizes.contains(&10_000) {
            10_000
        } else {
            1_000
        };
        let mut paths = Vec::new();
        for (k, format) in Format::ALL.into_iter().enumerate() {
            let dir = self.corpus(format, n);
            let count = if k == 2 { 66 } else { 67 };
            for j in 0..count {
                let i = 1 + j * (n / count);
                paths.push(
                    PathBuf::from(dir.file_name().expect("corpus name")).join(format.path(i)),
                );
            }
        }
        for &t in &self.threads {
            self.case(
                "pre-commit, 200 named files",
                t,
                &self.root,
                &paths,
                self.runs,
            );
        }
    }

    /// One keystroke in a 500-file module through the language server: the time from
    /// `didChange` to the document's published diagnostics (median and slowest of 20).
    fn lsp(&self) {
        let (dir, paths) = self.module_corpus(500);
        let document = &paths[paths.len() / 2];
        let mut binaries = vec![("ekslint", self.ekslint.clone())];
        if let Some(b) = &self.baseline {
            binaries.push(("baseline", b.clone()));
        }
        for &t in &self.threads {
            let mut line = format!("{:<34} {t:>3} |", "lsp keystroke, 500-file module");
            for (name, binary) in &binaries {
                let (median, max) = lsp::keystrokes(binary, &dir, document, t, 20);
                line += &format!(
                    " {name}: median {:.1} ms, slowest {:.1} ms;",
                    median.as_secs_f64() * 1e3,
                    max.as_secs_f64() * 1e3
                );
            }
            println!("{line}");
        }
    }
}

/// Spawns a command (its output discarded) on `threads` threads and waits for it.
fn spawn(mut cmd: Command, cwd: &Path, threads: usize) -> Run {
    cmd.current_dir(cwd)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("child started");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let (code, rss_kb) = wait(&mut child);
    let secs = start.elapsed().as_secs_f64();
    // ekslint exits 1 on findings; 2 would mean a file it could not read.
    assert!(
        matches!(code, Some(0 | 1)),
        "{cmd:?} exited with {code:?}: {stderr}"
    );
    Run { secs, rss_kb }
}

/// Waits for a child; its exit code and peak resident memory in KB.
#[cfg(unix)]
fn wait(child: &mut std::process::Child) -> (Option<i32>, u64) {
    let mut status = 0;
    // SAFETY: `wait4` writes a status and a `rusage` for a child of this process; both are
    // ours, and the child is reaped here once (its `Child` is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, usage.ru_maxrss as u64)
}

#[cfg(not(unix))]
fn wait(child: &mut std::process::Child) -> (Option<i32>, u64) {
    (child.wait().expect("child waited").code(), 0)
}

/// The parse-only floor, run as a child process: walks the given paths as `discover` does (on
/// as many threads as it parses with) and reads and parses every candidate file on the rayon
/// pool, dropping each tree.
mod floor {
    use rayon::prelude::*;
    use std::path::{Path, PathBuf};

    const SUFFIXES: [&str; 6] = [".tf", ".tf.json", ".yaml", ".yml", ".json", ".template"];

    pub fn run(args: &[String]) {
        let mut files: Vec<PathBuf> = Vec::new();
        for arg in args {
            let path = Path::new(arg);
            if !path.is_dir() {
                files.push(path.to_path_buf());
                continue;
            }
            let found = std::sync::Mutex::new(Vec::new());
            ignore::WalkBuilder::new(path)
                .require_git(false)
                .threads(rayon::current_num_threads())
                .build_parallel()
                .run(|| {
                    Box::new(|entry| {
                        if let Ok(entry) = entry
                            && entry.file_type().is_some_and(|t| !t.is_dir())
                            && candidate(entry.path())
                        {
                            found.lock().expect("walk").push(entry.into_path());
                        }
                        ignore::WalkState::Continue
                    })
                });
            files.extend(found.into_inner().expect("walk"));
        }
        files.sort();
        files.dedup();
        let parsed: usize = files.par_iter().map(|p| parse(p)).sum();
        println!("{} files, {parsed} parsed", files.len());
    }

    fn candidate(path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        SUFFIXES.iter().any(|s| name.ends_with(s))
    }

    /// Reads and parses one file with the parser of its format: 1 when it parsed.
    fn parse(path: &Path) -> usize {
        let Ok(bytes) = std::fs::read(path) else {
            return 0;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return 0;
        };
        let name = path.to_string_lossy();
        let ok = if name.ends_with(".tf") {
            hcl::edit::parser::parse_body(&text).is_ok()
        } else if name.ends_with(".json") {
            jsonc_parser::parse_to_ast(
                &text,
                &jsonc_parser::CollectOptions::default(),
                &jsonc_parser::ParseOptions::default(),
            )
            .is_ok()
        } else {
            saphyr_parser::Parser::new_from_str(&text).all(|event| event.is_ok())
        };
        usize::from(ok)
    }
}

/// A minimal language-server client over the child's standard input and output.
mod lsp {
    use super::*;
    use serde_json::{Value, json};

    struct Client {
        child: std::process::Child,
        input: std::process::ChildStdin,
        output: BufReader<std::process::ChildStdout>,
    }

    impl Client {
        fn send(&mut self, message: Value) {
            let body = message.to_string();
            write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("sent");
            self.input.flush().expect("flushed");
        }

        fn receive(&mut self) -> Value {
            let mut length = 0;
            loop {
                let mut line = String::new();
                let n = self.output.read_line(&mut line).expect("header read");
                assert!(n > 0, "the server closed its output");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().expect("a length");
                }
            }
            let mut body = vec![0; length];
            self.output.read_exact(&mut body).expect("body read");
            serde_json::from_slice(&body).expect("a JSON message")
        }

        /// Waits for the diagnostics of `uri`; returns how many there are.
        fn diagnostics(&mut self, uri: &str) -> usize {
            loop {
                let m = self.receive();
                if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                    return m["params"]["diagnostics"].as_array().map_or(0, |d| d.len());
                }
            }
        }
    }

    /// Opens `document` and changes it `count` times (a comment growing by one character);
    /// returns the median and slowest time to its diagnostics.
    pub fn keystrokes(
        binary: &Path,
        dir: &Path,
        document: &Path,
        threads: usize,
        count: usize,
    ) -> (Duration, Duration) {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(dir)
            .env("RAYON_NUM_THREADS", threads.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("language server started");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut c = Client {
            child,
            input,
            output,
        };
        let path = std::fs::canonicalize(document).expect("document path");
        let uri = format!("file://{}", path.display());
        let text = std::fs::read_to_string(&path).expect("document text");
        c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
        while c.receive()["id"] != 1 {}
        c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        c.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "terraform", "version": 0, "text": text}}}),
        );
        let found = c.diagnostics(&uri);
        let mut times = Vec::new();
        for k in 1..=count {
            let changed = format!("{text}# {}\n", "x".repeat(k));
            let start = Instant::now();
            c.send(
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": k},
                "contentChanges": [{"text": changed}]}}),
            );
            assert_eq!(
                c.diagnostics(&uri),
                found,
                "the same findings after a comment"
            );
            times.push(start.elapsed());
        }
        c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        while c.receive()["id"] != 2 {}
        c.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = c.child.wait();
        times.sort();
        (times[times.len() / 2], times[times.len() - 1])
    }
}
