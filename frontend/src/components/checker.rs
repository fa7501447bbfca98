//! Checking files offline: pick or drop files, see a summary per file and every problem, located.
//!
//! Everything happens in this browser with the engine compiled to WebAssembly: no request is sent.
//! The problems table draws one page at a time, so 100,000 problems stay smooth while each row
//! keeps its natural height (messages wrap, never cut off).

pub mod mapping;
pub mod model;
pub mod refs;
pub mod saved;
pub mod texts;

use std::rc::Rc;

use passerelle_engine::check::{CheckReport, Stage};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::{Diagnostic, Severity};
use passerelle_engine::export::diagnostics_csv;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::choice::{self, Choice};
use crate::dom::event_input;
use crate::files;
use crate::i18n::{Key, Lang, Translate};
use crate::templates;
use crate::worker::{Channel, FileSpec, RejectedRequest, Reply, Runner};
use model::{Cell, Edit, Failure, Model, Msg};
use passerelle_engine::map::MappingTemplate;

/// Problems drawn per page of the problems table.
pub const PAGE_SIZE: usize = 50;

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
    /// Only this file's problems, if set.
    pub file: Option<String>,
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
        if self.file.as_ref().is_some_and(|f| *f != d.file) {
            return false;
        }
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

impl Filter {
    /// The filter as it applies to a check of `files` whose problems name `columns`: a file or
    /// column no longer there filters nothing (the lists then show "all", what is in force).
    pub fn in_force(&self, files: &[String], columns: &[String]) -> Filter {
        Filter {
            file: self.file.clone().filter(|f| files.contains(f)),
            column: self.column.clone().filter(|c| columns.contains(c)),
            ..self.clone()
        }
    }
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
    let page = use_state(|| 0usize);

