//! `annals.toml`: typed configuration with zero-config defaults and line-accurate errors.
//!
//! Values that need validation (durations, time zones, file-name patterns, severities) have
//! their own `Deserialize` impls, so a bad value fails inside `toml`'s deserializer and the
//! error carries the value's span.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::pattern::NamePattern;

pub mod schema;

/// The name of the configuration file looked up from the current folder upwards.
pub const CONFIG_FILE: &str = "annals.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A duration as written in `annals.toml` (`30m`, `4h`, `2d`, `1w`), in seconds, with the
/// unit it was written in so that messages say `48h` where the team wrote `48h`.
#[derive(Debug, Clone, Copy)]
pub struct Duration(pub i64, Unit);

/// The unit a duration was written in; `None` for one annals computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit(Option<(u8, i64)>);

impl PartialEq for Duration {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Duration {}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Duration {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl Duration {
    /// A duration annals computed (shown in the largest unit that divides it).
    pub fn secs(seconds: i64) -> Duration {
        Duration(seconds, Unit(None))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(|| {
            format!("expected a duration like `30m`, `4h`, `2d` or `1w`, found `{s}`")
        })?;
        let (num, unit) = s.split_at(split);
        let n: i64 = num.parse().map_err(|_| {
            format!("expected a duration like `30m`, `4h`, `2d` or `1w`, found `{s}`")
        })?;
        let mult = match unit {
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => {
                return Err(format!(
                    "unknown duration unit `{unit}` in `{s}`: expected `m`, `h`, `d` or `w`"
                ));
            }
        };
        n.checked_mul(mult)
            .map(|secs| Duration(secs, Unit(Some((unit.as_bytes()[0], mult)))))
            .ok_or_else(|| format!("duration `{s}` is too large"))
    }

    pub fn seconds(self) -> i64 {
        self.0
    }

    /// Whole days from three days up, else whole hours or minutes: `4d`, `47h`, `40m`.
    pub fn to_string_rounded(self) -> String {
        let s = self.0;
        if s >= 3 * 86_400 {
            format!("{}d", s / 86_400)
        } else if s >= 3600 {
            format!("{}h", s / 3600)
        } else {
            format!("{}m", s / 60)
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Unit(Some((unit, mult))) = self.1 {
            return write!(f, "{}{}", self.0 / mult, unit as char);
        }
        let s = self.0;
        if s % (7 * 86_400) == 0 && s != 0 {
            write!(f, "{}w", s / (7 * 86_400))
        } else if s % 86_400 == 0 && s != 0 {
            write!(f, "{}d", s / 86_400)
        } else if s % 3600 == 0 {
            write!(f, "{}h", s / 3600)
        } else {
            write!(f, "{}m", s / 60)
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Duration::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The project's time zone (an IANA name such as `Europe/Paris`).
#[derive(Debug, Clone, Copy)]
pub struct TimeZone(pub chrono_tz::Tz);

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<chrono_tz::Tz>().map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown time zone `{s}`: expected an IANA name such as `UTC` or `Europe/Paris`"
            ))
        })
    }
}

/// A day of the week in `workdays`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workday(pub chrono::Weekday);

impl<'de> Deserialize<'de> for Workday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
        let s = String::deserialize(d)?;
        let day = match s.to_ascii_lowercase().as_str() {
            "mon" | "monday" => Mon,
            "tue" | "tuesday" => Tue,
            "wed" | "wednesday" => Wed,
            "thu" | "thursday" => Thu,
            "fri" | "friday" => Fri,
            "sat" | "saturday" => Sat,
            "sun" | "sunday" => Sun,
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "unknown day `{s}`: expected one of mon, tue, wed, thu, fri, sat, sun"
                )));
            }
        };
        Ok(Workday(day))
    }
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    #[serde(alias = "warning")]
    Warn,
    Off,
}

/// A key of `[rules]`: a code from the registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RuleCode(String);

impl<'de> Deserialize<'de> for RuleCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::lint::registry::rule(&s) {
            Some(r) => Ok(RuleCode(r.code.to_string())),
            None => Err(serde::de::Error::custom(format!(
                "unknown rule code `{s}`: expected a code that `annals rule` lists, such as `F003`"
            ))),
        }
    }
}

