//! Companion files: what GLPI's list exports cannot carry (which monitor is on which computer,
//! which software version is installed where, who wrote which followup or task of a ticket and
//! when). Their format is documented here and offered as a downloadable template.

use crate::detect::normalize_label;
use crate::glpi::GlpiType;
use crate::read::Table;

/// The kinds of companion file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CompanionKind {
    /// Items connected to computers (`Computer_Item`): `ordinateur;type;element`.
    Connections,
    /// Software installed on computers: `ordinateur;logiciel;version`.
    Installations,
    /// The timeline of tickets, one row per followup, task or solution, keyed by the ticket's
    /// source id: `ticket;type;date;auteur;contenu;prive;duree;technicien;statut`, optionally
    /// followed by `source;categorie;type_solution`.
    Timeline,
    /// Network ports of assets, each with its network name and IP addresses:
    /// `element;type;numero;port;instanciation;mac;nom_reseau;adresses_ip` (the asset's serial
    /// or name, its GLPI type, the port's logical number, name, `NetworkPortEthernet`-style
    /// instantiation, MAC address, network name, and addresses separated by spaces).
    NetworkPorts,
    /// Suppliers with their details (see [`SUPPLIER_FIELDS`]): `nom;entite;recursif;type;…`.
    Suppliers,
    /// Contracts with their terms (see [`CONTRACT_FIELDS`]): `nom;entite;recursif;numero;…`.
    Contracts,
    /// Budgets with their amount and period (see [`BUDGET_FIELDS`]), which financial records
    /// name: `nom;entite;recursif;type;debut;fin;valeur;lieu;commentaire`.
    Budgets,
    /// What a contract covers or who supplies it: `contrat;type;element` (an asset's type and
    /// serial or name, or `Supplier` and the supplier's name).
    ContractLinks,
    /// Suppliers on tickets: `ticket;fournisseur;role` (the ticket's source id, the supplier's
    /// name, Demandeur / Attribué / Observateur).
    TicketSuppliers,
}

impl CompanionKind {
    /// Every kind.
    pub const ALL: [CompanionKind; 9] = [
        CompanionKind::Connections,
        CompanionKind::Installations,
        CompanionKind::Timeline,
        CompanionKind::NetworkPorts,
        CompanionKind::Suppliers,
        CompanionKind::Contracts,
        CompanionKind::ContractLinks,
        CompanionKind::TicketSuppliers,
        CompanionKind::Budgets,
    ];

