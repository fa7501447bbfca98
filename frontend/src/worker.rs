//! Running the check off the main thread, in a Web Worker, so the page keeps answering clicks.
//!
//! The worker loads the same wasm module as the page (`worker.js`, started with the hashed file
//! names trunk wrote into `<meta name="passerelle-app">`): one download, one build, no second
//! entry point for trunk to manage, and nothing inline for the CSP to refuse. `main()` does not
//! start the app when there is no `window` (see `main.rs`); the worker calls
//! [`worker_handle`] for each request instead.
//!
//! Messages are plain JS objects: each file's bytes in parts of a few MB, transferred (not
//! copied) to the worker, which gathers them in wasm memory; then the request's description as
//! JSON text (no JSON of bytes). Replies are JSON text of [`Reply`] in an [`Envelope`] naming the
//! [`Channel`] it answers, one per progress step and one at the end.
//!
//! One worker serves the page: the checker and the migration each talk on their own channel.
//! The worker keeps the tables of the checker's last check (with the user's corrections, edited
//! mappings and templates, and the diagnostics); the migration asks it for the plan's
//! [`Draft`] of those files ([`DraftRequest`]), or of files picked in the migration section and
//! sent with the request. The page then only reads the target and plans: no file is read,
//! recognised, mapped or validated a second time, and never on the main thread. When no worker can be started (no meta tag, as in the wasm
//! unit tests, or a browser refusing module workers) the same [`run`] function runs on the main
//! thread instead: slower to show, but the same result.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use passerelle_engine::check::{
    check_owned_inputs_keeping_tables, CheckOptions, CheckReport, DirectoryContext, FileOverrides,
    OwnedCheckInput, Progress,
};
use passerelle_engine::diagnostic::Diagnostic;
use passerelle_engine::directory::{Importer, References};
use passerelle_engine::map::MappingTemplate;
use passerelle_engine::migrate::inputs::{unique_names, Prepared};
use passerelle_engine::migrate::plan::Draft;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One file of a request, without its bytes (they travel beside the JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileSpec {
    /// File name.
    pub name: String,
    /// What the user changed for it.
    pub overrides: FileOverrides,
}

/// What the page asks the worker to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Number of the request: replies carry it, so the page drops answers to older requests.
    pub id: u32,
    /// The files, in order; their bytes are the `files` array of the message, same order.
    pub files: Vec<FileSpec>,
    /// Saved mapping templates, applied when a file's header matches one.
    pub templates: Vec<MappingTemplate>,
    /// The importer's level-1 service, for HR directory files (with the reference exports).
    pub service: Option<String>,
}

/// Which part of the page a message comes from and its replies go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The file check.
    Check,
    /// The migration.
    Migrate,
    /// The check's downloads (a file's rejected rows).
    Export,
}

// Externally tagged (serde's default, `{"checked": {…}}`), not internally: an internally tagged
// enum is deserialised through serde's `Content` buffer, which instantiates every type under it
// (the whole check report and plan draft) a second time in the wasm (issue 14's size budget).
// These messages live only between the page and its worker, built together: no old format.
/// Which files a plan's draft is made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DraftSource {
    /// The files the last check on channel `of` holds. `files` and `templates` are what the
    /// page believes was checked: when the check changed since, the worker refuses rather than
    /// plan other files than those shown.
    Checked {
        /// The channel whose check is used.
        of: Channel,
        /// The files as the page last sent them to that check.
        files: Vec<FileSpec>,
        /// The templates sent with them.
        templates: Vec<MappingTemplate>,
    },
    /// Files sent with the request (their bytes beside it), checked then drafted; not kept.
    Files {
        /// The files, in order.
        files: Vec<FileSpec>,
        /// Saved mapping templates.
        templates: Vec<MappingTemplate>,
    },
}

/// What the page asks the worker to draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftRequest {
    /// Number of the request, carried by the reply.
    pub id: u32,
    /// The files.
    pub source: DraftSource,
}

/// What the page asks for a file's rejected rows: the file read again in the worker (with the
/// user's corrections), off the main thread, and its rows with an error in the last check on
/// channel `of`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedRequest {
    /// Number of the request, carried by the reply.
    pub id: u32,
    /// The check whose problems say which rows are rejected.
    pub of: Channel,
    /// The file as the page sent it to that check (its bytes beside the request).
    pub file: FileSpec,
    /// Its name as checked (two files of one name are told apart by position).
    pub checked_as: String,
    /// The language of the file's last column (why each row is rejected).
    pub lang: passerelle_engine::diagnostic::Lang,
}

/// The four reference exports the HR directory rules need, as dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefBytes {
    /// Profiles (`profils.tsv`).
    pub profils: Vec<u8>,
    /// Privileges (`privileges.tsv`).
    pub privileges: Vec<u8>,
    /// Services (`services.tsv`).
    pub services: Vec<u8>,
    /// The existing directory (`annuaire-export.tsv`).
    pub existing: Vec<u8>,
}

