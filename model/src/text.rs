//! Text normalisation and pre-tokenisation.
//!
//! Non-ASCII text goes through the `tokenizers` crate (NFKC + lowercase normalisers, then
//! `BertPreTokenizer`), so every script splits the way BERT-style pipelines do. Pure ASCII
//! text (the common case) takes a hand-written path that yields exactly the same tokens:
//! NFKC and Unicode lowercasing are the identity / ASCII lowercasing there, and building a
//! `NormalizedString` (which keeps a per-byte alignment table) would cost more than the
//! whole rest of a prediction. A test checks both paths agree on ASCII input.

use tokenizers::normalizers::unicode::NFKC;
use tokenizers::normalizers::utils::Lowercase;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::{
    NormalizedString, Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer,
};

use crate::numbers::{as_code, has_parts, shape_of, NumberMode, MAX_CODE_LEN, SHAPE_PREFIX};

/// Placeholder token an e-mail address is folded into (private-use char: never punctuation).
pub const PH_EMAIL: &str = "\u{E000}";
/// Placeholder token a URL is folded into.
pub const PH_URL: &str = "\u{E001}";
/// Placeholder token a number is folded into.
pub const PH_NUM: &str = "\u{E002}";

/// Reusable token buffer: tokens are stored back to back in `buf`, delimited by `spans`.
#[derive(Default, Debug)]
pub struct Tokens {
    buf: String,
    spans: Vec<(u32, u32)>,
    /// Scratch for the slow (Unicode) path, kept to avoid reallocating.
    rebuilt: String,
    /// Scratch for shape tokens.
    shape: String,
}

/// How `tokenize` treats numbers: the mode, and (in `Fold` mode only) whether to fold digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    /// Fold, keep, or keep with shape tokens.
    pub mode: NumberMode,
    /// `Fold` mode folds all-digit tokens only when this is set (the old `fold_numbers`).
    pub fold_digits: bool,
}

impl Numbers {
    /// The historical behaviour: split codes, fold all-digit tokens.
    pub const FOLD: Numbers = Numbers { mode: NumberMode::Fold, fold_digits: true };

    fn keeps_codes(&self) -> bool {
        self.mode != NumberMode::Fold
    }
}

impl Tokens {
    /// Iterate over the tokens in text order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().map(move |&(s, e)| &self.buf[s as usize..e as usize])
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    fn push(&mut self, tok: &str, numbers: Numbers) {
        // Lone punctuation / symbol characters carry little signal (sklearn drops them too).
        let mut chars = tok.chars();
        match (chars.next(), chars.next()) {
            (None, _) => return,
            (Some(c), None) if !c.is_alphanumeric() && !is_placeholder(tok) => return,
            _ => {}
        }
        let fold = numbers.mode == NumberMode::Fold && numbers.fold_digits;
        let tok = if fold && tok.bytes().all(|b| b.is_ascii_digit()) { PH_NUM } else { tok };
        self.push_raw(tok);
        if numbers.mode == NumberMode::KeepWithShape && tok.bytes().any(|b| b.is_ascii_digit()) {
            let mut shape = std::mem::take(&mut self.shape);
            shape_of(tok, &mut shape);
            self.push_raw(&shape);
            self.shape = shape;
        }
    }

    fn push_raw(&mut self, tok: &str) {
        let start = self.buf.len() as u32;
        self.buf.push_str(tok);
        self.spans.push((start, self.buf.len() as u32));
    }

    /// A code (already lowercased) as one token (plus its shape), then its parts, unfolded.
    fn push_code(&mut self, code: &str, numbers: Numbers) {
        self.push(code, numbers);
        if has_parts(code) {
            let parts = Numbers { mode: NumberMode::Keep, fold_digits: false };
            for part in code.split(|c: char| c.is_ascii_punctuation()) {
                self.push(part, parts);
            }
        }
    }
}

/// True for the placeholder and shape tokens (they get no character n-grams).
pub fn is_placeholder(tok: &str) -> bool {
    tok == PH_EMAIL || tok == PH_URL || tok == PH_NUM || tok.starts_with(SHAPE_PREFIX)
}

/// Cut `text` to at most `max_chars` characters (on a char boundary).
pub fn cap_chars(text: &str, max_chars: usize) -> &str {
    if text.len() <= max_chars {
        return text;
    }
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Strip the punctuation that commonly wraps an address in prose: `<a@b.c>,` `(http://x).`
fn trim_wrapping(chunk: &str) -> &str {
    chunk.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\'' | ',' | '.' | ';' | ':' | '!' | '?'))
}

