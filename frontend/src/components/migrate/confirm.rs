//! The confirmation asked before anything is written (run and undo): what will be written, per
//! item type and in words, and where (the GLPI's address and the entity by name). An
//! accessible dialog: named by its title, focused when it opens, Escape goes back.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::journal::{Journal, Outcome};
use passerelle_engine::migrate::model::DecisionKind;
use passerelle_engine::migrate::plan::Plan;
use yew::prelude::*;

use super::model::Confirm;
use super::texts::{counted_list, type_label, T, W};
use crate::i18n::Lang;

/// Per item type, what a run of `plan` writes: (type, to create, to update); types with
/// nothing to write are left out.
pub fn run_counts(plan: &Plan) -> Vec<(GlpiType, usize, usize)> {
    plan.counts()
        .into_iter()
        .map(|c| {
            let n = |k| c.counts.get(&k).copied().unwrap_or(0);
            (c.itemtype, n(DecisionKind::Create), n(DecisionKind::Update))
        })
        .filter(|(_, create, update)| create + update > 0)
        .collect()
}

/// Per item type, what undoing `journal` does: (type, to remove, to restore); types with
/// nothing to undo are left out.
pub fn undo_counts(journal: &Journal) -> Vec<(GlpiType, usize, usize)> {
    journal
        .counts()
        .into_iter()
        .map(|(t, o)| {
            let n = |k| o.get(&k).copied().unwrap_or(0);
            (t, n(Outcome::Created), n(Outcome::Updated))
        })
        .filter(|(_, remove, restore)| remove + restore > 0)
        .collect()
}

/// Props of [`ConfirmDialog`].
#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    /// Current language.
    pub lang: Lang,
    /// What is confirmed.
    pub kind: Confirm,
    /// Per type: (type, first count, second count) — create/update or remove/restore.
    pub counts: Vec<(GlpiType, usize, usize)>,
    /// The GLPI written to (its API address).
    pub target: String,
    /// The entity written to, by name.
    pub entity: String,
    /// Confirmed.
    pub on_yes: Callback<MouseEvent>,
    /// Back, nothing written.
    pub on_no: Callback<()>,
}

/// The dialog.
#[function_component(ConfirmDialog)]
pub fn confirm_dialog(props: &ConfirmProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let dialog = use_node_ref();
    // Focus goes into the dialog when it opens, so the keyboard and screen readers are there.
    {
        let dialog = dialog.clone();
        use_effect_with(props.kind, move |_| {
            if let Some(el) = dialog.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let (title, intro, yes, words) = match props.kind {
        Confirm::Run => (
            T::RunConfirmTitle,
            T::RunConfirmIntro,
            T::RunConfirmYes,
            (W::ToCreate, W::ToUpdate),
        ),
        Confirm::Undo => (
            T::UndoConfirmTitle,
            T::UndoConfirm,
            T::UndoConfirmYes,
            (W::ToRemove, W::ToRestore),
        ),
    };
    let on_key = {
        let no = props.on_no.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                no.emit(());
            }
        })
    };
    let on_no = {
        let no = props.on_no.clone();
        Callback::from(move |_: MouseEvent| no.emit(()))
    };
    let kind = match props.kind {
        Confirm::Run => "run",
        Confirm::Undo => "undo",
    };
    html! {
        <div id="confirm-dialog" class="confirm-dialog" role="dialog" aria-modal="true"
            aria-labelledby="confirm-title" aria-describedby="confirm-intro"
            data-kind={kind} tabindex="-1" ref={dialog} onkeydown={on_key}>
            <h4 id="confirm-title">{ tr(title) }</h4>
            <p id="confirm-intro">{ tr(intro) }</p>
            <ul id="confirm-counts">
                if props.counts.is_empty() {
                    <li>{ tr(T::NothingWritten) }</li>
                }
                { for props.counts.iter().map(|(t, a, b)| html! {
                    <li data-itemtype={t.name()}>
                        { format!("{} : {}", type_label(*t, lang), counted_list(&[(*a, words.0), (*b, words.1)], lang)) }
                    </li>
                }) }
            </ul>
            <dl class="confirm-target">
                <dt>{ tr(T::TargetGlpi) }</dt>
                <dd id="confirm-glpi">{ &props.target }</dd>
                <dt>{ tr(T::TargetEntityName) }</dt>
                <dd id="confirm-entity">{ &props.entity }</dd>
            </dl>
            <ul class="confirm-buttons fr-btns-group fr-btns-group--inline-md">
                <li><button id="confirm-yes" type="button" class={if props.kind == Confirm::Undo { "fr-btn danger" } else { "fr-btn" }} onclick={props.on_yes.clone()}>{ tr(yes) }</button></li>
                <li><button id="confirm-no" type="button" class="fr-btn fr-btn--secondary" onclick={on_no}>{ tr(T::Back) }</button></li>
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_engine::migrate::plan::{PlanOptions, TargetData};

    #[test]
    fn a_run_is_confirmed_with_what_it_writes_per_type() {
        let prepared = passerelle_engine::migrate::inputs::Prepared::from_files(
            &[(
                "Computer.csv".into(),
                b"Nom;Num\xc3\xa9ro de s\xc3\xa9rie\nPC-1;SN1\nPC-2;SN2\n".to_vec(),
            )],
            &Default::default(),
        );
        let plan = prepared
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default());
        assert_eq!(run_counts(&plan), vec![(GlpiType::Computer, 2, 0)]);
        assert!(undo_counts(&Journal::default()).is_empty());
    }
}
