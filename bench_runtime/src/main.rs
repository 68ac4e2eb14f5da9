//! The runtime benchmark's program (placeholder).

mod fixture;

fn main() {}
