//! History facts from one pass over the commits: when each document was created (following
//! renames), every commit that touched it and by whom, and when its `status` changed. Cached
//! in `.git/annals/history.txt` keyed by HEAD; a later HEAD extends the cache. The cache is a
//! JSON header line, then one line per document (`"path"<TAB>facts`), so that a run that
//! needs a few documents' facts parses just their lines.

use std::collections::BTreeMap;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Sort};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Git, GitError};
use crate::config::Config;

const VERSION: u32 = 2;
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

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    version: u32,
    /// The commit the facts are complete up to.
    pub head: String,
    /// What the facts were computed for: kind folders and the root's place in the work tree.
    scope: Vec<String>,
    pub facts: BTreeMap<String, Facts>,
    /// Commits read to build or extend the facts in this run (0 when the cache was current).
    #[serde(skip)]
    pub scanned: usize,
}

impl History {
    pub fn get(&self, path: &str) -> Option<&Facts> {
        self.facts.get(path)
    }

    /// A document moved but not yet committed (`annals mv`, a rename fix) keeps its history:
    /// a document without facts takes those of a committed path that is gone from the tree
    /// being checked, when both hold the same blob. Costs nothing when every document has
    /// facts.
    pub fn follow_moves(&mut self, git: &Git, repo: &crate::docs::Repository) {
        let missing: Vec<&crate::docs::Document> = repo
            .docs
            .iter()
            .filter(|d| !d.stub && !self.facts.contains_key(&d.path))
            .collect();
        if missing.is_empty() {
            return;
        }
        let vanished: Vec<&String> = self
            .facts
            .keys()
            .filter(|p| !repo.files.exists(p))
            .collect();
        if vanished.is_empty() {
            return;
        }
        let Ok(tree) = git.repo.head().and_then(|h| h.peel_to_tree()) else {
            return;
        };
        let mut by_blob = std::collections::HashMap::new();
        for p in vanished {
            if let Ok(e) = tree.get_path(std::path::Path::new(&git.git_path(p))) {
                by_blob.insert(e.id(), p.clone());
            }
        }
        for d in missing {
            let mut bytes = Vec::with_capacity(d.source.len() + 3);
            if d.bom {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            bytes.extend_from_slice(d.source.as_bytes());
            if let Ok(oid) = Oid::hash_object(git2::ObjectType::Blob, &bytes)
                && let Some(old) = by_blob.remove(&oid)
                && let Some(f) = self.facts.get(&old).cloned()
            {
                self.facts.insert(d.path.clone(), f);
            }
        }
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
) -> Result<History, GitError> {
    let head = git.repo.head().and_then(|h| h.peel_to_commit()).ok();
    let wanted: std::collections::HashMap<String, &str> = paths
        .iter()
        .filter_map(|p| Some((serde_json::to_string(p).ok()?, *p)))
        .collect();
    if let (Some(head), Some(h)) = (head, read_cache(&git.cache_dir().join(FILE), Some(&wanted)))
        && h.head == head.id().to_string()
        && h.scope == scope(git, cfg)
    {
        return Ok(h);
    }
    load(git, cfg)
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
        facts: BTreeMap::new(),
        scanned: 0,
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
pub fn load(git: &Git, cfg: &Config) -> Result<History, GitError> {
    let Ok(head) = git.repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(History::default());
    };
    let scope = scope(git, cfg);
    let path = git.cache_dir().join(FILE);
    let cached: Option<History> = read_cache(&path, None).filter(|h| h.scope == scope);
    let mut history = match cached {
        Some(h) if h.head == head.id().to_string() => return Ok(h),
        Some(h) => match Oid::from_str(&h.head) {
            Ok(base)
                if git
                    .repo
                    .graph_descendant_of(head.id(), base)
                    .unwrap_or(false) =>
            {
                let mut h = h;
                scan(git, &mut h, Some(base), head.id(), &scope)?;
                h
            }
            _ => fresh(git, head.id(), &scope)?,
        },
        None => fresh(git, head.id(), &scope)?,
    };
    history.head = head.id().to_string();
    if let Some(bytes) = cache_text(&history) {
        let _ = std::fs::create_dir_all(git.cache_dir());
        let _ = crate::fsutil::write_cache(&path, bytes.as_bytes());
    }
    Ok(history)
}

fn fresh(git: &Git, head: Oid, scope: &[String]) -> Result<History, GitError> {
    let mut h = History {
        version: VERSION,
        scope: scope.to_vec(),
        ..History::default()
    };
    scan(git, &mut h, None, head, scope)?;
    Ok(h)
}

/// `status:` from front matter, by a line scan (a full YAML parse per commit is not needed).
pub fn status_of(text: &str) -> Option<String> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    for line in lines {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return None;
        }
        if let Some(v) = l.strip_prefix("status:") {
            let v = v
                .split(" #")
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            return (!v.is_empty()).then(|| v.to_string());
        }
    }
    None
}

