//! Picks a `#[serde(rename_all = "...")]` rule for a struct's fields, so the
//! generated code says once what a person would say once, and `#[serde(rename)]` is left only on
//! the names the rule does not produce (`-usage`, `type`). The conversions mirror serde's own
//! `RenameRule`, which is what serde will apply to the Rust names.

use crate::ir::Name;

const RULES: [&str; 8] = [
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

/// The rule covering the most names, if it saves at least two `#[serde(rename)]` attributes over
/// no rule at all (so a snake_case type with one `type_` field does not become "camelCase"); ties go
/// to the earlier rule in `RULES`, so the choice is deterministic.
pub fn pick_rule(names: &[&Name]) -> Option<&'static str> {
    let covered_without_rule = names.iter().filter(|name| !name.needs_rename()).count();
    let mut best: Option<(&'static str, usize)> = None;
    for rule in RULES {
        let covered = names
            .iter()
            .filter(|name| apply(rule, &name.rust) == name.wire)
            .count();
        if covered >= covered_without_rule + 2 && covered > best.map_or(0, |(_, count)| count) {
            best = Some((rule, covered));
        }
    }
    best.map(|(rule, _)| rule)
}

/// Whether a name still needs its own `#[serde(rename)]` under `rule`.
pub fn needs_own_rename(name: &Name, rule: Option<&str>) -> bool {
    match rule {
        Some(rule) => apply(rule, &name.rust) != name.wire,
        None => name.needs_rename(),
    }
}

/// The wire name serde derives from the `snake_case` field name `rust` under `rule`.
fn apply(rule: &str, rust: &str) -> String {
    match rule {
        "lowercase" | "snake_case" => rust.to_owned(),
        "UPPERCASE" | "SCREAMING_SNAKE_CASE" => rust.to_ascii_uppercase(),
        "PascalCase" => snake_to_pascal(rust),
        "camelCase" => lower_first(&snake_to_pascal(rust)),
        "kebab-case" => rust.replace('_', "-"),
        _ => rust.to_ascii_uppercase().replace('_', "-"),
    }
}

fn snake_to_pascal(snake: &str) -> String {
    let mut pascal = String::new();
    let mut capitalize = true;
    for c in snake.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(c);
        }
    }
    pascal
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(rust: &str, wire: &str) -> Name {
        Name {
            rust: rust.into(),
            wire: wire.into(),
        }
    }

    #[test]
    fn picks_the_rule_that_covers_most() {
        let camel = [
            name("full_name", "fullName"),
            name("type_", "type"),
            name("id", "id"),
        ];
        let refs: Vec<&Name> = camel.iter().collect();
        let rule = pick_rule(&refs);
        assert_eq!(rule, Some("camelCase"));
        // serde's camelCase drops the trailing underscore too, so `type_` needs no rename of its own.
        assert!(!needs_own_rename(&camel[1], rule));
        assert!(!needs_own_rename(&camel[0], rule));
    }

    #[test]
    fn no_rule_when_names_already_match() {
        let fields = [name("user", "user"), name("type_", "type")];
        let refs: Vec<&Name> = fields.iter().collect();
        assert_eq!(pick_rule(&refs), None);
    }
}
