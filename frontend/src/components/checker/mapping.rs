//! The mapping editor of one file: each column's GLPI field with the confidence and method of the
//! automatic match, changeable or ignored; constant values and templates built from columns
//! (`%Nom% - %Numéro de série%`); and "save as template". Every change re-runs the check.

use passerelle_engine::glpi::vocabulary::file_field_label;
use passerelle_engine::map::{
    concrete_field, fields, header_signature, FieldKind, Mapping, MappingTemplate, MatchMethod,
};
use yew::prelude::*;

use super::model::Msg;
use crate::components::choice::{self, Choice};
use crate::i18n::{Key, Lang, Translate};

/// Props of [`MappingEditor`].
#[derive(Properties, PartialEq)]
pub struct MappingEditorProps {
    /// Current language.
    pub lang: Lang,
    /// The file.
    pub file: String,
    /// The mapping the last check used.
    pub mapping: Mapping,
    /// Name of the saved template it came from, if any.
    pub template: Option<String>,
    /// Sends changes to the checker.
    pub on_msg: Callback<Msg>,
    /// Saves a template.
    pub on_save: Callback<MappingTemplate>,
}

/// The label of a match method.
pub fn method_key(method: MatchMethod) -> Key {
    match method {
        MatchMethod::Exact => Key::MethodExact,
        MatchMethod::Normalized => Key::MethodNormalized,
        MatchMethod::Fuzzy => Key::MethodFuzzy,
        MatchMethod::Manual => Key::MethodManual,
        MatchMethod::Unmapped => Key::MethodUnmapped,
    }
}

/// (concrete field, label) of every field a column can be mapped to, the label as GLPI's
/// interface writes it in `lang` (`engine::glpi::vocabulary`).
pub fn field_choices(mapping: &Mapping, lang: Lang) -> Vec<(String, &'static str)> {
    fields(mapping.item_type)
        .iter()
        .filter(|s| s.kind != FieldKind::Ignored)
        .map(|s| {
            (
                concrete_field(mapping.item_type, s.field),
                file_field_label(mapping.item_type, s.field, lang)
                    .or(s.labels.first().copied())
                    .unwrap_or(s.field),
            )
        })
        .collect()
}

fn input_value(node: &NodeRef) -> String {
    node.cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| node.cast::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default()
}

