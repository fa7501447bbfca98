//! `/search` and `/listSearchOptions`, against section 0 of glpi-api.md.

mod common;
use common::Glpi;
use serde_json::json;

#[tokio::test]
async fn exact_match_with_anchors_and_forcedisplay() {
    let g = Glpi::admin().await;
    g.post("Computer", json!({"input": [{"name": "pc-01", "serial": "SN1"}, {"name": "pc-010", "serial": "SN2"}, {"name": "Élève"}]})).await;
    let a = g.get("search/Computer?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=^pc-01$&forcedisplay[0]=2").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["totalcount"], 1);
    let row = a.body["data"][0].as_object().unwrap();
    let mut keys: Vec<&String> = row.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        vec!["1", "2"],
        "forcedisplay replaces the default columns"
    );
    assert_eq!(row["1"], "pc-01");
    assert_eq!(a.body["sort"], json!(["1"]));
    let a = g.get("search/Computer?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=pc-01").await;
    assert_eq!(a.body["totalcount"], 2);
    // Case- and accent-insensitive.
    let a = g.get("search/Computer?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=eleve").await;
    assert_eq!(a.body["totalcount"], 1);
    // equals on the name compares ids: no row, no data key, no Content-Range header.
    let a = g.get("search/Computer?criteria[0][field]=1&criteria[0][searchtype]=equals&criteria[0][value]=pc-01").await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!({"totalcount": 0, "count": 0, "sort": ["1"], "order": ["ASC"], "content-range": "0--1/0"})
    );
    assert!(a.header("content-range").is_none());
    // Serial, OR link, sort echoed as a number.
    let a = g.get("search/Computer?criteria[0][field]=5&criteria[0][searchtype]=contains&criteria[0][value]=^SN1$&criteria[1][link]=OR&criteria[1][field]=5&criteria[1][searchtype]=contains&criteria[1][value]=^SN2$&sort=5").await;
    assert_eq!(a.body["totalcount"], 2);
    assert_eq!(a.body["sort"], json!([5]));
}

#[tokio::test]
async fn search_ranges_and_errors() {
    let g = Glpi::admin().await;
    g.post(
        "Computer",
        json!({"input": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}),
    )
    .await;
    let a = g.get("search/Computer?range=2-5").await;
    assert_eq!(a.status, 206);
    assert_eq!(a.body["count"], 1);
    assert_eq!(a.body["content-range"], "2-2/3");
    assert_eq!(a.header("content-range"), Some("2-2/3"));
    let a = g.get("search/Computer?criteria[0][field]=999&criteria[0][searchtype]=contains&criteria[0][value]=x").await;
    assert!(a.body[1]
        .as_str()
        .unwrap()
        .starts_with("Bad field ID in search criteria"));
    let a = g
        .get("search/Computer?criteria[0][field]=1&criteria[0][value]=x")
        .await;
    assert!(a.body[1]
        .as_str()
        .unwrap()
        .starts_with("Malformed search criteria"));
    let a = g.get("search/Nope").await;
    assert_eq!(a.body[0], "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM");
}

#[tokio::test]
async fn entity_column_appears_with_two_entities_and_user_columns_are_ids() {
    let g = Glpi::admin().await;
    g.post("Computer", json!({"input": {"name": "pc", "users_id": 4}}))
        .await;
    let a = g.get("search/Computer?forcedisplay[0]=70").await;
    assert!(a.body["data"][0].get("80").is_none());
    assert_eq!(a.body["data"][0]["70"], "4");
    g.post(
        "Entity",
        json!({"input": {"name": "Préfecture", "entities_id": 0}}),
    )
    .await;
    let a = g.get("search/Computer?forcedisplay[0]=70").await;
    assert_eq!(a.body["data"][0]["80"], "Root Entity");
}

#[tokio::test]
async fn names_with_html_cannot_be_found_by_text() {
    let g = Glpi::admin().await;
    g.post("Computer", json!({"input": {"name": "cf-<b>"}}))
        .await;
    for v in ["cf-<b>", "cf-&#60;b&#62;"] {
        let a = g.get(&format!("search/Computer?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]={}", urlencode(v))).await;
        assert_eq!(a.body["totalcount"], 0, "{v}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn list_search_options() {
    let g = Glpi::admin().await;
    let a = g.get("listSearchOptions/Computer").await;
    assert_eq!(a.body["common"], json!({"name": "Characteristics"}));
    assert_eq!(a.body["5"]["name"], "Serial Number");
    assert_eq!(a.body["23"]["name"], "Manufacturers");
    assert_eq!(
        a.body["2"]["available_searchtypes"],
        json!(["contains", "notcontains"])
    );
}
