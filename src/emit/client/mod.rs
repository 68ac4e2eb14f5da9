//! The async client of one API (`client.rs`): a `Client` with credential setters and one method per
//! operation, plus per-operation parameter, header and error types. Requests are written as a list of
//! calls into the runtime's `Request`, so each operation costs a few lines.
//!
//! `mod.rs` writes the file, its `use` lines and the `Client` struct with its constructors and
//! credential setters; `method.rs` the operation methods and their `…_stream`s; `types.rs` the
//! per-operation params, headers, success and error types.

mod method;
mod types;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::SubModule;
use super::operation::{GroupModule, collect_models, group_module};
use super::runtime::Capabilities;
use super::same_types::SameTypes;
use super::types::{CrateUse, Imports, doc_attrs, doc_lines, ident, sort_use_items};
use super::{ApiFile, SchemeSlot, scheme_slots};
use crate::format::{Block, BlockKind, Piece};
use crate::ir::{Api, Group, Operation, ParameterLocation, SecurityKind, TypeRef};
use crate::naming::Scope;
use crate::render::CRATE_NAME;

/// Emits the client of `api`, or `None` when the API has no operations.
pub fn client_file(api: &Api) -> Option<ApiFile> {
    if api.operations.is_empty() {
        return None;
    }
    let mut emitter = Emitter {
        api,
        large: api
            .models
            .iter()
            .filter(|model| model.large)
            .map(|model| model.name.rust.as_str())
            .collect(),
        imports: Imports::qualifying(&CLIENT_FILE_NAMES, &api.models),
        paginated: false,
        models: BTreeSet::new(),
        header_map: false,
        response_imports: BTreeSet::new(),
        multipart: false,
        same: SameTypes::default(),
        crates: CrateUse::default(),
        any_paginated: false,
        any_multipart: false,
    };
    let (chunks, modules) = emitter.file();
    let mut crates = emitter.crates;
    crates.client = true;
    crates.futures = emitter.any_paginated;
    crates.binary |= emitter.any_multipart;
    let runtime = Capabilities {
        client: true,
        pagination: emitter.any_paginated,
        multipart: emitter.any_multipart,
        // The multipart writer knows `Binary` by name.
        binary: emitter.any_multipart,
        ..Capabilities::default()
    };
    Some(ApiFile {
        chunks,
        runtime,
        crates,
        modules,
    })
}

/// Names `client.rs` declares or imports besides per-operation types; a model with one of these
/// names is written `models::Name` there.
const CLIENT_FILE_NAMES: [&str; 19] = [
    "BoxStream",
    "BuildError",
    "Call",
    "Client",
    "Credential",
    "DateTime",
    "DocumentedError",
    "Decimal",
    "Error",
    "Explode",
    "HeaderMap",
    "Method",
    "NaiveDate",
    "RawResponse",
    "Response",
    "Transport",
    "Utc",
    "Uuid",
    "BTreeMap",
];

struct Emitter<'a> {
    api: &'a Api,
    /// The models whose values are large, boxed in success enums.
    large: std::collections::HashSet<&'a str>,
    imports: Imports,
    /// Whether some operation is a paginated list, walked by the runtime's `pages`.
    paginated: bool,
    /// Model names the file refers to, for its `use super::models::{…}`.
    models: BTreeSet<String>,
    /// Whether `reqwest::header::HeaderMap` is named (header structs).
    header_map: bool,
    /// Runtime items the file imports by name (`Explode`, `header`, `no_headers`, …).
    response_imports: BTreeSet<&'static str>,
    /// Whether some operation sends a multipart body.
    multipart: bool,
    /// Per-operation types defined so far, so a repeated definition becomes an alias.
    same: SameTypes,
    /// What the whole file needs of other crates, gathered over the groups.
    crates: CrateUse,
    /// Whether some group has a paginated list.
    any_paginated: bool,
    /// Whether some group sends a multipart body.
    any_multipart: bool,
}

