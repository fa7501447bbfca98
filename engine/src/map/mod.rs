//! Mapping source columns to GLPI fields: automatic matching, constants, templates.
//!
//! Each column is matched to a field of the item type: first on the exact label, then on the
//! label without case and accents, then fuzzily (Jaro-Winkler). Every match carries its method
//! and confidence so the user can review it; columns can be re-mapped or ignored, constants set,
//! and templates such as `%name% - %serial%` built from other columns. Mappings are saved as
//! named templates keyed by the header's signature, so the same header gets the same mapping.

pub mod catalog;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

use crate::detect::{normalize_label, ItemType};
use crate::read::CellSource;
pub use catalog::{fields, key_fields, EnumKind, FieldKind, FieldSpec};

/// How a column was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Same label, letter for letter but for case.
    Exact,
    /// Same label once case and accents are ignored.
    Normalized,
    /// Close label (typo, variant).
    Fuzzy,
    /// Chosen by the user.
    Manual,
    /// Not mapped (ignored).
    Unmapped,
}

/// One column's mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// 0-based column index.
    pub column: usize,
    /// Header text.
    pub header: String,
    /// GLPI field, or `None` when ignored.
    pub field: Option<String>,
    /// 0.0 to 1.0.
    pub confidence: f32,
    /// How it was matched.
    pub method: MatchMethod,
}

/// A file's mapping to one item type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// Target item type.
    pub item_type: ItemType,
    /// One entry per column.
    pub columns: Vec<ColumnMapping>,
    /// Fields set to the same value on every row.
    pub constants: BTreeMap<String, String>,
    /// Fields built from other columns: `%header or field%` placeholders.
    pub templates: BTreeMap<String, String>,
}

/// Problems with a mapping the user edits.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MappingError {
    /// No such column.
    #[error("la colonne {0} n'existe pas dans ce fichier")]
    NoSuchColumn(usize),
    /// The field does not exist for this type.
    #[error("le champ « {field} » n'existe pas pour le type {item_type}")]
    UnknownField {
        /// Field asked for.
        field: String,
        /// Type of the mapping.
        item_type: String,
    },
    /// A saved template could not be read.
    #[error("modèle de correspondance illisible : {0}")]
    BadTemplate(String),
}

/// The GLPI field name of a catalogue entry for an item type (`_model` -> `computermodels_id`).
pub fn concrete_field(item_type: ItemType, field: &str) -> String {
    let lower = item_type.glpi_name().to_lowercase();
    match field {
        "_model" => format!("{lower}models_id"),
        "_type" => format!("{lower}types_id"),
        other => other.to_string(),
    }
}

/// Maps every column of `headers` to a field of `item_type`.
pub fn auto_map(item_type: ItemType, headers: &[String]) -> Mapping {
    let specs = fields(item_type);
    let mut taken: Vec<&str> = Vec::new();
    let mut columns = Vec::with_capacity(headers.len());
    for (column, header) in headers.iter().enumerate() {
        let norm = normalize_label(header);
        let lower = header.trim().to_lowercase();
        let mut found: Option<(&FieldSpec, f32, MatchMethod)> = None;
        for spec in specs.iter().filter(|s| !taken.contains(&s.field)) {
            if spec.labels.iter().any(|l| *l == lower) {
                found = Some((spec, 1.0, MatchMethod::Exact));
                break;
            }
            if found.is_none() && spec.labels.iter().any(|l| *l == norm) {
                found = Some((spec, 0.95, MatchMethod::Normalized));
            }
        }
        if found.is_none() && norm.len() >= 4 {
            let mut best = 0.0f64;
            for spec in specs.iter().filter(|s| !taken.contains(&s.field)) {
                for l in spec.labels.iter().filter(|l| l.len() >= 4) {
                    let score = strsim::jaro_winkler(&norm, l);
                    if score > best && score >= 0.9 {
                        best = score;
                        found = Some((spec, (score * 0.85) as f32, MatchMethod::Fuzzy));
                    }
                }
            }
        }
        match found {
            Some((spec, confidence, method)) => {
                taken.push(spec.field);
                // A column exported for information (a count, a last update) stays recognised:
                // the plan says why it is not carried, and a count is what tells it that a
                // companion file is needed.
                columns.push(ColumnMapping {
                    column,
                    header: header.clone(),
                    field: Some(concrete_field(item_type, spec.field)),
                    confidence,
                    method,
                });
            }
            None => columns.push(ColumnMapping {
                column,
                header: header.clone(),
                field: None,
                confidence: 0.0,
                method: MatchMethod::Unmapped,
            }),
        }
    }
    Mapping {
        item_type,
        columns,
        constants: BTreeMap::new(),
        templates: BTreeMap::new(),
    }
}

/// The catalogue entry for a concrete field of a type.
pub fn spec_for(item_type: ItemType, field: &str) -> Option<&'static FieldSpec> {
    fields(item_type)
        .iter()
        .find(|s| concrete_field(item_type, s.field) == field)
}

impl Mapping {
    /// Maps a column to a field chosen by the user (`None` ignores the column).
    pub fn set(&mut self, column: usize, field: Option<&str>) -> Result<(), MappingError> {
        if let Some(f) = field {
            if spec_for(self.item_type, f).is_none() {
                return Err(MappingError::UnknownField {
                    field: f.to_string(),
                    item_type: self.item_type.glpi_name().to_string(),
                });
            }
        }
        let c = self
            .columns
            .get_mut(column)
            .ok_or(MappingError::NoSuchColumn(column + 1))?;
        c.field = field.map(str::to_string);
        c.confidence = 1.0;
        c.method = if field.is_some() {
            MatchMethod::Manual
        } else {
            MatchMethod::Unmapped
        };
        Ok(())
    }

