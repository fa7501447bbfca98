//! GLPI's own words, in one place: the name of every item type and of every exported field as
//! GLPI 10.0.11's French interface writes them (its `locales/fr_FR.po`, its export headers:
//! "Lieu", "Titre", "Habilitation", "Numéro de série", "Entité", accents included) and as its
//! English interface does; and plural agreement for counts ("1 ligne", "2 lignes").
//!
//! The page, the CLI and the engine's messages name types and fields through here, never by
//! GLPI's class names (`Location`, `Profile_User`) or the accentless forms the column matching
//! uses (`map::catalog`).

use super::GlpiType;
use crate::detect::ItemType;
use crate::diagnostic::Lang;

/// A noun in French and in English, singular and plural, capitalised as GLPI writes it alone
/// (a title, a column head); [`Noun::count`] puts it after a number, in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noun {
    /// French (singular, plural).
    pub fr: (&'static str, &'static str),
    /// English (singular, plural).
    pub en: (&'static str, &'static str),
}

impl Noun {
    /// A noun from its French and English (singular, plural) forms.
    pub const fn new(fr: (&'static str, &'static str), en: (&'static str, &'static str)) -> Noun {
        Noun { fr, en }
    }

    /// The singular.
    pub fn one(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr.0,
            Lang::En => self.en.0,
        }
    }

    /// The plural.
    pub fn many(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr.1,
            Lang::En => self.en.1,
        }
    }

    /// The form that agrees with `n`: in French 0 and 1 take the singular ("0 ligne",
    /// "1 ligne", "2 lignes"), in English only 1 does ("0 lines", "1 line").
    pub fn agree(self, lang: Lang, n: usize) -> &'static str {
        if is_singular(lang, n) {
            self.one(lang)
        } else {
            self.many(lang)
        }
    }

    /// `n` and the noun that agrees with it, in lower case after the number: "1 ligne",
    /// "120 ordinateurs", "3 matériels réseau", "2 habilitations"; "1 ID" keeps its capitals.
    pub fn count(self, lang: Lang, n: usize) -> String {
        format!("{} {}", number(lang, n), lower_first(self.agree(lang, n)))
    }
}

/// Whether `n` takes the singular in `lang`.
pub fn is_singular(lang: Lang, n: usize) -> bool {
    match lang {
        Lang::Fr => n < 2,
        Lang::En => n == 1,
    }
}

/// `n` written as each language groups digits: "12 345" (a narrow no-break space) in French,
/// "12,345" in English.
pub fn number(lang: Lang, n: usize) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Fr => "\u{202f}",
        Lang::En => ",",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// The first letter in lower case unless the word is an acronym ("ID", "ITIL").
fn lower_first(word: &str) -> String {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let second_is_upper = word.chars().nth(1).is_some_and(char::is_uppercase);
    if second_is_upper {
        return word.to_string();
    }
    first.to_lowercase().chain(chars).collect()
}

/// Common nouns of the page's counters.
pub mod nouns {
    use super::Noun;

    /// A line of a file.
    pub const LINE: Noun = Noun::new(("Ligne", "Lignes"), ("Line", "Lines"));
    /// A file.
    pub const FILE: Noun = Noun::new(("Fichier", "Fichiers"), ("File", "Files"));
    /// An error.
    pub const ERROR: Noun = Noun::new(("Erreur", "Erreurs"), ("Error", "Errors"));
    /// A warning.
    pub const WARNING: Noun =
        Noun::new(("Avertissement", "Avertissements"), ("Warning", "Warnings"));
    /// A value.
    pub const VALUE: Noun = Noun::new(("Valeur", "Valeurs"), ("Value", "Values"));
    /// An object of the plan.
    pub const OBJECT: Noun = Noun::new(("Objet", "Objets"), ("Object", "Objects"));
    /// A request to GLPI.
    pub const REQUEST: Noun = Noun::new(("Requête", "Requêtes"), ("Request", "Requests"));
    /// A correction made in the page.
    pub const CORRECTION: Noun =
        Noun::new(("Correction", "Corrections"), ("Correction", "Corrections"));
    /// A field (GLPI's "Champ").
    pub const FIELD: Noun = Noun::new(("Champ", "Champs"), ("Field", "Fields"));
    /// An item (GLPI's "Élément").
    pub const ITEM: Noun = Noun::new(("Élément", "Éléments"), ("Item", "Items"));
}

