//! The page, through the real proxy, in headless Chromium, against a REAL GLPI 10.0.11, as an
//! administrator uses it: the ten sample exports and the two companion files dropped on the
//! check, the homonyms nothing tells apart corrected there, the checked files handed to the
//! migration, then connect, plan (the exports' entity mapped to the prefecture's), run and
//! verify; then the same database oracle as `fidelity.rs`.
//! The page must be built first (`bash scripts/build-page.sh`, or `PASSERELLE_DIST_DIR`).

use std::time::Instant;

use passerelle_e2e::Browser;
use real_glpi::migration::samples_dir;
use real_glpi::page::{
    check_files, connect, correct, map_entity, open, plan, run_to_end, serve_page, use_checked,
    verify,
};
use real_glpi::suite::{first_lines, Oracle, Setup, ENTITY};

struct Outcome {
    oracle: Oracle,
    verify_clean: Option<String>,
    run_stats: String,
}

async fn page_flow() -> Outcome {
    let started = Instant::now();
    let setup = Setup::new("page").unwrap_or_else(|e| panic!("{e}"));
    let proxy = serve_page(&setup.target);
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    open(&browser, &proxy.base_url).await;
    connect(&browser, &setup.target.user_token, "10.0.11").await;

    // The administrator's way: the ten exports and the two companion files dropped on the
    // check, the homonyms nothing tells apart corrected there (the same corrections as the CLI
    // suite, read from the source database), then the checked files handed to the migration.
    check_files(
        &browser,
        &setup.files(),
        &["installations-logiciels.csv", "User.csv"],
    )
    .await;
    let corrections = setup
        .homonym_corrections()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !corrections.is_empty(),
        "the sample has homonyms to correct"
    );
    for c in &corrections {
        correct(&browser, &samples_dir(), c).await;
    }
    use_checked(&browser, "installations-logiciels.csv").await;
    plan(&browser).await;

    // The exports' entity goes to the prefecture's entity of the target, then plan again.
    let mapped = map_entity(&browser, &format!("Root Entity > {ENTITY}"), setup.entity).await;
    assert_eq!(mapped, 1, "the plan lists the exports' entity");
    plan(&browser).await;

    let (phase, run_stats) = run_to_end(&browser, "page").await;
    assert_eq!(
        phase,
        "finished",
        "the run ended with: {run_stats} {}",
        real_glpi::page::console(&browser).await
    );
    let verify_clean = Some(verify(&browser).await);
    let _ = browser.close().await;
    let runs = format!(
        "\n## Run (page in headless Chromium, through the proxy)\n\n- run: {run_stats}\n- verify clean: {verify_clean:?}\n- whole test: {:.1} s\n",
        started.elapsed().as_secs_f64()
    );
    let oracle = setup
        .oracle("page-fidelity-report.md", &runs)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", oracle.report);
    Outcome {
        oracle,
        verify_clean,
        run_stats,
    }
}

async fn outcome() -> &'static Outcome {
    static OUTCOME: tokio::sync::OnceCell<Outcome> = tokio::sync::OnceCell::const_new();
    OUTCOME.get_or_init(page_flow).await
}

/// The page connects to the real GLPI, plans, runs and verifies the sample migration, and the
/// oracle reads both databases in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migrates_the_samples_into_a_real_glpi() {
    let o = outcome().await;
    assert!(o.verify_clean.is_some(), "no verification result");
    o.oracle.assert_source_read_in_full();
    assert!(
        o.oracle.target.count("Computer") > 0,
        "nothing reached the target: {}",
        o.run_stats
    );
}

/// What the page stored is what the source holds, cell by cell and object by object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migration_is_faithful() {
    let o = outcome().await;
    let mut lines = o.oracle.db_lines();
    lines.extend(o.oracle.cell_lines());
    assert!(
        lines.is_empty(),
        "{} differences:\n{}",
        lines.len(),
        first_lines(&lines, 60)
    );
    assert_eq!(
        o.verify_clean.as_deref(),
        Some("true"),
        "the page's verification"
    );
}
