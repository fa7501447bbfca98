//! Reading the local GLPI through its REST API (issue 16): what it holds becomes the same
//! checked tables and companion tables the files give ([`Prepared`]), so the plan, dry-run,
//! journal, resume, undo and verification serve both sources unchanged.
//!
//! Each item type read is one table (`GLPI local — Computer`) whose columns are GLPI field
//! names the catalog knows, mapped explicitly; each record's line number is the object's id in
//! the local GLPI, so journal entries and diagnostics point at `GLPI local — Computer, id 17`.
//! Relations (connections, installations, ticket timelines) become the companion tables. Values
//! are written as the files' pipeline reads them: dropdowns by name, trees by complete name,
//! users by login, dates `YYYY-MM-DD`.
//!
//! Reads are GET only, page by page ([`GlpiClient::read_page`]); [`SourceRead`] keeps what was
//! read, so an interrupted read continues from the next page not yet read; [`kept`] stores it as
//! it goes, appending only what is new.
//!
//! One family per submodule, one owner each: [`assets`], [`software`], [`people`], [`tickets`],
//! [`network`], [`contracts`] (suppliers, contracts and their links, suppliers on tickets),
//! [`documents`] (whose files are downloaded once the collections are read).

pub mod assets;
pub mod census;
pub mod contracts;
pub mod documents;
pub mod kept;
pub mod network;
pub mod people;
pub mod software;
pub mod tickets;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use super::api::Transport;
use super::client::{CallError, GlpiClient};
use super::companion::CompanionKind;
use super::inputs::Prepared;
use crate::detect::ItemType;
use crate::diagnostic::Lang;
use crate::glpi::{decode_entities, GlpiType};
use crate::map::{ColumnMapping, Mapping, MatchMethod};
use crate::read::Table;
use crate::validate::{validate_files, FileInput};
pub use census::{Census, NotMigrated};

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOptions {
    /// The source entity (`None`: the session's active entity).
    pub entity: Option<u64>,
    /// Whether its sub-entities are read too.
    pub recursive: bool,
    /// Rows per page.
    pub page_size: usize,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            entity: None,
            recursive: true,
            page_size: 1000,
        }
    }
}

/// Where a read is: told after each page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceProgress {
    /// The type being read.
    pub itemtype: GlpiType,
    /// Rows of it read so far.
    pub read: usize,
    /// Rows GLPI says it holds, when known.
    pub total: Option<usize>,
}

/// Why reading the local GLPI stopped. What was read so far stays in the [`SourceRead`].
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SourceError {
    /// The session could not be opened.
    #[error("GLPI local : connexion : {0}")]
    Login(CallError),
    /// The source entity could not be chosen.
    #[error("GLPI local : entité {id} : {error}")]
    Entity {
        /// The entity asked for.
        id: u64,
        /// GLPI's answer.
        error: CallError,
    },
    /// A read failed (after the client's retries).
    #[error("GLPI local : lecture de {itemtype} : {error}")]
    Read {
        /// The type being read.
        itemtype: GlpiType,
        /// The call's error.
        error: CallError,
    },
    /// Counting what the migration does not carry failed (after the client's retries).
    #[error("GLPI local : décompte de {} : {error}", kind.label(Lang::Fr))]
    Census {
        /// The kind being counted.
        kind: NotMigrated,
        /// The call's error.
        error: CallError,
    },
}

impl SourceError {
    /// The message in the given language (French: its `Display`).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.to_string(),
            Lang::En => match self {
                SourceError::Login(e) => format!("local GLPI: login: {}", e.render(lang)),
                SourceError::Entity { id, error } => {
                    format!("local GLPI: entity {id}: {}", error.render(lang))
                }
                SourceError::Read { itemtype, error } => {
                    format!("local GLPI: reading {itemtype}: {}", error.render(lang))
                }
                SourceError::Census { kind, error } => {
                    format!(
                        "local GLPI: counting {}: {}",
                        kind.label(lang),
                        error.render(lang)
                    )
                }
            },
        }
    }
}

/// One collection read page by page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PagedRead {
    /// The rows read so far, in id order.
    pub rows: Vec<Map<String, Value>>,
    /// The first row of the next page to read.
    pub next: usize,
    /// The total GLPI gave.
    pub total: Option<usize>,
    /// Whether every page is read.
    pub done: bool,
}

