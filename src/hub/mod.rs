//! The hub: the team's memory as web pages. [`build`] makes every page of the static site
//! (`annals site`) from a workspace: the async dashboard, an index per kind, a page per
//! document, tag and person. Everything taken from documents is escaped; no page loads
//! anything from the network.

pub mod markdown;
mod page;
pub mod search;
pub mod serve;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::docs::links::relative;
use crate::docs::{Corpus, Document};
use crate::views::Entry;
use crate::workspace::Workspace;
use crate::workspace::practice::Team;
use page::{esc, layout};

/// Every file of the site by its path in the output folder.
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// A document's page: `docs/decisions/0002-x.html` for `decisions/0002-x.md`; another
/// extension stays in the name (`a.markdown.html`), so `a.md` and `a.markdown` keep a page
/// each.
pub fn doc_page(doc: &Document) -> String {
    let stem = doc.path.strip_suffix(".md").unwrap_or(&doc.path);
    format!("docs/{stem}.html")
}

/// Where a page links to another: relative (the site works from `file://` and any folder),
/// or under `base` when one is given.
struct Urls<'a> {
    from: String,
    base: Option<&'a str>,
}

impl Urls<'_> {
    /// The URL of the site file `page`, its path escaped (a document named `c#.md`).
    fn to(&self, page: &str) -> String {
        let page = crate::text::url_path(page);
        if let Some(b) = self.base {
            return format!("{}/{page}", b.trim_end_matches('/'));
        }
        let url = relative(&crate::text::url_path(&self.from), &page);
        // A first segment with a `:` would be read as a scheme (`javascript:x.html`).
        if url.split('/').next().is_some_and(|s| s.contains(':')) {
            format!("./{url}")
        } else {
            url
        }
    }
}

struct DocLinks<'a> {
    urls: Urls<'a>,
}

impl markdown::Linker for DocLinks<'_> {
    fn url(&self, page: &str) -> String {
        self.urls.to(page)
    }
}

/// Writes the site's pages: each in the layout, with the bar, linking relatively (or under
/// the base URL).
struct Pages<'a> {
    corpus: &'a Corpus,
    base: Option<&'a str>,
}

impl Pages<'_> {
    fn urls(&self, from: &str) -> Urls<'_> {
        Urls {
            from: from.to_string(),
            base: self.base,
        }
    }

    /// The page at `path`, titled `title`, its main part made by `main` with the page's
    /// URLs.
    fn page(&self, path: &str, title: &str, main: impl FnOnce(&Urls<'_>) -> String) -> Vec<u8> {
        let u = self.urls(path);
        let html = main(&u);
        layout(
            title,
            &u.to("assets/style.css"),
            &nav(self.corpus, &u),
            &html,
        )
        .into_bytes()
    }
}

/// A page of a kind's index: its file, what it shows, and its rows.
struct IndexPage<'e, 'r> {
    path: String,
    what: String,
    rows: Vec<&'e Entry<'r>>,
    /// Ordered by creation (`Some(true)`) or last update (`Some(false)`): that date shown.
    order: Option<bool>,
}

