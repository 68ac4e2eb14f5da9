//! The generated crate's `runtime` module: code shared by every API, written as ordinary Rust
//! files in `templates/runtime/` and copied byte for byte. Only whole files are chosen, by the
//! capabilities some API uses; what a file holds is always all of it.

use proc_macro2::TokenStream;
use quote::quote;

/// A runtime file, copied into the generated crate as it is written.
pub struct RuntimeFile {
    /// Path relative to the crate root, e.g. `src/runtime/client.rs`.
    pub path: &'static str,
    /// The file's text, without the `@generated` header.
    pub text: &'static str,
}

/// `Key`, `required` and `skip`, for the models' `Deserialize` impls.
const FIELDS: RuntimeFile = RuntimeFile {
    path: "src/runtime/fields.rs",
    text: include_str!("../../templates/runtime/fields.rs"),
};

/// Transport, requests, parameter styles, credentials and response decoding of the clients.
const CLIENT: RuntimeFile = RuntimeFile {
    path: "src/runtime/client.rs",
    text: include_str!("../../templates/runtime/client.rs"),
};

/// The page walker of paginated lists (it needs `futures`).
const PAGINATION: RuntimeFile = RuntimeFile {
    path: "src/runtime/pagination.rs",
    text: include_str!("../../templates/runtime/pagination.rs"),
};

/// Request readers, rejections and reply writers of the servers.
const SERVER: RuntimeFile = RuntimeFile {
    path: "src/runtime/server.rs",
    text: include_str!("../../templates/runtime/server.rs"),
};

/// The servers' parameter reader: text read into the type its schema calls for, once.
const PARAMS: RuntimeFile = RuntimeFile {
    path: "src/runtime/params.rs",
    text: include_str!("../../templates/runtime/params.rs"),
};

/// The servers' reply bodies (owned, shared or serialized before) and reply writers.
const REPLY: RuntimeFile = RuntimeFile {
    path: "src/runtime/reply.rs",
    text: include_str!("../../templates/runtime/reply.rs"),
};

/// `Binary`, the type of `format: binary` strings.
const BINARY: RuntimeFile = RuntimeFile {
    path: "src/runtime/binary.rs",
    text: include_str!("../../templates/runtime/binary.rs"),
};

/// The servers' readers of form and multipart bodies.
const FORMS: RuntimeFile = RuntimeFile {
    path: "src/runtime/forms.rs",
    text: include_str!("../../templates/runtime/forms.rs"),
};

/// The clients' writer of multipart bodies.
const MULTIPART: RuntimeFile = RuntimeFile {
    path: "src/runtime/multipart.rs",
    text: include_str!("../../templates/runtime/multipart.rs"),
};

/// `Tagged`, which reads a union's member by the tag a `discriminator` names.
const TAGGED: RuntimeFile = RuntimeFile {
    path: "src/runtime/tagged.rs",
    text: include_str!("../../templates/runtime/tagged.rs"),
};

/// The servers' constraint checks (`Checked`, `Rules`, `Walk`), over the typed request.
const VALIDATE: RuntimeFile = RuntimeFile {
    path: "src/runtime/validate.rs",
    text: include_str!("../../templates/runtime/validate.rs"),
};

/// The servers' `pattern`s, over the `regex` crate.
const PATTERN: RuntimeFile = RuntimeFile {
    path: "src/runtime/pattern.rs",
    text: include_str!("../../templates/runtime/pattern.rs"),
};

/// Which runtime files the generated code uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Some model reads an object with `Key`, `required` and `skip`.
    pub fields: bool,
    /// Some API has a client.
    pub client: bool,
    /// Some operation is a paginated list, walked by `pages`.
    pub pagination: bool,
    /// Some API has a server.
    pub server: bool,
    /// Some type holds `format: binary` bytes.
    pub binary: bool,
    /// Some server reads a form or multipart body.
    pub forms: bool,
    /// Some client sends a multipart body.
    pub multipart: bool,
    /// Some model is a union.
    pub unions: bool,
    /// Some server checks a constraint.
    pub validate: bool,
    /// Some server checks a `pattern` (with the `regex` crate).
    pub patterns: bool,
    /// The crate has UUIDs, dates or decimals: with `validate`, their constraints are checked
    /// on their text (`checked_by_text!`), one type each.
    pub text_types: TextTypes,
}

/// Types from optional crates that constraints may apply to, checked by their text.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TextTypes {
    /// `uuid::Uuid`.
    pub uuid: bool,
    /// `chrono::NaiveDate` and `chrono::DateTime<Utc>`.
    pub chrono: bool,
    /// `rust_decimal::Decimal`.
    pub decimal: bool,
}

