//! Edits: code actions for the fixes `check --fix` knows, and renames (a document through
//! `workspace/willRenameFiles` or its ID, a heading with every fragment pointing at it),
//! computed by the same planner as `check --fix` and `annals mv`.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::Server;
use super::convert::{self, offset, position};
use crate::diagnostic::fix::{Applicability, Edit, Fix};
use crate::docs::links::{Target, resolve};
use crate::docs::{Corpus, Document};
use crate::fix::Plan;
use crate::text::{Encoding, LineIndex};

/// A plan as a `WorkspaceEdit`: each changed file's text edit (the changed middle of it),
/// then the renames.
pub fn workspace_edit(corpus: &Corpus, plan: &Plan, enc: Encoding, renames: bool) -> Value {
    let root = &corpus.config.root;
    let mut changes = Vec::new();
    for (path, new) in &plan.files {
        let Some(doc) = corpus.document(path) else {
            continue;
        };
        let new = new.strip_prefix('\u{feff}').unwrap_or(new);
        let old = doc.source.as_str();
        let prefix = common_prefix(old, new);
        let suffix = common_suffix(&old[prefix..], &new[prefix..]);
        let index = LineIndex::new(old);
        changes.push(json!({
            "textDocument": {"uri": convert::uri_of(&root.join(path)), "version": null},
            "edits": [{
                "range": {
                    "start": position(doc, &index, prefix, enc),
                    "end": position(doc, &index, old.len() - suffix, enc),
                },
                "newText": &new[prefix..new.len() - suffix],
            }],
        }));
    }
    if renames {
        for (from, to) in &plan.renames {
            changes.push(json!({
                "kind": "rename",
                "oldUri": convert::uri_of(&root.join(from)),
                "newUri": convert::uri_of(&root.join(to)),
            }));
        }
    }
    json!({"documentChanges": changes})
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(n) {
        n -= 1;
    }
    n
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    n
}

/// Quick fixes for the findings in the requested range: safe ones preferred, unsafe ones
/// marked as such (as `--unsafe-fixes` would apply them).
pub fn code_actions(server: &Server<'_>, params: &Value) -> Value {
    let Some(ws) = &server.ws else {
        return Value::Array(Vec::new());
    };
    let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
    let Some(path) = server.relative(uri) else {
        return Value::Array(Vec::new());
    };
    let Some(doc) = ws.corpus.document(&path) else {
        return Value::Array(Vec::new());
    };
    let index = LineIndex::new(&doc.source);
    let start = offset(doc, &index, &params["range"]["start"], server.encoding);
    let end = offset(doc, &index, &params["range"]["end"], server.encoding);
    let scope: HashSet<String> = [path.clone()].into_iter().collect();
    let Ok(report) = server.report(Some(&scope)) else {
        return Value::Array(Vec::new());
    };
    let mut out = Vec::new();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let span = d.span.clone().unwrap_or(0..0);
        // A finding on the whole file is fixable from anywhere in it.
        if d.span.is_some() && (span.end < start || span.start > end) {
            continue;
        }
        let plan = crate::fix::plan(&ws.corpus, std::iter::once(fix));
        if plan.fixes == 0 {
            continue;
        }
        let safe = fix.applicability == Applicability::Safe;
        let title = if safe {
            fix.message.clone()
        } else {
            format!("{} (unsafe: review the result)", fix.message)
        };
        out.push(json!({
            "title": format!("{}: {title}", d.code.code()),
            "kind": "quickfix",
            "isPreferred": safe,
            "diagnostics": [convert::diagnostic(d, Some((doc, &index)), server.encoding)],
            "edit": workspace_edit(&ws.corpus, &plan, server.encoding, true),
        }));
    }
    Value::Array(out)
}

/// `workspace/willRenameFiles`: the link and reference edits `annals mv` makes for each
/// moved document (the client moves the files itself).
pub fn will_rename(server: &Server<'_>, params: &Value) -> Value {
    let Some(ws) = &server.ws else {
        return Value::Null;
    };
    let mut fixes = Vec::new();
    for f in params["files"].as_array().into_iter().flatten() {
        let (Some(from), Some(to)) = (
            f["oldUri"].as_str().and_then(|u| server.relative(u)),
            f["newUri"].as_str().and_then(|u| server.relative(u)),
        ) else {
            continue;
        };
        let Some(moved) = ws.corpus.document(&from) else {
            continue;
        };
        // `annals mv`'s rules; the editor moves the file whatever the answer, so a move to
        // another kind's folder (mv's --change-kind) has its links follow it too.
        match crate::fix::move_target(&ws.corpus, moved, &to, true) {
            Ok(()) => fixes.push(Fix::rename(format!("move {from}"), &from, &to)),
            Err(why) => {
                server.show_message(&format!("annals: links to {from} are not rewritten: {why}"));
            }
        }
    }
    let plan = crate::fix::plan(&ws.corpus, &fixes);
    // A move onto a file or an ID that exists: said, as `annals mv` says it.
    for r in &plan.refused {
        server.show_message(&format!("annals: links are not rewritten: {}", r.reason));
    }
    workspace_edit(&ws.corpus, &plan, server.encoding, false)
}

