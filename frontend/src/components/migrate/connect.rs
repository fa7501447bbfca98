//! The login form to a GLPI: a personal token, or a login and password. One component for both
//! GLPIs the page talks to (the national one it writes to, the local one it reads from); each
//! instance has its own ids (`prefix`), its owner keeps what is typed (never stored).

use yew::prelude::*;

use super::model::LoginForm;
use super::texts::T;
use crate::components::choice::{self, Choice};
use crate::dom::event_input;
use crate::i18n::Lang;

/// Props of [`ConnectForm`].
#[derive(Properties, PartialEq)]
pub struct ConnectFormProps {
    /// Current language.
    pub lang: Lang,
    /// Put before every id of the form (`""` for the national GLPI's, `"source-"` for the
    /// local one's), so two forms live in one page.
    #[prop_or_default]
    pub prefix: AttrValue,
    /// What is typed.
    pub form: LoginForm,
    /// Connecting.
    pub busy: bool,
    /// Called with the form after each keystroke or mode change.
    pub on_form: Callback<LoginForm>,
    /// Called on submit.
    pub on_submit: Callback<()>,
}

/// The form.
#[function_component(ConnectForm)]
pub fn connect_form(props: &ConnectFormProps) -> Html {
    let lang = props.lang;
    let tr = move |t: T| t.in_lang(lang);
    let id = |name: &str| format!("{}{name}", props.prefix);
    let form = props.form.clone();
    let on_submit = {
        let cb = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(());
        })
    };
    let toggle = {
        let (form, cb) = (form.clone(), props.on_form.clone());
        Callback::from(move |v: String| {
            cb.emit(LoginForm {
                use_password: v == "password",
                ..form.clone()
            })
        })
    };
    let set = |field: fn(&mut LoginForm, String)| {
        let (form, cb) = (form.clone(), props.on_form.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = event_input(&e) {
                let mut f = form.clone();
                field(&mut f, i.value());
                cb.emit(f);
            }
        })
    };
    let busy = props.busy;
    html! {
        <form id={id("connect-form")} class="connect" onsubmit={on_submit}>
            <Choice id={id("login-mode")} label={tr(T::LoginMode)} onchange={toggle}
                options={choice::options([("token", tr(T::ModeToken)), ("password", tr(T::ModePassword))])}
                value={if form.use_password { "password" } else { "token" }} />
            if form.use_password {
                <div class="fr-input-group">
                    <label class="fr-label" for={id("login-name")}>{ tr(T::Login) }</label>
                    <input id={id("login-name")} class="fr-input" autocomplete="username" oninput={set(|f, v| f.login = v)} />
                </div>
                <div class="fr-input-group">
                    <label class="fr-label" for={id("login-password")}>{ tr(T::Password) }</label>
                    <input id={id("login-password")} class="fr-input" type="password" autocomplete="current-password" oninput={set(|f, v| f.password = v)} />
                </div>
            } else {
                <div class="fr-input-group">
                    <label class="fr-label" for={id("login-token")}>
                        { tr(T::Token) }
                        <span id={id("login-token-hint")} class="fr-hint-text">{ tr(T::TokenHint) }</span>
                    </label>
                    <input id={id("login-token")} class="fr-input" type="password" autocomplete="off" oninput={set(|f, v| f.token = v)} />
                </div>
            }
            <button id={id("connect-button")} class="fr-btn" type="submit" disabled={busy} aria-busy={busy.to_string()}>
                { if busy { tr(T::Connecting) } else { tr(T::Connect) } }
            </button>
        </form>
    }
}
