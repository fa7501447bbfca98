//! The objects a migration plans: what is created or updated, from which source lines, with
//! which field values (literal, an existing target id, or another planned object).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::diagnostic::{DiagnosticKind, Lang};
use crate::glpi::GlpiType;

/// The identity of a planned object: its GLPI type and a readable key (`serial:ABC`, a login,
/// a complete name). Stable across runs, so the journal can find it again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectKey {
    /// GLPI itemtype.
    pub itemtype: GlpiType,
    /// Readable key, unique within the type.
    pub key: String,
}

impl ObjectKey {
    /// A key.
    pub fn new(itemtype: GlpiType, key: impl Into<String>) -> Self {
        ObjectKey {
            itemtype,
            key: key.into(),
        }
    }
}

impl ObjectKey {
    /// `Computer « PC-1 »` in French, `Computer "PC-1"` in English.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => format!("{} « {} »", self.itemtype, self.key),
            Lang::En => format!("{} \"{}\"", self.itemtype, self.key),
        }
    }
}

impl fmt::Display for ObjectKey {
    /// In French.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Fr))
    }
}

/// A field value in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum FieldValue {
    /// Text, already normalised (dates in GLPI's format, decimals with a point).
    Text(String),
    /// A number.
    Number(i64),
    /// An item that already exists on the target.
    Id(u64),
    /// An object of this plan, whose id is known once it is created or matched.
    Ref(ObjectKey),
    /// Several texts (a user's e-mails).
    Texts(Vec<String>),
    /// Several values sent as one JSON list (a ticket's requesters, given in its POST).
    List(Vec<FieldValue>),
    /// Children created with their item, sent as GLPI's forms send new ones: an object keyed
    /// `-1`, `-2`… (a non-negative key would update the child of that id instead).
    NewChildren(Vec<String>),
    /// A document's file, uploaded with it: sent as GLPI's upload manifest names it
    /// (`_filename: [name]`), its bytes in the request's file part.
    File(DocumentFile),
    /// Children of an existing item, keyed as GLPI's forms key them: an existing child's id
    /// sets its value (an empty value deletes it), a negative key adds one (a port's addresses
    /// put back to the source's).
    Children(Vec<(i64, String)>),
}

/// A file to upload as a GLPI document: its name, MIME type and bytes (base64 in JSON, so
/// that a plan or a read stays text).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFile {
    /// The file's name.
    pub filename: String,
    /// Its MIME type.
    pub mime: String,
    /// Its bytes.
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
}

impl fmt::Debug for DocumentFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentFile")
            .field("filename", &self.filename)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl DocumentFile {
    /// The sha1 of its bytes, in lower-case hex as GLPI stores `sha1sum`.
    pub fn sha1(&self) -> String {
        sha1_smol::Sha1::from(&self.bytes).digest().to_string()
    }
}

/// Bytes as base64 text.
pub mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the bytes as base64.
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// Reads base64 back.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

/// Ids of planned objects on the target, known from matching and from creations.
pub type IdMap = HashMap<ObjectKey, u64>;

impl FieldValue {
    /// The JSON sent to GLPI, or the object it waits for.
    pub fn to_json(&self, ids: &IdMap) -> Result<Value, ObjectKey> {
        Ok(match self {
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Number(n) => Value::from(*n),
            FieldValue::Id(id) => Value::from(*id),
            FieldValue::Ref(k) => Value::from(*ids.get(k).ok_or_else(|| k.clone())?),
            FieldValue::Texts(list) => Value::from(list.clone()),
            FieldValue::NewChildren(list) => Value::Object(
                list.iter()
                    .enumerate()
                    .map(|(i, v)| (format!("-{}", i + 1), Value::String(v.clone())))
                    .collect(),
            ),
            FieldValue::Children(list) => Value::Object(
                list.iter()
                    .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                    .collect(),
            ),
            FieldValue::List(list) => Value::Array(
                list.iter()
                    .map(|v| v.to_json(ids))
                    .collect::<Result<_, _>>()?,
            ),
            FieldValue::File(file) => Value::from(vec![file.filename.clone()]),
        })
    }

    /// The JSON for a preview, with a placeholder for objects not created yet.
    pub fn preview(&self, ids: &IdMap) -> Value {
        self.to_json(ids)
            .unwrap_or_else(|k| Value::String(format!("{{{{{}:{}}}}}", k.itemtype, k.key)))
    }
}

/// A line of a source file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceLine {
    /// File name.
    pub file: String,
    /// 1-based physical line.
    pub line: usize,
}

