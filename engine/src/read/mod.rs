//! Reading bytes into rows: encoding, delimiter, quoting, header detection, GLPI export quirks.
//!
//! The result is a [`Table`]: headers, records each with the physical line it starts on, and the
//! diagnostics found while reading (column counts, mixed encodings, …). Reading never panics on
//! user data: what cannot be read is a [`ReadError`] with a message a user can act on.

pub mod cells;
pub mod encoding;
mod single_byte;
pub mod sniff;
pub mod split;

use std::borrow::Cow;

use std::fmt;

use serde::Serialize;

use crate::diagnostic::{ColumnRef, Diagnostic, FileProblem, Lang, Severity};
pub use cells::{CellSource, CellStore, Cells, Corrections};
pub use encoding::{
    decode, decode_as, decode_owned, decode_sniffing, encode, Decoded, EncodingSource,
};

/// Options chosen by the user; `None` means "detect".
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// WHATWG encoding label (`utf-8`, `windows-1252`, `iso-8859-1`…).
    pub encoding: Option<String>,
    /// Field delimiter.
    pub delimiter: Option<u8>,
    /// Whether `"` quotes fields (false for the HR directory format).
    pub quoting: Option<bool>,
}

/// Why a file could not be read at all: the kind of a `read.*` blocking diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values")]
pub enum ReadError {
    /// 0 bytes: GLPI exports an empty search as an empty file.
    #[serde(rename = "read.empty")]
    Empty,
    /// NUL or control bytes: not a text file.
    #[serde(rename = "read.binary")]
    Binary {
        /// Byte offset of the first control byte.
        offset: usize,
    },
    /// The encoding label chosen by the user is unknown.
    #[serde(rename = "read.unknown_encoding")]
    UnknownEncoding(String),
    /// A known encoding the check does not read: the East Asian multi-byte ones (WHATWG name).
    #[serde(rename = "read.unsupported_encoding")]
    UnsupportedEncoding(String),
    /// Only blank lines.
    #[serde(rename = "read.no_lines")]
    NoLines,
    /// More text than one file can hold in memory here.
    #[serde(rename = "read.too_large")]
    TooLarge {
        /// Bytes of decoded text.
        bytes: u64,
    },
}

impl ReadError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Empty => "read.empty",
            ReadError::Binary { .. } => "read.binary",
            ReadError::UnknownEncoding(_) => "read.unknown_encoding",
            ReadError::UnsupportedEncoding(_) => "read.unsupported_encoding",
            ReadError::NoLines => "read.no_lines",
            ReadError::TooLarge { .. } => "read.too_large",
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
            ReadError::Empty => {
                "le fichier est vide (0 octet) : une recherche GLPI sans résultat exporte un fichier vide".into()
            }
            ReadError::Binary { offset } => {
                format!("ce n'est pas un fichier texte : octet de contrôle à la position {offset}")
            }
            ReadError::UnknownEncoding(l) => {
                format!("encodage inconnu « {l} » (essayez utf-8, windows-1252 ou iso-8859-1)")
            }
            ReadError::UnsupportedEncoding(e) => format!(
                "encodage « {e} » non pris en charge : seuls UTF-8, UTF-16 et les encodages d'un octet par caractère (Windows-1252, ISO-8859-…) sont lus ; enregistrez le fichier en UTF-8"
            ),
            ReadError::NoLines => "le fichier ne contient aucune ligne".into(),
            ReadError::TooLarge { bytes } => format!(
                "fichier trop grand ({bytes} octets de texte) : 4 Go au plus ; découpez l'export en plusieurs fichiers"
            ),
        }
    }

    fn en(&self) -> String {
        match self {
            ReadError::Empty => {
                "the file is empty (0 bytes): GLPI exports an empty search as an empty file".into()
            }
            ReadError::Binary { offset } => {
                format!("not a text file: control byte at offset {offset}")
            }
            ReadError::UnknownEncoding(l) => {
                format!("unknown encoding \"{l}\" (try utf-8, windows-1252 or iso-8859-1)")
            }
            ReadError::UnsupportedEncoding(e) => format!(
                "encoding \"{e}\" not supported: only UTF-8, UTF-16 and the one-byte-per-character encodings (Windows-1252, ISO-8859-…) are read; save the file as UTF-8"
            ),
            ReadError::NoLines => "the file holds no line".into(),
            ReadError::TooLarge { bytes } => format!(
                "file too large ({bytes} bytes of text): 4 GiB at most; split the export into several files"
            ),
        }
    }

    /// As a blocking diagnostic on the file.
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        Diagnostic::new(file, 0, Severity::Error, self.clone()).blocking()
    }
}