    /// What the file is, as the check's summary names it.
    pub fn label(self, lang: crate::diagnostic::Lang) -> &'static str {
        use crate::diagnostic::Lang;
        match (self, lang) {
            (CompanionKind::Connections, Lang::Fr) => "liaisons de matériels (fichier compagnon)",
            (CompanionKind::Connections, Lang::En) => "item connections (companion file)",
            (CompanionKind::Installations, Lang::Fr) => {
                "installations de logiciels (fichier compagnon)"
            }
            (CompanionKind::Installations, Lang::En) => "software installations (companion file)",
            (CompanionKind::Timeline, Lang::Fr) => "chronologie des tickets (fichier compagnon)",
            (CompanionKind::Timeline, Lang::En) => "ticket timelines (companion file)",
            (CompanionKind::NetworkPorts, Lang::Fr) => "ports réseau (fichier compagnon)",
            (CompanionKind::NetworkPorts, Lang::En) => "network ports (companion file)",
            (CompanionKind::Suppliers, Lang::Fr) => "fournisseurs (fichier compagnon)",
            (CompanionKind::Suppliers, Lang::En) => "suppliers (companion file)",
            (CompanionKind::Contracts, Lang::Fr) => "contrats (fichier compagnon)",
            (CompanionKind::Contracts, Lang::En) => "contracts (companion file)",
            (CompanionKind::Budgets, Lang::Fr) => "budgets (fichier compagnon)",
            (CompanionKind::Budgets, Lang::En) => "budgets (companion file)",
            (CompanionKind::ContractLinks, Lang::Fr) => {
                "éléments et fournisseurs des contrats (fichier compagnon)"
            }
            (CompanionKind::ContractLinks, Lang::En) => {
                "contract items and suppliers (companion file)"
            }
            (CompanionKind::TicketSuppliers, Lang::Fr) => {
                "fournisseurs des tickets (fichier compagnon)"
            }
            (CompanionKind::TicketSuppliers, Lang::En) => "ticket suppliers (companion file)",
        }
    }

    /// The file name offered for the template.
    pub fn template_name(self) -> &'static str {
        match self {
            CompanionKind::Connections => "liaisons-materiels.csv",
            CompanionKind::Installations => "installations-logiciels.csv",
            CompanionKind::Timeline => "chronologie-tickets.csv",
            CompanionKind::NetworkPorts => "ports-reseau.csv",
            CompanionKind::Suppliers => "fournisseurs.csv",
            CompanionKind::Contracts => "contrats.csv",
            CompanionKind::Budgets => "budgets.csv",
            CompanionKind::ContractLinks => "contrats-liens.csv",
            CompanionKind::TicketSuppliers => "tickets-fournisseurs.csv",
        }
    }

    /// The required columns, in order (French; English names are accepted too).
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            CompanionKind::Connections => &["ordinateur", "type", "element"],
            CompanionKind::Installations => &["ordinateur", "logiciel", "version"],
            CompanionKind::Timeline => &TIMELINE_FR[..9],
            CompanionKind::NetworkPorts => &PORTS_FR[..8],
            CompanionKind::Suppliers => &SUPPLIERS_FR[..16],
            CompanionKind::Contracts => &CONTRACTS_FR,
            CompanionKind::Budgets => &BUDGETS_FR[..9],
            CompanionKind::ContractLinks => &["contrat", "type", "element"],
            CompanionKind::TicketSuppliers => &["ticket", "fournisseur", "role"],
        }
    }

    /// Every column the file may have, required first (French).
    pub fn all_headers(self) -> &'static [&'static str] {
        match self {
            CompanionKind::Timeline => &TIMELINE_FR,
            CompanionKind::NetworkPorts => &PORTS_FR,
            CompanionKind::Suppliers => &SUPPLIERS_FR,
            CompanionKind::Budgets => &BUDGETS_FR,
            other => other.headers(),
        }
    }

    fn english(self) -> &'static [&'static str] {
        match self {
            CompanionKind::Connections => &["computer", "type", "item"],
            CompanionKind::Installations => &["computer", "software", "version"],
            CompanionKind::Timeline => &TIMELINE_EN,
            CompanionKind::NetworkPorts => &PORTS_EN,
            CompanionKind::Suppliers => &SUPPLIERS_EN,
            CompanionKind::Contracts => &CONTRACTS_EN,
            CompanionKind::Budgets => &BUDGETS_EN,
            CompanionKind::ContractLinks => &["contract", "type", "item"],
            CompanionKind::TicketSuppliers => &["ticket", "supplier", "role"],
        }
    }

    /// Where each of [`CompanionKind::all_headers`] is in a file's header row (`None`: absent).
    pub fn positions(self, headers: &[String]) -> Vec<Option<usize>> {
        let norm: Vec<String> = headers
            .iter()
            .map(|h| normalize_label(h).replace(' ', "_"))
            .collect();
        self.all_headers()
            .iter()
            .zip(self.english())
            .map(|(fr, en)| norm.iter().position(|h| h == fr || h == en))
            .collect()
    }

    /// The name of each of [`CompanionKind::all_headers`] as this file's header row writes it
    /// (an English file's rejections name its English column), or the French name when absent.
    pub fn columns_as_written(self, headers: &[String]) -> Vec<String> {
        self.positions(headers)
            .into_iter()
            .zip(self.all_headers())
            .map(|(at, fr)| {
                at.and_then(|p| headers.get(p))
                    .map_or_else(|| fr.to_string(), |h| h.trim().to_string())
            })
            .collect()
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
            CompanionKind::Timeline => concat!(
                "ticket;type;date;auteur;contenu;prive;duree;technicien;statut;source;categorie;type_solution\r\n",
                "51;Suivi;2026-11-05 09:45:32;jerome.lefevre;Pouvez-vous préciser le numéro d'inventaire du matériel ?;Non;;;;Helpdesk;;\r\n",
                "51;Tâche;2026-11-10 08:48:10;jerome.lefevre;Vérification des droits sur le partage;Non;900;jerome.lefevre;Fait;;;\r\n",
                "51;Solution;2026-11-12 10:00:00;jerome.lefevre;Droits corrigés sur le partage.;;;;En attente;;;\r\n",
            ),
            CompanionKind::NetworkPorts => concat!(
                "element;type;numero;port;instanciation;mac;nom_reseau;adresses_ip\r\n",
                "PC-CAY-0001;Computer;1;Ethernet;NetworkPortEthernet;a4:bb:6d:a0:1f:51;pc-cay-0001;10.73.10.20\r\n",
                "RTR-CAY-01;NetworkEquipment;0;mgmt;NetworkPortEthernet;00:1b:54:2c:34:23;rtr-cay-01;10.73.1.6 192.0.2.15\r\n",
            ),
            CompanionKind::Suppliers => concat!(
                "nom;entite;recursif;type;numero_enregistrement;adresse;code_postal;ville;region;pays;site_web;telephone;fax;courriel;commentaire;actif\r\n",
                "UGAP;Root Entity > Préfecture de Guyane;Oui;Centrale d'achat;;;;Cayenne;;France;https://www.ugap.fr;;;;Union des groupements d'achats publics;Oui\r\n",
                "Guyane Bureautique Services;Root Entity > Préfecture de Guyane;Oui;Maintenance;;;97300;Cayenne;;France;;05 94 00 00 00;;contact@gbs.example;Maintenance imprimantes;Oui\r\n",
            ),
            CompanionKind::Contracts => concat!(
                "nom;entite;recursif;numero;type;debut;duree;preavis;periodicite;facturation;reconduction;alerte;numero_comptable;lieu;statut;commentaire\r\n",
                "Maintenance postes;Root Entity > Préfecture de Guyane;Non;MP-2026-01;Maintenance;2026-01-01;36;3;12;12;1;0;6152;;;Postes de la préfecture\r\n",
                "Téléphonie mobile;Root Entity > Préfecture de Guyane;Non;TM-2025;Abonnement;2025-07-01;24;2;1;1;2;0;;;;\r\n",
            ),
            CompanionKind::Budgets => concat!(
                "nom;entite;recursif;type;debut;fin;valeur;lieu;commentaire\r\n",
                "Budget DSI 2026;Root Entity > Préfecture de Guyane;Oui;Fonctionnement;2026-01-01;2026-12-31;50000.00;;Renouvellement du parc\r\n",
                "Plan de relance 2025;Root Entity > Préfecture de Guyane;Non;Investissement;2025-01-01;2025-12-31;120000.00;Cayenne;\r\n",
            ),
            CompanionKind::ContractLinks => concat!(
                "contrat;type;element\r\n",
                "Maintenance postes;Computer;PC-CAY-0001\r\n",
                "Maintenance postes;Supplier;UGAP\r\n",
            ),
            CompanionKind::TicketSuppliers => concat!(
                "ticket;fournisseur;role\r\n",
                "51;Guyane Bureautique Services;Attribué\r\n",
                "52;Orange Caraïbe;Observateur\r\n",
            ),
        };
        format!("\u{feff}{body}")
    }

    /// What each column holds, for the documentation shown next to the template.
    pub fn help_fr(self) -> &'static str {
        match self {
            CompanionKind::Connections => "ordinateur : numéro de série ou nom de l'ordinateur ; type : Moniteur, Périphérique, Imprimante ou Téléphone (ou Monitor, Peripheral, Printer, Phone) ; element : numéro de série ou nom de l'élément branché.",
            CompanionKind::Installations => "ordinateur : numéro de série ou nom de l'ordinateur ; logiciel : nom du logiciel (tel qu'exporté) ; version : nom de la version installée.",
            CompanionKind::Suppliers => "une ligne par fournisseur. nom ; entite : nom complet de l'entité ; recursif : Oui/Non ; type : type de fournisseur ; numero_enregistrement, adresse, code_postal, ville, region, pays, site_web, telephone, fax, courriel, commentaire ; actif : Oui/Non ; colonnes facultatives date_creation : AAAA-MM-JJ HH:MM:SS, la date de création dans l'ancien GLPI.",
            CompanionKind::Contracts => "une ligne par contrat. nom ; entite : nom complet de l'entité ; recursif : Oui/Non ; numero ; type : type de contrat ; debut : AAAA-MM-JJ ; duree, preavis, periodicite, facturation : en mois ; reconduction : 0 jamais, 1 tacite, 2 expresse ; alerte : code d'alerte de GLPI ; numero_comptable ; lieu : nom complet ; statut : nom complet ; commentaire.",
            CompanionKind::Budgets => "une ligne par budget. nom ; entite : nom complet de l'entité ; recursif : Oui/Non ; type : type de budget ; debut et fin : AAAA-MM-JJ ; valeur : montant (899,00 ou 899.00) ; lieu : nom complet ; commentaire ; colonne facultative date_creation : AAAA-MM-JJ HH:MM:SS, la date de création dans l'ancien GLPI. Les informations financières des matériels le nomment dans leur colonne Budget.",
            CompanionKind::ContractLinks => "contrat : nom du contrat ; type : Computer, Monitor, Printer, NetworkEquipment, Peripheral, Phone (ou leurs noms français) pour un élément couvert, Supplier (ou Fournisseur) pour un fournisseur du contrat ; element : numéro de série ou nom de l'élément, ou nom du fournisseur.",
            CompanionKind::TicketSuppliers => "ticket : ID du ticket dans l'export des tickets ; fournisseur : nom du fournisseur ; role : Demandeur, Attribué ou Observateur.",
            CompanionKind::NetworkPorts => "une ligne par port. element : numéro de série ou nom du matériel ; type : Computer, Monitor, Printer, NetworkEquipment, Peripheral ou Phone (ou Ordinateur, Moniteur, Imprimante, Matériel réseau, Périphérique, Téléphone) ; numero : numéro logique du port ; port : nom du port ; instanciation : NetworkPortEthernet, NetworkPortWifi… ; mac : adresse MAC ; nom_reseau : nom réseau du port ; adresses_ip : ses adresses IP, séparées par des espaces ; colonnes facultatives date_creation : AAAA-MM-JJ HH:MM:SS, la date de création dans l'ancien GLPI, commentaire : le commentaire du port (prise murale, position au brassage), mtu : la MTU mesurée (octets) et vitesse : le débit mesuré (bit/s), nombres entiers.",
            CompanionKind::Timeline => "une ligne par suivi, tâche ou solution, dans l'ordre d'origine. ticket : ID du ticket dans l'export des tickets ; type : Suivi, Tâche ou Solution ; date : AAAA-MM-JJ HH:MM[:SS] ; auteur : identifiant ou « Nom Prénom » ; contenu : texte ou HTML ; prive : Oui/Non ; duree (tâches) : secondes ou « 1 heures 30 minutes » ; technicien (tâches) : identifiant ou nom ; statut : Information, A faire ou Fait pour une tâche, En attente, Acceptée, Refusée ou Aucune pour une solution ; colonnes facultatives source (source de la demande d'un suivi), categorie (catégorie de tâche), type_solution, date_approbation et approbateur (d'une solution approuvée ou refusée), debut et fin (planification d'une tâche : AAAA-MM-JJ HH:MM[:SS]), groupe_technicien (groupe technicien d'une tâche : nom complet), date_creation (d'un suivi ou d'une tâche dans l'ancien GLPI : AAAA-MM-JJ HH:MM:SS) et uuid (d'une tâche dans l'ancien GLPI).",
        }
    }

    /// Same in English.
    pub fn help_en(self) -> &'static str {
        match self {
            CompanionKind::Connections => "computer: serial number or name of the computer; type: Monitor, Peripheral, Printer or Phone (French names accepted); item: serial number or name of the connected item.",
            CompanionKind::Installations => "computer: serial number or name of the computer; software: software name (as exported); version: installed version name.",
            CompanionKind::Suppliers => "one row per supplier. name; entity: the entity's complete name; recursive: Yes/No; type: supplier type; registration_number, address, postcode, town, state, country, website, phone, fax, email, comment; active: Yes/No; optional columns creation_date (or date_creation): YYYY-MM-DD HH:MM:SS, the creation date in the old GLPI.",
            CompanionKind::Contracts => "one row per contract. name; entity: the entity's complete name; recursive: Yes/No; number; type: contract type; begin_date: YYYY-MM-DD; duration, notice, periodicity, billing: in months; renewal: 0 never, 1 tacit, 2 express; alert: GLPI's alert code; accounting_number; location: complete name; state: complete name; comment.",
            CompanionKind::Budgets => "one row per budget. name; entity: the entity's complete name; recursive: Yes/No; type: budget type; begin_date and end_date: YYYY-MM-DD; value: the amount (899.00 or 899,00); location: complete name; comment; optional column creation_date (or date_creation): YYYY-MM-DD HH:MM:SS, the creation date in the old GLPI. Assets' financial information names it in its Budget column.",
            CompanionKind::ContractLinks => "contract: the contract's name; type: Computer, Monitor, Printer, NetworkEquipment, Peripheral, Phone (French names accepted) for a covered item, Supplier for a supplier of the contract; item: the item's serial number or name, or the supplier's name.",
            CompanionKind::TicketSuppliers => "ticket: the ticket's ID in the ticket export; supplier: the supplier's name; role: Requester, Assigned or Observer (French names accepted).",
            CompanionKind::NetworkPorts => "one row per port. item: serial number or name of the asset; type: Computer, Monitor, Printer, NetworkEquipment, Peripheral or Phone (French names accepted); number: the port's logical number; port: its name; instantiation: NetworkPortEthernet, NetworkPortWifi…; mac: MAC address; network_name: the port's network name; ip_addresses: its IP addresses, separated by spaces; optional columns creation_date (or date_creation): YYYY-MM-DD HH:MM:SS, the creation date in the old GLPI, comment (or commentaire): the port's comment (wall socket, patch panel position), mtu: the measured MTU (bytes) and speed: the measured speed (bit/s), whole numbers.",
            CompanionKind::Timeline => "one row per followup, task or solution, in their original order. ticket: the ticket's ID in the ticket export; kind: Followup, Task or Solution (French names accepted); date: YYYY-MM-DD HH:MM[:SS]; author: login or \"Last First\" name; content: text or HTML; private: Yes/No; duration (tasks): seconds or \"1 hours 30 minutes\"; technician (tasks): login or name; state: Information, To do or Done for a task, Waiting, Accepted, Refused or None for a solution; optional columns source (a followup's request source), category (task category), solution_type, approval_date and approver (of an approved or refused solution), begin and end (a task's schedule: YYYY-MM-DD HH:MM[:SS]), technician_group (a task's technician group: complete name), creation_date (or date_creation: when a followup's or task's row was written in the old GLPI, YYYY-MM-DD HH:MM:SS) and uuid (a task's UUID in the old GLPI).",
        }
    }
}

