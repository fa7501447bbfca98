//! Where GLPI 10 keeps each exported field: the one table the plan, the dry-run, the page and the
//! verification read to know what becomes of a column.

use serde::{Deserialize, Serialize};

use super::GlpiType::{self, *};
use crate::detect::ItemType;
use crate::diagnostic::Lang;
use crate::map::concrete_field;

/// Why an exported value is not written to GLPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCarriedReason {
    /// The source's own id: GLPI gives new ids.
    SourceId,
    /// Written by GLPI itself at every change (last modification, last login).
    SetByGlpi,
    /// IP and MAC addresses live on network ports, which the migration does not create.
    NetworkPorts,
    /// A count of related items: the relations come from a companion file.
    CountOfConnections,
    /// A count of installations: the relations come from a companion file.
    CountOfInstallations,
    /// Repeats another column (the parent of a tree is in its complete name).
    Repeated,
    /// GLPI has no such field for this type (a column shared by the asset catalog, such as a
    /// monitor's size in a computer list).
    NoSuchField,
    /// A count of a ticket's followups or tasks: the entries come from the history columns or
    /// the companion timeline file.
    CountOfTimeline,
    /// Computed by GLPI from the tasks' durations.
    SumOfTasks,
}

impl NotCarriedReason {
    /// Stable code, for reports.
    pub fn code(self) -> &'static str {
        match self {
            NotCarriedReason::SourceId => "source_id",
            NotCarriedReason::SetByGlpi => "set_by_glpi",
            NotCarriedReason::NetworkPorts => "network_ports",
            NotCarriedReason::CountOfConnections => "count_of_connections",
            NotCarriedReason::CountOfInstallations => "count_of_installations",
            NotCarriedReason::Repeated => "repeated",
            NotCarriedReason::NoSuchField => "no_such_field",
            NotCarriedReason::CountOfTimeline => "count_of_timeline",
            NotCarriedReason::SumOfTasks => "sum_of_tasks",
        }
    }
}

impl NotCarriedReason {
    /// Why, in words.
    pub fn describe(self, lang: Lang) -> &'static str {
        use NotCarriedReason as R;
        match (self, lang) {
            (R::SourceId, Lang::Fr) => "identifiant de l'ancien GLPI : le GLPI national donne ses propres ids",
            (R::SourceId, Lang::En) => "id in the old GLPI: the national GLPI gives its own ids",
            (R::SetByGlpi, Lang::Fr) => "écrit par GLPI lui-même à chaque modification",
            (R::SetByGlpi, Lang::En) => "written by GLPI itself at every change",
            (R::NetworkPorts, Lang::Fr) => "vit sur les ports réseau : ils viennent du fichier compagnon ports-reseau.csv ou du GLPI local",
            (R::NetworkPorts, Lang::En) => "lives on network ports: they come from the companion file ports-reseau.csv or the local GLPI",
            (R::CountOfConnections, Lang::Fr) => "un nombre : les liaisons viennent du fichier compagnon liaisons-materiels.csv",
            (R::CountOfConnections, Lang::En) => "a count: connections come from the companion file liaisons-materiels.csv",
            (R::CountOfInstallations, Lang::Fr) => "un nombre : les installations viennent du fichier compagnon installations-logiciels.csv",
            (R::CountOfInstallations, Lang::En) => "a count: installations come from the companion file installations-logiciels.csv",
            (R::Repeated, Lang::Fr) => "répète une autre colonne (nom complet)",
            (R::Repeated, Lang::En) => "repeats another column (complete name)",
            (R::NoSuchField, Lang::Fr) => "GLPI n'a pas ce champ pour ce type",
            (R::NoSuchField, Lang::En) => "GLPI has no such field for this type",
            (R::CountOfTimeline, Lang::Fr) => "un nombre : les suivis et tâches viennent des colonnes d'historique ou du fichier compagnon chronologie-tickets.csv",
            (R::CountOfTimeline, Lang::En) => "a count: followups and tasks come from the history columns or the companion file chronologie-tickets.csv",
            (R::SumOfTasks, Lang::Fr) => "calculé par GLPI à partir des durées des tâches",
            (R::SumOfTasks, Lang::En) => "computed by GLPI from the tasks' durations",
        }
    }
}

/// Where the value of one exported field goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Destination {
    /// A column of the item's own table.
    Column {
        /// The column.
        column: String,
    },
    /// A column of an object GLPI keeps beside the item (its operating system, its financial
    /// information), created with the item.
    Related {
        /// The related type.
        itemtype: GlpiType,
        /// Its column.
        column: String,
    },
    /// The warranty's expiration date: GLPI keeps a start date and a duration in months.
    WarrantyExpiration,
    /// The item's identity in a tree (its complete name gives its name and parent).
    TreePath,
    /// The item's entity, mapped by the administrator.
    Entity,
    /// Objects of their own, one per value of the list (versions, e-mails, memberships,
    /// authorizations).
    Objects {
        /// The type of the objects.
        itemtype: GlpiType,
    },
    /// The group's manager: the `is_manager` flag of the manager's membership (`Group_User`).
    GroupManager,
    /// Not written, for this reason.
    NotCarried {
        /// Why.
        reason: NotCarriedReason,
    },
}

