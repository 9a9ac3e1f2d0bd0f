//! Bounded, failure-tolerant file reading: every problem becomes a message,
//! never a panic, and nothing larger than the cap is read into memory.

use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

/// Largest config file read. Real client configs are kilobytes; the cap keeps a
/// hostile or corrupt file from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Most entries listed from one directory (skills, agents, extensions...).
const MAX_DIR_ENTRIES: usize = 10_000;

#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    Missing,
    Text(String),
    Failed(String),
}

/// One line saying why an I/O operation failed, in words a user acts on.
pub fn describe(e: &io::Error) -> String {
    // ELOOP is 40 on Linux, 62 on macOS.
    if matches!(e.raw_os_error(), Some(40) | Some(62)) && cfg!(unix) {
        return "symlink loop (too many levels of symbolic links)".into();
    }
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "not found".into(),
        _ => e.to_string(),
    }
}

/// Reads a text config file: `Missing` when absent (not an error: most clients
/// are not installed), `Failed` with a reason for everything else that is wrong.
pub fn read_text(path: &Path) -> Read {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A dangling symlink is worth saying; a missing file is not.
            return match fs::symlink_metadata(path) {
                Ok(_) => Read::Failed("broken symlink (target does not exist)".into()),
                Err(_) => Read::Missing,
            };
        }
        Err(e) => return Read::Failed(describe(&e)),
    };
    if meta.is_dir() {
        return Read::Failed("is a directory, expected a file".into());
    }
    if !meta.is_file() {
        // FIFOs and devices would block or never end.
        return Read::Failed("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Read::Failed(too_large(meta.len()));
    }
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Read::Failed(describe(&e)),
    };
    let mut buf = Vec::with_capacity(meta.len() as usize);
    if let Err(e) = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf) {
        return Read::Failed(describe(&e));
    }
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Read::Failed(too_large(buf.len() as u64));
    }
    match String::from_utf8(buf) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Read::Text(s)
        }
        Err(e) => Read::Failed(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )),
    }
}

fn too_large(n: u64) -> String {
    format!("file too large ({n} bytes; limit {MAX_FILE_BYTES} bytes)")
}

/// Entries of a directory, sorted for stable output. `Ok(vec![])` when it does
/// not exist; `Err(reason)` when it exists but cannot be listed.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) if e.raw_os_error() == Some(20) => return Ok(Vec::new()), // ENOTDIR
        Err(e) => return Err(describe(&e)),
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .take(MAX_DIR_ENTRIES)
        .collect();
    out.sort();
    Ok(out)
}

/// The last component of a listed path as text (lossy; empty for none).
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_missing_dir_non_utf8_and_huge() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(read_text(&t.path().join("nope")), Read::Missing);
        assert!(matches!(read_text(t.path()), Read::Failed(m) if m.contains("directory")));
        let bad = t.path().join("bad");
        fs::write(&bad, b"{\"a\": \"\xff\xfe\"}").unwrap();
        assert!(matches!(read_text(&bad), Read::Failed(m) if m.contains("UTF-8")));
        let big = t.path().join("big");
        let f = fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(read_text(&big), Read::Failed(m) if m.contains("too large")));
        let bom = t.path().join("bom");
        fs::write(&bom, "\u{feff}{}").unwrap();
        assert_eq!(read_text(&bom), Read::Text("{}".into()));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_and_dangling_link_are_errors() {
        let t = tempfile::tempdir().unwrap();
        let a = t.path().join("a");
        let b = t.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        assert!(matches!(read_text(&a), Read::Failed(m) if m.contains("loop")));
        let d = t.path().join("dangling");
        std::os::unix::fs::symlink(t.path().join("gone"), &d).unwrap();
        assert!(matches!(read_text(&d), Read::Failed(m) if m.contains("broken")));
    }
}
