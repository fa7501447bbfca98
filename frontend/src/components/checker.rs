//! Checking files offline: pick or drop files, see a summary per file and every problem, located.
//!
//! Everything happens in this browser with the engine compiled to WebAssembly: no request is sent.
//! The problems table renders only the rows in view (virtual scrolling), so 100,000 problems stay
//! smooth; heights and offsets are set through the CSSOM because the CSP forbids style attributes.

pub mod mapping;
pub mod model;
pub mod refs;
pub mod saved;
pub mod texts;

use std::rc::Rc;

use passerelle_engine::check::{read_input, CheckInput, CheckReport, Stage};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::{Diagnostic, Severity};
use passerelle_engine::export::{diagnostics_csv, rejected_rows};
use passerelle_engine::read::ReadOptions;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::{event_input, event_value};
use crate::files;
use crate::i18n::{Key, Lang, Translate};
use crate::templates;
use crate::worker::Runner;
use model::{Cell, Edit, Failure, Model, Msg};
use passerelle_engine::map::MappingTemplate;

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
    /// Told the files and the user's changes each time they change (for the migration).
    #[prop_or_default]
    pub on_checked: Callback<model::CheckedFiles>,
    /// Called with where the check is (no file, checking, errors left, clean), for the stepper.
    #[prop_or_default]
    pub on_stage: Callback<crate::flow::CheckStage>,
    /// Told the checked directory file, its references and service (or none) after each check.
    #[prop_or_default]
    pub on_directory: Callback<Option<crate::components::directory::model::Source>>,
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
        d.message(lang).to_lowercase().contains(&needle)
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

/// Encodings offered in the per-file selector (WHATWG labels); "auto" is the empty value.
pub const ENCODINGS: [(&str, &str); 3] = [
    ("utf-8", "UTF-8"),
    ("windows-1252", "Windows-1252"),
    ("iso-8859-1", "ISO-8859-1"),
];

