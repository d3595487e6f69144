//! The team's habits at a moment: what a document awaits and from whom, whether it is stale,
//! and which facts history cannot date. What A001-A004 judge, and `annals due` and
//! `annals stale` list (without compiling a schema).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::GitView;
use crate::config::Config;
use crate::docs::{Corpus, Document};
use crate::time::Calendar;

/// An instant from seconds since the epoch (history's times).
pub fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// Person keys by lowercased email, to map commit authors to people.
pub fn people_by_email(cfg: &Config) -> HashMap<String, String> {
    cfg.people
        .iter()
        .flat_map(|(k, p)| p.email.iter().map(move |e| (e.to_lowercase(), k.clone())))
        .collect()
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

/// When a meeting's agenda was posted, against the kind's `agenda_lead` (what A001 judges and
/// the hub's dashboard shows).
#[derive(Debug, Clone)]
pub struct Agenda {
    /// The meeting's `date`, as written.
    pub date: String,
    pub lead: crate::config::Duration,
    /// Working seconds between the agenda's first commit (or now, when it is not committed
    /// yet) and the meeting.
    pub ahead: i64,
    pub committed: bool,
    /// Why history cannot date the first commit (a shallow clone's boundary), if it cannot.
    pub unverified: Option<String>,
}

impl Agenda {
    pub fn on_time(&self) -> bool {
        self.ahead >= self.lead.seconds()
    }
}

/// What a [`Practice`] borrows of the configuration: the calendar, and people by email.
pub struct Team {
    pub calendar: Calendar,
    pub by_email: HashMap<String, String>,
}

impl Team {
    pub fn of(cfg: &Config) -> Team {
        Team {
            calendar: cfg.calendar(),
            by_email: people_by_email(cfg),
        }
    }

    /// The habits of the workspace's documents at `now`.
    pub fn practice<'a>(&'a self, ws: &'a super::Workspace, now: DateTime<Utc>) -> Practice<'a> {
        Practice {
            corpus: &ws.corpus,
            git: &ws.git,
            now,
            calendar: &self.calendar,
            by_email: &self.by_email,
        }
    }
}

/// The documents, what git knows of them, and the clock.
pub struct Practice<'a> {
    pub corpus: &'a Corpus,
    pub git: &'a GitView,
    pub now: DateTime<Utc>,
    pub calendar: &'a Calendar,
    pub by_email: &'a HashMap<String, String>,
}

impl Practice<'_> {
    /// Why the history of `path` cannot date it (a shallow clone's boundary, an unreadable blob),
    /// when `at_boundary` says the fact in question came from the oldest commit known.
    pub fn unverifiable(&self, path: &str, at_boundary: bool) -> Option<String> {
        let history = self.git.history.as_ref()?;
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

    /// When `doc`'s agenda was posted, when its kind sets `agenda_lead`, it has a `date` and
    /// history (or is not committed yet), and it came before the meeting: a document first
    /// committed after its meeting is a record of it (as when a team adopts annals on an
    /// existing handbook), not an agenda that came late.
    pub fn agenda(&self, doc: &Document) -> Option<Agenda> {
        let lead = self.corpus.kind_of(doc).agenda_lead?;
        let (date, _) = doc.str_field("date")?;
        let start = self.calendar.parse_instant(date)?;
        // Not committed: staged for the commit being made, or (in the work tree) unknown to
        // a history that was read.
        let history = self.git.history.as_ref()?;
        let created = history.time(&doc.path, true);
        let committed = !self.git.uncommitted.contains(&doc.path) && created.is_some();
        let (posted, unverified) = match created {
            // In a shallow clone the first commit known may not be the first one.
            Some(t) if committed => (at(t), self.unverifiable(&doc.path, true)),
            _ => (self.now, None),
        };
        (posted < start).then(|| Agenda {
            date: date.to_string(),
            lead,
            ahead: self.calendar.working_seconds(posted, start),
            committed,
            unverified,
        })
    }

    /// What `doc` awaits, when it is open with reviewers and a priority and has history.
    pub fn awaited(&self, doc: &Document) -> Option<Awaited> {
        let kind = self.corpus.kind_of(doc);
        let status = doc.status()?;
        if !kind.open.iter().any(|s| s == status) {
            return None;
        }
        let (priority, _) = doc.str_field("priority")?;
        let allowed = self.corpus.config.response.for_priority(priority)?;
        let reviewers = doc.list_field("reviewers");
        if reviewers.is_empty() {
            return None;
        }
        let facts = self.git.history.as_ref().and_then(|h| h.get(&doc.path))?;
        let opened = facts
            .entered(status)
            .or(facts.created.as_ref().map(|c| c.time))?;
        // Entered at the oldest commit known: in a shallow clone it may have been earlier.
        let at_boundary = facts.touches.first().is_none_or(|t| t.time >= opened);
        let unverified = self.unverifiable(&doc.path, at_boundary);
        let responded: Vec<String> = doc
            .list_field("responded")
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let committed = |person: &str| {
            facts.touches.iter().any(|t| {
                t.time > opened && self.by_email.get(&t.email).is_some_and(|p| p == person)
            })
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
            deadline: self.calendar.add_working(at(opened), allowed.seconds()),
            pending,
            unverified,
        })
    }

    /// Why a document is stale, if it is one whose metadata annals reads (what `annals stale`
    /// lists and the hub's dashboard shows).
    pub fn stale(&self, doc: &Document) -> Option<String> {
        if !doc.reads_metadata(self.corpus.kind_of(doc)) {
            return None;
        }
        self.staleness(doc)
    }

    /// Why a document is stale, if it is.
    pub fn staleness(&self, doc: &Document) -> Option<String> {
        let kind = self.corpus.kind_of(doc);
        // A change being checked touches the document: that is the review.
        if self
            .git
            .change
            .as_ref()
            .is_some_and(|c| c.changes.changed.contains(&doc.path))
        {
            return None;
        }
        let status = doc.status();
        if status.is_some_and(|s| !kind.is_live_status(s))
            || (status.is_none() && !kind.statuses.is_empty())
        {
            return None;
        }
        if let Some((by, _)) = doc.str_field("review_by")
            && let Some(day) = self.calendar.parse_instant(by)
            && self.now > day + chrono::Duration::days(1)
        {
            return Some(format!(
                "`review_by: {by}` has passed: review the document or set a new date"
            ));
        }
        let every = kind.review_every?;
        let facts = self.git.history.as_ref().and_then(|h| h.get(&doc.path))?;
        let updated = facts.updated()?;
        let age = (self.now - at(updated.time)).num_seconds();
        if age <= every.seconds()
            && facts.touches.len() == 1
            && let Some(why) = self.unverifiable(&doc.path, true)
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
}

/// How [`Practice::staleness`] begins a reason that is no finding of staleness but of missing history.
pub const UNVERIFIED: &str = "could not verify when the document was last updated (A003): ";
