//! The whole flow a prefecture agent goes through, alone, in French and in English: the fr/
//! sample exports dropped on the check, a problem fixed in place, a session on the sandbox, the
//! plan of the checked files, the run, the read-back, the undo. At every step: where the stepper
//! says the agent is, axe-core (zero WCAG 2.0/2.1 A or AA violation, what RGAA 4.1 requires) and
//! a screenshot at a laptop's size (1366×768) under `<target>/screenshots/<lang>/NN-step.png`.

use std::time::Duration;

use fantoccini::Locator;
use passerelle_e2e::a11y::{screenshot, Audit};
use passerelle_e2e::page::{
    connect_demo, glpi_sample, item_count, open_page, sandbox_dump, send_files, CONTROL, ENTER,
    MIGRATION_SAMPLES, RELEASE,
};
use passerelle_e2e::Browser;

static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What the page says, per language, where the test reads it.
struct Words {
    lang: &'static str,
    proxy_ok: &'static str,
    step_word: &'static str,
}

const FR: Words = Words {
    lang: "fr",
    proxy_ok: "Proxy joignable",
    step_word: "Étape",
};
const EN: Words = Words {
    lang: "en",
    proxy_ok: "Proxy reachable",
    step_word: "Step",
};

/// One walk through the page: the audit and the screenshots, numbered in order.
struct Walk<'a> {
    browser: &'a Browser,
    words: &'a Words,
    audit: Audit,
    shots: u32,
}

impl Walk<'_> {
    /// The stepper is at `step` ("Étape N sur 6"), then `anchor` is scrolled to the top of the
    /// window, the screenshot taken and axe-core run.
    async fn step(&mut self, name: &str, step: &str, number: usize, anchor: &str) {
        self.browser
            .wait_attr("#etapes", "data-step", step)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let state = self.browser.text("#step-state").await.unwrap().unwrap();
        assert!(
            state.starts_with(&format!("{} {number} ", self.words.step_word)),
            "{name}: {state}"
        );
        let element = self
            .browser
            .client
            .find(Locator::Css(anchor))
            .await
            .unwrap_or_else(|e| panic!("{name}: {anchor}: {e}"));
        self.browser
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'start'});",
                vec![serde_json::to_value(&element).unwrap()],
            )
            .await
            .unwrap();
        self.shots += 1;
        screenshot(self.browser, self.words.lang, self.shots, name).await;
        self.audit.check(self.browser, name).await;
    }
}

async fn wait_for(browser: &Browser, what: &str, selector: &str) {
    for _ in 0..600 {
        if matches!(browser.text(selector).await, Ok(Some(_))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: {selector} never shown");
}

async fn flow(words: &Words) {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page().await;
    browser.client.set_window_size(1366, 768).await.unwrap();
    if words.lang == "en" {
        browser.click("#lang-en").await.unwrap();
    }
    browser
        .wait_text("#proxy-status", words.proxy_ok)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        browser.attr("html", "lang").await.unwrap().as_deref(),
        Some(words.lang)
    );
    let mut walk = Walk {
        browser: &browser,
        words,
        audit: Audit::default(),
        shots: 0,
    };
    let before = sandbox_dump(&sandbox);

    // 1. A fresh page: the files to drop.
    walk.step("start", "files", 1, "body").await;

    // 2. The sample exports checked in the browser.
    let files: Vec<_> = MIGRATION_SAMPLES.iter().map(|f| glpi_sample(f)).collect();
    send_files(&browser, "#file-input", &files).await;
    let computers = "tr.summary-row[data-file=\"Computer.csv\"]";
    browser
        .wait_text(&format!("{computers} .rows"), "120")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings = |text: Option<String>| -> usize { text.unwrap().parse().unwrap() };
    let before_fix = warnings(
        browser
            .text(&format!("{computers} .warnings"))
            .await
            .unwrap(),
    );
    walk.step("checked", "check", 2, "#checker").await;

    // 3. A problem fixed in place: the Usager cell GLPI saved with a real line break.
    let cell =
        "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"29\"] input.value-edit";
    browser
        .client
        .find(Locator::Css(cell))
        .await
        .unwrap_or_else(|e| panic!("{cell}: {e}"))
        .send_keys(&format!("{CONTROL}a{RELEASE}GUYANE\\noel.sylvestre{ENTER}"))
        .await
        .unwrap();
    browser
        .wait_text(
            &format!("{computers} .warnings"),
            &(before_fix - 1).to_string(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    walk.step("fixed", "check", 2, "#problems").await;

    // 4. Connected to the national GLPI (the sandbox): next, the plan.
    connect_demo(&browser).await;
    walk.step("connected", "plan", 4, "#migrate-section").await;

    // 5. The plan of the checked files (with their correction): nothing written yet.
    browser.click("#use-checked").await.unwrap();
    browser.click("#plan-button").await.unwrap();
    browser
        .wait_text(
            "tr.plan-row[data-itemtype=\"Computer\"] td[data-kind=\"create\"]",
            "120",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item_count(&sandbox_dump(&sandbox), "Computer"), 0);
    walk.step("plan", "plan", 4, "#plan").await;

    // 6. Nothing is written before the agent confirms what, where.
    browser.click("#run-button").await.unwrap();
    browser
        .wait_attr("#confirm-dialog", "data-kind", "run")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item_count(&sandbox_dump(&sandbox), "Computer"), 0);
    walk.step("confirm-run", "plan", 4, "#confirm-dialog").await;

    // 7. The run: every computer created.
    browser.click("#confirm-yes").await.unwrap();
    browser
        .wait_attr("#run-status", "data-phase", "finished")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item_count(&sandbox_dump(&sandbox), "Computer"), 120);
    walk.step("run", "verify", 6, "#run-status").await;

    // 8. The read-back finds everything as sent.
    browser.click("#verify-button").await.unwrap();
    browser
        .wait_attr("#verify-result", "data-clean", "true")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    walk.step("verified", "verify", 6, "#verify-result").await;

    // 9. Undo, confirmed: the target as before, the flow back at the plan.
    browser.click("#undo-button").await.unwrap();
    browser
        .wait_attr("#confirm-dialog", "data-kind", "undo")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    walk.step("confirm-undo", "verify", 6, "#confirm-dialog")
        .await;
    browser.click("#confirm-yes").await.unwrap();
    wait_for(&browser, "undo", "#undo-result").await;
    let undone = sandbox_dump(&sandbox);
    for t in ["Computer", "Monitor", "Location", "User", "Group"] {
        assert_eq!(item_count(&undone, t), item_count(&before, t), "{t}");
    }
    walk.step("undone", "plan", 4, "#undo-result").await;

    assert_eq!(
        walk.audit.steps(),
        [
            "start",
            "checked",
            "fixed",
            "connected",
            "plan",
            "confirm-run",
            "run",
            "verified",
            "confirm-undo",
            "undone",
        ]
    );
    walk.audit.assert_clean();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_whole_flow_in_french() {
    flow(&FR).await;
}

#[tokio::test]
async fn the_whole_flow_in_english() {
    flow(&EN).await;
}
