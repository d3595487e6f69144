//! `annals show ID|PATH`: one document's metadata, outbound and inbound links.

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::{App, Exit};
use crate::cli::{ShowArgs, ShowFormat};
use crate::docs::links::{Target, resolve};
use crate::docs::{Corpus, Document};

/// Where a document points: `(what, line)` per link or ID reference.
fn outbound(repo: &Corpus, doc: &Document) -> Vec<(String, usize)> {
    let kind = repo.kind_of(doc);
    let mut out = Vec::new();
    for field in &kind.id_fields {
        for (id, span) in doc.id_list(field) {
            let shown = match repo.referenced(doc, &id) {
                Some(t) => format!("{id} ({field}) -> {}", t.path),
                None => format!("{id} ({field}) -> unknown"),
            };
            out.push((shown, doc.line_col(span.start).0));
        }
    }
    for l in &doc.md.links {
        if let Target::Path { path, fragment } = resolve(&doc.path, &l.dest) {
            let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
            out.push((format!("{path}{frag}"), doc.line_col(l.span.start).0));
        }
    }
    out
}

/// Documents that link to `target` or name its ID: `(path, line)`.
fn inbound(repo: &Corpus, target: &Document) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = repo
        .docs
        .iter()
        .filter(|d| !std::ptr::eq(*d, target))
        .flat_map(|d| {
            repo.pointers(d, target)
                .into_iter()
                .map(move |p| (d.path.clone(), d.line_col(p.span.start).0))
        })
        .collect();
    out.sort();
    out
}

/// A commit time in the project's time zone, with its offset.
fn day(t: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(String::new, |d| {
        d.with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %:z")
            .to_string()
    })
}

/// A commit time as RFC 3339 (for JSON).
fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(String::new, |d| d.to_rfc3339())
}

/// The person a commit email belongs to, else the email.
fn person(repo: &Corpus, email: &str) -> String {
    repo.config
        .people
        .iter()
        .find(|(_, p)| p.email.iter().any(|e| e.eq_ignore_ascii_case(email)))
        .map_or_else(|| email.to_string(), |(k, _)| k.clone())
}

fn authors(repo: &Corpus, f: &crate::git::history::Facts) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in &f.touches {
        let p = person(repo, &t.email);
        if !v.contains(&p) {
            v.push(p);
        }
    }
    v
}

pub fn run(app: &App, args: &ShowArgs) -> Result<Exit> {
    let ws = app.workspace(app.config()?, crate::workspace::Mode::WorkTree, true)?;
    let (repo, history) = (ws.corpus, ws.git.history);
    let Some((doc, key)) = app.lookup(&repo, &args.target) else {
        bail!("no document with ID or path `{}`", args.target);
    };
    // Two files with one ID (N002): which one is meant is not for annals to guess.
    if let Some(id) = &doc.id
        && key.eq_ignore_ascii_case(id)
        && let Some(all) = repo.by_id.get(id)
        && all.len() > 1
    {
        let paths: Vec<&str> = all.iter().map(|&i| repo.docs[i].path.as_str()).collect();
        bail!(
            "{id} is the ID of {} files ({}): name one by its path (and see N002 in `annals check`)",
            paths.len(),
            paths.join(", ")
        );
    }
    let facts = history.as_ref().and_then(|h| h.get(&doc.path));
    let outb = outbound(&repo, doc);
    let inb = inbound(&repo, doc);
    let kind = repo.kind_of(doc);
    if args.format == ShowFormat::Json {
        let v = json!({
            "id": doc.id, "kind": kind.name, "path": doc.path, "title": doc.title(),
            "metadata": doc.data,
            "outbound": outb.iter().map(|(t, l)| json!({"target": t, "line": l})).collect::<Vec<_>>(),
            "inbound": inb.iter().map(|(p, l)| json!({"path": p, "line": l})).collect::<Vec<_>>(),
            "history": facts.map(|f| json!({
                "created": f.created.as_ref().filter(|_| !f.cut).map(|t| json!({"time": rfc3339(t.time), "author": person(&repo, &t.email)})),
                "incomplete": f.cut || history.as_ref().is_some_and(|h| h.unreadable.contains(&doc.path)),
                "updated": f.updated().map(|t| json!({"time": rfc3339(t.time), "author": person(&repo, &t.email)})),
                "authors": authors(&repo, f),
                "statuses": f.statuses.iter().map(|(t, s)| json!({"time": rfc3339(*t), "status": s})).collect::<Vec<_>>(),
            })),
        });
        super::out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(Exit::Clean);
    }
    let mut s = String::new();
    let heading = match &doc.id {
        Some(id) => format!("{id}  {}", doc.title().unwrap_or("")),
        None => doc.title().unwrap_or(&doc.path).to_string(),
    };
    s.push_str(&format!("{heading}\n"));
    let width = doc.meta().keys().map(String::len).max().unwrap_or(0).max(4);
    s.push_str(&format!("  {:<width$}  {}\n", "kind", kind.name));
    s.push_str(&format!("  {:<width$}  {}\n", "path", doc.path));
    for (k, v) in doc.meta() {
        if k == "title" {
            continue;
        }
        let shown = match v {
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        s.push_str(&format!("  {k:<width$}  {shown}\n"));
    }
    if let Some(f) = facts {
        let tz = repo.config.project.timezone;
        s.push_str("\nHistory\n");
        // What this clone cannot know is said before any date it would make wrong.
        let unreadable = history
            .as_ref()
            .is_some_and(|h| h.unreadable.contains(&doc.path));
        if f.cut {
            s.push_str("  incomplete: the clone is shallow; this document's history before its boundary commit is missing, so `created` and earlier statuses are not known (`git fetch --unshallow`)\n");
        }
        if unreadable {
            s.push_str("  incomplete: a version of this document is not in this clone (a blobless partial clone or a missing object), so its status changes are not all known (`git fetch --refetch`, or a full clone)\n");
        }
        if let Some(c) = f.created.as_ref().filter(|_| !f.cut) {
            s.push_str(&format!(
                "  created   {} by {}\n",
                day(c.time, tz),
                person(&repo, &c.email)
            ));
        }
        if let Some(u) = f.updated() {
            s.push_str(&format!(
                "  updated   {} by {}\n",
                day(u.time, tz),
                person(&repo, &u.email)
            ));
        }
        s.push_str(&format!("  authors   {}\n", authors(&repo, f).join(", ")));
        for (t, st) in &f.statuses {
            s.push_str(&format!("  {}  status {st}\n", day(*t, tz)));
        }
    }
    s.push_str(&format!("\nOutbound ({})\n", outb.len()));
    for (t, l) in &outb {
        s.push_str(&format!("  line {l:<4} {t}\n"));
    }
    s.push_str(&format!("\nInbound ({})\n", inb.len()));
    for (p, l) in &inb {
        s.push_str(&format!("  {p}:{l}\n"));
    }
    super::out(&crate::render::printable_text(&s))?;
    Ok(Exit::Clean)
}
