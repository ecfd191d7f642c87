//! Training settings: their one set of defaults, how bindings and config files spell them
//! (serde, snake_case or camelCase), and the checks every caller gets from `Model::fit`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::bayes::NaiveBayesParams;
use crate::class_weight::ClassWeight;
use crate::error::ModelError;
use crate::features::PipelineConfig;
use crate::numbers::NumberMode;

/// Which classifier the heads use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// One-vs-rest L2-loss linear SVM (dual coordinate descent); the default and the best.
    #[default]
    Linear,
    /// Multinomial naive Bayes (linfa-bayes) on the most frequent features, for comparison.
    NaiveBayes,
}

impl Algorithm {
    /// Name as accepted by `FromStr`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Algorithm::Linear => "linear",
            Algorithm::NaiveBayes => "naive-bayes",
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Algorithm {
    /// The algorithm a name means, or why there is none.
    fn parse(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "linear" | "svm" => Ok(Algorithm::Linear),
            "naive-bayes" | "naive_bayes" | "nb" => Ok(Algorithm::NaiveBayes),
            _ => Err(format!("unknown algorithm {s:?} (expected linear or naive-bayes)")),
        }
    }
}

use crate::option_parse::string_option;

string_option!(Algorithm, "algorithm");

/// Training settings; `Default` gives the benchmarked configuration.
///
/// Deserialises from an object of options in which every key is optional (missing ones keep
/// the default) and an unknown key is an error. Keys are snake_case (Python, the CLI) or
/// camelCase (Node); `C`, `tol` and `alpha` are the scikit-learn names of `c`, `eps` and
/// `nb_alpha`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Classifier.
    pub algorithm: Algorithm,
    /// Seed for the solver's coordinate order (same seed + data => byte-identical model).
    pub seed: u64,
    /// SVM regularisation C.
    #[serde(alias = "C")]
    pub c: f32,
    /// Texts are cut to this many characters.
    #[serde(alias = "maxTextChars")]
    pub max_text_chars: usize,
    /// Buckets per feature block are `2^hash_bits` (8..=24).
    #[serde(alias = "hashBits")]
    pub hash_bits: u32,
    /// Largest word n-gram (1 or 2).
    #[serde(alias = "wordNgramMax")]
    pub word_ngram_max: u32,
    /// Char n-gram range inside word boundaries (`char_ngram_min == 0` disables them).
    #[serde(alias = "charNgramMin")]
    pub char_ngram_min: u32,
    /// Largest char n-gram.
    #[serde(alias = "charNgramMax")]
    pub char_ngram_max: u32,
    /// Fold all-digit tokens into one placeholder (applies to `numbers = "fold"` only).
    #[serde(alias = "foldNumbers")]
    pub fold_numbers: bool,
    /// Numbers and codes: `keep_with_shape` (the default: codes survive as one token plus
    /// their parts, and a shape token such as `4 digits`, `hex`, `ip` follows), `keep` (no
    /// shape token) or `fold` (digits become one placeholder, the behaviour before 0.2).
    pub numbers: NumberMode,
    /// Weight of the char n-gram block against the word block (see [`PipelineConfig`]).
    #[serde(alias = "charWeight")]
    pub char_weight: f32,
    /// How each class's own rows count in its one-vs-rest problem: `balanced` (the default),
    /// `none` or a label -> factor object.
    #[serde(alias = "classWeight")]
    pub class_weight: ClassWeight,
    /// NBSVM feature scaling (see `nb_scaling`): the smoothing of its log-count ratios, e.g.
    /// 1; 0 (the default) trains on the plain TF-IDF features.
    #[serde(alias = "nbScaling")]
    pub nb_scaling: f32,
    /// Largest model file in MB: past it the features that contribute least are dropped
    /// (0 = no limit).
    #[serde(alias = "maxModelMb")]
    pub max_model_mb: f32,
    /// SVM stopping tolerance.
    #[serde(alias = "tol")]
    pub eps: f32,
    /// SVM iteration cap per class.
    #[serde(alias = "maxIter")]
    pub max_iter: usize,
    /// Fraction of each class held out to fit the softmax temperature (0 = use the SVM's
    /// leave-one-out estimate instead, which is cheaper but under-confident).
    #[serde(alias = "calibrationHoldout")]
    pub calibration_holdout: f32,
    /// Naive Bayes smoothing.
    #[serde(alias = "alpha", alias = "nbAlpha")]
    pub nb_alpha: f64,
    /// Naive Bayes feature budget (most frequent features).
    #[serde(alias = "nbMaxFeatures")]
    pub nb_max_features: usize,
    /// Creation time to record (RFC 3339); `None` = `SOURCE_DATE_EPOCH` if set, else now.
    pub created: Option<String>,
    /// Training data hash to record.
    #[serde(alias = "dataHash")]
    pub data_hash: Option<String>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        let p = PipelineConfig::default();
        TrainConfig {
            algorithm: Algorithm::Linear,
            seed: 42,
            c: 0.5,
            max_text_chars: p.max_text_chars as usize,
            hash_bits: p.hash_bits,
            word_ngram_max: p.word_ngram_max,
            char_ngram_min: p.char_ngram_min,
            char_ngram_max: p.char_ngram_max,
            fold_numbers: p.fold_numbers,
            numbers: p.numbers,
            char_weight: p.char_weight,
            class_weight: ClassWeight::Balanced,
            nb_scaling: 0.0,
            max_model_mb: 5.0,
            eps: 0.1,
            max_iter: 1000,
            calibration_holdout: 0.2,
            nb_alpha: NaiveBayesParams::default().alpha,
            nb_max_features: NaiveBayesParams::default().max_features,
            created: None,
            data_hash: None,
        }
    }
}

