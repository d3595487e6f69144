//! `annals index [--rebuild] [--watch]`: brings the search index up to date (search does it
//! itself), and with `--watch` keeps it so.

use anyhow::Result;

use super::{App, Exit};
use crate::cli::IndexArgs;
use crate::search::SearchIndex;

pub fn run(app: &App, args: &IndexArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let index = if app.progress() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} indexing documents {pos}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let index = SearchIndex::open_with(&cfg, args.rebuild, &|| bar.inc(1));
        bar.finish_and_clear();
        index?
    } else {
        SearchIndex::open(&cfg, args.rebuild)?
    };
    for n in &index.notes {
        super::note(n);
    }
    if !app.quiet {
        super::out(&format!(
            "indexed {} document{} ({} updated) in {}\n",
            index.total,
            if index.total == 1 { "" } else { "s" },
            index.refreshed,
            index.dir.display()
        ))?;
    }
    if args.watch {
        drop(index);
        watch(app, &cfg)?;
    }
    Ok(Exit::Clean)
}

#[cfg(unix)]
fn watch(app: &App, cfg: &crate::config::Config) -> Result<()> {
    crate::search::watch::serve(cfg, |socket| {
        if !app.quiet {
            super::note(&format!(
                "watching {} (socket {}); searches skip their refresh while this runs",
                cfg.root.display(),
                socket.display()
            ));
        }
    })
}

#[cfg(not(unix))]
fn watch(_: &App, _: &crate::config::Config) -> Result<()> {
    anyhow::bail!("--watch needs Unix sockets; searches refresh the index themselves here")
}
