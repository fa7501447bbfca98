//! What a user does with the checked files in real headless Chromium: remove a file, drop one of
//! the same name (asked, then replaced, never listed twice), a file the migration cannot take
//! skipped with a note while the others are planned; corrections listed, undone, applied to
//! every occurrence, a homonym's login picked, an empty cell only when chosen, a warning before
//! leaving with corrections.

use std::path::PathBuf;

use fantoccini::Locator;
use passerelle_e2e::page::{
    connect_demo, count, glpi_sample, list_state, open_page, select, send_files, summary_cell,
    wait_cell, wait_count, wait_list, CONTROL, ENTER, RELEASE,
};

/// WebDriver key: Delete.
const DELETE: &str = "\u{E017}";
use passerelle_e2e::Browser;

static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A folder of its own for files written by a test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("passerelle-e2e-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sample Computer.csv cut to its header and first `rows` records (one line each there).
fn first_computers(rows: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(glpi_sample("Computer.csv")).unwrap();
    let mut out: String = text.split_inclusive('\n').take(rows + 1).collect();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.into_bytes()
}

#[tokio::test]
async fn a_file_is_removed_and_one_of_the_same_name_replaces_it_once_the_user_agrees() {
    let _one = ONE_BROWSER.lock().await;
    let scratch = Scratch::new("replace");
    // Another Computer.csv, with 10 of the 120 computers.
    let shorter = scratch.write("Computer.csv", &first_computers(10));
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(
        &browser,
        "#file-input",
        &[
            glpi_sample("Computer.csv"),
            glpi_sample("Monitor.csv"),
            glpi_sample("User.csv"),
        ],
    )
    .await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;
    wait_cell(&browser, "Monitor.csv", "rows", "40").await;

    // Dropped again under the same name: the page asks, and lists it once meanwhile.
    send_files(&browser, "#file-input", std::slice::from_ref(&shorter)).await;
    browser
        .wait_text("#replace-names", "Computer.csv")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(&browser, "tr.summary-row").await, 3);
    // The question has the keyboard focus.
    let focused = browser
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("replace-confirm"));
    // Kept: the old file stays as it was.
    browser.click("#replace-cancel").await.unwrap();
    wait_count(&browser, "#replace-question", 0).await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;

    // Asked again and replaced: one Computer.csv, the new one, in its place.
    send_files(&browser, "#file-input", std::slice::from_ref(&shorter)).await;
    // The question comes once the file is read: wait for it before answering.
    wait_count(&browser, "#replace-question", 1).await;
    browser.click("#replace-confirm").await.unwrap();
    wait_cell(&browser, "Computer.csv", "rows", "10").await;
    wait_count(&browser, "tr.summary-row", 3).await;
    assert_eq!(
        browser
            .attr("tr.summary-row:first-child", "data-file")
            .await
            .unwrap()
            .as_deref(),
        Some("Computer.csv")
    );
    // The users dropped again and replaced: still one homonym on the monitors (Joseph Céline),
    // not every user a homonym of its own copy.
    wait_cell(&browser, "Monitor.csv", "errors", "1").await;
    send_files(&browser, "#file-input", &[glpi_sample("User.csv")]).await;
    wait_count(&browser, "#replace-question", 1).await;
    browser.click("#replace-confirm").await.unwrap();
    wait_count(&browser, "#replace-question", 0).await;
    wait_count(&browser, "#check-busy", 0).await;
    wait_count(&browser, "tr.summary-row", 3).await;
    wait_cell(&browser, "Monitor.csv", "errors", "1").await;

    // Removed: gone from the summary and from the problems.
    browser
        .click(&summary_cell("Monitor.csv", "remove-file"))
        .await
        .unwrap();
    wait_count(&browser, "tr.summary-row", 2).await;
    wait_count(
        &browser,
        "#problems .problem-row[data-file=\"Monitor.csv\"]",
        0,
    )
    .await;
    for file in ["Computer.csv", "User.csv"] {
        browser
            .click(&summary_cell(file, "remove-file"))
            .await
            .unwrap();
    }
    wait_count(&browser, "tr.summary-row", 0).await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_file_the_migration_cannot_take_is_skipped_with_a_note_and_the_others_are_planned() {
    let _one = ONE_BROWSER.lock().await;
    let scratch = Scratch::new("skip");
    let notes = scratch.write("notes.csv", b"a;b\n1;2\n");
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(
        &browser,
        "#file-input",
        &[
            glpi_sample("Computer.csv"),
            glpi_sample("Ticket.csv"),
            notes,
        ],
    )
    .await;
    wait_cell(&browser, "Ticket.csv", "rows", "60").await;
    let note = browser
        .text(&summary_cell("notes.csv", "skip-note"))
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(note.starts_with("Ne sera pas migré"), "{note}");
    assert_eq!(count(&browser, "tr.summary-row .skip-note").await, 1);

    // The migration plans the two others.
    browser.click("#use-checked").await.unwrap();
    connect_demo(&browser).await;
    browser.click("#plan-button").await.unwrap();
    browser
        .wait_text(
            "tr.plan-row[data-itemtype=\"Computer\"] td[data-kind=\"create\"]",
            "120",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        count(&browser, "tr.plan-row[data-itemtype=\"Ticket\"]").await,
        1
    );
    assert!(browser.text("#migrate-error").await.unwrap().is_none());
    browser.close().await.unwrap();
}

