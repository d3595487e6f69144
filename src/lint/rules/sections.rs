//! S001, S002: the body has the kind's sections and no template leftovers.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::docs::{Document, Markdown};
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::text::did_you_mean;

/// Printed by `annals rule S001`.
pub const S001_DOC: &str = "What: a section the kind requires (`sections = [...]`) has no heading in the \
document. Headings match by text, ignoring case and level; with `sections_strict = true` they \
must have exactly the configured text at the level the kind's template gives them (2 when the \
template lacks the section), and with `sections_order = true` they must come in the listed order.\n\n\
Why: required sections are the team's agreed shape: a decision without Consequences, or an agenda \
without Pre-reads, is missing the part readers need.\n\n\
Example: a decision with `## Aftermath` where `Consequences` is required.\n\n\
Fix: add the section (`## Consequences`) and fill it.";

/// Printed by `annals rule S002`.
pub const S002_DOC: &str = "What: text left from the kind's template (the `template` file, or the built-in \
one): one of its placeholders (`{...}`, `{{...}}`, `[...]` as the template writes them) or a \
sentence of its instruction text, and the words `TODO`, `TBD` and `FIXME`. Only prose counts: \
never code, math (`$...$`, `$$...$$`), HTML (comments, attributes), nor braces the template does \
not have (set notation, attribute lists such as `{: .note}` or `{#id}`). Reported once per line.\n\n\
Why: a placeholder means the document was published before it was written.\n\n\
Example: `Chosen option: {title of option 1}, because {justification}.` left from a MADR \
template.\n\n\
Fix: replace the placeholder or the instruction with the real text.";

/// What is left of a kind's template when a document still holds it: read once per kind.
#[derive(Debug, Default)]
pub struct Template {
    /// Placeholders as the template writes them (`{title of option 1}`, `{{title}}`).
    placeholders: Vec<String>,
    /// Sentences of instruction text (whitespace-normalised), four words or more.
    instructions: Vec<String>,
    /// Each heading's text and level, for strict sections.
    headings: Vec<(String, u8)>,
    /// How the placeholders of well-known templates begin (lowercase, inside `{}` or `[]`):
    /// decisions without a `template` were often written from MADR's.
    known: &'static [&'static str],
}

/// The beginnings of MADR's placeholders (versions 2 to 4: `{title of option 1}`,
/// `[justification. e.g., ...]`...). Matched only as a whole `{...}` or `[...]` that starts
/// with one of them, so braces in prose never match.
const MADR_PLACEHOLDERS: &[&str] = &[
    "short title of solved problem",
    "short title, representative of solved problem",
    "describe the context and problem statement",
    "describe context and problem statement",
    "describe how the implementation",
    "decision driver ",
    "driver ",
    "title of option ",
    "option ",
    "justification",
    "positive consequence",
    "negative consequence",
    "example | description",
    "argument ",
    "list everyone involved",
    "list all stakeholders",
    "yyyy-mm-dd when the decision was last updated",
    "proposed | rejected | accepted",
    "you might want to provide additional evidence",
    "ticket/issue url",
    "description | ticket/issue url",
];

/// adr-tools' (Nygard's) instruction sentences.
const NYGARD_INSTRUCTIONS: &[&str] = &[
    "The issue motivating this decision, and any context that influences or constrains the decision.",
    "The change that we're proposing or have agreed to implement.",
    "What becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.",
];

static TEMPLATE_PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[^{}\n]+\}\}|\{[^{}\n]+\}|\[[^\[\]\n]+\]").expect("static regex")
});

impl Template {
    /// The template annals uses for `kind`: its `template` file (through the gate, within
    /// the size limit), else the built-in one. An unreadable file gives no leftovers.
    pub fn for_kind(cfg: &crate::config::Config, kind: &crate::config::Kind) -> Template {
        if let Some(path) = &kind.template {
            return cfg
                .fs
                .read(path, cfg.limits.max_file_size)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map(|text| Template::parse(&text))
                .unwrap_or_default();
        }
        let mut t = Template::parse(&crate::docs::template::builtin(kind));
        if kind.builtin == Some(crate::config::Builtin::Decision) {
            t.known = MADR_PLACEHOLDERS;
            t.instructions
                .extend(NYGARD_INSTRUCTIONS.iter().map(|s| (*s).to_string()));
        }
        t
    }

