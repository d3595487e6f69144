//! The document model: discovery per kind, one read and one parse per file.

pub mod codeowners;
pub mod edit;
pub mod files;
pub mod frontmatter;
pub mod links;
pub mod markdown;
pub mod slug;
pub mod template;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::config::{Config, Kind};
use crate::pattern::Captures;
pub use frontmatter::{Field, FrontMatter};
pub use markdown::Markdown;

/// Why a file could not be read as a document.
#[derive(Debug, Clone)]
pub enum Unreadable {
    NotUtf8 { offset: usize },
    Binary,
    TooLarge { size: u64, limit: u64 },
    TooDeep { limit: usize },
    Io(String),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::NotUtf8 { offset } => {
                write!(
                    f,
                    "file is not valid UTF-8 (first bad byte at offset {offset}): expected UTF-8 markdown"
                )
            }
            Unreadable::Binary => {
                f.write_str("file holds binary data (a NUL byte): expected markdown text")
            }
            Unreadable::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes, over the {limit}-byte limit (`[limits] max_file_size`); it was not read"
            ),
            Unreadable::TooDeep { limit } => write!(
                f,
                "file nests more than {limit} levels deep (`[limits] max_nesting`); it was not parsed"
            ),
            Unreadable::Io(e) => write!(f, "cannot read file: {e}"),
        }
    }
}

/// One markdown file of a kind.
#[derive(Debug)]
pub struct Document {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// Index into `Config::kinds`.
    pub kind: usize,
    /// The text, without a leading BOM.
    pub source: String,
    /// The file starts with a BOM (kept when the file is rewritten).
    pub bom: bool,
    /// Where front matter's closing `---` line starts, when it parsed.
    pub fm_end: Option<usize>,
    pub unreadable: Option<Unreadable>,
    /// Not parsed: a selective load (`check --staged`) only needed its name and ID.
    pub stub: bool,
    pub front_matter: FrontMatter,
    pub body_start: usize,
    pub md: Markdown,
    /// Metadata: front matter, or inline metadata where the kind allows it; always a JSON
    /// object (kept as a `Value` so schema validation needs no copy).
    pub data: Value,
    pub fields: Vec<Field>,
    /// What the file name gives to the kind's pattern; `None` when it does not match.
    pub name: Option<Captures>,
    pub id: Option<String>,
    line_starts: Vec<usize>,
}

impl Document {
    /// Builds a document from the file's bytes.
    pub fn from_bytes(path: String, kind_idx: usize, kind: &Kind, bytes: &[u8]) -> Document {
        if bytes.contains(&0) {
            return Document::unreadable(path, kind_idx, kind, Unreadable::Binary);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Document::from_string(path, kind_idx, kind, text.to_string()),
            Err(e) => Document::unreadable(
                path,
                kind_idx,
                kind,
                Unreadable::NotUtf8 {
                    offset: e.valid_up_to(),
                },
            ),
        }
    }

    /// Like [`Document::from_bytes`], taking the buffer: the text is not copied.
    pub fn from_vec(path: String, kind_idx: usize, kind: &Kind, bytes: Vec<u8>) -> Document {
        if bytes.contains(&0) {
            return Document::unreadable(path, kind_idx, kind, Unreadable::Binary);
        }
        match String::from_utf8(bytes) {
            Ok(text) => Document::from_string(path, kind_idx, kind, text),
            Err(e) => Document::unreadable(
                path,
                kind_idx,
                kind,
                Unreadable::NotUtf8 {
                    offset: e.utf8_error().valid_up_to(),
                },
            ),
        }
    }

    /// A document known by its name only (see [`Corpus::load_selective`]).
    pub fn stub(path: String, kind_idx: usize, kind: &Kind) -> Document {
        let mut d = Document::unreadable(path, kind_idx, kind, Unreadable::Binary);
        d.unreadable = None;
        d.stub = true;
        d
    }

    pub fn unreadable(path: String, kind_idx: usize, kind: &Kind, why: Unreadable) -> Document {
        let name = file_name(&path).and_then(|n| kind.filename.matches(n));
        Document {
            // The ID comes from the file name, so references to it still resolve.
            id: id_of(kind, name.as_ref()),
            name,
            path,
            kind: kind_idx,
            source: String::new(),
            bom: false,
            fm_end: None,
            stub: false,
            unreadable: Some(why),
            front_matter: FrontMatter::Absent,
            body_start: 0,
            md: Markdown::default(),
            data: Value::Object(Map::new()),
            fields: Vec::new(),
            line_starts: vec![0],
        }
    }

    pub fn from_text(path: String, kind_idx: usize, kind: &Kind, text: &str) -> Document {
        Document::from_string(path, kind_idx, kind, text.to_string())
    }

