//! The plan as the administrator reviews it before anything is written: counts per item type
//! and decision, values missing on the target (with a choice each), entities, what the files
//! cannot carry, the rows one by one, and how many requests would be sent.

use std::collections::HashMap;
use std::rc::Rc;

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::lookup::Found;
use passerelle_engine::migrate::model::{Decision, DecisionKind};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, UnmatchedValue, ValueChoice};
use yew::prelude::*;

use super::model::{Search, SearchState};
use super::texts::{counted, type_label, T, W};
use crate::components::choice::{self, Choice};
use crate::dom::event_input;
use crate::i18n::Lang;

/// Rows shown in the row-by-row table (the journal and downloads hold all of them).
const ROWS_SHOWN: usize = 500;

const KINDS: [DecisionKind; 5] = [
    DecisionKind::Create,
    DecisionKind::Update,
    DecisionKind::Skip,
    DecisionKind::Conflict,
    DecisionKind::Rejected,
];

/// Props of [`PlanView`].
#[derive(Properties, PartialEq)]
pub struct PlanViewProps {
    /// Current language.
    pub lang: Lang,
    /// The plan.
    pub plan: Rc<Plan>,
    /// Current options (choices made here change them; "prepare the plan" applies them).
    pub options: PlanOptions,
    /// Called with changed options.
    pub on_options: Callback<PlanOptions>,
    /// "Create all" / "leave all empty" for a type.
    pub on_choose_all: Callback<(GlpiType, ValueChoice)>,
    /// The entities the session sees `(id, complete name)`.
    pub entities: Vec<(u64, String)>,
    /// The type-ahead searches of existing values, per missing value's key.
    #[prop_or_default]
    pub searches: HashMap<String, Search>,
    /// The names of the existing values picked, per missing value's key.
    #[prop_or_default]
    pub picked: HashMap<String, String>,
    /// Text typed in a missing value's search: `(type, value, text)`.
    #[prop_or_default]
    pub on_search: Callback<(GlpiType, String, String)>,
    /// An existing item picked for a missing value: `(type, value, item)`.
    #[prop_or_default]
    pub on_pick: Callback<(GlpiType, String, Found)>,
}

/// The search of existing target values for one missing value: a labelled search field, a
/// polite live status, and the items found as a list of buttons (the simplest pattern a
/// keyboard and a screen reader use without ARIA widgets: Tab to an item, Enter picks it).
fn value_search(props: &PlanViewProps, u: &UnmatchedValue, id: &str) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let key = PlanOptions::value_key(u.itemtype, &u.value);
    let search = props.searches.get(&key);
    let oninput = {
        let (cb, itemtype, value) = (props.on_search.clone(), u.itemtype, u.value.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = event_input(&e) {
                cb.emit((itemtype, value.clone(), i.value()));
            }
        })
    };
    let status_id = format!("{id}-status");
    let (status, found): (String, &[Found]) = match search.map(|s| &s.state) {
        None | Some(SearchState::Idle) => (String::new(), &[]),
        Some(SearchState::Waiting) => (tr(T::Searching).to_string(), &[]),
        Some(SearchState::Found(f)) if f.is_empty() => (tr(T::FoundNone).to_string(), &[]),
        Some(SearchState::Found(f)) => (
            format!(
                "{} : {}",
                counted(f.len(), W::ValueFound, lang),
                tr(T::FoundSome)
            ),
            f.as_slice(),
        ),
        Some(SearchState::Failed(p)) => (
            format!(
                "{} : {}",
                tr(T::SearchFailed),
                super::render_problem(p, lang)
            ),
            &[],
        ),
    };
    let picks = found.iter().map(|f| {
        let onclick = {
            let (cb, itemtype, value, f) = (props.on_pick.clone(), u.itemtype, u.value.clone(), f.clone());
            Callback::from(move |_: MouseEvent| cb.emit((itemtype, value.clone(), f.clone())))
        };
        html! {
            <li>
                <button type="button" class="value-pick fr-btn fr-btn--sm fr-btn--tertiary" data-id={f.id.to_string()} {onclick}>
                    { format!("{} (n° {})", f.name, f.id) }
                </button>
            </li>
        }
    });
    html! {
        <div class="value-search fr-input-group fr-mt-1w fr-mb-0">
            <label class="fr-label" for={id.to_string()}>
                { tr(T::SearchExisting) }
                <span class="fr-sr-only">{ format!(" : {}", u.value) }</span>
                <span class="fr-hint-text">{ tr(T::SearchHint) }</span>
            </label>
            <input id={id.to_string()} class="fr-input value-search-input" type="search" autocomplete="off"
                value={search.map(|s| s.text.clone()).unwrap_or_default()}
                aria-describedby={status_id.clone()} {oninput} />
            <p id={status_id} class="fr-hint-text fr-mt-1v value-search-status" role="status" aria-live="polite">{ status }</p>
            if !found.is_empty() {
                <ul class="value-results fr-btns-group fr-btns-group--sm" aria-label={format!("{} : {}", counted(found.len(), W::ValueFound, lang), u.value)}>
                    { for picks }
                </ul>
            }
        </div>
    }
}

