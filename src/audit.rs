//! Reads a generated crate back and checks that its names cannot change the wire: every model
//! field and enum value is (de)serialized under the JSON name the spec gives it, and every
//! client method and server reader sends and reads each parameter under its own name and the
//! operation's path. It works from the emitted text, parsed with syn, and applies serde's rename
//! rules as serde documents them, so it does not share the emitters' reasoning: a Rust name that
//! a keyword, a collision or a case rule changed shows up here if it leaks onto the wire.

use std::collections::HashMap;

use syn::ext::IdentExt;
use syn::visit::Visit;

use crate::ir::{Api, ModelKind, Operation};
use crate::write::Files;

/// [`wire_names`] for the crate `files` generated from `source` alone: the spec is loaded and
/// lowered again to know what the spec says.
pub fn check_spec(source: &crate::SpecSource, files: &Files) -> Vec<String> {
    let stem = std::path::Path::new(&source.display_path)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("api");
    match crate::load::load(source).and_then(|spec| crate::lower::lower(&spec, stem)) {
        Ok(lowered) => wire_names(&lowered.api, files),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    }
}

/// Every way `files`, generated from `api`, would put a name on the wire other than the spec's;
/// empty when there is none.
pub fn wire_names(api: &Api, files: &Files) -> Vec<String> {
    let mut problems = Vec::new();
    let module = &api.module.rust;
    let parse = |path: &str, problems: &mut Vec<String>| {
        let text = files.get(path)?;
        match syn::parse_file(text) {
            Ok(file) => Some(file),
            Err(error) => {
                problems.push(format!("{path} does not parse: {error}"));
                None
            }
        }
    };
    // A file with its child modules' files (`client/<group>.rs`) read into their `mod` items, so
    // the checks see the module tree whole.
    let parsed = |name: &str, problems: &mut Vec<String>| {
        let mut file = parse(&format!("src/{module}/{name}.rs"), problems)?;
        for item in &mut file.items {
            let syn::Item::Mod(declared) = item else {
                continue;
            };
            if declared.content.is_some() {
                continue;
            }
            let child = declared.ident.unraw();
            let path = format!("src/{module}/{name}/{child}.rs");
            if !files.contains_key(&path) {
                problems.push(format!("{path}: the module `{child}` has no file"));
            } else if let Some(child) = parse(&path, problems) {
                declared.content = Some((Default::default(), child.items));
            }
        }
        Some(file)
    };
    if let Some(models) = parsed("models", &mut problems) {
        check_models(api, &models, &mut problems);
    }
    if let Some(client) = parsed("client", &mut problems) {
        check_client(api, &client, &mut problems);
    }
    if let Some(server) = parsed("server", &mut problems) {
        check_server(api, &server, &mut problems);
    }
    problems
}

fn check_models(api: &Api, file: &syn::File, problems: &mut Vec<String>) {
    let mut structs = HashMap::new();
    let mut enums = HashMap::new();
    for item in items(file) {
        match item {
            syn::Item::Struct(item) => {
                structs.insert(item.ident.to_string(), item);
            }
            syn::Item::Enum(item) => {
                enums.insert(item.ident.to_string(), item);
            }
            _ => {}
        }
    }
    for model in &api.models {
        let name = &model.name.rust;
        match &model.kind {
            ModelKind::Struct(shape) => {
                let Some(item) = structs.get(name) else {
                    problems.push(format!("models.rs has no struct `{name}`"));
                    continue;
                };
                let expected: Vec<&str> =
                    shape.fields.iter().map(|f| f.name.wire.as_str()).collect();
                let written = written_keys(file, name);
                if written.is_empty() {
                    let sent = derived_keys(item);
                    if sent != expected {
                        problems.push(format!(
                            "struct `{name}` is sent with the keys {sent:?}, the spec says {expected:?}"
                        ));
                    }
                } else {
                    // Each key with the field whose value it is sent with.
                    let expected: Vec<(String, String)> = shape
                        .fields
                        .iter()
                        .map(|f| (f.name.wire.clone(), f.name.rust.clone()))
                        .collect();
                    if written != expected {
                        problems.push(format!(
                            "struct `{name}` is sent as (key, field) {written:?}, the spec says {expected:?}"
                        ));
                    }
                }
                let read = read_keys(file, name);
                if read != expected {
                    problems.push(format!(
                        "struct `{name}` is read from the keys {read:?}, the spec says {expected:?}"
                    ));
                }
            }
            ModelKind::Enum(values) => {
                if !enums.contains_key(name) {
                    problems.push(format!("models.rs has no enum `{name}`"));
                    continue;
                }
                // Written as `as_str` says and read back as `From<String>` says.
                let written = match_arms(file, name, "as_str");
                let read = match_arms(file, name, "from");
                let expected: Vec<&str> = values.variants.iter().map(|v| v.wire.as_str()).collect();
                let sent: Vec<&str> = written.iter().map(|(_, wire)| wire.as_str()).collect();
                if sent != expected {
                    problems.push(format!(
                        "enum `{name}` is sent as {sent:?}, the spec says {expected:?}"
                    ));
                }
                let mut read_back: Vec<(String, String)> = read
                    .into_iter()
                    .map(|(wire, variant)| (variant, wire))
                    .collect();
                let mut written = written;
                read_back.sort();
                written.sort();
                if read_back != written {
                    problems.push(format!(
                        "enum `{name}` reads {read_back:?} but writes {written:?}"
                    ));
                }
            }
            ModelKind::Alias(_) | ModelKind::Newtype(_) | ModelKind::Union(_) => {}
        }
    }
}

