//! Full-text search: a tantivy index under `.git/annals/index/` (`.annals/index/` outside
//! git; a temp folder when the repository is read-only), refreshed before every search from
//! each file's stamp (size and modification time) so results never show stale text.

mod query;
#[cfg(unix)]
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

pub use query::{Hit, SearchOptions, Searched, search};

use rayon::prelude::*;

use crate::config::Config;
use crate::docs::{Corpus, Document};

/// Bumped whenever the schema or what is indexed changes: an older index is rebuilt.
const FORMAT: u32 = 5;
const RAW_LOWER: &str = "annals_raw_lower";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    // Not `#[source]`: the message already holds the cause, and a chain would print it twice.
    #[error("search index: {0}")]
    Index(tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(std::io::Error),
    #[error("query `{query}`: {message}")]
    Query { query: String, message: String },
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e)
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Io(e)
    }
}

/// The index's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    pub path: Field,
    pub id: Field,
    pub kind: Field,
    pub title: Field,
    pub headings: Field,
    pub body: Field,
    pub tag: Field,
    pub owner: Field,
    pub status: Field,
    pub date: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Facets: one lowercased term per value, so `status:Accepted` finds `accepted`.
    let facet = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(RAW_LOWER)
            .set_index_option(IndexRecordOption::Basic),
    );
    let f = Fields {
        path: b.add_text_field("path", STRING | STORED),
        id: b.add_text_field("id", facet.clone()),
        kind: b.add_text_field("kind", facet.clone()),
        title: b.add_text_field("title", text.clone()),
        headings: b.add_text_field("headings", text.clone()),
        body: b.add_text_field("body", text),
        tag: b.add_text_field("tag", facet.clone()),
        owner: b.add_text_field("owner", facet.clone()),
        status: b.add_text_field("status", facet.clone()),
        date: b.add_text_field("date", facet),
    };
    (b.build(), f)
}

fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        RAW_LOWER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// Which files the index holds, and in which state. Stored as a JSON header line (format,
/// configuration fingerprint, folder stamps), then one `kind<TAB>stamp<TAB>path` line per
/// file, sorted by path: a warm search reads it without building maps or classifying paths.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// What classified the files: kinds' folders, patterns and exclusions.
    #[serde(default)]
    config: String,
    /// Folder stamps: while none changed, no document was added or removed, so a search
    /// checks the known files' stamps without walking the folders.
    #[serde(default)]
    dirs: BTreeMap<String, String>,
    /// `(path, kind, stamp)`, sorted by path.
    #[serde(skip)]
    files: Vec<(String, usize, Stamp)>,
}

impl Manifest {
    fn read(path: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        let mut m: Manifest = serde_json::from_str(lines.next()?).ok()?;
        if m.format != FORMAT {
            return None;
        }
        for line in lines {
            let mut f = line.splitn(3, '\t');
            let (kind, stamp, p) = (f.next()?, f.next()?, f.next()?);
            m.files
                .push((p.to_string(), kind.parse().ok()?, stamp.parse().ok()?));
        }
        m.files.is_sorted_by(|a, b| a.0 < b.0).then_some(m)
    }

    fn text(&self) -> Option<String> {
        let mut out = serde_json::to_string(self).ok()?;
        out.push('\n');
        for (p, kind, stamp) in &self.files {
            if p.contains(['\n', '\r']) {
                continue;
            }
            out.push_str(&format!("{kind}\t{stamp}\t{p}\n"));
        }
        Some(out)
    }
}

/// What classifies files into documents: a manifest written under another configuration is
/// not trusted for kinds.
pub(crate) fn fingerprint(cfg: &Config) -> String {
    cfg.kinds
        .iter()
        .map(|k| {
            format!(
                "{}|{}|{}|{}",
                k.name,
                k.dir,
                k.filename,
                k.exclude.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// An open index, refreshed.
pub struct SearchIndex {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
    /// Notes for the user (a rebuilt index, a busy writer): printed on stderr.
    pub notes: Vec<String>,
    /// Documents re-indexed by this open (changed, added or removed).
    pub refreshed: usize,
    /// Documents in the repository.
    pub total: usize,
    /// A watcher kept the index fresh: this search did not refresh it.
    pub watched: bool,
    /// Another process held the index: it may not show the latest changes.
    pub lagging: bool,
}

/// Where the index lives for this repository.
pub fn index_dir(root: &Path) -> PathBuf {
    match crate::git::Git::open(root) {
        Some(g) => g.cache_dir().join("index"),
        None => root.join(".annals").join("index"),
    }
}

/// A writable stand-in for a read-only repository, stable per repository.
fn temp_dir_for(root: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut h);
    std::env::temp_dir().join(format!("annals-index-{:016x}", h.finish()))
}

/// What says a file changed: size and modification time (numbers, compared as numbers: a
/// warm search makes one per document).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stamp {
    size: u64,
    secs: i64,
    nanos: u32,
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}.{}", self.size, self.secs, self.nanos)
    }
}

