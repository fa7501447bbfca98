//! Turning bytes into text: BOM, valid UTF-8, else a detected legacy encoding, or the user's choice.

use std::borrow::Cow;

use encoding_rs::Encoding;
use serde::Serialize;

use super::ReadError;

/// How the encoding of a file was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// A byte-order mark said so.
    Bom,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// Guessed by the detector (chardetng) from the bytes.
    Detected,
    /// Chosen by the user.
    Override,
}

/// A file's text and how it was decoded.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The decoded text, without BOM: borrowed from the bytes when they are UTF-8 already (no copy
    /// of a 200 MB file), owned when transcoded.
    pub text: Cow<'a, str>,
    /// The encoding used (WHATWG name, e.g. `UTF-8`, `windows-1252`).
    pub encoding: &'static Encoding,
    /// How the encoding was decided.
    pub source: EncodingSource,
    /// Number of valid multi-byte UTF-8 sequences found in a file decoded as a legacy encoding:
    /// non-zero means the file mixes encodings (part of it was saved as UTF-8).
    pub utf8_sequences_in_legacy: usize,
}

/// Decodes `bytes`. `override_label` is a WHATWG label (`utf-8`, `latin1`, `windows-1252`, …).
pub fn decode<'a>(bytes: &'a [u8], override_label: Option<&str>) -> Result<Decoded<'a>, ReadError> {
    if let Some(label) = override_label {
        let encoding = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| ReadError::UnknownEncoding(label.to_string()))?;
        let (text, _) = encoding.decode_with_bom_removal(bytes);
        return Ok(Decoded {
            text,
            encoding,
            source: EncodingSource::Override,
            utf8_sequences_in_legacy: 0,
        });
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        // UTF-8 checked with SIMD (encoding_rs has no SIMD in WebAssembly on stable Rust).
        let text = match simdutf8::basic::from_utf8(body) {
            Ok(text) if encoding == encoding_rs::UTF_8 => Cow::Borrowed(text),
            _ => encoding.decode_without_bom_handling(body).0,
        };
        return Ok(Decoded {
            text,
            encoding,
            source: EncodingSource::Bom,
            utf8_sequences_in_legacy: 0,
        });
    }
    if let Some(offset) = binary_offset(bytes) {
        return Err(ReadError::Binary { offset });
    }
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: encoding_rs::UTF_8,
            source: EncodingSource::ValidUtf8,
            utf8_sequences_in_legacy: 0,
        });
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    // French files: let the detector prefer Western encodings on ties.
    let encoding = detector.guess(Some(b"fr"), true);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Ok(Decoded {
        text,
        encoding,
        source: EncodingSource::Detected,
        utf8_sequences_in_legacy: count_utf8_sequences(bytes),
    })
}

/// [`decode`], taking the bytes: UTF-8 text (the usual export) becomes the decoded text without
/// a copy, so that a large file is held once, not twice. Same results as [`decode`], except that
/// a UTF-8 byte-order mark stays at the start of the text (removing it would move the whole
/// file): the reader skips it.
pub fn decode_owned(
    bytes: Vec<u8>,
    override_label: Option<&str>,
) -> Result<Decoded<'static>, ReadError> {
    const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    let source = match override_label {
        Some(label) => match Encoding::for_label(label.trim().as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => EncodingSource::Override,
            _ => return decode_copy(&bytes, override_label),
        },
        None if bytes.starts_with(&UTF8_BOM) => EncodingSource::Bom,
        None if Encoding::for_bom(&bytes).is_some() => return decode_copy(&bytes, None),
        None => {
            if let Some(offset) = binary_offset(&bytes) {
                return Err(ReadError::Binary { offset });
            }
            EncodingSource::ValidUtf8
        }
    };
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        // Not UTF-8 after all: the general way.
        return decode_copy(&bytes, override_label);
    }
    // SAFETY: just checked to be UTF-8 (simdutf8, several times faster than the standard
    // library's check, which would otherwise run a second time over the whole file).
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    Ok(Decoded {
        text: Cow::Owned(text),
        encoding: encoding_rs::UTF_8,
        source,
        utf8_sequences_in_legacy: 0,
    })
}

