//! Tickets as GLPI 10.0.11 treats them around a migration: what it notifies, which business
//! rule it applies, when it creates a satisfaction survey, how a status change stamps the
//! resolution and closing dates, and what a closed ticket refuses (glpi-facts-2 §2;
//! `CommonITILObject::pre_updateInDB`/`handleTemplateFields`, `Ticket::post_updateItem`,
//! `ITILSolution::prepareInputForAdd`/`post_addItem`, `TicketTask::canCreateItem`,
//! `CommonITILTask::post_deleteFromDB`, `ITILFollowup::post_deleteFromDB`).
//!
//! The side effects are recorded, never sent: notifications in [`State::notifications`], rule
//! applications in [`State::rule_applications`], surveys in [`State::surveys`]; the admin API
//! shows them (`/sandbox/notifications`, `/sandbox/rules`, `/sandbox/surveys`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{notify, timestamp};
use crate::state::State;

/// Ticket status: solved.
pub const SOLVED: u64 = 5;
/// Ticket status: closed.
pub const CLOSED: u64 = 6;

/// What the target does by itself with tickets (a fresh GLPI: nothing). Set with
/// `POST /sandbox/config {"ticket_rule": true, "survey_rate": 100, "survey_delay_days": 0}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSettings {
    /// An active ticket business rule on add and update matching every title (as the real
    /// suite's "Toute demande" rule): it sets the urgency to 5. It runs on add unless
    /// `_skip_rules`, and on update when the title (its criterion) changes: no flag skips it.
    pub rule: bool,
    /// The entity's satisfaction survey rate, in percent (0: no survey).
    pub survey_rate: u64,
    /// Days after closing before the survey (0: created by the closing update itself).
    pub survey_delay_days: u64,
}

/// A business rule GLPI applied to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleApplication {
    /// `add` or `update`.
    pub on: String,
    /// The ticket.
    pub tickets_id: u64,
}

/// A satisfaction survey GLPI created (`glpi_ticketsatisfactions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Survey {
    /// The ticket.
    pub tickets_id: u64,
    /// When it was created.
    pub date_begin: String,
}

fn flag(input: &Map<String, Value>, name: &str) -> bool {
    input.get(name).is_some_and(|v| {
        v.as_bool() == Some(true)
            || v.as_u64().is_some_and(|n| n > 0)
            || v.as_str().is_some_and(|s| s == "true" || s == "1")
    })
}

