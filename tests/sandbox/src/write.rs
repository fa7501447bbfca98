//! POST, PUT/PATCH and DELETE on items, single and bulk, with GLPI's exact answers.

use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::api::{forbidden_write, may_set_priority, priority, timestamp, Call, Outcome};
use crate::itemtypes::{self, TypeInfo};
use crate::reply::{error, error_value, json_reply, NO_RIGHT};
use crate::rights::Action;
use crate::state::{Session, State};

enum Input {
    One(Map<String, Value>),
    Many(Vec<Value>),
}

fn input(call: &Call<'_>) -> Result<Input, Response> {
    let bad = || {
        error(
            400,
            "ERROR_BAD_ARRAY",
            "input parameter must be an array of objects",
            Some(&call.api_url),
        )
    };
    match call.params.body.get("input") {
        Some(Value::Object(m)) => Ok(Input::One(m.clone())),
        Some(Value::Array(a)) => Ok(Input::Many(a.clone())),
        _ => Err(bad()),
    }
}

fn u(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Bool(b)) => Some(u64::from(*b)),
        _ => None,
    }
}

fn ids(v: Option<&Value>) -> Vec<u64> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| u(Some(x))).collect(),
        other => u(other).into_iter().filter(|id| *id > 0).collect(),
    }
}

fn valid_login(login: &str) -> bool {
    let plain = !login.is_empty()
        && login
            .chars()
            .all(|c| c.is_alphanumeric() || "'@.-_ ".contains(c));
    let email = login.contains('@') && login.contains('.') && !login.contains(char::is_whitespace);
    plain || email
}

