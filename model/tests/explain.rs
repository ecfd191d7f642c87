//! `Model::explain`: the n-grams that decided a prediction, and that they add up.

mod common;

use triagekit_model::{Explanation, HeadExplanation, Model, NgramKind, TrainConfig};

const FILLER: &[&str] = &["my", "the", "is", "not", "working", "again", "please", "help", "today", "since", "monday"];

/// Three classes, each decided by one word that never appears in another class.
fn one_word_model(config: &TrainConfig) -> Model {
    let classes: &[(&str, &[&str])] =
        &[("hardware", &["printer"]), ("software", &["excel"]), ("access", &["password"])];
    let (texts, labels) = common::toy(classes, FILLER, 40, 7);
    Model::fit(&texts, &[("category".into(), labels)], config).unwrap()
}

/// `bias + listed + rest` is the score, and the score is `decision_function` of the label.
fn assert_adds_up(m: &Model, text: &str, e: &HeadExplanation) {
    let listed: f32 = e.supporting.iter().chain(&e.opposing).map(|c| c.contribution).sum();
    let total = e.bias + listed + e.rest;
    assert!((total - e.score).abs() < 1e-4 * (1.0 + e.score.abs()), "{total} vs {} for {text:?}", e.score);
    let classes = m.classes(&e.head).unwrap();
    let at = classes.iter().position(|c| *c == e.label).unwrap();
    let df = m.decision_function(&e.head, text).unwrap()[at];
    assert!((df - e.score).abs() < 1e-4 * (1.0 + df.abs()), "score {} vs decision value {df}", e.score);
}

#[test]
fn the_deciding_word_is_the_top_contributor() {
    let m = one_word_model(&common::fixed_config());
    let text = "my printer is not working since monday";
    let e = m.explain(text, 3);
    let head = e.head("category").unwrap();
    assert_eq!(head.label, "hardware");
    let top = &head.supporting[0];
    assert_eq!((top.ngram.as_str(), top.kind), ("printer", NgramKind::Word));
    assert!(top.contribution > 0.0 && top.from_chars > 0.0 && top.from_chars < top.contribution, "{top:?}");
    // The deciding word outweighs every other n-gram of the text together.
    let others: f32 = head.supporting[1..].iter().map(|c| c.contribution).sum::<f32>() + head.rest.max(0.0);
    assert!(top.contribution > others, "{head:?}");
    assert!(head.supporting.len() <= 3 && head.opposing.len() <= 3);
    assert!(head.supporting.windows(2).all(|w| w[0].contribution >= w[1].contribution));
    assert!(head.opposing.windows(2).all(|w| w[0].contribution <= w[1].contribution));
    assert!(head.opposing.iter().all(|c| c.contribution < 0.0));
    assert_adds_up(&m, text, head);
    // Another text, another deciding word: explanations follow the label.
    let e = m.explain("please help, excel crashes again", 1);
    let head = &e.heads[0];
    assert_eq!((head.label.as_str(), head.supporting[0].ngram.as_str()), ("software", "excel"));
}

#[test]
fn k_beyond_the_feature_count_lists_every_ngram_once_and_leaves_no_rest() {
    let m = one_word_model(&common::fixed_config());
    let text = "printer printer is broken";
    let e = m.explain(text, 1000);
    let head = &e.heads[0];
    let listed: Vec<(&str, NgramKind)> =
        head.supporting.iter().chain(&head.opposing).map(|c| (c.ngram.as_str(), c.kind)).collect();
    // Tokens printer, is, broken (a repeated word is one entry); bigrams "printer printer",
    // "printer is", "is broken". Unseen n-grams ("broken" and its bigram) contribute nothing or
    // only through char n-grams, so at most these six appear, each once.
    assert!(listed.len() <= 6, "{listed:?}");
    let mut dedup = listed.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), listed.len(), "no n-gram twice: {listed:?}");
    assert!(listed.contains(&("printer", NgramKind::Word)));
    assert!(head.rest.abs() < 1e-6, "everything is listed, rest {}", head.rest);
    assert_adds_up(&m, text, head);
    assert!(m.explain(text, 0).heads[0].supporting.is_empty());
}

#[test]
fn empty_text_is_explained_by_the_bias_alone() {
    let m = one_word_model(&common::fixed_config());
    for text in ["", "   ", "!!! ..."] {
        let e = m.explain(text, 5);
        let head = &e.heads[0];
        assert_eq!(head.label, m.predict(text, 1).heads[0].label, "{text:?}");
        assert!(head.supporting.is_empty() && head.opposing.is_empty() && head.rest == 0.0);
        assert_eq!(head.score, head.bias);
        assert_adds_up(&m, text, head);
    }
}

#[test]
fn ties_are_ordered_by_position_in_the_text() {
    // "alpha" and "beta" always occur together, so their columns (and weights) are identical;
    // word unigrams only, so nothing else tells them apart.
    let config = TrainConfig { word_ngram_max: 1, char_ngram_min: 0, ..common::fixed_config() };
    let classes: &[(&str, &[&str])] = &[("one", &["alpha beta"]), ("two", &["gamma"])];
    let (texts, labels) = common::toy(classes, FILLER, 30, 3);
    let m = Model::fit(&texts, &[("category".into(), labels)], &config).unwrap();
    let names = |e: &Explanation| e.heads[0].supporting.iter().map(|c| c.ngram.clone()).collect::<Vec<_>>();
    let ab = m.explain("alpha beta", 2);
    let ba = m.explain("beta alpha", 2);
    assert_eq!(ab.heads[0].supporting[0].contribution, ab.heads[0].supporting[1].contribution, "a real tie");
    assert_eq!(names(&ab), ["alpha", "beta"]);
    assert_eq!(names(&ba), ["beta", "alpha"]);
    // The same call gives the same answer, on any thread.
    let again = std::thread::spawn(move || m.explain("beta alpha", 2)).join().unwrap();
    assert_eq!(again, ba);
}

#[test]
fn every_head_of_the_fixture_agrees_with_predict_and_adds_up() {
    let data = common::fixture(&["category", "priority", "group"]);
    let m = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    for text in data.texts.iter().take(60).chain([&"Ошибка ORA-12154 при входе, call 555 or mail a@b.com".to_string()]) {
        let p = m.predict(text, 1);
        let e = m.explain(text, 4);
        assert_eq!(e.heads.len(), 3);
        for (ph, eh) in p.heads.iter().zip(&e.heads) {
            assert_eq!((&ph.head, &ph.label, ph.confidence), (&eh.head, &eh.label, eh.confidence), "{text:?}");
            assert_adds_up(&m, text, eh);
        }
    }
    // Placeholders are named for people, not shown as private-use characters.
    let e = m.explain("card declined, call 555 555 or mail a@b.com", 50);
    let all: Vec<&str> = e.heads.iter().flat_map(|h| h.supporting.iter().chain(&h.opposing)).map(|c| c.ngram.as_str()).collect();
    assert!(all.iter().all(|s| !s.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c))), "{all:?}");
    assert!(all.iter().any(|s| s.contains("<number>") || s.contains("<email>")), "{all:?}");
}
