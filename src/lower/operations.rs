//! Paths and operations → `Operation`s: parameters (merged with the path item's, defaults for style
//! and explode filled in), request bodies, responses by status and media type, and security.

use std::collections::HashMap;

use openapiv3::{
    Components, Header, Operation as SpecOperation, Parameter as SpecParameter, ParameterData,
    ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody as SpecRequestBody,
    Response as SpecResponse, SecurityScheme as SpecScheme, StatusCode,
};

use super::Lowerer;
use super::docs::docs;
use super::pagination;
use super::refs::{Section, resolve};
use super::schema::SchemaView;
use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{
    Constraints, Content, Docs, Format, MediaKind, Method, Name, Operation, OperationTypes,
    Pagination, Parameter, ParameterLocation, RequestBody, Response, ResponseHeader, SecurityKind,
    SecurityRequirement, SecurityScheme, Status, Style, TypeRef,
};
use crate::naming::{Scope, method_name, type_name, value_name};

const PARAMETERS: Section<SpecParameter> = Section {
    name: "parameters",
    entries: |c: &Components| &c.parameters,
};
const REQUEST_BODIES: Section<SpecRequestBody> = Section {
    name: "requestBodies",
    entries: |c: &Components| &c.request_bodies,
};
const RESPONSES: Section<SpecResponse> = Section {
    name: "responses",
    entries: |c: &Components| &c.responses,
};
const HEADERS: Section<Header> = Section {
    name: "headers",
    entries: |c: &Components| &c.headers,
};
const SECURITY_SCHEMES: Section<SpecScheme> = Section {
    name: "securitySchemes",
    entries: |c: &Components| &c.security_schemes,
};

