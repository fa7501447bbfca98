//! The whole migration in the page, through the proxy, against the sandbox: connect, plan
//! (dry-run), run, verify, undo; and a run cut by a page reload, resumed with nothing created
//! twice.

use std::collections::HashSet;
use std::time::Duration;

use fantoccini::Locator;
use passerelle_e2e::page::{
    glpi_sample, open_page_with, run_confirmed, send_files, wait_migration_file, CONTROL, ENTER,
    RELEASE,
};
use passerelle_e2e::Browser;
use serde_json::Value;

static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

use passerelle_e2e::page::{connect_demo as connect, item_count as count, sandbox_dump as dump};

const FILES: [&str; 5] = passerelle_e2e::page::MIGRATION_SAMPLES;

/// The id of the element holding the focus.
async fn active_id(browser: &Browser) -> String {
    browser
        .client
        .execute(
            "return document.activeElement && document.activeElement.id;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn choose_files(browser: &Browser) {
    let paths: Vec<_> = FILES.iter().map(|f| glpi_sample(f)).collect();
    send_files(browser, "#migrate-files", &paths).await;
    wait_migration_file(browser, "Monitor.csv").await;
}

async fn plan(browser: &Browser, computers_to_create: &str) {
    browser.click("#plan-button").await.unwrap();
    browser
        .wait_text(
            "tr.plan-row[data-itemtype=\"Computer\"] td[data-kind=\"create\"]",
            computers_to_create,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn whole_flow_connect_plan_run_verify_undo() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page_with(&[]).await;
    let before = dump(&sandbox);
    connect(&browser).await;
    // No local GLPI behind this proxy: files are the only source, no choice is offered.
    assert!(browser.text("#migration-origin").await.unwrap().is_none());
    assert!(browser.text("#source-panel").await.unwrap().is_none());
    choose_files(&browser).await;
    // The two computers of the homonym "Joseph Céline" say which one in their Usager column.
    plan(&browser, "120").await;
    // The plan names the types as GLPI's French interface does, not by their class names.
    assert_eq!(
        browser
            .text("tr.plan-row[data-itemtype=\"Computer\"] td:first-child")
            .await
            .unwrap()
            .as_deref(),
        Some("Ordinateur")
    );
    // The dry-run wrote nothing.
    assert_eq!(count(&dump(&sandbox), "Computer"), 0);
    assert_eq!(
        browser
            .text("tr.plan-row[data-itemtype=\"Monitor\"] td[data-kind=\"rejected\"]")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
    // Every column says where GLPI keeps it, or why it is not carried.
    let os = browser
        .text("#plan-columns tr.column[data-file=\"Computer.csv\"][data-header=\"Système d'exploitation - Nom\"] td.destination")
        .await
        .unwrap();
    assert_eq!(
        os.as_deref(),
        Some("Item_OperatingSystem.operatingsystems_id")
    );
    let ip = browser
        .text("#plan-columns tr.column.not-carried[data-file=\"Computer.csv\"][data-header=\"Réseau - IP\"] td.destination")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(ip.contains("ports réseau"), "{ip}");
    assert!(browser
        .text("#unmatched")
        .await
        .unwrap()
        .unwrap()
        .contains("Dell Inc."));

    // Nothing is written before the confirmation, which names what and where.
    browser.click("#run-button").await.unwrap();
    browser
        .wait_attr("#confirm-dialog", "data-kind", "run")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        browser
            .attr("#confirm-dialog", "role")
            .await
            .unwrap()
            .as_deref(),
        Some("dialog")
    );
    assert_eq!(
        active_id(&browser).await,
        "confirm-dialog",
        "focus in the dialog"
    );
    let computers = browser
        .text("#confirm-counts li[data-itemtype=\"Computer\"]")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        computers.ends_with(": 120 à créer, 0 à mettre à jour"),
        "{computers}"
    );
    assert_eq!(
        browser.text("#confirm-glpi").await.unwrap().as_deref(),
        Some(sandbox.api_url.as_str())
    );
    let entity = browser
        .text("#confirm-entity")
        .await
        .unwrap()
        .unwrap_or_default();
    let chosen = browser
        .text("#entity-select option:checked")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        !entity.is_empty() && entity == chosen,
        "{entity} / {chosen}"
    );
    assert!(
        entity.parse::<u64>().is_err(),
        "the entity by name: {entity}"
    );
    // "Back" writes nothing; the second time it is confirmed.
    browser.click("#confirm-no").await.unwrap();
    assert!(browser.text("#confirm-dialog").await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&dump(&sandbox), "Computer"), 0);
    assert!(browser.text("#dashboard").await.unwrap().is_none());
    run_confirmed(&browser).await;
    // The dashboard is in view with the focus; its progress is a polite live region.
    browser
        .wait_attr("#run-progress", "aria-live", "polite")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser
        .wait_attr("#run-status", "data-phase", "finished")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(active_id(&browser).await, "dashboard");
    // The chart is a line (no fill), with labelled axes.
    assert_eq!(
        browser
            .attr(".throughput-line", "fill")
            .await
            .unwrap()
            .as_deref(),
        Some("none")
    );
    assert!(browser
        .text(".throughput-figure")
        .await
        .unwrap()
        .unwrap_or_default()
        .contains("objets par seconde"));
    // Counters in words.
    let counts = browser
        .text(".type-progress[data-itemtype=\"Computer\"] .type-count")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        counts.starts_with("120 / 120 : 120 créés, 0 mis à jour"),
        "{counts}"
    );
    let after = dump(&sandbox);
    assert_eq!(count(&after, "Computer"), 120);
    assert_eq!(count(&after, "Item_OperatingSystem"), 120);
    assert_eq!(count(&after, "Infocom"), 120);
    assert_eq!(count(&after, "Monitor"), 39);
    assert_eq!(count(&after, "Location"), 8);
    let bar = browser
        .attr(
            ".type-progress[data-itemtype=\"Computer\"] progress",
            "value",
        )
        .await
        .unwrap();
    assert_eq!(bar.as_deref(), Some("120"));
    // The monitor of the homonym, with nothing to tell which one, is listed with its reason.
    browser.click("#failures summary").await.unwrap();
    let failures = browser.text("#failures").await.unwrap().unwrap();
    assert!(failures.contains("Monitor.csv:15"), "{failures}");

    browser.click("#verify-button").await.unwrap();
    browser
        .wait_attr("#verify-result", "data-clean", "true")
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(
        browser.text("#run-status").await.unwrap().as_deref(),
        Some("Migration terminée")
    );
    // Said once: the status line is the live region; the progress one holds no copy of it.
    assert_eq!(
        browser
            .attr("#run-status", "role")
            .await
            .unwrap()
            .as_deref(),
        Some("status")
    );
    assert_eq!(
        browser.text("#run-progress").await.unwrap().as_deref(),
        Some("")
    );

    // Undo is confirmed too, with what it removes.
    browser.click("#undo-button").await.unwrap();
    browser
        .wait_attr("#confirm-dialog", "data-kind", "undo")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let computers = browser
        .text("#confirm-counts li[data-itemtype=\"Computer\"]")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        computers.ends_with(": 120 à supprimer, 0 à rétablir"),
        "{computers}"
    );
    browser.click("#confirm-yes").await.unwrap();
    browser
        .wait_attr("#run-status", "data-phase", "undone")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The page says what happened last: undone, no longer "finished" nor "identical".
    let section = browser
        .text("#migrate-section")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(!section.contains("Migration terminée"), "{section}");
    assert!(
        !section.contains("Tout est identique à la source"),
        "{section}"
    );
    let undo = browser
        .text("#undo-result")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        undo.contains("supprimés") && undo.contains("0 en échec"),
        "{undo}"
    );
    assert!(browser.text("#verify-button").await.unwrap().is_none());
    let undone = dump(&sandbox);
    for t in [
        "Computer",
        "Monitor",
        "Location",
        "User",
        "Group",
        "Manufacturer",
    ] {
        assert_eq!(count(&undone, t), count(&before, t), "{t}");
    }

    // Personal data: the page says what the browser keeps, where and until when; purged on
    // request, the e-mails and phone numbers are gone from IndexedDB.
    let kept = browser
        .text("#kept-data")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        kept.contains("passerelle-journal") && kept.contains("30 jours") && kept.contains("e-mail"),
        "{kept}"
    );
    let stored = indexeddb_text(&browser).await;
    assert!(
        stored.contains('@'),
        "the journal holds the users' e-mails before the purge"
    );
    browser.click("#journal-purge").await.unwrap();
    for _ in 0..100 {
        if browser.text("#kept-data").await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(browser.text("#kept-data").await.unwrap().is_none());
    let stored = indexeddb_text(&browser).await;
    assert!(!stored.contains('@'), "e-mails left in IndexedDB: {stored}");
    assert_eq!(stored, "[]\n[]", "both stores empty");
    browser.close().await.unwrap();
}

