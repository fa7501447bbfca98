//! Passerelle's page.
fn main() {}