    /// Whether `{inner}` / `[inner]` is a placeholder of a well-known template.
    fn is_known(&self, inner: &str) -> bool {
        let lower = inner.trim().to_lowercase();
        self.known.iter().any(|k| lower.starts_with(k))
    }

    pub fn parse(text: &str) -> Template {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let md = Markdown::parse(text, crate::docs::frontmatter::body_start(text));
        let mut t = Template {
            headings: md
                .headings
                .iter()
                .map(|h| (h.text.clone(), h.level))
                .collect(),
            ..Template::default()
        };
        for run in &md.prose {
            let raw = &text[run.span.clone()];
            let mut any = false;
            for m in TEMPLATE_PLACEHOLDER.find_iter(raw) {
                any = true;
                let p = m.as_str();
                let inner = p.trim_matches(['{', '}', '[', ']']);
                // Attribute lists and footnote-like labels are markup, not placeholders.
                let markup = inner.starts_with([':', '#', '.', '^', ' ']);
                if !markup
                    && inner.chars().any(char::is_alphabetic)
                    && !t.placeholders.iter().any(|q| q == p)
                {
                    t.placeholders.push(p.to_string());
                }
            }
            let words = normalise(raw);
            if !any && !run.heading && words.split(' ').count() >= 4 {
                t.instructions.push(words);
            }
        }
        t
    }

    /// The level the template gives a section (compared ignoring case).
    fn level(&self, section: &str) -> Option<u8> {
        self.headings
            .iter()
            .find(|(h, _)| h.trim().eq_ignore_ascii_case(section.trim()))
            .map(|(_, l)| *l)
    }
}

/// Text with its runs of whitespace as one space, and emphasis markers dropped.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.trim_matches(['*', '_', '~']))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    if !kind.sections.is_empty() {
        let template =
            (kind.sections_strict || kind.sections_order).then(|| ctx.template(doc.kind));
        check_sections(kind, template, doc, out);
    }
    check_leftovers(ctx, doc, out);
}

fn check_sections(
    kind: &crate::config::Kind,
    template: Option<&Template>,
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    let headings = &doc.md.headings;
    // Where each required section was found, in the order `sections` lists them.
    let mut found: Vec<(usize, &str)> = Vec::new();
    for section in &kind.sections {
        let lenient = doc.md.find_section(section);
        if !kind.sections_strict {
            if let Some(i) = lenient {
                found.push((i, section));
                continue;
            }
            let suggestion = did_you_mean(section, headings.iter().map(|h| h.text.as_str()))
                .map(|h| format!("a heading `{h}` exists: rename it to `{section}`?"));
            out.push(
                Diagnostic::new(
                    Rule::MissingSection,
                    &doc.path,
                    None,
                    format!(
                        "required section `{section}` is missing ({} documents have: {})",
                        kind.name,
                        kind.sections.join(", ")
                    ),
                )
                .with_help(suggestion),
            );
            continue;
        }
        let level = template.and_then(|t| t.level(section)).unwrap_or(2);
        let wanted = format!("{} {}", "#".repeat(usize::from(level)), section.trim());
        let exact = headings
            .iter()
            .position(|h| h.level == level && normalise(&h.text) == normalise(section));
        if let Some(i) = exact {
            found.push((i, section));
            continue;
        }
        let near = lenient.or_else(|| {
            did_you_mean(section, headings.iter().map(|h| h.text.as_str()))
                .and_then(|t| headings.iter().position(|h| h.text == t))
        });
        let help = near.map(|i| {
            let h = &headings[i];
            format!(
                "line {} has `{} {}`: write it as `{wanted}`",
                doc.line_col(h.span.start).0,
                "#".repeat(usize::from(h.level)),
                h.text
            )
        });
        out.push(
            Diagnostic::new(
                Rule::MissingSection,
                &doc.path,
                None,
                format!(
                    "required section `{wanted}` is missing: {} sections are strict (exact text, level {level})",
                    kind.name
                ),
            )
            .with_help(help),
        );
    }
    if kind.sections_order {
        let mut last: Option<(usize, &str)> = None;
        for &(i, section) in &found {
            if let Some((j, before)) = last
                && i < j
            {
                {
                    out.push(
                        Diagnostic::new(
                            Rule::MissingSection,
                            &doc.path,
                            Some(headings[i].span.clone()),
                            format!(
                                "section `{section}` comes before `{before}`: {} sections go in the order {}",
                                kind.name,
                                kind.sections.join(", ")
                            ),
                        )
                        .with_help(Some(format!("move `{section}` after `{before}`"))),
                    );
                }
            } else {
                last = Some((i, section));
            }
        }
    }
}

