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
    // The site is written beside the repository's files, never into git's own folder.
    if out.components().any(|c| c.as_os_str() == ".git") {
        bail!(
            "`{}` is inside a .git folder: choose another --out",
            args.out.display()
        );
    }
    if out.exists() {
        let empty = out.is_dir() && std::fs::read_dir(&out)?.next().is_none();
        if !empty && !out.join(MARKER).is_file() {
            bail!(
                "`{}` exists and is not a site annals wrote: choose an empty or new folder",
                args.out.display()
            );
        }
    }
    // Inside the repository, the site is written under the write lock, as every command that
    // writes there is.
    let root = cfg.root.clone();
    let inside = std::fs::canonicalize(out.parent().unwrap_or(&out))
        .unwrap_or_else(|_| out.clone())
        .starts_with(std::fs::canonicalize(&root).unwrap_or(root));
    let _lock = if inside {
        Some(app.writer(&cfg)?)
    } else {
        None
    };
    let ws = app.workspace(cfg, Mode::WorkTree, true)?;
    let site = crate::hub::build(&ws, now, args.base_url.as_deref());
    // Written whole into a new folder beside the target, then put in its place: a reader
    // never sees half a site.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = tempfile::Builder::new()
        .prefix(".annals-site-")
        .tempdir_in(parent)
        .context("cannot create a folder beside --out")?;
    for (path, bytes) in &site.files {
        let p = tmp.path().join(path);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .with_context(|| format!("cannot replace {}", args.out.display()))?;
    }
    std::fs::rename(tmp.keep(), &out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    if !app.quiet {
        super::note(&format!(
            "wrote {} files to {}",
            site.files.len(),
            args.out.display()
        ));
    }
    Ok(Exit::Clean)
}
