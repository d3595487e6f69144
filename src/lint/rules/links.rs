//! L001-L008: links and references resolve as GitHub renders them.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::fix::{Edit, Fix};
use crate::docs::edit::{retarget, set_field, yaml_scalar};
use crate::docs::links::{Target, relative, resolve};
use crate::docs::markdown::LinkKind;
use crate::docs::{Corpus, Document, bare_number_id};
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::text::{did_you_mean, hint};

/// Printed by `annals rule L009`.
pub const L009_DOC: &str = "What: a link's `#fragment` differs from a heading's slug or an explicit anchor only \
in letter case (`#Deprecation` for the heading `### Deprecation`, whose slug is `deprecation`).\n\n\
Why: GitHub's page navigation resolves it, so it works there; most other renderers (and \
static-site generators) compare fragments exactly, and the reader lands at the top of the page.\n\n\
Example: `[Deprecation](#Deprecation)`.\n\n\
Fix: `annals check --fix` writes the fragment as the anchor (`#deprecation`).";

/// Printed by `annals rule L001`.
pub const L001_DOC: &str = "What: a relative link (or image) whose target file or folder does not exist. \
Links resolve as GitHub renders them: relative to the file's folder, `/` from the repository root, \
percent-decoded, `?query` ignored. External URLs are never fetched; links in code are not links.\n\n\
Why: a broken link is a lost piece of the team's memory.\n\n\
Example: `[the old design](../decisions/0099-missing-design.md)`.\n\n\
The message quotes the link as written and where it resolved; the help line offers the file with \
`.md` added, the same file name elsewhere in the repository, or a name spelled alike.\n\n\
Fix: point the link at the file's current path (`annals show ID` lists a document's links).";

/// Printed by `annals rule L002`.
pub const L002_DOC: &str = "What: a link's `#fragment` matches no heading or explicit anchor (an `id` on any \
HTML element, `name` on `a`) in the target document, not even ignoring letter case (that is \
L009). Headings are compared by their GitHub slug (github-slugger: lowercase; letters, \
marks, digits, `_`, `-` and spaces kept; spaces become `-`; repeats get `-1`, `-2`...).\n\n\
Why: renamed headings silently break deep links; the reader lands at the top of a long document.\n\n\
Example: `[plan](0003-use-postgres.md#rollout-plan)` where the heading is `## Rollout`.\n\n\
Fix: use the slug the help line suggests, or add an anchor.";

/// Printed by `annals rule L003`.
pub const L003_DOC: &str = "What: a relative link that climbs above the repository root (`../../x.md`, \
`/../x.md`, percent-encoded dots). annals never reads such a target.\n\n\
Why: it only works on one person's disk; on GitHub and in every other clone it is broken.\n\n\
Example: `[notes](../../../outside-notes.md)`.\n\n\
Fix: link to a copy inside the repository, or to its URL.";

/// Printed by `annals rule L004`.
pub const L004_DOC: &str = "What: an ID field (`supersedes`, `superseded_by`, `related`, or the kind's \
`id_fields`) names a document that does not exist, by ID or by relative path.\n\n\
Why: references are links too: a dangling one hides what a decision replaced or relates to.\n\n\
Example: `related: [ADR-0420]` where no decision has number 420.\n\n\
Fix: correct the ID (the help line suggests the closest), or remove the reference.";

/// Printed by `annals rule L005`.
pub const L005_DOC: &str = "What: a supersede pair that does not agree: A says `supersedes: B`, but B is not \
`status: superseded` with `superseded_by: A` (or the reverse). Reported at the field that names the \
other document.\n\n\
Why: readers of B must learn that it is replaced; readers of A must find what it replaced.\n\n\
Example: ADR-0012 `supersedes: ADR-0003` while ADR-0003 is still `accepted`.\n\n\
Fix: `annals supersede` writes both sides; by hand, set B's status and `superseded_by`.";

/// Printed by `annals rule L006`.
pub const L006_DOC: &str = "What: a document nothing links to: no link or ID reference from another document, \
and no link from a catalog (a README or index in a kind folder). Off by default.\n\n\
Why: an orphan is a document nobody will find by reading.\n\n\
Example: a brief that no meeting, decision or index mentions.\n\n\
Fix: link it from where readers look, or from the kind's index page.";

/// Printed by `annals rule L007`.
pub const L007_DOC: &str = "What: a link whose path differs only in letter case from a real file.\n\n\
Why: it works on macOS and Windows, whose file systems ignore case, and breaks on Linux, in CI and on \
GitHub.\n\n\
Example: `[db](0002-USE-POSTGRES.md)` for `0002-use-postgres.md`.\n\n\
Fix: write the path with the file's exact case (the help line gives it).";

