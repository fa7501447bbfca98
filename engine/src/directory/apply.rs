//! The directory lines carried out on GLPI users (issue 13): each line the check accepted
//! becomes objects of the migration plan (users, titles, categories, groups, memberships,
//! authorizations, e-mails), matched with the target the way seed 004 matches the directory,
//! then run, journaled, verified and undone by the migration engine.
//!
//! - C creates the user (login kept when free, otherwise computed `prenom.nom`, made unique);
//!   a C line whose user already exists (same names, a login of its candidates, member of its
//!   service) is that user: nothing is created twice.
//! - M finds the user by CLE + LOGIN (the CLE kept on the user, or the reference export's
//!   pairing of that CLE with that LOGIN), else by NOM + PRENOM + SERV_NIV1; it writes what the
//!   line changes in the directory's record (the reference export), adds missions and the
//!   service membership, and never changes login, password or SERV_NIV1.
//! - S moves the user to GLPI's trash (`is_deleted`), never purges it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

use super::format::{decode, split_lines};
use super::reference::low;
use super::{DirectoryReport, Importer, Outcome as CheckOutcome, References};
use crate::diagnostic::Severity;
use crate::glpi::GlpiType;
use crate::migrate::model::{Decision, FieldValue, IdMap, ObjectKey, PlannedObject, SourceLine};
use crate::migrate::plan::{Plan, PlanOptions};
use crate::migrate::reconcile::{decide, normalize_key, target_text, ReconcileRules, TargetIndex};

/// Where a text column (CIVILITE, FONCTION) goes on the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextTarget {
    /// The user's title (`usertitles_id`, a `UserTitle` dropdown).
    Title,
    /// The user's category (`usercategories_id`, a `UserCategory` dropdown).
    Category,
    /// Not carried.
    Ignore,
}

/// The user field that keeps the directory's key (CLE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyField {
    /// `sync_field`: GLPI's field for a directory's stable identifier (its LDAP import matches
    /// on it). The default: a migrated GLPI's `registration_number` already holds the
    /// prefecture's own numbers.
    SyncField,
    /// `registration_number` (the administrative number).
    RegistrationNumber,
}

impl KeyField {
    /// The `glpi_users` column.
    pub fn column(self) -> &'static str {
        match self {
            KeyField::SyncField => "sync_field",
            KeyField::RegistrationNumber => "registration_number",
        }
    }
}

/// Where the SERV_NIV1..4 hierarchy goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hierarchy {
    /// A tree of groups `NIV1 > NIV2 > …` in the session's entity; the user is a member of the
    /// deepest (the default: it leaves GLPI's entities, and who sees what, as they are).
    #[default]
    Groups,
    /// A tree of entities under the session's entity (created when missing); the user gets the
    /// deepest as its entity, with its authorization there. A SERV_NIV1 that is the session's
    /// entity itself (same name) is that entity, not a child of it.
    Entities,
}

/// The mapping of the directory's columns onto GLPI users, with the correspondence table of
/// PROFIL and PRIV: what the administrator edits and saves as a template (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryMapping {
    /// Where CIVILITE goes.
    pub civilite: TextTarget,
    /// Where FONCTION goes.
    pub fonction: TextTarget,
    /// Where CLE is kept.
    pub key_field: KeyField,
    /// Where SERV_NIV1..4 go (templates saved before the option: groups).
    #[serde(default)]
    pub hierarchy: Hierarchy,
    /// The group under which mission groups are made (MISSION1..3 → memberships).
    pub missions_group: String,
    /// PROFIL value → GLPI profile name.
    pub profils: BTreeMap<String, String>,
    /// PRIV value → whether the authorization is recursive (sub-entities included).
    pub privileges: BTreeMap<String, bool>,
}

impl Default for DirectoryMapping {
    fn default() -> Self {
        let profils = [
            ("1", "Self-Service"),
            ("2", "Technician"),
            ("3", "Supervisor"),
            ("4", "Admin"),
        ];
        DirectoryMapping {
            civilite: TextTarget::Category,
            fonction: TextTarget::Title,
            key_field: KeyField::SyncField,
            hierarchy: Hierarchy::Groups,
            missions_group: "Missions".into(),
            profils: profils
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            privileges: [("0", false), ("1", true), ("2", true)]
                .iter()
                .map(|(a, b)| (a.to_string(), *b))
                .collect(),
        }
    }
}

/// Why a mapping template cannot be used.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum MappingError {
    /// Not the JSON of a mapping.
    #[error("modèle de correspondance illisible : {0}")]
    Unreadable(String),
    /// A PROFIL or PRIV value of the reference exports has no correspondence.
    #[error("{column} « {value} » n'a pas de correspondance dans le modèle")]
    Missing {
        /// PROFIL or PRIV.
        column: &'static str,
        /// The value.
        value: String,
    },
}

impl DirectoryMapping {
    /// The template as saved (pretty JSON).
    pub fn to_template(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a saved template; every PROFIL and PRIV of the reference exports must be in it.
    pub fn from_template(text: &str, refs: &References) -> Result<Self, MappingError> {
        let m: DirectoryMapping =
            serde_json::from_str(text).map_err(|e| MappingError::Unreadable(e.to_string()))?;
        m.check(refs)?;
        Ok(m)
    }

    /// Every PROFIL and PRIV value of the reference exports has a correspondence.
    pub fn check(&self, refs: &References) -> Result<(), MappingError> {
        if let Some(p) = refs.profils.iter().find(|p| !self.profils.contains_key(*p)) {
            return Err(MappingError::Missing {
                column: "PROFIL",
                value: p.clone(),
            });
        }
        if let Some(p) = refs
            .privileges
            .iter()
            .find(|p| !self.privileges.contains_key(*p))
        {
            return Err(MappingError::Missing {
                column: "PRIV",
                value: p.clone(),
            });
        }
        Ok(())
    }

    /// The mapping as a table: (directory column, where it goes in GLPI), in French.
    pub fn rows(&self) -> Vec<(String, String)> {
        let text = |t: TextTarget| match t {
            TextTarget::Title => "titre (usertitles_id, intitulé UserTitle)".to_string(),
            TextTarget::Category => "catégorie (usercategories_id, intitulé UserCategory)".into(),
            TextTarget::Ignore => "non transférée".into(),
        };
        let mut rows: Vec<(String, String)> = vec![
            ("MODE".into(), "C création, M modification, S mise à la corbeille (is_deleted)".into()),
            ("CLE".into(), format!("{} (M et S ; ignorée en C)", self.key_field.column())),
            ("LOGIN".into(), "name (identifiant ; calculé prenom.nom si vide ; jamais modifié)".into()),
            ("NOM".into(), "realname".into()),
            ("PRENOM".into(), "firstname".into()),
            ("CIVILITE".into(), text(self.civilite)),
            ("FONCTION".into(), text(self.fonction)),
            ("TEL_FIXE".into(), "phone".into()),
            ("TEL_MOBILE".into(), "mobile".into()),
            ("FAX".into(), "phone2".into()),
            ("MEL".into(), "adresse par défaut (UserEmail, is_default = 1)".into()),
            ("COMMENTAIRE".into(), "comment".into()),
            ("VALIDE".into(), "is_active (1/O/OUI actif, 0/N/NON inactif)".into()),
            ("SERV_NIV1..4".into(), match self.hierarchy {
                Hierarchy::Groups => "arbre de groupes « NIV1 > NIV2 > NIV3 > NIV4 » ; appartenance (Group_User) au plus profond".into(),
                Hierarchy::Entities => "arbre d'entités « NIV1 > NIV2 > NIV3 > NIV4 » sous l'entité de la session (créées si absentes ; NIV1 est l'entité de la session quand elle porte ce nom) ; entities_id de l'utilisateur et son habilitation (Profile_User) sur la plus profonde".into(),
            }),
            ("MISSION1..3".into(), format!("appartenance au groupe « {} > mission » (ajoutée, jamais retirée)", self.missions_group)),
            ("ADRESSE_1, CODE_POSTAL, VILLE".into(), "locations_id : le lieu GLPI de même adresse, code postal et ville (le moins profond ; inchangé s'il y en a déjà un)".into()),
            ("ADRESSE_2, ADRESSE_3, ADR_DESC, TYPE".into(), "non transférées (GLPI n'a pas de champ pour elles sur l'utilisateur)".into()),
        ];
        for (p, name) in &self.profils {
            rows.push((format!("PROFIL {p}"), format!("profil « {name} »")));
        }
        for (p, rec) in &self.privileges {
            rows.push((
                format!("PRIV {p}"),
                if *rec {
                    "habilitation récursive (sous-entités comprises)".into()
                } else {
                    "habilitation non récursive".into()
                },
            ));
        }
        rows
    }
}

/// What the plan reads of the target: users (trash included), their e-mails, memberships and
/// authorizations, groups, titles, categories, profiles, entities, locations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectoryTarget {
    /// Per item type, as GLPI returns them.
    pub items: BTreeMap<GlpiType, Vec<Map<String, Value>>>,
    /// Users in GLPI's trash.
    pub trashed_users: Vec<Map<String, Value>>,
}

