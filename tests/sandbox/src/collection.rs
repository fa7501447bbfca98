//! `GET /{itemtype}` and `GET /{parent}/{id}/{child}`: ranges, headers, sort, searchText.

use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::Value;

use crate::api::{present, text_matches, visible, Call};
use crate::itemtypes::TypeInfo;
use crate::reply::{error, json_reply, NO_RIGHT};
use crate::rights::{can, Action};
use crate::state::{Item, Session, State};

/// Parses `start-end`.
pub fn parse_range(text: &str) -> Option<(i64, i64)> {
    let (a, b) = text.split_once('-')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// Applies GLPI's range rules; returns (rows, status, content-range) or an error response.
pub fn page<T: Clone>(
    rows: &[T],
    range: Option<&str>,
    list_limit: i64,
    api_url: &str,
) -> Result<(Vec<T>, u16, Option<String>), Response> {
    let total = rows.len() as i64;
    let (start, end, take) = match range {
        None => (0, list_limit, list_limit),
        Some(r) => match parse_range(r) {
            Some((s, e)) => (s, e, e - s + 1),
            None => {
                return Err(error(
                    400,
                    "ERROR",
                    "range must be in format : [start-end] with integers",
                    Some(api_url),
                ))
            }
        },
    };
    if start > total {
        return Err(error(
            400,
            "ERROR_RANGE_EXCEED_TOTAL",
            &format!("Provided range exceed total count of data: {total}"),
            Some(api_url),
        ));
    }
    let end = end.min(total - 1);
    let page: Vec<T> = if take <= 0 || start < 0 {
        Vec::new()
    } else {
        rows.iter()
            .skip(start as usize)
            .take(take.min(end - start + 1).max(0) as usize)
            .cloned()
            .collect()
    };
    let status = if end - start + 1 < total { 206 } else { 200 };
    let content_range = (total > 0).then(|| format!("{start}-{end}/{total}"));
    Ok((page, status, content_range))
}

/// Adds GLPI's collection headers.
pub fn with_range_headers(
    mut res: Response,
    itemtype: &str,
    content_range: Option<String>,
) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("{itemtype} 1000")) {
        res.headers_mut().insert("accept-range", v);
    }
    if let Some(cr) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert("content-range", cr);
    }
    res
}

fn parent_filter(item: &Item, parent: (&TypeInfo, u64)) -> bool {
    let (p, id) = parent;
    let fk = format!("{}_id", p.table.trim_start_matches("glpi_"));
    if let Some(v) = item.get(&fk) {
        return v.as_u64() == Some(id);
    }
    item.get("itemtype").and_then(Value::as_str) == Some(p.name)
        && item.get("items_id").and_then(Value::as_u64) == Some(id)
}

/// Lists items.
pub fn list(
    state: &State,
    info: &TypeInfo,
    call: &Call<'_>,
    session: &Session,
    parent: Option<(&TypeInfo, u64)>,
) -> Response {
    let doc = Some(call.api_url.as_str());
    if !can(session.profile_id, info.right, Action::Read) {
        return error(403, "ERROR_RIGHT_MISSING", NO_RIGHT, None);
    }
    let active = state.active_entities(session);
    let deleted = call.params.flag("is_deleted", false);
    let search_text: Vec<(String, String)> = call
        .params
        .with_prefix("searchText[")
        .map(|(k, v)| {
            (
                k.trim_start_matches("searchText[")
                    .trim_end_matches(']')
                    .to_string(),
                // GLPI un-sanitizes the value, then compares it with the stored (encoded) text:
                // a name with `<`, `>` or `&` is found by neither form.
                crate::text::unsanitize(v),
            )
        })
        .collect();
    let empty = Default::default();
    let all = state.items.get(info.name).unwrap_or(&empty);
    let mut rows: Vec<&Item> = all
        .values()
        .filter(|i| visible(state, info, i, &active))
        .filter(|i| {
            !info.trashable || (i.get("is_deleted").and_then(Value::as_u64) == Some(1)) == deleted
        })
        .filter(|i| parent.is_none_or(|p| parent_filter(i, p)))
        .filter(|i| {
            search_text.iter().all(|(field, pattern)| {
                let fields: Vec<&str> = if field == "all" {
                    vec!["name", "comment"]
                } else {
                    vec![field.as_str()]
                };
                fields.iter().any(|f| {
                    i.get(*f).map(|v| match v {
                        Value::String(s) => text_matches(s, pattern),
                        Value::Null => false,
                        other => text_matches(&other.to_string(), pattern),
                    }) == Some(true)
                })
            })
        })
        .collect();
    let sort = call.params.get("sort").unwrap_or_else(|| "id".into());
    let sample = all.values().next();
    if sort != "id" && sample.is_some_and(|s| !s.contains_key(&sort)) {
        return error(
            400,
            "ERROR",
            &format!("sort param is not a field of {}", info.table),
            doc,
        );
    }
    let order = call.params.get("order").unwrap_or_else(|| "ASC".into());
    if order != "ASC" && order != "DESC" {
        return error(400, "ERROR", "order must be DESC or ASC", doc);
    }
    rows.sort_by(|a, b| cmp_values(a.get(&sort), b.get(&sort)));
    if order == "DESC" {
        rows.reverse();
    }
    let list_limit = crate::api::list_limit(state, session.user_id);
    let range = call.params.get("range");
    let inverted = range
        .as_deref()
        .and_then(parse_range)
        .is_some_and(|(start, end)| start > end);
    let (page, status, content_range) = if inverted && state.is_glpi11() {
        // GLPI 11 answers an inverted range (`2-1`) with every row and 206 (10: `[]`).
        (rows.clone(), 206, None)
    } else {
        match page(&rows, range.as_deref(), list_limit, &call.api_url) {
            Ok(p) => p,
            Err(e) => return e,
        }
    };
    let body: Vec<Value> = page.iter().map(|i| present(state, info, i, call)).collect();
    with_range_headers(
        json_reply(status, &Value::Array(body)),
        info.name,
        content_range,
    )
}

/// Orders JSON values as SQL would: numbers numerically, text case-insensitively, nulls first.
pub fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Some(Value::String(x)), Some(Value::String(y))) => {
            crate::text::fold(x).cmp(&crate::text::fold(y))
        }
        (None | Some(Value::Null), None | Some(Value::Null)) => std::cmp::Ordering::Equal,
        (None | Some(Value::Null), _) => std::cmp::Ordering::Less,
        (_, None | Some(Value::Null)) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: usize, range: Option<&str>) -> (usize, u16, Option<String>) {
        let rows: Vec<usize> = (0..n).collect();
        let (page, status, cr) = page(&rows, range, 20, "http://x/apirest.php")
            .map_err(|_| ())
            .unwrap();
        (page.len(), status, cr)
    }

    #[test]
    fn glpi_range_rules_observed_on_10_0_11() {
        assert_eq!(p(21, None), (20, 200, Some("0-20/21".into())));
        assert_eq!(p(22, None), (20, 206, Some("0-20/22".into())));
        assert_eq!(p(3, Some("3-9")), (0, 206, Some("3-2/3".into())));
        assert_eq!(p(3, Some("2-1")), (0, 206, Some("2-1/3".into())));
        assert_eq!(p(0, None), (0, 200, None));
        assert_eq!(p(3, Some("0-1")), (2, 206, Some("0-1/3".into())));
        assert_eq!(p(3, Some("0-9")), (3, 200, Some("0-2/3".into())));
        let rows = [1, 2, 3];
        assert!(page(&rows, Some("5-9"), 20, "u").is_err());
        assert!(page(&rows, Some("abc"), 20, "u").is_err());
    }
}
