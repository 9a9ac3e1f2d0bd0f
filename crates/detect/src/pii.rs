//! Personal data: email addresses, phone numbers, payment card numbers
//! (Luhn), US social security numbers and IBANs (mod-97).
//!
//! One pass over the bytes finds candidates (an `@`, a run of digits); each
//! is then checked with its context so that source code stays quiet:
//! documentation domains, test card numbers, versions, dates and identifiers
//! are not reported. Evidence is masked like a secret's.

use crate::Match;
use std::ops::Range;
use warden_model::{fingerprint, redact_preview, Category, Evidence, Severity};

/// Find personal data in `text`.
pub fn find(text: &str) -> Vec<Match> {
    let mut out = Vec::new();
    emails(text, &mut out);
    digit_runs(text, &mut out);
    out.sort_by_key(|m| m.span.start);
    out
}

fn make(rule: &str, severity: Severity, title: &str, value: &str, span: Range<usize>) -> Match {
    Match {
        rule: format!("pii.{rule}"),
        category: Category::Pii,
        severity,
        title: title.to_string(),
        span,
        evidence: Evidence {
            preview: redact_preview(value),
            fingerprint: Some(fingerprint(value)),
        },
    }
}

// ---------------------------------------------------------------- emails

/// Domains reserved for documentation or that are placeholders in practice.
const DOC_DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example.edu",
    "test.com",
    "domain.com",
    "email.com",
    "company.com",
    "yourcompany.com",
    "acme.com",
    "localhost",
    "users.noreply.github.com",
    "noreply.github.com",
];
const DOC_TLDS: &[&str] = &[
    "example",
    "test",
    "invalid",
    "localhost",
    "local",
    "internal",
];
/// Mistaken TLDs: `icon@2x.png`, `pkg@1.2.3.tgz`.
const FILE_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "ts", "css", "json", "html",
    "txt", "md", "rs", "py", "go", "tgz", "zip", "gz", "lock", "map", "wasm",
];
const NOT_PEOPLE: &[&str] = &[
    "git",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "user",
    "username",
    "name",
    "email",
    "you",
    "your",
    "yourname",
    "someone",
    "foo",
    "bar",
    "test",
    "example",
    "john.doe",
    "jane.doe",
    // Role addresses reach a team, not a person.
    "security",
    "support",
    "info",
    "contact",
    "admin",
    "abuse",
    "privacy",
    "conduct",
    "coc",
    "hello",
    "team",
    "help",
    "sales",
    "press",
    "legal",
    "webmaster",
    "postmaster",
    "hostmaster",
    "opensource",
    "maintainers",
    "bugs",
    "feedback",
];

/// Words on a line that make an address a public attribution.
const ATTRIBUTION: &[&str] = &[
    "author",
    "copyright",
    "maintainer",
    "signed-off-by",
    "co-authored-by",
    "contributor",
    "(c)",
    "©",
];

/// The local-part characters people use (RFC 5322 allows more, but `=`, `/`
/// or `{` in practice mean code or a key=value pair, not an address).
fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-".contains(&c)
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

/// True if the token that ends at `s` holds `://` (URL userinfo).
fn in_url(b: &[u8], s: usize) -> bool {
    let mut i = s;
    while i > 0
        && s - i < 256
        && !matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'<' | b'(')
    {
        i -= 1;
    }
    memchr::memmem::find(&b[i..s], b"://").is_some()
}