impl DirectoryTarget {
    /// The types read with `read_all` (users in the trash are read apart).
    pub const TYPES: [GlpiType; 10] = [
        GlpiType::User,
        GlpiType::UserEmail,
        GlpiType::GroupUser,
        GlpiType::ProfileUser,
        GlpiType::Group,
        GlpiType::UserTitle,
        GlpiType::UserCategory,
        GlpiType::Profile,
        GlpiType::Entity,
        GlpiType::Location,
    ];

    fn of(&self, t: GlpiType) -> &[Map<String, Value>] {
        self.items.get(&t).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A message the plan adds to the error file, typed; French first.
#[derive(Debug, Clone, Error, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values", rename_all = "snake_case")]
pub enum ApplyProblem {
    /// M or S: no GLPI user with that key and login.
    #[error("mode {mode} : aucun utilisateur GLPI pour la CLE {cle} et le LOGIN {login}")]
    NotFound {
        /// M or S.
        mode: char,
        /// CLE.
        cle: String,
        /// LOGIN.
        login: String,
    },
    /// M or S: the GLPI user with that key has another login.
    #[error("mode {mode} : la CLE {cle} est celle de l'utilisateur GLPI {cle_login}, pas de {login} : utilisateur non trouvé")]
    KeyLoginMismatch {
        /// M or S.
        mode: char,
        /// CLE.
        cle: String,
        /// The login of the user holding it.
        cle_login: String,
        /// LOGIN given.
        login: String,
    },
    /// M: nobody in GLPI with that name in that service.
    #[error("mode M : aucun utilisateur GLPI NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} »")]
    NotFoundByName {
        /// NOM.
        nom: String,
        /// PRENOM.
        prenom: String,
        /// SERV_NIV1.
        serv: String,
    },
    /// M: several GLPI users with that name in that service.
    #[error("mode M : NOM+PRENOM+SERV_NIV1 « {nom} / {prenom} / {serv} » correspond à plusieurs utilisateurs GLPI ({logins})")]
    Ambiguous {
        /// NOM.
        nom: String,
        /// PRENOM.
        prenom: String,
        /// SERV_NIV1.
        serv: String,
        /// Their logins.
        logins: String,
    },
    /// M: the user is in GLPI's trash.
    #[error("mode M : l'utilisateur GLPI {login} est dans la corbeille")]
    InTrash {
        /// Login.
        login: String,
    },
    /// The user is outside the importer's level-1 service.
    #[error("utilisateur GLPI {login} de « {serv} » : hors de la hiérarchie du service de niveau 1 de l'importateur")]
    OutOfScope {
        /// Login.
        login: String,
        /// Its level-1 service.
        serv: String,
    },
    /// C: the login given is taken in GLPI by someone else: another one is computed.
    #[error("mode C : le LOGIN « {given} » est déjà pris dans GLPI ; login calculé : « {login} »")]
    LoginTaken {
        /// The login given.
        given: String,
        /// The login used.
        login: String,
    },
    /// C: no login could be made from the names.
    #[error("mode C : aucun login ne peut être calculé à partir du NOM et du PRENOM")]
    NoLogin,
    /// A PROFIL without a GLPI profile on the target.
    #[error("PROFIL {profil} : le profil GLPI « {name} » n'existe pas sur la cible")]
    UnknownProfile {
        /// PROFIL.
        profil: String,
        /// The profile's name in the mapping.
        name: String,
    },
    /// M: VALIDE, PROFIL or PRIV changed, but the session's profile may not change them.
    #[error("mode M : {fields} non modifiés : le profil de la session n'a pas le droit de les changer ; le reste de la ligne est appliqué")]
    RightsNotChanged {
        /// Which fields.
        fields: String,
    },
    /// M: several authorizations of the user on the entity: none is changed.
    #[error("mode M : l'utilisateur a plusieurs habilitations sur l'entité {entity} : PROFIL/PRIV non appliqués")]
    SeveralAuthorizations {
        /// Entity id.
        entity: u64,
    },
    /// M: MEL emptied: GLPI's addresses are kept.
    #[error("mode M : MEL vide : les adresses de l'utilisateur GLPI sont conservées")]
    MailKept,
    /// M: MEL is already an address of the user, not its default one: kept as it is.
    #[error("mode M : MEL « {mail} » est déjà une adresse (non par défaut) de l'utilisateur GLPI : adresses inchangées")]
    MailAlreadyThere {
        /// The address.
        mail: String,
    },
    /// No GLPI location has the line's address.
    #[error("adresse « {address} » : aucun lieu GLPI ne l'a ; lieu de l'utilisateur inchangé")]
    NoLocation {
        /// The address.
        address: String,
    },
    /// The run: GLPI refused an object of the line, or the call failed.
    #[error("GLPI : {object} : {message}")]
    Run {
        /// The object.
        object: String,
        /// Why.
        message: String,
    },
    /// The run: a password could not be set.
    #[error("mot de passe de {login} non enregistré : {message}")]
    Password {
        /// Login.
        login: String,
        /// Why.
        message: String,
    },
}

impl ApplyProblem {
    /// The message in `lang` (French is its `Display`, the error file's language).
    pub fn render(&self, lang: crate::diagnostic::Lang) -> String {
        match lang {
            crate::diagnostic::Lang::Fr => self.to_string(),
            crate::diagnostic::Lang::En => self.en(),
        }
    }

    fn en(&self) -> String {
        match self {
            ApplyProblem::NotFound { mode, cle, login } => {
                format!("mode {mode}: no GLPI user for CLE {cle} and LOGIN {login}")
            }
            ApplyProblem::KeyLoginMismatch {
                mode,
                cle,
                cle_login,
                login,
            } => format!("mode {mode}: CLE {cle} is GLPI user {cle_login}'s, not {login}'s: user not found"),
            ApplyProblem::NotFoundByName { nom, prenom, serv } => {
                format!("mode M: no GLPI user NOM+PRENOM+SERV_NIV1 \"{nom} / {prenom} / {serv}\"")
            }
            ApplyProblem::Ambiguous {
                nom,
                prenom,
                serv,
                logins,
            } => format!("mode M: NOM+PRENOM+SERV_NIV1 \"{nom} / {prenom} / {serv}\" matches several GLPI users ({logins})"),
            ApplyProblem::InTrash { login } => {
                format!("mode M: GLPI user {login} is in the trash")
            }
            ApplyProblem::OutOfScope { login, serv } => format!(
                "GLPI user {login} of \"{serv}\": outside the importer's level-1 service hierarchy"
            ),
            ApplyProblem::LoginTaken { given, login } => format!(
                "mode C: LOGIN \"{given}\" is already taken in GLPI; computed login: \"{login}\""
            ),
            ApplyProblem::NoLogin => {
                "mode C: no login can be computed from NOM and PRENOM".into()
            }
            ApplyProblem::UnknownProfile { profil, name } => {
                format!("PROFIL {profil}: GLPI profile \"{name}\" does not exist on the target")
            }
            ApplyProblem::RightsNotChanged { fields } => format!(
                "mode M: {fields} not changed: the session's profile may not change them; the rest of the line is applied"
            ),
            ApplyProblem::SeveralAuthorizations { entity } => format!(
                "mode M: the user has several authorizations on entity {entity}: PROFIL/PRIV not applied"
            ),
            ApplyProblem::MailKept => {
                "mode M: MEL empty: the GLPI user's addresses are kept".into()
            }
            ApplyProblem::MailAlreadyThere { mail } => format!(
                "mode M: MEL \"{mail}\" is already a (non-default) address of the GLPI user: addresses unchanged"
            ),
            ApplyProblem::NoLocation { address } => format!(
                "address \"{address}\": no GLPI location has it; the user's location is unchanged"
            ),
            ApplyProblem::Run { object, message } => format!("GLPI: {object}: {message}"),
            ApplyProblem::Password { login, message } => {
                format!("password of {login} not stored: {message}")
            }
        }
    }

    /// How serious it is; an error rejects the line.
    pub fn severity(&self) -> Severity {
        match self {
            ApplyProblem::LoginTaken { .. }
            | ApplyProblem::NoLocation { .. }
            | ApplyProblem::MailKept
            | ApplyProblem::MailAlreadyThere { .. } => Severity::Info,
            ApplyProblem::RightsNotChanged { .. } | ApplyProblem::SeveralAuthorizations { .. } => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }
}

/// A message on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineMessage {
    /// Line number (the header is line 1).
    pub line: u64,
    /// What.
    pub problem: ApplyProblem,
}

/// What the plan does with one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum LineAction {
    /// Creates the user with this login.
    Create {
        /// Login.
        login: String,
    },
    /// The user of a C line is already there (an earlier run).
    AlreadyCreated {
        /// Login.
        login: String,
    },
    /// Modifies this user.
    Modify {
        /// Login.
        login: String,
    },
    /// Moves this user to the trash.
    Trash {
        /// Login.
        login: String,
    },
    /// The user is already in the trash.
    AlreadyTrashed {
        /// Login.
        login: String,
    },
    /// Rejected (by the check or by the plan).
    Rejected,
}

/// A directory file planned against the target.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryPlan {
    /// The migration plan the runner carries out.
    pub plan: Plan,
    /// Per data line, what happens.
    pub lines: Vec<(u64, LineAction)>,
    /// The plan's messages, in line order.
    pub messages: Vec<LineMessage>,
}

