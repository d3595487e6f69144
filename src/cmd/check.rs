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
    let scope = if args.paths.is_empty() {
        None
    } else {
        Some(
            args.paths
                .iter()
                .map(|p| app.repo_relative(&cfg, p))
                .collect::<HashSet<_>>(),
        )
    };
    let now = match &args.now {
        Some(n) => crate::time::parse_now(n).map_err(|e| anyhow::anyhow!("--now `{n}`: {e}"))?,
        None => chrono::Utc::now(),
    };
    let started = std::time::Instant::now();
    let mut repo = load(app, cfg.clone());
    let loaded = started.elapsed();
    if let Some(scope) = &scope {
        for p in scope {
            if !repo.by_path.contains_key(p) {
                super::note(&format!(
                    "note: `{p}` is not a document of any kind; nothing to check there"
                ));
            }
        }
    }
    let git = crate::repo::Git::open(&repo.config.root);
    let history = match &git {
        Some(g) => {
            Some(crate::repo::history::load(g, &repo.config).context("cannot read git history")?)
        }
        None => None,
    };
    let view = || lint::GitView {
        history: history.clone(),
        ..lint::GitView::default()
    };
    let ctx = Context::new(&repo, scope.clone(), now)?.with_git(view());
    let mut report = lint::run(&ctx, &settings);
    drop(ctx);
    let mut fixed = None;
    if args.fix {
        let fixes = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe);
        let applied = fix::apply(&repo, fixes).context("cannot write a fix")?;
        if applied.fixes > 0 {
            repo = load(app, cfg);
            report = lint::run(
                &Context::new(&repo, scope, now)?.with_git(view()),
                &settings,
            );
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
    if failing && !args.exit_zero {
        Ok(Exit::Findings)
    } else {
        Ok(Exit::Clean)
    }
}

/// Loads the repository, with a progress bar on a terminal.
pub fn load(app: &App, cfg: crate::config::Config) -> Repository {
    if !app.progress() {
        return Repository::load(cfg, &|| {});
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} reading documents {pos}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let repo = Repository::load(cfg, &|| bar.inc(1));
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
