//! Gate order, sessions, profiles and entities, against section 0 of glpi-api.md.

mod common;
use common::Glpi;
use glpi_sandbox::{DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use serde_json::json;

#[tokio::test]
async fn gate_order_app_token_then_session() {
    let g = Glpi::start().await;
    let url = g.url("getFullSession");
    // No App-Token, even with a session token: the App-Token is checked first.
    let r = g
        .http
        .get(&url)
        .header("Session-Token", "whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v[0], "ERROR_APP_TOKEN_PARAMETERS_MISSING");
    assert!(v[1]
        .as_str()
        .unwrap()
        .starts_with("missing parameter app_token; view documentation in your browser at http://"));
    let r = g
        .http
        .get(&url)
        .header("App-Token", "wrong")
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v[0], "ERROR_WRONG_APP_TOKEN_PARAMETER");
    // Session missing, then unknown.
    let a = g.get("getFullSession").await;
    assert_eq!(
        (a.status, a.body[0].as_str()),
        (400, Some("ERROR_SESSION_TOKEN_MISSING"))
    );
    let a = g
        .raw("GET", "getFullSession", None, &[("Session-Token", "nope")])
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(
        a.body,
        json!(["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"])
    );
    assert_eq!(
        a.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
}

#[tokio::test]
async fn ip_refusal_comes_before_the_app_token() {
    let g = Glpi::start().await;
    g.admin_call("POST", "clients", Some(json!([{"name":"intranet","ipv4_start":"10.0.0.1","ipv4_end":"10.0.0.9","ipv6":null,"app_token":DEMO_APP_TOKEN,"is_active":true}]))).await;
    let a = g.get("initSession").await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!(["ERROR_NOT_ALLOWED_IP", "There isn't an active API client matching your IP address in the configuration (127.0.0.1)"])
    );
}

#[tokio::test]
async fn init_session_forms_and_failures() {
    let g = Glpi::start().await;
    // No credentials: the readiness probe's answer.
    let a = g.get("initSession").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body[0], "ERROR_LOGIN_PARAMETERS_MISSING");
    // user_token header, Basic, JSON body, query.
    let a = g
        .raw(
            "GET",
            "initSession",
            None,
            &[("Authorization", &format!("user_token {DEMO_USER_TOKEN}"))],
        )
        .await;
    assert_eq!(a.status, 200);
    assert!(a.body["session_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let a = g
        .raw(
            "GET",
            "initSession",
            None,
            &[("Authorization", "Basic Z2xwaTpnbHBp")],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = g
        .post("initSession", json!({"login":"tech","password":"tech"}))
        .await;
    assert_eq!(a.status, 200);
    let a = g
        .get(&format!("initSession?user_token={DEMO_USER_TOKEN}"))
        .await;
    assert_eq!(a.status, 200);
    // Unknown login and wrong password: the same 401.
    for body in [
        json!({"login":"nobody","password":"x"}),
        json!({"login":"glpi","password":"wrong"}),
    ] {
        let a = g.post("initSession", body).await;
        assert_eq!(a.status, 401);
        assert_eq!(
            a.body,
            json!(["ERROR_GLPI_LOGIN", "Incorrect username or password"])
        );
    }
    // A login without password is a missing parameter, not a failed login.
    let a = g.post("initSession", json!({"login":"glpi"})).await;
    assert_eq!(
        (a.status, a.body[0].as_str()),
        (400, Some("ERROR_LOGIN_PARAMETERS_MISSING"))
    );
    let a = g
        .raw(
            "GET",
            "initSession",
            None,
            &[("Authorization", "user_token bad")],
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body[0], "ERROR_GLPI_LOGIN_USER_TOKEN");
    // Credentials can be disabled, as on a fresh GLPI.
    g.admin_call(
        "POST",
        "config",
        Some(json!({"enable_api_login_credentials": false})),
    )
    .await;
    let a = g
        .post("initSession", json!({"login":"glpi","password":"glpi"}))
        .await;
    assert_eq!(
        (a.status, a.body[0].as_str()),
        (400, Some("ERROR_LOGIN_WITH_CREDENTIALS_DISABLED"))
    );
}

#[tokio::test]
async fn kill_session_twice() {
    let g = Glpi::admin().await;
    let a = g.get("killSession").await;
    assert_eq!((a.status, a.body.clone()), (200, json!(true)));
    let a = g.get("killSession").await;
    assert_eq!(a.status, 401);
    assert_eq!(
        a.body,
        json!(["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"])
    );
}

#[tokio::test]
async fn profiles_and_entities() {
    let g = Glpi::admin().await;
    let a = g.get("getFullSession").await;
    assert_eq!(a.body["session"]["glpiID"], 2);
    assert_eq!(a.body["session"]["glpilist_limit"], 20);
    let a = g.get("getMyProfiles").await;
    assert_eq!(a.body["myprofiles"][0]["id"], 4);
    assert_eq!(a.body["myprofiles"][0]["name"], "Super-Admin");
    let a = g.get("getActiveEntities").await;
    assert_eq!(a.body["active_entity"]["id"], 0);
    assert_eq!(
        a.body["active_entity"]["active_entity_recursive"],
        json!(1),
        "an integer on a fresh session"
    );
    let a = g
        .post("changeActiveProfile", json!({"profiles_id": 1}))
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(a.body, json!(["ERROR_ITEM_NOT_FOUND", "Item Not Found"]));
    let a = g.post("changeActiveProfile", json!({})).await;
    assert_eq!(a.status, 400);
    assert!(a.body[1]
        .as_str()
        .unwrap()
        .starts_with("Bad Request; view documentation in your browser at "));
    let a = g
        .post("changeActiveEntities", json!({"entities_id": 987654321}))
        .await;
    assert_eq!((a.status, a.body.clone()), (200, json!(false)));
    let a = g
        .post(
            "changeActiveEntities",
            json!({"entities_id": 0, "is_recursive": "yes"}),
        )
        .await;
    assert_eq!((a.status, a.body[0].as_str()), (400, Some("ERROR")));
    let a = g
        .post("changeActiveEntities", json!({"is_recursive": true}))
        .await;
    assert_eq!((a.status, a.body.clone()), (200, json!(true)));
    let a = g.get("getActiveEntities").await;
    assert_eq!(
        a.body["active_entity"]["active_entity_recursive"],
        json!(true),
        "a boolean after a change"
    );
    // A child entity shows up with recursion.
    let a = g
        .post(
            "Entity",
            json!({"input": {"name": "Préfecture de Guyane", "entities_id": 0}}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let a = g.get("getMyEntities").await;
    assert_eq!(a.body["myentities"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn payload_errors() {
    let g = Glpi::admin().await;
    let r = g
        .http
        .get(g.url("Computer"))
        .header("App-Token", DEMO_APP_TOKEN)
        .header("Session-Token", g.session.as_deref().unwrap())
        .body("{\"x\":1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v,
        json!(["ERROR_JSON_PAYLOAD_FORBIDDEN", "GET Request should not have json payload (http body); view documentation in your browser at /#ERROR_JSON_PAYLOAD_FORBIDDEN"])
    );
    let a = g.post("Computer", json!([])).await;
    assert_eq!(
        a.body,
        json!(["ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid"])
    );
    let a = g.post("Computer", json!({"input": []})).await;
    assert_eq!(
        (a.status, a.body.clone()),
        (400, json!(["ERROR_GLPI_ADD", []]))
    );
    let a = g
        .post("Computer", json!({"input": "cf-just-a-string"}))
        .await;
    assert_eq!(
        (a.status, a.body[0].as_str()),
        (400, Some("ERROR_BAD_ARRAY"))
    );
    let a = g.get("NotAType").await;
    assert_eq!(
        (a.status, a.body[0].as_str()),
        (400, Some("ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM"))
    );
}

#[tokio::test]
async fn sessions_can_expire_after_n_calls() {
    let g = Glpi::admin().await;
    g.admin_call("POST", "faults", Some(json!({"session_expiry_calls": 3})))
        .await;
    for _ in 0..3 {
        assert_eq!(g.get("getFullSession").await.status, 200);
    }
    let a = g.get("getFullSession").await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body[0], "ERROR_SESSION_TOKEN_INVALID");
}

#[tokio::test]
async fn glpi_config_gives_the_version_and_the_session_gives_rights_per_right_name() {
    let mut g = Glpi::start().await;
    g.login(DEMO_USER_TOKEN).await;
    let c = g.get("getGlpiConfig").await;
    assert_eq!(c.status, 200);
    assert_eq!(c.body["cfg_glpi"]["version"], "10.0.11");
    let s = g.get("getFullSession").await;
    let profile = &s.body["session"]["glpiactiveprofile"];
    // The stock profiles' rights, as GLPI 10.0.11's database holds them (glpi_profilerights):
    // Super-Admin computer 255, dropdown 23 (no purge bit), location 23, user 7327.
    assert_eq!(profile["computer"], 255);
    assert_eq!(profile["dropdown"], 23);
    assert_eq!(profile["location"], 23);
    assert_eq!(profile["user"], 7327);
    let mut tech = Glpi::start().await;
    tech.login(glpi_sandbox::DEMO_TECH_TOKEN).await;
    let s = tech.get("getFullSession").await;
    let profile = &s.body["session"]["glpiactiveprofile"];
    // Technician: computers 127, no right on locations, users 1055 (read, create, update…).
    assert_eq!(profile["computer"], 127);
    assert_eq!(profile["location"], 0);
    assert_eq!(profile["user"], 1055);
}
