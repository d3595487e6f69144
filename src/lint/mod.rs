//! The rule runner: settings from config and flags, rules in parallel, sorted output.

pub mod registry;
pub mod rules;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::{Config, Kind, RuleLevel};
use crate::diagnostic::{Diagnostic, Location, Report, Severity};
use crate::docs::{Corpus, Document, Source};
use crate::workspace::GitView;
use crate::workspace::practice::Practice;
use registry::{Level, RULES, Rule};

/// The view of a repository outside git (or a test's): no history, no change.
static NO_GIT: std::sync::LazyLock<GitView> = std::sync::LazyLock::new(GitView::default);

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(
        "unknown rule selector `{0}`: expected a code such as `F003`, a prefix such as `L`, or `ALL`"
    )]
    UnknownSelector(String),
    #[error("cannot read schema {path}: {message}")]
    Schema { path: String, message: String },
}

/// Which rules run, and at what severity.
#[derive(Debug, Clone)]
pub struct Settings {
    levels: HashMap<Rule, Severity>,
}

impl Settings {
    /// Defaults, then `[rules]`, then `--select` (only these, at their natural level) and
    /// `--ignore`.
    pub fn new(cfg: &Config, select: &[String], ignore: &[String]) -> Result<Settings, LintError> {
        let mut levels = HashMap::new();
        let natural = |r: &registry::Info| match r.default {
            Level::Error => Severity::Error,
            Level::Warn => Severity::Warning,
            Level::Off(s) => s,
        };
        for r in RULES {
            let mut level = match r.default {
                Level::Error => Some(Severity::Error),
                Level::Warn => Some(Severity::Warning),
                Level::Off(_) => None,
            };
            if let Some(l) = cfg.rules.get(r.code) {
                level = match l {
                    RuleLevel::Error => Some(Severity::Error),
                    RuleLevel::Warn => Some(Severity::Warning),
                    RuleLevel::Off => None,
                };
            }
            if let Some(l) = level {
                levels.insert(r.rule, l);
            }
        }
        if !select.is_empty() {
            let mut chosen = HashMap::new();
            for s in select.iter().flat_map(|s| s.split(',')) {
                let rules = registry::matching(s);
                if rules.is_empty() {
                    return Err(LintError::UnknownSelector(s.to_string()));
                }
                for r in rules {
                    chosen.insert(
                        r.rule,
                        levels.get(&r.rule).copied().unwrap_or_else(|| natural(r)),
                    );
                }
            }
            levels = chosen;
        }
        for s in ignore.iter().flat_map(|s| s.split(',')) {
            let rules = registry::matching(s);
            if rules.is_empty() {
                return Err(LintError::UnknownSelector(s.to_string()));
            }
            for r in rules {
                levels.remove(&r.rule);
            }
        }
        Ok(Settings { levels })
    }

    pub fn level(&self, rule: Rule) -> Option<Severity> {
        self.levels.get(&rule).copied()
    }
}

/// What the rules see: the whole repository, compiled schemas, and which files to report on.
pub struct Context<'a> {
    pub repo: &'a Corpus,
    /// Where files that are no document are read from (the index under `--staged`).
    pub source: &'a dyn Source,
    /// The clock of time-dependent rules.
    pub now: chrono::DateTime<chrono::Utc>,
    pub calendar: crate::time::Calendar,
    pub git: &'a GitView,
    /// Person keys by lowercased email, to map commit authors to people.
    pub by_email: HashMap<String, String>,
    schemas: Vec<Option<jsonschema::Validator>>,
    /// Markdown files that are link targets but not documents, parsed on first use.
    other_markdown: std::sync::Mutex<HashMap<String, std::sync::Arc<crate::docs::Markdown>>>,
    /// Report only on these paths (the model stays complete); `None` is every document.
    scope: Option<HashSet<String>>,
    /// The folders (`name/`) among `scope`.
    folders: Vec<String>,
    next_numbers: std::sync::OnceLock<Vec<u64>>,
    /// Each kind's template, read on first use (S001 strict sections, S002 leftovers).
    templates: Vec<std::sync::OnceLock<rules::sections::Template>>,
}

