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
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
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

#[cfg(test)]
mod tests {
    use super::*;

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
