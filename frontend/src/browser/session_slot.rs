//! The page's GLPI session through the proxy, as a section's driver holds it: one effect uses it
//! at a time (taken out, put back), and a new one replaces the old only once GLPI has answered
//! what the section shows of it. Also what every connection shows of a GLPI ([`identify`]),
//! the national one's or the local one's.

use std::cell::RefCell;

use passerelle_engine::migrate::api::{ApiRequest, Credentials, Method};
use passerelle_engine::migrate::client::{CallError, ClientOptions, GlpiClient};
use passerelle_engine::migrate::session::{MigrationSession, SessionSettings};
use serde_json::Value;

use super::FetchTransport;

/// The proxy's API: one transport for the page, borrowed by the sessions.
static TRANSPORT: FetchTransport = FetchTransport::PROXY;

/// A session through the proxy.
pub type Session = MigrationSession<'static>;

/// A section's session, when one is open and no effect is using it.
#[derive(Default)]
pub struct SessionSlot(RefCell<Option<Session>>);

impl SessionSlot {
    /// The session, taken out for one effect (`None`: none is open, or another effect has it).
    pub fn take(&self) -> Option<Session> {
        self.0.borrow_mut().take()
    }

    /// Puts the session back once the effect is done with it.
    pub fn put(&self, session: Session) {
        *self.0.borrow_mut() = Some(session);
    }

    /// Opens a session with `credentials` and reads with `describe` what the section shows of
    /// it. When both succeed the new session takes the slot (the previous one is closed); when
    /// either fails the new one is closed and the slot keeps what it held.
    pub async fn open<T>(
        &self,
        credentials: Credentials,
        describe: impl AsyncFnOnce(&Session) -> Result<T, String>,
    ) -> Result<T, String> {
        let settings = SessionSettings {
            credentials,
            client: ClientOptions::default(),
            profile: None,
            entity: None,
            recursive: true,
        };
        let session = MigrationSession::open(&TRANSPORT, settings)
            .await
            .map_err(|e| e.to_string())?;
        match describe(&session).await {
            Ok(shown) => {
                if let Some(old) = self.take() {
                    old.close().await;
                }
                self.put(session);
                Ok(shown)
            }
            Err(e) => {
                session.close().await;
                Err(e)
            }
        }
    }
}

/// What every connection shows of a GLPI.
pub struct Identity {
    /// GLPI's version (`?` when its configuration does not say).
    pub version: String,
    /// The connected user's login.
    pub user: String,
    /// The entities the session may use, as (id, name).
    pub entities: Vec<(u64, String)>,
    /// The whole session (`getFullSession`), for what else a section reads from it.
    pub session: Value,
}

/// Reads GLPI's version, the session and the entities it may use (three calls).
pub async fn identify(client: &GlpiClient<'_>) -> Result<Identity, CallError> {
    let (_, config, _) = client
        .call_json(ApiRequest::new(Method::Get, "/getGlpiConfig"))
        .await?;
    let session = client.full_session().await?;
    let (_, entities, _) = client
        .call_json(ApiRequest::new(
            Method::Get,
            "/getMyEntities?is_recursive=true",
        ))
        .await?;
    Ok(Identity::from_answers(&config, session, &entities))
}

impl Identity {
    /// What GLPI's three answers say: `getGlpiConfig`'s body, `getFullSession`'s `session`
    /// object and `getMyEntities`'s body.
    pub fn from_answers(config: &Value, session: Value, entities: &Value) -> Identity {
        Identity {
            version: config["cfg_glpi"]["version"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
            user: session["glpiname"].as_str().unwrap_or("").to_string(),
            entities: list_of(entities, "myentities", "name"),
            session,
        }
    }
}

/// The (id, name) pairs of a `getMy…` answer: the list under `key`, each item's name under
/// `name` (empty when it has none); items without a numeric id are left out.
pub fn list_of(v: &Value, key: &str, name: &str) -> Vec<(u64, String)> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    Some((
                        p.get("id")?.as_u64()?,
                        p.get(name)
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The body of the `index`-th request of a case recorded on the real GLPI 10.0.11
    /// (`../shared/conformance`).
    fn recorded(case: &str, index: usize) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/conformance/golden-glpi-10.0.11")
            .join(format!("{case}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let case: Value = serde_json::from_str(&text).unwrap();
        case["requests"][index]["body"].clone()
    }

    #[test]
    fn the_real_glpi_s_answers_give_its_user_and_entities() {
        let session = recorded("get_full_session", 0)["session"].clone();
        let entities = recorded("get_my_entities", 1);
        let config = json!({"cfg_glpi": {"version": "10.0.11"}});
        let identity = Identity::from_answers(&config, session, &entities);
        assert_eq!(identity.version, "10.0.11");
        assert_eq!(identity.user, "glpi");
        assert_eq!(identity.entities, vec![(0, "Root Entity".to_string())]);
        assert_eq!(identity.session["glpiactive_entity"], json!(0));
    }

    #[test]
    fn what_glpi_leaves_out_is_shown_as_unknown_not_refused() {
        let identity = Identity::from_answers(&json!({}), Value::Null, &json!([]));
        assert_eq!(identity.version, "?");
        assert_eq!(identity.user, "");
        assert!(identity.entities.is_empty());
    }

    #[test]
    fn items_without_a_numeric_id_are_left_out_and_a_missing_name_is_empty() {
        let answer = json!({"myprofiles": [
            {"id": 4, "name": "Super-Admin"},
            {"id": "5", "name": "Technician"},
            {"name": "no id"},
            {"id": 7}
        ]});
        assert_eq!(
            list_of(&answer, "myprofiles", "name"),
            vec![(4, "Super-Admin".to_string()), (7, String::new())]
        );
        assert!(list_of(&answer, "myentities", "name").is_empty());
    }
}