/// A collection the reader reads: a type, with its dropdowns given by name or as ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The type.
    pub itemtype: GlpiType,
    /// `expand_dropdowns=true`: every foreign key given as GLPI shows it (a dropdown's name, a
    /// tree's complete name); otherwise ids, for users (shown by display name, not login) and
    /// relations (their `items_id` would be expanded too).
    pub expand: bool,
}

impl Endpoint {
    /// Its key in [`SourceRead::reads`].
    pub fn key(self) -> String {
        if self.expand {
            format!("{}+names", self.itemtype.name())
        } else {
            self.itemtype.name().to_string()
        }
    }

    /// The query of its pages (besides the range).
    fn query(self) -> String {
        let mut q = String::from("get_hateoas=false&sort=id&order=ASC");
        if self.expand {
            q.push_str("&expand_dropdowns=true");
        }
        q
    }
}

/// Why something read is not carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SkipReason {
    /// In GLPI's trash.
    Deleted,
    /// A template, not an object.
    Template,
    /// In an entity outside the one read (and its sub-entities).
    OutsideEntity,
    /// A relation to an object not read (outside the entity, or of a type not migrated).
    OutsideRead,
    /// A ticket actor that is no user or group read (a requester known by e-mail only).
    ActorNotRead,
    /// An item linked to a ticket that is not an asset (software, contract…).
    NotAnAsset,
    /// A ticket's time to own or to resolve, which the plan has no field for.
    TicketDelays,
    /// A solution's approver who was not read (outside the read entities): the approval date is
    /// carried, the approver left empty.
    SolutionApproval,
    /// A document with no file (a link to a web page), or whose file is not downloaded yet.
    NoFile,
    /// A row whose `id`, or the id of the object it links, is no number: GLPI always sends
    /// them, so the answer is damaged (a plugin, a proxy in between); counted so that nothing
    /// read disappears unsaid.
    NoId,
    /// A row read as ids but not with names (the two reads of its type are a few seconds
    /// apart): created or purged in the local GLPI meanwhile; the next read takes it.
    ChangedDuringRead,
    /// A second operating system (or financial record) of one asset: GLPI lets an asset hold
    /// several operating systems, the asset tables carry one, the first read.
    SecondForItsAsset,
}

impl SkipReason {
    /// The reason in the given language.
    pub fn render(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SkipReason::Deleted, Lang::Fr) => "dans la corbeille",
            (SkipReason::Deleted, Lang::En) => "in the trash",
            (SkipReason::Template, Lang::Fr) => "gabarit",
            (SkipReason::Template, Lang::En) => "template",
            (SkipReason::OutsideEntity, Lang::Fr) => "dans une autre entité",
            (SkipReason::OutsideEntity, Lang::En) => "in another entity",
            (SkipReason::OutsideRead, Lang::Fr) => {
                "lié à un objet non lu (hors de l'entité ou d'un type non migré)"
            }
            (SkipReason::OutsideRead, Lang::En) => {
                "linked to an object not read (outside the entity or of a type not migrated)"
            }
            (SkipReason::ActorNotRead, Lang::Fr) => {
                "acteur sans compte utilisateur ni groupe lu (demandeur connu par son seul courriel)"
            }
            (SkipReason::ActorNotRead, Lang::En) => {
                "actor with no user account or group read (requester known by e-mail only)"
            }
            (SkipReason::NotAnAsset, Lang::Fr) => {
                "élément lié qui n'est pas un matériel (logiciel, contrat…) : non repris"
            }
            (SkipReason::NotAnAsset, Lang::En) => {
                "linked item that is not an asset (software, contract…): not carried"
            }
            (SkipReason::TicketDelays, Lang::Fr) => {
                "temps de prise en charge / de résolution non repris"
            }
            (SkipReason::TicketDelays, Lang::En) => {
                "time to own / to resolve not carried"
            }
            (SkipReason::SolutionApproval, Lang::Fr) => {
                "approbateur de la solution non lu (hors des entités lues) : non repris, la date d'approbation l'est"
            }
            (SkipReason::SolutionApproval, Lang::En) => {
                "solution approver not read (outside the read entities): not carried, the approval date is"
            }
            (SkipReason::NoFile, Lang::Fr) => {
                "document sans fichier (lien web) ou dont le fichier n'est pas encore téléchargé"
            }
            (SkipReason::NoFile, Lang::En) => {
                "document with no file (a web link) or whose file is not downloaded yet"
            }
            (SkipReason::NoId, Lang::Fr) => {
                "ligne sans identifiant lisible (le sien ou celui de l'objet lié) dans la réponse du GLPI local (réponse altérée)"
            }
            (SkipReason::NoId, Lang::En) => {
                "row with no readable id (its own or its linked object's) in the local GLPI's answer (a damaged answer)"
            }
            (SkipReason::ChangedDuringRead, Lang::Fr) => {
                "créé ou supprimé dans le GLPI local pendant la lecture : repris à la prochaine lecture"
            }
            (SkipReason::ChangedDuringRead, Lang::En) => {
                "created or removed in the local GLPI during the read: carried at the next read"
            }
            (SkipReason::SecondForItsAsset, Lang::Fr) => {
                "second pour le même matériel (plusieurs systèmes d'exploitation) : seul le premier est repris"
            }
            (SkipReason::SecondForItsAsset, Lang::En) => {
                "a second one for the same asset (several operating systems): only the first is carried"
            }
        }
    }
}

