//! The user's remembered choices (today: the language), kept in the browser's localStorage.
//!
//! Storage can be missing or refused (private mode, disabled cookies): every failure falls back
//! to the default silently, since a forgotten language choice is harmless.

use crate::i18n::Lang;

/// localStorage key of the language choice.
pub const LANG_KEY: &str = "passerelle.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved language, or French.
pub fn load_lang() -> Lang {
    storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Remembers `lang` and sets `<html lang>` so screen readers pronounce the page right.
pub fn apply_lang(lang: Lang) {
    if let Some(s) = storage() {
        // Ignored on failure: see the module comment.
        let _ = s.set_item(LANG_KEY, lang.code());
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// A remembered text (e.g. the directory's correspondence table), if any.
pub fn load_item(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// Remembers a text; ignored on failure (see the module comment).
pub fn save_item(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}
