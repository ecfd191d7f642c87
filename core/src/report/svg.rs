//! Inline SVG charts. Every mark carries a `<title>` so hovering shows the exact numbers.

use std::collections::BTreeMap;
use std::fmt::Write;

use triagekit_model::ClassReport;

use super::analysis::{CurvePoint, Histogram};
use super::rules::RuleCoverage;

/// Escapes text for HTML/SVG content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Long labels are cut (the full label stays in the tooltip) so 77 classes fit the page.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Approximate width of `chars` characters at `font` px (sans-serif averages ~0.58 em).
fn text_width(chars: usize, font: f64) -> f64 {
    chars as f64 * font * 0.58
}

/// Confusion heatmap in `order`; cell shade = share of the true row, blue on the diagonal
/// (right), red off it (confusions), so errors stand out even in small classes.
pub(crate) fn heatmap(labels: &[String], matrix: &[Vec<u64>], order: &[usize]) -> String {
    let n = order.len();
    let cell: f64 = match n {
        0..=15 => 28.0,
        16..=40 => 16.0,
        _ => 11.0,
    };
    let font = (cell - 1.0).min(12.0);
    const MAX_LABEL: usize = 30;
    let longest = order
        .iter()
        .filter_map(|&i| labels.get(i))
        .map(|l| l.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(4);
    let margin = text_width(longest, font) + 14.0;
    let (left, top) = (margin + 18.0, margin + 18.0);
    let side = cell * n as f64;
    let (w, h) = (left + side + 60.0, top + side + 10.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-size="{font}" role="img" aria-label="confusion matrix">"##
    );
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{top}" width="{side}" height="{side}" fill="#f8fafc" stroke="#cbd5e1"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="12" text-anchor="middle" class="axis">predicted →</text>"##,
        left + side / 2.0
    );
    let _ = write!(
        s,
        r##"<text transform="translate(12,{}) rotate(-90)" text-anchor="middle" class="axis">true →</text>"##,
        top + side / 2.0
    );
    for k in (5..n).step_by(5) {
        let o = cell * k as f64;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#e2e8f0"/><line x1="{x}" y1="{top}" x2="{x}" y2="{y2}" stroke="#e2e8f0"/>"##,
            y = top + o,
            x2 = left + side,
            x = left + o,
            y2 = top + side
        );
    }
    let totals: Vec<u64> = matrix.iter().map(|r| r.iter().sum()).collect();
    for (pos, &i) in order.iter().enumerate() {
        let label = labels.get(i).map_or("", String::as_str);
        let y = top + cell * pos as f64 + cell / 2.0 + font / 3.0;
        let x = left + cell * pos as f64 + cell / 2.0 + font / 3.0;
        let full = esc(label);
        let cut = esc(&short(label, MAX_LABEL));
        let _ = write!(
            s,
            r##"<text x="{}" y="{y:.1}" text-anchor="end"><title>{full}</title>{cut}</text>"##,
            left - 4.0
        );
        let _ = write!(
            s,
            r##"<text transform="translate({x:.1},{}) rotate(-90)" text-anchor="start"><title>{full}</title>{cut}</text>"##,
            top - 4.0
        );
        let support = totals.get(i).copied().unwrap_or(0);
        let _ = write!(
            s,
            r##"<text x="{}" y="{y:.1}" class="muted">{support}</text>"##,
            left + side + 4.0
        );
    }
    for (r, &i) in order.iter().enumerate() {
        let row_total = totals.get(i).copied().unwrap_or(0);
        for (c, &j) in order.iter().enumerate() {
            let v = matrix
                .get(i)
                .and_then(|row| row.get(j))
                .copied()
                .unwrap_or(0);
            if v == 0 {
                continue;
            }
            let share = if row_total > 0 {
                v as f64 / row_total as f64
            } else {
                0.0
            };
            let alpha = 0.12 + 0.88 * share.sqrt();
            let color = if i == j { "37,99,235" } else { "220,38,38" };
            let (x, y) = (left + cell * c as f64, top + cell * r as f64);
            let t = esc(labels.get(i).map_or("", String::as_str));
            let p = esc(labels.get(j).map_or("", String::as_str));
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="rgba({color},{alpha:.3})"><title>true {t} → predicted {p}: {v} ({} of {t})</title></rect>"##,
                pct(share)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A bar column: heading, colour and the figure it shows.
type Metric = (&'static str, &'static str, fn(&ClassReport) -> f64);

/// Precision, recall and F1 per class as three bar columns, worst F1 first.
pub(crate) fn class_bars(per_class: &BTreeMap<String, ClassReport>) -> String {
    let mut rows: Vec<(&String, &ClassReport)> = per_class.iter().collect();
    rows.sort_by(|a, b| a.1.f1.total_cmp(&b.1.f1).then(a.0.cmp(b.0)));
    let row_h = if rows.len() > 30 { 15.0 } else { 20.0 };
    let font = 11.0;
    let longest = rows
        .iter()
        .map(|(l, _)| l.chars().count().min(34))
        .max()
        .unwrap_or(5);
    let label_w = text_width(longest, font) + 10.0;
    let (support_w, bar_w, gap) = (56.0, 170.0, 60.0);
    let top = 24.0;
    let w = label_w + support_w + 3.0 * (bar_w + gap);
    let h = top + row_h * rows.len() as f64 + 6.0;
    let metrics: [Metric; 3] = [
        ("precision", "#2563eb", |m| m.precision),
        ("recall", "#059669", |m| m.recall),
        ("F1", "#7c3aed", |m| m.f1),
    ];
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-size="{font}" role="img" aria-label="per-class precision, recall and F1">"##
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="14" text-anchor="end" class="axis">support</text>"##,
        label_w + support_w - 8.0
    );
    for (k, (name, _, _)) in metrics.iter().enumerate() {
        let x0 = label_w + support_w + k as f64 * (bar_w + gap);
        let _ = write!(s, r##"<text x="{x0}" y="14" class="axis">{name}</text>"##);
        let _ = write!(
            s,
            r##"<rect x="{x0}" y="{top}" width="{bar_w}" height="{}" fill="#f1f5f9"/>"##,
            h - top - 6.0
        );
    }
    for (r, (label, m)) in rows.iter().enumerate() {
        let y = top + row_h * r as f64;
        let ty = y + row_h / 2.0 + font / 3.0;
        let full = esc(label);
        let tip = format!(
            "{full}: precision {:.4}, recall {:.4}, F1 {:.4}, support {}",
            m.precision, m.recall, m.f1, m.support
        );
        let _ = write!(
            s,
            r##"<g><title>{tip}</title><text x="{}" y="{ty:.1}" text-anchor="end">{}</text><text x="{}" y="{ty:.1}" text-anchor="end" class="muted">{}</text>"##,
            label_w - 6.0,
            esc(&short(label, 34)),
            label_w + support_w - 8.0,
            m.support
        );
        for (k, (_, color, value)) in metrics.iter().enumerate() {
            let x0 = label_w + support_w + k as f64 * (bar_w + gap);
            let v = value(m).clamp(0.0, 1.0);
            let _ = write!(
                s,
                r##"<rect x="{x0}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"/><text x="{:.1}" y="{ty:.1}" class="muted">{v:.2}</text>"##,
                y + 2.0,
                v * bar_w,
                row_h - 4.0,
                x0 + v * bar_w + 4.0
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// A 0..1 by 0..1 plot frame with grid and tick labels; returns the SVG head and a mapper.
fn frame(
    w: f64,
    h: f64,
    x_label: &str,
    y_label: &str,
    aria: &str,
) -> (String, impl Fn(f64, f64) -> (f64, f64)) {
    let (l, r, t, b) = (48.0, 16.0, 14.0, 40.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-size="11" role="img" aria-label="{}">"##,
        esc(aria)
    );
    for k in 0..=5 {
        let f = k as f64 / 5.0;
        let (x, y) = (l + f * pw, t + ph - f * ph);
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{y}" x2="{}" y2="{y}" stroke="#e2e8f0"/>"##,
            l + pw
        );
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end" class="muted">{f:.1}</text>"##,
            l - 6.0,
            y + 4.0
        );
        let _ = write!(
            s,
            r##"<text x="{x}" y="{}" text-anchor="middle" class="muted">{f:.1}</text>"##,
            t + ph + 16.0
        );
    }
    let _ = write!(
        s,
        r##"<rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="none" stroke="#94a3b8"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text>"##,
        l + pw / 2.0,
        h - 6.0,
        esc(x_label)
    );
    let _ = write!(
        s,
        r##"<text transform="translate(12,{}) rotate(-90)" text-anchor="middle" class="axis">{}</text>"##,
        t + ph / 2.0,
        esc(y_label)
    );
    (s, move |x: f64, y: f64| {
        (l + x.clamp(0.0, 1.0) * pw, t + ph - y.clamp(0.0, 1.0) * ph)
    })
}

/// Precision and coverage against the confidence threshold, with the target precision and
/// the lowest global threshold that reaches it.
pub(crate) fn curve_chart(curve: &[CurvePoint], target: f64, global: Option<f64>) -> String {
    let (mut s, at) = frame(
        620.0,
        320.0,
        "confidence threshold",
        "precision / coverage",
        "precision and coverage by threshold",
    );
    let line = |get: fn(&CurvePoint) -> f64| -> String {
        let mut pts = String::new();
        if let Some(first) = curve.first() {
            let (x, y) = at(0.0, get(first)); // below the lowest confidence everything is kept
            let _ = write!(pts, "{x:.1},{y:.1} ");
        }
        for p in curve {
            let (x, y) = at(p.threshold, get(p));
            let _ = write!(pts, "{x:.1},{y:.1} ");
        }
        pts
    };
    let (tx0, ty) = at(0.0, target);
    let (tx1, _) = at(1.0, target);
    let _ = write!(
        s,
        r##"<line x1="{tx0}" y1="{ty}" x2="{tx1}" y2="{ty}" stroke="#64748b" stroke-dasharray="5 4"><title>target precision {target}</title></line>"##
    );
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#2563eb" stroke-width="2"><title>precision</title></polyline>"##,
        line(|p| p.precision)
    );
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#059669" stroke-width="2"><title>coverage</title></polyline>"##,
        line(|p| p.coverage)
    );
    if let Some(g) = global {
        let (x, y0) = at(g, 0.0);
        let (_, y1) = at(g, 1.0);
        let covered = curve
            .iter()
            .find(|p| p.threshold >= g)
            .map_or(0.0, |p| p.coverage);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{y0}" x2="{x:.1}" y2="{y1}" stroke="#ea580c" stroke-width="1.5"><title>lowest threshold reaching precision {target}: {g:.4} (coverage {})</title></line>"##,
            pct(covered)
        );
    }
    let _ = write!(
        s,
        r##"<g class="legend"><rect x="56" y="232" width="200" height="46" fill="#fff" opacity="0.85"/><rect x="62" y="240" width="10" height="3" fill="#2563eb"/><text x="76" y="245">precision</text><rect x="62" y="254" width="10" height="3" fill="#059669"/><text x="76" y="259">coverage</text><rect x="62" y="268" width="10" height="3" fill="#ea580c"/><text x="76" y="273">suggested global threshold</text></g>"##
    );
    s.push_str("</svg>");
    s
}

/// Counts of right (green) and wrong (red) predictions per confidence bin, side by side, on a
/// square-root scale: a good model puts thousands of right predictions in the top bin, and a
/// linear scale would hide the few wrong ones that matter.
pub(crate) fn histogram_chart(h: &Histogram) -> String {
    let (w, ht) = (620.0, 260.0);
    let (l, r, t, b) = (48.0, 16.0, 14.0, 40.0);
    let (pw, ph) = (w - l - r, ht - t - b);
    let max = h
        .correct
        .iter()
        .chain(&h.wrong)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{ht}" viewBox="0 0 {w} {ht}" font-size="11" role="img" aria-label="confidence histogram">"##
    );
    let scale = |c: f64| ph * (c / max).sqrt();
    for k in 0..=4 {
        let v = (max * (k as f64 / 4.0).powi(2)).round();
        let y = t + ph - ph * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{y}" x2="{}" y2="{y}" stroke="#e2e8f0"/><text x="{}" y="{}" text-anchor="end" class="muted">{v:.0}</text>"##,
            l + pw,
            l - 6.0,
            y + 4.0
        );
    }
    let bins = h.bins.max(1);
    let bw = pw / bins as f64;
    for i in 0..bins {
        let (lo, hi) = (i as f64 / bins as f64, (i + 1) as f64 / bins as f64);
        let x = l + bw * i as f64;
        for (k, (count, color, what)) in [
            (h.correct.get(i), "#059669", "right"),
            (h.wrong.get(i), "#dc2626", "wrong"),
        ]
        .into_iter()
        .enumerate()
        {
            let c = count.copied().unwrap_or(0);
            let bh = scale(c as f64);
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="{color}"><title>confidence {lo:.2}–{hi:.2}: {c} {what}</title></rect>"##,
                x + 2.0 + k as f64 * (bw - 4.0) / 2.0,
                t + ph - bh,
                (bw - 4.0) / 2.0
            );
        }
        if i % 2 == 0 {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{}" text-anchor="middle" class="muted">{lo:.1}</text>"##,
                t + ph + 16.0
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle" class="muted">1.0</text>"##,
        l + pw,
        t + ph + 16.0
    );
    let _ = write!(
        s,
        r##"<rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="none" stroke="#94a3b8"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle" class="axis">confidence</text>"##,
        l + pw / 2.0,
        ht - 6.0
    );
    let _ = write!(
        s,
        r##"<g class="legend"><rect x="60" y="20" width="10" height="10" fill="#059669"/><text x="74" y="29">right</text><rect x="120" y="20" width="10" height="10" fill="#dc2626"/><text x="134" y="29">wrong</text><text x="184" y="29" class="muted">(square-root scale)</text></g>"##
    );
    s.push_str("</svg>");
    s
}

