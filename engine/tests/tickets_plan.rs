//! The 60 sample tickets with their history columns (fr-history/Ticket.csv) planned with the
//! exports they name, and compared with timeline.json, the ground truth read from the database
//! they were exported from.

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, FieldValue, ObjectKey, PlannedObject};
use passerelle_engine::migrate::plan::{Plan, PlanOptions, TargetData};
use passerelle_engine::read::ReadOptions;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn export(dir: &str, name: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/glpi-10.0.11-export")
        .join(dir)
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (name.to_string(), bytes)
}

fn timeline() -> Value {
    let (_, bytes) = export("fr-history", "timeline.json");
    serde_json::from_slice(&bytes).unwrap()
}

fn tickets_of(truth: &Value) -> Vec<&Value> {
    truth["tickets"].as_array().unwrap().iter().collect()
}

fn plan() -> Plan {
    let mut files = vec![export("fr-history", "Ticket.csv")];
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
        files.push(export("fr", name));
    }
    let prepared = Prepared::from_files(&files, &ReadOptions::default());
    assert!(
        prepared.stopping_problems().is_empty(),
        "{:?}",
        prepared.stopping_problems()
    );
    prepared
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default())
}

fn of(plan: &Plan, t: GlpiType) -> Vec<&PlannedObject> {
    plan.objects
        .iter()
        .filter(|o| o.key.itemtype == t)
        .collect()
}

fn text(o: &PlannedObject, f: &str) -> String {
    match o.fields.get(f) {
        Some(FieldValue::Text(t)) => t.clone(),
        Some(FieldValue::Number(n)) => n.to_string(),
        other => panic!("{}: {f} = {other:?}", o.key),
    }
}

fn minute(date: &str) -> &str {
    &date[..16]
}

