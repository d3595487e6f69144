//! Queries: words, `"phrases"`, `AND`/`OR`/`-`, `field:value`, flags and date ranges;
//! typo-tolerant matching when exact terms find nothing; snippets with the matched terms.

use std::collections::BTreeMap;
use std::ops::Bound;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{ReloadPolicy, TantivyDocument, Term};

use super::{SearchError, SearchIndex};

#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub query: String,
    pub kind: Option<String>,
    pub tag: Vec<String>,
    pub owner: Option<String>,
    pub status: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: usize,
    pub facets: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub id: Option<String>,
    pub kind: String,
    pub path: String,
    pub title: String,
    pub status: Option<String>,
    pub score: f32,
    /// The best passage of the body.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched.
    #[serde(skip)]
    pub highlights: Vec<std::ops::Range<usize>>,
}

#[derive(Debug, Default)]
pub struct Searched {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Counts per value of tag, kind, status and owner over every match (with `--facets`).
    pub facets: Option<BTreeMap<&'static str, BTreeMap<String, usize>>>,
    /// Typo-tolerant matching was used (exact terms found nothing).
    pub fuzzy: bool,
}

/// True for queries that are plain words (where typo tolerance makes sense).
fn plain_words(q: &str) -> bool {
    !q.trim().is_empty()
        && q.split_whitespace()
            .all(|w| w.chars().all(char::is_alphanumeric) && !matches!(w, "AND" | "OR" | "NOT"))
}

fn lower_term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, &value.to_lowercase()),
        IndexRecordOption::Basic,
    ))
}

/// The longest query accepted, in bytes, and the most words and nesting levels: tantivy's
/// parser recurses per parenthesis and plans every term, so unbounded input exhausts the
/// stack or memory.
pub const MAX_QUERY_BYTES: usize = 1_000;
pub const MAX_QUERY_WORDS: usize = 64;
pub const MAX_QUERY_NESTING: usize = 16;

/// Refuses a query beyond the limits with a message that says which one.
pub fn check_limits(query: &str) -> Result<(), SearchError> {
    let refuse = |message: String| {
        let shown: String = query.chars().take(40).collect();
        let shown = if shown.len() < query.len() {
            format!("{shown}…")
        } else {
            shown
        };
        Err(SearchError::Query {
            query: shown,
            message,
        })
    };
    if query.len() > MAX_QUERY_BYTES {
        return refuse(format!(
            "{} bytes long: a query may have at most {MAX_QUERY_BYTES}",
            query.len()
        ));
    }
    let words = query.split_whitespace().count();
    if words > MAX_QUERY_WORDS {
        return refuse(format!(
            "{words} words: a query may have at most {MAX_QUERY_WORDS}"
        ));
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in query.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_QUERY_NESTING {
        return refuse(format!(
            "parentheses nested {deepest} deep: a query may nest at most {MAX_QUERY_NESTING}"
        ));
    }
    Ok(())
}

pub fn search(idx: &SearchIndex, opts: &SearchOptions) -> Result<Searched, SearchError> {
    check_limits(&opts.query)?;
    let f = idx.fields;
    let reader = idx
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&idx.index, vec![f.title, f.headings, f.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.title, 3.0);
    parser.set_field_boost(f.headings, 1.5);
    let filters = {
        let mut v: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, value) in [
            (f.kind, &opts.kind),
            (f.owner, &opts.owner),
            (f.status, &opts.status),
        ] {
            if let Some(value) = value {
                v.push((Occur::Must, lower_term(field, value)));
            }
        }
        for t in &opts.tag {
            v.push((Occur::Must, lower_term(f.tag, t)));
        }
        if opts.from.is_some() || opts.to.is_some() {
            let bound = |d: &Option<String>, upper: bool| match d {
                Some(d) if upper => {
                    Bound::Included(Term::from_field_text(f.date, &format!("{d}~")))
                }
                Some(d) => Bound::Included(Term::from_field_text(f.date, d)),
                None => Bound::Unbounded,
            };
            v.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(&opts.from, false),
                    bound(&opts.to, true),
                )),
            ));
        }
        v
    };
    let build = |parser: &QueryParser| -> Result<Box<dyn Query>, SearchError> {
        let main: Box<dyn Query> = if opts.query.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            parser
                .parse_query(&opts.query)
                .map_err(|e| SearchError::Query {
                    query: opts.query.clone(),
                    message: e.to_string(),
                })?
        };
        if filters.is_empty() {
            return Ok(main);
        }
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        Ok(Box::new(BooleanQuery::new(clauses)))
    };
    let mut query = build(&parser)?;
    let mut total = searcher.search(&query, &Count)?;
    let mut fuzzy = false;
    if total == 0 && plain_words(&opts.query) {
        for field in [f.title, f.headings, f.body] {
            parser.set_field_fuzzy(field, false, 1, true);
        }
        query = build(&parser)?;
        total = searcher.search(&query, &Count)?;
        fuzzy = true;
    }
    let limit = if opts.facets {
        total.max(1)
    } else {
        opts.limit.max(1)
    };
    let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let mut snippets = SnippetGenerator::create(&searcher, &*query, f.body)?;
    snippets.set_max_num_chars(180);
    let text = |d: &TantivyDocument, field| {
        d.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let mut hits = Vec::new();
    let mut facets: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        if opts.facets {
            for (name, field) in [
                ("tag", f.tag),
                ("kind", f.kind),
                ("status", f.status),
                ("owner", f.owner),
            ] {
                for v in doc.get_all(field).filter_map(|v| v.as_str()) {
                    *facets
                        .entry(name)
                        .or_default()
                        .entry(v.to_string())
                        .or_default() += 1;
                }
            }
            if hits.len() >= opts.limit.max(1) {
                continue;
            }
        }
        let snippet = snippets.snippet_from_doc(&doc);
        hits.push(Hit {
            id: text(&doc, f.id),
            kind: text(&doc, f.kind).unwrap_or_default(),
            path: text(&doc, f.path).unwrap_or_default(),
            title: text(&doc, f.title).unwrap_or_default(),
            status: text(&doc, f.status),
            score,
            snippet: snippet.fragment().replace('\n', " "),
            highlights: snippet.highlighted().to_vec(),
        });
    }
    Ok(Searched {
        total,
        hits,
        facets: opts.facets.then_some(facets),
        fuzzy,
    })
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    #[test]
    fn plain_words_only() {
        assert!(plain_words("retry budget"));
        assert!(!plain_words("\"retry budget\""));
        assert!(!plain_words("tag:storage"));
        assert!(!plain_words("a OR b"));
        assert!(!plain_words(""));
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn deep_and_huge_queries_are_refused() {
        assert!(check_limits("retry AND (budget OR \"error budget\")").is_ok());
        let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = check_limits(&deep).unwrap_err().to_string();
        assert!(e.contains("bytes long"), "{e}");
        let deep = format!("{}x{}", "(".repeat(20), ")".repeat(20));
        let e = check_limits(&deep).unwrap_err().to_string();
        assert!(e.contains("nested 20 deep"), "{e}");
        let many = "w ".repeat(100);
        let e = check_limits(&many).unwrap_err().to_string();
        assert!(e.contains("100 words"), "{e}");
    }
}
