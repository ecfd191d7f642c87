//! The model: shared feature pipeline + quantised linear heads, prediction and persistence.

use std::cell::RefCell;
use std::path::Path;

use rayon::prelude::*;
use compact_str::CompactString;
use serde::Serialize;

use crate::calibrate::softmax_into;
use crate::error::{FormatError, ModelError};
use crate::features::{extract_keys, sublinear_tf, PipelineConfig, Scratch};
use crate::format;
use crate::payload_codec::encode_payload;
use crate::fused::FusedWeights;
use crate::remap::RemapTable;

pub use crate::metadata::{HeadMetrics, ModelMetadata};
pub(crate) use crate::payload_codec::Payload;

/// A trained, immutable model (`Send + Sync`; share it behind an `Arc`).
#[derive(Debug, Clone)]
pub struct Model {
    /// Everything but the weight rows and scales, which live in `weights` while loaded.
    pub(crate) payload: Payload,
    weights: FusedWeights,
    table: RemapTable,
    /// Columns below this index belong to the word block (keys are sorted by block).
    n_word_cols: u32,
    version: String,
}

/// The prediction of one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadPrediction {
    /// Head name.
    pub head: CompactString,
    /// Most probable class (inline up to 24 bytes, so most predictions allocate no strings).
    pub label: CompactString,
    /// Calibrated probability of `label`.
    pub confidence: f32,
    /// Top-k classes with probabilities, best first.
    pub top: Vec<(CompactString, f32)>,
}

/// Predictions of all heads for one text, in model head order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// One entry per head.
    pub heads: Vec<HeadPrediction>,
}

impl Prediction {
    /// The prediction of head `name`.
    pub fn head(&self, name: &str) -> Option<&HeadPrediction> {
        self.heads.iter().find(|h| h.head == name)
    }

    /// Position of the model's [primary head](Model::primary_head) in `heads`.
    pub fn primary_index(&self) -> Option<usize> {
        primary_position(self.heads.iter().map(|h| h.head.as_str()))
    }

    /// The prediction of the model's [primary head](Model::primary_head).
    pub fn primary_head(&self) -> Option<&HeadPrediction> {
        self.primary_index().and_then(|i| self.heads.get(i))
    }
}

/// The head name [`Model::primary_head`] prefers, and the name bindings give a single label
/// column passed without a head name.
pub const PRIMARY_HEAD: &str = "category";

/// Where the primary head is among `names`: the one named [`PRIMARY_HEAD`], else the first.
pub(crate) fn primary_position<'a>(names: impl Iterator<Item = &'a str>) -> Option<usize> {
    let mut any = false;
    for (i, name) in names.enumerate() {
        if name == PRIMARY_HEAD {
            return Some(i);
        }
        any = true;
    }
    any.then_some(0)
}

/// Per-thread buffers reused across predictions.
#[derive(Default)]
struct PredictScratch {
    features: Scratch,
    vec: Vec<(u32, f32)>,
    scores: Vec<f32>,
    probs: Vec<f32>,
    order: Vec<u32>,
    /// Dense term-frequency accumulator indexed by column; all zero between calls.
    tf: Vec<u32>,
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<PredictScratch> = RefCell::new(PredictScratch::default());
}

impl Model {
    pub(crate) fn from_payload(payload: Payload) -> Result<Model, ModelError> {
        validate(&payload)?;
        let bytes = encode_payload(&payload).map_err(|e| FormatError::Corrupt(e.to_string()))?;
        Ok(Model::assemble(payload, &bytes))
    }

