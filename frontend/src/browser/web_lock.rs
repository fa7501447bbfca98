//! One writer per journal in the page: the Web Locks API (`navigator.locks`), an exclusive lock
//! named after the journal's database, taken with `ifAvailable` (never waited for) around a
//! run, a resume and an undo, and released when the [`JournalLock`] is dropped (or the tab
//! closed or crashed: the browser frees it). Another tab sees the lock held and can only watch.
//!
//! Called through `js-sys` (web-sys exposes `LockManager` only behind its unstable-API flag).

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::journal_db::DB_NAME;

/// The lock's name: the journal's own (its IndexedDB database).
pub const LOCK_NAME: &str = DB_NAME;

/// What asking for the journal's lock gave.
pub enum Attempt {
    /// This tab holds it until the value is dropped.
    Held(JournalLock),
    /// Another tab (or window) of this page holds it: a migration is running there.
    Elsewhere,
    /// The browser has no Web Locks (an insecure `http://` origin other than localhost):
    /// nothing can be enforced across tabs.
    Unsupported,
}

/// The journal's lock, held by this tab; released on drop.
pub struct JournalLock {
    release: Function,
}

impl Drop for JournalLock {
    fn drop(&mut self) {
        // Resolves the promise the lock callback returned: the browser releases the lock.
        let _ = self.release.call0(&JsValue::NULL);
    }
}

fn lock_manager() -> Option<JsValue> {
    let window: JsValue = web_sys::window()?.into();
    let navigator = Reflect::get(&window, &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

fn method(target: &JsValue, name: &str) -> Result<Function, String> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| format!("navigator.locks.{name} absent"))
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |r, _| resolve = Some(r));
    let resolve = resolve.unwrap_or_else(|| Function::new_no_args(""));
    (promise, resolve)
}

/// Takes the journal's lock if no other tab holds it; never waits.
pub async fn try_lock() -> Result<Attempt, String> {
    try_lock_named(LOCK_NAME).await
}

/// Takes the lock `name` (another journal's: the directory import's) if no other tab holds it;
/// never waits.
pub async fn try_lock_named(name: &str) -> Result<Attempt, String> {
    let Some(locks) = lock_manager() else {
        return Ok(Attempt::Unsupported);
    };
    let request = method(&locks, "request")?;
    let (granted, tell) = deferred();
    let (held, release) = deferred();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let got = !lock.is_null() && !lock.is_undefined();
        let _ = tell.call1(&JsValue::NULL, &JsValue::from_bool(got));
        if got {
            // Held as long as this promise is pending.
            held.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = Object::new();
    Reflect::set(&options, &"mode".into(), &"exclusive".into()).map_err(|e| format!("{e:?}"))?;
    Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).map_err(|e| format!("{e:?}"))?;
    request
        .call3(&locks, &JsValue::from_str(name), &options, &callback)
        .map_err(|e| format!("navigator.locks.request : {e:?}"))?;
    let got = JsFuture::from(granted)
        .await
        .map_err(|e| format!("navigator.locks.request : {e:?}"))?;
    Ok(if got.as_bool() == Some(true) {
        Attempt::Held(JournalLock { release })
    } else {
        Attempt::Elsewhere
    })
}

/// Whether a tab holds the journal's lock now (`navigator.locks.query()`); `false` without Web
/// Locks. This tab's own lock counts too: ask only when this tab holds none.
pub async fn held_anywhere() -> bool {
    let Some(locks) = lock_manager() else {
        return false;
    };
    let Ok(query) = method(&locks, "query") else {
        return false;
    };
    let Ok(promise) = query.call0(&locks) else {
        return false;
    };
    let Ok(snapshot) = JsFuture::from(promise.unchecked_into::<Promise>()).await else {
        return false;
    };
    let held = Reflect::get(&snapshot, &JsValue::from_str("held"))
        .ok()
        .map(|v| Array::from(&v))
        .unwrap_or_default();
    held.iter().any(|l| {
        Reflect::get(&l, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .is_some_and(|n| n == LOCK_NAME)
    })
}

/// Waits `ms` milliseconds (a `setTimeout`).
pub async fn sleep_ms(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                resolve.unchecked_ref(),
                ms.min(i32::MAX as u32) as i32,
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}
