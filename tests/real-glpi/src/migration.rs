//! Running a real migration against a real GLPI: the companion files built from the source
//! database, the workspace binaries located, the proxy started in front of the target, the
//! `passerelle migrate` command run, and a fingerprint of the target's writes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{query, RealGlpi, RealGlpiError, Result};

/// The ten non-ticket exports of `../shared/samples/glpi-10.0.11-export/fr`.
pub const SAMPLE_FILES: [&str; 10] = [
    "Location.csv",
    "Group.csv",
    "User.csv",
    "Computer.csv",
    "Monitor.csv",
    "Printer.csv",
    "Phone.csv",
    "Peripheral.csv",
    "NetworkEquipment.csv",
    "Software.csv",
];

/// Where the sample exports are.
pub fn samples_dir() -> PathBuf {
    crate::shared_dir().join("samples/glpi-10.0.11-export/fr")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built page: `PASSERELLE_DIST_DIR` if set, else the repository's `dist/`
/// (`bash scripts/build-page.sh`).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("PASSERELLE_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("dist"))
}

/// A fresh temporary directory under the system's temp dir.
pub fn temp_dir(label: &str) -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir =
        std::env::temp_dir().join(format!("real-glpi-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| RealGlpiError::Io(dir.display().to_string(), e))?;
    Ok(dir)
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| RealGlpiError::Io(path.display().to_string(), e))
}

/// An asset's natural key in SQL (serial, else name), as the companion files name it.
fn key(alias: &str) -> String {
    format!("COALESCE(NULLIF(TRIM({alias}.serial), ''), {alias}.name)")
}

/// Writes `liaisons-materiels.csv` (from `glpi_computers_items`) and `installations-logiciels.csv`
/// (from `glpi_items_softwareversions`) of the source database into `dir`; returns their paths
/// and line counts.
pub fn write_companions(source: &RealGlpi, dir: &Path) -> Result<Vec<(PathBuf, usize)>> {
    let mut connections = String::from("\u{feff}ordinateur;type;element\r\n");
    let french = [
        ("Monitor", "Moniteur", "glpi_monitors"),
        ("Printer", "Imprimante", "glpi_printers"),
        ("Phone", "Téléphone", "glpi_phones"),
        ("Peripheral", "Périphérique", "glpi_peripherals"),
    ];
    let mut n_connections = 0;
    for (itemtype, label, table) in french {
        let rows = source.query(&format!(
            "SELECT {}, {} FROM glpi_computers_items ci \
             JOIN glpi_computers c ON c.id = ci.computers_id \
             JOIN {table} x ON x.id = ci.items_id \
             WHERE ci.itemtype = '{itemtype}' AND ci.is_deleted = 0 ORDER BY ci.id",
            key("c"),
            key("x")
        ))?;
        for r in rows {
            let cell = |i: usize| csv_cell(r.get(i).cloned().flatten().unwrap_or_default());
            connections.push_str(&format!("{};{label};{}\r\n", cell(0), cell(1)));
            n_connections += 1;
        }
    }
    let mut installations = String::from("\u{feff}ordinateur;logiciel;version\r\n");
    let rows = source.query(&format!(
        "SELECT {}, s.name, v.name FROM glpi_items_softwareversions i \
         JOIN glpi_computers c ON i.itemtype = 'Computer' AND c.id = i.items_id \
         JOIN glpi_softwareversions v ON v.id = i.softwareversions_id \
         JOIN glpi_softwares s ON s.id = v.softwares_id WHERE i.is_deleted = 0 ORDER BY i.id",
        key("c")
    ))?;
    let n_installations = rows.len();
    for r in rows {
        let cell = |i: usize| csv_cell(r.get(i).cloned().flatten().unwrap_or_default());
        installations.push_str(&format!("{};{};{}\r\n", cell(0), cell(1), cell(2)));
    }
    let links = dir.join("liaisons-materiels.csv");
    let installs = dir.join("installations-logiciels.csv");
    write(&links, &connections)?;
    write(&installs, &installations)?;
    Ok(vec![(links, n_connections), (installs, n_installations)])
}

