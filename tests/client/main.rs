//! The generated clients of both seed APIs against a real HTTP server on 127.0.0.1 that records
//! every request byte for byte and answers with scripted raw responses.

mod failures;
mod pagination;
mod recorder;
mod wire;