impl SourceLine {
    /// Where it is, as a message shows it: `ligne 17` / `line 17` in a file; `id 17` in a table
    /// read from the local GLPI, whose "line" is the object's id there
    /// ([`crate::migrate::source`]).
    pub fn place(&self, lang: crate::diagnostic::Lang) -> String {
        place(&self.file, self.line as u64, lang)
    }
}

/// [`SourceLine::place`] of a file and line (diagnostics carry them apart).
pub fn place(file: &str, line: u64, lang: crate::diagnostic::Lang) -> String {
    if file.starts_with(crate::migrate::source::TABLE_PREFIX) {
        format!("id {line}")
    } else {
        match lang {
            crate::diagnostic::Lang::Fr => format!("ligne {line}"),
            crate::diagnostic::Lang::En => format!("line {line}"),
        }
    }
}

/// What the plan does with an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum Decision {
    /// Not on the target: created.
    Create,
    /// On the target with different values: only the differing fields are sent.
    Update {
        /// Target id.
        id: u64,
        /// Fields to change.
        changes: BTreeMap<String, FieldValue>,
        /// Their values on the target before the change (for undo).
        before: Map<String, Value>,
    },
    /// Already on the target with the same values.
    Skip {
        /// Target id.
        id: u64,
    },
    /// Several target items match: rejected, never guessed.
    Conflict {
        /// The matching ids.
        ids: Vec<u64>,
    },
    /// Cannot be migrated (blocking problem in the source, missing reference…).
    Rejected {
        /// Why, typed.
        rejection: Rejection,
    },
}

/// Why the plan rejects an object: typed, its code and its text in French or English rendered
/// from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rejection {
    /// The check found an error on the source line (its diagnostic's code is the code).
    Check {
        /// What the check found.
        diagnostic: DiagnosticKind,
    },
    /// A relation whose other end cannot be found (`migrate.reference_missing`).
    ReferenceMissing {
        /// What the plan says of the missing value (French: the plan's warnings are not typed
        /// yet).
        detail: String,
    },
    /// An object it depends on is rejected (`migrate.dependency_rejected`).
    DependencyRejected {
        /// That object.
        object: ObjectKey,
    },
    /// No reconciliation key is filled (`migrate.no_key`).
    NoKey {
        /// The key alternatives, each a list of fields, in order.
        keys: Vec<Vec<String>>,
    },
    /// A source row with neither serial nor name (nor login, nor complete name): nothing to
    /// reconcile it by (`migrate.no_key`).
    RowWithoutKey,
    /// Another row of the files has the same key: only the first is migrated
    /// (`migrate.duplicate`).
    SameKeyAs {
        /// The key.
        key: String,
        /// The line of the first row.
        first_line: usize,
    },
    /// The same value was given earlier in the file (`migrate.duplicate`).
    GivenAbove {
        /// The value.
        key: String,
    },
    /// A connections file names a type that is not a monitor, peripheral, printer or phone
    /// (`migrate.companion.bad_type`).
    CompanionBadType {
        /// The type as written.
        found: String,
    },
    /// A connection without its computer or its item (`migrate.companion.missing`).
    ConnectionIncomplete,
    /// An installation without its computer, software or version (`migrate.companion.missing`).
    InstallationIncomplete,
    /// A timeline row names a ticket that no ticket file holds
    /// (`migrate.companion.ticket_unknown`).
    TimelineTicketUnknown {
        /// The ticket's source id as written.
        ticket: String,
    },
    /// A companion file's cell cannot be read: a timeline's date, a budget's amount, a
    /// contract's duration, a port's speed… (`migrate.companion.bad_value`). Its JSON tag keeps
    /// the name it had when only timelines used it, so that written journals still read.
    #[serde(rename = "timeline_bad_value")]
    CompanionBadValue {
        /// The column, as the file's header row names it.
        column: String,
        /// The value as written.
        value: String,
    },
}

