//! `annals check`: the linter.

use std::collections::HashSet;

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::CheckArgs;
use crate::diagnostic::Severity;
use crate::diagnostic::fix::{self, Applicability};
use crate::diagnostic::render::{self, Options};
use crate::docs::Repository;
use crate::lint::{self, Context, Settings, registry};

pub fn run(app: &App, args: &CheckArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let settings = Settings::new(&cfg, &args.select, &args.ignore)?;
    for p in &args.paths {
        if !app.cwd.join(p).exists() {
            bail!("`{}` does not exist", p.display());
        }
    }
    // A folder stands for everything under it (`name/`); the root for the whole repository.
    let scope = if args.paths.is_empty() {
        None
    } else {
        let mut set = HashSet::new();
        let mut whole = false;
        for p in &args.paths {
            let rel = app.repo_relative(&cfg, p);
            if app.cwd.join(p).is_dir() {
                if rel.is_empty() {
                    whole = true;
                } else {
                    set.insert(format!("{rel}/"));
                }
            } else {
                set.insert(rel);
            }
        }
        (!whole).then_some(set)
    };
    let now = parse_now(args.now.as_deref())?;
    if args.fix && args.staged {
        bail!(
            "--fix edits the work tree, and --staged checks the index: run `annals check --fix`, then stage the result"
        );
    }
    let started = std::time::Instant::now();
    let (mut repo, mut report, loaded) = analyse(app, &cfg, args, &settings, scope.as_ref(), now)?;
    let mut fixed = None;
    if args.fix {
        let fixes = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe);
        let applied = fix::apply(&repo, fixes).context("cannot write a fix")?;
        if applied.fixes > 0 {
            (repo, report, _) = analyse(app, &cfg, args, &settings, scope.as_ref(), now)?;
        }
        fixed = Some(applied);
    }
    if app.verbose {
        super::note(&format!(
            "timing: read and parsed {} documents in {:.1?}, checked in {:.1?}",
            repo.docs.len(),
            loaded,
            started.elapsed().saturating_sub(loaded)
        ));
    }
    let text = render::render(&report, &repo, args.format, Options { color: app.color });
    super::out(&text)?;
    if !app.quiet {
        let mut tail = String::new();
        if args.statistics {
            tail.push_str(&render::statistics(&report));
        }
        if let Some(applied) = &fixed {
            tail.push_str(&format!(
                "Fixed {} problem{} in {} file{}.\n",
                applied.fixes,
                if applied.fixes == 1 { "" } else { "s" },
                applied.files.len(),
                if applied.files.len() == 1 { "" } else { "s" },
            ));
        }
        tail.push_str(&render::summary(&report));
        let fixable = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe)
            })
            .count();
        if fixable > 0 && !args.fix {
            tail.push_str(&format!("\n{fixable} fixable with `annals check --fix`."));
        }
        if args.format.is_machine() {
            super::note(&tail);
        } else if args.format == crate::diagnostic::render::Format::Human || args.statistics {
            super::out(&(tail + "\n"))?;
        } else {
            super::note(&tail);
        }
    }
    let failing = report.diagnostics.iter().any(|d| {
        d.severity == Severity::Error
            && (args.strict || !registry::rule(d.code).is_some_and(|r| r.time_dependent))
    });
    // The process ends here: freeing ten thousand parsed documents one by one is work
    // nobody waits for (ripgrep and ruff skip it the same way).
    std::mem::forget(repo);
    std::mem::forget(report);
    if failing && !args.exit_zero {
        Ok(Exit::Findings)
    } else {
        Ok(Exit::Clean)
    }
}