/// Adds one element; `Ok((id, message))` or `Err(message)`.
fn add_one(
    state: &mut State,
    info: &'static TypeInfo,
    mut input: Map<String, Value>,
    session: &Session,
) -> Result<(u64, String), String> {
    if forbidden_write(session, info, Action::Create) {
        return Err(NO_RIGHT.into());
    }
    let now = timestamp();
    // Entity: the active one by default; an unknown entity is reported as a permission problem.
    if info.in_entity || info.name == "Entity" {
        match u(input.get("entities_id")) {
            None => {
                input.insert("entities_id".into(), json!(session.entity_id));
            }
            Some(e) => {
                if state.get("Entity", e).is_none() {
                    return Err(NO_RIGHT.into());
                }
                input.insert("entities_id".into(), json!(e));
            }
        }
        input.entry("is_recursive").or_insert(json!(0));
    }
    if let Some(fk) = info.tree_parent {
        if info.name != "Entity" {
            let parent = u(input.get(fk)).unwrap_or(0);
            if parent != 0 && state.get(info.name, parent).is_none() {
                return Err(String::new());
            }
            input.insert(fk.into(), json!(parent));
        }
    }
    if info.trashable {
        input.insert("is_deleted".into(), json!(0));
    }
    input.insert("date_mod".into(), json!(now));
    input.entry("date_creation").or_insert(json!(now));

    // Relations handled after the insert.
    let specials: Map<String, Value> = input
        .iter()
        .filter(|(k, _)| k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    input.retain(|k, _| !k.starts_with('_'));

    match info.name {
        "User" => {
            let login = input
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if !valid_login(&login) {
                return Err("The login is not valid. Unable to add the user.".into());
            }
            let exists = state.items.get("User").is_some_and(|m| {
                m.values()
                    .any(|x| x.get("name").and_then(Value::as_str) == Some(login.as_str()))
            });
            if exists {
                return Err("Unable to add. The user already exists.".into());
            }
            let (p1, p2) = (input.remove("password"), input.remove("password2"));
            if let (Some(Value::String(a)), Some(Value::String(b))) = (&p1, &p2) {
                if a != b {
                    return Err("Error: the two passwords do not match".into());
                }
                input.insert("password".into(), json!(a));
            }
            input.entry("is_active").or_insert(json!(1));
            input.entry("authtype").or_insert(json!(1));
            if p2.is_some() {
                input.insert("password_last_update".into(), json!(now));
            }
        }
        "UserEmail" => {
            // UserEmail::prepareInputForAdd: a valid address; the user's first is the default.
            let email = input.get("email").and_then(Value::as_str).unwrap_or("");
            if !crate::users::valid_email(email) {
                return Err(String::new());
            }
        }
        "Ticket" => {
            let level = |v: Option<&Value>| u(v).filter(|n| (1..=5).contains(n)).unwrap_or(3);
            let urgency = level(input.get("urgency"));
            let impact = level(input.get("impact"));
            input.insert("urgency".into(), json!(urgency));
            input.insert("impact".into(), json!(impact));
            let given = u(input.get("priority")).filter(|p| (1..=6).contains(p));
            let p = match given {
                Some(p) if may_set_priority(session) => p,
                _ => priority(urgency, impact),
            };
            input.insert("priority".into(), json!(p));
            input.entry("status").or_insert(json!(1));
            input.entry("type").or_insert(json!(1));
            input.entry("requesttypes_id").or_insert(json!(1));
            input.insert("global_validation".into(), json!(1));
            input.insert("users_id_recipient".into(), json!(session.user_id));
            input.insert("users_id_lastupdater".into(), json!(session.user_id));
            if let Some(date) = input.get("date").and_then(Value::as_str) {
                let ok =
                    date.len() == 19 && date.as_bytes()[4] == b'-' && date.as_bytes()[10] == b' ';
                if !ok {
                    return Err("Incorrect value for date field.".into());
                }
            } else {
                input.insert("date".into(), json!(now));
            }
            if input
                .get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                let content = input.get("content").and_then(Value::as_str).unwrap_or("");
                input.insert(
                    "name".into(),
                    json!(content.chars().take(70).collect::<String>()),
                );
            }
            crate::tickets::prepare_add(state, &mut input, &specials);
        }
        "ITILSolution" => crate::tickets::check_timeline_add(state, info.name, &input, &specials)?,
        "ITILFollowup" | "TicketTask" => {
            crate::tickets::check_timeline_add(state, info.name, &input, &specials)?;
            // prepareInputForAdd: dated now unless a date is given; the author is the session.
            input.entry("date").or_insert(json!(now));
            input.entry("requesttypes_id").or_insert(json!(0));
            input.insert("users_id".into(), json!(session.user_id));
        }
        "Computer_Item" => {
            let computer = u(input.get("computers_id")).unwrap_or(0);
            let itemtype = input
                .get("itemtype")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let items_id = u(input.get("items_id")).unwrap_or(0);
            let target = itemtypes::find(&itemtype)
                .and_then(|t| state.get(t.name, items_id).map(|i| (t, i.clone())));
            if state.get("Computer", computer).is_none() || target.is_none() {
                return Err(String::new());
            }
            let global = target.as_ref().and_then(|(_, i)| u(i.get("is_global"))) == Some(1);
            let taken = state.items.get("Computer_Item").is_some_and(|m| {
                m.values().any(|c| {
                    c.get("itemtype").and_then(Value::as_str) == Some(itemtype.as_str())
                        && u(c.get("items_id")) == Some(items_id)
                })
            });
            if taken && !global {
                return Err(String::new());
            }
            // Computer_Item::prepareInputForAdd, under GLPI's default configuration
            // (is_location_autoupdate, is_user_autoupdate, is_group_autoupdate,
            // is_contact_autoupdate; state_autoupdate_mode 0): the item takes its computer's
            // location, user, group, alternate username and number.
            if let (Some((t, _)), false) = (target, global) {
                let from = state.get("Computer", computer).cloned().unwrap_or_default();
                if let Some(item) = state
                    .items
                    .get_mut(t.name)
                    .and_then(|m| m.get_mut(&items_id))
                {
                    for field in [
                        "locations_id",
                        "users_id",
                        "groups_id",
                        "contact",
                        "contact_num",
                    ] {
                        if let (Some(v), true) = (from.get(field), item.contains_key(field)) {
                            item.insert(field.into(), v.clone());
                        }
                    }
                }
            }
        }
        // Infocom::prepareInputForAdd: the alert is the entity's default, whatever is sent.
        "Infocom" => {
            let entity = u(input.get("entities_id")).unwrap_or(0);
            let default = state
                .get("Entity", entity)
                .and_then(|e| e.get("default_infocom_alert"))
                .and_then(Value::as_i64)
                .filter(|a| *a >= 0)
                .unwrap_or(0);
            input.insert("alert".into(), json!(default));
        }
        // Location::prepareInputForAdd: a location given no coordinates under a parent takes
        // its parent's.
        "Location" => {
            let empty = |v: Option<&Value>| match v {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(Value::Number(n)) => n.as_f64() == Some(0.0),
                _ => false,
            };
            let parent = u(input.get("locations_id")).unwrap_or(0);
            let coordinates = ["latitude", "longitude", "altitude"];
            if parent > 0 && coordinates.iter().all(|c| empty(input.get(*c))) {
                if let Some(p) = state.get("Location", parent).cloned() {
                    for c in coordinates {
                        input.insert(c.into(), p.get(c).cloned().unwrap_or(Value::Null));
                    }
                }
            }
        }
        _ => {}
    }
    let relation_message = match crate::relations::prepare_add(state, info.name, &mut input) {
        Some(Err(message)) => return Err(message),
        Some(Ok(message)) => message,
        None => None,
    };

    let id = if info.name == "UserEmail" {
        crate::users::add_email(state, input)?
    } else {
        state.insert(info.name, input)
    };
    let stored = state.get(info.name, id).cloned().unwrap_or_default();
    let name = stored
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let message = match info.name {
        _ if relation_message.is_some() => relation_message.unwrap_or_default(),
        "User" => {
            let real = stored.get("realname").and_then(Value::as_str).unwrap_or("");
            let first = stored
                .get("firstname")
                .and_then(Value::as_str)
                .unwrap_or("");
            let display = format!("{real} {first}").trim().to_string();
            format!(
                "Item Successfully Added: {}",
                if display.is_empty() {
                    name.clone()
                } else {
                    display
                }
            )
        }
        "Ticket" => format!("Item Successfully Added: {name} ({id})"),
        "Computer_Item" | "Group_User" => format!("Item Successfully Added: General - ID {id}"),
        "Item_Ticket" => {
            let t = stored
                .get("itemtype")
                .and_then(Value::as_str)
                .and_then(itemtypes::find);
            let linked = t.and_then(|t| state.get(t.name, u(stored.get("items_id")).unwrap_or(0)));
            format!(
                "Item Successfully Added: {}",
                linked
                    .and_then(|l| l.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )
        }
        "ITILFollowup" | "Profile_User" => String::new(),
        _ => format!("Item Successfully Added: {name}"),
    };

    // After-add relations.
    match info.name {
        "User" => {
            crate::users::update_user_emails(state, id, &specials);
            crate::users::add_first_authorization(state, id, &specials, session);
        }
        "Ticket" => {
            for (key, kind, itemtype) in [
                ("_users_id_requester", 1, "Ticket_User"),
                ("_users_id_assign", 2, "Ticket_User"),
                ("_users_id_observer", 3, "Ticket_User"),
                ("_groups_id_requester", 1, "Group_Ticket"),
                ("_groups_id_assign", 2, "Group_Ticket"),
                ("_groups_id_observer", 3, "Group_Ticket"),
            ] {
                for actor in ids(specials.get(key)) {
                    let mut m = Map::new();
                    m.insert("tickets_id".into(), json!(id));
                    m.insert(
                        if itemtype == "Ticket_User" {
                            "users_id"
                        } else {
                            "groups_id"
                        }
                        .into(),
                        json!(actor),
                    );
                    m.insert("type".into(), json!(kind));
                    m.insert("use_notification".into(), json!(1));
                    if itemtype == "Ticket_User" {
                        m.insert("alternative_email".into(), json!(""));
                    }
                    let t: &'static str = if itemtype == "Ticket_User" {
                        "Ticket_User"
                    } else {
                        "Group_Ticket"
                    };
                    state.insert(t, m);
                }
            }
            crate::tickets::after_add(state, id, &specials);
        }
        "ITILFollowup" | "TicketTask" | "ITILSolution" => {
            crate::tickets::after_timeline_add(state, info.name, &stored, &specials)
        }
        _ => {}
    }
    Ok((id, message))
}

