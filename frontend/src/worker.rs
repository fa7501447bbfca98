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
//! JSON text (no JSON of bytes). Replies are JSON text of [`Reply`], one per
//! progress step and one at the end. When no worker can be started (no meta tag, as in the wasm
//! unit tests, or a browser refusing module workers) the same [`run`] function runs on the main
//! thread instead: slower to show, but the same result.

use std::cell::RefCell;
use std::rc::Rc;

use passerelle_engine::check::{
    check_owned_inputs, CheckOptions, CheckReport, DirectoryContext, FileOverrides,
    OwnedCheckInput, Progress,
};
use passerelle_engine::directory::{Importer, References};
use passerelle_engine::map::MappingTemplate;
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

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
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

/// Runs a request: the whole check, reporting progress through `post`, then the result.
pub fn run(
    request: &Request,
    files: Vec<Vec<u8>>,
    refs: Option<&RefBytes>,
    post: &mut dyn FnMut(Reply),
) {
    let id = request.id;
    if files.len() != request.files.len() {
        post(Reply::failed(
            id,
            "message du vérificateur incohérent (fichiers manquants)",
            "inconsistent message to the checker (files missing)",
        ));
        return;
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
                    return;
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
    // The bytes are given to the check: a large export's text becomes its table, held once.
    let inputs: Vec<OwnedCheckInput> = request
        .files
        .iter()
        .zip(files)
        .map(|(spec, bytes)| OwnedCheckInput {
            name: spec.name.clone(),
            bytes,
            overrides: spec.overrides.clone(),
        })
        .collect();
    let mut last: Option<(Progress, u64)> = None;
    let report = check_owned_inputs(inputs, &options, &mut |p| {
        // At most one message per percent and stage: the page only draws percents.
        let percent = p.done.saturating_mul(100) / p.total.max(1);
        if last.is_some_and(|(l, lp)| l.stage == p.stage && lp == percent) {
            return;
        }
        last = Some((p, percent));
        post(Reply::Progress { id, progress: p });
    });
    post(Reply::Done { id, report });
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

/// The messages the page posts for one request: each file in parts (`{part: id, file, size,
/// data}`, `data` transferred), then the request with the reference exports (`{request, refs}`).
pub fn to_messages(
    request: &Request,
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
            let _ = js_sys::Reflect::set(&msg, &"part".into(), &JsValue::from(request.id));
            let _ = js_sys::Reflect::set(&msg, &"file".into(), &JsValue::from(index as u32));
            let _ = js_sys::Reflect::set(&msg, &"size".into(), &JsValue::from(bytes.len() as f64));
            let _ = js_sys::Reflect::set(&msg, &"data".into(), &data);
            let transfer = js_sys::Array::of1(&data.buffer());
            messages.push((msg.into(), transfer));
        }
    }
    let msg = js_sys::Object::new();
    let json = serde_json::to_string(request).unwrap_or_default();
    let _ = js_sys::Reflect::set(&msg, &"request".into(), &JsValue::from_str(&json));
    if let Some(r) = refs {
        let refs_arr = js_sys::Array::new();
        for b in [&r.profils, &r.privileges, &r.services, &r.existing] {
            refs_arr.push(&js_sys::Uint8Array::from(b.as_slice()));
        }
        let _ = js_sys::Reflect::set(&msg, &"refs".into(), &refs_arr);
    }
    messages.push((msg.into(), js_sys::Array::new()));
    messages
}

/// A request with its file bytes and reference exports, as the worker receives it.
pub type Message = (Request, Vec<Vec<u8>>, Option<RefBytes>);

thread_local! {
    /// The request the parts received belong to, and its files as they arrive (worker side).
    static RECEIVED: RefCell<(u32, Vec<Vec<u8>>)> = const { RefCell::new((0, Vec::new())) };
}

