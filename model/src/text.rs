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

    fn push(&mut self, tok: &str, fold_numbers: bool) {
        // Lone punctuation / symbol characters carry little signal (sklearn drops them too).
        let mut chars = tok.chars();
        match (chars.next(), chars.next()) {
            (None, _) => return,
            (Some(c), None) if !c.is_alphanumeric() && !is_placeholder(tok) => return,
            _ => {}
        }
        let tok = if fold_numbers && tok.bytes().all(|b| b.is_ascii_digit()) { PH_NUM } else { tok };
        let start = self.buf.len() as u32;
        self.buf.push_str(tok);
        self.spans.push((start, self.buf.len() as u32));
    }
}

/// True for the placeholder tokens (they get no character n-grams).
pub fn is_placeholder(tok: &str) -> bool {
    tok == PH_EMAIL || tok == PH_URL || tok == PH_NUM
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
pub fn tokenize(text: &str, max_chars: usize, fold_numbers: bool, out: &mut Tokens) {
    out.clear();
    let text = cap_chars(text, max_chars);
    if text.is_ascii() {
        tokenize_ascii(text, fold_numbers, out);
    } else {
        tokenize_unicode(text, fold_numbers, out);
    }
}

fn tokenize_ascii(text: &str, fold_numbers: bool, out: &mut Tokens) {
    let mut lower = [0u8; 64];
    for chunk in text.split_ascii_whitespace() {
        if is_email(chunk) {
            out.push(PH_EMAIL, fold_numbers);
            continue;
        }
        if is_url(chunk) {
            out.push(PH_URL, fold_numbers);
            continue;
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
                        out.push(s, fold_numbers);
                    }
                } else {
                    out.push(&run.to_ascii_lowercase(), fold_numbers);
                }
            } else {
                out.push(run, fold_numbers);
            }
        }
    }
}

fn tokenize_unicode(text: &str, fold_numbers: bool, out: &mut Tokens) {
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
        } else {
            rebuilt.push_str(chunk);
        }
        rebuilt.push(' ');
    }
    let mut pre = PreTokenizedString::from(rebuilt.as_str());
    if BertPreTokenizer.pre_tokenize(&mut pre).is_ok() {
        for (tok, _, _) in pre.get_splits(OffsetReferential::Normalized, OffsetType::None) {
            out.push(tok, fold_numbers);
        }
    }
    out.rebuilt = rebuilt;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize(text, 20_000, true, &mut t);
        t.iter().map(str::to_owned).collect()
    }

    fn slow(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize_unicode(text, true, &mut t);
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

    #[test]
    fn cap_respects_char_boundaries() {
        assert_eq!(cap_chars("ééé", 2), "éé");
        assert_eq!(cap_chars("abc", 10), "abc");
    }
}
