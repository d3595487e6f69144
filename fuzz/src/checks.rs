//! The fuzz targets' bodies: each takes one raw input, calls annals' parsers on it and
//! asserts what must hold for any input (no panic, spans that slice the source, slugs of the
//! promised shape...).
//!
//! Shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, through the `annals_fuzz` lib)
//! and by the regression tests (`tests/integration/fuzz_regressions.rs` includes this file
//! by path), so a replayed input goes through exactly the calls the fuzzer made. It must only
//! use `annals`, `std` and `tempfile`.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use annals::config::Config;
use annals::docs::frontmatter::{self, FrontMatter};
use annals::docs::links::{self, Target};
use annals::docs::markdown::Markdown;
use annals::docs::slug::{self, Slugger};
use annals::docs::{Classifier, Document};
use annals::pattern::{self, NamePattern, Values};
use annals::search::{SearchIndex, SearchOptions, search};

/// Where the documents fed to the document pipeline claim to live.
const DOC_PATHS: [&str; 2] = ["decisions/0001-fuzz-input.md", "README.md"];

/// A repository root that does not exist (`Config` only probes it for folders).
const NO_ROOT: &str = "/nonexistent/annals-fuzz-root";

/// Panics unless `span` lies inside `src` on character boundaries; returns its text.
fn slice<'s>(src: &'s str, span: &Range<usize>, what: &str) -> &'s str {
    assert!(
        span.start <= span.end && span.end <= src.len(),
        "{what} {span:?} is outside the source (0..{})",
        src.len()
    );
    assert!(
        src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
        "{what} {span:?} splits a character"
    );
    &src[span.clone()]
}

fn zero_config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| Config::zero_config(Path::new(NO_ROOT)))
}

/// `frontmatter`: the `---` splitter and the YAML parse (`frontmatter::parse`, `body_start`).
pub fn frontmatter(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let split = frontmatter::parse(src);
    assert_eq!(
        split.body_start,
        frontmatter::body_start(src),
        "parse and body_start disagree on where the body starts"
    );
    slice(src, &(split.body_start..src.len()), "body");
    assert!(split.data.is_object(), "metadata is not a JSON object");
    match &split.front_matter {
        FrontMatter::Absent => {
            assert_eq!(
                split.body_start, 0,
                "no front matter, yet the body is moved"
            );
            assert!(split.fields.is_empty() && split.end.is_none());
        }
        FrontMatter::Invalid { message, offset } => {
            assert!(!message.is_empty());
            assert!(split.fields.is_empty() && split.end.is_none());
            if let Some(o) = offset {
                slice(src, &(*o..*o), "error offset");
            }
        }
        FrontMatter::Parsed => {
            let end = split.end.expect("parsed front matter has an end");
            slice(src, &(end..split.body_start), "closing delimiter");
            for f in &split.fields {
                let key = slice(src, &f.key_span, "key span");
                assert!(
                    key.contains(f.key.as_str()),
                    "key {:?} not in {key:?}",
                    f.key
                );
                slice(src, &f.value_span, "value span");
                slice(src, &f.extent, "field extent");
                assert!(
                    f.extent.start == f.key_span.start
                        && f.value_span.end <= f.extent.end
                        && f.extent.end <= end,
                    "field {:?}: spans out of order: key {:?} value {:?} extent {:?}",
                    f.key,
                    f.key_span,
                    f.value_span,
                    f.extent
                );
            }
        }
    }
}

/// `markdown`: headings, links, references, anchors and placeholders of the body, each link
/// resolved from a document path; then the whole document pipeline (`Document::from_text`).
pub fn markdown(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let start = frontmatter::body_start(src);
    let md = Markdown::parse(src, start);
    check_markdown(src, start, &md);
    for link in &md.links {
        for from in DOC_PATHS {
            check_resolve(from, &link.dest);
        }
    }
    let cfg = zero_config();
    let doc = Document::from_text(DOC_PATHS[0].to_string(), 0, &cfg.kinds[0], src);
    check_document(&doc);
}

