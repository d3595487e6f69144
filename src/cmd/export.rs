//! `annals export --format ndjson`: one JSON document per line with the indexed fields, for
//! loading many repositories into a distributed engine (Quickwit, Elasticsearch).

use anyhow::Result;

use super::{App, Exit};
use crate::cli::ExportArgs;

pub fn run(app: &App, _args: &ExportArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let repo = app.corpus(cfg)?;
    let mut s = String::new();
    for d in repo.docs.iter().filter(|d| d.unreadable.is_none()) {
        s.push_str(&serde_json::to_string(&crate::search::export_json(
            &repo, d,
        ))?);
        s.push('\n');
    }
    super::out(&s)?;
    Ok(Exit::Clean)
}
