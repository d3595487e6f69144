//! `annals mv OLD NEW`: renames a document and rewrites every link and reference to it.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::MvArgs;
use crate::diagnostic::fix::{self, Fix};

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
    let fix = Fix::rename("move", &moved.path, &to);
    let plan = fix::plan(&repo, std::iter::once(&fix));
    if let Some(r) = plan.refused.first() {
        bail!("cannot move {} to {to}: {}", moved.path, r.reason);
    }
    let count = plan.edits;
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