    fn from_string(path: String, kind_idx: usize, kind: &Kind, mut source: String) -> Document {
        let bom = source.starts_with('\u{feff}');
        if bom {
            source.drain(..'\u{feff}'.len_utf8());
        }
        let frontmatter::Split {
            front_matter,
            mut data,
            mut fields,
            body_start,
            end: fm_end,
        } = frontmatter::parse(&source);
        let md = Markdown::parse(&source, body_start);
        if matches!(front_matter, FrontMatter::Absent) {
            let (inline, inline_fields) = inline_metadata(&source, &md);
            data = Value::Object(inline);
            fields = inline_fields;
        }
        superseded_by_status(&source, &mut data, &mut fields);
        let name = file_name(&path).and_then(|n| kind.filename.matches(n));
        let id = id_of(kind, name.as_ref());
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Document {
            path,
            kind: kind_idx,
            unreadable: None,
            stub: false,
            front_matter,
            body_start,
            md,
            data,
            fields,
            name,
            id,
            line_starts,
            source,
            bom,
            fm_end,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .source
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// Byte range of 1-based line `line`, without its line ending.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).map_or(self.source.len(), |&n| n);
        let text = &self.source[start..end];
        start..start + text.trim_end_matches(['\n', '\r']).len()
    }

    /// The metadata as a map.
    pub fn meta(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        self.data.as_object().unwrap_or(&EMPTY)
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// A string field, with its value's span.
    pub fn str_field(&self, key: &str) -> Option<(&str, Range<usize>)> {
        let v = self.data.get(key)?.as_str()?;
        Some((v, self.value_span(key)))
    }

    /// Where a field's value is written (the file start when the field is not found).
    pub fn value_span(&self, key: &str) -> Range<usize> {
        self.field(key).map_or(0..0, |f| f.value_span.clone())
    }

    /// Where the document points: each link's resolved path, and each value of the kind's
    /// ID fields (`supersedes`, `related`...) with the path it resolves to when read as one
    /// (a bare number is the kind's ID with that number). What link checks and the
    /// `--staged` scope walk.
    pub fn references<'d>(&'d self, kind: &'d Kind) -> impl Iterator<Item = Reference> + 'd {
        let links =
            self.md
                .links
                .iter()
                .filter_map(|l| match links::resolve(&self.path, &l.dest) {
                    links::Target::Path { path, .. } => Some(Reference::Link(path)),
                    _ => None,
                });
        let fields = kind.id_fields.iter().flat_map(move |f| {
            self.id_list(f).into_iter().map(move |(value, _)| {
                if let Some(id) = bare_number_id(kind, &value) {
                    return Reference::Field {
                        value: id,
                        path: None,
                    };
                }
                let path = match links::resolve(&self.path, &value) {
                    links::Target::Path { path, .. } => Some(path),
                    _ => None,
                };
                Reference::Field { value, path }
            })
        });
        links.chain(fields)
    }

    /// The items of a list field (a single string counts as one item), each with its span.
    pub fn list_field(&self, key: &str) -> Vec<(String, Range<usize>)> {
        self.with_spans(key, self.items(key))
    }

    /// The values of an ID field: like [`Document::list_field`], and an item of a list
    /// that holds commas (`related: ["12, 15"]`) is split too.
    pub fn id_list(&self, key: &str) -> Vec<(String, Range<usize>)> {
        let items = self
            .items(key)
            .iter()
            .flat_map(|i| i.split(','))
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_string)
            .collect();
        self.with_spans(key, items)
    }

    /// A field's items: a list's scalars, a comma-separated string's parts (`deciders:
    /// Oliver Kopp, Olaf Zimmermann`, `related: 12, 15`), or the one scalar.
    fn items(&self, key: &str) -> Vec<String> {
        match self.data.get(key) {
            Some(Value::Array(a)) => a.iter().filter_map(scalar_string).collect(),
            Some(Value::String(s)) if s.contains(',') => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(v) => scalar_string(v).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Each item with where it is written in the field (in order; the field's value when
    /// it cannot be found).
    fn with_spans(&self, key: &str, items: Vec<String>) -> Vec<(String, Range<usize>)> {
        let Some(field) = self.field(key) else {
            return items.into_iter().map(|i| (i, 0..0)).collect();
        };
        let region = field.key_span.end..field.extent.end;
        let mut from = region.start;
        items
            .into_iter()
            .map(|item| {
                let span = self.source[from..region.end]
                    .find(item.as_str())
                    .map_or(field.value_span.clone(), |i| {
                        from + i..from + i + item.len()
                    });
                if span.start >= from && span.end <= region.end {
                    from = span.end;
                }
                (item, span)
            })
            .collect()
    }

    /// The title: front matter's `title`, else the first H1 without the `1. ` number
    /// adr-tools puts before it.
    pub fn title(&self) -> Option<&str> {
        self.data
            .get("title")
            .and_then(Value::as_str)
            .or_else(|| self.md.h1().map(|h| strip_number_prefix(&h.text)))
    }

    /// The status, as front matter or an inline `## Status` / `Status:` line gives it (MADR's
    /// `superseded by X` read as `superseded`): the one reader of a document's status, which
    /// history's status changes use too ([`status_in`]).
    pub fn status(&self) -> Option<&str> {
        self.data
            .get("status")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// False for files whose front matter is missing (where the kind requires it) or
    /// unparsable: their metadata is not read (F001 says why).
    pub fn reads_metadata(&self, kind: &Kind) -> bool {
        match self.front_matter {
            FrontMatter::Parsed => true,
            FrontMatter::Absent => kind.front_matter == crate::config::FrontMatterMode::Optional,
            FrontMatter::Invalid { .. } => false,
        }
    }

    /// The path this document would have with other name values (a new number, date or
    /// slug): its kind's file-name pattern filled in, in the same folder.
    pub fn path_with(&self, kind: &Kind, values: &crate::pattern::Values<'_>) -> Option<String> {
        let file = kind.filename.render(values)?;
        let dir = self.path.rsplit_once('/').map_or("", |(d, _)| d);
        Some(if dir.is_empty() {
            file
        } else {
            format!("{dir}/{file}")
        })
    }

    /// The document's identity: its ID, else its path.
    pub fn identity(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.path)
    }
}

/// One place a document points to (see [`Document::references`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A link, resolved to a repository-relative path.
    Link(String),
    /// A value of an ID field: an ID, or a path (`path` is what it resolves to as one).
    Field { value: String, path: Option<String> },
}

/// A document's ID from its file name's captures and the kind's `id` pattern.
pub fn id_of(kind: &Kind, name: Option<&Captures>) -> Option<String> {
    let c = name?;
    let id = kind.id.as_ref()?;
    if id.has_number() {
        c.number?;
    }
    id.render(&crate::pattern::Values {
        number: c.number,
        date: c.date.as_deref(),
        slug: c.slug.as_deref(),
    })
}

/// The ID a bare number in an ID field names: the kind's ID with that number
/// (`12` → `ADR-0012`), when the kind's IDs are built from a number.
pub fn bare_number_id(kind: &Kind, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 18 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pattern = kind.id.as_ref().filter(|p| p.has_number())?;
    pattern.render(&crate::pattern::Values {
        number: Some(v.parse().ok()?),
        ..Default::default()
    })
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn file_name(path: &str) -> Option<&str> {
    path.rsplit('/').next()
}

/// `1. Record architecture decisions` → `Record architecture decisions` (adr-tools' H1).
pub fn strip_number_prefix(title: &str) -> &str {
    let digits = title.len() - title.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match title[digits..].strip_prefix(". ") {
        Some(rest) if digits > 0 && !rest.trim().is_empty() => rest.trim_start(),
        _ => title,
    }
}

/// The relation lines adr-tools writes under `## Status` (`Superseded by [3. Use X](0003-use-x.md)`),
/// and MADR's `superseded by ADR-0123` status: the field they fill and where the target is.
const RELATIONS: &[(&str, &str)] = &[
    ("superseded by", "superseded_by"),
    ("supersedes", "supersedes"),
    ("amended by", "amended_by"),
    ("amends", "amends"),
];

/// A relation's target in `text` (after its keyword): a markdown link's destination, or the
/// first word (an ID). Returns the target and its byte range in `text`.
fn relation_target(text: &str) -> Option<(String, Range<usize>)> {
    let lead = text.len() - text.trim_start().len();
    let t = text.trim_start();
    if t.starts_with('[')
        && let Some(close) = t.find("](")
        && let Some(end) = t[close + 2..].find(')')
    {
        let start = lead + close + 2;
        let dest = &t[close + 2..close + 2 + end];
        let dest = dest.trim().trim_start_matches('<').trim_end_matches('>');
        return (!dest.is_empty()).then(|| (dest.to_string(), start..start + end));
    }
    let word: &str = t.split_whitespace().next()?;
    let word = word.trim_end_matches(['.', ',', ';']);
    (!word.is_empty()).then(|| (word.to_string(), lead..lead + word.len()))
}

/// A document's status from its text alone, as [`Document::status`] reads it: what history
/// records at each commit. Front matter is scanned line by line (a YAML parse per commit is
/// not needed); a document without front matter is parsed for its inline `## Status` or
/// `Status:` line.
pub fn status_in(text: &str) -> Option<String> {
    let text = text.trim_start_matches('\u{feff}');
    match frontmatter::split(text) {
        Ok(Some(block)) => {
            for line in text[block.yaml].lines() {
                if let Some(v) = line.trim_end().strip_prefix("status:") {
                    let v = v.split(" #").next().unwrap_or("").trim();
                    return status_value(v.trim_matches(['"', '\'']));
                }
            }
            return None;
        }
        // Front matter that never closes is no metadata at all (F001).
        Err(frontmatter::Unclosed) => return None,
        Ok(None) => {}
    }
    // Most texts without front matter say nothing of a status: no parse for them.
    if !text
        .as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"status"))
    {
        return None;
    }
    let md = Markdown::parse(text, 0);
    let (data, _) = inline_metadata(text, &md);
    status_value(data.get("status")?.as_str()?)
}

/// A status as written, as the model keeps it: trimmed, MADR's `superseded by X` as
/// `superseded`.
fn status_value(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if v.to_ascii_lowercase().starts_with("superseded by") {
        return Some("superseded".to_string());
    }
    Some(v.to_string())
}

/// `status: superseded by ADR-0002` (MADR) or `Superseded by [..](..)` (adr-tools) means
/// status `superseded` and `superseded_by` that document.
fn superseded_by_status(src: &str, data: &mut Value, fields: &mut Vec<Field>) {
    let Some(Value::String(status)) = data.get("status") else {
        return;
    };
    let lower = status.to_ascii_lowercase();
    let Some(rest_at) = lower
        .strip_prefix("superseded by")
        .map(|r| status.len() - r.len())
    else {
        return;
    };
    let rest = status[rest_at..].to_string();
    let Some(map) = data.as_object_mut() else {
        return;
    };
    map.insert("status".into(), Value::String("superseded".into()));
    let span = fields
        .iter()
        .find(|f| f.key == "status")
        .map_or(0..0, |f| f.value_span.clone());
    if map.contains_key("superseded_by") {
        return;
    }
    if let Some((target, _)) = relation_target(&rest) {
        map.insert("superseded_by".into(), Value::String(target.clone()));
        // Point at the target where the status line spells it, when it does.
        let at = src
            .get(span.clone())
            .and_then(|s| s.find(target.as_str()))
            .map_or(span.clone(), |i| {
                span.start + i..span.start + i + target.len()
            });
        fields.push(Field {
            key: "superseded_by".into(),
            key_span: at.clone(),
            value_span: at.clone(),
            extent: at,
        });
    }
}

/// Metadata written the way adr-tools and MADR 2 write it: a `## Status` section whose first
/// line is the status, and `Status: x` / `Date: x` lines (optionally list items).
fn inline_metadata(src: &str, md: &Markdown) -> (Map<String, Value>, Vec<Field>) {
    let mut relations: Vec<(&str, String, Range<usize>)> = Vec::new();
    let mut data = Map::new();
    let mut fields = Vec::new();
    let mut put = |key: &str, value: &str, span: Range<usize>| {
        if !data.contains_key(key) && !value.is_empty() {
            data.insert(key.to_string(), Value::String(value.to_string()));
            fields.push(Field {
                key: key.to_string(),
                key_span: span.clone(),
                value_span: span.clone(),
                extent: span,
            });
        }
    };
    // MADR 2 lists relations under `## Links` (`* Supersedes [ADR-0001](0001-x.md)`).
    if let Some(i) = md.find_section("Links") {
        let h = &md.headings[i];
        let text = md.section_text(src, i);
        let base = h.span.end.min(src.len());
        let mut off = 0;
        for line in text.split_inclusive('\n') {
            let item = line.trim_start();
            let lead = line.len() - item.len();
            off += line.len();
            let t = item.trim_start_matches(['*', '-']).trim_start();
            let t = t.trim_end();
            let at = base + off - line.len()
                + lead
                + (item.len() - item.trim_start_matches(['*', '-']).trim_start().len());
            let lower = t.to_ascii_lowercase();
            for (keyword, key) in RELATIONS {
                if let Some(rest) = lower.strip_prefix(keyword) {
                    let rest_at = t.len() - rest.len();
                    if let Some((target, r)) = relation_target(&t[rest_at..]) {
                        relations.push((key, target, at + rest_at + r.start..at + rest_at + r.end));
                    }
                    break;
                }
            }
        }
    }
    if let Some(i) = md.find_section("Status") {
        let h = &md.headings[i];
        let text = md.section_text(src, i);
        let base = h.span.end.min(src.len());
        let mut off = 0;
        let mut first = true;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            let lead = line.len() - line.trim_start().len();
            let start = base + off + lead;
            off += line.len();
            if t.is_empty() {
                continue;
            }
            let lower = t.to_ascii_lowercase();
            if first {
                first = false;
                // `Superseded by [...](...)` is a status and a relation.
                let status = if lower.starts_with("superseded by") {
                    t.to_string()
                } else {
                    t.split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                };
                put("status", &status, start..start + t.len());
                continue;
            }
            for (keyword, key) in RELATIONS {
                if let Some(rest) = lower.strip_prefix(keyword) {
                    let rest_at = t.len() - rest.len();
                    if let Some((target, r)) = relation_target(&t[rest_at..]) {
                        let span = start + rest_at + r.start..start + rest_at + r.end;
                        relations.push((key, target, span));
                    }
                    break;
                }
            }
        }
    }
    let mut off = md.headings.first().map_or(0, |h| h.span.start);
    for line in src[off..].split_inclusive('\n') {
        let t = line.trim_start();
        let t2 = t.trim_start_matches(['*', '-']).trim_start();
        for key in ["Status", "Date", "Tags", "Deciders"] {
            if let Some(rest) = t2.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                let value = rest.trim();
                let value_start = off + line.find(value).unwrap_or(0);
                // The whole value, as MADR's open statuses may be words (`on hold`), and
                // `superseded by [ADR-0005](..)` keeps its target; a trailing comment is not
                // part of it.
                let value = value.split("<!--").next().unwrap_or("").trim();
                let v =
                    if key == "Status" && value.to_ascii_lowercase().starts_with("superseded by") {
                        value.to_string()
                    } else if key == "Status" {
                        value.to_ascii_lowercase()
                    } else {
                        value.to_string()
                    };
                put(
                    &key.to_ascii_lowercase(),
                    &v,
                    value_start..value_start + value.len(),
                );
            }
        }
        off += line.len();
    }
    // Each relation becomes a list field (`supersedes: [..]`), as front matter writes it.
    // `- Tags: dev-tools, doc` (log4brains) and `* Deciders: a, b` (MADR 2) are lists.
    for key in ["tags", "deciders"] {
        if let Some(Value::String(v)) = data.get(key) {
            let items = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            data.insert(key.to_string(), Value::Array(items));
        }
    }
    for (key, _, _) in &relations {
        if data.contains_key(*key) {
            continue;
        }
        let items: Vec<&(&str, String, Range<usize>)> =
            relations.iter().filter(|(k, _, _)| k == key).collect();
        let first = items[0].2.clone();
        let last = items[items.len() - 1].2.clone();
        data.insert(
            (*key).to_string(),
            Value::Array(
                items
                    .iter()
                    .map(|(_, t, _)| Value::String(t.clone()))
                    .collect(),
            ),
        );
        fields.push(Field {
            key: (*key).to_string(),
            key_span: first.start..first.start,
            value_span: first.start..last.end,
            extent: first.start..last.end,
        });
    }
    (data, fields)
}

