//! The HR directory import (seed 004, issue 13) through the PAGE, in headless Chromium, through
//! the real proxy, against a REAL GLPI 10.0.11 loaded with the prefecture's database: the files
//! of ../shared/samples/directory/ dropped on the check with their reference exports and the
//! importer's service, then the directory section: phase 1 failing blocks everything (nothing
//! written), valid.tsv planned and imported, the users checked one by one in GLPI's database
//! against EXPECTED.md and the mapping the page shows (the same oracle as the CLI suite,
//! `real_glpi::directory`), a second run of valid.tsv writes nothing, line-errors.tsv's error
//! file as the page offers it against EXPECTED.md line by line, undo gives every user back.
//! The page must be built first (`bash scripts/build-page.sh`, or `PASSERELLE_DIST_DIR`).

use std::path::PathBuf;
use std::time::Instant;

use fantoccini::Locator;
use passerelle_e2e::page::send_files;
use passerelle_e2e::Browser;
use real_glpi::directory::{
    check_line_errors, check_valid, error_entries, samples, snapshot, ENTITY, SERVICE,
};
use real_glpi::migration::{dist_dir, write_fingerprint, RunningProxy};
use real_glpi::page::{console, open, text, until};
use real_glpi::{prefecture_dump, Instance, RealGlpi};

/// This suite's own GLPI (port 8105 only: the other suites use the others).
const INSTANCE: Instance = Instance::new("directory-page", 8105);

async fn attr(browser: &Browser, selector: &str, name: &str) -> Option<String> {
    browser.attr(selector, name).await.ok().flatten()
}

/// What the page wrote on its console and the section's state, to explain a failure.
async fn page_state(browser: &Browser) -> String {
    format!(
        "status {:?}, error {:?}, console: {}",
        text(browser, "#directory-status").await,
        text(browser, "#directory-error").await,
        console(browser).await
    )
}

/// Drops one directory file on the check and waits until the section holds it, checked.
async fn drop_file(browser: &Browser, name: &str) {
    send_files(browser, "#file-input", &[samples().join(name)]).await;
    until(&format!("{name} in the directory section"), 60, || async {
        attr(browser, "#directory-section", "data-file")
            .await
            .filter(|f| f == name)
    })
    .await;
}

/// Plans, and returns the preview's counts (create, modify, delete, already, rejected).
async fn plan(browser: &Browser) -> [usize; 5] {
    browser.click("#directory-plan-button").await.unwrap();
    until("the plan", 180, || async {
        let planned = attr(browser, "#directory-counts", "data-planned").await;
        let idle = attr(browser, "#directory-section", "aria-busy").await;
        (idle.as_deref() == Some("false") && planned.as_deref() == Some("true")).then_some(())
    })
    .await;
    let mut out = [0; 5];
    for (i, k) in ["create", "modify", "delete", "already", "rejected"]
        .iter()
        .enumerate()
    {
        out[i] = attr(browser, "#directory-counts", &format!("data-{k}"))
            .await
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX);
    }
    out
}

/// Runs the plan and waits for its end: "clean" or "errors".
async fn run(browser: &Browser) -> String {
    browser.click("#directory-run-button").await.unwrap();
    until("the run to end", 600, || async {
        let idle = attr(browser, "#directory-section", "aria-busy").await;
        attr(browser, "#directory-status", "data-run")
            .await
            .filter(|r| r != "none" && idle.as_deref() == Some("false"))
    })
    .await
}

/// The text of the last file the page offered for download (blobs captured at creation).
async fn last_download(browser: &Browser) -> String {
    let v = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const b = window.__blobs[window.__blobs.length - 1];
             b ? b.text().then(done) : done(null);",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_string).unwrap_or_default()
}

