//! `passerelle directory`: an HR directory file (seed 004) carried out on the national GLPI's
//! users, on the migration engine (plan, dry-run, journal, resume, verify, undo), with the
//! directory's error file.
//!
//! A subcommand of its own rather than `passerelle migrate`: a directory file is not a GLPI
//! export (it needs the reference exports, the importer's service, the PROFIL/PRIV
//! correspondence table and writes an error file), and none of `migrate`'s export options
//! (entity maps, value choices, keys, corrections) applies to it.

use clap::Args;
use passerelle_engine::directory::apply::{
    plan_directory, DirectoryMapping, Hierarchy, LineAction, PlanInput,
};
use passerelle_engine::directory::target::{
    created_users, error_file_text, error_lines, is_trash, password_failures, password_from,
    passwords_file, read_directory_target, read_rights_rule, run_directory, set_passwords,
    verify_trashed, without_trash,
};
use passerelle_engine::directory::{validate, Importer, References};
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::ClientOptions;
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::run::{self, ControlState, RunOptions};
use passerelle_engine::migrate::session::{MigrationSession, RunRequest, SessionError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::target::{self, Target, USER_TOKEN_ENV};

#[derive(Args)]
pub struct DirectoryArgs {
    /// The directory file (TAB, ISO-8859-1, header MODE CLE PROFIL …).
    #[arg(required_unless_present_any = ["template", "undo"])]
    file: Option<PathBuf>,
    /// Folder of the reference exports (profils.tsv, privileges.tsv, services.tsv,
    /// annuaire-export.tsv).
    #[arg(long, required_unless_present_any = ["template", "undo"])]
    refs: Option<PathBuf>,
    /// The importer's level-1 service (SERV_NIV1): lines outside its hierarchy are rejected.
    #[arg(long, required_unless_present_any = ["template", "undo"])]
    service: Option<String>,
    /// The mapping and PROFIL/PRIV correspondence template (JSON; `--template mapping` prints
    /// the default one to edit).
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Where SERV_NIV1..4 go: `groups` (a tree of groups, membership in the deepest) or
    /// `entities` (a tree of entities under --entity, created when missing; the user's entity
    /// and authorization in the deepest). Overrides the template's `hierarchy`.
    #[arg(long, value_parser = ["groups", "entities"])]
    hierarchy: Option<String>,
    /// Print the default mapping template and exit.
    #[arg(long, value_parser = ["mapping"])]
    template: Option<String>,
    /// API root: the proxy's `http://HOST:8080/api` or GLPI's `…/apirest.php` (then the
    /// App-Token comes from PASSERELLE_GLPI_APP_TOKEN).
    #[arg(long, default_value = "http://127.0.0.1:8080/api")]
    api: String,
    /// Log in with this GLPI login (password in PASSERELLE_PASSWORD); otherwise the personal
    /// token in PASSERELLE_USER_TOKEN.
    #[arg(long)]
    login: Option<String>,
    /// Active profile id.
    #[arg(long)]
    profile: Option<u64>,
    /// The entity users, groups and authorizations go to (also the active entity).
    #[arg(long, default_value_t = 0)]
    entity: u64,
    /// Journal file (JSON lines).
    #[arg(long, default_value = "passerelle-annuaire.jsonl")]
    journal: PathBuf,
    /// The error file (line number, message); default: FILE.erreurs.txt beside the file.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Generate a password for each created user and write them to this file only (mode
    /// 0600); never to the journal, the output or a report.
    #[arg(long)]
    passwords: Option<PathBuf>,
    /// Show the plan and the number of requests; write nothing to GLPI.
    #[arg(long)]
    dry_run: bool,
    /// Continue an interrupted run.
    #[arg(long)]
    resume: bool,
    /// Undo the journal's runs: created users purged, modified ones restored field by field,
    /// users moved to the trash restored.
    #[arg(long, conflicts_with_all = ["dry_run", "resume", "verify"])]
    undo: bool,
    /// Read everything back after the run and compare.
    #[arg(long)]
    verify: bool,
    /// Write the journal as JSON.
    #[arg(long)]
    report_json: Option<PathBuf>,
    /// Ceiling of calls per second (0: none).
    #[arg(long, default_value_t = 20.0)]
    max_calls_per_second: f64,
    /// Timeout of one call, in seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("passerelle directory: {message}");
    ExitCode::from(2)
}

/// Runs `passerelle directory`.
pub fn directory(args: DirectoryArgs) -> ExitCode {
    if args.template.is_some() {
        print!("{}", DirectoryMapping::default().to_template());
        println!();
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    runtime.block_on(directory_async(args))
}

struct Loaded {
    name: String,
    bytes: Vec<u8>,
    refs: References,
    reference_export: Vec<u8>,
    mapping: DirectoryMapping,
    service: String,
    errors: PathBuf,
}

fn load(args: &DirectoryArgs) -> Result<Option<Loaded>, String> {
    let (Some(file), Some(dir), Some(service)) = (&args.file, &args.refs, &args.service) else {
        return Ok(None);
    };
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let refs = crate::load_references(dir)?;
    let export_path = dir.join("annuaire-export.tsv");
    let reference_export =
        std::fs::read(&export_path).map_err(|e| format!("{}: {e}", export_path.display()))?;
    let mapping = match &args.mapping {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            DirectoryMapping::from_template(&text, &refs).map_err(|e| e.to_string())?
        }
        None => {
            let m = DirectoryMapping::default();
            m.check(&refs).map_err(|e| e.to_string())?;
            m
        }
    };
    let mut mapping = mapping;
    match args.hierarchy.as_deref() {
        Some("entities") => mapping.hierarchy = Hierarchy::Entities,
        Some("groups") => mapping.hierarchy = Hierarchy::Groups,
        _ => {}
    }
    let errors = args.errors.clone().unwrap_or_else(|| {
        let mut p = file.clone().into_os_string();
        p.push(".erreurs.txt");
        PathBuf::from(p)
    });
    Ok(Some(Loaded {
        name: crate::display_name(file),
        bytes,
        refs,
        reference_export,
        mapping,
        service: service.clone(),
        errors,
    }))
}

fn credentials(args: &DirectoryArgs) -> Result<Credentials, String> {
    target::credentials(
        args.login.as_ref(),
        format!("jeton personnel attendu dans {USER_TOKEN_ENV}"),
    )
}

/// A generated password ([`password_from`]) from the system's random source.
fn generate_password() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        let _ = f.read_exact(&mut bytes);
    }
    password_from(&bytes)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(text.as_bytes())
}

