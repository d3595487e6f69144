//! `annals check`: the linter.

use std::collections::HashSet;

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::CheckArgs;
use crate::diagnostic::Severity;
use crate::docs::Corpus;
use crate::fix::{self, Applicability};
use crate::lint::{self, Context, Settings};
use crate::render::{self, Options};
use crate::workspace::{Mode, Workspace};

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
    if (args.fix || args.diff) && args.staged {
        bail!(
            "--fix edits the work tree, and --staged checks the index: run `annals check --fix`, then stage the result"
        );
    }
    // `--fix` writes: the lock is held from before the files are read until the last fix.
    let writer = if args.fix {
        Some(app.writer(&cfg)?)
    } else {
        None
    };
    let (mut repo, mut report) = analyse(app, &cfg, args, &settings, scope.as_ref(), now)?;
    let wanted = |report: &crate::diagnostic::Report| -> Vec<fix::Fix> {
        report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.clone())
            .filter(|f| f.applicability == Applicability::Safe || args.unsafe_fixes)
            .collect()
    };
    if args.diff {
        let plan = fix::plan(&repo, &wanted(&report));
        super::out(&fix::diff(&repo, &plan))?;
        refusals(app, &plan.refused);
        if !app.quiet {
            super::note(&format!(
                "Would fix {} problem{} in {} file{}.",
                plan.fixes,
                plural(plan.fixes),
                plan.touched(),
                plural(plan.touched()),
            ));
        }
        return Ok(if plan.fixes > 0 {
            Exit::Findings
        } else {
            Exit::Clean
        });
    }
    let mut fixed = None;
    if let Some(writer) = &writer {
        // A fix can make another applicable (or overlap one): apply in passes, as ruff does,
        // until nothing more applies.
        let mut applied = (0, std::collections::BTreeSet::new());
        for _ in 0..MAX_FIX_PASSES {
            let plan = fix::plan(&repo, &wanted(&report));
            if plan.fixes == 0 {
                refusals(app, &plan.refused);
                break;
            }
            applied.0 += plan.fixes;
            let renames = plan.renames.clone();
            let written = plan
                .write(&repo, writer, "check --fix")
                .context("cannot write the fixes")?;
            for (from, _) in &renames {
                applied.1.remove(from);
            }
            applied.1.extend(written);
            (repo, report) = analyse(app, &cfg, args, &settings, scope.as_ref(), now)?;
        }
        fixed = Some(applied);
    }
    let text = render::render(&report, &repo, args.format, Options { color: app.color });
    super::out(&text)?;
    if !app.quiet {
        let mut tail = String::new();
        if args.statistics {
            tail.push_str(&render::statistics(&report));
        }
        if let Some((fixes, files)) = &fixed {
            tail.push_str(&format!(
                "Fixed {fixes} problem{} in {} file{}.\n",
                plural(*fixes),
                files.len(),
                plural(files.len()),
            ));
        }
        tail.push_str(&render::summary(&report));
        let count = |a: Applicability| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == a))
                .count()
        };
        let (fixable, hidden) = (count(Applicability::Safe), count(Applicability::Unsafe));
        // The command that fixes them, with the same scope: some fixes (N002's renumbering)
        // exist only in it.
        let mut fix_cmd = String::from("annals check");
        if let Some(rev) = &args.since {
            fix_cmd.push_str(&format!(" --since {rev}"));
        }
        for p in &args.paths {
            fix_cmd.push_str(&format!(" {}", p.display()));
        }
        fix_cmd.push_str(" --fix");
        if fixable > 0 && !args.fix {
            tail.push_str(&format!("\n{fixable} fixable with `{fix_cmd}`."));
        }
        if hidden > 0 && !args.unsafe_fixes {
            tail.push_str(&format!(
                "\n{hidden} more fixable with `{fix_cmd} --unsafe-fixes` (review the result)."
            ));
        }
        if args.format.is_machine() {
            super::note(&tail);
        } else if args.format == crate::render::Format::Human || args.statistics {
            super::out(&(tail + "\n"))?;
        } else {
            super::note(&tail);
        }
    }
    let failing = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && (args.strict || !d.code.info().time_dependent));
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

/// Enough passes for fixes that enable one another; a bound so a fix that undoes another
/// cannot loop.
const MAX_FIX_PASSES: usize = 10;

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Tells why fixes were left unapplied.
fn refusals(app: &App, refused: &[fix::Refused]) {
    if app.quiet {
        return;
    }
    for r in refused {
        super::note(&format!("warning: not fixed ({}): {}", r.message, r.reason));
    }
}

/// Opens the workspace as the mode says (work tree, or the index under `--staged`) and runs
/// the rules; returns the model and the report.
fn analyse(
    app: &App,
    cfg: &crate::config::Config,
    args: &CheckArgs,
    settings: &Settings,
    paths: Option<&HashSet<String>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Corpus, crate::diagnostic::Report)> {
    let started = std::time::Instant::now();
    let mode = if args.staged {
        Mode::Staged
    } else if let Some(rev) = &args.since {
        Mode::Since(rev.clone())
    } else {
        Mode::WorkTree
    };
    let ws = app.workspace(cfg.clone(), mode, true)?;
    if let Some(paths) = paths {
        for p in paths {
            if !p.ends_with('/') && !ws.corpus.by_path.contains_key(p) && app.verbose {
                super::note(&format!(
                    "note: `{p}` is not a document of any kind; nothing to check there"
                ));
            }
        }
    }
    if app.verbose
        && let Some(h) = &ws.git.history
    {
        super::note(&h.describe());
    }
    let mut scope = paths.cloned();
    if let Some(s) = &ws.scope {
        let all = s.all();
        scope = Some(match scope {
            Some(paths) => paths.intersection(&all).cloned().collect(),
            None => all,
        });
    }
    let t_view = started.elapsed();
    let Workspace {
        corpus,
        git,
        scope: change_scope,
        timings,
        source,
        ..
    } = ws;
    let ctx = Context::new(&corpus, scope, now, &source)?.with_git(&git);
    let mut report = lint::run(&ctx, settings);
    drop(ctx);
    if let Some(s) = change_scope {
        report.diagnostics.retain(|d| s.keep(d));
        report.files = s.all().len();
    }
    if app.verbose {
        super::note(&format!(
            "timing: change {:.1?}, {} documents {:.1?}, history and scope {:.1?}, rules {:.1?}",
            timings.change,
            corpus.docs.len(),
            timings.documents,
            timings.history,
            started.elapsed().saturating_sub(t_view)
        ));
    }
    Ok((corpus, report))
}

/// The clock: `--now` (or `ANNALS_NOW`, which clap reads into it) else the system's.
pub fn parse_now(now: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>> {
    match now {
        Some(n) => crate::time::parse_now(n).map_err(|e| {
            // clap fills `--now` from ANNALS_NOW too: name what the user actually set.
            let from_flag = std::env::args_os().any(|a| a.to_string_lossy().starts_with("--now"));
            let source = if from_flag { "--now" } else { "ANNALS_NOW" };
            anyhow::anyhow!("{source} `{n}`: {e}")
        }),
        None => Ok(chrono::Utc::now()),
    }
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
