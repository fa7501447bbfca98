//! `passerelle`: the engine as a native command, for scripted checks and benchmarks.

use clap::{Parser, Subcommand, ValueEnum};
use passerelle_engine::check::{check_owned_files, CheckOptions, CheckReport, DirectoryContext};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::Lang;
use passerelle_engine::directory::{Importer, References};
use passerelle_engine::read::ReadOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod directory;
mod migrate;
mod target;
mod templates;

/// Passerelle: check GLPI CSV exports and HR directory files before migrating them.
#[derive(Parser)]
#[command(name = "passerelle", version = passerelle_engine::VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files offline: read, recognise, map and validate. Exit code 1 when errors are found.
    Check(CheckArgs),
    /// Migrate checked files into a GLPI: plan, dry-run, run, resume, undo, verify.
    ///
    /// Exit codes: 0 all done; 1 rows rejected or failed (see the report); 2 usage or I/O
    /// errors; 3 rights missing (nothing written); 4 the journal is in use by another running
    /// migration (one writer per journal, nothing written).
    Migrate(Box<migrate::MigrateArgs>),
    /// Carry an HR directory file (seed 004) out on the GLPI's users: plan, journal, resume,
    /// verify, undo, and the directory's error file.
    Directory(Box<directory::DirectoryArgs>),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files to check together (cross-file references are looked up among them).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Encoding to read the files with (utf-8, windows-1252, iso-8859-1…); by default a BOM
    /// decides, else UTF-8, else Windows-1252. East Asian encodings are refused.
    #[arg(long)]
    encoding: Option<String>,
    /// Item type of every file, instead of recognising it (Computer, User, Ticket…).
    #[arg(long = "type", value_parser = parse_item_type)]
    item_type: Option<ItemType>,
    /// Folder of the HR directory's reference exports (profils.tsv, privileges.tsv,
    /// services.tsv, annuaire-export.tsv), to check directory files.
    #[arg(long, requires = "service")]
    refs: Option<PathBuf>,
    /// The importer's level-1 service (SERV_NIV1), for directory files.
    #[arg(long)]
    service: Option<String>,
    /// Language of the messages.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    lang: LangArg,
    /// A saved mapping (JSON, as the page downloads it or `--save-template` writes it): a file
    /// with the same header is recognised and mapped by it (repeatable).
    #[arg(long = "mapping-template")]
    mapping_templates: Vec<PathBuf>,
    /// Write the mapping the check used for its one file as a template, to edit (fields,
    /// `%column%` templates, constants) and give back with --mapping-template.
    #[arg(long)]
    save_template: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Fr,
    En,
}

fn parse_item_type(s: &str) -> Result<ItemType, String> {
    ItemType::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = ItemType::ALL.iter().map(|t| t.glpi_name()).collect();
        format!(
            "type inconnu « {s} » ; types possibles : {}",
            names.join(", ")
        )
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Migrate(args) => migrate::migrate(*args),
        Command::Directory(args) => directory::directory(*args),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let lang = match args.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let mut inputs = Vec::new();
    for path in &args.files {
        match std::fs::read(path) {
            Ok(bytes) => inputs.push((display_name(path), bytes)),
            Err(e) => {
                eprintln!("passerelle: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let directory = match (&args.refs, &args.service) {
        (Some(dir), Some(service)) => match load_references(dir) {
            Ok(references) => Some(DirectoryContext {
                references,
                importer: Importer {
                    serv_niv1: service.clone(),
                },
            }),
            Err(e) => {
                eprintln!("passerelle: {e}");
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let options = CheckOptions {
        directory,
        read: ReadOptions {
            encoding: args.encoding,
            ..ReadOptions::default()
        },
        item_type: args.item_type,
        templates: match templates::load(&args.mapping_templates) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("passerelle: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let report = check_owned_files(inputs, &options);
    if let Some(path) = &args.save_template {
        if let Err(e) = templates::save(&report, path) {
            eprintln!("passerelle: {e}");
            return ExitCode::from(2);
        }
    }
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &json_report(&report, lang))
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out))
    } else {
        write_human(&mut out, &report, lang)
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn load_references(dir: &std::path::Path) -> Result<References, String> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    References::from_exports(
        &read("profils.tsv")?,
        &read("privileges.tsv")?,
        &read("services.tsv")?,
        &read("annuaire-export.tsv")?,
    )
    .map_err(|e| e.to_string())
}

fn display_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The report as JSON: each diagnostic with its code and values, and its message rendered in
/// the requested language.
fn json_report(report: &CheckReport, lang: Lang) -> serde_json::Value {
    let mut json = serde_json::to_value(report).unwrap_or_default();
    if let Some(list) = json
        .get_mut("diagnostics")
        .and_then(serde_json::Value::as_array_mut)
    {
        for (item, d) in list.iter_mut().zip(&report.diagnostics) {
            if let Some(map) = item.as_object_mut() {
                map.insert("message".into(), d.message(lang).into());
            }
        }
    }
    json
}

fn write_human(out: &mut impl Write, report: &CheckReport, lang: Lang) -> std::io::Result<()> {
    let (rows, valid, warnings, errors, unknown) = match lang {
        Lang::Fr => (
            "lignes",
            "valides",
            "avertissements",
            "erreurs",
            "type inconnu",
        ),
        Lang::En => ("rows", "valid", "warnings", "errors", "unknown type"),
    };
    for f in &report.files {
        let s = &f.summary;
        let kind = match (s.item_type, s.companion) {
            (Some(t), _) => t.label(lang),
            (None, Some(c)) => c.label(lang),
            (None, None) => unknown,
        };
        let enc = f.encoding.as_deref().unwrap_or("-");
        let delim = match f.delimiter {
            Some('\t') => "TAB".to_string(),
            Some(c) => c.to_string(),
            None => "-".into(),
        };
        writeln!(
            out,
            "{} [{kind}, {enc}, « {delim} »] : {} {rows}, {} {valid}, {} {warnings}, {} {errors}",
            s.file, s.rows, s.valid, s.warnings, s.errors
        )?;
    }
    if !report.diagnostics.is_empty() {
        writeln!(out)?;
    }
    for d in &report.diagnostics {
        write!(out, "{}:{}", d.file, d.line)?;
        if let Some(c) = &d.column {
            write!(out, ":{}", c.index)?;
        }
        writeln!(out, ": {}: {}", d.severity.label(lang), d.message(lang))?;
    }
    Ok(())
}
