//! The runner against the GLPI sandbox called in-process (its axum router as a tower service,
//! through `ServiceExt::oneshot`), on a virtual clock. The run is killed (its future dropped,
//! nothing more sent or journaled) before and after every request, at every journal write
//! (whole or torn), and the answer of every request is lost once; then it is resumed from what
//! the journal holds, and checked: every object exactly once, journaled as what really happened
//! (the outcomes of an uninterrupted run), and an undo after that resume gives the sandbox back
//! exactly as it was before the run (every table). Undo itself is killed at every request too.

mod support;

use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::rc::Rc;

use glpi_sandbox::SandboxConfig;
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::Method;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::journal::{Event, Journal, Outcome};
use passerelle_engine::migrate::model::ObjectKey;
use passerelle_engine::migrate::plan::{Plan, PlanOptions};
use passerelle_engine::migrate::run::{self, ControlState, RunOptions};
use passerelle_engine::migrate::session::{MigrationSession, Report, RunRequest, SessionError};
use passerelle_engine::read::ReadOptions;
use support::{settings, Cut, Dump, Sandbox, SandboxTransport, Sink};

/// A fresh sandbox holding what a used GLPI would: a site, a computer with another name
/// than the export's (an update), one identical to it (already there).
fn seeded() -> Sandbox {
    Sandbox::prepared(
        SandboxConfig::default(),
        "seed",
        json!({
            "Location": [{"name": "Site A", "completename": "Site A", "entities_id": 0, "is_recursive": 1}],
            "Computer": [
                {"name": "ancien-nom", "serial": "SN-PC-0", "entities_id": 0},
                {"name": "PC-1", "serial": "SN-PC-1", "entities_id": 0},
            ],
        }),
    )
}

/// Polls a future to its end; `None` once the test killed it (see `support::drive`).
fn drive<F: Future>(f: F, killed: &Cell<bool>) -> Option<F::Output> {
    support::drive(f, killed, 10_000)
}

fn files() -> Vec<(String, Vec<u8>)> {
    let loc = "\u{feff}\"Nom complet\";\"Entité\";\"Nom\";\"Père\"\r\n\
        \"Site A\";\"Root Entity\";\"Site A\";\"\"\r\n\
        \"Site A > Bât 1\";\"Root Entity\";\"Bât 1\";\"Site A\"\r\n\
        \"Site B\";\"Root Entity\";\"Site B\";\"\"\r\n\
        \"Site B > Bât 2\";\"Root Entity\";\"Bât 2\";\"Site B\"\r\n";
    let users = "\u{feff}\"Identifiant\";\"Nom de famille\";\"Prénom\";\"Courriels\";\"Lieu\"\r\n\
        \"agent.1\";\"Un\";\"Agent\";\"agent.1@guyane.gouv.fr\";\"Site A > Bât 1\"\r\n\
        \"agent.2\";\"Deux\";\"Agent\";\"agent.2@guyane.gouv.fr\";\"Site B\"\r\n";
    let mut pcs = String::from(
        "\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Fabricant\";\"Lieu\";\"Utilisateur\"\r\n",
    );
    pcs.push_str("\"PC-0\";\"Root Entity\";\"SN-PC-0\";\"\";\"\";\"\"\r\n");
    pcs.push_str("\"PC-1\";\"Root Entity\";\"SN-PC-1\";\"\";\"\";\"\"\r\n");
    for c in 2..7 {
        pcs.push_str(&format!(
            "\"PC-{c}\";\"Root Entity\";\"SN-PC-{c}\";\"Fab {}\";\"{}\";\"{}\"\r\n",
            c % 2,
            ["Site A > Bât 1", "Site B > Bât 2", "Site B"][c % 3],
            ["Un Agent", "Deux Agent"][c % 2],
        ));
    }
    let mut mons =
        String::from("\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Fabricant\";\"Lieu\"\r\n");
    for m in 0..4 {
        mons.push_str(&format!(
            "\"ECR-{m}\";\"Root Entity\";\"SN-ECR-{m}\";\"Fab {}\";\"Site A\"\r\n",
            m % 3
        ));
    }
    let links = "ordinateur;type;element\r\n\
        SN-PC-2;Moniteur;SN-ECR-0\r\n\
        SN-PC-3;Moniteur;SN-ECR-1\r\n\
        SN-PC-0;Moniteur;SN-ECR-2\r\n";
    [
        ("Location.csv", loc.to_string()),
        ("User.csv", users.to_string()),
        ("Computer.csv", pcs),
        ("Monitor.csv", mons),
        ("liaisons-materiels.csv", links.to_string()),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t.into_bytes()))
    .collect()
}

