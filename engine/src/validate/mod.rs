//! Validating mapped rows: field types, duplicates on the reconciliation key, cross-file references.

pub mod values;

use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::detect::{normalize_label, ItemType};
use crate::diagnostic::{ColumnRef, Diagnostic, Severity};
use crate::map::{fields, key_fields, spec_for, FieldKind, Mapping};
use crate::read::{glpi_cell_value, split_multi, Table};
pub use values::{check_cell, check_value, ValueProblem};

/// One file to validate: what was read and how it maps.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// The rows.
    pub table: &'a Table,
    /// Columns to fields.
    pub mapping: &'a Mapping,
}

/// Counts for one file, as shown in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    /// File name.
    pub file: String,
    /// Item type checked against.
    pub item_type: Option<ItemType>,
    /// Data rows.
    pub rows: usize,
    /// Rows with no error.
    pub valid: usize,
    /// Warning diagnostics.
    pub warnings: usize,
    /// Error diagnostics.
    pub errors: usize,
}

/// Indexes of the values other files provide, for cross-file references.
#[derive(Debug, Default)]
struct References {
    /// `realname firstname` (normalised) -> logins; `None` when no user file was given.
    users: Option<HashMap<String, Vec<String>>>,
    locations: Option<HashMap<String, ()>>,
    groups: Option<HashMap<String, ()>>,
}

impl References {
    fn build(inputs: &[FileInput<'_>]) -> Self {
        let mut r = References::default();
        for input in inputs {
            let m = input.mapping;
            match m.item_type {
                ItemType::User => {
                    let users = r.users.get_or_insert_with(HashMap::new);
                    for rec in &input.table.records {
                        let get = |f: &str| {
                            m.value(f, &rec.cells)
                                .map(|v| glpi_cell_value(&v))
                                .unwrap_or_default()
                        };
                        let display = format!("{} {}", get("realname"), get("firstname"));
                        let key = normalize_label(&display);
                        let login = get("name");
                        if !key.is_empty() {
                            users.entry(key).or_default().push(login.clone());
                        }
                        if !login.is_empty() {
                            users
                                .entry(normalize_label(&login))
                                .or_default()
                                .push(login);
                        }
                    }
                }
                ItemType::Location | ItemType::Group => {
                    let index = if m.item_type == ItemType::Location {
                        &mut r.locations
                    } else {
                        &mut r.groups
                    };
                    let index = index.get_or_insert_with(HashMap::new);
                    for rec in &input.table.records {
                        if let Some(v) = m.value("completename", &rec.cells) {
                            index.insert(normalize_label(&glpi_cell_value(&v)), ());
                        }
                    }
                }
                _ => {}
            }
        }
        r
    }
}

/// Validates several files together (references are looked up across them).
pub fn validate_files(inputs: &[FileInput<'_>]) -> (Vec<FileSummary>, Vec<Diagnostic>) {
    validate_files_with_progress(inputs, &mut |_| {})
}

/// How often (in records) [`validate_files_with_progress`] reports.
pub const PROGRESS_EVERY: usize = 2000;

/// [`validate_files`], calling `progress` with the number of records checked so far (every
/// [`PROGRESS_EVERY`] records and at the end of each file), so a page can show a progress bar.
pub fn validate_files_with_progress(
    inputs: &[FileInput<'_>],
    progress: &mut dyn FnMut(u64),
) -> (Vec<FileSummary>, Vec<Diagnostic>) {
    let refs = References::build(inputs);
    let mut summaries = Vec::new();
    let mut all = Vec::new();
    let mut done = 0u64;
    for input in inputs {
        let diags = validate_file(input, &refs, &mut |n| progress(done + n));
        done += input.table.records.len() as u64;
        progress(done);
        summaries.push(summarize(
            input.table,
            Some(input.mapping.item_type),
            &diags,
        ));
        all.extend(diags);
    }
    (summaries, all)
}

/// Counts of a file from its diagnostics.
pub fn summarize(table: &Table, item_type: Option<ItemType>, diags: &[Diagnostic]) -> FileSummary {
    let mut error_lines: Vec<u64> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error && d.line > 1)
        .map(|d| d.line)
        .collect();
    error_lines.sort_unstable();
    error_lines.dedup();
    let blocked = diags.iter().any(|d| d.blocking);
    let rows = table.records.len();
    FileSummary {
        file: table.file.clone(),
        item_type,
        rows,
        valid: if blocked {
            0
        } else {
            rows - error_lines.len().min(rows)
        },
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        errors: diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
    }
}

struct Ctx<'a> {
    table: &'a Table,
    out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        line: u64,
        column: Option<usize>,
        value: Option<&str>,
        severity: Severity,
        code: &str,
        fr: String,
        en: String,
    ) {
        self.out.push(Diagnostic {
            file: self.table.file.clone(),
            line,
            column: column.map(|c| self.table.column(c)),
            value: value.map(str::to_string),
            code: code.to_string(),
            severity,
            blocking: false,
            message_fr: fr,
            message_en: en,
        });
    }
}

