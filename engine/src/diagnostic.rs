//! Diagnostics: what the engine reports about a file, located precisely enough to act on.
//!
//! Every problem found anywhere (reading, validation, the HR directory rules) ends up as a
//! [`Diagnostic`]: file, line, column, value, a severity and a typed [`DiagnosticKind`] (one
//! variant per stable code, with its values). No text is stored: the stable code and the message
//! in French or English are rendered from the kind, at the edge ([`Diagnostic::message`]), as
//! rust-csv's positioned errors carry data and render it on display. Modules describe their own
//! problems with typed enums ([`ReadError`], [`ValueProblem`], [`RowProblem`],
//! [`directory::Problem`](crate::directory::Problem)) gathered here.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

pub use crate::directory::Problem as DirectoryProblem;
pub use crate::read::ReadError;
pub use crate::validate::{RowProblem, ValueProblem};

/// Interface language: French first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Français (default).
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, in the order of the page's switch.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code (`<html lang>`, saved preference).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a code saved by [`Lang::code`]; anything else is `None` (callers fall back to
    /// French).
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only: nothing to fix.
    Info,
    /// The row is kept, but something was assumed or changed.
    Warning,
    /// The row (or, when blocking, the whole file) cannot be imported as is.
    Error,
}

impl Severity {
    /// Label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Info, Lang::Fr) => "INFO",
            (Severity::Info, Lang::En) => "INFO",
            (Severity::Warning, Lang::Fr) => "AVERTISSEMENT",
            (Severity::Warning, Lang::En) => "WARNING",
            (Severity::Error, Lang::Fr) => "ERREUR",
            (Severity::Error, Lang::En) => "ERROR",
        }
    }
}

/// A column, by position (1-based, as a spreadsheet user counts) and by header name when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColumnRef {
    /// 1-based column number.
    pub index: usize,
    /// Header text of the column, when the file has one.
    pub name: Option<String>,
}

/// What a diagnostic is about, with its values: one variant per stable code, gathered by the
/// module that finds it. Serialised as `{"code": "value.date", "values": …}` (the values left out
/// when the kind has none), flattened into its [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, try_from = "KindWire")]
pub enum DiagnosticKind {
    /// The file cannot be read at all (`read.*`, blocking).
    Read(ReadError),
    /// A problem with the file as a whole or one of its lines (`read.column_count`,
    /// `read.mixed_encoding`, `detect.unknown_type`, `mapping.required_missing`,
    /// `directory.references_missing`, `migrate.unsupported_file`).
    File(FileProblem),
    /// A cell that fails its field's check (`value.*`).
    Value(ValueProblem),
    /// Rows compared with each other and with the other files (`duplicate.key`, `reference.*`).
    Row(RowProblem),
    /// The HR directory rules (`directory.*`).
    Directory(DirectoryProblem),
}

impl DiagnosticKind {
    /// The stable machine-readable code (e.g. `value.date`, `directory.header.unknown_column`).
    pub fn code(&self) -> &'static str {
        match self {
            DiagnosticKind::Read(k) => k.code(),
            DiagnosticKind::File(k) => k.code(),
            DiagnosticKind::Value(k) => k.code(),
            DiagnosticKind::Row(k) => k.code(),
            DiagnosticKind::Directory(k) => k.code(),
        }
    }

    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            DiagnosticKind::Read(k) => k.render(lang),
            DiagnosticKind::File(k) => k.render(lang),
            DiagnosticKind::Value(k) => k.render(lang),
            DiagnosticKind::Row(k) => k.render(lang),
            DiagnosticKind::Directory(k) => k.render(lang),
        }
    }
}

impl fmt::Display for DiagnosticKind {
    /// The French message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Fr))
    }
}

impl From<ReadError> for DiagnosticKind {
    fn from(k: ReadError) -> Self {
        DiagnosticKind::Read(k)
    }
}

impl From<FileProblem> for DiagnosticKind {
    fn from(k: FileProblem) -> Self {
        DiagnosticKind::File(k)
    }
}

impl From<ValueProblem> for DiagnosticKind {
    fn from(k: ValueProblem) -> Self {
        DiagnosticKind::Value(k)
    }
}