/// The plan.
#[function_component(PlanView)]
pub fn plan_view(props: &PlanViewProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let label = move |k: DecisionKind| {
        if lang == Lang::Fr {
            k.label_fr()
        } else {
            k.label_en()
        }
    };
    let plan = &props.plan;

    let counts = plan.counts().into_iter().map(|c| {
        let total: usize = c.counts.values().sum();
        html! {
            <tr class="plan-row" data-itemtype={c.itemtype.name()}>
                <td>{ type_label(c.itemtype, lang) }</td>
                { for KINDS.iter().map(|k| html! {
                    <td class={format!("count-{}", label(*k).replace(' ', "-"))} data-kind={format!("{k:?}").to_lowercase()}>
                        { c.counts.get(k).copied().unwrap_or(0) }
                    </td>
                }) }
                <td>{ total }</td>
            </tr>
        }
    });

    // Missing values grouped by type, each group with its "create all" / "leave all empty".
    let mut groups: Vec<(GlpiType, Vec<&UnmatchedValue>)> = Vec::new();
    for u in &plan.unmatched {
        match groups.iter_mut().find(|(t, _)| *t == u.itemtype) {
            Some((_, list)) => list.push(u),
            None => groups.push((u.itemtype, vec![u])),
        }
    }
    let unmatched = groups.iter().map(|(itemtype, values)| {
        let itemtype = *itemtype;
        let all = |choice: ValueChoice| {
            let cb = props.on_choose_all.clone();
            Callback::from(move |_: MouseEvent| cb.emit((itemtype, choice)))
        };
        let rows: usize = values.iter().map(|u| u.rows).sum();
        let creatable = values.iter().any(|u| u.creatable);
        let legend_id = format!("unmatched-{}", itemtype.name());
        let body = values.iter().enumerate().map(|(i, u)| {
            let key = PlanOptions::value_key(u.itemtype, &u.value);
            let onchange = {
                let (options, on_options, key) = (props.options.clone(), props.on_options.clone(), key.clone());
                Callback::from(move |v: String| {
                    let choice = match v.as_str() {
                        "create" => ValueChoice::Create,
                        "empty" => ValueChoice::Empty,
                        other => match other.parse() {
                            Ok(id) => ValueChoice::MapTo(id),
                            Err(_) => return,
                        },
                    };
                    let mut o = options.clone();
                    o.values.insert(key.clone(), choice);
                    on_options.emit(o);
                })
            };
            let (code, current) = match u.choice {
                ValueChoice::Create => ("create", "create".to_string()),
                ValueChoice::Empty => ("empty", "empty".to_string()),
                ValueChoice::MapTo(id) => ("map", id.to_string()),
            };
            html! {
                <tr class="unmatched-row" data-value={u.value.clone()} data-choice={code}>
                    <td>{ &u.value }</td>
                    <td>{ counted(u.rows, W::Row, lang) }</td>
                    <td>
                        <Choice class="value-choice" label={format!("{} : {}", tr(T::Choice), u.value)} label_hidden=true
                            options={choice::options(
                                u.creatable.then(|| ("create".to_string(), tr(T::ChoiceCreate).to_string()))
                                    .into_iter()
                                    .chain([("empty".to_string(), tr(T::ChoiceEmpty).to_string())])
                                    .chain(match u.choice {
                                        // The item picked by name, named (its id alone otherwise).
                                        ValueChoice::MapTo(id) => Some((id.to_string(), match props.picked.get(&key) {
                                            Some(name) => format!("{} : {name} (n° {id})", tr(T::ChoiceExisting)),
                                            None => format!("{} n° {id}", tr(T::ChoiceExisting)),
                                        })),
                                        _ => None,
                                    }))}
                            value={current} {onchange} />
                        { value_search(props, u, &format!("search-{}-{i}", itemtype.name())) }
                    </td>
                </tr>
            }
        });
        html! {
            <section class="unmatched-type" data-itemtype={itemtype.name()} aria-labelledby={legend_id.clone()}>
                <h5 id={legend_id}>{ format!("{} — {}, {}", type_label(itemtype, lang), counted(values.len(), W::Value, lang), counted(rows, W::Row, lang)) }</h5>
                <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                    if creatable {
                        <li><button type="button" class="create-all fr-btn fr-btn--secondary" onclick={all(ValueChoice::Create)}>{ tr(T::CreateAll) }</button></li>
                    }
                    <li><button type="button" class="empty-all fr-btn fr-btn--tertiary" onclick={all(ValueChoice::Empty)}>{ tr(T::EmptyAll) }</button></li>
                </ul>
                <div class="fr-table fr-table--sm">
                    <table>
                        <thead><tr><th scope="col">{ tr(T::MissingValue) }</th><th scope="col">{ tr(T::Rows) }</th><th scope="col">{ tr(T::Choice) }</th></tr></thead>
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
            </section>
        }
    });

    let entities = plan.entities.iter().map(|e| {
        let onchange = {
            let (options, on_options, source) = (props.options.clone(), props.on_options.clone(), e.source.clone());
            Callback::from(move |v: String| {
                if let Ok(id) = v.parse::<u64>() {
                    let mut o = options.clone();
                    o.entities.insert(source.clone(), id);
                    on_options.emit(o);
                }
            })
        };
        // The entities the session sees, by their complete name; the id only when the plan
        // names one the session does not see.
        let known = props.entities.iter().any(|(id, _)| *id == e.target);
        html! {
            <tr class="entity-row">
                <td>{ &e.source }</td>
                <td>{ e.rows }</td>
                <td>
                    <Choice class="entity-map" label={format!("{} : {}", tr(T::TargetEntity), e.source)} label_hidden=true
                        options={choice::options(props.entities.iter().map(|(id, name)| (id.to_string(), name.clone()))
                            .chain((!known).then(|| (e.target.to_string(), format!("#{}", e.target)))))}
                        value={e.target.to_string()} {onchange} />
                </td>
            </tr>
        }
    });

    let rows = plan.objects.iter().take(ROWS_SHOWN).map(|o| {
        let source = o
            .sources
            .first()
            .map(|s| format!("{}:{}", s.file, s.line))
            .unwrap_or_default();
        let detail = match &o.decision {
            Decision::Update { id, changes, .. } => format!("#{id} : {}", changes.keys().cloned().collect::<Vec<_>>().join(", ")),
            Decision::Skip { id } => format!("#{id}"),
            Decision::Conflict { ids } => format!("{ids:?}"),
            Decision::Rejected { rejection } => rejection.render(lang),
            Decision::Create => o.warnings.join(" ; "),
        };
        html! {
            <tr class="object-row" data-decision={format!("{:?}", o.decision.kind()).to_lowercase()}>
                <td>{ source }</td>
                <td>{ type_label(o.key.itemtype, lang) }</td>
                <td>{ &o.key.key }</td>
                <td>{ label(o.decision.kind()) }</td>
                <td>{ detail }</td>
            </tr>
        }
    });
    // The runner itself over a recording transport: the preview is what the run would send.
    let requests = passerelle_engine::migrate::run::dry_run(plan, &Default::default()).requests;

    let columns = plan.columns.iter().map(|c| {
        let (carried, whither) = match &c.destination {
            Some(d) => (d.is_carried(), d.describe(lang)),
            None if lang == Lang::Fr => (false, "non reconnue : non transférée".to_string()),
            None => (false, "not recognised: not carried".to_string()),
        };
        html! {
            <tr class={if carried { "column carried" } else { "column not-carried" }} data-header={c.header.clone()} data-file={c.file.clone()}>
                <td>{ format!("{} « {} »", c.file, c.header) }</td>
                <td class="values">{ c.values }</td>
                <td class="destination">{ whither }</td>
            </tr>
        }
    });
    html! {
        <div id="plan" class="plan">
            <h3 class="fr-mt-4w">{ tr(T::PlanHeading) }</h3>
            <div class="fr-table fr-table--sm fr-table--bordered fr-mb-2w">
                <table id="plan-counts" class="counts">
                    <thead><tr>
                        <th scope="col">{ tr(T::ItemType) }</th>
                        { for KINDS.iter().map(|k| html! { <th scope="col">{ label(*k) }</th> }) }
                        <th scope="col">{ tr(T::Total) }</th>
                    </tr></thead>
                    <tbody>{ for counts }</tbody>
                </table>
            </div>
            <p id="plan-requests">{ format!("{} {}", requests.len(), tr(T::Requests)) }</p>
            <details>
                <summary>{ tr(T::Requests) }</summary>
                <pre class="requests">{ requests.iter().take(20).map(|r| format!("{} {} {}\n", r.method.as_str(), r.path, r.body.as_ref().map(|b| b.to_string()).unwrap_or_default())).collect::<String>() }</pre>
            </details>
            if !plan.unmatched.is_empty() {
                <div id="unmatched" class="unmatched fr-mt-3w">
                    <h4>{ tr(T::Unmatched) }</h4>
                    <p class="fr-hint-text">{ tr(T::UnmatchedHelp) }</p>
                    { for unmatched }
                </div>
            }
            if !plan.entities.is_empty() {
                <h4>{ tr(T::Entities) }</h4>
                <div class="fr-table fr-table--sm">
                    <table id="entities" class="entities">
                        <thead><tr><th scope="col">{ tr(T::SourceEntity) }</th><th scope="col">{ tr(T::Rows) }</th><th scope="col">{ tr(T::TargetEntity) }</th></tr></thead>
                        <tbody>{ for entities }</tbody>
                    </table>
                </div>
            }
            if !plan.not_carried.is_empty() {
                <h4>{ tr(T::NotCarried) }</h4>
                <ul id="not-carried">
                    { for plan.not_carried.iter().map(|n| html! {
                        <li data-code={n.code.clone()}>{ format!("{} ({} {})", if lang == Lang::Fr { &n.message_fr } else { &n.message_en }, n.rows, tr(T::Rows)) }</li>
                    }) }
                </ul>
            }
            <details id="plan-columns" open=true>
                <summary>{ tr(T::Columns) }</summary>
                <div class="fr-table fr-table--sm">
                    // Focusable: with many columns (a read of the local GLPI) the table scrolls, and
                    // a keyboard must reach what is beyond the fold (axe: scrollable-region-focusable).
                    <table class="columns" tabindex="0" aria-label={tr(T::Columns)}>
                        <thead><tr><th scope="col">{ tr(T::Column) }</th><th scope="col">{ tr(T::Values) }</th><th scope="col">{ tr(T::Destination) }</th></tr></thead>
                        <tbody>{ for columns }</tbody>
                    </table>
                </div>
            </details>
            <details id="plan-rows">
                <summary>{ format!("{} ({})", tr(T::RowByRow), plan.objects.len()) }</summary>
                <div class="fr-table fr-table--sm">
                    <table class="objects">
                        <thead><tr>
                            <th scope="col">{ if lang == Lang::Fr { "Fichier : ligne" } else { "File: line" } }</th>
                            <th scope="col">{ tr(T::ItemType) }</th>
                            <th scope="col">{ if lang == Lang::Fr { "Clé" } else { "Key" } }</th>
                            <th scope="col">{ tr(T::Choice) }</th>
                            <th scope="col">{ if lang == Lang::Fr { "Détail" } else { "Detail" } }</th>
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            </details>
        </div>
    }
}