impl GlpiType {
    /// The type's name as GLPI's interface writes it (`Location` → "Lieu" / "Location",
    /// `Profile_User` → "Habilitation" / "Authorization").
    pub fn noun(self) -> Noun {
        use GlpiType::*;
        match self {
            Computer => Noun::new(("Ordinateur", "Ordinateurs"), ("Computer", "Computers")),
            Monitor => Noun::new(("Moniteur", "Moniteurs"), ("Monitor", "Monitors")),
            Printer => Noun::new(("Imprimante", "Imprimantes"), ("Printer", "Printers")),
            NetworkEquipment => Noun::new(
                ("Matériel réseau", "Matériels réseau"),
                ("Network device", "Network devices"),
            ),
            Peripheral => Noun::new(("Périphérique", "Périphériques"), ("Device", "Devices")),
            Phone => Noun::new(("Téléphone", "Téléphones"), ("Phone", "Phones")),
            Software => Noun::new(("Logiciel", "Logiciels"), ("Software", "Software")),
            SoftwareVersion => Noun::new(
                ("Version de logiciel", "Versions de logiciels"),
                ("Software version", "Software versions"),
            ),
            ItemSoftwareVersion => Noun::new(
                ("Installation", "Installations"),
                ("Installation", "Installations"),
            ),
            ComputerItem => Noun::new(("Connexion", "Connexions"), ("Connection", "Connections")),
            NetworkPort => Noun::new(
                ("Port réseau", "Ports réseau"),
                ("Network port", "Network ports"),
            ),
            NetworkName => Noun::new(
                ("Nom réseau", "Noms réseau"),
                ("Network name", "Network names"),
            ),
            IpAddress => Noun::new(
                ("Adresse IP", "Adresses IP"),
                ("IP address", "IP addresses"),
            ),
            Document => Noun::new(("Document", "Documents"), ("Document", "Documents")),
            DocumentItem => Noun::new(
                (
                    "Élément associé au document",
                    "Éléments associés au document",
                ),
                ("Document item", "Document items"),
            ),
            DocumentCategory => Noun::new(
                ("Rubrique de documents", "Rubriques des documents"),
                ("Document heading", "Document headings"),
            ),
            ItemOperatingSystem => Noun::new(
                (
                    "Système d'exploitation d'un élément",
                    "Systèmes d'exploitation des éléments",
                ),
                ("Item operating system", "Item operating systems"),
            ),
            Infocom => Noun::new(
                (
                    "Informations financières et administratives",
                    "Informations financières et administratives",
                ),
                (
                    "Financial and administrative information",
                    "Financial and administrative information",
                ),
            ),
            User => Noun::new(("Utilisateur", "Utilisateurs"), ("User", "Users")),
            UserEmail => Noun::new(("Courriel", "Courriels"), ("Email", "Emails")),
            Group => Noun::new(("Groupe", "Groupes"), ("Group", "Groups")),
            GroupUser => Noun::new(
                ("Appartenance à un groupe", "Appartenances à un groupe"),
                ("Group membership", "Group memberships"),
            ),
            Profile => Noun::new(("Profil", "Profils"), ("Profile", "Profiles")),
            ProfileUser => Noun::new(
                ("Habilitation", "Habilitations"),
                ("Authorization", "Authorizations"),
            ),
            Entity => Noun::new(("Entité", "Entités"), ("Entity", "Entities")),
            Location => Noun::new(("Lieu", "Lieux"), ("Location", "Locations")),
            State => Noun::new(
                ("Statut des éléments", "Statuts des éléments"),
                ("Status of items", "Statuses of items"),
            ),
            SoftwareCategory => Noun::new(
                ("Catégorie de logiciel", "Catégories des logiciels"),
                ("Software category", "Software categories"),
            ),
            Manufacturer => Noun::new(
                ("Fabricant", "Fabricants"),
                ("Manufacturer", "Manufacturers"),
            ),
            Supplier => Noun::new(("Fournisseur", "Fournisseurs"), ("Supplier", "Suppliers")),
            SupplierType => Noun::new(
                ("Type de fournisseur", "Types de fournisseurs"),
                ("Supplier type", "Supplier types"),
            ),
            Contract => Noun::new(("Contrat", "Contrats"), ("Contract", "Contracts")),
            ContractType => Noun::new(
                ("Type de contrat", "Types de contrats"),
                ("Contract type", "Contract types"),
            ),
            ContractItem => Noun::new(
                ("Élément sous contrat", "Éléments sous contrat"),
                ("Contract item", "Contract items"),
            ),
            ContractSupplier => Noun::new(
                ("Fournisseur d'un contrat", "Fournisseurs des contrats"),
                ("Contract supplier", "Contract suppliers"),
            ),
            SupplierTicket => Noun::new(
                ("Fournisseur d'un ticket", "Fournisseurs des tickets"),
                ("Ticket supplier", "Ticket suppliers"),
            ),
            UserTitle => Noun::new(("Titre", "Titres"), ("User title", "User titles")),
            UserCategory => Noun::new(
                ("Catégorie d'utilisateur", "Catégories d'utilisateur"),
                ("User category", "User categories"),
            ),
            OperatingSystem => Noun::new(
                ("Système d'exploitation", "Systèmes d'exploitation"),
                ("Operating system", "Operating systems"),
            ),
            OperatingSystemVersion => Noun::new(
                (
                    "Version du système d'exploitation",
                    "Versions des systèmes d'exploitation",
                ),
                (
                    "Version of the operating system",
                    "Versions of the operating systems",
                ),
            ),
            OperatingSystemArchitecture => Noun::new(
                (
                    "Architecture du système d'exploitation",
                    "Architectures du système d'exploitation",
                ),
                (
                    "Operating system architecture",
                    "Operating system architectures",
                ),
            ),
            OperatingSystemServicePack => Noun::new(
                ("Service pack", "Service packs"),
                ("Service pack", "Service packs"),
            ),
            OperatingSystemKernel => Noun::new(("Noyau", "Noyaux"), ("Kernel", "Kernels")),
            OperatingSystemKernelVersion => Noun::new(
                ("Version de noyau", "Versions des noyaux"),
                ("Kernel version", "Kernel versions"),
            ),
            OperatingSystemEdition => Noun::new(("Édition", "Éditions"), ("Edition", "Editions")),
            ComputerModel => Noun::new(
                ("Modèle d'ordinateur", "Modèles d'ordinateur"),
                ("Computer model", "Computer models"),
            ),
            ComputerType => Noun::new(
                ("Type d'ordinateur", "Types d'ordinateur"),
                ("Computer type", "Computer types"),
            ),
            MonitorModel => Noun::new(
                ("Modèle de moniteur", "Modèles de moniteur"),
                ("Monitor model", "Monitor models"),
            ),
            MonitorType => Noun::new(
                ("Type de moniteur", "Types de moniteur"),
                ("Monitor type", "Monitor types"),
            ),
            PrinterModel => Noun::new(
                ("Modèle d'imprimante", "Modèles d'imprimante"),
                ("Printer model", "Printer models"),
            ),
            PrinterType => Noun::new(
                ("Type d'imprimante", "Types d'imprimante"),
                ("Printer type", "Printer types"),
            ),
            NetworkEquipmentModel => Noun::new(
                ("Modèle de matériel réseau", "Modèles de matériel réseau"),
                ("Networking equipment model", "Networking equipment models"),
            ),
            NetworkEquipmentType => Noun::new(
                ("Type de matériel réseau", "Types de matériel réseau"),
                ("Networking equipment type", "Networking equipment types"),
            ),
            PeripheralModel => Noun::new(
                ("Modèle de périphérique", "Modèles de périphérique"),
                ("Peripheral model", "Peripheral models"),
            ),
            PeripheralType => Noun::new(
                ("Type de périphérique", "Types de périphérique"),
                ("Devices type", "Devices types"),
            ),
            PhoneModel => Noun::new(
                ("Modèle de téléphone", "Modèles de téléphone"),
                ("Phone model", "Phone models"),
            ),
            PhoneType => Noun::new(
                ("Type de téléphone", "Types de téléphone"),
                ("Phone type", "Phone types"),
            ),
            Ticket => Noun::new(("Ticket", "Tickets"), ("Ticket", "Tickets")),
            TicketUser => Noun::new(
                (
                    "Acteur du ticket (utilisateur)",
                    "Acteurs du ticket (utilisateurs)",
                ),
                ("Ticket actor (user)", "Ticket actors (users)"),
            ),
            GroupTicket => Noun::new(
                ("Acteur du ticket (groupe)", "Acteurs du ticket (groupes)"),
                ("Ticket actor (group)", "Ticket actors (groups)"),
            ),
            ItemTicket => Noun::new(
                ("Élément du ticket", "Éléments du ticket"),
                ("Ticket item", "Ticket items"),
            ),
            ItilFollowup => Noun::new(("Suivi", "Suivis"), ("Followup", "Followups")),
            TicketTask => Noun::new(
                ("Tâche de ticket", "Tâches de ticket"),
                ("Ticket task", "Ticket tasks"),
            ),
            ItilSolution => Noun::new(("Solution", "Solutions"), ("Solution", "Solutions")),
            ItilCategory => Noun::new(
                ("Catégorie ITIL", "Catégories ITIL"),
                ("ITIL category", "ITIL categories"),
            ),
            RequestType => Noun::new(
                ("Source de la demande", "Sources des demandes"),
                ("Request source", "Request sources"),
            ),
            TaskCategory => Noun::new(
                ("Catégorie de tâches", "Catégories de tâches"),
                ("Task category", "Task categories"),
            ),
            SolutionType => Noun::new(
                ("Type de solution", "Types de solutions"),
                ("Solution type", "Solution types"),
            ),
            // GLPI's French interface says "Criticité business".
            BusinessCriticity => Noun::new(
                ("Criticité business", "Criticités business"),
                ("Business criticity", "Business criticities"),
            ),
            Budget => Noun::new(("Budget", "Budgets"), ("Budget", "Budgets")),
            BudgetType => Noun::new(
                ("Type de budget", "Types de budget"),
                ("Budget type", "Budget types"),
            ),
        }
    }

