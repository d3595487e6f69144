//! The markdown body, parsed once: headings with GitHub slugs, links, undefined reference
//! labels, HTML anchors, prose runs and `TODO` markers, all with byte spans into the file.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::slug::Slugger;

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub slug: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Inline,
    Reference,
    Autolink,
    Image,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub dest: String,
    pub kind: LinkKind,
    pub span: Range<usize>,
    /// Where the destination is written (in the link, or in its reference definition), when
    /// the source spells it as `dest` reads: what fixes and `mv` rewrite.
    pub dest_span: Option<Range<usize>>,
}

/// One run of prose (see [`Markdown::prose`]).
#[derive(Debug, Clone)]
pub struct Prose {
    pub span: Range<usize>,
    /// Inside a heading.
    pub heading: bool,
}

/// A `[text][label]` whose label has no definition.
#[derive(Debug, Clone)]
pub struct BrokenRef {
    pub label: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Markdown {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub broken_refs: Vec<BrokenRef>,
    /// Explicit anchors: `id` on any HTML element, `name` on `a`.
    pub anchors: Vec<String>,
    /// `TODO`, `TBD` and `FIXME` as whole words in prose (never in code, math or HTML).
    pub placeholders: Vec<Range<usize>>,
    /// Runs of prose: text with its emphasis and line breaks, outside code, math, HTML and
    /// link destinations (link text is a run of its own). What template leftovers are
    /// looked for in.
    pub prose: Vec<Prose>,
    /// Where the body ends (the file's length).
    pub end: usize,
}

/// An HTML start tag: its name and its attributes.
/// The text of a markdown body as a reader sees it rendered: words of paragraphs, headings,
/// lists, tables and code, without HTML (comments included), link destinations or markup.
pub fn plain_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    for event in Parser::new_ext(body, opts) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

static START_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"#)
        .expect("static regex")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"#)
        .expect("static regex")
});
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:TODO|TBD|FIXME)\b").expect("static regex"));

/// The anchors one piece of HTML defines: `id` on any element, `name` on `a`.
fn html_anchors(html: &str, out: &mut Vec<String>) {
    if !html.contains('=') {
        return;
    }
    for tag in START_TAG.captures_iter(html) {
        let is_a = tag[1].eq_ignore_ascii_case("a");
        for attr in ATTRIBUTE.captures_iter(&tag[2]) {
            let name = &attr[1];
            if (name.eq_ignore_ascii_case("id") || (is_a && name.eq_ignore_ascii_case("name")))
                && let Some(v) = attr.get(2).or_else(|| attr.get(3)).or_else(|| attr.get(4))
            {
                out.push(v.as_str().to_string());
            }
        }
    }
}

