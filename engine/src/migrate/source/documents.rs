//! Documents attached to the assets and tickets read (issue 16): their rows and links are read
//! from the local GLPI like every collection (GET only, paged), then each one's file is
//! downloaded (`GET /Document/:id` with `Accept: application/octet-stream`) into the
//! [`SourceRead`], so that a read killed among the downloads continues with the next file.
//!
//! They become objects of the ordinary plan ([`SourceDocument`] → `Document` and
//! `Document_Item`, see [`crate::migrate::plan::Draft`]): uploaded as GLPI documents unless one
//! with the same sha1sum and file name is there, linked to the migrated items before a ticket's
//! closing (GLPI adds no document to a closed ticket), journaled, resumed, verified and undone
//! like the rest.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::assets::asset_key;
use super::{
    flag, id, number, text, Built, Context, Endpoint, SkipReason, SourceError, SourceProgress,
    SourceRead, KEEP_EVERY_MS,
};
use crate::glpi::{decode_entities, GlpiType};
use crate::migrate::api::{ApiRequest, Method, Transport};
use crate::migrate::client::GlpiClient;
use crate::migrate::model::DocumentFile;

/// Documents, with their entity and category by (complete) name.
pub const DOCUMENTS: Endpoint = Endpoint {
    itemtype: GlpiType::Document,
    expand: true,
};
/// Their links to items, as ids.
pub const LINKS: Endpoint = Endpoint {
    itemtype: GlpiType::DocumentItem,
    expand: false,
};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[DOCUMENTS, LINKS];

/// A document of the local GLPI to carry: its row, its file, and the items it is linked to as
/// the plan knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// Its id in the local GLPI (its ledger).
    pub id: u64,
    /// Name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// The file's sha1, as GLPI stored it.
    pub sha1sum: String,
    /// Comment.
    pub comment: String,
    /// Its entity's complete name.
    pub entity: String,
    /// Its category's complete name (empty: none).
    pub category: String,
    /// The file.
    pub file: DocumentFile,
    /// Links to carried items: (the link's id in the local GLPI, the item's type, the item's
    /// key in the plan: an asset's serial or name, a ticket's `n°ID`).
    pub links: Links,
}

/// A document's links to carried items: (link id, item type, item key in the plan).
pub type Links = Vec<(u64, GlpiType, String)>;

/// The items the plan carries that documents may be linked to: (type, source id) → the key the
/// plan knows them by.
fn carried_items(read: &SourceRead, ctx: &Context) -> HashMap<(GlpiType, u64), String> {
    let mut items = HashMap::new();
    for t in GlpiType::ALL.iter().copied().filter(|t| t.is_asset()) {
        for a in read.rows(Endpoint {
            itemtype: t,
            expand: false,
        }) {
            if flag(a, "is_deleted") || flag(a, "is_template") || !ctx.in_scope(a) {
                continue;
            }
            if let Some(aid) = id(a) {
                items.insert((t, aid), asset_key(a));
            }
        }
    }
    for t in read.rows(super::tickets::TICKETS) {
        if let (Some(tid), true) = (id(t), ctx.in_scope_named(t)) {
            items.insert((GlpiType::Ticket, tid), format!("n°{tid}"));
        }
    }
    items
}

