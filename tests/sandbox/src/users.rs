//! What GLPI 10 does after adding a User (`User::post_addItem`): its e-mails
//! (`User::updateUserEmails`, `UserEmail`) and its first authorization (the default profile, or
//! the `_profiles_id` given at creation when the session may give it).

use serde_json::{json, Map, Value};

use crate::state::{Session, State};

fn int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Bool(b)) => Some(i64::from(*b)),
        _ => None,
    }
}

/// PHP's loose `==` between an input value and an array key.
fn loose_eq(v: &Value, key: &str) -> bool {
    match (v, key.parse::<i64>()) {
        (Value::Null, Ok(k)) => k == 0,
        (Value::Null, Err(_)) => key.is_empty(),
        (Value::Bool(b), Ok(k)) => *b == (k != 0),
        (other, Ok(k)) => int(Some(other)) == Some(k),
        (Value::String(s), Err(_)) => s == key,
        _ => false,
    }
}

/// `GLPIMailer::validateAddress`, as far as an import needs it: one `@`, a local part, a
/// dotted or simple domain, no spaces.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

fn emails_of(state: &State, user: u64) -> Vec<u64> {
    state
        .items
        .get("UserEmail")
        .map(|m| {
            m.iter()
                .filter(|(_, e)| e.get("users_id").and_then(Value::as_u64) == Some(user))
                .map(|(id, _)| *id)
                .collect()
        })
        .unwrap_or_default()
}

fn set_default(state: &mut State, id: u64, value: u64) {
    if let Some(e) = state
        .items
        .get_mut("UserEmail")
        .and_then(|m| m.get_mut(&id))
    {
        e.insert("is_default".into(), json!(value));
    }
}

/// `UserEmail::add`: refused without a valid address; the user's first address is the default
/// one; a new default address clears the flag of the others.
pub fn add_email(state: &mut State, mut input: Map<String, Value>) -> Result<u64, String> {
    let email = input
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !valid_email(&email) {
        return Err(String::new());
    }
    let user = int(input.get("users_id")).unwrap_or(0).max(0) as u64;
    if emails_of(state, user).is_empty() {
        input.insert("is_default".into(), json!(1));
    }
    let id = state.insert("UserEmail", input);
    if state
        .get("UserEmail", id)
        .and_then(|e| e.get("is_default"))
        .and_then(Value::as_u64)
        == Some(1)
    {
        for other in emails_of(state, user).into_iter().filter(|o| *o != id) {
            set_default(state, other, 0);
        }
    }
    Ok(id)
}

/// Purges an e-mail; when it was the default one, another address of the user becomes the
/// default (`UserEmail::post_deleteFromDB`).
fn purge_email(state: &mut State, id: u64) {
    let Some(e) = state.items.get_mut("UserEmail").and_then(|m| m.remove(&id)) else {
        return;
    };
    if e.get("is_default").and_then(Value::as_u64) == Some(1) {
        let user = e.get("users_id").and_then(Value::as_u64).unwrap_or(0);
        if let Some(other) = emails_of(state, user).first() {
            set_default(state, *other, 1);
        }
    }
}

/// `User::updateUserEmails`: each key of `_useremails` is read as the id of an existing e-mail
/// row. A key that is the id of one of the user's own addresses updates that row (an empty
/// value purges it); any other key adds an address. A list's positions 1, 2... are such keys:
/// on a GLPI whose e-mail rows are numbered like the list, a new user's second address
/// overwrites its first.
pub fn update_user_emails(state: &mut State, user: u64, input: &Map<String, Value>) {
    let entries: Vec<(String, String)> = match input.get("_useremails") {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_str().map(|s| (i.to_string(), s.to_string())))
            .collect(),
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        Some(Value::String(s)) => vec![("0".into(), s.clone())],
        _ => Vec::new(),
    };
    let default_email = input.get("_default_email");
    for (key, email) in entries {
        let email = email.trim().to_string();
        let own = key
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| id as u64)
            .filter(|id| {
                state
                    .get("UserEmail", *id)
                    .and_then(|e| e.get("users_id"))
                    .and_then(Value::as_u64)
                    == Some(user)
            });
        match own {
            Some(id) if email.is_empty() => purge_email(state, id),
            Some(id) => {
                if !valid_email(&email) {
                    continue;
                }
                // `$this->input['_default_email'] == $id`, an unset value being null.
                let is_default = u64::from(default_email.is_some_and(|d| loose_eq(d, &key)));
                let Some(row) = state
                    .items
                    .get_mut("UserEmail")
                    .and_then(|m| m.get_mut(&id))
                else {
                    continue;
                };
                let was_default = row.get("is_default").and_then(Value::as_u64);
                row.insert("email".into(), json!(crate::text::sanitize(&email)));
                row.insert("is_default".into(), json!(is_default));
                if is_default == 1 && was_default != Some(1) {
                    for other in emails_of(state, user).into_iter().filter(|o| *o != id) {
                        set_default(state, other, 0);
                    }
                }
            }
            None => {
                let is_default = u64::from(default_email.is_some_and(|d| loose_eq(d, &key)));
                let mut m = Map::new();
                m.insert("email".into(), json!(email));
                m.insert("users_id".into(), json!(user));
                m.insert("is_default".into(), json!(is_default));
                let _ = add_email(state, m);
            }
        }
    }
}