fn check_markdown(src: &str, start: usize, md: &Markdown) {
    assert_eq!(md.end, src.len());
    for h in &md.headings {
        assert!((1..=6).contains(&h.level), "heading level {}", h.level);
        slice(src, &h.span, "heading span");
        assert!(h.span.start >= start, "heading before the body");
        assert_eq!(h.text, h.text.trim(), "heading text is not trimmed");
    }
    for (i, h) in md.headings.iter().enumerate() {
        let _ = md.section_text(src, i);
        let found = md
            .find_section(&h.text)
            .expect("a heading finds its own section");
        assert!(found <= i);
    }
    let _ = md.h1();
    for l in &md.links {
        slice(src, &l.span, "link span");
        if let Some(ds) = &l.dest_span {
            let written = slice(src, ds, "link destination span");
            assert_eq!(written, l.dest, "dest_span does not hold the destination");
        }
    }
    for b in &md.broken_refs {
        slice(src, &b.span, "broken reference span");
    }
    for p in &md.placeholders {
        slice(src, p, "placeholder span");
    }
}

fn check_document(doc: &Document) {
    let src = doc.source.as_str();
    let _ = doc.meta();
    let _ = doc.title();
    let _ = doc.identity();
    for f in &doc.fields {
        for span in [&f.key_span, &f.value_span, &f.extent] {
            slice(src, span, "field span");
            let (line, col) = doc.line_col(span.start);
            assert!(line >= 1 && col >= 1);
            slice(src, &doc.line_span(line), "line span");
        }
        let _ = doc.str_field(&f.key);
        for (_, span) in doc.list_field(&f.key) {
            slice(src, &span, "list item span");
        }
    }
    for (_, span) in doc.list_field("tags") {
        slice(src, &span, "tag span");
    }
    let (last, _) = doc.line_col(src.len());
    slice(src, &doc.line_span(last), "last line span");
}

/// What `links::resolve` gives: paths normalised, and resolving the result again from the
/// root gives the same path.
fn check_resolve(from: &str, dest: &str) {
    let target = links::resolve(from, dest);
    if let Target::Path { path, .. } = &target {
        assert!(
            path.is_empty() || path.split('/').all(|c| !matches!(c, "" | "." | "..")),
            "{dest:?} from {from:?} resolved to the unnormalised path {path:?}"
        );
        let plain = !path.is_empty()
            && path.trim() == path
            && !path.contains(['#', '?', '%'])
            && !path.chars().any(char::is_whitespace);
        if plain {
            let again = links::resolve("elsewhere/doc.md", &format!("/{path}"));
            assert_eq!(
                again,
                Target::Path {
                    path: path.clone(),
                    fragment: None
                },
                "{dest:?} from {from:?} resolved to {path:?}, which does not resolve to itself"
            );
        }
    }
}

