//! The training matrix: every text's hashed counts, the vocabulary and idf they give, and the
//! TF-IDF rows, built in one CSR buffer.
//!
//! Counts go straight into the CSR arrays (key as index, tf as value) and are turned into
//! columns and TF-IDF values in place, so the data is held once. Keeping per-document lists,
//! then TF-IDF lists, then the CSR copy held it three times: on it-tickets (38k long texts)
//! that was most of a 576 MB peak.

use rayon::prelude::*;

use crate::features::{extract, smooth_idf, sublinear_tf, PipelineConfig, Scratch};
use crate::file_payload::round_bf16;
use crate::sparse::CsrMatrix;

/// What featurising the training texts gives.
pub(crate) struct TrainMatrix {
    /// Sorted feature keys seen in training; column = position.
    pub keys: Vec<u32>,
    /// Smooth idf per column, rounded as the model file stores it.
    pub idf: Vec<f32>,
    /// One TF-IDF row per text (each block L2-normalised, the char block times its weight).
    pub matrix: CsrMatrix,
}

/// Texts featurised per parallel step: bounds the per-step copies to a few MB.
const CHUNK: usize = 2048;

/// Featurise `texts` with `pipeline`.
pub(crate) fn build(pipeline: &PipelineConfig, texts: &[String]) -> TrainMatrix {
    let mut m = CsrMatrix { indptr: vec![0], indices: Vec::new(), values: Vec::new(), n_cols: 0 };
    for chunk in texts.chunks(CHUNK) {
        let counts: Vec<Vec<(u32, u32)>> = chunk
            .par_iter()
            .map_init(Scratch::default, |s, t| {
                extract(pipeline, t, s);
                s.counts.clone()
            })
            .collect();
        for doc in counts {
            m.indices.extend(doc.iter().map(|&(k, _)| k));
            m.values.extend(doc.iter().map(|&(_, tf)| tf as f32));
            m.indptr.push(m.indices.len());
        }
    }
    m.indices.shrink_to_fit();
    m.values.shrink_to_fit();
    let (keys, df, column_of) = vocabulary(&m.indices, pipeline.hash_bits);
    let idf: Vec<f32> = df.iter().map(|&d| round_bf16(smooth_idf(texts.len(), d))).collect();
    let word_cols = keys.partition_point(|&k| k < (1u32 << pipeline.hash_bits)) as u32;
    // Columns follow key order, so rows stay sorted and the word block stays a prefix.
    let n_rows = m.indptr.len() - 1;
    let bounds: Vec<(usize, usize)> = (0..n_rows).map(|i| (m.indptr[i], m.indptr[i + 1])).collect();
    let mut rows: Vec<(&mut [u32], &mut [f32])> = Vec::with_capacity(n_rows);
    let (mut idx_rest, mut val_rest) = (m.indices.as_mut_slice(), m.values.as_mut_slice());
    for &(s, e) in &bounds {
        let (a, b) = std::mem::take(&mut idx_rest).split_at_mut(e - s);
        let (c, d) = std::mem::take(&mut val_rest).split_at_mut(e - s);
        rows.push((a, c));
        idx_rest = b;
        val_rest = d;
    }
    rows.par_iter_mut().for_each(|(cols, vals)| {
        let mut norms = [0f32; 2];
        for (c, v) in cols.iter_mut().zip(vals.iter_mut()) {
            let col = column_of.get(*c as usize).copied().unwrap_or(0);
            *c = col;
            *v = sublinear_tf(*v as u32) * idf[col as usize];
            norms[usize::from(col >= word_cols)] += *v * *v;
        }
        let inv = [(norms[0], 1.0), (norms[1], pipeline.char_weight)].map(|(n2, w)| if n2 > 0.0 { w / n2.sqrt() } else { 0.0 });
        for (c, v) in cols.iter().zip(vals.iter_mut()) {
            *v *= inv[usize::from(*c >= word_cols)];
        }
    });
    m.n_cols = keys.len();
    TrainMatrix { keys, idf, matrix: m }
}

/// Distinct keys (sorted), how many rows hold each (a row holds a key at most once), and a
/// dense key -> column map. Dense arrays over the key space (8 MB at the default 20 bits)
/// beat sorting every stored key, in time and in memory.
fn vocabulary(keys_of_rows: &[u32], hash_bits: u32) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let space = 2usize << hash_bits;
    let mut counts = vec![0u32; space];
    for &k in keys_of_rows {
        if let Some(d) = counts.get_mut(k as usize) {
            *d += 1;
        }
    }
    let keys: Vec<u32> = (0..space as u32).filter(|&k| counts[k as usize] > 0).collect();
    let df = keys.iter().map(|&k| counts[k as usize]).collect();
    for (col, &k) in keys.iter().enumerate() {
        counts[k as usize] = col as u32;
    }
    (keys, df, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_normalised_per_block_and_columns_sorted() {
        let cfg = PipelineConfig::default();
        let texts: Vec<String> = ["printer jam on floor 2", "vpn down", "printer toner"].iter().map(|s| s.to_string()).collect();
        let t = build(&cfg, &texts);
        assert_eq!(t.matrix.n_rows(), 3);
        assert!(t.keys.windows(2).all(|w| w[0] < w[1]));
        let word_cols = t.keys.partition_point(|&k| k < (1 << cfg.hash_bits)) as u32;
        for i in 0..3 {
            let (cols, vals) = t.matrix.row(i);
            assert!(cols.windows(2).all(|w| w[0] < w[1]));
            let word: f32 = cols.iter().zip(vals).filter(|(c, _)| **c < word_cols).map(|(_, v)| v * v).sum();
            let chars: f32 = cols.iter().zip(vals).filter(|(c, _)| **c >= word_cols).map(|(_, v)| v * v).sum();
            assert!((word - 1.0).abs() < 1e-5 && (chars - 1.0).abs() < 1e-5, "{word} {chars}");
        }
    }
}
