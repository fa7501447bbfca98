//! What was read of the local GLPI, kept as an append-only log of JSON lines: each save appends
//! only the rows read since the last one, so keeping a large read as it goes costs what it
//! reads, not the square of it (rewriting the whole read at every save did).
//!
//! Lines, in order: `{"start":{"entity":1,"recursive":true}}` (a read begins; what came before
//! it no longer applies), `{"page":{"key":"Computer+names","rows":[…],"next":2000,"total":…,
//! "done":false}}` (rows appended to a collection, with where it stands), `{"file":{"id":7,
//! "file":{"filename":…,"mime":…,"bytes":"<base64>"}}}` (a document's file, downloaded once),
//! `{"complete":true}`.
//! A process killed while appending leaves at most a torn last line, which [`read_log`] drops.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{PagedRead, SourceRead};
use crate::migrate::model::DocumentFile;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    /// A read of this entity begins.
    Start {
        entity: Option<u64>,
        recursive: bool,
    },
    /// Rows appended to a collection.
    Page {
        key: String,
        rows: Vec<Map<String, Value>>,
        next: usize,
        total: Option<usize>,
        done: bool,
    },
    /// A document's file, as downloaded.
    File { id: u64, file: DocumentFile },
    /// Every collection is read.
    Complete(bool),
}

/// What a log already holds of a read: [`KeptLog::append`] writes only the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeptLog {
    /// The read the log's last `start` line began (`None`: no line yet).
    started: Option<(Option<u64>, bool)>,
    /// Per collection: rows written, and its `next` and `done` as last written.
    written: BTreeMap<String, (usize, usize, bool)>,
    /// Documents whose file is written.
    files: std::collections::BTreeSet<u64>,
    complete: bool,
}

impl KeptLog {
    /// A log holding exactly `read` (what [`read_log`] gave back from it).
    pub fn holding(read: &SourceRead) -> KeptLog {
        KeptLog {
            started: Some((read.entity, read.recursive)),
            written: read
                .reads
                .iter()
                .map(|(k, r)| (k.clone(), (r.rows.len(), r.next, r.done)))
                .collect(),
            files: read.files.keys().copied().collect(),
            complete: read.complete,
        }
    }

    /// The JSON lines that bring the log from what it holds to `read` (empty when nothing
    /// changed), and records them as written. A read that no longer extends what the log holds
    /// (another entity, or fewer rows) starts again with a `start` line.
    pub fn append(&mut self, read: &SourceRead) -> String {
        let extends = self.started == Some((read.entity, read.recursive))
            && self
                .written
                .iter()
                .all(|(key, (n, _, _))| read.reads.get(key).is_some_and(|r| r.rows.len() >= *n))
            && (!self.complete || read.complete);
        let mut out = String::new();
        if !extends {
            *self = KeptLog {
                started: Some((read.entity, read.recursive)),
                ..KeptLog::default()
            };
            push(
                &mut out,
                &Line::Start {
                    entity: read.entity,
                    recursive: read.recursive,
                },
            );
        }
        for (key, r) in &read.reads {
            let (n, next, done) = self.written.get(key).copied().unwrap_or((0, 0, false));
            if n == r.rows.len() && next == r.next && done == r.done {
                continue;
            }
            push(
                &mut out,
                &Line::Page {
                    key: key.clone(),
                    rows: r.rows[n..].to_vec(),
                    next: r.next,
                    total: r.total,
                    done: r.done,
                },
            );
            self.written
                .insert(key.clone(), (r.rows.len(), r.next, r.done));
        }
        for (id, file) in &read.files {
            if self.files.insert(*id) {
                push(
                    &mut out,
                    &Line::File {
                        id: *id,
                        file: file.clone(),
                    },
                );
            }
        }
        if read.complete && !self.complete {
            push(&mut out, &Line::Complete(true));
            self.complete = true;
        }
        out
    }
}

fn push(out: &mut String, line: &Line) {
    // A map of JSON values always serializes.
    if let Ok(text) = serde_json::to_string(line) {
        out.push_str(&text);
        out.push('\n');
    }
}

