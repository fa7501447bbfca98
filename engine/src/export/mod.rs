//! Files the tool writes: diagnostics and rejected rows. Every cell that a spreadsheet would run
//! as a formula (`= + - @`, tab, CR) is neutralised with a leading apostrophe.

use crate::diagnostic::{Diagnostic, Lang, Severity};
use crate::read::Table;
use encoding_rs::Encoding;

/// A cell made safe for spreadsheets.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

fn csv_writer(delimiter: u8, quoting: bool) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(if quoting {
            csv::QuoteStyle::Necessary
        } else {
            csv::QuoteStyle::Never
        })
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// The diagnostics as a UTF-8 CSV (with BOM, `;`, so a French spreadsheet opens it as is).
pub fn diagnostics_csv(diagnostics: &[Diagnostic], lang: Lang) -> Vec<u8> {
    let mut w = csv_writer(b';', true);
    let header: [&str; 8] = match lang {
        Lang::Fr => [
            "fichier",
            "ligne",
            "colonne",
            "nom de colonne",
            "valeur",
            "gravité",
            "code",
            "message",
        ],
        Lang::En => [
            "file",
            "line",
            "column",
            "column name",
            "value",
            "severity",
            "code",
            "message",
        ],
    };
    let _ = w.write_record(header);
    for d in diagnostics {
        let col = d
            .column
            .as_ref()
            .map(|c| c.index.to_string())
            .unwrap_or_default();
        let col_name = d
            .column
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default();
        let value = d.value.clone().unwrap_or_default();
        let line = d.line.to_string();
        let message = d.message(lang);
        let row = [
            d.file.as_str(),
            line.as_str(),
            col.as_str(),
            col_name.as_str(),
            value.as_str(),
            d.severity.label(lang),
            d.code(),
            message.as_str(),
        ];
        let _ = w.write_record(
            row.iter()
                .map(|c| neutralize(c))
                .collect::<Vec<_>>()
                .iter()
                .map(|c| c.as_ref()),
        );
    }
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(w.into_inner().unwrap_or_default());
    out
}

/// Header of the last column of the rejected rows: why each row is rejected. No GLPI field bears
/// this name, so a file dropped again after correction leaves the column out of its mapping.
pub fn reason_header(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Motif du rejet (Passerelle)",
        Lang::En => "Rejection reason (Passerelle)",
    }
}

/// The rows that have an error, with the header, in the original encoding and delimiter, ready to
/// be corrected and dropped again, each with why it is rejected in a last column (its errors'
/// messages in `lang`). Unencodable characters become numeric entities ([`crate::read::encode`]).
pub fn rejected_rows(table: &Table, diagnostics: &[Diagnostic], lang: Lang) -> Vec<u8> {
    let mut reasons: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    for d in diagnostics
        .iter()
        .filter(|d| d.file == table.file && d.severity == Severity::Error && d.line > 1)
    {
        let located = match d.column.as_ref().and_then(|c| c.name.as_deref()) {
            Some(column) => format!("{column} : {}", d.message(lang)),
            None => d.message(lang),
        };
        let row = reasons.entry(d.line).or_default();
        if !row.contains(&located) {
            row.push(located);
        }
    }
    let mut w = csv_writer(table.delimiter as u8, table.quoted);
    let _ = w.write_record(
        table
            .headers
            .iter()
            .map(|c| neutralize(c).into_owned())
            .chain([reason_header(lang).to_string()]),
    );
    for rec in table.rows() {
        let Some(why) = reasons.get(&rec.line) else {
            continue;
        };
        let _ = w.write_record(
            rec.cells
                .iter()
                .map(|c| neutralize(c).into_owned())
                .chain([neutralize(&why.join(" ; ")).into_owned()]),
        );
    }
    let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    let text = if table.line_ending == "\n" {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let encoding = Encoding::for_label(table.encoding.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let bytes = crate::read::encode(encoding, &text);
    let mut out = Vec::new();
    if encoding == encoding_rs::UTF_8 && table.encoding_source == crate::read::EncodingSource::Bom {
        out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    out.extend_from_slice(&bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{read_bytes, ReadOptions};

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-2"), "'-2");
        assert_eq!(neutralize("PC-1"), "PC-1");
    }

    fn error_at(file: &str, line: u64) -> Diagnostic {
        Diagnostic::new(
            file,
            line,
            Severity::Error,
            crate::diagnostic::FileProblem::UnknownType,
        )
    }

    #[test]
    fn rejected_rows_keep_encoding_and_delimiter() {
        let bytes = b"NOM\tPRENOM\r\nB\xe9lizaire\tOc\xe9ane\r\n=cmd\tx\r\n";
        let table = read_bytes("a.tsv", bytes, &ReadOptions::default()).unwrap();
        let lines: Vec<u64> = table.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3], "{:?}", table.records);
        let out = rejected_rows(&table, &[error_at("a.tsv", 3)], Lang::En);
        let why = error_at("a.tsv", 3).message(Lang::En);
        assert_eq!(
            crate::read::decode_as(encoding_rs::WINDOWS_1252, &out).unwrap(),
            format!("NOM\tPRENOM\tRejection reason (Passerelle)\r\n'=cmd\tx\t{why}\r\n")
        );
        // Latin-1 stays Latin-1, the reason included.
        let out = rejected_rows(&table, &[error_at("a.tsv", 2)], Lang::Fr);
        let head =
            b"NOM\tPRENOM\tMotif du rejet (Passerelle)\r\nB\xe9lizaire\tOc\xe9ane\ttype d'objet";
        assert!(out.starts_with(head), "{out:?}");
        assert!(out.ends_with(b"\r\n"));
    }

    #[test]
    fn rejected_rows_say_why_each_row_is_rejected_by_column() {
        let bytes = b"Nom;Lieu\nPC1;X\nPC2;Y\n";
        let table = read_bytes("a.csv", bytes, &ReadOptions::default()).unwrap();
        let at = |line, column: &str| Diagnostic {
            column: Some(crate::diagnostic::ColumnRef {
                index: 2,
                name: Some(column.into()),
            }),
            ..Diagnostic::new(
                "a.csv",
                line,
                Severity::Error,
                crate::validate::ValueProblem::NotDate,
            )
        };
        let warning = Diagnostic::new(
            "a.csv",
            2,
            Severity::Warning,
            crate::diagnostic::FileProblem::UnknownType,
        );
        let out =
            String::from_utf8(rejected_rows(&table, &[at(3, "Lieu"), warning], Lang::Fr)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Nom;Lieu;Motif du rejet (Passerelle)");
        // Only the row with an error, with its column and message; a warning rejects nothing.
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[1].starts_with("PC2;Y;Lieu : "), "{out}");
        assert!(lines[1].contains("date"), "{out}");
    }

    #[test]
    fn diagnostics_csv_is_located_and_bom_prefixed() {
        let csv = String::from_utf8(diagnostics_csv(&[error_at("a.tsv", 3)], Lang::Fr)).unwrap();
        assert!(csv.starts_with("\u{feff}fichier;ligne;"));
        assert!(
            csv.contains("a.tsv;3;;;;ERREUR;detect.unknown_type;type d'objet non reconnu"),
            "{csv}"
        );
        let csv = String::from_utf8(diagnostics_csv(&[error_at("a.tsv", 3)], Lang::En)).unwrap();
        assert!(
            csv.contains("a.tsv;3;;;;ERROR;detect.unknown_type;item type not recognised"),
            "{csv}"
        );
    }
}
