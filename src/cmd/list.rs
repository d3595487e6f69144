//! `annals list`: filtered, sorted listings.

use anyhow::Result;
use serde_json::{Value, json};

use super::{App, Exit};
use crate::cli::{ListArgs, ListFormat, SortKey};
use crate::docs::{Corpus, Document};

/// One row of a listing.
pub struct Row<'a> {
    pub doc: &'a Document,
    pub kind: &'a str,
    pub id: Option<&'a str>,
    pub title: &'a str,
    pub status: &'a str,
    pub owner: &'a str,
    pub date: &'a str,
    pub tags: Vec<String>,
}

impl<'a> Row<'a> {
    pub fn new(repo: &'a Corpus, doc: &'a Document) -> Row<'a> {
        let s = |k: &str| doc.data.get(k).and_then(Value::as_str).unwrap_or("");
        Row {
            doc,
            kind: &repo.kind_of(doc).name,
            id: doc.id.as_deref(),
            title: doc.title().unwrap_or(""),
            status: doc.status().unwrap_or(""),
            owner: s("owner"),
            date: s("date"),
            tags: doc.list_field("tags").into_iter().map(|(t, _)| t).collect(),
        }
    }

    fn json(&self) -> Value {
        json!({"id": self.id, "kind": self.kind, "path": self.doc.path, "title": self.title,
               "status": self.status, "owner": self.owner, "date": self.date, "tags": self.tags})
    }
}

pub fn run(app: &App, args: &ListArgs) -> Result<Exit> {
    let cfg = app.config()?;
    if let Some(k) = &args.filter.kind {
        super::check::ensure_known_kind(&cfg, k)?;
    }
    let ws = app.workspace(cfg, crate::workspace::Mode::WorkTree, true)?;
    let (repo, history) = (ws.corpus, ws.git.history);
    let time = |r: &Row<'_>, created: bool| -> i64 {
        history
            .as_ref()
            .and_then(|h| h.time(&r.doc.path, created))
            .unwrap_or(i64::MIN)
    };
    let mut rows: Vec<Row<'_>> = repo
        .docs
        .iter()
        .filter(|d| d.unreadable.is_none())
        .map(|d| Row::new(&repo, d))
        .filter(|r| keep(r, args))
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &Row<'_>| -> String {
            match args.sort {
                SortKey::Path => String::new(),
                SortKey::Id => r.id.unwrap_or("").to_string(),
                SortKey::Title => r.title.to_lowercase(),
                SortKey::Date => r.date.to_string(),
                SortKey::Status => r.status.to_string(),
                SortKey::Owner => r.owner.to_string(),
                SortKey::Kind => r.kind.to_string(),
                // Zero-padded so that string order is time order (documents without
                // history first).
                SortKey::Created => format!("{:020}", time(r, true).saturating_add(i64::MAX / 2)),
                SortKey::Updated => format!("{:020}", time(r, false).saturating_add(i64::MAX / 2)),
            }
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.doc.path.cmp(&b.doc.path))
    });
    if args.reverse {
        rows.reverse();
    }
    let text = match args.format {
        ListFormat::Paths => rows
            .iter()
            .flat_map(|r| [r.doc.path.as_str(), "\n"])
            .collect(),
        ListFormat::Json => {
            let v: Vec<Value> = rows.iter().map(Row::json).collect();
            serde_json::to_string_pretty(&v)? + "\n"
        }
        ListFormat::Csv => csv(&rows),
        ListFormat::Human => table(&rows),
    };
    super::out(&text)?;
    Ok(Exit::Clean)
}

fn keep(r: &Row<'_>, a: &ListArgs) -> bool {
    a.filter.kind.as_ref().is_none_or(|k| r.kind == k)
        && a.filter.tags.iter().all(|t| r.tags.contains(t))
        && a.filter.owner.as_ref().is_none_or(|o| r.owner == o)
        && a.filter.status.as_ref().is_none_or(|s| r.status == s)
        && a.filter
            .from
            .as_ref()
            .is_none_or(|s| !r.date.is_empty() && r.date.get(..10).unwrap_or(r.date) >= s.as_str())
        && a.filter
            .to
            .as_ref()
            .is_none_or(|u| !r.date.is_empty() && r.date.get(..10).unwrap_or(r.date) <= u.as_str())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[Row<'_>]) -> String {
    let mut out = String::from("id,kind,path,title,status,owner,date,tags\n");
    for r in rows {
        let fields = [
            r.id.unwrap_or(""),
            r.kind,
            &r.doc.path,
            r.title,
            r.status,
            r.owner,
            r.date,
            &r.tags.join(" "),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

fn table(rows: &[Row<'_>]) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            // Document text never reaches the terminal raw (ESC, a newline in a title).
            let p = |s: &str| crate::render::printable(s).into_owned();
            [
                p(r.id.unwrap_or(&r.doc.path)),
                truncate(&p(r.title), 60),
                p(r.status),
                p(r.owner),
                p(r.date),
            ]
        })
        .collect();
    let headers = ["ID/PATH", "TITLE", "STATUS", "OWNER", "DATE"];
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for c in &cells {
        for (w, v) in widths.iter_mut().zip(c.iter()) {
            *w = (*w).max(v.chars().count());
        }
    }
    let line = |vals: &[&str]| {
        let mut s = String::new();
        for (i, v) in vals.iter().enumerate() {
            if i + 1 == vals.len() {
                s.push_str(v);
            } else {
                s.push_str(v);
                s.push_str(&" ".repeat(widths[i] - v.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&headers);
    for c in &cells {
        out.push_str(&line(&c.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
