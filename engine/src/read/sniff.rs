//! Guessing the delimiter and the quoting style from the first lines of a file.

/// Delimiters a CSV export may use, in order of preference on ties.
pub const CANDIDATES: [u8; 4] = [b';', b'\t', b',', b'|'];

/// The delimiter whose count per line is the most consistent (and non-zero) over the first lines.
/// Quoted sections are skipped so that `;` inside a comment does not count.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = sample_lines(text, 20);
    let mut best = (b';', 0usize, 0usize);
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let first = counts.first().copied().unwrap_or(0);
        if first == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        if (consistent, first) > (best.1, best.2) {
            best = (d, consistent, first);
        }
    }
    best.0
}

/// True when fields are quoted with `"`: some field starts with a quote. The HR directory format
/// has no quote character, so a `"` inside it is data.
pub fn uses_quotes(text: &str, delimiter: u8) -> bool {
    let d = delimiter as char;
    sample_lines(text, 20).iter().any(|line| {
        line.starts_with('"')
            || line.contains(&format!("{d}\"")) && line.contains(&format!("\"{d}"))
    })
}

fn sample_lines(text: &str, n: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect()
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut inside = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            inside = !inside;
        } else if b == d && !inside {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_with_quoted_commas() {
        let t = "\"Nom\";\"Commentaires\";\n\"a\";\"x, y, z\";\n";
        assert_eq!(sniff_delimiter(t), b';');
        assert!(uses_quotes(t, b';'));
    }

    #[test]
    fn tab_without_quotes() {
        let t = "MODE\tCLE\tNOM\r\nC\t\tDupont \"Jo\"\r\n";
        assert_eq!(sniff_delimiter(t), b'\t');
        assert!(!uses_quotes(t, b'\t'));
    }

    #[test]
    fn comma_and_pipe() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
    }
}