/// Small batches, two in flight: many boundaries, batches of one stage interleaved.
fn run_options() -> RunOptions {
    RunOptions {
        batch_size: 2,
        max_batch_size: 3,
        in_flight: 2,
        ..RunOptions::default()
    }
}

/// What one attempt left: its report if it ended, the journal as stored, the requests sent.
struct Attempt {
    report: Option<Result<Report, SessionError>>,
    events: Vec<Event>,
    requests: Vec<(Method, String)>,
    appends: usize,
    plan: Option<Plan>,
}

/// One `passerelle migrate --resume` over the sandbox: open, plan, run, close.
fn migrate(sb: &Sandbox, previous: Vec<Event>, cut: Cut) -> Attempt {
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(sb, cut, killed.clone());
    let sink = Sink::new(previous.clone(), cut.at_append, killed.clone());
    let plan_out = RefCell::new(None);
    let draft = Prepared::from_files(&files(), &ReadOptions::default()).draft();
    let report = drive(
        async {
            let mut session = MigrationSession::open(&transport, settings()).await?;
            let plan = session.plan(&draft, &PlanOptions::default(), 4).await?;
            *plan_out.borrow_mut() = Some(plan.clone());
            let report = session
                .run(
                    &plan,
                    RunRequest {
                        journal: Journal::from_events(previous),
                        sink: &sink,
                        control: &ControlState::Running,
                        options: run_options(),
                        run_id: "test".into(),
                        resume: true,
                        verify: false,
                        observer: Box::new(|_| {}),
                    },
                )
                .await;
            session.close().await;
            report
        },
        &killed,
    );
    Attempt {
        report,
        events: sink.stored.into_inner(),
        requests: transport.log.into_inner(),
        appends: sink.appends.get(),
        plan: plan_out.into_inner(),
    }
}

/// One `passerelle migrate --undo`.
fn undo(sb: &Sandbox, previous: Vec<Event>, cut: Cut) -> (bool, Vec<Event>, usize) {
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(sb, cut, killed.clone());
    let sink = Sink::new(previous.clone(), cut.at_append, killed.clone());
    let done = drive(
        async {
            let session = MigrationSession::open(&transport, settings()).await?;
            let out = session
                .undo(Journal::from_events(previous), &sink, run_options())
                .await;
            session.close().await;
            out
        },
        &killed,
    );
    if let Some(r) = &done {
        let (summary, _) = r.as_ref().expect("undo");
        assert_eq!(summary.failed, 0, "{summary:?}");
    }
    (
        done.is_some(),
        sink.stored.into_inner(),
        transport.sent.get(),
    )
}

/// What an uninterrupted run does: the outcome of each object, the tables' sizes after it.
struct Reference {
    outcomes: HashMap<ObjectKey, Outcome>,
    sizes: BTreeMap<String, usize>,
    requests: usize,
    appends: usize,
    before: Dump,
    log: Vec<(Method, String)>,
}

fn reference() -> Reference {
    let sb = seeded();
    let before = sb.dump();
    let a = migrate(&sb, Vec::new(), Cut::default());
    let report = a.report.expect("not killed").expect("run");
    let journal = report.journal;
    let outcomes = journal
        .records()
        .into_iter()
        .map(|r| (r.object.clone(), r.outcome))
        .collect();
    Reference {
        outcomes,
        sizes: sb.dump().into_iter().map(|(t, i)| (t, i.len())).collect(),
        requests: a.requests.len(),
        appends: a.appends,
        before,
        log: a.requests,
    }
}

/// Resumes until done (a kill-free attempt must end), then checks the run and its undo.
fn resume_and_check(sb: &Sandbox, reference: &Reference, events: Vec<Event>, case: &str) {
    let a = migrate(sb, events, Cut::default());
    let report = a
        .report
        .unwrap_or_else(|| panic!("{case}: the resume did not end"))
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    check_run(
        sb,
        reference,
        &report.journal,
        a.plan.as_ref().expect("plan"),
        case,
    );
    let (done, events, _) = undo(sb, a.events, Cut::default());
    assert!(done, "{case}: undo did not end");
    assert_same(&sb.before, &sb.dump(), case);
    // Undo again: nothing left to do, nothing changes.
    let (done, _, _) = undo(sb, events, Cut::default());
    assert!(done);
    assert_same(&sb.before, &sb.dump(), case);
}

