//! The tuner's search space, as data, and the fixed order in which candidates are tried.
//!
//! A candidate is the base training settings with at most one value per [`Dimension`]
//! applied (via [`TrainConfig::with_overrides`]), so adding an option to the search is one
//! line in [`default_space`]. The order is fixed for given scores: the base settings, then
//! single changes (each dimension's most promising alternative first, round-robin over the
//! dimensions), then the combination of every single change that beat the base, then
//! coordinate steps from the best so far. The time budget only cuts this list short.

use serde_json::{json, Map, Value};

use crate::error::ModelError;
use crate::train_config::TrainConfig;

/// One searched option: its name in the CV table and its candidate values, most promising
/// first. Each value is a label and an overrides object for [`TrainConfig::with_overrides`].
#[derive(Debug, Clone)]
pub struct Dimension {
    /// Name in candidate labels (usually the option key).
    pub name: &'static str,
    /// `(label, overrides)` per value.
    pub values: Vec<(String, Value)>,
}

/// A dimension over one option key; the label of a value is its JSON text.
fn option(key: &'static str, values: &[Value]) -> Dimension {
    let values = values.iter().map(|v| (label_of(v), json!({ key: v }))).collect();
    Dimension { name: key, values }
}

fn label_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Char n-gram ranges ("none" = word n-grams only).
fn char_ngrams(ranges: &[(u32, u32)]) -> Dimension {
    let values = ranges
        .iter()
        .map(|&(min, max)| {
            let label = if min == 0 { "none".to_string() } else { format!("{min}-{max}") };
            (label, json!({ "char_ngram_min": min, "char_ngram_max": max }))
        })
        .collect();
    Dimension { name: "char_ngrams", values }
}

/// The search space of `--tune`; values equal to the base settings are skipped.
pub fn default_space() -> Vec<Dimension> {
    // Most promising first, as the budget cuts the list: NBSVM scaling and the char block's
    // weight moved test accuracy most on the shared sets (long noisy texts vs short intents).
    vec![
        option("nb_scaling", &[json!(1.0), json!(0.0)]),
        option("char_weight", &[json!(0.7), json!(1.25), json!(1.0)]),
        option("c", &[json!(1.0), json!(0.25), json!(2.0), json!(0.5)]),
        char_ngrams(&[(1, 4), (3, 6), (0, 0), (2, 5)]),
        option("numbers", &[json!("fold"), json!("keep_with_shape")]),
        option("class_weight", &[json!("none"), json!("balanced")]),
    ]
}

/// A point of the space: per dimension, the index of the applied value (`None` = base).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Choice(pub Vec<Option<usize>>);

impl Choice {
    /// The base settings.
    pub fn base(space: &[Dimension]) -> Choice {
        Choice(vec![None; space.len()])
    }

    /// This choice with dimension `d` set to value `v`.
    pub fn with(&self, d: usize, v: Option<usize>) -> Choice {
        let mut c = self.clone();
        c.0[d] = v;
        c
    }

    /// `"default"` or e.g. `"c=1.0 char_ngrams=3-6"`.
    pub fn label(&self, space: &[Dimension]) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .zip(space)
            .filter_map(|(v, dim)| v.and_then(|v| dim.values.get(v)).map(|(label, _)| format!("{}={label}", dim.name)))
            .collect();
        if parts.is_empty() {
            "default".to_string()
        } else {
            parts.join(" ")
        }
    }

    /// The merged overrides object of every applied value.
    pub fn overrides(&self, space: &[Dimension]) -> Value {
        let mut map = Map::new();
        for (v, dim) in self.0.iter().zip(space) {
            if let Some(Value::Object(patch)) = v.and_then(|v| dim.values.get(v)).map(|(_, p)| p) {
                map.extend(patch.clone());
            }
        }
        Value::Object(map)
    }

    /// The training settings of this choice.
    pub fn config(&self, space: &[Dimension], base: &TrainConfig) -> Result<TrainConfig, ModelError> {
        base.with_overrides(&self.overrides(space))
    }
}

