//! The admin API, outside GLPI's path: reset, seed, dump, counters, faults, notifications,
//! ticket rule applications and surveys, API clients and settings (ticket rule and survey
//! included). Tests and demos drive the sandbox through it.

use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::itemtypes;
use crate::reply::json_reply;
use crate::state::{ApiClient, Faults, State};

fn bad(message: &str) -> Response {
    json_reply(400, &json!({ "error": message }))
}

/// Handles `/sandbox/{action}`.
pub fn handle(state: &mut State, method: &str, action: &str, body: &[u8]) -> Response {
    let json: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad(&format!("invalid JSON: {e}")),
        }
    };
    match (method, action) {
        ("POST", "reset") => {
            let faults = Faults::default();
            let credentials = state.credentials_login;
            *state = State::fresh(faults, credentials);
            json_reply(200, &json!({ "reset": true }))
        }
        ("POST", "seed") => seed(state, json),
        ("POST", "next-ids") => next_ids(state, json),
        ("GET", "dump") => {
            let mut out = Map::new();
            for (t, items) in &state.items {
                out.insert(
                    (*t).to_string(),
                    Value::Array(items.values().cloned().map(Value::Object).collect()),
                );
            }
            json_reply(200, &Value::Object(out))
        }
        ("GET", "counters") => json_reply(
            200,
            &json!({ "calls": state.calls, "items": state.changes, "simulated_ms": state.simulated_ms }),
        ),
        ("GET", "faults") => json_reply(200, &json!(state.faults)),
        ("POST", "faults") => match serde_json::from_value::<Faults>(json) {
            Ok(f) => {
                state.rng = f.seed.max(1);
                state.faults = f;
                json_reply(200, &json!(state.faults))
            }
            Err(e) => bad(&format!("faults: {e}")),
        },
        ("GET", "notifications") => json_reply(200, &json!(state.notifications)),
        ("GET", "rules") => json_reply(200, &json!(state.rule_applications)),
        ("GET", "surveys") => json_reply(200, &json!(state.surveys)),
        ("POST", "clients") => match serde_json::from_value::<Vec<ApiClient>>(json) {
            Ok(c) => {
                state.clients = c;
                json_reply(200, &json!(state.clients))
            }
            Err(e) => bad(&format!("clients: {e}")),
        },
        ("POST", "config") => {
            if let Some(b) = json.get("enable_api").and_then(Value::as_bool) {
                state.api_enabled = b;
            }
            if let Some(b) = json
                .get("enable_api_login_credentials")
                .and_then(Value::as_bool)
            {
                state.credentials_login = b;
            }
            let t = &mut state.ticket_settings;
            if let Some(b) = json.get("ticket_rule").and_then(Value::as_bool) {
                t.rule = b;
            }
            if let Some(n) = json.get("survey_rate").and_then(Value::as_u64) {
                t.survey_rate = n.min(100);
            }
            if let Some(n) = json.get("survey_delay_days").and_then(Value::as_u64) {
                t.survey_delay_days = n;
            }
            json_reply(
                200,
                &json!({"enable_api": state.api_enabled, "enable_api_login_credentials": state.credentials_login,
                    "ticket_rule": t.rule, "survey_rate": t.survey_rate, "survey_delay_days": t.survey_delay_days}),
            )
        }
        _ => json_reply(
            404,
            &json!({ "error": format!("unknown admin call {method} /sandbox/{action}") }),
        ),
    }
}

/// Moves the id counters on, as on a GLPI that has been used (MariaDB's `AUTO_INCREMENT`
/// never goes back when rows are purged): `{"UserEmail": 1000}`, or `{"*": 1000}` for every
/// item type. A counter never goes below the ids already taken.
///
/// Ids matter beyond their value: `User::updateUserEmails` reads list positions as e-mail ids,
/// so a user's two addresses survive only where the e-mail counter is past 1.
fn next_ids(state: &mut State, json: Value) -> Response {
    let Value::Object(counters) = json else {
        return bad("next-ids: an object of item type -> next id is expected");
    };
    let mut out = Map::new();
    for (t, n) in counters {
        let Some(n) = n.as_u64() else {
            return bad(&format!("next-ids: {t} needs a positive integer"));
        };
        let types: Vec<&'static str> = if t == "*" {
            itemtypes::TYPES.iter().map(|i| i.name).collect()
        } else {
            match itemtypes::find(&t) {
                Some(info) => vec![info.name],
                None => return bad(&format!("next-ids: unknown itemtype {t}")),
            }
        };
        for name in types {
            let next = state.next_id.entry(name).or_insert(1);
            *next = (*next).max(n);
            out.insert(name.to_string(), json!(*next));
        }
    }
    json_reply(200, &json!({ "next_ids": out }))
}

/// Seeds items: `{"Computer": [{"name": …}, …], "Location": […]}`. Items keep their `id` if given.
fn seed(state: &mut State, json: Value) -> Response {
    let Value::Object(types) = json else {
        return bad("seed: an object of item lists is expected");
    };
    let mut created = Map::new();
    for (t, list) in types {
        let Some(info) = itemtypes::find(&t) else {
            return bad(&format!("seed: unknown itemtype {t}"));
        };
        let Value::Array(list) = list else {
            return bad(&format!("seed: {t} must be a list"));
        };
        let mut n = 0;
        for item in list {
            let Value::Object(mut m) = item else {
                return bad(&format!("seed: {t} items must be objects"));
            };
            if let Some(id) = m.remove("id").and_then(|v| v.as_u64()) {
                // insert() allocates the next id: make it this one, then restore the maximum.
                let previous = *state.next_id.entry(info.name).or_insert(1);
                state.next_id.insert(info.name, id);
                state.insert(info.name, m);
                state.next_id.insert(info.name, previous.max(id + 1));
            } else {
                state.insert(info.name, m);
            }
            // Seeding is not a change made through the API.
            if let Some(c) = state
                .changes
                .get_mut("created")
                .and_then(|c| c.get_mut(info.name))
            {
                *c -= 1;
            }
            n += 1;
        }
        created.insert(info.name.to_string(), json!(n));
    }
    json_reply(200, &json!({ "seeded": created }))
}
