//! Reading the form control an event came from: the one place that knows how a target is cast.

use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlInputElement, HtmlSelectElement};

/// The `<input>` the event came from, if it came from one.
pub fn event_input(e: &Event) -> Option<HtmlInputElement> {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
}

/// The value of the `<input>` or `<select>` the event came from; empty otherwise.
pub fn event_value(e: &Event) -> String {
    let Some(target) = e.target() else {
        return String::new();
    };
    match target.dyn_into::<HtmlSelectElement>() {
        Ok(select) => select.value(),
        Err(other) => other
            .dyn_into::<HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default(),
    }
}

/// Whether the checkbox the event came from is checked.
pub fn event_checked(e: &Event) -> bool {
    event_input(e).is_some_and(|i| i.checked())
}
