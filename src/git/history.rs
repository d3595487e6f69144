//! History facts from one pass over the commits: when each document was created (following
//! renames), every commit that touched it and by whom, and when its `status` changed. Cached
//! in `.git/annals/history.txt` keyed by HEAD; a later HEAD extends the cache. The cache is a
//! JSON header line, then one line per document (`"path"<TAB>facts`), so that a run that
//! needs a few documents' facts parses just their lines. How the commits are read is
//! [`scan`]'s business.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use git2::Oid;
use serde::{Deserialize, Serialize};

use super::{Git, GitError};
use crate::config::Config;

#[cfg(test)]
mod compare;
#[cfg(test)]
mod reference;
mod scan;

use scan::{Change, Status};

/// Reads a document's status from a version's text: the document model's one reader,
/// handed in by the caller (git knows no documents).
pub type ReadStatus = fn(&str) -> Option<String>;

/// 4: statuses of documents without front matter (`## Status`, `Status:`) are recorded.
const VERSION: u32 = 4;
const FILE: &str = "history.txt";

/// One commit touching a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    /// Author time, seconds since the epoch.
    pub time: i64,
    /// Author email, lowercased.
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The commit that added the document (before any rename).
    pub created: Option<Touch>,
    /// Every commit that touched it, oldest first (`created` included).
    pub touches: Vec<Touch>,
    /// `(time, status)` at creation and at every commit that changed it.
    pub statuses: Vec<(i64, String)>,
    /// The oldest touch known is a shallow clone's boundary commit: the document may be
    /// older, so `created` (and earlier touches and status changes) are not known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut: bool,
}

impl Facts {
    pub fn updated(&self) -> Option<&Touch> {
        self.touches.last()
    }

    /// When the document entered `status` for the last time (its creation when it was
    /// created so).
    pub fn entered(&self, status: &str) -> Option<i64> {
        let mut at = None;
        let mut prev: Option<&str> = None;
        for (t, s) in &self.statuses {
            if s == status && prev != Some(status) {
                at = Some(*t);
            }
            prev = Some(s);
        }
        at
    }

    /// The status in the last commit, if any commit had one.
    pub fn committed_status(&self) -> Option<&str> {
        self.statuses.last().map(|(_, s)| s.as_str())
    }
}

/// Where this run's history came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    /// No commits (or not loaded).
    #[default]
    None,
    /// The cache was current.
    Cache,
    /// The cache was extended with the commits after its HEAD.
    Extended,
    /// Every commit was read (no usable cache).
    Scanned,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    version: u32,
    /// The commit the facts are complete up to.
    pub head: String,
    /// What the facts were computed for: kind folders and the root's place in the work tree.
    scope: Vec<String>,
    /// The repository is a shallow clone: history before its boundary commits is missing
    /// (see [`Facts::cut`]).
    #[serde(default)]
    pub shallow: bool,
    /// The shallow boundary commits the facts were computed with (a deepened clone is
    /// scanned again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    boundaries: Vec<String>,
    /// Documents (by their path at HEAD) of which a blob the facts needed could not be read
    /// (a blobless partial clone, a missing or corrupt object): their status at some commit
    /// is unknown, or whether they were renamed there. Their other facts are as complete as
    /// the commits allow.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unreadable: BTreeSet<String>,
    pub facts: BTreeMap<String, Facts>,
    /// Commits read to build or extend the facts in this run (0 when the cache was current).
    #[serde(skip)]
    pub scanned: usize,
    /// Whether this run read the cache, extended it or scanned every commit.
    #[serde(skip)]
    pub source: Source,
    /// How long loading the history took in this run.
    #[serde(skip)]
    pub took: Duration,
}

impl History {
    pub fn get(&self, path: &str) -> Option<&Facts> {
        self.facts.get(path)
    }

    /// When the file at `path` was first committed (`created`) or last changed, in seconds
    /// since the epoch; `None` when history does not know it.
    pub fn time(&self, path: &str, created: bool) -> Option<i64> {
        let f = self.get(path)?;
        let t = if created {
            f.created.as_ref()
        } else {
            f.updated()
        };
        t.map(|t| t.time)
    }

