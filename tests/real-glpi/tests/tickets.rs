//! The 60 sample tickets with their whole history migrated into a REAL GLPI 10.0.11 that is
//! noisy as a national GLPI is (notifications on, an active ticket rule on add and update, a
//! satisfaction survey on closed tickets): the fr-history ticket export, the other sample exports
//! and the companion timeline file (built from the source database, without the engine) go
//! through the real proxy and `passerelle migrate`. Then the target DATABASE is compared with
//! `timeline.json`, the ground truth read from the source database: every ticket and timeline
//! entry with its dates, authors, actors, linked items and privacy; nothing queued, no survey,
//! no rule applied; a second run with a new journal writes nothing; `--verify` is clean. A
//! control ticket posted at the end without the flags proves the noise is real.
//!
//! Instances `tickets-src` (8101) and `tickets` (8102): no other suite uses them.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

use real_glpi::migration::{
    create_entity, run_cli, samples_dir, temp_dir, write_fingerprint, CliRun, RunningProxy,
    SAMPLE_FILES,
};
use real_glpi::suite::{first_lines, Setup, ENTITY};
use real_glpi::tickets::{
    history_dir, make_noisy, read_tickets, run_survey_task, ticket_corrections, unsanitize,
    write_timeline, Api, DbTicket, Noise,
};
use real_glpi::{prefecture_dump, Instance, RealGlpi};
use serde_json::{json, Value};

const SOURCE: Instance = Instance::new("tickets-src", 8101);
const TARGET: Instance = Instance::new("tickets", 8102);

/// The tables a ticket migration writes, and what GLPI writes on its own around tickets.
const TICKET_TABLES: [&str; 11] = [
    "glpi_tickets",
    "glpi_tickets_users",
    "glpi_groups_tickets",
    "glpi_items_tickets",
    "glpi_itilfollowups",
    "glpi_tickettasks",
    "glpi_itilsolutions",
    "glpi_queuednotifications",
    "glpi_ticketsatisfactions",
    "glpi_itilcategories",
    "glpi_requesttypes",
];

struct Control {
    queued: u64,
    rule_observers: u64,
    urgency: String,
}

struct Outcome {
    timeline_rows: usize,
    noise: Noise,
    dry: CliRun,
    first: CliRun,
    second: CliRun,
    writes_of_second_run: Vec<String>,
    queued: u64,
    surveys: u64,
    survey_task: String,
    rule_observers: u64,
    tickets: BTreeMap<String, DbTicket>,
    control: Control,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    match OUTCOME.get_or_init(|| migrate().map_err(|e| e.to_string())) {
        Ok(o) => o,
        Err(e) => panic!("the migration could not be run: {e}"),
    }
}

fn fingerprint(glpi: &RealGlpi) -> real_glpi::Result<Vec<(String, String)>> {
    let mut out = write_fingerprint(&glpi.instance.db_name())?;
    for table in TICKET_TABLES {
        let has_date_mod = !glpi
            .query(&format!("SHOW COLUMNS FROM {table} LIKE 'date_mod'"))?
            .is_empty();
        let date_mod = if has_date_mod {
            "COALESCE(MAX(date_mod), '')"
        } else {
            "''"
        };
        let row = glpi.query(&format!(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), {date_mod} FROM {table}"
        ))?;
        let v = row
            .into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join(" / ");
        out.push((table.to_string(), v));
    }
    Ok(out)
}