/// A draft, or why there is none.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Drafted {
    /// The objects of every file, ready to be planned against the target.
    Ready {
        /// The draft.
        draft: Box<Draft>,
    },
    /// Files that cannot be read or migrated: nothing is planned (their rows would be lost).
    Stopped {
        /// One problem per such file.
        problems: Vec<Diagnostic>,
    },
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reply {
    /// How far the check has gone.
    Progress {
        /// The request.
        id: u32,
        /// Where it is.
        progress: Progress,
    },
    /// The check finished.
    Done {
        /// The request.
        id: u32,
        /// Its result.
        report: CheckReport,
        /// The whole cells of problems whose value is one value of a cell holding several
        /// (`A<br>B`): a correction of that value keeps the others.
        #[serde(default)]
        cells: Vec<WholeCell>,
    },
    /// A plan's draft, answering a [`DraftRequest`].
    Draft {
        /// The request.
        id: u32,
        /// The draft or what stops it.
        drafted: Drafted,
    },
    /// A file's rejected rows, answering a [`RejectedRequest`].
    Rejected {
        /// The request.
        id: u32,
        /// The file's name, as dropped.
        file: String,
        /// The rows, as CSV text, with their reasons.
        csv: String,
    },
    /// The check could not run.
    Failed {
        /// The request (0 when the message itself was unreadable).
        id: u32,
        /// Why, in French.
        message_fr: String,
        /// Why, in English.
        message_en: String,
    },
}

impl Reply {
    fn failed(id: u32, fr: impl Into<String>, en: impl Into<String>) -> Reply {
        Reply::Failed {
            id,
            message_fr: fr.into(),
            message_en: en.into(),
        }
    }
}

/// A cell of a checked file, whole, where a problem names one of its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WholeCell {
    /// File name (as checked).
    pub file: String,
    /// Physical line where the record starts.
    pub line: u64,
    /// 0-based column.
    pub column: usize,
    /// The cell's text.
    pub text: String,
}

/// The whole cells of the problems whose value is not their whole cell.
fn whole_cells(checked: &passerelle_engine::check::Checked) -> Vec<WholeCell> {
    let tables: HashMap<&str, &passerelle_engine::read::Table> = checked
        .report
        .files
        .iter()
        .zip(&checked.tables)
        .filter_map(|(f, t)| t.as_ref().map(|t| (f.summary.file.as_str(), t)))
        .collect();
    let mut out = Vec::new();
    for d in &checked.report.diagnostics {
        let (Some(column), Some(value)) = (&d.column, &d.value) else {
            continue;
        };
        let Some(table) = tables.get(d.file.as_str()).filter(|_| d.line > 1) else {
            continue;
        };
        let Ok(index) = table.records.binary_search_by_key(&d.line, |r| r.line) else {
            continue;
        };
        let column = column.index.saturating_sub(1);
        if let Some(text) = table.cells(index).and_then(|c| c.get(column)) {
            if text != value {
                out.push(WholeCell {
                    file: d.file.clone(),
                    line: d.line,
                    column,
                    text: text.to_string(),
                });
            }
        }
    }
    out
}

/// A reply and the channel it answers, as the worker posts it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    /// Where the reply goes.
    pub channel: Channel,
    /// The reply.
    pub reply: Reply,
}

/// What a message to the worker asks.
#[derive(Clone, Debug)]
pub enum Job {
    /// A check, with its files and reference exports.
    Check(Request, Vec<Vec<u8>>, Option<RefBytes>),
    /// A draft, with the files of [`DraftSource::Files`].
    Draft(DraftRequest, Vec<Vec<u8>>),
    /// A file's rejected rows, with its bytes.
    Rejected(RejectedRequest, Vec<Vec<u8>>),
}

/// The last check of a channel, as the worker keeps it: the files as the page sent them, and
/// what the check read and found.
struct Kept {
    files: Vec<FileSpec>,
    templates: Vec<MappingTemplate>,
    prepared: Prepared,
}

thread_local! {
    /// The last check of each channel (in the worker; on the main thread when no worker runs).
    static KEPT: RefCell<HashMap<Channel, Kept>> = RefCell::new(HashMap::new());
    /// The problems the last check of each channel found, whatever its files.
    static FOUND: RefCell<HashMap<Channel, Vec<Diagnostic>>> = RefCell::new(HashMap::new());
}

/// Runs a job for `channel`, replying through `post`.
pub fn handle(channel: Channel, job: Job, post: &mut dyn FnMut(Reply)) {
    match job {
        Job::Check(request, files, refs) => {
            let templates = request.templates.clone();
            let specs = request.files.clone();
            let prepared = check(&request, files, refs.as_ref(), &mut |r: Reply| {
                if let Reply::Done { report, .. } = &r {
                    FOUND.with(|f| f.borrow_mut().insert(channel, report.diagnostics.clone()));
                }
                post(r)
            });
            KEPT.with(|k| {
                let mut kept = k.borrow_mut();
                match prepared {
                    Some(prepared) => kept.insert(
                        channel,
                        Kept {
                            files: specs,
                            templates,
                            prepared,
                        },
                    ),
                    None => kept.remove(&channel),
                }
            });
        }
        Job::Draft(request, files) => draft(request, files, post),
        Job::Rejected(request, files) => post(rejected(request, files)),
    }
}

