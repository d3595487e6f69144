//! rustc-style output through annotate-snippets.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::Options;
use crate::diagnostic::{Diagnostic, Report, Severity, Sources};

pub fn render(report: &Report, sources: &dyn Sources, opts: Options) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&render_one(&renderer, d, sources.source(&d.path)));
        out.push_str("\n\n");
    }
    out
}

fn render_one(renderer: &Renderer, d: &Diagnostic, source: Option<&str>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = super::printable(&d.message);
    let path = super::printable(&d.path);
    let help_text = d.help.as_deref().map(super::printable);
    let title = level.primary_title(message.as_ref()).id(d.code.code());
    let help = help_text.as_deref().map(|h| Level::HELP.message(h));
    let cleaned: String;
    let group = match (d.span.clone(), d.location, source) {
        (Some(span), Some(loc), Some(src)) if span.end <= src.len() => {
            // Only the lines the span covers are handed over: whole files would be rescanned.
            let start = src[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = src[span.end..]
                .find('\n')
                .map_or(src.len(), |i| span.end + i);
            // A control character in the line would reach the terminal: each of its bytes is
            // shown as `?`, which keeps the caret's offsets.
            let raw = &src[start..end];
            let text = if raw.chars().any(|c| c.is_control() && c != '\t') {
                cleaned = raw
                    .chars()
                    .flat_map(|c| {
                        let n = if c.is_control() && c != '\t' {
                            c.len_utf8()
                        } else {
                            0
                        };
                        let keep = (n == 0).then_some(c);
                        keep.into_iter().chain(std::iter::repeat_n('?', n))
                    })
                    .collect();
                cleaned.as_str()
            } else {
                raw
            };
            let snippet = Snippet::source(text)
                .line_start(loc.line)
                .path(path.as_ref())
                .annotation(AnnotationKind::Primary.span(span.start - start..span.end - start));
            let g = Group::with_title(title).element(snippet);
            match help {
                Some(h) => g.element(h),
                None => g,
            }
        }
        _ => {
            let g = Group::with_title(title).element(Origin::path(path.as_ref()));
            match help {
                Some(h) => g.element(h),
                None => g,
            }
        }
    };
    renderer.render(&[group])
}
