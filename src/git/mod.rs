//! Everything that touches git (through git2, never a `git` subprocess): the index being
//! committed, trees at a revision, what changed, and history facts.

pub mod history;
pub mod listing;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A git object's ID (the workspace keeps index blobs by it).
pub use git2::Oid;
use git2::{
    Delta, DiffFindOptions, DiffOptions, ObjectType, Repository, Status, StatusOptions, Tree,
};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{0} is not inside a git work tree: --staged and --since need git")]
    NotARepository(String),
    #[error("cannot resolve `{rev}`: {message}")]
    BadRevision { rev: String, message: String },
    #[error(
        "the index has unmerged paths (a merge or rebase is in progress): {}; resolve them and `git add` each before checking the commit",
        .0.join(", ")
    )]
    Unmerged(Vec<String>),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Index entry flags (git's `index-format.txt`): the stage bits of a conflicted path, and the
/// extended flag of `git add -N` (a path announced, with no content staged yet).
const STAGE_MASK: u16 = 0x3000;
const INTENT_TO_ADD: u16 = 1 << 13;
/// `skip-worktree`: a path outside a sparse checkout's cone (in the index, not on disk).
pub const SKIP_WORKTREE: u16 = 1 << 14;

/// A file of the git index.
#[derive(Debug, Clone)]
pub struct IndexFile {
    pub path: String,
    pub blob: Oid,
    pub symlink: bool,
}

/// The commit being made: the index's files (sorted by path), the contents of the changed
/// ones (`None`: deleted), and what changed against HEAD.
#[derive(Debug, Default)]
pub struct Staged {
    pub index: Vec<IndexFile>,
    pub contents: BTreeMap<String, Option<Vec<u8>>>,
    pub changes: Changes,
}

/// A git work tree holding the annals repository (whose root may be a subfolder of it).
pub struct Git {
    repo: Repository,
    /// The annals root relative to the work tree, with a trailing `/` (or empty).
    prefix: String,
    pub workdir: PathBuf,
}

/// Paths (annals-relative) that differ between a base and the state being checked.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Added or modified (including the new side of a rename).
    pub changed: BTreeSet<String>,
    /// Added (including the new side of a rename): not in the base.
    pub added: BTreeSet<String>,
    /// Gone (including the old side of a rename).
    pub deleted: BTreeSet<String>,
    /// `new path -> old path` for renames.
    pub renamed_from: BTreeMap<String, String>,
    /// The base's blob of a changed or deleted path (by its path in the base), where the
    /// comparison knew it without reading trees (`--staged`).
    pub base_blobs: BTreeMap<String, Oid>,
}

impl Git {
    /// Opens the work tree that holds `root`; `None` outside git or in a bare repository.
    pub fn open(root: &Path) -> Option<Git> {
        // annals only reads: re-hashing every object read (libgit2's default) costs most of
        // a history scan and guards against nothing a linter must catch.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(root).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        let rel = root.strip_prefix(&workdir).ok()?;
        let mut prefix = rel.to_str()?.replace('\\', "/");
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Some(Git {
            repo,
            prefix,
            workdir,
        })
    }

    pub fn require(root: &Path) -> Result<Git, GitError> {
        Git::open(root).ok_or_else(|| GitError::NotARepository(root.display().to_string()))
    }

    /// The annals root relative to the work tree (`""`, or `docs/` with a trailing slash).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A git path (work-tree relative bytes) as an annals path, when it is under the root.
    fn local(&self, git_path: &[u8]) -> Option<String> {
        let s = std::str::from_utf8(git_path).ok()?;
        s.strip_prefix(self.prefix.as_str()).map(str::to_string)
    }

    fn git_path(&self, local: &str) -> String {
        format!("{}{local}", self.prefix)
    }