/// Per type: what was read and what is not carried, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCount {
    /// The type.
    pub itemtype: GlpiType,
    /// Rows read.
    pub read: usize,
    /// Rows not carried, by reason.
    pub not_carried: BTreeMap<SkipReason, usize>,
}

/// What was read of the local GLPI, partial or complete: serializable, so that an interrupted
/// read is continued ([`read_source`] with the same value) instead of started again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRead {
    /// The entity read (`None` until the session's entity is known).
    pub entity: Option<u64>,
    /// Whether its sub-entities are read.
    pub recursive: bool,
    /// Each collection's pages, by [`Endpoint::key`].
    pub reads: BTreeMap<String, PagedRead>,
    /// Whether every collection is read.
    pub complete: bool,
    /// The files of the documents to carry, by document id, as downloaded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<u64, crate::migrate::model::DocumentFile>,
    /// What the local GLPI holds of the kinds the migration does not carry, counted once every
    /// collection is read ([`census`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub census: Vec<(NotMigrated, Census)>,
}

/// Every collection read, in order: people first (assets name their users), then assets,
/// software, ports, tickets, suppliers and contracts (their links join what came before), then
/// documents.
pub fn endpoints() -> Vec<Endpoint> {
    [
        people::ENDPOINTS,
        assets::ENDPOINTS,
        software::ENDPOINTS,
        network::ENDPOINTS,
        tickets::ENDPOINTS,
        contracts::ENDPOINTS,
        documents::ENDPOINTS,
    ]
    .concat()
}

impl SourceRead {
    /// The rows of a collection read (empty when not read).
    pub fn rows(&self, endpoint: Endpoint) -> &[Map<String, Value>] {
        self.reads
            .get(&endpoint.key())
            .map(|r| r.rows.as_slice())
            .unwrap_or(&[])
    }

    /// Whether every collection is read.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The checked tables, companion tables and diagnostics of what was read.
    pub fn prepared(&self) -> Prepared {
        let built = self.build();
        let mut p = Prepared {
            sources: built.sources,
            companions: built.companions,
            documents: built.documents,
            diagnostics: Vec::new(),
        };
        let inputs: Vec<FileInput<'_>> = p
            .sources
            .iter()
            .map(|(table, mapping)| FileInput { table, mapping })
            .collect();
        let (_, diags) = validate_files(&inputs);
        p.diagnostics = diags;
        p
    }

    /// Per type: read, and not carried with the reason.
    pub fn counts(&self) -> Vec<SourceCount> {
        self.build().counts.into_values().collect()
    }

    /// The kinds the migration does not carry that the local GLPI holds (or that could not be
    /// counted), in [`NotMigrated::ALL`]'s order.
    pub fn not_migrated(&self) -> Vec<(NotMigrated, Census)> {
        self.census
            .iter()
            .copied()
            .filter(|(_, c)| c.is_shown())
            .collect()
    }

