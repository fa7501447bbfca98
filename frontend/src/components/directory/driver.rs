//! Carries out the directory section's [`Effect`]s with the engine's code, the same as
//! `passerelle directory`: the GLPI session through the proxy, the target read and the plan
//! (`read_directory_target`, `read_rights_rule`, `plan_directory`), the run journaled in the
//! directory's own IndexedDB database (resumable), undo. Each effect ends in a [`Msg`].

use std::cell::RefCell;
use std::rc::Rc;

use passerelle_engine::directory::apply::LineMessage;
use passerelle_engine::directory::apply::{plan_directory, PlanInput};
use passerelle_engine::directory::target::{
    created_users, password_failures, password_from, passwords_file, read_directory_target,
    read_rights_rule, run_directory, set_passwords,
};
use passerelle_engine::directory::Importer;
use passerelle_engine::migrate::api::{ApiRequest, Credentials, Method};
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::plan::Plan;
use passerelle_engine::migrate::run::{ControlState, RunOptions, UndoSummary};
use passerelle_engine::migrate::session::RunRequest;
use serde_json::Value;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::Callback;

use super::model::{Connection, Effect, Msg, StoredRun, MAPPING_KEY};
use crate::browser::journal_db::DIRECTORY_DB_NAME;
use crate::browser::web_lock::{self, Attempt, JournalLock};
use crate::browser::{identify, JournalDb, RunMeta, Session, SessionSlot};
use crate::{files, prefs};

/// Holds the section's GLPI session and runs effects; answers through `send`.
pub struct Driver {
    send: Callback<Msg>,
    session: SessionSlot,
    /// The last run's generated passwords (`login TAB password` lines), for the
    /// administrator's download only: never in the model, the journal, a log or a report.
    passwords: RefCell<Option<String>>,
}

/// 16 bytes from the browser's secure random source (`crypto.getRandomValues`); `None`
/// without one (then no password is made: a predictable one would be worse than none).
fn random_bytes() -> Option<[u8; 16]> {
    let array = js_sys::Uint8Array::new_with_length(16);
    let window: wasm_bindgen::JsValue = web_sys::window()?.into();
    let crypto = js_sys::Reflect::get(&window, &"crypto".into()).ok()?;
    let f = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    f.call1(&crypto, &array).ok()?;
    let mut out = [0u8; 16];
    array.copy_to(&mut out);
    Some(out)
}

/// The directory journal's Web Lock (its database's name) for this tab, or why not: another tab
/// of the page runs (or undoes) a directory import. Never waits.
async fn hold_directory() -> Result<Option<JournalLock>, String> {
    match web_lock::try_lock_named(DIRECTORY_DB_NAME).await? {
        Attempt::Held(l) => Ok(Some(l)),
        Attempt::Unsupported => Ok(None),
        Attempt::Elsewhere => Err(RUNNING_ELSEWHERE.into()),
    }
}

/// Why a run or an undo does not start while another tab holds the directory's journal.
pub const RUNNING_ELSEWHERE: &str = "un import de l'annuaire est en cours dans un autre onglet de la page : attendez qu'il se termine / a directory import is running in another tab of the page: wait until it ends";

fn busy() -> String {
    "la session GLPI est occupée ou fermée / the GLPI session is busy or closed".into()
}

/// What the section shows of the session: GLPI's version, who, the entities, the profiles'
/// names (the rights rule's choices).
async fn describe(session: &Session) -> Result<Connection, String> {
    let client = session.client();
    let identity = identify(client).await.map_err(|e| e.to_string())?;
    let (_, profiles, _) = client
        .call_json(ApiRequest::new(
            Method::Get,
            "/Profile?range=0-999&get_hateoas=false",
        ))
        .await
        .map_err(|e| e.to_string())?;
    let profiles = profiles
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(Connection {
        user: identity.user,
        version: identity.version,
        entities: identity.entities,
        profiles,
    })
}

async fn stored() -> Option<Rc<StoredRun>> {
    let db = JournalDb::open_named(DIRECTORY_DB_NAME).await.ok()?;
    let (meta, journal) = db.load().await.ok()??;
    (journal.started() && !journal.finished()).then(|| {
        Rc::new(StoredRun {
            plan: meta.plan,
            entity: meta.entity,
            journal,
        })
    })
}

impl Driver {
    /// A driver answering through `send`.
    pub fn new(send: Callback<Msg>) -> Rc<Driver> {
        Rc::new(Driver {
            send,
            session: SessionSlot::default(),
            passwords: RefCell::new(None),
        })
    }