/// What [`TrainConfig::from_value`] calls the options object itself in errors.
const WHOLE: &str = "<options>";

impl TrainConfig {
    /// Options from a JSON object (a binding's kwargs or options object); errors name the key.
    /// Values are only parsed here: [`TrainConfig::validate`] (run by `Model::fit`) checks them.
    pub fn from_value(value: &Value) -> Result<TrainConfig, ModelError> {
        let Value::Object(map) = value else {
            // Checked here: serde would also read a struct from an array, by position.
            return Err(ModelError::invalid_config(WHOLE, "expected an object of training options"));
        };
        TrainConfig::deserialize(value).map_err(|e| blame(map, e))
    }

    /// These settings with the keys of `overrides` (an object, as for
    /// [`TrainConfig::from_value`]) replaced; the tuner's candidates are made this way.
    pub fn with_overrides(&self, overrides: &Value) -> Result<TrainConfig, ModelError> {
        let Value::Object(patch) = overrides else {
            return Err(ModelError::invalid_config(WHOLE, "overrides must be an object of training options"));
        };
        let mut merged = self.to_value()?;
        if let Value::Object(map) = &mut merged {
            for (key, value) in patch {
                map.insert(key.clone(), value.clone());
            }
        }
        TrainConfig::from_value(&merged)
    }

    /// These settings as an options object (canonical snake_case keys).
    pub fn to_value(&self) -> Result<Value, ModelError> {
        serde_json::to_value(self).map_err(|e| ModelError::invalid_config(WHOLE, e.to_string()))
    }

    /// [`TrainConfig::from_value`] on JSON text.
    pub fn from_json(text: &str) -> Result<TrainConfig, ModelError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ModelError::invalid_config(WHOLE, e.to_string()))?;
        TrainConfig::from_value(&value)
    }

    /// Checks every value, naming the first bad one; `Model::fit` runs this before any work.
    pub fn validate(&self) -> Result<(), ModelError> {
        positive("c", f64::from(self.c))?;
        positive("eps", f64::from(self.eps))?;
        positive("nb_alpha", self.nb_alpha)?;
        positive("char_weight", f64::from(self.char_weight))?;
        at_least_zero("nb_scaling", f64::from(self.nb_scaling))?;
        at_least_zero("max_model_mb", f64::from(self.max_model_mb))?;
        at_least_one("max_iter", self.max_iter)?;
        at_least_one("max_text_chars", self.max_text_chars)?;
        at_least_one("nb_max_features", self.nb_max_features)?;
        let holdout = self.calibration_holdout;
        if !(holdout.is_finite() && (0.0..1.0).contains(&holdout)) {
            return Err(ModelError::invalid_config("calibration_holdout", format!("must be in [0, 1), got {holdout}")));
        }
        if !(8..=24).contains(&self.hash_bits) {
            return Err(ModelError::invalid_config("hash_bits", format!("must be in 8..=24, got {}", self.hash_bits)));
        }
        if !(1..=2).contains(&self.word_ngram_max) {
            return Err(ModelError::invalid_config("word_ngram_max", format!("must be 1 or 2, got {}", self.word_ngram_max)));
        }
        if self.char_ngram_max > 8 || self.char_ngram_min > self.char_ngram_max {
            let message = format!("char n-grams need min <= max <= 8, got {}..={}", self.char_ngram_min, self.char_ngram_max);
            return Err(ModelError::invalid_config("char_ngram_max", message));
        }
        Ok(())
    }

    /// The text pipeline these settings describe.
    pub fn pipeline(&self) -> PipelineConfig {
        PipelineConfig {
            max_text_chars: self.max_text_chars as u64,
            hash_bits: self.hash_bits,
            word_ngram_max: self.word_ngram_max,
            char_ngram_min: self.char_ngram_min,
            char_ngram_max: self.char_ngram_max,
            fold_numbers: self.fold_numbers,
            numbers: self.numbers,
            char_weight: self.char_weight,
        }
    }
}

