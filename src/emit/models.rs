//! Models: one Rust type per IR `Model`, with serde attributes exactly where the wire differs.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::serde_case::{needs_own_rename, pick_rule};
use super::types::{
    Gate, Imports, PLACEHOLDER_NAMES, doc_attrs, gate_items, ident, sort_use_items,
};
use crate::ir::{
    Api, Docs, Field, Group, Model, ModelKind, Name, Presence, StringEnum, Struct, TypeRef, Union,
    UnionVariant,
};
use crate::naming::Scope;

/// A run of an API's models emitted: their items, and what they need of the runtime module and
/// of other crates.
pub struct ModelItems {
    /// One item (a type and its impls) per model, in order.
    pub items: Vec<TokenStream>,
    /// The imports the items noted, each under the gate of the models that need it.
    pub imports: Imports,
    /// Which runtime helpers the items use.
    pub runtime: RuntimeUse,
}

/// The runtime helpers model fields deserialize with.
#[derive(Debug, Default, Clone, Copy)]
pub struct RuntimeUse {
    /// `runtime::{Key, required, skip}`: some struct reads an object.
    pub reader: bool,
    /// `runtime::{Tagged, Untagged}`: a union.
    pub unions: bool,
}

impl RuntimeUse {
    /// What either run uses.
    pub fn union(self, other: RuntimeUse) -> RuntimeUse {
        RuntimeUse {
            reader: self.reader || other.reader,
            unions: self.unions || other.unions,
        }
    }
}

/// Emits `models`, a run of one API's models (each model's item depends on it alone, so runs can
/// be emitted on different threads). With `gated`, each is compiled under its features; a
/// group's own file is compiled under its one feature as a whole, so its models are not.
pub fn model_items(models: &[&Model], gated: bool) -> ModelItems {
    let mut imports = Imports::new();
    let mut runtime = RuntimeUse::default();
    // A model reached only by some groups' operations is compiled only with their features,
    // and so are the imports it alone needs.
    let items = models
        .iter()
        .map(|model| {
            let features: &[String] = if gated { &model.features } else { &[] };
            imports.set_features(features);
            let item = model_item(model, &mut imports, &mut runtime);
            gate_items(item, &Gate::of(features).cfg())
        })
        .collect();
    imports.set_features(&[]);
    ModelItems {
        items,
        imports,
        runtime,
    }
}

/// The opening of `models.rs`: its doc, the group modules holding the models only one group
/// uses (`declarations`), and the `use` lines for what `imports` noted over its own models.
pub fn models_head(api: &Api, declarations: &[TokenStream], imports: &Imports) -> TokenStream {
    let module_doc = format!(
        " Data types of {}, from the schemas in `{}`.",
        api.title, api.source
    );
    file_head(&module_doc, declarations, imports.use_item_list())
}

