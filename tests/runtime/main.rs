//! The generated crate's runtime, `templates/runtime/`, tested as itself with no spec involved:
//! the files are compiled here in the module shape the generated crate gives them, so their
//! `crate::runtime::…` paths resolve, and the generated crate carries no test code.

#[path = "../client/recorder.rs"]
mod recorder;

mod client;
mod fields;
mod forms;
mod pagination;
mod runtime;
mod server;
mod tagged;
mod validate;
