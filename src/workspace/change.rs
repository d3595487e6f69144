//! `--staged` and `--since`: the change, the base it is compared with, and which documents
//! to report on.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::docs::{Classifier, Corpus, Document, Listed, Overlay, Reference};
use crate::git::{Changes, Git, GitError, Oid};

/// The base a change is compared with.
#[derive(Debug, Default)]
pub struct ChangeView {
    /// How the base is named in messages (`HEAD`, `origin/main`).
    pub base: String,
    pub changes: Changes,
    /// Changed documents as the base had them (keyed by their current path).
    pub previous: HashMap<String, Document>,
    /// The base's IDs: `ID -> path`.
    pub base_ids: HashMap<String, String>,
    /// Changed documents whose base version could not be read, and why (H001).
    pub unverified: BTreeMap<String, String>,
}

/// The index under `--staged`: the contents that stand for the work tree, and the blob of
/// each listed file (in the listing's order).
pub struct Index {
    pub overlay: Overlay,
    pub blobs: Vec<Oid>,
}

/// The change being checked, before the repository model is loaded.
pub struct Pending {
    pub index: Option<Index>,
    pub changes: Changes,
    /// Where the change started (HEAD, or the fork point from REV): previous versions.
    base: Option<Oid>,
    /// The tree whose IDs new documents must not take (HEAD, or REV itself).
    ids_from: Option<Oid>,
    label: String,
    staged: bool,
}

/// Reads what `--staged` or `--since REV` checks.
pub fn pending(git: &Git, staged: bool, since: Option<&str>) -> Result<Pending, GitError> {
    if staged {
        let staged = git.staged()?;
        let (listing, blobs) = staged
            .index
            .into_iter()
            .map(|f| {
                (
                    Listed {
                        path: f.path,
                        symlink: f.symlink,
                    },
                    f.blob,
                )
            })
            .unzip();
        let head = git.head_tree().map(|t| t.id());
        Ok(Pending {
            index: Some(Index {
                overlay: Overlay {
                    files: staged.contents,
                    index: Some(listing),
                },
                blobs,
            }),
            changes: staged.changes,
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
            index: None,
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

    /// Keeps what the change caused: everything on changed documents, the findings of rules
    /// that judge the whole repository, and on the other documents the findings that point
    /// at a changed or deleted target (a link, an ID).
    pub fn keep(&self, d: &Diagnostic) -> bool {
        self.report.contains(&d.path)
            || (d.code.judges_repository() && !self.report.is_empty())
            || d.target.as_ref().is_some_and(|t| {
                self.affected.contains(&t.to_ascii_uppercase()) || self.affected.contains(t)
            })
    }
}

/// Builds the comparison with the base: previous versions, the base's IDs, the scope.
pub fn view(git: &Git, repo: &Corpus, p: Pending) -> (ChangeView, Scope) {
    let base = p.base.and_then(|id| git.tree_by_id(id));
    let ids_from = p.ids_from.and_then(|id| git.tree_by_id(id));
    let classifier = Classifier::new(&repo.config);
    let mut previous = HashMap::new();
    let mut unverified = BTreeMap::new();
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
            let text = if let Some(bytes) = git.blob_bytes(id) {
                String::from_utf8(bytes).ok()
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

fn links_into(repo: &Corpus, d: &Document, affected: &HashSet<String>) -> bool {
    d.references(repo.kind_of(d)).any(|r| match r {
        Reference::Link(path) => affected.contains(&path),
        // By ID (a deleted document's too, which the model no longer resolves), or by the
        // document the value names.
        Reference::Field { value, path } => {
            affected.contains(&value.to_ascii_uppercase())
                || path.is_some_and(|p| affected.contains(&p))
                || repo
                    .referenced(d, &value)
                    .is_some_and(|t| affected.contains(&t.path))
        }
    })
}
