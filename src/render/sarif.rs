//! `--format sarif`: SARIF 2.1.0 with the rule table and full regions.

use serde_json::{Value, json};

use crate::diagnostic::{Report, Severity};
use crate::lint::registry::{Level, RULES};

/// Percent-encodes a repository-relative path for a SARIF `uri`.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let level = match r.default {
                Level::Error => "error",
                Level::Warn => "warning",
                Level::Off(_) => "none",
            };
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": crate::lint::rules::doc(r.rule)},
                "help": {"text": crate::lint::rules::doc(r.rule)},
                "defaultConfiguration": {"level": level},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut physical = json!({
                "artifactLocation": {"uri": uri(&d.path), "uriBaseId": "%SRCROOT%"},
            });
            if let Some(l) = d.location {
                physical["region"] = json!({
                    "startLine": l.line, "startColumn": l.column,
                    "endLine": l.end_line, "endColumn": l.end_column,
                });
            }
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!(" (help: {h})"));
            }
            json!({
                "ruleId": d.code,
                "ruleIndex": RULES.iter().position(|r| r.rule == d.code),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
            })
        })
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "annals",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/annals-dev/annals",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::uri("briefs/a b#c.md"), "briefs/a%20b%23c.md");
    }
}