/// Documents linked to carried items, with those links, in id order; what is not carried is
/// counted in `out` when given.
fn wanted<'r>(
    read: &'r SourceRead,
    ctx: &Context,
    mut out: Option<&mut Built>,
) -> Vec<(&'r Map<String, Value>, Links)> {
    let items = carried_items(read, ctx);
    let mut links: BTreeMap<u64, Links> = BTreeMap::new();
    for l in read.rows(LINKS) {
        let (Some(lid), Some(doc), Some(item)) =
            (id(l), number(l, "documents_id"), number(l, "items_id"))
        else {
            if let Some(out) = out.as_deref_mut() {
                out.skip(GlpiType::DocumentItem, SkipReason::NoId);
            }
            continue;
        };
        let key = GlpiType::from_name(&text(l, "itemtype"))
            .ok()
            .and_then(|t| Some((t, items.get(&(t, item))?.clone())));
        match key {
            Some((itemtype, key)) => links.entry(doc).or_default().push((lid, itemtype, key)),
            None => {
                if let Some(out) = out.as_deref_mut() {
                    out.skip(GlpiType::DocumentItem, SkipReason::OutsideRead);
                }
            }
        }
    }
    let mut docs = Vec::new();
    for d in read.rows(DOCUMENTS) {
        let Some(did) = id(d) else {
            if let Some(out) = out.as_deref_mut() {
                out.skip(GlpiType::Document, SkipReason::NoId);
            }
            continue;
        };
        let reason = if flag(d, "is_deleted") {
            Some(SkipReason::Deleted)
        } else if text(d, "filename").is_empty() {
            Some(SkipReason::NoFile)
        } else if !links.contains_key(&did) {
            Some(SkipReason::OutsideRead)
        } else {
            None
        };
        match reason {
            Some(reason) => {
                if let Some(out) = out.as_deref_mut() {
                    out.skip(GlpiType::Document, reason);
                }
            }
            None => docs.push((d, links.remove(&did).unwrap_or_default())),
        }
    }
    docs
}

/// Downloads the file of each document to carry that `read` does not hold yet, handing `read`
/// to `keep` after each (at most every [`KEEP_EVERY_MS`]) and at the end when a file was
/// downloaded since. GET only.
pub async fn download(
    client: &GlpiClient<'_>,
    read: &mut SourceRead,
    progress: &mut dyn FnMut(SourceProgress),
    keep: &mut dyn FnMut(&SourceRead),
) -> Result<(), SourceError> {
    let ctx = Context::new(read);
    let todo: Vec<(u64, String, String)> = wanted(read, &ctx, None)
        .into_iter()
        .filter_map(|(d, _)| Some((id(d)?, text(d, "filename"), text(d, "mime"))))
        .collect();
    let total = todo.len();
    let mut kept_at = client.transport().now_ms();
    let mut unkept = false;
    for (n, (did, filename, mime)) in todo.into_iter().enumerate() {
        if let std::collections::btree_map::Entry::Vacant(slot) = read.files.entry(did) {
            unkept = true;
            let mut req = ApiRequest::new(Method::Get, format!("/{}/{did}", GlpiType::Document));
            req.headers
                .push(("Accept".into(), "application/octet-stream".into()));
            let read_error = |error| SourceError::Read {
                itemtype: GlpiType::Document,
                error,
            };
            let res = client.call(req).await.map_err(read_error)?;
            if res.status >= 300 {
                return Err(read_error(crate::migrate::client::to_error(&res)));
            }
            slot.insert(DocumentFile {
                filename,
                mime,
                bytes: res.body,
            });
        }
        progress(SourceProgress {
            itemtype: GlpiType::Document,
            read: n + 1,
            total: Some(total),
        });
        let now = client.transport().now_ms();
        if unkept && now - kept_at >= KEEP_EVERY_MS {
            keep(read);
            kept_at = now;
            unkept = false;
        }
    }
    if unkept {
        keep(read);
    }
    Ok(())
}

