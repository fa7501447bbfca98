//! Title, subtitle and the FR | EN switch.

use yew::prelude::*;

use crate::i18n::{Key, Lang, Translate};

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Current language.
    pub lang: Lang,
    /// Called with the language the user picks.
    pub on_lang: Callback<Lang>,
}

/// The page header.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let buttons = Lang::ALL.into_iter().map(|choice| {
        let on_lang = props.on_lang.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_lang.emit(choice));
        let id = format!("lang-{}", choice.code());
        let active = choice == lang;
        html! {
            <button
                type="button"
                id={id.clone()}
                data-testid={id}
                class={classes!("lang", active.then_some("active"))}
                lang={choice.code()}
                aria-pressed={if active { "true" } else { "false" }}
                {onclick}
            >
                { choice.code().to_uppercase() }
            </button>
        }
    });
    html! {
        <header class="page-header">
            <div class="titles">
                <h1 id="title">{ lang.t(Key::Title) }</h1>
                <p id="subtitle" class="subtitle">{ lang.t(Key::Subtitle) }</p>
            </div>
            <nav class="lang-switch" aria-label={lang.t(Key::LanguageSwitch)}>
                { for buttons }
            </nav>
        </header>
    }
}