/// The timeline file's columns (French): nine required, then the optional ones.
const TIMELINE_FR: [&str; 19] = [
    "ticket",
    "type",
    "date",
    "auteur",
    "contenu",
    "prive",
    "duree",
    "technicien",
    "statut",
    "source",
    "categorie",
    "type_solution",
    "date_approbation",
    "approbateur",
    "debut",
    "fin",
    "groupe_technicien",
    // Optional: when the followup's or task's row was written in the old GLPI (its `date` is
    // the one shown; GLPI stamps the write's time otherwise).
    "date_creation",
    // Optional: a task's UUID in the old GLPI (the engine makes one otherwise).
    "uuid",
];

/// The same in English.
const TIMELINE_EN: [&str; 19] = [
    "ticket",
    "kind",
    "date",
    "author",
    "content",
    "private",
    "duration",
    "technician",
    "state",
    "source",
    "category",
    "solution_type",
    "approval_date",
    "approver",
    "begin",
    "end",
    "technician_group",
    "creation_date",
    "uuid",
];

/// The network ports file's columns (French).
const PORTS_FR: [&str; 12] = [
    "element",
    "type",
    "numero",
    "port",
    "instanciation",
    "mac",
    "nom_reseau",
    "adresses_ip",
    // Optional: the port's creation date in the old GLPI (GLPI stamps the write's time otherwise).
    "date_creation",
    // Optional: the port's comment (a wall socket, a patch panel position).
    "commentaire",
    // Optional: what the old GLPI's inventory measured, MTU (bytes) and speed (bit/s).
    "mtu",
    "vitesse",
];

