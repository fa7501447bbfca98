//! What the fidelity tests share: the two real GLPIs (the source loaded with the prefecture
//! dump, a fresh target with the prefecture's entity), the companion files, and the oracle with
//! its report.

use std::path::PathBuf;

use crate::exports::{check_export, markdown, read_export, Carried, FileReport};
use crate::migration::{
    create_entity, repo_root, samples_dir, temp_dir, write_companions, SAMPLE_FILES,
};
use crate::oracle::{compare, Difference, Snapshot};
use crate::{prefecture_dump, Instance, RealGlpi, RealGlpiError, Result};

/// The source GLPI's instance (the prefecture dump).
pub const SOURCE: Instance = Instance::new("source", 8092);
/// The target GLPI's instance (fresh).
pub const TARGET: Instance = Instance::new("fidelity", 8091);
/// The exports' entity, created on the target under its root entity.
pub const ENTITY: &str = "Préfecture de Guyane";

/// Both GLPIs up, the companion files written.
pub struct Setup {
    /// The source GLPI.
    pub source: RealGlpi,
    /// The target GLPI.
    pub target: RealGlpi,
    /// The temporary directory (companion files, journals).
    pub dir: PathBuf,
    /// The companion files and their line counts.
    pub companions: Vec<(PathBuf, usize)>,
    /// The target's id of [`ENTITY`].
    pub entity: u64,
}

impl Setup {
    /// Brings up both GLPIs and writes the companion files from the source.
    pub fn new(label: &str) -> Result<Setup> {
        let source = RealGlpi::loaded(SOURCE, &prefecture_dump())?;
        let target = RealGlpi::fresh(TARGET)?;
        let dir = temp_dir(label)?;
        let companions = write_companions(&source, &dir)?;
        // The national GLPI has one entity per prefecture: the exports' entity goes there.
        let entity = create_entity(&target, ENTITY)?;
        Ok(Setup {
            source,
            target,
            dir,
            companions,
            entity,
        })
    }

    /// The ten sample exports and the two companion files.
    pub fn files(&self) -> Vec<PathBuf> {
        SAMPLE_FILES
            .iter()
            .map(|f| samples_dir().join(f))
            .chain(self.companions.iter().map(|(p, _)| p.clone()))
            .collect()
    }

    /// The corrections an administrator makes after the check: a row whose user is a homonym
    /// ("Joseph Céline": two users) and that nothing else on the row tells apart gets the login
    /// of the user the source database links it to, as `--correct FILE:LINE:Utilisateur=LOGIN`.
    pub fn homonym_corrections(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for (file, table) in [
            ("Computer.csv", "glpi_computers"),
            ("Monitor.csv", "glpi_monitors"),
            ("Printer.csv", "glpi_printers"),
            ("Phone.csv", "glpi_phones"),
            ("Peripheral.csv", "glpi_peripherals"),
        ] {
            let path = samples_dir().join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| RealGlpiError::Io(path.display().to_string(), e))?;
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(b';')
                .flexible(true)
                .from_reader(text.strip_prefix('\u{feff}').unwrap_or(&text).as_bytes());
            let headers = reader
                .headers()
                .map_err(|e| RealGlpiError::Csv(file.into(), e.to_string()))?
                .clone();
            let column = |name: &str| headers.iter().position(|h| h == name);
            let (Some(user), Some(serial), contact) = (
                column("Utilisateur"),
                column("Numéro de série"),
                column("Usager"),
            ) else {
                continue;
            };
            for record in reader.records() {
                let record = record.map_err(|e| RealGlpiError::Csv(file.into(), e.to_string()))?;
                let name = record.get(user).unwrap_or("").trim().replace('\'', "''");
                if name.is_empty() {
                    continue;
                }
                let logins = self.source.query(&format!(
                    "SELECT name FROM glpi_users WHERE CONCAT(realname, ' ', firstname) = '{name}'"
                ))?;
                let told = contact
                    .and_then(|c| record.get(c))
                    .is_some_and(|c| logins.iter().any(|l| l[0].as_deref() == Some(c.trim())));
                if logins.len() < 2 || told {
                    continue;
                }
                let serial = record.get(serial).unwrap_or("").trim().replace('\'', "''");
                let login = self.source.query(&format!(
                    "SELECT u.name FROM {table} x JOIN glpi_users u ON u.id = x.users_id \
                     WHERE x.serial = '{serial}'"
                ))?;
                if let Some(Some(login)) = login.first().and_then(|r| r.first()) {
                    let line = record.position().map_or(0, |p| p.line());
                    out.push(format!("{file}:{line}:Utilisateur={login}"));
                }
            }
        }
        Ok(out)
    }

    /// Runs the oracle on the two databases now; writes the report to `target/REPORT_NAME`.
    pub fn oracle(&self, report_name: &str, runs: &str) -> Result<Oracle> {
        let source = Snapshot::read(&self.source.instance.db_name())?;
        let target = Snapshot::read(&self.target.instance.db_name())?;
        let mut exports = Vec::new();
        for f in SAMPLE_FILES {
            exports.push(read_export(&samples_dir().join(f))?);
        }
        let carried = Carried::of(&exports);
        let db_differences = compare(&source, &target, &|k, f| carried.compares(k, f));
        let files: Vec<FileReport> = exports.iter().map(|e| check_export(e, &target)).collect();
        let mut report = markdown(&files, &db_differences);
        report.push_str(runs);
        let dir = repo_root().join("target");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(report_name);
        std::fs::write(&path, &report)
            .map_err(|e| RealGlpiError::Io(path.display().to_string(), e))?;
        Ok(Oracle {
            source,
            target,
            db_differences,
            files,
            report,
            path,
        })
    }
}

