//! Schemas → models and type references.
//!
//! A schema that needs a Rust type of its own (an object with properties, a string enum, an
//! `allOf`) becomes a `Model`: component schemas under their own name, inline ones under a name
//! derived from where they appear (`Usage` + `dimensions` → `UsageDimensions`). Everything else maps
//! straight to a `TypeRef`.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Discriminator, ReferenceOr, Schema, SchemaKind, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use super::docs::{constraints, docs};
use super::refs::component_key;
use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{
    self, Field, Model, ModelKind, Name, Presence, Primitive, StringEnum, Struct, TypeRef, Union,
    UnionVariant,
};
use crate::naming::{Scope, type_name, value_name, variant_name};

/// Either kind of schema slot `openapiv3` has (`ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`).
#[derive(Clone, Copy)]
pub enum SchemaView<'doc> {
    /// A `$ref`.
    Ref(&'doc str),
    /// A schema written in place.
    Inline(&'doc Schema),
}

impl<'doc> From<&'doc ReferenceOr<Schema>> for SchemaView<'doc> {
    fn from(schema: &'doc ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaView::Ref(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }
}

impl<'doc> From<&'doc ReferenceOr<Box<Schema>>> for SchemaView<'doc> {
    fn from(schema: &'doc ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaView::Ref(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }
}

/// The object-shaped pieces a struct is built from (one, or several for `allOf`).
struct ObjectPart<'doc> {
    properties: &'doc IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'doc [String],
    additional: Option<&'doc AdditionalProperties>,
    pointer: Pointer,
}

/// How deep `allOf` may nest through `$ref`s before it is treated as a cycle.
const MAX_ALL_OF_DEPTH: usize = 32;

impl<'doc> Lowerer<'doc> {
    /// Claims a type name for every component schema, reporting names that collide.
    pub(super) fn register_component_schemas(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        let mut claimed_by: std::collections::HashMap<String, &str> =
            std::collections::HashMap::new();
        for key in components.schemas.keys() {
            let rust = type_name(key);
            if self.types.try_claim(&rust) {
                claimed_by.insert(rust.clone(), key);
                self.schema_types.insert(key.as_str(), rust);
            } else {
                let first = claimed_by.get(&rust).copied().unwrap_or_default();
                let pointer = Pointer::root().join("components").join("schemas").join(key);
                self.error(
                    Diagnostic::at(self.file, &pointer, format!("schemas `{first}` and `{key}` both become the Rust type `{rust}`"))
                        .help("rename one of the schemas so their names differ in more than punctuation and case"),
                );
            }
        }
    }

