//! apigen: OpenAPI 3.0 documents in, one Rust crate out.
//!
//! The pipeline is pure until the last step (see `ARCHITECTURE.md`):
//! `load` (YAML → `openapiv3`) → `lower` (→ IR, raising spec errors) → `emit` (IR → tokens) →
//! `format` (tokens → text) and `render` (templates → text) → [`Files`] → `write` (disk).
//! [`generate`] runs everything but the last step, so it can be tested in memory.

#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

pub mod audit;
pub mod diagnostics;
pub mod emit;
mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
mod render;
pub mod write;

use std::path::Path;
use std::time::{Duration, Instant};

/// The README's Rust snippets, compiled (and the runnable ones run) by `cargo test --doc`, so
/// they cannot drift from the generated crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use load::SpecSource;
pub use write::Files;

/// Generates the whole crate for `sources`: every spec is loaded and lowered (all errors from all
/// specs are collected), then the crate's files are emitted and formatted in memory. Warnings are
/// dropped; [`generate_with_warnings`] returns them.
pub fn generate(sources: &[SpecSource]) -> Result<Files, Diagnostics> {
    generate_with_warnings(sources).map(|generated| generated.files)
}

/// What a successful run made: the files, and the warnings about constructs that were read
/// leniently (each located, as errors are).
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// The generated crate's files.
    pub files: Files,
    /// Every warning from every spec, sorted by file and place; empty when the specs are clean.
    pub warnings: Diagnostics,
}

/// [`generate`], also returning the warnings. When generation fails, the error holds the errors
/// only, as with [`generate`].
pub fn generate_with_warnings(sources: &[SpecSource]) -> Result<Generated, Diagnostics> {
    generate_into(sources, &mut Timings::default())
}

/// How long each step of one [`generate_timed`] took. Emitting and formatting run together on
/// worker threads, file by file: `emit` and `format` are the time spent in each summed over the
/// threads, and `emit_and_format` the wall-clock time of that stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    /// Parsing the documents into `openapiv3` types (with the structural prechecks).
    pub load: Duration,
    /// Lowering them to the IR.
    pub lower: Duration,
    /// Building token streams, summed over the worker threads.
    pub emit: Duration,
    /// Parsing the token streams into syn's tree and printing them, summed over the threads.
    pub format: Duration,
    /// The emit-and-format stage, wall clock.
    pub emit_and_format: Duration,
    /// Rendering the templates (`Cargo.toml`, `README.md`) and copying the runtime.
    pub render: Duration,
}

/// [`generate`], also reporting how long each step took (for `cargo xtask bench`).
pub fn generate_timed(sources: &[SpecSource]) -> (Result<Files, Diagnostics>, Timings) {
    let mut timings = Timings::default();
    let generated = generate_into(sources, &mut timings);
    (generated.map(|generated| generated.files), timings)
}

fn generate_into(sources: &[SpecSource], timings: &mut Timings) -> Result<Generated, Diagnostics> {
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut modules: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for source in sources {
        let stem = Path::new(&source.display_path)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("api")
            .to_owned();
        let module = naming::module_name(&stem);
        if let Some(other) = modules.insert(module.clone(), source.display_path.clone()) {
            errors.push(
                Diagnostic::at(
                    &source.display_path,
                    &diagnostics::Pointer::root(),
                    format!("`{other}` and this spec both become the module `{module}`"),
                )
                .help("rename one of the spec files"),
            );
            continue;
        }
        let started = Instant::now();
        let loaded = load::load(source);
        timings.load += started.elapsed();
        let started = Instant::now();
        match loaded.and_then(|spec| lower::lower(&spec, &stem)) {
            Ok(lowered) => {
                apis.push(lowered.api);
                warnings.extend(lowered.warnings);
            }
            Err(found) => errors.extend(found),
        }
        timings.lower += started.elapsed();
    }
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors));
    }
    apis.sort_by(|a, b| a.module.rust.cmp(&b.module.rust));
    warnings.extend(lower::features::fit_limit(&mut apis));
    let internal = |message: String| {
        Diagnostics(vec![Diagnostic::at(
            "generator",
            &diagnostics::Pointer::root(),
            message,
        )])
    };

    let started = Instant::now();
    let emitted = emit::emit(&apis).map_err(internal)?;
    timings.emit_and_format = started.elapsed();
    timings.emit = emitted.emit_time;
    timings.format = emitted.format_time;
    let started = Instant::now();
    let mut files = Files::new();
    for (path, text) in emitted.files {
        files.insert(path, text);
    }
    for (path, text) in render::render(&apis, emitted.crates).map_err(internal)? {
        files.insert(path, text);
    }
    timings.render = started.elapsed();
    Ok(Generated {
        files,
        warnings: Diagnostics::sorted(warnings),
    })
}
