//! Every message the directory rules produce, typed; rendered in French or English on demand.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

use crate::diagnostic::{Lang, Severity};

/// A column name of the directory format (a constant of the rules, or read back from a saved
/// report).
pub type ColumnName = Cow<'static, str>;

/// A problem found in a directory file: the kind of a `directory.*` diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values")]
pub enum Problem {
    /// The file is UTF-8, the directory expects ISO-8859-1.
    #[serde(rename = "directory.encoding.utf8")]
    Utf8Content,
    /// A fixed column is not at its place.
    #[serde(rename = "directory.header.position")]
    HeaderPosition {
        /// 1-based position.
        position: usize,
        /// Name required there.
        expected: ColumnName,
        /// Name found.
        found: String,
    },
    /// A column name is not allowed.
    #[serde(rename = "directory.header.unknown_column")]
    HeaderUnknown {
        /// 1-based position.
        position: usize,
        /// Name found.
        name: String,
    },
    /// A mandatory column is missing.
    #[serde(rename = "directory.header.missing_column")]
    HeaderMissing(ColumnName),
    /// Wrong number of fields.
    #[serde(rename = "directory.column_count")]
    ColumnCount {
        /// Fields on the line.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// MODE not C, M or S.
    #[serde(rename = "directory.mode.unknown")]
    ModeUnknown(String),
    /// MODE empty.
    #[serde(rename = "directory.mode.empty")]
    ModeEmpty,
    /// PROFIL not in the profiles export.
    #[serde(rename = "directory.reference.profil")]
    UnknownProfil(String),
    /// PRIV not in the privileges export.
    #[serde(rename = "directory.reference.priv")]
    UnknownPriv(String),
    /// A service path not in the services export.
    #[serde(rename = "directory.reference.service")]
    UnknownService {
        /// SERV_NIV1, 2 or 3.
        column: ColumnName,
        /// The value.
        value: String,
    },
    /// Phase two: no mode.
    #[serde(rename = "directory.mode.not_detected")]
    ModeNotDetected,
    /// C: NOM empty.
    #[serde(rename = "directory.create.nom_empty")]
    NomEmpty,
    /// C: PRENOM empty.
    #[serde(rename = "directory.create.prenom_empty")]
    PrenomEmpty,
    /// C: PROFIL defaulted.
    #[serde(rename = "directory.create.profil_default")]
    ProfilDefault,
    /// C: PRIV defaulted.
    #[serde(rename = "directory.create.priv_default")]
    PrivDefault,
    /// C: the login exists already.
    #[serde(rename = "directory.create.login_exists")]
    LoginExists {
        /// Login given.
        login: String,
        /// Record holding it.
        cle: String,
    },
    /// M: nothing with that key and login.
    #[serde(rename = "directory.modify.not_found")]
    NotFoundByKey {
        /// Key.
        cle: String,
        /// Login.
        login: String,
    },
    /// M: key and login name two different records.
    #[serde(rename = "directory.modify.key_login_mismatch")]
    KeyLoginMismatch {
        /// Key.
        cle: String,
        /// Login of the record with that key.
        cle_login: String,
        /// Login given.
        login: String,
    },
    /// M: several records for the name and service.
    #[serde(rename = "directory.modify.ambiguous")]
    Ambiguous {
        /// NOM.
        nom: String,
        /// PRENOM.
        prenom: String,
        /// SERV_NIV1.
        serv: String,
        /// How many.
        count: usize,
        /// "CLE 104581 celine.joseph et CLE 104589 celine.joseph2".
        list: String,
    },
    /// M: no record for the name and service.
    #[serde(rename = "directory.modify.not_found_by_name")]
    NotFoundByName {
        /// NOM.
        nom: String,
        /// PRENOM.
        prenom: String,
        /// SERV_NIV1.
        serv: String,
    },
    /// M: neither CLE+LOGIN nor NOM+PRENOM+SERV_NIV1.
    #[serde(rename = "directory.modify.no_identification")]
    NoIdentification,
    /// S: a required field is empty.
    #[serde(rename = "directory.delete.field_empty")]
    DeleteFieldEmpty(ColumnName),
    /// S: record not found.
    #[serde(rename = "directory.delete.not_found")]
    DeleteNotFound {
        /// Key.
        cle: String,
        /// Login.
        login: String,
    },
    /// Outside the importer's level-1 service.
    #[serde(rename = "directory.hierarchy")]
    OutOfHierarchy(String),
    /// M: a mission is added to the existing ones.
    #[serde(rename = "directory.modify.mission_added")]
    MissionAdded(String),
}

impl Problem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Utf8Content => "directory.encoding.utf8",
            Problem::HeaderPosition { .. } => "directory.header.position",
            Problem::HeaderUnknown { .. } => "directory.header.unknown_column",
            Problem::HeaderMissing(_) => "directory.header.missing_column",
            Problem::ColumnCount { .. } => "directory.column_count",
            Problem::ModeUnknown(_) => "directory.mode.unknown",
            Problem::ModeEmpty => "directory.mode.empty",
            Problem::UnknownProfil(_) => "directory.reference.profil",
            Problem::UnknownPriv(_) => "directory.reference.priv",
            Problem::UnknownService { .. } => "directory.reference.service",
            Problem::ModeNotDetected => "directory.mode.not_detected",
            Problem::NomEmpty => "directory.create.nom_empty",
            Problem::PrenomEmpty => "directory.create.prenom_empty",
            Problem::ProfilDefault => "directory.create.profil_default",
            Problem::PrivDefault => "directory.create.priv_default",
            Problem::LoginExists { .. } => "directory.create.login_exists",
            Problem::NotFoundByKey { .. } => "directory.modify.not_found",
            Problem::KeyLoginMismatch { .. } => "directory.modify.key_login_mismatch",
            Problem::Ambiguous { .. } => "directory.modify.ambiguous",
            Problem::NotFoundByName { .. } => "directory.modify.not_found_by_name",
            Problem::NoIdentification => "directory.modify.no_identification",
            Problem::DeleteFieldEmpty(_) => "directory.delete.field_empty",
            Problem::DeleteNotFound { .. } => "directory.delete.not_found",
            Problem::OutOfHierarchy(_) => "directory.hierarchy",
            Problem::MissionAdded(_) => "directory.modify.mission_added",
        }
    }

    /// Severity.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::Utf8Content | Problem::ProfilDefault | Problem::PrivDefault => {
                Severity::Warning
            }
            Problem::LoginExists { .. } | Problem::MissionAdded(_) => Severity::Info,
            _ => Severity::Error,
        }
    }

    /// Whether it belongs to phase one (stops the whole import).
    pub fn blocking(&self) -> bool {
        matches!(
            self,
            Problem::HeaderPosition { .. }
                | Problem::HeaderUnknown { .. }
                | Problem::HeaderMissing(_)
                | Problem::ColumnCount { .. }
                | Problem::ModeUnknown(_)
                | Problem::ModeEmpty
                | Problem::UnknownProfil(_)
                | Problem::UnknownPriv(_)
                | Problem::UnknownService { .. }
        )
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
            Problem::Utf8Content => "le fichier est encodé en UTF-8 alors que l'annuaire attend de l'ISO-8859-1 (Latin-1) : il a été lu en UTF-8 ; réenregistrez-le en ISO-8859-1 avant l'import réel".into(),
            Problem::HeaderPosition { position, expected, found } => format!("la colonne {position} doit se nommer « {expected} » (trouvé « {found} ») : import annulé"),
            Problem::HeaderUnknown { position, name } => format!("colonne {position} « {name} » : intitulé non autorisé : import annulé"),
            Problem::HeaderMissing(n) => format!("colonne obligatoire « {n} » absente : import annulé"),
            Problem::ColumnCount { found, expected } => format!("{found} colonnes au lieu de {expected}"),
            Problem::ModeUnknown(m) => format!("MODE « {m} » inconnu (valeurs permises : C, M, S)"),
            Problem::ModeEmpty => "MODE vide (valeurs permises : C, M, S)".into(),
            Problem::UnknownProfil(v) => format!("PROFIL « {v} » absent de l'export des profils"),
            Problem::UnknownPriv(v) => format!("PRIV « {v} » absent de l'export des privilèges"),
            Problem::UnknownService { column, value } => format!("{column} « {value} » absent de l'export des services"),
            Problem::ModeNotDetected => "mode non détecté : ligne rejetée".into(),
            Problem::NomEmpty => "mode C : NOM vide : ligne rejetée".into(),
            Problem::PrenomEmpty => "mode C : PRENOM vide : ligne rejetée".into(),
            Problem::ProfilDefault => "mode C : PROFIL vide → valeur par défaut 1 (Utilisateur)".into(),
            Problem::PrivDefault => "mode C : PRIV vide → valeur par défaut 0 (Utilisateur, privilège simple)".into(),
            Problem::LoginExists { login, cle } => format!("mode C : le LOGIN fourni « {login} » existe déjà (CLE {cle}) ; l'annuaire calcule un autre login unique"),
            Problem::NotFoundByKey { cle, login } => format!("mode M : aucune fiche CLE {cle} + LOGIN {login} : ligne rejetée"),
            Problem::KeyLoginMismatch { cle, cle_login, login } => format!("mode M : CLE {cle} ({cle_login}) et LOGIN {login} ne désignent pas la même fiche : fiche non trouvée, ligne rejetée"),
            Problem::Ambiguous { nom, prenom, serv, count, list } => format!("mode M : NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} » correspond à {count} fiches ({list}) : ligne rejetée"),
            Problem::NotFoundByName { nom, prenom, serv } => format!("mode M : aucune fiche NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} » : ligne rejetée"),
            Problem::NoIdentification => "mode M : renseignez CLE et LOGIN, ou NOM, PRENOM et SERV_NIV1, pour identifier la fiche : ligne rejetée".into(),
            Problem::DeleteFieldEmpty(f) => format!("mode S : {f} vide (MODE, CLE et LOGIN sont obligatoires) : ligne rejetée"),
            Problem::DeleteNotFound { cle, login } => format!("mode S : fiche CLE {cle} / {login} non trouvée : ligne rejetée"),
            Problem::OutOfHierarchy(s) => format!("fiche de « {s} » : hors de la hiérarchie du service de niveau 1 de l'importateur : ligne rejetée"),
            Problem::MissionAdded(m) => format!("mode M : MISSION « {m} » ajoutée aux missions existantes (les missions ne sont pas remplacées)"),
        }
    }

    fn en(&self) -> String {
        match self {
            Problem::Utf8Content => "the file is UTF-8 encoded but the directory expects ISO-8859-1 (Latin-1): it was read as UTF-8; save it as ISO-8859-1 before the real import".into(),
            Problem::HeaderPosition { position, expected, found } => format!("column {position} must be named \"{expected}\" (found \"{found}\"): import cancelled"),
            Problem::HeaderUnknown { position, name } => format!("column {position} \"{name}\": name not allowed: import cancelled"),
            Problem::HeaderMissing(n) => format!("mandatory column \"{n}\" missing: import cancelled"),
            Problem::ColumnCount { found, expected } => format!("{found} columns instead of {expected}"),
            Problem::ModeUnknown(m) => format!("unknown MODE \"{m}\" (allowed: C, M, S)"),
            Problem::ModeEmpty => "empty MODE (allowed: C, M, S)".into(),
            Problem::UnknownProfil(v) => format!("PROFIL \"{v}\" is not in the profiles export"),
            Problem::UnknownPriv(v) => format!("PRIV \"{v}\" is not in the privileges export"),
            Problem::UnknownService { column, value } => format!("{column} \"{value}\" is not in the services export"),
            Problem::ModeNotDetected => "mode not detected: line rejected".into(),
            Problem::NomEmpty => "mode C: NOM empty: line rejected".into(),
            Problem::PrenomEmpty => "mode C: PRENOM empty: line rejected".into(),
            Problem::ProfilDefault => "mode C: PROFIL empty → default 1 (User)".into(),
            Problem::PrivDefault => "mode C: PRIV empty → default 0 (User, simple privilege)".into(),
            Problem::LoginExists { login, cle } => format!("mode C: the given LOGIN \"{login}\" exists already (CLE {cle}); the directory computes another unique login"),
            Problem::NotFoundByKey { cle, login } => format!("mode M: no record CLE {cle} + LOGIN {login}: line rejected"),
            Problem::KeyLoginMismatch { cle, cle_login, login } => format!("mode M: CLE {cle} ({cle_login}) and LOGIN {login} are not the same record: not found, line rejected"),
            Problem::Ambiguous { nom, prenom, serv, count, list } => format!("mode M: NOM+PRENOM+SERV_NIV1 \"{nom} / {prenom} / {serv}\" matches {count} records ({list}): line rejected"),
            Problem::NotFoundByName { nom, prenom, serv } => format!("mode M: no record NOM+PRENOM+SERV_NIV1 \"{nom} / {prenom} / {serv}\": line rejected"),
            Problem::NoIdentification => "mode M: give CLE and LOGIN, or NOM, PRENOM and SERV_NIV1, to identify the record: line rejected".into(),
            Problem::DeleteFieldEmpty(f) => format!("mode S: {f} empty (MODE, CLE and LOGIN are required): line rejected"),
            Problem::DeleteNotFound { cle, login } => format!("mode S: record CLE {cle} / {login} not found: line rejected"),
            Problem::OutOfHierarchy(s) => format!("record of \"{s}\": outside the importer's level-1 service: line rejected"),
            Problem::MissionAdded(m) => format!("mode M: MISSION \"{m}\" added to the existing missions (missions are not replaced)"),
        }
    }
}

