//! O001-O003: every document has a known, active owner; people fields name known people.

use crate::diagnostic::Diagnostic;
use crate::docs::{Document, codeowners};
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::text::{did_you_mean, hint};

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
                    Rule::MissingOwner,
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
                    Rule::MissingOwner,
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
                        Rule::UnknownPerson,
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
                        Rule::InactiveOwner,
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
                        Rule::UnknownPerson,
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

/// Printed by `annals rule O004`.
pub const O004_DOC: &str = "What: the annals block of the CODEOWNERS file (`[codeowners] path`) differs from \
what the documents' owners say. The block lies between `# BEGIN annals` and `# END annals`; \
hand-written lines around it are left alone.\n\n\
Why: GitHub requests reviews from code owners; when the file lags behind `owner:` fields, the wrong \
people (or nobody) are asked to review changes to a decision.\n\n\
Example: ADR-0007's owner changed from `alice` to `platform` but CODEOWNERS still names `@alice-m`.\n\n\
Fix: `annals codeowners --write`.";

/// O004 over the repository: the CODEOWNERS file's block is stale.
pub fn check_codeowners(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // A selective load (`--staged`) does not know every owner.
    if ctx.repo.docs.iter().any(|d| d.stub) {
        return;
    }
    let prefix = ctx.git.prefix.as_str();
    let cfg = &ctx.repo.config;
    let Some(path) = &cfg.codeowners_path else {
        return;
    };
    let current = match ctx.source.read_optional(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned(),
        Err(e) => {
            out.push(Diagnostic::new(
                Rule::CodeownersStale,
                path,
                None,
                format!("the CODEOWNERS file cannot be read: {e}"),
            ));
            return;
        }
    };
    let (block, left_out) = codeowners::lines(ctx.repo, prefix);
    for doc in left_out {
        out.push(
            Diagnostic::new(
                Rule::CodeownersStale,
                &doc,
                None,
                format!("{path} cannot name this document: its file name holds a control character (a newline or a tab)"),
            )
            .with_help(Some("rename the file with `annals mv`".to_string())),
        );
    }
    if codeowners::with_block(&current, &block) != current {
        let missing = if current.is_empty() {
            "does not exist"
        } else {
            "is out of date"
        };
        out.push(
            Diagnostic::new(
                Rule::CodeownersStale,
                path,
                None,
                format!("the annals block of {path} {missing}"),
            )
            .with_help(Some("run `annals codeowners --write`".to_string())),
        );
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
