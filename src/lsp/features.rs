//! What the server answers: completion, hover, definition, references and symbols, read from
//! the workspace's model (the open buffers' contents included).

use std::ops::Range;

use serde_json::{Value, json};

use super::Server;
use super::convert::{self, offset, range};
use crate::docs::links::{Target, relative, resolve};
use crate::docs::{Corpus, Document, frontmatter};
use crate::text::{Encoding, LineIndex};

/// Why a request got no answer.
pub enum Failure {
    /// A method annals does not implement.
    Unknown,
    /// Parameters that do not name a document of the repository, or are not the method's.
    Params(String),
}

pub fn capabilities(enc: Encoding) -> Value {
    json!({
        "positionEncoding": convert::encoding_name(enc),
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": true}},
        "completionProvider": {"triggerCharacters": ["[", ",", " ", "(", "#", "/", ":"]},
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "codeActionProvider": {"codeActionKinds": ["quickfix"]},
        "renameProvider": true,
        "workspace": {"fileOperations": {"willRename": {"filters": [
            {"scheme": "file", "pattern": {"glob": "**/*.{md,markdown}"}}
        ]}}},
    })
}

pub fn handle(server: &Server<'_>, method: &str, params: &Value) -> Result<Value, Failure> {
    match method {
        "workspace/symbol" => {
            return Ok(workspace_symbols(
                server,
                params["query"].as_str().unwrap_or(""),
            ));
        }
        "textDocument/codeAction" => return Ok(super::edits::code_actions(server, params)),
        "workspace/willRenameFiles" => return Ok(super::edits::will_rename(server, params)),
        "textDocument/rename" => {
            return super::edits::rename(server, params).map_err(Failure::Params);
        }
        _ => {}
    }
    let handler: fn(&At<'_>) -> Value = match method {
        "textDocument/completion" => completion,
        "textDocument/hover" => hover,
        "textDocument/definition" => definition,
        "textDocument/references" => references,
        "textDocument/documentSymbol" => document_symbols,
        _ => return Err(Failure::Unknown),
    };
    let uri = params["textDocument"]["uri"]
        .as_str()
        .ok_or_else(|| Failure::Params("no textDocument.uri".to_string()))?;
    let Some(ws) = &server.ws else {
        return Ok(Value::Null);
    };
    let path = server
        .relative(uri)
        .ok_or_else(|| Failure::Params(format!("{uri} is not a file of the repository")))?;
    let Some(doc) = ws.corpus.document(&path) else {
        // A file that is no document: nothing annals knows of it.
        return Ok(Value::Null);
    };
    let index = LineIndex::new(&doc.source);
    let at = At {
        corpus: &ws.corpus,
        doc,
        offset: offset(doc, &index, &params["position"], server.encoding),
        index,
        enc: server.encoding,
        root: ws.corpus.config.root.clone(),
    };
    Ok(handler(&at))
}

/// A request about a place in a document.
struct At<'a> {
    corpus: &'a Corpus,
    doc: &'a Document,
    index: LineIndex,
    /// The cursor, as a byte offset in the document's text.
    offset: usize,
    enc: Encoding,
    root: std::path::PathBuf,
}

