//! Schemathesis against the `constraints` fixture, the API that uses every constraint kind a
//! server checks: its crate is generated into `target/conformance-constraints/` with
//! `tests/conformance/constraints_server.rs` as an example, built in the fixture crate's target
//! directory (its dependencies are the fixture crate's), and fuzzed with every check, negative
//! data included; then once more with the server's refusals turned into `200`, which must fail.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use apigen::{SpecSource, generate};

use crate::Result;
use crate::conformance::{Running, cargo, free_port, run_command, tools_dir, wait_for};

/// The fixture fuzzed, relative to the workspace root.
const SPEC: &str = "tests/fixtures/constraints.yaml";

/// Examples per operation: the one operation has many parameters and body fields.
const EXAMPLES: &str = "1000";

/// Fuzzes the constraints fixture with every check, and shows a server that accepts what it
/// should refuse is reported.
pub fn schemathesis(root: &Path, st: &Path) -> Result<()> {
    let server = build(root)?;
    eprintln!("schemathesis: the constraints fixture ({SPEC}), negative data included");
    run_command(
        &mut fuzz(root, st, &server, None, EXAMPLES)?.0,
        "the Schemathesis suite",
    )?;
    let (mut broken, _running) = fuzz(root, st, &server, Some("accept-all"), "50")?;
    let status = broken
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        return Err("Schemathesis passed a server that accepts what breaks the constraints".into());
    }
    eprintln!("schemathesis: the deliberate break `accept-all` is reported, as it must be");
    Ok(())
}

/// Writes the fixture's crate and builds its example server; returns the binary.
fn build(root: &Path) -> Result<PathBuf> {
    let text = fs::read_to_string(root.join(SPEC))?;
    let source = SpecSource {
        display_path: SPEC.to_owned(),
        text,
    };
    let files = generate(&[source]).map_err(|diagnostics| diagnostics.to_string())?;
    let crate_dir = root.join("target").join("conformance-constraints");
    if crate_dir.exists() {
        fs::remove_dir_all(&crate_dir)?;
    }
    for (relative, text) in &files {
        let path = crate_dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let text = if relative == "Cargo.toml" {
            // A workspace of its own; the example needs tokio's `main`.
            let tokio = r#"tokio = { version = "1", features = ["io-util", "macros", "net", "rt", "time"] }"#;
            format!("{text}\n[dev-dependencies]\n{tokio}\n\n[workspace]\n")
        } else {
            text.clone()
        };
        fs::write(&path, text)?;
    }
    fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    fs::create_dir_all(crate_dir.join("examples"))?;
    let example = root
        .join("tests")
        .join("conformance")
        .join("constraints_server.rs");
    fs::copy(
        example,
        crate_dir.join("examples").join("constraints_server.rs"),
    )?;
    let target = root.join("target").join("fixture-crate-target");
    let build = |offline: bool| {
        let mut command = Command::new(cargo());
        command.args(["build", "--quiet", "--example", "constraints_server"]);
        if offline {
            command.arg("--offline");
        }
        command
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0");
        command
    };
    // A dependency not in the local cache yet is fetched once.
    if !build(true).status()?.success() {
        run_command(&mut build(false), "building the constraints example server")?;
    }
    Ok(target
        .join("debug")
        .join("examples")
        .join("constraints_server"))
}

/// `st run` over the fixture against a fresh server (broken as `broken` says), with the server.
fn fuzz(
    root: &Path,
    st: &Path,
    server: &Path,
    broken: Option<&str>,
    examples: &str,
) -> Result<(Command, Running)> {
    let port = free_port()?;
    let mut command = Command::new(server);
    command.env("PORT", port.to_string()).stdout(Stdio::null());
    if let Some(broken) = broken {
        command.env("CONSTRAINTS_SERVER_BREAK", broken);
    }
    let running = Running(
        command
            .spawn()
            .map_err(|error| format!("could not start the constraints server: {error}"))?,
    );
    wait_for(port, Duration::from_secs(60), "the constraints server")?;
    let mut st_run = Command::new(st);
    st_run
        .arg("run")
        .arg(root.join(SPEC))
        .args(["--url", &format!("http://127.0.0.1:{port}")])
        .args(["--checks", "all", "--mode", "all"])
        .args(["--seed", "42", "--max-examples", examples])
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", root.join("tests").join("conformance"))
        .current_dir(tools_dir(root));
    Ok((st_run, running))
}