/// Printed by `annals rule L008`.
pub const L008_DOC: &str = "What: a reference-style link (`[text][label]` or `[label][]`) whose label has no \
`[label]: url` definition.\n\n\
Why: markdown renders it as literal brackets: the link is silently gone.\n\n\
Example: `As argued in [the RFC][rfc-12], ...` without `[rfc-12]: ...`.\n\n\
Fix: add the definition, or correct the label.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    for link in &doc.md.links {
        if link.kind == LinkKind::Autolink {
            continue;
        }
        let span = Some(link.span.clone());
        match resolve(&doc.path, &link.dest) {
            Target::External => {}
            Target::Escapes => out.push(Diagnostic::new(
                Rule::LinkEscapesRoot,
                &doc.path,
                span,
                format!(
                    "link `{}` leaves the repository root; annals does not follow it",
                    link.dest
                ),
            )),
            Target::SameDocument { fragment } => {
                if !fragment.is_empty() && !has_anchor(&doc.md, &fragment) {
                    out.push(fragment_finding(doc, link, &fragment, None, &doc.md));
                }
            }
            Target::Path { path, fragment } => {
                let files = &ctx.repo.files;
                if files.exists(&path) {
                    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                        ctx.with_markdown(&path, |md| {
                            if !has_anchor(md, &fragment) {
                                out.push(fragment_finding(doc, link, &fragment, Some(&path), md));
                            }
                        });
                    }
                } else if let Some(real) = files.case_variant(&path) {
                    let fix = retarget(doc, link, real)
                        .map(|e| Fix::safe(format!("write the path as `{real}`"), vec![e]));
                    out.push(
                        Diagnostic::new(
                            Rule::LinkCaseMismatch,
                            &doc.path,
                            span,
                            format!("link path `{path}` differs only in letter case from `{real}`"),
                        )
                        .with_help(Some(format!("write it as `{}`", relative(&doc.path, real))))
                        .with_fix(fix)
                        .with_target(Some(&path)),
                    );
                } else {
                    let suggestion = suggest_file(files, &path).map(|(real, why)| {
                        let dest = link.dest.trim_start();
                        let mut written = relative(&doc.path, &real);
                        if dest.starts_with('/') {
                            written = format!("/{real}");
                        } else if dest.starts_with("./") && !written.starts_with("../") {
                            written = format!("./{written}");
                        }
                        if why.is_empty() {
                            format!("did you mean `{written}`?")
                        } else {
                            format!("{why}: did you mean `{written}`?")
                        }
                    });
                    out.push(
                        Diagnostic::new(
                            Rule::MissingFile,
                            &doc.path,
                            span,
                            format!(
                                "link `{}` resolves to `{path}`, which does not exist",
                                link.dest.trim()
                            ),
                        )
                        .with_help(suggestion)
                        .with_target(Some(&path)),
                    );
                }
            }
        }
    }
    for b in &doc.md.broken_refs {
        out.push(Diagnostic::new(
            Rule::UndefinedReference,
            &doc.path,
            Some(b.span.clone()),
            format!("reference `[{}]` has no definition", b.label),
        ));
    }
    if ctx.reads_metadata(doc) {
        check_references(ctx, doc, out);
    }
}

/// The file a link to the missing `path` probably meant, and why: the file with `.md` added
/// (exactly, or differing in case); the same file name elsewhere in the repository; a name
/// spelled alike in the same folder.
fn suggest_file(
    files: &crate::docs::files::FileIndex,
    path: &str,
) -> Option<(String, &'static str)> {
    let has_ext = std::path::Path::new(path).extension().is_some();
    if !has_ext {
        let with_md = format!("{path}.md");
        if files.is_file(&with_md) {
            return Some((with_md, "the file has a `.md` extension"));
        }
        if let Some(real) = files.case_variant(&with_md) {
            return Some((
                real.to_string(),
                "a file with `.md` and other letter case exists",
            ));
        }
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let mut names = vec![name.to_string()];
    if !has_ext {
        names.push(format!("{name}.md"));
    }
    for n in &names {
        if let [one] = files.named(n).as_slice() {
            return Some(((*one).to_string(), "a file of that name is elsewhere"));
        }
    }
    for n in &names {
        if let [one] = files.named_ignoring_case(n).as_slice() {
            return Some((
                (*one).to_string(),
                "a file of that name, in other letter case, is elsewhere",
            ));
        }
    }
    similar_in_folder(files, dir, name).map(|n| {
        (
            if dir.is_empty() {
                n
            } else {
                format!("{dir}/{n}")
            },
            "",
        )
    })
}

/// A file in `dir` the link probably meant: by spelling in small folders; in large ones
/// (where edit distance over every name would dominate a check) a file with the same
/// number prefix, the usual result of a renamed slug.
fn similar_in_folder(
    files: &crate::docs::files::FileIndex,
    dir: &str,
    name: &str,
) -> Option<String> {
    let children: Vec<&str> = files.children(dir).collect();
    if children.len() <= 200 {
        return did_you_mean(name, children);
    }
    let number: &str = &name[..name.find(|c: char| !c.is_ascii_digit()).unwrap_or(0)];
    if number.is_empty() {
        return None;
    }
    let mut same: Vec<&str> = children
        .into_iter()
        .filter(|c| {
            c.starts_with(number) && c[number.len()..].starts_with(|ch: char| !ch.is_ascii_digit())
        })
        .collect();
    same.sort_unstable();
    same.first().map(|s| (*s).to_string())
}

fn has_anchor(md: &crate::docs::Markdown, fragment: &str) -> bool {
    md.headings.iter().any(|h| h.slug == fragment) || md.anchors.iter().any(|a| a == fragment)
}

/// The anchor `fragment` names when letter case is ignored (GitHub's page navigation
/// resolves such a fragment; most renderers do not).
fn case_only_anchor<'m>(md: &'m crate::docs::Markdown, fragment: &str) -> Option<&'m str> {
    let lower = fragment.to_lowercase();
    md.headings
        .iter()
        .map(|h| h.slug.as_str())
        .chain(md.anchors.iter().map(String::as_str))
        .find(|a| a.to_lowercase() == lower)
}