impl fmt::Display for ReadError {
    /// The French message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr())
    }
}

impl std::error::Error for ReadError {}

/// One record of the file: where it starts and where its cells are in the table's [`CellStore`]
/// (read them with [`Table::rows`] or [`Table::cells`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based physical line where the record starts (the header is line 1).
    pub line: u64,
    /// Number of fields actually found on the line (differs from the header's when malformed).
    pub field_count: usize,
    /// Store index of its first cell.
    first: usize,
}

/// A record with its cells, as [`Table::rows`] gives it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// 0-based index among the table's records.
    pub index: usize,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Number of fields actually found on the line.
    pub field_count: usize,
    /// Cells, as many as the header has (missing ones empty, extra ones kept at the end), with
    /// the user's corrections.
    pub cells: Cells<'a>,
}

/// A file read into rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// File name as given.
    pub file: String,
    /// Encoding used (WHATWG name).
    pub encoding: String,
    /// How the encoding was decided.
    pub encoding_source: EncodingSource,
    /// Field delimiter.
    pub delimiter: char,
    /// Whether fields were quoted.
    pub quoted: bool,
    /// True when every line ended with an extra delimiter (GLPI's CSV export), now removed.
    pub trailing_delimiter: bool,
    /// Line ending seen first (`\r\n` or `\n`).
    pub line_ending: String,
    /// Header cells.
    pub headers: Vec<String>,
    /// Data records, in file order.
    pub records: Vec<Record>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// Every record's cells.
    cells: CellStore,
    /// Cells corrected in place by the user.
    corrections: Corrections,
}

impl Table {
    /// The cells of the record at `index`, with the user's corrections.
    pub fn cells(&self, index: usize) -> Option<Cells<'_>> {
        let record = self.records.get(index)?;
        // Looked up once per record, so that a record with no correction reads its cells with no
        // lookup at all.
        let corrected = !self.corrections.is_empty()
            && self
                .corrections
                .range((index, 0)..(index + 1, 0))
                .next()
                .is_some();
        let corrections = corrected.then_some(&self.corrections);
        Some(Cells::new(
            &self.cells,
            record.first,
            record.field_count,
            self.headers.len(),
            index,
            corrections,
        ))
    }

    /// The records with their cells, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.records.len()).map(move |index| {
            let record = &self.records[index];
            Row {
                index,
                line: record.line,
                field_count: record.field_count,
                cells: self
                    .cells(index)
                    .unwrap_or_else(|| unreachable!("index in range")),
            }
        })
    }

    /// Replaces the cell of the record on `line` at `column` (0-based): an in-place correction,
    /// read instead of the file's value from then on. False when there is no such cell.
    pub fn correct(&mut self, line: u64, column: usize, value: &str) -> bool {
        let Ok(index) = self.records.binary_search_by_key(&line, |r| r.line) else {
            return false;
        };
        let len = self.records[index].field_count.max(self.headers.len());
        if column >= len {
            return false;
        }
        self.corrections.insert((index, column), value.to_string());
        true
    }

    /// A table built from values already split into cells (what another source than a file
    /// gives, such as a GLPI read through its API): each record with the number it is known by
    /// (its `line`), in increasing order so that corrections find it. UTF-8, `;`, no quoting.
    pub fn from_rows(file: &str, headers: Vec<String>, rows: Vec<(u64, Vec<String>)>) -> Table {
        let mut text = String::new();
        let mut ends: Vec<u32> = Vec::new();
        let mut records = Vec::with_capacity(rows.len());
        let width = headers.len();
        let mut rows = rows;
        rows.sort_by_key(|(line, _)| *line);
        for (line, cells) in rows {
            let first = ends.len();
            for i in 0..width {
                // Beyond the store's capacity a cell stays empty rather than panicking.
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                if text.len() + cell.len() <= CellStore::MAX_BYTES {
                    text.push_str(cell);
                }
                ends.push(text.len() as u32);
            }
            records.push(Record {
                line,
                field_count: width,
                first,
            });
        }
        Table {
            file: file.to_string(),
            encoding: "UTF-8".into(),
            encoding_source: EncodingSource::ValidUtf8,
            delimiter: ';',
            quoted: false,
            trailing_delimiter: false,
            line_ending: "\n".into(),
            headers,
            records,
            diagnostics: Vec::new(),
            cells: CellStore::from_parts(text, ends),
            corrections: Corrections::new(),
        }
    }

    /// The header's column reference for a 0-based index.
    pub fn column(&self, index: usize) -> ColumnRef {
        ColumnRef {
            index: index + 1,
            name: self.headers.get(index).cloned(),
        }
    }
}

