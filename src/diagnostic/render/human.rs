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
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let help = d.help.as_deref().map(|h| Level::HELP.message(h));
    let group = match (d.span.clone(), d.location, source) {
        (Some(span), Some(loc), Some(src)) if span.end <= src.len() => {
            // Only the lines the span covers are handed over: whole files would be rescanned.
            let start = src[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = src[span.end..]
                .find('\n')
                .map_or(src.len(), |i| span.end + i);
            let text = &src[start..end];
            let snippet = Snippet::source(text)
                .line_start(loc.line)
                .path(d.path.as_str())
                .annotation(AnnotationKind::Primary.span(span.start - start..span.end - start));
            let g = Group::with_title(title).element(snippet);
            match help {
                Some(h) => g.element(h),
                None => g,
            }
        }
        _ => {
            let g = Group::with_title(title).element(Origin::path(d.path.as_str()));
            match help {
                Some(h) => g.element(h),
                None => g,
            }
        }
    };
    renderer.render(&[group])
}
