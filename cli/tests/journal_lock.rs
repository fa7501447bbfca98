//! One writer per journal: a second `passerelle migrate` on a journal that a running migration
//! holds is refused at once (exit code 4, the journal named), writes nothing, and the first run
//! ends exactly as a lone run does; a killed holder frees the journal for `--resume`.

mod common;
use common::{samples, SAMPLE_FILES};
use glpi_sandbox::{Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The exit code `passerelle migrate --help` documents for a journal in use.
const JOURNAL_IN_USE: i32 = 4;

fn tempdir() -> PathBuf {
    let p = std::env::temp_dir().join(format!(
        "passerelle-journal-lock-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&p).unwrap();
    p
}

async fn sandbox(faults: Faults) -> glpi_sandbox::RunningSandbox {
    glpi_sandbox::spawn(
        SandboxConfig {
            faults,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("sandbox starts")
}

/// Rows per type in `/sandbox/dump`.
async fn counts(sb: &glpi_sandbox::RunningSandbox) -> BTreeMap<String, usize> {
    let dump: Value = reqwest::get(format!("{}/dump", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    dump.as_object()
        .unwrap()
        .iter()
        .map(|(t, items)| (t.clone(), items.as_array().map(Vec::len).unwrap_or(0)))
        .collect()
}

fn command(
    sb: &glpi_sandbox::RunningSandbox,
    journal: &Path,
    extra: &[&str],
) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
    c.arg("migrate")
        .arg("--api")
        .arg(sb.api_url())
        .args(["--max-calls-per-second", "0", "--backoff-ms", "5"])
        .arg("--journal")
        .arg(journal)
        .args(extra)
        .args(SAMPLE_FILES.iter().map(|f| samples().join(f)))
        .env("PASSERELLE_GLPI_APP_TOKEN", DEMO_APP_TOKEN)
        .env("PASSERELLE_USER_TOKEN", DEMO_USER_TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

fn intents(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|t| {
            t.lines()
                .filter(|l| l.contains("\"event\":\"intent\""))
                .count()
        })
        .unwrap_or(0)
}

/// Waits until the running `child` has journaled `n` batch intents (it holds the journal then).
async fn wait_for_intents(child: &mut tokio::process::Child, journal: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while intents(journal) < n {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the first run ended ({status}) before its {n}th batch intent");
        }
        assert!(Instant::now() < deadline, "the first run made no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Slow enough that the first run is still writing while the second is started.
fn slow() -> Faults {
    Faults {
        latency_ms: 25,
        ..Faults::realistic()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_a_journal_in_use_is_refused_and_nothing_is_created_twice() {
    // What one lone run leaves, on a sandbox of its own.
    let alone = sandbox(Faults::default()).await;
    let dir = tempdir();
    let out = command(&alone, &dir.join("alone.jsonl"), &[])
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the lone run (the homonym monitor row rejected)"
    );
    let expected = counts(&alone).await;
    assert_eq!(expected["Computer"], 120);

    let sb = sandbox(slow()).await;
    let journal = dir.join("shared.jsonl");
    let mut first = command(&sb, &journal, &[]).spawn().unwrap();
    wait_for_intents(&mut first, &journal, 2).await;
    let lines_before = std::fs::read_to_string(&journal).unwrap().lines().count();
    let second = command(&sb, &journal, &["--resume"])
        .output()
        .await
        .unwrap();
    let still_running = first.try_wait().unwrap().is_none();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(
        second.status.code(),
        Some(JOURNAL_IN_USE),
        "second process: {stderr}\n{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert!(
        still_running,
        "the second process was not refused while the first was running"
    );
    assert!(
        stderr.contains(&journal.display().to_string()) && stderr.contains("déjà utilisé"),
        "the refusal names the journal: {stderr}"
    );
    // It wrote nothing to the journal (the first run may have written more meanwhile, never a
    // second "started").
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.lines().count() >= lines_before);
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"event\":\"started\""))
            .count(),
        1,
        "one run in the journal"
    );

    let first = first.wait_with_output().await.unwrap();
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}\n{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("Computer: 120 créé"), "{stdout}");
    assert_eq!(counts(&sb).await, expected, "every type exactly once");

    // The holder is gone: the journal is free again, and a resume finds nothing left to do.
    let again = command(&sb, &journal, &["--resume"])
        .output()
        .await
        .unwrap();
    assert_ne!(
        again.status.code(),
        Some(JOURNAL_IN_USE),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(counts(&sb).await, expected, "the resume created nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_holder_frees_the_journal_for_resume() {
    let sb = sandbox(slow()).await;
    let dir = tempdir();
    let journal = dir.join("killed.jsonl");
    let mut first = command(&sb, &journal, &[]).spawn().unwrap();
    wait_for_intents(&mut first, &journal, 3).await;
    // SIGKILL: no destructor runs, the system releases the lock.
    first.kill().await.unwrap();
    let resumed = command(&sb, &journal, &["--resume"])
        .output()
        .await
        .unwrap();
    assert_eq!(
        resumed.status.code(),
        Some(1),
        "{}\n{}",
        String::from_utf8_lossy(&resumed.stdout),
        String::from_utf8_lossy(&resumed.stderr)
    );
    let c = counts(&sb).await;
    assert_eq!(c["Computer"], 120, "{}", json!(c));
}
