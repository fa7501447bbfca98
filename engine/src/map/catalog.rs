//! What GLPI fields each item type has, how their export labels read, and what values they take.

use crate::detect::ItemType;

/// The kind of value a field holds: decides validation and normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free single-line text (varchar 255).
    Text,
    /// Multi-line text (comments, ticket descriptions).
    LongText,
    /// Whole number; GLPI writes thousands with a space.
    Integer,
    /// Decimal with comma or point.
    Decimal,
    /// Date (`YYYY-MM-DD`).
    Date,
    /// Date and time (`YYYY-MM-DD HH:MM:SS`).
    DateTime,
    /// IPv4 or IPv6 addresses, several per cell.
    Ips,
    /// MAC addresses, several per cell.
    Macs,
    /// E-mail addresses, several per cell.
    Emails,
    /// Phone number.
    Phone,
    /// A dropdown value by name.
    Dropdown,
    /// A tree dropdown by complete path `A > B > C` (locations, categories, entities).
    TreePath,
    /// A group by complete path.
    GroupPath,
    /// A user shown as `Nom Prénom` (several per cell for ticket actors).
    UserName,
    /// Yes/no (`Oui`/`Non`).
    YesNo,
    /// One of the ticket enumerations.
    Enum(EnumKind),
    /// Exported for information only (counts, last update): not migrated.
    Ignored,
}

/// Ticket enumerations and their labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EnumKind {
    /// Ticket status 1..6.
    TicketStatus,
    /// Urgency or impact 1..5.
    Level,
    /// Priority 1..6.
    Priority,
    /// Incident (1) or request (2).
    TicketType,
    /// An asset's amortization: none (0), linear (1) or decreasing (2).
    Amortization,
    /// A financial record's e-mail alarms: none (0) or at the warranty's expiration (4).
    InfocomAlert,
}

impl EnumKind {
    /// Accepted labels (normalised: lower case, no accents) and their GLPI values.
    pub fn labels(self) -> &'static [(&'static str, u8)] {
        match self {
            EnumKind::TicketStatus => &[
                ("nouveau", 1),
                ("new", 1),
                ("en cours (attribue)", 2),
                ("processing (assigned)", 2),
                ("en cours (planifie)", 3),
                ("processing (planned)", 3),
                ("en attente", 4),
                ("pending", 4),
                ("resolu", 5),
                ("solved", 5),
                ("clos", 6),
                ("closed", 6),
            ],
            EnumKind::Level | EnumKind::Priority => &[
                ("tres basse", 1),
                ("tres bas", 1),
                ("very low", 1),
                ("basse", 2),
                ("bas", 2),
                ("low", 2),
                ("moyenne", 3),
                ("moyen", 3),
                ("medium", 3),
                ("haute", 4),
                ("haut", 4),
                ("high", 4),
                ("tres haute", 5),
                ("tres haut", 5),
                ("very high", 5),
                ("majeure", 6),
                ("major", 6),
            ],
            EnumKind::TicketType => &[("incident", 1), ("demande", 2), ("request", 2)],
            // GLPI's exports write "-----" for none (`Dropdown::EMPTY_VALUE`).
            EnumKind::Amortization => &[
                ("-----", 0),
                ("lineaire", 1),
                ("linear", 1),
                ("degressif", 2),
                ("decreasing", 2),
            ],
            EnumKind::InfocomAlert => &[
                ("-----", 0),
                ("date d'expiration de la garantie", 4),
                ("warranty expiration date", 4),
            ],
        }
    }

    /// Highest numeric value accepted.
    pub fn max(self) -> u8 {
        match self {
            EnumKind::TicketStatus | EnumKind::Priority => 6,
            EnumKind::Level => 5,
            EnumKind::TicketType | EnumKind::Amortization => 2,
            EnumKind::InfocomAlert => 4,
        }
    }

    /// Lowest numeric value accepted: 0 where GLPI's 0 means "none" and is worth sending.
    pub fn min(self) -> u8 {
        match self {
            EnumKind::Amortization | EnumKind::InfocomAlert => 0,
            _ => 1,
        }
    }

    /// Text listing what is accepted, for messages.
    pub fn expected_fr(self) -> &'static str {
        match self {
            EnumKind::TicketStatus => "Nouveau, En cours (Attribué), En cours (Planifié), En attente, Résolu, Clos ou 1 à 6",
            EnumKind::Level => "Très basse, Basse, Moyenne, Haute, Très haute ou 1 à 5",
            EnumKind::Priority => "Très basse, Basse, Moyenne, Haute, Très haute, Majeure ou 1 à 6",
            EnumKind::TicketType => "Incident, Demande ou 1, 2",
            EnumKind::Amortization => "Linéaire, Dégressif, ----- ou 0 à 2",
            EnumKind::InfocomAlert => "Date d'expiration de la garantie, ----- ou 0, 4",
        }
    }

    /// Same in English.
    pub fn expected_en(self) -> &'static str {
        match self {
            EnumKind::TicketStatus => "New, Processing (assigned), Processing (planned), Pending, Solved, Closed or 1 to 6",
            EnumKind::Level => "Very low, Low, Medium, High, Very high or 1 to 5",
            EnumKind::Priority => "Very low, Low, Medium, High, Very high, Major or 1 to 6",
            EnumKind::TicketType => "Incident, Request or 1, 2",
            EnumKind::Amortization => "Linear, Decreasing, ----- or 0 to 2",
            EnumKind::InfocomAlert => "Warranty expiration date, ----- or 0, 4",
        }
    }
}

