//! Users with their e-mails, authorizations and group memberships; groups; locations.
//!
//! Users are keyed by login (`name`), so homonyms stay apart. A user's e-mails, memberships and
//! authorizations go into the columns the User export has (`_useremails`, `_groups`,
//! `_profiles`, values separated by `<br>`), written as the plan reads them: the default e-mail
//! first, groups by complete name, authorizations as `Profile - Entity (R)`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::{id, number, text, yes_no, Built, Context, Endpoint, SkipReason, SourceRead};
use crate::detect::ItemType;
use crate::glpi::GlpiType;

const fn names(itemtype: GlpiType) -> Endpoint {
    Endpoint {
        itemtype,
        expand: true,
    }
}

const fn ids(itemtype: GlpiType) -> Endpoint {
    Endpoint {
        itemtype,
        expand: false,
    }
}

/// Entities (ids → complete names, for authorizations).
pub const ENTITIES: Endpoint = ids(GlpiType::Entity);
/// Profiles (ids → names, for authorizations).
pub const PROFILES: Endpoint = ids(GlpiType::Profile);
/// Locations, their entity and parent by name.
pub const LOCATIONS: Endpoint = names(GlpiType::Location);
/// Groups, their entity by name (ids are kept: `id` is never expanded).
pub const GROUPS: Endpoint = names(GlpiType::Group);
/// Users, their title, category and location by name; `name` is the login.
pub const USERS: Endpoint = names(GlpiType::User);
/// E-mails (`users_id` as an id).
pub const EMAILS: Endpoint = ids(GlpiType::UserEmail);
/// Authorizations, as ids.
pub const AUTHORIZATIONS: Endpoint = ids(GlpiType::ProfileUser);
/// Memberships, as ids.
pub const MEMBERSHIPS: Endpoint = ids(GlpiType::GroupUser);

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[
    ENTITIES,
    PROFILES,
    LOCATIONS,
    GROUPS,
    USERS,
    EMAILS,
    AUTHORIZATIONS,
    MEMBERSHIPS,
];

/// Location columns (GLPI field names the catalog knows).
const LOCATION_FIELDS: &[&str] = &[
    "completename",
    "entities_id",
    "is_recursive",
    "address",
    "postcode",
    "town",
    "building",
    "room",
    "state",
    "country",
    "latitude",
    "longitude",
    "altitude",
    "comment",
    "date_creation",
];

/// Group columns.
const GROUP_FIELDS: &[&str] = &[
    "completename",
    "entities_id",
    "is_recursive",
    "is_requester",
    "is_assign",
    "is_usergroup",
    "is_itemgroup",
    "_manager",
    "comment",
    "date_creation",
];

/// User columns.
const USER_FIELDS: &[&str] = &[
    "name",
    "realname",
    "firstname",
    "_useremails",
    "phone",
    "mobile",
    "phone2",
    "nickname",
    "registration_number",
    "usertitles_id",
    "usercategories_id",
    "locations_id",
    "entities_id",
    "_groups",
    "_profiles",
    "language",
    "is_active",
    "begin_date",
    "end_date",
    "groups_id",
    "users_id_supervisor",
    "comment",
    "date_creation",
];

