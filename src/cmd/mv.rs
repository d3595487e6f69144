//! `annals mv OLD NEW`: renames a document and rewrites every link and reference to it.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::MvArgs;
use crate::fix::{self, Fix};

pub fn run(app: &App, args: &MvArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let writer = app.writer(&cfg)?;
    let repo = app.corpus(cfg)?;
    let Some((moved, _)) = app.lookup(&repo, &args.old.to_string_lossy()) else {
        bail!(
            "`{}` is not a document (mv moves documents of a kind)",
            args.old.display()
        );
    };
    let Some(mut to) = app.inside_repo(&repo.config, &args.new) else {
        bail!("`{}` is outside the repository", args.new.display());
    };
    if repo.files.exists(&to) && !repo.files.is_file(&to) || repo.root().join(&to).is_dir() {
        let name = moved.path.rsplit('/').next().unwrap_or(&moved.path);
        to = if to.is_empty() {
            name.to_string()
        } else {
            format!("{to}/{name}")
        };
    }
    fix::move_target(&repo, moved, &to, args.change_kind).map_err(|why| anyhow::anyhow!(why))?;
    if repo.root().join(&to).exists() {
        bail!("{to} already exists: annals mv never overwrites");
    }
    let fix = Fix::rename("move", &moved.path, &to);
    let plan = fix::plan(&repo, std::iter::once(&fix));
    if let Some(r) = plan.refused.first() {
        bail!("cannot move {} to {to}: {}", moved.path, r.reason);
    }
    let count = plan.edits;
    let others = plan.files.keys().filter(|p| **p != moved.path).count();
    plan.write(&repo, &writer, &format!("mv {} {to}", moved.path))
        .with_context(|| format!("cannot move {} to {to}", moved.path))?;
    if !app.quiet {
        super::out(&format!(
            "moved {} -> {}; rewrote {count} link{} and reference{} in {} other file{}\n",
            crate::render::printable(&moved.path),
            crate::render::printable(&to),
            if count == 1 { "" } else { "s" },
            if count == 1 { "" } else { "s" },
            others,
            if others == 1 { "" } else { "s" },
        ))?;
    }
    Ok(Exit::Clean)
}