/// Single changes from the base: rank 0 of every dimension, then rank 1, ...
pub(crate) fn single_changes(space: &[Dimension]) -> Vec<Choice> {
    let base = Choice::base(space);
    let deepest = space.iter().map(|d| d.values.len()).max().unwrap_or(0);
    let mut out = Vec::new();
    for rank in 0..deepest {
        for (d, dim) in space.iter().enumerate() {
            if rank < dim.values.len() {
                out.push(base.with(d, Some(rank)));
            }
        }
    }
    out
}

/// Every single change that beat the base, combined (`None` unless two or more did).
/// `scored` holds (choice, mean score) of evaluated candidates; the best value per dimension
/// wins, the earlier one on ties.
pub(crate) fn combination(space: &[Dimension], scored: &[(Choice, f64)]) -> Option<Choice> {
    let base = Choice::base(space);
    let base_score = scored.iter().find(|(c, _)| *c == base).map(|(_, s)| *s)?;
    let mut best: Vec<Option<(usize, f64)>> = vec![None; space.len()];
    for (choice, score) in scored {
        let changed: Vec<(usize, usize)> = choice.0.iter().enumerate().filter_map(|(d, v)| v.map(|v| (d, v))).collect();
        if let [(d, v)] = changed[..] {
            if *score > base_score && best[d].is_none_or(|(_, s)| *score > s) {
                best[d] = Some((v, *score));
            }
        }
    }
    let choice = Choice(best.iter().map(|b| b.map(|(v, _)| v)).collect());
    (choice.0.iter().filter(|v| v.is_some()).count() >= 2).then_some(choice)
}

/// Coordinate steps from `from`: every other value (or the base value) of every dimension.
pub(crate) fn neighbours(space: &[Dimension], from: &Choice) -> Vec<Choice> {
    let mut out = Vec::new();
    for (d, dim) in space.iter().enumerate() {
        for v in std::iter::once(None).chain((0..dim.values.len()).map(Some)) {
            if from.0[d] != v {
                out.push(from.with(d, v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_overrides_and_configs() {
        let space = default_space();
        let base = TrainConfig::default();
        let c = Choice::base(&space).with(2, Some(0)).with(3, Some(1));
        assert_eq!(c.label(&space), "c=1.0 char_ngrams=3-6");
        let cfg = c.config(&space, &base).unwrap();
        assert_eq!((cfg.c, cfg.char_ngram_min, cfg.char_ngram_max), (1.0, 3, 6));
        assert_eq!(cfg.seed, base.seed);
        let none = Choice::base(&space).with(3, Some(2)).config(&space, &base).unwrap();
        assert_eq!(none.char_ngram_min, 0);
        none.validate().unwrap();
        assert_eq!(Choice::base(&space).label(&space), "default");
    }

    #[test]
    fn single_changes_are_round_robin_by_rank() {
        let space = default_space();
        let labels: Vec<String> = single_changes(&space).iter().take(4).map(|c| c.label(&space)).collect();
        assert_eq!(labels, ["nb_scaling=1.0", "char_weight=0.7", "c=1.0", "char_ngrams=1-4"]);
    }

    #[test]
    fn combination_takes_each_dimensions_best_improvement() {
        let space = default_space();
        let base = Choice::base(&space);
        let scored = vec![
            (base.clone(), 0.80),
            (base.with(0, Some(0)), 0.82),
            (base.with(0, Some(1)), 0.83),
            (base.with(1, Some(0)), 0.79),
            (base.with(2, Some(1)), 0.81),
        ];
        let combined = combination(&space, &scored).unwrap();
        assert_eq!(combined, Choice(vec![Some(1), None, Some(1), None, None, None]));
        assert!(combination(&space, &scored[..3]).is_none(), "one improving dimension is no combination");
    }
}
