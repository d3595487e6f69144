//! Planning and applying fixes and renames: every edit of a plan is written as one journaled
//! change through the write gate.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

pub use crate::diagnostic::fix::{Applicability, Edit, Fix, Refused};
use crate::docs::edit::retarget_from;
use crate::docs::links::{Target, relative, resolve};
use crate::docs::{Corpus, Document, bare_number_id};

/// Why `moved` may not move to the repository path `to` (`annals mv`'s rules, which the
/// language server's renames keep too), or `Ok` when it may: `to` must be a document path of
/// a kind, not excluded, reached by no symbolic link, matching the kind's file-name pattern,
/// free, and in `moved`'s own kind unless `change_kind`.
pub fn move_target(
    repo: &Corpus,
    moved: &Document,
    to: &str,
    change_kind: bool,
) -> Result<(), String> {
    if to.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(format!("`{to}` is not a path inside the repository"));
    }
    // Where it lands must be a document of a kind, or annals would lose sight of it; what
    // counts is where the path really leads (a folder may be a link to another kind's).
    let real = repo
        .config
        .fs
        .resolve(to)
        .map_err(|e| format!("cannot move {} to {to}: {e}", moved.path))?;
    if let Ok(inside) = real.strip_prefix(repo.config.fs.path())
        && let Some(inside) = inside.to_str()
        && inside != to
    {
        return Err(format!(
            "`{to}` leads through a symbolic link to `{inside}`: give the real path"
        ));
    }
    let old_kind = repo.kind_of(moved);
    let Some((k, excluded)) = crate::docs::Classifier::new(&repo.config).classify(to) else {
        return Err(format!(
            "`{to}` is not a document path: expected a `.md` file in a kind's folder, such as `{}/{}`",
            old_kind.dir,
            moved.path.rsplit('/').next().unwrap_or(&moved.path)
        ));
    };
    let kind = &repo.config.kinds[k];
    if excluded {
        return Err(format!(
            "`{to}` is excluded from the {} documents (`exclude` in [kinds.{}]): annals would no longer see it",
            kind.name, kind.name
        ));
    }
    if k != moved.kind && !change_kind {
        return Err(format!(
            "`{to}` lies in the folder of kind `{}` (`{}/`): moving a {} there changes its kind; pass --change-kind to do that",
            kind.name, kind.dir, old_kind.name
        ));
    }
    let name = to.rsplit('/').next().unwrap_or(to);
    if kind.filename.matches(name).is_none() {
        return Err(format!(
            "`{name}` does not match the {} file-name pattern `{}`",
            kind.name, kind.filename
        ));
    }
    Ok(())
}

