//! Hashed n-gram features: word 1..=n-grams and char n-grams inside word boundaries.
//!
//! A document becomes a sorted list of `(key, term frequency)`; a key is an xxh3 bucket in
//! `[0, 2^bits)` for word n-grams and `2^bits + bucket` for char n-grams, so the two blocks
//! stay apart (each is L2-normalised on its own later).

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::numbers::NumberMode;
use crate::text::{is_placeholder, tokenize, Numbers, Tokens};

const SEED_WORD: u64 = 0x7472_6961_6765_0001;
const SEED_BIGRAM: u64 = 0x7472_6961_6765_0002;
const SEED_CHAR: u64 = 0x7472_6961_6765_0003;

/// The text-to-features definition, stored in the model so serving matches training.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineConfig {
    /// Texts are cut to this many characters before anything else.
    pub max_text_chars: u64,
    /// Buckets per block are `2^hash_bits`.
    pub hash_bits: u32,
    /// Largest word n-gram (1 or 2).
    pub word_ngram_max: u32,
    /// Smallest char n-gram (0 disables char n-grams).
    pub char_ngram_min: u32,
    /// Largest char n-gram.
    pub char_ngram_max: u32,
    /// Fold all-digit tokens into one placeholder (in `numbers = fold` mode only).
    pub fold_numbers: bool,
    /// Number and code handling.
    pub numbers: NumberMode,
    /// Weight of the char n-gram block against the word block (each is L2-normalised first):
    /// above 1 suits short texts where spelling variants carry the class, below 1 long ones.
    pub char_weight: f32,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            max_text_chars: 20_000,
            hash_bits: 20,
            word_ngram_max: 2,
            char_ngram_min: 2,
            char_ngram_max: 5,
            fold_numbers: true,
            numbers: NumberMode::KeepWithShape,
            char_weight: 1.0,
        }
    }
}

impl PipelineConfig {
    /// Check the settings are usable (also run on configs read from files).
    pub fn validate(&self) -> Result<(), String> {
        if !(8..=24).contains(&self.hash_bits) {
            return Err(format!("hash_bits must be in 8..=24, got {}", self.hash_bits));
        }
        if !(1..=2).contains(&self.word_ngram_max) {
            return Err(format!("word_ngram_max must be 1 or 2, got {}", self.word_ngram_max));
        }
        if self.char_ngram_min > self.char_ngram_max || self.char_ngram_max > 8 {
            return Err("char n-gram range must satisfy min <= max <= 8".into());
        }
        if !(self.char_weight.is_finite() && self.char_weight > 0.0) {
            return Err(format!("char_weight must be a finite number > 0, got {}", self.char_weight));
        }
        Ok(())
    }

    /// Which block (0 = words, 1 = chars) a key belongs to.
    #[inline]
    pub fn block_of(&self, key: u32) -> usize {
        (key >> self.hash_bits) as usize & 1
    }
}

/// Per-thread scratch buffers so extracting features allocates nothing in steady state.
#[derive(Default, Debug)]
pub struct Scratch {
    tokens: Tokens,
    keys: Vec<u32>,
    pad: String,
    offsets: Vec<usize>,
    /// Output of [`extract`]: sorted `(key, tf)`.
    pub counts: Vec<(u32, u32)>,
}

impl Scratch {
    /// Keys produced by the last [`extract_keys`] (unsorted, with repeats).
    pub fn keys(&self) -> &[u32] {
        &self.keys
    }

    /// Tokens of the last extraction, in text order.
    pub(crate) fn tokens(&self) -> &Tokens {
        &self.tokens
    }
}

/// Tokenise `text` and fill `scratch.counts` with sorted, de-duplicated `(key, tf)` pairs.
pub fn extract(cfg: &PipelineConfig, text: &str, scratch: &mut Scratch) {
    extract_keys(cfg, text, scratch);
    let keys = &mut scratch.keys;
    keys.sort_unstable();
    let counts = &mut scratch.counts;
    counts.clear();
    for &k in keys.iter() {
        match counts.last_mut() {
            Some((last, c)) if *last == k => *c += 1,
            _ => counts.push((k, 1)),
        }
    }
}

/// Which n-gram of a token a key came from (reported by [`extract_keys_traced`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gram {
    /// The token's word unigram.
    Word,
    /// The bigram ending at the token.
    Bigram,
    /// One of the token's char n-grams.
    Chars,
}

/// Told the origin of every key [`extract_keys_traced`] pushes, right after it is pushed.
pub(crate) trait KeyOrigins {
    /// The last key came from `gram` of token number `token`.
    fn record(&mut self, gram: Gram, token: usize);
}

/// The serving path records nothing; this compiles away.
impl KeyOrigins for () {
    #[inline(always)]
    fn record(&mut self, _: Gram, _: usize) {}
}

