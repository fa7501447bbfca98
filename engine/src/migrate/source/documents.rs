//! Documents attached to the items read (issue 16): their rows and links are read from the local
//! GLPI (GET only, paged), their files downloaded (`GET /Document/:id` with
//! `Accept: application/octet-stream`); on the target each is uploaded as a GLPI document
//! (`POST /Document`, `multipart/form-data`, [`Upload`]) unless one with the same sha1sum and
//! file name is there already, then linked (`Document_Item`) to the migrated items.
//!
//! Documents come after the run: the items they are linked to must exist on the target first.
//! What was created is returned ([`Carried`]) so that undo can purge it.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use thiserror::Error;

use super::{flag, id, number, text};
use crate::diagnostic::Lang;
use crate::glpi::decode_entities;
use crate::migrate::api::{ApiRequest, Method, Transport, Upload};
use crate::migrate::client::{CallError, GlpiClient};

/// The document type, as the API spells it.
pub const DOCUMENT: &str = "Document";
/// A document's link to an item.
pub const DOCUMENT_ITEM: &str = "Document_Item";

/// Why documents could not be read or carried.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum DocumentError {
    /// Reading the local GLPI failed.
    #[error("GLPI local : lecture des documents ({what}) : {error}")]
    Read {
        /// What was being read.
        what: String,
        /// The call's error.
        error: CallError,
    },
    /// Writing to the target failed.
    #[error("GLPI cible : document « {name} » : {error}")]
    Write {
        /// The document's name.
        name: String,
        /// The call's error.
        error: CallError,
    },
}

impl DocumentError {
    /// The message in the given language (French: its `Display`).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.to_string(),
            Lang::En => match self {
                DocumentError::Read { what, error } => {
                    format!(
                        "local GLPI: reading documents ({what}): {}",
                        error.render(lang)
                    )
                }
                DocumentError::Write { name, error } => {
                    format!("target GLPI: document \"{name}\": {}", error.render(lang))
                }
            },
        }
    }
}

/// A document of the local GLPI with its file and the items it is linked to.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// Its id in the local GLPI.
    pub id: u64,
    /// Name.
    pub name: String,
    /// The file's name.
    pub filename: String,
    /// MIME type.
    pub mime: String,
    /// The file's sha1, as GLPI stored it.
    pub sha1sum: String,
    /// Comment.
    pub comment: String,
    /// Its entity's complete name.
    pub entity: String,
    /// Items it is linked to: (itemtype, id in the local GLPI).
    pub links: Vec<(String, u64)>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for SourceDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceDocument")
            .field("id", &self.id)
            .field("filename", &self.filename)
            .field("sha1sum", &self.sha1sum)
            .field("links", &self.links)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Every row of a collection, page by page.
async fn read_rows<T: Transport>(
    client: &GlpiClient<'_, T>,
    what: &str,
    query: &str,
    page_size: usize,
) -> Result<Vec<Map<String, Value>>, DocumentError> {
    let size = page_size.max(1);
    let mut rows = Vec::new();
    let mut start = 0;
    loop {
        let page = client
            .read_page(what, query, start, size)
            .await
            .map_err(|error| DocumentError::Read {
                what: what.to_string(),
                error,
            })?;
        let n = page.rows.len();
        rows.extend(page.rows);
        start += size;
        if n < size || start >= page.total.unwrap_or(0) {
            return Ok(rows);
        }
    }
}