fn is_email(chunk: &str) -> bool {
    let c = trim_wrapping(chunk);
    match c.find('@') {
        Some(at) if at > 0 => {
            let domain = &c[at + 1..];
            domain.len() >= 3 && domain.contains('.') && !domain.starts_with('.') && !domain.contains('@')
        }
        _ => false,
    }
}

fn is_url(chunk: &str) -> bool {
    let c = trim_wrapping(chunk).as_bytes();
    let starts = |p: &[u8]| c.len() > p.len() && c[..p.len()].eq_ignore_ascii_case(p);
    starts(b"http://") || starts(b"https://") || starts(b"www.")
}

/// Normalise and pre-tokenise `text` into `out` (cleared first), capped at `max_chars` chars.
pub fn tokenize(text: &str, max_chars: usize, numbers: Numbers, out: &mut Tokens) {
    out.clear();
    let text = cap_chars(text, max_chars);
    if text.is_ascii() {
        tokenize_ascii(text, numbers, out);
    } else {
        tokenize_unicode(text, numbers, out);
    }
}

/// Lowercase an ASCII code into `buf` (codes are at most `MAX_CODE_LEN` bytes).
fn lower_code<'b>(code: &str, buf: &'b mut [u8; MAX_CODE_LEN]) -> Option<&'b str> {
    let dst = buf.get_mut(..code.len())?;
    for (d, s) in dst.iter_mut().zip(code.as_bytes()) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(dst).ok()
}

fn tokenize_ascii(text: &str, numbers: Numbers, out: &mut Tokens) {
    let mut lower = [0u8; 64];
    let mut code_buf = [0u8; MAX_CODE_LEN];
    for chunk in text.split_ascii_whitespace() {
        if is_email(chunk) {
            out.push(PH_EMAIL, numbers);
            continue;
        }
        if is_url(chunk) {
            out.push(PH_URL, numbers);
            continue;
        }
        if numbers.keeps_codes() {
            if let Some(code) = as_code(chunk).and_then(|c| lower_code(c, &mut code_buf)) {
                out.push_code(code, numbers);
                continue;
            }
        }
        // BertPreTokenizer isolates each punctuation char; the isolated chars are then dropped.
        for run in chunk.split(|c: char| c.is_ascii_punctuation()) {
            if run.is_empty() {
                continue;
            }
            let bytes = run.as_bytes();
            if bytes.iter().any(u8::is_ascii_uppercase) {
                if bytes.len() <= lower.len() {
                    for (d, s) in lower.iter_mut().zip(bytes) {
                        *d = s.to_ascii_lowercase();
                    }
                    // ASCII in, ASCII out: always valid UTF-8.
                    if let Ok(s) = std::str::from_utf8(&lower[..bytes.len()]) {
                        out.push(s, numbers);
                    }
                } else {
                    out.push(&run.to_ascii_lowercase(), numbers);
                }
            } else {
                out.push(run, numbers);
            }
        }
    }
}

fn tokenize_unicode(text: &str, numbers: Numbers, out: &mut Tokens) {
    let mut normalized = NormalizedString::from(text);
    // Neither normaliser can fail on a plain string; fall back to the raw text if one ever does.
    if NFKC.normalize(&mut normalized).is_err() || Lowercase.normalize(&mut normalized).is_err() {
        normalized = NormalizedString::from(text.to_lowercase());
    }
    let mut rebuilt = std::mem::take(&mut out.rebuilt);
    rebuilt.clear();
    for chunk in normalized.get().split(char::is_whitespace).filter(|c| !c.is_empty()) {
        if is_email(chunk) {
            rebuilt.push_str(PH_EMAIL);
        } else if is_url(chunk) {
            rebuilt.push_str(PH_URL);
        } else if let Some(code) = as_code(chunk).filter(|_| numbers.keeps_codes()) {
            // Codes bypass the pre-tokeniser (it would split them); flush first to keep order.
            pre_tokenize_into(&rebuilt, numbers, out);
            rebuilt.clear();
            out.push_code(code, numbers);
            continue;
        } else {
            rebuilt.push_str(chunk);
        }
        rebuilt.push(' ');
    }
    pre_tokenize_into(&rebuilt, numbers, out);
    out.rebuilt = rebuilt;
}

