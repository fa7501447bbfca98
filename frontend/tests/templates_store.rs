//! Saved mapping templates in the browser's IndexedDB (run in headless Chromium).
#![cfg(target_arch = "wasm32")]

use passerelle_engine::detect::ItemType;
use passerelle_engine::map::{auto_map, header_signature, MappingTemplate};
use passerelle_frontend::templates;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn templates_are_saved_listed_and_deleted() {
    let headers = vec!["Nom".to_string(), "Numéro de série".to_string()];
    let t = MappingTemplate {
        name: "Parc Guyane".into(),
        signature: header_signature(&headers),
        mapping: auto_map(ItemType::Computer, &headers),
    };
    templates::save(&[t.clone()]).await.unwrap();
    let listed = templates::load_all().await.unwrap();
    assert_eq!(listed, vec![t.clone()]);
    templates::delete("Parc Guyane").await.unwrap();
    assert!(templates::load_all().await.unwrap().is_empty());
    // Several in one transaction, each put awaited in turn: all kept, listed by name.
    let named = |name: &str| MappingTemplate {
        name: name.into(),
        ..t.clone()
    };
    let many = vec![named("C"), named("A"), named("B")];
    templates::save(&many).await.unwrap();
    let listed: Vec<String> = templates::load_all()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(listed, vec!["A", "B", "C"]);
    for name in ["A", "B", "C"] {
        templates::delete(name).await.unwrap();
    }
    assert!(templates::load_all().await.unwrap().is_empty());
}
