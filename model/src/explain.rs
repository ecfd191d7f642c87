//! Why the model predicted what it did: per head, the n-grams of one text that pushed the
//! predicted class's decision value up or down the most.
//!
//! **Contribution** of a feature `j` to class `c` is `x_j * w_jc`: its TF-IDF value (sublinear
//! tf × idf, L2-normalised within its block, exactly as predicted) times the stored (quantised)
//! weight of `c`. The decision value of `c` is `bias_c + Σ_j x_j * w_jc`, so the contributions of
//! all n-grams plus the bias add up to [`Model::decision_function`] of the predicted class (up to
//! float summation order). We explain the predicted class alone, not its margin over the
//! runner-up: the sum then checks against a number the caller can see, and the explanation does
//! not change meaning when the runner-up changes.
//!
//! **What an entry is.** Features are hashed, so the strings are recovered by re-running the text
//! pipeline on this text while recording which token produced each key. Two kinds are reported:
//! a `word` (its unigram feature **plus the char n-grams of that word**, merged for readability;
//! `from_chars` says how much of the word's contribution came from its char n-grams) and a
//! `bigram` (two adjacent tokens). A word that occurs twice is one entry. A char n-gram shared by
//! several words (`"er "` in `printer` and `paper`), or a hash bucket shared by two strings, is
//! split evenly over its occurrences, so the sum stays exact. Placeholders read `<number>`,
//! `<email>`, `<url>`; shape tokens read `#4 digits` and the like.

use std::cell::RefCell;
use std::collections::HashMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::features::{extract_keys_traced, Gram, KeyOrigins};
use crate::model::{Model, PredictScratch};
use crate::numbers::SHAPE_PREFIX;
use crate::text::{PH_EMAIL, PH_NUM, PH_URL};

/// What kind of n-gram an explanation entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NgramKind {
    /// One token: its word unigram feature plus its char n-grams.
    Word,
    /// Two adjacent tokens (word bigram feature).
    Bigram,
}

impl NgramKind {
    /// Name as it appears in JSON (`word`, `bigram`).
    pub fn as_str(&self) -> &'static str {
        match self {
            NgramKind::Word => "word",
            NgramKind::Bigram => "bigram",
        }
    }
}

/// One n-gram of the text and how much it moved the predicted class's decision value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contributor {
    /// The n-gram as the pipeline saw it (lowercased; a bigram is two tokens joined by a space).
    pub ngram: String,
    /// Word (unigram + its char n-grams) or bigram.
    pub kind: NgramKind,
    /// Summed `value × weight` of its features for the predicted class.
    pub contribution: f32,
    /// The part of `contribution` that came from char n-grams (0 for bigrams).
    pub from_chars: f32,
}

/// The explanation of one head's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadExplanation {
    /// Head name.
    pub head: CompactString,
    /// Predicted class (the same as [`Model::predict`]'s).
    pub label: CompactString,
    /// Its calibrated probability.
    pub confidence: f32,
    /// Decision value of `label`: `bias + Σ contributions` of every n-gram.
    pub score: f32,
    /// The class's bias (what an empty text scores).
    pub bias: f32,
    /// Up to `k` n-grams with positive contribution, largest first.
    pub supporting: Vec<Contributor>,
    /// Up to `k` n-grams with negative contribution, most negative first.
    pub opposing: Vec<Contributor>,
    /// Sum of the contributions not listed, so `bias + listed + rest == score`.
    pub rest: f32,
}

/// Per head, in model head order, why the text got its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// One entry per head.
    pub heads: Vec<HeadExplanation>,
}

impl Explanation {
    /// The explanation of head `name`.
    pub fn head(&self, name: &str) -> Option<&HeadExplanation> {
        self.heads.iter().find(|h| h.head == name)
    }
}

/// Which explanation entry each key occurrence belongs to, recorded during extraction.
#[derive(Default)]
struct Origins(Vec<(Gram, u32)>);