impl Rejection {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Check { diagnostic } => diagnostic.code(),
            Rejection::ReferenceMissing { .. } => "migrate.reference_missing",
            Rejection::DependencyRejected { .. } => "migrate.dependency_rejected",
            Rejection::NoKey { .. } | Rejection::RowWithoutKey => "migrate.no_key",
            Rejection::SameKeyAs { .. } | Rejection::GivenAbove { .. } => "migrate.duplicate",
            Rejection::CompanionBadType { .. } => "migrate.companion.bad_type",
            Rejection::ConnectionIncomplete | Rejection::InstallationIncomplete => {
                "migrate.companion.missing"
            }
            Rejection::TimelineTicketUnknown { .. } => "migrate.companion.ticket_unknown",
            Rejection::CompanionBadValue { .. } => "migrate.companion.bad_value",
        }
    }

    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Rejection::Check { diagnostic }, Lang::Fr) => format!(
                "ligne rejetée à la vérification : {}",
                diagnostic.render(lang)
            ),
            (Rejection::Check { diagnostic }, Lang::En) => {
                format!("line rejected by the check: {}", diagnostic.render(lang))
            }
            (Rejection::ReferenceMissing { detail }, _) => detail.clone(),
            (Rejection::DependencyRejected { object }, Lang::Fr) => {
                format!("dépend de {object}, qui est rejeté")
            }
            (Rejection::DependencyRejected { object }, Lang::En) => {
                format!("depends on {}, which is rejected", object.render(lang))
            }
            (Rejection::NoKey { keys }, Lang::Fr) => format!(
                "aucune clé de rapprochement renseignée ({}) : la ligne ne peut pas être migrée sans risque de doublon",
                keys.iter()
                    .map(|k| k.join("+"))
                    .collect::<Vec<_>>()
                    .join(", puis ")
            ),
            (Rejection::NoKey { keys }, Lang::En) => format!(
                "no reconciliation key filled ({}): the row cannot be migrated without risking a duplicate",
                keys.iter()
                    .map(|k| k.join("+"))
                    .collect::<Vec<_>>()
                    .join(", then ")
            ),
            (Rejection::RowWithoutKey, Lang::Fr) => "ni numéro de série ni nom (ni identifiant, ni nom complet) : la ligne ne peut pas être rapprochée de la cible".into(),
            (Rejection::RowWithoutKey, Lang::En) => "neither serial nor name (nor login, nor complete name): the row cannot be reconciled with the target".into(),
            (Rejection::SameKeyAs { key, first_line }, Lang::Fr) => format!(
                "même clé « {key} » que la ligne {first_line} : seule la première est migrée"
            ),
            (Rejection::SameKeyAs { key, first_line }, Lang::En) => format!(
                "same key \"{key}\" as line {first_line}: only the first is migrated"
            ),
            (Rejection::GivenAbove { key }, Lang::Fr) => {
                format!("« {key} » déjà donné plus haut dans ce fichier")
            }
            (Rejection::GivenAbove { key }, Lang::En) => {
                format!("\"{key}\" already given above in this file")
            }
            (Rejection::CompanionBadType { found }, Lang::Fr) => format!(
                "type « {found} » inconnu : attendu Moniteur, Périphérique, Imprimante ou Téléphone"
            ),
            (Rejection::CompanionBadType { found }, Lang::En) => format!(
                "unknown type \"{found}\": expected Moniteur, Périphérique, Imprimante or Téléphone"
            ),
            (Rejection::ConnectionIncomplete, Lang::Fr) => {
                "ordinateur et élément sont obligatoires".into()
            }
            (Rejection::ConnectionIncomplete, Lang::En) => {
                "computer and item are required".into()
            }
            (Rejection::InstallationIncomplete, Lang::Fr) => {
                "ordinateur, logiciel et version sont obligatoires".into()
            }
            (Rejection::InstallationIncomplete, Lang::En) => {
                "computer, software and version are required".into()
            }
            (Rejection::TimelineTicketUnknown { ticket }, Lang::Fr) => format!(
                "aucun ticket d'ID « {ticket} » dans les exports de tickets donnés : l'entrée ne peut être rattachée à rien"
            ),
            (Rejection::TimelineTicketUnknown { ticket }, Lang::En) => format!(
                "no ticket with ID \"{ticket}\" in the given ticket exports: the entry belongs to nothing"
            ),
            (Rejection::CompanionBadValue { column, value }, Lang::Fr) => {
                format!("colonne {column} : valeur « {value} » illisible")
            }
            (Rejection::CompanionBadValue { column, value }, Lang::En) => {
                format!("column {column}: unreadable value \"{value}\"")
            }
        }
    }
}

/// The decision kinds, for counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Created.
    Create,
    /// Updated.
    Update,
    /// Skipped as already present.
    Skip,
    /// Conflict.
    Conflict,
    /// Rejected.
    Rejected,
}

impl Decision {
    /// The kind.
    pub fn kind(&self) -> DecisionKind {
        match self {
            Decision::Create => DecisionKind::Create,
            Decision::Update { .. } => DecisionKind::Update,
            Decision::Skip { .. } => DecisionKind::Skip,
            Decision::Conflict { .. } => DecisionKind::Conflict,
            Decision::Rejected { .. } => DecisionKind::Rejected,
        }
    }

