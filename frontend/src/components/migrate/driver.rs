//! Carries out the migration panel's [`Effect`]s: the one place that holds the GLPI session
//! (the engine's `MigrationSession` over the proxy's [`FetchTransport`], in a [`SessionSlot`]),
//! the run's pause and cancel, the journal in IndexedDB and its Web Lock, and the panel's
//! channel to the worker. Each effect ends in messages back to the reducer (`model.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use passerelle_engine::migrate::api::{ApiRequest, Method};
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::lookup;
use passerelle_engine::migrate::plan::Plan;
use passerelle_engine::migrate::run::{self, ControlState, Progress, RunOptions};
use passerelle_engine::migrate::session::RunRequest;
use passerelle_engine::migrate::source::{read_source_keeping, SourceOptions, SourceRead};
use yew::platform::spawn_local;
use yew::Callback;

use super::model::{Connection, Effect, Msg, Problem, ReadEnd, SourceConnection, Stored};
use crate::browser::session_slot::list_of;
use crate::browser::web_lock::{self, Attempt, JournalLock};
use crate::browser::{identify, FetchTransport, JournalDb, RunMeta, Session, SessionSlot};
use crate::files;
use crate::worker::{self, Channel};

/// The local GLPI, read through the same proxy (`/source-api`, which refuses writes).
static SOURCE_TRANSPORT: FetchTransport = FetchTransport::SOURCE;

/// A session to the local GLPI.
type SourceClient = GlpiClient<'static>;

/// Holds the session and runs effects; answers through `send`.
pub struct Driver {
    send: Callback<Msg>,
    /// The open session; taken out while an effect uses it (one at a time).
    session: SessionSlot,
    /// Pause and cancel, read by the running migration.
    control: Cell<ControlState>,
    /// This tab holds the journal now (its own lock is not "elsewhere").
    own: Rc<Cell<bool>>,
    /// The panel's channel to the worker (drafts).
    worker: worker::Runner,
    /// The journal watcher is started.
    watching: Cell<bool>,
    /// The session to the local GLPI; taken out while a read uses it.
    source: RefCell<Option<Rc<SourceClient>>>,
    /// The read is asked to stop.
    read_cancel: Rc<Cell<bool>>,
}

/// What the connection shows: version, who, profiles, entities, the active ones.
async fn describe(session: &Session) -> Result<Connection, String> {
    let client = session.client();
    let identity = identify(client).await.map_err(|e| e.to_string())?;
    let (_, profiles, _) = client
        .call_json(ApiRequest::new(Method::Get, "/getMyProfiles"))
        .await
        .map_err(|e| e.to_string())?;
    // The GLPI written to, named in the confirmation; the page works without it.
    let api_url = crate::api::fetch_info()
        .await
        .map(|i| i.glpi.api_url)
        .unwrap_or_default();
    Ok(Connection {
        api_url,
        version: identity.version,
        user: identity.user,
        profiles: list_of(&profiles, "myprofiles", "name"),
        entities: identity.entities,
        profile: identity.session["glpiactiveprofile"]["id"]
            .as_u64()
            .unwrap_or(0),
        entity: identity.session["glpiactive_entity"].as_u64().unwrap_or(0),
    })
}

/// A call's error in both languages.
fn call_problem(e: &passerelle_engine::migrate::client::CallError) -> Problem {
    use passerelle_engine::diagnostic::Lang;
    Problem::Both {
        fr: e.render(Lang::Fr),
        en: e.render(Lang::En),
    }
}

/// What the local GLPI's session shows: version, who, its entities, the active one.
async fn describe_source(
    client: &SourceClient,
) -> Result<SourceConnection, passerelle_engine::migrate::client::CallError> {
    let identity = identify(client).await?;
    Ok(SourceConnection {
        active: identity.session["glpiactive_entity"].as_u64().unwrap_or(0),
        version: identity.version,
        user: identity.user,
        entities: identity.entities,
    })
}