/// One GLPI field of an item type.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// GLPI field name (or a pseudo-field starting with `_` for relations the plan handles).
    pub field: &'static str,
    /// Value kind.
    pub kind: FieldKind,
    /// Normalised labels that name it: French and English export labels, and the API name.
    pub labels: &'static [&'static str],
    /// Must not be empty.
    pub required: bool,
}

const fn f(
    field: &'static str,
    kind: FieldKind,
    labels: &'static [&'static str],
    required: bool,
) -> FieldSpec {
    FieldSpec {
        field,
        kind,
        labels,
        required,
    }
}

use FieldKind::*;

const ASSET_COMMON: &[FieldSpec] = &[
    f("name", Text, &["nom", "name"], false),
    f(
        "entities_id",
        TreePath,
        &["entite", "entity", "entities_id"],
        false,
    ),
    f("id", Ignored, &["id"], false),
    f(
        "serial",
        Text,
        &["numero de serie", "serial number", "serial"],
        false,
    ),
    f(
        "otherserial",
        Text,
        &["numero d'inventaire", "inventory number", "otherserial"],
        false,
    ),
    f(
        "manufacturers_id",
        Dropdown,
        &["fabricant", "manufacturer", "manufacturers_id"],
        false,
    ),
    f("_model", Dropdown, &["modele", "model"], false),
    f("_type", Dropdown, &["type"], false),
    f(
        "states_id",
        TreePath,
        &["statut", "status", "states_id"],
        false,
    ),
    f(
        "locations_id",
        TreePath,
        &["lieu", "location", "locations_id"],
        false,
    ),
    f(
        "users_id",
        UserName,
        &["utilisateur", "user", "users_id"],
        false,
    ),
    f(
        "contact",
        Text,
        &["usager", "alternate username", "contact"],
        false,
    ),
    f(
        "groups_id",
        GroupPath,
        &["groupe", "group", "groups_id"],
        false,
    ),
    f(
        "users_id_tech",
        UserName,
        &[
            "technicien responsable",
            "technician in charge of the hardware",
            "technician in charge",
            "users_id_tech",
        ],
        false,
    ),
    f(
        "groups_id_tech",
        GroupPath,
        &[
            "groupe responsable",
            "group in charge of the hardware",
            "group in charge",
            "groups_id_tech",
        ],
        false,
    ),
    f("_ips", Ips, &["reseau - ip", "network - ip", "ip"], false),
    f(
        "_macs",
        Macs,
        &["reseau - adresse mac", "network - mac address", "mac"],
        false,
    ),
    f(
        "operatingsystems_id",
        Dropdown,
        &["systeme d'exploitation - nom", "operating system - name"],
        false,
    ),
    f(
        "operatingsystemversions_id",
        Dropdown,
        &[
            "systeme d'exploitation - version",
            "operating system - version",
        ],
        false,
    ),
    f(
        "operatingsystemarchitectures_id",
        Dropdown,
        &[
            "systeme d'exploitation - architecture",
            "operating system - architecture",
        ],
        false,
    ),
    f(
        "operatingsystemkernelversions_id",
        Dropdown,
        &[
            "systeme d'exploitation - version du noyau",
            "operating system - kernel version",
        ],
        false,
    ),
    f(
        "operatingsystemservicepacks_id",
        Dropdown,
        &[
            "systeme d'exploitation - service pack",
            "operating system - service pack",
        ],
        false,
    ),
    f(
        "operatingsystemeditions_id",
        Dropdown,
        &[
            "systeme d'exploitation - edition",
            "operating system - edition",
        ],
        false,
    ),
    f(
        "license_number",
        Text,
        &[
            "systeme d'exploitation - numero de serie",
            "operating system - serial number",
        ],
        false,
    ),
    f(
        "_monitor_count",
        Ignored,
        &[
            "moniteurs - nombre de moniteurs",
            "monitors - number of monitors",
        ],
        false,
    ),
    f(
        "buy_date",
        Date,
        &[
            "informations financieres et administratives - date d'achat",
            "financial and administrative information - date of purchase",
            "date d'achat",
            "buy_date",
        ],
        false,
    ),
    f(
        "warranty_expiration",
        Date,
        &[
            "informations financieres et administratives - date d'expiration de la garantie",
            "financial and administrative information - warranty expiration date",
        ],
        false,
    ),
    f(
        "value",
        Decimal,
        &[
            "informations financieres et administratives - valeur",
            "financial and administrative information - value",
        ],
        false,
    ),
    f(
        "use_date",
        Date,
        &[
            "informations financieres et administratives - date de mise en service",
            "financial and administrative information - startup date",
        ],
        false,
    ),
    f(
        "order_date",
        Date,
        &[
            "informations financieres et administratives - date de commande",
            "financial and administrative information - order date",
        ],
        false,
    ),
    f(
        "delivery_date",
        Date,
        &[
            "informations financieres et administratives - date de livraison",
            "financial and administrative information - delivery date",
        ],
        false,
    ),
    f(
        "order_number",
        Text,
        &[
            "informations financieres et administratives - numero de commande",
            "financial and administrative information - order number",
        ],
        false,
    ),
    f(
        "immo_number",
        Text,
        &[
            "informations financieres et administratives - numero d'immobilisation",
            "financial and administrative information - immobilization number",
        ],
        false,
    ),
    f(
        "bill",
        Text,
        &[
            "informations financieres et administratives - numero de facture",
            "financial and administrative information - invoice number",
        ],
        false,
    ),
    f(
        "delivery_number",
        Text,
        &[
            "informations financieres et administratives - bon de livraison",
            "financial and administrative information - delivery form",
        ],
        false,
    ),
    f(
        "warranty_info",
        Text,
        &[
            "informations financieres et administratives - informations sur la garantie",
            "financial and administrative information - warranty information",
        ],
        false,
    ),
    f(
        "warranty_value",
        Decimal,
        &[
            "informations financieres et administratives - valeur extension garantie",
            "financial and administrative information - warranty extension value",
        ],
        false,
    ),
    f(
        "suppliers_id",
        Dropdown,
        &[
            "informations financieres et administratives - fournisseur",
            "financial and administrative information - supplier",
        ],
        false,
    ),
    // The operating system's licence and install (`Item_OperatingSystem`); company, owner and
    // host id are not in GLPI's exports (no search option): the local GLPI's read carries them.
    f(
        "licenseid",
        Text,
        &[
            "systeme d'exploitation - product id",
            "operating system - product id",
            "systeme d'exploitation - identifiant du produit",
        ],
        false,
    ),
    f(
        "install_date",
        Date,
        &[
            "systeme d'exploitation - date d'installation",
            "operating system - installation date",
        ],
        false,
    ),
    f(
        "company",
        Text,
        &[
            "systeme d'exploitation - entreprise",
            "operating system - company",
        ],
        false,
    ),
    f(
        "owner",
        Text,
        &[
            "systeme d'exploitation - proprietaire",
            "operating system - owner",
        ],
        false,
    ),
    f(
        "hostid",
        Text,
        &[
            "systeme d'exploitation - identifiant de l'hote",
            "operating system - host id",
        ],
        false,
    ),
    // GLPI's exports have no creation date of the OS or the financial record (no search
    // option): the local GLPI's read carries them, else GLPI stamps the write's time.
    f(
        "_os_date_creation",
        DateTime,
        &[
            "systeme d'exploitation - date de creation",
            "operating system - creation date",
        ],
        false,
    ),
    // The kernel of the kernel version (GLPI's search option "Noyau"), given to the kernel
    // version the plan creates.
    f(
        "_os_kernel",
        Dropdown,
        &["systeme d'exploitation - noyau", "operating system - kernel"],
        false,
    ),
    f(
        "budgets_id",
        Dropdown,
        &[
            "informations financieres et administratives - budget",
            "financial and administrative information - budget",
        ],
        false,
    ),
    f(
        "businesscriticities_id",
        TreePath,
        &[
            "informations financieres et administratives - criticite business",
            "financial and administrative information - business criticity",
        ],
        false,
    ),
    f(
        "_infocom_date_creation",
        DateTime,
        &[
            "informations financieres et administratives - date de creation",
            "financial and administrative information - creation date",
        ],
        false,
    ),
    // Amortization, alert, inventory and decommission (`Infocom`).
    f(
        "sink_time",
        Integer,
        &[
            "informations financieres et administratives - duree d'amortissement",
            "financial and administrative information - amortization duration",
        ],
        false,
    ),
    f(
        "sink_type",
        Enum(EnumKind::Amortization),
        &[
            "informations financieres et administratives - type d'amortissement",
            "financial and administrative information - amortization type",
        ],
        false,
    ),
    f(
        "sink_coeff",
        Decimal,
        &[
            "informations financieres et administratives - coefficient d'amortissement",
            "financial and administrative information - amortization coefficient",
        ],
        false,
    ),
    f(
        "alert",
        Enum(EnumKind::InfocomAlert),
        &[
            "informations financieres et administratives - alertes par courriel",
            "financial and administrative information - email alarms",
        ],
        false,
    ),
    f(
        "_infocom_comment",
        LongText,
        &[
            "informations financieres et administratives - commentaires",
            "financial and administrative information - comments",
            // GLPI's own label of the column (search option 122), behind its group's name.
            "informations financieres et administratives - commentaires sur les informations financieres et administratives",
            "financial and administrative information - comments on financial and administrative information",
        ],
        false,
    ),
    f(
        "inventory_date",
        Date,
        &[
            "informations financieres et administratives - date de dernier inventaire physique",
            "financial and administrative information - date of last physical inventory",
        ],
        false,
    ),
    f(
        "decommission_date",
        Date,
        &[
            "informations financieres et administratives - date de reforme",
            "financial and administrative information - decommission date",
        ],
        false,
    ),
    f(
        "contact_num",
        Text,
        &["usager numero", "alternate username number", "contact_num"],
        false,
    ),
    f("uuid", Text, &["uuid"], false),
    f("brand", Text, &["marque", "brand"], false),
    f(
        "memory_size",
        Integer,
        &["memoire", "memory", "memory_size"],
        false,
    ),
    f(
        "init_pages_counter",
        Integer,
        &[
            "compteur de page initial",
            "initial page counter",
            "init_pages_counter",
        ],
        false,
    ),
    f(
        "ram",
        Integer,
        &["memoire (mio)", "memory (mio)", "ram"],
        false,
    ),
    f("cpu", Integer, &["processeur (%)", "cpu (%)", "cpu"], false),
    f("size", Decimal, &["taille", "size"], false),
    f(
        "number_line",
        Text,
        &["nombre de lignes", "number of lines", "number_line"],
        false,
    ),
    // Connectors of printers, monitors and phones (each type keeps its own).
    f(
        "have_serial",
        YesNo,
        &["serie", "serial", "have_serial"],
        false,
    ),
    f(
        "have_parallel",
        YesNo,
        &["parallele", "parallel", "have_parallel"],
        false,
    ),
    f("have_usb", YesNo, &["usb", "have_usb"], false),
    f("have_wifi", YesNo, &["wifi", "have_wifi"], false),
    f(
        "have_ethernet",
        YesNo,
        &["ethernet", "have_ethernet"],
        false,
    ),
    f(
        "have_micro",
        YesNo,
        &["micro", "microphone", "have_micro"],
        false,
    ),
    f(
        "have_speaker",
        YesNo,
        &["haut-parleurs", "speakers", "have_speaker"],
        false,
    ),
    f("have_subd", YesNo, &["sub-d", "have_subd"], false),
    f("have_bnc", YesNo, &["bnc", "have_bnc"], false),
    f("have_dvi", YesNo, &["dvi", "have_dvi"], false),
    f("have_pivot", YesNo, &["pivot", "have_pivot"], false),
    f("have_hdmi", YesNo, &["hdmi", "have_hdmi"], false),
    f(
        "have_displayport",
        YesNo,
        &["displayport", "have_displayport"],
        false,
    ),
    f(
        "have_headset",
        YesNo,
        &["casque", "headset", "have_headset"],
        false,
    ),
    f(
        "have_hp",
        YesNo,
        &["haut-parleur", "speaker", "have_hp"],
        false,
    ),
    f(
        "last_pages_counter",
        Integer,
        &[
            "compteur de page actuel",
            "current counter of pages",
            "last_pages_counter",
        ],
        false,
    ),
    f(
        "comment",
        LongText,
        &["commentaires", "comments", "comment"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
];

const SOFTWARE: &[FieldSpec] = &[
    f("name", Text, &["nom", "name"], true),
    f(
        "entities_id",
        TreePath,
        &["entite", "entity", "entities_id"],
        false,
    ),
    f("id", Ignored, &["id"], false),
    f(
        "manufacturers_id",
        Dropdown,
        &["editeur", "publisher", "manufacturers_id"],
        false,
    ),
    f(
        "softwarecategories_id",
        TreePath,
        &["categorie", "category", "softwarecategories_id"],
        false,
    ),
    f(
        "_versions",
        Text,
        &["versions - nom", "versions - name"],
        false,
    ),
    f(
        "_versions_states",
        TreePath,
        &["versions - statut", "versions - status"],
        false,
    ),
    f(
        "_versions_arch",
        Text,
        &["versions - architecture", "versions - architecture (arch)"],
        false,
    ),
    f(
        "_versions_comments",
        Text,
        &["versions - commentaires", "versions - comments"],
        false,
    ),
    f(
        "_versions_os",
        Text,
        &[
            "versions - systeme d'exploitation",
            "versions - operating system",
        ],
        false,
    ),
    f(
        "_versions_dates",
        Text,
        &["versions - date de creation", "versions - creation date"],
        false,
    ),
    f(
        "_installations",
        Ignored,
        &["nombre d'installations", "number of installations"],
        false,
    ),
    f(
        "is_recursive",
        YesNo,
        &["sous-entites", "child entities", "is_recursive"],
        false,
    ),
    f(
        "locations_id",
        TreePath,
        &["lieu", "location", "locations_id"],
        false,
    ),
    f(
        "groups_id",
        GroupPath,
        &["groupe", "group", "groups_id"],
        false,
    ),
    f(
        "groups_id_tech",
        GroupPath,
        &[
            "groupe charge du logiciel",
            "group in charge of the software",
            "groupe responsable",
            "group in charge",
            "groups_id_tech",
        ],
        false,
    ),
    f(
        "comment",
        LongText,
        &["commentaires", "comments", "comment"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
];

const USER: &[FieldSpec] = &[
    f("name", Text, &["identifiant", "login", "name"], true),
    f("id", Ignored, &["id"], false),
    f(
        "realname",
        Text,
        &["nom de famille", "last name", "surname", "realname"],
        false,
    ),
    f(
        "firstname",
        Text,
        &["prenom", "first name", "firstname"],
        false,
    ),
    f(
        "_useremails",
        Emails,
        &["courriels", "emails", "email", "_useremails"],
        false,
    ),
    f("phone", Phone, &["telephone", "phone"], false),
    f(
        "mobile",
        Phone,
        &["telephone mobile", "mobile phone", "mobile"],
        false,
    ),
    f(
        "phone2",
        Phone,
        &["telephone 2", "phone 2", "phone2"],
        false,
    ),
    f("nickname", Text, &["pseudonyme", "nickname"], false),
    f(
        "begin_date",
        DateTime,
        &["valide depuis", "valid since", "begin_date"],
        false,
    ),
    f(
        "end_date",
        DateTime,
        &["valide jusqu'a", "valid until", "end_date"],
        false,
    ),
    f(
        "groups_id",
        GroupPath,
        &["groupe par defaut", "default group", "groups_id"],
        false,
    ),
    f(
        "users_id_supervisor",
        UserName,
        &[
            "responsable",
            "responsible",
            "supervisor",
            "users_id_supervisor",
        ],
        false,
    ),
    f(
        "registration_number",
        Text,
        &["matricule", "administrative number", "registration_number"],
        false,
    ),
    f(
        "usertitles_id",
        Dropdown,
        &["titre", "title", "usertitles_id"],
        false,
    ),
    f(
        "usercategories_id",
        Dropdown,
        &["categorie", "category", "usercategories_id"],
        false,
    ),
    f(
        "locations_id",
        TreePath,
        &["lieu", "location", "locations_id"],
        false,
    ),
    f(
        "entities_id",
        TreePath,
        &["entite par defaut", "default entity", "entities_id"],
        false,
    ),
    f("_groups", GroupPath, &["groupes", "groups"], false),
    f(
        "_profiles",
        Text,
        &["profils (entite)", "profiles (entity)"],
        false,
    ),
    f(
        "_entities_profiles",
        Ignored,
        &["entites (profil)", "entities (profile)"],
        false,
    ),
    f("language", Text, &["langue", "language"], false),
    f("is_active", YesNo, &["actif", "active", "is_active"], false),
    f(
        "last_login",
        Ignored,
        &["derniere connexion", "last login"],
        false,
    ),
    f(
        "comment",
        LongText,
        &["commentaires", "comments", "comment"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
];

const GROUP: &[FieldSpec] = &[
    f(
        "completename",
        TreePath,
        &["nom complet", "complete name", "completename"],
        true,
    ),
    f(
        "entities_id",
        TreePath,
        &["entite", "entity", "entities_id"],
        false,
    ),
    f("id", Ignored, &["id"], false),
    f("name", Text, &["nom", "name"], false),
    f(
        "_parent",
        TreePath,
        &["pere", "as child of", "parent"],
        false,
    ),
    f(
        "is_recursive",
        YesNo,
        &["sous-entites", "child entities", "is_recursive"],
        false,
    ),
    f("_manager", UserName, &["responsable", "manager"], false),
    f(
        "is_requester",
        YesNo,
        &["demandeur", "requester", "is_requester"],
        false,
    ),
    f(
        "is_assign",
        YesNo,
        &["attribue a", "assigned to", "is_assign"],
        false,
    ),
    f(
        "is_usergroup",
        YesNo,
        &[
            "peut contenir utilisateurs",
            "can contain users",
            "is_usergroup",
        ],
        false,
    ),
    f(
        "is_itemgroup",
        YesNo,
        &[
            "peut contenir elements",
            "can contain items",
            "is_itemgroup",
        ],
        false,
    ),
    f(
        "comment",
        LongText,
        &["commentaires", "comments", "comment"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
];

const LOCATION: &[FieldSpec] = &[
    f(
        "completename",
        TreePath,
        &["nom complet", "complete name", "completename"],
        true,
    ),
    f(
        "entities_id",
        TreePath,
        &["entite", "entity", "entities_id"],
        false,
    ),
    f("id", Ignored, &["id"], false),
    f("name", Text, &["nom", "name"], false),
    f(
        "_parent",
        TreePath,
        &["pere", "as child of", "parent"],
        false,
    ),
    f(
        "is_recursive",
        YesNo,
        &["sous-entites", "child entities", "is_recursive"],
        false,
    ),
    f("address", Text, &["adresse", "address"], false),
    f(
        "postcode",
        Text,
        &["code postal", "postal code", "postcode"],
        false,
    ),
    f("town", Text, &["ville", "town"], false),
    f(
        "building",
        Text,
        &["numero du batiment", "building number", "building"],
        false,
    ),
    f(
        "room",
        Text,
        &["numero de la piece", "room number", "room"],
        false,
    ),
    f("state", Text, &["etat", "state"], false),
    f("country", Text, &["pays", "country"], false),
    f("latitude", Text, &["latitude"], false),
    f("longitude", Text, &["longitude"], false),
    f("altitude", Text, &["altitude"], false),
    f(
        "comment",
        LongText,
        &["commentaires", "comments", "comment"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
];

const TICKET: &[FieldSpec] = &[
    f("id", Ignored, &["id"], false),
    f("name", Text, &["titre", "title", "name"], true),
    f(
        "entities_id",
        TreePath,
        &["entite", "entity", "entities_id"],
        false,
    ),
    f("type", Enum(EnumKind::TicketType), &["type"], false),
    f(
        "status",
        Enum(EnumKind::TicketStatus),
        &["statut", "status"],
        false,
    ),
    f(
        "urgency",
        Enum(EnumKind::Level),
        &["urgence", "urgency"],
        false,
    ),
    f("impact", Enum(EnumKind::Level), &["impact"], false),
    f(
        "priority",
        Enum(EnumKind::Priority),
        &["priorite", "priority"],
        false,
    ),
    f(
        "itilcategories_id",
        TreePath,
        &["categorie", "category", "itilcategories_id"],
        false,
    ),
    f(
        "_users_id_requester",
        UserName,
        &["demandeur - demandeur", "requester - requester"],
        false,
    ),
    f(
        "_groups_id_requester",
        GroupPath,
        &[
            "demandeur - groupe demandeur",
            "requester - requester group",
        ],
        false,
    ),
    f(
        "_users_id_assign",
        UserName,
        &["attribue a - technicien", "assigned to - technician"],
        false,
    ),
    f(
        "_groups_id_assign",
        GroupPath,
        &[
            "attribue a - groupe de techniciens",
            "assigned to - technician group",
        ],
        false,
    ),
    f(
        "_items",
        LongText,
        &["elements associes", "associated elements", "items"],
        false,
    ),
    f(
        "locations_id",
        TreePath,
        &["lieu", "location", "locations_id"],
        false,
    ),
    f(
        "requesttypes_id",
        Dropdown,
        &["source de la demande", "request source", "requesttypes_id"],
        false,
    ),
    f(
        "date",
        DateTime,
        &["date d'ouverture", "opening date", "date"],
        false,
    ),
    f(
        "solvedate",
        DateTime,
        &["date de resolution", "resolution date", "solvedate"],
        false,
    ),
    f(
        "closedate",
        DateTime,
        &["date de cloture", "closing date", "closedate"],
        false,
    ),
    // GLPI keeps them when given at creation (since 10.0.4; `glpi-facts-2.md` §2): a
    // ticket's take-into-account is set once, by whoever first acts on it. No export has the
    // date, and exports show the delay as a duration: the delay's labels say seconds.
    f(
        "takeintoaccountdate",
        DateTime,
        &[
            "date de prise en compte",
            "take into account date",
            "takeintoaccountdate",
        ],
        false,
    ),
    f(
        "takeintoaccount_delay_stat",
        Integer,
        &[
            "delai de prise en compte (s)",
            "take into account time (s)",
            "takeintoaccount_delay_stat",
        ],
        false,
    ),
    // Time spent pending (seconds) and the start of the current wait: GLPI counts the first
    // out of the resolution and closing delays, and stamps the second on a status change,
    // so the plan sends it after the status.
    f(
        "waiting_duration",
        Integer,
        &[
            "duree d'attente (s)",
            "waiting duration (s)",
            "waiting_duration",
        ],
        false,
    ),
    f(
        "begin_waiting_date",
        DateTime,
        &[
            "debut de l'attente",
            "waiting start date",
            "begin_waiting_date",
        ],
        false,
    ),
    // Who typed the ticket in; kept on creation because `_skip_auto_assign` stops GLPI from
    // naming the API's account (`CommonITILObject::prepareInputForAdd`).
    f(
        "users_id_recipient",
        UserName,
        &["redacteur", "writer", "users_id_recipient"],
        false,
    ),
    f(
        "date_creation",
        DateTime,
        &["date de creation", "creation date", "date_creation"],
        false,
    ),
    f(
        "date_mod",
        Ignored,
        &["derniere modification", "last update", "date_mod"],
        false,
    ),
    f("content", LongText, &["description", "content"], true),
    f(
        "_followups",
        Ignored,
        &[
            "suivis - nombre de suivis",
            "followups - number of followups",
        ],
        false,
    ),
    f(
        "_tasks",
        Ignored,
        &["taches - nombre de taches", "tasks - number of tasks"],
        false,
    ),
    f(
        "actiontime",
        Ignored,
        &["duree totale", "total duration"],
        false,
    ),
    f(
        "_users_id_observer",
        UserName,
        &["observateur - observateur", "watcher - watcher"],
        false,
    ),
    f(
        "_groups_id_observer",
        GroupPath,
        &[
            "observateur - groupe observateur",
            "watcher - watcher group",
        ],
        false,
    ),
    // The history columns of GLPI's ticket search: several entries per cell (see
    // `migrate::ticket` for how they are split and aligned).
    f(
        "_followups_content",
        LongText,
        &["suivis - description", "followups - description"],
        false,
    ),
    f(
        "_followups_date",
        LongText,
        &["suivis - date", "followups - date"],
        false,
    ),
    f(
        "_followups_author",
        LongText,
        &["suivis - redacteur", "followups - writer"],
        false,
    ),
    f(
        "_followups_private",
        LongText,
        &["suivis - suivi prive", "followups - private followup"],
        false,
    ),
    f(
        "_followups_source",
        LongText,
        &[
            "suivis - source de la demande",
            "followups - request source",
        ],
        false,
    ),
    f(
        "_tasks_content",
        LongText,
        &["taches - description", "tasks - description"],
        false,
    ),
    f(
        "_tasks_date",
        LongText,
        &["taches - date", "tasks - date"],
        false,
    ),
    f(
        "_tasks_duration",
        LongText,
        &["taches - duree", "tasks - duration"],
        false,
    ),
    f(
        "_tasks_author",
        LongText,
        &["taches - redacteur", "tasks - writer"],
        false,
    ),
    f(
        "_tasks_technician",
        LongText,
        &[
            "taches - technicien responsable",
            "tasks - technician in charge",
        ],
        false,
    ),
    f(
        "_tasks_private",
        LongText,
        &["taches - tache privee", "tasks - private task"],
        false,
    ),
    f(
        "_tasks_category",
        LongText,
        &["taches - categorie", "tasks - category"],
        false,
    ),
    f(
        "_tasks_state",
        LongText,
        &["taches - statut", "tasks - status"],
        false,
    ),
    f(
        "_solution_type",
        LongText,
        &["solution - type de solution", "solution - solution type"],
        false,
    ),
    f(
        "_solution_content",
        LongText,
        &["solution - solution"],
        false,
    ),
];

/// The fields of an item type (empty for the HR directory, which has its own rules).
pub fn fields(item_type: ItemType) -> &'static [FieldSpec] {
    match item_type {
        ItemType::Computer
        | ItemType::Monitor
        | ItemType::Printer
        | ItemType::NetworkEquipment
        | ItemType::Peripheral
        | ItemType::Phone => ASSET_COMMON,
        ItemType::Software => SOFTWARE,
        ItemType::User => USER,
        ItemType::Group => GROUP,
        ItemType::Location => LOCATION,
        ItemType::Ticket => TICKET,
        ItemType::Directory => &[],
    }
}

/// The fields that identify a row, in order of preference: a row's key is its first filled one.
/// One definition with the migration's reconciliation ([`crate::glpi::GlpiType::default_keys`]).
pub fn key_fields(item_type: ItemType) -> Vec<String> {
    crate::glpi::GlpiType::of_file(item_type)
        .map(|t| t.default_keys())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|alternative| match <[String; 1]>::try_from(alternative) {
            Ok([field]) => Some(field),
            Err(_) => None,
        })
        .collect()
}