fn emails(text: &str, out: &mut Vec<Match>) {
    let b = text.as_bytes();
    for at in memchr::memchr_iter(b'@', b) {
        let mut s = at;
        while s > 0 && at - s < 64 && is_local_char(b[s - 1]) {
            s -= 1;
        }
        // Trim characters that are legal but are really punctuation around it.
        while s < at && matches!(b[s], b'.' | b'%' | b'+' | b'-') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && e - at < 255 && is_domain_char(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        // `scheme://user:pass@host` is a URL, not an address.
        if in_url(b, s) {
            continue;
        }
        let local = &text[s..at];
        let domain = text[at + 1..e].to_ascii_lowercase();
        let Some((_, tld)) = domain.rsplit_once('.') else {
            continue;
        };
        if tld.len() < 2 || !tld.bytes().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let local_l = local.to_ascii_lowercase();
        if DOC_TLDS.contains(&tld)
            || FILE_TLDS.contains(&tld)
            || DOC_DOMAINS.iter().any(|d| {
                domain
                    .strip_suffix(d)
                    .is_some_and(|p| p.is_empty() || p.ends_with('.'))
            })
            || domain.starts_with("example.")
            || NOT_PEOPLE.contains(&local_l.as_str())
            || local_l.contains("noreply")
        {
            continue;
        }
        let value = &text[s..e];
        // `Name <addr>` in an authors list, or a copyright line: public
        // attribution, reported for completeness at the lowest severity.
        let line_start = memchr::memrchr(b'\n', &b[..s]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &b[e..]).map_or(b.len(), |i| e + i);
        let line = text[line_start..line_end].to_ascii_lowercase();
        let bracketed = s > 1 && b[s - 1] == b'<' && b[s - 2] == b' ' && b.get(e) == Some(&b'>');
        let (severity, title) = if bracketed || has_any(&line, ATTRIBUTION) {
            (Severity::Info, "Email address (attribution)")
        } else {
            (Severity::Low, "Email address")
        };
        out.push(make("email", severity, title, value, s..e));
    }
}

// ---------------------------------------------------------------- digits

/// Card numbers published by payment providers for testing.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "4000056655665556",
    "4222222222222",
    "5555555555554444",
    "5105105105105100",
    "5200828282828210",
    "2223003122003222",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "6011111111111117",
    "6011000990139424",
    "3530111333300000",
    "3566002020360505",
    "30569309025904",
    "38520000023237",
    "6200000000000005",
    "4000000000000002",
    "4000000000000077",
    "4000002500003155",
];

/// SSNs that are famous non-secrets (advertised or documentation values).
const FAKE_SSNS: &[&str] = &[
    "078051120",
    "219099999",
    "123456789",
    "111111111",
    "987654320",
];

fn context_before(text: &str, start: usize, n: usize) -> String {
    let mut s = start.saturating_sub(n);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    text[s..start].to_ascii_lowercase()
}

fn has_any(hay: &str, words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| memchr::memmem::find(hay.as_bytes(), w.as_bytes()).is_some())
}

/// Like [`has_any`] but whole words only: `tel` is not in `hotel`, `call`
/// is not in `callback`.
fn has_word(hay: &str, words: &[&str]) -> bool {
    let b = hay.as_bytes();
    words.iter().any(|w| {
        // Matches that do not overlap, left to right, like `match_indices`.
        let mut from = 0;
        while let Some(k) = memchr::memmem::find(&b[from..], w.as_bytes()) {
            let i = from + k;
            let j = i + w.len();
            if (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && (j >= b.len() || !b[j].is_ascii_alphabetic())
            {
                return true;
            }
            from = j.max(i + 1);
        }
        false
    })
}

fn longest_run(s: &str) -> usize {
    let b = s.as_bytes();
    let mut best = 0;
    let mut i = 0;
    while i < b.len() {
        let j = b[i..].iter().take_while(|&&c| c == b[i]).count();
        best = best.max(j);
        i += j;
    }
    best
}

fn distinct_digits(plain: &str) -> usize {
    let mut seen = [false; 10];
    plain.bytes().for_each(|c| seen[(c - b'0') as usize] = true);
    seen.iter().filter(|&&x| x).count()
}

/// Bytes per chunk of the digit pre-pass in [`digit_runs`].
const CHUNK: usize = 32;

/// Classes of the bytes of a chunk, one bit per byte.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Classes {
    digit: u32,
    upper: u32,
    /// Digits and what joins them in a run: ` `, `-`, `.` and `)`.
    joint: u32,
}

/// Runs of digits that may be cards, SSNs, phones or IBANs. Source code is
/// full of short numbers (`0`, `i32`, `[1, 2]`), so runs are found with bit
/// masks, and a run is read closely only when it can matter: it has nine
/// digits or more (then its first nine bytes are digits or joints, and nine
/// digits lie within 18 bytes of its start: one joint between digits, two
/// for `) `), or it follows two capitals (an IBAN's country code). A run that is skipped gives nothing; so does
/// reading one from its middle, which masks do after a separator (fewer
/// digits, no capital or `(` just before). Tests check all this against
/// reading every run.
fn digit_runs(text: &str, out: &mut Vec<Match>) {
    digit_runs_with(text, out, Some(simd_available()))
}

