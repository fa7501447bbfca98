//! Validating mapped rows: field types, duplicates on the reconciliation key, cross-file references.

pub mod values;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::detect::{normalize_label, normalize_label_into, ItemType};
use crate::diagnostic::{ColumnRef, Diagnostic, DiagnosticKind, FileProblem, Lang, Severity};
use crate::map::{fields, key_fields, spec_for, FieldKind, FieldSpec, Mapping};
use crate::read::multi_values as multi;
use crate::read::{glpi_cell_value, Table};
pub use values::{check_cell, check_value, clean_cell, ValueProblem};
use values::{clean_cell_in, has_entity_or_break, normalized};

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
    /// The companion file this is, when it is one (its rows are checked against the exports
    /// when the migration is planned).
    #[serde(default)]
    pub companion: Option<crate::migrate::companion::CompanionKind>,
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
                    for rec in input.table.rows() {
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
                    for rec in input.table.rows() {
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
        companion: None,
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
    fn push(
        &mut self,
        line: u64,
        column: Option<usize>,
        value: Option<&str>,
        severity: Severity,
        kind: impl Into<DiagnosticKind>,
    ) {
        self.out.push(Diagnostic {
            column: column.map(|c| self.table.column(c)),
            value: value.map(str::to_string),
            ..Diagnostic::new(self.table.file.clone(), line, severity, kind)
        });
    }
}

impl Ctx<'_> {
    /// A cell that failed its field's check.
    #[cold]
    fn push_problem(&mut self, line: u64, check: &ColumnCheck, raw: &str, problem: ValueProblem) {
        let severity = if problem == ValueProblem::LineBreak {
            check.line_break
        } else {
            Severity::Error
        };
        self.push(line, Some(check.column), Some(raw), severity, problem);
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
            ctx.out.push(
                Diagnostic::new(
                    table.file.clone(),
                    1,
                    Severity::Error,
                    FileProblem::RequiredFieldMissing {
                        field: field.to_string(),
                        // As GLPI's French interface names it, accents included.
                        label: crate::glpi::vocabulary::file_field_label(
                            item_type,
                            spec.field,
                            crate::diagnostic::Lang::Fr,
                        )
                        .unwrap_or(spec.labels[0])
                        .to_string(),
                    },
                )
                .blocking(),
            );
        }
    }

    let keys = key_fields(item_type);
    // The contact (Usager) column: a login that tells homonyms apart.
    let contact_column = mapping
        .columns
        .iter()
        .find(|c| c.field.as_deref() == Some("contact"))
        .map(|c| c.column);
    let columns: Vec<ColumnCheck> = mapping
        .columns
        .iter()
        .filter_map(|c| {
            let field = c.field.as_ref()?;
            let spec = spec_for(item_type, field)?;
            let is_location = table.column(c.column).name.as_deref().is_some_and(|n| {
                let n = normalize_label(n);
                n == "lieu" || n == "location"
            });
            let key_rank = keys.iter().position(|k| *k == spec.field);
            let is_key = key_rank.is_some();
            let reference = match spec.kind {
                FieldKind::TreePath if is_location => Some(RefKind::Location),
                FieldKind::GroupPath => Some(RefKind::Group),
                FieldKind::UserName => Some(RefKind::User),
                _ => None,
            };
            let line_break = if spec.kind == FieldKind::Text && !is_key && field != "name" {
                Severity::Warning
            } else {
                Severity::Error
            };
            Some(ColumnCheck {
                column: c.column,
                spec,
                is_key,
                key_rank: key_rank.unwrap_or(usize::MAX),
                reference,
                line_break,
            })
        })
        .collect();

    let mut keys =
        KeyList::with_capacity(table.records.len() * columns.iter().filter(|c| c.is_key).count());
    // Values of each column left to the target because no file lists them, counted per column.
    let mut unresolved = vec![0usize; columns.len()];
    let mut scratch = String::new();

    for rec in table.rows() {
        let i = rec.index;
        if i > 0 && i.is_multiple_of(PROGRESS_EVERY) {
            progress(i as u64);
        }
        // Most records hold no entity and no line break: one search over the record spares one
        // per cell.
        let plain = rec
            .cells
            .uncorrected_text()
            .is_some_and(|text| !has_entity_or_break(text.as_bytes()));
        let mut row_key: Option<(usize, u64, usize)> = None;
        for (slot, check) in columns.iter().enumerate() {
            let col = check.column;
            let raw = rec.cells.get(col).unwrap_or("");
            // Only keys and references need the value itself; the rest is only checked, on a path
            // of its own so that the cleaned value is never built in memory (measured: a
            // store-forwarding stall on every cell when both paths shared one result).
            if !(check.is_key || check.reference.is_some()) {
                if let Err(problem) =
                    clean_cell_in(raw, check.spec.kind, check.spec.required, plain)
                {
                    ctx.push_problem(rec.line, check, raw, problem);
                }
                continue;
            }
            // `check_cell`, spelt out so that it is inlined here too.
            let value = match clean_cell_in(raw, check.spec.kind, check.spec.required, plain) {
                Ok(v) if v.is_empty() => continue,
                Ok(v) => normalized(v, check.spec.kind),
                Err(problem) => {
                    ctx.push_problem(rec.line, check, raw, problem);
                    continue;
                }
            };
            // Duplicates on the reconciliation key within the file: found once every key is in.
            if check.is_key && row_key.is_none_or(|(rank, _, _)| check.key_rank < rank) {
                row_key = Some((check.key_rank, key_hash(col, &value, &mut scratch), slot));
            }
            if let Some(kind) = check.reference {
                let contact = contact_column.and_then(|c| rec.cells.get(c));
                let found = check_reference(
                    &mut ctx,
                    refs,
                    Reference {
                        line: rec.line,
                        col,
                        kind,
                        value: &value,
                        contact,
                    },
                    &mut scratch,
                );
                if !found {
                    unresolved[slot] += 1;
                }
            }
        }
        if let Some((_, hash, slot)) = row_key {
            keys.push(hash, i, slot);
        }
    }

    for (line, slot, value, first) in keys.duplicates(table, &columns) {
        ctx.push(
            line,
            Some(columns[slot].column),
            Some(&value),
            Severity::Error,
            RowProblem::DuplicateKey {
                key: value.clone(),
                first_line: first,
            },
        );
    }

    for (check, count) in columns.iter().zip(unresolved) {
        if count == 0 {
            continue;
        }
        let Some(of) = check.reference else {
            continue;
        };
        ctx.push(
            1,
            Some(check.column),
            None,
            Severity::Info,
            RowProblem::OnTarget { of, count },
        );
    }
    crate::sort::sort_by_key(&mut ctx.out, |d| {
        (d.line, d.column.as_ref().map(|c: &ColumnRef| c.index))
    });
    ctx.out
}

