//! Saved mapping templates, kept in the browser's IndexedDB (database `passerelle`, store
//! `templates`, one JSON text per template keyed by its name), and their JSON export and import
//! so another prefecture can reuse them.
//!
//! IndexedDB rather than localStorage: templates of wide exports add up, and localStorage is small
//! and synchronous. Through the `rexie` crate, as the migration journal (see frontend/Cargo.toml).

use passerelle_engine::map::MappingTemplate;
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;

const DB: &str = "passerelle";
const STORE: &str = "templates";

/// Why templates could not be stored, read or imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// IndexedDB is missing or refused (private mode, disabled storage).
    #[error("IndexedDB : {0}")]
    Storage(String),
    /// An imported file is not a template export.
    #[error("{0}")]
    BadFile(String),
}

impl From<rexie::Error> for TemplateError {
    fn from(e: rexie::Error) -> Self {
        TemplateError::Storage(e.to_string())
    }
}

/// Opens (creating) the templates database.
async fn open() -> Result<Rexie, TemplateError> {
    Ok(Rexie::builder(DB)
        .version(1)
        .add_object_store(ObjectStore::new(STORE))
        .build()
        .await?)
}

/// Every saved template, sorted by name; unreadable entries are skipped.
pub async fn load_all() -> Result<Vec<MappingTemplate>, TemplateError> {
    let db = open().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let store = tx.store(STORE)?;
    let values = store.get_all(None, None).await?;
    let mut out: Vec<MappingTemplate> = values
        .into_iter()
        .filter_map(|v| v.as_string())
        .filter_map(|t| MappingTemplate::from_json(&t).ok())
        .collect();
    passerelle_engine::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name));
    db.close();
    Ok(out)
}

/// Saves `templates` (replacing any of the same name).
pub async fn save(templates: &[MappingTemplate]) -> Result<(), TemplateError> {
    let db = open().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite)?;
    let store = tx.store(STORE)?;
    for t in templates {
        store
            .put(
                &JsValue::from_str(&t.to_json()),
                Some(&JsValue::from_str(&t.name)),
            )
            .await?;
    }
    // Saved once the transaction is complete, as the journal's events are.
    tx.done().await?;
    db.close();
    Ok(())
}

/// Deletes the template named `name`.
pub async fn delete(name: &str) -> Result<(), TemplateError> {
    let db = open().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite)?;
    let store = tx.store(STORE)?;
    store.delete(JsValue::from_str(name)).await?;
    tx.done().await?;
    db.close();
    Ok(())
}

/// The JSON file offered for download: an array of templates.
pub fn export_json(templates: &[MappingTemplate]) -> String {
    serde_json::to_string_pretty(templates).unwrap_or_else(|_| "[]".into())
}

/// Reads an exported file: an array of templates, or a single one.
pub fn import_json(text: &str) -> Result<Vec<MappingTemplate>, TemplateError> {
    let text = text.trim_start_matches('\u{feff}');
    if let Ok(list) = serde_json::from_str::<Vec<MappingTemplate>>(text) {
        return Ok(list);
    }
    MappingTemplate::from_json(text)
        .map(|t| vec![t])
        .map_err(|e| TemplateError::BadFile(e.to_string()))
}

/// `saved` with `new` added, replacing templates of the same name, sorted by name.
pub fn merge(saved: &[MappingTemplate], new: Vec<MappingTemplate>) -> Vec<MappingTemplate> {
    let mut out: Vec<MappingTemplate> = saved
        .iter()
        .filter(|s| !new.iter().any(|n| n.name == s.name))
        .cloned()
        .collect();
    out.extend(new);
    passerelle_engine::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_engine::detect::ItemType;
    use passerelle_engine::map::{auto_map, header_signature};

    fn t(name: &str) -> MappingTemplate {
        let headers = vec!["Nom".to_string(), "Numéro de série".to_string()];
        MappingTemplate {
            name: name.into(),
            signature: header_signature(&headers),
            mapping: auto_map(ItemType::Computer, &headers),
        }
    }

    #[test]
    fn export_then_import_round_trips() {
        let list = vec![t("A"), t("B")];
        assert_eq!(import_json(&export_json(&list)).unwrap(), list);
        assert_eq!(import_json(&t("C").to_json()).unwrap(), vec![t("C")]);
        assert!(matches!(
            import_json("{\"x\":1}"),
            Err(TemplateError::BadFile(_))
        ));
        assert!(matches!(import_json(""), Err(TemplateError::BadFile(_))));
    }

    #[test]
    fn merge_replaces_by_name() {
        let mut b2 = t("B");
        b2.signature = "other".into();
        let merged = merge(&[t("B"), t("A")], vec![b2.clone()]);
        assert_eq!(
            merged.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        assert_eq!(merged[1], b2);
    }
}