/// [`digit_runs`] with vector or plain classification (`Some(simd)`; `simd`
/// only when [`simd_available`]), or reading every run without masks
/// (`None`, for tests).
fn digit_runs_with(text: &str, out: &mut Vec<Match>, masks: Option<bool>) {
    match masks {
        #[cfg(target_arch = "x86_64")]
        Some(true) if simd_available() => {
            // SAFETY: the CPU has AVX2 and POPCNT (checked just above).
            unsafe { digit_runs_avx2(text, out) }
        }
        Some(_) => masked_runs(text, out, classify_plain),
        None => {
            let b = text.as_bytes();
            let mut i = 0;
            while i < b.len() {
                i = if b[i].is_ascii_digit() {
                    run_at(text, i, out)
                } else {
                    i + 1
                };
            }
        }
    }
}

/// [`masked_runs`] compiled for AVX2 and POPCNT (the mask arithmetic is
/// mostly bit counts).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn digit_runs_avx2(text: &str, out: &mut Vec<Match>) {
    // SAFETY: this function runs only where AVX2 is present.
    masked_runs(text, out, |c| unsafe { classify_avx2(c) })
}

/// Is the vector classification available on this CPU?
fn simd_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The runs worth reading, found with masks; `classify` gives the classes
/// of a whole chunk.
#[inline(always)]
fn masked_runs(text: &str, out: &mut Vec<Match>, classify: impl Fn(&[u8; CHUNK]) -> Classes) {
    let b = text.as_bytes();
    // The last chunk is padded with zeros (neither digits nor capitals).
    let chunk = |at: usize| match b.get(at..at + CHUNK) {
        Some(c) => classify(c.try_into().expect("a whole chunk")),
        None if at < b.len() => {
            let mut last = [0u8; CHUNK];
            last[..b.len() - at].copy_from_slice(&b[at..]);
            classify_plain(&last)
        }
        None => Classes::default(),
    };
    let mut prev = Classes::default();
    let mut cur = chunk(0);
    // Where the next run may start: runs already read are not read again.
    let mut resume = 0;
    let mut at = 0;
    while at < b.len() {
        // A run's window reaches into the next chunk.
        let next = chunk(at + CHUNK);
        // Branch-free up to the rare chunk with a candidate (a third of
        // chunks hold a digit, in no pattern a branch predicts).
        let d = cur.digit;
        // A chunk that starts inside a run starts one here too.
        let starts = d & !(d << 1);
        // Bit j: capitals at j and j - 1; a lead is a start after two.
        let pairs = cur.upper & ((cur.upper << 1) | (prev.upper >> 31));
        let pair_before = (prev.upper >> 31) & (prev.upper >> 30);
        let leads = starts & ((pairs << 1) | pair_before);
        // Bit j: bytes j..j + 9 are all digits or joints, as the start
        // of any run of nine digits or more is.
        let joint = u64::from(cur.joint) | u64::from(next.joint) << 32;
        let mut nine = joint & joint >> 1;
        nine &= nine >> 2;
        nine &= nine >> 4;
        nine &= joint >> 8;
        let mut s = starts & (nine as u32 | leads);
        if s != 0 {
            let window = u64::from(d) | u64::from(next.digit) << 32;
            while s != 0 {
                let j = s.trailing_zeros();
                s &= s - 1;
                let pos = at + j as usize;
                let dense = (nine >> j) & 1 != 0 && ((window >> j) & 0x3ffff).count_ones() >= 9;
                if pos >= resume && (dense || (leads >> j) & 1 != 0) {
                    resume = run_at(text, pos, out);
                }
            }
        }
        prev = cur;
        cur = next;
        at += CHUNK;
    }
}

fn classify_plain(c: &[u8; CHUNK]) -> Classes {
    let mut out = Classes::default();
    for (j, &x) in c.iter().enumerate() {
        out.digit |= u32::from(x.is_ascii_digit()) << j;
        out.upper |= u32::from(x.is_ascii_uppercase()) << j;
        out.joint |= u32::from(x.is_ascii_digit() || matches!(x, b' ' | b'-' | b'.' | b')')) << j;
    }
    out
}

