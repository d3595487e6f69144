//! `annals init` in a repository that already holds documents: detect the format (MADR,
//! adr-tools, log4brains, numbered files, dated notes) and write the configuration that makes
//! today's zero-config reading explicit: kinds with their folders and patterns, the statuses
//! and tags in use, people from owners, people fields and git authors.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::config::{Config, Kind};
use crate::docs::Corpus;

/// What `init` found and the configuration it would write.
pub struct Adoption {
    /// The formats recognised, for the first line of the file and the note.
    pub formats: Vec<String>,
    pub text: String,
    pub documents: usize,
}

/// A kind found beyond the zero-config ones: a folder of numbered, prefixed or dated files.
struct Extra {
    name: String,
    dir: String,
    filename: String,
    id: Option<String>,
}

/// `None` when the folder holds no documents to adopt (a new repository).
pub fn detect(root: &Path) -> Option<Adoption> {
    let zero = Config::zero_config(root);
    let adopted = crate::config::Adopted::find(&zero.fs);
    let mut cfg = zero.clone();
    let extras = extra_kinds(root, &zero);
    for e in &extras {
        let mut k = cfg.kinds[0].clone();
        k.name.clone_from(&e.name);
        k.dir.clone_from(&e.dir);
        k.filename = crate::pattern::NamePattern::parse(&e.filename).ok()?;
        k.id =
            e.id.as_deref()
                .and_then(|i| crate::pattern::NamePattern::parse(i).ok());
        k.statuses.clear();
        k.open.clear();
        k.transitions.clear();
        k.people_fields.clear();
        cfg.kinds.push(k);
    }
    let repo = Corpus::load(cfg, &|| {});
    if repo.docs.is_empty() {
        return None;
    }
    let mut formats = BTreeSet::new();
    if adopted.log4brains {
        formats.insert("log4brains".to_string());
    } else if zero.fs.path().join(".adr-dir").exists() {
        formats.insert("adr-tools".to_string());
    }
    for d in &repo.docs {
        let k = &repo.config.kinds[d.kind];
        if k.builtin == Some(crate::config::Builtin::Decision) && !adopted.log4brains {
            let fm = !matches!(d.front_matter, crate::docs::FrontMatter::Absent);
            let f = if fm && d.data.get("decision-makers").is_some() {
                "MADR 4"
            } else if fm && d.data.get("deciders").is_some() {
                "MADR 3"
            } else if fm {
                "MADR 3/4"
            } else if d.md.find_section("Status").is_some() {
                "adr-tools"
            } else {
                "MADR 2"
            };
            if !(f == "adr-tools" && formats.contains("adr-tools")) {
                formats.insert(f.to_string());
            }
        }
    }
    for e in &extras {
        formats.insert(if e.filename.starts_with("{date}") {
            format!("dated notes ({})", e.dir)
        } else {
            format!("numbered files ({})", e.dir)
        });
    }
    let text = render(&repo, root, &formats);
    Some(Adoption {
        formats: formats.into_iter().collect(),
        text,
        documents: repo.docs.len(),
    })
}

