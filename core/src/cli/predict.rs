//! `triagekit predict`: JSON Lines tickets on stdin, top-k labels per head out, one line each.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Map, Value};
use triagekit::{ErrorCode, ErrorDetails};
use triagekit_model::{Explanation, Model, Prediction};

use super::output::write_failed;
use super::{error_line, json_lines};

/// Arguments of `triagekit predict`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Model file from `triagekit train`.
    #[arg(long)]
    pub model: PathBuf,
    /// Labels to return per head, best first.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Also give each head's top N contributing n-grams (`explanation`); 0 = none.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub explain: usize,
}

/// Runs `triagekit predict`.
pub fn run(args: &PredictArgs) -> ExitCode {
    let model = match Model::load(&args.model) {
        Ok(model) => model,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (line, text) in json_lines(stdin) {
        let rendered = match text.map_err(|e| bad(Some("<line>"), e.to_string())).and_then(|t| ticket_text(&t)) {
            Ok((id, text)) => {
                let explanation = (args.explain > 0).then(|| model.explain(&text, args.explain));
                render(line, id, &model.predict(&text, args.k), explanation.as_ref(), model.version())
            }
            Err(error) => error_line(line, &error),
        };
        if let Err(error) = writeln!(out, "{rendered}") {
            return write_failed(&error);
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => write_failed(&error),
    }
}

/// The ticket's id (if any) and text: `text`, else `subject` and `body` joined by a newline.
fn ticket_text(line: &str) -> Result<(Option<Value>, String), ErrorDetails> {
    let value: Value = serde_json::from_str(line).map_err(|e| bad(Some("<ticket>"), e.to_string()))?;
    let obj = value.as_object().ok_or_else(|| bad(Some("<ticket>"), "expected a JSON object".to_string()))?;
    let field = |name: &str| -> Result<Option<&str>, ErrorDetails> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(bad(Some(name), format!("field {name:?} must be a string"))),
        }
    };
    let text = match field("text")? {
        Some(t) => t.to_string(),
        None => {
            let parts: Vec<&str> = [field("subject")?, field("body")?].into_iter().flatten().filter(|s| !s.trim().is_empty()).collect();
            if parts.is_empty() && !obj.contains_key("subject") && !obj.contains_key("body") {
                return Err(bad(Some("<ticket>"), "ticket needs \"text\" or \"subject\"/\"body\"".into()));
            }
            parts.join("\n")
        }
    };
    Ok((obj.get("id").cloned(), text))
}

/// An `INVALID_TICKET` error for an input line, shaped like the engine's own.
fn bad(field: Option<&str>, message: String) -> ErrorDetails {
    ErrorDetails { field: field.map(str::to_string), ..ErrorDetails::new(ErrorCode::InvalidTicket, message) }
}

fn render(line: usize, id: Option<Value>, prediction: &Prediction, explanation: Option<&Explanation>, version: &str) -> String {
    let mut heads = Map::new();
    for h in &prediction.heads {
        let top: Vec<Value> = h.top.iter().map(|(label, p)| json!({ "label": label, "probability": p })).collect();
        let mut head = json!({ "label": h.label, "confidence": h.confidence, "top": top });
        if let Some(e) = explanation.and_then(|e| e.head(&h.head)) {
            head["explanation"] = json!({
                "score": e.score, "bias": e.bias, "supporting": e.supporting, "opposing": e.opposing, "rest": e.rest,
            });
        }
        heads.insert(h.head.to_string(), head);
    }
    let mut out = Map::new();
    out.insert("line".into(), json!(line));
    if let Some(id) = id {
        out.insert("id".into(), id);
    }
    out.insert("model_version".into(), json!(version));
    out.insert("predictions".into(), Value::Object(heads));
    Value::Object(out).to_string()
}
