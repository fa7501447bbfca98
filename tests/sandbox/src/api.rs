//! The legacy REST API: gate (API enabled, IP, App-Token, session), then the endpoints.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response as HttpResponse};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::net::IpAddr;

/// The GLPI version the sandbox reproduces by default.
pub const GLPI_VERSION: &str = "10.0.11";

/// The GLPI 11 version whose differences the sandbox reproduces in its GLPI 11 mode
/// (`../shared/glpi-facts-2.md`, section 4).
pub const GLPI11_VERSION: &str = "11.0.6";

/// The asset fields GLPI 11 answers as lists (single GET) and leaves out of collections.
pub const GLPI11_GROUP_FIELDS: &[&str] = &["groups_id", "groups_id_tech"];

/// The types whose groups GLPI 11 keeps as lists (assets and software; a group's parent or a
/// membership's group stay integers).
pub const GLPI11_GROUP_ITEMS: &[&str] = &[
    "Computer",
    "Monitor",
    "NetworkEquipment",
    "Peripheral",
    "Phone",
    "Printer",
    "Software",
];

/// Whether `itemtype`'s groups are lists on this sandbox (GLPI 11 mode).
pub fn groups_as_lists(state: &State, itemtype: &str) -> bool {
    state.is_glpi11() && GLPI11_GROUP_ITEMS.contains(&itemtype)
}

use crate::itemtypes::{self, TypeInfo, UNDISCLOSED};
use crate::params::Params;
use crate::reply::{error, json_reply, NO_RIGHT};
use crate::rights::{can, can_change_priority, Action};
use crate::state::{Item, Notification, Session, State};
use crate::text::{contains_match, now, sanitize, unsanitize};

/// One call, as the dispatcher sees it.
pub struct Call<'a> {
    /// HTTP method.
    pub method: Method,
    /// Path segments after the API base.
    pub segments: Vec<String>,
    /// Parameters.
    pub params: Params,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// Caller address.
    pub ip: IpAddr,
    /// `http://HOST/apirest.php`, for Location, Link and doc suffixes.
    pub api_url: String,
}

/// What a call produced, and how long GLPI would have worked on it.
pub struct Outcome {
    /// The answer.
    pub response: Response,
    /// Extra work time in milliseconds (creates).
    pub work_ms: u64,
}

