//! The server stubs of one API (`server.rs`): an `Api` trait with one method per operation (each
//! answering 501 until implemented), per-operation request structs and reply enums, the
//! credentials the security schemes define, and `router`, which mounts every operation at its
//! spec path and checks each request against the spec before the implementation sees it.

use std::collections::{BTreeSet, HashMap, HashSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operation::{
    BodyForm, body_form, chosen_content, collect_models, operation_docs, parameter_docs, status_doc,
};
use super::runtime::Capabilities;
use super::same_types::SameTypes;
use super::types::{Imports, doc_attrs, ident, sort_use_items};
use super::{ApiFile, SchemeSlot, scheme_slots};
use crate::ir::{
    Api, Content, Method, Model, ModelKind, Name, Operation, Parameter, ParameterLocation,
    Primitive, SecurityKind, Status, Style, TypeRef,
};
use crate::naming::Scope;

/// Names `server.rs` declares or imports besides per-operation types; a model with one of these
/// names is written `models::Name` there.
const SERVER_FILE_NAMES: [&str; 14] = [
    "Api",
    "Arc",
    "BTreeMap",
    "Credentials",
    "DateTime",
    "Decimal",
    "Incoming",
    "IntoResponse",
    "NaiveDate",
    "Rejection",
    "Response",
    "Router",
    "Utc",
    "Uuid",
];

/// Emits the server stubs of `api`, or `None` when the API has no operations.
pub fn server_file(api: &Api) -> Option<ApiFile> {
    if api.operations.is_empty() {
        return None;
    }
    let mut emitter = Emitter {
        api,
        enum_holders: enum_holders(&api.models),
        imports: Imports::qualifying(&SERVER_FILE_NAMES, &api.models),
        models: BTreeSet::new(),
        runtime: BTreeSet::new(),
        routing: BTreeSet::new(),
        same: SameTypes::default(),
    };
    let tokens = emitter.file();
    let mut crates = emitter.imports.crates();
    crates.server = true;
    Some(ApiFile {
        tokens,
        runtime: Capabilities {
            server: true,
            ..Capabilities::default()
        },
        crates,
    })
}

struct Emitter<'a> {
    api: &'a Api,
    /// The models that are, or may contain, a string enum (through fields, items, aliases).
    enum_holders: HashSet<&'a str>,
    imports: Imports,
    /// Model names the file refers to.
    models: BTreeSet<String>,
    /// Runtime items the file imports by name.
    runtime: BTreeSet<&'static str>,
    /// `axum::routing` functions used (`get`, `post`, …).
    routing: BTreeSet<&'static str>,
    /// Request and reply types defined so far, so a repeated definition becomes an alias.
    same: SameTypes,
}

