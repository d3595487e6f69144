//! `annals stale`: documents past their kind's `review_every` or their `review_by`.

use anyhow::Result;
use serde_json::json;

use super::{App, Exit};
use crate::cli::{ShowFormat, StaleArgs};
use crate::workspace::Mode;
use crate::workspace::practice::Team;

pub fn run(app: &App, args: &StaleArgs) -> Result<Exit> {
    let ws = app.workspace(app.config()?, Mode::WorkTree, true)?;
    let now = super::check::parse_now(args.now.as_deref())?;
    let repo = &ws.corpus;
    let team = Team::of(&repo.config);
    let practice = team.practice(&ws, now);
    let rows: Vec<_> = repo
        .docs
        .iter()
        .filter_map(|d| practice.stale(d).map(|why| (d, why)))
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
