//! The page migrating from the local GLPI (issue 16), in headless Chromium, through the real
//! proxy with both upstreams: the source, a REAL GLPI 10.0.11 loaded with the prefecture's
//! database, read through `/source-api`; the target, a fresh one, written through `/api`. In
//! French, as an administrator does it: "GLPI local" chosen, logged in to both GLPIs, the
//! prefecture's entity picked, a read stopped and the page reloaded, the read continued (its
//! progress shown), planned, run, verified (clean: nothing let through, tickets and timelines
//! included), undone through the page's own button; between the run and the undo the target
//! database is compared with the source's by the oracle (`real_glpi::oracle`, written from
//! GLPI's schema: every kind it reads, network ports and addresses included) and by the tickets'
//! reader (`real_glpi::tickets`: fields, actors, linked items, whole timelines); after the undo
//! the target is as fresh; axe-core checks the new steps.
//!
//! Instances `source-page` (8110, the prefecture dump) and `target-page` (8111, fresh).
//! The page must be built first (`bash scripts/build-page.sh`, or `PASSERELLE_DIST_DIR`).

use passerelle_e2e::a11y::Audit;
use passerelle_e2e::Browser;
use real_glpi::migration::dist_dir;
use real_glpi::migration::fingerprint_changes;
use real_glpi::oracle::Snapshot;
use real_glpi::page::{connect, console, open, plan, run_to_end, text, undo, until, verify};
use real_glpi::suite::first_lines;
use real_glpi::tickets::{differences_between, read_tickets};
use real_glpi::two_glpis::{TwoGlpis, SOURCE_ENTITY};
use real_glpi::Instance;

const SOURCE: Instance = Instance::new("source-page", 8110);
const TARGET: Instance = Instance::new("target-page", 8111);

/// Picks `value` in the `<select>` `selector` as a user does (the page listens to `change`).
async fn pick(browser: &Browser, selector: &str, value: &str) {
    browser
        .client
        .execute(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1];
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(selector), serde_json::json!(value)],
        )
        .await
        .expect("a pick in the list");
}

/// A DOM property of the element `selector` (`checked`, `value`: what the page shows now, not
/// its markup's attribute), as text.
async fn prop(browser: &Browser, selector: &str, name: &str) -> String {
    browser
        .client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? String(e[arguments[1]]) : '';",
            vec![serde_json::json!(selector), serde_json::json!(name)],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Logs in to the local GLPI with its personal token; returns what the page says of the session.
async fn source_login(browser: &Browser, token: &str) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css("#source-login-token"))
        .await
        .expect("the local token field")
        .send_keys(token)
        .await
        .expect("typing the token");
    browser
        .click("#source-connect-button")
        .await
        .expect("connect");
    until("the local session", 60, || async {
        text(browser, "#source-connected-as").await
    })
    .await
}

/// Chooses "GLPI local" (DSFR draws the radio under its label: the label is what one clicks)
/// and waits for its login.
async fn choose_local_glpi(browser: &Browser) {
    until("the local GLPI's login", 30, || async {
        browser.click("label[for=\"origin-api\"]").await.ok()?;
        text(browser, "#source-connect-form").await
    })
    .await;
}

/// Maps every source entity the plan lists onto the target's entity `id`; returns them.
async fn map_every_entity(browser: &Browser, id: u64) -> Vec<String> {
    let mapped = browser
        .client
        .execute(
            "const out = [];
             for (const row of document.querySelectorAll('tr.entity-row')) {
               const input = row.querySelector('.entity-map');
               input.value = String(arguments[0]);
               input.dispatchEvent(new Event('change', { bubbles: true }));
               out.push(row.cells[0].textContent.trim());
             }
             return out;",
            vec![serde_json::json!(id)],
        )
        .await
        .expect("entity mapping");
    serde_json::from_value(mapped).unwrap_or_default()
}

