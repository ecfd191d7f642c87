//! Training behaviour: multi-head, non-Latin scripts, calibration, naive Bayes, errors.

mod common;

use triagekit_model::{evaluate, Algorithm, Model, ModelError, TrainConfig, TrainProgress};

#[test]
fn multi_head_fixture_model() {
    let data = common::fixture(&["category", "priority", "group"]);
    assert!(data.rows >= 250);
    let m = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    assert_eq!(m.heads(), vec!["category", "priority", "group"]);
    assert!(m.classes("category").unwrap().contains(&"cards".to_string()));
    assert!(m.classes("nope").is_none());
    let p = m.predict("My corporate card was declined at the hotel", 3);
    assert_eq!(p.heads.len(), 3);
    assert_eq!(p.head("category").unwrap().label, "cards");
    assert_eq!(p.head("group").unwrap().label, "payments");
    assert_eq!(p.heads[0].top.len(), 3);
    assert!(p.heads[0].top.windows(2).all(|w| w[0].1 >= w[1].1));
    let probs = m.predict_proba("category", "vpn keeps disconnecting").unwrap();
    assert_eq!(probs.len(), m.classes("category").unwrap().len());
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    assert!(matches!(m.predict_proba("nope", "x"), Err(ModelError::UnknownHead(_))));
    assert_eq!(m.decision_function("group", "x").unwrap().len(), m.classes("group").unwrap().len());
    let meta = m.metadata();
    assert_eq!(meta.heads[0].rows, data.rows as u64);
    assert!(meta.heads[0].train_accuracy > 0.95);
    assert_eq!(meta.algorithm, "linear");
    // Batch equals one-by-one.
    let refs: Vec<&str> = data.texts.iter().take(50).map(String::as_str).collect();
    let batch = m.predict_batch(&refs, 2);
    for (t, b) in refs.iter().zip(&batch) {
        assert_eq!(&m.predict(t, 2), b);
    }
    // Empty text still predicts (prior-ish), never panics.
    assert_eq!(m.predict("", 1).heads.len(), 3);
    let _ = serde_json::to_string(meta).unwrap();
}

#[test]
fn held_out_accuracy_and_calibration() {
    let data = common::fixture(&["category", "priority"]);
    let n = data.texts.len();
    let cut = n * 7 / 10;
    let train_heads: Vec<_> = data.heads.iter().map(|(h, l)| (h.clone(), l[..cut].to_vec())).collect();
    let test_heads: Vec<_> = data.heads.iter().map(|(h, l)| (h.clone(), l[cut..].to_vec())).collect();
    let m = Model::fit(&data.texts[..cut], &train_heads, &common::fixed_config()).unwrap();
    let r = evaluate(&m, &data.texts[cut..], &test_heads).unwrap();
    let cat = &r.heads["category"];
    assert!(cat.accuracy > 0.9, "category accuracy {}", cat.accuracy);
    assert!(cat.macro_f1 > 0.85);
    assert_eq!(cat.confusion.matrix.len(), cat.confusion.labels.len());
    // Priority is noisy: plenty of wrong predictions to compare confidences on.
    let pri = &r.heads["priority"];
    let mean = |right: bool| {
        let v: Vec<f32> = pri.examples.iter().filter(|e| (e.truth == e.predicted) == right).map(|e| e.confidence).collect();
        v.iter().sum::<f32>() / v.len().max(1) as f32
    };
    let wrong = pri.examples.iter().filter(|e| e.truth != e.predicted).count();
    assert!(wrong > 5, "need wrong predictions to test calibration");
    assert!(mean(false) < mean(true), "wrong {} vs right {}", mean(false), mean(true));
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["heads"]["category"]["per_class"]["cards"]["f1"].is_number());
}

#[test]
fn non_latin_tickets() {
    let classes: [(&str, &[&str]); 3] = [
        ("access", &["пароль", "войти", "учётная", "запись", "заблокирована", "密码", "登录", "账户"]),
        ("network", &["сеть", "интернет", "впн", "wifi", "网络", "连接", "断开", "路由器"]),
        ("billing", &["счёт", "оплата", "возврат", "деньги", "发票", "付款", "退款", "账单"]),
    ];
    let filler = ["пожалуйста", "помогите", "срочно", "请", "帮助", "谢谢", "не", "работает"];
    let (texts, labels) = common::toy(&classes, &filler, 30, 5);
    let m = Model::fit(&texts, &[("category".into(), labels)], &common::fixed_config()).unwrap();
    assert_eq!(m.predict("Не могу войти, пароль не подходит", 1).heads[0].label, "access");
    assert_eq!(m.predict("ВПН постоянно отключается, интернет пропадает", 1).heads[0].label, "network");
    assert_eq!(m.predict("我的网络连接断开了", 1).heads[0].label, "network");
    assert_eq!(m.predict("请处理退款和发票", 1).heads[0].label, "billing");
    assert_eq!(m.predict("账户登录密码错误", 1).heads[0].label, "access");
}

