//! The migration panel: connect, choose files and options, see the plan (dry-run), run it with
//! a dashboard, pause / resume / cancel, download the journal, verify, undo, and resume a run
//! interrupted by a closed tab or a crash.
//!
//! All the logic is the engine's; the panel's state is a reducer ([`model`]) over the engine's
//! migration session, and one driver (`driver.rs`) holds that session (fetch through the proxy,
//! [`crate::browser::FetchTransport`]), the journal in IndexedDB ([`crate::browser::JournalDb`])
//! held by one tab at a time ([`crate::browser::web_lock`]: another tab of the page is told a
//! migration is running elsewhere and can only watch), and the panel's channel to the worker,
//! which drafts the plan from the files it checked: the page only reads the target and plans.

mod confirm;
mod connect;
mod dashboard;
mod driver;
pub mod model;
mod plan_view;
mod remedy;
mod source;
pub mod texts;

use std::rc::Rc;

use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::plan::PlanOptions;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::checker::model::CheckedFiles;
use crate::components::choice::{self, Choice};
use crate::dom::{event_checked, event_input};
use crate::files;
use crate::i18n::Lang;
use model::{AssetKey, Confirm, Model, Msg, Problem};
pub use model::{Connection, Phase};
use texts::T;

/// Props of [`Migration`].
#[derive(Properties, PartialEq)]
pub struct MigrationProps {
    /// Current language.
    pub lang: Lang,
    /// The files of the check above, with the user's corrections and mappings.
    #[prop_or_default]
    pub checked: Rc<CheckedFiles>,
    /// Called with where the migration is (connected, planned, running…), for the stepper.
    #[prop_or_default]
    pub on_stage: Callback<crate::flow::MigrationStage>,
}

/// A problem in the page's language.
fn render_problem(problem: &Problem, lang: Lang) -> String {
    match problem {
        Problem::Text(t) => remedy::explained(t, lang),
        Problem::Both { fr, en } => {
            if lang == Lang::Fr {
                remedy::explained(fr, lang)
            } else {
                remedy::explained(en, lang)
            }
        }
        // A file that cannot be read or migrated stops everything (its rows would be lost
        // without a trace); each is named with its line.
        Problem::Stops(problems) => problems
            .iter()
            .map(|d| {
                format!(
                    "{}, {} {} : {}",
                    d.file,
                    T::Line.in_lang(lang),
                    d.line,
                    d.message(lang)
                )
            })
            .collect::<Vec<_>>()
            .join(" — "),
        Problem::RunningElsewhere => T::RunningElsewhere.in_lang(lang).to_string(),
    }
}

/// Scrolls the element of id `id` into view and gives it the focus.
fn focus_into_view(id: &str) {
    use wasm_bindgen::JsCast;
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    el.scroll_into_view();
    let _ = el.focus();
}