    /// Lowers every component schema into a model, in document order.
    pub(super) fn lower_component_schemas(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let Some(name) = self.schema_types.get(key.as_str()).cloned() else {
                continue;
            };
            let pointer = Pointer::root().join("components").join("schemas").join(key);
            match schema {
                ReferenceOr::Reference { reference } => {
                    self.check_alias_cycle(key, &pointer);
                    let target = self.schema_ref(reference, &pointer);
                    let wire = Name {
                        rust: name,
                        wire: key.clone(),
                    };
                    self.models.push(Model {
                        name: wire,
                        docs: ir::Docs::default(),
                        kind: ModelKind::Alias(target),
                        large: false,
                        features: Vec::new(),
                        constraints: ir::Constraints::default(),
                    });
                }
                ReferenceOr::Item(schema) => self.define(
                    Name {
                        rust: name,
                        wire: key.clone(),
                    },
                    schema,
                    &pointer,
                ),
            }
        }
    }

    /// One variant per member, in document order (the order serde tries them in), each named
    /// after its type; inline members get types named `{name} option {n}`.
    fn union_variants(
        &mut self,
        name: &str,
        key: &str,
        members: &'doc [ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Vec<UnionVariant> {
        let mut names = Scope::default();
        members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                let hint = format!("{name} option {}", index + 1);
                let ty = self.type_of(
                    SchemaView::from(member),
                    &hint,
                    &pointer.join(key).join(index),
                );
                UnionVariant {
                    name: names.claim(variant_name_in(name, &ty)),
                    ty,
                    boxed: false,
                    tags: Vec::new(),
                }
            })
            .collect()
    }

    /// Gives each variant of a union with a `discriminator` the tag values that select it: the
    /// mapping's values for the members it names, their schema names for the others (each value
    /// selects the first variant that claims it). A schema the mapping names that is not a member
    /// becomes a variant of its own after the members, so a value carrying its tag is read as the
    /// mapping says. Returns the tag property, or `None` when the union must stay untagged,
    /// read by shape: a member written inline has no name to be its tag, and a member that does
    /// not declare the property as a field would not write the tag back.
    fn tag_variants(
        &mut self,
        union_name: &str,
        discriminator: &'doc Discriminator,
        members: &'doc [ReferenceOr<Schema>],
        variants: &mut Vec<UnionVariant>,
        pointer: &Pointer,
    ) -> Option<String> {
        let property = discriminator.property_name.as_str();
        let mut implicit_tags = Vec::new();
        for member in members {
            let ReferenceOr::Reference { reference } = member else {
                return None;
            };
            let key = reference.strip_prefix("#/components/schemas/")?;
            let schema = self.component_schema(reference)?;
            if self.object_declares(schema, property, 0) != Some(true) {
                return None;
            }
            implicit_tags.push(key);
        }
        let mut variant_names = Scope::default();
        // Each model's first variant, so finding a mapping entry's variant is one lookup.
        let mut slot_of: HashMap<String, usize> = HashMap::new();
        for (slot, variant) in variants.iter().enumerate() {
            variant_names.try_claim(&variant.name);
            if let TypeRef::Named(model) = &variant.ty {
                slot_of.entry(model.clone()).or_insert(slot);
            }
        }
        let mut claimed: HashSet<&str> = HashSet::new();
        let mut mapped = vec![false; variants.len()];
        let mapping_pointer = pointer.join("discriminator").join("mapping");
        for (tag, target) in &discriminator.mapping {
            // A mapping value is a `$ref` or, as OpenAPI allows, a bare schema name.
            let reference = if target.starts_with('#') || target.contains('/') {
                target.clone()
            } else {
                format!("#/components/schemas/{target}")
            };
            let entry_pointer = mapping_pointer.join(tag);
            let named = reference
                .strip_prefix("#/components/schemas/")
                .filter(|key| !key.contains('/'));
            if let Some(key) = named {
                let exists = self
                    .document
                    .components
                    .as_ref()
                    .is_some_and(|components| components.schemas.contains_key(key));
                if !exists {
                    self.error(
                        Diagnostic::at(
                            self.file,
                            &entry_pointer,
                            format!("the discriminator's mapping names no schema: `{target}`"),
                        )
                        .help(format!(
                            "define `{key}` under `components.schemas`, or map `{tag}` to a schema that is there"
                        )),
                    );
                    continue;
                }
            }
            let ty = self.schema_ref(&reference, &entry_pointer);
            let TypeRef::Named(model) = &ty else {
                continue; // `schema_ref` said why
            };
            let slot = match slot_of.get(model) {
                Some(&slot) => slot,
                None => {
                    let declares = self
                        .component_schema(&reference)
                        .and_then(|schema| self.object_declares(schema, property, 0));
                    if declares != Some(true) {
                        continue; // it could not write its tag back: the tag stays unknown
                    }
                    slot_of.insert(model.clone(), variants.len());
                    variants.push(UnionVariant {
                        name: variant_names.claim(variant_name_in(union_name, &ty)),
                        ty: ty.clone(),
                        boxed: false,
                        tags: Vec::new(),
                    });
                    variants.len() - 1
                }
            };
            if let Some(flag) = mapped.get_mut(slot) {
                *flag = true;
            }
            if claimed.insert(tag.as_str()) {
                if let Some(variant) = variants.get_mut(slot) {
                    variant.tags.push(tag.clone());
                }
            }
        }
        // Members the mapping does not name are tagged with their schema's name.
        for (slot, key) in implicit_tags.into_iter().enumerate() {
            if mapped.get(slot) == Some(&false) && claimed.insert(key) {
                if let Some(variant) = variants.get_mut(slot) {
                    variant.tags.push(key.to_owned());
                }
            }
        }
        Some(property.to_owned())
    }

    /// Whether `schema`, lowered, is a struct with a field for `property`: `None` when it is not
    /// object-shaped at all. Follows `allOf` and its `$ref`s as `object_parts` does.
    fn object_declares(&self, schema: &'doc Schema, property: &str, depth: usize) -> Option<bool> {
        if depth > MAX_ALL_OF_DEPTH {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                Some(object.properties.contains_key(property))
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || !any.all_of.is_empty() =>
            {
                let members = self.all_of_declares(&any.all_of, property, depth)?;
                Some(any.properties.contains_key(property) || members)
            }
            SchemaKind::AllOf { all_of } => self.all_of_declares(all_of, property, depth),
            _ => None,
        }
    }

    /// Whether some `allOf` member declares `property` (`None` when one is not object-shaped).
    fn all_of_declares(
        &self,
        all_of: &'doc [ReferenceOr<Schema>],
        property: &str,
        depth: usize,
    ) -> Option<bool> {
        let mut declares = false;
        for member in all_of {
            let member = match member {
                ReferenceOr::Item(member) => member,
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(target) => target,
                    None => continue,
                },
            };
            declares |= self.object_declares(member, property, depth + 1)?;
        }
        Some(declares)
    }

    /// The type of a schema slot; inline schemas that need a type of their own get one named `hint`.
    pub(super) fn type_of(
        &mut self,
        schema: SchemaView<'doc>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            SchemaView::Ref(reference) => self.schema_ref(reference, pointer),
            SchemaView::Inline(schema) if needs_model(schema) => {
                let key = pointer.to_string();
                if let Some(rust) = self.inline_models.get(&key) {
                    return TypeRef::Named(rust.clone());
                }
                let rust = self.types.claim(type_name(hint));
                self.inline_models.insert(key, rust.clone());
                self.define(
                    Name {
                        rust: rust.clone(),
                        wire: hint.to_owned(),
                    },
                    schema,
                    pointer,
                );
                if let Some(model) = self
                    .models
                    .iter_mut()
                    .rev()
                    .find(|model| model.name.rust == rust)
                {
                    if model.docs.lines.is_empty() {
                        model
                            .docs
                            .lines
                            .push(format!("The schema defined inline at `{pointer}`."));
                    }
                }
                TypeRef::Named(rust)
            }
            SchemaView::Inline(schema) => self.unnamed_type(schema, hint, pointer),
        }
    }

    /// Whether a schema slot allows `null`.
    pub(super) fn is_nullable(&self, schema: SchemaView<'doc>) -> bool {
        match schema {
            SchemaView::Inline(schema) => schema.schema_data.nullable,
            SchemaView::Ref(reference) => self
                .component_schema(reference)
                .is_some_and(|s| s.schema_data.nullable),
        }
    }

    /// Pushes a model for `schema` under `name`, children after it.
    fn define(&mut self, name: Name, schema: &'doc Schema, pointer: &Pointer) {
        let index = self.models.len();
        let docs = docs(
            schema.schema_data.title.as_deref(),
            schema.schema_data.description.as_deref(),
        );
        self.models.push(Model {
            name: name.clone(),
            docs,
            kind: ModelKind::Alias(TypeRef::Json),
            large: false,
            features: Vec::new(),
            constraints: ir::Constraints::default(),
        });
        let kind = self.model_kind(&name.rust, schema, pointer);
        let constraints = match &kind {
            ModelKind::Struct(_) => self.object_constraints(schema),
            ModelKind::Alias(_) | ModelKind::Newtype(_) => {
                self.schema_constraints(schema, pointer, false)
            }
            ModelKind::Enum(_) | ModelKind::Union(_) => ir::Constraints::default(),
        };
        if let Some(model) = self.models.get_mut(index) {
            model.kind = kind;
            model.constraints = constraints;
        }
    }

    fn model_kind(&mut self, name: &str, schema: &'doc Schema, pointer: &Pointer) -> ModelKind {
        if let Some(values) = string_enum_values(schema) {
            return ModelKind::Enum(string_enum(values));
        }
        if let Some((key, members)) = union_members(schema) {
            let mut variants = self.union_variants(name, key, members, pointer);
            let discriminator = schema.schema_data.discriminator.as_ref();
            let tag_property = discriminator.and_then(|discriminator| {
                self.tag_variants(name, discriminator, members, &mut variants, pointer)
            });
            let unused_tag_property = match (discriminator, &tag_property) {
                (Some(discriminator), None) => Some(discriminator.property_name.clone()),
                _ => None,
            };
            return ModelKind::Union(Union {
                variants,
                tag_property,
                unused_tag_property,
            });
        }
        let mut parts = Vec::new();
        if self.object_parts(schema, pointer, &mut parts, 0) && !parts.is_empty() {
            let has_properties = parts.iter().any(|part| !part.properties.is_empty());
            if has_properties || matches!(schema.schema_kind, SchemaKind::AllOf { .. }) {
                return ModelKind::Struct(self.struct_of(name, parts));
            }
        }
        ModelKind::Alias(self.unnamed_type(schema, name, pointer))
    }

    /// Collects the object parts of `schema`, following `allOf` and its `$ref`s. Returns false when
    /// the schema is not object-shaped.
    fn object_parts(
        &mut self,
        schema: &'doc Schema,
        pointer: &Pointer,
        parts: &mut Vec<ObjectPart<'doc>>,
        depth: usize,
    ) -> bool {
        if depth > MAX_ALL_OF_DEPTH {
            self.error(Diagnostic::at(
                self.file,
                pointer,
                "`allOf` nests too deeply (is it a `$ref` cycle?)",
            ));
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                parts.push(ObjectPart {
                    properties: &object.properties,
                    required: &object.required,
                    additional: object.additional_properties.as_ref(),
                    pointer: pointer.clone(),
                });
                true
            }
            // `type: object` beside `allOf` (or properties beside it): the schema's own
            // properties, then its `allOf` members', as one object.
            SchemaKind::Any(any)
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || !any.all_of.is_empty() =>
            {
                parts.push(ObjectPart {
                    properties: &any.properties,
                    required: &any.required,
                    additional: any.additional_properties.as_ref(),
                    pointer: pointer.clone(),
                });
                self.all_of_parts(&any.all_of, pointer, parts, depth)
            }
            SchemaKind::AllOf { all_of } => self.all_of_parts(all_of, pointer, parts, depth),
            _ => false,
        }
    }

    /// The object parts of each `allOf` member of the schema at `pointer`, `$ref`s followed.
    fn all_of_parts(
        &mut self,
        all_of: &'doc [ReferenceOr<Schema>],
        pointer: &Pointer,
        parts: &mut Vec<ObjectPart<'doc>>,
        depth: usize,
    ) -> bool {
        for (index, member) in all_of.iter().enumerate() {
            let member_pointer = pointer.join("allOf").join(index);
            let (member, member_pointer) = match member {
                ReferenceOr::Item(member) => (member, member_pointer),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(target) => (target, self.schema_pointer(reference)),
                    None => {
                        self.schema_ref(reference, &member_pointer);
                        continue;
                    }
                },
            };
            if !self.object_parts(member, &member_pointer, parts, depth + 1) {
                return false;
            }
        }
        true
    }

    fn struct_of(&mut self, name: &str, parts: Vec<ObjectPart<'doc>>) -> Struct {
        let mut scope = Scope::default();
        let mut fields: Vec<Field> = Vec::new();
        let mut additional = None;
        for part in &parts {
            for (key, property) in part.properties {
                if fields.iter().any(|field| &field.name.wire == key) {
                    continue; // a later allOf member restating a property adds nothing new
                }
                let pointer = part.pointer.join("properties").join(key);
                let view = SchemaView::from(property);
                let ty = self.type_of(view, &format!("{name} {key}"), &pointer);
                let required = parts.iter().any(|p| p.required.contains(key));
                let presence = match (required, self.is_nullable(view)) {
                    (true, false) => Presence::Required,
                    (true, true) => Presence::RequiredNullable,
                    (false, false) => Presence::Optional,
                    (false, true) => Presence::OptionalNullable,
                };
                let docs = match view {
                    SchemaView::Inline(schema) => field_docs(schema),
                    SchemaView::Ref(_) => ir::Docs::default(),
                };
                let constraints = match view {
                    SchemaView::Inline(schema) => {
                        self.schema_constraints(schema, &pointer, needs_model(schema))
                    }
                    SchemaView::Ref(_) => ir::Constraints::default(),
                };
                let rust = scope.claim(value_name(key));
                fields.push(Field {
                    name: Name {
                        rust,
                        wire: key.clone(),
                    },
                    ty,
                    presence,
                    boxed: false,
                    docs,
                    constraints,
                });
            }
            let value = match part.additional {
                Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
                Some(AdditionalProperties::Schema(schema)) => {
                    let pointer = part.pointer.join("additionalProperties");
                    Some(self.type_of(
                        SchemaView::from(schema.as_ref()),
                        &format!("{name} value"),
                        &pointer,
                    ))
                }
                _ => None,
            };
            if let Some(value) = value {
                additional = Some(ir::AdditionalProperties {
                    field: scope.claim("additional_properties".to_owned()),
                    value,
                });
            }
        }
        if additional.is_none() {
            self.warn_unknown_required(&parts, &fields);
        }
        Struct {
            fields,
            additional_properties: additional,
        }
    }

    /// Warns about each `required` name that no part of a struct has among its properties: real
    /// specs keep names of removed or renamed properties there. It requires nothing the struct
    /// can hold, so it is ignored. (With `additionalProperties` it may name an extra property,
    /// which is valid, so such structs are not checked.)
    fn warn_unknown_required(&mut self, parts: &[ObjectPart<'doc>], fields: &[Field]) {
        let known: std::collections::HashSet<&str> = fields
            .iter()
            .map(|field| field.name.wire.as_str())
            .collect();
        for part in parts {
            for (index, name) in part.required.iter().enumerate() {
                if known.contains(name.as_str()) {
                    continue;
                }
                let pointer = part.pointer.join("required").join(index);
                self.warn(
                    Diagnostic::warning_at(
                        self.file,
                        &pointer,
                        format!(
                            "`required` names `{name}`, which is not among the properties: ignored"
                        ),
                    )
                    .help(format!(
                        "add `{name}` to `properties`, or remove it from `required`"
                    )),
                );
            }
        }
    }

    /// Maps a schema that needs no model of its own to a type.
    fn unnamed_type(&mut self, schema: &'doc Schema, hint: &str, pointer: &Pointer) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => TypeRef::Primitive(string_primitive(string)),
            SchemaKind::Type(Type::Integer(integer)) => TypeRef::Primitive(match &integer.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Primitive::I32,
                _ => Primitive::I64,
            }),
            SchemaKind::Type(Type::Number(number)) => TypeRef::Primitive(match &number.format {
                // A JSON number is a double: `f32` would turn a larger one the schema allows into
                // infinity (and send it back as `null`), so `float` is read into `f64` too.
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => Primitive::F64,
                _ => Primitive::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Primitive(Primitive::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                self.array_of(array.items.as_ref(), hint, pointer)
            }
            SchemaKind::Type(Type::Object(object)) => {
                self.map_of(object.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::Any(any) if any.items.is_some() => {
                self.array_of(any.items.as_ref(), hint, pointer)
            }
            // `type: object` with a single `allOf` member and nothing else: that member.
            SchemaKind::Any(any)
                if any.all_of.len() == 1 && any.properties.is_empty() && any.one_of.is_empty() =>
            {
                match any.all_of.first() {
                    Some(member) => self.type_of(
                        SchemaView::from(member),
                        hint,
                        &pointer.join("allOf").join(0),
                    ),
                    None => TypeRef::Json,
                }
            }
            SchemaKind::Any(any) if any.typ.as_deref() == Some("object") => {
                self.map_of(any.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::OneOf { one_of: members }
            | SchemaKind::AnyOf { any_of: members }
            | SchemaKind::AllOf { all_of: members }
                if members.len() == 1 =>
            {
                let key = match &schema.schema_kind {
                    SchemaKind::OneOf { .. } => "oneOf",
                    SchemaKind::AnyOf { .. } => "anyOf",
                    _ => "allOf",
                };
                match members.first() {
                    Some(member) => {
                        self.type_of(SchemaView::from(member), hint, &pointer.join(key).join(0))
                    }
                    None => TypeRef::Json,
                }
            }
            // Unions (oneOf/anyOf with several members), `not` and untyped schemas stay
            // JSON values: lossless on the wire, if untyped in Rust.
            _ => TypeRef::Json,
        }
    }

    /// `Vec` of the items' type; items without a schema are any JSON value.
    fn array_of(
        &mut self,
        items: Option<&'doc ReferenceOr<Box<Schema>>>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        let item = match items {
            Some(items) => self.type_of(
                SchemaView::from(items),
                &format!("{hint} item"),
                &pointer.join("items"),
            ),
            None => TypeRef::Json,
        };
        TypeRef::Array(Box::new(item))
    }

    fn map_of(
        &mut self,
        additional: Option<&'doc AdditionalProperties>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.type_of(
                    SchemaView::from(schema.as_ref()),
                    &format!("{hint} value"),
                    &pointer.join("additionalProperties"),
                );
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
        }
    }

    /// The type a `$ref` to a component schema stands for, or a diagnostic if it dangles.
    fn schema_ref(&mut self, reference: &str, pointer: &Pointer) -> TypeRef {
        match component_key(self.file, reference, "schemas", pointer) {
            Ok(key) => match self.schema_types.get(key) {
                Some(name) => TypeRef::Named(name.clone()),
                None => {
                    let exists = self
                        .document
                        .components
                        .as_ref()
                        .is_some_and(|c| c.schemas.contains_key(key));
                    if !exists {
                        self.error(
                            Diagnostic::at(
                                self.file,
                                pointer,
                                format!("`$ref` target does not exist: `{reference}`"),
                            )
                            .help(format!("define `{key}` under `components.schemas`")),
                        );
                    }
                    TypeRef::Json
                }
            },
            Err(diagnostic) => {
                self.error(diagnostic);
                TypeRef::Json
            }
        }
    }

    /// The schema a `$ref` finally points at, following alias chains (bounded, cycles give `None`).
    fn component_schema(&self, reference: &str) -> Option<&'doc Schema> {
        let schemas = &self.document.components.as_ref()?.schemas;
        let mut reference = reference;
        for _ in 0..=schemas.len() {
            match schemas.get(reference.strip_prefix("#/components/schemas/")?)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    fn schema_pointer(&self, reference: &str) -> Pointer {
        let key = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or(reference);
        Pointer::root().join("components").join("schemas").join(key)
    }

    /// Reports a component schema that is only a `$ref` chain leading back to itself.
    fn check_alias_cycle(&mut self, start: &str, pointer: &Pointer) {
        let Some(components) = &self.document.components else {
            return;
        };
        let mut chain = vec![start];
        let mut key = start;
        while let Some(ReferenceOr::Reference { reference }) = components.schemas.get(key) {
            let Some(next) = reference.strip_prefix("#/components/schemas/") else {
                return;
            };
            if next == start {
                chain.push(next);
                let message = format!("`$ref` cycle: {}", chain.join(" → "));
                self.error(
                    Diagnostic::at(self.file, pointer, message)
                        .help("a chain of `$ref`s must end at a schema definition"),
                );
                return;
            }
            if chain.contains(&next) {
                return; // a cycle that does not pass through `start` is reported from its own members
            }
            chain.push(next);
            key = next;
        }
    }
}

pub(super) fn needs_model(schema: &Schema) -> bool {
    if string_enum_values(schema).is_some() || union_members(schema).is_some() {
        return true;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::Any(any) => !any.properties.is_empty() || any.all_of.len() > 1,
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        _ => false,
    }
}

/// The members of a `oneOf` or `anyOf` with more than one, and which keyword holds them.
fn union_members(schema: &Schema) -> Option<(&'static str, &Vec<ReferenceOr<Schema>>)> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } if one_of.len() > 1 => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } if any_of.len() > 1 => Some(("anyOf", any_of)),
        _ => None,
    }
}

/// The name of the variant of union `union_name` that holds `ty`: the type's own name, with the
/// union's name taken off the front (`ShapeOption1` in `Shape` reads as `Shape::Option1`), or a
/// word for a built-in type.
fn variant_name_in(union_name: &str, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(model) => match model.strip_prefix(union_name) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
            _ => model.clone(),
        },
        other => builtin_variant_name(other).to_owned(),
    }
}