/// `textDocument/rename`: on a heading, the heading and every fragment that points at it;
/// on a document's ID (or a link to a document), the document renamed to that ID, as
/// `annals mv` would.
pub fn rename(server: &Server<'_>, params: &Value) -> Result<Value, String> {
    let ws = server.ws.as_ref().ok_or("annals.toml cannot be read")?;
    let corpus = &ws.corpus;
    let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
    let path = server.relative(uri).ok_or("not a file of the repository")?;
    let doc = corpus.document(&path).ok_or("not a document")?;
    let new_name = params["newName"].as_str().unwrap_or_default().trim();
    if new_name.is_empty() {
        return Err("the new name is empty".to_string());
    }
    let index = LineIndex::new(&doc.source);
    let at = offset(doc, &index, &params["position"], server.encoding);
    if let Some(h) = doc
        .md
        .headings
        .iter()
        .find(|h| h.span.start <= at && at <= h.span.end)
    {
        let plan = rename_heading(corpus, doc, h, new_name)?;
        return Ok(workspace_edit(corpus, &plan, server.encoding, true));
    }
    let target = named_document(corpus, doc, at).ok_or("nothing to rename here")?;
    let to = path_for_id(corpus, target, new_name).ok_or_else(|| {
        format!(
            "`{new_name}` is not an ID of a {}",
            corpus.kind_of(target).name
        )
    })?;
    let plan = crate::fix::plan(
        corpus,
        std::iter::once(&Fix::rename(format!("rename to {to}"), &target.path, &to)),
    );
    if let Some(r) = plan.refused.first() {
        return Err(r.reason.clone());
    }
    Ok(workspace_edit(corpus, &plan, server.encoding, true))
}

/// The document the text at `at` names: a link's target, an ID, or `doc` itself when the
/// cursor is on its title.
fn named_document<'c>(corpus: &'c Corpus, doc: &'c Document, at: usize) -> Option<&'c Document> {
    if let Some(l) = doc
        .md
        .links
        .iter()
        .find(|l| l.span.start <= at && at <= l.span.end)
    {
        return match resolve(&doc.path, &l.dest) {
            Target::Path { path, .. } => corpus.document(&path),
            _ => None,
        };
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let src = &doc.source;
    let start = src[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = src[at..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(src.len(), |(i, _)| at + i);
    corpus.referenced(doc, &src[start..end])
}

/// Where `doc` lives when its ID is `id`: its file name rendered with the ID's number (or
/// date) and the document's own slug, in its folder.
fn path_for_id(corpus: &Corpus, doc: &Document, id: &str) -> Option<String> {
    let kind = corpus.kind_of(doc);
    let wanted = kind.id.as_ref()?.matches(id)?;
    let name = doc.name.as_ref()?;
    let to = doc.path_with(
        kind,
        &crate::pattern::Values {
            number: wanted.number.or(name.number),
            date: wanted.date.as_deref().or(name.date.as_deref()),
            slug: wanted.slug.as_deref().or(name.slug.as_deref()),
        },
    )?;
    (corpus.id_for_path(&to).as_deref() == Some(id)).then_some(to)
}

/// The heading's new text, and every link fragment that named its old slug rewritten to
/// the new one.
fn rename_heading(
    corpus: &Corpus,
    doc: &Document,
    h: &crate::docs::markdown::Heading,
    new_text: &str,
) -> Result<Plan, String> {
    let new_text = new_text.trim();
    if new_text.is_empty() || new_text.contains(['\n', '\r']) {
        return Err("a heading's new text is one line of text".to_string());
    }
    let new_slug = crate::docs::slug::heading(new_text);
    // Another heading of the document with that slug would take the links of both.
    if new_slug != h.slug && doc.md.headings.iter().any(|o| o.slug == new_slug) {
        return Err(format!(
            "the document has a heading `#{new_slug}` already: links to it and to this one could not be told apart"
        ));
    }
    let mut edits = Vec::new();
    // The heading's text: on its first line (a setext heading's underline stays), after its
    // `#` marks for an ATX heading.
    let block = &doc.source[h.span.clone()];
    let line = block.split('\n').next().unwrap_or_default();
    let marks = if line.trim_start().starts_with('#') {
        line.len() - line.trim_start().trim_start_matches('#').trim_start().len()
    } else {
        line.len() - line.trim_start().len()
    };
    let text_end = h.span.start + line.trim_end().len();
    edits.push(Edit {
        path: doc.path.clone(),
        range: (h.span.start + marks).min(text_end)..text_end,
        replacement: new_text.to_string(),
    });
    for d in corpus.docs.iter().chain(&corpus.catalogs) {
        for p in corpus.pointers(d, doc) {
            let Some(span) = p.dest_span.clone().filter(|_| p.at_heading(&h.slug)) else {
                continue;
            };
            let dest = &d.source[span.clone()];
            if let Some(hash) = dest.rfind('#') {
                edits.push(Edit {
                    path: d.path.clone(),
                    range: span.start + hash + 1..span.end,
                    replacement: new_slug.clone(),
                });
            }
        }
    }
    Ok(crate::fix::plan(
        corpus,
        std::iter::once(&Fix::safe("rename heading", edits)),
    ))
}