/// A file's rejected rows: read again as checked (overrides and corrections applied), with the
/// problems the last check of the request's channel found in it.
fn rejected(request: RejectedRequest, files: Vec<Vec<u8>>) -> Reply {
    use passerelle_engine::check::{read_input, CheckInput};
    let id = request.id;
    let Some(bytes) = files.into_iter().next() else {
        return Reply::failed(
            id,
            "message du vérificateur incohérent (fichier manquant)",
            "inconsistent message to the checker (file missing)",
        );
    };
    let input = CheckInput {
        name: &request.checked_as,
        bytes: &bytes,
        overrides: &request.file.overrides,
    };
    let table = match read_input(&input, &Default::default(), &mut |_, _| {}) {
        Ok(table) => table,
        // Named and in each language, like the check's own message for an unreadable file.
        Err(e) => {
            use passerelle_engine::diagnostic::Lang;
            let file = &request.checked_as;
            return Reply::failed(
                id,
                format!("{file} : {}", e.render(Lang::Fr)),
                format!("{file}: {}", e.render(Lang::En)),
            );
        }
    };
    let csv = FOUND.with(|f| {
        let found = f.borrow();
        let problems = found.get(&request.of).map(Vec::as_slice).unwrap_or(&[]);
        passerelle_engine::export::rejected_rows(&table, problems, request.lang)
    });
    Reply::Rejected {
        id,
        file: request.file.name,
        csv: String::from_utf8(csv)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Runs a check request: the whole check, reporting progress through `post`, then the result.
pub fn run(
    request: &Request,
    files: Vec<Vec<u8>>,
    refs: Option<&RefBytes>,
    post: &mut dyn FnMut(Reply),
) {
    check(request, files, refs, post);
}

/// The check of a request; what it read and found, for a plan's draft (`None` when it could
/// not run).
fn check(
    request: &Request,
    files: Vec<Vec<u8>>,
    refs: Option<&RefBytes>,
    post: &mut dyn FnMut(Reply),
) -> Option<Prepared> {
    let id = request.id;
    if files.len() != request.files.len() {
        post(Reply::failed(
            id,
            "message du vérificateur incohérent (fichiers manquants)",
            "inconsistent message to the checker (files missing)",
        ));
        return None;
    }
    let directory = match (refs, request.service.as_deref().map(str::trim)) {
        (Some(r), Some(service)) if !service.is_empty() => {
            match References::from_exports(&r.profils, &r.privileges, &r.services, &r.existing) {
                Ok(references) => Some(DirectoryContext {
                    references,
                    importer: Importer {
                        serv_niv1: service.to_string(),
                    },
                }),
                Err(e) => {
                    post(Reply::failed(
                        id,
                        e.to_string(),
                        format!("unusable reference export: {e}"),
                    ));
                    return None;
                }
            }
        }
        _ => None,
    };
    let options = CheckOptions {
        templates: request.templates.clone(),
        directory,
        ..CheckOptions::default()
    };
    // Two files dropped with one name are told apart by position, as the migration does.
    let names = unique_names(request.files.iter().map(|f| f.name.as_str()));
    // The bytes are given to the check: a large export's text becomes its table, held once.
    let inputs: Vec<OwnedCheckInput> = request
        .files
        .iter()
        .zip(names)
        .zip(files)
        .map(|((spec, name), bytes)| OwnedCheckInput {
            name,
            bytes,
            overrides: spec.overrides.clone(),
        })
        .collect();
    let mut last: Option<(Progress, u64)> = None;
    let checked = check_owned_inputs_keeping_tables(inputs, &options, &mut |p| {
        // At most one message per percent and stage: the page only draws percents.
        let percent = p.done.saturating_mul(100) / p.total.max(1);
        if last.is_some_and(|(l, lp)| l.stage == p.stage && lp == percent) {
            return;
        }
        last = Some((p, percent));
        post(Reply::Progress { id, progress: p });
    });
    post(Reply::Done {
        id,
        report: checked.report.clone(),
        cells: whole_cells(&checked),
    });
    Some(Prepared::from_checked(checked))
}

/// The draft of the files a request names, or what stops it. `left_out` are files of the check
/// the page does not hand the migration (those the migration cannot take, skipped with a note
/// in the check): they stop nothing. `None` when one of them is a file the migration takes: the
/// page and the worker disagree on what was checked.
fn drafted(prepared: &Prepared, left_out: &[String]) -> Option<Drafted> {
    let taken = prepared
        .sources
        .iter()
        .map(|(t, _)| &t.file)
        .chain(prepared.companions.iter().map(|(t, _)| &t.file));
    if taken.into_iter().any(|f| left_out.contains(f)) {
        return None;
    }
    let problems: Vec<Diagnostic> = prepared
        .stopping_problems()
        .into_iter()
        .filter(|d| !left_out.contains(&d.file))
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Some(Drafted::Stopped { problems });
    }
    Some(Drafted::Ready {
        draft: Box::new(prepared.draft()),
    })
}

/// The names (as checked: made unique) of the kept files that `specs` leave out, when `specs`
/// are the kept files, in their order, with some left out; `None` when they are other files.
fn left_out(kept: &[FileSpec], specs: &[FileSpec]) -> Option<Vec<String>> {
    let names = unique_names(kept.iter().map(|f| f.name.as_str()));
    let mut wanted = specs.iter().peekable();
    let mut out = Vec::new();
    for (file, name) in kept.iter().zip(names) {
        if wanted.peek() == Some(&file) {
            wanted.next();
        } else {
            out.push(name);
        }
    }
    wanted.next().is_none().then_some(out)
}

fn draft(request: DraftRequest, files: Vec<Vec<u8>>, post: &mut dyn FnMut(Reply)) {
    let id = request.id;
    let reply = |drafted: Drafted| Reply::Draft { id, drafted };
    match request.source {
        DraftSource::Checked {
            of,
            files: specs,
            templates,
        } => {
            let result = KEPT.with(|k| {
                let kept = k.borrow();
                kept.get(&of)
                    .filter(|c| c.templates == templates)
                    .and_then(|c| drafted(&c.prepared, &left_out(&c.files, &specs)?))
            });
            post(match result {
                Some(d) => reply(d),
                None => Reply::failed(
                    id,
                    "les fichiers vérifiés ont changé depuis ou ne sont plus vérifiés : attendez la fin de la vérification puis reprenez-les",
                    "the checked files changed since or are no longer checked: wait for the check to end, then take them again",
                ),
            });
        }
        DraftSource::Files {
            files: specs,
            templates,
        } => {
            let check_request = Request {
                id,
                files: specs,
                templates,
                service: None,
            };
            // The check's own replies (progress, report) are not this request's answer.
            let mut progress = |r: Reply| {
                if let Reply::Progress { .. } | Reply::Failed { .. } = r {
                    post(r)
                }
            };
            if let Some(drafted) =
                check(&check_request, files, None, &mut progress).and_then(|p| drafted(&p, &[]))
            {
                post(reply(drafted));
            }
        }
    }
}

// ----- worker side -----

fn field(obj: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn byte_arrays(value: &JsValue) -> Vec<Vec<u8>> {
    if !value.is_object() {
        return Vec::new();
    }
    js_sys::Array::from(value)
        .iter()
        .map(|v| js_sys::Uint8Array::new(&v).to_vec())
        .collect()
}

/// How much of a file goes in one message: the page never makes a JavaScript copy of a whole
/// large file, and each part is transferred to the worker, not copied again.
const PART: usize = 4 << 20;

/// The messages the page posts for one check request on the checker's channel: each file in
/// parts (`{part: id, file, size, data, channel}`, `data` transferred), then the request with
/// the reference exports (`{request, refs, channel}`).
pub fn to_messages(
    request: &Request,
    files: &[Rc<Vec<u8>>],
    refs: Option<&RefBytes>,
) -> Vec<(JsValue, js_sys::Array)> {
    job_messages(
        Channel::Check,
        request.id,
        (
            "request",
            serde_json::to_string(request).unwrap_or_default(),
        ),
        files,
        refs,
    )
}

/// The messages of a rejected rows request (`{rejected, channel}` after the file's parts).
pub fn rejected_messages(
    channel: Channel,
    request: &RejectedRequest,
    file: &Rc<Vec<u8>>,
) -> Vec<(JsValue, js_sys::Array)> {
    job_messages(
        channel,
        request.id,
        (
            "rejected",
            serde_json::to_string(request).unwrap_or_default(),
        ),
        std::slice::from_ref(file),
        None,
    )
}

/// The messages of a draft request (`{draft, channel}` after the files' parts).
pub fn draft_messages(
    channel: Channel,
    request: &DraftRequest,
    files: &[Rc<Vec<u8>>],
) -> Vec<(JsValue, js_sys::Array)> {
    job_messages(
        channel,
        request.id,
        ("draft", serde_json::to_string(request).unwrap_or_default()),
        files,
        None,
    )
}

fn set(msg: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(msg, &key.into(), value);
}

fn channel_value(channel: Channel) -> JsValue {
    JsValue::from_str(match channel {
        Channel::Check => "check",
        Channel::Migrate => "migrate",
        Channel::Export => "export",
    })
}

fn job_messages(
    channel: Channel,
    id: u32,
    (key, json): (&str, String),
    files: &[Rc<Vec<u8>>],
    refs: Option<&RefBytes>,
) -> Vec<(JsValue, js_sys::Array)> {
    let mut messages = Vec::new();
    for (index, bytes) in files.iter().enumerate() {
        // An empty file still sends one (empty) part, so that the worker knows it.
        let parts: Vec<&[u8]> = if bytes.is_empty() {
            vec![&[]]
        } else {
            bytes.chunks(PART).collect()
        };
        for part in parts {
            let msg = js_sys::Object::new();
            let data = js_sys::Uint8Array::from(part);
            set(&msg, "part", &JsValue::from(id));
            set(&msg, "channel", &channel_value(channel));
            set(&msg, "file", &JsValue::from(index as u32));
            set(&msg, "size", &JsValue::from(bytes.len() as f64));
            set(&msg, "data", &data);
            let transfer = js_sys::Array::of1(&data.buffer());
            messages.push((msg.into(), transfer));
        }
    }
    let msg = js_sys::Object::new();
    set(&msg, key, &JsValue::from_str(&json));
    set(&msg, "channel", &channel_value(channel));
    if let Some(r) = refs {
        let refs_arr = js_sys::Array::new();
        for b in [&r.profils, &r.privileges, &r.services, &r.existing] {
            refs_arr.push(&js_sys::Uint8Array::from(b.as_slice()));
        }
        set(&msg, "refs", &refs_arr);
    }
    messages.push((msg.into(), js_sys::Array::new()));
    messages
}

/// The request (channel, number) parts are received for, and its files as they arrive.
type Received = ((Channel, u32), Vec<Vec<u8>>);

thread_local! {
    /// The request the parts received belong to, and its files as they arrive (worker side).
    static RECEIVED: RefCell<Received> =
        const { RefCell::new(((Channel::Check, 0), Vec::new())) };
}

fn channel_of(data: &JsValue) -> Channel {
    match field(data, "channel").as_string().as_deref() {
        Some("migrate") => Channel::Migrate,
        Some("export") => Channel::Export,
        _ => Channel::Check,
    }
}

/// Takes one message posted by [`to_messages`] or [`draft_messages`]: a file part is kept
/// (copied straight into wasm memory, the part's JavaScript buffer left to be freed); the
/// request comes back as a [`Job`] with every file received for it.
pub fn receive(data: &JsValue) -> Result<Option<(Channel, Job)>, String> {
    let channel = channel_of(data);
    if let Some(id) = field(data, "part").as_f64() {
        let index = field(data, "file").as_f64().unwrap_or(0.0) as usize;
        let size = field(data, "size").as_f64().unwrap_or(0.0) as usize;
        let part = js_sys::Uint8Array::new(&field(data, "data"));
        RECEIVED.with(|received| {
            let (current, received) = &mut *received.borrow_mut();
            // Parts of an earlier request that never came (the page fell back) are dropped.
            if *current != (channel, id as u32) {
                *current = (channel, id as u32);
                received.clear();
            }
            if received.len() <= index {
                received.resize_with(index + 1, Vec::new);
            }
            let file = &mut received[index];
            if file.capacity() == 0 {
                file.reserve_exact(size);
            }
            let start = file.len();
            file.resize(start + part.length() as usize, 0);
            part.copy_to(&mut file[start..]);
        });
        return Ok(None);
    }
    let files_of = |id: u32| {
        RECEIVED.with(|received| {
            let (current, received) = &mut *received.borrow_mut();
            let files = std::mem::take(received);
            if *current == (channel, id) {
                files
            } else {
                Vec::new()
            }
        })
    };
    if let Some(json) = field(data, "rejected").as_string() {
        let request: RejectedRequest = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        let files = files_of(request.id);
        return Ok(Some((channel, Job::Rejected(request, files))));
    }
    if let Some(json) = field(data, "draft").as_string() {
        let request: DraftRequest = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        let files = files_of(request.id);
        return Ok(Some((channel, Job::Draft(request, files))));
    }
    let json = field(data, "request")
        .as_string()
        .ok_or_else(|| "no request".to_string())?;
    let request: Request = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let files = files_of(request.id);
    let refs = byte_arrays(&field(data, "refs"));
    let refs = match <[Vec<u8>; 4]>::try_from(refs) {
        Ok([profils, privileges, services, existing]) => Some(RefBytes {
            profils,
            privileges,
            services,
            existing,
        }),
        Err(_) => None,
    };
    Ok(Some((channel, Job::Check(request, files, refs))))
}

/// Worker entry point, called by `worker.js` with each message's data.
#[wasm_bindgen]
pub fn worker_handle(data: JsValue) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let channel = channel_of(&data);
    let mut post = |reply: Reply| {
        let text = serde_json::to_string(&Envelope { channel, reply }).unwrap_or_default();
        let _ = scope.post_message(&JsValue::from_str(&text));
    };
    match receive(&data) {
        Ok(None) => {}
        Ok(Some((channel, job))) => handle(channel, job, &mut post),
        Err(e) => post(Reply::failed(
            0,
            format!("message illisible pour le vérificateur : {e}"),
            format!("unreadable message for the checker: {e}"),
        )),
    }
}

// ----- page side -----

/// A message of the worker: a reply for one channel, or a bare reply for every part of the page
/// (`worker.js` says so when the wasm does not start, before any channel is known).
pub fn decode_answer(text: Option<&str>) -> (Option<Channel>, Reply) {
    let Some(text) = text else {
        return (None, unreadable_answer());
    };
    if let Ok(Envelope { channel, reply }) = serde_json::from_str::<Envelope>(text) {
        return (Some(channel), reply);
    }
    match serde_json::from_str::<Reply>(text) {
        Ok(reply) => (None, reply),
        Err(_) => (None, unreadable_answer()),
    }
}

fn unreadable_answer() -> Reply {
    Reply::failed(
        0,
        "réponse illisible du vérificateur",
        "unreadable answer from the checker",
    )
}

type Callback = Box<dyn FnMut(Reply)>;
type Listeners = Rc<RefCell<HashMap<Channel, Rc<RefCell<Callback>>>>>;

/// The page's one worker, shared by the checker and the migration; replies go to the listener
/// of their channel.
struct Hub {
    worker: Option<web_sys::Worker>,
    listeners: Listeners,
    _onmessage: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    _onerror: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static HUB: RefCell<Option<Rc<Hub>>> = const { RefCell::new(None) };
}

fn deliver(listeners: &Listeners, channel: Option<Channel>, reply: Reply) {
    let targets: Vec<Rc<RefCell<Callback>>> = listeners
        .borrow()
        .iter()
        .filter(|(c, _)| channel.is_none_or(|ch| ch == **c))
        .map(|(_, cb)| cb.clone())
        .collect();
    for cb in targets {
        if let Ok(mut f) = cb.try_borrow_mut() {
            f(reply.clone());
        }
    }
}

impl Hub {
    fn get() -> Rc<Hub> {
        HUB.with(|h| {
            h.borrow_mut()
                .get_or_insert_with(|| Rc::new(Hub::start()))
                .clone()
        })
    }

    fn start() -> Hub {
        let listeners: Listeners = Rc::default();
        let Some(worker) = start_worker() else {
            return Hub {
                worker: None,
                listeners,
                _onmessage: None,
                _onerror: None,
            };
        };
        let to = listeners.clone();
        let onmessage =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let (channel, reply) = decode_answer(e.data().as_string().as_deref());
                deliver(&to, channel, reply)
            });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let to = listeners.clone();
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let detail = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_default();
            deliver(
                &to,
                None,
                Reply::failed(
                    0,
                    format!("le vérificateur (Web Worker) s'est arrêté : {detail}"),
                    format!("the checker (Web Worker) stopped: {detail}"),
                ),
            );
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Hub {
            worker: Some(worker),
            listeners,
            _onmessage: Some(onmessage),
            _onerror: Some(onerror),
        }
    }

    /// Posts a job's messages; without a worker (or when posting fails), runs it on the main
    /// thread after the current render, progress left out.
    fn post(&self, messages: Vec<(JsValue, js_sys::Array)>, channel: Channel, job: Job) {
        if let Some(w) = &self.worker {
            if messages
                .into_iter()
                .all(|(msg, transfer)| w.post_message_with_transfer(&msg, &transfer).is_ok())
            {
                return;
            }
        }
        let listeners = self.listeners.clone();
        yew::platform::spawn_local(async move {
            let mut replies = Vec::new();
            handle(channel, job, &mut |r| replies.push(r));
            for r in replies
                .into_iter()
                .filter(|r| !matches!(r, Reply::Progress { .. }))
            {
                deliver(&listeners, Some(channel), r);
            }
        });
    }
}

