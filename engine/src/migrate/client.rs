//! A GLPI session over a [`Transport`]: login, profile and entity, transparent re-login when the
//! session expires, retries with exponential backoff and jitter, a ceiling of calls per second,
//! paged reads and bulk writes with GLPI's per-item results.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use thiserror::Error;

use super::api::{
    base64, ApiRequest, ApiResponse, Credentials, ErasedTransport, GlpiError, Method, Transport,
    TransportError,
};
use crate::glpi::{GlpiType, GlpiVersion, GROUP_FIELDS};

/// How hard the client tries and how gently it treats the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientOptions {
    /// Attempts for one call before giving up (5xx, timeouts, dropped connections).
    pub max_attempts: u32,
    /// First backoff delay in milliseconds; doubled each attempt, with full jitter.
    pub backoff_ms: u64,
    /// Longest backoff delay.
    pub backoff_cap_ms: u64,
    /// Ceiling of calls per second (0: none). None by default: the load a migration puts on the
    /// national server is bounded by its calls in flight (`RunOptions::in_flight`, 4), and a
    /// fixed spacing would only slow the many small calls (reads, dropdowns) that GLPI answers
    /// in 15-30 ms.
    pub max_calls_per_second: f64,
    /// Rows per page when reading a whole item type.
    pub page_size: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_attempts: 8,
            backoff_ms: 250,
            backoff_cap_ms: 15_000,
            max_calls_per_second: 0.0,
            page_size: 1000,
        }
    }
}

/// Why a call failed for good.
#[derive(Debug, Clone, Error, PartialEq, Serialize, Deserialize)]
pub enum CallError {
    /// GLPI answered with an error.
    #[error("GLPI a répondu {status} {}: {}", .error.code, .error.message)]
    Glpi {
        /// HTTP status.
        status: u16,
        /// GLPI's envelope.
        error: GlpiError,
    },
    /// GLPI (or the proxy) answered something that is not GLPI's JSON.
    #[error("réponse inattendue {status} : {excerpt}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// No answer after every attempt.
    #[error("{0} (après plusieurs tentatives)")]
    Transport(TransportError),
    /// Login refused.
    #[error("connexion refusée par GLPI : {0}")]
    Login(String),
}

impl CallError {
    /// The message in the given language (French: its `Display`).
    pub fn render(&self, lang: crate::diagnostic::Lang) -> String {
        match lang {
            crate::diagnostic::Lang::Fr => self.to_string(),
            crate::diagnostic::Lang::En => match self {
                CallError::Glpi { status, error } => {
                    format!("GLPI answered {status} {}: {}", error.code, error.message)
                }
                CallError::Unexpected { status, excerpt } => {
                    format!("unexpected answer {status}: {excerpt}")
                }
                CallError::Transport(TransportError::Timeout) => {
                    "no answer in time (after several attempts)".into()
                }
                CallError::Transport(TransportError::Connection(m)) => {
                    format!("connection failed or cut: {m} (after several attempts)")
                }
                CallError::Login(m) => format!("login refused by GLPI: {m}"),
            },
        }
    }

    /// GLPI's error code, or a code of ours (`HTTP_500`, `TRANSPORT_TIMEOUT`…).
    pub fn code(&self) -> String {
        match self {
            CallError::Glpi { error, .. } => error.code.clone(),
            CallError::Unexpected { status, .. } => format!("HTTP_{status}"),
            CallError::Transport(TransportError::Timeout) => "TRANSPORT_TIMEOUT".into(),
            CallError::Transport(TransportError::Connection(_)) => "TRANSPORT_CONNECTION".into(),
            CallError::Login(_) => "ERROR_GLPI_LOGIN".into(),
        }
    }

    /// Whether the request may have been carried out even though no usable answer came back
    /// (a create must then be reconciled before it is sent again).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            CallError::Transport(_) => true,
            CallError::Unexpected { status, .. } => *status >= 500,
            CallError::Glpi { status, .. } => *status >= 500,
            CallError::Login(_) => false,
        }
    }
}