impl KeyOrigins for Origins {
    #[inline]
    fn record(&mut self, gram: Gram, token: usize) {
        self.0.push((gram, token as u32));
    }
}

/// Buffers of one thread's explanations (the dense per-column ones are costly to re-zero).
#[derive(Default)]
struct ExplainScratch {
    predict: PredictScratch,
    origins: Origins,
    vec: Vec<(u32, f32)>,
}

thread_local! {
    static EXPLAIN: RefCell<ExplainScratch> = RefCell::new(ExplainScratch::default());
}

/// An entry being summed: its kind, the token(s) it names, and its first position.
struct Entry {
    kind: NgramKind,
    first: u32,
    total: f32,
    chars: f32,
}

impl Model {
    /// Per head: the predicted label and the `k` n-grams that raised (and the `k` that lowered)
    /// its decision value the most. See the [module docs](crate::explain) for the definitions.
    pub fn explain(&self, text: &str, k: usize) -> Explanation {
        EXPLAIN.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.explain_with(text, k, &mut s),
            Err(_) => self.explain_with(text, k, &mut ExplainScratch::default()),
        })
    }

    fn explain_with(&self, text: &str, k: usize, s: &mut ExplainScratch) -> Explanation {
        s.origins.0.clear();
        extract_keys_traced(&self.payload.pipeline, text, &mut s.predict.features, &mut s.origins);
        let mut cols = Vec::with_capacity(s.predict.features.keys().len());
        self.vectorize_keys_traced(&mut s.predict, &mut s.vec, |col| cols.push(col));
        self.weights.scores_into(&s.vec, &mut s.predict.scores);

        // Occurrence -> entry in `vec` (or none: a feature unseen in training), and counts per
        // entry. The dense tf buffer (all zero again, its lines still cached from vectorising)
        // holds `1 + position in vec` meanwhile.
        let slot = &mut s.predict.tf;
        for (i, &(col, _)) in s.vec.iter().enumerate() {
            if let Some(v) = slot.get_mut(col as usize) {
                *v = i as u32 + 1;
            }
        }
        let mut count = vec![0u32; s.vec.len()];
        let occ: Vec<Option<u32>> = cols
            .iter()
            .map(|&col| {
                let at = slot.get(col? as usize).copied().filter(|&i| i != 0)? - 1;
                count[at as usize] += 1;
                Some(at)
            })
            .collect();
        for &(col, _) in &s.vec {
            if let Some(v) = slot.get_mut(col as usize) {
                *v = 0;
            }
        }

        // The label exactly as `predict` picks it (same tie-break), and its class index.
        let predicted: Vec<_> = (0..self.payload.heads.len())
            .map(|h| {
                let prediction = self.head_prediction(h, &mut s.predict, 1);
                (prediction, s.predict.order.first().copied().unwrap_or(0) as usize)
            })
            .collect();
        let tokens: Vec<&str> = s.predict.features.tokens().iter().collect();
        let (entries, occ_entry) = entries_of(&tokens, &s.origins.0);

        let mut heads = Vec::with_capacity(predicted.len());
        for (h, (prediction, class)) in predicted.into_iter().enumerate() {
            let at = self.weights.offset(h) + class;
            let score = s.predict.scores.get(at).copied().unwrap_or_default();
            let contrib: Vec<f32> = s.vec.iter().map(|&(col, val)| val * self.weights.weight(h, col, class)).collect();
            let mut totals: Vec<Entry> = entries.iter().map(|e| Entry { total: 0.0, chars: 0.0, ..*e }).collect();
            for ((at, &entry), &(gram, _)) in occ.iter().zip(&occ_entry).zip(&s.origins.0) {
                let Some(at) = *at else { continue };
                let share = contrib[at as usize] / count[at as usize] as f32;
                let e = &mut totals[entry as usize];
                e.total += share;
                if gram == Gram::Chars {
                    e.chars += share;
                }
            }
            let all: f32 = totals.iter().map(|e| e.total).sum();
            let supporting = top(&totals, &tokens, k, |e| e.total > 0.0, |a, b| b.total.total_cmp(&a.total));
            let opposing = top(&totals, &tokens, k, |e| e.total < 0.0, |a, b| a.total.total_cmp(&b.total));
            let listed: f32 = supporting.iter().chain(&opposing).map(|c| c.contribution).sum();
            heads.push(HeadExplanation {
                head: prediction.head,
                label: prediction.label,
                confidence: prediction.confidence,
                score,
                bias: self.weights.bias(h, class),
                supporting,
                opposing,
                rest: all - listed,
            });
        }
        Explanation { heads }
    }
}