/// One file change of a commit: `(kind, old path, new path, status in the new version)`.
type FileChange = (Delta, Option<String>, Option<String>, Option<String>);

/// What one commit did to documents: read in parallel, folded in order.
struct CommitChanges {
    touch: Touch,
    deltas: Vec<FileChange>,
}

/// Diffs one commit against its first parent, keeping documents under `scope`.
fn read_commit(
    prefix: &str,
    repo: &Repository,
    oid: Oid,
    scope: &[String],
) -> Result<CommitChanges, git2::Error> {
    let commit = repo.find_commit(oid)?;
    let author = commit.author();
    let touch = Touch {
        time: author.when().seconds(),
        email: author.email().unwrap_or("").to_lowercase(),
    };
    // A merge brings in what its branch's own commits already did (and were counted for);
    // against the first parent it would look like new files by the merger.
    if commit.parent_count() > 1 {
        return Ok(CommitChanges {
            touch,
            deltas: Vec::new(),
        });
    }
    let tree = commit.tree()?;
    let parent = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
    // No pathspec: libgit2 matches it against every entry of every changed tree, which
    // dominates a scan; subtrees that did not change are skipped by id anyway.
    let mut diff =
        repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut DiffOptions::new()))?;
    let (mut adds, mut dels) = (false, false);
    for d in diff.deltas() {
        adds |= d.status() == Delta::Added;
        dels |= d.status() == Delta::Deleted;
    }
    if adds && dels {
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    }
    let in_scope = |p: &[u8]| {
        scope
            .iter()
            .any(|s| p.starts_with(s.as_bytes()) && p.get(s.len()) == Some(&b'/'))
    };
    let local = |p: Option<&[u8]>| {
        let p = std::str::from_utf8(p.filter(|p| in_scope(p))?).ok()?;
        p.strip_prefix(prefix).map(str::to_string)
    };
    let mut deltas = Vec::new();
    for d in diff.deltas() {
        let old = local(d.old_file().path_bytes());
        let new = local(d.new_file().path_bytes());
        if old.is_none() && new.is_none() {
            continue;
        }
        let status = if new.is_some() && d.status() != Delta::Deleted {
            repo.find_blob(d.new_file().id())
                .ok()
                .and_then(|b| std::str::from_utf8(b.content()).ok().and_then(status_of))
        } else {
            None
        };
        deltas.push((d.status(), old, new, status));
    }
    Ok(CommitChanges { touch, deltas })
}

fn scan(
    git: &Git,
    h: &mut History,
    from: Option<Oid>,
    head: Oid,
    scope: &[String],
) -> Result<(), GitError> {
    let mut walk = git.repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(head)?;
    if let Some(f) = from {
        walk.hide(f)?;
    }
    let oids = walk.collect::<Result<Vec<Oid>, _>>()?;
    // Diffs are independent: each thread opens the repository once and reads its share.
    let path = git.repo.path().to_path_buf();
    let prefix = git.prefix();
    let commits = oids
        .par_iter()
        .map_init(
            || Repository::open(&path),
            |repo, oid| match repo {
                Ok(repo) => read_commit(prefix, repo, *oid, scope),
                Err(e) => Err(git2::Error::from_str(e.message())),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    h.scanned += commits.len();
    for c in commits {
        let touch = c.touch;
        for (kind, old, new, status) in c.deltas {
            match kind {
                Delta::Added | Delta::Copied => {
                    let Some(n) = new else { continue };
                    let mut f = Facts {
                        created: Some(touch.clone()),
                        touches: vec![touch.clone()],
                        statuses: Vec::new(),
                    };
                    if let Some(s) = status {
                        f.statuses.push((touch.time, s));
                    }
                    h.facts.insert(n, f);
                }
                Delta::Modified | Delta::Renamed | Delta::Typechange => {
                    let (Some(o), Some(n)) = (old, new) else {
                        continue;
                    };
                    let mut f = h.facts.remove(&o).unwrap_or_default();
                    f.touches.push(touch.clone());
                    if let Some(s) = status
                        && f.committed_status() != Some(s.as_str())
                    {
                        f.statuses.push((touch.time, s));
                    }
                    h.facts.insert(n, f);
                }
                Delta::Deleted => {
                    if let Some(o) = old {
                        h.facts.remove(&o);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_scan() {
        assert_eq!(
            status_of("---\ntitle: x\nstatus: \"accepted\" # ok\n---\n").as_deref(),
            Some("accepted")
        );
        assert_eq!(status_of("---\ntitle: x\n---\nstatus: no\n"), None);
        assert_eq!(status_of("# no front matter\n"), None);
    }

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