impl<'a> Context<'a> {
    pub fn new(
        repo: &'a Corpus,
        scope: Option<HashSet<String>>,
        now: chrono::DateTime<chrono::Utc>,
        source: &'a dyn Source,
    ) -> Result<Self, LintError> {
        let folders: Vec<String> = scope
            .iter()
            .flatten()
            .filter(|p| p.ends_with('/'))
            .cloned()
            .collect();
        let by_email = crate::workspace::practice::people_by_email(&repo.config);
        let mut ctx = Context {
            repo,
            source,
            git: &NO_GIT,
            by_email,
            now,
            calendar: repo.config.calendar(),
            schemas: Vec::new(),
            other_markdown: std::sync::Mutex::default(),
            scope,
            folders,
            next_numbers: std::sync::OnceLock::new(),
            templates: repo
                .config
                .kinds
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        };
        // Only the kinds of documents to check need their schema (a `--staged` run checks
        // one or two kinds' documents; the rest are names only).
        let mut used = vec![false; repo.config.kinds.len()];
        for d in repo.docs.iter().filter(|d| !d.stub && ctx.in_scope(d)) {
            used[d.kind] = true;
        }
        ctx.schemas = repo
            .config
            .kinds
            .iter()
            .zip(&used)
            .map(|(k, &used)| {
                if used {
                    compile_schema(source, k)
                } else {
                    Ok(None)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ctx)
    }

    /// Calls `f` with the parsed markdown of the repository file at `path`, when it is a
    /// markdown file (documents are parsed already; other files are read once and cached).
    pub fn with_markdown(&self, path: &str, f: impl FnOnce(&crate::docs::Markdown)) {
        if let Some(&i) = self.repo.by_path.get(path) {
            // An unreadable document has no headings to compare with (E001 says why).
            if self.repo.docs[i].unreadable.is_none() {
                f(&self.repo.docs[i].md);
            }
            return;
        }
        let is_md = std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if !is_md || !self.repo.files.is_file(path) {
            return;
        }
        let cached = self
            .other_markdown
            .lock()
            .ok()
            .and_then(|m| m.get(path).cloned());
        let md = cached.unwrap_or_else(|| {
            // From the workspace's source (the index under `--staged`), through the gate and
            // the same limits as documents: a link target may be a symlink out of the
            // repository or a file nested too deep to parse.
            let cfg = &self.repo.config;
            let text = self
                .source
                .read(path)
                .ok()
                .and_then(|b| crate::docs::within_nesting(cfg, b).ok())
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let body = crate::docs::frontmatter::body_start(text);
            let md = std::sync::Arc::new(crate::docs::Markdown::parse(text, body));
            if let Ok(mut m) = self.other_markdown.lock() {
                m.insert(path.to_string(), md.clone());
            }
            md
        });
        f(&md);
    }

    #[must_use]
    pub fn with_git(mut self, git: &'a GitView) -> Self {
        self.git = git;
        self
    }

    /// The team's habits as this context sees them (A001-A004).
    pub fn practice(&self) -> Practice<'_> {
        Practice {
            corpus: self.repo,
            git: self.git,
            now: self.now,
            calendar: &self.calendar,
            by_email: &self.by_email,
        }
    }

    pub fn kind(&self, doc: &Document) -> &'a Kind {
        &self.repo.config.kinds[doc.kind]
    }

    /// What the template of kind `kind` leaves in a document that was not finished.
    pub fn template(&self, kind: usize) -> &rules::sections::Template {
        self.templates[kind].get_or_init(|| {
            rules::sections::Template::for_kind(&self.repo.config, &self.repo.config.kinds[kind])
        })
    }

    pub fn schema(&self, kind: usize) -> Option<&jsonschema::Validator> {
        self.schemas.get(kind).and_then(Option::as_ref)
    }

    pub fn in_scope(&self, doc: &Document) -> bool {
        self.scope.as_ref().is_none_or(|s| {
            s.contains(&doc.path)
                || self
                    .folders
                    .iter()
                    .any(|p| doc.path.starts_with(p.as_str()))
        })
    }

    /// False for files whose front matter is missing (where required) or unparsable: rules
    /// that read metadata skip them (F001 says why).
    pub fn reads_metadata(&self, doc: &Document) -> bool {
        doc.reads_metadata(self.kind(doc))
    }

    /// The next free number of each kind, computed once (hints on many N002 findings need
    /// it).
    fn next_numbers(&self) -> &[u64] {
        self.next_numbers.get_or_init(|| {
            (0..self.repo.config.kinds.len())
                .map(|k| self.repo.next_number(k, []))
                .collect()
        })
    }