/// The new text of each file the fixes touch. A fix whose edits overlap an earlier fix's is
/// left out whole (the next run applies it), so every applied fix is applied completely. A
/// rename onto an existing file, or onto another document's ID, is refused with its reason.
pub fn plan<'f>(repo: &Corpus, fixes: impl IntoIterator<Item = &'f Fix>) -> Plan {
    let mut taken: BTreeMap<String, Vec<Range<usize>>> = BTreeMap::new();
    let mut accepted: Vec<Edit> = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut refused = Vec::new();
    let mut seen = HashSet::new();
    let mut count = 0;
    'fixes: for fix in fixes {
        if !seen.insert((&fix.edits, &fix.renames)) {
            continue;
        }
        let mut own: Vec<Edit> = fix.edits.clone();
        for (from, to) in &fix.renames {
            let renamed = |p: &str| renames.iter().any(|(f, t)| f == p || t == p);
            if renamed(from) || renamed(to) {
                continue 'fixes;
            }
            match rename_edits(repo, from, to) {
                Ok(edits) => own.extend(edits),
                Err(reason) => {
                    refused.push(Refused {
                        message: fix.message.clone(),
                        reason,
                    });
                    continue 'fixes;
                }
            }
        }
        // Links sharing one reference definition yield the same edit more than once.
        own.sort_by(|a, b| {
            (&a.path, a.range.start, a.range.end).cmp(&(&b.path, b.range.start, b.range.end))
        });
        own.dedup();
        let overlapping = own
            .windows(2)
            .any(|w| w[0].path == w[1].path && w[1].range.start < w[0].range.end);
        if overlapping {
            continue;
        }
        let clashes = own.iter().any(|e| {
            repo.document(&e.path)
                .is_none_or(|d| e.range.end > d.source.len())
                || taken.get(e.path.as_str()).is_some_and(|rs| {
                    rs.iter().any(|r| {
                        r.start < e.range.end.max(e.range.start + 1)
                            && e.range.start < r.end.max(r.start + 1)
                    })
                })
        });
        if clashes {
            continue;
        }
        for e in own {
            taken
                .entry(e.path.clone())
                .or_default()
                .push(e.range.clone());
            accepted.push(e);
        }
        renames.extend(fix.renames.iter().cloned());
        count += 1;
    }
    let mut by_file: BTreeMap<String, Vec<Edit>> = BTreeMap::new();
    for e in accepted {
        by_file.entry(e.path.clone()).or_default().push(e);
    }
    let mut out = BTreeMap::new();
    let edit_count = by_file.values().map(Vec::len).sum();
    for (path, mut edits) in by_file {
        let Some(doc) = repo.document(&path) else {
            continue;
        };
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut text = String::with_capacity(doc.source.len() + 64);
        if doc.bom {
            text.push('\u{feff}');
        }
        let mut at = 0;
        for e in edits {
            text.push_str(&doc.source[at..e.range.start]);
            text.push_str(&e.replacement);
            at = e.range.end;
        }
        text.push_str(&doc.source[at..]);
        out.insert(path, text);
    }
    Plan {
        files: out,
        renames,
        fixes: count,
        edits: edit_count,
        refused,
    }
}

/// The edits that moving `from` to `to` needs in every file linking to it, or why it cannot
/// move.
fn rename_edits(repo: &Corpus, from: &str, to: &str) -> Result<Vec<Edit>, String> {
    let Some(doc) = repo.document(from) else {
        return Err(format!("{from} is not a document"));
    };
    if repo.files.exists(to) || repo.root().join(to).exists() {
        return Err(format!(
            "{to} already exists, and a fix never overwrites a file"
        ));
    }
    let new_id = repo.id_for_path(to);
    if let Some(id) = &new_id
        && doc.id.as_ref() != Some(id)
        && let Some(other) = repo.by_id.get(id).and_then(|v| v.first())
    {
        let other = &repo.docs[*other].path;
        return Err(format!("{to} would take the ID {id}, which {other} has"));
    }
    Ok(move_edits(repo, doc, to, new_id.as_deref()))
}

/// New file contents (by current path), renames, and how many fixes they carry.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: BTreeMap<String, String>,
    pub renames: Vec<(String, String)>,
    pub fixes: usize,
    /// How many byte edits the files carry.
    pub edits: usize,
    /// Fixes that could not be applied, with the reason.
    pub refused: Vec<Refused>,
}

impl Plan {
    /// How many files the plan changes or renames.
    pub fn touched(&self) -> usize {
        let mut paths: HashSet<&str> = self.files.keys().map(String::as_str).collect();
        paths.extend(self.renames.iter().map(|(f, _)| f.as_str()));
        paths.len()
    }

    /// Writes the plan as one change through the write gate: renamed files are created at
    /// their new path (never over an existing file), edited files replaced, old names removed;
    /// a crash at any point is finished by the next annals command.
    pub fn write(
        mut self,
        repo: &Corpus,
        writer: &crate::gate::Writer,
        label: &str,
    ) -> Result<Vec<String>, crate::gate::GateError> {
        use crate::gate::Op;
        let mut written = Vec::new();
        let mut ops = Vec::new();
        for (from, to) in &self.renames {
            let text = if let Some(t) = self.files.remove(from) {
                t
            } else {
                let Some(d) = repo.document(from) else {
                    continue;
                };
                let bom = if d.bom { "\u{feff}" } else { "" };
                format!("{bom}{}", d.source)
            };
            ops.push(Op::Create {
                path: to.clone(),
                bytes: text.into_bytes(),
            });
            written.push(to.clone());
        }
        for (path, text) in std::mem::take(&mut self.files) {
            written.push(path.clone());
            ops.push(Op::Replace {
                path,
                bytes: text.into_bytes(),
            });
        }
        for (from, _) in &self.renames {
            ops.push(Op::Remove { path: from.clone() });
        }
        writer.apply(label, &ops)?;
        Ok(written)
    }
}