/// How one mapped column is checked, decided once per file.
struct ColumnCheck {
    /// 0-based column in the file.
    column: usize,
    /// The field it maps to.
    spec: &'static FieldSpec,
    /// A reconciliation key: duplicates are errors.
    is_key: bool,
    /// Which key alternative it is: a row's key is its first filled alternative (an asset's
    /// serial, else its name), as the migration reconciles it.
    key_rank: usize,
    /// Values that other files may list.
    reference: Option<RefKind>,
    /// How bad a line break in a value is (a warning in free text, an error elsewhere).
    line_break: Severity,
}

/// What a column refers to in another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// A location (the Locations file).
    Location,
    /// A group (the Groups file).
    Group,
    /// A user (the Users file).
    User,
}

/// A problem found by comparing rows with each other and with the other files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values")]
pub enum RowProblem {
    /// The row's reconciliation key is already on an earlier line.
    #[serde(rename = "duplicate.key")]
    DuplicateKey {
        /// The key as read.
        key: String,
        /// The line that has it first.
        first_line: u64,
    },
    /// Values of a reference column that no given file lists: left to the target.
    #[serde(rename = "reference.on_target")]
    OnTarget {
        /// What the column refers to.
        of: RefKind,
        /// How many values.
        count: usize,
    },
    /// A referenced value absent from the file that should list it.
    #[serde(rename = "reference.not_in_files")]
    NotInFiles {
        /// What it refers to.
        of: RefKind,
        /// The value (one name of a multi-valued cell).
        name: String,
    },
    /// A user name shared by several users, told apart by the row's contact login.
    #[serde(rename = "reference.homonym_by_contact")]
    HomonymByContact {
        /// The name.
        name: String,
        /// The logins that share it.
        logins: Vec<String>,
        /// The row's contact login, one of them.
        login: String,
    },
    /// A user name shared by several users, nothing on the row to tell which.
    #[serde(rename = "reference.ambiguous_user")]
    AmbiguousUser {
        /// The name.
        name: String,
        /// The logins that share it.
        logins: Vec<String>,
    },
}

