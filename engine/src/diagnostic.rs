//! Diagnostics: what the engine reports about a file, located precisely enough to act on.
//!
//! Every problem found anywhere (reading, validation, the HR directory rules) ends up as a
//! [`Diagnostic`]: file, line, column, value, a stable code, a message in French and English,
//! and a severity. Modules describe their own problems with typed enums and convert them here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Interface language: French first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Français (default).
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, in the order of the page's switch.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code (`<html lang>`, saved preference).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a code saved by [`Lang::code`]; anything else is `None` (callers fall back to
    /// French).
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only: nothing to fix.
    Info,
    /// The row is kept, but something was assumed or changed.
    Warning,
    /// The row (or, when blocking, the whole file) cannot be imported as is.
    Error,
}

impl Severity {
    /// Label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Info, Lang::Fr) => "INFO",
            (Severity::Info, Lang::En) => "INFO",
            (Severity::Warning, Lang::Fr) => "AVERTISSEMENT",
            (Severity::Warning, Lang::En) => "WARNING",
            (Severity::Error, Lang::Fr) => "ERREUR",
            (Severity::Error, Lang::En) => "ERROR",
        }
    }
}

/// A column, by position (1-based, as a spreadsheet user counts) and by header name when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColumnRef {
    /// 1-based column number.
    pub index: usize,
    /// Header text of the column, when the file has one.
    pub name: Option<String>,
}

/// A problem a user should know about, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Name of the file the problem is in.
    pub file: String,
    /// 1-based physical line where the record starts (the header is line 1); 0 for the file itself.
    pub line: u64,
    /// Column concerned, if any.
    pub column: Option<ColumnRef>,
    /// The offending value as read, if any.
    pub value: Option<String>,
    /// Stable machine-readable code (e.g. `date.invalid`, `directory.header.unknown_column`).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// True when the problem stops the whole file (e.g. the directory's phase one).
    pub blocking: bool,
    /// Message in French.
    pub message_fr: String,
    /// Message in English.
    pub message_en: String,
}

impl Diagnostic {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.message_fr,
            Lang::En => &self.message_en,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: SEVERITY: message` in French, like a compiler, so editors can jump to it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(col) = &self.column {
            write!(f, ":{}", col.index)?;
        }
        write!(
            f,
            ": {}: {}",
            self.severity.label(Lang::Fr),
            self.message_fr
        )
    }
}
