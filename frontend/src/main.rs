//! Passerelle's page: entry point of the wasm binary built by trunk.

fn main() {
    passerelle_frontend::start();
}