impl From<RowProblem> for DiagnosticKind {
    fn from(k: RowProblem) -> Self {
        DiagnosticKind::Row(k)
    }
}

impl From<DirectoryProblem> for DiagnosticKind {
    fn from(k: DirectoryProblem) -> Self {
        DiagnosticKind::Directory(k)
    }
}

/// A problem with a file as a whole, or with the shape of one of its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values")]
pub enum FileProblem {
    /// A record without as many fields as the header.
    #[serde(rename = "read.column_count")]
    ColumnCount {
        /// Fields found on the record.
        found: usize,
        /// Fields of the header.
        expected: usize,
        /// The record runs over several lines: most likely an unclosed quote that swallowed
        /// the lines after it.
        spans_lines: bool,
    },
    /// Read in a legacy encoding, but holds UTF-8 sequences.
    #[serde(rename = "read.mixed_encoding")]
    MixedEncoding {
        /// The encoding used (WHATWG name).
        encoding: String,
        /// UTF-8 sequences found in it.
        count: usize,
    },
    /// The item type cannot be told from the header.
    #[serde(rename = "detect.unknown_type")]
    UnknownType,
    /// No column, template or constant gives a required field.
    #[serde(rename = "mapping.required_missing")]
    RequiredFieldMissing {
        /// The field (GLPI's name).
        field: String,
        /// Its label in the export.
        label: String,
    },
    /// An HR directory file given without the reference exports and the importer's service.
    #[serde(rename = "directory.references_missing")]
    DirectoryReferencesMissing,
    /// A file the migration cannot take.
    #[serde(rename = "migrate.unsupported_file")]
    UnsupportedFile,
}

impl FileProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            FileProblem::ColumnCount { .. } => "read.column_count",
            FileProblem::MixedEncoding { .. } => "read.mixed_encoding",
            FileProblem::UnknownType => "detect.unknown_type",
            FileProblem::RequiredFieldMissing { .. } => "mapping.required_missing",
            FileProblem::DirectoryReferencesMissing => "directory.references_missing",
            FileProblem::UnsupportedFile => "migrate.unsupported_file",
        }
    }

    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.fr(),
            Lang::En => self.en(),
        }
    }

    fn fr(&self) -> String {
        match self {
            FileProblem::ColumnCount { found, expected, spans_lines } => {
                let hint = if *spans_lines {
                    " ; l'enregistrement court sur plusieurs lignes : un guillemet non fermé a pu y absorber les lignes suivantes, vérifiez les guillemets à partir de cette ligne"
                } else {
                    ""
                };
                format!("{found} colonnes au lieu de {expected} (comme l'en-tête){hint}")
            }
            FileProblem::MixedEncoding { encoding, count } => format!(
                "encodages mélangés : lu en {encoding} mais {count} caractère(s) y sont encodés en UTF-8 (accents doublés possibles, ex. « Ã© ») ; choisissez l'encodage à la main ou réenregistrez le fichier"
            ),
            FileProblem::UnknownType => "type d'objet non reconnu d'après l'en-tête : choisissez-le (ordinateurs, utilisateurs, tickets…)".into(),
            FileProblem::RequiredFieldMissing { field, label } => {
                format!("aucune colonne ne fournit le champ obligatoire « {field} » ({label})")
            }
            FileProblem::DirectoryReferencesMissing => "fichier d'annuaire : fournissez les exports de référence (profils, privilèges, services, annuaire) et le service de niveau 1 de l'importateur pour le vérifier".into(),
            FileProblem::UnsupportedFile => "type de fichier non pris en charge par la migration (ni export GLPI d'inventaire, d'utilisateurs, de groupes ou de lieux, ni fichier compagnon)".into(),
        }
    }

    fn en(&self) -> String {
        match self {
            FileProblem::ColumnCount { found, expected, spans_lines } => {
                let hint = if *spans_lines {
                    "; the record runs over several lines: an unclosed quote may have swallowed the lines after it, check the quotes from this line on"
                } else {
                    ""
                };
                format!("{found} columns instead of {expected} (as in the header){hint}")
            }
            FileProblem::MixedEncoding { encoding, count } => format!(
                "mixed encodings: read as {encoding} but {count} character(s) are UTF-8 encoded (accents may show doubled, e.g. \"Ã©\"); choose the encoding by hand or save the file again"
            ),
            FileProblem::UnknownType => "item type not recognised from the header: choose it (computers, users, tickets…)".into(),
            FileProblem::RequiredFieldMissing { field, label } => {
                format!("no column provides the required field \"{field}\" ({label})")
            }
            FileProblem::DirectoryReferencesMissing => "directory file: give the reference exports (profiles, privileges, services, directory) and the importer's level-1 service to check it".into(),
            FileProblem::UnsupportedFile => "file type not supported by the migration (neither a GLPI asset, user, group or location export, nor a companion file)".into(),
        }
    }
}

