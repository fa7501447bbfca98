//! Keeps serde's buffered readings out of the page (issue 14's size budget).
//!
//! serde's derived `Deserialize` for a tagged or untagged enum, or for a struct with a flattened
//! field, buffers the input in its own `Content` type and compiles a visitor per variant for
//! every input format it meets: about 20 KB of the page's wasm per type. The engine's and the
//! page's types read such shapes by hand instead (`wire::read_tagged!`, or a plain wire struct
//! behind `try_from`). This test reads their sources and names any type that would bring the
//! derive back.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's lines, an attribute spread over several lines (rustfmt splits a long derive)
/// joined into one, each with its 1-based line number.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = 0i32;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if open > 0 {
            let last = &mut out.last_mut().unwrap().1;
            last.push(' ');
            last.push_str(line);
        } else {
            out.push((i + 1, line.to_string()));
        }
        if open > 0 || line.starts_with("#[") {
            open += line.matches('[').count() as i32 - line.matches(']').count() as i32;
        }
    }
    out
}

/// The types of one file whose derived reading buffers: `file:line: name (why)`.
fn buffered_readings(path: &Path, text: &str) -> Vec<String> {
    let lines = logical_lines(text);
    let mut found = Vec::new();
    for (i, (_, line)) in lines.iter().enumerate() {
        if !(line.starts_with("#[derive(") && line.contains("Deserialize")) {
            continue;
        }
        // The container's attributes, up to the item itself.
        let mut attributes = String::new();
        let mut item = None;
        for (j, (_, next)) in lines.iter().enumerate().skip(i + 1) {
            if next.starts_with("#[") || next.starts_with("//") {
                attributes.push_str(next);
            } else {
                item = Some(j);
                break;
            }
        }
        let Some(item) = item else { continue };
        let (number, head) = &lines[item];
        let Some(name) = head
            .split_whitespace()
            .skip_while(|w| !matches!(*w, "enum" | "struct"))
            .nth(1)
        else {
            continue;
        };
        let name = name.trim_end_matches(['{', '(', ';']);
        // Read through another type: the derive does not buffer.
        if attributes.contains("try_from =") || attributes.contains("from =") {
            continue;
        }
        let why = if attributes.contains("tag =") {
            Some("tagged")
        } else if attributes.contains("untagged") {
            Some("untagged")
        } else if head.contains("struct") && has_flattened_field(&lines[item..]) {
            Some("a flattened field")
        } else {
            None
        };
        if let Some(why) = why {
            found.push(format!("{}:{number}: {name} ({why})", path.display()));
        }
    }
    found
}

/// Whether the struct starting at the first line has a `#[serde(flatten)]` field.
fn has_flattened_field(lines: &[(usize, String)]) -> bool {
    let mut depth = 0i32;
    for (_, line) in lines {
        if line.contains("#[serde(flatten") {
            return true;
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        if depth <= 0 && line.contains('}') {
            return false;
        }
    }
    false
}

#[test]
fn no_type_of_the_engine_or_the_page_reads_through_serdes_buffer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    sources(&root.join("../frontend/src"), &mut files);
    assert!(
        files.len() > 50,
        "the sources were not found: {}",
        files.len()
    );
    let found: Vec<String> = files
        .iter()
        .flat_map(|path| buffered_readings(path, &std::fs::read_to_string(path).unwrap()))
        .collect();
    assert!(
        found.is_empty(),
        "derived readings that buffer (read them with wire::read_tagged!, or through a wire \
         struct with try_from):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_each_shape_that_buffers() {
    let text = r#"
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Internally { A }

#[derive(Deserialize)]
#[serde(tag = "code", content = "values")]
enum Adjacently { B(u8) }

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Untagged { C(u8) }

#[derive(Deserialize)]
pub struct Flat {
    a: u8,
    #[serde(flatten)]
    rest: Other,
}

#[derive(Serialize)]
#[serde(tag = "kind")]
pub enum WrittenOnly { D }

#[derive(Deserialize)]
#[serde(untagged, try_from = "Wire")]
pub enum ThroughWire { E }

#[derive(Deserialize)]
pub struct Plain {
    a: u8,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(
    rename_all = "snake_case",
    tag = "kind"
)]
pub enum Long { F }
"#;
    let found = buffered_readings(Path::new("x.rs"), text);
    assert_eq!(
        found,
        [
            "x.rs:4: Internally (tagged)",
            "x.rs:8: Adjacently (tagged)",
            "x.rs:12: Untagged (untagged)",
            "x.rs:15: Flat (a flattened field)",
            "x.rs:41: Long (tagged)",
        ]
    );
}
