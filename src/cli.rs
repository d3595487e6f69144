//! Command-line interface: clap derive structs; doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

/// annals: a team's decisions, meetings and briefs as a reliable, checked, searchable memory.
#[derive(Debug, Parser)]
#[command(
    name = "annals",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The heading under which `--help` lists the options every command takes.
const GLOBAL: &str = "Global options";

#[derive(Debug, Args)]
pub struct Global {
    /// Run as if started in DIR
    #[arg(short = 'C', global = true, help_heading = GLOBAL, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Use this configuration file (its folder is the repository root)
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// When to use colour
    #[arg(long, global = true, help_heading = GLOBAL, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only findings and errors: no progress bar, no summary
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// Print more about what annals does (skipped files, timings)
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check documents: names, front matter, sections, links, owners and team practices
    Check(CheckArgs),
    /// Set up annals: adopt the documents a repository holds, or start a new handbook
    Init(InitArgs),
    /// Create a document from its kind's template, named and filled in; print its path
    New(NewArgs),
    /// List documents, filtered by kind, tag, owner, status or date, and sorted
    List(ListArgs),
    /// Show one document: its metadata, its git history, and the links to and from it
    Show(ShowArgs),
    /// Full-text search, ranked, with snippets (the index refreshes itself)
    Search(SearchArgs),
    /// Bring the search index up to date, or keep it so (--watch)
    Index(IndexArgs),
    /// Print every document's indexed fields, one JSON object per line
    Export(ExportArgs),
    /// Rename or move a document and rewrite every link and ID reference to it
    Mv(MvArgs),
    /// Print, write or check the CODEOWNERS block made from the documents' owners
    Codeowners(CodeownersArgs),
    /// Print, write or check the catalog pages: a table per kind and per tag
    Catalog(CatalogArgs),
    /// Draw which documents link to, supersede or relate to which (Mermaid or Graphviz dot)
    Graph(GraphArgs),
    /// What awaits whose response, overdue first
    Due(DueArgs),
    /// Documents due for review: past their kind's `review_every` or their `review_by`
    Stale(StaleArgs),
    /// Move a document to a new status, as its kind's workflow allows
    Status(StatusArgs),
    /// Write a new document that supersedes ID, and mark ID superseded
    Supersede(SupersedeArgs),
    /// Install the git pre-commit hook that runs `annals check --staged`
    Hook(HookArgs),
    /// List the rules, or print one rule's documentation and fix
    Rule(RuleArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Serve the Language Server Protocol on stdio: diagnostics, completion and navigation in
    /// an editor
    Lsp,
    /// Write the hub as a static site: the dashboard, an index per kind, every document
    Site(SiteArgs),
    /// Serve the hub on this machine, live: pages follow the work tree
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port (0: any free one; the address is printed)
    #[arg(long, default_value_t = 4807)]
    pub port: u16,
    /// The address to listen on; anything but loopback (`127.0.0.1`, `::1`) shares the handbook
    /// with the network, and annals warns
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Open the hub in the browser
    #[arg(long)]
    pub open: bool,
    /// The clock for what is overdue, upcoming or stale (RFC 3339, or `YYYY-MM-DD`)
    #[arg(long, env = "ANNALS_NOW", value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The folder to write the site to (created, or replaced when an earlier `annals site`
    /// wrote it)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Links as absolute paths under this one (`/handbook`), for a site served from a
    /// sub-path; without it every link is relative, and the site works from any folder
    #[arg(long, value_name = "PATH")]
    pub base_url: Option<String>,
    /// The clock for what is overdue, upcoming or stale (RFC 3339, or `YYYY-MM-DD`)
    #[arg(long, env = "ANNALS_NOW", value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report only on these files (the repository model stays complete)
    pub paths: Vec<PathBuf>,
    /// Check the commit being made: contents from the git index (a partially staged file is
    /// judged as it will be committed); report on the staged documents
    #[arg(long, conflicts_with = "since")]
    pub staged: bool,
    /// Report on documents changed since REV, and on documents whose links the change broke
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Run only these rules: codes, prefixes (`F`, `L00`) or `ALL`; comma-separated or repeated
    #[arg(long, value_name = "CODES")]
    pub select: Vec<String>,
    /// Do not run these rules: codes or prefixes
    #[arg(long, value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Print a table of findings per code
    #[arg(long)]
    pub statistics: bool,
    /// The clock for time-dependent rules: RFC 3339, `YYYY-MM-DDTHH:MM` (UTC) or
    /// `YYYY-MM-DD`; also `ANNALS_NOW`
    #[arg(long, env = "ANNALS_NOW", value_name = "TIME")]
    pub now: Option<String>,
    /// Let time-dependent rules (A002-A004) set the exit code
    #[arg(long)]
    pub strict: bool,
    /// Exit 0 even when errors are found
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply safe fixes (N001 renames to the pattern, F003 normalises a tag's case and
    /// spacing, L005 fills the other side of a supersede, L007 corrects a link's letter case,
    /// N002 with --since renumbers a new document), then report what remains
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also the unsafe fixes (N003 renames to the title's slug)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there are any)
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// strict naming (`{slug}`), required front matter and sections for all three kinds
    Default,
    /// MADR 4 decisions under docs/decisions
    Madr,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// A new handbook's layout; without it, a folder that already holds documents is adopted
    /// as it is (MADR, adr-tools, log4brains, numbered files, dated notes)
    #[arg(long, value_enum)]
    pub preset: Option<Preset>,
    /// Print the configuration instead of writing it
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The kind: decision, meeting, brief or one from annals.toml
    pub kind: String,
    /// The title; the file name's slug is made from it
    pub title: String,
    /// A tag from the vocabulary (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The owner: a key of [people] or [teams] (default: you, by git email)
    #[arg(long)]
    pub owner: Option<String>,
    /// The date (YYYY-MM-DD; meetings: YYYY-MM-DDTHH:MM) instead of today
    #[arg(long)]
    pub date: Option<String>,
    /// Open the new document in $EDITOR
    #[arg(long)]
    pub edit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// aligned columns for reading
    #[value(alias = "table", alias = "text")]
    Human,
    Json,
    Csv,
    Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Path,
    Id,
    Title,
    Date,
    Status,
    Owner,
    Kind,
    /// First commit (git history)
    Created,
    /// Last commit (git history)
    Updated,
}

/// The filters `list` and `search` share.
#[derive(Debug, Args)]
pub struct Filters {
    /// Only documents of this kind
    #[arg(long)]
    pub kind: Option<String>,
    /// Only documents with this tag (repeatable: all must match)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only documents owned by this person or team
    #[arg(long)]
    pub owner: Option<String>,
    /// Only documents with this status
    #[arg(long)]
    pub status: Option<String>,
    /// Only documents dated on or after DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub from: Option<String>,
    /// Only documents dated on or before DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub to: Option<String>,
    /// Not a date filter: `--since REV` is `check`'s git revision (this says so and exits)
    #[arg(long, hide = true, value_name = "DATE", value_parser = renamed("--from"))]
    pub since: Option<String>,
    /// Renamed `--to` (this says so and exits)
    #[arg(long, hide = true, value_name = "DATE", value_parser = renamed("--to"))]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: Filters,
    /// Sort order
    #[arg(long, value_enum, default_value_t = SortKey::Path)]
    pub sort: SortKey,
    /// Newest / largest first
    #[arg(long)]
    pub reverse: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A document ID (`ADR-0007`) or a repository-relative path
    pub target: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// for reading
    #[value(alias = "text", alias = "table")]
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    /// ranked results with highlighted snippets
    #[value(alias = "text", alias = "table")]
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", AND/OR/-, field:value (tag:, owner:, status:, kind:, title:, id:)
    pub query: String,
    #[command(flatten)]
    pub filter: Filters,
    /// How many results to show
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Count matches per tag, kind, status and owner
    #[arg(long)]
    pub facets: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = SearchFormat::Human)]
    pub format: SearchFormat,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Throw the index away and build it again
    #[arg(long)]
    pub rebuild: bool,
    /// Keep running, keeping the index fresh as files change: searches then skip their own
    /// check of every document (Ctrl-C stops)
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Only what awaits this person (a key of [people])
    #[arg(long, value_name = "PERSON")]
    pub me: Option<String>,
    /// The clock (RFC 3339, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`); also `ANNALS_NOW`
    #[arg(long, env = "ANNALS_NOW", value_name = "TIME")]
    pub now: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct StaleArgs {
    /// The clock (RFC 3339, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`); also `ANNALS_NOW`
    #[arg(long, env = "ANNALS_NOW", value_name = "TIME")]
    pub now: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The document: an ID or a path
    pub target: String,
    /// The new status
    pub status: String,
}

#[derive(Debug, Args)]
pub struct SupersedeArgs {
    /// The document being superseded: an ID or a path
    pub target: String,
    /// The title of the new document
    pub title: String,
    /// A tag for the new document (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The new document's owner (default: the superseded one's)
    #[arg(long)]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub action: HookAction,
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Write .git/hooks/pre-commit running `annals check --staged`
    Install {
        /// Replace an existing pre-commit hook
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct CodeownersArgs {
    /// Write the block into the configured CODEOWNERS file (hand-written lines stay)
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when the file's block is out of date (for CI)
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Write the pages (hand-written text around the generated blocks stays)
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when a page is out of date (for CI)
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Only documents of this kind (default: decisions, and the meetings that link to them)
    #[arg(long)]
    pub kind: Option<String>,
}

#[derive(Debug, Args)]
pub struct MvArgs {
    /// The document: a path or an ID
    pub old: PathBuf,
    /// The new path (a folder keeps the file name)
    pub new: PathBuf,
    /// Allow a destination in another kind's folder (the document changes kind)
    #[arg(long)]
    pub change_kind: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`F003`); without one, every rule is listed
    pub code: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

/// A day for a date filter: `YYYY-MM-DD`.
fn day(s: &str) -> Result<String, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| format!("`{s}` is not a day: write it as YYYY-MM-DD"))
}

/// The parser of a renamed date filter: always an error that names the new option.
fn renamed(new: &'static str) -> impl Fn(&str) -> Result<String, String> + Clone {
    move |s: &str| {
        Err(format!(
            "date filters are `--from DATE` and `--to DATE` (`--since REV` is a git revision, \
             on `check` only): use `{new} {s}`"
        ))
    }
}
