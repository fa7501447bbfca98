//! The directory file format: ISO-8859-1, TAB, no quote character, CRLF.

/// Decodes the bytes: Latin-1 as the rules require, but a file that is valid UTF-8 with accented
/// letters is decoded as UTF-8 (and reported) rather than turned into « BÃ©lizaire ».
/// Returns the text and whether UTF-8 content was found.
pub fn decode(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let multibyte = bytes.iter().any(|b| *b >= 0x80);
        return (text.to_string(), multibyte);
    }
    // Windows-1252 reads every byte: a BOM of UTF-16, the only other way, is read as UTF-16.
    let text = crate::read::decode_sniffing(encoding_rs::WINDOWS_1252, bytes).unwrap_or_default();
    (text.into_owned(), false)
}

/// Lines without their CR; no extra record after the final line break.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// The file with the user's cell corrections (line as in diagnostics, the header being line
/// 1; 0-based column), written back in the file's own encoding (UTF-8 stays UTF-8, anything else
/// becomes Windows-1252 as it was read). Corrections outside the file are ignored; a correction
/// holding a TAB or a line break cannot be a cell: its TABs and breaks become spaces.
pub fn corrected(bytes: &[u8], corrections: &[crate::check::Correction]) -> Vec<u8> {
    if corrections.is_empty() {
        return bytes.to_vec();
    }
    let (text, _) = decode(bytes);
    let utf8 = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).is_ok();
    let mut lines: Vec<Vec<String>> = split_lines(&text)
        .into_iter()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    for c in corrections {
        let cell = usize::try_from(c.line)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| lines.get_mut(i))
            .and_then(|cells| cells.get_mut(c.column));
        if let Some(cell) = cell {
            *cell = c.value.replace(['\t', '\r', '\n'], " ");
        }
    }
    let mut out = String::new();
    for cells in &lines {
        out.push_str(&cells.join("\t"));
        out.push_str("\r\n");
    }
    if utf8 {
        out.into_bytes()
    } else {
        crate::read::encode(encoding_rs::WINDOWS_1252, &out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Correction;

    #[test]
    fn corrections_are_written_back_in_the_file_s_encoding() {
        let c = |line, column, value: &str| Correction {
            line,
            column,
            value: value.into(),
        };
        let file = b"MODE\tNOM\r\nC\t\r\nM\tL\xe9o\r\n";
        assert_eq!(
            corrected(file, &[c(2, 1, "Cl\u{e9}ment"), c(9, 0, "x"), c(3, 5, "y")]),
            b"MODE\tNOM\r\nC\tCl\xe9ment\r\nM\tL\xe9o\r\n".to_vec()
        );
        assert_eq!(
            corrected("MODE\tNOM\r\nC\tÉ\r\n".as_bytes(), &[c(2, 1, "a\tb")]),
            "MODE\tNOM\r\nC\ta b\r\n".as_bytes().to_vec()
        );
        assert_eq!(corrected(b"x", &[]), b"x".to_vec());
    }

    #[test]
    fn latin1_and_utf8() {
        assert_eq!(decode(b"B\xe9lizaire"), ("Bélizaire".to_string(), false));
        assert_eq!(
            decode("Bélizaire".as_bytes()),
            ("Bélizaire".to_string(), true)
        );
        assert_eq!(decode(b"plain"), ("plain".to_string(), false));
    }

    #[test]
    fn crlf_and_final_line_break() {
        assert_eq!(split_lines("a\tb\r\nc\td\r\n"), vec!["a\tb", "c\td"]);
        assert_eq!(split_lines("a\r\n\r\nb"), vec!["a", "", "b"]);
    }
}