    /// The type's name, singular, in `lang` (a column head, a list).
    pub fn label(self, lang: Lang) -> &'static str {
        self.noun().one(lang)
    }
}

impl ItemType {
    /// The name of what a file holds (plural: "Ordinateurs", "Annuaire RH").
    pub fn noun(self) -> Noun {
        match GlpiType::of_file(self) {
            Some(t) => t.noun(),
            None => match self {
                ItemType::Ticket => GlpiType::Ticket.noun(),
                _ => Noun::new(
                    ("Annuaire RH", "Annuaire RH"),
                    ("HR directory", "HR directory"),
                ),
            },
        }
    }
}

/// Every field the exports carry, by GLPI field name (or the plan's pseudo-field): its label in
/// GLPI's French interface (as its export headers write it), then in its English one.
const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "Nom", "Name"),
    ("entities_id", "Entité", "Entity"),
    ("id", "ID", "ID"),
    ("serial", "Numéro de série", "Serial number"),
    ("otherserial", "Numéro d'inventaire", "Inventory number"),
    ("manufacturers_id", "Fabricant", "Manufacturer"),
    ("_model", "Modèle", "Model"),
    ("_type", "Type", "Type"),
    ("states_id", "Statut", "Status"),
    ("locations_id", "Lieu", "Location"),
    ("users_id", "Utilisateur", "User"),
    ("contact", "Usager", "Alternate username"),
    ("groups_id", "Groupe", "Group"),
    (
        "users_id_tech",
        "Technicien responsable",
        "Technician in charge of the hardware",
    ),
    (
        "groups_id_tech",
        "Groupe responsable",
        "Group in charge of the hardware",
    ),
    ("_ips", "Réseau - IP", "Network - IP"),
    ("_macs", "Réseau - Adresse MAC", "Network - MAC address"),
    (
        "operatingsystems_id",
        "Système d'exploitation - Nom",
        "Operating system - Name",
    ),
    (
        "operatingsystemversions_id",
        "Système d'exploitation - Version",
        "Operating system - Version",
    ),
    (
        "operatingsystemarchitectures_id",
        "Système d'exploitation - Architecture",
        "Operating system - Architecture",
    ),
    (
        "operatingsystemkernelversions_id",
        "Système d'exploitation - Version du noyau",
        "Operating system - Kernel version",
    ),
    (
        "operatingsystemservicepacks_id",
        "Système d'exploitation - Service pack",
        "Operating system - Service pack",
    ),
    (
        "operatingsystemeditions_id",
        "Système d'exploitation - Édition",
        "Operating system - Edition",
    ),
    (
        "license_number",
        "Système d'exploitation - Numéro de série",
        "Operating system - Serial number",
    ),
    (
        "_monitor_count",
        "Moniteurs - Nombre de moniteurs",
        "Monitors - Number of monitors",
    ),
    (
        "buy_date",
        "Informations financières et administratives - Date d'achat",
        "Financial and administrative information - Date of purchase",
    ),
    (
        "warranty_expiration",
        "Informations financières et administratives - Date d'expiration de la garantie",
        "Financial and administrative information - Warranty expiration date",
    ),
    (
        "value",
        "Informations financières et administratives - Valeur",
        "Financial and administrative information - Value",
    ),
    (
        "use_date",
        "Informations financières et administratives - Date de mise en service",
        "Financial and administrative information - Startup date",
    ),
    (
        "order_date",
        "Informations financières et administratives - Date de commande",
        "Financial and administrative information - Order date",
    ),
    (
        "delivery_date",
        "Informations financières et administratives - Date de livraison",
        "Financial and administrative information - Delivery date",
    ),
    (
        "order_number",
        "Informations financières et administratives - Numéro de commande",
        "Financial and administrative information - Order number",
    ),
    (
        "immo_number",
        "Informations financières et administratives - Numéro d'immobilisation",
        "Financial and administrative information - Immobilization number",
    ),
    (
        "bill",
        "Informations financières et administratives - Numéro de facture",
        "Financial and administrative information - Invoice number",
    ),
    (
        "delivery_number",
        "Informations financières et administratives - Bon de livraison",
        "Financial and administrative information - Delivery form",
    ),
    (
        "warranty_info",
        "Informations financières et administratives - Informations sur la garantie",
        "Financial and administrative information - Warranty information",
    ),
    (
        "warranty_value",
        "Informations financières et administratives - Valeur extension garantie",
        "Financial and administrative information - Warranty extension value",
    ),
    (
        "suppliers_id",
        "Informations financières et administratives - Fournisseur",
        "Financial and administrative information - Supplier",
    ),
    (
        "licenseid",
        "Système d'exploitation - Product ID",
        "Operating system - Product ID",
    ),
    (
        "install_date",
        "Système d'exploitation - Date d'installation",
        "Operating system - Installation date",
    ),
    (
        "company",
        "Système d'exploitation - Entreprise",
        "Operating system - Company",
    ),
    (
        "owner",
        "Système d'exploitation - Propriétaire",
        "Operating system - Owner",
    ),
    (
        "hostid",
        "Système d'exploitation - Identifiant de l'hôte",
        "Operating system - Host ID",
    ),
    (
        "_os_date_creation",
        "Système d'exploitation - Date de création",
        "Operating system - Creation date",
    ),
    (
        "_os_kernel",
        "Système d'exploitation - Noyau",
        "Operating system - Kernel",
    ),
    (
        "budgets_id",
        "Informations financières et administratives - Budget",
        "Financial and administrative information - Budget",
    ),
    (
        "businesscriticities_id",
        "Informations financières et administratives - Criticité business",
        "Financial and administrative information - Business criticity",
    ),
    (
        "_infocom_date_creation",
        "Informations financières et administratives - Date de création",
        "Financial and administrative information - Creation date",
    ),
    (
        "sink_time",
        "Informations financières et administratives - Durée d'amortissement",
        "Financial and administrative information - Amortization duration",
    ),
    (
        "sink_type",
        "Informations financières et administratives - Type d'amortissement",
        "Financial and administrative information - Amortization type",
    ),
    (
        "sink_coeff",
        "Informations financières et administratives - Coefficient d'amortissement",
        "Financial and administrative information - Amortization coefficient",
    ),
    (
        "alert",
        "Informations financières et administratives - Alertes par courriel",
        "Financial and administrative information - Email alarms",
    ),
    (
        "_infocom_comment",
        "Informations financières et administratives - Commentaires",
        "Financial and administrative information - Comments",
    ),
    (
        "inventory_date",
        "Informations financières et administratives - Date de dernier inventaire physique",
        "Financial and administrative information - Date of last physical inventory",
    ),
    (
        "decommission_date",
        "Informations financières et administratives - Date de réforme",
        "Financial and administrative information - Decommission date",
    ),
    ("contact_num", "Usager numéro", "Alternate username number"),
    ("uuid", "UUID", "UUID"),
    ("brand", "Marque", "Brand"),
    ("memory_size", "Mémoire", "Memory"),
    (
        "init_pages_counter",
        "Compteur de page initial",
        "Initial page counter",
    ),
    ("ram", "Mémoire (Mio)", "Memory (MiB)"),
    ("cpu", "Processeur (%)", "CPU (%)"),
    ("size", "Taille", "Size"),
    ("number_line", "Nombre de lignes", "Number of lines"),
    (
        "last_pages_counter",
        "Compteur de page actuel",
        "Current counter of pages",
    ),
    ("comment", "Commentaires", "Comments"),
    ("date_creation", "Date de création", "Creation date"),
    ("date_mod", "Dernière modification", "Last update"),
    ("softwarecategories_id", "Catégorie", "Category"),
    ("_versions", "Versions - Nom", "Versions - Name"),
    ("_versions_states", "Versions - Statut", "Versions - Status"),
    (
        "_versions_arch",
        "Versions - Architecture",
        "Versions - Architecture",
    ),
    (
        "_versions_comments",
        "Versions - Commentaires",
        "Versions - Comments",
    ),
    (
        "_versions_os",
        "Versions - Système d'exploitation",
        "Versions - Operating system",
    ),
    (
        "_versions_dates",
        "Versions - Date de création",
        "Versions - Creation date",
    ),
    (
        "_installations",
        "Nombre d'installations",
        "Number of installations",
    ),
    ("is_recursive", "Sous-entités", "Child entities"),
    ("realname", "Nom de famille", "Last name"),
    ("firstname", "Prénom", "First name"),
    ("_useremails", "Courriels", "Emails"),
    ("phone", "Téléphone", "Phone"),
    ("mobile", "Téléphone mobile", "Mobile phone"),
    ("phone2", "Téléphone 2", "Phone 2"),
    ("users_id_supervisor", "Responsable", "Responsible"),
    ("nickname", "Pseudonyme", "Nickname"),
    ("begin_date", "Valide depuis", "Valid since"),
    ("end_date", "Valide jusqu'à", "Valid until"),
    ("registration_number", "Matricule", "Administrative number"),
    ("usertitles_id", "Titre", "Title"),
    ("usercategories_id", "Catégorie", "Category"),
    ("_groups", "Groupes", "Groups"),
    ("_profiles", "Profils (Entité)", "Profiles (entity)"),
    (
        "_entities_profiles",
        "Entités (Profil)",
        "Entities (profile)",
    ),
    ("is_active", "Actif", "Active"),
    ("last_login", "Dernière connexion", "Last login"),
    ("completename", "Nom complet", "Complete name"),
    ("_parent", "Père", "As child of"),
    ("_manager", "Responsable", "Manager"),
    ("is_requester", "Demandeur", "Requester"),
    ("is_assign", "Attribué à", "Assigned to"),
    (
        "is_usergroup",
        "Peut contenir Utilisateurs",
        "Can contain users",
    ),
    (
        "is_itemgroup",
        "Peut contenir Éléments",
        "Can contain items",
    ),
    ("address", "Adresse", "Address"),
    ("postcode", "Code postal", "Postal code"),
    ("town", "Ville", "Town"),
    ("building", "Numéro du bâtiment", "Building number"),
    ("room", "Numéro de la pièce", "Room number"),
    ("have_serial", "Série", "Serial"),
    ("have_parallel", "Parallèle", "Parallel"),
    ("have_usb", "USB", "USB"),
    ("have_wifi", "Wifi", "Wifi"),
    ("have_ethernet", "Ethernet", "Ethernet"),
    ("have_micro", "Micro", "Microphone"),
    ("have_speaker", "Haut-parleurs", "Speakers"),
    ("have_subd", "Sub-D", "Sub-D"),
    ("have_bnc", "BNC", "BNC"),
    ("have_dvi", "DVI", "DVI"),
    ("have_pivot", "Pivot", "Pivot"),
    ("have_hdmi", "HDMI", "HDMI"),
    ("have_displayport", "DisplayPort", "DisplayPort"),
    ("have_headset", "Casque", "Headset"),
    ("have_hp", "Haut-parleur", "Speaker"),
    ("state", "État", "State"),
    ("country", "Pays", "Country"),
    ("latitude", "Latitude", "Latitude"),
    ("longitude", "Longitude", "Longitude"),
    ("altitude", "Altitude", "Altitude"),
    ("language", "Langue", "Language"),
    ("itilcategories_id", "Catégorie", "Category"),
    (
        "_users_id_requester",
        "Demandeur - Demandeur",
        "Requester - Requester",
    ),
    (
        "_groups_id_requester",
        "Demandeur - Groupe demandeur",
        "Requester - Requester group",
    ),
    (
        "_users_id_assign",
        "Attribué à - Technicien",
        "Assigned to - Technician",
    ),
    (
        "_groups_id_assign",
        "Attribué à - Groupe de techniciens",
        "Assigned to - Technician group",
    ),
    ("_items", "Éléments associés", "Associated elements"),
    ("requesttypes_id", "Source de la demande", "Request source"),
    ("date", "Date d'ouverture", "Opening date"),
    ("solvedate", "Date de résolution", "Resolution date"),
    ("closedate", "Date de clôture", "Closing date"),
    (
        "takeintoaccountdate",
        "Date de prise en compte",
        "Take into account date",
    ),
    (
        "takeintoaccount_delay_stat",
        "Délai de prise en compte (s)",
        "Take into account time (s)",
    ),
    ("users_id_recipient", "Rédacteur", "Writer"),
    (
        "waiting_duration",
        "Durée d'attente (s)",
        "Waiting duration (s)",
    ),
    (
        "begin_waiting_date",
        "Début de l'attente",
        "Waiting start date",
    ),
    ("content", "Description", "Content"),
    (
        "_followups",
        "Suivis - Nombre de suivis",
        "Followups - Number of followups",
    ),
    (
        "_tasks",
        "Tâches - Nombre de tâches",
        "Tasks - Number of tasks",
    ),
    ("actiontime", "Durée totale", "Total duration"),
    (
        "_users_id_observer",
        "Observateur - Observateur",
        "Watcher - Watcher",
    ),
    (
        "_groups_id_observer",
        "Observateur - Groupe observateur",
        "Watcher - Watcher group",
    ),
    (
        "_followups_content",
        "Suivis - Description",
        "Followups - Description",
    ),
    ("_followups_date", "Suivis - Date", "Followups - Date"),
    (
        "_followups_author",
        "Suivis - Rédacteur",
        "Followups - Writer",
    ),
    (
        "_followups_private",
        "Suivis - Suivi privé",
        "Followups - Private followup",
    ),
    (
        "_followups_source",
        "Suivis - Source de la demande",
        "Followups - Request source",
    ),
    (
        "_tasks_content",
        "Tâches - Description",
        "Tasks - Description",
    ),
    ("_tasks_date", "Tâches - Date", "Tasks - Date"),
    ("_tasks_duration", "Tâches - Durée", "Tasks - Duration"),
    ("_tasks_author", "Tâches - Rédacteur", "Tasks - Writer"),
    (
        "_tasks_technician",
        "Tâches - Technicien responsable",
        "Tasks - Technician in charge",
    ),
    (
        "_tasks_private",
        "Tâches - Tâche privée",
        "Tasks - Private task",
    ),
    ("_tasks_category", "Tâches - Catégorie", "Tasks - Category"),
    ("_tasks_state", "Tâches - Statut", "Tasks - Status"),
    (
        "_solution_type",
        "Solution - Type de solution",
        "Solution - Solution type",
    ),
    (
        "_solution_content",
        "Solution - Solution",
        "Solution - Solution",
    ),
    ("type", "Type", "Type"),
    ("status", "Statut", "Status"),
    ("urgency", "Urgence", "Urgency"),
    ("impact", "Impact", "Impact"),
    ("priority", "Priorité", "Priority"),
];

