//! Software with its versions, and the versions installed on computers
//! (`Item_SoftwareVersion` → the installations companion).
//!
//! Software is read with names (publisher, category by complete name); versions and
//! installations as ids, joined here.

use std::collections::{BTreeMap, HashMap};

use super::assets::asset_key;
use super::{flag, id, number, text, yes_no, Built, Context, Endpoint, SkipReason, SourceRead};
use crate::detect::ItemType;
use crate::glpi::GlpiType;
use crate::migrate::companion::CompanionKind;

/// Software, with names.
pub const SOFTWARE: Endpoint = Endpoint {
    itemtype: GlpiType::Software,
    expand: true,
};
/// Versions, as ids.
pub const VERSIONS: Endpoint = Endpoint {
    itemtype: GlpiType::SoftwareVersion,
    expand: false,
};
/// Installations, as ids.
pub const INSTALLATIONS: Endpoint = Endpoint {
    itemtype: GlpiType::ItemSoftwareVersion,
    expand: false,
};

/// Statuses (a tree), for a version's: versions are read as ids.
pub const STATES: Endpoint = Endpoint {
    itemtype: GlpiType::State,
    expand: false,
};

/// Operating systems, for a version's: versions are read as ids.
pub const OPERATING_SYSTEMS: Endpoint = Endpoint {
    itemtype: GlpiType::OperatingSystem,
    expand: false,
};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[SOFTWARE, VERSIONS, INSTALLATIONS, STATES, OPERATING_SYSTEMS];

/// A version's columns (its status, architecture, comment, operating system and creation date),
/// each given per software as one value per version, `<br>` between.
const VERSION_COLUMNS: [&str; 5] = [
    "_versions_states",
    "_versions_arch",
    "_versions_comments",
    "_versions_os",
    "_versions_dates",
];

/// Software columns.
const FIELDS: &[&str] = &[
    "name",
    "entities_id",
    "manufacturers_id",
    "softwarecategories_id",
    "_versions",
    "_versions_states",
    "_versions_arch",
    "_versions_comments",
    "_versions_os",
    "_versions_dates",
    "is_recursive",
    "locations_id",
    "groups_id",
    "groups_id_tech",
    "comment",
    "date_creation",
];

/// Builds the Software table and the installations companion.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    let mut software: HashMap<u64, String> = HashMap::new();
    let mut rows = Vec::new();
    let all = read.rows(SOFTWARE);
    out.read(GlpiType::Software, all.len());
    let mut kept = Vec::new();
    for s in all {
        let Some(sid) = id(s) else {
            out.skip(GlpiType::Software, SkipReason::NoId);
            continue;
        };
        if flag(s, "is_template") {
            out.skip(GlpiType::Software, SkipReason::Template);
        } else if flag(s, "is_deleted") {
            out.skip(GlpiType::Software, SkipReason::Deleted);
        } else if !ctx.in_scope_named(s) {
            out.skip(GlpiType::Software, SkipReason::OutsideEntity);
        } else {
            software.insert(sid, text(s, "name"));
            kept.push((sid, s));
        }
    }
    let state_names: HashMap<u64, String> = read
        .rows(STATES)
        .iter()
        .filter_map(|s| Some((id(s)?, text(s, "completename"))))
        .collect();
    let os_names: HashMap<u64, String> = read
        .rows(OPERATING_SYSTEMS)
        .iter()
        .filter_map(|s| Some((id(s)?, text(s, "name"))))
        .collect();
    // Versions by software, in id order; version id → (software, version) names.
    let mut versions: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    // Per software, each of [`VERSION_COLUMNS`] for its versions, in the same order.
    let mut columns: BTreeMap<u64, [Vec<String>; 5]> = BTreeMap::new();
    let mut version_names: HashMap<u64, (String, String)> = HashMap::new();
    for v in read.rows(VERSIONS) {
        let (Some(vid), Some(sid)) = (id(v), number(v, "softwares_id")) else {
            out.skip(GlpiType::SoftwareVersion, SkipReason::NoId);
            continue;
        };
        let Some(name) = software.get(&sid) else {
            out.skip(GlpiType::SoftwareVersion, SkipReason::OutsideRead);
            continue;
        };
        out.read(GlpiType::SoftwareVersion, 1);
        versions.entry(sid).or_default().push(text(v, "name"));
        let named = |names: &HashMap<u64, String>, f: &str| {
            number(v, f)
                .and_then(|i| names.get(&i).cloned())
                .unwrap_or_default()
        };
        let values = [
            named(&state_names, "states_id"),
            text(v, "arch"),
            text(v, "comment"),
            named(&os_names, "operatingsystems_id"),
            text(v, "date_creation"),
        ];
        let lists = columns.entry(sid).or_default();
        for (list, value) in lists.iter_mut().zip(values) {
            list.push(value);
        }
        version_names.insert(vid, (name.clone(), text(v, "name")));
    }
    for (sid, s) in kept {
        let cells = FIELDS
            .iter()
            .map(|f| match *f {
                "_versions" => versions
                    .get(&sid)
                    .map(|v| v.join("<br>"))
                    .unwrap_or_default(),
                f if f.starts_with("_versions_") => {
                    let k = VERSION_COLUMNS.iter().position(|c| *c == f);
                    columns
                        .get(&sid)
                        .zip(k)
                        .map(|(lists, k)| &lists[k])
                        .filter(|l| l.iter().any(|s| !s.is_empty()))
                        .map(|l| l.join("<br>"))
                        .unwrap_or_default()
                }
                "is_recursive" => yes_no(s, f),
                _ => text(s, f),
            })
            .collect();
        rows.push((sid, cells));
    }
    out.table(ItemType::Software, FIELDS, rows);

    // Computers by id, as the plan knows them (serial, else name).
    let computers: HashMap<u64, String> = read
        .rows(Endpoint {
            itemtype: GlpiType::Computer,
            expand: false,
        })
        .iter()
        .filter(|c| !flag(c, "is_deleted") && !flag(c, "is_template") && ctx.in_scope(c))
        .filter_map(|c| Some((id(c)?, asset_key(c))))
        .collect();
    let mut installations = Vec::new();
    for i in read.rows(INSTALLATIONS) {
        if flag(i, "is_deleted") {
            out.skip(GlpiType::ItemSoftwareVersion, SkipReason::Deleted);
            continue;
        }
        let computer = (text(i, "itemtype") == "Computer")
            .then(|| number(i, "items_id"))
            .flatten()
            .and_then(|c| computers.get(&c));
        let version = number(i, "softwareversions_id").and_then(|v| version_names.get(&v));
        match (computer, version) {
            (Some(c), Some((s, v))) => {
                out.read(GlpiType::ItemSoftwareVersion, 1);
                installations.push(vec![c.clone(), s.clone(), v.clone()]);
            }
            _ => out.skip(GlpiType::ItemSoftwareVersion, SkipReason::OutsideRead),
        }
    }
    out.companion(CompanionKind::Installations, installations);
}
