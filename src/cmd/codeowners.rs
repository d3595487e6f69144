//! `annals codeowners [--write|--check]`: the CODEOWNERS block generated from owners.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::CodeownersArgs;
use crate::lint::rules::owners::{codeowners_block, with_block};

pub fn run(app: &App, args: &CodeownersArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let repo = super::check::load(app, cfg);
    let prefix = crate::repo::Git::open(&repo.config.root)
        .map(|g| g.prefix().to_string())
        .unwrap_or_default();
    let block = codeowners_block(&repo, &prefix);
    if !args.write && !args.check {
        super::out(&block)?;
        return Ok(Exit::Clean);
    }
    let Some(path) = repo.config.codeowners_path.clone() else {
        bail!(
            "no CODEOWNERS file configured: add `[codeowners] path = \".github/CODEOWNERS\"` to annals.toml"
        );
    };
    let abs = repo.root().join(&path);
    let current = match std::fs::read_to_string(&abs) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {path}")),
    };
    let wanted = with_block(&current, &block);
    if args.check {
        if wanted == current {
            if !app.quiet {
                super::note(&format!("{path} is up to date."));
            }
            return Ok(Exit::Clean);
        }
        super::note(&format!(
            "{path} is out of date: run `annals codeowners --write`."
        ));
        return Ok(Exit::Findings);
    }
    if wanted != current {
        crate::fsutil::write_atomic(&abs, wanted.as_bytes())
            .with_context(|| format!("cannot write {path}"))?;
        if !app.quiet {
            super::out(&format!("wrote the annals block of {path}\n"))?;
        }
    } else if !app.quiet {
        super::out(&format!("{path} is up to date\n"))?;
    }
    Ok(Exit::Clean)
}
