//! Every message the directory rules produce, typed; French text first, English beside it.

use thiserror::Error;

use crate::diagnostic::Severity;

/// A problem found in a directory file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    /// The file is UTF-8, the directory expects ISO-8859-1.
    #[error("le fichier est encodé en UTF-8 alors que l'annuaire attend de l'ISO-8859-1 (Latin-1) : il a été lu en UTF-8 ; réenregistrez-le en ISO-8859-1 avant l'import réel")]
    Utf8Content,
    /// A fixed column is not at its place.
    #[error(
        "la colonne {position} doit se nommer « {expected} » (trouvé « {found} ») : import annulé"
    )]
    HeaderPosition {
        /// 1-based position.
        position: usize,
        /// Name required there.
        expected: &'static str,
        /// Name found.
        found: String,
    },
    /// A column name is not allowed.
    #[error("colonne {position} « {name} » : intitulé non autorisé : import annulé")]
    HeaderUnknown {
        /// 1-based position.
        position: usize,
        /// Name found.
        name: String,
    },
    /// A mandatory column is missing.
    #[error("colonne obligatoire « {0} » absente : import annulé")]
    HeaderMissing(&'static str),
    /// Wrong number of fields.
    #[error("{found} colonnes au lieu de {expected}")]
    ColumnCount {
        /// Fields on the line.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// MODE not C, M or S.
    #[error("MODE « {0} » inconnu (valeurs permises : C, M, S)")]
    ModeUnknown(String),
    /// MODE empty.
    #[error("MODE vide (valeurs permises : C, M, S)")]
    ModeEmpty,
    /// PROFIL not in the profiles export.
    #[error("PROFIL « {0} » absent de l'export des profils")]
    UnknownProfil(String),
    /// PRIV not in the privileges export.
    #[error("PRIV « {0} » absent de l'export des privilèges")]
    UnknownPriv(String),
    /// A service path not in the services export.
    #[error("{column} « {value} » absent de l'export des services")]
    UnknownService {
        /// SERV_NIV1, 2 or 3.
        column: &'static str,
        /// The value.
        value: String,
    },
    /// Phase two: no mode.
    #[error("mode non détecté : ligne rejetée")]
    ModeNotDetected,
    /// C: NOM empty.
    #[error("mode C : NOM vide : ligne rejetée")]
    NomEmpty,
    /// C: PRENOM empty.
    #[error("mode C : PRENOM vide : ligne rejetée")]
    PrenomEmpty,
    /// C: PROFIL defaulted.
    #[error("mode C : PROFIL vide → valeur par défaut 1 (Utilisateur)")]
    ProfilDefault,
    /// C: PRIV defaulted.
    #[error("mode C : PRIV vide → valeur par défaut 0 (Utilisateur, privilège simple)")]
    PrivDefault,
    /// C: the login exists already.
    #[error("mode C : le LOGIN fourni « {login} » existe déjà (CLE {cle}) ; l'annuaire calcule un autre login unique")]
    LoginExists {
        /// Login given.
        login: String,
        /// Record holding it.
        cle: String,
    },
    /// M: nothing with that key and login.
    #[error("mode M : aucune fiche CLE {cle} + LOGIN {login} : ligne rejetée")]
    NotFoundByKey {
        /// Key.
        cle: String,
        /// Login.
        login: String,
    },
    /// M: key and login name two different records.
    #[error("mode M : CLE {cle} ({cle_login}) et LOGIN {login} ne désignent pas la même fiche : fiche non trouvée, ligne rejetée")]
    KeyLoginMismatch {
        /// Key.
        cle: String,
        /// Login of the record with that key.
        cle_login: String,
        /// Login given.
        login: String,
    },
    /// M: several records for the name and service.
    #[error("mode M : NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} » correspond à {count} fiches ({list}) : ligne rejetée")]
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
    #[error(
        "mode M : aucune fiche NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} » : ligne rejetée"
    )]
    NotFoundByName {
        /// NOM.
        nom: String,
        /// PRENOM.
        prenom: String,
        /// SERV_NIV1.
        serv: String,
    },
    /// M: neither CLE+LOGIN nor NOM+PRENOM+SERV_NIV1.
    #[error("mode M : renseignez CLE et LOGIN, ou NOM, PRENOM et SERV_NIV1, pour identifier la fiche : ligne rejetée")]
    NoIdentification,
    /// S: a required field is empty.
    #[error("mode S : {0} vide (MODE, CLE et LOGIN sont obligatoires) : ligne rejetée")]
    DeleteFieldEmpty(&'static str),
    /// S: record not found.
    #[error("mode S : fiche CLE {cle} / {login} non trouvée : ligne rejetée")]
    DeleteNotFound {
        /// Key.
        cle: String,
        /// Login.
        login: String,
    },
    /// Outside the importer's level-1 service.
    #[error("fiche de « {0} » : hors de la hiérarchie du service de niveau 1 de l'importateur : ligne rejetée")]
    OutOfHierarchy(String),
    /// M: a mission is added to the existing ones.
    #[error("mode M : MISSION « {0} » ajoutée aux missions existantes (les missions ne sont pas remplacées)")]
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

    /// English text.
    pub fn message_en(&self) -> String {
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
