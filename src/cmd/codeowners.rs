//! `annals codeowners [--write|--check]`: the CODEOWNERS block generated from owners.

use anyhow::{Result, bail};

use super::{App, Exit};
use crate::cli::CodeownersArgs;
use crate::docs::codeowners::{lines as codeowners_lines, with_block};
use crate::gate::Op;

pub fn run(app: &App, args: &CodeownersArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let writer = if args.write {
        Some(app.writer(&cfg)?)
    } else {
        None
    };
    let repo = app.corpus(cfg)?;
    let prefix = crate::git::Git::open(&repo.config.root)
        .map(|g| g.prefix().to_string())
        .unwrap_or_default();
    let (block, left_out) = codeowners_lines(&repo, &prefix);
    for doc in &left_out {
        super::note(&format!(
            "warning: {} is left out of the CODEOWNERS block: its file name holds a control character that CODEOWNERS cannot carry (rename it with `annals mv`)",
            crate::render::printable(doc)
        ));
    }
    if !args.write && !args.check {
        super::out(&block)?;
        return Ok(Exit::Clean);
    }
    let Some(path) = repo.config.codeowners_path.clone() else {
        bail!(
            "no CODEOWNERS file configured: add `[codeowners] path = \".github/CODEOWNERS\"` to annals.toml"
        );
    };
    let current = repo
        .config
        .fs
        .read_optional(&path, repo.config.limits.max_file_size)?;
    let missing = current.is_none();
    let current = match current {
        Some(b) => {
            String::from_utf8(b).map_err(|_| anyhow::anyhow!("{path} is not UTF-8: not touched"))?
        }
        None => String::new(),
    };
    let wanted = with_block(&current, &block);
    if args.check {
        if wanted == current {
            if !app.quiet {
                super::note(&format!("{path} is up to date."));
            }
            return Ok(Exit::Clean);
        }
        if missing {
            super::note(&format!(
                "{path} does not exist: run `annals codeowners --write` to create it."
            ));
        } else {
            super::note(&format!(
                "{path} is out of date: run `annals codeowners --write`."
            ));
        }
        return Ok(Exit::Findings);
    }
    if wanted != current {
        let writer = writer.expect("taken for --write");
        writer.apply(
            &format!("codeowners --write {path}"),
            &[Op::Replace {
                path: path.clone(),
                bytes: wanted.into_bytes(),
            }],
        )?;
        if !app.quiet {
            super::out(&format!("wrote the annals block of {path}\n"))?;
        }
    } else if !app.quiet {
        super::out(&format!("{path} is up to date\n"))?;
    }
    Ok(Exit::Clean)
}
