//! One file per subcommand; this module holds what they share.

mod adopt;
mod catalog;
mod check;
mod codeowners;
mod completions;
mod due;
mod export;
mod graph;
mod hook;
mod index;
mod init;
mod list;
pub mod mv;
mod new;
mod rule;
mod search;
mod serve;
mod show;
mod site;
mod stale;
mod status;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, ColorChoice, Command, Global};
use crate::config::Config;

/// How a command ended, mapped to the process exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: nothing wrong.
    Clean,
    /// 1: findings at error level (or a `--check` that found something stale).
    Findings,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
        }
    }
}

/// The resolved global options.
pub struct App {
    pub cwd: PathBuf,
    pub config_file: Option<PathBuf>,
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl App {
    fn new(g: &Global) -> Result<App> {
        let cwd = match &g.dir {
            Some(d) => {
                let d = std::path::absolute(d).with_context(|| format!("-C {}", d.display()))?;
                anyhow::ensure!(d.is_dir(), "-C {}: not a folder", d.display());
                d
            }
            None => std::env::current_dir().context("cannot read the current folder")?,
        };
        let color = match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(App {
            config_file: g.config.as_ref().map(|f| cwd.join(f)),
            cwd,
            color,
            quiet: g.quiet,
            verbose: g.verbose,
        })
    }

    /// Finds and loads the configuration (exit 2 on a broken file).
    pub fn config(&self) -> Result<Config> {
        let cfg = match &self.config_file {
            Some(f) => Config::load(f)?,
            None => Config::discover(&self.cwd)?,
        };
        // A change a crashed writer left half done is finished (or undone) before anything
        // reads the files it touched.
        if let Some(message) = cfg.fs.recover() {
            note(&message);
        }
        Ok(cfg)
    }

    /// Takes the repository write lock: every writing command holds it from before it reads
    /// the files it changes until its last write.
    pub fn writer(&self, cfg: &Config) -> Result<crate::gate::Writer> {
        Ok(cfg.fs.lock(self.quiet)?)
    }

    /// Opens the repository in `mode` (with git history when `history`), with a progress bar
    /// on a terminal while the work tree's documents are read.
    pub fn workspace(
        &self,
        cfg: crate::config::Config,
        mode: crate::workspace::Mode,
        history: bool,
    ) -> Result<crate::workspace::Workspace> {
        use crate::workspace::{Options, Workspace};
        if !self.progress() || mode == crate::workspace::Mode::Staged {
            return Ok(Workspace::open(
                cfg,
                mode,
                Options {
                    history,
                    ..Options::default()
                },
            )?);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} reading documents {pos}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let ws = Workspace::open(
            cfg,
            mode,
            Options {
                history,
                tick: &|| bar.inc(1),
            },
        );
        bar.finish_and_clear();
        Ok(ws?)
    }

    /// The work tree's documents (no history).
    pub fn corpus(&self, cfg: crate::config::Config) -> Result<crate::docs::Corpus> {
        Ok(self
            .workspace(cfg, crate::workspace::Mode::WorkTree, false)?
            .corpus)
    }

    /// True when a progress bar may be drawn.
    pub fn progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// A path given on the command line, relative to the repository root, `/`-separated
    /// (`..` resolved lexically); `None` when it lies outside the repository.
    pub fn inside_repo(&self, cfg: &Config, p: &std::path::Path) -> Option<String> {
        let root = std::path::absolute(&cfg.root).unwrap_or_else(|_| cfg.root.clone());
        let mut parts: Vec<String> = Vec::new();
        let abs = self.cwd.join(p);
        for c in abs.components() {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        let mut root_parts = Vec::new();
        for c in root.components() {
            if let std::path::Component::Normal(s) = c {
                root_parts.push(s.to_string_lossy().into_owned());
            }
        }
        parts
            .starts_with(&root_parts)
            .then(|| parts[root_parts.len()..].join("/"))
    }

    /// The document a command-line argument names, and the key it was found by: an ID or a
    /// path from the root first, else a path from the current folder.
    pub fn lookup<'c>(
        &self,
        corpus: &'c crate::docs::Corpus,
        arg: &str,
    ) -> Option<(&'c crate::docs::Document, String)> {
        if let Some(d) = corpus.find(arg) {
            return Some((d, arg.to_string()));
        }
        let key = self.repo_relative(&corpus.config, std::path::Path::new(arg));
        corpus.find(&key).map(|d| (d, key))
    }

    /// Like [`App::inside_repo`], falling back to the path as given.
    pub fn repo_relative(&self, cfg: &Config, p: &std::path::Path) -> String {
        self.inside_repo(cfg, p)
            .unwrap_or_else(|| p.to_string_lossy().replace('\\', "/"))
    }
}

/// Writes to stdout; a closed pipe ends the command quietly (see `main`).
pub fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Writes a line to stderr (notes, summaries of machine formats).
pub fn note(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Exit> {
    let app = App::new(&cli.global)?;
    match cli.command {
        Command::Check(a) => check::run(&app, &a),
        Command::Init(a) => init::run(&app, &a),
        Command::New(a) => new::run(&app, &a),
        Command::List(a) => list::run(&app, &a),
        Command::Show(a) => show::run(&app, &a),
        Command::Search(a) => search::run(&app, &a),
        Command::Index(a) => index::run(&app, &a),
        Command::Export(a) => export::run(&app, &a),
        Command::Mv(a) => mv::run(&app, &a),
        Command::Codeowners(a) => codeowners::run(&app, &a),
        Command::Catalog(a) => catalog::run(&app, &a),
        Command::Graph(a) => graph::run(&app, &a),
        Command::Due(a) => due::run(&app, &a),
        Command::Stale(a) => stale::run(&app, &a),
        Command::Status(a) => status::status(&app, &a),
        Command::Supersede(a) => status::supersede(&app, &a),
        Command::Hook(a) => hook::run(&app, &a),
        Command::Rule(a) => rule::run(&a),
        Command::Completions(a) => completions::run(&a),
        Command::Site(a) => site::run(&app, &a),
        Command::Serve(a) => serve::run(&app, &a),
        // The protocol's exit code: 1 when the client said `exit` without `shutdown`.
        Command::Lsp => Ok(if crate::lsp::run()? {
            Exit::Clean
        } else {
            Exit::Findings
        }),
    }
}
