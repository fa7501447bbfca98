//! The export side of the oracle: every cell of every GLPI list export, compared with where the
//! value lands in the target database, column by column; and the report of that comparison.
//!
//! For each column of each file, [`spec`] says where GLPI keeps the value (a table column, a
//! relation) or why a migration cannot carry it. A column without a spec is itself a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::oracle::Snapshot;
use crate::{RealGlpiError, Result};

/// How a column's value is compared with the target.
#[derive(Debug, Clone, Copy)]
pub enum Lands {
    /// Equal to a field of the row's object.
    Field(&'static str),
    /// A number (thousands spaces, decimals) equal to a field.
    Number(&'static str),
    /// `Oui`/`Non` for a `1`/`0` field.
    Bool(&'static str),
    /// A user shown as `Nom Prénom`, the field holding the login.
    Person(&'static str),
    /// A relation, shown as a list or a count.
    Relation(Relation),
    /// Not carried by a migration, for the reason given.
    NotCarried(&'static str),
}

/// The relations a column can show.
#[derive(Debug, Clone, Copy)]
pub enum Relation {
    /// A software's version names (`<br>` list).
    Versions,
    /// How many computers a software is installed on.
    InstallationCount,
    /// How many monitors are connected to a computer.
    MonitorCount,
    /// A user's e-mails (`<br>` list).
    Emails,
    /// A user's groups (`<br>` list of complete names).
    Groups,
    /// `Profile - Entity (R)` (`<br>` list).
    ProfilesEntity,
    /// `EntityProfile - Profile (R)` (GLPI drops the ` > ` of the entity path there).
    EntitiesProfile,
    /// A group's managers (`Nom Prénom`, `<br>` list).
    Managers,
}

/// One column: its header, how its value is compared, where GLPI keeps it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header as exported.
    pub header: &'static str,
    /// Comparison.
    pub lands: Lands,
    /// Where GLPI keeps it (table.column or relation), for the report.
    pub place: &'static str,
}

const fn col(header: &'static str, lands: Lands, place: &'static str) -> Column {
    Column {
        header,
        lands,
        place,
    }
}

const SOURCE_ID: Lands = Lands::NotCarried(
    "the source's own id: GLPI gives new ids (never send `id` in a POST: GLPI clones that item)",
);
const DATE_MOD: Lands = Lands::NotCarried(
    "last modification: GLPI sets `date_mod` to now on every write (GLPI facts 2, §2)",
);
const NETWORK: Lands = Lands::NotCarried(
    "lives on network ports (glpi_networkports/glpi_ipaddresses/glpi_networknames): not migrated yet (README)",
);

/// The columns of the asset exports that are common to every asset type.
fn asset_common(header: &str) -> Option<Column> {
    Some(match header {
        "Nom" => col("Nom", Lands::Field("name"), "<asset>.name"),
        "Entité" => col(
            "Entité",
            Lands::Field("entity"),
            "<asset>.entities_id → glpi_entities.completename",
        ),
        "ID" => col("ID", SOURCE_ID, "—"),
        "Numéro de série" => col("Numéro de série", Lands::Field("serial"), "<asset>.serial"),
        "Numéro d'inventaire" => col(
            "Numéro d'inventaire",
            Lands::Field("otherserial"),
            "<asset>.otherserial",
        ),
        "Fabricant" => col(
            "Fabricant",
            Lands::Field("manufacturer"),
            "<asset>.manufacturers_id → glpi_manufacturers.name",
        ),
        "Modèle" => col(
            "Modèle",
            Lands::Field("model"),
            "<asset>.<type>models_id → glpi_<type>models.name",
        ),
        "Type" => col(
            "Type",
            Lands::Field("type"),
            "<asset>.<type>types_id → glpi_<type>types.name",
        ),
        "Statut" => col(
            "Statut",
            Lands::Field("state"),
            "<asset>.states_id → glpi_states.completename",
        ),
        "Lieu" => col(
            "Lieu",
            Lands::Field("location"),
            "<asset>.locations_id → glpi_locations.completename",
        ),
        "Utilisateur" => col(
            "Utilisateur",
            Lands::Person("user"),
            "<asset>.users_id → glpi_users (shown as Nom Prénom)",
        ),
        "Usager" => col("Usager", Lands::Field("contact"), "<asset>.contact"),
        "Groupe" => col(
            "Groupe",
            Lands::Field("group"),
            "<asset>.groups_id → glpi_groups.completename",
        ),
        "Technicien responsable" => col(
            "Technicien responsable",
            Lands::Person("user_tech"),
            "<asset>.users_id_tech → glpi_users",
        ),
        "Groupe responsable" => col(
            "Groupe responsable",
            Lands::Field("group_tech"),
            "<asset>.groups_id_tech → glpi_groups.completename",
        ),
        "Commentaires" => col("Commentaires", Lands::Field("comment"), "<asset>.comment"),
        "Date de création" => col(
            "Date de création",
            Lands::Field("date_creation"),
            "<asset>.date_creation (to the minute)",
        ),
        "Dernière modification" => col("Dernière modification", DATE_MOD, "—"),
        "Réseau - IP" => col("Réseau - IP", NETWORK, "glpi_ipaddresses"),
        "Réseau - Adresse MAC" => col("Réseau - Adresse MAC", NETWORK, "glpi_networkports.mac"),
        _ => return None,
    })
}

/// Where the value of column `header` of the export of `file` (`Computer`, `User`, …) lands.
pub fn spec(file: &str, header: &str) -> Option<Column> {
    let asset = matches!(
        file,
        "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Phone" | "Peripheral"
    );
    if asset {
        if let Some(c) = asset_common(header) {
            return Some(c);
        }
    }
    Some(match (file, header) {
        ("Computer", "Système d'exploitation - Nom") => col(
            header_static(header),
            Lands::Field("os_name"),
            "glpi_items_operatingsystems.operatingsystems_id → glpi_operatingsystems.name",
        ),
        ("Computer", "Système d'exploitation - Version") => col(
            header_static(header),
            Lands::Field("os_version"),
            "glpi_items_operatingsystems.operatingsystemversions_id → glpi_operatingsystemversions.name",
        ),
        ("Computer", "Moniteurs - Nombre de moniteurs") => col(
            header_static(header),
            Lands::Relation(Relation::MonitorCount),
            "count of glpi_computers_items (Monitor), from liaisons-materiels.csv",
        ),
        ("Computer", "Informations financières et administratives - Date d'achat") => col(
            header_static(header),
            Lands::Field("buy_date"),
            "glpi_infocoms.buy_date",
        ),
        (
            "Computer",
            "Informations financières et administratives - Date d'expiration de la garantie",
        ) => col(
            header_static(header),
            Lands::Field("warranty_expiration"),
            "glpi_infocoms.warranty_date + warranty_duration months",
        ),
        ("Computer", "Informations financières et administratives - Valeur") => col(
            header_static(header),
            Lands::Number("value"),
            "glpi_infocoms.value",
        ),
        ("Computer", "Informations financières et administratives - Fournisseur") => col(
            header_static(header),
            Lands::Field("supplier"),
            "glpi_infocoms.suppliers_id → glpi_suppliers.name",
        ),
        ("Monitor", "Taille") => col("Taille", Lands::Number("size"), "glpi_monitors.size"),
        ("Printer", "Compteur de page actuel") => col(
            header_static(header),
            Lands::Number("last_pages_counter"),
            "glpi_printers.last_pages_counter",
        ),
        ("Phone", "Nombre de lignes") => col(
            header_static(header),
            Lands::Number("number_line"),
            "glpi_phones.number_line",
        ),
        ("Software", "Nom") => col("Nom", Lands::Field("(key)"), "glpi_softwares.name"),
        ("Software", "Entité") => col(
            "Entité",
            Lands::Field("entity"),
            "glpi_softwares.entities_id → glpi_entities.completename",
        ),
        ("Software", "ID") => col("ID", SOURCE_ID, "—"),
        ("Software", "Éditeur") => col(
            header_static(header),
            Lands::Field("publisher"),
            "glpi_softwares.manufacturers_id → glpi_manufacturers.name",
        ),
        ("Software", "Catégorie") => col(
            header_static(header),
            Lands::Field("category"),
            "glpi_softwares.softwarecategories_id → glpi_softwarecategories.completename",
        ),
        ("Software", "Versions - Nom") => col(
            header_static(header),
            Lands::Relation(Relation::Versions),
            "glpi_softwareversions.name (softwares_id)",
        ),
        ("Software", "Nombre d'installations") => col(
            header_static(header),
            Lands::Relation(Relation::InstallationCount),
            "count of glpi_items_softwareversions, from installations-logiciels.csv",
        ),
        ("Software", "Sous-entités") => col(
            header_static(header),
            Lands::Bool("is_recursive"),
            "glpi_softwares.is_recursive",
        ),
        ("Software", "Commentaires") => col(
            header_static(header),
            Lands::Field("comment"),
            "glpi_softwares.comment",
        ),
        ("Software" | "User" | "Group" | "Location", "Dernière modification") => {
            col("Dernière modification", DATE_MOD, "—")
        }
        ("User", "Identifiant") => col(
            header_static(header),
            Lands::Field("(key)"),
            "glpi_users.name",
        ),
        ("User", "ID") => col("ID", SOURCE_ID, "—"),
        ("User", "Nom de famille") => col(
            header_static(header),
            Lands::Field("realname"),
            "glpi_users.realname",
        ),
        ("User", "Prénom") => col(
            header_static(header),
            Lands::Field("firstname"),
            "glpi_users.firstname",
        ),
        ("User", "Courriels") => col(
            header_static(header),
            Lands::Relation(Relation::Emails),
            "glpi_useremails.email (users_id)",
        ),
        ("User", "Téléphone") => col(
            header_static(header),
            Lands::Field("phone"),
            "glpi_users.phone",
        ),
        ("User", "Téléphone mobile") => col(
            header_static(header),
            Lands::Field("mobile"),
            "glpi_users.mobile",
        ),
        ("User", "Matricule") => col(
            header_static(header),
            Lands::Field("registration_number"),
            "glpi_users.registration_number",
        ),
        ("User", "Titre") => col(
            header_static(header),
            Lands::Field("title"),
            "glpi_users.usertitles_id → glpi_usertitles.name",
        ),
        ("User", "Catégorie") => col(
            header_static(header),
            Lands::Field("category"),
            "glpi_users.usercategories_id → glpi_usercategories.name",
        ),
        ("User", "Lieu") => col(
            header_static(header),
            Lands::Field("location"),
            "glpi_users.locations_id → glpi_locations.completename",
        ),
        ("User", "Groupes") => col(
            header_static(header),
            Lands::Relation(Relation::Groups),
            "glpi_groups_users (users_id, groups_id)",
        ),
        ("User", "Profils (Entité)") => col(
            header_static(header),
            Lands::Relation(Relation::ProfilesEntity),
            "glpi_profiles_users (profiles_id, entities_id, is_recursive)",
        ),
        ("User", "Entités (Profil)") => col(
            header_static(header),
            Lands::Relation(Relation::EntitiesProfile),
            "glpi_profiles_users (same relation; GLPI drops the ` > ` of the path in this column)",
        ),
        ("User", "Actif") => col(
            header_static(header),
            Lands::Bool("is_active"),
            "glpi_users.is_active",
        ),
        ("User", "Dernière connexion") => col(
            header_static(header),
            Lands::NotCarried("GLPI sets `last_login` when the user logs in; not an input"),
            "—",
        ),
        ("User", "Commentaires") => col(
            header_static(header),
            Lands::Field("comment"),
            "glpi_users.comment",
        ),
        ("User", "Date de création") => col(
            header_static(header),
            Lands::Field("date_creation"),
            "glpi_users.date_creation (to the minute)",
        ),
        ("Group" | "Location", "Nom complet") => col(
            header_static(header),
            Lands::Field("(key)"),
            "completename (computed by GLPI from name and parent)",
        ),
        ("Group" | "Location", "Entité") => col(
            "Entité",
            Lands::Field("entity"),
            "entities_id → glpi_entities.completename",
        ),
        ("Group" | "Location", "ID") => col("ID", SOURCE_ID, "—"),
        ("Group" | "Location", "Nom") => col("Nom", Lands::Field("name"), "name"),
        ("Group" | "Location", "Père") => col(
            header_static(header),
            Lands::Field("parent"),
            "groups_id / locations_id → parent completename",
        ),
        ("Group" | "Location", "Sous-entités") => col(
            header_static(header),
            Lands::Bool("is_recursive"),
            "is_recursive",
        ),
        ("Group" | "Location", "Commentaires") => col(
            header_static(header),
            Lands::Field("comment"),
            "comment",
        ),
        ("Group", "Responsable") => col(
            header_static(header),
            Lands::Relation(Relation::Managers),
            "glpi_groups_users.is_manager",
        ),
        ("Group", "Demandeur") => col(
            header_static(header),
            Lands::Bool("is_requester"),
            "glpi_groups.is_requester",
        ),
        ("Group", "Attribué à") => col(
            header_static(header),
            Lands::Bool("is_assign"),
            "glpi_groups.is_assign",
        ),
        ("Group", "Peut contenir Utilisateurs") => col(
            header_static(header),
            Lands::Bool("is_usergroup"),
            "glpi_groups.is_usergroup",
        ),
        ("Group", "Peut contenir Éléments") => col(
            header_static(header),
            Lands::Bool("is_itemgroup"),
            "glpi_groups.is_itemgroup",
        ),
        ("Location", "Adresse") => col(
            header_static(header),
            Lands::Field("address"),
            "glpi_locations.address",
        ),
        ("Location", "Code postal") => col(
            header_static(header),
            Lands::Field("postcode"),
            "glpi_locations.postcode",
        ),
        ("Location", "Ville") => col(
            header_static(header),
            Lands::Field("town"),
            "glpi_locations.town",
        ),
        ("Location", "Numéro du bâtiment") => col(
            header_static(header),
            Lands::Field("building"),
            "glpi_locations.building",
        ),
        ("Location", "Numéro de la pièce") => col(
            header_static(header),
            Lands::Field("room"),
            "glpi_locations.room",
        ),
        _ => return None,
    })
}

/// The export headers are a closed set: leak them once to keep [`Column`] `Copy`.
fn header_static(header: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static HEADERS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut set = HEADERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(h) = set.get(header) {
        return h;
    }
    let leaked: &'static str = Box::leak(header.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

/// The asset fields the exports carry, per kind: what the database comparison may demand.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    fields: BTreeSet<(String, String)>,
}

impl Carried {
    /// The fields the columns of `exports` carry.
    pub fn of(exports: &[Export]) -> Carried {
        let mut fields = BTreeSet::new();
        for e in exports {
            for h in &e.headers {
                if let Some(Column {
                    lands: Lands::Field(f) | Lands::Number(f) | Lands::Bool(f) | Lands::Person(f),
                    ..
                }) = spec(&e.name, h)
                {
                    fields.insert((e.name.clone(), f.to_string()));
                }
            }
        }
        Carried { fields }
    }

    /// Whether the database comparison checks `field` of `kind`: an asset's field only when its
    /// export has the column (an asset's `date_creation` is carried for computers, not for
    /// printers, whose export has no such column), plus every operating-system field (what the
    /// export does not give must stay empty); every field of the other kinds (all exported) but
    /// a user's default entity, and their creation date only where exported.
    pub fn compares(&self, kind: &str, field: &str) -> bool {
        if !crate::oracle::files_carry(kind) {
            return false;
        }
        // The User export has no default entity nor language column (only its authorizations),
        // the Location export no state, country nor coordinates, the Software export no
        // version's status.
        if matches!(
            (kind, field),
            ("User", "entity" | "language")
                | ("SoftwareVersion", "state")
                | (
                    "Location",
                    "state" | "country" | "latitude" | "longitude" | "altitude"
                )
        ) {
            return false;
        }
        let asset = matches!(
            kind,
            "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Phone" | "Peripheral"
        );
        // A creation date is compared only where the export has the column (groups', locations'
        // and software's lists have none by default).
        (!asset && field != "date_creation")
            || field.starts_with("os_")
            || self.fields.contains(&(kind.to_string(), field.to_string()))
    }
}

/// One exported file read: its headers and its rows (cells as exported, BOM and the empty last
/// column of the trailing delimiter removed).
#[derive(Debug, Clone)]
pub struct Export {
    /// File stem (`Computer`).
    pub name: String,
    /// Headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// Reads a GLPI list export with the `csv` crate (`;`, every field quoted, trailing delimiter).
pub fn read_export(path: &Path) -> Result<Export> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RealGlpiError::Io(path.display().to_string(), e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| RealGlpiError::Csv(path.display().to_string(), e.to_string()))?;
        let mut cells: Vec<String> = r.iter().map(str::to_string).collect();
        if cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        records.push(cells);
    }
    let mut records = records.into_iter();
    let headers = records.next().unwrap_or_default();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Export {
        name,
        headers,
        rows: records.collect(),
    })
}

/// A cell as the value it stands for: `" "` (empty user) and `&nbsp;` are empty, `''` is `"`.
pub fn cell_value(cell: &str) -> String {
    let c = cell.trim();
    if c == "&nbsp;" {
        return String::new();
    }
    c.replace("''", "\"")
}

/// A `<br>` list as a set (empty items dropped).
fn list(cell: &str) -> BTreeSet<String> {
    cell_value(cell)
        .split("<br>")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != "&nbsp;")
        .collect()
}

fn number(s: &str) -> Option<f64> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if s.is_empty() {
        None
    } else {
        s.parse().ok()
    }
}