/// One part of the page's link to the worker (its channel): starts checks and drafts there, or
/// on the main thread when no worker can be started.
pub struct Runner {
    hub: Rc<Hub>,
    channel: Channel,
    on_reply: Rc<RefCell<Callback>>,
}

impl Runner {
    /// The checker's runner, handing every reply to `on_reply`.
    pub fn new(on_reply: impl FnMut(Reply) + 'static) -> Runner {
        Runner::on(Channel::Check, on_reply)
    }

    /// A runner on `channel`, handing its replies to `on_reply` (replacing an earlier one).
    pub fn on(channel: Channel, on_reply: impl FnMut(Reply) + 'static) -> Runner {
        let hub = Hub::get();
        let on_reply: Rc<RefCell<Callback>> = Rc::new(RefCell::new(Box::new(on_reply)));
        hub.listeners.borrow_mut().insert(channel, on_reply.clone());
        Runner {
            hub,
            channel,
            on_reply,
        }
    }

    /// Whether checks run in a Web Worker.
    pub fn in_worker(&self) -> bool {
        self.hub.worker.is_some()
    }

    /// Starts a check; replies come to the callback given to [`Runner::new`].
    pub fn send(&self, request: Request, files: Vec<Rc<Vec<u8>>>, refs: Option<RefBytes>) {
        let messages = match self.hub.worker {
            Some(_) => job_messages(
                self.channel,
                request.id,
                (
                    "request",
                    serde_json::to_string(&request).unwrap_or_default(),
                ),
                &files,
                refs.as_ref(),
            ),
            None => Vec::new(),
        };
        let bytes = self.bytes_for_fallback(&files);
        self.hub
            .post(messages, self.channel, Job::Check(request, bytes, refs));
    }

