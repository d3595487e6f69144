//! The history scan: which documents each commit added, changed, renamed or deleted, and the
//! status each changed one has afterwards.
//!
//! A commit is compared with its first parent through the kinds' folders only: their subtree
//! IDs first (a commit that did not touch them costs a lookup), then a merge walk over the raw
//! tree objects of the folders that changed, descending only into subfolders whose IDs
//! differ. Each tree is read once (the parent's is usually the previous commit's, kept), and
//! only documents (`.md`, `.markdown`) count: other files are never diffed, never paired in
//! rename detection and their blobs never read. Renames are found among a commit's added and
//! deleted documents, by blob ID when that pairs them unambiguously, and by libgit2's
//! similarity (restricted to those documents) only when unpaired documents remain on both
//! sides. A new tree's entries are found without parsing where its bytes equal its parent's
//! (the common prefix and suffix), so a commit costs about one read of each changed folder. A blob that cannot be read (a blobless partial clone, a missing or corrupt object)
//! never aborts the scan: the document is reported as unreadable.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use git2::{Delta, DiffFindOptions, DiffOptions, Odb, OdbObject, Oid, Repository, Sort};

use super::{ReadStatus, Touch};
use crate::git::GitError;

/// A document's status after a commit, as far as its blob could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Status {
    /// The blob was read: its `status:`, if its front matter has one.
    Read(Option<String>),
    /// The blob (or, for an added document, what rename detection needed) is missing or corrupt.
    Unreadable,
}

/// What one commit did to one document (annals-relative paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Change {
    Added {
        path: String,
        status: Status,
        /// Rename detection could not read a blob it needed: this may be a rename, so the
        /// document's creation is not known for sure.
        blind: bool,
    },
    /// Changed in place (`old == new`) or renamed, with or without edits.
    Modified {
        old: String,
        new: String,
        status: Status,
    },
    Deleted {
        path: String,
    },
}

/// What one commit did to documents.
#[derive(Debug)]
pub(super) struct CommitChanges {
    pub touch: Touch,
    /// A shallow clone's boundary commit (its parents are not in the repository), or one
    /// whose first parent cannot be read: what it "added" may be older.
    pub boundary: bool,
    pub changes: Vec<Change>,
}

/// The commits after `from` up to `head`, oldest first (topological order), and what each
/// did to the documents under `scope` (git paths of the kinds' folders).
pub(super) fn scan(
    repo: &Repository,
    prefix: &str,
    from: Option<Oid>,
    head: Oid,
    scope: &[String],
    boundaries: &HashSet<Oid>,
    read_status: ReadStatus,
) -> Result<Vec<CommitChanges>, GitError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    walk.push(head)?;
    if let Some(f) = from {
        walk.hide(f)?;
    }
    let oids = walk.collect::<Result<Vec<Oid>, _>>()?;
    let dirs = folders(scope);
    let ctx = Ctx {
        prefix,
        dirs: &dirs,
        boundaries,
        read_status,
    };
    // One pass on the caller's handle, oldest first, so that a commit's parent folders are
    // the trees the commit before it read. Threads do not pay: libgit2 serializes reads
    // of a pack file (one lock per pack, shared by every handle), so two threads took the
    // same wall time here for a third more CPU and memory.
    ctx.run(repo, &oids)
}

/// The kinds' folders as path components, without those inside another one (their files are
/// found through it) and without an empty one (the root is no kind's folder).
fn folders(scope: &[String]) -> Vec<Vec<String>> {
    let inside =
        |a: &str, b: &str| a.len() > b.len() && a.starts_with(b) && a.as_bytes()[b.len()] == b'/';
    let mut out: Vec<Vec<String>> = scope
        .iter()
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| !s.is_empty())
        .filter(|s| !scope.iter().any(|o| inside(s, o.trim_end_matches('/'))))
        .map(|s| s.split('/').map(str::to_string).collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

struct Ctx<'a> {
    prefix: &'a str,
    dirs: &'a [Vec<String>],
    boundaries: &'a HashSet<Oid>,
    read_status: ReadStatus,
}