fn positive(field: &str, value: f64) -> Result<(), ModelError> {
    if value.is_finite() && value > 0.0 {
        return Ok(());
    }
    Err(ModelError::invalid_config(field, format!("must be a finite number > 0, got {value}")))
}

fn at_least_zero(field: &str, value: f64) -> Result<(), ModelError> {
    if value.is_finite() && value >= 0.0 {
        return Ok(());
    }
    Err(ModelError::invalid_config(field, format!("must be a finite number >= 0, got {value}")))
}

fn at_least_one(field: &str, value: usize) -> Result<(), ModelError> {
    if value >= 1 {
        return Ok(());
    }
    Err(ModelError::invalid_config(field, format!("must be at least 1, got {value}")))
}

/// serde's message does not say which key it was reading: find it by parsing each key on its
/// own (options objects are a handful of keys, and this runs only on failure).
fn blame(map: &Map<String, Value>, whole: serde_json::Error) -> ModelError {
    for (key, value) in map {
        let single = Value::Object(Map::from_iter([(key.clone(), value.clone())]));
        if let Err(e) = TrainConfig::deserialize(&single) {
            let message = if value.is_null() {
                // Python and JS hand NaN and infinities over as null.
                "must not be null (NaN and infinities arrive as null)".to_string()
            } else {
                e.to_string()
            };
            return ModelError::invalid_config(key, message);
        }
    }
    // Only a combination fails, e.g. `c` and its alias `C` together.
    ModelError::invalid_config(WHOLE, whole.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field_of(result: Result<TrainConfig, ModelError>) -> String {
        match result.and_then(|c| c.validate().map(|()| c)) {
            Err(ModelError::InvalidConfig { field, .. }) => field,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn empty_object_is_the_default() {
        let c = TrainConfig::from_value(&json!({})).unwrap();
        let d = TrainConfig::default();
        assert_eq!((c.seed, c.c, c.max_iter, c.algorithm), (d.seed, d.c, d.max_iter, d.algorithm));
        d.validate().unwrap();
    }

    #[test]
    fn snake_camel_and_sklearn_spellings() {
        let py = TrainConfig::from_value(&json!({"max_text_chars": 100, "C": 2, "tol": 0.5, "alpha": 0.3})).unwrap();
        assert_eq!((py.max_text_chars, py.c, py.eps, py.nb_alpha), (100, 2.0, 0.5, 0.3));
        let js = TrainConfig::from_value(&json!({"maxTextChars": 100, "hashBits": 12, "maxIter": 9, "algorithm": "nb"})).unwrap();
        assert_eq!((js.max_text_chars, js.hash_bits, js.max_iter, js.algorithm), (100, 12, 9, Algorithm::NaiveBayes));
    }

    #[test]
    fn unknown_option_is_named() {
        let err = TrainConfig::from_value(&json!({"seed": 1, "learning_rate": 3})).unwrap_err();
        assert!(matches!(&err, ModelError::InvalidConfig { field, .. } if field == "learning_rate"), "{err}");
        assert!(err.to_string().contains("learning_rate"), "{err}");
    }

    #[test]
    fn wrong_types_and_null_name_the_key() {
        assert_eq!(field_of(TrainConfig::from_value(&json!({"c": "big"}))), "c");
        assert_eq!(field_of(TrainConfig::from_value(&json!({"seed": -1}))), "seed");
        assert_eq!(field_of(TrainConfig::from_value(&json!({"seed": 1.5}))), "seed");
        assert_eq!(field_of(TrainConfig::from_value(&json!({"c": null}))), "c");
        assert_eq!(field_of(TrainConfig::from_value(&json!({"algorithm": "forest"}))), "algorithm");
        assert_eq!(field_of(TrainConfig::from_value(&json!([]))), "<options>");
        assert_eq!(field_of(TrainConfig::from_value(&json!(null))), "<options>");
        assert_eq!(field_of(TrainConfig::from_json("{")), "<options>");
    }

    #[test]
    fn bad_values_name_the_field() {
        for (options, field) in [
            (json!({"c": -1}), "c"),
            (json!({"c": 0}), "c"),
            (json!({"max_iter": 0}), "max_iter"),
            (json!({"hash_bits": 40}), "hash_bits"),
            (json!({"eps": 0}), "eps"),
            (json!({"calibration_holdout": 1}), "calibration_holdout"),
            (json!({"char_ngram_min": 5, "char_ngram_max": 3}), "char_ngram_max"),
        ] {
            assert_eq!(field_of(TrainConfig::from_value(&options)), field, "{options}");
        }
        let nan = TrainConfig { c: f32::NAN, ..TrainConfig::default() };
        assert!(matches!(nan.validate(), Err(ModelError::InvalidConfig { field, .. }) if field == "c"));
    }
}