/// What the plan needs besides the target.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// File name.
    pub file: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// The check's report on it.
    pub report: &'a DirectoryReport,
    /// The reference exports.
    pub refs: &'a References,
    /// The directory's own export (`annuaire-export.tsv`): the records M lines change.
    pub reference_export: &'a [u8],
    /// Who imports.
    pub importer: &'a Importer,
    /// The entity users, groups and authorizations go to (the session's).
    pub entity: u64,
    /// GLPI's "more rights than" rule for the session: whether M lines may change VALIDE,
    /// PROFIL and PRIV of a user.
    pub rights: &'a super::rights::RightsRule,
}

/// The rank of memberships and e-mails: after the authorizations (stage 4), so that undo,
/// which goes in reverse, removes them while the user is still visible in the session's
/// entities (GLPI refuses to purge a membership of a user the session no longer sees).
const AFTER_AUTHORIZATIONS: u32 = 401;

/// The mission groups' and services' memberships are keyed `login|…`; a user's objects all
/// start with its key.
fn sub_key(user: &ObjectKey, what: &str) -> String {
    format!("{}|{what}", user.key)
}

/// A login made from names: `prenom.nom`, lower case, accents removed, spaces as hyphens,
/// apostrophes dropped.
pub fn computed_login(prenom: &str, nom: &str) -> String {
    let part = |s: &str| -> String {
        let mut out = String::new();
        for c in s.trim().chars() {
            let c = strip_accent(c);
            match c {
                'a'..='z' | '0'..='9' | '-' => out.push(c),
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                'æ' | 'Æ' => out.push_str("ae"),
                'œ' | 'Œ' => out.push_str("oe"),
                ' ' => out.push('-'),
                _ => {}
            }
        }
        out
    };
    let (p, n) = (part(prenom), part(nom));
    if p.is_empty() || n.is_empty() {
        return String::new();
    }
    format!("{p}.{n}")
}

fn strip_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => 'y',
        'ñ' | 'Ñ' => 'n',
        other => other,
    }
}

/// A data line by column name.
struct Line<'a> {
    header: &'a [String],
    cells: Vec<&'a str>,
}

impl<'a> Line<'a> {
    fn get(&self, name: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
    fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }
}

fn text(item: &Map<String, Value>, field: &str) -> String {
    target_text(item.get(field))
}

fn id_of(item: &Map<String, Value>, field: &str) -> u64 {
    text(item, field).parse().unwrap_or(0)
}

/// The target, indexed the way the plan looks at it.
struct View<'t> {
    t: &'t DirectoryTarget,
    /// Non-trashed users by id.
    users: HashMap<u64, &'t Map<String, Value>>,
    /// Every login (trash included), normalised.
    logins: HashMap<String, (u64, bool)>,
    group_name: HashMap<u64, String>,
    group_by_name: HashMap<String, u64>,
    members: HashMap<u64, Vec<(u64, u64)>>,
    auths: HashMap<u64, Vec<(u64, u64, u64)>>,
    emails: HashMap<u64, Vec<(u64, String, bool)>>,
    entity_name: HashMap<u64, String>,
    entity_completename: HashMap<u64, String>,
    level1: Vec<String>,
}

impl<'t> View<'t> {
    fn new(t: &'t DirectoryTarget, refs: &References) -> Self {
        let mut v = View {
            t,
            users: HashMap::new(),
            logins: HashMap::new(),
            group_name: HashMap::new(),
            group_by_name: HashMap::new(),
            members: HashMap::new(),
            auths: HashMap::new(),
            emails: HashMap::new(),
            entity_name: HashMap::new(),
            entity_completename: HashMap::new(),
            level1: refs.services.iter().map(|s| s.0.clone()).collect(),
        };
        for u in t.of(GlpiType::User) {
            let id = id_of(u, "id");
            v.users.insert(id, u);
            v.logins
                .insert(normalize_key(&text(u, "name")), (id, false));
        }
        for u in &t.trashed_users {
            v.logins
                .insert(normalize_key(&text(u, "name")), (id_of(u, "id"), true));
        }
        for g in t.of(GlpiType::Group) {
            let name = text(g, "completename");
            v.group_by_name.insert(normalize_key(&name), id_of(g, "id"));
            v.group_name.insert(id_of(g, "id"), name);
        }
        for m in t.of(GlpiType::GroupUser) {
            v.members
                .entry(id_of(m, "users_id"))
                .or_default()
                .push((id_of(m, "id"), id_of(m, "groups_id")));
        }
        for a in t.of(GlpiType::ProfileUser) {
            v.auths.entry(id_of(a, "users_id")).or_default().push((
                id_of(a, "id"),
                id_of(a, "profiles_id"),
                id_of(a, "entities_id"),
            ));
        }
        for e in t.of(GlpiType::UserEmail) {
            v.emails.entry(id_of(e, "users_id")).or_default().push((
                id_of(e, "id"),
                text(e, "email"),
                text(e, "is_default") == "1",
            ));
        }
        for e in t.of(GlpiType::Entity) {
            v.entity_name.insert(id_of(e, "id"), text(e, "name"));
            v.entity_completename
                .insert(id_of(e, "id"), text(e, "completename"));
        }
        v
    }

    /// A user's level-1 service: the root of a services-tree group it belongs to, else the
    /// level-1 service its entity is in (the entities option), else its entity's name.
    fn serv_niv1(&self, user: &Map<String, Value>) -> String {
        let id = id_of(user, "id");
        for (_, g) in self.members.get(&id).into_iter().flatten() {
            if let Some(name) = self.group_name.get(g) {
                let root = name.split(" > ").next().unwrap_or("").trim();
                if self.level1.iter().any(|l| *l == low(root)) {
                    return root.to_string();
                }
            }
        }
        let entity = id_of(user, "entities_id");
        if let Some(level1) = self.entity_completename.get(&entity).and_then(|c| {
            c.split(" > ")
                .map(str::trim)
                .find(|seg| self.level1.iter().any(|l| *l == low(seg)))
        }) {
            return level1.to_string();
        }
        self.entity_name.get(&entity).cloned().unwrap_or_default()
    }

    /// The entities under `entity` (itself included), by their complete names.
    fn entity_subtree(&self, entity: u64) -> Vec<u64> {
        let Some(root) = self.entity_completename.get(&entity) else {
            return vec![entity];
        };
        let prefix = format!("{} > ", normalize_key(root));
        self.entity_completename
            .iter()
            .filter(|(id, c)| **id == entity || normalize_key(c).starts_with(&prefix))
            .map(|(id, _)| *id)
            .collect()
    }

    fn member_of(&self, user: u64, completename: &str) -> bool {
        let Some(g) = self.group_by_name.get(&normalize_key(completename)) else {
            return false;
        };
        self.members
            .get(&user)
            .is_some_and(|l| l.iter().any(|(_, x)| x == g))
    }

    fn profile_id(&self, name: &str) -> Option<u64> {
        self.t
            .of(GlpiType::Profile)
            .iter()
            .find(|p| normalize_key(&text(p, "name")) == normalize_key(name))
            .map(|p| id_of(p, "id"))
    }

