//! `--format json`: one object, as SPEC section 4 gives it.

use serde::Serialize;

use crate::diagnostic::Report;

/// Serialised straight from borrowed data: building `serde_json::Value` trees first was a
/// sequential tenth of a 10,000-document check.
#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    diagnostics: Vec<Item<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    severity: &'a str,
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

pub fn render(report: &Report) -> String {
    let out = Out {
        version: 1,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| {
                let l = d.location;
                Item {
                    code: d.code.code(),
                    severity: d.severity.as_str(),
                    path: &d.path,
                    line: l.map(|l| l.line),
                    column: l.map(|l| l.column),
                    end_line: l.map(|l| l.end_line),
                    end_column: l.map(|l| l.end_column),
                    message: &d.message,
                    help: d.help.as_deref(),
                }
            })
            .collect(),
        summary: Summary {
            files: report.files,
            errors: report.errors(),
            warnings: report.warnings(),
        },
    };
    let mut s = serde_json::to_string_pretty(&out).expect("plain data serialises");
    s.push('\n');
    s
}
