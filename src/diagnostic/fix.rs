//! Fixes as data: byte edits and renames with an applicability (planned and applied by
//! [`crate::fix`]).

use std::ops::Range;

/// Whether `--fix` applies a fix by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the document's meaning: applied by `--fix`.
    Safe,
    /// May change meaning: shown, applied only when asked for explicitly.
    Unsafe,
}

/// Replace `range` of the document at `path` (offsets into `Document::source`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub path: String,
    pub range: Range<usize>,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for `help:` lines and reports.
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// Documents to rename (`from`, `to`); planning adds the edits that rewrite every link
    /// and reference to them (the edits address files by their current path).
    pub renames: Vec<(String, String)>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            message: message.into(),
            applicability: Applicability::Safe,
            edits,
            renames: Vec::new(),
        }
    }

    /// Renames the document at `from` to `to`, rewriting every link and reference to it.
    pub fn rename(message: impl Into<String>, from: &str, to: &str) -> Fix {
        Fix {
            renames: vec![(from.to_string(), to.to_string())],
            ..Fix::safe(message, Vec::new())
        }
    }

    #[must_use]
    pub fn with_applicability(mut self, applicability: Applicability) -> Fix {
        self.applicability = applicability;
        self
    }
}

/// A fix that could not be applied, and why (a rename onto an existing file, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub reason: String,
}