fn migrate() -> real_glpi::Result<Outcome> {
    let started = Instant::now();
    let source = RealGlpi::loaded(SOURCE, &prefecture_dump())?;
    let target = RealGlpi::fresh(TARGET)?;
    let dir = temp_dir("tickets")?;
    let (timeline, timeline_rows) = write_timeline(&source, &dir)?;
    let entity = create_entity(&target, ENTITY)?;
    let noise = make_noisy(&target)?;
    eprintln!(
        "[tickets] two real GLPIs up, target noisy, in {:?}",
        started.elapsed()
    );
    let setup = Setup {
        source,
        target,
        dir,
        companions: Vec::new(),
        entity,
    };
    let export = history_dir().join("Ticket.csv");
    let mut corrections = setup.homonym_corrections()?;
    corrections.extend(ticket_corrections(&setup.source, &export)?);
    eprintln!("[tickets] the administrator's corrections: {corrections:?}");
    let files: Vec<String> = SAMPLE_FILES
        .iter()
        .map(|f| samples_dir().join(f))
        .chain([export, timeline])
        .map(|p| p.display().to_string())
        .collect();
    let args = |journal: &str, extra: &[&str]| {
        let mut v: Vec<String> = vec![
            "--entity".into(),
            "0".into(),
            "--map-entity".into(),
            format!("Root Entity > {ENTITY}={}", setup.entity),
            "--map-entity".into(),
            "Root Entity=0".into(),
            "--journal".into(),
            setup.dir.join(journal).display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        for c in &corrections {
            v.push("--correct".into());
            v.push(c.clone());
        }
        v.extend(files.iter().cloned());
        v
    };
    let proxy = RunningProxy::start(&setup.target, None)?;
    let token = &setup.target.user_token;
    let dry = run_cli(&proxy.api_url(), token, &args("dry.jsonl", &["--dry-run"]))?;
    eprintln!("[tickets] dry run: exit {}\n{}", dry.code, dry.stdout);
    let first = run_cli(&proxy.api_url(), token, &args("first.jsonl", &["--verify"]))?;
    eprintln!(
        "[tickets] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let before = fingerprint(&setup.target)?;
    let second = run_cli(
        &proxy.api_url(),
        token,
        &args("second.jsonl", &["--verify"]),
    )?;
    eprintln!(
        "[tickets] second run (new journal): exit {} in {:?}\n{}\n{}",
        second.code, second.elapsed, second.stdout, second.stderr
    );
    let after = fingerprint(&setup.target)?;
    let writes_of_second_run = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| format!("{}: {} → {}", b.0, b.1, a.1))
        .collect();
    // GLPI's survey task, as its cron would run it once the tickets are closed.
    let survey_task = run_survey_task(&setup.target)?;
    let target = &setup.target;
    let queued = target.count("SELECT COUNT(*) FROM glpi_queuednotifications")?;
    let surveys = target.count("SELECT COUNT(*) FROM glpi_ticketsatisfactions")?;
    let observers_sql = format!(
        "SELECT COUNT(*) FROM glpi_tickets_users tu JOIN glpi_users u ON u.id = tu.users_id \
         WHERE tu.type = 3 AND u.name = '{}'",
        noise.rule_observer
    );
    let rule_observers = target.count(&observers_sql)?;
    let tickets = read_tickets(target)?;
    // The control: one plain ticket, no flags, requested by a migrated user with an e-mail.
    let requester = target.count(
        "SELECT e.users_id FROM glpi_useremails e JOIN glpi_users u ON u.id = e.users_id \
         WHERE u.is_active = 1 ORDER BY e.id LIMIT 1",
    )?;
    let api = Api::open(target)?;
    let answer = api.call(
        "POST",
        "Ticket",
        Some(&json!({"input": {
            "name": "Contrôle : un ticket ordinaire",
            "content": "Sans drapeaux : la règle et les notifications s'appliquent.",
            "entities_id": setup.entity,
            "urgency": 2,
            "_users_id_requester": requester,
        }})),
    )?;
    drop(api);
    let control_id = answer["id"].as_u64().unwrap_or(0);
    let control = Control {
        queued: target.count("SELECT COUNT(*) FROM glpi_queuednotifications")? - queued,
        rule_observers: target.count(&observers_sql)? - rule_observers,
        urgency: target
            .query(&format!(
                "SELECT urgency FROM glpi_tickets WHERE id = {control_id}"
            ))?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .unwrap_or_default(),
    };
    eprintln!("[tickets] whole test body in {:?}", started.elapsed());
    Ok(Outcome {
        timeline_rows,
        noise,
        dry,
        first,
        second,
        writes_of_second_run,
        queued,
        surveys,
        survey_task,
        rule_observers,
        tickets,
        control,
    })
}

fn truth() -> Value {
    let path = history_dir().join("timeline.json");
    let text = std::fs::read_to_string(&path).expect("timeline.json");
    serde_json::from_str(&text).expect("timeline.json is JSON")
}

fn minute(date: &str) -> &str {
    date.get(..16).unwrap_or(date)
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    }
}