/// The variant name for a member of a built-in type (`String`, `Integer`, `List`, …).
fn builtin_variant_name(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Named(_) | TypeRef::Json => "Value",
        TypeRef::Array(_) => "List",
        TypeRef::Map(_) => "Map",
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String => "String",
            Primitive::I32 | Primitive::I64 => "Integer",
            Primitive::F64 => "Number",
            Primitive::Bool => "Boolean",
            Primitive::Date => "Date",
            Primitive::DateTime => "DateTime",
            Primitive::Uuid => "Uuid",
            Primitive::Decimal => "Decimal",
            Primitive::Binary => "Binary",
        },
    }
}

/// The values of a string enum, without `null` (which only says the schema is nullable).
fn string_enum_values(schema: &Schema) -> Option<Vec<&str>> {
    let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
        return None;
    };
    let values: Vec<&str> = string
        .enumeration
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    (!values.is_empty()).then_some(values)
}

fn string_enum(values: Vec<&str>) -> StringEnum {
    let mut scope = Scope::default();
    let mut variants: Vec<Name> = Vec::new();
    for value in values {
        if variants.iter().any(|variant| variant.wire == value) {
            continue;
        }
        variants.push(Name {
            rust: scope.claim(variant_name(value)),
            wire: value.to_owned(),
        });
    }
    let other_variant = ["Other", "Unknown", "UnknownValue"]
        .into_iter()
        .find(|candidate| !scope.contains(candidate))
        .map_or_else(|| scope.claim("Other".to_owned()), str::to_owned);
    StringEnum {
        variants,
        other_variant,
    }
}

fn string_primitive(string: &StringType) -> Primitive {
    match &string.format {
        VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => Primitive::Date,
        VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => Primitive::DateTime,
        VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => Primitive::Binary,
        VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => Primitive::Uuid,
        VariantOrUnknownOrEmpty::Unknown(format) if format == "decimal" => Primitive::Decimal,
        _ => Primitive::String,
    }
}

/// A field's docs: its title and description, then its constraints.
pub(super) fn field_docs(schema: &Schema) -> ir::Docs {
    let mut docs = docs(
        schema.schema_data.title.as_deref(),
        schema.schema_data.description.as_deref(),
    );
    if let Some(constraints) = constraints(schema) {
        docs.push_paragraph(constraints);
    }
    docs
}
