//! `annals check`: the linter.

use std::collections::HashSet;

use anyhow::{Result, bail};

use super::{App, Exit};
use crate::cli::CheckArgs;
use crate::diagnostic::Severity;
use crate::diagnostic::render::{self, Options};
use crate::docs::Repository;
use crate::lint::{self, Context, Settings, registry};

pub fn run(app: &App, args: &CheckArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let settings = Settings::new(&cfg, &args.select, &args.ignore)?;
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
    let repo = load(app, cfg);
    let loaded = started.elapsed();
    if let Some(scope) = &scope {
        for p in scope {
            if !repo.by_path.contains_key(p) && app.verbose {
                super::note(&format!(
                    "note: `{p}` is not a document of any kind; nothing to check there"
                ));
            }
        }
    }
    let ctx = Context::new(&repo, scope, now)?;
    let report = lint::run(&ctx, &settings);
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
        tail.push_str(&render::summary(&report));
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