/// Whether a kind's documents must carry front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FrontMatterMode {
    Required,
    Optional,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub timezone: chrono_tz::Tz,
    pub workdays: Vec<chrono::Weekday>,
}

/// A class of documents: folder, naming, schema, template, sections and workflow.
#[derive(Debug, Clone)]
pub struct Kind {
    pub name: String,
    /// Which built-in kind this is (its schema, template and sections), read once from the
    /// name when configuration is read; `None` for a kind the team defined.
    pub builtin: Option<Builtin>,
    pub dir: String,
    pub filename: NamePattern,
    pub id: Option<NamePattern>,
    pub schema: Option<PathBuf>,
    pub template: Option<PathBuf>,
    pub sections: Vec<String>,
    /// `sections_strict`: each section's heading has exactly its text and the level the
    /// kind's template gives it (2 when the template lacks it).
    pub sections_strict: bool,
    /// `sections_order`: the sections appear in the order `sections` lists them.
    pub sections_order: bool,
    pub statuses: Vec<String>,
    pub open: Vec<String>,
    pub transitions: BTreeMap<String, Vec<String>>,
    pub people_fields: Vec<String>,
    pub id_fields: Vec<String>,
    pub review_every: Option<Duration>,
    pub agenda_lead: Option<Duration>,
    pub outcome_within: Option<Duration>,
    pub outcome_section: String,
    pub front_matter: FrontMatterMode,
    pub exclude: Vec<String>,
    /// `statuses` are the usual ones, not the only ones (MADR leaves statuses open): any
    /// status passes, a near miss of a listed one is a warning.
    pub any_status: bool,
}

/// annals' built-in kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Decision,
    Meeting,
    Brief,
}

impl Kind {
    /// Whether the front-matter field `key` names people (or teams): `owner`, `reviewers`,
    /// `responded`, and the kind's `people_fields`.
    pub fn names_people(&self, key: &str) -> bool {
        ["owner", "reviewers", "responded"].contains(&key)
            || self.people_fields.iter().any(|f| f == key)
    }

    /// The number the file name at `path` (repository-relative) carries, when it is a file
    /// of this kind.
    pub fn number_in(&self, path: &str) -> Option<u64> {
        let rest = path.strip_prefix(&self.dir)?.strip_prefix('/')?;
        self.filename.matches(rest.rsplit('/').next()?)?.number
    }

    /// Whether the workflow allows `from -> to` (staying put, and any move in a kind without
    /// transitions, are allowed); else what it allows instead, as messages say it.
    pub fn transition(&self, from: &str, to: &str) -> Result<(), String> {
        if from == to || self.transitions.is_empty() {
            return Ok(());
        }
        let next = self.transitions.get(from).map_or(&[][..], Vec::as_slice);
        if next.iter().any(|s| s == to) {
            return Ok(());
        }
        Err(if next.is_empty() {
            format!("`{from}` is final")
        } else {
            format!("from `{from}` it allows {}", next.join(", "))
        })
    }

    /// Statuses from which the workflow still allows a transition.
    pub fn is_live_status(&self, status: &str) -> bool {
        self.transitions.get(status).is_some_and(|t| !t.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub email: Vec<String>,
    pub github: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    #[serde(default)]
    pub members: Vec<String>,
    pub github: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub urgent: Duration,
    pub standard: Duration,
    pub low: Duration,
}

impl Response {
    pub fn for_priority(&self, priority: &str) -> Option<Duration> {
        match priority {
            "urgent" => Some(self.urgent),
            "standard" => Some(self.standard),
            "low" => Some(self.low),
            _ => None,
        }
    }
}

/// Caps that keep hostile input from exhausting time or memory.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest markdown file read, in bytes.
    pub max_file_size: u64,
    /// Deepest nesting read (YAML collections, block quotes, lists), in levels.
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 10 * 1024 * 1024,
            max_nesting: 100,
        }
    }
}

/// The whole configuration, defaults applied.
#[derive(Debug, Clone)]
pub struct Config {
    /// The repository root (the folder holding `annals.toml`, or the starting folder).
    pub root: PathBuf,
    /// The configuration file, when there is one.
    pub file: Option<PathBuf>,
    pub project: Project,
    pub kinds: Vec<Kind>,
    pub tags: BTreeMap<String, String>,
    pub response: Response,
    pub people: BTreeMap<String, Person>,
    pub teams: BTreeMap<String, Team>,
    pub rules: BTreeMap<String, RuleLevel>,
    pub codeowners_path: Option<String>,
    pub catalog: Catalog,
    pub limits: Limits,
    /// The gate every configured path and every write goes through.
    pub fs: crate::gate::Root,
}