/// Where a type names a field otherwise: a user's `name` is its login, a ticket's its title, a
/// software's manufacturer its publisher.
const FIELDS_OF_TYPE: &[(GlpiType, &str, &str, &str)] = &[
    (GlpiType::User, "name", "Identifiant", "Login"),
    (
        GlpiType::User,
        "groups_id",
        "Groupe par défaut",
        "Default group",
    ),
    (
        GlpiType::Software,
        "groups_id_tech",
        "Groupe chargé du logiciel",
        "Group in charge of the software",
    ),
    (
        GlpiType::User,
        "entities_id",
        "Entité par défaut",
        "Default entity",
    ),
    (GlpiType::Ticket, "name", "Titre", "Title"),
    (
        GlpiType::Software,
        "manufacturers_id",
        "Éditeur",
        "Publisher",
    ),
];

/// The label of a field of `owner` (`serial` → "Numéro de série" / "Serial number"; a user's
/// `name` → "Identifiant"), as GLPI's interface and exports write it; `None` for a field no
/// export carries (show its name then).
pub fn field_label(owner: GlpiType, field: &str, lang: Lang) -> Option<&'static str> {
    let pick = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    if let Some((_, _, fr, en)) = FIELDS_OF_TYPE
        .iter()
        .find(|(t, f, _, _)| *t == owner && *f == field)
    {
        return Some(pick(fr, en));
    }
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, fr, en)| pick(fr, en))
}

