//! `annals site --out DIR [--base-url PATH]`: the hub as static files.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::SiteArgs;
use crate::workspace::Mode;

/// The file that marks a folder `annals site` wrote, and may replace.
const MARKER: &str = ".annals-site";

pub fn run(app: &App, args: &SiteArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let now = super::check::parse_now(args.now.as_deref())?;
    let out = app.cwd.join(&args.out);
    let shown = args.out.display();
    if std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!("`{shown}` is a symbolic link: choose a folder");
    }
    // The site is written beside the repository's files, never into git's own folder, by
    // any path (a symbolic link on the way included).
    let real = real_path(&out);
    let git_dir = crate::git::Git::open(&cfg.root).map(|g| real_path(g.git_dir()));
    if real.components().any(|c| c.as_os_str() == ".git")
        || git_dir.is_some_and(|g| real.starts_with(g))
    {
        bail!("`{shown}` is inside a .git folder: choose another --out");
    }
    // Inside the repository, the site is written under the write lock, as every command that
    // writes there is: taken before the folder is looked at.
    let inside = real.starts_with(real_path(&cfg.root));
    let _lock = if inside {
        Some(app.writer(&cfg)?)
    } else {
        None
    };
    if out.exists() {
        let empty = out.is_dir() && std::fs::read_dir(&out)?.next().is_none();
        let marked = std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
        if !empty && !marked {
            bail!("`{shown}` exists and is not a site annals wrote: choose an empty or new folder");
        }
    }
    let ws = app.workspace(cfg, Mode::WorkTree, true)?;
    let site = crate::hub::build(&ws, now, args.base_url.as_deref());
    // Written whole into a new folder beside the target, then put in its place: a reader
    // never sees half a site, and a failure leaves the old one.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = tempfile::Builder::new()
        .prefix(".annals-site-")
        .tempdir_in(parent)
        .context("cannot create a folder beside --out")?;
    // Every page's path is made of escaped names; one that would leave the folder is a bug,
    // never written.
    let mut dirs = std::collections::BTreeSet::new();
    for path in site.files.keys() {
        let rel = std::path::Path::new(path);
        if !rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            bail!("internal error: the site file `{path}` would leave the folder");
        }
        if let Some(dir) = rel.parent() {
            dirs.insert(dir);
        }
    }
    for dir in dirs {
        std::fs::create_dir_all(tmp.path().join(dir))?;
    }
    // Thousands of small files: written on every core.
    {
        use rayon::prelude::*;
        site.files.par_iter().try_for_each(|(path, bytes)| {
            let p = tmp.path().join(path);
            std::fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))
        })?;
    }
    let old = tmp.path().with_extension("old");
    if out.exists() {
        std::fs::rename(&out, &old).with_context(|| format!("cannot replace {shown}"))?;
    }
    if let Err(e) = std::fs::rename(tmp.path(), &out) {
        if old.exists() {
            let _ = std::fs::rename(&old, &out);
        }
        return Err(e).with_context(|| format!("cannot write {shown}"));
    }
    let _ = tmp.keep();
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove the old {shown}"))?;
    }
    if !app.quiet {
        super::note(&format!(
            "wrote {} files to {}",
            site.files.len(),
            args.out.display()
        ));
    }
    Ok(Exit::Clean)
}

/// `path` with every symbolic link on the way resolved: its nearest existing ancestor
/// canonicalised, the rest as written.
fn real_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}
