//! The migration panel: connect, choose files and options, see the plan (dry-run), run it with
//! a dashboard, pause / resume / cancel, download the journal, verify, undo, and resume a run
//! interrupted by a closed tab or a crash.
//!
//! All the logic is the engine's; this module only wires it to the page: fetch through the
//! proxy ([`crate::browser::FetchTransport`]) and the journal in IndexedDB
//! ([`crate::browser::JournalDb`]), held by one tab at a time ([`crate::browser::web_lock`]):
//! another tab of the page is told a migration is running elsewhere and can only watch.

mod dashboard;
mod plan_view;
pub mod texts;

use std::cell::Cell;
use std::rc::Rc;

use passerelle_engine::check::{CheckInput, FileOverrides};
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::map::MappingTemplate;
use passerelle_engine::migrate::api::{ApiRequest, Credentials, Method};
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::plan::{Plan, PlanOptions};
use passerelle_engine::migrate::run::{
    self, ControlState, MissingRight, Progress, RunOptions, Runner, UndoSummary, VerifyReport,
};
use passerelle_engine::read::ReadOptions;
use serde_json::Value;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::browser::web_lock::{self, Attempt, JournalLock};
use crate::browser::{FetchTransport, JournalDb, RunMeta};
use crate::components::checker::model::CheckedFiles;
use crate::dom::{event_checked, event_input, event_value};
use crate::files;
use crate::i18n::Lang;
use texts::T;

/// A session through the proxy.
pub type Client = GlpiClient<'static, FetchTransport>;

thread_local! {
    // One transport for the page's life; the client borrows it.
    static TRANSPORT: &'static FetchTransport = Box::leak(Box::new(FetchTransport::default()));
}

fn transport() -> &'static FetchTransport {
    TRANSPORT.with(|t| *t)
}

/// What the connection told us.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    /// GLPI version (`getGlpiConfig`).
    pub version: String,
    /// Login of the connected person.
    pub user: String,
    /// Profiles `(id, name)`.
    pub profiles: Vec<(u64, String)>,
    /// Entities `(id, complete name)`.
    pub entities: Vec<(u64, String)>,
    /// Active profile.
    pub profile: u64,
    /// Active entity.
    pub entity: u64,
}

/// Where the run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing started.
    Idle,
    /// Running (or paused: see the control).
    Running,
    /// Ended; `cancelled` when stopped on request.
    Ended {
        /// Stopped on request.
        cancelled: bool,
    },
    /// Stopped by an error (journal, session, target).
    Failed(String),
}

fn list_of(v: &Value, key: &str, name: &str) -> Vec<(u64, String)> {
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

async fn connect(credentials: Credentials) -> Result<(Rc<Client>, Connection), String> {
    let client = Client::new(transport(), credentials, ClientOptions::default());
    client.login().await.map_err(|e| e.to_string())?;
    let (_, config, _) = client
        .call_json(ApiRequest::new(Method::Get, "/getGlpiConfig"))
        .await
        .map_err(|e| e.to_string())?;
    let session = client.full_session().await.map_err(|e| e.to_string())?;
    let (_, profiles, _) = client
        .call_json(ApiRequest::new(Method::Get, "/getMyProfiles"))
        .await
        .map_err(|e| e.to_string())?;
    let (_, entities, _) = client
        .call_json(ApiRequest::new(
            Method::Get,
            "/getMyEntities?is_recursive=true",
        ))
        .await
        .map_err(|e| e.to_string())?;
    let connection = Connection {
        version: config["cfg_glpi"]["version"]
            .as_str()
            .unwrap_or("?")
            .to_string(),
        user: session["glpiname"].as_str().unwrap_or("").to_string(),
        profiles: list_of(&profiles, "myprofiles", "name"),
        entities: list_of(&entities, "myentities", "name"),
        profile: session["glpiactiveprofile"]["id"].as_u64().unwrap_or(0),
        entity: session["glpiactive_entity"].as_u64().unwrap_or(0),
    };
    Ok((Rc::new(client), connection))
}

/// Props of [`Migration`].
#[derive(Properties, PartialEq)]
pub struct MigrationProps {
    /// Current language.
    pub lang: Lang,
    /// The files of the check above, with the user's corrections and mappings.
    #[prop_or_default]
    pub checked: Rc<CheckedFiles>,
}

/// The files to migrate: each with the user's changes from the check (none for files picked
/// here), and the saved templates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sources {
    /// (name, bytes, overrides).
    pub files: Vec<(String, Rc<Vec<u8>>, FileOverrides)>,
    /// Saved mapping templates.
    pub templates: Vec<MappingTemplate>,
}

