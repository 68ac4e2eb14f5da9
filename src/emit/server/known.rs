//! `Known` for the models of one API's server: which models may hold a string enum (the
//! `enum_holders` walk), and an `impl Known` for each of them, so a server refuses values
//! outside the spec's enums that the models themselves keep.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::super::types::ident;
use super::Emitter;
use crate::ir::{Model, ModelKind, Name, TypeRef};

impl Emitter<'_> {
    /// Whether a value of `ty` may hold a string enum, whose unknown values a server refuses.
    pub(super) fn may_hold_enum(&self, ty: &TypeRef) -> bool {
        ty.model()
            .is_some_and(|name| self.enum_holders.contains(name))
    }

    /// `Known` for `model` if it may hold a string enum (aliases use their target's): unknown
    /// enum values, found by path.
    pub(super) fn known_impl(&mut self, model: &Model) -> Option<TokenStream> {
        let holds = self.enum_holders.contains(model.name.rust.as_str());
        if !holds || matches!(model.kind, ModelKind::Alias(_)) {
            return None;
        }
        let name = self.type_tokens(&TypeRef::Named(model.name.rust.clone()));
        let body = match &model.kind {
            ModelKind::Alias(_) => return None,
            ModelKind::Enum(shape) => {
                let other = ident(&shape.other_variant);
                quote!(matches!(self, Self::#other(_)).then(String::new))
            }
            ModelKind::Newtype(_) => quote!(self.0.unknown()),
            ModelKind::Union(union) => {
                let variants = &union.variants;
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
        self.use_runtime("Known");
        Some(quote! {
            impl Known for #name {
                fn unknown(&self) -> Option<String> {
                    #body
                }
            }
        })
    }
}

/// The models whose values may hold a string enum: the enums, and every model that refers to
/// one of them, directly or through others. Found from the enums backwards along references,
/// so it is linear in the size of the models, cycles included.
pub(super) fn enum_holders(models: &[Model]) -> HashSet<&str> {
    super::checks::holders(models, |model| matches!(model.kind, ModelKind::Enum(_)))
}

#[cfg(test)]
mod tests {
    use crate::{SpecSource, generate};

    /// `Known` is implemented, and bodies are checked, exactly for the models that may hold an
    /// enum: through fields, items, maps, aliases and a cycle; not for the others.
    #[test]
    fn known_follows_enums_through_references_and_cycles() {
        let spec = include_str!("../../../tests/fixtures/known_enums.yaml");
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
        let group = &files["src/known_enums/server/trees.rs"];
        assert!(group.contains("known(&body, \"body\", \"\")?;"), "{group}");
    }
}
