//! passerelle-proxy binary.
fn main() {}
