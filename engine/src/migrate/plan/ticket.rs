//! Ticket rows to planned objects: the ticket (created open, with the flags that keep GLPI
//! quiet, its actors in the same POST), its linked items, its timeline (followups and tasks in
//! their original order, with dates, authors, private flags, durations and states), its
//! solution, then its status and its resolution and closing dates, in the order
//! `glpi-facts-2.md` §2 gives:
//!
//! 1. `Ticket` (rank of [`GlpiType::Ticket`]): every field but the status and the
//!    resolution/closing dates, `_disablenotif`, `_skip_rules`, `_skip_auto_assign`,
//!    `_skip_sla_assign`, `_skip_default_contract`, `_do_not_compute_takeintoaccount`;
//! 2. `Item_Ticket`, `ITILFollowup`, `TicketTask` (the next rank), each with `_disablenotif`;
//! 3. `ITILSolution` with `_do_not_compute_status` and `_linked_ticket`;
//! 4. the status (an update of the ticket, named `…#statut`), then the resolution and closing
//!    dates (`…#dates`): a status change sets them to now, a later update of the dates alone is
//!    kept. A closed ticket gets its resolution date in the closing update itself and loses
//!    its closing date (GLPI stamps it and then refuses any change of a closed ticket).
//!
//! The history columns of GLPI's ticket search hold several entries per cell, in orders the
//! fr-history README describes: descriptions newest first (`<hr>`), dates, private flags,
//! states and durations oldest first, authors and request sources as sets of distinct values.
//! Descriptions are aligned with dates by reversing them; an author is given to every entry
//! only when the set has one name, otherwise it is left empty with a warning (the companion
//! timeline file carries it).

use std::collections::BTreeMap;

use crate::detect::ItemType;
use crate::glpi::{GlpiType, Target};
use crate::map::{spec_for, FieldKind};
use crate::migrate::companion::{CompanionFile, CompanionKind};
use crate::migrate::model::{FieldValue, ObjectKey, PlannedObject, Rejection, SourceLine};
use crate::migrate::reconcile::normalize_key;
use crate::read::{glpi_cell_value, split_multi};
use crate::validate::values::check_value;

use super::draft::{rank_of, Draft};
use super::SourceFile;

/// `type` of a `Ticket_User` or `Group_Ticket`: requester.
pub const REQUESTER: i64 = 1;
/// `type` of a `Ticket_User` or `Group_Ticket`: assigned.
pub const ASSIGNED: i64 = 2;
/// `type` of a `Ticket_User` or `Group_Ticket`: observer.
pub const OBSERVER: i64 = 3;
/// Ticket status: new.
pub const INCOMING: i64 = 1;
/// Ticket status: closed.
pub const CLOSED: i64 = 6;

/// The rank of a ticket's status update: after its solution.
pub fn status_rank() -> u32 {
    rank_of(GlpiType::ItilSolution, 0) + 10
}

/// The rank of a ticket's resolution and closing dates: after its status.
pub fn dates_rank() -> u32 {
    status_rank() + 10
}

/// What a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    /// A followup (`ITILFollowup`).
    Followup,
    /// A task (`TicketTask`).
    Task,
    /// The solution (`ITILSolution`).
    Solution,
}

/// One entry of a ticket's timeline, as the files give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Followup, task or solution.
    pub kind: EntryKind,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub date: String,
    /// Author's display name or login (`None`: unknown).
    pub author: Option<String>,
    /// Task technician.
    pub technician: Option<String>,
    /// Task technician group (complete name).
    pub technician_group: Option<String>,
    /// Text.
    pub content: String,
    /// Private flag.
    pub is_private: bool,
    /// Task duration in seconds.
    pub duration_s: Option<i64>,
    /// Task state (0 information, 1 to do, 2 done); for a solution, its approval status (1
    /// none, 2 waiting, 3 accepted, 4 refused).
    pub state: Option<i64>,
    /// Task category (complete name).
    pub category: Option<String>,
    /// Followup request source.
    pub request_source: Option<String>,
    /// Solution type.
    pub solution_type: Option<String>,
    /// When a solution was approved or refused (`YYYY-MM-DD HH:MM:SS`).
    pub approval_date: Option<String>,
    /// Who approved or refused a solution (login or name).
    pub approver: Option<String>,
    /// A task's schedule: begin and end (`YYYY-MM-DD HH:MM:SS`).
    pub planning: Option<(String, String)>,
    /// When a followup's or task's row was written in the old GLPI (`YYYY-MM-DD HH:MM:SS`);
    /// a solution's is its `date`.
    pub date_creation: Option<String>,
    /// A task's UUID in the old GLPI, kept instead of the engine's own.
    pub uuid: Option<String>,
}

