//! The intermediate representation: what the emitters see of a spec.
//!
//! `lower` builds it from `openapiv3` types and is the only module that reads them; emitters read
//! only this. Every name is already a Rust identifier paired with its wire spelling, every `$ref` is
//! resolved, and every list is in document order, so emitting is a pure walk.

pub use crate::naming::Name;

/// One API: everything generated from one spec file.
#[derive(Debug, Clone)]
pub struct Api {
    /// The Rust module name (`waldur`) and the spec file stem it came from.
    pub module: Name,
    /// The spec file as the user names it, e.g. `spec/waldur.yaml`.
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`, dedented.
    pub docs: Docs,
    /// Server URLs in document order.
    pub servers: Vec<String>,
    /// Named types: component schemas first, then types derived from inline schemas.
    pub models: Vec<Model>,
    /// Operations in path order, then method order within a path.
    pub operations: Vec<Operation>,
    /// Security schemes in document order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The groups operations are compiled in, each behind a cargo feature, in first-use order.
    pub groups: Vec<Group>,
    /// The feature of the schemas no operation uses (`waldur-other-schemas`) and the module of
    /// their models file, if there are any.
    pub other_schemas: Option<Group>,
}

/// A group of operations behind one cargo feature: a tag, a path's first segment, or what
/// `x-apigen-feature` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The cargo feature (`waldur-marketplace`), unique in the crate.
    pub feature: String,
    /// The module its client and server code goes in (`marketplace`), unique in the API.
    pub module: String,
    /// What it was made from, for the docs (`the \`marketplace\` tag`).
    pub source: String,
}

impl Api {
    /// The security schemes some operation names, in document order: the ones generated code
    /// has credentials for.
    pub fn used_security_schemes(&self) -> impl Iterator<Item = &SecurityScheme> {
        self.security_schemes.iter().filter(|scheme| {
            self.operations.iter().any(|operation| {
                let mut requirements = operation.security.iter();
                requirements.any(|requirement| requirement.schemes.contains(&scheme.name.wire))
            })
        })
    }
}

/// Documentation lines, already dedented and trimmed; empty when the spec says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// One entry per line; paragraphs are separated by empty entries.
    pub lines: Vec<String>,
}

/// A named Rust type.
#[derive(Debug, Clone)]
pub struct Model {
    /// The type name and the schema name (or derived name) it came from.
    pub name: Name,
    /// From the schema's title and description.
    pub docs: Docs,
    /// What kind of type it is.
    pub kind: ModelKind,
    /// Whether a value of it is large (about 160 bytes or more, estimated): an enum variant
    /// holding one is boxed, so the enum is not that large for every value.
    pub large: bool,
    /// The cargo features of the groups whose operations reach it, sorted; empty when it is
    /// compiled whatever the features (reached by every group, or by none).
    pub features: Vec<String>,
    /// What the schema allows of a value beyond its Rust type: an alias's value constraints,
    /// a struct's property counts and `additionalProperties: false`.
    pub constraints: Constraints,
}

/// What a schema allows of a value beyond its Rust type, which a server checks before the
/// implementation sees the value. Empty (the default) for most schemas.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`, when the `regex` crate compiles it (others are warned about and left out).
    pub pattern: Option<String>,
    /// A string `format` the type does not already enforce.
    pub format: Option<Format>,
    /// `minimum`, and whether it is exclusive.
    pub minimum: Option<(Number, bool)>,
    /// `maximum`, and whether it is exclusive.
    pub maximum: Option<(Number, bool)>,
    /// `multipleOf`.
    pub multiple_of: Option<Number>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `additionalProperties: false`: keys the schema does not name are refused.
    pub closed: bool,
    /// `readOnly: true`: refused in requests.
    pub read_only: bool,
    /// `writeOnly: true`: never sent in replies.
    pub write_only: bool,
    /// The constraints of each item (arrays) or value (maps), when the item's type is not a
    /// model (a model carries its own).
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A bound or step as the schema writes it: integer schemas' exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer schema's value.
    Int(i64),
    /// A number schema's value.
    Float(f64),
}

/// String formats a server checks that the Rust type does not (`uuid`, `date` and
/// `date-time` have types of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `email`.
    Email,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `byte`: base64.
    Byte,
    /// `uri`.
    Uri,
}

/// The shapes a named type takes.
#[derive(Debug, Clone)]
pub enum ModelKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum that keeps unknown values.
    Enum(StringEnum),
    /// Another name for a type (a `$ref` to another schema, a map, an array, a primitive).
    Alias(TypeRef),
    /// A transparent wrapper around a type: used instead of an alias where aliases would refer
    /// to themselves (`Tree = Vec<Tree>`), which Rust does not allow.
    Newtype(TypeRef),
    /// `oneOf` or `anyOf` with several members: a value is the first member it reads as, or,
    /// with a `discriminator`, the member its tag names.
    Union(Union),
}