/// Whether leaving the page now would ask first (a cancellable `beforeunload`, as the browser
/// sends it, is cancelled by the page).
async fn leaving_asks(browser: &Browser) -> bool {
    browser
        .client
        .execute(
            "const e = new Event('beforeunload', { cancelable: true }); \
             window.dispatchEvent(e); return e.defaultPrevented;",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

fn problem(file: &str, line: u32) -> String {
    format!("#problems .problem-row[data-file=\"{file}\"][data-line=\"{line}\"]")
}

fn correction(file: &str, line: u32) -> String {
    format!("#corrections tr.correction[data-file=\"{file}\"][data-line=\"{line}\"]")
}

#[tokio::test]
async fn a_homonym_is_fixed_by_picking_a_login_listed_applied_to_all_and_undone() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(
        &browser,
        "#file-input",
        &[glpi_sample("User.csv"), glpi_sample("Ticket.csv")],
    )
    .await;
    // "Joseph Céline" names two users on four tickets (lines 15, 28, 87 and 95).
    wait_cell(&browser, "Ticket.csv", "errors", "4").await;
    assert!(!leaving_asks(&browser).await, "nothing to lose yet");

    // Picked among the two logins the message names.
    browser
        .client
        .find(Locator::Css(&format!(
            "{} select.pick-login",
            problem("Ticket.csv", 15)
        )))
        .await
        .unwrap()
        .select_by_value("celine.joseph")
        .await
        .unwrap();
    wait_cell(&browser, "Ticket.csv", "errors", "3").await;
    let row = correction("Ticket.csv", 15);
    assert_eq!(
        browser
            .text(&format!("{row} .before"))
            .await
            .unwrap()
            .as_deref(),
        Some("Joseph Céline")
    );
    assert_eq!(
        browser
            .text(&format!("{row} .after"))
            .await
            .unwrap()
            .as_deref(),
        Some("celine.joseph")
    );
    assert!(leaving_asks(&browser).await, "a correction to lose");

    // Applied to the three other tickets naming her in that column.
    let all = format!("{row} button.apply-all");
    browser
        .wait_text(&all, "Appliquer aux autres occurrences (3 autres)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.click(&all).await.unwrap();
    wait_cell(&browser, "Ticket.csv", "errors", "0").await;
    wait_count(&browser, "#corrections tr.correction", 4).await;
    // Line 95 names two requesters: only hers is replaced.
    assert_eq!(
        browser
            .text(&format!("{} .after", correction("Ticket.csv", 95)))
            .await
            .unwrap()
            .as_deref(),
        Some("Lefèbvre Émilie <br>celine.joseph")
    );

    // One undone: that ticket's problem is back, the others stay corrected.
    browser
        .click(&format!(
            "{} button.undo-correction",
            correction("Ticket.csv", 28)
        ))
        .await
        .unwrap();
    wait_cell(&browser, "Ticket.csv", "errors", "1").await;
    wait_count(&browser, &problem("Ticket.csv", 28), 1).await;
    wait_count(&browser, "#corrections tr.correction", 3).await;
    for line in [15, 87, 95] {
        browser
            .click(&format!(
                "{} button.undo-correction",
                correction("Ticket.csv", line)
            ))
            .await
            .unwrap();
        wait_count(&browser, &correction("Ticket.csv", line), 0).await;
    }
    wait_cell(&browser, "Ticket.csv", "errors", "4").await;
    assert!(!leaving_asks(&browser).await, "everything undone");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_cleared_cell_stays_as_it_was_until_empty_is_chosen() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;
    let input = format!("{} input.value-edit", problem("Computer.csv", 29));
    browser
        .client
        .find(Locator::Css(&input))
        .await
        .unwrap()
        .send_keys(&format!("{CONTROL}a{RELEASE}{DELETE}{ENTER}"))
        .await
        .unwrap();
    // Asked, not corrected: the warning is still there and nothing is listed.
    let confirm = format!("{} button.confirm-empty", problem("Computer.csv", 29));
    wait_count(&browser, &confirm, 1).await;
    assert_eq!(count(&browser, "#corrections").await, 0);
    wait_cell(&browser, "Computer.csv", "warnings", "2").await;
    // Kept: the cell is offered for editing again, with its value.
    browser
        .click(&format!(
            "{} button.keep-value",
            problem("Computer.csv", 29)
        ))
        .await
        .unwrap();
    wait_count(&browser, &input, 1).await;
    assert_eq!(
        browser
            .client
            .find(Locator::Css(&input))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("GUYANE⏎oel.sylvestre")
    );
    // Cleared again and empty chosen: corrected to an empty cell, listed as such.
    browser
        .client
        .find(Locator::Css(&input))
        .await
        .unwrap()
        .send_keys(&format!("{CONTROL}a{RELEASE}{DELETE}{ENTER}"))
        .await
        .unwrap();
    browser.click(&confirm).await.unwrap();
    wait_cell(&browser, "Computer.csv", "warnings", "1").await;
    assert_eq!(
        browser
            .text(&format!("{} .after", correction("Computer.csv", 29)))
            .await
            .unwrap()
            .as_deref(),
        Some("(vide)")
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_migration_s_lists_show_the_choice_in_force() {
    let _one = ONE_BROWSER.lock().await;
    let (_sandbox, _proxy, browser) = open_page().await;
    // The login mode: the personal token first, the password on request, and back.
    wait_list(&browser, "#login-mode", "token", "at first").await;
    select(&browser, "#login-mode", "password").await;
    wait_list(&browser, "#login-mode", "password", "after a change").await;
    assert!(browser.text("#login-name").await.is_ok_and(|t| t.is_some()));
    select(&browser, "#login-mode", "token").await;
    wait_list(&browser, "#login-mode", "token", "after a change back").await;

    send_files(
        &browser,
        "#file-input",
        &[glpi_sample("Location.csv"), glpi_sample("Computer.csv")],
    )
    .await;
    wait_cell(&browser, "Computer.csv", "rows", "120").await;
    connect_demo(&browser).await;
    // Profile and entity: what the session uses.
    for list in ["#profile-select", "#entity-select"] {
        let in_force = list_state(&browser, list).await.in_force;
        assert!(!in_force.is_empty(), "{list}: nothing in force");
        wait_list(&browser, list, &in_force, "once connected").await;
    }
    browser.click("#use-checked").await.unwrap();
    // The asset key: GLPI's default in force, then the one chosen, also after the plan.
    wait_list(&browser, "#opt-key", "serial", "before the plan").await;
    select(&browser, "#opt-key", "name").await;
    wait_list(&browser, "#opt-key", "name", "after a change").await;
    browser.click("#plan-button").await.unwrap();
    browser
        .wait_text(
            "tr.plan-row[data-itemtype=\"Computer\"] td[data-kind=\"create\"]",
            "120",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_list(&browser, "#opt-key", "name", "after the plan").await;

    // A missing value: the choice shown is the row's, after "leave all empty" too.
    let row = "#unmatched tr.unmatched-row";
    let first = browser
        .attr(row, "data-choice")
        .await
        .unwrap()
        .expect("a missing value");
    let list = format!("{row} select.value-choice");
    wait_list(&browser, &list, &first, "after the plan").await;
    select(&browser, &list, "empty").await;
    browser
        .wait_attr(row, "data-choice", "empty")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_list(&browser, &list, "empty", "after a change").await;
    // The source entities: each mapped as the plan says.
    if browser.text("tr.entity-row").await.unwrap().is_some() {
        let in_force = list_state(&browser, "tr.entity-row select.entity-map")
            .await
            .in_force;
        wait_list(
            &browser,
            "tr.entity-row select.entity-map",
            &in_force,
            "after the plan",
        )
        .await;
    }
    // Another action re-renders the page (the language): nothing moves.
    browser.click("#lang-en").await.unwrap();
    wait_list(&browser, "#opt-key", "name", "after the language switch").await;
    wait_list(&browser, &list, "empty", "after the language switch").await;
    browser.close().await.unwrap();
}
