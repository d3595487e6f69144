//! The repository model of the commit being made (`check --staged`), built for a pre-commit
//! hook's budget: changed documents are parsed from the index; every other document is a stub
//! (its name gives its kind, number and ID) unless it links to a changed or deleted document,
//! or a parsed document links to it. Which documents link where is cached per index blob in
//! `.git/annals/refs.txt`, so a warm run reads no unchanged file at all.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::ops::Range;

use rustc_hash::FxHashSet as HashSet;

use rayon::prelude::*;

use super::change::Index;
use crate::config::Config;
use crate::docs::{Classifier, Corpus, Document, Reference, discover, files};
use crate::git::{Changes, Git, Oid};

const HEADER: &str = "annals-refs 2";

/// What the cache must be rebuilt for: the kinds' folders, ID fields and ID patterns (a bare
/// number in an ID field is cached as the ID it names).
fn fingerprint(cfg: &Config) -> String {
    let mut parts: Vec<String> = cfg
        .kinds
        .iter()
        .map(|k| {
            let id = k.id.as_ref().map_or("", |p| p.as_str());
            format!("{}:{}:{id}", k.dir, k.id_fields.join(","))
        })
        .collect();
    parts.sort();
    format!("{HEADER} {}", parts.join(" "))
}

/// The cache file's text: one line per document, `blob\tpath\treferences…` (resolved link
/// paths in lower case, ID-field values in upper case), sorted by path.
fn read_cache(file: &std::path::Path, cfg: &Config) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    match text.split_once('\n') {
        Some((header, _)) if header == fingerprint(cfg) => text,
        _ => String::new(),
    }
}

/// The cached blob of each found document and where its references lie in `text`, in
/// `found`'s order: both are sorted by path, so one merge pass over the lines, no map.
fn align(text: &str, found: &[crate::docs::Found]) -> Vec<Option<(Oid, Range<usize>)>> {
    let mut out = vec![None; found.len()];
    let bytes = text.as_bytes();
    let mut start = memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1);
    // Each line: the blob's 40 hex digits, a tab, the path, a tab, the references.
    let mut lines = memchr::memchr_iter(b'\n', bytes).skip(1).filter_map(|end| {
        let line = start..end;
        start = end + 1;
        let oid = crate::git::listing::parse_hex(bytes.get(line.start..line.start + 40)?)?;
        let rest = line.start + 41..line.end;
        if rest.is_empty() {
            return None; // a damaged line: no path
        }
        let tab = memchr::memchr(b'\t', &bytes[rest.clone()]).map_or(rest.end, |t| rest.start + t);
        Some((
            text.get(rest.start..tab)?,
            oid,
            (tab + 1).min(rest.end)..rest.end,
        ))
    });
    let mut next = lines.next();
    for (slot, f) in out.iter_mut().zip(found) {
        while let Some((path, oid, refs)) = &next {
            match (*path).cmp(f.path.as_str()) {
                Ordering::Less => next = lines.next(),
                Ordering::Equal => {
                    *slot = Some((*oid, refs.clone()));
                    next = lines.next();
                    break;
                }
                Ordering::Greater => break,
            }
        }
    }
    out
}