/// Folders (outside the zero-config kinds') whose markdown files are mostly numbered
/// (`0001-x.md`), prefixed (`eip-1.md`) or dated (`2026-03-04-x.md`).
fn extra_kinds(root: &Path, zero: &Config) -> Vec<Extra> {
    let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(root)
        .max_depth(Some(4))
        .hidden(true)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|e| {
            let n = e.file_name();
            n != "node_modules" && n != "target" && n != "vendor"
        })
        .build();
    for e in walker.flatten() {
        let Ok(rel) = e.path().strip_prefix(root) else {
            continue;
        };
        let Some(rel) = rel.to_str() else { continue };
        let rel = rel.replace('\\', "/");
        if !e.file_type().is_some_and(|t| t.is_file()) || !rel.to_ascii_lowercase().ends_with(".md")
        {
            continue;
        }
        if zero
            .kinds
            .iter()
            .any(|k| rel.starts_with(&format!("{}/", k.dir)) && root.join(&k.dir).is_dir())
        {
            continue;
        }
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", &rel));
        if dir.is_empty() {
            continue;
        }
        by_dir
            .entry(dir.to_string())
            .or_default()
            .push(name.to_string());
    }
    let numbered = regex::Regex::new(r"^([0-9]+)-[A-Za-z0-9._-]+\.md$").expect("static regex");
    let prefixed = regex::Regex::new(r"^([a-z]+)-([0-9]+)\.md$").expect("static regex");
    let dated = regex::Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[A-Za-z0-9._-]+\.md$")
        .expect("static regex");
    let mut taken: BTreeSet<String> = zero.kinds.iter().map(|k| k.name.clone()).collect();
    let mut out = Vec::new();
    for (dir, names) in by_dir {
        if names.len() < 2 {
            continue;
        }
        let most = |n: usize| n * 3 >= names.len() * 2;
        // `rfcs/text/0001-x.md`: a generic folder takes its parent's name (or the
        // repository's).
        let mut parts: Vec<&str> = dir.split('/').collect();
        let repo_name = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let mut last = parts.pop().unwrap_or(&dir).to_string();
        while GENERIC.contains(&last.as_str()) {
            last = parts
                .pop()
                .map_or_else(|| repo_name.clone(), str::to_string);
            if parts.is_empty() && GENERIC.contains(&last.as_str()) {
                break;
            }
        }
        let mut kind_name = singular(&last);
        if taken.contains(&kind_name) {
            kind_name = format!("{kind_name}-doc");
        }
        let n_dated = names.iter().filter(|n| dated.is_match(n)).count();
        let widths: Vec<usize> = names
            .iter()
            .filter_map(|n| numbered.captures(n).map(|c| c[1].len()))
            .collect();
        let prefixes: BTreeSet<String> = names
            .iter()
            .filter_map(|n| prefixed.captures(n).map(|c| c[1].to_string()))
            .collect();
        let n_prefixed = names.iter().filter(|n| prefixed.is_match(n)).count();
        let extra = if most(n_dated) {
            Extra {
                name: kind_name,
                dir,
                filename: "{date}-{name}.md".into(),
                id: None,
            }
        } else if most(widths.len()) && n_dated == 0 {
            let w = widths.iter().min().copied().unwrap_or(0);
            let number = if w > 1 && widths.iter().all(|x| *x == w) {
                format!("{{number:0{w}}}")
            } else {
                "{number}".to_string()
            };
            let prefix: String = kind_name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_uppercase();
            Extra {
                id: Some(format!("{prefix}-{number}")),
                name: kind_name,
                dir,
                filename: format!("{number}-{{name}}.md"),
            }
        } else if most(n_prefixed) && prefixes.len() == 1 {
            let p = prefixes.into_iter().next().unwrap_or_default();
            Extra {
                name: if taken.contains(&p) {
                    kind_name
                } else {
                    p.clone()
                },
                dir,
                filename: format!("{p}-{{number}}.md"),
                id: Some(format!("{}-{{number}}", p.to_ascii_uppercase())),
            }
        } else {
            continue;
        };
        taken.insert(extra.name.clone());
        out.push(extra);
    }
    out
}

/// Folder names that say nothing of what the files are.
const GENERIC: &[&str] = &[
    "text", "docs", "doc", "content", "src", "pages", "files", "md",
];

fn singular(word: &str) -> String {
    let w = word.to_ascii_lowercase();
    let w = if let Some(stem) = w.strip_suffix("ies") {
        format!("{stem}y")
    } else if w.ends_with("ss") {
        w
    } else {
        w.strip_suffix('s').map_or(w.clone(), str::to_string)
    };
    // A kind's name is a word that starts with a letter or digit (`.rfcs` is `rfc`).
    let w: String = w
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    if w.is_empty() { "doc".into() } else { w }
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        q(s)
    }
}

/// Git authors (name, email) of the commits that touched the documents, newest first.
fn git_authors(root: &Path) -> Vec<(String, String)> {
    crate::git::Git::open(root).map_or_else(Vec::new, |g| g.authors(20_000))
}

