//! Repositories in the formats teams already use, each written from its tool's documented
//! template (`tests/fixtures/formats/`): zero false findings with zero configuration, what
//! each format means read as it means it, and `annals init` adopting each in one step.

use crate::common::{TestEnv, fixtures};

/// The fixture copied into a fresh folder (outside any git repository).
fn format(name: &str) -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&fixtures().join("formats").join(name));
    env
}

const ZERO_CONFIG: &[&str] = &[
    "madr2",
    "madr3",
    "madr4",
    "adr-tools",
    "log4brains",
    "rfcs",
    "meeting-notes",
];

#[test]
fn every_format_checks_with_zero_false_findings() {
    for name in ZERO_CONFIG.iter().chain(&["standards"]) {
        let env = format(name);
        let (exit, out, err) = env.run(&["check", "--format", "concise"]);
        assert_eq!((exit, out.as_str()), (0, ""), "{name}: {err}");
        assert!(err.starts_with("All checks passed"), "{name}: {err}");
    }
}

#[test]
fn each_format_finds_all_its_documents() {
    for (name, files) in [
        ("madr2", 4),
        ("madr3", 3),
        ("madr4", 3),
        ("adr-tools", 4),
        ("log4brains", 7),
        ("meeting-notes", 3),
        ("standards", 4),
    ] {
        let env = format(name);
        let (_, _, err) = env.run(&["check", "--format", "concise"]);
        assert!(err.contains(&format!(" {files} files")), "{name}: {err}");
    }
}

