//! The single list of rule codes: their names, summaries, default levels and fixes. A leaf:
//! diagnostics carry a [`Rule`], and configuration, rules, renderers and `annals rule` read
//! this list. Each rule's documentation lives beside its check ([`crate::lint::rules::doc`]).

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule's level when nothing configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    /// Off unless selected or configured; when enabled without a level, this severity.
    Off(Severity),
}

/// What the registry knows of one rule.
#[derive(Debug)]
pub struct Info {
    pub rule: Rule,
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub default: Level,
    /// What `--fix` does, if anything.
    pub fix: Option<&'static str>,
    /// Reads the clock: never changes the exit code unless `--strict`.
    pub time_dependent: bool,
}

macro_rules! registry {
    ($($rule:ident = $code:literal, $name:literal, $summary:literal, $default:expr, $fix:expr, $time:expr;)*) => {
        /// A rule, by name; its code is [`Rule::code`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $($rule,)*
        }

        /// Every rule, in the order `annals rule` lists them (the order of [`Rule`]).
        pub static RULES: &[Info] = &[
            $(Info {
                rule: Rule::$rule,
                code: $code,
                name: $name,
                summary: $summary,
                default: $default,
                fix: $fix,
                time_dependent: $time,
            },)*
        ];
    };
}

registry! {
    UnreadableFile = "E001", "unreadable-file", "file cannot be read as markdown (not UTF-8, binary, too large)", Level::Error, None, false;
    SkippedPath = "E002", "skipped-path", "path skipped (symbolic link, non-UTF-8 name, unreadable folder)", Level::Warn, None, false;
    FileNamePattern = "N001", "file-name-pattern", "file name does not match its kind's pattern", Level::Error, Some("rename + rewrite links"), false;
    DuplicateId = "N002", "duplicate-id", "duplicate ID", Level::Error, Some("renumber the new one + rewrite links"), false;
    SlugTitleMismatch = "N003", "slug-title-mismatch", "slug does not match title", Level::Off(Severity::Error), None, false;
    FrontMatterInvalid = "F001", "front-matter-invalid", "missing or unparsable front matter", Level::Error, None, false;
    SchemaViolation = "F002", "schema-violation", "front matter violates the kind's JSON Schema", Level::Error, None, false;
    UnknownTag = "F003", "unknown-tag", "tag not in vocabulary", Level::Error, Some("case and spacing normalisation"), false;
    InvalidDate = "F004", "invalid-date", "invalid date", Level::Error, None, false;
    InvalidStatus = "F005", "invalid-status", "status not in the kind's statuses, or a transition the workflow does not allow", Level::Error, None, false;
    TitleH1Mismatch = "F006", "title-h1-mismatch", "H1 differs from `title`", Level::Warn, None, false;
    MissingSection = "S001", "missing-section", "required section missing", Level::Error, None, false;
    TemplatePlaceholder = "S002", "template-placeholder", "text left from the kind's template, or `TODO`/`TBD`/`FIXME`", Level::Warn, None, false;
    MissingFile = "L001", "missing-file", "relative link to a missing file", Level::Error, None, false;
    MissingFragment = "L002", "missing-fragment", "link fragment matches no heading/anchor in the target", Level::Error, None, false;
    LinkEscapesRoot = "L003", "link-escapes-root", "link escapes the repository root", Level::Error, None, false;
    UnknownId = "L004", "unknown-id", "reference to an unknown document ID", Level::Error, None, false;
    SupersedeInconsistent = "L005", "supersede-inconsistent", "supersede pair inconsistent", Level::Error, Some("fills the other side"), false;
    Orphan = "L006", "orphan", "orphan: no inbound links and not in a catalog", Level::Off(Severity::Warning), None, false;
    LinkCaseMismatch = "L007", "link-case-mismatch", "link path differs only in letter case from the real file", Level::Error, Some("corrects the case"), false;
    UndefinedReference = "L008", "undefined-reference", "reference-style link with no definition", Level::Error, None, false;
    FragmentCaseMismatch = "L009", "fragment-case-mismatch", "fragment differs from an anchor only in letter case (GitHub resolves it; most renderers do not)", Level::Warn, Some("rewrites it to the anchor"), false;
    MissingOwner = "O001", "missing-owner", "missing owner", Level::Error, None, false;
    UnknownPerson = "O002", "unknown-person", "unknown owner / person", Level::Error, None, false;
    InactiveOwner = "O003", "inactive-owner", "owner is inactive", Level::Warn, None, false;
    CodeownersStale = "O004", "codeowners-stale", "CODEOWNERS block out of date", Level::Error, None, false;
    AcceptedDecisionEdited = "O005", "accepted-decision-edited", "an accepted decision's body changed", Level::Error, None, false;
    AgendaLate = "A001", "agenda-late", "agenda committed later than `agenda_lead` before the meeting", Level::Error, None, false;
    ResponseOverdue = "A002", "response-overdue", "response overdue", Level::Warn, None, true;
    Stale = "A003", "stale", "stale: not updated within `review_every`, or `review_by` passed", Level::Warn, None, true;
    OutcomeMissing = "A004", "outcome-missing", "meeting outcome not recorded within `outcome_within`", Level::Warn, None, true;
    HistoryUnverifiable = "H001", "history-unverifiable", "a check needs git objects this clone lacks (partial, shallow or damaged)", Level::Error, None, false;
}

impl Rule {
    pub fn info(self) -> &'static Info {
        &RULES[self as usize]
    }

    /// `F003`.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// `unknown-tag`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Judges the whole repository rather than one document (the CODEOWNERS block follows
    /// every owner): a change anywhere can cause it.
    pub fn judges_repository(self) -> bool {
        matches!(self, Rule::CodeownersStale)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// `rule == "F003"`: tests and selectors compare with codes as written.
impl PartialEq<&str> for Rule {
    fn eq(&self, code: &&str) -> bool {
        self.code() == *code
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Looks a rule up by its code (case-insensitively).
pub fn rule(code: &str) -> Option<&'static Info> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Codes matching a selector: a whole code (`F003`), a prefix (`F`, `L00`) or `ALL`.
pub fn matching(selector: &str) -> Vec<&'static Info> {
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
        }
        assert_eq!(matching("F").len(), 6);
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.rule as usize, i, "{} is out of place", r.code);
        }
        assert!(matching("Z").is_empty());
    }
}
