//! Recognising the GLPI item type of a file from its headers (and, as a hint, its name).
//!
//! GLPI exports carry translated labels, not field ids, and the columns depend on each user's
//! display preferences: recognition relies on distinctive columns, in French, English or as API
//! field names, with a confidence and a user override.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Lang;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemType {
    /// Computers.
    Computer,
    /// Monitors.
    Monitor,
    /// Printers.
    Printer,
    /// Network equipment.
    NetworkEquipment,
    /// Peripherals.
    Peripheral,
    /// Phones.
    Phone,
    /// Software.
    Software,
    /// Users.
    User,
    /// Groups (a tree).
    Group,
    /// Locations (a tree dropdown).
    Location,
    /// Tickets.
    Ticket,
    /// The HR directory import format (seed 004).
    Directory,
}

impl ItemType {
    /// Every type, in dependency order for a migration.
    pub const ALL: [ItemType; 12] = [
        ItemType::Location,
        ItemType::Group,
        ItemType::User,
        ItemType::Computer,
        ItemType::Monitor,
        ItemType::Printer,
        ItemType::NetworkEquipment,
        ItemType::Peripheral,
        ItemType::Phone,
        ItemType::Software,
        ItemType::Ticket,
        ItemType::Directory,
    ];

    /// GLPI's itemtype name (`Directory` is not a GLPI type).
    pub fn glpi_name(self) -> &'static str {
        match self {
            ItemType::Computer => "Computer",
            ItemType::Monitor => "Monitor",
            ItemType::Printer => "Printer",
            ItemType::NetworkEquipment => "NetworkEquipment",
            ItemType::Peripheral => "Peripheral",
            ItemType::Phone => "Phone",
            ItemType::Software => "Software",
            ItemType::User => "User",
            ItemType::Group => "Group",
            ItemType::Location => "Location",
            ItemType::Ticket => "Ticket",
            ItemType::Directory => "Directory",
        }
    }

    /// Parses a GLPI itemtype name, case-insensitively.
    pub fn from_name(name: &str) -> Option<ItemType> {
        ItemType::ALL
            .into_iter()
            .find(|t| t.glpi_name().eq_ignore_ascii_case(name.trim()))
    }

    /// Human label.
    pub fn label(self, lang: Lang) -> &'static str {
        // GLPI's own plural (crate::glpi::vocabulary, the one home of GLPI's words).
        self.noun().many(lang)
    }
}

/// The result of recognition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// The type chosen, if any column said anything.
    pub item_type: Option<ItemType>,
    /// 0.0 (a guess) to 1.0 (certain).
    pub confidence: f32,
    /// Headers that decided it.
    pub evidence: Vec<String>,
}

/// Lower case, no accents, single spaces, typographic apostrophes made plain: how labels compare.
pub fn normalize_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    normalize_label_into(label, &mut out);
    out
}

