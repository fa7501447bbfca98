//! The companion timeline file (`chronologie-tickets.csv`) written from timeline.json, the ground
//! truth of the sample tickets' history, and planned with the fr-history ticket export: every
//! entry becomes a followup, task or solution of its ticket, in its original order, with its
//! author, date to the second, text, privacy, duration, technician and state; rows that name no
//! ticket, or a rejected one, are rejected with a reason.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::companion::{detect_companion, CompanionKind};
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, FieldValue, PlannedObject, Rejection};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, TargetData};
use passerelle_engine::read::{read_bytes, ReadOptions};
use serde_json::Value;
use std::path::PathBuf;

fn shared(dir: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/glpi-10.0.11-export")
        .join(dir)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn truth() -> Value {
    serde_json::from_slice(&shared("fr-history", "timeline.json")).unwrap()
}

/// GLPI's stored `&#60;p&#62;` back to the typed `<p>`.
fn unsanitize(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#38;", "&")
}

fn cell(v: &str) -> String {
    if v.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The companion file as an administrator would write it from the source: one row per entry,
/// French labels for kinds and states, logins for people.
fn companion(truth: &Value, extra: &str) -> String {
    let mut out = String::from(
        "ticket;type;date;auteur;contenu;prive;duree;technicien;statut;source;categorie;type_solution\r\n",
    );
    for t in truth["tickets"].as_array().unwrap() {
        for e in t["timeline"].as_array().unwrap() {
            let kind = text(&e["kind"]);
            let label = match kind.as_str() {
                "followup" => "Suivi",
                "task" => "Tâche",
                _ => "Solution",
            };
            let private = match e["is_private"].as_bool() {
                Some(true) => "Oui",
                Some(false) => "Non",
                None => "",
            };
            let state = match kind.as_str() {
                "task" => ["Information", "A faire", "Fait"]
                    [e["state"]["code"].as_u64().unwrap() as usize]
                    .to_string(),
                "solution" => text(&e["status"]["code"]),
                _ => String::new(),
            };
            let row = [
                text(&t["id"]),
                label.to_string(),
                text(&e["date"]),
                text(&e["author"]["login"]),
                unsanitize(&text(&e["content"])),
                private.to_string(),
                text(&e["duration_s"]),
                text(&e["technician"]["login"]),
                state,
                text(&e["request_source"]),
                text(&e["category"]),
                text(&e["solution_type"]),
            ];
            let row: Vec<String> = row.iter().map(|v| cell(v)).collect();
            out.push_str(&row.join(";"));
            out.push_str("\r\n");
        }
    }
    out.push_str(extra);
    out
}

fn plan(companion_text: String) -> Plan {
    let mut files = vec![
        ("Ticket.csv".to_string(), shared("fr-history", "Ticket.csv")),
        (
            "chronologie-tickets.csv".to_string(),
            companion_text.into_bytes(),
        ),
    ];
    for name in [
        "User.csv",
        "Group.csv",
        "Location.csv",
        "Computer.csv",
        "Monitor.csv",
        "Printer.csv",
        "NetworkEquipment.csv",
        "Peripheral.csv",
        "Phone.csv",
    ] {
        files.push((name.to_string(), shared("fr", name)));
    }
    let prepared = Prepared::from_files(&files, &ReadOptions::default());
    assert_eq!(prepared.companions.len(), 1);
    assert_eq!(prepared.companions[0].1, CompanionKind::Timeline);
    prepared
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default())
}

/// The source id of a ticket the check keeps (homonyms make some rejected), planned with an
/// empty timeline of these columns.
fn a_planned_ticket(header: &str) -> String {
    plan(header.to_string())
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Ticket && matches!(o.decision, Decision::Create))
        .map(|o| o.key.key.trim_start_matches("n°").to_string())
        .expect("a planned ticket")
}

fn field(o: &PlannedObject, f: &str) -> String {
    match o.fields.get(f) {
        Some(FieldValue::Text(t)) => t.clone(),
        Some(FieldValue::Number(n)) => n.to_string(),
        Some(FieldValue::Ref(k)) => k.key.clone(),
        None => String::new(),
        other => panic!("{}: {f} = {other:?}", o.key),
    }
}

