//! The guided flow's stepper (DSFR `fr-stepper`): the step the administrator is at, what to do
//! there, a link to it and the step after. Which step it is comes from `flow::current_step`.

use yew::prelude::*;

use crate::components::header::STEPS_ID;
use crate::flow::{MigrationStage, Step};
use crate::i18n::{Key, Lang, Translate};

/// Props of [`Stepper`].
#[derive(Properties, PartialEq)]
pub struct StepperProps {
    /// Current language.
    pub lang: Lang,
    /// The step the administrator is at.
    pub step: Step,
    /// Where the migration is (to say so after a verify or an undo).
    pub migration: MigrationStage,
}

/// The title of a step.
pub fn title(step: Step) -> Key {
    match step {
        Step::Files => Key::StepFiles,
        Step::Check => Key::StepCheck,
        Step::Connect => Key::StepConnect,
        Step::Plan => Key::StepPlan,
        Step::Run => Key::StepRun,
        Step::Verify => Key::StepVerify,
    }
}

/// What to do at a step.
fn hint(step: Step) -> Key {
    match step {
        Step::Files => Key::HintFiles,
        Step::Check => Key::HintCheck,
        Step::Connect => Key::HintConnect,
        Step::Plan => Key::HintPlan,
        Step::Run => Key::HintRun,
        Step::Verify => Key::HintVerify,
    }
}

/// The id of the part of the page where a step is done.
fn section(step: Step) -> &'static str {
    match step {
        Step::Files | Step::Check => "checker",
        Step::Connect | Step::Plan | Step::Run | Step::Verify => "migrate-section",
    }
}

/// Shows where the administrator is in the flow.
#[function_component(Stepper)]
pub fn stepper(props: &StepperProps) -> Html {
    let lang = props.lang;
    let step = props.step;
    let total = Step::ALL.len();
    let state = format!(
        "{} {} {} {total}",
        lang.t(Key::StepWord),
        step.number(),
        lang.t(Key::StepOf)
    );
    let note = match props.migration {
        MigrationStage::Verified => Some(Key::NoteVerified),
        MigrationStage::Undone => Some(Key::NoteUndone),
        _ => None,
    };
    html! {
        <div id={STEPS_ID} class="fr-stepper flow-stepper" data-step={step.code()}
            aria-live="polite">
            <h2 class="fr-stepper__title" id="step-title">
                { lang.t(title(step)) }
                <span class="fr-stepper__state" id="step-state">{ state }</span>
            </h2>
            <div class="fr-stepper__steps" data-fr-current-step={step.number().to_string()}
                data-fr-steps={total.to_string()}></div>
            <p class="fr-stepper__details" id="step-hint">
                { lang.t(hint(step)) }{ " " }
                <a class="fr-link fr-link--sm" href={format!("#{}", section(step))}>
                    { lang.t(Key::GoToStep) }
                </a>
            </p>
            if let Some(note) = note {
                <p class="fr-stepper__details" id="step-note">{ lang.t(note) }</p>
            }
            <p class="fr-stepper__details" id="step-next">
                if let Some(next) = step.next() {
                    <span class="fr-text--bold">{ lang.t(Key::NextStep) }</span>
                    { " " }{ lang.t(title(next)) }
                } else {
                    { lang.t(Key::LastStep) }
                }
            </p>
        </div>
    }
}