/// [`normalize_label`] written into `out` (cleared first), so that a loop over many cells can
/// reuse one buffer instead of allocating a string per cell.
pub fn normalize_label_into(label: &str, out: &mut String) {
    out.clear();
    let label = label.trim();
    // A space is written only when something follows it: no trailing space to trim afterwards.
    let mut space = false;
    // Most keys (serials, inventory numbers, logins): ASCII with no space or backquote, lowered
    // as they are copied (copying first and lowering in place read back bytes just written, a
    // stall measured on every key of a large file).
    if label.bytes().all(|b| b.is_ascii_graphic() && b != b'`') {
        out.extend(label.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    if label.is_ascii() {
        // Other ASCII text (names with spaces): one pass over bytes.
        for &b in label.as_bytes() {
            if b.is_ascii_whitespace() || b == 0x0b {
                space = !out.is_empty();
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(if b == b'`' {
                    '\''
                } else {
                    char::from(b.to_ascii_lowercase())
                });
            }
        }
        return;
    }
    for c in label.chars() {
        let mapped: &str = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => "i",
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => "o",
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => "u",
            'ç' | 'Ç' => "c",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ÿ' => "y",
            '’' | '`' => "'",
            _ => "",
        };
        if c.is_whitespace() && mapped.is_empty() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if mapped.is_empty() {
            out.extend(c.to_lowercase());
        } else {
            out.push_str(mapped);
        }
    }
}

/// Distinctive columns per type (normalised French and English labels and API field names).
fn signatures(t: ItemType) -> &'static [&'static str] {
    match t {
        ItemType::Ticket => &[
            "titre",
            "title",
            "urgence",
            "urgency",
            "impact",
            "priorite",
            "priority",
            "demandeur - demandeur",
            "requester - requester",
            "date d'ouverture",
            "opening date",
            "source de la demande",
            "request source",
            "date de resolution",
            "resolution date",
        ],
        ItemType::User => &[
            "identifiant",
            "login",
            "nom de famille",
            "last name",
            "surname",
            "realname",
            "prenom",
            "first name",
            "firstname",
            "courriels",
            "emails",
            "profils (entite)",
            "matricule",
            "administrative number",
            "derniere connexion",
            "last login",
        ],
        ItemType::Group => &[
            "peut contenir utilisateurs",
            "can contain users",
            "peut contenir elements",
            "can contain items",
            "attribue a",
            "assigned to",
            "responsable",
            "manager",
        ],
        ItemType::Location => &[
            "adresse",
            "address",
            "code postal",
            "postal code",
            "ville",
            "town",
            "numero du batiment",
            "building number",
            "numero de la piece",
            "room number",
            "latitude",
            "longitude",
        ],
        ItemType::Software => &[
            "editeur",
            "publisher",
            "versions - nom",
            "versions - name",
            "nombre d'installations",
            "number of installations",
            "licences - nombre de licences",
        ],
        ItemType::Computer => &[
            "systeme d'exploitation - nom",
            "operating system - name",
            "moniteurs - nombre de moniteurs",
            "processeur",
            "processor",
            "systeme d'exploitation - version",
            "operating system - version",
        ],
        ItemType::Monitor => &["taille", "size"],
        ItemType::Phone => &["nombre de lignes", "number of lines"],
        ItemType::Printer => &[
            "compteur de page actuel",
            "current counter of pages",
            "page counter",
        ],
        ItemType::NetworkEquipment => &["ports reseau - nombre", "firmware", "micrologiciel"],
        ItemType::Peripheral => &[],
        ItemType::Directory => &["mode", "cle", "serv_niv1", "serv_niv2", "profil", "priv"],
    }
}

const ASSET_COLUMNS: [&str; 8] = [
    "numero de serie",
    "serial number",
    "serial",
    "numero d'inventaire",
    "inventory number",
    "otherserial",
    "fabricant",
    "manufacturer",
];

/// Words in a file name that name a type (`Computer.csv`, `ordinateurs-2026.csv`…).
fn name_hint(file_name: &str) -> Option<ItemType> {
    let n = normalize_label(file_name);
    let table: [(&str, ItemType); 24] = [
        ("networkequipment", ItemType::NetworkEquipment),
        ("reseau", ItemType::NetworkEquipment),
        ("network", ItemType::NetworkEquipment),
        ("computer", ItemType::Computer),
        ("ordinateur", ItemType::Computer),
        ("monitor", ItemType::Monitor),
        ("moniteur", ItemType::Monitor),
        ("ecran", ItemType::Monitor),
        ("printer", ItemType::Printer),
        ("imprimante", ItemType::Printer),
        ("peripheral", ItemType::Peripheral),
        ("peripherique", ItemType::Peripheral),
        ("phone", ItemType::Phone),
        ("telephone", ItemType::Phone),
        ("software", ItemType::Software),
        ("logiciel", ItemType::Software),
        ("user", ItemType::User),
        ("utilisateur", ItemType::User),
        ("group", ItemType::Group),
        ("location", ItemType::Location),
        ("lieu", ItemType::Location),
        ("ticket", ItemType::Ticket),
        ("annuaire", ItemType::Directory),
        ("directory", ItemType::Directory),
    ];
    table.iter().find(|(w, _)| n.contains(w)).map(|(_, t)| *t)
}

