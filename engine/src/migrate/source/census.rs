//! What the local GLPI holds that Passerelle does not migrate, counted at the end of the read:
//! a loss the user is told of, never a silent one ("sans perte ni altération").
//!
//! One page of one row per type (`range=0-0`): GLPI's `Content-Range` gives the total the
//! session sees (its active entities, for the types that have one). A type this GLPI does not
//! have (`ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM`) counts nothing; one the session may not read
//! is "not counted", said as such.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::Lang;
use crate::migrate::client::{CallError, GlpiClient};

/// A kind of object of the local GLPI that the migration does not carry. Kept (in the read kept
/// beside the journal) as its API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NotMigrated {
    /// A ticket's approval requests.
    TicketValidation,
    /// A ticket's costs.
    TicketCost,
    /// Links between tickets.
    LinkedTicket,
    /// Satisfaction surveys of closed tickets.
    TicketSatisfaction,
    /// Problems.
    Problem,
    /// Changes.
    Change,
    /// An asset's volumes (disks and partitions).
    Disk,
    /// Processors of assets.
    Processor,
    /// Memory of assets.
    Memory,
    /// Hard drives of assets.
    HardDrive,
    /// Network cards of assets.
    NetworkCard,
    /// Graphics cards of assets.
    GraphicCard,
    /// Software licences.
    SoftwareLicense,
    /// Certificates.
    Certificate,
    /// Appliances.
    Appliance,
    /// Knowledge base articles.
    KnowbaseItem,
    /// Projects.
    Project,
    /// Consumable models (with their stock).
    ConsumableItem,
    /// Cartridge models (with their stock).
    CartridgeItem,
    /// Racks.
    Rack,
    /// Phone lines.
    Line,
    /// Domains.
    Domain,
    /// The history of every object (GLPI's "Historique" tab, `glpi_logs`): the national GLPI
    /// writes its own from the migration on, and the API cannot write past entries.
    History,
}

impl NotMigrated {
    /// Every kind, in the order shown.
    pub const ALL: [NotMigrated; 23] = [
        NotMigrated::TicketValidation,
        NotMigrated::TicketCost,
        NotMigrated::LinkedTicket,
        NotMigrated::TicketSatisfaction,
        NotMigrated::Problem,
        NotMigrated::Change,
        NotMigrated::Disk,
        NotMigrated::Processor,
        NotMigrated::Memory,
        NotMigrated::HardDrive,
        NotMigrated::NetworkCard,
        NotMigrated::GraphicCard,
        NotMigrated::SoftwareLicense,
        NotMigrated::Certificate,
        NotMigrated::Appliance,
        NotMigrated::KnowbaseItem,
        NotMigrated::Project,
        NotMigrated::ConsumableItem,
        NotMigrated::CartridgeItem,
        NotMigrated::Rack,
        NotMigrated::Line,
        NotMigrated::Domain,
        NotMigrated::History,
    ];

