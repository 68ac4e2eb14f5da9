//! Turns wire names from the spec into Rust identifiers.
//!
//! Every identifier the emitters print comes from here, so the rules live in one place and one
//! table test: keywords get a trailing underscore, leading digits get a prefix, runs of separators
//! (`__`, `-`, spaces) collapse, and a leading `-` (descending order in Waldur's `o` parameter) becomes
//! a `Desc` suffix so `-usage` and `usage` stay distinct.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A Rust name and the name on the wire that it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The identifier printed in Rust code.
    pub rust: String,
    /// The name as the spec spells it (JSON key, parameter name, enum value).
    pub wire: String,
}

impl Name {
    /// Whether serde needs `#[serde(rename = "...")]` to map the two.
    pub fn needs_rename(&self) -> bool {
        self.rust.trim_start_matches("r#") != self.wire
    }
}

/// A type name (`UpperCamelCase`) for a schema or derived model.
pub fn type_name(wire: &str) -> String {
    let words = words_of(wire);
    let name = words.to_upper_camel_case();
    if name.is_empty() {
        return "Unnamed".to_owned();
    }
    // `Self` is the one keyword spelled in UpperCamelCase; the others would shadow a name the
    // generated files use unqualified.
    if name == "Self" || SHADOWING_TYPE_NAMES.binary_search(&name.as_str()).is_ok() {
        return format!("{name}Type");
    }
    prefix_leading_digit(name, "T")
}

/// UpperCamelCase names the generated files use without a path: the 2024 prelude's types,
/// traits and variants, and what `models.rs` imports. A model of one of these names would shadow
/// it (`pub struct Option` breaks every `Option<T>` field), so the model gets `Type` added.
/// Sorted, for `binary_search`.
const SHADOWING_TYPE_NAMES: [&str; 48] = [
    "AsMut",
    "AsRef",
    "BTreeMap",
    "Box",
    "Clone",
    "Copy",
    "DateTime",
    "Decimal",
    "Default",
    "Deserialize",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "NaiveDate",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Serialize",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Utc",
    "Uuid",
    "Vec",
];

/// The method name of an operation: `value_name`, with `_operation` added where Rust's method
/// conventions would read the name as something else (`new` makes, `from_…` converts without
/// `self`, `into_…` consumes `self`); clippy holds generated methods to those conventions.
pub fn method_name(operation_id: &str) -> String {
    let name = value_name(operation_id);
    if name == "new" || name.starts_with("from_") || name.starts_with("into_") {
        format!("{name}_operation")
    } else {
        name
    }
}

