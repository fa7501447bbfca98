//! GLPI 10.0.11's tables as the real database declares them (`data/glpi-10.0.11-columns.tsv`,
//! written by `data/extract-columns.sh` from information_schema): what a row holds, in which
//! order, with which defaults and types.
//!
//! GLPI keeps from an input only the keys that are columns of the item's table
//! (`CommonDBTM::add`/`update` walk `$this->fields`); everything else is dropped without a word.

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const COLUMNS_TSV: &str = include_str!("../data/glpi-10.0.11-columns.tsv");

/// How a column's value is typed, as GLPI's mysqli connection returns it (native integers and
/// floats, decimals as text with their scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `int`, `tinyint`, `smallint`, `bigint`: a JSON number.
    Integer,
    /// `float`: a JSON number.
    Float,
    /// `decimal(p,s)`: a string with `s` decimals (`"0.0000"`).
    Decimal(usize),
    /// `date`: `YYYY-MM-DD`.
    Date,
    /// `timestamp`/`datetime`: `YYYY-MM-DD HH:MM:SS`.
    Timestamp,
    /// Everything else (`varchar`, `text`, `char`, `time`...): a string.
    Text,
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// Value type.
    pub kind: Kind,
    /// The value a new row gets when the input does not give one.
    pub default: Value,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

fn kind_of(column_type: &str) -> Kind {
    let base = column_type.split(['(', ' ']).next().unwrap_or("");
    match base {
        "int" | "tinyint" | "smallint" | "mediumint" | "bigint" => Kind::Integer,
        "float" | "double" => Kind::Float,
        "decimal" => {
            let scale = column_type
                .split_once(',')
                .and_then(|(_, s)| s.trim_end_matches(')').trim().parse().ok())
                .unwrap_or(0);
            Kind::Decimal(scale)
        }
        "date" => Kind::Date,
        "timestamp" | "datetime" => Kind::Timestamp,
        _ => Kind::Text,
    }
}

/// MariaDB's spelling of a default (`NULL`, `0`, `'text'`, `current_timestamp()`, `\N` for
/// none) as the value a new row holds.
fn default_of(raw: &str, kind: Kind, nullable: bool) -> Value {
    match raw {
        "NULL" => Value::Null,
        // No default: MariaDB (non-strict, as GLPI runs it) stores the type's zero.
        "\\N" if nullable => Value::Null,
        "\\N" => match kind {
            Kind::Integer | Kind::Float => json!(0),
            Kind::Decimal(scale) => json!(format!("{:.scale$}", 0.0)),
            Kind::Date | Kind::Timestamp => Value::Null,
            Kind::Text => json!(""),
        },
        // Expressions are evaluated at insert time (see `State::insert`); none of the tables the
        // sandbox serves uses one, so the row keeps NULL until the server sets it.
        r if r.ends_with("()") => Value::Null,
        r if r.starts_with('\'') => {
            let text = r.trim_matches('\'').replace("''", "'");
            coerce(kind, &json!(text)).unwrap_or(json!(text))
        }
        r => coerce(kind, &json!(r)).unwrap_or(json!(r)),
    }
}

/// A value as the column stores it, or `None` when it cannot (an unparsable number stays out).
pub fn coerce(kind: Kind, value: &Value) -> Option<Value> {
    if value.is_null() {
        return Some(Value::Null);
    }
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Bool(b) => u8::from(*b).to_string(),
        Value::Number(n) => n.to_string(),
        // Arrays and objects are not column values: PHP would refuse them.
        _ => return None,
    };
    match kind {
        Kind::Integer => {
            if text.is_empty() {
                return Some(json!(0));
            }
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().map(|f| f.trunc() as i64))
                .map(|n| json!(n))
        }
        Kind::Float => text
            .parse::<f64>()
            .ok()
            .or(text.is_empty().then_some(0.0))
            .map(|f| {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    json!(f as i64)
                } else {
                    json!(f)
                }
            }),
        Kind::Decimal(scale) => text
            .parse::<f64>()
            .ok()
            .or(text.is_empty().then_some(0.0))
            .map(|f| json!(format!("{f:.scale$}"))),
        Kind::Date | Kind::Timestamp | Kind::Text => Some(match value {
            Value::String(s) => json!(s),
            _ => json!(text),
        }),
    }
}

fn tables() -> &'static HashMap<&'static str, Vec<Column>> {
    static TABLES: OnceLock<HashMap<&'static str, Vec<Column>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut out: HashMap<&'static str, Vec<Column>> = HashMap::new();
        for line in COLUMNS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&'static str> = line.split('\t').collect();
            let [table, name, column_type, default, nullable] = f[..] else {
                continue;
            };
            let kind = kind_of(column_type);
            let nullable = nullable == "YES";
            out.entry(table).or_default().push(Column {
                name,
                kind,
                default: default_of(default, kind, nullable),
                nullable,
            });
        }
        out
    })
}

/// The columns of a table in the database's order (empty for an unknown table).
pub fn columns(table: &str) -> &'static [Column] {
    tables().get(table).map(Vec::as_slice).unwrap_or(&[])
}

/// One column of a table.
pub fn column(table: &str, name: &str) -> Option<&'static Column> {
    columns(table).iter().find(|c| c.name == name)
}

/// Keeps of `input` only what `table` can store, typed as the column types it; values a
/// column cannot hold are dropped too. `id` is never taken from an input.
pub fn keep_columns(table: &str, input: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in input {
        if k == "id" {
            continue;
        }
        if let Some(col) = column(table, &k) {
            if let Some(v) = coerce(col.kind, &v) {
                let v = if v.is_null() && !col.nullable {
                    col.default.clone()
                } else {
                    v
                };
                out.insert(k, v);
            }
        }
    }
    out
}

/// A new row: every column with its default, then the input's values.
pub fn new_row(table: &str, input: Map<String, Value>) -> Map<String, Value> {
    let mut row: Map<String, Value> = columns(table)
        .iter()
        .filter(|c| c.name != "id")
        .map(|c| (c.name.to_string(), c.default.clone()))
        .collect();
    row.extend(keep_columns(table, input));
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_computers_table_is_loaded_in_order() {
        let cols: Vec<&str> = columns("glpi_computers").iter().map(|c| c.name).collect();
        assert_eq!(&cols[..3], ["id", "entities_id", "name"]);
        assert!(!cols.contains(&"operatingsystems_id"));
        assert!(!cols.contains(&"buy_date"));
        assert_eq!(
            column("glpi_computers", "ticket_tco").unwrap().default,
            json!("0.0000")
        );
        assert_eq!(column("glpi_users", "is_active").unwrap().default, json!(1));
        assert_eq!(
            column("glpi_computers", "comment").unwrap().default,
            Value::Null
        );
        assert_eq!(
            column("glpi_tickets_users", "alternative_email")
                .unwrap()
                .default,
            Value::Null
        );
    }

    #[test]
    fn inputs_keep_columns_only_typed_as_the_database_types_them() {
        let mut input = Map::new();
        input.insert("value".into(), json!("123.5"));
        input.insert("warranty_duration".into(), json!("36"));
        input.insert("warranty_expiration".into(), json!("2023-01-01"));
        input.insert("order_number".into(), json!(42));
        let kept = keep_columns("glpi_infocoms", input);
        assert_eq!(kept.get("value"), Some(&json!("123.5000")));
        assert_eq!(kept.get("warranty_duration"), Some(&json!(36)));
        assert_eq!(kept.get("order_number"), Some(&json!("42")));
        assert!(!kept.contains_key("warranty_expiration"));
    }
}
