//! The hook's small key-value memory, e.g. "warned once about this project
//! with these risks", so a SessionStart warning is not repeated.

use crate::{Store, StoreError};
use rusqlite::OptionalExtension;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hook_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

impl Store {
    /// Tune this connection for a short-lived hook process: do not checkpoint
    /// the WAL (and fsync) on close. Commits stay as durable as before
    /// (`synchronous=NORMAL`); SQLite's automatic checkpoints still run, so the
    /// WAL does not grow without bound. This takes an fsync off every tool call.
    pub fn for_short_process(&self) -> Result<(), StoreError> {
        self.conn()
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    pub fn hook_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row("SELECT value FROM hook_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    pub fn set_hook_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT INTO hook_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn hook_state_round_trips() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        assert_eq!(s.hook_state("k").unwrap(), None);
        s.set_hook_state("k", "v1").unwrap();
        s.set_hook_state("k", "v2").unwrap();
        assert_eq!(s.hook_state("k").unwrap().as_deref(), Some("v2"));
    }
}