#[test]
fn every_entry_of_the_companion_is_planned_after_its_ticket_in_its_original_order() {
    let truth = truth();
    let orphan = "999;Suivi;2026-01-01 10:00:00;glpi;Pour personne;Non;;;;;;\r\n";
    let bad = "12;Appel;2026-01-01 10:00:00;glpi;Type inconnu;Non;;;;;;\r\n";
    let plan = plan(companion(&truth, &format!("{orphan}{bad}")));
    let mut compared = 0;
    for t in truth["tickets"].as_array().unwrap() {
        let key = format!("n°{}", t["id"]);
        let Some(ticket) = plan
            .objects
            .iter()
            .find(|o| o.key.itemtype == GlpiType::Ticket && o.key.key == key)
        else {
            // A ticket rejected by the check (homonyms): its entries are rejected with it.
            continue;
        };
        let mut entries: Vec<&PlannedObject> = plan
            .objects
            .iter()
            .filter(|o| {
                matches!(
                    o.key.itemtype,
                    GlpiType::ItilFollowup | GlpiType::TicketTask | GlpiType::ItilSolution
                ) && o.key.key.starts_with(&format!("{key}#"))
            })
            .collect();
        // Plan order is creation order: by rank, then position in the plan.
        entries.sort_by_key(|o| o.rank);
        let expected = t["timeline"].as_array().unwrap();
        assert_eq!(entries.len(), expected.len(), "{key}");
        for (o, e) in entries.iter().zip(expected) {
            assert!(o.rank > ticket.rank, "{} after its ticket", o.key);
            let kind = text(&e["kind"]);
            let date_field = if kind == "solution" {
                "date_creation"
            } else {
                "date"
            };
            assert_eq!(field(o, date_field), text(&e["date"]), "{}", o.key);
            assert_eq!(
                field(o, "content"),
                unsanitize(&text(&e["content"])),
                "{}",
                o.key
            );
            // Authors and technicians are resolved to the planned users, by login.
            assert_eq!(
                field(o, "users_id"),
                text(&e["author"]["login"]),
                "{}",
                o.key
            );
            match kind.as_str() {
                "followup" => {
                    assert_eq!(o.key.itemtype, GlpiType::ItilFollowup);
                    assert_eq!(
                        field(o, "is_private"),
                        if e["is_private"] == true { "1" } else { "0" }
                    );
                }
                "task" => {
                    assert_eq!(o.key.itemtype, GlpiType::TicketTask);
                    assert_eq!(field(o, "actiontime"), text(&e["duration_s"]), "{}", o.key);
                    assert_eq!(field(o, "state"), text(&e["state"]["code"]), "{}", o.key);
                    assert_eq!(
                        field(o, "users_id_tech"),
                        text(&e["technician"]["login"]),
                        "{}",
                        o.key
                    );
                }
                _ => {
                    assert_eq!(o.key.itemtype, GlpiType::ItilSolution);
                    assert_eq!(field(o, "status"), text(&e["status"]["code"]), "{}", o.key);
                    assert_eq!(field(o, "_do_not_compute_status"), "1");
                }
            }
            assert_eq!(field(o, "_disablenotif"), "1", "{}", o.key);
            compared += 1;
        }
        // No warning about cells that cannot be aligned: the companion replaced them.
        assert!(
            !ticket.warnings.iter().any(|w| w.contains("chronologie")),
            "{key}: {:?}",
            ticket.warnings
        );
    }
    let planned_tickets: Vec<u64> = truth["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            plan.objects.iter().any(|o| {
                o.key.itemtype == GlpiType::Ticket && o.key.key == format!("n°{}", t["id"])
            })
        })
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    let expected_entries: usize = truth["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| planned_tickets.contains(&t["id"].as_u64().unwrap()))
        .map(|t| t["timeline"].as_array().unwrap().len())
        .sum();
    assert_eq!(compared, expected_entries);
    // The entries of the tickets the check rejected, the orphan and the unreadable row.
    let rejections: Vec<&Rejection> = plan
        .objects
        .iter()
        .filter(|o| {
            o.sources
                .iter()
                .any(|s| s.file == "chronologie-tickets.csv")
        })
        .filter_map(|o| match &o.decision {
            Decision::Rejected { rejection } => Some(rejection),
            _ => None,
        })
        .collect();
    let of_rejected_tickets: usize = truth["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !planned_tickets.contains(&t["id"].as_u64().unwrap()))
        .map(|t| t["timeline"].as_array().unwrap().len())
        .sum();
    assert!(of_rejected_tickets > 0);
    assert_eq!(
        rejections
            .iter()
            .filter(|r| matches!(r, Rejection::DependencyRejected { .. }))
            .count(),
        of_rejected_tickets
    );
    assert!(rejections
        .iter()
        .any(|r| matches!(r, Rejection::TimelineTicketUnknown { ticket } if ticket == "999")));
    assert!(rejections.iter().any(
        |r| matches!(r, Rejection::CompanionBadValue { column, value } if column == "type" && value == "Appel")
    ));
}

#[test]
fn the_template_is_a_timeline_file_and_english_headers_are_recognised() {
    let kind = CompanionKind::Timeline;
    let table = read_bytes(
        kind.template_name(),
        kind.template().as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(detect_companion(&table.headers), Some(kind));
    let english: Vec<String> = "ticket;kind;date;author;content;private;duration;technician;state"
        .split(';')
        .map(String::from)
        .collect();
    assert_eq!(detect_companion(&english), Some(kind));
    // A connections header is not a timeline.
    let other: Vec<String> = ["ordinateur", "type", "element"].map(String::from).to_vec();
    assert_eq!(detect_companion(&other), Some(CompanionKind::Connections));
}

/// A task's schedule (`debut`, `fin`) is planned as the task's `begin` and `end`; a schedule
/// with one end only is rejected with the column at fault (GLPI plans nothing from one date).
/// Its technician group (`groupe_technicien`, a complete name) is the group of the groups file.
#[test]
fn a_task_schedule_and_group_are_planned_with_both_ends_or_rejected() {
    let header = "ticket;type;date;auteur;contenu;prive;duree;technicien;statut;source;categorie;type_solution;debut;fin;groupe_technicien\r\n";
    let ticket = a_planned_ticket(header);
    let planned = format!(
        "{ticket};Tâche;2026-11-03 10:37:38;;Intervention planifiée;Non;7200;;A faire;;;;2026-11-25 09:00:00;2026-11-25 11:00:00;SIDSIC > Support de proximité\r\n"
    );
    let half = format!(
        "{ticket};Tâche;2026-11-04 10:00:00;;Début seul;Non;;;A faire;;;;2026-11-26 09:00;\r\n"
    );
    let plan = plan(format!("{header}{planned}{half}"));
    let tasks: Vec<&PlannedObject> = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::TicketTask)
        .collect();
    let scheduled = tasks
        .iter()
        .find(|o| field(o, "content").contains("Intervention planifiée"))
        .expect("the scheduled task is planned");
    assert_eq!(field(scheduled, "begin"), "2026-11-25 09:00:00");
    assert_eq!(field(scheduled, "end"), "2026-11-25 11:00:00");
    assert_eq!(field(scheduled, "actiontime"), "7200");
    assert!(
        matches!(&scheduled.fields["groups_id_tech"], FieldValue::Ref(k)
            if k.itemtype == GlpiType::Group && k.key == "SIDSIC > Support de proximité"),
        "{:?}",
        scheduled.fields
    );
    let rejected = plan.objects.iter().any(|o| {
        matches!(&o.decision, Decision::Rejected { rejection: Rejection::CompanionBadValue { column, .. } } if column == "fin")
    });
    assert!(rejected, "a schedule without its end is rejected");
}

/// When a followup's or task's row was written in the old GLPI (`date_creation`) is sent as
/// its `date_creation` (GLPI keeps it; without it GLPI stamps the write's time), and a task's
/// `uuid` replaces the engine's own; an unreadable creation date is rejected with its column.
/// A task without them keeps the engine's UUID and no creation date.
#[test]
fn creation_dates_and_task_uuids_of_the_old_glpi_are_kept() {
    let header =
        "ticket;type;date;auteur;contenu;prive;duree;technicien;statut;date_creation;uuid\r\n";
    let ticket = a_planned_ticket(header);
    let rows = [
        format!("{ticket};Suivi;2026-11-02 07:16:38;;Un suivi;Non;;;;2026-12-02 05:02:06;\r\n"),
        format!("{ticket};Tâche;2026-11-03 09:08:38;;Une tâche;Non;3600;;Fait;2026-12-02 05:02:07;0b698398-ed82-4521-bb8c-3ae7596398b5\r\n"),
        format!("{ticket};Tâche;2026-11-03 10:00:00;;Sans trace;Non;;;Fait;;\r\n"),
        format!("{ticket};Suivi;2026-11-04 10:00:00;;Mal daté;Non;;;;hier;\r\n"),
    ];
    let plan = plan(format!("{header}{}", rows.concat()));
    let by_content = |text: &str| {
        plan.objects
            .iter()
            .find(|o| field(o, "content").contains(text))
            .unwrap_or_else(|| panic!("{text} planned"))
    };
    let followup = by_content("Un suivi");
    assert_eq!(followup.key.itemtype, GlpiType::ItilFollowup);
    assert_eq!(field(followup, "date_creation"), "2026-12-02 05:02:06");
    assert_eq!(field(followup, "date"), "2026-11-02 07:16:38");
    let task = by_content("Une tâche");
    assert_eq!(field(task, "date_creation"), "2026-12-02 05:02:07");
    assert_eq!(field(task, "uuid"), "0b698398-ed82-4521-bb8c-3ae7596398b5");
    let bare = by_content("Sans trace");
    assert_eq!(field(bare, "date_creation"), "");
    assert!(
        field(bare, "uuid").starts_with("passerelle-"),
        "{:?}",
        bare.fields
    );
    let rejected = plan.objects.iter().any(|o| {
        matches!(&o.decision, Decision::Rejected { rejection: Rejection::CompanionBadValue { column, value } }
            if column == "date_creation" && value == "hier")
    });
    assert!(
        rejected,
        "an unreadable creation date is rejected with its column"
    );
    assert!(!plan.objects.iter().any(
        |o| field(o, "content").contains("Mal daté") && matches!(o.decision, Decision::Create)
    ));
}