impl Destination {
    /// Where, in words (`Item_OperatingSystem.operatingsystems_id`, or why not).
    pub fn describe(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Destination::Column { column } => column.clone(),
            Destination::Related { itemtype, column } => format!("{itemtype}.{column}"),
            Destination::WarrantyExpiration if fr => {
                "Infocom.warranty_date + warranty_duration (mois)".into()
            }
            Destination::WarrantyExpiration => {
                "Infocom.warranty_date + warranty_duration (months)".into()
            }
            Destination::TreePath if fr => "name et parent (arborescence)".into(),
            Destination::TreePath => "name and parent (tree)".into(),
            Destination::Entity if fr => "entities_id (entité choisie)".into(),
            Destination::Entity => "entities_id (mapped entity)".into(),
            Destination::Objects { itemtype } if fr => format!("un {itemtype} par valeur"),
            Destination::Objects { itemtype } => format!("one {itemtype} per value"),
            Destination::GroupManager => "Group_User.is_manager".into(),
            Destination::NotCarried { reason } => {
                let prefix = if fr { "non transféré" } else { "not carried" };
                format!("{prefix} : {}", reason.describe(lang))
            }
        }
    }

    /// Whether the values are written to GLPI.
    pub fn is_carried(&self) -> bool {
        !matches!(self, Destination::NotCarried { .. })
    }
}

/// Where GLPI keeps the catalog field `field` of a file of `item_type` (`None` when the catalog
/// has no such field for the type: a caller bug, reported as such).
pub fn destination(item_type: ItemType, field: &str) -> Option<Destination> {
    use Destination as D;
    use NotCarriedReason as R;
    let not = |reason| D::NotCarried { reason };
    if item_type == ItemType::Ticket {
        return ticket_destination(field);
    }
    let own = GlpiType::of_file(item_type)?;
    let related = |itemtype, column: &str| D::Related {
        itemtype,
        column: column.to_string(),
    };
    Some(match field {
        "id" => not(R::SourceId),
        "date_mod" | "last_login" => not(R::SetByGlpi),
        "_ips" | "_macs" => not(R::NetworkPorts),
        "_monitor_count" => not(R::CountOfConnections),
        "_installations" => not(R::CountOfInstallations),
        "_parent" | "_entities_profiles" => not(R::Repeated),
        "_manager" => D::GroupManager,
        "entities_id" => D::Entity,
        "completename" => D::TreePath,
        "_versions" => D::Objects {
            itemtype: SoftwareVersion,
        },
        "_versions_states" => related(SoftwareVersion, "states_id"),
        "_versions_arch" => related(SoftwareVersion, "arch"),
        "_versions_comments" => related(SoftwareVersion, "comment"),
        "_versions_os" => related(SoftwareVersion, "operatingsystems_id"),
        "_versions_dates" => related(SoftwareVersion, "date_creation"),
        "_useremails" => D::Objects {
            itemtype: UserEmail,
        },
        "_groups" => D::Objects {
            itemtype: GroupUser,
        },
        "_profiles" => D::Objects {
            itemtype: ProfileUser,
        },
        "warranty_expiration" if own.is_asset() => D::WarrantyExpiration,
        "operatingsystems_id"
        | "operatingsystemversions_id"
        | "operatingsystemarchitectures_id"
        | "operatingsystemservicepacks_id"
        | "operatingsystemkernelversions_id"
        | "operatingsystemeditions_id"
        | "license_number"
        | "licenseid"
        | "install_date"
        | "company"
        | "owner"
        | "hostid"
            if own.is_asset() =>
        {
            related(
                ItemOperatingSystem,
                static_column(ItemOperatingSystem, field)?,
            )
        }
        "buy_date"
        | "use_date"
        | "value"
        | "warranty_value"
        | "warranty_duration"
        | "warranty_date"
        | "warranty_info"
        | "suppliers_id"
        | "order_number"
        | "delivery_number"
        | "immo_number"
        | "bill"
        | "order_date"
        | "delivery_date"
        | "sink_time"
        | "sink_type"
        | "sink_coeff"
        | "alert"
        | "inventory_date"
        | "decommission_date"
        | "businesscriticities_id"
        | "budgets_id"
            if own.is_asset() =>
        {
            related(Infocom, static_column(Infocom, field)?)
        }
        // The asset has its own `comment` and `date_creation`.
        "_infocom_comment" if own.is_asset() => related(Infocom, "comment"),
        "_infocom_date_creation" if own.is_asset() => related(Infocom, "date_creation"),
        "_os_date_creation" if own.is_asset() => related(ItemOperatingSystem, "date_creation"),
        // The kernel is its kernel version's (a dropdown of its own, made with it).
        "_os_kernel" if own.is_asset() => {
            related(OperatingSystemKernelVersion, "operatingsystemkernels_id")
        }
        _ => match static_column(own, &concrete_field(item_type, field)) {
            Some(column) => D::Column {
                column: column.to_string(),
            },
            None if crate::map::spec_for(item_type, field).is_some() => not(R::NoSuchField),
            None => return None,
        },
    })
}

