//! Every record's cells of one file kept in one buffer, like an arena: no allocation per record
//! or per cell, which is what makes reading a 200 MB export fast (in WebAssembly above all, where
//! the allocator was a sixth of a check) and keeps its memory near the file's size.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Index;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// The cells of all the records of a file, one after the other, with where each cell ends.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CellStore {
    /// Every cell's text.
    text: String,
    /// Where each cell ends in `text`: 32 bits, as a file's text stays under 4 GiB (the reader
    /// refuses more), which halves this part of a large file's memory.
    ends: Vec<u32>,
}

impl CellStore {
    /// The most text a store holds: 4 GiB - 1, more than a browser page can hold.
    pub const MAX_BYTES: usize = u32::MAX as usize;

    /// A store from its text and where each cell ends in it (ends never past the text).
    pub(crate) fn from_parts(text: String, ends: Vec<u32>) -> CellStore {
        debug_assert!(ends.last().is_none_or(|&e| e as usize <= text.len()));
        CellStore { text, ends }
    }

    /// Appends cells given as text (tests build small stores this way); returns the index of the
    /// first. A cell that would take the store past [`CellStore::MAX_BYTES`] is cut there, at a
    /// character boundary.
    #[cfg(test)]
    pub(crate) fn push_cells<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> usize {
        let first = self.ends.len();
        for cell in cells {
            let cell = cell.as_ref();
            let room = CellStore::MAX_BYTES.saturating_sub(self.text.len());
            let mut take = cell.len().min(room);
            while !cell.is_char_boundary(take) {
                take -= 1;
            }
            self.text.push_str(&cell[..take]);
            self.ends.push(self.text.len() as u32);
        }
        first
    }

    /// The cell at a store-wide index.
    #[inline]
    pub fn cell_at(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            i => self.ends[i - 1] as usize,
        };
        self.text.get(start..end)
    }

    /// The text of `count` cells from `first`, one after the other.
    fn span(&self, first: usize, count: usize) -> &str {
        let start = match first {
            0 => 0,
            i => self.ends.get(i - 1).map_or(0, |&e| e as usize),
        };
        let end = match (first + count).checked_sub(1) {
            Some(last) if count > 0 => self.ends.get(last).map_or(start, |&e| e as usize),
            _ => start,
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// Whether the `count` cells from `first` hold a line break (the record ran over lines).
    pub fn spans_lines(&self, first: usize, count: usize) -> bool {
        memchr::memchr2(b'\n', b'\r', self.span(first, count).as_bytes()).is_some()
    }
}

impl fmt::Debug for CellStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CellStore")
            .field("cells", &self.ends.len())
            .field("bytes", &self.text.len())
            .finish()
    }
}

/// Cells corrected by the user, by (record index, column): read instead of what the file said.
pub type Corrections = BTreeMap<(usize, usize), String>;

/// The cells of one record, read like a `&[String]`: [`Cells::get`], indexing, [`Cells::iter`].
/// As many as the header has (missing ones read as empty), more when the line had more.
#[derive(Clone, Copy)]
pub struct Cells<'a> {
    store: &'a CellStore,
    /// Store index of the record's first cell.
    first: usize,
    /// Cells the record holds in the store.
    stored: usize,
    /// Cells it reads as: at least the header's width.
    len: usize,
    /// The record's index, to find its corrections.
    record: usize,
    /// `None` when the table has no correction at all (the usual case: no lookup per cell).
    corrections: Option<&'a Corrections>,
}

impl<'a> Cells<'a> {
    /// A view of `stored` cells from `first`, padded to `width`.
    pub(crate) fn new(
        store: &'a CellStore,
        first: usize,
        stored: usize,
        width: usize,
        record: usize,
        corrections: Option<&'a Corrections>,
    ) -> Self {
        Cells {
            store,
            first,
            stored,
            len: stored.max(width),
            record,
            corrections,
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there is no cell.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cell at `index`, if any.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&'a str> {
        if index >= self.len {
            return None;
        }
        if let Some(corrected) = self.corrections.and_then(|c| c.get(&(self.record, index))) {
            return Some(corrected);
        }
        if index >= self.stored {
            return Some("");
        }
        self.store.cell_at(self.first + index)
    }

    /// The record's cells as read from the file, one after the other, when none was corrected
    /// (for one search over a whole record instead of one per cell).
    pub fn uncorrected_text(&self) -> Option<&'a str> {
        let corrected = self.corrections.is_some_and(|c| {
            c.range((self.record, 0)..(self.record + 1, 0))
                .next()
                .is_some()
        });
        (!corrected).then(|| self.store.span(self.first, self.stored))
    }

    /// The last cell, if any.
    pub fn last(&self) -> Option<&'a str> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let cells = *self;
        (0..self.len).map(move |i| cells.get(i).unwrap_or(""))
    }

    /// The cells as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl Index<usize> for Cells<'_> {
    type Output = str;

    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(cell) => cell,
            None => panic!("cell {index} out of {} cells", self.len()),
        }
    }
}

impl fmt::Debug for Cells<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Cells<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

/// Serialised as a list of strings, as a `Vec<String>` would be.
impl Serialize for Cells<'_> {
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

impl CellSource for Cells<'_> {
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
    fn records_read_like_padded_vecs_of_strings() {
        let mut store = CellStore::default();
        let a = store.push_cells(["Nom", "", "Dupré ; Chloé"]);
        let b = store.push_cells(["x"]);
        let c = Cells::new(&store, a, 3, 5, 0, None);
        assert_eq!(c.len(), 5);
        assert_eq!(&c[2], "Dupré ; Chloé");
        assert_eq!(c.get(1), Some(""));
        assert_eq!(c.get(4), Some(""), "padded to the header's width");
        assert_eq!(c.get(5), None);
        assert_eq!(c.last(), Some(""));
        assert_eq!(c.uncorrected_text(), Some("NomDupré ; Chloé"));
        assert_eq!(format!("{c:?}"), r#"["Nom", "", "Dupré ; Chloé", "", ""]"#);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"["Nom","","Dupré ; Chloé","",""]"#
        );
        let wide = Cells::new(&store, b, 1, 0, 1, None);
        assert_eq!(
            wide.to_vec(),
            vec!["x"],
            "more cells than the header are kept"
        );
        let empty = Cells::new(&store, b, 0, 0, 1, None);
        assert!(empty.is_empty() && empty.last().is_none());
        assert_eq!(empty.uncorrected_text(), Some(""));
    }

    #[test]
    fn corrections_are_read_instead_of_the_file() {
        let mut store = CellStore::default();
        let a = store.push_cells(["GUYANE\noel", "b"]);
        let b = store.push_cells(["c", "d"]);
        let mut fixes = Corrections::new();
        fixes.insert((0, 0), "GUYANE-noel.sylvestre".into());
        fixes.insert((0, 2), "added".into());
        let first = Cells::new(&store, a, 2, 3, 0, Some(&fixes));
        let second = Cells::new(&store, b, 2, 3, 1, Some(&fixes));
        assert_eq!(first.to_vec(), vec!["GUYANE-noel.sylvestre", "b", "added"]);
        assert_eq!(first.uncorrected_text(), None);
        assert_eq!(second.to_vec(), vec!["c", "d", ""]);
        assert_eq!(second.uncorrected_text(), Some("cd"));
    }
}
