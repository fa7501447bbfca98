//! The file check's controls in the page, in real headless Chromium: the Web Worker and its
//! progress bar, the per-file encoding and item type overrides, cells corrected in place, the HR
//! directory's reference exports, the mapping editor and saved templates.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::Locator;
use passerelle_e2e::page::{
    directory_sample, glpi_sample, list_state, open_page, select, send_files, summary_cell,
    wait_cell, wait_list, CONTROL, ENTER, RELEASE,
};
use passerelle_e2e::{Browser, Proxy};

static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn find(browser: &Browser, selector: &str) -> Element {
    browser
        .client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
}

async fn present(browser: &Browser, selector: &str) -> bool {
    matches!(browser.text(selector).await, Ok(Some(_)))
}

/// Computer.csv with its records repeated `times` times: a large, realistic export.
fn large_export(times: usize) -> (PathBuf, usize) {
    let bytes = std::fs::read(glpi_sample("Computer.csv")).unwrap();
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let body = &bytes[header_end..];
    let rows_per_copy = 120;
    let mut out = Vec::with_capacity(header_end + body.len() * times);
    out.extend_from_slice(&bytes[..header_end]);
    for _ in 0..times {
        out.extend_from_slice(body);
    }
    let dir = std::env::temp_dir().join(format!("passerelle-e2e-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("Computer.csv");
    std::fs::write(&path, out).unwrap();
    (path, rows_per_copy * times)
}

#[tokio::test]
async fn a_large_file_is_checked_in_a_worker_with_a_progress_bar_and_the_page_answers() {
    let _one = ONE_BROWSER.lock().await;
    let (path, rows) = large_export(700);
    let (_sandbox, _proxy, browser) = open_page().await;

    record_progress(&browser).await;
    send_files(&browser, "#file-input", std::slice::from_ref(&path)).await;
    // The progress bar appears while the worker reads and checks.
    let start = Instant::now();
    while !present(&browser, "#check-progress").await {
        assert!(start.elapsed() < Duration::from_secs(20), "no progress bar");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The page still answers clicks during the check: the language switch takes effect at once,
    // while the check is still running.
    browser.click("#lang-en").await.unwrap();
    assert_eq!(
        browser.text("#checker-heading").await.unwrap().as_deref(),
        Some("Check files")
    );
    assert!(
        present(&browser, "#check-progress").await,
        "the check ended before the click was answered: make the file larger"
    );
    // The bar moves: reading then checking, with percents in between. Every state the page drew
    // is recorded in the page itself: polling through WebDriver misses a stage that lasts less
    // than one round trip (the reading of this file, on a fast machine).
    while present(&browser, "#check-progress").await {
        assert!(start.elapsed() < Duration::from_secs(120), "check too long");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = progress_seen(&browser).await;
    assert!(
        seen.iter()
            .any(|(s, v)| s == "reading" && v != "0" && v != "100"),
        "no reading percent seen: {seen:?}"
    );
    assert!(
        seen.iter()
            .any(|(s, v)| s == "checking" && v != "0" && v != "100"),
        "no checking percent seen: {seen:?}"
    );
    wait_cell(&browser, "Computer.csv", "rows", &rows.to_string()).await;
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[tokio::test]
async fn encoding_and_item_type_overrides_re_run_the_check_of_that_file() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(
        &browser,
        "#file-input",
        &[glpi_sample("Computer.csv"), glpi_sample("User.csv")],
    )
    .await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;
    wait_cell(&browser, "Computer.csv", "encoding", "UTF-8 « ; »").await;
    wait_cell(&browser, "Computer.csv", "type", "Ordinateurs").await;

    // Forced to Windows-1252, the UTF-8 file's accents become two characters.
    select(
        &browser,
        &summary_cell("Computer.csv", "encoding-select"),
        "windows-1252",
    )
    .await;
    wait_cell(&browser, "Computer.csv", "encoding", "windows-1252 « ; »").await;
    // The other file is untouched.
    wait_cell(&browser, "User.csv", "encoding", "UTF-8 « ; »").await;
    // Back to automatic detection.
    select(
        &browser,
        &summary_cell("Computer.csv", "encoding-select"),
        "",
    )
    .await;
    wait_cell(&browser, "Computer.csv", "encoding", "UTF-8 « ; »").await;

    // Forced item type: the file is checked as monitors.
    select(
        &browser,
        &summary_cell("Computer.csv", "type-select"),
        "Monitor",
    )
    .await;
    wait_cell(&browser, "Computer.csv", "type", "Moniteurs").await;
    wait_cell(&browser, "User.csv", "type", "Utilisateurs").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_cell_corrected_in_place_is_re_validated() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;

    // Line 29, column Usager: "GUYANE\noel.sylvestre" saved by GLPI with a real line break.
    let cell =
        "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"29\"] input.value-edit";
    let input = find(&browser, cell).await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("GUYANE⏎oel.sylvestre")
    );
    input
        .send_keys(&format!("{CONTROL}a{RELEASE}GUYANE\\noel.sylvestre{ENTER}"))
        .await
        .unwrap();
    wait_cell(&browser, "Computer.csv", "warnings", "1").await;
    assert!(
        !present(
            &browser,
            "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"29\"]"
        )
        .await,
        "the corrected problem is still listed"
    );
    // The other damaged cell (line 69) is still flagged.
    assert!(
        present(
            &browser,
            "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"69\"]"
        )
        .await
    );
    browser.close().await.unwrap();
}

/// The rejected rows are read again in the worker, off the main thread: the download holds the
/// rows still in error, with their reason, and not a row corrected in place.
#[tokio::test]
async fn rejected_rows_come_from_the_worker_with_their_reasons_and_without_corrected_rows() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    let dir = std::env::temp_dir().join(format!("passerelle-e2e-rejected-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("Computer.csv");
    std::fs::write(
        &path,
        "Nom;Numéro de série;Date d'achat\nPC-1;SN1;2020-01-01\nPC-2;SN2;pas une date\nPC-3;SN3;jamais\n",
    )
    .unwrap();
    send_files(&browser, "#file-input", &[path]).await;
    wait_cell(&browser, "Computer.csv", "errors", "2").await;
    // PC-3's date corrected in place: its row is no longer rejected.
    let cell =
        "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"4\"] input.value-edit";
    find(&browser, cell)
        .await
        .send_keys(&format!("{CONTROL}a{RELEASE}2021-06-30{ENTER}"))
        .await
        .unwrap();
    wait_cell(&browser, "Computer.csv", "errors", "1").await;
    capture_downloads(&browser).await;
    browser
        .click(&format!(
            "{} button.download-rejected",
            "tr.summary-row[data-file=\"Computer.csv\"]"
        ))
        .await
        .unwrap();
    // The worker answers asynchronously: the download comes when it has read the file.
    let csv = first_download(&browser)
        .await
        .expect("the rejected rows were offered");
    assert!(
        csv.contains("PC-2") && csv.contains("pas une date"),
        "{csv}"
    );
    assert!(!csv.contains("PC-1") && !csv.contains("PC-3"), "{csv}");
    // Each row says why (the last column, in French).
    let row = csv.lines().find(|l| l.contains("PC-2")).unwrap();
    assert!(
        row.contains("Date d'achat") || row.contains("date"),
        "{row}"
    );
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_directory_file_is_checked_with_its_reference_exports_and_service() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;

    // Without the references: one blocking message says what is missing.
    send_files(
        &browser,
        "#file-input",
        &[directory_sample("line-errors.tsv")],
    )
    .await;
    wait_cell(&browser, "line-errors.tsv", "type", "Annuaire RH").await;
    wait_cell(&browser, "line-errors.tsv", "errors", "1").await;
    assert!(
        present(
            &browser,
            "#problems .problem-row[data-code=\"directory.references_missing\"]"
        )
        .await
    );

    // The message asks for the references: their panel opens by itself and says why.
    browser
        .wait_attr("#refs", "data-wanted", "true")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        browser.attr("#refs", "open").await.unwrap().is_some(),
        "the reference panel opens by itself"
    );
    assert!(present(&browser, "#refs-wanted").await);

    // The four reference exports, then the importer's service.
    let refs: Vec<PathBuf> = [
        "profils.tsv",
        "privileges.tsv",
        "services.tsv",
        "annuaire-export.tsv",
    ]
    .iter()
    .map(|n| directory_sample(&format!("reference/{n}")))
    .collect();
    send_files(&browser, "#refs-input", &refs).await;
    browser
        .wait_text("#refs-list li:nth-child(4)", "annuaire-export.tsv")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    find(&browser, "#service-input")
        .await
        .send_keys("Préfecture de Guyane")
        .await
        .unwrap();
    // Applied as typed: no Enter, no leaving the field.

    // EXPECTED.md: 17 lines, 10 rejected, 4 warnings, 7 imported.
    wait_cell(&browser, "line-errors.tsv", "errors", "10").await;
    wait_cell(&browser, "line-errors.tsv", "rows", "17").await;
    wait_cell(&browser, "line-errors.tsv", "warnings", "4").await;
    wait_cell(&browser, "line-errors.tsv", "valid", "7").await;
    let row = find(
        &browser,
        "#problems .problem-row[data-file=\"line-errors.tsv\"][data-line=\"12\"]",
    )
    .await;
    let text = row.text().await.unwrap();
    assert!(text.contains("ERREUR"), "{text}");
    assert!(!present(&browser, "#refs-wanted").await);

    // The directory section previews phase 2 from the check: line 3 (NOM empty) is rejected.
    let line3 = "#directory-preview tr.directory-line[data-line=\"3\"]";
    browser
        .wait_attr(line3, "data-kind", "rejected")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Its lists show the mapping in force, after a change and after a change back.
    for list in ["#directory-civilite", "#directory-fonction"] {
        let in_force = browser.attr(list, "data-value").await.unwrap().unwrap();
        wait_list(&browser, list, &in_force, "directory mapping").await;
    }
    wait_list(
        &browser,
        "#directory-key",
        "sync_field",
        "directory mapping",
    )
    .await;
    select(&browser, "#directory-key", "registration_number").await;
    wait_list(
        &browser,
        "#directory-key",
        "registration_number",
        "after a change",
    )
    .await;
    select(&browser, "#directory-key", "sync_field").await;
    wait_list(
        &browser,
        "#directory-key",
        "sync_field",
        "after a change back",
    )
    .await;
    // Values are corrected in place as in the exports: NOM given, the line is accepted.
    find(
        &browser,
        "#problems .problem-row[data-file=\"line-errors.tsv\"][data-line=\"3\"] input.value-edit",
    )
    .await
    .send_keys(&format!("Xavier{ENTER}"))
    .await
    .unwrap();
    wait_cell(&browser, "line-errors.tsv", "errors", "9").await;
    // Re-rendered by the correction: the key shown is still the one in force.
    wait_list(
        &browser,
        "#directory-key",
        "sync_field",
        "after a correction",
    )
    .await;
    wait_cell(&browser, "line-errors.tsv", "valid", "8").await;
    browser
        .wait_attr(line3, "data-kind", "create")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The directory section, its preview, mapping and connection form: RGAA (WCAG A and AA).
    passerelle_e2e::a11y::assert_accessible(&browser, "directory preview").await;
    // Phase-two errors only: no phase-one banner.
    assert!(!present(&browser, ".phase-one-failed").await);

    // A file whose phase one fails: the banner says nothing will be imported, in both languages.
    send_files(
        &browser,
        "#file-input",
        &[directory_sample("mixed-errors.tsv")],
    )
    .await;
    let banner = ".phase-one-failed[data-file=\"mixed-errors.tsv\"] .fr-alert__title";
    browser
        .wait_text(banner, "phase 1 en échec : rien ne sera importé")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        browser
            .attr(".phase-one-failed", "role")
            .await
            .unwrap()
            .as_deref(),
        Some("alert")
    );
    browser.click("#lang-en").await.unwrap();
    browser
        .wait_text(banner, "phase 1 failed: nothing will be imported")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser
        .wait_text(
            "#directory-phase-one .fr-alert__title",
            "phase 1 failed: nothing will be imported",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    passerelle_e2e::a11y::assert_accessible(&browser, "directory phase 1 failed").await;
    browser.close().await.unwrap();
}

const EDITOR: &str = "details.mapping-editor[data-file=\"Computer.csv\"]";

async fn open_editor(browser: &Browser) {
    browser.click(&format!("{EDITOR} > summary")).await.unwrap();
}

/// Ignores column 12 (Usager, 0-based 11) of Computer.csv in its mapping editor.
async fn ignore_usager(browser: &Browser) {
    let row = format!("{EDITOR} tr.mapping-row[data-column=\"11\"]");
    browser
        .wait_text(&format!("{row} td.header"), "Usager")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    select(browser, &format!("{row} select.field-select"), "").await;
}

#[tokio::test]
async fn a_changed_column_mapping_changes_the_problems() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;
    open_editor(&browser).await;
    // Automatic matches are shown with their confidence and method.
    browser
        .wait_text(
            &format!("{EDITOR} tr.mapping-row[data-column=\"0\"] td.confidence"),
            "100 % (exact)",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        find(
            &browser,
            &format!("{EDITOR} tr.mapping-row[data-column=\"11\"] select.field-select")
        )
        .await
        .prop("value")
        .await
        .unwrap()
        .as_deref(),
        Some("contact")
    );

    // "Usager" ignored: its two line-break warnings go.
    ignore_usager(&browser).await;
    wait_cell(&browser, "Computer.csv", "warnings", "0").await;
    browser
        .wait_text(
            &format!("{EDITOR} tr.mapping-row[data-column=\"11\"] td.confidence"),
            "100 % (non rapproché)",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Mapped again by hand: they come back.
    select(
        &browser,
        &format!("{EDITOR} tr.mapping-row[data-column=\"11\"] select.field-select"),
        "contact",
    )
    .await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;

    // A template built from columns, kept through the re-check.
    select(&browser, &format!("{EDITOR} select.extra-field"), "comment").await;
    select(&browser, &format!("{EDITOR} select.extra-kind"), "template").await;
    find(&browser, &format!("{EDITOR} input.extra-value"))
        .await
        .send_keys("%Nom% - %Numéro de série%")
        .await
        .unwrap();
    browser
        .click(&format!("{EDITOR} button.extra-add"))
        .await
        .unwrap();
    let extra = format!("{EDITOR} li.extra[data-field=\"comment\"]");
    let start = Instant::now();
    while !present(&browser, &extra).await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "template not kept"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = browser.text(&extra).await.unwrap().unwrap();
    assert!(text.contains("%Nom% - %Numéro de série%"), "{text}");
    browser.close().await.unwrap();
}

async fn reload(browser: &Browser, proxy: &Proxy) {
    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn wait_present(browser: &Browser, selector: &str, want: bool) {
    let start = Instant::now();
    while present(browser, selector).await != want {
        if start.elapsed() > Duration::from_secs(20) {
            let error = browser.text("#templates-error").await.ok().flatten();
            let list = browser.text("#templates").await.ok().flatten();
            panic!("{selector} present should be {want}; templates: {list:?}, error: {error:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn templates_are_saved_reapplied_after_a_reload_exported_and_imported() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, proxy, browser) = open_page().await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;
    open_editor(&browser).await;
    ignore_usager(&browser).await;
    wait_cell(&browser, "Computer.csv", "warnings", "0").await;
    find(&browser, &format!("{EDITOR} input.template-name"))
        .await
        .send_keys("Parc Guyane")
        .await
        .unwrap();
    browser
        .click(&format!("{EDITOR} button.template-save"))
        .await
        .unwrap();
    let saved = "#templates-list li[data-name=\"Parc Guyane\"]";
    wait_present(&browser, saved, true).await;

    // Same header after a reload: the template is applied by itself.
    reload(&browser, &proxy).await;
    wait_present(&browser, saved, true).await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "0").await;
    let applied = browser
        .text(&format!("{EDITOR} .template-applied"))
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(applied.contains("Parc Guyane"), "{applied:?}");

    // Export: the JSON file offered for download (its blob is read back through WebDriver).
    capture_downloads(&browser).await;
    browser.click("#templates-export").await.unwrap();
    let json = first_download(&browser).await.expect("exported text");
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed[0]["name"], "Parc Guyane");

    // Deleted: the next drop is mapped automatically again.
    browser
        .click(&format!("{saved} button.template-delete"))
        .await
        .unwrap();
    wait_present(&browser, saved, false).await;
    reload(&browser, &proxy).await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;

    // Imported from the exported file: saved again, and the open file is re-checked with it.
    let dir = std::env::temp_dir().join(format!("passerelle-e2e-tpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("passerelle-modeles.json");
    std::fs::write(&file, json).unwrap();
    send_files(&browser, "#templates-import", &[file]).await;
    wait_present(&browser, saved, true).await;
    wait_cell(&browser, "Computer.csv", "warnings", "0").await;
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// From now on, the page records each state its progress bar is drawn in (stage and percent),
/// for [`progress_seen`].
async fn record_progress(browser: &Browser) {
    browser
        .client
        .execute(
            "window.__progress = []; \
             new MutationObserver(() => { \
               const busy = document.getElementById('check-busy'); \
               const bar = document.getElementById('check-progress'); \
               if (!busy || !bar) return; \
               const seen = busy.dataset.stage + '|' + bar.getAttribute('value'); \
               if (window.__progress[window.__progress.length - 1] !== seen) window.__progress.push(seen); \
             }).observe(document.body, { subtree: true, childList: true, attributes: true });",
            vec![],
        )
        .await
        .unwrap();
}

/// The (stage, percent) states the progress bar was drawn in since [`record_progress`].
async fn progress_seen(browser: &Browser) -> std::collections::BTreeSet<(String, String)> {
    let seen = browser
        .client
        .execute("return window.__progress;", vec![])
        .await
        .unwrap();
    seen.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str()?.split_once('|'))
        .map(|(stage, percent)| (stage.to_string(), percent.to_string()))
        .collect()
}

/// From now on, the page's downloads are kept for [`first_download`] (each blob it offers).
async fn capture_downloads(browser: &Browser) {
    browser
        .client
        .execute(
            "window.__blobs = []; const o = URL.createObjectURL; \
             URL.createObjectURL = (b) => { window.__blobs.push(b); return o.call(URL, b); };",
            vec![],
        )
        .await
        .unwrap();
}

/// The text of the first download offered since [`capture_downloads`], waited for up to 20 s
/// (read back through WebDriver); `None` when none came.
async fn first_download(browser: &Browser) -> Option<String> {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; const t0 = Date.now(); \
             (function poll() { if (window.__blobs.length) { window.__blobs[0].text().then(done); } \
             else if (Date.now() - t0 > 20000) { done(null); } else { setTimeout(poll, 50); } })();",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .map(str::to_string)
}

/// Waits until no check is running (the progress bar gone) and the summary is there.
async fn wait_checked(browser: &Browser) {
    let start = Instant::now();
    while present(browser, "#check-progress").await || !present(browser, "#summary").await {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "check never ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `data-file` of every problem row shown.
async fn problem_files(browser: &Browser) -> Vec<String> {
    let rows = browser
        .client
        .find_all(Locator::Css("#problems tr.problem-row"))
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in rows {
        out.push(r.attr("data-file").await.unwrap().unwrap_or_default());
    }
    out
}

/// A counter in words as the page must write it (the rule restated: "aucune erreur", "1 erreur",
/// "3 erreurs"; "no error", "1 error", "3 errors").
fn in_words(lang: &str, n: usize, fr: (&str, &str, &str), en: (&str, &str)) -> String {
    match (lang, n) {
        ("fr", 0) => format!("{} {}", fr.2, fr.0),
        ("fr", 1) => format!("1 {}", fr.0),
        ("fr", n) => format!("{n} {}", fr.1),
        (_, 0) => format!("no {}", en.0),
        (_, 1) => format!("1 {}", en.0),
        (_, n) => format!("{n} {}", en.1),
    }
}

async fn cell_number(browser: &Browser, file: &str, class: &str) -> usize {
    browser
        .text(&summary_cell(file, class))
        .await
        .unwrap()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("{file} {class}: {e}"))
}

#[tokio::test]
async fn drop_down_lists_always_show_the_choice_in_force() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(
        &browser,
        "#file-input",
        &[
            glpi_sample("Computer.csv"),
            glpi_sample("User.csv"),
            glpi_sample("Monitor.csv"),
        ],
    )
    .await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;
    wait_cell(&browser, "Monitor.csv", "rows", "40").await;
    let enc = summary_cell("Computer.csv", "encoding-select");
    let kind = summary_cell("User.csv", "type-select");
    let usager = format!("{EDITOR} tr.mapping-row[data-column=\"11\"] select.field-select");

    // After the check: every list shows what the check used.
    for (list, value) in [
        ("#filter-file", ""),
        ("#filter-severity", ""),
        ("#filter-column", ""),
        (enc.as_str(), ""),
        (kind.as_str(), ""),
        (usager.as_str(), "contact"),
    ] {
        wait_list(&browser, list, value, "after the check").await;
    }
    let text = list_state(&browser, &enc).await.text;
    assert!(
        text.contains("UTF-8"),
        "automatic names what it found: {text}"
    );

    // Changed: each shows the new choice, also once the re-check it causes is done.
    select(&browser, "#filter-severity", "warning").await;
    wait_list(&browser, "#filter-severity", "warning", "after a change").await;
    select(&browser, &enc, "windows-1252").await;
    wait_list(&browser, &enc, "windows-1252", "after a change").await;
    wait_cell(&browser, "Computer.csv", "encoding", "windows-1252 « ; »").await;
    select(&browser, &kind, "Group").await;
    wait_list(&browser, &kind, "Group", "after a change").await;
    wait_checked(&browser).await;
    open_editor(&browser).await;
    select(&browser, &usager, "").await;
    wait_list(&browser, &usager, "", "after a change").await;
    wait_checked(&browser).await;
    wait_list(&browser, &usager, "", "after the re-check").await;
    wait_list(&browser, &enc, "windows-1252", "after the re-check").await;
    wait_list(&browser, &kind, "Group", "after the re-check").await;
    wait_list(
        &browser,
        "#filter-severity",
        "warning",
        "after the re-check",
    )
    .await;
    for f in problem_files(&browser).await {
        assert_ne!(f, "", "a problem row without its file");
    }

    // A re-render caused by another action (the language switch, a file filter): nothing moves.
    browser.click("#lang-en").await.unwrap();
    browser
        .wait_text("#checker-heading", "Check files")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    select(&browser, "#filter-file", "Monitor.csv").await;
    for (list, value) in [
        ("#filter-file", "Monitor.csv"),
        ("#filter-severity", "warning"),
        (enc.as_str(), "windows-1252"),
        (kind.as_str(), "Group"),
        (usager.as_str(), ""),
    ] {
        wait_list(&browser, list, value, "after another action").await;
    }
    assert_eq!(
        list_state(&browser, "#filter-severity").await.text,
        "WARNING"
    );
    // Back to the automatic encoding: shown as such, and the file read as UTF-8 again.
    select(&browser, &enc, "").await;
    wait_list(&browser, &enc, "", "after a change back").await;
    wait_cell(&browser, "Computer.csv", "encoding", "UTF-8 « ; »").await;
    wait_list(&browser, &enc, "", "after the re-check").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn problems_filter_by_file_wrap_their_messages_and_count_in_words() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    // The check step at the width of a common laptop screen.
    browser.client.set_window_size(1366, 768).await.unwrap();
    send_files(
        &browser,
        "#file-input",
        &[
            glpi_sample("Computer.csv"),
            glpi_sample("User.csv"),
            glpi_sample("Monitor.csv"),
        ],
    )
    .await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;
    wait_cell(&browser, "Monitor.csv", "rows", "40").await;
    wait_checked(&browser).await;

    // Only non-zero error counts take the error colour.
    let classes = |file: &'static str| {
        let b = &browser;
        async move {
            b.attr(&summary_cell(file, "errors"), "class")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(cell_number(&browser, "User.csv", "errors").await, 0);
    assert!(!classes("User.csv").await.contains("has-errors"));
    assert!(cell_number(&browser, "Monitor.csv", "errors").await > 0);
    assert!(classes("Monitor.csv").await.contains("has-errors"));
    let colours: serde_json::Value = browser
        .client
        .execute(
            "return ['User.csv', 'Monitor.csv'].map(f => getComputedStyle(document.querySelector(
               `tr.summary-row[data-file=\"${f}\"] td.errors`)).color);",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(colours[0], colours[1], "a zero looks like an error count");

    // Counters in words, agreed in number, in French then in English.
    let mut errors = 0;
    let mut warnings = 0;
    for f in ["Computer.csv", "User.csv", "Monitor.csv"] {
        errors += cell_number(&browser, f, "errors").await;
        warnings += cell_number(&browser, f, "warnings").await;
    }
    let error = (("erreur", "erreurs", "aucune"), ("error", "errors"));
    let warning = (
        ("avertissement", "avertissements", "aucun"),
        ("warning", "warnings"),
    );
    let shown_problems = (
        ("problème affiché", "problèmes affichés", "aucun"),
        ("problem shown", "problems shown"),
    );
    let totals = |lang: &str| {
        format!(
            "{} 3 {}, {}, {}",
            if lang == "fr" {
                "Résultat :"
            } else {
                "Result:"
            },
            if lang == "fr" { "fichiers" } else { "files" },
            in_words(lang, errors, error.0, error.1),
            in_words(lang, warnings, warning.0, warning.1)
        )
    };
    browser
        .wait_text("#check-totals", &totals("fr"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // The file filter: only that file's problems, counted in words.
    select(&browser, "#filter-file", "Monitor.csv").await;
    let start = Instant::now();
    let files = loop {
        let files = problem_files(&browser).await;
        if !files.is_empty() && files.iter().all(|f| f == "Monitor.csv") {
            break files;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{files:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    browser
        .wait_text(
            "#problems-count",
            &in_words("fr", files.len(), shown_problems.0, shown_problems.1),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // User.csv has no error: none shown.
    select(&browser, "#filter-file", "User.csv").await;
    select(&browser, "#filter-severity", "error").await;
    browser
        .wait_text("#problems-count", "aucun problème affiché")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(problem_files(&browser).await.is_empty());

    // Every message is shown whole: nothing overflows its cell, nothing ends in an ellipsis.
    select(&browser, "#filter-file", "").await;
    select(&browser, "#filter-severity", "").await;
    let cut: serde_json::Value = browser
        .client
        .execute(
            "const cells = [...document.querySelectorAll('#problems tr.problem-row td.message')];
             return [cells.length, cells.filter(c => c.scrollWidth > c.clientWidth
                 || getComputedStyle(c).textOverflow === 'ellipsis'
                 || getComputedStyle(c).whiteSpace === 'nowrap').map(c => c.textContent)];",
            vec![],
        )
        .await
        .unwrap();
    assert!(cut[0].as_u64().unwrap() > 0, "no message shown");
    assert_eq!(cut[1], serde_json::json!([]), "messages cut off");
    // Usable at 1366 px: the page does not scroll sideways.
    let sideways = |b: &Browser| {
        let b = b.client.clone();
        async move {
            b.execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap()
        }
    };
    assert!(
        sideways(&browser).await <= 0,
        "the page scrolls sideways at 1366 px"
    );
    passerelle_e2e::a11y::assert_accessible(&browser, "check, French").await;

    // In English.
    browser.click("#lang-en").await.unwrap();
    browser
        .wait_text("#check-totals", &totals("en"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    select(&browser, "#filter-file", "User.csv").await;
    select(&browser, "#filter-severity", "error").await;
    browser
        .wait_text("#problems-count", "no problem shown")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    select(&browser, "#filter-severity", "").await;
    select(&browser, "#filter-file", "Monitor.csv").await;
    browser
        .wait_text(
            "#problems-count",
            &in_words("en", files.len(), shown_problems.0, shown_problems.1),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // At 1280 px too.
    browser.client.set_window_size(1280, 800).await.unwrap();
    assert!(
        sideways(&browser).await <= 0,
        "the page scrolls sideways at 1280 px"
    );
    passerelle_e2e::a11y::assert_accessible(&browser, "check, English").await;
    browser.close().await.unwrap();
}