/// Clicks a download button and returns the file it offers.
async fn download(browser: &Browser, button: &str) -> String {
    let before = browser
        .client
        .execute("return window.__blobs.length;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0);
    browser.click(button).await.unwrap();
    until(&format!("the download of {button}"), 20, || async {
        let n = browser
            .client
            .execute("return window.__blobs.length;", vec![])
            .await
            .ok()?
            .as_u64()?;
        (n > before).then_some(())
    })
    .await;
    last_download(browser).await
}

/// The passwords file the page offers after a run with the option: one password per created
/// user, each opening a GLPI session (basic auth, straight to GLPI); none of them in the error
/// file or in the directory's IndexedDB journal (read from the browser).
async fn check_passwords(browser: &Browser, glpi: &RealGlpi, errors: &str) {
    assert_eq!(
        attr(browser, "#directory-passwords-button", "data-count")
            .await
            .as_deref(),
        Some("14"),
        "{}",
        page_state(browser).await
    );
    let file = download(browser, "#directory-passwords-button").await;
    let pairs: Vec<(String, String)> = file
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(
        pairs.len(),
        14,
        "one password per created user: {}",
        pairs.len()
    );
    let journal = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('passerelle-directory-journal');
             open.onerror = () => done('ERROR ' + open.error);
             open.onsuccess = async () => {
               const db = open.result; const out = [];
               for (const name of Array.from(db.objectStoreNames)) {
                 const rows = await new Promise((ok, ko) => {
                   const r = db.transaction(name).objectStore(name).getAll();
                   r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
                 });
                 out.push(JSON.stringify(rows));
               }
               done(out.join(' '));
             };",
            vec![],
        )
        .await
        .unwrap();
    let journal = journal.as_str().unwrap_or_default().to_string();
    assert!(
        journal.contains("oceane.belizaire"),
        "the journal is read: {}",
        &journal[..journal.len().min(300)]
    );
    for (login, password) in &pairs {
        assert!(password.len() >= 16, "{login}");
        assert!(
            !journal.contains(password.as_str()),
            "{login}'s password in the journal"
        );
        assert!(
            !errors.contains(password.as_str()),
            "{login}'s password in the error file"
        );
        assert!(
            !console(browser).await.contains(password.as_str()),
            "{login}'s password on the console"
        );
        let out = std::process::Command::new("curl")
            .args(["-s", "--max-time", "30", "-H"])
            .arg(format!("App-Token: {}", glpi.app_token))
            .arg("-u")
            .arg(format!("{login}:{password}"))
            .arg(format!("{}/initSession", glpi.api_url))
            .output()
            .unwrap();
        let answer = String::from_utf8_lossy(&out.stdout);
        assert!(
            answer.contains("session_token"),
            "{login} cannot log in with its password: {answer}"
        );
    }
}

