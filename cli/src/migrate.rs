//! `passerelle migrate`: the same plan, journal and resume as the page, for scripted runs.

use clap::Args;
use passerelle_engine::check::{CheckInput, Correction, FileOverrides};
use passerelle_engine::diagnostic::Lang;
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::map::MappingTemplate;
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::ClientOptions;
use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::plan::{Plan, PlanOptions, ValueChoice};
use passerelle_engine::migrate::run::{self, ControlState, RunOptions};
use passerelle_engine::migrate::session::{MigrationSession, RunRequest, SessionError};
use passerelle_engine::read::ReadOptions;
use passerelle_native::HttpTransport;
use std::path::PathBuf;
use std::process::ExitCode;

use passerelle_engine::migrate::client::GlpiClient;
use passerelle_engine::migrate::source::{
    kept::{read_log, KeptLog},
    read_source_keeping, Census, SourceOptions, SourceRead,
};

use crate::target::{self, Target, PASSWORD_ENV, USER_TOKEN_ENV};

/// The local GLPI's secrets, from the environment like the target's.
const SOURCE_USER_TOKEN_ENV: &str = "PASSERELLE_SOURCE_USER_TOKEN";
const SOURCE_PASSWORD_ENV: &str = "PASSERELLE_SOURCE_PASSWORD";
const SOURCE_APP_TOKEN_ENV: &str = "PASSERELLE_SOURCE_APP_TOKEN";

