//! `annals new KIND TITLE`: the next number or date, the slug, the template; prints the path.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::NewArgs;
use crate::docs::pattern::{Values, slugify};
use crate::docs::template::{self, Fill};

pub fn run(app: &App, args: &NewArgs) -> Result<Exit> {
    let cfg = app.config()?;
    super::check::ensure_known_kind(&cfg, &args.kind)?;
    let repo = super::check::load(app, cfg.clone());
    let kind_idx = cfg
        .kinds
        .iter()
        .position(|k| k.name == args.kind)
        .expect("checked above");
    let kind = &cfg.kinds[kind_idx];
    let slug = slugify(&args.title);
    if slug.is_empty() {
        bail!(
            "title `{}` gives an empty slug: use letters or digits",
            args.title
        );
    }
    let date_arg = args.date.clone();
    let (day, date_field) = if let Some(d) = &date_arg {
        anyhow::ensure!(
            crate::lint::rules::front_matter::valid_date(d),
            "--date `{d}`: expected YYYY-MM-DD (meetings: YYYY-MM-DDTHH:MM)"
        );
        (d[..10].to_string(), d.clone())
    } else {
        let today = crate::time::today(cfg.project.timezone)
            .format("%Y-%m-%d")
            .to_string();
        let field = if kind.name == "meeting" {
            format!("{today}T10:00")
        } else {
            today.clone()
        };
        (today, field)
    };
    let number = kind.filename.has_number().then(|| {
        repo.docs
            .iter()
            .filter(|d| d.kind == kind_idx)
            .filter_map(|d| d.name.as_ref()?.number)
            .max()
            .unwrap_or(0)
            + 1
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
    for t in &args.tags {
        if !cfg.tags.is_empty() && !cfg.tags.contains_key(t) {
            let hint = crate::lint::rules::did_you_mean(t, cfg.tags.keys().map(String::as_str))
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_default();
            bail!("tag `{t}` is not in the [tags] vocabulary{hint}");
        }
    }
    let owner = args.owner.clone().or_else(|| owner_from_git(&cfg));
    if let Some(o) = &owner {
        if cfg.has_registry() && !cfg.people.contains_key(o) && !cfg.teams.contains_key(o) {
            bail!("owner `{o}` is not a key of [people] or [teams]");
        }
    }
    let template_text = match &kind.template {
        Some(p) => std::fs::read_to_string(cfg.root.join(p))
            .with_context(|| format!("cannot read template {}", p.display()))?,
        None => template::builtin(kind),
    };
    let fill = Fill {
        title: args.title.clone(),
        date: date_field,
        number,
        id: kind.id.as_ref().and_then(|p| p.render(&values)),
        owner,
        tags: args.tags.clone(),
        status: kind.statuses.first().cloned(),
    };
    let text = template::render(&template_text, &fill);
    let abs = cfg.root.join(&rel);
    crate::fsutil::write_new(&abs, text.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("{rel} already exists: annals new never overwrites")
        } else {
            anyhow::anyhow!("cannot write {rel}: {e}")
        }
    })?;
    super::out(&format!("{rel}\n"))?;
    if args.edit {
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

/// The person whose `email` list holds git's `user.email`.
fn owner_from_git(cfg: &crate::config::Config) -> Option<String> {
    let repo = git2::Repository::discover(&cfg.root).ok()?;
    let email = repo.config().ok()?.get_string("user.email").ok()?;
    cfg.people
        .iter()
        .find(|(_, p)| p.email.iter().any(|e| e.eq_ignore_ascii_case(&email)))
        .map(|(k, _)| k.clone())
}
