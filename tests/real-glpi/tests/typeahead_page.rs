//! The plan's search of existing target values, against a REAL GLPI 10.0.11 through the page
//! (headless Chromium, the real proxy): the target already has a manufacturer under another name
//! than the export's; the administrator types part of its name in the missing value's search,
//! picks it among what GLPI answered, runs, and the migrated computers reference that
//! manufacturer's id in the database, with no manufacturer made of the export's name.
//!
//! Instance `typeahead-page` (8107).

use passerelle_e2e::page::{pick_existing_value, send_files, unmatched_row};
use passerelle_e2e::Browser;
use real_glpi::page::{connect, console, open, plan, run_to_end, serve_page, text, until};
use real_glpi::{Instance, RealGlpi};

const TARGET: Instance = Instance::new("typeahead-page", 8107);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_value_mapped_by_name_to_an_existing_one_is_what_the_items_reference() {
    let glpi = RealGlpi::fresh(TARGET).unwrap_or_else(|e| panic!("{e}"));
    // What the national GLPI already has: Dell, named otherwise than in the export, and a
    // neighbour the search also finds.
    glpi.query(
        "INSERT INTO glpi_manufacturers (name, comment, date_mod, date_creation) VALUES \
         ('Dell Technologies', '', NOW(), NOW()), ('Delta Électronique', '', NOW(), NOW())",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let dell_id: u64 = glpi
        .count("SELECT id FROM glpi_manufacturers WHERE name = 'Dell Technologies'")
        .unwrap_or_else(|e| panic!("{e}"));

    let dir = std::env::temp_dir().join(format!("passerelle-typeahead-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let computers = dir.join("Computer.csv");
    std::fs::write(
        &computers,
        "\u{feff}\"Nom\";\"Numéro de série\";\"Fabricant\"\r\n\
         \"PC-TA-1\";\"SN-TA-1\";\"Dell Inc.\"\r\n\
         \"PC-TA-2\";\"SN-TA-2\";\"Dell Inc.\"\r\n\
         \"PC-TA-3\";\"SN-TA-3\";\"Lenovo\"\r\n",
    )
    .unwrap();

    let proxy = serve_page(&glpi);
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    open(&browser, &proxy.base_url).await;
    connect(&browser, &glpi.user_token, "10.0.11").await;
    send_files(&browser, "#migrate-files", std::slice::from_ref(&computers)).await;
    until("the picked file", 60, || async {
        text(&browser, "#migrate-file-names")
            .await
            .filter(|t| t.contains("Computer.csv"))
    })
    .await;
    plan(&browser).await;
    until("the missing Dell Inc.", 60, || async {
        text(&browser, &unmatched_row("Manufacturer", "Dell Inc.")).await
    })
    .await;

    let picked = pick_existing_value(
        &browser,
        "Manufacturer",
        "Dell Inc.",
        "dell te",
        "Dell Technologies",
    )
    .await;
    assert_eq!(
        picked, dell_id,
        "the id GLPI answered for Dell Technologies"
    );
    let (phase, stats) = run_to_end(&browser, "typeahead-page").await;
    assert_eq!(phase, "finished", "{stats} {}", console(&browser).await);
    let _ = browser.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let rows = glpi
        .query("SELECT name, manufacturers_id FROM glpi_computers WHERE name LIKE 'PC-TA-%' ORDER BY name")
        .unwrap_or_else(|e| panic!("{e}"));
    let cell = |r: &Vec<Option<String>>, i: usize| r[i].clone().unwrap_or_default();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(cell(&rows[0], 1), dell_id.to_string(), "{rows:?}");
    assert_eq!(cell(&rows[1], 1), dell_id.to_string(), "{rows:?}");
    assert_ne!(cell(&rows[2], 1), dell_id.to_string(), "{rows:?}");
    assert_eq!(
        glpi.count("SELECT COUNT(*) FROM glpi_manufacturers WHERE name = 'Dell Inc.'")
            .unwrap(),
        0,
        "no manufacturer made of the export's name"
    );
    assert_eq!(
        glpi.count("SELECT COUNT(*) FROM glpi_manufacturers WHERE name = 'Lenovo'")
            .unwrap(),
        1,
        "the other missing value created as planned"
    );
}