    /// GLPI's itemtype, as the API names it.
    pub fn api_name(self) -> &'static str {
        match self {
            NotMigrated::TicketValidation => "TicketValidation",
            NotMigrated::TicketCost => "TicketCost",
            NotMigrated::LinkedTicket => "Ticket_Ticket",
            NotMigrated::TicketSatisfaction => "TicketSatisfaction",
            NotMigrated::Problem => "Problem",
            NotMigrated::Change => "Change",
            NotMigrated::Disk => "Item_Disk",
            NotMigrated::Processor => "Item_DeviceProcessor",
            NotMigrated::Memory => "Item_DeviceMemory",
            NotMigrated::HardDrive => "Item_DeviceHardDrive",
            NotMigrated::NetworkCard => "Item_DeviceNetworkCard",
            NotMigrated::GraphicCard => "Item_DeviceGraphicCard",
            NotMigrated::SoftwareLicense => "SoftwareLicense",
            NotMigrated::Certificate => "Certificate",
            NotMigrated::Appliance => "Appliance",
            NotMigrated::KnowbaseItem => "KnowbaseItem",
            NotMigrated::Project => "Project",
            NotMigrated::ConsumableItem => "ConsumableItem",
            NotMigrated::CartridgeItem => "CartridgeItem",
            NotMigrated::Rack => "Rack",
            NotMigrated::Line => "Line",
            NotMigrated::Domain => "Domain",
            NotMigrated::History => "Log",
        }
    }

    /// The kind GLPI's API names so.
    pub fn from_api_name(name: &str) -> Option<NotMigrated> {
        NotMigrated::ALL.into_iter().find(|k| k.api_name() == name)
    }

    /// Its name for the user (GLPI's French and English names).
    pub fn label(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            NotMigrated::TicketValidation => ("Validations de tickets", "Ticket approvals"),
            NotMigrated::TicketCost => ("Coûts de tickets", "Ticket costs"),
            NotMigrated::LinkedTicket => ("Liaisons entre tickets", "Linked tickets"),
            NotMigrated::TicketSatisfaction => ("Enquêtes de satisfaction", "Satisfaction surveys"),
            NotMigrated::Problem => ("Problèmes", "Problems"),
            NotMigrated::Change => ("Changements", "Changes"),
            NotMigrated::Disk => ("Volumes", "Volumes"),
            NotMigrated::Processor => ("Processeurs", "Processors"),
            NotMigrated::Memory => ("Mémoires", "Memory"),
            NotMigrated::HardDrive => ("Disques durs", "Hard drives"),
            NotMigrated::NetworkCard => ("Cartes réseau", "Network cards"),
            NotMigrated::GraphicCard => ("Cartes graphiques", "Graphics cards"),
            NotMigrated::SoftwareLicense => ("Licences", "Licenses"),
            NotMigrated::Certificate => ("Certificats", "Certificates"),
            NotMigrated::Appliance => ("Applicatifs", "Appliances"),
            NotMigrated::KnowbaseItem => (
                "Articles de la base de connaissances",
                "Knowledge base articles",
            ),
            NotMigrated::Project => ("Projets", "Projects"),
            NotMigrated::ConsumableItem => ("Consommables", "Consumables"),
            NotMigrated::CartridgeItem => ("Cartouches", "Cartridges"),
            NotMigrated::Rack => ("Baies", "Racks"),
            NotMigrated::Line => ("Lignes", "Lines"),
            NotMigrated::Domain => ("Domaines", "Domains"),
            NotMigrated::History => (
                "Lignes d'historique des objets",
                "History entries of objects",
            ),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

// By hand rather than derived: one string in and out instead of a visitor per variant, in a
// page that carries every byte to the browser (issue 14).
impl Serialize for NotMigrated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.api_name())
    }
}

impl<'de> Deserialize<'de> for NotMigrated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        NotMigrated::from_api_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown kind `{name}`")))
    }
}

/// What the census found of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Census {
    /// This many, as the session sees them.
    Counted(usize),
    /// The session may not read them: how many there are is not known.
    NotCounted,
    /// This GLPI has no such type.
    Absent,
}

impl Census {
    /// Whether the user is told of it: some were found, or they could not be counted.
    pub fn is_shown(self) -> bool {
        matches!(self, Census::Counted(1..) | Census::NotCounted)
    }
}

/// Counts one kind.
pub async fn count(client: &GlpiClient<'_>, kind: NotMigrated) -> Result<Census, CallError> {
    match client
        .read_page(kind.api_name(), "get_hateoas=false", 0, 1)
        .await
    {
        Ok(page) => Ok(Census::Counted(page.total.unwrap_or(page.rows.len()))),
        Err(CallError::Glpi { error, .. })
            if error.code == "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM" =>
        {
            Ok(Census::Absent)
        }
        Err(CallError::Glpi { status, error })
            if status == 401 || status == 403 || error.code == "ERROR_RIGHT_MISSING" =>
        {
            Ok(Census::NotCounted)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_kept_as_its_api_name_and_read_back() {
        for k in NotMigrated::ALL {
            let text = serde_json::to_string(&k).unwrap();
            assert_eq!(text, format!("\"{}\"", k.api_name()));
            assert_eq!(serde_json::from_str::<NotMigrated>(&text).unwrap(), k);
        }
        let err = serde_json::from_str::<NotMigrated>("\"Nothing\"").unwrap_err();
        assert!(err.to_string().contains("unknown kind `Nothing`"), "{err}");
    }

    #[test]
    fn every_kind_has_its_own_api_name_and_labels() {
        let mut names: Vec<&str> = NotMigrated::ALL.iter().map(|k| k.api_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NotMigrated::ALL.len());
        for k in NotMigrated::ALL {
            assert!(!k.label(Lang::Fr).is_empty() && !k.label(Lang::En).is_empty());
        }
    }
}
