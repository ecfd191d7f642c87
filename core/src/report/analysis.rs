//! Numbers behind the charts: precision/coverage curves, per-class thresholds, confidence
//! histograms and the list of tickets to label next.

use std::collections::BTreeMap;

use serde::Serialize;
use triagekit_model::EvalExample;

/// At most this many points per curve: enough for a smooth line, small enough for the page.
const MAX_CURVE_POINTS: usize = 200;
/// Confidence histogram bins over 0..=1.
pub(crate) const HISTOGRAM_BINS: usize = 20;

/// Precision and coverage when predictions below `threshold` go to review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Confidence threshold (predictions with confidence >= threshold are kept).
    pub threshold: f64,
    /// Correct / kept among kept predictions.
    pub precision: f64,
    /// Kept / all predictions.
    pub coverage: f64,
}

/// The suggested review threshold for one predicted class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassThreshold {
    /// Lowest threshold whose kept predictions of this class reach the target precision;
    /// `None` when no threshold does (even the most confident predictions miss it).
    pub threshold: Option<f64>,
    /// Examples the model predicted as this class.
    pub predicted: u64,
    /// Precision of all predictions of this class (threshold 0).
    pub precision_all: f64,
    /// Precision of the kept predictions at `threshold` (0 when unreachable).
    pub precision: f64,
    /// Kept / predicted at `threshold` (0 when unreachable).
    pub coverage: f64,
}

/// Counts of right and wrong predictions per confidence bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Bin `i` covers confidences in `[i/bins, (i+1)/bins)`; 1.0 falls in the last bin.
    pub bins: usize,
    /// Correct predictions per bin.
    pub correct: Vec<u64>,
    /// Wrong predictions per bin.
    pub wrong: Vec<u64>,
}

/// One row of the label-next list: a low-confidence ticket worth a person's look.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRow {
    /// 0-based index of the row in the evaluated data (header not counted).
    pub row: usize,
    /// The caller's name for the row (e.g. a pandas index label), when it gave row ids; the
    /// CSV and the page show it instead of `row`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The model's confidence in its prediction.
    pub confidence: f32,
    /// What the model predicted.
    pub predicted: String,
    /// The label the data has now.
    pub label: String,
    /// The evaluated text.
    pub text: String,
}

impl LabelRow {
    /// What the CSV and the page call the row: its id if the caller gave ids, else its index.
    pub fn shown(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.row.to_string())
    }
}

/// Engine confidences compare as `f64::from(f32)`, so thresholds are built the same way and a
/// threshold read back from JSON keeps exactly the predictions it kept here.
fn conf(e: &EvalExample) -> f64 {
    f64::from(e.confidence)
}

/// Examples sorted by confidence, most confident first (ties by row for determinism).
fn by_confidence_desc<'e>(examples: impl Iterator<Item = &'e EvalExample>) -> Vec<&'e EvalExample> {
    let mut sorted: Vec<&EvalExample> = examples.collect();
    sorted.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.index.cmp(&b.index))
    });
    sorted
}