/// A file found under a kind's folder.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: String,
    pub kind: usize,
}

/// A path that could not be taken as a document at all (not UTF-8, a link, a loop).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub why: String,
}

/// What discovery finds: documents, excluded markdown files in kind folders (indexes and
/// READMEs: catalogs), and paths it would not read.
#[derive(Debug, Default)]
pub struct Discovered {
    pub documents: Vec<Found>,
    pub catalogs: Vec<Found>,
    pub skipped: Vec<Skipped>,
}

/// Contents that replace the work tree's (the git index under `--staged`, a sparse
/// checkout's missing files, an editor's unsaved buffers). `None` marks a path that does not
/// exist there (untracked, or deleted from the index).
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    pub files: std::collections::BTreeMap<String, Option<Vec<u8>>>,
    /// When set, the only files that exist (the git index's, sorted by path): nothing else is
    /// walked, and the work tree is never read.
    pub index: Option<Vec<Listed>>,
}

/// A file of a listing that stands for the work tree.
#[derive(Debug, Clone)]
pub struct Listed {
    pub path: String,
    pub symlink: bool,
}

/// Which kind a repository-relative path belongs to, and whether it is excluded (a catalog).
pub struct Classifier<'c> {
    kinds: Vec<(usize, &'c Kind, GlobSet)>,
}

