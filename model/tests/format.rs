//! Model file: round trip, determinism, and rejection of bad files without panics.

mod common;

use proptest::prelude::*;
use triagekit_model::{FormatError, Model, ModelError};

fn small_model() -> Model {
    let data = common::fixture(&["category", "priority"]);
    Model::fit(&data.texts, &data.heads, &common::fixed_config()).expect("fit")
}

fn format_err(r: Result<Model, ModelError>) -> FormatError {
    match r {
        Err(ModelError::Format(f)) => f,
        Err(e) => panic!("expected a format error, got {e:?}"),
        Ok(_) => panic!("expected a format error, got a model"),
    }
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let data = common::fixture(&["category", "priority", "group"]);
    let a = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    let b = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    assert_eq!(a.to_bytes(), b.to_bytes());
    assert_eq!(a.version(), b.version());
}

#[test]
fn thread_count_does_not_change_the_model() {
    let data = common::fixture(&["category", "priority"]);
    let fit = || Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap().to_bytes();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(fit);
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap().install(fit);
    assert_eq!(one, three);
}

#[test]
fn save_load_round_trip_predicts_identically() {
    let m = small_model();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.tkm");
    m.save(&path).unwrap();
    let l = Model::load(&path).unwrap();
    assert_eq!(m.version(), l.version());
    assert_eq!(m.metadata().heads.len(), l.metadata().heads.len());
    assert_eq!(m.heads(), l.heads());
    let data = common::fixture(&["category"]);
    for t in data.texts.iter().take(100) {
        assert_eq!(m.predict(t, 3), l.predict(t, 3));
        assert_eq!(m.predict_proba("priority", t).unwrap(), l.predict_proba("priority", t).unwrap());
    }
    assert_eq!(l.to_bytes(), m.to_bytes());
}

#[test]
fn rejects_foreign_truncated_corrupt_and_newer_files() {
    let bytes = small_model().to_bytes();
    assert_eq!(format_err(Model::from_bytes(b"PK\x03\x04 not a model at all")), FormatError::BadMagic);
    assert_eq!(format_err(Model::from_bytes(b"")), FormatError::Truncated { expected: 24, found: 0 });
    assert!(matches!(format_err(Model::from_bytes(&bytes[..bytes.len() - 10])), FormatError::Truncated { .. }));
    assert!(matches!(format_err(Model::from_bytes(&bytes[..10])), FormatError::Truncated { .. }));

    let mut corrupt = bytes.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0x55;
    assert_eq!(format_err(Model::from_bytes(&corrupt)), FormatError::ChecksumMismatch);

    let mut newer = bytes.clone();
    newer[8..12].copy_from_slice(&99u32.to_le_bytes());
    assert_eq!(format_err(Model::from_bytes(&newer)), FormatError::UnsupportedVersion { found: 99, supported: triagekit_model::format::FORMAT_VERSION });

    // A huge declared length is refused from the header alone.
    let mut huge = bytes[..24].to_vec();
    huge[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(format_err(Model::from_bytes(&huge)), FormatError::Corrupt(_)));

    // Valid envelope around a garbage payload: checksum passes, decoding reports corruption.
    let garbage = b"\x05\x01\x02garbage payload".to_vec();
    let mut env = b"TKMODEL\0".to_vec();
    env.extend_from_slice(&1u32.to_le_bytes());
    env.extend_from_slice(&(garbage.len() as u64).to_le_bytes());
    env.extend_from_slice(&crc32fast_hash(&garbage).to_le_bytes());
    env.extend_from_slice(&garbage);
    assert!(matches!(format_err(Model::from_bytes(&env)), FormatError::Corrupt(_)));

    // Files on disk go through the same checks.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.tkm");
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(format_err(Model::load(&p)), FormatError::Truncated { .. }));
    assert!(matches!(Model::load(&dir.path().join("missing.tkm")), Err(ModelError::Io { .. })));
}

