//! The scanner against the reference (the scanner before issue 16) on generated histories:
//! documents added, edited, renamed (identical, edited a little, rewritten), deleted and
//! added again, moved between kinds and into subfolders, identical copies renamed together,
//! mode changes, assets beside them and elsewhere, branches and merges; fixed signatures and
//! times. Every fact of every document must be the same, and extending a scan must give what
//! a full scan gives.

use std::collections::{BTreeMap, HashMap, HashSet};

use git2::{Index, IndexEntry, IndexTime, Oid, Repository, Signature, Time};

use super::{Facts, History, fold, reference, scan};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

type Files = BTreeMap<String, (Vec<u8>, u32)>;

/// What the generator writes as documents: lower-case `.md` only.
fn is_md(p: &str) -> bool {
    p.rsplit('/')
        .next()
        .is_some_and(|n| n.len() > 3 && n.as_bytes().ends_with(b".md"))
}

const STATUSES: [&str; 5] = ["proposed", "accepted", "draft", "open", "superseded"];
const PEOPLE: [&str; 4] = ["alice", "Bruno", "chloe", "DEVIKA"];

struct Gen {
    rng: Rng,
    prefix: String,
    serial: usize,
    deleted: Vec<String>,
}

impl Gen {
    fn folder(&mut self) -> String {
        let dirs = [
            "decisions",
            "decisions/archive",
            "meetings",
            "docs/briefs",
            "docs/briefs/2026/q1",
        ];
        format!("{}{}", self.prefix, dirs[self.rng.below(dirs.len())])
    }

    fn doc_text(&mut self, title: &str) -> Vec<u8> {
        let mut s = String::new();
        match self.rng.below(10) {
            0 => {}
            1 => s.push_str("---\ntitle: no status\n---\n"),
            _ => {
                let st = STATUSES[self.rng.below(STATUSES.len())];
                s.push_str(&format!(
                    "---\ntitle: {title}\nstatus: {st}\nowner: alice\n---\n"
                ));
            }
        }
        s.push_str(&format!("\n# {title}\n\n"));
        for i in 0..(8 + self.rng.below(8)) {
            s.push_str(&format!(
                "Line {i} of {title}: the team agreed on item {}.\n",
                self.rng.below(1000)
            ));
        }
        s.into_bytes()
    }

    fn asset(&mut self) -> Vec<u8> {
        // Nothing like a document, so that no rename pairs one with a document.
        (0..(200 + self.rng.below(200)))
            .map(|_| (self.rng.next() & 0xff) as u8)
            .collect()
    }

    fn docs(files: &Files) -> Vec<String> {
        files
            .keys()
            .filter(|p| is_md(p) && !p.contains("notes/"))
            .cloned()
            .collect()
    }

    fn pick(&mut self, v: &[String]) -> Option<String> {
        (!v.is_empty()).then(|| v[self.rng.below(v.len())].clone())
    }