impl ModelKind {
    /// The types a model of this shape holds: its fields' and extra properties', its target's
    /// or its members'.
    pub fn types(&self) -> Vec<&TypeRef> {
        match self {
            ModelKind::Struct(shape) => {
                let mut types: Vec<&TypeRef> = shape.fields.iter().map(|field| &field.ty).collect();
                types.extend(
                    shape
                        .additional_properties
                        .as_ref()
                        .map(|extra| &extra.value),
                );
                types
            }
            ModelKind::Enum(_) => Vec::new(),
            ModelKind::Alias(target) | ModelKind::Newtype(target) => vec![target],
            ModelKind::Union(union) => union.variants.iter().map(|variant| &variant.ty).collect(),
        }
    }
}

/// A `oneOf` or `anyOf` with several members.
#[derive(Debug, Clone)]
pub struct Union {
    /// The members in document order (the order an untagged union tries them in), then any
    /// schema the discriminator's mapping names that is not a member.
    pub variants: Vec<UnionVariant>,
    /// The `discriminator`'s `propertyName`, when the member is chosen by it: every variant's
    /// type is a component schema that declares the property, and each variant lists its tag
    /// values. `None` for an untagged union, read by shape.
    pub tag_property: Option<String>,
    /// The `discriminator`'s `propertyName` when there is one but the union is read by shape all
    /// the same (a member is written inline, or does not declare the property), so the docs say so.
    pub unused_tag_property: Option<String>,
}

/// One member of a `oneOf` or `anyOf`.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The variant's name: the member's type name, or a word for a built-in type (`String`).
    pub name: String,
    /// The member's type.
    pub ty: TypeRef,
    /// Whether the variant must be boxed because its type contains this union again.
    pub boxed: bool,
    /// The tag values that select this variant, in document order (mapping entries first, then
    /// the implicit one, the schema's name); empty in an untagged union. Each value selects one
    /// variant only.
    pub tags: Vec<String>,
}

/// An object schema.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Properties in document order.
    pub fields: Vec<Field>,
    /// `additionalProperties`: the value type of extra keys, kept in a flattened map.
    pub additional_properties: Option<AdditionalProperties>,
}

/// Where the extra keys of an object go.
#[derive(Debug, Clone)]
pub struct AdditionalProperties {
    /// The field holding them (`additional_properties` unless a property took that name).
    pub field: String,
    /// The type of each value.
    pub value: TypeRef,
}

/// One property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// Field name and JSON key.
    pub name: Name,
    /// The value's type, without the `Option` that `presence` adds.
    pub ty: TypeRef,
    /// Whether the key may be absent, the value null, or both.
    pub presence: Presence,
    /// Whether the field must be boxed because its type contains this struct again.
    pub boxed: bool,
    /// Description plus a line naming constraints and access (read-only, write-only).
    pub docs: Docs,
    /// What the property's schema allows beyond its type (a `$ref`'s are its model's).
    pub constraints: Constraints,
}

/// How a property may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null.
    Required,
    /// Always present, may be null.
    RequiredNullable,
    /// May be absent, never null.
    Optional,
    /// May be absent or null, and the two are different (`Option<Option<T>>`).
    OptionalNullable,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// Known values in document order.
    pub variants: Vec<Name>,
    /// The name of the variant that carries unknown values (`Other` unless a value took it).
    pub other_variant: String,
}

/// A reference to a type, as it appears in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A model of this API, by its Rust name.
    Named(String),
    /// A built-in or well-known type.
    Primitive(Primitive),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Json,
}

impl TypeRef {
    /// The model this type refers to, through any arrays and maps (`Vec<Usage>` → `Usage`).
    pub fn model(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.model(),
            TypeRef::Primitive(_) | TypeRef::Json => None,
        }
    }
}