/// [`classify_plain`] with AVX2: a range test is `min(x - lo, n) == x - lo`
/// on unsigned bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn classify_avx2(c: &[u8; CHUNK]) -> Classes {
    use std::arch::x86_64::*;
    // SAFETY: `c` is 32 readable bytes and the load is unaligned.
    let v = unsafe { _mm256_loadu_si256(c.as_ptr().cast()) };
    let d = _mm256_sub_epi8(v, _mm256_set1_epi8(b'0' as i8));
    let d = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
    let u = _mm256_sub_epi8(v, _mm256_set1_epi8(b'A' as i8));
    let u = _mm256_cmpeq_epi8(_mm256_min_epu8(u, _mm256_set1_epi8(25)), u);
    let is = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
    let joins = _mm256_or_si256(
        _mm256_or_si256(is(b' '), is(b'-')),
        _mm256_or_si256(is(b'.'), is(b')')),
    );
    Classes {
        digit: _mm256_movemask_epi8(d) as u32,
        upper: _mm256_movemask_epi8(u) as u32,
        joint: _mm256_movemask_epi8(_mm256_or_si256(d, joins)) as u32,
    }
}

/// Read the run of digits starting at `start` (a digit); push what it is.
/// Returns where to look for the next run.
fn run_at(text: &str, start: usize, out: &mut Vec<Match>) -> usize {
    let b = text.as_bytes();
    // A run of digits with single separators between digit groups.
    let mut end = start;
    let mut digits = 0usize;
    let mut seps = 0usize;
    let mut sep_kinds = 0u8; // bit 0 space, 1 dash, 2 dot
    loop {
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
            digits += 1;
        }
        // `(415) 867-5309`: the area code in parentheses.
        if seps == 0 && start > 0 && b[start - 1] == b'(' && end + 2 < b.len() && b[end] == b')' {
            let skip = if b[end + 1] == b' ' { 2 } else { 1 };
            if b[end + skip].is_ascii_digit() {
                seps += 1;
                sep_kinds |= 1;
                end += skip;
                continue;
            }
        }
        if end + 1 < b.len()
            && matches!(b[end], b' ' | b'-' | b'.')
            && b[end + 1].is_ascii_digit()
            && digits < 24
        {
            sep_kinds |= match b[end] {
                b' ' => 1,
                b'-' => 2,
                _ => 4,
            };
            seps += 1;
            end += 1;
            continue;
        }
        break;
    }
    let next = end.max(start + 1);
    if digits < 9 {
        // IBANs start with letters: `DE89 3704 ...`.
        if digits >= 2 {
            iban_at(text, start, out);
        }
        return next;
    }
    let glued = |p: usize| b[p].is_ascii_alphanumeric() || b[p] == b'_';
    if start > 0 && glued(start - 1) {
        iban_at(text, start, out);
        return next;
    }
    // Longer than any card (19), glued to a word, or dotted (versions, IPs
    // and decimals): not a person's number.
    if digits > 19 || (end < b.len() && glued(end)) || sep_kinds & 4 != 0 {
        return next;
    }
    let run = &text[start..end];
    // At most 19 digits here: no allocation for them.
    let mut buf = [0u8; 19];
    let mut n = 0;
    for &c in run.as_bytes().iter().filter(|c| c.is_ascii_digit()) {
        buf[n] = c;
        n += 1;
    }
    let plain = std::str::from_utf8(&buf[..n]).unwrap_or_default();
    if (13..=19).contains(&digits) && (seps == 0 || single_sep_kind(sep_kinds)) {
        if let Some(m) = card(text, plain, start..end) {
            out.push(m);
            return next;
        }
    }
    if digits == 9 {
        if let Some(m) = ssn(text, run, plain, start..end) {
            out.push(m);
            return next;
        }
    }
    if (10..=15).contains(&digits) {
        if let Some(m) = phone(text, run, plain, start..end) {
            out.push(m);
        }
    }
    next
}