impl At<'_> {
    fn location(&self, doc: &Document, span: &Range<usize>) -> Value {
        self.locations(doc, std::iter::once(span)).remove(0)
    }

    /// Places in `doc`, its line index made once for them all.
    fn locations<'s>(
        &self,
        doc: &Document,
        spans: impl IntoIterator<Item = &'s Range<usize>>,
    ) -> Vec<Value> {
        let other;
        let index = if std::ptr::eq(doc, self.doc) {
            &self.index
        } else {
            other = LineIndex::new(&doc.source);
            &other
        };
        let uri = convert::uri_of(&self.root.join(&doc.path));
        spans
            .into_iter()
            .map(|span| json!({"uri": uri, "range": range(doc, index, span, self.enc)}))
            .collect()
    }

    /// The line the cursor is on, and the cursor's place in it.
    fn line(&self) -> (&str, usize) {
        let src = &self.doc.source;
        let start = src[..self.offset].rfind('\n').map_or(0, |i| i + 1);
        let end = src[self.offset..]
            .find('\n')
            .map_or(src.len(), |i| self.offset + i);
        (&src[start..end], self.offset - start)
    }

    /// The front-matter key whose value the cursor is in (a list item's key is the key the
    /// list belongs to), when the cursor is in front matter.
    fn front_matter_key(&self) -> Option<String> {
        let block = frontmatter::split(&self.doc.source).ok()??;
        if !(block.yaml.start..=block.yaml.end).contains(&self.offset) {
            return None;
        }
        let head = &self.doc.source[block.yaml.start..self.offset];
        for line in head.lines().rev() {
            let starts_key = !line.starts_with([' ', '\t', '-']);
            if let Some((key, _)) = line.split_once(':')
                && starts_key
            {
                return Some(key.trim().to_string());
            }
            if starts_key && !line.trim().is_empty() {
                return None;
            }
        }
        None
    }

    /// The word under the cursor (letters, digits, `-`, `_`, `.`, `/`) and its span.
    fn word(&self) -> (&str, Range<usize>) {
        let src = &self.doc.source;
        let is_word = |c: char| c.is_alphanumeric() || "-_./".contains(c);
        let start = src[..self.offset]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(self.offset, |(i, _)| i);
        let end = src[self.offset..]
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(src.len(), |(i, _)| self.offset + i);
        (&src[start..end], start..end)
    }

    /// The link the cursor is in.
    fn link(&self) -> Option<&crate::docs::markdown::Link> {
        self.doc
            .md
            .links
            .iter()
            .find(|l| l.span.start <= self.offset && self.offset <= l.span.end)
    }

    /// The document a link, an ID field value or an ID in the text under the cursor names.
    fn target(&self) -> Option<(&Document, Option<String>)> {
        if let Some(link) = self.link() {
            return match resolve(&self.doc.path, &link.dest) {
                Target::Path { path, fragment } => Some((self.corpus.document(&path)?, fragment)),
                Target::SameDocument { fragment } => Some((self.doc, Some(fragment))),
                _ => None,
            };
        }
        let (word, _) = self.word();
        let word = word.trim_matches(['.', '/']);
        if word.is_empty() {
            return None;
        }
        let kind = self.corpus.kind_of(self.doc);
        let in_id_field = self
            .front_matter_key()
            .is_some_and(|k| kind.id_fields.contains(&k));
        if in_id_field {
            return self.corpus.referenced(self.doc, word).map(|d| (d, None));
        }
        self.corpus.find(word).map(|d| (d, None))
    }
}

/// A document's card: what hover shows of a link or ID.
fn card(doc: &Document) -> String {
    let mut s = format!(
        "**{}** {}\n\n",
        doc.identity(),
        doc.title().unwrap_or_default()
    );
    for key in ["status", "owner", "date"] {
        let v = if key == "status" {
            doc.status().map(str::to_string)
        } else {
            doc.str_field(key).map(|(v, _)| v.to_string())
        };
        if let Some(v) = v {
            s.push_str(&format!("- {key}: {v}\n"));
        }
    }
    let by = doc.id_list("superseded_by");
    if !by.is_empty() {
        let names: Vec<String> = by.into_iter().map(|(v, _)| v).collect();
        s.push_str(&format!("- superseded by: {}\n", names.join(", ")));
    }
    s.push_str(&format!("\n`{}`", doc.path));
    s
}