/// A CSV cell for a `;` file: GLPI's stored entities decoded, quoted when needed.
fn csv_cell(value: String) -> String {
    let v = crate::oracle::normalize(value);
    if v.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

pub use passerelle_e2e::binaries::{WorkspaceBin, CLI, PROXY};

/// Path of `bin`: its variable if set, else the test executable's own target profile directory
/// (`target/debug`, whatever `CARGO_TARGET_DIR` is), as `cargo build` leaves it. One lookup
/// with the end-to-end harness.
pub fn locate(bin: WorkspaceBin) -> Result<PathBuf> {
    passerelle_e2e::binaries::locate(bin).map_err(|e| RealGlpiError::Harness(e.to_string()))
}

/// A running `passerelle-proxy` in front of a real GLPI (killed on drop).
pub struct RunningProxy {
    child: Child,
    /// Its base address, `http://ADDR`.
    pub base_url: String,
}

impl RunningProxy {
    /// Starts the proxy on a free port in front of `glpi`, holding its App-Token, serving
    /// `static_dir` when given (the built page).
    pub fn start(glpi: &RealGlpi, static_dir: Option<&Path>) -> Result<RunningProxy> {
        RunningProxy::start_with_source(glpi, None, static_dir)
    }

    /// [`RunningProxy::start`], with the local GLPI `source` as its second, read-only upstream
    /// (`/source-api/*`) when given.
    pub fn start_with_source(
        glpi: &RealGlpi,
        source: Option<&RealGlpi>,
        static_dir: Option<&Path>,
    ) -> Result<RunningProxy> {
        let bin = locate(PROXY)?;
        let mut command = Command::new(&bin);
        command
            .env("PASSERELLE_LISTEN", "127.0.0.1:0")
            .env("PASSERELLE_GLPI_API_URL", &glpi.api_url)
            .env("PASSERELLE_GLPI_APP_TOKEN", &glpi.app_token)
            .env("PASSERELLE_GLPI_SANDBOX", "false")
            .env_remove("PASSERELLE_STATIC_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(d) = static_dir {
            command.env("PASSERELLE_STATIC_DIR", d);
        }
        command
            .env_remove("PASSERELLE_SOURCE_API_URL")
            .env_remove("PASSERELLE_SOURCE_APP_TOKEN");
        if let Some(s) = source {
            command
                .env("PASSERELLE_SOURCE_API_URL", &s.api_url)
                .env("PASSERELLE_SOURCE_APP_TOKEN", &s.app_token);
        }
        let mut child = command
            .spawn()
            .map_err(|e| RealGlpiError::Io(bin.display().to_string(), e))?;
        let stdout = child
            .stdout
            .take()
            .ok_or(RealGlpiError::MissingKey("proxy stdout"))?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep reading so the proxy never blocks on a full pipe.
            for _ in lines {}
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let Some(url) = line.strip_prefix("Passerelle proxy listening on ") else {
            let _ = child.kill();
            return Err(RealGlpiError::Proxy(format!(
                "no startup line, got {line:?}"
            )));
        };
        Ok(RunningProxy {
            base_url: url.trim().trim_end_matches('/').to_string(),
            child,
        })
    }

    /// The proxy's API root, as the command and the page use it.
    pub fn api_url(&self) -> String {
        format!("{}/api", self.base_url)
    }

    /// The proxy's root for the local GLPI (when started with a source).
    pub fn source_api_url(&self) -> String {
        format!("{}/source-api", self.base_url)
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one `passerelle migrate` run gave.
#[derive(Debug, Clone)]
pub struct CliRun {
    /// Exit code.
    pub code: i32,
    /// Standard output (the report).
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// How long it took.
    pub elapsed: Duration,
}

/// Runs `passerelle migrate --api API ARGS…` with the `glpi` user token.
pub fn run_cli(api: &str, user_token: &str, args: &[String]) -> Result<CliRun> {
    run_cli_with_env(api, user_token, args, &[])
}

/// The command `passerelle migrate --api API ARGS…` with the `glpi` user token and `env`
/// (the local GLPI's token…), not started: run it, or spawn it to kill it.
pub fn cli_command(
    api: &str,
    user_token: &str,
    args: &[String],
    env: &[(&str, &str)],
) -> Result<Command> {
    let bin = locate(CLI)?;
    let mut command = Command::new(&bin);
    command
        .arg("migrate")
        .arg("--api")
        .arg(api)
        .args(args)
        .env("PASSERELLE_USER_TOKEN", user_token)
        .env_remove("PASSERELLE_GLPI_APP_TOKEN")
        .env_remove("PASSERELLE_SOURCE_USER_TOKEN")
        .env_remove("PASSERELLE_SOURCE_APP_TOKEN");
    for (k, v) in env {
        command.env(k, v);
    }
    Ok(command)
}

/// [`run_cli`] with more environment variables.
pub fn run_cli_with_env(
    api: &str,
    user_token: &str,
    args: &[String],
    env: &[(&str, &str)],
) -> Result<CliRun> {
    let mut command = cli_command(api, user_token, args, env)?;
    let start = Instant::now();
    let out = command
        .output()
        .map_err(|e| RealGlpiError::Io("passerelle".into(), e))?;
    Ok(CliRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    })
}

/// Creates the entity `name` under the root entity of `glpi` through its API (as the national
/// GLPI has one entity per prefecture); returns its id.
pub fn create_entity(glpi: &RealGlpi, name: &str) -> Result<u64> {
    let curl = |args: &[&str]| -> Result<String> {
        let out = Command::new("curl")
            .args(["-sS", "-H", &format!("App-Token: {}", glpi.app_token)])
            .args(args)
            .output()
            .map_err(|e| RealGlpiError::Io("curl".into(), e))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let session = curl(&[
        "-H",
        &format!("Authorization: user_token {}", glpi.user_token),
        &format!("{}/initSession", glpi.api_url),
    ])?;
    let session: serde_json::Value = serde_json::from_str(&session)
        .map_err(|e| RealGlpiError::Api(format!("initSession: {e}: {session}")))?;
    let token = session["session_token"]
        .as_str()
        .ok_or_else(|| RealGlpiError::Api(format!("initSession: {session}")))?
        .to_string();
    let body = serde_json::json!({"input": {"name": name, "entities_id": 0}}).to_string();
    let answer = curl(&[
        "-H",
        &format!("Session-Token: {token}"),
        "-H",
        "Content-Type: application/json",
        "-X",
        "POST",
        "--data",
        &body,
        &format!("{}/Entity", glpi.api_url),
    ])?;
    let _ = curl(&[
        "-H",
        &format!("Session-Token: {token}"),
        &format!("{}/killSession", glpi.api_url),
    ]);
    let answer: serde_json::Value = serde_json::from_str(&answer)
        .map_err(|e| RealGlpiError::Api(format!("POST Entity: {e}: {answer}")))?;
    answer["id"]
        .as_u64()
        .ok_or_else(|| RealGlpiError::Api(format!("POST Entity: {answer}")))
}

/// Tables a migration writes to (its own objects and where GLPI keeps their relations).
pub const WRITTEN_TABLES: [&str; 43] = [
    "glpi_computers",
    "glpi_monitors",
    "glpi_printers",
    "glpi_networkequipments",
    "glpi_phones",
    "glpi_peripherals",
    "glpi_softwares",
    "glpi_softwareversions",
    "glpi_items_softwareversions",
    "glpi_computers_items",
    // A port, and what GLPI makes with it: its network name, addresses and metrics.
    "glpi_networkports",
    "glpi_networknames",
    "glpi_ipaddresses",
    "glpi_networkportmetrics",
    "glpi_items_operatingsystems",
    "glpi_infocoms",
    "glpi_users",
    "glpi_useremails",
    "glpi_groups",
    "glpi_groups_users",
    "glpi_profiles_users",
    "glpi_locations",
    "glpi_states",
    "glpi_manufacturers",
    "glpi_suppliers",
    "glpi_suppliertypes",
    // Contracts, what they cover and who supplies them; suppliers on tickets.
    "glpi_contracts",
    "glpi_contracttypes",
    "glpi_contracts_items",
    "glpi_contracts_suppliers",
    "glpi_suppliers_tickets",
    "glpi_operatingsystems",
    "glpi_operatingsystemversions",
    "glpi_usertitles",
    "glpi_usercategories",
    "glpi_softwarecategories",
    "glpi_computermodels",
    "glpi_computertypes",
    "glpi_monitormodels",
    "glpi_monitortypes",
    "glpi_printermodels",
    "glpi_printertypes",
    "glpi_logs",
];

/// A fingerprint of everything a write changes: per table, row count, highest id and latest
/// `date_mod` (when the table has one); plus the number of history rows (`glpi_logs`).
pub fn write_fingerprint(db: &str) -> Result<Vec<(String, String)>> {
    tables_fingerprint(db, &WRITTEN_TABLES)
}

/// Per table of `tables`: row count, highest id and latest `date_mod` (when it has one).
pub fn tables_fingerprint(db: &str, tables: &[&str]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for table in tables {
        let has_date_mod =
            !query(db, &format!("SHOW COLUMNS FROM {table} LIKE 'date_mod'"))?.is_empty();
        let date_mod = if has_date_mod {
            "COALESCE(MAX(date_mod), '')"
        } else {
            "''"
        };
        let rows = query(
            db,
            &format!("SELECT COUNT(*), COALESCE(MAX(id), 0), {date_mod} FROM {table}"),
        )?;
        let row = rows.into_iter().next().unwrap_or_default();
        let v = row
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join(" / ");
        out.push((table.to_string(), v));
    }
    Ok(out)
}

/// What changed between two fingerprints (see [`write_fingerprint`]), one line a table:
/// `table: before → after`.
pub fn fingerprint_changes(before: &[(String, String)], after: &[(String, String)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| format!("{}: {} → {}", b.0, b.1, a.1))
        .collect()
}

/// The same migration run again with a new journal wrote nothing: `writes` (its
/// [`fingerprint_changes`]) is empty, else the panic names them with the run's report.
#[track_caller]
pub fn assert_second_run_wrote_nothing(writes: &[String], second: &CliRun) {
    assert!(
        writes.is_empty(),
        "the second run wrote (count / max id / max date_mod):\n{}\n{}",
        writes.join("\n"),
        second.stdout
    );
}

/// The second run's `--verify` found everything in place: exit 0.
#[track_caller]
pub fn assert_second_run_verified(second: &CliRun) {
    assert_eq!(
        second.code, 0,
        "second run with --verify: {}\n{}",
        second.stdout, second.stderr
    );
}

/// The undo of a run exited 0, GLPI refused none of its purges, and the target is as fresh:
/// `left` is what its write fingerprint still differs by.
pub fn assert_undone_to_fresh(undo: &CliRun, left: &[String]) {
    assert_eq!(undo.code, 0, "undo: {}\n{}", undo.stdout, undo.stderr);
    assert!(
        undo.stdout.contains(" 0 échecs"),
        "refused:\n{}",
        undo.stdout
    );
    assert!(left.is_empty(), "after the undo:\n{}", left.join("\n"));
}
