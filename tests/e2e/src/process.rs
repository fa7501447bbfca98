//! Child processes that announce their address on stdout and die with their handle.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use crate::{HarnessError, Result};

/// How long a child may take to print its startup line.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// Bytes of stderr kept for error messages.
const STDERR_KEPT: usize = 8 * 1024;

/// A running child process, killed (and reaped) on drop.
pub struct ChildProcess {
    name: String,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl ChildProcess {
    /// Starts `command` and waits for a first stdout line starting with `prefix`; returns the
    /// process and the rest of that line after the prefix. Later output is drained so the child
    /// never blocks on a full pipe.
    pub fn spawn_announcing(
        name: &str,
        command: Command,
        prefix: &str,
    ) -> Result<(ChildProcess, String)> {
        let (mut child, stderr) = Self::start(name, command, Stdio::piped())?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
            let _ = tx.send(first);
            for _ in lines.by_ref() {}
        });
        let process = ChildProcess {
            name: name.to_string(),
            child,
            stderr,
        };
        let first = rx.recv_timeout(STARTUP_TIMEOUT).unwrap_or_default();
        match first.strip_prefix(prefix) {
            Some(rest) => Ok((process, rest.trim().to_string())),
            None => {
                // Give stderr a moment to arrive when the child exited right away.
                thread::sleep(Duration::from_millis(200));
                Err(HarnessError::Startup {
                    name: name.to_string(),
                    expected: prefix.to_string(),
                    got: first,
                    stderr: process.stderr_tail(),
                })
            }
        }
    }

    /// Starts `command` without waiting for anything; its output is drained (stderr kept).
    pub fn spawn(name: &str, command: Command) -> Result<ChildProcess> {
        let (child, stderr) = Self::start(name, command, Stdio::null())?;
        Ok(ChildProcess {
            name: name.to_string(),
            child,
            stderr,
        })
    }

    /// Spawns `command` with its stdout as given; its stderr is drained into the returned text.
    fn start(
        name: &str,
        mut command: Command,
        stdout: Stdio,
    ) -> Result<(std::process::Child, Arc<Mutex<String>>)> {
        command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|source| HarnessError::Spawn {
            name: name.to_string(),
            source,
        })?;
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(err) = child.stderr.take() {
            let keep = stderr.clone();
            thread::spawn(move || drain_into(err, &keep));
        }
        Ok((child, stderr))
    }

    /// The last few KB the child wrote on stderr.
    pub fn stderr_tail(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The name given at spawn time.
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn drain_into(mut from: impl Read, keep: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        if let Ok(mut s) = keep.lock() {
            s.push_str(&String::from_utf8_lossy(&buf[..n]));
            if s.len() > STDERR_KEPT {
                let cut = s.len() - STDERR_KEPT;
                let cut = (cut..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                s.drain(..cut);
            }
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn reads_the_announced_address_and_kills_on_drop() {
        let (p, rest) = ChildProcess::spawn_announcing(
            "stand-in",
            sh("echo 'listening on http://127.0.0.1:1234'; echo more; exec sleep 30"),
            "listening on ",
        )
        .unwrap();
        assert_eq!(rest, "http://127.0.0.1:1234");
        let pid = p.child.id();
        drop(p);
        // Killed and reaped: the pid is gone from /proc.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    #[test]
    fn a_wrong_first_line_is_reported_with_stderr() {
        let err = ChildProcess::spawn_announcing(
            "stand-in",
            sh("echo 'config error: PASSERELLE_GLPI_API_URL missing' >&2; echo nope; exit 2"),
            "listening on ",
        )
        .err()
        .expect("must fail");
        let msg = err.to_string();
        assert!(msg.contains("\"nope\""), "{msg}");
        assert!(msg.contains("PASSERELLE_GLPI_API_URL missing"), "{msg}");
    }
}