/// A field, parameter or method name (`snake_case`).
pub fn value_name(wire: &str) -> String {
    let name = words_of(wire).to_snake_case();
    if name.is_empty() {
        return "value".to_owned();
    }
    let name = prefix_leading_digit(name, "n");
    if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// A module name for a spec file stem (`waldur.yaml` → `waldur`). Names the generated crate
/// uses for itself (`lib`, `runtime`) get an `_api` suffix.
pub fn module_name(stem: &str) -> String {
    let name = value_name(stem);
    if matches!(name.as_str(), "lib" | "main" | "runtime") {
        format!("{name}_api")
    } else {
        name
    }
}

/// An enum variant for a string value: `usage` → `Usage`, `-usage` → `UsageDesc`, `INSTANCE` →
/// `Instance`, `>=` → `GreaterOrEqual`, `2x` → `V2x`.
pub fn variant_name(wire: &str) -> String {
    if let Some(word) = symbol_word(wire) {
        return word.to_owned();
    }
    let (body, suffix) = match wire.strip_prefix('-') {
        Some(rest) if !words_of(rest).is_empty() => (rest, "Desc"),
        _ => (wire, ""),
    };
    let name = words_of(body).to_upper_camel_case();
    if name.is_empty() {
        return "Empty".to_owned();
    }
    if name == "Self" && suffix.is_empty() {
        // `self` is a common link relation (`rel="self"`), and `Self` a keyword.
        return "SelfValue".to_owned();
    }
    prefix_leading_digit(format!("{name}{suffix}"), "V")
}

/// Hands out identifiers within one scope (a module's types, a struct's fields, an enum's variants),
/// making later duplicates unique with a numeric suffix in the order they are claimed.
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// Whether `name` is already taken in this scope.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes `name`, returning false (and taking nothing) if it is already taken.
    pub fn try_claim(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_owned())
    }

    /// Takes `name`, or `name2`, `name3`, … (`name_2` for snake case) if that is taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator =
            if name.ends_with('_') || name.chars().next().is_some_and(char::is_lowercase) {
                "_"
            } else {
                ""
            };
        let base = name.trim_end_matches('_');
        (2..)
            .map(|index| format!("{base}{separator}{index}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }
}

/// Splits a wire name into words: anything that is not an ASCII letter or digit separates words,
/// so `component_usage__billing_period`, `X-Tenant` and `a.b c` all split cleanly for heck.
fn words_of(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn prefix_leading_digit(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// Enum values made only of symbols still need readable variant names.
fn symbol_word(wire: &str) -> Option<&'static str> {
    Some(match wire {
        "" => "Empty",
        "+" => "Plus",
        "-" => "Minus",
        "*" => "Star",
        "=" | "==" => "Equal",
        "!=" => "NotEqual",
        "<" => "Less",
        "<=" => "LessOrEqual",
        ">" => "Greater",
        ">=" => "GreaterOrEqual",
        _ => return None,
    })
}

/// Rust's strict and reserved keywords, plus names that cannot even be raw identifiers.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "gen"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_table() {
        type Rule = fn(&str) -> String;
        let table: &[(&str, Rule, &str)] = &[
            ("type", value_name, "type_"),
            ("for", value_name, "for_"),
            ("self", value_name, "self_"),
            (
                "component_usage__billing_period",
                value_name,
                "component_usage_billing_period",
            ),
            ("X-Tenant", value_name, "x_tenant"),
            ("page_size", value_name, "page_size"),
            ("2fa", value_name, "n2fa"),
            ("fullName", value_name, "full_name"),
            ("", value_name, "value"),
            (
                "SlurmAllocationUserUsage",
                type_name,
                "SlurmAllocationUserUsage",
            ),
            (
                "slurm-allocation-user-usage",
                type_name,
                "SlurmAllocationUserUsage",
            ),
            ("HTTPServer", type_name, "HttpServer"),
            ("3d_model", type_name, "T3dModel"),
            ("$$", type_name, "Unnamed"),
            ("-usage", variant_name, "UsageDesc"),
            ("usage", variant_name, "Usage"),
            (
                "-component_usage__billing_period",
                variant_name,
                "ComponentUsageBillingPeriodDesc",
            ),
            ("INSTANCE", variant_name, "Instance"),
            ("2x", variant_name, "V2x"),
            (">=", variant_name, "GreaterOrEqual"),
            ("-", variant_name, "Minus"),
            ("self", variant_name, "SelfValue"),
            ("-self", variant_name, "SelfDesc"),
            ("self", type_name, "SelfType"),
            ("option", type_name, "OptionType"),
            ("uuid", type_name, "UuidType"),
            ("Serialize", type_name, "SerializeType"),
            ("options", type_name, "Options"),
            ("", variant_name, "Empty"),
            ("graalsystems", module_name, "graalsystems"),
            ("my-api", module_name, "my_api"),
            ("runtime", module_name, "runtime_api"),
            ("lib", module_name, "lib_api"),
        ];
        for (wire, function, expected) in table {
            assert_eq!(&function(wire), expected, "naming {wire:?}");
        }
    }

    #[test]
    fn every_shadowing_name_is_found() {
        // `binary_search` needs the list sorted; an unsorted entry would be missed.
        for name in SHADOWING_TYPE_NAMES {
            assert_eq!(type_name(name), format!("{name}Type"), "{name}");
        }
    }

    #[test]
    fn method_names_keep_to_rusts_self_conventions() {
        assert_eq!(method_name("new"), "new_operation");
        assert_eq!(method_name("fromTemplate"), "from_template_operation");
        assert_eq!(method_name("into_archive"), "into_archive_operation");
        assert_eq!(method_name("find_usages"), "find_usages");
        assert_eq!(method_name("newest"), "newest");
    }

    #[test]
    fn scope_suffixes_in_claim_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Usage".into()), "Usage");
        assert_eq!(scope.claim("Usage".into()), "Usage2");
        assert_eq!(scope.claim("Usage".into()), "Usage3");
        assert_eq!(scope.claim("type_".into()), "type_");
        assert_eq!(scope.claim("type_".into()), "type_2");
        assert_eq!(scope.claim("user".into()), "user");
        assert_eq!(scope.claim("user".into()), "user_2");
        assert!(!scope.try_claim("Usage"));
        assert!(scope.contains("Usage2"));
    }

    #[test]
    fn rename_only_when_names_differ() {
        let same = Name {
            rust: "usage".into(),
            wire: "usage".into(),
        };
        let differs = Name {
            rust: "type_".into(),
            wire: "type".into(),
        };
        assert!(!same.needs_rename());
        assert!(differs.needs_rename());
    }
}
