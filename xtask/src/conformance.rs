//! `cargo xtask conformance`: the generated code against tools nobody on this team wrote. Each
//! tool is installed on demand, at a pinned version, into `.tools/` (ignored by git); a tool that
//! cannot be installed fails the run, it is never skipped.
//!
//! - `prism`: the generated clients against Stoplight Prism mocking each spec with `--errors`.
//! - `waldur-client`: Waldur's published Python client against the example server.
//! - `schemathesis`: the property-based fuzzer against the example server, both APIs, and
//!   against the `constraints` fixture's server (`conformance_constraints.rs`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// The Prism release the suite was written against (its limits are in the README).
const PRISM: &str = "5.16.0";
/// The Waldur client release the suite was written against.
const WALDUR_CLIENT: &str = "8.1.3";
/// The Schemathesis release the suite was written against.
const SCHEMATHESIS: &str = "4.32.5";

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The suite to run; every suite when left out.
    #[arg(value_enum)]
    suite: Option<Suite>,
}

/// The conformance suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// The generated clients against Stoplight Prism (npm `@stoplight/prism-cli`).
    Prism,
    /// Waldur's published Python client (PyPI `waldur-api-client`) against the example server.
    WaldurClient,
    /// Schemathesis (PyPI `schemathesis`) against the example server, both APIs.
    Schemathesis,
}

impl Args {
    /// Every suite.
    pub fn all() -> Args {
        Args { suite: None }
    }
}

/// Runs the chosen suites, stopping at the first failure.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let suites = match args.suite {
        Some(suite) => vec![suite],
        None => vec![Suite::Prism, Suite::WaldurClient, Suite::Schemathesis],
    };
    for suite in suites {
        match suite {
            Suite::Prism => prism(root)?,
            Suite::WaldurClient => waldur_client(root)?,
            Suite::Schemathesis => schemathesis(root)?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A child process killed when dropped, so no server outlives a failed suite.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn tools_dir(root: &Path) -> PathBuf {
    root.join(".tools")
}

/// Runs `command` to completion; an error names it when it cannot start or fails.
pub(crate) fn run_command(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .map_err(|error| format!("could not run {what}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})").into())
    }
}

/// Prism's executable, installed with npm at the pinned version if it is not there yet.
fn ensure_prism(root: &Path) -> Result<PathBuf> {
    let prefix = tools_dir(root).join("prism");
    let binary = prefix.join("node_modules").join(".bin").join("prism");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .ok()
        .is_some_and(|output| String::from_utf8_lossy(&output.stdout).trim() == PRISM);
    if !installed {
        eprintln!(
            "installing @stoplight/prism-cli@{PRISM} into {}",
            prefix.display()
        );
        run_command(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg(format!("@stoplight/prism-cli@{PRISM}")),
            "npm install (Prism needs Node.js and npm)",
        )?;
    }
    Ok(binary)
}

/// The Python of `.tools/venv`, with the pinned Waldur client and Schemathesis installed.
fn ensure_python(root: &Path) -> Result<PathBuf> {
    let venv = tools_dir(root).join("venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        eprintln!(
            "creating a Python virtual environment in {}",
            venv.display()
        );
        run_command(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (the Waldur client suite needs Python 3)",
        )?;
    }
    for (package, version) in [
        ("waldur-api-client", WALDUR_CLIENT),
        ("schemathesis", SCHEMATHESIS),
    ] {
        let installed = Command::new(&python)
            .args(["-m", "pip", "show", package])
            .output()
            .ok()
            .is_some_and(|output| {
                String::from_utf8_lossy(&output.stdout).contains(&format!("Version: {version}"))
            });
        if !installed {
            let wanted = format!("{package}=={version}");
            eprintln!("installing {wanted} into {}", venv.display());
            run_command(
                Command::new(&python).args(["-m", "pip", "install", "--quiet", &wanted]),
                "pip install",
            )?;
        }
    }
    Ok(python)
}

/// A port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Waits until something accepts connections on `port`, or fails after `limit`.
pub(crate) fn wait_for(port: u16, limit: Duration, what: &str) -> Result<()> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("{what} did not start listening on port {port} within {limit:?}").into())
}

pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `cargo run --example <name> -- <args>` from the workspace root.
fn example(root: &Path, name: &str) -> Command {
    let mut command = Command::new(cargo());
    command
        .args(["run", "--quiet", "--locked", "--example", name, "--"])
        .current_dir(root);
    command
}

/// Builds an example up front, so compiling does not count against a server's start-up.
fn build_example(root: &Path, name: &str) -> Result<()> {
    run_command(
        Command::new(cargo())
            .args(["build", "--quiet", "--locked", "--example", name])
            .current_dir(root),
        &format!("building the `{name}` example"),
    )
}

/// The example server on a free port of 127.0.0.1, with `broken` as its `USAGE_SERVER_BREAK`,
/// once it accepts connections; it stops when the returned guard is dropped.
fn example_server(root: &Path, broken: Option<&str>) -> Result<(Running, u16)> {
    let port = free_port()?;
    let mut server = example(root, "usage_server");
    server.env("PORT", port.to_string()).stdout(Stdio::null());
    if let Some(broken) = broken {
        server.env("USAGE_SERVER_BREAK", broken);
    }
    let server = Running(
        server
            .spawn()
            .map_err(|error| format!("could not start the example server: {error}"))?,
    );
    wait_for(port, Duration::from_secs(60), "the example server")?;
    Ok((server, port))
}

/// Deliberate breaks, each a request the spec forbids, that Prism must refuse.
const PRISM_BREAKS: [(&str, &str); 3] = [
    ("waldur", "bad-ordering"),
    ("waldur", "no-credentials"),
    ("graalsystems", "bad-quantity"),
];