/// One leftover: where, and what the message says.
struct Leftover {
    span: Range<usize>,
    message: String,
}

fn check_leftovers(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    let mut found: Vec<Leftover> = doc
        .md
        .placeholders
        .iter()
        .map(|span| Leftover {
            span: span.clone(),
            message: format!("`{}` marks unfinished text", &doc.source[span.clone()]),
        })
        .collect();
    let template = ctx.template(doc.kind);
    if !template.placeholders.is_empty()
        || !template.instructions.is_empty()
        || !template.known.is_empty()
    {
        for run in &doc.md.prose {
            let raw = &doc.source[run.span.clone()];
            if !template.known.is_empty() && raw.contains(['{', '[']) {
                for m in TEMPLATE_PLACEHOLDER.find_iter(raw) {
                    let p = m.as_str();
                    if template.is_known(p.trim_matches(['{', '}', '[', ']']))
                        && !template.placeholders.iter().any(|q| q == p)
                    {
                        let start = run.span.start + m.start();
                        found.push(Leftover {
                            span: start..start + p.len(),
                            message: format!("placeholder `{p}` left from a MADR template"),
                        });
                    }
                }
            }
            for p in &template.placeholders {
                for (at, _) in raw.match_indices(p.as_str()) {
                    let start = run.span.start + at;
                    found.push(Leftover {
                        span: start..start + p.len(),
                        message: format!("placeholder `{p}` left from the {} template", kind.name),
                    });
                }
            }
            if run.heading || template.instructions.is_empty() {
                continue;
            }
            // Normalising allocates: only for runs that hold an instruction's longest word.
            let mut words: Option<String> = None;
            for instruction in &template.instructions {
                if !raw.contains(longest_word(instruction)) {
                    continue;
                }
                let words = words.get_or_insert_with(|| normalise(raw));
                if !words.contains(instruction.as_str()) {
                    continue;
                }
                // Exactly where it is when written on one line; else the run's first line.
                let first_line = raw.find('\n').unwrap_or(raw.len());
                let span = raw
                    .find(instruction.as_str())
                    .map_or(run.span.start..run.span.start + first_line, |at| {
                        run.span.start + at..run.span.start + at + instruction.len()
                    });
                found.push(Leftover {
                    span,
                    message: format!(
                        "instruction text left from the {} template: `{}`",
                        kind.name,
                        shorten(instruction, 60)
                    ),
                });
            }
        }
    }
    found.sort_by_key(|l| (l.span.start, l.span.end));
    let mut last_line = 0;
    for l in found {
        let line = doc.line_col(l.span.start).0;
        if line == last_line {
            continue;
        }
        last_line = line;
        out.push(Diagnostic::new(
            Rule::TemplatePlaceholder,
            &doc.path,
            Some(l.span),
            l.message,
        ));
    }
}

/// The longest word of `s` (without the punctuation around it).
fn longest_word(s: &str) -> &str {
    s.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .max_by_key(|w| w.len())
        .unwrap_or("")
}

