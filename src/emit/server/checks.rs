//! Constraint checks for the models and requests of one API's server: which models hold a
//! constraint somewhere (`check_holders`, one backwards walk), an `impl Checked` for each of
//! them, and the `static` `Rules` of each position, which the runtime's generic walk reads
//! (`templates/runtime/validate.rs`). A model or request with no constraints gets no code.

use std::collections::{HashMap, HashSet};

use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::super::types::{Gate, ident};
use super::Emitter;
use crate::ir::{Constraints, Format, Model, ModelKind, Number, Presence, Primitive, TypeRef};
use crate::naming::Scope;

/// The `static` items (rules and patterns) checks need, in one scope: a group module, whose
/// requests share them, or the server file's root, whose models' `Checked` impls do. Identical rules are one
/// static (Stripe says `maxLength: 5000` on some 1,800 fields), under the gate of all its users.
#[derive(Default)]
pub(super) struct Statics {
    names: Scope,
    items: Vec<(TokenStream, Gate)>,
    /// Each item's index and name, by the text of what it holds.
    by_text: HashMap<String, (usize, String)>,
    /// The gate of the code being written, which each item it uses is widened to.
    gate: Gate,
}

impl Statics {
    /// The static items, each under the gate of the code that uses it.
    pub(super) fn gated_items(self) -> Vec<TokenStream> {
        let items = self.items.into_iter();
        items
            .map(|(item, gate)| {
                let cfg = gate.cfg();
                quote!(#cfg #item)
            })
            .collect()
    }

    /// Keeps `name` (an item of the same scope, such as `SECURITY`) from the statics.
    pub(super) fn reserve(&mut self, name: &str) {
        self.names.try_claim(name);
    }

    /// Items used from now on are used under `gate`.
    pub(super) fn set_gate(&mut self, gate: Gate) {
        self.gate = gate;
    }

    /// The name of the static holding `text` (an initializer, or a pattern's source): the one
    /// already made, or a new one named `hint`, written by `item`.
    fn add(
        &mut self,
        hint: String,
        text: String,
        item: impl FnOnce(&proc_macro2::Ident) -> TokenStream,
    ) -> String {
        if let Some((index, name)) = self.by_text.get(&text) {
            if let Some((_, gate)) = self.items.get_mut(*index) {
                gate.widen(&self.gate);
            }
            return name.clone();
        }
        let name = self.names.claim(hint);
        let tokens = item(&ident(&name));
        self.by_text.insert(text, (self.items.len(), name.clone()));
        self.items.push((tokens, self.gate.clone()));
        name
    }
}

impl Emitter<'_> {
    /// The constraints a position of type `ty` has: its own, and for a name that is an alias,
    /// the alias's (a model of another kind checks its own); items' alike.
    pub(super) fn effective(&self, own: &Constraints, ty: &TypeRef) -> Constraints {
        let mut constraints = own.clone();
        match ty {
            TypeRef::Named(name) => {
                if let Some(aliased) = self.alias_constraints(name) {
                    merge(&mut constraints, &aliased);
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) => {
                let items = constraints
                    .items
                    .take()
                    .map(|items| *items)
                    .unwrap_or_default();
                let items = self.effective(&items, inner);
                constraints.items = (!items.is_empty()).then(|| Box::new(items));
            }
            TypeRef::Primitive(_) | TypeRef::Json => {}
        }
        walked(&mut constraints);
        constraints
    }

    /// The model a position of type `ty` finally holds, through aliases, arrays and maps: the
    /// one whose `Checked` a walk of it calls.
    fn leaf_model(&self, ty: &TypeRef) -> Option<String> {
        let mut name = ty.model()?;
        for _ in 0..=self.api.models.len() {
            let model = self.model_named.get(name).copied()?;
            match &model.kind {
                ModelKind::Alias(target) => name = target.model()?,
                _ => return Some(name.to_owned()),
            }
        }
        None
    }

    /// The models whose `Checked` a walk calls: every model a checked position finally holds
    /// (a string enum, a struct without constraints, …). Those that hold no constraint get an
    /// impl that checks nothing.
    pub(super) fn find_checked_leaves(&mut self) {
        let leaves = std::cell::RefCell::new(HashSet::new());
        let visit_leaf = |emitter: &Self, ty: &TypeRef| {
            leaves.borrow_mut().extend(emitter.leaf_model(ty));
        };
        let visit = |emitter: &Self, own: &Constraints, ty: &TypeRef| {
            let own = emitter.effective(own, ty);
            if emitter.is_checked(&own, ty) {
                visit_leaf(emitter, ty);
            }
        };
        for model in &self.api.models {
            let name = model.name.rust.as_str();
            if !self.check_holders.contains(name) || !self.request_models.contains(name) {
                continue;
            }
            match &model.kind {
                ModelKind::Struct(shape) => {
                    for field in &shape.fields {
                        // As the struct's walk checks it: `readOnly` included.
                        if self.is_checked(&self.field_checks(field), &field.ty) {
                            visit_leaf(self, &field.ty);
                        }
                    }
                    if let Some(extra) = &shape.additional_properties {
                        visit(self, &Constraints::default(), &extra.value);
                    }
                }
                ModelKind::Alias(target) | ModelKind::Newtype(target) => {
                    visit(self, &model.constraints, target);
                }
                ModelKind::Union(union) => {
                    for variant in &union.variants {
                        visit(self, &Constraints::default(), &variant.ty);
                    }
                }
                ModelKind::Enum(_) => {}
            }
        }
        for operation in &self.api.operations {
            for parameter in &operation.parameters {
                visit(self, &parameter.constraints, &parameter.ty);
            }
            let body = operation.request_body.as_ref();
            for content in body.into_iter().flat_map(|body| &body.contents) {
                if let Some(ty) = &content.ty {
                    visit(self, &content.constraints, ty);
                }
            }
        }
        self.checked_leaves = leaves.into_inner();
    }

    /// The constraints a struct's walk checks on `field`: its effective ones, and `readOnly` on
    /// an optional property (a required property is always there: `readOnly` on it speaks of
    /// replies).
    fn field_checks(&self, field: &crate::ir::Field) -> Constraints {
        let mut own = self.effective(&field.constraints, &field.ty);
        own.read_only = field.constraints.read_only
            && matches!(
                field.presence,
                Presence::Optional | Presence::OptionalNullable
            );
        own
    }

    /// The constraints an alias (or chain of aliases) adds to what it names, with its target's.
    fn alias_constraints(&self, name: &str) -> Option<Constraints> {
        let mut name = name;
        // A chain of aliases is at most as long as the list of models (cycles are refused).
        for _ in 0..=self.api.models.len() {
            let model = self.model_named.get(name).copied()?;
            let ModelKind::Alias(target) = &model.kind else {
                return None;
            };
            let effective = self.effective(&model.constraints, target);
            match target {
                TypeRef::Named(next) if effective.is_empty() => name = next,
                _ => return Some(effective),
            }
        }
        None
    }

    /// Whether a position of type `ty` with `constraints` (already effective) is walked.
    pub(super) fn is_checked(&self, constraints: &Constraints, ty: &TypeRef) -> bool {
        if leaf_is_binary(ty) {
            return false;
        }
        !constraints.is_empty()
            || ty
                .model()
                .is_some_and(|name| self.check_holders.contains(name))
    }

    /// The `Rules` a walk of a position reads: `&Rules::NONE`, or `&NAME` for a `static NAME`
    /// added to `statics`.
    pub(super) fn rules_ref(
        &mut self,
        statics: &mut Statics,
        hint: &str,
        constraints: &Constraints,
    ) -> TokenStream {
        let rules = self.check_item("Rules");
        if constraints.is_empty() {
            return quote!(&#rules::NONE);
        }
        let hint = describe(constraints).unwrap_or_else(|| static_name(hint));
        let expression = self.rules_expression(statics, &hint, constraints);
        let text = expression.to_string();
        let name = statics.add(
            hint,
            text,
            |name| quote!(static #name: #rules = #expression;),
        );
        let name = ident(&name);
        quote!(&#name)
    }

    fn rules_expression(
        &mut self,
        statics: &mut Statics,
        name: &str,
        constraints: &Constraints,
    ) -> TokenStream {
        let mut fields = Vec::new();
        let count = |value: u64| Literal::u64_unsuffixed(value);
        if let Some(min) = constraints.min_length {
            let min = count(min);
            fields.push(quote!(min_length: Some(#min),));
        }
        if let Some(max) = constraints.max_length {
            let max = count(max);
            fields.push(quote!(max_length: Some(#max),));
        }
        if let Some(pattern) = &constraints.pattern {
            let pattern_type = self.check_item("Pattern");
            let text = format!("pattern {pattern}");
            let pattern_name = statics.add(format!("{name}_PATTERN"), text, |pattern_name| {
                quote!(static #pattern_name: #pattern_type = #pattern_type::new(#pattern);)
            });
            let pattern_name = ident(&pattern_name);
            fields.push(quote!(pattern: Some(&#pattern_name),));
        }
        if let Some(format) = constraints.format {
            let format_type = self.check_item("Format");
            let variant = ident(match format {
                Format::Email => "Email",
                Format::Ipv4 => "Ipv4",
                Format::Ipv6 => "Ipv6",
                Format::Byte => "Byte",
                Format::Uri => "Uri",
            });
            fields.push(quote!(format: Some(#format_type::#variant),));
        }
        if let Some((minimum, exclusive)) = constraints.minimum {
            let minimum = self.limit(minimum);
            fields.push(quote!(minimum: Some(#minimum),));
            if exclusive {
                fields.push(quote!(exclusive_minimum: true,));
            }
        }
        if let Some((maximum, exclusive)) = constraints.maximum {
            let maximum = self.limit(maximum);
            fields.push(quote!(maximum: Some(#maximum),));
            if exclusive {
                fields.push(quote!(exclusive_maximum: true,));
            }
        }
        if let Some(step) = constraints.multiple_of {
            let step = self.limit(step);
            fields.push(quote!(multiple_of: Some(#step),));
        }
        if let Some(min) = constraints.min_items {
            let min = count(min);
            fields.push(quote!(min_items: Some(#min),));
        }
        if let Some(max) = constraints.max_items {
            let max = count(max);
            fields.push(quote!(max_items: Some(#max),));
        }
        if constraints.unique_items {
            fields.push(quote!(unique_items: true,));
        }
        if let Some(min) = constraints.min_properties {
            let min = count(min);
            fields.push(quote!(min_properties: Some(#min),));
        }
        if let Some(max) = constraints.max_properties {
            let max = count(max);
            fields.push(quote!(max_properties: Some(#max),));
        }
        if constraints.read_only {
            fields.push(quote!(read_only: true,));
        }
        if let Some(items) = constraints
            .items
            .as_deref()
            .filter(|items| !items.is_empty())
        {
            let items = self.rules_expression(statics, &format!("{name}_ITEM"), items);
            fields.push(quote!(items: Some(&#items),));
        }
        let rules = self.check_item("Rules");
        if fields.is_empty() {
            return quote!(#rules::NONE);
        }
        quote!(#rules { #(#fields)* ..#rules::NONE })
    }

    fn limit(&mut self, number: Number) -> TokenStream {
        let limit = self.check_item("Limit");
        match number {
            Number::Int(value) => {
                let magnitude = Literal::u64_unsuffixed(value.unsigned_abs());
                let sign = (value < 0).then(|| quote!(-));
                quote!(#limit::Int(#sign #magnitude))
            }
            Number::Float(value) => {
                let magnitude = Literal::f64_unsuffixed(value.abs());
                let sign = (value < 0.0).then(|| quote!(-));
                quote!(#limit::Float(#sign #magnitude))
            }
        }
    }

    /// `Checked` for `model` if a value of it may break a constraint, or if a checked position
    /// names it (then checking it does nothing). Aliases have none: their constraints are their
    /// positions'.
    pub(super) fn checked_impl(
        &mut self,
        model: &Model,
        statics: &mut Statics,
    ) -> Option<TokenStream> {
        let name_str = model.name.rust.as_str();
        if !self.request_models.contains(name_str) {
            return None; // only replies hold it: a server never checks it
        }
        let holds = self.check_holders.contains(name_str);
        let named = self.checked_leaves.contains(name_str);
        if matches!(model.kind, ModelKind::Alias(_)) || !(holds || named) {
            return None;
        }
        let name = self.type_tokens(&TypeRef::Named(model.name.rust.clone()));
        let checked = self.check_item("Checked");
        let rules_type = self.check_item("Rules");
        let walk_type = self.check_item("Walk");
        if !holds {
            return Some(quote! {
                impl #checked for #name {
                    fn check<'a>(&'a self, _rules: &#rules_type, _walk: &mut #walk_type<'a>) {}
                }
            });
        }
        let mut uses_rules = false;
        let body = match &model.kind {
            ModelKind::Alias(_) | ModelKind::Enum(_) => return None,
            ModelKind::Newtype(inner) => {
                let own = self.effective(&model.constraints, inner);
                let rules = if own.is_empty() {
                    uses_rules = true;
                    quote!(rules)
                } else {
                    self.rules_ref(statics, "own", &own)
                };
                quote!(self.0.check(#rules, walk);)
            }
            ModelKind::Union(union) => {
                let mut arms = Vec::new();
                for variant in &union.variants {
                    let own = self.effective(&Constraints::default(), &variant.ty);
                    if !self.is_checked(&own, &variant.ty) {
                        continue;
                    }
                    // A member that is an alias brings its own rules; others check by the
                    // union's position.
                    let rules = if own.is_empty() {
                        uses_rules = true;
                        quote!(rules)
                    } else {
                        self.rules_ref(statics, &variant.name, &own)
                    };
                    arms.push((ident(&variant.name), rules));
                }
                match arms.as_slice() {
                    // One member checked of several: `if let` (clippy's `single_match`).
                    [(variant, rules)] if union.variants.len() > 1 => quote! {
                        if let Self::#variant(value) = self {
                            value.check(#rules, walk);
                        }
                    },
                    _ => {
                        let rest = (arms.len() < union.variants.len()).then(|| quote!(_ => {}));
                        let arms = arms.iter().map(|(variant, rules)| {
                            quote!(Self::#variant(value) => value.check(#rules, walk),)
                        });
                        quote! {
                            match self {
                                #(#arms)*
                                #rest
                            }
                        }
                    }
                }
            }
            ModelKind::Struct(shape) => {
                let mut checks = Vec::new();
                for field in &shape.fields {
                    let own = self.field_checks(field);
                    if !self.is_checked(&own, &field.ty) {
                        continue;
                    }
                    let rules = self.rules_ref(statics, &field.name.rust, &own);
                    let wire = &field.name.wire;
                    let field_name = ident(&field.name.rust);
                    checks.push(quote!(walk.field(#wire, &self.#field_name, #rules);));
                }
                if let Some(extra) = &shape.additional_properties {
                    let values = self.effective(&Constraints::default(), &extra.value);
                    if self.is_checked(&values, &extra.value) {
                        let map = Constraints {
                            items: Some(Box::new(values)),
                            ..Constraints::default()
                        };
                        let rules = self.rules_ref(statics, &extra.field, &map);
                        let field_name = ident(&extra.field);
                        checks.push(quote!(walk.entries(&self.#field_name, #rules);));
                    }
                }
                let own = &model.constraints;
                if own.min_properties.is_some() || own.max_properties.is_some() {
                    let count_present = self.check_item("count_present");
                    let present = shape.fields.iter().map(|field| {
                        let field_name = ident(&field.name.rust);
                        match field.presence {
                            Presence::Optional | Presence::OptionalNullable => {
                                quote!(self.#field_name.is_some())
                            }
                            Presence::Required | Presence::RequiredNullable => quote!(true),
                        }
                    });
                    let extra = shape.additional_properties.as_ref().map(|extra| {
                        let field_name = ident(&extra.field);
                        quote!(+ self.#field_name.len())
                    });
                    let counts = Constraints {
                        min_properties: own.min_properties,
                        max_properties: own.max_properties,
                        ..Constraints::default()
                    };
                    let rules = self.rules_ref(statics, "properties", &counts);
                    checks.push(quote! {
                        walk.properties(#count_present(&[#(#present),*]) #extra, #rules);
                    });
                }
                quote!(#(#checks)*)
            }
        };
        let rules_name = if uses_rules {
            quote!(rules)
        } else {
            quote!(_rules)
        };
        Some(quote! {
            impl #checked for #name {
                fn check<'a>(&'a self, #rules_name: &#rules_type, walk: &mut #walk_type<'a>) {
                    #body
                }
            }
        })
    }
}

/// Leaves out what a walk does not check: `readOnly` (checked on properties only, by their
/// struct), `writeOnly` (replies) and `additionalProperties: false` (refused while reading).
fn walked(constraints: &mut Constraints) {
    constraints.read_only = false;
    constraints.write_only = false;
    constraints.closed = false;
    if let Some(items) = &mut constraints.items {
        walked(items);
        if items.is_empty() {
            constraints.items = None;
        }
    }
}

/// The models a request (a parameter or a body) may hold, directly or through others.
pub(super) fn request_models<'a>(
    api: &'a crate::ir::Api,
    model_named: &HashMap<&'a str, &'a Model>,
) -> HashSet<&'a str> {
    let mut pending: Vec<&'a str> = Vec::new();
    for operation in &api.operations {
        pending.extend(operation.parameters.iter().filter_map(|p| p.ty.model()));
        let body = operation.request_body.as_ref();
        let contents = body.into_iter().flat_map(|body| &body.contents);
        pending.extend(contents.filter_map(|content| content.ty.as_ref()?.model()));
    }
    let mut reached = HashSet::new();
    while let Some(name) = pending.pop() {
        let Some(model) = model_named.get(name) else {
            continue;
        };
        if !reached.insert(name) {
            continue;
        }
        match &model.kind {
            ModelKind::Struct(shape) => {
                pending.extend(shape.fields.iter().filter_map(|field| field.ty.model()));
                let extra = shape.additional_properties.as_ref();
                pending.extend(extra.and_then(|extra| extra.value.model()));
            }
            ModelKind::Alias(target) | ModelKind::Newtype(target) => pending.extend(target.model()),
            ModelKind::Union(union) => {
                pending.extend(
                    union
                        .variants
                        .iter()
                        .filter_map(|variant| variant.ty.model()),
                );
            }
            ModelKind::Enum(_) => {}
        }
    }
    reached
}

/// Fills in from `from` what `into` does not say.
fn merge(into: &mut Constraints, from: &Constraints) {
    into.min_length = into.min_length.or(from.min_length);
    into.max_length = into.max_length.or(from.max_length);
    if into.pattern.is_none() {
        into.pattern.clone_from(&from.pattern);
    }
    into.format = into.format.or(from.format);
    into.minimum = into.minimum.or(from.minimum);
    into.maximum = into.maximum.or(from.maximum);
    into.multiple_of = into.multiple_of.or(from.multiple_of);
    into.min_items = into.min_items.or(from.min_items);
    into.max_items = into.max_items.or(from.max_items);
    into.unique_items |= from.unique_items;
    into.min_properties = into.min_properties.or(from.min_properties);
    into.max_properties = into.max_properties.or(from.max_properties);
    into.closed |= from.closed;
    into.read_only |= from.read_only;
    into.write_only |= from.write_only;
    if into.items.is_none() {
        into.items.clone_from(&from.items);
    }
}

/// Whether the innermost type of `ty` is `Binary` (file parts): nothing to check in it.
fn leaf_is_binary(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(primitive) => *primitive == Primitive::Binary,
        TypeRef::Array(inner) | TypeRef::Map(inner) => leaf_is_binary(inner),
        TypeRef::Named(_) | TypeRef::Json => false,
    }
}

/// A name saying what rules hold, for the common ones (`MAX_LENGTH_5000`, `MIN_1_MAX_12`),
/// so a static shared by many fields reads right at each; `None` for a pattern, nested rules or
/// a long list, which are named after their first user.
fn describe(constraints: &Constraints) -> Option<String> {
    if constraints.pattern.is_some() || constraints.items.is_some() {
        return None;
    }
    let number = |number: Number| {
        let text = match number {
            Number::Int(value) => value.to_string(),
            Number::Float(value) => value.to_string(),
        };
        text.replace('-', "MINUS_").replace('.', "_")
    };
    let mut parts: Vec<String> = Vec::new();
    let counts = [
        ("MIN_LENGTH", constraints.min_length),
        ("MAX_LENGTH", constraints.max_length),
        ("MIN_ITEMS", constraints.min_items),
        ("MAX_ITEMS", constraints.max_items),
        ("MIN_PROPERTIES", constraints.min_properties),
        ("MAX_PROPERTIES", constraints.max_properties),
    ];
    for (label, value) in counts {
        if let Some(value) = value {
            parts.push(format!("{label}_{value}"));
        }
    }
    if let Some((minimum, exclusive)) = constraints.minimum {
        let label = if exclusive { "ABOVE" } else { "MIN" };
        parts.push(format!("{label}_{}", number(minimum)));
    }
    if let Some((maximum, exclusive)) = constraints.maximum {
        let label = if exclusive { "BELOW" } else { "MAX" };
        parts.push(format!("{label}_{}", number(maximum)));
    }
    if let Some(step) = constraints.multiple_of {
        parts.push(format!("STEP_{}", number(step)));
    }
    if let Some(format) = constraints.format {
        parts.push(format!("{format:?}").to_ascii_uppercase());
    }
    if constraints.unique_items {
        parts.push("UNIQUE".to_owned());
    }
    if constraints.read_only {
        parts.push("READ_ONLY".to_owned());
    }
    let name = parts.join("_");
    (!name.is_empty() && name.len() <= 40).then_some(name)
}

/// `NAME` for a position named `name` (a field, `body`).
fn static_name(name: &str) -> String {
    let shouty = name.trim_start_matches("r#").to_shouty_snake_case();
    if shouty.starts_with(|c: char| c.is_ascii_alphabetic()) {
        shouty
    } else {
        format!("RULES_{shouty}")
    }
}

/// The models a value of which may break a constraint: those with constraints of their own or
/// on a property, and every model that refers to one, directly or through others. Aliases
/// count when they carry constraints, so the models naming them are walked.
pub(super) fn check_holders(models: &[Model]) -> HashSet<&str> {
    holders(models, |model| {
        let mut own = model.constraints.clone();
        walked(&mut own);
        match &model.kind {
            ModelKind::Struct(shape) => {
                let counts = own.min_properties.is_some() || own.max_properties.is_some();
                counts
                    || shape.fields.iter().any(|field| {
                        let mut constraints = field.constraints.clone();
                        walked(&mut constraints);
                        let read_only = field.constraints.read_only
                            && matches!(
                                field.presence,
                                Presence::Optional | Presence::OptionalNullable
                            );
                        (read_only || !constraints.is_empty()) && !leaf_is_binary(&field.ty)
                    })
            }
            ModelKind::Enum(_) => false,
            _ => !own.is_empty(),
        }
    })
}

/// The models a value of which may hold an object with `additionalProperties: false`, whose
/// reading as a request refuses other keys.
pub(super) fn closed_holders(models: &[Model]) -> HashSet<&str> {
    holders(models, |model| {
        model.constraints.closed && matches!(model.kind, ModelKind::Struct(_))
    })
}

/// The models a value of which may hold a `writeOnly` property, which replies leave out.
pub(super) fn write_only_holders(models: &[Model]) -> HashSet<&str> {
    holders(models, |model| match &model.kind {
        ModelKind::Struct(shape) => shape
            .fields
            .iter()
            .any(|field| field.constraints.write_only),
        _ => false,
    })
}

/// The models for which `own` holds, and every model that refers to one, directly or through
/// others: found from those backwards along references, so linear in the size of the models,
/// cycles included.
pub(super) fn holders<'a>(models: &'a [Model], own: impl Fn(&Model) -> bool) -> HashSet<&'a str> {
    let mut referrers: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
    let mut pending: Vec<&'a str> = Vec::new();
    for model in models {
        let name = model.name.rust.as_str();
        let mut refers = |ty: &'a TypeRef| {
            if let Some(target) = ty.model() {
                referrers.entry(target).or_default().push(name);
            }
        };
        match &model.kind {
            ModelKind::Struct(shape) => {
                shape.fields.iter().for_each(|field| refers(&field.ty));
                if let Some(extra) = &shape.additional_properties {
                    refers(&extra.value);
                }
            }
            ModelKind::Alias(target) | ModelKind::Newtype(target) => refers(target),
            ModelKind::Union(union) => union
                .variants
                .iter()
                .for_each(|variant| refers(&variant.ty)),
            ModelKind::Enum(_) => {}
        }
        if own(model) {
            pending.push(name);
        }
    }
    let mut found: HashSet<&str> = HashSet::new();
    while let Some(name) = pending.pop() {
        if found.insert(name) {
            pending.extend(referrers.get(name).into_iter().flatten().copied());
        }
    }
    found
}