/// Where `annals catalog` writes its pages: `{dir}` and `{kind}` for a kind's page, `{tag}`
/// for a tag's; a path without the placeholder holds every kind's (or tag's) block. An empty
/// string turns the pages off.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Catalog {
    pub kinds: String,
    pub tags: String,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            kinds: "{dir}/README.md".into(),
            tags: "tags/{tag}.md".into(),
        }
    }
}

fn yes() -> bool {
    true
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    project: RawProject,
    #[serde(default)]
    kinds: BTreeMap<String, toml::Spanned<RawKind>>,
    #[serde(default)]
    tags: BTreeMap<toml::Spanned<String>, String>,
    #[serde(default)]
    response: RawResponse,
    #[serde(default)]
    people: BTreeMap<String, Person>,
    #[serde(default)]
    teams: BTreeMap<String, toml::Spanned<Team>>,
    #[serde(default)]
    rules: BTreeMap<RuleCode, RuleLevel>,
    #[serde(default)]
    codeowners: RawCodeowners,
    #[serde(default)]
    catalog: RawCatalog,
    #[serde(default)]
    limits: Limits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    kinds: Option<toml::Spanned<String>>,
    tags: Option<toml::Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Option<String>,
    timezone: Option<TimeZone>,
    workdays: Option<Vec<Workday>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponse {
    urgent: Option<Duration>,
    standard: Option<Duration>,
    low: Option<Duration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodeowners {
    path: Option<toml::Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    dir: Option<toml::Spanned<String>>,
    filename: Option<NamePattern>,
    id: Option<NamePattern>,
    schema: Option<toml::Spanned<PathBuf>>,
    template: Option<toml::Spanned<PathBuf>>,
    sections: Option<Vec<String>>,
    sections_strict: Option<bool>,
    sections_order: Option<bool>,
    statuses: Option<Vec<String>>,
    open: Option<Vec<String>>,
    transitions: Option<BTreeMap<String, Vec<String>>>,
    people_fields: Option<Vec<String>>,
    id_fields: Option<Vec<String>>,
    review_every: Option<Duration>,
    agenda_lead: Option<Duration>,
    outcome_within: Option<Duration>,
    outcome_section: Option<String>,
    front_matter: Option<FrontMatterMode>,
    exclude: Option<Vec<String>>,
    any_status: Option<bool>,
}

const MADR_STATUSES: &[&str] = &[
    "proposed",
    "accepted",
    "rejected",
    "deprecated",
    "superseded",
];
const DECISION_DIRS: &[&str] = &["docs/decisions", "docs/adr", "doc/adr", "decisions"];

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

/// The built-in kinds as they apply with no configuration (lenient, to adopt existing repos).
fn default_kinds(root: &Path) -> Vec<Kind> {
    let fs = crate::gate::Root::new(root);
    let adopted = Adopted::find(&fs);
    let decision_dir = adopted
        .dir
        .as_deref()
        .or_else(|| {
            DECISION_DIRS
                .iter()
                .find(|d| root.join(d).is_dir())
                .copied()
        })
        .unwrap_or("decisions")
        .to_string();
    let decision_dir = decision_dir.as_str();
    let base = |builtin: Builtin, name: &str, dir: &str, filename: &str| Kind {
        name: name.to_string(),
        builtin: Some(builtin),
        dir: dir.to_string(),
        filename: NamePattern::parse(filename).expect("built-in pattern"),
        id: None,
        schema: None,
        template: None,
        sections: Vec::new(),
        sections_strict: false,
        sections_order: false,
        statuses: Vec::new(),
        open: Vec::new(),
        transitions: BTreeMap::new(),
        people_fields: Vec::new(),
        id_fields: strings(&[
            "supersedes",
            "superseded_by",
            "related",
            "amends",
            "amended_by",
        ]),
        review_every: None,
        agenda_lead: None,
        outcome_within: None,
        outcome_section: "Outcome".to_string(),
        front_matter: FrontMatterMode::Optional,
        exclude: strings(&["README.md", "index.md", "*template*"]),
        any_status: false,
    };
    let mut decision = base(
        Builtin::Decision,
        "decision",
        decision_dir,
        "{number:04}-{name}.md",
    );
    decision.id = Some(NamePattern::parse("ADR-{number:04}").expect("built-in pattern"));
    decision.statuses = strings(MADR_STATUSES);
    decision.open = strings(&["proposed"]);
    decision.transitions = BTreeMap::from([
        ("proposed".to_string(), strings(&["accepted", "rejected"])),
        (
            "accepted".to_string(),
            strings(&["deprecated", "superseded"]),
        ),
        ("deprecated".to_string(), strings(&["superseded"])),
    ]);
    decision.people_fields = strings(&["decision-makers", "consulted", "informed", "deciders"]);
    // MADR leaves statuses open (`proposed | rejected | accepted | deprecated | … |
    // superseded by ADR-0123`): the usual ones are listed, any other passes.
    decision.any_status = true;
    let mut packages = Vec::new();
    if adopted.log4brains {
        // log4brains names files `YYYYMMDD-slug.md` and identifies them by that name.
        decision.filename =
            NamePattern::parse("{date:YYYYMMDD}-{name}.md").expect("built-in pattern");
        decision.id = Some(NamePattern::parse("{date:YYYYMMDD}-{slug}").expect("built-in pattern"));
        decision.transitions.clear();
        decision.statuses.insert(0, "draft".to_string());
        for (name, dir) in &adopted.packages {
            let mut k = decision.clone();
            // A package is a decision folder of its own, with no built-in schema or template
            // (as before kinds had a `builtin`: they were matched by name).
            k.builtin = None;
            k.name = if ["decision", "meeting", "brief"].contains(&name.as_str()) {
                format!("{name}-decision")
            } else {
                name.clone()
            };
            k.dir.clone_from(dir);
            k.id = NamePattern::parse(&format!("{name}/{{date:YYYYMMDD}}-{{slug}}")).ok();
            packages.push(k);
        }
    }
    let mut meeting = base(Builtin::Meeting, "meeting", "meetings", "{date}-{name}.md");
    meeting.people_fields = strings(&["attendees"]);
    let mut brief = base(Builtin::Brief, "brief", "briefs", "{name}.md");
    brief.statuses = strings(&["draft", "open", "closed"]);
    brief.open = strings(&["open"]);
    brief.transitions = BTreeMap::from([
        ("draft".to_string(), strings(&["open", "closed"])),
        ("open".to_string(), strings(&["closed"])),
    ]);
    let mut kinds = vec![decision, meeting, brief];
    kinds.extend(packages);
    kinds
}

/// What an existing repository says of its own layout: adr-tools' `.adr-dir`, log4brains'
/// `.log4brains.yml` (its global folder and one per package).
#[derive(Debug, Default)]
pub struct Adopted {
    pub dir: Option<String>,
    pub log4brains: bool,
    /// `(package name, its ADR folder)`.
    pub packages: Vec<(String, String)>,
}

impl Adopted {
    pub fn find(fs: &crate::gate::Root) -> Adopted {
        const SMALL: u64 = 64 * 1024;
        let clean = |p: &str| -> Option<String> {
            let p = p.trim().trim_start_matches("./").trim_matches('/');
            let ok = !p.is_empty()
                && !p.split('/').any(|c| c == ".." || c == "." || c == ".git")
                && fs.resolve(p).is_ok();
            ok.then(|| p.to_string())
        };
        let mut found = Adopted::default();
        if let Ok(Some(bytes)) = fs.read_optional(".log4brains.yml", SMALL)
            && let Ok(yaml) = serde_yaml::from_slice::<serde_json::Value>(&bytes)
        {
            let project = &yaml["project"];
            found.log4brains = true;
            found.dir = project["adrFolder"].as_str().and_then(clean);
            for p in project["packages"].as_array().into_iter().flatten() {
                if let (Some(name), Some(dir)) =
                    (p["name"].as_str(), p["adrFolder"].as_str().and_then(clean))
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    found.packages.push((name.to_string(), dir));
                }
            }
        } else if let Ok(Some(bytes)) = fs.read_optional(".adr-dir", SMALL) {
            found.dir = String::from_utf8_lossy(&bytes)
                .lines()
                .next()
                .and_then(clean);
        }
        found
    }
}

impl Config {
    /// Which days count as working time, and in which zone.
    pub fn calendar(&self) -> crate::time::Calendar {
        crate::time::Calendar {
            tz: self.project.timezone,
            workdays: self.project.workdays.clone(),
        }
    }

    /// The configuration that applies with no `annals.toml` at `root`.
    pub fn zero_config(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            file: None,
            project: Project {
                name: root.file_name().map_or_else(
                    || "annals".to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                timezone: chrono_tz::UTC,
                workdays: default_workdays(),
            },
            kinds: default_kinds(root),
            tags: BTreeMap::new(),
            response: Response {
                urgent: Duration::parse("4h").expect("built-in duration"),
                standard: Duration::parse("1d").expect("built-in duration"),
                low: Duration::parse("3d").expect("built-in duration"),
            },
            people: BTreeMap::new(),
            teams: BTreeMap::new(),
            rules: BTreeMap::new(),
            codeowners_path: None,
            catalog: Catalog::default(),
            limits: Limits::default(),
            fs: crate::gate::Root::new(root),
        }
    }

    /// Finds `annals.toml` from `start` upwards; without one, `start` is the root with defaults.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            dir = d.parent();
        }
        let root = git_root(start).unwrap_or_else(|| start.to_path_buf());
        Ok(Config::zero_config(&root))
    }

    /// Loads the given file; the folder holding it is the repository root.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io {
            path: file.display().to_string(),
            source,
        })?;
        let root = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Config::parse(&text, file, &root)
    }

    /// Parses configuration text; `file` is used in messages.
    pub fn parse(text: &str, file: &Path, root: &Path) -> Result<Config, ConfigError> {
        let shown = file.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Invalid {
                path: shown.clone(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let mut cfg = Config::zero_config(root);
        cfg.file = Some(file.to_path_buf());
        // A configuration says which kinds there are: the zero-config reading of log4brains'
        // packages is for repositories without one.
        cfg.kinds.truncate(3);
        if let Some(name) = raw.project.name {
            cfg.project.name = name;
        }
        if let Some(tz) = raw.project.timezone {
            cfg.project.timezone = tz.0;
        }
        if let Some(days) = raw.project.workdays {
            cfg.project.workdays = days.into_iter().map(|d| d.0).collect();
        }
        for (name, spanned) in raw.kinds {
            let (line, column) = line_col(text, spanned.span().start);
            // A kind's name names files (the hub's index pages, `annals new KIND`) and is typed
            // on command lines: a word, never a path or an address.
            let word = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !word {
                return Err(ConfigError::Invalid {
                    path: shown.clone(),
                    line,
                    column,
                    message: format!(
                        "[kinds.{name:?}]: a kind's name is a word of letters, digits, `-` and `_` (such as `decision` or `design-doc`)"
                    ),
                });
            }
            let rk = spanned.into_inner();
            let idx = if let Some(i) = cfg.kinds.iter().position(|k| k.name == name) {
                i
            } else {
                let mut k = cfg.kinds[1].clone();
                k.name.clone_from(&name);
                k.builtin = None;
                k.dir.clone_from(&name);
                k.filename = NamePattern::parse("{slug}.md").expect("built-in pattern");
                k.people_fields.clear();
                cfg.kinds.push(k);
                cfg.kinds.len() - 1
            };
            // The zero-config leniency is for adopting repositories without configuration;
            // a kind a team configures requires front matter unless it says otherwise.
            cfg.kinds[idx].front_matter = FrontMatterMode::Required;
            cfg.kinds[idx].any_status = false;
            let at = |span: std::ops::Range<usize>, message: String| {
                let (line, column) = line_col(text, span.start);
                ConfigError::Invalid {
                    path: shown.clone(),
                    line,
                    column,
                    message: format!("[kinds.{name}] {message}"),
                }
            };
            if let Some(dir) = &rk.dir {
                validate_dir(&cfg.fs, dir.get_ref()).map_err(|m| at(dir.span(), m))?;
            }
            for (key, value) in [("schema", &rk.schema), ("template", &rk.template)] {
                if let Some(v) = value {
                    contained(&cfg.fs, v.get_ref()).map_err(|why| {
                        at(
                            v.span(),
                            format!("`{key} = \"{}\"`: {why}", v.get_ref().display()),
                        )
                    })?;
                }
            }
            apply_kind(&mut cfg.kinds[idx], rk);
            // The folder as it ends up (a new kind's name is its folder when `dir` is unset).
            validate_dir(&cfg.fs, &cfg.kinds[idx].dir).map_err(|message| ConfigError::Invalid {
                path: shown.clone(),
                line,
                column,
                message: format!("[kinds.{name}]: {message} (a kind without `dir` keeps its files in the folder of its name)"),
            })?;
            validate_kind(&cfg.kinds[idx]).map_err(|message| ConfigError::Invalid {
                path: shown.clone(),
                line,
                column,
                message: format!("[kinds.{name}]: {message}"),
            })?;
        }
        if let Some(d) = raw.response.urgent {
            cfg.response.urgent = d;
        }
        if let Some(d) = raw.response.standard {
            cfg.response.standard = d;
        }
        if let Some(d) = raw.response.low {
            cfg.response.low = d;
        }
        cfg.people = raw.people;
        for (team, t) in raw.teams {
            if let Some(m) = t
                .get_ref()
                .members
                .iter()
                .find(|m| !cfg.people.contains_key(*m))
            {
                let (line, column) = line_col(text, t.span().start);
                return Err(ConfigError::Invalid {
                    path: shown,
                    line,
                    column,
                    message: format!(
                        "[teams.{team}]: member `{m}` is not in [people]: expected a key of [people.*]"
                    ),
                });
            }
            cfg.teams.insert(team, t.into_inner());
        }
        cfg.rules = raw.rules.into_iter().map(|(k, v)| (k.0, v)).collect();
        let invalid = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            ConfigError::Invalid {
                path: shown.clone(),
                line,
                column,
                message,
            }
        };
        if let Some(p) = raw.codeowners.path {
            contained(&cfg.fs, p.get_ref()).map_err(|why| {
                invalid(
                    p.span(),
                    format!("[codeowners] `path = {:?}`: {why}", p.get_ref()),
                )
            })?;
            cfg.codeowners_path = Some(p.into_inner());
        }
        for (key, value) in [("kinds", raw.catalog.kinds), ("tags", raw.catalog.tags)] {
            let Some(v) = value else { continue };
            // Every page the pattern can name must stay inside: checked with each kind and
            // tag it will be filled with.
            let pages: Vec<String> = if key == "kinds" {
                cfg.kinds
                    .iter()
                    .map(|k| {
                        v.get_ref()
                            .replace("{dir}", &k.dir)
                            .replace("{kind}", &k.name)
                    })
                    .collect()
            } else {
                vec![v.get_ref().replace("{tag}", "tag")]
            };
            for page in pages
                .iter()
                .filter(|p| !v.get_ref().is_empty() && !p.is_empty())
            {
                contained(&cfg.fs, page).map_err(|why| {
                    invalid(
                        v.span(),
                        format!(
                            "[catalog] `{key} = {:?}` names `{page}`: {why}",
                            v.get_ref()
                        ),
                    )
                })?;
            }
            if key == "kinds" {
                cfg.catalog.kinds = v.into_inner();
            } else {
                cfg.catalog.tags = v.into_inner();
            }
        }
        for (tag, description) in raw.tags {
            let name = tag.get_ref();
            let page = cfg.catalog.tags.replace("{tag}", name);
            let why = if name.trim().is_empty() || name.chars().any(char::is_control) {
                Some("expected a name without control characters".to_string())
            } else if cfg.catalog.tags.contains("{tag}") {
                contained(&cfg.fs, &page)
                    .err()
                    .map(|why| format!("its catalog page `{page}`: {why}"))
            } else {
                None
            };
            if let Some(why) = why {
                return Err(invalid(tag.span(), format!("[tags] `{name:?}`: {why}")));
            }
            cfg.tags.insert(tag.into_inner(), description);
        }
        for (key, handle) in cfg
            .people
            .iter()
            .filter_map(|(k, p)| Some((k, p.github.as_ref()?)))
            .chain(
                cfg.teams
                    .iter()
                    .filter_map(|(k, t)| Some((k, t.github.as_ref()?))),
            )
        {
            if !valid_handle(handle) {
                let at = text.find(&format!("{handle:?}")).unwrap_or(0);
                return Err(invalid(
                    at..at,
                    format!(
                        "`{key}`: github = {handle:?}: expected a GitHub handle (`alice-m`, `@alice-m` or `@org/team`)"
                    ),
                ));
            }
        }
        if raw.limits.max_nesting > MAX_NESTING_CAP {
            let at = text.find("max_nesting").unwrap_or(0);
            return Err(invalid(
                at..at,
                format!(
                    "[limits] max_nesting = {}: expected at most {MAX_NESTING_CAP} levels (deeper input makes parsers slow)",
                    raw.limits.max_nesting
                ),
            ));
        }
        cfg.limits = raw.limits;
        Ok(cfg)
    }

    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }

    /// True when a people or team registry is configured (owner rules apply).
    pub fn has_registry(&self) -> bool {
        !self.people.is_empty() || !self.teams.is_empty()
    }
}

