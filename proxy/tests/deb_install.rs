//! The Debian package installed for real (issue 14): `dpkg -i` in a clean Debian 12 root
//! (debootstrap's minbase plus adduser, made by scripts/clean-root.sh and cached under
//! ~/.cache), as an administrator's fresh server would take it. Proves what postinst does there
//! (the service's system user and group, the configuration holding the App-Token readable by
//! root and that group only) and that the installed binary, started inside the root as the
//! service user with the installed configuration, serves the page. Needs root (chroot), as the
//! project's machines and CI run; scripts/package.sh builds the .deb first (scripts/test.sh
//! does; `PASSERELLE_DEB` names another file).

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn deb() -> PathBuf {
    if let Some(p) = std::env::var_os("PASSERELLE_DEB") {
        return PathBuf::from(p);
    }
    // target/debug/deps/deb_install-… → target/debian/passerelle.deb
    let exe = std::env::current_exe().unwrap();
    let p = exe
        .ancestors()
        .nth(3)
        .unwrap()
        .join("debian/passerelle.deb");
    assert!(
        p.is_file(),
        "{} missing: run bash scripts/package.sh first (scripts/test.sh does)",
        p.display()
    );
    p
}

fn output(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn run(cmd: &mut Command) -> String {
    let out = output(cmd);
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `chroot ROOT …` with a plain environment (nothing of the test's own leaks in).
fn chroot(root: &Path, user: Option<&str>) -> Command {
    let mut c = Command::new("chroot");
    if let Some(u) = user {
        c.arg(format!("--userspec={u}"));
    }
    c.arg(root)
        .env_clear()
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("LANG", "C.UTF-8")
        .env("DEBIAN_FRONTEND", "noninteractive");
    c
}

/// A getent line's fields (`name:x:uid:gid:…`).
fn entry(root: &Path, db: &str, name: &str) -> Vec<String> {
    run(chroot(root, None).args(["getent", db, name]))
        .trim()
        .split(':')
        .map(str::to_string)
        .collect()
}

/// Removes the root even when an assertion fails.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_package_installs_in_a_clean_debian_root_and_its_service_user_serves_the_page() {
    let uid = run(Command::new("id").arg("-u"));
    assert_eq!(uid.trim(), "0", "installing a .deb in a chroot needs root");
    let scratch = Scratch(
        std::env::temp_dir().join(format!("passerelle-deb-install-{}", std::process::id())),
    );
    let root = scratch.0.join("root");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/clean-root.sh");
    run(Command::new("bash").arg(&script).arg(&root));
    assert!(
        output(chroot(&root, None).args(["getent", "passwd", "passerelle"]))
            .stdout
            .is_empty(),
        "the root is not clean"
    );

    std::fs::copy(deb(), root.join("tmp/passerelle.deb")).unwrap();
    run(chroot(&root, None).args(["dpkg", "-i", "/tmp/passerelle.deb"]));
    let status = run(chroot(&root, None).args(["dpkg-query", "-W", "-f=${Status}", "passerelle"]));
    assert_eq!(status, "install ok installed");

    // postinst: a system user (no login, no home) and its own group.
    let user = entry(&root, "passwd", "passerelle");
    let group = entry(&root, "group", "passerelle");
    let (user_id, user_gid, group_id): (u32, u32, u32) = (
        user[2].parse().unwrap(),
        user[3].parse().unwrap(),
        group[2].parse().unwrap(),
    );
    assert!(user_id < 1000, "not a system user: {user:?}");
    assert_eq!(user_gid, group_id, "{user:?} {group:?}");
    assert_eq!(user[5], "/nonexistent", "{user:?}");
    assert!(user[6].ends_with("nologin"), "{user:?}");
    assert!(!root.join("nonexistent").exists());

    // The configuration (GLPI's App-Token) is root's, readable by the service's group only.
    let mode = |p: &str| {
        let m = std::fs::metadata(root.join(p)).unwrap();
        (m.permissions().mode() & 0o7777, m.uid(), m.gid())
    };
    assert_eq!(mode("etc/passerelle"), (0o750, 0, group_id));
    assert_eq!(mode("etc/passerelle/passerelle.toml"), (0o640, 0, group_id));
    assert_eq!(mode("usr/bin/passerelle-proxy"), (0o755, 0, 0));
    let read_as = |who: &str| {
        output(chroot(&root, Some(who)).args(["cat", "/etc/passerelle/passerelle.toml"]))
    };
    let by_service = read_as("passerelle:passerelle");
    assert!(
        by_service.status.success()
            && String::from_utf8_lossy(&by_service.stdout).contains("app_token"),
        "{}",
        String::from_utf8_lossy(&by_service.stderr)
    );
    let by_other = read_as("nobody:nogroup");
    assert!(!by_other.status.success(), "another user read the secret");
    assert!(
        String::from_utf8_lossy(&by_other.stderr).contains("Permission denied"),
        "{}",
        String::from_utf8_lossy(&by_other.stderr)
    );
    // The unit is installed where systemd reads it, not enabled (GLPI must be configured first).
    assert!(["lib", "usr/lib"].iter().any(|d| root
        .join(d)
        .join("systemd/system/passerelle.service")
        .is_file()));
    assert!(!root
        .join("etc/systemd/system/multi-user.target.wants/passerelle.service")
        .exists());

    // The installed binary, run inside the root as the unit runs it (its user, its configuration);
    // the address and GLPI overridden by the environment as the unit allows (no GLPI needed to
    // serve the page).
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = chroot(&root, Some("passerelle:passerelle"))
        .args([
            "/usr/bin/passerelle-proxy",
            "--config",
            "/etc/passerelle/passerelle.toml",
        ])
        .env("PASSERELLE_LISTEN", "127.0.0.1:0")
        .env(
            "PASSERELLE_GLPI_API_URL",
            format!("http://{dead}/apirest.php"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        let base = first
            .trim()
            .strip_prefix("Passerelle proxy listening on ")
            .unwrap_or_else(|| panic!("the installed proxy did not start: {first:?}"))
            .to_string();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(fetch_page(&base))
    });
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    if let Err(e) = result {
        eprintln!("proxy's stderr:\n{}", String::from_utf8_lossy(&out.stderr));
        std::panic::resume_unwind(e);
    }
    // The App-Token of the configuration (read by the service user) never reaches the log.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("à-remplacer"));
}

async fn fetch_page(base: &str) {
    let c = reqwest::Client::builder().no_proxy().build().unwrap();
    let index = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    let html = index.text().await.unwrap();
    let wasm = html
        .split("data-wasm=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no data-wasm in {html}"))
        .to_string();
    let res = c
        .get(format!("{base}{wasm}"))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{wasm}");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(!res.bytes().await.unwrap().is_empty());
}