    /// One line for `check -v`: where the history came from, and the time it took.
    pub fn describe(&self) -> String {
        let mut s = match self.source {
            Source::None => "history: no commits".to_string(),
            Source::Cache => format!("history: from the cache ({} documents)", self.facts.len()),
            Source::Extended => format!(
                "history: cache extended by {} commit{}",
                self.scanned,
                if self.scanned == 1 { "" } else { "s" }
            ),
            Source::Scanned => format!("history: scanned {} commits", self.scanned),
        };
        s.push_str(&format!(" in {:.1?}", self.took));
        if self.shallow {
            let cut = self.facts.values().filter(|f| f.cut).count();
            s.push_str(&format!(
                "; shallow clone: {cut} documents' creation unknown"
            ));
        }
        if !self.unreadable.is_empty() {
            s.push_str(&format!(
                "; {} documents with unreadable blobs",
                self.unreadable.len()
            ));
        }
        s
    }
}

fn scope(git: &Git, cfg: &Config) -> Vec<String> {
    let mut dirs: Vec<String> = cfg.kinds.iter().map(|k| git.git_path(&k.dir)).collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The facts of `paths` only, when the cache is current: the rest of the cache is not even
/// parsed (what `check --staged` needs). Otherwise the whole history, as [`load`] gives it.
pub fn load_some<S: std::hash::BuildHasher>(
    git: &Git,
    cfg: &Config,
    paths: &std::collections::HashSet<&str, S>,
    read_status: ReadStatus,
) -> Result<History, GitError> {
    let head = git.repo.head().and_then(|h| h.peel_to_commit()).ok();
    let wanted: std::collections::HashMap<String, &str> = paths
        .iter()
        .filter_map(|p| Some((serde_json::to_string(p).ok()?, *p)))
        .collect();
    let started = Instant::now();
    if let (Some(head), Some(mut h)) =
        (head, read_cache(&git.cache_dir().join(FILE), Some(&wanted)))
        && h.head == head.id().to_string()
        && h.scope == scope(git, cfg)
        && h.boundaries == boundaries(git)
    {
        h.source = Source::Cache;
        h.took = started.elapsed();
        return Ok(h);
    }
    load(git, cfg, read_status)
}

/// Reads the cache file, if it is one this version wrote: every document's facts, or with
/// `only` (JSON-quoted path -> path) just those documents' lines.
fn read_cache(
    path: &std::path::Path,
    only: Option<&std::collections::HashMap<String, &str>>,
) -> Option<History> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = crate::fsutil::lines(&text);
    let mut h: History = serde_json::from_str(lines.next()?).ok()?;
    if h.version != VERSION {
        return None;
    }
    match only {
        // A pre-commit run wants a few documents of thousands: find their lines directly.
        Some(only) if only.len() <= 32 => {
            for (key, path) in only {
                let needle = format!("\n{key}\t");
                if let Some(at) = memchr::memmem::find(text.as_bytes(), needle.as_bytes()) {
                    let from = at + needle.len();
                    let to = memchr::memchr(b'\n', &text.as_bytes()[from..])
                        .map_or(text.len(), |e| from + e);
                    h.facts.insert(
                        (*path).to_string(),
                        serde_json::from_str(&text[from..to]).ok()?,
                    );
                }
            }
        }
        _ => {
            for line in lines {
                let (key, facts) = line.split_once('\t')?;
                let path = match only {
                    Some(only) => match only.get(key) {
                        Some(p) => (*p).to_string(),
                        None => continue,
                    },
                    None => serde_json::from_str(key).ok()?,
                };
                h.facts.insert(path, serde_json::from_str(facts).ok()?);
            }
        }
    }
    Some(h)
}

/// The cache file's text: the header, then a line per document.
fn cache_text(h: &History) -> Option<String> {
    let header = History {
        version: h.version,
        head: h.head.clone(),
        scope: h.scope.clone(),
        shallow: h.shallow,
        boundaries: h.boundaries.clone(),
        unreadable: h.unreadable.clone(),
        ..History::default()
    };
    let mut out = serde_json::to_string(&header).ok()?;
    out.push('\n');
    for (path, facts) in &h.facts {
        out.push_str(&serde_json::to_string(path).ok()?);
        out.push('\t');
        out.push_str(&serde_json::to_string(facts).ok()?);
        out.push('\n');
    }
    Some(out)
}