fn hover(at: &At<'_>) -> Value {
    let markdown = |text: String| json!({"contents": {"kind": "markdown", "value": text}});
    if let Some((doc, _)) = at.target() {
        return markdown(card(doc));
    }
    let cfg = &at.corpus.config;
    let (word, _) = at.word();
    let key = at.front_matter_key();
    let kind = at.corpus.kind_of(at.doc);
    match key.as_deref() {
        Some("tags") => {
            if let Some(desc) = cfg.tags.get(word) {
                return markdown(format!("**{word}** (tag)\n\n{desc}"));
            }
        }
        Some(k) if kind.names_people(k) => {
            if let Some(p) = cfg.people.get(word) {
                let teams: Vec<&str> = cfg
                    .teams
                    .iter()
                    .filter(|(_, t)| t.members.iter().any(|m| m == word))
                    .map(|(k, _)| k.as_str())
                    .collect();
                let mut s = format!("**{}** (`{word}`)", p.name.as_deref().unwrap_or(word));
                if !teams.is_empty() {
                    s.push_str(&format!("\n\n- team: {}", teams.join(", ")));
                }
                if !p.active {
                    s.push_str("\n- no longer active");
                }
                return markdown(s);
            }
            if let Some(t) = cfg.teams.get(word) {
                return markdown(format!(
                    "**{}** (team `{word}`)\n\n- members: {}",
                    t.name.as_deref().unwrap_or(word),
                    t.members.join(", ")
                ));
            }
        }
        _ => {}
    }
    Value::Null
}

fn definition(at: &At<'_>) -> Value {
    let Some((doc, fragment)) = at.target() else {
        return Value::Null;
    };
    let span = fragment
        .as_deref()
        .filter(|f| !f.is_empty())
        .and_then(|f| doc.md.headings.iter().find(|h| h.slug == f))
        .map_or(0..0, |h| h.span.clone());
    at.location(doc, &span)
}

/// Every link to the document (or, on a heading, to that heading) and every ID field naming
/// it: the backlinks.
fn references(at: &At<'_>) -> Value {
    let target = at.doc;
    let heading = at
        .doc
        .md
        .headings
        .iter()
        .find(|h| h.span.start <= at.offset && at.offset <= h.span.end);
    let mut out = Vec::new();
    for d in at.corpus.docs.iter().chain(&at.corpus.catalogs) {
        let hits: Vec<Range<usize>> = at
            .corpus
            .pointers(d, target)
            .into_iter()
            .filter(|p| match heading {
                Some(h) => p.at_heading(&h.slug),
                None => p.from_elsewhere(),
            })
            .map(|p| p.span)
            .collect();
        if !hits.is_empty() {
            out.extend(at.locations(d, &hits));
        }
    }
    Value::Array(out)
}

fn document_symbols(at: &At<'_>) -> Value {
    let symbols: Vec<Value> = at
        .doc
        .md
        .headings
        .iter()
        .map(|h| {
            let r = range(at.doc, &at.index, &h.span, at.enc);
            json!({
                "name": h.text,
                "detail": format!("{} #{}", "#".repeat(h.level as usize), h.slug),
                // String (15) for headings: LSP has no kind for them.
                "kind": 15,
                "range": r,
                "selectionRange": r,
            })
        })
        .collect();
    Value::Array(symbols)
}

/// Documents whose ID or title holds every word of the query (case-insensitively).
fn workspace_symbols(server: &Server<'_>, query: &str) -> Value {
    let Some(ws) = &server.ws else {
        return Value::Array(Vec::new());
    };
    let corpus = &ws.corpus;
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut out = Vec::new();
    for d in &corpus.docs {
        let name = format!("{} {}", d.identity(), d.title().unwrap_or_default());
        let lower = name.to_lowercase();
        if words.iter().all(|w| lower.contains(w.as_str())) {
            out.push(json!({
                "name": name,
                "kind": 1,
                "location": {
                    "uri": convert::uri_of(&corpus.config.root.join(&d.path)),
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                },
                "containerName": corpus.kind_of(d).name,
            }));
        }
        if out.len() >= 200 {
            break;
        }
    }
    Value::Array(out)
}

fn completion(at: &At<'_>) -> Value {
    let items = match at.front_matter_key() {
        Some(key) => front_matter_items(at, &key),
        None => body_items(at),
    };
    json!({"isIncomplete": false, "items": items})
}

fn item(label: &str, detail: Option<&str>, kind: u8, sort: usize) -> Value {
    json!({
        "label": label,
        "detail": detail,
        "kind": kind,
        "sortText": format!("{sort:05}"),
    })
}