/// The file-check section.
#[function_component(Checker)]
pub fn checker(props: &CheckerProps) -> Html {
    let lang = props.lang;
    let model = use_reducer(Model::default);
    let filter = use_state(Filter::default);
    let scroll_top = use_state(|| 0.0f64);

    // One worker for the page's life; its replies go through the reducer.
    let runner = {
        let d = model.dispatcher();
        use_memo((), move |_| Runner::new(move |r| d.dispatch(Msg::Reply(r))))
    };
    {
        let on_stage = props.on_stage.clone();
        use_effect_with(crate::flow::CheckStage::of(&model), move |stage| {
            on_stage.emit(*stage)
        });
    }
    // Corrections live in this page only (the files are not kept either): leaving it with some
    // made asks first.
    use_effect_with(!model.edits.is_empty(), |&unsaved| {
        let listener = unsaved.then(warn_before_leaving);
        move || {
            if let (Some(window), Some(l)) = (web_sys::window(), listener) {
                let _ = window.remove_event_listener_with_callback(
                    "beforeunload",
                    l.as_ref().unchecked_ref(),
                );
            }
        }
    });
    // One request per job (see model.rs); once it is done, the migration is told what it takes.
    {
        let (model, runner) = (model.clone(), runner.clone());
        let on_checked = props.on_checked.clone();
        use_effect_with((model.job, model.busy), move |&(job, busy)| {
            if busy {
                let bytes = model.files.iter().map(|f| f.bytes.clone()).collect();
                runner.send(model.request(), bytes, model.ref_bytes());
            } else if job > 0 {
                on_checked.emit(model.checked_files());
            }
        });
    }

    // Once a check is done, its directory file (if any) goes to the directory import.
    {
        let (model, on_directory) = (model.clone(), props.on_directory.clone());
        use_effect_with((model.job, model.busy), move |&(_, busy)| {
            if !busy {
                on_directory.emit(model.directory_source());
            }
        });
    }

    let read_into = |make: fn(Vec<(String, Vec<u8>)>) -> Msg| {
        let d = model.dispatcher();
        Callback::from(move |list: Vec<web_sys::File>| {
            let d = d.clone();
            spawn_local(async move {
                match files::read_files(list).await {
                    Ok(read) => d.dispatch(make(read)),
                    Err(e) => d.dispatch(Msg::ReadFailed(Failure {
                        fr: e.clone(),
                        en: e,
                    })),
                }
            });
        })
    };
    let run = read_into(Msg::FilesRead);
    let on_refs = {
        let read = read_into(Msg::RefsRead);
        Callback::from(move |list: web_sys::FileList| read.emit(files::files_of(&list)))
    };

    let onchange = {
        let run = run.clone();
        Callback::from(move |e: Event| {
            let Some(input) = event_input(&e) else { return };
            if let Some(list) = input.files() {
                run.emit(files::files_of(&list));
            }
            // Emptied once read: picking the same file again is a change, and a new pick is only
            // the new files (they are added to those already checked, not listed twice).
            input.set_value("");
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let run = run.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                run.emit(files::files_of(&list));
            }
        })
    };
    let dispatch = {
        let d = model.dispatcher();
        Callback::from(move |m: Msg| d.dispatch(m))
    };

    // Saved templates: loaded once from IndexedDB, then kept in the model (sent with each check).
    let template_error = use_state(|| None::<String>);
    let reload_templates = {
        let (d, err) = (model.dispatcher(), template_error.clone());
        Callback::from(move |()| {
            let (d, err) = (d.clone(), err.clone());
            spawn_local(async move {
                match templates::load_all().await {
                    Ok(list) => d.dispatch(Msg::SetTemplates(list)),
                    Err(e) => err.set(Some(format!("{} ({e})", lang_neutral_unavailable()))),
                }
            });
        })
    };
    {
        let reload = reload_templates.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    // Saved, deleted or imported templates change the page at once; IndexedDB follows.
    let persist = {
        let err = template_error.clone();
        move |list: Vec<MappingTemplate>| {
            let err = err.clone();
            spawn_local(async move {
                match templates::save(&list).await {
                    Ok(()) => err.set(None),
                    Err(e) => err.set(Some(e.to_string())),
                }
            });
        }
    };
    let on_save_template = {
        let (d, persist) = (model.dispatcher(), persist.clone());
        Callback::from(move |t: MappingTemplate| {
            d.dispatch(Msg::AddTemplates(vec![t.clone()]));
            persist(vec![t]);
        })
    };
    let on_delete_template = {
        let (d, err) = (model.dispatcher(), template_error.clone());
        Callback::from(move |name: String| {
            d.dispatch(Msg::RemoveTemplate(name.clone()));
            let err = err.clone();
            spawn_local(async move {
                if let Err(e) = templates::delete(&name).await {
                    err.set(Some(e.to_string()));
                }
            });
        })
    };
    let on_import_templates = {
        let (d, err) = (model.dispatcher(), template_error.clone());
        Callback::from(move |text: String| match templates::import_json(&text) {
            Ok(list) => {
                d.dispatch(Msg::AddTemplates(list.clone()));
                persist(list);
            }
            Err(e) => err.set(Some(e.to_string())),
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
            <refs::RefsPanel {lang}
                loaded={model::RefKind::ALL.iter().map(|k| model.reference(*k).map(str::to_string)).collect::<Vec<_>>()}
                unknown={model.refs_unknown.clone()} service={model.service.clone()}
                wanted={model.refs_wanted()} on_files={on_refs} on_msg={dispatch.clone()} />
            { for model.phase_one_failed().into_iter().map(|file| phase_one_banner(lang, file)) }
            if model.busy {
                { progress_view(lang, &model) }
            }
            if !model.to_replace.is_empty() {
                <ReplaceQuestion {lang} names={model.to_replace.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()}
                    on_msg={dispatch.clone()} />
            }
            if let Some(f) = &model.failure {
                <p id="check-error" class="state-error">{ if lang == Lang::Fr { f.fr.clone() } else { f.en.clone() } }</p>
            }
            <saved::SavedTemplates {lang} templates={model.templates.clone()}
                on_delete={on_delete_template} on_import={on_import_templates}
                error={(*template_error).clone()} />
            if let Some(r) = &model.report {
                { summary(lang, r, &model, &dispatch) }
                { for r.files.iter().filter_map(|f| f.mapping.clone().map(|m| html! {
                    <mapping::MappingEditor key={f.summary.file.clone()} {lang} file={f.summary.file.clone()}
                        mapping={m} template={f.template.clone()} on_msg={dispatch.clone()}
                        on_save={on_save_template.clone()} />
                })) }
                <ProblemsTable lang={lang} report={SharedReport(r.clone())} filter={(*filter).clone()}
                    on_filter={Callback::from({ let f = filter.clone(); let s = scroll_top.clone(); move |v| { f.set(v); s.set(0.0); } })}
                    scroll_top={*scroll_top}
                    on_scroll={Callback::from({ let s = scroll_top.clone(); move |v| s.set(v) })}
                    on_msg={dispatch.clone()} empty_asked={model.empty_asked.clone()} />
            }
            if !model.edits.is_empty() {
                { corrections_list(lang, &model, &dispatch) }
            }
        </section>
    }
}

/// The banner of a directory file whose phase one failed: nothing of it will be imported.
fn phase_one_banner(lang: Lang, file: String) -> Html {
    use crate::components::directory::texts::T;
    html! {
        <div class="fr-alert fr-alert--error phase-one-failed" role="alert" data-file={file.clone()}>
            <h3 class="fr-alert__title">{ T::PhaseOneFailed.in_lang(lang) }</h3>
            <p><strong class="file">{ file }</strong>{ " " }{ T::PhaseOneFailedHelp.in_lang(lang) }</p>
        </div>
    }
}

/// Makes the browser ask before the page is left (its own wording: browsers show no page text).
fn warn_before_leaving() -> wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)> {
    let listener =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
            e.prevent_default();
            // Older browsers ask only when `returnValue` is set.
            let _ = js_sys::Reflect::set(&e, &"returnValue".into(), &"".into());
        });
    if let Some(window) = web_sys::window() {
        let _ = window
            .add_event_listener_with_callback("beforeunload", listener.as_ref().unchecked_ref());
    }
    listener
}

