//! Roughly how many bytes a value of each model takes, to tell which models are large. Estimates
//! lean high (an `Option` adds a word even where Rust uses a niche), so a model called small is
//! small; exactness does not matter, only that an enum holding a large model boxes it.

use std::collections::{HashMap, HashSet};

use crate::ir::{Model, ModelKind, Presence, Primitive, TypeRef};

/// A model this large or larger is boxed inside enums: clippy's `large_enum_variant` fires at a
/// difference of 200 bytes between variants, and estimates may miss some padding.
pub const LARGE: usize = 160;

/// The names of the models whose values take about [`LARGE`] bytes or more. Linear in the size
/// of the models; a model met again while its own size is worked out is behind a `Box` (that is
/// how recursion is broken), so it counts as a pointer.
pub fn large_models(models: &[Model]) -> HashSet<String> {
    let by_name: HashMap<&str, &Model> = models
        .iter()
        .map(|model| (model.name.rust.as_str(), model))
        .collect();
    let mut sizes = Sizes {
        by_name,
        known: HashMap::new(),
        in_progress: HashSet::new(),
    };
    models
        .iter()
        .filter(|model| sizes.model(&model.name.rust) >= LARGE)
        .map(|model| model.name.rust.clone())
        .collect()
}

struct Sizes<'a> {
    by_name: HashMap<&'a str, &'a Model>,
    known: HashMap<&'a str, usize>,
    in_progress: HashSet<&'a str>,
}

/// A pointer, a `usize`, the tag of an `Option`.
const WORD: usize = 8;

impl<'a> Sizes<'a> {
    fn model(&mut self, name: &str) -> usize {
        let Some(&model) = self.by_name.get(name) else {
            return WORD;
        };
        let name = model.name.rust.as_str();
        if let Some(size) = self.known.get(name) {
            return *size;
        }
        if !self.in_progress.insert(name) {
            return WORD;
        }
        let size = match &model.kind {
            ModelKind::Struct(shape) => {
                let fields: usize = shape
                    .fields
                    .iter()
                    .map(|field| {
                        let value = if field.boxed {
                            WORD
                        } else {
                            self.type_ref(&field.ty)
                        };
                        match field.presence {
                            Presence::Required => value,
                            Presence::RequiredNullable | Presence::Optional => value + WORD,
                            Presence::OptionalNullable => value + 2 * WORD,
                        }
                    })
                    .sum();
                let extra = if shape.additional_properties.is_some() {
                    3 * WORD
                } else {
                    0
                };
                fields + extra
            }
            ModelKind::Enum(_) => 3 * WORD,
            ModelKind::Alias(target) | ModelKind::Newtype(target) => self.type_ref(target),
            ModelKind::Union(union) => {
                let largest = union
                    .variants
                    .iter()
                    .map(|variant| {
                        if variant.boxed {
                            WORD
                        } else {
                            self.type_ref(&variant.ty)
                        }
                    })
                    .max()
                    .unwrap_or(0);
                largest + WORD
            }
        };
        self.in_progress.remove(name);
        self.known.insert(name, size);
        size
    }

    fn type_ref(&mut self, ty: &TypeRef) -> usize {
        match ty {
            TypeRef::Named(name) => self.model(name),
            TypeRef::Array(_) | TypeRef::Map(_) => 3 * WORD,
            // serde_json's `Value` with `preserve_order` holds an `IndexMap`.
            TypeRef::Json => 10 * WORD,
            TypeRef::Primitive(primitive) => match primitive {
                Primitive::String | Primitive::Binary => 3 * WORD,
                Primitive::Bool => 1,
                Primitive::I32 => 4,
                Primitive::I64 | Primitive::F64 => WORD,
                Primitive::Decimal | Primitive::Uuid => 2 * WORD,
                Primitive::Date => 4,
                Primitive::DateTime => 12,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Field, Struct, Union, UnionVariant};
    use crate::naming::Name;

    fn name(text: &str) -> Name {
        Name {
            rust: text.to_owned(),
            wire: text.to_owned(),
        }
    }

    fn strings(model: &str, count: usize) -> Model {
        let fields = (0..count)
            .map(|index| Field {
                name: name(&format!("f{index}")),
                ty: TypeRef::Primitive(Primitive::String),
                presence: Presence::Optional,
                boxed: false,
                docs: Docs::default(),
                constraints: Default::default(),
            })
            .collect();
        Model {
            name: name(model),
            docs: Docs::default(),
            kind: ModelKind::Struct(Struct {
                fields,
                additional_properties: None,
            }),
            large: false,
            features: Vec::new(),
            constraints: Default::default(),
        }
    }

    #[test]
    fn structs_of_many_fields_are_large_and_small_ones_and_recursion_are_not() {
        let union = Model {
            name: name("Either"),
            docs: Docs::default(),
            kind: ModelKind::Union(Union {
                variants: vec![
                    UnionVariant {
                        name: "Big".to_owned(),
                        ty: TypeRef::Named("Big".to_owned()),
                        boxed: false,
                        tags: Vec::new(),
                    },
                    UnionVariant {
                        name: "Me".to_owned(),
                        ty: TypeRef::Named("Either".to_owned()),
                        boxed: false,
                        tags: Vec::new(),
                    },
                ],
                tag_property: None,
                unused_tag_property: None,
            }),
            large: false,
            features: Vec::new(),
            constraints: Default::default(),
        };
        let models = vec![strings("Big", 10), strings("Small", 2), union];
        let large = large_models(&models);
        assert_eq!(
            large,
            HashSet::from(["Big".to_owned(), "Either".to_owned()])
        );
    }
}
