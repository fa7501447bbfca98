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
    /// Neither a BOM nor valid UTF-8: read as Windows-1252, the encoding of French Windows exports
    /// (the code stays `detected`, as in the reports written before).
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
        // The BOM of the chosen encoding is dropped, any other is read as text (as
        // `encoding_rs`'s `decode_with_bom_removal`).
        let body = match Encoding::for_bom(bytes) {
            Some((bom, len)) if bom == encoding => &bytes[len..],
            _ => bytes,
        };
        let text = decode_as(encoding, body)?;
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
            _ => decode_as(encoding, body)?,
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
    // Not UTF-8 and no BOM: Windows-1252, the encoding of the exports of French Windows (and a
    // superset of ISO-8859-1's characters). A detector (chardetng) answered the same for every
    // French file and would bring every East Asian decoder into the page; the user chooses
    // another encoding by hand, and the mixed-encoding count below warns of a wrong guess.
    let encoding = encoding_rs::WINDOWS_1252;
    let text = decode_as(encoding, bytes)?;
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
    // The reverse of the decoding table. ASCII maps to itself in every single-byte encoding.
    let Some(decoding) = single_byte_table(output) else {
        return Cow::Borrowed(text.as_bytes());
    };
    let mut table: Vec<(char, u8)> = (0x80..=0xFFu8)
        .zip(decoding)
        .filter_map(|(b, &c)| {
            let c = char::from_u32(u32::from(c)).filter(|c| *c != '\u{FFFD}')?;
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

/// `bytes` (without a BOM) as `encoding`, with WHATWG's replacement of malformed input: UTF-8,
/// UTF-16 and every single-byte encoding. The East Asian multi-byte encodings (and WHATWG's
/// "replacement") are refused: their decoders and tables would weigh some 150 KB in the page.
pub fn decode_as<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, ReadError> {
    if encoding == encoding_rs::UTF_8 {
        return Ok(String::from_utf8_lossy(bytes));
    }
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Ok(Cow::Owned(decode_utf16(
            bytes,
            encoding == encoding_rs::UTF_16BE,
        )));
    }
    let table = single_byte_table(encoding)
        .ok_or_else(|| ReadError::UnsupportedEncoding(encoding.name().to_string()))?;
    if bytes.is_ascii() {
        return Ok(Cow::Borrowed(
            std::str::from_utf8(bytes).unwrap_or_default(),
        ));
    }
    Ok(Cow::Owned(
        bytes
            .iter()
            .map(|&b| match b {
                0..=0x7F => char::from(b),
                _ => char::from_u32(u32::from(table[usize::from(b - 0x80)])).unwrap_or('\u{FFFD}'),
            })
            .collect(),
    ))
}

/// `bytes` as `default`, unless they start with a BOM, which decides (as `encoding_rs`'s
/// `decode`).
pub fn decode_sniffing<'a>(
    default: &'static Encoding,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, ReadError> {
    match Encoding::for_bom(bytes) {
        Some((encoding, len)) => decode_as(encoding, &bytes[len..]),
        None => decode_as(default, bytes),
    }
}