    /// The target id when the object is already there.
    pub fn existing_id(&self) -> Option<u64> {
        match self {
            Decision::Update { id, .. } | Decision::Skip { id } => Some(*id),
            _ => None,
        }
    }
}

impl DecisionKind {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            DecisionKind::Create => "à créer",
            DecisionKind::Update => "à mettre à jour",
            DecisionKind::Skip => "déjà présent",
            DecisionKind::Conflict => "conflit",
            DecisionKind::Rejected => "rejeté",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            DecisionKind::Create => "to create",
            DecisionKind::Update => "to update",
            DecisionKind::Skip => "already present",
            DecisionKind::Conflict => "conflict",
            DecisionKind::Rejected => "rejected",
        }
    }
}

/// One object of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedObject {
    /// Identity.
    pub key: ObjectKey,
    /// Creation order: dependency stage × 100 + depth in a tree.
    pub rank: u32,
    /// Fields sent on creation.
    pub fields: BTreeMap<String, FieldValue>,
    /// Fields used only to find the object on the target (`completename`).
    pub lookup: BTreeMap<String, FieldValue>,
    /// Source lines it comes from (for implied dropdown values: the lines that use them).
    pub sources: Vec<SourceLine>,
    /// Created because rows refer to it, not from a row of its own.
    pub implied: bool,
    /// What happens to it.
    pub decision: Decision,
    /// Warnings (values left empty…), in French.
    pub warnings: Vec<String>,
}

impl PlannedObject {
    /// A new object to be decided.
    pub fn new(key: ObjectKey, rank: u32) -> Self {
        PlannedObject {
            key,
            rank,
            fields: BTreeMap::new(),
            lookup: BTreeMap::new(),
            sources: Vec::new(),
            implied: false,
            decision: Decision::Create,
            warnings: Vec::new(),
        }
    }

    /// The object this one is a later step of, when it is one: its `id` refers to another
    /// planned object (a ticket's status and closing dates, sent once its timeline is in).
    pub fn step_of(&self) -> Option<&ObjectKey> {
        match self.fields.get("id") {
            Some(FieldValue::Ref(owner)) if *owner != self.key => Some(owner),
            _ => None,
        }
    }

    /// A field value, looking at lookup-only fields first.
    pub fn value(&self, field: &str) -> Option<&FieldValue> {
        self.lookup.get(field).or_else(|| self.fields.get(field))
    }

    /// The creation payload, or the object it still waits for.
    pub fn payload(&self, ids: &IdMap) -> Result<Map<String, Value>, ObjectKey> {
        let mut m = Map::new();
        for (k, v) in &self.fields {
            m.insert(k.clone(), v.to_json(ids)?);
        }
        Ok(m)
    }

    /// Objects this one points to.
    pub fn dependencies(&self) -> impl Iterator<Item = &ObjectKey> {
        self.fields.values().flat_map(|v| match v {
            FieldValue::Ref(k) => vec![k],
            FieldValue::List(list) => list
                .iter()
                .filter_map(|v| match v {
                    FieldValue::Ref(k) => Some(k),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(Decision, tag = "decision" {
    "create" => Create,
    "update" => Update { id, changes, before },
    "skip" => Skip { id },
    "conflict" => Conflict { ids },
    "rejected" => Rejected { rejection },
});

crate::wire::read_tagged!(Rejection, tag = "kind" {
    "check" => Check { diagnostic },
    "reference_missing" => ReferenceMissing { detail },
    "dependency_rejected" => DependencyRejected { object },
    "no_key" => NoKey { keys },
    "row_without_key" => RowWithoutKey,
    "same_key_as" => SameKeyAs { key, first_line },
    "given_above" => GivenAbove { key },
    "companion_bad_type" => CompanionBadType { found },
    "connection_incomplete" => ConnectionIncomplete,
    "installation_incomplete" => InstallationIncomplete,
    "timeline_ticket_unknown" => TimelineTicketUnknown { ticket },
    "timeline_bad_value" => CompanionBadValue { column, value },
});

crate::wire::read_tagged!(FieldValue, tag = "kind", content = "value" {
    "text" => Text(_),
    "number" => Number(_),
    "id" => Id(_),
    "ref" => Ref(_),
    "texts" => Texts(_),
    "list" => List(_),
    "new_children" => NewChildren(_),
    "file" => File(_),
    "children" => Children(_),
});