/// The leaf types that a schema's `type` and `format` map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64`, or no format).
    I64,
    /// `f64` (`format: double`, `format: float`, or no format).
    F64,
    /// `rust_decimal::Decimal`, a decimal string on the wire (`type: string, format: decimal`).
    Decimal,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `chrono::DateTime<Utc>` (`format: date-time`).
    DateTime,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// The runtime's `Binary`, raw bytes (`format: binary`).
    Binary,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Method name (snake case) and the operationId.
    pub id: Name,
    /// The HTTP method.
    pub method: Method,
    /// The path template exactly as the spec writes it (`/api/usages/{id}/`).
    pub path: String,
    /// Tags in document order; the first one groups server traits.
    pub tags: Vec<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`, dedented.
    pub docs: Docs,
    /// Path-level and operation-level parameters merged, in document order.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// Responses in document order.
    pub responses: Vec<Response>,
    /// Alternatives: any one requirement satisfies the operation; empty means no authentication.
    pub security: Vec<SecurityRequirement>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Names of the types generated code declares for this operation, claimed in the API's type
    /// namespace so they never collide with a model.
    pub types: OperationTypes,
    /// Set when the operation returns one page of a page-numbered list.
    pub pagination: Option<Pagination>,
    /// What groups it: `x-apigen-feature`, else its first tag; `None` leaves it to its path.
    pub group_name: Option<String>,
    /// Its group, an index into `Api::groups`.
    pub group: usize,
}

/// Type names declared per operation; each optional one is `None` when the operation needs none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationTypes {
    /// The struct of optional parameters (`FindUsagesParams`).
    pub params: Option<String>,
    /// The enum of documented error responses (`CreateUsageError`).
    pub error: Option<String>,
    /// The enum of success responses, when there are several (`CreateUsageSuccess`).
    pub success: Option<String>,
    /// The server's parsed request (`CreateUsageRequest`).
    pub request: String,
    /// The server's reply enum, a variant per documented response (`CreateUsageReply`).
    pub reply: String,
}

/// How a paginated list operation pages: by page number, with an optional page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The page-number query parameter (Rust field and wire name).
    pub page: Name,
    /// The page-size query parameter, if the operation has one.
    pub page_size: Option<Name>,
    /// The type of one item of a page.
    pub item: TypeRef,
}

/// HTTP methods OpenAPI 3.0 allows.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Argument name and the parameter's wire name.
    pub name: Name,
    /// Where it goes.
    pub location: ParameterLocation,
    /// `required` (always true for path parameters).
    pub required: bool,
    /// The value's type.
    pub ty: TypeRef,
    /// Serialization style, with the spec's default for the location filled in.
    pub style: Style,
    /// `explode`, with the default for the style filled in.
    pub explode: bool,
    /// `description`.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Whether the value is a string with `format: uri`, which a server checks.
    pub uri: bool,
    /// What the parameter's schema allows beyond its type.
    pub constraints: Constraints,
}

/// Where a parameter or API key is sent.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// OpenAPI 3.0 parameter styles.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Simple,
    Form,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// The value as JSON text, for a parameter declared with an `application/json` `content`
    /// instead of a `schema` (`?filter={"status":"open"}`, percent-encoded).
    Json,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// `required`.
    pub required: bool,
    /// `description`.
    pub docs: Docs,
    /// One entry per media type, in document order.
    pub contents: Vec<Content>,
}

/// A body in one media type.
#[derive(Debug, Clone)]
pub struct Content {
    /// The media type exactly as the spec writes it.
    pub media_type: String,
    /// How the body is encoded.
    pub kind: MediaKind,
    /// The decoded type; `None` when the spec gives no schema.
    pub ty: Option<TypeRef>,
    /// What the schema allows beyond its type (a request body's are checked by servers).
    pub constraints: Constraints,
}

/// Encodings the generated code knows how to read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `application/json` and every `+json` suffix.
    Json,
    /// `text/*`.
    Text,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// Anything else, as raw bytes.
    Binary,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status it is for.
    pub status: Status,
    /// The variant name for this response (`Ok`, `BadRequest`, `Status418`, `Default`).
    pub variant: String,
    /// The struct holding the declared headers, when there are any (`FindUsagesHeaders`).
    pub headers_type: Option<String>,
    /// `description`.
    pub docs: Docs,
    /// Declared response headers.
    pub headers: Vec<ResponseHeader>,
    /// Bodies by media type; empty when the response has no documented body.
    pub contents: Vec<Content>,
}

/// The status key of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// An exact code such as `200`.
    Code(u16),
    /// A range such as `4XX` (the number is the first digit).
    Range(u16),
    /// `default`.
    Default,
}

impl Status {
    /// Whether the status is a success (2xx): the operation's result rather than an error.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(first) => first == 2,
            Status::Default => false,
        }
    }
}

/// A declared response header.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// Field name and header name.
    pub name: Name,
    /// `required`.
    pub required: bool,
    /// The value's type.
    pub ty: TypeRef,
    /// `description`.
    pub docs: Docs,
}

/// A security scheme from `components.securitySchemes`.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Rust name and the scheme's key.
    pub name: Name,
    /// How credentials are sent.
    pub kind: SecurityKind,
    /// `description`.
    pub docs: Docs,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// An API key in a header, query parameter or cookie, sent as given.
    ApiKey {
        /// Where the key goes.
        location: ParameterLocation,
        /// The header, query or cookie name.
        parameter: String,
    },
    /// HTTP authentication (`bearer`, `basic`, …) in the `Authorization` header.
    Http {
        /// The scheme, lowercased (`bearer`).
        scheme: String,
    },
    /// OAuth2: a bearer access token obtained from one of the flows.
    OAuth2 {
        /// Token URLs of the flows that have one, in document order.
        token_urls: Vec<String>,
    },
    /// OpenID Connect: a bearer token.
    OpenIdConnect {
        /// The discovery URL.
        url: String,
    },
}

/// One alternative of an operation's `security`: every named scheme is required together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// Keys of the schemes, as in `components.securitySchemes`.
    pub schemes: Vec<String>,
}
