//! `annals mv OLD NEW`: renames a document and rewrites every link and reference to it.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::MvArgs;
use crate::docs::Classifier;
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
    // Where it lands must be a document of a kind, or annals would lose sight of it; what
    // counts is where the path really leads (a folder may be a link to another kind's).
    let real = repo
        .config
        .fs
        .resolve(&to)
        .map_err(|e| anyhow::anyhow!("cannot move {} to {to}: {e}", moved.path))?;
    if let Ok(inside) = real.strip_prefix(repo.config.fs.path())
        && let Some(inside) = inside.to_str()
        && inside != to
    {
        bail!("`{to}` leads through a symbolic link to `{inside}`: give the real path");
    }
    let old_kind = repo.kind_of(moved);
    let Some((k, excluded)) = Classifier::new(&repo.config).classify(&to) else {
        bail!(
            "`{to}` is not a document path: expected a `.md` file in a kind's folder, such as `{}/{}`",
            old_kind.dir,
            moved.path.rsplit('/').next().unwrap_or(&moved.path)
        );
    };
    let kind = &repo.config.kinds[k];
    if excluded {
        bail!(
            "`{to}` is excluded from the {} documents (`exclude` in [kinds.{}]): annals would no longer see it",
            kind.name,
            kind.name
        );
    }
    if k != moved.kind && !args.change_kind {
        bail!(
            "`{to}` lies in the folder of kind `{}` (`{}/`): moving a {} there changes its kind; pass --change-kind to do that",
            kind.name,
            kind.dir,
            old_kind.name
        );
    }
    let name = to.rsplit('/').next().unwrap_or(&to);
    if kind.filename.matches(name).is_none() {
        bail!(
            "`{name}` does not match the {} file-name pattern `{}`",
            kind.name,
            kind.filename
        );
    }
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