async fn directory_async(args: DirectoryArgs) -> ExitCode {
    let loaded = match load(&args) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    // The check first: phase one failing stops everything before GLPI is even called.
    let checked = loaded.as_ref().map(|l| {
        validate(
            &l.name,
            &l.bytes,
            &l.refs,
            &Importer {
                serv_niv1: l.service.clone(),
            },
        )
    });
    if let (Some(l), Some(report)) = (&loaded, &checked) {
        if !report.phase_one_ok {
            let text = error_file_text(report, &error_lines(report, None, None, &[]));
            if let Err(e) = std::fs::write(&l.errors, &text) {
                return fail(format!("{}: {e}", l.errors.display()));
            }
            print!("{text}");
            println!("fichier erreur : {}", l.errors.display());
            return ExitCode::from(1);
        }
    }
    let credentials = match credentials(&args) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (transport, settings) = target::connect(Target {
        api: &args.api,
        timeout: args.timeout,
        credentials,
        client: ClientOptions {
            max_calls_per_second: args.max_calls_per_second,
            ..ClientOptions::default()
        },
        profile: args.profile,
        entity: args.entity,
    });
    let mut session = match MigrationSession::open(&transport, settings).await {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let code = work(&args, &mut session, loaded, checked).await;
    session.close().await;
    code
}

async fn work(
    args: &DirectoryArgs,
    session: &mut MigrationSession<'_>,
    loaded: Option<Loaded>,
    checked: Option<passerelle_engine::directory::DirectoryReport>,
) -> ExitCode {
    let (sink, journal) = match target::open_journal("directory", args.dry_run, &args.journal) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let run_options = RunOptions {
        api_url: args.api.clone(),
        ..RunOptions::default()
    };
    if args.undo {
        let Some(sink) = &sink else {
            return fail("--undo demande un journal");
        };
        return match session.undo(journal, sink, run_options).await {
            Ok((s, _)) => target::undone(&s),
            Err(e) => fail(e),
        };
    }
    let (Some(l), Some(report)) = (loaded, checked) else {
        return fail("fichier, --refs et --service attendus");
    };
    if !args.dry_run && journal.started() && !journal.finished() && !args.resume {
        return fail(format!(
            "{} : un import a été interrompu ; relancez avec --resume (rien ne sera créé deux fois)",
            args.journal.display()
        ));
    }
    let client = session.client();
    let target = match read_directory_target(client).await {
        Ok(t) => t,
        Err(e) => return fail(format!("lecture de la cible : {e}")),
    };
    let rights = match read_rights_rule(client).await {
        Ok(r) => r,
        Err(e) => return fail(format!("droits de la session : {e}")),
    };
    let importer = Importer {
        serv_niv1: l.service.clone(),
    };
    let dplan = plan_directory(
        &PlanInput {
            file: &l.name,
            bytes: &l.bytes,
            report: &report,
            refs: &l.refs,
            reference_export: &l.reference_export,
            importer: &importer,
            entity: args.entity,
            rights: &rights,
        },
        &target,
        &l.mapping,
    );
    println!("correspondance :");
    for (column, whither) in l.mapping.rows() {
        println!("  {column} → {whither}");
    }
    println!("lignes :");
    for (line, action) in &dplan.lines {
        let what = match action {
            LineAction::Create { login } => format!("création de {login}"),
            LineAction::AlreadyCreated { login } => format!("{login} déjà créé"),
            LineAction::Modify { login } => format!("modification de {login}"),
            LineAction::Trash { login } => format!("mise à la corbeille de {login}"),
            LineAction::AlreadyTrashed { login } => format!("{login} déjà dans la corbeille"),
            LineAction::Rejected => "rejetée".into(),
        };
        println!("  ligne {line} : {what}");
    }
    target::print_plan_counts(&dplan.plan);
    let write_errors = |journal: Option<&Journal>,
                        extra: &[passerelle_engine::directory::apply::LineMessage]|
     -> Result<bool, String> {
        let lines = error_lines(&report, Some(&dplan), journal, extra);
        let text = error_file_text(&report, &lines);
        std::fs::write(&l.errors, &text).map_err(|e| format!("{}: {e}", l.errors.display()))?;
        println!("fichier erreur : {}", l.errors.display());
        Ok(lines
            .iter()
            .any(|e| e.severity == passerelle_engine::diagnostic::Severity::Error))
    };
    if args.dry_run {
        let requests = run::dry_run(&dplan.plan, &run_options).requests;
        println!("requêtes qui seraient envoyées : {}", requests.len());
        return match write_errors(None, &[]) {
            Ok(true) => ExitCode::from(1),
            Ok(false) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        };
    }
    let Some(sink) = sink else {
        return fail("journal absent");
    };
    let request = RunRequest {
        journal,
        sink: &sink,
        control: &ControlState::Running,
        options: run_options,
        run_id: format!("annuaire-{}", std::process::id()),
        resume: true,
        verify: false,
        observer: Box::new(|_| {}),
    };
    let result = match run_directory(session, &dplan.plan, args.entity, request).await {
        Ok(r) => r,
        Err(SessionError::MissingRights(missing)) => return target::missing_rights(&missing),
        Err(e) => return fail(e),
    };
    let mut extra = Vec::new();
    if let Some(path) = &args.passwords {
        let users = created_users(&result.journal);
        let mut generate = generate_password;
        let set = set_passwords(session.client(), &users, &mut generate).await;
        let text = passwords_file(&set);
        extra.extend(password_failures(&set, &result.journal));
        if let Err(e) = write_private(path, &text) {
            return fail(format!("{}: {e}", path.display()));
        }
        println!("mots de passe : {}", path.display());
    }
    let mut code = ExitCode::SUCCESS;
    target::print_outcomes(&result.journal);
    if !result.all_done() {
        code = ExitCode::from(1);
    }
    if args.verify {
        // The engine's read-back of everything but the trashed users, then those one by one.
        let checked = without_trash(&dplan.plan);
        match session.verify(&checked, &result.journal).await {
            Ok(v) => {
                if !target::print_verify(&v) {
                    code = ExitCode::from(1);
                }
            }
            Err(e) => return fail(e),
        }
        match verify_trashed(session.client(), &dplan.plan, &result.journal).await {
            Ok(missing) => {
                println!(
                    "vérification corbeille : {} utilisateurs attendus, {} absents",
                    dplan.plan.objects.iter().filter(|o| is_trash(o)).count(),
                    missing.len()
                );
                for login in &missing {
                    println!("différence : {login} n'est pas dans la corbeille");
                }
                if !missing.is_empty() {
                    code = ExitCode::from(1);
                }
            }
            Err(e) => return fail(e),
        }
    }
    if let Some(p) = &args.report_json {
        if let Err(e) = std::fs::write(p, result.journal.to_json()) {
            return fail(format!("{}: {e}", p.display()));
        }
    }
    match write_errors(Some(&result.journal), &extra) {
        Ok(true) => ExitCode::from(1),
        Ok(false) => code,
        Err(e) => fail(e),
    }
}