/// The opening of a group's models file (`models/<group>.rs`, or that of the schemas no
/// operation uses): its doc, the models of `models.rs` its own models name (`shared`), and the
/// `use` lines for what `imports` noted.
pub fn group_models_head(
    api: &Api,
    group: &Group,
    shared: &BTreeSet<&str>,
    imports: &Imports,
) -> TokenStream {
    let module_doc = if api.other_schemas.as_ref() == Some(group) {
        format!(
            " The data types of {} (the `{}` feature).",
            group.source, group.feature
        )
    } else {
        format!(
            " The data types that only the operations of {} use (the `{}` feature).",
            group.source, group.feature
        )
    };
    let mut uses = imports.use_item_list();
    if !shared.is_empty() {
        let names = shared.iter().map(|name| ident(name));
        uses.push(quote!(use super::{#(#names),*};));
    }
    file_head(&module_doc, &[], uses)
}

/// A models file's opening: its doc, its child modules' `declarations`, and `uses`, sorted.
fn file_head(
    module_doc: &str,
    declarations: &[TokenStream],
    mut uses: Vec<TokenStream>,
) -> TokenStream {
    sort_use_items(&mut uses);
    let uses: TokenStream = uses.into_iter().collect();
    quote! {
        #![doc = #module_doc]
        #(#declarations)*
        #uses
    }
}

fn model_item(model: &Model, imports: &mut Imports, runtime: &mut RuntimeUse) -> TokenStream {
    let fallback = format!("The `{}` schema.", model.name.wire);
    let mut docs = or_fallback(&model.docs, fallback);
    if let ModelKind::Union(union) = &model.kind {
        if let Some(note) = discriminator_note(union) {
            docs.lines.push(String::new());
            docs.lines.push(note);
        }
    }
    let docs = doc_attrs(&docs);
    if !matches!(model.kind, ModelKind::Alias(_)) {
        imports.note_serde_derives();
    }
    let name = ident(&model.name.rust);
    match &model.kind {
        ModelKind::Struct(shape) => {
            let closed = model.constraints.closed;
            struct_item(&docs, &name, shape, closed, imports, runtime)
        }
        ModelKind::Enum(shape) => enum_item(&docs, &name, shape),
        ModelKind::Newtype(inner) => {
            let inner = imports.type_tokens(inner);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #inner);
            }
        }
        ModelKind::Union(union) => {
            runtime.unions = true;
            imports.note_runtime();
            match &union.tag_property {
                Some(property) => {
                    tagged_union_item(&docs, &name, &union.variants, property, imports)
                }
                None => union_item(&docs, &name, &union.variants, imports),
            }
        }
        ModelKind::Alias(target) => {
            let target = imports.type_tokens(target);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// What a union's docs say about its `discriminator`: which property chooses the variant, or
/// that it chooses nothing.
fn discriminator_note(union: &Union) -> Option<String> {
    match (&union.tag_property, &union.unused_tag_property) {
        (Some(property), _) => Some(format!(
            "The `{property}` property (the `discriminator`) says which variant a value is."
        )),
        (None, Some(property)) => Some(format!(
            "A value is the first variant it reads as: the `discriminator` (`{property}`) is not used, as a member is written inline or does not declare the property."
        )),
        (None, None) => None,
    }
}

fn struct_item(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    shape: &Struct,
    closed: bool,
    imports: &mut Imports,
    runtime: &mut RuntimeUse,
) -> TokenStream {
    let all_optional = shape.fields.iter().all(|field| {
        matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable
        )
    });
    let default = all_optional.then(|| quote!(Default,));
    let reader = object_reader(name, shape, closed, imports, runtime);
    // A struct that keeps the properties it does not name writes them inline, which serde's
    // `flatten` does (as a map); any other is written by `object_writer`.
    let Some(additional) = &shape.additional_properties else {
        let fields: Vec<TokenStream> = shape
            .fields
            .iter()
            .map(|field| field_tokens(field, TokenStream::new(), imports))
            .collect();
        let writer = object_writer(name, shape);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name {
                #(#fields)*
            }

            #writer

            #reader
        };
    };
    let names: Vec<&Name> = shape.fields.iter().map(|field| &field.name).collect();
    let rule = pick_rule(&names);
    let rename_all = rule.map(|rule| quote!(#[serde(rename_all = #rule)]));
    let fields: Vec<TokenStream> = shape
        .fields
        .iter()
        .map(|field| field_tokens(field, serde_attributes(field, rule), imports))
        .collect();
    let field = ident(&additional.field);
    let map = imports.type_tokens(&TypeRef::Map(Box::new(additional.value.clone())));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default Serialize)]
        #rename_all
        pub struct #name {
            #(#fields)*
            /// Properties not named above, kept so that nothing the server sends is lost.
            #[serde(flatten)]
            pub #field: #map,
        }

        #reader
    }
}

/// `Serialize` for a struct, written out as one chain of `runtime::ObjectWriter` calls in the
/// order of the fields: the same serializer calls as serde's derive, which writes a branch and
/// an early return per field and costs a large spec's crate about a third of its check time.
/// An absent optional property is skipped, a `writeOnly` one is skipped in a server's reply,
/// and `len` counts exactly the properties written (formats such as MessagePack write it).
fn object_writer(name: &proc_macro2::Ident, shape: &Struct) -> TokenStream {
    let mut always = 0usize;
    let mut counted = Vec::new();
    let mut calls = Vec::new();
    for field in &shape.fields {
        let member = ident(&field.name.rust);
        let wire = &field.name.wire;
        let optional = matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable
        );
        let (method, sent) = match (field.constraints.write_only, optional) {
            (false, false) => {
                always += 1;
                (quote!(field), None)
            }
            (false, true) => (
                quote!(optional),
                Some(quote!(usize::from(self.#member.is_some()))),
            ),
            (true, false) => (
                quote!(write_only),
                Some(quote!(usize::from(!runtime::replying(&self.#member)))),
            ),
            (true, true) => (
                quote!(optional_write_only),
                Some(quote!(usize::from(!runtime::absent_or_replying(&self.#member)))),
            ),
        };
        counted.extend(sent);
        calls.push(quote!(.#method(#wire, &self.#member)));
    }
    let rust_name = unraw(name);
    // The properties always written, then one term per property that may be left out.
    if always > 0 || counted.is_empty() {
        let always = proc_macro2::Literal::usize_unsuffixed(always);
        counted.insert(0, quote!(#always));
    }
    let (count, len) = match counted.as_slice() {
        [only] => (None, only.clone()),
        _ => (Some(quote!(let len = #(#counted)+*;)), quote!(len)),
    };
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #count
                runtime::ObjectWriter::start(serializer, #rust_name, #len)
                    #(#calls)*
                    .end()
            }
        }
    }
}

/// `Deserialize` for a struct, written out: one loop over the object's keys, a `match` arm per
/// property that reads it with `runtime::read_into` (one `?` for the whole `match`, and a
/// `let … else` per required property: an early return per property is much of what a body
/// costs to type-check). serde's derive writes about five times the code per field (a field enum with three
/// visitors, reading from a sequence too, and a wrapper type per `deserialize_with`), which is
/// most of what a large spec's models cost to compile. An absent optional property is `None`;
/// one that is not nullable refuses `null`, since `T` does; a nullable one reads `null` as
/// `Some(None)`; a missing required one is an error naming it.
fn object_reader(
    name: &proc_macro2::Ident,
    shape: &Struct,
    closed: bool,
    imports: &mut Imports,
    runtime: &mut RuntimeUse,
) -> TokenStream {
    runtime.reader = true;
    imports.note_runtime();
    let expecting = format!("an object (`{name}`)");
    // The properties' locals never take the names of the visitor's own (`map`, `key`), nor
    // ones clippy refuses for a binding (`foo`).
    let mut scope = Scope::default();
    for taken in ["map", "key", "self"].iter().chain(&PLACEHOLDER_NAMES) {
        scope.try_claim(taken);
    }
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut checks = Vec::new();
    let mut inits = Vec::new();
    for field in &shape.fields {
        let field_name = ident(&field.name.rust);
        let local = ident(&scope.claim(field.name.rust.clone()));
        let wire = &field.name.wire;
        locals.push(quote!(let mut #local = None;));
        arms.push(quote!(#wire => runtime::read_into(&mut map, &mut #local),));
        let value = match field.presence {
            Presence::Required => {
                checks.push(quote! {
                    let Some(#local) = #local else {
                        return Err(runtime::missing(#wire));
                    };
                });
                quote!(#local)
            }
            Presence::RequiredNullable => quote!(#local.flatten()),
            Presence::Optional | Presence::OptionalNullable => quote!(#local),
        };
        inits.push(
            if local == field_name && field.presence != Presence::RequiredNullable {
                quote!(#field_name,)
            } else {
                quote!(#field_name: #value,)
            },
        );
    }
    let other = match &shape.additional_properties {
        Some(additional) => {
            let field_name = ident(&additional.field);
            let extra = ident(&scope.claim(additional.field.clone()));
            locals.push(quote!(let mut #extra = BTreeMap::new();));
            inits.push(if extra == field_name {
                quote!(#extra,)
            } else {
                quote!(#field_name: #extra,)
            });
            quote!(_ => runtime::read_extra(&mut map, &mut #extra, key),)
        }
        // `additionalProperties: false`: a server refuses other keys (`runtime::closed`).
        None if closed => quote!(_ => runtime::unknown(&mut map, key.as_str()),),
        None => quote!(_ => runtime::skip(&mut map),),
    };
    let read = if arms.is_empty() && shape.additional_properties.is_none() && !closed {
        quote! {
            while map.next_key::<runtime::Key>()?.is_some() {
                runtime::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<runtime::Key>()? {
                match key.as_str() {
                    #(#arms)*
                    #other
                }?;
            }
        }
    };
    // Any name but the model's own: the visitor's `Value` is the model.
    let visitor = ident(&format!("{}Visitor", unraw(name)));
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct #visitor;

                impl<'de> serde::de::Visitor<'de> for #visitor {
                    type Value = #name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#locals)*
                        #read
                        #(#checks)*
                        Ok(#name { #(#inits)* })
                    }
                }

                deserializer.deserialize_map(#visitor)
            }
        }
    }
}

/// A struct's field, with `serde_attr` (empty unless serde's derive writes the struct).
fn field_tokens(field: &Field, serde_attr: TokenStream, imports: &mut Imports) -> TokenStream {
    let mut docs = or_fallback(&field.docs, format!("The `{}` property.", field.name.wire));
    if field.presence == Presence::OptionalNullable {
        docs.lines.push(String::new());
        docs.lines.push(
            "`None` when the property is absent, `Some(None)` when it is `null`; each is sent back as it came."
                .to_owned(),
        );
    }
    let docs = doc_attrs(&docs);
    let name = ident(&field.name.rust);
    let mut ty = imports.type_tokens(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let ty = match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(Option<Option<#ty>>),
    };
    quote! {
        #docs
        #serde_attr
        pub #name: #ty,
    }
}

/// What serde's derive needs to write `field` as the spec says: its wire name where `rule` does
/// not give it, and when to leave it out (absent, or `writeOnly` in a server's reply).
fn serde_attributes(field: &Field, rule: Option<&str>) -> TokenStream {
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if needs_own_rename(&field.name, rule) {
        let wire = &field.name.wire;
        serde_args.push(quote!(rename = #wire));
    }
    // A `writeOnly` property is left out of a server's replies (`runtime::Replying`).
    let write_only = field.constraints.write_only;
    let absent = if write_only {
        "crate::runtime::absent_or_replying"
    } else {
        "Option::is_none"
    };
    match field.presence {
        Presence::Required | Presence::RequiredNullable if write_only => {
            serde_args.push(quote!(skip_serializing_if = "crate::runtime::replying"));
        }
        Presence::Required | Presence::RequiredNullable => {}
        Presence::Optional | Presence::OptionalNullable => {
            serde_args.push(quote!(skip_serializing_if = #absent));
        }
    }
    // One attribute per concern (the wire name, absence), each short enough for a line.
    serde_args
        .iter()
        .map(|args| quote!(#[serde(#args)]))
        .collect()
}

/// A union without a tag: a value is read as the first member that reads it, in the spec's order,
/// through the runtime's `Untagged` (serde's `untagged` derive, which does the same, costs a large
/// spec's crate about twice as much to check).
fn union_item(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    imports: &mut Imports,
) -> TokenStream {
    let members = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = imports.type_tokens(&variant.ty);
        let ty = if variant.boxed { quote!(Box<#ty>) } else { ty };
        let doc = match &variant.ty {
            TypeRef::Named(model) => format!(" The [`{model}`] member."),
            _ => format!(" The `{}` member.", variant.name),
        };
        quote! {
            #[doc = #doc]
            #variant_name(#ty),
        }
    });
    let writer = member_writer(name, variants);
    let reads = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        quote! {
            if let Some(member) = value.member() {
                return Ok(Self::#variant_name(member));
            }
        }
    });
    let rust_name = unraw(name);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#members)*
        }

        #writer

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = runtime::Untagged::read(deserializer)?;
                #(#reads)*
                Err(value.unmatched(#rust_name))
            }
        }
    }
}

/// `Serialize` for a union: the value is written as its member writes itself (what serde's
/// `untagged` derive does, without a proc macro's expansion per union).
fn member_writer(name: &proc_macro2::Ident, variants: &[UnionVariant]) -> TokenStream {
    let arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        quote!(Self::#variant_name(value) => value.serialize(serializer),)
    });
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// A union whose variant is chosen by the `property` of a value (its tag): written as its member
/// writes itself (`member_writer`; the member declares the property, so the tag is written
/// once), and read by hand, through the runtime's `Tagged`, as the member the tag names.
/// serde's own `#[serde(tag = …)]` would take the property away before the member reads it.
fn tagged_union_item(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    property: &str,
    imports: &mut Imports,
) -> TokenStream {
    let items = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = imports.type_tokens(&variant.ty);
        let ty = if variant.boxed { quote!(Box<#ty>) } else { ty };
        let member = match &variant.ty {
            TypeRef::Named(model) => format!("[`{model}`]"),
            _ => format!("`{}`", variant.name),
        };
        let doc = match variant.tags.as_slice() {
            [] => format!(
                " {member}, never read: the tag that would select it selects another variant."
            ),
            tags => format!(" {member}, read when `{property}` is {}.", either_of(tags)),
        };
        quote! {
            #[doc = #doc]
            #variant_name(#ty),
        }
    });
    let arms = variants
        .iter()
        .filter(|variant| !variant.tags.is_empty())
        .map(|variant| {
            let variant_name = ident(&variant.name);
            let tags = &variant.tags;
            quote!(#(#tags)|* => tagged.into_member().map(Self::#variant_name),)
        });
    let expected = variants.iter().flat_map(|variant| &variant.tags);
    let writer = member_writer(name, variants);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#items)*
        }

        #writer

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                let tagged = runtime::Tagged::read(deserializer, #property)?;
                match tagged.tag() {
                    #(#arms)*
                    _ => Err(tagged.unknown(&[#(#expected),*])),
                }
            }
        }
    }
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn either_of(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A string enum that keeps unknown values. Its serde impls are written out rather than
/// derived: serde's derive for an enum with an `untagged` variant buffers the value and tries each
/// variant, which costs far more to compile (thousands of enums in a large spec) than a `match`.
fn enum_item(docs: &TokenStream, name: &proc_macro2::Ident, shape: &StringEnum) -> TokenStream {
    let other = ident(&shape.other_variant);
    let variants = shape.variants.iter().map(|variant| {
        let rust = ident(&variant.rust);
        let doc = format!(" `{}`", variant.wire);
        quote! {
            #[doc = #doc]
            #rust,
        }
    });
    let to_wire = shape.variants.iter().map(|variant| {
        let rust = ident(&variant.rust);
        let wire = &variant.wire;
        quote!(Self::#rust => #wire,)
    });
    let from_wire = shape.variants.iter().map(|variant| {
        let rust = ident(&variant.rust);
        let wire = &variant.wire;
        quote!(#wire => Self::#rust,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the spec does not list, kept as sent.
            #other(String),
        }

        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#other(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::#other(value),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A type's name as serde's derive would give it: without the `r#` of a raw identifier.
fn unraw(name: &proc_macro2::Ident) -> String {
    name.to_string().trim_start_matches("r#").to_owned()
}

fn or_fallback(docs: &Docs, fallback: String) -> Docs {
    if docs.lines.is_empty() {
        Docs {
            lines: vec![fallback],
        }
    } else {
        docs.clone()
    }
}