/// Everything the journal's IndexedDB database holds, as text (read through WebDriver).
async fn indexeddb_text(browser: &Browser) -> String {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('passerelle-journal');
             open.onerror = () => done('error');
             open.onsuccess = () => {
               const db = open.result;
               const names = [...db.objectStoreNames];
               if (names.length === 0) { done(''); return; }
               const tx = db.transaction(names, 'readonly');
               const out = [];
               for (const n of names) {
                 tx.objectStore(n).getAll().onsuccess = (e) => out.push(JSON.stringify(e.target.result));
               }
               tx.oncomplete = () => { db.close(); done(out.join('\\n')); };
             };",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_run_cut_by_a_reload_is_resumed_with_nothing_created_twice() {
    let _one = ONE_BROWSER.lock().await;
    // Realistic latency: the run lasts long enough to be cut.
    let (sandbox, proxy, browser) = open_page_with(&["--latency", "realistic"]).await;
    let users_before = count(&dump(&sandbox), "User");
    connect(&browser).await;
    choose_files(&browser).await;
    plan(&browser, "120").await;
    run_confirmed(&browser).await;
    // Cut once users are being created.
    for _ in 0..600 {
        if count(&dump(&sandbox), "User") > 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Pause: the batches in flight end, then nothing more is written until "resume".
    browser.click("#pause-button").await.unwrap();
    browser
        .wait_text("#run-status", "En pause")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let paused = dump(&sandbox);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(count(&dump(&sandbox), "User"), count(&paused, "User"));
    assert_eq!(
        count(&dump(&sandbox), "Profile_User"),
        count(&paused, "Profile_User")
    );
    browser.click("#resume-button").await.unwrap();
    browser
        .wait_text("#run-status", "Migration en cours")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Then the tab is reloaded in the middle of the run.
    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap();
    let banner = browser.text("#resume-banner").await.unwrap();
    assert!(banner.is_some_and(|b| b.contains("interrompue")));
    connect(&browser).await;
    browser.click("#resume-interrupted").await.unwrap();
    browser
        .wait_attr("#run-status", "data-phase", "finished")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let d = dump(&sandbox);
    let unique = |t: &str, field: &str| {
        let values: Vec<String> = d[t]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i[field].to_string())
            .collect();
        let set: HashSet<&String> = values.iter().collect();
        assert_eq!(set.len(), values.len(), "{t} created twice");
        values.len()
    };
    assert_eq!(unique("Computer", "serial"), 120);
    assert_eq!(unique("Location", "completename"), 8);
    // 40 new users; the 4 others of the file already exist on the sandbox.
    assert_eq!(unique("User", "name"), users_before + 40);
    assert_eq!(unique("Profile_User", "id"), count(&d, "Profile_User"));
    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_checked_files_with_a_correction_are_what_is_migrated() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page_with(&[]).await;
    // Check Computer.csv above, and correct the line-29 "Usager" cell broken by a line feed.
    send_files(&browser, "#file-input", &[glpi_sample("Computer.csv")]).await;
    let cell =
        "#problems .problem-row[data-file=\"Computer.csv\"][data-line=\"29\"] input.value-edit";
    let mut edit = None;
    for _ in 0..200 {
        if let Ok(e) = browser.client.find(Locator::Css(cell)).await {
            edit = Some(e);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let edit = edit.expect("editable cell of line 29");
    // Ctrl-A, the new value, Enter (WebDriver key codes).
    edit.send_keys(&format!("{CONTROL}a{RELEASE}noel.sylvestre{ENTER}"))
        .await
        .unwrap();
    for _ in 0..200 {
        if browser.text(cell).await.unwrap().is_none()
            && browser.client.find(Locator::Css(cell)).await.is_err()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The migration takes those files, corrections included.
    browser.click("#use-checked").await.unwrap();
    connect(&browser).await;
    // Without the users file, the homonyms cannot be seen: all 120 rows go.
    plan(&browser, "120").await;
    run_confirmed(&browser).await;
    browser
        .wait_attr("#run-status", "data-phase", "finished")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let d = dump(&sandbox);
    let contacts: Vec<&str> = d["Computer"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["contact"].as_str())
        .collect();
    assert!(contacts.contains(&"noel.sylvestre"), "{contacts:?}");
    // The other damaged cell (line 69) was not corrected: migrated as it is, never altered.
    assert!(
        contacts.iter().any(|c| c.contains(['\n', '\r'])),
        "{contacts:?}"
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_file_that_cannot_be_migrated_stops_the_plan_with_its_name() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page_with(&[]).await;
    let dir = std::env::temp_dir().join(format!("passerelle-e2e-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("photo.csv");
    std::fs::write(&photo, [0u8, 159, 146, 150, 0, 0, 1, 2, 3]).unwrap();
    connect(&browser).await;
    send_files(
        &browser,
        "#migrate-files",
        &[glpi_sample("Computer.csv"), photo],
    )
    .await;
    wait_migration_file(&browser, "photo.csv").await;
    browser.click("#plan-button").await.unwrap();
    let mut message = None;
    for _ in 0..100 {
        message = browser.text("#migrate-error").await.unwrap();
        if message.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = message.expect("an error names the file");
    assert!(message.starts_with("photo.csv, ligne"), "{message}");
    // No plan, so nothing can be run; nothing was written.
    assert!(browser.text("#plan-counts").await.unwrap().is_none());
    assert!(browser.text("#run-button").await.unwrap().is_none());
    assert_eq!(count(&dump(&sandbox), "Computer"), 0);
    browser.close().await.unwrap();
}

#[tokio::test]
async fn planning_a_checked_large_file_does_not_read_it_again_on_the_main_thread() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page_with(&[]).await;
    // A 5 MB+ export: 2,800 computers with a long comment each.
    let dir = std::env::temp_dir().join(format!("passerelle-e2e-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("Computer.csv");
    let comment = "poste de la salle de crise, ".repeat(70);
    let mut text = String::from("\u{feff}\"Nom\";\"Numéro de série\";\"Commentaires\"\n");
    for i in 0..2800 {
        text.push_str(&format!("\"PC-{i:05}\";\"SN-{i:05}\";\"{comment}\"\n"));
    }
    assert!(text.len() >= 5 << 20, "{} bytes", text.len());
    std::fs::write(&path, &text).unwrap();
    let read = || async {
        browser
            .attr("#migrate-section", "data-main-thread-bytes-read")
            .await
            .unwrap()
    };

    // Checked in the worker: the main thread reads nothing (the count is drawn with the
    // migration panel, so it is read once the panel has drawn again).
    send_files(&browser, "#file-input", &[path]).await;
    browser
        .wait_text("tr.summary-row[data-file=\"Computer.csv\"] .rows", "2800")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.click("#use-checked").await.unwrap();
    connect(&browser).await;
    assert_eq!(
        read().await.as_deref(),
        Some("0"),
        "the check ran on the main thread"
    );

    // The plan is drafted by the worker from the tables it checked: still nothing read here.
    plan(&browser, "2800").await;
    assert_eq!(
        read().await.as_deref(),
        Some("0"),
        "the main thread read the file again to plan it"
    );
    let values = browser
        .text("#plan-columns tr.column[data-file=\"Computer.csv\"][data-header=\"Commentaires\"] td.values")
        .await
        .unwrap();
    assert_eq!(values.as_deref(), Some("2800"));
    assert_eq!(count(&dump(&sandbox), "Computer"), 0);
    let _ = std::fs::remove_dir_all(&dir);
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_refused_token_is_explained_and_missing_values_and_entities_are_chosen_by_name() {
    let _one = ONE_BROWSER.lock().await;
    let (sandbox, _proxy, browser) = open_page_with(&[]).await;
    // A wrong personal token: what to do and where to find it, GLPI's code as the detail.
    let token = browser
        .client
        .find(Locator::Css("#login-token"))
        .await
        .unwrap();
    token.send_keys("not-the-token").await.unwrap();
    browser.click("#connect-button").await.unwrap();
    let mut message = None;
    for _ in 0..100 {
        message = browser.text("#migrate-error").await.unwrap();
        if message.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = message.expect("the refusal is told");
    assert!(
        message.starts_with("GLPI refuse votre jeton d'API personnel"),
        "{message}"
    );
    assert!(
        message.contains("Clés d'accès distant → Jeton d'API"),
        "{message}"
    );
    assert!(message.contains("ERROR_GLPI_LOGIN_USER_TOKEN"), "{message}");
    assert!(!message.contains("not-the-token"), "no secret in a message");
    token.clear().await.unwrap();
    connect(&browser).await;
    choose_files(&browser).await;
    plan(&browser, "120").await;

    // Missing values grouped by type: "leave all empty", then "create all", each in force at once.
    let group = "#unmatched .unmatched-type[data-itemtype=\"Manufacturer\"]";
    assert_all_choices(&browser, group, "create").await;
    browser
        .click(&format!("{group} button.empty-all"))
        .await
        .unwrap();
    assert_all_choices(&browser, group, "empty").await;
    browser
        .click(&format!("{group} button.create-all"))
        .await
        .unwrap();
    assert_all_choices(&browser, group, "create").await;

    // Entities by name from the tree the session sees, never a bare number.
    let names: Value = browser
        .client
        .execute(
            "return [...document.querySelectorAll('tr.entity-row select.entity-map option')].map(o => o.textContent);",
            vec![],
        )
        .await
        .unwrap();
    let names: Vec<&str> = names
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.parse::<u64>().is_err()), "{names:?}");
    run_confirmed(&browser).await;
    browser
        .wait_attr("#run-status", "data-phase", "finished")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let d = dump(&sandbox);
    assert!(d["Manufacturer"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == "Dell Inc."));
    browser.close().await.unwrap();
}

/// Waits (10 s at most) until every missing value of `group` has the choice `choice`.
async fn assert_all_choices(browser: &Browser, group: &str, choice: &str) {
    let mut choices = Value::Null;
    for _ in 0..100 {
        choices = browser
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0] + ' tr.unmatched-row')].map(r => r.dataset.choice);",
                vec![serde_json::json!(group)],
            )
            .await
            .unwrap();
        let all = choices
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x == choice));
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{group}: choices {choices}, expected all {choice:?}");
}
