//! `annals stale`: documents past their kind's `review_every` or their `review_by`.

use anyhow::Result;
use serde_json::json;

use super::{App, Exit};
use crate::cli::{ShowFormat, StaleArgs};
use crate::lint::rules::practice::staleness;

pub fn run(app: &App, args: &StaleArgs) -> Result<Exit> {
    let (repo, history) = super::check::load_with_history(app, app.config()?)?;
    let now = super::check::parse_now(args.now.as_deref())?;
    let ctx = super::check::context(&repo, history, now)?;
    let rows: Vec<_> = repo
        .docs
        .iter()
        .filter(|d| ctx.reads_metadata(d))
        .filter_map(|d| staleness(&ctx, d).map(|why| (d, why)))
        .collect();
    if args.format == ShowFormat::Json {
        let v: Vec<_> = rows
            .iter()
            .map(|(d, why)| json!({"id": d.id, "path": d.path, "title": d.title(), "reason": why}))
            .collect();
        super::out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(Exit::Clean);
    }
    let mut s = String::new();
    for (d, why) in &rows {
        s.push_str(&format!(
            "{}  {}\n  {why}\n",
            d.id.as_deref().unwrap_or(&d.path),
            d.title().unwrap_or("")
        ));
    }
    if rows.is_empty() && !app.quiet {
        s.push_str("Nothing is stale.\n");
    }
    super::out(&s)?;
    Ok(Exit::Clean)
}