/// [`decode`] into owned text.
fn decode_copy(bytes: &[u8], override_label: Option<&str>) -> Result<Decoded<'static>, ReadError> {
    let d = decode(bytes, override_label)?;
    Ok(Decoded {
        text: Cow::Owned(d.text.into_owned()),
        encoding: d.encoding,
        source: d.source,
        utf8_sequences_in_legacy: d.utf8_sequences_in_legacy,
    })
}

/// `text` in `encoding`, for the files written back in a file's own encoding (rejected rows,
/// corrected directory files). Like WHATWG encoders (`encoding_rs`'s `encode`): UTF-8 and UTF-16
/// files get UTF-8 (their output encoding), characters a legacy encoding lacks become decimal
/// numeric references (`&#8364;`). Single-byte encodings (every Western, Central European and
/// Cyrillic page) use the reverse of their decoding table. The East Asian multi-byte encodings
/// get UTF-8 with a byte-order mark: their encoders and tables (about 60 KB of the page's
/// WebAssembly, issue 14's size budget) would otherwise be linked for files no GLPI export of a
/// French administration holds.
pub fn encode<'a>(encoding: &'static Encoding, text: &'a str) -> Cow<'a, [u8]> {
    let output = encoding.output_encoding();
    if output == encoding_rs::UTF_8 || text.is_ascii() {
        return Cow::Borrowed(text.as_bytes());
    }
    if !output.is_single_byte() {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend_from_slice(text.as_bytes());
        return Cow::Owned(out);
    }
    // The decoder is linked anyway (reading, and chardetng's guesses): decoding each byte once
    // gives the table. ASCII maps to itself in every single-byte encoding.
    let mut table: Vec<(char, u8)> = (0x80..=0xFFu8)
        .filter_map(|b| {
            let byte = [b];
            let (c, _) = output.decode_without_bom_handling(&byte);
            let c = c.chars().next().filter(|c| *c != '\u{FFFD}')?;
            Some((c, b))
        })
        .collect();
    // Stable: of two bytes giving one character, the first (lowest) stays, as in WHATWG's index
    // lookup.
    crate::sort::sort_by_key(&mut table, |&(c, _)| c);
    table.dedup_by_key(|&mut (c, _)| c);
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if let Ok(i) = table.binary_search_by_key(&c, |&(c, _)| c) {
            out.push(table[i].1);
        } else {
            out.extend_from_slice(format!("&#{};", u32::from(c)).as_bytes());
        }
    }
    Cow::Owned(out)
}

/// Offset of the first byte that no text file holds (NUL or most C0 controls), if any.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .take(64 * 1024)
        .position(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
}

