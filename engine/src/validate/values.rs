//! Field-level checks and normalisation: one cell against its field's kind.

use crate::detect::normalize_label;
use crate::diagnostic::Lang;
use crate::map::{EnumKind, FieldKind};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

use crate::read::{glpi_cell_str, multi_values as multi, trim_cell};

/// A problem with one value: the kind of a `value.*` diagnostic, with the faulty part when it is
/// not the whole cell (one address of a multi-valued cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "values")]
pub enum ValueProblem {
    /// Required and empty.
    #[serde(rename = "value.missing")]
    Missing,
    /// A line break inside a single-line field: usually `\n` or `\r` typed in a value and stored by GLPI as a real line break.
    #[serde(rename = "value.line_break")]
    LineBreak,
    /// Longer than GLPI's column.
    #[serde(rename = "value.too_long")]
    TooLong {
        /// Length in characters.
        len: usize,
    },
    /// Not a whole number.
    #[serde(rename = "value.integer")]
    NotInteger,
    /// Not a decimal.
    #[serde(rename = "value.decimal")]
    NotDecimal,
    /// Not a date.
    #[serde(rename = "value.date")]
    NotDate,
    /// Not a date and time.
    #[serde(rename = "value.datetime")]
    NotDateTime,
    /// Not an IP address (the faulty address).
    #[serde(rename = "value.ip")]
    NotIp(String),
    /// Not a MAC address (the faulty address).
    #[serde(rename = "value.mac")]
    NotMac(String),
    /// Not an e-mail (the faulty address).
    #[serde(rename = "value.email")]
    NotEmail(String),
    /// Not a phone number.
    #[serde(rename = "value.phone")]
    NotPhone,
    /// Not yes/no.
    #[serde(rename = "value.yes_no")]
    NotYesNo,
    /// Not in the enumeration (which one).
    #[serde(rename = "value.enum")]
    NotInEnum(EnumKind),
}

impl ValueProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ValueProblem::Missing => "value.missing",
            ValueProblem::LineBreak => "value.line_break",
            ValueProblem::TooLong { .. } => "value.too_long",
            ValueProblem::NotInteger => "value.integer",
            ValueProblem::NotDecimal => "value.decimal",
            ValueProblem::NotDate => "value.date",
            ValueProblem::NotDateTime => "value.datetime",
            ValueProblem::NotIp(_) => "value.ip",
            ValueProblem::NotMac(_) => "value.mac",
            ValueProblem::NotEmail(_) => "value.email",
            ValueProblem::NotPhone => "value.phone",
            ValueProblem::NotYesNo => "value.yes_no",
            ValueProblem::NotInEnum(_) => "value.enum",
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
            ValueProblem::Missing => "valeur obligatoire manquante".into(),
            ValueProblem::LineBreak => "retour à la ligne dans une valeur sur une ligne (souvent « \\n » ou « \\r » saisi, par exemple DOMAINE\\nom, et enregistré par GLPI comme un vrai retour à la ligne)".into(),
            ValueProblem::TooLong { len } => format!("{len} caractères : GLPI en accepte 255 au plus"),
            ValueProblem::NotInteger => "nombre entier attendu".into(),
            ValueProblem::NotDecimal => "nombre décimal attendu (virgule ou point)".into(),
            ValueProblem::NotDate => "date attendue (AAAA-MM-JJ, JJ/MM/AAAA ou JJ-MM-AAAA)".into(),
            ValueProblem::NotDateTime => "date et heure attendues (AAAA-MM-JJ HH:MM[:SS] ou JJ/MM/AAAA HH:MM)".into(),
            ValueProblem::NotIp(v) => format!("adresse IP invalide : « {v} »"),
            ValueProblem::NotMac(v) => format!("adresse MAC invalide : « {v} » (attendu aa:bb:cc:dd:ee:ff)"),
            ValueProblem::NotEmail(v) => format!("adresse électronique invalide : « {v} »"),
            ValueProblem::NotPhone => "numéro de téléphone invalide (chiffres, espaces, + . - ( ) seulement)".into(),
            ValueProblem::NotYesNo => "Oui ou Non attendu".into(),
            ValueProblem::NotInEnum(e) => format!("valeur inconnue ; valeurs permises : {}", e.expected_fr()),
        }
    }

    fn en(&self) -> String {
        match self {
            ValueProblem::Missing => "required value missing".into(),
            ValueProblem::LineBreak => "line break in a single-line value (often \\n or \\r typed, e.g. DOMAIN\\name, stored by GLPI as a real line break)".into(),
            ValueProblem::TooLong { len } => format!("{len} characters: GLPI accepts 255 at most"),
            ValueProblem::NotInteger => "whole number expected".into(),
            ValueProblem::NotDecimal => "decimal number expected (comma or point)".into(),
            ValueProblem::NotDate => "date expected (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY)".into(),
            ValueProblem::NotDateTime => "date and time expected (YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM)".into(),
            ValueProblem::NotIp(v) => format!("invalid IP address: \"{v}\""),
            ValueProblem::NotMac(v) => format!("invalid MAC address: \"{v}\" (expected aa:bb:cc:dd:ee:ff)"),
            ValueProblem::NotEmail(v) => format!("invalid e-mail address: \"{v}\""),
            ValueProblem::NotPhone => "invalid phone number (digits, spaces, + . - ( ) only)".into(),
            ValueProblem::NotYesNo => "Yes or No expected".into(),
            ValueProblem::NotInEnum(e) => format!("unknown value; allowed: {}", e.expected_en()),
        }
    }
}