/// Reads a whole file.
pub fn read_bytes(file: &str, bytes: &[u8], options: &ReadOptions) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let decoded = decode(bytes, options.encoding.as_deref())?;
    read_text(file, decoded, options)
}

/// Reads already decoded text.
pub fn read_text(
    file: &str,
    decoded: Decoded<'_>,
    options: &ReadOptions,
) -> Result<Table, ReadError> {
    read_text_with_progress(file, decoded, options, &mut |_, _| {})
}

/// How often (in records) the `*_with_progress` readers report.
pub const PROGRESS_EVERY: usize = 2000;

/// [`read_bytes`], calling `progress(bytes_done, bytes_total)` of the decoded text as records are
/// read, so a page can show a progress bar on large files.
pub fn read_bytes_with_progress(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let decoded = decode(bytes, options.encoding.as_deref())?;
    read_text_with_progress(file, decoded, options, progress)
}

/// [`read_bytes_with_progress`], taking the bytes: UTF-8 text (the usual export) is split into
/// cells in place, so that a large file is held once instead of twice.
pub fn read_owned_with_progress(
    file: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let decoded = decode_owned(bytes, options.encoding.as_deref())?;
    read_text_with_progress(file, decoded, options, progress)
}

/// [`read_text`] with progress, see [`read_bytes_with_progress`].
pub fn read_text_with_progress(
    file: &str,
    decoded: Decoded<'_>,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    // A byte-order mark left in the text (see `decode_owned`) is read over, not removed.
    let text: &str = decoded
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(&decoded.text);
    if text.trim().is_empty() {
        return Err(ReadError::NoLines);
    }
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff::sniff_delimiter(text));
    let quoted = options
        .quoting
        .unwrap_or_else(|| sniff::uses_quotes(text, delimiter));
    // The first line's ending (a search for "\r\n" through a whole LF file was a tenth of a check
    // in WebAssembly).
    let first_lf = memchr::memchr(b'\n', text.as_bytes());
    let line_ending = match first_lf {
        Some(at) if at > 0 && text.as_bytes()[at - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let mut diagnostics = Vec::new();
    if decoded.utf8_sequences_in_legacy > 0 {
        diagnostics.push(mixed_encoding(file, &decoded));
    }

    // The text becomes the store of cells: moved when it was transcoded, copied once when it is
    // the caller's bytes.
    let total = text.len();
    let skip = decoded.text.len() - text.len();
    let owned = decoded.text.into_owned();
    let mut header: Option<(usize, usize)> = None;
    let mut records: Vec<Record> = Vec::new();
    let store = split::split_in_place(owned, skip, delimiter, quoted, &mut |record, consumed| {
        if records.len().is_multiple_of(PROGRESS_EVERY) {
            progress(consumed.saturating_sub(skip) as u64, total as u64);
        }
        // A line of nothing (not even delimiters) is not a record.
        if record.blank {
            return;
        }
        if header.is_none() {
            header = Some((record.first, record.len));
            return;
        }
        records.push(Record {
            line: record.line,
            field_count: record.len,
            first: record.first,
        });
    })
    .map_err(|split::SplitError::TooLarge| ReadError::TooLarge {
        bytes: total as u64,
    })?;
    let Some((header_first, mut header_len)) = header else {
        return Err(ReadError::NoLines);
    };

    // GLPI ends every line with the delimiter: an empty last column on every line, header included.
    let ends_with_delimiter = |first: usize, len: usize| {
        len > 1 && store.cell_at(first + len - 1).is_some_and(str::is_empty)
    };
    let trailing_delimiter = ends_with_delimiter(header_first, header_len)
        && records
            .iter()
            .all(|r| ends_with_delimiter(r.first, r.field_count));
    if trailing_delimiter {
        header_len -= 1;
    }
    let headers: Vec<String> = (header_first..header_first + header_len)
        .map(|i| store.cell_at(i).unwrap_or("").trim().to_string())
        .collect();
    let width = headers.len();
    for record in &mut records {
        if trailing_delimiter {
            record.field_count -= 1;
        }
        let field_count = record.field_count;
        if field_count != width {
            // A record over several lines with the wrong count is most likely an unclosed quote
            // that swallowed the lines after it: say so, or those lines vanish unexplained.
            diagnostics.push(Diagnostic::new(
                file,
                record.line,
                Severity::Error,
                FileProblem::ColumnCount {
                    found: field_count,
                    expected: width,
                    spans_lines: store.spans_lines(record.first, field_count),
                },
            ));
        }
    }

    Ok(Table {
        file: file.to_string(),
        encoding: decoded.encoding.name().to_string(),
        encoding_source: decoded.source,
        delimiter: delimiter as char,
        quoted,
        trailing_delimiter,
        line_ending: line_ending.to_string(),
        headers,
        records,
        diagnostics,
        cells: store,
        corrections: Corrections::new(),
    })
}

fn mixed_encoding(file: &str, decoded: &Decoded<'_>) -> Diagnostic {
    Diagnostic::new(
        file,
        0,
        Severity::Warning,
        FileProblem::MixedEncoding {
            encoding: decoded.encoding.name().to_string(),
            count: decoded.utf8_sequences_in_legacy,
        },
    )
}

/// GLPI export cell clean-up: `&nbsp;` and a lone space mean empty; HTML entities are decoded.
pub fn glpi_cell_value(raw: &str) -> String {
    glpi_cell_str(raw).into_owned()
}

/// [`glpi_cell_value`] without copying when nothing is decoded (most cells): a slice of `raw`.
#[inline(always)]
pub fn glpi_cell_str(raw: &str) -> Cow<'_, str> {
    let t = trim_cell(raw);
    if t.is_empty() || t == "&nbsp;" {
        return Cow::Borrowed("");
    }
    if !t.contains('&') {
        return Cow::Borrowed(t);
    }
    Cow::Owned(decode_once(t))
}

