//! Companion files: the relations GLPI's list exports cannot carry (which monitor is on which
//! computer, which software version is installed where). Their format is documented here and
//! offered as a downloadable template.

use crate::detect::normalize_label;
use crate::glpi::GlpiType;
use crate::read::Table;

/// The kinds of companion file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanionKind {
    /// Items connected to computers (`Computer_Item`): `ordinateur;type;element`.
    Connections,
    /// Software installed on computers: `ordinateur;logiciel;version`.
    Installations,
}

impl CompanionKind {
    /// Both kinds.
    pub const ALL: [CompanionKind; 2] = [CompanionKind::Connections, CompanionKind::Installations];

    /// The file name offered for the template.
    pub fn template_name(self) -> &'static str {
        match self {
            CompanionKind::Connections => "liaisons-materiels.csv",
            CompanionKind::Installations => "installations-logiciels.csv",
        }
    }

    /// The header row (French; English names are accepted too).
    pub fn headers(self) -> [&'static str; 3] {
        match self {
            CompanionKind::Connections => ["ordinateur", "type", "element"],
            CompanionKind::Installations => ["ordinateur", "logiciel", "version"],
        }
    }

    fn english(self) -> [&'static str; 3] {
        match self {
            CompanionKind::Connections => ["computer", "type", "item"],
            CompanionKind::Installations => ["computer", "software", "version"],
        }
    }

    /// The template: header, two example lines, UTF-8 with BOM and `;` like GLPI's exports.
    pub fn template(self) -> String {
        let body = match self {
            CompanionKind::Connections => {
                "ordinateur;type;element\r\nPC-CAY-0001;Moniteur;CN-0H9KXV-74261\r\nSN8H3K2L;Imprimante;IMP-CAY-012\r\n"
            }
            CompanionKind::Installations => {
                "ordinateur;logiciel;version\r\nPC-CAY-0001;LibreOffice;7.6.4\r\nSN8H3K2L;Mozilla Firefox;128.3.1esr\r\n"
            }
        };
        format!("\u{feff}{body}")
    }

    /// What each column holds, for the documentation shown next to the template.
    pub fn help_fr(self) -> &'static str {
        match self {
            CompanionKind::Connections => "ordinateur : numéro de série ou nom de l'ordinateur ; type : Moniteur, Périphérique, Imprimante ou Téléphone (ou Monitor, Peripheral, Printer, Phone) ; element : numéro de série ou nom de l'élément branché.",
            CompanionKind::Installations => "ordinateur : numéro de série ou nom de l'ordinateur ; logiciel : nom du logiciel (tel qu'exporté) ; version : nom de la version installée.",
        }
    }

    /// Same in English.
    pub fn help_en(self) -> &'static str {
        match self {
            CompanionKind::Connections => "computer: serial number or name of the computer; type: Monitor, Peripheral, Printer or Phone (French names accepted); item: serial number or name of the connected item.",
            CompanionKind::Installations => "computer: serial number or name of the computer; software: software name (as exported); version: installed version name.",
        }
    }
}

/// Recognises a companion file from its header row.
pub fn detect_companion(headers: &[String]) -> Option<CompanionKind> {
    let norm: Vec<String> = headers
        .iter()
        .map(|h| normalize_label(h))
        .filter(|h| !h.is_empty())
        .collect();
    CompanionKind::ALL.into_iter().find(|k| {
        norm.len() == 3
            && (norm.iter().zip(k.headers()).all(|(a, b)| a == b)
                || norm.iter().zip(k.english()).all(|(a, b)| a == b))
    })
}

/// The GLPI itemtype named in a connections file's `type` column.
pub fn connection_itemtype(value: &str) -> Option<GlpiType> {
    Some(match normalize_label(value).as_str() {
        "moniteur" | "ecran" | "monitor" => GlpiType::Monitor,
        "peripherique" | "peripheral" => GlpiType::Peripheral,
        "imprimante" | "printer" => GlpiType::Printer,
        "telephone" | "phone" => GlpiType::Phone,
        _ => return None,
    })
}

/// A companion file with its kind.
#[derive(Debug, Clone, Copy)]
pub struct CompanionFile<'a> {
    /// The file read.
    pub table: &'a Table,
    /// Its kind.
    pub kind: CompanionKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{read_bytes, ReadOptions};

    #[test]
    fn templates_are_recognised_when_read_back() {
        for kind in CompanionKind::ALL {
            let text = kind.template();
            let table = read_bytes(
                kind.template_name(),
                text.as_bytes(),
                &ReadOptions::default(),
            )
            .expect("template reads");
            assert_eq!(detect_companion(&table.headers), Some(kind));
            assert_eq!(table.records.len(), 2);
        }
        assert_eq!(
            detect_companion(&["Computer".into(), "Type".into(), "Item".into()]),
            Some(CompanionKind::Connections)
        );
        assert_eq!(connection_itemtype("Écran"), Some(GlpiType::Monitor));
        assert_eq!(connection_itemtype("Scanner"), None);
    }
}