    fn build(&self) -> Built {
        let ctx = Context::new(self);
        let mut out = Built::default();
        people::build(self, &ctx, &mut out);
        assets::build(self, &ctx, &mut out);
        software::build(self, &ctx, &mut out);
        network::build(self, &ctx, &mut out);
        tickets::build(self, &ctx, &mut out);
        contracts::build(self, &ctx, &mut out);
        documents::build(self, &ctx, &mut out);
        out
    }
}

/// What the families build.
#[derive(Debug, Default)]
pub struct Built {
    /// Tables with their mapping.
    pub sources: Vec<(Table, Mapping)>,
    /// Companion tables.
    pub companions: Vec<(Table, CompanionKind)>,
    /// Documents, with their files and links.
    pub documents: Vec<documents::SourceDocument>,
    /// Per type.
    pub counts: BTreeMap<GlpiType, SourceCount>,
}

impl Built {
    /// Counts `n` rows of `itemtype` read.
    pub fn read(&mut self, itemtype: GlpiType, n: usize) {
        let c = self.count(itemtype);
        c.read += n;
    }

    /// Counts one row of `itemtype` not carried.
    pub fn skip(&mut self, itemtype: GlpiType, reason: SkipReason) {
        *self.count(itemtype).not_carried.entry(reason).or_default() += 1;
    }

    fn count(&mut self, itemtype: GlpiType) -> &mut SourceCount {
        self.counts.entry(itemtype).or_insert_with(|| SourceCount {
            itemtype,
            read: 0,
            not_carried: BTreeMap::new(),
        })
    }

    /// Adds a table of `item_type` whose columns are the given GLPI fields, each mapped to
    /// itself; records are `(source id, cells)`.
    pub fn table(&mut self, item_type: ItemType, fields: &[&str], rows: Vec<(u64, Vec<String>)>) {
        let headers: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let mapping = Mapping {
            item_type,
            columns: headers
                .iter()
                .enumerate()
                .map(|(column, h)| ColumnMapping {
                    column,
                    header: h.clone(),
                    field: Some(h.clone()),
                    confidence: 1.0,
                    method: MatchMethod::Exact,
                })
                .collect(),
            constants: BTreeMap::new(),
            templates: BTreeMap::new(),
        };
        let name = table_name(item_type.glpi_name());
        self.sources
            .push((Table::from_rows(&name, headers, rows), mapping));
    }

    /// Adds a companion table (its French header, rows numbered from 2 like a file's).
    pub fn companion(&mut self, kind: CompanionKind, rows: Vec<Vec<String>>) {
        // Every column the kind has: the timeline's optional ones (source, category, solution
        // type) too.
        let headers: Vec<String> = kind.all_headers().iter().map(|h| h.to_string()).collect();
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 2, r))
            .collect();
        let name = table_name(kind.template_name().trim_end_matches(".csv"));
        self.companions
            .push((Table::from_rows(&name, headers, rows), kind));
    }
}

/// The name of a table read from the local GLPI: `GLPI local — Computer`.
pub fn table_name(what: &str) -> String {
    format!("{TABLE_PREFIX}{what}")
}

/// What every table read from the local GLPI is named after.
pub const TABLE_PREFIX: &str = "GLPI local — ";

/// Lookups the families share: who a user id is (login), which entities are read.
pub struct Context {
    /// User id → login.
    pub logins: HashMap<u64, String>,
    /// The entities read: the chosen one and, when recursive, its sub-entities (ids).
    pub entities: HashSet<u64>,
    /// The same by complete name (what rows read with names give), decoded: GLPI 10 gives an
    /// entity's own `completename` as typed (`A > B`) but an expanded `entities_id` with its
    /// stored entities (`A &#62; B`), as seen on the real 10.0.11.
    pub entity_names: HashSet<String>,
}

