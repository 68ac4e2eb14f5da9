//! IR → Rust source files. Emitters see only the IR (**emit never imports openapiv3**); each
//! returns tokens that `format` turns into text.

mod client;
mod models;
mod runtime;
mod same_types;
mod serde_case;
mod server;
pub mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use types::{CrateUse, ident};

/// One Rust file to be formatted: its path in the generated crate, the spec it comes from (for
/// the header), and its tokens.
pub struct RustFile {
    /// Path relative to the crate root, e.g. `src/waldur/models.rs`.
    pub path: String,
    /// The spec named in the `@generated` header (`spec/` for crate-wide files).
    pub source: String,
    /// The file's contents.
    pub tokens: TokenStream,
}

/// A per-API file beside `models.rs` (`client.rs`, `server.rs`), and what it needs of the
/// runtime and of other crates.
pub struct ApiFile {
    /// The file's tokens.
    pub tokens: TokenStream,
    /// Runtime files the file calls into.
    pub runtime: runtime::Capabilities,
    /// Crates the file uses.
    pub crates: CrateUse,
}

/// A security scheme some operation uses, and the field that holds its credential in a generated
/// type (`Client`, `Credentials`).
pub struct SchemeSlot<'a> {
    /// The scheme.
    pub scheme: &'a crate::ir::SecurityScheme,
    /// The field's name, unique beside `reserved`.
    pub field: String,
}

/// The slots of the schemes `api`'s operations use, in document order; field names avoid
/// `reserved` (the type's other fields).
pub fn scheme_slots<'a>(api: &'a Api, reserved: &[&str]) -> Vec<SchemeSlot<'a>> {
    let mut fields = crate::naming::Scope::default();
    for name in reserved {
        fields.try_claim(name);
    }
    api.used_security_schemes()
        .map(|scheme| SchemeSlot {
            scheme,
            field: fields.claim(scheme.name.rust.clone()),
        })
        .collect()
}

/// Everything emitted for a set of APIs.
pub struct Emitted {
    /// Rust files, not yet formatted.
    pub files: Vec<RustFile>,
    /// Runtime files, copied as they are: their paths and texts, without the `@generated` header.
    pub runtime: Vec<(&'static str, &'static str)>,
    /// Crates the generated code uses beyond serde.
    pub crates: CrateUse,
}

/// Emits the Rust files of the generated crate for `apis` (already sorted by module name).
pub fn emit(apis: &[Api]) -> Emitted {
    let mut files = Vec::new();
    let mut crates = CrateUse::default();
    let mut capabilities = runtime::Capabilities::default();
    for api in apis {
        let models = models::models_file(api);
        capabilities.fields |= models.runtime.nullable || models.runtime.present;
        crates = crates.union(models.crates);
        let client = client::client_file(api);
        let module = &api.module.rust;
        files.push(RustFile {
            path: format!("src/{module}/mod.rs"),
            source: api.source.clone(),
            tokens: api_module(api, client.is_some()),
        });
        files.push(RustFile {
            path: format!("src/{module}/models.rs"),
            source: api.source.clone(),
            tokens: models.tokens,
        });
        let server = server::server_file(api);
        for (name, file) in [("client", client), ("server", server)] {
            let Some(file) = file else {
                continue;
            };
            capabilities = capabilities.union(file.runtime);
            crates = crates.union(file.crates);
            files.push(RustFile {
                path: format!("src/{module}/{name}.rs"),
                source: api.source.clone(),
                tokens: file.tokens,
            });
        }
    }
    let runtime = runtime::runtime(capabilities);
    files.push(RustFile {
        path: "src/lib.rs".to_owned(),
        source: "spec/".to_owned(),
        tokens: lib_file(apis, runtime.is_some()),
    });
    let mut runtime_files = Vec::new();
    if let Some(runtime) = runtime {
        files.push(RustFile {
            path: "src/runtime.rs".to_owned(),
            source: "spec/".to_owned(),
            tokens: runtime.root,
        });
        runtime_files = runtime
            .files
            .into_iter()
            .map(|file| (file.path, file.text))
            .collect();
    }
    Emitted {
        files,
        runtime: runtime_files,
        crates,
    }
}

fn lib_file(apis: &[Api], has_runtime: bool) -> TokenStream {
    let mut docs = vec![
        " Rust bindings for the APIs described in `spec/`, one module per spec:".to_owned(),
        String::new(),
    ];
    for api in apis {
        docs.push(format!(
            " - [`{}`]: {} (version {}), from `{}`",
            api.module.rust, api.title, api.version, api.source
        ));
    }
    // rustfmt sorts `mod` lines by name whatever their visibility, so `runtime` goes in its place.
    let mut modules: Vec<(&str, TokenStream)> = apis
        .iter()
        .map(|api| {
            let module = ident(&api.module.rust);
            (api.module.rust.as_str(), quote!(pub mod #module;))
        })
        .collect();
    if has_runtime {
        modules.push((
            "runtime",
            quote!(
                #[doc(hidden)]
                pub mod runtime;
            ),
        ));
    }
    modules.sort_by(|a, b| a.0.cmp(b.0));
    let modules = modules.into_iter().map(|(_, tokens)| tokens);
    quote! {
        #(#![doc = #docs])*
        #(#modules)*
    }
}

fn api_module(api: &Api, has_client: bool) -> TokenStream {
    let mut docs = vec![format!(
        " {} (version {}), generated from `{}`.",
        api.title, api.version, api.source
    )];
    if !api.docs.lines.is_empty() {
        docs.push(String::new());
        docs.extend(api.docs.lines.iter().map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        }));
    }
    let client = has_client.then(|| {
        quote! {
            #[cfg(feature = "client")]
            pub mod client;
        }
    });
    let server = has_client.then(|| {
        quote! {
            #[cfg(feature = "server")]
            pub mod server;
        }
    });
    quote! {
        #(#![doc = #docs])*
        #client
        pub mod models;
        #server
    }
}
