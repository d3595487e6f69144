//! Findings as plain data: what a rule reports, where, and the fix it offers.

pub mod fix;

use std::ops::Range;

use serde::Serialize;

pub use crate::lint::registry::{Rule, Severity};

/// 1-based positions; `end_column` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Rule,
    pub severity: Severity,
    pub path: String,
    /// Byte span in the document; `None` for file-level findings.
    pub span: Option<Range<usize>>,
    /// Filled from `span` by the runner.
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
    /// The front matter field the finding is about (for "one problem, one diagnostic").
    pub field: Option<String>,
    pub fix: Option<fix::Fix>,
    /// What a link or reference finding points at (a path, or an unknown ID), when a change
    /// there can cause it: lets `--since` keep the findings a change caused in documents it
    /// did not touch.
    pub target: Option<String>,
    /// Reported at most as a warning, whatever the rule's level (a near miss in an open
    /// vocabulary: worth a look, not a failed commit).
    pub at_most_warning: bool,
    /// A general finding on `field` (a schema's message), dropped when a rule reports a
    /// specific one on the same field: one problem, one diagnostic.
    pub general: bool,
}

impl Diagnostic {
    /// A diagnostic at `span`; the runner sets the severity from the rule's level.
    pub fn new(
        code: Rule,
        path: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            path: path.to_string(),
            span,
            location: None,
            message: message.into(),
            help: None,
            field: None,
            fix: None,
            target: None,
            at_most_warning: false,
            general: false,
        }
    }

    #[must_use]
    pub fn general(mut self) -> Self {
        self.general = true;
        self
    }

    #[must_use]
    pub fn at_most_warning(mut self) -> Self {
        self.at_most_warning = true;
        self
    }

    /// What the finding points at, when a change there (not in this document) can cause it.
    #[must_use]
    pub fn with_target(mut self, target: Option<&str>) -> Self {
        self.target = target.map(str::to_string);
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Option<fix::Fix>) -> Self {
        self.fix = fix;
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    #[must_use]
    pub fn on_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        let (l, c) = self.location.map_or((0, 0), |l| (l.line, l.column));
        (&self.path, l, c, self.code.code())
    }
}

/// The outcome of a check: sorted diagnostics and how many files were checked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Per code: (code, errors, warnings), sorted by code.
    pub fn per_code(&self) -> Vec<(&'static str, usize, usize)> {
        let mut m: std::collections::BTreeMap<&'static str, (usize, usize)> =
            std::collections::BTreeMap::new();
        for d in &self.diagnostics {
            let e = m.entry(d.code.code()).or_default();
            match d.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
            }
        }
        m.into_iter().map(|(c, (e, w))| (c, e, w)).collect()
    }
}

/// Finds a file's text for renderers that quote source lines.
pub trait Sources {
    fn source(&self, path: &str) -> Option<&str>;
}