fn check_run(sb: &Sandbox, reference: &Reference, journal: &Journal, plan: &Plan, case: &str) {
    assert!(journal.finished(), "{case}: not finished");
    let now = sb.dump();
    let sizes: BTreeMap<String, usize> = now.iter().map(|(t, i)| (t.clone(), i.len())).collect();
    assert_eq!(sizes, reference.sizes, "{case}: every object exactly once");
    // The other way round: every item the run added is journaled as created (else undo
    // would leave it), whether or not the plan still holds its object.
    for (table, items) in &now {
        let Ok(itemtype) = GlpiType::from_name(table) else {
            continue;
        };
        if !reference.outcomes.keys().any(|k| k.itemtype == itemtype) {
            continue;
        }
        for id in items.keys() {
            let existed = reference
                .before
                .get(table)
                .is_some_and(|t| t.contains_key(id));
            let journaled = journal.records().into_iter().any(|r| {
                r.object.itemtype == itemtype && r.id == Some(*id) && r.outcome == Outcome::Created
            });
            assert!(
                existed || journaled,
                "{case}: {table} #{id} was added but is not journaled as created"
            );
        }
    }
    for o in &plan.objects {
        let r = journal
            .record(&o.key)
            .unwrap_or_else(|| panic!("{case}: {} has no outcome", o.key));
        assert_eq!(
            Some(&r.outcome),
            reference.outcomes.get(&o.key),
            "{case}: {} journaled {:?} ({})",
            o.key,
            r.outcome,
            r.message(passerelle_engine::diagnostic::Lang::Fr)
        );
        let table = o.key.itemtype.name();
        let existed = |id: u64| {
            reference
                .before
                .get(table)
                .is_some_and(|t| t.contains_key(&id))
        };
        let exists = |id: u64| now.get(table).is_some_and(|t| t.contains_key(&id));
        match r.outcome {
            Outcome::Created => {
                let id = r.id.expect("created id");
                assert!(
                    exists(id) && !existed(id),
                    "{case}: {} created #{id}",
                    o.key
                );
            }
            Outcome::Updated | Outcome::Skipped => {
                let id = r.id.expect("id");
                // A later step (an asset's own values put back after its connection) updates
                // what its owner created in the same run.
                let created_by_owner = o.step_of().is_some_and(|owner| {
                    journal
                        .record(owner)
                        .is_some_and(|w| w.outcome == Outcome::Created && w.id == Some(id))
                });
                assert!(
                    existed(id) || created_by_owner,
                    "{case}: {} was there (#{id})",
                    o.key
                );
            }
            Outcome::Rejected | Outcome::Failed => {}
        }
    }
}

fn assert_same(before: &Dump, after: &Dump, case: &str) {
    for (t, items) in before.iter().chain(after.iter()) {
        let (b, a) = (before.get(t), after.get(t));
        let empty = BTreeMap::new();
        let (b, a) = (b.unwrap_or(&empty), a.unwrap_or(&empty));
        for (id, item) in b.iter().chain(a.iter()) {
            assert_eq!(
                b.get(id),
                a.get(id),
                "{case}: {t} #{id} differs after undo ({item:?})"
            );
        }
        let _ = items;
    }
}

#[test]
fn an_uninterrupted_run_creates_updates_and_skips_and_undo_restores_every_table() {
    let r = reference();
    let count = |o: Outcome| r.outcomes.values().filter(|x| **x == o).count();
    assert!(count(Outcome::Created) > 20, "{:?}", r.outcomes);
    assert!(count(Outcome::Updated) >= 1, "{:?}", r.outcomes);
    assert!(count(Outcome::Skipped) >= 2, "{:?}", r.outcomes);
    let relation = ObjectKey::new(GlpiType::ComputerItem, "");
    assert!(
        r.outcomes.keys().any(|k| k.itemtype == relation.itemtype),
        "the scenario has relations"
    );
    // Every kind of bulk request is among the kill points.
    for (m, p) in [
        (Method::Post, "/Location"),
        (Method::Post, "/Computer"),
        (Method::Put, "/Computer"),
        (Method::Post, "/Computer_Item"),
        (Method::Post, "/User"),
    ] {
        assert!(
            r.log.iter().any(|(lm, lp)| *lm == m && lp == p),
            "{m:?} {p} in {:?}",
            r.log
        );
    }
    let sb = seeded();
    resume_and_check(&sb, &r, Vec::new(), "uninterrupted");
}

