//! Checking files offline: pick or drop files, see a summary per file and every problem, located.
//!
//! Everything happens in this browser with the engine compiled to WebAssembly: no request is sent.
//! The problems table renders only the rows in view (virtual scrolling), so 100,000 problems stay
//! smooth; heights and offsets are set through the CSSOM because the CSP forbids style attributes.

use std::rc::Rc;

use passerelle_engine::check::{check_files, CheckOptions, CheckReport};
use passerelle_engine::diagnostic::{Diagnostic, Severity};
use passerelle_engine::export::{diagnostics_csv, rejected_rows};
use passerelle_engine::read::{read_bytes, ReadOptions};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::files;
use crate::i18n::{Key, Lang};

/// Height of one problem row, in pixels (matches `.problem-row` in main.css).
pub const ROW_HEIGHT: f64 = 32.0;
/// Rows rendered beyond the visible ones, above and below, so fast scrolling shows no gap.
const OVERSCAN: usize = 10;
/// Height of the problems viewport, in pixels (matches `.problems-viewport` in main.css).
const VIEWPORT_HEIGHT: f64 = 480.0;

/// Props of [`Checker`].
#[derive(Properties, PartialEq)]
pub struct CheckerProps {
    /// Current language.
    pub lang: Lang,
}

/// Which problems are shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only this severity, if set.
    pub severity: Option<Severity>,
    /// Only this column name, if set.
    pub column: Option<String>,
    /// Only messages or values containing this text (case-insensitive).
    pub text: String,
}