/// The result of one column.
#[derive(Debug, Clone)]
pub struct ColumnReport {
    /// Header.
    pub header: String,
    /// Where it lands, or `not carried: reason`.
    pub place: String,
    /// Carried (compared) or not.
    pub carried: bool,
    /// Rows with a non-empty cell.
    pub values: usize,
    /// Of those, how many the target holds equal.
    pub found: usize,
    /// Rows (empty cells included) where the target differs: `line: expected → found`.
    pub differences: Vec<String>,
}

/// The result of one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// File name.
    pub file: String,
    /// Rows.
    pub rows: usize,
    /// Rows whose object is not on the target.
    pub missing_rows: Vec<String>,
    /// Per column.
    pub columns: Vec<ColumnReport>,
}

impl FileReport {
    /// Number of cell differences plus missing rows.
    pub fn difference_count(&self) -> usize {
        self.missing_rows.len()
            + self
                .columns
                .iter()
                .map(|c| c.differences.len())
                .sum::<usize>()
    }
}

/// Which oracle kind a file's rows are, and the row's natural key.
fn row_key(export: &Export, row: &[String]) -> String {
    let cell = |h: &str| {
        export
            .headers
            .iter()
            .position(|x| x == h)
            .and_then(|i| row.get(i))
            .map(|c| cell_value(c))
            .unwrap_or_default()
    };
    match export.name.as_str() {
        "User" => cell("Identifiant"),
        "Group" | "Location" => cell("Nom complet"),
        "Software" => cell("Nom"),
        _ => {
            let serial = cell("Numéro de série");
            if serial.is_empty() {
                cell("Nom")
            } else {
                serial
            }
        }
    }
}

