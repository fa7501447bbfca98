//! GLPI's answers: JSON with GLPI's content type, and its `[CODE, message]` error envelope.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// A JSON answer.
pub fn json_reply(status: u16, body: &Value) -> Response {
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    res
}

/// An error `[code, message]`; `doc` adds GLPI's "view documentation" suffix with `api_url`.
pub fn error(status: u16, code: &str, message: &str, doc: Option<&str>) -> Response {
    let message = match doc {
        Some(api_url) => {
            format!("{message}; view documentation in your browser at {api_url}/#{code}")
        }
        None => message.to_string(),
    };
    json_reply(status, &json!([code, message]))
}

/// An error whose payload is not a string (bulk result lists, `null`).
pub fn error_value(status: u16, code: &str, payload: Value) -> Response {
    json_reply(status, &json!([code, payload]))
}

/// The permission message GLPI uses everywhere.
pub const NO_RIGHT: &str = "You don't have permission to perform this action.";