    /// Asks for a file's rejected rows; the reply ([`Reply::Rejected`] or [`Reply::Failed`])
    /// comes to this runner's callback.
    pub fn rejected(&self, request: RejectedRequest, file: Rc<Vec<u8>>) {
        let messages = match self.hub.worker {
            Some(_) => rejected_messages(self.channel, &request, &file),
            None => Vec::new(),
        };
        let bytes = self.bytes_for_fallback(std::slice::from_ref(&file));
        self.hub
            .post(messages, self.channel, Job::Rejected(request, bytes));
    }

    /// Asks for a plan's draft; the reply ([`Reply::Draft`] or [`Reply::Failed`]) comes to
    /// this runner's callback.
    pub fn draft(&self, request: DraftRequest, files: Vec<Rc<Vec<u8>>>) {
        let messages = match self.hub.worker {
            Some(_) => draft_messages(self.channel, &request, &files),
            None => Vec::new(),
        };
        let bytes = self.bytes_for_fallback(&files);
        self.hub
            .post(messages, self.channel, Job::Draft(request, bytes));
    }

    /// The files' bytes for a run on the main thread (none when a worker takes them).
    fn bytes_for_fallback(&self, files: &[Rc<Vec<u8>>]) -> Vec<Vec<u8>> {
        match self.hub.worker {
            Some(_) => Vec::new(),
            None => files.iter().map(|f| f.as_ref().clone()).collect(),
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let mut listeners = self.hub.listeners.borrow_mut();
        if listeners
            .get(&self.channel)
            .is_some_and(|cb| Rc::ptr_eq(cb, &self.on_reply))
        {
            listeners.remove(&self.channel);
        }
    }
}

/// `worker-HASH.js?js=…&wasm=…`, from the names trunk (the page's module and wasm) and
/// scripts/build-page.sh (the worker, hashed after trunk: `data-worker`) wrote into
/// `<meta name="passerelle-app">`; `worker.js` when the page was built by trunk alone.
fn start_worker() -> Option<web_sys::Worker> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector("meta[name=\"passerelle-app\"]")
        .ok()??;
    let js = meta.get_attribute("data-js")?;
    let wasm = meta.get_attribute("data-wasm")?;
    let params = web_sys::UrlSearchParams::new().ok()?;
    params.append("js", &js);
    params.append("wasm", &wasm);
    let worker = meta
        .get_attribute("data-worker")
        .unwrap_or_else(|| "worker.js".into());
    let url = format!("{worker}?{}", String::from(params.to_string()));
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    web_sys::Worker::new_with_options(&url, &options).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPUTERS: &str = "Nom;Numéro de série\nPC-1;SN1\nPC-2;SN2\n";

