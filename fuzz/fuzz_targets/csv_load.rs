//! Training data bytes: load_labelled_from_bytes as CSV, TSV, JSON Lines or sniffed (first
//! byte picks the file extension), with fixed text and label columns.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use triagekit_model::load_labelled_from_bytes;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let name = ["data.csv", "data.tsv", "data.jsonl", "data"][usize::from(mode % 4)];
    let texts = ["subject".to_string(), "body".to_string()];
    let labels = ["category".to_string(), "priority".to_string()];
    let max_chars = if mode & 0x80 != 0 { 5 } else { 2000 };
    if let Ok(d) = load_labelled_from_bytes(Path::new(name), rest, &texts, &labels, max_chars) {
        assert_eq!(d.texts.len(), d.rows);
        for (_, l) in &d.heads {
            assert_eq!(l.len(), d.rows);
        }
        assert!(d.texts.iter().all(|t| t.chars().count() <= max_chars));
    }
});
