//! GLPI's "more rights than" rule, the one home of it in the engine (issue 13): whether the
//! session's active profile may change a user's activity (VALIDE) and authorizations (PROFIL,
//! PRIV).
//!
//! GLPI 10.0.11 (`Profile::getUnderActiveProfileRestrictCriteria`,
//! `Profile::currentUserHaveMoreRightThan`, `User::currentUserHaveMoreRightThan`,
//! `Profile_User::canCreateItem`):
//! - a session whose profile may create profiles (`profile` right has CREATE) is above every
//!   profile;
//! - otherwise a profile is "under" the session's when its interface is the session's (or, in
//!   the central interface, when it is a helpdesk profile) and, for every right GLPI knows
//!   (every name of `glpi_profilerights`; in the helpdesk interface only the helpdesk ones),
//!   the profile has a row whose bits are all in the session's value of that right;
//! - the session has more rights than a user when every profile of the user's authorizations
//!   is under the session's (a user without any: every profile of GLPI must be);
//! - an authorization may be given only with a profile under the session's.

use crate::sort::CollectOrdered;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

use crate::glpi::bits;

/// The rights GLPI still checks in the helpdesk interface (`Profile::$helpdesk_rights`).
pub const HELPDESK_RIGHTS: [&str; 19] = [
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

/// A profile as the rule reads it: its interface and its rows of `glpi_profilerights`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileRights {
    /// `central` or `helpdesk`.
    pub interface: String,
    /// Right name → bits.
    pub rights: BTreeMap<String, u64>,
}

/// The session's active profile: its interface and its rights (the numeric values of
/// `glpiactiveprofile`; arrays, such as the entities GLPI adds at login, are not rights).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionProfile {
    /// `central` or `helpdesk`.
    pub interface: String,
    /// Right name → bits.
    pub rights: BTreeMap<String, u64>,
}

impl SessionProfile {
    /// From `getFullSession`'s `glpiactiveprofile`.
    pub fn from_active_profile(profile: &Value) -> Self {
        let mut s = SessionProfile {
            interface: profile
                .get("interface")
                .and_then(Value::as_str)
                .unwrap_or("central")
                .to_string(),
            rights: BTreeMap::new(),
        };
        if let Some(m) = profile.as_object() {
            for (k, v) in m {
                let n = v
                    .as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()));
                if let Some(n) = n {
                    s.rights.insert(k.clone(), n);
                }
            }
        }
        s
    }
}

/// The rule, computed once for a session against GLPI's profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsRule {
    /// Profiles under the session's (`None`: all of them).
    under: Option<BTreeSet<u64>>,
    /// Every profile of GLPI.
    all: BTreeSet<u64>,
}

impl RightsRule {
    /// A session above every profile (a Super-Admin's, or a test's).
    pub fn above_all() -> Self {
        RightsRule {
            under: None,
            all: BTreeSet::new(),
        }
    }

    /// GLPI's rule for `session` against the profiles of GLPI (id → rights).
    pub fn new(session: &SessionProfile, profiles: &BTreeMap<u64, ProfileRights>) -> Self {
        let all: BTreeSet<u64> = profiles.keys().copied().into_set();
        let session_right = |name: &str| session.rights.get(name).copied().unwrap_or(0);
        if session_right("profile") & bits::CREATE != 0 {
            return RightsRule { under: None, all };
        }
        let central = session.interface == "central";
        // Every right GLPI knows (`ProfileRight::getAllPossibleRights`), restricted in the
        // helpdesk interface.
        let names: BTreeSet<&str> = profiles
            .values()
            .flat_map(|p| p.rights.keys().map(String::as_str))
            .filter(|n| central || HELPDESK_RIGHTS.contains(n))
            .into_set();
        let under = profiles
            .iter()
            .filter(|(_, p)| {
                (central && p.interface == "helpdesk")
                    || (p.interface == session.interface
                        && names.iter().all(|n| {
                            let s = session_right(n);
                            p.rights.get(*n).is_some_and(|r| r | s == s)
                        }))
            })
            .map(|(id, _)| *id)
            .collect();
        RightsRule {
            under: Some(under),
            all,
        }
    }

    /// Whether an authorization with this profile may be given (`Profile_User::canCreateItem`).
    pub fn may_give(&self, profile: u64) -> bool {
        self.under.as_ref().is_none_or(|u| u.contains(&profile))
    }