    /// `worker.js`'s own failure (the wasm does not start) reaches every part of the page with
    /// its reason in both languages, not as an unreadable answer.
    #[test]
    fn the_worker_script_s_failure_is_read_with_its_reason() {
        let script = include_str!("../worker.js");
        assert!(script.contains("failed: {") && !script.contains("kind: 'failed'"));
        let posted = r#"{"failed":{"id":0,"message_fr":"le vérificateur ne démarre pas : TypeError: x","message_en":"the checker does not start: TypeError: x"}}"#;
        match decode_answer(Some(posted)) {
            (
                None,
                Reply::Failed {
                    id: 0,
                    message_fr,
                    message_en,
                },
            ) => {
                assert_eq!(message_fr, "le vérificateur ne démarre pas : TypeError: x");
                assert_eq!(message_en, "the checker does not start: TypeError: x");
            }
            other => panic!("{other:?}"),
        }
        let enveloped = serde_json::to_string(&Envelope {
            channel: Channel::Migrate,
            reply: Reply::failed(3, "a", "b"),
        })
        .unwrap();
        assert!(matches!(
            decode_answer(Some(&enveloped)),
            (Some(Channel::Migrate), Reply::Failed { id: 3, .. })
        ));
        match decode_answer(Some("{\"kind\":\"failed\"}")) {
            (None, Reply::Failed { message_en, .. }) => {
                assert_eq!(message_en, "unreadable answer from the checker")
            }
            other => panic!("{other:?}"),
        }
    }
    const MORE: &str = "Nom;Numéro de série\nPC-3;SN3\n";