fn strict_slug(s: &str) -> bool {
    s.split('-').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// `slug`: GitHub heading slugs (`slug::heading`, `Slugger`) and file-name slugs (`file_slug`).
pub fn slug(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s = slug::heading(&text);
    assert_eq!(s, slug::heading(&text), "slug is not deterministic");
    assert!(
        !s.bytes().any(|b| b.is_ascii_uppercase()),
        "slug {s:?} has uppercase ASCII"
    );
    assert!(
        !s.chars().any(char::is_whitespace),
        "slug {s:?} has whitespace"
    );
    assert_eq!(slug::heading(&s), s, "the slug of a slug differs");

    // One document's headings: every anchor distinct, each its base slug or `base-N`.
    let mut slugger = Slugger::default();
    let mut seen = HashSet::new();
    for line in text.split('\n') {
        let base = slug::heading(line);
        let got = slugger.slug(line);
        let suffix = got
            .strip_prefix(base.as_str())
            .unwrap_or_else(|| panic!("{got:?} does not start with its base slug {base:?}"));
        assert!(
            suffix.is_empty()
                || suffix
                    .strip_prefix('-')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            "{got:?}: the suffix after {base:?} is not `-N`"
        );
        assert!(seen.insert(got.clone()), "slug {got:?} given twice");
    }

    let f = pattern::file_slug(&text);
    assert_eq!(
        f,
        pattern::file_slug(&text),
        "file_slug is not deterministic"
    );
    assert!(f.is_empty() || strict_slug(&f), "file_slug gave {f:?}");
    assert_eq!(
        pattern::file_slug(&f),
        f,
        "file_slug of a slugified title differs"
    );
    assert_eq!(
        slug::heading(&f),
        f,
        "the heading slug of a strict slug differs"
    );
    if !f.is_empty() {
        static SLUG_MD: OnceLock<NamePattern> = OnceLock::new();
        let p = SLUG_MD.get_or_init(|| NamePattern::parse("{slug}.md").expect("pattern"));
        let c = p
            .matches(&format!("{f}.md"))
            .unwrap_or_else(|| panic!("`{{slug}}.md` refuses {f:?}.md"));
        assert_eq!(c.slug.as_deref(), Some(f.as_str()));
    }
}

/// `config`: `annals.toml` text, valid or not, parses or fails with a position.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = Path::new("annals.toml");
    match Config::parse(&text, file, Path::new(NO_ROOT)) {
        Err(e) => {
            let shown = e.to_string();
            assert!(!shown.is_empty());
            if let annals::config::ConfigError::Invalid { line, column, .. } = e {
                assert!(line >= 1 && column >= 1, "position {line}:{column}");
                assert!(line <= text.split('\n').count(), "line {line} past the end");
            }
        }
        Ok(cfg) => {
            let classifier = Classifier::new(&cfg);
            let values = Values {
                number: Some(7),
                date: Some("2026-03-04"),
                slug: Some("fuzz-doc"),
            };
            for (i, kind) in cfg.kinds.iter().enumerate() {
                assert!(
                    !kind.dir.is_empty() && !kind.dir.split('/').any(|c| c == ".." || c == "."),
                    "kind {} has the folder {:?}",
                    kind.name,
                    kind.dir
                );
                let name = kind.filename.render(&values).unwrap_or_default();
                let path = format!("{}/{name}", kind.dir);
                let _ = classifier.classify(&path);
                let doc = Document::from_text(path, i, kind, "---\ntitle: x\n---\n# x\n");
                check_document(&doc);
            }
        }
    }
}

/// `pattern`: the first line is a file-name pattern, each further line a name to match; what
/// matches renders back, and a pattern with at most one placeholder round-trips.
pub fn pattern(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let (source, rest) = src.split_once('\n').unwrap_or((src, ""));
    let Ok(p) = NamePattern::parse(source) else {
        return;
    };
    assert_eq!(p.as_str(), source);
    assert_eq!(p.to_string(), source);
    let single = source.matches('{').count() <= 1;
    for name in rest.split('\n') {
        if let Some(c) = p.matches(name) {
            if let Some(d) = &c.date {
                assert!(
                    d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
                    "date {d:?}"
                );
            }
            let v = Values {
                number: c.number,
                date: c.date.as_deref(),
                slug: c.slug.as_deref(),
            };
            if let Some(rendered) = p.render(&v)
                && single
            {
                assert_eq!(
                    p.matches(&rendered).as_ref(),
                    Some(&c),
                    "{name:?} matched {source:?}, rendered back as {rendered:?}"
                );
            }
        }
        // Values made from the line, in the shapes placeholders accept, render to a name the
        // pattern matches back to the same values.
        let number = name
            .bytes()
            .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)))
            % 1_000_000;
        let slug = pattern::file_slug(name);
        if slug.is_empty() || !single {
            continue;
        }
        let v = Values {
            number: Some(number),
            date: Some("2024-02-29"),
            slug: Some(&slug),
        };
        let rendered = p.render(&v).expect("every value is given");
        let c = p
            .matches(&rendered)
            .unwrap_or_else(|| panic!("{source:?} rendered {rendered:?}, which it refuses"));
        assert!(c.number.is_none_or(|n| n == number), "number {c:?}");
        assert!(
            c.date.as_deref().is_none_or(|d| d == "2024-02-29"),
            "date {c:?}"
        );
        assert!(c.slug.as_deref().is_none_or(|s| s == slug), "slug {c:?}");
    }
}

