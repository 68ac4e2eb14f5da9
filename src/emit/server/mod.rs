//! The server stubs of one API (`server.rs`): an `Api` trait with one method per operation (each
//! answering 501 until implemented), per-operation request structs and reply enums, the
//! credentials the security schemes define, and `router`, which mounts every operation at its
//! spec path and checks each request against the spec before the implementation sees it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::{
    BodyForm, GroupModule, body_form, chosen_content, collect_models, group_module, operation_docs,
    parameter_docs, request_body_form, status_doc,
};
use super::runtime::Capabilities;
use super::same_types::SameTypes;
use super::types::{CrateUse, Gate, Imports, gated_uses, ident, sort_use_items};
use super::{ApiFile, SchemeSlot, SubModule, scheme_slots};
use crate::format::{Block, BlockKind, Piece};
use crate::ir::{Api, Group, Method, Model, Operation, ParameterLocation, SecurityKind, TypeRef};

mod checks;
mod known;

/// The one item constraint checks use from the runtime's `pattern` module, not `validate`.
const PATTERN: &str = "Pattern";
mod types;

/// Names `server.rs` declares or imports besides per-operation types; a model with one of these
/// names is written `models::Name` there.
const SERVER_FILE_NAMES: [&str; 19] = [
    "Api",
    "Arc",
    "BTreeMap",
    "Body",
    "Call",
    "CredentialSet",
    "Credentials",
    "DateTime",
    "Decimal",
    "FromIncoming",
    "Incoming",
    "IntoResponse",
    "NaiveDate",
    "Rejection",
    "Response",
    "Router",
    "Secret",
    "Utc",
    "Uuid",
];