    /// Whether the session has more rights than a user with these authorizations' profiles
    /// (`User::currentUserHaveMoreRightThan`): then its activity and authorizations may change.
    pub fn outranks(&self, user_profiles: &[u64]) -> bool {
        let Some(under) = &self.under else {
            return true;
        };
        if user_profiles.is_empty() {
            return self.all.iter().all(|p| under.contains(p));
        }
        user_profiles.iter().all(|p| under.contains(p))
    }
}

/// Reads one profile's rights from rows of `ProfileRight` (`profiles_id`, `name`, `rights`).
pub fn profiles_from_rows(
    profiles: &[Map<String, Value>],
    rights: &[Map<String, Value>],
) -> BTreeMap<u64, ProfileRights> {
    let num = |v: Option<&Value>| -> u64 {
        v.and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .unwrap_or(0)
    };
    let mut out: BTreeMap<u64, ProfileRights> = profiles
        .iter()
        .map(|p| {
            (
                num(p.get("id")),
                ProfileRights {
                    interface: p
                        .get("interface")
                        .and_then(Value::as_str)
                        .unwrap_or("central")
                        .to_string(),
                    rights: BTreeMap::new(),
                },
            )
        })
        .into_map();
    for r in rights {
        if let Some(p) = out.get_mut(&num(r.get("profiles_id"))) {
            let name = r
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            p.rights.insert(name, num(r.get("rights")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(interface: &str, rights: &[(&str, u64)]) -> ProfileRights {
        ProfileRights {
            interface: interface.into(),
            rights: rights.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    /// GLPI 10.0.11's default Admin, Super-Admin, Technician and Self-Service, reduced to three
    /// rights with their real values.
    fn glpi() -> BTreeMap<u64, ProfileRights> {
        [
            (
                1,
                profile("helpdesk", &[("profile", 0), ("user", 0), ("ticket", 5)]),
            ),
            (
                3,
                profile(
                    "central",
                    &[("profile", 1), ("user", 7199), ("ticket", 261151)],
                ),
            ),
            (
                4,
                profile(
                    "central",
                    &[("profile", 23), ("user", 7327), ("ticket", 261151)],
                ),
            ),
            (
                6,
                profile(
                    "central",
                    &[("profile", 0), ("user", 1055), ("ticket", 166919)],
                ),
            ),
        ]
        .into_iter()
        .collect()
    }

    fn session(of: u64) -> SessionProfile {
        let p = &glpi()[&of];
        SessionProfile {
            interface: p.interface.clone(),
            rights: p.rights.clone(),
        }
    }

    #[test]
    fn a_profile_that_may_create_profiles_is_above_all() {
        let rule = RightsRule::new(&session(4), &glpi());
        assert!(rule.outranks(&[4, 3]));
        assert!(rule.may_give(4));
        assert!(rule.outranks(&[]));
    }

    #[test]
    fn admin_is_above_technician_and_helpdesk_not_super_admin() {
        let rule = RightsRule::new(&session(3), &glpi());
        assert!(rule.outranks(&[6]));
        assert!(rule.outranks(&[1, 6, 3]), "its own profile is under it");
        assert!(
            !rule.outranks(&[6, 4]),
            "one Super-Admin authorization is enough"
        );
        assert!(!rule.may_give(4));
        assert!(rule.may_give(1));
        // A user without authorization: more rights than every profile, Super-Admin included.
        assert!(!rule.outranks(&[]));
    }

    #[test]
    fn a_missing_right_row_is_not_under() {
        let mut profiles = glpi();
        profiles.get_mut(&6).unwrap().rights.remove("ticket");
        let rule = RightsRule::new(&session(3), &profiles);
        assert!(!rule.outranks(&[6]));
    }

    #[test]
    fn a_helpdesk_session_checks_the_helpdesk_rights_only() {
        let rule = RightsRule::new(&session(1), &glpi());
        assert!(rule.outranks(&[1]));
        assert!(!rule.outranks(&[6]), "another interface");
    }

    #[test]
    fn the_session_reads_numbers_and_numeric_strings() {
        let s = SessionProfile::from_active_profile(&serde_json::json!({
            "interface": "central", "profile": "23", "user": 7327, "entities": [{"id": 0}]
        }));
        assert_eq!(s.rights.get("profile"), Some(&23));
        assert_eq!(s.rights.get("user"), Some(&7327));
        assert!(!s.rights.contains_key("entities"));
    }
}
