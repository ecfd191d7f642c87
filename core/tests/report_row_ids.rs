//! The report's label-next rows carry the caller's row ids when given (a DataFrame's index
//! from Python), and writing a report creates its folder.

use triagekit::model::{evaluate, Model, TrainConfig};
use triagekit::report::{build_report, ReportInput};

#[test]
fn label_next_uses_row_ids_and_write_creates_the_folder() {
    let texts: Vec<String> = ["vpn down", "vpn broken", "card lost", "card declined", "vpn card"]
        .map(String::from)
        .to_vec();
    let labels = ["net", "net", "pay", "pay", "net"].map(|l| Some(l.to_string())).to_vec();
    let heads = vec![("category".to_string(), labels)];
    let config = TrainConfig { created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() };
    let model = Model::fit(&texts, &heads, &config).unwrap();
    let eval = evaluate(&model, &texts, &heads).unwrap();
    let ids: Vec<String> = ["T-10", "T-11", "T-12", "T-13", "T-14"].map(String::from).to_vec();
    let input = ReportInput { row_ids: Some(&ids), ..ReportInput::new(&eval, &texts) };
    let report = build_report(&input).unwrap();
    assert_eq!(report.label_next.len(), 5);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not/yet/there/r.html");
    let files = report.write(&path).unwrap();
    assert!(files.html.is_file() && files.thresholds.is_file());
    let csv = std::fs::read_to_string(&files.to_label).unwrap();
    let mut shown: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    shown.sort_unstable();
    assert_eq!(shown, ["T-10", "T-11", "T-12", "T-13", "T-14"]);
    for r in &report.label_next {
        assert_eq!(r.id.as_deref(), Some(ids[r.row].as_str()), "the id of the row it lists");
        assert_eq!(r.text, texts[r.row]);
    }
    assert!(std::fs::read_to_string(&files.html).unwrap().contains("<td class=\"num\">T-1"));

    // Without ids the rows are 0-based positions, as before.
    let plain = build_report(&ReportInput::new(&eval, &texts)).unwrap();
    assert!(plain.to_label_csv().lines().skip(1).all(|l| l.split(',').next().unwrap().parse::<usize>().is_ok()));
}