#[derive(Args)]
pub struct MigrateArgs {
    /// Checked exports and companion files to migrate together.
    #[arg(required_unless_present_any = ["template", "undo", "from_api"])]
    files: Vec<PathBuf>,
    /// Read the prefecture's local GLPI instead of files: the proxy's `http://HOST:8080/source-api`
    /// or the local GLPI's `…/apirest.php` (then its App-Token comes from
    /// PASSERELLE_SOURCE_APP_TOKEN). Credentials: PASSERELLE_SOURCE_USER_TOKEN, or
    /// --source-login with PASSERELLE_SOURCE_PASSWORD. What was read is kept beside the journal
    /// (`JOURNAL.source.jsonl`, appended as it goes), so an interrupted read or run resumes from it.
    #[arg(long = "from-api", value_name = "URL")]
    from_api: Option<String>,
    /// With --from-api: log in to the local GLPI with this login (password in
    /// PASSERELLE_SOURCE_PASSWORD).
    #[arg(long = "source-login", requires = "from_api")]
    source_login: Option<String>,
    /// With --from-api: the local GLPI's entity to read, with its sub-entities (default: the
    /// session's active entity).
    #[arg(long = "source-entity", requires = "from_api")]
    source_entity: Option<u64>,
    /// API root: the proxy's `http://HOST:8080/api` (App-Token added by the proxy) or GLPI's
    /// `…/apirest.php` (then the App-Token comes from PASSERELLE_GLPI_APP_TOKEN).
    #[arg(long, default_value = "http://127.0.0.1:8080/api")]
    api: String,
    /// Log in with this GLPI login; the password comes from PASSERELLE_PASSWORD. Without it, the
    /// personal API token comes from PASSERELLE_USER_TOKEN.
    #[arg(long)]
    login: Option<String>,
    /// Active profile id.
    #[arg(long)]
    profile: Option<u64>,
    /// Target entity id for rows whose source entity is not mapped (also the active entity).
    #[arg(long, default_value_t = 0)]
    entity: u64,
    /// Map a source entity to a target entity: `"Root Entity > Préfecture=3"` (repeatable).
    #[arg(long = "map-entity", value_parser = parse_pair)]
    map_entity: Vec<(String, String)>,
    /// Choice for a value missing on the target: `"Location|Cayenne > X=create"`, `=empty` or
    /// `=ID` (repeatable).
    #[arg(long = "value", value_parser = parse_pair)]
    values: Vec<(String, String)>,
    /// Reconciliation key of a type, alternatives in order, fields joined by `+`:
    /// `"Computer=otherserial,serial"` or `"Monitor=name+serial"` (repeatable; defaults: serial
    /// then name for assets, login for users, complete name for trees, name otherwise).
    #[arg(long = "key", value_parser = parse_pair)]
    keys: Vec<(String, String)>,
    /// A saved mapping (JSON, as the page downloads it or `passerelle check --save-template`
    /// writes it): a file with the same header is recognised and mapped by it (repeatable).
    #[arg(long = "mapping-template")]
    mapping_templates: Vec<PathBuf>,
    /// Never create missing dropdown values (they are left empty unless mapped).
    #[arg(long)]
    no_create_dropdowns: bool,
    /// Never replace a non-empty value on the target.
    #[arg(long)]
    never_overwrite: bool,
    /// Journal file (JSON lines): created, or continued by --resume.
    #[arg(long, default_value = "passerelle-journal.jsonl")]
    journal: PathBuf,
    /// Show the plan and the requests that would be sent; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: print every request body.
    #[arg(long)]
    show_requests: bool,
    /// Continue an interrupted run from its journal.
    #[arg(long)]
    resume: bool,
    /// Remove what the journal's runs created and restore what they updated.
    #[arg(long, conflicts_with_all = ["dry_run", "resume", "verify"])]
    undo: bool,
    /// After the run (or alone, from the journal): read everything back and compare.
    #[arg(long)]
    verify: bool,
    /// Write the report (one line per source line) as CSV.
    #[arg(long)]
    report_csv: Option<PathBuf>,
    /// Write the whole journal as JSON.
    #[arg(long)]
    report_json: Option<PathBuf>,
    /// First batch size (adapted to response times afterwards).
    #[arg(long, default_value_t = 50)]
    batch_size: usize,
    /// Largest batch size.
    #[arg(long, default_value_t = 400)]
    max_batch_size: usize,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 4)]
    in_flight: usize,
    /// Ceiling of calls per second (0: none; the calls in flight already bound the load).
    #[arg(long, default_value_t = 0.0)]
    max_calls_per_second: f64,
    /// First retry delay in milliseconds.
    #[arg(long, default_value_t = 250)]
    backoff_ms: u64,
    /// Timeout of one call, in seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Correct a cell before the migration, as in the page's check: `"FILE:LINE:COLUMN=VALUE"`,
    /// COLUMN a header or a 1-based number (repeatable), e.g. to name which of two homonyms a
    /// row means: `"Monitor.csv:15:Utilisateur=celine.joseph"`.
    #[arg(long = "correct", value_parser = parse_correction)]
    corrections: Vec<CellCorrection>,
    /// Print the template of a companion file (connections, installations, network-ports,
    /// suppliers, contracts, contract-links, ticket-suppliers or timeline) and exit.
    #[arg(long, value_parser = ["connections", "installations", "network-ports", "suppliers", "contracts", "contract-links", "ticket-suppliers", "timeline"])]
    template: Option<String>,
}

/// A `--correct` argument.
#[derive(Debug, Clone)]
pub struct CellCorrection {
    file: String,
    line: u64,
    column: String,
    value: String,
}

fn parse_correction(s: &str) -> Result<CellCorrection, String> {
    let bad = || format!("« {s} » : attendu FICHIER:LIGNE:COLONNE=VALEUR");
    let (place, value) = s.split_once('=').ok_or_else(bad)?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next().ok_or_else(bad)?.trim().to_string();
    let line = parts
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(bad)?;
    let file = parts.next().ok_or_else(bad)?.trim().to_string();
    Ok(CellCorrection {
        file,
        line,
        column,
        value: value.to_string(),
    })
}

