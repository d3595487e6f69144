//! `annals new KIND TITLE`: the next number or date, the slug, the template; prints the path.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::NewArgs;
use crate::docs::Corpus;
use crate::docs::template::{self, Fill};
use crate::pattern::{Values, file_slug};

/// A document ready to be written.
pub struct Draft {
    /// Repository-relative path.
    pub rel: String,
    pub text: String,
    pub id: Option<String>,
    /// Why no owner was written, when the registry asks for one (O001 would fail next).
    pub no_owner: Option<String>,
}

/// Fills the kind's template for a new document: next number, date, slug, owner, tags.
pub fn prepare(
    repo: &Corpus,
    kind_name: &str,
    title: &str,
    tags: &[String],
    owner: Option<String>,
    date: Option<&str>,
) -> Result<Draft> {
    let cfg = &repo.config;
    super::check::ensure_known_kind(cfg, kind_name)?;
    let kind_idx = cfg
        .kinds
        .iter()
        .position(|k| k.name == kind_name)
        .expect("checked above");
    let kind = &cfg.kinds[kind_idx];
    let slug = file_slug(title);
    if slug.is_empty() {
        bail!("title `{title}` gives an empty slug: use letters or digits");
    }
    let (day, date_field) = if let Some(d) = date {
        anyhow::ensure!(
            crate::time::valid_date(d),
            "--date `{d}`: expected YYYY-MM-DD (meetings: YYYY-MM-DDTHH:MM)"
        );
        let d = d.trim();
        let day = chrono::NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").map_err(
            |_| anyhow::anyhow!("--date `{d}`: expected YYYY-MM-DD (meetings: YYYY-MM-DDTHH:MM)"),
        )?;
        (day.format("%Y-%m-%d").to_string(), d.to_string())
    } else {
        let today = crate::time::today(cfg.project.timezone)
            .format("%Y-%m-%d")
            .to_string();
        // Meetings are dated to the minute.
        let field = if kind.builtin == Some(crate::config::Builtin::Meeting) {
            format!("{today}T10:00")
        } else {
            today.clone()
        };
        (today, field)
    };
    // The upstream branch may already hold numbers this work tree has not seen: taking
    // one of them would make two documents share an ID at the next merge.
    let number = kind.filename.has_number().then(|| {
        let upstream = crate::git::Git::open(&repo.config.root)
            .and_then(|g| g.upstream_paths())
            .unwrap_or_default();
        repo.next_number(kind_idx, upstream.iter().map(String::as_str))
    });
    let values = Values {
        number,
        date: Some(&day),
        slug: Some(&slug),
    };
    let file = kind
        .filename
        .render(&values)
        .context("the kind's file-name pattern cannot be filled")?;
    let rel = format!("{}/{file}", kind.dir);
    for t in tags {
        if !cfg.tags.is_empty() && !cfg.tags.contains_key(t) {
            let hint = crate::text::did_you_mean(t, cfg.tags.keys().map(String::as_str))
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_default();
            bail!("tag `{t}` is not in the [tags] vocabulary{hint}");
        }
    }
    let given = owner.is_some();
    let owner = owner.or_else(|| owner_from_git(cfg));
    let no_owner = (!given && owner.is_none() && cfg.has_registry()).then(|| {
        let email = git_email(cfg);
        let why = email.map_or_else(
            || "git has no `user.email`".to_string(),
            |e| format!("git's user.email `{e}` is no one's `email` in [people]"),
        );
        format!(
            "warning: no owner written ({why}): pass `--owner KEY`, or `annals check` reports O001"
        )
    });
    if let Some(o) = &owner
        && cfg.has_registry()
        && !cfg.people.contains_key(o)
        && !cfg.teams.contains_key(o)
    {
        bail!("owner `{o}` is not a key of [people] or [teams]");
    }
    let template_text = match &kind.template {
        Some(p) => {
            let bytes = cfg
                .fs
                .read(p, cfg.limits.max_file_size)
                .with_context(|| format!("cannot read the {} template", kind.name))?;
            String::from_utf8(bytes).map_err(|_| {
                anyhow::anyhow!("the {} template {} is not UTF-8", kind.name, p.display())
            })?
        }
        None => template::builtin(kind),
    };
    let id = kind.id.as_ref().and_then(|p| p.render(&values));
    let fill = Fill {
        title: title.to_string(),
        date: date_field,
        number,
        id: id.clone(),
        owner,
        tags: tags.to_vec(),
        status: kind.statuses.first().cloned(),
    };
    Ok(Draft {
        rel,
        text: template::render(&template_text, &fill),
        id,
        no_owner,
    })
}

/// Writes a new file; never replaces one.
pub fn write_new(writer: &crate::gate::Writer, rel: &str, text: &str) -> Result<()> {
    writer
        .apply(
            &format!("new {rel}"),
            &[crate::gate::Op::Create {
                path: rel.to_string(),
                bytes: text.as_bytes().to_vec(),
            }],
        )
        .map_err(|e| anyhow::anyhow!("cannot write {rel}: {e}"))
}

pub fn run(app: &App, args: &NewArgs) -> Result<Exit> {
    let cfg = app.config()?;
    super::check::ensure_known_kind(&cfg, &args.kind)?;
    // The next number is taken under the lock: two `new` at once get two numbers.
    let writer = app.writer(&cfg)?;
    let repo = app.corpus(cfg)?;
    let draft = prepare(
        &repo,
        &args.kind,
        &args.title,
        &args.tags,
        args.owner.clone(),
        args.date.as_deref(),
    )?;
    write_new(&writer, &draft.rel, &draft.text)?;
    super::out(&format!("{}\n", draft.rel))?;
    if let Some(w) = &draft.no_owner
        && !app.quiet
    {
        super::note(w);
    }
    if args.edit {
        let abs = repo.root().join(&draft.rel);
        let editor = std::env::var("VISUAL")
            .or_else(|_| std::env::var("EDITOR"))
            .unwrap_or_else(|_| "vi".into());
        let status = std::process::Command::new(&editor)
            .arg(&abs)
            .status()
            .with_context(|| format!("cannot start editor `{editor}`"))?;
        anyhow::ensure!(status.success(), "editor `{editor}` exited with {status}");
    }
    Ok(Exit::Clean)
}

/// git's `user.email`, where git has one.
fn git_email(cfg: &crate::config::Config) -> Option<String> {
    match crate::git::Git::open(&cfg.root) {
        Some(g) => g.user_email(),
        None => crate::git::Git::global_user_email(),
    }
}

/// The person whose `email` list holds git's `user.email`.
fn owner_from_git(cfg: &crate::config::Config) -> Option<String> {
    let email = git_email(cfg)?;
    cfg.people
        .iter()
        .find(|(_, p)| p.email.iter().any(|e| e.eq_ignore_ascii_case(&email)))
        .map(|(k, _)| k.clone())
}