/// Indexes of the target's relations, to render them as an export shows them.
struct Relations<'a> {
    target: &'a Snapshot,
    display: BTreeMap<String, String>,
}

impl<'a> Relations<'a> {
    fn new(target: &'a Snapshot) -> Relations<'a> {
        let display = target
            .objects("User")
            .map(|(login, u)| {
                let u = &u[0];
                let name = format!("{} {}", u["realname"], u["firstname"])
                    .trim()
                    .to_string();
                (
                    login.clone(),
                    if name.is_empty() { login.clone() } else { name },
                )
            })
            .collect();
        Relations { target, display }
    }

    fn person(&self, login: &str) -> String {
        if login.is_empty() {
            return String::new();
        }
        self.display
            .get(login)
            .cloned()
            .unwrap_or_else(|| login.to_string())
    }

    /// Keys of `kind` split in `n` parts on ` / ` (from the left, the last part keeps the rest).
    fn parts(&self, kind: &str, n: usize) -> Vec<(Vec<String>, &crate::oracle::Fields)> {
        self.target
            .objects(kind)
            .flat_map(|(k, objects)| {
                objects.iter().map(move |o| {
                    (
                        k.splitn(n, " / ").map(str::to_string).collect::<Vec<_>>(),
                        o,
                    )
                })
            })
            .collect()
    }

    /// The relation as the export would show it for the row with `key`: a set, or a count.
    fn render(&self, relation: Relation, key: &str) -> BTreeSet<String> {
        let set =
            |kind: &str,
             n: usize,
             f: &dyn Fn(&[String], &crate::oracle::Fields) -> Option<String>| {
                self.parts(kind, n)
                    .into_iter()
                    .filter_map(|(p, o)| f(&p, o))
                    .collect::<BTreeSet<_>>()
            };
        let count = |kind: &str, f: &dyn Fn(&[String]) -> bool| {
            let n = self
                .parts(kind, 3)
                .into_iter()
                .filter(|(p, _)| f(p))
                .count();
            BTreeSet::from([n.to_string()])
        };
        match relation {
            Relation::Versions => set("SoftwareVersion", 2, &|p, _| {
                (p[0] == key).then(|| p.get(1).cloned().unwrap_or_default())
            }),
            Relation::InstallationCount => count("Installation", &|p| p.len() == 3 && p[1] == key),
            Relation::MonitorCount => count("Connection", &|p| {
                p.len() == 3 && p[0] == key && p[1] == "Monitor"
            }),
            Relation::Emails => set("UserEmail", 2, &|p, _| {
                (p[0] == key).then(|| p.get(1).cloned().unwrap_or_default())
            }),
            Relation::Groups => set("GroupMembership", 2, &|p, _| {
                (p[0] == key).then(|| p.get(1).cloned().unwrap_or_default())
            }),
            Relation::ProfilesEntity | Relation::EntitiesProfile => {
                set("Authorization", 3, &|p, o| {
                    if p.len() != 3 || p[0] != key {
                        return None;
                    }
                    let r = if o["is_recursive"] == "1" { " (R)" } else { "" };
                    Some(match relation {
                        Relation::ProfilesEntity => format!("{} - {}{r}", p[1], p[2]),
                        _ => format!("{} - {}{r}", p[2].replace(" > ", ""), p[1]),
                    })
                })
            }
            Relation::Managers => set("GroupMembership", 2, &|p, o| {
                (p.get(1).map(String::as_str) == Some(key) && o["is_manager"] == "1")
                    .then(|| self.person(&p[0]))
            }),
        }
    }
}

/// Compares every cell of `export` with the target database.
pub fn check_export(export: &Export, target: &Snapshot) -> FileReport {
    let relations = Relations::new(target);
    let kind = export.name.as_str();
    let mut columns: Vec<ColumnReport> = export
        .headers
        .iter()
        .map(|h| {
            let spec = spec(kind, h);
            ColumnReport {
                header: h.clone(),
                place: match spec {
                    None => "NO SPEC: the test does not know where this column lands".into(),
                    Some(Column {
                        lands: Lands::NotCarried(why),
                        ..
                    }) => format!("not carried: {why}"),
                    Some(c) => c.place.to_string(),
                },
                carried: !matches!(
                    spec,
                    Some(Column {
                        lands: Lands::NotCarried(_),
                        ..
                    })
                ),
                values: 0,
                found: 0,
                differences: Vec::new(),
            }
        })
        .collect();
    let mut missing_rows = Vec::new();
    for (index, row) in export.rows.iter().enumerate() {
        let line = index + 2;
        let key = row_key(export, row);
        let object = target.get(kind, &key);
        if object.is_none() {
            missing_rows.push(format!("line {line}: « {key} » not on the target"));
        }
        for (c, header) in export.headers.iter().enumerate() {
            let cell = row.get(c).map(String::as_str).unwrap_or("");
            let Some(spec) = spec(kind, header) else {
                continue;
            };
            let report = &mut columns[c];
            let expected = cell_value(cell);
            let non_empty = !expected.is_empty();
            if let Lands::NotCarried(_) = spec.lands {
                report.values += usize::from(non_empty);
                continue;
            }
            report.values += usize::from(non_empty);
            let Some(object) = object else {
                continue;
            };
            let field = |f: &str| {
                if f == "(key)" {
                    key.clone()
                } else {
                    object.get(f).cloned().unwrap_or_default()
                }
            };
            let (equal, found) = match spec.lands {
                Lands::Field(f) => {
                    let found = field(f);
                    (found == expected, found)
                }
                Lands::Number(f) => {
                    let found = field(f);
                    let e = number(&expected);
                    let g = number(&found);
                    let equal = match (e, g) {
                        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                        (None, None) => true,
                        (None, Some(b)) => b == 0.0,
                        (Some(_), None) => false,
                    };
                    (equal, found)
                }
                Lands::Bool(f) => {
                    let found = field(f);
                    let e = match expected.as_str() {
                        "Oui" | "Yes" => "1",
                        "Non" | "No" => "0",
                        other => other,
                    };
                    (found == e, found)
                }
                Lands::Person(f) => {
                    let found = relations.person(&field(f));
                    (found == expected, found)
                }
                Lands::Relation(r) => {
                    let found = relations.render(r, &key);
                    let e = match r {
                        Relation::InstallationCount | Relation::MonitorCount => {
                            BTreeSet::from([number(&expected).unwrap_or(0.0).to_string()])
                        }
                        _ => list(cell),
                    };
                    let found_text = found.iter().cloned().collect::<Vec<_>>().join("<br>");
                    (e == found, found_text)
                }
                Lands::NotCarried(_) => unreachable!("handled above"),
            };
            if equal {
                report.found += usize::from(non_empty);
            } else {
                report
                    .differences
                    .push(format!("line {line} « {key} »: {expected:?} → {found:?}"));
            }
        }
    }
    FileReport {
        file: format!("{}.csv", export.name),
        rows: export.rows.len(),
        missing_rows,
        columns,
    }
}

/// The report as Markdown: per file, per column, where the value lands, how many cells had a
/// value, how many the target holds equal, and the first differences.
pub fn markdown(files: &[FileReport], db_differences: &[crate::oracle::Difference]) -> String {
    let mut out = String::from("# Fidelity of a migration into a real GLPI 10.0.11\n\n");
    out.push_str(
        "Source: the prefecture database (`prefecture-guyane.sql.xz`) and its ten list exports; \
         target: a freshly installed GLPI 10.0.11 after `passerelle migrate` through the proxy.\n\n",
    );
    out.push_str("## Per file and column (export cell → target database)\n\n");
    for f in files {
        out.push_str(&format!(
            "### {} ({} rows, {} not on the target, {} differences)\n\n",
            f.file,
            f.rows,
            f.missing_rows.len(),
            f.difference_count()
        ));
        out.push_str("| column | where GLPI keeps it | cells with a value | found equal on the target | rows differing | first difference |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for c in &f.columns {
            let (found, differing) = if c.carried {
                (c.found.to_string(), c.differences.len().to_string())
            } else {
                ("—".into(), "—".into())
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                c.header,
                c.place.replace('|', "\\|"),
                c.values,
                found,
                differing,
                c.differences
                    .first()
                    .map(|d| d.replace('|', "\\|").replace('\n', " "))
                    .unwrap_or_default()
            ));
        }
        for m in f.missing_rows.iter().take(5) {
            out.push_str(&format!("\n- {m}"));
        }
        out.push_str("\n\n");
    }
    out.push_str("## Database against database (source → target, by natural keys)\n\n");
    let mut by_kind: BTreeMap<(String, String), Vec<&crate::oracle::Difference>> = BTreeMap::new();
    for d in db_differences {
        by_kind
            .entry((d.kind.clone(), d.field.clone()))
            .or_default()
            .push(d);
    }
    if by_kind.is_empty() {
        out.push_str("No difference.\n");
    } else {
        out.push_str(
            "| kind | field | objects differing | first difference |\n| --- | --- | --- | --- |\n",
        );
        for ((kind, field), ds) in &by_kind {
            out.push_str(&format!(
                "| {kind} | {field} | {} | {} |\n",
                ds.len(),
                ds[0].to_string().replace('|', "\\|").replace('\n', " ")
            ));
        }
    }
    out
}
