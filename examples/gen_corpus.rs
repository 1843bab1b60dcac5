//! Writes the synthetic Terraform benchmark corpus to a directory, for timing the binary:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- /tmp/corpus 1000
//! /usr/bin/time -v target/release/ekslint --format json -o /dev/null /tmp/corpus
//! ```

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(out), count) = (args.next(), args.next()) else {
        eprintln!("usage: gen_corpus OUTDIR [FILES]");
        std::process::exit(2);
    };
    let count: usize = count.map_or(Ok(1000), |c| c.parse()).unwrap_or_else(|e| {
        eprintln!("FILES must be a number: {e}");
        std::process::exit(2);
    });
    match corpus::write(std::path::Path::new(&out), count) {
        Ok(lines) => println!("wrote {count} files, {lines} lines, under {out}"),
        Err(e) => {
            eprintln!("{out}: {e}");
            std::process::exit(1);
        }
    }
}
