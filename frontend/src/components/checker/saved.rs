//! The saved mapping templates: list, delete, export to a JSON file, import from one.
//! Templates are applied automatically to files whose header matches (see the engine's
//! `MappingTemplate::find`); saving happens in each file's mapping editor.

use passerelle_engine::map::MappingTemplate;
use yew::prelude::*;

use crate::dom::event_input;
use crate::files;
use crate::i18n::{Key, Lang, Translate};

/// Props of [`SavedTemplates`].
#[derive(Properties, PartialEq)]
pub struct SavedTemplatesProps {
    /// Current language.
    pub lang: Lang,
    /// The saved templates.
    pub templates: Vec<MappingTemplate>,
    /// Deletes a template by name.
    pub on_delete: Callback<String>,
    /// Imports the text of a JSON file.
    pub on_import: Callback<String>,
    /// Why templates could not be stored or imported, if they could not.
    pub error: Option<String>,
}

/// The templates section.
#[function_component(SavedTemplates)]
pub fn saved_templates(props: &SavedTemplatesProps) -> Html {
    let lang = props.lang;
    let export = {
        let templates = props.templates.clone();
        Callback::from(move |_: MouseEvent| {
            let json = crate::templates::export_json(&templates);
            let _ = files::download(
                "passerelle-modeles.json",
                "application/json",
                json.as_bytes(),
            );
        })
    };
    let onchange = {
        let cb = props.on_import.clone();
        Callback::from(move |e: Event| {
            let Some(input) = event_input(&e) else {
                return;
            };
            let Some(list) = input.files() else { return };
            let cb = cb.clone();
            yew::platform::spawn_local(async move {
                if let Ok(read) = files::read_file_list(list).await {
                    for (_, bytes) in read {
                        cb.emit(String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
                // The same file can be imported again; only once read (the FileList is live).
                input.set_value("");
            });
        })
    };
    html! {
        <details id="templates" class="templates" open={!props.templates.is_empty()}>
            <summary>{ lang.t(Key::TemplatesHeading) }{ format!(" ({})", props.templates.len()) }</summary>
            if props.templates.is_empty() {
                <p class="intro">{ lang.t(Key::TemplatesNone) }</p>
            }
            <ul id="templates-list">
                { for props.templates.iter().map(|t| {
                    let onclick = {
                        let (cb, name) = (props.on_delete.clone(), t.name.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(name.clone()))
                    };
                    html! {
                        <li class="template" data-name={t.name.clone()}>
                            <span class="template-name">{ t.name.clone() }</span>
                            { format!(" — {} ", t.mapping.item_type.label(lang)) }
                            <button type="button" class="template-delete fr-btn fr-btn--sm fr-btn--tertiary" {onclick}>{ lang.t(Key::TemplateDelete) }</button>
                        </li>
                    }
                }) }
            </ul>
            <button type="button" id="templates-export" class="fr-btn fr-btn--secondary fr-btn--sm fr-mb-2w"
                onclick={export} disabled={props.templates.is_empty()}>{ lang.t(Key::TemplatesExport) }</button>
            <div class="fr-upload-group">
                <label class="fr-label" for="templates-import">{ lang.t(Key::TemplatesImport) }</label>
                <input id="templates-import" class="fr-upload" type="file" accept=".json,application/json" {onchange} />
            </div>
            if let Some(e) = &props.error {
                <p id="templates-error" class="fr-alert fr-alert--error fr-alert--sm fr-mt-2w" role="alert">{ e.clone() }</p>
            }
        </details>
    }
}