/// Reads the documents linked to items `wanted` accepts (`(itemtype, source id)`: the items the
/// plan carries), with their files. GET only.
pub async fn read_documents<T: Transport>(
    client: &GlpiClient<'_, T>,
    page_size: usize,
    wanted: &dyn Fn(&str, u64) -> bool,
) -> Result<Vec<SourceDocument>, DocumentError> {
    let mut links: BTreeMap<u64, Vec<(String, u64)>> = BTreeMap::new();
    for l in read_rows(client, DOCUMENT_ITEM, "get_hateoas=false", page_size).await? {
        let (Some(doc), Some(item)) = (number(&l, "documents_id"), number(&l, "items_id")) else {
            continue;
        };
        let itemtype = text(&l, "itemtype");
        if wanted(&itemtype, item) {
            links.entry(doc).or_default().push((itemtype, item));
        }
    }
    let rows = read_rows(
        client,
        DOCUMENT,
        "expand_dropdowns=true&get_hateoas=false",
        page_size,
    )
    .await?;
    let mut out = Vec::new();
    for d in rows {
        let Some(did) = id(&d) else { continue };
        let Some(links) = links.remove(&did) else {
            continue;
        };
        if flag(&d, "is_deleted") || text(&d, "filename").is_empty() {
            continue;
        }
        let mut req = ApiRequest::new(Method::Get, format!("/{DOCUMENT}/{did}"));
        req.headers
            .push(("Accept".into(), "application/octet-stream".into()));
        let res = client
            .call(req)
            .await
            .map_err(|error| DocumentError::Read {
                what: format!("{DOCUMENT} {did}"),
                error,
            })?;
        if res.status >= 300 {
            return Err(DocumentError::Read {
                what: format!("{DOCUMENT} {did}"),
                error: crate::migrate::client::to_error(&res),
            });
        }
        out.push(SourceDocument {
            id: did,
            name: text(&d, "name"),
            filename: text(&d, "filename"),
            mime: text(&d, "mime"),
            sha1sum: text(&d, "sha1sum"),
            comment: text(&d, "comment"),
            entity: decode_entities(&text(&d, "entities_id")),
            links,
            bytes: res.body,
        });
    }
    Ok(out)
}

/// What carrying documents wrote on the target: what undo purges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    /// Source document id → target document id (created or found).
    pub documents: BTreeMap<u64, u64>,
    /// Target ids of the documents created.
    pub created: Vec<u64>,
    /// Target ids of the links created.
    pub links: Vec<u64>,
    /// Links the target refused, with its reason: told, not undone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_linked: Vec<NotLinked>,
}

/// A link of a document the target refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotLinked {
    /// The document's id in the local GLPI.
    pub document: u64,
    /// The item's type.
    pub itemtype: String,
    /// The item's id on the target.
    pub items_id: u64,
    /// GLPI's answer, in French.
    pub reason: String,
}

impl Carried {
    /// Adds what a later run carried (a second run finds what the first created).
    pub fn merge(&mut self, other: Carried) {
        self.documents.extend(other.documents);
        for id in other.created {
            if !self.created.contains(&id) {
                self.created.push(id);
            }
        }
        for id in other.links {
            if !self.links.contains(&id) {
                self.links.push(id);
            }
        }
        self.not_linked = other.not_linked;
    }
}

/// The upload that creates a document on the target: the file, and in the manifest its name,
/// comment and entity (GLPI fills `filename`, `mime`, `sha1sum` and `filepath` from the file).
pub fn upload_request(doc: &SourceDocument, entity: u64) -> ApiRequest {
    let manifest = json!({"input": {
        "name": doc.name,
        "comment": doc.comment,
        "entities_id": entity,
        "_filename": [doc.filename],
    }});
    ApiRequest::new(Method::Post, format!("/{DOCUMENT}")).with_upload(Upload {
        manifest,
        filename: doc.filename.clone(),
        mime: if doc.mime.is_empty() {
            "application/octet-stream".into()
        } else {
            doc.mime.clone()
        },
        bytes: doc.bytes.clone(),
    })
}

