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

pub use diagnostics::{Diagnostic, Diagnostics};
pub use load::SpecSource;
pub use write::Files;

/// Generates the whole crate for `sources`: every spec is loaded and lowered (all errors from all
/// specs are collected), then the crate's files are emitted and formatted in memory.
pub fn generate(sources: &[SpecSource]) -> Result<Files, Diagnostics> {
    let mut apis = Vec::new();
    let mut errors = Vec::new();
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
        match load::load(source).and_then(|spec| lower::lower(&spec, &stem)) {
            Ok(api) => apis.push(api),
            Err(found) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors));
    }
    apis.sort_by(|a, b| a.module.rust.cmp(&b.module.rust));
    let internal = |message: String| {
        Diagnostics(vec![Diagnostic::at(
            "generator",
            &diagnostics::Pointer::root(),
            message,
        )])
    };

    let emitted = emit::emit(&apis);
    let mut files = Files::new();
    let jobs = emitted
        .files
        .iter()
        .map(|file| format::Job::new(file.path.clone(), file.source.clone(), &file.tokens))
        .collect();
    for (path, text) in format::rust_files(jobs) {
        files.insert(path, text.map_err(internal)?);
    }
    for (path, text) in render::render(&apis, emitted.crates).map_err(internal)? {
        files.insert(path, text);
    }
    Ok(files)
}