impl Emitter<'_> {
    fn file(&mut self) -> TokenStream {
        let api = self.api;
        let slots = scheme_slots(api, &[]);
        let credentials = self.credentials(&slots);
        let mut methods = Vec::new();
        let mut handlers = Vec::new();
        let mut types = Vec::new();
        for operation in &api.operations {
            methods.push(self.trait_method(operation, !slots.is_empty()));
            handlers.push(self.handler(operation, &slots));
            types.push(self.request_type(operation));
            types.push(self.reply_type(operation));
        }
        let router = self.router();
        let known = self.known_impls();
        let trait_doc = format!(
            " {} as a server implements it: one method per operation. Every method answers `501 Not Implemented` until it is implemented, so an implementation can start with one operation.",
            api.title
        );
        let uses = self.use_items();
        let module_doc = format!(
            " Server stubs for {}: implement [`Api`] and serve it with [`router`].",
            api.title
        );
        quote! {
            #![doc = #module_doc]
            #uses

            #[doc = #trait_doc]
            pub trait Api: Send + Sync + 'static {
                #(#methods)*
            }

            #router
            #credentials
            #(#types)*
            #(#handlers)*
            #known
        }
    }

    fn use_items(&mut self) -> TokenStream {
        let mut items = self.imports.use_item_list();
        items.push(quote!(
            use std::sync::Arc;
        ));
        items.push(quote!(
            use axum::Router;
        ));
        items.push(quote!(
            use axum::extract::State;
        ));
        items.push(quote!(
            use axum::response::{IntoResponse, Response};
        ));
        let routing = self.routing.iter().map(|name| ident(name));
        items.push(quote!(use axum::routing::{#(#routing),*};));
        let runtime = self.runtime.iter().map(|name| ident(name));
        items.push(quote!(use crate::runtime::server::{#(#runtime),*};));
        items.extend(self.imports.model_use_items(&self.models));
        if self.runtime.contains("redacted") {
            items.push(quote!(
                use std::fmt;
            ));
        }
        sort_use_items(&mut items);
        items.into_iter().collect()
    }

    /// Whether a value of `ty` may hold a string enum, whose unknown values a server refuses.
    fn may_hold_enum(&mut self, ty: &TypeRef) -> bool {
        let holds = ty
            .model()
            .is_some_and(|name| self.enum_holders.contains(name));
        if holds {
            self.use_runtime("Known");
            self.use_runtime("known");
        }
        holds
    }

    /// `Known` for every model of the API but aliases: unknown enum values, found by path.
    fn known_impls(&mut self) -> TokenStream {
        if !self.runtime.contains("Known") {
            return TokenStream::new();
        }
        let mut impls = Vec::new();
        for model in &self.api.models {
            let holds = self.enum_holders.contains(model.name.rust.as_str());
            if !holds || matches!(model.kind, ModelKind::Alias(_)) {
                continue;
            }
            let name = self.type_tokens(&TypeRef::Named(model.name.rust.clone()));
            let body = match &model.kind {
                ModelKind::Alias(_) => continue,
                ModelKind::Enum(shape) => {
                    let other = ident(&shape.other_variant);
                    quote!(matches!(self, Self::#other(_)).then(String::new))
                }
                ModelKind::Newtype(_) => quote!(self.0.unknown()),
                ModelKind::Union(variants) => {
                    let mut arms = Vec::new();
                    for variant in variants {
                        if self.may_hold_enum(&variant.ty) {
                            let name = ident(&variant.name);
                            arms.push(quote!(Self::#name(value) => value.unknown(),));
                        }
                    }
                    let rest = (arms.len() < variants.len()).then(|| quote!(_ => None,));
                    quote! {
                        match self {
                            #(#arms)*
                            #rest
                        }
                    }
                }
                ModelKind::Struct(shape) => {
                    let mut checks = Vec::new();
                    let fields = shape.fields.iter().map(|f| (&f.name, &f.ty));
                    let extra = shape.additional_properties.as_ref().map(|extra| {
                        (
                            Name {
                                rust: extra.field.clone(),
                                wire: String::new(),
                            },
                            extra.value.clone(),
                        )
                    });
                    let mut all: Vec<(String, String, TypeRef)> = fields
                        .map(|(name, ty)| (name.rust.clone(), name.wire.clone(), ty.clone()))
                        .collect();
                    if let Some((name, value)) = extra {
                        all.push((name.rust, String::new(), TypeRef::Map(Box::new(value))));
                    }
                    for (rust, wire, ty) in all {
                        if !self.may_hold_enum(&ty) {
                            continue;
                        }
                        self.use_runtime("within");
                        let field = ident(&rust);
                        checks.push(quote! {
                            if let Some(path) = self.#field.unknown() {
                                return Some(within(#wire, path));
                            }
                        });
                    }
                    quote! {
                        #(#checks)*
                        None
                    }
                }
            };
            impls.push(quote! {
                impl Known for #name {
                    fn unknown(&self) -> Option<String> {
                        #body
                    }
                }
            });
        }
        quote!(#(#impls)*)
    }

    fn type_tokens(&mut self, ty: &TypeRef) -> TokenStream {
        collect_models(ty, &mut self.models);
        self.imports.type_tokens(ty)
    }

    fn use_runtime(&mut self, name: &'static str) {
        self.runtime.insert(name);
    }

    /// `Credentials`, read from each request by the schemes' rules.
    fn credentials(&mut self, slots: &[SchemeSlot]) -> TokenStream {
        if slots.is_empty() {
            return TokenStream::new();
        }
        self.runtime.insert("Incoming");
        self.runtime.insert("redacted");
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        let mut debug_fields = Vec::new();
        for slot in slots {
            let field = ident(&slot.field);
            let key = &slot.scheme.name.wire;
            let (read, what) = match &slot.scheme.kind {
                SecurityKind::ApiKey {
                    location,
                    parameter,
                } => match location {
                    ParameterLocation::Query => (
                        quote!(incoming.api_key_query(#parameter)),
                        format!("the API key in the `{parameter}` query parameter"),
                    ),
                    ParameterLocation::Cookie => (
                        quote!(incoming.api_key_cookie(#parameter)),
                        format!("the API key in the `{parameter}` cookie"),
                    ),
                    ParameterLocation::Header | ParameterLocation::Path => (
                        quote!(incoming.api_key_header(#parameter)),
                        format!("the `{parameter}` header, as sent"),
                    ),
                },
                SecurityKind::Http { scheme } => {
                    let name = match scheme.as_str() {
                        "bearer" => "Bearer".to_owned(),
                        "basic" => "Basic".to_owned(),
                        other => other.to_owned(),
                    };
                    (
                        quote!(incoming.authorization(#name)),
                        format!("the credentials of `Authorization: {name} …`"),
                    )
                }
                SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect { .. } => (
                    quote!(incoming.authorization("Bearer")),
                    "the token of `Authorization: Bearer …`".to_owned(),
                ),
            };
            let doc = format!(" `{key}`: {what}.");
            fields.push(quote!(#[doc = #doc] pub #field: Option<String>,));
            reads.push(quote!(let #field = #read;));
            let name = &slot.field;
            debug_fields.push(quote!(debug.field(#name, &redacted(&self.#field));));
        }
        let names: Vec<TokenStream> = slots
            .iter()
            .map(|slot| {
                let field = ident(&slot.field);
                quote!(#field)
            })
            .collect();
        quote! {
            /// The credentials a request carried, one field per security scheme. `Debug` shows
            /// which are set, never their values.
            #[derive(Clone, Default, PartialEq, Eq)]
            pub struct Credentials {
                #(#fields)*
            }

            impl Credentials {
                fn read(incoming: &Incoming) -> Self {
                    #(#reads)*
                    Credentials { #(#names),* }
                }
            }

            impl fmt::Debug for Credentials {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    let mut debug = f.debug_struct("Credentials");
                    #(#debug_fields)*
                    debug.finish()
                }
            }
        }
    }

    fn trait_method(&mut self, operation: &Operation, has_credentials: bool) -> TokenStream {
        let name = ident(&operation.id.rust);
        let request = ident(&operation.types.request);
        let reply = ident(&operation.types.reply);
        let docs = operation_docs(operation, false);
        self.use_runtime("not_implemented");
        let (credentials, unused) = if has_credentials {
            (
                quote!(, credentials: Credentials),
                quote!(let _ = (request, credentials);),
            )
        } else {
            (TokenStream::new(), quote!(let _ = request;))
        };
        quote! {
            #docs
            fn #name(&self, request: #request #credentials) -> impl Future<Output = #reply> + Send {
                #unused
                async { not_implemented() }
            }
        }
    }

    fn router(&mut self) -> TokenStream {
        let api = self.api;
        // Operations grouped by path, in the order paths first appear.
        let mut paths: Vec<(&str, Vec<&Operation>)> = Vec::new();
        for operation in &api.operations {
            match paths.iter_mut().find(|(path, _)| *path == operation.path) {
                Some((_, operations)) => operations.push(operation),
                None => paths.push((&operation.path, vec![operation])),
            }
        }
        let mut statements = Vec::new();
        for (path, operations) in paths {
            statements.push(quote!(let path = #path;));
            for (index, operation) in operations.iter().enumerate() {
                let method = routing_function(operation.method);
                if index == 0 {
                    self.routing.insert(method);
                }
                let method = ident(method);
                let handler = ident(&operation.id.rust);
                if index == 0 {
                    statements.push(quote!(let methods = #method(#handler::<A>);));
                } else {
                    statements.push(quote!(let methods = methods.#method(#handler::<A>);));
                }
            }
            statements.push(quote!(let router = router.route(path, methods);));
        }
        quote! {
            /// A router serving `api` at every path of the spec (trailing slashes as written).
            /// Requests are checked against the spec before `api` sees them: a parameter or body
            /// that is missing or does not parse gets `400`, missing credentials `401`, another
            /// media type `415`, a body over axum's `DefaultBodyLimit` `413`, and a method the
            /// path does not serve `405`. Add your own layers (tracing, CORS, a body limit) to
            /// what it returns.
            pub fn router<A: Api>(api: A) -> Router {
                let router = Router::new();
                #(#statements)*
                router.with_state(Arc::new(api))
            }
        }
    }

    fn request_type(&mut self, operation: &Operation) -> TokenStream {
        let name = ident(&operation.types.request);
        let mut names = Scope::default();
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        // The struct literal's fields: reads, or names bound by `reads`.
        let mut inits = Vec::new();
        let mut checks = Vec::new();
        for parameter in &operation.parameters {
            let field_name = names.claim(parameter.name.rust.clone());
            let wire_name = &parameter.name.wire;
            let field = ident(&field_name);
            let ty = self.type_tokens(&parameter.ty);
            let ty = if parameter.required {
                ty
            } else {
                quote!(Option<#ty>)
            };
            let docs = parameter_docs(parameter);
            fields.push(quote!(#docs pub #field: #ty,));
            let read = self.parameter_read(parameter, &quote!(#wire_name));
            let location = location_name(parameter.location);
            let may_hold_enum = self.may_hold_enum(&parameter.ty);
            let uri_check = (parameter.uri
                && parameter.ty == TypeRef::Primitive(Primitive::String))
            .then(|| {
                self.use_runtime("check_uri");
                if parameter.required {
                    quote!(check_uri(Some(&request.#field), #location, #wire_name)?;)
                } else {
                    quote!(check_uri(request.#field.as_deref(), #location, #wire_name)?;)
                }
            });
            checks.extend(uri_check);
            inits.push(quote!(#field: #read?,));
            if may_hold_enum {
                checks.push(quote!(known(&request.#field, #location, #wire_name)?;));
            }
        }
        if let Some(body) = &operation.request_body {
            if let Some(content) = chosen_content(&body.contents) {
                let field = ident(&names.claim("body".to_owned()));
                let ty = self.body_type(content);
                let ty = if body.required {
                    ty
                } else {
                    quote!(Option<#ty>)
                };
                let mut docs = body.docs.clone();
                docs.push_paragraph(format!("The request body (`{}`).", content.media_type));
                let docs = doc_attrs(&docs);
                fields.push(quote!(#docs pub #field: #ty,));
                let media: Vec<&str> = body
                    .contents
                    .iter()
                    .map(|c| c.media_type.as_str())
                    .collect();
                let required = body.required;
                let typed = body_form(content) == BodyForm::Json;
                let method = match body_form(content) {
                    BodyForm::Json => quote!(json_body),
                    BodyForm::Text => quote!(text_body),
                    BodyForm::Form | BodyForm::Bytes => quote!(bytes_body),
                };
                reads.push(quote!(let media = [#(#media),*];));
                // A JSON body is read into its own type (an `Option` when it may be left out);
                // text and bytes come as an `Option`, always `Some` once a required body passed.
                let read = quote!(incoming.#method(&media, #required)?);
                if !typed && required {
                    reads.push(quote!(let #field = #read.unwrap_or_default();));
                } else {
                    reads.push(quote!(let #field = #read;));
                }
                if typed && content.ty.as_ref().is_some_and(|ty| self.may_hold_enum(ty)) {
                    reads.push(quote!(known(&#field, "body", "")?;));
                }
                inits.push(quote!(#field,));
            }
        }
        let doc = format!("The request of [`Api::{}`]", operation.id.rust);
        let incoming = if inits.is_empty() {
            quote!(_incoming)
        } else {
            quote!(incoming)
        };
        self.use_runtime("Incoming");
        self.use_runtime("Rejection");
        let definition = quote!(#(#fields)* #(#reads)* #(#inits)* #(#checks)*);
        let build = if checks.is_empty() {
            quote!(Ok(Self { #(#inits)* }))
        } else {
            quote! {
                let request = Self { #(#inits)* };
                #(#checks)*
                Ok(request)
            }
        };
        let request = &operation.types.request;
        self.same
            .define("request", &definition, request, &doc, |doc| {
                let doc = format!(" {doc}, its parameters and body parsed and checked.");
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq)]
                    pub struct #name {
                        #(#fields)*
                    }

                    impl #name {
                        fn read(#incoming: &Incoming) -> Result<Self, Rejection> {
                            #(#reads)*
                            #build
                        }
                    }
                }
            })
    }

    fn parameter_read(&mut self, parameter: &Parameter, wire: &TokenStream) -> TokenStream {
        let list = matches!(parameter.ty, TypeRef::Array(_));
        let explode = parameter.explode;
        match parameter.location {
            ParameterLocation::Path if matches!(parameter.style, Style::Label | Style::Matrix) => {
                let label = parameter.style == Style::Label;
                quote!(incoming.path_styled(#wire, #label, #list, #explode))
            }
            ParameterLocation::Path if list => quote!(incoming.path_list(#wire)),
            ParameterLocation::Path => quote!(incoming.path(#wire)),
            ParameterLocation::Query if parameter.style == Style::DeepObject => {
                quote!(incoming.query_deep(#wire))
            }
            ParameterLocation::Query if list => {
                let delimiter = match parameter.style {
                    Style::SpaceDelimited => ' ',
                    Style::PipeDelimited => '|',
                    _ => ',',
                };
                quote!(incoming.query_list(#wire, #delimiter, #explode))
            }
            ParameterLocation::Query => quote!(incoming.query(#wire)),
            ParameterLocation::Header if list => quote!(incoming.header_list(#wire)),
            ParameterLocation::Header => quote!(incoming.header(#wire)),
            ParameterLocation::Cookie => quote!(incoming.cookie(#wire)),
        }
    }

    fn body_type(&mut self, content: &Content) -> TokenStream {
        match (body_form(content), &content.ty) {
            (BodyForm::Json, Some(ty)) => self.type_tokens(ty),
            (BodyForm::Json, None) => quote!(serde_json::Value),
            (BodyForm::Text, _) => quote!(String),
            _ => quote!(Vec<u8>),
        }
    }

    fn reply_type(&mut self, operation: &Operation) -> TokenStream {
        let name = ident(&operation.types.reply);
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        for response in &operation.responses {
            let variant = ident(&response.variant);
            let doc = status_doc(response);
            let content = chosen_content(&response.contents);
            // A model may be large, and a reply enum is as large as its largest variant.
            let body_ty = content.map(|content| {
                let ty = self.body_type(content);
                match &content.ty {
                    Some(TypeRef::Named(_)) => quote!(Box<#ty>),
                    _ => ty,
                }
            });
            let (status_field, status_value) = match response.status {
                Status::Code(code) => (None, Literal::u16_unsuffixed(code).to_string()),
                Status::Range(_) | Status::Default => {
                    (Some(quote!(status: u16,)), "status".to_owned())
                }
            };
            let status_value: TokenStream = status_value.parse().unwrap_or_default();
            let mut field_defs = Vec::new();
            let mut bindings = Vec::new();
            if let Some(field) = &status_field {
                field_defs.push(quote! {
                    /// The status code to send.
                    #field
                });
                bindings.push(quote!(status));
            }
            let struct_variant = status_field.is_some() || !response.headers.is_empty();
            if let Some(body_ty) = &body_ty {
                if struct_variant {
                    field_defs.push(quote! {
                        /// The body.
                        body: #body_ty,
                    });
                    bindings.push(quote!(body));
                }
            }
            for header in &response.headers {
                let field = ident(&header.name.rust);
                let ty = self.type_tokens(&header.ty);
                let ty = if header.required {
                    ty
                } else {
                    quote!(Option<#ty>)
                };
                let mut docs = header.docs.clone();
                docs.push_paragraph(format!("The `{}` header.", header.name.wire));
                let docs = doc_attrs(&docs);
                field_defs.push(quote!(#docs #field: #ty,));
                bindings.push(quote!(#field));
            }
            let send = match (content, &body_ty) {
                (Some(content), Some(_)) => {
                    let media = &content.media_type;
                    let function = match body_form(content) {
                        BodyForm::Json => "reply_json",
                        BodyForm::Text => "reply_text",
                        BodyForm::Form | BodyForm::Bytes => "reply_bytes",
                    };
                    self.use_runtime(function);
                    let function = ident(function);
                    let body = if function == "reply_json" {
                        quote!(&body)
                    } else {
                        quote!(body)
                    };
                    quote!(#function(#status_value, #media, #body))
                }
                _ => {
                    self.use_runtime("reply_empty");
                    quote!(reply_empty(#status_value))
                }
            };
            let mut reply = send;
            let mut header_sets = Vec::new();
            for header in &response.headers {
                self.use_runtime("with_header");
                let field = ident(&header.name.rust);
                let wire = header.name.wire.to_ascii_lowercase();
                header_sets.push(quote!(let response = #reply;));
                reply = quote!(with_header(response, #wire, &#field));
            }
            if struct_variant {
                variants.push(quote!(#[doc = #doc] #variant { #(#field_defs)* },));
                arms.push(quote! {
                    Self::#variant { #(#bindings),* } => {
                        #(#header_sets)*
                        #reply
                    }
                });
            } else if let Some(body_ty) = &body_ty {
                variants.push(quote!(#[doc = #doc] #variant(#body_ty),));
                let pattern = quote!(Self::#variant(body));
                arms.push(quote!(#pattern => #reply,));
            } else {
                variants.push(quote!(#[doc = #doc] #variant,));
                self.use_runtime("reply_empty");
                arms.push(quote!(Self::#variant => reply_empty(#status_value),));
            }
        }
        let definition = quote!(#(#variants)* #(#arms)*);
        let reply = &operation.types.reply;
        let doc = format!("The replies of [`Api::{}`]", operation.id.rust);
        self.same.define("reply", &definition, reply, &doc, |doc| {
            let doc = format!(
                " {doc}: a variant per documented response, and `Undocumented` for anything else."
            );
            quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #name {
                #(#variants)*
                /// Any other reply, sent as it is; the default methods answer `501 Not Implemented`
                /// with it.
                Undocumented(Response),
            }

            impl IntoResponse for #name {
                fn into_response(self) -> Response {
                    match self {
                        #(#arms)*
                        Self::Undocumented(response) => response,
                    }
                }
            }

            impl From<Response> for #name {
                fn from(response: Response) -> Self {
                    Self::Undocumented(response)
                }
            }
            }
        })
    }

    fn handler(&mut self, operation: &Operation, slots: &[SchemeSlot]) -> TokenStream {
        let name = ident(&operation.id.rust);
        let request = ident(&operation.types.request);
        let mut statements = Vec::new();
        let has_credentials = !slots.is_empty();
        if has_credentials {
            statements.push(quote!(let credentials = Credentials::read(&incoming);));
        }
        let required: Vec<&crate::ir::SecurityRequirement> = operation.security.iter().collect();
        let anonymous = required.is_empty() || required.iter().any(|r| r.schemes.is_empty());
        if !anonymous {
            let mut used: Vec<&SchemeSlot> = Vec::new();
            for requirement in &required {
                for key in &requirement.schemes {
                    if let Some(slot) = slots.iter().find(|slot| slot.scheme.name.wire == *key) {
                        if !used.iter().any(|u| u.field == slot.field) {
                            used.push(slot);
                        }
                    }
                }
            }
            for slot in &used {
                let field = ident(&slot.field);
                statements.push(quote!(let #field = credentials.#field.is_some();));
            }
            let alternatives = required.iter().map(|requirement| {
                let fields: Vec<TokenStream> = requirement
                    .schemes
                    .iter()
                    .filter_map(|key| slots.iter().find(|slot| slot.scheme.name.wire == *key))
                    .map(|slot| {
                        let field = ident(&slot.field);
                        quote!(#field)
                    })
                    .collect();
                if fields.len() == 1 {
                    quote!(#(#fields)*)
                } else {
                    quote!((#(#fields)&&*))
                }
            });
            statements.push(quote! {
                if !(#(#alternatives)||*) {
                    return Rejection::unauthorized().into_response();
                }
            });
        }
        statements.push(quote! {
            let request = match #request::read(&incoming) {
                Ok(request) => request,
                Err(rejection) => return rejection.into_response(),
            };
        });
        let call = if has_credentials {
            quote!(A::#name(&api, request, credentials))
        } else {
            quote!(A::#name(&api, request))
        };
        let doc = format!(
            " Serves `{} {}`.",
            operation.method.as_str(),
            operation.path
        );
        let finish = quote!(#call.await.into_response());
        quote! {
            #[doc = #doc]
            async fn #name<A: Api>(State(api): State<Arc<A>>, incoming: Incoming) -> Response {
                #(#statements)*
                #finish
            }
        }
    }
}

/// The models whose values may hold a string enum: the enums, and every model that refers to
/// one of them, directly or through others. Found from the enums backwards along references,
/// so it is linear in the size of the models, cycles included.
fn enum_holders<'a>(models: &'a [Model]) -> HashSet<&'a str> {
    let mut referrers: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
    for model in models {
        let mut refers = |ty: &'a TypeRef| {
            if let Some(name) = ty.model() {
                referrers.entry(name).or_default().push(&model.name.rust);
            }
        };
        match &model.kind {
            ModelKind::Struct(shape) => {
                shape.fields.iter().for_each(|field| refers(&field.ty));
                if let Some(extra) = &shape.additional_properties {
                    refers(&extra.value);
                }
            }
            ModelKind::Alias(target) | ModelKind::Newtype(target) => refers(target),
            ModelKind::Union(variants) => variants.iter().for_each(|variant| refers(&variant.ty)),
            ModelKind::Enum(_) => {}
        }
    }
    let mut holders: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&str> = models
        .iter()
        .filter(|model| matches!(model.kind, ModelKind::Enum(_)))
        .map(|model| model.name.rust.as_str())
        .collect();
    while let Some(name) = pending.pop() {
        if holders.insert(name) {
            pending.extend(referrers.get(name).into_iter().flatten().copied());
        }
    }
    holders
}

/// How a rejection names a parameter's location.
fn location_name(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

/// The `axum::routing` function for an HTTP method.
fn routing_function(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Put => "put",
        Method::Post => "post",
        Method::Delete => "delete",
        Method::Options => "options",
        Method::Head => "head",
        Method::Patch => "patch",
        Method::Trace => "trace",
    }
}

#[cfg(test)]
mod tests {
    use crate::{SpecSource, generate};

    /// `Known` is implemented, and bodies are checked, exactly for the models that may hold an
    /// enum: through fields, items, maps, aliases and a cycle; not for the others.
    #[test]
    fn known_follows_enums_through_references_and_cycles() {
        let spec = include_str!("../../tests/fixtures/known_enums.yaml");
        let source = SpecSource {
            display_path: "tests/fixtures/known_enums.yaml".to_owned(),
            text: spec.to_owned(),
        };
        let files = generate(&[source]).expect("generates");
        let server = &files["src/known_enums/server.rs"];
        for model in ["Kind", "Leaf", "Tree", "Forest"] {
            assert!(
                server.contains(&format!("impl Known for {model} {{")),
                "{model}"
            );
        }
        assert!(!server.contains("impl Known for Plain"), "{server}");
        assert!(
            !server.contains("impl Known for Grove"),
            "an alias: its target's impl serves"
        );
        assert!(
            server.contains("known(&body, \"body\", \"\")?;"),
            "{server}"
        );
    }
}