/// Emits the server stubs of `api`, or `None` when the API has no operations.
pub fn server_file(api: &Api) -> Option<ApiFile> {
    if api.operations.is_empty() {
        return None;
    }
    let model_named: HashMap<&str, &Model> = api
        .models
        .iter()
        .map(|model| (model.name.rust.as_str(), model))
        .collect();
    let mut emitter = Emitter {
        api,
        request_models: checks::request_models(api, &model_named),
        enum_holders: known::enum_holders(&api.models),
        check_holders: checks::check_holders(&api.models),
        closed_holders: checks::closed_holders(&api.models),
        write_only_holders: checks::write_only_holders(&api.models),
        checked_leaves: HashSet::new(),
        model_named,
        check_uses: BTreeSet::new(),
        group_statics: checks::Statics::default(),
        validates: false,
        patterns: false,
        imports: Imports::qualifying(&SERVER_FILE_NAMES, &api.models),
        models: BTreeSet::new(),
        runtime: BTreeSet::new(),
        form_readers: BTreeSet::new(),
        routing: BTreeSet::new(),
        same: SameTypes::default(),
        crates: CrateUse::default(),
        forms: false,
    };
    emitter.find_checked_leaves();
    let (chunks, modules) = emitter.file();
    let mut crates = emitter.crates;
    crates.server = true;
    let forms = emitter.forms;
    crates.forms = forms;
    Some(ApiFile {
        chunks,
        runtime: Capabilities {
            server: true,
            forms,
            validate: emitter.validates,
            patterns: emitter.patterns,
            ..Capabilities::default()
        },
        crates,
        modules,
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
    /// The runtime's form readers the file uses (`form_body`, `multipart_body`).
    form_readers: BTreeSet<&'static str>,
    /// `axum::routing` functions used (`get`, `post`, …).
    routing: BTreeSet<&'static str>,
    /// Request and reply types defined so far, so a repeated definition becomes an alias.
    same: SameTypes,
    /// What the whole file needs of other crates, gathered over the groups.
    crates: CrateUse,
    /// Whether some group reads a form or multipart body.
    forms: bool,
    /// The models whose values may break a constraint (`checks::check_holders`).
    check_holders: HashSet<&'a str>,
    /// The models that may hold an object with `additionalProperties: false`.
    closed_holders: HashSet<&'a str>,
    /// The models that may hold a `writeOnly` property.
    write_only_holders: HashSet<&'a str>,
    /// Models a checked position holds, whose `Checked` the walk calls.
    checked_leaves: HashSet<String>,
    /// The models a request may hold: only theirs are checked.
    request_models: HashSet<&'a str>,
    /// Every model by its Rust name.
    model_named: HashMap<&'a str, &'a Model>,
    /// The rules statics of the current group module's requests.
    group_statics: checks::Statics,
    /// Items of the runtime's `validate` module the current scope imports.
    check_uses: BTreeSet<&'static str>,
    /// Whether some constraint is checked: the runtime's `validate` file is needed.
    validates: bool,
    /// Whether some pattern is checked: the runtime's `pattern` file (and `regex`) is needed.
    patterns: bool,
}

impl Emitter<'_> {
    /// The server file's pieces and its groups' module files.
    fn file(&mut self) -> (Vec<Piece>, Vec<SubModule>) {
        let api = self.api;
        let slots = scheme_slots(api, &[]);
        let mut groups = Vec::new();
        let mut methods = Vec::new();
        // Root `use`s each under the features of what uses them, so no build leaves one unused.
        let mut root_uses: BTreeMap<&'static str, Gate> = BTreeMap::new();
        let mut root_models: BTreeMap<String, Gate> = BTreeMap::new();
        for (index, group) in api.groups.iter().enumerate() {
            let operations: Vec<&Operation> = api
                .operations
                .iter()
                .filter(|op| op.group == index)
                .collect();
            let gate = Gate::of(std::slice::from_ref(&group.feature));
            let cfg = gate.cfg();
            for operation in &operations {
                let method = self.trait_method(operation, !slots.is_empty(), &group.feature);
                methods.push(quote!(#cfg #method));
            }
            root_uses.entry("not_implemented").or_default().widen(&gate);
            groups.push(self.group_module(group, &operations, &slots));
        }
        self.start_group();
        let credentials = self.credentials(&slots);
        for name in std::mem::take(&mut self.runtime) {
            root_uses.entry(name).or_default().widen(&Gate::Always);
        }
        let mut known = Vec::new();
        for model in &api.models {
            let Some(tokens) = self.known_impl(model) else {
                continue;
            };
            let gate = Gate::of(&model.features);
            let cfg = gate.cfg();
            known.push(quote!(#cfg #tokens));
            for name in std::mem::take(&mut self.runtime) {
                root_uses.entry(name).or_default().widen(&gate);
            }
            for name in std::mem::take(&mut self.models) {
                root_models.entry(name).or_default().widen(&gate);
            }
        }
        let mut check_uses: BTreeMap<&'static str, Gate> = BTreeMap::new();
        let mut checked = Vec::new();
        // The impls' rules, shared among them: one static per distinct rules.
        let mut statics = checks::Statics::default();
        for model in &api.models {
            let gate = Gate::of(&model.features);
            statics.set_gate(gate.clone());
            let Some(tokens) = self.checked_impl(model, &mut statics) else {
                continue;
            };
            let cfg = gate.cfg();
            checked.push(quote!(#cfg #tokens));
            for name in std::mem::take(&mut self.check_uses) {
                check_uses.entry(name).or_default().widen(&gate);
            }
            for name in std::mem::take(&mut self.models) {
                root_models.entry(name).or_default().widen(&gate);
            }
        }
        let router = self.router();
        let trait_doc = format!(
            " {} as a server implements it: one method per operation. Every method answers `501 Not Implemented` until it is implemented, so an implementation can start with one operation. A JSON body holding models is a [`Body`]: give it the value (`Reply::Ok(value.into())`), or share what the implementation already holds (an `Arc`, a borrowed view, JSON serialized once) so no request copies it.",
            api.title
        );
        let uses = self.root_use_items(&root_uses, &check_uses, &root_models, !slots.is_empty());
        let module_doc = format!(
            " Server stubs for {}: implement [`Api`] and serve it with [`router`].",
            api.title
        );
        let api_trait = Block {
            kind: BlockKind::Trait,
            open: quote! {
                #[doc = #trait_doc]
                pub trait Api: Send + Sync + 'static {}
            },
            members: methods.into_iter().map(Piece::Items).collect(),
        };
        let declarations = groups.iter().map(|group| &group.declaration);
        let mut pieces = vec![
            Piece::Items(quote! {
                #![doc = #module_doc]
                #(#declarations)*
                #uses
            }),
            Piece::Block(api_trait),
            Piece::Items(quote!(#router #credentials)),
        ];
        pieces.extend(known.into_iter().map(Piece::Items));
        pieces.extend(statics.gated_items().into_iter().map(Piece::Items));
        pieces.extend(checked.into_iter().map(Piece::Items));
        (pieces, groups.into_iter().map(|group| group.file).collect())
    }

    /// Forgets what the previous group imported and defined, keeping what the file needs.
    fn start_group(&mut self) {
        self.crates = self.crates.union(self.imports.crates());
        self.forms |= !self.form_readers.is_empty();
        self.imports = Imports::qualifying(&SERVER_FILE_NAMES, &self.api.models);
        self.models = BTreeSet::new();
        self.runtime = BTreeSet::new();
        self.form_readers = BTreeSet::new();
        self.check_uses = BTreeSet::new();
        self.group_statics = checks::Statics::default();
        self.group_statics.reserve("SECURITY");
        self.routing = BTreeSet::new();
        self.same = SameTypes::default();
    }

    /// One group's operations in a module compiled under the group's feature: the request and
    /// reply types, the handlers, and `routes`, which adds them to the router.
    fn group_module(
        &mut self,
        group: &Group,
        operations: &[&Operation],
        slots: &[SchemeSlot],
    ) -> GroupModule {
        self.start_group();
        let mut handlers = Vec::new();
        let mut types = Vec::new();
        // Each operation's security alternatives, written once, with their text to compare by.
        let securities: Vec<Security> = operations
            .iter()
            .map(|operation| {
                let alternatives = security_alternatives(operation, slots);
                Security {
                    open: is_open(operation),
                    key: alternatives.to_string(),
                    alternatives,
                }
            })
            .collect();
        let shared = shared_security(&securities);
        for (operation, security) in operations.iter().zip(&securities) {
            let alternatives = match shared {
                Some(shared) if shared.key == security.key => quote!(SECURITY),
                _ => security.alternatives.clone(),
            };
            handlers.push(self.handler(operation, slots, alternatives));
            types.push(self.request_type(operation));
            types.push(self.reply_type(operation));
        }
        let routes = self.routes(operations);
        let security = shared.map(|Security { alternatives, .. }| {
            quote! {
                /// The credentials most of these operations require: any one alternative, each
                /// naming the security schemes whose credentials must all be sent.
                const SECURITY: &[&[&str]] = #alternatives;
            }
        });
        let uses = self.group_use_items();
        let mut members = vec![Piece::Items(quote!(#uses #routes))];
        members.extend(types.into_iter().map(Piece::Items));
        let statics = std::mem::take(&mut self.group_statics).gated_items();
        members.push(Piece::Items(quote!(#(#statics)*)));
        members.push(Piece::Items(security.unwrap_or_default()));
        members.extend(handlers.into_iter().map(Piece::Items));
        group_module(group, true, members)
    }

    /// The server module's own `use` lines, each under the gate of what uses it.
    fn root_use_items(
        &mut self,
        runtime: &BTreeMap<&'static str, Gate>,
        checks: &BTreeMap<&'static str, Gate>,
        models: &BTreeMap<String, Gate>,
        has_credentials: bool,
    ) -> TokenStream {
        let mut items = vec![
            // What implementations name: reply bodies and credentials.
            quote!(
                pub use crate::runtime::server::{Body, Secret};
            ),
            quote!(
                use std::sync::Arc;
            ),
            quote!(
                use axum::Router;
            ),
        ];
        items.extend(gated_uses(
            runtime.iter().map(|(name, gate)| (*name, gate)),
            &quote!(crate::runtime::server),
        ));
        let (patterns, checks): (Vec<_>, Vec<_>) =
            checks.iter().partition(|(name, _)| **name == PATTERN);
        items.extend(gated_uses(
            checks.into_iter().map(|(name, gate)| (*name, gate)),
            &quote!(crate::runtime::validate),
        ));
        items.extend(gated_uses(
            patterns.into_iter().map(|(name, gate)| (*name, gate)),
            &quote!(crate::runtime::pattern),
        ));
        let module = ident(&self.api.module.rust);
        // A model named like an item of this file is written `models::Name` (the `Known` impls),
        // so the module is imported instead, under the gates of those models.
        let (qualified, bare): (Vec<_>, Vec<_>) = models
            .iter()
            .partition(|(name, _)| self.imports.is_qualified(name));
        items.extend(gated_uses(
            bare.into_iter().map(|(name, gate)| (name.as_str(), gate)),
            &quote!(crate::#module::models),
        ));
        let mut models_gate = Gate::Unused;
        for (_, gate) in qualified {
            models_gate.widen(gate);
        }
        items.extend(gated_uses(
            std::iter::once(("models", &models_gate)),
            &quote!(crate::#module),
        ));
        if has_credentials {
            items.push(quote!(
                use std::fmt;
            ));
        }
        sort_use_items(&mut items);
        items.into_iter().collect()
    }

    /// A group module's `use` lines: what its types and handlers name.
    fn group_use_items(&mut self) -> TokenStream {
        let mut items = self.imports.use_item_list();
        items.push(quote!(
            use super::Api;
        ));
        items.push(quote!(
            use std::sync::Arc;
        ));
        items.push(quote!(
            use axum::Router;
        ));
        items.push(quote!(
            use axum::response::{IntoResponse, Response};
        ));
        let routing = self.routing.iter().map(|name| ident(name));
        items.push(quote!(use axum::routing::{#(#routing),*};));
        let runtime = self.runtime.iter().map(|name| ident(name));
        items.push(quote!(use crate::runtime::server::{#(#runtime),*};));
        let checks: Vec<_> = self
            .check_uses
            .iter()
            .filter(|name| **name != PATTERN)
            .map(|name| ident(name))
            .collect();
        if !checks.is_empty() {
            items.push(quote!(use crate::runtime::validate::{#(#checks),*};));
        }
        if self.check_uses.contains(PATTERN) {
            items.push(quote!(
                use crate::runtime::pattern::Pattern;
            ));
        }
        if !self.form_readers.is_empty() {
            let readers = self.form_readers.iter().map(|name| ident(name));
            items.push(quote!(use crate::runtime::forms::{#(#readers),*};));
        }
        let models = self.api.module.rust.as_str();
        items.extend(self.imports.model_use_items_in(&self.models, models));
        sort_use_items(&mut items);
        items.into_iter().collect()
    }

    fn type_tokens(&mut self, ty: &TypeRef) -> TokenStream {
        collect_models(ty, &mut self.models);
        self.imports.type_tokens(ty)
    }

    fn use_runtime(&mut self, name: &'static str) {
        self.runtime.insert(name);
    }

    /// How the file names `name` of the runtime's `validate` module (or `Pattern`, of its
    /// `pattern` module): imported, unless a model of the API has the name, then by its path.
    fn check_item(&mut self, name: &'static str) -> TokenStream {
        self.validates = true;
        let item = ident(name);
        self.patterns |= name == PATTERN;
        if self.model_named.contains_key(name) {
            let module = ident(if name == PATTERN {
                "pattern"
            } else {
                "validate"
            });
            return quote!(crate::runtime::#module::#item);
        }
        self.check_uses.insert(name);
        quote!(#item)
    }

    /// `Credentials`, read from each request by the schemes' rules.
    fn credentials(&mut self, slots: &[SchemeSlot]) -> TokenStream {
        if slots.is_empty() {
            return TokenStream::new();
        }
        self.runtime.insert("CredentialSet");
        self.runtime.insert("Incoming");
        self.runtime.insert("redacted");
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        let mut has_arms = Vec::new();
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
            fields.push(quote!(#[doc = #doc] pub #field: Option<Secret>,));
            reads.push(quote!(let #field = #read;));
            has_arms.push(quote!(#key => self.#field.is_some(),));
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
            /// The credentials a request carried, one field per security scheme: each a
            /// `Secret` sharing the request's bytes (it derefs to the text). `Debug` shows
            /// which are set, never their values.
            #[derive(Clone, Default, PartialEq, Eq)]
            pub struct Credentials {
                #(#fields)*
            }

            impl CredentialSet for Credentials {
                fn read(incoming: &Incoming) -> Self {
                    #(#reads)*
                    Credentials { #(#names),* }
                }

                fn has(&self, scheme: &str) -> bool {
                    match scheme {
                        #(#has_arms)*
                        _ => false,
                    }
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

    fn trait_method(
        &mut self,
        operation: &Operation,
        has_credentials: bool,
        feature: &str,
    ) -> TokenStream {
        let name = ident(&operation.id.rust);
        let request = ident(&operation.types.request);
        let reply = ident(&operation.types.reply);
        let docs = operation_docs(operation, false, feature);
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
                async { #reply::Undocumented(not_implemented()) }
            }
        }
    }

    fn router(&mut self) -> TokenStream {
        let routes = self.api.groups.iter().map(|group| {
            let feature = &group.feature;
            let module = ident(&group.module);
            quote! {
                #[cfg(feature = #feature)]
                let router = #module::routes(router);
            }
        });
        quote! {
            /// A router serving `api` at every path of the spec (trailing slashes as written) whose
            /// feature is on. Requests are checked against the spec before `api` sees them: a
            /// parameter or body that is missing or does not parse gets `400`, missing credentials
            /// `401`, another media type `415`, a body over axum's `DefaultBodyLimit` `413`, and a
            /// method the path does not serve `405`. Add your own layers (tracing, CORS, a body
            /// limit) to what it returns.
            pub fn router<A: Api>(api: A) -> Router {
                let router = Router::new();
                #(#routes)*
                router.with_state(Arc::new(api))
            }
        }
    }

    /// A group's `routes`: its operations added to a router, one statement per path rather
    /// than one long chain, so thousands of paths never become an expression nested that deep.
    fn routes(&mut self, operations: &[&Operation]) -> TokenStream {
        // Operations grouped by path, in the order paths first appear.
        let mut paths: Vec<(&str, Vec<&Operation>)> = Vec::new();
        for operation in operations {
            match paths.iter_mut().find(|(path, _)| *path == operation.path) {
                Some((_, operations)) => operations.push(operation),
                None => paths.push((&operation.path, vec![operation])),
            }
        }
        let mut routes = Vec::new();
        let count = paths.len();
        for (at, (path, operations)) in paths.into_iter().enumerate() {
            let mut methods = TokenStream::new();
            for (index, operation) in operations.iter().enumerate() {
                let method = routing_function(operation.method);
                if index == 0 {
                    self.routing.insert(method);
                }
                let method = ident(method);
                let handler = handler_name(operation);
                methods = if index == 0 {
                    quote!(#method(#handler::<A>))
                } else {
                    quote!(#methods.#method(#handler::<A>))
                };
            }
            routes.push(if at + 1 == count {
                quote! {
                    let path = #path;
                    let methods = #methods;
                    router.route(path, methods)
                }
            } else {
                quote! {
                    let path = #path;
                    let methods = #methods;
                    let router = router.route(path, methods);
                }
            });
        }
        quote! {
            /// Adds these operations' paths to `router`.
            pub(super) fn routes<A: Api>(router: Router<Arc<A>>) -> Router<Arc<A>> {
                #(#routes)*
            }
        }
    }

    /// The axum handler of `operation`: the runtime's `serve` does the work, given the
    /// security alternatives as data and the call into the implementation.
    /// `alternatives` is the operation's slice of security alternatives, or `SECURITY`.
    fn handler(
        &mut self,
        operation: &Operation,
        slots: &[SchemeSlot],
        alternatives: TokenStream,
    ) -> TokenStream {
        self.use_runtime("Call");
        let name = ident(&operation.id.rust);
        let handler = handler_name(operation);
        // Without security schemes there are no `Credentials`: the runtime passes `()`.
        let method = if slots.is_empty() {
            quote!(|api, request, ()| A::#name(api, request))
        } else {
            quote!(A::#name)
        };
        let doc = format!(
            " Serves `{} {}`.",
            operation.method.as_str(),
            operation.path
        );
        quote! {
            #[doc = #doc]
            async fn #handler<A: Api>(call: Call<A>) -> Response {
                call.serve(#alternatives, #method).await
            }
        }
    }
}

/// The module-level name of an operation's handler: `serve_` and the operation's name, so it
/// can clash neither with what the file imports (`get`, `post`, `known`, …) nor with `router`
/// and its locals, whatever the operation is called.
fn handler_name(operation: &Operation) -> proc_macro2::Ident {
    ident(&format!(
        "serve_{}",
        operation.id.rust.trim_start_matches("r#")
    ))
}

/// The security alternatives of `operation` as a slice literal: each alternative lists the
/// schemes (as the spec names them) whose credentials must all be sent; an empty slice means
/// anyone may call.
fn security_alternatives(operation: &Operation, slots: &[SchemeSlot]) -> TokenStream {
    let open = is_open(operation);
    let alternatives = operation
        .security
        .iter()
        .filter(|_| !open)
        .map(|requirement| {
            let schemes = requirement
                .schemes
                .iter()
                .filter(|key| slots.iter().any(|slot| slot.scheme.name.wire == **key));
            quote!(&[#(#schemes),*])
        });
    quote!(&[#(#alternatives),*])
}

/// Whether anyone may call `operation`: it names no scheme, or one of its alternatives is empty.
fn is_open(operation: &Operation) -> bool {
    operation.security.is_empty() || operation.security.iter().any(|r| r.schemes.is_empty())
}

/// One operation's security alternatives: the slice literal, its text, and whether it is empty.
struct Security {
    open: bool,
    key: String,
    alternatives: TokenStream,
}

/// The security alternatives that most operations requiring credentials share (the first such in
/// document order on a tie), named once as `SECURITY` when at least two operations use them.
fn shared_security(securities: &[Security]) -> Option<&Security> {
    let mut counts: Vec<(&Security, usize)> = Vec::new();
    for security in securities.iter().filter(|security| !security.open) {
        match counts.iter_mut().find(|(seen, _)| seen.key == security.key) {
            Some((_, count)) => *count += 1,
            None => counts.push((security, 1)),
        }
    }
    let most = counts.iter().map(|(_, count)| *count).max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == most && most >= 2)
        .map(|(security, _)| security)
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