/// `POST /{itemtype}`.
pub fn add(
    state: &mut State,
    info: &'static TypeInfo,
    call: &Call<'_>,
    session: &Session,
) -> Outcome {
    let input = match input(call) {
        Ok(i) => i,
        Err(e) => return e.into(),
    };
    // Messages quote the stored (encoded) name, decoded when the client asked for raw text.
    let raw = call
        .headers
        .get("x-glpi-sanitized-content")
        .is_some_and(|v| v.as_bytes() == b"false");
    let add_one = |state: &mut State, info, m, session| {
        add_one(state, info, m, session).map(|(id, message)| {
            (
                id,
                if raw {
                    crate::text::unsanitize(&message)
                } else {
                    message
                },
            )
        })
    };
    match input {
        Input::One(m) => {
            let work = state.faults.single_create_ms;
            match add_one(state, info, m, session) {
                Ok((id, message)) => {
                    let mut res = json_reply(201, &json!({ "id": id, "message": message }));
                    if let Ok(v) =
                        HeaderValue::from_str(&format!("{}/{}/{}", call.api_url, info.name, id))
                    {
                        res.headers_mut().insert("location", v);
                    }
                    Outcome {
                        response: res,
                        work_ms: work,
                    }
                }
                Err(message) => error(400, "ERROR_GLPI_ADD", &message, None).into(),
            }
        }
        Input::Many(list) => {
            if list.is_empty() {
                return error_value(400, "ERROR_GLPI_ADD", json!([])).into();
            }
            let work = state.faults.bulk_item_ms * list.len() as u64;
            let mut results = Vec::with_capacity(list.len());
            let mut ok_ids = Vec::new();
            for el in list {
                let Value::Object(m) = el else {
                    results.push(json!({"id": false, "message": ""}));
                    continue;
                };
                match add_one(state, info, m, session) {
                    Ok((id, message)) => {
                        ok_ids.push(id);
                        results.push(json!({"id": id, "message": message}));
                    }
                    Err(message) => results.push(json!({"id": false, "message": message})),
                }
            }
            let response = if ok_ids.len() == results.len() {
                let mut res = json_reply(201, &Value::Array(results));
                let link = ok_ids
                    .iter()
                    .map(|id| format!("{}/{}/{}", call.api_url, info.name, id))
                    .collect::<Vec<_>>()
                    .join(",");
                if let Ok(v) = HeaderValue::from_str(&link) {
                    res.headers_mut().insert("link", v);
                }
                res
            } else if ok_ids.is_empty() {
                error_value(400, "ERROR_GLPI_ADD", Value::Array(results))
            } else {
                error_value(207, "ERROR_GLPI_PARTIAL_ADD", Value::Array(results))
            };
            Outcome {
                response,
                work_ms: work,
            }
        }
    }
}