impl TimelineEntry {
    fn new(kind: EntryKind, date: String, content: String) -> Self {
        TimelineEntry {
            kind,
            date,
            author: None,
            technician: None,
            technician_group: None,
            content,
            is_private: false,
            duration_s: None,
            state: None,
            category: None,
            request_source: None,
            solution_type: None,
            approval_date: None,
            approver: None,
            planning: None,
            date_creation: None,
            uuid: None,
        }
    }
}

/// A duration as GLPI writes it (`15 minutes`, `1 heures 30 minutes`, `0 seconde`, `2 jours`),
/// in seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    let mut total = 0i64;
    for pair in words.chunks(2) {
        let n: i64 = pair[0].parse().ok()?;
        let unit = normalize_key(pair[1]);
        let factor = match unit.trim_end_matches('s') {
            "jour" | "day" => 86_400,
            "heure" | "hour" => 3_600,
            "minute" => 60,
            "seconde" | "second" => 1,
            _ => return None,
        };
        total += n * factor;
    }
    Some(total)
}

/// A task state as GLPI writes it.
pub fn parse_task_state(text: &str) -> Option<i64> {
    match normalize_key(text).as_str() {
        "information" => Some(0),
        "a faire" | "to do" | "todo" => Some(1),
        "fait" | "done" => Some(2),
        n => n.parse().ok().filter(|s| (0..=2).contains(s)),
    }
}

/// A solution's approval status as GLPI names it (`CommonITILValidation`: 1 none, 2 waiting,
/// 3 accepted, 4 refused).
pub fn parse_solution_status(text: &str) -> Option<i64> {
    match normalize_key(text).as_str() {
        "aucune" | "aucun" | "none" | "non soumise a approbation" | "not subject to approval" => {
            Some(1)
        }
        "en attente" | "en attente d'approbation" | "waiting" | "waiting for approval" => Some(2),
        "acceptee" | "accepte" | "granted" | "accepted" => Some(3),
        "refusee" | "refuse" | "refused" => Some(4),
        n => n.parse().ok().filter(|s| (1..=4).contains(s)),
    }
}

fn yes(text: &str) -> bool {
    matches!(normalize_key(text).as_str(), "oui" | "yes" | "1")
}

/// A date of a history cell (`2026-11-18 10:32`, no seconds) in GLPI's format.
fn datetime(text: &str) -> Option<String> {
    check_value(text, FieldKind::DateTime, false)
        .ok()
        .filter(|d| !d.is_empty())
}

/// GLPI's CSV writes a `"` of the data as `''`.
fn restore_quotes(text: &str) -> String {
    text.replace("''", "\"")
}

fn split_on<'a>(cell: &'a str, sep: &'a str) -> Vec<String> {
    if cell.trim().is_empty() {
        return Vec::new();
    }
    cell.split(sep).map(|s| s.trim().to_string()).collect()
}

/// The one value of a set cell (authors, sources), or `None` with whether it was ambiguous.
fn single(cell: &str) -> (Option<String>, bool) {
    let values = split_multi(cell);
    match values.as_slice() {
        [] => (None, false),
        [one] => (Some(one.clone()), false),
        _ => (None, true),
    }
}

/// The history cells of one ticket row, by catalog field.
pub type HistoryCells = BTreeMap<String, String>;