    /// The shallowest location with this address, postcode and town.
    fn location(&self, address: &str, postcode: &str, town: &str) -> Option<(u64, String)> {
        self.t
            .of(GlpiType::Location)
            .iter()
            .filter(|l| {
                normalize_key(&text(l, "address")) == normalize_key(address)
                    && normalize_key(&text(l, "postcode")) == normalize_key(postcode)
                    && normalize_key(&text(l, "town")) == normalize_key(town)
            })
            .min_by_key(|l| {
                (
                    text(l, "completename").matches(" > ").count(),
                    id_of(l, "id"),
                )
            })
            .map(|l| (id_of(l, "id"), text(l, "address")))
    }

    fn location_matches(&self, id: u64, address: &str, postcode: &str, town: &str) -> bool {
        self.t.of(GlpiType::Location).iter().any(|l| {
            id_of(l, "id") == id
                && normalize_key(&text(l, "address")) == normalize_key(address)
                && normalize_key(&text(l, "postcode")) == normalize_key(postcode)
                && normalize_key(&text(l, "town")) == normalize_key(town)
        })
    }
}

/// The plan in the making.
struct Builder {
    objects: Vec<PlannedObject>,
    index: HashMap<ObjectKey, usize>,
    entity: u64,
    /// The session entity's name and complete name (the entities option's root).
    entity_name: String,
    entity_completename: String,
}

/// Where a line's service puts its user with the entities option.
struct ServiceEntity {
    /// The entity's id, or the planned entity.
    value: FieldValue,
    /// Its complete name.
    completename: String,
}

impl Builder {
    fn push(&mut self, o: PlannedObject) -> usize {
        if let Some(i) = self.index.get(&o.key) {
            let i = *i;
            let sources = o.sources;
            for s in sources {
                if !self.objects[i].sources.contains(&s) {
                    self.objects[i].sources.push(s);
                }
            }
            return i;
        }
        self.index.insert(o.key.clone(), self.objects.len());
        self.objects.push(o);
        self.objects.len() - 1
    }

    /// A dropdown (title, category) by name.
    fn dropdown(&mut self, t: GlpiType, name: &str, src: &SourceLine) -> ObjectKey {
        let key = ObjectKey::new(t, name);
        let mut o = PlannedObject::new(key.clone(), t.stage() * 100);
        o.fields
            .insert("name".into(), FieldValue::Text(name.into()));
        o.sources.push(src.clone());
        self.push(o);
        key
    }

    /// The entities of a service path under the session's entity, parents first (created when
    /// missing); the deepest. A first segment named as the session's entity is that entity.
    fn entity_path(&mut self, path: &[&str], src: &SourceLine) -> ServiceEntity {
        let skip = usize::from(
            path.first()
                .is_some_and(|p| low(p) == low(&self.entity_name)),
        );
        let mut value = FieldValue::Id(self.entity);
        let mut completename = self.entity_completename.clone();
        for (depth, seg) in path.iter().enumerate().skip(skip) {
            completename = format!("{completename} > {seg}");
            let key = ObjectKey::new(GlpiType::Entity, completename.clone());
            let mut o = PlannedObject::new(
                key.clone(),
                GlpiType::Entity.stage() * 100 + 10 + depth as u32,
            );
            o.fields
                .insert("name".into(), FieldValue::Text(seg.to_string()));
            o.fields.insert("entities_id".into(), value.clone());
            o.lookup.insert(
                "completename".into(),
                FieldValue::Text(completename.clone()),
            );
            o.sources.push(src.clone());
            self.push(o);
            value = FieldValue::Ref(key);
        }
        ServiceEntity {
            value,
            completename,
        }
    }

    /// Every group of a path, parents first; the deepest's key.
    fn group_path(&mut self, path: &[&str], src: &SourceLine) -> Option<ObjectKey> {
        let mut parent: Option<ObjectKey> = None;
        let mut names: Vec<&str> = Vec::new();
        for (depth, seg) in path.iter().enumerate() {
            names.push(seg);
            let completename = names.join(" > ");
            let key = ObjectKey::new(GlpiType::Group, completename.clone());
            let mut o =
                PlannedObject::new(key.clone(), GlpiType::Group.stage() * 100 + depth as u32);
            o.fields
                .insert("name".into(), FieldValue::Text(seg.to_string()));
            o.fields.insert(
                "groups_id".into(),
                match &parent {
                    Some(p) => FieldValue::Ref(p.clone()),
                    None => FieldValue::Number(0),
                },
            );
            o.fields
                .insert("entities_id".into(), FieldValue::Id(self.entity));
            o.fields
                .insert("is_recursive".into(), FieldValue::Number(1));
            o.lookup
                .insert("completename".into(), FieldValue::Text(completename));
            o.sources.push(src.clone());
            self.push(o);
            parent = Some(key);
        }
        parent
    }
}

/// The reconciliation keys of a directory plan: by id where the plan found the item, else the
/// usual keys.
pub fn directory_keys() -> BTreeMap<GlpiType, Vec<Vec<String>>> {
    let k = |a: &[&[&str]]| -> Vec<Vec<String>> {
        a.iter()
            .map(|f| f.iter().map(|s| s.to_string()).collect())
            .collect()
    };
    [
        (GlpiType::User, k(&[&["id"], &["name"]])),
        (
            GlpiType::GroupUser,
            k(&[&["id"], &["users_id", "groups_id"]]),
        ),
        (
            GlpiType::ProfileUser,
            k(&[&["id"], &["users_id", "profiles_id", "entities_id"]]),
        ),
        (GlpiType::UserEmail, k(&[&["id"], &["users_id", "email"]])),
    ]
    .into_iter()
    .collect()
}

fn yes_no(v: &str) -> Option<i64> {
    match low(v).as_str() {
        "1" | "o" | "oui" | "y" | "yes" | "true" | "vrai" => Some(1),
        "0" | "n" | "non" | "no" | "false" | "faux" => Some(0),
        _ => None,
    }
}