#[test]
fn the_target_is_read_once_per_type_and_batches_span_the_groups_of_a_rank() {
    let sb = seeded();
    let a = migrate(&sb, Vec::new(), Cut::default());
    let report = a.report.unwrap().unwrap();
    let mut reads: BTreeMap<String, usize> = BTreeMap::new();
    let mut posts: BTreeMap<String, usize> = BTreeMap::new();
    for (m, p) in &a.requests {
        match m {
            Method::Get => *reads.entry(p.clone()).or_default() += 1,
            Method::Post => *posts.entry(p.clone()).or_default() += 1,
            _ => {}
        }
    }
    // Once per type; a type with update steps that GLPI's own changes call for (a connected
    // monitor's values put back) once more, at their stage, to see what GLPI changed. On GLPI
    // 11 an asset's groups are read item by item (`/Monitor/3`) with each read of its type:
    // at most as often, and never for items that did not exist yet.
    let plan_for_steps = a.plan.as_ref().unwrap();
    for (path, n) in &reads {
        let mut segments = path.trim_start_matches('/').split('/');
        let collection = segments.next().unwrap_or_default();
        let stepped = plan_for_steps
            .objects
            .iter()
            .any(|o| o.step_of().is_some() && o.key.itemtype.name() == collection);
        let expected = if stepped { 2 } else { 1 };
        if segments.next().is_some() {
            assert!(*n <= expected, "{path} read {n} times: {reads:?}");
        } else {
            assert_eq!(*n, expected, "{path} read {n} times: {reads:?}");
        }
    }
    assert!(
        reads.keys().any(|p| p.starts_with("/Monitor")),
        "the scenario connects monitors: {reads:?}"
    );
    // Manufacturers come from two files (computers and monitors): one rank, sent together.
    let plan = a.plan.unwrap();
    let makers = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::Manufacturer)
        .count();
    assert_eq!(makers, 3, "Fab 0, Fab 1, Fab 2");
    assert_eq!(
        posts.get("/Manufacturer"),
        Some(&1),
        "3 makers of two files, one batch"
    );
    assert!(report.all_done() || !report.counts.is_empty());
}

#[test]
fn the_dry_run_sends_what_the_run_sends() {
    let sb = seeded();
    let draft = Prepared::from_files(&files(), &ReadOptions::default()).draft();
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(&sb, Cut::default(), killed.clone());
    let plan = drive(
        async {
            let mut s = MigrationSession::open(&transport, settings())
                .await
                .unwrap();
            s.plan(&draft, &PlanOptions::default(), 4).await.unwrap()
        },
        &killed,
    )
    .unwrap();
    let preview = run::dry_run(&plan, &run_options());
    let a = migrate(&sb, Vec::new(), Cut::default());
    let sent: Vec<(Method, String)> = a
        .requests
        .into_iter()
        .filter(|(m, p)| *m != Method::Get && !p.starts_with("/changeActive"))
        .collect();
    let shown: Vec<(Method, String)> = preview
        .requests
        .iter()
        .map(|r| (r.method, r.path.clone()))
        .collect();
    assert_eq!(shown, sent);
    // Objects created by the run itself appear as placeholders.
    let text: String = preview
        .requests
        .iter()
        .map(|r| r.body.as_ref().map(Value::to_string).unwrap_or_default())
        .collect();
    assert!(text.contains("{{Location:Site B}}"), "{text}");
    assert_eq!(
        preview.journal.counts(),
        a.report.unwrap().unwrap().journal.counts()
    );
}

#[test]
fn an_interrupted_create_that_glpi_stored_differently_is_journaled_created_and_undone() {
    let r = reference();
    let sb = seeded();
    // Kill right after the first computer create was carried out.
    let probe = migrate(&seeded(), Vec::new(), Cut::default());
    let n = probe
        .requests
        .iter()
        .position(|(m, p)| *m == Method::Post && p == "/Computer")
        .expect("a computer create");
    let a = migrate(
        &sb,
        Vec::new(),
        Cut {
            after_request: Some(n),
            ..Cut::default()
        },
    );
    assert!(a.report.is_none(), "killed");
    // GLPI stored a value otherwise than sent: the fresh decision for those is an update.
    let dump = sb.dump();
    let created: Vec<u64> = dump["Computer"]
        .keys()
        .copied()
        .filter(|id| !r.before["Computer"].contains_key(id))
        .collect();
    assert!(!created.is_empty());
    let transport = SandboxTransport::new(&sb, Cut::default(), Rc::new(Cell::new(false)));
    let killed = Cell::new(false);
    drive(
        async {
            let s = MigrationSession::open(&transport, settings())
                .await
                .unwrap();
            let input: Vec<Value> = created
                .iter()
                .map(|id| json!({"id": id, "name": format!("renommé-{id}")}))
                .collect();
            s.client().update(GlpiType::Computer, input).await.unwrap();
            s.close().await;
        },
        &killed,
    )
    .unwrap();
    let b = migrate(&sb, a.events, Cut::default());
    let journal = b.report.unwrap().unwrap().journal;
    for id in &created {
        let rec = journal
            .records()
            .into_iter()
            .find(|x| x.id == Some(*id) && x.object.itemtype == GlpiType::Computer)
            .expect("journaled");
        assert_eq!(
            rec.outcome,
            Outcome::Created,
            "{}",
            rec.message(passerelle_engine::diagnostic::Lang::Fr)
        );
        // Its differences were sent: the name is the export's again.
        let name = sb.dump()["Computer"][id]["name"].clone();
        assert_eq!(
            name,
            json!(rec.object.key.replace("serial:SN-", "")),
            "{rec:?}"
        );
    }
    check_run(&sb, &r, &journal, b.plan.as_ref().unwrap(), "renamed");
    undo(&sb, b.events, Cut::default());
    assert_same(&sb.before, &sb.dump(), "renamed then undone");
}