/// The migration panel.
#[function_component(Migration)]
pub fn migration(props: &MigrationProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let model = use_reducer(Model::default);
    let send: Callback<Msg> = {
        let d = model.dispatcher();
        Callback::from(move |m| d.dispatch(m))
    };
    // The one holder of the session, the journal's lock and the worker channel.
    let driver = {
        let send = send.clone();
        use_memo((), move |_| driver::Driver::new(send))
    };
    {
        let send = send.clone();
        use_effect_with((), move |_| send.emit(Msg::Mounted));
    }
    {
        let on_stage = props.on_stage.clone();
        use_effect_with(crate::flow::MigrationStage::of(&model), move |stage| {
            on_stage.emit(*stage)
        });
    }
    // When a run starts, the dashboard comes into view with the focus, so progress is seen
    // (and heard) where it is.
    {
        let running = model.phase == Phase::Running;
        use_effect_with(running, move |running| {
            if *running {
                focus_into_view("dashboard");
            }
        });
    }
    // After each render, the effects the reducer asked for.
    {
        let (model, driver) = (model.clone(), driver.clone());
        use_effect(move || {
            for effect in model.take_effects() {
                driver.execute(effect);
            }
        });
    }
    let on = |make: fn() -> Msg| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(make()))
    };

    let on_files = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let Some(list) = event_input(&e).and_then(|i| i.files()) else {
                return;
            };
            let send = send.clone();
            spawn_local(async move {
                match files::read_file_list(list).await {
                    Ok(read) => send.emit(Msg::FilesPicked(
                        read.into_iter().map(|(n, b)| (n, Rc::new(b))).collect(),
                    )),
                    Err(e) => send.emit(Msg::PickFailed(e)),
                }
            });
        })
    };
    // The files of the check above, with their corrections, mappings and templates.
    let on_use_checked = {
        let (send, checked) = (send.clone(), props.checked.clone());
        Callback::from(move |_: MouseEvent| send.emit(Msg::UseChecked(checked.clone())))
    };
    let on_options = {
        let send = send.clone();
        Callback::from(move |o: PlanOptions| send.emit(Msg::SetOptions(o)))
    };
    let options = model.options.clone();
    let busy = model.busy;
    let elsewhere = model.elsewhere;

    // ----- view -----
    let connected = model.connection.is_some();
    let connect_form = match &model.connection {
        Some(k) => {
            let (profile, entity) = (k.profile, k.entity);
            let on_profile = {
                let send = send.clone();
                Callback::from(move |v: String| {
                    if let Ok(p) = v.parse() {
                        send.emit(Msg::ChooseScope { profile: p, entity });
                    }
                })
            };
            let on_entity = {
                let send = send.clone();
                Callback::from(move |v: String| {
                    if let Ok(id) = v.parse() {
                        send.emit(Msg::ChooseScope {
                            profile,
                            entity: id,
                        });
                    }
                })
            };
            html! {
                <div class="connected">
                    <p id="connected-as" class="fr-mb-1w">{ format!("{} : {}", tr(T::Connected), k.user) }</p>
                    <p>{ tr(T::GlpiVersion) }{ " : " }<strong id="glpi-version">{ &k.version }</strong></p>
                    <div class="fr-grid-row fr-grid-row--gutters">
                        <div class="fr-col-12 fr-col-md-6">
                            <Choice id="profile-select" label={tr(T::Profile)} onchange={on_profile}
                                options={choice::options(k.profiles.iter().map(|(id, name)| (id.to_string(), name.clone())))}
                                value={k.profile.to_string()} />
                        </div>
                        <div class="fr-col-12 fr-col-md-6">
                            <Choice id="entity-select" label={tr(T::Entity)} onchange={on_entity}
                                options={choice::options(k.entities.iter().map(|(id, name)| (id.to_string(), name.clone())))}
                                value={k.entity.to_string()} />
                        </div>
                    </div>
                </div>
            }
        }
        None => html! {
            <connect::ConnectForm {lang} form={model.form.clone()} busy={busy}
                on_form={send.reform(Msg::SetForm)} on_submit={send.reform(|()| Msg::Connect)} />
        },
    };

    let templates = CompanionKind::ALL.into_iter().map(|kind| {
        let onclick = Callback::from(move |_: MouseEvent| {
            let _ = files::download(kind.template_name(), "text/csv;charset=utf-8", kind.template().as_bytes());
        });
        let help = if lang == Lang::Fr { kind.help_fr() } else { kind.help_en() };
        html! {
            <li>
                <button type="button" class="template fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-download-line fr-btn--icon-left" data-template={kind.template_name()} {onclick}>{ kind.template_name() }</button>
                <span class="help fr-hint-text">{ help }</span>
            </li>
        }
    });

    let option_toggles = {
        let on_create = {
            let (options, send) = (options.clone(), send.clone());
            Callback::from(move |e: Event| {
                let mut o = options.clone();
                o.allow_create_dropdowns = event_checked(&e);
                send.emit(Msg::SetOptions(o));
            })
        };
        let on_overwrite = {
            let (options, send) = (options.clone(), send.clone());
            Callback::from(move |e: Event| {
                let mut o = options.clone();
                o.never_overwrite = event_checked(&e);
                send.emit(Msg::SetOptions(o));
            })
        };
        let on_key = {
            let send = send.clone();
            Callback::from(move |code: String| {
                if let Some(key) = AssetKey::ALL.into_iter().find(|k| k.code() == code) {
                    send.emit(Msg::SetAssetKey(key));
                }
            })
        };
        // The select shows the key in force, never a choice the run would not use.
        let in_force = AssetKey::in_force(&options);
        let key_text = |k: AssetKey| match k {
            AssetKey::SerialThenName => T::KeySerialThenName,
            AssetKey::Name => T::KeyName,
            AssetKey::InventoryThenSerial => T::KeyInventory,
        };
        html! {
            <div class="options">
                <div class="fr-checkbox-group fr-mb-1w">
                    <input id="opt-create" type="checkbox" checked={options.allow_create_dropdowns} onchange={on_create} />
                    <label class="fr-label" for="opt-create">{ tr(T::CreateDropdowns) }</label>
                </div>
                <div class="fr-checkbox-group fr-mb-2w">
                    <input id="opt-never-overwrite" type="checkbox" checked={options.never_overwrite} onchange={on_overwrite} />
                    <label class="fr-label" for="opt-never-overwrite">{ tr(T::NeverOverwrite) }</label>
                </div>
                <Choice id="opt-key" label={tr(T::AssetKey)} onchange={on_key}
                    options={choice::options(AssetKey::ALL.into_iter().map(|k| (k.code(), tr(key_text(k))))
                        .chain(in_force.is_none().then(|| ("", tr(T::KeyOther)))))}
                    value={in_force.map(|k| k.code()).unwrap_or_default()} />
            </div>
        }
    };

    let running = model.phase == Phase::Running;
    let plan_section = match &model.plan {
        Some(p) => html! {
            <plan_view::PlanView
                {lang}
                plan={p.clone()}
                options={options.clone()}
                {on_options}
                on_choose_all={send.reform(|(itemtype, choice)| Msg::ChooseAll { itemtype, choice })}
                entities={model.connection.as_ref().map(|c| c.entities.clone()).unwrap_or_default()}
                searches={model.searches.clone()}
                picked={model.picked.clone()}
                on_search={send.reform(|(itemtype, value, text)| Msg::SearchTyped { itemtype, value, text })}
                on_pick={send.reform(|(itemtype, value, found)| Msg::PickExisting { itemtype, value, found })}
            />
        },
        None => html! {},
    };

    let rights = if model.missing.is_empty() {
        html! {}
    } else {
        html! {
            <div id="missing-rights" class="fr-alert fr-alert--error fr-my-2w" role="alert">
                <h4 class="fr-alert__title">{ tr(T::MissingRights) }</h4>
                <ul>
                    { for model.missing.iter().map(|m| html! {
                        <li>{ format!("{} (« {} ») : {}", m.itemtype, m.right, m.needed.join(", ")) }</li>
                    }) }
                </ul>
            </div>
        }
    };

    // What this browser keeps of the last migration, where, until when; export and purge.
    let kept = match &model.kept {
        Some(k) if model.phase != Phase::Running => {
            let until = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
                crate::browser::purge_at(k.0.started_ms),
            ))
            .to_locale_date_string(
                if lang == Lang::Fr { "fr-FR" } else { "en-GB" },
                &wasm_bindgen::JsValue::UNDEFINED,
            );
            let text = if lang == Lang::Fr {
                format!(
                    "Ce navigateur garde le journal de la dernière migration ({} ; il contient les données des fichiers, dont des adresses e-mail et des numéros de téléphone) dans sa base IndexedDB « passerelle-journal », pour reprendre, vérifier ou annuler. Il l'efface de lui-même le {} ({} jours après le lancement), ou dès maintenant ci-dessous.",
                    texts::counted(k.1.records().len(), texts::W::Object, lang),
                    String::from(until),
                    crate::browser::RETENTION_DAYS
                )
            } else {
                format!(
                    "This browser keeps the last migration's journal ({}; it holds the files' data, e-mail addresses and phone numbers included) in its IndexedDB database \"passerelle-journal\", to resume, verify or undo. It erases it by itself on {} ({} days after the start), or now below.",
                    texts::counted(k.1.records().len(), texts::W::Object, lang),
                    String::from(until),
                    crate::browser::RETENTION_DAYS
                )
            };
            html! {
                <div id="kept-data" class="fr-callout kept-data" data-retention-days={crate::browser::RETENTION_DAYS.to_string()}>
                    <h3 class="fr-callout__title">{ tr(T::KeptHeading) }</h3>
                    <p class="fr-callout__text">{ text }</p>
                    <button id="journal-export" type="button" class="fr-btn fr-btn--secondary" onclick={{ let send = send.clone(); Callback::from(move |_: MouseEvent| send.emit(Msg::ExportKept(lang))) }}>{ tr(T::ExportKept) }</button>
                    { " " }
                    <button id="journal-purge" type="button" class="fr-btn fr-btn--tertiary danger" disabled={elsewhere} onclick={on(|| Msg::Purge)}>{ tr(T::PurgeNow) }</button>
                </div>
            }
        }
        _ => html! {},
    };

    let confirm_dialog = match (model.confirm, &model.connection) {
        (Some(kind), Some(c)) => {
            let counts = match kind {
                Confirm::Run => model.plan.as_deref().map(confirm::run_counts),
                Confirm::Undo => model.journal.as_deref().map(confirm::undo_counts),
            }
            .unwrap_or_default();
            let yes = match kind {
                Confirm::Run => on(|| Msg::Run),
                Confirm::Undo => on(|| Msg::Undo),
            };
            html! {
                <confirm::ConfirmDialog {lang} {kind} {counts}
                    target={c.api_url.clone()} entity={c.entity_name(c.entity)}
                    on_yes={yes} on_no={send.reform(|()| Msg::Ask(None))} />
            }
        }
        _ => html! {},
    };

    html! {
        <section id="migrate-section" class="panel migrate" aria-busy={busy.to_string()}
            data-main-thread-bytes-read={passerelle_engine::check::bytes_read().to_string()}>
            <h2>{ tr(T::Heading) }</h2>
            <p class="intro">{ tr(T::Intro) }</p>
            if elsewhere {
                <div id="elsewhere-banner" class="fr-alert fr-alert--info fr-mb-2w" role="status" data-watched={model.watched.map(|(d, _)| d.to_string()).unwrap_or_default()}>
                    <p>{ tr(T::RunningElsewhere) }</p>
                    if let Some((done, total)) = model.watched {
                        <p id="elsewhere-progress">{ format!("{} : {done} / {total}", tr(T::WatchProgress)) }</p>
                    }
                </div>
            }
            if let Some(stored) = &model.interrupted {
                <div id="resume-banner" class="fr-alert fr-alert--warning fr-mb-2w" role="status">
                    <p>{ tr(T::Interrupted) }{ format!(" ({} / {})", stored.1.records().len(), stored.0.plan.objects.len()) }</p>
                    <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-1w">
                        <li><button id="resume-interrupted" type="button" class="fr-btn" disabled={!connected || running || elsewhere} onclick={on(|| Msg::ResumeInterrupted)}>{ tr(T::ResumeRun) }</button></li>
                        <li><button id="forget-interrupted" type="button" class="fr-btn fr-btn--secondary" disabled={elsewhere} onclick={on(|| Msg::Forget)}>{ tr(T::Forget) }</button></li>
                    </ul>
                </div>
            }
            <h3 class="fr-mt-2w">{ tr(T::ConnectHeading) }</h3>
            { connect_form }
            if let Some(e) = &model.error {
                <div id="migrate-error" class="fr-alert fr-alert--error fr-alert--sm fr-my-2w" role="alert"><p>{ render_problem(e, lang) }</p></div>
            }
            <h3 class="fr-mt-4w">{ tr(T::FilesHeading) }</h3>
            if model.source.available {
                <source::OriginChoice {lang} api={model.source.chosen} disabled={running || model.source.reading}
                    on_choose={send.reform(Msg::ChooseApi)} />
            }
            if model.source.chosen {
                { source::source_panel(lang, &model.source, running, &send) }
            } else {
            if !props.checked.files.is_empty() {
                <button id="use-checked" type="button" class="fr-btn fr-mb-2w" onclick={on_use_checked}>
                    { format!("{} ({})", tr(T::UseChecked), props.checked.files.len()) }
                </button>
            }
            <div class="fr-upload-group">
                <label class="fr-label" for="migrate-files">
                    { tr(T::PickFiles) }
                    <span class="fr-hint-text">{ tr(T::FilesHelp) }</span>
                </label>
                <input id="migrate-files" class="fr-upload" type="file" multiple=true onchange={on_files} />
            </div>
            <p id="migrate-file-names" class="fr-mt-1w">
                { match &model.sources { None => tr(T::NoFiles).to_string(), Some(s) => s.names.join(", ") } }
            </p>
            <p class="fr-mb-1v">{ tr(T::Templates) }</p>
            <ul class="templates">{ for templates }</ul>
            }
            <h3 class="fr-mt-4w">{ tr(T::OptionsHeading) }</h3>
            { option_toggles }
            <button id="plan-button" type="button" class="fr-btn fr-mt-2w" disabled={!model.can_plan()}
                aria-busy={(busy && connected).to_string()} onclick={on(|| Msg::Plan)}>
                { if busy && connected { tr(T::Planning) } else { tr(T::PlanButton) } }
            </button>
            if !connected {
                <p class="fr-hint-text fr-mt-1v">{ tr(T::LoginFirst) }</p>
            }
            { plan_section }
            { rights }
            if model.plan.is_some() && model.phase == Phase::Idle {
                <button id="run-button" type="button" class="fr-btn fr-btn--lg fr-mt-2w" disabled={!model.can_run()} onclick={on(|| Msg::Ask(Some(Confirm::Run)))}>{ tr(T::RunButton) }</button>
            }
            { confirm_dialog }
            { kept }
            <dashboard::Dashboard
                {lang}
                phase={model.phase.clone()}
                paused={model.paused}
                progress={model.progress.clone()}
                journal={model.journal.clone()}
                verify={model.verify.clone()}
                undo={model.undo.clone()}
                verifying={model.verifying}
                undoing={model.undoing}
                can_undo={model.can_undo()}
                on_control={send.reform(Msg::Control)}
                on_download={send.reform(move |json| Msg::Download(json, lang))}
                on_verify={on(|| Msg::Verify)}
                on_ask_undo={on(|| Msg::Ask(Some(Confirm::Undo)))}
                locked_elsewhere={elsewhere}
            />
        </section>
    }
}