/// The corrections of one file (matched by name or path), columns resolved against its header.
fn corrections_for(
    name: &str,
    bytes: &[u8],
    corrections: &[CellCorrection],
) -> Result<Vec<Correction>, String> {
    let mine: Vec<&CellCorrection> = corrections
        .iter()
        .filter(|c| {
            c.file == name
                || std::path::Path::new(name)
                    .file_name()
                    .is_some_and(|f| f.to_string_lossy() == c.file)
        })
        .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let headers = passerelle_engine::read::read_bytes(name, bytes, &ReadOptions::default())
        .map_err(|e| format!("{name} : {e}"))?
        .headers;
    mine.into_iter()
        .map(|c| {
            let column = match c.column.parse::<usize>() {
                Ok(n) if n >= 1 && n <= headers.len() => n - 1,
                _ => headers
                    .iter()
                    .position(|h| h.trim() == c.column)
                    .ok_or_else(|| {
                        format!("--correct : {} n'a pas de colonne « {} »", c.file, c.column)
                    })?,
            };
            Ok(Correction {
                line: c.line,
                column,
                value: c.value.clone(),
            })
        })
        .collect()
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.rsplit_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .ok_or_else(|| format!("« {s} » : attendu CLÉ=VALEUR"))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("passerelle migrate: {message}");
    ExitCode::from(2)
}

pub fn migrate(args: MigrateArgs) -> ExitCode {
    if let Some(t) = &args.template {
        let kind = match t.as_str() {
            "connections" => CompanionKind::Connections,
            "installations" => CompanionKind::Installations,
            "network-ports" => CompanionKind::NetworkPorts,
            "suppliers" => CompanionKind::Suppliers,
            "contracts" => CompanionKind::Contracts,
            "contract-links" => CompanionKind::ContractLinks,
            "ticket-suppliers" => CompanionKind::TicketSuppliers,
            _ => CompanionKind::Timeline,
        };
        print!("{}", kind.template());
        eprintln!("{}", kind.help_fr());
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    runtime.block_on(migrate_async(args))
}

fn credentials(args: &MigrateArgs) -> Result<Credentials, String> {
    target::credentials(
        args.login.as_ref(),
        format!("jeton personnel attendu dans {USER_TOKEN_ENV} (ou --login avec {PASSWORD_ENV})"),
    )
}

/// The local GLPI's credentials: `--source-login` with PASSERELLE_SOURCE_PASSWORD, otherwise
/// the token in PASSERELLE_SOURCE_USER_TOKEN.
fn source_credentials(args: &MigrateArgs) -> Result<Credentials, String> {
    match &args.source_login {
        Some(login) => std::env::var(SOURCE_PASSWORD_ENV)
            .map(|password| Credentials::Password {
                login: login.clone(),
                password,
            })
            .map_err(|_| format!("--source-login demande le mot de passe dans {SOURCE_PASSWORD_ENV}")),
        None => std::env::var(SOURCE_USER_TOKEN_ENV)
            .map(|token| Credentials::UserToken { token })
            .map_err(|_| {
                format!(
                    "GLPI local : jeton personnel attendu dans {SOURCE_USER_TOKEN_ENV} (ou --source-login avec {SOURCE_PASSWORD_ENV})"
                )
            }),
    }
}

/// Where what was read of the local GLPI is kept: beside the journal.
fn source_read_path(journal: &std::path::Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".source.jsonl");
    PathBuf::from(name)
}

/// The local GLPI's transport: the App-Token is given here only when it is called directly
/// (`…/apirest.php`), the proxy's `/source-api` adds its own.
fn source_transport(args: &MigrateArgs, url: &str) -> HttpTransport {
    let app_token = if url.contains("apirest.php") {
        std::env::var(SOURCE_APP_TOKEN_ENV).ok()
    } else {
        None
    };
    HttpTransport::new(url, app_token, std::time::Duration::from_secs(args.timeout))
}

