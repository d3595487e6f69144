//! A001-A004: the team's async habits as checks, in working time.

use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::workspace::practice::{Awaited, UNVERIFIED};

/// Printed by `annals rule A001`.
pub const A001_DOC: &str = "What: a meeting document whose first commit came less than the kind's `agenda_lead` \
(working time, on the project's workdays and time zone) before the meeting's `date`. With `--staged`, \
an agenda not committed yet is judged against now.\n\n\
Why: an agenda posted late cannot be read, commented or prepared for; async teams agree on a lead time \
so that meetings start from written context.\n\n\
Example: `agenda_lead = \"48h\"`, an agenda committed Thursday 16:00 for a Monday 10:00 meeting (18 \
working hours). A document first committed after its meeting is a record of it, not a late agenda: \
A001 leaves it alone (so adopting annals on an existing handbook does not flag every past meeting).\n\n\
Fix: move the meeting, or post agendas earlier next time; the finding stays in history.";

/// Printed by `annals rule A002`.
pub const A002_DOC: &str = "What: a document in an `open` status with `reviewers` and a `priority`, whose \
response deadline has passed while some reviewers have not responded. The deadline is the time the \
document entered its open status (from history) plus `[response].<priority>` in working time. A \
reviewer has responded when listed in `responded` or when a commit by them (author email in \
`[people]`) touched the file after that time. Time-dependent: changes the exit code only with \
`--strict`.\n\n\
Why: written, async review only works when answers come within the agreed time.\n\n\
Example: an `urgent` brief opened Monday 09:00 with `reviewers: [alice, bob]`, Tuesday and no answer \
from bob.\n\n\
Fix: respond (add yourself to `responded`, or commit your feedback to the file); `annals due` lists \
what awaits whom.";

/// Printed by `annals rule A003`.
pub const A003_DOC: &str = "What: a document not updated (last commit touching it) within its kind's \
`review_every`, or whose `review_by` date has passed. Only for statuses that still have transitions \
(`proposed`, `accepted`...; not `rejected` or `superseded`). Time-dependent: changes the exit code \
only with `--strict`.\n\n\
Why: a decision nobody has looked at for a year may no longer be true; staleness is how a memory \
rots silently.\n\n\
Example: an accepted decision last touched 400 days ago with `review_every = \"365d\"`.\n\n\
Fix: review it: confirm it (any commit touching it counts), deprecate it, or supersede it.";

/// Printed by `annals rule A004`.
pub const A004_DOC: &str = "What: a meeting whose `date` plus the kind's `outcome_within` (working time, on the \
project's workdays and time zone) has passed, and whose outcome section (`outcome_section`, default \
`Outcome`) is still empty. Comments alone count as empty. Time-dependent: reads `--now`/`ANNALS_NOW` \
or the clock, and changes the exit code only with `--strict`.\n\n\
Why: a meeting whose outcome is not written down did not happen for everyone who was not there.\n\n\
Example: a Monday sync with `outcome_within = \"3d\"` and an empty `## Outcome` on Friday morning.\n\n\
Fix: write what was decided and who does what under the outcome heading.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    check_agenda(ctx, doc, out);
    check_responses(ctx, doc, out);
    check_stale(ctx, doc, out);
    check_outcome(ctx, doc, out);
}

fn human(seconds: i64) -> String {
    crate::config::Duration::secs(seconds.max(0)).to_string_rounded()
}

fn check_agenda(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(a) = ctx.practice().agenda(doc) else {
        return;
    };
    // A work-tree file not committed yet is judged when it is staged (`--staged`).
    if a.on_time() || (!a.committed && !ctx.git.uncommitted.contains(&doc.path)) {
        return;
    }
    let lead = a.lead;
    if let Some(why) = a.unverified {
        // The agenda may well have come earlier: say what cannot be known, not a wrong date.
        out.push(Diagnostic::new(
            Rule::HistoryUnverifiable,
            &doc.path,
            None,
            format!("could not verify that the agenda was posted {lead} ahead (A001): {why}"),
        ));
        return;
    }
    out.push(
        Diagnostic::new(
            Rule::AgendaLate,
            &doc.path,
            None,
            format!(
                "agenda posted {} of working time before the meeting on {}; the team expects {lead}",
                human(a.ahead),
                a.date
            ),
        )
        .with_help(Some(format!(
            "move the meeting so the agenda stands {lead} of working time before it, or, if the team accepts late agendas, set `A001 = \"warn\"` under `[rules]`"
        ))),
    );
}

fn check_responses(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(Awaited {
        priority,
        allowed,
        deadline,
        pending,
        unverified,
        ..
    }) = ctx.practice().awaited(doc)
    else {
        return;
    };
    if pending.is_empty() {
        return;
    }
    if let Some(why) = unverified {
        // A time-dependent rule's stand-in: a warning, never a pass.
        out.push(
            Diagnostic::new(
                Rule::HistoryUnverifiable,
                &doc.path,
                None,
                format!(
                    "could not verify the response deadline (A002): {} {} not responded, and when the document became `{}` is unknown: {why}",
                    pending.join(", "),
                    if pending.len() == 1 { "has" } else { "have" },
                    doc.status().unwrap_or(""),
                ),
            )
            .at_most_warning(),
        );
        return;
    }
    if ctx.now <= deadline {
        return;
    }
    let late = ctx.calendar.working_seconds(deadline, ctx.now);
    out.push(Diagnostic::new(
        Rule::ResponseOverdue,
        &doc.path,
        None,
        format!(
            "response overdue by {} of working time: {} {} not responded ({priority}: within {allowed}, due {})",
            human(late),
            pending.join(", "),
            if pending.len() == 1 { "has" } else { "have" },
            deadline.with_timezone(&ctx.calendar.tz).format("%Y-%m-%d %H:%M"),
        ),
    ));
}

fn check_stale(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    if let Some(why) = ctx.practice().staleness(doc) {
        if why.starts_with(UNVERIFIED) {
            out.push(
                Diagnostic::new(Rule::HistoryUnverifiable, &doc.path, None, why).at_most_warning(),
            );
        } else {
            out.push(Diagnostic::new(Rule::Stale, &doc.path, None, why));
        }
    }
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
            Rule::OutcomeMissing,
            &doc.path,
            None,
            format!(
                "the meeting on {date} has no outcome: `## {}` is empty {} of working time after it (expected within {within})",
                kind.outcome_section,
                crate::config::Duration::secs(ctx.calendar.working_seconds(start, ctx.now)).to_string_rounded(),
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