impl Capabilities {
    /// Everything either uses.
    pub fn union(self, other: Capabilities) -> Capabilities {
        Capabilities {
            fields: self.fields || other.fields,
            client: self.client || other.client,
            pagination: self.pagination || other.pagination,
            server: self.server || other.server,
            binary: self.binary || other.binary,
            forms: self.forms || other.forms,
            multipart: self.multipart || other.multipart,
            unions: self.unions || other.unions,
            validate: self.validate || other.validate,
            patterns: self.patterns || other.patterns,
            text_types: TextTypes {
                uuid: self.text_types.uuid || other.text_types.uuid,
                chrono: self.text_types.chrono || other.text_types.chrono,
                decimal: self.text_types.decimal || other.text_types.decimal,
            },
        }
    }

    /// Whether the crate has a runtime module at all.
    pub fn any(self) -> bool {
        self.fields || self.client || self.pagination || self.server || self.binary || self.unions
    }
}

/// The runtime module: the tokens of its root, `runtime.rs`, which declares the files it uses,
/// and those files.
pub struct Runtime {
    /// `runtime.rs`.
    pub root: TokenStream,
    /// The files `runtime.rs` declares, in path order.
    pub files: Vec<&'static RuntimeFile>,
}

/// The runtime module for `capabilities`, or `None` when nothing uses it.
pub fn runtime(capabilities: Capabilities) -> Option<Runtime> {
    if !capabilities.any() {
        return None;
    }
    let mut files = Vec::new();
    let mut items = Vec::new();
    if capabilities.binary {
        files.push(&BINARY);
        items.push(quote! {
            pub mod binary;
        });
    }
    if capabilities.client {
        files.push(&CLIENT);
        items.push(quote! {
            #[cfg(feature = "client")]
            pub mod client;
        });
    }
    if capabilities.fields {
        files.push(&FIELDS);
        items.push(quote! {
            mod fields;
        });
    }
    if capabilities.forms {
        files.push(&FORMS);
        items.push(quote! {
            #[cfg(feature = "server")]
            pub mod forms;
        });
    }
    if capabilities.multipart {
        files.push(&MULTIPART);
        items.push(quote! {
            #[cfg(feature = "client")]
            pub mod multipart;
        });
    }
    if capabilities.pagination {
        files.push(&PAGINATION);
        items.push(quote! {
            #[cfg(feature = "client")]
            pub mod pagination;
        });
    }
    if capabilities.server {
        files.extend([&PARAMS, &REPLY, &SERVER]);
        items.push(quote! {
            #[cfg(feature = "server")]
            mod params;
            #[cfg(feature = "server")]
            mod reply;
            #[cfg(feature = "server")]
            pub mod server;
        });
    }
    if capabilities.patterns {
        files.push(&PATTERN);
        items.push(quote! {
            #[cfg(feature = "server")]
            pub mod pattern;
        });
    }
    if capabilities.unions {
        files.push(&TAGGED);
        items.push(quote! {
            mod tagged;
        });
    }
    let mut text_checked = None;
    if capabilities.validate {
        files.push(&VALIDATE);
        items.push(quote! {
            #[cfg(feature = "server")]
            pub mod validate;
        });
        let types = capabilities.text_types;
        // `bool` always, so the macro is always used.
        let mut listed = vec![quote!(bool)];
        if types.uuid {
            listed.push(quote!(uuid::Uuid));
        }
        if types.chrono {
            listed.push(quote!(chrono::NaiveDate));
            listed.push(quote!(chrono::DateTime<chrono::Utc>));
        }
        if types.decimal {
            listed.push(quote!(rust_decimal::Decimal));
        }
        text_checked = Some(quote! {
            #[cfg(feature = "server")]
            validate::checked_by_text!(#(#listed),*);
        });
    }
    // The models name `crate::runtime::Key` and `crate::runtime::Tagged`, so the helpers are
    // re-exported at the root.
    let fields_use = capabilities.fields.then(|| {
        quote! {
            pub use fields::{
                Closed, Key, ObjectWriter, Replying, absent_or_replying, missing, read_extra,
                read_into, replying, skip, unknown,
            };
        }
    });
    let binary_use = capabilities.binary.then(|| {
        quote! {
            pub use binary::Binary;
        }
    });
    let tagged_use = capabilities.unions.then(|| {
        quote! {
            pub use tagged::{Tagged, Untagged};
        }
    });
    Some(Runtime {
        root: quote! {
            #![doc = " Code shared by the generated modules, copied from apigen's `templates/runtime/`."]
            #(#items)*
            #binary_use
            #fields_use
            #tagged_use
            #text_checked
        },
        files,
    })
}