#[test]
fn killed_before_or_after_any_request_then_resumed_exactly_once_and_undone() {
    let r = reference();
    for n in 0..r.requests {
        for (label, cut) in [
            (
                "killed before request",
                Cut {
                    before_request: Some(n),
                    ..Cut::default()
                },
            ),
            (
                "killed after request",
                Cut {
                    after_request: Some(n),
                    ..Cut::default()
                },
            ),
        ] {
            let sb = seeded();
            let a = migrate(&sb, Vec::new(), cut);
            let case = format!("{label} {n} ({:?})", a.requests.last());
            assert!(a.report.is_none(), "{case}: was not killed");
            resume_and_check(&sb, &r, a.events, &case);
        }
    }
}

#[test]
fn the_answer_of_any_request_lost_the_run_recovers_by_itself() {
    let r = reference();
    for n in 0..r.requests {
        let sb = seeded();
        let a = migrate(
            &sb,
            Vec::new(),
            Cut {
                lose_answer: Some(n),
                ..Cut::default()
            },
        );
        let case = format!("answer {n} lost ({:?})", a.requests.get(n));
        let report = a
            .report
            .unwrap_or_else(|| panic!("{case}: stalled"))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        check_run(&sb, &r, &report.journal, a.plan.as_ref().unwrap(), &case);
        let (done, _, _) = undo(&sb, a.events, Cut::default());
        assert!(done);
        assert_same(&sb.before, &sb.dump(), &case);
    }
}

#[test]
fn killed_at_any_journal_write_whole_or_torn_then_resumed_exactly_once_and_undone() {
    let r = reference();
    for n in 0..r.appends {
        for whole in [true, false] {
            let sb = seeded();
            let a = migrate(
                &sb,
                Vec::new(),
                Cut {
                    at_append: Some((n, whole)),
                    ..Cut::default()
                },
            );
            let case = format!("killed at journal write {n} (whole: {whole})");
            assert!(a.report.is_none(), "{case}: was not killed");
            resume_and_check(&sb, &r, a.events, &case);
        }
    }
}

#[test]
fn a_resume_killed_again_then_resumed_still_exactly_once() {
    let r = reference();
    // Every third request of the first attempt, then every fifth of the resume.
    for first in (0..r.requests).step_by(3) {
        let sb = seeded();
        let a = migrate(
            &sb,
            Vec::new(),
            Cut {
                after_request: Some(first),
                ..Cut::default()
            },
        );
        let b = migrate(
            &sb,
            a.events,
            Cut {
                after_request: Some(first % 5 + 8),
                ..Cut::default()
            },
        );
        let events = b.events;
        resume_and_check(&sb, &r, events, &format!("killed at {first}, then again"));
    }
}

#[test]
fn undo_killed_at_any_request_then_undone_again_restores_every_table() {
    let sb = seeded();
    let a = migrate(&sb, Vec::new(), Cut::default());
    let (_, _, undo_requests) = undo(&sb, a.events, Cut::default());
    for n in 0..undo_requests {
        for after in [false, true] {
            let sb = seeded();
            let a = migrate(&sb, Vec::new(), Cut::default());
            let cut = if after {
                Cut {
                    after_request: Some(n),
                    ..Cut::default()
                }
            } else {
                Cut {
                    before_request: Some(n),
                    ..Cut::default()
                }
            };
            let (done, events, _) = undo(&sb, a.events, cut);
            let case = format!("undo killed at request {n} (after: {after})");
            assert!(!done, "{case}: was not killed");
            let (done, _, _) = undo(&sb, events, Cut::default());
            assert!(done, "{case}");
            assert_same(&sb.before, &sb.dump(), &case);
        }
    }
}
