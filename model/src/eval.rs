//! Evaluation: accuracy, macro-F1, per-class precision/recall/F1 and confusion matrices.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::ModelError;
use crate::model::Model;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassReport {
    /// TP / (TP + FP), 0 when nothing was predicted as this class.
    pub precision: f64,
    /// TP / (TP + FN), 0 when the class has no true examples.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// True examples of this class.
    pub support: u64,
}

/// Confusion matrix: `matrix[true][predicted]` over `labels`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    /// Row/column labels (model classes, then unseen true labels).
    pub labels: Vec<String>,
    /// Counts, rows = true label, columns = predicted label.
    pub matrix: Vec<Vec<u64>>,
}

/// One evaluated example (kept for later reports, not serialised).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalExample {
    /// Row index in the evaluated data.
    pub index: usize,
    /// True label.
    pub truth: String,
    /// Predicted label.
    pub predicted: String,
    /// Calibrated confidence of the prediction.
    pub confidence: f32,
}

/// Evaluation of one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadReport {
    /// Fraction of labelled rows predicted correctly.
    pub accuracy: f64,
    /// Unweighted mean F1 over labels present in truth or predictions.
    pub macro_f1: f64,
    /// Labelled rows evaluated.
    pub support: u64,
    /// Rows skipped for an empty label.
    pub skipped: u64,
    /// Per-class figures.
    pub per_class: BTreeMap<String, ClassReport>,
    /// Confusion matrix.
    pub confusion: Confusion,
    /// Per-example results.
    #[serde(skip)]
    pub examples: Vec<EvalExample>,
}

/// Evaluation of all requested heads, keyed by head name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Head name -> report.
    pub heads: BTreeMap<String, HeadReport>,
}

impl EvalReport {
    /// The evaluated head reports lead with: the one named [`crate::model::PRIMARY_HEAD`] if
    /// evaluated, else the first by name (the model's head order is not kept here).
    pub fn primary_head(&self) -> Option<&str> {
        let i = crate::model::primary_position(self.heads.keys().map(String::as_str))?;
        self.heads.keys().nth(i).map(String::as_str)
    }
}

/// Evaluate `model` on labelled texts (`heads` name label columns that must be model heads).
pub fn evaluate(model: &Model, texts: &[String], heads: &[(String, Vec<Option<String>>)]) -> Result<EvalReport, ModelError> {
    for (name, labels) in heads {
        if model.classes(name).is_none() {
            return Err(ModelError::UnknownHead(name.clone()));
        }
        if labels.len() != texts.len() {
            return Err(ModelError::InvalidInput(format!("head {name:?} has {} labels for {} texts", labels.len(), texts.len())));
        }
        // Scores of nothing would read as an accuracy of 0, which no model earned.
        if !labels.iter().any(|l| l.as_deref().is_some_and(|l| !l.trim().is_empty())) {
            return Err(ModelError::InvalidInput(format!("head {name:?} has no labelled rows to evaluate")));
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let preds = model.predict_batch(&refs, 1);
    let mut out = BTreeMap::new();
    for (name, labels) in heads {
        let classes = model.classes(name).unwrap_or(&[]);
        let mut label_ids: BTreeMap<&str, usize> = classes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        let mut all_labels: Vec<String> = classes.to_vec();
        let mut examples = Vec::new();
        for (i, l) in labels.iter().enumerate() {
            let Some(truth) = l.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { continue };
            if !label_ids.contains_key(truth) {
                label_ids.insert(truth, all_labels.len());
                all_labels.push(truth.to_string());
            }
            let (predicted, confidence) = preds[i]
                .head(name)
                .map(|h| (h.label.clone(), h.confidence))
                .unwrap_or_default();
            examples.push(EvalExample { index: i, truth: truth.to_string(), predicted: predicted.into(), confidence });
        }
        let n = all_labels.len();
        let mut matrix = vec![vec![0u64; n]; n];
        for e in &examples {
            if let (Some(&t), Some(&p)) = (label_ids.get(e.truth.as_str()), label_ids.get(e.predicted.as_str())) {
                matrix[t][p] += 1;
            }
        }
        let total = examples.len() as u64;
        let correct: u64 = (0..n).map(|i| matrix[i][i]).sum();
        let mut per_class = BTreeMap::new();
        let mut f1_sum = 0.0;
        let mut f1_count = 0usize;
        for (i, label) in all_labels.iter().enumerate() {
            let tp = matrix[i][i] as f64;
            let support: u64 = matrix[i].iter().sum();
            let predicted: u64 = matrix.iter().map(|r| r[i]).sum();
            let precision = if predicted > 0 { tp / predicted as f64 } else { 0.0 };
            let recall = if support > 0 { tp / support as f64 } else { 0.0 };
            let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            if support > 0 || predicted > 0 {
                f1_sum += f1;
                f1_count += 1;
                per_class.insert(label.clone(), ClassReport { precision, recall, f1, support });
            }
        }
        out.insert(
            name.clone(),
            HeadReport {
                accuracy: if total > 0 { correct as f64 / total as f64 } else { 0.0 },
                macro_f1: if f1_count > 0 { f1_sum / f1_count as f64 } else { 0.0 },
                support: total,
                skipped: labels.len() as u64 - total,
                per_class,
                confusion: Confusion { labels: all_labels, matrix },
                examples,
            },
        );
    }
    Ok(EvalReport { heads: out })
}
