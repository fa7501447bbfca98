//! scripts/run.sh's lifecycle (issue 14), with the debug binaries of this target directory
//! (`cargo build --workspace --bins` first, as scripts/test.sh does): the sandbox and the proxy
//! it starts live and die together, with a message saying which stopped; a stop request stops
//! both; no temporary file holding the demo tokens is left behind.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEMO_USER_TOKEN: &str = "passerelle-demo-user-token";

fn target_profile() -> PathBuf {
    // target/debug/deps/run_script-… → target/debug
    std::env::current_exe()
        .unwrap()
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Started {
    child: Child,
    stdout: Vec<String>,
    tmp: PathBuf,
    proxy_port: u16,
    sandbox_port: u16,
}

/// Starts a copy of scripts/run.sh in a repository of its own (no passerelle.toml or .env of
/// the developer's), with its own TMPDIR, and waits for the page's address.
fn start(tag: &str) -> Started {
    let profile = target_profile();
    for bin in ["passerelle-proxy", "glpi-sandbox"] {
        assert!(
            profile.join(bin).is_file(),
            "{bin} missing in {}: cargo build --workspace --bins first",
            profile.display()
        );
    }
    let repo = std::env::temp_dir().join(format!("passerelle-run-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("scripts")).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/run.sh");
    std::fs::copy(script, repo.join("scripts/run.sh")).unwrap();
    let tmp = repo.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let (proxy_port, sandbox_port) = (free_port(), free_port());
    let mut child = Command::new("bash")
        .arg(repo.join("scripts/run.sh"))
        .env_remove("PASSERELLE_GLPI_API_URL")
        .env_remove("PASSERELLE_GLPI_APP_TOKEN")
        .env("PASSERELLE_RUN_SKIP_BUILD", "1")
        .env("PASSERELLE_BIN_DIR", &profile)
        .env("PASSERELLE_LISTEN", format!("127.0.0.1:{proxy_port}"))
        .env(
            "PASSERELLE_SANDBOX_LISTEN",
            format!("127.0.0.1:{sandbox_port}"),
        )
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            Instant::now() < deadline,
            "run.sh did not start: {stdout:?}"
        );
        let line = lines.next().expect("run.sh stdout").unwrap();
        let done = line.starts_with("Passerelle : http://");
        stdout.push(line);
        if done {
            break;
        }
    }
    // Keep draining stdout so the script never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    Started {
        child,
        stdout,
        tmp,
        proxy_port,
        sandbox_port,
    }
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// The children of `pid` whose command line contains `name`.
fn child_named(pid: u32, name: &str) -> u32 {
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    children
        .split_whitespace()
        .filter_map(|c| c.parse::<u32>().ok())
        .find(|c| {
            std::fs::read(format!("/proc/{c}/cmdline"))
                .is_ok_and(|cmd| String::from_utf8_lossy(&cmd).contains(name))
        })
        .unwrap_or_else(|| panic!("no child {name} of {pid}: {children}"))
}

fn kill(pid: u32, signal: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} {pid}");
}

/// Waits for run.sh to end; its exit code and stderr.
fn finish(mut s: Started) -> (Option<i32>, String, Started) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = s.child.kill();
            panic!("run.sh did not stop");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code(), err, s)
}

fn assert_no_token_left(tmp: &Path) {
    let left: Vec<_> = walk(tmp);
    for f in &left {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        assert!(
            !text.contains(DEMO_USER_TOKEN),
            "{} holds a token",
            f.display()
        );
    }
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
            out.push(p);
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_sandbox_stopping_stops_the_proxy_with_a_message() {
    let s = start("sandbox");
    assert!(
        s.stdout.iter().any(|l| l.contains(DEMO_USER_TOKEN)),
        "demo credentials shown: {:?}",
        s.stdout
    );
    assert!(listening(s.proxy_port) && listening(s.sandbox_port));
    // While running, the demo tokens are only on the terminal.
    assert_no_token_left(&s.tmp);
    kill(child_named(s.child.id(), "glpi-sandbox"), "KILL");
    let (code, err, s) = finish(s);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("bac à sable") && err.contains("s'est arrêté"),
        "{err}"
    );
    assert!(!listening(s.proxy_port), "the proxy was stopped too");
    assert_no_token_left(&s.tmp);
}

#[test]
fn the_proxy_stopping_stops_the_sandbox_with_a_message() {
    let s = start("proxy");
    kill(child_named(s.child.id(), "passerelle-proxy"), "KILL");
    let (code, err, s) = finish(s);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("proxy Passerelle") && err.contains("s'est arrêté"),
        "{err}"
    );
    assert!(!listening(s.sandbox_port), "the sandbox was stopped too");
    assert_no_token_left(&s.tmp);
}

#[test]
fn a_stop_request_stops_everything() {
    let s = start("term");
    kill(s.child.id(), "TERM");
    let (code, err, s) = finish(s);
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("arrêt demandé"), "{err}");
    assert!(!listening(s.proxy_port) && !listening(s.sandbox_port));
    assert_no_token_left(&s.tmp);
}
