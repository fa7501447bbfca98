//! Existing target values found by name: what the page's type-ahead offers for a value the
//! files reference and the target lacks, so the administrator maps it to an item GLPI already
//! has (the plan then uses that item's id, [`super::plan::ValueChoice::MapTo`]).
//!
//! One request per search, built here without I/O: `GET /{itemtype}` with
//! `searchText[{field}]` (GLPI's `LIKE %text%`, case- and accent-insensitive), the first
//! [`LOOKUP_LIMIT`] items sorted by that field. Tree dropdowns (locations…) are searched and
//! shown by their complete name, as the files name them; every other type by `name`.
//!
//! GLPI 10 stores `<`, `>` and `&` encoded (`&#62;`) and un-encodes the searched text before
//! comparing, so a text holding one of them never matches (`../shared/glpi-api.md`, fact 30):
//! a complete name typed as `Cayenne > Bât` would find nothing. The text is therefore cut at
//! those characters, GLPI searched for its longest piece, and only the items whose name holds
//! every piece kept.

use serde_json::Value;

use super::api::{encode_query, ApiRequest, Method};
use super::client::{CallError, GlpiClient};
use super::reconcile::normalize_key;
use crate::glpi::{decode_entities, GlpiType, GlpiVersion};

/// How many items one search shows at most.
pub const LOOKUP_LIMIT: usize = 20;

/// An existing target item a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its id in the target.
    pub id: u64,
    /// Its (complete) name, as typed in GLPI.
    pub name: String,
}

/// The column an item type is searched and shown by.
pub fn lookup_field(itemtype: GlpiType) -> &'static str {
    if itemtype.tree_parent().is_some() {
        "completename"
    } else {
        "name"
    }
}

/// The pieces of a typed text GLPI can search: cut at `<`, `>` and `&`, trimmed, non-empty.
fn pieces(text: &str) -> Vec<&str> {
    text.split(['<', '>', '&'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The request searching `itemtype`'s items whose name contains `text` (its longest piece, see
/// the module); `None` when `text` is blank (nothing to search).
pub fn lookup_request(itemtype: GlpiType, text: &str) -> Option<ApiRequest> {
    let text = pieces(text).into_iter().max_by_key(|p| p.chars().count())?;
    let field = lookup_field(itemtype);
    Some(ApiRequest::new(
        Method::Get,
        format!(
            "/{}?searchText[{field}]={}&range=0-{}&sort={field}&order=ASC&get_hateoas=false",
            itemtype.name(),
            encode_query(text),
            LOOKUP_LIMIT - 1
        ),
    ))
}

/// The items of the answer to a search of `text` (a JSON list; anything else finds nothing)
/// whose name holds every piece of `text`, their names as typed (GLPI 10's stored entities
/// decoded; as answered when the version is known to store none).
pub fn lookup_results(
    itemtype: GlpiType,
    version: Option<GlpiVersion>,
    text: &str,
    body: &Value,
) -> Vec<Found> {
    let field = lookup_field(itemtype);
    let wanted: Vec<String> = pieces(text).into_iter().map(normalize_key).collect();
    body.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let id = item.get("id")?.as_u64()?;
                    let raw = item
                        .get(field)
                        .or_else(|| item.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let name = match version {
                        Some(v) => v.read_text(raw),
                        None => decode_entities(raw),
                    };
                    let folded = normalize_key(&name);
                    wanted
                        .iter()
                        .all(|p| folded.contains(p.as_str()))
                        .then_some(Found { id, name })
                })
                .take(LOOKUP_LIMIT)
                .collect()
        })
        .unwrap_or_default()
}

/// Searches the target for `itemtype`'s items named like `text` (nothing for a blank text).
pub async fn lookup(
    client: &GlpiClient<'_>,
    itemtype: GlpiType,
    text: &str,
) -> Result<Vec<Found>, CallError> {
    let Some(request) = lookup_request(itemtype, text) else {
        return Ok(Vec::new());
    };
    let (_, body, _) = client.call_json(request).await?;
    Ok(lookup_results(itemtype, client.version(), text, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(id: u64, name: &str) -> Found {
        Found {
            id,
            name: name.into(),
        }
    }

    #[test]
    fn a_name_is_searched_by_name_and_a_tree_by_complete_name() {
        let r = lookup_request(GlpiType::Manufacturer, "  Dell Inc. ").unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.path,
            "/Manufacturer?searchText[name]=Dell%20Inc.&range=0-19&sort=name&order=ASC&get_hateoas=false"
        );
        let r = lookup_request(GlpiType::Location, "Bât").unwrap();
        assert_eq!(
            r.path,
            "/Location?searchText[completename]=B%C3%A2t&range=0-19&sort=completename&order=ASC&get_hateoas=false"
        );
        assert!(r.body.is_none());
    }

    #[test]
    fn a_blank_text_searches_nothing() {
        assert!(lookup_request(GlpiType::Manufacturer, "").is_none());
        assert!(lookup_request(GlpiType::Manufacturer, "  ").is_none());
        assert!(lookup_request(GlpiType::Location, " > ").is_none());
    }

    #[test]
    fn a_text_with_what_glpi_stores_encoded_is_searched_by_its_longest_piece() {
        let r = lookup_request(GlpiType::Location, "Cayenne > Bât").unwrap();
        assert!(
            r.path
                .starts_with("/Location?searchText[completename]=Cayenne&"),
            "{}",
            r.path
        );
        let r = lookup_request(GlpiType::Manufacturer, "AT&T Inc").unwrap();
        assert!(r.path.contains("searchText[name]=T%20Inc&"), "{}", r.path);
        // Only the items holding every piece are kept.
        let body = json!([
            {"id": 1, "completename": "Cayenne &#62; Bât 1"},
            {"id": 2, "completename": "Cayenne &#62; Annexe"},
        ]);
        assert_eq!(
            lookup_results(
                GlpiType::Location,
                Some(GlpiVersion::V10),
                "cayenne > bat",
                &body
            ),
            vec![found(1, "Cayenne > Bât 1")]
        );
    }

    #[test]
    fn the_answer_gives_ids_and_names_as_typed() {
        let body = json!([
            {"id": 3, "name": "Dell", "comment": null},
            {"id": 7, "name": "Dell &#38; Cie"},
            {"name": "no id"},
            "junk"
        ]);
        assert_eq!(
            lookup_results(
                GlpiType::Manufacturer,
                Some(GlpiVersion::V10),
                "dell",
                &body
            ),
            vec![found(3, "Dell"), found(7, "Dell & Cie")]
        );
        let tree = json!([{"id": 4, "name": "Bât 1", "completename": "Cayenne &#62; Bât 1"}]);
        assert_eq!(
            lookup_results(GlpiType::Location, Some(GlpiVersion::V10), "bât", &tree),
            vec![found(4, "Cayenne > Bât 1")]
        );
        // GLPI's error list, or no match (`[]`), finds nothing.
        let error = json!(["ERROR", "x"]);
        assert!(lookup_results(GlpiType::Manufacturer, None, "x", &error).is_empty());
        assert!(lookup_results(GlpiType::Manufacturer, None, "x", &json!([])).is_empty());
    }
}