impl RowProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RowProblem::DuplicateKey { .. } => "duplicate.key",
            RowProblem::OnTarget { .. } => "reference.on_target",
            RowProblem::NotInFiles { .. } => "reference.not_in_files",
            RowProblem::HomonymByContact { .. } => "reference.homonym_by_contact",
            RowProblem::AmbiguousUser { .. } => "reference.ambiguous_user",
        }
    }

    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.fr(),
            Lang::En => self.en(),
        }
    }

    fn fr(&self) -> String {
        match self {
            RowProblem::DuplicateKey { key, first_line } => format!("doublon : « {key} » figure déjà ligne {first_line} ; la ligne ne peut pas être rapprochée sans ambiguïté"),
            RowProblem::OnTarget { of, count } => format!("{count} valeur(s) de cette colonne seront à trouver sur la cible : aucun fichier {} n'a été fourni", of.file_fr()),
            RowProblem::NotInFiles { of: RefKind::User, name } => format!("utilisateur « {name} » absent du fichier Utilisateurs : à trouver sur la cible"),
            RowProblem::NotInFiles { of, name } => format!("« {name} » absent du fichier {} : à trouver sur la cible", of.file_fr()),
            RowProblem::HomonymByContact { name, logins, login } => format!("« {name} » a des homonymes ({}) : l'usager « {login} » de la même ligne désigne lequel", logins.join(", ")),
            RowProblem::AmbiguousUser { name, logins } => format!("« {name} » désigne plusieurs utilisateurs (homonymes : {}) : précisez l'identifiant", logins.join(", ")),
        }
    }

    fn en(&self) -> String {
        match self {
            RowProblem::DuplicateKey { key, first_line } => format!("duplicate: \"{key}\" already on line {first_line}; the row cannot be reconciled unambiguously"),
            // The file is named as in French, as it always was.
            RowProblem::OnTarget { of, count } => format!("{count} value(s) of this column will be looked up on the target: no {} file was given", of.file_fr()),
            RowProblem::NotInFiles { of: RefKind::User, name } => format!("user \"{name}\" is not in the Users file: to be found on the target"),
            RowProblem::NotInFiles { of, name } => format!("\"{name}\" is not in the {} file: to be found on the target", of.file_en()),
            RowProblem::HomonymByContact { name, logins, login } => format!("\"{name}\" has namesakes ({}): the alternate username \"{login}\" on the same line tells which", logins.join(", ")),
            RowProblem::AmbiguousUser { name, logins } => format!("\"{name}\" matches several users (namesakes: {}): give the login", logins.join(", ")),
        }
    }
}

impl RefKind {
    /// The file that lists such values, as the French messages name it.
    fn file_fr(self) -> &'static str {
        match self {
            RefKind::Location => "Lieux",
            RefKind::Group => "Groupes",
            RefKind::User => "Utilisateurs",
        }
    }

    /// The same in English.
    fn file_en(self) -> &'static str {
        match self {
            RefKind::Location => "Locations",
            RefKind::Group => "Groups",
            RefKind::User => "Users",
        }
    }
}

/// The reconciliation keys of one file, for duplicates: a hash of each key's column and normalised
/// value with its record, gathered in one pass and sorted once. No string is kept per row, and no
/// hash table is probed at random per row (on a 200 MB file the probes missed the cache: an
/// eighth of the check). Equal hashes are confirmed by comparing the normalised values, so two
/// different keys sharing a hash are never taken for duplicates.
struct KeyList {
    /// (hash, record index, column slot).
    keys: Vec<(u64, u32, u32)>,
}

impl KeyList {
    fn with_capacity(capacity: usize) -> Self {
        KeyList {
            keys: Vec::with_capacity(capacity),
        }
    }

    fn push(&mut self, hash: u64, record: usize, slot: usize) {
        self.keys.push((hash, record as u32, slot as u32));
    }

    /// Every key met again: (its line, its column slot, its value, the line that had it first),
    /// in no particular order.
    fn duplicates(
        mut self,
        table: &Table,
        columns: &[ColumnCheck],
    ) -> Vec<(u64, usize, String, u64)> {
        // By hash, then in file order: the first of equal keys comes first.
        self.keys.sort_unstable();
        let mut found = Vec::new();
        for run in self
            .keys
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            // The distinct keys of this hash: (column, normalised value, first line); one but
            // for a collision.
            let mut firsts: Vec<(usize, String, u64)> = Vec::new();
            for &(_, record, slot) in run {
                let (record, slot) = (record as usize, slot as usize);
                let check = &columns[slot];
                let Some(value) = table
                    .cells(record)
                    .and_then(|cells| cells.get(check.column))
                    .and_then(|raw| check_cell(raw, check.spec.kind, check.spec.required).ok())
                else {
                    continue;
                };
                let normalized = normalize_label(&value);
                let line = table.records[record].line;
                match firsts
                    .iter()
                    .find(|(column, n, _)| *column == check.column && *n == normalized)
                {
                    Some(&(_, _, first)) => found.push((line, slot, value.into_owned(), first)),
                    None => firsts.push((check.column, normalized, line)),
                }
            }
        }
        found
    }
}