/// The whole site.
pub fn build(ws: &Workspace, now: DateTime<Utc>, base: Option<&str>) -> Site {
    use rayon::prelude::*;
    let corpus = &ws.corpus;
    let pages = Pages { corpus, base };
    let mut files = BTreeMap::new();
    files.insert(
        "assets/style.css".to_string(),
        page::STYLE.as_bytes().to_vec(),
    );
    // Marks a folder `annals site` may replace.
    files.insert(
        ".annals-site".to_string(),
        b"made by annals site\n".to_vec(),
    );
    let entries = crate::views::entries(corpus);
    let team = Team::of(&corpus.config);
    let practice = team.practice(ws, now);

    // Documents (the catalogs in kind folders too: documents link to them), each with its
    // source, and the repository files they point at. Pages are independent: made in
    // parallel.
    let docs: Vec<&Document> = corpus.docs.iter().chain(&corpus.catalogs).collect();
    let rendered: Vec<(String, Vec<u8>, BTreeSet<markdown::Publish>)> = docs
        .par_iter()
        .map(|d| {
            let path = doc_page(d);
            let mut published = BTreeSet::new();
            let bytes = pages.page(&path, &title_of(d), |u| {
                let linker = DocLinks {
                    urls: pages.urls(&path),
                };
                let (html, used) = document(ws, d, u, &linker, &practice);
                published = used;
                html
            });
            (path, bytes, published)
        })
        .collect();
    let mut published = BTreeSet::new();
    for (path, bytes, used) in rendered {
        files.insert(path, bytes);
        published.extend(used);
    }
    // Every document's source, for the link to the file in the repository.
    for d in &docs {
        files.insert(format!("files/{}", d.path), d.source.clone().into_bytes());
    }
    for p in published {
        let read = |path: &str| {
            corpus
                .config
                .fs
                .read(path, corpus.config.limits.max_file_size)
                .ok()
        };
        match &p {
            markdown::Publish::Copy(path) => {
                if let Some(bytes) = read(path) {
                    files.insert(p.page(), bytes);
                }
            }
            markdown::Publish::Viewer(path) => {
                let Some(bytes) = read(path) else { continue };
                let page_path = p.page();
                let bytes = pages.page(&page_path, path, |_| viewer(path, &bytes));
                files.insert(page_path, bytes);
            }
        }
    }
    // An index per kind, with a page per status, tag and owner and per order (no script
    // needed): by date (the index itself), by creation and by last update (from history).
    let touched = |e: &Entry<'_>, created: bool| {
        ws.git
            .history
            .as_ref()
            .and_then(|h| h.time(&e.doc.path, created))
            .unwrap_or(i64::MIN)
    };
    for (k, kind) in corpus.config.kinds.iter().enumerate() {
        let all: Vec<&Entry<'_>> = entries.iter().filter(|e| e.doc.kind == k).collect();
        let facets = Facets::of(&all);
        let title = page::capitalise(&page::plural(&kind.name));
        let mut index = vec![IndexPage {
            path: format!("kinds/{}.html", page::file_name(&kind.name)),
            what: "newest first".to_string(),
            rows: all.clone(),
            order: None,
        }];
        for (order, created) in [("created", true), ("updated", false)] {
            let mut rows = all.clone();
            rows.sort_by_key(|e| std::cmp::Reverse(touched(e, created)));
            index.push(IndexPage {
                path: format!("kinds/{}-{order}.html", page::file_name(&kind.name)),
                what: format!("by {order}, newest first"),
                rows,
                order: Some(created),
            });
        }
        for (facet, values) in facets.all() {
            for v in values {
                index.push(IndexPage {
                    path: facet_page(&kind.name, facet, v),
                    what: format!("{facet} {v}"),
                    rows: all
                        .iter()
                        .copied()
                        .filter(|e| Facets::has(e, facet, v))
                        .collect(),
                    order: None,
                });
            }
        }
        let made: Vec<(String, Vec<u8>)> = index
            .par_iter()
            .map(|ip| {
                let bytes = pages.page(&ip.path, &title, |u| {
                    let when = |e: &Entry<'_>| {
                        let t = touched(e, ip.order == Some(true));
                        if t == i64::MIN {
                            return String::new();
                        }
                        day(corpus, crate::workspace::practice::at(t))
                    };
                    let column: Option<Column<'_>> = ip
                        .order
                        .map(|created| (if created { "Created" } else { "Updated" }, &when as _));
                    format!(
                        "<h1>{}</h1>\n<p class=\"count\">{} ({})</p>\n{}{}",
                        esc(&title),
                        esc(&ip.what),
                        ip.rows.len(),
                        facets.bar(&kind.name, &ip.path, u),
                        table_with(&ip.rows, u, column)
                    )
                });
                (ip.path.clone(), bytes)
            })
            .collect();
        files.extend(made);
    }
    // A page per tag and per person.
    let mut tags: BTreeMap<String, Vec<&Entry<'_>>> = BTreeMap::new();
    for e in &entries {
        for t in &e.tags {
            tags.entry(t.clone()).or_default().push(e);
        }
    }
    for (tag, rows) in &tags {
        let page_path = format!("tags/{}.html", page::file_name(tag));
        let bytes = pages.page(&page_path, tag, |u| {
            let mut html = format!("<h1>Tag <code>{}</code></h1>\n", esc(tag));
            if let Some(desc) = corpus.config.tags.get(tag) {
                html.push_str(&format!("<p>{}</p>\n", esc(desc)));
            }
            html.push_str(&table(rows, u));
            html
        });
        files.insert(page_path, bytes);
    }
    let owned_by = |key: &str| -> Vec<&Entry<'_>> {
        entries
            .iter()
            .filter(|e| e.owner.as_deref() == Some(key))
            .collect()
    };
    for (key, person) in &corpus.config.people {
        let page_path = format!("people/{}.html", page::file_name(key));
        let name = person.name.clone().unwrap_or_else(|| key.clone());
        let awaiting: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| {
                practice
                    .awaited(e.doc)
                    .is_some_and(|a| a.pending.iter().any(|p| p == key))
            })
            .collect();
        let bytes = pages.page(&page_path, &name, |u| {
            format!(
                "<h1>{}</h1>\n<p><code>{}</code>{}</p>\n<h2>Awaiting their response</h2>\n{}<h2>Owned</h2>\n{}",
                esc(&name),
                esc(key),
                if person.active {
                    ""
                } else {
                    " · no longer active"
                },
                table(&awaiting, u),
                table(&owned_by(key), u)
            )
        });
        files.insert(page_path, bytes);
    }
    for (key, team) in &corpus.config.teams {
        let page_path = format!("people/{}.html", page::file_name(key));
        let name = team.name.clone().unwrap_or_else(|| key.clone());
        let bytes = pages.page(&page_path, &name, |u| {
            let members: Vec<String> = team.members.iter().map(|m| person_link(m, u)).collect();
            format!(
                "<h1>{}</h1>\n<p>Team <code>{}</code>: {}</p>\n<h2>Owned</h2>\n{}",
                esc(&name),
                esc(key),
                members.join(", "),
                table(&owned_by(key), u)
            )
        });
        files.insert(page_path, bytes);
    }
    // Every tag (the vocabulary's, and any a document uses), and everyone on the roster.
    files.insert(
        "tags/index.html".to_string(),
        pages.page("tags/index.html", "Tags", |u| {
            let mut all: std::collections::BTreeSet<&str> =
                corpus.config.tags.keys().map(String::as_str).collect();
            all.extend(tags.keys().map(String::as_str));
            let mut h = String::from("<h1>Tags</h1>\n<dl class=\"index\">\n");
            for t in all {
                let n = tags.get(t).map_or(0, Vec::len);
                h.push_str(&format!(
                    "<dt>{} ({n})</dt><dd>{}</dd>\n",
                    tag_link(t, u),
                    esc(corpus.config.tags.get(t).map_or("", String::as_str))
                ));
            }
            h.push_str("</dl>\n");
            h
        }),
    );
    files.insert(
        "people/index.html".to_string(),
        pages.page("people/index.html", "People", |u| {
            let mut h = String::from("<h1>People</h1>\n<ul>\n");
            for (key, person) in &corpus.config.people {
                h.push_str(&format!(
                    "<li>{} {}{}</li>\n",
                    person_link(key, u),
                    esc(person.name.as_deref().unwrap_or("")),
                    if person.active {
                        ""
                    } else {
                        " (no longer active)"
                    }
                ));
            }
            h.push_str("</ul>\n<h2>Teams</h2>\n<ul>\n");
            for (key, team) in &corpus.config.teams {
                h.push_str(&format!(
                    "<li>{} {}</li>\n",
                    person_link(key, u),
                    esc(team.name.as_deref().unwrap_or(""))
                ));
            }
            h.push_str("</ul>\n");
            h
        }),
    );
    files.insert(
        "search.html".to_string(),
        search_page(corpus, "", None).into_bytes(),
    );
    files.insert(
        "graph.html".to_string(),
        pages.page("graph.html", "Decision graph", |u| graph(corpus, u)),
    );
    files.insert(
        "timeline.html".to_string(),
        pages.page("timeline.html", "Timeline", |u| {
            timeline(corpus, &entries, u)
        }),
    );
    let search_urls = pages.urls("search.html");
    let found: Vec<(String, String, String)> = corpus
        .docs
        .iter()
        .map(|d| {
            (
                search_urls.to(&doc_page(d)),
                d.id.clone().unwrap_or_default(),
                title_of(d),
            )
        })
        .collect();
    files.extend(search::index(corpus, &found));
    files.insert(
        "search/search.js".to_string(),
        search::SCRIPT.as_bytes().to_vec(),
    );
    // The home page: the team's async dashboard.
    files.insert(
        "index.html".to_string(),
        pages.page("index.html", &corpus.config.project.name, |u| {
            dashboard(corpus, &entries, &practice, now, u)
        }),
    );
    Site { files }
}

