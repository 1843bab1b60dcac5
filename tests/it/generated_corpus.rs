//! The output on a generated monorepo (every format, a large root module, and a root module that
//! calls another large linted directory) is the same byte for byte on one thread and on many,
//! and written to a file (`--output`) as printed.

#[path = "../../benches/support/monorepo.rs"]
mod monorepo;

use assert_cmd::Command;
use monorepo::Format;

#[test]
fn generated_monorepo_output_is_identical_with_one_and_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    for format in Format::ALL {
        monorepo::write(dir.path(), format, 40, monorepo::SEED).unwrap();
    }
    monorepo::write_module(&dir.path().join("module"), 30, monorepo::SEED).unwrap();
    // A large root module, lowered in parts on several threads.
    monorepo::write_module(&dir.path().join("alone"), 40, monorepo::SEED + 1).unwrap();
    // A root module calling the large module's directory, which is linted too.
    let caller = dir.path().join("caller");
    std::fs::create_dir_all(&caller).unwrap();
    std::fs::write(
        caller.join("main.tf"),
        "module \"big\" {\n  source       = \"../module\"\n  cluster_name = \"called\"\n}\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github"] {
        let run = |threads: &str| {
            Command::cargo_bin("ekslint")
                .unwrap()
                .current_dir(dir.path())
                .env("RAYON_NUM_THREADS", threads)
                .args(["--format", format, "--color", "never", "."])
                .output()
                .unwrap()
        };
        let one = run("1");
        assert_eq!(
            one.status.code(),
            Some(1),
            "{format}: findings fail the run"
        );
        // More than the 64 KiB written at a time.
        assert!(one.stdout.len() > 1 << 16, "{format}: output too short");
        assert!(
            one.stdout == run("4").stdout,
            "{format}: output differs between 1 and 4 threads"
        );
        // Written to a file as it is rendered, the report is the one printed.
        let file = dir.path().join(format!("report.{format}"));
        let written = Command::cargo_bin("ekslint")
            .unwrap()
            .current_dir(dir.path())
            .args(["--format", format, "--color", "never", "--output"])
            .arg(&file)
            .arg(".")
            .output()
            .unwrap();
        assert_eq!(written.status.code(), Some(1), "{format}: --output");
        assert!(
            written.stdout.is_empty(),
            "{format}: --output prints nothing"
        );
        assert!(
            std::fs::read(&file).unwrap() == one.stdout,
            "{format}: the file differs from standard output"
        );
        std::fs::remove_file(&file).unwrap();
    }
}