/// The facts at HEAD: from the cache when it is current, extended when HEAD moved on, else
/// from a full scan. Writing the cache is best-effort (a read-only repository still works).
pub fn load(git: &Git, cfg: &Config, read_status: ReadStatus) -> Result<History, GitError> {
    let started = Instant::now();
    let Ok(head) = git.repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(History::default());
    };
    let scope = scope(git, cfg);
    let bounds = boundaries(git);
    let path = git.cache_dir().join(FILE);
    let cached: Option<History> =
        read_cache(&path, None).filter(|h| h.scope == scope && h.boundaries == bounds);
    let mut history = match cached {
        Some(mut h) if h.head == head.id().to_string() => {
            h.source = Source::Cache;
            h.took = started.elapsed();
            return Ok(h);
        }
        Some(h) => match Oid::from_str(&h.head) {
            Ok(base)
                if git
                    .repo
                    .graph_descendant_of(head.id(), base)
                    .unwrap_or(false) =>
            {
                let mut h = h;
                extend(git, &mut h, Some(base), head.id(), read_status)?;
                h.source = Source::Extended;
                h
            }
            _ => fresh(git, head.id(), &scope, bounds, read_status)?,
        },
        None => fresh(git, head.id(), &scope, bounds, read_status)?,
    };
    history.head = head.id().to_string();
    if let Some(bytes) = cache_text(&history) {
        let _ = std::fs::create_dir_all(git.cache_dir());
        let _ = crate::fsutil::write_cache(&path, bytes.as_bytes());
    }
    history.took = started.elapsed();
    Ok(history)
}

fn fresh(
    git: &Git,
    head: Oid,
    scope: &[String],
    boundaries: Vec<String>,
    read_status: ReadStatus,
) -> Result<History, GitError> {
    let mut h = History {
        version: VERSION,
        scope: scope.to_vec(),
        shallow: git.repo.is_shallow(),
        boundaries,
        source: Source::Scanned,
        ..History::default()
    };
    extend(git, &mut h, None, head, read_status)?;
    Ok(h)
}

/// A shallow clone's boundary commits (`shallow` in the common git folder), sorted; empty
/// for a complete clone.
fn boundaries(git: &Git) -> Vec<String> {
    if !git.repo.is_shallow() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(git.repo.commondir().join("shallow")).unwrap_or_default();
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| Oid::from_str(l).is_ok())
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Reads the commits after `from` up to `head` and folds what they did into `h`.
fn extend(
    git: &Git,
    h: &mut History,
    from: Option<Oid>,
    head: Oid,
    read_status: ReadStatus,
) -> Result<(), GitError> {
    let bounds: HashSet<Oid> = h
        .boundaries
        .iter()
        .filter_map(|b| Oid::from_str(b).ok())
        .collect();
    let commits = scan::scan(
        &git.repo,
        git.prefix(),
        from,
        head,
        &h.scope,
        &bounds,
        read_status,
    )?;
    h.scanned += commits.len();
    for c in commits {
        fold(h, c);
    }
    Ok(())
}

/// Applies one commit's changes, in commit order.
fn fold(h: &mut History, c: scan::CommitChanges) {
    let touch = c.touch;
    for change in c.changes {
        match change {
            Change::Added {
                path,
                status,
                blind,
            } => {
                let mut f = Facts {
                    created: Some(touch.clone()),
                    touches: vec![touch.clone()],
                    statuses: Vec::new(),
                    cut: c.boundary,
                };
                if let Status::Read(Some(s)) = &status {
                    f.statuses.push((touch.time, s.clone()));
                }
                if blind || status == Status::Unreadable {
                    h.unreadable.insert(path.clone());
                } else {
                    h.unreadable.remove(&path);
                }
                h.facts.insert(path, f);
            }
            Change::Modified { old, new, status } => {
                let mut f = h.facts.remove(&old).unwrap_or_default();
                let was_unreadable = h.unreadable.remove(&old);
                f.touches.push(touch.clone());
                match status {
                    Status::Read(Some(s)) => {
                        if f.committed_status() != Some(s.as_str()) {
                            f.statuses.push((touch.time, s));
                        }
                    }
                    Status::Read(None) => {}
                    Status::Unreadable => {
                        h.unreadable.insert(new.clone());
                    }
                }
                if was_unreadable {
                    h.unreadable.insert(new.clone());
                }
                h.facts.insert(new, f);
            }
            Change::Deleted { path } => {
                h.facts.remove(&path);
                h.unreadable.remove(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entered_is_the_last_entry_into_a_status() {
        let f = Facts {
            statuses: vec![
                (1, "draft".into()),
                (5, "open".into()),
                (7, "draft".into()),
                (9, "open".into()),
            ],
            ..Facts::default()
        };
        assert_eq!(f.entered("open"), Some(9));
        assert_eq!(f.entered("closed"), None);
    }
}