impl<'c> Classifier<'c> {
    pub fn new(cfg: &'c Config) -> Self {
        let mut kinds: Vec<(usize, &Kind, GlobSet)> = cfg
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (i, k, exclude_set(&k.exclude)))
            .collect();
        // Deeper folders first, so a kind nested in another kind's folder owns its files.
        kinds.sort_by_key(|(_, k, _)| std::cmp::Reverse(k.dir.len()));
        Classifier { kinds }
    }

    /// The ID a document at `path` has by its name, if it is a document of a kind with IDs.
    pub fn id(&self, path: &str) -> Option<String> {
        let (k, false) = self.classify(path)? else {
            return None;
        };
        let kind = self.kinds.iter().find(|(i, _, _)| *i == k)?.1;
        let name = path.rsplit('/').next()?;
        id_of(kind, kind.filename.matches(name).as_ref())
    }

    /// `(kind index, is a catalog)`, or `None` when the path is no document.
    pub fn classify(&self, rel: &str) -> Option<(usize, bool)> {
        let ext = Path::new(rel).extension()?;
        if !(ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")) {
            return None;
        }
        let (idx, kind, excludes) = self.kinds.iter().find(|(_, k, _)| {
            rel.len() > k.dir.len()
                && rel.starts_with(&k.dir)
                && rel.as_bytes()[k.dir.len()] == b'/'
        })?;
        let inside = &rel[kind.dir.len() + 1..];
        let name = inside.rsplit('/').next().unwrap_or(inside);
        if inside.split('/').any(|c| c.starts_with('.')) {
            return None;
        }
        let excluded =
            excludes.is_match(name) || (inside.len() != name.len() && excludes.is_match(inside));
        Some((*idx, excluded))
    }
}