/// Creates the documents on the target (or finds them: same sha1sum and file name) and links
/// them to the migrated items. `target_item` gives an item's target id from its type and source
/// id; `entity` the target entity of a source entity's complete name.
pub async fn carry_documents<T: Transport>(
    client: &GlpiClient<'_, T>,
    documents: &[SourceDocument],
    target_item: &dyn Fn(&str, u64) -> Option<u64>,
    entity: &dyn Fn(&str) -> u64,
) -> Result<Carried, DocumentError> {
    let write = |name: &str, error: CallError| DocumentError::Write {
        name: name.to_string(),
        error,
    };
    let existing: HashMap<(String, String), u64> =
        read_rows(client, DOCUMENT, "get_hateoas=false", 1000)
            .await?
            .iter()
            .filter_map(|d| {
                Some((
                    (text(d, "sha1sum").to_lowercase(), text(d, "filename")),
                    id(d)?,
                ))
            })
            .collect();
    let mut carried = Carried::default();
    for doc in documents {
        let key = (doc.sha1sum.to_lowercase(), doc.filename.clone());
        let target = match existing.get(&key) {
            Some(&t) => t,
            None => {
                let req = upload_request(doc, entity(&doc.entity));
                let (_, body, _) = client
                    .call_json(req)
                    .await
                    .map_err(|e| write(&doc.name, e))?;
                let t = body.get("id").and_then(Value::as_u64).ok_or_else(|| {
                    write(
                        &doc.name,
                        CallError::Glpi {
                            status: 201,
                            error: crate::migrate::api::GlpiError {
                                code: "ERROR_GLPI_ADD".into(),
                                message: body.to_string(),
                                details: body.clone(),
                            },
                        },
                    )
                })?;
                carried.created.push(t);
                t
            }
        };
        carried.documents.insert(doc.id, target);
        let (_, linked, _) = client
            .call_json(ApiRequest::new(
                Method::Get,
                format!("/{DOCUMENT}/{target}/{DOCUMENT_ITEM}?range=0-9999&get_hateoas=false"),
            ))
            .await
            .map_err(|e| write(&doc.name, e))?;
        let linked: Vec<(String, u64)> = linked
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| {
                let l = l.as_object()?;
                Some((text(l, "itemtype"), number(l, "items_id")?))
            })
            .collect();
        let inputs: Vec<Value> = doc
            .links
            .iter()
            .filter_map(|(itemtype, source)| {
                let item = target_item(itemtype, *source)?;
                (!linked.contains(&(itemtype.clone(), item))).then(
                    || json!({"documents_id": target, "itemtype": itemtype, "items_id": item}),
                )
            })
            .collect();
        if inputs.is_empty() {
            continue;
        }
        // One link per call: GLPI refuses some (a document added to a closed ticket) and the
        // others must still be made.
        for input in inputs {
            let res = client
                .call(
                    ApiRequest::new(Method::Post, format!("/{DOCUMENT_ITEM}"))
                        .with_body(json!({ "input": input })),
                )
                .await
                .map_err(|e| write(&doc.name, e))?;
            match res.json().get("id").and_then(Value::as_u64) {
                Some(l) if res.status < 300 => carried.links.push(l),
                _ => carried.not_linked.push(NotLinked {
                    document: doc.id,
                    itemtype: input["itemtype"].as_str().unwrap_or_default().to_string(),
                    items_id: input["items_id"].as_u64().unwrap_or_default(),
                    reason: crate::migrate::client::to_error(&res).render(Lang::Fr),
                }),
            }
        }
    }
    Ok(carried)
}