/// The arms of the `match` in `name`'s method `method` (`as_str`, or `from` of `From<String>`)
/// that pair a variant with a string literal: `(variant, literal)` for `Self::A => "a"`,
/// `(literal, variant)` for `"a" => Self::A`, in order.
fn match_arms(file: &syn::File, name: &str, method: &str) -> Vec<(String, String)> {
    let mut arms = Vec::new();
    for item in items(file) {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_type = matches!(&*block.self_ty, syn::Type::Path(ty) if ty.path.is_ident(name));
        if !is_type {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(function) = member else {
                continue;
            };
            if function.sig.ident != method {
                continue;
            }
            for statement in &function.block.stmts {
                let syn::Stmt::Expr(syn::Expr::Match(matched), _) = statement else {
                    continue;
                };
                for arm in &matched.arms {
                    let variant = |pat: &syn::Pat| match pat {
                        syn::Pat::Path(path) => {
                            path.path.segments.last().map(|s| s.ident.to_string())
                        }
                        _ => None,
                    };
                    // A long arm is printed as a block: `Self::A => { "a" }`.
                    let literal = |expr: &syn::Expr| match unblock(expr) {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(text.value()),
                        _ => None,
                    };
                    let pat_literal = match &arm.pat {
                        syn::Pat::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(text.value()),
                        _ => None,
                    };
                    let body_variant = match unblock(&arm.body) {
                        syn::Expr::Path(path) => {
                            path.path.segments.last().map(|s| s.ident.to_string())
                        }
                        _ => None,
                    };
                    if let (Some(variant), Some(wire)) = (variant(&arm.pat), literal(&arm.body)) {
                        arms.push((variant, wire));
                    } else if let (Some(wire), Some(variant)) = (pat_literal, body_variant) {
                        arms.push((wire, variant));
                    }
                }
            }
        }
    }
    arms
}

/// The expression a block of one expression holds, or `expr` itself.
fn unblock(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, None)] => unblock(inner),
            _ => expr,
        },
        _ => expr,
    }
}

/// The keys serde's derive sends a struct with: each field's `rename`, or its name under the
/// struct's `rename_all` (fields `flatten`ed are not keys).
fn derived_keys(item: &syn::ItemStruct) -> Vec<String> {
    let rule = serde_value(&item.attrs, "rename_all");
    item.fields
        .iter()
        .filter(|field| !has_serde_flag(&field.attrs, "flatten"))
        .map(|field| {
            let rust = field.ident.as_ref().map(unraw).unwrap_or_default();
            serde_value(&field.attrs, "rename")
                .unwrap_or_else(|| rename_field(rule.as_deref(), &rust))
        })
        .collect()
}

