//! GLPI 10's text handling: HTML sanitising on input, accent- and case-insensitive comparison.

/// Stores `<`, `>` and `&` as numeric entities, as GLPI 10 does on every input string.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            c => out.push(c),
        }
    }
    out
}

/// Decodes what [`sanitize`] encoded (the `X-GLPI-Sanitized-Content: false` output).
pub fn unsanitize(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// Lower case without accents: MySQL's default collation compares this way.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let base = match c {
                'à' | 'â' | 'ä' | 'á' | 'ã' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' => 'i',
                'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' => 'o',
                'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
                'ç' | 'Ç' => 'c',
                'ñ' | 'Ñ' => 'n',
                'ÿ' | 'Ÿ' => 'y',
                c => c,
            };
            base.to_lowercase()
        })
        .collect()
}

/// GLPI's `contains` search: `^` anchors the start, `$` the end, otherwise a substring match.
pub fn contains_match(stored: &str, pattern: &str) -> bool {
    let pattern = pattern.trim();
    let (start, p) = match pattern.strip_prefix('^') {
        Some(p) => (true, p),
        None => (false, pattern),
    };
    let (end, p) = match p.strip_suffix('$') {
        Some(p) => (true, p),
        None => (false, p),
    };
    let s = fold(stored);
    let p = fold(p);
    match (start, end) {
        (true, true) => s == p,
        (true, false) => s.starts_with(&p),
        (false, true) => s.ends_with(&p),
        (false, false) => s.contains(&p),
    }
}

/// The current time as GLPI writes it, `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitising_round_trip() {
        assert_eq!(sanitize("a<b>&\"'"), "a&#60;b&#62;&#38;\"'");
        assert_eq!(unsanitize(&sanitize("x & <y>")), "x & <y>");
    }

    #[test]
    fn contains_anchors_case_and_accents() {
        assert!(contains_match("Élève", "eleve"));
        assert!(contains_match("Élève", "^élève$"));
        assert!(!contains_match("Élève 2", "^élève$"));
        assert!(contains_match("PC-CAY-0001", "^pc-cay"));
        assert!(!contains_match("x&#60;b&#62;", "^x<b>$"));
    }

    #[test]
    fn now_has_glpi_format() {
        let n = now();
        assert_eq!(n.len(), 19);
        assert_eq!(&n[4..5], "-");
        assert_eq!(&n[10..11], " ");
    }
}