/// Purges what [`carry_documents`] created: the links, then the documents (GLPI removes a
/// purged document's file when no other document uses it).
pub async fn undo_documents<T: Transport>(
    client: &GlpiClient<'_, T>,
    carried: &Carried,
) -> Result<(), DocumentError> {
    for (what, ids) in [
        (DOCUMENT_ITEM, &carried.links),
        (DOCUMENT, &carried.created),
    ] {
        if ids.is_empty() {
            continue;
        }
        let input: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        let res = client
            .call(
                ApiRequest::new(Method::Delete, format!("/{what}"))
                    .with_body(json!({"input": input, "force_purge": true})),
            )
            .await
            .map_err(|error| DocumentError::Write {
                name: what.to_string(),
                error,
            })?;
        // Already gone (purged by hand, or with its document) is what undo wants.
        if res.status >= 300 && res.status != 404 && res.status != 207 {
            return Err(DocumentError::Write {
                name: what.to_string(),
                error: crate::migrate::client::to_error(&res),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context as TaskContext, Poll, Waker};

    use super::*;
    use crate::migrate::api::{ApiResponse, Credentials, TransportError};
    use crate::migrate::client::ClientOptions;

    const PDF: &[u8] = b"%PDF-1.4 facture\n\x00\xff";

    /// A GLPI in memory, every request recorded: documents (id, row, bytes) and links as rows;
    /// an upload adds a document, a link POST adds links.
    struct Glpi {
        documents: RefCell<Vec<(u64, Value, Vec<u8>)>>,
        links: RefCell<Vec<Value>>,
        requests: RefCell<Vec<ApiRequest>>,
    }

    impl Glpi {
        fn new(documents: Vec<(u64, Value, Vec<u8>)>, links: Vec<Value>) -> Self {
            Glpi {
                documents: RefCell::new(documents),
                links: RefCell::new(links),
                requests: RefCell::new(Vec::new()),
            }
        }

        fn answer(&self, req: &ApiRequest) -> ApiResponse {
            let ok = |status: u16, body: Value| ApiResponse {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_string().into_bytes(),
            };
            let path = req.path.split('?').next().unwrap();
            let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            match (req.method, parts.as_slice()) {
                (_, ["initSession"]) => ok(200, json!({"session_token": "s"})),
                (Method::Get, ["Document_Item"]) => {
                    ok(200, Value::Array(self.links.borrow().clone()))
                }
                (Method::Get, ["Document"]) => ok(
                    200,
                    Value::Array(
                        self.documents
                            .borrow()
                            .iter()
                            .map(|d| d.1.clone())
                            .collect(),
                    ),
                ),
                (Method::Get, ["Document", id]) => {
                    let id: u64 = id.parse().unwrap();
                    let docs = self.documents.borrow();
                    let d = docs.iter().find(|d| d.0 == id).unwrap();
                    ApiResponse {
                        status: 200,
                        headers: vec![("content-type".into(), "application/pdf".into())],
                        body: d.2.clone(),
                    }
                }
                (Method::Get, ["Document", id, "Document_Item"]) => {
                    let id: u64 = id.parse().unwrap();
                    let links: Vec<Value> = self
                        .links
                        .borrow()
                        .iter()
                        .filter(|l| l["documents_id"] == json!(id))
                        .cloned()
                        .collect();
                    ok(200, Value::Array(links))
                }
                (Method::Post, ["Document"]) => {
                    let up = req.upload.as_ref().unwrap();
                    let id = 100 + self.documents.borrow().len() as u64;
                    self.documents.borrow_mut().push((
                        id,
                        json!({"id": id, "filename": up.filename, "sha1sum": "abc1", "is_deleted": 0}),
                        up.bytes.clone(),
                    ));
                    ok(201, json!({"id": id, "message": ""}))
                }
                (Method::Post, ["Document_Item"]) => {
                    let mut l = req.body.as_ref().unwrap()["input"].clone();
                    let id = 500 + self.links.borrow().len() as u64;
                    l["id"] = json!(id);
                    self.links.borrow_mut().push(l);
                    ok(201, json!({"id": id, "message": ""}))
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    impl Transport for Glpi {
        async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
            self.requests.borrow_mut().push(request.clone());
            Ok(self.answer(request))
        }
        async fn sleep(&self, _ms: u64) {}
        fn now_ms(&self) -> f64 {
            0.0
        }
        fn random(&self) -> f64 {
            0.5
        }
    }

    fn run<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let mut cx = TaskContext::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    fn client(glpi: &Glpi) -> GlpiClient<'_, Glpi> {
        let options = ClientOptions {
            max_attempts: 1,
            ..ClientOptions::default()
        };
        GlpiClient::new(glpi, Credentials::UserToken { token: "t".into() }, options)
    }

    fn source() -> Glpi {
        Glpi::new(
            vec![
                (
                    7,
                    json!({"id": 7, "name": "Facture PC-17", "filename": "facture.pdf",
                        "mime": "application/pdf", "sha1sum": "ABC1", "comment": "achat",
                        "entities_id": "Préfecture &#62; SIC", "is_deleted": 0}),
                    PDF.to_vec(),
                ),
                // Linked only to an item the plan does not carry: not read further.
                (
                    8,
                    json!({"id": 8, "name": "Autre", "filename": "autre.txt", "mime": "text/plain",
                        "sha1sum": "def2", "entities_id": "Préfecture", "is_deleted": 0}),
                    b"x".to_vec(),
                ),
            ],
            vec![
                json!({"id": 1, "documents_id": 7, "itemtype": "Computer", "items_id": 17}),
                json!({"id": 2, "documents_id": 7, "itemtype": "Ticket", "items_id": 3}),
                json!({"id": 3, "documents_id": 8, "itemtype": "Computer", "items_id": 99}),
            ],
        )
    }

    fn wanted(itemtype: &str, id: u64) -> bool {
        matches!((itemtype, id), ("Computer", 17) | ("Ticket", 3))
    }

    /// The local GLPI is only read: its rows and links paged, the file of each document linked to
    /// a carried item downloaded as octet-stream, nothing else.
    #[test]
    fn documents_are_read_with_get_only_and_their_files_downloaded() {
        let glpi = source();
        let docs = run(read_documents(&client(&glpi), 1000, &wanted)).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(
            (d.id, d.filename.as_str(), d.sha1sum.as_str()),
            (7, "facture.pdf", "ABC1")
        );
        assert_eq!(d.bytes, PDF);
        assert_eq!(d.entity, "Préfecture > SIC");
        assert_eq!(d.links, vec![("Computer".into(), 17), ("Ticket".into(), 3)]);
        let requests = glpi.requests.borrow();
        assert!(requests
            .iter()
            .filter(|r| !r.path.starts_with("/initSession"))
            .all(|r| r.method == Method::Get && r.body.is_none() && r.upload.is_none()));
        let download = requests.iter().find(|r| r.path == "/Document/7").unwrap();
        assert!(download
            .headers
            .contains(&("Accept".into(), "application/octet-stream".into())));
        assert!(!requests.iter().any(|r| r.path.starts_with("/Document/8")));
    }

    /// The target gets one upload per document (manifest and bytes), then its links to the
    /// migrated items; a second run finds it by sha1sum and file name and writes nothing.
    #[test]
    fn a_document_is_uploaded_then_linked_once() {
        let glpi = source();
        let docs = run(read_documents(&client(&glpi), 1000, &wanted)).unwrap();
        let target = Glpi::new(Vec::new(), Vec::new());
        let ids = |itemtype: &str, id: u64| match (itemtype, id) {
            ("Computer", 17) => Some(1017),
            ("Ticket", 3) => Some(1003),
            _ => None,
        };
        let entity = |name: &str| if name == "Préfecture > SIC" { 4 } else { 0 };
        let carried = run(carry_documents(&client(&target), &docs, &ids, &entity)).unwrap();
        assert_eq!(carried.documents, [(7, 100)].into_iter().collect());
        assert_eq!(carried.created, vec![100]);
        assert_eq!(carried.links.len(), 2);
        {
            let requests = target.requests.borrow();
            let upload = requests
                .iter()
                .find(|r| r.method == Method::Post && r.path == "/Document")
                .unwrap();
            let up = upload.upload.as_ref().unwrap();
            assert!(upload.body.is_none());
            assert_eq!(up.bytes, PDF);
            assert_eq!(up.filename, "facture.pdf");
            assert_eq!(up.mime, "application/pdf");
            assert_eq!(
                up.manifest,
                json!({"input": {"name": "Facture PC-17", "comment": "achat", "entities_id": 4,
                    "_filename": ["facture.pdf"]}})
            );
            let links: Vec<Value> = requests
                .iter()
                .filter(|r| r.method == Method::Post && r.path == "/Document_Item")
                .map(|r| r.body.as_ref().unwrap()["input"].clone())
                .collect();
            assert_eq!(
                links,
                vec![
                    json!({"documents_id": 100, "itemtype": "Computer", "items_id": 1017}),
                    json!({"documents_id": 100, "itemtype": "Ticket", "items_id": 1003})
                ]
            );
        }
        // The file GLPI stored has the source's sha1sum in real life; here the fake's.
        target.documents.borrow_mut()[0].1["sha1sum"] = json!("abc1");
        target.requests.borrow_mut().clear();
        let again = run(carry_documents(&client(&target), &docs, &ids, &entity)).unwrap();
        assert!(again.created.is_empty() && again.links.is_empty());
        assert_eq!(again.documents, carried.documents);
        assert!(target
            .requests
            .borrow()
            .iter()
            .all(|r| r.method == Method::Get || r.path.starts_with("/initSession")));
    }
}