/// L009 when the fragment differs from an anchor only in letter case, else L002 (pointing at
/// `target_path`, another document: a change there is what broke the link).
fn fragment_finding(
    doc: &Document,
    link: &crate::docs::markdown::Link,
    fragment: &str,
    target_path: Option<&str>,
    md: &crate::docs::Markdown,
) -> Diagnostic {
    let target = target_path.unwrap_or("this document");
    let span = Some(link.span.clone());
    if let Some(anchor) = case_only_anchor(md, fragment) {
        let fix = rewrite_fragment(doc, link, anchor)
            .map(|e| Fix::safe(format!("write the fragment as `#{anchor}`"), vec![e]));
        return Diagnostic::new(
            Rule::FragmentCaseMismatch,
            &doc.path,
            span,
            format!(
                "fragment `#{fragment}` differs only in letter case from the anchor `#{anchor}` in {target}: GitHub resolves it, most renderers do not"
            ),
        )
        .with_help(Some(format!("write it as `#{anchor}`")))
        .with_fix(fix);
    }
    let candidates = md
        .headings
        .iter()
        .map(|h| h.slug.as_str())
        .chain(md.anchors.iter().map(String::as_str));
    let suggestion = did_you_mean(fragment, candidates).map(|s| format!("#{s}"));
    Diagnostic::new(
        Rule::MissingFragment,
        &doc.path,
        span,
        format!("fragment `#{fragment}` matches no heading or anchor in {target}"),
    )
    .with_target(target_path)
    .with_help(hint(suggestion))
}

/// An edit writing `anchor` as the fragment of `link`, when the anchor can be written in a
/// link destination as it is.
fn rewrite_fragment(
    doc: &Document,
    link: &crate::docs::markdown::Link,
    anchor: &str,
) -> Option<Edit> {
    let span = link.dest_span.clone()?;
    let raw = &doc.source[span.clone()];
    let hash = raw.find('#')?;
    if anchor.is_empty()
        || anchor
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "()<>%#\\\"'`[]".contains(c))
    {
        return None;
    }
    Some(Edit {
        path: doc.path.clone(),
        range: span.start + hash + 1..span.end,
        replacement: anchor.to_string(),
    })
}

/// True when `value` (an ID or a relative path written in `from`) names `target`.
fn names(repo: &Corpus, from: &Document, value: &str, target: &Document) -> bool {
    repo.referenced(from, value)
        .is_some_and(|d| std::ptr::eq(d, target))
}

fn check_references(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let kind = ctx.kind(doc);
    for field in &kind.id_fields {
        for (value, span) in doc.id_list(field) {
            let Some(target) = repo.referenced(doc, &value) else {
                // IDs share their prefix, so edit distance suggests noise: only a case or
                // spacing variant of a real ID is worth a hint.
                let folded = value.trim().to_ascii_uppercase().replace([' ', '_'], "-");
                let suggestion = repo.by_id.contains_key(&folded).then_some(folded);
                let bare = bare_number_id(kind, &value);
                let message = match &bare {
                    Some(id) => format!(
                        "`{field}` names `{value}`, read as the {} ID `{id}`, which no document has",
                        kind.name
                    ),
                    None => format!("`{field}` names `{value}`, which is no document's ID or path"),
                };
                out.push(
                    Diagnostic::new(Rule::UnknownId, &doc.path, Some(span), message)
                        .with_help(hint(suggestion))
                        .on_field(field)
                        .with_target(Some(&match (bare, resolve(&doc.path, &value)) {
                            (Some(id), _) => id,
                            // A path-like value names a file: `--since` matches it by path.
                            (None, Target::Path { path, .. }) if value.contains('/') => path,
                            _ => value.clone(),
                        })),
                );
                continue;
            };
            let problem = match field.as_str() {
                "supersedes" => supersede_problem(ctx, doc, target, &value),
                "superseded_by" => superseded_by_problem(ctx, doc, target, &value),
                _ => None,
            };
            if let Some((message, fix)) = problem {
                out.push(
                    Diagnostic::new(Rule::SupersedeInconsistent, &doc.path, Some(span), message)
                        .on_field(field)
                        .with_fix(fix)
                        .with_target(Some(&target.path)),
                );
            }
        }
    }
}

