//! Checks shared by every secret rule: placeholders and other look-alikes,
//! entropy, token checksums.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// GitHub/npm token checksum: `<prefix>_<body><crc6>` where `crc6` is the
/// CRC32 of `body` in base62, left-padded with `0` to 6 characters.
pub fn crc32_base62_valid(token: &str) -> bool {
    let Some((_, rest)) = token.rsplit_once('_') else {
        return false;
    };
    if rest.len() <= 6 || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (body, sum) = rest.split_at(rest.len() - 6);
    let mut n = crc32fast::hash(body.as_bytes()) as u64;
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    enc == sum.as_bytes()
}

/// Words that mark a template, a documented example or a redacted value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "xxxx",
    "your",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "dummy",
    "redacted",
    "sample",
    "fake",
    "insert",
    "replace",
    "****",
    "....",
    "…",
    "<",
    ">",
    "${",
    "{{",
    "$(",
    "%s",
    "abcdefgh",
    "12345678",
];

/// Markers that still count in long values.
const LONG_MARKERS: &[&str] = &["....", "…", "<", ">", "${", "{{", "redacted", "placeholder"];

/// Whole values that are defaults or documentation, mostly passwords in
/// connection strings (`postgres://user:password@localhost`).
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "user",
    "username",
    "test",
    "root",
    "admin",
    "postgres",
    "mysql",
    "guest",
    "changeit",
    "token",
    "apikey",
    "api_key",
    "null",
    "none",
    "foo",
    "bar",
    "foobar",
    "mypassword",
    "pa55word",
    "p@ssw0rd",
    "hunter2",
    "neo4j",
];

/// Documented example values that appear in countless READMEs and tests.
const KNOWN_EXAMPLES: &[&str] = &[
    // jwt.io's sample token signature
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // AWS documentation key pair
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

/// True for values that look like a secret but are not one: placeholders,
/// template variables, runs of one character; and for generic rules also
/// hashes, UUIDs, lockfile integrity strings, data URIs and identifiers.
pub(crate) fn not_a_secret(s: &str, generic: bool) -> bool {
    let lower = s.to_ascii_lowercase();
    // In long random bodies (keys, JWTs) a short word turns up by chance, so
    // only words of five letters or more and unmistakable markers count there.
    let long = s.len() >= 100;
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| (!long || w.len() >= 5) && lower.contains(w))
        || (s.len() >= 100 && LONG_MARKERS.iter().any(|w| lower.contains(w)))
        || PLACEHOLDER_VALUES.contains(&lower.as_str())
        || KNOWN_EXAMPLES.iter().any(|k| s.contains(k))
        || s.starts_with('$')
        || s.starts_with('%')
    {
        return true;
    }
    if longest_run(s.as_bytes()) >= 6 {
        return true;
    }
    if !generic {
        return false;
    }
    let hex = s.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && matches!(s.len(), 32 | 40 | 56 | 64 | 96 | 128) {
        return true; // md5, sha1, sha224, sha256, sha384, sha512
    }
    if is_uuid(s)
        || lower.starts_with("sha1-")
        || lower.starts_with("sha256-")
        || lower.starts_with("sha384-")
        || lower.starts_with("sha512-")
        || lower.starts_with("data:")
        // base64 of a JSON object: pagination cursors and the like (real
        // JWTs have their own rule)
        || lower.starts_with("eyj")
        || lower.starts_with("http")
    {
        return true;
    }
    // Generic values need letters and digits mixed like random text;
    // identifiers (`get_user_token_value`) and plain words are not secrets.
    // Words joined by separators (`m2m-access-token-12345`) name a thing.
    let parts: Vec<&str> = s.split(['-', '_', '.']).filter(|p| !p.is_empty()).collect();
    if parts.len() >= 2
        && parts.iter().all(|p| {
            p.len() <= 3
                || p.bytes().all(|c| c.is_ascii_lowercase())
                || p.bytes().all(|c| c.is_ascii_uppercase())
                || p.bytes().all(|c| c.is_ascii_digit())
        })
    {
        return true;
    }
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let upper = s.bytes().filter(u8::is_ascii_uppercase).count();
    let lowers = s.bytes().filter(u8::is_ascii_lowercase).count();
    digits == 0 || (upper == 0 && lowers == 0) || (upper + lowers) < 4
}

fn longest_run(b: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &c in b {
        if Some(c) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(c);
        }
        best = best.max(run);
    }
    best
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert!(shannon_entropy("aaaaaaaa") < 0.01);
        assert!(shannon_entropy("q8Zr2LmX0vKp7TfW") > 3.5);
    }

    #[test]
    fn checksum_accepts_real_layout_and_rejects_tampering() {
        let body = "Zk3m9Qp2Lx7Vb4Nc8Rt1Yw6Hs0Jd5F";
        let mut n = crc32fast::hash(body.as_bytes()) as u64;
        let mut enc = [b'0'; 6];
        for slot in enc.iter_mut().rev() {
            *slot = BASE62[(n % 62) as usize];
            n /= 62;
        }
        let tok = format!("ghp_{body}{}", std::str::from_utf8(&enc).unwrap());
        assert!(crc32_base62_valid(&tok));
        let bad = format!("ghp_{body}000000");
        assert!(!crc32_base62_valid(&bad));
        assert!(!crc32_base62_valid("ghp_short"));
    }

    #[test]
    fn placeholders_and_lookalikes_are_not_secrets() {
        for s in [
            "AKIAIOSFODNN7EXAMPLE",
            "<your-api-key>",
            "${API_TOKEN}",
            "{{ token }}",
            "sk-xxxxxxxxxxxxxxxxxxxx",
            "changeme",
            "0000000000000000",
        ] {
            assert!(not_a_secret(s, false), "{s}");
        }
        for s in [
            "d41d8cd98f00b204e9800998ecf8427e",
            "123e4567-e89b-12d3-a456-426614174000",
            "sha512-Q2FmZSBkZSBsYSBwYWl4",
            "get_user_token_value",
            "m2m-access-token-12345",
            "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==",
        ] {
            assert!(not_a_secret(s, true), "{s}");
        }
        assert!(!not_a_secret("q8Zr2LmX0vKp7TfW3n", true));
    }
}
