//! Where things live on each OS, relative to the (possibly relocated) home
//! and system root, so tests can check every OS's paths on any machine.

use crate::Os;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Dirs {
    pub os: Os,
    pub home: PathBuf,
    pub system_root: PathBuf,
    pub vars: BTreeMap<String, String>,
}

impl Dirs {
    /// A path-valued environment variable, when set and non-empty.
    pub fn var(&self, name: &str) -> Option<PathBuf> {
        self.vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `%APPDATA%` (Windows roaming app data).
    fn roaming(&self) -> PathBuf {
        self.var("APPDATA")
            .unwrap_or_else(|| self.home.join("AppData").join("Roaming"))
    }

    /// `%LOCALAPPDATA%` on Windows; the app-data dir elsewhere.
    pub fn local_app_data(&self) -> PathBuf {
        match self.os {
            Os::Windows => self
                .var("LOCALAPPDATA")
                .unwrap_or_else(|| self.home.join("AppData").join("Local")),
            _ => self.app_data(),
        }
    }

    /// XDG-style config dir: `$XDG_CONFIG_HOME` or `~/.config` on Linux,
    /// `~/.config` on macOS (Zed, goose and opencode use it there too),
    /// `%APPDATA%` on Windows.
    pub fn xdg_config(&self) -> PathBuf {
        match self.os {
            Os::Linux => self
                .var("XDG_CONFIG_HOME")
                .unwrap_or_else(|| self.home.join(".config")),
            Os::MacOs => self.home.join(".config"),
            Os::Windows => self.roaming(),
        }
    }

    /// Desktop apps' data dir: `~/.config` (Linux), `~/Library/Application
    /// Support` (macOS), `%APPDATA%` (Windows).
    pub fn app_data(&self) -> PathBuf {
        match self.os {
            Os::Linux => self.xdg_config(),
            Os::MacOs => self.home.join("Library").join("Application Support"),
            Os::Windows => self.roaming(),
        }
    }

    /// A system-wide directory under the system root, per OS. The Windows
    /// argument is relative to the system drive (`ProgramData/x`).
    pub fn system(&self, linux: &str, macos: &str, windows: &str) -> PathBuf {
        let rel = match self.os {
            Os::Linux => linux,
            Os::MacOs => macos,
            Os::Windows => windows,
        };
        rel.split('/')
            .filter(|c| !c.is_empty())
            .fold(self.system_root.clone(), |p, c| p.join(c))
    }

    /// VS Code-family user-data dirs (`<ud>`): the editor id and its dir.
    pub fn vscode_family(&self) -> Vec<(&'static str, PathBuf)> {
        let base = self.app_data();
        let mut v: Vec<(&'static str, PathBuf)> = [
            ("Code", "Code"),
            ("Code - Insiders", "Code - Insiders"),
            ("VSCodium", "VSCodium"),
            ("Cursor", "Cursor"),
            ("Windsurf", "Windsurf"),
            ("Kiro", "Kiro"),
        ]
        .into_iter()
        .map(|(id, d)| (id, base.join(d)))
        .collect();
        if let Some(p) = self.var("VSCODE_PORTABLE") {
            v.push(("Code (portable)", p.join("user-data")));
        }
        v
    }
}

/// Joins `/`-separated components, so module tables read like the docs.
pub fn join(base: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|c| !c.is_empty())
        .fold(base.to_path_buf(), |p, c| p.join(c))
}

#[cfg(test)]
pub(crate) fn test_dirs(os: Os) -> Dirs {
    Dirs {
        os,
        home: PathBuf::from("/h"),
        system_root: PathBuf::from("/s"),
        vars: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_os_bases() {
        let l = test_dirs(Os::Linux);
        assert_eq!(l.app_data(), PathBuf::from("/h/.config"));
        assert_eq!(l.system("etc/x", "", ""), PathBuf::from("/s/etc/x"));
        let m = test_dirs(Os::MacOs);
        assert_eq!(
            m.app_data(),
            PathBuf::from("/h/Library/Application Support")
        );
        assert_eq!(m.xdg_config(), PathBuf::from("/h/.config"));
        let w = test_dirs(Os::Windows);
        assert_eq!(w.app_data(), PathBuf::from("/h/AppData/Roaming"));
        assert_eq!(w.local_app_data(), PathBuf::from("/h/AppData/Local"));
        let mut x = test_dirs(Os::Linux);
        x.vars.insert("XDG_CONFIG_HOME".into(), "/xdg".into());
        assert_eq!(x.xdg_config(), PathBuf::from("/xdg"));
    }
}
