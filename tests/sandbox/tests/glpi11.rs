//! The GLPI 11 mode (`SandboxConfig::glpi11`, `--glpi-version 11`): what a real GLPI 11.0.6
//! answers differently from 10.0.11 (`../shared/glpi-facts-2.md`, section 4), and GLPI 10 as
//! before.

mod common;
use common::Glpi;
use glpi_sandbox::{SandboxConfig, DEMO_USER_TOKEN};
use serde_json::json;

async fn glpi(version: &str) -> Glpi {
    let mut g = Glpi::start_with(SandboxConfig {
        glpi_version: glpi_sandbox::glpi_version(version),
        ..SandboxConfig::default()
    })
    .await;
    g.login(DEMO_USER_TOKEN).await;
    g
}

#[tokio::test]
async fn the_version_is_reported_by_get_glpi_config() {
    for (given, reported) in [("10", "10.0.11"), ("11", "11.0.6"), ("9.5.13", "9.5.13")] {
        let g = glpi(given).await;
        let a = g.get("getGlpiConfig").await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body["cfg_glpi"]["version"], reported);
    }
}

#[tokio::test]
async fn text_is_stored_and_returned_raw_on_11_encoded_on_10() {
    for (version, expected) in [("11", "R&D <PC>"), ("10", "R&#38;D &#60;PC&#62;")] {
        let g = glpi(version).await;
        let a = g
            .post("Computer", json!({"input": {"name": "R&D <PC>"}}))
            .await;
        assert_eq!(a.status, 201, "{}", a.text);
        let id = a.body["id"].as_u64().unwrap();
        let one = g.get(&format!("Computer/{id}")).await;
        assert_eq!(one.body["name"], expected, "{version}");
        let all = g.get("Computer?range=0-999").await;
        let listed = all
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(listed["name"], expected, "{version}");
    }
}

#[tokio::test]
async fn asset_groups_are_lists_in_a_single_get_and_absent_from_collections_on_11() {
    let g = glpi("11").await;
    let group = g.post("Group", json!({"input": {"name": "Support"}})).await;
    let gid = group.body["id"].as_u64().unwrap();
    let a = g
        .post(
            "Computer",
            json!({"input": [{"name": "with", "groups_id_tech": gid}, {"name": "without"}]}),
        )
        .await;
    let ids: Vec<u64> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    let with = g.get(&format!("Computer/{}", ids[0])).await;
    assert_eq!(with.body["groups_id_tech"], json!([gid]));
    assert_eq!(with.body["groups_id"], json!([]));
    let without = g.get(&format!("Computer/{}", ids[1])).await;
    assert_eq!(without.body["groups_id_tech"], json!([]));
    let all = g.get("Computer?range=0-999").await;
    for c in all.body.as_array().unwrap() {
        assert!(c.get("groups_id_tech").is_none(), "{c}");
        assert!(c.get("groups_id").is_none(), "{c}");
    }
    // A group's parent and a membership's group stay integers.
    let child = g
        .post("Group", json!({"input": {"name": "N2", "groups_id": gid}}))
        .await;
    let child = g.get(&format!("Group/{}", child.body["id"])).await;
    assert_eq!(child.body["groups_id"], json!(gid));

    // GLPI 10: integers everywhere.
    let g = glpi("10").await;
    let a = g
        .post(
            "Computer",
            json!({"input": {"name": "ten", "groups_id_tech": 0}}),
        )
        .await;
    let one = g.get(&format!("Computer/{}", a.body["id"])).await;
    assert_eq!(one.body["groups_id_tech"], json!(0));
}

#[tokio::test]
async fn urls_use_api_php_v1_on_11_whatever_path_was_called() {
    let g = glpi("11").await;
    let a = g.post("Computer", json!({"input": {"name": "pc"}})).await;
    let id = a.body["id"].as_u64().unwrap();
    let host = g.sandbox.addr();
    assert_eq!(
        a.header("location").unwrap(),
        format!("http://{host}/api.php/v1/Computer/{id}")
    );
    let one = g.get(&format!("Computer/{id}")).await;
    let links = one.body["links"].as_array().unwrap();
    assert!(!links.is_empty());
    for l in links {
        assert!(
            l["href"]
                .as_str()
                .unwrap()
                .starts_with(&format!("http://{host}/api.php/v1/")),
            "{l}"
        );
    }
    let g = glpi("10").await;
    let a = g.post("Computer", json!({"input": {"name": "pc"}})).await;
    assert!(a
        .header("location")
        .unwrap()
        .starts_with(&format!("http://{}/apirest.php/", g.sandbox.addr())));
}

#[tokio::test]
async fn search_sort_and_inverted_ranges_as_11_answers_them() {
    for (version, sort) in [("11", json!([0])), ("10", json!(["1"]))] {
        let g = glpi(version).await;
        let a = g.get("search/Computer").await;
        assert_eq!(a.body["sort"], sort, "{version}");
    }
    let g = glpi("11").await;
    for i in 0..3 {
        g.post("Computer", json!({"input": {"name": format!("pc{i}")}}))
            .await;
    }
    let a = g.get("Computer?range=2-1").await;
    assert_eq!(a.status, 206, "{}", a.text);
    assert_eq!(a.body.as_array().unwrap().len(), 3);
    let g = glpi("10").await;
    for i in 0..3 {
        g.post("Computer", json!({"input": {"name": format!("pc{i}")}}))
            .await;
    }
    let a = g.get("Computer?range=2-1").await;
    assert_eq!(a.body, json!([]), "{}", a.text);
}
