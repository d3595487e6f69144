//! `annals catalog [--write|--check]`: the catalog pages, a table per kind and per tag.

use anyhow::{Context as _, Result};

use super::{App, Exit};
use crate::cli::CatalogArgs;
use crate::views::catalog::{pages, render};

pub fn run(app: &App, args: &CatalogArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let repo = super::check::load(app, cfg);
    let pages = pages(&repo);
    if !args.write && !args.check {
        for p in &pages {
            super::out(&format!("==> {} <==\n", p.path))?;
            for (_, block) in &p.blocks {
                super::out(block)?;
            }
        }
        return Ok(Exit::Clean);
    }
    let mut stale = Vec::new();
    for page in &pages {
        let abs = repo.root().join(&page.path);
        let current = match std::fs::read(&abs) {
            Ok(b) => Some(
                String::from_utf8(b)
                    .map_err(|_| anyhow::anyhow!("{} is not UTF-8: not touched", page.path))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", page.path)),
        };
        let wanted = render(page, current.as_deref());
        if current.as_deref() != Some(wanted.as_str()) {
            stale.push(page.path.as_str());
            if args.write {
                if let Some(dir) = abs.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create the folder of {}", page.path))?;
                }
                crate::fsutil::write_atomic(&abs, wanted.as_bytes())
                    .with_context(|| format!("cannot write {}", page.path))?;
            }
        }
    }
    if args.check {
        if stale.is_empty() {
            if !app.quiet {
                super::note(&format!("{} catalog pages are up to date.", pages.len()));
            }
            return Ok(Exit::Clean);
        }
        for p in &stale {
            super::note(&format!("{p} is out of date"));
        }
        super::note("run `annals catalog --write`.");
        return Ok(Exit::Findings);
    }
    if !app.quiet {
        for p in &stale {
            super::out(&format!("wrote {p}\n"))?;
        }
        super::note(&format!(
            "{} of {} catalog pages written.",
            stale.len(),
            pages.len()
        ));
    }
    Ok(Exit::Clean)
}
