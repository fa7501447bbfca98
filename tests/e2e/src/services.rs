//! The GLPI sandbox and the Passerelle proxy, started from their real binaries.

use std::net::TcpListener;
use std::process::Command;

use crate::binaries::{self, PROXY, SANDBOX};
use crate::process::ChildProcess;
use crate::{dist_dir, HarnessError, Result};

/// The App-Token the sandbox accepts by default (a demo value, not a secret).
pub const DEMO_APP_TOKEN: &str = "passerelle-demo-app-token";

/// A running `glpi-sandbox`.
pub struct Sandbox {
    process: ChildProcess,
    /// Its legacy API address, `http://ADDR/apirest.php`.
    pub api_url: String,
}

impl Sandbox {
    /// Starts `glpi-sandbox --listen 127.0.0.1:0` and reads its address.
    pub fn start() -> Result<Sandbox> {
        Sandbox::start_with(&[])
    }

    /// Same, with extra arguments (`--latency realistic`).
    pub fn start_with(args: &[&str]) -> Result<Sandbox> {
        let mut command = Command::new(binaries::locate(SANDBOX)?);
        command.args(["--listen", "127.0.0.1:0"]).args(args);
        let (process, api_url) =
            ChildProcess::spawn_announcing("glpi-sandbox", command, "GLPI sandbox listening on ")?;
        Ok(Sandbox { process, api_url })
    }

    /// Its admin API, `http://ADDR/sandbox`.
    pub fn admin_url(&self) -> String {
        self.api_url.replace("/apirest.php", "/sandbox")
    }

    /// The end of the sandbox's stderr, for failure messages.
    pub fn stderr_tail(&self) -> String {
        self.process.stderr_tail()
    }
}

/// A running `passerelle-proxy` serving `dist/`.
pub struct Proxy {
    process: ChildProcess,
    /// Its base address, `http://ADDR` (no trailing slash).
    pub base_url: String,
}

impl Proxy {
    /// Starts the proxy in front of `glpi_api_url`, marked as a sandbox, serving the built page.
    pub fn start(glpi_api_url: &str) -> Result<Proxy> {
        let dist = dist_dir()?;
        let mut command = Command::new(binaries::locate(PROXY)?);
        command
            .env("PASSERELLE_LISTEN", "127.0.0.1:0")
            .env("PASSERELLE_GLPI_API_URL", glpi_api_url)
            .env("PASSERELLE_GLPI_APP_TOKEN", DEMO_APP_TOKEN)
            .env("PASSERELLE_GLPI_SANDBOX", "true")
            .env("PASSERELLE_STATIC_DIR", &dist);
        let (process, base_url) = ChildProcess::spawn_announcing(
            "passerelle-proxy",
            command,
            "Passerelle proxy listening on ",
        )?;
        let base_url = base_url.trim_end_matches('/').to_string();
        Ok(Proxy { process, base_url })
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The end of the proxy's stderr, for failure messages.
    pub fn stderr_tail(&self) -> String {
        self.process.stderr_tail()
    }
}

/// A GLPI API address on which nothing listens (a port just released), to simulate a dead GLPI.
pub fn dead_upstream_url() -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|source| HarnessError::Io {
        context: "reserving a free port".into(),
        source,
    })?;
    let addr = listener.local_addr().map_err(|source| HarnessError::Io {
        context: "reading a reserved port".into(),
        source,
    })?;
    drop(listener);
    Ok(format!("http://{addr}/apirest.php"))
}

/// A free local TCP port (released before returning, so there is a small race; fine for tests).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|source| HarnessError::Io {
        context: "reserving a free port".into(),
        source,
    })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| HarnessError::Io {
            context: "reading a reserved port".into(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_upstream_refuses_connections() {
        let url = dead_upstream_url().unwrap();
        let addr = url
            .strip_prefix("http://")
            .unwrap()
            .strip_suffix("/apirest.php")
            .unwrap();
        assert!(std::net::TcpStream::connect(addr).is_err());
    }
}
