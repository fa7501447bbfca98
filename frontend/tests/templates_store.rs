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
    assert_eq!(listed, vec![t]);
    templates::delete("Parc Guyane").await.unwrap();
    assert!(templates::load_all().await.unwrap().is_empty());
}
