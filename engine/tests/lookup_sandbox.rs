//! The type-ahead's search of existing target values against the GLPI sandbox in-process: by
//! name for plain dropdowns, by complete name for trees, case- and accent-insensitive, at most
//! [`LOOKUP_LIMIT`] items, nothing (not an error) when nothing matches.

mod support;

use std::cell::Cell;
use std::rc::Rc;

use glpi_sandbox::SandboxConfig;
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::lookup::{lookup, Found, LOOKUP_LIMIT};
use passerelle_engine::migrate::session::MigrationSession;
use serde_json::json;
use support::{settings, Cut, Sandbox, SandboxTransport};

#[test]
fn existing_values_are_found_by_name_through_the_api() {
    let mut manufacturers = vec![
        json!({"name": "Dell", "entities_id": 0, "is_recursive": 1}),
        json!({"name": "Hewlett-Packard", "entities_id": 0, "is_recursive": 1}),
        json!({"name": "Élysée Matériel", "entities_id": 0, "is_recursive": 1}),
    ];
    for i in 0..30 {
        manufacturers
            .push(json!({"name": format!("Marque {i:02}"), "entities_id": 0, "is_recursive": 1}));
    }
    let sb = Sandbox::prepared(
        SandboxConfig::default(),
        "seed",
        json!({
            "Manufacturer": manufacturers,
            "Location": [
                {"id": 10, "name": "Cayenne", "entities_id": 0, "is_recursive": 1},
                {"name": "Bât 1", "locations_id": 10, "entities_id": 0, "is_recursive": 1},
                {"name": "Bât 2", "entities_id": 0, "is_recursive": 1},
            ],
        }),
    );
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(&sb, Cut::default(), killed.clone());
    let out = support::drive(
        async {
            let session = MigrationSession::open(&transport, settings())
                .await
                .unwrap();
            let c = session.client();
            let dell = lookup(c, GlpiType::Manufacturer, "dEL").await.unwrap();
            let accents = lookup(c, GlpiType::Manufacturer, "elysee").await.unwrap();
            let many = lookup(c, GlpiType::Manufacturer, "Marque").await.unwrap();
            let none = lookup(c, GlpiType::Manufacturer, "Zzz").await.unwrap();
            let tree = lookup(c, GlpiType::Location, "cayenne > b").await.unwrap();
            (dell, accents, many, none, tree)
        },
        &killed,
        10_000,
    )
    .unwrap();
    let (dell, accents, many, none, tree) = out;
    assert_eq!(dell.len(), 1);
    assert_eq!(dell[0].name, "Dell");
    assert_eq!(
        accents.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Élysée Matériel"]
    );
    assert_eq!(many.len(), LOOKUP_LIMIT);
    assert_eq!(many[0].name, "Marque 00");
    assert!(none.is_empty());
    assert_eq!(
        tree.into_iter()
            .map(|Found { name, .. }| name)
            .collect::<Vec<_>>(),
        ["Cayenne > Bât 1"]
    );
}