impl Sources {
    fn prepare(&self) -> Prepared {
        let inputs: Vec<CheckInput<'_>> = self
            .files
            .iter()
            .map(|(name, bytes, overrides)| CheckInput {
                name,
                bytes,
                overrides,
            })
            .collect();
        Prepared::from_inputs(&inputs, &ReadOptions::default(), &self.templates)
    }
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
async fn hold_journal(own: &Rc<Cell<bool>>) -> Result<Holding, HoldError> {
    let lock = match web_lock::try_lock().await.map_err(HoldError::Lock)? {
        Attempt::Held(l) => Some(l),
        Attempt::Unsupported => None,
        Attempt::Elsewhere => return Err(HoldError::Elsewhere),
    };
    own.set(true);
    Ok(Holding {
        _lock: lock,
        own: own.clone(),
    })
}

/// Why this tab could not take the journal.
enum HoldError {
    /// Another tab holds it.
    Elsewhere,
    /// The Web Locks call failed.
    Lock(String),
}

/// The migration panel.
#[function_component(Migration)]
pub fn migration(props: &MigrationProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);

    let client = use_state(|| None::<Rc<Client>>);
    let connection = use_state(|| None::<Connection>);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let use_password = use_state(|| false);
    let token = use_state(String::new);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let inputs = use_state(|| Rc::new(Sources::default()));
    let options = use_state(PlanOptions::default);
    let plan = use_state(|| None::<Rc<Plan>>);
    let missing = use_state(Vec::<MissingRight>::new);
    let phase = use_state(|| Phase::Idle);
    let progress = use_state(|| None::<Progress>);
    let journal = use_state(|| None::<Rc<Journal>>);
    let control = use_state(|| Rc::new(Cell::new(ControlState::Running)));
    let paused = use_state(|| false);
    let verify = use_state(|| None::<VerifyReport>);
    let undo = use_state(|| None::<UndoSummary>);
    let confirm_undo = use_state(|| false);
    let interrupted = use_state(|| None::<(RunMeta, Journal)>);
    // Another tab holds the journal (a migration runs there): this one only watches.
    let elsewhere = use_state_eq(|| false);
    // What the other tab's journal says: (objects done, objects planned).
    let watched = use_state_eq(|| None::<(usize, usize)>);
    // This tab holds the journal now (its own lock is not "elsewhere").
    let own = use_state(|| Rc::new(Cell::new(false)));