/// One file's mapping editor, folded by default.
#[function_component(MappingEditor)]
pub fn mapping_editor(props: &MappingEditorProps) -> Html {
    let lang = props.lang;
    let m = &props.mapping;
    let choices = field_choices(m, lang);
    let field_options = choice::options(
        std::iter::once((String::new(), format!("— {} —", lang.t(Key::Ignore)))).chain(
            choices
                .iter()
                .map(|(f, label)| (f.clone(), format!("{label} ({f})"))),
        ),
    );
    // What the extra-value form will add: the field (first of the list until one is picked) and
    // whether it is a constant or a template.
    let extra_field = use_state(|| None::<String>);
    let extra_kind = use_state(|| "constant".to_string());
    let extra_value = use_node_ref();
    let template_name = use_node_ref();
    let uid = use_memo((), |_| choice::next_id());

    let rows = m.columns.iter().map(|c| {
        let onchange = {
            let (m, file, cb) = (m.clone(), props.file.clone(), props.on_msg.clone());
            let column = c.column;
            Callback::from(move |v: String| {
                let mut next = m.clone();
                // Choices come from the catalogue: set() only refuses a stale page.
                if next.set(column, (!v.is_empty()).then_some(v.as_str())).is_ok() {
                    cb.emit(Msg::SetMapping(file.clone(), next));
                }
            })
        };
        let confidence = format!(
            "{} % ({})",
            (c.confidence * 100.0).round() as u32,
            lang.t(method_key(c.method))
        );
        let low = c.method == MatchMethod::Fuzzy;
        html! {
            <tr class="mapping-row" data-column={c.column.to_string()}>
                <td class="header">{ c.header.clone() }</td>
                <td>
                    <Choice class="field-select" label={format!("{} {}", lang.t(Key::ColField), c.header)} label_hidden=true
                        options={field_options.clone()} value={c.field.clone().unwrap_or_default()} {onchange} />
                </td>
                <td class={classes!("confidence", low.then_some("confidence-low"))}>{ confidence }</td>
            </tr>
        }
    });

    let extras = m
        .constants
        .iter()
        .map(|(f, v)| (f.clone(), v.clone(), false))
        .chain(m.templates.iter().map(|(f, v)| (f.clone(), v.clone(), true)))
        .map(|(field, value, is_template)| {
            let onclick = {
                let (m, file, cb, field) = (
                    m.clone(),
                    props.file.clone(),
                    props.on_msg.clone(),
                    field.clone(),
                );
                Callback::from(move |_: MouseEvent| {
                    let mut next = m.clone();
                    if is_template {
                        next.templates.remove(&field);
                    } else {
                        next.constants.remove(&field);
                    }
                    cb.emit(Msg::SetMapping(file.clone(), next));
                })
            };
            let kind = if is_template {
                Key::ExtraTemplate
            } else {
                Key::ExtraConstant
            };
            html! {
                <li class="extra" data-field={field.clone()}>
                    <code>{ field.clone() }</code>{ format!(" = {value} ({})", lang.t(kind)) }{ " " }
                    <button type="button" class="extra-remove fr-btn fr-btn--sm fr-btn--tertiary" {onclick}>{ lang.t(Key::ExtraRemove) }</button>
                </li>
            }
        });

    let on_add = {
        let (m, file, cb) = (m.clone(), props.file.clone(), props.on_msg.clone());
        let first = choices.first().map(|(f, _)| f.clone()).unwrap_or_default();
        let (field, kind, extra_value) = (
            (*extra_field).clone().unwrap_or(first),
            (*extra_kind).clone(),
            extra_value.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (field, value) = (field.clone(), input_value(&extra_value));
            if field.is_empty() || value.trim().is_empty() {
                return;
            }
            let mut next = m.clone();
            if kind == "template" {
                next.constants.remove(&field);
                next.templates.insert(field, value);
            } else {
                next.templates.remove(&field);
                next.constants.insert(field, value);
            }
            cb.emit(Msg::SetMapping(file.clone(), next));
        })
    };

    let on_save = {
        let (m, cb, template_name) = (m.clone(), props.on_save.clone(), template_name.clone());
        let headers: Vec<String> = m.columns.iter().map(|c| c.header.clone()).collect();
        Callback::from(move |_: MouseEvent| {
            let name = input_value(&template_name).trim().to_string();
            if name.is_empty() {
                return;
            }
            cb.emit(MappingTemplate {
                name,
                signature: header_signature(&headers),
                mapping: m.clone(),
            });
        })
    };

    html! {
        <details class="mapping-editor" data-file={props.file.clone()}>
            <summary>
                { lang.t(Key::MappingHeading) }{ " " }{ props.file.clone() }
                if let Some(t) = &props.template {
                    <span class="template-applied">{ format!(" — {} {t}", lang.t(Key::TemplateApplied)) }</span>
                }
            </summary>
            <div class="fr-table fr-table--sm">
            <table class="mapping">
                <caption class="fr-sr-only">{ format!("{} {}", lang.t(Key::MappingHeading), props.file) }</caption>
                <thead><tr>
                    <th scope="col">{ lang.t(Key::ColHeader) }</th><th scope="col">{ lang.t(Key::ColField) }</th><th scope="col">{ lang.t(Key::ColConfidence) }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            </div>
            <h4>{ lang.t(Key::ExtraHeading) }</h4>
            <ul class="extras">{ for extras }</ul>
            <div class="extra-form fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                <div class="fr-col-12 fr-col-md-4">
                    <Choice class="extra-field" label={lang.t(Key::ColField)}
                        options={choice::options(choices.iter().map(|(f, label)| (f.clone(), format!("{label} ({f})"))))}
                        value={(*extra_field).clone().or_else(|| choices.first().map(|(f, _)| f.clone())).unwrap_or_default()}
                        onchange={{ let s = extra_field.clone(); Callback::from(move |v: String| s.set(Some(v))) }} />
                </div>
                <div class="fr-col-12 fr-col-md-2">
                    <Choice class="extra-kind" label={format!("{} / {}", lang.t(Key::ExtraConstant), lang.t(Key::ExtraTemplate))}
                        options={choice::options([("constant", lang.t(Key::ExtraConstant)), ("template", lang.t(Key::ExtraTemplate))])}
                        value={(*extra_kind).clone()}
                        onchange={{ let s = extra_kind.clone(); Callback::from(move |v: String| s.set(v)) }} />
                </div>
                <div class="fr-col-12 fr-col-md-4">
                    <div class="fr-input-group">
                        <label class="fr-label" for={format!("{uid}-extra-value")}>{ super::texts::T::ExtraValue.in_lang(lang) }</label>
                        <input id={format!("{uid}-extra-value")} class="extra-value fr-input" type="text" ref={extra_value} placeholder="%Nom% - %Numéro de série%" />
                    </div>
                </div>
                <div class="fr-col-12 fr-col-md-2">
                    <button type="button" class="extra-add fr-btn fr-btn--secondary" onclick={on_add}>{ lang.t(Key::ExtraAdd) }</button>
                </div>
            </div>
            <div class="template-form fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                <div class="fr-col-12 fr-col-md-6">
                    <div class="fr-input-group">
                        <label class="fr-label" for={format!("{uid}-template-name")}>{ lang.t(Key::TemplateName) }</label>
                        <input id={format!("{uid}-template-name")} class="template-name fr-input" type="text" ref={template_name} />
                    </div>
                </div>
                <div class="fr-col-12 fr-col-md-3">
                    <button type="button" class="template-save fr-btn" onclick={on_save}>{ lang.t(Key::TemplateSave) }</button>
                </div>
            </div>
        </details>
    }
}