/// A problem a user should know about, located in a file. It holds no text: its code and its
/// message in either language come from its [`DiagnosticKind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DiagnosticWire")]
pub struct Diagnostic {
    /// Name of the file the problem is in.
    pub file: String,
    /// 1-based physical line where the record starts (the header is line 1); 0 for the file itself.
    pub line: u64,
    /// Column concerned, if any.
    pub column: Option<ColumnRef>,
    /// The offending value as read, if any.
    pub value: Option<String>,
    /// How serious it is.
    pub severity: Severity,
    /// True when the problem stops the whole file (e.g. the directory's phase one).
    pub blocking: bool,
    /// What it is about, with its values (serialised as `code` and `values`).
    #[serde(flatten)]
    pub kind: DiagnosticKind,
}

/// A [`Diagnostic`] as it is read: the kind's `code` and `values` beside the other fields.
///
/// Read by hand rather than derived: the derived reading (the kind flattened, untagged over five
/// adjacently tagged enums) buffered every diagnostic and compiled each kind's reading once per
/// input format, some 120 KB of the page's wasm. Here the kind is read from one JSON value by
/// one non-generic function ([`DiagnosticKind::from_code`]); the format is unchanged.
#[derive(Deserialize)]
struct DiagnosticWire {
    file: String,
    line: u64,
    column: Option<ColumnRef>,
    value: Option<String>,
    severity: Severity,
    blocking: bool,
    code: String,
    #[serde(default)]
    values: Option<serde_json::Value>,
}

/// A [`DiagnosticKind`] as it is read: its code and its values.
#[derive(Deserialize)]
struct KindWire {
    code: String,
    #[serde(default)]
    values: Option<serde_json::Value>,
}

impl TryFrom<KindWire> for DiagnosticKind {
    type Error = UnknownCode;

    fn try_from(w: KindWire) -> Result<DiagnosticKind, UnknownCode> {
        DiagnosticKind::from_code(w.code, w.values)
    }
}

impl TryFrom<DiagnosticWire> for Diagnostic {
    type Error = UnknownCode;

    fn try_from(w: DiagnosticWire) -> Result<Diagnostic, UnknownCode> {
        Ok(Diagnostic {
            kind: DiagnosticKind::from_code(w.code, w.values)?,
            file: w.file,
            line: w.line,
            column: w.column,
            value: w.value,
            severity: w.severity,
            blocking: w.blocking,
        })
    }
}

/// A diagnostic's code that no kind knows, or its values not of that kind's shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown diagnostic code or values: {0}")]
pub struct UnknownCode(pub String);

impl DiagnosticKind {
    /// The kind a code and its values (as serialised) stand for: the first of the five kinds
    /// that reads them, as an untagged enum would.
    pub fn from_code(
        code: String,
        values: Option<serde_json::Value>,
    ) -> Result<DiagnosticKind, UnknownCode> {
        let mut wire = serde_json::Map::new();
        wire.insert("code".into(), serde_json::Value::String(code));
        if let Some(values) = values {
            wire.insert("values".into(), values);
        }
        let wire = serde_json::Value::Object(wire);
        ReadError::deserialize(&wire)
            .map(DiagnosticKind::Read)
            .or_else(|_| FileProblem::deserialize(&wire).map(DiagnosticKind::File))
            .or_else(|_| ValueProblem::deserialize(&wire).map(DiagnosticKind::Value))
            .or_else(|_| RowProblem::deserialize(&wire).map(DiagnosticKind::Row))
            .or_else(|_| DirectoryProblem::deserialize(&wire).map(DiagnosticKind::Directory))
            .map_err(|_| UnknownCode(wire.to_string()))
    }
}

