//! N001-N003: file names, IDs and slugs.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::fix::{Applicability, Fix};
use crate::docs::Document;
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::pattern::{Values, file_slug};

/// Printed by `annals rule N001`.
pub const N001_DOC: &str = "What: a document's file name does not match its kind's `filename` pattern \
(`{number:04}-{slug}.md`, `{date}-{slug}.md`...).\n\n\
Why: names carry the number, date and slug that IDs, sorting and links rely on; one odd name breaks \
numbering and makes documents hard to find.\n\n\
Example: `briefs/Retry_Budget.md` where the pattern is `{slug}.md`.\n\n\
Fix: rename the file as the help line suggests (`annals mv OLD NEW` rewrites links to it).";

/// Printed by `annals rule N002`.
pub const N002_DOC: &str = "What: two documents have the same ID (`ADR-0042`); reported on each.\n\n\
Why: an ID must name one document: references, supersedes and search results would otherwise be \
ambiguous. The usual cause is two branches taking the same next number.\n\n\
Example: `decisions/0042-use-kafka.md` and `decisions/0042-retire-cron.md`.\n\n\
Fix: renumber the newer document to the next free number and update links to it.";

/// Printed by `annals rule N003`.
pub const N003_DOC: &str = "What: the slug in the file name is not the slug of the title (off by default).\n\n\
Why: when titles change and names do not, the file list stops telling what each document is.\n\n\
Example: `0007-use-postgres.md` titled `Use CockroachDB for events`.\n\n\
Fix: rename the file to the title's slug (`annals mv`).";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    let file = doc.path.rsplit('/').next().unwrap_or(&doc.path);
    let Some(name) = &doc.name else {
        let suggested = suggest_name(ctx, doc, file);
        let help = suggested.as_ref().map(|s| format!("rename it to `{s}`"));
        let fix = suggested
            .map(|s| Fix::rename(format!("rename to {s}"), &doc.path, &sibling(&doc.path, &s)));
        out.push(
            Diagnostic::new(
                Rule::FileNamePattern,
                &doc.path,
                None,
                format!(
                    "file name `{file}` does not match the {} pattern `{}`",
                    kind.name, kind.filename
                ),
            )
            .with_help(help)
            .with_fix(fix),
        );
        return;
    };
    if kind.filename.has_strict_slug()
        && ctx.reads_metadata(doc)
        && let (Some(slug), Some((title, span))) = (&name.slug, doc.str_field("title"))
    {
        let want = file_slug(title);
        if !want.is_empty() && *slug != want {
            // Unsafe: which of the two names is the right one is the writer's call.
            let fix = kind
                .filename
                .render(&Values {
                    number: name.number,
                    date: name.date.as_deref(),
                    slug: Some(&want),
                })
                .map(|s| {
                    Fix::rename(format!("rename to {s}"), &doc.path, &sibling(&doc.path, &s))
                        .with_applicability(Applicability::Unsafe)
                });
            out.push(
                Diagnostic::new(
                    Rule::SlugTitleMismatch,
                    &doc.path,
                    Some(span),
                    format!("file name slug `{slug}` does not match the title's slug `{want}`"),
                )
                .with_fix(fix)
                .on_field("title"),
            );
        }
    }
}

/// `name` in the folder of `path`.
fn sibling(path: &str, name: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_string(),
    }
}

/// A file name that matches the pattern, derived from the current name and the title.
fn suggest_name(ctx: &Context<'_>, doc: &Document, file: &str) -> Option<String> {
    let kind = ctx.kind(doc);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse().ok();
    let date = stem
        .get(..10)
        .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
    let mut rest = stem;
    if let Some(d) = date {
        rest = &stem[d.len()..];
    } else if !digits.is_empty() {
        rest = &stem[digits.len()..];
    }
    let mut slug = file_slug(rest);
    if slug.is_empty() {
        slug = file_slug(doc.title().unwrap_or(""));
    }
    let date_owned;
    let date = if let Some(d) = date {
        Some(d)
    } else {
        date_owned = doc
            .str_field("date")
            .map(|(d, _)| d.chars().take(10).collect::<String>());
        date_owned.as_deref()
    };
    let name = kind.filename.render(&Values {
        number,
        date,
        slug: Some(&slug),
    })?;
    kind.filename.matches(&name).map(|_| name)
}

/// N002 over the whole repository: every file that shares its ID with another.
pub fn check_duplicate_ids(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (id, idxs) in &ctx.repo.by_id {
        if idxs.len() < 2 {
            continue;
        }
        for &i in idxs {
            let doc = &ctx.repo.docs[i];
            if !ctx.in_scope(doc) {
                continue;
            }
            let others: Vec<&str> = idxs
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| ctx.repo.docs[j].path.as_str())
                .collect();
            out.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    &doc.path,
                    None,
                    format!("ID `{id}` is also used by {}", quote_list(&others)),
                )
                .with_help(ctx.next_number_hint(doc)),
            );
        }
    }
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::check_one;

    #[test]
    fn n001_triggers_on_off_pattern_names_with_a_suggestion() {
        let d = check_one(
            "decisions/7_Use_Postgres.md",
            "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2024-01-01\n---\n# Use Postgres\n",
        );
        let n = d.iter().find(|d| d.code == "N001").expect("N001");
        assert_eq!(
            n.help.as_deref(),
            Some("rename it to `0007-use-postgres.md`")
        );
    }

    #[test]
    fn n001_silent_on_matching_names() {
        let d = check_one(
            "decisions/0007-use-postgres.md",
            "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2024-01-01\n---\n# Use Postgres\n",
        );
        assert!(d.iter().all(|d| d.code != "N001"), "{d:?}");
    }
}
