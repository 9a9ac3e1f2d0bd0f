//! The hash-chained audit log of runtime decisions: `audit.jsonl` in the data
//! directory, one record per line, appended under an exclusive file lock.
//!
//! A line is `{"seq":N,"prev_hash":"sha256:…","hash":"sha256:…","event":{…}}`.
//! `hash` is the SHA-256 of `"{seq}\n{prev_hash}\n{event JSON}"` over the
//! event's exact bytes, and `prev_hash` is the previous record's hash (the
//! first record's is [`GENESIS`]); [`AuditLog::verify`] recomputes the chain,
//! so an edited, inserted or deleted record shows. Records hold redacted
//! evidence only (the engine never puts a secret in an [`Event`]).
//!
//! Why a file and not the SQLite store: the hook appends one record per tool
//! call in a fresh process, and opening SQLite (schema parse, WAL index,
//! locks: ~130 system calls) was a third of its latency budget. An append is
//! open, lock, read the tail, write: a handful of system calls.

use crate::StoreError;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use warden_model::{fingerprint, Event};

/// The audit log's file name inside the data directory.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// `prev_hash` of the first record.
pub const GENESIS: &str = "sha256:genesis";

/// Bytes read from the end of the file per step when looking for the last
/// records (doubled until enough lines are found). A record is ~0.5 KiB.
const TAIL_STEP: u64 = 4 << 10;

/// One stored audit record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: Event,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`AuditLog::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    /// Every record follows from the one before; `head` is the newest hash
    /// ([`GENESIS`] for an empty log).
    Intact { records: u64, head: String },
    /// The first record that does not follow from the one before it.
    Broken { seq: i64, reason: String },
    /// The chain holds but the anchored record is not in it: records were
    /// cut off the end, which the chain alone cannot show.
    AnchorMissing { records: u64 },
}

/// A line as written: the event kept as its exact bytes for the hash.
#[derive(Deserialize)]
struct Line<'a> {
    seq: i64,
    prev_hash: String,
    hash: String,
    #[serde(borrow)]
    event: &'a RawValue,
}

fn record_hash(seq: i64, prev: &str, record: &str) -> String {
    fingerprint(&format!("{seq}\n{prev}\n{record}"))
}

/// The line for record `seq`, newline included, and its hash.
pub(crate) fn format_line(seq: i64, prev: &str, record: &str) -> (String, String) {
    let hash = record_hash(seq, prev, record);
    (line(seq, prev, &hash, record), hash)
}

fn line(seq: i64, prev: &str, hash: &str, record: &str) -> String {
    format!(
        "{{\"seq\":{seq},\"prev_hash\":{},\"hash\":{},\"event\":{record}}}\n",
        serde_json::Value::from(prev),
        serde_json::Value::from(hash)
    )
}

/// A record that no longer parses is shown as such, not hidden.
fn unreadable(reason: String) -> Event {
    Event {
        time: String::new(),
        origin: "unreadable".into(),
        session_id: None,
        event: warden_model::HookEventKind::Other,
        tool_name: None,
        decision: warden_model::DecisionKind::Ask,
        rule: None,
        reason,
        evidence: vec![],
    }
}

fn parse_record(line: &str, fallback_seq: i64) -> AuditRecord {
    match serde_json::from_str::<Line>(line) {
        Ok(l) => AuditRecord {
            seq: l.seq,
            event: serde_json::from_str(l.event.get())
                .unwrap_or_else(|e| unreadable(format!("unreadable record: {e}"))),
            prev_hash: l.prev_hash,
            hash: l.hash,
        },
        Err(e) => AuditRecord {
            seq: fallback_seq,
            event: unreadable(format!("unreadable record: {e}")),
            prev_hash: String::new(),
            hash: String::new(),
        },
    }
}

