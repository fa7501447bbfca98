//! The root component: owns the state, runs the checks against the proxy.

use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::checker::model::CheckedFiles;

use crate::api;
use crate::components::{Checker, Header, Migration, StatusPanel};
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

    let on_lang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang| dispatcher.dispatch(Action::SetLang(lang)))
    };
    let on_recheck = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Recheck))
    };

    html! {
        <>
            <Header lang={state.lang} {on_lang} />
            <main>
                <StatusPanel
                    lang={state.lang}
                    info={state.info.clone()}
                    readiness={state.readiness.clone()}
                    {on_recheck}
                />
                <Checker lang={state.lang} {on_checked} />
                <Migration lang={state.lang} checked={(*checked).clone()} />
            </main>
        </>
    }
}
