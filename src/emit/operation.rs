//! What the client and server emitters both read off an operation: how its bodies travel, which
//! responses are successes, and the rustdoc of operations, parameters and statuses.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::SubModule;
use super::types::{doc_attrs, ident};
use crate::format::Piece;
use crate::ir::{
    Api, Content, Docs, Group, MediaKind, Operation, Parameter, ParameterLocation, Response,
    Status, TypeRef,
};

/// How a request or response body travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyForm {
    Json,
    /// URL-encoded fields of a typed request body.
    Form,
    /// The parts of a typed multipart request body.
    Multipart,
    Text,
    Bytes,
}

/// The media type the client uses among several: JSON first, then form, multipart, text,
/// anything.
pub(super) fn chosen_content(contents: &[Content]) -> Option<&Content> {
    let rank = |content: &&Content| match content.kind {
        MediaKind::Json => 0,
        MediaKind::Form => 1,
        MediaKind::Multipart => 2,
        MediaKind::Text => 3,
        MediaKind::Binary => 4,
    };
    contents.iter().min_by_key(rank)
}

/// How a response body travels: forms are only read from requests, so a response's form is
/// its bytes.
pub(super) fn body_form(content: &Content) -> BodyForm {
    match content.kind {
        MediaKind::Json => BodyForm::Json,
        MediaKind::Text => BodyForm::Text,
        MediaKind::Form | MediaKind::Multipart | MediaKind::Binary => BodyForm::Bytes,
    }
}

impl BodyForm {
    /// Whether the body is read into its schema's type (rather than as text or bytes).
    pub(super) fn is_typed(self) -> bool {
        matches!(self, BodyForm::Json | BodyForm::Form | BodyForm::Multipart)
    }
}

/// How a request body travels: a form or multipart body with a schema is its typed fields.
pub(super) fn request_body_form(content: &Content) -> BodyForm {
    match content.kind {
        MediaKind::Form if content.ty.is_some() => BodyForm::Form,
        MediaKind::Multipart if content.ty.is_some() => BodyForm::Multipart,
        _ => body_form(content),
    }
}

/// The responses a call returns as its result: the 2xx ones, or `default` when there are none.
pub(super) fn successes(operation: &Operation) -> Vec<&Response> {
    let documented: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|response| response.status.is_success())
        .collect();
    if !documented.is_empty() {
        return documented;
    }
    operation
        .responses
        .iter()
        .filter(|response| response.status == Status::Default)
        .collect()
}

pub(super) fn is_success(operation: &Operation, response: &Response) -> bool {
    successes(operation)
        .iter()
        .any(|success| std::ptr::eq(*success, response))
}

pub(super) fn collect_models(ty: &TypeRef, models: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(name) => {
            models.insert(name.clone());
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => collect_models(inner, models),
        TypeRef::Primitive(_) | TypeRef::Json => {}
    }
}

pub(super) fn status_label(status: Status) -> String {
    match status {
        Status::Code(code) => format!("`{code}`"),
        Status::Range(first) => format!("`{first}XX`"),
        Status::Default => "`default`".to_owned(),
    }
}

pub(super) fn status_doc(response: &Response) -> String {
    let description = response.docs.lines.first().cloned().unwrap_or_default();
    if description.is_empty() {
        format!(" {}.", status_label(response.status))
    } else {
        format!(" {}: {description}", status_label(response.status))
    }
}

pub(super) fn parameter_docs(parameter: &Parameter) -> TokenStream {
    let mut docs = parameter.docs.clone();
    let location = match parameter.location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    };
    docs.push_sentence(format!(
        "The `{}` {location} parameter.{}",
        parameter.name.wire,
        if parameter.deprecated {
            " Deprecated."
        } else {
            ""
        }
    ));
    doc_attrs(&docs)
}

/// An operation's rustdoc: summary, description, method and path; with `arguments`, a list of
/// the required parameters a client method takes as arguments.
pub(super) fn operation_docs(operation: &Operation, arguments: bool, feature: &str) -> TokenStream {
    let mut docs = Docs::default();
    if let Some(summary) = &operation.summary {
        docs.lines.push(summary.clone());
    }
    if !operation.docs.lines.is_empty() {
        if !docs.lines.is_empty() {
            docs.lines.push(String::new());
        }
        docs.lines.extend(operation.docs.lines.iter().cloned());
    }
    // One paragraph of facts: where it is served, its id, the feature it is compiled under.
    let compiled = if feature.is_empty() {
        String::new()
    } else {
        format!(", compiled with the `{feature}` feature")
    };
    docs.push_paragraph(format!(
        "`{} {}` (`{}`){compiled}.{}",
        operation.method.as_str(),
        operation.path,
        operation.id.wire,
        if operation.deprecated {
            " Deprecated by the spec."
        } else {
            ""
        }
    ));
    let required: Vec<&Parameter> = operation.parameters.iter().filter(|p| p.required).collect();
    if arguments && !required.is_empty() {
        docs.lines.push(String::new());
        docs.lines.push("Arguments:".to_owned());
        for parameter in required {
            let first = parameter
                .docs
                .lines
                .first()
                .map(|line| format!(": {line}"))
                .unwrap_or_default();
            docs.lines.push(format!(
                "- `{}`: the `{}` {} parameter{first}",
                parameter.name.rust,
                parameter.name.wire,
                match parameter.location {
                    ParameterLocation::Path => "path",
                    ParameterLocation::Query => "query",
                    ParameterLocation::Header => "header",
                    ParameterLocation::Cookie => "cookie",
                }
            ));
        }
    }
    doc_attrs(&docs)
}

/// A group's module, compiled under the group's feature, holding `members`; with `exports`, its
/// items re-exported from the file's root. The module is a file of its own
/// (`client/<group>.rs`), so a build without the feature never even reads it: a spec's groups
/// are most of its client and server text, which rustc otherwise parses whatever the features.
pub(super) fn group_module(group: &Group, exports: bool, members: Vec<Piece>) -> GroupModule {
    let doc = format!(
        " The operations of {} (the `{}` feature).",
        group.source, group.feature
    );
    let mut pieces = vec![Piece::Items(quote!(#![doc = #doc]))];
    pieces.extend(members);
    GroupModule {
        declaration: group_declaration(group, exports),
        file: SubModule {
            name: group.module.clone(),
            pieces,
        },
    }
}

/// `mod group;` under the group's feature, for the group's module file beside the parent's; with
/// `exports`, its items re-exported from the parent.
pub(super) fn group_declaration(group: &Group, exports: bool) -> TokenStream {
    let module = ident(&group.module);
    let feature = &group.feature;
    let export = exports.then(|| {
        quote! {
            #[cfg(feature = #feature)]
            pub use #module::*;
        }
    });
    quote! {
        #[cfg(feature = #feature)]
        mod #module;
        #export
    }
}

/// A group's module: its declaration in the parent file and its own file.
pub(super) struct GroupModule {
    /// `mod group;` and its re-export, under the group's feature.
    pub declaration: TokenStream,
    /// The module's file.
    pub file: SubModule,
}

/// The cargo feature `operation` is compiled under.
pub(super) fn group_feature<'a>(api: &'a Api, operation: &Operation) -> &'a str {
    api.groups
        .get(operation.group)
        .map_or("", |group| group.feature.as_str())
}