impl<'doc> Lowerer<'doc> {
    /// Every operation, in path order and then method order.
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let mut methods = Scope::default();
        let mut operation_ids: HashMap<&'doc str, Pointer> = HashMap::new();
        let mut method_owners: HashMap<String, &'doc str> = HashMap::new();
        for (path, item) in self.document.paths.iter() {
            let item_pointer = Pointer::root().join("paths").join(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.error(
                        Diagnostic::at(
                            self.file,
                            &item_pointer,
                            format!("path item `$ref` is not supported: `{reference}`"),
                        )
                        .help("write the path item in place"),
                    );
                    continue;
                }
            };
            for (method, operation) in item.iter() {
                let pointer = item_pointer.join(method);
                let wire_id = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{method} {path}"));
                if let Some(first) = &operation.operation_id {
                    if let Some(previous) = operation_ids.get(first.as_str()) {
                        self.error(
                            Diagnostic::at(
                                self.file,
                                &pointer.join("operationId"),
                                format!("duplicate operationId `{first}`"),
                            )
                            .help(format!(
                                "it is first used at {previous}; operationIds must be unique"
                            )),
                        );
                        continue;
                    }
                    operation_ids.insert(first, pointer.clone());
                }
                let rust = method_name(&wire_id);
                if !methods.try_claim(&rust) {
                    let other = method_owners.get(&rust).copied().unwrap_or_default();
                    self.error(
                        Diagnostic::at(self.file, &pointer, format!("operations `{other}` and `{wire_id}` both become the method `{rust}`"))
                            .help("give one of them an operationId that differs in more than punctuation and case"),
                    );
                    continue;
                }
                if let Some(id) = &operation.operation_id {
                    method_owners.insert(rust.clone(), id);
                } else {
                    method_owners.insert(rust.clone(), path);
                }
                let id = Name {
                    rust,
                    wire: wire_id,
                };
                if let Some(lowered) = self.operation(id, method, path, item, operation, &pointer) {
                    operations.push(lowered);
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        id: Name,
        method: &str,
        path: &str,
        item: &'doc PathItem,
        operation: &'doc SpecOperation,
        pointer: &Pointer,
    ) -> Option<Operation> {
        let method = match method {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            _ => Method::Trace,
        };
        let type_prefix = type_name(&id.wire);
        let parameters = self.parameters(item, operation, path, &type_prefix, pointer);
        let request_body = operation
            .request_body
            .as_ref()
            .and_then(|body| self.request_body(body, &type_prefix, &pointer.join("requestBody")));
        if operation.responses.responses.is_empty() && operation.responses.default.is_none() {
            self.error(
                Diagnostic::at(
                    self.file,
                    &pointer.join("responses"),
                    "operation documents no response",
                )
                .help("add at least one status code under `responses`"),
            );
        }
        let mut responses = Vec::new();
        for (status, response) in &operation.responses.responses {
            let (status, key) = match status {
                StatusCode::Code(code) => (Status::Code(*code), code.to_string()),
                StatusCode::Range(range) => (Status::Range(*range), format!("{range}XX")),
            };
            let hint = match status {
                Status::Code(200..=299) => format!("{type_prefix} response"),
                _ => format!("{type_prefix} {key} response"),
            };
            responses.push(self.response(
                status,
                response,
                &hint,
                &pointer.join("responses").join(&key),
            ));
        }
        if let Some(default) = &operation.responses.default {
            let hint = format!("{type_prefix} default response");
            responses.push(self.response(
                Status::Default,
                default,
                &hint,
                &pointer.join("responses").join("default"),
            ));
        }
        let mut responses: Vec<Response> = responses.into_iter().flatten().collect();
        let security = self.security(operation, pointer);
        let types = self.operation_types(&type_prefix, &parameters, &mut responses);
        let pagination = self.operation_pagination(
            operation,
            &parameters,
            &responses,
            request_body.is_some(),
            pointer,
        );
        Some(Operation {
            id,
            method,
            path: path.to_owned(),
            tags: operation.tags.clone(),
            summary: operation
                .summary
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            docs: docs(None, operation.description.as_deref()),
            parameters,
            request_body,
            responses,
            security,
            deprecated: operation.deprecated,
            types,
            pagination,
            group_name: group_name(operation),
            group: 0,
        })
    }

    /// Claims the names of the types generated code declares for one operation, and names its
    /// responses' variants.
    fn operation_types(
        &mut self,
        type_prefix: &str,
        parameters: &[Parameter],
        responses: &mut [Response],
    ) -> OperationTypes {
        let mut variants = Scope::default();
        for response in responses.iter_mut() {
            response.variant = variants.claim(status_variant(response.status));
        }
        let successes = responses.iter().filter(|r| r.status.is_success()).count();
        for response in responses.iter_mut() {
            if response.headers.is_empty() {
                continue;
            }
            let name = if response.status.is_success() && successes == 1 {
                format!("{type_prefix}Headers")
            } else {
                format!("{type_prefix}{}Headers", response.variant)
            };
            response.headers_type = Some(self.types.claim(name));
        }
        let has_optional = parameters.iter().any(|p| !p.required);
        // Without a 2XX response, `default` is the success (as the emitters read it), so only
        // the other statuses are errors.
        let has_errors = responses
            .iter()
            .any(|r| !r.status.is_success() && (successes > 0 || r.status != Status::Default));
        OperationTypes {
            params: has_optional.then(|| self.types.claim(format!("{type_prefix}Params"))),
            error: has_errors.then(|| self.types.claim(format!("{type_prefix}Error"))),
            success: (successes > 1).then(|| self.types.claim(format!("{type_prefix}Success"))),
            request: self.types.claim(format!("{type_prefix}Request")),
            reply: self.types.claim(format!("{type_prefix}Reply")),
        }
    }

    fn operation_pagination(
        &mut self,
        operation: &'doc SpecOperation,
        parameters: &[Parameter],
        responses: &[Response],
        has_body: bool,
        pointer: &Pointer,
    ) -> Option<Pagination> {
        let rule = pagination::rule(
            operation.extensions.get(pagination::EXTENSION),
            &self.pagination,
            false,
            self.file,
            &pointer.join(pagination::EXTENSION),
        )
        .and_then(|rule| {
            let operation = pagination::Candidate {
                parameters,
                responses,
                has_body,
            };
            pagination::pagination(&rule, &operation, self.file, pointer)
        });
        match rule {
            Ok(found) => found,
            Err(diagnostic) => {
                self.error(diagnostic);
                None
            }
        }
    }

    /// Path-level parameters followed by the operation's, an operation parameter replacing a
    /// path-level one with the same name and location.
    fn parameters(
        &mut self,
        item: &'doc PathItem,
        operation: &'doc SpecOperation,
        path: &str,
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Vec<Parameter> {
        let path_pointer = pointer.parent_of_operation();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(index, p)| (p, path_pointer.join("parameters").join(index)))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(index, p)| (p, pointer.join("parameters").join(index))),
            );
        let mut parameters: Vec<Parameter> = Vec::new();
        let mut scope = Scope::default();
        for (parameter, at) in sources {
            let Some(lowered) = self.parameter(parameter, type_prefix, &at) else {
                continue;
            };
            let same =
                |p: &Parameter| p.name.wire == lowered.name.wire && p.location == lowered.location;
            if let Some(existing) = parameters.iter_mut().find(|p| same(p)) {
                *existing = Parameter {
                    name: Name {
                        rust: existing.name.rust.clone(),
                        ..lowered.name.clone()
                    },
                    ..lowered
                };
                continue;
            }
            let rust = scope.claim(lowered.name.rust.clone());
            if lowered.location == ParameterLocation::Path
                && !path.contains(&format!("{{{}}}", lowered.name.wire))
            {
                self.error(
                    Diagnostic::at(
                        self.file,
                        &at,
                        format!(
                            "path parameter `{}` does not appear in the path `{path}`",
                            lowered.name.wire
                        ),
                    )
                    .help(format!(
                        "add `{{{}}}` to the path or change the parameter's `in`",
                        lowered.name.wire
                    )),
                );
            }
            parameters.push(Parameter {
                name: Name {
                    rust,
                    ..lowered.name.clone()
                },
                ..lowered
            });
        }
        for variable in path_variables(path) {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.name.wire == variable);
            if !declared {
                self.error(
                    Diagnostic::at(self.file, pointer, format!("the path uses `{{{variable}}}` but no path parameter `{variable}` is declared"))
                        .help(format!("add a parameter with `name: {variable}` and `in: path`")),
                );
            }
        }
        parameters
    }

    fn parameter(
        &mut self,
        parameter: &'doc ReferenceOr<SpecParameter>,
        type_prefix: &str,
        at: &Pointer,
    ) -> Option<Parameter> {
        let resolved = match resolve(
            self.file,
            self.document.components.as_ref(),
            &PARAMETERS,
            parameter,
            at,
        ) {
            Ok(resolved) => resolved,
            Err(diagnostic) => {
                self.error(diagnostic);
                return None;
            }
        };
        let (data, location, style, explode_default) = match resolved.item {
            SpecParameter::Query {
                parameter_data,
                style,
                ..
            } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => Style::Form,
                    openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => Style::DeepObject,
                };
                (
                    parameter_data,
                    ParameterLocation::Query,
                    style,
                    style == Style::Form,
                )
            }
            SpecParameter::Path {
                parameter_data,
                style,
            } => {
                let style = match style {
                    openapiv3::PathStyle::Matrix => Style::Matrix,
                    openapiv3::PathStyle::Label => Style::Label,
                    openapiv3::PathStyle::Simple => Style::Simple,
                };
                (parameter_data, ParameterLocation::Path, style, false)
            }
            SpecParameter::Header { parameter_data, .. } => (
                parameter_data,
                ParameterLocation::Header,
                Style::Simple,
                false,
            ),
            SpecParameter::Cookie { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Cookie, Style::Form, true)
            }
        };
        let hint = match resolved.component {
            Some(key) => key.to_owned(),
            None => format!("{type_prefix} {}", data.name),
        };
        let ty = self.parameter_type(data, &hint, &resolved.pointer);
        // A parameter declared with a JSON `content` travels as the JSON text of its value.
        let style = match &data.format {
            ParameterSchemaOrContent::Content(content)
                if content
                    .keys()
                    .next()
                    .is_some_and(|media| media_kind(media) == MediaKind::Json) =>
            {
                Style::Json
            }
            _ => style,
        };
        let mut constraints = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let at = resolved.pointer.join("schema");
                self.constraints_of(SchemaView::from(schema), &at)
            }
            ParameterSchemaOrContent::Content(_) => Constraints::default(),
        };
        // `format: uri` on a parameter has its own check (`check_uri`).
        if constraints.format == Some(Format::Uri) {
            constraints.format = None;
        }
        Some(Parameter {
            name: Name {
                rust: value_name(&data.name),
                wire: data.name.clone(),
            },
            location,
            required: data.required || location == ParameterLocation::Path,
            ty,
            style,
            explode: data.explode.unwrap_or(explode_default),
            docs: parameter_docs(data),
            uri: is_uri(data),
            constraints,
            deprecated: data.deprecated.unwrap_or(false),
        })
    }

    fn parameter_type(
        &mut self,
        data: &'doc ParameterData,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.parameter_schema_type(schema, hint, &pointer.join("schema"))
            }
            ParameterSchemaOrContent::Content(content) => {
                let mut entries = content.iter();
                let (Some((media_type, media)), None) = (entries.next(), entries.next()) else {
                    self.error(
                        Diagnostic::at(
                            self.file,
                            &pointer.join("content"),
                            "a parameter's `content` must hold exactly one media type",
                        )
                        .help("keep the one media type the parameter is sent in"),
                    );
                    return TypeRef::Json;
                };
                match &media.schema {
                    Some(schema) => self.parameter_schema_type(
                        schema,
                        hint,
                        &pointer.join("content").join(media_type).join("schema"),
                    ),
                    None if media_kind(media_type) == MediaKind::Json => TypeRef::Json,
                    None => TypeRef::Primitive(crate::ir::Primitive::String),
                }
            }
        }
    }

    /// Like `shared_type`, but an inline array's items are named after the parameter itself:
    /// `field` in `ComponentUserUsageField` gives `Vec<ComponentUserUsageField>`, not `…FieldItem`.
    fn parameter_schema_type(
        &mut self,
        schema: &'doc ReferenceOr<openapiv3::Schema>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        if let ReferenceOr::Item(openapiv3::Schema {
            schema_kind:
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(openapiv3::ArrayType {
                    items: Some(items),
                    ..
                })),
            ..
        }) = schema
        {
            let item = self.shared_type(SchemaView::from(items), hint, &pointer.join("items"));
            return TypeRef::Array(Box::new(item));
        }
        self.shared_type(SchemaView::from(schema), hint, pointer)
    }

    /// The type of a schema slot that may sit inside a shared component; derived once per slot.
    fn shared_type(&mut self, schema: SchemaView<'doc>, hint: &str, pointer: &Pointer) -> TypeRef {
        let key = pointer.to_string();
        if let Some(ty) = self.shared_types.get(&key) {
            return ty.clone();
        }
        let ty = self.type_of(schema, hint, pointer);
        self.shared_types.insert(key, ty.clone());
        ty
    }

    fn request_body(
        &mut self,
        body: &'doc ReferenceOr<SpecRequestBody>,
        type_prefix: &str,
        at: &Pointer,
    ) -> Option<RequestBody> {
        let resolved = match resolve(
            self.file,
            self.document.components.as_ref(),
            &REQUEST_BODIES,
            body,
            at,
        ) {
            Ok(resolved) => resolved,
            Err(diagnostic) => {
                self.error(diagnostic);
                return None;
            }
        };
        if resolved.item.content.is_empty() {
            self.error(
                Diagnostic::at(
                    self.file,
                    &resolved.pointer,
                    "request body has no media type",
                )
                .help("add content.\"application/json\".schema"),
            );
            return None;
        }
        let hint = resolved
            .component
            .map_or_else(|| format!("{type_prefix} body"), str::to_owned);
        let contents = self.contents(
            &resolved.item.content,
            &hint,
            &resolved.pointer.join("content"),
        );
        Some(RequestBody {
            required: resolved.item.required,
            docs: docs(None, resolved.item.description.as_deref()),
            contents,
        })
    }

    fn response(
        &mut self,
        status: Status,
        response: &'doc ReferenceOr<SpecResponse>,
        hint: &str,
        at: &Pointer,
    ) -> Option<Response> {
        let resolved = match resolve(
            self.file,
            self.document.components.as_ref(),
            &RESPONSES,
            response,
            at,
        ) {
            Ok(resolved) => resolved,
            Err(diagnostic) => {
                self.error(diagnostic);
                return None;
            }
        };
        let hint = resolved
            .component
            .map_or_else(|| hint.to_owned(), str::to_owned);
        let mut headers = Vec::new();
        let mut scope = Scope::default();
        for (name, header) in &resolved.item.headers {
            let header_at = resolved.pointer.join("headers").join(name);
            let header = match resolve(
                self.file,
                self.document.components.as_ref(),
                &HEADERS,
                header,
                &header_at,
            ) {
                Ok(header) => header,
                Err(diagnostic) => {
                    self.error(diagnostic);
                    continue;
                }
            };
            let header_hint = header
                .component
                .map_or_else(|| format!("{hint} {name}"), str::to_owned);
            let ty = match &header.item.format {
                ParameterSchemaOrContent::Schema(schema) => self.shared_type(
                    SchemaView::from(schema),
                    &header_hint,
                    &header.pointer.join("schema"),
                ),
                ParameterSchemaOrContent::Content(_) => {
                    TypeRef::Primitive(crate::ir::Primitive::String)
                }
            };
            headers.push(ResponseHeader {
                name: Name {
                    rust: scope.claim(value_name(name)),
                    wire: name.clone(),
                },
                required: header.item.required,
                ty,
                docs: docs(None, header.item.description.as_deref()),
            });
        }
        let contents = self.contents(
            &resolved.item.content,
            &hint,
            &resolved.pointer.join("content"),
        );
        Some(Response {
            status,
            variant: String::new(),
            headers_type: None,
            docs: docs(None, Some(&resolved.item.description)),
            headers,
            contents,
        })
    }

    fn contents(
        &mut self,
        content: &'doc openapiv3::Content,
        hint: &str,
        pointer: &Pointer,
    ) -> Vec<Content> {
        content
            .iter()
            .map(|(media_type, media)| {
                let ty = media.schema.as_ref().map(|schema| {
                    self.shared_type(
                        SchemaView::from(schema),
                        hint,
                        &pointer.join(media_type).join("schema"),
                    )
                });
                let constraints = match &media.schema {
                    Some(schema) => {
                        let at = pointer.join(media_type).join("schema");
                        self.constraints_of(SchemaView::from(schema), &at)
                    }
                    None => Constraints::default(),
                };
                Content {
                    media_type: media_type.clone(),
                    kind: media_kind(media_type),
                    ty,
                    constraints,
                }
            })
            .collect()
    }

    fn security(
        &mut self,
        operation: &'doc SpecOperation,
        pointer: &Pointer,
    ) -> Vec<SecurityRequirement> {
        let (requirements, at) = match &operation.security {
            Some(requirements) => (requirements, pointer.join("security")),
            None => match &self.document.security {
                Some(requirements) => (requirements, Pointer::root().join("security")),
                None => return Vec::new(),
            },
        };
        let known = self
            .document
            .components
            .as_ref()
            .map(|c| &c.security_schemes);
        let mut lowered = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            for name in requirement.keys() {
                if !known.is_some_and(|schemes| schemes.contains_key(name)) {
                    self.error(
                        Diagnostic::at(
                            self.file,
                            &at.join(index),
                            format!("unknown security scheme `{name}`"),
                        )
                        .help(format!(
                            "define `{name}` under `components.securitySchemes`"
                        )),
                    );
                }
            }
            lowered.push(SecurityRequirement {
                schemes: requirement.keys().cloned().collect(),
            });
        }
        lowered
    }

    /// The spec's security schemes, in document order.
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.document.components else {
            return Vec::new();
        };
        let mut scope = Scope::default();
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let at = Pointer::root()
                .join("components")
                .join("securitySchemes")
                .join(key);
            let scheme = match resolve(self.file, Some(components), &SECURITY_SCHEMES, scheme, &at)
            {
                Ok(resolved) => resolved.item,
                Err(diagnostic) => {
                    self.error(diagnostic);
                    continue;
                }
            };
            let (kind, description) = match scheme {
                SpecScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ParameterLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParameterLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParameterLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            parameter: name.clone(),
                        },
                        description,
                    )
                }
                SpecScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => (
                    SecurityKind::Http {
                        scheme: scheme.to_ascii_lowercase(),
                    },
                    description,
                ),
                SpecScheme::OAuth2 {
                    flows, description, ..
                } => {
                    let token_urls = [
                        flows.password.as_ref().map(|f| &f.token_url),
                        flows.client_credentials.as_ref().map(|f| &f.token_url),
                        flows.authorization_code.as_ref().map(|f| &f.token_url),
                    ];
                    let mut urls: Vec<String> = Vec::new();
                    for url in token_urls.into_iter().flatten() {
                        if !urls.contains(url) {
                            urls.push(url.clone());
                        }
                    }
                    (SecurityKind::OAuth2 { token_urls: urls }, description)
                }
                SpecScheme::OpenIDConnect {
                    open_id_connect_url,
                    description,
                    ..
                } => (
                    SecurityKind::OpenIdConnect {
                        url: open_id_connect_url.clone(),
                    },
                    description,
                ),
            };
            schemes.push(SecurityScheme {
                name: Name {
                    rust: scope.claim(value_name(key)),
                    wire: key.clone(),
                },
                kind,
                docs: docs(None, description.as_deref()),
            });
        }
        schemes
    }
}

