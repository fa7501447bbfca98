//! The page in a real headless Chromium, served by the real proxy in front of the real sandbox.
//!
//! Needs `dist/` (scripts/build-page.sh) and the `passerelle-proxy` and `glpi-sandbox` binaries
//! (built by the same `cargo test --workspace` run).

use passerelle_e2e::{dead_upstream_url, http, Browser, Proxy, Sandbox};

/// One browser at a time: the machines have 2 cores, and Chromium start-up is heavy.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn fail(e: passerelle_e2e::HarnessError) -> ! {
    panic!("{e}")
}

#[tokio::test]
async fn page_shows_a_ready_sandbox_and_switches_to_english() {
    let _one = ONE_BROWSER.lock().await;
    let sandbox = Sandbox::start().unwrap_or_else(|e| fail(e));
    let proxy = Proxy::start(&sandbox.api_url).unwrap_or_else(|e| fail(e));
    let browser = Browser::start().await.unwrap_or_else(|e| fail(e));

    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| fail(e));
    assert_eq!(
        browser.text("#subtitle").await.unwrap().as_deref(),
        Some("Migration d'un GLPI local vers le GLPI national")
    );
    assert_eq!(
        browser.text("#glpi-target").await.unwrap().as_deref(),
        Some(sandbox.api_url.as_str())
    );
    // The badge is styled uppercase: compare the DOM text, not the rendered one.
    let badge = browser
        .client
        .find(fantoccini::Locator::Css("#sandbox-badge"))
        .await;
    let badge = badge.expect("sandbox badge shown");
    assert_eq!(
        badge
            .prop("textContent")
            .await
            .unwrap()
            .as_deref()
            .map(str::trim),
        Some("bac à sable")
    );
    browser
        .wait_attr("#glpi-ready", "data-state", "ready")
        .await
        .unwrap_or_else(|e| fail(e));
    assert!(browser.text("#glpi-reason").await.unwrap().is_none());

    browser.click("#lang-en").await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy reachable")
        .await
        .unwrap_or_else(|e| fail(e));
    assert_eq!(
        browser.text("#subtitle").await.unwrap().as_deref(),
        Some("Migration from a local GLPI to the national GLPI")
    );
    assert_eq!(
        browser.text("#glpi-ready").await.unwrap().as_deref(),
        Some("GLPI ready: the proxy is accepted")
    );
    assert_eq!(
        browser.attr("html", "lang").await.unwrap().as_deref(),
        Some("en")
    );

    // The choice survives a reload (localStorage).
    browser.client.refresh().await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy reachable")
        .await
        .unwrap_or_else(|e| fail(e));
    browser.close().await.unwrap();
}

#[tokio::test]
async fn page_explains_an_unreachable_glpi() {
    let _one = ONE_BROWSER.lock().await;
    let dead = dead_upstream_url().unwrap_or_else(|e| fail(e));
    let proxy = Proxy::start(&dead).unwrap_or_else(|e| fail(e));
    let browser = Browser::start().await.unwrap_or_else(|e| fail(e));

    browser.goto(&proxy.url("/")).await.unwrap();
    // The proxy itself is fine; GLPI behind it is not.
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| fail(e));
    assert_eq!(
        browser.text("#glpi-target").await.unwrap().as_deref(),
        Some(dead.as_str())
    );
    browser
        .wait_attr("#glpi-ready", "data-state", "not-ready")
        .await
        .unwrap_or_else(|e| fail(e));
    assert_eq!(
        browser
            .attr("#glpi-reason", "data-reason")
            .await
            .unwrap()
            .as_deref(),
        Some("unreachable")
    );
    let explanation = browser.text("#glpi-reason").await.unwrap().unwrap();
    assert!(
        explanation.starts_with("GLPI est injoignable depuis le proxy"),
        "{explanation}"
    );
    assert_eq!(
        browser.text("#glpi-ready").await.unwrap().as_deref(),
        Some("GLPI non prêt")
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn page_runs_under_the_proxy_csp_without_inline_code() {
    let _one = ONE_BROWSER.lock().await;
    let sandbox = Sandbox::start().unwrap_or_else(|e| fail(e));
    let proxy = Proxy::start(&sandbox.api_url).unwrap_or_else(|e| fail(e));

    let page = http::get(&proxy.url("/")).unwrap_or_else(|e| fail(e));
    assert_eq!(page.status, 200);
    let csp = page
        .header("content-security-policy")
        .expect("the page is served with a Content-Security-Policy header");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    // What the CSP would block: inline scripts, inline styles.
    let html = page.body.to_ascii_lowercase();
    for (i, _) in html.match_indices("<script") {
        let tag_end = html[i..].find('>').map(|e| i + e).unwrap();
        assert!(
            html[i..tag_end].contains(" src="),
            "inline script in dist/index.html: {}",
            &page.body[i..tag_end + 1]
        );
    }
    assert!(
        !html.contains(" style="),
        "style attribute in dist/index.html"
    );
    assert!(
        !html.contains("<style"),
        "<style> element in dist/index.html"
    );

    // And the app really starts under that header in Chromium (an inline loader would be
    // blocked and the status would never appear); the rendered DOM has no style attribute.
    let browser = Browser::start().await.unwrap_or_else(|e| fail(e));
    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| fail(e));
    let styled = browser
        .client
        .execute(
            "return document.querySelectorAll('[style]').length + document.querySelectorAll('script:not([src])').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(styled, serde_json::json!(0));
    browser.close().await.unwrap();
}
