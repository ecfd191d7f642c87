//! The training data as one TF-IDF matrix: hashed counts -> vocabulary of the keys seen ->
//! idf -> L2-normalised rows. Built once per pipeline setting and shared by the final fit and
//! every cross-validation fold that uses that setting.

use rayon::prelude::*;

use crate::features::{extract, smooth_idf, PipelineConfig, Scratch};
use crate::model::vectorize_with;
use crate::remap::RemapTable;
use crate::sparse::CsrMatrix;

/// Texts featurised with one pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Featurised {
    /// The pipeline the matrix was built with.
    pub pipeline: PipelineConfig,
    /// Sorted feature keys; column = position.
    pub keys: Vec<u32>,
    /// Smoothed idf per column.
    pub idf: Vec<f32>,
    /// One row per text.
    pub matrix: CsrMatrix,
}

/// Featurise `texts` (in the current rayon pool).
pub(crate) fn featurise(pipeline: &PipelineConfig, texts: &[String]) -> Featurised {
    // 1. Hashed counts per document.
    let counts: Vec<Vec<(u32, u32)>> = texts
        .par_iter()
        .map_init(Scratch::default, |s, t| {
            extract(pipeline, t, s);
            s.counts.clone()
        })
        .collect();
    // 2. Vocabulary = keys seen in training, with document frequencies.
    let mut all: Vec<u32> = counts.iter().flat_map(|d| d.iter().map(|&(k, _)| k)).collect();
    all.par_sort_unstable();
    let mut keys = Vec::new();
    let mut df: Vec<u32> = Vec::new();
    for k in all {
        if keys.last() == Some(&k) {
            if let Some(last) = df.last_mut() {
                *last += 1;
            }
        } else {
            keys.push(k);
            df.push(1);
        }
    }
    let idf: Vec<f32> = df.iter().map(|&d| smooth_idf(texts.len(), d)).collect();
    // 3. TF-IDF rows.
    let table = RemapTable::new(&keys);
    let rows: Vec<Vec<(u32, f32)>> = counts
        .par_iter()
        .map(|c| {
            let mut v = Vec::with_capacity(c.len());
            vectorize_with(pipeline, &table, &idf, c, &mut v);
            v
        })
        .collect();
    drop(counts);
    let matrix = CsrMatrix::from_rows(rows, keys.len());
    Featurised { pipeline: pipeline.clone(), keys, idf, matrix }
}