/// The entities a GLPI cell holds, decoded in one pass: one level only, so that a stored
/// `&#38;amp;` (the HTML `&amp;` as typed) reads `&amp;` and is stored again as it was.
fn decode_once(t: &str) -> String {
    const ENTITIES: [(&str, &str); 9] = [
        ("&nbsp;", " "),
        ("&#60;", "<"),
        ("&#62;", ">"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#38;", "&"),
        ("&amp;", "&"),
    ];
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match ENTITIES.iter().find(|(e, _)| tail.starts_with(e)) {
            Some((e, c)) => {
                out.push_str(c);
                rest = &tail[e.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `str::trim`, with a fast path for the usual cell that begins and ends with ASCII: Unicode
/// white space is only looked for when an end is not ASCII.
#[inline(always)]
pub fn trim_cell(raw: &str) -> &str {
    let t = raw.trim_ascii();
    let plain = |b: Option<&u8>| b.is_none_or(|&b| b.is_ascii() && b != 0x0b);
    if plain(t.as_bytes().first()) && plain(t.as_bytes().last()) {
        t
    } else {
        t.trim()
    }
}

/// Splits a GLPI multi-valued cell (`a<br>b`, `Dupré Chloé <br>Gaillard Inès`) into its values.
pub fn split_multi(value: &str) -> Vec<String> {
    multi_values(value).map(str::to_string).collect()
}

/// The values of a multi-valued cell, as [`split_multi`] gives them, without copying.
pub fn multi_values(value: &str) -> impl Iterator<Item = &str> {
    SplitBr { rest: Some(value) }
        .map(|s| {
            let mut s = s.trim();
            while let Some(shorter) = s.strip_suffix(" -") {
                s = shorter;
            }
            s.trim()
        })
        .filter(|s| !s.is_empty())
}

/// The parts of a text between `<br>` tags. Looks for `<` with `memchr`: a generic substring
/// search was set up anew for every cell, a visible share of a large check in WebAssembly.
struct SplitBr<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for SplitBr<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let mut from = 0;
        while let Some(at) = memchr::memchr(b'<', &rest.as_bytes()[from..]) {
            let at = from + at;
            if rest[at..].starts_with("<br>") {
                self.rest = Some(&rest[at + 4..]);
                return Some(&rest[..at]);
            }
            from = at + 1;
        }
        self.rest = None;
        Some(rest)
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(ReadError, tag = "code", content = "values" {
    "read.empty" => Empty,
    "read.binary" => Binary { offset },
    "read.unknown_encoding" => UnknownEncoding(_),
    "read.unsupported_encoding" => UnsupportedEncoding(_),
    "read.no_lines" => NoLines,
    "read.too_large" => TooLarge { bytes },
});

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Table {
        read_bytes("t.csv", text, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn glpi_format_trailing_delimiter_and_embedded_newline() {
        let t = read(b"\xEF\xBB\xBF\"Nom\";\"Commentaires\";\n\"PC-1\";\"ligne 1\nligne 2\";\n\"PC-2\";\"\";\n");
        assert_eq!(t.headers, vec!["Nom", "Commentaires"]);
        assert!(t.trailing_delimiter);
        assert_eq!(t.records.len(), 2);
        assert_eq!(&t.cells(0).unwrap()[1], "ligne 1\nligne 2");
        assert_eq!(
            t.records[1].line, 4,
            "the second record starts on physical line 4"
        );
        assert!(t.diagnostics.is_empty());
    }

    #[test]
    fn short_lines_read_padded_long_ones_whole_and_corrections_apply_by_line() {
        let mut t = read(b"a;b;c\n1;2;3\n\n4;5\n6;7;8;9\n");
        let rows: Vec<(u64, usize, Vec<String>)> = t
            .rows()
            .map(|r| (r.line, r.field_count, r.cells.to_vec()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (2, 3, vec!["1".into(), "2".into(), "3".into()]),
                (4, 2, vec!["4".into(), "5".into(), "".into()]),
                (5, 4, vec!["6".into(), "7".into(), "8".into(), "9".into()]),
            ]
        );
        assert!(t.correct(4, 2, "five"));
        assert!(t.correct(5, 3, "nine"));
        assert!(!t.correct(3, 0, "x"), "line 3 is blank: no record");
        assert!(!t.correct(2, 3, "x"), "no fourth column on line 2");
        assert_eq!(t.cells(1).unwrap().to_vec(), vec!["4", "5", "five"]);
        assert_eq!(&t.cells(2).unwrap()[3], "nine");
        assert_eq!(t.cells(0).unwrap().uncorrected_text(), Some("123"));
        assert_eq!(t.cells(1).unwrap().uncorrected_text(), None);
        assert!(t.cells(3).is_none());
    }

    #[test]
    fn directory_format_has_no_quote_character() {
        let t = read(b"MODE\tNOM\tCOMMENTAIRE\r\nC\tDupont\tdit \"Jo\"\r\n");
        assert!(!t.quoted);
        assert_eq!(&t.cells(0).unwrap()[2], "dit \"Jo\"");
        assert_eq!(t.line_ending, "\r\n");
        assert_eq!(t.records.len(), 1, "no extra record after the final CRLF");
    }

    #[test]
    fn column_count_mismatch_is_located() {
        let t = read(b"a;b;c\n1;2;3\n1;2\n1;2;3;4\n");
        let lines: Vec<u64> = t.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![3, 4]);
        assert!(t.diagnostics[0]
            .message(crate::diagnostic::Lang::Fr)
            .contains("2 colonnes au lieu de 3"));
    }

    #[test]
    fn an_unclosed_quote_that_swallows_lines_is_pointed_at() {
        let t = read(b"a;b\n1;2\n\"3;4\n5;6\n7;8\n");
        assert_eq!(t.records.len(), 2, "the rest of the file is one cell");
        let d = &t.diagnostics[0];
        assert_eq!((d.line, d.code()), (3, "read.column_count"));
        assert!(
            d.message(crate::diagnostic::Lang::Fr)
                .contains("guillemet non fermé"),
            "{}",
            d.message(crate::diagnostic::Lang::Fr)
        );
        assert!(
            d.message(crate::diagnostic::Lang::En)
                .contains("unclosed quote"),
            "{}",
            d.message(crate::diagnostic::Lang::En)
        );
        // A short line on one line gets no such hint.
        let t = read(b"a;b\n1\n");
        assert!(!t.diagnostics[0]
            .message(crate::diagnostic::Lang::Fr)
            .contains("guillemet"));
    }

    #[test]
    fn crlf_line_numbers_count_like_a_user() {
        let t = read(b"A\tB\r\n1\t2\r\n3\r\n5\t6\r\n");
        let lines: Vec<u64> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert_eq!(t.diagnostics[0].line, 3);
    }

    #[test]
    fn empty_header_only_and_blank() {
        assert_eq!(
            read_bytes("e", b"", &ReadOptions::default()).unwrap_err(),
            ReadError::Empty
        );
        assert_eq!(
            read_bytes("e", b"\n\n  \n", &ReadOptions::default()).unwrap_err(),
            ReadError::NoLines
        );
        let t = read(b"\"Nom\";\n");
        assert_eq!(t.records.len(), 0);
    }

    #[test]
    fn glpi_cells() {
        assert_eq!(glpi_cell_value("&nbsp;"), "");
        assert_eq!(glpi_cell_value(" "), "");
        assert_eq!(glpi_cell_value("a &#60;b&#62; &#38; c"), "a <b> & c");
        // One level: the HTML `&amp;` typed in a ticket, stored `&#38;amp;`, stays `&amp;`.
        assert_eq!(
            glpi_cell_value("&#60;p&#62;120 ms &#38;amp; pertes&#60;/p&#62;"),
            "<p>120 ms &amp; pertes</p>"
        );
        assert_eq!(
            split_multi("Dupré Chloé <br>Gaillard Inès"),
            vec!["Dupré Chloé", "Gaillard Inès"]
        );
        assert_eq!(split_multi("PC-1 -"), vec!["PC-1"]);
        assert_eq!(
            split_multi("<br>a <b>x</b> - -<br><br><br b><br>c<br"),
            vec!["a <b>x</b>", "<br b>", "c<br"]
        );
    }

    #[test]
    fn the_fast_trim_trims_like_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\u{b}a\u{b}",
            "\u{a0}a\u{202f}",
            "\u{c}\ta\r\n",
            "é ",
            " é",
            "\u{3000}x",
            "x\u{85}",
            "\u{1c}a",
        ] {
            assert_eq!(trim_cell(s), s.trim(), "{s:?}");
        }
    }
}
