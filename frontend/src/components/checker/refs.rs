//! What HR directory files need to be checked: the reference exports (profiles, privileges,
//! services, existing directory) and the importer's level-1 service. A second picker and drop
//! zone, beside the one for the files to check.

use yew::prelude::*;

use super::model::{Msg, RefKind};
use crate::components::directory::texts::T;
use crate::dom::event_input;
use crate::i18n::{Key, Lang, Translate};

/// Props of [`RefsPanel`].
#[derive(Properties, PartialEq)]
pub struct RefsPanelProps {
    /// Current language.
    pub lang: Lang,
    /// File name dropped for each [`RefKind::ALL`], in that order.
    pub loaded: Vec<Option<String>>,
    /// Dropped files that are no reference export.
    pub unknown: Vec<String>,
    /// The importer's level-1 service as typed.
    pub service: String,
    /// A directory file waits for the references: the panel opens by itself and says so.
    #[prop_or_default]
    pub wanted: bool,
    /// Called with the reference files picked or dropped.
    pub on_files: Callback<web_sys::FileList>,
    /// Called with the service typed.
    pub on_msg: Callback<Msg>,
}

/// The reference exports and service, folded away until needed.
#[function_component(RefsPanel)]
pub fn refs_panel(props: &RefsPanelProps) -> Html {
    let lang = props.lang;
    let onchange = {
        let cb = props.on_files.clone();
        Callback::from(move |e: Event| {
            if let Some(list) = event_input(&e).and_then(|i| i.files()) {
                cb.emit(list);
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let cb = props.on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                cb.emit(list);
            }
        })
    };
    // Applied as typed: the check follows each keystroke (older checks' replies are dropped).
    let on_service = {
        let cb = props.on_msg.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = event_input(&e) {
                cb.emit(Msg::SetService(i.value()));
            }
        })
    };
    let any = props.loaded.iter().any(Option::is_some) || !props.service.is_empty();
    html! {
        <details id="refs" class="refs" open={any || props.wanted} data-wanted={props.wanted.to_string()}>
            <summary>{ lang.t(Key::RefsHeading) }</summary>
            if props.wanted {
                <p id="refs-wanted" class="fr-alert fr-alert--info fr-alert--sm" role="status">{ T::RefsNeeded.in_lang(lang) }</p>
            }
            <p class="intro">{ lang.t(Key::RefsIntro) }</p>
            <div id="refs-zone" class="drop-zone drop-zone-small fr-upload-group" {ondragover} {ondrop}>
                <label class="fr-label" for="refs-input">{ format!("{} {}", lang.t(Key::DropHere), lang.t(Key::ChooseFiles)) }</label>
                <input id="refs-input" class="fr-upload" type="file" multiple=true {onchange} />
            </div>
            <ul id="refs-list" class="refs-list">
                { for RefKind::ALL.iter().zip(props.loaded.iter()).map(|(kind, name)| {
                    let (class, text) = match name {
                        Some(n) => ("state-ok", n.clone()),
                        None => ("state-pending", format!("{} {}", kind.file_name(), lang.t(Key::RefMissing))),
                    };
                    html! { <li class={classes!("ref", class)}>{ text }</li> }
                }) }
                { for props.unknown.iter().map(|n| html! {
                    <li class="ref state-error">{ format!("{n} : {}", lang.t(Key::RefUnknown)) }</li>
                }) }
            </ul>
            <div class="service fr-input-group">
                <label class="fr-label" for="service-input">{ lang.t(Key::ServiceLabel) }</label>
                <input id="service-input" class="fr-input" type="text" value={props.service.clone()}
                    placeholder={lang.t(Key::ServicePlaceholder)} oninput={on_service} />
            </div>
        </details>
    }
}