impl Ctx<'_> {
    fn run(&self, repo: &Repository, oids: &[Oid]) -> Result<Vec<CommitChanges>, GitError> {
        let odb = repo.odb()?;
        let mut r = Reader {
            repo,
            odb: &odb,
            ctx: self,
            commit_trees: HashMap::new(),
            folder_ids: HashMap::new(),
            recent: Vec::new(),
        };
        oids.iter().map(|oid| r.commit(*oid)).collect()
    }
}

/// A tree entry in a raw tree object.
#[derive(Clone, Copy)]
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
}

const MODE_TYPE: u32 = 0o170_000;
const TREE: u32 = 0o040_000;
const BLOB: u32 = 0o100_000;

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode & MODE_TYPE == TREE
    }

    /// A regular file (not a symbolic link or a submodule).
    fn is_file(&self) -> bool {
        self.mode & MODE_TYPE == BLOB
    }

    fn oid(&self) -> Oid {
        Oid::from_bytes(self.id).unwrap_or(Oid::ZERO_SHA1)
    }
}

/// The entry at the start of `rest` and its length; `None` when malformed.
fn entry(rest: &[u8]) -> Option<(Entry<'_>, usize)> {
    // A mode is five or six octal digits.
    let sp = if rest.get(5) == Some(&b' ') { 5 } else { 6 };
    if rest.get(sp) != Some(&b' ') {
        return None;
    }
    let mut mode = 0u32;
    for &c in &rest[..sp] {
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        mode = mode * 8 + u32::from(c - b'0');
    }
    let nul = sp + 1 + memchr::memchr(0, &rest[sp + 1..])?;
    let id = rest.get(nul + 1..nul + 21)?;
    Some((
        Entry {
            mode,
            name: &rest[sp + 1..nul],
            id,
        },
        nul + 21,
    ))
}

/// The entries of a raw tree object, in their stored (git) order; stops at a malformed one.
fn entries(raw: &[u8]) -> impl Iterator<Item = Entry<'_>> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let (e, len) = entry(rest)?;
        rest = &rest[len..];
        Some(e)
    })
}

/// A tree read from the object database, with where each entry starts (and, last, where the
/// entries end).
struct Tree<'r> {
    obj: OdbObject<'r>,
    starts: Vec<u32>,
}

impl Tree<'_> {
    fn data(&self) -> &[u8] {
        self.obj.data()
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn at(&self, i: usize) -> Entry<'_> {
        let from = self.starts[i] as usize;
        let to = self.starts[i + 1] as usize;
        entry(&self.data()[from..to]).map_or(
            Entry {
                mode: 0,
                name: &[],
                id: &[],
            },
            |(e, _)| e,
        )
    }
}

/// Entry starts from `from` (a start) on, appended to `starts`, until one lands where
/// `stop` says the rest is known; returns the index (into the known starts) it landed on.
fn parse_starts(
    raw: &[u8],
    mut at: usize,
    starts: &mut Vec<u32>,
    stop: &dyn Fn(usize) -> Option<usize>,
) -> Option<usize> {
    loop {
        if let Some(k) = stop(at) {
            return Some(k);
        }
        // The start of an entry, or (at the end, or at a malformed entry) where the
        // entries end.
        starts.push(at as u32);
        match entry(&raw[at..]) {
            Some((_, len)) => at += len,
            None => return None,
        }
    }
}

/// The length of the longest common prefix of two byte strings.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// The length of the longest common suffix of two byte strings.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[a.len() - i - 64..a.len() - i] == b[b.len() - i - 64..b.len() - i] {
        i += 64;
    }
    while i < n && a[a.len() - 1 - i] == b[b.len() - 1 - i] {
        i += 1;
    }
    i
}

/// git's order of tree entries: by name, a tree's name as if it ended with `/`.
fn order(a: &Entry<'_>, b: &Entry<'_>) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let end = |e: &Entry<'_>| {
            e.name
                .get(n)
                .copied()
                .unwrap_or(if e.is_tree() { b'/' } else { 0 })
        };
        end(a).cmp(&end(b))
    })
}

/// A document by its file name: what annals' discovery reads as markdown.
fn is_document(name: &[u8]) -> bool {
    let lower = |s: &[u8], ext: &[u8]| {
        s.len() > ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext)
    };
    lower(name, b".md") || lower(name, b".markdown")
}

/// `(old, new)` git paths of renamed documents.
type Renames = Vec<(Vec<u8>, Vec<u8>)>;