/// Result of one element of a bulk write, in input order.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemResult {
    /// Done; the id of the item.
    Ok(u64),
    /// Refused by GLPI, with its message.
    Refused(String),
}

/// A bulk write's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkResult {
    /// One per input element, in order (updates of unknown ids, which GLPI leaves out, are
    /// reported as refused "Item Not Found").
    pub items: Vec<ItemResult>,
    /// GLPI's code for the whole call (`ERROR_GLPI_PARTIAL_ADD`…) when some failed.
    pub code: Option<String>,
}

/// Counters the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientStats {
    /// Calls sent (attempts included).
    pub calls: u64,
    /// Attempts repeated after a failure.
    pub retries: u64,
    /// Sessions opened again after expiry.
    pub relogins: u64,
    /// Calls refused with 429 (the proxy's ceiling, or the server's) and sent again later.
    #[serde(default)]
    pub throttled: u64,
}

/// One page of a paged read ([`GlpiClient::read_page`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The rows, in the order asked.
    pub rows: Vec<Map<String, Value>>,
    /// How many rows the collection holds, when GLPI says (`Content-Range`).
    pub total: Option<usize>,
}

/// An open GLPI session.
pub struct GlpiClient<'t> {
    /// Erased: see [`ErasedTransport`].
    transport: &'t (dyn ErasedTransport + 't),
    credentials: Credentials,
    options: ClientOptions,
    token: RefCell<Option<String>>,
    generation: Cell<u64>,
    profile: Cell<Option<u64>>,
    entity: Cell<Option<(u64, bool)>>,
    next_slot: Cell<f64>,
    /// Spacing between calls (ms) learnt from 429 answers; relaxes as calls go through.
    throttle_ms: Cell<f64>,
    stats: RefCell<ClientStats>,
    /// The target's version, once read ([`GlpiClient::read_version`]).
    version: Cell<Option<GlpiVersion>>,
}

impl<'t> GlpiClient<'t> {
    /// A client; nothing is sent until the first call.
    pub fn new<T: Transport>(
        transport: &'t T,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Self {
        GlpiClient {
            transport,
            credentials,
            options,
            token: RefCell::new(None),
            generation: Cell::new(0),
            profile: Cell::new(None),
            entity: Cell::new(None),
            next_slot: Cell::new(0.0),
            throttle_ms: Cell::new(0.0),
            stats: RefCell::new(ClientStats::default()),
            version: Cell::new(None),
        }
    }

    /// The target's version, when read.
    pub fn version(&self) -> Option<GlpiVersion> {
        self.version.get()
    }

    /// Reads the target's version (`getGlpiConfig`) and keeps it: what is read afterwards is
    /// made version-independent. The outer error is the call's, the inner one an unsupported
    /// version (kept unset then).
    pub async fn read_version(
        &self,
    ) -> Result<Result<GlpiVersion, crate::glpi::GlpiError>, CallError> {
        let (_, config, _) = self
            .call_json(ApiRequest::new(Method::Get, "/getGlpiConfig"))
            .await?;
        let version = GlpiVersion::from_config(&config);
        if let Ok(v) = version {
            self.version.set(Some(v));
        }
        Ok(version)
    }