    /// One to three changes to a branch's files.
    fn change(&mut self, files: &mut Files) {
        for _ in 0..=self.rng.below(3) {
            self.serial += 1;
            let n = self.serial;
            let docs = Self::docs(files);
            match self.rng.below(16) {
                0..=2 => {
                    let p = format!("{}/{n:04}-doc-{n}.md", self.folder());
                    let t = self.doc_text(&format!("Doc {n}"));
                    files.insert(p, (t, 0o100_644));
                }
                3..=5 => {
                    // An edit: the status, a line, or both.
                    if let Some(p) = self.pick(&docs) {
                        let (text, mode) = files[&p].clone();
                        let mut s = String::from_utf8(text).unwrap();
                        if self.rng.chance(50) {
                            let st = STATUSES[self.rng.below(STATUSES.len())];
                            if let Some(at) = s.find("status: ") {
                                let end = at + s[at..].find('\n').unwrap();
                                s.replace_range(at..end, &format!("status: {st}"));
                            }
                        }
                        if self.rng.chance(60) {
                            s.push_str(&format!("Edit {n}.\n"));
                        }
                        files.insert(p, (s.into_bytes(), mode));
                    }
                }
                6 | 7 => {
                    // A rename: identical, edited a little, or rewritten (no rename then).
                    if let Some(p) = self.pick(&docs) {
                        let (mut text, mode) = files.remove(&p).unwrap();
                        match self.rng.below(3) {
                            0 => {}
                            1 => text.extend_from_slice(format!("Renamed {n}.\n").as_bytes()),
                            _ => text = self.doc_text(&format!("Rewritten {n}")),
                        }
                        let to = if self.rng.chance(50) {
                            format!("{}/{n:04}-moved.md", self.folder())
                        } else {
                            format!("{}-renamed-{n}.md", p.trim_end_matches(".md"))
                        };
                        files.insert(to, (text, mode));
                    }
                }
                8 => {
                    if let Some(p) = self.pick(&docs) {
                        files.remove(&p);
                        self.deleted.push(p);
                    }
                }
                9 => {
                    // A deleted path comes back.
                    if let Some(p) = self.pick(&self.deleted.clone())
                        && !files.contains_key(&p)
                    {
                        let t = self.doc_text(&format!("Back {n}"));
                        files.insert(p, (t, 0o100_644));
                    }
                }
                10 => {
                    // Identical copies, then (later) both renamed in one commit.
                    if let Some(p) = self.pick(&docs) {
                        let v = files[&p].clone();
                        files.insert(format!("{}/{n:04}-copy.md", self.folder()), v);
                    }
                }
                11 => {
                    // Two documents renamed in one commit (ambiguous when identical).
                    for _ in 0..2 {
                        if let Some(p) = self.pick(&Self::docs(files)) {
                            let v = files.remove(&p).unwrap();
                            self.serial += 1;
                            let to = format!("{}/{:04}-pair.md", self.folder(), self.serial);
                            files.insert(to, v);
                        }
                    }
                }
                12 => {
                    if let Some(p) = self.pick(&docs) {
                        let e = files.get_mut(&p).unwrap();
                        e.1 = if e.1 == 0o100_644 {
                            0o100_755
                        } else {
                            0o100_644
                        };
                    }
                }
                13 => {
                    // An asset beside the documents, or elsewhere.
                    let p = if self.rng.chance(50) {
                        format!("{}/img-{n}.png", self.folder())
                    } else {
                        format!("src/file-{n}.rs")
                    };
                    let a = self.asset();
                    files.insert(p, (a, 0o100_644));
                }
                14 => {
                    // An asset renamed, deleted or changed (with a document added or not).
                    let assets: Vec<String> = files.keys().filter(|p| !is_md(p)).cloned().collect();
                    if let Some(p) = self.pick(&assets) {
                        let v = files.remove(&p).unwrap();
                        match self.rng.below(3) {
                            0 => {
                                files.insert(format!("{p}.moved"), v);
                            }
                            1 => {}
                            _ => {
                                let a = self.asset();
                                files.insert(p, (a, v.1));
                            }
                        }
                    }
                }
                _ => {
                    // A markdown file outside every kind's folder.
                    let t = self.doc_text(&format!("Outside {n}"));
                    files.insert(format!("{}notes/n-{n}.md", self.prefix), (t, 0o100_644));
                }
            }
        }
    }
}

fn write_tree(repo: &Repository, files: &Files, blobs: &mut HashMap<Vec<u8>, Oid>) -> Oid {
    let mut index = Index::new().unwrap();
    for (p, (bytes, mode)) in files {
        let id = *blobs
            .entry(bytes.clone())
            .or_insert_with(|| repo.blob(bytes).unwrap());
        let t = IndexTime::new(0, 0);
        index
            .add(&IndexEntry {
                ctime: t,
                mtime: t,
                dev: 0,
                ino: 0,
                mode: *mode,
                uid: 0,
                gid: 0,
                file_size: bytes.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: p.as_bytes().to_vec(),
            })
            .unwrap();
    }
    index.write_tree_to(repo).unwrap()
}