/// The spec's word for an operation's feature group: `x-apigen-feature`, else its first tag.
fn group_name(operation: &openapiv3::Operation) -> Option<String> {
    let extensions = &operation.extensions;
    let named = extensions.get(super::features::EXTENSION);
    let named = named.or_else(|| extensions.get(super::features::EXTENSION_PLURAL));
    let named = named.and_then(|value| value.as_str()).map(str::to_owned);
    named.or_else(|| operation.tags.first().cloned())
}

/// Whether a parameter's inline schema is a string with `format: uri`.
fn is_uri(data: &ParameterData) -> bool {
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format else {
        return false;
    };
    matches!(
        &schema.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(openapiv3::StringType {
            format: openapiv3::VariantOrUnknownOrEmpty::Unknown(format),
            ..
        })) if format == "uri"
    )
}

fn parameter_docs(data: &ParameterData) -> Docs {
    let mut docs = docs(None, data.description.as_deref());
    if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format {
        if let Some(constraints) = super::docs::constraints(schema) {
            docs.push_paragraph(constraints);
        }
    }
    docs
}

/// The variant name of a response: the status's reason phrase in upper camel case (`BadRequest`),
/// `Status418` for codes without a common phrase, `ClientError` for `4XX`, `Default`.
fn status_variant(status: Status) -> String {
    let code = match status {
        Status::Code(code) => code,
        Status::Range(1) => return "Informational".to_owned(),
        Status::Range(2) => return "Success".to_owned(),
        Status::Range(3) => return "Redirection".to_owned(),
        Status::Range(4) => return "ClientError".to_owned(),
        Status::Range(5) => return "ServerError".to_owned(),
        Status::Range(first) => return format!("Status{first}xx"),
        Status::Default => return "Default".to_owned(),
    };
    let reason = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        421 => "MisdirectedRequest",
        422 => "UnprocessableContent",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        511 => "NetworkAuthenticationRequired",
        _ => return format!("Status{code}"),
    };
    reason.to_owned()
}

