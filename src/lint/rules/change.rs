//! What only a change can break: workflow transitions (F005), edits to accepted decisions
//! (O005), and a number two branches both took (N002). Active with `--staged` / `--since`.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::fix::Fix;
use crate::docs::Document;
use crate::docs::pattern::Values;
use crate::lint::Context;

/// Printed by `annals rule O005`.
pub const O005_DOC: &str = "What: with `--staged` or `--since`, a document that was `accepted` before the change \
and whose body changed (front matter such as `status`, `superseded_by` or `owner` may change, and so \
may a `## Status` section). Points at the first changed line.\n\n\
Why: an accepted decision is a record: editing it rewrites history for everyone who relied on it. \
A new decision that supersedes it keeps both the old reasoning and the new one.\n\n\
Example: rewording the Decision section of ADR-0007 after it was accepted.\n\n\
Fix: revert the edit and write a new decision with `supersedes: ADR-0007` (`annals supersede`); \
fixing a typo is still an edit: suppress with `<!-- annals-ignore O005 -->` on the line before.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(change) = &ctx.git.change else {
        return;
    };
    if let Some(prev) = change.previous.get(&doc.path) {
        transition(ctx, doc, prev, &change.base, out);
        accepted_edit(doc, prev, &change.base, out);
    }
    if change.changes.added.contains(&doc.path) {
        taken_number(ctx, doc, out);
    }
}

fn status(doc: &Document) -> Option<&str> {
    doc.data.get("status").and_then(|s| s.as_str())
}

fn transition(
    ctx: &Context<'_>,
    doc: &Document,
    prev: &Document,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    let kind = ctx.kind(doc);
    let (Some(before), Some(now)) = (status(prev), status(doc)) else {
        return;
    };
    if before == now || kind.transitions.is_empty() || !kind.statuses.iter().any(|s| s == now) {
        return;
    }
    let allowed = kind.transitions.get(before).cloned().unwrap_or_default();
    if allowed.iter().any(|s| s == now) {
        return;
    }
    let options = if allowed.is_empty() {
        format!("`{before}` is final")
    } else {
        format!("from `{before}` it allows {}", allowed.join(", "))
    };
    out.push(
        Diagnostic::new(
            "F005",
            &doc.path,
            Some(doc.value_span("status")),
            format!("status changed from `{before}` ({base}) to `{now}`: the {} workflow does not allow it ({options})", kind.name),
        )
        .on_field("status"),
    );
}

fn accepted_edit(doc: &Document, prev: &Document, base: &str, out: &mut Vec<Diagnostic>) {
    if status(prev) != Some("accepted") {
        return;
    }
    // The body is the record; front matter (owner, review dates) may change. In
    // repositories that keep the status in a `## Status` section, that section may change too.
    if body_without_status(doc) == body_without_status(prev) {
        return;
    }
    // The first line that differs, for the caret.
    let line = doc
        .source
        .lines()
        .zip(prev.source.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| {
            prev.source
                .lines()
                .count()
                .min(doc.source.lines().count().saturating_sub(1))
        })
        + 1;
    let line = line.min(doc.source.lines().count().max(1));
    out.push(Diagnostic::new(
        "O005",
        &doc.path,
        Some(doc.line_span(line)),
        format!("this decision was accepted at {base}: only `status` and `superseded_by` may change; supersede it instead"),
    ));
}

fn body_without_status(d: &Document) -> String {
    let body = &d.source[d.body_start..];
    match d.md.find_section("Status") {
        Some(i) => {
            let h = &d.md.headings[i];
            let section = d.md.section_text(&d.source, i);
            let end = h.span.end + section.len();
            format!(
                "{}{}",
                &d.source[d.body_start..h.span.start.max(d.body_start)],
                d.source.get(end..).unwrap_or("")
            )
        }
        None => body.to_string(),
    }
}

fn taken_number(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(change) = &ctx.git.change else {
        return;
    };
    let Some(id) = &doc.id else { return };
    let Some(other) = change.base_ids.get(id) else {
        return;
    };
    let renamed_from = change.changes.renamed_from.get(&doc.path);
    if other == &doc.path
        || renamed_from == Some(other)
        || change.changes.deleted.contains(other)
        || ctx.repo.by_path.contains_key(other)
    {
        // The same file, or a duplicate in this tree: plain N002 reports that one.
        return;
    }
    let kind = ctx.kind(doc);
    let next = next_free_number(ctx, doc.kind);
    let fix = next.and_then(|n| renumber(ctx, doc, n));
    let help = next.and_then(|n| {
        kind.id.as_ref()?.render(&Values {
            number: Some(n),
            ..Values::default()
        })
    });
    out.push(
        Diagnostic::new(
            "N002",
            &doc.path,
            None,
            format!(
                "ID `{id}` is taken on {} by `{other}`: two branches took the same number",
                change.base
            ),
        )
        .with_help(help.map(|h| {
            format!(
                "renumber this document to `{h}` (`annals check --since {} --fix` does it)",
                change.base
            )
        }))
        .with_fix(fix),
    );
}

/// The next number free in this tree and in the base's.
fn next_free_number(ctx: &Context<'_>, kind_idx: usize) -> Option<u64> {
    let kind = &ctx.repo.config.kinds[kind_idx];
    let base = ctx.git.change.as_ref()?.base_ids.values().filter_map(|p| {
        let rest = p.strip_prefix(&format!("{}/", kind.dir))?;
        kind.filename.matches(rest.rsplit('/').next()?)?.number
    });
    Some(base.max().unwrap_or(0).max(ctx.repo.max_number(kind_idx)) + 1)
}

/// Renames the document to number `n` and rewrites every link and reference to it.
fn renumber(ctx: &Context<'_>, doc: &Document, n: u64) -> Option<Fix> {
    let kind = ctx.kind(doc);
    let name = doc.name.as_ref()?;
    let file = kind.filename.render(&Values {
        number: Some(n),
        date: name.date.as_deref(),
        slug: name.slug.as_deref(),
    })?;
    let dir = doc.path.rsplit_once('/').map_or("", |(d, _)| d);
    let to = if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    };
    Some(Fix::rename(format!("renumber to {to}"), &doc.path, &to))
}
