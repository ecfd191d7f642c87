//! Predict every line of a text file `reps` times on one thread: a fixed workload for
//! `valgrind --tool=callgrind` or `perf`, where wall-clock benches on a shared VM are noisy.
//!
//! `cargo run --release -p triagekit-model --example predict_loop -- MODEL TEXTS [REPS]`

use std::time::Instant;

use triagekit_model::Model;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(model), Some(texts)) = (args.next(), args.next()) else {
        return Err("usage: predict_loop MODEL TEXTS [REPS]".into());
    };
    let reps: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(1);
    let model = Model::load(model.as_ref())?;
    let texts = std::fs::read_to_string(texts)?;
    let lines: Vec<&str> = texts.lines().collect();
    let start = Instant::now();
    let mut confident = 0usize;
    for _ in 0..reps {
        for line in &lines {
            let p = model.predict(line, 3);
            confident += usize::from(p.heads.first().is_some_and(|h| h.confidence > 0.5));
        }
    }
    let n = lines.len() * reps;
    println!("{n} predictions, {:.2} us mean, {confident} above 0.5", start.elapsed().as_secs_f64() * 1e6 / n as f64);
    Ok(())
}