fn pre_tokenize_into(text: &str, numbers: Numbers, out: &mut Tokens) {
    if text.is_empty() {
        return;
    }
    let mut pre = PreTokenizedString::from(text);
    if BertPreTokenizer.pre_tokenize(&mut pre).is_ok() {
        for (tok, _, _) in pre.get_splits(OffsetReferential::Normalized, OffsetType::None) {
            out.push(tok, numbers);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize(text, 20_000, Numbers::FOLD, &mut t);
        t.iter().map(str::to_owned).collect()
    }

    fn slow(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize_unicode(text, Numbers::FOLD, &mut t);
        t.iter().map(str::to_owned).collect()
    }

    #[test]
    fn ascii_fast_path_matches_tokenizers_path() {
        for s in [
            "Hey friend!     How are you?!?",
            "My card (visa) was declined at 10:30, mail me: John.Doe@Example.com <x@y.org>.",
            "see https://example.com/a?b=c and www.foo.org; it's 'broken' -- again...",
            "VPN_CLIENT v2.3 fails; error#404 @@ a@b",
            "",
        ] {
            assert_eq!(toks(s), slow(s), "input {s:?}");
        }
    }

    #[test]
    fn folds_and_splits() {
        assert_eq!(toks("Call 555 or mail a@b.com"), vec!["call", PH_NUM, "or", "mail", PH_EMAIL]);
        assert_eq!(toks("Пароль не работает!"), vec!["пароль", "не", "работает"]);
        assert_eq!(toks("ＡＢＣ　１２３"), vec!["abc", PH_NUM]);
    }

    fn toks_with(text: &str, mode: NumberMode) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize(text, 20_000, Numbers { mode, fold_digits: true }, &mut t);
        t.iter().map(|s| s.replace(SHAPE_PREFIX, "#")).collect()
    }

    const CODES: &str = "Job_1424 failed 0x80070005 ORA-12154 on 10.2.3.4 (KB4023057), call 555";

    #[test]
    fn fold_mode_splits_codes_and_folds_digits() {
        let n = PH_NUM;
        let want = ["job", n, "failed", "0x80070005", "ora", n, "on", n, n, n, n, "kb4023057", "call", n];
        assert_eq!(toks_with(CODES, NumberMode::Fold), want);
    }

    #[test]
    fn keep_mode_keeps_codes_whole_plus_parts() {
        let want = [
            "job_1424", "job", "1424", "failed", "0x80070005", "ora-12154", "ora", "12154", "on", "10.2.3.4", "10", "2", "3",
            "4", "kb4023057", "call", "555",
        ];
        assert_eq!(toks_with(CODES, NumberMode::Keep), want);
    }

    #[test]
    fn keep_with_shape_adds_a_shape_after_each_numeric_token() {
        // A code's parts get no shape of their own: the code's shape already describes them.
        let want = [
            "job_1424", "#a_4", "job", "1424", "failed", "0x80070005", "#hex", "ora-12154", "#a-5", "ora", "12154", "on",
            "10.2.3.4", "#ip", "10", "2", "3", "4", "kb4023057", "#a7", "call", "555", "#3 digits", "error", "404", "#3 digits",
        ];
        assert_eq!(toks_with(&format!("{CODES} error#404"), NumberMode::KeepWithShape), want);
    }

    #[test]
    fn keep_modes_leave_mail_urls_and_plain_words_alone() {
        let text = "mail A@b.com see https://x.org/1 VPN_CLIENT error#404";
        let want = ["mail", PH_EMAIL, "see", PH_URL, "vpn", "client", "error", "404"];
        assert_eq!(toks_with(text, NumberMode::Keep), want);
    }

    #[test]
    fn unicode_path_keeps_codes_in_order() {
        // Non-ASCII text takes the tokenizers path; codes must come out the same, in place.
        let got = toks_with("Ошибка ORA-12154 при входе, job_7", NumberMode::Keep);
        assert_eq!(got, ["ошибка", "ora-12154", "ora", "12154", "при", "входе", "job_7", "job", "7"]);
        for mode in [NumberMode::Keep, NumberMode::KeepWithShape] {
            let mut t = Tokens::default();
            tokenize_unicode(CODES, Numbers { mode, fold_digits: true }, &mut t);
            let slow: Vec<String> = t.iter().map(|s| s.replace(SHAPE_PREFIX, "#")).collect();
            assert_eq!(slow, toks_with(CODES, mode), "{mode}");
        }
    }

    #[test]
    fn cap_respects_char_boundaries() {
        assert_eq!(cap_chars("ééé", 2), "éé");
        assert_eq!(cap_chars("abc", 10), "abc");
    }
}
