//! The scanner annals used before issue 16, kept under `#[cfg(test)]` as the reference the
//! new one is compared with: whole-tree libgit2 diffs of every commit against its first
//! parent, rename detection over every file of a commit that adds and deletes anything, the
//! status read from every changed file under the kinds' folders.

use std::collections::BTreeMap;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Sort};

use super::{Facts, Touch};
use crate::docs::status_in as status_of;

/// One file change of a commit: `(kind, old path, new path, status in the new version)`.
type FileChange = (Delta, Option<String>, Option<String>, Option<String>);

fn read_commit(
    prefix: &str,
    repo: &Repository,
    oid: Oid,
    scope: &[String],
) -> Result<(Touch, Vec<FileChange>), git2::Error> {
    let commit = repo.find_commit(oid)?;
    let author = commit.author();
    let touch = Touch {
        time: author.when().seconds(),
        email: author.email().unwrap_or("").to_lowercase(),
    };
    if commit.parent_count() > 1 {
        return Ok((touch, Vec::new()));
    }
    let tree = commit.tree()?;
    let parent = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
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
    Ok((touch, deltas))
}

/// Every path's facts at `head`, as the old scanner computed them.
pub fn scan(
    repo: &Repository,
    prefix: &str,
    head: Oid,
    scope: &[String],
) -> Result<BTreeMap<String, Facts>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(head)?;
    let mut facts: BTreeMap<String, Facts> = BTreeMap::new();
    for oid in walk {
        let (touch, deltas) = read_commit(prefix, repo, oid?, scope)?;
        for (kind, old, new, status) in deltas {
            match kind {
                Delta::Added | Delta::Copied => {
                    let Some(n) = new else { continue };
                    let mut f = Facts {
                        created: Some(touch.clone()),
                        touches: vec![touch.clone()],
                        ..Facts::default()
                    };
                    if let Some(s) = status {
                        f.statuses.push((touch.time, s));
                    }
                    facts.insert(n, f);
                }
                Delta::Modified | Delta::Renamed | Delta::Typechange => {
                    let (Some(o), Some(n)) = (old, new) else {
                        continue;
                    };
                    let mut f = facts.remove(&o).unwrap_or_default();
                    f.touches.push(touch.clone());
                    if let Some(s) = status
                        && f.committed_status() != Some(s.as_str())
                    {
                        f.statuses.push((touch.time, s));
                    }
                    facts.insert(n, f);
                }
                Delta::Deleted => {
                    if let Some(o) = old {
                        facts.remove(&o);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(facts)
}
