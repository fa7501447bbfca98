//! Splitting decoded text into records, in place: `csv_core` (the state machine under the `csv`
//! crate) reads the text a block at a time and writes each record's unquoted cells back into the
//! same buffer, behind what it has read. A cell is never longer than the bytes it was read from,
//! so the output never catches up with the input; the buffer, cut to what was written, becomes the
//! table's [`CellStore`] text. No copy per record, no allocation per record, and one UTF-8 check
//! for the whole file instead of one per record.

use csv_core::{ReadRecordResult, ReaderBuilder};

use super::cells::CellStore;

/// How much text is moved aside at a time for the state machine to read.
const BLOCK: usize = 64 * 1024;

/// One record found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// 1-based line of the record's first byte, counted like a user does: every LF ends a line
    /// (CRLF is one line end), blank lines count.
    pub line: u64,
    /// Store index of its first cell.
    pub first: usize,
    /// Number of cells.
    pub len: usize,
    /// True for a line of nothing: one cell, empty (`""` alone on its line).
    pub blank: bool,
}

/// Why splitting stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// More text than a [`CellStore`] holds.
    TooLarge,
}

/// Splits `text` from byte `skip` on (a byte-order mark left in place; rounded down to a character
/// boundary) into records; calls `each` with every record, in order, as it is found (with the
/// text consumed so far, for progress). Returns the store of every cell.
pub fn split_in_place(
    text: String,
    skip: usize,
    delimiter: u8,
    quoted: bool,
    each: &mut dyn FnMut(Split, usize),
) -> Result<CellStore, SplitError> {
    if text.len() > CellStore::MAX_BYTES {
        return Err(SplitError::TooLarge);
    }
    // Whole characters only are skipped (the store's text must stay UTF-8, see below).
    let mut skip = skip.min(text.len());
    while !text.is_char_boundary(skip) {
        skip -= 1;
    }
    let mut text = text.into_bytes();
    let total = text.len();
    let mut core = ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(quoted)
        .build();
    // The block being read, moved out of `text` so that cells can be written over it.
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut block_pos = 0;
    // `text[..moved]` has been moved into blocks (or skipped); `text[..written]` holds finished
    // cells.
    let (mut moved, mut written) = (skip.min(total), 0usize);
    let mut ends: Vec<u32> = Vec::new();
    let mut field_ends = vec![0usize; 64];
    // The record being read: bytes and fields written so far.
    let (mut out, mut fields) = (0usize, 0usize);
    // Line feeds read so far, and the line of the record being read once its first byte (not a
    // line end: the state machine skips blank lines) has been read.
    let mut line_feeds = 0u64;
    let mut record_line: Option<u64> = None;
    let mut need_more = true;
    loop {
        if (need_more || block_pos == block.len()) && moved < total {
            // Keep what is left of the block, then move the next part of the text aside.
            block.drain(..block_pos);
            block_pos = 0;
            let take = BLOCK.min(total - moved);
            block.extend_from_slice(&text[moved..moved + take]);
            moved += take;
        }
        need_more = false;
        // Empty once the text is all read: the state machine takes that as the end.
        let input = &block[block_pos..];
        let at_end = input.is_empty();
        let output = &mut text[written + out..moved];
        let (result, read, wrote, ended) =
            core.read_record(input, output, &mut field_ends[fields..]);
        let mut consumed = &input[..read];
        if record_line.is_none() {
            // Line ends before the record's first byte are blank lines, skipped.
            let skipped = consumed
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .unwrap_or(consumed.len());
            line_feeds += count_line_feeds(&consumed[..skipped]);
            if skipped < consumed.len() {
                record_line = Some(line_feeds + 1);
            }
            consumed = &consumed[skipped..];
        }
        line_feeds += count_line_feeds(consumed);
        block_pos += read;
        out += wrote;
        fields += ended;
        match result {
            ReadRecordResult::InputEmpty if at_end => break,
            ReadRecordResult::InputEmpty => need_more = true,
            ReadRecordResult::OutputFull => {
                // Cannot happen (a cell is never longer than its text): more text moved aside
                // makes room; at the end, stop rather than loop.
                debug_assert!(moved < total, "no room left for cells read from the text");
                if moved == total {
                    break;
                }
                need_more = true;
            }
            ReadRecordResult::OutputEndsFull => {
                let more = field_ends.len();
                field_ends.resize(more * 2, 0);
            }
            ReadRecordResult::Record => {
                let consumed = moved - (block.len() - block_pos);
                if ends.len() >= 1024 && ends.capacity() == ends.len() && moved == skip + BLOCK {
                    // Cells of the whole text guessed from the first records, a tenth to spare:
                    // doubling past the guess would copy, and hold twice, the largest buffer.
                    let guess = ends.len() as f64 * total as f64 / consumed as f64 * 1.1;
                    ends.reserve((guess as usize).saturating_sub(ends.len()));
                }
                let first = ends.len();
                ends.extend(
                    field_ends[..fields]
                        .iter()
                        .map(|&end| (written + end) as u32),
                );
                written += out;
                each(
                    Split {
                        line: record_line.take().unwrap_or(line_feeds + 1),
                        first,
                        len: fields,
                        blank: fields == 1 && out == 0,
                    },
                    consumed,
                );
                (out, fields) = (0, 0);
            }
            ReadRecordResult::End => break,
        }
    }
    text.truncate(written);
    let text = if delimiter.is_ascii() {
        debug_assert!(std::str::from_utf8(&text).is_ok());
        // SAFETY: `text` was a `String`; the skipped start ends at a character boundary, and the
        // state machine only leaves bytes out (it copies the others in order): the delimiter,
        // `"`, CR and LF, all ASCII here, so each is a whole character. What is left is UTF-8
        // text less whole characters, still UTF-8. Checking it again was a sixteenth of a check.
        unsafe { String::from_utf8_unchecked(text) }
    } else {
        String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    };
    Ok(CellStore::from_parts(text, ends))
}

