//! `annals catalog [--write|--check]`: the catalog pages, a table per kind and per tag.

use anyhow::{Context as _, Result};

use super::{App, Exit};
use crate::cli::CatalogArgs;
use crate::gate::Op;
use crate::views::catalog::{pages, render};

pub fn run(app: &App, args: &CatalogArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let writer = if args.write {
        Some(app.writer(&cfg)?)
    } else {
        None
    };
    let repo = app.corpus(cfg)?;
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
    let mut ops = Vec::new();
    for page in &pages {
        let current = repo
            .config
            .fs
            .read_optional(&page.path, repo.config.limits.max_file_size)?
            .map(|b| {
                String::from_utf8(b)
                    .map_err(|_| anyhow::anyhow!("{} is not UTF-8: not touched", page.path))
            })
            .transpose()?;
        let wanted = render(page, current.as_deref());
        if current.as_deref() != Some(wanted.as_str()) {
            stale.push((page.path.as_str(), current.is_none()));
            ops.push(Op::Replace {
                path: page.path.clone(),
                bytes: wanted.into_bytes(),
            });
        }
    }
    if let Some(writer) = &writer {
        writer
            .apply("catalog --write", &ops)
            .context("cannot write the catalog pages")?;
    }
    if args.check {
        if stale.is_empty() {
            if !app.quiet {
                super::note(&format!("{} catalog pages are up to date.", pages.len()));
            }
            return Ok(Exit::Clean);
        }
        for (p, missing) in &stale {
            if *missing {
                super::note(&format!("{p} does not exist"));
            } else {
                super::note(&format!("{p} is out of date"));
            }
        }
        super::note("run `annals catalog --write`.");
        return Ok(Exit::Findings);
    }
    if !app.quiet {
        for (p, _) in &stale {
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