impl fmt::Display for ValueProblem {
    /// The French message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr())
    }
}

impl std::error::Error for ValueProblem {}

/// Checks a raw cell against a field kind; returns the value as GLPI wants it.
pub fn check_value(raw: &str, kind: FieldKind, required: bool) -> Result<String, ValueProblem> {
    check_cell(raw, kind, required).map(Cow::into_owned)
}

/// [`check_value`] without copying the value when it is already as GLPI wants it (most cells):
/// the validation of a whole file allocates only for values that change.
pub fn check_cell(
    raw: &str,
    kind: FieldKind,
    required: bool,
) -> Result<Cow<'_, str>, ValueProblem> {
    let value = clean_cell(raw, kind, required)?;
    Ok(if value.is_empty() {
        value
    } else {
        normalized(value, kind)
    })
}

/// Checks a raw cell against a field kind like [`check_cell`], but returns the cell only cleaned
/// (trimmed, HTML entities decoded), not normalised: what a validation needs, without building
/// the normalised text of every date or number of a large file.
#[inline]
pub fn clean_cell(
    raw: &str,
    kind: FieldKind,
    required: bool,
) -> Result<Cow<'_, str>, ValueProblem> {
    clean_cell_in(raw, kind, required, false)
}

/// [`clean_cell`], told whether the whole record is known to hold no `&` and no line break (one
/// SIMD search per record instead of one scan per cell). Inlined into the validation loop: a
/// result returned through memory was read back too early (a store-forwarding stall per cell).
#[inline(always)]
pub(crate) fn clean_cell_in(
    raw: &str,
    kind: FieldKind,
    required: bool,
    record_plain: bool,
) -> Result<Cow<'_, str>, ValueProblem> {
    let trimmed = trim_cell(raw);
    let plain = record_plain || !has_entity_or_break(trimmed.as_bytes());
    let value = if plain {
        Cow::Borrowed(trimmed)
    } else {
        glpi_cell_str(raw)
    };
    if value.is_empty() {
        return if required {
            Err(ValueProblem::Missing)
        } else {
            Ok(value)
        };
    }
    // The `<br>` exception is only looked for when there is a line break.
    if !plain
        && memchr::memchr2(b'\n', b'\r', value.as_bytes()).is_some()
        && !matches!(kind, FieldKind::LongText | FieldKind::Ignored)
        && !matches!(kind, FieldKind::UserName | FieldKind::GroupPath | FieldKind::Text if value.contains("<br>"))
    {
        return Err(ValueProblem::LineBreak);
    }
    match kind {
        // The usual text cell: nothing more to look at (a character takes at least one byte).
        FieldKind::Text
        | FieldKind::Dropdown
        | FieldKind::TreePath
        | FieldKind::GroupPath
        | FieldKind::UserName
            if value.len() <= 255 =>
        {
            Ok(value)
        }
        FieldKind::LongText | FieldKind::Ignored => Ok(value),
        _ => match kind_problem(&value, kind) {
            Some(problem) => Err(problem),
            None => Ok(value),
        },
    }
}