/// Builds a history of about `commits` commits with branches and merges; returns HEAD.
fn build(repo: &Repository, seed: u64, commits: usize, prefix: &str) -> Oid {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
        prefix: prefix.to_string(),
        serial: 0,
        deleted: Vec::new(),
    };
    let mut time = 1_700_000_000i64;
    let mut blobs = HashMap::new();
    let mut commit = |files: &Files, parents: &[Oid], time: i64, who: &str| -> Oid {
        let tree = repo.find_tree(write_tree(repo, files, &mut blobs)).unwrap();
        let sig = Signature::new(who, &format!("{who}@acme.example"), &Time::new(time, 0)).unwrap();
        let ps: Vec<git2::Commit<'_>> = parents
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let refs: Vec<&git2::Commit<'_>> = ps.iter().collect();
        repo.commit(None, &sig, &sig, "c", &tree, &refs).unwrap()
    };
    let mut main_files = Files::new();
    main_files.insert("README.txt".into(), (b"readme\n".to_vec(), 0o100_644));
    let mut main = commit(&main_files, &[], time, "alice");
    // A side branch: its files, its tip, and the files where it forked.
    let mut side: Option<(Files, Oid, Files)> = None;
    for i in 0..commits {
        time += 3600;
        let who = PEOPLE[g.rng.below(PEOPLE.len())];
        match (&mut side, g.rng.below(10)) {
            (None, 0) => side = Some((main_files.clone(), main, main_files.clone())),
            (Some(_), 0 | 1) if i % 3 == 0 => {
                // Merge: the branch's changes since the fork win over main's.
                let (files, tip, fork) = side.take().unwrap();
                for (p, v) in &files {
                    if fork.get(p) != Some(v) {
                        main_files.insert(p.clone(), v.clone());
                    }
                }
                for p in fork.keys() {
                    if !files.contains_key(p) {
                        main_files.remove(p);
                    }
                }
                main = commit(&main_files, &[main, tip], time, who);
            }
            (Some((files, tip, _)), 1..=4) => {
                g.change(files);
                *tip = commit(files, &[*tip], time, who);
            }
            _ => {
                g.change(&mut main_files);
                main = commit(&main_files, &[main], time, who);
            }
        }
    }
    repo.reference("refs/heads/main", main, true, "test")
        .unwrap();
    repo.set_head("refs/heads/main").unwrap();
    main
}

fn scope(prefix: &str) -> Vec<String> {
    let mut s: Vec<String> = ["decisions", "meetings", "docs/briefs"]
        .iter()
        .map(|d| format!("{prefix}{d}"))
        .collect();
    s.sort();
    s
}

/// Scans into `h`; returns how many renames and deletions of documents it saw.
fn new_scan(
    repo: &Repository,
    prefix: &str,
    from: Option<Oid>,
    head: Oid,
    h: &mut History,
) -> (usize, usize) {
    let commits = scan::scan(
        repo,
        prefix,
        from,
        head,
        &h.scope,
        &HashSet::default(),
        crate::docs::status_in,
    )
    .unwrap();
    h.scanned += commits.len();
    let (mut renames, mut deletions) = (0, 0);
    for c in commits {
        for ch in &c.changes {
            match ch {
                scan::Change::Modified { old, new, .. } if old != new => renames += 1,
                scan::Change::Deleted { .. } => deletions += 1,
                _ => {}
            }
        }
        fold(h, c);
    }
    (renames, deletions)
}

fn documents(facts: BTreeMap<String, Facts>) -> BTreeMap<String, Facts> {
    facts.into_iter().filter(|(p, _)| is_md(p)).collect()
}

fn compare(seed: u64, commits: usize, prefix: &str) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let head = build(&repo, seed, commits, prefix);
    let local = prefix.to_string();
    let scope = scope(prefix);
    let expected = documents(reference::scan(&repo, &local, head, &scope).unwrap());
    let mut h = History {
        scope: scope.clone(),
        ..History::default()
    };
    let (renames, deletions) = new_scan(&repo, &local, None, head, &mut h);
    assert!(
        renames > 3 && deletions > 3,
        "seed {seed}: {renames} renames, {deletions} deletions"
    );
    assert!(h.unreadable.is_empty(), "{:?}", h.unreadable);
    assert!(expected.len() > 10, "seed {seed}: too few documents");
    let got = h.facts.clone();
    for (p, f) in &expected {
        assert_eq!(got.get(p), Some(f), "seed {seed}: {p}");
    }
    assert_eq!(got, expected, "seed {seed}");
    // A scan extended in steps gives the full scan's facts.
    let mut walk = repo.revwalk().unwrap();
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .unwrap();
    walk.push(head).unwrap();
    let all: Vec<Oid> = walk.map(Result::unwrap).collect();
    let mid = all[all.len() / 2];
    let mut stepped = History {
        scope,
        ..History::default()
    };
    new_scan(&repo, &local, None, mid, &mut stepped);
    new_scan(&repo, &local, Some(mid), head, &mut stepped);
    assert_eq!(stepped.facts, h.facts, "seed {seed}: extended");
}

#[test]
fn same_facts_as_the_reference_scanner() {
    for seed in 1..=6 {
        compare(seed, 160, "");
    }
}

#[test]
fn same_facts_with_the_root_in_a_subfolder() {
    for seed in 11..=13 {
        compare(seed, 120, "handbook/");
    }
}

#[test]
fn same_facts_on_a_longer_history() {
    compare(21, 400, "");
}