/// Line feeds in `bytes`, counted 64 bytes at a time so that the compiler vectorises it (this runs
/// over every byte of the file).
fn count_line_feeds(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(64);
    let mut n = 0u64;
    for chunk in &mut chunks {
        n += u64::from(chunk.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>());
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, delimiter: u8, quoted: bool) -> Vec<(u64, Vec<String>)> {
        let mut found = Vec::new();
        let store = split_in_place(text.to_string(), 0, delimiter, quoted, &mut |s, _| {
            found.push(s)
        })
        .unwrap();
        found
            .into_iter()
            .map(|s| {
                let cells = (s.first..s.first + s.len)
                    .map(|i| store.cell_at(i).unwrap().to_string())
                    .collect();
                (s.line, cells)
            })
            .collect()
    }

    #[test]
    fn quoted_cells_doubled_quotes_embedded_newlines_and_crlf() {
        let text = "\"a\";\"b \"\"c\"\"\";\r\n\"x\ny\";\"é\";\r\n\r\n\nz;;\n";
        assert_eq!(
            split(text, b';', true),
            vec![
                (1, vec!["a".into(), "b \"c\"".into(), "".into()]),
                (2, vec!["x\ny".into(), "é".into(), "".into()]),
                (6, vec!["z".into(), "".into(), "".into()]),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_left_in_place_is_read_over() {
        let mut found = Vec::new();
        let store = split_in_place(
            "\u{feff}\"Nom\";\"Série\"\n\"PC\";\"S1\"\n".to_string(),
            3,
            b';',
            true,
            &mut |s, _| found.push(s),
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(store.cell_at(0), Some("Nom"));
        assert_eq!(store.cell_at(3), Some("S1"));
        assert_eq!(found[1].line, 2);
    }

    #[test]
    fn a_skip_inside_a_character_is_rounded_down() {
        let mut found = Vec::new();
        let store = split_in_place("éa;b\n".to_string(), 1, b';', true, &mut |s, _| {
            found.push(s)
        })
        .unwrap();
        assert_eq!(store.cell_at(0), Some("éa"));
        assert_eq!(store.cell_at(1), Some("b"));
    }

    #[test]
    fn unquoted_and_no_final_line_end() {
        assert_eq!(
            split("A\tB\nd\"x\t2", b'\t', false),
            vec![
                (1, vec!["A".into(), "B".into()]),
                (2, vec!["d\"x".into(), "2".into()]),
            ]
        );
    }

    #[test]
    fn a_record_ending_exactly_at_a_block_end_is_not_the_end() {
        // Each line is 16 bytes: a block holds a whole number of them.
        let line = "\"abcdefghi\";\"k\"\n";
        assert_eq!(BLOCK % line.len(), 0);
        let text = line.repeat(3 * BLOCK / line.len() + 5);
        let records = split(&text, b';', true);
        assert_eq!(records.len(), 3 * BLOCK / line.len() + 5);
        assert_eq!(records.last().unwrap().0, records.len() as u64);
    }

    #[test]
    fn agrees_with_the_csv_crate_on_random_text() {
        // Seeded pseudo-random text from pieces that matter to a CSV reader, some of it longer
        // than several blocks; the cells must be exactly those the csv crate reads.
        let pieces = [
            "a", "é", "\"", "\"\"", ";", "\t", "\n", "\r\n", "\r", " ", "xyz", "<br>",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..40 {
            let len = if round % 8 == 0 {
                3 * BLOCK
            } else {
                50 + round * 37
            };
            let mut text = String::new();
            while text.len() < len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            for (delimiter, quoted) in [(b';', true), (b'\t', false)] {
                let mine: Vec<Vec<String>> = split(&text, delimiter, quoted)
                    .into_iter()
                    .map(|(_, cells)| cells)
                    .collect();
                let theirs: Vec<Vec<String>> = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .quoting(quoted)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes())
                    .byte_records()
                    .map(|r| {
                        r.unwrap()
                            .iter()
                            .map(|f| String::from_utf8(f.to_vec()).unwrap())
                            .collect()
                    })
                    .collect();
                assert_eq!(mine, theirs, "round {round}");
            }
        }
    }

    #[test]
    fn records_across_blocks_and_wide_records() {
        // Records longer than a block, with more fields than the first guess of 64.
        let wide: Vec<String> = (0..300).map(|i| format!("\"c{i}\"")).collect();
        let line = wide.join(";") + "\n";
        let long_cell = format!("\"{}\"\n", "x".repeat(3 * BLOCK));
        let text = format!("{line}{long_cell}{line}");
        let records = split(&text, b';', true);
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].1.len(), 300);
        assert_eq!(records[0].1[299], "c299");
        assert_eq!(records[1].1, vec!["x".repeat(3 * BLOCK)]);
        assert_eq!(records[2].0, 3);
        assert_eq!(records[2].1, records[0].1);
    }
}