/// A file that a browser would run if opened as it is, shown on a page of its own: an SVG as
/// a picture, anything else as text.
fn viewer(path: &str, bytes: &[u8]) -> String {
    let mut s = format!("<h1><code>{}</code></h1>\n", esc(path));
    match markdown::svg_bytes_data(path, bytes) {
        Some(data) => s.push_str(&format!(
            "<p><img src=\"{}\" alt=\"{}\"></p>\n",
            esc(&data),
            esc(path)
        )),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => s.push_str(&format!("<pre>{}</pre>\n", esc(text))),
            Err(_) => s.push_str(&format!(
                "<p class=\"empty\">A file of {} bytes that the hub does not publish as it is.</p>\n",
                bytes.len()
            )),
        },
    }
    s
}

/// The values a kind's index filters by: statuses, tags, owners, each sorted.
struct Facets<'e> {
    statuses: Vec<&'e str>,
    tags: Vec<&'e str>,
    owners: Vec<&'e str>,
}

impl<'e> Facets<'e> {
    fn of(all: &[&'e Entry<'_>]) -> Facets<'e> {
        let sorted = |mut v: Vec<&'e str>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        Facets {
            statuses: sorted(all.iter().filter_map(|e| e.status.as_deref()).collect()),
            tags: sorted(
                all.iter()
                    .flat_map(|e| e.tags.iter().map(String::as_str))
                    .collect(),
            ),
            owners: sorted(all.iter().filter_map(|e| e.owner.as_deref()).collect()),
        }
    }

    fn all(&self) -> [(&'static str, &[&'e str]); 3] {
        [
            ("status", &self.statuses),
            ("tag", &self.tags),
            ("owner", &self.owners),
        ]
    }

    fn has(e: &Entry<'_>, facet: &str, value: &str) -> bool {
        match facet {
            "status" => e.status.as_deref() == Some(value),
            "tag" => e.tags.iter().any(|t| t == value),
            _ => e.owner.as_deref() == Some(value),
        }
    }

    /// The filter bar atop each of the kind's index pages: links, no script; the page shown
    /// is marked, and "all" leads back to the whole index.
    fn bar(&self, kind: &str, current: &str, u: &Urls<'_>) -> String {
        let link = |page: String, label: &str| {
            let here = if page == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"{}\"{here}>{}</a>", esc(&u.to(&page)), esc(label))
        };
        let k = page::file_name(kind);
        let mut s = format!(
            "<nav class=\"filters\" aria-label=\"Order and filters\"><p>Order: {} · {} · {}</p>\n",
            link(format!("kinds/{k}.html"), "date"),
            link(format!("kinds/{k}-created.html"), "created"),
            link(format!("kinds/{k}-updated.html"), "updated"),
        );
        for (facet, values) in self.all() {
            if values.is_empty() {
                continue;
            }
            s.push_str(&format!(
                "<p>{}: {}",
                page::capitalise(facet),
                link(format!("kinds/{k}.html"), "all")
            ));
            for v in values {
                s.push(' ');
                s.push_str(&link(facet_page(kind, facet, v), v));
            }
            s.push_str("</p>\n");
        }
        s.push_str("</nav>\n");
        s
    }
}

