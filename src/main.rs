//! The `ekslint` binary: a thin wrapper over the library.

fn main() -> std::process::ExitCode {
    ekslint::cli::main()
}
