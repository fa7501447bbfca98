//! The status panel: proxy reachability, GLPI target (sandbox or production), GLPI readiness.

use yew::prelude::*;

use crate::api::{Info, Readiness};
use crate::i18n::{Key, Lang, Translate};
use crate::state::{AppState, GlpiStatus, ProxyStatus, Remote};

/// Props of [`StatusPanel`].
#[derive(Properties, PartialEq)]
pub struct StatusPanelProps {
    /// Current language.
    pub lang: Lang,
    /// Result of `GET /info`.
    pub info: Remote<Info>,
    /// Result of `GET /readyz`.
    pub readiness: Remote<Readiness>,
    /// Called when the user asks to run the checks again.
    #[prop_or_default]
    pub on_recheck: Callback<()>,
}

/// Shows what the page knows about the proxy and GLPI.
#[function_component(StatusPanel)]
pub fn status_panel(props: &StatusPanelProps) -> Html {
    let lang = props.lang;
    // The derivations live on AppState so the panel and the tests agree on their meaning.
    let state = AppState {
        lang,
        info: props.info.clone(),
        readiness: props.readiness.clone(),
        round: 0,
    };
    let checking = state.proxy_status() == ProxyStatus::Checking
        || state.glpi_status() == GlpiStatus::Checking;
    let on_recheck = props.on_recheck.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_recheck.emit(()));

    html! {
        <section id="status" class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading" class="fr-h4">{ lang.t(Key::StatusHeading) }</h2>
            <dl class="status-list" aria-live="polite">
                { proxy_row(lang, &state) }
                { target_row(lang, &props.info) }
                { glpi_row(lang, &state.glpi_status()) }
            </dl>
            <button type="button" id="recheck" class="fr-btn fr-btn--secondary fr-btn--sm fr-mt-2w" disabled={checking} {onclick}>
                { lang.t(Key::Recheck) }
            </button>
        </section>
    }
}

fn proxy_row(lang: Lang, state: &AppState) -> Html {
    let (key, css, data) = match state.proxy_status() {
        ProxyStatus::Checking => (Key::ProxyChecking, "state-pending", "checking"),
        ProxyStatus::Reachable => (Key::ProxyReachable, "state-ok", "reachable"),
        ProxyStatus::Unreachable => (Key::ProxyUnreachable, "state-error", "unreachable"),
    };
    let extra = match &state.info {
        Remote::Loaded(info) => html! {
            <p class="detail">
                { lang.t(Key::VersionLabel) }{ " " }
                <span id="proxy-version">{ &info.version }</span>
            </p>
        },
        Remote::Failed(error) => html! {
            <>
                <p id="proxy-help" class="explanation">{ lang.t(Key::ProxyUnreachableHelp) }</p>
                <p id="proxy-detail" class="detail">
                    { lang.t(Key::DetailLabel) }{ " : " }{ error.to_string() }
                </p>
            </>
        },
        Remote::Loading => Html::default(),
    };
    html! {
        <div class="row">
            <dt>{ lang.t(Key::ProxyLabel) }</dt>
            <dd>
                <span id="proxy-status" data-testid="proxy-status" data-state={data}
                    class={classes!("state", css)}>
                    { lang.t(key) }
                </span>
                { extra }
            </dd>
        </div>
    }
}

fn target_row(lang: Lang, info: &Remote<Info>) -> Html {
    let content = match info {
        Remote::Loaded(info) => {
            let badge = if info.glpi.sandbox {
                html! {
                    <span id="sandbox-badge" data-testid="sandbox-badge" class="fr-badge fr-badge--warning fr-badge--sm badge-sandbox">
                        { lang.t(Key::SandboxBadge) }
                    </span>
                }
            } else {
                html! {
                    <span id="production-badge" data-testid="production-badge"
                        class="fr-badge fr-badge--error fr-badge--sm badge-production">
                        { lang.t(Key::ProductionBadge) }
                    </span>
                }
            };
            html! {
                <>
                    <code id="glpi-target" data-testid="glpi-target">{ &info.glpi.api_url }</code>
                    { " " }{ badge }
                </>
            }
        }
        _ => html! {
            <span id="glpi-target" data-testid="glpi-target" class="unknown">
                { lang.t(Key::Unknown) }
            </span>
        },
    };
    html! {
        <div class="row">
            <dt>{ lang.t(Key::GlpiTargetLabel) }</dt>
            <dd>{ content }</dd>
        </div>
    }
}

fn glpi_row(lang: Lang, status: &GlpiStatus) -> Html {
    let (key, css, data) = match status {
        GlpiStatus::Checking => (Key::GlpiChecking, "state-pending", "checking"),
        GlpiStatus::Ready => (Key::GlpiReady, "state-ok", "ready"),
        GlpiStatus::NotReady { .. } => (Key::GlpiNotReady, "state-error", "not-ready"),
        GlpiStatus::Unknown(_) => (Key::GlpiReadinessUnknown, "state-error", "unknown"),
    };
    let extra = match status {
        GlpiStatus::NotReady { reason, message } => html! {
            <>
                <p id="glpi-reason" data-testid="glpi-reason" data-reason={reason.code()}
                    class="explanation">
                    { lang.t(Key::for_reason(*reason)) }
                </p>
                if !message.is_empty() {
                    <p id="glpi-detail" class="detail">
                        { lang.t(Key::DetailLabel) }{ " : " }{ message }
                    </p>
                }
            </>
        },
        GlpiStatus::Unknown(error) => html! {
            <p id="glpi-detail" class="detail">
                { lang.t(Key::DetailLabel) }{ " : " }{ error.to_string() }
            </p>
        },
        GlpiStatus::Checking | GlpiStatus::Ready => Html::default(),
    };
    html! {
        <div class="row">
            <dt>{ lang.t(Key::GlpiReadyLabel) }</dt>
            <dd>
                <span id="glpi-ready" data-testid="glpi-ready" data-state={data}
                    class={classes!("state", css)}>
                    { lang.t(key) }
                </span>
                { extra }
            </dd>
        </div>
    }
}