/// The page of a kind's index filtered to one value of a facet.
fn facet_page(kind: &str, facet: &str, value: &str) -> String {
    format!(
        "kinds/{}-{facet}-{}.html",
        page::file_name(kind),
        page::file_name(value)
    )
}

/// The bar atop every page: home, an index per kind, the graph, the timeline, the search
/// form.
fn nav(corpus: &Corpus, u: &Urls<'_>) -> String {
    let mut s = format!("<a href=\"{}\">Home</a>", esc(&u.to("index.html")));
    for k in &corpus.config.kinds {
        s.push_str(&format!(
            " <a href=\"{}\">{}</a>",
            esc(&u.to(&format!("kinds/{}.html", page::file_name(&k.name)))),
            esc(&page::plural(&k.name))
        ));
    }
    s.push_str(&format!(
        " <a href=\"{}\">tags</a> <a href=\"{}\">people</a> <a href=\"{}\">graph</a> <a href=\"{}\">timeline</a>",
        esc(&u.to("tags/index.html")),
        esc(&u.to("people/index.html")),
        esc(&u.to("graph.html")),
        esc(&u.to("timeline.html"))
    ));
    s.push_str(&format!(
        " <form role=\"search\" action=\"{}\" method=\"get\"><input type=\"search\" name=\"q\" \
         aria-label=\"Search\" placeholder=\"Search\"></form>",
        esc(&u.to("search.html"))
    ));
    s
}

/// The search page: the form, and what `query` found (under `annals serve`, from the
/// tantivy index, with the same query language and filters as `annals search`).
pub fn search_page(
    corpus: &Corpus,
    query: &str,
    found: Option<Result<crate::search::Searched, String>>,
) -> String {
    let u = Urls {
        from: "search.html".to_string(),
        base: None,
    };
    let mut s = format!(
        "<h1>Search</h1>\n<form role=\"search\" action=\"search.html\" method=\"get\">\
         <input type=\"search\" id=\"q\" name=\"q\" value=\"{}\" aria-label=\"Search\"> \
         <button>Search</button></form>\n",
        esc(query)
    );
    match found {
        // The static site: its own index, searched in the page.
        None => s.push_str(
            "<div id=\"results\" aria-live=\"polite\"><noscript><p class=\"empty\">Search runs \
             in the page: it needs JavaScript (or <code>annals serve</code>).</p></noscript></div>\n\
             <script src=\"search/search.js\"></script>\n",
        ),
        Some(Err(e)) => s.push_str(&format!("<p class=\"empty\">{}</p>\n", esc(&e))),
        Some(Ok(found)) if found.hits.is_empty() => {
            s.push_str(&format!(
                "<p class=\"empty\">No document matches <code>{}</code>.</p>\n",
                esc(query)
            ));
        }
        Some(Ok(found)) => {
            if found.fuzzy {
                s.push_str("<p class=\"count\">No exact matches; showing near matches.</p>\n");
            }
            s.push_str(&format!(
                "<p>{} of {} results</p>\n<ol class=\"hits\">\n",
                found.hits.len(),
                found.total
            ));
            for h in &found.hits {
                let title = match &h.id {
                    Some(id) => format!("{id} {}", h.title),
                    None => h.title.clone(),
                };
                let href = corpus
                    .document(&h.path)
                    .map_or_else(|| "#".to_string(), |d| u.to(&doc_page(d)));
                let snippet = if h.snippet.trim().is_empty() {
                    String::new()
                } else {
                    format!("<p>{}</p>", marked(&h.snippet, &h.highlights))
                };
                s.push_str(&format!(
                    "<li><a href=\"{}\">{}</a>{snippet}</li>\n",
                    esc(&href),
                    esc(&title),
                ));
            }
            s.push_str("</ol>\n");
        }
    }
    layout("Search", &u.to("assets/style.css"), &nav(corpus, &u), &s)
}

