//! The per-operation types of one API's server: request structs, read from the runtime's
//! `Incoming` through `FromIncoming` and checked against the spec, and reply enums, which are
//! `IntoResponse` with a variant per documented response.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::super::types::{doc_attrs, ident};
use super::{
    BodyForm, Emitter, body_form, chosen_content, parameter_docs, request_body_form, status_doc,
};
use crate::ir::{
    Content, Operation, Parameter, ParameterLocation, Primitive, Status, Style, TypeRef,
};
use crate::naming::Scope;

impl Emitter<'_> {
    pub(super) fn request_type(&mut self, operation: &Operation) -> TokenStream {
        let name = ident(&operation.types.request);
        let mut names = Scope::default();
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        // The struct literal's fields: reads, or names bound by `reads`.
        let mut inits = Vec::new();
        let mut checks = Vec::new();
        // The constraint walk over the parameters and body, after the other checks.
        // The group module's statics: requests of a group share their rules.
        let mut statics = std::mem::take(&mut self.group_statics);
        let mut walks = Vec::new();
        // Whether some value read may hold an object with `additionalProperties: false`.
        let mut closed = false;
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
            let model = parameter.ty.model();
            closed |= model.is_some_and(|name| self.closed_holders.contains(name));
            let constraints = self.effective(&parameter.constraints, &parameter.ty);
            if self.is_checked(&constraints, &parameter.ty) {
                let rules = self.rules_ref(&mut statics, &field_name, &constraints);
                walks.push(quote!(walk.parameter(#location, #wire_name, &request.#field, #rules);));
            }
            if may_hold_enum {
                self.use_runtime("known");
                checks.push(quote!(known(&request.#field, #location, #wire_name)?;));
            }
        }
        if let Some(body) = &operation.request_body {
            if let Some(content) = chosen_content(&body.contents) {
                let field = ident(&names.claim("body".to_owned()));
                let ty = self.body_type(content, request_body_form(content));
                let ty = if body.required {
                    ty
                } else {
                    quote!(Option<#ty>)
                };
                // The same type in other encodings (JSON, form and multipart, as Django REST
                // specs list them) is read by the encoding the request says it is in.
                let form = request_body_form(content);
                let typed = form.is_typed();
                let mut forms = vec![form];
                let mut alternates = Vec::new();
                for other in &body.contents {
                    let other_form = request_body_form(other);
                    if typed
                        && other_form.is_typed()
                        && other.ty == content.ty
                        && !forms.contains(&other_form)
                    {
                        forms.push(other_form);
                        alternates.push((other, other_form));
                    }
                }
                let mut docs = body.docs.clone();
                let encodings: Vec<String> = std::iter::once(content)
                    .chain(alternates.iter().map(|(other, _)| *other))
                    .map(|content| format!("`{}`", content.media_type))
                    .collect();
                docs.push_sentence(format!("The request body ({}).", encodings.join(", ")));
                let docs = doc_attrs(&docs);
                fields.push(quote!(#docs pub #field: #ty,));
                let media: Vec<&str> = body
                    .contents
                    .iter()
                    .map(|c| c.media_type.as_str())
                    .collect();
                let required = body.required;
                reads.push(quote!(let media = [#(#media),*];));
                // A typed body is read into its own type (an `Option` when it may be left out);
                // text and bytes come as an `Option`, always `Some` once a required body passed.
                let mut read = self.body_read(form, &quote!(&media), required);
                let mut arms = Vec::new();
                for (other, other_form) in alternates {
                    let essence = other.media_type.split(';').next().unwrap_or_default();
                    let essence = essence.trim().to_ascii_lowercase();
                    let media_type = &other.media_type;
                    let other_read = self.body_read(other_form, &quote!(&[#media_type]), required);
                    arms.push(quote!(#essence => #other_read,));
                }
                if !arms.is_empty() {
                    read = quote! {
                        match incoming.media_essence().as_str() {
                            #(#arms)*
                            _ => #read,
                        }
                    };
                }
                let model = content.ty.as_ref().and_then(TypeRef::model);
                closed |= typed && model.is_some_and(|name| self.closed_holders.contains(name));
                if !typed && required {
                    reads.push(quote!(let #field = #read.unwrap_or_default();));
                } else {
                    reads.push(quote!(let #field = #read;));
                }
                if typed && content.ty.as_ref().is_some_and(|ty| self.may_hold_enum(ty)) {
                    self.use_runtime("known");
                    reads.push(quote!(known(&#field, "body", "")?;));
                }
                if let Some(ty) = content.ty.as_ref().filter(|_| typed) {
                    let constraints = self.effective(&content.constraints, ty);
                    if self.is_checked(&constraints, ty) {
                        let rules = self.rules_ref(&mut statics, "body", &constraints);
                        walks.push(quote!(walk.body(&request.#field, #rules);));
                    }
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
        self.use_runtime("FromIncoming");
        self.use_runtime("Incoming");
        self.use_runtime("Rejection");
        if !walks.is_empty() {
            let walk_type = self.check_item("Walk");
            checks.push(quote! {
                let mut walk = #walk_type::new();
                #(#walks)*
                walk.finish()?;
            });
        }
        if closed {
            // Until the request is read, other keys of such objects are refused.
            reads.insert(0, quote!(let _closed = crate::runtime::Closed::refusing();));
        }
        self.group_statics = statics;
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

                    impl FromIncoming for #name {
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
        if parameter.style == Style::Json {
            let location = location_name(parameter.location);
            return quote!(incoming.json_param(#location, #wire));
        }
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

    /// The call reading a request body of `form` in one of `media` (an array expression).
    fn body_read(&mut self, form: BodyForm, media: &TokenStream, required: bool) -> TokenStream {
        match form {
            BodyForm::Json => quote!(incoming.json_body(#media, #required)?),
            BodyForm::Text => quote!(incoming.text_body(#media, #required)?),
            BodyForm::Bytes => quote!(incoming.bytes_body(#media, #required)?),
            BodyForm::Form => {
                self.form_readers.insert("form_body");
                quote!(form_body(incoming, #media, #required)?)
            }
            BodyForm::Multipart => {
                self.form_readers.insert("multipart_body");
                quote!(multipart_body(incoming, #media, #required)?)
            }
        }
    }

    fn body_type(&mut self, content: &Content, form: BodyForm) -> TokenStream {
        match (form, &content.ty) {
            (BodyForm::Json | BodyForm::Form | BodyForm::Multipart, Some(ty)) => {
                self.type_tokens(ty)
            }
            (BodyForm::Json, None) => quote!(serde_json::Value),
            (BodyForm::Text, _) => quote!(String),
            _ => quote!(Vec<u8>),
        }
    }

    pub(super) fn reply_type(&mut self, operation: &Operation) -> TokenStream {
        let name = ident(&operation.types.reply);
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        for response in &operation.responses {
            let variant = ident(&response.variant);
            let doc = status_doc(response);
            let content = chosen_content(&response.contents);
            // A JSON body holding models is a runtime `Body`: the implementation may own the
            // value (`value.into()`), share it or send JSON it serialized before, and the reply
            // enum stays small whatever the model's size. Other JSON (numbers, `Value`) is cheap
            // to own and stays itself; a text or bytes body is a `String` or `Vec<u8>`.
            let body_ty = content.map(|content| {
                let ty = self.body_type(content, body_form(content));
                match (shared_body(content), body_form(content)) {
                    (true, BodyForm::Json) => {
                        self.use_runtime("Body");
                        quote!(Body<#ty>)
                    }
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
                docs.push_sentence(format!("The `{}` header.", header.name.wire));
                let docs = doc_attrs(&docs);
                field_defs.push(quote!(#docs #field: #ty,));
                bindings.push(quote!(#field));
            }
            let send = match (content, &body_ty) {
                (Some(content), Some(_)) => {
                    let media = &content.media_type;
                    let function = match (body_form(content), shared_body(content)) {
                        (BodyForm::Json, true) => "reply_body",
                        (BodyForm::Json, false) => "reply_json",
                        (BodyForm::Text, _) => "reply_text",
                        (BodyForm::Form | BodyForm::Multipart | BodyForm::Bytes, _) => {
                            "reply_bytes"
                        }
                    };
                    self.use_runtime(function);
                    let function = ident(function);
                    let body = if function == "reply_json" {
                        quote!(&body)
                    } else {
                        quote!(body)
                    };
                    let write_only = content.ty.as_ref().and_then(TypeRef::model);
                    if (function == "reply_json" || function == "reply_body")
                        && write_only.is_some_and(|name| self.write_only_holders.contains(name))
                    {
                        // `writeOnly` properties are left out of the reply (a `Body` the
                        // implementation serialized itself, a view or JSON, is its own).
                        quote! {{
                            let _replying = crate::runtime::Replying::start();
                            #function(#status_value, #media, #body)
                        }}
                    } else {
                        quote!(#function(#status_value, #media, #body))
                    }
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
                /// Any other reply, sent as it is (the default methods send `501 Not Implemented`).
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
            }
        })
    }
}

/// Whether a reply body is a runtime `Body` (for JSON): when it holds models.
fn shared_body(content: &Content) -> bool {
    content.ty.as_ref().is_some_and(|ty| ty.model().is_some())
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