    fn spec(name: &str) -> FileSpec {
        FileSpec {
            name: name.into(),
            overrides: FileOverrides::default(),
        }
    }

    fn replies(channel: Channel, job: Job) -> Vec<Reply> {
        let mut out = Vec::new();
        handle(channel, job, &mut |r| out.push(r));
        out
    }

    fn drafted(replies: &[Reply]) -> &Drafted {
        match replies.last() {
            Some(Reply::Draft { drafted, .. }) => drafted,
            other => panic!("a draft, not {other:?}"),
        }
    }

    #[test]
    fn the_draft_of_checked_files_comes_from_the_check_without_reading_them_again() {
        let files = vec![spec("Computer.csv"), spec("Computer.csv")];
        let request = Request {
            id: 7,
            files: files.clone(),
            templates: Vec::new(),
            service: None,
        };
        let bytes = vec![COMPUTERS.as_bytes().to_vec(), MORE.as_bytes().to_vec()];
        let done = replies(Channel::Check, Job::Check(request, bytes, None));
        // Two files with one name are checked apart, by position.
        let Some(Reply::Done { id: 7, report, .. }) = done.last() else {
            panic!("{done:?}")
        };
        let names: Vec<&str> = report
            .files
            .iter()
            .map(|f| f.summary.file.as_str())
            .collect();
        assert_eq!(names, ["Computer.csv", "Computer.csv (2)"]);

        let read = passerelle_engine::check::bytes_read();
        let ask = |files: Vec<FileSpec>| {
            Job::Draft(
                DraftRequest {
                    id: 8,
                    source: DraftSource::Checked {
                        of: Channel::Check,
                        files,
                        templates: Vec::new(),
                    },
                },
                Vec::new(),
            )
        };
        let answer = replies(Channel::Migrate, ask(files.clone()));
        let Drafted::Ready { draft } = drafted(&answer) else {
            panic!("{answer:?}")
        };
        assert_eq!(
            passerelle_engine::check::bytes_read(),
            read,
            "no second read"
        );
        let plan = draft.plan(&Default::default(), &Default::default());
        let mut sources: Vec<String> = plan
            .objects
            .iter()
            .map(|o| format!("{} {}", o.sources[0].file, o.key.key))
            .collect();
        sources.sort();
        assert_eq!(
            sources,
            [
                "Computer.csv (2) serial:SN3",
                "Computer.csv serial:SN1",
                "Computer.csv serial:SN2"
            ]
        );
        // The page believes other files were checked (the check changed since): refused.
        let answer = replies(Channel::Migrate, ask(vec![spec("Computer.csv")]));
        assert!(matches!(answer.as_slice(), [Reply::Failed { id: 8, .. }]));
        // Nothing checked on the migration's channel.
        let answer = replies(
            Channel::Migrate,
            Job::Draft(
                DraftRequest {
                    id: 9,
                    source: DraftSource::Checked {
                        of: Channel::Migrate,
                        files,
                        templates: Vec::new(),
                    },
                },
                Vec::new(),
            ),
        );
        assert!(matches!(answer.as_slice(), [Reply::Failed { id: 9, .. }]));
    }

    #[test]
    fn checked_files_the_migration_cannot_take_are_left_out_and_stop_nothing() {
        let files = vec![spec("Computer.csv"), spec("notes.csv"), spec("photo.csv")];
        let request = Request {
            id: 4,
            files: files.clone(),
            templates: Vec::new(),
            service: None,
        };
        let bytes = vec![
            COMPUTERS.as_bytes().to_vec(),
            b"a;b\n1;2\n".to_vec(),
            vec![0u8, 159, 146, 150, 0, 0, 1, 2, 3],
        ];
        replies(Channel::Check, Job::Check(request, bytes, None));
        let ask = |files: Vec<FileSpec>| {
            Job::Draft(
                DraftRequest {
                    id: 5,
                    source: DraftSource::Checked {
                        of: Channel::Check,
                        files,
                        templates: Vec::new(),
                    },
                },
                Vec::new(),
            )
        };
        // Handed everything, the plan stops on the two files it cannot take.
        let answer = replies(Channel::Migrate, ask(files.clone()));
        let Drafted::Stopped { problems } = drafted(&answer) else {
            panic!("{answer:?}")
        };
        let mut stopped: Vec<&str> = problems.iter().map(|d| d.file.as_str()).collect();
        stopped.sort();
        assert_eq!(stopped, ["notes.csv", "photo.csv"]);
        // Handed the file it takes (the others skipped by the check): the plan is made of it.
        let answer = replies(Channel::Migrate, ask(vec![spec("Computer.csv")]));
        let Drafted::Ready { draft } = drafted(&answer) else {
            panic!("{answer:?}")
        };
        let plan = draft.plan(&Default::default(), &Default::default());
        assert_eq!(plan.objects.len(), 2);
        // Leaving out a file the migration takes is not what was checked: refused.
        let answer = replies(Channel::Migrate, ask(vec![spec("notes.csv")]));
        assert!(matches!(answer.as_slice(), [Reply::Failed { id: 5, .. }]));
        // Files in another order are other files: refused.
        let answer = replies(
            Channel::Migrate,
            ask(vec![spec("notes.csv"), spec("Computer.csv")]),
        );
        assert!(matches!(answer.as_slice(), [Reply::Failed { id: 5, .. }]));
    }