/// The authorization GLPI gives a new user: the `_profiles_id` sent, not dynamic, when the
/// session has more rights than that profile; otherwise the default profile (Self-Service),
/// dynamic and default. On `_entities_id` or the session's active entity, recursive only when
/// `_is_recursive` says so.
pub fn add_first_authorization(
    state: &mut State,
    user: u64,
    input: &Map<String, Value>,
    session: &Session,
) {
    let mut right = Map::new();
    let chosen = int(input.get("_profiles_id"))
        .filter(|p| *p > 0)
        .map(|p| p as u64)
        .filter(|p| crate::profiles::more_rights_than(state, session.profile_id, *p));
    let profile = match chosen {
        Some(p) => {
            right.insert("is_dynamic".into(), json!(0));
            p
        }
        None => {
            right.insert("is_dynamic".into(), json!(1));
            right.insert("is_default_profile".into(), json!(1));
            default_profile(state)
        }
    };
    if profile == 0 {
        return;
    }
    let entity = match input.get("_entities_id").filter(|v| !v.is_null()) {
        Some(v) => int(Some(v)).unwrap_or(0),
        None => session.entity_id as i64,
    };
    if entity < 0 {
        // Profile_User::prepareInputForAdd refuses a negative entity.
        return;
    }
    right.insert("entities_id".into(), json!(entity));
    right.insert(
        "is_recursive".into(),
        json!(int(input.get("_is_recursive").filter(|v| !v.is_null())).unwrap_or(0)),
    );
    right.insert("profiles_id".into(), json!(profile));
    right.insert("users_id".into(), json!(user));
    state.insert("Profile_User", right);
}

/// `Profile::getDefault()`: the profile marked `is_default` (Self-Service on a stock install).
pub fn default_profile(state: &State) -> u64 {
    state
        .items
        .get("Profile")
        .and_then(|m| {
            m.iter()
                .find(|(_, p)| p.get("is_default").and_then(Value::as_u64) == Some(1))
                .map(|(id, _)| *id)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            user_id: 2,
            profile_id: 4,
            entity_id: 0,
            recursive: json!(1),
            calls: 0,
        }
    }

    fn emails(st: &State, user: u64) -> Vec<(String, u64)> {
        emails_of(st, user)
            .into_iter()
            .map(|id| {
                let e = st.get("UserEmail", id).unwrap();
                (
                    e["email"].as_str().unwrap().to_string(),
                    e["is_default"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn two_addresses_on_an_empty_email_table_keep_the_last_one() {
        let mut st = State::fresh(Default::default(), true);
        let mut input = Map::new();
        input.insert("_useremails".into(), json!(["a@x.fr", "b@x.fr"]));
        update_user_emails(&mut st, 7, &input);
        assert_eq!(emails(&st, 7), vec![("b@x.fr".to_string(), 0)]);
    }

    #[test]
    fn keys_that_are_no_own_rows_add_every_address() {
        let mut st = State::fresh(Default::default(), true);
        let mut input = Map::new();
        input.insert(
            "_useremails".into(),
            json!({"-1": "a@x.fr", "-2": "b@x.fr"}),
        );
        update_user_emails(&mut st, 7, &input);
        assert_eq!(
            emails(&st, 7),
            vec![("a@x.fr".to_string(), 1), ("b@x.fr".to_string(), 0)]
        );
        // Rows of another user are not "own": user 8's list adds both.
        let mut input = Map::new();
        input.insert("_useremails".into(), json!(["c@x.fr", "d@x.fr"]));
        update_user_emails(&mut st, 8, &input);
        assert_eq!(emails(&st, 8).len(), 2);
    }

    #[test]
    fn the_first_authorization_depends_on_the_sessions_rights() {
        let mut st = State::fresh(Default::default(), true);
        let mut input = Map::new();
        input.insert("_profiles_id".into(), json!(6));
        input.insert("_entities_id".into(), json!(0));
        add_first_authorization(&mut st, 7, &input, &session());
        // A technician session may not give Super-Admin: the default profile instead.
        let mut input = Map::new();
        input.insert("_profiles_id".into(), json!(4));
        let tech = Session {
            profile_id: 6,
            ..session()
        };
        add_first_authorization(&mut st, 8, &input, &tech);
        let rows: Vec<(u64, u64, u64)> = st.items["Profile_User"]
            .values()
            .filter(|r| r["users_id"].as_u64().unwrap() >= 7)
            .map(|r| {
                (
                    r["profiles_id"].as_u64().unwrap(),
                    r["is_dynamic"].as_u64().unwrap(),
                    r["is_default_profile"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(rows, vec![(6, 0, 0), (1, 1, 1)]);
    }
}