fn apply_kind(k: &mut Kind, r: RawKind) {
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = r.$f { k.$f = v; } )* };
    }
    if let Some(d) = r.dir {
        k.dir = d.into_inner();
    }
    set!(
        filename,
        sections,
        sections_strict,
        sections_order,
        statuses,
        open,
        transitions,
        people_fields,
        id_fields,
        outcome_section,
        front_matter,
        exclude,
        any_status
    );
    if r.id.is_some() {
        k.id = r.id;
    }
    if let Some(s) = r.schema {
        k.schema = Some(s.into_inner());
    }
    if let Some(t) = r.template {
        k.template = Some(t.into_inner());
    }
    if r.review_every.is_some() {
        k.review_every = r.review_every;
    }
    if r.agenda_lead.is_some() {
        k.agenda_lead = r.agenda_lead;
    }
    if r.outcome_within.is_some() {
        k.outcome_within = r.outcome_within;
    }
    k.dir = k.dir.trim_matches('/').to_string();
}

/// The deepest `[limits] max_nesting` allowed: YAML and markdown parsers slow down with
/// depth, and a repository's own configuration must not lift the cap that guards CI.
const MAX_NESTING_CAP: usize = 1_000;

/// A GitHub user or team handle: what a CODEOWNERS line can carry.
fn valid_handle(h: &str) -> bool {
    let h = h.strip_prefix('@').unwrap_or(h);
    let (org, team) = h.split_once('/').map_or((h, None), |(o, t)| (o, Some(t)));
    let name = |s: &str, extra: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(c))
    };
    name(org, "") && team.is_none_or(|t| name(t, "_."))
}