/// Reads the local GLPI (continuing what the journal's side file holds when it is unfinished,
/// or when a run is resumed or only verified), keeps what was read beside the journal, and
/// prints the progress on stderr.
async fn read_local_glpi(args: &MigrateArgs, url: &str) -> Result<SourceRead, String> {
    let credentials = source_credentials(args)?;
    if passerelle_native::has_userinfo(url) {
        return Err(format!(
            "--from-api ne doit porter ni identifiant ni mot de passe (https://nom:secret@…) ; \
             donnez un jeton dans {SOURCE_USER_TOKEN_ENV}, ou --source-login et le mot de passe \
             dans {SOURCE_PASSWORD_ENV}"
        ));
    }
    let path = source_read_path(&args.journal);
    let mut read: SourceRead = match std::fs::read(&path) {
        Ok(bytes) if !args.dry_run => {
            let text = String::from_utf8_lossy(&bytes);
            let (read, whole) = read_log(&text)
                .ok_or_else(|| format!("{} : illisible / unreadable", path.display()))?;
            // A torn last line (killed while appending) goes before anything is appended.
            if whole < bytes.len() {
                truncate(&path, whole)?;
            }
            read
        }
        _ => SourceRead::default(),
    };
    if read.is_complete() && !args.resume && !args.verify {
        // A new run reads the local GLPI as it is now, kept from an empty file.
        read = SourceRead::default();
        truncate(&path, 0)?;
    }
    if read.is_complete() {
        eprintln!(
            "GLPI local : lecture reprise de {} / read taken from it",
            path.display()
        );
        return Ok(read);
    }
    let transport = source_transport(args, url);
    let client = GlpiClient::new(
        &transport,
        credentials,
        ClientOptions {
            backoff_ms: args.backoff_ms,
            ..ClientOptions::default()
        },
    );
    let options = SourceOptions {
        entity: args.source_entity,
        ..SourceOptions::default()
    };
    let started = std::time::Instant::now();
    let dry_run = args.dry_run;
    // Kept as it goes (each collection, and every 2 s within one): a process killed during the
    // read continues from there. Only what is new is appended (see `kept`).
    let mut log = KeptLog::holding(&read);
    let mut keep = |read: &SourceRead| {
        if dry_run {
            return;
        }
        if let Err(e) = append_source_read(&path, &mut log, read) {
            eprintln!("GLPI local : {e}");
        }
    };
    let result = read_source_keeping(
        &client,
        &options,
        &mut read,
        &mut |p| {
            eprintln!(
                "GLPI local : {} {}/{} lus / read",
                p.itemtype,
                p.read,
                p.total.map_or("?".to_string(), |t| t.to_string())
            );
        },
        &mut keep,
    )
    .await;
    client.logout().await;
    if !args.dry_run {
        append_source_read(&path, &mut log, &read)?;
    }
    result.map_err(|e| format!("{}\nrien n'a été écrit", e.render(Lang::Fr)))?;
    eprintln!(
        "GLPI local : lu en {:.1} s / read in {:.1} s",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(read)
}

/// Appends to the file beside the journal what `log` does not hold yet of `read`.
fn append_source_read(
    path: &std::path::Path,
    log: &mut KeptLog,
    read: &SourceRead,
) -> Result<(), String> {
    use std::io::Write;
    let lines = log.append(read);
    if lines.is_empty() {
        return Ok(());
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .map_err(|e| format!("{} : {e}", path.display()))
}

/// Cuts the file beside the journal to its whole lines.
fn truncate(path: &std::path::Path, len: usize) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len as u64))
        .map_err(|e| format!("{} : {e}", path.display()))
}

/// What the local GLPI holds and what will not be carried, per type.
fn print_source_counts(read: &SourceRead) {
    println!("GLPI local :");
    for c in read.counts() {
        let skipped: Vec<String> = c
            .not_carried
            .iter()
            .map(|(reason, n)| format!("{n} non transférés ({})", reason.render(Lang::Fr)))
            .collect();
        println!(
            "  {}: {} lus{}{}",
            c.itemtype,
            c.read,
            if skipped.is_empty() { "" } else { ", " },
            skipped.join(", ")
        );
    }
    let absent = read.not_migrated();
    if !absent.is_empty() {
        println!("Non migré par Passerelle (reste dans le GLPI local) :");
        for (kind, census) in absent {
            match census {
                Census::Counted(n) => println!("  {} : {n}", kind.label(Lang::Fr)),
                _ => println!(
                    "  {} : non compté (la session ne peut pas les lire)",
                    kind.label(Lang::Fr)
                ),
            }
        }
    }
}

