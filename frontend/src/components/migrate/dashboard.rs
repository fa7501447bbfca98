//! The run's dashboard: a progress bar per item type, items per second, time left, errors by
//! GLPI code, throughput over time; pause / resume / cancel; then the journal's downloads,
//! failures with their cURL command, verification and undo.

use std::rc::Rc;

use passerelle_engine::migrate::journal::{Journal, Outcome};
use passerelle_engine::migrate::run::{
    ControlState, Progress, TypeProgress, UndoSummary, VerifyReport,
};
use yew::prelude::*;

use super::texts::{counted, counted_list, type_label, T, W};
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
    /// Reading the target back.
    #[prop_or_default]
    pub verifying: bool,
    /// Undoing.
    #[prop_or_default]
    pub undoing: bool,
    /// Undo may be asked for.
    #[prop_or_default]
    pub can_undo: bool,
    /// Pause, resume, cancel.
    pub on_control: Callback<ControlState>,
    /// Download the journal (true: JSON).
    pub on_download: Callback<bool>,
    /// Verify.
    pub on_verify: Callback<MouseEvent>,
    /// Ask for the undo's confirmation.
    pub on_ask_undo: Callback<MouseEvent>,
}

fn duration(ms: f64) -> String {
    let s = (ms / 1000.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Width and height of the throughput chart's plot area, inside its axes.
const CHART_W: f64 = 300.0;
const CHART_H: f64 = 80.0;

/// Throughput rates `(elapsed ms, items/s)` between consecutive samples.
fn rates(samples: &[(f64, usize)]) -> Vec<(f64, f64)> {
    samples
        .windows(2)
        .map(|w| {
            let dt = (w[1].0 - w[0].0).max(1.0);
            (w[1].0, (w[1].1.saturating_sub(w[0].1)) as f64 * 1000.0 / dt)
        })
        .collect()
}

/// Throughput samples as the `d` of an SVG path (a line, never a filled shape) in the plot
/// area: x is time, y items per second, the highest rate at the top.
pub fn chart_path(samples: &[(f64, usize)]) -> String {
    let rates = rates(samples);
    let t_max = rates.last().map(|r| r.0).unwrap_or(1.0).max(1.0);
    let r_max = rates.iter().map(|r| r.1).fold(1.0f64, f64::max);
    rates
        .iter()
        .enumerate()
        .map(|(i, (t, r))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { "L" },
                t / t_max * CHART_W,
                CHART_H - r / r_max * (CHART_H - 4.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The highest rate of the chart (its y axis' top), in items per second.
fn chart_max(samples: &[(f64, usize)]) -> f64 {
    rates(samples).iter().map(|r| r.1).fold(0.0f64, f64::max)
}

/// What a type's bar says in words: "120 / 120 : 118 créés, 0 mis à jour, 2 déjà présents".
fn type_counts(p: &TypeProgress, lang: Lang) -> String {
    let n = |o: Outcome| p.outcomes.get(&o).copied().unwrap_or(0);
    let mut items = vec![
        (n(Outcome::Created), W::Created),
        (n(Outcome::Updated), W::Updated),
        (n(Outcome::Skipped), W::AlreadyThere),
    ];
    for (o, w) in [
        (Outcome::Rejected, W::Rejected),
        (Outcome::Failed, W::Failed),
    ] {
        if n(o) > 0 {
            items.push((n(o), w));
        }
    }
    format!(
        "{} / {} : {}",
        p.done(),
        p.total,
        counted_list(&items, lang)
    )
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
        Phase::Failed(e) => super::remedy::explained(e, lang),
        Phase::Undone => tr(T::UndoneStatus).to_string(),
    };
    let phase_code = match &props.phase {
        Phase::Running => "running",
        Phase::Ended { cancelled: false } => "finished",
        Phase::Ended { .. } => "cancelled",
        Phase::Failed(_) => "failed",
        Phase::Undone => "undone",
        Phase::Idle => "idle",
    };
    let running = props.phase == Phase::Running;
    let undone = props.phase == Phase::Undone;
    let control = |s: ControlState| {
        let cb = props.on_control.clone();
        Callback::from(move |_: MouseEvent| cb.emit(s))
    };
    let progress = props.progress.clone().unwrap_or_default();
    let bars = progress.types.iter().map(|(t, p)| {
        let id = format!("bar-{}", t.name());
        html! {
            <div class="type-progress" data-itemtype={t.name()}>
                <label class="type-name" for={id.clone()}>{ type_label(*t, lang) }</label>
                <progress id={id} max={p.total.to_string()} value={p.done().to_string()}></progress>
                <span class="type-count">{ type_counts(p, lang) }</span>
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
    let stats = format!(
        "{:.0} {} · {} {} · {} {} · {} · {} {} · {} {}",
        progress.items_per_second,
        tr(T::ItemsPerSecond),
        tr(T::TimeLeft),
        progress
            .remaining_ms
            .map(duration)
            .unwrap_or_else(|| "—".into()),
        tr(T::BatchSize),
        progress.batch_size,
        counted(progress.calls as usize, W::Call, lang),
        progress.retries,
        tr(T::Retries),
        progress.relogins,
        tr(T::Relogins),
    );
    // The counts while running; then nothing: the status line says how it ended, once.
    let live = if running {
        format!(
            "{} : {} / {}",
            tr(T::Progress),
            progress.done(),
            counted(progress.total(), W::Object, lang)
        )
    } else {
        String::new()
    };
    let max_rate = chart_max(&progress.samples);
    html! {
        <section id="dashboard" class="dashboard" tabindex="-1" aria-labelledby="dashboard-heading">
            <h3 id="dashboard-heading">{ tr(T::Dashboard) }</h3>
            // Both polite (read when the reader is idle, never interrupting) and present from the
            // run's start, so each change is heard: the phase here, the counts below.
            <p id="run-status" class="run-status" data-phase={phase_code} role="status" aria-live="polite">{ status }</p>
            <p id="run-progress" class="sr-live" aria-live="polite">{ live }</p>
            if running {
                <ul class="controls fr-btns-group fr-btns-group--inline-md fr-btns-group--sm">
                    if props.paused {
                        <li><button id="resume-button" type="button" class="fr-btn" onclick={control(ControlState::Running)}>{ tr(T::Resume) }</button></li>
                    } else {
                        <li><button id="pause-button" type="button" class="fr-btn" onclick={control(ControlState::Paused)}>{ tr(T::Pause) }</button></li>
                    }
                    <li><button id="cancel-button" type="button" class="fr-btn fr-btn--secondary" onclick={control(ControlState::Cancelled)}>{ tr(T::Cancel) }</button></li>
                </ul>
            }
            <div class="bars">{ for bars }</div>
            <p id="run-stats">{ stats }</p>
            <figure class="throughput-figure">
                <svg class="throughput" viewBox="-40 -10 350 115" role="img" aria-labelledby="throughput-title">
                    <title id="throughput-title">{ format!("{} ({} : {:.0})", tr(T::Throughput), tr(T::ChartRate), max_rate) }</title>
                    <line class="axis" x1="0" y1="0" x2="0" y2={CHART_H.to_string()} stroke="currentColor" />
                    <line class="axis" x1="0" y1={CHART_H.to_string()} x2={CHART_W.to_string()} y2={CHART_H.to_string()} stroke="currentColor" />
                    <text class="axis-label" x="-4" y="8" text-anchor="end">{ format!("{max_rate:.0}") }</text>
                    <text class="axis-label" x="-4" y={CHART_H.to_string()} text-anchor="end">{ "0" }</text>
                    <text class="axis-label" x="0" y="-2">{ tr(T::ChartRate) }</text>
                    <text class="axis-label" x={CHART_W.to_string()} y="98" text-anchor="end">{ format!("{} ({})", tr(T::ChartTime), duration(progress.elapsed_ms)) }</text>
                    <path class="throughput-line" d={chart_path(&progress.samples)} fill="none" stroke="currentColor" stroke-width="2" />
                </svg>
                <figcaption>{ tr(T::Throughput) }</figcaption>
            </figure>
            if !progress.errors.is_empty() {
                <h4>{ tr(T::ErrorsByCode) }</h4>
                <ul id="errors-by-code">{ for errors }</ul>
            }
            if props.journal.is_some() {
                <ul class="after-run fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-2w">
                    if !undone {
                        <li><button id="verify-button" type="button" class="fr-btn" disabled={props.verifying || props.undoing}
                            aria-busy={props.verifying.to_string()} onclick={props.on_verify.clone()}>
                            { if props.verifying { tr(T::Verifying) } else { tr(T::Verify) } }
                        </button></li>
                    }
                    <li><button id="journal-csv" type="button" class="fr-btn fr-btn--secondary" onclick={on_download(false)}>{ tr(T::JournalCsv) }</button></li>
                    <li><button id="journal-json" type="button" class="fr-btn fr-btn--secondary" onclick={on_download(true)}>{ tr(T::JournalJson) }</button></li>
                    if !undone {
                        <li><button id="undo-button" type="button" class="fr-btn fr-btn--tertiary danger"
                            disabled={!props.can_undo || props.locked_elsewhere}
                            aria-busy={props.undoing.to_string()} onclick={props.on_ask_undo.clone()}>
                            { if props.undoing { tr(T::Undoing) } else { tr(T::Undo) } }
                        </button></li>
                    }
                </ul>
            }
            if let Some(v) = &props.verify {
                <div id="verify-result" data-clean={v.is_clean().to_string()}
                    class={if v.is_clean() { "verify fr-alert fr-alert--success fr-alert--sm fr-mt-2w" } else { "verify fr-alert fr-alert--error fr-alert--sm fr-mt-2w" }}
                    role={if v.is_clean() { "status" } else { "alert" }}>
                    if v.is_clean() {
                        <p>{ tr(T::VerifyClean) }{ format!(" ({} types)", v.counts.len()) }</p>
                    } else {
                        <p>{ counted(v.differences.len(), W::Difference, lang) }</p>
                        <ul>{ for v.differences.iter().take(100).map(|d| html! { <li>{ format!("{} #{} {} : « {} » ≠ « {} »", d.object, d.id, d.field, d.expected, d.actual) }</li> }) }</ul>
                    }
                </div>
            }
            if let Some(u) = &props.undo {
                <p id="undo-result" class="fr-alert fr-alert--info fr-alert--sm fr-mt-2w" role="status">{ format!("{} : {}", tr(T::UndoDone), counted_list(&[(u.removed, W::Removed), (u.restored, W::Restored), (u.failed, W::Failed)], lang)) }</p>
            }
            if let Some(f) = failures {
                <details id="failures"><summary>{ tr(T::Failures) }</summary><ul>{ f }</ul></details>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_line_scaled_into_the_plot_area() {
        let d = chart_path(&[(0.0, 0), (1000.0, 100), (2000.0, 150)]);
        assert_eq!(d, "M150.0,4.0 L300.0,42.0");
        assert_eq!(chart_path(&[]), "");
        assert_eq!(chart_max(&[(0.0, 0), (1000.0, 100), (2000.0, 150)]), 100.0);
    }

    #[test]
    fn a_type_s_counts_are_in_words() {
        let mut p = TypeProgress {
            total: 377,
            ..Default::default()
        };
        p.outcomes.insert(Outcome::Created, 377);
        assert_eq!(
            type_counts(&p, Lang::Fr),
            "377 / 377 : 377 créés, 0 mis à jour, 0 déjà présent"
        );
        p.outcomes.insert(Outcome::Failed, 1);
        assert!(type_counts(&p, Lang::En).ends_with("1 failed"));
    }
}