/// True when the bytes hold `&` (an entity to decode) or a line break.
#[inline(always)]
pub(crate) fn has_entity_or_break(bytes: &[u8]) -> bool {
    memchr::memchr3(b'&', b'\n', b'\r', bytes).is_some()
}

/// What is wrong with a cleaned, non-empty value for its kind, if anything. Allocates only to
/// name the faulty part of a multi-valued cell.
fn kind_problem(value: &str, kind: FieldKind) -> Option<ValueProblem> {
    match kind {
        FieldKind::Text
        | FieldKind::Dropdown
        | FieldKind::TreePath
        | FieldKind::GroupPath
        | FieldKind::UserName => {
            // A character takes at least one byte: only long texts need counting.
            if value.len() > 255 {
                let len = value.chars().count();
                if len > 255 {
                    return Some(ValueProblem::TooLong { len });
                }
            }
            None
        }
        FieldKind::LongText | FieldKind::Ignored => None,
        FieldKind::Integer => {
            (!is_number(without_unit(value), false)).then_some(ValueProblem::NotInteger)
        }
        FieldKind::Decimal => {
            (!is_number(without_unit(value), true)).then_some(ValueProblem::NotDecimal)
        }
        FieldKind::Date => date_parts(value).is_none().then_some(ValueProblem::NotDate),
        FieldKind::DateTime => datetime_parts(value)
            .is_none()
            .then_some(ValueProblem::NotDateTime),
        FieldKind::Ips => multi(value)
            .find(|ip| ip.parse::<std::net::IpAddr>().is_err())
            .map(|ip| ValueProblem::NotIp(ip.to_string())),
        FieldKind::Macs => multi(value)
            .find(|mac| !is_mac(mac))
            .map(|mac| ValueProblem::NotMac(mac.to_string())),
        FieldKind::Emails => multi(value)
            .find(|e| !is_email(e))
            .map(|e| ValueProblem::NotEmail(e.to_string())),
        FieldKind::Phone => {
            let ok = value
                .chars()
                .all(|c| c.is_ascii_digit() || " +.-()/".contains(c))
                && value.chars().filter(char::is_ascii_digit).count() >= 3
                && value.len() <= 30;
            (!ok).then_some(ValueProblem::NotPhone)
        }
        FieldKind::YesNo => yes_no(value).is_none().then_some(ValueProblem::NotYesNo),
        FieldKind::Enum(e) => enum_value(value, e)
            .is_none()
            .then_some(ValueProblem::NotInEnum(e)),
    }
}

/// A checked, non-empty value as GLPI wants it, borrowed when it already is.
pub(crate) fn normalized(value: Cow<'_, str>, kind: FieldKind) -> Cow<'_, str> {
    let owned = match kind {
        FieldKind::Integer if value.contains(SPACES) => integer(without_unit(&value)),
        FieldKind::Decimal if value.contains(SPACES) || value.contains(',') => {
            decimal(without_unit(&value))
        }
        FieldKind::Date => {
            let (len, text) = match date_parts(&value) {
                Some(p) if p.normalized => (p.len, None),
                Some(p) => (p.len, Some(p.to_string())),
                None => (value.len(), None),
            };
            return text.map_or_else(|| prefix(value, len), Cow::Owned);
        }
        FieldKind::DateTime => datetime(&value),
        FieldKind::Macs
            if !value
                .bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'-') =>
        {
            Some(value.to_lowercase().replace('-', ":"))
        }
        FieldKind::YesNo => {
            return Cow::Borrowed(if yes_no(&value) == Some(true) {
                "1"
            } else {
                "0"
            })
        }
        FieldKind::Enum(e) => enum_value(&value, e).map(|n| n.to_string()),
        _ => None,
    };
    owned.map_or(value, Cow::Owned)
}