#[test]
fn naive_bayes_trains_and_predicts() {
    let data = common::fixture(&["category", "group"]);
    let cfg = TrainConfig { algorithm: Algorithm::NaiveBayes, nb_max_features: 128, ..common::fixed_config() };
    let m = Model::fit(&data.texts, &data.heads, &cfg).unwrap();
    assert_eq!(m.metadata().algorithm, "naive-bayes");
    assert!(m.metadata().heads[0].train_accuracy > 0.7, "{:?}", m.metadata().heads[0]);
    let p = m.predict("Printer jammed again on floor 3, paper stuck", 2);
    assert_eq!(p.head("category").unwrap().label, "hardware");
    let back = Model::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(back.predict("printer jam", 2), m.predict("printer jam", 2));
    assert_eq!("naive-bayes".parse::<Algorithm>().unwrap(), Algorithm::NaiveBayes);
    assert_eq!("linear".parse::<Algorithm>().unwrap(), Algorithm::Linear);
    assert!("svm2".parse::<Algorithm>().is_err());
}

#[test]
fn labels_edge_cases_and_errors() {
    let texts: Vec<String> = ["vpn down", "vpn broken", "card lost", "card declined", "weird one"].iter().map(|s| s.to_string()).collect();
    let labels = vec![Some("network".into()), Some("network".into()), Some("cards".into()), None, Some("  ".into())];
    let single = vec![Some("only".into()); 5];
    let heads = vec![("category".to_string(), labels.clone()), ("category2".to_string(), labels)];
    let events = std::sync::Mutex::new(Vec::new());
    let m = Model::fit_with_progress(&texts, &heads, &common::fixed_config(), &|e| events.lock().unwrap().push(e)).unwrap();
    let meta = &m.metadata().heads;
    assert_eq!((meta[0].rows, meta[0].skipped, meta[0].classes), (3, 2, 2));
    // A head whose every label is the same class says nothing and is refused (as scikit-learn does).
    let constant = vec![heads[0].clone(), ("constant".to_string(), single)];
    assert!(matches!(Model::fit(&texts, &constant, &common::fixed_config()), Err(ModelError::InvalidInput(_))));
    assert_eq!(m.predict("vpn", 5).heads[0].top.len(), 2, "k is capped at the class count");
    let events = events.into_inner().unwrap();
    assert!(events.iter().any(|e| matches!(e, TrainProgress::HeadFinished { .. })));
    assert!(events.iter().any(|e| matches!(e, TrainProgress::ClassDone { .. })));

    let cfg = common::fixed_config();
    assert!(matches!(Model::fit(&[], &heads, &cfg), Err(ModelError::NoData(_))));
    assert!(matches!(Model::fit(&texts, &[], &cfg), Err(ModelError::InvalidInput(_))));
    let empty = vec![("category".to_string(), vec![None; 5])];
    assert!(matches!(Model::fit(&texts, &empty, &cfg), Err(ModelError::NoData(_))));
    let short = vec![("category".to_string(), vec![None; 2])];
    assert!(matches!(Model::fit(&texts, &short, &cfg), Err(ModelError::InvalidInput(_))));
    let bad = TrainConfig { hash_bits: 40, ..cfg.clone() };
    assert!(matches!(Model::fit(&texts, &heads, &bad), Err(ModelError::InvalidConfig { .. })));
    let bad_c = TrainConfig { c: -1.0, ..cfg };
    assert!(Model::fit(&texts, &heads, &bad_c).is_err());
}

#[test]
fn very_long_text_is_capped() {
    let data = common::fixture(&["category"]);
    let cfg = TrainConfig { max_text_chars: 200, ..common::fixed_config() };
    let m = Model::fit(&data.texts, &data.heads, &cfg).unwrap();
    let long = format!("vpn keeps disconnecting {}", "lorem ipsum ".repeat(100_000));
    let p = m.predict(&long, 1);
    assert_eq!(p.heads[0].label, "network");
    assert_eq!(m.metadata().max_text_chars, 200);
}