/// The `(key, field)` pairs `name`'s written-out `Serialize` impl sends, in order: the
/// `runtime::ObjectWriter` calls `.field("key", &self.field)` and its kin. Empty when the
/// struct's `Serialize` is derived.
fn written_keys(file: &syn::File, name: &str) -> Vec<(String, String)> {
    struct Writes(Vec<(String, String)>);
    impl<'ast> Visit<'ast> for Writes {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            // The receiver holds the earlier calls of the chain: visited first, they come first.
            syn::visit::visit_expr_method_call(self, call);
            let writes = ["field", "optional", "write_only", "optional_write_only"]
                .iter()
                .any(|method| call.method == method);
            let args: Vec<&syn::Expr> = call.args.iter().collect();
            if let (true, [syn::Expr::Lit(key), syn::Expr::Reference(value)]) = (writes, &args[..])
            {
                let syn::Lit::Str(key) = &key.lit else {
                    return;
                };
                let field = match &*value.expr {
                    syn::Expr::Field(syn::ExprField {
                        member: syn::Member::Named(field),
                        ..
                    }) => unraw(field),
                    _ => String::new(),
                };
                self.0.push((key.value(), field));
            }
        }
    }
    let mut writes = Writes(Vec::new());
    for block in trait_impls(file, name, "Serialize") {
        writes.visit_item_impl(block);
    }
    writes.0
}

/// The impls of the trait named `trait_name` for the type `name`.
fn trait_impls<'a>(file: &'a syn::File, name: &str, trait_name: &str) -> Vec<&'a syn::ItemImpl> {
    items(file)
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
        .filter(|block| {
            let implements = block.trait_.as_ref().is_some_and(|(path, _)| {
                path.segments.last().is_some_and(|s| s.ident == trait_name)
            });
            let is_type = matches!(&*block.self_ty, syn::Type::Path(ty) if ty.path.is_ident(name));
            implements && is_type
        })
        .collect()
}

/// The keys `name`'s `Deserialize` impl reads: the string patterns of its `match key.as_str()`.
fn read_keys(file: &syn::File, name: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'ast> Visit<'ast> for Keys {
        fn visit_expr_match(&mut self, matched: &'ast syn::ExprMatch) {
            let on_key = matches!(&*matched.expr, syn::Expr::MethodCall(call)
                if call.method == "as_str"
                    && matches!(&*call.receiver, syn::Expr::Path(path) if path.path.is_ident("key")));
            if on_key {
                for arm in &matched.arms {
                    if let syn::Pat::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = &arm.pat
                    {
                        self.0.push(text.value());
                    }
                }
            }
            syn::visit::visit_expr_match(self, matched);
        }
    }
    let mut keys = Keys(Vec::new());
    for block in trait_impls(file, name, "Deserialize") {
        keys.visit_item_impl(block);
    }
    keys.0
}

/// The string literals given to `receiver.method(…)` calls, by method name, in order.
#[derive(Default)]
struct Calls {
    receiver: &'static str,
    found: Vec<(String, Vec<String>)>,
}

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if let syn::Expr::Path(path) = &*call.receiver {
            if path.path.is_ident(self.receiver) {
                let literals = call
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(text.value()),
                        _ => None,
                    })
                    .collect();
                self.found.push((call.method.to_string(), literals));
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

const CLIENT_PARAMETER_CALLS: [&str; 8] = [
    "path",
    "path_label",
    "path_matrix",
    "query",
    "query_delimited",
    "query_deep",
    "header",
    "cookie",
];

fn check_client(api: &Api, file: &syn::File, problems: &mut Vec<String>) {
    let operations: HashMap<&str, &Operation> = api
        .operations
        .iter()
        .map(|operation| (operation.id.rust.as_str(), operation))
        .collect();
    let mut seen = 0;
    for item in items(file) {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let Some(operation) = operations.get(unraw(&method.sig.ident).as_str()) else {
                continue;
            };
            seen += 1;
            let mut calls = Calls {
                receiver: "request",
                ..Calls::default()
            };
            calls.visit_block(&method.block);
            let sent: Vec<String> = calls
                .found
                .iter()
                .filter(|(method, _)| CLIENT_PARAMETER_CALLS.contains(&method.as_str()))
                .filter_map(|(_, literals)| literals.first().cloned())
                .collect();
            compare_parameters(operation, sent, "the client sends", problems);
            // `self.transport.request(Method::GET, "/path")`.
            let mut paths = Vec::new();
            collect_request_paths(&method.block, &mut paths);
            if paths.iter().any(|path| *path != operation.path) || paths.is_empty() {
                problems.push(format!(
                    "`{}` requests {paths:?}, the spec's path is `{}`",
                    operation.id.wire, operation.path
                ));
            }
        }
    }
    if seen != api.operations.len() {
        problems.push(format!(
            "the client has {seen} of the {} operation methods",
            api.operations.len()
        ));
    }
}