/// Values for a front-matter key: the vocabulary, people, statuses, IDs, today.
fn front_matter_items(at: &At<'_>, key: &str) -> Vec<Value> {
    let cfg = &at.corpus.config;
    let kind = at.corpus.kind_of(at.doc);
    // Value (12) for vocabulary, Reference (18) for people and documents, EnumMember (20)
    // for statuses.
    if key == "tags" {
        return cfg
            .tags
            .iter()
            .enumerate()
            .map(|(i, (t, d))| item(t, Some(d), 12, i))
            .collect();
    }
    if kind.names_people(key) {
        let people = cfg
            .people
            .iter()
            .filter(|(_, p)| p.active)
            .map(|(k, p)| (k, p.name.clone().unwrap_or_else(|| k.clone())));
        let teams = cfg.teams.iter().map(|(k, t)| {
            (
                k,
                format!("team: {}", t.name.clone().unwrap_or_else(|| k.clone())),
            )
        });
        return people
            .chain(teams)
            .enumerate()
            .map(|(i, (k, d))| item(k, Some(&d), 18, i))
            .collect();
    }
    if key == "status" {
        // The moves the workflow allows from the document's status come first.
        let now = at.doc.status().unwrap_or_default();
        let next: Vec<&String> = kind.transitions.get(now).into_iter().flatten().collect();
        return kind
            .statuses
            .iter()
            .map(|s| {
                let allowed = next.contains(&s);
                let rank = if allowed { 0 } else { 100 }
                    + kind.statuses.iter().position(|x| x == s).unwrap_or(0);
                let detail = if allowed {
                    format!("allowed from `{now}`")
                } else {
                    format!("a {} status", kind.name)
                };
                item(s, Some(&detail), 20, rank)
            })
            .collect();
    }
    if kind.id_fields.iter().any(|f| f == key) {
        return id_items(at.corpus);
    }
    if ["date", "review_by"].contains(&key) {
        let today = crate::time::today(cfg.project.timezone)
            .format("%Y-%m-%d")
            .to_string();
        return vec![item(&today, Some("today"), 12, 0)];
    }
    Vec::new()
}

fn id_items(corpus: &Corpus) -> Vec<Value> {
    let mut ids: Vec<(&str, &Document)> = corpus
        .docs
        .iter()
        .filter_map(|d| Some((d.id.as_deref()?, d)))
        .collect();
    ids.sort_by(|a, b| a.0.cmp(b.0));
    ids.iter()
        .enumerate()
        .map(|(i, (id, d))| item(id, d.title(), 18, i))
        .collect()
}

/// In the body: link targets after `](` (relative paths to documents, then a target's
/// headings after `#`), IDs where a word starts like one.
fn body_items(at: &At<'_>) -> Vec<Value> {
    let (line, col) = at.line();
    let before = &line[..col];
    if let Some(open) = before.rfind("](") {
        let typed = &before[open + 2..];
        if typed.contains(')') {
            return Vec::new();
        }
        if let Some((path, _)) = typed.split_once('#') {
            let target = if path.is_empty() {
                Some(at.doc)
            } else {
                match resolve(&at.doc.path, path) {
                    Target::Path { path, .. } => at.corpus.document(&path),
                    _ => None,
                }
            };
            return target.map_or_else(Vec::new, |t| {
                t.md.headings
                    .iter()
                    .enumerate()
                    .map(|(i, h)| item(&h.slug, Some(&h.text), 17, i))
                    .collect()
            });
        }
        let mut docs: Vec<&Document> = at
            .corpus
            .docs
            .iter()
            .filter(|d| !std::ptr::eq(*d, at.doc))
            .collect();
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        return docs
            .iter()
            .enumerate()
            .map(|(i, d)| item(&relative(&at.doc.path, &d.path), d.title(), 17, i))
            .collect();
    }
    let (word, _) = at.word();
    let prefix = word.to_ascii_uppercase();
    let looks_like_id = prefix.len() >= 2
        && at
            .corpus
            .by_id
            .keys()
            .any(|id| id.starts_with(prefix.as_str()));
    if looks_like_id {
        return id_items(at.corpus);
    }
    Vec::new()
}