/// The timeline the history cells of one row carry, oldest first, with the warnings of what
/// could not be aligned. `solved_at` is the ticket's resolution date (the solution's own date is
/// not exported).
pub fn timeline_from_cells(
    cells: &HistoryCells,
    solved_at: Option<&str>,
) -> (Vec<TimelineEntry>, Vec<String>) {
    let get = |f: &str| cells.get(f).map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (kind, prefix) in [
        (EntryKind::Followup, "_followups"),
        (EntryKind::Task, "_tasks"),
    ] {
        let what = if kind == EntryKind::Followup {
            "suivis"
        } else {
            "tâches"
        };
        let dates: Vec<String> = split_on(get(&format!("{prefix}_date")), "<br>")
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect();
        if dates.is_empty() {
            continue;
        }
        let mut contents = split_on(get(&format!("{prefix}_content")), "<hr>");
        // Descriptions run newest first, everything else oldest first.
        contents.reverse();
        if contents.len() != dates.len() {
            warnings.push(format!(
                "{what} : {} dates mais {} descriptions ; les textes ne peuvent pas être appariés aux dates, fournissez le fichier compagnon chronologie-tickets.csv",
                dates.len(),
                contents.len()
            ));
            contents = vec![String::new(); dates.len()];
        }
        let mut sorted = dates.clone();
        crate::sort::sort(&mut sorted);
        sorted.dedup();
        if sorted.len() != dates.len() {
            warnings.push(format!(
                "{what} : plusieurs entrées à la même minute ; GLPI ne garantit pas l'ordre de leurs descriptions dans l'export"
            ));
        }
        let privates = split_on(get(&format!("{prefix}_private")), "<br>");
        let (author, ambiguous) = single(get(&format!("{prefix}_author")));
        if ambiguous {
            warnings.push(format!(
                "{what} : plusieurs rédacteurs dans une cellule qui ne dit pas qui a écrit quoi ; auteurs laissés vides (le fichier compagnon chronologie-tickets.csv les donne)"
            ));
        }
        let (technician, tech_ambiguous) = single(get("_tasks_technician"));
        if kind == EntryKind::Task && tech_ambiguous {
            warnings.push(
                "tâches : plusieurs techniciens responsables, non attribuables ; laissés vides"
                    .into(),
            );
        }
        let (source, _) = single(get("_followups_source"));
        let (category, _) = single(get("_tasks_category"));
        let durations: Vec<String> = get("_tasks_duration")
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let states = split_on(get("_tasks_state"), "<br>");
        for (n, date) in dates.iter().enumerate() {
            let Some(date) = datetime(date) else {
                warnings.push(format!(
                    "{what} : date « {date} » illisible ; entrée ignorée"
                ));
                continue;
            };
            let mut e = TimelineEntry::new(kind, date, restore_quotes(&contents[n]));
            e.author = author.clone();
            e.is_private = privates.get(n).is_some_and(|p| yes(p));
            if kind == EntryKind::Followup {
                e.request_source = source.clone();
            } else {
                e.technician = technician.clone();
                e.category = category.clone();
                e.duration_s = durations.get(n).and_then(|d| parse_duration(d));
                e.state = states.get(n).and_then(|s| parse_task_state(s));
            }
            out.push(e);
        }
    }
    for content in split_on(get("_solution_content"), "<br>") {
        if content.is_empty() {
            continue;
        }
        let Some(date) = solved_at else {
            warnings.push("solution sans date de résolution : ignorée".into());
            continue;
        };
        let mut e = TimelineEntry::new(
            EntryKind::Solution,
            date.to_string(),
            restore_quotes(&content),
        );
        e.solution_type = single(get("_solution_type")).0;
        out.push(e);
    }
    // Oldest first, followups before tasks before the solution at the same date (stable).
    crate::sort::sort_by(&mut out, |a, b| (&a.date, a.kind).cmp(&(&b.date, b.kind)));
    (out, warnings)
}

/// One row of the companion timeline file, read: the ticket's source id, the entry, its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanionEntry {
    /// The ticket's source id (the `ID` column of the ticket export).
    pub ticket: String,
    /// The entry.
    pub entry: TimelineEntry,
    /// Where it was read.
    pub source: SourceLine,
}

