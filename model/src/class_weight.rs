//! Class weights for imbalanced labels: how much a class's own rows count in its
//! one-vs-rest problem (LIBLINEAR's `-wi`, scikit-learn's `class_weight`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::ModelError;

/// How the rows of each class are weighted in its one-vs-rest problem.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "RawClassWeight")]
pub enum ClassWeight {
    /// Every row counts the same (the default).
    #[default]
    None,
    /// `n_rows / (n_classes * rows_of_class)`, as scikit-learn's `"balanced"`: rare classes
    /// are not drowned by frequent ones, which raises macro-F1.
    Balanced,
    /// A factor per class label; labels left out get 1.
    PerClass(BTreeMap<String, f32>),
}

impl serde::Serialize for ClassWeight {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ClassWeight::PerClass(map) => map.serialize(serializer),
            named => serializer.serialize_str(named.as_str()),
        }
    }
}

/// What bindings and config files may pass: a name or an object of label -> weight.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawClassWeight {
    Name(String),
    PerClass(BTreeMap<String, f32>),
}

impl TryFrom<RawClassWeight> for ClassWeight {
    type Error = String;

    fn try_from(raw: RawClassWeight) -> Result<Self, String> {
        match raw {
            RawClassWeight::Name(name) => ClassWeight::parse(&name),
            RawClassWeight::PerClass(map) => Ok(ClassWeight::PerClass(map)),
        }
    }
}

impl ClassWeight {
    /// The weighting a name means (`none` or `balanced`).
    pub fn parse(name: &str) -> Result<Self, String> {
        match name.to_ascii_lowercase().as_str() {
            "none" | "" => Ok(ClassWeight::None),
            "balanced" => Ok(ClassWeight::Balanced),
            _ => Err(format!("unknown class_weight {name:?} (expected none, balanced or an object of label -> weight)")),
        }
    }

    /// The name of a named weighting, or `per-class`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ClassWeight::None => "none",
            ClassWeight::Balanced => "balanced",
            ClassWeight::PerClass(_) => "per-class",
        }
    }

    /// Factor per class of a head (`classes` in class-id order, `counts` their rows); empty
    /// when every factor is 1. A weight for a label the head does not have is an error.
    pub(crate) fn factors(&self, head: &str, classes: &[String], counts: &[usize]) -> Result<Vec<f32>, ModelError> {
        match self {
            ClassWeight::None => Ok(Vec::new()),
            ClassWeight::Balanced => {
                let n: usize = counts.iter().sum();
                let k = classes.len().max(1);
                Ok(counts.iter().map(|&m| n as f32 / (k * m.max(1)) as f32).collect())
            }
            ClassWeight::PerClass(map) => {
                if let Some(unknown) = map.keys().find(|l| !classes.contains(l)) {
                    let message = format!("label {unknown:?} is not a class of head {head:?}");
                    return Err(ModelError::invalid_config("class_weight", message));
                }
                if let Some((label, w)) = map.iter().find(|(_, w)| !(w.is_finite() && **w > 0.0)) {
                    return Err(ModelError::invalid_config("class_weight", format!("weight of {label:?} must be > 0, got {w}")));
                }
                Ok(classes.iter().map(|c| map.get(c).copied().unwrap_or(1.0)).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn balanced_weighs_rare_classes_up() {
        let f = ClassWeight::Balanced.factors("h", &names(&["a", "b"]), &[90, 10]).unwrap();
        assert!((f[0] - 100.0 / 180.0).abs() < 1e-6 && (f[1] - 5.0).abs() < 1e-6, "{f:?}");
    }

    #[test]
    fn per_class_names_unknown_labels() {
        let map = BTreeMap::from([("zzz".to_string(), 2.0)]);
        let err = ClassWeight::PerClass(map).factors("h", &names(&["a"]), &[1]).unwrap_err();
        assert!(err.to_string().contains("zzz"), "{err}");
    }

    #[test]
    fn reads_names_and_objects() {
        let w: ClassWeight = serde_json::from_str("\"Balanced\"").unwrap();
        assert_eq!(w, ClassWeight::Balanced);
        let w: ClassWeight = serde_json::from_str("{\"a\": 3}").unwrap();
        assert_eq!(w, ClassWeight::PerClass(BTreeMap::from([("a".to_string(), 3.0)])));
        assert!(serde_json::from_str::<ClassWeight>("\"heavy\"").is_err());
    }
}