/// `{name}` variables of a path template, in order.
fn path_variables(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// How a media type is encoded: JSON for `application/json` and any `+json` suffix.
pub fn media_kind(media_type: &str) -> MediaKind {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        MediaKind::Json
    } else if essence.starts_with("text/") {
        MediaKind::Text
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if essence.starts_with("multipart/") {
        MediaKind::Multipart
    } else {
        MediaKind::Binary
    }
}

impl Pointer {
    /// `#/paths/~1a/get` → `#/paths/~1a`.
    fn parent_of_operation(&self) -> Pointer {
        let text = self.to_string();
        let trimmed = text
            .rsplit_once('/')
            .map_or(text.as_str(), |(parent, _)| parent);
        Pointer::from_fragment(trimmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kinds() {
        assert_eq!(
            media_kind("application/vnd.graal.systems.v1.usage+json"),
            MediaKind::Json
        );
        assert_eq!(
            media_kind("application/json; charset=utf-8"),
            MediaKind::Json
        );
        assert_eq!(media_kind("text/plain"), MediaKind::Text);
        assert_eq!(media_kind("application/octet-stream"), MediaKind::Binary);
    }

    #[test]
    fn path_variables_in_order() {
        assert_eq!(
            path_variables("/a/{id}/b/{uuid}/").collect::<Vec<_>>(),
            ["id", "uuid"]
        );
    }
}
