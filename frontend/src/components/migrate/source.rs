//! Where the migration's objects come from (issue 16): the CSV files, or the local GLPI read
//! through the proxy's `/source-api`. Offered only when the proxy reads a local GLPI. With the
//! local GLPI: its login (the same form as the national GLPI's), the entity to read, the read
//! with its progress (resumable: kept in the journal database), and what was read per type.

use passerelle_engine::migrate::source::{Census, SourceCount};
use yew::prelude::*;

use super::connect::ConnectForm;
use super::model::{Msg, SourceSide};
use super::texts::{counted, type_label, W};
use crate::components::choice::{self, Choice};
use crate::i18n::Lang;

/// One text of the source choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum S {
    Legend,
    Files,
    Api,
    ApiHeading,
    ConnectedTo,
    Entity,
    EntityHint,
    Read,
    ContinueRead,
    ReadAgain,
    Reading,
    CancelRead,
    ReadProgress,
    Interrupted,
    ReadDone,
    ReadStopped,
    CountsCaption,
    ItemType,
    ReadCount,
    NotCarried,
    Reasons,
    LoginFirst,
    NotMigrated,
    NotCounted,
}

impl S {
    /// Every text, for the completeness test.
    #[cfg(test)]
    pub const ALL: [S; 24] = [
        S::Legend,
        S::Files,
        S::Api,
        S::ApiHeading,
        S::ConnectedTo,
        S::Entity,
        S::EntityHint,
        S::Read,
        S::ContinueRead,
        S::ReadAgain,
        S::Reading,
        S::CancelRead,
        S::ReadProgress,
        S::Interrupted,
        S::ReadDone,
        S::ReadStopped,
        S::CountsCaption,
        S::ItemType,
        S::ReadCount,
        S::NotCarried,
        S::Reasons,
        S::LoginFirst,
        S::NotMigrated,
        S::NotCounted,
    ];

