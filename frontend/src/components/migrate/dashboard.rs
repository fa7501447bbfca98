//! The run's dashboard: a progress bar per item type, items per second, time left, errors by
//! GLPI code, throughput over time; pause / resume / cancel; then the journal's downloads,
//! failures with their cURL command, verification and undo.

use std::rc::Rc;

use passerelle_engine::migrate::journal::{Journal, Outcome};
use passerelle_engine::migrate::run::{ControlState, Progress, UndoSummary, VerifyReport};
use yew::prelude::*;

use super::texts::T;
use super::Phase;
use crate::i18n::Lang;

/// Props of [`Dashboard`].
#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// Current language.
    pub lang: Lang,
    /// Another tab holds the journal (Web Locks): undo is disabled here.
    #[prop_or_default]
    pub locked_elsewhere: bool,
    /// Run phase.
    pub phase: Phase,
    /// Paused on request.
    pub paused: bool,
    /// Latest progress.
    pub progress: Option<Progress>,
    /// Journal once the run ended.
    pub journal: Option<Rc<Journal>>,
    /// Verification result.
    pub verify: Option<VerifyReport>,
    /// Undo result.
    pub undo: Option<UndoSummary>,
    /// Undo confirmation shown.
    pub confirm_undo: bool,
    /// Pause, resume, cancel.
    pub on_control: Callback<ControlState>,
    /// Download the journal (true: JSON).
    pub on_download: Callback<bool>,
    /// Verify.
    pub on_verify: Callback<MouseEvent>,
    /// Show or hide the undo confirmation.
    pub on_undo_ask: Callback<bool>,
    /// Undo, confirmed.
    pub on_undo: Callback<MouseEvent>,
}

