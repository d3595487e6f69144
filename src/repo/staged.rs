//! The repository model of the commit being made (`check --staged`), built for a pre-commit
//! hook's budget: changed documents are parsed from the index; every other document is a stub
//! (its name gives its kind, number and ID) unless it links to a changed or deleted document,
//! or a parsed document links to it. Which documents link where is cached per index blob in
//! `.git/annals/refs.txt`, so a warm run reads no unchanged file at all.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use git2::Oid;
use rayon::prelude::*;

use super::{Changes, Git};
use crate::config::Config;
use crate::docs::{Classifier, Document, Overlay, Reference, Repository, discover, files};

const HEADER: &str = "annals-refs 1";

/// What each document (by path and blob) points at: resolved link paths in lower case and
/// ID-field values in upper case.
#[derive(Default)]
struct RefCache {
    /// Path -> (blob, references joined by tabs).
    entries: HashMap<String, (Oid, Box<str>)>,
    dirty: bool,
}

/// What the cache must be rebuilt for: the kinds' folders and ID fields.
fn fingerprint(cfg: &Config) -> String {
    let mut parts: Vec<String> = cfg
        .kinds
        .iter()
        .map(|k| format!("{}:{}", k.dir, k.id_fields.join(",")))
        .collect();
    parts.sort();
    format!("{HEADER} {}", parts.join(" "))
}

impl RefCache {
    fn load(git: &Git, cfg: &Config) -> RefCache {
        let mut cache = RefCache::default();
        let Ok(text) = std::fs::read_to_string(git.cache_dir().join("refs.txt")) else {
            return cache;
        };
        let mut lines = text.lines();
        if lines.next() != Some(fingerprint(cfg).as_str()) {
            return cache;
        }
        for line in lines {
            let mut fields = line.splitn(3, '\t');
            let (Some(hex), Some(path)) = (fields.next(), fields.next()) else {
                continue;
            };
            if let Ok(oid) = Oid::from_str(hex) {
                let refs = line.get(hex.len() + path.len() + 2..).unwrap_or("").into();
                cache.entries.insert(path.to_string(), (oid, refs));
            }
        }
        cache
    }

    fn get(&self, path: &str, oid: Oid) -> Option<&str> {
        self.entries
            .get(path)
            .filter(|(o, _)| *o == oid)
            .map(|(_, r)| &**r)
    }

    /// Best-effort, like the history cache: a read-only repository still works.
    fn save(&self, git: &Git, cfg: &Config) {
        if !self.dirty {
            return;
        }
        let mut out = fingerprint(cfg);
        out.push('\n');
        let mut paths: Vec<&String> = self.entries.keys().collect();
        paths.sort();
        for p in paths {
            let (oid, refs) = &self.entries[p];
            out.push_str(&format!("{oid}\t{p}\t{refs}\n"));
        }
        let _ = std::fs::create_dir_all(git.cache_dir());
        let _ = crate::fsutil::write_cache(&git.cache_dir().join("refs.txt"), out.as_bytes());
    }
}

/// Where a parsed document points, joined by tabs: what the cache keeps of it.
fn refs_of(cfg: &Config, d: &Document) -> String {
    let mut out = BTreeSet::new();
    for r in d.references(&cfg.kinds[d.kind].id_fields) {
        match r {
            Reference::Link(path) => {
                out.insert(path.to_lowercase());
            }
            Reference::Field { value, path } => {
                out.insert(value.trim().to_uppercase());
                out.extend(path.map(|p| p.to_lowercase()));
            }
        }
    }
    // A reference that cannot be written on one line is not cached: such a document is
    // read every time instead.
    out.into_iter()
        .filter(|r| !r.is_empty() && !r.contains(['\t', '\n', '\r']))
        .collect::<Vec<_>>()
        .join("\t")
}