/// The plan as a unified diff (git's headers for renames), files in path order.
pub fn diff(repo: &Corpus, plan: &Plan) -> String {
    let mut paths: Vec<&str> = plan.files.keys().map(String::as_str).collect();
    paths.extend(plan.renames.iter().map(|(f, _)| f.as_str()));
    paths.sort_unstable();
    paths.dedup();
    let mut out = String::new();
    for path in paths {
        let Some(doc) = repo.document(path) else {
            continue;
        };
        let to = plan
            .renames
            .iter()
            .find(|(f, _)| f == path)
            .map_or(path, |(_, t)| t.as_str());
        let new = plan.files.get(path).map_or(doc.source.as_str(), |t| {
            t.strip_prefix('\u{feff}').unwrap_or(t)
        });
        out.push_str(&format!("diff --git a/{path} b/{to}\n"));
        if to != path {
            out.push_str(&format!("rename from {path}\nrename to {to}\n"));
        }
        if new != doc.source {
            let d = similar::TextDiff::from_lines(doc.source.as_str(), new);
            out.push_str(
                &d.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{to}"))
                    .missing_newline_hint(true)
                    .to_string(),
            );
        }
    }
    out
}

/// The edits a move needs, keyed by the file they apply to (the moved file under its old path).
pub fn move_edits(repo: &Corpus, moved: &Document, to: &str, new_id: Option<&str>) -> Vec<Edit> {
    let from = moved.path.as_str();
    let mut edits = Vec::new();
    let docs = repo.docs.iter().chain(repo.catalogs.iter());
    for d in docs {
        let is_moved = std::ptr::eq(d, moved);
        let here = if is_moved { to } else { d.path.as_str() };
        for l in &d.md.links {
            let Target::Path { path, .. } = resolve(&d.path, &l.dest) else {
                continue;
            };
            let target = if path == from { to } else { path.as_str() };
            if (is_moved || path == from)
                && let Some(e) = retarget_from(d, here, l, target)
                && d.source[e.range.clone()] != e.replacement
            {
                edits.push(e);
            }
        }
        for field in &repo.kind_of(d).id_fields {
            for (value, span) in d.id_list(field) {
                let Some(t) = repo.referenced(d, &value) else {
                    continue;
                };
                let points_here = std::ptr::eq(t, moved);
                let kind = repo.kind_of(d);
                let bare = bare_number_id(kind, &value);
                let by_path = bare.is_none()
                    && (value.contains('/')
                        || std::path::Path::new(&value)
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("md")));
                let replacement = if points_here && !by_path {
                    match new_id {
                        // A bare number stays one while the new ID is this kind's.
                        Some(id) if bare.is_some() => {
                            if bare.as_deref() == Some(id) {
                                continue;
                            }
                            bare_number_for(kind, id).unwrap_or_else(|| id.to_string())
                        }
                        Some(id) if !value.eq_ignore_ascii_case(id) => id.to_string(),
                        Some(_) => continue,
                        None => relative(here, to),
                    }
                } else if by_path && (points_here || is_moved) {
                    relative(here, if points_here { to } else { &t.path })
                } else {
                    continue;
                };
                if replacement != value {
                    edits.push(Edit {
                        path: d.path.clone(),
                        range: span,
                        replacement,
                    });
                }
            }
        }
    }
    edits
}

/// `id` written as a bare number of `kind` (`ADR-0013` → `13`), when it is one of its IDs.
fn bare_number_for(kind: &crate::config::Kind, id: &str) -> Option<String> {
    let n = kind.id.as_ref()?.matches(id)?.number?.to_string();
    (bare_number_id(kind, &n).as_deref() == Some(id)).then_some(n)
}
