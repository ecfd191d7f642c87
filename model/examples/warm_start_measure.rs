//! Cold vs warm fit on a dataset folder (`train.csv`, `test.csv`, columns `text`,`category`):
//! `cargo run --release -p triagekit-model --example warm_start_measure -- DIR [relabel|grow]`.
//! `grow`: old = 90 % of train (every tenth row left out), new = all train; `relabel`: old = all train with 5 % of
//! labels moved to another class, new = all train with those labels corrected. Prints fit seconds, passes, accuracy and
//! test log-loss (times are indicative only on a shared machine).

use std::path::Path;
use std::time::Instant;

use triagekit_model::{load_labelled, Model, TrainConfig};

type Heads = Vec<(String, Vec<Option<String>>)>;

fn score(model: &Model, texts: &[String], labels: &[Option<String>]) -> (f64, f64) {
    let classes = model.classes("category").unwrap_or_default();
    let (mut right, mut nll) = (0usize, 0f64);
    for (t, l) in texts.iter().zip(labels) {
        let p = model.predict_proba("category", t).unwrap_or_default();
        let best = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
        let truth = classes.iter().position(|c| Some(c) == l.as_ref());
        right += usize::from(truth == Some(best));
        nll -= truth.map_or(1e-7, |i| f64::from(p[i]).max(1e-7)).ln();
    }
    (right as f64 / texts.len() as f64, nll / texts.len() as f64)
}

fn timed(what: &str, f: impl FnOnce() -> Model, test: &(Vec<String>, Vec<Option<String>>)) -> Model {
    let started = Instant::now();
    let m = f();
    let secs = started.elapsed().as_secs_f64();
    let (acc, ll) = score(&m, &test.0, &test.1);
    let h = &m.metadata().heads[0];
    println!("{what:<28} total {secs:6.2} s  head {:6.2} s  passes {:7.1}  acc {acc:.4}  logloss {ll:.4}  T {:.3}", h.fit_seconds, h.solver_passes, h.temperature);
    m
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map(String::as_str).unwrap_or("../shared/datasets/banking77"));
    let mode = args.get(2).map(String::as_str).unwrap_or("grow");
    let cols = |s: &str| vec![s.to_string()];
    let train = load_labelled(&dir.join("train.csv"), &cols("text"), &cols("category"), 20_000)?;
    let test = load_labelled(&dir.join("test.csv"), &cols("text"), &cols("category"), 20_000)?;
    let test = (test.texts, test.heads[0].1.clone());
    let config = TrainConfig::default();
    let texts = train.texts.clone();
    let labels = train.heads[0].1.clone();
    let (old_texts, old_heads): (Vec<String>, Heads) = if mode == "relabel" {
        let mut classes: Vec<String> = labels.iter().flatten().cloned().collect();
        classes.sort();
        classes.dedup();
        let mut wrong = labels.clone();
        for (i, l) in wrong.iter_mut().enumerate().filter(|(i, _)| i % 20 == 7) {
            let at = classes.iter().position(|c| Some(c) == l.as_ref()).unwrap_or(0);
            *l = Some(classes[(at + 1 + i % 3) % classes.len()].clone());
        }
        (texts.clone(), vec![("category".into(), wrong)])
    } else {
        // Every tenth row is new: the old model saw the other 90 %.
        let keep = |i: usize| i % 10 != 3;
        let old_texts = texts.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, t)| t.clone()).collect();
        let old_labels = labels.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, l)| l.clone()).collect();
        (old_texts, vec![("category".into(), old_labels)])
    };
    let new_heads: Heads = vec![("category".into(), labels)];
    let old = timed("old", || Model::fit(&old_texts, &old_heads, &config).expect("old fit"), &test);
    timed("cold (new data)", || Model::fit(&texts, &new_heads, &config).expect("cold fit"), &test);
    timed("warm (new data)", || Model::fit_warm(&texts, &new_heads, &config, &old).expect("warm fit"), &test);
    Ok(())
}
