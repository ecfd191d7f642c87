//! What an explanation costs next to a prediction: fits on a CSV (`text`, `category`), then
//! times `predict(text, 3)` and `explain(text, 5)` over another CSV's texts on one thread,
//! interleaved round by round so a busy neighbour slows both alike.
//!
//! `cargo run --release -p triagekit-model --example explain_cost -- TRAIN.csv TEST.csv [ROUNDS]`

use std::hint::black_box;
use std::time::Instant;

use triagekit_model::{load_labelled, Model, TrainConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(train), Some(test)) = (args.next(), args.next()) else {
        return Err("usage: explain_cost TRAIN.csv TEST.csv [ROUNDS]".into());
    };
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let cols = |s: &str| vec![s.to_string()];
    let config = TrainConfig::default();
    let train = load_labelled(train.as_ref(), &cols("text"), &cols("category"), config.max_text_chars)?;
    let test = load_labelled(test.as_ref(), &cols("text"), &cols("category"), config.max_text_chars)?;
    let model = Model::fit(&train.texts, &train.heads, &config)?;
    let time = |f: &dyn Fn(&str)| {
        let start = Instant::now();
        test.texts.iter().for_each(|t| f(black_box(t)));
        start.elapsed().as_secs_f64() * 1e6 / test.texts.len() as f64
    };
    let predict = |t: &str| drop(black_box(model.predict(t, 3)));
    let explain = |t: &str| drop(black_box(model.explain(t, 5)));
    // Warm-up: thread-local buffers, page faults.
    time(&predict);
    time(&explain);
    let (mut p, mut e) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        p.push(time(&predict));
        e.push(time(&explain));
    }
    p.sort_by(f64::total_cmp);
    e.sort_by(f64::total_cmp);
    let (p, e) = (p[p.len() / 2], e[e.len() / 2]);
    println!("{} texts: predict {p:.2} us, explain {e:.2} us per text (median of {rounds} rounds), ratio {:.2}", test.texts.len(), e / p);
    Ok(())
}