/// The decoding table of a single-byte encoding (the characters of bytes 0x80 to 0xFF).
fn single_byte_table(encoding: &'static Encoding) -> Option<&'static [u16; 128]> {
    super::single_byte::TABLES
        .iter()
        .find(|(name, _)| *name == encoding.name())
        .map(|(_, table)| table)
}

/// UTF-16 as WHATWG decodes it: an unpaired surrogate or a lone last byte is U+FFFD.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let last = units.clone().next_back();
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect();
    // A lone last byte is one more U+FFFD, unless it follows a lead surrogate: WHATWG reports
    // the two, both pending at the end, as one.
    if bytes.len() % 2 == 1 && !last.is_some_and(|u| (0xD800..0xDC00).contains(&u)) {
        text.push('\u{FFFD}');
    }
    text
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

    /// The single-byte tables are `encoding_rs`'s decoding, byte for byte, for every single-byte
    /// encoding WHATWG has (29, ISO-8859-8-I and x-user-defined included).
    #[test]
    #[allow(clippy::disallowed_methods)] // compared with encoding_rs's own decoding
    fn single_byte_tables_are_encoding_rs_s() {
        let mut names = std::collections::BTreeSet::new();
        for (name, table) in super::super::single_byte::TABLES {
            let e = Encoding::for_label(name.as_bytes()).unwrap();
            assert_eq!(e.name(), name);
            assert!(e.is_single_byte(), "{name}");
            for (b, &c) in (0x80..=0xFFu8).zip(table.iter()) {
                let byte = [b];
                let (expected, _) = e.decode_without_bom_handling(&byte);
                assert_eq!(
                    char::from_u32(u32::from(c)).map(String::from).as_deref(),
                    Some(&*expected),
                    "{name} byte {b:#04X}"
                );
            }
            names.insert(name);
        }
        assert_eq!(names.len(), 29, "one table per encoding");
    }

    /// Pseudo-random bytes (xorshift, fixed seed): no input is special.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    /// Our decoding gives `encoding_rs`'s text, malformed input replaced alike, for UTF-8,
    /// UTF-16 and every single-byte encoding, on random bytes, on text, and on inputs cut in the
    /// middle of a sequence.
    #[test]
    #[allow(clippy::disallowed_methods)] // compared with encoding_rs's own decoding
    fn decoding_matches_encoding_rs() {
        let mut inputs: Vec<Vec<u8>> = (0..300u64)
            .map(|seed| noise((seed as usize * 7) % 200, seed + 1))
            .collect();
        // Mostly valid UTF-8 and UTF-16, cut anywhere.
        let text = "Bélizaire Océane 東京 😀 €";
        for cut in 0..text.len() {
            inputs.push(text.as_bytes()[..cut].to_vec());
        }
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for cut in 0..utf16.len() {
            inputs.push(utf16[..cut].to_vec());
        }
        // Lone surrogates, both orders.
        inputs.push(vec![0x00, 0xD8, 0x41, 0x00]);
        inputs.push(vec![0x00, 0xDC, 0x00, 0xD8]);
        let mut encodings: Vec<&'static Encoding> = vec![
            encoding_rs::UTF_8,
            encoding_rs::UTF_16LE,
            encoding_rs::UTF_16BE,
        ];
        encodings.extend(
            super::super::single_byte::TABLES
                .iter()
                .map(|(name, _)| Encoding::for_label(name.as_bytes()).unwrap()),
        );
        for e in encodings {
            for bytes in &inputs {
                let (expected, _) = e.decode_without_bom_handling(bytes);
                assert_eq!(
                    decode_as(e, bytes).unwrap(),
                    expected,
                    "{} {bytes:02X?}",
                    e.name()
                );
            }
        }
    }

    /// A BOM decides, a file with none is read as the default; a chosen encoding drops its own
    /// BOM only; the East Asian encodings are refused by name.
    #[test]
    fn boms_overrides_and_unsupported_encodings() {
        let utf16 = b"\xFF\xFEc\x00a\x00f\x00\xE9\x00";
        assert_eq!(
            decode_sniffing(encoding_rs::WINDOWS_1252, utf16).unwrap(),
            "café"
        );
        assert_eq!(
            decode_sniffing(encoding_rs::WINDOWS_1252, b"caf\xE9").unwrap(),
            "café"
        );
        assert_eq!(decode(utf16, None).unwrap().text, "café");
        assert_eq!(decode(utf16, Some("utf-16le")).unwrap().text, "café");
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3\xA9", Some("windows-1252"))
                .unwrap()
                .text,
            "\u{EF}\u{BB}\u{BF}caf\u{C3}\u{A9}",
            "another encoding's BOM is text"
        );
        for label in EAST_ASIAN.iter().chain(&["iso-2022-kr"]) {
            let name = Encoding::for_label(label.as_bytes()).unwrap().name();
            assert_eq!(
                decode(b"abc", Some(label)).unwrap_err(),
                ReadError::UnsupportedEncoding(name.into()),
                "{label}"
            );
        }
    }

    /// The East Asian multi-byte encodings (labels).
    const EAST_ASIAN: [&str; 7] = [
        "shift_jis",
        "euc-jp",
        "iso-2022-jp",
        "euc-kr",
        "big5",
        "gbk",
        "gb18030",
    ];

    #[test]
    fn east_asian_encodings_are_written_as_utf8_with_a_bom() {
        for label in EAST_ASIAN {
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