/// How `other` should name `doc` in a reference field: its ID, else its relative path.
fn reference_to(doc: &Document, other: &Document) -> String {
    doc.id
        .clone()
        .unwrap_or_else(|| relative(&other.path, &doc.path))
}

/// The edits that make `other` name `doc` in `field` (and, for `superseded_by`, mark it
/// superseded); `None` when `other` already names a different document there.
fn other_side(ctx: &Context<'_>, doc: &Document, other: &Document, field: &str) -> Option<Fix> {
    if other.data.get(field).is_some() {
        return None;
    }
    let mut edits = vec![set_field(
        other,
        field,
        &yaml_scalar(&reference_to(doc, other)),
    )?];
    let status = other.status().unwrap_or("");
    if field == "superseded_by"
        && status != "superseded"
        && ctx.kind(other).statuses.iter().any(|s| s == "superseded")
    {
        edits.push(set_field(other, "status", "superseded")?);
    }
    Some(Fix::safe(
        format!("write `{field}` in {}", other.path),
        edits,
    ))
}

type Problem = Option<(String, Option<Fix>)>;

fn supersede_problem(ctx: &Context<'_>, doc: &Document, old: &Document, value: &str) -> Problem {
    if !ctx.reads_metadata(old) {
        return None;
    }
    let me = doc.identity();
    let back = old.id_list("superseded_by");
    let named = back.iter().any(|(v, _)| names(ctx.repo, old, v, doc));
    let status = old.status().unwrap_or("");
    let wants_status = ctx.kind(old).statuses.iter().any(|s| s == "superseded");
    if !named {
        return Some((
            format!("{me} supersedes {value}, but {value} does not say `superseded_by: {me}`"),
            other_side(ctx, doc, old, "superseded_by"),
        ));
    }
    if wants_status && status != "superseded" {
        let fix = set_field(old, "status", "superseded")
            .map(|e| Fix::safe(format!("set `status: superseded` in {}", old.path), vec![e]));
        return Some((
            format!("{me} supersedes {value}, but {value} has status `{status}`, not `superseded`"),
            fix,
        ));
    }
    None
}

fn superseded_by_problem(
    ctx: &Context<'_>,
    doc: &Document,
    new: &Document,
    value: &str,
) -> Problem {
    if !ctx.reads_metadata(new) {
        return None;
    }
    let me = doc.identity();
    let supersedes = new.id_list("supersedes");
    let named = supersedes.iter().any(|(v, _)| names(ctx.repo, new, v, doc));
    // MADR records a supersede on the old decision only (`status: superseded by ADR-0005`);
    // where statuses are open, a new decision that says nothing is not a contradiction.
    let one_sided = supersedes.is_empty() && ctx.kind(new).any_status;
    if named || one_sided {
        None
    } else {
        Some((
            format!("{me} is superseded by {value}, but {value} does not say `supersedes: {me}`"),
            other_side(ctx, doc, new, "supersedes"),
        ))
    }
}

/// L006 over the whole repository: documents with no inbound link or reference.
pub fn check_orphans(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let mut linked: HashSet<&str> = HashSet::new();
    for d in repo.docs.iter().chain(repo.catalogs.iter()) {
        for l in &d.md.links {
            if let Target::Path { path, .. } = resolve(&d.path, &l.dest)
                && path != d.path
                && let Some(&i) = repo.by_path.get(&path)
            {
                linked.insert(repo.docs[i].path.as_str());
            }
        }
        for field in &repo.kind_of(d).id_fields {
            for (v, _) in d.id_list(field) {
                if let Some(t) = repo.referenced(d, &v)
                    && !std::ptr::eq(t, d)
                {
                    linked.insert(t.path.as_str());
                }
            }
        }
    }
    for d in &repo.docs {
        if ctx.in_scope(d) && d.unreadable.is_none() && !linked.contains(d.path.as_str()) {
            out.push(Diagnostic::new(
                Rule::Orphan,
                &d.path,
                None,
                "no document or catalog links here: readers will not find it",
            ));
        }
    }
}