/// A small repository and its search index, built once per process (fuzzer) or test.
pub struct QueryFixture {
    _dir: tempfile::TempDir,
    index: SearchIndex,
}

const QUERY_DOCS: [(&str, &str); 4] = [
    (
        "decisions/0001-use-postgres-for-the-event-store.md",
        "---\ntitle: Use Postgres for the event store\nstatus: accepted\nowner: alice\n\
         date: 2026-01-15\ntags: [storage, reliability]\n---\n\n# Use Postgres for the event store\n\n\
         ## Context\n\nWe need durable, ordered events with a retry budget. Café crème, 東京.\n\n\
         ## Decision\n\nPostgres with an outbox table.\n",
    ),
    (
        "decisions/0002-publish-domain-events-through-rabbitmq.md",
        "---\ntitle: Publish domain events through RabbitMQ\nstatus: proposed\nowner: bruno\n\
         date: 2026-02-01\ntags: [messaging]\n---\n\n# Publish domain events through RabbitMQ\n\n\
         ## Context\n\nConsumers poll the outbox; see [ADR-0001](0001-use-postgres-for-the-event-store.md).\n",
    ),
    (
        "meetings/2026-03-04-outbox-go-live-review.md",
        "---\ntitle: Outbox go-live review\ndate: 2026-03-04\nattendees: [alice, bruno]\n---\n\n\
         # Outbox go-live review\n\n## Agenda\n\n- retries\n- TODO latency {fill me}\n\n## Outcome\n\nShip it.\n",
    ),
    (
        "briefs/retire-the-legacy-deploy-script.md",
        "# Retire the legacy deploy script\n\nStatus: open\n\nThe shell script breaks on \"quoted\" paths.\n",
    ),
];

impl QueryFixture {
    pub fn new() -> QueryFixture {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, text) in QUERY_DOCS {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let cfg = Config::zero_config(dir.path());
        let index = SearchIndex::open(&cfg, false).expect("search index");
        assert_eq!(index.total, QUERY_DOCS.len(), "fixture documents indexed");
        QueryFixture { _dir: dir, index }
    }
}

impl Default for QueryFixture {
    fn default() -> Self {
        QueryFixture::new()
    }
}

/// `query`: a search. Line 1 is the query; lines 2 to 7, when present and not empty, are
/// `since`, `until`, a tag, a kind, a status and an owner; a first byte 0x01 asks for facets.
pub fn query(fixture: &QueryFixture, data: &[u8]) {
    let (facets, data) = match data.split_first() {
        Some((1, rest)) => (true, rest),
        _ => (false, data),
    };
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let query = lines.next().unwrap_or("").to_string();
    let mut next = || lines.next().filter(|l| !l.is_empty()).map(str::to_string);
    let opts = SearchOptions {
        query,
        from: next(),
        to: next(),
        tag: next().into_iter().collect(),
        kind: next(),
        status: next(),
        owner: next(),
        limit: 3,
        facets,
    };
    let Ok(found) = search(&fixture.index, &opts) else {
        return;
    };
    assert!(found.total <= QUERY_DOCS.len(), "total {}", found.total);
    assert!(found.hits.len() <= found.total.min(opts.limit));
    assert_eq!(found.facets.is_some(), facets);
    for hit in &found.hits {
        assert!(
            QUERY_DOCS.iter().any(|(p, _)| *p == hit.path),
            "{}",
            hit.path
        );
        for r in &hit.highlights {
            slice(&hit.snippet, r, "highlight");
        }
    }
}