impl std::str::FromStr for Stamp {
    type Err = ();
    fn from_str(s: &str) -> Result<Stamp, ()> {
        let (size, time) = s.split_once(':').ok_or(())?;
        let (secs, nanos) = time.split_once('.').ok_or(())?;
        Ok(Stamp {
            size: size.parse().map_err(|_| ())?,
            secs: secs.parse().map_err(|_| ())?,
            nanos: nanos.parse().map_err(|_| ())?,
        })
    }
}

/// A missing file's stamp: never equal to a real one's.
const MISSING: Stamp = Stamp {
    size: u64::MAX,
    secs: i64::MIN,
    nanos: u32::MAX,
};

fn stamp(abs: &Path) -> Stamp {
    std::fs::metadata(abs).map_or(MISSING, |m| {
        let d = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        Stamp {
            size: m.len(),
            secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            nanos: d.subsec_nanos(),
        }
    })
}

/// The stamps of many files. On unix each folder is opened once and its files are looked up
/// relative to it: most of a warm search is these lookups, and resolving every full path
/// again costs twice as much.
fn stamps(root: &Path, paths: &[&str]) -> Vec<Stamp> {
    #[cfg(unix)]
    {
        paths
            .par_chunks(256)
            .flat_map_iter(|chunk| {
                let mut dir_fd: Option<(&str, rustix::fd::OwnedFd)> = None;
                chunk.iter().map(move |path| {
                    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                    if dir_fd.as_ref().is_none_or(|(d, _)| *d != dir) {
                        dir_fd = rustix::fs::open(
                            root.join(dir),
                            rustix::fs::OFlags::DIRECTORY
                                | rustix::fs::OFlags::RDONLY
                                | rustix::fs::OFlags::CLOEXEC,
                            rustix::fs::Mode::empty(),
                        )
                        .ok()
                        .map(|fd| (dir, fd));
                    }
                    match &dir_fd {
                        Some((_, fd)) => {
                            rustix::fs::statat(fd, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
                                .map_or(MISSING, |st| Stamp {
                                    size: u64::try_from(st.st_size).unwrap_or(0),
                                    secs: st.st_mtime,
                                    nanos: u32::try_from(st.st_mtime_nsec).unwrap_or(0),
                                })
                        }
                        None => MISSING,
                    }
                })
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        paths.par_iter().map(|p| stamp(&root.join(p))).collect()
    }
}

fn to_doc(f: &Fields, cfg: &Config, d: &Document) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.path, &d.path);
    if let Some(id) = &d.id {
        doc.add_text(f.id, id);
    }
    doc.add_text(f.kind, &cfg.kinds[d.kind].name);
    doc.add_text(f.title, d.title().unwrap_or(""));
    for h in &d.md.headings {
        doc.add_text(f.headings, &h.text);
    }
    // The text a reader sees: snippets never show HTML comments (a template's instructions)
    // or link destinations.
    doc.add_text(
        f.body,
        crate::docs::markdown::plain_text(&d.source[d.body_start..]),
    );
    for (t, _) in d.list_field("tags") {
        doc.add_text(f.tag, &t);
    }
    if let Some(status) = d.status() {
        doc.add_text(f.status, status);
    }
    for (key, field) in [("owner", f.owner), ("date", f.date)] {
        if let Some((v, _)) = d.str_field(key) {
            doc.add_text(
                field,
                if key == "date" {
                    v.get(..10).unwrap_or(v)
                } else {
                    v
                },
            );
        }
    }
    doc
}

impl SearchIndex {
    /// Opens (or builds) the index and brings it up to date with the work tree. A corrupt or
    /// older index is rebuilt; a writer held by another process is waited for briefly, then
    /// the index is searched as it is.
    pub fn open(cfg: &Config, rebuild: bool) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_with(cfg, rebuild, &|| {})
    }

    /// The index to search: as it is when a watcher (`annals index --watch`) says it has
    /// seen every change made so far, else refreshed here first.
    pub fn open_fresh(cfg: &Config) -> Result<SearchIndex, SearchError> {
        let dir = index_dir(&cfg.root);
        #[cfg(unix)]
        if watch::sync(cfg, &watch::socket_of(&dir))
            && let Ok(mut index) = SearchIndex::open_as_is(dir.clone(), Vec::new())
            && index.index.schema() == schema().0
        {
            index.watched = true;
            return Ok(index);
        }
        SearchIndex::open_in(cfg, dir, false, &|| {})
    }

    /// The index in `dir` without refreshing it.
    fn open_as_is(dir: PathBuf, notes: Vec<String>) -> Result<SearchIndex, SearchError> {
        let index = Index::open_in_dir(&dir)?;
        register_tokenizers(&index);
        let (_, fields) = schema();
        Ok(SearchIndex::new(index, fields, dir, notes))
    }

    /// An opened index, before any refresh.
    fn new(index: Index, fields: Fields, dir: PathBuf, notes: Vec<String>) -> SearchIndex {
        SearchIndex {
            index,
            fields,
            dir,
            notes,
            refreshed: 0,
            total: 0,
            watched: false,
            lagging: false,
        }
    }

    /// Like [`SearchIndex::open`]; `tick` is called once per document (re)indexed.
    pub fn open_with(
        cfg: &Config,
        rebuild: bool,
        tick: &(dyn Fn() + Sync),
    ) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_in(cfg, index_dir(&cfg.root), rebuild, tick)
    }

    /// Like [`SearchIndex::open_with`], with the index folder already found (finding it
    /// opens the git repository).
    fn open_in(
        cfg: &Config,
        mut dir: PathBuf,
        rebuild: bool,
        tick: &(dyn Fn() + Sync),
    ) -> Result<SearchIndex, SearchError> {
        let mut notes = Vec::new();
        if std::fs::create_dir_all(&dir).is_err() || !writable(&dir) {
            dir = temp_dir_for(&cfg.root);
            std::fs::create_dir_all(&dir)?;
            notes.push(format!(
                "note: the repository is read-only; the search index is in {}",
                dir.display()
            ));
        }
        // One process at a time builds or refreshes; the others wait (briefly), then read.
        let lock = std::fs::File::create(dir.with_extension("lock"))?;
        let mut locked = false;
        for _ in 0..100 {
            match lock.try_lock() {
                Ok(()) => {
                    locked = true;
                    break;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
            }
        }
        if !locked {
            notes.push(
                "note: another annals process is updating the search index; searching it as it is"
                    .to_string(),
            );
            let mut index = SearchIndex::open_as_is(dir, notes)?;
            index.lagging = true;
            return Ok(index);
        }
        let (schema, fields) = schema();
        let manifest_path = dir.join("annals-manifest.txt");
        let manifest = Manifest::read(&manifest_path);
        let opened = if rebuild || manifest.is_none() {
            None
        } else {
            Index::open_in_dir(&dir)
                .ok()
                .filter(|i| i.schema() == schema)
        };
        let (index, mut manifest) = if let Some(i) = opened {
            (i, manifest.unwrap_or_default())
        } else {
            if dir.join("meta.json").exists() && !rebuild {
                notes.push(
                    "note: the search index was corrupt or from another version; rebuilt it"
                        .to_string(),
                );
            }
            clear(&dir)?;
            (
                Index::create_in_dir(&dir, schema)?,
                Manifest {
                    format: FORMAT,
                    ..Manifest::default()
                },
            )
        };
        register_tokenizers(&index);
        let mut s = SearchIndex::new(index, fields, dir, notes);
        s.refresh(cfg, &mut manifest, &manifest_path, tick)?;
        Ok(s)
    }

    /// Re-indexes what changed since the manifest: only changed files are read and parsed.
    fn refresh(
        &mut self,
        cfg: &Config,
        manifest: &mut Manifest,
        path: &Path,
        tick: &(dyn Fn() + Sync),
    ) -> Result<(), SearchError> {
        let dirs_unchanged = !manifest.dirs.is_empty()
            && manifest.config == fingerprint(cfg)
            && manifest
                .dirs
                .par_iter()
                .all(|(d, st)| stamp(&cfg.root.join(d)).to_string() == *st);
        // The same files as last time (only their contents can have changed), or a walk.
        let listed: Vec<(String, usize)> = if dirs_unchanged {
            manifest
                .files
                .iter()
                .map(|(p, k, _)| (p.clone(), *k))
                .collect()
        } else {
            crate::docs::discover(cfg, None)
                .documents
                .into_iter()
                .map(|f| (f.path, f.kind))
                .collect()
        };
        let mut listed = listed;
        if !listed.is_sorted_by(|a, b| a.0 < b.0) {
            listed.sort();
        }
        let paths: Vec<&str> = listed.iter().map(|(p, _)| p.as_str()).collect();
        let stamps = stamps(&cfg.root, &paths);
        let current: Vec<(&str, usize, Stamp)> = listed
            .iter()
            .zip(stamps)
            .map(|((p, k), s)| (p.as_str(), *k, s))
            .collect();
        // Both sorted by path: one merge pass finds what changed and what is gone.
        let mut stale: Vec<crate::docs::Found> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        let (mut old, mut new) = (manifest.files.iter().peekable(), current.iter().peekable());
        loop {
            match (old.peek(), new.peek()) {
                (None, None) => break,
                (Some(o), n) if n.is_none_or(|n| o.0.as_str() < n.0) => {
                    gone.push(o.0.clone());
                    old.next();
                }
                (o, Some(n)) if o.is_none_or(|o| n.0 < o.0.as_str()) => {
                    stale.push(crate::docs::Found {
                        path: n.0.to_string(),
                        kind: n.1,
                    });
                    new.next();
                }
                (Some(o), Some(n)) => {
                    if o.2 != n.2 {
                        stale.push(crate::docs::Found {
                            path: n.0.to_string(),
                            kind: n.1,
                        });
                    }
                    old.next();
                    new.next();
                }
                _ => unreachable!("every case is covered above"),
            }
        }
        self.total = current.len();
        if stale.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let Some(mut writer) = self.writer()? else {
            self.lagging = true;
            self.notes.push("note: another annals process is updating the search index; results may lag by one change".to_string());
            return Ok(());
        };
        for p in stale
            .iter()
            .map(|f| f.path.clone())
            .chain(gone.iter().cloned())
        {
            writer.delete_term(Term::from_field_text(self.fields.path, &p));
        }
        let fields = self.fields;
        let docs: Vec<TantivyDocument> = stale
            .par_iter()
            .map(|f| {
                tick();
                crate::docs::load(cfg, f)
            })
            .filter(|d| d.unreadable.is_none())
            .map(|d| to_doc(&fields, cfg, &d))
            .collect();
        for d in docs {
            writer.add_document(d)?;
        }
        writer.commit()?;
        self.refreshed = stale.len() + gone.len();
        manifest.files = current
            .into_iter()
            .map(|(p, k, s)| (p.to_string(), k, s))
            .collect();
        manifest.config = fingerprint(cfg);
        let mut dirs: std::collections::BTreeSet<String> =
            cfg.kinds.iter().map(|k| k.dir.clone()).collect();
        for (p, _, _) in &manifest.files {
            let mut d = p.as_str();
            while let Some((parent, _)) = d.rsplit_once('/') {
                dirs.insert(parent.to_string());
                d = parent;
            }
        }
        manifest.dirs = dirs
            .into_iter()
            .map(|d| {
                let st = stamp(&cfg.root.join(&d)).to_string();
                (d, st)
            })
            .collect();
        let text = manifest
            .text()
            .ok_or_else(|| std::io::Error::other("cannot write the index manifest"))?;
        crate::fsutil::write_atomic(path, text.as_bytes())?;
        Ok(())
    }

    /// The writer, waiting up to two seconds for another process to release it.
    fn writer(&self) -> Result<Option<IndexWriter>, SearchError> {
        for attempt in 0..20 {
            match self.index.writer_with_num_threads(1, 50_000_000) {
                Ok(w) => return Ok(Some(w)),
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    std::thread::sleep(Duration::from_millis(100 + attempt * 5));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }
}

fn writable(dir: &Path) -> bool {
    tempfile::tempfile_in(dir).is_ok()
}

/// Empties the index folder (only what tantivy and annals put there).
fn clear(dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_file() {
            std::fs::remove_file(&p)?;
        } else if p.is_dir() {
            std::fs::remove_dir_all(&p)?;
        }
    }
    Ok(())
}

/// One JSON object per document with the indexed fields (`annals export`).
pub fn export_json(repo: &Corpus, d: &Document) -> serde_json::Value {
    serde_json::json!({
        "id": d.id,
        "kind": repo.kind_of(d).name,
        "path": d.path,
        "title": d.title(),
        "headings": d.md.headings.iter().map(|h| h.text.as_str()).collect::<Vec<_>>(),
        "body": &d.source[d.body_start..],
        "tags": d.list_field("tags").into_iter().map(|(t, _)| t).collect::<Vec<_>>(),
        "owner": d.str_field("owner").map(|(v, _)| v),
        "status": d.status(),
        "date": d.str_field("date").map(|(v, _)| v),
    })
}
