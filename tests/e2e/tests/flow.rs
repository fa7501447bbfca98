//! The whole flow a prefecture agent goes through, alone, in French and in English: the fr/
//! sample exports dropped on the check, a file dropped by mistake removed, a file dropped again
//! replaced once the agent agrees, a problem fixed in place, a session on the sandbox, the plan
//! of the checked files, "create all" on a type of missing values, a missing value mapped to an
//! existing one found by name, the run, the read-back, the undo, the personal data purged from
//! the browser. At every step: where the stepper
//! says the agent is, axe-core (zero WCAG 2.0/2.1 A or AA violation, what RGAA 4.1 requires) and
//! a screenshot at a laptop's size (1366×768) under `<target>/screenshots/<lang>/NN-step.png`.

use std::time::Duration;

use fantoccini::Locator;
use passerelle_e2e::a11y::{screenshot, Audit};
use passerelle_e2e::page::{
    connect_demo, glpi_sample, item_count, open_page_with, pick_existing_value, sandbox_dump,
    send_files, unmatched_row, wait_count, wait_shown, CONTROL, ENTER, MIGRATION_SAMPLES, RELEASE,
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

/// Records in the journal's IndexedDB database, every store together (read through WebDriver).
async fn journal_records(browser: &Browser) -> u64 {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('passerelle-journal');
             open.onerror = () => done(-1);
             open.onsuccess = () => {
               const db = open.result;
               const names = [...db.objectStoreNames];
               if (names.length === 0) { db.close(); done(0); return; }
               const tx = db.transaction(names, 'readonly');
               let n = 0;
               for (const s of names) { tx.objectStore(s).count().onsuccess = (e) => { n += e.target.result; }; }
               tx.oncomplete = () => { db.close(); done(n); };
             };",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .and_then(|n| u64::try_from(n).ok())
        .expect("the journal database opens")
}

/// The choices of the missing values of `itemtype` (`create`, `empty`, `map`).
async fn choices(browser: &Browser, itemtype: &str) -> Vec<String> {
    let v = browser
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(r => r.dataset.choice);",
            vec![serde_json::json!(format!(
                "#unmatched .unmatched-type[data-itemtype=\"{itemtype}\"] tr.unmatched-row"
            ))],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Waits until every missing value of `itemtype` has the choice `choice`.
async fn wait_choices(browser: &Browser, itemtype: &str, choice: &str) {
    for _ in 0..300 {
        let c = choices(browser, itemtype).await;
        if !c.is_empty() && c.iter().all(|x| x == choice) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{itemtype}: {:?}, not all {choice}",
        choices(browser, itemtype).await
    );
}

/// The id the sandbox gives the manufacturer the agent maps "Dell Inc." to.
const DELL_ID: u64 = 42;

async fn flow(words: &Words) {
    let _one = ONE_BROWSER.lock().await;
    // The national GLPI already knows Dell, under another name than the exports'.
    let scratch = std::env::temp_dir().join(format!(
        "passerelle-flow-{}-{}",
        words.lang,
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).unwrap();
    let seed = scratch.join("seed.json");
    std::fs::write(
        &seed,
        serde_json::json!({"Manufacturer": [
            {"id": DELL_ID, "name": "Dell Technologies", "entities_id": 0, "is_recursive": 1},
            {"name": "Delta Électronique", "entities_id": 0, "is_recursive": 1},
        ]})
        .to_string(),
    )
    .unwrap();
    let (sandbox, _proxy, browser) = open_page_with(&["--seed", seed.to_str().unwrap()]).await;
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

    // 2b. A file dropped by mistake, removed: the five remain.
    send_files(&browser, "#file-input", &[glpi_sample("Phone.csv")]).await;
    let phones = "tr.summary-row[data-file=\"Phone.csv\"]";
    wait_shown(&browser, "the phones", &format!("{phones} .rows")).await;
    browser
        .click(&format!("{phones} button.remove-file"))
        .await
        .unwrap();
    wait_count(&browser, "tr.summary-row", MIGRATION_SAMPLES.len()).await;
    walk.step("removed", "check", 2, "#checker").await;

    // 2c. The monitors dropped again: the page asks before replacing them, then replaces them.
    send_files(&browser, "#file-input", &[glpi_sample("Monitor.csv")]).await;
    browser
        .wait_text("#replace-names", "Monitor.csv")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    walk.step("replace-asked", "check", 2, "#replace-question")
        .await;
    browser.click("#replace-confirm").await.unwrap();
    wait_count(&browser, "#replace-question", 0).await;
    wait_count(&browser, "#check-busy", 0).await;
    wait_count(&browser, "tr.summary-row", MIGRATION_SAMPLES.len()).await;
    browser
        .wait_text("tr.summary-row[data-file=\"Monitor.csv\"] .rows", "40")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    walk.step("replaced", "check", 2, "#checker").await;

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

    // 5b. A whole type of missing values left empty, then all created again.
    let group = "#unmatched .unmatched-type[data-itemtype=\"Manufacturer\"]";
    browser
        .click(&format!("{group} button.empty-all"))
        .await
        .unwrap();
    wait_choices(&browser, "Manufacturer", "empty").await;
    browser
        .click(&format!("{group} button.create-all"))
        .await
        .unwrap();
    wait_choices(&browser, "Manufacturer", "create").await;
    walk.step("create-all", "plan", 4, group).await;

    // 5c. "Dell Inc." mapped to the target's "Dell Technologies", found by typing part of it:
    // the values found are shown (and audited) before one is picked.
    let dell = unmatched_row("Manufacturer", "Dell Inc.");
    browser
        .client
        .find(Locator::Css(&format!("{dell} input.value-search-input")))
        .await
        .unwrap()
        .send_keys("del")
        .await
        .unwrap();
    wait_shown(
        &browser,
        "the values found",
        &format!("{dell} button.value-pick"),
    )
    .await;
    let offered = browser
        .text(&format!("{dell} .value-results"))
        .await
        .unwrap()
        .unwrap();
    assert!(offered.contains("Dell Technologies"), "{offered}");
    assert!(offered.contains("Delta Électronique"), "{offered}");
    walk.step("search", "plan", 4, &dell).await;
    // Typing on narrows it: "Dell T" finds one.
    let picked = pick_existing_value(
        &browser,
        "Manufacturer",
        "Dell Inc.",
        "l t",
        "Dell Technologies",
    )
    .await;
    assert_eq!(picked, DELL_ID);
    let shown = browser
        .text(&format!("{dell} select.value-choice"))
        .await
        .unwrap()
        .unwrap();
    assert!(shown.contains("Dell Technologies"), "{shown}");
    walk.step("picked", "plan", 4, &dell).await;

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
    let after = sandbox_dump(&sandbox);
    assert_eq!(item_count(&after, "Computer"), 120);
    // The Dell computers reference the existing manufacturer; no "Dell Inc." was created.
    let manufacturers = after["Manufacturer"].as_array().unwrap();
    assert!(
        !manufacturers.iter().any(|m| m["name"] == "Dell Inc."),
        "{manufacturers:?}"
    );
    assert!(manufacturers.iter().any(|m| m["name"] == "HP Inc."));
    let dells = after["Computer"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["manufacturers_id"] == DELL_ID)
        .count();
    assert_eq!(dells, 41, "the sample's Dell Inc. computers");
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
    wait_shown(&browser, "undo", "#undo-result").await;
    let undone = sandbox_dump(&sandbox);
    for t in ["Computer", "Monitor", "Location", "User", "Group"] {
        assert_eq!(item_count(&undone, t), item_count(&before, t), "{t}");
    }
    walk.step("undone", "plan", 4, "#undo-result").await;

    // 10. The personal data the browser kept for the run, purged: IndexedDB empty.
    assert!(
        journal_records(&browser).await > 0,
        "the run's journal is kept"
    );
    wait_shown(&browser, "what the browser keeps", "#kept-data").await;
    browser.click("#journal-purge").await.unwrap();
    wait_count(&browser, "#kept-data", 0).await;
    for _ in 0..100 {
        if journal_records(&browser).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        journal_records(&browser).await,
        0,
        "nothing left in IndexedDB"
    );
    walk.step("purged", "plan", 4, "#migrate-section").await;

    assert_eq!(
        walk.audit.steps(),
        [
            "start",
            "checked",
            "removed",
            "replace-asked",
            "replaced",
            "fixed",
            "connected",
            "plan",
            "create-all",
            "search",
            "picked",
            "confirm-run",
            "run",
            "verified",
            "confirm-undo",
            "undone",
            "purged",
        ]
    );
    walk.audit.assert_clean();
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
}

#[tokio::test]
async fn the_whole_flow_in_french() {
    flow(&FR).await;
}

#[tokio::test]
async fn the_whole_flow_in_english() {
    flow(&EN).await;
}
