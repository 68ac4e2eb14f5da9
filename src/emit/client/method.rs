//! The client's operation methods: a list of calls into the runtime's `Request`, then a `match`
//! on the status decoding each documented response; and a `…_stream` per paginated list.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use crate::emit::SchemeSlot;
use crate::emit::operation::{
    BodyForm, body_form, chosen_content, group_feature, is_success, operation_docs,
    request_body_form, successes,
};
use crate::emit::types::{PLACEHOLDER_NAMES, ident};
use crate::ir::{
    Operation, Parameter, ParameterLocation, Primitive, Response, Status, Style, TypeRef,
};
use crate::naming::Scope;

/// A `response.method(reader)` call.
pub(super) struct Decode {
    method: TokenStream,
    reader: TokenStream,
}

impl Decode {
    pub(super) fn call(&self) -> TokenStream {
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
    /// How a received `response` is decoded as `documented`: the `RawResponse` method and the
    /// headers reader it is given.
    pub(super) fn decode(&mut self, documented: &Response, success: bool) -> Decode {
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
        // Arguments never take the name of a local of the method or its stream: a parameter
        // named `request` would be shadowed by `let mut request` and never sent.
        for local in LOCALS.iter().chain(&PLACEHOLDER_NAMES) {
            names.try_claim(local);
        }
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
                let form = request_body_form(content);
                let ty = match (form, &content.ty) {
                    (BodyForm::Json | BodyForm::Form | BodyForm::Multipart, Some(ty)) => {
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
                    BodyForm::Multipart => {
                        self.multipart = true;
                        quote!(request.encoded_body(multipart_body(#media_type, #name));)
                    }
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
        let explode = if parameter.explode {
            quote!(Explode::Yes)
        } else {
            quote!(Explode::No)
        };
        if parameter.style != Style::DeepObject {
            self.response_imports.insert("Explode");
        }
        if parameter.style == Style::Json {
            self.response_imports.insert("AsJson");
            let value = quote!(&AsJson(#value));
            return match parameter.location {
                ParameterLocation::Path => quote!(request.path(#wire, #value, #explode);),
                ParameterLocation::Query => quote!(request.query(#wire, #value, #explode);),
                ParameterLocation::Header => quote!(request.header(#wire, #value, #explode);),
                ParameterLocation::Cookie => quote!(request.cookie(#wire, #value, #explode);),
            };
        }
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

    pub(super) fn operation_method(
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
        // `mut` only when something is added to the request.
        let mutable = (!statements.is_empty() || !authorize.is_empty()).then(|| quote!(mut));
        let start =
            quote!(let #mutable request = self.transport.request(Method::#http_method, #path););
        let dispatch = status_match(self.success_arms(operation));
        let docs = operation_docs(operation, true, group_feature(self.api, operation));
        // Not an `async fn`: the request is built when the method is called and the returned
        // future is the runtime's `Request::call`, so the compiler checks one `await` for the
        // whole client instead of a state machine per operation (a fifth of a large client's
        // check time). `Call<T, E>` is a future of `Result<T, Error<E>>`.
        self.response_imports.insert("Call");
        let returns = match &operation.types.error {
            Some(error) => {
                let error = ident(error);
                quote!(impl Call<#success, #error>)
            }
            None => quote!(impl Call<#success>),
        };
        quote! {
            #docs
            pub fn #name(&self, #(#arguments),*) -> #returns {
                #start
                #(#statements)*
                #authorize
                request.call(|response| #dispatch)
            }
        }
    }

    /// The arms of the method's `match` on the status, and what every other status becomes: one
    /// arm per documented success, in the order codes, ranges, `default`; other statuses go to
    /// the error type's `DocumentedError::decode` (or are unexpected when the operation documents
    /// no error).
    fn success_arms(&mut self, operation: &Operation) -> (Vec<TokenStream>, TokenStream) {
        let success_enum = operation.types.success.as_ref().map(|name| ident(name));
        let (successes, errors): (Vec<&Response>, Vec<&Response>) = operation
            .responses
            .iter()
            .partition(|response| is_success(operation, response));
        let mut arms = Vec::new();
        let mut default = None;
        for response in in_match_order(&successes) {
            let decode = self.decode(response, true).call();
            let decoded = match &success_enum {
                Some(success_enum) => {
                    let variant = ident(&response.variant);
                    if self.has_large_body(response) {
                        self.response_imports.insert("boxed");
                        quote!(boxed(#decode).map(#success_enum::#variant))
                    } else {
                        quote!(#decode.map(#success_enum::#variant))
                    }
                }
                None => decode,
            };
            match response.status {
                Status::Default => default = Some(decoded),
                status => {
                    let pattern = status_pattern(status);
                    arms.push(quote!(#pattern => #decoded,));
                }
            }
        }
        let failure = if errors.is_empty() {
            quote!(response.unexpected())
        } else {
            quote!(response.error())
        };
        match default {
            // A `default` success catches every status no other response lists, so the
            // documented errors are named before it.
            Some(default) => {
                let listed: Vec<TokenStream> = in_match_order(&errors)
                    .into_iter()
                    .filter(|response| response.status != Status::Default)
                    .map(|response| status_pattern(response.status))
                    .collect();
                if !listed.is_empty() {
                    arms.push(quote!(#(#listed)|* => #failure,));
                }
                (arms, default)
            }
            None => (arms, failure),
        }
    }

    /// One `authorize` call listing the alternatives in the spec's order: the runtime sends the
    /// first whose credentials are all set. An empty alternative (anonymous access) is left out:
    /// when no credential is set, nothing is sent anyway.
    fn authorize(&mut self, operation: &Operation, slots: &[SchemeSlot]) -> TokenStream {
        let alternatives: Vec<TokenStream> = operation
            .security
            .iter()
            .filter(|requirement| !requirement.schemes.is_empty())
            .map(|requirement| {
                let fields = requirement.schemes.iter().filter_map(|key| {
                    let slot = slots.iter().find(|slot| slot.scheme.name.wire == *key)?;
                    let field = ident(&slot.field);
                    Some(quote!(&self.#field))
                });
                quote!(&[#(#fields),*])
            })
            .collect();
        if alternatives.is_empty() {
            return TokenStream::new();
        }
        quote!(request.authorize(&[#(#alternatives),*]);)
    }

    pub(super) fn stream_method(
        &mut self,
        operation: &Operation,
        method: &str,
        stream: &str,
    ) -> TokenStream {
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
        self.response_imports.insert("Error");
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
}

/// Whether a parameter of this type is passed by reference (`&str`, `&Model`, `&[T]`), rather than
/// by value (numbers, dates, UUIDs).
fn passed_by_reference(ty: &TypeRef) -> bool {
    !matches!(ty, TypeRef::Primitive(primitive) if *primitive != Primitive::String)
}

/// The locals of an operation method and of its `…_stream` method.
const LOCALS: [&str; 7] = [
    "request",
    "response",
    "first",
    "page_size",
    "fetch",
    "page",
    "this_page",
];

/// `match response.code() { arms… _ => otherwise }`, or just `otherwise` when there are no arms.
pub(super) fn status_match((arms, otherwise): (Vec<TokenStream>, TokenStream)) -> TokenStream {
    if arms.is_empty() {
        return otherwise;
    }
    quote! {
        match response.code() {
            #(#arms)*
            _ => #otherwise,
        }
    }
}

/// The `match` pattern of a documented status: `404`, `400..=499`, or `_` for `default`.
pub(super) fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        Status::Range(first) => {
            let low = proc_macro2::Literal::u16_unsuffixed(first * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(first * 100 + 99);
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

/// Responses in the order their arms must be matched: exact codes, then ranges, then `default`.
pub(super) fn in_match_order<'a>(responses: &[&'a Response]) -> Vec<&'a Response> {
    let mut ordered = responses.to_vec();
    ordered.sort_by_key(|response| match response.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    ordered
}
