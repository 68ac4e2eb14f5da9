//! `cargo xtask test`: the project's single "run every test" command.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode, ExitStatus};

use crate::Result;

/// Arguments of `cargo xtask test` (there are none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// The cargo invocations that make up the test run, in order; the first failure stops the run.
const STEPS: &[&[&str]] = &[
    &["fmt", "--all", "--check"],
    &[
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ],
    &["test", "--workspace", "--locked"],
];

/// Runs every step from the workspace root and exits with the first failing step's code.
pub fn run(root: &Path, _args: Args) -> Result<ExitCode> {
    // CARGO is set by `cargo run`, and names the same cargo (and toolchain) that started us.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    for step in STEPS {
        let shown = format!("cargo {}", step.join(" "));
        eprintln!("$ {shown}");
        let status = Command::new(&cargo)
            .args(*step)
            .current_dir(root)
            .status()
            .map_err(|error| format!("could not run `{shown}`: {error}"))?;
        if !status.success() {
            eprintln!("`{shown}` failed ({status})");
            return Ok(exit_code_of(status));
        }
    }
    eprintln!("$ cargo xtask corpus --quick");
    let corpus = crate::corpus::Args {
        no_compile: false,
        only: Vec::new(),
        quick: true,
    };
    let exit = crate::corpus::run(root, corpus)?;
    if exit != ExitCode::SUCCESS {
        eprintln!("`cargo xtask corpus --quick` failed");
        return Ok(exit);
    }
    eprintln!("$ cargo xtask conformance");
    crate::conformance::run(root, crate::conformance::Args::all())
}

/// The failing step's own exit code when it fits in one, else a plain failure (killed by a signal).
fn exit_code_of(status: ExitStatus) -> ExitCode {
    status
        .code()
        .and_then(|code| u8::try_from(code).ok())
        .filter(|code| *code != 0)
        .map_or(ExitCode::FAILURE, ExitCode::from)
}
