//! The hub: the team's memory as web pages. [`build`] makes every page of the static site
//! (`annals site`) from a workspace: the async dashboard, an index per kind, a page per
//! document, tag and person. Everything taken from documents is escaped; no page loads
//! anything from the network.

pub mod markdown;
mod page;
pub mod search;
pub mod serve;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::docs::links::{Target, relative, resolve};
use crate::docs::{Corpus, Document};
use crate::views::Entry;
use crate::workspace::Workspace;
use crate::workspace::practice::Team;
use page::{esc, layout};

/// Every file of the site by its path in the output folder.
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// A document's page.
pub fn doc_page(doc: &Document) -> String {
    let stem = doc
        .path
        .strip_suffix(".md")
        .or_else(|| doc.path.strip_suffix(".markdown"))
        .unwrap_or(&doc.path);
    format!("docs/{stem}.html")
}

/// Where a page links to another: relative (the site works from `file://` and any folder),
/// or under `base` when one is given.
struct Urls<'a> {
    from: String,
    base: Option<&'a str>,
}

impl Urls<'_> {
    fn to(&self, page: &str) -> String {
        match self.base {
            Some(b) => format!("{}/{page}", b.trim_end_matches('/')),
            None => relative(&self.from, page),
        }
    }
}

struct DocLinks<'a> {
    corpus: &'a Corpus,
    urls: Urls<'a>,
}

impl markdown::Linker for DocLinks<'_> {
    fn url(&self, path: &str) -> Option<String> {
        Some(match self.corpus.document(path) {
            Some(d) => self.urls.to(&doc_page(d)),
            None => self.urls.to(&format!("files/{path}")),
        })
    }
}