    /// The text in `lang`.
    pub fn in_lang(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            S::Legend => ("Source de la migration", "Migration source"),
            S::Files => ("Fichiers CSV", "CSV files"),
            S::Api => ("GLPI local", "Local GLPI"),
            S::ApiHeading => ("Connexion au GLPI local (lecture seule)", "Connect to the local GLPI (read only)"),
            S::ConnectedTo => ("Connecté au GLPI local", "Connected to the local GLPI"),
            S::Entity => ("Entité à lire (avec ses sous-entités)", "Entity to read (with its sub-entities)"),
            S::EntityHint => ("Rien n'est écrit dans le GLPI local.", "Nothing is written to the local GLPI."),
            S::Read => ("Lire le GLPI local", "Read the local GLPI"),
            S::ContinueRead => ("Reprendre la lecture", "Continue the read"),
            S::ReadAgain => ("Relire le GLPI local", "Read the local GLPI again"),
            S::Reading => ("Lecture en cours…", "Reading…"),
            S::CancelRead => ("Arrêter la lecture", "Stop the read"),
            S::ReadProgress => ("Lecture du GLPI local", "Reading the local GLPI"),
            S::Interrupted => ("Une lecture du GLPI local a été interrompue ; elle reprendra là où elle s'est arrêtée", "A read of the local GLPI was interrupted; it will continue where it stopped"),
            S::ReadDone => ("Lecture terminée", "Read complete"),
            S::ReadStopped => ("Lecture arrêtée : ce qui est lu est gardé", "Read stopped: what is read is kept"),
            S::CountsCaption => ("Ce que contient le GLPI local, par type", "What the local GLPI holds, per type"),
            S::ItemType => ("Type", "Type"),
            S::ReadCount => ("Lus", "Read"),
            S::NotCarried => ("Non repris", "Not carried"),
            S::Reasons => ("Raisons", "Reasons"),
            S::LoginFirst => ("Connectez-vous au GLPI local pour le lire", "Connect to the local GLPI to read it"),
            S::NotMigrated => ("non migré par Passerelle : reste dans le GLPI local", "not migrated by Passerelle: stays in the local GLPI"),
            S::NotCounted => ("non compté : la session ne peut pas les lire ; non migré par Passerelle", "not counted: the session may not read them; not migrated by Passerelle"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// Props of [`OriginChoice`].
#[derive(Properties, PartialEq)]
pub struct OriginChoiceProps {
    /// Current language.
    pub lang: Lang,
    /// The local GLPI is chosen.
    pub api: bool,
    /// Nothing can change now (a run is going on).
    pub disabled: bool,
    /// Called with the choice (`true`: the local GLPI).
    pub on_choose: Callback<bool>,
}

/// The choice of the source: CSV files or the local GLPI (DSFR radio buttons in a fieldset).
#[function_component(OriginChoice)]
pub fn origin_choice(props: &OriginChoiceProps) -> Html {
    let lang = props.lang;
    let radio = |id: &'static str, api: bool, label: S| {
        let cb = props.on_choose.clone();
        html! {
            <div class="fr-fieldset__element fr-fieldset__element--inline">
                <div class="fr-radio-group">
                    <input type="radio" {id} name="migration-origin" value={if api { "api" } else { "files" }}
                        checked={props.api == api} disabled={props.disabled}
                        onchange={Callback::from(move |_: Event| cb.emit(api))} />
                    <label class="fr-label" for={id}>{ label.in_lang(lang) }</label>
                </div>
            </div>
        }
    };
    html! {
        <fieldset id="migration-origin" class="fr-fieldset" aria-labelledby="migration-origin-legend">
            <legend id="migration-origin-legend" class="fr-fieldset__legend fr-fieldset__legend--regular">{ S::Legend.in_lang(lang) }</legend>
            { radio("origin-files", false, S::Files) }
            { radio("origin-api", true, S::Api) }
        </fieldset>
    }
}

/// "3 dans la corbeille, 2 gabarits" for one type.
fn reasons(c: &SourceCount, lang: Lang) -> String {
    c.not_carried
        .iter()
        .map(|(reason, n)| format!("{n} : {}", reason.render(lang)))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The local GLPI: login, entity, read with progress, what was read per type. A function of
/// the panel's state (not a component: its props would compare the whole read at each render).
pub fn source_panel(lang: Lang, side: &SourceSide, running: bool, send: &Callback<Msg>) -> Html {
    let tr = move |s: S| s.in_lang(lang);
    let send = send.clone();
    let on = |m: fn() -> Msg| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(m()))
    };
    let interrupted = side.interrupted();
    let login = match &side.connection {
        None => html! {
            <>
                <ConnectForm {lang} prefix="source-" form={side.form.clone()} busy={side.busy}
                    on_form={send.reform(Msg::SetSourceForm)} on_submit={send.reform(|()| Msg::SourceConnect)} />
                <p class="fr-hint-text fr-mt-1v">{ tr(S::LoginFirst) }</p>
            </>
        },
        Some(c) => {
            let on_entity = send.reform(|v: String| match v.parse() {
                Ok(id) => Msg::ChooseSourceEntity(id),
                Err(_) => Msg::ChooseSourceEntity(0),
            });
            let mut entities = c.entities.clone();
            // A kept read's entity is offered even when this session does not list it.
            if let Some(e) = side
                .entity
                .filter(|e| !entities.iter().any(|(id, _)| id == e))
            {
                entities.push((e, format!("#{e}")));
            }
            let button = if interrupted {
                S::ContinueRead
            } else if side.read.as_ref().is_some_and(|r| r.is_complete()) {
                S::ReadAgain
            } else {
                S::Read
            };
            html! {
                <>
                    <p id="source-connected-as" class="fr-mb-1w">
                        { format!("{} : {} (GLPI {})", tr(S::ConnectedTo), c.user, c.version) }
                    </p>
                    <Choice id="source-entity" label={tr(S::Entity)} hint={tr(S::EntityHint)} onchange={on_entity}
                        disabled={side.reading}
                        options={choice::options(entities.iter().map(|(id, name)| (id.to_string(), name.clone())))}
                        value={side.entity.map(|e| e.to_string()).unwrap_or_default()} />
                    <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
                        <li>
                            <button id="read-button" type="button" class="fr-btn" disabled={side.reading || running || side.entity.is_none()}
                                aria-busy={side.reading.to_string()} onclick={on(|| Msg::ReadSource)}>
                                { if side.reading { tr(S::Reading) } else { tr(button) } }
                            </button>
                        </li>
                        if side.reading {
                            <li><button id="read-cancel" type="button" class="fr-btn fr-btn--secondary" onclick={on(|| Msg::CancelRead)}>{ tr(S::CancelRead) }</button></li>
                        }
                    </ul>
                </>
            }
        }
    };
    let progress = side.progress.as_ref().map(|p| {
        let label = type_label(p.itemtype, lang);
        let total = p.total.unwrap_or(p.read).max(p.read);
        html! {
            <div id="read-progress" class="type-progress fr-mt-2w" data-itemtype={p.itemtype.name()}
                data-read={p.read.to_string()} data-total={total.to_string()}>
                <label class="type-name" for="read-bar">{ label }</label>
                <progress id="read-bar" max={total.to_string()} value={p.read.to_string()}></progress>
                <span class="type-count">{ format!("{} / {}", p.read, total) }</span>
            </div>
        }
    });
    // Heard when it changes, never interrupting: the type being read, then how the read ended.
    let status = if side.reading {
        side.progress
            .as_ref()
            .map(|p| {
                format!(
                    "{} — {} : {} / {}",
                    tr(S::ReadProgress),
                    type_label(p.itemtype, lang),
                    p.read,
                    p.total.unwrap_or(p.read)
                )
            })
            .unwrap_or_else(|| tr(S::Reading).to_string())
    } else if side.read.as_ref().is_some_and(|r| r.is_complete()) {
        format!(
            "{} : {}",
            tr(S::ReadDone),
            counted(side.rows_read(), W::Object, lang)
        )
    } else if interrupted {
        format!(
            "{} ({}).",
            tr(if side.stopped {
                S::ReadStopped
            } else {
                S::Interrupted
            }),
            counted(side.rows_read(), W::Object, lang)
        )
    } else {
        String::new()
    };
    let complete = side.read.as_ref().is_some_and(|r| r.is_complete());
    let not_migrated = side
        .read
        .as_ref()
        .map(|r| r.not_migrated())
        .unwrap_or_default();
    let counts = (!side.counts.is_empty()).then(|| {
        html! {
            <div class="fr-table fr-mt-2w" id="source-counts">
                // Focusable: on a narrow screen the table scrolls (reasons are long).
                <table tabindex="0">
                    <caption>{ tr(S::CountsCaption) }</caption>
                    <thead><tr>
                        <th scope="col">{ tr(S::ItemType) }</th>
                        <th scope="col">{ tr(S::ReadCount) }</th>
                        <th scope="col">{ tr(S::NotCarried) }</th>
                        <th scope="col">{ tr(S::Reasons) }</th>
                    </tr></thead>
                    <tbody>
                        { for side.counts.iter().map(|c| html! {
                            <tr class="source-count" data-itemtype={c.itemtype.name()} data-read={c.read.to_string()}>
                                <td>{ type_label(c.itemtype, lang) }</td>
                                <td>{ c.read }</td>
                                <td>{ c.not_carried.values().sum::<usize>() }</td>
                                <td>{ reasons(c, lang) }</td>
                            </tr>
                        }) }
                        // What the migration does not carry, counted at the end of the read.
                        { for not_migrated.iter().map(|(kind, census)| {
                            let (n, why) = match census {
                                Census::Counted(n) => (n.to_string(), S::NotMigrated),
                                _ => ("?".to_string(), S::NotCounted),
                            };
                            html! {
                                <tr class="source-not-migrated" data-kind={kind.api_name()} data-count={n.clone()}>
                                    <td>{ kind.label(lang) }</td>
                                    <td>{ n.clone() }</td>
                                    <td>{ n }</td>
                                    <td>{ tr(why) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        }
    });
    html! {
        <section id="source-panel" class="source-panel" aria-labelledby="source-heading" aria-busy={side.reading.to_string()}
            data-complete={complete.to_string()}>
            <h4 id="source-heading">{ tr(S::ApiHeading) }</h4>
            { login }
            { for progress }
            <p id="read-status" role="status" aria-live="polite" data-interrupted={interrupted.to_string()}>{ status }</p>
            { for counts }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_in_both_languages() {
        for s in S::ALL {
            assert!(!s.in_lang(Lang::Fr).is_empty(), "{s:?}");
            assert!(!s.in_lang(Lang::En).is_empty(), "{s:?}");
        }
        assert_eq!(S::Files.in_lang(Lang::Fr), "Fichiers CSV");
        assert_eq!(S::Api.in_lang(Lang::Fr), "GLPI local");
        assert_eq!(S::Files.in_lang(Lang::En), "CSV files");
        assert_eq!(S::Api.in_lang(Lang::En), "Local GLPI");
    }
}
