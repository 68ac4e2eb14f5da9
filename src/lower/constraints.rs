//! What a schema allows of a value beyond its Rust type (`ir::Constraints`): lengths, patterns,
//! formats, bounds, item and property counts, access. Servers check them before the
//! implementation sees a request; a pattern the `regex` crate cannot compile (ECMA-only syntax
//! such as look-around) is warned about here and left out, so the generated crate never meets it.

use openapiv3::{
    AdditionalProperties, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use super::schema::SchemaView;
use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{Constraints, Format, Number};

/// The most a compiled pattern may take, as the generated crate's `regex` allows by default:
/// a pattern that compiles here compiles there.
const PATTERN_SIZE_LIMIT: usize = 10 * (1 << 20);

impl<'doc> Lowerer<'doc> {
    /// The constraints of the value in a schema slot. A `$ref`'s are its model's, so a slot
    /// that refers has none of its own (OpenAPI 3.0 ignores a `$ref`'s siblings).
    pub(super) fn constraints_of(
        &mut self,
        view: SchemaView<'doc>,
        pointer: &Pointer,
    ) -> Constraints {
        match view {
            SchemaView::Ref(_) => Constraints::default(),
            SchemaView::Inline(schema) => self.schema_constraints(schema, pointer, false),
        }
    }

    /// The constraints of an object model's own value: its property counts and whether it
    /// refuses keys it does not name.
    pub(super) fn object_constraints(&mut self, schema: &'doc Schema) -> Constraints {
        let (min, max, additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (
                object.min_properties,
                object.max_properties,
                object.additional_properties.as_ref(),
            ),
            SchemaKind::Any(any) => (
                any.min_properties,
                any.max_properties,
                any.additional_properties.as_ref(),
            ),
            _ => (None, None, None),
        };
        Constraints {
            min_properties: min.map(count),
            max_properties: max.map(count),
            closed: matches!(additional, Some(AdditionalProperties::Any(false))),
            ..Constraints::default()
        }
    }

    /// The constraints `schema` states for its value; `model_object` leaves out the property
    /// counts of an object that is a model (its model carries them).
    pub(super) fn schema_constraints(
        &mut self,
        schema: &'doc Schema,
        pointer: &Pointer,
        model_object: bool,
    ) -> Constraints {
        let mut constraints = Constraints {
            read_only: schema.schema_data.read_only,
            write_only: schema.schema_data.write_only,
            ..Constraints::default()
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                constraints.min_length = string.min_length.map(count);
                constraints.max_length = string.max_length.map(count);
                constraints.pattern = self.pattern(string.pattern.as_deref(), pointer);
                constraints.format = match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some(Format::Byte),
                    VariantOrUnknownOrEmpty::Unknown(format) => string_format(format),
                    _ => None,
                };
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                // The ends of 64 bits (Django's `BigIntegerField`) say nothing an `i64` does not.
                constraints.minimum = integer
                    .minimum
                    .filter(|value| *value != i64::MIN || integer.exclusive_minimum)
                    .map(|value| (Number::Int(value), integer.exclusive_minimum));
                constraints.maximum = integer
                    .maximum
                    .filter(|value| *value != i64::MAX || integer.exclusive_maximum)
                    .map(|value| (Number::Int(value), integer.exclusive_maximum));
                constraints.multiple_of = integer
                    .multiple_of
                    .filter(|step| *step > 0)
                    .map(Number::Int);
            }
            SchemaKind::Type(Type::Number(number)) => {
                constraints.minimum = number
                    .minimum
                    .filter(|value| value.is_finite())
                    .map(|value| (Number::Float(value), number.exclusive_minimum));
                constraints.maximum = number
                    .maximum
                    .filter(|value| value.is_finite())
                    .map(|value| (Number::Float(value), number.exclusive_maximum));
                constraints.multiple_of = number
                    .multiple_of
                    .filter(|step| step.is_finite() && *step > 0.0)
                    .map(Number::Float);
            }
            SchemaKind::Type(Type::Array(array)) => {
                constraints.min_items = array.min_items.map(count);
                constraints.max_items = array.max_items.map(count);
                constraints.unique_items = array.unique_items;
                let items = array.items.as_ref().map(SchemaView::from);
                constraints.items = self.item_constraints(items, &pointer.join("items"));
            }
            SchemaKind::Type(Type::Object(object)) if !model_object => {
                constraints.min_properties = object.min_properties.map(count);
                constraints.max_properties = object.max_properties.map(count);
                if let Some(AdditionalProperties::Schema(value)) = &object.additional_properties {
                    let at = pointer.join("additionalProperties");
                    constraints.items =
                        self.item_constraints(Some(SchemaView::from(value.as_ref())), &at);
                }
            }
            SchemaKind::Any(any) => {
                constraints.min_length = any.min_length.map(count);
                constraints.max_length = any.max_length.map(count);
                constraints.pattern = self.pattern(any.pattern.as_deref(), pointer);
                constraints.format = any.format.as_deref().and_then(string_format);
                constraints.minimum = any
                    .minimum
                    .filter(|value| value.is_finite())
                    .map(|value| (Number::Float(value), any.exclusive_minimum.unwrap_or(false)));
                constraints.maximum = any
                    .maximum
                    .filter(|value| value.is_finite())
                    .map(|value| (Number::Float(value), any.exclusive_maximum.unwrap_or(false)));
                constraints.multiple_of = any
                    .multiple_of
                    .filter(|step| step.is_finite() && *step > 0.0)
                    .map(Number::Float);
                constraints.min_items = any.min_items.map(count);
                constraints.max_items = any.max_items.map(count);
                constraints.unique_items = any.unique_items.unwrap_or(false);
                if !model_object {
                    constraints.min_properties = any.min_properties.map(count);
                    constraints.max_properties = any.max_properties.map(count);
                }
                if any.items.is_some() {
                    let at = pointer.join("items");
                    let items = any.items.as_ref().map(SchemaView::from);
                    constraints.items = self.item_constraints(items, &at);
                }
            }
            _ => {}
        }
        constraints
    }

    fn item_constraints(
        &mut self,
        items: Option<SchemaView<'doc>>,
        pointer: &Pointer,
    ) -> Option<Box<Constraints>> {
        let Some(SchemaView::Inline(schema)) = items else {
            return None;
        };
        let model_object = super::schema::needs_model(schema);
        let constraints = self.schema_constraints(schema, pointer, model_object);
        (!constraints.is_empty()).then(|| Box::new(constraints))
    }

    /// The pattern, if the `regex` crate compiles it; else a warning, and nothing to check.
    fn pattern(&mut self, pattern: Option<&str>, pointer: &Pointer) -> Option<String> {
        let pattern = pattern?;
        let compiled = regex::RegexBuilder::new(pattern)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build();
        match compiled {
            Ok(_) => Some(pattern.to_owned()),
            Err(error) => {
                let reason = error.to_string();
                let reason = reason.lines().last().unwrap_or_default().trim().to_owned();
                self.warn(
                    Diagnostic::warning_at(
                        self.file,
                        &pointer.join("pattern"),
                        format!("the `regex` crate cannot compile this pattern ({reason}): values are not checked against it"),
                    )
                    .help("write the pattern without ECMA-only syntax such as look-around or backreferences"),
                );
                None
            }
        }
    }
}

/// The string formats checked at run time; the others are types (`uuid`, `date`) or unchecked.
fn string_format(format: &str) -> Option<Format> {
    match format {
        "email" => Some(Format::Email),
        "ipv4" => Some(Format::Ipv4),
        "ipv6" => Some(Format::Ipv6),
        "byte" => Some(Format::Byte),
        "uri" => Some(Format::Uri),
        _ => None,
    }
}

fn count(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}