/// `Oui`/`Yes`/`1` or `Non`/`No`/`0`, in any case.
fn yes_no(value: &str) -> Option<bool> {
    match normalize_label(value).as_str() {
        "oui" | "yes" | "1" => Some(true),
        "non" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// What GLPI and French users put between thousands.
const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// A number without the unit GLPI's exports write after it (`5 ans`, `45 %`, `2048 Mio`,
/// `899,00 €`): the last word, after a space, when it holds no digit and is short. `1 200`
/// keeps its thousands.
fn without_unit(value: &str) -> &str {
    let trimmed = value.trim_end_matches(SPACES);
    match trimmed.rsplit_once(SPACES) {
        Some((number, unit))
            if !unit.is_empty()
                && unit.chars().count() <= 12
                && !unit
                    .chars()
                    .any(|c| c.is_ascii_digit() || c == '-' || c == ',' || c == '.') =>
        {
            number.trim_end_matches(SPACES)
        }
        _ => trimmed,
    }
}

/// The first `len` bytes of a checked value, borrowed when the value is.
fn prefix(value: Cow<'_, str>, len: usize) -> Cow<'_, str> {
    match value {
        Cow::Borrowed(s) => Cow::Borrowed(&s[..len]),
        Cow::Owned(s) => Cow::Owned(s[..len].to_string()),
    }
}

/// An integer (or, with `fraction`, a decimal with `.` or `,`) once the thousands spaces are
/// left out: the shapes [`integer`] and [`decimal`] accept, checked without building them.
fn is_number(value: &str, fraction: bool) -> bool {
    let mut chars = value.chars().filter(|c| !SPACES.contains(c)).peekable();
    if chars.peek() == Some(&'-') {
        chars.next();
    }
    let (mut int, mut frac, mut in_fraction) = (0usize, 0usize, false);
    for c in chars {
        match c {
            '0'..='9' if in_fraction => frac += 1,
            '0'..='9' => int += 1,
            '.' | ',' if fraction && !in_fraction => in_fraction = true,
            _ => return false,
        }
    }
    int > 0 && (!in_fraction || frac > 0)
}

/// `"2 409"` -> `2409`.
pub fn integer(value: &str) -> Option<String> {
    let digits: String = value.chars().filter(|c| !SPACES.contains(c)).collect();
    is_integer(&digits).then_some(digits)
}

/// An optional `-` then at least one ASCII digit.
fn is_integer(value: &str) -> bool {
    let body = value.strip_prefix('-').unwrap_or(value);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

/// `"1 049,50"` -> `1049.50`.
pub fn decimal(value: &str) -> Option<String> {
    let compact: String = value
        .chars()
        .filter(|c| !SPACES.contains(c))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    is_decimal(&compact).then_some(compact)
}

/// Digits, an optional `.` followed by digits, an optional leading `-`.
fn is_decimal(compact: &str) -> bool {
    let body = compact.strip_prefix('-').unwrap_or(compact);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A date read from the start of a value.
struct DateParts<'a> {
    y: u32,
    m: u32,
    day: u32,
    /// Byte length of the date part.
    len: usize,
    /// True when the date part is already `YYYY-MM-DD`.
    normalized: bool,
    /// What follows the date, trimmed.
    rest: &'a str,
}

impl std::fmt::Display for DateParts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.day)
    }
}

/// Parses a date in GLPI's or French formats, without allocating: three runs of digits joined
/// by `-`, `/` or `.`, the year first or last, then optionally a space and the rest. Read byte by
/// byte: string splitting and `parse` were a visible share of checking a large export.
fn date_parts(value: &str) -> Option<DateParts<'_>> {
    let (d, rest) = match value.bytes().position(|b| b == b' ') {
        Some(at) => (&value[..at], value[at + 1..].trim()),
        None => (value, ""),
    };
    let mut nums = [0u32; 3];
    let mut lens = [0usize; 3];
    let mut part = 0;
    for &b in d.as_bytes() {
        match b {
            b'0'..=b'9' => {
                nums[part] = nums[part]
                    .checked_mul(10)?
                    .checked_add(u32::from(b - b'0'))?;
                lens[part] += 1;
            }
            b'-' | b'/' | b'.' if part < 2 => part += 1,
            _ => return None,
        }
    }
    if part != 2 || lens.contains(&0) {
        return None;
    }
    let (y, m, day) = if lens[0] == 4 {
        (nums[0], nums[1], nums[2])
    } else if lens[2] == 4 {
        (nums[2], nums[1], nums[0])
    } else {
        return None;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m)
        || day == 0
        || day > days[(m - 1) as usize]
        || !(1900..=2200).contains(&y)
    {
        return None;
    }
    let db = d.as_bytes();
    let normalized = db.len() == 10 && lens[0] == 4 && db[4] == b'-' && db[7] == b'-';
    Some(DateParts {
        y,
        m,
        day,
        len: d.len(),
        normalized,
        rest,
    })
}