/// The same in English.
const PORTS_EN: [&str; 12] = [
    "item",
    "type",
    "number",
    "port",
    "instantiation",
    "mac",
    "network_name",
    "ip_addresses",
    "creation_date",
    "comment",
    "mtu",
    "speed",
];

/// The suppliers file's columns (French), each with the supplier's field it fills.
const SUPPLIERS_FR: [&str; 17] = [
    "nom",
    "entite",
    "recursif",
    "type",
    "numero_enregistrement",
    "adresse",
    "code_postal",
    "ville",
    "region",
    "pays",
    "site_web",
    "telephone",
    "fax",
    "courriel",
    "commentaire",
    "actif",
    // Optional, as for ports.
    "date_creation",
];

/// The same in English.
const SUPPLIERS_EN: [&str; 17] = [
    "name",
    "entity",
    "recursive",
    "type",
    "registration_number",
    "address",
    "postcode",
    "town",
    "state",
    "country",
    "website",
    "phone",
    "fax",
    "email",
    "comment",
    "active",
    "creation_date",
];

/// The supplier's fields, column by column of the suppliers file.
pub const SUPPLIER_FIELDS: [&str; 17] = [
    "name",
    "entities_id",
    "is_recursive",
    "suppliertypes_id",
    "registration_number",
    "address",
    "postcode",
    "town",
    "state",
    "country",
    "website",
    "phonenumber",
    "fax",
    "email",
    "comment",
    "is_active",
    "date_creation",
];

