//! What only a change can break: workflow transitions (F005), edits to accepted decisions
//! (O005), and a number two branches both took (N002). Active with `--staged` / `--since`.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::fix::Fix;
use crate::docs::Document;
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::pattern::Values;

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
        let old_path = change
            .changes
            .renamed_from
            .get(&doc.path)
            .map_or(doc.path.as_str(), String::as_str);
        accepted_edit(
            doc,
            prev,
            old_path,
            &change.changes.renamed_from,
            &change.base,
            out,
        );
    }
    if change.changes.added.contains(&doc.path) {
        taken_number(ctx, doc, out);
    }
}

fn transition(
    ctx: &Context<'_>,
    doc: &Document,
    prev: &Document,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    let kind = ctx.kind(doc);
    let (Some(before), Some(now)) = (prev.status(), doc.status()) else {
        return;
    };
    // An unknown status is F005's finding on its own.
    if !kind.statuses.iter().any(|s| s == now) {
        return;
    }
    let Err(options) = kind.transition(before, now) else {
        return;
    };
    out.push(
        Diagnostic::new(
            Rule::InvalidStatus,
            &doc.path,
            Some(doc.value_span("status")),
            format!("status changed from `{before}` ({base}) to `{now}`: the {} workflow does not allow it ({options})", kind.name),
        )
        .on_field("status"),
    );
}

fn accepted_edit(
    doc: &Document,
    prev: &Document,
    old_path: &str,
    renamed_from: &std::collections::BTreeMap<String, String>,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    if prev.status() != Some("accepted") {
        return;
    }
    // The body is the record; front matter (owner, review dates) may change. In
    // repositories that keep the status in a `## Status` section, that section may change too.
    // A link that `annals mv` (or a rename fix) retargeted still points at the same document:
    // each link is compared by where it leads (in the base's names), not by how it is spelt.
    let now = body_without_status(doc, &doc.path, &|p: &str| {
        renamed_from
            .get(p)
            .cloned()
            .unwrap_or_else(|| p.to_string())
    });
    let before = body_without_status(prev, old_path, &str::to_string);
    if now == before {
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
        Rule::AcceptedDecisionEdited,
        &doc.path,
        Some(doc.line_span(line)),
        format!("this decision was accepted at {base}: its body may not change (front matter and a `## Status` section may); supersede it instead"),
    ));
}

/// The body without its `## Status` section, each link destination replaced by the path it
/// resolves to from `at` (mapped through `name`).
fn body_without_status(d: &Document, at: &str, name: &dyn Fn(&str) -> String) -> String {
    let skip = d.md.find_section("Status").map(|i| {
        let h = &d.md.headings[i];
        let section = d.md.section_text(&d.source, i);
        h.span.start.max(d.body_start)..h.span.end + section.len()
    });
    let mut dests: Vec<(std::ops::Range<usize>, String)> =
        d.md.links
            .iter()
            .filter_map(|l| {
                let span = l.dest_span.clone()?;
                let crate::docs::links::Target::Path { path, fragment } =
                    crate::docs::links::resolve(at, &l.dest)
                else {
                    return None;
                };
                let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                Some((span, format!("{}{fragment}", name(&path))))
            })
            .collect();
    dests.sort_by_key(|(r, _)| r.start);
    let mut segments = Vec::with_capacity(2);
    match skip {
        Some(s) => {
            segments.push(d.body_start..s.start);
            segments.push(s.end.min(d.source.len())..d.source.len());
        }
        None => segments.push(d.body_start..d.source.len()),
    }
    let mut out = String::with_capacity(d.source.len());
    for seg in segments {
        let mut at_byte = seg.start;
        for (range, replacement) in &dests {
            if range.start < at_byte || range.end > seg.end {
                continue;
            }
            out.push_str(&d.source[at_byte..range.start]);
            out.push_str(replacement);
            at_byte = range.end;
        }
        out.push_str(&d.source[at_byte..seg.end]);
    }
    out
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
            Rule::DuplicateId,
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
    let base = &ctx.git.change.as_ref()?.base_ids;
    Some(
        ctx.repo
            .next_number(kind_idx, base.values().map(String::as_str)),
    )
}

/// Renames the document to number `n` and rewrites every link and reference to it.
fn renumber(ctx: &Context<'_>, doc: &Document, n: u64) -> Option<Fix> {
    let kind = ctx.kind(doc);
    let name = doc.name.as_ref()?;
    let to = doc.path_with(
        kind,
        &Values {
            number: Some(n),
            date: name.date.as_deref(),
            slug: name.slug.as_deref(),
        },
    )?;
    Some(Fix::rename(format!("renumber to {to}"), &doc.path, &to))
}