/// The whole site.
pub fn build(ws: &Workspace, now: DateTime<Utc>, base: Option<&str>) -> Site {
    let corpus = &ws.corpus;
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
    let urls = |from: &str| Urls {
        from: from.to_string(),
        base,
    };
    let nav = |u: &Urls<'_>| nav(corpus, u);
    let entries = crate::views::entries(corpus);
    let back = backlinks(corpus);
    let team = Team::of(&corpus.config);
    let practice = team.practice(ws, now);

    // Documents (the catalogs in kind folders too: documents link to them), and the
    // repository files they link to.
    let mut linked_files = std::collections::BTreeSet::new();
    for d in corpus.docs.iter().chain(&corpus.catalogs) {
        let page_path = doc_page(d);
        let u = urls(&page_path);
        let linker = DocLinks {
            corpus,
            urls: urls(&page_path),
        };
        for l in &d.md.links {
            if let Target::Path { path, .. } = resolve(&d.path, &l.dest)
                && corpus.document(&path).is_none()
                && corpus.files.is_file(&path)
            {
                linked_files.insert(path);
            }
        }
        let html = document(&back, corpus, ws, d, &u, &linker, &practice);
        files.insert(
            page_path.clone(),
            layout(&title_of(d), &u.to("assets/style.css"), &nav(&u), &html).into_bytes(),
        );
    }
    for path in linked_files {
        if let Ok(bytes) = corpus
            .config
            .fs
            .read(&path, corpus.config.limits.max_file_size)
        {
            files.insert(format!("files/{path}"), bytes);
        }
    }
    // An index per kind, with a page per status and per order (no script needed): by date
    // (the index itself), by creation and by last update (from history).
    let touched = |e: &Entry<'_>, created: bool| {
        ws.git
            .history
            .as_ref()
            .and_then(|h| h.get(&e.doc.path))
            .and_then(|f| {
                if created {
                    f.created.as_ref()
                } else {
                    f.updated()
                }
            })
            .map_or(i64::MIN, |t| t.time)
    };
    for (k, kind) in corpus.config.kinds.iter().enumerate() {
        let all: Vec<&Entry<'_>> = entries.iter().filter(|e| e.doc.kind == k).collect();
        let mut statuses: Vec<&str> = all.iter().filter_map(|e| e.status.as_deref()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        let title = page::capitalise(&page::plural(&kind.name));
        let mut pages: Vec<(String, String, Vec<&Entry<'_>>)> = vec![(
            format!("kinds/{}.html", kind.name),
            "newest first".to_string(),
            all.clone(),
        )];
        for (order, created) in [("created", true), ("updated", false)] {
            let mut rows = all.clone();
            rows.sort_by_key(|e| std::cmp::Reverse(touched(e, created)));
            pages.push((
                format!("kinds/{}-{order}.html", kind.name),
                format!("by {order}, newest first"),
                rows,
            ));
        }
        for st in &statuses {
            let rows = all
                .iter()
                .copied()
                .filter(|e| e.status.as_deref() == Some(*st))
                .collect();
            pages.push((
                format!("kinds/{}-status-{}.html", kind.name, page::file_name(st)),
                format!("status {st}"),
                rows,
            ));
        }
        for (page_path, what, rows) in &pages {
            let u = urls(page_path);
            let mut filters = format!(
                "<p class=\"filters\">Order: <a href=\"{}\">date</a> · <a href=\"{}\">created</a> · \
                 <a href=\"{}\">updated</a>",
                esc(&u.to(&format!("kinds/{}.html", kind.name))),
                esc(&u.to(&format!("kinds/{}-created.html", kind.name))),
                esc(&u.to(&format!("kinds/{}-updated.html", kind.name)))
            );
            if !statuses.is_empty() {
                filters.push_str(" — Status:");
                for st in &statuses {
                    filters.push_str(&format!(
                        " <a href=\"{}\">{}</a>",
                        esc(&u.to(&format!(
                            "kinds/{}-status-{}.html",
                            kind.name,
                            page::file_name(st)
                        ))),
                        esc(st)
                    ));
                }
            }
            filters.push_str("</p>\n");
            let html = format!(
                "<h1>{}</h1>\n<p class=\"empty\">{} ({})</p>\n{filters}{}",
                esc(&title),
                esc(what),
                rows.len(),
                table(rows, &u)
            );
            files.insert(
                page_path.clone(),
                layout(&title, &u.to("assets/style.css"), &nav(&u), &html).into_bytes(),
            );
        }
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
        let u = urls(&page_path);
        let mut html = format!("<h1>Tag <code>{}</code></h1>\n", esc(tag));
        if let Some(desc) = corpus.config.tags.get(tag) {
            html.push_str(&format!("<p>{}</p>\n", esc(desc)));
        }
        html.push_str(&table(rows, &u));
        files.insert(
            page_path,
            layout(tag, &u.to("assets/style.css"), &nav(&u), &html).into_bytes(),
        );
    }
    for (key, person) in &corpus.config.people {
        let page_path = format!("people/{}.html", page::file_name(key));
        let u = urls(&page_path);
        let name = person.name.clone().unwrap_or_else(|| key.clone());
        let owned: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| e.owner.as_deref() == Some(key.as_str()))
            .collect();
        let awaiting: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| {
                practice
                    .awaited(e.doc)
                    .is_some_and(|a| a.pending.iter().any(|p| p == key))
            })
            .collect();
        let html = format!(
            "<h1>{}</h1>\n<p><code>{}</code>{}</p>\n<h2>Awaiting their response</h2>\n{}<h2>Owned</h2>\n{}",
            esc(&name),
            esc(key),
            if person.active {
                ""
            } else {
                " · no longer active"
            },
            table(&awaiting, &u),
            table(&owned, &u)
        );
        files.insert(
            page_path,
            layout(&name, &u.to("assets/style.css"), &nav(&u), &html).into_bytes(),
        );
    }
    for (key, team) in &corpus.config.teams {
        let page_path = format!("people/{}.html", page::file_name(key));
        let u = urls(&page_path);
        let name = team.name.clone().unwrap_or_else(|| key.clone());
        let members: Vec<String> = team.members.iter().map(|m| person_link(m, &u)).collect();
        let owned: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| e.owner.as_deref() == Some(key.as_str()))
            .collect();
        let html = format!(
            "<h1>{}</h1>\n<p>Team <code>{}</code>: {}</p>\n<h2>Owned</h2>\n{}",
            esc(&name),
            esc(key),
            members.join(", "),
            table(&owned, &u)
        );
        files.insert(
            page_path,
            layout(&name, &u.to("assets/style.css"), &nav(&u), &html).into_bytes(),
        );
    }
    files.insert(
        "search.html".to_string(),
        search_page(corpus, "", None).into_bytes(),
    );
    let u = urls("graph.html");
    files.insert(
        "graph.html".to_string(),
        layout(
            "Decision graph",
            &u.to("assets/style.css"),
            &nav(&u),
            &graph(corpus, &u),
        )
        .into_bytes(),
    );
    let u = urls("timeline.html");
    files.insert(
        "timeline.html".to_string(),
        layout(
            "Timeline",
            &u.to("assets/style.css"),
            &nav(&u),
            &timeline(&entries, &u),
        )
        .into_bytes(),
    );
    let search_urls = urls("search.html");
    let pages: Vec<(String, String, String)> = corpus
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
    files.extend(search::index(corpus, &pages));
    files.insert(
        "search/search.js".to_string(),
        search::SCRIPT.as_bytes().to_vec(),
    );
    // The home page: the team's async dashboard.
    let u = urls("index.html");
    let html = dashboard(corpus, &entries, &practice, now, &u);
    files.insert(
        "index.html".to_string(),
        layout(
            &corpus.config.project.name,
            &u.to("assets/style.css"),
            &nav(&u),
            &html,
        )
        .into_bytes(),
    );
    Site { files }
}