/// The contracts file's columns (French).
const CONTRACTS_FR: [&str; 16] = [
    "nom",
    "entite",
    "recursif",
    "numero",
    "type",
    "debut",
    "duree",
    "preavis",
    "periodicite",
    "facturation",
    "reconduction",
    "alerte",
    "numero_comptable",
    "lieu",
    "statut",
    "commentaire",
];

/// The same in English.
const CONTRACTS_EN: [&str; 16] = [
    "name",
    "entity",
    "recursive",
    "number",
    "type",
    "begin_date",
    "duration",
    "notice",
    "periodicity",
    "billing",
    "renewal",
    "alert",
    "accounting_number",
    "location",
    "state",
    "comment",
];

/// The contract's fields, column by column of the contracts file.
pub const CONTRACT_FIELDS: [&str; 16] = [
    "name",
    "entities_id",
    "is_recursive",
    "num",
    "contracttypes_id",
    "begin_date",
    "duration",
    "notice",
    "periodicity",
    "billing",
    "renewal",
    "alert",
    "accounting_number",
    "locations_id",
    "states_id",
    "comment",
];

/// The budgets file's columns (French).
const BUDGETS_FR: [&str; 10] = [
    "nom",
    "entite",
    "recursif",
    "type",
    "debut",
    "fin",
    "valeur",
    "lieu",
    "commentaire",
    // Optional: the budget's creation date in the old GLPI (GLPI stamps the write's time
    // otherwise).
    "date_creation",
];