/// Plans a checked directory file against the target. Nothing is planned when phase one
/// failed; lines the check rejected are left out.
pub fn plan_directory(
    input: &PlanInput<'_>,
    target: &DirectoryTarget,
    mapping: &DirectoryMapping,
) -> DirectoryPlan {
    let mut options = PlanOptions {
        default_entity: input.entity,
        allow_create_dropdowns: true,
        ..PlanOptions::default()
    };
    options.keys = directory_keys();
    let mut out = DirectoryPlan {
        plan: Plan {
            objects: Vec::new(),
            unmatched: Vec::new(),
            entities: Vec::new(),
            not_carried: Vec::new(),
            columns: Vec::new(),
            options,
        },
        lines: Vec::new(),
        messages: Vec::new(),
    };
    if !input.report.phase_one_ok {
        return out;
    }
    let view = View::new(target, input.refs);
    let (text_, _) = decode(input.bytes);
    let raw = split_lines(&text_);
    let header: Vec<String> = raw
        .first()
        .map(|h| h.split('\t').map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    // The directory's records, by CLE: what M lines change.
    let (ref_text, _) = decode(input.reference_export);
    let ref_lines = split_lines(&ref_text);
    let ref_header: Vec<String> = ref_lines
        .first()
        .map(|h| h.split('\t').map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let records: HashMap<String, Line<'_>> = ref_lines
        .iter()
        .skip(1)
        .map(|l| Line {
            header: &ref_header,
            cells: l.split('\t').collect(),
        })
        .map(|l| (l.get("CLE").to_string(), l))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let mut b = Builder {
        objects: Vec::new(),
        index: HashMap::new(),
        entity: input.entity,
        entity_name: view
            .entity_name
            .get(&input.entity)
            .cloned()
            .unwrap_or_default(),
        entity_completename: view
            .entity_completename
            .get(&input.entity)
            .cloned()
            .unwrap_or_default(),
    };
    // Logins given to C lines of this file.
    let mut taken: Vec<String> = Vec::new();
    let key_field = mapping.key_field.column();
    for (n, raw_line) in raw.iter().enumerate().skip(1) {
        let number = (n + 1) as u64;
        let checked = input
            .report
            .lines
            .iter()
            .find(|l| l.line == number)
            .map(|l| &l.outcome);
        let line = Line {
            header: &header,
            cells: raw_line.split('\t').collect(),
        };
        let src = SourceLine {
            file: input.file.to_string(),
            line: n + 1,
        };
        let mut msg = |p: ApplyProblem| {
            out.messages.push(LineMessage {
                line: number,
                problem: p,
            })
        };
        let action = match checked {
            Some(CheckOutcome::Create) => plan_create(
                &line, &src, &view, mapping, input, &mut b, &mut taken, &mut msg,
            ),
            Some(CheckOutcome::Modify(_)) | Some(CheckOutcome::Delete(_)) => {
                let mode = if matches!(checked, Some(CheckOutcome::Modify(_))) {
                    'M'
                } else {
                    'S'
                };
                match find_user(&line, mode, &view, input, key_field) {
                    Err(p) => {
                        msg(p);
                        LineAction::Rejected
                    }
                    Ok((user, trashed)) => {
                        let login = text(user, "name");
                        if mode == 'S' {
                            if trashed {
                                LineAction::AlreadyTrashed { login }
                            } else {
                                let key = user_key(&b, &login, number);
                                let mut o = PlannedObject::new(key, GlpiType::User.stage() * 100);
                                o.lookup
                                    .insert("id".into(), FieldValue::Id(id_of(user, "id")));
                                o.fields
                                    .insert("name".into(), FieldValue::Text(login.clone()));
                                o.fields.insert("is_deleted".into(), FieldValue::Number(1));
                                o.sources.push(src.clone());
                                b.push(o);
                                LineAction::Trash { login }
                            }
                        } else if trashed {
                            msg(ApplyProblem::InTrash { login });
                            LineAction::Rejected
                        } else {
                            let record = records.get(line.get("CLE")).or_else(|| {
                                // Found by name: the check matched the same record.
                                records
                                    .values()
                                    .find(|r| low(r.get("LOGIN")) == low(&login))
                            });
                            plan_modify(
                                &line, record, user, &src, &view, mapping, input, &mut b,
                                key_field, &mut msg,
                            );
                            LineAction::Modify { login }
                        }
                    }
                }
            }
            _ => LineAction::Rejected,
        };
        out.lines.push((number, action));
    }
    crate::sort::sort_by_key(&mut out.messages, |m| m.line);
    let mut objects = b.objects;
    crate::sort::sort_by_key(&mut objects, |o| o.rank);
    decide_all(&mut objects, target, &out.plan.options);
    out.plan.objects = objects;
    out
}

fn user_key(b: &Builder, login: &str, line: u64) -> ObjectKey {
    let k = ObjectKey::new(GlpiType::User, login);
    if b.index.contains_key(&k) {
        ObjectKey::new(GlpiType::User, format!("{login}@{line}"))
    } else {
        k
    }
}

/// M and S: the GLPI user a line names, and whether it is in the trash.
fn find_user<'t>(
    line: &Line<'_>,
    mode: char,
    view: &View<'t>,
    input: &PlanInput<'_>,
    key_field: &str,
) -> Result<(&'t Map<String, Value>, bool), ApplyProblem> {
    let (cle, login) = (line.get("CLE"), line.get("LOGIN"));
    let all = view
        .t
        .of(GlpiType::User)
        .iter()
        .map(|u| (u, false))
        .chain(view.t.trashed_users.iter().map(|u| (u, true)));
    let found = if !cle.is_empty() && !login.is_empty() {
        let with_key: Vec<(&Map<String, Value>, bool)> = all
            .clone()
            .filter(|(u, _)| text(u, key_field) == cle)
            .collect();
        match with_key.as_slice() {
            [(u, t)] if low(&text(u, "name")) == low(login) => (*u, *t),
            [(u, _)] => {
                return Err(ApplyProblem::KeyLoginMismatch {
                    mode,
                    cle: cle.into(),
                    cle_login: text(u, "name"),
                    login: login.into(),
                })
            }
            _ => {
                // No CLE in GLPI yet: the directory's export pairs the login with the key.
                let paired = input
                    .refs
                    .people
                    .iter()
                    .any(|p| p.cle == cle && low(&p.login) == low(login));
                let by_login = all
                    .filter(|(u, _)| low(&text(u, "name")) == low(login))
                    .find(|(u, _)| text(u, key_field).is_empty());
                match (paired, by_login) {
                    (true, Some((u, t))) => (u, t),
                    _ => {
                        return Err(ApplyProblem::NotFound {
                            mode,
                            cle: cle.into(),
                            login: login.into(),
                        })
                    }
                }
            }
        }
    } else {
        let (nom, prenom, serv) = (line.get("NOM"), line.get("PRENOM"), line.get("SERV_NIV1"));
        let matches: Vec<&Map<String, Value>> = view
            .t
            .of(GlpiType::User)
            .iter()
            .filter(|u| {
                low(&text(u, "realname")) == low(nom)
                    && low(&text(u, "firstname")) == low(prenom)
                    && low(&view.serv_niv1(u)) == low(serv)
            })
            .collect();
        match matches.as_slice() {
            [u] => (*u, false),
            [] => {
                return Err(ApplyProblem::NotFoundByName {
                    nom: nom.into(),
                    prenom: prenom.into(),
                    serv: serv.into(),
                })
            }
            many => {
                return Err(ApplyProblem::Ambiguous {
                    nom: nom.into(),
                    prenom: prenom.into(),
                    serv: serv.into(),
                    logins: many
                        .iter()
                        .map(|u| text(u, "name"))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    };
    let serv = view.serv_niv1(found.0);
    if low(&serv) != low(&input.importer.serv_niv1) {
        return Err(ApplyProblem::OutOfScope {
            login: text(found.0, "name"),
            serv,
        });
    }
    Ok(found)
}

/// The complete name of a service path's deepest entity (see [`Builder::entity_path`]).
fn entity_completename(b: &Builder, path: &[&str]) -> String {
    let skip = usize::from(path.first().is_some_and(|p| low(p) == low(&b.entity_name)));
    std::iter::once(b.entity_completename.as_str())
        .chain(path.iter().skip(skip).copied())
        .collect::<Vec<_>>()
        .join(" > ")
}

fn service_path<'l>(line: &Line<'l>) -> Vec<&'l str> {
    ["SERV_NIV1", "SERV_NIV2", "SERV_NIV3", "SERV_NIV4"]
        .iter()
        .map(|c| line.get(c))
        .take_while(|v| !v.is_empty())
        .collect()
}

fn text_target(t: TextTarget) -> Option<(GlpiType, &'static str)> {
    match t {
        TextTarget::Title => Some((GlpiType::UserTitle, "usertitles_id")),
        TextTarget::Category => Some((GlpiType::UserCategory, "usercategories_id")),
        TextTarget::Ignore => None,
    }
}

/// The scalar fields of a line (C: all of them; M: those the line changes).
fn scalar_fields(
    line: &Line<'_>,
    changed: &dyn Fn(&str) -> bool,
    mapping: &DirectoryMapping,
    src: &SourceLine,
    b: &mut Builder,
) -> BTreeMap<String, FieldValue> {
    let mut f = BTreeMap::new();
    for (column, field) in [
        ("NOM", "realname"),
        ("PRENOM", "firstname"),
        ("TEL_FIXE", "phone"),
        ("TEL_MOBILE", "mobile"),
        ("FAX", "phone2"),
        ("COMMENTAIRE", "comment"),
    ] {
        if line.has(column) && changed(column) {
            f.insert(field.into(), FieldValue::Text(line.get(column).into()));
        }
    }
    for (column, target) in [
        ("CIVILITE", mapping.civilite),
        ("FONCTION", mapping.fonction),
    ] {
        let Some((t, field)) = text_target(target) else {
            continue;
        };
        if !line.has(column) || !changed(column) {
            continue;
        }
        let v = line.get(column);
        f.insert(
            field.into(),
            if v.is_empty() {
                FieldValue::Number(0)
            } else {
                FieldValue::Ref(b.dropdown(t, v, src))
            },
        );
    }
    f
}

#[allow(clippy::too_many_arguments)]
fn plan_create(
    line: &Line<'_>,
    src: &SourceLine,
    view: &View<'_>,
    mapping: &DirectoryMapping,
    input: &PlanInput<'_>,
    b: &mut Builder,
    taken: &mut Vec<String>,
    msg: &mut dyn FnMut(ApplyProblem),
) -> LineAction {
    let (nom, prenom) = (line.get("NOM"), line.get("PRENOM"));
    let given = line.get("LOGIN").to_lowercase();
    let base = if given.is_empty() {
        computed_login(prenom, nom)
    } else {
        given.clone()
    };
    if base.is_empty() {
        msg(ApplyProblem::NoLogin);
        return LineAction::Rejected;
    }
    let path = service_path(line);
    let service = path.join(" > ");
    let entities = mapping.hierarchy == Hierarchy::Entities;
    let in_service = |id: u64, u: &Map<String, Value>| {
        if entities {
            view.entity_completename
                .get(&id_of(u, "entities_id"))
                .is_some_and(|c| normalize_key(c) == normalize_key(&entity_completename(b, &path)))
        } else {
            service.is_empty() || view.member_of(id, &service)
        }
    };
    // The login's candidates: base, base2, base3…; the first free one, unless one of them is
    // already this very user (an earlier run).
    let mut login = String::new();
    let mut existing: Option<u64> = None;
    for n in 1.. {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        if taken.contains(&candidate) {
            continue;
        }
        match view.logins.get(&normalize_key(&candidate)) {
            None => {
                login = candidate;
                break;
            }
            Some((id, false)) => {
                let same = view.users.get(id).is_some_and(|u| {
                    low(&text(u, "realname")) == low(nom)
                        && low(&text(u, "firstname")) == low(prenom)
                        && in_service(*id, u)
                });
                if same {
                    login = candidate;
                    existing = Some(*id);
                    break;
                }
            }
            Some((_, true)) => {}
        }
    }
    taken.push(login.clone());
    if !given.is_empty() && login != given && existing.is_none() {
        msg(ApplyProblem::LoginTaken {
            given: line.get("LOGIN").into(),
            login: login.clone(),
        });
    }
    let profil = match line.get("PROFIL") {
        "" => "1",
        p => p,
    };
    let priv_ = match line.get("PRIV") {
        "" => "0",
        p => p,
    };
    let profile_name = mapping.profils.get(profil).cloned().unwrap_or_default();
    let Some(profile) = view.profile_id(&profile_name) else {
        msg(ApplyProblem::UnknownProfile {
            profil: profil.into(),
            name: profile_name,
        });
        return LineAction::Rejected;
    };
    let recursive = mapping.privileges.get(priv_).copied().unwrap_or(false);
    // The entities option: the user's entity and authorization from its service.
    let (entity, entity_name) = if entities {
        let se = b.entity_path(&path, src);
        (se.value, se.completename)
    } else {
        (FieldValue::Id(input.entity), input.entity.to_string())
    };
    let key = ObjectKey::new(GlpiType::User, login.clone());
    let mut o = PlannedObject::new(key.clone(), GlpiType::User.stage() * 100);
    o.fields = scalar_fields(line, &|_| true, mapping, src, b);
    o.fields
        .insert("name".into(), FieldValue::Text(login.clone()));
    let active = yes_no(line.get("VALIDE")).unwrap_or(1);
    o.fields
        .insert("is_active".into(), FieldValue::Number(active));
    if let Some((loc, _)) = view.location(
        line.get("ADRESSE_1"),
        line.get("CODE_POSTAL"),
        line.get("VILLE"),
    ) {
        o.fields.insert("locations_id".into(), FieldValue::Id(loc));
    } else if !line.get("ADRESSE_1").is_empty() {
        msg(ApplyProblem::NoLocation {
            address: address(line),
        });
    }
    let users_id = match existing {
        Some(id) => {
            o.lookup.insert("id".into(), FieldValue::Id(id));
            FieldValue::Id(id)
        }
        None => {
            o.fields.insert("entities_id".into(), entity.clone());
            // The first authorization is made with the user: GLPI then adds no Self-Service one.
            o.fields
                .insert("_profiles_id".into(), FieldValue::Id(profile));
            o.fields.insert("_entities_id".into(), entity.clone());
            o.fields.insert(
                "_is_recursive".into(),
                FieldValue::Number(i64::from(recursive)),
            );
            FieldValue::Ref(key.clone())
        }
    };
    o.sources.push(src.clone());
    b.push(o);
    // E-mail, service, missions, authorization.
    let mel = line.get("MEL");
    if !mel.is_empty() {
        let mut e = PlannedObject::new(
            ObjectKey::new(GlpiType::UserEmail, sub_key(&key, &format!("mel|{mel}"))),
            AFTER_AUTHORIZATIONS,
        );
        e.fields.insert("users_id".into(), users_id.clone());
        e.fields
            .insert("email".into(), FieldValue::Text(mel.into()));
        e.fields.insert("is_default".into(), FieldValue::Number(1));
        e.sources.push(src.clone());
        b.push(e);
    }
    if !entities {
        membership(b, &key, "service", &path, users_id.clone(), None, src);
    }
    missions(b, &key, line, mapping, users_id.clone(), src);
    b.push(profile_user(
        sub_key(&key, &format!("{profile_name}|{entity_name}")),
        users_id,
        profile,
        entity,
        recursive,
        src,
    ));
    match existing {
        Some(_) => LineAction::AlreadyCreated { login },
        None => LineAction::Create { login },
    }
}

fn address(line: &Line<'_>) -> String {
    format!(
        "{}, {} {}",
        line.get("ADRESSE_1"),
        line.get("CODE_POSTAL"),
        line.get("VILLE")
    )
}

/// A membership of the user in the deepest group of `path`; `move_from`: an existing
/// membership row to point at it instead of adding one.
/// A user's authorization (Profile_User `key`): `profile` on `entity`, recursive or not.
fn profile_user(
    key: String,
    users_id: FieldValue,
    profile: u64,
    entity: FieldValue,
    recursive: bool,
    src: &SourceLine,
) -> PlannedObject {
    let mut a = PlannedObject::new(
        ObjectKey::new(GlpiType::ProfileUser, key),
        GlpiType::ProfileUser.stage() * 100,
    );
    a.fields.insert("users_id".into(), users_id);
    a.fields
        .insert("profiles_id".into(), FieldValue::Id(profile));
    a.fields.insert("entities_id".into(), entity);
    a.fields.insert(
        "is_recursive".into(),
        FieldValue::Number(i64::from(recursive)),
    );
    a.sources.push(src.clone());
    a
}

fn membership(
    b: &mut Builder,
    user: &ObjectKey,
    what: &str,
    path: &[&str],
    users_id: FieldValue,
    move_from: Option<u64>,
    src: &SourceLine,
) {
    let Some(group) = b.group_path(path, src) else {
        return;
    };
    let mut m = PlannedObject::new(
        ObjectKey::new(GlpiType::GroupUser, sub_key(user, what)),
        AFTER_AUTHORIZATIONS,
    );
    if let Some(id) = move_from {
        m.lookup.insert("id".into(), FieldValue::Id(id));
    }
    m.fields.insert("users_id".into(), users_id);
    m.fields.insert("groups_id".into(), FieldValue::Ref(group));
    m.sources.push(src.clone());
    b.push(m);
}

fn missions(
    b: &mut Builder,
    user: &ObjectKey,
    line: &Line<'_>,
    mapping: &DirectoryMapping,
    users_id: FieldValue,
    src: &SourceLine,
) {
    for c in ["MISSION1", "MISSION2", "MISSION3"] {
        let v = line.get(c);
        if v.is_empty() {
            continue;
        }
        membership(
            b,
            user,
            &format!("mission|{}", low(v)),
            &[mapping.missions_group.as_str(), v],
            users_id.clone(),
            None,
            src,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_modify(
    line: &Line<'_>,
    record: Option<&Line<'_>>,
    user: &Map<String, Value>,
    src: &SourceLine,
    view: &View<'_>,
    mapping: &DirectoryMapping,
    input: &PlanInput<'_>,
    b: &mut Builder,
    key_field: &str,
    msg: &mut dyn FnMut(ApplyProblem),
) {
    let id = id_of(user, "id");
    let login = text(user, "name");
    // What the line changes in the directory's record; without a record, every filled cell.
    let changed = |column: &str| -> bool {
        let new = line.get(column);
        match record {
            None => !new.is_empty(),
            Some(r) if !r.has(column) => !new.is_empty(),
            Some(r) => {
                let old = r.get(column);
                if matches!(column, "NOM" | "PRENOM") {
                    low(old) != low(new)
                } else {
                    old != new
                }
            }
        }
    };
    let key = user_key(b, &login, src.line as u64);
    let mut o = PlannedObject::new(key.clone(), GlpiType::User.stage() * 100);
    o.lookup.insert("id".into(), FieldValue::Id(id));
    o.fields = scalar_fields(line, &changed, mapping, src, b);
    // Never changed: login (kept as GLPI has it), password, SERV_NIV1. The user gets the CLE.
    o.fields
        .insert("name".into(), FieldValue::Text(login.clone()));
    let cle = record
        .map(|r| r.get("CLE"))
        .filter(|c| !c.is_empty())
        .unwrap_or(line.get("CLE"));
    if !cle.is_empty() {
        o.fields
            .insert(key_field.to_string(), FieldValue::Text(cle.into()));
    }
    let address_changed = ["ADRESSE_1", "CODE_POSTAL", "VILLE"]
        .iter()
        .any(|c| line.has(c) && changed(c));
    if address_changed && !line.get("ADRESSE_1").is_empty() {
        let (a, p, t) = (
            line.get("ADRESSE_1"),
            line.get("CODE_POSTAL"),
            line.get("VILLE"),
        );
        if !view.location_matches(id_of(user, "locations_id"), a, p, t) {
            match view.location(a, p, t) {
                Some((loc, _)) => {
                    o.fields.insert("locations_id".into(), FieldValue::Id(loc));
                }
                None => msg(ApplyProblem::NoLocation {
                    address: address(line),
                }),
            }
        }
    }
    // VALIDE, PROFIL, PRIV: only when the session has more rights than the user (and, for a
    // new authorization, than its profile): GLPI's rule, in [`super::rights`].
    let valide = yes_no(line.get("VALIDE")).filter(|v| v.to_string() != text(user, "is_active"));
    let rights_changed =
        (line.has("PROFIL") && !line.get("PROFIL").is_empty() && changed("PROFIL"))
            || (line.has("PRIV") && !line.get("PRIV").is_empty() && changed("PRIV"));
    let user_profiles: Vec<u64> = view
        .auths
        .get(&id)
        .into_iter()
        .flatten()
        .map(|(_, p, _)| *p)
        .collect();
    let new_profile = mapping
        .profils
        .get(line.get("PROFIL"))
        .and_then(|name| view.profile_id(name));
    let may = input.rights.outranks(&user_profiles)
        && (!rights_changed || new_profile.is_none_or(|p| input.rights.may_give(p)));
    if (valide.is_some() || rights_changed) && !may {
        let mut fields = Vec::new();
        if valide.is_some() {
            fields.push("VALIDE");
        }
        if rights_changed {
            fields.push("PROFIL/PRIV");
        }
        msg(ApplyProblem::RightsNotChanged {
            fields: fields.join(", "),
        });
    } else {
        if let Some(v) = valide {
            o.fields.insert("is_active".into(), FieldValue::Number(v));
        }
        if rights_changed && mapping.hierarchy == Hierarchy::Groups {
            let change = AuthorizationChange {
                place: None,
                rights: true,
            };
            authorization(
                line, record, id, &key, view, mapping, input, b, src, msg, change,
            );
        }
    }
    o.sources.push(src.clone());
    b.push(o);
    // E-mail: the default address changes with MEL.
    if line.has("MEL") && changed("MEL") {
        let mel = line.get("MEL");
        let emails = view.emails.get(&id).cloned().unwrap_or_default();
        if mel.is_empty() {
            if !emails.is_empty() {
                msg(ApplyProblem::MailKept);
            }
        } else {
            let mut e = PlannedObject::new(
                ObjectKey::new(GlpiType::UserEmail, sub_key(&key, "mel")),
                AFTER_AUTHORIZATIONS,
            );
            e.fields.insert("users_id".into(), FieldValue::Id(id));
            e.fields
                .insert("email".into(), FieldValue::Text(mel.into()));
            e.fields.insert("is_default".into(), FieldValue::Number(1));
            // The default address gets the new one (GLPI refuses a UserEmail update that
            // does not send the address, so the default flag is never moved to another row).
            let default = emails.iter().find(|(_, _, d)| *d);
            let other = emails.iter().any(|(_, m, d)| !d && low(m) == low(mel));
            match default {
                // Already an address of the user, not the default one: GLPI keeps one row per
                // address and refuses to move the default flag without the address; nothing
                // is changed.
                _ if other => msg(ApplyProblem::MailAlreadyThere { mail: mel.into() }),
                Some((row, _, _)) => {
                    e.lookup.insert("id".into(), FieldValue::Id(*row));
                }
                None => {}
            }
            if !other {
                e.sources.push(src.clone());
                b.push(e);
            }
        }
    }
    // The service: the user belongs to the line's deepest service group; a membership in
    // another group of the same level-1 tree is moved there.
    let path = service_path(line);
    if mapping.hierarchy == Hierarchy::Entities {
        // The entities option: the authorization goes to the service's entity (and PROFIL/PRIV
        // apply when they change and the session may). The user's default entity is left: GLPI
        // keeps an `entities_id` only where the user already has an authorization.
        let place = (!path.is_empty()).then(|| b.entity_path(&path, src));
        if place.is_some() || (rights_changed && may) {
            let change = AuthorizationChange {
                place: place.as_ref(),
                rights: rights_changed && may,
            };
            authorization(
                line, record, id, &key, view, mapping, input, b, src, msg, change,
            );
        }
    } else if !path.is_empty() {
        let service = path.join(" > ");
        let root = low(path[0]);
        let move_from = if view.member_of(id, &service) {
            None
        } else {
            view.members.get(&id).and_then(|l| {
                l.iter()
                    .find(|(_, g)| {
                        view.group_name
                            .get(g)
                            .is_some_and(|n| low(n.split(" > ").next().unwrap_or("")) == root)
                    })
                    .map(|(row, _)| *row)
            })
        };
        membership(
            b,
            &key,
            "service",
            &path,
            FieldValue::Id(id),
            move_from,
            src,
        );
    }
    // Missions are added, never removed.
    missions(b, &key, line, mapping, FieldValue::Id(id), src);
}

/// Where an M line's authorization goes and whether its PROFIL/PRIV apply.
struct AuthorizationChange<'p> {
    /// The entities option: the service's entity (the authorization is moved there).
    place: Option<&'p ServiceEntity>,
    /// PROFIL/PRIV change it (the session may).
    rights: bool,
}

/// An M line's authorization: on the session's entity (groups option: only when PROFIL/PRIV
/// change), or moved to the service's entity (entities option), from the one the user has in
/// the session's entity tree; PROFIL/PRIV from the line (or its record) when they change or
/// when the user has none there yet.
#[allow(clippy::too_many_arguments)]
fn authorization(
    line: &Line<'_>,
    record: Option<&Line<'_>>,
    user: u64,
    key: &ObjectKey,
    view: &View<'_>,
    mapping: &DirectoryMapping,
    input: &PlanInput<'_>,
    b: &mut Builder,
    src: &SourceLine,
    msg: &mut dyn FnMut(ApplyProblem),
    change: AuthorizationChange<'_>,
) {
    let scope = match change.place {
        None => vec![input.entity],
        Some(_) => view.entity_subtree(input.entity),
    };
    let rows: Vec<(u64, u64, u64)> = view
        .auths
        .get(&user)
        .into_iter()
        .flatten()
        .filter(|(_, _, e)| scope.contains(e))
        .copied()
        .collect();
    if rows.len() > 1 {
        msg(ApplyProblem::SeveralAuthorizations {
            entity: input.entity,
        });
        return;
    }
    let (entity, entity_id) = match change.place {
        None => (FieldValue::Id(input.entity), Some(input.entity)),
        Some(se) => (
            se.value.clone(),
            match se.value {
                FieldValue::Id(i) => Some(i),
                _ => None,
            },
        ),
    };
    let mut a = match rows.first() {
        // Only moved: profile and recursion as they are.
        Some(row) if !change.rights => {
            if entity_id == Some(row.2) {
                return;
            }
            let mut a = PlannedObject::new(
                ObjectKey::new(GlpiType::ProfileUser, sub_key(key, "profil")),
                GlpiType::ProfileUser.stage() * 100,
            );
            a.fields.insert("users_id".into(), FieldValue::Id(user));
            a.fields.insert("profiles_id".into(), FieldValue::Id(row.1));
            a.fields.insert("entities_id".into(), entity);
            a.sources.push(src.clone());
            a
        }
        _ => {
            let value = |c: &str| match line.get(c) {
                "" => record.map(|r| r.get(c)).unwrap_or(""),
                v => v,
            };
            let (profil, priv_) = (value("PROFIL"), value("PRIV"));
            let name = mapping.profils.get(profil).cloned().unwrap_or_default();
            let Some(profile) = view.profile_id(&name) else {
                msg(ApplyProblem::UnknownProfile {
                    profil: profil.into(),
                    name,
                });
                return;
            };
            if !input.rights.may_give(profile) {
                msg(ApplyProblem::RightsNotChanged {
                    fields: "PROFIL/PRIV".into(),
                });
                return;
            }
            let recursive = mapping.privileges.get(priv_).copied().unwrap_or(false);
            profile_user(
                sub_key(key, "profil"),
                FieldValue::Id(user),
                profile,
                entity,
                recursive,
                src,
            )
        }
    };
    if let Some(row) = rows.first() {
        a.lookup.insert("id".into(), FieldValue::Id(row.0));
    }
    b.push(a);
}

/// Each object's decision against the target, in rank order (ids of matched objects known to
/// the ones after them).
fn decide_all(objects: &mut [PlannedObject], target: &DirectoryTarget, options: &PlanOptions) {
    let mut indexes: HashMap<GlpiType, TargetIndex> = HashMap::new();
    let mut ids = IdMap::new();
    for o in objects.iter_mut() {
        let t = o.key.itemtype;
        let keys = options.keys_for(t);
        let index = indexes
            .entry(t)
            .or_insert_with(|| TargetIndex::new(target.of(t).to_vec(), &keys));
        o.decision = decide(o, &keys, index, &ids, ReconcileRules::default());
        if let Some(id) = o.decision.existing_id() {
            ids.insert(o.key.clone(), id);
        }
        if let Decision::Conflict { .. } = o.decision {
            o.warnings
                .push("plusieurs éléments de la cible correspondent".into());
        }
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(ApplyProblem, tag = "code", content = "values" {
    "not_found" => NotFound { mode, cle, login },
    "key_login_mismatch" => KeyLoginMismatch { mode, cle, cle_login, login },
    "not_found_by_name" => NotFoundByName { nom, prenom, serv },
    "ambiguous" => Ambiguous { nom, prenom, serv, logins },
    "in_trash" => InTrash { login },
    "out_of_scope" => OutOfScope { login, serv },
    "login_taken" => LoginTaken { given, login },
    "no_login" => NoLogin,
    "unknown_profile" => UnknownProfile { profil, name },
    "rights_not_changed" => RightsNotChanged { fields },
    "several_authorizations" => SeveralAuthorizations { entity },
    "mail_kept" => MailKept,
    "mail_already_there" => MailAlreadyThere { mail },
    "no_location" => NoLocation { address },
    "run" => Run { object, message },
    "password" => Password { login, message },
});

crate::wire::read_tagged!(LineAction, tag = "action" {
    "create" => Create { login },
    "already_created" => AlreadyCreated { login },
    "modify" => Modify { login },
    "trash" => Trash { login },
    "already_trashed" => AlreadyTrashed { login },
    "rejected" => Rejected,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_messages_render_in_both_languages() {
        use crate::diagnostic::Lang;
        let p = ApplyProblem::LoginTaken {
            given: "celine.joseph".into(),
            login: "celine.joseph3".into(),
        };
        assert_eq!(p.render(Lang::Fr), p.to_string());
        assert_eq!(
            p.render(Lang::En),
            "mode C: LOGIN \"celine.joseph\" is already taken in GLPI; computed login: \"celine.joseph3\""
        );
        assert!(ApplyProblem::MailKept
            .render(Lang::En)
            .contains("addresses are kept"));
    }

    /// The plan asks GLPI's rule ([`super::super::rights`]) for each M line: with an Admin
    /// session, a Super-Admin user's VALIDE is left with a warning and its phone changes; a
    /// Technician's VALIDE changes.
    #[test]
    fn m_lines_change_valide_only_when_the_session_outranks_the_user() {
        use crate::directory::rights::{ProfileRights, RightsRule, SessionProfile};
        let refs = References::from_exports(
            b"PROFIL\tLIBELLE\r\n1\tU\r\n2\tC\r\n3\tS\r\n4\tA\r\n",
            b"PRIV\tLIBELLE\r\n0\tU\r\n1\tG\r\n2\tX\r\n",
            b"SERV_NIV1\tSERV_NIV2\tSERV_NIV3\r\nPref\t\t\r\n",
            b"MODE\tCLE\tPROFIL\tPRIV\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\r\n\t10\t4\t2\tBoss\tAl\tal.boss\tPref\r\n\t11\t2\t0\tTech\tBo\tbo.tech\tPref\r\n",
        )
        .unwrap();
        let file = b"MODE\tCLE\tPROFIL\tPRIV\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\tTEL_FIXE\tVALIDE\r\nM\t10\t4\t2\tBoss\tAl\tal.boss\tPref\t01\t0\r\nM\t11\t2\t0\tTech\tBo\tbo.tech\tPref\t02\t0\r\n";
        let importer = Importer {
            serv_niv1: "Pref".into(),
        };
        let report = super::super::validate("f.tsv", file, &refs, &importer);
        let obj = |v: serde_json::Value| v.as_object().unwrap().clone();
        let mut target = DirectoryTarget::default();
        target.items.insert(
            GlpiType::User,
            vec![
                obj(serde_json::json!({"id": 7, "name": "al.boss", "realname": "Boss", "firstname": "Al", "is_active": 1, "entities_id": 1})),
                obj(serde_json::json!({"id": 9, "name": "bo.tech", "realname": "Tech", "firstname": "Bo", "is_active": 1, "entities_id": 1})),
            ],
        );
        target.items.insert(
            GlpiType::ProfileUser,
            vec![
                obj(
                    serde_json::json!({"id": 1, "users_id": 7, "profiles_id": 4, "entities_id": 1}),
                ),
                obj(
                    serde_json::json!({"id": 2, "users_id": 9, "profiles_id": 6, "entities_id": 1}),
                ),
            ],
        );
        target.items.insert(
            GlpiType::Entity,
            vec![obj(
                serde_json::json!({"id": 1, "name": "Pref", "completename": "Root > Pref"}),
            )],
        );
        let profile = |rights: &[(&str, u64)]| ProfileRights {
            interface: "central".into(),
            rights: rights.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        };
        let profiles: BTreeMap<u64, ProfileRights> = [
            (3, profile(&[("profile", 1), ("user", 7199)])),
            (4, profile(&[("profile", 23), ("user", 7327)])),
            (6, profile(&[("profile", 0), ("user", 1055)])),
        ]
        .into_iter()
        .collect();
        let admin = SessionProfile {
            interface: "central".into(),
            rights: profiles[&3].rights.clone(),
        };
        let rule = RightsRule::new(&admin, &profiles);
        let plan = plan_directory(
            &PlanInput {
                file: "f.tsv",
                bytes: file,
                report: &report,
                refs: &refs,
                reference_export: b"MODE\tCLE\tPROFIL\tPRIV\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\r\n\t10\t4\t2\tBoss\tAl\tal.boss\tPref\r\n\t11\t2\t0\tTech\tBo\tbo.tech\tPref\r\n",
                importer: &importer,
                entity: 1,
                rights: &rule,
            },
            &target,
            &DirectoryMapping::default(),
        );
        let user = |login: &str| {
            plan.plan
                .objects
                .iter()
                .find(|o| o.key.itemtype == GlpiType::User && o.key.key == login)
                .unwrap()
                .fields
                .clone()
        };
        assert_eq!(
            plan.messages,
            vec![LineMessage {
                line: 2,
                problem: ApplyProblem::RightsNotChanged {
                    fields: "VALIDE".into()
                }
            }]
        );
        assert!(!user("al.boss").contains_key("is_active"));
        assert_eq!(user("al.boss")["phone"], FieldValue::Text("01".into()));
        assert_eq!(user("bo.tech")["is_active"], FieldValue::Number(0));
    }

    #[test]
    fn logins_are_computed_without_accents() {
        assert_eq!(computed_login("Anthony", "Désiré"), "anthony.desire");
        assert_eq!(computed_login("Éric", "Caïus"), "eric.caius");
        assert_eq!(computed_login("Anne Marie", "D'Abreu"), "anne-marie.dabreu");
        assert_eq!(computed_login("", "X"), "");
    }

    #[test]
    fn the_template_round_trips_and_must_cover_the_references() {
        let m = DirectoryMapping::default();
        let refs = References::from_exports(
            b"PROFIL\tLIBELLE\r\n1\tU\r\n2\tC\r\n",
            b"PRIV\tLIBELLE\r\n0\tU\r\n",
            b"SERV_NIV1\tSERV_NIV2\tSERV_NIV3\r\nP\t\t\r\n",
            b"MODE\tCLE\tPROFIL\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\r\n",
        )
        .unwrap();
        assert_eq!(
            DirectoryMapping::from_template(&m.to_template(), &refs).unwrap(),
            m
        );
        let mut partial = m.clone();
        partial.profils.remove("2");
        assert_eq!(
            DirectoryMapping::from_template(&partial.to_template(), &refs),
            Err(MappingError::Missing {
                column: "PROFIL",
                value: "2".into()
            })
        );
    }
}
