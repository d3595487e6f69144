//! `--format json`: one object, as SPEC section 4 gives it.

use serde_json::{Value, json};

use crate::diagnostic::Report;

pub fn render(report: &Report) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let l = d.location;
            json!({
                "code": d.code,
                "severity": d.severity.as_str(),
                "path": d.path,
                "line": l.map(|l| l.line),
                "column": l.map(|l| l.column),
                "end_line": l.map(|l| l.end_line),
                "end_column": l.map(|l| l.end_column),
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    let v = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {"files": report.files, "errors": report.errors(), "warnings": report.warnings()},
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}
