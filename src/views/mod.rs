//! Generated views of the repository: catalog pages and decision graphs.

pub mod catalog;
pub mod graph;

use serde_json::Value;

use crate::docs::{Corpus, Document};

/// What a view shows of one document.
#[derive(Debug, Clone)]
pub struct Entry<'r> {
    pub doc: &'r Document,
    pub title: String,
    pub status: Option<String>,
    pub owner: Option<String>,
    /// The `date` field's day, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub tags: Vec<String>,
}

impl<'r> Entry<'r> {
    pub fn new(doc: &'r Document) -> Entry<'r> {
        let text = |k: &str| {
            doc.data
                .get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let file = doc.path.rsplit('/').next().unwrap_or(&doc.path);
        Entry {
            doc,
            title: doc
                .title()
                .map_or_else(|| file.to_string(), |t| t.trim().to_string()),
            status: doc.status().map(str::to_string),
            owner: text("owner"),
            date: text("date").map(|d| d.chars().take(10).collect()),
            tags: doc.list_field("tags").into_iter().map(|(t, _)| t).collect(),
        }
    }
}

/// Every document as an entry, newest first: by date, then number, then path.
pub fn entries(repo: &Corpus) -> Vec<Entry<'_>> {
    let mut all: Vec<Entry<'_>> = repo.docs.iter().map(Entry::new).collect();
    all.sort_by(|a, b| {
        let number = |e: &Entry<'_>| e.doc.name.as_ref().and_then(|n| n.number);
        b.date
            .cmp(&a.date)
            .then_with(|| number(b).cmp(&number(a)))
            .then_with(|| a.doc.path.cmp(&b.doc.path))
    });
    all
}