/// IndexedDB failures are shown with the engine's (French) error; this prefix is bilingual because
/// it is set from an async task that does not know the language at the time it is shown.
fn lang_neutral_unavailable() -> String {
    format!(
        "{} / {}",
        Lang::Fr.t(Key::TemplatesUnavailable),
        Lang::En.t(Key::TemplatesUnavailable)
    )
}

/// The progress bar of the running check: reading (bytes) then checking (rows), in percent.
fn progress_view(lang: Lang, model: &Model) -> Html {
    let (stage, percent) = match model.progress {
        Some(p) => (
            p.stage,
            (p.done.saturating_mul(100) / p.total.max(1)).min(100),
        ),
        None => (Stage::Reading, 0),
    };
    let (stage_key, stage_name) = match stage {
        Stage::Reading => (Key::StageReading, "reading"),
        Stage::Checking => (Key::StageChecking, "checking"),
    };
    html! {
        <div id="check-busy" class="check-progress" data-stage={stage_name}>
            <span class="state-pending">{ lang.t(Key::Checking) }</span>{ " " }
            <label for="check-progress">{ lang.t(stage_key) }{ format!(" {percent} %") }</label>
            <progress id="check-progress" max="100" value={percent.to_string()}></progress>
        </div>
    }
}

fn summary(lang: Lang, report: &Rc<CheckReport>, model: &Model, dispatch: &Callback<Msg>) -> Html {
    let download_all = {
        let report = report.clone();
        Callback::from(move |_: MouseEvent| {
            let bytes = diagnostics_csv(&report.diagnostics, lang);
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
                // A file removed is gone at once, before the check without it ends.
                { for report.files.iter().filter(|f| model.file(&f.summary.file).is_some()).map(|f| {
                    let s = &f.summary;
                    let kind = match (s.item_type, s.companion) {
                        (Some(t), _) => t.label(lang),
                        (None, Some(c)) => c.label(lang),
                        (None, None) => lang.t(Key::UnknownType),
                    };
                    let delim = match f.delimiter { Some('\t') => "TAB".to_string(), Some(c) => c.to_string(), None => String::new() };
                    let enc = f.encoding.clone().map(|e| format!("{e} « {delim} »")).unwrap_or_default();
                    let name = s.file.clone();
                    let input = model.file(&name).cloned();
                    let overrides = input.as_ref().map(|i| i.overrides.clone()).unwrap_or_default();
                    let rejected = {
                        let (report, input) = (report.clone(), input.clone());
                        Callback::from(move |_: MouseEvent| {
                            let Some(input) = &input else { return };
                            let check_input = CheckInput { name: &input.name, bytes: &input.bytes, overrides: &input.overrides };
                            // The corrected cells are in the table: rejected rows carry the corrections.
                            if let Ok(table) = read_input(&check_input, &ReadOptions::default(), &mut |_, _| {}) {
                                let out = rejected_rows(&table, &report.diagnostics);
                                let _ = files::download(&format!("rejets-{}", input.name), "text/csv", &out);
                            }
                        })
                    };
                    let on_encoding = {
                        let (d, name) = (dispatch.clone(), name.clone());
                        Callback::from(move |e: Event| {
                            let v = event_value(&e);
                            d.emit(Msg::SetEncoding(name.clone(), (!v.is_empty()).then_some(v)));
                        })
                    };
                    let on_type = {
                        let (d, name) = (dispatch.clone(), name.clone());
                        Callback::from(move |e: Event| {
                            let v = event_value(&e);
                            d.emit(Msg::SetItemType(name.clone(), ItemType::from_name(&v)));
                        })
                    };
                    let remove = {
                        let (d, name) = (dispatch.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| d.emit(Msg::RemoveFile(name.clone())))
                    };
                    let skipped = model.skip_reason(&name);
                    let detected_type = if overrides.item_type.is_none() { kind } else { "" };
                    let detected_enc = if overrides.encoding.is_none() { f.encoding.clone().unwrap_or_default() } else { String::new() };
                    html! {
                        <tr class="summary-row" data-file={name.clone()}>
                            <td>
                                <span class="file-name">{ name.clone() }</span>
                                if let Some(reason) = skipped {
                                    <p class="skip-note fr-message fr-message--warning" data-reason={format!("{reason:?}")}>
                                        { format!("{} {}", texts::T::SkippedNote.in_lang(lang), texts::T::skip_reason(reason).in_lang(lang)) }
                                    </p>
                                }
                            </td>
                            <td>
                                <span class="type">{ kind }</span>
                                <select class="type-select" aria-label={lang.t(Key::TypeOverride)} onchange={on_type}>
                                    <option value="" selected={overrides.item_type.is_none()}>{ format!("{} ({detected_type})", lang.t(Key::Auto)) }</option>
                                    { for ItemType::ALL.iter().map(|t| html! {
                                        <option value={t.glpi_name()} selected={overrides.item_type == Some(*t)}>{ t.label(lang) }</option>
                                    }) }
                                </select>
                            </td>
                            <td>
                                <span class="encoding">{ enc }</span>
                                <select class="encoding-select" aria-label={lang.t(Key::EncodingOverride)} onchange={on_encoding}>
                                    <option value="" selected={overrides.encoding.is_none()}>{ format!("{} ({detected_enc})", lang.t(Key::Auto)) }</option>
                                    { for ENCODINGS.iter().map(|(label, shown)| html! {
                                        <option value={*label} selected={overrides.encoding.as_deref() == Some(*label)}>{ *shown }</option>
                                    }) }
                                </select>
                            </td>
                            <td class="rows">{ s.rows }</td><td class="valid">{ s.valid }</td>
                            <td class="warnings">{ s.warnings }</td><td class="errors">{ s.errors }</td>
                            <td>
                                if s.errors > 0 && s.rows > 0 {
                                    <button type="button" class="download-rejected fr-btn fr-btn--secondary fr-btn--sm" onclick={rejected}>{ lang.t(Key::DownloadRejected) }</button>
                                }
                                <button type="button" class="remove-file fr-btn fr-btn--tertiary fr-btn--sm"
                                    aria-label={format!("{} {name}", texts::T::RemoveFile.in_lang(lang))}
                                    onclick={remove}>{ texts::T::RemoveFile.in_lang(lang) }</button>
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <button type="button" id="download-diagnostics" onclick={download_all}>{ lang.t(Key::DownloadDiagnostics) }</button>
        </>
    }
}

/// The corrections made, each with its undo and, when other problems of the column show the same
/// value, "apply to all".
fn corrections_list(lang: Lang, model: &Model, dispatch: &Callback<Msg>) -> Html {
    let tr = |t: texts::T| t.in_lang(lang);
    html! {
        <div id="corrections" class="fr-table fr-mt-3w">
            <table>
                <caption>{ texts::count(lang, model.edits.len(), ("correction", "corrections"), ("correction", "corrections")) }</caption>
                <thead><tr>
                    <th scope="col">{ lang.t(Key::ColFile) }</th><th scope="col">{ lang.t(Key::ColLine) }</th>
                    <th scope="col">{ lang.t(Key::ColColumn) }</th><th scope="col">{ tr(texts::T::Before) }</th>
                    <th scope="col">{ tr(texts::T::After) }</th><th scope="col">{ tr(texts::T::Actions) }</th>
                </tr></thead>
                <tbody>
                { for model.edits.iter().map(|e| {
                    let undo = { let (d, cell) = (dispatch.clone(), e.cell()); Callback::from(move |_: MouseEvent| d.emit(Msg::Undo(cell.clone()))) };
                    let others = model.same_value_elsewhere(e);
                    let all = { let (d, e) = (dispatch.clone(), e.clone()); Callback::from(move |_: MouseEvent| d.emit(Msg::CorrectAll(e.clone()))) };
                    let column = match &e.column_name { Some(n) => format!("{} ({n})", e.column + 1), None => (e.column + 1).to_string() };
                    let empty = tr(texts::T::EmptyCell);
                    html! {
                        <tr class="correction" data-file={e.file.clone()} data-line={e.line.to_string()} data-column={e.column.to_string()}>
                            <td>{ e.file.clone() }</td><td>{ e.line }</td><td>{ column }</td>
                            <td class="before">{ shown_value(&e.before) }</td>
                            <td class="after">{ if e.after.is_empty() { empty.to_string() } else { shown_value(&e.after) } }</td>
                            <td>
                                <button type="button" class="undo-correction fr-btn fr-btn--sm fr-btn--tertiary"
                                    aria-label={format!("{} {} {}", tr(texts::T::Undo), e.file, e.line)} onclick={undo}>{ tr(texts::T::Undo) }</button>
                                if others > 0 {
                                    <button type="button" class="apply-all fr-btn fr-btn--sm fr-btn--secondary" onclick={all}>
                                        { format!("{} ({})", tr(texts::T::ApplyAll), texts::count(lang, others, ("autre", "autres"), ("other", "others"))) }
                                    </button>
                                }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// Props of [`ReplaceQuestion`].
#[derive(Properties, PartialEq)]
pub struct ReplaceQuestionProps {
    /// Current language.
    pub lang: Lang,
    /// Names of the files waiting to replace those of the same name.
    pub names: Vec<String>,
    /// Where the answer goes.
    pub on_msg: Callback<Msg>,
}

/// Asks whether files dropped under the name of files already checked replace them; the
/// keyboard focus goes to the question's first button when it appears.
#[function_component(ReplaceQuestion)]
pub fn replace_question(props: &ReplaceQuestionProps) -> Html {
    let lang = props.lang;
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(props.names.clone(), move |_| {
            if let Some(b) = first.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let answer = |replace: bool| {
        let d = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::AnswerReplace(replace)))
    };
    html! {
        <div id="replace-question" class="fr-alert fr-alert--warning fr-mb-3w" role="group" aria-labelledby="replace-question-title">
            <h3 id="replace-question-title" class="fr-alert__title">{ texts::T::ReplaceQuestion.in_lang(lang) }</h3>
            <ul id="replace-names">
                { for props.names.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
            </ul>
            <p>{ texts::T::ReplaceLoses.in_lang(lang) }</p>
            <ul class="fr-btns-group fr-btns-group--inline-sm">
                <li><button type="button" id="replace-confirm" class="fr-btn" ref={first} onclick={answer(true)}>
                    { texts::T::Replace.in_lang(lang) }</button></li>
                <li><button type="button" id="replace-cancel" class="fr-btn fr-btn--secondary" onclick={answer(false)}>
                    { texts::T::KeepOld.in_lang(lang) }</button></li>
            </ul>
        </div>
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
    /// Where corrections go.
    pub on_msg: Callback<Msg>,
    /// The cell the user emptied, asked whether it is to be empty.
    pub empty_asked: Option<Cell>,
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
            let v = event_value(&e);
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
            let v = event_value(&e);
            cb.emit(Filter {
                column: (!v.is_empty()).then_some(v),
                ..f.clone()
            });
        })
    };
    let on_text = {
        let (f, cb) = (f.clone(), props.on_filter.clone());
        Callback::from(move |e: InputEvent| {
            let v = event_input(&e).map(|i| i.value()).unwrap_or_default();
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
                            html! { <option value={v} selected={f.severity == Some(s)}>{ s.label(lang) }</option> }
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
                        { for shown[start..end].iter().map(|d| problem_row(lang, d, editable(&props.report.0, d), &props.on_msg, props.empty_asked.as_ref())) }
                    </div>
                </div>
            </div>
        </>
    }
}

/// Whether a problem's value can be corrected in place: a cell of a data row, in a file read as a
/// table (HR directory files too: their corrections are written into the bytes their rules read).
fn editable(report: &CheckReport, d: &Diagnostic) -> bool {
    d.line > 1
        && d.column.is_some()
        && report
            .files
            .iter()
            .find(|f| f.summary.file == d.file)
            .is_some_and(|f| {
                f.mapping.is_some() || f.summary.item_type == Some(ItemType::Directory)
            })
}

/// Line breaks are shown as ⏎ (an `<input>` cannot hold them); typed back, ⏎ is a line break.
fn shown_value(value: &str) -> String {
    value.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎")
}

/// The logins a problem offers to pick from: those of a user name several users share.
fn logins_to_pick(d: &Diagnostic) -> Option<&[String]> {
    use passerelle_engine::diagnostic::DiagnosticKind;
    use passerelle_engine::validate::RowProblem;
    match &d.kind {
        DiagnosticKind::Row(RowProblem::AmbiguousUser { logins, .. }) => Some(logins),
        _ => None,
    }
}

fn problem_row(
    lang: Lang,
    d: &Diagnostic,
    editable: bool,
    on_msg: &Callback<Msg>,
    empty_asked: Option<&Cell>,
) -> Html {
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
    let value = shown_value(d.value.as_deref().unwrap_or_default());
    let message = d.message(lang);
    let key = format!(
        "{}|{}|{}|{}",
        d.file,
        d.line,
        d.column.as_ref().map_or(0, |c| c.index),
        d.code()
    );
    let value_cell = match (&d.column, editable) {
        (Some(c), true) => {
            let base = Edit {
                file: d.file.clone(),
                line: d.line,
                column: c.index - 1,
                column_name: c.name.clone(),
                before: d.value.clone().unwrap_or_default(),
                after: String::new(),
            };
            let edit = move |after: String| Edit {
                after,
                ..base.clone()
            };
            let cell: Cell = (d.file.clone(), d.line, c.index - 1);
            if empty_asked == Some(&cell) {
                let (empty, keep) = (edit(String::new()), on_msg.clone());
                let choose = on_msg.clone();
                return html! {
                    <div key={key} class={classes!("problem-row", sev)} data-line={d.line.to_string()} data-file={d.file.clone()} data-code={d.code()}>
                        <span>{ d.file.clone() }</span><span class="line">{ d.line }</span><span>{ col }</span>
                        <span class="value empty-question">
                            <button type="button" class="confirm-empty fr-btn fr-btn--sm"
                                onclick={Callback::from(move |_: MouseEvent| choose.emit(Msg::Correct(empty.clone())))}>
                                { texts::T::LeaveEmpty.in_lang(lang) }</button>
                            <button type="button" class="keep-value fr-btn fr-btn--sm fr-btn--secondary"
                                onclick={Callback::from(move |_: MouseEvent| keep.emit(Msg::KeepValue))}>
                                { texts::T::KeepValue.in_lang(lang) }</button>
                        </span>
                        <span>{ d.severity.label(lang) }</span>
                        <span class="message" title={message.clone()}>{ texts::T::EmptyQuestion.in_lang(lang) }</span>
                    </div>
                };
            }
            if let Some(logins) = logins_to_pick(d) {
                let (cb, edit) = (on_msg.clone(), edit.clone());
                let onchange = Callback::from(move |e: Event| {
                    let login = event_value(&e);
                    if !login.is_empty() {
                        cb.emit(Msg::Correct(edit(login)));
                    }
                });
                html! {
                    <span class="value">
                        <select class="pick-login fr-select" aria-label={format!("{} {value}", texts::T::PickLogin.in_lang(lang))} {onchange}>
                            <option value="" selected=true>{ format!("{value} — {}", texts::T::PickLogin.in_lang(lang)) }</option>
                            { for logins.iter().map(|l| html! { <option value={l.clone()}>{ l.clone() }</option> }) }
                        </select>
                    </span>
                }
            } else {
                let onchange = {
                    let (cb, before) = (on_msg.clone(), value.clone());
                    Callback::from(move |e: Event| {
                        let Some(input) = event_input(&e) else {
                            return;
                        };
                        let typed = input.value();
                        if typed.trim().is_empty() {
                            // Not committed: the value stays until the user chooses an empty cell.
                            input.set_value(&before);
                        }
                        if typed != before {
                            cb.emit(Msg::Typed(edit(typed.replace('⏎', "\n"))));
                        }
                    })
                };
                html! {
                    <span class="value">
                        <input class="value-edit" type="text" value={value.clone()} title={value.clone()}
                            aria-label={lang.t(Key::CorrectValue)} {onchange} />
                    </span>
                }
            }
        }
        _ => html! { <span class="value" title={value.clone()}>{ value.clone() }</span> },
    };
    html! {
        <div key={key} class={classes!("problem-row", sev)} data-line={d.line.to_string()} data-file={d.file.clone()} data-code={d.code()}>
            <span>{ d.file.clone() }</span><span class="line">{ d.line }</span><span>{ col }</span>
            { value_cell }
            <span>{ d.severity.label(lang) }</span>
            <span class="message" title={message.clone()}>{ message }</span>
        </div>
    }
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

    /// A diagnostic whose message is "date attendue (…)" in French, "date expected (…)" in
    /// English.
    fn diag(sev: Severity, col: &str) -> Diagnostic {
        Diagnostic {
            column: Some(passerelle_engine::diagnostic::ColumnRef {
                index: 1,
                name: Some(col.into()),
            }),
            value: Some("PC".into()),
            ..Diagnostic::new(
                "Computer.csv",
                2,
                sev,
                passerelle_engine::validate::ValueProblem::NotDate,
            )
        }
    }

    #[test]
    fn filter_by_severity_column_and_text() {
        let d = diag(Severity::Error, "Lieu");
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
        // Messages are compared in the page's language.
        assert!(!Filter {
            text: "attendue".into(),
            ..Default::default()
        }
        .keeps(&d, Lang::En));
        assert!(Filter {
            text: "expected".into(),
            ..Default::default()
        }
        .keeps(&d, Lang::En));
    }
}