/// Takes one message posted by [`to_messages`]: a file part is kept (copied straight into wasm
/// memory, the part's JavaScript buffer left to be freed); the request comes back with every
/// file received since the previous one.
pub fn receive(data: &JsValue) -> Result<Option<Message>, String> {
    if let Some(id) = field(data, "part").as_f64() {
        let index = field(data, "file").as_f64().unwrap_or(0.0) as usize;
        let size = field(data, "size").as_f64().unwrap_or(0.0) as usize;
        let part = js_sys::Uint8Array::new(&field(data, "data"));
        RECEIVED.with(|received| {
            let (current, received) = &mut *received.borrow_mut();
            // Parts of an earlier request that never came (the page fell back) are dropped.
            if *current != id as u32 {
                *current = id as u32;
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
    let json = field(data, "request")
        .as_string()
        .ok_or_else(|| "no request".to_string())?;
    let request: Request = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let files = RECEIVED.with(|received| {
        let (current, received) = &mut *received.borrow_mut();
        let files = std::mem::take(received);
        if *current == request.id {
            files
        } else {
            Vec::new()
        }
    });
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
    Ok(Some((request, files, refs)))
}

/// Worker entry point, called by `worker.js` with each message's data.
#[wasm_bindgen]
pub fn worker_handle(data: JsValue) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut post = |reply: Reply| {
        let text = serde_json::to_string(&reply).unwrap_or_default();
        let _ = scope.post_message(&JsValue::from_str(&text));
    };
    match receive(&data) {
        Ok(None) => {}
        Ok(Some((request, files, refs))) => run(&request, files, refs.as_ref(), &mut post),
        Err(e) => post(Reply::failed(
            0,
            format!("message illisible pour le vérificateur : {e}"),
            format!("unreadable message for the checker: {e}"),
        )),
    }
}

// ----- page side -----

/// Starts checks in the worker, or on the main thread when no worker can be started.
pub struct Runner {
    worker: Option<web_sys::Worker>,
    on_reply: Rc<RefCell<Callback>>,
    _onmessage: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    _onerror: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

type Callback = Box<dyn FnMut(Reply)>;

impl Runner {
    /// A runner handing every reply to `on_reply`.
    pub fn new(on_reply: impl FnMut(Reply) + 'static) -> Runner {
        let on_reply: Rc<RefCell<Callback>> = Rc::new(RefCell::new(Box::new(on_reply)));
        let Some(worker) = start_worker() else {
            return Runner {
                worker: None,
                on_reply,
                _onmessage: None,
                _onerror: None,
            };
        };
        let cb = on_reply.clone();
        let onmessage =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let reply = e
                    .data()
                    .as_string()
                    .and_then(|t| serde_json::from_str::<Reply>(&t).ok())
                    .unwrap_or_else(|| {
                        Reply::failed(
                            0,
                            "réponse illisible du vérificateur",
                            "unreadable answer from the checker",
                        )
                    });
                if let Ok(mut f) = cb.try_borrow_mut() {
                    f(reply);
                }
            });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let cb = on_reply.clone();
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let detail = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_default();
            if let Ok(mut f) = cb.try_borrow_mut() {
                f(Reply::failed(
                    0,
                    format!("le vérificateur (Web Worker) s'est arrêté : {detail}"),
                    format!("the checker (Web Worker) stopped: {detail}"),
                ));
            }
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Runner {
            worker: Some(worker),
            on_reply,
            _onmessage: Some(onmessage),
            _onerror: Some(onerror),
        }
    }

    /// Whether checks run in a Web Worker.
    pub fn in_worker(&self) -> bool {
        self.worker.is_some()
    }

    /// Starts a check; replies come to the callback given to [`Runner::new`].
    pub fn send(&self, request: Request, files: Vec<Rc<Vec<u8>>>, refs: Option<RefBytes>) {
        if let Some(w) = &self.worker {
            let posted = to_messages(&request, &files, refs.as_ref())
                .into_iter()
                .all(|(msg, transfer)| w.post_message_with_transfer(&msg, &transfer).is_ok());
            if posted {
                return;
            }
        }
        // Main-thread fallback, after the current render.
        let cb = self.on_reply.clone();
        yew::platform::spawn_local(async move {
            let bytes: Vec<Vec<u8>> = files.iter().map(|f| f.as_ref().clone()).collect();
            let mut replies = Vec::new();
            run(&request, bytes, refs.as_ref(), &mut |r| replies.push(r));
            for r in replies
                .into_iter()
                .filter(|r| !matches!(r, Reply::Progress { .. }))
            {
                if let Ok(mut f) = cb.try_borrow_mut() {
                    f(r);
                }
            }
        });
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if let Some(w) = &self.worker {
            w.terminate();
        }
    }
}

/// `worker.js?js=…&wasm=…`, from the names trunk wrote into `<meta name="passerelle-app">`.
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
    let url = format!("worker.js?{}", String::from(params.to_string()));
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    web_sys::Worker::new_with_options(&url, &options).ok()
}
