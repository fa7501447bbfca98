//! A record's cells kept in one buffer: two allocations per record instead of one per cell, which
//! is what makes reading a 200 MB export fast and keeps its memory near the file's size.

use std::fmt;
use std::ops::Index;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// The cells of one record, read like a `Vec<String>`: [`Cells::get`], indexing, [`Cells::iter`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    /// Every cell, one after the other.
    text: String,
    /// Where each cell ends in `text`: 32 bits, as a record is never 4 GiB (the reader refuses
    /// one), which halves this part of a large file's memory.
    ends: Vec<u32>,
}

impl Cells {
    /// No cell.
    pub fn new() -> Cells {
        Cells::default()
    }

    /// The cells of a CSV byte record read from UTF-8 text, checked once as a whole with a
    /// SIMD validator (`None` if the bytes are not UTF-8, which text split at ASCII delimiters
    /// and quotes cannot produce, or if the record reaches [`Cells::MAX_BYTES`]).
    pub fn from_byte_record(record: &csv::ByteRecord) -> Option<Cells> {
        if record.as_slice().len() > Cells::MAX_BYTES {
            return None;
        }
        let text = simdutf8::basic::from_utf8(record.as_slice())
            .ok()?
            .to_string();
        let mut ends = Vec::with_capacity(record.len());
        let mut end = 0;
        for field in record.iter() {
            end += field.len() as u32;
            ends.push(end);
        }
        Some(Cells { text, ends })
    }

    /// The most text one record holds (4 GiB - 1: more than a browser page can hold).
    pub const MAX_BYTES: usize = u32::MAX as usize;

    /// Adds a cell at the end; a cell that would take the record past [`Cells::MAX_BYTES`] is
    /// cut there, at a character boundary.
    pub fn push(&mut self, cell: &str) {
        let room = Cells::MAX_BYTES.saturating_sub(self.text.len());
        let mut take = cell.len().min(room);
        while !cell.is_char_boundary(take) {
            take -= 1;
        }
        self.text.push_str(&cell[..take]);
        self.ends.push(self.text.len() as u32);
    }

    /// Removes the last cell; false when there was none.
    pub fn pop(&mut self) -> bool {
        match self.ends.pop() {
            Some(_) => {
                self.text
                    .truncate(self.ends.last().map_or(0, |&e| e as usize));
                true
            }
            None => false,
        }
    }

    /// Adds empty cells until there are `len`.
    pub fn pad_to(&mut self, len: usize) {
        let end = self.text.len() as u32;
        self.ends.resize(len.max(self.ends.len()), end);
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no cell.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `index`, if any.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1] as usize
        };
        self.text.get(start..end)
    }

    /// Replaces the cell at `index` (an in-place correction); false when there is no such cell
    /// or when the record would reach [`Cells::MAX_BYTES`].
    pub fn set(&mut self, index: usize, value: &str) -> bool {
        let Some(&end) = self.ends.get(index) else {
            return false;
        };
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        let (start, end) = (start as usize, end as usize);
        if self.text.len() - (end - start) + value.len() > Cells::MAX_BYTES {
            return false;
        }
        self.text.replace_range(start..end, value);
        for e in &mut self.ends[index..] {
            *e = (*e as usize + value.len() - (end - start)) as u32;
        }
        true
    }

    /// Every cell's text, one after the other (for a search over the whole record).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The last cell, if any.
    pub fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// The cells as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl Index<usize> for Cells {
    type Output = str;

    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(cell) => cell,
            None => panic!("cell {index} out of {} cells", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Cells {
        let mut cells = Cells::new();
        for cell in iter {
            cells.push(cell.as_ref());
        }
        cells
    }
}

impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialised as a list of strings, as a `Vec<String>` would be.
impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for cell in self.iter() {
            seq.serialize_element(cell)?;
        }
        seq.end()
    }
}

/// Rows of cells that a mapping can read a field from: a record's [`Cells`] or plain strings.
pub trait CellSource {
    /// The cell at `index`, if any.
    fn cell(&self, index: usize) -> Option<&str>;
}

impl CellSource for Cells {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index)
    }
}

impl CellSource for [String] {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index).map(String::as_str)
    }
}

impl CellSource for Vec<String> {
    fn cell(&self, index: usize) -> Option<&str> {
        self.as_slice().cell(index)
    }
}

impl CellSource for [&str] {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_corrected_in_place() {
        let mut c: Cells = ["GUYANE\noel", "b", "ccc"].into_iter().collect();
        assert!(c.set(0, "GUYANE-noel.sylvestre"));
        assert!(c.set(2, ""));
        assert!(!c.set(3, "x"));
        assert_eq!(c.to_vec(), vec!["GUYANE-noel.sylvestre", "b", ""]);
    }

    #[test]
    fn reads_like_a_vec_of_strings() {
        let mut c: Cells = ["Nom", "", "Dupré ; Chloé", ""].into_iter().collect();
        assert_eq!(c.len(), 4);
        assert_eq!(&c[2], "Dupré ; Chloé");
        assert_eq!(c.get(1), Some(""));
        assert_eq!(c.get(4), None);
        assert_eq!(c.last(), Some(""));
        assert!(c.pop());
        assert_eq!(c.to_vec(), vec!["Nom", "", "Dupré ; Chloé"]);
        c.pad_to(5);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            vec!["Nom", "", "Dupré ; Chloé", "", ""]
        );
        assert_eq!(format!("{c:?}"), r#"["Nom", "", "Dupré ; Chloé", "", ""]"#);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"["Nom","","Dupré ; Chloé","",""]"#
        );
        let mut empty = Cells::new();
        assert!(!empty.pop() && empty.is_empty() && empty.last().is_none());
    }
}
