//! `annals mv OLD NEW`: renames a document and rewrites every link and reference to it.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::MvArgs;
use crate::diagnostic::fix::{self, Edit, Fix};
use crate::docs::links::{Target, resolve};
use crate::docs::{Document, Repository};
use crate::lint::rules::links::{referenced, relative, retarget_from};

/// The edits a move needs, keyed by the file they apply to (the moved file under its old path).
pub fn plan_move(repo: &Repository, moved: &Document, to: &str, new_id: Option<&str>) -> Vec<Edit> {
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
            if is_moved || path == from {
                if let Some(e) = retarget_from(d, here, l, target) {
                    if d.source[e.range.clone()] != e.replacement {
                        edits.push(e);
                    }
                }
            }
        }
        for field in &repo.kind_of(d).id_fields {
            for (value, span) in d.list_field(field) {
                let Some(t) = referenced(repo, d, &value) else {
                    continue;
                };
                let points_here = std::ptr::eq(t, moved);
                let by_path = value.contains('/')
                    || std::path::Path::new(&value)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
                let replacement = if points_here && !by_path {
                    match new_id {
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

pub fn run(app: &App, args: &MvArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let repo = super::check::load(app, cfg);
    let old_key = app.repo_relative(&repo.config, &args.old);
    let Some(moved) = repo
        .find(&old_key)
        .or_else(|| repo.find(&args.old.to_string_lossy()))
    else {
        bail!(
            "`{}` is not a document (mv moves documents of a kind)",
            args.old.display()
        );
    };
    let Some(mut to) = app.inside_repo(&repo.config, &args.new) else {
        bail!("`{}` is outside the repository", args.new.display());
    };
    if repo.files.exists(&to) && !repo.files.is_file(&to) {
        let name = moved.path.rsplit('/').next().unwrap_or(&moved.path);
        to = if to.is_empty() {
            name.to_string()
        } else {
            format!("{to}/{name}")
        };
    }
    let abs_new = repo.root().join(&to);
    if abs_new.exists() {
        bail!("{to} already exists: annals mv never overwrites");
    }
    let new_kind = repo
        .config
        .kinds
        .iter()
        .filter(|k| to.starts_with(&format!("{}/", k.dir)))
        .max_by_key(|k| k.dir.len());
    let name = to.rsplit('/').next().unwrap_or(&to);
    let new_id = new_kind.and_then(|k| {
        let c = k.filename.matches(name)?;
        k.id.as_ref()?.render(&crate::docs::pattern::Values {
            number: c.number,
            date: c.date.as_deref(),
            slug: c.slug.as_deref(),
        })
    });
    if let (Some(id), Some(old)) = (&new_id, &moved.id) {
        if id != old && repo.by_id.contains_key(id) {
            bail!("{to} would take the ID {id}, which another document has");
        }
    }
    let edits = plan_move(&repo, moved, &to, new_id.as_deref());
    let count = edits.len();
    let (mut texts, _) = fix::plan(&repo, std::iter::once(&Fix::safe("move", edits)));
    let moved_text = texts.remove(&moved.path).unwrap_or_else(|| {
        let mut t = String::new();
        if moved.bom {
            t.push('\u{feff}');
        }
        t + &moved.source
    });
    crate::fsutil::write_new(&abs_new, moved_text.as_bytes())
        .with_context(|| format!("cannot write {to}"))?;
    for (path, text) in &texts {
        crate::fsutil::write_atomic(&repo.root().join(path), text.as_bytes())
            .with_context(|| format!("cannot rewrite {path}"))?;
    }
    let old_abs = repo.root().join(&moved.path);
    std::fs::remove_file(&old_abs).with_context(|| format!("cannot remove {}", moved.path))?;
    // A folder the move emptied goes too (git does not keep empty folders either).
    if let Some(parent) = old_abs.parent() {
        let _ = std::fs::remove_dir(parent);
    }
    if !app.quiet {
        super::out(&format!(
            "moved {} -> {to}; rewrote {count} link{} and reference{} in {} other file{}\n",
            moved.path,
            if count == 1 { "" } else { "s" },
            if count == 1 { "" } else { "s" },
            texts.len(),
            if texts.len() == 1 { "" } else { "s" },
        ))?;
    }
    Ok(Exit::Clean)
}
