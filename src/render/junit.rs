//! `--format junit`: one test suite per file with findings, one failing test case per finding.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Report};

/// Text for an element's content (line breaks kept).
fn xml(s: &str) -> String {
    escape(s, false)
}

/// Text for an attribute value: line breaks and tabs as references, or a parser would fold
/// them into spaces.
fn xml_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' if !attr => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // XML 1.0 has no way to write the other C0 controls, U+FFFE or U+FFFF, even as
            // references: they are shown as escapes instead.
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
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
            xml_attr(path),
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
                p = xml_attr(path),
                line = d.location.map_or(String::new(), |l| format!(" line=\"{}\"", l.line)),
                m = xml_attr(&d.message),
                b = xml(&body),
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_xml_characters() {
        assert_eq!(
            super::xml_attr("a\u{fffe}b\u{1}<c>\n"),
            "a\\u{fffe}b\\u{1}&lt;c&gt;&#10;"
        );
        assert_eq!(
            super::xml("a\u{fffe}b\u{1b}<c>\n"),
            "a\\u{fffe}b\\u{1b}&lt;c&gt;\n"
        );
    }
}
