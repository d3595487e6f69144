//! `annals graph [--format dot|mermaid] [--kind K]`: decisions and their links.

use anyhow::Result;

use super::{App, Exit};
use crate::cli::{GraphArgs, GraphFormat};
use crate::views::graph::{Format, build, render};

pub fn run(app: &App, args: &GraphArgs) -> Result<Exit> {
    let cfg = app.config()?;
    if let Some(k) = &args.kind {
        super::check::ensure_known_kind(&cfg, k)?;
    }
    let repo = app.corpus(cfg)?;
    let kinds = &repo.config.kinds;
    let kind = match &args.kind {
        Some(k) => kinds.iter().position(|x| &x.name == k),
        // The decision graph: the first kind whose documents have IDs, else the first kind.
        None => kinds
            .iter()
            .position(|x| x.id.is_some())
            .or(if kinds.is_empty() { None } else { Some(0) }),
    };
    let Some(kind) = kind else {
        anyhow::bail!("no kind to draw: configure one in annals.toml");
    };
    let graph = build(&repo, kind, args.kind.is_none());
    let format = match args.format {
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Mermaid => Format::Mermaid,
    };
    super::out(&render(&graph, format))?;
    Ok(Exit::Clean)
}