fn render(repo: &Corpus, root: &Path, formats: &BTreeSet<String>) -> String {
    let cfg = &repo.config;
    let mut t = String::new();
    let formats: Vec<&str> = formats.iter().map(String::as_str).collect();
    let _ = writeln!(
        t,
        "# annals configuration written by `annals init` from what this repository holds\n\
         # ({}). It reads the documents as annals did without one; tighten it as the team\n\
         # agrees (`annals rule` lists the checks, README explains every key).",
        formats.join(", ")
    );
    let _ = writeln!(
        t,
        "[project]\nname = {}\ntimezone = \"UTC\"\n",
        q(&cfg.project.name)
    );
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    let mut owners: BTreeSet<String> = BTreeSet::new();
    let mut people_values: BTreeSet<String> = BTreeSet::new();
    let mut any_owner = false;
    for (i, kind) in cfg.kinds.iter().enumerate() {
        let docs: Vec<&crate::docs::Document> = repo.docs.iter().filter(|d| d.kind == i).collect();
        if docs.is_empty() {
            continue;
        }
        for d in &docs {
            for (tag, _) in d.list_field("tags") {
                *tags.entry(tag).or_default() += 1;
            }
            if let Some(o) = d.data.get("owner").and_then(|o| o.as_str()) {
                any_owner = true;
                owners.insert(o.to_string());
            }
            for f in kind
                .people_fields
                .iter()
                .chain(["reviewers".to_string(), "responded".to_string()].iter())
            {
                for (p, _) in d.list_field(f) {
                    // `deciders: Oliver Kopp, Olaf Zimmermann` is one string of names.
                    for name in p.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        people_values.insert(name.to_string());
                    }
                }
            }
        }
        write_kind(&mut t, kind, &docs);
    }
    if !tags.is_empty() {
        t.push_str("[tags]                                    # the tags in use: describe each\n");
        for (tag, n) in &tags {
            let _ = writeln!(
                t,
                "{} = \"\"  # used by {n} document{}",
                key(tag),
                if *n == 1 { "" } else { "s" }
            );
        }
        t.push('\n');
    }
    // People: everyone the documents name, with the emails of git authors of the same name.
    let authors = git_authors(root);
    let mut people: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for p in owners.iter().chain(&people_values) {
        people
            .entry(p.clone())
            .or_insert_with(|| (p.clone(), Vec::new()));
    }
    for (name, email) in &authors {
        let local = email.split('@').next().unwrap_or(email).to_string();
        let found = people
            .iter_mut()
            .find(|(k, (n, _))| n.eq_ignore_ascii_case(name) || k.eq_ignore_ascii_case(&local));
        if let Some((_, (_, emails))) = found {
            emails.push(email.clone());
        } else {
            let k: String = local
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            people
                .entry(k)
                .or_insert_with(|| (name.clone(), Vec::new()))
                .1
                .push(email.clone());
        }
    }
    for (k, (name, emails)) in &people {
        let _ = writeln!(t, "[people.{}]\nname = {}", key(k), q(name));
        if !emails.is_empty() {
            let _ = writeln!(t, "email = {}", list(emails));
        }
        t.push('\n');
    }
    t.push_str("[rules]                                   # every rule at its default level\n");
    if !people.is_empty() && !any_owner {
        t.push_str(
            "O001 = \"off\"                              # no document names an `owner` yet: turn this on when they do\n",
        );
    }
    t
}

fn write_kind(t: &mut String, kind: &Kind, docs: &[&crate::docs::Document]) {
    let _ = writeln!(t, "[kinds.{}]", key(&kind.name));
    let _ = writeln!(t, "dir = {}", q(&kind.dir));
    let _ = writeln!(t, "filename = {}", q(kind.filename.as_str()));
    if let Some(id) = &kind.id {
        let _ = writeln!(t, "id = {}", q(id.as_str()));
    }
    let inline = docs
        .iter()
        .any(|d| matches!(d.front_matter, crate::docs::FrontMatter::Absent));
    let mode = if inline { "optional" } else { "required" };
    let _ = writeln!(
        t,
        "front_matter = \"{mode}\"{}",
        if mode == "optional" {
            "                 # some documents keep their metadata inline (`## Status`, `* Status:`)"
        } else {
            ""
        }
    );
    let mut statuses: Vec<String> = kind.statuses.clone();
    let mut in_use: BTreeSet<String> = BTreeSet::new();
    for d in docs {
        if let Some(s) = d.status() {
            in_use.insert(s.to_string());
        }
    }
    for s in &in_use {
        if !statuses.contains(s) {
            statuses.push(s.clone());
        }
    }
    if !statuses.is_empty() {
        let _ = writeln!(t, "statuses = {}", list(&statuses));
    }
    if kind.any_status && !statuses.is_empty() {
        t.push_str("any_status = true                         # statuses are open, as the format leaves them; a near miss of these is a warning\n");
    }
    if !kind.open.is_empty() {
        let _ = writeln!(t, "open = {}", list(&kind.open));
    }
    if kind.transitions.is_empty() {
        if !statuses.is_empty() {
            t.push_str("transitions = {}\n");
        }
    } else {
        let parts: Vec<String> = kind
            .transitions
            .iter()
            .map(|(from, to)| format!("{} = {}", key(from), list(to)))
            .collect();
        let _ = writeln!(t, "transitions = {{ {} }}", parts.join(", "));
    }
    if !kind.people_fields.is_empty() {
        let _ = writeln!(t, "people_fields = {}", list(&kind.people_fields));
    }
    let _ = writeln!(t, "id_fields = {}", list(&kind.id_fields));
    t.push('\n');
}
