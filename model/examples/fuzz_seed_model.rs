//! Writes the seed corpus of the `model_load` fuzz target: a tiny trained model file, and the
//! same model's payload behind a `0x01` mode byte (the target re-wraps it with a valid header
//! and checksum so mutations reach the payload decoder).
//!
//! `cargo run -p triagekit-model --example fuzz_seed_model -- fuzz/seeds/model_load`

use triagekit_model::{format, Algorithm, Model, TrainConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/seeds/model_load".into()));
    std::fs::create_dir_all(&dir)?;
    let texts: Vec<String> = [
        "vpn is down", "cannot connect to vpn", "password reset please", "forgot my password",
        "invoice charged twice", "refund my invoice", "printer jammed", "printer out of toner",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let cat = ["network", "network", "access", "access", "billing", "billing", "hardware", "hardware"];
    let pri = ["P1", "P2", "P3", "P3", "P2", "P3", "P4", "P4"];
    let heads = vec![
        ("category".to_string(), cat.iter().map(|s| Some(s.to_string())).collect()),
        ("priority".to_string(), pri.iter().map(|s| Some(s.to_string())).collect()),
    ];
    for (name, algorithm) in [("linear", Algorithm::Linear), ("nb", Algorithm::NaiveBayes)] {
        let config = TrainConfig {
            algorithm,
            hash_bits: 8,
            char_ngram_min: 0,
            created: Some("2026-01-01T00:00:00Z".into()),
            calibration_holdout: 0.0,
            ..TrainConfig::default()
        };
        let model = Model::fit(&texts, &heads, &config)?;
        let bytes = model.to_bytes();
        std::fs::write(dir.join(format!("{name}-file")), &bytes)?;
        let mut payload = vec![1u8];
        payload.extend_from_slice(format::decode(&bytes)?);
        std::fs::write(dir.join(format!("{name}-payload")), &payload)?;
        println!("{name}: {} bytes", bytes.len());
    }
    Ok(())
}