    // Watches the journal's lock: while another tab holds it, show what its journal says;
    // when it is released, look again for an interrupted run.
    {
        let (elsewhere, watched, own, interrupted) = (
            elsewhere.clone(),
            watched.clone(),
            (*own).clone(),
            interrupted.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                let mut was = false;
                loop {
                    let now = !own.get() && web_lock::held_anywhere().await;
                    elsewhere.set(now);
                    if now {
                        if let Ok(db) = JournalDb::open().await {
                            if let Ok(Some((meta, j))) = db.load().await {
                                watched.set(Some((j.records().len(), meta.plan.objects.len())));
                            }
                        }
                    } else if was {
                        watched.set(None);
                        let mut found = None;
                        if let Ok(db) = JournalDb::open().await {
                            if let Ok(Some((meta, j))) = db.load().await {
                                if j.started() && !j.finished() {
                                    found = Some((meta, j));
                                }
                            }
                        }
                        interrupted.set(found);
                    }
                    was = now;
                    web_lock::sleep_ms(700).await;
                }
            });
        });
    }

    // A run interrupted earlier (closed tab, crash): offer to resume it.
    {
        let interrupted = interrupted.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(db) = JournalDb::open().await {
                    if let Ok(Some((meta, j))) = db.load().await {
                        if j.started() && !j.finished() {
                            interrupted.set(Some((meta, j)));
                        }
                    }
                }
            });
        });
    }

    let on_connect = {
        let (client, connection, busy, error) = (
            client.clone(),
            connection.clone(),
            busy.clone(),
            error.clone(),
        );
        let (use_password, token, login, password) = (
            use_password.clone(),
            token.clone(),
            login.clone(),
            password.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let credentials = if *use_password {
                Credentials::Password {
                    login: (*login).clone(),
                    password: (*password).clone(),
                }
            } else {
                Credentials::UserToken {
                    token: (*token).clone(),
                }
            };
            let (client, connection, busy, error) = (
                client.clone(),
                connection.clone(),
                busy.clone(),
                error.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match connect(credentials).await {
                    Ok((c, info)) => {
                        client.set(Some(c));
                        connection.set(Some(info));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    let on_apply = {
        let (client, connection, error, options) = (
            client.clone(),
            connection.clone(),
            error.clone(),
            options.clone(),
        );
        Callback::from(move |(profile, entity): (u64, u64)| {
            let Some(c) = (*client).clone() else { return };
            let (connection, error, options) = (connection.clone(), error.clone(), options.clone());
            spawn_local(async move {
                let current = (*connection).clone();
                let result = async {
                    if current.as_ref().is_some_and(|k| k.profile != profile) {
                        c.set_profile(profile).await?;
                    }
                    c.set_entity(entity, true).await
                }
                .await;
                match result {
                    Ok(()) => {
                        if let Some(mut k) = current {
                            k.profile = profile;
                            k.entity = entity;
                            connection.set(Some(k));
                        }
                        let mut o = (*options).clone();
                        o.default_entity = entity;
                        options.set(o);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };

    let on_files = {
        let (inputs, plan, error) = (inputs.clone(), plan.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(list) = event_input(&e).and_then(|i| i.files()) else {
                return;
            };
            let (inputs, plan, error) = (inputs.clone(), plan.clone(), error.clone());
            spawn_local(async move {
                match files::read_file_list(list).await {
                    Ok(read) => {
                        inputs.set(Rc::new(Sources {
                            files: read
                                .into_iter()
                                .map(|(n, b)| (n, Rc::new(b), FileOverrides::default()))
                                .collect(),
                            templates: Vec::new(),
                        }));
                        plan.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    // The files of the check above, with their corrections, mappings and templates.
    let on_use_checked = {
        let (inputs, plan, checked) = (inputs.clone(), plan.clone(), props.checked.clone());
        Callback::from(move |_: MouseEvent| {
            inputs.set(Rc::new(Sources {
                files: checked
                    .files
                    .iter()
                    .map(|f| (f.name.clone(), f.bytes.clone(), f.overrides.clone()))
                    .collect(),
                templates: checked.templates.clone(),
            }));
            plan.set(None);
        })
    };

    let on_plan = {
        let (client, inputs, options, plan, busy, error, missing) = (
            client.clone(),
            inputs.clone(),
            options.clone(),
            plan.clone(),
            busy.clone(),
            error.clone(),
            missing.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(c) = (*client).clone() else { return };
            let sources = (*inputs).clone();
            let opts = (*options).clone();
            let (plan, busy, error, missing) =
                (plan.clone(), busy.clone(), error.clone(), missing.clone());
            busy.set(true);
            spawn_local(async move {
                let prepared = sources.prepare();
                // A file that cannot be read or migrated stops everything (its rows would be
                // lost without a trace); each is named with its line.
                let stops: Vec<String> = prepared
                    .stopping_problems()
                    .iter()
                    .map(|d| {
                        format!(
                            "{}, {} {} : {}",
                            d.file,
                            tr(T::Line),
                            d.line,
                            d.message(lang)
                        )
                    })
                    .collect();
                if !stops.is_empty() {
                    plan.set(None);
                    error.set(Some(stops.join(" — ")));
                    busy.set(false);
                    return;
                }
                let draft = prepared.draft();
                match run::read_target(&c, &draft).await {
                    Ok(target) => {
                        plan.set(Some(Rc::new(draft.plan(&target, &opts))));
                        missing.set(Vec::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        })
    };

    // Starts a fresh run, or resumes one from its stored journal.
    let start_run = {
        let (client, phase, progress, journal, control, missing, error, interrupted, connection) = (
            client.clone(),
            phase.clone(),
            progress.clone(),
            journal.clone(),
            control.clone(),
            missing.clone(),
            error.clone(),
            interrupted.clone(),
            connection.clone(),
        );
        let (elsewhere, own) = (elsewhere.clone(), (*own).clone());
        Callback::from(
            move |(plan, resume): (Rc<Plan>, Option<(RunMeta, Journal)>)| {
                let Some(c) = (*client).clone() else { return };
                let (phase, progress, journal, missing, error, interrupted) = (
                    phase.clone(),
                    progress.clone(),
                    journal.clone(),
                    missing.clone(),
                    error.clone(),
                    interrupted.clone(),
                );
                let control = (*control).clone();
                control.set(ControlState::Running);
                let entity = connection.as_ref().map(|k| k.entity).unwrap_or(0);
                let (elsewhere, own) = (elsewhere.clone(), own.clone());
                spawn_local(async move {
                    // One writer per journal: taken before anything is read or written, held
                    // until the run ends (dropped with this future).
                    let _holding = match hold_journal(&own).await {
                        Ok(h) => h,
                        Err(HoldError::Elsewhere) => {
                            elsewhere.set(true);
                            return error.set(Some(tr(T::RunningElsewhere).to_string()));
                        }
                        Err(HoldError::Lock(e)) => return error.set(Some(e)),
                    };
                    // Read again under the lock: another tab may have moved it on meanwhile.
                    let resume = match resume {
                        Some((meta, stale)) => match JournalDb::open().await {
                            Ok(db) => match db.load().await {
                                Ok(Some((m, j))) if m.run == meta.run => Some((m, j)),
                                _ => Some((meta, stale)),
                            },
                            Err(_) => Some((meta, stale)),
                        },
                        None => None,
                    };
                    let db = match JournalDb::open().await {
                        Ok(db) => db,
                        Err(e) => return error.set(Some(e)),
                    };
                    let (meta, previous) = match resume {
                        Some((meta, j)) => {
                            if let Err(e) = c.set_entity(meta.entity, true).await {
                                return error.set(Some(e.to_string()));
                            }
                            (meta, j)
                        }
                        None => {
                            // Preflight: the proxy reaches GLPI with its App-Token, then rights.
                            match crate::api::fetch_readiness().await {
                                Ok(crate::api::Readiness::Ready) => {}
                                Ok(crate::api::Readiness::NotReady { message, .. }) => {
                                    return error.set(Some(message))
                                }
                                Err(e) => return error.set(Some(e.to_string())),
                            }
                            match run::preflight(&c, &plan, false).await {
                                Ok(m) if !m.is_empty() => return missing.set(m),
                                Ok(_) => missing.set(Vec::new()),
                                Err(e) => return error.set(Some(e.to_string())),
                            }
                            let meta = RunMeta {
                                run: format!("run-{}", js_sys::Date::now() as u64),
                                plan: (*plan).clone(),
                                options: RunOptions::default(),
                                entity,
                                started_ms: js_sys::Date::now(),
                            };
                            if let Err(e) = db.start(&meta).await {
                                return error.set(Some(e));
                            }
                            (meta, Journal::default())
                        }
                    };
                    interrupted.set(None);
                    phase.set(Phase::Running);
                    let setter = progress.setter();
                    let runner = Runner::new(
                        &c,
                        previous,
                        &db,
                        &*control,
                        meta.options.clone(),
                        Box::new(move |p: &Progress| setter.set(Some(p.clone()))),
                    );
                    let result = runner.run(&meta.plan, &meta.run).await;
                    // The session is closed at the end; verify and undo open a new one.
                    c.logout().await;
                    let cancelled = control.get() == ControlState::Cancelled;
                    journal.set(Some(Rc::new(runner.into_journal())));
                    phase.set(match result {
                        Ok(()) => Phase::Ended { cancelled },
                        Err(e) => Phase::Failed(e.to_string()),
                    });
                });
            },
        )
    };

    let on_run = {
        let (plan, start_run) = (plan.clone(), start_run.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(p) = (*plan).clone() {
                start_run.emit((p, None));
            }
        })
    };
    let on_resume_interrupted = {
        let (interrupted, start_run, plan) = (interrupted.clone(), start_run.clone(), plan.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some((meta, j)) = (*interrupted).clone() {
                let p = Rc::new(meta.plan.clone());
                plan.set(Some(p.clone()));
                start_run.emit((p, Some((meta, j))));
            }
        })
    };
    let on_forget = {
        let interrupted = interrupted.clone();
        Callback::from(move |_: MouseEvent| {
            let interrupted = interrupted.clone();
            spawn_local(async move {
                if let Ok(db) = JournalDb::open().await {
                    let _ = db.clear().await;
                }
                interrupted.set(None);
            });
        })
    };
    let set_control = {
        let (control, paused) = (control.clone(), paused.clone());
        Callback::from(move |s: ControlState| {
            (**control).set(s);
            paused.set(s == ControlState::Paused);
        })
    };

    let on_verify = {
        let (client, plan, journal, verify, error) = (
            client.clone(),
            plan.clone(),
            journal.clone(),
            verify.clone(),
            error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (Some(c), Some(p), Some(j)) =
                ((*client).clone(), (*plan).clone(), (*journal).clone())
            else {
                return;
            };
            let (verify, error) = (verify.clone(), error.clone());
            spawn_local(async move {
                match run::verify(&c, &p, &j).await {
                    Ok(r) => verify.set(Some(r)),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };

    let on_undo = {
        let (client, journal, undo, error, confirm_undo) = (
            client.clone(),
            journal.clone(),
            undo.clone(),
            error.clone(),
            confirm_undo.clone(),
        );
        let (elsewhere, own) = (elsewhere.clone(), (*own).clone());
        Callback::from(move |_: MouseEvent| {
            let (Some(c), Some(j)) = ((*client).clone(), (*journal).clone()) else {
                return;
            };
            let (undo, error, journal) = (undo.clone(), error.clone(), journal.clone());
            let (elsewhere, own) = (elsewhere.clone(), own.clone());
            confirm_undo.set(false);
            spawn_local(async move {
                let _holding = match hold_journal(&own).await {
                    Ok(h) => h,
                    Err(HoldError::Elsewhere) => {
                        elsewhere.set(true);
                        return error.set(Some(tr(T::RunningElsewhere).to_string()));
                    }
                    Err(HoldError::Lock(e)) => return error.set(Some(e)),
                };
                let db = match JournalDb::open().await {
                    Ok(db) => db,
                    Err(e) => return error.set(Some(e)),
                };
                let control = ControlState::Running;
                let runner = Runner::new(
                    &c,
                    (*j).clone(),
                    &db,
                    &control,
                    RunOptions::default(),
                    Box::new(|_| {}),
                );
                match runner.undo().await {
                    Ok(s) => undo.set(Some(s)),
                    Err(e) => error.set(Some(e.to_string())),
                }
                journal.set(Some(Rc::new(runner.into_journal())));
            });
        })
    };

    let download_journal = {
        let journal = journal.clone();
        Callback::from(move |json: bool| {
            if let Some(j) = &*journal {
                let _ = if json {
                    files::download(
                        "journal-migration.json",
                        "application/json",
                        j.to_json_in(lang).as_bytes(),
                    )
                } else {
                    files::download(
                        "journal-migration.csv",
                        "text/csv;charset=utf-8",
                        j.to_csv_in(lang).as_bytes(),
                    )
                };
            }
        })
    };

    // ----- view -----
    let connected = connection.is_some();
    let connect_form = match &*connection {
        Some(k) => {
            let on_apply = on_apply.clone();
            let profile = k.profile;
            let on_profile = {
                let on_apply = on_apply.clone();
                let entity = k.entity;
                Callback::from(move |e: Event| {
                    if let Ok(p) = event_value(&e).parse() {
                        on_apply.emit((p, entity));
                    }
                })
            };
            let on_entity = Callback::from(move |e: Event| {
                if let Ok(id) = event_value(&e).parse() {
                    on_apply.emit((profile, id));
                }
            });
            html! {
                <div class="connected">
                    <p id="connected-as">{ format!("{} : {}", tr(T::Connected), k.user) }</p>
                    <p>{ tr(T::GlpiVersion) }{ " : " }<strong id="glpi-version">{ &k.version }</strong></p>
                    <label>{ tr(T::Profile) }
                        <select id="profile-select" onchange={on_profile}>
                            { for k.profiles.iter().map(|(id, name)| html! {
                                <option value={id.to_string()} selected={*id == k.profile}>{ name }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ tr(T::Entity) }
                        <select id="entity-select" onchange={on_entity}>
                            { for k.entities.iter().map(|(id, name)| html! {
                                <option value={id.to_string()} selected={*id == k.entity}>{ format!("{name} ({id})") }</option>
                            }) }
                        </select>
                    </label>
                </div>
            }
        }
        None => {
            let toggle = {
                let use_password = use_password.clone();
                Callback::from(move |e: Event| use_password.set(event_value(&e) == "password"))
            };
            let set = |h: &UseStateHandle<String>| {
                let h = h.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(i) = event_input(&e) {
                        h.set(i.value());
                    }
                })
            };
            html! {
                <form id="connect-form" class="connect" onsubmit={on_connect}>
                    <select id="login-mode" onchange={toggle}>
                        <option value="token" selected={!*use_password}>{ tr(T::ModeToken) }</option>
                        <option value="password" selected={*use_password}>{ tr(T::ModePassword) }</option>
                    </select>
                    if *use_password {
                        <label>{ tr(T::Login) }<input id="login-name" autocomplete="username" oninput={set(&login)} /></label>
                        <label>{ tr(T::Password) }<input id="login-password" type="password" autocomplete="current-password" oninput={set(&password)} /></label>
                    } else {
                        <label>{ tr(T::Token) }<input id="login-token" type="password" autocomplete="off" oninput={set(&token)} /></label>
                    }
                    <button id="connect-button" type="submit" disabled={*busy}>
                        { if *busy { tr(T::Connecting) } else { tr(T::Connect) } }
                    </button>
                </form>
            }
        }
    };

    let templates = CompanionKind::ALL.into_iter().map(|kind| {
        let onclick = Callback::from(move |_: MouseEvent| {
            let _ = files::download(kind.template_name(), "text/csv;charset=utf-8", kind.template().as_bytes());
        });
        let help = if lang == Lang::Fr { kind.help_fr() } else { kind.help_en() };
        html! {
            <li>
                <button type="button" class="link template" data-template={kind.template_name()} {onclick}>{ kind.template_name() }</button>
                <span class="help">{ help }</span>
            </li>
        }
    });

    let option_toggles = {
        let on_create = {
            let options = options.clone();
            Callback::from(move |e: Event| {
                let mut o = (*options).clone();
                o.allow_create_dropdowns = event_checked(&e);
                options.set(o);
            })
        };
        let on_overwrite = {
            let options = options.clone();
            Callback::from(move |e: Event| {
                let mut o = (*options).clone();
                o.never_overwrite = event_checked(&e);
                options.set(o);
            })
        };
        let on_key = {
            let options = options.clone();
            Callback::from(move |e: Event| {
                let keys: Vec<Vec<String>> = match event_value(&e).as_str() {
                    "name" => vec![vec!["name".into()]],
                    "inventory" => vec![vec!["otherserial".into()], vec!["serial".into()]],
                    _ => vec![vec!["serial".into()], vec!["name".into()]],
                };
                let mut o = (*options).clone();
                for t in GlpiType::ALL.iter().filter(|t| t.is_asset()) {
                    o.keys.insert(*t, keys.clone());
                }
                options.set(o);
            })
        };
        html! {
            <div class="options">
                <label><input id="opt-create" type="checkbox" checked={options.allow_create_dropdowns} onchange={on_create} />{ tr(T::CreateDropdowns) }</label>
                <label><input id="opt-never-overwrite" type="checkbox" checked={options.never_overwrite} onchange={on_overwrite} />{ tr(T::NeverOverwrite) }</label>
                <label>{ tr(T::AssetKey) }
                    <select id="opt-key" onchange={on_key}>
                        <option value="serial">{ tr(T::KeySerialThenName) }</option>
                        <option value="name">{ tr(T::KeyName) }</option>
                        <option value="inventory">{ tr(T::KeyInventory) }</option>
                    </select>
                </label>
            </div>
        }
    };

    let running = *phase == Phase::Running;
    let plan_section = match &*plan {
        Some(p) => html! {
            <plan_view::PlanView
                {lang}
                plan={p.clone()}
                options={(*options).clone()}
                on_options={{
                    let options = options.clone();
                    Callback::from(move |o: PlanOptions| options.set(o))
                }}
            />
        },
        None => html! {},
    };

    let rights = if missing.is_empty() {
        html! {}
    } else {
        html! {
            <div id="missing-rights" class="error" role="alert">
                <strong>{ tr(T::MissingRights) }</strong>
                <ul>
                    { for missing.iter().map(|m| html! {
                        <li>{ format!("{} (« {} ») : {}", m.itemtype, m.right, m.needed.join(", ")) }</li>
                    }) }
                </ul>
            </div>
        }
    };

    html! {
        <section id="migrate-section" class="panel migrate">
            <h2>{ tr(T::Heading) }</h2>
            <p class="intro">{ tr(T::Intro) }</p>
            if *elsewhere {
                <div id="elsewhere-banner" class="banner" role="status" data-watched={watched.map(|(d, _)| d.to_string()).unwrap_or_default()}>
                    <p>{ tr(T::RunningElsewhere) }</p>
                    if let Some((done, total)) = *watched {
                        <p id="elsewhere-progress">{ format!("{} : {done} / {total}", tr(T::WatchProgress)) }</p>
                    }
                </div>
            }
            if let Some((meta, j)) = &*interrupted {
                <div id="resume-banner" class="banner" role="status">
                    <p>{ tr(T::Interrupted) }{ format!(" ({} / {})", j.records().len(), meta.plan.objects.len()) }</p>
                    <button id="resume-interrupted" type="button" disabled={!connected || running || *elsewhere} onclick={on_resume_interrupted}>{ tr(T::ResumeRun) }</button>
                    <button id="forget-interrupted" type="button" class="secondary" disabled={*elsewhere} onclick={on_forget}>{ tr(T::Forget) }</button>
                </div>
            }
            <h3>{ tr(T::ConnectHeading) }</h3>
            { connect_form }
            if let Some(e) = &*error {
                <p id="migrate-error" class="error" role="alert">{ e }</p>
            }
            <h3>{ tr(T::FilesHeading) }</h3>
            <p class="help">{ tr(T::FilesHelp) }</p>
            if !props.checked.files.is_empty() {
                <button id="use-checked" type="button" onclick={on_use_checked}>
                    { format!("{} ({})", tr(T::UseChecked), props.checked.files.len()) }
                </button>
            }
            <input id="migrate-files" type="file" multiple=true onchange={on_files} />
            <p id="migrate-file-names">
                { if inputs.files.is_empty() { tr(T::NoFiles).to_string() } else { inputs.files.iter().map(|(n, _, _)| n.as_str()).collect::<Vec<_>>().join(", ") } }
            </p>
            <p>{ tr(T::Templates) }</p>
            <ul class="templates">{ for templates }</ul>
            <h3>{ tr(T::OptionsHeading) }</h3>
            { option_toggles }
            <button id="plan-button" type="button" disabled={!connected || inputs.files.is_empty() || *busy || running} onclick={on_plan}>
                { if *busy && connected { tr(T::Planning) } else { tr(T::PlanButton) } }
            </button>
            if !connected {
                <span class="help">{ " " }{ tr(T::LoginFirst) }</span>
            }
            { plan_section }
            { rights }
            if plan.is_some() && *phase == Phase::Idle {
                <button id="run-button" type="button" class="primary" disabled={*elsewhere} onclick={on_run}>{ tr(T::RunButton) }</button>
            }
            <dashboard::Dashboard
                {lang}
                phase={(*phase).clone()}
                paused={*paused}
                progress={(*progress).clone()}
                journal={(*journal).clone()}
                verify={(*verify).clone()}
                undo={(*undo).clone()}
                confirm_undo={*confirm_undo}
                on_control={set_control}
                on_download={download_journal}
                {on_verify}
                on_undo_ask={{
                    let confirm_undo = confirm_undo.clone();
                    Callback::from(move |ask: bool| confirm_undo.set(ask))
                }}
                on_undo={on_undo}
                locked_elsewhere={*elsewhere}
            />
        </section>
    }
}