/// Why annals must not read or write `path` (relative to the root), if it must not.
fn contained(fs: &crate::gate::Root, path: impl AsRef<Path>) -> Result<(), String> {
    match fs.resolve(path) {
        Ok(_) => Ok(()),
        Err(e @ crate::gate::GateError::Io { .. }) => Err(format!("cannot be resolved ({e})")),
        Err(e) => Err(format!(
            "{e}; configuration may only name files inside the repository, outside `.git` and submodules"
        )),
    }
}

/// A kind's folder as written: relative, inside the root, not `.git`.
fn validate_dir(fs: &crate::gate::Root, dir: &str) -> Result<(), String> {
    let trimmed = dir.trim_end_matches('/');
    if trimmed.is_empty()
        || dir.starts_with('/')
        || trimmed
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty())
    {
        return Err(format!(
            "`dir = {dir:?}`: expected a folder inside the repository, relative to its root (such as \"decisions\")"
        ));
    }
    contained(fs, trimmed).map_err(|why| format!("`dir = {dir:?}`: {why}"))
}

fn validate_kind(k: &Kind) -> Result<(), String> {
    for s in k.open.iter().chain(k.transitions.keys()) {
        if !k.statuses.contains(s) {
            return Err(format!(
                "status `{s}` is used in `open` or `transitions` but is not in `statuses` ({})",
                k.statuses.join(", ")
            ));
        }
    }
    for s in k.transitions.values().flatten() {
        if !k.statuses.contains(s) {
            return Err(format!(
                "transition target `{s}` is not in `statuses` ({})",
                k.statuses.join(", ")
            ));
        }
    }
    if let Some(id) = &k.id {
        if !id.has_number() && !id.has_slug() {
            return Err("`id` must contain `{number}` (or `{slug}`, for IDs by slug)".to_string());
        }
        if id.has_number() && !k.filename.has_number() {
            return Err("`id` needs a `{number}` placeholder in `filename` too".to_string());
        }
        if id.has_slug() && !k.filename.has_slug() {
            return Err(
                "`id` needs a `{slug}` or `{name}` placeholder in `filename` too".to_string(),
            );
        }
    }
    Ok(())
}

