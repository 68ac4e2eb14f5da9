//! The async client of one API (`client.rs`): a `Client` with credential setters and one method per
//! operation, plus per-operation parameter, header and error types. Requests are written as a list of
//! calls into the runtime's `Request`, so each operation costs a few lines.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::runtime::Capabilities;
use super::same_types::SameTypes;
use super::types::{Imports, doc_attrs, doc_lines, ident, sort_use_items};
use super::{ApiFile, SchemeSlot, scheme_slots};
use crate::ir::{
    Api, Content, Docs, MediaKind, Operation, Parameter, ParameterLocation, Primitive, Response,
    SecurityKind, Status, Style, TypeRef,
};
use crate::naming::Scope;
use crate::render::CRATE_NAME;

/// Emits the client of `api`, or `None` when the API has no operations.
pub fn client_file(api: &Api) -> Option<ApiFile> {
    if api.operations.is_empty() {
        return None;
    }
    let mut emitter = Emitter {
        api,
        imports: Imports::qualifying(&CLIENT_FILE_NAMES, &api.models),
        paginated: false,
        models: BTreeSet::new(),
        status_code: false,
        header_map: false,
        response_imports: BTreeSet::new(),
        same: SameTypes::default(),
    };
    let tokens = emitter.file();
    let mut crates = emitter.imports.crates();
    crates.client = true;
    crates.futures = emitter.paginated;
    let runtime = Capabilities {
        client: true,
        pagination: emitter.paginated,
        ..Capabilities::default()
    };
    Some(ApiFile {
        tokens,
        runtime,
        crates,
    })
}

/// Names `client.rs` declares or imports besides per-operation types; a model with one of these
/// names is written `models::Name` there.
const CLIENT_FILE_NAMES: [&str; 17] = [
    "BoxStream",
    "BuildError",
    "Client",
    "Credential",
    "DateTime",
    "Decimal",
    "Error",
    "HeaderMap",
    "Method",
    "NaiveDate",
    "RawResponse",
    "Response",
    "StatusCode",
    "Transport",
    "Utc",
    "Uuid",
    "BTreeMap",
];

struct Emitter<'a> {
    api: &'a Api,
    imports: Imports,
    /// Whether some operation is a paginated list, walked by the runtime's `pages`.
    paginated: bool,
    /// Model names the file refers to, for its `use super::models::{…}`.
    models: BTreeSet<String>,
    /// Whether `reqwest::StatusCode` is named (error enums' `status()`).
    status_code: bool,
    /// Whether `reqwest::header::HeaderMap` is named (header structs).
    header_map: bool,
    /// Runtime functions the file imports by name (`header`, `no_headers`, `pages`, …).
    response_imports: BTreeSet<&'static str>,
    /// Per-operation types defined so far, so a repeated definition becomes an alias.
    same: SameTypes,
}

