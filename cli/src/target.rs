//! What `passerelle migrate` and `passerelle directory` share to reach the target GLPI and
//! report on it: credentials from the environment, the transport and session settings, the
//! journal file, and the printing of an undo, of missing rights, of the outcomes and of a
//! verification.

use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::ClientOptions;
use passerelle_engine::migrate::journal::{Journal, Outcome};
use passerelle_engine::migrate::plan::Plan;
use passerelle_engine::migrate::run::{MissingRight, UndoSummary, VerifyReport};
use passerelle_engine::migrate::session::SessionSettings;
use passerelle_native::{FileJournal, HttpTransport};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Secrets come from the environment, never from the command line (visible in `ps`).
pub const USER_TOKEN_ENV: &str = "PASSERELLE_USER_TOKEN";
pub const PASSWORD_ENV: &str = "PASSERELLE_PASSWORD";
pub const APP_TOKEN_ENV: &str = "PASSERELLE_GLPI_APP_TOKEN";
/// Exit code when the journal is held by another running migration (one writer per journal).
pub const JOURNAL_IN_USE_EXIT: u8 = 4;

/// The credentials: `login` with the password in PASSERELLE_PASSWORD, otherwise the personal
/// token in PASSERELLE_USER_TOKEN (`no_token` is the message when it is missing).
pub fn credentials(login: Option<&String>, no_token: String) -> Result<Credentials, String> {
    match login {
        Some(login) => std::env::var(PASSWORD_ENV)
            .map(|password| Credentials::Password {
                login: login.clone(),
                password,
            })
            .map_err(|_| format!("--login demande le mot de passe dans {PASSWORD_ENV}")),
        None => std::env::var(USER_TOKEN_ENV)
            .map(|token| Credentials::UserToken { token })
            .map_err(|_| no_token),
    }
}

/// Where and as whom the session is opened.
pub struct Target<'a> {
    /// API root: the proxy's or GLPI's `…/apirest.php` (then the App-Token comes from
    /// PASSERELLE_GLPI_APP_TOKEN).
    pub api: &'a str,
    /// Timeout of one call, in seconds.
    pub timeout: u64,
    pub credentials: Credentials,
    pub client: ClientOptions,
    pub profile: Option<u64>,
    pub entity: u64,
}

/// The transport to the target and the session's settings (recursive on the entity).
pub fn connect(target: Target<'_>) -> (HttpTransport, SessionSettings) {
    let app_token = if target.api.contains("apirest.php") {
        std::env::var(APP_TOKEN_ENV).ok()
    } else {
        None
    };
    let transport = HttpTransport::new(target.api, app_token, Duration::from_secs(target.timeout));
    let settings = SessionSettings {
        credentials: target.credentials,
        client: target.client,
        profile: target.profile,
        entity: Some(target.entity),
        recursive: true,
    };
    (transport, settings)
}

/// The journal file and what it holds; none on a dry run. `Err` is the exit code once said
/// why (as `passerelle {command}: …`): another process holds it (JOURNAL_IN_USE_EXIT) or it
/// cannot be opened (2).
pub fn open_journal(
    command: &str,
    dry_run: bool,
    path: &Path,
) -> Result<(Option<FileJournal>, Journal), ExitCode> {
    if dry_run {
        return Ok((None, Journal::default()));
    }
    match FileJournal::open(path) {
        Ok((s, j)) => Ok((Some(s), j)),
        // Another process holds the journal: its own exit code (see `passerelle migrate --help`).
        Err(e @ passerelle_native::JournalFileError::InUse { .. }) => {
            eprintln!("passerelle {command}: {e}");
            Err(ExitCode::from(JOURNAL_IN_USE_EXIT))
        }
        Err(e) => {
            eprintln!("passerelle {command}: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Prints what an undo did; 1 when some of it failed.
pub fn undone(s: &UndoSummary) -> ExitCode {
    println!(
        "annulation : {} supprimés, {} rétablis, {} échecs",
        s.removed, s.restored, s.failed
    );
    if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the rights the session lacks (nothing was written): exit code 3.
pub fn missing_rights(missing: &[MissingRight]) -> ExitCode {
    for m in missing {
        eprintln!(
            "droit manquant pour {} (droit « {} ») : {}",
            m.itemtype,
            m.right,
            m.needed.join(", ")
        );
    }
    eprintln!("rien n'a été écrit");
    ExitCode::from(3)
}

/// Prints the journal's outcomes by type; true when some object failed or was rejected.
pub fn print_outcomes(journal: &Journal) -> bool {
    let mut failed = false;
    for (itemtype, outcomes) in journal.counts() {
        let parts: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|o| outcomes.get(o).map(|n| format!("{n} {}", o.label_fr())))
            .collect();
        println!("{itemtype}: {}", parts.join(", "));
        failed |=
            outcomes.contains_key(&Outcome::Failed) || outcomes.contains_key(&Outcome::Rejected);
    }
    failed
}

/// Prints a verification (counts by type, the first 50 differences); true when clean.
pub fn print_verify(report: &VerifyReport) -> bool {
    for (t, (expected, found, same)) in &report.counts {
        println!("vérification {t}: {expected} attendus, {found} trouvés, {same} identiques");
    }
    for d in report.differences.iter().take(50) {
        println!(
            "différence {} (id {}) {} : attendu « {} », lu « {} »",
            d.object, d.id, d.field, d.expected, d.actual
        );
    }
    report.is_clean()
}

/// Prints the plan's counts by type, after `plan :`.
pub fn print_plan_counts(plan: &Plan) {
    println!("plan :");
    for c in plan.counts() {
        let parts: Vec<String> = c
            .counts
            .iter()
            .map(|(k, n)| format!("{n} {}", k.label_fr()))
            .collect();
        println!("  {}: {}", c.itemtype, parts.join(", "));
    }
}