/// A ticket's source id as written in an export or the companion file (`n°12`, `1 234`).
pub fn ticket_source_id(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_prefix("n°").unwrap_or(t);
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The entries of a timeline companion file in file order, and the rows it cannot read (with
/// the type of object they would have made).
pub fn timeline_from_companion(
    c: &CompanionFile<'_>,
) -> (Vec<CompanionEntry>, Vec<(GlpiType, SourceLine, Rejection)>) {
    let mut entries = Vec::new();
    let mut rejected = Vec::new();
    if c.kind != CompanionKind::Timeline {
        return (entries, rejected);
    }
    let pos = c.kind.positions(&c.table.headers);
    let names = c.kind.columns_as_written(&c.table.headers);
    for record in c.table.rows() {
        let source = SourceLine {
            file: c.table.file.clone(),
            line: record.line as usize,
        };
        let cell = |i: usize| {
            pos.get(i)
                .copied()
                .flatten()
                .and_then(|p| record.cells.get(p))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let bad = |i: usize, value: String| Rejection::CompanionBadValue {
            column: names[i].clone(),
            value,
        };
        let kind = match normalize_key(&cell(1)).as_str() {
            "suivi" | "followup" | "itilfollowup" => EntryKind::Followup,
            "tache" | "task" | "tickettask" => EntryKind::Task,
            "solution" | "itilsolution" => EntryKind::Solution,
            _ => {
                rejected.push((GlpiType::ItilFollowup, source, bad(1, cell(1))));
                continue;
            }
        };
        let itemtype = match kind {
            EntryKind::Followup => GlpiType::ItilFollowup,
            EntryKind::Task => GlpiType::TicketTask,
            EntryKind::Solution => GlpiType::ItilSolution,
        };
        let ticket = ticket_source_id(&cell(0));
        if ticket.is_empty() {
            rejected.push((itemtype, source, bad(0, cell(0))));
            continue;
        }
        let Some(date) = datetime(&cell(2)) else {
            rejected.push((itemtype, source, bad(2, cell(2))));
            continue;
        };
        let filled = |s: String| Some(s).filter(|s| !s.is_empty());
        let mut e = TimelineEntry::new(kind, date, cell(4));
        e.author = filled(cell(3));
        let private = cell(5);
        e.is_private = match normalize_key(&private).as_str() {
            "" | "non" | "no" | "0" => false,
            "oui" | "yes" | "1" => true,
            _ => {
                rejected.push((itemtype, source, bad(5, private)));
                continue;
            }
        };
        let written = cell(17);
        if kind != EntryKind::Solution && !written.is_empty() {
            match datetime(&written) {
                Some(d) => e.date_creation = Some(d),
                None => {
                    rejected.push((itemtype, source, bad(17, written)));
                    continue;
                }
            }
        }
        let state = cell(8);
        match kind {
            EntryKind::Followup => e.request_source = filled(cell(9)),
            EntryKind::Task => {
                let duration = cell(6);
                e.duration_s = match duration.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n),
                    _ if duration.is_empty() => None,
                    _ => match parse_duration(&duration) {
                        Some(n) => Some(n),
                        None => {
                            rejected.push((itemtype, source, bad(6, duration)));
                            continue;
                        }
                    },
                };
                e.technician = filled(cell(7));
                e.technician_group = filled(cell(16));
                e.uuid = filled(cell(18));
                e.category = filled(cell(10));
                // A schedule is both ends or none (GLPI plans nothing from one date).
                let (begin, end) = (cell(14), cell(15));
                if !begin.is_empty() || !end.is_empty() {
                    match (datetime(&begin), datetime(&end)) {
                        (Some(b), Some(e_)) => e.planning = Some((b, e_)),
                        (None, _) => {
                            rejected.push((itemtype, source, bad(14, begin)));
                            continue;
                        }
                        (_, None) => {
                            rejected.push((itemtype, source, bad(15, end)));
                            continue;
                        }
                    }
                }
                e.state = match parse_task_state(&state) {
                    Some(s) => Some(s),
                    None if state.is_empty() => None,
                    None => {
                        rejected.push((itemtype, source, bad(8, state)));
                        continue;
                    }
                };
            }
            EntryKind::Solution => {
                e.solution_type = filled(cell(11));
                let approval = cell(12);
                e.approval_date = match datetime(&approval) {
                    Some(d) => Some(d),
                    None if approval.is_empty() => None,
                    None => {
                        rejected.push((itemtype, source, bad(12, approval)));
                        continue;
                    }
                };
                e.approver = filled(cell(13));
                e.state = match parse_solution_status(&state) {
                    Some(s) => Some(s),
                    None if state.is_empty() => None,
                    None => {
                        rejected.push((itemtype, source, bad(8, state)));
                        continue;
                    }
                };
            }
        }
        entries.push(CompanionEntry {
            ticket,
            entry: e,
            source,
        });
    }
    (entries, rejected)
}

/// What one ticket row gives.
#[derive(Default)]
struct TicketValues {
    fields: BTreeMap<String, FieldValue>,
    refs: Vec<(String, Target, String)>,
    actors: Vec<(&'static str, Target, String)>,
    items: Vec<String>,
    history: HistoryCells,
    entity: String,
    status: Option<i64>,
    solvedate: Option<String>,
    closedate: Option<String>,
    begin_waiting: Option<String>,
    source_id: String,
    date_mod: bool,
}

/// What a ticket's last updates set: its status and the dates GLPI stamps on a status change.
pub(super) struct Closing {
    /// The status (1 to 6).
    pub status: Option<i64>,
    /// Resolution date.
    pub solvedate: Option<String>,
    /// Closing date.
    pub closedate: Option<String>,
    /// Start of the current wait (pending or solved).
    pub begin_waiting: Option<String>,
}

/// A stable task uuid for the migration: the same ticket and position give the same uuid, so a
/// task is recognised on the target without the journal.
fn task_uuid(ticket_date: &str, ticket_name: &str, n: usize) -> String {
    // FNV-1a, 64 bits: stable across platforms and versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{ticket_date}|{ticket_name}|{n}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("passerelle-{h:016x}-{n}")
}

impl Draft {
    /// A rejected ticket row's companion timeline entries: rejected with it.
    pub(super) fn reject_timeline_of(
        &mut self,
        file: &SourceFile<'_>,
        cells: &crate::read::Cells<'_>,
        source: &SourceLine,
    ) {
        let id = file
            .mapping
            .columns
            .iter()
            .find(|c| c.field.as_deref() == Some("id"))
            .and_then(|c| cells.get(c.column))
            .map(|raw| ticket_source_id(&glpi_cell_value(raw)))
            .unwrap_or_default();
        if id.is_empty() {
            return;
        }
        let ticket = ObjectKey::new(GlpiType::Ticket, format!("{}:{}", source.file, source.line));
        for e in self.timelines.remove(&id).unwrap_or_default() {
            let itemtype = match e.entry.kind {
                EntryKind::Followup => GlpiType::ItilFollowup,
                EntryKind::Task => GlpiType::TicketTask,
                EntryKind::Solution => GlpiType::ItilSolution,
            };
            self.reject(
                itemtype,
                e.source,
                Rejection::DependencyRejected {
                    object: ticket.clone(),
                },
            );
        }
    }

    /// One ticket row: the ticket, its actors, items, timeline, solution, status and dates.
    pub(super) fn add_ticket_row(
        &mut self,
        file: &SourceFile<'_>,
        cells: &crate::read::Cells<'_>,
        source: SourceLine,
    ) {
        let mut v = TicketValues::default();
        for col in &file.mapping.columns {
            let (Some(field), Some(raw)) = (col.field.as_deref(), cells.get(col.column)) else {
                continue;
            };
            self.add_ticket_value(field, raw, &mut v);
        }
        for (field, _) in file
            .mapping
            .templates
            .iter()
            .chain(file.mapping.constants.iter())
        {
            if let Some(value) = file.mapping.value(field, cells) {
                let value = value.into_owned();
                self.add_ticket_value(field, &value, &mut v);
            }
        }
        let text = |f: &str| match v.fields.get(f) {
            Some(FieldValue::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let (name, date) = (text("name"), text("date"));
        if name.is_empty() || date.is_empty() {
            self.reject(GlpiType::Ticket, source, Rejection::RowWithoutKey);
            return;
        }
        let key = if v.source_id.is_empty() {
            format!("{date} {name}")
        } else {
            format!("n°{}", v.source_id)
        };
        if let Some(i) = self.find(GlpiType::Ticket, &key) {
            let first = self.objects[i].sources.first().map(|s| s.line).unwrap_or(0);
            self.reject(
                GlpiType::Ticket,
                source,
                Rejection::SameKeyAs {
                    key,
                    first_line: first,
                },
            );
            return;
        }
        if v.date_mod {
            self.note(
                "migrate.not_carried.ticket_date_mod",
                "tickets dont la date de dernière modification ne peut pas être gardée : GLPI la met à la date du jour à chaque ajout de suivi, de tâche, d'acteur ou de mise à jour",
                "tickets whose last update date cannot be kept: GLPI sets it to now at every added followup, task, actor or update",
            );
        }
        let mut ticket = PlannedObject::new(
            ObjectKey::new(GlpiType::Ticket, key.clone()),
            rank_of(GlpiType::Ticket, 0),
        );
        ticket.fields = std::mem::take(&mut v.fields);
        for flag in [
            "_disablenotif",
            "_skip_rules",
            "_skip_auto_assign",
            "_skip_sla_assign",
            "_skip_default_contract",
            "_do_not_compute_takeintoaccount",
        ] {
            ticket.fields.insert(flag.into(), FieldValue::Number(1));
        }
        ticket.sources.push(source.clone());
        let owner = ticket.key.clone();
        let index = self.push(ticket);
        self.wait_for(index, "entities_id", Target::Entity, v.entity.clone());
        *self.entity_rows.entry(v.entity.clone()).or_default() += 1;
        for (field, target, value) in std::mem::take(&mut v.refs) {
            self.wait_for(index, &field, target, value);
        }
        // Actors: `field#n`, gathered into one list per field once resolved.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (field, target, value) in std::mem::take(&mut v.actors) {
            let n = counts.entry(field).or_default();
            self.wait_for(index, &format!("{field}#{n}"), target, value);
            *n += 1;
        }
        // Linked items: a computer, printer… of the files or of the target, by name or serial.
        for item in std::mem::take(&mut v.items) {
            let mut rel = PlannedObject::new(
                ObjectKey::new(GlpiType::ItemTicket, format!("{key}|{item}")),
                rank_of(GlpiType::ItemTicket, 0),
            );
            rel.fields
                .insert("tickets_id".into(), FieldValue::Ref(owner.clone()));
            rel.fields
                .insert("_disablenotif".into(), FieldValue::Number(1));
            rel.sources.push(source.clone());
            let i = self.push(rel);
            self.wait_for(i, "items_id", Target::Asset, item);
        }
        // The companion timeline file, when it has rows for this ticket, replaces the history
        // cells: it says who wrote what, to the second, in the original order.
        let companion = self
            .timelines
            .remove(&ticket_source_id(&v.source_id))
            .filter(|_| !v.source_id.is_empty());
        let timeline = match companion {
            Some(rows) => rows
                .into_iter()
                .map(|c| {
                    self.objects[index].sources.push(c.source);
                    c.entry
                })
                .collect(),
            None => {
                let (timeline, warnings) = timeline_from_cells(&v.history, v.solvedate.as_deref());
                self.objects[index].warnings.extend(warnings);
                timeline
            }
        };
        self.add_timeline(&owner, &date, &name, timeline, &source);
        let dates = Closing {
            status: v.status,
            solvedate: v.solvedate,
            closedate: v.closedate,
            begin_waiting: v.begin_waiting,
        };
        self.add_closing(&owner, dates, &source);
    }

    /// Timeline entries of a planned ticket, oldest first.
    pub(super) fn add_timeline(
        &mut self,
        ticket: &ObjectKey,
        ticket_date: &str,
        ticket_name: &str,
        timeline: Vec<TimelineEntry>,
        source: &SourceLine,
    ) {
        let mut task_n = 0;
        for (n, e) in timeline.into_iter().enumerate() {
            let itemtype = match e.kind {
                EntryKind::Followup => GlpiType::ItilFollowup,
                EntryKind::Task => GlpiType::TicketTask,
                EntryKind::Solution => GlpiType::ItilSolution,
            };
            // Followups and tasks one rank per position, so that they are created in their
            // original order across types; the solution after them all.
            let position = if e.kind == EntryKind::Solution {
                0
            } else {
                n.min(99)
            };
            let mut o = PlannedObject::new(
                ObjectKey::new(itemtype, format!("{}#{}", ticket.key, n + 1)),
                rank_of(itemtype, position),
            );
            let f = &mut o.fields;
            f.insert("content".into(), FieldValue::Text(e.content.clone()));
            f.insert("_disablenotif".into(), FieldValue::Number(1));
            let mut refs: Vec<(&str, Target, String)> = Vec::new();
            match e.kind {
                EntryKind::Followup | EntryKind::Solution => {
                    f.insert("itemtype".into(), FieldValue::Text("Ticket".into()));
                    f.insert("items_id".into(), FieldValue::Ref(ticket.clone()));
                }
                EntryKind::Task => {
                    f.insert("tickets_id".into(), FieldValue::Ref(ticket.clone()));
                    task_n += 1;
                    let uuid = e
                        .uuid
                        .clone()
                        .unwrap_or_else(|| task_uuid(ticket_date, ticket_name, task_n));
                    f.insert("uuid".into(), FieldValue::Text(uuid));
                }
            }
            if let Some(d) = &e.date_creation {
                f.insert("date_creation".into(), FieldValue::Text(d.clone()));
            }
            match e.kind {
                EntryKind::Followup => {
                    f.insert("date".into(), FieldValue::Text(e.date.clone()));
                    f.insert(
                        "is_private".into(),
                        FieldValue::Number(i64::from(e.is_private)),
                    );
                    f.insert("_no_reopen".into(), FieldValue::Number(1));
                    if let Some(s) = e.request_source {
                        refs.push((
                            "requesttypes_id",
                            Target::Dropdown(GlpiType::RequestType),
                            s,
                        ));
                    }
                }
                EntryKind::Task => {
                    f.insert("date".into(), FieldValue::Text(e.date.clone()));
                    f.insert(
                        "is_private".into(),
                        FieldValue::Number(i64::from(e.is_private)),
                    );
                    f.insert("_no_reopen".into(), FieldValue::Number(1));
                    if let Some(d) = e.duration_s {
                        f.insert("actiontime".into(), FieldValue::Number(d));
                    }
                    if let Some(s) = e.state {
                        f.insert("state".into(), FieldValue::Number(s));
                    }
                    // Sent as the columns, not as `plan`: GLPI would recompute the duration
                    // from them and check the technician's calendar (CommonITILTask).
                    if let Some((begin, end)) = e.planning {
                        f.insert("begin".into(), FieldValue::Text(begin));
                        f.insert("end".into(), FieldValue::Text(end));
                    }
                    if let Some(t) = e.technician {
                        refs.push(("users_id_tech", Target::User, t));
                    }
                    if let Some(g) = e.technician_group {
                        refs.push(("groups_id_tech", Target::Group, g));
                    }
                    if let Some(c) = e.category {
                        refs.push(("taskcategories_id", Target::Tree(GlpiType::TaskCategory), c));
                    }
                }
                EntryKind::Solution => {
                    // The solution's date is its creation date; no status computation, no
                    // ticket update with notifications.
                    f.insert("date_creation".into(), FieldValue::Text(e.date.clone()));
                    f.insert("_do_not_compute_status".into(), FieldValue::Number(1));
                    f.insert("_linked_ticket".into(), FieldValue::Number(1));
                    if let Some(s) = e.state {
                        f.insert("status".into(), FieldValue::Number(s));
                    }
                    // Kept as sent: the status computation that would stamp them is blocked,
                    // and closing the ticket leaves its solutions alone
                    // (`ITILSolution::prepareInputForAdd`, `CommonITILObject::pre_updateInDB`).
                    if let Some(d) = e.approval_date {
                        f.insert("date_approval".into(), FieldValue::Text(d));
                    }
                    if let Some(a) = e.approver {
                        refs.push(("users_id_approval", Target::User, a));
                    }
                    if let Some(t) = e.solution_type {
                        refs.push((
                            "solutiontypes_id",
                            Target::Dropdown(GlpiType::SolutionType),
                            t,
                        ));
                    }
                }
            }
            if let Some(a) = e.author {
                refs.push(("users_id", Target::User, a));
            }
            o.sources.push(source.clone());
            let i = self.push(o);
            for (field, target, value) in refs {
                self.wait_for(i, field, target, value);
            }
        }
    }

    /// The status, then the resolution and closing dates and the start of the current wait,
    /// as updates of the ticket once its timeline and solution are in.
    pub(super) fn add_closing(&mut self, ticket: &ObjectKey, c: Closing, source: &SourceLine) {
        let step = |suffix: &str, rank: u32| {
            let mut o = PlannedObject::new(
                ObjectKey::new(GlpiType::Ticket, format!("{}#{suffix}", ticket.key)),
                rank,
            );
            o.fields
                .insert("id".into(), FieldValue::Ref(ticket.clone()));
            o.fields
                .insert("_disablenotif".into(), FieldValue::Number(1));
            o.fields.insert("_no_reopen".into(), FieldValue::Number(1));
            // Without it, an update of a ticket not taken into account stamps its
            // take-into-account date with now (`Ticket::pre_updateInDB`).
            o.fields.insert(
                "_do_not_compute_takeintoaccount".into(),
                FieldValue::Number(1),
            );
            o.sources.push(source.clone());
            o
        };
        // A closed ticket accepts no other change than its status, entity and category
        // (`CommonITILObject::handleTemplateFields`), and the update that closes it stamps its
        // closing date with now whatever it is sent (`CommonITILObject::pre_updateInDB`; created
        // closed, it would get the opening date as resolution and closing dates and refuse its
        // tasks). Its resolution date and the start of its last wait ride in the closing update
        // itself: GLPI writes them, since a closed status (unlike a solved one) stamps neither.
        // Only the closing date (and the closing delay GLPI computes from it) is lost, and named.
        if c.status == Some(CLOSED) {
            let mut o = step("statut", status_rank());
            o.fields.insert("status".into(), FieldValue::Number(CLOSED));
            if let Some(d) = c.solvedate {
                o.fields.insert("solvedate".into(), FieldValue::Text(d));
            }
            if let Some(d) = c.begin_waiting {
                o.fields
                    .insert("begin_waiting_date".into(), FieldValue::Text(d));
            }
            self.push(o);
            if c.closedate.is_some() {
                self.note(
                    "migrate.not_carried.ticket_closed_dates",
                    "tickets clos dont la date de clôture ne peut pas être gardée : GLPI la met au moment où la migration les clôt et refuse ensuite toute modification d'un ticket clos (hors statut, entité, catégorie) ; la date de résolution est gardée",
                    "closed tickets whose closing date cannot be kept: GLPI sets it to the moment the migration closes them and then refuses any change of a closed ticket (but its status, entity, category); the resolution date is kept",
                );
            }
            return;
        }
        if let Some(status) = c.status {
            let mut o = step("statut", status_rank());
            o.fields.insert("status".into(), FieldValue::Number(status));
            self.push(o);
        }
        // A solved or pending status stamps the resolution date and the start of the wait with
        // now: the source's come in a later update.
        if c.solvedate.is_some() || c.closedate.is_some() || c.begin_waiting.is_some() {
            let mut o = step("dates", dates_rank());
            for (field, value) in [
                ("solvedate", c.solvedate),
                ("closedate", c.closedate),
                ("begin_waiting_date", c.begin_waiting),
            ] {
                if let Some(d) = value {
                    o.fields.insert(field.into(), FieldValue::Text(d));
                }
            }
            self.push(o);
        }
    }

    fn add_ticket_value(&mut self, field: &str, raw: &str, v: &mut TicketValues) {
        let Some(spec) = spec_for(ItemType::Ticket, field) else {
            return;
        };
        if field.starts_with("_followups_")
            || field.starts_with("_tasks_")
            || field.starts_with("_solution_")
        {
            // Kept raw: the separators are the structure.
            let cell = crate::read::trim_cell(raw);
            let cell = if cell == "&nbsp;" { "" } else { cell };
            v.history.insert(field.to_string(), cell.to_string());
            return;
        }
        let value = check_value(raw, spec.kind, false).unwrap_or_else(|_| glpi_cell_value(raw));
        let value = if matches!(spec.kind, FieldKind::Text | FieldKind::LongText) {
            restore_quotes(&value)
        } else {
            value
        };
        let number = |s: &str| s.parse::<i64>().ok();
        match field {
            "id" => v.source_id = value,
            "date_mod" => v.date_mod = !value.trim().is_empty(),
            "_followups" | "_tasks" | "actiontime" => {}
            "entities_id" => v.entity = value,
            "status" => v.status = number(&value),
            "solvedate" => v.solvedate = Some(value).filter(|s| !s.is_empty()),
            "closedate" => v.closedate = Some(value).filter(|s| !s.is_empty()),
            "begin_waiting_date" => v.begin_waiting = Some(value).filter(|s| !s.is_empty()),
            // One item a line (`PC-1 - ` LF `PC-2 -`), or `<br>` between them.
            "_items" => v.items.extend(value.lines().flat_map(split_multi)),
            "_users_id_requester" | "_users_id_assign" | "_users_id_observer" => {
                let field = match field {
                    "_users_id_requester" => "_users_id_requester",
                    "_users_id_assign" => "_users_id_assign",
                    _ => "_users_id_observer",
                };
                for u in split_multi(&value) {
                    v.actors.push((field, Target::User, u));
                }
            }
            "_groups_id_requester" | "_groups_id_assign" | "_groups_id_observer" => {
                let field = match field {
                    "_groups_id_requester" => "_groups_id_requester",
                    "_groups_id_assign" => "_groups_id_assign",
                    _ => "_groups_id_observer",
                };
                for g in split_multi(&value) {
                    v.actors.push((field, Target::Group, g));
                }
            }
            _ if value.is_empty() => {}
            "itilcategories_id" | "locations_id" | "requesttypes_id" => {
                if let Some(target) = GlpiType::Ticket.field_target(field) {
                    v.refs.push((field.to_string(), target, value));
                }
            }
            // Sent on the POST: `_skip_auto_assign` keeps GLPI from naming the API's account.
            "users_id_recipient" => v.refs.push((field.to_string(), Target::User, value)),
            _ => {
                let fv = match (spec.kind, number(&value)) {
                    (FieldKind::Enum(_) | FieldKind::Integer, Some(n)) => FieldValue::Number(n),
                    _ => FieldValue::Text(value),
                };
                if GlpiType::Ticket.keeps(field) {
                    v.fields.insert(field.to_string(), fv);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_states_as_glpi_writes_them() {
        assert_eq!(parse_duration("15 minutes"), Some(900));
        assert_eq!(parse_duration("1 heures 30 minutes"), Some(5400));
        assert_eq!(parse_duration("0 seconde"), Some(0));
        assert_eq!(parse_duration("2 jours 1 heures 0 minutes"), Some(176_400));
        assert_eq!(parse_duration("beaucoup"), None);
        assert_eq!(parse_task_state("A faire"), Some(1));
        assert_eq!(parse_task_state("Fait"), Some(2));
    }

    #[test]
    fn descriptions_run_newest_first_and_everything_else_oldest_first() {
        // Ticket 50 of fr-history: three tasks, two at the same minute.
        let cells: HistoryCells = [
            ("_tasks_content", "Intervention planifiée sur site<hr>Diagnostic sur site<hr>Remplacement du matériel"),
            ("_tasks_date", "2026-11-03 09:08<br>2026-11-03 10:37<br>2026-11-03 10:37"),
            ("_tasks_state", "Fait<br>Fait<br>A faire"),
            ("_tasks_duration", "15 minutes\n30 minutes\n1 heures 0 minutes"),
            ("_tasks_author", "Lefèvre Jérôme"),
            ("_tasks_private", "Non<br>Non<br>Oui"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (t, warnings) = timeline_from_cells(&cells, None);
        type Summary<'a> = (&'a str, &'a str, Option<i64>, Option<i64>, bool);
        let summary: Vec<Summary<'_>> = t
            .iter()
            .map(|e| {
                (
                    e.date.as_str(),
                    e.content.as_str(),
                    e.state,
                    e.duration_s,
                    e.is_private,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "2026-11-03 09:08:00",
                    "Remplacement du matériel",
                    Some(2),
                    Some(900),
                    false
                ),
                (
                    "2026-11-03 10:37:00",
                    "Diagnostic sur site",
                    Some(2),
                    Some(1800),
                    false
                ),
                (
                    "2026-11-03 10:37:00",
                    "Intervention planifiée sur site",
                    Some(1),
                    Some(3600),
                    true
                ),
            ]
        );
        assert!(t
            .iter()
            .all(|e| e.author.as_deref() == Some("Lefèvre Jérôme")));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn authors_of_several_entries_are_not_guessed() {
        let cells: HistoryCells = [
            (
                "_followups_content",
                "Le problème est réapparu.<hr>Pouvez-vous préciser ?",
            ),
            ("_followups_date", "2026-11-05 09:45<br>2026-11-09 07:12"),
            (
                "_followups_author",
                "Lefèvre Jérôme <br>Marie-Sainte Gaëlle",
            ),
            ("_followups_private", "Non<br>Non"),
            ("_followups_source", "Helpdesk"),
            ("_solution_content", "Droits corrigés."),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (t, warnings) = timeline_from_cells(&cells, Some("2026-11-12 10:00:00"));
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].content, "Pouvez-vous préciser ?");
        assert!(t[..2].iter().all(|e| e.author.is_none()));
        assert_eq!(t[0].request_source.as_deref(), Some("Helpdesk"));
        assert_eq!(t[2].kind, EntryKind::Solution);
        assert_eq!(t[2].date, "2026-11-12 10:00:00");
        assert_eq!(warnings.len(), 1);
    }
}
