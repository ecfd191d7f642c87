//! Loading CSV and JSON Lines training data.

use std::path::Path;

use triagekit_model::{load_labelled, ModelError};

fn cols(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn write(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn csv_edge_cases() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(50);
    let csv = format!(
        "\u{feff}Short description,Description,category,priority\n\
         \"VPN down\",\"line one\nline two, with comma and \"\"quotes\"\"\",network,high\n\
         Printer,,hardware,\n\
         ,only body,,low\n\
         Single,one example,unique-label,low\n\
         Long,{long},network\n"
    );
    let p = write(dir.path(), "t.csv", csv.as_bytes());
    let d = load_labelled(&p, &cols(&["Short description", "Description"]), &cols(&["category", "priority"]), 20).unwrap();
    assert_eq!(d.rows, 5);
    assert_eq!(d.texts[0], "VPN down\nline one\nli"); // joined, then capped at 20 chars
    assert_eq!(d.texts[1], "Printer");
    assert_eq!(d.texts[2], "only body");
    assert_eq!(d.texts[4].chars().count(), 20);
    assert_eq!(d.heads[0].0, "category");
    assert_eq!(d.heads[0].1[2], None);
    assert_eq!(d.heads[0].1[3].as_deref(), Some("unique-label"));
    assert_eq!(d.heads[1].1[4], None, "missing trailing field is an empty label");
    assert_eq!(d.skipped_empty, vec![("category".to_string(), 1), ("priority".to_string(), 2)]);
    assert!(d.data_hash.starts_with("xxh3-128:"));
}

#[test]
fn missing_column_lists_available_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "t.csv", b"subject,body,category\na,b,c\n");
    match load_labelled(&p, &cols(&["subject"]), &cols(&["queue"]), 100) {
        Err(ModelError::MissingColumn { column, available }) => {
            assert_eq!(column, "queue");
            assert_eq!(available, cols(&["subject", "body", "category"]));
        }
        other => panic!("expected MissingColumn, got {other:?}"),
    }
    match load_labelled(&dir.path().join("nope.csv"), &cols(&["a"]), &cols(&["b"]), 100) {
        Err(ModelError::Io { .. }) => {}
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn csv_errors_carry_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "t.csv", b"text,label\nok,a\n\"unterminated,b\n");
    // An unterminated quote swallows the rest of the file: csv reports it as a record, so the
    // loader must not panic; either outcome is fine as long as errors name a row.
    match load_labelled(&p, &cols(&["text"]), &cols(&["label"]), 100) {
        Ok(d) => assert!(d.rows >= 1),
        Err(ModelError::Csv { row, .. }) => assert!(row >= 1),
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

#[test]
fn jsonl_loading() {
    let dir = tempfile::tempdir().unwrap();
    let content = "{\"subject\":\"Card declined\",\"body\":\"at the shop\",\"category\":\"cards\",\"n\":3}\n\
                   \n\
                   {\"subject\":\"VPN\",\"body\":null,\"category\":\"\"}\n\
                   {\"subject\":\"Printer\",\"category\":\"hardware\",\"priority\":2}\n";
    let p = write(dir.path(), "t.jsonl", content.as_bytes());
    let d = load_labelled(&p, &cols(&["subject", "body"]), &cols(&["category"]), 1000).unwrap();
    assert_eq!(d.rows, 3);
    assert_eq!(d.texts, vec!["Card declined\nat the shop", "VPN", "Printer"]);
    assert_eq!(d.heads[0].1, vec![Some("cards".into()), None, Some("hardware".into())]);
    assert_eq!(d.skipped_empty[0].1, 1);
    // Numbers are accepted as labels.
    let d = load_labelled(&p, &cols(&["subject"]), &cols(&["priority"]), 1000).unwrap();
    assert_eq!(d.heads[0].1[2].as_deref(), Some("2"));

    let bad = write(dir.path(), "bad.ndjson", b"{\"a\":1}\n{oops\n");
    match load_labelled(&bad, &cols(&["a"]), &cols(&["a"]), 10) {
        Err(ModelError::Json { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected Json error, got {other:?}"),
    }
    // Content sniffing when the extension says nothing.
    let sniff = write(dir.path(), "data.txt", b"{\"t\":\"hello\",\"l\":\"x\"}\n");
    assert_eq!(load_labelled(&sniff, &cols(&["t"]), &cols(&["l"]), 10).unwrap().texts, vec!["hello"]);
    match load_labelled(&p, &cols(&["subject"]), &cols(&["queue"]), 10) {
        Err(ModelError::MissingColumn { available, .. }) => assert!(available.contains(&"subject".to_string())),
        other => panic!("expected MissingColumn, got {other:?}"),
    }
}
