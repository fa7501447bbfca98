//! Copies the built page (../dist, or $PASSERELLE_DIST) into OUT_DIR so it is embedded in the binary; an empty folder
//! when the page is not built yet, so the proxy always compiles.
use std::path::Path;

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create embed dir");
    if let Ok(entries) = std::fs::read_dir(from) {
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                copy(&p, &to.join(name));
            } else {
                std::fs::copy(&p, to.join(name)).expect("copy page file");
            }
        }
    }
}

fn main() {
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    // PASSERELLE_DIST: the folder scripts/build-page.sh wrote (dist/ by default).
    let dist = match std::env::var_os("PASSERELLE_DIST") {
        Some(d) => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"),
    };
    let to = Path::new(&out).join("dist");
    let _ = std::fs::remove_dir_all(&to);
    copy(&dist, &to);
    println!("cargo:rerun-if-env-changed=PASSERELLE_DIST");
    println!("cargo:rerun-if-changed={}", dist.display());
}
