//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use triagekit_model::{load_labelled, LabelledData, TrainConfig};

/// The repository's realistic fixture training set.
pub fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/train/tickets.csv")
}

/// Load the fixture with subject+body text and the given label columns.
pub fn fixture(labels: &[&str]) -> LabelledData {
    let text = vec!["subject".to_string(), "body".to_string()];
    let labels: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
    load_labelled(&fixture_path(), &text, &labels, 20_000).expect("fixture loads")
}

/// A config with a fixed creation date so files are byte-comparable.
pub fn fixed_config() -> TrainConfig {
    TrainConfig { created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() }
}

/// Tiny deterministic PRNG for generating toy data.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

/// Toy tickets: (text, label) with class-specific vocabulary plus shared filler words.
pub fn toy(classes: &[(&str, &[&str])], filler: &[&str], per_class: usize, seed: u64) -> (Vec<String>, Vec<Option<String>>) {
    let mut rng = Lcg(seed);
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for i in 0..per_class {
        for (label, words) in classes {
            let n = 4 + (rng.next() % 5) as usize;
            let mut t = Vec::new();
            for j in 0..n {
                t.push(if j % 2 == 0 { rng.pick(words) } else { rng.pick(filler) });
            }
            texts.push(format!("{} {}", t.join(" "), i));
            labels.push(Some(label.to_string()));
        }
    }
    (texts, labels)
}