/// Which cached documents point at a wanted reference. Each wanted reference (a handful) is
/// searched for in the whole text with SIMD, instead of splitting ten thousand documents'
/// references: a hit counts when it is a whole reference of one document's list.
fn linking(
    text: &str,
    cached: &[Option<(Oid, Range<usize>)>],
    wanted: &HashSet<String>,
) -> Vec<bool> {
    let mut out = vec![false; cached.len()];
    let lists: Vec<(usize, &Range<usize>)> = cached
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, &c.as_ref()?.1)))
        .collect();
    let bytes = text.as_bytes();
    for w in wanted.iter().filter(|w| !w.is_empty()) {
        for pos in memchr::memmem::find_iter(bytes, w.as_bytes()) {
            let end = pos + w.len();
            let Some(&(i, refs)) = lists
                .partition_point(|(_, r)| r.start <= pos)
                .checked_sub(1)
                .map(|k| &lists[k])
            else {
                continue;
            };
            let whole = (pos == refs.start || bytes[pos - 1] == b'\t')
                && (end == refs.end || bytes.get(end) == Some(&b'\t'));
            if end <= refs.end && whole {
                out[i] = true;
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
    for r in d.references(&cfg.kinds[d.kind]) {
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

/// The index's blob of each found document, in order: both are sorted by path, so one
/// merge pass instead of a search per document.
fn index_blobs(index: &Index, found: &[crate::docs::Found]) -> Vec<Option<Oid>> {
    let listing = index.overlay.index.as_deref().unwrap_or_default();
    let mut at = 0;
    found
        .iter()
        .map(|f| {
            while at < listing.len() && listing[at].path < f.path {
                at += 1;
            }
            (at < listing.len() && listing[at].path == f.path).then(|| index.blobs[at])
        })
        .collect()
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

/// A document from its blob (`None`: the index names a blob the object database lacks).
fn parse(config: &Config, f: &crate::docs::Found, bytes: Option<Vec<u8>>) -> Document {
    let kind = &config.kinds[f.kind];
    match bytes {
        Some(b) => match crate::docs::within_limits(config, b) {
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
}

/// The model of the commit being made. See the module documentation.
pub fn load(git: &Git, config: Config, index: &Index, changes: &Changes) -> Corpus {
    let overlay = &index.overlay;
    let found = discover(&config, Some(overlay));
    let file_index = files::FileIndex::scan(&config.root, Some(overlay));
    let text = read_cache(&git.cache_dir().join("refs.txt"), &config);
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
    // What each document needs: its changed content, nothing (a stub), its blob because the
    // cache says it links into the change, or its blob to learn where it points.
    let linkers = linking(&text, &cached, &wanted);
    let blobs_found = index_blobs(index, &found.documents);
    let needs: Vec<Need> = found
        .documents
        .iter()
        .zip(&cached)
        .zip(linkers)
        .zip(&blobs_found)
        .map(|(((f, cached), linker), blob)| {
            if overlay.files.contains_key(&f.path) {
                return Need::Content;
            }
            let Some(oid) = *blob else {
                return Need::Stub;
            };
            match cached {
                Some((o, _)) if *o == oid && linker => Need::Linker(oid),
                Some((o, _)) if *o == oid => Need::Stub,
                _ => Need::Miss(oid),
            }
        })
        .collect();
    let links_in = |refs: &str| refs.split('\t').any(|r| wanted.contains(r));
    let oids: Vec<Oid> = needs
        .iter()
        .filter_map(|n| match n {
            Need::Linker(oid) | Need::Miss(oid) => Some(*oid),
            _ => None,
        })
        .collect();
    let mut blobs = git.read_blobs(&oids).into_iter();
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
                Need::Content => (parse(&config, f, overlay.files[&f.path].clone()), None),
                Need::Stub => (Document::stub(f.path.clone(), f.kind, kind), None),
                Need::Linker(_) => (parse(&config, f, blob), None),
                Need::Miss(_) => {
                    let d = parse(&config, f, blob);
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
            let oid = blobs_found[i]?;
            match (&results[i].1, &cached[i]) {
                (Some(refs), _) => Some((f.path.clone(), oid, refs.clone())),
                (None, Some((o, refs))) if *o == oid => {
                    Some((f.path.clone(), oid, text[refs.clone()].to_string()))
                }
                _ => None,
            }
        });
        save_cache(git, &config, entries);
    }
    let docs: Vec<Document> = results.into_iter().map(|(d, _)| d).collect();
    // IDs come from file names, so a stub's are final: the model's ID map can resolve what
    // the parsed documents point at, which must be parsed too (headings, supersede pairs).
    let mut model = Corpus::from_docs(config, docs, found.skipped, Some(file_index));
    let mut targets: HashSet<usize> = HashSet::default();
    for d in model.docs.iter().filter(|d| !d.stub) {
        for r in d.references(&model.config.kinds[d.kind]) {
            let path = match r {
                Reference::Link(path) => Some(path),
                Reference::Field { value, path } => {
                    model.referenced(d, &value).map(|t| t.path.clone()).or(path)
                }
            };
            if let Some(&i) = path.and_then(|p| model.by_path.get(&p)) {
                targets.insert(i);
            }
        }
    }
    for i in targets {
        let f = &found.documents[i];
        if model.docs[i].stub
            && let Some(oid) = blobs_found[i]
        {
            model.docs[i] = parse(&model.config, f, git.read_blobs(&[oid]).pop().flatten());
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_cache_finds_whole_references_only() {
        let blob = "0123456789abcdef0123456789abcdef01234567";
        let text = format!(
            "{HEADER} x\n\
             {blob}\ta.md\tdecisions/0001-x.md\tADR-0001\n\
             {blob}\tb.md\tdecisions/0001-x.md.bak\tADR-00011\n\
             {blob}\tc.md\tother/decisions/0001-x.md\n\
             {blob}\td.md\t\n\
             {blob}\tdecisions/0001-x.md\tADR-0002\n\
             {blob}\te.md\tADR-0002\tADR-0001\n\
             {blob}\n\
             {blob}\t\n"
        );
        let found: Vec<crate::docs::Found> = [
            "a.md",
            "b.md",
            "c.md",
            "d.md",
            "decisions/0001-x.md",
            "e.md",
            "f.md",
        ]
        .iter()
        .map(|p| crate::docs::Found {
            path: (*p).to_string(),
            kind: 0,
        })
        .collect();
        let mut sorted = found.clone();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let cached = align(&text, &sorted);
        let refs: Vec<Option<&str>> = cached
            .iter()
            .map(|c| c.as_ref().map(|(_, r)| &text[r.clone()]))
            .collect();
        assert_eq!(
            refs,
            [
                Some("decisions/0001-x.md\tADR-0001"),
                Some("decisions/0001-x.md.bak\tADR-00011"),
                Some("other/decisions/0001-x.md"),
                Some(""),
                Some("ADR-0002"),
                Some("ADR-0002\tADR-0001"),
                None, // not in the cache
            ]
        );
        let wanted: HashSet<String> = ["decisions/0001-x.md".to_string(), "ADR-0001".to_string()]
            .into_iter()
            .collect();
        let linking: Vec<&str> = linking(&text, &cached, &wanted)
            .iter()
            .zip(&sorted)
            .filter(|(l, _)| **l)
            .map(|(_, f)| f.path.as_str())
            .collect();
        // The path column of a line is not a reference, nor are longer names that contain one.
        assert_eq!(linking, ["a.md", "e.md"]);
    }
}
