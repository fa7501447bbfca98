//! What the proxy knows of the GLPI sessions going through it: which GLPI user each one is (for
//! the audit log), and a key per session for the fair shares of the ceiling. Tokens themselves
//! are never stored: only a keyed hash of them (the key is random per process).

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Sessions remembered at most this long after their last call (GLPI's own sessions expire
/// sooner).
const KEEP: Duration = Duration::from_secs(24 * 3600);
/// Beyond this many sessions, the stale ones are dropped.
const MAX: usize = 10_000;

/// The GLPI user a response concerns, put on it for the audit layer.
#[derive(Debug, Clone)]
pub struct GlpiUser(pub String);

/// Session token (hashed) to GLPI user name.
pub struct Sessions {
    hasher: RandomState,
    users: Mutex<HashMap<u64, (String, Instant)>>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            hasher: RandomState::new(),
            users: Mutex::new(HashMap::new()),
        }
    }
}

/// The session token a request carries (`Session-Token` header, or GLPI's `session_token`
/// query parameter).
pub fn session_token<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    headers
        .get("session-token")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            query?.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.eq_ignore_ascii_case("session_token").then_some(v)
            })
        })
        .filter(|t| !t.is_empty())
}

/// The login of a `Authorization: Basic` header (login and password session), never the password.
pub fn basic_login(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, _) = text.split_once(':')?;
    Some(login.to_string()).filter(|l| !l.is_empty())
}

impl Sessions {
    /// The key of a session token.
    pub fn key(&self, token: &str) -> u64 {
        self.hasher.hash_one(token)
    }

    /// The key a call is counted under for the ceiling's shares: its session, or its client
    /// address when it has none yet (opening a session).
    pub fn share_key(&self, headers: &HeaderMap, query: Option<&str>, client: IpAddr) -> u64 {
        match session_token(headers, query) {
            Some(t) => self.key(t),
            None => self.hasher.hash_one(client),
        }
    }

    /// Records that `token` is `user`'s session.
    pub fn remember(&self, token: &str, user: &str) {
        let key = self.key(token);
        let now = Instant::now();
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.len() >= MAX {
            users.retain(|_, (_, seen)| now.duration_since(*seen) < KEEP);
        }
        users.insert(key, (user.to_string(), now));
    }

    /// Forgets a closed session.
    pub fn forget(&self, token: &str) {
        let key = self.key(token);
        self.users
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
    }

    /// The GLPI user of a request, when known: its session's, or the login it opens a session
    /// with.
    pub fn user(&self, headers: &HeaderMap, query: Option<&str>) -> Option<String> {
        if let Some(token) = session_token(headers, query) {
            let key = self.key(token);
            let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((user, seen)) = users.get_mut(&key) {
                *seen = Instant::now();
                return Some(user.clone());
            }
        }
        basic_login(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_found_by_session_or_basic_login_and_tokens_are_not_kept() {
        let s = Sessions::default();
        let mut h = HeaderMap::new();
        h.insert("session-token", "tok-SECRET".parse().unwrap());
        assert_eq!(s.user(&h, None), None);
        s.remember("tok-SECRET", "jdupont");
        assert_eq!(s.user(&h, None).as_deref(), Some("jdupont"));
        assert_eq!(
            s.user(
                &HeaderMap::new(),
                Some("range=0-1&session_token=tok-SECRET")
            )
            .as_deref(),
            Some("jdupont")
        );
        let stored = format!("{:?}", s.users.lock().unwrap());
        assert!(!stored.contains("tok-SECRET"), "{stored}");
        s.forget("tok-SECRET");
        assert_eq!(s.user(&h, None), None);
        let mut b = HeaderMap::new();
        // "glpi:pass-SECRET"
        b.insert(
            "authorization",
            "Basic Z2xwaTpwYXNzLVNFQ1JFVA==".parse().unwrap(),
        );
        assert_eq!(basic_login(&b).as_deref(), Some("glpi"));
        b.insert("authorization", "user_token abc".parse().unwrap());
        assert_eq!(basic_login(&b), None);
    }
}
