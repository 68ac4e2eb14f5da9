//! Documentation text from the spec: dedented descriptions and a line naming a schema's constraints.

use openapiv3::{Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use crate::ir::Docs;

/// Builds docs from an optional title and description: the title, a blank line, the description.
pub fn docs(title: Option<&str>, description: Option<&str>) -> Docs {
    let mut lines = Vec::new();
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    if let Some(title) = title {
        lines.push(title.to_owned());
    }
    let description = description.map(dedent).unwrap_or_default();
    if !description.is_empty() && title != Some(description.join("\n").as_str()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(description);
    }
    Docs { lines }
}

impl Docs {
    /// Appends a paragraph (separated by a blank line).
    pub fn push_paragraph(&mut self, paragraph: String) {
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines.push(paragraph);
    }
}

/// Removes the common indentation, trailing spaces and leading/trailing blank lines, and squashes
/// runs of blank lines.
fn dedent(text: &str) -> Vec<String> {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line
            .get(indent..)
            .unwrap_or_else(|| line.trim_start())
            .trim_end();
        if line.is_empty() && lines.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        lines.push(line.to_owned());
    }
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

/// A sentence naming what a schema allows beyond its Rust type (lengths, bounds, pattern, formats
/// the type does not carry, access), or `None` when there is nothing to say.
pub fn constraints(schema: &Schema) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut format_note = None;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            if let VariantOrUnknownOrEmpty::Unknown(format) = &string.format {
                if !matches!(format.as_str(), "uuid" | "decimal") {
                    format_note = Some(format!("Format: `{format}`."));
                }
            }
            if let Some(min) = string.min_length {
                parts.push(format!("minimum length {min}"));
            }
            if let Some(max) = string.max_length {
                parts.push(format!("maximum length {max}"));
            }
            if let Some(pattern) = &string.pattern {
                parts.push(format!("pattern `{pattern}`"));
            }
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            bounds(
                &mut parts,
                integer.minimum,
                integer.exclusive_minimum,
                integer.maximum,
                integer.exclusive_maximum,
            );
            if let Some(step) = integer.multiple_of {
                parts.push(format!("multiple of {step}"));
            }
        }
        SchemaKind::Type(Type::Number(number)) => {
            bounds(
                &mut parts,
                number.minimum,
                number.exclusive_minimum,
                number.maximum,
                number.exclusive_maximum,
            );
            if let Some(step) = number.multiple_of {
                parts.push(format!("multiple of {step}"));
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(min) = array.min_items {
                parts.push(format!("at least {min} items"));
            }
            if let Some(max) = array.max_items {
                parts.push(format!("at most {max} items"));
            }
            if array.unique_items {
                parts.push("unique items".to_owned());
            }
        }
        _ => {}
    }
    let mut sentence = format_note.unwrap_or_default();
    if !parts.is_empty() {
        if !sentence.is_empty() {
            sentence.push(' ');
        }
        sentence.push_str(&format!("Constraints: {}.", parts.join(", ")));
    }
    let access = match (schema.schema_data.read_only, schema.schema_data.write_only) {
        (true, _) => Some("Read-only: set by the server, ignored in requests."),
        (_, true) => Some("Write-only: sent in requests, never returned."),
        _ => None,
    };
    if let Some(access) = access {
        if !sentence.is_empty() {
            sentence.push(' ');
        }
        sentence.push_str(access);
    }
    (!sentence.is_empty()).then_some(sentence)
}

fn bounds<T: std::fmt::Display>(
    parts: &mut Vec<String>,
    minimum: Option<T>,
    exclusive_minimum: bool,
    maximum: Option<T>,
    exclusive_maximum: bool,
) {
    if let Some(min) = minimum {
        parts.push(if exclusive_minimum {
            format!("greater than {min}")
        } else {
            format!("minimum {min}")
        });
    }
    if let Some(max) = maximum {
        parts.push(if exclusive_maximum {
            format!("less than {max}")
        } else {
            format!("maximum {max}")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedents_trims_and_drops_empty() {
        let text =
            "\n        Returns a list.\n          Indented more.\n\n\n        Last.   \n    ";
        assert_eq!(
            dedent(text),
            ["Returns a list.", "  Indented more.", "", "Last."]
        );
        assert_eq!(docs(None, Some("   \n  ")), Docs::default());
        assert_eq!(docs(Some("Same"), Some("Same")).lines, ["Same"]);
        assert_eq!(
            docs(Some("Title"), Some("Body")).lines,
            ["Title", "", "Body"]
        );
    }
}
