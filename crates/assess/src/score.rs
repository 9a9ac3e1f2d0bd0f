//! The risk score: how likely it is that at least one of a subject's problems
//! is exploited, on a 0-100 scale.

use warden_model::Severity;

/// How scores are made, as `warden explain` prints it.
pub const SCORING: &str = "\
Risk score (0-100), per MCP server and per agent:
  score = round(100 x (1 - product over findings of (1 - w)))
  with w = 0.70 critical, 0.40 high, 0.20 medium, 0.05 low, 0.01 info.
Each finding is treated as an independent chance of compromise, so one critical
scores 70, two criticals 91, one high 40, a high and a medium 52; more findings
never lower a score and no number of findings passes 100.
A server's score counts its own findings. An agent's score counts its own
findings (permissions, hooks, toxic flows) and those of every server it runs.
Findings are listed most severe first; within a severity, those of the
highest-scoring server or agent come first.";

fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 0.70,
        Severity::High => 0.40,
        Severity::Medium => 0.20,
        Severity::Low => 0.05,
        Severity::Info => 0.01,
    }
}

/// Score of a set of findings' severities (see [`SCORING`]).
pub fn score_of(sevs: impl IntoIterator<Item = Severity>) -> u8 {
    let safe: f64 = sevs.into_iter().map(|s| 1.0 - weight(s)).product();
    (100.0 * (1.0 - safe)).round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    #[test]
    fn documented_examples_hold() {
        assert_eq!(score_of([]), 0);
        assert_eq!(score_of([Critical]), 70);
        assert_eq!(score_of([Critical, Critical]), 91);
        assert_eq!(score_of([High]), 40);
        assert_eq!(score_of([High, Medium]), 52);
        assert!(score_of(vec![Critical; 50]) <= 100);
        assert!(score_of([High, Low]) > score_of([High]));
    }
}
