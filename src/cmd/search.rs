//! `annals search QUERY`: ranked full-text search with snippets, from an index it refreshes.

use anyhow::Result;
use serde_json::json;

use super::{App, Exit};
use crate::cli::{SearchArgs, SearchFormat};
use crate::search::{SearchIndex, SearchOptions, search};

/// `snippet` with its matched ranges marked (ANSI bold on a terminal, `**` otherwise).
fn highlight(snippet: &str, ranges: &[std::ops::Range<usize>], color: bool) -> String {
    let (on, off) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > snippet.len() {
            continue;
        }
        out.push_str(&snippet[at..r.start]);
        out.push_str(on);
        out.push_str(&snippet[r.clone()]);
        out.push_str(off);
        at = r.end;
    }
    out.push_str(&snippet[at..]);
    out
}

pub fn run(app: &App, args: &SearchArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let index = SearchIndex::open_fresh(&cfg)?;
    for n in &index.notes {
        super::note(n);
    }
    if index.watched && app.verbose {
        super::note("note: `annals index --watch` kept the index fresh");
    }
    let opts = SearchOptions {
        query: args.query.clone(),
        kind: args.filter.kind.clone(),
        tag: args.filter.tags.clone(),
        owner: args.filter.owner.clone(),
        status: args.filter.status.clone(),
        from: args.filter.from.clone(),
        to: args.filter.to.clone(),
        limit: args.limit,
        facets: args.facets,
    };
    let found = search(&index, &opts)?;
    if args.format == SearchFormat::Json {
        let hits: Vec<_> = found
            .hits
            .iter()
            .map(|h| {
                json!({"id": h.id, "kind": h.kind, "path": h.path, "title": h.title,
                       "status": h.status, "score": h.score,
                       "snippet": highlight(&h.snippet, &h.highlights, false)})
            })
            .collect();
        let mut v = json!({"query": args.query, "total": found.total, "hits": hits});
        if let Some(f) = &found.facets {
            v["facets"] = json!(f);
        }
        if found.fuzzy {
            v["fuzzy"] = json!(true);
        }
        super::out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(Exit::Clean);
    }
    let mut s = String::new();
    if found.fuzzy && !found.hits.is_empty() {
        s.push_str("No exact matches; showing near matches.\n\n");
    }
    for h in &found.hits {
        let status = h
            .status
            .as_deref()
            .map(|st| format!("  [{st}]"))
            .unwrap_or_default();
        s.push_str(&format!(
            "{}  {}{status}\n",
            h.id.as_deref().unwrap_or(&h.path),
            h.title
        ));
        if h.id.is_some() {
            s.push_str(&format!("  {}\n", h.path));
        }
        let snippet = highlight(&h.snippet, &h.highlights, app.color);
        if !snippet.trim().is_empty() {
            s.push_str(&format!("  {}\n", snippet.trim()));
        }
        s.push('\n');
    }
    if let Some(facets) = &found.facets {
        for (name, counts) in facets {
            let mut v: Vec<_> = counts.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let shown: Vec<String> = v.iter().map(|(k, n)| format!("{k} ({n})")).collect();
            s.push_str(&format!("{name}: {}\n", shown.join(", ")));
        }
        s.push('\n');
    }
    if found.total == 0 {
        s.push_str("No document matches the query.\n");
    } else {
        s.push_str(&format!(
            "{} of {} result{}\n",
            found.hits.len(),
            found.total,
            if found.total == 1 { "" } else { "s" }
        ));
    }
    super::out(&crate::render::printable_text(&s))?;
    Ok(Exit::Clean)
}