/// A path as annals writes paths: `/`-separated (Windows' `\` too, only there).
pub fn separators(path: &str) -> String {
    if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    }
}

/// Lists every document file of every kind, sorted by path; `overlay` adds and removes files.
pub fn discover(cfg: &Config, overlay: Option<&Overlay>) -> Discovered {
    let classifier = Classifier::new(cfg);
    let mut found = Vec::new();
    let mut catalogs = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = HashSet::default();
    let mut take =
        |rel: String, unique: bool, found: &mut Vec<Found>, catalogs: &mut Vec<Found>| {
            if let Some((kind, is_catalog)) = classifier.classify(&rel)
                && (unique || seen.insert(rel.clone()))
            {
                let f = Found { path: rel, kind };
                if is_catalog {
                    catalogs.push(f);
                } else {
                    found.push(f);
                }
            }
        };
    let mut dirs: Vec<&str> = cfg.kinds.iter().map(|k| k.dir.as_str()).collect();
    dirs.sort_unstable();
    dirs.dedup();
    if let Some(index) = overlay.and_then(|o| o.index.as_ref()) {
        dirs.clear();
        found.reserve(index.len());
        for Listed { path, symlink } in index {
            if *symlink {
                if classifier.classify(path).is_some() {
                    skipped.push(Skipped {
                        path: path.clone(),
                        why: "symbolic link; annals does not follow links, so nothing outside the repository is read".to_string(),
                    });
                }
            } else {
                // The index lists each path once, and nothing is walked besides.
                take(path.clone(), true, &mut found, &mut catalogs);
            }
        }
    }
    // A folder holding its own `.git` is another repository (a submodule, a nested clone):
    // its files are not this repository's documents.
    let nested: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    for dir in dirs {
        let base = cfg.root.join(dir);
        if !base.is_dir() {
            continue;
        }
        // A kind folder that is (or passes through) a symbolic link out of the repository, or
        // lies in `.git` or a submodule, is not read: the walk would follow its start.
        if let Err(e) = cfg.fs.resolve(dir) {
            skipped.push(Skipped {
                path: dir.to_string(),
                why: format!("the kind's folder is not read: {e}"),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(&base)
            .hidden(true)
            .parents(true)
            .git_global(false)
            .require_git(true)
            .follow_links(false)
            .filter_entry({
                let nested = nested.clone();
                move |e| {
                    let other_repo = e.depth() > 0
                        && e.file_type().is_some_and(|t| t.is_dir())
                        && std::fs::symlink_metadata(e.path().join(".git")).is_ok();
                    if other_repo && let Ok(mut n) = nested.lock() {
                        n.push(e.path().to_string_lossy().into_owned());
                    }
                    !other_repo
                }
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    skipped.push(Skipped {
                        path: dir.to_string(),
                        why: e.to_string(),
                    });
                    continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                continue;
            };
            let rel = entry.path().strip_prefix(&cfg.root).unwrap_or(entry.path());
            let is_md = rel.extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
            });
            if !is_md || ft.is_dir() {
                continue;
            }
            let Some(rel_str) = rel.to_str() else {
                skipped.push(Skipped {
                    path: rel.to_string_lossy().into_owned(),
                    why: "path is not valid UTF-8; the file was not read".to_string(),
                });
                continue;
            };
            // A separator only on Windows: elsewhere `\` is a character of the name, and
            // reading it as `/` could lead through a symbolic link out of the repository.
            let rel_str = separators(rel_str);
            if overlay.is_some_and(|o| o.files.get(&rel_str).is_some_and(Option::is_none)) {
                continue;
            }
            if ft.is_symlink() {
                skipped.push(Skipped {
                    path: rel_str,
                    why: "symbolic link; annals does not follow links, so nothing outside the repository is read".to_string(),
                });
                continue;
            }
            if ft.is_file() {
                take(rel_str, false, &mut found, &mut catalogs);
            }
        }
    }
    let nested = nested.lock().map(|n| n.clone()).unwrap_or_default();
    for path in nested {
        let rel = Path::new(&path)
            .strip_prefix(&cfg.root)
            .map_or(path.clone(), |p| p.to_string_lossy().replace('\\', "/"));
        skipped.push(Skipped {
            path: rel,
            why: "another git repository (a submodule): its files are not this repository's documents, and annals neither checks nor writes them".to_string(),
        });
    }
    // With the index as the listing, the overlay's contents are of files it lists already.
    if let Some(o) = overlay.filter(|o| o.index.is_none()) {
        for (path, content) in &o.files {
            if content.is_some() {
                take(path.clone(), false, &mut found, &mut catalogs);
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    catalogs.sort_by(|a, b| a.path.cmp(&b.path));
    Discovered {
        documents: found,
        catalogs,
        skipped,
    }
}

fn exclude_set(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The bytes, if they are within the size and nesting limits.
pub fn within_limits(cfg: &Config, bytes: Vec<u8>) -> Result<Vec<u8>, Unreadable> {
    let limit = cfg.limits.max_file_size;
    if bytes.len() as u64 > limit {
        return Err(Unreadable::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    within_nesting(cfg, bytes)
}

pub fn within_nesting(cfg: &Config, bytes: Vec<u8>) -> Result<Vec<u8>, Unreadable> {
    let limit = cfg.limits.max_nesting;
    if exceeds_nesting(&bytes, limit) {
        Err(Unreadable::TooDeep { limit })
    } else {
        Ok(bytes)
    }
}

/// Whether the text nests deeper than `limit`: YAML flow collections and indentation in the
/// front matter, block quotes, list markers and indentation at the start of body lines. A
/// cheap look at line starts, so that no parser meets a 20,000-level document (the YAML parser
/// gives up at 128 levels by itself; the markdown parser would go on).
pub fn exceeds_nesting(bytes: &[u8], limit: usize) -> bool {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut lines = bytes.split(|&b| b == b'\n');
    let mut in_front_matter = bytes
        .split(|&b| b == b'\n')
        .next()
        .is_some_and(|l| frontmatter::is_delimiter(l, false));
    if in_front_matter {
        lines.next();
    }
    let mut flow: usize = 0;
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if in_front_matter {
            if frontmatter::is_delimiter(line, true) {
                in_front_matter = false;
                continue;
            }
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            let mut quote = None;
            for &b in line {
                match (quote, b) {
                    (None, b'"' | b'\'') => quote = Some(b),
                    (Some(q), _) if b == q => quote = None,
                    (None, b'[' | b'{') => flow += 1,
                    (None, b']' | b'}') => flow = flow.saturating_sub(1),
                    _ => {}
                }
                if flow > limit {
                    return true;
                }
            }
            if indent / 2 > limit {
                return true;
            }
            continue;
        }
        let mut depth = 0;
        let mut columns = 0;
        let mut i = 0;
        while i < line.len() {
            match line[i] {
                b' ' => columns += 1,
                b'\t' => columns += 4,
                b'>' => depth += 1,
                b'-' | b'*' | b'+' if line.get(i + 1).is_some_and(|&n| n == b' ') => depth += 1,
                _ => break,
            }
            i += 1;
            if depth + columns / 2 > limit {
                return true;
            }
        }
    }
    false
}

/// The bytes of one found file, within the size and nesting limits.
pub fn read(cfg: &Config, f: &Found) -> Result<Vec<u8>, Unreadable> {
    use std::io::Read;
    let limit = cfg.limits.max_file_size;
    let mut file =
        std::fs::File::open(cfg.root.join(&f.path)).map_err(|e| Unreadable::Io(e.to_string()))?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > limit {
        return Err(Unreadable::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    // `take` keeps a file that grows while it is read within the limit too.
    match file.by_ref().take(limit + 1).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > limit => Err(Unreadable::TooLarge {
            size: n as u64,
            limit,
        }),
        Ok(_) => within_nesting(cfg, bytes),
        Err(e) => Err(Unreadable::Io(e.to_string())),
    }
}

/// Where a workspace's file contents come from: the work tree, or what stands for it (the
/// git index under `--staged`). Files that are no document (link targets, CODEOWNERS,
/// schemas) are read through it, within the size limit.
pub trait Source: Sync {
    /// The bytes of the repository file at `path` (repository-relative).
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
    /// Like [`Source::read`]; `Ok(None)` when the file does not exist.
    fn read_optional(&self, path: &str) -> Result<Option<Vec<u8>>, String>;
}

/// The work tree, through the containment gate.
pub struct WorkTree {
    fs: crate::gate::Root,
    limit: u64,
}

impl WorkTree {
    pub fn new(cfg: &Config) -> WorkTree {
        WorkTree {
            fs: cfg.fs.clone(),
            limit: cfg.limits.max_file_size,
        }
    }
}

impl Source for WorkTree {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.fs.read(path, self.limit).map_err(|e| e.to_string())
    }

    fn read_optional(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        self.fs
            .read_optional(path, self.limit)
            .map_err(|e| e.to_string())
    }
}

/// Reads and parses one found file.
pub fn load(cfg: &Config, f: &Found) -> Document {
    let kind = &cfg.kinds[f.kind];
    match read(cfg, f) {
        Ok(bytes) => Document::from_vec(f.path.clone(), f.kind, kind, bytes),
        Err(why) => Document::unreadable(f.path.clone(), f.kind, kind, why),
    }
}

/// Every document of the repository, with indexes by ID and path.
#[derive(Debug)]
pub struct Corpus {
    pub config: Config,
    pub docs: Vec<Document>,
    pub skipped: Vec<Skipped>,
    /// Excluded markdown files in kind folders (READMEs, indexes): their links count as
    /// inbound links, but they are not checked.
    pub catalogs: Vec<Document>,
    /// Every file of the repository, for link targets.
    pub files: files::FileIndex,
    pub by_id: HashMap<String, Vec<usize>>,
    pub by_path: HashMap<String, usize>,
}

impl Corpus {
    /// Discovers and parses every document from the work tree, in parallel.
    /// `tick` is called once per file read (for a progress bar).
    /// (`check --staged` builds its model from the index instead: see [`crate::workspace`].)
    pub fn load(config: Config, tick: &(dyn Fn() + Sync)) -> Corpus {
        Corpus::load_with(config, None, tick)
    }

    /// Like [`Corpus::load`], with files the work tree lacks (a sparse checkout's paths
    /// outside its cone, given with their committed contents).
    pub fn load_with(config: Config, extra: Option<&Overlay>, tick: &(dyn Fn() + Sync)) -> Corpus {
        let found = discover(&config, extra);
        let read = |f: &Found| match extra.and_then(|o| o.files.get(&f.path)) {
            Some(Some(bytes)) => {
                let kind = &config.kinds[f.kind];
                match within_limits(&config, bytes.clone()) {
                    Ok(b) => Document::from_vec(f.path.clone(), f.kind, kind, b),
                    Err(why) => Document::unreadable(f.path.clone(), f.kind, kind, why),
                }
            }
            _ => load(&config, f),
        };
        let ((docs, catalogs), files) = rayon::join(
            || {
                let docs: Vec<Document> = found
                    .documents
                    .par_iter()
                    .map(|f| {
                        let d = read(f);
                        tick();
                        d
                    })
                    .collect();
                let catalogs = found.catalogs.par_iter().map(read).collect();
                (docs, catalogs)
            },
            || files::FileIndex::scan(&config.root, extra),
        );
        let mut repo = Corpus::from_docs(config, docs, found.skipped, Some(files));
        repo.catalogs = catalogs;
        repo
    }

    /// A repository of the given documents; the file index holds just them.
    pub fn from_docs(
        config: Config,
        docs: Vec<Document>,
        skipped: Vec<Skipped>,
        files: Option<files::FileIndex>,
    ) -> Corpus {
        let (by_id, by_path) = indexes(&docs);
        let files = files
            .unwrap_or_else(|| files::FileIndex::from_paths(docs.iter().map(|d| d.path.clone())));
        Corpus {
            config,
            docs,
            skipped,
            catalogs: Vec::new(),
            files,
            by_id,
            by_path,
        }
    }

    /// Puts `doc` in place of the document or catalog at its path, or adds it: one file's
    /// new contents, without reading the others again. A document's ID comes from its path,
    /// so the ID index changes only for a new path.
    pub fn replace(&mut self, doc: Document, catalog: bool) {
        if catalog {
            if let Some(c) = self.catalogs.iter_mut().find(|c| c.path == doc.path) {
                *c = doc;
            } else {
                self.files.insert(&doc.path);
                self.catalogs.push(doc);
            }
            return;
        }
        if let Some(&i) = self.by_path.get(&doc.path) {
            self.docs[i] = doc;
            return;
        }
        let i = self.docs.len();
        if let Some(id) = &doc.id {
            self.by_id.entry(id.clone()).or_default().push(i);
        }
        self.by_path.insert(doc.path.clone(), i);
        self.files.insert(&doc.path);
        self.docs.push(doc);
    }

    /// Takes the document or catalog at `path` out of the model (its file is gone).
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
        if let Some(i) = self.catalogs.iter().position(|c| c.path == path) {
            self.catalogs.remove(i);
            return;
        }
        let Some(&i) = self.by_path.get(path) else {
            return;
        };
        self.docs.remove(i);
        // The indexes of the documents after it moved down by one.
        let (by_id, by_path) = indexes(&self.docs);
        self.by_id = by_id;
        self.by_path = by_path;
    }

    pub fn kind_of(&self, doc: &Document) -> &Kind {
        &self.config.kinds[doc.kind]
    }

    /// The next free number of `kind`: one above the highest its documents' file names
    /// carry and the highest of the `elsewhere` paths (files of another tree: the base of a
    /// change, the upstream branch).
    pub fn next_number<'p>(
        &self,
        kind: usize,
        elsewhere: impl IntoIterator<Item = &'p str>,
    ) -> u64 {
        let k = &self.config.kinds[kind];
        let here = self
            .docs
            .iter()
            .filter(|d| d.kind == kind)
            .filter_map(|d| d.name.as_ref()?.number);
        let there = elsewhere.into_iter().filter_map(|p| k.number_in(p));
        here.chain(there).max().unwrap_or(0) + 1
    }

    /// A document or catalog by repository-relative path (what fixes may edit).
    pub fn document(&self, path: &str) -> Option<&Document> {
        self.by_path
            .get(path)
            .map(|&i| &self.docs[i])
            .or_else(|| self.catalogs.iter().find(|c| c.path == path))
    }

    /// Finds a document by ID (case-insensitively) or repository-relative path.
    pub fn find(&self, key: &str) -> Option<&Document> {
        if let Some(v) = self.by_id.get(key) {
            return v.first().map(|&i| &self.docs[i]);
        }
        let upper = key.to_ascii_uppercase();
        if let Some(v) = self.by_id.get(&upper) {
            return v.first().map(|&i| &self.docs[i]);
        }
        let norm = key.trim_start_matches("./").replace('\\', "/");
        self.by_path.get(&norm).map(|&i| &self.docs[i])
    }

    /// The ID a document at `path` would have (from its kind's patterns).
    pub fn id_for_path(&self, path: &str) -> Option<String> {
        Classifier::new(&self.config).id(path)
    }

    /// The document an ID field value names: by ID (a bare number is an ID of the document's
    /// own kind), or by path relative to the document.
    pub fn referenced(&self, from: &Document, value: &str) -> Option<&Document> {
        if let Some(id) = bare_number_id(self.kind_of(from), value) {
            return self.find(&id);
        }
        if let Some(d) = self.find(value) {
            return Some(d);
        }
        match links::resolve(&from.path, value) {
            links::Target::Path { path, .. } => self.by_path.get(&path).map(|&i| &self.docs[i]),
            _ => None,
        }
    }

    /// Where `from` points at `target`: its links to the file (or, in `target` itself, to a
    /// fragment of it) and its ID field values naming it, in text order. The one reader of
    /// backlinks: `show`'s inbound list, the language server's references and the hub's
    /// "Linked from".
    pub fn pointers(&self, from: &Document, target: &Document) -> Vec<Pointer> {
        let mut out = Vec::new();
        for l in &from.md.links {
            let via = match links::resolve(&from.path, &l.dest) {
                links::Target::Path { path, fragment } if path == target.path => {
                    Via::Link(fragment)
                }
                links::Target::SameDocument { fragment } if std::ptr::eq(from, target) => {
                    Via::SameDocument(fragment)
                }
                _ => continue,
            };
            out.push(Pointer {
                span: l.span.clone(),
                dest_span: l.dest_span.clone(),
                via,
            });
        }
        for field in &self.kind_of(from).id_fields {
            for (value, span) in from.id_list(field) {
                if self
                    .referenced(from, &value)
                    .is_some_and(|t| std::ptr::eq(t, target))
                {
                    out.push(Pointer {
                        span: span.clone(),
                        dest_span: Some(span),
                        via: Via::Field,
                    });
                }
            }
        }
        out.sort_by_key(|p| p.span.start);
        out
    }

    pub fn root(&self) -> &Path {
        &self.config.root
    }
}

/// One place where a document points at another ([`Corpus::pointers`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    /// The link, or the field value, in the pointing document's source.
    pub span: Range<usize>,
    /// Where its destination is written, when the source spells it as it reads (what a
    /// rewrite edits; see `markdown::Link::dest_span`).
    pub dest_span: Option<Range<usize>>,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A link to the file, with its fragment (after `#`) if it has one.
    Link(Option<String>),
    /// A link within the document itself: `#fragment`.
    SameDocument(String),
    /// An ID field value naming the document.
    Field,
}

impl Pointer {
    /// Whether it points at the heading with `slug` (a field value points at no heading).
    pub fn at_heading(&self, slug: &str) -> bool {
        match &self.via {
            Via::Link(f) => f.as_deref() == Some(slug),
            Via::SameDocument(f) => f == slug,
            Via::Field => false,
        }
    }

    /// Whether it comes from another document (a link within the document does not).
    pub fn from_elsewhere(&self) -> bool {
        !matches!(self.via, Via::SameDocument(_))
    }
}

/// The corpus' lookups: documents by ID (several when IDs clash) and by path.
type Indexes = (HashMap<String, Vec<usize>>, HashMap<String, usize>);

fn indexes(docs: &[Document]) -> Indexes {
    let mut by_id: HashMap<String, Vec<usize>> =
        HashMap::with_capacity_and_hasher(docs.len(), rustc_hash::FxBuildHasher);
    let mut by_path = HashMap::with_capacity_and_hasher(docs.len(), rustc_hash::FxBuildHasher);
    for (i, d) in docs.iter().enumerate() {
        if let Some(id) = &d.id {
            by_id.entry(id.clone()).or_default().push(i);
        }
        by_path.insert(d.path.clone(), i);
    }
    (by_id, by_path)
}

impl crate::diagnostic::Sources for Corpus {
    fn source(&self, path: &str) -> Option<&str> {
        self.by_path
            .get(path)
            .map(|&i| self.docs[i].source.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_line_scan() {
        assert_eq!(
            super::status_in("---\ntitle: x\nstatus: \"accepted\" # ok\n---\n").as_deref(),
            Some("accepted")
        );
        assert_eq!(super::status_in("---\ntitle: x\n---\nstatus: no\n"), None);
        assert_eq!(super::status_in("# no front matter\n"), None);
        // The inline forms the model reads, read the same way.
        assert_eq!(
            super::status_in("# 1. T\n\n## Status\n\nAccepted\n").as_deref(),
            Some("accepted")
        );
        assert_eq!(
            super::status_in("# T\n\n* Status: superseded by [ADR-0005](0005-x.md)\n").as_deref(),
            Some("superseded")
        );
        assert_eq!(
            super::status_in("---\nstatus: superseded by ADR-0002\n---\n").as_deref(),
            Some("superseded")
        );
    }

    #[test]
    fn nesting_is_measured_at_line_starts_and_in_flow_yaml() {
        use super::exceeds_nesting;
        assert!(!exceeds_nesting(
            b"---\na: [1, [2]]\n---\n> quote\n- item\n  - sub\n",
            3
        ));
        assert!(exceeds_nesting(b"---\na: [[[[1]]]]\n---\n", 3));
        assert!(!exceeds_nesting(b"---\na: \"[[[[\"\n---\n", 3));
        assert!(exceeds_nesting(b"> > > > deep\n", 3));
        assert!(exceeds_nesting(b"- - - - deep\n", 3));
        assert!(exceeds_nesting(b"        indented\n", 3));
        assert!(!exceeds_nesting(
            b"text with [[[[ brackets ]]]] in the body\n",
            3
        ));
    }

    use super::*;

    fn decision_kind() -> Kind {
        Config::zero_config(Path::new("/nonexistent")).kinds[0].clone()
    }

    #[test]
    fn nygard_inline_status() {
        let k = decision_kind();
        let d = Document::from_text(
            "decisions/0001-record.md".into(),
            0,
            &k,
            "# 1. Record decisions\n\nDate: 2018-01-02\n\n## Status\n\nAccepted\n\n## Context\n",
        );
        assert_eq!(d.data["status"], "accepted");
        assert_eq!(d.data["date"], "2018-01-02");
        assert_eq!(d.id.as_deref(), Some("ADR-0001"));
        assert_eq!(d.title(), Some("Record decisions"));
    }

    #[test]
    fn madr2_status_line() {
        let k = decision_kind();
        let d = Document::from_text(
            "decisions/0002-x.md".into(),
            0,
            &k,
            "# Use X\n\n* Status: proposed\n* Date: 2020-01-01\n",
        );
        assert_eq!(d.data["status"], "proposed");
        assert_eq!(&d.source[d.value_span("status")], "proposed");
    }

    #[test]
    fn bom_and_lines() {
        let k = decision_kind();
        let d = Document::from_bytes(
            "decisions/0003-x.md".into(),
            0,
            &k,
            "\u{feff}---\ntitle: x\n---\n# x\n".as_bytes(),
        );
        assert_eq!(d.data["title"], "x");
        assert_eq!(d.line_col(d.md.headings[0].span.start), (4, 1));
        let bin = Document::from_bytes("decisions/0004-x.md".into(), 0, &k, b"\x00\x01");
        assert!(matches!(bin.unreadable, Some(Unreadable::Binary)));
        let bad = Document::from_bytes("decisions/0005-x.md".into(), 0, &k, b"ok \xff");
        assert!(matches!(
            bad.unreadable,
            Some(Unreadable::NotUtf8 { offset: 3 })
        ));
    }
}
