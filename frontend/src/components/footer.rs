//! The page's footer (DSFR `fr-footer`): the State's brand block, what Passerelle is and what it
//! keeps, and the links every State service shows.

use yew::prelude::*;

use crate::i18n::{Key, Lang, Translate};

/// Props of [`Footer`].
#[derive(Properties, PartialEq)]
pub struct FooterProps {
    /// Current language.
    pub lang: Lang,
}

/// The page footer.
#[function_component(Footer)]
pub fn footer(props: &FooterProps) -> Html {
    let lang = props.lang;
    html! {
        <footer class="fr-footer" id="footer">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand">
                        <p class="fr-logo" lang="fr">
                            { Lang::Fr.t(Key::LogoRepublic) }
                            <br />
                            { Lang::Fr.t(Key::LogoFrench) }
                        </p>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">{ lang.t(Key::FooterAbout) }</p>
                    </div>
                </div>
                <div class="fr-footer__bottom">
                    <p class="fr-footer__bottom-copy">{ lang.t(Key::FooterAccessibility) }</p>
                </div>
            </div>
        </footer>
    }
}