/// The hash-chained audit log in one directory.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log in `dir` (created, private to the user, if missing). The file
    /// itself is created by the first append. Before there is one, a store
    /// from an earlier Warden is opened once, which moves its audit table
    /// here: the first append must not start a second chain beside it. A
    /// store that cannot be opened holds nothing that could move, and must
    /// not stop the log (the move keeps the table if the log began first).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let log = Self::at(dir)?;
        if !log.path.exists() && dir.join(crate::DB_FILE).exists() {
            let _ = crate::Store::open(dir);
        }
        Ok(log)
    }

    /// [`AuditLog::open`] without the look for an older store (the store's
    /// own migration writes through this).
    pub(crate) fn at(dir: &Path) -> Result<Self, StoreError> {
        crate::private_dir(dir)?;
        Ok(AuditLog {
            path: dir.join(AUDIT_FILE),
        })
    }

    /// The log in [`crate::data_dir`].
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(&crate::data_dir()?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> StoreError {
        StoreError::Audit {
            path: self.path.clone(),
            source,
        }
    }

    fn open_append(&self) -> Result<File, StoreError> {
        let mut o = OpenOptions::new();
        o.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        o.open(&self.path).map_err(|e| self.io(e))
    }

    /// Append one event to the chain. Safe against concurrent hooks: reading
    /// the last record and writing the next happen under an exclusive lock.
    pub fn append(&self, event: &Event) -> Result<AuditRecord, StoreError> {
        let record = serde_json::to_string(event).expect("Event serializes");
        let mut f = self.open_append()?;
        f.lock().map_err(|e| self.io(e))?;
        let (last, torn) = last_record(&mut f).map_err(|e| self.io(e))?;
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let (mut line, hash) = format_line(seq, &prev, &record);
        if torn {
            // A write cut short (crash, full disk) must not swallow this one.
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        Ok(AuditRecord {
            seq,
            event: event.clone(),
            prev_hash: prev,
            hash,
        })
    }

    /// The bytes of the log, or none when it does not exist yet.
    fn read_from(&self, offset: u64) -> Result<Vec<u8>, StoreError> {
        let mut f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        f.seek(SeekFrom::Start(offset)).map_err(|e| self.io(e))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| self.io(e))?;
        Ok(buf)
    }

    /// The last `n` records, oldest first, and the byte offset where the
    /// next record will start (for [`AuditLog::records_from`]).
    pub fn recent(&self, n: usize) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        let mut f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => return Err(self.io(e)),
        };
        let found = read_back(&mut f, |buf, start| {
            let complete = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let text = String::from_utf8_lossy(&buf[..complete]);
            let mut lines: Vec<&str> = text.lines().collect();
            // The first line of a window that does not start the file may be cut.
            if start > 0 {
                lines.remove(0);
            }
            if lines.len() < n && start > 0 {
                return None;
            }
            let recs = lines[lines.len().saturating_sub(n)..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| parse_record(l, 0))
                .collect();
            Some((recs, start + complete as u64))
        });
        Ok(found.map_err(|e| self.io(e))?.unwrap_or_default())
    }

    /// Complete records that start at or after byte `offset`, and the offset
    /// after them (for `warden log --follow`).
    pub fn records_from(&self, offset: u64) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        // A log shorter than the offset was replaced or cut: start over.
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        let offset = if len < offset { 0 } else { offset };
        let buf = self.read_from(offset)?;
        let complete = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let text = String::from_utf8_lossy(&buf[..complete]);
        let recs = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| parse_record(l, 0))
            .collect();
        Ok((recs, offset + complete as u64))
    }

    /// Recompute the whole chain. With an `anchor` (a head hash kept
    /// elsewhere earlier), also check that its record is still there.
    pub fn verify(&self, anchor: Option<&str>) -> Result<ChainStatus, StoreError> {
        let mut prev = GENESIS.to_string();
        let mut expected = 1i64;
        let mut anchored = anchor.is_none_or(|a| a == GENESIS);
        let end = |prev: String, expected: i64, anchored: bool| {
            let records = (expected - 1) as u64;
            Ok(if anchored {
                ChainStatus::Intact {
                    records,
                    head: prev,
                }
            } else {
                ChainStatus::AnchorMissing { records }
            })
        };
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return end(prev, expected, anchored)
            }
            Err(e) => return Err(self.io(e)),
        };
        let mut reader = BufReader::new(f);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if reader.read_until(b'\n', &mut raw).map_err(|e| self.io(e))? == 0 {
                return end(prev, expected, anchored);
            }
            let broken = |reason: String| {
                Ok(ChainStatus::Broken {
                    seq: expected,
                    reason,
                })
            };
            if raw.last() != Some(&b'\n') {
                return broken("the last record is incomplete (cut short)".into());
            }
            let Ok(text) = std::str::from_utf8(&raw) else {
                return broken("record is not valid UTF-8 (edited)".into());
            };
            let l = match serde_json::from_str::<Line>(text) {
                Ok(l) => l,
                Err(e) => return broken(format!("record does not parse ({e}): edited or cut")),
            };
            if l.seq > expected {
                return broken(format!("record {expected} is missing"));
            }
            if l.seq < expected {
                return broken(format!("record {} appears again (inserted)", l.seq));
            }
            if l.prev_hash != prev {
                return broken("does not link to the record before it".into());
            }
            if record_hash(l.seq, &l.prev_hash, l.event.get()) != l.hash {
                return broken("content does not match its hash (edited)".into());
            }
            anchored |= anchor == Some(l.hash.as_str());
            prev = l.hash;
            expected += 1;
        }
    }

    /// Write records (seq, prev_hash, hash, event JSON) carried over from an
    /// older store to an empty log, hashes as they were stored, so the move
    /// cannot hide an earlier edit. Returns false, writing nothing, when the
    /// log already has records.
    pub(crate) fn import(
        &self,
        records: &[(i64, String, String, String)],
    ) -> Result<bool, StoreError> {
        let mut f = self.open_append()?;
        f.lock().map_err(|e| self.io(e))?;
        if f.metadata().map_err(|e| self.io(e))?.len() > 0 {
            return Ok(false);
        }
        let mut out = String::new();
        for (seq, prev, hash, record) in records {
            out.push_str(&line(*seq, prev, hash, record));
        }
        f.write_all(out.as_bytes()).map_err(|e| self.io(e))?;
        Ok(true)
    }
}