/// Tokenise `text` and fill the scratch key list, one entry per n-gram occurrence (unsorted).
pub fn extract_keys(cfg: &PipelineConfig, text: &str, scratch: &mut Scratch) {
    extract_keys_traced(cfg, text, scratch, &mut ());
}

/// [`extract_keys`], telling `origins` which token produced each key (for explanations);
/// generic so the serving path's copy has no recording in it.
#[inline(always)]
pub(crate) fn extract_keys_traced<O: KeyOrigins>(cfg: &PipelineConfig, text: &str, scratch: &mut Scratch, origins: &mut O) {
    let max_chars = usize::try_from(cfg.max_text_chars).unwrap_or(usize::MAX);
    let numbers = Numbers { mode: cfg.numbers, fold_digits: cfg.fold_numbers };
    tokenize(text, max_chars, numbers, &mut scratch.tokens);
    let mask = (1u32 << cfg.hash_bits) - 1;
    let char_block = 1u32 << cfg.hash_bits;
    let keys = &mut scratch.keys;
    keys.clear();
    let mut prev: Option<u64> = None;
    for (i, tok) in scratch.tokens.iter().enumerate() {
        let h = xxh3_64_with_seed(tok.as_bytes(), SEED_WORD);
        keys.push(h as u32 & mask);
        origins.record(Gram::Word, i);
        if cfg.word_ngram_max >= 2 {
            if let Some(p) = prev {
                let mut pair = [0u8; 16];
                pair[..8].copy_from_slice(&p.to_le_bytes());
                pair[8..].copy_from_slice(&h.to_le_bytes());
                keys.push(xxh3_64_with_seed(&pair, SEED_BIGRAM) as u32 & mask);
                origins.record(Gram::Bigram, i);
            }
        }
        prev = Some(h);
        if cfg.char_ngram_min == 0 || is_placeholder(tok) {
            continue;
        }
        // sklearn's char_wb: pad the word with one space each side, slide windows over chars;
        // a word shorter than n yields itself once and stops longer n-grams.
        let pad = &mut scratch.pad;
        pad.clear();
        pad.push(' ');
        pad.push_str(tok);
        pad.push(' ');
        let offsets = &mut scratch.offsets;
        offsets.clear();
        offsets.extend(pad.char_indices().map(|(i, _)| i));
        offsets.push(pad.len());
        let nchars = offsets.len() - 1;
        for n in cfg.char_ngram_min as usize..=cfg.char_ngram_max as usize {
            if nchars <= n {
                let h = xxh3_64_with_seed(pad.as_bytes(), SEED_CHAR);
                keys.push(char_block | (h as u32 & mask));
                origins.record(Gram::Chars, i);
                break;
            }
            for s in 0..=nchars - n {
                let h = xxh3_64_with_seed(&pad.as_bytes()[offsets[s]..offsets[s + n]], SEED_CHAR);
                keys.push(char_block | (h as u32 & mask));
                origins.record(Gram::Chars, i);
            }
        }
    }
}

/// `1 + ln(tf)` for small tf, computed once: nearly every count in a ticket is 1-3 and a
/// libm `logf` call per feature is a visible share of a prediction.
static SUBLINEAR_LUT: std::sync::LazyLock<[f32; 32]> = std::sync::LazyLock::new(|| {
    let mut t = [0f32; 32];
    for (i, v) in t.iter_mut().enumerate().skip(1) {
        *v = 1.0 + (i as f32).ln();
    }
    t
});

/// Sublinear term frequency, as sklearn's `sublinear_tf=True`.
#[inline]
pub fn sublinear_tf(tf: u32) -> f32 {
    match SUBLINEAR_LUT.get(tf as usize) {
        Some(&v) if tf > 0 => v,
        _ => 1.0 + (tf as f32).ln(),
    }
}

/// Smooth IDF, as sklearn's `smooth_idf=True`.
pub fn smooth_idf(n_docs: usize, df: u32) -> f32 {
    (((1 + n_docs) as f64 / (1 + df as u64) as f64).ln() + 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_sorted_and_unique() {
        let cfg = PipelineConfig::default();
        let mut s = Scratch::default();
        extract(&cfg, "card card declined declined card", &mut s);
        assert!(s.counts.windows(2).all(|w| w[0].0 < w[1].0));
        let total: u32 = s.counts.iter().map(|c| c.1).sum();
        assert!(total > 5);
    }

    #[test]
    fn short_word_char_ngrams() {
        let cfg = PipelineConfig { word_ngram_max: 1, ..Default::default() };
        let mut s = Scratch::default();
        // " a " has 3 chars: 2-grams " a","a " then the 3-gram " a " once, then stop.
        extract(&cfg, "a", &mut s);
        let n: u32 = s.counts.iter().map(|c| c.1).sum();
        assert_eq!(n, 1 + 2 + 1);
    }
}