/// The decision graph as an ordered list, drawn without network access or a layout engine:
/// each decision (by ID) with what it supersedes, relates to and links to, and what links to
/// it from other kinds.
fn graph(corpus: &Corpus, u: &Urls<'_>) -> String {
    let kind = corpus
        .config
        .kinds
        .iter()
        .position(|k| k.id.is_some())
        .unwrap_or(0);
    let g = crate::views::graph::build(corpus, kind, true);
    let link_to = |identity: &str| {
        corpus
            .find(identity)
            .map_or_else(|| esc(identity), |d| doc_link(d, u))
    };
    let mut s = String::from("<h1>Decision graph</h1>\n");
    if let Some(svg) = drawn(&g, u) {
        s.push_str(&format!(
            "<figure class=\"graph\">{svg}<figcaption>Boxes are decisions, coloured by status \
             (green accepted, yellow proposed or open, red rejected, grey deprecated or \
             superseded); notes are the meetings and briefs that link to them. Solid arrows \
             supersede, dashed lines relate, dotted arrows link. Each box leads to its page.\
             </figcaption></figure>\n"
        ));
    }
    s.push_str("<ol class=\"graph\">\n");
    for n in &g.nodes {
        let me = n.doc.identity();
        s.push_str(&format!("<li>{}", doc_link(n.doc, u)));
        let out: Vec<String> = g
            .edges
            .iter()
            .filter(|(from, _, _)| from == me)
            .map(|(_, rel, to)| format!("{} {}", esc(rel), link_to(to)))
            .collect();
        let incoming: Vec<String> = g
            .edges
            .iter()
            .filter(|(_, _, to)| to == me)
            .map(|(from, rel, _)| {
                let verb = match rel.as_str() {
                    "links" => "links to",
                    "related" => "relates to",
                    r => r,
                };
                format!("{} {} it", link_to(from), esc(verb))
            })
            .collect();
        if !out.is_empty() || !incoming.is_empty() {
            s.push_str("<ul>");
            for e in out.iter().chain(&incoming) {
                s.push_str(&format!("<li>{e}</li>"));
            }
            s.push_str("</ul>");
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ol>\n");
    s
}

/// The graph as an SVG picture, drawn by Graphviz's `dot` when it is installed (no network:
/// a program of this machine) and the graph is small enough to lay out in moments; `None`
/// otherwise, and the list stands alone.
fn drawn(g: &crate::views::graph::Graph<'_>, u: &Urls<'_>) -> Option<String> {
    use std::io::Write;
    const MOST: usize = 400;
    if g.nodes.is_empty() || g.nodes.len() + g.visitors.len() > MOST {
        return None;
    }
    let mut text = crate::views::graph::render(g, crate::views::graph::Format::Dot);
    // Each box leads to its document's page (Graphviz makes it a link in the picture).
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let end = text.rfind('}')?;
    text.truncate(end);
    for e in g.nodes.iter().chain(&g.visitors) {
        text.push_str(&format!(
            "  {} [URL={}, tooltip={}];\n",
            q(e.doc.identity()),
            q(&u.to(&doc_page(e.doc))),
            q(&e.title)
        ));
    }
    text.push_str("}\n");
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let svg = String::from_utf8(out.stdout).ok()?;
    // The picture alone: no XML prolog or doctype inside an HTML page; dot escapes every
    // label, so document text stays text.
    let start = svg.find("<svg")?;
    Some(svg[start..].trim_end().to_string())
}

/// Every document by its date, newest first, a heading per month.
fn timeline(corpus: &Corpus, entries: &[Entry<'_>], u: &Urls<'_>) -> String {
    let mut dated: Vec<&Entry<'_>> = entries.iter().filter(|e| e.date.is_some()).collect();
    dated.sort_by(|a, b| b.date.cmp(&a.date).then(a.doc.path.cmp(&b.doc.path)));
    let mut s = String::from("<h1>Timeline</h1>\n");
    let mut month = String::new();
    for e in dated {
        let date = e.date.as_deref().unwrap_or_default();
        let m = date.get(..7).unwrap_or(date);
        if m != month {
            if !month.is_empty() {
                s.push_str("</ul>\n");
            }
            let heading = chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_or_else(|_| m.to_string(), |d| d.format("%B %Y").to_string());
            s.push_str(&format!(
                "<h2 id=\"{}\">{}</h2>\n<ul>\n",
                esc(m),
                esc(&heading)
            ));
            month = m.to_string();
        }
        s.push_str(&format!(
            "<li><span class=\"date\">{}</span> {} <span class=\"kind\">{}</span>{}</li>\n",
            esc(date),
            doc_link(e.doc, u),
            esc(&corpus.kind_of(e.doc).name),
            e.status.as_deref().map_or_else(String::new, |st| format!(
                " <span class=\"status\">{}</span>",
                esc(st)
            ))
        ));
    }
    if !month.is_empty() {
        s.push_str("</ul>\n");
    }
    s
}

/// A snippet with its matched ranges in `<mark>`, everything escaped.
fn marked(snippet: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > snippet.len()
            || !snippet.is_char_boundary(r.start)
            || !snippet.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&esc(&snippet[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&esc(&snippet[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&esc(&snippet[at..]));
    out
}

fn title_of(d: &Document) -> String {
    d.title().map_or_else(|| d.path.clone(), str::to_string)
}

fn doc_link(d: &Document, u: &Urls<'_>) -> String {
    let label = match &d.id {
        Some(id) => format!("{id} {}", title_of(d)),
        None => title_of(d),
    };
    format!(
        "<a href=\"{}\">{}</a>",
        esc(&u.to(&doc_page(d))),
        esc(&label)
    )
}

fn person_link(key: &str, u: &Urls<'_>) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        esc(&u.to(&format!("people/{}.html", page::file_name(key)))),
        esc(key)
    )
}

fn tag_link(tag: &str, u: &Urls<'_>) -> String {
    format!(
        "<a class=\"tag\" href=\"{}\">{}</a>",
        esc(&u.to(&format!("tags/{}.html", page::file_name(tag)))),
        esc(tag)
    )
}

fn table(rows: &[&Entry<'_>], u: &Urls<'_>) -> String {
    table_with(rows, u, None)
}

/// A column a table may add after the date: its heading, and each row's value.
type Column<'f> = (&'f str, &'f (dyn Fn(&Entry<'_>) -> String + Sync));

fn table_with(rows: &[&Entry<'_>], u: &Urls<'_>, extra: Option<Column<'_>>) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">None.</p>\n".to_string();
    }
    let mut s = String::from(
        "<table>\n<thead><tr><th>Document</th><th>Status</th><th>Owner</th><th>Date</th>",
    );
    if let Some((heading, _)) = extra {
        s.push_str(&format!("<th>{}</th>", esc(heading)));
    }
    s.push_str("<th>Tags</th></tr></thead>\n<tbody>\n");
    for e in rows {
        let tags: Vec<String> = e.tags.iter().map(|t| tag_link(t, u)).collect();
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"date\">{}</td>",
            doc_link(e.doc, u),
            e.status.as_deref().map_or_else(String::new, |st| format!(
                "<span class=\"status\">{}</span>",
                esc(st)
            )),
            e.owner
                .as_deref()
                .map_or_else(String::new, |o| person_link(o, u)),
            esc(e.date.as_deref().unwrap_or("")),
        ));
        if let Some((_, value)) = extra {
            s.push_str(&format!("<td class=\"date\">{}</td>", esc(&value(e))));
        }
        s.push_str(&format!("<td>{}</td></tr>\n", tags.join(" ")));
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A document's page body: metadata, a superseded banner, the text, the backlinks.
fn document(
    ws: &Workspace,
    d: &Document,
    u: &Urls<'_>,
    linker: &DocLinks<'_>,
    practice: &crate::workspace::practice::Practice<'_>,
) -> (String, BTreeSet<markdown::Publish>) {
    let corpus = &ws.corpus;
    let mut s = String::new();
    let by = d.id_list("superseded_by");
    if !by.is_empty() {
        let links: Vec<String> = by
            .iter()
            .map(|(v, _)| {
                corpus
                    .referenced(d, v)
                    .map_or_else(|| esc(v), |t| doc_link(t, u))
            })
            .collect();
        s.push_str(&format!(
            "<p class=\"banner\">Superseded by {}.</p>\n",
            links.join(", ")
        ));
    }
    s.push_str("<dl class=\"meta\">\n");
    let mut row = |k: &str, v: String| {
        if !v.is_empty() {
            s.push_str(&format!("<dt>{}</dt><dd>{v}</dd>\n", esc(k)));
        }
    };
    row("ID", esc(d.id.as_deref().unwrap_or("")));
    row("Kind", esc(&corpus.kind_of(d).name));
    row(
        "Status",
        d.status().map_or_else(String::new, |st| {
            format!("<span class=\"status\">{}</span>", esc(st))
        }),
    );
    row(
        "Owner",
        d.str_field("owner")
            .map_or_else(String::new, |(o, _)| person_link(o, u)),
    );
    row(
        "Date",
        esc(&d
            .str_field("date")
            .map_or_else(String::new, |(v, _)| shown_date(v))),
    );
    let tags: Vec<String> = d
        .list_field("tags")
        .iter()
        .map(|(t, _)| tag_link(t, u))
        .collect();
    row("Tags", tags.join(" "));
    // The rest of the front matter, as `annals show` lists it: people linked to their pages,
    // IDs to their documents.
    let kind = corpus.kind_of(d);
    if let Some(fields) = d.data.as_object() {
        for (key, value) in fields {
            if SHOWN_ABOVE.contains(&key.as_str()) {
                continue;
            }
            let items: Vec<String> = match value {
                serde_json::Value::Array(a) => a.iter().map(scalar).collect(),
                v => vec![scalar(v)],
            };
            let people = kind.names_people(key);
            let html: Vec<String> = items
                .iter()
                .map(|item| {
                    if people
                        && (corpus.config.people.contains_key(item)
                            || corpus.config.teams.contains_key(item))
                    {
                        person_link(item, u)
                    } else if kind.id_fields.contains(key)
                        && let Some(t) = corpus.referenced(d, item)
                    {
                        doc_link(t, u)
                    } else {
                        esc(item)
                    }
                })
                .collect();
            row(
                &page::capitalise(&key.replace(['_', '-'], " ")),
                html.join(", "),
            );
        }
    }
    if let Some(f) = ws.git.history.as_ref().and_then(|h| h.get(&d.path)) {
        let day_of = |t: i64| day(corpus, crate::workspace::practice::at(t));
        row(
            "Created",
            f.created
                .as_ref()
                .map_or_else(String::new, |t| esc(&day_of(t.time))),
        );
        row(
            "Updated",
            f.updated()
                .map_or_else(String::new, |t| esc(&day_of(t.time))),
        );
        // Who wrote it: the commit authors, by the roster's emails, in order of their first
        // commit; an author the roster does not know by the name before the `@` (a published
        // site lists no addresses).
        let mut authors: Vec<String> = Vec::new();
        for t in f.created.iter().chain(&f.touches) {
            let who = practice.by_email.get(&t.email.to_lowercase()).map_or_else(
                || esc(t.email.split('@').next().unwrap_or_default()),
                |p| person_link(p, u),
            );
            if !authors.contains(&who) {
                authors.push(who);
            }
        }
        row("Authors", authors.join(", "));
    }
    if let Some(a) = practice.awaited(d)
        && !a.pending.is_empty()
    {
        let who: Vec<String> = a.pending.iter().map(|p| person_link(p, u)).collect();
        row(
            "Awaiting",
            format!(
                "{} (due {})",
                who.join(", "),
                esc(&local(corpus, a.deadline))
            ),
        );
    }
    row(
        "File",
        format!(
            "<a href=\"{}\"><code>{}</code></a>",
            esc(&u.to(&format!("files/{}", d.path))),
            esc(&d.path)
        ),
    );
    s.push_str("</dl>\n");
    // The document's own title first, then what is known of it, then the rest of its text.
    let body = markdown::body(corpus, d, linker);
    let (title, rest) = match body.html.find("</h1>\n") {
        Some(end) if body.html.starts_with("<h1") => body.html.split_at(end + 6),
        _ => ("", body.html.as_str()),
    };
    s = format!("<article>\n{title}{s}{rest}</article>\n");
    let back = ws.inbound(&d.path);
    if !back.is_empty() {
        s.push_str("<h2 class=\"backlinks\">Linked from</h2>\n<ul>\n");
        for b in back {
            s.push_str(&format!("<li>{}</li>\n", doc_link(b, u)));
        }
        s.push_str("</ul>\n");
    }
    (s, body.files)
}

/// The front-matter fields a document page shows in rows of their own (or as its banner).
const SHOWN_ABOVE: &[&str] = &[
    "title",
    "id",
    "status",
    "owner",
    "date",
    "tags",
    "superseded_by",
];

/// A front-matter value as text (a list's items one by one).
fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// A `date` as people read it: `2026-10-01T14:00` as `2026-10-01 14:00`.
fn shown_date(v: &str) -> String {
    match v.split_once('T') {
        Some((day, time)) if day.len() == 10 => format!("{day} {time}"),
        _ => v.to_string(),
    }
}

/// An instant in the project's time zone, as `check` prints deadlines.
fn local(corpus: &Corpus, t: DateTime<Utc>) -> String {
    in_zone(corpus, t, "%Y-%m-%d %H:%M")
}

/// An instant's day in the project's time zone.
fn day(corpus: &Corpus, t: DateTime<Utc>) -> String {
    in_zone(corpus, t, "%Y-%m-%d")
}

fn in_zone(corpus: &Corpus, t: DateTime<Utc>, format: &str) -> String {
    t.with_timezone(&corpus.config.project.timezone)
        .format(format)
        .to_string()
}

/// Whether a meeting's agenda was posted in time (A001's measure), in words.
fn agenda(practice: &crate::workspace::practice::Practice<'_>, doc: &Document) -> String {
    let Some(a) = practice.agenda(doc) else {
        return String::new();
    };
    let ahead = crate::config::Duration::secs(a.ahead.max(0)).to_string_rounded();
    let (class, what) = match (a.on_time(), a.committed, &a.unverified) {
        (true, true, _) => ("", format!("on time: posted {ahead} ahead")),
        (true, false, _) => (
            "",
            format!(
                "not committed yet: commit within {} to be on time",
                crate::config::Duration::secs(a.ahead - a.lead.seconds()).to_string_rounded()
            ),
        ),
        (false, _, Some(_)) => ("", "posted, when is not known (shallow clone)".to_string()),
        (false, true, None) => (
            " class=\"overdue\"",
            format!("late: posted {ahead} ahead, {} expected", a.lead),
        ),
        (false, false, None) => (
            " class=\"overdue\"",
            format!("late: not committed, {ahead} ahead, {} expected", a.lead),
        ),
    };
    format!("<span{class}>{}</span>", esc(&what))
}

/// The home page: what awaits whom (overdue first), upcoming meetings, recent decisions,
/// stale documents.
fn dashboard(
    corpus: &Corpus,
    entries: &[Entry<'_>],
    practice: &crate::workspace::practice::Practice<'_>,
    now: DateTime<Utc>,
    u: &Urls<'_>,
) -> String {
    let mut s = format!("<h1>{}</h1>\n", esc(&corpus.config.project.name));
    // Awaiting responses.
    let mut awaiting: Vec<(bool, DateTime<Utc>, &Entry<'_>, Vec<String>)> = entries
        .iter()
        .filter_map(|e| {
            let a = practice.awaited(e.doc)?;
            (!a.pending.is_empty()).then(|| (now > a.deadline, a.deadline, e, a.pending))
        })
        .collect();
    awaiting.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    s.push_str("<h2>Awaiting responses</h2>\n");
    if awaiting.is_empty() {
        s.push_str("<p class=\"empty\">Nothing awaits a response.</p>\n");
    } else {
        s.push_str("<ul>\n");
        for (overdue, deadline, e, pending) in &awaiting {
            let who: Vec<String> = pending.iter().map(|p| person_link(p, u)).collect();
            s.push_str(&format!(
                "<li>{}{} — from {} (due {})</li>\n",
                if *overdue {
                    "<strong class=\"overdue\">overdue</strong> "
                } else {
                    ""
                },
                doc_link(e.doc, u),
                who.join(", "),
                esc(&local(corpus, *deadline))
            ));
        }
        s.push_str("</ul>\n");
    }
    // Upcoming meetings: dated from today on, soonest first.
    let today = day(corpus, now);
    let mut meetings: Vec<&Entry<'_>> = entries
        .iter()
        .filter(|e| corpus.kind_of(e.doc).builtin == Some(crate::config::Builtin::Meeting))
        .filter(|e| e.date.as_deref().is_some_and(|d| d >= today.as_str()))
        .collect();
    meetings.sort_by(|a, b| a.date.cmp(&b.date));
    s.push_str("<h2>Upcoming meetings</h2>\n");
    if meetings.is_empty() {
        s.push_str("<p class=\"empty\">None.</p>\n");
    } else {
        s.push_str(
            "<table>\n<thead><tr><th>Meeting</th><th>Date</th><th>Owner</th><th>Agenda</th></tr></thead>\n<tbody>\n",
        );
        for e in &meetings {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                doc_link(e.doc, u),
                esc(e.date.as_deref().unwrap_or("")),
                e.owner
                    .as_deref()
                    .map_or_else(String::new, |o| person_link(o, u)),
                agenda(practice, e.doc)
            ));
        }
        s.push_str("</tbody>\n</table>\n");
    }
    // Recent decisions.
    let mut decisions: Vec<&Entry<'_>> = entries
        .iter()
        .filter(|e| corpus.kind_of(e.doc).builtin == Some(crate::config::Builtin::Decision))
        .collect();
    decisions.sort_by(|a, b| b.date.cmp(&a.date).then(a.doc.path.cmp(&b.doc.path)));
    decisions.truncate(10);
    s.push_str("<h2>Recent decisions</h2>\n");
    s.push_str(&table(&decisions, u));
    // Stale documents.
    let stale: Vec<(&Entry<'_>, String)> = entries
        .iter()
        .filter_map(|e| practice.stale(e.doc).map(|why| (e, why)))
        .collect();
    s.push_str("<h2>Stale</h2>\n");
    if stale.is_empty() {
        s.push_str("<p class=\"empty\">Nothing is stale.</p>\n");
    } else {
        s.push_str("<ul>\n");
        for (e, why) in stale {
            s.push_str(&format!(
                "<li>{} — {}</li>\n",
                doc_link(e.doc, u),
                esc(&why)
            ));
        }
        s.push_str("</ul>\n");
    }
    s
}