/// What a commit's tree walk found, by git path: documents added, deleted, changed.
#[derive(Default)]
struct Found {
    added: Vec<(Vec<u8>, Oid)>,
    deleted: Vec<(Vec<u8>, Oid)>,
    modified: Vec<(Vec<u8>, Oid)>,
}

struct Reader<'r, 'a> {
    repo: &'r Repository,
    odb: &'r Odb<'r>,
    ctx: &'a Ctx<'a>,
    /// Each commit read so far -> its root tree.
    commit_trees: HashMap<Oid, Oid>,
    /// A root tree -> the kinds' folders' tree IDs in it.
    folder_ids: HashMap<Oid, Rc<[Option<Oid>]>>,
    /// The trees read last (a commit's folders are its child's parent folders).
    recent: Vec<(Oid, Rc<Tree<'r>>)>,
}

const RECENT: usize = 8;

impl<'r> Reader<'r, '_> {
    fn commit(&mut self, oid: Oid) -> Result<CommitChanges, GitError> {
        let commit = self.repo.find_commit(oid)?;
        let author = commit.author();
        let touch = Touch {
            time: author.when().seconds(),
            email: author.email().unwrap_or("").to_lowercase(),
        };
        let tree = commit.tree_id();
        self.commit_trees.insert(oid, tree);
        let mut out = CommitChanges {
            touch,
            boundary: self.ctx.boundaries.contains(&oid),
            changes: Vec::new(),
        };
        // A merge brings in what its branch's own commits already did (and were counted
        // for); against the first parent it would look like new files by the merger.
        if commit.parent_count() > 1 {
            return Ok(out);
        }
        let parent_tree = match commit.parent_ids().next() {
            Some(p) => {
                let t = self.commit_tree(p);
                out.boundary |= t.is_none();
                t
            }
            None => None,
        };
        if parent_tree == Some(tree) {
            return Ok(out);
        }
        let new = self.folder_ids(Some(tree))?;
        let old = self.folder_ids(parent_tree)?;
        if new == old {
            return Ok(out);
        }
        let mut found = Found::default();
        for (i, dir) in self.ctx.dirs.iter().enumerate() {
            if old[i] != new[i] {
                let mut path = dir.join("/").into_bytes();
                self.diff(old[i], new[i], &mut path, &mut found)?;
            }
        }
        out.changes = self.changes(found, parent_tree, tree);
        Ok(out)
    }

    /// A commit's root tree; `None` when the commit cannot be read (beyond a shallow
    /// clone's boundary, or missing).
    fn commit_tree(&mut self, oid: Oid) -> Option<Oid> {
        if let Some(t) = self.commit_trees.get(&oid) {
            return Some(*t);
        }
        let t = self.repo.find_commit(oid).ok()?.tree_id();
        self.commit_trees.insert(oid, t);
        Some(t)
    }