fn prism(root: &Path) -> Result<()> {
    let binary = ensure_prism(root)?;
    build_example(root, "conformance_client")?;
    let mut caught = 0;
    for api in ["waldur", "graalsystems"] {
        let port = free_port()?;
        let spec = root.join("spec").join(format!("{api}.yaml"));
        // `--dynamic` with a seed: Prism's static examples for a pattern-constrained decimal
        // string break its own `--errors` response validation.
        let _prism = Running(
            Command::new(&binary)
                .arg("mock")
                .arg(&spec)
                .args([
                    "--errors",
                    "--dynamic",
                    "--seed",
                    "1",
                    "-h",
                    "127.0.0.1",
                    "-p",
                ])
                .arg(port.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|error| format!("could not start Prism: {error}"))?,
        );
        wait_for(port, Duration::from_secs(60), "Prism")?;
        let base_url = format!("http://127.0.0.1:{port}");
        eprintln!("prism {PRISM}: every {api} operation, `--errors`");
        run_command(
            example(root, "conformance_client").args([api, &base_url]),
            &format!("the {api} client against Prism"),
        )?;
        for (break_api, case) in PRISM_BREAKS.iter().filter(|(name, _)| *name == api) {
            let status = example(root, "conformance_client")
                .args([break_api, base_url.as_str(), "--break", case])
                .stdout(Stdio::null())
                .status()?;
            if status.success() {
                return Err(format!("Prism accepted the deliberate break `{case}`").into());
            }
            eprintln!("prism: the deliberate break `{case}` is refused, as it must be");
            caught += 1;
        }
    }
    eprintln!("prism: 8 operations conform; {caught} deliberate breaks refused");
    Ok(())
}

fn waldur_client(root: &Path) -> Result<()> {
    let python = ensure_python(root)?;
    build_example(root, "usage_server")?;
    eprintln!("waldur-api-client {WALDUR_CLIENT}: the example server");
    let mut suite = waldur_client_run(root, &python, None)?;
    run_command(&mut suite, "the Waldur client suite")?;
    drop(suite);
    // The deliberate break: without `Link`, `sync_all` stops after the first page.
    let status = waldur_client_run(root, &python, Some("no-link"))?
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        return Err("the Waldur client suite passed against a server without `Link`".into());
    }
    eprintln!("waldur-api-client: the deliberate break `no-link` fails the suite, as it must");
    Ok(())
}

/// The Waldur client script against a fresh example server (with `broken` set as its
/// `USAGE_SERVER_BREAK`), ready to run; the server stops when the returned command is dropped.
fn waldur_client_run(root: &Path, python: &Path, broken: Option<&str>) -> Result<ServedCommand> {
    let (server, port) = example_server(root, broken)?;
    let script = root
        .join("tests")
        .join("conformance")
        .join("waldur_client.py");
    let mut command = Command::new(python);
    command.arg(&script).arg(format!("http://127.0.0.1:{port}"));
    Ok(ServedCommand {
        command,
        _server: server,
    })
}

/// A command to run while a server it talks to is up.
struct ServedCommand {
    command: Command,
    _server: Running,
}

impl std::ops::Deref for ServedCommand {
    type Target = Command;

    fn deref(&self) -> &Command {
        &self.command
    }
}

impl std::ops::DerefMut for ServedCommand {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.command
    }
}

/// The specs Schemathesis fuzzes, with every check: the credential it sends and how many examples
/// per operation. `tests/conformance/schemathesis_hooks.py` reads an unformatted integer as int64,
/// as the generator does, and leaves out cases whose bytes do not say what Schemathesis meant.
const FUZZED: [(&str, &str, &str); 2] = [
    ("graalsystems", "Authorization: Bearer conformance", "1500"),
    ("waldur", "Authorization: Token demo", "300"),
];

/// Schemathesis against the example server, for both specs: every check, a fixed seed, and
/// enough examples that the run takes a few minutes.
fn schemathesis(root: &Path) -> Result<()> {
    let python = ensure_python(root)?;
    let st = python.with_file_name("st");
    build_example(root, "usage_server")?;
    for fuzzed in FUZZED {
        eprintln!(
            "schemathesis {SCHEMATHESIS}: the example server's {} API",
            fuzzed.0
        );
        let mut suite = fuzz(root, &st, fuzzed, None)?;
        run_command(&mut suite, "the Schemathesis suite")?;
    }
    let (api, credential, _) = FUZZED[0];
    let status = fuzz(root, &st, (api, credential, "20"), Some("json-media"))?
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        return Err("Schemathesis passed a server that mislabels its replies".into());
    }
    eprintln!("schemathesis: the deliberate break `json-media` is reported, as it must be");
    crate::conformance_constraints::schemathesis(root, &st)
}

/// `st run` over one spec against a fresh example server.
fn fuzz(
    root: &Path,
    st: &Path,
    (api, credential, examples): (&str, &str, &str),
    broken: Option<&str>,
) -> Result<ServedCommand> {
    let (server, port) = example_server(root, broken)?;
    let mut command = Command::new(st);
    command
        .arg("run")
        .arg(root.join("spec").join(format!("{api}.yaml")))
        .args(["--url", &format!("http://127.0.0.1:{port}")])
        // Every check, on valid and invalid (negative) data alike (`--mode all`).
        .args(["--checks", "all", "--mode", "all"])
        .args(["--header", credential])
        .args(["--seed", "42", "--max-examples", examples])
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", root.join("tests").join("conformance"))
        // Hypothesis keeps its example database in the working folder: `.tools/` is ignored.
        .current_dir(tools_dir(root));
    Ok(ServedCommand {
        command,
        _server: server,
    })
}