fn single_sep_kind(k: u8) -> bool {
    k == 1 || k == 2
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = (c - b'0') as u32;
        if !i.is_multiple_of(2) {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Card brand from the issuer prefix and length; `None` if no brand fits.
fn card_brand(d: &str) -> Option<&'static str> {
    let n = d.len();
    let p2: u32 = d[..2].parse().ok()?;
    let p3: u32 = d[..3].parse().ok()?;
    let p4: u32 = d[..4].parse().ok()?;
    match () {
        _ if d.starts_with('4') && matches!(n, 13 | 16 | 19) => Some("Visa"),
        _ if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16 => {
            Some("Mastercard")
        }
        _ if (p2 == 34 || p2 == 37) && n == 15 => Some("American Express"),
        _ if (p4 == 6011 || p2 == 65 || (644..=649).contains(&p3)) && (16..=19).contains(&n) => {
            Some("Discover")
        }
        _ if (3528..=3589).contains(&p4) && (16..=19).contains(&n) => Some("JCB"),
        _ if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38) && (14..=19).contains(&n) => {
            Some("Diners Club")
        }
        _ if p2 == 62 && (16..=19).contains(&n) => Some("UnionPay"),
        _ => None,
    }
}

fn card(text: &str, plain: &str, span: Range<usize>) -> Option<Match> {
    if !luhn(plain) || TEST_CARDS.contains(&plain) {
        return None;
    }
    let brand = card_brand(plain)?;
    // Made-up numbers repeat a digit or two, or pad with zeros; real ones do not.
    if distinct_digits(plain) <= 3 || longest_run(plain) >= 5 {
        return None;
    }
    let ctx = context_before(text, span.start, 48);
    if has_any(&ctx, &["test", "sandbox", "example", "dummy", "fake"]) {
        return None;
    }
    // A bare run of digits is usually a constant in code (tables of powers,
    // hashes); it counts as a card only when named as one or quoted as data.
    let grouped = span.len() > plain.len();
    let b = text.as_bytes();
    let quoted = span.start > 0
        && matches!(b[span.start - 1], b'"' | b'\'')
        && b.get(span.end) == Some(&b[span.start - 1]);
    let named = has_word(
        &ctx,
        &[
            "card",
            "cc",
            "ccnum",
            "pan",
            "credit",
            "visa",
            "mastercard",
            "amex",
            "payment",
            "cardnumber",
            "card_number",
        ],
    );
    if !(grouped || quoted || named) {
        return None;
    }
    Some(make(
        "credit-card",
        Severity::High,
        &format!("Payment card number ({brand})"),
        plain,
        span,
    ))
}

fn ssn(text: &str, run: &str, plain: &str, span: Range<usize>) -> Option<Match> {
    let dashed = run.len() == 11 && run.as_bytes()[3] == b'-' && run.as_bytes()[6] == b'-';
    // Dashed `123-45-6789`, or nine bare digits named as an SSN (below).
    if !dashed && run.len() != 9 {
        return None;
    }
    let area: u32 = plain[..3].parse().ok()?;
    let group: u32 = plain[3..5].parse().ok()?;
    let serial: u32 = plain[5..].parse().ok()?;
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return None;
    }
    if FAKE_SSNS.contains(&plain) || distinct_digits(plain) <= 3 {
        return None;
    }
    let ctx = context_before(text, span.start, 64);
    let context = has_word(
        &ctx,
        &[
            "ssn",
            "social security",
            "social_security",
            "socialsecurity",
            "tax id",
            "taxpayer",
        ],
    );
    if !dashed && !context {
        return None;
    }
    // Without context a dashed triple is often a part number or an id.
    if !context
        && has_any(
            &ctx,
            &["test", "example", "sample", "part", "order", "sku", "id"],
        )
    {
        return None;
    }
    Some(make(
        "us-ssn",
        Severity::High,
        "US social security number",
        plain,
        span,
    ))
}