/// Loads the repository as the mode says (work tree, or the index under `--staged`), reads
/// history, and runs the rules; returns the model, the report and how long loading took.
fn analyse(
    app: &App,
    cfg: &crate::config::Config,
    args: &CheckArgs,
    settings: &Settings,
    paths: Option<&HashSet<String>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Repository, crate::diagnostic::Report, std::time::Duration)> {
    let started = std::time::Instant::now();
    let git = crate::repo::Git::open(&cfg.root);
    let changing = args.staged || args.since.is_some();
    let pending = match (&git, changing) {
        (Some(g), true) => Some(super::scope::pending(
            g,
            args.staged,
            args.since.as_deref(),
        )?),
        (None, true) => {
            return Err(
                crate::repo::GitError::NotARepository(cfg.root.display().to_string()).into(),
            );
        }
        _ => None,
    };
    let repo = match &pending {
        // The pre-commit hook must be fast: parse only what the staged change needs. CI
        // (`--since`) and fixes (which rewrite links anywhere) read everything.
        Some(p) if args.staged && !args.fix => {
            let needles = super::scope::needles(cfg, &p.changes);
            let changed = &p.changes.changed;
            Repository::load_selective(cfg.clone(), p.overlay.as_ref(), &|path, bytes| {
                changed.contains(path) || needles.as_ref().is_some_and(|n| n.is_match(bytes))
            })
        }
        _ => load_with(
            app,
            cfg.clone(),
            pending.as_ref().and_then(|p| p.overlay.as_ref()),
        ),
    };
    let loaded = started.elapsed();
    if let Some(paths) = paths {
        for p in paths {
            if !p.ends_with('/') && !repo.by_path.contains_key(p) && app.verbose {
                super::note(&format!(
                    "note: `{p}` is not a document of any kind; nothing to check there"
                ));
            }
        }
    }
    let mut view = lint::GitView::default();
    if let Some(g) = &git {
        view.prefix = g.prefix().to_string();
        view.history =
            Some(crate::repo::history::load(g, &repo.config).context("cannot read git history")?);
    }
    let mut scope = paths.cloned();
    let mut change_scope = None;
    if let (Some(g), Some(p)) = (&git, pending) {
        if args.staged {
            view.uncommitted = p
                .changes
                .added
                .iter()
                .filter(|a| !p.changes.renamed_from.contains_key(*a))
                .cloned()
                .collect();
        }
        let (change, s) = super::scope::view(g, &repo, p);
        view.change = Some(change);
        let all = s.all();
        scope = Some(match scope {
            Some(paths) => paths.intersection(&all).cloned().collect(),
            None => all,
        });
        change_scope = Some(s);
    }
    let ctx = Context::new(&repo, scope, now)?.with_git(view);
    let mut report = lint::run(&ctx, settings);
    drop(ctx);
    if let Some(s) = change_scope {
        report.diagnostics.retain(|d| s.keep(d));
        report.files = s.all().len();
    }
    Ok((repo, report, loaded))
}

/// The clock: `--now` (or `ANNALS_NOW`, which clap reads into it) else the system's.
pub fn parse_now(now: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>> {
    match now {
        Some(n) => crate::time::parse_now(n).map_err(|e| anyhow::anyhow!("--now `{n}`: {e}")),
        None => Ok(chrono::Utc::now()),
    }
}

/// The work tree's documents and, in git, their history.
pub fn load_with_history(
    app: &App,
    cfg: crate::config::Config,
) -> Result<(Repository, Option<crate::repo::history::History>)> {
    let repo = load(app, cfg);
    let history = match crate::repo::Git::open(&repo.config.root) {
        Some(g) => {
            Some(crate::repo::history::load(&g, &repo.config).context("cannot read git history")?)
        }
        None => None,
    };
    Ok((repo, history))
}

/// A rule context over the whole repository, with history.
pub fn context(
    repo: &Repository,
    history: Option<crate::repo::history::History>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Context<'_>> {
    Ok(Context::new(repo, None, now)?.with_git(lint::GitView {
        history,
        ..lint::GitView::default()
    }))
}

/// Loads the repository, with a progress bar on a terminal.
pub fn load(app: &App, cfg: crate::config::Config) -> Repository {
    load_with(app, cfg, None)
}

fn load_with(
    app: &App,
    cfg: crate::config::Config,
    overlay: Option<&crate::docs::Overlay>,
) -> Repository {
    if !app.progress() {
        return Repository::load_with(cfg, overlay, &|| {});
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} reading documents {pos}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let repo = Repository::load_with(cfg, overlay, &|| bar.inc(1));
    bar.finish_and_clear();
    repo
}

pub fn ensure_known_kind(cfg: &crate::config::Config, kind: &str) -> Result<()> {
    if cfg.kind(kind).is_none() {
        let kinds: Vec<&str> = cfg.kinds.iter().map(|k| k.name.as_str()).collect();
        bail!(
            "unknown kind `{kind}`: expected one of {}",
            kinds.join(", ")
        );
    }
    Ok(())
}