impl Context {
    pub(crate) fn new(read: &SourceRead) -> Context {
        let logins = read
            .rows(people::USERS)
            .iter()
            .filter_map(|u| Some((id(u)?, text(u, "name"))))
            .collect();
        let all = read.rows(people::ENTITIES);
        let mut entities: HashSet<u64> = read.entity.into_iter().collect();
        // Sub-entities: those whose parent is in, until none is added.
        let mut grew = read.recursive;
        while grew {
            grew = false;
            for e in all {
                if let (Some(eid), Some(parent)) = (id(e), number(e, "entities_id")) {
                    if eid != parent && entities.contains(&parent) && entities.insert(eid) {
                        grew = true;
                    }
                }
            }
        }
        let entity_names = all
            .iter()
            .filter(|e| id(e).is_some_and(|i| entities.contains(&i)))
            .map(|e| decode_entities(&text(e, "completename")))
            .collect();
        Context {
            logins,
            entities,
            entity_names,
        }
    }

    /// Whether a row read as ids is in the entities read (its `entities_id`).
    pub fn in_scope(&self, row: &Map<String, Value>) -> bool {
        number(row, "entities_id").is_some_and(|e| self.entities.contains(&e))
    }

    /// Whether a row read with names is in the entities read (its `entities_id` complete name).
    pub fn in_scope_named(&self, row: &Map<String, Value>) -> bool {
        self.entity_names
            .contains(&decode_entities(&text(row, "entities_id")))
    }

    /// The login of a user id field (`users_id`…) of a raw row: empty when none or not read.
    pub fn login(&self, row: &Map<String, Value>, field: &str) -> String {
        number(row, field)
            .and_then(|id| self.logins.get(&id).cloned())
            .unwrap_or_default()
    }
}

/// A row's `id`.
pub fn id(row: &Map<String, Value>) -> Option<u64> {
    number(row, "id")
}

/// A numeric field (GLPI sends numbers, sometimes as strings).
pub fn number(row: &Map<String, Value>, field: &str) -> Option<u64> {
    row.get(field).and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    })
}

/// A field as text: strings with GLPI's entities decoded, numbers written out, null empty, and a foreign key
/// at 0 (none: GLPI leaves it unexpanded) empty.
pub fn text(row: &Map<String, Value>, field: &str) -> String {
    let foreign_key = field.ends_with("_id") || field.contains("_id_");
    match row.get(field) {
        Some(v) if foreign_key && (v.as_u64() == Some(0) || v.as_str() == Some("0")) => {
            String::new()
        }
        // GLPI 10 stores `<`, `>`, `&` as entities, and names expanded by the API keep them.
        Some(Value::String(s)) => crate::glpi::stored_text(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => if *b { "1" } else { "0" }.to_string(),
        _ => String::new(),
    }
}

/// A date or date-time field as `YYYY-MM-DD` (empty when none).
pub fn date(row: &Map<String, Value>, field: &str) -> String {
    let t = text(row, field);
    match t.get(..10) {
        Some(d) if !d.starts_with("0000") => d.to_string(),
        _ => String::new(),
    }
}

/// A flag field as the plan reads yes/no: `1` or `0`.
pub fn yes_no(row: &Map<String, Value>, field: &str) -> String {
    if flag(row, field) { "1" } else { "0" }.to_string()
}

/// One object read as ids and with names.
pub type Twin<'a> = (&'a Map<String, Value>, &'a Map<String, Value>);

/// A type read twice, as ids and with names: each row as ids with its row with names (the
/// same `id`), in id order. A row with no named twin (created between the two reads) is left
/// out: it is read on the next migration. With `out`, every row read as ids is counted there:
/// read, and not carried when it has no id ([`SkipReason::NoId`]) or no row with names
/// ([`SkipReason::ChangedDuringRead`]).
pub fn twins<'a>(
    read: &'a SourceRead,
    itemtype: GlpiType,
    mut out: Option<&mut Built>,
) -> Vec<Twin<'a>> {
    let named: HashMap<u64, &Map<String, Value>> = read
        .rows(Endpoint {
            itemtype,
            expand: true,
        })
        .iter()
        .filter_map(|r| Some((id(r)?, r)))
        .collect();
    let raw = read.rows(Endpoint {
        itemtype,
        expand: false,
    });
    if let Some(out) = out.as_deref_mut() {
        out.read(itemtype, raw.len());
    }
    let mut pairs = Vec::with_capacity(raw.len());
    for r in raw {
        let skipped = match id(r).map(|i| named.get(&i)) {
            Some(Some(named)) => {
                pairs.push((r, *named));
                continue;
            }
            Some(None) => SkipReason::ChangedDuringRead,
            None => SkipReason::NoId,
        };
        if let Some(out) = out.as_deref_mut() {
            out.skip(itemtype, skipped);
        }
    }
    pairs
}

