//! The command line: every output format, exit codes, configuration errors and commands.

use crate::common::{TestEnv, fixtures};

/// A repository with one error (F003) and one warning (F006).
fn mixed() -> TestEnv {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules/F003/trigger"));
    env.write(
        "briefs/retry-budget.md",
        "---\ntitle: Retry budget\nstatus: open\nowner: platform\ntags: [process]\n---\n\n# Retry budgets, finally\n",
    );
    env
}

#[test]
fn every_format_renders_the_same_findings() {
    let env = mixed();
    for format in ["human", "concise", "json", "github", "sarif", "junit"] {
        let (exit, out, err) = env.run(&["check", "--format", format]);
        assert_eq!(exit, 1, "{format}: {err}");
        insta::assert_snapshot!(
            format!("format_{format}"),
            format!("{out}\n--- stderr ---\n{err}")
        );
    }
}

#[test]
fn json_matches_the_spec_shape() {
    let env = mixed();
    let (_, out, _) = env.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["warnings"], 1);
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn github_never_gives_columns_on_multi_line_spans() {
    let env = TestEnv::with_config();
    env.write(
        "briefs/multi.md",
        "---\ntitle: Multi\nstatus: draft\nowner: alice\n---\n\n# Multi\n\nA [link\nacross](missing.md) lines and a TODO one.\n",
    );
    let (_, out, _) = env.run(&["check", "--format", "github"]);
    for line in out.lines() {
        if line.contains("endLine=") {
            let l: Vec<&str> = line.split(',').collect();
            let start = l.iter().find(|p| p.starts_with("line=")).unwrap();
            let end = l.iter().find(|p| p.starts_with("endLine=")).unwrap();
            if start[5..] != end[8..] {
                assert!(!line.contains("col="), "{line}");
            }
        }
    }
    assert!(out.contains("::warning file=briefs/multi.md"), "{out}");
    assert!(
        out.contains("::error file=briefs/multi.md,line=9,endLine=10,title"),
        "{out}"
    );
}

#[test]
fn exit_codes_and_selection() {
    let env = mixed();
    assert_eq!(env.run(&["check"]).0, 1);
    assert_eq!(
        env.run(&["check", "--ignore", "F003"]).0,
        0,
        "warnings alone exit 0"
    );
    assert_eq!(env.run(&["check", "--exit-zero"]).0, 0);
    let (exit, out, _) = env.run(&["check", "--select", "F006", "--format", "concise"]);
    assert_eq!((exit, out.lines().count()), (0, 1), "{out}");
    let (exit, _, err) = env.run(&["check", "--select", "Z9"]);
    assert_eq!(exit, 2);
    assert!(err.contains("unknown rule selector `Z9`"), "{err}");
    let (exit, _, err) = env.run(&["check", "--format", "xml"]);
    assert_eq!(exit, 2, "{err}");
}

#[test]
fn paths_limit_the_report_not_the_model() {
    let env = mixed();
    let (_, out, _) = env.run(&["check", "--format", "concise", "briefs/retry-budget.md"]);
    assert!(
        out.lines().all(|l| l.starts_with("briefs/retry-budget.md")),
        "{out}"
    );
    assert!(!out.is_empty());
}