fn phone(text: &str, run: &str, plain: &str, span: Range<usize>) -> Option<Match> {
    let b = text.as_bytes();
    let plus = span.start > 0 && b[span.start - 1] == b'+';
    // `R-62920-47450`, `v1.2-...`, `id_555...`: part of an identifier.
    if span.start > 0 && matches!(b[span.start - 1], b'-' | b'_' | b'/' | b'.' | b':' | b'#') {
        return None;
    }
    if distinct_digits(plain) <= 3 {
        return None;
    }
    // `9999-12-31 23:59`: a date and time.
    let rb = run.as_bytes();
    if rb.len() >= 10 && rb[4] == b'-' && rb[7] == b'-' && rb[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let grouped = run.len() > plain.len();
    // Unix timestamps and long ids are not phone numbers.
    if !grouped && !plus {
        return None;
    }
    // North American 555 numbers are reserved for fiction and examples.
    if plain.len() >= 10 && plain[plain.len() - 7..].starts_with("555") {
        return None;
    }
    // Phone digits come in small groups: `1000288896 9` is two numbers.
    let groups: Vec<usize> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    if groups.len() > 1 && (groups.iter().any(|&g| g > 6) || groups.last().is_some_and(|&g| g < 2))
    {
        return None;
    }
    // A grouped international number with its `+`, or one named as a phone
    // (the words are looked for last: the tests above are cheaper).
    let named = || {
        has_word(
            &context_before(text, span.start, 40),
            &[
                "phone",
                "tel",
                "telephone",
                "mobile",
                "cell",
                "fax",
                "call",
                "whatsapp",
                "sms",
                "contact",
                "number",
            ],
        )
    };
    if !(plus && grouped || named()) {
        return None;
    }
    let s = if plus || (span.start > 0 && b[span.start - 1] == b'(') {
        span.start - 1
    } else {
        span.start
    };
    Some(make(
        "phone",
        Severity::Low,
        "Phone number",
        &text[s..span.end],
        s..span.end,
    ))
}

// ---------------------------------------------------------------- IBAN

/// IBAN length per country (ISO 13616 registry).
const IBAN_LEN: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VG", 24),
    ("XK", 20),
];

/// IBANs printed in standards and bank documentation.
const DOC_IBANS: &[&str] = &[
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "GB29NWBK60161331926819",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "BE68539007547034",
];

fn iban_mod97(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4);
    let mut rem = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Try an IBAN whose check digits start at `digit_start` (two letters before).
