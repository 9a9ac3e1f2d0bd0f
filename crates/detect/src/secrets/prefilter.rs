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

fn slot(trigram: u32) -> usize {
    (trigram.wrapping_mul(0x9E37_79B1) >> 16) as usize
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
            let t = k[0] as u32 | (k[1] as u32) << 8 | (k[2] as u32) << 16;
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
        let mut first = vec![0u16; BUCKETS + 1];
        for &(h, _, _) in &entries {
            first[(h >> BUCKET_SHIFT) + 1] += 1;
        }
        for i in 0..BUCKETS {
            first[i + 1] += first[i];
        }
        KeywordFilter {
            bits,
            bits4,
            short,
            first,
            entries: entries.into_iter().map(|(_, t, k)| (t, k)).collect(),
            keywords,
        }
    }

    /// Calls `hit(keyword index, start, end)` for every occurrence.
    pub(crate) fn for_each_hit(&self, hay: &[u8], mut hit: impl FnMut(usize, usize, usize)) {
        let mut start = 0;
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
            let end = start + kw.len();
            if end <= hay.len()
                && hay[start + 3..end]
                    .iter()
                    .zip(&kw[3..])
                    .all(|(a, b)| LOWER[*a as usize] == *b)
            {
                hit(k as usize, start, end);
            }
        }
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
}
