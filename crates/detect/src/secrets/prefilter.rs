//! Keyword prefilter: finds every occurrence of every keyword (ASCII
//! case-insensitive, overlapping) without a state machine.
//!
//! A hash of the three bytes at each position is tested against a 64 Kbit table
//! (8 KiB, stays in L1); only positions whose trigram starts some keyword are
//! checked against the keywords with that trigram, once a second table says
//! the next byte may continue one. There is no dependent
//! load per byte as in an automaton, so it runs several times faster than an
//! Aho-Corasick DFA on source code, and it builds in microseconds (the hook
//! starts a process per tool call).
//!
//! On x86-64 with AVX2, long texts take a vectorised path (`wide`): eight
//! positions per table gather, testing trigram and fourth byte at once of
//! each keyword's rarest four bytes (its anchor, chosen by the byte
//! frequencies in `grams.rs`); the ~0.6% of positions that pass are checked
//! against whole keywords. Its tables (~80 KiB) are built once a filter
//! has scanned 256 KiB in texts of 1 KiB or more, so a hook's one tool call
//! never pays for them; `warden check` gets there within a few files.

const LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

const BITS: usize = 1 << 16;
/// Buckets of keywords by slot (slot >> 4): the prefix sum over them is what
/// building costs, a sixteenth of one over every slot (the hook builds two
/// filters per process); a bucket holds a few keywords, told apart by
/// trigram in `verify`.
const BUCKET_SHIFT: usize = 4;
const BUCKETS: usize = BITS >> BUCKET_SHIFT;

/// ASCII lowercasing of eight bytes: each byte in b'A'..=b'Z' gets 0x20.
/// Bytes are independent (no carry crosses one); bytes over 127 are kept.
fn lower8(w: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let low = w & (ONES * 0x7f);
    let at_least_a = low + ONES * (0x80 - b'A' as u64);
    let past_z = low + ONES * (0x80 - b'Z' as u64 - 1);
    let upper = at_least_a & !past_z & !w & (ONES * 0x80);
    w | upper >> 2
}

/// Multiplier of the trigram hashes (Fibonacci hashing: the top bits mix
/// all three bytes).
const MUL: u32 = 0x9E37_79B1;

fn slot(trigram: u32) -> usize {
    (trigram.wrapping_mul(MUL) >> 16) as usize
}

/// The first three bytes of `k` as a trigram (first byte lowest).
fn trigram(k: &[u8]) -> u32 {
    k[0] as u32 | (k[1] as u32) << 8 | (k[2] as u32) << 16
}

