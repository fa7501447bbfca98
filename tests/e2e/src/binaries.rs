//! Finds the binaries under test next to the test executable.

use std::path::{Path, PathBuf};

use crate::{HarnessError, Result};

/// A binary of the workspace the tests start.
#[derive(Clone, Copy, Debug)]
pub struct WorkspaceBin {
    /// File name (without extension).
    pub name: &'static str,
    /// Package that builds it.
    pub package: &'static str,
    /// Environment variable overriding its path.
    pub env: &'static str,
}

/// The Passerelle proxy.
pub const PROXY: WorkspaceBin = WorkspaceBin {
    name: "passerelle-proxy",
    package: "passerelle-proxy",
    env: "PASSERELLE_PROXY_BIN",
};

/// The `passerelle` command.
pub const CLI: WorkspaceBin = WorkspaceBin {
    name: "passerelle",
    package: "passerelle-cli",
    env: "PASSERELLE_CLI_BIN",
};

/// The in-memory GLPI.
pub const SANDBOX: WorkspaceBin = WorkspaceBin {
    name: "glpi-sandbox",
    package: "glpi-sandbox",
    env: "GLPI_SANDBOX_BIN",
};

/// The target profile directory (`target/debug`) of the running test executable
/// (`target/debug/deps/<test>-<hash>`).
fn profile_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    let profile = if deps.file_name()? == "deps" {
        deps.parent()?
    } else {
        deps
    };
    Some(profile.to_path_buf())
}

fn exe_name(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// Path of `bin`: its env override if set, else the test's own target profile directory.
pub fn locate(bin: WorkspaceBin) -> Result<PathBuf> {
    let path = match std::env::var_os(bin.env) {
        Some(p) => PathBuf::from(p),
        None => profile_dir()
            .unwrap_or_else(|| Path::new("target/debug").to_path_buf())
            .join(exe_name(bin.name)),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(HarnessError::MissingBinary {
            name: bin.name,
            package: bin.package,
            env: bin.env,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binary_names_the_fix() {
        let err = locate(WorkspaceBin {
            name: "no-such-binary-here",
            package: "no-such-package",
            env: "PASSERELLE_E2E_TEST_UNSET_VAR",
        })
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("cargo build -p no-such-package"), "{msg}");
        assert!(msg.contains("PASSERELLE_E2E_TEST_UNSET_VAR"), "{msg}");
    }

    #[test]
    fn profile_dir_is_above_deps() {
        let dir = profile_dir().unwrap();
        assert_ne!(dir.file_name().unwrap(), "deps");
        assert!(dir.is_dir());
    }
}