/// Everything the page keeps in its IndexedDB journal database, as text.
async fn journal_database(browser: &Browser) -> String {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('passerelle-journal');
             open.onerror = () => done('');
             open.onsuccess = () => {
               const db = open.result; const names = Array.from(db.objectStoreNames);
               if (!names.length) { done(''); return; }
               const tx = db.transaction(names, 'readonly'); const out = [];
               for (const n of names) {
                 const r = tx.objectStore(n).getAll();
                 r.onsuccess = () => {
                   for (const v of r.result) out.push(typeof v === 'string' ? v : JSON.stringify(v));
                 };
               }
               tx.oncomplete = () => done(out.join('\\n'));
             };",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migrates_the_local_glpi_into_the_national_one() {
    let dist = dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: run `bash scripts/build-page.sh` first",
        dist.display()
    );
    // The national GLPI has one entity per prefecture, named like the local one's.
    let glpis = TwoGlpis::serving(SOURCE, TARGET, "from-api-page", Some(&dist))
        .unwrap_or_else(|e| panic!("{e}"));
    let (source, target, proxy) = (&glpis.source, &glpis.target, &glpis.proxy);
    let (target_entity, source_entity) = (glpis.entity, SOURCE_ENTITY);
    let fresh = glpis.target_fingerprint().unwrap_or_else(|e| panic!("{e}"));
    // Documents (issue 16): a PDF on a closed ticket, which the run must link before it closes
    // the ticket on the target, and a text on a computer.
    real_glpi::documents::add_closed_ticket_and_computer_documents(
        source,
        source_entity,
        &glpis.dir,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // A volume of a computer of the entity: the migration does not carry volumes, and the page
    // says so after the read.
    source
        .query(&format!(
            "INSERT INTO glpi_items_disks (entities_id, itemtype, items_id, name, mountpoint) \
             SELECT entities_id, 'Computer', id, 'C:', 'C:' FROM glpi_computers \
             WHERE entities_id IN (SELECT e.id FROM glpi_entities e, glpi_entities p \
             WHERE p.id = {source_entity} AND (e.id = p.id OR e.completename LIKE \
             CONCAT(p.completename, ' > %'))) AND is_deleted = 0 AND is_template = 0 \
             ORDER BY id LIMIT 1"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let history_rows = source
        .count("SELECT COUNT(*) FROM glpi_logs")
        .unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    let mut audit = Audit::default();
    open(&browser, &proxy.base_url).await;
    connect(&browser, &target.user_token, "10.0.11").await;

    // The source is offered, in French, files first.
    browser
        .wait_text("#migration-origin-legend", "Source de la migration")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let origin = text(&browser, "#migration-origin")
        .await
        .unwrap_or_default();
    assert!(
        origin.contains("Fichiers CSV") && origin.contains("GLPI local"),
        "{origin}"
    );
    assert_eq!(prop(&browser, "#origin-files", "checked").await, "true");
    // The local GLPI's own login: the same form as the national one's, its own ids.
    choose_local_glpi(&browser).await;
    assert!(
        text(&browser, "#migrate-files").await.is_none(),
        "no file picker"
    );
    audit.check(&browser, "source login").await;
    let connected = source_login(&browser, &source.user_token).await;
    assert!(connected.contains("GLPI 10.0.11"), "{connected}");
    // The national session is still the one open above.
    assert_eq!(
        text(&browser, "#glpi-version").await.as_deref(),
        Some("10.0.11")
    );

    // The prefecture's entity, then the read, its progress shown.
    pick(&browser, "#source-entity", &source_entity.to_string()).await;
    assert_eq!(
        prop(&browser, "#source-entity", "value").await,
        source_entity.to_string()
    );
    audit.check(&browser, "source entity").await;

    // A read stopped at once, then the page reloaded: what was read is kept, and the read
    // continues from there once logged in again.
    // Both clicks in the page itself: "stop" as soon as it is there, before the read is over.
    browser
        .client
        .execute_async(
            "const done = arguments[0];
             document.querySelector('#read-button').click();
             const t = setInterval(() => {
               const stop = document.querySelector('#read-cancel');
               if (stop) { stop.click(); clearInterval(t); done(true); }
             }, 0);",
            vec![],
        )
        .await
        .expect("read, then stop");
    let stopped = until("the stopped read", 60, || async {
        text(&browser, "#read-status")
            .await
            .filter(|t| t.starts_with("Lecture arrêtée"))
    })
    .await;
    assert!(stopped.contains("ce qui est lu est gardé"), "{stopped}");
    open(&browser, &proxy.base_url).await;
    connect(&browser, &target.user_token, "10.0.11").await;
    choose_local_glpi(&browser).await;
    let kept = text(&browser, "#read-status").await.unwrap_or_default();
    assert!(
        kept.starts_with("Une lecture du GLPI local a été interrompue"),
        "{kept}"
    );
    source_login(&browser, &source.user_token).await;
    assert_eq!(
        prop(&browser, "#source-entity", "value").await,
        source_entity.to_string(),
        "the kept read's entity"
    );
    assert_eq!(
        text(&browser, "#read-button").await.as_deref(),
        Some("Reprendre la lecture")
    );
    browser
        .click("#read-button")
        .await
        .expect("continue the read");
    let seen = until("the read's progress", 60, || async {
        browser
            .attr("#read-progress", "data-itemtype")
            .await
            .ok()
            .flatten()
    })
    .await;
    assert!(!seen.is_empty());
    until("the read's end", 300, || async {
        browser
            .attr("#source-panel", "data-complete")
            .await
            .ok()
            .flatten()
            .filter(|c| c == "true")
    })
    .await;
    let status = text(&browser, "#read-status").await.unwrap_or_default();
    assert!(status.starts_with("Lecture terminée"), "{status}");
    // The last type read is shown whole: read / total.
    let (read, total) = (
        browser.attr("#read-progress", "data-read").await.unwrap(),
        browser.attr("#read-progress", "data-total").await.unwrap(),
    );
    assert_eq!(read, total);
    let computers = browser
        .attr(".source-count[data-itemtype=\"Computer\"]", "data-read")
        .await
        .unwrap();
    assert_eq!(computers.as_deref(), Some("120"), "computers read");
    let disks = browser
        .attr(
            ".source-not-migrated[data-kind=\"Item_Disk\"]",
            "data-count",
        )
        .await
        .unwrap();
    assert_eq!(
        disks.as_deref(),
        Some("1"),
        "the volume is told, not carried"
    );
    // So is the objects' history, every line of the local GLPI's history table.
    let history = browser
        .attr(".source-not-migrated[data-kind=\"Log\"]", "data-count")
        .await
        .unwrap();
    assert_eq!(history, Some(history_rows.to_string()), "history told");
    let row = text(&browser, ".source-not-migrated[data-kind=\"Item_Disk\"]")
        .await
        .unwrap_or_default();
    assert!(
        row.contains("Volumes") && row.contains("non migré par Passerelle"),
        "{row}"
    );
    audit.check(&browser, "source read").await;

    // The same migration half as for files: plan (the local entity onto the national one).
    plan(&browser).await;
    let mapped = map_every_entity(&browser, target_entity).await;
    assert!(!mapped.is_empty(), "the plan lists the local entities");
    let counts = plan(&browser).await;
    audit.check(&browser, "source plan").await;
    let (phase, stats) = run_to_end(&browser, "from-api-page").await;
    assert_eq!(
        phase,
        "finished",
        "the run ended with: {stats} {:?} {}",
        text(&browser, "#migrate-error").await,
        console(&browser).await
    );
    // Said once: the status line, the live region holding no copy of it.
    assert_eq!(
        text(&browser, "#run-status").await.as_deref(),
        Some("Migration terminée")
    );
    assert_eq!(
        text(&browser, "#run-progress").await.unwrap_or_default(),
        ""
    );
    // The page's read-back finds everything in place, tickets and their timelines included
    // (their HTML texts compared as displayed, as the CLI's `--verify` does).
    let clean = verify(&browser).await;
    let verified = text(&browser, "#verify-result").await.unwrap_or_default();
    assert_eq!(clean, "true", "the page's verification: {verified}");

    // No token of either GLPI where the page keeps things.
    let kept = journal_database(&browser).await;
    assert!(kept.contains("\"complete\":true"), "the read is kept");
    for token in [&source.user_token, &target.user_token] {
        assert!(!kept.contains(token.as_str()), "a token in IndexedDB");
        assert!(
            !console(&browser).await.contains(token.as_str()),
            "a token on the console"
        );
    }

    // The target against the source, by natural keys: every kind and field the oracle reads,
    // nothing filtered out (as the CLI's suite `from_api.rs`).
    let differences = glpis.differences().unwrap_or_else(|e| panic!("{e}"));
    let dst = Snapshot::read(&glpis.target_db()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        differences.is_empty(),
        "{} differences (plan: {counts}):\n{}",
        differences.len(),
        first_lines(&differences, 80)
    );
    // The page carries what the command carries: assets, people, ports and their addresses.
    for kind in ["Computer", "User", "Location", "NetworkPort", "IPAddress"] {
        assert!(dst.count(kind) > 0, "no {kind} on the target: {counts}");
    }
    // The tickets, by their own reader: fields, actors, linked items and whole timelines.
    let source_tickets = read_tickets(source).unwrap_or_else(|e| panic!("{e}"));
    let target_tickets = read_tickets(target).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        source_tickets.len(),
        60,
        "the prefecture dump holds 60 tickets"
    );
    let entries: usize = target_tickets.values().map(|t| t.timeline.len()).sum();
    assert_eq!(
        entries,
        48 + 62 + 46,
        "followups, tasks and solutions on the target"
    );
    let ticket_differences = differences_between(&source_tickets, &target_tickets);
    assert!(
        ticket_differences.is_empty(),
        "{} differences between the source's tickets and the target's:\n{}",
        ticket_differences.len(),
        first_lines(&ticket_differences, 80)
    );
    // The documents on the target: same files (bytes, sha1sum), names, MIME types, category,
    // and links (the closed ticket's included).
    let documents = real_glpi::documents::stored(source).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(documents.len(), 2, "the source's documents were not made");
    assert_eq!(
        real_glpi::documents::stored(target).unwrap_or_else(|e| panic!("{e}")),
        documents
    );

    // The page's own undo: the target gives back its fresh fingerprint.
    let undone = undo(&browser).await;
    assert!(undone.contains("0 en échec"), "{undone}");
    let left = fingerprint_changes(
        &fresh,
        &glpis.target_fingerprint().unwrap_or_else(|e| panic!("{e}")),
    );
    assert!(left.is_empty(), "after the undo:\n{}", left.join("\n"));

    // A reload keeps the read: once logged in again, it is there, complete, without reading.
    browser
        .goto(&format!("{}/", proxy.base_url))
        .await
        .expect("reload");
    choose_local_glpi(&browser).await;
    let kept_status = text(&browser, "#read-status").await.unwrap_or_default();
    assert!(kept_status.starts_with("Lecture terminée"), "{kept_status}");
    let _ = browser.close().await;

    audit.assert_clean();
}