/// The model of the commit being made. See the module documentation.
pub fn load(git: &Git, config: Config, overlay: &Overlay, changes: &Changes) -> Repository {
    let found = discover(&config, Some(overlay));
    let file_index = files::FileIndex::scan(&config.root, Some(overlay));
    let mut cache = RefCache::load(git, &config);
    let classifier = Classifier::new(&config);
    // What a linker points at: a changed or deleted path, or such a document's ID.
    let mut wanted: HashSet<String> = HashSet::default();
    for path in changes.changed.iter().chain(&changes.deleted) {
        wanted.insert(path.to_lowercase());
        if let Some(id) = classifier.id(path) {
            wanted.insert(id.to_uppercase());
        }
    }
    let git_dir = git.repo.path().to_path_buf();
    // Each thread opens the repository when it first needs a blob (a warm run needs few).
    let read_blob = |repo: &mut Option<git2::Repository>, oid: Oid| -> Option<Vec<u8>> {
        if repo.is_none() {
            *repo = git2::Repository::open(&git_dir).ok();
        }
        repo.as_ref()?
            .find_blob(oid)
            .ok()
            .map(|b| b.content().to_vec())
    };
    let parse = |f: &crate::docs::Found, bytes: Option<Vec<u8>>| {
        let kind = &config.kinds[f.kind];
        match bytes {
            Some(b) => match crate::docs::within_limits(&config, b) {
                Ok(b) => Document::from_vec(f.path.clone(), f.kind, kind, b),
                Err(why) => Document::unreadable(f.path.clone(), f.kind, kind, why),
            },
            None => Document::unreadable(
                f.path.clone(),
                f.kind,
                kind,
                crate::docs::Unreadable::Io("not in the index".into()),
            ),
        }
    };
    // Changed documents, linkers known from the cache, and cache misses (parsed to learn
    // where they point): one parallel pass, each thread with its own repository handle.
    let links_in = |refs: &str| refs.split('\t').any(|r| wanted.contains(r));
    let results: Vec<(Document, Option<String>)> = found
        .documents
        .par_iter()
        .map_init(
            || None,
            |repo, f| {
                let kind = &config.kinds[f.kind];
                if let Some(content) = overlay.files.get(&f.path) {
                    return (parse(f, content.clone()), None);
                }
                let Some(&oid) = overlay.blobs.get(&f.path) else {
                    return (Document::stub(f.path.clone(), f.kind, kind), None);
                };
                match cache.get(&f.path, oid) {
                    Some(refs) if !links_in(refs) => {
                        (Document::stub(f.path.clone(), f.kind, kind), None)
                    }
                    Some(_) => (parse(f, read_blob(repo, oid)), None),
                    None => {
                        let d = parse(f, read_blob(repo, oid));
                        let refs = refs_of(&config, &d);
                        if links_in(&refs) {
                            (d, Some(refs))
                        } else {
                            (Document::stub(f.path.clone(), f.kind, kind), Some(refs))
                        }
                    }
                }
            },
        )
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (f, (d, learned)) in found.documents.iter().zip(results) {
        if let (Some(refs), Some(&oid)) = (learned, overlay.blobs.get(&f.path)) {
            cache.entries.insert(f.path.clone(), (oid, refs.into()));
            cache.dirty = true;
        }
        docs.push(d);
    }
    // Entries of files no longer in the index go when the cache is next written.
    if cache.dirty {
        let present: HashSet<&str> = found.documents.iter().map(|f| f.path.as_str()).collect();
        cache.entries.retain(|p, _| present.contains(p.as_str()));
        cache.save(git, &config);
    }
    // What the parsed documents point at must be parsed too (headings, supersede pairs).
    let ids: HashMap<&str, &str> = docs
        .iter()
        .filter_map(|d| Some((d.id.as_deref()?, d.path.as_str())))
        .collect();
    let mut targets = HashSet::default();
    for d in docs.iter().filter(|d| !d.stub) {
        for r in d.references(&config.kinds[d.kind].id_fields) {
            match r {
                Reference::Link(path) => {
                    targets.insert(path);
                }
                Reference::Field { value, path } => {
                    match ids.get(value.to_ascii_uppercase().as_str()) {
                        Some(p) => targets.insert((*p).to_string()),
                        None => path.is_some_and(|p| targets.insert(p)),
                    };
                }
            }
        }
    }
    let mut repo = None;
    for (i, f) in found.documents.iter().enumerate() {
        if docs[i].stub
            && targets.contains(&f.path)
            && let Some(&oid) = overlay.blobs.get(&f.path)
        {
            docs[i] = parse(f, read_blob(&mut repo, oid));
        }
    }
    let mut model = Repository::from_docs(config, docs, found.skipped);
    model.files = file_index;
    model
}
