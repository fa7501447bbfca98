//! The GLPI versions the migration talks to, and every difference between them that the engine
//! handles, in one place (what a real GLPI 11.0.6 stores and answers differently from 10.0.11):
//!
//! - text: GLPI 10 stores `<`, `>`, `&` as HTML entities and returns them so; GLPI 11 stores and
//!   returns text raw. [`GlpiVersion::read_text`] gives the text as it was sent.
//! - asset groups: GLPI 11 answers `groups_id` and `groups_id_tech` of an asset as lists (a
//!   single GET; collections leave them out); GLPI 10 as integers.
//!   [`GlpiVersion::normalize_item`] makes them one id again, and
//!   [`GlpiVersion::groups_need_single_read`] says when a collection misses them.
//! - URLs: GLPI 11 writes every URL with `api.php/v1`, GLPI 10 with `apirest.php`:
//!   [`item_from_url`] reads both.
//! - tickets: GLPI 11 has `externalid`, used to recognise a ticket without the journal
//!   ([`GlpiVersion::ticket_external_id`]).
//! - rights: GLPI 11's masks are wider (computer 4095, ticket 523295); the engine tests bits,
//!   never whole masks, so both read alike.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

use super::{GlpiError, GlpiType};

/// A major GLPI version the migration supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GlpiVersion {
    /// GLPI 10.0.x.
    V10,
    /// GLPI 11.0.x.
    V11,
}

impl GlpiVersion {
    /// Reads GLPI's version string (`cfg_glpi.version`, `10.0.11`, `11.0.6`); any other major
    /// (9.5, 12) is refused.
    pub fn parse(version: &str) -> Result<GlpiVersion, GlpiError> {
        let v = version.trim();
        let major = v.split(['.', '-', ' ']).next().unwrap_or("");
        match major {
            "10" => Ok(GlpiVersion::V10),
            "11" => Ok(GlpiVersion::V11),
            _ => Err(GlpiError::UnsupportedVersion(v.to_string())),
        }
    }

    /// Reads the version out of a `getGlpiConfig` answer (`{"cfg_glpi": {"version": …}}`).
    pub fn from_config(config: &Value) -> Result<GlpiVersion, GlpiError> {
        let version = config
            .get("cfg_glpi")
            .and_then(|c| c.get("version"))
            .and_then(Value::as_str)
            .unwrap_or("");
        GlpiVersion::parse(version)
    }

    /// The major version number.
    pub const fn major(self) -> u32 {
        match self {
            GlpiVersion::V10 => 10,
            GlpiVersion::V11 => 11,
        }
    }

    /// Whether GLPI stores `<`, `>`, `&` as HTML entities (10) rather than raw (11).
    pub const fn stores_entities(self) -> bool {
        matches!(self, GlpiVersion::V10)
    }

    /// A text read from this GLPI as it was sent: entities decoded on 10, as returned on 11.
    pub fn read_text(self, s: &str) -> String {
        if self.stores_entities() {
            decode_entities(s)
        } else {
            s.to_string()
        }
    }

    /// Whether the asset's groups are missing from collections and only a single GET shows them
    /// (GLPI 11, for types that have `groups_id` or `groups_id_tech`).
    pub fn groups_need_single_read(self, itemtype: GlpiType) -> bool {
        self.groups_are_lists(itemtype)
    }

    /// Whether this GLPI answers `itemtype`'s groups as lists: assets and software on 11 (a
    /// group's parent and a membership's group stay integers).
    pub fn groups_are_lists(self, itemtype: GlpiType) -> bool {
        self == GlpiVersion::V11
            && (itemtype.is_asset() || itemtype == GlpiType::Software)
            && GROUP_FIELDS.iter().any(|f| itemtype.keeps(f))
    }

    /// An item as read, made version-independent: on GLPI 11, the asset groups' lists become one
    /// id (`[]` is 0, `[3]` is 3; several stay a list, never silently equal to one of them).
    pub fn normalize_item(self, itemtype: GlpiType, item: &mut Map<String, Value>) {
        if !self.groups_are_lists(itemtype) {
            return;
        }
        for field in GROUP_FIELDS {
            if let Some(Value::Array(ids)) = item.get(*field) {
                let single = match ids.as_slice() {
                    [] => Some(Value::from(0u64)),
                    [one] => Some(one.clone()),
                    _ => None,
                };
                if let Some(v) = single {
                    item.insert((*field).to_string(), v);
                }
            }
        }
    }

    /// The ticket field that identifies a ticket without the journal (`externalid`, GLPI 11).
    pub const fn ticket_external_id(self) -> Option<&'static str> {
        match self {
            GlpiVersion::V10 => None,
            GlpiVersion::V11 => Some("externalid"),
        }
    }
}

impl fmt::Display for GlpiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GLPI {}", self.major())
    }
}

/// The asset group fields GLPI 11 answers as lists.
pub const GROUP_FIELDS: &[&str] = &["groups_id", "groups_id_tech"];

