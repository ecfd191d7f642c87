//! The page: sections per head, rules and label-next, with the report data embedded as JSON
//! (`<script type="application/json" id="report-data">`) so tests and tools read the same
//! numbers the page shows.

use std::fmt::Write;

use triagekit_model::{HeadReport, TuningSummary};

use super::svg::{class_bars, curve_chart, esc, heatmap, histogram_chart, rule_bars};
use super::{HeadAnalysis, Report};
use crate::report::rules::RuleReport;

/// Classes up to which long tables start expanded; beyond, they start folded.
const OPEN_TABLE_MAX: usize = 25;
/// Characters of ticket text shown in the label-next table (the CSV has the full text).
const TEXT_PREVIEW: usize = 220;

const STYLE: &str = r#"
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#fff;--card:#f8fafc}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 32px;border-bottom:1px solid var(--line);background:var(--card)}h1{margin:0 0 4px;font-size:22px}
nav{padding:8px 32px;border-bottom:1px solid var(--line);position:sticky;top:0;background:#fff;z-index:1}nav a{margin-right:16px;color:#2563eb;text-decoration:none}
main{padding:8px 32px 40px}section{border-bottom:1px solid var(--line);padding:8px 0 24px}h2{font-size:19px;margin:18px 0 8px}h3{font-size:15px;margin:20px 0 6px}
.muted,p.note{color:var(--muted)}p.note{margin:2px 0 8px;max-width:1100px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.row{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{color:var(--muted);font-size:12px;max-width:620px}
.scroll{overflow:auto;max-width:100%}table{border-collapse:collapse;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left;vertical-align:top}
th{background:var(--card);font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}td.text{max-width:640px}
pre{background:var(--card);border:1px solid var(--line);padding:10px;max-height:260px;overflow:auto;font-size:12px}
svg text.axis{fill:#334155;font-weight:600}svg text.muted{fill:#64748b}svg text.never{fill:#dc2626}svg text{fill:#0f172a}
.warn{color:#b91c1c}details summary{cursor:pointer;color:#2563eb}
"#;

/// Records script errors, failed loads, CSP violations and `console.error` calls on <html> as
/// `data-console-errors`, so a headless browser's `--dump-dom` shows whether the page was clean.
const ERROR_PROBE: &str = r#"(function(){var d=document.documentElement;function rec(m){var p=d.getAttribute('data-console-errors')||'';d.setAttribute('data-console-errors',p+(p?' | ':'')+String(m).slice(0,300));}
window.addEventListener('error',function(e){var t=e.target;rec(e.message||('failed to load '+((t&&(t.src||t.href))||'resource')));},true);
window.addEventListener('unhandledrejection',function(e){rec('unhandled rejection: '+e.reason);});
document.addEventListener('securitypolicyviolation',function(e){rec('CSP '+e.violatedDirective+' '+e.blockedURI);});
var ce=console.error;console.error=function(){rec(Array.prototype.join.call(arguments,' '));return ce.apply(console,arguments);};})();"#;

/// Checks the embedded data parses and matches the page (one heatmap per head), then marks
/// the page as rendered.
const READY_CHECK: &str = r#"(function(){var d=document.documentElement;try{var data=JSON.parse(document.getElementById('report-data').textContent);
var heads=Object.keys(data.eval.heads).length;var maps=document.querySelectorAll('svg.heatmap').length;
if(heads!==maps){console.error('heatmaps '+maps+' != heads '+heads);}d.setAttribute('data-report-ok',heads===maps?'1':'0');}catch(e){console.error('report data: '+e);}})();"#;

