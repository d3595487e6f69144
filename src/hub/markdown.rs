//! A document's body as HTML, rendered as GitHub renders it (tables, task lists, footnotes,
//! strikethrough, heading anchors with GitHub's slugs), with links to other documents and
//! repository files pointed at the hub's pages, and nothing that runs: raw HTML is shown as
//! text and only `http`, `https` and `mailto` links leave the site.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::docs::links::{Target, resolve};
use crate::docs::{Corpus, Document};

/// Where a link in a document leads on the hub.
pub trait Linker {
    /// The hub URL of the repository path `path` (a document's page, or the copied file),
    /// relative to the page being written; `None` when the hub has no such page.
    fn url(&self, path: &str) -> Option<String>;
}

/// The body of `doc` (after its front matter) as HTML.
pub fn body(corpus: &Corpus, doc: &Document, linker: &dyn Linker) -> String {
    let src = &doc.source[doc.body_start.min(doc.source.len())..];
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut slugs = doc.md.headings.iter().map(|h| h.slug.clone());
    let events = Parser::new_ext(src, opts).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) => Event::Start(Tag::Heading {
            level,
            id: slugs.next().map(CowStr::from),
            classes,
            attrs,
        }),
        // Raw HTML is shown, never run (a document may hold `<script>` or `onerror=`).
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(destination(corpus, doc, &dest_url, linker)),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(destination(corpus, doc, &dest_url, linker)),
            title,
            id,
        }),
        e => e,
    });
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// A link's destination on the hub: another document's page (its fragment kept), a copied
/// repository file, a fragment of this page, or a web address; anything else (`javascript:`,
/// `data:`, a path out of the repository) leads nowhere.
fn destination(corpus: &Corpus, doc: &Document, dest: &str, linker: &dyn Linker) -> String {
    match resolve(&doc.path, dest) {
        Target::SameDocument { fragment } => format!("#{fragment}"),
        Target::Path { path, fragment } => {
            let target = corpus
                .document(&path)
                .map(|d| d.path.clone())
                .or_else(|| corpus.files.is_file(&path).then_some(path));
            match target.and_then(|t| linker.url(&t)) {
                Some(url) => match fragment {
                    Some(f) if !f.is_empty() => format!("{url}#{f}"),
                    _ => url,
                },
                None => "#".to_string(),
            }
        }
        Target::External => {
            let lower = dest.trim().to_ascii_lowercase();
            if ["http://", "https://", "mailto:"]
                .iter()
                .any(|s| lower.starts_with(s))
            {
                dest.trim().to_string()
            } else {
                "#".to_string()
            }
        }
        // Out of the repository.
        Target::Escapes => "#".to_string(),
    }
}
