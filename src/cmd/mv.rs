//! `annals mv OLD NEW`: renames a document and rewrites every link and reference to it.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::MvArgs;
use crate::diagnostic::fix::{self, Fix};
use crate::lint::rules::links::move_edits;

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
    let name = to.rsplit('/').next().unwrap_or(&to);
    let new_id = crate::docs::Classifier::new(&repo.config)
        .classify(&to)
        .and_then(|(k, _)| {
            let kind = &repo.config.kinds[k];
            crate::docs::id_of(kind, kind.filename.matches(name).as_ref())
        });
    if let (Some(id), Some(old)) = (&new_id, &moved.id)
        && id != old
        && repo.by_id.contains_key(id)
    {
        bail!("{to} would take the ID {id}, which another document has");
    }
    let edits = move_edits(&repo, moved, &to, new_id.as_deref());
    let count = edits.len();
    let mut fix = Fix::safe("move", edits);
    fix.renames.push((moved.path.clone(), to.clone()));
    let plan = fix::plan(&repo, std::iter::once(&fix));
    let others = plan.files.keys().filter(|p| **p != moved.path).count();
    plan.write(&repo)
        .with_context(|| format!("cannot move {} to {to}", moved.path))?;
    if !app.quiet {
        super::out(&format!(
            "moved {} -> {to}; rewrote {count} link{} and reference{} in {} other file{}\n",
            moved.path,
            if count == 1 { "" } else { "s" },
            if count == 1 { "" } else { "s" },
            others,
            if others == 1 { "" } else { "s" },
        ))?;
    }
    Ok(Exit::Clean)
}