/// The read a log holds, and the length of its whole lines (a torn last line, from a process
/// killed while appending, is left out: the caller truncates the file there before appending).
/// `None` when the text is not such a log.
pub fn read_log(text: &str) -> Option<(SourceRead, usize)> {
    let mut read = SourceRead::default();
    let mut valid = 0;
    let mut any = false;
    for line in text.split_inclusive('\n') {
        let Some(body) = line.strip_suffix('\n') else {
            break;
        };
        let Ok(parsed) = serde_json::from_str::<Line>(body) else {
            break;
        };
        any = true;
        valid += line.len();
        match parsed {
            Line::Start { entity, recursive } => {
                read = SourceRead {
                    entity,
                    recursive,
                    ..SourceRead::default()
                };
            }
            Line::Page {
                key,
                rows,
                next,
                total,
                done,
            } => {
                let r: &mut PagedRead = read.reads.entry(key).or_default();
                r.rows.extend(rows);
                r.next = next;
                r.total = total;
                r.done = done;
            }
            Line::File { id, file } => {
                read.files.insert(id, file);
            }
            Line::Complete(complete) => read.complete = complete,
        }
    }
    (any || text.is_empty()).then_some((read, valid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(from: u64, to: u64) -> Vec<Map<String, Value>> {
        (from..to)
            .map(|i| json!({"id": i, "name": format!("PC-{i}")}))
            .filter_map(|v| v.as_object().cloned())
            .collect()
    }

    fn partial() -> SourceRead {
        let mut read = SourceRead {
            entity: Some(1),
            recursive: true,
            ..SourceRead::default()
        };
        read.reads.insert(
            "Computer+names".into(),
            PagedRead {
                rows: rows(1, 3),
                next: 2,
                total: Some(5),
                done: false,
            },
        );
        read
    }

    /// Saved three times as it grows, the log holds each row once and reads back the read.
    #[test]
    fn appends_only_what_is_new_and_reads_back_the_same() {
        let mut log = KeptLog::default();
        let mut read = partial();
        let mut file = log.append(&read);
        assert_eq!(log.append(&read), "", "nothing new, nothing written");
        let r = read.reads.get_mut("Computer+names").unwrap();
        r.rows.extend(rows(3, 6));
        r.next = 6;
        r.done = true;
        let second = log.append(&read);
        assert_eq!(second.lines().count(), 1);
        assert!(
            second.contains("PC-5") && !second.contains("PC-1"),
            "{second}"
        );
        file.push_str(&second);
        read.complete = true;
        file.push_str(&log.append(&read));
        let (back, len) = read_log(&file).unwrap();
        assert_eq!(back, read);
        assert_eq!(len, file.len());
        assert_eq!(KeptLog::holding(&back), log);
    }

    /// A document's file is written once, with the read, and read back whole.
    #[test]
    fn a_documents_file_is_kept_once() {
        let mut log = KeptLog::default();
        let mut read = partial();
        let mut file = log.append(&read);
        read.files.insert(
            7,
            DocumentFile {
                filename: "facture.pdf".into(),
                mime: "application/pdf".into(),
                bytes: b"%PDF-1.4\n\x00\xff".to_vec(),
            },
        );
        read.complete = true;
        let more = log.append(&read);
        assert_eq!(more.lines().count(), 2, "the file, then the end: {more}");
        file.push_str(&more);
        assert_eq!(log.append(&read), "", "written once");
        let (back, _) = read_log(&file).unwrap();
        assert_eq!(back, read);
        assert_eq!(KeptLog::holding(&back), log);
    }

    /// A torn last line (killed while appending) is dropped; the whole lines before it are kept.
    #[test]
    fn a_torn_last_line_is_left_out() {
        let mut log = KeptLog::default();
        let read = partial();
        let whole = log.append(&read);
        let torn = format!("{whole}{{\"page\":{{\"key\":\"Monitor+na");
        let (back, len) = read_log(&torn).unwrap();
        assert_eq!(back, read);
        assert_eq!(len, whole.len());
        assert!(read_log("{\"reads\":{}}").is_none(), "not a log");
    }

    /// Another entity's read starts the log again.
    #[test]
    fn another_entity_starts_again() {
        let mut log = KeptLog::default();
        let mut file = log.append(&partial());
        let other = SourceRead {
            entity: Some(2),
            recursive: true,
            ..SourceRead::default()
        };
        file.push_str(&log.append(&other));
        assert_eq!(read_log(&file).unwrap().0, other);
    }
}