    /// `help:` for a duplicate number: the next free one.
    pub fn next_number_hint(&self, doc: &Document) -> Option<String> {
        let kind = self.kind(doc);
        let id = kind.id.as_ref()?.render(&crate::pattern::Values {
            number: Some(self.next_numbers()[doc.kind]),
            ..Default::default()
        })?;
        Some(format!("the next free ID is `{id}`"))
    }
}

fn compile_schema(
    source: &dyn Source,
    kind: &Kind,
) -> Result<Option<jsonschema::Validator>, LintError> {
    let (text, shown) = match &kind.schema {
        Some(p) => {
            let bytes = source
                .read(&p.to_string_lossy())
                .map_err(|message| LintError::Schema {
                    path: p.display().to_string(),
                    message,
                })?;
            let text = String::from_utf8(bytes).map_err(|_| LintError::Schema {
                path: p.display().to_string(),
                message: "not UTF-8".into(),
            })?;
            (text, p.display().to_string())
        }
        None => match kind.builtin.map(crate::config::schema::builtin) {
            Some(t) => (t.to_string(), format!("built-in {} schema", kind.name)),
            None => return Ok(None),
        },
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| LintError::Schema {
        path: shown.clone(),
        message: format!("not valid JSON: {e}"),
    })?;
    // Formats (`date`, `date-time`, `email`, `uri`, `regex`...) are checked, not annotations.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&value)
        .map(Some)
        .map_err(|e| LintError::Schema {
            path: shown,
            message: format!("not a valid JSON Schema: {e}"),
        })
}

