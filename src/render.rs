//! Non-Rust files of the generated crate (`Cargo.toml`, `README.md`), rendered from the
//! minijinja templates in `templates/`, compiled into the generator.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use crate::emit::types::CrateUse;
use crate::ir::Api;

/// The generated crate's package name.
pub const CRATE_NAME: &str = "apis";

const TEMPLATES: [(&str, &str); 2] = [
    ("Cargo.toml", include_str!("../templates/Cargo.toml.j2")),
    ("README.md", include_str!("../templates/README.md.j2")),
];

/// What the templates see: typed, so a field the templates use cannot silently go missing.
#[derive(Serialize)]
struct Context<'a> {
    crate_name: &'a str,
    apis: Vec<ApiSummary<'a>>,
    crates: CrateUse,
}

#[derive(Serialize)]
struct ApiSummary<'a> {
    module: &'a str,
    title: &'a str,
    version: &'a str,
    source: &'a str,
}

/// Renders every template; returns `(path, text)` pairs, or a message naming the template that failed.
pub fn render(apis: &[Api], crates: CrateUse) -> Result<Vec<(String, String)>, String> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|error| format!("internal error: template syntax: {error}"))?;
    environment.set_syntax(syntax);
    let context = Context {
        crate_name: CRATE_NAME,
        apis: apis
            .iter()
            .map(|api| ApiSummary {
                module: &api.module.rust,
                title: &api.title,
                version: &api.version,
                source: &api.source,
            })
            .collect(),
        crates,
    };
    TEMPLATES
        .iter()
        .map(|(name, source)| {
            environment
                .render_str(source, Value::from(Serde(&context)))
                .map(|text| ((*name).to_owned(), text))
                .map_err(|error| format!("internal error: template `{name}` failed: {error:#}"))
        })
        .collect()
}