#[test]
fn rules_config_sets_severity() {
    let env = mixed();
    let cfg = env.read("annals.toml") + "\n[rules]\nF003 = \"warn\"\nF006 = \"off\"\n";
    env.write("annals.toml", &cfg);
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!(exit, 0, "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn broken_config_exits_2_with_file_line_and_expectation() {
    let cases = [
        ("syntax", "[project\nname = 1\n"),
        ("duration", "[kinds.meeting]\nagenda_lead = \"2 days\"\n"),
        ("unknown_key", "[kinds.decision]\ndirectory = \"adr\"\n"),
        ("pattern", "[kinds.decision]\nfilename = \"{nmber}.md\"\n"),
        ("workflow", "[kinds.brief]\nopen = [\"waiting\"]\n"),
        ("rules", "[rules]\nX001 = \"warn\"\n"),
        ("severity", "[rules]\nF003 = \"loud\"\n"),
        (
            "team",
            "[people.alice]\nname = \"A\"\n[teams.core]\nmembers = [\"alice\", \"bob\"]\n",
        ),
    ];
    for (name, text) in cases {
        let env = TestEnv::new();
        env.write("annals.toml", text);
        let (exit, out, err) = env.run(&["check"]);
        assert_eq!(exit, 2, "{name}: {out}");
        insta::assert_snapshot!(format!("config_error_{name}"), err);
    }
}

#[test]
fn rule_command_lists_and_documents() {
    let env = TestEnv::new();
    let (exit, out, _) = env.run(&["rule"]);
    assert_eq!(exit, 0);
    insta::assert_snapshot!("rule_list", out);
    let (_, out, _) = env.run(&["rule", "f003"]);
    insta::assert_snapshot!("rule_f003", out);
    assert_eq!(env.run(&["rule", "Q123"]).0, 2);
}

#[test]
fn init_new_check_round_trip() {
    let env = TestEnv::new();
    let (exit, out, err) = env.run(&["init"]);
    assert_eq!(exit, 0, "{err}");
    insta::assert_snapshot!("init", out);
    let (exit, _, err) = env.run(&["init"]);
    assert_eq!(exit, 2);
    assert!(err.contains("exist already"), "{err}");

    let (exit, out, err) = env.run(&[
        "new",
        "decision",
        "Use Postgres for events",
        "--tag",
        "architecture",
        "--date",
        "2026-06-29",
    ]);
    assert_eq!(
        (exit, out.as_str()),
        (0, "decisions/0001-use-postgres-for-events.md\n"),
        "{err}"
    );
    insta::assert_snapshot!(
        "new_decision",
        env.read("decisions/0001-use-postgres-for-events.md")
    );
    let (_, out, _) = env.run(&[
        "new",
        "decision",
        "Q&A: retry budgets?",
        "--date",
        "2026-06-29",
    ]);
    assert_eq!(out, "decisions/0002-q-a-retry-budgets.md\n");
    let (_, out, _) = env.run(&[
        "new",
        "meeting",
        "Platform weekly",
        "--date",
        "2026-07-02T10:00",
    ]);
    assert_eq!(out, "meetings/2026-07-02-platform-weekly.md\n");
    insta::assert_snapshot!(
        "new_meeting",
        env.read("meetings/2026-07-02-platform-weekly.md")
    );
    let (_, out, _) = env.run(&["new", "brief", "Retry budget", "--date", "2026-06-29"]);
    assert_eq!(out, "briefs/retry-budget.md\n");
    insta::assert_snapshot!("new_brief", env.read("briefs/retry-budget.md"));

    let (exit, _, err) = env.run(&["new", "brief", "Retry budget"]);
    assert_eq!(exit, 2);
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(env.run(&["new", "policy", "X"]).0, 2);
    assert_eq!(env.run(&["new", "decision", "X", "--tag", "nope"]).0, 2);

    // New documents check clean.
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{out}");
}

#[test]
fn init_madr_preset() {
    let env = TestEnv::new();
    assert_eq!(env.run(&["init", "--preset", "madr"]).0, 0);
    let (_, out, _) = env.run(&["new", "decision", "Record architecture decisions"]);
    assert_eq!(
        out,
        "docs/decisions/0001-record-architecture-decisions.md\n"
    );
    assert_eq!(env.run(&["check"]).0, 0);
}

fn listing_env() -> TestEnv {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules/N002/clean"));
    env.write(
        "meetings/2026-07-02-platform-weekly.md",
        "---\ntitle: Platform weekly\ndate: 2026-07-02T10:00\nowner: platform\ntags: [process]\nattendees: [alice]\n---\n\n# Platform weekly\n\n## Agenda\n\n1. [Events](../decisions/0001-use-postgres-for-events.md#decision)\n\n## Pre-reads\n\n## Outcome\n",
    );
    env
}

#[test]
fn list_filters_sorts_and_formats() {
    let env = listing_env();
    for (name, args) in [
        ("table", vec!["list"]),
        (
            "json",
            vec!["list", "--format", "json", "--kind", "decision"],
        ),
        (
            "csv",
            vec!["list", "--format", "csv", "--sort", "date", "--reverse"],
        ),
        (
            "paths_tag",
            vec!["list", "--format", "paths", "--tag", "process"],
        ),
        (
            "from",
            vec!["list", "--format", "paths", "--from", "2026-01-01"],
        ),
    ] {
        let (exit, out, err) = env.run(&args);
        assert_eq!(exit, 0, "{err}");
        insta::assert_snapshot!(format!("list_{name}"), out);
    }
}

#[test]
fn show_lists_metadata_and_links_both_ways() {
    let env = listing_env();
    let (exit, out, err) = env.run(&["show", "ADR-0001"]);
    assert_eq!(exit, 0, "{err}");
    assert!(
        out.contains("meetings/2026-07-02-platform-weekly.md:13"),
        "{out}"
    );
    insta::assert_snapshot!("show_adr", out);
    let (exit, out, _) = env.run(&["show", "meetings/2026-07-02-platform-weekly.md"]);
    assert_eq!(exit, 0);
    assert!(
        out.contains("decisions/0001-use-postgres-for-events.md#decision"),
        "{out}"
    );
    assert_eq!(env.run(&["show", "ADR-0099"]).0, 2);
}

#[test]
fn completions_for_each_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let (exit, out, _) = env.run(&["completions", shell]);
        assert_eq!(exit, 0);
        assert!(out.contains("check"), "{shell}");
    }
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::io::Read;
    let env = listing_env();
    for i in 0..200 {
        env.write(
            &format!("briefs/brief-{i}.md"),
            "---\ntitle: B\nstatus: draft\nowner: alice\n---\n# B\n",
        );
    }
    let mut child = env
        .cmd(&["list", "--format", "paths"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status} {err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn examples_handbook_checks_clean() {
    let env = TestEnv::new();
    let handbook = crate::common::repo_root().join("examples/handbook");
    env.copy_tree(&handbook);
    let (exit, out, err) = env.run(&["check"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(out.starts_with("All checks passed"), "{out}");
}

#[test]
fn missing_path_is_a_usage_error() {
    let env = mixed();
    let (exit, _, err) = env.run(&["check", "nosuch.md"]);
    assert_eq!(exit, 2);
    assert!(err.contains("`nosuch.md` does not exist"), "{err}");
}

#[test]
fn an_unreadable_document_keeps_its_id_and_breaks_no_links() {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules/L002/clean"));
    let cfg = env.read("annals.toml") + "\n[limits]\nmax_file_size = 1000\n";
    env.write("annals.toml", &cfg);
    let p = "decisions/0001-use-postgres-for-events.md";
    env.write(
        p,
        &(env.read(p) + &"Padding to pass the size limit.\n".repeat(40)),
    );
    let other = "decisions/0002-retire-cron.md";
    env.write(
        other,
        &env.read(other).replace(
            "decision-makers: [alice, bruno]",
            "decision-makers: [alice, bruno]\nrelated: [ADR-0001]",
        ),
    );
    let (_, out, _) = env.run(&["check", "--format", "concise"]);
    let codes: Vec<&str> = out
        .lines()
        .map(|l| l.split(' ').nth(1).unwrap_or(""))
        .collect();
    assert!(codes.contains(&"E001"), "{out}");
    assert!(!codes.iter().any(|c| *c == "L002" || *c == "L004"), "{out}");
}

#[test]
fn codeowners_block_is_generated_checked_and_keeps_hand_written_lines() {
    let env = listing_env();
    let cfg = env.read("annals.toml") + "\n[codeowners]\npath = \".github/CODEOWNERS\"\n";
    env.write("annals.toml", &cfg);
    env.write(".github/CODEOWNERS", "* @acme/leads\n/src/ @acme/dev\n");
    let (exit, out, _) = env.run(&["check", "--select", "O004"]);
    assert_eq!(exit, 1);
    insta::assert_snapshot!("o004", out);
    let (exit, _, err) = env.run(&["codeowners", "--check"]);
    assert_eq!(exit, 1, "{err}");
    let (exit, out, _) = env.run(&["codeowners"]);
    assert_eq!(exit, 0);
    insta::assert_snapshot!("codeowners_block", out);
    assert_eq!(env.run(&["codeowners", "--write"]).0, 0);
    let written = env.read(".github/CODEOWNERS");
    assert!(
        written.starts_with("* @acme/leads\n/src/ @acme/dev\n\n# BEGIN annals"),
        "{written}"
    );
    assert_eq!(env.run(&["codeowners", "--check"]).0, 0);
    let (exit, out, _) = env.run(&["check", "--select", "O004", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
    // An owner change makes it stale again; hand-written lines still stay.
    let p = "decisions/0002-retire-cron.md";
    env.write(p, &env.read(p).replace("owner: alice", "owner: platform"));
    assert_eq!(env.run(&["codeowners", "--check"]).0, 1);
    env.run(&["codeowners", "--write"]);
    let rewritten = env.read(".github/CODEOWNERS");
    assert!(
        rewritten.contains("/decisions/0002-retire-cron.md @acme/platform"),
        "{rewritten}"
    );
    assert!(
        rewritten.starts_with("* @acme/leads\n/src/ @acme/dev\n"),
        "{rewritten}"
    );
}

#[test]
fn new_documents_of_every_kind_check_clean_under_a_strict_config() {
    let env = TestEnv::with_config();
    for (kind, title, date) in [
        ("decision", "Use Postgres for events", "2026-06-29"),
        ("meeting", "Platform weekly", "2026-07-08T10:00"),
        ("brief", "Retry budget", "2026-06-29"),
    ] {
        let (exit, out, err) = env.run(&[
            "new", kind, title, "--owner", "alice", "--tag", "storage", "--tag", "process",
            "--date", date,
        ]);
        assert_eq!(exit, 0, "{err}");
        insta::assert_snapshot!(format!("new_strict_{kind}"), env.read(out.trim()));
    }
    let (exit, out, err) = env.run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
}

#[test]
fn new_fills_a_template_from_config() {
    let env = TestEnv::with_config();
    let cfg = env.read("annals.toml").replace(
        "[kinds.decision]\n",
        "[kinds.decision]\ntemplate = \"templates/decision.md\"\n",
    );
    env.write("annals.toml", &cfg);
    env.write(
        "templates/decision.md",
        "---\ntitle: {{title}}\nstatus: {{status}}\ndate: {{date}}\nowner: {{owner}}\ntags: [{{tags}}]\ndecision-makers: [{{owner}}]\n---\n\n# {{title}}\n\n{{id}} (number {{number}}), written by {{owner}}.\n\n## Context\n\nWhy now.\n\n## Decision\n\nWhat.\n\n## Consequences\n\nSo what.\n",
    );
    let (exit, out, err) = env.run(&[
        "new",
        "decision",
        "Cap retries: a budget",
        "--owner",
        "bruno",
        "--tag",
        "storage",
        "--date",
        "2026-06-29",
    ]);
    assert_eq!(
        (exit, out.as_str()),
        (0, "decisions/0001-cap-retries-a-budget.md\n"),
        "{err}"
    );
    insta::assert_snapshot!(
        "new_from_template",
        env.read("decisions/0001-cap-retries-a-budget.md")
    );
    assert_eq!(env.run(&["check"]).0, 0);
}

fn handbook() -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&crate::common::repo_root().join("examples/handbook"));
    env
}

#[test]
fn catalog_check_fails_after_a_new_document_and_passes_after_write() {
    let env = handbook();
    let (exit, _, err) = env.run(&["catalog", "--check"]);
    assert_eq!(exit, 0, "the example's catalog is stale: {err}");
    let readme = env.read("decisions/README.md");
    let (exit, _, err) = env.run(&[
        "new",
        "decision",
        "Adopt Rust for tooling",
        "--owner",
        "alice",
        "--tag",
        "tooling",
        "--date",
        "2026-11-25",
    ]);
    assert_eq!(exit, 0, "{err}");
    let before = env.snapshot_tree();
    let (exit, _, err) = env.run(&["catalog", "--check"]);
    assert_eq!(exit, 1);
    insta::assert_snapshot!("catalog_check_stale", err);
    assert_eq!(before, env.snapshot_tree(), "--check wrote");
    let (exit, out, err) = env.run(&["catalog", "--write"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(out, "wrote decisions/README.md\nwrote tags/tooling.md\n");
    let after = env.read("decisions/README.md");
    // The hand-written text before and after the block is kept byte for byte.
    let marker = "<!-- BEGIN annals catalog kind decision";
    assert_eq!(after.split(marker).next(), readme.split(marker).next());
    assert_eq!(after.rsplit("-->\n").next(), readme.rsplit("-->\n").next());
    assert!(after.contains(
        "| [ADR-0013](0013-adopt-rust-for-tooling.md) | Adopt Rust for tooling | proposed | alice | 2026-11-25 | tooling |\n"
    ));
    assert_eq!(env.run(&["catalog", "--check"]).0, 0);
    let written = env.snapshot_tree();
    assert_eq!(env.run(&["catalog", "--write"]).0, 0);
    assert_eq!(
        written,
        env.snapshot_tree(),
        "a second --write changed files"
    );
    // Catalog pages are links too: the new decision is not an orphan, and every link holds.
    let (exit, out, _) = env.run(&["check", "--select", "L", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}

#[test]
fn catalog_pages_follow_the_configuration() {
    let env = handbook();
    let cfg = env.read("annals.toml") + "\n[catalog]\nkinds = \"CATALOG.md\"\ntags = \"\"\n";
    env.write("annals.toml", &cfg);
    env.write("CATALOG.md", "# Handbook catalog\n\nStart here.\n");
    let (exit, out, err) = env.run(&["catalog", "--write"]);
    assert_eq!((exit, out.as_str()), (0, "wrote CATALOG.md\n"), "{err}");
    insta::assert_snapshot!("catalog_one_page", env.read("CATALOG.md"));
}

#[test]
fn graph_in_mermaid_and_dot() {
    let env = handbook();
    for (name, args) in [
        ("graph_mermaid", vec!["graph"]),
        ("graph_dot", vec!["graph", "--format", "dot"]),
        (
            "graph_meetings",
            vec!["graph", "--kind", "meeting", "--format", "dot"],
        ),
    ] {
        let (exit, out, err) = env.run(&args);
        assert_eq!(exit, 0, "{err}");
        insta::assert_snapshot!(name, out);
    }
    let (exit, _, err) = env.run(&["graph", "--kind", "policy"]);
    assert_eq!(exit, 2);
    assert!(err.contains("unknown kind `policy`"), "{err}");
}

/// One name for one idea: `human` is every command's reading format (`text` and `table`
/// stay as aliases), date filters are `--from`/`--to`, and `--since` outside `check` says
/// what it is instead of filtering.
#[test]
fn one_vocabulary_across_commands() {
    let env = listing_env();
    for cmd in [
        vec!["check"],
        vec!["list"],
        vec!["show", "ADR-0001"],
        vec!["search", "retry"],
        vec!["due", "--now", "2026-11-25"],
        vec!["stale", "--now", "2026-11-25"],
        vec!["rule", "F003"],
    ] {
        let (exit, default, err) = env.run(&cmd);
        assert!(exit == 0 || exit == 1, "{cmd:?}: {err}");
        for name in ["human", "text", "table"] {
            let mut args = cmd.clone();
            args.extend(["--format", name]);
            let (_, out, err) = env.run(&args);
            assert_eq!(out, default, "{args:?}: {err}");
        }
    }
    let (_, from, _) = env.run(&["list", "--format", "paths", "--from", "2026-01-01"]);
    let (_, both, _) = env.run(&[
        "list",
        "--format",
        "paths",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(from, both);
    for (cmd, flag, new) in [
        ("list", "--since", "--from"),
        ("search", "--since", "--from"),
        ("list", "--until", "--to"),
    ] {
        let mut args = vec![cmd];
        if cmd == "search" {
            args.push("retry");
        }
        args.extend([flag, "2026-01-01"]);
        let (exit, out, err) = env.run(&args);
        assert_eq!((exit, out.as_str()), (2, ""), "{args:?}");
        assert!(
            err.contains(&format!("use `{new} 2026-01-01`"))
                && err.contains("`--since REV` is a git revision, on `check` only"),
            "{args:?}: {err}"
        );
    }
    let (exit, help, _) = env.run(&["list", "--help"]);
    assert_eq!(exit, 0);
    let global = help
        .find("Global options:")
        .expect("a Global options heading");
    assert!(
        help[global..].contains("--color") && !help[..global].contains("--color"),
        "{help}"
    );
    assert!(
        help.contains("--from <DATE>") && !help.contains("--since"),
        "{help}"
    );
}
