//! Lowers an `openapiv3` document into the IR. The only reader of `openapiv3` types, and the place
//! where spec errors are raised: every problem becomes a `Diagnostic` with a JSON pointer, and
//! lowering carries on so one run reports them all. What is invalid but clear (a `required` name
//! with no property) is a warning, returned beside the `Api` in [`Lowered`].

mod constraints;
mod docs;
pub mod features;
mod operations;
mod pagination;
mod recursion;
mod refs;
mod schema;
mod sizes;

use std::collections::{HashMap, HashSet};

use openapiv3::OpenAPI;

use crate::diagnostics::Diagnostic;
use crate::ir::{Api, Model, ModelKind, TypeRef};
use crate::load::LoadedSpec;
use crate::naming::{Name, Scope, module_name};

/// A lowered spec and the warnings about it (the loader's first, then the lowering's).
#[derive(Debug)]
pub struct Lowered {
    /// The API.
    pub api: Api,
    /// What was read leniently, each a located warning; unsorted.
    pub warnings: Vec<Diagnostic>,
}

/// Lowers one loaded spec into an `Api` named after `stem` (the spec's file name without extension).
pub fn lower(spec: &LoadedSpec, stem: &str) -> Result<Lowered, Vec<Diagnostic>> {
    let document = &spec.document;
    let mut lowerer = Lowerer {
        file: &spec.display_path,
        document,
        diagnostics: Vec::new(),
        warnings: spec.warnings.clone(),
        types: Scope::default(),
        schema_types: HashMap::new(),
        shared_types: HashMap::new(),
        inline_models: HashMap::new(),
        models: Vec::new(),
        pagination: pagination::Rule::default(),
    };
    match pagination::rule(
        document.extensions.get(pagination::EXTENSION),
        &pagination::Rule::default(),
        true,
        &spec.display_path,
        &crate::diagnostics::Pointer::root().join(pagination::EXTENSION),
    ) {
        Ok(rule) => lowerer.pagination = rule,
        Err(diagnostic) => lowerer.error(diagnostic),
    }
    lowerer.register_component_schemas();
    lowerer.lower_component_schemas();
    let security_schemes = lowerer.security_schemes();
    let operations = lowerer.operations();
    let Lowerer {
        diagnostics,
        warnings,
        mut models,
        ..
    } = lowerer;
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    recursion::drop_union_self_members(&mut models);
    recursion::wrap_recursive_aliases(&mut models);
    recursion::box_recursive_fields(&mut models);
    merge_identical_models(&mut models);
    box_large_union_members(&mut models);
    let api = Api {
        module: Name {
            rust: module_name(stem),
            wire: stem.to_owned(),
        },
        source: spec.display_path.clone(),
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        docs: docs::docs(None, document.info.description.as_deref()),
        servers: document.servers.iter().map(server_url).collect(),
        models,
        operations,
        security_schemes,
        groups: Vec::new(),
        other_schemas: None,
    };
    let mut api = api;
    features::assign(&mut api);
    Ok(Lowered { api, warnings })
}

/// State shared by the lowering passes over one document.
struct Lowerer<'doc> {
    file: &'doc str,
    document: &'doc OpenAPI,
    diagnostics: Vec<Diagnostic>,
    /// Located warnings: what was read leniently.
    warnings: Vec<Diagnostic>,
    /// Type names taken in the API's module.
    types: Scope,
    /// Component schema key → Rust type name.
    schema_types: HashMap<&'doc str, String>,
    /// Types already derived for inline schemas inside shared components (a parameter used by
    /// several operations gets one type, not one per use), keyed by the component's pointer.
    shared_types: HashMap<String, TypeRef>,
    /// Models already made for inline schemas, keyed by the schema's pointer: an inline schema
    /// reached again (an `allOf` inside a component that refers back to that component) is the
    /// same type, not a new one nested inside itself without end.
    inline_models: HashMap<String, String>,
    models: Vec<Model>,
    /// Which operations are paginated, from the root's `x-apigen-pagination` or the default.
    pagination: pagination::Rule,
}

impl Lowerer<'_> {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn warn(&mut self, warning: Diagnostic) {
        self.warnings.push(warning);
    }
}

/// Makes each struct or string enum that is identical to an earlier one (the same fields with
/// the same types, names and docs, or the same values) an alias of it. Large specs repeat small
/// shapes under many names (Stripe's `object: "list"` enums, its `metadata` objects): one type
/// and its impls compile once, and every name still exists.
const MERGE_PASSES: usize = 6;

fn merge_identical_models(models: &mut [Model]) {
    // Which earlier model each merged one now names: a struct whose fields differ only in naming
    // merged types is identical too, so passes repeat until nothing merges (a few at most: each
    // pass is linear, and a hostile spec must not make them quadratic).
    let mut merged: HashMap<String, String> = HashMap::new();
    for _ in 0..MERGE_PASSES {
        let mut first: HashMap<String, String> = HashMap::new();
        let mut changed = false;
        for model in models.iter_mut() {
            let key = match &model.kind {
                ModelKind::Enum(_) => format!("{:?}", model.kind),
                ModelKind::Struct(shape) => {
                    let mut shape = shape.clone();
                    for field in &mut shape.fields {
                        canonical(&mut field.ty, &merged);
                    }
                    if let Some(extra) = &mut shape.additional_properties {
                        canonical(&mut extra.value, &merged);
                    }
                    // Constraints are part of the shape: a server checks them.
                    format!("{shape:?} {:?}", model.constraints)
                }
                _ => continue,
            };
            match first.get(&key) {
                Some(same) => {
                    if model.docs.lines.is_empty() {
                        let wire = &model.name.wire;
                        model.docs.lines.push(format!("The `{wire}` schema."));
                    }
                    model.docs.push_paragraph(format!(
                        "The same type as [`{same}`]: the spec gives both the same shape."
                    ));
                    merged.insert(model.name.rust.clone(), same.clone());
                    model.kind = ModelKind::Alias(TypeRef::Named(same.clone()));
                    changed = true;
                }
                None => {
                    first.insert(key, model.name.rust.clone());
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// `ty` with every merged model named by the model it is now an alias of.
fn canonical(ty: &mut TypeRef, merged: &HashMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(same) = merged.get(name) {
                *name = same.clone();
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => canonical(inner, merged),
        TypeRef::Primitive(_) | TypeRef::Json => {}
    }
}

/// Marks the models whose values are large (`Model::large`, from `sizes::estimate`) and boxes
/// the members of untagged unions that are: an enum is as large as its largest variant, so
/// `Either::Text(String)` beside a 40-field struct would make every value of the union that large
/// (clippy's `large_enum_variant`).
fn box_large_union_members(models: &mut [Model]) {
    let large: HashSet<String> = sizes::large_models(models);
    for model in models.iter_mut() {
        model.large = large.contains(&model.name.rust);
        if let ModelKind::Union(union) = &mut model.kind {
            for variant in union.variants.iter_mut() {
                if let TypeRef::Named(name) = &variant.ty {
                    variant.boxed |= large.contains(name);
                }
            }
        }
    }
}

/// A server URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}
