//! S001, S002: the body has the kind's sections and no template leftovers.

use super::did_you_mean;
use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;

/// Printed by `annals rule S001`.
pub const S001_DOC: &str = "What: a section the kind requires (`sections = [...]`) has no heading in the \
document. Headings match by text, ignoring case and level.\n\n\
Why: required sections are the team's agreed shape: a decision without Consequences, or an agenda \
without Pre-reads, is missing the part readers need.\n\n\
Example: a decision with `## Aftermath` where `Consequences` is required.\n\n\
Fix: add the section (`## Consequences`) and fill it.";

/// Printed by `annals rule S002`.
pub const S002_DOC: &str = "What: a template placeholder left in the text: `{...}` or `TODO`, outside code \
spans and code blocks. Reported once per line.\n\n\
Why: a placeholder means the document was published before it was written.\n\n\
Example: `Chosen option: {title of option 1}, because {justification}.`\n\n\
Fix: replace the placeholder with the real text, or put literal braces in backticks.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    for section in &kind.sections {
        if doc.md.find_section(section).is_none() {
            let suggestion = did_you_mean(section, doc.md.headings.iter().map(|h| h.text.as_str()))
                .map(|h| format!("a heading `{h}` exists: rename it to `{section}`?"));
            out.push(
                Diagnostic::new(
                    "S001",
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
        }
    }
    let mut last_line = 0;
    for span in &doc.md.placeholders {
        let line = doc.line_col(span.start).0;
        if line == last_line {
            continue;
        }
        last_line = line;
        out.push(Diagnostic::new(
            "S002",
            &doc.path,
            Some(span.clone()),
            format!(
                "template placeholder `{}` left in",
                &doc.source[span.clone()]
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
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
    fn s002_once_per_line_and_not_in_code() {
        let src = BODY.replace("y\n", "Chosen option: {title}, because {why}.\n\n```\n{in code}\n```\n\nUse `{code span}`. TODO later\n");
        let d = check_one("decisions/0001-t.md", &src);
        assert_eq!(codes(&d), ["S002", "S002"]);
        assert_eq!(d[0].message, "template placeholder `{title}` left in");
        assert_eq!(d[1].message, "template placeholder `TODO` left in");
    }

    #[test]
    fn clean_sections() {
        assert!(check_one("decisions/0001-t.md", BODY).is_empty());
    }
}
