//! The admin API: seed, dump, counters, reset, faults (errors, dropped connections, latency).

mod common;
use common::Glpi;
use serde_json::json;

#[tokio::test]
async fn seed_dump_counters_and_reset() {
    let g = Glpi::admin().await;
    let r = g.admin_call("POST", "seed", Some(json!({"Location": [{"id": 50, "name": "Cayenne"}], "Computer": [{"name": "seeded"}]}))).await;
    assert_eq!(r["seeded"]["Location"], 1);
    assert_eq!(g.get("Location/50").await.body["completename"], "Cayenne");
    g.post("Computer", json!({"input": [{"name": "a"}, {"name": "b"}]}))
        .await;
    let dump = g.admin_call("GET", "dump", None).await;
    assert_eq!(dump["Computer"].as_array().unwrap().len(), 3);
    let c = g.admin_call("GET", "counters", None).await;
    assert_eq!(
        c["items"]["created"]["Computer"], 2,
        "seeding is not counted"
    );
    assert_eq!(c["calls"]["POST Computer"], 1);
    g.admin_call("POST", "reset", None).await;
    let dump = g.admin_call("GET", "dump", None).await;
    assert!(dump.get("Computer").is_none());
    assert_eq!(
        dump["User"].as_array().unwrap().len(),
        5,
        "the stock users are back"
    );
}

#[tokio::test]
async fn injected_errors_are_reproducible() {
    let g = Glpi::admin().await;
    g.admin_call("POST", "faults", Some(json!({"error_500": 0.5, "seed": 7})))
        .await;
    let mut first = Vec::new();
    for _ in 0..20 {
        first.push(g.get("getFullSession").await.status);
    }
    assert!(first.contains(&500) && first.contains(&200), "{first:?}");
    g.admin_call("POST", "faults", Some(json!({"error_500": 0.5, "seed": 7})))
        .await;
    let mut second = Vec::new();
    for _ in 0..20 {
        second.push(g.get("getFullSession").await.status);
    }
    assert_eq!(first, second, "same seed, same faults");
    g.admin_call("POST", "faults", Some(json!({"error_503": 1.0})))
        .await;
    assert_eq!(g.get("getFullSession").await.status, 503);
}

#[tokio::test]
async fn dropped_connections_happen_after_the_work() {
    let g = Glpi::admin().await;
    g.admin_call("POST", "faults", Some(json!({"drop_connection": 1.0})))
        .await;
    let r = g
        .http
        .post(g.url("Computer"))
        .header("App-Token", glpi_sandbox::DEMO_APP_TOKEN)
        .header("Session-Token", g.session.as_deref().unwrap())
        .body(json!({"input": {"name": "lost-answer"}}).to_string())
        .send()
        .await;
    let failed = match r {
        Err(_) => true,
        Ok(res) => res.text().await.is_err(),
    };
    assert!(failed, "the client must not get a complete answer");
    g.admin_call("POST", "faults", Some(json!({}))).await;
    let dump = g.admin_call("GET", "dump", None).await;
    assert_eq!(
        dump["Computer"][0]["name"], "lost-answer",
        "the item was created anyway"
    );
}

#[tokio::test]
async fn latency_model_per_single_and_bulk_create() {
    let g = Glpi::admin().await;
    g.admin_call(
        "POST",
        "faults",
        Some(json!({"single_create_ms": 40, "bulk_item_ms": 5})),
    )
    .await;
    g.post("Computer", json!({"input": {"name": "one"}})).await;
    assert_eq!(
        g.admin_call("GET", "counters", None).await["simulated_ms"],
        40
    );
    let input: Vec<_> = (0..20).map(|i| json!({"name": format!("b{i}")})).collect();
    g.post("Computer", json!({"input": input})).await;
    assert_eq!(
        g.admin_call("GET", "counters", None).await["simulated_ms"],
        40 + 20 * 5
    );
}
