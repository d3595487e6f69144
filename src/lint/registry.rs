//! The single list of rule codes: what `annals rule`, `[rules]`, `--select` and SARIF read.

use super::rules;

/// A rule's level when nothing configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    Error,
    Warn,
    /// Off unless selected or configured; when enabled without a level, this severity.
    Off(crate::diagnostic::Severity),
}

#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub default: Default,
    /// What `--fix` does, if anything.
    pub fix: Option<&'static str>,
    /// The documentation `annals rule CODE` prints: what, why, example, fix.
    pub doc: &'static str,
    /// Reads the clock: never changes the exit code unless `--strict`.
    pub time_dependent: bool,
}

use crate::diagnostic::Severity::{Error as E, Warning as W};

macro_rules! rule {
    ($code:literal, $name:literal, $summary:literal, $default:expr, $fix:expr, $doc:expr) => {
        rule!($code, $name, $summary, $default, $fix, $doc, false)
    };
    ($code:literal, $name:literal, $summary:literal, $default:expr, $fix:expr, $doc:expr, $time:expr) => {
        Rule {
            code: $code,
            name: $name,
            summary: $summary,
            default: $default,
            fix: $fix,
            doc: $doc,
            time_dependent: $time,
        }
    };
}

pub static RULES: &[Rule] = &[
    rule!(
        "E001",
        "unreadable-file",
        "file cannot be read as markdown (not UTF-8, binary, too large)",
        Default::Error,
        None,
        rules::files::E001_DOC
    ),
    rule!(
        "E002",
        "skipped-path",
        "path skipped (symbolic link, non-UTF-8 name, unreadable folder)",
        Default::Warn,
        None,
        rules::files::E002_DOC
    ),
    rule!(
        "N001",
        "file-name-pattern",
        "file name does not match its kind's pattern",
        Default::Error,
        Some("rename + rewrite links"),
        rules::naming::N001_DOC
    ),
    rule!(
        "N002",
        "duplicate-id",
        "duplicate ID",
        Default::Error,
        Some("renumber the new one + rewrite links"),
        rules::naming::N002_DOC
    ),
    rule!(
        "N003",
        "slug-title-mismatch",
        "slug does not match title",
        Default::Off(E),
        None,
        rules::naming::N003_DOC
    ),
    rule!(
        "F001",
        "front-matter-invalid",
        "missing or unparsable front matter",
        Default::Error,
        None,
        rules::front_matter::F001_DOC
    ),
    rule!(
        "F002",
        "schema-violation",
        "front matter violates the kind's JSON Schema",
        Default::Error,
        None,
        rules::front_matter::F002_DOC
    ),
    rule!(
        "F003",
        "unknown-tag",
        "tag not in vocabulary",
        Default::Error,
        Some("case and spacing normalisation"),
        rules::front_matter::F003_DOC
    ),
    rule!(
        "F004",
        "invalid-date",
        "invalid date",
        Default::Error,
        None,
        rules::front_matter::F004_DOC
    ),
    rule!(
        "F005",
        "invalid-status",
        "status not in the kind's statuses, or a transition the workflow does not allow",
        Default::Error,
        None,
        rules::front_matter::F005_DOC
    ),
    rule!(
        "F006",
        "title-h1-mismatch",
        "H1 differs from `title`",
        Default::Warn,
        None,
        rules::front_matter::F006_DOC
    ),
    rule!(
        "S001",
        "missing-section",
        "required section missing",
        Default::Error,
        None,
        rules::sections::S001_DOC
    ),
    rule!(
        "S002",
        "template-placeholder",
        "text left from the kind's template, or `TODO`/`TBD`/`FIXME`",
        Default::Warn,
        None,
        rules::sections::S002_DOC
    ),
    rule!(
        "L001",
        "missing-file",
        "relative link to a missing file",
        Default::Error,
        None,
        rules::links::L001_DOC
    ),
    rule!(
        "L002",
        "missing-fragment",
        "link fragment matches no heading/anchor in the target",
        Default::Error,
        None,
        rules::links::L002_DOC
    ),
    rule!(
        "L003",
        "link-escapes-root",
        "link escapes the repository root",
        Default::Error,
        None,
        rules::links::L003_DOC
    ),
    rule!(
        "L004",
        "unknown-id",
        "reference to an unknown document ID",
        Default::Error,
        None,
        rules::links::L004_DOC
    ),
    rule!(
        "L005",
        "supersede-inconsistent",
        "supersede pair inconsistent",
        Default::Error,
        Some("fills the other side"),
        rules::links::L005_DOC
    ),
    rule!(
        "L006",
        "orphan",
        "orphan: no inbound links and not in a catalog",
        Default::Off(W),
        None,
        rules::links::L006_DOC
    ),
    rule!(
        "L007",
        "link-case-mismatch",
        "link path differs only in letter case from the real file",
        Default::Error,
        Some("corrects the case"),
        rules::links::L007_DOC
    ),
    rule!(
        "L008",
        "undefined-reference",
        "reference-style link with no definition",
        Default::Error,
        None,
        rules::links::L008_DOC
    ),
    rule!(
        "L009",
        "fragment-case-mismatch",
        "fragment differs from an anchor only in letter case (GitHub resolves it; most renderers do not)",
        Default::Warn,
        Some("rewrites it to the anchor"),
        rules::links::L009_DOC
    ),
    rule!(
        "O001",
        "missing-owner",
        "missing owner",
        Default::Error,
        None,
        rules::owners::O001_DOC
    ),
    rule!(
        "O002",
        "unknown-person",
        "unknown owner / person",
        Default::Error,
        None,
        rules::owners::O002_DOC
    ),
    rule!(
        "O003",
        "inactive-owner",
        "owner is inactive",
        Default::Warn,
        None,
        rules::owners::O003_DOC
    ),
    rule!(
        "O004",
        "codeowners-stale",
        "CODEOWNERS block out of date",
        Default::Error,
        None,
        rules::owners::O004_DOC
    ),
    rule!(
        "O005",
        "accepted-decision-edited",
        "an accepted decision's body changed",
        Default::Error,
        None,
        rules::change::O005_DOC
    ),
    rule!(
        "A001",
        "agenda-late",
        "agenda committed later than `agenda_lead` before the meeting",
        Default::Error,
        None,
        rules::practice::A001_DOC
    ),
    rule!(
        "A002",
        "response-overdue",
        "response overdue",
        Default::Warn,
        None,
        rules::practice::A002_DOC,
        true
    ),
    rule!(
        "A003",
        "stale",
        "stale: not updated within `review_every`, or `review_by` passed",
        Default::Warn,
        None,
        rules::practice::A003_DOC,
        true
    ),
    rule!(
        "A004",
        "outcome-missing",
        "meeting outcome not recorded within `outcome_within`",
        Default::Warn,
        None,
        rules::practice::A004_DOC,
        true
    ),
    rule!(
        "H001",
        "history-unverifiable",
        "a check needs git objects this clone lacks (partial, shallow or damaged)",
        Default::Error,
        None,
        rules::history::H001_DOC
    ),
];

/// Looks a rule up by its code (case-insensitively).
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Codes matching a selector: a whole code (`F003`), a prefix (`F`, `L00`) or `ALL`.
pub fn matching(selector: &str) -> Vec<&'static Rule> {
    let s = selector.trim().to_ascii_uppercase();
    RULES
        .iter()
        .filter(|r| s == "ALL" || r.code.starts_with(&s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted_by_family() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(!r.doc.is_empty());
        }
        assert_eq!(matching("F").len(), 6);
        assert!(matching("Z").is_empty());
    }
}