/// The bar atop every page: home, an index per kind, the graph, the timeline, the search
/// form.
fn nav(corpus: &Corpus, u: &Urls<'_>) -> String {
    let mut s = format!("<a href=\"{}\">Home</a>", esc(&u.to("index.html")));
    for k in &corpus.config.kinds {
        s.push_str(&format!(
            " <a href=\"{}\">{}</a>",
            esc(&u.to(&format!("kinds/{}.html", k.name))),
            esc(&page::plural(&k.name))
        ));
    }
    s.push_str(&format!(
        " <a href=\"{}\">graph</a> <a href=\"{}\">timeline</a>",
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
                s.push_str(&format!(
                    "<li><a href=\"{}\">{}</a><p>{}</p></li>\n",
                    esc(&href),
                    esc(&title),
                    marked(&h.snippet, &h.highlights)
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
    if let Some(svg) = drawn(&g) {
        s.push_str(&format!("<figure class=\"graph\">{svg}</figure>\n"));
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
            .map(|(from, rel, _)| format!("{} from {}", esc(rel), link_to(from)))
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
fn drawn(g: &crate::views::graph::Graph<'_>) -> Option<String> {
    use std::io::Write;
    const MOST: usize = 400;
    if g.nodes.is_empty() || g.nodes.len() + g.visitors.len() > MOST {
        return None;
    }
    let text = crate::views::graph::render(g, crate::views::graph::Format::Dot);
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
fn timeline(entries: &[Entry<'_>], u: &Urls<'_>) -> String {
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
            s.push_str(&format!("<h2>{}</h2>\n<ul>\n", esc(m)));
            month = m.to_string();
        }
        s.push_str(&format!("<li>{} {}</li>\n", esc(date), doc_link(e.doc, u)));
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
    if rows.is_empty() {
        return "<p class=\"empty\">None.</p>\n".to_string();
    }
    let mut s = String::from(
        "<table>\n<thead><tr><th>Document</th><th>Status</th><th>Owner</th><th>Date</th><th>Tags</th></tr></thead>\n<tbody>\n",
    );
    for e in rows {
        let tags: Vec<String> = e.tags.iter().map(|t| tag_link(t, u)).collect();
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            doc_link(e.doc, u),
            e.status.as_deref().map_or_else(String::new, |st| format!(
                "<span class=\"status\">{}</span>",
                esc(st)
            )),
            e.owner
                .as_deref()
                .map_or_else(String::new, |o| person_link(o, u)),
            esc(e.date.as_deref().unwrap_or("")),
            tags.join(" ")
        ));
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A document's page body: metadata, a superseded banner, the text, the backlinks.
fn document(
    back: &BTreeMap<&str, Vec<&Document>>,
    corpus: &Corpus,
    ws: &Workspace,
    d: &Document,
    u: &Urls<'_>,
    linker: &DocLinks<'_>,
    practice: &crate::workspace::practice::Practice<'_>,
) -> String {
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
    row("Date", esc(d.str_field("date").map_or("", |(v, _)| v)));
    let tags: Vec<String> = d
        .list_field("tags")
        .iter()
        .map(|(t, _)| tag_link(t, u))
        .collect();
    row("Tags", tags.join(" "));
    if let Some(f) = ws.git.history.as_ref().and_then(|h| h.get(&d.path)) {
        let day = |t: i64| {
            crate::workspace::practice::at(t)
                .with_timezone(&corpus.config.project.timezone)
                .format("%Y-%m-%d")
                .to_string()
        };
        row(
            "Created",
            f.created
                .as_ref()
                .map_or_else(String::new, |t| esc(&day(t.time))),
        );
        row(
            "Updated",
            f.updated().map_or_else(String::new, |t| esc(&day(t.time))),
        );
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
                esc(&a.deadline.format("%Y-%m-%d %H:%M UTC").to_string())
            ),
        );
    }
    row("File", format!("<code>{}</code>", esc(&d.path)));
    s.push_str("</dl>\n<article>\n");
    s.push_str(&markdown::body(corpus, d, linker));
    s.push_str("</article>\n");
    let back = back.get(d.path.as_str()).map_or(&[][..], Vec::as_slice);
    if !back.is_empty() {
        s.push_str("<h2 class=\"backlinks\">Linked from</h2>\n<ul>\n");
        for b in back {
            s.push_str(&format!("<li>{}</li>\n", doc_link(b, u)));
        }
        s.push_str("</ul>\n");
    }
    s
}

/// For every document, the documents whose links or ID fields point at it, in path order:
/// one pass over every reference.
fn backlinks(corpus: &Corpus) -> BTreeMap<&str, Vec<&Document>> {
    let mut out: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for o in &corpus.docs {
        let mut targets: Vec<&str> = Vec::new();
        for l in &o.md.links {
            if let Target::Path { path, .. } = resolve(&o.path, &l.dest)
                && let Some(t) = corpus.document(&path)
            {
                targets.push(&t.path);
            }
        }
        for f in &corpus.kind_of(o).id_fields {
            for (v, _) in o.id_list(f) {
                if let Some(t) = corpus.referenced(o, &v) {
                    targets.push(&t.path);
                }
            }
        }
        targets.sort_unstable();
        targets.dedup();
        for t in targets {
            if t != o.path {
                out.entry(t).or_default().push(o);
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.path.cmp(&b.path));
    }
    out
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
                esc(&deadline.format("%Y-%m-%d %H:%M UTC").to_string())
            ));
        }
        s.push_str("</ul>\n");
    }
    // Upcoming meetings: dated from today on, soonest first.
    let today = now
        .with_timezone(&corpus.config.project.timezone)
        .format("%Y-%m-%d")
        .to_string();
    let mut meetings: Vec<&Entry<'_>> = entries
        .iter()
        .filter(|e| corpus.kind_of(e.doc).builtin == Some(crate::config::Builtin::Meeting))
        .filter(|e| e.date.as_deref().is_some_and(|d| d >= today.as_str()))
        .collect();
    meetings.sort_by(|a, b| a.date.cmp(&b.date));
    s.push_str("<h2>Upcoming meetings</h2>\n");
    s.push_str(&table(&meetings, u));
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
        .filter(|e| e.doc.reads_metadata(corpus.kind_of(e.doc)))
        .filter_map(|e| practice.staleness(e.doc).map(|why| (e, why)))
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