/// Where each of `n` buckets starts in a list sorted by bucket, given each
/// entry's bucket in that order (a counting sort's prefix sums).
fn bucket_starts(buckets: impl Iterator<Item = usize>, n: usize) -> Vec<u16> {
    let mut first = vec![0u16; n + 1];
    for b in buckets {
        first[b + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    first
}

/// Where lowercase keyword `kw` ends if it occurs at `start` of `hay`
/// (ASCII case-insensitive). Only the text's side is lowered
/// (`eq_ignore_ascii_case` lowers both: 1.5% more instructions in `warden
/// check`).
#[inline(always)]
fn keyword_at(hay: &[u8], start: usize, kw: &[u8]) -> Option<usize> {
    let end = start + kw.len();
    (end <= hay.len()
        && hay[start..end]
            .iter()
            .zip(kw)
            .all(|(a, b)| a.to_ascii_lowercase() == *b))
    .then_some(end)
}

pub(crate) struct KeywordFilter {
    /// One bit per trigram slot: does any keyword start with a trigram that
    /// hashes here? 8 KiB, the only table the per-byte loop touches.
    bits: Box<[u64; BITS / 64]>,
    /// Second test where `bits` passes, before the call to `verify`: the
    /// first four bytes of keywords of four bytes or more (`con` starts a
    /// keyword and is everywhere in code, `cons` much less), and the slots of
    /// three-byte keywords (no fourth byte to test).
    bits4: Box<[u64; BITS / 64]>,
    short: Box<[u64; BITS / 64]>,
    /// `entries[first[b]..first[b + 1]]` are the keywords whose first
    /// trigram hashes to a slot of bucket `b`, as (trigram, keyword index).
    first: Vec<u16>,
    entries: Vec<(u32, u16)>,
    keywords: Vec<Vec<u8>>,
    #[cfg(target_arch = "x86_64")]
    wide: std::sync::OnceLock<wide::Tables>,
    /// Bytes scanned without the wide tables, in texts long enough for them.
    #[cfg(target_arch = "x86_64")]
    narrow_bytes: std::sync::atomic::AtomicUsize,
}

impl KeywordFilter {
    /// `keywords` must be at least three bytes long.
    pub(crate) fn new(keywords: &[String]) -> Self {
        let mut bits = Box::new([0u64; BITS / 64]);
        let mut bits4 = Box::new([0u64; BITS / 64]);
        let mut short = Box::new([0u64; BITS / 64]);
        let keywords: Vec<Vec<u8>> = keywords
            .iter()
            .map(|k| k.bytes().map(|b| LOWER[b as usize]).collect())
            .collect();
        let mut entries: Vec<(usize, u32, u16)> = Vec::with_capacity(keywords.len());
        for (i, k) in keywords.iter().enumerate() {
            assert!(k.len() >= 3, "keyword {k:?} is shorter than 3 bytes");
            let t = trigram(k);
            let h = slot(t);
            bits[h >> 6] |= 1 << (h & 63);
            if k.len() == 3 {
                short[h >> 6] |= 1 << (h & 63);
            } else {
                let h4 = slot(t | (k[3] as u32) << 24);
                bits4[h4 >> 6] |= 1 << (h4 & 63);
            }
            entries.push((h, t, i as u16));
        }
        entries.sort_unstable();
        let first = bucket_starts(entries.iter().map(|e| e.0 >> BUCKET_SHIFT), BUCKETS);
        KeywordFilter {
            bits,
            bits4,
            short,
            first,
            entries: entries.into_iter().map(|(_, t, k)| (t, k)).collect(),
            keywords,
            #[cfg(target_arch = "x86_64")]
            wide: std::sync::OnceLock::new(),
            #[cfg(target_arch = "x86_64")]
            narrow_bytes: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Calls `hit(keyword index, start, end)` for every occurrence.
    pub(crate) fn for_each_hit(&self, hay: &[u8], mut hit: impl FnMut(usize, usize, usize)) {
        let mut start = 0;
        #[cfg(target_arch = "x86_64")]
        if hay.len() >= wide::MIN_TEXT && std::arch::is_x86_feature_detected!("avx2") {
            if let Some(tables) = self.bulk(hay.len()) {
                // SAFETY: the CPU has AVX2 (checked just above).
                start = unsafe { tables.scan(&self.keywords, hay, &mut hit) };
            }
        }
        self.scan_scalar(hay, start, hit);
    }

    #[cfg(target_arch = "x86_64")]
    fn wide(&self) -> &wide::Tables {
        self.wide.get_or_init(|| wide::Tables::new(&self.keywords))
    }

    /// The wide tables, once this filter has scanned [`wide::BULK`] bytes
    /// (counting the `len` about to be scanned) in long texts.
    #[cfg(target_arch = "x86_64")]
    fn bulk(&self, len: usize) -> Option<&wide::Tables> {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(t) = self.wide.get() {
            return Some(t);
        }
        (self.narrow_bytes.fetch_add(len, Relaxed) + len >= wide::BULK).then(|| self.wide())
    }

    /// [`Self::for_each_hit`] without SIMD, for the starts from `start` on.
    fn scan_scalar(&self, hay: &[u8], mut start: usize, mut hit: impl FnMut(usize, usize, usize)) {
        // Eight bytes lowered at once hold the trigrams of six starts: no
        // table look-up or rolling state per byte.
        while let Some(chunk) = hay.get(start..start + 8) {
            let w = lower8(u64::from_le_bytes(chunk.try_into().unwrap()));
            for j in 0..6 {
                self.test(hay, start + j, (w >> (8 * j)) as u32 & 0xFF_FFFF, &mut hit);
            }
            start += 6;
        }
        while start + 3 <= hay.len() {
            let b = |i: usize| LOWER[hay[start + i] as usize] as u32;
            self.test(hay, start, b(0) | b(1) << 8 | b(2) << 16, &mut hit);
            start += 1;
        }
    }

    /// Trigram `t` (first byte lowest) at `start`.
    #[inline(always)]
    fn test(&self, hay: &[u8], start: usize, t: u32, hit: &mut impl FnMut(usize, usize, usize)) {
        let h = slot(t);
        if self.bits[h >> 6] & (1 << (h & 63)) != 0 && self.may_start(hay, start, t, h) {
            self.verify(hay, start, t, h, hit);
        }
    }

    /// Can a keyword start with trigram `t` (slot `h`) at `start`?
    #[inline(always)]
    fn may_start(&self, hay: &[u8], start: usize, t: u32, h: usize) -> bool {
        let Some(&next) = hay.get(start + 3) else {
            return true;
        };
        let h4 = slot(t | (LOWER[next as usize] as u32) << 24);
        (self.short[h >> 6] >> (h & 63) | self.bits4[h4 >> 6] >> (h4 & 63)) & 1 != 0
    }

    /// The rare path, kept out of the byte loop so its registers stay free.
    #[inline(never)]
    fn verify(
        &self,
        hay: &[u8],
        start: usize,
        t: u32,
        h: usize,
        hit: &mut impl FnMut(usize, usize, usize),
    ) {
        let b = h >> BUCKET_SHIFT;
        let range = self.first[b] as usize..self.first[b + 1] as usize;
        for &(tt, k) in &self.entries[range] {
            if tt != t {
                continue;
            }
            let kw = &self.keywords[k as usize];
            if let Some(end) = keyword_at(hay, start, kw) {
                hit(k as usize, start, end);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[path = "grams.rs"]
mod grams;

/// The vectorised scan (AVX2, x86-64).
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::{bucket_starts, grams, keyword_at, lower8, trigram, MUL};
    use std::arch::x86_64::*;

    /// Texts shorter than this take the scalar scan (and build nothing).
    pub(super) const MIN_TEXT: usize = 1024;
    /// Bytes of such texts scanned before the tables are built.
    pub(super) const BULK: usize = 256 << 10;
    /// One step tests 32 starts and reads 40 bytes: the last group of eight
    /// starts loads 16 bytes from start 24.
    const STEP_READS: usize = 40;
    /// 2^14 slots: 2^13 let through half again as many positions.
    const SLOT_BITS: u32 = 14;
    const SLOTS: usize = 1 << SLOT_BITS;

    /// Bits of three bytes that the slot depends on: all but 0x20 of each,
    /// so that no lowercasing is needed in the vector loop (a fifth of its
    /// work). Letters fold to their ASCII case; the other bytes that pair up
    /// (`[` and `{`, space and NUL...) only let more through.
    const FOLD: u32 = 0xDF_DFDF;

    /// The slot of the trigram `t` (first byte lowest, any case) by the
    /// hash multiplier `mul`.
    fn slot(t: u32, mul: u32) -> usize {
        ((t & FOLD).wrapping_mul(mul) >> (32 - SLOT_BITS)) as usize
    }

    /// Multipliers tried by [`Tables::new`], [`MUL`] first.
    const MULTIPLIERS: usize = 32;

    /// The `fourth` table of anchors (trigram and fourth byte, if any).
    fn fourth_table(anchors: &[(u32, Option<u8>)], mul: u32, fourth: &mut [u32; SLOTS]) {
        fourth.fill(0);
        for &(t, b) in anchors {
            fourth[slot(t, mul)] |= b.map_or(u32::MAX, |b| 1 << (b & 31));
        }
    }

    /// The multiplier whose table lets the fewest common 4-grams through
    /// (by [`grams::GRAMS`]) that are no anchor: a hash collision with a
    /// frequent trigram ("anon", "ting") costs a look at the keywords at
    /// every occurrence. A sixth fewer positions pass on crate sources, for
    /// 0.3 ms once.
    fn best_multiplier(anchors: &[(u32, Option<u8>)]) -> u32 {
        let mut fourth = Box::new([0u32; SLOTS]);
        let mut candidate = MUL;
        let mut best = (u64::MAX, MUL);
        for _ in 0..MULTIPLIERS {
            fourth_table(anchors, candidate, &mut fourth);
            let through: u64 = grams::GRAMS
                .iter()
                .filter(|&&(g, _)| fourth[slot(g, candidate)] >> (g >> 24 & 31) & 1 != 0)
                .map(|&(_, f)| u64::from(f))
                .sum();
            best = best.min((through, candidate));
            // Odd multipliers from a fixed sequence (xorshift): the same
            // tables in every run.
            candidate ^= candidate << 13;
            candidate ^= candidate >> 17;
            candidate ^= candidate << 5;
            candidate |= 1;
        }
        best.1
    }

    /// Where a keyword's anchor starts: its four bytes least common in
    /// source code and prose, so that "datadog" is not looked at wherever
    /// "data" occurs (this halves the positions that pass the vector test
    /// on crate sources).
    pub(super) fn anchor_offset(k: &[u8]) -> usize {
        if k.len() <= 4 {
            return 0;
        }
        (0..=k.len() - 4)
            .map(|o| (frequency(&k[o..o + 4]), o))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(0, |(_, o)| o)
    }

    /// Occurrences of four bytes per million positions: measured for the
    /// most common ones, else what their bytes' frequencies predict, below
    /// the least common measured.
    fn frequency(gram: &[u8]) -> f64 {
        let key = u32::from_le_bytes(gram.try_into().expect("four bytes"));
        match grams::GRAMS.binary_search_by_key(&key, |g| g.0) {
            Ok(i) => grams::GRAMS[i].1 as f64,
            Err(_) => {
                let p: f64 = gram
                    .iter()
                    .map(|&b| grams::BYTES[b as usize] as f64 / 1e6)
                    .product();
                (p * 1e6).min(grams::LEAST as f64)
            }
        }
    }

    /// A keyword's anchor: up to eight of its bytes from `offset` (the four
    /// bytes the vector test looks at, then what follows), lowercase, as a
    /// masked word.
    struct Anchor {
        word: u64,
        mask: u64,
        keyword: u16,
        offset: u8,
    }

    pub(super) struct Tables {
        /// Per trigram slot, bit `b & 31` for every fourth byte `b` that
        /// follows the trigram in an anchor; all bits for a three-byte
        /// keyword. 64 KiB, the only table the vector loop reads.
        pub(super) fourth: Box<[u32; SLOTS]>,
        /// `anchors[first[s]..first[s + 1]]`: the keywords whose anchor
        /// trigram has slot `s`, in keyword order.
        first: Vec<u16>,
        anchors: Vec<Anchor>,
        /// The largest anchor offset: hits starting this close to where the
        /// vector loop stops are left to the scalar scan.
        pub(super) reach: usize,
        /// The slot hash's multiplier.
        pub(super) mul: u32,
    }

    impl Tables {
        pub(super) fn new(keywords: &[Vec<u8>]) -> Self {
            let offsets: Vec<usize> = keywords.iter().map(|k| anchor_offset(k)).collect();
            Self::with_offsets(keywords, &offsets)
        }

        /// `offsets[i]`: where keyword `i`'s anchor starts (at most four
        /// bytes before its end, and 0 for a three-byte keyword).
        pub(super) fn with_offsets(keywords: &[Vec<u8>], offsets: &[usize]) -> Self {
            let ends: Vec<(u32, Option<u8>)> = keywords
                .iter()
                .zip(offsets)
                .map(|(k, &o)| (trigram(&k[o..]), k.get(o + 3).copied()))
                .collect();
            let mul = best_multiplier(&ends);
            let mut fourth = Box::new([0u32; SLOTS]);
            fourth_table(&ends, mul, &mut fourth);
            let mut order: Vec<(usize, usize)> = ends
                .iter()
                .enumerate()
                .map(|(i, &(t, _))| (slot(t, mul), i))
                .collect();
            order.sort_unstable();
            let first = bucket_starts(order.iter().map(|o| o.0), SLOTS);
            let anchors = order
                .into_iter()
                .map(|(_, i)| {
                    let a = &keywords[i][offsets[i]..];
                    let n = a.len().min(8);
                    let mut bytes = [0u8; 8];
                    bytes[..n].copy_from_slice(&a[..n]);
                    Anchor {
                        word: u64::from_le_bytes(bytes),
                        mask: u64::MAX >> (8 * (8 - n)),
                        keyword: i as u16,
                        offset: offsets[i] as u8,
                    }
                })
                .collect();
            Tables {
                fourth,
                first,
                anchors,
                reach: offsets.iter().copied().max().unwrap_or(0),
                mul,
            }
        }

        /// Reports the hits starting before the returned position, which is
        /// where the scalar scan goes on (fewer than 40 bytes plus the
        /// largest anchor offset from the end), in order of start, then
        /// keyword. Exact: an anchor position passes the vector test when
        /// its trigram and fourth byte are an anchor's (the hash can only
        /// let more through), and each that passes is compared with the
        /// keywords' bytes.
        ///
        /// # Safety
        /// The CPU must have AVX2.
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn scan(
            &self,
            keywords: &[Vec<u8>],
            hay: &[u8],
            hit: &mut impl FnMut(usize, usize, usize),
        ) -> usize {
            let table = self.fourth.as_ptr() as *const i32;
            let mul = _mm256_set1_epi32(self.mul as i32);
            // Source code has about one hit per 400 bytes: sized for that,
            // the vector seldom grows.
            let mut found: Vec<(usize, u16, usize)> = Vec::with_capacity(hay.len() / 256);
            let mut start = 0;
            while start + STEP_READS <= hay.len() {
                let at = hay.as_ptr().add(start);
                let mut mask = group(table, mul, at)
                    | group(table, mul, at.add(8)) << 8
                    | group(table, mul, at.add(16)) << 16
                    | group(table, mul, at.add(24)) << 24;
                while mask != 0 {
                    let p = start + mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    self.verify(keywords, hay, p, &mut found);
                }
                start += 32;
            }
            // Anchors from `start` on were not tested: a keyword starting
            // within `reach` before it may have its anchor there.
            let done = start.saturating_sub(self.reach);
            for (s, k, e) in found {
                if s < done {
                    hit(k as usize, s, e);
                }
            }
            done
        }

        /// The keywords anchored at `p`, which has eight bytes after it.
        #[inline(always)]
        fn verify(
            &self,
            keywords: &[Vec<u8>],
            hay: &[u8],
            p: usize,
            found: &mut Vec<(usize, u16, usize)>,
        ) {
            let w = lower8(u64::from_le_bytes(hay[p..p + 8].try_into().unwrap()));
            let s = slot(w as u32, self.mul);
            for a in &self.anchors[self.first[s] as usize..self.first[s + 1] as usize] {
                if w & a.mask != a.word {
                    continue;
                }
                let Some(start) = p.checked_sub(a.offset as usize) else {
                    continue;
                };
                let kw = &keywords[a.keyword as usize];
                if let Some(end) = keyword_at(hay, start, kw) {
                    // In order of start: a hit is at most `reach` bytes
                    // before its anchor, so it goes at or near the end (a
                    // sort afterwards was 2% of warden check's instructions).
                    let hit = (start, a.keyword, end);
                    let at = found.len() - found.iter().rev().take_while(|f| **f > hit).count();
                    found.insert(at, hit);
                }
            }
        }
    }

    /// Bit i set: the start `at + i` (i < 8) may begin a keyword, by the
    /// `fourth` table (`table`).
    ///
    /// # Safety
    /// The CPU must have AVX2; `at` must have 16 readable bytes.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn group(table: *const i32, mul: __m256i, at: *const u8) -> u32 {
        // Dword i of the low half is bytes i..i+4, of the high half
        // 4+i..8+i: the four bytes from each of the eight starts.
        let spread = _mm256_setr_epi8(
            0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, //
            4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10,
        );
        let q = _mm256_shuffle_epi8(
            _mm256_broadcastsi128_si256(_mm_loadu_si128(at as *const __m128i)),
            spread,
        );
        let trigram = _mm256_and_si256(q, _mm256_set1_epi32(FOLD as i32));
        let hash = _mm256_mullo_epi32(trigram, mul);
        let slot = _mm256_srli_epi32::<{ 32 - SLOT_BITS as i32 }>(hash);
        // Every slot is below SLOTS, the table's length.
        let word = _mm256_i32gather_epi32::<4>(table, slot);
        // Bit (fourth byte & 31) of the word, moved to the sign bit (the
        // same for either case of a letter).
        let shift = _mm256_andnot_si256(_mm256_srli_epi32::<24>(q), _mm256_set1_epi32(31));
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_sllv_epi32(word, shift))) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_byte_lowering_is_exact() {
        for fill in [0u8, b'@', b'A', b'Z', b'[', b'a', 0x7f, 0xc1, 0xda, 0xff] {
            for lane in 0..8 {
                for v in 0..=255u8 {
                    let mut w = [fill; 8];
                    w[lane] = v;
                    let want = w.map(|b| LOWER[b as usize]);
                    assert_eq!(lower8(u64::from_le_bytes(w)).to_le_bytes(), want);
                }
            }
        }
    }

    #[test]
    fn finds_overlapping_case_insensitive_hits() {
        let f = KeywordFilter::new(&[
            "ghp_".into(),
            "sk-".into(),
            "sk-ant-".into(),
            "token".into(),
        ]);
        let mut hits = Vec::new();
        f.for_each_hit(b"x GHP_a sk-ant-1 my_Token tok", |k, s, e| {
            hits.push((k, s, e))
        });
        assert_eq!(hits, vec![(0, 2, 6), (1, 8, 11), (2, 8, 15), (3, 20, 25)]);
        let mut none = 0;
        f.for_each_hit(b"gh", |_, _, _| none += 1);
        f.for_each_hit("héllo ünïcode tokeN".as_bytes(), |_, _, _| none += 1);
        assert_eq!(none, 1);
        // A trigram that starts a keyword but not its fourth byte; a
        // three-byte keyword at either end.
        hits.clear();
        f.for_each_hit(b"sk-ghpX toke\nSK-", |k, s, e| hits.push((k, s, e)));
        assert_eq!(hits, vec![(1, 0, 3), (1, 13, 16)]);
    }

    /// Anchor choice binary-searches the generated 4-gram table.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn gram_table_is_sorted_and_anchors_avoid_common_prefixes() {
        assert!(grams::GRAMS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(grams::GRAMS.iter().map(|g| g.1).min(), Some(grams::LEAST));
        let off = |k: &str| wide::anchor_offset(k.as_bytes());
        // "data" and "this" are everywhere in code; "adog" and "s is" less so.
        assert_ne!(off("datadog"), 0);
        assert_ne!(off("this is"), 0);
        assert_eq!(off("sg."), 0);
        assert_eq!(off("http"), 0);
    }

    /// Every start of every text, scanned by the vector path and the
    /// scalar one, gives the same hits in the same order.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_scan_finds_what_the_scalar_scan_finds() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("no AVX2 here: only the scalar scan runs");
            return;
        }
        let keywords: Vec<String> = crate::secrets::keywords()
            .iter()
            .chain(crate::injection::keywords())
            .cloned()
            .collect();
        let f = KeywordFilter::new(&keywords);
        // Anchors as chosen, and every keyword anchored on its last bytes
        // (hits far behind the position that passes, near either end).
        let last: Vec<usize> = f.keywords.iter().map(|k| k.len().max(4) - 4).collect();
        let last = wide::Tables::with_offsets(&f.keywords, &last);
        assert!(f.wide().reach > 0);
        let both = |hay: &[u8]| {
            let mut scalar = Vec::new();
            f.scan_scalar(hay, 0, |k, s, e| scalar.push((k, s, e)));
            for tables in [f.wide(), &last] {
                let mut vector = Vec::new();
                // SAFETY: AVX2 is present (checked above).
                let done =
                    unsafe { tables.scan(&f.keywords, hay, &mut |k, s, e| vector.push((k, s, e))) };
                f.scan_scalar(hay, done, |k, s, e| vector.push((k, s, e)));
                assert_eq!(vector, scalar, "{:?}", String::from_utf8_lossy(hay));
            }
            let mut dispatched = Vec::new();
            f.for_each_hit(hay, |k, s, e| dispatched.push((k, s, e)));
            assert_eq!(dispatched, scalar);
            scalar.len()
        };
        // Texts of keywords (whole, cut short, one byte changed, mixed
        // case) between letters, punctuation and non-ASCII characters.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let filler: [&[u8]; 8] = [
            b" ",
            b"_",
            b"=\"",
            b"\n",
            b"x",
            "\u{17f}".as_bytes(),
            "é".as_bytes(),
            b"Q",
        ];
        let mut hits = 0;
        for round in 0..600 {
            let mut text = Vec::new();
            let len = if round % 100 == 0 { 3000 } else { next(160) };
            while text.len() < len {
                if next(3) == 0 {
                    text.extend_from_slice(filler[next(filler.len())]);
                    continue;
                }
                let mut k = keywords[next(keywords.len())].as_bytes().to_vec();
                match next(4) {
                    0 => k.truncate(next(k.len()) + 1),
                    1 => {
                        let at = next(k.len());
                        k[at] = b"aZ_-.9 "[next(7)];
                    }
                    _ => {}
                }
                for b in &mut k {
                    if next(2) == 0 {
                        *b = b.to_ascii_uppercase();
                    }
                }
                text.extend_from_slice(&k);
            }
            for skip in 0..text.len().min(33) {
                hits += both(&text[skip..]);
            }
        }
        assert!(hits > 100_000, "{hits}");
    }

    /// The wide tables wait for bulk text: short texts and the first 256
    /// KiB of long ones are scanned without building them.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn wide_tables_are_built_for_bulk_text_only() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let f = KeywordFilter::new(&["token".into(), "sk-ant-".into()]);
        let long = "x = 1; // a token here\n".repeat(wide::MIN_TEXT / 20);
        let mut hits = 0;
        for _ in 0..1000 {
            f.for_each_hit(b"short token", |_, _, _| hits += 1);
        }
        let mut scanned = 0;
        while scanned + long.len() < wide::BULK {
            f.for_each_hit(long.as_bytes(), |_, _, _| hits += 1);
            scanned += long.len();
            assert!(f.wide.get().is_none(), "{scanned}");
        }
        f.for_each_hit(long.as_bytes(), |_, _, _| hits += 1);
        assert!(f.wide.get().is_some());
        assert_eq!(
            hits,
            1000 + (scanned / long.len() + 1) * (wide::MIN_TEXT / 20)
        );
    }
}
