//! The Debian package (issue 14), as built by scripts/package.sh (scripts/test.sh builds it before
//! the tests; `PASSERELLE_DEB` names another file): its files and their modes, the conffile,
//! the service user and the secret's permissions made by postinst, the systemd unit's hardening
//! checked by `systemd-analyze verify`, and the packaged binary serving the embedded page,
//! precompressed and within the size budget of BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The size ceilings the page must stay under. Issue 14's budget is 1 MB of wasm and 400 KB of
/// brotli for the whole page: NOT met (see BENCHMARKS.md, "Deployment"). Until it is, these hold
/// today's sizes with a 5% margin so that the page cannot grow unnoticed; lower them as the wasm
/// shrinks. Lowered on 2026-12-02 (issue 14) from 2.70 MB / 903 KB when the worker's messages
/// stopped going through serde's `Content` buffer and the page took only the DSFR parts it draws:
/// 2,477,838 B of wasm and 818,237 B of brotli measured then.
/// Raised on 2026-12-02 (issue 16) by what the page measured when it started reading the local
/// GLPI (the engine's `migrate::source` reader, its families and the page's source step): +108,621
/// B of wasm (2,577,211 → 2,685,832 B) and +30,998 B of brotli (849,384 → 880,382 B), main's page
/// before this change (dist/ of main, built at 22:36 UTC) against this one; the ceilings move by
/// that much, keeping their margin.
/// Raised on 2026-12-03 (issue 16) by what suppliers and contracts added (the engine's
/// `source::contracts` family, four companion kinds with their templates and help, the plan's
/// suppliers, contracts and their links): +14,395 B of wasm (2,704,331 → 2,718,726 B) and
/// +4,290 B of brotli (the page's files, 885,620 → 889,910 B), main at f3cc279 against this
/// change, both built with scripts/build-page.sh.
/// Raised again the same day (issue 16) by what documents as planned objects, port updates and
/// users' default entities added (uploads' bytes in the plan, the sha1 check, three GLPI types):
/// 2,794,082 B of wasm and 908,576 B of brotli measured at f80085a with scripts/build-page.sh,
/// plus 0.5% for the issue's last pieces. Issue 14's budget (1 MB, 400 KB) is not met.
/// Lowered on 2026-12-03 (issue 14) when the engine's sorts went through one shared instance of
/// the standard sort (`passerelle_engine::sort`: -52,527 B of wasm) and a file's rejected rows
/// were read again in the worker: 2,767,213 B of wasm and 905,485 B of brotli for the whole page
/// with scripts/build-page.sh, plus 0.5%. Then ordered sets and maps built by insertion
/// (`passerelle_engine::sort::CollectOrdered`): 2,745,478 B and 899,995 B at a1edc4f
/// (`bash bench/deploy/run.sh 3`), plus 0.5%. Then the GLPI client's transport and the runner's
/// journal sink held behind pointers (one runner for the page's runs and the dry-run) and the
/// diagnostics read through a plain wire struct: 2,690,398 B and 891,768 B at 81bd649, plus 0.5%.
/// Then the files decoded without encoding_rs's decoders and chardetng (the East Asian tables
/// gone): 2,476,912 B and 767,365 B at f1cc41b, plus 0.5%. Then the standard library built
/// with panic=immediate-abort and the tagged enums read by hand (`passerelle_engine::wire`):
/// 2,160,144 B and 701,081 B at 2fd4810; with four more enums read by hand, 2,151,086 B and
/// 699,048 B at c80e773. Then the GLPI tables the engine does not write dropped from its
/// columns and the standard library in its smaller forms without panic locations: 2,068,904 B
/// and 678,846 B at 4b2067e, plus 0.5%. Then what the migration lost or let GLPI change carried
/// (the operating system's and financial record's other columns, software owners and versions'
/// columns, users' validity and supervisor, update steps after connections and locations):
/// 2,094,173 B and 686,350 B, plus 0.5%. Then budgets, business criticities, tasks' groups,
/// creation dates and UUIDs, ports' measures carried, and the census of what the local GLPI
/// holds that the migration does not carry (told in the read's table instead of lost
/// silently): 2,115,375 B and 692,251 B, plus 0.5%.
const WASM_BUDGET: usize = 2_126_000;
/// The whole page on the wire with brotli, measured with the wasm's ceiling above (692,251 B)
/// plus 0.5%, the French State design system's CSS included (its core and the components
/// the page draws, scripts/dsfr-css.sh: 37 KB of brotli, served by the proxy since a CDN is not
/// allowed; its fonts and icons are fetched by that CSS, not linked from index.html, so they are
/// not counted here).
const PAGE_BR_BUDGET: usize = 695_800;

