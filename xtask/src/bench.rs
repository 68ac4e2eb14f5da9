//! `cargo xtask bench`: how fast the generator is, and how much code it writes, on a spec grown
//! to the size of a whole vendor API. The Waldur seed's paths are copied `--copies` times under
//! `/v<n>/` prefixes (sharing its components), so the work per operation is real and the total
//! scales like a large spec's. Reports time per run, operations per second and lines per
//! operation; it asserts nothing, a benchmark is read, not passed.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use apigen::{SpecSource, generate};

use crate::Result;

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many copies of the Waldur paths to generate at once.
    #[arg(long, default_value_t = 500)]
    copies: usize,
    /// How many timed runs (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

/// Grows `spec/waldur.yaml`, generates it `runs` times and prints the figures. An unoptimized
/// build (what `cargo xtask` runs) would measure the compiler's debug settings, not the
/// generator, so it hands the run to a release build of itself.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!("bench: measuring a release build");
        // CARGO is set by `cargo run`, and names the same cargo (and toolchain) that started us.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--release",
                "--package",
                "xtask",
                "--",
                "bench",
            ])
            .args(["--copies", &args.copies.to_string()])
            .args(["--runs", &args.runs.to_string()])
            .status()?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let seed = std::fs::read_to_string(root.join("spec").join("waldur.yaml"))?;
    let text = grown(&seed, args.copies)?;
    let source = SpecSource {
        display_path: "spec/waldur-grown.yaml".to_owned(),
        text,
    };
    let operations = 6 * args.copies;
    let files = generate(std::slice::from_ref(&source)).map_err(|errors| errors.to_string())?;
    let lines: usize = files.values().map(|text| text.lines().count()).sum();
    let bytes: usize = files.values().map(String::len).sum();
    let mut timings = Vec::new();
    for _ in 0..args.runs {
        let start = Instant::now();
        generate(std::slice::from_ref(&source)).map_err(|errors| errors.to_string())?;
        timings.push(start.elapsed());
    }
    timings.sort();
    let median = timings.get(timings.len() / 2).copied().unwrap_or_default();
    let spec_kib = source.text.len() / 1024;
    println!("spec: {operations} operations, {spec_kib} KiB of YAML");
    println!(
        "generate: median {:.3} s over {} runs ({:.0} operations/s)",
        median.as_secs_f64(),
        args.runs,
        operations as f64 / median.as_secs_f64().max(f64::EPSILON)
    );
    println!(
        "output: {} files, {lines} lines ({} per operation), {} KiB",
        files.len(),
        lines / operations.max(1),
        bytes / 1024
    );
    Ok(ExitCode::SUCCESS)
}

/// The seed with its `paths` section repeated `copies` times under `/v<n>` prefixes, with
/// operation ids made unique.
fn grown(seed: &str, copies: usize) -> Result<String> {
    let paths_at = seed
        .find("\npaths:\n")
        .ok_or("spec/waldur.yaml has no `paths:`")?;
    let components_at = seed
        .find("\ncomponents:\n")
        .ok_or("spec/waldur.yaml has no `components:`")?;
    let (head, rest) = seed.split_at(paths_at + "\npaths:\n".len());
    let paths = &rest[..components_at - paths_at - "\npaths:\n".len()];
    let components = &seed[components_at..];
    let mut text = String::with_capacity(seed.len() * copies);
    text.push_str(head);
    for copy in 0..copies {
        for line in paths.lines() {
            if let Some(path) = line.strip_prefix("  /") {
                text.push_str(&format!("  /v{copy}/{path}\n"));
            } else if let Some(id) = line.trim_start().strip_prefix("operationId: ") {
                let indent = &line[..line.len() - line.trim_start().len()];
                text.push_str(&format!("{indent}operationId: {id}_{copy}\n"));
            } else {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text.push_str(components);
    Ok(text)
}