/// How often each rule fired, in rule order; rules that never fired are marked.
pub(crate) fn rule_bars(rules: &[RuleCoverage]) -> String {
    let row_h = 18.0;
    let font = 11.0;
    let longest = rules
        .iter()
        .map(|r| r.name.chars().count().min(40))
        .max()
        .unwrap_or(5);
    let label_w = text_width(longest, font) + 12.0;
    let bar_w = 360.0;
    let w = label_w + bar_w + 130.0;
    let h = row_h * rules.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-size="{font}" role="img" aria-label="rule coverage">"##
    );
    for (i, rule) in rules.iter().enumerate() {
        let y = row_h * i as f64 + 4.0;
        let ty = y + row_h / 2.0 + font / 3.0;
        let class = if rule.fired == 0 { "never" } else { "" };
        let _ = write!(
            s,
            r##"<g><title>{}: fired on {} tickets ({}), {} errors</title><text x="{}" y="{ty:.1}" text-anchor="end" class="{class}">{}</text><rect x="{label_w:.1}" y="{:.1}" width="{bar_w}" height="{:.1}" fill="#f1f5f9"/><rect x="{label_w:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#0891b2"/><text x="{:.1}" y="{ty:.1}" class="muted">{} ({})</text></g>"##,
            esc(&rule.name),
            rule.fired,
            pct(rule.fraction),
            rule.errors,
            label_w - 6.0,
            esc(&short(&rule.name, 40)),
            y + 2.0,
            row_h - 4.0,
            y + 2.0,
            rule.fraction.clamp(0.0, 1.0) * bar_w,
            row_h - 4.0,
            label_w + bar_w + 6.0,
            rule.fired,
            pct(rule.fraction)
        );
    }
    s.push_str("</svg>");
    s
}
