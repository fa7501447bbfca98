//! The HR directory import (seed 004, issue 13) in the page: what the check shows of a
//! directory file (the reference panel opening when needed, the phase-one banner), and the
//! section that carries a checked directory file out on the national GLPI's users: the phase-2
//! preview line by line, the mapping and the PROFIL/PRIV correspondence table (editable, saved
//! as a template), the connection, the plan against the target, the run journaled and
//! resumable, the seed-004 error file, undo. The logic is the engine's, the same as
//! `passerelle directory`; the state is a reducer ([`model`]) and one driver holds the session.

mod driver;
pub mod model;
pub mod texts;

use passerelle_engine::diagnostic::Severity;
use passerelle_engine::directory::apply::{DirectoryMapping, Hierarchy, KeyField, TextTarget};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::choice::{self, Choice};
use crate::dom::{event_checked, event_input, event_value};
use crate::files;
use crate::i18n::Lang;
use model::{Busy, LineKind, Model, Msg, PreviewLine, Source, MAPPING_KEY};
use texts::T;

/// Props of [`DirectoryImport`].
#[derive(Properties, PartialEq)]
pub struct DirectoryImportProps {
    /// Current language.
    pub lang: Lang,
    /// The check's directory file with its references and service, if any.
    #[prop_or_default]
    pub source: Option<Source>,
}

fn kind_text(kind: LineKind) -> T {
    match kind {
        LineKind::Create => T::KindCreate,
        LineKind::Modify => T::KindModify,
        LineKind::Delete => T::KindDelete,
        LineKind::AlreadyDone => T::KindAlreadyDone,
        LineKind::Rejected => T::KindRejected,
        LineKind::Preview => T::KindPreview,
    }
}

fn kind_code(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Create => "create",
        LineKind::Modify => "modify",
        LineKind::Delete => "delete",
        LineKind::AlreadyDone => "already",
        LineKind::Rejected => "rejected",
        LineKind::Preview => "preview",
    }
}