impl Emitter<'_> {
    /// The client file's pieces and its groups' module files.
    fn file(&mut self) -> (Vec<Piece>, Vec<SubModule>) {
        let api = self.api;
        let mut methods = Scope::default();
        for fixed in ["new", "with_client", "with_body_limit", "base_url"] {
            methods.try_claim(fixed);
        }
        let slots = scheme_slots(api, &["transport"]);
        let setters: Vec<TokenStream> = slots
            .iter()
            .map(|slot| {
                let name = methods.claim(format!("with_{}", slot.field));
                self.setter(slot, &name)
            })
            .collect();
        let mut groups = Vec::new();
        for (index, group) in api.groups.iter().enumerate() {
            let operations = api.operations.iter().filter(|op| op.group == index);
            groups.push(self.group_module(group, operations, &mut methods, &slots));
        }
        self.start_group();
        let client = self.client_struct(&slots, &setters);
        let uses = self.root_use_items(!slots.is_empty());
        let module_doc = format!(
            " An async client for {}: one method per operation of `{}`.",
            api.title, api.source
        );
        let default_base_url = default_base_url(api).map(|url| {
            quote! {
                /// The base URL the spec's `servers` gives.
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        });
        let declarations = groups.iter().map(|group| &group.declaration);
        let pieces = vec![Piece::Items(quote! {
            #![doc = #module_doc]
            #(#declarations)*
            #uses
            #default_base_url
            #client
        })];
        (pieces, groups.into_iter().map(|group| group.file).collect())
    }

    /// Forgets what the previous group imported and defined.
    fn start_group(&mut self) {
        self.crates = self.crates.union(self.imports.crates());
        self.any_paginated |= self.paginated;
        self.any_multipart |= self.multipart;
        self.imports = Imports::qualifying(&CLIENT_FILE_NAMES, &self.api.models);
        self.paginated = false;
        self.models = BTreeSet::new();
        self.header_map = false;
        self.response_imports = BTreeSet::new();
        self.multipart = false;
        self.same = SameTypes::default();
    }

    /// One group's operations, in a module compiled under the group's feature: the `Client`
    /// methods and the per-operation types, re-exported from the client module.
    fn group_module<'o>(
        &mut self,
        group: &Group,
        operations: impl Iterator<Item = &'o Operation>,
        methods: &mut Scope,
        slots: &[SchemeSlot],
    ) -> GroupModule {
        self.start_group();
        let mut items = Vec::new();
        let mut operation_methods = Vec::new();
        for operation in operations {
            let name = methods.claim(operation.id.rust.clone());
            let stream_name = operation
                .pagination
                .as_ref()
                .map(|_| methods.claim(format!("{}_stream", operation.id.rust)));
            items.push(self.operation_types(operation, &name));
            operation_methods.push(self.operation_method(operation, &name, slots));
            if let Some(stream_name) = stream_name {
                operation_methods.push(self.stream_method(operation, &name, &stream_name));
            }
        }
        let uses = self.group_use_items();
        let client_impl = Block {
            kind: BlockKind::Impl,
            open: quote!(impl Client {}),
            members: operation_methods.into_iter().map(Piece::Items).collect(),
        };
        // The module's types are the client module's; a module of methods alone exports none.
        let exports = items.iter().any(|item| !item.is_empty());
        let mut members = vec![Piece::Items(uses), Piece::Block(client_impl)];
        members.extend(items.into_iter().map(Piece::Items));
        group_module(group, exports, members)
    }

    /// The client module's own `use` lines: what its constructors and setters name.
    fn root_use_items(&mut self, has_credentials: bool) -> TokenStream {
        let mut runtime = vec![quote!(Transport)];
        if has_credentials {
            runtime.insert(0, quote!(Credential));
        }
        let mut items = vec![
            quote!(
                pub use crate::runtime::client::{
                    BuildError, Call, DEFAULT_BODY_LIMIT, Error, RawResponse, Response,
                };
            ),
            quote!(use crate::runtime::client::{#(#runtime),*};),
        ];
        sort_use_items(&mut items);
        items.into_iter().collect()
    }

    /// A group module's `use` lines: the client, and what its operations name.
    fn group_use_items(&mut self) -> TokenStream {
        // Byte order puts types before functions, as rustfmt sorts them.
        let mut runtime: Vec<&str> = self.response_imports.iter().copied().collect();
        runtime.push("Response");
        runtime.sort_unstable();
        let runtime = runtime.into_iter().map(ident);
        let mut items = self.imports.use_item_list();
        items.push(quote!(
            use super::Client;
        ));
        items.push(quote!(use crate::runtime::client::{#(#runtime),*};));
        let models = self.api.module.rust.as_str();
        items.extend(self.imports.model_use_items_in(&self.models, models));
        if self.header_map {
            items.push(quote!(
                use reqwest::header::HeaderMap;
            ));
        }
        items.push(quote!(
            use reqwest::Method;
        ));
        if self.multipart {
            items.push(quote!(
                use crate::runtime::multipart::multipart_body;
            ));
        }
        if self.paginated {
            items.push(quote!(
                use crate::runtime::pagination::pages;
            ));
            items.push(quote!(
                use futures::stream::BoxStream;
            ));
        }
        sort_use_items(&mut items);
        items.into_iter().collect()
    }

    fn client_struct(&mut self, slots: &[SchemeSlot], setters: &[TokenStream]) -> TokenStream {
        let api = self.api;
        let fields = slots.iter().map(|slot| {
            let field = ident(&slot.field);
            let doc = format!(" The `{}` credential, once set.", slot.scheme.name.wire);
            quote!(#[doc = #doc] #field: Option<Credential>,)
        });
        let field_inits = slots.iter().map(|slot| {
            let field = ident(&slot.field);
            quote!(#field: None,)
        });
        let example = client_example(api, slots);
        let title_doc = format!(" A client for {} (version {}).", api.title, api.version);
        quote! {
            #[doc = #title_doc]
            ///
            /// Cheap to clone: clones share one connection pool. Every method documents the HTTP
            /// method and path it calls.
            ///
            #example
            #[derive(Debug, Clone)]
            pub struct Client {
                transport: Transport,
                #(#fields)*
            }

            impl Client {
                /// A client for the API at `base_url` (scheme, host and any path prefix, such as
                /// `https://example.com/prefix`), over a new reqwest client with its defaults.
                pub fn new(base_url: &str) -> Result<Self, BuildError> {
                    Ok(Self::from_transport(Transport::new(base_url, None)?))
                }

                /// A client for the API at `base_url` over `http`, a reqwest client built by the
                /// caller: timeouts, proxies and TLS settings are its own.
                pub fn with_client(base_url: &str, http: reqwest::Client) -> Result<Self, BuildError> {
                    Ok(Self::from_transport(Transport::new(base_url, Some(http))?))
                }

                fn from_transport(transport: Transport) -> Self {
                    Client {
                        transport,
                        #(#field_inits)*
                    }
                }

                /// Sets how many bytes of a response body are read ([`DEFAULT_BODY_LIMIT`] unless
                /// set); a longer body ends the call with [`Error::BodyTooLarge`].
                pub fn with_body_limit(mut self, bytes: usize) -> Self {
                    self.transport.set_body_limit(bytes);
                    self
                }

                /// The base URL requests go to, without a trailing slash.
                pub fn base_url(&self) -> &str {
                    self.transport.base_url()
                }

                #(#setters)*
            }
        }
    }

    fn setter(&mut self, slot: &SchemeSlot, name: &str) -> TokenStream {
        let scheme = slot.scheme;
        let field = ident(&slot.field);
        let method = ident(name);
        let key = &scheme.name.wire;
        let (summary, arguments, value) = match &scheme.kind {
            SecurityKind::ApiKey {
                location,
                parameter,
            } => {
                let (constructor, place) = match location {
                    ParameterLocation::Query => (quote!(Credential::Query), "query parameter"),
                    ParameterLocation::Cookie => (quote!(Credential::Cookie), "cookie"),
                    ParameterLocation::Header | ParameterLocation::Path => {
                        (quote!(Credential::Header), "header")
                    }
                };
                (
                    format!(
                        " Sets the `{key}` API key, sent exactly as given in the `{parameter}` {place}."
                    ),
                    quote!(key: impl Into<String>),
                    quote!(#constructor(#parameter, key.into())),
                )
            }
            SecurityKind::Http { scheme: http } if http == "basic" => (
                format!(" Sets the `{key}` credentials, sent with HTTP basic authentication."),
                quote!(username: impl Into<String>, password: impl Into<String>),
                quote!(Credential::Basic(username.into(), password.into())),
            ),
            SecurityKind::Http { scheme: http } if http != "bearer" => (
                format!(
                    " Sets the `{key}` credentials, sent exactly as given as the `Authorization` header (`{http} <credentials>`)."
                ),
                quote!(value: impl Into<String>),
                quote!(Credential::Header("Authorization", value.into())),
            ),
            SecurityKind::Http { .. }
            | SecurityKind::OAuth2 { .. }
            | SecurityKind::OpenIdConnect { .. } => {
                let source = match &scheme.kind {
                    SecurityKind::OAuth2 { token_urls } if !token_urls.is_empty() => {
                        let urls: Vec<String> =
                            token_urls.iter().map(|url| format!("`{url}`")).collect();
                        format!(" an OAuth2 access token (from {}),", urls.join(" or "))
                    }
                    SecurityKind::OAuth2 { .. } => " an OAuth2 access token,".to_owned(),
                    SecurityKind::OpenIdConnect { url } => {
                        format!(" an OpenID Connect token (discovery: `{url}`),")
                    }
                    _ => " a bearer token,".to_owned(),
                };
                (
                    format!(
                        " Sets the `{key}` credential:{source} sent as `Authorization: Bearer <token>`."
                    ),
                    quote!(token: impl Into<String>),
                    quote!(Credential::bearer(&token.into())),
                )
            }
        };
        let extra = (!scheme.docs.lines.is_empty()).then(|| {
            let docs = doc_attrs(&scheme.docs);
            quote!(#[doc = ""] #docs)
        });
        quote! {
            #[doc = #summary]
            #extra
            pub fn #method(mut self, #arguments) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    }

    fn type_tokens(&mut self, ty: &TypeRef) -> TokenStream {
        collect_models(ty, &mut self.models);
        self.imports.type_tokens(ty)
    }
}

/// The spec's first server URL, when it has no unfilled variables.
pub(super) fn default_base_url(api: &Api) -> Option<&str> {
    api.servers
        .first()
        .map(String::as_str)
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
        .filter(|url| !url.contains('{'))
}

/// A `{…}` example of using the client, compiled as a doctest.
/// An API key value for the doc example, in the form the scheme's description gives when it
/// writes one as a template in backticks (`` `Token <key>` `` gives `Token my-api-key`): the key
/// is sent exactly as given, so an example without the prefix would be refused.
fn api_key_example(description: &[String]) -> String {
    let text = description.join(" ");
    let template = text
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|span| span.contains('<') && span.contains('>'));
    match template {
        Some(template) => {
            let (before, rest) = template.split_once('<').unwrap_or((template, ""));
            let after = rest.split_once('>').map_or("", |(_, after)| after);
            format!("{before}my-api-key{after}")
        }
        None => "my-api-key".to_owned(),
    }
}

fn client_example(api: &Api, slots: &[SchemeSlot]) -> TokenStream {
    let module = &api.module.rust;
    let base_url = if default_base_url(api).is_some() {
        "DEFAULT_BASE_URL".to_owned()
    } else {
        "\"https://api.example.com\"".to_owned()
    };
    let import = if default_base_url(api).is_some() {
        format!("use {CRATE_NAME}::{module}::client::{{Client, DEFAULT_BASE_URL}};")
    } else {
        format!("use {CRATE_NAME}::{module}::client::Client;")
    };
    let credential = slots.first().map(|slot| {
        let setter = format!("with_{}", slot.field);
        match &slot.scheme.kind {
            SecurityKind::Http { scheme } if scheme == "basic" => {
                format!("\n    .{setter}(\"user\", \"password\")")
            }
            SecurityKind::ApiKey { .. } => {
                let key = api_key_example(&slot.scheme.docs.lines);
                format!("\n    .{setter}({key:?})")
            }
            _ => format!("\n    .{setter}(\"my-token\")"),
        }
    });
    let call = api
        .operations
        .iter()
        .find(|operation| {
            operation.parameters.iter().all(|p| !p.required)
                && operation
                    .request_body
                    .as_ref()
                    .is_none_or(|body| !body.required)
        })
        .map(|operation| {
            let mut arguments = Vec::new();
            if operation.request_body.is_some() {
                arguments.push("None");
            }
            if operation.types.params.is_some() {
                arguments.push("&Default::default()");
            }
            format!(
                "let response = client.{}({}).await?;\nprintln!(\"{{:?}}\", response);\n",
                operation.id.rust,
                arguments.join(", ")
            )
        })
        .unwrap_or_default();
    let lines = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n{import}\n\nlet client = Client::new({base_url})?{};\n{call}# Ok(())\n# }}\n```",
        credential.unwrap_or_default()
    );
    let lines: Vec<String> = lines.lines().map(str::to_owned).collect();
    doc_lines(&lines)
}

#[cfg(test)]
mod tests {
    use super::api_key_example;

    #[test]
    fn an_api_key_example_follows_the_template_the_description_gives() {
        let lines = |text: &str| vec![text.to_owned()];
        assert_eq!(
            api_key_example(&lines(
                "Token-based authentication: the header value is `Token <key>`."
            )),
            "Token my-api-key"
        );
        assert_eq!(api_key_example(&lines("Send your key.")), "my-api-key");
        assert_eq!(
            api_key_example(&lines("Use `x` or `Bearer <token>`")),
            "Bearer my-api-key"
        );
    }
}