impl Filter {
    /// Whether a diagnostic passes the filter (messages compared in `lang`).
    pub fn keeps(&self, d: &Diagnostic, lang: Lang) -> bool {
        if self.severity.is_some_and(|s| s != d.severity) {
            return false;
        }
        if let Some(col) = &self.column {
            if d.column.as_ref().and_then(|c| c.name.as_ref()) != Some(col) {
                return false;
            }
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        d.message(lang.engine()).to_lowercase().contains(&needle)
            || d.value
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains(&needle)
            || d.file.to_lowercase().contains(&needle)
    }
}

/// The rows `[start, end)` to render for a scroll position.
pub fn visible_range(scroll_top: f64, total: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_HEIGHT).floor().max(0.0) as usize;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let count = (VIEWPORT_HEIGHT / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
    (start, (start + count).min(total))
}

/// The file-check section.
#[function_component(Checker)]
pub fn checker(props: &CheckerProps) -> Html {
    let lang = props.lang;
    let inputs = use_state(|| Rc::new(Vec::<(String, Vec<u8>)>::new()));
    let report = use_state(|| None::<Rc<CheckReport>>);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let filter = use_state(Filter::default);
    let scroll_top = use_state(|| 0.0f64);

    let run = {
        let (inputs, report, busy, error) =
            (inputs.clone(), report.clone(), busy.clone(), error.clone());
        Callback::from(move |list: web_sys::FileList| {
            let (inputs, report, busy, error) =
                (inputs.clone(), report.clone(), busy.clone(), error.clone());
            busy.set(true);
            spawn_local(async move {
                match files::read_file_list(list).await {
                    Ok(read) => {
                        let result = check_files(&read, &CheckOptions::default());
                        inputs.set(Rc::new(read));
                        report.set(Some(Rc::new(result)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    let onchange = {
        let run = run.clone();
        Callback::from(move |e: Event| {
            if let Some(list) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
            {
                run.emit(list);
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let run = run.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                run.emit(list);
            }
        })
    };

    html! {
        <section id="checker" class="panel" aria-labelledby="checker-heading">
            <h2 id="checker-heading">{ lang.t(Key::CheckHeading) }</h2>
            <p class="intro">{ lang.t(Key::CheckIntro) }</p>
            <div id="drop-zone" class="drop-zone" {ondragover} {ondrop}>
                <span>{ lang.t(Key::DropHere) }{ " " }</span>
                <label class="file-label">
                    { lang.t(Key::ChooseFiles) }
                    <input id="file-input" type="file" multiple=true {onchange} />
                </label>
            </div>
            if *busy {
                <p id="check-busy" class="state-pending">{ lang.t(Key::Checking) }</p>
                <progress id="check-progress"></progress>
            }
            if let Some(e) = &*error {
                <p id="check-error" class="state-error">{ e.clone() }</p>
            }
            if let Some(r) = &*report {
                { summary(lang, r, &inputs) }
                <ProblemsTable lang={lang} report={SharedReport(r.clone())} filter={(*filter).clone()}
                    on_filter={Callback::from({ let f = filter.clone(); let s = scroll_top.clone(); move |v| { f.set(v); s.set(0.0); } })}
                    scroll_top={*scroll_top}
                    on_scroll={Callback::from({ let s = scroll_top.clone(); move |v| s.set(v) })} />
            }
        </section>
    }
}

fn summary(lang: Lang, report: &Rc<CheckReport>, inputs: &Rc<Vec<(String, Vec<u8>)>>) -> Html {
    let download_all = {
        let report = report.clone();
        Callback::from(move |_: MouseEvent| {
            let bytes = diagnostics_csv(&report.diagnostics, lang.engine());
            let _ = files::download("diagnostic.csv", "text/csv;charset=utf-8", &bytes);
        })
    };
    html! {
        <>
            <h3>{ lang.t(Key::SummaryHeading) }</h3>
            <table id="summary" class="summary">
                <thead><tr>
                    <th>{ lang.t(Key::ColFile) }</th><th>{ lang.t(Key::ColType) }</th>
                    <th>{ lang.t(Key::ColEncoding) }</th><th>{ lang.t(Key::ColRows) }</th>
                    <th>{ lang.t(Key::ColValid) }</th><th>{ lang.t(Key::ColWarnings) }</th>
                    <th>{ lang.t(Key::ColErrors) }</th><th></th>
                </tr></thead>
                <tbody>
                { for report.files.iter().map(|f| {
                    let s = &f.summary;
                    let kind = s.item_type.map_or(lang.t(Key::UnknownType), |t| t.label(lang.engine()));
                    let delim = match f.delimiter { Some('\t') => "TAB".to_string(), Some(c) => c.to_string(), None => String::new() };
                    let enc = f.encoding.clone().map(|e| format!("{e} « {delim} »")).unwrap_or_default();
                    let name = s.file.clone();
                    let rejected = {
                        let (report, inputs, name) = (report.clone(), inputs.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let Some((_, bytes)) = inputs.iter().find(|(n, _)| *n == name) else { return };
                            if let Ok(table) = read_bytes(&name, bytes, &ReadOptions::default()) {
                                let out = rejected_rows(&table, &report.diagnostics);
                                let _ = files::download(&format!("rejets-{name}"), "text/csv", &out);
                            }
                        })
                    };
                    html! {
                        <tr class="summary-row" data-file={name.clone()}>
                            <td>{ name.clone() }</td><td class="type">{ kind }</td><td>{ enc }</td>
                            <td class="rows">{ s.rows }</td><td class="valid">{ s.valid }</td>
                            <td class="warnings">{ s.warnings }</td><td class="errors">{ s.errors }</td>
                            <td>if s.errors > 0 && s.rows > 0 {
                                <button type="button" class="download-rejected" onclick={rejected}>{ lang.t(Key::DownloadRejected) }</button>
                            }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <button type="button" id="download-diagnostics" onclick={download_all}>{ lang.t(Key::DownloadDiagnostics) }</button>
        </>
    }
}

/// A check result shared between components; equal when it is the same result (pointer), so a
/// re-render does not compare 100,000 diagnostics.
#[derive(Clone, Debug)]
pub struct SharedReport(pub Rc<CheckReport>);

impl PartialEq for SharedReport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`ProblemsTable`].
#[derive(Properties, PartialEq)]
pub struct ProblemsTableProps {
    /// Current language.
    pub lang: Lang,
    /// The check's result.
    pub report: SharedReport,
    /// Current filter.
    pub filter: Filter,
    /// Called when the user changes the filter.
    pub on_filter: Callback<Filter>,
    /// Scroll position of the viewport.
    pub scroll_top: f64,
    /// Called when the viewport scrolls.
    pub on_scroll: Callback<f64>,
}

/// The filterable, virtually scrolled table of problems.
#[function_component(ProblemsTable)]
pub fn problems_table(props: &ProblemsTableProps) -> Html {
    let lang = props.lang;
    let shown: Vec<&Diagnostic> = props
        .report
        .0
        .diagnostics
        .iter()
        .filter(|d| props.filter.keeps(d, lang))
        .collect();
    let total = shown.len();
    let (start, end) = visible_range(props.scroll_top, total);
    let sizer = use_node_ref();
    let rows = use_node_ref();
    {
        let (sizer, rows) = (sizer.clone(), rows.clone());
        use_effect(move || {
            set_style(
                &sizer,
                "height",
                &format!("{}px", total as f64 * ROW_HEIGHT),
            );
            set_style(
                &rows,
                "transform",
                &format!("translateY({}px)", start as f64 * ROW_HEIGHT),
            );
        });
    }
    let mut columns: Vec<String> = props
        .report
        .0
        .diagnostics
        .iter()
        .filter_map(|d| d.column.as_ref().and_then(|c| c.name.clone()))
        .collect();
    columns.sort();
    columns.dedup();

    let f = props.filter.clone();
    let on_severity = {
        let (f, cb) = (f.clone(), props.on_filter.clone());
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            let severity = match v.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" => Some(Severity::Info),
                _ => None,
            };
            cb.emit(Filter {
                severity,
                ..f.clone()
            });
        })
    };
    let on_column = {
        let (f, cb) = (f.clone(), props.on_filter.clone());
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            cb.emit(Filter {
                column: (!v.is_empty()).then_some(v),
                ..f.clone()
            });
        })
    };
    let on_text = {
        let (f, cb) = (f.clone(), props.on_filter.clone());
        Callback::from(move |e: InputEvent| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default();
            cb.emit(Filter {
                text: v,
                ..f.clone()
            });
        })
    };
    let onscroll = {
        let cb = props.on_scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                cb.emit(el.scroll_top() as f64);
            }
        })
    };

    html! {
        <>
            <h3>{ lang.t(Key::ProblemsHeading) }</h3>
            <div class="filters">
                <label>{ lang.t(Key::FilterSeverity) }
                    <select id="filter-severity" onchange={on_severity}>
                        <option value="">{ lang.t(Key::All) }</option>
                        { for [Severity::Error, Severity::Warning, Severity::Info].into_iter().map(|s| {
                            let v = match s { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "info" };
                            html! { <option value={v} selected={f.severity == Some(s)}>{ s.label(lang.engine()) }</option> }
                        }) }
                    </select>
                </label>
                <label>{ lang.t(Key::FilterColumn) }
                    <select id="filter-column" onchange={on_column}>
                        <option value="">{ lang.t(Key::All) }</option>
                        { for columns.iter().map(|c| html! { <option value={c.clone()} selected={f.column.as_ref() == Some(c)}>{ c.clone() }</option> }) }
                    </select>
                </label>
                <label>{ lang.t(Key::FilterText) }
                    <input id="filter-text" type="search" value={f.text.clone()} oninput={on_text} />
                </label>
                <span id="problems-count">{ lang.t(Key::ProblemsShown) }{ " " }{ total }</span>
            </div>
            <div class="problem-row problem-head">
                <span>{ lang.t(Key::ColFile) }</span><span>{ lang.t(Key::ColLine) }</span>
                <span>{ lang.t(Key::ColColumn) }</span><span>{ lang.t(Key::ColValue) }</span>
                <span>{ lang.t(Key::ColSeverity) }</span><span>{ lang.t(Key::ColMessage) }</span>
            </div>
            <div id="problems" class="problems-viewport" {onscroll}>
                <div class="problems-sizer" ref={sizer}>
                    <div class="problems-rows" ref={rows}>
                        if total == 0 {
                            <p id="no-problems">{ lang.t(Key::NoProblems) }</p>
                        }
                        { for shown[start..end].iter().map(|d| problem_row(lang, d)) }
                    </div>
                </div>
            </div>
        </>
    }
}

fn problem_row(lang: Lang, d: &Diagnostic) -> Html {
    let col = d
        .column
        .as_ref()
        .map(|c| match &c.name {
            Some(n) => format!("{} ({n})", c.index),
            None => c.index.to_string(),
        })
        .unwrap_or_default();
    let sev = match d.severity {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    };
    let value = d
        .value
        .clone()
        .unwrap_or_default()
        .replace(['\n', '\r'], "⏎");
    html! {
        <div class={classes!("problem-row", sev)} data-line={d.line.to_string()} data-file={d.file.clone()} data-code={d.code.clone()}>
            <span>{ d.file.clone() }</span><span class="line">{ d.line }</span><span>{ col }</span>
            <span class="value" title={value.clone()}>{ value }</span>
            <span>{ d.severity.label(lang.engine()) }</span>
            <span class="message" title={d.message(lang.engine()).to_string()}>{ d.message(lang.engine()).to_string() }</span>
        </div>
    }
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn set_style(node: &NodeRef, property: &str, value: &str) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property(property, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_range_is_bounded_and_overscanned() {
        assert_eq!(visible_range(0.0, 0), (0, 0));
        assert_eq!(visible_range(0.0, 5), (0, 5));
        let (s, e) = visible_range(ROW_HEIGHT * 1000.0, 100_000);
        assert_eq!(s, 990);
        assert_eq!(e - s, 15 + 20);
        assert_eq!(visible_range(ROW_HEIGHT * 99_999.0, 100_000).1, 100_000);
    }

    fn diag(sev: Severity, col: &str, msg: &str) -> Diagnostic {
        Diagnostic {
            file: "Computer.csv".into(),
            line: 2,
            column: Some(passerelle_engine::diagnostic::ColumnRef {
                index: 1,
                name: Some(col.into()),
            }),
            value: Some("PC".into()),
            code: "x".into(),
            severity: sev,
            blocking: false,
            message_fr: msg.into(),
            message_en: "english".into(),
        }
    }

    #[test]
    fn filter_by_severity_column_and_text() {
        let d = diag(Severity::Error, "Lieu", "date attendue");
        assert!(Filter::default().keeps(&d, Lang::Fr));
        assert!(!Filter {
            severity: Some(Severity::Warning),
            ..Default::default()
        }
        .keeps(&d, Lang::Fr));
        assert!(Filter {
            column: Some("Lieu".into()),
            ..Default::default()
        }
        .keeps(&d, Lang::Fr));
        assert!(!Filter {
            column: Some("Nom".into()),
            ..Default::default()
        }
        .keeps(&d, Lang::Fr));
        assert!(Filter {
            text: "DATE".into(),
            ..Default::default()
        }
        .keeps(&d, Lang::Fr));
        assert!(!Filter {
            text: "date".into(),
            ..Default::default()
        }
        .keeps(&d, Lang::En));
    }
}
