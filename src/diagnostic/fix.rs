//! Fixes: byte edits with an applicability, applied atomically per file.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use crate::docs::Repository;

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
    /// Files to rename (`from`, `to`) after the edits (which address them by `from`).
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
}

/// What applying fixes did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub fixes: usize,
    pub files: Vec<String>,
}

/// The new text of each file the fixes touch. A fix whose edits overlap an earlier fix's is
/// left out whole (the next run applies it), so every applied fix is applied completely.
pub fn plan<'f>(repo: &Repository, fixes: impl IntoIterator<Item = &'f Fix>) -> Plan {
    let mut taken: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    let mut count = 0;
    for fix in fixes {
        if !seen.insert(fix.edits.clone()) {
            continue;
        }
        let renamed = |p: &str| renames.iter().any(|(f, t)| f == p || t == p);
        if fix
            .renames
            .iter()
            .any(|(f, t)| renamed(f) || renamed(t) || repo.root().join(t).exists())
        {
            continue;
        }
        // Links sharing one reference definition yield the same edit more than once.
        let mut own: Vec<&Edit> = fix.edits.iter().collect();
        own.sort_by_key(|e| (&e.path, e.range.start, e.range.end));
        own.dedup_by(|a, b| a == b);
        let overlapping = own
            .windows(2)
            .any(|w| w[0].path == w[1].path && w[1].range.start < w[0].range.end);
        if overlapping {
            continue;
        }
        let clashes = own.iter().any(|e| {
            repo.document(&e.path)
                .is_none_or(|d| e.range.end > d.source.len())
                || taken.get(e.path.as_str()).is_some_and(|rs| {
                    rs.iter().any(|r| {
                        r.start < e.range.end.max(e.range.start + 1)
                            && e.range.start < r.end.max(r.start + 1)
                    })
                })
        });
        if clashes {
            continue;
        }
        for e in own {
            taken.entry(&e.path).or_default().push(e.range.clone());
            accepted.push(e);
        }
        renames.extend(fix.renames.iter().cloned());
        count += 1;
    }
    let mut by_file: BTreeMap<String, Vec<&Edit>> = BTreeMap::new();
    for e in accepted {
        by_file.entry(e.path.clone()).or_default().push(e);
    }
    let mut out = BTreeMap::new();
    for (path, mut edits) in by_file {
        let Some(doc) = repo.document(&path) else {
            continue;
        };
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut text = String::with_capacity(doc.source.len() + 64);
        if doc.bom {
            text.push('\u{feff}');
        }
        let mut at = 0;
        for e in edits {
            text.push_str(&doc.source[at..e.range.start]);
            text.push_str(&e.replacement);
            at = e.range.end;
        }
        text.push_str(&doc.source[at..]);
        out.insert(path, text);
    }
    Plan {
        files: out,
        renames,
        fixes: count,
    }
}

/// New file contents (by current path), renames, and how many fixes they carry.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: BTreeMap<String, String>,
    pub renames: Vec<(String, String)>,
    pub fixes: usize,
}

impl Plan {
    /// Writes the plan: renamed files first (never over an existing file), then the edits
    /// in place (atomically), then the old names are removed.
    pub fn write(mut self, repo: &Repository) -> std::io::Result<Vec<String>> {
        let mut written = Vec::new();
        for (from, to) in &self.renames {
            let text = if let Some(t) = self.files.remove(from) {
                t
            } else {
                let d = repo
                    .document(from)
                    .ok_or_else(|| std::io::Error::other(format!("{from} is not a document")))?;
                let bom = if d.bom { "\u{feff}" } else { "" };
                format!("{bom}{}", d.source)
            };
            crate::fsutil::write_new(&repo.root().join(to), text.as_bytes())?;
            written.push(to.clone());
        }
        for (path, text) in &self.files {
            crate::fsutil::write_atomic(&repo.root().join(path), text.as_bytes())?;
            written.push(path.clone());
        }
        for (from, _) in &self.renames {
            let abs = repo.root().join(from);
            std::fs::remove_file(&abs)?;
            // A folder the move emptied goes too (git does not keep empty folders either).
            if let Some(parent) = abs.parent() {
                let _ = std::fs::remove_dir(parent);
            }
        }
        Ok(written)
    }
}

/// Applies the fixes: each changed file is written atomically, every other byte kept.
pub fn apply<'f>(
    repo: &Repository,
    fixes: impl IntoIterator<Item = &'f Fix>,
) -> std::io::Result<Applied> {
    let plan = plan(repo, fixes);
    let fixes = plan.fixes;
    Ok(Applied {
        fixes,
        files: plan.write(repo)?,
    })
}