/// The documents to carry, each with its file and links.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    out.read(GlpiType::Document, read.rows(DOCUMENTS).len());
    out.read(GlpiType::DocumentItem, read.rows(LINKS).len());
    for (d, links) in wanted(read, ctx, Some(out)) {
        let Some(did) = id(d) else { continue };
        // Not downloaded yet (a read still going): carried once it is.
        let Some(file) = read.files.get(&did) else {
            out.skip(GlpiType::Document, SkipReason::NoFile);
            continue;
        };
        out.documents.push(SourceDocument {
            id: did,
            name: text(d, "name"),
            mime: text(d, "mime"),
            sha1sum: text(d, "sha1sum").to_lowercase(),
            comment: text(d, "comment"),
            entity: decode_entities(&text(d, "entities_id")),
            category: decode_entities(&text(d, "documentcategories_id")),
            file: file.clone(),
            links,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context as TaskContext, Poll, Waker};

    use serde_json::json;

    use super::*;
    use crate::migrate::api::{ApiResponse, Credentials, TransportError};
    use crate::migrate::client::ClientOptions;
    use crate::migrate::journal::{Failure, Outcome, RecordReason};
    use crate::migrate::model::{Decision, DecisionKind};
    use crate::migrate::plan::{Plan, PlanOptions, TargetData};
    use crate::migrate::run::{dry_run, RunOptions};
    use crate::migrate::source::PagedRead;

    const PDF: &[u8] = b"%PDF-1.4 facture\n\x00\xff";
    const PREFECTURE: &str = "Root Entity > Pr\u{e9}fecture de Guyane";

    /// The local GLPI's file downloads, every request recorded.
    struct Files {
        requests: RefCell<Vec<ApiRequest>>,
    }

    impl Transport for Files {
        async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
            self.requests.borrow_mut().push(request.clone());
            let body = match request.path.as_str() {
                p if p.starts_with("/initSession") => {
                    json!({"session_token": "s"}).to_string().into_bytes()
                }
                "/Document/7" => PDF.to_vec(),
                other => panic!("unexpected {other}"),
            };
            Ok(ApiResponse {
                status: 200,
                headers: vec![],
                body,
            })
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

    fn collection(rows: Vec<Value>) -> PagedRead {
        PagedRead {
            rows: rows
                .into_iter()
                .map(|r| r.as_object().unwrap().clone())
                .collect(),
            next: 1000,
            total: None,
            done: true,
        }
    }

    /// What the collections of a local GLPI give: the prefecture, a computer, a closed ticket,
    /// a PDF linked to both, and a text linked only to a computer that is not read.
    fn read() -> SourceRead {
        let mut read = SourceRead {
            entity: Some(1),
            recursive: true,
            complete: true,
            ..SourceRead::default()
        };
        let mut put = |endpoint: Endpoint, rows: Vec<Value>| {
            read.reads.insert(endpoint.key(), collection(rows));
        };
        put(
            super::super::people::ENTITIES,
            vec![
                json!({"id": 0, "entities_id": 0, "completename": "Root Entity"}),
                json!({"id": 1, "entities_id": 0, "completename": PREFECTURE}),
            ],
        );
        let computer = json!({"id": 20, "name": "PC-20", "serial": "CZC1", "entities_id": 1,
            "is_deleted": 0, "is_template": 0});
        put(
            Endpoint {
                itemtype: GlpiType::Computer,
                expand: false,
            },
            vec![computer.clone()],
        );
        let mut named = computer;
        named["entities_id"] = json!(PREFECTURE);
        put(
            Endpoint {
                itemtype: GlpiType::Computer,
                expand: true,
            },
            vec![named],
        );
        put(
            super::super::tickets::TICKETS,
            vec![
                json!({"id": 3, "name": "\u{c9}cran noir", "entities_id": PREFECTURE,
                "date": "2026-11-05 09:00:00", "solvedate": "2026-11-06 10:00:00",
                "closedate": "2026-11-07 10:00:00", "status": 6, "content": "Plus d'image",
                "type": 1, "urgency": 3, "impact": 3, "priority": 3, "is_deleted": 0}),
            ],
        );
        put(
            DOCUMENTS,
            vec![
                json!({"id": 7, "name": "Facture PC-20", "filename": "facture.pdf",
                    "mime": "application/pdf", "sha1sum": sha1(PDF).to_uppercase(),
                    "comment": "achat", "entities_id": PREFECTURE,
                    "documentcategories_id": "Achats &#62; Factures", "is_deleted": 0}),
                json!({"id": 8, "name": "Autre", "filename": "autre.txt", "mime": "text/plain",
                    "sha1sum": "def2", "entities_id": PREFECTURE, "is_deleted": 0}),
            ],
        );
        put(
            LINKS,
            vec![
                json!({"id": 1, "documents_id": 7, "itemtype": "Computer", "items_id": 20}),
                json!({"id": 2, "documents_id": 7, "itemtype": "Ticket", "items_id": 3}),
                json!({"id": 3, "documents_id": 8, "itemtype": "Computer", "items_id": 99}),
            ],
        );
        read
    }

    fn sha1(bytes: &[u8]) -> String {
        DocumentFile {
            filename: String::new(),
            mime: String::new(),
            bytes: bytes.to_vec(),
        }
        .sha1()
    }

    /// The read with its files downloaded, and the requests that took.
    fn downloaded() -> (SourceRead, Vec<ApiRequest>) {
        let glpi = Files {
            requests: RefCell::new(Vec::new()),
        };
        let client = GlpiClient::new(
            &glpi,
            Credentials::UserToken { token: "t".into() },
            ClientOptions {
                max_attempts: 1,
                ..ClientOptions::default()
            },
        );
        let mut read = read();
        let mut kept = 0;
        run(download(&client, &mut read, &mut |_| {}, &mut |_| {
            kept += 1
        }))
        .unwrap();
        assert!(kept > 0, "the files downloaded are handed out to be kept");
        let requests = glpi.requests.borrow().clone();
        (read, requests)
    }

    fn plan(read: &SourceRead, target: &TargetData) -> Plan {
        read.prepared()
            .draft()
            .plan(target, &PlanOptions::default())
    }

    /// The local GLPI is only read: the file of each document linked to a carried item is
    /// downloaded as octet-stream (a document linked to nothing carried is not), and the
    /// document goes to the plan with its links named as the plan names the items.
    #[test]
    fn files_are_downloaded_with_get_only_and_documents_keep_their_links() {
        let (read, requests) = downloaded();
        let downloads: Vec<&ApiRequest> = requests
            .iter()
            .filter(|r| !r.path.starts_with("/initSession"))
            .collect();
        assert_eq!(downloads.len(), 1);
        assert_eq!(downloads[0].path, "/Document/7");
        assert_eq!(downloads[0].method, Method::Get);
        assert!(downloads[0].body.is_none() && downloads[0].upload.is_none());
        assert!(downloads[0]
            .headers
            .contains(&("Accept".into(), "application/octet-stream".into())));
        let p = read.prepared();
        assert_eq!(p.documents.len(), 1);
        let d = &p.documents[0];
        assert_eq!((d.id, d.file.bytes.as_slice()), (7, PDF));
        assert_eq!(d.sha1sum, sha1(PDF), "sha1sum compared in lower case");
        assert_eq!(d.category, "Achats > Factures");
        assert_eq!(
            d.links,
            vec![
                (1, GlpiType::Computer, "CZC1".to_string()),
                (2, GlpiType::Ticket, "n\u{b0}3".to_string())
            ]
        );
        let counts = read.counts();
        let docs = counts
            .iter()
            .find(|c| c.itemtype == GlpiType::Document)
            .unwrap();
        assert_eq!(docs.read, 2);
        assert_eq!(
            docs.not_carried,
            [(SkipReason::OutsideRead, 1)].into_iter().collect()
        );
        // What is kept round-trips, the file with it.
        let json = serde_json::to_string(&read).unwrap();
        let back: SourceRead = serde_json::from_str(&json).unwrap();
        assert_eq!(back, read);
    }

    /// A closed ticket's document: uploaded (manifest and bytes), linked to the ticket and to
    /// the computer, and only then the ticket closed; its category created first.
    #[test]
    fn a_closed_tickets_document_is_linked_before_the_ticket_closes() {
        let (read, _) = downloaded();
        let plan = plan(&read, &TargetData::default());
        let requests = dry_run(&plan, &RunOptions::default()).requests;
        let position = |what: &dyn Fn(&ApiRequest) -> bool| {
            requests
                .iter()
                .position(what)
                .unwrap_or_else(|| panic!("missing in {requests:#?}"))
        };
        let category = position(&|r| r.path == "/DocumentCategory");
        let upload = position(&|r| r.path == "/Document" && r.upload.is_some());
        let link = |itemtype: &'static str| {
            move |r: &ApiRequest| {
                r.path == "/Document_Item"
                    && r.body.as_ref().is_some_and(|b| {
                        b["input"]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|i| i["itemtype"] == itemtype))
                    })
            }
        };
        let on_ticket = position(&link("Ticket"));
        let on_computer = position(&link("Computer"));
        let closed = position(&|r| {
            r.path == "/Ticket"
                && r.method == Method::Put
                && r.body
                    .as_ref()
                    .is_some_and(|b| b["input"][0]["status"] == 6)
        });
        assert!(category < upload, "{requests:#?}");
        assert!(upload < on_ticket && upload < on_computer);
        assert!(
            on_ticket < closed,
            "GLPI adds no document to a closed ticket"
        );
        let up = requests[upload].upload.as_ref().unwrap();
        assert_eq!(up.bytes, PDF);
        assert_eq!(
            (up.filename.as_str(), up.mime.as_str()),
            ("facture.pdf", "application/pdf")
        );
        let input = &up.manifest["input"];
        assert_eq!(input["name"], "Facture PC-20");
        assert_eq!(input["comment"], "achat");
        assert_eq!(input["_filename"], json!(["facture.pdf"]));
        assert!(input.get("sha1sum").is_none() && input.get("filename").is_none());
        let ticket_link = requests[on_ticket].body.as_ref().unwrap()["input"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["itemtype"] == "Ticket")
            .unwrap()
            .clone();
        assert_eq!(ticket_link["_do_update_ticket"], 0);
        assert_eq!(ticket_link["_disablenotif"], 1);
        for o in plan
            .objects
            .iter()
            .filter(|o| matches!(o.key.itemtype, GlpiType::Document | GlpiType::DocumentItem))
        {
            for field in o.fields.keys() {
                assert!(o.key.itemtype.keeps(field), "{}: {field}", o.key.itemtype);
            }
            assert!(
                o.sources[0].file.starts_with(super::super::TABLE_PREFIX),
                "the local GLPI's id is the ledger"
            );
        }
    }

    /// A file whose bytes are not the ones the source's sha1sum names is never sent, and
    /// neither are its links: the journal says why, located on the document.
    #[test]
    fn a_file_that_is_not_the_one_stored_is_not_sent() {
        let (mut read, _) = downloaded();
        read.files.get_mut(&7).unwrap().bytes.push(b'!');
        let plan = plan(&read, &TargetData::default());
        let dry = dry_run(&plan, &RunOptions::default());
        assert!(
            !dry.requests
                .iter()
                .any(|r| r.upload.is_some() || r.path == "/Document_Item"),
            "{:#?}",
            dry.requests
        );
        let record = dry
            .journal
            .records()
            .into_iter()
            .find(|r| r.object.itemtype == GlpiType::Document)
            .unwrap();
        assert_eq!(record.outcome, Outcome::Failed);
        assert_eq!(record.sources[0].line, 7);
        let RecordReason::Failed { failure } = &record.reason else {
            panic!("{:?}", record.reason)
        };
        let expected = sha1(PDF);
        assert!(
            matches!(failure, Failure::FileAltered { expected: e, found } if *e == expected && *found != expected),
            "{failure:?}"
        );
        assert_eq!(failure.code(), "migrate.document.sha1");
        assert!(failure
            .render(crate::diagnostic::Lang::Fr)
            .contains("document non envoy\u{e9}"));
    }

    /// A target that holds the same file under the same name, linked: nothing to create.
    #[test]
    fn a_document_already_on_the_target_is_matched_by_sha1sum_and_file_name() {
        let (read, _) = downloaded();
        let first = plan(&read, &TargetData::default());
        let mut target = TargetData::default();
        let item = |v: Value| v.as_object().unwrap().clone();
        target.items.insert(
            GlpiType::Document,
            vec![item(
                json!({"id": 40, "name": "Facture PC-20", "filename": "facture.pdf",
                "mime": "application/pdf", "sha1sum": sha1(PDF), "comment": "achat",
                "entities_id": 0, "documentcategories_id": 0}),
            )],
        );
        let plan = plan(&read, &target);
        let doc = plan
            .objects
            .iter()
            .find(|o| o.key.itemtype == GlpiType::Document)
            .unwrap();
        assert!(
            matches!(
                doc.decision,
                Decision::Skip { id: 40 } | Decision::Update { id: 40, .. }
            ),
            "{:?}",
            doc.decision
        );
        let creates = |p: &Plan, t: GlpiType| {
            p.counts()
                .into_iter()
                .find(|c| c.itemtype == t)
                .and_then(|c| c.counts.get(&DecisionKind::Create).copied())
                .unwrap_or(0)
        };
        assert_eq!(creates(&first, GlpiType::Document), 1);
        assert_eq!(creates(&plan, GlpiType::Document), 0);
    }
}