fn crc32fast_hash(b: &[u8]) -> u32 {
    // Same CRC-32 (IEEE) as the writer, computed bitwise to keep the test independent.
    let mut crc = !0u32;
    for &byte in b {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn payload_mutations_with_fixed_checksum_never_panic() {
    // Re-stamp the checksum after each mutation so the decoder itself is exercised.
    let bytes = small_model().to_bytes();
    let mut rng = common::Lcg(99);
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..1 + rng.next() % 4 {
            let i = 24 + (rng.next() as usize) % (b.len() - 24);
            b[i] = rng.next() as u8;
        }
        let crc = crc32fast_hash(&b[24..]);
        b[20..24].copy_from_slice(&crc.to_le_bytes());
        if let Ok(m) = Model::from_bytes(&b) {
            let _ = m.predict("vpn keeps dropping", 3);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Model::from_bytes(&data);
        let mut with_magic = b"TKMODEL\0\x01\0\0\0".to_vec();
        with_magic.extend_from_slice(&data);
        let _ = Model::from_bytes(&with_magic);
    }
}

/// Found by the `model_load` fuzz target: a payload with bytes after the encoded model loaded,
/// and the same model then saved and loaded again got a different version.
#[test]
fn junk_after_the_payload_is_rejected() {
    let bytes = small_model().to_bytes();
    let mut payload = triagekit_model::format::decode(&bytes).unwrap().to_vec();
    payload.extend_from_slice(b"junk");
    let wrapped = triagekit_model::format::encode(&payload);
    assert!(matches!(format_err(Model::from_bytes(&wrapped)), FormatError::Corrupt(m) if m.contains("unread bytes")));
}

/// The fuzz input itself (first byte = mode, the rest a payload the target wraps in a header).
#[test]
fn fuzz_model_load_version_drift_regression() {
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fuzz-model-load-version-drift.bin")).unwrap();
    // A version 1 payload (the format of the time).
    let wrapped = triagekit_model::format::encode_version(1, &input[1..]);
    // It used to load (with a version its own re-save did not keep); it has bytes after the model.
    assert!(matches!(format_err(Model::from_bytes(&wrapped)), FormatError::Corrupt(m) if m.contains("unread bytes")));
}

/// Second `model_load` finding: the same model in a non-minimal encoding (no trailing bytes)
/// loaded with a version its re-save did not keep. Now rejected.
#[test]
fn fuzz_model_load_noncanonical_regression() {
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fuzz-model-load-noncanonical.bin")).unwrap();
    let wrapped = triagekit_model::format::encode_version(1, &input[1..]);
    assert!(matches!(format_err(Model::from_bytes(&wrapped)), FormatError::Corrupt(m) if m.contains("canonical")));
}

#[test]
fn over_long_varint_is_rejected() {
    let bytes = small_model().to_bytes();
    let payload = triagekit_model::format::decode(&bytes).unwrap();
    // The payload starts with the pipeline config; find a one-byte varint and spell it in two
    // bytes (0x80 | v, 0x00), which postcard decodes to the same value.
    let mut found = false;
    for i in 0..payload.len().min(64) {
        if payload[i] >= 0x80 {
            continue;
        }
        let mut longer = payload[..i].to_vec();
        longer.extend_from_slice(&[payload[i] | 0x80, 0x00]);
        longer.extend_from_slice(&payload[i + 1..]);
        let wrapped = triagekit_model::format::encode(&longer);
        if let Err(ModelError::Format(FormatError::Corrupt(m))) = Model::from_bytes(&wrapped) {
            if m.contains("canonical") {
                found = true;
                break;
            }
        }
    }
    assert!(found, "no over-long varint spelling was detected as non-canonical");
}

/// A model written by triagekit 0.1 (format 1, `hash_bits` 12, trained on the first 120 rows
/// of `fixtures/train/tickets.csv`) with the predictions that build made for its first 5 texts.
#[test]
fn format_1_files_still_load_and_predict_as_written() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let bytes = std::fs::read(format!("{dir}/v1-small.tkm")).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 1, "the fixture is a format 1 file");
    let m = Model::from_bytes(&bytes).unwrap();
    let want: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/v1-small.predictions.json")).unwrap()).unwrap();
    let data = common::fixture(&["category"]);
    for (i, want) in want.as_array().unwrap().iter().enumerate() {
        let got = serde_json::to_value(m.predict(&data.texts[i], 3)).unwrap();
        for (g, w) in got["heads"].as_array().unwrap().iter().zip(want["heads"].as_array().unwrap()) {
            assert_eq!(g["label"], w["label"], "text {i}");
            let (gc, wc) = (g["confidence"].as_f64().unwrap(), w["confidence"].as_f64().unwrap());
            // Loading rounds idf and scales to the bfloat16 that format 2 stores.
            assert!((gc - wc).abs() < 0.02, "text {i}: {gc} vs {wc}");
        }
    }
    // Saved again it is a format 2 file of the same model: same version, same predictions.
    let again = Model::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(u32::from_le_bytes(again.to_bytes()[8..12].try_into().unwrap()), triagekit_model::format::FORMAT_VERSION);
    assert_eq!(again.version(), m.version());
    assert_eq!(again.predict(&data.texts[0], 3), m.predict(&data.texts[0], 3));
    assert!(again.to_bytes().len() < bytes.len(), "format 2 is smaller");
}
