//! The hash-chained audit log of runtime decisions.
//!
//! Each record stores the previous record's hash and its own hash over
//! (sequence, previous hash, record JSON); [`Store::verify_chain`] recomputes
//! the chain, so an edited, inserted or deleted record in the middle shows.
//! Records hold redacted evidence only (the engine never puts a secret in an
//! [`Event`]). Also a small key-value table for the hook's own state
//! ("warned once about this project").

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use warden_model::{fingerprint, Event};

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_log (
    seq        INTEGER PRIMARY KEY,
    time       TEXT NOT NULL,
    session_id TEXT,
    tool_name  TEXT,
    decision   TEXT NOT NULL,
    rule       TEXT,
    record     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hook_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Records between WAL checkpoints (see [`Store::append_event`]).
const CHECKPOINT_EVERY: i64 = 64;

/// `prev_hash` of the first record.
pub const GENESIS: &str = "sha256:genesis";

/// One stored audit record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: Event,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`Store::verify_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    Intact {
        records: u64,
    },
    /// The first record that does not follow from the one before it.
    Broken {
        seq: i64,
        reason: String,
    },
}

fn record_hash(seq: i64, prev: &str, record: &str) -> String {
    fingerprint(&format!("{seq}\n{prev}\n{record}"))
}

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

    /// Append one event to the chain. Safe against concurrent hooks: the
    /// read of the last hash and the insert happen in one write transaction.
    pub fn append_event(&self, event: &Event) -> Result<AuditRecord, StoreError> {
        let record = serde_json::to_string(event).expect("Event serializes");
        let conn = self.conn();
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.sql(e))?;
        let result = (|| {
            let last: Option<(i64, String)> = conn
                .query_row(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (seq, prev) = match last {
                Some((s, h)) => (s + 1, h),
                None => (1, GENESIS.to_string()),
            };
            let hash = record_hash(seq, &prev, &record);
            conn.execute(
                "INSERT INTO audit_log (seq, time, session_id, tool_name, decision, rule, record, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    seq,
                    event.time,
                    event.session_id,
                    event.tool_name,
                    event.decision.as_str(),
                    event.rule,
                    record,
                    prev,
                    hash
                ],
            )?;
            Ok(AuditRecord {
                seq,
                event: event.clone(),
                prev_hash: prev,
                hash,
            })
        })();
        match result {
            Ok(r) => {
                conn.execute_batch("COMMIT").map_err(|e| self.sql(e))?;
                // Short-lived processes skip the checkpoint on close; fold the
                // WAL back now and then so opening the store stays cheap.
                if r.seq % CHECKPOINT_EVERY == 0 {
                    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                Ok(r)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(self.sql(e))
            }
        }
    }

    fn query_records(&self, sql: &str, args: &[i64]) -> Result<Vec<AuditRecord>, StoreError> {
        let mut stmt = self.conn().prepare(sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, record, prev_hash, hash) = row.map_err(|e| self.sql(e))?;
            // A record that no longer parses is shown as such, not hidden.
            let event = serde_json::from_str(&record).unwrap_or_else(|e| Event {
                time: String::new(),
                origin: "unreadable".into(),
                session_id: None,
                event: warden_model::HookEventKind::Other,
                tool_name: None,
                decision: warden_model::DecisionKind::Ask,
                rule: None,
                reason: format!("unreadable record: {e}"),
                evidence: vec![],
            });
            out.push(AuditRecord {
                seq,
                event,
                prev_hash,
                hash,
            });
        }
        Ok(out)
    }

    /// The last `n` events, oldest first.
    pub fn recent_events(&self, n: usize) -> Result<Vec<AuditRecord>, StoreError> {
        let mut v = self.query_records(
            "SELECT seq, record, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?1",
            &[n as i64],
        )?;
        v.reverse();
        Ok(v)
    }

    /// Events after sequence number `seq`, oldest first (for `--follow`).
    pub fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        self.query_records(
            "SELECT seq, record, prev_hash, hash FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            &[seq, limit as i64],
        )
    }

    /// Recompute the whole chain.
    pub fn verify_chain(&self) -> Result<ChainStatus, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT seq, record, prev_hash, hash FROM audit_log ORDER BY seq")
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1i64;
        let mut count = 0u64;
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let seq: i64 = r.get(0).map_err(|e| self.sql(e))?;
            let record: String = r.get(1).map_err(|e| self.sql(e))?;
            let prev_hash: String = r.get(2).map_err(|e| self.sql(e))?;
            let hash: String = r.get(3).map_err(|e| self.sql(e))?;
            let broken = |reason: String| Ok(ChainStatus::Broken { seq, reason });
            if seq != expected_seq {
                return broken(format!("record {expected_seq} is missing"));
            }
            if prev_hash != prev {
                return broken("does not link to the record before it".into());
            }
            if record_hash(seq, &prev_hash, &record) != hash {
                return broken("content does not match its hash (edited)".into());
            }
            prev = hash;
            expected_seq += 1;
            count += 1;
        }
        Ok(ChainStatus::Intact { records: count })
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
    use super::*;
    use warden_model::{DecisionKind, Evidence, HookEventKind};

    fn ev(i: usize) -> Event {
        Event {
            time: warden_model::now_rfc3339_millis(),
            origin: "test".into(),
            session_id: Some("s1".into()),
            event: HookEventKind::PreToolUse,
            tool_name: Some("Bash".into()),
            decision: DecisionKind::Deny,
            rule: Some("default.exfil-secret".into()),
            reason: format!("reason {i}"),
            evidence: vec![Evidence {
                preview: "ghp_…[40 chars redacted]".into(),
                fingerprint: Some("sha256:ab".into()),
            }],
        }
    }

    #[test]
    fn appends_reads_and_verifies() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        assert_eq!(
            s.verify_chain().unwrap(),
            ChainStatus::Intact { records: 0 }
        );
        for i in 0..5 {
            s.append_event(&ev(i)).unwrap();
        }
        let recent = s.recent_events(2).unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[1].seq, 5);
        assert_eq!(recent[1].prev_hash, recent[0].hash);
        assert_eq!(s.events_after(3, 10).unwrap().len(), 2);
        assert_eq!(
            s.verify_chain().unwrap(),
            ChainStatus::Intact { records: 5 }
        );
    }

    #[test]
    fn detects_edits_and_deletions() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        for i in 0..4 {
            s.append_event(&ev(i)).unwrap();
        }
        s.conn()
            .execute(
                "UPDATE audit_log SET record = replace(record, 'deny', 'allow') WHERE seq = 2",
                [],
            )
            .unwrap();
        assert!(matches!(
            s.verify_chain().unwrap(),
            ChainStatus::Broken { seq: 2, .. }
        ));

        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        for i in 0..4 {
            s.append_event(&ev(i)).unwrap();
        }
        s.conn()
            .execute("DELETE FROM audit_log WHERE seq = 3", [])
            .unwrap();
        assert!(matches!(
            s.verify_chain().unwrap(),
            ChainStatus::Broken { seq: 4, .. }
        ));
    }

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