/// The same in English.
const BUDGETS_EN: [&str; 10] = [
    "name",
    "entity",
    "recursive",
    "type",
    "begin_date",
    "end_date",
    "value",
    "location",
    "comment",
    "creation_date",
];

/// The budget's fields, column by column of the budgets file.
pub const BUDGET_FIELDS: [&str; 10] = [
    "name",
    "entities_id",
    "is_recursive",
    "budgettypes_id",
    "begin_date",
    "end_date",
    "value",
    "locations_id",
    "comment",
    "date_creation",
];

/// The role a ticket suppliers file's `role` column names: GLPI's actor type (1 requester,
/// 2 assigned, 3 observer).
pub fn actor_role(value: &str) -> Option<i64> {
    Some(match normalize_label(value).as_str() {
        "1" | "demandeur" | "requester" => 1,
        "2" | "attribue" | "assigne" | "assigned" | "technicien" => 2,
        "3" | "observateur" | "observer" | "watcher" => 3,
        _ => return None,
    })
}

/// What a contract links file's `type` column names: an asset type, or the supplier.
pub fn contract_link_itemtype(value: &str) -> Option<GlpiType> {
    match normalize_label(value).as_str() {
        "supplier" | "fournisseur" => Some(GlpiType::Supplier),
        _ => port_itemtype(value),
    }
}