    fn assemble(mut payload: Payload, payload_bytes: &[u8]) -> Model {
        let weights = FusedWeights::take_from(&mut payload.heads, payload.keys.len());
        let table = RemapTable::new(&payload.keys);
        let version = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(payload_bytes));
        let word_limit = 1u32 << payload.pipeline.hash_bits;
        let n_word_cols = payload.keys.partition_point(|&k| k < word_limit) as u32;
        Model { payload, weights, table, n_word_cols, version }
    }

    /// Head names, in model order.
    pub fn heads(&self) -> Vec<&str> {
        self.payload.heads.iter().map(|h| h.name.as_str()).collect()
    }

    /// The head a caller means when it names none (decision confidence, `predict_proba` without
    /// a head, a plain list of labels to evaluate): the head named [`PRIMARY_HEAD`] if the model
    /// has one, else the first head in the model file's order. Every model has a head.
    pub fn primary_head(&self) -> &str {
        let names = || self.payload.heads.iter().map(|h| h.name.as_str());
        primary_position(names()).and_then(|i| names().nth(i)).unwrap_or_default()
    }

    /// Classes of a head, in the order of probability vectors.
    pub fn classes(&self, head: &str) -> Option<&[String]> {
        self.payload.heads.iter().find(|h| h.name == head).map(|h| h.classes.as_slice())
    }

    /// Stable identifier: hex xxh3 hash of the payload.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Training provenance and metrics.
    pub fn metadata(&self) -> &ModelMetadata {
        &self.payload.metadata
    }

    /// The text pipeline settings.
    pub fn pipeline(&self) -> &PipelineConfig {
        &self.payload.pipeline
    }

    fn head_index(&self, head: &str) -> Result<usize, ModelError> {
        self.payload.heads.iter().position(|h| h.name == head).ok_or_else(|| ModelError::UnknownHead(head.to_string()))
    }

    /// Raw decision values of one head, in `classes()` order.
    pub fn decision_function(&self, head: &str, text: &str) -> Result<Vec<f32>, ModelError> {
        let h = self.head_index(head)?;
        Ok(self.with_vector(text, |m, v, s| m.head_scores(h, v, s).to_vec()))
    }

    /// Calibrated probabilities of one head, in `classes()` order.
    pub fn predict_proba(&self, head: &str, text: &str) -> Result<Vec<f32>, ModelError> {
        let h = self.head_index(head)?;
        let t = self.payload.heads[h].temperature;
        Ok(self.with_vector(text, |m, v, s| {
            let scores = m.head_scores(h, v, s);
            let mut p = vec![0f32; scores.len()];
            softmax_into(scores, t, &mut p);
            p
        }))
    }

    /// Predict every head for one text (features computed once), top `k` classes each.
    pub fn predict(&self, text: &str, k: usize) -> Prediction {
        self.with_vector(text, |m, v, s| {
            m.weights.scores_into(v, &mut s.scores);
            Prediction { heads: (0..m.payload.heads.len()).map(|h| m.head_prediction(h, s, k)).collect() }
        })
    }

    /// [`Model::predict`] over many texts in parallel; results in input order.
    pub fn predict_batch(&self, texts: &[&str], k: usize) -> Vec<Prediction> {
        crate::parallel::install(|| texts.par_iter().with_min_len(64).map(|t| self.predict(t, k)).collect())
    }

    /// Run `f` with the sparse vector of `text`, using this thread's scratch buffers.
    fn with_vector<R>(&self, text: &str, f: impl FnOnce(&Model, &[(u32, f32)], &mut PredictScratch) -> R) -> R {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => {
                let s = &mut *s;
                extract_keys(&self.payload.pipeline, text, &mut s.features);
                let mut vec = std::mem::take(&mut s.vec);
                self.vectorize_keys(s, &mut vec);
                let r = f(self, &vec, s);
                s.vec = vec;
                r
            }
            // Re-entrant call (cannot happen today): use fresh buffers rather than panic.
            Err(_) => {
                let mut s = PredictScratch::default();
                extract_keys(&self.payload.pipeline, text, &mut s.features);
                let mut vec = Vec::new();
                self.vectorize_keys(&mut s, &mut vec);
                f(self, &vec, &mut s)
            }
        })
    }

    /// Serving-path TF-IDF: count the (unsorted) keys straight into a dense per-column
    /// accumulator instead of sorting them; equal to [`vectorize_with`] up to float
    /// summation order.
    fn vectorize_keys(&self, s: &mut PredictScratch, out: &mut Vec<(u32, f32)>) {
        let keys = s.features.keys();
        let d = self.payload.keys.len();
        if s.tf.len() < d {
            s.tf.resize(d, 0);
        }
        for &k in keys {
            self.table.prefetch(k);
        }
        s.touched.clear();
        for &k in keys {
            if let Some(col) = self.table.get(k) {
                let t = &mut s.tf[col as usize];
                if *t == 0 {
                    s.touched.push(col);
                }
                *t += 1;
            }
        }
        out.clear();
        // Two running sums in registers; indexing a `[f32; 2]` by block made every add wait
        // for the previous one through memory.
        let (mut word_n2, mut char_n2) = (0f32, 0f32);
        for &col in &s.touched {
            let c = col as usize;
            let v = sublinear_tf(s.tf[c]) * self.payload.idf[c];
            s.tf[c] = 0;
            let is_char = f32::from(u8::from(col >= self.n_word_cols));
            char_n2 += v * v * is_char;
            word_n2 += v * v * (1.0 - is_char);
            out.push((col, v));
        }
        let inv = [word_n2, char_n2].map(|n2| if n2 > 0.0 { 1.0 / n2.sqrt() } else { 0.0 });
        for e in out.iter_mut() {
            e.1 *= inv[usize::from(e.0 >= self.n_word_cols)];
        }
    }

    /// Decision values of head `h` alone (all heads are scored; they share every row fetch).
    fn head_scores<'s>(&self, h: usize, vec: &[(u32, f32)], s: &'s mut PredictScratch) -> &'s [f32] {
        self.weights.scores_into(vec, &mut s.scores);
        let at = self.weights.offset(h);
        let k = self.payload.heads.get(h).map_or(0, |head| head.classes.len());
        s.scores.get(at..at + k).unwrap_or_default()
    }

    /// Top-`k` of head `h` from the scores of all heads already in `s.scores`.
    fn head_prediction(&self, h: usize, s: &mut PredictScratch, k: usize) -> HeadPrediction {
        let head = &self.payload.heads[h];
        let at = self.weights.offset(h);
        let scores = s.scores.get(at..at + head.classes.len()).unwrap_or_default();
        s.probs.clear();
        s.probs.resize(scores.len(), 0.0);
        softmax_into(scores, head.temperature, &mut s.probs);
        let probs = &s.probs;
        let n = probs.len();
        let k = k.max(1).min(n);
        s.order.clear();
        let by_prob = |a: &u32, b: &u32| probs[*b as usize].total_cmp(&probs[*a as usize]).then(a.cmp(b));
        if k <= 16 {
            // The usual top 1-5: one pass keeping a short sorted list beats select + sort.
            for c in 0..n as u32 {
                if s.order.len() == k && s.order.last().is_some_and(|last| by_prob(&c, last).is_gt()) {
                    continue;
                }
                let pos = s.order.partition_point(|o| by_prob(o, &c).is_lt());
                if pos < k {
                    if s.order.len() == k {
                        s.order.pop();
                    }
                    s.order.insert(pos, c);
                }
            }
        } else {
            s.order.extend(0..n as u32);
            if k < n {
                s.order.select_nth_unstable_by(k - 1, by_prob);
                s.order.truncate(k);
            }
            s.order.sort_unstable_by(by_prob);
        }
        let top: Vec<(CompactString, f32)> =
            s.order.iter().map(|&c| (CompactString::new(&head.classes[c as usize]), probs[c as usize])).collect();
        let (label, confidence) = top.first().cloned().unwrap_or_default();
        HeadPrediction { head: CompactString::new(&head.name), label, confidence, top }
    }

    /// Serialise to the versioned file format.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain structs into a Vec cannot fail; an empty payload would be rejected on load.
        let mut payload = self.payload.clone();
        self.weights.restore_into(&mut payload.heads);
        let payload = encode_payload(&payload).unwrap_or_default();
        format::encode(&payload)
    }

    /// Write the model file (via a temporary file + rename, so readers never see half a file).
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let bytes = self.to_bytes();
        let tmp = path.with_extension("tkm.tmp");
        std::fs::write(&tmp, &bytes).map_err(|e| ModelError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| ModelError::io(path, e))
    }

    /// Parse a model from bytes (header, checksum and consistency checked; never panics).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let payload_bytes = format::decode(bytes)?;
        let (payload, canonical) = crate::payload_codec::decode_payload(payload_bytes)?;
        validate(&payload)?;
        Ok(Model::assemble(payload, &canonical))
    }

    /// Load a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let bytes = format::read_file(path)?;
        Model::from_bytes(&bytes)
    }
}