    // One worker for the page's life; its replies go through the reducer.
    let runner = {
        let d = model.dispatcher();
        use_memo((), move |_| Runner::new(move |r| d.dispatch(Msg::Reply(r))))
    };
    // A file's rejected rows are read again in the worker, off the main thread (a large export
    // would freeze the page); its answer is downloaded.
    let exporter = {
        let d = model.dispatcher();
        use_memo((), move |_| {
            Runner::on(Channel::Export, move |r| match r {
                Reply::Rejected { file, csv, .. } => {
                    let _ = files::download(&format!("rejets-{file}"), "text/csv", csv.as_bytes());
                }
                Reply::Failed {
                    message_fr,
                    message_en,
                    ..
                } => d.dispatch(Msg::ReadFailed(Failure {
                    fr: message_fr,
                    en: message_en,
                })),
                _ => {}
            })
        })
    };
    let exports = use_mut_ref(|| 0u32);
    let on_rejected = {
        let model = model.clone();
        Callback::from(move |name: String| {
            let Some(input) = model.file(&name) else {
                return;
            };
            let id = {
                let mut n = exports.borrow_mut();
                *n += 1;
                *n
            };
            let request = RejectedRequest {
                id,
                of: Channel::Check,
                file: FileSpec {
                    name: input.name.clone(),
                    overrides: input.overrides.clone(),
                },
                checked_as: name,
                lang,
            };
            exporter.rejected(request, input.bytes.clone());
        })
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
            <div id="drop-zone" class="drop-zone fr-upload-group" {ondragover} {ondrop}>
                <label class="fr-label" for="file-input">{ format!("{} {}", lang.t(Key::DropHere), lang.t(Key::ChooseFiles)) }</label>
                <input id="file-input" class="fr-upload" type="file" multiple=true {onchange} />
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
                <p id="check-error" class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert">{ if lang == Lang::Fr { f.fr.clone() } else { f.en.clone() } }</p>
            }
            <saved::SavedTemplates {lang} templates={model.templates.clone()}
                on_delete={on_delete_template} on_import={on_import_templates}
                error={(*template_error).clone()} />
            if let Some(r) = &model.report {
                { summary(lang, r, &model, &dispatch, &on_rejected) }
                // The mapping in force: the one the user set, until the check that applies it ends.
                { for r.files.iter().filter_map(|f| f.mapping.clone().map(|m| html! {
                    <mapping::MappingEditor key={f.summary.file.clone()} {lang} file={f.summary.file.clone()}
                        mapping={model.file(&f.summary.file).and_then(|i| i.overrides.mapping.clone()).unwrap_or(m)} template={f.template.clone()} on_msg={dispatch.clone()}
                        on_save={on_save_template.clone()} />
                })) }
                <ProblemsTable lang={lang} report={SharedReport(r.clone())} filter={(*filter).clone()}
                    on_filter={Callback::from({ let f = filter.clone(); let p = page.clone(); move |v| { f.set(v); p.set(0); } })}
                    page={*page}
                    on_page={Callback::from({ let p = page.clone(); move |v| p.set(v) })}
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

fn summary(
    lang: Lang,
    report: &Rc<CheckReport>,
    model: &Model,
    dispatch: &Callback<Msg>,
    on_rejected: &Callback<String>,
) -> Html {
    let download_all = {
        let report = report.clone();
        Callback::from(move |_: MouseEvent| {
            let bytes = diagnostics_csv(&report.diagnostics, lang);
            let _ = files::download("diagnostic.csv", "text/csv;charset=utf-8", &bytes);
        })
    };
    let shown: Vec<_> = report
        .files
        .iter()
        .filter(|f| model.file(&f.summary.file).is_some())
        .collect();
    let (errors, warnings) = shown.iter().fold((0, 0), |(e, w), f| {
        (e + f.summary.errors, w + f.summary.warnings)
    });
    html! {
        <>
            <h3>{ lang.t(Key::SummaryHeading) }</h3>
            <p id="check-totals" class="check-totals fr-text--lg">
                { format!("{} {}, {}, {}", texts::T::CheckTotals.in_lang(lang),
                    texts::words(lang, shown.len(), texts::Noun::File),
                    texts::words(lang, errors, texts::Noun::Error),
                    texts::words(lang, warnings, texts::Noun::Warning)) }
            </p>
            <div class="fr-table fr-table--sm summary-table">
            <table id="summary" class="summary">
                <caption class="fr-sr-only">{ lang.t(Key::SummaryHeading) }</caption>
                <thead><tr>
                    <th scope="col">{ lang.t(Key::ColFile) }</th><th scope="col">{ lang.t(Key::ColType) }</th>
                    <th scope="col">{ lang.t(Key::ColEncoding) }</th><th scope="col">{ lang.t(Key::ColRows) }</th>
                    <th scope="col">{ lang.t(Key::ColValid) }</th><th scope="col">{ lang.t(Key::ColWarnings) }</th>
                    <th scope="col">{ lang.t(Key::ColErrors) }</th><th scope="col">{ texts::T::Actions.in_lang(lang) }</th>
                </tr></thead>
                <tbody>
                // A file removed is gone at once, before the check without it ends.
                { for shown.iter().map(|f| {
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
                    // Read again with the corrections: rejected rows carry them.
                    let rejected = on_rejected.reform({
                        let name = name.clone();
                        move |_: MouseEvent| name.clone()
                    });
                    let on_encoding = {
                        let (d, name) = (dispatch.clone(), name.clone());
                        Callback::from(move |v: String| {
                            d.emit(Msg::SetEncoding(name.clone(), (!v.is_empty()).then_some(v)));
                        })
                    };
                    let on_type = {
                        let (d, name) = (dispatch.clone(), name.clone());
                        Callback::from(move |v: String| {
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
                                <Choice class="type-select" label={format!("{} ({name})", lang.t(Key::TypeOverride))} label_hidden=true
                                    options={choice::options(std::iter::once(("", format!("{} ({detected_type})", lang.t(Key::Auto))))
                                        .chain(ItemType::ALL.iter().map(|t| (t.glpi_name(), t.label(lang).to_string()))))}
                                    value={overrides.item_type.map(|t| t.glpi_name()).unwrap_or_default()} onchange={on_type} />
                            </td>
                            <td>
                                <span class="encoding">{ enc }</span>
                                <Choice class="encoding-select" label={format!("{} ({name})", lang.t(Key::EncodingOverride))} label_hidden=true
                                    options={choice::options(std::iter::once(("", format!("{} ({detected_enc})", lang.t(Key::Auto))))
                                        .chain(ENCODINGS.iter().map(|(v, shown)| (*v, shown.to_string()))))}
                                    value={overrides.encoding.clone().unwrap_or_default()} onchange={on_encoding} />
                            </td>
                            <td class="rows">{ s.rows }</td><td class="valid">{ s.valid }</td>
                            <td class="warnings">{ s.warnings }</td>
                            // Only errors there are take the error colour: a zero is not an alarm.
                            <td class={classes!("errors", (s.errors > 0).then_some("has-errors"))}>{ s.errors }</td>
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
            </div>
            <button type="button" id="download-diagnostics" class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left fr-mb-3w"
                onclick={download_all}>{ lang.t(Key::DownloadDiagnostics) }</button>
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
    /// The page of problems shown (0-based).
    pub page: usize,
    /// Called when the user turns the page.
    pub on_page: Callback<usize>,
    /// Where corrections go.
    pub on_msg: Callback<Msg>,
    /// The cell the user emptied, asked whether it is to be empty.
    pub empty_asked: Option<Cell>,
}

/// The filterable table of problems, one page at a time: rows of natural height (messages wrap,
/// never cut), and 100,000 problems stay smooth since only a page is drawn.
#[function_component(ProblemsTable)]
pub fn problems_table(props: &ProblemsTableProps) -> Html {
    let lang = props.lang;
    let report = &props.report.0;
    let files: Vec<String> = report
        .files
        .iter()
        .map(|f| f.summary.file.clone())
        .collect();
    let mut columns: Vec<String> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.column.as_ref().and_then(|c| c.name.clone()))
        .collect();
    passerelle_engine::sort::sort(&mut columns);
    columns.dedup();
    // A file or column the latest check no longer has filters nothing (and the list says so).
    let f = props.filter.in_force(&files, &columns);
    let shown: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| f.keeps(d, lang))
        .collect();
    let total = shown.len();
    let pages = pages(total);
    let page = props.page.min(pages - 1);
    let (start, end) = (page * PAGE_SIZE, ((page + 1) * PAGE_SIZE).min(total));

    let set = |change: fn(&mut Filter, String)| {
        let (f, cb) = (f.clone(), props.on_filter.clone());
        Callback::from(move |v: String| {
            let mut next = f.clone();
            change(&mut next, v);
            cb.emit(next);
        })
    };
    let on_file = set(|f, v| f.file = (!v.is_empty()).then_some(v));
    let on_severity = set(|f, v| f.severity = severity_of(&v));
    let on_column = set(|f, v| f.column = (!v.is_empty()).then_some(v));
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
    let turn = |to: usize| {
        let cb = props.on_page.clone();
        Callback::from(move |_: MouseEvent| cb.emit(to))
    };
    let all = lang.t(Key::All);
    let file_options = choice::options(
        std::iter::once((String::new(), texts::T::AllFiles.in_lang(lang).to_string()))
            .chain(files.iter().map(|n| (n.clone(), n.clone()))),
    );
    let severity_options = choice::options(
        std::iter::once(("", all)).chain(
            [Severity::Error, Severity::Warning, Severity::Info]
                .into_iter()
                .map(|s| (severity_code(s), s.label(lang))),
        ),
    );
    let column_options = choice::options(
        std::iter::once((String::new(), all.to_string()))
            .chain(columns.iter().map(|c| (c.clone(), c.clone()))),
    );

    html! {
        <>
            <h3>{ lang.t(Key::ProblemsHeading) }</h3>
            <div class="filters fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-md-3">
                    <Choice id="filter-file" label={texts::T::FilterFile.in_lang(lang)} options={file_options}
                        value={f.file.clone().unwrap_or_default()} onchange={on_file} />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                    <Choice id="filter-severity" label={lang.t(Key::FilterSeverity)} options={severity_options}
                        value={f.severity.map(severity_code).unwrap_or_default()} onchange={on_severity} />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                    <Choice id="filter-column" label={lang.t(Key::FilterColumn)} options={column_options}
                        value={f.column.clone().unwrap_or_default()} onchange={on_column} />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                    <div class="fr-input-group">
                        <label class="fr-label" for="filter-text">{ lang.t(Key::FilterText) }</label>
                        <input id="filter-text" class="fr-input" type="search" value={f.text.clone()} oninput={on_text} />
                    </div>
                </div>
            </div>
            <p id="problems-count" class="fr-mb-1w" role="status">{ texts::words(lang, total, texts::Noun::ProblemShown) }</p>
            <div id="problems" class="fr-table fr-table--sm problems-table">
                <table>
                    <caption class="fr-sr-only">{ lang.t(Key::ProblemsHeading) }</caption>
                    <thead><tr>
                        <th scope="col">{ lang.t(Key::ColFile) }</th><th scope="col">{ lang.t(Key::ColLine) }</th>
                        <th scope="col">{ lang.t(Key::ColColumn) }</th><th scope="col">{ lang.t(Key::ColValue) }</th>
                        <th scope="col">{ lang.t(Key::ColSeverity) }</th><th scope="col">{ lang.t(Key::ColMessage) }</th>
                    </tr></thead>
                    <tbody>
                        if total == 0 {
                            <tr><td colspan="6"><p id="no-problems">{ lang.t(Key::NoProblems) }</p></td></tr>
                        }
                        { for shown[start..end].iter().map(|d| problem_row(lang, d, editable(report, d), &props.on_msg, props.empty_asked.as_ref())) }
                    </tbody>
                </table>
            </div>
            if pages > 1 {
                <nav id="problems-pages" class="problems-pages" aria-label={texts::T::Pages.in_lang(lang)}>
                    <button type="button" id="problems-prev" class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-arrow-left-s-line fr-btn--icon-left"
                        disabled={page == 0} onclick={turn(page.saturating_sub(1))}>{ texts::T::PrevPage.in_lang(lang) }</button>
                    <span id="problems-page">
                        { format!("Page {} {} {pages}", page + 1, texts::T::PageOf.in_lang(lang)) }</span>
                    <button type="button" id="problems-next" class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-arrow-right-s-line fr-btn--icon-right"
                        disabled={page + 1 >= pages} onclick={turn(page + 1)}>{ texts::T::NextPage.in_lang(lang) }</button>
                </nav>
            }
        </>
    }
}

/// The filter's code of a severity (the value of its option).
fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The severity of a filter code; `None` for all.
fn severity_of(code: &str) -> Option<Severity> {
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|s| severity_code(*s) == code)
}

/// How many pages `total` problems take (one at least, empty).
pub fn pages(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
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
                    <tr key={key} class={classes!("problem-row", sev)} data-line={d.line.to_string()} data-file={d.file.clone()} data-code={d.code()}>
                        <td class="file">{ d.file.clone() }</td><td class="line">{ d.line }</td><td class="column fr-cell--multiline">{ col }</td>
                        <td class="value empty-question fr-cell--multiline">
                            <button type="button" class="confirm-empty fr-btn fr-btn--sm"
                                onclick={Callback::from(move |_: MouseEvent| choose.emit(Msg::Correct(empty.clone())))}>
                                { texts::T::LeaveEmpty.in_lang(lang) }</button>
                            <button type="button" class="keep-value fr-btn fr-btn--sm fr-btn--secondary"
                                onclick={Callback::from(move |_: MouseEvent| keep.emit(Msg::KeepValue))}>
                                { texts::T::KeepValue.in_lang(lang) }</button>
                        </td>
                        <td class="severity">{ badge(lang, d.severity) }</td>
                        <td class="message fr-cell--multiline">{ texts::T::EmptyQuestion.in_lang(lang) }</td>
                    </tr>
                };
            }
            if let Some(logins) = logins_to_pick(d) {
                let (cb, edit) = (on_msg.clone(), edit.clone());
                let onchange = Callback::from(move |login: String| {
                    if !login.is_empty() {
                        cb.emit(Msg::Correct(edit(login)));
                    }
                });
                // In force: the value as the file has it (a pick corrects it, and the row goes).
                let options = choice::options(
                    std::iter::once((
                        String::new(),
                        format!("{value} — {}", texts::T::PickLogin.in_lang(lang)),
                    ))
                    .chain(logins.iter().map(|l| (l.clone(), l.clone()))),
                );
                html! {
                    <td class="value fr-cell--multiline">
                        <Choice class="pick-login" label={format!("{} {value}", texts::T::PickLogin.in_lang(lang))}
                            label_hidden=true {options} value="" {onchange} />
                    </td>
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
                    <td class="value">
                        <input class="value-edit fr-input" type="text" value={value.clone()} title={value.clone()}
                            aria-label={format!("{} ({}, {} {})", lang.t(Key::CorrectValue), d.file, lang.t(Key::ColLine), d.line)} {onchange} />
                    </td>
                }
            }
        }
        _ => html! { <td class="value fr-cell--multiline">{ value.clone() }</td> },
    };
    html! {
        <tr key={key} class={classes!("problem-row", sev)} data-line={d.line.to_string()} data-file={d.file.clone()} data-code={d.code()}>
            <td class="file">{ d.file.clone() }</td><td class="line">{ d.line }</td><td class="column fr-cell--multiline">{ col }</td>
            { value_cell }
            <td class="severity">{ badge(lang, d.severity) }</td>
            <td class="message fr-cell--multiline">{ message }</td>
        </tr>
    }
}

/// A severity as a DSFR badge (colour and words: never colour alone).
fn badge(lang: Lang, severity: Severity) -> Html {
    let kind = match severity {
        Severity::Error => "fr-badge--error",
        Severity::Warning => "fr-badge--warning",
        Severity::Info => "fr-badge--info",
    };
    html! { <span class={classes!("fr-badge", "fr-badge--sm", "fr-badge--no-icon", kind)}>{ severity.label(lang) }</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_page_size_problems_and_never_none() {
        assert_eq!(pages(0), 1);
        assert_eq!(pages(1), 1);
        assert_eq!(pages(PAGE_SIZE), 1);
        assert_eq!(pages(PAGE_SIZE + 1), 2);
        assert_eq!(pages(100_000), 100_000 / PAGE_SIZE);
    }

    #[test]
    fn filter_by_file_and_what_is_in_force() {
        let d = diag(Severity::Error, "Lieu");
        let on = |file: &str| Filter {
            file: Some(file.into()),
            ..Default::default()
        };
        assert!(on("Computer.csv").keeps(&d, Lang::Fr));
        assert!(!on("Monitor.csv").keeps(&d, Lang::Fr));
        // A file or column the latest check no longer has filters nothing.
        let files = ["Computer.csv".to_string()];
        let gone = Filter {
            column: Some("Nom".into()),
            ..on("Monitor.csv")
        }
        .in_force(&files, &["Lieu".to_string()]);
        assert_eq!(gone, Filter::default());
        assert_eq!(on("Computer.csv").in_force(&files, &[]), on("Computer.csv"));
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
