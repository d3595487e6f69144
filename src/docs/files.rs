//! Every file and folder of the repository, for link checks: exact and case-folded lookups.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;

#[derive(Debug, Default)]
pub struct FileIndex {
    files: HashSet<String>,
    dirs: HashSet<String>,
    /// Case-folded paths, built on the first miss (most checks never need it).
    lower: std::sync::OnceLock<HashMap<String, Vec<String>>>,
    /// Names directly inside each folder, sorted, built on first use (for suggestions).
    children: std::sync::OnceLock<HashMap<String, Vec<String>>>,
    /// Files by their lowercased name: `name -> paths`.
    names: std::sync::OnceLock<HashMap<String, Vec<String>>>,
}

impl FileIndex {
    /// Lists the work tree (honouring `.gitignore`, skipping `.git`, never following links).
    pub fn scan(root: &Path, overlay: Option<&super::Overlay>) -> FileIndex {
        if let Some(index) = overlay.and_then(|o| o.index.as_ref()) {
            return FileIndex::from_paths(index.iter().map(|f| f.path.clone()));
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .parents(true)
            .git_global(false)
            .require_git(true)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        let paths = walker.filter_map(Result::ok).filter_map(|e| {
            let ft = e.file_type()?;
            if ft.is_dir() {
                return None;
            }
            let rel = e.path().strip_prefix(root).ok()?.to_str()?.to_string();
            let rel = super::separators(&rel);
            Some(rel)
        });
        match overlay {
            None => FileIndex::from_paths(paths),
            Some(o) => {
                let mut all: std::collections::BTreeSet<String> = paths.collect();
                for (p, content) in &o.files {
                    if content.is_some() {
                        all.insert(p.clone());
                    } else {
                        all.remove(p);
                    }
                }
                FileIndex::from_paths(all)
            }
        }
    }

    /// An index of the given repository-relative files (their folders are derived).
    pub fn from_paths(paths: impl IntoIterator<Item = String>) -> FileIndex {
        let paths = paths.into_iter();
        let mut idx = FileIndex {
            files: HashSet::with_capacity_and_hasher(
                paths.size_hint().0,
                rustc_hash::FxBuildHasher,
            ),
            ..FileIndex::default()
        };
        idx.dirs.insert(String::new());
        for p in paths {
            let mut d = p.as_str();
            while let Some((parent, _)) = d.rsplit_once('/') {
                if !idx.dirs.insert(parent.to_string()) {
                    break;
                }
                d = parent;
            }
            idx.files.insert(p);
        }
        idx
    }

    /// Adds a file (and its folders); the derived lookups are built again on next use.
    pub fn insert(&mut self, path: &str) {
        if self.files.contains(path) {
            return;
        }
        let mut d = path;
        while let Some((parent, _)) = d.rsplit_once('/') {
            if !self.dirs.insert(parent.to_string()) {
                break;
            }
            d = parent;
        }
        self.files.insert(path.to_string());
        self.lower = std::sync::OnceLock::new();
        self.children = std::sync::OnceLock::new();
        self.names = std::sync::OnceLock::new();
    }

    /// Takes a file out (its folders stay: a folder may hold others).
    pub fn remove(&mut self, path: &str) {
        if self.files.remove(path) {
            self.lower = std::sync::OnceLock::new();
            self.children = std::sync::OnceLock::new();
            self.names = std::sync::OnceLock::new();
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains(path) || self.dirs.contains(path)
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// The real path that differs from `path` only in letter case, if exactly one does.
    pub fn case_variant(&self, path: &str) -> Option<&str> {
        let lower = self.lower.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::default();
            for p in self.files.iter().chain(self.dirs.iter()) {
                m.entry(p.to_lowercase()).or_default().push(p.clone());
            }
            for v in m.values_mut() {
                v.sort();
            }
            m
        });
        match lower.get(&path.to_lowercase())?.as_slice() {
            [one] if one != path => Some(one),
            _ => None,
        }
    }

    /// Files and folders directly inside `dir`, sorted.
    fn by_name(&self) -> &HashMap<String, Vec<String>> {
        self.names.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::default();
            for p in &self.files {
                let name = p.rsplit('/').next().unwrap_or(p);
                m.entry(name.to_lowercase()).or_default().push(p.clone());
            }
            for v in m.values_mut() {
                v.sort();
            }
            m
        })
    }

    /// The files, anywhere in the repository, whose name is exactly `name`.
    pub fn named(&self, name: &str) -> Vec<&str> {
        self.named_ignoring_case(name)
            .into_iter()
            .filter(|p| p.rsplit('/').next() == Some(name))
            .collect()
    }

    /// The files, anywhere in the repository, whose name is `name` ignoring letter case.
    pub fn named_ignoring_case(&self, name: &str) -> Vec<&str> {
        self.by_name()
            .get(&name.to_lowercase())
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }

    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let all = self.children.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::default();
            for p in self.files.iter().chain(self.dirs.iter()) {
                if p.is_empty() {
                    continue;
                }
                let (parent, name) = p.rsplit_once('/').unwrap_or(("", p.as_str()));
                m.entry(parent.to_string())
                    .or_default()
                    .push(name.to_string());
            }
            for v in m.values_mut() {
                v.sort();
            }
            m
        });
        all.get(dir).into_iter().flatten().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let idx = FileIndex::from_paths([
            "decisions/0001-Use-X.md".to_string(),
            "README.md".to_string(),
        ]);
        assert!(idx.exists("decisions"));
        assert!(idx.exists(""));
        assert!(idx.is_file("README.md"));
        assert_eq!(
            idx.case_variant("decisions/0001-use-x.md"),
            Some("decisions/0001-Use-X.md")
        );
        assert_eq!(idx.case_variant("decisions/0001-Use-X.md"), None);
        let mut c: Vec<_> = idx.children("").collect();
        c.sort_unstable();
        assert_eq!(c, ["README.md", "decisions"]);
    }
}