/// Renders the whole page.
pub(crate) fn render(report: &Report) -> String {
    let mut s = String::with_capacity(256 * 1024);
    let title = esc(&report.title);
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title><style>{STYLE}</style><script>{ERROR_PROBE}</script></head><body>
<header><h1>{title}</h1><div class="muted">triagekit {} · target precision {} · generated offline, no network needed</div></header><nav>"#,
        env!("CARGO_PKG_VERSION"),
        report.target_precision
    );
    for name in report.eval.heads.keys() {
        let _ = write!(s, r##"<a href="#head-{0}">{0}</a>"##, esc(name));
    }
    if report.rules.is_some() {
        s.push_str(r##"<a href="#rules">rules</a>"##);
    }
    if report.tuning.is_some() {
        s.push_str(r##"<a href="#tuning">tuning</a>"##);
    }
    s.push_str(r##"<a href="#label-next">label next</a></nav><main>"##);
    for (name, head) in &report.eval.heads {
        if let Some(analysis) = report.heads.get(name) {
            head_section(&mut s, report, name, head, analysis);
        }
    }
    if let Some(rules) = &report.rules {
        rules_section(&mut s, report, rules);
    }
    if let Some(tuning) = &report.tuning {
        tuning_section(&mut s, tuning);
    }
    label_next_section(&mut s, report);
    let data = serde_json::to_string(report).unwrap_or_else(|_| "null".into());
    // `<` escaped so no text inside the data (a ticket saying "</script>") can end the block.
    let data = data.replace('<', "\\u003c");
    let _ = write!(
        s,
        r#"</main><script type="application/json" id="report-data">{data}</script><script>{READY_CHECK}</script></body></html>"#
    );
    s
}

/// The CV table the model's settings were chosen by (`train --tune`).
fn tuning_section(s: &mut String, t: &TuningSummary) {
    let _ = write!(
        s,
        r#"<section id="tuning"><h2>Tuning</h2><p class="note">Settings chosen by {}-fold stratified cross-validation on the training data (mean {}, seed {}, budget {} s): <b>{}</b>. Candidates skipped for time were not evaluated.</p><table><tr><th>candidate</th><th>mean</th><th>std</th><th>status</th></tr>"#,
        t.folds,
        esc(&t.metric),
        t.seed,
        t.budget_s,
        esc(&t.chosen)
    );
    for c in &t.candidates {
        let (mean, std) = if c.skipped { ("—".to_string(), "—".to_string()) } else { (format!("{:.4}", c.mean), format!("{:.4}", c.std)) };
        let status = if c.skipped { "skipped (time)" } else if c.label == t.chosen { "chosen" } else { "" };
        let _ = write!(s, r#"<tr><td>{}</td><td class="num">{mean}</td><td class="num">{std}</td><td>{status}</td></tr>"#, esc(&c.label));
    }
    s.push_str("</table></section>");
}

fn card(s: &mut String, value: &str, label: &str) {
    let _ = write!(
        s,
        r#"<div class="card"><b>{}</b><span>{}</span></div>"#,
        esc(value),
        esc(label)
    );
}

fn head_section(s: &mut String, report: &Report, name: &str, head: &HeadReport, a: &HeadAnalysis) {
    let n = esc(name);
    let _ = write!(
        s,
        r#"<section id="head-{n}"><h2>Head “{n}”</h2><div class="cards">"#
    );
    card(s, &format!("{:.4}", head.accuracy), "accuracy");
    card(s, &format!("{:.4}", head.macro_f1), "macro-F1");
    card(s, &head.support.to_string(), "rows evaluated");
    card(s, &head.skipped.to_string(), "rows skipped (empty label)");
    card(s, &head.per_class.len().to_string(), "classes");
    let global = a
        .global_threshold
        .map_or("unreachable".to_string(), |t| format!("{t:.4}"));
    card(
        s,
        &global,
        &format!("lowest threshold for precision {}", report.target_precision),
    );
    s.push_str("</div>");

    let _ = write!(
        s,
        r#"<div class="row"><figure>{}<figcaption>Predictions with confidence below the threshold go to review. Precision is measured on the predictions kept; coverage is the share kept. The dashed line is the target precision.</figcaption></figure><figure>{}<figcaption>Confidence of right and wrong predictions. Wrong predictions piling up at high confidence mean thresholds cannot fix them; relabel or add training data.</figcaption></figure></div>"#,
        curve_chart(&a.curve, report.target_precision, a.global_threshold),
        histogram_chart(&a.histogram)
    );
    thresholds_block(s, report, name, a);

    let _ = write!(
        s,
        r#"<h3>Confusion matrix</h3><p class="note">Rows are true labels, columns predicted ones; blue cells are right, red ones confusions, shaded by share of the true class (number at the right: rows of that class). Classes are ordered by average-linkage clustering of mutual confusion so classes mixed up with each other sit together. Hover a cell for counts.</p><div class="scroll">{}</div>"#,
        heatmap(&head.confusion.labels, &head.confusion.matrix, &a.order)
    );
    let _ = write!(
        s,
        r#"<h3>Per-class precision, recall and F1</h3><p class="note">Worst F1 first.</p><div class="scroll">{}</div></section>"#,
        class_bars(&head.per_class)
    );
}

fn thresholds_block(s: &mut String, report: &Report, name: &str, a: &HeadAnalysis) {
    let primary = report.primary_head.as_deref() == Some(name);
    let _ = write!(
        s,
        "<h3>Suggested per-class thresholds (target precision {})</h3>",
        report.target_precision
    );
    if primary {
        s.push_str(r#"<p class="note">The lowest confidence per predicted class at which the predictions kept reach the target precision on this data (as ServiceNow Predictive Intelligence suggests them). Merge this into the engine options (<code>--options</code>, <code>EngineOptions.class_thresholds</code>); it is also written beside this page as <code>&lt;name&gt;.thresholds.json</code>. Classes that never reach the target get 1.0 (always review); classes never predicted are left to <code>review_threshold</code>.</p>"#);
        let _ = write!(
            s,
            "<pre id=\"thresholds-json\">{}</pre>",
            esc(&report.thresholds_json())
        );
    } else {
        s.push_str(r#"<p class="note">For reference: the engine applies class thresholds to the category head only.</p>"#);
    }
    let mut rows: Vec<_> = a.class_thresholds.iter().collect();
    // Hardest classes first: unreachable, then highest threshold.
    rows.sort_by(|x, y| {
        y.1.threshold
            .unwrap_or(2.0)
            .total_cmp(&x.1.threshold.unwrap_or(2.0))
            .then(x.0.cmp(y.0))
    });
    let open = if rows.len() <= OPEN_TABLE_MAX {
        " open"
    } else {
        ""
    };
    let _ = write!(
        s,
        r#"<details{open}><summary>threshold table ({} predicted classes)</summary><table><tr><th>predicted class</th><th>predicted</th><th>precision at 0</th><th>threshold</th><th>precision kept</th><th>coverage kept</th></tr>"#,
        rows.len()
    );
    for (class, t) in rows {
        let threshold = t.threshold.map_or(
            r#"<span class="warn">unreachable → 1.0</span>"#.to_string(),
            |v| format!("{v:.4}"),
        );
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{:.3}</td><td class="num">{threshold}</td><td class="num">{:.3}</td><td class="num">{:.3}</td></tr>"#,
            esc(class),
            t.predicted,
            t.precision_all,
            t.precision,
            t.coverage
        );
    }
    s.push_str("</table></details>");
}

fn rules_section(s: &mut String, report: &Report, r: &RuleReport) {
    s.push_str(r#"<section id="rules"><h2>Rules on this data</h2><div class="cards">"#);
    card(s, &r.tickets.to_string(), "tickets triaged");
    card(s, &r.failed.to_string(), "tickets failed");
    card(s, &r.rules.len().to_string(), "rules");
    card(s, &r.never_fired.len().to_string(), "rules never fired");
    card(s, &r.conflicts.len().to_string(), "conflicting rule pairs");
    let _ = write!(
        s,
        r#"</div><h3>How often each rule fired</h3><p class="note">Rule order; red names never fired on this data.</p><div class="scroll">{}</div>"#,
        rule_bars(&r.rules)
    );
    if !r.never_fired.is_empty() {
        s.push_str("<h3>Rules that never fired</h3><ul>");
        for name in &r.never_fired {
            let _ = write!(s, "<li>{}</li>", esc(name));
        }
        s.push_str("</ul>");
    }
    s.push_str(r#"<h3>Conflicts</h3><p class="note">Two matched rules set different values for the same field on the same ticket; the later rule wins.</p>"#);
    if r.conflicts.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        s.push_str("<table><tr><th>field</th><th>overridden rule</th><th>winning rule</th><th>tickets</th><th>example row</th><th>values</th></tr>");
        for c in &r.conflicts {
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{} → {}</td></tr>"#,
                esc(&c.field),
                esc(&c.first),
                esc(&c.second),
                c.tickets,
                c.example_row,
                esc(&c.first_value),
                esc(&c.second_value)
            );
        }
        s.push_str("</table>");
    }
    s.push_str(r#"<h3>Rule + model decision vs labels</h3>"#);
    if r.comparison.is_empty() {
        s.push_str(r#"<p class="note">No label column is named like a decision field (category, priority, group).</p>"#);
    }
    for c in &r.comparison {
        let model = report
            .eval
            .heads
            .get(&c.field)
            .map_or("–".to_string(), |h| format!("{:.4}", h.accuracy));
        let _ = write!(
            s,
            r#"<p><b>{}</b>: decision accuracy <b>{:.4}</b> ({} of {}), model alone {model}</p><table><tr><th>source</th><th>tickets</th><th>correct</th><th>accuracy</th></tr>"#,
            esc(&c.field),
            c.accuracy,
            c.correct,
            c.compared
        );
        for (source, n) in &c.by_source {
            let acc = if n.tickets > 0 {
                n.correct as f64 / n.tickets as f64
            } else {
                0.0
            };
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{acc:.4}</td></tr>"#,
                esc(source),
                n.tickets,
                n.correct
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</section>");
}

fn label_next_section(s: &mut String, report: &Report) {
    let head = report.primary_head.as_deref().map(esc).unwrap_or_default();
    let _ = write!(
        s,
        r#"<section id="label-next"><h2>Label next</h2><p class="note">The {} least confident tickets for head “{head}”, least confident first. The same rows are in <code>&lt;name&gt;.to-label.csv</code> beside this page: check or correct their labels and add them to the training data.</p><table><tr><th>row</th><th>confidence</th><th>predicted</th><th>label</th><th>text</th></tr>"#,
        report.label_next.len()
    );
    for r in &report.label_next {
        let text: String = r.text.chars().take(TEXT_PREVIEW).collect();
        let more = if r.text.chars().count() > TEXT_PREVIEW {
            "…"
        } else {
            ""
        };
        let mark = if r.predicted == r.label {
            ""
        } else {
            r#" class="warn""#
        };
        let _ = write!(
            s,
            r#"<tr><td class="num">{}</td><td class="num">{:.3}</td><td{mark}>{}</td><td>{}</td><td class="text">{}{more}</td></tr>"#,
            esc(&r.shown()),
            r.confidence,
            esc(&r.predicted),
            esc(&r.label),
            esc(&text)
        );
    }
    s.push_str("</table></section>");
}
