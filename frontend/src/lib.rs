//! Passerelle's page: a Yew single-page app served by the proxy.
//!
//! The page only talks to its own origin (the proxy); it never sees a GLPI secret.
#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod dom;
pub mod files;
pub mod flow;
pub mod i18n;
pub mod prefs;
pub mod state;
pub mod templates;
pub mod worker;

/// Mounts the app on `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
