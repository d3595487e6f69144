//! The layers of `src/` point only down (README's "Layout"): each module's `crate::` paths
//! (and `super::` paths that leave its folder) name only modules of a lower layer, and no
//! import closes a cycle between modules. Test code (`#[cfg(test)]` modules and files) is
//! left out: a test may build what it needs from any layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo_root;

/// Each unit and its layer, lowest first. A unit is a top-level module, or a submodule that
/// stands in a layer of its own (`lint::registry`, a leaf under the rules).
const LAYERS: &[(&str, u8)] = &[
    ("fsutil", 0),
    ("text", 0),
    ("time", 0),
    ("pattern", 0),
    ("gate", 1),
    ("lint::registry", 2),
    ("diagnostic", 3),
    ("config", 4),
    ("docs", 5),
    ("git", 5),
    ("workspace", 6),
    ("lint", 7),
    ("fix", 8),
    ("render", 9),
    ("views", 9),
    ("search", 9),
    ("lsp", 9),
    ("hub", 10),
    ("cli", 11),
    ("cmd", 12),
];

fn unit_of(module: &str) -> Option<&'static str> {
    LAYERS
        .iter()
        .filter(|(u, _)| module == *u || module.starts_with(&format!("{u}::")))
        .max_by_key(|(u, _)| u.len())
        .map(|(u, _)| *u)
}

fn layer(unit: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(u8::MAX, |l| l.1)
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → `a::b`.
fn module_path(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its `#[cfg(test)]` items (a module, a function): what ships.
fn shipped(text: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut test_files = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        // Comments name modules without importing them (doc links).
        if line.trim_start().starts_with("//") {
            continue;
        }
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let Some(item) = lines.next() else { break };
        let t = item.trim();
        if let Some(name) = t.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
            test_files.push(name.trim().to_string());
            continue;
        }
        // Skip the item: to the line that closes its first brace at the indentation it
        // opened with.
        let indent = item.len() - item.trim_start().len();
        if t.ends_with('}') || t.ends_with(';') {
            continue;
        }
        for l in lines.by_ref() {
            let i = l.len() - l.trim_start().len();
            if i == indent && l.trim_start().starts_with('}') {
                break;
            }
        }
    }
    (out, test_files)
}

/// The `crate::…` paths a text names, grouped imports expanded (`crate::{a, b::c}`).
fn crate_paths(text: &str) -> Vec<String> {
    paths_after(text, "crate::")
}

/// The modules `module`'s code names, as paths from the crate root: `crate::` paths, and
/// `super::` paths resolved against the module.
fn named_paths(module: &str, text: &str) -> Vec<String> {
    let mut out = crate_paths(text);
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    for p in paths_after(text, "super::") {
        // `super::super::x` and the like: each step goes one module up.
        let mut base: Vec<&str> = parent.split("::").filter(|s| !s.is_empty()).collect();
        let mut rest = p.as_str();
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        base.push(rest);
        out.push(base.join("::"));
    }
    out
}

fn paths_after(text: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(i) = text[at..].find(prefix) {
        let start = at + i;
        at = start + prefix.len();
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue; // `annals_crate::`, not ours
        }
        let mut end = at;
        let mut depth = 0;
        while end < bytes.len() {
            let c = bytes[end];
            match c {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' => break,
                _ if depth == 0 && !(c.is_ascii_alphanumeric() || c == b'_' || c == b':') => break,
                _ => {}
            }
            end += 1;
        }
        expand(&text[at..end], &mut out);
    }
    out
}

fn expand(path: &str, out: &mut Vec<String>) {
    // `x as y` names x: the alias goes before white space is dropped.
    let words: Vec<&str> = path.split_whitespace().collect();
    let mut joined = String::new();
    let mut skip = false;
    for (i, w) in words.iter().enumerate() {
        if skip {
            skip = false;
            // What follows the alias (`,`, `}`) is kept.
            joined.push_str(w.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
            continue;
        }
        if *w == "as" && i > 0 {
            skip = true;
            continue;
        }
        joined.push_str(w);
    }
    let path = joined;
    let Some(open) = path.find('{') else {
        out.push(path.trim_end_matches(':').to_string());
        return;
    };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
    let mut depth = 0;
    let mut item = String::new();
    for c in inner.chars().chain(std::iter::once(',')) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !item.is_empty() {
                    expand(&format!("{prefix}{item}"), out);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
}

/// Every shipped `.rs` file under `src/` with its module path.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut test_only = BTreeSet::new();
    for f in &files {
        let m = module_path(src, f);
        let (code, tests) = shipped(&std::fs::read_to_string(f).unwrap());
        for t in tests {
            test_only.insert(if m.is_empty() { t } else { format!("{m}::{t}") });
        }
        out.insert(m, code);
    }
    out.retain(|m, _| {
        !test_only
            .iter()
            .any(|t| m == t || m.starts_with(&format!("{t}::")))
    });
    out
}

#[test]
fn imports_point_down_and_close_no_cycle() {
    let src = repo_root().join("src");
    let modules = modules(&src);
    let mut edges: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    let mut up = Vec::new();
    for (module, code) in &modules {
        if module.is_empty() || module == "main" || module == "lib" {
            continue;
        }
        let Some(from) = unit_of(module) else {
            up.push(format!(
                "src module `{module}` is in no layer: add it to LAYERS"
            ));
            continue;
        };
        for path in named_paths(module, code) {
            let Some(to) = unit_of(&path) else { continue };
            if to == from {
                continue;
            }
            edges.entry(from).or_default().insert(to);
            if layer(to) >= layer(from) {
                up.push(format!(
                    "{module} imports crate::{path}: layer {} ({from}) may not use layer {} ({to})",
                    layer(from),
                    layer(to)
                ));
            }
        }
    }
    // A cycle needs an edge that does not point down, so the check above finds it; this
    // finds cycles among units of one layer as well.
    let units: Vec<&str> = edges.keys().copied().collect();
    for start in units {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            for &next in edges.get(u).into_iter().flatten() {
                if next == start {
                    up.push(format!("{start} reaches itself through {u}"));
                } else if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
    }
    up.sort();
    up.dedup();
    assert!(
        up.is_empty(),
        "imports that point up a layer or close a cycle:\n{}",
        up.join("\n")
    );
}

#[test]
fn the_reader_of_imports_sees_grouped_and_nested_paths() {
    let code = "use crate::a::{b, c::{d, e as f}};\nfn x() { crate::g::h(); }\n#[cfg(test)]\nmod tests {\n    use crate::z;\n}\n";
    let (shipped, _) = shipped(code);
    let mut paths = crate_paths(&shipped);
    paths.sort();
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e", "g::h"]);
    assert_eq!(unit_of("lint::registry::Rule"), Some("lint::registry"));
    assert_eq!(
        named_paths("lint::registry", "use super::rules;"),
        ["lint::rules"]
    );
    assert_eq!(unit_of("lint::rules::links"), Some("lint"));
}