/// The directory import section.
#[function_component(DirectoryImport)]
pub fn directory_import(props: &DirectoryImportProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let model = use_reducer(Model::default);
    let send: Callback<Msg> = {
        let d = model.dispatcher();
        Callback::from(move |m| d.dispatch(m))
    };
    let driver = {
        let send = send.clone();
        use_memo((), move |_| driver::Driver::new(send))
    };
    {
        let send = send.clone();
        use_effect_with((), move |_| {
            send.emit(Msg::Mounted(crate::prefs::load_item(MAPPING_KEY)))
        });
    }
    {
        let send = send.clone();
        use_effect_with(props.source.clone(), move |s| {
            send.emit(Msg::SetSource(s.clone()))
        });
    }
    {
        let (model, driver) = (model.clone(), driver.clone());
        use_effect(move || {
            for effect in model.take_effects() {
                driver.execute(effect);
            }
        });
    }
    let on = |msg: Msg| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(msg.clone()))
    };

    let Some(checked) = model.checked.clone() else {
        return html! {
            <section id="directory-section" class="panel fr-mb-4w" aria-labelledby="directory-heading" aria-busy="false">
                <h2 id="directory-heading">{ tr(T::Heading) }</h2>
                <p class="intro">{ tr(T::Intro) }</p>
                if let Some(e) = &model.refs_error {
                    <p id="directory-error" class="fr-alert fr-alert--error fr-alert--sm" role="alert">{ e.clone() }</p>
                } else {
                    <p id="directory-no-file" class="fr-text--sm">{ tr(T::NoFile) }</p>
                }
            </section>
        };
    };
    let report = &checked.report;
    let busy = model.busy != Busy::Idle;
    let preview = model.preview(lang);
    let count = |k: LineKind| preview.iter().filter(|p| p.kind == k).count();

    let on_token = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = event_input(&e) {
                send.emit(Msg::SetToken(i.value()));
            }
        })
    };
    let on_connect = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(Msg::Connect);
        })
    };
    let on_entity = {
        let send = send.clone();
        Callback::from(move |v: String| {
            if let Ok(id) = v.parse() {
                send.emit(Msg::SetEntity(id));
            }
        })
    };
    let busy_text = match model.busy {
        Busy::Idle => None,
        Busy::Connecting => Some(T::Connecting),
        Busy::Planning => Some(T::Planning),
        Busy::Running => Some(T::Running),
        Busy::Undoing => Some(T::Undoing),
    };

    html! {
        <section id="directory-section" class="panel fr-mb-4w" aria-labelledby="directory-heading"
            aria-busy={busy.to_string()} data-file={checked.source.name.clone()}>
            <h2 id="directory-heading">{ tr(T::Heading) }</h2>
            <p class="intro">{ tr(T::Intro) }</p>
            <p id="directory-file"><strong>{ tr(T::FileLabel) }{ " : " }</strong>{ checked.source.name.clone() }</p>
            if !report.phase_one_ok {
                <div id="directory-phase-one" class="fr-alert fr-alert--error" role="alert">
                    <h3 class="fr-alert__title">{ T::PhaseOneFailed.in_lang(lang) }</h3>
                    <p>{ tr(T::RunBlocked) }</p>
                </div>
            }
            { mapping_view(lang, &model.mapping, model.mapping_error.as_deref(),
                model.connection.as_ref().map(|c| c.profiles.as_slice()).unwrap_or(&[]), &send) }

            <h3>{ tr(T::ConnectHeading) }</h3>
            if let Some(c) = &model.connection {
                <p id="directory-connected" class="fr-badge fr-badge--success">{ format!("{}{} (GLPI {})", tr(T::ConnectedAs), c.user, c.version) }</p>
                <Choice id="directory-entity" label={tr(T::Entity)} disabled={busy}
                    options={choice::options(c.entities.iter().map(|(id, name)| (id.to_string(), format!("{name} ({id})"))))}
                    value={model.entity.to_string()} onchange={on_entity} />
            } else {
                <form id="directory-connect" class="fr-input-group" onsubmit={on_connect}>
                    <label class="fr-label" for="directory-token">{ tr(T::Token) }</label>
                    <input id="directory-token" class="fr-input" type="password" autocomplete="off"
                        value={model.token.clone()} oninput={on_token} />
                    <button id="directory-connect-button" type="submit" class="fr-btn fr-mt-1w" disabled={busy}>{ tr(T::Connect) }</button>
                </form>
            }

            <div class="fr-checkbox-group fr-mt-2w">
                <input id="directory-passwords" type="checkbox" checked={model.passwords} disabled={busy}
                    onchange={{
                        let send = send.clone();
                        Callback::from(move |e: Event| send.emit(Msg::SetPasswords(event_checked(&e))))
                    }} />
                <label class="fr-label" for="directory-passwords">{ tr(T::PasswordsOption) }</label>
            </div>
            <div class="fr-btns-group fr-btns-group--inline fr-mt-2w">
                <button id="directory-plan-button" type="button" class="fr-btn fr-btn--secondary"
                    disabled={!model.can_plan()} onclick={on(Msg::Plan)}>{ tr(T::PlanButton) }</button>
                <button id="directory-run-button" type="button" class="fr-btn"
                    disabled={!model.can_run()} onclick={on(Msg::Run)}>{ tr(T::RunButton) }</button>
                if model.stored.is_some() && model.connection.is_some() {
                    <button id="directory-resume-button" type="button" class="fr-btn fr-btn--secondary"
                        disabled={busy} onclick={on(Msg::Resume)}>{ tr(T::Resume) }</button>
                }
                <button id="directory-errors-button" type="button" class="fr-btn fr-btn--tertiary"
                    onclick={on(Msg::DownloadErrors)}>{ tr(T::DownloadErrors) }</button>
                if model.passwords_ready > 0 {
                    <button id="directory-passwords-button" type="button" class="fr-btn fr-btn--secondary"
                        data-count={model.passwords_ready.to_string()}
                        onclick={on(Msg::DownloadPasswords)}>{ format!("{} ({})", tr(T::DownloadPasswords), model.passwords_ready) }</button>
                }
                if !model.runs.is_empty() && model.connection.is_some() {
                    <button id="directory-undo-button" type="button" class="fr-btn fr-btn--tertiary"
                        disabled={busy} onclick={on(Msg::Undo)}>{ tr(T::Undo) }</button>
                }
            </div>
            <p id="directory-status" role="status" aria-live="polite"
                data-phase={match model.busy { Busy::Idle => "idle", Busy::Connecting => "connecting", Busy::Planning => "planning", Busy::Running => "running", Busy::Undoing => "undoing" }}
                data-run={model.run_clean.map_or("none", |c| if c { "clean" } else { "errors" })}
                data-undone={model.undone.is_some().to_string()}>
                if let Some(t) = busy_text { { tr(t) } }
                else if let Some(u) = &model.undone {
                    { format!("{} {} {}, {} {}, {} {}", tr(T::Undone), u.removed, tr(T::Removed), u.restored, tr(T::Restored), u.failed, tr(T::Failed)) }
                } else if let Some(clean) = model.run_clean {
                    { tr(if clean { T::RunClean } else { T::RunWithErrors }) }
                }
            </p>
            if let Some(e) = &model.error {
                <p id="directory-error" class="fr-alert fr-alert--error fr-alert--sm" role="alert">{ e.clone() }</p>
            }

            <h3>{ tr(T::PreviewHeading) }</h3>
            <p class="fr-text--sm">{ tr(if model.plan.is_some() { T::PreviewFromPlan } else { T::PreviewFromCheck }) }</p>
            <p id="directory-counts" data-planned={model.plan.is_some().to_string()} data-create={count(LineKind::Create).to_string()} data-modify={count(LineKind::Modify).to_string()}
                data-delete={count(LineKind::Delete).to_string()} data-already={count(LineKind::AlreadyDone).to_string()}
                data-rejected={count(LineKind::Rejected).to_string()}>
                { format!("{} {}, {} {}, {} {}, {} {}, {} {}",
                    count(LineKind::Create), tr(T::CountCreate), count(LineKind::Modify), tr(T::CountModify),
                    count(LineKind::Delete), tr(T::CountDelete), count(LineKind::AlreadyDone), tr(T::CountAlready),
                    count(LineKind::Rejected) + count(LineKind::Preview), tr(T::CountRejected)) }
            </p>
            <div class="fr-table fr-table--no-caption">
                <table id="directory-preview">
                    <caption>{ tr(T::PreviewHeading) }</caption>
                    <thead><tr>
                        <th scope="col">{ tr(T::Line) }</th><th scope="col">{ tr(T::Action) }</th>
                        <th scope="col">{ tr(T::GlpiLogin) }</th><th scope="col">{ tr(T::Changes) }</th>
                        <th scope="col">{ tr(T::Messages) }</th>
                    </tr></thead>
                    <tbody>
                        { for preview.iter().map(|p| preview_row(lang, p)) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn preview_row(lang: Lang, p: &PreviewLine) -> Html {
    let action = match p.would {
        Some(w) => format!(
            "{} {}",
            kind_text(p.kind).in_lang(lang),
            kind_text(w).in_lang(lang)
        ),
        None => kind_text(p.kind).in_lang(lang).to_string(),
    };
    let badge = match p.kind {
        LineKind::Rejected | LineKind::Preview => "fr-badge fr-badge--error fr-badge--sm",
        LineKind::AlreadyDone => "fr-badge fr-badge--sm",
        _ => "fr-badge fr-badge--info fr-badge--sm",
    };
    html! {
        <tr class="directory-line" data-line={p.line.to_string()} data-kind={kind_code(p.kind)}>
            <td>{ p.line }</td>
            <td><span class={badge}>{ action }</span></td>
            <td class="login">{ p.login.clone().unwrap_or_default() }</td>
            <td class="changes">
                <ul class="fr-text--sm">
                    { for p.changes.iter().map(|(k, v)| html! { <li><code>{ k.clone() }</code>{ " = " }{ v.clone() }</li> }) }
                </ul>
            </td>
            <td class="messages">
                <ul class="fr-text--sm">
                    { for p.messages.iter().map(|(s, m)| {
                        let class = match s { Severity::Error => "sev-error", Severity::Warning => "sev-warning", Severity::Info => "sev-info" };
                        html! { <li class={class}>{ format!("{} : {m}", s.label(lang)) }</li> }
                    }) }
                </ul>
            </td>
        </tr>
    }
}

/// The mapping onto GLPI users and the PROFIL/PRIV correspondence table, editable.
fn mapping_view(
    lang: Lang,
    m: &DirectoryMapping,
    error: Option<&str>,
    profiles: &[String],
    send: &Callback<Msg>,
) -> Html {
    let tr = move |t: T| t.in_lang(lang);
    let edit = |change: fn(&mut DirectoryMapping, String)| {
        let (send, m) = (send.clone(), m.clone());
        Callback::from(move |v: String| {
            let mut next = m.clone();
            change(&mut next, v);
            send.emit(Msg::SetMapping(next));
        })
    };
    let target_of = |v: &str| match v {
        "title" => TextTarget::Title,
        "category" => TextTarget::Category,
        _ => TextTarget::Ignore,
    };
    let text_select = |id: &'static str, label: T, current: TextTarget, on: Callback<String>| {
        let targets = [
            (TextTarget::Title, "title", T::TargetTitle),
            (TextTarget::Category, "category", T::TargetCategory),
            (TextTarget::Ignore, "ignore", T::TargetIgnore),
        ];
        let value = targets
            .iter()
            .find(|(t, _, _)| *t == current)
            .map_or("ignore", |(_, v, _)| *v);
        html! {
            <Choice {id} label={tr(label)} {value} onchange={on}
                options={choice::options(targets.into_iter().map(|(_, v, l)| (v, tr(l))))} />
        }
    };
    let on_civilite = {
        let (send, m) = (send.clone(), m.clone());
        Callback::from(move |v: String| {
            send.emit(Msg::SetMapping(DirectoryMapping {
                civilite: target_of(&v),
                ..m.clone()
            }))
        })
    };
    let on_fonction = {
        let (send, m) = (send.clone(), m.clone());
        Callback::from(move |v: String| {
            send.emit(Msg::SetMapping(DirectoryMapping {
                fonction: target_of(&v),
                ..m.clone()
            }))
        })
    };
    let on_key = edit(|m, v| {
        m.key_field = if v == "registration_number" {
            KeyField::RegistrationNumber
        } else {
            KeyField::SyncField
        }
    });
    let on_missions = {
        let (send, m) = (send.clone(), m.clone());
        Callback::from(move |e: Event| {
            send.emit(Msg::SetMapping(DirectoryMapping {
                missions_group: event_value(&e).trim().to_string(),
                ..m.clone()
            }))
        })
    };
    let on_hierarchy = edit(|m, v| {
        m.hierarchy = if v == "entities" {
            Hierarchy::Entities
        } else {
            Hierarchy::Groups
        }
    });
    let on_import = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let Some(list) = event_input(&e).and_then(|i| i.files()) else {
                return;
            };
            let send = send.clone();
            spawn_local(async move {
                if let Ok(read) = files::read_file_list(list).await {
                    for (_, bytes) in read {
                        send.emit(Msg::ImportMapping(
                            String::from_utf8_lossy(&bytes).into_owned(),
                        ));
                    }
                }
            });
        })
    };
    let fixed = m.rows();
    html! {
        <details id="directory-mapping" class="fr-mt-2w" open=true>
            <summary><h3 class="fr-h6 directory-summary">{ tr(T::MappingHeading) }</h3></summary>
            if let Some(e) = error {
                <p id="directory-mapping-error" class="fr-alert fr-alert--error fr-alert--sm" role="alert">{ e.to_string() }</p>
            }
            { text_select("directory-civilite", T::Civilite, m.civilite, on_civilite) }
            { text_select("directory-fonction", T::Fonction, m.fonction, on_fonction) }
            <Choice id="directory-key" label={tr(T::KeyField)} onchange={on_key}
                options={choice::options([
                    ("sync_field", format!("{} (sync_field)", tr(T::KeySync))),
                    ("registration_number", format!("{} (registration_number)", tr(T::KeyRegistration))),
                ])}
                value={if m.key_field == KeyField::RegistrationNumber { "registration_number" } else { "sync_field" }} />
            <Choice id="directory-hierarchy" label={tr(T::Hierarchy)} onchange={on_hierarchy}
                options={choice::options([
                    ("groups", tr(T::HierarchyGroups).to_string()),
                    ("entities", tr(T::HierarchyEntities).to_string()),
                ])}
                value={if m.hierarchy == Hierarchy::Entities { "entities" } else { "groups" }} />
            <div class="fr-input-group">
                <label class="fr-label" for="directory-missions">{ tr(T::MissionsGroup) }</label>
                <input id="directory-missions" class="fr-input" type="text" value={m.missions_group.clone()} onchange={on_missions} />
            </div>
            <div class="fr-table">
                <table id="directory-profiles">
                    <caption>{ tr(T::ProfilesHeading) }</caption>
                    <thead><tr><th scope="col">{ "PROFIL" }</th><th scope="col">{ tr(T::GlpiProfile) }</th></tr></thead>
                    <tbody>
                    { for m.profils.iter().map(|(p, name)| {
                        let on = {
                            let (send, m, p) = (send.clone(), m.clone(), p.clone());
                            Callback::from(move |e: Event| {
                                let mut next = m.clone();
                                next.profils.insert(p.clone(), event_value(&e).trim().to_string());
                                send.emit(Msg::SetMapping(next));
                            })
                        };
                        let id = format!("directory-profil-{p}");
                        html! {
                            <tr class="profil-row" data-profil={p.clone()}>
                                <th scope="row"><label for={id.clone()}>{ format!("PROFIL {p}") }</label></th>
                                <td><input id={id} class="fr-input profil-name" type="text" list="directory-glpi-profiles" value={name.clone()} onchange={on} /></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                <datalist id="directory-glpi-profiles">
                    { for profiles.iter().map(|p| html! { <option value={p.clone()} /> }) }
                </datalist>
            </div>
            <fieldset class="fr-fieldset" id="directory-privileges">
                <legend class="fr-fieldset__legend">{ format!("PRIV : {}", tr(T::Recursive)) }</legend>
                { for m.privileges.iter().map(|(p, rec)| {
                    let on = {
                        let (send, m, p) = (send.clone(), m.clone(), p.clone());
                        Callback::from(move |e: Event| {
                            let mut next = m.clone();
                            next.privileges.insert(p.clone(), event_checked(&e));
                            send.emit(Msg::SetMapping(next));
                        })
                    };
                    let id = format!("directory-priv-{p}");
                    html! {
                        <div class="fr-fieldset__element fr-checkbox-group">
                            <input id={id.clone()} type="checkbox" class="priv-recursive" checked={*rec} onchange={on} />
                            <label class="fr-label" for={id}>{ format!("PRIV {p}") }</label>
                        </div>
                    }
                }) }
            </fieldset>
            <div class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <button id="directory-save-mapping" type="button" class="fr-btn fr-btn--secondary fr-btn--sm"
                    onclick={{ let send = send.clone(); Callback::from(move |_: MouseEvent| send.emit(Msg::SaveMapping)) }}>{ tr(T::SaveMapping) }</button>
                <label class="fr-btn fr-btn--tertiary fr-btn--sm">
                    { tr(T::ImportMapping) }
                    <input id="directory-import-mapping" type="file" accept=".json,application/json" class="fr-sr-only" onchange={on_import} />
                </label>
            </div>
            <details class="fr-mt-1w">
                <summary>{ tr(T::FixedRows) }</summary>
                <table id="directory-mapping-rows" class="fr-table">
                    <tbody>
                    { for fixed.iter().map(|(a, b)| html! { <tr><th scope="row">{ a.clone() }</th><td>{ b.clone() }</td></tr> }) }
                    </tbody>
                </table>
            </details>
        </details>
    }
}