/// Builds the Location, Group and User tables.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    let rows = read.rows(LOCATIONS);
    out.read(GlpiType::Location, rows.len());
    let locations = rows
        .iter()
        .filter(|r| scoped(ctx, out, GlpiType::Location, r))
        .filter_map(|r| {
            let cells = LOCATION_FIELDS
                .iter()
                .map(|f| match *f {
                    "is_recursive" => yes_no(r, f),
                    _ => text(r, f),
                })
                .collect();
            Some((id(r)?, cells))
        })
        .collect();
    out.table(ItemType::Location, LOCATION_FIELDS, locations);

    let groups: HashMap<u64, String> = read
        .rows(GROUPS)
        .iter()
        .filter(|g| ctx.in_scope_named(g))
        .filter_map(|g| Some((id(g)?, text(g, "completename"))))
        .collect();

    // Authorizations in the entities read: `Profile - Entity` with `(R)` when recursive. A
    // user is read when one of them is theirs (what GLPI's entity restriction does).
    let entities: HashMap<u64, String> = read
        .rows(ENTITIES)
        .iter()
        .filter_map(|e| Some((id(e)?, text(e, "completename"))))
        .collect();
    let profiles: HashMap<u64, String> = read
        .rows(PROFILES)
        .iter()
        .filter_map(|p| Some((id(p)?, text(p, "name"))))
        .collect();
    let mut authorizations: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for a in read.rows(AUTHORIZATIONS) {
        if !ctx.in_scope(a) {
            out.skip(GlpiType::ProfileUser, SkipReason::OutsideEntity);
            continue;
        }
        let user = number(a, "users_id");
        let profile = number(a, "profiles_id").and_then(|p| profiles.get(&p));
        let entity = number(a, "entities_id").and_then(|e| entities.get(&e));
        let (Some(user), Some(profile), Some(entity)) = (user, profile, entity) else {
            out.skip(GlpiType::ProfileUser, SkipReason::OutsideRead);
            continue;
        };
        out.read(GlpiType::ProfileUser, 1);
        let recursive = if number(a, "is_recursive") == Some(1) {
            " (R)"
        } else {
            ""
        };
        authorizations
            .entry(user)
            .or_default()
            .push(format!("{profile} - {entity}{recursive}"));
    }
    let all_users = read.rows(USERS);
    out.read(GlpiType::User, all_users.len());
    let mut users: Vec<&Map<String, Value>> = Vec::new();
    for u in all_users {
        if id(u).is_none() {
            out.skip(GlpiType::User, SkipReason::NoId);
        } else if super::flag(u, "is_deleted") {
            out.skip(GlpiType::User, SkipReason::Deleted);
        } else if !id(u).is_some_and(|i| authorizations.contains_key(&i)) {
            out.skip(GlpiType::User, SkipReason::OutsideEntity);
        } else {
            users.push(u);
        }
    }
    let user_ids: HashMap<u64, &Map<String, Value>> =
        users.iter().filter_map(|u| Some((id(u)?, *u))).collect();
    let display = |u: &Map<String, Value>| {
        format!("{} {}", text(u, "realname"), text(u, "firstname"))
            .trim()
            .to_string()
    };

    // Memberships: per user, the groups' complete names; per group, its managers.
    let mut member_of: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut managers: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for m in read.rows(MEMBERSHIPS) {
        let (Some(user), Some(group)) = (number(m, "users_id"), number(m, "groups_id")) else {
            out.skip(GlpiType::GroupUser, SkipReason::NoId);
            continue;
        };
        let (Some(name), Some(u)) = (groups.get(&group), user_ids.get(&user)) else {
            out.skip(GlpiType::GroupUser, SkipReason::OutsideRead);
            continue;
        };
        out.read(GlpiType::GroupUser, 1);
        member_of.entry(user).or_default().push(name.clone());
        if number(m, "is_manager") == Some(1) {
            managers.entry(group).or_default().push(display(u));
        }
    }

    let rows = read.rows(GROUPS);
    out.read(GlpiType::Group, rows.len());
    let group_rows = rows
        .iter()
        .filter(|r| scoped(ctx, out, GlpiType::Group, r))
        .filter_map(|r| {
            let gid = id(r)?;
            let cells = GROUP_FIELDS
                .iter()
                .map(|f| match *f {
                    "_manager" => managers
                        .get(&gid)
                        .map(|m| m.join("<br>"))
                        .unwrap_or_default(),
                    "is_recursive" | "is_requester" | "is_assign" | "is_usergroup"
                    | "is_itemgroup" => yes_no(r, f),
                    _ => text(r, f),
                })
                .collect();
            Some((gid, cells))
        })
        .collect();
    out.table(ItemType::Group, GROUP_FIELDS, group_rows);

    // E-mails, the default one first (the plan makes the first the default).
    let mut emails: BTreeMap<u64, Vec<(bool, String)>> = BTreeMap::new();
    for e in read.rows(EMAILS) {
        let Some(user) = number(e, "users_id").filter(|u| user_ids.contains_key(u)) else {
            out.skip(GlpiType::UserEmail, SkipReason::OutsideRead);
            continue;
        };
        out.read(GlpiType::UserEmail, 1);
        emails
            .entry(user)
            .or_default()
            .push((number(e, "is_default") == Some(1), text(e, "email")));
    }
    for list in emails.values_mut() {
        // Stable: the others keep GLPI's order.
        crate::sort::sort_by_key(list, |(default, _)| !default);
    }

    let mut user_rows = Vec::new();
    for u in users {
        let Some(uid) = id(u) else { continue };
        let cells = USER_FIELDS
            .iter()
            .map(|f| match *f {
                "_useremails" => join(emails.get(&uid).map(|l| l.iter().map(|(_, e)| e.clone()))),
                "_groups" => join(member_of.get(&uid).cloned()),
                "_profiles" => join(authorizations.get(&uid).cloned()),
                "is_active" => yes_no(u, f),
                // The default entity, when it is one of those read (else GLPI's default).
                "entities_id" if !ctx.in_scope_named(u) => String::new(),
                _ => text(u, f),
            })
            .collect();
        user_rows.push((uid, cells));
    }
    out.table(ItemType::User, USER_FIELDS, user_rows);
}

/// Whether a row read with names is in the entities read; counted as not carried otherwise.
fn scoped(ctx: &Context, out: &mut Built, itemtype: GlpiType, row: &Map<String, Value>) -> bool {
    let inside = ctx.in_scope_named(row);
    if !inside {
        out.skip(itemtype, SkipReason::OutsideEntity);
    }
    inside
}

fn join<I: IntoIterator<Item = String>>(values: Option<I>) -> String {
    values
        .map(|v| v.into_iter().collect::<Vec<_>>().join("<br>"))
        .unwrap_or_default()
}