/// Another window of the page holds the directory journal's Web Lock (as its run would): this
/// window's run is refused with the message, in French and English; once that window is
/// closed, the lock is free again.
async fn refused_while_another_tab_runs(browser: &Browser, base_url: &str) {
    let first = browser.client.window().await.unwrap();
    let second = browser.client.new_window(false).await.unwrap().handle;
    browser
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    browser.goto(base_url).await.unwrap();
    let held = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.locks.request('passerelle-directory-journal', { mode: 'exclusive' },
               () => { done(true); return new Promise(() => {}); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(held, serde_json::json!(true));
    browser
        .client
        .switch_to_window(first.clone())
        .await
        .unwrap();
    browser.click("#directory-run-button").await.unwrap();
    let message = until("the refusal", 60, || async {
        text(browser, "#directory-error")
            .await
            .filter(|t| t.contains("autre onglet"))
    })
    .await;
    assert!(message.contains("another tab"), "{message}");
    assert_eq!(
        attr(browser, "#directory-status", "data-run")
            .await
            .as_deref(),
        Some("errors"),
        "{}",
        page_state(browser).await
    );
    // The other window closes: its lock goes with it.
    browser.client.switch_to_window(second).await.unwrap();
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(first).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_files_go_through_the_page_into_the_prefecture_glpi() {
    let started = Instant::now();
    let dist = dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: run `bash scripts/build-page.sh` first",
        dist.display()
    );
    let glpi = RealGlpi::loaded(INSTANCE, &prefecture_dump()).unwrap_or_else(|e| panic!("{e}"));
    let proxy = RunningProxy::start(&glpi, Some(&dist)).unwrap_or_else(|e| panic!("{e}"));
    let before = snapshot(&glpi);
    let db = glpi.instance.db_name();
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    open(&browser, &proxy.base_url).await;
    // The files the page offers for download: their blobs, captured as they are made.
    browser
        .client
        .execute(
            "window.__blobs = []; const o = URL.createObjectURL;
             URL.createObjectURL = (b) => { window.__blobs.push(b); return o.call(URL, b); };",
            vec![],
        )
        .await
        .expect("download capture");

    // mixed-errors.tsv first: the reference panel opens by itself for its files.
    send_files(
        &browser,
        "#file-input",
        &[samples().join("mixed-errors.tsv")],
    )
    .await;
    browser
        .wait_attr("#refs", "data-wanted", "true")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refs: Vec<PathBuf> = [
        "profils.tsv",
        "privileges.tsv",
        "services.tsv",
        "annuaire-export.tsv",
    ]
    .iter()
    .map(|n| samples().join("reference").join(n))
    .collect();
    send_files(&browser, "#refs-input", &refs).await;
    browser
        .client
        .find(Locator::Css("#service-input"))
        .await
        .unwrap()
        .send_keys(SERVICE)
        .await
        .unwrap();
    until("mixed-errors.tsv in the directory section", 60, || async {
        attr(&browser, "#directory-section", "data-file")
            .await
            .filter(|f| f == "mixed-errors.tsv")
    })
    .await;

    // Connect with the personal token of `glpi` (the App-Token stays in the proxy), in the
    // prefecture's entity.
    browser
        .client
        .find(Locator::Css("#directory-token"))
        .await
        .unwrap()
        .send_keys(&glpi.user_token)
        .await
        .unwrap();
    browser.click("#directory-connect-button").await.unwrap();
    until("the connection", 60, || async {
        text(&browser, "#directory-connected")
            .await
            .filter(|t| t.contains("10.0.11"))
    })
    .await;
    browser
        .client
        .execute(
            "const s = document.querySelector('#directory-entity'); s.value = arguments[0];
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(ENTITY.to_string())],
        )
        .await
        .unwrap();
    // The list shows the entity once the section has taken the pick (a `Choice`).
    until("the entity chosen", 20, || async {
        attr(&browser, "#directory-entity", "data-value")
            .await
            .filter(|v| *v == ENTITY.to_string())
    })
    .await;

    // Phase 1 fails: the banner, no plan, no run; the error file says why; nothing written.
    browser
        .wait_text(
            "#directory-phase-one .fr-alert__title",
            "phase 1 en échec : rien ne sera importé",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for button in ["#directory-plan-button", "#directory-run-button"] {
        assert!(
            attr(&browser, button, "disabled").await.is_some(),
            "{button} must be disabled while phase 1 fails"
        );
    }
    let mixed = download(&browser, "#directory-errors-button").await;
    assert!(mixed.starts_with("Phase 1 en échec"), "{mixed}");
    let phase_one: Vec<u64> = error_entries(&mixed).keys().copied().collect();
    assert!(
        [3, 7, 11, 12, 13, 14].iter().all(|l| phase_one.contains(l)),
        "{mixed}"
    );
    assert_eq!(snapshot(&glpi), before, "phase 1 failed: nothing written");

    // The mapping the page shows, saved as a template: the oracle reads it.
    let map: serde_json::Value =
        serde_json::from_str(&download(&browser, "#directory-save-mapping").await)
            .expect("the mapping template is JSON");

    // valid.tsv: the plan against the prefecture's users, then the run.
    drop_file(&browser, "valid.tsv").await;
    assert!(
        browser
            .client
            .find(Locator::Css("#directory-phase-one"))
            .await
            .is_err(),
        "valid.tsv passes phase 1"
    );
    // Generated passwords: the option, handed over as a download only.
    // (DSFR draws the box on the label: the label takes the click.)
    browser
        .click("label[for='directory-passwords']")
        .await
        .unwrap();
    assert_eq!(
        browser
            .client
            .execute(
                "return document.querySelector('#directory-passwords').checked;",
                vec![]
            )
            .await
            .unwrap(),
        serde_json::json!(true)
    );
    let counts = plan(&browser).await;
    assert_eq!(
        counts,
        [14, 10, 5, 0, 0],
        "EXPECTED.md: 14 C, 10 M, 5 S ({})",
        page_state(&browser).await
    );
    let first = Instant::now();
    let outcome = run(&browser).await;
    let first = first.elapsed();
    assert_eq!(outcome, "clean", "{}", page_state(&browser).await);
    let valid_errors = download(&browser, "#directory-errors-button").await;
    check_passwords(&browser, &glpi, &valid_errors).await;
    let entries = error_entries(&valid_errors);
    assert!(
        entries.values().flatten().all(|s| s == "INFO"),
        "{valid_errors}"
    );
    assert!(entries.contains_key(&18), "{valid_errors}");
    let figures = check_valid(&glpi, &map, &before).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        (figures["C"], figures["M"], figures["S"]),
        (14, 10, 5),
        "{figures:?}"
    );
    let after_valid = snapshot(&glpi);

    // A second run of valid.tsv writes nothing; first, while another tab of the page holds
    // the directory journal's Web Lock (as a run there does), this one cannot run.
    let fingerprint = write_fingerprint(&db).unwrap();
    plan(&browser).await;
    refused_while_another_tab_runs(&browser, &proxy.base_url).await;
    assert_eq!(write_fingerprint(&db).unwrap(), fingerprint);
    let again = plan(&browser).await;
    assert_eq!(
        (again[0], again[4]),
        (0, 0),
        "nothing to create again: {again:?}"
    );
    assert_eq!(
        run(&browser).await,
        "clean",
        "{}",
        page_state(&browser).await
    );
    assert_eq!(write_fingerprint(&db).unwrap(), fingerprint);
    assert_eq!(snapshot(&glpi), after_valid);

    // line-errors.tsv: the error file the page offers, against EXPECTED.md line by line.
    drop_file(&browser, "line-errors.tsv").await;
    plan(&browser).await;
    run(&browser).await;
    let errors = download(&browser, "#directory-errors-button").await;
    let (mismatches, lines_with_errors) = check_line_errors(&glpi, &errors);
    assert!(mismatches.is_empty(), "{}\n{errors}", mismatches.join("\n"));
    assert_eq!(lines_with_errors, 10, "{errors}");

    // Undo: every run of the page taken back, the last first; every user as it was.
    browser.click("#directory-undo-button").await.unwrap();
    until("the undo", 600, || async {
        attr(&browser, "#directory-status", "data-undone")
            .await
            .filter(|u| u == "true")
    })
    .await;
    let after_undo = snapshot(&glpi);
    for (table, rows) in &before {
        assert_eq!(&after_undo[table], rows, "{table} after undo");
    }
    eprintln!(
        "[directory-page] valid.tsv run {:.1} s, whole test {:.1} s; undo: {:?}",
        first.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        text(&browser, "#directory-status").await
    );
    let _ = browser.close().await;
}
