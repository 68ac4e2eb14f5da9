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

/// The seed grown to `copies` distinct APIs in one document: each copy has its paths under a
/// `/v<n>/` prefix, its own operation ids, its own components (named with a `V<n>` suffix) and its
/// own query parameter names, so per-operation types differ between copies as they do between
/// the endpoints of a real API. Security schemes stay shared.
fn grown(seed: &str, copies: usize) -> Result<String> {
    let paths_at = seed
        .find("\npaths:\n")
        .ok_or("spec/waldur.yaml has no `paths:`")?;
    let components_at = seed
        .find("\ncomponents:\n")
        .ok_or("spec/waldur.yaml has no `components:`")?;
    let security_at = seed
        .find("\n  securitySchemes:\n")
        .ok_or("spec/waldur.yaml has no `securitySchemes:`")?;
    let (head, rest) = seed.split_at(paths_at + "\npaths:\n".len());
    let paths = &rest[..components_at - paths_at - "\npaths:\n".len()];
    let components = &seed[components_at + "\ncomponents:\n".len()..security_at + 1];
    let security = &seed[security_at + 1..];
    let mut grown_paths = String::with_capacity(paths.len() * copies);
    let mut grown_components: Vec<(String, String)> = Vec::new();
    for copy in 0..copies {
        let suffix = format!("V{copy}");
        for line in copied(paths, &suffix).lines() {
            if let Some(path) = line.strip_prefix("  /") {
                grown_paths.push_str(&format!("  /v{copy}/{path}\n"));
            } else if let Some(id) = line.trim_start().strip_prefix("operationId: ") {
                let indent = &line[..line.len() - line.trim_start().len()];
                grown_paths.push_str(&format!("{indent}operationId: {id}_{copy}\n"));
            } else {
                grown_paths.push_str(line);
                grown_paths.push('\n');
            }
        }
        // Lines before the first section are comments: they are dropped.
        let mut section = usize::MAX;
        for line in copied(components, &suffix).lines() {
            let indent = line.len() - line.trim_start().len();
            let comment = line.trim_start().starts_with('#');
            if indent == 2 && !comment {
                section = match grown_components.iter().position(|(name, _)| name == line) {
                    Some(at) => at,
                    None => {
                        grown_components.push((line.to_owned(), String::new()));
                        grown_components.len() - 1
                    }
                };
                continue;
            }
            let Some((_, entries)) = grown_components.get_mut(section) else {
                continue;
            };
            entries.push_str(line.trim_end());
            if indent == 4 && !comment && line.trim_end().ends_with(':') {
                entries.pop();
                entries.push_str(&suffix);
                entries.push(':');
            }
            entries.push('\n');
        }
    }
    let mut text = String::with_capacity(seed.len() * copies);
    text.push_str(head);
    text.push_str(&grown_paths);
    text.push_str("components:\n");
    for (section, entries) in &grown_components {
        text.push_str(section);
        text.push('\n');
        text.push_str(entries);
    }
    text.push_str(security);
    Ok(text)
}

/// `text` with every component reference suffixed, and every query parameter renamed, by
/// `suffix`.
fn copied(text: &str, suffix: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let in_query = lines
            .iter()
            .skip(index + 1)
            .take(3)
            .any(|next| next.trim() == "in: query");
        if trimmed.starts_with("name: ") && in_query {
            out.push_str(&format!("{line}_{}\n", suffix.to_lowercase()));
            continue;
        }
        let mut rest = *line;
        while let Some(at) = rest.find("#/components/") {
            let (before, reference) = rest.split_at(at);
            let end = reference
                .char_indices()
                .skip("#/components/".len())
                .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
                .map_or(reference.len(), |(at, _)| at);
            out.push_str(before);
            out.push_str(&reference[..end]);
            out.push_str(suffix);
            rest = &reference[end..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grown spec is one valid document whose copies do not share per-operation types.
    #[test]
    fn copies_are_distinct_apis_in_one_valid_document() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let seed = std::fs::read_to_string(root.join("spec").join("waldur.yaml")).expect("seed");
        let source = SpecSource {
            display_path: "spec/waldur-grown.yaml".to_owned(),
            text: grown(&seed, 3).expect("grown"),
        };
        let files = generate(std::slice::from_ref(&source)).expect("the grown spec generates");
        let client = files
            .iter()
            .find_map(|(path, text)| {
                let api_client = path.ends_with("/client.rs") && !path.contains("runtime");
                api_client.then_some(text)
            })
            .expect("a client");
        assert_eq!(client.matches("pub async fn ").count(), 18);
        for copy in 0..3 {
            assert!(client.contains(&format!("/v{copy}/api/slurm-allocation-user-usage/")));
            assert!(client.contains(&format!("SlurmAllocationUserUsageV{copy}")));
            assert!(client.contains(&format!("\"month_v{copy}\"")));
            // Each copy's list parameters are its own; within a copy, OpenPortal's are Slurm's.
            let params = format!("pub struct SlurmAllocationUserUsageList{copy}Params {{");
            assert!(client.contains(&params), "{params}");
            let alias = format!("OpenportalAllocationUserUsageList{copy}Params = Slurm");
            assert!(client.contains(&alias), "{alias}");
        }
    }
}