/// Recognises a companion file from its header row: the required columns in order, then only
/// the optional ones (timeline).
pub fn detect_companion(headers: &[String]) -> Option<CompanionKind> {
    let norm: Vec<String> = headers
        .iter()
        .map(|h| normalize_label(h).replace(' ', "_"))
        .filter(|h| !h.is_empty())
        .collect();
    CompanionKind::ALL.into_iter().find(|k| {
        let required = k.headers().len();
        let all = k.all_headers().len();
        let fits = |names: &[&str]| {
            norm.len() >= required
                && norm.len() <= all
                && norm[..required].iter().zip(names).all(|(a, b)| a == b)
                && norm[required..]
                    .iter()
                    .all(|h| names[required..].contains(&h.as_str()))
        };
        fits(k.all_headers()) || fits(k.english())
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

/// The asset type named in a network ports file's `type` column (GLPI's name or French).
pub fn port_itemtype(value: &str) -> Option<GlpiType> {
    if let Some(t) = GlpiType::from_name(value.trim())
        .ok()
        .filter(|t| t.is_asset())
    {
        return Some(t);
    }
    Some(match normalize_label(value).as_str() {
        "ordinateur" => GlpiType::Computer,
        "materiel reseau" | "network equipment" | "network device" => GlpiType::NetworkEquipment,
        _ => return connection_itemtype(value),
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

    /// The help shown beside each template names every column the file may have, in its
    /// language: an optional column missing from it is one a user cannot know to give.
    #[test]
    fn each_help_names_every_column_of_its_file() {
        for kind in CompanionKind::ALL {
            for (help, columns) in [
                (kind.help_fr(), kind.all_headers()),
                (kind.help_en(), kind.english()),
            ] {
                for column in columns {
                    assert!(
                        help.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .any(|word| word == *column),
                        "{kind:?}: the help does not name {column:?}: {help}"
                    );
                }
            }
        }
    }

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
            assert_eq!(
                table.records.len(),
                if kind == CompanionKind::Timeline {
                    3
                } else {
                    2
                }
            );
        }
        assert_eq!(
            detect_companion(&["Computer".into(), "Type".into(), "Item".into()]),
            Some(CompanionKind::Connections)
        );
        assert_eq!(connection_itemtype("Écran"), Some(GlpiType::Monitor));
        assert_eq!(connection_itemtype("Scanner"), None);
        assert_eq!(
            port_itemtype("NetworkEquipment"),
            Some(GlpiType::NetworkEquipment)
        );
        assert_eq!(
            port_itemtype("Matériel réseau"),
            Some(GlpiType::NetworkEquipment)
        );
        assert_eq!(port_itemtype("Imprimante"), Some(GlpiType::Printer));
        assert_eq!(port_itemtype("Ticket"), None);
        assert_eq!(
            contract_link_itemtype("Fournisseur"),
            Some(GlpiType::Supplier)
        );
        assert_eq!(
            contract_link_itemtype("Ordinateur"),
            Some(GlpiType::Computer)
        );
        assert_eq!(actor_role("Attribué"), Some(2));
        assert_eq!(actor_role("observer"), Some(3));
        assert_eq!(actor_role("chef"), None);
        for kind in CompanionKind::ALL {
            let headers: Vec<String> = kind.english().iter().map(|h| h.to_string()).collect();
            assert_eq!(detect_companion(&headers), Some(kind), "{kind:?}");
        }
    }
}
