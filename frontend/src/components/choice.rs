//! A drop-down list that always shows the choice in force.
//!
//! Yew sets an `<option>`'s `selected` as an attribute, and the browser stops following that
//! attribute once the user picked an option (or when options are reused between renders): the list
//! could show a choice other than the one the page applies. [`Choice`] therefore writes the value in
//! force into the `<select>` itself after every render, and puts it back when a pick is not taken
//! up (the owner re-renders with the new value when it is).

use std::sync::atomic::{AtomicUsize, Ordering};

use yew::prelude::*;

/// Props of [`Choice`].
#[derive(Properties, PartialEq, Clone)]
pub struct ChoiceProps {
    /// The `<select>`'s id; one is made up when not given (the label needs one).
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Extra classes of the `<select>` (besides `fr-select`), e.g. what tests select it by.
    #[prop_or_default]
    pub class: Classes,
    /// The label, shown above the list (DSFR `fr-label`).
    pub label: AttrValue,
    /// Read by screen readers only (in a table whose header already says what the list is).
    #[prop_or_default]
    pub label_hidden: bool,
    /// A hint under the label (`fr-hint-text`), if any.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// The options, as (value, label), in order.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// The value in force: the option shown.
    pub value: AttrValue,
    /// Called with the value the user picked.
    #[prop_or_default]
    pub onchange: Callback<String>,
    /// Whether the list is disabled.
    #[prop_or_default]
    pub disabled: bool,
}

/// A unique id in the page (for a label's `for` when the owner has no natural one).
pub fn next_id() -> AttrValue {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    AttrValue::from(format!(
        "choice-{}",
        NEXT.fetch_add(1, Ordering::Relaxed) + 1
    ))
}

/// A DSFR `fr-select-group`: label, optional hint, and the list showing [`ChoiceProps::value`].
#[function_component(Choice)]
pub fn choice(props: &ChoiceProps) -> Html {
    let own_id = use_memo((), |_| next_id());
    let id = props.id.clone().unwrap_or_else(|| (*own_id).clone());
    let select = use_node_ref();
    {
        // After every render: the DOM shows the value in force, whatever the user did before.
        let (select, value) = (select.clone(), props.value.clone());
        use_effect(move || {
            if let Some(s) = select.cast::<web_sys::HtmlSelectElement>() {
                if s.value() != value.as_str() {
                    s.set_value(&value);
                }
            }
        });
    }
    let onchange = {
        let (cb, value, select) = (props.onchange.clone(), props.value.clone(), select.clone());
        Callback::from(move |_: Event| {
            let Some(s) = select.cast::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let picked = s.value();
            // Shown again until the owner takes the pick up: its re-render writes the new value.
            s.set_value(&value);
            if picked != value.as_str() {
                cb.emit(picked);
            }
        })
    };
    html! {
        <div class={classes!("fr-select-group", props.disabled.then_some("fr-select-group--disabled"))}>
            <label class={classes!("fr-label", props.label_hidden.then_some("fr-sr-only"))} for={id.clone()}>
                { props.label.clone() }
                if let Some(h) = &props.hint {
                    <span class="fr-hint-text">{ h.clone() }</span>
                }
            </label>
            <select id={id} ref={select} class={classes!("fr-select", props.class.clone())}
                disabled={props.disabled} {onchange} data-value={props.value.clone()}>
                { for props.options.iter().map(|(v, l)| html! {
                    <option value={v.clone()} selected={*v == props.value}>{ l.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// Options from (value, label) pairs of any string types.
pub fn options<V: Into<AttrValue>, L: Into<AttrValue>>(
    pairs: impl IntoIterator<Item = (V, L)>,
) -> Vec<(AttrValue, AttrValue)> {
    pairs
        .into_iter()
        .map(|(v, l)| (v.into(), l.into()))
        .collect()
}
