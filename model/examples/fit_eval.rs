//! Fit on `DIR/train.csv`, score on `DIR/test.csv`, print one line per JSON config: the quick
//! loop behind the measurements in the README (the harness in `benches/compare` is the
//! side-by-side reference).
//!
//!     cargo run --release -p triagekit-model --example fit_eval -- DIR '{"c": 0.5}' '{"c": 1}'

use std::path::Path;
use std::time::Instant;

use triagekit_model::{evaluate, load_labelled, Model, TrainConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((dir, configs)) = args.split_first() else {
        return Err("usage: fit_eval DIR [CONFIG_JSON ...]".into());
    };
    let text = std::env::var("FIT_EVAL_TEXT").unwrap_or_else(|_| "text".into());
    let label = std::env::var("FIT_EVAL_LABEL").unwrap_or_else(|_| "category".into());
    let dir = Path::new(dir);
    let train = load_labelled(&dir.join("train.csv"), &[text.clone()], &[label.clone()], 1 << 20)?;
    let test = load_labelled(&dir.join("test.csv"), &[text], &[label], 1 << 20)?;
    let configs = if configs.is_empty() { vec!["{}".to_string()] } else { configs.to_vec() };
    for json in configs {
        let config = TrainConfig::from_json(&json)?;
        let started = Instant::now();
        let model = Model::fit(&train.texts, &train.heads, &config)?;
        let fit_s = started.elapsed().as_secs_f64();
        let report = evaluate(&model, &test.texts, &test.heads)?;
        let head = report.heads.values().next().ok_or("no head")?;
        let (name, labels) = &test.heads[0];
        let k = model.classes(name).map_or(1, <[String]>::len);
        let refs: Vec<&str> = test.texts.iter().map(String::as_str).collect();
        let preds = model.predict_batch(&refs, k);
        let (mut nll, mut n, mut ece_bins) = (0f64, 0usize, vec![(0f64, 0f64, 0usize); 10]);
        for (p, l) in preds.iter().zip(labels) {
            let Some(l) = l else { continue };
            let h = &p.heads[0];
            let pt = h.top.iter().find(|(c, _)| c.as_str() == l.as_str()).map_or(1e-7, |t| t.1 as f64).max(1e-7);
            nll -= pt.ln();
            n += 1;
            let b = ((h.confidence as f64 * 10.0) as usize).min(9);
            ece_bins[b].0 += h.confidence as f64;
            ece_bins[b].1 += f64::from(u8::from(h.label.as_str() == l.as_str()));
            ece_bins[b].2 += 1;
        }
        let ece: f64 = ece_bins.iter().map(|(c, a, _)| (c - a).abs()).sum::<f64>() / n.max(1) as f64;
        let temp = model.metadata().heads[0].temperature;
        println!("  temperature {temp:.4}  test log-loss {:.4}  ECE {ece:.4}", nll / n.max(1) as f64);
        println!(
            "{json}\taccuracy {:.4}\tmacro-F1 {:.4}\tfit {fit_s:.2} s\tfile {:.2} MB\tfeatures {}",
            head.accuracy,
            head.macro_f1,
            model.to_bytes().len() as f64 / 1e6,
            model.metadata().n_features
        );
    }
    Ok(())
}