fn num(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(item: &Map<String, Value>, field: &str) -> String {
    item.get(field)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The status of a ticket (0 when unknown).
pub fn status(state: &State, id: u64) -> u64 {
    state
        .get("Ticket", id)
        .and_then(|t| num(t.get("status")))
        .unwrap_or(0)
}

/// A new ticket's columns before the insert: created solved or closed, its dates are its
/// opening date (`CommonITILObject::computeDefaultValuesForAdd`, whatever dates are sent); the
/// rule sets the urgency unless `_skip_rules`.
pub fn prepare_add(state: &State, input: &mut Map<String, Value>, specials: &Map<String, Value>) {
    let date = text(input, "date");
    let s = num(input.get("status")).unwrap_or(1);
    if s == SOLVED {
        input.insert("solvedate".into(), json!(date));
    }
    if s == CLOSED {
        input.insert("closedate".into(), json!(date));
        input.insert("solvedate".into(), json!(date));
    }
    if s != SOLVED && s != CLOSED {
        input.remove("solvedate");
        input.remove("closedate");
    }
    if state.ticket_settings.rule && !flag(specials, "_skip_rules") {
        input.insert("urgency".into(), json!(5));
    }
}

/// After a ticket's insert: the rule's application and the `new` notification.
pub fn after_add(state: &mut State, id: u64, specials: &Map<String, Value>) {
    if state.ticket_settings.rule && !flag(specials, "_skip_rules") {
        state.rule_applications.push(RuleApplication {
            on: "add".into(),
            tickets_id: id,
        });
    }
    notify(state, specials, "new", "Ticket", id);
}

/// Whether a timeline item may be added to its ticket (`Err`: GLPI's message).
pub fn check_timeline_add(
    state: &State,
    itemtype: &str,
    input: &Map<String, Value>,
    specials: &Map<String, Value>,
) -> Result<(), String> {
    let ticket = match itemtype {
        "TicketTask" => num(input.get("tickets_id")),
        _ => num(input.get("items_id")),
    }
    .unwrap_or(0);
    let s = status(state, ticket);
    match itemtype {
        // `TicketTask::canCreateItem`: no task on a closed ticket.
        "TicketTask" if s == CLOSED => Err(crate::reply::NO_RIGHT.into()),
        // `ITILSolution::prepareInputForAdd`: not twice, unless the status is not computed.
        "ITILSolution" if s == SOLVED && !flag(specials, "_do_not_compute_status") => {
            Err("The item is already solved, did anyone pushed a solution before you?".into())
        }
        _ => Ok(()),
    }
}

/// After a timeline item's insert: its notification, and for a solution without
/// `_linked_ticket`, the ticket's update to solved, which honours no flag of the solution.
pub fn after_timeline_add(
    state: &mut State,
    itemtype: &str,
    stored: &Map<String, Value>,
    specials: &Map<String, Value>,
) {
    let ticket = match itemtype {
        "TicketTask" => num(stored.get("tickets_id")),
        _ => num(stored.get("items_id")),
    }
    .unwrap_or(0);
    match itemtype {
        "TicketTask" => notify(state, specials, "add_task", "Ticket", ticket),
        "ITILFollowup" => notify(state, specials, "add_followup", "Ticket", ticket),
        "ITILSolution" if !flag(specials, "_linked_ticket") => {
            let mut input = Map::new();
            input.insert("status".into(), json!(SOLVED));
            let _ = update(state, ticket, input);
        }
        _ => {}
    }
}

/// `PUT /Ticket`: a closed ticket keeps everything but its status, entity and category; a
/// status change to solved stamps the resolution date with now, to closed the closing date
/// (and the resolution date when empty), whatever dates come with it; the rule runs when the
/// title changes; a notification unless `_disablenotif`; a survey when the entity surveys at
/// once (`delay` 0), whatever the flags. `Err` holds GLPI's message.
pub fn update(state: &mut State, id: u64, mut input: Map<String, Value>) -> Result<(), String> {
    let Some(current) = state.get("Ticket", id).cloned() else {
        return Err("Item Not Found".into());
    };
    let old_status = num(current.get("status")).unwrap_or(1);
    let specials: Map<String, Value> = input
        .iter()
        .filter(|(k, _)| k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    input.retain(|k, _| !k.starts_with('_') && k != "id");
    if old_status == CLOSED {
        input.retain(|k, _| matches!(k.as_str(), "status" | "entities_id" | "itilcategories_id"));
        if input.is_empty() {
            return Err(String::new());
        }
    }
    let input = crate::schema::keep_columns("glpi_tickets", input);
    let same = |a: Option<&Value>, b: &Value| {
        let t = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        a.map(t).unwrap_or_default() == t(b)
    };
    let changes: Map<String, Value> = input
        .into_iter()
        .filter(|(k, v)| !same(current.get(k), v))
        .collect();
    let now = timestamp();
    let date = text(&current, "date");
    let later = |a: &str| {
        if a < date.as_str() {
            date.clone()
        } else {
            a.to_string()
        }
    };
    let new_status = num(changes.get("status"));
    let title_changed = changes.contains_key("name");
    let mut item = current.clone();
    for (k, v) in &changes {
        item.insert(k.clone(), v.clone());
    }
    match new_status {
        Some(SOLVED) => {
            item.insert("solvedate".into(), json!(later(&now)));
        }
        Some(CLOSED) => {
            let closed = later(&now);
            item.insert("closedate".into(), json!(closed));
            if text(&item, "solvedate").is_empty() {
                item.insert("solvedate".into(), json!(closed));
            }
        }
        _ => {}
    }
    if state.ticket_settings.rule && title_changed {
        item.insert("urgency".into(), json!(5));
        state.rule_applications.push(RuleApplication {
            on: "update".into(),
            tickets_id: id,
        });
    }
    if !changes.is_empty() {
        item.insert("date_mod".into(), json!(now));
    }
    if let Some(m) = state.items.get_mut("Ticket") {
        m.insert(id, item);
    }
    if !changes.is_empty() {
        let event = match new_status {
            Some(SOLVED) => "solved",
            Some(CLOSED) => "closed",
            _ => "update",
        };
        notify(state, &specials, event, "Ticket", id);
    }
    let settings = &state.ticket_settings;
    if new_status == Some(CLOSED) && settings.survey_delay_days == 0 && settings.survey_rate > 0 {
        let draw = state.rng % 100;
        state.rng = state
            .rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        if draw < state.ticket_settings.survey_rate {
            state.surveys.retain(|s| s.tickets_id != id);
            state.surveys.push(Survey {
                tickets_id: id,
                date_begin: now,
            });
        }
    }
    Ok(())
}

/// Before a purge: whether GLPI allows it (`Err`: its message), and the notifications it
/// sends: a ticket's deletion unless `_disablenotif`, and one per task and followup it takes
/// with it (those go without the ticket's input); a task or followup purged alone, unless
/// `_disablenotif`; no task of a closed ticket may be purged.
pub fn before_purge(
    state: &mut State,
    itemtype: &str,
    id: u64,
    input: &Map<String, Value>,
) -> Result<(), String> {
    match itemtype {
        "Ticket" => {
            notify(state, input, "delete", "Ticket", id);
            let tasks = state
                .items
                .get("TicketTask")
                .map(|m| {
                    m.values()
                        .filter(|t| num(t.get("tickets_id")) == Some(id))
                        .count()
                })
                .unwrap_or(0);
            let followups = state
                .items
                .get("ITILFollowup")
                .map(|m| {
                    m.values()
                        .filter(|f| {
                            num(f.get("items_id")) == Some(id)
                                && f.get("itemtype").and_then(Value::as_str) == Some("Ticket")
                        })
                        .count()
                })
                .unwrap_or(0);
            let none = Map::new();
            for _ in 0..tasks {
                notify(state, &none, "delete_task", "Ticket", id);
            }
            for _ in 0..followups {
                notify(state, &none, "delete_followup", "Ticket", id);
            }
            state.surveys.retain(|s| s.tickets_id != id);
        }
        "TicketTask" => {
            let ticket = state
                .get("TicketTask", id)
                .and_then(|t| num(t.get("tickets_id")))
                .unwrap_or(0);
            if status(state, ticket) == CLOSED {
                return Err(crate::reply::NO_RIGHT.into());
            }
            notify(state, input, "delete_task", "Ticket", ticket);
        }
        "ITILFollowup" => {
            let ticket = state
                .get("ITILFollowup", id)
                .and_then(|t| num(t.get("items_id")))
                .unwrap_or(0);
            notify(state, input, "delete_followup", "Ticket", ticket);
        }
        _ => {}
    }
    Ok(())
}
