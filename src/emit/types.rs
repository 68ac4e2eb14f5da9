//! Type references and identifiers as tokens, and the `use` lines a file needs for them.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Docs, Model, Primitive, TypeRef};

/// An identifier token. Names come from `naming`, which only makes valid identifiers; anything
/// else is repaired here rather than letting `Ident::new` panic.
pub fn ident(name: &str) -> Ident {
    // Most names come from `naming` and are valid already: no copy to repair them.
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name != "_"
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        return Ident::new(name, Span::call_site());
    }
    let mut repaired: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if repaired.is_empty() || repaired.starts_with(|c: char| c.is_ascii_digit()) || repaired == "_"
    {
        repaired.insert(0, 'x');
    }
    Ident::new(&repaired, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line, each with a leading space so they print as `/// line`.
/// Code blocks from the spec become `text` blocks: rustdoc would otherwise compile them as doctests.
pub fn doc_attrs(docs: &Docs) -> TokenStream {
    doc_lines(&markdown_for_rustdoc(&docs.lines))
}

/// Spec Markdown made safe for rustdoc and clippy's doc lints: code blocks marked `text`, list
/// continuations aligned under their items.
pub fn markdown_for_rustdoc(lines: &[String]) -> Vec<String> {
    aligned_list_continuations(rustdoc_safe(lines))
}

/// `#[doc = "..."]` attributes for lines that are Markdown as they stand.
pub fn doc_lines(lines: &[String]) -> TokenStream {
    lines
        .iter()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}

/// Puts the lines that continue a Markdown list item exactly under the item's text. Spec authors
/// write them flush left (a "lazy" continuation) or indented by any amount; rustdoc reads both,
/// but clippy's `doc_lazy_continuation` and `doc_overindented_list_items` refuse them, and the
/// generated crate is held to clippy. Code blocks are left as they are.
fn aligned_list_continuations(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    // The column where the current list item's text starts.
    let mut item_column: Option<usize> = None;
    let mut after_blank = false;
    for line in lines {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            item_column = None;
            out.push(line);
            continue;
        }
        if in_fence || line.is_empty() {
            after_blank |= line.is_empty();
            out.push(line);
            continue;
        }
        if let Some(marker) = list_marker_width(trimmed) {
            item_column = Some(indent + marker);
            after_blank = false;
            out.push(line);
            continue;
        }
        match item_column {
            // Right after the item (lazily), or after a blank line but indented into it.
            Some(column) if !after_blank || indent >= column => {
                out.push(format!("{}{trimmed}", " ".repeat(column)));
            }
            _ => {
                item_column = None;
                out.push(line);
            }
        }
        after_blank = false;
    }
    out
}

