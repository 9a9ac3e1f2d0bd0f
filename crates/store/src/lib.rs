//! Warden's local store: one SQLite file in the data directory.
//!
//! Each concern keeps its tables in its own module with its schema SQL;
//! [`Store::open`] applies every module's schema. Modules:
//! - `snapshots`: pinned tool snapshots and approvals (enumeration, rug-pull detection)
//! - `audit`: the hash-chained audit log of runtime decisions

pub mod audit;
mod snapshots;
pub use snapshots::{diff_snapshots, PinOutcome, ToolRecord};

use std::path::{Path, PathBuf};

/// The database file name inside the data directory.
pub const DB_FILE: &str = "warden.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("store {path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("no data directory: set WARDEN_DATA_DIR, XDG_DATA_HOME or HOME")]
    NoDataDir,
}

/// Schemas of every module, applied in order on open. `CREATE ... IF NOT
/// EXISTS` only: a newer Warden may add tables, never break old ones.
const SCHEMAS: &[&str] = &[audit::SCHEMA, snapshots::SCHEMA];

/// Warden's data directory: `$WARDEN_DATA_DIR`, else `$XDG_DATA_HOME/warden`,
/// else `~/.local/share/warden`.
pub fn data_dir() -> Result<PathBuf, StoreError> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = nonempty("WARDEN_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    if let Some(d) = nonempty("XDG_DATA_HOME") {
        return Ok(PathBuf::from(d).join("warden"));
    }
    if let Some(h) = nonempty("HOME").or_else(|| nonempty("USERPROFILE")) {
        return Ok(PathBuf::from(h).join(".local/share/warden"));
    }
    Err(StoreError::NoDataDir)
}

pub struct Store {
    conn: rusqlite::Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the store in `dir`. The directory is made
    /// private to the user: the store holds fingerprints and tool definitions.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let path = dir.join(DB_FILE);
        let conn = rusqlite::Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        let store = Store { conn, path };
        store
            .conn
            .busy_timeout(std::time::Duration::from_secs(2))
            .map_err(|e| store.sql(e))?;
        store
            .conn
            .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(|e| store.sql(e))?;
        for schema in SCHEMAS {
            store.conn.execute_batch(schema).map_err(|e| store.sql(e))?;
        }
        Ok(store)
    }

    /// Open the store in [`data_dir`].
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(&data_dir()?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    #[allow(dead_code)]
    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_and_reopens() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        assert!(s.path().exists());
        drop(s);
        Store::open(d.path()).unwrap();
    }
}