/// The hash of a key's normalised form ([`normalize_label`]) in its column. The usual key (ASCII
/// with no space: serials, inventory numbers, logins) is hashed straight from the cell, lowered
/// eight bytes at a time in a register: writing the normalised text first and reading it back
/// stalled on every key of a large file (measured). Other keys are normalised into `scratch`.
fn key_hash(column: usize, value: &str, scratch: &mut String) -> u64 {
    match plain_ascii_key(value) {
        Some(key) => hash_words(column, key.as_bytes(), true),
        None => {
            normalize_label_into(value, scratch);
            hash_words(column, scratch.as_bytes(), false)
        }
    }
}

/// FxHash-style hashing of `bytes` a word at a time, ASCII-lowered first when `lower`.
fn hash_words(column: usize, bytes: &[u8], lower: bool) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let lowered = |w: u64| if lower { lower_ascii_word(w) } else { w };
    let mut h = (column as u64 ^ (bytes.len() as u64) << 32).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = word.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        h = (h.rotate_left(26) ^ lowered(w)).wrapping_mul(K);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Built in a register, not through a buffer (see above).
        let w = tail.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        h = (h.rotate_left(26) ^ lowered(w)).wrapping_mul(K);
    }
    (h ^ h >> 29).wrapping_mul(K) ^ h >> 32
}

/// Eight ASCII bytes with `A`–`Z` lowered (no byte may be 0x80 or more: no carry between bytes).
fn lower_ascii_word(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let at_least_a = w.wrapping_add(ONES * (0x80 - u64::from(b'A')));
    let past_z = w.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
    let upper = at_least_a & !past_z & (ONES * 0x80);
    w | upper >> 2
}

/// The key itself when its normalised form is just its ASCII lower case (trimmed ASCII, no
/// white space, no backquote), as [`normalize_label`] decides.
fn plain_ascii_key(value: &str) -> Option<&str> {
    let key = value.trim();
    key.bytes()
        .all(|b| b.is_ascii_graphic() && b != b'`')
        .then_some(key)
}

/// A reference cell to look up, with the row's contact (a login that may tell homonyms apart).
struct Reference<'v> {
    line: u64,
    col: usize,
    kind: RefKind,
    value: &'v str,
    contact: Option<&'v str>,
}

