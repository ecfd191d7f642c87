//! Loading labelled tickets from CSV or JSON Lines.

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::ModelError;
use crate::text::cap_chars;

/// Texts plus one label column per head, as loaded from a file.
#[derive(Debug, Clone, Default)]
pub struct LabelledData {
    /// One text per row (text columns joined with "\n", capped).
    pub texts: Vec<String>,
    /// `(label column, label per row)`; `None` where the label was empty or missing.
    pub heads: Vec<(String, Vec<Option<String>>)>,
    /// `(label column, rows whose label was empty)`.
    pub skipped_empty: Vec<(String, usize)>,
    /// Data rows read.
    pub rows: usize,
    /// `xxh3-128:<hex>` of the file bytes.
    pub data_hash: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv(u8),
    JsonLines,
}

fn kind_of(path: &Path, bytes: &[u8]) -> Kind {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => Kind::JsonLines,
        Some("csv") => Kind::Csv(b','),
        Some("tsv") => Kind::Csv(b'\t'),
        _ => match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Kind::JsonLines,
            _ => Kind::Csv(b','),
        },
    }
}

/// Load `path` (CSV, or JSON Lines for `.jsonl` / `.ndjson` or content starting with `{`).
pub fn load_labelled(
    path: &Path,
    text_columns: &[String],
    label_columns: &[String],
    max_text_chars: usize,
) -> Result<LabelledData, ModelError> {
    let raw = std::fs::read(path).map_err(|e| ModelError::io(path, e))?;
    load_labelled_from_bytes(path, &raw, text_columns, label_columns, max_text_chars)
}

/// [`load_labelled`] on bytes already in memory; `path` only picks the format (by extension,
/// as for a file) and names the source in errors.
pub fn load_labelled_from_bytes(
    path: &Path,
    raw: &[u8],
    text_columns: &[String],
    label_columns: &[String],
    max_text_chars: usize,
) -> Result<LabelledData, ModelError> {
    if text_columns.is_empty() {
        return Err(ModelError::InvalidInput("at least one text column is required".into()));
    }
    let data_hash = format!("xxh3-128:{:032x}", xxhash_rust::xxh3::xxh3_128(raw));
    let bytes = raw.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(raw);
    let columns: Vec<&str> = text_columns.iter().chain(label_columns).map(String::as_str).collect();
    let table = match kind_of(path, bytes) {
        Kind::Csv(delim) => read_csv(path, bytes, delim, &columns)?,
        Kind::JsonLines => read_jsonl(path, bytes, &columns)?,
    };
    let nt = text_columns.len();
    let mut out = LabelledData { rows: table.len(), data_hash, ..Default::default() };
    let mut text = String::new();
    for row in &table {
        join_text_fields(row[..nt].iter().map(String::as_str), &mut text);
        out.texts.push(cap_chars(&text, max_text_chars).to_string());
    }
    for (j, name) in label_columns.iter().enumerate() {
        let labels: Vec<Option<String>> = table
            .iter()
            .map(|row| Some(row[nt + j].trim()).filter(|s| !s.is_empty()).map(str::to_string))
            .collect();
        let skipped = labels.iter().filter(|l| l.is_none()).count();
        out.skipped_empty.push((name.clone(), skipped));
        out.heads.push((name.clone(), labels));
    }
    Ok(out)
}

/// One ticket text from several fields (subject, body, ...): each trimmed, empty ones left
/// out, the rest joined with "\n". Every language joins text columns with this.
pub fn join_text_fields<'a>(fields: impl IntoIterator<Item = &'a str>, out: &mut String) {
    out.clear();
    for v in fields.into_iter().map(str::trim).filter(|v| !v.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(v);
    }
}

/// Header lookup: exact, then trimmed case-insensitive.
fn find_column(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name.trim())))
}

fn read_csv(path: &Path, bytes: &[u8], delim: u8, columns: &[&str]) -> Result<Vec<Vec<String>>, ModelError> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim).flexible(true).from_reader(bytes);
    let csv_err = |row: u64, e: csv::Error| ModelError::Csv { path: path.to_path_buf(), row, message: e.to_string() };
    let headers: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| csv_err(0, e))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| {
            find_column(&headers, c)
                .ok_or_else(|| ModelError::MissingColumn { column: c.to_string(), available: headers.clone() })
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let mut row_no = 0u64;
    loop {
        row_no += 1;
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => rows.push(
                idx.iter()
                    .map(|&i| rec.get(i).map(|f| String::from_utf8_lossy(f).into_owned()).unwrap_or_default())
                    .collect(),
            ),
            Err(e) => return Err(csv_err(row_no, e)),
        }
    }
    Ok(rows)
}

fn read_jsonl(path: &Path, bytes: &[u8], columns: &[&str]) -> Result<Vec<Vec<String>>, ModelError> {
    let text = String::from_utf8_lossy(bytes);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let jerr = |message: String| ModelError::Json { path: path.to_path_buf(), line: n as u64 + 1, message };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| jerr(e.to_string()))?;
        let obj = v.as_object().ok_or_else(|| jerr("expected a JSON object".into()))?;
        seen.extend(obj.keys().cloned());
        rows.push(
            columns
                .iter()
                .map(|c| match obj.get(*c) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
                .collect(),
        );
    }
    for c in columns {
        if !rows.is_empty() && !seen.contains(*c) {
            return Err(ModelError::MissingColumn { column: c.to_string(), available: seen.into_iter().collect() });
        }
    }
    Ok(rows)
}
