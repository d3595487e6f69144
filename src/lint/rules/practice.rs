//! A001-A004: the team's async habits as checks, in working time.

use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;

/// Printed by `annals rule A004`.
pub const A004_DOC: &str = "What: a meeting whose `date` plus the kind's `outcome_within` (working time, on the \
project's workdays and time zone) has passed, and whose outcome section (`outcome_section`, default \
`Outcome`) is still empty. Comments alone count as empty. Time-dependent: reads `--now`/`ANNALS_NOW` \
or the clock, and changes the exit code only with `--strict`.\n\n\
Why: a meeting whose outcome is not written down did not happen for everyone who was not there.\n\n\
Example: a Monday sync with `outcome_within = \"3d\"` and an empty `## Outcome` on Friday morning.\n\n\
Fix: write what was decided and who does what under the outcome heading.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    check_outcome(ctx, doc, out);
}

fn check_outcome(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    let Some(within) = kind.outcome_within else {
        return;
    };
    let Some((date, _)) = doc.str_field("date") else {
        return;
    };
    let Some(start) = ctx.calendar.parse_instant(date) else {
        return;
    };
    let Some(i) = doc.md.find_section(&kind.outcome_section) else {
        return;
    };
    if !section_is_empty(doc.md.section_text(&doc.source, i)) {
        return;
    }
    let deadline = ctx.calendar.add_working(start, within.seconds());
    if ctx.now > deadline {
        out.push(Diagnostic::new(
            "A004",
            &doc.path,
            None,
            format!(
                "the meeting on {date} has no outcome: `## {}` is empty {} of working time after it (expected within {within})",
                kind.outcome_section,
                crate::config::Duration(ctx.calendar.working_seconds(start, ctx.now)).to_string_rounded(),
            ),
        ));
    }
}

/// Empty when it holds nothing but white space and HTML comments.
fn section_is_empty(text: &str) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        if !rest[..start].trim().is_empty() {
            return false;
        }
        rest = rest[start..]
            .find("-->")
            .map_or("", |e| &rest[start + e + 3..]);
    }
    rest.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::section_is_empty;

    #[test]
    fn empty_sections() {
        assert!(section_is_empty("\n\n<!-- fill after -->\n"));
        assert!(!section_is_empty("\nWe agreed.\n"));
        assert!(!section_is_empty("<!-- x -->\nDone.\n"));
    }
}