/// Counts well-formed 2- to 4-byte UTF-8 sequences.
pub fn count_utf8_sequences(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if i + len <= bytes.len() && std::str::from_utf8(&bytes[i..i + len]).is_ok() {
            count += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our encoder gives what `encoding_rs`'s gives, for every single-byte encoding and the
    /// UTF ones, over every character of the Basic Multilingual Plane and a few beyond.
    #[test]
    fn encoding_matches_encoding_rs_for_single_byte_and_utf() {
        let text: String = (0x20..0x3_0000u32)
            .step_by(1)
            .filter_map(char::from_u32)
            .filter(|c| (*c as u32) < 0x1_0000 || (*c as u32).is_multiple_of(4099))
            .collect();
        let labels = [
            "utf-8",
            "utf-16le",
            "utf-16be",
            "windows-1252",
            "iso-8859-1",
            "iso-8859-15",
            "windows-1250",
            "windows-1251",
            "windows-1253",
            "windows-1254",
            "windows-1255",
            "windows-1256",
            "windows-1257",
            "windows-1258",
            "windows-874",
            "iso-8859-2",
            "iso-8859-3",
            "iso-8859-4",
            "iso-8859-5",
            "iso-8859-6",
            "iso-8859-7",
            "iso-8859-8",
            "iso-8859-8-i",
            "iso-8859-10",
            "iso-8859-13",
            "iso-8859-14",
            "iso-8859-16",
            "koi8-r",
            "koi8-u",
            "macintosh",
            "x-mac-cyrillic",
            "ibm866",
            "x-user-defined",
        ];
        for label in labels {
            let e = Encoding::for_label(label.as_bytes()).unwrap();
            for sample in [text.as_str(), "Bélizaire Océane 12 €", "plain ascii"] {
                assert_eq!(encode(e, sample), e.encode(sample).0, "{label}");
            }
        }
    }

    #[test]
    fn east_asian_encodings_are_written_as_utf8_with_a_bom() {
        for label in [
            "shift_jis",
            "euc-jp",
            "iso-2022-jp",
            "euc-kr",
            "big5",
            "gbk",
            "gb18030",
        ] {
            let e = Encoding::for_label(label.as_bytes()).unwrap();
            assert_eq!(encode(e, "ascii"), b"ascii".as_slice(), "{label}");
            assert_eq!(encode(e, "東京 é"), "\u{feff}東京 é".as_bytes(), "{label}");
        }
    }

    #[test]
    fn bom_wins_and_is_removed() {
        let d = decode(b"\xEF\xBB\xBF\"Nom\";", None).unwrap();
        assert_eq!(d.text, "\"Nom\";");
        assert_eq!(d.source, EncodingSource::Bom);
    }

    #[test]
    fn latin1_is_detected_as_western() {
        let d = decode(b"NOM\tPRENOM\r\nB\xe9lizaire\tOc\xe9ane\r\n", None).unwrap();
        assert_eq!(d.source, EncodingSource::Detected);
        assert!(d.text.contains("Bélizaire"), "{}", d.text);
        assert_eq!(d.utf8_sequences_in_legacy, 0);
    }

    #[test]
    fn mixed_encodings_are_counted() {
        let bytes: Vec<u8> = "é\t".as_bytes().iter().chain(b"\xe9").copied().collect();
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.utf8_sequences_in_legacy, 1);
    }

    #[test]
    fn override_and_unknown_label() {
        let d = decode(b"caf\xe9", Some("latin1")).unwrap();
        assert_eq!(d.text, "café");
        assert!(matches!(
            decode(b"x", Some("klingon")),
            Err(ReadError::UnknownEncoding(_))
        ));
    }

    #[test]
    fn binary_is_refused_with_offset() {
        assert!(matches!(
            decode(b"ab\x00cd", None),
            Err(ReadError::Binary { offset: 2 })
        ));
    }

    #[test]
    fn decoding_owned_bytes_gives_what_decoding_borrowed_bytes_gives() {
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (b"\xEF\xBB\xBFNom;Pr\xC3\xA9nom\n".to_vec(), None),
            (b"Nom;Pr\xC3\xA9nom\n".to_vec(), None),
            (b"Nom;Pr\xE9nom\n".to_vec(), None),
            (b"\xEF\xBB\xBFNom;Pr\xE9nom\n".to_vec(), None),
            (b"Nom;Pr\xE9nom\n".to_vec(), Some("utf-8")),
            (b"\xEF\xBB\xBFNom\n".to_vec(), Some("UTF-8")),
            (b"Nom;Pr\xE9nom\n".to_vec(), Some("windows-1252")),
            (b"\xFF\xFEN\x00o\x00m\x00".to_vec(), None),
            (b"a\x00b".to_vec(), None),
            (b"x".to_vec(), Some("klingon")),
        ];
        for (bytes, label) in cases {
            let borrowed = decode(&bytes, label);
            let owned = decode_owned(bytes.clone(), label);
            match (borrowed, owned) {
                (Ok(b), Ok(o)) => {
                    let text = o.text.strip_prefix('\u{feff}').unwrap_or(&o.text);
                    assert_eq!(b.text, text, "{bytes:?} {label:?}");
                    assert_eq!(b.encoding, o.encoding, "{bytes:?} {label:?}");
                    assert_eq!(b.source, o.source, "{bytes:?} {label:?}");
                    assert_eq!(b.utf8_sequences_in_legacy, o.utf8_sequences_in_legacy);
                }
                (Err(b), Err(o)) => assert_eq!(b, o, "{bytes:?} {label:?}"),
                (b, o) => panic!("{bytes:?} {label:?}: {b:?} / {o:?}"),
            }
        }
    }
}