impl From<Response> for Outcome {
    fn from(response: Response) -> Self {
        Outcome {
            response,
            work_ms: 0,
        }
    }
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Runs the gate, then the endpoint.
pub fn handle(state: &mut State, call: Call<'_>) -> Outcome {
    let doc = Some(call.api_url.as_str());
    if !state.api_enabled {
        return error(400, "ERROR", "API disabled", None).into();
    }
    let matching: Vec<&crate::state::ApiClient> = state
        .clients
        .iter()
        .filter(|c| c.matches(call.ip))
        .collect();
    if matching.is_empty() {
        let msg = format!(
            "There isn't an active API client matching your IP address in the configuration ({})",
            call.ip.to_canonical()
        );
        return error(400, "ERROR_NOT_ALLOWED_IP", &msg, None).into();
    }
    let app_token = header_str(call.headers, "app-token")
        .map(str::to_string)
        .or_else(|| call.params.get("app_token"));
    let token_ok = matching.iter().any(|c| match (&c.app_token, &app_token) {
        (None, _) => true,
        (Some(t), Some(sent)) => t == sent,
        (Some(t), None) => t.is_empty(),
    });
    if !token_ok {
        return match app_token {
            Some(_) => error(
                400,
                "ERROR_WRONG_APP_TOKEN_PARAMETER",
                "parameter app_token seems wrong",
                doc,
            ),
            None => error(
                400,
                "ERROR_APP_TOKEN_PARAMETERS_MISSING",
                "missing parameter app_token",
                doc,
            ),
        }
        .into();
    }
    let resource = call.segments.first().cloned().unwrap_or_default();
    if resource.is_empty() {
        return error(400, "ERROR_RESOURCE_MISSING", "missing resource", doc).into();
    }
    if resource.eq_ignore_ascii_case("initSession") {
        return init_session(state, &call).into();
    }

    // Session.
    let token = header_str(call.headers, "session-token")
        .map(str::to_string)
        .or_else(|| call.params.get("session_token"));
    let Some(token) = token.filter(|t| !t.trim().is_empty()) else {
        return error(
            400,
            "ERROR_SESSION_TOKEN_MISSING",
            "parameter session_token is missing or empty",
            doc,
        )
        .into();
    };
    let expiry = state.faults.session_expiry_calls;
    let Some(session) = state.sessions.get_mut(&token) else {
        return invalid_session().into();
    };
    session.calls += 1;
    if expiry.is_some_and(|n| session.calls > n) {
        state.sessions.remove(&token);
        return invalid_session().into();
    }
    let session = session.clone();

    match resource.as_str() {
        "killSession" => {
            state.sessions.remove(&token);
            json_reply(200, &json!(true)).into()
        }
        "getFullSession" => full_session(state, &session, &token).into(),
        // GLPI sends its configuration without secrets (passwords and keys are removed).
        "getGlpiConfig" => json_reply(
            200,
            &json!({"cfg_glpi": {
                "version": state.glpi_version,
                "list_limit": 15,
                "list_limit_max": 50,
                "url_base": "http://localhost",
                "url_base_api": call.api_url,
                "enable_api": 1,
                "enable_api_login_credentials": u8::from(state.credentials_login),
                "language": "fr_FR",
            }}),
        )
        .into(),
        "getMyProfiles" => my_profiles(state, &session).into(),
        "getActiveProfile" => json_reply(
            200,
            &json!({ "active_profile": active_profile(state, &session) }),
        )
        .into(),
        "changeActiveProfile" => change_profile(state, &call, &token).into(),
        "getMyEntities" => my_entities(state, &session).into(),
        "getActiveEntities" => {
            let active: Vec<Value> = state
                .active_entities(&session)
                .into_iter()
                .map(|id| json!({ "id": id }))
                .collect();
            json_reply(200, &json!({"active_entity": {"id": session.entity_id, "active_entity_recursive": session.recursive, "active_entities": active}})).into()
        }
        "changeActiveEntities" => change_entities(state, &call, &token).into(),
        "getMultipleItems" => multiple_items(state, &call, &session).into(),
        "search" => crate::search::search(state, &call, &session).into(),
        "listSearchOptions" => crate::search::list_options(&call).into(),
        _ => items(state, &call, &session),
    }
}

/// An unknown or expired session token (GLPI gives no documentation link here).
fn invalid_session() -> Response {
    error(
        401,
        "ERROR_SESSION_TOKEN_INVALID",
        "session_token seems invalid",
        None,
    )
}

fn init_session(state: &mut State, call: &Call<'_>) -> Response {
    let doc = Some(call.api_url.as_str());
    let auth = header_str(call.headers, "authorization").unwrap_or("");
    let mut user_token = call.params.get("user_token");
    let (mut login, mut password) = (call.params.get("login"), call.params.get("password"));
    if auth.contains("user_token") {
        user_token = auth.split_whitespace().nth(1).map(str::to_string);
    } else if let Some(b64) = auth.strip_prefix("Basic ") {
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
            let text = String::from_utf8_lossy(&decoded).into_owned();
            if let Some((l, p)) = text.split_once(':') {
                login = Some(l.to_string());
                password = Some(p.to_string());
            }
        }
    }
    let user_id = if let (Some(l), Some(p)) = (&login, &password) {
        if !state.credentials_login {
            return error(
                400,
                "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED",
                "usage of initSession resource with credentials is disabled",
                None,
            );
        }
        let found = state.items.get("User").and_then(|users| {
            users.iter().find(|(_, u)| {
                u.get("name").and_then(Value::as_str) == Some(l.as_str())
                    && u.get("password").and_then(Value::as_str) == Some(p.as_str())
                    && !p.is_empty()
                    && u.get("is_active").and_then(Value::as_u64) == Some(1)
                    && u.get("is_deleted").and_then(Value::as_u64) != Some(1)
            })
        });
        match found {
            Some((id, _)) => *id,
            None => {
                return error(
                    401,
                    "ERROR_GLPI_LOGIN",
                    "Incorrect username or password",
                    None,
                )
            }
        }
    } else if let Some(t) = user_token.filter(|t| !t.is_empty()) {
        let found = state.items.get("User").and_then(|users| {
            users
                .iter()
                .find(|(_, u)| u.get("api_token").and_then(Value::as_str) == Some(t.as_str()))
        });
        match found {
            Some((id, _)) => *id,
            None => {
                return error(
                    401,
                    "ERROR_GLPI_LOGIN_USER_TOKEN",
                    "parameter user_token seems invalid",
                    None,
                )
            }
        }
    } else {
        return error(
            400,
            "ERROR_LOGIN_PARAMETERS_MISSING",
            "parameter(s) login, password or user_token are missing",
            doc,
        );
    };
    let profiles = state.user_profiles(user_id);
    let default_profile = state
        .get("User", user_id)
        .and_then(|u| u.get("profiles_id"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let (profile_id, entity_id) = profiles
        .iter()
        .find(|(p, _, _)| *p == default_profile)
        .or_else(|| profiles.first())
        .map(|(p, e, _)| (*p, *e))
        .unwrap_or((0, 0));
    state.token_counter += 1;
    // Looks like a PHP session id; unique per sandbox run.
    let token = format!(
        "{:x}{:016x}",
        state.token_counter,
        state.rng.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ state.token_counter
    );
    state.sessions.insert(
        token.clone(),
        Session {
            user_id,
            profile_id,
            entity_id,
            recursive: json!(1),
            calls: 0,
        },
    );
    json_reply(200, &json!({ "session_token": token }))
}

/// The user's entities for one profile, as the session lists them.
fn profile_entities(state: &State, user: u64, profile: u64) -> Vec<Value> {
    state
        .user_profiles(user)
        .into_iter()
        .filter(|(p, _, _)| *p == profile)
        .map(|(_, e, rec)| {
            let name = state.get("Entity", e).and_then(|x| x.get("name")).cloned();
            json!({"id": e, "name": name.unwrap_or(Value::Null), "is_recursive": u8::from(rec)})
        })
        .collect()
}

/// `glpiactiveprofile`: the profile's row and rights (only the helpdesk ones for a helpdesk
/// profile, as `Profile::cleanProfile` does) and the user's entities for it.
fn active_profile(state: &State, s: &Session) -> Value {
    let mut profile = state
        .get("Profile", s.profile_id)
        .cloned()
        .unwrap_or_default();
    let helpdesk = profile.get("interface").and_then(Value::as_str) == Some("helpdesk");
    if helpdesk {
        profile.retain(|k, _| {
            ["id", "interface", "is_default", "name"].contains(&k.as_str())
                || crate::profiles::HELPDESK_RIGHTS.contains(&k.as_str())
        });
    }
    for (name, bits) in crate::profiles::session_rights(state, s.profile_id) {
        profile.insert(name.to_string(), json!(bits));
    }
    profile.insert(
        "entities".into(),
        Value::Array(profile_entities(state, s.user_id, s.profile_id)),
    );
    Value::Object(profile)
}

fn full_session(state: &State, s: &Session, token: &str) -> Response {
    let user = state.get("User", s.user_id).cloned().unwrap_or_default();
    let active: Vec<u64> = state.active_entities(s);
    let text = |k: &str| {
        user.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let friendly = format!("{} {}", text("realname"), text("firstname"))
        .trim()
        .to_string();
    let entity_name = state
        .get("Entity", s.entity_id)
        .and_then(|e| e.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut profiles = Map::new();
    for (pid, _, _) in state.user_profiles(s.user_id) {
        let name = state
            .get("Profile", pid)
            .and_then(|p| p.get("name"))
            .cloned()
            .unwrap_or(Value::Null);
        profiles.insert(
            pid.to_string(),
            json!({"name": name, "entities": profile_entities(state, s.user_id, pid)}),
        );
    }
    json_reply(
        200,
        &json!({"session": {
            "valid_id": token,
            "glpiID": s.user_id,
            "glpiname": user.get("name"),
            "glpifriendlyname": if friendly.is_empty() { text("name") } else { friendly },
            "glpiauthtype": user.get("authtype").cloned().unwrap_or(json!(1)),
            "glpidefault_entity": user.get("entities_id").cloned().unwrap_or(json!(0)),
            "glpiactive_entity": s.entity_id,
            "glpiactive_entity_name": if s.is_recursive() { format!("{entity_name} (tree structure)") } else { entity_name },
            "glpiactive_entity_recursive": s.recursive,
            "glpiactiveentities": active,
            "glpiactiveprofile": active_profile(state, s),
            "glpiprofiles": profiles,
            "glpilist_limit": list_limit(state, s.user_id),
            "glpilanguage": user.get("language").and_then(Value::as_str).unwrap_or("en_US"),
        }}),
    )
}

/// The session's page size: the user's `list_limit` preference, else the global 15.
pub fn list_limit(state: &State, user: u64) -> i64 {
    state
        .get("User", user)
        .and_then(|u| u.get("list_limit"))
        .and_then(Value::as_i64)
        .unwrap_or(15)
}

fn my_profiles(state: &State, s: &Session) -> Response {
    let mut out = Vec::new();
    for (pid, eid, rec) in state.user_profiles(s.user_id) {
        let name = state
            .get("Profile", pid)
            .and_then(|p| p.get("name"))
            .cloned()
            .unwrap_or(Value::Null);
        let ename = state
            .get("Entity", eid)
            .and_then(|e| e.get("completename"))
            .cloned()
            .unwrap_or(Value::Null);
        out.push(json!({"id": pid, "name": name, "entities": [{"id": eid, "name": ename, "is_recursive": u8::from(rec)}]}));
    }
    json_reply(200, &json!({ "myprofiles": out }))
}

fn my_entities(state: &State, s: &Session) -> Response {
    let mut ids: Vec<u64> = Vec::new();
    for (_, eid, rec) in state.user_profiles(s.user_id) {
        let tmp = Session {
            entity_id: eid,
            recursive: json!(rec),
            ..s.clone()
        };
        for id in state.active_entities(&tmp) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let list: Vec<Value> = ids
        .into_iter()
        .map(|id| json!({"id": id, "name": state.get("Entity", id).and_then(|e| e.get("completename")).cloned().unwrap_or(Value::Null)}))
        .collect();
    json_reply(200, &json!({ "myentities": list }))
}

fn change_profile(state: &mut State, call: &Call<'_>, token: &str) -> Response {
    let doc = Some(call.api_url.as_str());
    let Some(pid) = call
        .params
        .get("profiles_id")
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return error(400, "ERROR", "Bad Request", doc);
    };
    let session = state.sessions.get(token).cloned();
    let Some(session) = session else {
        return invalid_session();
    };
    let Some((_, eid, _)) = state
        .user_profiles(session.user_id)
        .into_iter()
        .find(|(p, _, _)| *p == pid)
    else {
        return error(404, "ERROR_ITEM_NOT_FOUND", "Item Not Found", None);
    };
    if let Some(s) = state.sessions.get_mut(token) {
        s.profile_id = pid;
        s.entity_id = eid;
    }
    json_reply(200, &json!(true))
}

fn change_entities(state: &mut State, call: &Call<'_>, token: &str) -> Response {
    let doc = Some(call.api_url.as_str());
    let recursive = match call.params.get("is_recursive").as_deref() {
        None => false,
        Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        Some(_) => return error(400, "ERROR", "Bad Request", doc),
    };
    let target = match call.params.get("entities_id") {
        None => None,
        Some(v) if v == "all" => None,
        Some(v) => match v.parse::<u64>() {
            Ok(id) => Some(id),
            Err(_) => return error(400, "ERROR", "Bad Request", doc),
        },
    };
    let Some(session) = state.sessions.get(token).cloned() else {
        return invalid_session();
    };
    let (entity, rec) = match target {
        // "all": the user's top entity, recursive.
        None => (
            state
                .user_profiles(session.user_id)
                .first()
                .map(|(_, e, _)| *e)
                .unwrap_or(0),
            true,
        ),
        Some(id) => {
            if state.get("Entity", id).is_none() {
                return json_reply(200, &json!(false));
            }
            (id, recursive)
        }
    };
    if let Some(s) = state.sessions.get_mut(token) {
        s.entity_id = entity;
        s.recursive = json!(rec);
    }
    json_reply(200, &json!(true))
}

/// Visible to the session: in an active entity, or recursive from a parent entity.
pub fn visible(state: &State, info: &TypeInfo, item: &Item, active: &[u64]) -> bool {
    if !info.in_entity {
        return true;
    }
    let eid = item.get("entities_id").and_then(Value::as_u64).unwrap_or(0);
    if active.contains(&eid) {
        return true;
    }
    if item.get("is_recursive").and_then(Value::as_u64) == Some(1) {
        // A recursive item of an ancestor of an active entity.
        let mut cursor = active.first().copied();
        let mut guard = 0;
        while let Some(c) = cursor {
            if c == eid {
                return true;
            }
            guard += 1;
            let parent = state
                .get("Entity", c)
                .and_then(|e| e.get("entities_id"))
                .and_then(Value::as_u64);
            cursor = parent.filter(|p| *p != c && guard < 64);
        }
    }
    false
}

/// An item as GET returns it: its table's columns in the database's order, secrets removed,
/// foreign keys expanded on request, then GLPI's links (`API::parseDropdowns`: one per foreign
/// key that is not empty, and always the entity; then `getHatoasClasses`' children).
pub fn present(state: &State, info: &TypeInfo, item: &Item, call: &Call<'_>) -> Value {
    // GLPI 11 stores and returns text raw, whatever the header says.
    let glpi11 = state.is_glpi11();
    let group_lists = groups_as_lists(state, info.name);
    let decode = glpi11 || header_str(call.headers, "x-glpi-sanitized-content") == Some("false");
    let expand = call.params.flag("expand_dropdowns", false);
    let only_id = call.params.flag("only_id", false);
    let hateoas = call.params.flag("get_hateoas", true);
    let mut out = Map::new();
    let mut links = Vec::new();
    let columns = crate::schema::columns(info.table);
    let mut keys: Vec<&str> = columns.iter().map(|c| c.name).collect();
    keys.extend(
        item.keys()
            .map(String::as_str)
            .filter(|k| !columns.iter().any(|c| c.name == *k)),
    );
    for k in keys {
        if UNDISCLOSED.contains(&k) || (only_id && k != "id") {
            continue;
        }
        let Some(v) = item.get(k) else { continue };
        if group_lists && GLPI11_GROUP_FIELDS.contains(&k) {
            // Collections leave them out; a single GET shows them as lists (get_one).
            continue;
        }
        let mut v = v.clone();
        if let Some(target) = itemtypes::link_target(item, k).filter(|_| k != "id") {
            let linked = match v.as_i64() {
                Some(fk) if fk != 0 => Some(fk),
                Some(fk) if k == "entities_id" && fk >= 0 => Some(fk),
                _ => None,
            };
            if let Some(fk) = linked {
                if hateoas {
                    links.push(json!({"rel": target, "href": format!("{}/{}/{}", call.api_url, target, fk)}));
                }
                if expand {
                    let label = state.get(target, fk as u64).and_then(|t| {
                        t.get("completename")
                            .filter(|c| c.as_str().is_some_and(|c| !c.is_empty()))
                            .or_else(|| t.get("name"))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    });
                    // GLPI answers an empty name for a dangling key.
                    let l = label.unwrap_or_default();
                    // The complete name comes back encoded, separators included.
                    v = json!(sanitize(&unsanitize(&l)));
                }
            }
        }
        if decode {
            if let Value::String(s) = &v {
                v = json!(unsanitize(s));
            }
        }
        out.insert(k.to_string(), v);
    }
    if hateoas {
        let id = item.get("id").cloned().unwrap_or(Value::Null);
        for child in crate::hateoas::children(info.name) {
            links.push(json!({"rel": child, "href": format!("{}/{}/{}/{}/", call.api_url, info.name, id, child)}));
        }
    }
    // PHP appends to `$fields['links']`: no link, no key.
    if !links.is_empty() {
        out.insert("links".into(), Value::Array(links));
    }
    Value::Object(out)
}

/// `ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM`, for an unknown item type anywhere in a path.
pub fn unknown_itemtype(doc: Option<&str>) -> Response {
    error(
        400,
        "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
        "resource not found or not an instance of CommonDBTM",
        doc,
    )
}

fn items(state: &mut State, call: &Call<'_>, session: &Session) -> Outcome {
    let doc = Some(call.api_url.as_str());
    let seg = &call.segments;
    let Some(info) = itemtypes::find(&seg[0]) else {
        return unknown_itemtype(doc).into();
    };
    // /Parent/id/Child[/id]
    if seg.len() >= 3 {
        let Some(child) = itemtypes::find(&seg[2]) else {
            return unknown_itemtype(doc).into();
        };
        let parent_id = seg[1].parse::<u64>().unwrap_or(u64::MAX);
        if state.get(info.name, parent_id).is_none() {
            return error(404, "ERROR_ITEM_NOT_FOUND", "Item Not Found", None).into();
        }
        if call.method == Method::GET {
            if let Some(child_id) = seg.get(3) {
                return get_one(state, child, child_id, call, session).into();
            }
            return crate::collection::list(state, child, call, session, Some((info, parent_id)))
                .into();
        }
        return write(state, child, call, session, seg.get(3).map(String::as_str));
    }
    match (&call.method, seg.get(1)) {
        // Any verb other than POST, PUT, PATCH and DELETE reads, as in GLPI.
        (m, Some(id)) if !is_write(m) => get_one(state, info, id, call, session).into(),
        (m, None) if !is_write(m) => {
            crate::collection::list(state, info, call, session, None).into()
        }
        (_, id) => write(state, info, call, session, id.map(String::as_str)),
    }
}

fn is_write(m: &Method) -> bool {
    matches!(
        *m,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

fn write(
    state: &mut State,
    info: &'static TypeInfo,
    call: &Call<'_>,
    session: &Session,
    id: Option<&str>,
) -> Outcome {
    match call.method {
        Method::POST => crate::write::add(state, info, call, session),
        Method::PUT | Method::PATCH => crate::write::update(state, info, call, session, id).into(),
        Method::DELETE => crate::write::delete(state, info, call, session, id).into(),
        _ => error(
            405,
            "ERROR_METHOD_NOT_ALLOWED",
            "Method Not Allowed",
            Some(&call.api_url),
        )
        .into(),
    }
}

fn get_one(
    state: &State,
    info: &TypeInfo,
    id: &str,
    call: &Call<'_>,
    session: &Session,
) -> Response {
    if !can(session.profile_id, info.right, Action::Read) {
        return error(403, "ERROR_RIGHT_MISSING", NO_RIGHT, None);
    }
    let Some(item) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.get(info.name, id))
    else {
        return error(404, "ERROR_ITEM_NOT_FOUND", "Item Not Found", None);
    };
    let active = state.active_entities(session);
    if !visible(state, info, item, &active) {
        return error(404, "ERROR_ITEM_NOT_FOUND", "Item Not Found", None);
    }
    let mut shown = present(state, info, item, call);
    if groups_as_lists(state, info.name) {
        if let Value::Object(out) = &mut shown {
            for field in GLPI11_GROUP_FIELDS {
                if let Some(v) = item.get(*field) {
                    let ids: Vec<Value> = v
                        .as_u64()
                        .filter(|id| *id != 0)
                        .map(Value::from)
                        .into_iter()
                        .collect();
                    out.insert((*field).to_string(), Value::Array(ids));
                }
            }
        }
    }
    let mut res = json_reply(200, &shown);
    if let Some(date) = item.get("date_mod").and_then(Value::as_str) {
        if let Ok(v) = HeaderValue::from_str(&format!("{date} GMT")) {
            res.headers_mut().insert(header::LAST_MODIFIED, v);
        }
    }
    res
}

/// `GET /getMultipleItems?items[0][itemtype]=User&items[0][items_id]=2…`: the items in request
/// order; one missing item fails the whole call with 404, as in GLPI.
fn multiple_items(state: &State, call: &Call<'_>, session: &Session) -> Response {
    let doc = Some(call.api_url.as_str());
    let mut wanted: std::collections::BTreeMap<usize, (Option<String>, Option<String>)> =
        std::collections::BTreeMap::new();
    for (k, v) in &call.params.query {
        let Some(rest) = k.strip_prefix("items[") else {
            continue;
        };
        let Some((n, field)) = rest.split_once("][") else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        let e = wanted.entry(n).or_default();
        match field.trim_end_matches(']') {
            "itemtype" => e.0 = Some(v.clone()),
            "items_id" => e.1 = Some(v.clone()),
            _ => {}
        }
    }
    if wanted.is_empty() {
        return error(
            400,
            "ERROR_BAD_ARRAY",
            "items parameter must be an array of objects",
            doc,
        );
    }
    let active = state.active_entities(session);
    let mut out = Vec::new();
    for (itemtype, id) in wanted.into_values() {
        let Some(info) = itemtype.as_deref().and_then(itemtypes::find) else {
            return unknown_itemtype(doc);
        };
        if !can(session.profile_id, info.right, Action::Read) {
            return error(403, "ERROR_RIGHT_MISSING", NO_RIGHT, None);
        }
        let item = id
            .and_then(|i| i.parse::<u64>().ok())
            .and_then(|i| state.get(info.name, i))
            .filter(|item| visible(state, info, item, &active));
        match item {
            Some(item) => out.push(present(state, info, item, call)),
            None => return error(404, "ERROR_ITEM_NOT_FOUND", "Item Not Found", None),
        }
    }
    json_reply(200, &Value::Array(out))
}

/// Records a notification GLPI would have sent, unless the input disabled them.
pub fn notify(state: &mut State, input: &Map<String, Value>, event: &str, itemtype: &str, id: u64) {
    let disabled = input.get("_disablenotif").is_some_and(|v| {
        v.as_bool() == Some(true) || v.as_u64() == Some(1) || v.as_str() == Some("true")
    });
    if !disabled {
        state.notifications.push(Notification {
            event: event.into(),
            itemtype: itemtype.into(),
            items_id: id,
        });
    }
}

/// Permission denied for the session's profile.
pub fn forbidden_write(session: &Session, info: &TypeInfo, action: Action) -> bool {
    !can(session.profile_id, info.right, action)
}

/// The ticket priority GLPI computes from urgency and impact (default matrix).
pub fn priority(urgency: u64, impact: u64) -> u64 {
    const M: [[u64; 5]; 5] = [
        [1, 1, 2, 2, 2],
        [1, 2, 2, 3, 3],
        [2, 2, 3, 4, 4],
        [2, 3, 4, 4, 5],
        [2, 3, 4, 5, 5],
    ];
    M[(urgency.clamp(1, 5) - 1) as usize][(impact.clamp(1, 5) - 1) as usize]
}

/// Whether the session may set priorities itself.
pub fn may_set_priority(session: &Session) -> bool {
    can_change_priority(session.profile_id)
}

/// Current time, for the write module.
pub fn timestamp() -> String {
    now()
}

/// `contains` helper, re-exported for the collection module.
pub fn text_matches(stored: &str, pattern: &str) -> bool {
    contains_match(stored, pattern)
}

/// Turns a plain response into a connection that drops after part of the body.
pub fn dropped(res: Response) -> Response {
    let (parts, _) = res.into_parts();
    let stream = futures_util::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"[{\"id\":")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped by the sandbox",
        )),
    ]);
    let mut out = HttpResponse::from_parts(parts, Body::from_stream(stream));
    out.headers_mut().remove(header::CONTENT_LENGTH);
    out.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
    out
}