fn plan_options(args: &MigrateArgs) -> Result<PlanOptions, String> {
    let mut o = PlanOptions {
        default_entity: args.entity,
        allow_create_dropdowns: !args.no_create_dropdowns,
        never_overwrite: args.never_overwrite,
        ..PlanOptions::default()
    };
    for (src, id) in &args.map_entity {
        let id = id
            .parse()
            .map_err(|_| format!("--map-entity « {src}={id} » : id numérique attendu"))?;
        o.entities.insert(src.clone(), id);
    }
    for (name, spec) in &args.keys {
        let itemtype = GlpiType::from_name(name.trim())
            .map_err(|_| format!("--key « {name}={spec} » : type GLPI inconnu « {name} »"))?;
        let alternatives: Vec<Vec<String>> = spec
            .split(',')
            .map(|alt| {
                alt.split('+')
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|alt: &Vec<String>| !alt.is_empty())
            .collect();
        if alternatives.is_empty() {
            return Err(format!(
                "--key « {itemtype}={spec} » : au moins un champ attendu"
            ));
        }
        if let Some(field) = alternatives
            .iter()
            .flatten()
            .find(|f| itemtype.check_field(f).is_err())
        {
            return Err(format!(
                "--key « {itemtype}={spec} » : « {field} » n'est pas un champ que GLPI garde pour {itemtype}"
            ));
        }
        o.keys.insert(itemtype, alternatives);
    }
    for (key, choice) in &args.values {
        let (itemtype, value) = key
            .split_once('|')
            .ok_or_else(|| format!("--value « {key} » : attendu Type|valeur=choix"))?;
        let c = match choice.as_str() {
            "create" => ValueChoice::Create,
            "empty" => ValueChoice::Empty,
            n => ValueChoice::MapTo(n.parse().map_err(|_| {
                format!("--value « {key}={choice} » : create, empty ou un id attendu")
            })?),
        };
        let itemtype = GlpiType::from_name(itemtype.trim())
            .map_err(|_| format!("--value « {key} » : type GLPI inconnu « {itemtype} »"))?;
        o.values.insert(PlanOptions::value_key(itemtype, value), c);
    }
    Ok(o)
}

async fn migrate_async(args: MigrateArgs) -> ExitCode {
    if args.from_api.is_some() && !args.files.is_empty() {
        return fail(
            "--from-api et des fichiers s'excluent : migrez soit le GLPI local, soit des fichiers \
             / --from-api and files are exclusive: migrate either the local GLPI or files",
        );
    }
    let credentials = match credentials(&args) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let options = match plan_options(&args) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let templates = match crate::templates::load(&args.mapping_templates) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut inputs = Vec::new();
    for path in &args.files {
        match std::fs::read(path) {
            Ok(bytes) => inputs.push((crate::display_name(path), bytes)),
            Err(e) => return fail(format!("{}: {e}", path.display())),
        }
    }
    if passerelle_native::has_userinfo(&args.api) {
        return fail(format!(
            "--api ne doit porter ni identifiant ni mot de passe (https://nom:secret@…) : ils \
             finiraient dans le journal et les messages ; donnez un jeton personnel dans \
             {USER_TOKEN_ENV}, ou --login et le mot de passe dans {PASSWORD_ENV}"
        ));
    }
    // The local GLPI is read first: nothing is opened on the target if it cannot be read.
    let source = match (&args.from_api, args.undo) {
        (Some(url), false) => match read_local_glpi(&args, url).await {
            Ok(read) => Some(read),
            Err(e) => return fail(e),
        },
        _ => None,
    };
    let (transport, settings) = target::connect(Target {
        api: &args.api,
        timeout: args.timeout,
        credentials,
        client: ClientOptions {
            max_calls_per_second: args.max_calls_per_second,
            backoff_ms: args.backoff_ms,
            ..ClientOptions::default()
        },
        profile: args.profile,
        entity: args.entity,
    });
    // The engine's session: open, plan, preflight, run, verify; closed here whatever happened.
    let mut session = match MigrationSession::open(&transport, settings).await {
        Ok(s) => s,
        Err(SessionError::Login(e)) => return fail(e),
        Err(e) => return fail(e),
    };
    eprintln!(
        "GLPI cible : {} / target: {}",
        session.version(),
        session.version()
    );
    let code = work(
        &args,
        &mut session,
        &inputs,
        source.as_ref(),
        &templates,
        options,
    )
    .await;
    session.close().await;
    code
}

/// The files read and checked.
fn prepare_files(
    inputs: &[(String, Vec<u8>)],
    corrections: &[CellCorrection],
    templates: &[MappingTemplate],
) -> Result<Prepared, String> {
    let overrides = inputs
        .iter()
        .map(|(name, bytes)| {
            corrections_for(name, bytes, corrections).map(|c| FileOverrides {
                corrections: c,
                ..FileOverrides::default()
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let checked: Vec<CheckInput<'_>> = inputs
        .iter()
        .zip(&overrides)
        .map(|((name, bytes), overrides)| CheckInput {
            name,
            bytes,
            overrides,
        })
        .collect();
    Ok(Prepared::from_inputs(
        &checked,
        &ReadOptions::default(),
        templates,
    ))
}

async fn make_plan(
    session: &mut MigrationSession<'_>,
    prepared: Prepared,
    options: &PlanOptions,
    in_flight: usize,
) -> Result<Plan, String> {
    // A file that cannot be read or migrated stops everything: migrating the others would lose
    // its rows without a trace.
    let stops = prepared.stopping_problems();
    if !stops.is_empty() {
        let lines: Vec<String> = stops
            .iter()
            .map(|d| {
                format!(
                    "{}, {} : {}",
                    d.file,
                    passerelle_engine::migrate::model::place(&d.file, d.line, Lang::Fr),
                    d.message(Lang::Fr)
                )
            })
            .collect();
        return Err(format!("{}\nrien n'a été écrit", lines.join("\n")));
    }
    let draft = prepared.draft();
    session
        .plan(&draft, options, in_flight)
        .await
        .map_err(|e| e.to_string())
}

async fn work(
    args: &MigrateArgs,
    session: &mut MigrationSession<'_>,
    inputs: &[(String, Vec<u8>)],
    source: Option<&SourceRead>,
    templates: &[MappingTemplate],
    options: PlanOptions,
) -> ExitCode {
    let (sink, journal) = match target::open_journal("migrate", args.dry_run, &args.journal) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let run_options = RunOptions {
        batch_size: args.batch_size,
        max_batch_size: args.max_batch_size,
        in_flight: args.in_flight,
        api_url: args.api.clone(),
        ..RunOptions::default()
    };
    if args.undo {
        let Some(sink) = &sink else {
            return fail("--undo needs a journal");
        };
        return match session.undo(journal, sink, run_options).await {
            Err(e @ SessionError::NothingToUndo) => {
                fail(format!("{} : {e}", args.journal.display()))
            }
            Ok((s, _)) => target::undone(&s),
            Err(e) => fail(e),
        };
    }
    if !args.dry_run && journal.started() && !journal.finished() && !args.resume && !args.verify {
        return fail(format!(
            "{} : une migration a été interrompue ; relancez avec --resume pour la terminer (rien ne sera créé deux fois)",
            args.journal.display()
        ));
    }
    let prepared = match source {
        Some(read) => {
            print_source_counts(read);
            Ok(read.prepared())
        }
        None => prepare_files(inputs, &args.corrections, templates),
    };
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let plan = match make_plan(session, prepared, &options, args.in_flight).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    print_plan(&plan);
    if args.dry_run {
        // The runner itself over a recording transport: what it shows is what a run sends.
        let requests = run::dry_run(&plan, &run_options).requests;
        if args.show_requests {
            for r in requests {
                println!(
                    "{} {} {}",
                    r.method.as_str(),
                    r.path,
                    r.body.map(|b| b.to_string()).unwrap_or_default()
                );
            }
        } else {
            println!("requêtes qui seraient envoyées : {}", requests.len());
        }
        return ExitCode::SUCCESS;
    }
    let Some(sink) = sink else {
        return fail("journal absent");
    };
    let only_verify = args.verify && !args.resume && journal.finished();
    let journal = if only_verify {
        journal
    } else {
        let last = std::cell::Cell::new(0.0f64);
        let request = RunRequest {
            journal,
            sink: &sink,
            control: &ControlState::Running,
            options: run_options,
            run_id: format!("run-{}", std::process::id()),
            // An interrupted journal without --resume was refused above.
            resume: true,
            verify: false,
            observer: Box::new(move |p: &run::Progress| {
                if p.elapsed_ms - last.get() >= 1000.0 {
                    last.set(p.elapsed_ms);
                    eprintln!(
                        "{}/{} objets, {:.0}/s, lot de {}, {} appels ({} reprises, {} reconnexions)",
                        p.done(),
                        p.total(),
                        p.items_per_second,
                        p.batch_size,
                        p.calls,
                        p.retries,
                        p.relogins
                    );
                }
            }),
        };
        match session.run(&plan, request).await {
            Ok(report) => report.journal,
            Err(SessionError::MissingRights(missing)) => return target::missing_rights(&missing),
            Err(e) => return fail(e),
        }
    };
    let mut code = ExitCode::SUCCESS;
    if target::print_outcomes(&journal) {
        code = ExitCode::from(1);
    }
    if let Some(p) = &args.report_csv {
        if let Err(e) = std::fs::write(p, journal.to_csv()) {
            return fail(format!("{}: {e}", p.display()));
        }
    }
    if let Some(p) = &args.report_json {
        if let Err(e) = std::fs::write(p, journal.to_json()) {
            return fail(format!("{}: {e}", p.display()));
        }
    }
    if args.verify {
        match session.verify(&plan, &journal).await {
            Ok(report) => {
                if !target::print_verify(&report) {
                    code = ExitCode::from(1);
                }
            }
            Err(e) => return fail(e),
        }
    }
    code
}

fn print_plan(plan: &Plan) {
    target::print_plan_counts(plan);
    for e in &plan.entities {
        println!(
            "  entité source « {} » ({} lignes) → entité cible {}{}",
            e.source,
            e.rows,
            e.target,
            if e.mapped { "" } else { " (par défaut)" }
        );
    }
    for u in &plan.unmatched {
        let choice = match u.choice {
            ValueChoice::Create => "sera créé".to_string(),
            ValueChoice::Empty => "laissé vide".to_string(),
            ValueChoice::MapTo(id) => format!("remplacé par l'id {id}"),
        };
        println!(
            "  absent de la cible : {} « {} » ({} lignes) : {choice}",
            u.itemtype, u.value, u.rows
        );
    }
    for n in &plan.not_carried {
        println!("  non transféré ({} lignes) : {}", n.rows, n.message_fr);
    }
    println!("colonnes :");
    for c in &plan.columns {
        let whither = match &c.destination {
            Some(d) => d.describe(Lang::Fr),
            None => "non reconnue : non transférée".into(),
        };
        println!(
            "  {} « {} » ({} valeurs) → {whither}",
            c.file, c.header, c.values
        );
    }
}
