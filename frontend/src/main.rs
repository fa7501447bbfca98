//! Passerelle's page: entry point of the wasm binary built by trunk.

fn main() {
    // The same module also runs in the checker's Web Worker (see `worker.rs`), where there is no
    // window to render into: there it only answers messages.
    if web_sys::window().is_some() {
        passerelle_frontend::start();
    }
}
