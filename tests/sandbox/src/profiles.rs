//! The stock profiles' rights as the real GLPI 10.0.11 database holds them
//! (`data/glpi-10.0.11-profilerights.tsv`, from `glpi_profilerights`), what a session shows of
//! them, and GLPI's "has the current user more rights than this profile" test.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::state::State;

const RIGHTS_TSV: &str = include_str!("../data/glpi-10.0.11-profilerights.tsv");

/// The rights a helpdesk (simplified interface) profile keeps in a session
/// (`Profile::$helpdesk_rights`); a helpdesk session drops the others (`Profile::cleanProfile`).
pub const HELPDESK_RIGHTS: &[&str] = &[
    "create_ticket_on_login",
    "changetemplates_id",
    "followup",
    "helpdesk_hardware",
    "helpdesk_item_type",
    "knowbase",
    "password_update",
    "personalization",
    "problemtemplates_id",
    "reminder_public",
    "reservation",
    "rssfeed_public",
    "show_group_hardware",
    "task",
    "ticket",
    "ticket_cost",
    "ticket_status",
    "tickettemplates_id",
    "ticketvalidation",
];

/// GLPI's CREATE bit.
const CREATE: u64 = 4;

fn table() -> &'static BTreeMap<u64, BTreeMap<&'static str, u64>> {
    static T: OnceLock<BTreeMap<u64, BTreeMap<&'static str, u64>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out: BTreeMap<u64, BTreeMap<&'static str, u64>> = BTreeMap::new();
        for line in RIGHTS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&'static str> = line.split('\t').collect();
            if let [p, name, bits] = f[..] {
                if let (Ok(p), Ok(bits)) = (p.parse(), bits.parse()) {
                    out.entry(p).or_default().insert(name, bits);
                }
            }
        }
        out
    })
}

/// All the rights of a stock profile, by name (empty for another profile).
pub fn rights(profile: u64) -> BTreeMap<&'static str, u64> {
    table().get(&profile).cloned().unwrap_or_default()
}

fn interface(state: &State, profile: u64) -> String {
    state
        .get("Profile", profile)
        .and_then(|p| p.get("interface"))
        .and_then(Value::as_str)
        .unwrap_or("central")
        .to_string()
}

/// The rights a session of `profile` shows (`glpiactiveprofile`): all of them for a central
/// profile, the helpdesk ones only for a helpdesk profile.
pub fn session_rights(state: &State, profile: u64) -> BTreeMap<&'static str, u64> {
    let mut r = rights(profile);
    if interface(state, profile) == "helpdesk" {
        r.retain(|k, _| HELPDESK_RIGHTS.contains(k));
    }
    r
}

/// `Profile::currentUserHaveMoreRightThan([target])` for a session on `active`: a profile that
/// may create profiles is above every existing profile; otherwise the target must be a helpdesk
/// profile seen from a central one, or a profile of the same interface whose every right is
/// included in the session's.
pub fn more_rights_than(state: &State, active: u64, target: u64) -> bool {
    if state.get("Profile", target).is_none() {
        return false;
    }
    let mine = session_rights(state, active);
    if mine.get("profile").is_some_and(|b| b & CREATE != 0) {
        return true;
    }
    let (my_interface, its_interface) = (interface(state, active), interface(state, target));
    if my_interface == "central" && its_interface == "helpdesk" {
        return true;
    }
    if my_interface != its_interface {
        return false;
    }
    let theirs = rights(target);
    mine.iter()
        .filter(|(k, _)| my_interface == "central" || HELPDESK_RIGHTS.contains(k))
        .all(|(k, mine)| theirs.get(k).copied().unwrap_or(0) | mine == *mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stock_rights_come_from_the_real_database() {
        assert_eq!(rights(4).get("computer"), Some(&255));
        assert_eq!(rights(4).get("ticket"), Some(&261151));
        assert_eq!(rights(1).get("computer"), Some(&0));
    }

    #[test]
    fn who_may_give_which_profile() {
        let st = State::fresh(Default::default(), true);
        // Super-Admin may create profiles: above all, itself included.
        assert!(more_rights_than(&st, 4, 4));
        assert!(more_rights_than(&st, 4, 6));
        assert!(!more_rights_than(&st, 4, 999));
        // Technician: above Self-Service (helpdesk), not above Super-Admin.
        assert!(more_rights_than(&st, 6, 1));
        assert!(!more_rights_than(&st, 6, 4));
        // Self-Service only sees the helpdesk rights of the session.
        assert!(!session_rights(&st, 1).contains_key("computer"));
        assert_eq!(session_rights(&st, 1).get("ticket"), Some(&5));
    }
}