    /// The column index mapped to a field.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| c.field.as_deref() == Some(field))
            .map(|c| c.column)
    }

    /// The value of `field` for a row of cells: column, then template, then constant.
    pub fn value<'a, C: CellSource + ?Sized>(
        &'a self,
        field: &str,
        cells: &'a C,
    ) -> Option<std::borrow::Cow<'a, str>> {
        if let Some(i) = self.column_of(field) {
            return cells.cell(i).map(std::borrow::Cow::Borrowed);
        }
        if let Some(t) = self.templates.get(field) {
            return Some(std::borrow::Cow::Owned(self.render(t, cells)));
        }
        self.constants
            .get(field)
            .map(|s| std::borrow::Cow::Borrowed(s.as_str()))
    }

    /// Renders a template: `%x%` is replaced by the cell of the column whose header or field is x.
    pub fn render<C: CellSource + ?Sized>(&self, template: &str, cells: &C) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find('%') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            match after.find('%') {
                Some(end) => {
                    let key = &after[..end];
                    let cell = self
                        .columns
                        .iter()
                        .find(|c| c.field.as_deref() == Some(key) || c.header == key)
                        .and_then(|c| cells.cell(c.column));
                    match cell {
                        Some(v) => out.push_str(v.trim()),
                        None if key.is_empty() => out.push('%'),
                        None => {}
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('%');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// A stable signature of a header row: the same columns in the same order give the same text.
pub fn header_signature(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| normalize_label(h))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// A mapping saved under a name, reused when the same header comes back, exported as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingTemplate {
    /// Name given by the user.
    pub name: String,
    /// [`header_signature`] of the file it was made for.
    pub signature: String,
    /// The mapping.
    pub mapping: Mapping,
}

impl MappingTemplate {
    /// JSON text to download or share with another prefecture.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a shared template.
    pub fn from_json(text: &str) -> Result<Self, MappingError> {
        serde_json::from_str(text).map_err(|e| MappingError::BadTemplate(e.to_string()))
    }

    /// The template among `saved` made for this header, if any.
    pub fn find<'a>(
        saved: &'a [MappingTemplate],
        headers: &[String],
    ) -> Option<&'a MappingTemplate> {
        let sig = header_signature(headers);
        saved.iter().find(|t| t.signature == sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn usager_is_not_utilisateur_and_model_is_concrete() {
        let m = auto_map(
            ItemType::Computer,
            &h(&["Nom", "Utilisateur", "Usager", "Modèle", "Type"]),
        );
        let fields: Vec<Option<&str>> = m.columns.iter().map(|c| c.field.as_deref()).collect();
        assert_eq!(
            fields,
            vec![
                Some("name"),
                Some("users_id"),
                Some("contact"),
                Some("computermodels_id"),
                Some("computertypes_id")
            ]
        );
        assert_eq!(m.columns[0].method, MatchMethod::Exact);
    }

    #[test]
    fn accents_case_and_typos() {
        let m = auto_map(
            ItemType::Computer,
            &h(&["NUMÉRO DE SÉRIE", "Numéro d'inventiare"]),
        );
        assert_eq!(m.columns[0].field.as_deref(), Some("serial"));
        assert_eq!(m.columns[0].method, MatchMethod::Normalized);
        assert_eq!(m.columns[1].field.as_deref(), Some("otherserial"));
        assert_eq!(m.columns[1].method, MatchMethod::Fuzzy);
        assert!(m.columns[1].confidence < 0.9);
    }

    #[test]
    fn group_list_traps() {
        let m = auto_map(ItemType::Group, &h(&["Nom complet", "Nom", "Demandeur"]));
        let fields: Vec<Option<&str>> = m.columns.iter().map(|c| c.field.as_deref()).collect();
        assert_eq!(
            fields,
            vec![Some("completename"), Some("name"), Some("is_requester")]
        );
    }

    #[test]
    fn templates_constants_and_manual_changes() {
        let mut m = auto_map(ItemType::Ticket, &h(&["Titre", "Lieu"]));
        m.templates
            .insert("content".into(), "%Titre% - %locations_id%".into());
        m.constants.insert("urgency".into(), "3".into());
        let cells = h(&["Panne", "Cayenne"]);
        assert_eq!(m.value("content", &cells).unwrap(), "Panne - Cayenne");
        assert_eq!(m.value("urgency", &cells).unwrap(), "3");
        m.set(1, None).unwrap();
        assert!(m.value("locations_id", &cells).is_none());
        assert!(matches!(
            m.set(0, Some("nope")),
            Err(MappingError::UnknownField { .. })
        ));
        assert!(matches!(
            m.set(9, None),
            Err(MappingError::NoSuchColumn(10))
        ));
    }

    #[test]
    fn saved_templates_round_trip_and_are_found_by_header() {
        let headers = h(&["Nom", "Numéro de série"]);
        let t = MappingTemplate {
            name: "Parc Guyane".into(),
            signature: header_signature(&headers),
            mapping: auto_map(ItemType::Computer, &headers),
        };
        let back = MappingTemplate::from_json(&t.to_json()).unwrap();
        assert_eq!(back, t);
        let saved = vec![back];
        assert!(MappingTemplate::find(&saved, &h(&["nom", "NUMERO DE SERIE"])).is_some());
        assert!(MappingTemplate::find(&saved, &h(&["Nom"])).is_none());
    }
}
