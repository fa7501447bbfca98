//! One writer per journal in the page: while a migration runs in one window, a second window of
//! the same page is told (French and English) that it runs elsewhere, can only watch, and cannot
//! run, resume or forget it; once the first ends, the second is free again. Nothing is created
//! twice.

use std::collections::HashSet;

use passerelle_e2e::page::{
    glpi_sample, open_page_with, run_confirmed, send_files, wait_migration_file, wait_until,
};
use passerelle_e2e::Browser;

use passerelle_e2e::page::{connect_demo as connect, item_count as count, sandbox_dump as dump};

const FILES: [&str; 5] = passerelle_e2e::page::MIGRATION_SAMPLES;

async fn choose_files_and_plan(browser: &Browser) {
    let paths: Vec<_> = FILES.iter().map(|f| glpi_sample(f)).collect();
    send_files(browser, "#migrate-files", &paths).await;
    wait_migration_file(browser, "Monitor.csv").await;
    browser.click("#plan-button").await.unwrap();
    wait_until("the plan", || async {
        browser.text("#run-button").await.unwrap().is_some()
    })
    .await;
}

async fn disabled(browser: &Browser, selector: &str) -> bool {
    browser
        .attr(selector, "disabled")
        .await
        .unwrap()
        .is_some_and(|v| v == "true" || v.is_empty())
}

#[tokio::test]
async fn a_second_window_is_told_the_migration_runs_elsewhere_and_cannot_start_it() {
    // Realistic latency: the first window's run lasts long enough to be watched.
    let (sandbox, proxy, browser) = open_page_with(&["--latency", "realistic"]).await;
    let first = browser.client.window().await.unwrap();
    connect(&browser).await;
    choose_files_and_plan(&browser).await;
    run_confirmed(&browser).await;
    browser
        .wait_attr("#run-status", "data-phase", "running")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Paused once it writes: still running (the journal held), for as long as the test needs.
    wait_until("the first users", || async {
        count(&dump(&sandbox), "User") > 5
    })
    .await;
    browser.click("#pause-button").await.unwrap();
    browser
        .wait_text("#run-status", "En pause")
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // A second window of the same page (same origin, same journal).
    let second = browser.client.new_window(false).await.unwrap().handle;
    browser
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_until("the 'running elsewhere' banner", || async {
        browser.text("#elsewhere-banner").await.unwrap().is_some()
    })
    .await;
    let banner = browser.text("#elsewhere-banner").await.unwrap().unwrap();
    assert!(
        banner.contains("en cours dans un autre onglet") && banner.contains("suivre"),
        "{banner}"
    );
    // The journal it sees is a started, unfinished run: offered for resume, but not here.
    assert!(browser.text("#resume-banner").await.unwrap().is_some());
    assert!(disabled(&browser, "#resume-interrupted").await);
    assert!(disabled(&browser, "#forget-interrupted").await);
    // It watches the other window's progress through the journal.
    wait_until("the watched progress", || async {
        browser.text("#elsewhere-progress").await.unwrap().is_some()
    })
    .await;

    browser.click("#lang-en").await.unwrap();
    wait_until("the English banner", || async {
        browser
            .text("#elsewhere-banner")
            .await
            .unwrap()
            .is_some_and(|t| t.contains("running in another tab") && t.contains("only watch"))
    })
    .await;
    browser.click("#lang-fr").await.unwrap();

    // Even connected and with a plan, it cannot start a run.
    connect(&browser).await;
    choose_files_and_plan(&browser).await;
    assert!(
        disabled(&browser, "#run-button").await,
        "the run button is enabled in the second window"
    );
    assert!(disabled(&browser, "#resume-interrupted").await);

    // The first window resumes and ends its run.
    browser.client.switch_to_window(first).await.unwrap();
    browser.click("#resume-button").await.unwrap();
    wait_until("the first window's run to finish", || async {
        browser
            .attr("#run-status", "data-phase")
            .await
            .unwrap()
            .is_some_and(|p| p == "finished")
    })
    .await;
    let d = dump(&sandbox);
    let serials: Vec<String> = d["Computer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["serial"].to_string())
        .collect();
    let unique: HashSet<&String> = serials.iter().collect();
    assert_eq!(unique.len(), serials.len(), "a computer was created twice");
    // Every computer of the sample: the homonyms are told apart by their Usager column.
    assert_eq!(serials.len(), 120);
    assert_eq!(count(&d, "Monitor"), 39);

    // The second window is free again: no banner, the run button usable.
    browser.client.switch_to_window(second).await.unwrap();
    wait_until("the banner to go", || async {
        browser.text("#elsewhere-banner").await.unwrap().is_none()
    })
    .await;
    assert!(!disabled(&browser, "#run-button").await);
    assert!(browser.text("#resume-banner").await.unwrap().is_none());
    browser.close().await.unwrap();
}
