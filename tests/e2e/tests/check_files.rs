//! Checking real GLPI exports in the page: files go into the file input, the engine runs in
//! WebAssembly, and the summary and located problems appear — also with the proxy gone.

use fantoccini::Locator;
use passerelle_e2e::page::{glpi_sample, open_page, send_files, summary_text};
use passerelle_e2e::Browser;

static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn drop_files(browser: &Browser, files: &[&str]) {
    let paths: Vec<_> = files.iter().map(|f| glpi_sample(f)).collect();
    send_files(browser, "#file-input", &paths).await;
}

/// The sandbox, the proxy in front of it, and Chromium showing the page once it reached the proxy.
#[tokio::test]
async fn real_exports_are_checked_in_the_page_with_located_problems() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;

    drop_files(&browser, &["Computer.csv", "Monitor.csv", "User.csv"]).await;
    assert_eq!(summary_text(&browser, "Computer.csv", "rows").await, "120");
    assert_eq!(
        summary_text(&browser, "Computer.csv", "type").await,
        "Ordinateurs"
    );
    assert_eq!(summary_text(&browser, "User.csv", "rows").await, "44");
    assert_eq!(summary_text(&browser, "User.csv", "errors").await, "0");
    assert_eq!(summary_text(&browser, "Computer.csv", "errors").await, "0");

    // The homonym "Joseph Céline" on line 15 of Monitor.csv: nothing on the row says which one.
    let row = browser
        .client
        .find(Locator::Css(
            "#problems .problem-row[data-file=\"Monitor.csv\"][data-line=\"15\"]",
        ))
        .await
        .expect("problem on line 15");
    let text = row.text().await.unwrap();
    assert!(text.contains("ERREUR"), "{text}");
    // The value cell offers to pick one of the two logins, its first choice naming the value.
    let pick = row
        .find(Locator::Css("select.pick-login"))
        .await
        .expect("a login to pick");
    let shown = pick
        .find(Locator::Css("option:checked"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Joseph Céline"), "{shown}");
    let logins = pick.find_all(Locator::Css("option")).await.unwrap();
    let mut values = Vec::new();
    for o in logins {
        values.push(o.attr("value").await.unwrap().unwrap_or_default());
    }
    assert_eq!(values, ["", "celine.joseph", "celine.joseph2"]);
    // On line 51 of Computer.csv the Usager column names one of them: a warning that says which.
    let row = browser
        .client
        .find(Locator::Css(
            "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"51\"]",
        ))
        .await
        .expect("problem on line 51");
    let text = row.text().await.unwrap();
    assert!(text.contains("AVERTISSEMENT"), "{text}");
    // The whole message is shown: it wraps, never cut off.
    let message = row
        .find(Locator::Css("td.message"))
        .await
        .expect("message cell")
        .text()
        .await
        .unwrap();
    assert!(message.contains("l'usager « celine.joseph2 »"), "{message}");

    // Filtering by severity keeps only warnings: the line-break damage in "Usager" and the two
    // homonyms told apart by it.
    let select = browser
        .client
        .find(Locator::Css("#filter-severity"))
        .await
        .unwrap();
    select.select_by_value("warning").await.unwrap();
    browser
        .wait_text("#problems-count", "4 problèmes affichés")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.close().await.unwrap();
}

#[tokio::test]
async fn files_are_checked_with_the_network_gone() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, proxy, browser) = open_page().await;
    // Once loaded, the page needs nothing more from the network.
    drop(proxy);
    drop(sandbox);
    drop_files(&browser, &["Ticket.csv"]).await;
    assert_eq!(summary_text(&browser, "Ticket.csv", "rows").await, "60");
    browser.close().await.unwrap();
}