/// At most `max` characters, cut at a word with `…`.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::Template;
    use crate::lint::tests::{check_one, codes};

    const BODY: &str = "---\ntitle: T\nstatus: accepted\ndate: 2024-01-01\nowner: alice\n---\n# T\n\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n";

    #[test]
    fn s001_missing_section_is_file_level() {
        let d = check_one(
            "decisions/0001-t.md",
            &BODY.replace("## Consequences", "## Aftermath"),
        );
        assert_eq!(codes(&d), ["S001"]);
        assert!(d[0].location.is_none());
    }

    #[test]
    fn s002_markers_once_per_line_and_not_in_code() {
        let src = BODY.replace("y\n", "Chosen option: {title}, because {why}. TBD\n\n```\nTODO in code\n```\n\nUse `TODO`. TODO later, FIXME too\n");
        let d = check_one("decisions/0001-t.md", &src);
        assert_eq!(codes(&d), ["S002", "S002"]);
        assert_eq!(d[0].message, "`TBD` marks unfinished text");
        assert_eq!(d[1].message, "`TODO` marks unfinished text");
    }

    #[test]
    fn s002_never_math_set_notation_attribute_lists_or_html() {
        let src = BODY.replace(
            "y\n",
            "About $\\approx 2^{27}$ keys; $$\\sum_{i} x_{i}$$ and the set {1, 2, 3}.\n\n\
             1. first\n{:start=\"5\"}\n\n## Notes {#notes .wide}\n\n{: .note}\n\n\
             <div style=\"{color: red}\" title=\"TODO\">x</div>\n\n{{title}}\n",
        );
        let d = check_one("decisions/0001-t.md", &src);
        // The built-in template's only placeholders are `{{title}}`-style ones.
        assert_eq!(codes(&d), ["S002"]);
        assert_eq!(
            d[0].message,
            "placeholder `{{title}}` left from the decision template"
        );
    }

    #[test]
    fn template_placeholders_and_instructions() {
        let t = Template::parse(
            "---\ntitle: {{title}}\n---\n# {short title of solved problem}\n\n## Context and Problem Statement\n\n\
             Describe the context and problem statement, e.g., in free form.\n\n\
             Chosen option: \"{title of option 1}\", because {justification}.\n\n\
             <!-- This is an optional element. Feel free to remove. -->\n\n\
             * [option 1]\n* Good, because {1, 2}\n\nKeep it.\n\nSee {: .note} and $a_{x}$.\n",
        );
        assert_eq!(
            t.placeholders,
            [
                "{short title of solved problem}",
                "{title of option 1}",
                "{justification}",
                "[option 1]"
            ]
        );
        assert_eq!(
            t.instructions,
            ["Describe the context and problem statement, e.g., in free form."]
        );
        assert_eq!(t.level("context and problem statement"), Some(2));
    }

    #[test]
    fn s002_madr_and_adr_tools_leftovers_without_a_template() {
        let src = BODY.replace(
            "y\n",
            "Chosen option: {title of option 1}, because {justification}.\n\n\
             The change that we're proposing or have agreed to implement.\n\n\
             Options {a, b} and [option 1](#context) and {stream name} stay.\n",
        );
        let d = check_one("decisions/0001-t.md", &src);
        assert_eq!(codes(&d), ["S002", "S002"]);
        assert_eq!(
            d[0].message,
            "placeholder `{title of option 1}` left from a MADR template"
        );
        assert!(
            d[1].message
                .starts_with("instruction text left from the decision template")
        );
    }

    fn strict(order: bool, body: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let config = format!(
            "{}\n[kinds.decision]\ndir = \"decisions\"\nfilename = \"{{number:04}}-{{slug}}.md\"\n\
             sections = [\"Context\", \"Decision\", \"Consequences\"]\nsections_strict = true\n\
             sections_order = {order}\n",
            ""
        );
        crate::lint::tests::check_with(&config, "decisions/0001-t.md", body)
    }

    #[test]
    fn s001_strict_level_text_and_order() {
        assert!(strict(true, BODY).is_empty());
        let d = strict(false, &BODY.replace("## Context", "### context"));
        assert_eq!(codes(&d), ["S001"]);
        assert_eq!(
            d[0].message,
            "required section `## Context` is missing: decision sections are strict (exact text, level 2)"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("line 9 has `### context`: write it as `## Context`")
        );
        let swapped = BODY
            .replace("## Context\n\nx", "## TMP\n\nx")
            .replace("## Decision\n\ny", "## Context\n\nx")
            .replace("## TMP\n\nx", "## Decision\n\ny");
        let d = strict(true, &swapped);
        assert_eq!(codes(&d), ["S001"]);
        assert_eq!(
            d[0].message,
            "section `Decision` comes before `Context`: decision sections go in the order Context, Decision, Consequences"
        );
        assert!(strict(false, &swapped).is_empty());
        // Lenient by default: any level, any case.
        assert!(
            check_one(
                "decisions/0001-t.md",
                &BODY.replace("## Context", "### context")
            )
            .is_empty()
        );
    }

    #[test]
    fn clean_sections() {
        assert!(check_one("decisions/0001-t.md", BODY).is_empty());
    }
}