/// Decodes the entities GLPI 10 stores for `<`, `>`, `&` (numeric and named) and quotes, for
/// comparisons (a stored `&#38;amp;` reads `&`); [`stored_text`] gives back what was typed.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// What was typed, from the text GLPI 10 stores (`&#60;p&#62;` → `<p>`), decoded in one pass: a
/// stored `&#38;gt;` (the HTML `&gt;` as typed) reads `&gt;`, so that sending it again stores
/// exactly the same text.
pub fn stored_text(s: &str) -> String {
    const ENTITIES: [(&str, char); 5] = [
        ("&#60;", '<'),
        ("&#62;", '>'),
        ("&#38;", '&'),
        ("&#39;", '\''),
        ("&#34;", '"'),
    ];
    if !s.contains("&#") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match ENTITIES.iter().find(|(e, _)| tail.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &tail[e.len()..];
            }
            None => {
                out.push_str("&#");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The item a URL written by GLPI names (`Location`, `Link`, `links[].href`), whatever its path:
/// `…/apirest.php/Computer/12` (10) and `…/api.php/v1/Computer/12` (11) alike.
pub fn item_from_url(url: &str) -> Option<(GlpiType, u64)> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let rest = if let Some((_, r)) = path.split_once("/apirest.php/") {
        r
    } else {
        path.split_once("/api.php/v1/")?.1
    };
    let mut parts = rest.trim_end_matches('/').split('/');
    let itemtype = GlpiType::from_name(parts.next()?).ok()?;
    let id = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some((itemtype, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_10_and_11_are_read_others_refused() {
        assert_eq!(GlpiVersion::parse("10.0.11"), Ok(GlpiVersion::V10));
        assert_eq!(GlpiVersion::parse("11.0.6"), Ok(GlpiVersion::V11));
        assert_eq!(
            GlpiVersion::from_config(&json!({"cfg_glpi": {"version": "11.0.6"}})),
            Ok(GlpiVersion::V11)
        );
        for bad in ["9.5.13", "12.0.0", "", "dev"] {
            let e = GlpiVersion::parse(bad).unwrap_err();
            assert_eq!(e, GlpiError::UnsupportedVersion(bad.to_string()));
            assert!(e
                .to_string()
                .starts_with("version de GLPI non prise en charge"));
        }
        assert!(GlpiVersion::from_config(&json!({})).is_err());
        assert_eq!(GlpiVersion::V11.to_string(), "GLPI 11");
    }

    #[test]
    fn text_is_decoded_on_10_and_taken_as_returned_on_11() {
        assert_eq!(
            GlpiVersion::V10.read_text("a &#60;b&#62; &#38; c"),
            "a <b> & c"
        );
        assert_eq!(GlpiVersion::V11.read_text("a <b> & c"), "a <b> & c");
        // A literal entity typed by a user is kept on 11, and read back as typed on 10.
        assert_eq!(GlpiVersion::V11.read_text("R&amp;D"), "R&amp;D");
        assert_eq!(
            stored_text("&#60;p&#62;&#38;gt; 30 s &#38;amp; 5 %&#60;/p&#62;"),
            "<p>&gt; 30 s &amp; 5 %</p>"
        );
    }

    #[test]
    fn asset_groups_lists_of_11_become_one_id() {
        let mut item = json!({"id": 1, "groups_id_tech": [3], "groups_id": [], "name": "PC"})
            .as_object()
            .unwrap()
            .clone();
        GlpiVersion::V11.normalize_item(GlpiType::Computer, &mut item);
        assert_eq!(item["groups_id_tech"], json!(3));
        assert_eq!(item["groups_id"], json!(0));
        let mut many = json!({"groups_id": [3, 4]}).as_object().unwrap().clone();
        GlpiVersion::V11.normalize_item(GlpiType::Monitor, &mut many);
        assert_eq!(many["groups_id"], json!([3, 4]));
        let mut ten = json!({"groups_id": [3]}).as_object().unwrap().clone();
        GlpiVersion::V10.normalize_item(GlpiType::Computer, &mut ten);
        assert_eq!(ten["groups_id"], json!([3]));
        let mut group = json!({"groups_id": [3]}).as_object().unwrap().clone();
        GlpiVersion::V11.normalize_item(GlpiType::Group, &mut group);
        assert_eq!(group["groups_id"], json!([3]));
        assert!(GlpiVersion::V11.groups_need_single_read(GlpiType::Computer));
        assert!(!GlpiVersion::V11.groups_need_single_read(GlpiType::Location));
        assert!(!GlpiVersion::V11.groups_need_single_read(GlpiType::Group));
        assert!(!GlpiVersion::V11.groups_need_single_read(GlpiType::GroupUser));
        assert!(!GlpiVersion::V10.groups_need_single_read(GlpiType::Computer));
    }

    #[test]
    fn urls_of_both_paths_name_the_item() {
        assert_eq!(
            item_from_url("http://glpi/apirest.php/Computer/12"),
            Some((GlpiType::Computer, 12))
        );
        assert_eq!(
            item_from_url("https://glpi.example/front/../api.php/v1/Computer_Item/7?x=1"),
            Some((GlpiType::ComputerItem, 7))
        );
        assert_eq!(item_from_url("http://glpi/api.php/v1/Computer/"), None);
        assert_eq!(item_from_url("http://glpi/api.php/v2/Computer/3"), None);
        assert_eq!(item_from_url("http://glpi/apirest.php/Nope/3"), None);
    }

    #[test]
    fn tickets_are_recognised_by_externalid_on_11_only() {
        assert_eq!(GlpiVersion::V10.ticket_external_id(), None);
        assert_eq!(GlpiVersion::V11.ticket_external_id(), Some("externalid"));
    }

    #[test]
    fn wider_rights_masks_of_11_still_grant_the_bits() {
        use super::super::bits;
        // Computer 4095, ticket 523295, user 15519 on GLPI 11.
        for mask in [4095u64, 523295, 15519] {
            for bit in [bits::READ, bits::UPDATE, bits::CREATE, bits::PURGE] {
                assert_ne!(mask & GlpiType::Computer.right_bit(bit), 0, "{mask} {bit}");
            }
        }
    }
}
