//! O001-O003: every document has a known, active owner; people fields name known people.

use super::{did_you_mean, hint};
use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;

/// Printed by `annals rule O001`.
pub const O001_DOC: &str = "What: the document has no `owner` (silent while no `[people]`/`[teams]` registry is \
configured).\n\n\
Why: a document nobody owns is a document nobody keeps true; the owner answers questions and reviews \
it when it goes stale.\n\n\
Example: a brief whose front matter has no `owner:` line.\n\n\
Fix: add `owner: KEY` with a key of `[people]` or `[teams]`.";

/// Printed by `annals rule O002`.
pub const O002_DOC: &str = "What: `owner`, `reviewers`, `responded` or one of the kind's `people_fields` names \
someone who is not a key of `[people]` or `[teams]`.\n\n\
Why: ownership, review requests and CODEOWNERS only work when names resolve to real people.\n\n\
Example: `owner: alcie` where `[people.alice]` exists.\n\n\
Fix: use the registry key the help line suggests, or add the person to `[people]`.";

/// Printed by `annals rule O003`.
pub const O003_DOC: &str = "What: the owner is a person marked `active = false`.\n\n\
Why: people leave or change teams; their documents need a new owner who can keep them true.\n\n\
Example: `owner: zane` with `[people.zane] active = false`.\n\n\
Fix: hand the document to an active person or a team.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let cfg = &ctx.repo.config;
    if !cfg.has_registry() {
        return;
    }
    let known = |key: &str| cfg.people.contains_key(key) || cfg.teams.contains_key(key);
    let candidates = || {
        cfg.people
            .keys()
            .chain(cfg.teams.keys())
            .map(String::as_str)
    };
    match doc.data.get("owner") {
        None | Some(serde_json::Value::Null) => {
            out.push(
                Diagnostic::new(
                    "O001",
                    &doc.path,
                    None,
                    "document has no `owner`: expected a key of [people] or [teams]",
                )
                .on_field("owner"),
            );
        }
        Some(serde_json::Value::String(owner)) if owner.trim().is_empty() => {
            out.push(
                Diagnostic::new(
                    "O001",
                    &doc.path,
                    None,
                    "`owner` is empty: expected a key of [people] or [teams]",
                )
                .on_field("owner"),
            );
        }
        Some(serde_json::Value::String(owner)) => {
            let span = doc.value_span("owner");
            if !known(owner) {
                out.push(
                    Diagnostic::new(
                        "O002",
                        &doc.path,
                        Some(span),
                        format!("owner `{owner}` is not a key of [people] or [teams]"),
                    )
                    .with_help(hint(did_you_mean(owner, candidates())))
                    .on_field("owner"),
                );
            } else if cfg.people.get(owner).is_some_and(|p| !p.active) {
                out.push(
                    Diagnostic::new(
                        "O003",
                        &doc.path,
                        Some(span),
                        format!("owner `{owner}` is inactive (`active = false`)"),
                    )
                    .with_help(Some(
                        "hand the document to an active person or a team".to_string(),
                    ))
                    .on_field("owner"),
                );
            }
        }
        Some(_) => {}
    }
    let kind = ctx.kind(doc);
    let fields = ["reviewers", "responded"]
        .into_iter()
        .chain(kind.people_fields.iter().map(String::as_str));
    for field in fields {
        for (person, span) in doc.list_field(field) {
            if !known(&person) {
                out.push(
                    Diagnostic::new(
                        "O002",
                        &doc.path,
                        Some(span),
                        format!(
                            "`{field}` names `{person}`, who is not a key of [people] or [teams]"
                        ),
                    )
                    .with_help(hint(did_you_mean(&person, candidates())))
                    .on_field(field),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::{check_one, codes};

    const DOC: &str = "---\ntitle: T\nstatus: accepted\ndate: 2024-01-01\nowner: alice\ndecision-makers: [alice, bob]\n---\n# T\n\n## Context\n\n## Decision\n\n## Consequences\n";

    #[test]
    fn o001_missing_owner() {
        let d = check_one("decisions/0001-t.md", &DOC.replace("owner: alice\n", ""));
        assert_eq!(codes(&d), ["O001"]);
    }

    #[test]
    fn o002_unknown_owner_and_people_with_hints() {
        let d = check_one(
            "decisions/0001-t.md",
            &DOC.replace("owner: alice", "owner: alcie")
                .replace("[alice, bob]", "[alice, bbo]"),
        );
        assert_eq!(codes(&d), ["O002", "O002"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `alice`?"));
        assert_eq!(d[1].location.unwrap().column, 26);
    }

    #[test]
    fn o003_inactive_owner_and_clean() {
        let d = check_one(
            "decisions/0001-t.md",
            &DOC.replace("owner: alice", "owner: bob"),
        );
        assert_eq!(codes(&d), ["O003"]);
        assert!(check_one("decisions/0001-t.md", DOC).is_empty());
    }
}

/// Printed by `annals rule O004`.
pub const O004_DOC: &str = "What: the annals block of the CODEOWNERS file (`[codeowners] path`) differs from \
what the documents' owners say. The block lies between `# BEGIN annals` and `# END annals`; \
hand-written lines around it are left alone.\n\n\
Why: GitHub requests reviews from code owners; when the file lags behind `owner:` fields, the wrong \
people (or nobody) are asked to review changes to a decision.\n\n\
Example: ADR-0007's owner changed from `alice` to `platform` but CODEOWNERS still names `@alice-m`.\n\n\
Fix: `annals codeowners --write`.";

pub const BEGIN: &str =
    "# BEGIN annals (generated by `annals codeowners --write`; edit owners in front matter)";
pub const END: &str = "# END annals";

/// The CODEOWNERS line owner for a registry key: `@handle`, `@org/team`, or an email.
fn codeowner(cfg: &crate::config::Config, key: &str) -> Option<String> {
    if let Some(p) = cfg.people.get(key) {
        return p
            .github
            .as_ref()
            .map(|g| format!("@{}", g.trim_start_matches('@')))
            .or_else(|| {
                p.email
                    .first()
                    .filter(|e| {
                        !e.is_empty()
                            && !e
                                .contains(|c: char| c.is_whitespace() || c.is_control() || c == '#')
                    })
                    .cloned()
            });
    }
    let t = cfg.teams.get(key)?;
    t.github
        .as_ref()
        .map(|g| format!("@{}", g.trim_start_matches('@')))
}

/// The generated block: one line per owned document, paths from the git root (`prefix`).
pub fn codeowners_block(repo: &crate::docs::Repository, prefix: &str) -> String {
    codeowners_lines(repo, prefix).0
}

/// The generated block, and the documents left out of it because CODEOWNERS syntax cannot
/// carry their path (a control character such as a newline or a tab in the name).
pub fn codeowners_lines(repo: &crate::docs::Repository, prefix: &str) -> (String, Vec<String>) {
    let mut out = format!("{BEGIN}\n");
    let mut left_out = Vec::new();
    for d in &repo.docs {
        let Some(owner) = d.data.get("owner").and_then(|o| o.as_str()) else {
            continue;
        };
        let Some(who) = codeowner(&repo.config, owner) else {
            continue;
        };
        match codeowners_pattern(&format!("{prefix}{}", d.path)) {
            Some(path) => out.push_str(&format!("{path} {who}\n")),
            None => left_out.push(d.path.clone()),
        }
    }
    out.push_str(END);
    out.push('\n');
    (out, left_out)
}

/// A path as a CODEOWNERS pattern matching exactly that file: anchored at the root, with
/// what the gitignore-like syntax would read as whitespace, a comment, a negation or a glob
/// escaped by a backslash. `None` for a path no CODEOWNERS line can carry.
pub fn codeowners_pattern(path: &str) -> Option<String> {
    if path.chars().any(char::is_control) {
        return None;
    }
    let mut out = String::with_capacity(path.len() + 2);
    out.push('/');
    for c in path.chars() {
        if matches!(c, ' ' | '#' | '!' | '*' | '?' | '[' | ']' | '\\') || c.is_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    Some(out)
}

/// `text` with its annals block replaced by `block` (appended when there is none, so that
/// under GitHub's last-match-wins rule the per-document lines take precedence).
pub fn with_block(text: &str, block: &str) -> String {
    // The markers count only as the whole lines annals writes.
    let starts =
        || std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    let line = |i: usize| {
        text[i..]
            .split('\n')
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
    };
    let b =
        starts().find(|&i| line(i).starts_with("# BEGIN annals (") || line(i) == "# BEGIN annals");
    let e = b.and_then(|b| starts().find(|&i| i > b && line(i) == END));
    if let (Some(b), Some(e)) = (b, e) {
        let end = text[e..].find('\n').map_or(text.len(), |i| e + i + 1);
        return format!("{}{block}{}", &text[..b], &text[end..]);
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out + block
}

/// O004 over the repository: the CODEOWNERS file's block is stale.
pub fn check_codeowners(ctx: &Context<'_>, prefix: &str, out: &mut Vec<Diagnostic>) {
    let cfg = &ctx.repo.config;
    let Some(path) = &cfg.codeowners_path else {
        return;
    };
    let current = match cfg.fs.read_optional(path, cfg.limits.max_file_size) {
        Ok(bytes) => String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned(),
        Err(e) => {
            out.push(Diagnostic::new(
                "O004",
                path,
                None,
                format!("the CODEOWNERS file cannot be read: {e}"),
            ));
            return;
        }
    };
    let (block, left_out) = codeowners_lines(ctx.repo, prefix);
    for doc in left_out {
        out.push(
            Diagnostic::new(
                "O004",
                &doc,
                None,
                format!("{path} cannot name this document: its file name holds a control character (a newline or a tab)"),
            )
            .with_help(Some("rename the file with `annals mv`".to_string())),
        );
    }
    if with_block(&current, &block) != current {
        let missing = if current.is_empty() {
            "does not exist"
        } else {
            "is out of date"
        };
        out.push(
            Diagnostic::new(
                "O004",
                path,
                None,
                format!("the annals block of {path} {missing}"),
            )
            .with_help(Some("run `annals codeowners --write`".to_string())),
        );
    }
}

#[cfg(test)]
mod codeowners_tests {
    use super::*;

    #[test]
    fn block_replaces_only_itself() {
        let block = format!("{BEGIN}\n/a.md @x\n{END}\n");
        let text = format!("* @root\n\n{BEGIN}\n/old.md @y\n{END}\n/docs/ @z\n");
        assert_eq!(
            with_block(&text, &block),
            format!("* @root\n\n{block}/docs/ @z\n")
        );
        assert_eq!(with_block("* @root", &block), format!("* @root\n\n{block}"));
        assert_eq!(with_block("", &block), block);
    }

    #[test]
    fn patterns_cannot_inject_lines() {
        assert_eq!(codeowners_pattern("docs/a b.md").unwrap(), "/docs/a\\ b.md");
        assert_eq!(
            codeowners_pattern("!x/#y[1]*?.md").unwrap(),
            "/\\!x/\\#y\\[1\\]\\*\\?.md"
        );
        assert_eq!(codeowners_pattern("briefs/n\ntouch\tX\t#.md"), None);
        assert_eq!(codeowners_pattern("a\rb.md"), None);
    }
}
