//! Output formats: one file per format, all from the same sorted report.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use crate::diagnostic::{Report, Sources};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style: the source line with a caret under the span
    #[value(alias = "text", alias = "table")]
    Human,
    /// one line per finding: `path:line:col: CODE message`
    Concise,
    /// one JSON object (`version`, `diagnostics`, `summary`)
    Json,
    /// GitHub Actions workflow-command annotations
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    /// `JUnit` XML, for CI test reports
    Junit,
}

impl Format {
    /// Machine formats keep stdout parseable: their summary goes to stderr.
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Junit)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub color: bool,
}

/// Renders the findings (without the summary line).
pub fn render(report: &Report, sources: &dyn Sources, format: Format, opts: Options) -> String {
    match format {
        Format::Human => human::render(report, sources, opts),
        Format::Concise => concise(report),
        Format::Json => json::render(report),
        Format::Github => github::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
    }
}

fn concise(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (path, message) = (printable(&d.path), printable(&d.message));
        match d.location {
            Some(l) => out.push_str(&format!(
                "{path}:{}:{}: {} {message}\n",
                l.line, l.column, d.code
            )),
            None => out.push_str(&format!("{path}: {} {message}\n", d.code)),
        }
    }
    out
}

/// Text from documents (paths, titles, tags, link targets) as a terminal may show it:
/// control characters (ESC, BEL, NUL, a newline inside a file name...) and the bidirectional
/// overrides that can disguise text are written as `\u{1b}` escapes, never sent raw.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`printable`] for multi-line text that annals lays out itself (`show`, `search`):
/// its own line breaks stay.
pub fn printable_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && unsafe_char(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.split('\n').map(printable).collect::<Vec<_>>().join("\n"))
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `3 errors and 1 warning in 12 files (F003 ×2, S001 ×1, S002 ×1)`.
pub fn summary(report: &Report) -> String {
    let (e, w) = (report.errors(), report.warnings());
    let files = plural(report.files, "file");
    if e == 0 && w == 0 {
        return format!("All checks passed: {files}, no errors or warnings.");
    }
    let codes: Vec<String> = report
        .per_code()
        .iter()
        .map(|(c, e, w)| format!("{c} ×{}", e + w))
        .collect();
    format!(
        "Found {} and {} in {files} ({}).",
        plural(e, "error"),
        plural(w, "warning"),
        codes.join(", ")
    )
}

/// The `--statistics` table: count, code, severity, name.
pub fn statistics(report: &Report) -> String {
    let mut out = String::new();
    for (code, e, w) in report.per_code() {
        let name = crate::lint::registry::rule(code).map_or("", |r| r.name);
        if e > 0 {
            out.push_str(&format!("{e:>6}  {code}  error    {name}\n"));
        }
        if w > 0 {
            out.push_str(&format!("{w:>6}  {code}  warning  {name}\n"));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain é 名"), "plain é 名");
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\0"),
            "a\\u{1b}[31mred\\u{7}\\u{0}"
        );
        assert_eq!(printable("n\ntab\t"), "n\\u{a}tab\\u{9}");
        assert_eq!(printable("\u{202e}gnp.md"), "\\u{202e}gnp.md");
    }
}
