//! Browser tests: render the components into a real DOM in headless Chromium.
//!
//! Run by scripts/test.sh (wasm-bindgen-test-runner + chromedriver, see ../webdriver.json).
//! The page is served by the test runner here, not by the proxy, so `/info` and `/readyz`
//! answer 404: the full-app test relies on that to check the "proxy unreachable" path.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use passerelle_frontend::api::{ApiError, GlpiTarget, Info, NotReadyReason, Readiness};
use passerelle_frontend::app::App;
use passerelle_frontend::components::header::{Header, HeaderProps};
use passerelle_frontend::components::status::{StatusPanel, StatusPanelProps};
use passerelle_frontend::i18n::{Key, Lang, Translate};
use passerelle_frontend::prefs;
use passerelle_frontend::state::Remote;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh `<div>` attached to the body, so `getElementById` finds what is rendered in it.
fn mount_point() -> web_sys::Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

/// Lets Yew's scheduler render (it runs on the microtask/timer queue, not synchronously).
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// Polls until `cond` holds (the app fetches over HTTP), failing after ~5 s.
async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..250 {
        if cond() {
            return;
        }
        settle().await;
    }
    panic!("timed out waiting for {what}");
}

fn find(root: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    find(root, selector)
        .unwrap_or_else(|| panic!("{selector} not rendered"))
        .text_content()
        .unwrap_or_default()
}

fn info(sandbox: bool) -> Info {
    Info {
        product: "Passerelle".into(),
        version: "9.8.7".into(),
        glpi: GlpiTarget {
            api_url: "http://glpi.example.invalid/apirest.php".into(),
            sandbox,
        },
        source: None,
    }
}

fn render_status(lang: Lang, info: Remote<Info>, readiness: Remote<Readiness>) -> web_sys::Element {
    let root = mount_point();
    yew::Renderer::<StatusPanel>::with_root_and_props(
        root.clone(),
        StatusPanelProps {
            lang,
            info,
            readiness,
            on_recheck: Callback::noop(),
        },
    )
    .render();
    root
}

#[wasm_bindgen_test]
async fn status_panel_shows_a_ready_sandbox_in_french() {
    let root = render_status(
        Lang::Fr,
        Remote::Loaded(info(true)),
        Remote::Loaded(Readiness::Ready),
    );
    settle().await;
    assert_eq!(text(&root, "#proxy-status").trim(), "Proxy joignable");
    assert_eq!(
        text(&root, "#glpi-target"),
        "http://glpi.example.invalid/apirest.php"
    );
    assert_eq!(text(&root, "#sandbox-badge").trim(), "bac à sable");
    assert!(find(&root, "#production-badge").is_none());
    assert_eq!(
        find(&root, "#glpi-ready")
            .unwrap()
            .get_attribute("data-state")
            .as_deref(),
        Some("ready")
    );
    assert_eq!(text(&root, "#proxy-version"), "9.8.7");
    assert!(find(&root, "#glpi-reason").is_none());
}

#[wasm_bindgen_test]
async fn status_panel_marks_production_and_explains_each_reason() {
    for reason in NotReadyReason::ALL {
        let root = render_status(
            Lang::Fr,
            Remote::Loaded(info(false)),
            Remote::Loaded(Readiness::NotReady {
                reason,
                message: "refus détaillé".into(),
            }),
        );
        settle().await;
        assert!(find(&root, "#sandbox-badge").is_none());
        assert_eq!(text(&root, "#production-badge").trim(), "production");
        let explanation = find(&root, "#glpi-reason").expect("reason rendered");
        assert_eq!(
            explanation.get_attribute("data-reason").as_deref(),
            Some(reason.code())
        );
        assert_eq!(
            explanation.text_content().unwrap().trim(),
            Lang::Fr.t(Key::for_reason(reason))
        );
        assert!(text(&root, "#glpi-detail").contains("refus détaillé"));
        assert_eq!(text(&root, "#glpi-ready").trim(), "GLPI non prêt");
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn status_panel_reports_an_unreachable_proxy_in_english() {
    let error = ApiError::Network("Failed to fetch".into());
    let root = render_status(
        Lang::En,
        Remote::Failed(error.clone()),
        Remote::Failed(error),
    );
    settle().await;
    assert_eq!(text(&root, "#proxy-status").trim(), "Proxy unreachable");
    assert!(text(&root, "#proxy-detail").contains("Failed to fetch"));
    assert_eq!(text(&root, "#glpi-target").trim(), "unknown");
    assert!(find(&root, "#sandbox-badge").is_none());
    assert_eq!(
        find(&root, "#glpi-ready")
            .unwrap()
            .get_attribute("data-state")
            .as_deref(),
        Some("unknown")
    );
}

#[wasm_bindgen_test]
async fn header_switch_reports_the_chosen_language() {
    let picked = Rc::new(RefCell::new(Vec::new()));
    let sink = picked.clone();
    let root = mount_point();
    yew::Renderer::<Header>::with_root_and_props(
        root.clone(),
        HeaderProps {
            lang: Lang::En,
            on_lang: Callback::from(move |l| sink.borrow_mut().push(l)),
        },
    )
    .render();
    settle().await;
    assert_eq!(
        text(&root, "#subtitle"),
        "Migration from a local GLPI to the national GLPI"
    );
    let en = find(&root, "#lang-en").unwrap();
    assert_eq!(en.get_attribute("aria-pressed").as_deref(), Some("true"));
    find(&root, "#lang-fr")
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    assert_eq!(*picked.borrow(), vec![Lang::Fr]);
}

#[wasm_bindgen_test]
async fn app_without_a_proxy_says_so_and_remembers_the_language() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(prefs::LANG_KEY).unwrap();

    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    assert_eq!(
        text(&root, "#subtitle"),
        "Migration d'un GLPI local vers le GLPI national"
    );
    // The test runner's server answers 404 on /info: not a Passerelle proxy.
    wait_for("the proxy check to fail", || {
        find(&root, "#proxy-status")
            .and_then(|e| e.get_attribute("data-state"))
            .as_deref()
            == Some("unreachable")
    })
    .await;
    assert_eq!(text(&root, "#proxy-status").trim(), "Proxy injoignable");

    find(&root, "#lang-en")
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(text(&root, "#proxy-status").trim(), "Proxy unreachable");
    assert_eq!(
        storage.get_item(prefs::LANG_KEY).unwrap().as_deref(),
        Some("en")
    );
    let html_lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("en"));
    assert_eq!(prefs::load_lang(), Lang::En);

    storage.remove_item(prefs::LANG_KEY).unwrap();
    assert_eq!(prefs::load_lang(), Lang::Fr);
}