/// `PUT`/`PATCH /{itemtype}[/{id}]`.
pub fn update(
    state: &mut State,
    info: &'static TypeInfo,
    call: &Call<'_>,
    session: &Session,
    url_id: Option<&str>,
) -> Response {
    let input = match input(call) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let (list, single) = match input {
        Input::One(mut m) => {
            if let Some(id) = url_id {
                m.entry("id")
                    .or_insert(json!(id.parse::<u64>().unwrap_or(0)));
            }
            (vec![Value::Object(m)], true)
        }
        Input::Many(l) => (l, false),
    };
    let mut results = Vec::new();
    let mut failures = 0;
    let mut last_error: Value = Value::Null;
    for el in list {
        let Value::Object(mut m) = el else { continue };
        let Some(id) = u(m.get("id")) else {
            results.push(json!([]));
            continue;
        };
        if forbidden_write(session, info, Action::Update) {
            failures += 1;
            last_error = json!(NO_RIGHT);
            results.push(json!({ id.to_string(): false, "message": NO_RIGHT }));
            continue;
        }
        if state.get(info.name, id).is_none() {
            failures += 1;
            continue;
        }
        if info.name == "Ticket" {
            match crate::tickets::update(state, id, m) {
                Ok(()) => {
                    *state
                        .changes
                        .entry("updated".into())
                        .or_default()
                        .entry(info.name)
                        .or_default() += 1;
                    results.push(json!({ id.to_string(): true, "message": "" }));
                }
                Err(message) => {
                    failures += 1;
                    last_error = json!(message);
                    results.push(json!({ id.to_string(): false, "message": message }));
                }
            }
            continue;
        }
        m.remove("id");
        // GLPI updates only the table's columns; anything else is dropped without a word.
        let m = crate::schema::keep_columns(info.table, m);
        let now = timestamp();
        if let Some(item) = state.items.get_mut(info.name).and_then(|x| x.get_mut(&id)) {
            for (k, v) in m {
                let v = match v {
                    Value::String(s) => json!(crate::text::sanitize(&s)),
                    other => other,
                };
                item.insert(k, v);
            }
            item.insert("date_mod".into(), json!(now));
        }
        if info.tree_parent.is_some() {
            let all: Vec<u64> = state
                .items
                .get(info.name)
                .map(|x| x.keys().copied().collect())
                .unwrap_or_default();
            for other in all {
                state.refresh_completename(info.name, other);
            }
        }
        *state
            .changes
            .entry("updated".into())
            .or_default()
            .entry(info.name)
            .or_default() += 1;
        results.push(json!({ id.to_string(): true, "message": "" }));
    }
    if single {
        return if failures == 0 {
            json_reply(200, &Value::Array(results))
        } else {
            error_value(400, "ERROR_GLPI_UPDATE", last_error)
        };
    }
    match (failures, results.is_empty()) {
        (0, _) => json_reply(200, &Value::Array(results)),
        (_, true) => error_value(400, "ERROR_GLPI_UPDATE", Value::Array(results)),
        _ if results.iter().all(|r| {
            r.as_object()
                .is_some_and(|o| o.values().any(|v| v == &json!(false)))
        }) =>
        {
            error_value(400, "ERROR_GLPI_UPDATE", Value::Array(results))
        }
        _ => error_value(207, "ERROR_GLPI_PARTIAL_UPDATE", Value::Array(results)),
    }
}

