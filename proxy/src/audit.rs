//! The audit line written for every forwarded call, with secrets removed from the query.

/// Query parameters whose values are never logged.
const SECRET_PARAMS: [&str; 6] = [
    "session_token",
    "app_token",
    "user_token",
    "password",
    "login",
    "api_token",
];

/// The path and query as they may be logged: secret parameter values replaced by `[secret]`.
pub fn loggable(path: &str, query: Option<&str>) -> String {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return path.to_string();
    };
    let cleaned: Vec<String> = q
        .split('&')
        .map(|pair| {
            let (k, _) = pair.split_once('=').unwrap_or((pair, ""));
            let key = k.to_ascii_lowercase();
            if SECRET_PARAMS.iter().any(|s| key == *s) {
                format!("{k}=[secret]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", cleaned.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_hidden() {
        assert_eq!(
            loggable(
                "/api/initSession",
                Some("user_token=abc&session_token=def&range=0-5")
            ),
            "/api/initSession?user_token=[secret]&session_token=[secret]&range=0-5"
        );
        assert_eq!(loggable("/api/Computer", None), "/api/Computer");
        assert_eq!(
            loggable("/api/x", Some("Password=p&LOGIN=u")),
            "/api/x?Password=[secret]&LOGIN=[secret]"
        );
    }
}