/// Parses a date in GLPI's or French formats, returning `YYYY-MM-DD` and the rest of the text.
fn date(value: &str) -> Option<(String, &str)> {
    date_parts(value).map(|p| (p.to_string(), p.rest))
}

/// A date and its optional time, `[hours, minutes, seconds]`, read without allocating.
fn datetime_parts(value: &str) -> Option<(DateParts<'_>, [u32; 3])> {
    let p = date_parts(value)?;
    // `HH:MM` or `HH:MM:SS`, two digits each.
    let mut nums = [0u32; 3];
    let rest = p.rest.as_bytes();
    if !rest.is_empty() {
        if !(rest.len() == 5 || rest.len() == 8) {
            return None;
        }
        for (i, n) in nums.iter_mut().enumerate().take(rest.len().div_ceil(3)) {
            let (hi, lo) = (rest[3 * i], rest[3 * i + 1]);
            if !hi.is_ascii_digit()
                || !lo.is_ascii_digit()
                || rest.get(3 * i + 2).is_some_and(|&c| c != b':')
            {
                return None;
            }
            *n = u32::from(hi - b'0') * 10 + u32::from(lo - b'0');
        }
        let [h, mi, sec] = nums;
        if h >= 24 || mi >= 60 || sec >= 60 {
            return None;
        }
    }
    Some((p, nums))
}

/// Parses a date with an optional time, normalised to `YYYY-MM-DD HH:MM:SS`.
pub fn datetime(value: &str) -> Option<String> {
    let (p, [h, mi, sec]) = datetime_parts(value)?;
    // Written by hand: `format!` was a visible share of checking a large export.
    let mut out = String::with_capacity(19);
    push_digits(&mut out, p.y, 4);
    out.push('-');
    push_digits(&mut out, p.m, 2);
    out.push('-');
    push_digits(&mut out, p.day, 2);
    out.push(' ');
    push_digits(&mut out, h, 2);
    out.push(':');
    push_digits(&mut out, mi, 2);
    out.push(':');
    push_digits(&mut out, sec, 2);
    Some(out)
}

/// `n` as `width` decimal digits, zero-padded (`n` fits: years and time parts).
fn push_digits(out: &mut String, n: u32, width: u32) {
    for i in (0..width).rev() {
        let d = (n / 10u32.pow(i)) % 10;
        out.push(char::from(b'0' + d as u8));
    }
}

