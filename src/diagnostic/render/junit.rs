//! `--format junit`: one test suite per file with findings, one failing test case per finding.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Report};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(&d.path).or_default().push(d);
    }
    let total = report.diagnostics.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"annals\" tests=\"{}\" failures=\"{total}\" errors=\"0\">\n",
        total.max(1)
    ));
    if by_file.is_empty() {
        out.push_str(&format!(
            "  <testsuite name=\"annals check\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"{} files\" classname=\"annals\"/>\n  </testsuite>\n",
            report.files
        ));
    }
    for (path, diags) in by_file {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">\n",
            xml(path),
            n = diags.len()
        ));
        for d in diags {
            let at = d.location.map_or_else(
                || path.to_string(),
                |l| format!("{path}:{}:{}", l.line, l.column),
            );
            let mut body = format!("{at}: {}", d.message);
            if let Some(h) = &d.help {
                body.push_str(&format!("\nhelp: {h}"));
            }
            out.push_str(&format!(
                "    <testcase name=\"annals.{code}\" classname=\"{p}\" file=\"{p}\"{line}>\n      <failure message=\"{m}\" type=\"{code}\">{b}</failure>\n    </testcase>\n",
                code = d.code,
                p = xml(path),
                line = d.location.map_or(String::new(), |l| format!(" line=\"{}\"", l.line)),
                m = xml(&d.message),
                b = xml(&body),
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