fn deb() -> PathBuf {
    if let Some(p) = std::env::var_os("PASSERELLE_DEB") {
        return PathBuf::from(p);
    }
    // target/debug/deps/package-… → target/debian/passerelle.deb
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let p = target.join("debian/passerelle.deb");
    assert!(
        p.is_file(),
        "{} missing: run bash scripts/package.sh first (scripts/test.sh does)",
        p.display()
    );
    p
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The package's files and control files, unpacked in a folder of this test's own.
fn extracted(tag: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("passerelle-deb-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = dir.join("root");
    let control = dir.join("control");
    run(Command::new("dpkg-deb").arg("-x").arg(deb()).arg(&root));
    run(Command::new("dpkg-deb").arg("-e").arg(deb()).arg(&control));
    (root, control)
}

fn unit_path(root: &Path) -> PathBuf {
    ["lib/systemd/system", "usr/lib/systemd/system"]
        .iter()
        .map(|d| root.join(d).join("passerelle.service"))
        .find(|p| p.is_file())
        .expect("passerelle.service in the package")
}

#[test]
fn the_package_holds_the_binary_the_unit_and_a_protected_configuration() {
    let listing = run(Command::new("dpkg-deb").arg("-c").arg(deb()));
    let line = |path: &str| {
        listing
            .lines()
            .find(|l| l.ends_with(path))
            .unwrap_or_else(|| panic!("{path} not in the package:\n{listing}"))
            .to_string()
    };
    assert!(line("./usr/bin/passerelle-proxy").starts_with("-rwxr-xr-x 0/0"));
    // Root's file, readable by the group postinst gives to the service user only.
    assert!(line("./etc/passerelle/passerelle.toml").starts_with("-rw-r----- 0/0"));
    assert!(
        listing.contains("systemd/system/passerelle.service"),
        "{listing}"
    );
    assert!(listing.contains("./usr/share/doc/passerelle/"), "{listing}");

    let (root, control) = extracted("contents");
    let conffiles = std::fs::read_to_string(control.join("conffiles")).unwrap();
    assert!(
        conffiles
            .lines()
            .any(|l| l == "/etc/passerelle/passerelle.toml"),
        "{conffiles}"
    );
    let fields = std::fs::read_to_string(control.join("control")).unwrap();
    assert!(fields.contains("Package: passerelle"), "{fields}");
    assert!(
        fields
            .lines()
            .any(|l| l.starts_with("Depends:") && l.contains("adduser")),
        "{fields}"
    );

    // postinst: a system user of its own, the configuration 0640 root:passerelle.
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    assert!(postinst.contains("adduser --system --group"), "{postinst}");
    assert!(
        postinst.contains("chown root:passerelle /etc/passerelle /etc/passerelle/passerelle.toml")
    );
    assert!(postinst.contains("chmod 0640 /etc/passerelle/passerelle.toml"));
    assert!(
        postinst.contains("deb-systemd-helper"),
        "cargo-deb's systemd snippet:\n{postinst}"
    );
    assert!(!postinst.contains("#DEBHELPER#"));
    run(Command::new("sh").arg("-n").arg(control.join("postinst")));

    // The configuration is commented and names every setting's variable; no real secret.
    let toml_text = std::fs::read_to_string(root.join("etc/passerelle/passerelle.toml")).unwrap();
    for key in [
        "PASSERELLE_GLPI_API_URL",
        "PASSERELLE_GLPI_APP_TOKEN",
        "PASSERELLE_UPSTREAM_MAX_IN_FLIGHT",
        "PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND",
        "journalctl -u passerelle",
    ] {
        assert!(toml_text.contains(key), "{key}");
    }
    let comments = toml_text
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .count();
    assert!(comments > 30, "{comments} comment lines");

    let unit = std::fs::read_to_string(unit_path(&root)).unwrap();
    for setting in [
        "User=passerelle",
        "ExecStart=/usr/bin/passerelle-proxy --config /etc/passerelle/passerelle.toml",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "CapabilityBoundingSet=\n",
        "StandardError=journal",
    ] {
        assert!(unit.contains(setting), "{setting} missing:\n{unit}");
    }
}

#[test]
fn systemd_accepts_the_unit_and_rates_it_safe() {
    let (root, _) = extracted("unit");
    // The unit as installed, its ExecStart pointed at the unpacked binary (verify checks that
    // the program exists), checked against the host's systemd units.
    let binary = root.join("usr/bin/passerelle-proxy");
    let text = std::fs::read_to_string(unit_path(&root))
        .unwrap()
        .replace("/usr/bin/passerelle-proxy", binary.to_str().unwrap());
    let dir = root.parent().unwrap().join("units");
    std::fs::create_dir_all(&dir).unwrap();
    let unit = dir.join("passerelle.service");
    std::fs::write(&unit, text).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .expect("systemd-analyze (scripts/bootstrap.sh installs systemd)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // verify exits 0 even on unknown keys or bad values: any line about the unit is a failure.
    let own: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("passerelle.service"))
        .collect();
    assert!(
        out.status.success() && own.is_empty(),
        "{:?}\n{stderr}",
        out.status
    );
    // systemd's own exposure rating of the hardening: 0 (locked down) to 10 (unsafe).
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true"])
        .arg(&unit)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let level: f64 = text
        .lines()
        .find_map(|l| l.split("passerelle.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(level <= 2.0, "exposure {level}:\n{text}");
}

#[test]
fn the_packaged_binary_serves_the_embedded_page_precompressed_within_budget() {
    let (root, _) = extracted("page");
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    // With the packaged configuration (every key known to the proxy), the address and GLPI
    // overridden by the environment as the unit allows.
    let mut child = Command::new(root.join("usr/bin/passerelle-proxy"))
        .arg("--config")
        .arg(root.join("etc/passerelle/passerelle.toml"))
        .current_dir(&root)
        .env_clear()
        .env("PASSERELLE_LISTEN", "127.0.0.1:0")
        .env(
            "PASSERELLE_GLPI_API_URL",
            format!("http://{dead}/apirest.php"),
        )
        .env("PASSERELLE_GLPI_APP_TOKEN", "package-test-token")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .trim()
        .strip_prefix("Passerelle proxy listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    let result = std::panic::catch_unwind(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(check_page(&base))
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

async fn check_page(base: &str) {
    let c = reqwest::Client::builder().no_proxy().build().unwrap();
    let get = |path: String, accept: &'static str| {
        let c = c.clone();
        async move {
            let res = c
                .get(path)
                .header("Accept-Encoding", accept)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let h = res.headers().clone();
            (status, h, res.bytes().await.unwrap().len())
        }
    };
    let index = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let html = index.text().await.unwrap();
    let attr = |name: &str| {
        let start = html
            .find(&format!("{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {html}"))
            + name.len()
            + 2;
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    let (js, wasm, worker) = (attr("data-js"), attr("data-wasm"), attr("data-worker"));
    assert!(
        worker.starts_with("/worker-") && worker.ends_with(".js"),
        "{worker}"
    );
    let mut assets = vec![js, wasm.clone(), worker];
    for tag in ["src=\"", "href=\""] {
        for part in html.split(tag).skip(1) {
            let path = &part[..part.find('"').unwrap()];
            if path.starts_with('/') && !assets.iter().any(|a| a == path) {
                assets.push(path.to_string());
            }
        }
    }
    let (_, _, html_br) = get(format!("{base}/"), "br").await;
    let mut on_the_wire = html_br;
    for a in &assets {
        let (status, h, br) = get(format!("{base}{a}"), "gzip, deflate, br").await;
        assert_eq!(status, 200, "{a}");
        assert_eq!(h["content-encoding"], "br", "{a}");
        assert_eq!(
            h["cache-control"], "public, max-age=31536000, immutable",
            "{a}"
        );
        let (_, h, gz) = get(format!("{base}{a}"), "gzip").await;
        assert_eq!(h["content-encoding"], "gzip", "{a}");
        assert!(br < gz, "{a}: brotli {br} < gzip {gz}");
        on_the_wire += br;
    }
    let (_, h, plain_wasm) = get(format!("{base}{wasm}"), "identity").await;
    assert!(h.get("content-encoding").is_none());
    assert_eq!(h["content-type"], "application/wasm");
    assert!(
        plain_wasm <= WASM_BUDGET,
        "wasm {plain_wasm} B > {WASM_BUDGET} B"
    );
    assert!(
        on_the_wire <= PAGE_BR_BUDGET,
        "page {on_the_wire} B of brotli > {PAGE_BR_BUDGET} B"
    );
    let (status, _, _) = get(format!("{base}/favicon.ico"), "br").await;
    assert_eq!(status, 404);
}
