//! `--staged` and `--since`: the model of the change, and which documents to report on.

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use crate::diagnostic::Diagnostic;
use crate::docs::{Classifier, Document, Overlay, Reference, Repository};
use crate::lint::ChangeView;
use crate::repo::{Changes, Git};

/// Link findings that a change can cause in a document it did not touch.
const LINK_CODES: &[&str] = &["L001", "L002", "L004", "L005", "L007"];

/// The change being checked, before the repository model is loaded.
pub struct Pending {
    pub overlay: Option<Overlay>,
    pub changes: Changes,
    /// Where the change started (HEAD, or the fork point from REV): previous versions.
    base: Option<git2::Oid>,
    /// The tree whose IDs new documents must not take (HEAD, or REV itself).
    ids_from: Option<git2::Oid>,
    label: String,
    staged: bool,
}

/// Reads what `--staged` or `--since REV` checks.
pub fn pending(git: &Git, staged: bool, since: Option<&str>) -> Result<Pending> {
    if staged {
        let (overlay, changes) = git.staged()?;
        let head = git.head_tree().map(|t| t.id());
        Ok(Pending {
            overlay: Some(overlay),
            changes,
            base: head,
            ids_from: head,
            label: "HEAD".to_string(),
            staged: true,
        })
    } else {
        let rev = since.unwrap_or("HEAD");
        let theirs = git.tree(rev)?;
        let fork = git.fork_point(rev)?;
        Ok(Pending {
            overlay: None,
            changes: git.since(&fork)?,
            base: Some(fork.id()),
            ids_from: Some(theirs.id()),
            label: rev.to_string(),
            staged: false,
        })
    }
}

/// The documents to report on, and those to report only the change's link findings on.
pub struct Scope {
    pub report: HashSet<String>,
    pub linkers: HashSet<String>,
    affected: HashSet<String>,
}

impl Scope {
    /// All documents the rules must run on.
    pub fn all(&self) -> HashSet<String> {
        self.report.union(&self.linkers).cloned().collect()
    }

    /// Keeps what the change caused: everything on changed documents, link findings that
    /// point at a changed or deleted target on the others.
    pub fn keep(&self, d: &Diagnostic) -> bool {
        self.report.contains(&d.path)
            // Owners may have changed: the CODEOWNERS block is judged on every change.
            || (d.code == "O004" && !self.report.is_empty())
            || (LINK_CODES.contains(&d.code)
                && d.target.as_ref().is_some_and(|t| {
                    self.affected.contains(&t.to_ascii_uppercase()) || self.affected.contains(t)
                }))
    }
}

/// Builds the comparison with the base: previous versions, the base's IDs, the scope.
pub fn view(git: &Git, repo: &Repository, p: Pending) -> (ChangeView, Scope) {
    let base = p.base.and_then(|id| git.repo.find_tree(id).ok());
    let ids_from = p.ids_from.and_then(|id| git.repo.find_tree(id).ok());
    let classifier = Classifier::new(&repo.config);
    let mut previous = HashMap::new();
    let mut unverified = std::collections::BTreeMap::new();
    let mut base_ids = HashMap::new();
    if p.staged && ids_from.is_some() {
        // HEAD's files are the index's, but for the added ones, plus the deleted ones. An ID
        // HEAD gives to a file the index still has is the model's to judge (plain N002), and
        // its number is the model's too: only the deleted files' IDs are needed.
        for path in &p.changes.deleted {
            if let Some(id) = classifier.id(path) {
                base_ids.insert(id, path.clone());
            }
        }
    } else if let Some(tree) = &ids_from {
        for path in git.tree_paths(tree) {
            if let Some(id) = classifier.id(&path) {
                base_ids.insert(id, path);
            }
        }
    }
    if let Some(tree) = &base {
        for path in &p.changes.changed {
            let Some(doc) = repo.by_path.get(path).map(|&i| &repo.docs[i]) else {
                continue;
            };
            let old = p.changes.renamed_from.get(path).unwrap_or(path);
            if p.changes.added.contains(path) && !p.changes.renamed_from.contains_key(path) {
                continue;
            }
            // A large folder's tree object costs more to read than the blob itself.
            let id = match p.changes.base_blobs.get(old) {
                Some(&id) => Some(id),
                None => git.entry_at(tree, old),
            };
            let Some(id) = id else { continue };
            let text = if let Ok(blob) = git.repo.find_blob(id) {
                String::from_utf8(blob.content().to_vec()).ok()
            } else {
                // Absent from the object database (a blobless partial clone, a corrupt
                // repository): what the change did to this document cannot be judged.
                unverified.insert(path.clone(), git.missing_object(id, &p.label));
                None
            };
            if let Some(text) = text {
                let kind = &repo.config.kinds[doc.kind];
                previous.insert(
                    path.clone(),
                    Document::from_text(path.clone(), doc.kind, kind, &text),
                );
            }
        }
    }
    let report: HashSet<String> = p
        .changes
        .changed
        .iter()
        .filter(|c| repo.by_path.contains_key(*c))
        .cloned()
        .collect();
    let mut affected: HashSet<String> = p
        .changes
        .changed
        .iter()
        .chain(&p.changes.deleted)
        .cloned()
        .collect();
    for (id, path) in &base_ids {
        if affected.contains(path) {
            affected.insert(id.clone());
        }
    }
    for path in &p.changes.changed {
        if let Some(id) = repo
            .by_path
            .get(path)
            .and_then(|&i| repo.docs[i].id.clone())
        {
            affected.insert(id);
        }
    }
    let linkers = repo
        .docs
        .iter()
        .filter(|d| !report.contains(&d.path) && links_into(repo, d, &affected))
        .map(|d| d.path.clone())
        .collect();
    let view = ChangeView {
        base: p.label,
        changes: p.changes,
        previous,
        base_ids,
        unverified,
    };
    (
        view,
        Scope {
            report,
            linkers,
            affected,
        },
    )
}

fn links_into(repo: &Repository, d: &Document, affected: &HashSet<String>) -> bool {
    d.references(repo.kind_of(d)).any(|r| match r {
        Reference::Link(path) => affected.contains(&path),
        Reference::Field { value, path } => {
            affected.contains(&value.to_ascii_uppercase())
                || path.is_some_and(|p| affected.contains(&p))
        }
    })
}
