//! The workspace: a repository opened in a mode (the work tree, the commit being made, a
//! change since a revision) over one source of file contents, with the document model and
//! what git knows of it. Every command reads the repository through it; a long-lived caller
//! (an editor's language server) replaces one file's contents and re-judges what that
//! touches.

pub mod change;
pub mod practice;
mod staged;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::docs::{Classifier, Corpus, Document, Overlay, Reference, Source, WorkTree};
use crate::git::history::{self, History};
use crate::git::{Git, GitError};

pub use change::{ChangeView, Scope};

/// Which state of the repository a workspace judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The files on disk (a sparse checkout's missing files from the index).
    WorkTree,
    /// The commit being made: the git index. The work tree is never read.
    Staged,
    /// The work tree as a change since the fork point from a revision (`--since REV`).
    Since(String),
}

/// What opening a workspace reads besides the documents.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// Read git history (creation, touches, status changes).
    pub history: bool,
    /// Called once per document read (a progress bar).
    pub tick: &'a (dyn Fn() + Sync),
}

impl Default for Options<'_> {
    fn default() -> Self {
        fn nothing() {}
        Options {
            history: false,
            tick: &nothing,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot read git history")]
    History(#[source] GitError),
}

/// What git knows, for the rules that need history or a base to compare with.
#[derive(Debug, Default)]
pub struct GitView {
    pub history: Option<History>,
    /// The annals root within the git work tree (`docs/`), for CODEOWNERS paths.
    pub prefix: String,
    /// Documents of the commit being made that no commit has yet (judged against now).
    pub uncommitted: HashSet<String>,
    /// With `--staged` / `--since`: what changed, and the documents as they were before.
    pub change: Option<ChangeView>,
}

/// How long each stage of opening took (`check -v`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub change: Duration,
    pub documents: Duration,
    pub history: Duration,
}

/// A repository opened in a mode: the documents, what git knows of them, and under a change
/// mode which documents the change concerns.
pub struct Workspace {
    pub corpus: Corpus,
    pub git: GitView,
    /// Under `--staged` / `--since`: the documents to report on.
    pub scope: Option<Scope>,
    pub mode: Mode,
    pub timings: Timings,
    /// Where files are read from: the index under `--staged`, else the work tree, with
    /// unsaved buffers over either.
    pub source: Contents,
    /// Who points where, built on first use ([`Workspace::replace`], [`Workspace::inbound`]):
    /// `check` never needs it.
    links: std::sync::OnceLock<Links>,
}

/// Every document's references both ways, keyed as they are written: a link's resolved
/// path, an ID field's value (upper-cased as an ID, as written as a path from the root, and
/// resolved as a path from the document).
#[derive(Default)]
struct Links {
    /// Document path -> the keys it points at.
    outbound: std::collections::HashMap<String, Vec<String>>,
    /// Key -> the documents pointing at it.
    inbound: std::collections::HashMap<String, HashSet<String>>,
}

impl Links {
    fn build(corpus: &Corpus) -> Links {
        let mut links = Links::default();
        for d in corpus.docs.iter().chain(&corpus.catalogs) {
            links.add(corpus, d);
        }
        links
    }

    fn keys(corpus: &Corpus, d: &Document) -> Vec<String> {
        let mut keys = Vec::new();
        for r in d.references(corpus.kind_of(d)) {
            match r {
                Reference::Link(p) => keys.push(p),
                Reference::Field { value, path } => {
                    keys.push(value.to_ascii_uppercase());
                    keys.push(value);
                    keys.extend(path);
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    fn add(&mut self, corpus: &Corpus, d: &Document) {
        let keys = Links::keys(corpus, d);
        for k in &keys {
            self.inbound
                .entry(k.clone())
                .or_default()
                .insert(d.path.clone());
        }
        self.outbound.insert(d.path.clone(), keys);
    }

    fn remove(&mut self, path: &str) {
        for k in self.outbound.remove(path).into_iter().flatten() {
            if let Some(set) = self.inbound.get_mut(&k) {
                set.remove(path);
            }
        }
    }
}

/// The workspace's one source of file contents: a base (the work tree, or the index) and
/// the unsaved buffers [`Workspace::replace`] puts over it.
pub struct Contents {
    base: Box<dyn Source>,
    buffers: std::collections::BTreeMap<String, Vec<u8>>,
    /// `[limits] max_file_size`, which buffers keep to as files do.
    limit: u64,
}

impl Contents {
    fn buffer(&self, path: &str) -> Option<Result<Vec<u8>, String>> {
        let b = self.buffers.get(path)?;
        Some(if b.len() as u64 > self.limit {
            Err(format!(
                "{path} is {} bytes, over the {}-byte limit (`[limits] max_file_size`)",
                b.len(),
                self.limit
            ))
        } else {
            Ok(b.clone())
        })
    }
}

impl Source for Contents {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.buffer(path).unwrap_or_else(|| self.base.read(path))
    }

    fn read_optional(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        match self.buffer(path) {
            Some(b) => b.map(Some),
            None => self.base.read_optional(path),
        }
    }
}

impl Workspace {
    /// Opens the repository of `config` in `mode`.
    pub fn open(
        config: Config,
        mode: Mode,
        opts: Options<'_>,
    ) -> Result<Workspace, WorkspaceError> {
        let started = Instant::now();
        let git = Git::open(&config.root);
        let pending = match (&git, &mode) {
            (_, Mode::WorkTree) => None,
            (Some(g), Mode::Staged) => Some(change::pending(g, true, None)?),
            (Some(g), Mode::Since(rev)) => Some(change::pending(g, false, Some(rev))?),
            (None, _) => {
                return Err(GitError::NotARepository(config.root.display().to_string()).into());
            }
        };
        let t_change = started.elapsed();
        // The pre-commit hook must be fast: under `--staged` (the only mode with an index)
        // parse only what the change needs. CI (`--since`) reads everything.
        let corpus = match (&git, &pending) {
            (
                Some(g),
                Some(change::Pending {
                    index: Some(index),
                    changes,
                    ..
                }),
            ) => staged::load(g, config, index, changes),
            _ => load_work_tree(config, git.as_ref(), opts.tick),
        };
        let t_documents = started.elapsed();
        let mut view = GitView::default();
        if let Some(g) = &git {
            view.prefix = g.prefix().to_string();
            if opts.history {
                let mut history = if mode == Mode::Staged {
                    // Only the parsed documents (and the deleted ones, which a rename may
                    // continue) are judged: the rest of the cache stays unparsed.
                    let mut paths: HashSet<&str> = corpus
                        .docs
                        .iter()
                        .filter(|d| !d.stub)
                        .map(|d| d.path.as_str())
                        .collect();
                    if let Some(p) = &pending {
                        paths.extend(p.changes.deleted.iter().map(String::as_str));
                    }
                    history::load_some(g, &corpus.config, &paths, crate::docs::status_in)
                } else {
                    history::load(g, &corpus.config, crate::docs::status_in)
                }
                .map_err(WorkspaceError::History)?;
                follow_moves(&mut history, g, &corpus);
                view.history = Some(history);
            }
        }
        let mut scope = None;
        let mut source: Box<dyn Source> = Box::new(WorkTree::new(&corpus.config));
        let mut index = None;
        if let (Some(g), Some(mut p)) = (&git, pending) {
            index = p.index.take();
            if mode == Mode::Staged {
                view.uncommitted = p
                    .changes
                    .added
                    .iter()
                    .filter(|a| !p.changes.renamed_from.contains_key(*a))
                    .cloned()
                    .collect();
            }
            let (change, s) = change::view(g, &corpus, p);
            view.change = Some(change);
            scope = Some(s);
        }
        // Under `--staged`, files are read from the index, through the repository's handle.
        if let Some(index) = index {
            source = Box::new(IndexSource {
                git: std::sync::Mutex::new(git),
                index,
                limit: corpus.config.limits.max_file_size,
            });
        }
        let timings = Timings {
            change: t_change,
            documents: t_documents.saturating_sub(t_change),
            history: started.elapsed().saturating_sub(t_documents),
        };
        let limit = corpus.config.limits.max_file_size;
        Ok(Workspace {
            corpus,
            git: view,
            scope,
            mode,
            timings,
            links: std::sync::OnceLock::new(),
            source: Contents {
                base: source,
                buffers: std::collections::BTreeMap::new(),
                limit,
            },
        })
    }

    /// The document at a repository-relative path.
    pub fn document(&self, path: &str) -> Option<&Document> {
        self.corpus.document(path)
    }

    fn links(&self) -> &Links {
        self.links.get_or_init(|| Links::build(&self.corpus))
    }

    /// The other documents (catalogs too) that link to the document at `path` or name it in
    /// an ID field, in path order: its backlinks, found through the reverse index of
    /// references rather than by reading every document.
    pub fn inbound(&self, path: &str) -> Vec<&Document> {
        let Some(target) = self.corpus.document(path) else {
            return Vec::new();
        };
        let links = self.links();
        let id = target.id.as_deref().map(str::to_ascii_uppercase);
        let mut from: Vec<&Document> = std::iter::once(path.to_string())
            .chain(id)
            .flat_map(|key| links.inbound.get(&key).into_iter().flatten())
            .filter(|p| p.as_str() != path)
            .filter_map(|p| self.corpus.document(p))
            .filter(|d| !self.corpus.pointers(d, target).is_empty())
            .collect();
        from.sort_by(|a, b| a.path.cmp(&b.path));
        from.dedup_by(|a, b| a.path == b.path);
        from
    }

    /// Replaces the contents of the work-tree file at `path` (an editor's unsaved buffer;
    /// `None` reads the file on disk again) and returns the documents to judge again: the
    /// changed one, those it links to, and those linking to it (before or after the change),
    /// sorted. The other documents are not read again.
    pub fn replace(&mut self, path: &str, contents: Option<Vec<u8>>) -> Vec<String> {
        let mut out = self.neighbours(path);
        // Every file's buffer, a document's or not (a link target's headings count too).
        match &contents {
            Some(bytes) => {
                self.source.buffers.insert(path.to_string(), bytes.clone());
            }
            None => {
                self.source.buffers.remove(path);
            }
        }
        // What the file holds now: the buffer, else the workspace's base (the work tree
        // through the gate, or the index); `None` when it is gone.
        let bytes = match contents {
            Some(b) => Some(b),
            None => self.source.base.read_optional(path).ok().flatten(),
        };
        let config = &self.corpus.config;
        let classified = Classifier::new(config).classify(path);
        match (bytes, classified) {
            (Some(bytes), Some((kind, catalog))) => {
                let k = &config.kinds[kind];
                let doc = match crate::docs::within_limits(config, bytes) {
                    Ok(b) => Document::from_vec(path.to_string(), kind, k, b),
                    Err(why) => Document::unreadable(path.to_string(), kind, k, why),
                };
                self.corpus.replace(doc, catalog);
            }
            (Some(_), None) => self.corpus.files.insert(path),
            (None, _) => self.corpus.remove(path),
        }
        if let Some(links) = self.links.get_mut() {
            links.remove(path);
            if let Some(d) = self.corpus.document(path) {
                links.add(&self.corpus, d);
            }
        }
        out.extend(self.neighbours(path));
        let mut out: Vec<String> = out
            .into_iter()
            .filter(|p| p == path || self.corpus.document(p).is_some())
            .collect();
        out.sort();
        out
    }

    /// `path` with the documents it points at and those that point at it (by link, or by an
    /// ID field naming its path or its ID, which documents sharing the ID (N002) answer to
    /// too), as the model has them now.
    fn neighbours(&self, path: &str) -> HashSet<String> {
        let corpus = &self.corpus;
        let mut out = HashSet::new();
        out.insert(path.to_string());
        let doc = corpus.document(path);
        if let Some(doc) = doc {
            for r in doc.references(corpus.kind_of(doc)) {
                if let Some(t) = target(corpus, doc, &r) {
                    out.insert(t);
                }
            }
        }
        let links = self.links();
        let id = doc
            .and_then(|d| d.id.as_deref())
            .map(str::to_ascii_uppercase);
        for key in std::iter::once(path.to_string()).chain(id) {
            out.extend(links.inbound.get(&key).into_iter().flatten().cloned());
        }
        out
    }
}

/// The commit being made as a source of file contents: the index's blobs.
struct IndexSource {
    git: std::sync::Mutex<Option<Git>>,
    index: change::Index,
    limit: u64,
}

impl Source for IndexSource {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.read_optional(path)?
            .ok_or_else(|| format!("{path} is not in the index"))
    }

    fn read_optional(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let listing = self.index.overlay.index.as_deref().unwrap_or_default();
        // As the work tree's gate reads it: `./x`, `a/../x` and `\` separators name `x`.
        let Some(normal) = normalise(path) else {
            return Err(format!("{path} leads outside the repository"));
        };
        let path = normal.as_str();
        let Ok(i) = listing.binary_search_by(|f| f.path.as_str().cmp(path)) else {
            return Ok(None);
        };
        if listing[i].symlink {
            return Err(format!(
                "{path} is a symbolic link; annals does not follow links"
            ));
        }
        let git = self
            .git
            .lock()
            .map_err(|_| "the git handle was poisoned".to_string())?;
        let bytes = git
            .as_ref()
            .and_then(|g| g.blob_bytes(self.index.blobs[i]))
            .ok_or_else(|| format!("the index's blob of {path} is not in the object database"))?;
        if bytes.len() as u64 > self.limit {
            return Err(format!(
                "{path} is {} bytes, over the {}-byte limit (`[limits] max_file_size`)",
                bytes.len(),
                self.limit
            ));
        }
        Ok(Some(bytes))
    }
}

/// A repository-relative path with `.` and `..` resolved lexically; `None` when it climbs
/// out of the repository or is absolute.
fn normalise(path: &str) -> Option<String> {
    let path = crate::docs::separators(path);
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The repository path a reference leads to, when it names a document or file.
fn target(corpus: &Corpus, from: &Document, r: &Reference) -> Option<String> {
    match r {
        Reference::Link(p) => Some(p.clone()),
        Reference::Field { value, path } => corpus
            .referenced(from, value)
            .map(|d| d.path.clone())
            .or_else(|| path.clone()),
    }
}

/// The work tree's documents. A sparse checkout lacks the files outside its cone: the index
/// has them, and links and numbers are resolved against it.
fn load_work_tree(config: Config, git: Option<&Git>, tick: &(dyn Fn() + Sync)) -> Corpus {
    let sparse = config
        .fs
        .state_dir()
        .parent()
        .is_some_and(|g| g.join("info/sparse-checkout").exists())
        .then(|| {
            let classifier = Classifier::new(&config);
            git?.sparse_files(|p| classifier.classify(p).is_some())
        })
        .flatten();
    let overlay = sparse.map(|files| Overlay { files, index: None });
    Corpus::load_with(config, overlay.as_ref(), tick)
}

/// A document moved but not yet committed (`annals mv`, a rename fix) keeps its history: a
/// document without facts takes those of a committed path that is gone from the tree being
/// checked, when both hold the same blob. Costs nothing when every document has facts.
fn follow_moves(history: &mut History, git: &Git, corpus: &Corpus) {
    let missing: Vec<&Document> = corpus
        .docs
        .iter()
        .filter(|d| !d.stub && !history.facts.contains_key(&d.path))
        .collect();
    if missing.is_empty() {
        return;
    }
    let vanished: Vec<&String> = history
        .facts
        .keys()
        .filter(|p| !corpus.files.exists(p))
        .collect();
    if vanished.is_empty() {
        return;
    }
    let Some(tree) = git.head_tree() else {
        return;
    };
    let mut by_blob = std::collections::HashMap::new();
    for p in vanished {
        if let Some(id) = git.entry_at(&tree, p) {
            by_blob.insert(id, p.clone());
        }
    }
    for d in missing {
        let mut bytes = Vec::with_capacity(d.source.len() + 3);
        if d.bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend_from_slice(d.source.as_bytes());
        if let Some(oid) = Git::blob_id(&bytes)
            && let Some(old) = by_blob.remove(&oid)
            && let Some(f) = history.facts.get(&old).cloned()
        {
            if history.unreadable.contains(&old) {
                history.unreadable.insert(d.path.clone());
            }
            history.facts.insert(d.path.clone(), f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &std::path::Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn decision(title: &str, body: &str) -> String {
        format!(
            "---\ntitle: {title}\nstatus: accepted\ndate: 2026-06-01\n---\n# {title}\n\n## Plan\n\n{body}\n"
        )
    }

    #[test]
    fn replacing_one_file_says_what_to_judge_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "decisions/0001-a.md",
            &decision("A", "See [B](0002-b.md#plan)."),
        );
        write(root, "decisions/0002-b.md", &decision("B", "Alone."));
        write(root, "decisions/0003-c.md", &decision("C", "Alone."));
        write(root, "decisions/0004-d.md", &decision("D", "Alone."));
        let cfg = Config::zero_config(root);
        let mut ws = Workspace::open(cfg, Mode::WorkTree, Options::default()).unwrap();
        assert_eq!(ws.corpus.docs.len(), 4);
        // B now links to C: A (which links to B), B and C are judged again; D is not.
        let again = ws.replace(
            "decisions/0002-b.md",
            Some(decision("B", "Now [C](0003-c.md).").into_bytes()),
        );
        assert_eq!(
            again,
            [
                "decisions/0001-a.md",
                "decisions/0002-b.md",
                "decisions/0003-c.md"
            ]
        );
        let b = ws.document("decisions/0002-b.md").unwrap();
        assert!(b.source.contains("Now [C]"), "{}", b.source);
        assert_eq!(ws.corpus.docs.len(), 4);
        // Back to the file on disk: the link to C is gone, but C was pointed at before.
        let again = ws.replace("decisions/0002-b.md", None);
        assert_eq!(
            again,
            [
                "decisions/0001-a.md",
                "decisions/0002-b.md",
                "decisions/0003-c.md"
            ]
        );
        assert!(
            ws.document("decisions/0002-b.md")
                .unwrap()
                .source
                .contains("Alone.")
        );
        // A new file joins the model.
        let again = ws.replace(
            "decisions/0005-e.md",
            Some(decision("E", "See [A](0001-a.md).").into_bytes()),
        );
        assert_eq!(again, ["decisions/0001-a.md", "decisions/0005-e.md"]);
        assert_eq!(
            ws.corpus.find("ADR-0005").unwrap().path,
            "decisions/0005-e.md"
        );
        // A file that is no document is read from its buffer too, then from disk again.
        write(root, "notes/plan.md", "# On disk\n");
        ws.replace("notes/plan.md", Some(b"# Unsaved\n".to_vec()));
        assert_eq!(ws.source.read("notes/plan.md").unwrap(), b"# Unsaved\n");
        ws.replace("notes/plan.md", None);
        assert_eq!(ws.source.read("notes/plan.md").unwrap(), b"# On disk\n");
    }

    #[test]
    fn link_targets_new_files_and_deletions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "decisions/0001-a.md",
            &decision("A", "See [plan](../notes/plan.md#goals)."),
        );
        write(
            root,
            "decisions/0002-b.md",
            &decision("B", "Alone.").replace("---\n#", "related: [decisions/0003-c.md]\n---\n#"),
        );
        write(root, "decisions/0003-c.md", &decision("C", "Alone."));
        write(root, "notes/plan.md", "# Goals\n");
        let cfg = Config::zero_config(root);
        let mut ws = Workspace::open(cfg, Mode::WorkTree, Options::default()).unwrap();
        // A file that is no document: the documents linking to it are judged again.
        let again = ws.replace("notes/plan.md", Some(b"# Aims\n".to_vec()));
        assert_eq!(again, ["decisions/0001-a.md", "notes/plan.md"]);
        // A new file that is no document exists for links from now on.
        ws.replace("notes/new.md", Some(b"# New\n".to_vec()));
        assert!(ws.corpus.files.exists("notes/new.md"));
        // A root-relative path in an ID field names C as `Corpus::referenced` reads it.
        let again = ws.replace(
            "decisions/0003-c.md",
            Some(decision("C", "Changed.").into_bytes()),
        );
        assert_eq!(again, ["decisions/0002-b.md", "decisions/0003-c.md"]);
        // A document deleted on disk leaves the model.
        std::fs::remove_file(root.join("decisions/0003-c.md")).unwrap();
        let again = ws.replace("decisions/0003-c.md", None);
        assert_eq!(again, ["decisions/0002-b.md", "decisions/0003-c.md"]);
        assert!(ws.document("decisions/0003-c.md").is_none());
        assert!(ws.corpus.find("ADR-0003").is_none());
        assert_eq!(
            ws.corpus.find("ADR-0002").unwrap().path,
            "decisions/0002-b.md"
        );
    }

    #[test]
    fn index_paths_are_read_as_the_gate_reads_them() {
        assert_eq!(
            normalise("./schema/d.json").as_deref(),
            Some("schema/d.json")
        );
        assert_eq!(
            normalise("a/../schema//d.json").as_deref(),
            Some("schema/d.json")
        );
        assert_eq!(normalise("../x"), None);
        assert_eq!(normalise("/etc/passwd"), None);
    }
}
