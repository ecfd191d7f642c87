//! How numbers and codes (`job_1424`, `0x80070005`, `ora-12154`, `10.2.3.4`) become tokens.
//!
//! `Fold` is the historical behaviour (punctuation splits a code, all-digit parts become one
//! placeholder). The keep modes let a whitespace chunk that holds a digit survive as one
//! token plus its parts, because job names and error codes carry the assignment group.

/// Number and code handling of the text pipeline (training option `numbers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberMode {
    /// Split codes on punctuation and fold all-digit tokens into one placeholder (before 0.2).
    Fold,
    /// Keep a code as one token plus its punctuation-separated parts; never fold digits.
    Keep,
    /// As `Keep`, and add a shape token (`4 digits`, `hex`, `ip`, ...) after each token with a
    /// digit; the default.
    #[default]
    KeepWithShape,
}

impl NumberMode {
    /// Name as accepted by `FromStr` and the options object.
    pub fn as_str(&self) -> &'static str {
        match self {
            NumberMode::Fold => "fold",
            NumberMode::Keep => "keep",
            NumberMode::KeepWithShape => "keep_with_shape",
        }
    }

    /// Byte stored in the model file (absent for `Fold`, so fold models keep their old bytes).
    pub(crate) fn code(&self) -> u8 {
        match self {
            NumberMode::Fold => 0,
            NumberMode::Keep => 1,
            NumberMode::KeepWithShape => 2,
        }
    }

    /// The mode a stored byte means.
    pub(crate) fn from_code(code: u8) -> Option<NumberMode> {
        [NumberMode::Fold, NumberMode::Keep, NumberMode::KeepWithShape].into_iter().find(|m| m.code() == code)
    }

    fn parse(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "fold" => Ok(NumberMode::Fold),
            "keep" => Ok(NumberMode::Keep),
            "keep_with_shape" => Ok(NumberMode::KeepWithShape),
            _ => Err(format!("unknown number handling {s:?} (expected fold, keep or keep_with_shape)")),
        }
    }
}

impl std::fmt::Display for NumberMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::option_parse::string_option!(NumberMode, "numbers");

/// First char of every shape token (private use: never typed, gets no char n-grams).
pub const SHAPE_PREFIX: char = '\u{E003}';

/// Longest chunk treated as a code (longer ones are split as usual; bounds the stack buffer).
pub const MAX_CODE_LEN: usize = 64;

/// Punctuation that joins the parts of one code rather than separating words.
fn is_joiner(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.' | b':' | b'/')
}

/// The code in a whitespace chunk (wrapping punctuation trimmed), if it is one: ASCII letters,
/// digits and joiners only, at least one digit, starting and ending alphanumeric.
pub fn as_code(chunk: &str) -> Option<&str> {
    let c = chunk.trim_matches(|ch: char| ch.is_ascii_punctuation());
    let b = c.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= MAX_CODE_LEN
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(|&x| x.is_ascii_alphanumeric() || is_joiner(x));
    ok.then_some(c)
}

/// True when a code has parts worth adding (it contains a joiner).
pub fn has_parts(code: &str) -> bool {
    code.bytes().any(is_joiner)
}

/// The shape token of a token that holds a digit, written into `out` (cleared first).
pub fn shape_of(tok: &str, out: &mut String) {
    out.clear();
    out.push(SHAPE_PREFIX);
    let b = tok.as_bytes();
    let hex = b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' && b[2..].iter().all(u8::is_ascii_hexdigit);
    let octets: Vec<&str> = tok.split('.').collect();
    let ip = octets.len() == 4 && octets.iter().all(|o| (1..=3).contains(&o.len()) && o.bytes().all(|x| x.is_ascii_digit()));
    if hex {
        out.push_str("hex");
    } else if ip {
        out.push_str("ip");
    } else if b.iter().all(u8::is_ascii_digit) {
        out.push_str(&format!("{} digits", b.len()));
    } else {
        // Word shape: a letter run is `a`, a digit run its length, anything else itself.
        let mut chars = tok.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch.is_ascii_digit() {
                let mut n = 1;
                while chars.next_if(char::is_ascii_digit).is_some() {
                    n += 1;
                }
                out.push_str(&n.to_string());
            } else if ch.is_alphabetic() {
                while chars.next_if(|c| c.is_alphabetic()).is_some() {}
                out.push('a');
            } else {
                out.push(ch);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ModelError;

    fn shape(tok: &str) -> String {
        let mut s = String::new();
        shape_of(tok, &mut s);
        s.trim_start_matches(SHAPE_PREFIX).to_string()
    }

    #[test]
    fn codes_are_recognised() {
        assert_eq!(as_code("(job_1424),"), Some("job_1424"));
        assert_eq!(as_code("10.2.3.4."), Some("10.2.3.4"));
        assert_eq!(as_code("error#404"), None);
        assert_eq!(as_code("vpn_client"), None);
        assert!(!has_parts("kb4023057") && has_parts("ora-12154"));
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("1424"), "4 digits");
        assert_eq!(shape("0x80070005"), "hex");
        assert_eq!(shape("10.2.3.4"), "ip");
        assert_eq!(shape("job_1424"), "a_4");
        assert_eq!(shape("ora-12154"), "a-5");
        assert_eq!(shape("kb4023057"), "a7");
    }

    #[test]
    fn names_round_trip_and_bad_names_are_invalid_config() {
        for m in [NumberMode::Fold, NumberMode::Keep, NumberMode::KeepWithShape] {
            assert_eq!(m.as_str().parse::<NumberMode>().unwrap(), m);
            assert_eq!(NumberMode::from_code(m.code()), Some(m));
        }
        assert_eq!("keep-with-shape".parse::<NumberMode>().unwrap(), NumberMode::KeepWithShape);
        let err = "round".parse::<NumberMode>().unwrap_err();
        assert!(matches!(&err, ModelError::InvalidConfig { field, .. } if field == "numbers"), "{err}");
        assert_eq!(NumberMode::from_code(9), None);
    }
}
