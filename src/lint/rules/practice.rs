//! A001-A004: the team's async habits as checks, in working time.

use chrono::{DateTime, Utc};

use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;

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

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn human(seconds: i64) -> String {
    crate::config::Duration::secs(seconds.max(0)).to_string_rounded()
}

fn check_agenda(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    let Some(lead) = kind.agenda_lead else { return };
    let Some((date, _)) = doc.str_field("date") else {
        return;
    };
    let Some(start) = ctx.calendar.parse_instant(date) else {
        return;
    };
    let mut cut = None;
    let posted = if ctx.git.uncommitted.contains(&doc.path) {
        ctx.now
    } else {
        let Some(created) = ctx
            .git
            .history
            .as_ref()
            .and_then(|h| h.get(&doc.path))
            .and_then(|f| f.created.as_ref())
        else {
            return;
        };
        // In a shallow clone the first commit known may not be the first one.
        cut = unverifiable(ctx, &doc.path, true);
        at(created.time)
    };
    // First committed after the meeting: a record of it (as when a team adopts annals on
    // an existing handbook), not an agenda that came late.
    if posted >= start {
        return;
    }
    let ahead = ctx.calendar.working_seconds(posted, start);
    if ahead < lead.seconds()
        && let Some(why) = cut
    {
        // The agenda may well have come earlier: say what cannot be known, not a wrong date.
        out.push(Diagnostic::new(
            "H001",
            &doc.path,
            None,
            format!("could not verify that the agenda was posted {lead} ahead (A001): {why}"),
        ));
        return;
    }
    if ahead < lead.seconds() {
        out.push(Diagnostic::new(
            "A001",
            &doc.path,
            None,
            format!(
                "agenda posted {} of working time before the meeting on {date}; the team expects {lead}",
                human(ahead)
            ),
        )
        .with_help(Some(format!(
            "move the meeting so the agenda stands {lead} of working time before it, or, if the team accepts late agendas, set `A001 = \"warn\"` under `[rules]`"
        ))));
    }
}

/// Responses a document in an open status still awaits.
#[derive(Debug, Clone)]
pub struct Awaited {
    pub priority: String,
    pub allowed: crate::config::Duration,
    pub opened: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    /// Reviewers who have not responded (in `responded`, or by a commit touching the file).
    pub pending: Vec<String>,
    /// Why the deadline is not known for sure (history this clone lacks), if it is not.
    pub unverified: Option<String>,
}

/// Why the history of `path` cannot date it (a shallow clone's boundary, an unreadable blob),
/// when `at_boundary` says the fact in question came from the oldest commit known.
pub fn unverifiable(ctx: &Context<'_>, path: &str, at_boundary: bool) -> Option<String> {
    let history = ctx.git.history.as_ref()?;
    if history.unreadable.contains(path) {
        return Some(
            "a version of it is not in this clone (a blobless partial clone or a missing object): \
             fetch it with `git fetch --refetch`, or clone without `--filter`"
                .to_string(),
        );
    }
    let facts = history.get(path)?;
    (facts.cut && at_boundary).then(|| {
        "the clone is shallow and its oldest commit touching the document is the shallow \
         boundary: `git fetch --unshallow` (or `fetch-depth: 0` in actions/checkout)"
            .to_string()
    })
}

/// What `doc` awaits, when it is open with reviewers and a priority and has history.
pub fn awaited(ctx: &Context<'_>, doc: &Document) -> Option<Awaited> {
    let kind = ctx.kind(doc);
    let (status, _) = doc.str_field("status")?;
    if !kind.open.iter().any(|s| s == status) {
        return None;
    }
    let (priority, _) = doc.str_field("priority")?;
    let allowed = ctx.repo.config.response.for_priority(priority)?;
    let reviewers = doc.list_field("reviewers");
    if reviewers.is_empty() {
        return None;
    }
    let facts = ctx.git.history.as_ref().and_then(|h| h.get(&doc.path))?;
    let opened = facts
        .entered(status)
        .or(facts.created.as_ref().map(|c| c.time))?;
    // Entered at the oldest commit known: in a shallow clone it may have been earlier.
    let at_boundary = facts.touches.first().is_none_or(|t| t.time >= opened);
    let unverified = unverifiable(ctx, &doc.path, at_boundary);
    let responded: Vec<String> = doc
        .list_field("responded")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let committed = |person: &str| {
        facts
            .touches
            .iter()
            .any(|t| t.time > opened && ctx.by_email.get(&t.email).is_some_and(|p| p == person))
    };
    let pending = reviewers
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| !responded.contains(p) && !committed(p))
        .collect();
    Some(Awaited {
        priority: priority.to_string(),
        allowed,
        opened: at(opened),
        deadline: ctx.calendar.add_working(at(opened), allowed.seconds()),
        pending,
        unverified,
    })
}

fn check_responses(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(Awaited {
        priority,
        allowed,
        deadline,
        pending,
        unverified,
        ..
    }) = awaited(ctx, doc)
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
                "H001",
                &doc.path,
                None,
                format!(
                    "could not verify the response deadline (A002): {} {} not responded, and when the document became `{}` is unknown: {why}",
                    pending.join(", "),
                    if pending.len() == 1 { "has" } else { "have" },
                    doc.str_field("status").map_or("", |(s, _)| s),
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
        "A002",
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

/// Why a document is stale, if it is.
pub fn staleness(ctx: &Context<'_>, doc: &Document) -> Option<String> {
    let kind = ctx.kind(doc);
    // A change being checked touches the document: that is the review.
    if ctx
        .git
        .change
        .as_ref()
        .is_some_and(|c| c.changes.changed.contains(&doc.path))
    {
        return None;
    }
    let status = doc.str_field("status").map(|(s, _)| s);
    if status.is_some_and(|s| !kind.is_live_status(s))
        || (status.is_none() && !kind.statuses.is_empty())
    {
        return None;
    }
    if let Some((by, _)) = doc.str_field("review_by")
        && let Some(day) = ctx.calendar.parse_instant(by)
        && ctx.now > day + chrono::Duration::days(1)
    {
        return Some(format!(
            "`review_by: {by}` has passed: review the document or set a new date"
        ));
    }
    let every = kind.review_every?;
    let facts = ctx.git.history.as_ref().and_then(|h| h.get(&doc.path))?;
    let updated = facts.updated()?;
    let age = (ctx.now - at(updated.time)).num_seconds();
    if age <= every.seconds()
        && facts.touches.len() == 1
        && let Some(why) = unverifiable(ctx, &doc.path, true)
    {
        return Some(format!("{UNVERIFIED}{why}"));
    }
    (age > every.seconds()).then(|| {
        format!(
            "not updated for {} days (since {}); {} documents are reviewed every {every}",
            age / 86_400,
            at(updated.time).format("%Y-%m-%d"),
            kind.name
        )
    })
}

/// How [`staleness`] begins a reason that is no finding of staleness but of missing history.
pub const UNVERIFIED: &str = "could not verify when the document was last updated (A003): ";

fn check_stale(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    if let Some(why) = staleness(ctx, doc) {
        if why.starts_with(UNVERIFIED) {
            out.push(Diagnostic::new("H001", &doc.path, None, why).at_most_warning());
        } else {
            out.push(Diagnostic::new("A003", &doc.path, None, why));
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
            "A004",
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
