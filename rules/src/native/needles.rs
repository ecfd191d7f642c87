//! Literal multi-word search: every lower-cased word of a rule set's `contains_*` tests found
//! in one pass over a text.

pub(crate) fn hit(bits: &[u64], id: u32) -> bool {
    bits.get(id as usize / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
}

/// Distinct lower-cased words, searched all at once. Each word is keyed by its first
/// `min(len, 3)` bytes; one pass over the text hashes every 3-byte window (and, only if some
/// word has two bytes, every 2-byte window) into a bit set, so only windows that really start
/// a word, or rare hash collisions, are compared. A word is found exactly when
/// `text.contains(word)` (a byte-wise substring test).
#[derive(Default)]
pub(crate) struct NeedleSet {
    needles: Vec<Box<[u8]>>,
    /// `(byte, word id)` of one-byte words.
    singles: Vec<(u8, u32)>,
    /// Words of two bytes, and words of three or more bytes.
    windows: [Window; 2],
}

#[derive(Default)]
struct Window {
    /// Bit `hash(key)` set for every word key of this length; empty when no word has one.
    bits: Vec<u64>,
    /// `(key, word id)`, sorted.
    keys: Vec<(u32, u32)>,
}

const WINDOW_BITS: u32 = 12;

fn window_hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - WINDOW_BITS)) as usize
}

/// Little-endian key of up to four bytes.
fn window_key(bytes: &[u8]) -> u32 {
    bytes.iter().rev().fold(0, |k, &b| (k << 8) | u32::from(b))
}

impl NeedleSet {
    /// The id of `word` (already lower-cased), added if new.
    pub(crate) fn add(&mut self, word: &str) -> u32 {
        let w = word.as_bytes();
        if let Some(i) = self.needles.iter().position(|n| **n == *w) {
            return i as u32;
        }
        let id = self.needles.len() as u32;
        self.needles.push(w.into());
        match w.len() {
            0 => {}
            1 => self.singles.push((w[0], id)),
            n => {
                let len = n.min(3);
                let win = &mut self.windows[len - 2];
                if win.bits.is_empty() {
                    win.bits = vec![0; 1 << (WINDOW_BITS - 6)];
                }
                let key = window_key(&w[..len]);
                let h = window_hash(key);
                win.bits[h / 64] |= 1 << (h % 64);
                let at = win.keys.partition_point(|k| *k < (key, id));
                win.keys.insert(at, (key, id));
            }
        }
        id
    }

    /// Length of a found-word bit set, in `u64`s.
    pub(crate) fn words(&self) -> usize {
        self.needles.len().div_ceil(64)
    }

    /// Sets in `out` the bit of every word found in `hay`.
    pub(crate) fn scan(&self, hay: &[u8], out: &mut [u64]) {
        out.fill(0);
        for &(b, id) in &self.singles {
            if hay.contains(&b) {
                out[id as usize / 64] |= 1 << (id % 64);
            }
        }
        let [two, three] = &self.windows;
        if !two.bits.is_empty() && hay.len() >= 2 {
            // Rolling key of hay[at..at + 2].
            let mut key = u32::from(hay[0]) << 8;
            for (at, &b) in hay[1..].iter().enumerate() {
                key = (key >> 8) | (u32::from(b) << 8);
                self.check(hay, at, key, two, out);
            }
        }
        if !three.bits.is_empty() && hay.len() >= 3 {
            // Rolling key of hay[at..at + 3].
            let mut key = (u32::from(hay[0]) << 8) | (u32::from(hay[1]) << 16);
            for (at, &b) in hay[2..].iter().enumerate() {
                key = (key >> 8) | (u32::from(b) << 16);
                self.check(hay, at, key, three, out);
            }
        }
    }

    #[inline(always)]
    fn check(&self, hay: &[u8], at: usize, key: u32, win: &Window, out: &mut [u64]) {
        let h = window_hash(key);
        if win.bits[h / 64] & (1 << (h % 64)) == 0 {
            return;
        }
        self.verify(hay, at, key, win, out);
    }

    #[inline(never)]
    fn verify(&self, hay: &[u8], at: usize, key: u32, win: &Window, out: &mut [u64]) {
        let from = win.keys.partition_point(|k| k.0 < key);
        for &(k, id) in &win.keys[from..] {
            if k != key {
                break;
            }
            if hay[at..].starts_with(&self.needles[id as usize]) {
                out[id as usize / 64] |= 1 << (id % 64);
            }
        }
    }
}

/// Per-ticket results of [`NeedleSet::scan`] for the lower-cased text, subject and body.
#[derive(Default)]
pub(crate) struct ScanCache {
    bits: [Vec<u64>; 3],
    done: [bool; 3],
}

impl ScanCache {
    /// Forgets the previous ticket's results.
    pub(crate) fn reset(&mut self) {
        self.done = [false; 3];
    }

    /// Found-word bits of lower-cased field `i` (0 text, 1 subject, 2 body), scanned on first use.
    pub(crate) fn hits<'t>(&mut self, needles: &NeedleSet, i: usize, text: impl FnOnce() -> &'t str) -> &[u64] {
        let i = i.min(2);
        if !self.done[i] {
            let bits = &mut self.bits[i];
            bits.resize(needles.words(), 0);
            needles.scan(text().as_bytes(), bits);
            self.done[i] = true;
        }
        &self.bits[i]
    }
}
