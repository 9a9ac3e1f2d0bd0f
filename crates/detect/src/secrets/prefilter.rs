//! Keyword prefilter: finds every occurrence of every keyword (ASCII
//! case-insensitive, overlapping) without a state machine.
//!
//! A rolling hash of the last three bytes is tested against a 64 Kbit table
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
            let t = (k[0] as u32) << 16 | (k[1] as u32) << 8 | k[2] as u32;
            let h = slot(t);
            bits[h >> 6] |= 1 << (h & 63);
            if k.len() == 3 {
                short[h >> 6] |= 1 << (h & 63);
            } else {
                let h4 = slot(t << 8 | k[3] as u32);
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
        let n = hay.len();
        if n < 3 {
            return;
        }
        let bits: &[u64; BITS / 64] = &self.bits;
        let mut t = (LOWER[hay[0] as usize] as u32) << 8 | LOWER[hay[1] as usize] as u32;
        for (i, &b) in hay.iter().enumerate().skip(2) {
            t = ((t << 8) | LOWER[b as usize] as u32) & 0xFF_FFFF;
            let h = slot(t);
            if bits[h >> 6] & (1 << (h & 63)) != 0 && self.may_start(hay, i, t, h) {
                self.verify(hay, i - 2, t, h, &mut hit);
            }
        }
    }

    /// Can a keyword start with trigram `t` (slot `h`) ending at `i`?
    #[inline(always)]
    fn may_start(&self, hay: &[u8], i: usize, t: u32, h: usize) -> bool {
        let Some(&next) = hay.get(i + 1) else {
            return true;
        };
        let h4 = slot(t << 8 | LOWER[next as usize] as u32);
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