    fn cached(&mut self, oid: Oid) -> Option<Rc<Tree<'r>>> {
        let i = self.recent.iter().position(|(o, _)| *o == oid)?;
        let hit = self.recent.remove(i);
        let t = Rc::clone(&hit.1);
        self.recent.push(hit);
        Some(t)
    }

    fn keep(&mut self, oid: Oid, t: &Rc<Tree<'r>>) {
        if self.recent.len() >= RECENT {
            self.recent.remove(0);
        }
        self.recent.push((oid, Rc::clone(t)));
    }

    fn read_object(&self, oid: Oid) -> Result<OdbObject<'r>, GitError> {
        let obj = self.odb.read(oid)?;
        if obj.kind() != git2::ObjectType::Tree {
            return Err(git2::Error::from_str(&format!("{oid} is not a tree")).into());
        }
        Ok(obj)
    }

    /// A tree, its entries found by parsing every one.
    fn read_tree(&mut self, oid: Oid) -> Result<Rc<Tree<'r>>, GitError> {
        if let Some(t) = self.cached(oid) {
            return Ok(t);
        }
        let obj = self.read_object(oid)?;
        let mut starts = Vec::new();
        parse_starts(obj.data(), 0, &mut starts, &|_| None);
        let t = Rc::new(Tree { obj, starts });
        self.keep(oid, &t);
        Ok(t)
    }

    /// A tree that replaces `old`, and the ranges of entries `[from, old_to)` and
    /// `[from, new_to)` outside which the two are the same. Where the bytes are the same
    /// (a prefix and a suffix: a commit usually changes a few entries of a folder), the new
    /// tree's entry starts are the old one's, so only the middle is parsed.
    fn read_successor(
        &mut self,
        oid: Oid,
        old: &Tree<'r>,
    ) -> Result<(Rc<Tree<'r>>, usize, usize, usize), GitError> {
        if let Some(t) = self.cached(oid) {
            let n = t.len();
            return Ok((t, 0, old.len(), n));
        }
        let obj = self.read_object(oid)?;
        let (a, b) = (old.data(), obj.data());
        let prefix = common_prefix(a, b);
        let suffix = common_suffix(a, b).min(a.len().min(b.len()) - prefix);
        // The last entry starting within the common prefix starts at the same place in
        // both, after the same entries.
        let from = old.starts[..old.len()]
            .partition_point(|&s| s as usize <= prefix)
            .saturating_sub(1);
        let start = old.starts[from] as usize;
        // Landing (in the new tree) on the start of an old entry within the common suffix:
        // from there on, both have the same entries.
        let stop = |p: usize| {
            let q = (p + a.len()).checked_sub(b.len())?;
            if q + suffix < a.len() || q < start {
                return None;
            }
            old.starts.binary_search(&(q as u32)).ok()
        };
        let mut starts: Vec<u32> = old.starts[..from].to_vec();
        let landed = parse_starts(b, start, &mut starts, &stop);
        let (old_to, new_to) = match landed {
            Some(k) => {
                let new_to = starts.len();
                // No underflow: an old start from `k` on lies at least `a.len() - b.len()`
                // into the old tree (it maps to a place in the new one).
                starts.extend(
                    old.starts[k..]
                        .iter()
                        .map(|&s| (s as usize + b.len() - a.len()) as u32),
                );
                (k, new_to)
            }
            None => (old.len(), starts.len() - 1),
        };
        let t = Rc::new(Tree { obj, starts });
        self.keep(oid, &t);
        Ok((t, from, old_to, new_to))
    }

    /// The kinds' folders' tree IDs in a root tree (all `None` for no tree).
    fn folder_ids(&mut self, root: Option<Oid>) -> Result<Rc<[Option<Oid>]>, GitError> {
        let Some(root) = root else {
            return Ok(vec![None; self.ctx.dirs.len()].into());
        };
        if let Some(ids) = self.folder_ids.get(&root) {
            return Ok(Rc::clone(ids));
        }
        let mut ids = Vec::with_capacity(self.ctx.dirs.len());
        for dir in self.ctx.dirs {
            let mut at = Some(root);
            for name in dir {
                let Some(t) = at else { break };
                let raw = self.odb.read(t)?;
                at = entries(raw.data())
                    .find(|e| e.name == name.as_bytes() && e.is_tree())
                    .map(|e| e.oid());
            }
            ids.push(at);
        }
        let ids: Rc<[Option<Oid>]> = ids.into();
        if self.folder_ids.len() > 100_000 {
            self.folder_ids.clear();
        }
        self.folder_ids.insert(root, Rc::clone(&ids));
        Ok(ids)
    }

    /// Documents that differ between two trees at `path` (a git path without a trailing `/`).
    fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        path: &mut Vec<u8>,
        found: &mut Found,
    ) -> Result<(), GitError> {
        let (old_t, new_t, from, old_to, new_to) = match (old, new) {
            (Some(o), Some(n)) => {
                let old_t = self.read_tree(o)?;
                let (new_t, from, old_to, new_to) = self.read_successor(n, &old_t)?;
                (Some(old_t), Some(new_t), from, old_to, new_to)
            }
            (Some(o), None) => {
                let t = self.read_tree(o)?;
                let n = t.len();
                (Some(t), None, 0, n, 0)
            }
            (None, Some(n)) => {
                let t = self.read_tree(n)?;
                let len = t.len();
                (None, Some(t), 0, 0, len)
            }
            (None, None) => return Ok(()),
        };
        let (mut i, mut j) = (from, from);
        let base = path.len();
        while i < old_to || j < new_to {
            let x = (i < old_to)
                .then(|| old_t.as_ref().map(|t| t.at(i)))
                .flatten();
            let y = (j < new_to)
                .then(|| new_t.as_ref().map(|t| t.at(j)))
                .flatten();
            let step = match (&x, &y) {
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => order(x, y),
                (None, None) => break,
            };
            let (x, y) = match step {
                std::cmp::Ordering::Less => {
                    i += 1;
                    (x, None)
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (None, y)
                }
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (x, y)
                }
            };
            if let (Some(x), Some(y)) = (&x, &y)
                && x.id == y.id
                && x.mode == y.mode
            {
                continue;
            }
            let name = x.or(y).map_or(&[][..], |e| e.name);
            path.truncate(base);
            path.push(b'/');
            path.extend_from_slice(name);
            match (x, y) {
                (Some(x), Some(y)) if x.is_tree() && y.is_tree() => {
                    self.diff(Some(x.oid()), Some(y.oid()), path, found)?;
                }
                (Some(x), Some(y)) if x.is_file() && y.is_file() => {
                    if is_document(name) {
                        found.modified.push((path.clone(), y.oid()));
                    }
                }
                _ => {
                    // Only on one side, or a file on one side and a folder (or a link) on
                    // the other: what was there is gone, what is there is new.
                    if let Some(x) = x {
                        self.side(x, path, found, false)?;
                    }
                    if let Some(y) = y {
                        self.side(y, path, found, true)?;
                    }
                }
            }
        }
        path.truncate(base);
        Ok(())
    }

    /// Every document of an entry only one side has: added (`new`) or deleted.
    fn side(
        &mut self,
        e: Entry<'_>,
        path: &mut Vec<u8>,
        found: &mut Found,
        new: bool,
    ) -> Result<(), GitError> {
        if e.is_tree() {
            let (old, newer) = if new {
                (None, Some(e.oid()))
            } else {
                (Some(e.oid()), None)
            };
            self.diff(old, newer, path, found)?;
        } else if e.is_file() && is_document(e.name) {
            let list = if new {
                &mut found.added
            } else {
                &mut found.deleted
            };
            list.push((path.clone(), e.oid()));
        }
        Ok(())
    }

    fn local(&self, path: &[u8]) -> Option<String> {
        let p = std::str::from_utf8(path).ok()?;
        p.strip_prefix(self.ctx.prefix).map(str::to_string)
    }

    fn status(&self, blob: Oid) -> Status {
        match self.odb.read(blob) {
            Ok(o) if o.kind() == git2::ObjectType::Blob => Status::Read(
                std::str::from_utf8(o.data())
                    .ok()
                    .and_then(self.ctx.read_status),
            ),
            _ => Status::Unreadable,
        }
    }

    /// Pairs renamed documents and reads the status of every document the commit left.
    fn changes(&mut self, found: Found, parent: Option<Oid>, tree: Oid) -> Vec<Change> {
        let Found {
            added,
            deleted,
            modified,
        } = found;
        let mut out = Vec::with_capacity(added.len() + deleted.len() + modified.len());
        for (p, blob) in &modified {
            if let Some(p) = self.local(p) {
                out.push(Change::Modified {
                    old: p.clone(),
                    new: p,
                    status: self.status(*blob),
                });
            }
        }
        let (renames, blind) = if added.is_empty() || deleted.is_empty() {
            (Vec::new(), false)
        } else {
            self.renames(&added, &deleted, parent, tree)
        };
        let renamed_to: HashSet<&[u8]> = renames.iter().map(|(_, n)| n.as_slice()).collect();
        let renamed_from: HashSet<&[u8]> = renames.iter().map(|(o, _)| o.as_slice()).collect();
        let blobs: HashMap<&[u8], Oid> = added.iter().map(|(p, b)| (p.as_slice(), *b)).collect();
        for (o, n) in &renames {
            if let (Some(old), Some(new)) = (self.local(o), self.local(n)) {
                out.push(Change::Modified {
                    old,
                    new,
                    status: self.status(blobs[n.as_slice()]),
                });
            }
        }
        for (p, blob) in &added {
            if renamed_to.contains(p.as_slice()) {
                continue;
            }
            if let Some(path) = self.local(p) {
                out.push(Change::Added {
                    path,
                    status: self.status(*blob),
                    blind,
                });
            }
        }
        for (p, _) in &deleted {
            if !renamed_from.contains(p.as_slice())
                && let Some(path) = self.local(p)
            {
                out.push(Change::Deleted { path });
            }
        }
        out
    }

    /// `(old, new)` git paths of the documents a commit renamed, and whether rename
    /// detection was blind (a blob it needed could not be read).
    fn renames(
        &mut self,
        added: &[(Vec<u8>, Oid)],
        deleted: &[(Vec<u8>, Oid)],
        parent: Option<Oid>,
        tree: Oid,
    ) -> (Renames, bool) {
        // By blob ID: libgit2 scores an identical blob 100, which no other pairing beats, so
        // when each such ID is one added and one deleted document, those pairs are its
        // answer; if unpaired documents are then left on one side only, nothing else pairs.
        let mut by_id: HashMap<Oid, (usize, usize, usize)> = HashMap::new();
        for (i, (_, b)) in deleted.iter().enumerate() {
            let e = by_id.entry(*b).or_insert((0, 0, i));
            e.0 += 1;
        }
        let mut unique = true;
        let mut pairs = Vec::new();
        let mut unpaired_added = 0;
        for (p, b) in added {
            match by_id.get_mut(b) {
                Some(e) => {
                    e.1 += 1;
                    unique &= e.0 == 1 && e.1 == 1;
                    pairs.push((deleted[e.2].0.clone(), p.clone()));
                }
                None => unpaired_added += 1,
            }
        }
        let unpaired_deleted = deleted.len() - pairs.len().min(deleted.len());
        if unique && (unpaired_added == 0 || unpaired_deleted == 0) {
            return (pairs, false);
        }
        // Similarity: libgit2's, over these documents only. It skips blobs it cannot read
        // (and may fail on them); either way the pairing is not known for sure.
        let blind = added
            .iter()
            .chain(deleted)
            .any(|(_, b)| !self.odb.exists(*b));
        match self.similar(added, deleted, parent, tree) {
            Ok(pairs) => (pairs, blind),
            Err(_) => (Vec::new(), true),
        }
    }

    fn similar(
        &self,
        added: &[(Vec<u8>, Oid)],
        deleted: &[(Vec<u8>, Oid)],
        parent: Option<Oid>,
        tree: Oid,
    ) -> Result<Renames, git2::Error> {
        let mut opts = DiffOptions::new();
        opts.disable_pathspec_match(true);
        for (p, _) in added.iter().chain(deleted) {
            opts.pathspec(Path::new(
                std::str::from_utf8(p)
                    .map_err(|_| git2::Error::from_str("document path is not UTF-8"))?,
            ));
        }
        let old = parent.map(|t| self.repo.find_tree(t)).transpose()?;
        let new = self.repo.find_tree(tree)?;
        let mut diff = self
            .repo
            .diff_tree_to_tree(old.as_ref(), Some(&new), Some(&mut opts))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        Ok(diff
            .deltas()
            .filter(|d| d.status() == Delta::Renamed)
            .filter_map(|d| {
                Some((
                    d.old_file().path_bytes()?.to_vec(),
                    d.new_file().path_bytes()?.to_vec(),
                ))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_order() {
        let mut raw = Vec::new();
        for (mode, name) in [("100644", "a.md"), ("40000", "a"), ("100644", "a0")] {
            raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            raw.extend_from_slice(&[7; 20]);
        }
        let es: Vec<Entry<'_>> = entries(&raw).collect();
        assert_eq!(es.len(), 3);
        assert!(es[1].is_tree() && es[0].is_file());
        // "a.md" < "a/" < "a0": git's order, a tree sorting as if named "a/".
        assert_eq!(order(&es[0], &es[1]), std::cmp::Ordering::Less);
        assert_eq!(order(&es[1], &es[2]), std::cmp::Ordering::Less);
        assert!(is_document(b"x.MD") && is_document(b"y.markdown") && !is_document(b".md"));
        assert!(!is_document(b"a.png"));
    }

    #[test]
    fn nested_and_empty_folders_are_dropped() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert_eq!(
            folders(&s(&["docs", "docs/decisions", "meetings", ""])),
            vec![s(&["docs"]), s(&["meetings"])]
        );
    }
}