impl Emitter<'_> {
    fn file(&mut self) -> TokenStream {
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
        let mut operation_items = Vec::new();
        let mut operation_methods = Vec::new();
        for operation in &api.operations {
            let name = methods.claim(operation.id.rust.clone());
            let stream_name = operation
                .pagination
                .as_ref()
                .map(|_| methods.claim(format!("{}_stream", operation.id.rust)));
            operation_items.push(self.operation_types(operation, &name));
            operation_methods.push(self.operation_method(operation, &name, &slots));
            if let Some(stream_name) = stream_name {
                operation_methods.push(self.stream_method(operation, &name, &stream_name));
            }
        }
        let client = self.client_struct(&slots, &setters, &operation_methods);
        let uses = self.use_items(!slots.is_empty());
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
        quote! {
            #![doc = #module_doc]
            #uses
            #default_base_url
            #client
            #(#operation_items)*
        }
    }

    fn use_items(&mut self, has_credentials: bool) -> TokenStream {
        let mut runtime: Vec<&str> = Vec::new();
        if has_credentials {
            runtime.push("Credential");
        }
        runtime.push("Transport");
        runtime.extend(self.response_imports.iter().copied());
        let runtime = runtime.into_iter().map(ident);
        let mut items = self.imports.use_item_list();
        items.push(quote!(
            pub use crate::runtime::client::{
                BuildError, DEFAULT_BODY_LIMIT, Error, RawResponse, Response,
            };
        ));
        items.push(quote!(use crate::runtime::client::{#(#runtime),*};));
        items.extend(self.imports.model_use_items(&self.models));
        if self.header_map {
            items.push(quote!(
                use reqwest::header::HeaderMap;
            ));
        }
        items.push(if self.status_code {
            quote!(
                use reqwest::{Method, StatusCode};
            )
        } else {
            quote!(
                use reqwest::Method;
            )
        });
        if self.status_code {
            items.push(quote!(
                use std::fmt;
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

    fn client_struct(
        &mut self,
        slots: &[SchemeSlot],
        setters: &[TokenStream],
        operation_methods: &[TokenStream],
    ) -> TokenStream {
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
                #(#operation_methods)*
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
}

/// How a request or response body travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyForm {
    Json,
    Form,
    Text,
    Bytes,
}

/// The media type the client uses among several: JSON first, then form, text, anything.
pub(super) fn chosen_content(contents: &[Content]) -> Option<&Content> {
    let rank = |content: &&Content| match content.kind {
        MediaKind::Json => 0,
        MediaKind::Form => 1,
        MediaKind::Text => 2,
        MediaKind::Binary | MediaKind::Multipart => 3,
    };
    contents.iter().min_by_key(rank)
}

pub(super) fn body_form(content: &Content) -> BodyForm {
    match content.kind {
        MediaKind::Json => BodyForm::Json,
        MediaKind::Form if content.ty.is_some() => BodyForm::Form,
        MediaKind::Text => BodyForm::Text,
        _ => BodyForm::Bytes,
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

/// Whether a parameter of this type is passed by reference (`&str`, `&Model`, `&[T]`), rather than
/// by value (numbers, dates, UUIDs).
fn passed_by_reference(ty: &TypeRef) -> bool {
    !matches!(ty, TypeRef::Primitive(primitive) if *primitive != Primitive::String)
}

/// A `{…}` example of using the client, compiled as a doctest.
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
            SecurityKind::ApiKey { .. } => format!("\n    .{setter}(\"my-api-key\")"),
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

/// A `response.method(reader)` call.
struct Decode {
    method: TokenStream,
    reader: TokenStream,
}

impl Decode {
    fn call(&self) -> TokenStream {
        let Decode { method, reader } = self;
        quote!(response.#method(#reader))
    }
}

/// The Rust signature pieces of one operation.
struct Signature {
    /// `name: Type` pairs in call order.
    arguments: Vec<TokenStream>,
    /// `request.…(…);` statements in wire order.
    statements: Vec<TokenStream>,
    /// The success type (`Response<Vec<Usage>>`).
    success: TokenStream,
    /// The error type (`Error<FindUsagesError>` or `Error`).
    error: TokenStream,
    /// The params argument and its type, when the operation has optional parameters.
    params: Option<(TokenStream, TokenStream)>,
    /// The arguments' names, in call order, without `params`.
    forward: Vec<TokenStream>,
}

impl Emitter<'_> {
    /// Types declared for one operation: its optional parameters, response headers, success enum
    /// and error enum.
    fn operation_types(&mut self, operation: &Operation, method: &str) -> TokenStream {
        let link = format!("[`Client::{method}`]");
        let mut items = Vec::new();
        if let Some(params) = &operation.types.params {
            let name = ident(params);
            let fields: Vec<TokenStream> = operation
                .parameters
                .iter()
                .filter(|parameter| !parameter.required)
                .map(|parameter| {
                    let field = ident(&parameter.name.rust);
                    let ty = self.type_tokens(&parameter.ty);
                    let docs = parameter_docs(parameter);
                    quote!(#docs pub #field: Option<#ty>,)
                })
                .collect();
            let definition = quote!(#(#fields)*);
            let doc = format!("Optional parameters of {link}");
            items.push(
                self.same
                    .define("params", &definition, params, &doc, |doc| {
                        let doc = format!(" {doc}; `Default` leaves them all unset.");
                        quote! {
                            #[doc = #doc]
                            #[derive(Debug, Clone, Default, PartialEq)]
                            pub struct #name {
                                #definition
                            }
                        }
                    }),
            );
        }
        for response in &operation.responses {
            if let Some(headers_type) = &response.headers_type {
                items.push(self.headers_struct(response, headers_type, &link));
            }
        }
        let successes = successes(operation);
        if let Some(success) = &operation.types.success {
            let name = ident(success);
            let variants = self.variants(&successes, true);
            let definition = quote!(#(#variants)*);
            let doc = format!("The documented success responses of {link}");
            items.push(
                self.same
                    .define("success", &definition, success, &doc, |doc| {
                        let doc = format!(" {doc}.");
                        quote! {
                            #[doc = #doc]
                            #[derive(Debug, Clone, PartialEq)]
                            pub enum #name {
                                #definition
                            }
                        }
                    }),
            );
        }
        if let Some(error) = &operation.types.error {
            self.status_code = true;
            let name = ident(error);
            let errors: Vec<&Response> = operation
                .responses
                .iter()
                .filter(|response| !is_success(operation, response))
                .collect();
            let variants = self.variants(&errors, false);
            let definition = quote!(#(#variants)*);
            let doc = format!("The error responses {link} documents");
            items.push(self.same.define("error", &definition, error, &doc, |doc| {
                let arms = errors.iter().map(|response| {
                    let variant = ident(&response.variant);
                    quote!(Self::#variant(response) => response.status,)
                });
                let doc = format!(" {doc}. Each keeps its status, headers and body.");
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq)]
                    pub enum #name {
                        #definition
                    }

                    impl #name {
                        /// The response's status code.
                        pub fn status(&self) -> StatusCode {
                            match self {
                                #(#arms)*
                            }
                        }
                    }

                    impl fmt::Display for #name {
                        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                            write!(f, "{}", self.status())
                        }
                    }
                }
            }));
        }
        quote!(#(#items)*)
    }

    /// A variant per response: `Ok(Response<T>)` for successes, `BadRequest(Box<Response<T>>)`
    /// for errors (boxed, so a call's `Result` stays small).
    fn variants(&mut self, responses: &[&Response], success: bool) -> Vec<TokenStream> {
        responses
            .iter()
            .map(|response| {
                let variant = ident(&response.variant);
                let ty = self.response_type(response, success);
                let ty = if success { ty } else { quote!(Box<#ty>) };
                let doc = status_doc(response);
                quote!(#[doc = #doc] #variant(#ty),)
            })
            .collect()
    }

    fn headers_struct(
        &mut self,
        response: &Response,
        headers_type: &str,
        link: &str,
    ) -> TokenStream {
        self.header_map = true;
        let name = ident(headers_type);
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        for header in &response.headers {
            let field = ident(&header.name.rust);
            let ty = self.type_tokens(&header.ty);
            let wire = header.name.wire.to_ascii_lowercase();
            let mut docs = header.docs.clone();
            docs.push_paragraph(format!("The `{}` header.", header.name.wire));
            let docs = doc_attrs(&docs);
            if header.required {
                self.response_imports.insert("required_header");
                fields.push(quote!(#docs pub #field: #ty,));
                reads.push(quote!(#field: required_header(header_map, #wire)?,));
            } else {
                self.response_imports.insert("header");
                fields.push(quote!(#docs pub #field: Option<#ty>,));
                reads.push(quote!(#field: header(header_map, #wire)?,));
            }
        }
        let all_optional = response.headers.iter().all(|header| !header.required);
        let default = all_optional.then(|| quote!(Default,));
        let doc = format!(
            "The headers declared for the {} response of {link}",
            status_label(response.status)
        );
        let definition = quote!(#(#fields)*);
        self.same
            .define("headers", &definition, headers_type, &doc, |doc| {
                let doc = format!(" {doc}.");
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, #default PartialEq)]
                    pub struct #name {
                        #definition
                    }

                    impl #name {
                        fn read(header_map: &HeaderMap) -> Result<Self, String> {
                            Ok(#name {
                                #(#reads)*
                            })
                        }
                    }
                }
            })
    }

    /// `Response<T, H>` for one documented response (`H` left out when it is `()`).
    fn response_type(&mut self, response: &Response, success: bool) -> TokenStream {
        let body = self.response_body_type(response, success);
        match &response.headers_type {
            Some(headers) => {
                let headers = ident(headers);
                quote!(Response<#body, #headers>)
            }
            None => quote!(Response<#body>),
        }
    }

    fn response_body_type(&mut self, response: &Response, success: bool) -> TokenStream {
        match chosen_content(&response.contents) {
            None if success => quote!(()),
            None => quote!(Vec<u8>),
            Some(content) => match (body_form(content), &content.ty) {
                (BodyForm::Json, Some(ty)) => self.type_tokens(ty),
                (BodyForm::Json, None) => quote!(serde_json::Value),
                (BodyForm::Text, _) => quote!(String),
                _ => quote!(Vec<u8>),
            },
        }
    }

    /// How a received `response` is decoded as `documented`: the `RawResponse` method and the
    /// headers reader it is given.
    fn decode(&mut self, documented: &Response, success: bool) -> Decode {
        let reader = match &documented.headers_type {
            Some(headers) => {
                let headers = ident(headers);
                quote!(#headers::read)
            }
            None => {
                self.response_imports.insert("no_headers");
                quote!(no_headers)
            }
        };
        let form = chosen_content(&documented.contents).map(body_form);
        let method = match form {
            None if success => quote!(empty),
            Some(BodyForm::Json) => quote!(json),
            Some(BodyForm::Text) => quote!(text_body),
            _ => quote!(bytes),
        };
        Decode { method, reader }
    }

    /// The method's arguments and request statements; references borrow for `lifetime` if given.
    fn signature(&mut self, operation: &Operation, lifetime: Option<&TokenStream>) -> Signature {
        let mut names = Scope::default();
        let mut arguments = Vec::new();
        let mut required = Vec::new();
        let mut forward = Vec::new();
        for parameter in operation.parameters.iter().filter(|p| p.required) {
            let name = names.claim(parameter.name.rust.clone());
            let by_reference = passed_by_reference(&parameter.ty);
            let ty = match &parameter.ty {
                TypeRef::Primitive(Primitive::String) => quote!(&#lifetime str),
                TypeRef::Array(item) => {
                    let item = self.type_tokens(item);
                    quote!(&#lifetime [#item])
                }
                ty if by_reference => {
                    let ty = self.type_tokens(ty);
                    quote!(&#lifetime #ty)
                }
                ty => self.type_tokens(ty),
            };
            let argument = ident(&name);
            arguments.push(quote!(#argument: #ty));
            forward.push(quote!(#argument));
            required.push((name, by_reference));
        }
        let mut statements = Vec::new();
        let mut required_names = required.iter();
        let params = operation
            .types
            .params
            .as_ref()
            .map(|_| names.claim("params".to_owned()));
        for parameter in &operation.parameters {
            let value = if parameter.required {
                let Some((name, by_reference)) = required_names.next() else {
                    continue;
                };
                let name = ident(name);
                if *by_reference {
                    quote!(#name)
                } else {
                    quote!(&#name)
                }
            } else {
                let params = ident(params.as_deref().unwrap_or("params"));
                let field = ident(&parameter.name.rust);
                quote!(&#params.#field)
            };
            statements.push(self.parameter_statement(parameter, &value));
        }
        if let Some(body) = &operation.request_body {
            if let Some(content) = chosen_content(&body.contents) {
                let name = ident(&names.claim("body".to_owned()));
                let media_type = &content.media_type;
                let form = body_form(content);
                let ty = match (form, &content.ty) {
                    (BodyForm::Json | BodyForm::Form, Some(ty)) => {
                        let ty = self.type_tokens(ty);
                        quote!(&#lifetime #ty)
                    }
                    (BodyForm::Json, None) => quote!(&#lifetime serde_json::Value),
                    (BodyForm::Text, _) => quote!(&#lifetime str),
                    _ => quote!(Vec<u8>),
                };
                forward.push(quote!(#name));
                let send = match form {
                    BodyForm::Json => quote!(request.json(#media_type, #name);),
                    BodyForm::Form => quote!(request.form(#media_type, #name);),
                    BodyForm::Text => {
                        quote!(request.body(#media_type, #name.as_bytes().to_vec());)
                    }
                    BodyForm::Bytes => quote!(request.body(#media_type, #name);),
                };
                if body.required {
                    arguments.push(quote!(#name: #ty));
                    statements.push(send);
                } else {
                    arguments.push(quote!(#name: Option<#ty>));
                    statements.push(quote! {
                        if let Some(#name) = #name {
                            #send
                        }
                    });
                }
            }
        }
        let params = params.as_ref().map(|params| {
            let name = ident(params);
            let ty = ident(operation.types.params.as_deref().unwrap_or_default());
            (quote!(#name), quote!(#ty))
        });
        let mut accepted: Vec<&str> = Vec::new();
        for response in &operation.responses {
            if let Some(content) = chosen_content(&response.contents) {
                if !accepted.contains(&content.media_type.as_str()) {
                    accepted.push(&content.media_type);
                }
            }
        }
        for media_type in accepted {
            statements.push(quote!(request.accept(#media_type);));
        }
        let successes = successes(operation);
        let success = match (&operation.types.success, successes.first()) {
            (Some(name), _) => {
                let name = ident(name);
                quote!(#name)
            }
            (None, Some(response)) => self.response_type(response, true),
            (None, None) => quote!(Response<()>),
        };
        let error = match &operation.types.error {
            Some(name) => {
                let name = ident(name);
                quote!(Error<#name>)
            }
            None => quote!(Error),
        };
        Signature {
            arguments,
            statements,
            success,
            error,
            params,
            forward,
        }
    }

    /// The `request.…(…)` call sending one parameter.
    fn parameter_statement(&mut self, parameter: &Parameter, value: &TokenStream) -> TokenStream {
        let wire = &parameter.name.wire;
        self.parameter_call(parameter, &quote!(#wire), value)
    }

    /// The runtime call that writes one parameter; `wire` is its name as a literal or a local.
    fn parameter_call(
        &mut self,
        parameter: &Parameter,
        wire: &TokenStream,
        value: &TokenStream,
    ) -> TokenStream {
        let explode = parameter.explode;
        match (parameter.location, parameter.style) {
            (ParameterLocation::Path, Style::Label) => {
                quote!(request.path_label(#wire, #value, #explode);)
            }
            (ParameterLocation::Path, Style::Matrix) => {
                quote!(request.path_matrix(#wire, #value, #explode);)
            }
            (ParameterLocation::Path, _) => quote!(request.path(#wire, #value, #explode);),
            (ParameterLocation::Query, Style::SpaceDelimited) => {
                quote!(request.query_delimited(#wire, #value, "%20", #explode);)
            }
            (ParameterLocation::Query, Style::PipeDelimited) => {
                quote!(request.query_delimited(#wire, #value, "|", #explode);)
            }
            (ParameterLocation::Query, Style::DeepObject) => {
                quote!(request.query_deep(#wire, #value);)
            }
            (ParameterLocation::Query, _) => quote!(request.query(#wire, #value, #explode);),
            (ParameterLocation::Header, _) => quote!(request.header(#wire, #value, #explode);),
            (ParameterLocation::Cookie, _) => quote!(request.cookie(#wire, #value, #explode);),
        }
    }

    fn operation_method(
        &mut self,
        operation: &Operation,
        method: &str,
        slots: &[SchemeSlot],
    ) -> TokenStream {
        let signature = self.signature(operation, None);
        let Signature {
            mut arguments,
            statements,
            success,
            error,
            params,
            ..
        } = signature;
        if let Some((params, params_type)) = params {
            arguments.push(quote!(#params: &#params_type));
        }
        let name = ident(method);
        let http_method = ident(operation.method.as_str());
        let path = &operation.path;
        let authorize = self.authorize(operation, slots);
        let start = quote!(let mut request = self.transport.request(Method::#http_method, #path););
        let mut arms = Vec::new();
        let success_enum = operation.types.success.as_ref().map(|name| ident(name));
        let error_enum = operation.types.error.as_ref().map(|name| ident(name));
        let mut ordered: Vec<&Response> = operation.responses.iter().collect();
        ordered.sort_by_key(|response| match response.status {
            Status::Code(_) => 0,
            Status::Range(_) => 1,
            Status::Default => 2,
        });
        let mut has_default = false;
        for response in ordered {
            let pattern = match response.status {
                Status::Code(code) => {
                    let code = proc_macro2::Literal::u16_unsuffixed(code);
                    quote!(#code)
                }
                Status::Range(first) => {
                    let low = proc_macro2::Literal::u16_unsuffixed(first * 100);
                    let high = proc_macro2::Literal::u16_unsuffixed(first * 100 + 99);
                    quote!(#low..=#high)
                }
                Status::Default => {
                    has_default = true;
                    quote!(_)
                }
            };
            let success = is_success(operation, response);
            let decode = self.decode(response, success);
            let variant = ident(&response.variant);
            let arm = if success {
                match &success_enum {
                    Some(success_enum) => match_arm(
                        &pattern,
                        &decode,
                        Some(&|decoded| quote!(#decoded.map(#success_enum::#variant))),
                    ),
                    None => match_arm(&pattern, &decode, None),
                }
            } else {
                self.response_imports.insert("documented");
                match_arm(
                    &pattern,
                    &decode,
                    Some(&|decoded| quote!(documented(#decoded, #error_enum::#variant))),
                )
            };
            arms.push(arm);
        }
        if !has_default {
            arms.push(quote!(_ => response.unexpected(),));
        }
        let docs = operation_docs(operation, true);
        quote! {
            #docs
            pub async fn #name(&self, #(#arguments),*) -> Result<#success, #error> {
                #start
                #(#statements)*
                #authorize
                let response = request.send().await?;
                match response.code() {
                    #(#arms)*
                }
            }
        }
    }

    /// One `authorize` call per alternative, in the spec's order: the first whose credentials are
    /// all set is sent. An empty alternative (anonymous access) needs no call: when no credential
    /// is set, nothing is sent anyway.
    fn authorize(&mut self, operation: &Operation, slots: &[SchemeSlot]) -> TokenStream {
        let calls = operation
            .security
            .iter()
            .filter(|requirement| !requirement.schemes.is_empty())
            .map(|requirement| {
                let fields = requirement.schemes.iter().filter_map(|key| {
                    let slot = slots.iter().find(|slot| slot.scheme.name.wire == *key)?;
                    let field = ident(&slot.field);
                    Some(quote!(&self.#field))
                });
                quote!(request.authorize(&[#(#fields),*]);)
            });
        quote!(#(#calls)*)
    }

    fn stream_method(&mut self, operation: &Operation, method: &str, stream: &str) -> TokenStream {
        let Some(pagination) = &operation.pagination else {
            return TokenStream::new();
        };
        self.paginated = true;
        let lifetime = quote!('a);
        let signature = self.signature(operation, Some(&lifetime));
        let Some((params, params_type)) = &signature.params else {
            return TokenStream::new();
        };
        let item = self.type_tokens(&pagination.item);
        let error = &signature.error;
        let page = ident(&pagination.page.rust);
        let page_wire = &pagination.page.wire;
        let page_size = match &pagination.page_size {
            Some(page_size) => {
                let page_size = ident(&page_size.rust);
                quote!(#params.#page_size)
            }
            // `pages` takes any integer page size; with none, the type is still needed.
            None => quote!(None::<i64>),
        };
        let first = quote!(#params.#page);
        let arguments = &signature.arguments;
        let forwarded = &signature.forward;
        let name = ident(stream);
        let list = ident(method);
        let call = quote!(self.#list(#(#forwarded,)* &this_page));
        let fetch_page = quote!(async move { #call.await });
        let summary = operation
            .summary
            .clone()
            .unwrap_or_else(|| format!("Calls `{}`", operation.id.wire));
        let doc_lines = [
            format!(" {summary}: every item of every page, as a stream."),
            String::new(),
            format!(
                " Calls [`Client::{method}`] (`{} {}`) page after page, from `{}` (page 1 when unset). A `Link` header's `rel=\"next\"` gives the next page and its absence ends the list; without `Link`, an empty page or a page shorter than `{}` (or than the first page) ends it. An error ends the stream after it is yielded.",
                operation.method.as_str(),
                operation.path,
                format_args!("params.{}", pagination.page.rust),
                pagination.page_size.as_ref().map_or_else(
                    || "the page size".to_owned(),
                    |size| format!("params.{}", size.rust)
                ),
            ),
        ];
        quote! {
            #(#[doc = #doc_lines])*
            pub fn #name<'a>(&'a self, #(#arguments,)* #params: #params_type) -> BoxStream<'a, Result<#item, #error>> {
                let first = #first;
                let page_size = #page_size;
                let fetch = move |page| {
                    let mut this_page = #params.clone();
                    this_page.#page = Some(page);
                    #fetch_page
                };
                pages(first, page_size, #page_wire, fetch)
            }
        }
    }

    fn type_tokens(&mut self, ty: &TypeRef) -> TokenStream {
        collect_models(ty, &mut self.models);
        self.imports.type_tokens(ty)
    }
}

/// `pattern => wrap(decode),`.
fn match_arm(
    pattern: &TokenStream,
    decode: &Decode,
    wrap: Option<&dyn Fn(&TokenStream) -> TokenStream>,
) -> TokenStream {
    let call = decode.call();
    let inline = wrap.map_or_else(|| call.clone(), |wrap| wrap(&call));
    quote!(#pattern => #inline,)
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
    docs.push_paragraph(format!(
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
pub(super) fn operation_docs(operation: &Operation, arguments: bool) -> TokenStream {
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
    docs.push_paragraph(format!(
        "`{} {}` (`{}`).",
        operation.method.as_str(),
        operation.path,
        operation.id.wire
    ));
    if operation.deprecated {
        docs.push_paragraph("Deprecated by the spec.".to_owned());
    }
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