/// Polls `a` and `stop` together: `Some` with `a`'s output when it ends first, `None` when
/// `stop` does (`a` is then dropped by the caller, at one of its awaits).
async fn until_stopped<A: std::future::Future>(
    a: A,
    stop: impl std::future::Future<Output = ()>,
) -> Option<A::Output> {
    use std::task::Poll;
    let mut a = std::pin::pin!(a);
    let mut stop = std::pin::pin!(stop);
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        if stop.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

/// This tab's hold on the journal for one run, resume or undo: the Web Lock (when the browser
/// has Web Locks) and the flag that keeps the watcher from counting this tab's own lock.
struct Holding {
    _lock: Option<JournalLock>,
    own: Rc<Cell<bool>>,
}

impl Drop for Holding {
    fn drop(&mut self) {
        self.own.set(false);
    }
}

/// Takes the journal for this tab, or says it is held elsewhere (never waits).
async fn hold_journal(own: &Rc<Cell<bool>>) -> Result<Holding, Problem> {
    let lock = match web_lock::try_lock().await.map_err(Problem::Text)? {
        Attempt::Held(l) => Some(l),
        Attempt::Unsupported => None,
        Attempt::Elsewhere => return Err(Problem::RunningElsewhere),
    };
    own.set(true);
    Ok(Holding {
        _lock: lock,
        own: own.clone(),
    })
}

fn session_busy() -> Problem {
    Problem::Both {
        fr: "la session GLPI est occupée (ou fermée) : attendez la fin de l'opération en cours"
            .into(),
        en: "the GLPI session is busy (or closed): wait for the current operation to end".into(),
    }
}

/// The stored run, if it is started and unfinished.
async fn stored_interrupted() -> Option<Stored> {
    let db = JournalDb::open().await.ok()?;
    let (meta, j) = db.load().await.ok()??;
    (j.started() && !j.finished()).then(|| Rc::new((meta, j)))
}

/// The journal the database keeps, after purging it when its delay is over (a run started
/// more than [`crate::browser::RETENTION_DAYS`] days ago and not running).
async fn stored_kept() -> Option<Stored> {
    let db = JournalDb::open().await.ok()?;
    let (meta, j) = db.load().await.ok()??;
    if js_sys::Date::now() >= crate::browser::purge_at(meta.started_ms)
        && !web_lock::held_anywhere().await
    {
        let _ = db.clear().await;
        return None;
    }
    Some(Rc::new((meta, j)))
}

/// How a run attempt ended.
enum Ran {
    /// It did not start.
    Refused(Problem),
    /// Rights are missing: nothing was written.
    Missing(Vec<run::MissingRight>),
    /// It ran (to its end, a cancel, or an error).
    Ended(Journal, Result<(), String>),
}

impl Driver {
    /// A driver answering through `send`.
    pub fn new(send: Callback<Msg>) -> Rc<Driver> {
        let to = send.clone();
        Rc::new(Driver {
            worker: worker::Runner::on(Channel::Migrate, move |r| to.emit(Msg::Worker(r))),
            send,
            session: SessionSlot::default(),
            control: Cell::new(ControlState::Running),
            own: Rc::new(Cell::new(false)),
            watching: Cell::new(false),
            source: RefCell::new(None),
            read_cancel: Rc::new(Cell::new(false)),
        })
    }

    /// Carries out one effect (asynchronous ones in the background).
    pub fn execute(self: &Rc<Self>, effect: Effect) {
        let d = self.clone();
        let send = self.send.clone();
        match effect {
            Effect::Watch => self.watch(),
            Effect::Connect(credentials) => spawn_local(async move {
                let result = d.session.open(credentials, describe).await;
                send.emit(Msg::Connected(result));
            }),
            Effect::ChooseScope {
                profile,
                change_profile,
                entity,
            } => spawn_local(async move {
                let Some(session) = d.session.take() else {
                    return send.emit(Msg::ScopeChosen(Err(session_busy())));
                };
                let client = session.client();
                let result = async {
                    if change_profile {
                        client.set_profile(profile).await?;
                    }
                    client.set_entity(entity, true).await
                }
                .await;
                d.session.put(session);
                send.emit(Msg::ScopeChosen(
                    result
                        .map(|()| (profile, entity))
                        .map_err(|e| Problem::Text(e.to_string())),
                ));
            }),
            Effect::Debounce { key, seq } => spawn_local(async move {
                web_lock::sleep_ms(super::model::SEARCH_DEBOUNCE_MS).await;
                send.emit(Msg::SearchDue { key, seq });
            }),
            Effect::Search {
                key,
                seq,
                itemtype,
                text,
            } => spawn_local(async move {
                // The session may be planning again (a value just picked): wait for it a little.
                let mut session = None;
                for _ in 0..100 {
                    session = d.session.take();
                    if session.is_some() {
                        break;
                    }
                    web_lock::sleep_ms(100).await;
                }
                let Some(session) = session else {
                    return send.emit(Msg::SearchFound {
                        key,
                        seq,
                        result: Err(session_busy()),
                    });
                };
                let result = lookup::lookup(session.client(), itemtype, &text).await;
                d.session.put(session);
                send.emit(Msg::SearchFound {
                    key,
                    seq,
                    result: result.map_err(|e| Problem::Text(e.to_string())),
                });
            }),
            Effect::Draft(request, bytes) => self.worker.draft(request, bytes),
            Effect::SourceConnect(credentials) => spawn_local(async move {
                let client = Rc::new(GlpiClient::new(
                    &SOURCE_TRANSPORT,
                    credentials,
                    ClientOptions::default(),
                ));
                let result = match client.login().await {
                    Ok(()) => describe_source(&client).await,
                    Err(e) => Err(e),
                };
                let result = match result {
                    Ok(c) => {
                        if let Some(old) = d.source.replace(Some(client)) {
                            old.logout().await;
                        }
                        Ok(c)
                    }
                    Err(e) => {
                        client.logout().await;
                        Err(call_problem(&e))
                    }
                };
                send.emit(Msg::SourceConnected(result));
            }),
            Effect::ReadSource { entity, from } => {
                // Cleared now, not once the read has started: a "stop" pressed at once counts.
                self.read_cancel.set(false);
                spawn_local(async move {
                    let end = d.read_source(entity, from).await;
                    send.emit(Msg::SourceRead(Box::new(end)));
                })
            }
            Effect::CancelRead => self.read_cancel.set(true),
            Effect::Plan { draft, options } => spawn_local(async move {
                let Some(mut session) = d.session.take() else {
                    return send.emit(Msg::Planned(Err(session_busy())));
                };
                let result = session
                    .plan(&draft, &options, RunOptions::default().in_flight)
                    .await;
                d.session.put(session);
                send.emit(Msg::Planned(
                    result.map_err(|e| Problem::Text(e.to_string())),
                ));
            }),
            Effect::Run {
                plan,
                entity,
                resume,
            } => spawn_local(async move {
                match d.run(plan, entity, resume).await {
                    Ran::Refused(p) => send.emit(Msg::RunRefused(p)),
                    Ran::Missing(m) => send.emit(Msg::MissingRights(m)),
                    Ran::Ended(journal, result) => {
                        send.emit(Msg::RunEnded {
                            journal,
                            result,
                            cancelled: d.control.get() == ControlState::Cancelled,
                        });
                        send.emit(Msg::Kept(stored_kept().await));
                    }
                }
            }),
            Effect::Control(state) => self.control.set(state),
            Effect::Verify { plan, journal } => spawn_local(async move {
                let Some(session) = d.session.take() else {
                    return send.emit(Msg::Verified(Err(session_busy())));
                };
                let result = session.verify(&plan, &journal).await;
                d.session.put(session);
                send.emit(Msg::Verified(
                    result.map_err(|e| Problem::Text(e.to_string())),
                ));
            }),
            Effect::Undo(journal) => spawn_local(async move {
                let (result, journal) = d.undo(journal).await;
                send.emit(Msg::Undone { result, journal });
                send.emit(Msg::Kept(stored_kept().await));
            }),
            Effect::Purge => spawn_local(async move {
                if let Ok(db) = JournalDb::open().await {
                    if let Err(e) = db.clear().await {
                        send.emit(Msg::PickFailed(e));
                    }
                }
                send.emit(Msg::Kept(stored_kept().await));
            }),
            Effect::Forget => spawn_local(async move {
                if let Ok(db) = JournalDb::open().await {
                    let _ = db.clear().await;
                }
                send.emit(Msg::Interrupted(None));
            }),
            Effect::Download { name, mime, text } => {
                if let Err(e) = files::download(name, mime, text.as_bytes()) {
                    send.emit(Msg::PickFailed(e));
                }
            }
        }
    }

    /// Reads the local GLPI's entity into what was read before (the engine continues it when it
    /// is the read of that entity), keeping it in the journal database as the engine hands it
    /// out and when it ends: a reload continues from there. The engine's read only changes what
    /// it holds between two awaits, so "stop" drops it at any await and what is read stays whole.
    async fn read_source(&self, entity: u64, from: Option<Rc<SourceRead>>) -> ReadEnd {
        use passerelle_engine::diagnostic::Lang;
        let mut read = from.map(|r| (*r).clone()).unwrap_or_default();
        let end = |read: SourceRead, result: Result<(), Problem>, cancelled: bool| {
            let counts = read.counts();
            let draft = read.is_complete().then(|| {
                let prepared = read.prepared();
                let stops: Vec<_> = prepared.stopping_problems().into_iter().cloned().collect();
                if stops.is_empty() {
                    Ok(Rc::new(prepared.draft()))
                } else {
                    Err(stops)
                }
            });
            ReadEnd {
                read: Rc::new(read),
                counts,
                result,
                cancelled,
                draft,
            }
        };
        let Some(client) = self.source.borrow().clone() else {
            return end(read, Err(session_busy()), false);
        };
        let db = JournalDb::open().await.ok();
        let options = SourceOptions {
            entity: Some(entity),
            recursive: true,
            page_size: 1000,
        };
        // What the engine hands out as it reads (each collection's end, every few seconds within
        // one) is stored beside the reading, by the future that also watches for "stop".
        let pending: Rc<RefCell<Option<SourceRead>>> = Rc::default();
        let outcome = {
            let send = self.send.clone();
            let mut progress = move |p| send.emit(Msg::SourceProgressed(p));
            let kept = pending.clone();
            let mut keep = move |r: &SourceRead| *kept.borrow_mut() = Some(r.clone());
            let (cancel, pending, db) = (self.read_cancel.clone(), pending.clone(), &db);
            let stop = async move {
                while !cancel.get() {
                    let next = pending.borrow_mut().take();
                    if let (Some(r), Some(db)) = (next, db) {
                        let _ = db.save_source_read(&r).await;
                    }
                    web_lock::sleep_ms(100).await;
                }
            };
            until_stopped(
                read_source_keeping(&client, &options, &mut read, &mut progress, &mut keep),
                stop,
            )
            .await
        };
        let (result, cancelled) = match outcome {
            Some(Ok(())) => (Ok(()), false),
            Some(Err(e)) => (
                Err(Problem::Both {
                    fr: e.render(Lang::Fr),
                    en: e.render(Lang::En),
                }),
                false,
            ),
            // Stopped between two pages: what is read is whole, kept below.
            None => (Ok(()), true),
        };
        if let Some(db) = &db {
            if let Err(e) = db.save_source_read(&read).await {
                return end(read, Err(Problem::Text(e)), cancelled);
            }
        }
        end(read, result, cancelled)
    }

    /// Looks for an interrupted run, then watches the journal's lock for the page's life:
    /// while another tab holds it, tells what its journal says; when it is released, looks
    /// again for an interrupted run.
    fn watch(&self) {
        if self.watching.replace(true) {
            return;
        }
        let send = self.send.clone();
        let own = self.own.clone();
        spawn_local(async move {
            send.emit(Msg::Interrupted(stored_interrupted().await));
            send.emit(Msg::Kept(stored_kept().await));
            // The local GLPI is offered only when the proxy reads one.
            let available = crate::api::fetch_info()
                .await
                .is_ok_and(|i| i.source.is_some());
            let stored = match JournalDb::open().await {
                Ok(db) if available => db.load_source_read().await.ok().flatten().map(Rc::new),
                _ => None,
            };
            send.emit(Msg::SourceKnown { available, stored });
            let mut seen: Option<(bool, Option<(usize, usize)>)> = None;
            loop {
                let now = !own.get() && web_lock::held_anywhere().await;
                let mut watched = None;
                if now {
                    if let Ok(db) = JournalDb::open().await {
                        if let Ok(Some((meta, j))) = db.load().await {
                            watched = Some((j.records().len(), meta.plan.objects.len()));
                        }
                    }
                }
                let was = seen.is_some_and(|(e, _)| e);
                if seen != Some((now, watched)) {
                    send.emit(Msg::LockSeen {
                        elsewhere: now,
                        watched,
                    });
                    seen = Some((now, watched));
                }
                if was && !now {
                    send.emit(Msg::Interrupted(stored_interrupted().await));
                }
                web_lock::sleep_ms(700).await;
            }
        });
    }

    /// Runs a plan, or resumes a stored run, under the journal's lock.
    async fn run(&self, plan: Rc<Plan>, entity: u64, resume: Option<Stored>) -> Ran {
        // One writer per journal: taken before anything is read or written, held until the run
        // ends (dropped with this future).
        let _holding = match hold_journal(&self.own).await {
            Ok(h) => h,
            Err(p) => return Ran::Refused(p),
        };
        let db = match JournalDb::open().await {
            Ok(db) => db,
            Err(e) => return Ran::Refused(Problem::Text(e)),
        };
        let Some(mut session) = self.session.take() else {
            return Ran::Refused(session_busy());
        };
        let ran = self.run_in(&mut session, &db, plan, entity, resume).await;
        // The session is closed at the end of a run; verify and undo open it again.
        session.client().logout().await;
        self.session.put(session);
        ran
    }

    async fn run_in(
        &self,
        session: &mut Session,
        db: &JournalDb,
        plan: Rc<Plan>,
        entity: u64,
        resume: Option<Stored>,
    ) -> Ran {
        let resuming = resume.is_some();
        let (meta, previous) = match resume {
            Some(stored) => {
                // Read again under the lock: another tab may have moved it on meanwhile.
                let (meta, journal) = match db.load().await {
                    Ok(Some((m, j))) if m.run == stored.0.run => (m, j),
                    _ => (stored.0.clone(), stored.1.clone()),
                };
                if let Err(e) = session.client().set_entity(meta.entity, true).await {
                    return Ran::Refused(Problem::Text(e.to_string()));
                }
                (meta, journal)
            }
            None => {
                // Preflight: the proxy reaches GLPI with its App-Token, then rights, before the
                // journal (and the previous run's) is touched.
                match crate::api::fetch_readiness().await {
                    Ok(crate::api::Readiness::Ready) => {}
                    Ok(crate::api::Readiness::NotReady { message, .. }) => {
                        return Ran::Refused(Problem::Text(message))
                    }
                    Err(e) => return Ran::Refused(Problem::Text(e.to_string())),
                }
                match run::preflight(session.client(), &plan, false).await {
                    Ok(m) if !m.is_empty() => return Ran::Missing(m),
                    Ok(_) => {}
                    Err(e) => return Ran::Refused(Problem::Text(e.to_string())),
                }
                let meta = RunMeta {
                    run: format!("run-{}", js_sys::Date::now() as u64),
                    plan: (*plan).clone(),
                    options: RunOptions::default(),
                    entity,
                    started_ms: js_sys::Date::now(),
                };
                if let Err(e) = db.start(&meta).await {
                    return Ran::Refused(Problem::Text(e));
                }
                (meta, Journal::default())
            }
        };
        self.control.set(ControlState::Running);
        self.send.emit(Msg::RunStarted);
        let send = self.send.clone();
        let request = RunRequest {
            journal: previous,
            sink: db,
            control: &self.control,
            options: meta.options.clone(),
            run_id: meta.run.clone(),
            resume: resuming,
            verify: false,
            observer: Box::new(move |p: &Progress| send.emit(Msg::RunProgress(p.clone()))),
        };
        match session.run(&meta.plan, request).await {
            Ok(report) => Ran::Ended(report.journal, Ok(())),
            Err(e) => {
                // What was done is in the database, stored before each batch.
                let journal = db.stored_journal().await;
                Ran::Ended(journal, Err(e.to_string()))
            }
        }
    }

    /// Undoes what the journal says was done, under the journal's lock.
    async fn undo(
        &self,
        journal: Rc<Journal>,
    ) -> (Result<run::UndoSummary, Problem>, Option<Journal>) {
        let _holding = match hold_journal(&self.own).await {
            Ok(h) => h,
            Err(p) => return (Err(p), None),
        };
        let db = match JournalDb::open().await {
            Ok(db) => db,
            Err(e) => return (Err(Problem::Text(e)), None),
        };
        let Some(session) = self.session.take() else {
            return (Err(session_busy()), None);
        };
        let result = session
            .undo((*journal).clone(), &db, RunOptions::default())
            .await;
        self.session.put(session);
        match result {
            Ok((summary, journal)) => (Ok(summary), Some(journal)),
            Err(e) => (Err(Problem::Text(e.to_string())), None),
        }
    }
}