/// TF-IDF vector of extracted counts, shared by training and serving.
pub(crate) fn vectorize_with(
    cfg: &PipelineConfig,
    table: &RemapTable,
    idf: &[f32],
    counts: &[(u32, u32)],
    out: &mut Vec<(u32, f32)>,
) {
    out.clear();
    let mut norms = [0f32; 2];
    let mut split = 0;
    for &(key, tf) in counts {
        if let Some(col) = table.get(key) {
            let v = sublinear_tf(tf) * idf[col as usize];
            let b = cfg.block_of(key);
            norms[b] += v * v;
            if b == 0 {
                split += 1;
            }
            out.push((col, v));
        }
    }
    // Counts are sorted by key and word keys sort before char keys, so the word block is a prefix.
    for (range, n2) in [(0..split, norms[0]), (split..out.len(), norms[1])] {
        if n2 > 0.0 {
            let inv = 1.0 / n2.sqrt();
            for e in &mut out[range] {
                e.1 *= inv;
            }
        }
    }
}

fn corrupt(msg: impl Into<String>) -> ModelError {
    ModelError::Format(FormatError::Corrupt(msg.into()))
}

/// Consistency checks so that prediction can index without bounds surprises.
fn validate(p: &Payload) -> Result<(), ModelError> {
    p.pipeline.validate().map_err(corrupt)?;
    let d = p.keys.len();
    let key_limit = 2u64 << p.pipeline.hash_bits;
    if !p.keys.windows(2).all(|w| w[0] < w[1]) || p.keys.last().is_some_and(|&k| k as u64 >= key_limit) {
        return Err(corrupt("feature keys not sorted or out of range"));
    }
    if p.idf.len() != d || !p.idf.iter().all(|v| v.is_finite()) {
        return Err(corrupt("idf table does not match the feature count"));
    }
    if p.heads.is_empty() {
        return Err(corrupt("model has no heads"));
    }
    for h in &p.heads {
        let k = h.classes.len();
        if k == 0 {
            return Err(corrupt(format!("head {:?} has no classes", h.name)));
        }
        let stride = h.stride as usize;
        #[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; MSRV is 1.85
        let misaligned = stride % 16 != 0;
        if stride < k || misaligned || d.checked_mul(stride) != Some(h.q.len()) || h.scales.len() != d || h.bias.len() != k {
            return Err(corrupt(format!("head {:?} weight sizes do not match", h.name)));
        }
        let finite = h.temperature.is_finite() && h.temperature > 0.0 && h.scales.iter().chain(&h.bias).all(|v| v.is_finite());
        if !finite {
            return Err(corrupt(format!("head {:?} has non-finite parameters", h.name)));
        }
    }
    Ok(())
}
