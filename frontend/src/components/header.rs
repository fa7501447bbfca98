//! The page's top: the skip links, then the French State's header (DSFR `fr-header`: the
//! "République française" brand block, the service name and its tagline) with the FR | EN switch.

use yew::prelude::*;

use crate::i18n::{Key, Lang, Translate};

/// Id of the `<main>` element, the target of the first skip link.
pub const MAIN_ID: &str = "contenu";
/// Id of the steps of the migration, the target of the second skip link.
pub const STEPS_ID: &str = "etapes";

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
        // The language's own name, in that language (lang=…): what a reader of it looks for.
        let name = choice.t(Key::LanguageName);
        html! {
            <li>
                <button
                    type="button"
                    id={id.clone()}
                    data-testid={id}
                    class={classes!(
                        "fr-btn", "fr-btn--sm",
                        (!active).then_some("fr-btn--tertiary"),
                    )}
                    lang={choice.code()}
                    aria-pressed={if active { "true" } else { "false" }}
                    {onclick}
                >
                    { choice.code().to_uppercase() }
                    <span class="fr-sr-only">{ " – " }{ name }</span>
                </button>
            </li>
        }
    });
    html! {
        <>
            <div class="fr-skiplinks">
                <nav class="fr-container" aria-label={lang.t(Key::SkipLinks)}>
                    <ul class="fr-skiplinks__list">
                        <li>
                            <a class="fr-link" href={format!("#{MAIN_ID}")}>
                                { lang.t(Key::SkipToContent) }
                            </a>
                        </li>
                        <li>
                            <a class="fr-link" href={format!("#{STEPS_ID}")}>
                                { lang.t(Key::SkipToSteps) }
                            </a>
                        </li>
                    </ul>
                </nav>
            </div>
            <header class="fr-header page-header">
                <div class="fr-header__body">
                    <div class="fr-container">
                        <div class="fr-header__body-row">
                            <div class="fr-header__brand">
                                <div class="fr-header__brand-top">
                                    <div class="fr-header__logo">
                                        // The State's brand block reads in French whatever the
                                        // page's language.
                                        <p class="fr-logo" lang="fr">
                                            { Lang::Fr.t(Key::LogoRepublic) }
                                            <br />
                                            { Lang::Fr.t(Key::LogoFrench) }
                                        </p>
                                    </div>
                                </div>
                                <div class="fr-header__service">
                                    <p id="title" class="fr-header__service-title">
                                        { lang.t(Key::Title) }
                                    </p>
                                    <p id="subtitle" class="fr-header__service-tagline">
                                        { lang.t(Key::Subtitle) }
                                    </p>
                                </div>
                            </div>
                            <div class="fr-header__tools">
                                <div class="fr-header__tools-links">
                                    <nav class="lang-switch" aria-label={lang.t(Key::LanguageSwitch)}>
                                        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                                            { for buttons }
                                        </ul>
                                    </nav>
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
            </header>
        </>
    }
}