/// Walks examples from the most confident down and yields (threshold, kept, correct) at each
/// distinct confidence, so ties are always kept or dropped together as the engine would.
fn cumulative(sorted: &[&EvalExample]) -> Vec<(f64, u64, u64)> {
    let mut out = Vec::new();
    let (mut kept, mut correct) = (0u64, 0u64);
    for (i, e) in sorted.iter().enumerate() {
        kept += 1;
        correct += u64::from(e.truth == e.predicted);
        let last_of_tie = sorted
            .get(i + 1)
            .is_none_or(|next| next.confidence != e.confidence);
        if last_of_tie {
            out.push((conf(e), kept, correct));
        }
    }
    out
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Precision and coverage over every threshold that changes the kept set, thinned for plotting.
pub fn precision_coverage(examples: &[EvalExample]) -> Vec<CurvePoint> {
    let total = examples.len() as u64;
    let steps = cumulative(&by_confidence_desc(examples.iter()));
    let mut points: Vec<CurvePoint> = steps
        .iter()
        .map(|&(threshold, kept, correct)| CurvePoint {
            threshold,
            precision: ratio(correct, kept),
            coverage: ratio(kept, total),
        })
        .collect();
    points.reverse(); // ascending threshold reads left to right on the chart
    thin(points)
}

/// Keeps the first and last point and evenly spaced ones between.
fn thin(points: Vec<CurvePoint>) -> Vec<CurvePoint> {
    if points.len() <= MAX_CURVE_POINTS {
        return points;
    }
    let last = points.len() - 1;
    let step = last as f64 / (MAX_CURVE_POINTS - 1) as f64;
    (0..MAX_CURVE_POINTS)
        .map(|k| points[((k as f64 * step).round() as usize).min(last)].clone())
        .collect()
}

/// The lowest threshold whose kept examples reach `target` precision, with precision and kept.
fn lowest_meeting(sorted: &[&EvalExample], target: f64) -> Option<(f64, f64, u64)> {
    cumulative(sorted)
        .into_iter()
        .rev()
        .find(|&(_, kept, correct)| ratio(correct, kept) >= target)
        .map(|(t, kept, correct)| (t, ratio(correct, kept), kept))
}

/// The lowest global threshold reaching `target` precision over all predictions of a head.
pub fn global_threshold(examples: &[EvalExample], target: f64) -> Option<f64> {
    lowest_meeting(&by_confidence_desc(examples.iter()), target).map(|(t, _, _)| t)
}

/// Per predicted class, the lowest threshold that reaches `target` precision (the engine
/// applies class thresholds to the predicted category, so classes are grouped by prediction).
pub fn class_thresholds(examples: &[EvalExample], target: f64) -> BTreeMap<String, ClassThreshold> {
    let mut by_class: BTreeMap<&str, Vec<&EvalExample>> = BTreeMap::new();
    for e in examples {
        by_class.entry(e.predicted.as_str()).or_default().push(e);
    }
    by_class
        .into_iter()
        .filter(|(class, _)| !class.is_empty())
        .map(|(class, list)| {
            let predicted = list.len() as u64;
            let right = list.iter().filter(|e| e.truth == e.predicted).count() as u64;
            let sorted = by_confidence_desc(list.into_iter());
            let found = lowest_meeting(&sorted, target);
            let entry = ClassThreshold {
                threshold: found.map(|(t, _, _)| t),
                predicted,
                precision_all: ratio(right, predicted),
                precision: found.map_or(0.0, |(_, p, _)| p),
                coverage: found.map_or(0.0, |(_, _, kept)| ratio(kept, predicted)),
            };
            (class.to_string(), entry)
        })
        .collect()
}

/// Right vs wrong predictions per confidence bin.
pub fn histogram(examples: &[EvalExample]) -> Histogram {
    let mut h = Histogram {
        bins: HISTOGRAM_BINS,
        correct: vec![0; HISTOGRAM_BINS],
        wrong: vec![0; HISTOGRAM_BINS],
    };
    for e in examples {
        let c = conf(e).clamp(0.0, 1.0);
        let bin = ((c * HISTOGRAM_BINS as f64) as usize).min(HISTOGRAM_BINS - 1);
        if e.truth == e.predicted {
            h.correct[bin] += 1;
        } else {
            h.wrong[bin] += 1;
        }
    }
    h
}

/// The `n` least confident examples, ascending (ties by row), with their texts.
pub fn label_next(examples: &[EvalExample], texts: &[String], n: usize) -> Vec<LabelRow> {
    let mut sorted: Vec<&EvalExample> = examples.iter().collect();
    sorted.sort_by(|a, b| {
        a.confidence
            .total_cmp(&b.confidence)
            .then(a.index.cmp(&b.index))
    });
    sorted
        .into_iter()
        .take(n)
        .map(|e| LabelRow {
            row: e.index,
            id: None,
            confidence: e.confidence,
            predicted: e.predicted.clone(),
            label: e.truth.clone(),
            text: texts.get(e.index).cloned().unwrap_or_default(),
        })
        .collect()
}