/// Every difference between one ticket of the truth and the target, one line each.
fn differences(t: &Value, got: &DbTicket) -> Vec<String> {
    let id = &t["id"];
    let mut out = Vec::new();
    let mut eq = |what: &str, expected: String, found: String| {
        if expected != found {
            out.push(format!(
                "ticket {id} {what}: expected {expected:?}, found {found:?}"
            ));
        }
    };
    let f = |k: &str| got.fields.get(k).cloned().unwrap_or_default();
    eq("type", s(&t["type"]["code"]), f("type"));
    eq("status", s(&t["status"]["code"]), f("status"));
    for k in ["urgency", "impact", "priority"] {
        eq(k, s(&t[k]), f(k));
    }
    eq("category", s(&t["category"]), f("category"));
    eq("location", s(&t["location"]), f("location"));
    eq(
        "request source",
        s(&t["request_source"]),
        f("request_source"),
    );
    eq("entity", s(&t["entity"]), f("entity"));
    eq("deleted", s(&t["is_deleted"]), f("is_deleted"));
    // A closed ticket's dates are named in the plan as not kept (see the dry-run test).
    if t["status"]["code"] != 6 {
        for k in ["solvedate", "closedate"] {
            eq(
                k,
                minute(&s(&t["dates"][k])).to_string(),
                minute(&f(k)).to_string(),
            );
        }
    }
    eq(
        "description",
        s(&t["content_text"]).trim().to_string(),
        unsanitize(&f("content")).trim().to_string(),
    );
    let mut actors: Vec<(String, String)> = Vec::new();
    for role in ["requester", "assigned", "observer"] {
        for u in t["actors"][role]["users"].as_array().into_iter().flatten() {
            actors.push((role.into(), s(&u["login"])));
        }
        for g in t["actors"][role]["groups"].as_array().into_iter().flatten() {
            actors.push((role.into(), format!("group:{}", s(g))));
        }
    }
    actors.sort();
    eq("actors", format!("{actors:?}"), format!("{:?}", got.actors));
    let mut items: Vec<(String, String)> = t["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| (s(&i["itemtype"]), s(&i["name"])))
        .collect();
    items.sort();
    eq(
        "linked items",
        format!("{items:?}"),
        format!("{:?}", got.items),
    );
    let entries = t["timeline"].as_array().cloned().unwrap_or_default();
    eq(
        "timeline length",
        entries.len().to_string(),
        got.timeline.len().to_string(),
    );
    for (n, (e, g)) in entries.iter().zip(&got.timeline).enumerate() {
        let kind = s(&e["kind"]);
        let mut check = |what: &str, expected: String, found: &str| {
            if expected != found {
                out.push(format!(
                    "ticket {id} entry {} ({kind}) {what}: expected {expected:?}, found {found:?}",
                    n + 1
                ));
            }
        };
        check("kind", kind.clone(), &g["kind"]);
        check("date", s(&e["date"]), &g["date"]);
        check("author", s(&e["author"]["login"]), &g["author"]);
        check(
            "content",
            unsanitize(&s(&e["content"])),
            &unsanitize(&g["content"]),
        );
        match kind.as_str() {
            "followup" => {
                check("private", s(&e["is_private"]), &g["is_private"]);
                check(
                    "request source",
                    s(&e["request_source"]),
                    &g["request_source"],
                );
            }
            "task" => {
                check("private", s(&e["is_private"]), &g["is_private"]);
                check("duration", s(&e["duration_s"]), &g["duration_s"]);
                check("technician", s(&e["technician"]["login"]), &g["technician"]);
                check("state", s(&e["state"]["code"]), &g["state"]);
                check("category", s(&e["category"]), &g["category"]);
            }
            _ => {
                check("status", s(&e["status"]["code"]), &g["state"]);
                check("solution type", s(&e["solution_type"]), &g["solution_type"]);
            }
        }
    }
    out
}

/// The suite itself is sound: both GLPIs came up, the timeline file carries the source's 156
/// entries, the commands ran.
#[test]
fn the_migration_ran_with_the_timeline_companion() {
    let o = outcome();
    assert_eq!(o.timeline_rows, 48 + 62 + 46, "timeline companion rows");
    assert_eq!(
        o.first.code, 0,
        "first run: {}\n{}",
        o.first.stdout, o.first.stderr
    );
}

/// Every ticket of timeline.json is on the target with its fields, dates, actors, linked items
/// and whole timeline (authors, dates to the second, privacy, durations, states).
#[test]
fn every_ticket_and_timeline_entry_is_in_the_target_database() {
    let o = outcome();
    let truth = truth();
    let tickets = truth["tickets"].as_array().expect("tickets");
    assert_eq!(tickets.len(), 60);
    let mut lines = Vec::new();
    for t in tickets {
        let key = format!("{}|{}", minute(&s(&t["dates"]["date"])), s(&t["name"]));
        match o.tickets.get(&key) {
            None => lines.push(format!("ticket {} missing ({key})", t["id"])),
            Some(got) => lines.extend(differences(t, got)),
        }
    }
    let migrated = o
        .tickets
        .values()
        .filter(|t| !t.fields["name"].starts_with("Contrôle"))
        .count();
    assert_eq!(migrated, 60, "tickets on the target");
    assert!(
        lines.is_empty(),
        "{} differences:\n{}",
        lines.len(),
        first_lines(&lines, 80)
    );
}

/// Nothing queued, no survey (even after GLPI's survey task), no rule applied — while the
/// control ticket, posted without the flags, gets all three noises that the target was set up
/// with (notifications queued, the rule's observer and urgency).
#[test]
fn no_notification_survey_or_rule_side_effect() {
    let o = outcome();
    assert_eq!(o.queued, 0, "glpi_queuednotifications rows");
    assert_eq!(
        o.surveys, 0,
        "glpi_ticketsatisfactions rows: {}",
        o.survey_task
    );
    assert_eq!(
        o.rule_observers, 0,
        "tickets given the observer of rule {}",
        o.noise.rule
    );
    assert!(o.control.queued > 0, "the control ticket queued nothing");
    assert_eq!(o.control.rule_observers, 1, "the rule did not run");
    assert_eq!(o.control.urgency, "5", "the rule did not set the urgency");
}

/// The same migration again, with a new journal: nothing written.
#[test]
fn a_second_run_with_a_new_journal_writes_nothing() {
    let o = outcome();
    assert!(
        o.writes_of_second_run.is_empty(),
        "the second run wrote (count / max id / max date_mod):\n{}\n{}",
        o.writes_of_second_run.join("\n"),
        o.second.stdout
    );
}

/// Both runs' `--verify` find every object, tickets and timelines included, in place.
#[test]
fn verify_exits_zero() {
    let o = outcome();
    assert_eq!(
        o.second.code, 0,
        "second run with --verify: {}\n{}",
        o.second.stdout, o.second.stderr
    );
}

/// The dry-run names, per ticket count, what GLPI cannot keep.
#[test]
fn the_dry_run_names_what_glpi_cannot_keep_per_ticket() {
    let o = outcome();
    assert_eq!(o.dry.code, 0, "{}\n{}", o.dry.stdout, o.dry.stderr);
    let closed = truth()["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter(|t| t["status"]["code"] == 6)
        .count();
    let line = |what: &str| {
        o.dry
            .stdout
            .lines()
            .find(|l| l.contains("non transféré") && l.contains(what))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("dernière modification").contains("(60 lignes)"),
        "{}",
        o.dry.stdout
    );
    assert!(
        line("tickets clos").contains(&format!("({closed} lignes)")),
        "{}",
        o.dry.stdout
    );
}
