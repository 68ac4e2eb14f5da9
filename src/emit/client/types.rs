//! The client's per-operation types: optional parameters, declared response headers (with their
//! reader), and the success and error enums with a variant per documented status.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use super::method::{in_match_order, status_match, status_pattern};
use crate::emit::operation::{
    BodyForm, body_form, chosen_content, is_success, parameter_docs, status_doc, status_label,
    successes,
};
use crate::emit::types::{doc_attrs, ident};
use crate::ir::{Operation, Response, Status, TypeRef};

impl Emitter<'_> {
    /// Types declared for one operation: its optional parameters, response headers, success enum
    /// and error enum.
    pub(super) fn operation_types(&mut self, operation: &Operation, method: &str) -> TokenStream {
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
            let name = ident(error);
            let errors: Vec<&Response> = operation
                .responses
                .iter()
                .filter(|response| !is_success(operation, response))
                .collect();
            let variants = self.variants(&errors, false);
            let mut arms = Vec::new();
            let mut otherwise = quote!(response.unexpected());
            for response in in_match_order(&errors) {
                let decode = self.decode(response, false).call();
                let variant = ident(&response.variant);
                let decoded = quote!(boxed(#decode).map(Self::#variant));
                match response.status {
                    Status::Default => otherwise = decoded,
                    status => {
                        let pattern = status_pattern(status);
                        arms.push(quote!(#pattern => #decoded,));
                    }
                }
            }
            let decode = status_match((arms, otherwise));
            self.response_imports.insert("DocumentedError");
            self.response_imports.insert("Error");
            self.response_imports.insert("RawResponse");
            self.response_imports.insert("boxed");
            let definition = quote!(#(#variants)* #decode);
            let doc = format!("The error responses {link} documents");
            items.push(self.same.define("error", &definition, error, &doc, |doc| {
                let doc = format!(" {doc}. Each keeps its status, headers and body.");
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq)]
                    pub enum #name {
                        #(#variants)*
                    }

                    impl DocumentedError for #name {
                        fn decode(response: RawResponse) -> Result<Self, Error<Self>> {
                            #decode
                        }
                    }
                }
            }));
        }
        quote!(#(#items)*)
    }

    /// A variant per response: `Ok(Response<T>)` for successes, `BadRequest(Box<Response<T>>)`
    /// for errors (boxed, so a call's `Result` stays small), and a success whose body is a struct
    /// or union boxed too (a success enum is as large as its largest variant).
    fn variants(&mut self, responses: &[&Response], success: bool) -> Vec<TokenStream> {
        responses
            .iter()
            .map(|response| {
                let variant = ident(&response.variant);
                let boxed = !success || self.has_large_body(response);
                let ty = self.response_type(response, success);
                let ty = if boxed { quote!(Box<#ty>) } else { ty };
                let doc = status_doc(response);
                quote!(#[doc = #doc] #variant(#ty),)
            })
            .collect()
    }

    /// Whether a response's body is a model whose values are large (`Model::large`).
    pub(super) fn has_large_body(&self, response: &Response) -> bool {
        let Some(TypeRef::Named(name)) = chosen_content(&response.contents)
            .filter(|content| body_form(content) == BodyForm::Json)
            .and_then(|content| content.ty.as_ref())
        else {
            return false;
        };
        self.large.contains(name.as_str())
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
            docs.push_sentence(format!("The `{}` header.", header.name.wire));
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
    pub(super) fn response_type(&mut self, response: &Response, success: bool) -> TokenStream {
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
}