/// Looks the values of a reference cell up in the other files; false when no file of that kind
/// was given (the value is left to the target).
fn check_reference(
    ctx: &mut Ctx<'_>,
    refs: &References,
    reference: Reference<'_>,
    scratch: &mut String,
) -> bool {
    let Reference {
        line,
        col,
        kind,
        value,
        contact,
    } = reference;
    let index = match kind {
        RefKind::Location => refs.locations.as_ref(),
        RefKind::Group => refs.groups.as_ref(),
        RefKind::User => {
            let Some(users) = &refs.users else {
                return false;
            };
            for name in multi(value) {
                normalize_label_into(name, scratch);
                match users.get(scratch.as_str()).map(Vec::as_slice) {
                    None | Some([]) => ctx.push(
                        line,
                        Some(col),
                        Some(name),
                        Severity::Warning,
                        RowProblem::NotInFiles {
                            of: RefKind::User,
                            name: name.to_string(),
                        },
                    ),
                    Some([_]) => {}
                    Some(logins)
                        if contact.is_some_and(|c| {
                            logins.iter().any(|l| l.eq_ignore_ascii_case(c.trim()))
                        }) =>
                    {
                        let login = contact.unwrap_or_default().trim();
                        ctx.push(
                            line,
                            Some(col),
                            Some(name),
                            Severity::Warning,
                            RowProblem::HomonymByContact {
                                name: name.to_string(),
                                logins: logins.to_vec(),
                                login: login.to_string(),
                            },
                        )
                    }
                    Some(logins) => ctx.push(
                        line,
                        Some(col),
                        Some(name),
                        Severity::Error,
                        RowProblem::AmbiguousUser {
                            name: name.to_string(),
                            logins: logins.to_vec(),
                        },
                    ),
                }
            }
            return true;
        }
    };
    let Some(index) = index else {
        return false;
    };
    for v in multi(value) {
        normalize_label_into(v, scratch);
        if !index.contains_key(scratch.as_str()) {
            ctx.push(
                line,
                Some(col),
                Some(v),
                Severity::Warning,
                RowProblem::NotInFiles {
                    of: kind,
                    name: v.to_string(),
                },
            );
        }
    }
    true
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(RowProblem, tag = "code", content = "values" {
    "duplicate.key" => DuplicateKey { key, first_line },
    "reference.on_target" => OnTarget { of, count },
    "reference.not_in_files" => NotInFiles { of, name },
    "reference.homonym_by_contact" => HomonymByContact { name, logins, login },
    "reference.ambiguous_user" => AmbiguousUser { name, logins },
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{read_bytes, ReadOptions};

    fn computers(csv: &str) -> (Table, Mapping) {
        let table = read_bytes("Computer.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
        let mapping = crate::map::auto_map(ItemType::Computer, &table.headers);
        (table, mapping)
    }

    fn duplicates(diags: &[Diagnostic]) -> Vec<(u64, usize, String)> {
        diags
            .iter()
            .filter(|d| d.code() == "duplicate.key")
            .map(|d| {
                let column = d.column.as_ref().map_or(0, |c| c.index);
                (d.line, column, d.message(Lang::En))
            })
            .collect()
    }

    #[test]
    fn duplicate_keys_compare_like_mysql_and_name_the_first_line() {
        let (table, mapping) = computers(
            "Nom;Numéro de série;Numéro d'inventaire\n\
             PC-1;ABC-é1;INV-1\n\
             PC-2; abc-E1 ;INV-2\n\
             PC-3;INV-1;ABC-é1\n\
             PC-4;;\n\
             PC-5;\"&nbsp;\";inv-1\n\
             PC-6;abc-e1;\n\
             pc-4;;\n\
             PC-1;XYZ;\n",
        );
        let (_, diags) = validate_files(&[FileInput {
            table: &table,
            mapping: &mapping,
        }]);
        let found = duplicates(&diags);
        let lines: Vec<(u64, usize)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
        // A row's key is its serial, else its name (as the migration reconciles): the same
        // serial up to case, accents and spaces on lines 3 and 7; the same name without a serial
        // on line 8. The same text in another column (line 4), an inventory number (line 6) and
        // a name shared by rows with their own serials (line 9) are not duplicates.
        assert_eq!(lines, vec![(3, 2), (7, 2), (8, 1)], "{found:?}");
        assert!(found[0].2.contains("already on line 2"), "{found:?}");
        assert!(found[1].2.contains("already on line 2"), "{found:?}");
        assert!(found[2].2.contains("already on line 5"), "{found:?}");
    }

    #[test]
    fn a_key_hashes_like_its_normalised_form() {
        let mut scratch = String::new();
        for (key, normal) in [
            ("PF0009IX", "pf0009ix"),
            ("973-2024-0001", "973-2024-0001"),
            ("AZaz@[`{", "azaz@['{"),
            (" Dupré  Chloé ", "dupre chloe"),
            ("A B", "a b"),
            ("", ""),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                "abcdefghijklmnopqrstuvwxyz0123456789",
            ),
        ] {
            assert_eq!(normalize_label(key), normal);
            let plain = hash_words(3, normal.as_bytes(), false);
            assert_eq!(key_hash(3, key, &mut scratch), plain, "{key:?}");
            assert_ne!(key_hash(4, key, &mut scratch), plain, "the column counts");
        }
        for b in 0u8..0x80 {
            let w = lower_ascii_word(u64::from_le_bytes([b; 8]));
            assert_eq!(w, u64::from_le_bytes([b.to_ascii_lowercase(); 8]), "{b:#x}");
        }
    }

    #[test]
    fn different_keys_sharing_a_hash_are_not_duplicates() {
        let (table, _) = computers("Nom;Numéro de série\nPC-1;AAA\nPC-2;BBB\nPC-3;BBB\n");
        let columns = [ColumnCheck {
            column: 1,
            spec: spec_for(ItemType::Computer, "serial").unwrap(),
            is_key: true,
            key_rank: 0,
            reference: None,
            line_break: Severity::Error,
        }];
        // Pretend all three keys share one hash: the comparison must tell "AAA" from "BBB".
        let mut keys = KeyList::with_capacity(3);
        for record in [2, 0, 1] {
            keys.push(42, record, 0);
        }
        assert_eq!(
            keys.duplicates(&table, &columns),
            vec![(4, 0, "BBB".to_string(), 3)]
        );
    }
}
