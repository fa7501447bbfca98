//! A real GLPI 10.0.11 for tests: the fidelity oracle that a double cannot be.
//!
//! Each test binary names its own [`Instance`] (port, database, installation directory), so
//! several run side by side; within an instance, a [`RealGlpi`] handle holds an OS file lock, so
//! tests that share it run one after the other whatever process they are in. The server is
//! brought up by `../shared/glpi-10.0.11/up.sh` (idempotent: it installs PHP and MariaDB when
//! missing and restarts MariaDB when it has stopped), and its database is read with
//! `mysql -uroot` through the local socket.
#![warn(missing_docs)]

pub mod coverage;
pub mod directory;
pub mod documents;
pub mod exports;
pub mod migration;
pub mod oracle;
pub mod page;
pub mod suite;
pub mod tickets;
pub mod two_glpis;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What can go wrong while bringing up or reading a real GLPI.
#[derive(Debug, thiserror::Error)]
pub enum RealGlpiError {
    /// `up.sh` failed.
    #[error("up.sh failed for instance {instance} (exit {status}); its log:\n{log}")]
    Up {
        /// Instance name.
        instance: String,
        /// Exit status.
        status: String,
        /// The end of its stderr.
        log: String,
    },
    /// `up.sh` did not print a key the harness needs.
    #[error("up.sh printed no {0}")]
    MissingKey(&'static str),
    /// A `mysql` call failed.
    #[error("mysql failed: {0}")]
    Mysql(String),
    /// An OS error (lock file, spawning a process).
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// A CSV file could not be read.
    #[error("{0}: {1}")]
    Csv(String, String),
    /// The end-to-end harness failed (a workspace binary not built…).
    #[error("{0}")]
    Harness(String),
    /// The proxy did not start.
    #[error("passerelle-proxy did not start: {0}")]
    Proxy(String),
    /// A GLPI API call made by the harness failed.
    #[error("GLPI API: {0}")]
    Api(String),
}

/// Result with [`RealGlpiError`].
pub type Result<T> = std::result::Result<T, RealGlpiError>;

/// A named GLPI installation: its own port, database and directory.
#[derive(Debug, Clone, Copy)]
pub struct Instance {
    /// Short name (`fidelity`), used in the database and directory names.
    pub name: &'static str,
    /// HTTP port of its `php -S` server.
    pub port: u16,
}

impl Instance {
    /// A named instance on `port`.
    pub const fn new(name: &'static str, port: u16) -> Instance {
        Instance { name, port }
    }

    /// Its database name.
    pub fn db_name(&self) -> String {
        format!("glpi_{}", self.name.replace('-', "_"))
    }

    /// Its installation directory.
    pub fn dir(&self) -> PathBuf {
        PathBuf::from(format!("/opt/glpi-10.0.11-{}", self.name))
    }
}

/// The shared folder beside the repository (`../shared`).
pub fn shared_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    // Chromium's file input takes canonical paths only (no `..`).
    dir.canonicalize().unwrap_or(dir)
}

/// The populated prefecture database the sample exports were made from.
pub fn prefecture_dump() -> PathBuf {
    shared_dir().join("glpi-10.0.11/prefecture-guyane.sql.xz")
}

/// A running real GLPI, held exclusively while this handle lives.
pub struct RealGlpi {
    /// The instance.
    pub instance: Instance,
    /// Legacy API root, `http://127.0.0.1:PORT/apirest.php`.
    pub api_url: String,
    /// App-Token of the "full access from localhost" API client.
    pub app_token: String,
    /// user_token of `glpi` (Super-Admin, root entity, recursive).
    pub user_token: String,
    _lock: fd_lock::RwLockWriteGuard<'static, File>,
}

impl RealGlpi {
    /// A freshly installed, empty GLPI (`up.sh --reset`, about 20 s).
    pub fn fresh(instance: Instance) -> Result<RealGlpi> {
        Self::up(instance, &["--reset"])
    }

    /// The GLPI holding exactly `dump` (`up.sh --reset --load DUMP`, about 25 s).
    pub fn loaded(instance: Instance, dump: &Path) -> Result<RealGlpi> {
        let dump = dump.to_string_lossy().into_owned();
        Self::up(instance, &["--reset", "--load", &dump])
    }

    fn up(instance: Instance, args: &[&str]) -> Result<RealGlpi> {
        let lock = lock_instance(&instance)?;
        let script = shared_dir().join("glpi-10.0.11/up.sh");
        let output = Command::new("bash")
            .arg(&script)
            .args(args)
            .env("GLPI_PORT", instance.port.to_string())
            .env("GLPI_DB_NAME", instance.db_name())
            .env("GLPI_DB_USER", instance.db_name())
            .env("GLPI_DIR", instance.dir())
            .output()
            .map_err(|e| RealGlpiError::Io(script.display().to_string(), e))?;
        if !output.status.success() {
            let log = String::from_utf8_lossy(&output.stderr);
            let tail: String = log
                .lines()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            return Err(RealGlpiError::Up {
                instance: instance.name.to_string(),
                status: output.status.to_string(),
                log: tail,
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let value = |key: &'static str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.trim().trim_matches('\'').trim_matches('"').to_string())
                .ok_or(RealGlpiError::MissingKey(key))
        };
        Ok(RealGlpi {
            instance,
            api_url: value("GLPI_API_URL")?,
            app_token: value("GLPI_APP_TOKEN")?,
            user_token: value("GLPI_USER_TOKEN")?,
            _lock: lock,
        })
    }

    /// Rows of a query on this instance's database (`NULL` as `None`), cells unescaped.
    pub fn query(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        query(&self.instance.db_name(), sql)
    }

    /// The single number a `SELECT COUNT(*) …` gives.
    pub fn count(&self, sql: &str) -> Result<u64> {
        let rows = self.query(sql)?;
        rows.first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| RealGlpiError::Mysql(format!("no count from {sql}")))
    }
}

/// Rows of a query on database `db` of the local MariaDB (as root, through the socket).
pub fn query(db: &str, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
    let output = Command::new("mysql")
        .args(["-uroot", "--batch", "--skip-column-names", db, "-e", sql])
        .output()
        .map_err(|e| RealGlpiError::Io("mysql".into(), e))?;
    if !output.status.success() {
        return Err(RealGlpiError::Mysql(format!(
            "{sql}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split('\t').map(unescape).collect())
        .collect())
}

/// `mysql --batch` writes NULL as `NULL` and escapes `\t`, `\n`, `\\` and `\0` in values.
fn unescape(cell: &str) -> Option<String> {
    if cell == "NULL" {
        return None;
    }
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

/// Holds `/tmp/real-glpi-NAME.lock` for the handle's life (leaked file: one per instance use).
fn lock_instance(instance: &Instance) -> Result<fd_lock::RwLockWriteGuard<'static, File>> {
    let path = std::env::temp_dir().join(format!("real-glpi-{}.lock", instance.name));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| RealGlpiError::Io(path.display().to_string(), e))?;
    let lock: &'static mut fd_lock::RwLock<File> = Box::leak(Box::new(fd_lock::RwLock::new(file)));
    lock.write()
        .map_err(|e| RealGlpiError::Io(path.display().to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn batch_cells_are_unescaped_and_null_is_none() {
        assert_eq!(unescape("NULL"), None);
        assert_eq!(unescape("a\\tb\\nc\\\\d").as_deref(), Some("a\tb\nc\\d"));
        assert_eq!(unescape("Cayenne > A").as_deref(), Some("Cayenne > A"));
    }
}