/// Runs every enabled rule and returns the sorted report.
pub fn run(ctx: &Context<'_>, settings: &Settings) -> Report {
    let repo = ctx.repo;
    let mut diagnostics: Vec<Diagnostic> = repo
        .docs
        .par_iter()
        .filter(|d| ctx.in_scope(d))
        .flat_map_iter(|doc| {
            let mut out = Vec::new();
            check_document(ctx, doc, &mut out);
            finish(doc, settings, out)
        })
        .collect();
    let mut cross = Vec::new();
    for (rule, check) in CROSS {
        if settings.level(*rule).is_some() {
            check(ctx, &mut cross);
        }
    }
    for d in cross {
        let doc = repo.by_path.get(&d.path).map(|&i| &repo.docs[i]);
        match doc {
            Some(doc) => diagnostics.extend(finish(doc, settings, vec![d])),
            // Findings on files that are no document (CODEOWNERS, skipped paths) belong to a
            // whole-repository check or a change, not to `check FILE...`.
            None if ctx.scope.is_some() && ctx.git.change.is_none() => {}
            None => {
                if let Some(level) = settings.level(d.code) {
                    diagnostics.push(Diagnostic {
                        severity: level,
                        ..d
                    });
                }
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    let files = repo.docs.iter().filter(|d| ctx.in_scope(d)).count();
    Report { diagnostics, files }
}

/// A check over the repository as a whole.
type Cross = fn(&Context<'_>, &mut Vec<Diagnostic>);

/// The rules that judge the repository as a whole, each run only when its rule is enabled.
const CROSS: &[(Rule, Cross)] = &[
    (Rule::DuplicateId, rules::naming::check_duplicate_ids),
    (Rule::Orphan, rules::links::check_orphans),
    (Rule::CodeownersStale, rules::owners::check_codeowners),
    (Rule::SkippedPath, rules::files::check_skipped),
];

fn check_document(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    if doc.unreadable.is_some() {
        rules::files::check_unreadable(doc, out);
        return;
    }
    rules::naming::check(ctx, doc, out);
    rules::front_matter::check(ctx, doc, out);
    rules::sections::check(ctx, doc, out);
    rules::links::check(ctx, doc, out);
    if ctx.reads_metadata(doc) {
        rules::owners::check(ctx, doc, out);
        rules::practice::check(ctx, doc, out);
        rules::change::check(ctx, doc, out);
        rules::history::check(ctx, doc, out);
    }
}

/// One problem, one diagnostic; suppressions; levels; positions.
fn finish(doc: &Document, settings: &Settings, mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // A general finding on a field (F002's schema message) gives way to a specific one.
    let specific: HashSet<String> = out
        .iter()
        .filter(|d| !d.general)
        .filter_map(|d| d.field.clone())
        .collect();
    out.retain(|d| !d.general || d.field.as_ref().is_none_or(|f| !specific.contains(f)));
    let file_ignores = file_ignores(doc);
    let line_ignores = line_ignores(doc);
    out.into_iter()
        .filter_map(|mut d| {
            d.severity = settings.level(d.code)?;
            if d.at_most_warning {
                d.severity = crate::diagnostic::Severity::Warning;
            }
            if file_ignores
                .iter()
                .any(|c| c.eq_ignore_ascii_case(d.code.code()))
            {
                return None;
            }
            if let Some(span) = &d.span {
                let (line, column) = doc.line_col(span.start);
                let (end_line, end_column) = doc.line_col(span.end);
                d.location = Some(Location {
                    line,
                    column,
                    end_line,
                    end_column,
                });
                if let Some(codes) = line_ignores.get(&line)
                    && (codes.is_empty()
                        || codes.iter().any(|c| c.eq_ignore_ascii_case(d.code.code())))
                {
                    return None;
                }
            }
            Some(d)
        })
        .collect()
}

/// `annals: { ignore: [L006] }` in front matter.
fn file_ignores(doc: &Document) -> Vec<String> {
    doc.data
        .get("annals")
        .and_then(|a| a.get("ignore"))
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `<!-- annals-ignore CODE... -->` lines: the codes ignored on the following line (all when
/// none are named).
fn line_ignores(doc: &Document) -> HashMap<usize, Vec<String>> {
    let mut map = HashMap::new();
    if !doc.source.contains("annals-ignore") {
        return map;
    }
    for (i, line) in doc.source.lines().enumerate() {
        let Some(pos) = line.find("<!-- annals-ignore") else {
            continue;
        };
        let rest = &line[pos + "<!-- annals-ignore".len()..];
        let inner = rest.split("-->").next().unwrap_or("");
        let codes = inner
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        map.insert(i + 2, codes);
    }
    map
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use super::*;

    pub const CONFIG: &str = r#"
[kinds.decision]
dir = "decisions"
filename = "{number:04}-{slug}.md"
id = "ADR-{number:04}"
sections = ["Context", "Decision", "Consequences"]
front_matter = "required"
[tags]
storage = "Databases"
security = "Secrets"
[people.alice]
name = "Alice"
[people.bob]
name = "Bob"
active = false
[teams.platform]
members = ["alice"]
"#;

    /// Checks one document against the test configuration.
    pub fn check_one(path: &str, text: &str) -> Vec<Diagnostic> {
        check_with(CONFIG, path, text)
    }

    /// Checks one document against `config`.
    pub fn check_with(config: &str, path: &str, text: &str) -> Vec<Diagnostic> {
        let cfg =
            Config::parse(config, Path::new("annals.toml"), Path::new("/nonexistent")).unwrap();
        let kind = cfg
            .kinds
            .iter()
            .position(|k| path.starts_with(&format!("{}/", k.dir)))
            .unwrap();
        let doc = Document::from_text(path.to_string(), kind, &cfg.kinds[kind], text);
        let repo = Corpus::from_docs(cfg, vec![doc], Vec::new(), None);
        let source = crate::docs::WorkTree::new(&repo.config);
        let ctx = Context::new(
            &repo,
            None,
            crate::time::parse_now("2026-06-30T12:00:00Z").unwrap(),
            &source,
        )
        .unwrap();
        let settings = Settings::new(&repo.config, &[], &[]).unwrap();
        run(&ctx, &settings).diagnostics
    }

    pub fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code.code()).collect()
    }

    #[test]
    fn suppression_comment_and_front_matter() {
        let src = "---\ntitle: T\nstatus: accepted\ndate: 2024-01-01\nowner: alice\nannals: {ignore: [S001]}\n---\n# T\n\n<!-- annals-ignore S002 -->\nA TODO.\n";
        assert!(check_one("decisions/0001-t.md", src).is_empty());
        let unsuppressed = src.replace("<!-- annals-ignore S002 -->\n", "");
        assert_eq!(
            codes(&check_one("decisions/0001-t.md", &unsuppressed)),
            ["S002"]
        );
    }

    #[test]
    fn select_and_ignore() {
        let cfg = Config::zero_config(Path::new("/nonexistent"));
        let s = Settings::new(&cfg, &["N".into()], &["N002".into()]).unwrap();
        let level = |code| s.level(registry::rule(code).unwrap().rule);
        assert_eq!(level("N001"), Some(Severity::Error));
        assert_eq!(level("N003"), Some(Severity::Error));
        assert_eq!(level("N002"), None);
        assert_eq!(level("F001"), None);
        assert!(Settings::new(&cfg, &["X9".into()], &[]).is_err());
    }
}