impl Diagnostic {
    /// A non-blocking diagnostic on a line of a file, with no column or value yet.
    pub fn new(
        file: impl Into<String>,
        line: u64,
        severity: Severity,
        kind: impl Into<DiagnosticKind>,
    ) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line,
            column: None,
            value: None,
            severity,
            blocking: false,
            kind: kind.into(),
        }
    }

    /// The same, stopping the whole file.
    pub fn blocking(mut self) -> Diagnostic {
        self.blocking = true;
        self
    }

    /// The stable machine-readable code (e.g. `date.invalid`, `directory.header.unknown_column`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The message in the given language, rendered from the kind.
    pub fn message(&self, lang: Lang) -> String {
        self.kind.render(lang)
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: SEVERITY: message` in French, like a compiler, so editors can jump to it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(col) = &self.column {
            write!(f, ":{}", col.index)?;
        }
        write!(
            f,
            ": {}: {}",
            self.severity.label(Lang::Fr),
            self.kind.render(Lang::Fr)
        )
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(FileProblem, tag = "code", content = "values" {
    "read.column_count" => ColumnCount { found, expected, spans_lines },
    "read.mixed_encoding" => MixedEncoding { encoding, count },
    "detect.unknown_type" => UnknownType,
    "mapping.required_missing" => RequiredFieldMissing { field, label },
    "directory.references_missing" => DirectoryReferencesMissing,
    "migrate.unsupported_file" => UnsupportedFile,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::EnumKind;
    use crate::validate::RefKind;

    type Problem = DirectoryProblem;

    /// Every kind, with the French and English texts the engine wrote before kinds were typed:
    /// the typed enums' old texts with sample values, and each inline site's old `format!`.
    fn old_texts() -> Vec<(DiagnosticKind, String, String)> {
        let mut out: Vec<(DiagnosticKind, String, String)> = [
        // directory::Problem: French from its old #[error] texts, English from its old message_en.
        (Problem::Utf8Content.into(), "le fichier est encodé en UTF-8 alors que l'annuaire attend de l'ISO-8859-1 (Latin-1) : il a été lu en UTF-8 ; réenregistrez-le en ISO-8859-1 avant l'import réel", "the file is UTF-8 encoded but the directory expects ISO-8859-1 (Latin-1): it was read as UTF-8; save it as ISO-8859-1 before the real import"),
        (Problem::HeaderPosition { position: 2, expected: "CLE".into(), found: "KEY".into() }.into(), "la colonne 2 doit se nommer « CLE » (trouvé « KEY ») : import annulé", "column 2 must be named \"CLE\" (found \"KEY\"): import cancelled"),
        (Problem::HeaderUnknown { position: 9, name: "AGE".into() }.into(), "colonne 9 « AGE » : intitulé non autorisé : import annulé", "column 9 \"AGE\": name not allowed: import cancelled"),
        (Problem::HeaderMissing("LOGIN".into()).into(), "colonne obligatoire « LOGIN » absente : import annulé", "mandatory column \"LOGIN\" missing: import cancelled"),
        (Problem::ColumnCount { found: 5, expected: 7 }.into(), "5 colonnes au lieu de 7", "5 columns instead of 7"),
        (Problem::ModeUnknown("X".into()).into(), "MODE « X » inconnu (valeurs permises : C, M, S)", "unknown MODE \"X\" (allowed: C, M, S)"),
        (Problem::ModeEmpty.into(), "MODE vide (valeurs permises : C, M, S)", "empty MODE (allowed: C, M, S)"),
        (Problem::UnknownProfil("42".into()).into(), "PROFIL « 42 » absent de l'export des profils", "PROFIL \"42\" is not in the profiles export"),
        (Problem::UnknownPriv("7".into()).into(), "PRIV « 7 » absent de l'export des privilèges", "PRIV \"7\" is not in the privileges export"),
        (Problem::UnknownService { column: "SERV_NIV2".into(), value: "DRH".into() }.into(), "SERV_NIV2 « DRH » absent de l'export des services", "SERV_NIV2 \"DRH\" is not in the services export"),
        (Problem::ModeNotDetected.into(), "mode non détecté : ligne rejetée", "mode not detected: line rejected"),
        (Problem::NomEmpty.into(), "mode C : NOM vide : ligne rejetée", "mode C: NOM empty: line rejected"),
        (Problem::PrenomEmpty.into(), "mode C : PRENOM vide : ligne rejetée", "mode C: PRENOM empty: line rejected"),
        (Problem::ProfilDefault.into(), "mode C : PROFIL vide → valeur par défaut 1 (Utilisateur)", "mode C: PROFIL empty → default 1 (User)"),
        (Problem::PrivDefault.into(), "mode C : PRIV vide → valeur par défaut 0 (Utilisateur, privilège simple)", "mode C: PRIV empty → default 0 (User, simple privilege)"),
        (Problem::LoginExists { login: "jdupont".into(), cle: "104581".into() }.into(), "mode C : le LOGIN fourni « jdupont » existe déjà (CLE 104581) ; l'annuaire calcule un autre login unique", "mode C: the given LOGIN \"jdupont\" exists already (CLE 104581); the directory computes another unique login"),
        (Problem::NotFoundByKey { cle: "1".into(), login: "a.b".into() }.into(), "mode M : aucune fiche CLE 1 + LOGIN a.b : ligne rejetée", "mode M: no record CLE 1 + LOGIN a.b: line rejected"),
        (Problem::KeyLoginMismatch { cle: "1".into(), cle_login: "x.y".into(), login: "a.b".into() }.into(), "mode M : CLE 1 (x.y) et LOGIN a.b ne désignent pas la même fiche : fiche non trouvée, ligne rejetée", "mode M: CLE 1 (x.y) and LOGIN a.b are not the same record: not found, line rejected"),
        (Problem::Ambiguous { nom: "JOSEPH".into(), prenom: "Céline".into(), serv: "PREF".into(), count: 2, list: "CLE 104581 celine.joseph et CLE 104589 celine.joseph2".into() }.into(), "mode M : NOM+PRENOM+SERV_NIV1 « JOSEPH / Céline / PREF » correspond à 2 fiches (CLE 104581 celine.joseph et CLE 104589 celine.joseph2) : ligne rejetée", "mode M: NOM+PRENOM+SERV_NIV1 \"JOSEPH / Céline / PREF\" matches 2 records (CLE 104581 celine.joseph et CLE 104589 celine.joseph2): line rejected"),
        (Problem::NotFoundByName { nom: "N".into(), prenom: "P".into(), serv: "S".into() }.into(), "mode M : aucune fiche NOM+PRENOM+SERV_NIV1 « N / P / S » : ligne rejetée", "mode M: no record NOM+PRENOM+SERV_NIV1 \"N / P / S\": line rejected"),
        (Problem::NoIdentification.into(), "mode M : renseignez CLE et LOGIN, ou NOM, PRENOM et SERV_NIV1, pour identifier la fiche : ligne rejetée", "mode M: give CLE and LOGIN, or NOM, PRENOM and SERV_NIV1, to identify the record: line rejected"),
        (Problem::DeleteFieldEmpty("CLE".into()).into(), "mode S : CLE vide (MODE, CLE et LOGIN sont obligatoires) : ligne rejetée", "mode S: CLE empty (MODE, CLE and LOGIN are required): line rejected"),
        (Problem::DeleteNotFound { cle: "3".into(), login: "z".into() }.into(), "mode S : fiche CLE 3 / z non trouvée : ligne rejetée", "mode S: record CLE 3 / z not found: line rejected"),
        (Problem::OutOfHierarchy("DRH".into()).into(), "fiche de « DRH » : hors de la hiérarchie du service de niveau 1 de l'importateur : ligne rejetée", "record of \"DRH\": outside the importer's level-1 service: line rejected"),
        (Problem::MissionAdded("Accueil".into()).into(), "mode M : MISSION « Accueil » ajoutée aux missions existantes (les missions ne sont pas remplacées)", "mode M: MISSION \"Accueil\" added to the existing missions (missions are not replaced)"),
        // ValueProblem: French from its old #[error] texts, English from its old message_en.
        (ValueProblem::Missing.into(), "valeur obligatoire manquante", "required value missing"),
        (ValueProblem::LineBreak.into(), "retour à la ligne dans une valeur sur une ligne (souvent « \\n » ou « \\r » saisi, par exemple DOMAINE\\nom, et enregistré par GLPI comme un vrai retour à la ligne)", "line break in a single-line value (often \\n or \\r typed, e.g. DOMAIN\\name, stored by GLPI as a real line break)"),
        (ValueProblem::TooLong { len: 300 }.into(), "300 caractères : GLPI en accepte 255 au plus", "300 characters: GLPI accepts 255 at most"),
        (ValueProblem::NotInteger.into(), "nombre entier attendu", "whole number expected"),
        (ValueProblem::NotDecimal.into(), "nombre décimal attendu (virgule ou point)", "decimal number expected (comma or point)"),
        (ValueProblem::NotDate.into(), "date attendue (AAAA-MM-JJ, JJ/MM/AAAA ou JJ-MM-AAAA)", "date expected (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY)"),
        (ValueProblem::NotDateTime.into(), "date et heure attendues (AAAA-MM-JJ HH:MM[:SS] ou JJ/MM/AAAA HH:MM)", "date and time expected (YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM)"),
        (ValueProblem::NotIp("10.0.0.256".into()).into(), "adresse IP invalide : « 10.0.0.256 »", "invalid IP address: \"10.0.0.256\""),
        (ValueProblem::NotMac("zz".into()).into(), "adresse MAC invalide : « zz » (attendu aa:bb:cc:dd:ee:ff)", "invalid MAC address: \"zz\" (expected aa:bb:cc:dd:ee:ff)"),
        (ValueProblem::NotEmail("a@".into()).into(), "adresse électronique invalide : « a@ »", "invalid e-mail address: \"a@\""),
        (ValueProblem::NotPhone.into(), "numéro de téléphone invalide (chiffres, espaces, + . - ( ) seulement)", "invalid phone number (digits, spaces, + . - ( ) only)"),
        (ValueProblem::NotYesNo.into(), "Oui ou Non attendu", "Yes or No expected"),
        // ReadError: French from its old #[error] texts, English from its old message_en.
        (ReadError::Empty.into(), "le fichier est vide (0 octet) : une recherche GLPI sans résultat exporte un fichier vide", "the file is empty (0 bytes): GLPI exports an empty search as an empty file"),
        (ReadError::Binary { offset: 12 }.into(), "ce n'est pas un fichier texte : octet de contrôle à la position 12", "not a text file: control byte at offset 12"),
        (ReadError::UnknownEncoding("klingon".into()).into(), "encodage inconnu « klingon » (essayez utf-8, windows-1252 ou iso-8859-1)", "unknown encoding \"klingon\" (try utf-8, windows-1252 or iso-8859-1)"),
        (ReadError::UnsupportedEncoding("Shift_JIS".into()).into(), "encodage « Shift_JIS » non pris en charge : seuls UTF-8, UTF-16 et les encodages d'un octet par caractère (Windows-1252, ISO-8859-…) sont lus ; enregistrez le fichier en UTF-8", "encoding \"Shift_JIS\" not supported: only UTF-8, UTF-16 and the one-byte-per-character encodings (Windows-1252, ISO-8859-…) are read; save the file as UTF-8"),
        (ReadError::NoLines.into(), "le fichier ne contient aucune ligne", "the file holds no line"),
        (ReadError::TooLarge { bytes: 5000000000 }.into(), "fichier trop grand (5000000000 octets de texte) : 4 Go au plus ; découpez l'export en plusieurs fichiers", "file too large (5000000000 bytes of text): 4 GiB at most; split the export into several files"),
        ]
        .into_iter()
        .map(|(k, fr, en): (DiagnosticKind, &str, &str)| (k, fr.to_string(), en.to_string()))
        .collect();
        for e in [
            EnumKind::TicketStatus,
            EnumKind::Level,
            EnumKind::Priority,
            EnumKind::TicketType,
        ] {
            out.push((
                ValueProblem::NotInEnum(e).into(),
                format!("valeur inconnue ; valeurs permises : {}", e.expected_fr()),
                format!("unknown value; allowed: {}", e.expected_en()),
            ));
        }
        // read::read_bytes, a record with the wrong number of fields.
        let (field_count, width) = (2, 3);
        for spans in [false, true] {
            let (hint_fr, hint_en) = if spans {
                (
                    " ; l'enregistrement court sur plusieurs lignes : un guillemet non fermé a pu y absorber les lignes suivantes, vérifiez les guillemets à partir de cette ligne",
                    "; the record runs over several lines: an unclosed quote may have swallowed the lines after it, check the quotes from this line on",
                )
            } else {
                ("", "")
            };
            out.push((
                FileProblem::ColumnCount {
                    found: field_count,
                    expected: width,
                    spans_lines: spans,
                }
                .into(),
                format!("{field_count} colonnes au lieu de {width} (comme l'en-tête){hint_fr}"),
                format!("{field_count} columns instead of {width} (as in the header){hint_en}"),
            ));
        }
        // read::mixed_encoding.
        let (name, n) = ("windows-1252", 4);
        out.push((
            FileProblem::MixedEncoding { encoding: name.into(), count: n }.into(),
            format!("encodages mélangés : lu en {} mais {n} caractère(s) y sont encodés en UTF-8 (accents doublés possibles, ex. « Ã© ») ; choisissez l'encodage à la main ou réenregistrez le fichier", name),
            format!("mixed encodings: read as {} but {n} character(s) are UTF-8 encoded (accents may show doubled, e.g. \"Ã©\"); choose the encoding by hand or save the file again", name),
        ));
        // check::unknown_type, check::check_directory, migrate::inputs::unsupported.
        out.push((
            FileProblem::UnknownType.into(),
            "type d'objet non reconnu d'après l'en-tête : choisissez-le (ordinateurs, utilisateurs, tickets…)".into(),
            "item type not recognised from the header: choose it (computers, users, tickets…)".into(),
        ));
        out.push((
            FileProblem::DirectoryReferencesMissing.into(),
            "fichier d'annuaire : fournissez les exports de référence (profils, privilèges, services, annuaire) et le service de niveau 1 de l'importateur pour le vérifier".into(),
            "directory file: give the reference exports (profiles, privileges, services, directory) and the importer's level-1 service to check it".into(),
        ));
        out.push((
            FileProblem::UnsupportedFile.into(),
            "type de fichier non pris en charge par la migration (ni export GLPI d'inventaire, d'utilisateurs, de groupes ou de lieux, ni fichier compagnon)".into(),
            "file type not supported by the migration (neither a GLPI asset, user, group or location export, nor a companion file)".into(),
        ));
        // validate: a required field without a source.
        let (field, label) = ("name", "Nom");
        out.push((
            FileProblem::RequiredFieldMissing {
                field: field.into(),
                label: label.into(),
            }
            .into(),
            format!(
                "aucune colonne ne fournit le champ obligatoire « {field} » ({})",
                label
            ),
            format!(
                "no column provides the required field \"{field}\" ({})",
                label
            ),
        ));
        // validate: duplicates, references.
        let (value, first) = ("ABC-1", 2);
        out.push((
            RowProblem::DuplicateKey { key: value.into(), first_line: first }.into(),
            format!("doublon : « {value} » figure déjà ligne {first} ; la ligne ne peut pas être rapprochée sans ambiguïté"),
            format!("duplicate: \"{value}\" already on line {first}; the row cannot be reconciled unambiguously"),
        ));
        let count = 3;
        for (of, what) in [
            (RefKind::Location, "Lieux"),
            (RefKind::Group, "Groupes"),
            (RefKind::User, "Utilisateurs"),
        ] {
            out.push((
                RowProblem::OnTarget { of, count }.into(),
                format!("{count} valeur(s) de cette colonne seront à trouver sur la cible : aucun fichier {what} n'a été fourni"),
                format!("{count} value(s) of this column will be looked up on the target: no {what} file was given"),
            ));
        }
        let name = "Dupré Chloé";
        out.push((
            RowProblem::NotInFiles {
                of: RefKind::User,
                name: name.into(),
            }
            .into(),
            format!(
                "utilisateur « {name} » absent du fichier Utilisateurs : à trouver sur la cible"
            ),
            format!("user \"{name}\" is not in the Users file: to be found on the target"),
        ));
        let v = "Cayenne > Préfecture";
        for (of, what_fr, what_en) in [
            (RefKind::Location, "Lieux", "Locations"),
            (RefKind::Group, "Groupes", "Groups"),
        ] {
            out.push((
                RowProblem::NotInFiles { of, name: v.into() }.into(),
                format!("« {v} » absent du fichier {what_fr} : à trouver sur la cible"),
                format!("\"{v}\" is not in the {what_en} file: to be found on the target"),
            ));
        }
        let logins = vec!["celine.joseph".to_string(), "celine.joseph2".to_string()];
        let login = "celine.joseph2";
        out.push((
            RowProblem::HomonymByContact { name: name.into(), logins: logins.clone(), login: login.into() }.into(),
            format!("« {name} » a des homonymes ({}) : l'usager « {login} » de la même ligne désigne lequel", logins.join(", ")),
            format!("\"{name}\" has namesakes ({}): the alternate username \"{login}\" on the same line tells which", logins.join(", ")),
        ));
        let list = logins.join(", ");
        out.push((
            RowProblem::AmbiguousUser { name: name.into(), logins }.into(),
            format!("« {name} » désigne plusieurs utilisateurs (homonymes : {list}) : précisez l'identifiant"),
            format!("\"{name}\" matches several users (namesakes: {list}): give the login"),
        ));
        out
    }

    #[test]
    fn every_kind_renders_its_old_text_in_both_languages() {
        let kinds = old_texts();
        for (kind, fr, en) in &kinds {
            assert_eq!(&kind.render(Lang::Fr), fr, "{}", kind.code());
            assert_eq!(&kind.render(Lang::En), en, "{}", kind.code());
            assert_eq!(&kind.to_string(), fr, "Display is French");
        }
        // Every code is there, and every code is one kind.
        let codes: std::collections::BTreeSet<&str> =
            kinds.iter().map(|(k, _, _)| k.code()).collect();
        assert_eq!(codes.len(), 25 + 13 + 6 + 6 + 5, "{codes:?}");
    }

    #[test]
    fn a_diagnostic_serialises_its_code_and_values_and_reads_back() {
        for (kind, _, _) in old_texts() {
            let d = Diagnostic {
                column: Some(ColumnRef {
                    index: 2,
                    name: Some("Nom".into()),
                }),
                value: Some("x".into()),
                ..Diagnostic::new("a.csv", 3, Severity::Error, kind)
            };
            let json = serde_json::to_value(&d).unwrap();
            assert_eq!(json["code"], d.code(), "{json}");
            assert_eq!(json["file"], "a.csv");
            assert_eq!(json["line"], 3);
            let back: Diagnostic = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back, d, "{json}");
            // From text too (the worker's replies), and the kind alone (a plan's rejection).
            let back: Diagnostic = serde_json::from_str(&json.to_string()).unwrap();
            assert_eq!(back, d, "{json}");
            let kind = serde_json::to_string(&d.kind).unwrap();
            let back: DiagnosticKind = serde_json::from_str(&kind).unwrap();
            assert_eq!(back, d.kind, "{kind}");
        }
        // A code no kind knows, or values not of its kind's shape, is an error that names them.
        for bad in [
            r#"{"code": "value.nope"}"#,
            r#"{"code": "duplicate.key", "values": {"key": 3}}"#,
        ] {
            let error = serde_json::from_str::<DiagnosticKind>(bad).unwrap_err();
            let code = bad.split('"').nth(3).unwrap();
            assert!(error.to_string().contains(code), "{error}");
        }
        let d = Diagnostic::new(
            "a.csv",
            3,
            Severity::Error,
            RowProblem::DuplicateKey {
                key: "ABC".into(),
                first_line: 2,
            },
        );
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({
                "file": "a.csv", "line": 3, "column": null, "value": null,
                "severity": "error", "blocking": false,
                "code": "duplicate.key", "values": {"key": "ABC", "first_line": 2}
            })
        );
        let d = Diagnostic::new("a.csv", 0, Severity::Error, ReadError::Empty).blocking();
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["code"], "read.empty");
        assert!(json.get("values").is_none(), "{json}");
    }
}
