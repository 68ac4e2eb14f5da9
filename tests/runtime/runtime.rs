//! `generated/src/runtime.rs` with every file the generator may copy in. The paths are relative
//! to this file's directory (an inline module's would be relative to a `runtime/` directory that
//! does not exist).

#[path = "../../templates/runtime/binary.rs"]
pub mod binary;
#[path = "../../templates/runtime/client.rs"]
pub mod client;
#[path = "../../templates/runtime/fields.rs"]
mod fields;
#[path = "../../templates/runtime/forms.rs"]
pub mod forms;
#[path = "../../templates/runtime/multipart.rs"]
pub mod multipart;
#[path = "../../templates/runtime/pagination.rs"]
pub mod pagination;
#[path = "../../templates/runtime/params.rs"]
mod params;
#[path = "../../templates/runtime/pattern.rs"]
pub mod pattern;
#[path = "../../templates/runtime/reply.rs"]
mod reply;
#[path = "../../templates/runtime/server.rs"]
pub mod server;
#[path = "../../templates/runtime/tagged.rs"]
mod tagged;
#[path = "../../templates/runtime/validate.rs"]
pub mod validate;
pub use binary::Binary;
pub use fields::{
    Closed, Key, ObjectWriter, Replying, absent_or_replying, missing, read_extra, read_into,
    replying, skip, unknown,
};
pub use tagged::{Tagged, Untagged};

validate::checked_by_text!(bool, chrono::NaiveDate);
