//! Per-operation types with the same definition are written once. Large specs repeat themselves:
//! most operations share their error responses, and list operations over similar records share
//! parameters and headers. The first operation's type holds the definition; later ones become
//! `pub type` aliases of it, so every operation keeps its own type name and the crate stays small.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;

/// The types defined so far in one file, by kind and definition.
#[derive(Default)]
pub struct SameTypes {
    /// `(kind, definition tokens as text)` → the name of the type that holds the definition.
    first: BTreeMap<(&'static str, String), String>,
}

impl SameTypes {
    /// The items of a per-operation type `name`: `define(doc)` the first time this `kind` of
    /// type has `definition`, else an alias of the first, documented with `doc` (a phrase, no
    /// full stop).
    pub fn define(
        &mut self,
        kind: &'static str,
        definition: &TokenStream,
        name: &str,
        doc: &str,
        define: impl FnOnce(&str) -> TokenStream,
    ) -> TokenStream {
        match self.earlier(kind, definition, name) {
            Some(first) => alias(name, &first, doc),
            None => define(doc),
        }
    }

    /// The name of an earlier type of this `kind` (`"params"`, `"error"`, …) whose definition is
    /// `definition`, or `None` after recording `name` as its first holder. `definition` holds
    /// everything the type's items depend on but its name and doc (fields or variants).
    fn earlier(
        &mut self,
        kind: &'static str,
        definition: &TokenStream,
        name: &str,
    ) -> Option<String> {
        let key = (kind, definition.to_string());
        if let Some(first) = self.first.get(&key) {
            return Some(first.clone());
        }
        self.first.insert(key, name.to_owned());
        None
    }
}

/// `pub type name = first;`, documented with `doc` and pointing at the definition.
fn alias(name: &str, first: &str, doc: &str) -> TokenStream {
    let name_ident = ident(name);
    let first_ident = ident(first);
    let doc = format!(" {doc}: the same type as [`{first}`].");
    quote! {
        #[doc = #doc]
        pub type #name_ident = #first_ident;
    }
}
