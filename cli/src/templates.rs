//! Saved mappings (`MappingTemplate`, the JSON the page downloads) for files that are not GLPI
//! exports: written once by `passerelle check --save-template`, edited by the administrator
//! (fields, `%column%` templates, constants), then given to `check` and `migrate` with
//! `--mapping-template`, which recognise the file by its header.

use std::path::{Path, PathBuf};

use passerelle_engine::check::CheckReport;
use passerelle_engine::map::{header_signature, MappingTemplate};

/// Reads every template given on the command line; the first one that cannot be read is named
/// with its path and the reason.
pub fn load(paths: &[PathBuf]) -> Result<Vec<MappingTemplate>, String> {
    paths
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{} : {e}", path.display()))?;
            MappingTemplate::from_json(&text).map_err(|e| format!("{} : {e}", path.display()))
        })
        .collect()
}

/// Writes the mapping the check used for its one mapped file as a template named after the
/// file, to `path`.
pub fn save(report: &CheckReport, path: &Path) -> Result<(), String> {
    let mut mapped = report
        .files
        .iter()
        .filter_map(|f| f.mapping.as_ref().map(|m| (f, m)));
    let (file, mapping) = match (mapped.next(), mapped.next()) {
        (Some(one), None) => one,
        (None, _) => {
            return Err("--save-template : aucun fichier n'a pu être associé à un type".into())
        }
        (Some(_), Some(_)) => {
            return Err(
                "--save-template : un seul fichier à la fois (le modèle vaut pour un en-tête)"
                    .into(),
            )
        }
    };
    let headers: Vec<String> = mapping.columns.iter().map(|c| c.header.clone()).collect();
    let template = MappingTemplate {
        name: file.summary.file.clone(),
        signature: header_signature(&headers),
        mapping: mapping.clone(),
    };
    std::fs::write(path, template.to_json() + "\n").map_err(|e| format!("{} : {e}", path.display()))
}
