//! The engine's runner through the native adapters against the sandbox: partial bulk failures
//! handled item by item, cancel then resume, and the journal file surviving a cut line.

use passerelle_engine::glpi::GlpiType;
use std::cell::Cell;
use std::time::Duration;

use glpi_sandbox::{SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::journal::{Event, Journal, Outcome};
use passerelle_engine::migrate::plan::{Plan, PlanOptions};
use passerelle_engine::migrate::run::{self, ControlState, RunOptions, Runner};
use passerelle_engine::read::ReadOptions;
use passerelle_native::{FileJournal, HttpTransport};

fn computers_csv(n: usize, entity: impl Fn(usize) -> &'static str) -> Vec<u8> {
    let mut s = String::from("\u{feff}\"Nom\";\"Entité\";\"Numéro de série\"\n");
    for i in 0..n {
        s.push_str(&format!("\"pc-{i}\";\"{}\";\"SN-{i}\"\n", entity(i)));
    }
    s.into_bytes()
}

async fn plan_for(client: &GlpiClient<'_>, bytes: Vec<u8>, options: &PlanOptions) -> Plan {
    let prepared = Prepared::from_files(&[("Computer.csv".into(), bytes)], &ReadOptions::default());
    let draft = prepared.draft();
    let target = run::read_target(client, &draft, 4)
        .await
        .expect("target read");
    draft.plan(&target, options)
}

fn temp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("passerelle-runner-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

/// A client of the sandbox's demo user, with no ceiling on calls.
fn demo_client(transport: &HttpTransport) -> GlpiClient<'_> {
    GlpiClient::new(
        transport,
        Credentials::UserToken {
            token: DEMO_USER_TOKEN.into(),
        },
        ClientOptions {
            max_calls_per_second: 0.0,
            ..ClientOptions::default()
        },
    )
}

/// Runs `test` on a fresh runtime's local task set, with a transport to a fresh sandbox.
fn against_sandbox<F, Fut>(test: F)
where
    F: FnOnce(HttpTransport) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sb = glpi_sandbox::spawn(SandboxConfig::default(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let transport = HttpTransport::new(
            &sb.api_url(),
            Some(DEMO_APP_TOKEN.into()),
            Duration::from_secs(10),
        );
        tokio::task::LocalSet::new()
            .run_until(test(transport))
            .await;
    });
}

#[test]
fn partial_bulk_failures_are_reported_item_by_item() {
    against_sandbox(|transport| async move {
        let client = demo_client(&transport);
        // Rows of the second source entity go to an entity that does not exist: GLPI
        // refuses them as a permission problem, inside a 207.
        let mut options = PlanOptions::default();
        options.entities.insert("Bad".into(), 987_654);
        let plan = plan_for(
            &client,
            computers_csv(6, |i| if i % 3 == 0 { "Bad" } else { "Root Entity" }),
            &options,
        )
        .await;
        let path = temp("partial.jsonl");
        let (sink, journal) = FileJournal::open(&path).unwrap();
        let runner = Runner::new(
            &client,
            journal,
            &sink,
            &ControlState::Running,
            RunOptions {
                api_url: "https://glpi.example/apirest.php".into(),
                ..RunOptions::default()
            },
            Box::new(|_| {}),
        );
        runner.run(&plan, "partial").await.unwrap();
        let j = runner.into_journal();
        let counts = &j.counts()[&GlpiType::Computer];
        assert_eq!(counts.get(&Outcome::Created), Some(&4));
        assert_eq!(counts.get(&Outcome::Failed), Some(&2));
        let failed: Vec<_> = j
            .records()
            .into_iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .collect();
        for f in &failed {
            assert_eq!(f.code().as_deref(), Some("ERROR_GLPI_PARTIAL_ADD"));
            // GLPI's own message, as GLPI wrote it, in either language.
            for lang in passerelle_engine::diagnostic::Lang::ALL {
                assert_eq!(
                    f.message(lang),
                    "You don't have permission to perform this action."
                );
            }
            let curl = f.curl.as_deref().unwrap();
            assert!(
                curl.starts_with("curl -X POST 'https://glpi.example/apirest.php/Computer'"),
                "{curl}"
            );
            assert!(curl.contains("987654"), "{curl}");
            assert!(!curl.contains(DEMO_USER_TOKEN) && !curl.contains(DEMO_APP_TOKEN));
            assert!(!curl.contains("Session-Token: ") || curl.contains("<SESSION_TOKEN>"));
        }
        // The file journal holds the same thing.
        let reread = Journal::from_json_lines(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(reread.counts(), j.counts());
    });
}

#[test]
fn cancel_stops_between_batches_and_a_resume_finishes_exactly_once() {
    against_sandbox(|transport| async move {
        let client = demo_client(&transport);
        let bytes = computers_csv(300, |_| "Root Entity");
        let plan = plan_for(&client, bytes.clone(), &PlanOptions::default()).await;
        let path = temp("cancel.jsonl");
        let (sink, journal) = FileJournal::open(&path).unwrap();
        let control = Cell::new(ControlState::Running);
        let options = RunOptions {
            batch_size: 20,
            max_batch_size: 20,
            in_flight: 1,
            ..RunOptions::default()
        };
        let runner = Runner::new(
            &client,
            journal,
            &sink,
            &control,
            options.clone(),
            Box::new(|p: &run::Progress| {
                let done: usize = p.types.iter().map(|(_, t)| t.done()).sum();
                if done >= 60 {
                    control.set(ControlState::Cancelled);
                }
            }),
        );
        runner.run(&plan, "cancel").await.unwrap();
        let j = runner.into_journal();
        assert!(j.finished());
        assert!(matches!(
            j.events.last(),
            Some(Event::Finished { cancelled: true })
        ));
        let created = j.counts()[&GlpiType::Computer][&Outcome::Created];
        assert!((60..300).contains(&created), "{created}");
        // Resume with the same journal: the rest is created, nothing twice.
        drop(sink);
        let (sink, journal) = FileJournal::open(&path).unwrap();
        let plan = plan_for(&client, bytes, &PlanOptions::default()).await;
        let runner = Runner::new(
            &client,
            journal,
            &sink,
            &ControlState::Running,
            options,
            Box::new(|_| {}),
        );
        runner.run(&plan, "cancel").await.unwrap();
        let j = runner.into_journal();
        assert_eq!(j.counts()[&GlpiType::Computer][&Outcome::Created], 300);
        let report = run::verify(&client, &plan, &j).await.unwrap();
        assert!(report.is_clean(), "{:?}", report.differences);
        assert_eq!(report.counts[&GlpiType::Computer], (300, 300, 300));
        let all = client.read_all(GlpiType::Computer).await.unwrap();
        assert_eq!(all.len(), 300);
    });
}

#[test]
fn a_journal_line_cut_by_a_crash_is_ignored_and_the_next_event_starts_clean() {
    let path = temp("cut.jsonl");
    std::fs::write(&path, "{\"event\":\"started\",\"run\":\"r\",\"objects\":1,\"resumed\":false}\n{\"event\":\"intent\",\"ba").unwrap();
    let (sink, journal) = FileJournal::open(&path).unwrap();
    assert!(journal.started());
    assert_eq!(journal.events.len(), 1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        use passerelle_engine::migrate::run::JournalSink;
        sink.append(&[Event::Finished { cancelled: false }])
            .await
            .unwrap();
    });
    let reread = Journal::from_json_lines(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(reread.events.len(), 2);
    assert!(reread.finished());
}
