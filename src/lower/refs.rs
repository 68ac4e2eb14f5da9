//! Resolves local `$ref`s to components, following chains and detecting cycles.

use indexmap::IndexMap;
use openapiv3::{Components, ReferenceOr};

use crate::diagnostics::{Diagnostic, Pointer};

/// A resolved component: the item, where it lives, and its key when it came from `components`.
pub struct Resolved<'doc, T> {
    /// The item itself.
    pub item: &'doc T,
    /// Where the item is written (the component's pointer when reached through a `$ref`).
    pub pointer: Pointer,
    /// The component key, when the item was reached through a `$ref`.
    pub component: Option<&'doc str>,
}

/// The `components` section a `$ref` may point into, and how to find it.
pub struct Section<T: 'static> {
    /// `parameters`, `responses`, … as written in the pointer.
    pub name: &'static str,
    /// The map of that section.
    pub entries: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
}

/// The component key named by `#/components/<section>/<key>`, or a diagnostic saying why not.
pub fn component_key<'r>(
    file: &str,
    reference: &'r str,
    section: &str,
    at: &Pointer,
) -> Result<&'r str, Diagnostic> {
    let prefix = format!("#/components/{section}/");
    match reference.strip_prefix(&prefix) {
        Some(key) if !key.is_empty() && !key.contains('/') => Ok(key),
        _ if !reference.starts_with('#') => Err(Diagnostic::at(
            file,
            at,
            format!("`$ref` to another document is not supported: `{reference}`"),
        )
        .help("inline the referenced document into this spec's `components`")),
        _ => Err(Diagnostic::at(
            file,
            at,
            format!("`$ref` must point into `#/components/{section}/`, found `{reference}`"),
        )),
    }
}

/// Follows `item` through any chain of `$ref`s in `section`.
pub fn resolve<'doc, T>(
    file: &str,
    components: Option<&'doc Components>,
    section: &Section<T>,
    item: &'doc ReferenceOr<T>,
    at: &Pointer,
) -> Result<Resolved<'doc, T>, Diagnostic> {
    let mut current = item;
    let mut pointer = at.clone();
    let mut component = None;
    let mut chain: Vec<&str> = Vec::new();
    loop {
        match current {
            ReferenceOr::Item(item) => {
                return Ok(Resolved {
                    item,
                    pointer,
                    component,
                });
            }
            ReferenceOr::Reference { reference } => {
                let key = component_key(file, reference, section.name, &pointer)?;
                if chain.contains(&key) {
                    chain.push(key);
                    return Err(Diagnostic::at(
                        file,
                        at,
                        format!("`$ref` cycle: {}", chain.join(" → ")),
                    )
                    .help("a chain of `$ref`s must end at a definition"));
                }
                chain.push(key);
                let Some((key, next)) =
                    components.and_then(|c| (section.entries)(c).get_key_value(key))
                else {
                    return Err(Diagnostic::at(
                        file,
                        &pointer,
                        format!("`$ref` target does not exist: `{reference}`"),
                    )
                    .help(format!(
                        "define `{key}` under `components.{}`",
                        section.name
                    )));
                };
                pointer = Pointer::root()
                    .join("components")
                    .join(section.name)
                    .join(key);
                component = Some(key.as_str());
                current = next;
            }
        }
    }
}