fn default_workdays() -> Vec<chrono::Weekday> {
    use chrono::Weekday::{Fri, Mon, Thu, Tue, Wed};
    vec![Mon, Tue, Wed, Thu, Fri]
}

/// The work tree holding `start`: the nearest folder with a `.git` (a folder, or the file a
/// linked worktree or submodule has). Configuration is read before git is opened, so this
/// looks at the file system as git's discovery does.
fn git_root(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(Duration::parse("30m"), Ok(Duration::secs(1800)));
        assert_eq!(Duration::parse("4h"), Ok(Duration::secs(14_400)));
        assert_eq!(Duration::parse("1w"), Ok(Duration::secs(604_800)));
        // Shown as written: the team configured `48h`, not `2d`.
        assert_eq!(Duration::parse("48h").unwrap().to_string(), "48h");
        assert!(Duration::parse("4x").is_err());
        assert!(Duration::parse("h").is_err());
        assert_eq!(Duration::secs(172_800).to_string(), "2d");
    }

    #[test]
    fn broken_config_names_line_and_expectation() {
        let err = Config::parse(
            "[project]\ntimezone = \"Mars/Olympus\"\n",
            Path::new("annals.toml"),
            Path::new("."),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("annals.toml:2:12:"), "{err}");
        assert!(err.contains("unknown time zone"), "{err}");
    }

    #[test]
    fn kinds_override_defaults_field_by_field() {
        let cfg = Config::parse(
            "[kinds.decision]\ndir = \"adr\"\n[kinds.policy]\ndir = \"policies\"\n",
            Path::new("annals.toml"),
            Path::new("/nonexistent"),
        )
        .unwrap();
        let d = cfg.kind("decision").unwrap();
        assert_eq!(d.dir, "adr");
        assert_eq!(d.statuses.len(), 5);
        assert_eq!(cfg.kind("policy").unwrap().dir, "policies");
    }

    /// `schema/annals.schema.json` describes exactly the keys the parser accepts.
    #[test]
    fn config_schema_is_in_step_with_the_parser() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/annals.schema.json")).unwrap();
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            k.sort();
            k
        };
        let expected_fields = |toml_text: &str| -> Vec<String> {
            let err = Config::parse(toml_text, Path::new("a.toml"), Path::new("/nonexistent"))
                .unwrap_err()
                .to_string();
            let list = err.split("expected one of ").nth(1).expect(&err);
            let mut k: Vec<String> = list
                .split(", ")
                .map(|s| s.trim_matches('`').to_string())
                .collect();
            k.sort();
            k
        };
        assert_eq!(keys(&schema), expected_fields("bogus = 1\n"));
        assert_eq!(
            keys(&schema["properties"]["kinds"]["additionalProperties"]),
            expected_fields("[kinds.decision]\nbogus = 1\n")
        );
        assert_eq!(
            keys(&schema["properties"]["project"]),
            expected_fields("[project]\nbogus = 1\n")
        );
        assert_eq!(
            keys(&schema["properties"]["people"]["additionalProperties"]),
            expected_fields("[people.a]\nbogus = 1\n")
        );
    }

    /// The built-in front matter schemas compile and describe every field annals reads.
    #[test]
    fn builtin_schemas_cover_the_fields_annals_reads() {
        for (kind, builtin) in [
            ("decision", Builtin::Decision),
            ("meeting", Builtin::Meeting),
            ("brief", Builtin::Brief),
        ] {
            let text = schema::builtin(builtin);
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            jsonschema::validator_for(&v).unwrap();
            for field in [
                "title",
                "status",
                "date",
                "owner",
                "tags",
                "reviewers",
                "responded",
                "priority",
                "review_by",
                "supersedes",
                "superseded_by",
                "related",
                "annals",
            ] {
                assert!(
                    v["properties"].get(field).is_some(),
                    "{kind} schema lacks `{field}`"
                );
            }
            let cfg = Config::zero_config(Path::new("/nonexistent"));
            for f in &cfg.kind(kind).unwrap().people_fields {
                assert!(
                    v["properties"].get(f).is_some(),
                    "{kind} schema lacks `{f}`"
                );
            }
        }
    }
}