    /// Carries out one effect (asynchronous ones in the background).
    pub fn execute(self: &Rc<Self>, effect: Effect) {
        let d = self.clone();
        let send = self.send.clone();
        match effect {
            Effect::Connect(token) => spawn_local(async move {
                let credentials = Credentials::UserToken { token };
                let result = d.session.open(credentials, describe).await;
                send.emit(Msg::Connected(result));
            }),
            Effect::Plan {
                checked,
                mapping,
                entity,
            } => spawn_local(async move {
                let Some(session) = d.session.take() else {
                    return send.emit(Msg::Planned(Err(busy())));
                };
                let client = session.client();
                let result = async {
                    client
                        .set_entity(entity, true)
                        .await
                        .map_err(|e| e.to_string())?;
                    let target = read_directory_target(client)
                        .await
                        .map_err(|e| format!("lecture de la cible / reading the target : {e}"))?;
                    let rights = read_rights_rule(client)
                        .await
                        .map_err(|e| format!("droits de la session / session rights : {e}"))?;
                    let c = &checked;
                    let importer = Importer {
                        serv_niv1: c.source.service.trim().to_string(),
                    };
                    Ok(plan_directory(
                        &PlanInput {
                            file: &c.source.name,
                            bytes: &c.source.bytes,
                            report: &c.report,
                            refs: &c.refs,
                            reference_export: &c.source.refs.existing,
                            importer: &importer,
                            entity,
                            rights: &rights,
                        },
                        &target,
                        &mapping,
                    ))
                }
                .await;
                d.session.put(session);
                send.emit(Msg::Planned(result.map(Rc::new)));
            }),
            Effect::Run {
                plan,
                entity,
                resume,
                passwords,
            } => spawn_local(async move {
                d.passwords.borrow_mut().take();
                let (journal, result) = d.run(plan, entity, resume).await;
                if passwords && result.is_ok() {
                    let (count, failures) = d.set_passwords(&journal).await;
                    send.emit(Msg::PasswordsSet { count, failures });
                }
                send.emit(Msg::RunEnded(journal, result));
            }),
            Effect::DownloadPasswords => {
                if let Some(text) = d.passwords.borrow().as_ref() {
                    let _ = files::download(
                        "mots-de-passe-annuaire.tsv",
                        "text/tab-separated-values;charset=utf-8",
                        text.as_bytes(),
                    );
                }
            }
            Effect::Undo(runs) => spawn_local(async move {
                let result = d.undo(runs).await;
                send.emit(Msg::Undone(result));
            }),
            Effect::LoadStored => spawn_local(async move {
                send.emit(Msg::Stored(stored().await));
            }),
            Effect::SaveMapping(text) => prefs::save_item(MAPPING_KEY, &text),
            Effect::Download { name, text, mime } => {
                // A failed download leaves the page as it is: the button can be pressed again.
                let _ = files::download(&name, mime, text.as_bytes());
            }
        }
    }

    /// Sets a generated password on each user the run created (the engine's
    /// `set_passwords`, outside the journal), keeps the passwords for the download; returns
    /// how many and GLPI's refusals.
    async fn set_passwords(&self, journal: &Journal) -> (usize, Vec<LineMessage>) {
        if random_bytes().is_none() {
            return (0, Vec::new());
        }
        let Some(session) = self.session.take() else {
            return (0, Vec::new());
        };
        let users = created_users(journal);
        let mut generate = || password_from(&random_bytes().unwrap_or_default());
        let set = set_passwords(session.client(), &users, &mut generate).await;
        self.session.put(session);
        let text = passwords_file(&set);
        let count = text.lines().count();
        *self.passwords.borrow_mut() = Some(text);
        (count, password_failures(&set, journal))
    }

    /// Runs a plan (or resumes the stored run) journaled in the directory's database.
    async fn run(
        &self,
        plan: Rc<Plan>,
        entity: u64,
        resume: Option<Journal>,
    ) -> (Journal, Result<(), String>) {
        // One writer per journal across the page's tabs: held until the run ends.
        let _lock = match hold_directory().await {
            Ok(l) => l,
            Err(e) => return (resume.unwrap_or_default(), Err(e)),
        };
        let db = match JournalDb::open_named(DIRECTORY_DB_NAME).await {
            Ok(db) => db,
            Err(e) => return (resume.unwrap_or_default(), Err(e)),
        };
        let Some(mut session) = self.session.take() else {
            return (resume.unwrap_or_default(), Err(busy()));
        };
        let resuming = resume.is_some();
        let previous = match resume {
            Some(j) => j,
            None => {
                let meta = RunMeta {
                    run: format!("annuaire-{}", js_sys::Date::now() as u64),
                    plan: (*plan).clone(),
                    options: RunOptions::default(),
                    entity,
                    started_ms: js_sys::Date::now(),
                };
                if let Err(e) = db.start(&meta).await {
                    self.session.put(session);
                    return (Journal::default(), Err(e));
                }
                Journal::default()
            }
        };
        let result = async {
            session
                .client()
                .set_entity(entity, true)
                .await
                .map_err(|e| e.to_string())?;
            let request = RunRequest {
                journal: previous,
                sink: &db,
                control: &ControlState::Running,
                options: RunOptions::default(),
                run_id: format!("annuaire-{}", js_sys::Date::now() as u64),
                resume: resuming,
                verify: false,
                observer: Box::new(|_| {}),
            };
            run_directory(&mut session, &plan, entity, request)
                .await
                .map(|r| r.journal)
                .map_err(|e| e.to_string())
        }
        .await;
        self.session.put(session);
        match result {
            Ok(j) => (j, Ok(())),
            Err(e) => {
                // What was done is in the database, stored before each batch.
                let journal = db.stored_journal().await;
                (journal, Err(e))
            }
        }
    }

    /// Undoes the runs, in the order given (the last run first); stops at the first failure.
    async fn undo(&self, runs: Vec<Rc<Journal>>) -> Result<(UndoSummary, Journal), String> {
        let _lock = hold_directory().await?;
        let db = JournalDb::open_named(DIRECTORY_DB_NAME).await?;
        let Some(session) = self.session.take() else {
            return Err(busy());
        };
        let mut total = UndoSummary::default();
        let mut last = Journal::default();
        let mut result = Ok(());
        for journal in runs {
            match session
                .undo((*journal).clone(), &db, RunOptions::default())
                .await
            {
                Ok((s, j)) => {
                    total.removed += s.removed;
                    total.restored += s.restored;
                    total.failed += s.failed;
                    last = j;
                }
                Err(e) => {
                    result = Err(e.to_string());
                    break;
                }
            }
        }
        self.session.put(session);
        result.map(|()| (total, last))
    }
}