impl Markdown {
    /// Parses `src[start..]`; spans are offsets into `src`.
    pub fn parse(src: &str, start: usize) -> Markdown {
        let body = &src[start..];
        let mut md = Markdown {
            end: src.len(),
            ..Markdown::default()
        };
        let mut broken = Vec::new();
        let callback = |l: BrokenLink<'_>| {
            if matches!(l.link_type, LinkType::Reference | LinkType::Collapsed) {
                broken.push(BrokenRef {
                    label: l.reference.to_string(),
                    span: start + l.span.start..start + l.span.end,
                });
            }
            None::<(CowStr<'_>, CowStr<'_>)>
        };
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_MATH;
        let parser = Parser::new_with_broken_link_callback(body, opts, Some(callback));
        let definitions: std::collections::HashMap<String, Range<usize>> = parser
            .reference_definitions()
            .iter()
            .filter_map(|(label, def)| {
                let span = start + def.span.start..start + def.span.end;
                let text = &src[span.clone()];
                let after = text.find("]:")? + 2;
                let at = text[after..].find(def.dest.as_ref())? + after;
                Some((
                    label.to_lowercase(),
                    span.start + at..span.start + at + def.dest.len(),
                ))
            })
            .collect();
        let dest_span = |range: &Range<usize>, link_type: LinkType, dest: &str, id: &str| {
            if matches!(link_type, LinkType::Inline) {
                let text = &src[range.clone()];
                let at = text
                    .rfind(&format!("]({dest}"))
                    .map(|i| i + 2)
                    .or_else(|| text.rfind(&format!("](<{dest}")).map(|i| i + 3))?;
                Some(range.start + at..range.start + at + dest.len())
            } else {
                definitions.get(&id.to_lowercase()).cloned()
            }
        };
        let mut slugger = Slugger::default();
        let mut heading: Option<(u8, usize, String)> = None;
        let mut in_code_block = false;
        // The prose run being built, and whether it is in a heading.
        let mut run: Option<Range<usize>> = None;
        let end_run = |md: &mut Markdown, run: &mut Option<Range<usize>>, heading: bool| {
            if let Some(span) = run.take() {
                md.prose.push(Prose { span, heading });
            }
        };
        for (event, range) in parser.into_offset_iter() {
            let range = start + range.start..start + range.end;
            let continues_run = match &event {
                Event::Text(_) => !in_code_block,
                Event::SoftBreak
                | Event::HardBreak
                | Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
                | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                    run.is_some()
                }
                _ => false,
            };
            if continues_run {
                if matches!(event, Event::Text(_)) {
                    let r = run.get_or_insert(range.clone());
                    r.end = r.end.max(range.end);
                }
            } else {
                end_run(&mut md, &mut run, heading.is_some());
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((level as u8, range.start, String::new()));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, hstart, text)) = heading.take() {
                        let text = text.trim().to_string();
                        md.headings.push(Heading {
                            level,
                            slug: slugger.slug(&text),
                            text,
                            span: hstart..trim_newline(src, range.end),
                        });
                    }
                }
                Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
                Event::End(TagEnd::CodeBlock) => in_code_block = false,
                Event::Text(t) => {
                    if let Some((_, _, h)) = heading.as_mut() {
                        h.push_str(&t);
                    }
                    if !in_code_block {
                        md.find_placeholders(src, &range, &t);
                    }
                }
                Event::Code(t) | Event::InlineMath(t) => {
                    if let Some((_, _, h)) = heading.as_mut() {
                        h.push_str(&t);
                    }
                }
                Event::Html(t) | Event::InlineHtml(t) => html_anchors(&t, &mut md.anchors),
                Event::Start(
                    ref tag @ (Tag::Link {
                        link_type,
                        ref dest_url,
                        ref id,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        ref dest_url,
                        ref id,
                        ..
                    }),
                ) => md.links.push(Link {
                    dest_span: dest_span(&range, link_type, dest_url, id),
                    dest: dest_url.to_string(),
                    kind: match (tag, link_type) {
                        (Tag::Image { .. }, _) => LinkKind::Image,
                        (_, LinkType::Autolink | LinkType::Email) => LinkKind::Autolink,
                        (_, LinkType::Inline) => LinkKind::Inline,
                        _ => LinkKind::Reference,
                    },
                    span: range,
                }),
                _ => {}
            }
        }
        end_run(&mut md, &mut run, false);
        md.broken_refs = broken;
        md
    }

    fn find_placeholders(&mut self, src: &str, range: &Range<usize>, text: &str) {
        if !text.contains("TODO") && !text.contains("TBD") && !text.contains("FIXME") {
            return;
        }
        // The event's text equals the source slice unless entities or escapes were decoded;
        // then the whole event is the span.
        let raw = &src[range.clone()];
        for m in MARKER.find_iter(text) {
            let span = if raw == text {
                range.start + m.start()..range.start + m.end()
            } else {
                range.clone()
            };
            self.placeholders.push(span);
        }
    }

    /// The first level-1 heading.
    pub fn h1(&self) -> Option<&Heading> {
        self.headings.iter().find(|h| h.level == 1)
    }

    /// The text under heading `i`, up to the next heading of the same or a higher level.
    pub fn section_text<'s>(&self, src: &'s str, i: usize) -> &'s str {
        let h = &self.headings[i];
        let end = self.headings[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map_or(self.end, |n| n.span.start);
        &src[h.span.end.min(end)..end]
    }

    /// Index of the first heading whose text equals `name` (case-insensitively).
    pub fn find_section(&self, name: &str) -> Option<usize> {
        self.headings
            .iter()
            .position(|h| h.text.eq_ignore_ascii_case(name.trim()))
    }
}