#[test]
fn every_sample_ticket_and_its_timeline_are_planned_as_the_database_holds_them() {
    let plan = plan();
    let truth = timeline();
    let tickets = truth["tickets"].as_array().unwrap();
    let main: BTreeMap<String, &PlannedObject> = of(&plan, GlpiType::Ticket)
        .into_iter()
        .filter(|o| !o.key.key.contains('#'))
        .map(|o| (o.key.key.clone(), o))
        .collect();
    // Four tickets name "Joseph Céline", two accounts (celine.joseph, celine.joseph2): their rows
    // are listed for the administrator to choose (a correction), never guessed.
    let rejected: Vec<&&PlannedObject> = main
        .values()
        .filter(|o| matches!(o.decision, Decision::Rejected { .. }))
        .collect();
    assert_eq!(rejected.len(), 4, "{rejected:#?}");
    for r in &rejected {
        assert!(format!("{:?}", r.decision).contains("celine.joseph2"));
    }
    assert_eq!(main.len(), 60);
    let skipped: Vec<&Value> = tickets_of(&truth)
        .into_iter()
        .filter(|t| !main.contains_key(&format!("n°{}", t["id"])))
        .collect();
    assert_eq!(skipped.len(), 4);
    for t in skipped {
        assert!(
            t["actors"].to_string().contains("celine.joseph"),
            "{}",
            t["id"]
        );
    }
    let count = |kind: &str| -> usize {
        tickets_of(&truth)
            .iter()
            .filter(|t| main.contains_key(&format!("n°{}", t["id"])))
            .map(|t| {
                t["timeline"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| e["kind"] == kind)
                    .count()
            })
            .sum()
    };
    assert_eq!(of(&plan, GlpiType::ItilFollowup).len(), count("followup"));
    assert_eq!(of(&plan, GlpiType::TicketTask).len(), count("task"));
    assert_eq!(of(&plan, GlpiType::ItilSolution).len(), count("solution"));
    // Users of the files by login, to compare actors.
    let mut checked_authors = 0;
    let mut closed = 0;
    for t in tickets {
        let key = format!("n°{}", t["id"]);
        let Some(ticket) = main.get(&key) else {
            continue;
        };
        assert_eq!(text(ticket, "name"), t["name"].as_str().unwrap());
        assert_eq!(text(ticket, "content"), t["content_text"].as_str().unwrap());
        assert_eq!(
            minute(&text(ticket, "date")),
            minute(t["dates"]["date"].as_str().unwrap())
        );
        for f in ["urgency", "impact", "priority"] {
            assert_eq!(text(ticket, f), t[f].to_string(), "{key} {f}");
        }
        assert_eq!(text(ticket, "type"), t["type"]["code"].to_string());
        for flag in ["_disablenotif", "_skip_rules", "_skip_auto_assign"] {
            assert_eq!(ticket.fields.get(flag), Some(&FieldValue::Number(1)));
        }
        assert!(!ticket.fields.contains_key("status"), "status comes last");
        // Requesters and technicians: one list each, every user of the truth by login.
        for (role, field) in [
            ("requester", "_users_id_requester"),
            ("assigned", "_users_id_assign"),
        ] {
            let expected: Vec<String> = t["actors"][role]["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["login"].as_str().unwrap().to_string())
                .collect();
            let got: Vec<String> = match ticket.fields.get(field) {
                None => Vec::new(),
                Some(FieldValue::List(l)) => l
                    .iter()
                    .map(|v| match v {
                        FieldValue::Ref(k) => k.key.clone(),
                        other => panic!("{key} {field}: {other:?}"),
                    })
                    .collect(),
                other => panic!("{key} {field}: {other:?}"),
            };
            let mut got_sorted = got.clone();
            got_sorted.sort();
            let mut expected_sorted = expected.clone();
            expected_sorted.sort();
            assert_eq!(got_sorted, expected_sorted, "{key} {role}");
        }
        // Timeline, oldest first.
        let entries: Vec<&PlannedObject> = plan
            .objects
            .iter()
            .filter(|o| {
                matches!(
                    o.key.itemtype,
                    GlpiType::ItilFollowup | GlpiType::TicketTask | GlpiType::ItilSolution
                ) && o.key.key.starts_with(&format!("{key}#"))
            })
            .collect();
        let mut entries = entries;
        entries.sort_by_key(|o| {
            o.key
                .key
                .rsplit('#')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        });
        let truth_entries = t["timeline"].as_array().unwrap();
        assert_eq!(entries.len(), truth_entries.len(), "{key}");
        for (o, e) in entries.iter().zip(truth_entries) {
            let kind = match o.key.itemtype {
                GlpiType::ItilFollowup => "followup",
                GlpiType::TicketTask => "task",
                _ => "solution",
            };
            assert_eq!(kind, e["kind"].as_str().unwrap(), "{}", o.key);
            assert_eq!(
                text(o, "content"),
                e["content_text"].as_str().unwrap(),
                "{}",
                o.key
            );
            let date = if kind == "solution" {
                "date_creation"
            } else {
                "date"
            };
            assert_eq!(
                minute(&text(o, date)),
                minute(e["date"].as_str().unwrap()),
                "{}",
                o.key
            );
            if kind != "solution" {
                assert_eq!(
                    text(o, "is_private"),
                    u8::from(e["is_private"].as_bool().unwrap()).to_string()
                );
            }
            if kind == "task" {
                assert_eq!(
                    text(o, "actiontime"),
                    e["duration_s"].to_string(),
                    "{}",
                    o.key
                );
                assert_eq!(
                    text(o, "state"),
                    e["state"]["code"].to_string(),
                    "{}",
                    o.key
                );
            }
            if let Some(FieldValue::Ref(author)) = o.fields.get("users_id") {
                assert_eq!(
                    author.key,
                    e["author"]["login"].as_str().unwrap(),
                    "{}",
                    o.key
                );
                checked_authors += 1;
            }
        }
        // Status and dates come after the timeline.
        let status = plan
            .objects
            .iter()
            .find(|o| o.key == ObjectKey::new(GlpiType::Ticket, format!("{key}#statut")))
            .unwrap();
        assert_eq!(text(status, "status"), t["status"]["code"].to_string());
        assert!(matches!(status.decision, Decision::Update { .. }));
        let dates_step = plan
            .objects
            .iter()
            .find(|o| o.key == ObjectKey::new(GlpiType::Ticket, format!("{key}#dates")));
        if t["status"]["code"] == 6 {
            // GLPI refuses any change of a closed ticket but its status, and stamps the
            // closing date: no dates step; the resolution date rides in the closing update,
            // the closing date is named instead.
            assert!(dates_step.is_none(), "{key}");
            assert!(!status.fields.contains_key("closedate"), "{key}");
            if let Some(solved) = t["dates"]["solvedate"].as_str() {
                assert_eq!(minute(&text(status, "solvedate")), minute(solved), "{key}");
            }
            closed += 1;
        } else if let Some(solved) = t["dates"]["solvedate"].as_str() {
            let dates = plan
                .objects
                .iter()
                .find(|o| o.key == ObjectKey::new(GlpiType::Ticket, format!("{key}#dates")))
                .unwrap();
            assert_eq!(minute(&text(dates, "solvedate")), minute(solved));
            assert!(dates.rank > status.rank && status.rank > ticket.rank);
        }
    }
    // The others are left empty (several names in one cell): the companion file gives them.
    assert_eq!(checked_authors, 79, "authors known, all right");
    // What GLPI cannot keep, per ticket.
    let date_mod = plan
        .not_carried
        .iter()
        .find(|n| n.code == "migrate.not_carried.ticket_date_mod")
        .unwrap();
    assert_eq!(date_mod.rows, 56);
    let closed_dates = plan
        .not_carried
        .iter()
        .find(|n| n.code == "migrate.not_carried.ticket_closed_dates")
        .unwrap();
    assert_eq!(closed_dates.rows, closed);
    // Every field sent is one GLPI keeps.
    for o in &plan.objects {
        for field in o.fields.keys() {
            assert_eq!(o.key.itemtype.check_field(field), Ok(()), "{}", o.key);
        }
    }
}

#[test]
fn linked_items_point_to_the_assets_of_the_files() {
    let plan = plan();
    let links = of(&plan, GlpiType::ItemTicket);
    let truth = timeline();
    let planned: Vec<String> = of(&plan, GlpiType::Ticket)
        .iter()
        .map(|o| o.key.key.clone())
        .collect();
    let expected: usize = tickets_of(&truth)
        .iter()
        .filter(|t| planned.contains(&format!("n°{}", t["id"])))
        .map(|t| t["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(links.len(), expected);
    for l in links {
        let name = l.key.key.rsplit('|').next().unwrap();
        let itemtype = match l.fields.get("itemtype") {
            Some(FieldValue::Text(t)) => t.clone(),
            other => panic!("{}: {other:?}", l.key),
        };
        let ticket: u64 = l.key.key[3..].split('|').next().unwrap().parse().unwrap();
        let t = tickets_of(&truth)
            .into_iter()
            .find(|t| t["id"] == ticket)
            .unwrap();
        assert!(
            t["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["itemtype"] == itemtype.as_str() && i["name"] == name),
            "{}",
            l.key
        );
        assert!(
            matches!(l.fields.get("items_id"), Some(FieldValue::Ref(_))),
            "{}: {:?} {:?}",
            l.key,
            l.fields,
            l.decision
        );
    }
}