fn iban_at(text: &str, digit_start: usize, out: &mut Vec<Match>) {
    let b = text.as_bytes();
    if digit_start < 2
        || !b[digit_start - 2].is_ascii_uppercase()
        || !b[digit_start - 1].is_ascii_uppercase()
        || (digit_start >= 3
            && (b[digit_start - 3].is_ascii_alphanumeric() || b[digit_start - 3] == b'_'))
    {
        return;
    }
    let start = digit_start - 2;
    let cc = &text[start..digit_start];
    let Some(&(_, want)) = IBAN_LEN.iter().find(|(c, _)| *c == cc) else {
        return;
    };
    let mut compact = String::with_capacity(want);
    let mut end = start;
    while end < b.len() && compact.len() < want {
        let c = b[end];
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            compact.push(c as char);
            end += 1;
        } else if c == b' ' && end + 1 < b.len() && b[end + 1].is_ascii_alphanumeric() {
            end += 1;
        } else {
            break;
        }
    }
    if compact.len() != want
        || (end < b.len() && b[end].is_ascii_alphanumeric())
        || !compact[2..4].bytes().all(|c| c.is_ascii_digit())
        || !iban_mod97(&compact)
        || longest_run(&compact[4..]) >= 6
        || DOC_IBANS.contains(&compact.as_str())
    {
        return;
    }
    if out.iter().any(|m| m.span.start == start) {
        return;
    }
    out.push(make(
        "iban",
        Severity::Medium,
        "IBAN (bank account number)",
        &compact,
        start..end,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane, among fillers of all kinds, by both
    /// classifications (the padded last chunk is covered by the texts of
    /// every length in the tests below).
    #[test]
    fn classification_is_exact() {
        for fill in [
            0u8, b' ', b')', b'/', b'0', b'9', b':', b'@', b'A', b'Z', b'[', b'a', 0xff,
        ] {
            for lane in 0..CHUNK {
                for v in 0..=255u8 {
                    let mut c = [fill; CHUNK];
                    c[lane] = v;
                    let want = Classes {
                        digit: (0..CHUNK)
                            .filter(|&j| c[j].is_ascii_digit())
                            .fold(0, |m, j| m | 1 << j),
                        upper: (0..CHUNK)
                            .filter(|&j| c[j].is_ascii_uppercase())
                            .fold(0, |m, j| m | 1 << j),
                        joint: (0..CHUNK)
                            .filter(|&j| c[j].is_ascii_digit() || b" -.)".contains(&c[j]))
                            .fold(0, |m, j| m | 1 << j),
                    };
                    for got in classify_both(&c) {
                        assert_eq!(got, want, "{fill} {lane} {v}");
                    }
                }
            }
        }
    }

    /// The classes of `c` by the plain code and, where the CPU has it, AVX2.
    fn classify_both(c: &[u8; CHUNK]) -> Vec<Classes> {
        let mut all = vec![classify_plain(c)];
        #[cfg(target_arch = "x86_64")]
        if simd_available() {
            // SAFETY: the CPU has AVX2 (checked just above).
            all.push(unsafe { classify_avx2(c) });
        }
        all
    }

    /// What every way of finding runs gives, checked to agree.
    fn digit_matches(text: &str) -> Vec<Match> {
        let mut want = Vec::new();
        digit_runs_with(text, &mut want, None);
        for simd in [false, simd_available()] {
            let mut got = Vec::new();
            digit_runs_with(text, &mut got, Some(simd));
            assert_eq!(got, want, "simd {simd}: {text:?}");
        }
        want
    }

    /// Numbers that are matches (and near misses) at every offset around
    /// chunk edges, and generated mixes of digits, separators, capitals and
    /// code: skipping chunks finds exactly what reading every run finds.
    #[test]
    fn masks_skip_nothing_that_matches() {
        let samples = [
            "card 4539 1488 0343 6467 exp",
            "cc=5425233430109903",
            "amex 3792-451959-26484",
            "SSN: 536-90-4399",
            "social security number 536904399",
            "call me at (415) 867-5309",
            "Phone: +44 20 7946 0321",
            "tel: +1-202-456-1414",
            "IBAN DE44 5001 0517 5407 3249 31",
            "iban: GB89NWBK60161342917391",
            // Valid by length and mod-97 with only two digits.
            "acct NO09ABCDEFGHIJK.",
            "X(415) 867-5309",
            "AB12 34",
            "DE4 4500105175407324931",
            "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7",
            // The ninth digit 17 bytes after the start.
            "phone: (4) 1 5 2 9 7 3 8 61",
            "(1)2",
            "12345678 9",
        ];
        let mut found = 0;
        for sample in samples {
            for at in 0..70 {
                let t = format!(
                    "{}{sample}{}",
                    "ab, ".repeat(at / 4) + &"x"[..at % 2],
                    " end"
                );
                found += digit_matches(&t).len();
            }
        }
        assert!(found >= 10 * 70, "{found}");
        let pieces = [
            "0",
            "12",
            "345",
            "6789",
            "4539",
            "1488",
            "0343",
            "6467",
            " ",
            "-",
            ".",
            "(",
            ")",
            ") ",
            "+",
            "DE",
            "GB",
            "AB",
            "x",
            "i32",
            "\n",
            "let a = [1, 2, 3];",
            "card ",
            "phone: ",
            "ssn ",
            "_",
            "é",
        ];
        let mut seed = 11u64;
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let k = (seed >> 33) as usize % (pieces.len() + samples.len());
                t.push_str(pieces.get(k).unwrap_or_else(|| &samples[k - pieces.len()]));
            }
            found += digit_matches(&t).len();
        }
        assert!(found > 20_000, "{found}");
    }

    fn rules_found(text: &str) -> Vec<String> {
        find(text).into_iter().map(|m| m.rule).collect()
    }

    #[test]
    fn positives() {
        for (text, rule) in [
            (
                "Contact: maria.gonzalez@fastmail.fm for access",
                "pii.email",
            ),
            ("reply to <jkowalski@proton.me>", "pii.email"),
            ("owner=maria.gonzalez@fastmail.fm", "pii.email"),
            ("Phone: +44 20 7946 0321", "pii.phone"),
            ("call me at (415) 867-5309", "pii.phone"),
            ("tel: +1-202-456-1414", "pii.phone"),
            ("card 4539 1488 0343 6467 exp 09/29", "pii.credit-card"),
            ("amex 3792-451959-26484", "pii.credit-card"),
            ("cc=5425233430109903", "pii.credit-card"),
            ("SSN: 536-90-4399", "pii.us-ssn"),
            ("social security number 536904399", "pii.us-ssn"),
            ("IBAN DE44 5001 0517 5407 3249 31", "pii.iban"),
            ("phone: (4) 1 5 2 9 7 3 8 61", "pii.phone"),
            ("acct NO09ABCDEFGHIJK.", "pii.iban"),
            ("iban: GB89NWBK60161342917391", "pii.iban"),
        ] {
            let found = rules_found(text);
            assert!(found.iter().any(|r| r == rule), "{text:?}: {found:?}");
        }
    }

    #[test]
    fn negatives() {
        for text in [
            "mail admin@example.com or ops@corp.example",
            "git@github.com:org/repo.git",
            "https://token@registry.internal/pkg",
            "DATABASE_URL=postgres://app:Vq8dLm2Rt7xZp4Kw@db.prod:5432/app",
            "\"@types/node\": \"^20.1.0\" and lodash@4.17.21 and icon@2x.png",
            "12345+noreply@users.noreply.github.com",
            "Stripe test card 4242 4242 4242 4242",
            "4111111111111111",
            "version 1.2.3.4567890 build 2024.01.15",
            "timestamp 1700000000123 and id 9781234567897",
            "date 2024-01-15 and 2024-01-15T10:00:00Z",
            "ipv4 192.168.100.200 and 10.0.0.1",
            "uuid 123e4567-e89b-12d3-a456-426614174000",
            "hash 0x7f3a9c1b2d4e6f8091a2b3c4d5e6f708",
            "SSN 078-05-1120 is the Woolworth card",
            "order 123-45-6789",
            "iban DE89370400440532013000 is the documented example",
            "DE44500105175407324932 fails its checksum",
            "[\"Turkey (26)\", \"TR610000100000000000000001\"]",
            "[\"Discover\", \"6450000000000002\"]",
            "call 555-0123 or (415) 555-0199",
            "--phone-number \"206-555-1111\"",
            "ssn : 111-22-3333",
            "VERSION_GSSNEGOTIATE = 1\nVERSION_HSTS: Final = 268435456",
            "-- call tests\npwmx331 power 1000288896 9.87E+12347 93379908 -> 43224924",
            "The julian day number for 9999-12-31 23:59:59.999 is 5373484.4999999.",
            "let x = 4539148803436467u64; // no context, glued suffix",
        ] {
            let found = find(text);
            assert!(found.is_empty(), "{text:?}: {found:?}");
        }
    }

    #[test]
    fn attributions_are_info_and_role_addresses_skipped() {
        let m = &find("authors = [\"Dana Whitfield <dana@whitfield.dev>\"]")[0];
        assert_eq!(m.severity, Severity::Info);
        let m = &find("Copyright 2024 dana@whitfield.dev")[0];
        assert_eq!(m.severity, Severity::Info);
        assert_eq!(find("owner: dana@whitfield.dev")[0].severity, Severity::Low);
        assert!(find("report abuse to security@whitfield.dev").is_empty());
    }

    #[test]
    fn luhn_and_mod97() {
        assert!(luhn("4539148803436467"));
        assert!(!luhn("4539148803436468"));
        assert!(iban_mod97("DE44500105175407324931"));
        assert!(!iban_mod97("DE44500105175407324932"));
    }

    #[test]
    fn evidence_is_masked() {
        let m = &find("card 4539 1488 0343 6467")[0];
        assert!(!m.evidence.preview.contains("4539148803436467"));
        assert!(!m.evidence.preview.contains("1488"));
        assert_eq!(
            m.evidence.fingerprint.as_deref(),
            Some(fingerprint("4539148803436467").as_str())
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let _ = find("");
        let _ = find("@");
        let _ = find("a@b");
        let _ = find("é@é.é 1234567890123 +ü 4539 1488 0343 646");
        let _ = find(&"9".repeat(100_000));
        let _ = find(&"DE".repeat(1000));
    }
}
