//! The root component: owns the state, runs the checks against the proxy, and lays out the
//! page: skip links and header, then in `<main>` the one h1, the stepper, the status, the check
//! and the migration, then the footer.

use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::checker::model::CheckedFiles;

use crate::api;
use crate::components::directory::model::Source;
use crate::components::header::MAIN_ID;
use crate::components::{
    Checker, DirectoryImport, Footer, Header, Migration, StatusPanel, Stepper,
};
use crate::flow::{self, CheckStage, MigrationStage};
use crate::i18n::{Key, Translate};
use crate::prefs;
use crate::state::{Action, AppState};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(prefs::load_lang()));

    // One round of checks each time `round` changes (start-up, then every "check again").
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.round, move |&round| {
            let d = dispatcher.clone();
            spawn_local(async move {
                let result = api::fetch_info().await;
                d.dispatch(Action::InfoLoaded { round, result });
            });
            spawn_local(async move {
                let result = api::fetch_readiness().await;
                dispatcher.dispatch(Action::ReadinessLoaded { round, result });
            });
        });
    }

    use_effect_with(state.lang, |&lang| prefs::apply_lang(lang));

    // What the check holds (files, the user's changes, templates), offered to the migration.
    let checked = use_state(|| Rc::new(CheckedFiles::default()));
    let on_checked = {
        let checked = checked.clone();
        Callback::from(move |c: CheckedFiles| checked.set(Rc::new(c)))
    };
    // Where the check and the migration are, for the stepper.
    let check_stage = use_state(CheckStage::default);
    let migration_stage = use_state(MigrationStage::default);
    let step = flow::current_step(*check_stage, *migration_stage);

    // The check's directory file, carried out by the directory import section.
    let directory = use_state(|| None::<Source>);
    let on_directory = {
        let directory = directory.clone();
        Callback::from(move |s: Option<Source>| directory.set(s))
    };

    let on_lang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang| dispatcher.dispatch(Action::SetLang(lang)))
    };
    let on_recheck = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Recheck))
    };
    let lang = state.lang;

    html! {
        <>
            <Header {lang} {on_lang} />
            <main id={MAIN_ID} class="fr-container page-main" tabindex="-1">
                <h1 id="page-heading" class="fr-h2 page-heading">{ lang.t(Key::PageHeading) }</h1>
                <Stepper {lang} {step} migration={*migration_stage} />
                <StatusPanel
                    {lang}
                    info={state.info.clone()}
                    readiness={state.readiness.clone()}
                    {on_recheck}
                />
                <Checker {lang} {on_checked} {on_directory}
                    on_stage={Callback::from(move |s| check_stage.set(s))} />
                <DirectoryImport {lang} source={(*directory).clone()} />
                <Migration {lang} checked={(*checked).clone()}
                    on_stage={Callback::from(move |s| migration_stage.set(s))} />
            </main>
            <Footer {lang} />
        </>
    }
}
