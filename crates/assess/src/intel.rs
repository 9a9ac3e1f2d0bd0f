//! Threat intelligence as data: the known-malicious package list and the
//! reference list of well-known packages and hosts. Both are bundled from
//! `data/intel/`; the known-malicious list can be replaced or merged from a
//! file (`warden update-intel FILE`) with no network access.

use serde::{Deserialize, Serialize};
use warden_model::Severity;

const BUNDLED_MALICIOUS: &str = include_str!("../../../data/intel/known-malicious.toml");
const BUNDLED_REFERENCE: &str = include_str!("../../../data/intel/reference.toml");

/// The intel file format version this Warden reads.
pub const INTEL_FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    #[error("not a valid intel file: {0}")]
    Parse(String),
    #[error("intel file format version {0} is not supported (expected {INTEL_FORMAT_VERSION})")]
    Version(u32),
    #[error("intel entry `{0}`: {1}")]
    Entry(String, String),
}

/// Package ecosystems Warden recognizes in launch commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Npm,
    Pypi,
    Oci,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Oci => "oci",
        }
    }
}

/// One known-malicious package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaliciousPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// Malicious versions; empty means every version.
    #[serde(default)]
    pub versions: Vec<String>,
    pub severity: Severity,
    pub summary: String,
    pub sources: Vec<String>,
}

impl MaliciousPackage {
    /// True when `version` (None = unpinned, may resolve to anything) is bad.
    pub fn matches_version(&self, version: Option<&str>) -> bool {
        match version {
            None => true,
            Some(v) => self.versions.is_empty() || self.versions.iter().any(|x| x == v),
        }
    }
}

/// The known-malicious list, as stored in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaliciousList {
    pub version: u32,
    #[serde(default, rename = "package")]
    pub packages: Vec<MaliciousPackage>,
}

impl MaliciousList {
    /// Parse and validate a list: one clear error for the first bad entry.
    pub fn parse(text: &str) -> Result<Self, IntelError> {
        let list: MaliciousList =
            toml::from_str(text).map_err(|e| IntelError::Parse(e.message().to_string()))?;
        if list.version != INTEL_FORMAT_VERSION {
            return Err(IntelError::Version(list.version));
        }
        for p in &list.packages {
            if p.name.trim().is_empty() {
                return Err(IntelError::Entry(p.name.clone(), "empty name".into()));
            }
            if p.sources.is_empty() {
                return Err(IntelError::Entry(
                    p.name.clone(),
                    "needs at least one source".into(),
                ));
            }
        }
        Ok(list)
    }

    /// The list bundled with this build of Warden.
    pub fn bundled() -> Self {
        // The bundled file is tested (`bundled_intel_parses`): a bad edit fails CI.
        Self::parse(BUNDLED_MALICIOUS).expect("bundled known-malicious list is valid")
    }

    /// Merge `other` into this list: an entry of `other` replaces the entry
    /// with the same ecosystem and name. Returns (added, replaced).
    pub fn merge(&mut self, other: MaliciousList) -> (usize, usize) {
        let (mut added, mut replaced) = (0, 0);
        for p in other.packages {
            match self
                .packages
                .iter_mut()
                .find(|q| q.ecosystem == p.ecosystem && q.name == p.name)
            {
                Some(q) => {
                    *q = p;
                    replaced += 1;
                }
                None => {
                    self.packages.push(p);
                    added += 1;
                }
            }
        }
        (added, replaced)
    }

    /// The list as a TOML file in the documented format.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Known-malicious MCP packages (format: see data/intel/known-malicious.toml\n\
             # in the Warden sources, or `warden explain known-malicious`).\n{body}"
        )
    }

    pub fn find(&self, eco: Ecosystem, name: &str) -> Option<&MaliciousPackage> {
        self.packages
            .iter()
            .find(|p| p.ecosystem == eco && p.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReferencePackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub vendor: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReferenceHost {
    pub host: String,
    pub vendor: String,
}

/// Well-known packages (typosquat targets) and vendor hosts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reference {
    #[serde(default, rename = "package")]
    pub packages: Vec<ReferencePackage>,
    #[serde(default, rename = "host")]
    pub hosts: Vec<ReferenceHost>,
}

impl Reference {
    pub fn bundled() -> Self {
        toml::from_str(BUNDLED_REFERENCE).expect("bundled reference list is valid")
    }

    pub fn known_host(&self, host: &str) -> Option<&ReferenceHost> {
        self.hosts
            .iter()
            .find(|h| h.host.eq_ignore_ascii_case(host))
    }
}

/// Everything the rules read besides the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Intel {
    pub malicious: MaliciousList,
    pub reference: Reference,
}

impl Intel {
    /// Bundled lists only.
    pub fn bundled() -> Self {
        Intel {
            malicious: MaliciousList::bundled(),
            reference: Reference::bundled(),
        }
    }
}

impl Default for Intel {
    fn default() -> Self {
        Self::bundled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_intel_parses() {
        let i = Intel::bundled();
        assert!(i.malicious.find(Ecosystem::Npm, "postmark-mcp").is_some());
        assert!(i.reference.packages.len() > 30);
        assert!(i.reference.known_host("mcp.notion.com").is_some());
    }

    #[test]
    fn merge_replaces_by_name_and_adds_new() {
        let mut base = MaliciousList::bundled();
        let n = base.packages.len();
        let extra = MaliciousList::parse(
            r#"version = 1
[[package]]
ecosystem = "npm"
name = "postmark-mcp"
versions = ["1.0.16"]
severity = "high"
summary = "narrowed"
sources = ["https://example.org/a"]
[[package]]
ecosystem = "pypi"
name = "evil-mcp"
severity = "critical"
summary = "steals keys"
sources = ["https://example.org/b"]
"#,
        )
        .unwrap();
        assert_eq!(base.merge(extra), (1, 1));
        assert_eq!(base.packages.len(), n + 1);
        let p = base.find(Ecosystem::Npm, "postmark-mcp").unwrap();
        assert_eq!(p.summary, "narrowed");
        // Round trip through the written format.
        let again = MaliciousList::parse(&base.to_toml()).unwrap();
        assert_eq!(again, base);
    }

    #[test]
    fn bad_files_give_one_clear_error() {
        assert!(matches!(
            MaliciousList::parse("version = 2"),
            Err(IntelError::Version(2))
        ));
        assert!(MaliciousList::parse("not toml [").is_err());
        let e = MaliciousList::parse(
            "version = 1\n[[package]]\necosystem = \"npm\"\nname = \"x\"\nseverity = \"low\"\nsummary = \"s\"\nsources = []\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("source"), "{e}");
    }
}