fn trim_newline(src: &str, end: usize) -> usize {
    src[..end].trim_end_matches(['\n', '\r']).len()
}

#[cfg(test)]
mod plain_tests {
    #[test]
    fn plain_text_drops_comments_and_destinations() {
        let t = super::plain_text(
            "## Context\n\n<!-- What is the issue? -->\nSee [the store](0001-x.md#decision) and <b>bold</b>.\n",
        );
        assert_eq!(t, "Context\nSee the store and bold.\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_links_refs_and_code() {
        let src = "# Title\n\nSee [a](b.md#x) and [c][undefined] and [d][].\n\n\
                   ```\n[not](a-link.md) {not a placeholder}\n```\n\n\
                   ## Risks & mitigations\n\nUse `[x](y)` here. {fill me} TODO\n\n<a id=\"custom\"></a>\n";
        let md = Markdown::parse(src, 0);
        let slugs: Vec<_> = md.headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(slugs, ["title", "risks--mitigations"]);
        assert_eq!(md.links.len(), 1);
        assert_eq!(md.links[0].dest, "b.md#x");
        assert_eq!(&src[md.links[0].span.clone()], "[a](b.md#x)");
        assert_eq!(&src[md.links[0].dest_span.clone().unwrap()], "b.md#x");
        let labels: Vec<_> = md.broken_refs.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["undefined", "d"]);
        let ph: Vec<_> = md.placeholders.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(ph, ["TODO"]);
        assert_eq!(md.anchors, ["custom"]);
    }

    #[test]
    fn anchors_are_ids_on_any_element_and_names_on_a() {
        let src = "# T\n\n<span id=\"7\"></span> <h2 id=x>Y</h2>\n\n<a name='old'></a> \
                   <div name=\"no\" data-id=\"no\" class=\"c\">z</div>\n\n\
                   Text <span ID=\"Inline\">here</span>.\n";
        let md = Markdown::parse(src, 0);
        assert_eq!(md.anchors, ["7", "x", "old", "Inline"]);
    }

    #[test]
    fn markers_and_prose_skip_code_math_and_html() {
        let src = "# Title {#id}\n\nTBD: $\\approx 2^{27}$ and $$x_{i}$$ {1, 2, 3} {: .note}\n\n\
                   `TODO` <span title=\"{x} TODO\">FIXME</span> TODOs todo\n\n\
                   ```\nTODO\n```\n\nFirst line *with emphasis*\nand a second.\n";
        let md = Markdown::parse(src, 0);
        let ph: Vec<_> = md.placeholders.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(ph, ["TBD", "FIXME"]);
        let prose: Vec<_> = md
            .prose
            .iter()
            .map(|p| (&src[p.span.clone()], p.heading))
            .collect();
        assert!(prose.contains(&("Title {#id}", true)), "{prose:?}");
        assert!(
            prose.contains(&("First line *with emphasis*\nand a second.", false)),
            "{prose:?}"
        );
        assert!(
            !prose
                .iter()
                .any(|(p, _)| p.contains("approx") || p.contains("x_{i}"))
        );
    }

    #[test]
    fn reference_destinations_point_at_the_definition() {
        let src =
            "See [db][DB] and ![img](<a b.png>).\n\n[db]: ../decisions/0002-db.md#why \"Title\"\n";
        let md = Markdown::parse(src, 0);
        let spans: Vec<_> = md
            .links
            .iter()
            .map(|l| &src[l.dest_span.clone().unwrap()])
            .collect();
        assert_eq!(spans, ["../decisions/0002-db.md#why", "a b.png"]);
    }

    #[test]
    fn sections() {
        let src = "# T\n\n## Agenda\n\n1. x\n\n## Outcome\n\n<!-- later -->\n";
        let md = Markdown::parse(src, 0);
        let i = md.find_section("outcome").unwrap();
        assert_eq!(md.section_text(src, i).trim(), "<!-- later -->");
        assert!(
            md.section_text(src, md.find_section("Agenda").unwrap())
                .contains("1. x")
        );
    }
}