/// The width of a list marker (`- `, `*   `, `+ `, `1. `, `12) `) at the start of `text`, with the
/// spaces after it: the column the item's text starts at (CommonMark: one to four spaces; with
/// five or more, the text starts after the first).
fn list_marker_width(text: &str) -> Option<usize> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let marker = if text.starts_with(['-', '*', '+']) {
        1
    } else if (1..=9).contains(&digits) && text[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        return None;
    };
    let spaces = text[marker..].chars().take_while(|c| *c == ' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Marks fenced blocks without a language, and indented blocks, as `text`.
fn rustdoc_safe(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_indented = false;
    for line in lines {
        let trimmed = line.trim_start();
        if in_indented && !line.is_empty() && !line.starts_with("    ") {
            // Blank lines before the paragraph that ends the block go after the closing fence.
            let mut blanks = 0;
            while out.last().is_some_and(|line| line.is_empty()) {
                out.pop();
                blanks += 1;
            }
            out.push("```".to_owned());
            out.extend(std::iter::repeat_n(String::new(), blanks));
            in_indented = false;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            if !in_fence && trimmed[3..].trim().is_empty() {
                out.push(format!("{fence}text"));
            } else {
                out.push(trimmed.to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        let starts_block = out.last().is_none_or(|previous| previous.is_empty());
        if !in_fence && !in_indented && line.starts_with("    ") && starts_block {
            out.push("```text".to_owned());
            in_indented = true;
        }
        if in_indented {
            out.push(line.get(4..).unwrap_or_default().to_owned());
        } else {
            out.push(line.clone());
        }
    }
    if in_indented {
        while out.last().is_some_and(|line| line.is_empty()) {
            out.pop();
        }
        out.push("```".to_owned());
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// Under which cargo features something is used: not at all (`Unused`), whatever the features
/// (`Always`), or when any of some features is on. An import is compiled under its gate, so a
/// build with some features off never has an unused one.
#[derive(Debug, Default, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gate {
    /// Nothing uses it.
    #[default]
    Unused,
    /// Items compiled only under these features use it (sorted, never empty).
    Features(BTreeSet<String>),
    /// Some item compiled whatever the features uses it.
    Always,
}

impl Gate {
    /// The gate of items compiled under `features` (none: always).
    pub fn of(features: &[String]) -> Gate {
        if features.is_empty() {
            Gate::Always
        } else {
            Gate::Features(features.iter().cloned().collect())
        }
    }

    /// Widens the gate to also cover a use under `other`.
    pub fn widen(&mut self, other: &Gate) {
        *self = match (std::mem::take(self), other) {
            (Gate::Always, _) | (_, Gate::Always) => Gate::Always,
            (Gate::Unused, other) => other.clone(),
            (mine, Gate::Unused) => mine,
            (Gate::Features(mut mine), Gate::Features(theirs)) => {
                mine.extend(theirs.iter().cloned());
                Gate::Features(mine)
            }
        };
    }

    /// Whether anything uses it.
    pub fn is_used(&self) -> bool {
        *self != Gate::Unused
    }

    /// The `#[cfg(…)]` attribute for the gate; nothing when it is `Always` (or `Unused`).
    pub fn cfg(&self) -> TokenStream {
        match self {
            Gate::Features(features) => cfg_any(features.iter().map(String::as_str)),
            Gate::Unused | Gate::Always => TokenStream::new(),
        }
    }
}

/// Names clippy's `disallowed_names` refuses for a binding: a local or argument generated from
/// a spec's name takes another.
pub const PLACEHOLDER_NAMES: [&str; 3] = ["foo", "baz", "quux"];

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]` for several.
pub fn cfg_any<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<&str> = features.into_iter().collect();
    match features.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        several => quote!(#[cfg(any(#(feature = #several),*))]),
    }
}

/// `items` (whole items, written by an emitter) each compiled under `cfg`: the attribute goes
/// before every item, an item ending at a top-level `;` or at a top-level `{…}` not followed by
/// `;`.
pub fn gate_items(items: TokenStream, cfg: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    if cfg.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut at_start = true;
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        if at_start {
            // The item's doc comment first, as a person writes it, then the `cfg`.
            let is_doc = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == '#')
                && matches!(tokens.peek(), Some(TokenTree::Group(group))
                    if group.delimiter() == Delimiter::Bracket
                        && group.stream().into_iter().next().is_some_and(|first| first.to_string() == "doc"));
            if is_doc {
                out.extend([token]);
                out.extend(tokens.next());
                continue;
            }
            out.extend(cfg.clone());
        }
        let ends = match &token {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) => {
                group.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(next)) if next.as_char() == ';')
            }
            _ => false,
        };
        out.extend([token]);
        at_start = ends;
    }
    out
}

/// `use path::{…};` for `names`, one line per gate, each compiled under its gate; names in byte
/// order (types before functions, as rustfmt sorts them).
pub fn gated_uses<'a>(
    names: impl Iterator<Item = (&'a str, &'a Gate)>,
    path: &TokenStream,
) -> Vec<TokenStream> {
    let mut by_gate: Vec<(&Gate, Vec<&str>)> = Vec::new();
    for (name, gate) in names.filter(|(_, gate)| gate.is_used()) {
        match by_gate.iter_mut().find(|(other, _)| *other == gate) {
            Some((_, names)) => names.push(name),
            None => by_gate.push((gate, vec![name])),
        }
    }
    by_gate.sort();
    by_gate
        .into_iter()
        .map(|(gate, mut names)| {
            names.sort_unstable();
            let cfg = gate.cfg();
            let names: Vec<proc_macro2::Ident> = names.into_iter().map(ident).collect();
            match names.as_slice() {
                [one] => quote!(#cfg use #path::#one;),
                _ => quote!(#cfg use #path::{#(#names),*};),
            }
        })
        .collect()
}

/// Which imports a file needs, gathered while emitting its types, each with its gate.
#[derive(Debug, Default)]
pub struct Imports {
    /// Model names written as `models::Name`, because the file has an item of the same name.
    qualified_models: BTreeSet<String>,
    /// The gate of the items being emitted now.
    current: Gate,
    serde_derives: Gate,
    btree_map: Gate,
    date: Gate,
    date_time: Gate,
    decimal: Gate,
    uuid: Gate,
    binary: Gate,
    /// The `runtime` module, whose `Key`, `required` and `skip` the models' readers name.
    runtime: Gate,
}

impl Imports {
    /// Imports for a file outside `models.rs` that names `taken` itself: models with those names
    /// are written `models::Name`.
    pub fn qualifying(taken: &[&str], models: &[Model]) -> Imports {
        Imports {
            qualified_models: models
                .iter()
                .map(|model| &model.name.rust)
                .filter(|name| taken.contains(&name.as_str()))
                .cloned()
                .collect(),
            current: Gate::Always,
            ..Imports::default()
        }
    }

    /// Imports for a file whose items are compiled whatever the features.
    pub fn new() -> Imports {
        Imports {
            current: Gate::Always,
            ..Imports::default()
        }
    }

    /// Notes that the items being emitted name the `runtime` module (`runtime::Key`).
    pub fn note_runtime(&mut self) {
        self.runtime.widen(&self.current);
    }

    /// Adds what `other` noted, as if its items had been emitted here.
    pub fn absorb(&mut self, other: &Imports) {
        // Every field named, so a new kind of import cannot be forgotten here.
        let Imports {
            qualified_models,
            current: _,
            serde_derives,
            btree_map,
            date,
            date_time,
            decimal,
            uuid,
            binary,
            runtime,
        } = other;
        self.qualified_models
            .extend(qualified_models.iter().cloned());
        self.serde_derives.widen(serde_derives);
        self.btree_map.widen(btree_map);
        self.date.widen(date);
        self.date_time.widen(date_time);
        self.decimal.widen(decimal);
        self.uuid.widen(uuid);
        self.binary.widen(binary);
        self.runtime.widen(runtime);
    }

    /// Items emitted from now on are compiled under `features` (none: always).
    pub fn set_features(&mut self, features: &[String]) {
        self.current = Gate::of(features);
    }

    /// The `use` items that bring the models a module names (`used`) into scope, by their path
    /// from the crate root (`crate::waldur::models`): the ones it writes bare, sorted, and the
    /// `models` module itself when some are written `models::Name`.
    pub fn model_use_items_in(
        &self,
        used: &BTreeSet<String>,
        api_module: &str,
    ) -> Vec<TokenStream> {
        let api = ident(api_module);
        let bare: Vec<&String> = used
            .iter()
            .filter(|name| !self.qualified_models.contains(*name))
            .collect();
        let mut items = Vec::new();
        if !bare.is_empty() {
            let models = bare.into_iter().map(|name| ident(name));
            items.push(quote!(use crate::#api::models::{#(#models),*};));
        }
        if used.iter().any(|name| self.qualified_models.contains(name)) {
            items.push(quote!(use crate::#api::models;));
        }
        items
    }

    /// Whether the model `name` is written `models::Name` in this file.
    pub fn is_qualified(&self, name: &str) -> bool {
        self.qualified_models.contains(name)
    }

    /// The tokens for `ty`, noting the imports it needs.
    pub fn type_tokens(&mut self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(name) if self.qualified_models.contains(name) => {
                let name = ident(name);
                quote!(models::#name)
            }
            TypeRef::Named(name) => {
                let name = ident(name);
                quote!(#name)
            }
            TypeRef::Primitive(primitive) => self.primitive(*primitive),
            TypeRef::Array(item) => {
                let item = self.type_tokens(item);
                quote!(Vec<#item>)
            }
            TypeRef::Map(value) => {
                self.btree_map.widen(&self.current);
                let value = self.type_tokens(value);
                quote!(BTreeMap<String, #value>)
            }
            TypeRef::Json => quote!(serde_json::Value),
        }
    }

    fn primitive(&mut self, primitive: Primitive) -> TokenStream {
        match primitive {
            Primitive::String => quote!(String),
            Primitive::Bool => quote!(bool),
            Primitive::I32 => quote!(i32),
            Primitive::I64 => quote!(i64),
            Primitive::F64 => quote!(f64),
            Primitive::Decimal => {
                self.decimal.widen(&self.current);
                quote!(Decimal)
            }
            Primitive::Date => {
                self.date.widen(&self.current);
                quote!(NaiveDate)
            }
            Primitive::DateTime => {
                self.date_time.widen(&self.current);
                quote!(DateTime<Utc>)
            }
            Primitive::Uuid => {
                self.uuid.widen(&self.current);
                quote!(Uuid)
            }
            Primitive::Binary => {
                self.binary.widen(&self.current);
                quote!(Binary)
            }
        }
    }

    /// Notes that a type deriving `Serialize` and `Deserialize` was emitted (a file of aliases alone
    /// must not import them: the import would be unused).
    pub fn note_serde_derives(&mut self) {
        self.serde_derives.widen(&self.current);
    }

    /// `use` items for what was noted, sorted.
    pub fn use_items(&self) -> TokenStream {
        self.use_item_list().into_iter().collect()
    }

    /// `use` items for what was noted, one per entry, each under its gate.
    pub fn use_item_list(&self) -> Vec<TokenStream> {
        let mut items = Vec::new();
        // chrono's names share one `use` where they share a gate.
        let mut chrono: Vec<(&Gate, Vec<TokenStream>)> = Vec::new();
        for (gate, name) in [
            (&self.date_time, quote!(DateTime)),
            (&self.date, quote!(NaiveDate)),
            (&self.date_time, quote!(Utc)),
        ] {
            if !gate.is_used() {
                continue;
            }
            match chrono.iter_mut().find(|(other, _)| *other == gate) {
                Some((_, names)) => names.push(name),
                None => chrono.push((gate, vec![name])),
            }
        }
        for (gate, names) in chrono {
            let cfg = gate.cfg();
            match names.as_slice() {
                [one] => items.push(quote!(#cfg use chrono::#one;)),
                _ => items.push(quote!(#cfg use chrono::{#(#names),*};)),
            }
        }
        let single = [
            (
                &self.decimal,
                quote!(
                    use rust_decimal::Decimal;
                ),
            ),
            (
                &self.binary,
                quote!(
                    use crate::Binary;
                ),
            ),
            (
                &self.serde_derives,
                quote!(
                    use serde::{Deserialize, Serialize};
                ),
            ),
            (
                &self.btree_map,
                quote!(
                    use std::collections::BTreeMap;
                ),
            ),
            (
                &self.uuid,
                quote!(
                    use uuid::Uuid;
                ),
            ),
        ];
        for (gate, item) in single {
            if gate.is_used() {
                let cfg = gate.cfg();
                items.push(quote!(#cfg #item));
            }
        }
        // The models' readers name `runtime::Key` and so on: the module, never a model's name.
        if self.runtime.is_used() {
            let cfg = self.runtime.cfg();
            items.push(quote!(#cfg use crate::runtime;));
        }
        items
    }

    /// Which crates the generated crate must depend on for these imports.
    pub fn crates(&self) -> CrateUse {
        CrateUse {
            chrono: self.date.is_used() || self.date_time.is_used(),
            rust_decimal: self.decimal.is_used(),
            uuid: self.uuid.is_used(),
            binary: self.binary.is_used(),
            ..CrateUse::default()
        }
    }
}

/// Optional dependencies of the generated crate, so it pulls in only what the specs use.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CrateUse {
    /// Dates and date-times.
    pub chrono: bool,
    /// Decimal strings.
    pub rust_decimal: bool,
    /// UUIDs.
    pub uuid: bool,
    /// The client: reqwest and percent-encoding, behind the `client` feature.
    pub client: bool,
    /// Streams of pages, behind the `client` feature.
    pub futures: bool,
    /// The server stubs: axum, behind the `server` feature.
    pub server: bool,
    /// `Binary`, from the runtime (no crate of its own).
    pub binary: bool,
    /// Form and multipart bodies read by a server: multer and futures, behind `server`.
    pub forms: bool,
    /// Patterns checked by a server: regex, behind `server`.
    pub regex: bool,
}

impl CrateUse {
    /// Either set's dependencies.
    pub fn union(self, other: CrateUse) -> CrateUse {
        CrateUse {
            chrono: self.chrono || other.chrono,
            rust_decimal: self.rust_decimal || other.rust_decimal,
            uuid: self.uuid || other.uuid,
            client: self.client || other.client,
            futures: self.futures || other.futures,
            server: self.server || other.server,
            binary: self.binary || other.binary,
            forms: self.forms || other.forms,
            regex: self.regex || other.regex,
        }
    }
}

/// Sorts `use` items as a person groups them: `super::` paths, then `crate::`, then the rest,
/// each by path.
pub fn sort_use_items(items: &mut [TokenStream]) {
    items.sort_by_cached_key(|item| {
        let text = item.to_string();
        // A gated `use` sorts by its path, after the `#[cfg(…)]`.
        let text = match text.find("] ") {
            Some(end) if text.starts_with('#') => text[end + 2..].to_owned(),
            _ => text,
        };
        let path = text
            .trim_start_matches("pub ")
            .trim_start_matches("use ")
            .trim_end_matches(';')
            .trim_end()
            .to_owned();
        let rank = if path.starts_with("super") {
            0
        } else if path.starts_with("crate") {
            1
        } else {
            2
        };
        (rank, path)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn list_continuations_sit_under_the_item_text() {
        let written = lines(
            "Intro\n- first\nlazy line\n- second\n      overindented\n\n  indented paragraph\n\nAfter the list\n10. tenth\nmore",
        );
        assert_eq!(
            aligned_list_continuations(written),
            lines(
                "Intro\n- first\n  lazy line\n- second\n  overindented\n\n  indented paragraph\n\nAfter the list\n10. tenth\n    more"
            )
        );
        let wide = lines("*   wide marker\n  continued\n*   next");
        assert_eq!(
            aligned_list_continuations(wide),
            lines("*   wide marker\n    continued\n*   next")
        );
        let code = lines("- item\n```text\n  code stays\n```");
        assert_eq!(aligned_list_continuations(code.clone()), code);
    }

    #[test]
    fn code_blocks_become_text_blocks() {
        let fenced = lines("Example:\n```\ncurl -X GET /x\n```\nDone.");
        assert_eq!(
            rustdoc_safe(&fenced),
            lines("Example:\n```text\ncurl -X GET /x\n```\nDone.")
        );
        let rust = lines("```rust\nlet x = 1;\n```");
        assert_eq!(rustdoc_safe(&rust), rust);
        let indented = lines("Run:\n\n    pip install x\n    x --help\n\nThen go.");
        assert_eq!(
            rustdoc_safe(&indented),
            lines("Run:\n\n```text\npip install x\nx --help\n```\n\nThen go.")
        );
        let unclosed = lines("```\nnever closed");
        assert_eq!(rustdoc_safe(&unclosed), lines("```text\nnever closed\n```"));
    }
}
