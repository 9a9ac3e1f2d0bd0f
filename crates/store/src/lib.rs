//! Warden's local store: one SQLite file and the audit log in the data
//! directory.
//!
//! Each concern keeps its tables in its own module with its schema SQL;
//! [`Store::open`] applies every module's schema. Modules:
//! - `snapshots`: pinned tool snapshots and approvals (enumeration, rug-pull detection)
//! - `hook_state`: the hook's small key-value memory ("warned once about this project")
//! - `audit`: the hash-chained audit log of runtime decisions (its own
//!   append-only file, [`AuditLog`], cheap for a hook process to write)

pub mod audit;
mod hook_state;
mod snapshots;
pub use audit::AuditLog;
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
    #[error("audit log {path}: {source}")]
    Audit {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no data directory: set WARDEN_DATA_DIR, XDG_DATA_HOME or HOME")]
    NoDataDir,
}

/// Schemas of every module, applied in order on open. `CREATE ... IF NOT
/// EXISTS` only: a newer Warden may add tables, never break old ones.
const SCHEMAS: &[&str] = &[hook_state::SCHEMA, snapshots::SCHEMA];

/// `PRAGMA user_version` once [`SCHEMAS`] are applied and older data
/// migrated. Bump it when a schema changes: opening a current store then
/// skips the schema statements (a hook process opens the store per call).
const SCHEMA_VERSION: i64 = 2;

/// Create `dir` if needed and make it private to the user: the store holds
/// fingerprints, tool definitions and the audit log.
pub(crate) fn private_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

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
        private_dir(dir)?;
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
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.sql(e))?;
        if version < SCHEMA_VERSION {
            for schema in SCHEMAS {
                store.conn.execute_batch(schema).map_err(|e| store.sql(e))?;
            }
            store.migrate_audit_table(dir)?;
            store
                .conn
                .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                .map_err(|e| store.sql(e))?;
        }
        Ok(store)
    }

    /// Stores before version 2 kept the audit log in an `audit_log` table:
    /// move its records, hashes unchanged, to the audit file, then drop it.
    fn migrate_audit_table(&self, dir: &Path) -> Result<(), StoreError> {
        let exists: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| self.sql(e))?
            > 0;
        if !exists {
            return Ok(());
        }
        let rows: Vec<(i64, String, String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, prev_hash, hash, record FROM audit_log ORDER BY seq")
                .map_err(|e| self.sql(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(|e| self.sql(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))?
        };
        if !rows.is_empty() && !AuditLog::at(dir)?.import(&rows)? {
            // The file already has records: keep the table rather than lose either.
            return Ok(());
        }
        self.conn
            .execute_batch("DROP TABLE audit_log")
            .map_err(|e| self.sql(e))
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

    /// A store written before the audit log moved to its own file.
    fn old_store(dir: &Path, records: &[(&str, &str)]) {
        let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, time TEXT NOT NULL,
             session_id TEXT, tool_name TEXT, decision TEXT NOT NULL, rule TEXT,
             record TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);",
        )
        .unwrap();
        let mut prev = audit::GENESIS.to_string();
        for (i, (reason, stored_reason)) in records.iter().enumerate() {
            let seq = i as i64 + 1;
            let body = |r: &str| {
                format!(
                    r#"{{"time":"2026-11-25T10:00:00.000Z","origin":"claude-code-hook","session_id":null,"event":"PreToolUse","tool_name":"Bash","decision":"deny","rule":null,"reason":"{r}","evidence":[]}}"#
                )
            };
            let (_, hash) = audit::format_line(seq, &prev, &body(reason));
            conn.execute(
                "INSERT INTO audit_log VALUES (?1, 't', NULL, 'Bash', 'deny', NULL, ?2, ?3, ?4)",
                rusqlite::params![seq, body(stored_reason), prev, hash],
            )
            .unwrap();
            prev = hash;
        }
    }

    #[test]
    fn old_audit_tables_move_to_the_audit_file_with_their_hashes() {
        let d = tempfile::tempdir().unwrap();
        old_store(d.path(), &[("a", "a"), ("b", "b"), ("c", "c")]);
        let s = Store::open(d.path()).unwrap();
        let log = AuditLog::open(d.path()).unwrap();
        assert!(matches!(
            log.verify(None).unwrap(),
            audit::ChainStatus::Intact { records: 3, .. }
        ));
        assert_eq!(log.recent(1).unwrap().0[0].event.reason, "c");
        let left: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        drop(s);
        Store::open(d.path()).unwrap();
        assert_eq!(log.recent(10).unwrap().0.len(), 3, "moved once");

        // An edit made while the records were in SQLite still shows.
        let d = tempfile::tempdir().unwrap();
        old_store(d.path(), &[("a", "a"), ("b", "edited"), ("c", "c")]);
        Store::open(d.path()).unwrap();
        assert!(matches!(
            AuditLog::open(d.path()).unwrap().verify(None).unwrap(),
            audit::ChainStatus::Broken { seq: 2, .. }
        ));
    }

    #[test]
    fn a_first_append_moves_an_older_audit_table_before_it() {
        // The hook writes the log without opening the store: the old records
        // must still come first, in the same chain.
        let d = tempfile::tempdir().unwrap();
        old_store(d.path(), &[("a", "a"), ("b", "b")]);
        let log = AuditLog::open(d.path()).unwrap();
        let mut e = log.recent(1).unwrap().0[0].event.clone();
        assert_eq!(e.reason, "b");
        e.reason = "c".into();
        assert_eq!(log.append(&e).unwrap().seq, 3);
        assert!(matches!(
            log.verify(None).unwrap(),
            audit::ChainStatus::Intact { records: 3, .. }
        ));
    }

    #[test]
    fn opens_and_reopens() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        assert!(s.path().exists());
        drop(s);
        Store::open(d.path()).unwrap();
    }
}
