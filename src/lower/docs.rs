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

    /// Appends a sentence to the last paragraph when that paragraph is one line of plain prose
    /// (`Total number of results.` → `Total number of results. The `x-count` header.`), else as a
    /// paragraph of its own. A field's docs stay one line where the spec says one thing about it:
    /// a separate paragraph for the wire name would cost two lines on every field.
    pub fn push_sentence(&mut self, sentence: String) {
        let last_paragraph_start = self
            .lines
            .iter()
            .rposition(String::is_empty)
            .map_or(0, |blank| blank + 1);
        let one_line = last_paragraph_start + 1 == self.lines.len();
        let Some(last) = self
            .lines
            .last_mut()
            .filter(|last| one_line && is_plain_prose(last))
        else {
            self.push_paragraph(sentence);
            return;
        };
        if !last.ends_with(['.', '!', '?']) {
            last.push('.');
        }
        last.push(' ');
        last.push_str(&sentence);
    }
}

/// Whether a line reads as a sentence that another may follow: not a markdown list item,
/// heading, quote, table row or code, and ending in a word, a period or a closing mark.
fn is_plain_prose(line: &str) -> bool {
    let block_start = ["-", "*", "+", "#", ">", "|", "```", "~~~", "    ", "\t"];
    let numbered = line.split_once(['.', ')']).is_some_and(|(number, _)| {
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
    });
    !line.is_empty()
        && !numbered
        && !block_start.iter().any(|start| line.starts_with(start))
        && line.chars().next_back().is_some_and(|last| {
            last.is_alphanumeric() || matches!(last, '.' | '!' | '?' | ')' | '`')
        })
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

    #[test]
    fn sentences_join_one_line_of_prose_only() {
        let joined = |lines: &[&str]| {
            let mut docs = Docs {
                lines: lines.iter().map(|line| (*line).to_owned()).collect(),
            };
            docs.push_sentence("The `x` header.".to_owned());
            docs.lines
        };
        assert_eq!(joined(&[]), ["The `x` header."]);
        assert_eq!(joined(&["Total."]), ["Total. The `x` header."]);
        assert_eq!(joined(&["Page size"]), ["Page size. The `x` header."]);
        assert_eq!(
            joined(&["Title", "", "Format: `uri`."]),
            ["Title", "", "Format: `uri`. The `x` header."]
        );
        // Two lines of one paragraph, a list, code, a colon: a paragraph of its own.
        for lines in [
            &["One", "two"][..],
            &["- item"],
            &["1. first"],
            &["```", "code", "```"],
            &["    indented code"],
            &["One of:"],
        ] {
            let mut expected: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
            expected.extend([String::new(), "The `x` header.".to_owned()]);
            assert_eq!(joined(lines), expected, "{lines:?}");
        }
    }
}