/// What the oracle found.
pub struct Oracle {
    /// The source database, read.
    pub source: Snapshot,
    /// The target database, read.
    pub target: Snapshot,
    /// Database against database.
    pub db_differences: Vec<Difference>,
    /// Export cells against the target database.
    pub files: Vec<FileReport>,
    /// The Markdown report.
    pub report: String,
    /// Where it was written.
    pub path: PathBuf,
}

impl Oracle {
    /// Every difference, database and cells, one line each.
    pub fn db_lines(&self) -> Vec<String> {
        self.db_differences
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Every cell difference and missing row, one line each.
    pub fn cell_lines(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| {
                f.missing_rows
                    .iter()
                    .map(move |m| format!("{}: {m}", f.file))
                    .chain(f.columns.iter().flat_map(move |c| {
                        c.differences
                            .iter()
                            .map(move |d| format!("{} / {}: {d}", f.file, c.header))
                    }))
            })
            .collect()
    }

    /// Columns of the exports the oracle has no destination for.
    pub fn unknown_columns(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| {
                f.columns
                    .iter()
                    .filter(|c| c.place.starts_with("NO SPEC"))
                    .map(move |c| format!("{} / {}", f.file, c.header))
            })
            .collect()
    }

    /// The sanity checks that do not depend on the engine: the oracle read the whole source.
    pub fn assert_source_read_in_full(&self) {
        for (kind, n) in [
            ("Computer", 120),
            ("Monitor", 40),
            ("Printer", 15),
            ("NetworkEquipment", 10),
            ("Phone", 10),
            ("Peripheral", 10),
            ("Software", 8),
            ("SoftwareVersion", 15),
            ("Installation", 559),
            ("Connection", 41),
            ("Authorization", 44),
            ("UserEmail", 42),
            ("GroupMembership", 13),
            ("Location", 8),
            ("Group", 3),
        ] {
            assert_eq!(self.source.count(kind), n, "{kind} read from the source");
        }
        assert!(
            self.unknown_columns().is_empty(),
            "columns without a destination: {:?}",
            self.unknown_columns()
        );
        assert_eq!(self.files.len(), SAMPLE_FILES.len());
    }
}

/// The first `n` lines, and how many more.
pub fn first_lines(all: &[String], n: usize) -> String {
    let mut shown = all.iter().take(n).cloned().collect::<Vec<_>>().join("\n");
    if all.len() > n {
        shown.push_str(&format!("\n… and {} more", all.len() - n));
    }
    shown
}

/// A suite's scenario, run once per test binary however many tests read its outcome; a
/// scenario that failed fails every test with its reason.
pub fn once<T: Send + Sync>(
    cell: &'static std::sync::OnceLock<std::result::Result<T, String>>,
    scenario: impl FnOnce() -> crate::Result<T>,
) -> &'static T {
    match cell.get_or_init(|| scenario().map_err(|e| e.to_string())) {
        Ok(o) => o,
        Err(e) => panic!("the scenario could not be run: {e}"),
    }
}