fn validate_file(
    input: &FileInput<'_>,
    refs: &References,
    progress: &mut dyn FnMut(u64),
) -> Vec<Diagnostic> {
    let FileInput { table, mapping } = *input;
    let mut ctx = Ctx {
        table,
        out: table.diagnostics.clone(),
    };
    let item_type = mapping.item_type;

    // Required fields with no source at all: one message for the file.
    for spec in fields(item_type).iter().filter(|s| s.required) {
        let field = crate::map::concrete_field(item_type, spec.field);
        let has_source = mapping.column_of(&field).is_some()
            || mapping.templates.contains_key(&field)
            || mapping.constants.contains_key(&field);
        if !has_source {
            ctx.out.push(Diagnostic {
                file: table.file.clone(),
                line: 1,
                column: None,
                value: None,
                code: "mapping.required_missing".into(),
                severity: Severity::Error,
                blocking: true,
                message_fr: format!(
                    "aucune colonne ne fournit le champ obligatoire « {field} » ({})",
                    spec.labels[0]
                ),
                message_en: format!(
                    "no column provides the required field \"{field}\" ({})",
                    spec.labels[0]
                ),
            });
        }
    }

    let keys = key_fields(item_type);
    // (column, spec, field, holds locations, is a reconciliation key), decided once per file.
    #[allow(clippy::type_complexity)]
    let mapped: Vec<(usize, &'static crate::map::FieldSpec, String, bool, bool)> = mapping
        .columns
        .iter()
        .filter_map(|c| {
            let field = c.field.as_ref()?;
            let is_location = table.column(c.column).name.as_deref().is_some_and(|n| {
                let n = normalize_label(n);
                n == "lieu" || n == "location"
            });
            spec_for(item_type, field).map(|s| {
                (
                    c.column,
                    s,
                    field.clone(),
                    is_location,
                    keys.contains(&s.field),
                )
            })
        })
        .collect();

    // Sized for every row up front: growing it was a visible share of large checks.
    let mut seen: HashMap<(usize, String), u64, rustc_hash::FxBuildHasher> =
        HashMap::with_capacity_and_hasher(
            table.records.len() * keys.len(),
            rustc_hash::FxBuildHasher,
        );
    let mut unresolved: BTreeMap<(usize, &'static str), usize> = BTreeMap::new();

    for (i, rec) in table.records.iter().enumerate() {
        if i > 0 && i.is_multiple_of(PROGRESS_EVERY) {
            progress(i as u64);
        }
        for (col, spec, field, is_location, is_key) in &mapped {
            let raw = rec.cells.get(*col).unwrap_or("");
            let value = match check_cell(raw, spec.kind, spec.required) {
                Ok(v) => v,
                Err(problem) => {
                    let severity = if problem == ValueProblem::LineBreak
                        && spec.kind == FieldKind::Text
                        && !keys.contains(&spec.field)
                        && field != "name"
                    {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    let en = problem.message_en(spec.kind);
                    ctx.push(
                        rec.line,
                        Some(*col),
                        Some(raw),
                        severity,
                        problem.code(),
                        problem.to_string(),
                        en,
                    );
                    continue;
                }
            };
            if value.is_empty() {
                continue;
            }
            // Duplicates on the reconciliation key within the file.
            if *is_key {
                match seen.entry((*col, normalize_label(&value))) {
                    Entry::Occupied(first) => ctx.push(
                        rec.line,
                        Some(*col),
                        Some(&value),
                        Severity::Error,
                        "duplicate.key",
                        format!("doublon : « {value} » figure déjà ligne {} ; la ligne ne peut pas être rapprochée sans ambiguïté", first.get()),
                        format!("duplicate: \"{value}\" already on line {}; the row cannot be reconciled unambiguously", first.get()),
                    ),
                    Entry::Vacant(slot) => {
                        slot.insert(rec.line);
                    }
                }
            }
            check_reference(
                &mut ctx,
                refs,
                rec.line,
                *col,
                spec.kind,
                *is_location,
                &value,
                &mut unresolved,
            );
        }
    }

    for ((col, what), count) in unresolved {
        ctx.push(
            1,
            Some(col),
            None,
            Severity::Info,
            "reference.on_target",
            format!("{count} valeur(s) de cette colonne seront à trouver sur la cible : aucun fichier {what} n'a été fourni"),
            format!("{count} value(s) of this column will be looked up on the target: no {what} file was given"),
        );
    }
    ctx.out
        .sort_by_key(|d| (d.line, d.column.as_ref().map(|c: &ColumnRef| c.index)));
    ctx.out
}

#[allow(clippy::too_many_arguments)]
fn check_reference(
    ctx: &mut Ctx<'_>,
    refs: &References,
    line: u64,
    col: usize,
    kind: FieldKind,
    is_location: bool,
    value: &str,
    unresolved: &mut BTreeMap<(usize, &'static str), usize>,
) {
    let (index, what_fr, what_en): (Option<&HashMap<String, ()>>, &'static str, &str) = match kind {
        FieldKind::TreePath if is_location => (refs.locations.as_ref(), "Lieux", "Locations"),
        FieldKind::GroupPath => (refs.groups.as_ref(), "Groupes", "Groups"),
        FieldKind::UserName => {
            let Some(users) = &refs.users else {
                *unresolved.entry((col, "Utilisateurs")).or_default() += 1;
                return;
            };
            for name in split_multi(value) {
                match users.get(&normalize_label(&name)).map(Vec::as_slice) {
                    None | Some([]) => ctx.push(
                        line,
                        Some(col),
                        Some(&name),
                        Severity::Warning,
                        "reference.not_in_files",
                        format!("utilisateur « {name} » absent du fichier Utilisateurs : à trouver sur la cible"),
                        format!("user \"{name}\" is not in the Users file: to be found on the target"),
                    ),
                    Some([_]) => {}
                    Some(logins) => {
                        let list = logins.join(", ");
                        ctx.push(
                            line,
                            Some(col),
                            Some(&name),
                            Severity::Error,
                            "reference.ambiguous_user",
                            format!("« {name} » désigne plusieurs utilisateurs (homonymes : {list}) : précisez l'identifiant"),
                            format!("\"{name}\" matches several users (namesakes: {list}): give the login"),
                        )
                    }
                }
            }
            return;
        }
        _ => return,
    };
    match index {
        None => *unresolved.entry((col, what_fr)).or_default() += 1,
        Some(index) => {
            for v in split_multi(value) {
                if !index.contains_key(&normalize_label(&v)) {
                    ctx.push(
                        line,
                        Some(col),
                        Some(&v),
                        Severity::Warning,
                        "reference.not_in_files",
                        format!("« {v} » absent du fichier {what_fr} : à trouver sur la cible"),
                        format!("\"{v}\" is not in the {what_en} file: to be found on the target"),
                    );
                }
            }
        }
    }
}
