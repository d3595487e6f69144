//! `--format github`: workflow commands that GitHub Actions turns into annotations.

use crate::diagnostic::{Report, Severity};

fn escape_data(s: &str) -> String {
    super::printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!("file={}", escape_property(&d.path))];
        if let Some(l) = d.location {
            props.push(format!("line={}", l.line));
            props.push(format!("endLine={}", l.end_line));
            // GitHub rejects column ranges on annotations that span lines.
            if l.line == l.end_line {
                props.push(format!("col={}", l.column));
                props.push(format!("endColumn={}", l.end_column));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("annals {}", d.code))
        ));
        let mut message = escape_data(&format!("{} {}", d.code, d.message));
        if let Some(h) = &d.help {
            message.push_str("%0Ahelp: ");
            message.push_str(&escape_data(h));
        }
        out.push_str(&format!("::{cmd} {}::{message}\n", props.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25\\u{a}");
        assert_eq!(escape_data("50% done"), "50%25 done");
        assert_eq!(escape_data("a\nb\u{1b}"), "a\\u{a}b\\u{1b}");
    }
}