fn duration(ms: f64) -> String {
    let s = (ms / 1000.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Throughput samples as SVG polyline points (x: time, y: items/s), 300×80.
pub fn chart_points(samples: &[(f64, usize)]) -> String {
    let rates: Vec<(f64, f64)> = samples
        .windows(2)
        .map(|w| {
            let dt = (w[1].0 - w[0].0).max(1.0);
            (w[1].0, (w[1].1.saturating_sub(w[0].1)) as f64 * 1000.0 / dt)
        })
        .collect();
    let t_max = rates.last().map(|r| r.0).unwrap_or(1.0).max(1.0);
    let r_max = rates.iter().map(|r| r.1).fold(1.0f64, f64::max);
    rates
        .iter()
        .map(|(t, r)| format!("{:.1},{:.1}", t / t_max * 300.0, 80.0 - r / r_max * 76.0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The dashboard.
#[function_component(Dashboard)]
pub fn dashboard(props: &DashboardProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let status = match &props.phase {
        Phase::Idle => return html! {},
        Phase::Running if props.paused => tr(T::Paused).to_string(),
        Phase::Running => tr(T::Running).to_string(),
        Phase::Ended { cancelled: false } => tr(T::Finished).to_string(),
        Phase::Ended { cancelled: true } => tr(T::Cancelled).to_string(),
        Phase::Failed(e) => e.clone(),
    };
    let running = props.phase == Phase::Running;
    let control = |s: ControlState| {
        let cb = props.on_control.clone();
        Callback::from(move |_: MouseEvent| cb.emit(s))
    };
    let progress = props.progress.clone().unwrap_or_default();
    let bars = progress.types.iter().map(|(t, p)| {
        let created = p.outcomes.get(&Outcome::Created).copied().unwrap_or(0);
        html! {
            <div class="type-progress" data-itemtype={t.name()}>
                <span class="type-name">{ t.name() }</span>
                <progress max={p.total.to_string()} value={p.done().to_string()}></progress>
                <span class="type-count">{ format!("{}/{} ({created} +)", p.done(), p.total) }</span>
            </div>
        }
    });
    let errors = progress
        .errors
        .iter()
        .map(|(code, n)| html! { <li data-code={code.clone()}>{ format!("{code} : {n}") }</li> });
    let failures = props.journal.as_ref().map(|j| {
        j.records()
            .into_iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Rejected))
            .take(200)
            .map(|r| {
                let src = r.sources.first().map(|s| format!("{}:{}", s.file, s.line)).unwrap_or_default();
                html! {
                    <li class="failure" data-outcome={r.outcome.code()}>
                        { format!("{src} {} — {} {}", r.object.render(lang), r.code().unwrap_or_default(), r.message(lang)) }
                        if let Some(curl) = &r.curl {
                            <details class="curl"><summary>{ tr(T::ShowCurl) }</summary><pre>{ curl }</pre></details>
                        }
                    </li>
                }
            })
            .collect::<Html>()
    });
    let on_download = |json: bool| {
        let cb = props.on_download.clone();
        Callback::from(move |_: MouseEvent| cb.emit(json))
    };
    let ask = |v: bool| {
        let cb = props.on_undo_ask.clone();
        Callback::from(move |_: MouseEvent| cb.emit(v))
    };
    html! {
        <div id="dashboard" class="dashboard">
            <p id="run-status" class="run-status" data-phase={match &props.phase { Phase::Running => "running", Phase::Ended { cancelled: false } => "finished", Phase::Ended { .. } => "cancelled", Phase::Failed(_) => "failed", Phase::Idle => "idle" }}>{ status }</p>
            if running {
                <div class="controls">
                    if props.paused {
                        <button id="resume-button" type="button" onclick={control(ControlState::Running)}>{ tr(T::Resume) }</button>
                    } else {
                        <button id="pause-button" type="button" onclick={control(ControlState::Paused)}>{ tr(T::Pause) }</button>
                    }
                    <button id="cancel-button" type="button" class="secondary" onclick={control(ControlState::Cancelled)}>{ tr(T::Cancel) }</button>
                </div>
            }
            <div class="bars">{ for bars }</div>
            <p id="run-stats">
                { format!("{:.0} {} · {} {} · {} {} · {} {} ({} / {})",
                    progress.items_per_second, tr(T::ItemsPerSecond),
                    tr(T::TimeLeft), progress.remaining_ms.map(duration).unwrap_or_else(|| "—".into()),
                    tr(T::BatchSize), progress.batch_size,
                    progress.calls, tr(T::Calls), progress.retries, progress.relogins) }
            </p>
            <svg class="throughput" viewBox="0 0 300 80" role="img" aria-label={tr(T::Throughput)}>
                <polyline points={chart_points(&progress.samples)} class="throughput-line" />
            </svg>
            if !progress.errors.is_empty() {
                <h4>{ tr(T::ErrorsByCode) }</h4>
                <ul id="errors-by-code">{ for errors }</ul>
            }
            if let Some(_j) = &props.journal {
                <div class="after-run">
                    <button id="journal-csv" type="button" onclick={on_download(false)}>{ tr(T::JournalCsv) }</button>
                    <button id="journal-json" type="button" onclick={on_download(true)}>{ tr(T::JournalJson) }</button>
                    <button id="verify-button" type="button" onclick={props.on_verify.clone()}>{ tr(T::Verify) }</button>
                    <button id="undo-button" type="button" class="danger" disabled={props.locked_elsewhere} onclick={ask(true)}>{ tr(T::Undo) }</button>
                    if props.confirm_undo {
                        <div id="undo-confirm" class="confirm" role="alertdialog">
                            <p>{ tr(T::UndoConfirm) }</p>
                            <button id="undo-confirm-yes" type="button" class="danger" disabled={props.locked_elsewhere} onclick={props.on_undo.clone()}>{ tr(T::UndoConfirmYes) }</button>
                            <button id="undo-confirm-no" type="button" class="secondary" onclick={ask(false)}>{ tr(T::Cancel) }</button>
                        </div>
                    }
                </div>
            }
            if let Some(v) = &props.verify {
                <div id="verify-result" data-clean={v.is_clean().to_string()}
                    class={if v.is_clean() { "verify ok" } else { "verify failed" }}
                    role={if v.is_clean() { "status" } else { "alert" }}>
                    if v.is_clean() {
                        <p>{ tr(T::VerifyClean) }{ format!(" ({} types)", v.counts.len()) }</p>
                    } else {
                        <p>{ format!("{} {}", v.differences.len(), tr(T::VerifyDifferences)) }</p>
                        <ul>{ for v.differences.iter().take(100).map(|d| html! { <li>{ format!("{} #{} {} : « {} » ≠ « {} »", d.object, d.id, d.field, d.expected, d.actual) }</li> }) }</ul>
                    }
                </div>
            }
            if let Some(u) = &props.undo {
                <p id="undo-result">{ format!("{} : {} − / {} ↺ / {} ✗", tr(T::UndoDone), u.removed, u.restored, u.failed) }</p>
            }
            if let Some(f) = failures {
                <details id="failures"><summary>{ tr(T::Failures) }</summary><ul>{ f }</ul></details>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_points_scale_rates_into_the_box() {
        let pts = chart_points(&[(0.0, 0), (1000.0, 100), (2000.0, 150)]);
        assert_eq!(pts, "150.0,4.0 300.0,42.0");
        assert_eq!(chart_points(&[]), "");
    }
}
