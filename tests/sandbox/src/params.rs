//! Request parameters as GLPI reads them: query string first, then the JSON body on top.

use serde_json::{Map, Value};

/// Decodes `%XX` and `+` in a query component.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parameters of one call.
#[derive(Debug, Default, Clone)]
pub struct Params {
    /// Query string pairs, decoded, in order (PHP array keys kept as text: `criteria[0][field]`).
    pub query: Vec<(String, String)>,
    /// The JSON body's top-level keys.
    pub body: Map<String, Value>,
}

impl Params {
    /// Parses a query string.
    pub fn from_query(q: Option<&str>) -> Params {
        let query = q
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        Params {
            query,
            body: Map::new(),
        }
    }

    /// A scalar parameter: body first (it overrides), then query.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(v) = self.body.get(key) {
            return match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            };
        }
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// A boolean parameter (`true`/`false` strings become booleans, as in GLPI).
    pub fn flag(&self, key: &str, default: bool) -> bool {
        match self.get(key).as_deref() {
            Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            _ => default,
        }
    }

    /// Pairs whose key starts with `prefix` (`criteria[`), for PHP-style arrays.
    pub fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_php_style_queries() {
        let p = Params::from_query(Some(
            "criteria%5B0%5D%5Bvalue%5D=%5Epc-01%24&range=0-5&x=a+b&bad=%zz",
        ));
        assert_eq!(p.get("criteria[0][value]").as_deref(), Some("^pc-01$"));
        assert_eq!(p.get("range").as_deref(), Some("0-5"));
        assert_eq!(p.get("x").as_deref(), Some("a b"));
        assert_eq!(p.get("bad").as_deref(), Some("%zz"));
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
    }
}
