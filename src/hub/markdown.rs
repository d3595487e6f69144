//! A document's body as HTML, rendered as GitHub renders it (tables, task lists, footnotes,
//! strikethrough, heading anchors with GitHub's slugs, raw HTML), then sanitised with
//! `ammonia` as GitHub sanitises it: nothing that runs survives (`<script>`, `on…=`
//! handlers, `javascript:` and `data:` addresses, forms, frames, styles), and only `http`,
//! `https` and `mailto` links leave the site. Every relative address, from markdown or from
//! raw HTML, is pointed at the hub: another document's page (its fragment kept), or a
//! repository file the site publishes.
//!
//! Only files no browser runs (pictures, PDF, text, archives) are published as they are.
//! An SVG picture is inlined as a `data:` image (an `<img>` runs no script), and a link to
//! any other file (SVG, HTML, XML, a feed, a file of a type not known here) leads to a page
//! that shows it as a picture or as text.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Mutex;

use base64::Engine as _;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::docs::links::{Target, resolve};
use crate::docs::{Corpus, Document};

/// Where a link in a document leads on the hub.
pub trait Linker: Sync {
    /// The hub URL of the site file `page` (a document's page, a published file, a viewer
    /// page), relative to the page being written.
    fn url(&self, page: &str) -> String;
}

/// How the site publishes a repository file that a document points at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Publish {
    /// As it is, at `files/PATH`.
    Copy(String),
    /// On a page of its own, `files/PATH.html`, as a picture (SVG) or as text: a browser
    /// might run it if it were opened as it is.
    Viewer(String),
}

impl Publish {
    /// The site file it becomes.
    pub fn page(&self) -> String {
        match self {
            Publish::Copy(p) => format!("files/{p}"),
            Publish::Viewer(p) => format!("files/{p}.html"),
        }
    }
}

/// A rendered body, and the repository files it points at.
pub struct Body {
    pub html: String,
    pub files: BTreeSet<Publish>,
}

/// Whether the site may publish a file as it is: a picture, a document, text or an archive,
/// which no browser runs. Anything else (SVG, HTML, XML, feeds, scripts, files of types not
/// known here) is shown on a page of its own instead: opened as it is, a browser might run
/// it in the site's origin.
pub fn inert(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "webp"
            | "avif"
            | "bmp"
            | "ico"
            | "pdf"
            | "txt"
            | "md"
            | "markdown"
            | "csv"
            | "tsv"
            | "json"
            | "yaml"
            | "yml"
            | "toml"
            | "log"
            | "mp4"
            | "webm"
            | "mov"
            | "mp3"
            | "ogg"
            | "oga"
            | "wav"
            | "m4a"
            | "zip"
            | "gz"
            | "tgz"
            | "tar"
            | "7z"
            | "docx"
            | "xlsx"
            | "pptx"
            | "odt"
            | "ods"
            | "odp"
    )
}

/// An SVG picture as a `data:` address, for an `<img>`; `None` for another file, or one
/// that cannot be read.
pub fn svg_data(corpus: &Corpus, path: &str) -> Option<String> {
    if !is_svg(path) {
        return None;
    }
    let bytes = corpus
        .config
        .fs
        .read(path, corpus.config.limits.max_file_size)
        .ok()?;
    svg_bytes_data(path, &bytes)
}

/// [`svg_data`] of bytes already read.
pub fn svg_bytes_data(path: &str, bytes: &[u8]) -> Option<String> {
    is_svg(path).then(|| {
        format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    })
}

fn is_svg(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case("svg"))
}

/// Marks an address an `<img>` (or another element that only shows a file) holds, for the
/// one place that points addresses at the hub. It begins with `#`, so ammonia takes it for a
/// relative address and hands it over.
const IMAGE: &str = "#annals:image:";

/// The body of `doc` (after its front matter) as sanitised HTML.
pub fn body(corpus: &Corpus, doc: &Document, linker: &dyn Linker) -> Body {
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
        e => e,
    });
    let mut raw = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, events);
    // Table alignment as classes: the hub's pages allow no inline style.
    let raw = raw
        .replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"");
    let files = Mutex::new(BTreeSet::new());
    let html = sanitiser(corpus, doc, linker, &files)
        .clean(&raw)
        .to_string();
    Body {
        html,
        files: files.into_inner().unwrap_or_default(),
    }
}

/// ammonia's defaults (GitHub's allow-list, near enough) and what GitHub's rendering needs:
/// heading and footnote ids, task-list check boxes (never editable), `<details open>`,
/// table alignment classes.
fn sanitiser<'a>(
    corpus: &'a Corpus,
    doc: &'a Document,
    linker: &'a dyn Linker,
    files: &'a Mutex<BTreeSet<Publish>>,
) -> ammonia::Builder<'a> {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input"])
        .add_generic_attributes(["id"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("th", ["align-left", "align-center", "align-right"])
        .add_allowed_classes("td", ["align-left", "align-center", "align-right"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            let shows = matches!(
                (element, attribute),
                ("img" | "source" | "video" | "audio" | "track", "src") | ("video", "poster")
            );
            Some(if shows && is_relative(value) {
                Cow::Owned(format!("{IMAGE}{value}"))
            } else {
                Cow::Borrowed(value)
            })
        })
        .url_relative(ammonia::UrlRelative::Custom(Box::new(Relative {
            corpus,
            doc,
            linker,
            files,
        })));
    b
}

/// Points the relative addresses ammonia hands over at the hub.
struct Relative<'a> {
    corpus: &'a Corpus,
    doc: &'a Document,
    linker: &'a dyn Linker,
    files: &'a Mutex<BTreeSet<Publish>>,
}

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Relative<'a> {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        let (dest, image) = match url.strip_prefix(IMAGE) {
            Some(d) => (d, true),
            None => (url, false),
        };
        destination(self.corpus, self.doc, dest, image, self.linker, self.files).map(Cow::Owned)
    }
}

/// Whether ammonia will take `url` for a relative address: one without a scheme.
fn is_relative(url: &str) -> bool {
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.is_empty() && !s.contains(['/', '?', '#']));
    scheme.is_none()
}

/// A relative address's destination on the hub: another document's page (its fragment
/// kept), a published repository file, or a fragment of this page; `None` (the attribute
/// goes) for anything else: a path out of the repository, a file that is not there.
fn destination(
    corpus: &Corpus,
    doc: &Document,
    dest: &str,
    image: bool,
    linker: &dyn Linker,
    files: &Mutex<BTreeSet<Publish>>,
) -> Option<String> {
    let (path, fragment) = match resolve(&doc.path, dest) {
        Target::SameDocument { fragment } => return Some(format!("#{fragment}")),
        Target::Path { path, fragment } => (path, fragment),
        Target::External | Target::Escapes => return None,
    };
    let with_fragment = |url: String| match &fragment {
        Some(f) if !f.is_empty() => format!("{url}#{f}"),
        _ => url,
    };
    if let Some(d) = corpus.document(&path) {
        return Some(with_fragment(linker.url(&super::doc_page(d))));
    }
    if !corpus.files.is_file(&path) {
        return None;
    }
    if image && let Some(data) = svg_data(corpus, &path) {
        return Some(data);
    }
    let publish = if inert(&path) {
        Publish::Copy(path)
    } else {
        Publish::Viewer(path)
    };
    let url = linker.url(&publish.page());
    if let Ok(mut f) = files.lock() {
        f.insert(publish);
    }
    Some(with_fragment(url))
}
