//! Two real GLPI 10.0.11 side by side, as the suites that read the local GLPI (issue 16) need
//! them: the source loaded with the prefecture's database, the target fresh with the
//! prefecture's entity, the real proxy in front of both (`/api` and the read-only
//! `/source-api`), and the real `passerelle migrate --from-api` between them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::migration::{
    cli_command, create_entity, run_cli_with_env, temp_dir, write_fingerprint, CliRun, RunningProxy,
};
use crate::oracle::{compare, Snapshot};
use crate::suite::ENTITY;
use crate::{prefecture_dump, Instance, RealGlpi, RealGlpiError, Result};

/// The prefecture's entity in the source (`Root Entity > Préfecture de Guyane`).
pub const SOURCE_ENTITY: u64 = 1;

/// The two GLPIs, the proxy in front of them and a directory for journals.
pub struct TwoGlpis {
    /// The local GLPI (the prefecture's database).
    pub source: RealGlpi,
    /// The national GLPI (fresh, with the prefecture's entity).
    pub target: RealGlpi,
    /// The prefecture's entity on the target.
    pub entity: u64,
    /// The entity the command's target session is opened on (`--entity`): the root (0) unless
    /// a suite says otherwise.
    pub session_entity: u64,
    /// A fresh directory for this scenario's journals and files.
    pub dir: PathBuf,
    /// The proxy, with both upstreams.
    pub proxy: RunningProxy,
}

impl TwoGlpis {
    /// Brings both GLPIs up (`label` names the scenario's directory) and starts the proxy.
    pub fn up(source: Instance, target: Instance, label: &str) -> Result<TwoGlpis> {
        TwoGlpis::serving(source, target, label, None)
    }

    /// [`TwoGlpis::up`], the proxy also serving the built page `dist`.
    pub fn serving(
        source: Instance,
        target: Instance,
        label: &str,
        dist: Option<&Path>,
    ) -> Result<TwoGlpis> {
        let started = std::time::Instant::now();
        let source = RealGlpi::loaded(source, &prefecture_dump())?;
        let target = RealGlpi::fresh(target)?;
        let entity = create_entity(&target, ENTITY)?;
        let dir = temp_dir(label)?;
        let proxy = RunningProxy::start_with_source(&target, Some(&source), dist)?;
        eprintln!("[{label}] two real GLPIs up in {:?}", started.elapsed());
        Ok(TwoGlpis {
            source,
            target,
            entity,
            session_entity: 0,
            dir,
            proxy,
        })
    }

    /// The source's database name.
    pub fn source_db(&self) -> String {
        self.source.instance.db_name()
    }

    /// The target's database name.
    pub fn target_db(&self) -> String {
        self.target.instance.db_name()
    }

    /// The arguments that name the local GLPI and its entity.
    pub fn source_args(&self) -> Vec<String> {
        vec![
            "--from-api".into(),
            self.proxy.source_api_url(),
            "--source-entity".into(),
            SOURCE_ENTITY.to_string(),
        ]
    }

    /// The target's side: its session's entity, the prefecture's entity mapped, the journal,
    /// then `extra`. Alone, they are what an undo needs (it reads nothing of the source).
    pub fn target_args(&self, journal: &Path, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = vec![
            "--entity".into(),
            self.session_entity.to_string(),
            "--map-entity".into(),
            format!("Root Entity > {ENTITY}={}", self.entity),
            "--journal".into(),
            journal.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    }

    /// Every argument of a migration from the local GLPI with `journal`, then `extra`.
    pub fn args(&self, journal: &Path, extra: &[&str]) -> Vec<String> {
        let mut v = self.source_args();
        v.extend(self.target_args(journal, extra));
        v
    }

    /// The environment that gives the command the local GLPI's token.
    fn env(&self) -> [(&str, &str); 1] {
        [(
            "PASSERELLE_SOURCE_USER_TOKEN",
            self.source.user_token.as_str(),
        )]
    }

    /// Runs `passerelle migrate ARGS` against the target through the proxy.
    pub fn run_args(&self, args: &[String]) -> Result<CliRun> {
        run_cli_with_env(
            &self.proxy.api_url(),
            &self.target.user_token,
            args,
            &self.env(),
        )
    }

    /// Runs a migration from the local GLPI with `journal` and `extra` arguments.
    pub fn run(&self, journal: &Path, extra: &[&str]) -> Result<CliRun> {
        self.run_args(&self.args(journal, extra))
    }

    /// The command of [`TwoGlpis::run`], not started: spawn it to kill it.
    pub fn command(&self, journal: &Path, extra: &[&str]) -> Result<Command> {
        cli_command(
            &self.proxy.api_url(),
            &self.target.user_token,
            &self.args(journal, extra),
            &self.env(),
        )
    }

    /// The target's write fingerprint, but `glpi_logs` (see [`without_logs`]).
    pub fn target_fingerprint(&self) -> Result<Vec<(String, String)>> {
        Ok(without_logs(write_fingerprint(&self.target_db())?))
    }

    /// Source against target, every kind and field the oracle reads, one line per difference
    /// (and a count per kind and field on stderr, for the whole picture at once).
    pub fn differences(&self) -> Result<Vec<String>> {
        let source = Snapshot::read(&self.source_db())?;
        let target = Snapshot::read(&self.target_db())?;
        let found = compare(&source, &target, &|_, _| true);
        let mut by_field: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
        for d in &found {
            *by_field.entry((&d.kind, &d.field)).or_default() += 1;
        }
        for ((kind, field), n) in by_field {
            eprintln!("[two GLPIs] difference {kind} {field}: {n}");
        }
        Ok(found.iter().map(ToString::to_string).collect())
    }
}

/// A write fingerprint without `glpi_logs`: GLPI stamps its history whatever a session does
/// (an undo's own history included), and the API cannot remove it.
pub fn without_logs(fingerprint: Vec<(String, String)>) -> Vec<(String, String)> {
    fingerprint
        .into_iter()
        .filter(|(t, _)| t != "glpi_logs")
        .collect()
}

/// The events of a journal (JSON lines), what could be parsed of them.
pub fn journal_events(journal: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A call to a GLPI's own API with curl (the source's documents are made this way:
/// [`crate::documents`]).
pub fn api_call(glpi: &RealGlpi, session: Option<&str>, args: &[&str]) -> Result<Value> {
    let mut c = Command::new("curl");
    c.args(["-sS", "-H", &format!("App-Token: {}", glpi.app_token)]);
    match session {
        Some(s) => c.args(["-H", &format!("Session-Token: {s}")]),
        None => c.args([
            "-H",
            &format!("Authorization: user_token {}", glpi.user_token),
        ]),
    };
    let out = c
        .args(args)
        .output()
        .map_err(|e| RealGlpiError::Io("curl".into(), e))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    serde_json::from_str(&text).map_err(|e| RealGlpiError::Api(format!("{e}: {text}")))
}