/// Normalises a date to `YYYY-MM-DD`.
pub fn normalize_date(value: &str) -> Option<String> {
    date(value)
        .filter(|(_, rest)| rest.is_empty())
        .map(|(d, _)| d)
}

fn is_mac(v: &str) -> bool {
    let mut n = 0;
    v.split([':', '-']).all(|p| {
        n += 1;
        p.len() == 2 && p.bytes().all(|c| c.is_ascii_hexdigit())
    }) && n == 6
}

fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !domain.contains('@')
}

/// The numeric value of an enumeration label or number.
pub fn enum_value(value: &str, kind: EnumKind) -> Option<u8> {
    if let Ok(n) = value.trim().parse::<u8>() {
        return (kind.min()..=kind.max()).contains(&n).then_some(n);
    }
    let norm = normalize_label(value);
    kind.labels()
        .iter()
        .find(|(l, n)| *l == norm && *n <= kind.max())
        .map(|(_, n)| *n)
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(ValueProblem, tag = "code", content = "values" {
    "value.missing" => Missing,
    "value.line_break" => LineBreak,
    "value.too_long" => TooLong { len },
    "value.integer" => NotInteger,
    "value.decimal" => NotDecimal,
    "value.date" => NotDate,
    "value.datetime" => NotDateTime,
    "value.ip" => NotIp(_),
    "value.mac" => NotMac(_),
    "value.email" => NotEmail(_),
    "value.phone" => NotPhone,
    "value.yes_no" => NotYesNo,
    "value.enum" => NotInEnum(_),
});

#[cfg(test)]
mod tests {
    use super::*;
    use FieldKind::*;

    #[test]
    fn numbers() {
        assert_eq!(check_value("2 409", Integer, false).unwrap(), "2409");
        assert_eq!(check_value("1 049.00", Decimal, false).unwrap(), "1049.00");
        assert_eq!(check_value("899,5", Decimal, false).unwrap(), "899.5");
        assert_eq!(
            check_value("12a", Integer, false),
            Err(ValueProblem::NotInteger)
        );
        assert_eq!(
            check_value("1,2,3", Decimal, false),
            Err(ValueProblem::NotDecimal)
        );
        // GLPI's exports write some numbers with their unit: the number is what is kept.
        assert_eq!(check_value("5 ans", Integer, false).unwrap(), "5");
        assert_eq!(check_value("45 %", Integer, false).unwrap(), "45");
        assert_eq!(check_value("2 048 Mio", Integer, false).unwrap(), "2048");
        assert_eq!(check_value("899,00 €", Decimal, false).unwrap(), "899.00");
        assert_eq!(
            check_value("5 ans 3", Integer, false),
            Err(ValueProblem::NotInteger),
            "a unit is the last word"
        );
        assert_eq!(
            check_value("Mio", Integer, false),
            Err(ValueProblem::NotInteger)
        );
    }

    #[test]
    fn dates_in_glpi_and_french_formats() {
        assert_eq!(
            check_value("2026-03-02 09:50", DateTime, false).unwrap(),
            "2026-03-02 09:50:00"
        );
        assert_eq!(
            check_value("02/03/2026 09:50", DateTime, false).unwrap(),
            "2026-03-02 09:50:00"
        );
        assert_eq!(
            check_value("02-03-2026", DateTime, false).unwrap(),
            "2026-03-02 00:00:00"
        );
        assert_eq!(
            check_value("2026-02-01", Date, false).unwrap(),
            "2026-02-01"
        );
        assert_eq!(
            check_value("31/02/2026", Date, false),
            Err(ValueProblem::NotDate)
        );
        assert_eq!(
            check_value("2026-03-02 25:00", DateTime, false),
            Err(ValueProblem::NotDateTime)
        );
        assert_eq!(
            check_value("29/02/2024", Date, false).unwrap(),
            "2024-02-29"
        );
        for (raw, kind, expected) in [
            ("2026-3-2", Date, Some("2026-03-02")),
            ("1.2.2026", Date, Some("2026-02-01")),
            ("0000002026-01-02", Date, None),
            ("2026-01-02 anything", Date, Some("2026-01-02")),
            ("2026--01", Date, None),
            ("2026-01-02-03", Date, None),
            ("26-01-02", Date, None),
            ("2026-01-0x", Date, None),
            ("99999999999-01-01", Date, None),
            ("2026-01-02 10:30:15", DateTime, Some("2026-01-02 10:30:15")),
            ("2026-01-02  10:30", DateTime, Some("2026-01-02 10:30:00")),
            ("2026-01-02 10:3", DateTime, None),
            ("2026-01-02 10:30:", DateTime, None),
            ("2026-01-02 10-30", DateTime, None),
            ("2026-01-02 +1:30", DateTime, None),
            ("2026-01-02 10:30:15:00", DateTime, None),
            ("2026-01-02 23:59:60", DateTime, None),
        ] {
            assert_eq!(
                check_value(raw, kind, false).ok().as_deref(),
                expected,
                "{raw:?} as {kind:?}"
            );
        }
    }

    #[test]
    fn network_and_contact_values() {
        assert!(check_value("10.73.10.20<br>fe80::1", Ips, false).is_ok());
        assert_eq!(
            check_value("10.73.10.256", Ips, false),
            Err(ValueProblem::NotIp("10.73.10.256".into()))
        );
        assert_eq!(
            check_value("A4-BB-6D-A0-1F-51", Macs, false).unwrap(),
            "a4:bb:6d:a0:1f:51"
        );
        assert!(matches!(
            check_value("a4:bb:6d", Macs, false),
            Err(ValueProblem::NotMac(_))
        ));
        assert!(check_value("a.b@guyane.gouv.fr<br><br>c@d.fr", Emails, false).is_ok());
        assert!(matches!(
            check_value("a.b@", Emails, false),
            Err(ValueProblem::NotEmail(_))
        ));
        assert!(check_value("05 94 39 57 28", Phone, false).is_ok());
        assert_eq!(
            check_value("appelez-moi", Phone, false),
            Err(ValueProblem::NotPhone)
        );
    }

    #[test]
    fn enumerations_and_flags() {
        assert_eq!(
            check_value("En cours (Attribué)", Enum(EnumKind::TicketStatus), false).unwrap(),
            "2"
        );
        assert_eq!(
            check_value("Très haut", Enum(EnumKind::Level), false).unwrap(),
            "5"
        );
        assert_eq!(
            check_value("Majeure", Enum(EnumKind::Priority), false).unwrap(),
            "6"
        );
        assert!(
            check_value("Majeure", Enum(EnumKind::Level), false).is_err(),
            "urgency stops at 5"
        );
        assert_eq!(
            check_value("7", Enum(EnumKind::Priority), false),
            Err(ValueProblem::NotInEnum(EnumKind::Priority))
        );
        assert_eq!(
            check_value("Demande", Enum(EnumKind::TicketType), false).unwrap(),
            "2"
        );
        assert_eq!(check_value("Oui", YesNo, false).unwrap(), "1");
        // GLPI's 0 ("-----" in its exports) means none where it is worth sending.
        let alert = Enum(EnumKind::InfocomAlert);
        assert_eq!(check_value("-----", alert, false).unwrap(), "0");
        assert_eq!(check_value("0", alert, false).unwrap(), "0");
        assert_eq!(
            check_value("Date d'expiration de la garantie", alert, false).unwrap(),
            "4"
        );
        assert_eq!(
            check_value("Dégressif", Enum(EnumKind::Amortization), false).unwrap(),
            "2"
        );
        assert_eq!(
            check_value("0", Enum(EnumKind::TicketType), false),
            Err(ValueProblem::NotInEnum(EnumKind::TicketType)),
            "no 0 where GLPI has none"
        );
    }

    #[test]
    fn check_cell_borrows_what_needs_no_change_and_agrees_with_check_value() {
        let cases: &[(&str, FieldKind)] = &[
            (" PC-1 ", Text),
            ("2026-02-01", Date),
            ("01/02/2026", Date),
            ("2026-02-01 10:00", Date),
            ("2026-03-02 09:50", DateTime),
            ("2 409", Integer),
            ("2409", Integer),
            ("899.00", Decimal),
            ("1 049,50", Decimal),
            ("a4:bb:6d:a0:1f:51", Macs),
            ("A4-BB-6D-A0-1F-51", Macs),
            ("10.73.10.20<br>10.73.50.12", Ips),
            ("a &#60;b&#62;", Text),
            ("Oui", YesNo),
            ("x", Integer),
            ("2026-13-01", Date),
        ];
        for &(raw, kind) in cases {
            assert_eq!(
                check_cell(raw, kind, false).map(Cow::into_owned),
                check_value(raw, kind, false),
                "{raw:?} as {kind:?}"
            );
        }
        for (raw, kind) in [
            ("PC-1", Text),
            ("2026-02-01", Date),
            ("2409", Integer),
            ("899.00", Decimal),
            ("a4:bb:6d:a0:1f:51", Macs),
        ] {
            assert!(matches!(check_cell(raw, kind, false), Ok(Cow::Borrowed(_))));
        }
    }

    #[test]
    fn clean_cell_accepts_exactly_what_check_cell_accepts_without_normalising() {
        let cases: &[(&str, FieldKind)] = &[
            ("2 409", Integer),
            ("-2\u{a0}409", Integer),
            ("- 12", Integer),
            ("1-2", Integer),
            ("-", Integer),
            ("1 049,50", Decimal),
            ("1.2.3", Decimal),
            ("1,", Decimal),
            (",5", Decimal),
            ("-0.5", Decimal),
            ("12a", Decimal),
            ("02/03/2026 09:50", DateTime),
            ("2026-03-02 9:50", DateTime),
            ("2026-03-02 09:50:00:00", DateTime),
            ("31/02/2026", Date),
            ("02.03.2026", Date),
            ("A4-BB-6D-A0-1F-51", Macs),
            ("a4:bb:6d", Macs),
            ("10.0.0.1<br>::1", Ips),
            ("10.0.0.1<br>x", Ips),
            ("a@b.fr<br>c@", Emails),
            ("NON", YesNo),
            ("peut-être", YesNo),
            ("Très haut", Enum(EnumKind::Level)),
            ("9", Enum(EnumKind::Level)),
            ("&nbsp;", Text),
            ("a\nb", Text),
            ("a\nb", LongText),
        ];
        for &(raw, kind) in cases {
            for required in [false, true] {
                let clean = clean_cell(raw, kind, required);
                let check = check_cell(raw, kind, required);
                assert_eq!(clean.is_ok(), check.is_ok(), "{raw:?} as {kind:?}");
                if let (Err(a), Err(b)) = (&clean, &check) {
                    assert_eq!(a, b, "{raw:?} as {kind:?}");
                }
                if let Ok(v) = clean {
                    assert_eq!(v, crate::read::glpi_cell_str(raw), "only cleaned");
                }
            }
        }
    }

    #[test]
    fn required_empties_line_breaks_and_length() {
        assert_eq!(
            check_value("&nbsp;", Text, true),
            Err(ValueProblem::Missing)
        );
        assert_eq!(check_value(" ", Text, false).unwrap(), "");
        assert_eq!(
            check_value("GUYANE\noel.sylvestre", Text, false),
            Err(ValueProblem::LineBreak)
        );
        assert!(check_value("a\nb", LongText, false).is_ok());
        assert_eq!(
            check_value(&"x".repeat(256), Text, false),
            Err(ValueProblem::TooLong { len: 256 })
        );
    }
}