impl fmt::Display for Problem {
    /// The French message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr())
    }
}

impl std::error::Error for Problem {}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(Problem, tag = "code", content = "values" {
    "directory.encoding.utf8" => Utf8Content,
    "directory.header.position" => HeaderPosition { position, expected, found },
    "directory.header.unknown_column" => HeaderUnknown { position, name },
    "directory.header.missing_column" => HeaderMissing(_),
    "directory.column_count" => ColumnCount { found, expected },
    "directory.mode.unknown" => ModeUnknown(_),
    "directory.mode.empty" => ModeEmpty,
    "directory.reference.profil" => UnknownProfil(_),
    "directory.reference.priv" => UnknownPriv(_),
    "directory.reference.service" => UnknownService { column, value },
    "directory.mode.not_detected" => ModeNotDetected,
    "directory.create.nom_empty" => NomEmpty,
    "directory.create.prenom_empty" => PrenomEmpty,
    "directory.create.profil_default" => ProfilDefault,
    "directory.create.priv_default" => PrivDefault,
    "directory.create.login_exists" => LoginExists { login, cle },
    "directory.modify.not_found" => NotFoundByKey { cle, login },
    "directory.modify.key_login_mismatch" => KeyLoginMismatch { cle, cle_login, login },
    "directory.modify.ambiguous" => Ambiguous { nom, prenom, serv, count, list },
    "directory.modify.not_found_by_name" => NotFoundByName { nom, prenom, serv },
    "directory.modify.no_identification" => NoIdentification,
    "directory.delete.field_empty" => DeleteFieldEmpty(_),
    "directory.delete.not_found" => DeleteNotFound { cle, login },
    "directory.hierarchy" => OutOfHierarchy(_),
    "directory.modify.mission_added" => MissionAdded(_),
});