    /// A file's rejected rows come from the worker: the file read again with the user's
    /// overrides, its rows with an error from the channel's last check, each with its reason.
    #[test]
    fn rejected_rows_are_read_again_in_the_worker_with_the_last_check_s_problems() {
        let file = "Nom;Numéro de série;Date d'achat\nPC-1;SN1;2020-01-01\nPC-2;SN2;pas une date\n";
        let request = Request {
            id: 3,
            files: vec![spec("Computer.csv")],
            templates: Vec::new(),
            service: None,
        };
        let done = replies(
            Channel::Check,
            Job::Check(request, vec![file.as_bytes().to_vec()], None),
        );
        let Some(Reply::Done { report, .. }) = done.last() else {
            panic!("{done:?}")
        };
        let errors: Vec<u64> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == passerelle_engine::diagnostic::Severity::Error)
            .map(|d| d.line)
            .collect();
        assert_eq!(errors, [3], "{:?}", report.diagnostics);
        let ask = |id, lang| {
            Job::Rejected(
                RejectedRequest {
                    id,
                    of: Channel::Check,
                    file: spec("Computer.csv"),
                    checked_as: "Computer.csv".into(),
                    lang,
                },
                vec![file.as_bytes().to_vec()],
            )
        };
        let answer = replies(
            Channel::Export,
            ask(4, passerelle_engine::diagnostic::Lang::Fr),
        );
        let [Reply::Rejected { id: 4, file, csv }] = answer.as_slice() else {
            panic!("{answer:?}")
        };
        assert_eq!(file, "Computer.csv");
        assert!(
            csv.contains("PC-2") && csv.contains("pas une date"),
            "{csv}"
        );
        assert!(!csv.contains("PC-1"), "{csv}");
        // No file sent with the request: refused, not a crash.
        let answer = replies(
            Channel::Export,
            Job::Rejected(
                RejectedRequest {
                    id: 5,
                    of: Channel::Check,
                    file: spec("Computer.csv"),
                    checked_as: "Computer.csv".into(),
                    lang: passerelle_engine::diagnostic::Lang::En,
                },
                Vec::new(),
            ),
        );
        assert!(matches!(answer.as_slice(), [Reply::Failed { id: 5, .. }]));
        // A file that cannot be read (here, empty): why, named, in both languages.
        let answer = replies(
            Channel::Export,
            Job::Rejected(
                RejectedRequest {
                    id: 6,
                    of: Channel::Check,
                    file: spec("Computer.csv"),
                    checked_as: "Computer.csv".into(),
                    lang: passerelle_engine::diagnostic::Lang::Fr,
                },
                vec![Vec::new()],
            ),
        );
        let [Reply::Failed {
            id: 6,
            message_fr,
            message_en,
        }] = answer.as_slice()
        else {
            panic!("{answer:?}")
        };
        assert!(message_fr.starts_with("Computer.csv : "), "{message_fr}");
        assert!(message_en.starts_with("Computer.csv: "), "{message_en}");
        assert_ne!(message_fr, message_en);
    }

    #[test]
    fn picked_files_are_checked_then_drafted_and_unreadable_ones_stop_it() {
        let job = |files: Vec<(&str, Vec<u8>)>| {
            Job::Draft(
                DraftRequest {
                    id: 3,
                    source: DraftSource::Files {
                        files: files.iter().map(|(n, _)| spec(n)).collect(),
                        templates: Vec::new(),
                    },
                },
                files.into_iter().map(|(_, b)| b).collect(),
            )
        };
        let answer = replies(
            Channel::Migrate,
            job(vec![("Computer.csv", COMPUTERS.as_bytes().to_vec())]),
        );
        // The check's report is not the answer: progress, then the draft.
        assert!(answer.iter().all(|r| !matches!(r, Reply::Done { .. })));
        let Drafted::Ready { draft } = drafted(&answer) else {
            panic!("{answer:?}")
        };
        let json = serde_json::to_string(&Envelope {
            channel: Channel::Migrate,
            reply: answer.last().unwrap().clone(),
        })
        .unwrap();
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.channel, Channel::Migrate);
        assert_eq!(
            draft
                .plan(&Default::default(), &Default::default())
                .objects
                .len(),
            2
        );
        let answer = replies(
            Channel::Migrate,
            job(vec![
                ("Computer.csv", COMPUTERS.as_bytes().to_vec()),
                ("photo.csv", vec![0, 159, 146, 150, 0, 0, 1, 2, 3]),
            ]),
        );
        let Drafted::Stopped { problems } = drafted(&answer) else {
            panic!("{answer:?}")
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].file, "photo.csv");
    }
}