/// The literal paths of `….request(method, "path")` calls in `block`.
fn collect_request_paths(block: &syn::Block, paths: &mut Vec<String>) {
    struct Paths<'a>(&'a mut Vec<String>);
    impl<'ast> Visit<'ast> for Paths<'_> {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "request" && call.args.len() == 2 {
                if let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                })) = call.args.iter().nth(1)
                {
                    self.0.push(text.value());
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    Paths(paths).visit_block(block);
}

fn check_server(api: &Api, file: &syn::File, problems: &mut Vec<String>) {
    let mut readers: HashMap<String, &syn::ItemImpl> = HashMap::new();
    for item in items(file) {
        if let syn::Item::Impl(block) = item {
            let is_reader = block
                .trait_
                .as_ref()
                .is_some_and(|(path, _)| path.is_ident("FromIncoming"));
            if let (true, syn::Type::Path(ty)) = (is_reader, &*block.self_ty) {
                if let Some(last) = ty.path.segments.last() {
                    readers.insert(last.ident.to_string(), block);
                }
            }
        }
    }
    for operation in &api.operations {
        // A request type identical to an earlier one is an alias of it, read by its reader.
        let Some(block) = readers.get(&operation.types.request) else {
            continue;
        };
        let mut calls = Calls {
            receiver: "incoming",
            ..Calls::default()
        };
        calls.visit_item_impl(block);
        let read: Vec<String> = calls
            .found
            .iter()
            .filter_map(|(method, literals)| match method.as_str() {
                // `json_param("query", "name")`.
                "json_param" => literals.get(1).cloned(),
                "path" | "path_list" | "path_styled" | "query" | "query_list" | "query_deep"
                | "header" | "header_list" | "cookie" => literals.first().cloned(),
                _ => None,
            })
            .collect();
        compare_parameters(operation, read, "the server reads", problems);
    }
}

/// The file's items and those of its inline modules (each operation group's), depth first.
fn items(file: &syn::File) -> Vec<&syn::Item> {
    let mut found = Vec::new();
    let mut pending: Vec<&syn::Item> = file.items.iter().rev().collect();
    while let Some(item) = pending.pop() {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            pending.extend(inner.iter().rev());
        }
        found.push(item);
    }
    found
}

fn compare_parameters(
    operation: &Operation,
    mut found: Vec<String>,
    what: &str,
    problems: &mut Vec<String>,
) {
    let mut expected: Vec<&str> = operation
        .parameters
        .iter()
        .map(|p| p.name.wire.as_str())
        .collect();
    found.sort();
    expected.sort_unstable();
    if found != expected {
        problems.push(format!(
            "for `{}` {what} the parameters {found:?}, the spec says {expected:?}",
            operation.id.wire
        ));
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map_or(text.clone(), str::to_owned)
}

/// The string of `#[serde(key = "…")]` among `attrs`.
fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    let mut value = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                let text: syn::LitStr = meta.value()?.parse()?;
                value = Some(text.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    value
}

/// Whether `#[serde(flag)]` is among `attrs`.
fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(flag) {
                found = true;
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// serde's `rename_all` applied to a `snake_case` field name, as serde's documentation says.
fn rename_field(rule: Option<&str>, field: &str) -> String {
    let pascal: String = field
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    match rule {
        None | Some("lowercase" | "snake_case") => field.to_owned(),
        Some("UPPERCASE" | "SCREAMING_SNAKE_CASE") => field.to_ascii_uppercase(),
        Some("PascalCase") => pascal,
        Some("camelCase") => {
            let mut chars = pascal.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_lowercase().to_string() + chars.as_str()
            })
        }
        Some("kebab-case") => field.replace('_', "-"),
        Some(_) => field.to_ascii_uppercase().replace('_', "-"),
    }
}
