//! `annals init`: a strict configuration, kind folders, templates and schemas.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::{App, Exit};
use crate::cli::{InitArgs, Preset};
use crate::config::{Config, Kind};
use crate::docs::template;

const DEFAULT_CONFIG: &str = r#"# annals configuration: `annals rule` lists the checks, README.md explains every key
[project]
name = "Team Handbook"
timezone = "UTC"                          # for dates without offset, and working days
workdays = ["mon", "tue", "wed", "thu", "fri"]

[kinds.decision]
dir = "decisions"
filename = "{number:04}-{slug}.md"
id = "ADR-{number:04}"
schema = "schema/decision.schema.json"
template = "templates/decision.md"
front_matter = "required"
sections = ["Context", "Decision", "Consequences"]
statuses = ["proposed", "accepted", "rejected", "deprecated", "superseded"]
open = ["proposed"]
transitions = { proposed = ["accepted", "rejected"], accepted = ["deprecated", "superseded"] }
people_fields = ["decision-makers", "consulted", "informed"]
review_every = "365d"

[kinds.meeting]
dir = "meetings"
filename = "{date}-{slug}.md"
schema = "schema/meeting.schema.json"
template = "templates/meeting.md"
front_matter = "required"
sections = ["Agenda", "Pre-reads", "Outcome"]
people_fields = ["attendees"]
agenda_lead = "48h"
outcome_within = "3d"

[kinds.brief]
dir = "briefs"
filename = "{slug}.md"
schema = "schema/brief.schema.json"
template = "templates/brief.md"
front_matter = "required"
sections = ["Summary", "Problem", "Proposal", "Feedback"]
statuses = ["draft", "open", "closed"]
open = ["open"]
transitions = { draft = ["open", "closed"], open = ["closed"] }

[response]                                # response-time expectations, in working time
urgent = "4h"
standard = "1d"
low = "3d"

[tags]                                    # the controlled vocabulary: tag = description
architecture = "System structure and boundaries"
process = "How the team works"
security = "Threat models, access control, secrets"

# Owner rules switch on once people or teams are listed:
# [people.alice]
# name = "Alice Martin"
# email = ["alice@example.com"]
# github = "alice-m"
#
# [teams.platform]
# members = ["alice"]
# github = "@example/platform"
"#;

const MADR_CONFIG: &str = r#"# annals configuration (MADR preset: decisions as MADR 4 writes them)
[project]
name = "Architecture Decisions"
timezone = "UTC"

[kinds.decision]
dir = "docs/decisions"
filename = "{number:04}-{slug}.md"
id = "ADR-{number:04}"
template = "templates/decision.md"
front_matter = "optional"
sections = ["Context and Problem Statement", "Considered Options", "Decision Outcome"]
statuses = ["proposed", "accepted", "rejected", "deprecated", "superseded"]
open = ["proposed"]
transitions = { proposed = ["accepted", "rejected"], accepted = ["deprecated", "superseded"] }
people_fields = ["decision-makers", "consulted", "informed"]
"#;

fn kind_readme(k: &Kind) -> String {
    format!(
        "# {}s\n\nThis folder holds the team's {} documents. Create one with\n`annals new {} \"Title\"`; \
         check them with `annals check`.\n",
        capitalise(&k.name),
        k.name,
        k.name
    )
}

/// Writes (or prints) the configuration of an existing repository.
fn adopt(
    app: &App,
    args: &InitArgs,
    root: &std::path::Path,
    adoption: &super::adopt::Adoption,
) -> Result<Exit> {
    // What it writes must read back: a configuration annals itself refuses is a bug here.
    let file = root.join(crate::config::CONFIG_FILE);
    Config::parse(&adoption.text, &file, root)
        .map_err(|e| anyhow::anyhow!("the configuration annals init made does not parse: {e}"))?;
    if args.dry_run {
        super::out(&adoption.text)?;
        return Ok(Exit::Clean);
    }
    if file.exists() && !args.force {
        bail!(
            "{} exists already. Nothing was written; `annals init --dry-run` prints what it would write, --force overwrites it",
            crate::config::CONFIG_FILE
        );
    }
    let cfg = Config::zero_config(root);
    let writer = app.writer(&cfg)?;
    writer.apply(
        "init",
        &[crate::gate::Op::Replace {
            path: crate::config::CONFIG_FILE.to_string(),
            bytes: adoption.text.clone().into_bytes(),
        }],
    )?;
    if !app.quiet {
        super::out(&format!(
            "wrote {} for {} documents ({}); run `annals check`\n",
            crate::config::CONFIG_FILE,
            adoption.documents,
            adoption.formats.join(", ")
        ))?;
    }
    Ok(Exit::Clean)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

pub fn run(app: &App, args: &InitArgs) -> Result<Exit> {
    let root = app.cwd.clone();
    if args.preset.is_none()
        && let Some(adoption) = super::adopt::detect(&root)
    {
        return adopt(app, args, &root, &adoption);
    }
    let preset = args.preset.unwrap_or(Preset::Default);
    if args.dry_run {
        super::out(match preset {
            Preset::Default => DEFAULT_CONFIG,
            Preset::Madr => MADR_CONFIG,
        })?;
        return Ok(Exit::Clean);
    }
    let config_text = match preset {
        Preset::Default => DEFAULT_CONFIG,
        Preset::Madr => MADR_CONFIG,
    };
    let cfg = Config::parse(config_text, &root.join(crate::config::CONFIG_FILE), &root)?;
    let mut files: Vec<(PathBuf, String)> = vec![(
        PathBuf::from(crate::config::CONFIG_FILE),
        config_text.to_string(),
    )];
    let kinds: Vec<&Kind> = match preset {
        Preset::Default => cfg.kinds.iter().collect(),
        Preset::Madr => cfg
            .kinds
            .iter()
            .filter(|k| k.builtin == Some(crate::config::Builtin::Decision))
            .collect(),
    };
    for k in &kinds {
        files.push((PathBuf::from(&k.dir).join("README.md"), kind_readme(k)));
        if let Some(t) = &k.template {
            files.push((t.clone(), template::builtin(k)));
        }
        if let (Some(s), Some(text)) = (&k.schema, k.builtin.map(crate::config::schema::builtin)) {
            files.push((s.clone(), text.to_string()));
        }
    }
    if preset == Preset::Default {
        files.push((
            PathBuf::from("schema/annals.schema.json"),
            include_str!("../../schema/annals.schema.json").to_string(),
        ));
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| root.join(p).exists())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        bail!(
            "these files exist already: {}. Nothing was written; use --force to overwrite them",
            existing.join(", ")
        );
    }
    let writer = app.writer(&cfg)?;
    let mut written = String::new();
    let mut ops = Vec::new();
    for (p, text) in files {
        written.push_str(&format!("wrote {}\n", p.display()));
        ops.push(crate::gate::Op::Replace {
            path: p.to_string_lossy().into_owned(),
            bytes: text.into_bytes(),
        });
    }
    writer.apply("init", &ops)?;
    if !app.quiet {
        super::out(&written)?;
    }
    Ok(Exit::Clean)
}
