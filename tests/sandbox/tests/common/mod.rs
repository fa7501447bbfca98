//! A small GLPI client for the sandbox tests.
#![allow(dead_code)]

use glpi_sandbox::{spawn, RunningSandbox, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct Glpi {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
    pub session: Option<String>,
}

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Glpi {
    pub async fn start() -> Glpi {
        Self::start_with(SandboxConfig::default()).await
    }

    pub async fn start_with(config: SandboxConfig) -> Glpi {
        let sandbox = spawn(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        Glpi {
            sandbox,
            http,
            session: None,
        }
    }

    /// Starts and opens a Super-Admin session.
    pub async fn admin() -> Glpi {
        let mut g = Self::start().await;
        g.login(DEMO_USER_TOKEN).await;
        g
    }

    pub async fn login(&mut self, user_token: &str) {
        let a = self
            .raw(
                "GET",
                "initSession",
                None,
                &[("Authorization", &format!("user_token {user_token}"))],
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
        self.session = Some(a.body["session_token"].as_str().unwrap().to_string());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.sandbox.api_url(), path)
    }

    /// A call with App-Token and the session (if any) plus extra headers.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                self.url(path),
            )
            .header("App-Token", DEMO_APP_TOKEN);
        if let Some(s) = &self.session {
            req = req.header("Session-Token", s);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.raw("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.raw("POST", path, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.raw("PUT", path, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.raw("DELETE", path, None, &[]).await
    }

    pub async fn admin_call(&self, method: &str, action: &str, body: Option<Value>) -> Value {
        let url = format!("{}/{}", self.sandbox.admin_url(), action);
        let mut req = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        req.send().await.unwrap().json().await.unwrap()
    }
}