/// Whether a flag field (`is_deleted`, `is_template`) is set.
pub fn flag(row: &Map<String, Value>, field: &str) -> bool {
    number(row, field).unwrap_or(0) != 0
}

/// Reads the local GLPI's chosen entity (and its sub-entities) into `read`, page by page,
/// continuing what `read` already holds when it is the read of the same entity. GET only: the
/// proxy lets nothing else reach the local GLPI, and GLPI's `changeActiveEntities` cannot be
/// recursive over GET (its `is_recursive` must be a JSON boolean), so the session keeps the
/// entities GLPI opens it with (the user's) and what lies outside the chosen entity's subtree
/// is left out when the tables are built ([`Context::in_scope`]). `progress` is told after each
/// page.
pub async fn read_source(
    client: &GlpiClient<'_>,
    options: &SourceOptions,
    read: &mut SourceRead,
    progress: &mut dyn FnMut(SourceProgress),
) -> Result<(), SourceError> {
    read_source_keeping(client, options, read, progress, &mut |_| {}).await
}

/// How often, at most, [`read_source_keeping`] hands out what was read within a collection
/// (milliseconds); always at each collection's end.
pub const KEEP_EVERY_MS: f64 = 2000.0;

/// [`read_source`], handing what was read so far to `keep` at each collection's end and every
/// [`KEEP_EVERY_MS`] within one, so that a process killed in the middle of the read (no error
/// returned, nothing saved then) continues from what `keep` stored.
pub async fn read_source_keeping(
    client: &GlpiClient<'_>,
    options: &SourceOptions,
    read: &mut SourceRead,
    progress: &mut dyn FnMut(SourceProgress),
    keep: &mut dyn FnMut(&SourceRead),
) -> Result<(), SourceError> {
    let entity = match options.entity {
        Some(id) => id,
        None => {
            let session = client.full_session().await.map_err(SourceError::Login)?;
            number(
                session.as_object().unwrap_or(&Map::new()),
                "glpiactive_entity",
            )
            .unwrap_or(0)
        }
    };
    if read.entity != Some(entity) || read.recursive != options.recursive {
        // Another entity's read: nothing of it applies.
        *read = SourceRead {
            entity: Some(entity),
            recursive: options.recursive,
            ..SourceRead::default()
        };
    }
    let size = options.page_size.max(1);
    let mut kept_at = client.transport().now_ms();
    for endpoint in endpoints() {
        let key = endpoint.key();
        if read.reads.get(&key).is_some_and(|r| r.done) {
            continue;
        }
        loop {
            let state = read.reads.entry(key.clone()).or_default();
            let page = client
                .read_page(
                    endpoint.itemtype.name(),
                    &endpoint.query(),
                    state.next,
                    size,
                )
                .await
                .map_err(|error| SourceError::Read {
                    itemtype: endpoint.itemtype,
                    error,
                })?;
            let n = page.rows.len();
            state.rows.extend(page.rows);
            state.next += size;
            state.total = page.total.or(state.total);
            state.done = n < size || state.next >= state.total.unwrap_or(0);
            progress(SourceProgress {
                itemtype: endpoint.itemtype,
                read: state.rows.len(),
                total: state.total,
            });
            let done = state.done;
            let now = client.transport().now_ms();
            if done || now - kept_at >= KEEP_EVERY_MS {
                keep(read);
                kept_at = now;
            }
            if done {
                break;
            }
        }
    }
    documents::download(client, read, progress, keep).await?;
    for kind in NotMigrated::ALL {
        if read.census.iter().any(|(k, _)| *k == kind) {
            continue;
        }
        let found = census::count(client, kind)
            .await
            .map_err(|error| SourceError::Census { kind, error })?;
        read.census.push((kind, found));
    }
    read.complete = true;
    Ok(())
}

#[cfg(test)]
mod tests;