/// Where GLPI keeps a field of a ticket export (list columns and history columns).
fn ticket_destination(field: &str) -> Option<Destination> {
    use Destination as D;
    use NotCarriedReason as R;
    let not = |reason| D::NotCarried { reason };
    let related = |itemtype: GlpiType, column: &str| {
        static_column(itemtype, column).map(|column| D::Related {
            itemtype,
            column: column.to_string(),
        })
    };
    Some(match field {
        "id" => not(R::SourceId),
        "date_mod" => not(R::SetByGlpi),
        "_followups" | "_tasks" => not(R::CountOfTimeline),
        "actiontime" => not(R::SumOfTasks),
        "entities_id" => D::Entity,
        "_users_id_requester" | "_users_id_assign" | "_users_id_observer" => D::Objects {
            itemtype: TicketUser,
        },
        "_groups_id_requester" | "_groups_id_assign" | "_groups_id_observer" => D::Objects {
            itemtype: GroupTicket,
        },
        "_items" => D::Objects {
            itemtype: ItemTicket,
        },
        "_followups_content" => related(ItilFollowup, "content")?,
        "_followups_date" => related(ItilFollowup, "date")?,
        "_followups_author" => related(ItilFollowup, "users_id")?,
        "_followups_private" => related(ItilFollowup, "is_private")?,
        "_followups_source" => related(ItilFollowup, "requesttypes_id")?,
        "_tasks_content" => related(TicketTask, "content")?,
        "_tasks_date" => related(TicketTask, "date")?,
        "_tasks_duration" => related(TicketTask, "actiontime")?,
        "_tasks_author" => related(TicketTask, "users_id")?,
        "_tasks_technician" => related(TicketTask, "users_id_tech")?,
        "_tasks_private" => related(TicketTask, "is_private")?,
        "_tasks_category" => related(TicketTask, "taskcategories_id")?,
        "_tasks_state" => related(TicketTask, "state")?,
        "_solution_type" => related(ItilSolution, "solutiontypes_id")?,
        "_solution_content" => related(ItilSolution, "content")?,
        f => D::Column {
            column: static_column(Ticket, f)?.to_string(),
        },
    })
}

/// The column of `itemtype` named `field`, with the static lifetime of the column table.
fn static_column(itemtype: GlpiType, field: &str) -> Option<&'static str> {
    itemtype.columns().iter().copied().find(|c| *c == field)
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(Destination, tag = "kind" {
    "column" => Column { column },
    "related" => Related { itemtype, column },
    "warranty_expiration" => WarrantyExpiration,
    "tree_path" => TreePath,
    "entity" => Entity,
    "objects" => Objects { itemtype },
    "group_manager" => GroupManager,
    "not_carried" => NotCarried { reason },
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::catalog::fields;

    #[test]
    fn every_catalog_field_of_a_migrated_file_has_a_destination() {
        for item_type in crate::detect::ItemType::ALL {
            if GlpiType::of_file(item_type).is_none() && item_type != ItemType::Ticket {
                continue;
            }
            for spec in fields(item_type) {
                assert!(
                    destination(item_type, spec.field).is_some(),
                    "{item_type:?}.{} has no destination in GLPI",
                    spec.field
                );
            }
        }
    }

    #[test]
    fn operating_system_and_purchase_go_where_glpi_keeps_them() {
        assert_eq!(
            destination(ItemType::Computer, "operatingsystems_id"),
            Some(Destination::Related {
                itemtype: ItemOperatingSystem,
                column: "operatingsystems_id".into()
            })
        );
        assert_eq!(
            destination(ItemType::Monitor, "buy_date"),
            Some(Destination::Related {
                itemtype: Infocom,
                column: "buy_date".into()
            })
        );
        assert_eq!(
            destination(ItemType::Computer, "_model"),
            Some(Destination::Column {
                column: "computermodels_id".into()
            })
        );
        assert_eq!(
            destination(ItemType::Computer, "warranty_expiration"),
            Some(Destination::WarrantyExpiration)
        );
        assert_eq!(destination(ItemType::Computer, "no_such_field"), None);
    }

    #[test]
    fn a_ticket_s_history_goes_to_its_timeline_objects() {
        assert_eq!(
            destination(ItemType::Ticket, "_tasks_duration"),
            Some(Destination::Related {
                itemtype: TicketTask,
                column: "actiontime".into()
            })
        );
        assert_eq!(
            destination(ItemType::Ticket, "_users_id_assign"),
            Some(Destination::Objects {
                itemtype: TicketUser
            })
        );
        assert_eq!(
            destination(ItemType::Ticket, "closedate"),
            Some(Destination::Column {
                column: "closedate".into()
            })
        );
        assert_eq!(
            destination(ItemType::Ticket, "date_mod"),
            Some(Destination::NotCarried {
                reason: NotCarriedReason::SetByGlpi
            })
        );
    }
}
