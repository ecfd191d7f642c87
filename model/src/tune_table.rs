//! The CV table of a tuning run as markdown, for the CLI, the bindings and the report.

use crate::tune_summary::TuningSummary;

impl TuningSummary {
    /// A markdown table: candidate, mean, std, CV seconds (when known), skipped for time; the
    /// chosen row is marked with `*`.
    pub fn table(&self) -> String {
        let timed = self.candidates.iter().any(|c| c.fit_seconds > 0.0);
        let mut out = format!("| candidate | mean {} | std | {}status |\n", self.metric, if timed { "cv s | " } else { "" });
        out.push_str(if timed { "|---|---:|---:|---:|---|\n" } else { "|---|---:|---:|---|\n" });
        for c in &self.candidates {
            let mark = if c.label == self.chosen && !c.skipped { "*" } else { "" };
            let (mean, std) = if c.skipped { ("—".to_string(), "—".to_string()) } else { (format!("{:.4}", c.mean), format!("{:.4}", c.std)) };
            let seconds = match (timed, c.skipped) {
                (false, _) => String::new(),
                (true, true) => "— | ".to_string(),
                (true, false) => format!("{:.1} | ", c.fit_seconds),
            };
            let status = if c.skipped { "skipped (time)" } else if mark.is_empty() { "" } else { "chosen" };
            out.push_str(&format!("| {mark}{} | {mean} | {std} | {seconds}{status} |\n", c.label));
        }
        let skipped = self.candidates.iter().filter(|c| c.skipped).count();
        out.push_str(&format!(
            "{} folds, seed {}, budget {} s: {} evaluated, {skipped} skipped for time; chosen: {}\n",
            self.folds,
            self.seed,
            self.budget_s,
            self.candidates.len() - skipped,
            self.chosen
        ));
        out
    }
}
