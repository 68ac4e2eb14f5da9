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
    /// The package description, from the APIs' titles (escaped by the template's `toml` filter).
    description: String,
    apis: Vec<ApiSummary<'a>>,
    crates: CrateUse,
    /// The operation groups of every API, each a cargo feature, in module then group order.
    groups: Vec<GroupSummary<'a>>,
}

#[derive(Serialize)]
struct GroupSummary<'a> {
    feature: &'a str,
    title: &'a str,
    /// What the feature compiles, as a phrase.
    what: String,
    operations: usize,
}

/// The features of `api`: one per operation group, and the one of the schemas no operation uses.
fn group_summaries(api: &Api) -> Vec<GroupSummary<'_>> {
    let mut summaries: Vec<GroupSummary<'_>> = api
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| GroupSummary {
            feature: &group.feature,
            title: &api.title,
            what: format!(
                "the operations of {}, and the models they use",
                group.source
            ),
            operations: api.operations.iter().filter(|op| op.group == index).count(),
        })
        .collect();
    if let Some(other) = &api.other_schemas {
        summaries.push(GroupSummary {
            feature: &other.feature,
            title: &api.title,
            what: "the schemas no operation uses".to_owned(),
            operations: 0,
        });
    }
    summaries
}

#[derive(Serialize)]
struct ApiSummary<'a> {
    module: &'a str,
    title: &'a str,
    version: &'a str,
    source: &'a str,
}

/// A TOML basic string, quotes included: `"`, `\\` and control characters escaped, so no value can
/// end the string and add keys or tables of its own.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for the rest of a TOML `#` comment line: control characters (a line break would end the
/// comment and start a key) become spaces.
fn comment_text(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text for one Markdown table cell: control characters become spaces and the punctuation that
/// acts inside a line is backslash-escaped, so a value can neither start a new row nor open a
/// link, code span, emphasis, an HTML tag or a comment.
fn markdown_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() {
            out.push(' ');
            continue;
        }
        if "\\`*_[]<>|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `value`: control characters become spaces, and the span's fence is
/// one backtick longer than the longest run of backticks inside.
fn markdown_code(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
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
    // Every value from a spec is escaped for where it lands.
    environment.add_filter("toml", toml_string);
    environment.add_filter("comment", comment_text);
    environment.add_filter("markdown", markdown_text);
    environment.add_filter("code", markdown_code);
    let titles: Vec<&str> = apis.iter().map(|api| api.title.as_str()).collect();
    let kind = if crates.client {
        "Models and clients"
    } else {
        "Models"
    };
    let context = Context {
        crate_name: CRATE_NAME,
        // One line of plain text: cargo hands the description to builds in an environment
        // variable, where a NUL cannot go.
        description: format!("{kind} for {}, generated from OpenAPI", titles.join(", "))
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
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
        groups: apis.iter().flat_map(group_summaries).collect(),
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
