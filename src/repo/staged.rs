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

/// The cache file's text: one line per document, `blob\tpath\treferences…` (resolved link
/// paths in lower case, ID-field values in upper case), sorted by path.
fn read_cache(git: &Git, cfg: &Config) -> String {
    let text = std::fs::read_to_string(git.cache_dir().join("refs.txt")).unwrap_or_default();
    match text.split_once('\n') {
        Some((header, _)) if header == fingerprint(cfg) => text,
        _ => String::new(),
    }
}

/// The cached `(blob, references)` of each found document, in `found`'s order: both are
/// sorted by path, so one merge pass over borrowed lines, no map.
fn align<'t>(text: &'t str, found: &[crate::docs::Found]) -> Vec<Option<(Oid, &'t str)>> {
    let mut out = vec![None; found.len()];
    let mut lines = crate::fsutil::lines(text).skip(1).filter_map(|line| {
        let (hex, rest) = line.split_once('\t')?;
        let (path, refs) = rest.split_once('\t').unwrap_or((rest, ""));
        Some((path, super::listing::parse_hex(hex.as_bytes())?, refs))
    });
    let mut next = lines.next();
    for (slot, f) in out.iter_mut().zip(found) {
        while let Some((path, oid, refs)) = next {
            match path.cmp(f.path.as_str()) {
                std::cmp::Ordering::Less => next = lines.next(),
                std::cmp::Ordering::Equal => {
                    *slot = Some((oid, refs));
                    next = lines.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
    }
    out
}

/// Best-effort, like the history cache: a read-only repository still works. Documents no
/// longer in the index drop out.
fn save_cache(git: &Git, cfg: &Config, entries: impl Iterator<Item = (String, Oid, String)>) {
    let mut out = fingerprint(cfg);
    out.push('\n');
    for (path, oid, refs) in entries {
        out.push_str(&format!("{oid}\t{path}\t{refs}\n"));
    }
    let _ = std::fs::create_dir_all(git.cache_dir());
    let _ = crate::fsutil::write_cache(&git.cache_dir().join("refs.txt"), out.as_bytes());
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

/// What [`load`] does with one document.
#[derive(Clone, Copy)]
enum Need {
    /// Parse the changed content the overlay holds.
    Content,
    Stub,
    /// Parse the blob: the reference cache says it links into the change.
    Linker(Oid),
    /// Parse the blob to learn where it points (not in the reference cache).
    Miss(Oid),
}

/// The blobs' contents, in order. A warm run reads a few, on this thread; a cold one reads
/// thousands, in parallel chunks, each with its own repository handle (opening one costs
/// more than reading a blob, and a handle cannot be shared between threads).
fn read_blobs(git: &Git, oids: &[Oid]) -> Vec<Option<Vec<u8>>> {
    let read = |repo: &git2::Repository, oid: &Oid| {
        repo.find_blob(*oid).ok().map(|b| b.content().to_vec())
    };
    if oids.len() < 64 {
        return oids.iter().map(|oid| read(&git.repo, oid)).collect();
    }
    let chunk = oids.len().div_ceil(rayon::current_num_threads() * 4);
    let git_dir = git.repo.path();
    oids.par_chunks(chunk)
        .map(|part| match git2::Repository::open(git_dir) {
            Ok(repo) => part.iter().map(|oid| read(&repo, oid)).collect(),
            Err(_) => vec![None; part.len()],
        })
        .collect::<Vec<Vec<_>>>()
        .concat()
}

/// The model of the commit being made. See the module documentation.
pub fn load(git: &Git, config: Config, overlay: &Overlay, changes: &Changes) -> Repository {
    let found = discover(&config, Some(overlay));
    let file_index = files::FileIndex::scan(&config.root, Some(overlay));
    let text = read_cache(git, &config);
    let cached = align(&text, &found.documents);
    let classifier = Classifier::new(&config);
    // What a linker points at: a changed or deleted path, or such a document's ID.
    let mut wanted: HashSet<String> = HashSet::default();
    for path in changes.changed.iter().chain(&changes.deleted) {
        wanted.insert(path.to_lowercase());
        if let Some(id) = classifier.id(path) {
            wanted.insert(id.to_uppercase());
        }
    }
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
    // What each document needs: its changed content, nothing (a stub), its blob because the
    // cache says it links into the change, or its blob to learn where it points.
    let links_in = |refs: &str| refs.split('\t').any(|r| wanted.contains(r));
    let needs: Vec<Need> = found
        .documents
        .par_iter()
        .zip(&cached)
        .map(|(f, cached)| {
            if overlay.files.contains_key(&f.path) {
                return Need::Content;
            }
            let Some(oid) = overlay.blob(&f.path) else {
                return Need::Stub;
            };
            match cached.filter(|(o, _)| *o == oid).map(|(_, refs)| refs) {
                Some(refs) if !links_in(refs) => Need::Stub,
                Some(_) => Need::Linker(oid),
                None => Need::Miss(oid),
            }
        })
        .collect();
    let oids: Vec<Oid> = needs
        .iter()
        .filter_map(|n| match n {
            Need::Linker(oid) | Need::Miss(oid) => Some(*oid),
            _ => None,
        })
        .collect();
    let mut blobs = read_blobs(git, &oids).into_iter();
    let work: Vec<(&crate::docs::Found, Need, Option<Vec<u8>>)> = found
        .documents
        .iter()
        .zip(needs)
        .map(|(f, need)| match need {
            Need::Linker(_) | Need::Miss(_) => (f, need, blobs.next().flatten()),
            _ => (f, need, None),
        })
        .collect();
    let results: Vec<(Document, Option<String>)> = work
        .into_par_iter()
        .map(|(f, need, blob)| {
            let kind = &config.kinds[f.kind];
            match need {
                Need::Content => (parse(f, overlay.files[&f.path].clone()), None),
                Need::Stub => (Document::stub(f.path.clone(), f.kind, kind), None),
                Need::Linker(_) => (parse(f, blob), None),
                Need::Miss(_) => {
                    let d = parse(f, blob);
                    let refs = refs_of(&config, &d);
                    if links_in(&refs) {
                        (d, Some(refs))
                    } else {
                        (Document::stub(f.path.clone(), f.kind, kind), Some(refs))
                    }
                }
            }
        })
        .collect();
    if results.iter().any(|(_, learned)| learned.is_some()) {
        let entries = found.documents.iter().enumerate().filter_map(|(i, f)| {
            let oid = overlay.blob(&f.path)?;
            match (&results[i].1, cached[i]) {
                (Some(refs), _) => Some((f.path.clone(), oid, refs.clone())),
                (None, Some((o, refs))) if o == oid => {
                    Some((f.path.clone(), oid, refs.to_string()))
                }
                _ => None,
            }
        });
        save_cache(git, &config, entries);
    }
    let mut docs: Vec<Document> = results.into_iter().map(|(d, _)| d).collect();
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
    for (i, f) in found.documents.iter().enumerate() {
        if docs[i].stub
            && targets.contains(&f.path)
            && let Some(oid) = overlay.blob(&f.path)
        {
            docs[i] = parse(f, read_blobs(git, &[oid]).pop().flatten());
        }
    }
    Repository::from_docs(config, docs, found.skipped, Some(file_index))
}