/// The entries of a text (one per distinct token, one per distinct adjacent pair) and, for
/// every key occurrence, the entry it adds to.
fn entries_of(tokens: &[&str], origins: &[(Gram, u32)]) -> (Vec<Entry>, Vec<u32>) {
    let mut entries = Vec::new();
    let mut word_of: HashMap<&str, u32> = HashMap::with_capacity(tokens.len());
    let word_entry: Vec<u32> = tokens
        .iter()
        .enumerate()
        .map(|(i, tok)| {
            *word_of.entry(tok).or_insert_with(|| {
                entries.push(Entry { kind: NgramKind::Word, first: i as u32, total: 0.0, chars: 0.0 });
                entries.len() as u32 - 1
            })
        })
        .collect();
    let mut pair_of: HashMap<(u32, u32), u32> = HashMap::with_capacity(tokens.len());
    let mut pair_entry = vec![u32::MAX; tokens.len()];
    for i in 1..tokens.len() {
        pair_entry[i] = *pair_of.entry((word_entry[i - 1], word_entry[i])).or_insert_with(|| {
            entries.push(Entry { kind: NgramKind::Bigram, first: i as u32 - 1, total: 0.0, chars: 0.0 });
            entries.len() as u32 - 1
        });
    }
    let occ_entry = origins
        .iter()
        .map(|&(gram, t)| match gram {
            Gram::Word | Gram::Chars => word_entry.get(t as usize).copied().unwrap_or(0),
            Gram::Bigram => pair_entry.get(t as usize).copied().unwrap_or(0),
        })
        .collect();
    (entries, occ_entry)
}

/// The `k` entries passing `keep`, ordered by `by`; ties go to the earlier position in the text,
/// then words before bigrams, so the order is deterministic.
fn top(
    entries: &[Entry],
    tokens: &[&str],
    k: usize,
    keep: impl Fn(&Entry) -> bool,
    by: impl Fn(&Entry, &Entry) -> std::cmp::Ordering,
) -> Vec<Contributor> {
    let mut picked: Vec<&Entry> = entries.iter().filter(|e| keep(e)).collect();
    picked.sort_by(|a, b| by(a, b).then(a.first.cmp(&b.first)).then(a.kind.cmp(&b.kind)));
    picked.truncate(k);
    picked
        .into_iter()
        .map(|e| Contributor { ngram: ngram_text(e, tokens), kind: e.kind, contribution: e.total, from_chars: e.chars })
        .collect()
}

fn ngram_text(e: &Entry, tokens: &[&str]) -> String {
    let at = e.first as usize;
    let tok = |i: usize| tokens.get(i).map_or_else(String::new, |t| readable(t));
    match e.kind {
        NgramKind::Word => tok(at),
        NgramKind::Bigram => format!("{} {}", tok(at), tok(at + 1)),
    }
}

/// A token as a person reads it: placeholders and shape tokens named, not private-use chars.
fn readable(tok: &str) -> String {
    match tok {
        PH_NUM => "<number>".into(),
        PH_EMAIL => "<email>".into(),
        PH_URL => "<url>".into(),
        _ => match tok.strip_prefix(SHAPE_PREFIX) {
            Some(shape) => format!("#{shape}"),
            None => tok.to_string(),
        },
    }
}
