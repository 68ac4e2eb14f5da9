//! `cargo xtask bench --runtime`: the generated server and client at run time, against
//! hand-written axum and reqwest + serde serving and reading the same data. The measuring
//! program is `bench_runtime/` (a workspace member), built here in release mode so the xtask
//! itself stays free of axum, reqwest and tokio; this module only starts it twice, each process
//! pinned to its own core with `taskset` when the machine has it (`serve` on core 0, the load
//! generator and client on core 1), and stops the server when the load is done. The figures are
//! the program's own Markdown tables; `docs/benchmarks.md` records them with this command.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use crate::Result;

/// What `--runtime` takes from `cargo xtask bench`'s arguments.
pub struct Settings {
    /// Interleaved rounds: each round measures every server in every case once.
    pub rounds: usize,
    /// Seconds each server is loaded per case and round.
    pub seconds: f64,
}

/// Builds `bench-runtime`, serves on one core, loads from the other and prints the tables.
pub fn run(root: &Path, settings: Settings) -> Result<ExitCode> {
    eprintln!("bench --runtime: building bench-runtime in release mode");
    let built = Command::new(crate::bench::cargo())
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--release",
            "--package",
            "bench-runtime",
        ])
        .status()?;
    if !built.success() {
        return Ok(ExitCode::FAILURE);
    }
    let program = target_dir(root).join("release").join("bench-runtime");
    let pinned = has_taskset();
    if !pinned {
        eprintln!("bench --runtime: no `taskset` here, so server and load share the cores");
    }
    let mut server = pinned_command(&program, "0", pinned)
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut ports = String::new();
    if let Some(stdout) = server.stdout.take() {
        BufReader::new(stdout).read_line(&mut ports)?;
    }
    let ports = ports.trim().to_owned();
    let load = if ports.is_empty() {
        eprintln!("bench --runtime: the server printed no ports");
        None
    } else {
        eprintln!(
            "bench --runtime: {} rounds of {} s per server and case{}",
            settings.rounds,
            settings.seconds,
            if pinned {
                ", server on core 0, load on core 1"
            } else {
                ""
            }
        );
        let status = pinned_command(&program, "1", pinned)
            .args(["load", &ports, &settings.seconds.to_string()])
            .arg(settings.rounds.to_string())
            // `taskset` execs the program, so this is the server's own process: the load
            // generator reads its CPU time from `/proc`.
            .arg(server.id().to_string())
            .status();
        Some(status)
    };
    // Closing the server's standard input stops it.
    drop(server.stdin.take());
    server.wait()?;
    match load {
        Some(status) => Ok(if status?.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }),
        None => Ok(ExitCode::FAILURE),
    }
}

/// `program`, run on `core` under `taskset` when `pinned`.
fn pinned_command(program: &Path, core: &str, pinned: bool) -> Command {
    if pinned {
        let mut command = Command::new("taskset");
        command.args(["-c", core]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn has_taskset() -> bool {
    let probe = Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    probe.is_ok_and(|status| status.success())
}

/// Where cargo puts the build: `CARGO_TARGET_DIR` (relative to the workspace root), else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}