/// [`field_label`] for a file's item type.
pub fn file_field_label(item_type: ItemType, field: &str, lang: Lang) -> Option<&'static str> {
    let owner = GlpiType::of_file(item_type).unwrap_or(GlpiType::Ticket);
    match item_type {
        ItemType::Directory => None,
        _ => field_label(owner, field, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::catalog;

    #[test]
    fn glpi_names_types_in_french_as_its_interface_does() {
        assert_eq!(GlpiType::Location.label(Lang::Fr), "Lieu");
        assert_eq!(GlpiType::UserTitle.label(Lang::Fr), "Titre");
        assert_eq!(
            GlpiType::GroupUser.label(Lang::Fr),
            "Appartenance à un groupe"
        );
        assert_eq!(GlpiType::ProfileUser.label(Lang::Fr), "Habilitation");
        assert_eq!(GlpiType::ProfileUser.label(Lang::En), "Authorization");
        assert_eq!(
            GlpiType::NetworkEquipment.noun().many(Lang::Fr),
            "Matériels réseau"
        );
    }

    #[test]
    fn every_type_has_both_languages_and_no_class_name_in_french() {
        for t in GlpiType::ALL {
            let n = t.noun();
            for s in [n.fr.0, n.fr.1, n.en.0, n.en.1] {
                assert!(!s.trim().is_empty(), "{t:?}");
            }
            // A French name is never GLPI's class name, unless the word is the same in both.
            if n.fr.0 != n.en.0 {
                assert_ne!(n.fr.0, t.name(), "{t:?}");
            }
            assert!(!n.fr.0.contains('_'), "{t:?}");
        }
    }

    #[test]
    fn counts_agree_with_their_number() {
        use nouns::LINE;
        assert_eq!(LINE.count(Lang::Fr, 0), "0 ligne");
        assert_eq!(LINE.count(Lang::Fr, 1), "1 ligne");
        assert_eq!(LINE.count(Lang::Fr, 2), "2 lignes");
        assert_eq!(LINE.count(Lang::En, 0), "0 lines");
        assert_eq!(LINE.count(Lang::En, 1), "1 line");
        assert_eq!(
            GlpiType::NetworkEquipment.noun().count(Lang::Fr, 3),
            "3 matériels réseau"
        );
        assert_eq!(
            GlpiType::ItilCategory.noun().count(Lang::En, 2),
            "2 ITIL categories"
        );
        assert_eq!(LINE.count(Lang::Fr, 12345), "12\u{202f}345 lignes");
        assert_eq!(LINE.count(Lang::En, 1234567), "1,234,567 lines");
    }

    #[test]
    fn fields_read_as_glpi_writes_them_with_their_accents() {
        use GlpiType::{Computer, User};
        assert_eq!(
            field_label(Computer, "serial", Lang::Fr),
            Some("Numéro de série")
        );
        assert_eq!(
            field_label(Computer, "entities_id", Lang::Fr),
            Some("Entité")
        );
        assert_eq!(field_label(User, "usertitles_id", Lang::Fr), Some("Titre"));
        assert_eq!(field_label(User, "name", Lang::Fr), Some("Identifiant"));
        assert_eq!(field_label(Computer, "name", Lang::Fr), Some("Nom"));
        assert_eq!(
            field_label(Computer, "serial", Lang::En),
            Some("Serial number")
        );
        assert_eq!(field_label(Computer, "no_such_field", Lang::Fr), None);
    }

    #[test]
    fn every_field_of_the_catalog_has_a_label_that_matches_its_column() {
        for t in ItemType::ALL {
            for spec in catalog::fields(t) {
                let fr = file_field_label(t, spec.field, Lang::Fr)
                    .unwrap_or_else(|| panic!("{t:?}.{} has no label", spec.field));
                // The French label is the catalog's first (accentless) label, accents put back.
                assert_eq!(
                    crate::detect::normalize_label(fr),
                    spec.labels[0],
                    "{t:?}.{}",
                    spec.field
                );
                assert!(file_field_label(t, spec.field, Lang::En).is_some());
            }
        }
    }
}