    /// The tree `rev` names (a commit, tag or tree).
    pub fn tree(&self, rev: &str) -> Result<Tree<'_>, GitError> {
        let obj = self
            .repo
            .revparse_single(rev)
            .map_err(|e| GitError::BadRevision {
                rev: rev.to_string(),
                message: e.message().to_string(),
            })?;
        obj.peel_to_tree().map_err(|e| GitError::BadRevision {
            rev: rev.to_string(),
            message: e.message().to_string(),
        })
    }

    /// Where this branch left `rev`: the merge base of `rev` and HEAD, so that a change is
    /// what this branch did, not what `rev` did since (`git diff REV...HEAD`). Falls back to
    /// `rev` itself when there is no common history.
    pub fn fork_point(&self, rev: &str) -> Result<Tree<'_>, GitError> {
        let theirs = self
            .repo
            .revparse_single(rev)
            .ok()
            .and_then(|o| o.peel_to_commit().ok());
        let ours = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        if let (Some(t), Some(o)) = (theirs, ours)
            && let Ok(base) = self.repo.merge_base(t.id(), o.id())
        {
            return Ok(self.repo.find_commit(base)?.tree()?);
        }
        self.tree(rev)
    }

    /// The blobs' contents, in order. A warm run reads a few, on this thread; a cold one reads
    /// thousands, in parallel chunks, each with its own repository handle (opening one costs
    /// more than reading a blob, and a handle cannot be shared between threads).
    pub fn read_blobs(&self, oids: &[Oid]) -> Vec<Option<Vec<u8>>> {
        use rayon::prelude::*;
        let read = |repo: &git2::Repository, oid: &Oid| {
            repo.find_blob(*oid).ok().map(|b| b.content().to_vec())
        };
        if oids.len() < 64 {
            return oids.iter().map(|oid| read(&self.repo, oid)).collect();
        }
        let chunk = oids.len().div_ceil(rayon::current_num_threads() * 4);
        let git_dir = self.repo.path();
        oids.par_chunks(chunk)
            .map(|part| match git2::Repository::open(git_dir) {
                Ok(repo) => part.iter().map(|oid| read(&repo, oid)).collect(),
                Err(_) => vec![None; part.len()],
            })
            .collect::<Vec<Vec<_>>>()
            .concat()
    }

    /// The files (annals-relative) of the current branch's upstream, where it has one: what
    /// other clones may already have taken.
    pub fn upstream_paths(&self) -> Option<Vec<String>> {
        let head = self.repo.head().ok()?;
        let branch = self
            .repo
            .find_branch(head.shorthand().ok()?, git2::BranchType::Local)
            .ok()?;
        let tree = branch.upstream().ok()?.get().peel_to_tree().ok()?;
        Some(self.tree_paths(&tree))
    }

    /// The authors (name, lowercased email) of the last `limit` commits from HEAD, each once,
    /// newest first.
    pub fn authors(&self, limit: usize) -> Vec<(String, String)> {
        let Ok(mut walk) = self.repo.revwalk() else {
            return Vec::new();
        };
        if walk.push_head().is_err() {
            return Vec::new();
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for oid in walk.flatten().take(limit) {
            let Ok(c) = self.repo.find_commit(oid) else {
                continue;
            };
            let a = c.author();
            let (Ok(name), Ok(email)) = (a.name(), a.email()) else {
                continue;
            };
            if seen.insert(email.to_ascii_lowercase()) {
                out.push((name.to_string(), email.to_ascii_lowercase()));
            }
        }
        out
    }

    /// Where git runs hooks from: `core.hooksPath`, else the common folder's `hooks` (a
    /// linked worktree runs its repository's hooks, as `git rev-parse --git-path hooks`).
    pub fn hooks_dir(&self) -> PathBuf {
        match self
            .repo
            .config()
            .ok()
            .and_then(|c| c.get_path("core.hooksPath").ok())
        {
            Some(p) if p.is_absolute() => p,
            Some(p) => self.workdir.join(p),
            None => self.repo.commondir().join("hooks"),
        }
    }

    /// The git folder (`.git`, or a linked worktree's own).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// git's `user.email`, where git has one.
    pub fn user_email(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// The user's own `user.email` (global, XDG and system configuration), for a folder that
    /// is no repository.
    pub fn global_user_email() -> Option<String> {
        git2::Config::open_default()
            .ok()?
            .get_string("user.email")
            .ok()
    }

    /// The tree with ID `id`.
    pub fn tree_by_id(&self, id: Oid) -> Option<Tree<'_>> {
        self.repo.find_tree(id).ok()
    }

    /// The bytes of blob `id`; `None` when the object database lacks it (a blobless partial
    /// clone, a damaged repository).
    pub fn blob_bytes(&self, id: Oid) -> Option<Vec<u8>> {
        self.repo.find_blob(id).ok().map(|b| b.content().to_vec())
    }

    /// The ID git gives a file of these bytes.
    pub fn blob_id(bytes: &[u8]) -> Option<Oid> {
        Oid::hash_object(ObjectType::Blob, bytes).ok()
    }

    /// HEAD's tree; `None` in a repository without commits.
    pub fn head_tree(&self) -> Option<Tree<'_>> {
        self.repo.head().ok()?.peel_to_tree().ok()
    }

    /// The text of `path` in `tree`, when it is there and UTF-8.
    pub fn text_at(&self, tree: &Tree<'_>, path: &str) -> Option<String> {
        let entry = tree.get_path(Path::new(&self.git_path(path))).ok()?;
        if entry.kind() != Some(ObjectType::Blob) {
            return None;
        }
        self.blob_text(entry.id())
    }

    /// The object ID of `path` in `tree`, when it is a file there.
    pub fn entry_at(&self, tree: &Tree<'_>, path: &str) -> Option<Oid> {
        let entry = tree.get_path(Path::new(&self.git_path(path))).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
    }

    /// A blobless or treeless partial clone: objects are fetched on demand from a promisor
    /// remote, which annals (reading the object database only) cannot do.
    pub fn is_partial(&self) -> bool {
        let Ok(cfg) = self.repo.config() else {
            return false;
        };
        if cfg.get_string("extensions.partialclone").is_ok() {
            return true;
        }
        let Ok(mut entries) = cfg.entries(Some(r"remote\..*\.promisor")) else {
            return false;
        };
        let mut any = false;
        while let Some(Ok(e)) = entries.next() {
            any |= e.value().is_ok_and(|v| v.eq_ignore_ascii_case("true"));
        }
        any
    }

    /// Why object `id` (needed to compare with `base`) is absent, and how to get it.
    pub fn missing_object(&self, id: Oid, base: &str) -> String {
        let short = &id.to_string()[..10];
        if self.is_partial() {
            format!(
                "its version at {base} (blob {short}) is not in this partial clone: fetch it (`git fetch --refetch`, or clone without `--filter`)"
            )
        } else {
            format!(
                "its version at {base} (blob {short}) is missing from the object database: the repository is damaged (`git fsck`; fetch or clone it again)"
            )
        }
    }

    /// A blob's text, if it is UTF-8.
    pub fn blob_text(&self, id: Oid) -> Option<String> {
        let blob = self.repo.find_blob(id).ok()?;
        String::from_utf8(blob.content().to_vec()).ok()
    }

    /// Every file of `tree` under the annals root.
    pub fn tree_paths(&self, tree: &Tree<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) {
                let full = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                if let Some(p) = self.local(full.as_bytes()) {
                    out.push(p);
                }
            }
            git2::TreeWalkResult::Ok
        });
        out
    }

    /// The commit being made: the index, and what it changes against HEAD (everything, in
    /// a repository without commits). Changed files' contents come with it; every other
    /// file's blob is named in the index, to be read from the object database when needed:
    /// under `--staged` the work tree is never read.
    pub fn staged(&self) -> Result<Staged, GitError> {
        let index = self.repo.index()?;
        let mut contents = BTreeMap::new();
        let mut files = Vec::with_capacity(index.len());
        let mut entries = listing::Listing::with_capacity(index.len());
        let mut unmerged = Vec::new();
        for e in index.iter() {
            if e.flags & STAGE_MASK != 0 {
                unmerged.push(String::from_utf8_lossy(&e.path).into_owned());
                continue;
            }
            if e.flags_extended & INTENT_TO_ADD != 0 {
                // Not staged content: the commit will not contain it.
                continue;
            }
            if let Some(path) = self.local(&e.path) {
                files.push(IndexFile {
                    path,
                    blob: e.id,
                    symlink: e.mode & 0o170_000 == 0o120_000,
                });
            }
            entries.push((e.path, (e.mode, e.id)));
        }
        // Git sorts the index by path already; an unmerged path appears once per stage, and
        // the last stage's blob stands for it.
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|later, kept| {
            let same = later.path == kept.path;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        if !unmerged.is_empty() {
            unmerged.dedup();
            return Err(GitError::Unmerged(unmerged));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let quick = match self.head_tree() {
            Some(tree) => {
                let text = listing::head(self, &tree);
                match text.as_deref().map(listing::parse) {
                    Some(Some((_, head))) => self.compare(&head, &entries),
                    Some(None) => {
                        listing::forget_head(self);
                        None
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let changes = match quick {
            Some(c) => c,
            None => self.status_changes()?,
        };
        for path in &changes.deleted {
            contents.insert(path.clone(), None);
        }
        for path in &changes.changed {
            if let Ok(i) = files.binary_search_by(|f| f.path.as_str().cmp(path)) {
                let content = self.repo.find_blob(files[i].blob)?.content().to_vec();
                contents.insert(path.clone(), Some(content));
            }
        }
        if !changes.changed.is_empty() || !changes.deleted.is_empty() {
            listing::remember_index(self, &entries);
        }
        Ok(Staged {
            index: files,
            contents,
            changes,
        })
    }

    /// HEAD's listing against the index's, by blob ID. `None` when a rename may have changed
    /// content (an added and a deleted file that are not the same blob): libgit2's
    /// similarity detection decides those.
    fn compare(&self, head: &listing::Borrowed<'_>, index: &listing::Listing) -> Option<Changes> {
        use std::cmp::Ordering;
        let mut changes = Changes::default();
        let mut gone: BTreeMap<Oid, Vec<String>> = BTreeMap::new();
        let mut added = Vec::new();
        // Both are sorted by path: one merge pass.
        let (mut h, mut i) = (head.iter().peekable(), index.iter().peekable());
        loop {
            let order = match (h.peek(), i.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.0.cmp(&b.0),
            };
            match order {
                Ordering::Less => {
                    let (p, (_, oid)) = h.next()?;
                    if let Some(local) = self.local(p) {
                        changes.base_blobs.insert(local.clone(), *oid);
                        gone.entry(*oid).or_default().push(local);
                    }
                }
                Ordering::Greater => {
                    let (p, (_, oid)) = i.next()?;
                    if let Some(local) = self.local(p) {
                        added.push((local, *oid));
                    }
                }
                Ordering::Equal => {
                    let (p, old) = h.next()?;
                    let (_, new) = i.next()?;
                    if old != new
                        && let Some(local) = self.local(p)
                    {
                        changes.base_blobs.insert(local.clone(), old.1);
                        changes.changed.insert(local);
                    }
                }
            }
        }
        let mut unpaired = false;
        for (local, oid) in added {
            if let Some(old) = gone.get_mut(&oid).and_then(Vec::pop) {
                changes.deleted.insert(old.clone());
                changes.renamed_from.insert(local.clone(), old);
            } else {
                unpaired = true;
            }
            changes.added.insert(local.clone());
            changes.changed.insert(local);
        }
        let rest: Vec<String> = gone.into_values().flatten().collect();
        if unpaired && !rest.is_empty() {
            return None;
        }
        changes.deleted.extend(rest);
        Some(changes)
    }

    /// HEAD against the index by libgit2's status (with rename detection).
    fn status_changes(&self) -> Result<Changes, GitError> {
        let mut opts = StatusOptions::new();
        // The work tree is not part of the commit: comparing it would stat every file.
        opts.show(git2::StatusShow::Index)
            .include_untracked(false)
            .exclude_submodules(true)
            .renames_head_to_index(true);
        if !self.prefix.is_empty() {
            opts.pathspec(&self.prefix);
        }
        let statuses = self.repo.statuses(Some(&mut opts))?;
        let mut changes = Changes::default();
        for entry in statuses.iter() {
            let st = entry.status();
            // For a staged rename the entry's path is the old name; the index holds the new.
            let current = entry
                .head_to_index()
                .and_then(|d| d.new_file().path_bytes().map(<[u8]>::to_vec))
                .unwrap_or_else(|| entry.path_bytes().to_vec());
            let Some(path) = self.local(&current) else {
                continue;
            };
            if st.intersects(Status::INDEX_NEW | Status::INDEX_MODIFIED | Status::INDEX_TYPECHANGE)
            {
                changes.changed.insert(path.clone());
            }
            if st.contains(Status::INDEX_NEW) {
                changes.added.insert(path.clone());
            }
            if st.contains(Status::INDEX_DELETED) {
                changes.deleted.insert(path.clone());
            }
            if st.contains(Status::INDEX_RENAMED)
                && let Some(d) = entry.head_to_index()
            {
                let old = d.old_file().path_bytes().and_then(|p| self.local(p));
                let new = d.new_file().path_bytes().and_then(|p| self.local(p));
                if let (Some(old), Some(new)) = (old, new) {
                    changes.deleted.insert(old.clone());
                    changes.added.insert(new.clone());
                    changes.changed.insert(new.clone());
                    changes.renamed_from.insert(new, old);
                }
            }
        }
        Ok(changes)
    }

    /// What changed between `base` and the work tree (as committed plus staged plus edited).
    pub fn since(&self, base: &Tree<'_>) -> Result<Changes, GitError> {
        let mut opts = DiffOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        if !self.prefix.is_empty() {
            opts.pathspec(&self.prefix);
        }
        let mut diff = self
            .repo
            .diff_tree_to_workdir_with_index(Some(base), Some(&mut opts))?;
        let mut find = DiffFindOptions::new();
        find.renames(true).for_untracked(true);
        diff.find_similar(Some(&mut find))?;
        let mut changes = Changes::default();
        for d in diff.deltas() {
            let old = d.old_file().path_bytes().and_then(|p| self.local(p));
            let new = d.new_file().path_bytes().and_then(|p| self.local(p));
            match d.status() {
                Delta::Added | Delta::Untracked | Delta::Copied => {
                    if let Some(n) = new {
                        changes.added.insert(n.clone());
                        changes.changed.insert(n);
                    }
                }
                Delta::Modified | Delta::Typechange => {
                    if let Some(n) = new {
                        changes.changed.insert(n);
                    }
                }
                Delta::Deleted => {
                    if let Some(o) = old {
                        changes.deleted.insert(o);
                    }
                }
                Delta::Renamed => {
                    if let (Some(o), Some(n)) = (old, new) {
                        changes.deleted.insert(o.clone());
                        changes.added.insert(n.clone());
                        changes.changed.insert(n.clone());
                        changes.renamed_from.insert(n, o);
                    }
                }
                _ => {}
            }
        }
        Ok(changes)
    }

    /// In a sparse checkout, the index's files outside the cone (`skip-worktree`): documents
    /// (what `is_document` recognises) with their staged contents, other files as present
    /// but empty. `None` when every file is checked out.
    pub fn sparse_files(
        &self,
        is_document: impl Fn(&str) -> bool,
    ) -> Option<BTreeMap<String, Option<Vec<u8>>>> {
        let index = self.repo.index().ok()?;
        let mut files = BTreeMap::new();
        for e in index.iter() {
            if e.flags_extended & SKIP_WORKTREE == 0 || e.mode & 0o170_000 == 0o160_000 {
                continue;
            }
            let Some(path) = self.local(&e.path) else {
                continue;
            };
            let content = if is_document(&path) {
                self.repo
                    .find_blob(e.id)
                    .map(|b| b.content().to_vec())
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            files.insert(path, Some(content));
        }
        (!files.is_empty()).then_some(files)
    }

    /// The folder for annals' caches: `.git/annals/`.
    pub fn cache_dir(&self) -> PathBuf {
        self.repo.path().join("annals")
    }
}