#[test]
fn madr_statuses_are_open_and_a_typo_is_a_warning() {
    let env = format("madr3");
    let (_, out, _) = env.run(&["list", "--format", "csv"]);
    assert!(out.contains(",Use GitHub Actions,superseded,"), "{out}");
    let (_, out, _) = env.run(&["show", "ADR-0002", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["metadata"]["superseded_by"], "0003-use-gitlab-ci.md");
    let p = "docs/decisions/0003-use-gitlab-ci.md";
    env.write(
        p,
        &env.read(p).replace("status: accepted", "status: acceptd"),
    );
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!(exit, 0, "a warning does not fail: {out}");
    assert!(
        out.contains("F005 status `acceptd` is close to the decision status `accepted`: a typo?"),
        "{out}"
    );
    env.write(
        p,
        &env.read(p).replace("status: acceptd", "status: on hold"),
    );
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}

#[test]
fn madr2_status_lines_and_links_are_relations() {
    let env = format("madr2");
    let (_, out, _) = env.run(&["show", "ADR-0001", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["metadata"]["status"], "superseded");
    assert_eq!(
        v["metadata"]["superseded_by"],
        serde_json::json!(["0002-use-cockroachdb.md"])
    );
    let (_, out, _) = env.run(&["show", "ADR-0002", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["metadata"]["supersedes"],
        serde_json::json!(["0001-use-postgres.md"])
    );
    assert_eq!(
        v["metadata"]["deciders"],
        serde_json::json!(["Olaf Zimmermann"])
    );
    let (_, out, _) = env.run(&["list", "--format", "csv"]);
    assert!(out.contains(",Cache in Redis,on hold,"), "{out}");
}

#[test]
fn adr_tools_dir_relations_and_titles() {
    let env = format("adr-tools");
    let (_, out, _) = env.run(&["list", "--format", "csv"]);
    assert!(out.contains(",Use Postgres,superseded,"), "{out}");
    assert!(
        !out.contains("2. Use Postgres"),
        "titles keep no number: {out}"
    );
    let (_, graph, _) = env.run(&["graph", "--format", "dot"]);
    for edge in [
        "\"ADR-0003\" -> \"ADR-0002\" [label=\"supersedes\"",
        "\"ADR-0004\" -> \"ADR-0003\" [label=\"amends\"",
    ] {
        assert!(graph.contains(edge), "{edge} missing:\n{graph}");
    }
    // A pair that contradicts itself is still found: ADR-0003 now names another document.
    let p = "doc/architecture/decisions/0003-use-cockroachdb.md";
    env.write(
        p,
        &env.read(p).replace(
            "Supersedes [2. Use Postgres](0002-use-postgres.md)",
            "Supersedes [1. Record architecture decisions](0001-record-architecture-decisions.md)",
        ),
    );
    let (_, out, _) = env.run(&["check", "--format", "concise"]);
    assert!(out.contains("L005"), "{out}");
}

#[test]
fn log4brains_packages_and_ids_by_slug() {
    let env = format("log4brains");
    let (_, out, _) = env.run(&["list", "--kind", "backend", "--format", "paths"]);
    assert_eq!(
        out,
        "packages/backend/adr/20210115-use-nestjs.md\npackages/backend/adr/20210115-use-postgres.md\n"
    );
    // Two ADRs of the same day are two IDs, not a duplicate number.
    let (_, out, _) = env.run(&["check", "--format", "concise", "--select", "N002,N001"]);
    assert_eq!(out, "");
    let (exit, out, _) = env.run(&[
        "show",
        "20210114-use-markdown-architectural-decision-records",
    ]);
    assert_eq!(exit, 0);
    assert!(
        out.contains("Use Markdown Architectural Decision Records"),
        "{out}"
    );
    let (_, out, _) = env.run(&[
        "search",
        "framework",
        "--kind",
        "backend",
        "--format",
        "json",
    ]);
    assert!(out.contains("backend/20210115-use-nestjs"), "{out}");
}

#[test]
fn show_refuses_to_pick_between_files_sharing_an_id() {
    let env = format("madr4");
    env.write(
        "docs/decisions/0002-use-go.md",
        &env.read("docs/decisions/0002-use-rust.md")
            .replace("Use Rust", "Use Go"),
    );
    let (exit, _, err) = env.run(&["show", "ADR-0002"]);
    assert_eq!(exit, 2);
    assert!(
        err.contains("ADR-0002 is the ID of 2 files (docs/decisions/0002-use-go.md, docs/decisions/0002-use-rust.md)"),
        "{err}"
    );
    let (exit, _, _) = env.run(&["show", "docs/decisions/0002-use-go.md"]);
    assert_eq!(exit, 0);
}

#[test]
fn init_adopts_each_format_and_check_then_lists_only_planted_defects() {
    for name in ZERO_CONFIG {
        let env = format(name);
        let (exit, out, err) = env.run(&["init"]);
        assert_eq!(exit, 0, "{name}: {err}");
        assert!(out.starts_with("wrote annals.toml for "), "{name}: {out}");
        let (exit, out, err) = env.run(&["check", "--format", "concise"]);
        assert_eq!((exit, out.as_str()), (0, ""), "{name} after init: {err}");
        // A planted defect is found, and only it.
        let docs = env.run(&["list", "--format", "paths"]).1;
        let first = docs.lines().next().unwrap().to_string();
        env.write(
            &first,
            &format!("{}\nSee [gone](missing-file.md).\n", env.read(&first)),
        );
        let (exit, out, _) = env.run(&["check", "--format", "concise"]);
        assert_eq!(exit, 1, "{name}: {out}");
        assert_eq!(out.lines().count(), 1, "{name}: {out}");
        assert!(out.contains("L001"), "{name}: {out}");
        // Never over an existing configuration without --force.
        let (exit, _, err) = env.run(&["init"]);
        assert_eq!(exit, 2);
        assert!(err.contains("annals.toml exists already"), "{err}");
        assert_eq!(env.run(&["init", "--force"]).0, 0);
    }
}

#[test]
fn init_dry_run_prints_and_writes_nothing() {
    let env = format("adr-tools");
    let before = env.snapshot_tree();
    let (exit, out, _) = env.run(&["init", "--dry-run"]);
    assert_eq!(exit, 0);
    assert_eq!(before, env.snapshot_tree());
    let name = |env: &TestEnv, out: &str| {
        let dir = env
            .root()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        out.replace(&dir, "[DIR]")
    };
    insta::assert_snapshot!(name(&env, &out));
    let env = format("log4brains");
    let (_, out, _) = env.run(&["init", "--dry-run"]);
    insta::assert_snapshot!(name(&env, &out));
}