    /// The transport (clock, sleep).
    pub fn transport(&self) -> &'t (dyn ErasedTransport + 't) {
        self.transport
    }

    /// Counters so far.
    pub fn stats(&self) -> ClientStats {
        self.stats.borrow().clone()
    }

    /// Options in force.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Opens the session (`initSession`), then applies the chosen profile and entity.
    pub async fn login(&self) -> Result<(), CallError> {
        let auth = match &self.credentials {
            Credentials::UserToken { token } => format!("user_token {token}"),
            Credentials::Password { login, password } => {
                format!("Basic {}", base64(format!("{login}:{password}").as_bytes()))
            }
        };
        let mut req = ApiRequest::new(Method::Get, "/initSession?get_full_session=false");
        req.headers.push(("Authorization".into(), auth));
        let res = self.send_session_call(&req).await?;
        let token = res
            .json()
            .get("session_token")
            .and_then(Value::as_str)
            .map(str::to_string);
        match (res.status, token) {
            (200, Some(t)) => {
                *self.token.borrow_mut() = Some(t);
                self.generation.set(self.generation.get() + 1);
            }
            _ => {
                let message = res
                    .glpi_error()
                    .map(|e| format!("{} {}", e.code, e.message))
                    .unwrap_or_else(|| format!("HTTP {}", res.status));
                return Err(CallError::Login(message));
            }
        }
        if let Some(p) = self.profile.get() {
            self.post_session_call("/changeActiveProfile", json!({"profiles_id": p}))
                .await?;
        }
        if let Some((e, recursive)) = self.entity.get() {
            self.post_session_call(
                "/changeActiveEntities",
                json!({"entities_id": e, "is_recursive": recursive}),
            )
            .await?;
        }
        Ok(())
    }

    async fn post_session_call(&self, path: &str, body: Value) -> Result<(), CallError> {
        let req = self.authed(ApiRequest::new(Method::Post, path).with_body(body));
        let res = self.send_session_call(&req).await?;
        if res.status == 200 && res.json() != Value::Bool(false) {
            Ok(())
        } else {
            Err(to_error(&res))
        }
    }

    /// Chooses the active profile (kept when the session is opened again).
    pub async fn set_profile(&self, profile_id: u64) -> Result<(), CallError> {
        self.profile.set(Some(profile_id));
        self.call(
            ApiRequest::new(Method::Post, "/changeActiveProfile")
                .with_body(json!({"profiles_id": profile_id})),
        )
        .await
        .map(|_| ())
    }

    /// Chooses the active entity (kept when the session is opened again). GLPI answers 200
    /// `false` for an entity that does not exist: reported as an error here.
    pub async fn set_entity(&self, entity_id: u64, recursive: bool) -> Result<(), CallError> {
        self.entity.set(Some((entity_id, recursive)));
        let res = self
            .call(
                ApiRequest::new(Method::Post, "/changeActiveEntities")
                    .with_body(json!({"entities_id": entity_id, "is_recursive": recursive})),
            )
            .await?;
        if res.json() == Value::Bool(false) {
            return Err(CallError::Glpi {
                status: 200,
                error: GlpiError {
                    code: "ERROR_ENTITY_NOT_FOUND".into(),
                    message: format!("l'entité {entity_id} n'existe pas ou n'est pas accessible"),
                    details: Value::Null,
                },
            });
        }
        Ok(())
    }

    /// Closes the session.
    pub async fn logout(&self) {
        if self.token.borrow().is_some() {
            let req = self.authed(ApiRequest::new(Method::Get, "/killSession"));
            let _ = self.send_raw(&req).await;
            *self.token.borrow_mut() = None;
        }
    }

    fn authed(&self, mut req: ApiRequest) -> ApiRequest {
        req.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("Session-Token"));
        if let Some(t) = self.token.borrow().as_ref() {
            req.headers.push(("Session-Token".into(), t.clone()));
        }
        req
    }

    async fn pace(&self) {
        let configured = if self.options.max_calls_per_second > 0.0 {
            1000.0 / self.options.max_calls_per_second
        } else {
            0.0
        };
        let interval = configured.max(self.throttle_ms.get());
        let now = self.transport.now_ms();
        if interval <= 0.0 && self.next_slot.get() <= now {
            return;
        }
        let slot = self.next_slot.get().max(now);
        self.next_slot.set(slot + interval);
        let wait = slot - now;
        if wait >= 1.0 {
            self.transport.sleep(wait as u64).await;
        }
    }

    async fn send_raw(&self, req: &ApiRequest) -> Result<ApiResponse, CallError> {
        let mut refusals = 0;
        loop {
            self.pace().await;
            self.stats.borrow_mut().calls += 1;
            let res = self
                .transport
                .send(req)
                .await
                .map_err(CallError::Transport)?;
            if res.status != 429 {
                // Each call that goes through relaxes the spacing learnt from refusals.
                let t = self.throttle_ms.get() * 0.9;
                self.throttle_ms.set(if t < 1.0 { 0.0 } else { t });
                return Ok(res);
            }
            // 429: refused before anything was done (the proxy's ceiling protecting the
            // national GLPI, or the server's own rate limit), so sending again is safe for
            // every method. Never a failure: every call of this client waits for the date
            // given (Retry-After) or a backoff, and the calls are spaced more from now on.
            refusals += 1;
            self.stats.borrow_mut().throttled += 1;
            let wait = retry_after_ms(&res)
                .unwrap_or_else(|| backoff_delay(&self.options, refusals, self.transport.random()));
            self.throttle_ms
                .set((self.throttle_ms.get() * 2.0).clamp(THROTTLE_MIN_MS, THROTTLE_MAX_MS));
            let until = self.transport.now_ms() + wait as f64;
            self.next_slot.set(self.next_slot.get().max(until));
        }
    }

    /// Session calls (open, choose profile or entity) change nothing in GLPI's data: retried on
    /// 5xx and lost connections like reads.
    async fn send_session_call(&self, req: &ApiRequest) -> Result<ApiResponse, CallError> {
        let mut attempt = 0;
        loop {
            let error = match self.send_raw(req).await {
                Ok(res) if res.status < 500 => return Ok(res),
                Ok(res) => to_error(&res),
                Err(e) => e,
            };
            attempt += 1;
            if attempt >= self.options.max_attempts {
                return Err(error);
            }
            self.backoff(attempt).await;
        }
    }

    /// Waits before attempt `attempt` (1 for the first retry): exponential from `backoff_ms`,
    /// capped, with full jitter. The one backoff policy of the engine: the client's retries and
    /// the runner's recovery of unknown outcomes both wait here, so the server sees one rhythm.
    pub async fn backoff(&self, attempt: u32) {
        let wait = backoff_delay(&self.options, attempt, self.transport.random());
        self.stats.borrow_mut().retries += 1;
        self.transport.sleep(wait).await;
    }

    /// Sends a call with the session: re-login on expiry, and for idempotent methods retries on
    /// 5xx, timeouts and dropped connections. A create (POST) is never sent twice here: its
    /// unknown outcome is returned so the caller reconciles it first.
    pub async fn call(&self, req: ApiRequest) -> Result<ApiResponse, CallError> {
        let mut attempt = 0;
        loop {
            if self.token.borrow().is_none() {
                self.login().await?;
            }
            let generation = self.generation.get();
            let sent = self.authed(req.clone());
            let result = self.send_raw(&sent).await;
            let error = match result {
                Ok(res) if res.status < 500 => {
                    if res.status == 401
                        && res
                            .glpi_error()
                            .is_some_and(|e| e.code == "ERROR_SESSION_TOKEN_INVALID")
                        && attempt + 1 < self.options.max_attempts
                    {
                        // The session expired: GLPI refused before doing anything, so sending
                        // again is safe for every method.
                        if self.generation.get() == generation {
                            self.stats.borrow_mut().relogins += 1;
                            self.login().await?;
                        }
                        attempt += 1;
                        continue;
                    }
                    return Ok(res);
                }
                Ok(res) => to_error(&res),
                Err(e) => e,
            };
            attempt += 1;
            let retryable = req.method.is_idempotent() || req.path.starts_with("/changeActive");
            if !retryable || attempt >= self.options.max_attempts {
                return Err(error);
            }
            self.backoff(attempt).await;
        }
    }

    /// A call whose answer must be 2xx JSON.
    pub async fn call_json(&self, req: ApiRequest) -> Result<(u16, Value, ApiResponse), CallError> {
        let res = self.call(req).await?;
        if res.status >= 300 {
            return Err(to_error(&res));
        }
        Ok((res.status, res.json(), res))
    }

    /// `getFullSession`.
    pub async fn full_session(&self) -> Result<Value, CallError> {
        let (_, v, _) = self
            .call_json(ApiRequest::new(Method::Get, "/getFullSession"))
            .await?;
        Ok(v.get("session").cloned().unwrap_or(Value::Null))
    }

    /// Every item of a type visible in the active entities, in pages.
    pub async fn read_all(&self, itemtype: GlpiType) -> Result<Vec<Map<String, Value>>, CallError> {
        let mut items = self.read_pages(itemtype, "ASC", None).await?;
        self.attach_requesters(itemtype, &mut items).await?;
        self.attach_network_names(itemtype, &mut items).await?;
        self.normalize(itemtype, &mut items).await?;
        Ok(items)
    }

    /// Ports as the target has them now, by id, with their first network name's id, name and
    /// addresses keyed by id (read as [`Self::read_all`] gives them): the undo of a port's
    /// update reads them to delete the addresses it added ([`crate::glpi::undo_added_addresses`]).
    pub async fn read_network_names(
        &self,
        ports: &[u64],
    ) -> Result<std::collections::HashMap<u64, Map<String, Value>>, CallError> {
        let mut items: Vec<Map<String, Value>> = ports
            .iter()
            .map(|id| {
                let mut port = Map::new();
                port.insert("id".into(), json!(id));
                port
            })
            .collect();
        self.attach_network_names(GlpiType::NetworkPort, &mut items)
            .await?;
        Ok(ports.iter().copied().zip(items).collect())
    }

    /// Ports read get their first network name's id, name and addresses (keyed by id), as the
    /// inputs of a port's PUT name them ([`crate::glpi::NETWORK_NAME_ID_INPUT`],
    /// [`crate::glpi::NETWORK_NAME_INPUTS`]): GLPI keeps them in tables of their own, and
    /// reconciliation compares them with the source's.
    async fn attach_network_names(
        &self,
        itemtype: GlpiType,
        items: &mut [Map<String, Value>],
    ) -> Result<(), CallError> {
        use crate::glpi::{NETWORK_NAME_ID_INPUT, NETWORK_NAME_INPUTS};
        if itemtype != GlpiType::NetworkPort || items.is_empty() {
            return Ok(());
        }
        let num = |m: &Map<String, Value>, f: &str| {
            m.get(f).and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
        };
        let live = |m: &Map<String, Value>, owner: &str| {
            m.get("itemtype").and_then(Value::as_str) == Some(owner)
                && num(m, "is_deleted").unwrap_or(0) == 0
        };
        // Port id → (name id, name): the first name by id, the one a port's form shows.
        let mut names: std::collections::HashMap<u64, (u64, Value)> =
            std::collections::HashMap::new();
        for n in self.read_pages(GlpiType::NetworkName, "ASC", None).await? {
            if let (true, Some(id), Some(port)) =
                (live(&n, "NetworkPort"), num(&n, "id"), num(&n, "items_id"))
            {
                names
                    .entry(port)
                    .or_insert((id, n.get("name").cloned().unwrap_or(Value::Null)));
            }
        }
        let mut addresses: std::collections::HashMap<u64, Map<String, Value>> =
            std::collections::HashMap::new();
        for a in self.read_pages(GlpiType::IpAddress, "ASC", None).await? {
            if let (true, Some(id), Some(name)) =
                (live(&a, "NetworkName"), num(&a, "id"), num(&a, "items_id"))
            {
                addresses.entry(name).or_default().insert(
                    id.to_string(),
                    a.get("name").cloned().unwrap_or(Value::Null),
                );
            }
        }
        for item in items.iter_mut() {
            let id = num(item, "id").unwrap_or(0);
            let Some((name_id, name)) = names.remove(&id) else {
                continue;
            };
            let ips = addresses.remove(&name_id).unwrap_or_default();
            item.insert(NETWORK_NAME_ID_INPUT.into(), json!(name_id));
            item.insert(NETWORK_NAME_INPUTS[0].into(), name);
            item.insert(NETWORK_NAME_INPUTS[1].into(), Value::Object(ips));
        }
        Ok(())
    }

    /// Items made version-independent ([`GlpiVersion::normalize_item`]); on GLPI 11, an
    /// asset's groups, left out of collections, are read item by item.
    async fn normalize(
        &self,
        itemtype: GlpiType,
        items: &mut [Map<String, Value>],
    ) -> Result<(), CallError> {
        let Some(version) = self.version.get() else {
            return Ok(());
        };
        let single = version.groups_need_single_read(itemtype);
        for item in items.iter_mut() {
            if single {
                if let Some(id) = item.get("id").and_then(Value::as_u64) {
                    let path = format!("/{}/{id}", itemtype.name());
                    let (_, one, _) = self.call_json(ApiRequest::new(Method::Get, &path)).await?;
                    for field in GROUP_FIELDS {
                        if let Some(v) = one.get(*field) {
                            item.insert((*field).to_string(), v.clone());
                        }
                    }
                }
            }
            version.normalize_item(itemtype, item);
        }
        Ok(())
    }

    /// Tickets read get their requesters' ids as `_users_id_requester` (kept by GLPI as
    /// `Ticket_User` rows of type 1): without the journal, a ticket is recognised by its opening
    /// date, title and requesters.
    async fn attach_requesters(
        &self,
        itemtype: GlpiType,
        items: &mut [Map<String, Value>],
    ) -> Result<(), CallError> {
        if itemtype != GlpiType::Ticket || items.is_empty() {
            return Ok(());
        }
        let mut by_ticket: std::collections::HashMap<u64, Vec<u64>> =
            std::collections::HashMap::new();
        for link in self.read_pages(GlpiType::TicketUser, "ASC", None).await? {
            let num = |f: &str| {
                link.get(f).and_then(|v| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                })
            };
            if let (Some(ticket), Some(user), Some(1)) =
                (num("tickets_id"), num("users_id"), num("type"))
            {
                by_ticket.entry(ticket).or_default().push(user);
            }
        }
        for item in items.iter_mut() {
            let id = item.get("id").and_then(Value::as_u64).unwrap_or(0);
            let mut users = by_ticket.remove(&id).unwrap_or_default();
            users.sort_unstable();
            item.insert("_users_id_requester".into(), json!(users));
        }
        Ok(())
    }

    /// Items of a type with an id above `watermark`, newest first: what was created since.
    pub async fn read_newer(
        &self,
        itemtype: GlpiType,
        watermark: u64,
    ) -> Result<Vec<Map<String, Value>>, CallError> {
        let mut items = self.read_pages(itemtype, "DESC", Some(watermark)).await?;
        self.attach_requesters(itemtype, &mut items).await?;
        Ok(items)
    }

    async fn read_pages(
        &self,
        itemtype: GlpiType,
        order: &str,
        above: Option<u64>,
    ) -> Result<Vec<Map<String, Value>>, CallError> {
        let mut out = Vec::new();
        let size = self.options.page_size.max(1);
        let mut start = 0usize;
        let query = format!("get_hateoas=false&sort=id&order={order}");
        loop {
            let page = self.read_page(itemtype.name(), &query, start, size).await?;
            let n = page.rows.len();
            let mut reached = false;
            for m in page.rows {
                if let Some(w) = above {
                    if m.get("id").and_then(Value::as_u64).unwrap_or(0) <= w {
                        reached = true;
                        break;
                    }
                }
                out.push(m);
            }
            start += size;
            if reached || n < size || start >= page.total.unwrap_or(0) {
                break;
            }
        }
        Ok(out)
    }

    /// One page of a collection: `GET /{itemtype}?range=start-(start+size-1)&{query}`, its rows
    /// and the total GLPI gives in `Content-Range`. A start past the end gives no rows (GLPI's
    /// `ERROR_RANGE_EXCEED_TOTAL`). The one paged read of the engine: whole types here, the
    /// local GLPI's reads (`migrate::source`) page by page so that they can resume.
    pub async fn read_page(
        &self,
        itemtype: &str,
        query: &str,
        start: usize,
        size: usize,
    ) -> Result<Page, CallError> {
        let size = size.max(1);
        let sep = if query.is_empty() { "" } else { "&" };
        let path = format!("/{itemtype}?range={start}-{}{sep}{query}", start + size - 1);
        let res = self.call(ApiRequest::new(Method::Get, path)).await?;
        if res.status == 400
            && res
                .glpi_error()
                .is_some_and(|e| e.code == "ERROR_RANGE_EXCEED_TOTAL")
        {
            return Ok(Page {
                rows: Vec::new(),
                total: None,
            });
        }
        if res.status >= 300 {
            return Err(to_error(&res));
        }
        let rows = match res.json() {
            Value::Array(rows) => rows
                .into_iter()
                .filter_map(|row| match row {
                    Value::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let total = res
            .header("content-range")
            .and_then(|r| r.rsplit('/').next())
            .and_then(|t| t.trim().parse::<usize>().ok());
        Ok(Page { rows, total })
    }

    /// Creates items in one call (`POST` with a list in `input`).
    pub async fn create(
        &self,
        itemtype: GlpiType,
        inputs: Vec<Value>,
    ) -> Result<BulkResult, CallError> {
        let n = inputs.len();
        let req = ApiRequest::new(Method::Post, format!("/{itemtype}"))
            .with_body(json!({ "input": inputs }));
        let res = self.call(req).await?;
        bulk_result(&res, n, BulkKind::Create, &[])
    }

    /// Updates items in one call (`PUT` with a list in `input`, each with its `id`).
    pub async fn update(
        &self,
        itemtype: GlpiType,
        inputs: Vec<Value>,
    ) -> Result<BulkResult, CallError> {
        let ids: Vec<u64> = inputs
            .iter()
            .map(|v| v.get("id").and_then(Value::as_u64).unwrap_or(0))
            .collect();
        let req = ApiRequest::new(Method::Put, format!("/{itemtype}"))
            .with_body(json!({ "input": inputs }));
        let res = self.call(req).await?;
        bulk_result(&res, ids.len(), BulkKind::Update, &ids)
    }

    /// Purges items in one call.
    pub async fn purge(&self, itemtype: GlpiType, ids: &[u64]) -> Result<BulkResult, CallError> {
        let input: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        let req = ApiRequest::new(Method::Delete, format!("/{itemtype}"))
            .with_body(json!({ "input": input, "force_purge": true }));
        let res = self.call(req).await?;
        bulk_result(&res, ids.len(), BulkKind::Delete, ids)
    }

    /// Purges items with the type's quiet inputs in each (`_disablenotif`: GLPI notifies the
    /// deletion of a ticket, followup or task otherwise).
    pub async fn purge_quietly(
        &self,
        itemtype: GlpiType,
        ids: &[u64],
    ) -> Result<BulkResult, CallError> {
        let input: Vec<Value> = ids
            .iter()
            .map(|id| {
                let mut m = Map::new();
                m.insert("id".into(), json!(id));
                for flag in itemtype.quiet_inputs() {
                    m.insert((*flag).into(), json!(1));
                }
                Value::Object(m)
            })
            .collect();
        let req = ApiRequest::new(Method::Delete, format!("/{itemtype}"))
            .with_body(json!({ "input": input, "force_purge": true }));
        let res = self.call(req).await?;
        bulk_result(&res, ids.len(), BulkKind::Delete, ids)
    }

    /// The request a bulk create sends, for previews and cURL commands.
    pub fn create_request(itemtype: GlpiType, inputs: Vec<Value>) -> ApiRequest {
        ApiRequest::new(Method::Post, format!("/{itemtype}")).with_body(json!({ "input": inputs }))
    }
}

/// Smallest spacing between calls after a 429 (ms), doubled at each further 429.
const THROTTLE_MIN_MS: f64 = 50.0;
/// Largest spacing between calls learnt from 429s (ms).
const THROTTLE_MAX_MS: f64 = 2000.0;
/// Longest wait honoured from a `Retry-After` (ms).
const RETRY_AFTER_CAP_MS: u64 = 300_000;

/// The wait a 429 asks for: `Retry-After` in seconds (an HTTP date is not used by the proxy and
/// falls back to the backoff).
pub fn retry_after_ms(res: &ApiResponse) -> Option<u64> {
    let secs: f64 = res.header("retry-after")?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| ((secs * 1000.0) as u64).min(RETRY_AFTER_CAP_MS))
}

/// The delay before attempt `attempt` for a random draw `random` in `[0, 1)`: half the base
/// delay at least (so a retry storm never goes at full speed), then up to the exponential step.
pub fn backoff_delay(options: &ClientOptions, attempt: u32, random: f64) -> u64 {
    let exp = options
        .backoff_ms
        .saturating_mul(1u64 << attempt.min(20))
        .min(options.backoff_cap_ms);
    (exp as f64 * random) as u64 + options.backoff_ms / 2
}

/// The error an answer that is not 2xx stands for.
pub fn to_error(res: &ApiResponse) -> CallError {
    match res.glpi_error() {
        Some(error) => CallError::Glpi {
            status: res.status,
            error,
        },
        None => CallError::Unexpected {
            status: res.status,
            excerpt: String::from_utf8_lossy(&res.body[..res.body.len().min(200)]).into_owned(),
        },
    }
}

#[derive(Clone, Copy, PartialEq)]
enum BulkKind {
    Create,
    Update,
    Delete,
}

/// Reads GLPI's bulk answers: 201/200 lists, 207 partial envelopes, 400 all-failed envelopes.
fn bulk_result(
    res: &ApiResponse,
    n: usize,
    kind: BulkKind,
    ids: &[u64],
) -> Result<BulkResult, CallError> {
    let body = res.json();
    let (list, code) = match (&body, res.glpi_error()) {
        (_, Some(e)) => match e.details {
            Value::Array(items) if res.status == 207 || res.status == 400 => (items, Some(e.code)),
            // A single failure (string message) for the whole call.
            _ if res.status == 400 => {
                let msg = e.message.clone();
                return Ok(BulkResult {
                    items: vec![ItemResult::Refused(msg); n],
                    code: Some(e.code),
                });
            }
            _ => return Err(to_error(res)),
        },
        (Value::Array(items), None) if res.status < 300 => (items.clone(), None),
        _ => return Err(to_error(res)),
    };
    let mut items = Vec::with_capacity(n);
    match kind {
        BulkKind::Create => {
            for i in 0..n {
                let entry = list.get(i).cloned().unwrap_or(Value::Null);
                let id = entry.get("id").and_then(|v| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                });
                let message = entry
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                items.push(match id {
                    Some(id) if id > 0 => ItemResult::Ok(id),
                    _ => ItemResult::Refused(if message.is_empty() {
                        "refusé par GLPI sans message".into()
                    } else {
                        message
                    }),
                });
            }
        }
        BulkKind::Update | BulkKind::Delete => {
            // Entries are `{"<id>": bool, "message": …}`; updates of unknown ids are left out.
            for id in ids {
                let key = id.to_string();
                let entry = list.iter().find(|e| e.get(&key).is_some());
                items.push(match entry {
                    Some(e) if e.get(&key) == Some(&Value::Bool(true)) => ItemResult::Ok(*id),
                    Some(e) => ItemResult::Refused(
                        e.get("message")
                            .and_then(Value::as_str)
                            .filter(|m| !m.is_empty())
                            .unwrap_or("refusé par GLPI")
                            .to_string(),
                    ),
                    None => ItemResult::Refused("Item Not Found".into()),
                });
            }
        }
    }
    Ok(BulkResult { items, code })
}