/// `DELETE /{itemtype}[/{id}]`.
pub fn delete(
    state: &mut State,
    info: &'static TypeInfo,
    call: &Call<'_>,
    session: &Session,
    url_id: Option<&str>,
) -> Response {
    let (list, single): (Vec<Value>, bool) = match url_id {
        Some(id) => (
            vec![json!({"id": id.parse::<u64>().unwrap_or(u64::MAX)})],
            true,
        ),
        None => match input(call) {
            Ok(Input::One(m)) => (vec![Value::Object(m)], true),
            Ok(Input::Many(l)) => (l, false),
            Err(e) => return e,
        },
    };
    let purge = call.params.flag("force_purge", false);
    let mut results = Vec::new();
    let mut failures = 0;
    let mut last = String::new();
    for el in list {
        let id = u(el.get("id")).unwrap_or(u64::MAX);
        let key = id.to_string();
        if forbidden_write(session, info, Action::Delete) {
            failures += 1;
            last = NO_RIGHT.into();
            results.push(json!({ key: false, "message": NO_RIGHT }));
            continue;
        }
        if state.get(info.name, id).is_none() {
            failures += 1;
            last = "Item Not Found".into();
            results.push(json!({ key: false, "message": "Item Not Found" }));
            continue;
        }
        if !info.trashable || purge {
            let empty = Map::new();
            let input = el.as_object().unwrap_or(&empty);
            if let Err(message) = crate::tickets::before_purge(state, info.name, id, input) {
                failures += 1;
                last = message.clone();
                results.push(json!({ key: false, "message": message }));
                continue;
            }
        }
        if info.trashable && !purge {
            if let Some(item) = state.items.get_mut(info.name).and_then(|x| x.get_mut(&id)) {
                item.insert("is_deleted".into(), json!(1));
            }
        } else if let Some(m) = state.items.get_mut(info.name) {
            m.remove(&id);
            crate::relations::purge_dependents(state, info.name, id);
        }
        *state
            .changes
            .entry("deleted".into())
            .or_default()
            .entry(info.name)
            .or_default() += 1;
        results.push(json!({ key: true, "message": "" }));
    }
    if single {
        return if failures == 0 {
            json_reply(200, &Value::Array(results))
        } else {
            error(400, "ERROR_GLPI_DELETE", &last, None)
        };
    }
    if failures == 0 {
        json_reply(200, &Value::Array(results))
    } else if failures == results.len() {
        error_value(400, "ERROR_GLPI_DELETE", Value::Array(results))
    } else {
        error_value(207, "ERROR_GLPI_PARTIAL_DELETE", Value::Array(results))
    }
}