/// Reads the end of `f` in windows that double until `look` finds what it
/// needs in one (it is told where the window starts: a window that does not
/// start the file may begin inside a line). `None` when even the whole file
/// would not do.
fn read_back<T>(
    f: &mut File,
    mut look: impl FnMut(&[u8], u64) -> Option<T>,
) -> std::io::Result<Option<T>> {
    let len = f.metadata()?.len();
    let mut step = TAIL_STEP;
    loop {
        let start = len.saturating_sub(step);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::take(&mut *f, len - start).read_to_end(&mut buf)?;
        if let Some(found) = look(&buf, start) {
            return Ok(Some(found));
        }
        if start == 0 {
            return Ok(None);
        }
        step *= 2;
    }
}

/// The last parseable record's (seq, hash), and whether the file ends in a
/// cut-short line.
fn last_record(f: &mut File) -> std::io::Result<(Option<(i64, String)>, bool)> {
    let mut torn = false;
    let last = read_back(f, |buf, start| {
        torn = buf.last().is_some_and(|&b| b != b'\n');
        // From the end, lazily: the last line is almost always the answer.
        let mut lines = buf.rsplit(|&b| b == b'\n').peekable();
        while let Some(l) = lines.next() {
            // The first line of a window that does not start the file may be cut.
            if start > 0 && lines.peek().is_none() {
                break;
            }
            if let Ok(line) = serde_json::from_slice::<Line>(l) {
                return Some((line.seq, line.hash));
            }
        }
        None
    })?;
    Ok((last, torn))
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

    fn log_with(n: usize) -> (tempfile::TempDir, AuditLog) {
        let d = tempfile::tempdir().unwrap();
        let log = AuditLog::open(d.path()).unwrap();
        for i in 0..n {
            log.append(&ev(i)).unwrap();
        }
        (d, log)
    }

    fn edit(log: &AuditLog, f: impl FnOnce(Vec<String>) -> Vec<String>) {
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines = f(text.lines().map(str::to_string).collect());
        std::fs::write(log.path(), lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn appends_reads_and_verifies() {
        let (_d, log) = log_with(0);
        assert_eq!(
            log.verify(None).unwrap(),
            ChainStatus::Intact {
                records: 0,
                head: GENESIS.into()
            }
        );
        assert!(log.recent(5).unwrap().0.is_empty());
        for i in 0..5 {
            log.append(&ev(i)).unwrap();
        }
        let (recent, end) = log.recent(2).unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[1].seq, 5);
        assert_eq!(recent[1].prev_hash, recent[0].hash);
        let mut want = ev(4);
        want.time = recent[1].event.time.clone();
        assert_eq!(recent[1].event, want);
        assert_eq!(log.records_from(end).unwrap().0.len(), 0);
        log.append(&ev(5)).unwrap();
        let (new, end2) = log.records_from(end).unwrap();
        assert_eq!(new.iter().map(|r| r.seq).collect::<Vec<_>>(), [6]);
        assert!(end2 > end);
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Intact { records: 6, .. }
        ));
        // A log replaced by a shorter one is read again from its start.
        std::fs::write(log.path(), "").unwrap();
        log.append(&ev(7)).unwrap();
        let (again, _) = log.records_from(end2).unwrap();
        assert_eq!(again.iter().map(|r| r.seq).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn the_head_anchors_the_end_of_the_log() {
        let (_d, log) = log_with(3);
        let head = log.recent(1).unwrap().0[0].hash.clone();
        assert_eq!(
            log.verify(Some(&head)).unwrap(),
            ChainStatus::Intact {
                records: 3,
                head: head.clone()
            }
        );
        // Cut the last record off: the chain still holds, the anchor is gone.
        edit(&log, |mut l| {
            l.pop();
            l
        });
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Intact { records: 2, .. }
        ));
        assert_eq!(
            log.verify(Some(&head)).unwrap(),
            ChainStatus::AnchorMissing { records: 2 }
        );
        assert_eq!(
            log.verify(Some("sha256:unknown")).unwrap(),
            ChainStatus::AnchorMissing { records: 2 }
        );
    }

    #[test]
    fn recent_reads_past_one_tail_window() {
        let (_d, log) = log_with(0);
        let mut big = ev(0);
        big.reason = "r".repeat(TAIL_STEP as usize);
        for _ in 0..3 {
            log.append(&big).unwrap();
        }
        let (recs, _) = log.recent(2).unwrap();
        assert_eq!(recs.iter().map(|r| r.seq).collect::<Vec<_>>(), [2, 3]);
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Intact { records: 3, .. }
        ));
    }

    #[test]
    fn detects_edits_deletions_and_insertions() {
        let (_d, log) = log_with(4);
        edit(&log, |mut l| {
            l[1] = l[1].replace("\"deny\"", "\"allow\"");
            l
        });
        assert!(
            matches!(log.verify(None).unwrap(), ChainStatus::Broken { seq: 2, ref reason } if reason.contains("edited")),
            "{:?}",
            log.verify(None)
        );

        let (_d, log) = log_with(4);
        edit(&log, |mut l| {
            l.remove(2);
            l
        });
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Broken { seq: 3, ref reason } if reason.contains("missing")
        ));

        let (_d, log) = log_with(4);
        edit(&log, |mut l| {
            let dup = l[1].clone();
            l.insert(2, dup);
            l
        });
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Broken { seq: 3, .. }
        ));

        // Rewriting a record with a fresh hash breaks the next link.
        let (_d, log) = log_with(3);
        edit(&log, |mut l| {
            let r = parse_record(&l[1], 0);
            let mut e = r.event.clone();
            e.decision = DecisionKind::Allow;
            let body = serde_json::to_string(&e).unwrap();
            l[1] = format_line(2, &r.prev_hash, &body).0.trim_end().to_string();
            l
        });
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Broken { seq: 3, ref reason } if reason.contains("link")
        ));
    }

    #[test]
    fn a_cut_short_line_is_reported_and_later_records_kept() {
        let (_d, log) = log_with(2);
        let text = std::fs::read_to_string(log.path()).unwrap();
        std::fs::write(log.path(), &text[..text.len() - 10]).unwrap();
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Broken { seq: 2, .. }
        ));
        let r = log.append(&ev(9)).unwrap();
        assert_eq!(r.seq, 2, "chains from the last whole record");
        let (recs, _) = log.recent(5).unwrap();
        assert_eq!(recs.len(), 3, "the cut line is shown, not hidden");
        assert_eq!(recs[1].event.origin, "unreadable");
        assert_eq!(recs[2].event.reason, "reason 9");
    }

    #[test]
    fn concurrent_appends_keep_one_chain() {
        let (_d, log) = log_with(0);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let log = log.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        log.append(&ev(t * 100 + i)).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(matches!(
            log.verify(None).unwrap(),
            ChainStatus::Intact { records: 100, .. }
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, log) = log_with(1);
        let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
