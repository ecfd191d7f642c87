//! Model file bytes: Model::from_bytes, then predict if it loaded. The first byte picks the
//! mode: odd = the rest is a payload that gets a valid header and checksum (so mutations
//! reach the payload decoder and consistency checks; bit 1 set = a format 1 header, else the
//! current format), even = the whole input is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use triagekit_model::{format, Model};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let wrapped;
    let bytes = if mode & 1 == 1 {
        let version = if mode & 2 == 2 { 1 } else { format::FORMAT_VERSION };
        wrapped = format::encode_version(version, rest);
        &wrapped[..]
    } else {
        data
    };
    let Ok(model) = Model::from_bytes(bytes) else { return };
    for text in ["vpn is down", "", "printer ✓ Grüße 12345 invoice invoice"] {
        let p = model.predict(text, 3);
        for head in &p.heads {
            assert!(head.confidence.is_finite() || head.top.is_empty(), "non-finite confidence");
        }
    }
    for head in model.heads() {
        let _ = model.predict_proba(head, "password reset");
    }
    let _ = model.predict_batch(&["a", "b c"], 2);
    // A model that loaded must save and load again.
    let again = Model::from_bytes(&model.to_bytes()).expect("re-load of a loaded model");
    assert_eq!(again.version(), model.version());
});
