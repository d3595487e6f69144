//! `annals status ID NEW` and `annals supersede ID TITLE`: workflow transitions written to
//! front matter through the same edit machinery as fixes and `mv` (both sides of a supersede).

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::{StatusArgs, SupersedeArgs};
use crate::config::Kind;
use crate::docs::edit::{set_field, yaml_scalar};
use crate::docs::{Corpus, Document};
use crate::fix::{self, Fix};
use crate::text::did_you_mean;

fn find<'r>(app: &App, repo: &'r Corpus, target: &str) -> Result<&'r Document> {
    let Some((doc, _)) = app.lookup(repo, target) else {
        bail!("no document with ID or path `{target}`");
    };
    if doc.fm_end.is_none() {
        bail!("{} has no front matter to write a status into", doc.path);
    }
    Ok(doc)
}

/// Checks that `kind`'s workflow allows `from -> to`.
fn allowed(kind: &Kind, from: Option<&str>, to: &str) -> Result<()> {
    if kind.statuses.is_empty() {
        bail!(
            "{} documents have no status: [kinds.{}] lists no `statuses`",
            kind.name,
            kind.name
        );
    }
    if !kind.statuses.iter().any(|s| s == to) {
        let hint = did_you_mean(to, kind.statuses.iter().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        bail!(
            "`{to}` is not a {} status: expected one of {}{hint}",
            kind.name,
            kind.statuses.join(", ")
        );
    }
    let Some(from) = from else { return Ok(()) };
    if let Err(options) = kind.transition(from, to) {
        bail!(
            "the {} workflow does not allow `{from}` -> `{to}` ({options})",
            kind.name
        );
    }
    Ok(())
}

pub fn status(app: &App, args: &StatusArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let writer = app.writer(&cfg)?;
    let repo = app.corpus(cfg)?;
    let doc = find(app, &repo, &args.target)?;
    let kind = repo.kind_of(doc);
    let from = doc.status();
    if from == Some(args.status.as_str()) {
        if !app.quiet {
            super::out(&format!("{} is already {}\n", doc.identity(), args.status))?;
        }
        return Ok(Exit::Clean);
    }
    allowed(kind, from, &args.status)?;
    let edit = set_field(doc, "status", &yaml_scalar(&args.status))
        .context("front matter cannot be edited")?;
    let plan = fix::plan(&repo, std::iter::once(&Fix::safe("status", vec![edit])));
    plan.write(
        &repo,
        &writer,
        &format!("status {} {}", doc.path, args.status),
    )
    .with_context(|| format!("cannot write {}", doc.path))?;
    if !app.quiet {
        super::out(&format!(
            "{}: {} -> {}\n",
            doc.identity(),
            from.unwrap_or("(none)"),
            args.status
        ))?;
    }
    Ok(Exit::Clean)
}

pub fn supersede(app: &App, args: &SupersedeArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let writer = app.writer(&cfg)?;
    let repo = app.corpus(cfg)?;
    let old = find(app, &repo, &args.target)?;
    let kind = repo.kind_of(old);
    allowed(kind, old.status(), "superseded")?;
    if old.data.get("superseded_by").is_some() {
        bail!("{} is already superseded", old.identity());
    }
    let owner = args.owner.clone().or_else(|| {
        old.data
            .get("owner")
            .and_then(|o| o.as_str())
            .map(str::to_string)
    });
    let draft = super::new::prepare(&repo, &kind.name, &args.title, &args.tags, owner, None)?;
    let new_ref = draft
        .id
        .clone()
        .unwrap_or_else(|| crate::docs::links::relative(&old.path, &draft.rel));
    let old_ref = old
        .id
        .clone()
        .unwrap_or_else(|| crate::docs::links::relative(&draft.rel, &old.path));
    // The new document's `supersedes`, written with the same machinery on its draft text.
    let draft_doc = Document::from_text(draft.rel.clone(), old.kind, kind, &draft.text);
    let e = set_field(&draft_doc, "supersedes", &yaml_scalar(&old_ref))
        .context("the template has no front matter")?;
    let text = format!(
        "{}{}{}",
        &draft.text[..e.range.start],
        e.replacement,
        &draft.text[e.range.end..]
    );
    let edits = vec![
        set_field(old, "status", "superseded").context("front matter cannot be edited")?,
        set_field(old, "superseded_by", &yaml_scalar(&new_ref))
            .context("front matter cannot be edited")?,
    ];
    // Both sides in one change: a crash leaves both written or neither.
    let plan = fix::plan(&repo, std::iter::once(&Fix::safe("supersede", edits)));
    let mut ops = vec![crate::gate::Op::Create {
        path: draft.rel.clone(),
        bytes: text.into_bytes(),
    }];
    ops.extend(
        plan.files
            .into_iter()
            .map(|(path, text)| crate::gate::Op::Replace {
                path,
                bytes: text.into_bytes(),
            }),
    );
    writer
        .apply(&format!("supersede {} {}", old.path, draft.rel), &ops)
        .with_context(|| format!("cannot write {} and {}", draft.rel, old.path))?;
    if !app.quiet {
        super::out(&format!(
            "{}\n{} -> superseded by {new_ref}\n",
            draft.rel,
            old.identity()
        ))?;
    }
    Ok(Exit::Clean)
}
