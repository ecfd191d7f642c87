//! One head's probabilities or decision values for a whole batch, computed in parallel and
//! returned as flat f64 rows: the shape numpy (and typed arrays) take without another pass.

use rayon::prelude::*;

use crate::error::ModelError;
use crate::model::Model;

impl Model {
    /// Raw decision values of `head` for every text: `texts.len()` rows of
    /// `classes(head).len()` values, row-major, in `classes()` order.
    pub fn decision_function_batch(&self, head: &str, texts: &[&str]) -> Result<Vec<f64>, ModelError> {
        let rows = self.scores_batch(head, texts)?;
        Ok(rows.into_iter().flatten().map(f64::from).collect())
    }

    /// Calibrated probabilities of `head` for every text, laid out as
    /// [`Model::decision_function_batch`]. The softmax runs in f64, so each row sums to 1
    /// within f64 rounding (the f32 path of [`Model::predict_proba`] is off by up to ~3e-7).
    pub fn predict_proba_batch(&self, head: &str, texts: &[&str]) -> Result<Vec<f64>, ModelError> {
        let temperature = self.payload.heads.iter().find(|h| h.name == head).map_or(1.0, |h| f64::from(h.temperature));
        let rows = self.scores_batch(head, texts)?;
        let mut out = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        for scores in rows {
            let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let start = out.len();
            out.extend(scores.iter().map(|&s| ((f64::from(s) - f64::from(max)) / temperature).exp()));
            let sum: f64 = out[start..].iter().sum();
            if sum > 0.0 && sum.is_finite() {
                out[start..].iter_mut().for_each(|p| *p /= sum);
            }
        }
        Ok(out)
    }

    fn scores_batch(&self, head: &str, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        if self.classes(head).is_none() {
            return Err(ModelError::UnknownHead(head.to_string()));
        }
        crate::parallel::install(|| texts.par_iter().with_min_len(64).map(|t| self.decision_function(head, t)).collect())
    }
}