/// Recognises the type of a file from its headers and name.
pub fn detect(file_name: &str, headers: &[String]) -> Detection {
    let norm: Vec<String> = headers.iter().map(|h| normalize_label(h)).collect();
    let has = |label: &str| norm.iter().any(|h| h == label);
    let hint = name_hint(file_name);

    let mut best: Option<(ItemType, usize, Vec<String>)> = None;
    for t in ItemType::ALL {
        let hits: Vec<String> = signatures(t)
            .iter()
            .filter(|s| has(s))
            .map(|s| s.to_string())
            .collect();
        let score = hits.len() * 2 + usize::from(hint == Some(t)) * 3;
        if score > best.as_ref().map_or(0, |b| b.1) {
            best = Some((t, score, hits));
        }
    }
    // The directory needs its three leading columns, not just a column named "profil".
    if let Some((ItemType::Directory, _, _)) = &best {
        if !(has("mode") && has("cle")) && hint != Some(ItemType::Directory) {
            best = None;
        }
    }

    let asset_hits: Vec<String> = ASSET_COLUMNS
        .iter()
        .filter(|s| has(s))
        .map(|s| s.to_string())
        .collect();
    let is_asset_list = !asset_hits.is_empty();
    match best {
        Some((t, score, hits)) if !hits.is_empty() || score >= 3 => {
            let confidence = if hits.len() >= 2 || (hits.len() == 1 && hint == Some(t)) {
                0.95
            } else if hits.len() == 1 {
                0.75
            } else {
                0.6
            };
            let mut evidence = hits;
            if evidence.is_empty() {
                evidence.push(file_name.to_string());
            }
            Detection {
                item_type: Some(t),
                confidence,
                evidence,
            }
        }
        _ if is_asset_list => {
            // Asset lists without a distinctive column: network gear shows IPs but no user in
            // GLPI's default display; otherwise a peripheral is the least specific asset.
            let t = if has("reseau - ip") || has("network - ip") {
                if has("utilisateur") || has("user") {
                    ItemType::Peripheral
                } else {
                    ItemType::NetworkEquipment
                }
            } else {
                ItemType::Peripheral
            };
            Detection {
                item_type: Some(t),
                confidence: 0.4,
                evidence: asset_hits,
            }
        }
        _ => Detection {
            item_type: None,
            confidence: 0.0,
            evidence: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalises_accents_case_and_apostrophes() {
        assert_eq!(
            normalize_label("  Système d’exploitation -  Nom "),
            "systeme d'exploitation - nom"
        );
        assert_eq!(normalize_label("Numéro de série"), "numero de serie");
        for (label, normal) in [
            ("PF0009IX", "pf0009ix"),
            (" PC-1\t", "pc-1"),
            ("A`B", "a'b"),
            ("a \t\u{b} b  ", "a b"),
            ("\u{a0}Œuvre  À\u{202f}faire", "oeuvre a faire"),
            ("", ""),
        ] {
            assert_eq!(normalize_label(label), normal, "{label:?}");
        }
        // The buffer is reused: nothing of a longer previous value is left.
        let mut buf = String::new();
        normalize_label_into("LONGER-VALUE", &mut buf);
        normalize_label_into("B", &mut buf);
        assert_eq!(buf, "b");
    }

    #[test]
    fn english_labels_and_api_names() {
        let d = detect("glpi.csv", &h(&["Title", "Status", "Urgency", "Priority"]));
        assert_eq!(d.item_type, Some(ItemType::Ticket));
        let d = detect("x.csv", &h(&["name", "realname", "firstname"]));
        assert_eq!(d.item_type, Some(ItemType::User));
    }

    #[test]
    fn directory_needs_mode_and_cle() {
        let d = detect(
            "import.tsv",
            &h(&["MODE", "CLE", "PROFIL", "NOM", "SERV_NIV1"]),
        );
        assert_eq!(d.item_type, Some(ItemType::Directory));
        let d = detect("x.csv", &h(&["Nom", "Profil"]));
        assert_ne!(d.item_type, Some(ItemType::Directory));
    }

    #[test]
    fn unknown_headers_say_nothing() {
        assert_eq!(detect("glpi.csv", &h(&["foo", "bar"])).item_type, None);
    }
}
