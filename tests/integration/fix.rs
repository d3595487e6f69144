//! `check --fix` and `mv`: edits that touch only the bytes they must, and never break a link.

use crate::common::{TestEnv, fixtures};

fn fixture(code: &str) -> TestEnv {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules").join(code).join("trigger"));
    env
}

#[test]
fn fix_l005_fills_the_other_side_and_is_idempotent() {
    let env = fixture("L005");
    let (exit, out, _) = env.run(&["check", "--select", "L005", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    let (exit, out, err) = env.run(&["check", "--fix"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(out.contains("Fixed 1 problem in 1 file."), "{out}");
    insta::assert_snapshot!(
        "fix_l005",
        env.read("decisions/0001-use-postgres-for-events.md")
    );
    let before = env.snapshot_tree();
    let (_, out, _) = env.run(&["check", "--fix"]);
    assert!(out.contains("Fixed 0 problems in 0 files."), "{out}");
    assert_eq!(before, env.snapshot_tree(), "a second --fix changed files");
}

#[test]
fn fix_l007_corrects_case_keeping_fragment_bom_and_crlf() {
    let env = fixture("L007");
    let p = "decisions/0002-retire-cron.md";
    let text = env.read(p).replace(
        "0001-USE-POSTGRES-FOR-EVENTS.MD)",
        "0001-USE-POSTGRES-FOR-EVENTS.MD#decision)",
    );
    env.write(p, &format!("\u{feff}{}", text.replace('\n', "\r\n")));
    let (exit, out, err) = env.run(&["check", "--fix"]);
    assert_eq!(exit, 0, "{out}{err}");
    let fixed = env.read(p);
    assert_eq!(
        fixed,
        format!("\u{feff}{}", text.replace('\n', "\r\n")).replace(
            "0001-USE-POSTGRES-FOR-EVENTS.MD#decision",
            "0001-use-postgres-for-events.md#decision"
        )
    );
}

#[test]
fn check_without_fix_writes_nothing_and_says_what_is_fixable() {
    let env = fixture("L007");
    let before = env.snapshot_tree();
    let (_, out, _) = env.run(&["check"]);
    assert!(
        out.contains("1 fixable with `annals check --fix`."),
        "{out}"
    );
    assert_eq!(before, env.snapshot_tree());
}

fn handbook() -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&crate::common::repo_root().join("examples/handbook"));
    env
}

#[test]
fn mv_rewrites_links_and_ids_and_mv_back_restores_every_byte() {
    let env = handbook();
    let original = env.snapshot_tree();
    let (exit, out, err) = env.run(&[
        "mv",
        "ADR-0003",
        "decisions/archive/0013-publish-domain-events-through-rabbitmq.md",
    ]);
    assert_eq!(exit, 0, "{err}");
    insta::assert_snapshot!("mv_out", out);
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "a link broke");
    assert!(
        env.read("decisions/0009-use-a-transactional-outbox-for-domain-events.md")
            .contains("supersedes: ADR-0013")
    );
    let (exit, _, err) = env.run(&[
        "mv",
        "decisions/archive/0013-publish-domain-events-through-rabbitmq.md",
        "decisions/0003-publish-domain-events-through-rabbitmq.md",
    ]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(original, env.snapshot_tree(), "mv and back changed bytes");
}

#[test]
fn mv_refuses_to_overwrite_or_leave_the_repository() {
    let env = handbook();
    let before = env.snapshot_tree();
    let (exit, _, err) = env.run(&[
        "mv",
        "ADR-0003",
        "decisions/0002-use-postgres-for-the-event-store.md",
    ]);
    assert_eq!(exit, 2);
    assert!(err.contains("never overwrites"), "{err}");
    let (exit, _, err) = env.run(&["mv", "ADR-0003", "../outside.md"]);
    assert_eq!(exit, 2);
    assert!(err.contains("outside the repository"), "{err}");
    let (exit, _, err) = env.run(&["mv", "ADR-0003", "decisions/0002-taken-number.md"]);
    assert_eq!(exit, 2);
    assert!(err.contains("ADR-0002"), "{err}");
    assert_eq!(before, env.snapshot_tree());
}

#[test]
fn mv_rewrites_a_reference_definition_shared_by_several_links() {
    let env = handbook();
    let p = "briefs/consolidate-staging-environments.md";
    env.write(p, &(env.read(p) + "\nSee [one][db] and [two][db].\n\n[db]: ../decisions/0002-use-postgres-for-the-event-store.md\n"));
    let (exit, _, err) = env.run(&["mv", "ADR-0002", "decisions/0002-use-postgres.md"]);
    assert_eq!(exit, 0, "{err}");
    assert!(
        env.read(p)
            .contains("[db]: ../decisions/0002-use-postgres.md\n")
    );
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}

#[test]
fn check_a_folder_reports_on_everything_under_it() {
    let env = handbook();
    let p = "decisions/0002-use-postgres-for-the-event-store.md";
    env.write(p, &env.read(p).replace("owner: bruno", "owner: nobody"));
    let (exit, out, _) = env.run(&["check", "decisions", "--format", "concise"]);
    assert_eq!(exit, 1);
    assert!(out.contains("O002"), "{out}");
    let (exit, _, _) = env.run(&["check", "meetings", "--format", "concise"]);
    assert_eq!(exit, 0);
}

/// A second decision that links to `target` by path and by ID.
fn linker(target: &str) -> String {
    format!(
        "---\ntitle: Retire cron\nstatus: proposed\ndate: 2024-04-01\nowner: bruno\ntags: [process]\ndecision-makers: [bruno]\nrelated: [ADR-0001]\n---\n\n# Retire cron\n\n## Context\n\nSee [the store]({target}#decision).\n\n## Decision\n\nRetire it.\n\n## Consequences\n\nNone.\n"
    )
}

#[test]
fn fix_n001_renames_to_the_pattern_and_rewrites_links() {
    let env = fixture("N001");
    env.write(
        "decisions/0002-retire-cron.md",
        &linker("1_Use_Postgres.md"),
    );
    let before = env.snapshot_tree();
    let (exit, diff, err) = env.run(&["check", "--diff"]);
    assert_eq!(exit, 1, "{err}");
    assert!(err.contains("Would fix 1 problem in 2 files."), "{err}");
    insta::assert_snapshot!("diff_n001", diff);
    assert_eq!(before, env.snapshot_tree(), "--diff wrote");
    let (exit, out, err) = env.run(&["check", "--fix", "--format", "concise"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(!env.path("decisions/1_Use_Postgres.md").exists());
    assert_eq!(
        env.read("decisions/0001-use-postgres.md"),
        std::fs::read_to_string(fixtures().join("rules/N001/trigger/decisions/1_Use_Postgres.md"))
            .unwrap()
    );
    assert!(
        env.read("decisions/0002-retire-cron.md")
            .contains("[the store](0001-use-postgres.md#decision)")
    );
    let fixed = env.snapshot_tree();
    let (exit, out, _) = env.run(&["check", "--fix"]);
    assert_eq!(exit, 0);
    assert!(out.contains("Fixed 0 problems in 0 files."), "{out}");
    assert_eq!(fixed, env.snapshot_tree(), "a second --fix changed files");
}

#[test]
fn fix_that_would_overwrite_a_file_is_refused_with_the_reason() {
    let env = fixture("N001");
    let other = "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2024-03-01\nowner: alice\ntags: [storage]\ndecision-makers: [alice]\n---\n\n# Use Postgres\n\n## Context\n\nA.\n\n## Decision\n\nB.\n\n## Consequences\n\nC.\n";
    env.write("decisions/0001-use-postgres.md", other);
    let before = env.snapshot_tree();
    let (exit, out, err) = env.run(&["check", "--fix", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    assert!(
        err.contains(
            "warning: not fixed (rename to 0001-use-postgres.md): decisions/0001-use-postgres.md already exists, and a fix never overwrites a file"
        ),
        "{err}"
    );
    assert!(out.contains("N001"), "{out}");
    assert_eq!(before, env.snapshot_tree());
}

#[test]
fn fix_f003_normalises_case_and_leaves_typos_to_the_writer() {
    let env = fixture("F003");
    let p = "decisions/0001-use-postgres-for-events.md";
    env.write(
        p,
        &env.read(p)
            .replace("[Storage, databse]", "[Storage, \"  Security \", databse]"),
    );
    let (exit, diff, _) = env.run(&["check", "--diff"]);
    assert_eq!(exit, 1);
    insta::assert_snapshot!("diff_f003", diff);
    let (exit, out, _) = env.run(&["check", "--fix", "--format", "concise"]);
    assert_eq!(exit, 1);
    assert!(
        env.read(p)
            .contains("tags: [storage, \"security\", databse]")
    );
    insta::assert_snapshot!("fix_f003_left", out);
    let fixed = env.snapshot_tree();
    env.run(&["check", "--fix"]);
    assert_eq!(fixed, env.snapshot_tree(), "a second --fix changed files");
}

#[test]
fn n003_rename_is_unsafe_applied_only_with_unsafe_fixes() {
    let env = fixture("N003");
    env.write(
        "decisions/0002-retire-cron.md",
        &linker("0001-use-mysql.md"),
    );
    let args = ["check", "--select", "N003"];
    let (exit, out, _) = env.run(&args);
    assert_eq!(exit, 1);
    assert!(
        out.contains("1 more fixable with `annals check --fix --unsafe-fixes`"),
        "{out}"
    );
    let before = env.snapshot_tree();
    let (_, diff, _) = env.run(&[&args[..], &["--diff"]].concat());
    assert_eq!(diff, "");
    env.run(&[&args[..], &["--fix"]].concat());
    assert_eq!(before, env.snapshot_tree(), "--fix applied an unsafe fix");
    let (exit, diff, _) = env.run(&[&args[..], &["--diff", "--unsafe-fixes"]].concat());
    assert_eq!(exit, 1);
    insta::assert_snapshot!("diff_n003", diff);
    let (exit, _, err) = env.run(&[&args[..], &["--fix", "--unsafe-fixes"]].concat());
    assert_eq!(exit, 0, "{err}");
    assert!(
        env.path("decisions/0001-use-postgres-for-events.md")
            .exists()
    );
    assert!(
        env.read("decisions/0002-retire-cron.md")
            .contains("(0001-use-postgres-for-events.md#decision)")
    );
}

#[test]
fn diff_shows_l005_and_l007_fixes() {
    for code in ["L005", "L007"] {
        let env = fixture(code);
        let (exit, diff, _) = env.run(&["check", "--diff"]);
        assert_eq!(exit, 1, "{code}");
        insta::assert_snapshot!(format!("diff_{code}"), diff);
    }
}

#[test]
fn fix_l009_writes_the_fragment_as_the_anchor() {
    let env = fixture("L009");
    let p = "decisions/0002-retire-cron.md";
    let (exit, out, err) = env.run(&["check", "--select", "L009", "--fix"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(out.contains("Fixed 3 problems in 1 file."), "{out}");
    assert!(
        env.read(p).contains(
            "See [Deprecation](#deprecation), [the Decision](0001-use-postgres-for-events.md#decision) and [rule 7](#rule-7)."
        ),
        "{}",
        env.read(p)
    );
    let (exit, out, _) = env.run(&["check", "--select", "L002,L009", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}

#[test]
fn mv_keeps_bare_numbers_and_renumbers_them() {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules").join("L004").join("clean"));
    let p = "decisions/0002-retire-cron.md";
    // A new slug keeps the ID: `requires: 1` and `see: 1, 0001` stay as written.
    let (exit, _, err) = env.run(&["mv", "ADR-0001", "decisions/0001-use-postgresql.md"]);
    assert_eq!(exit, 0, "{err}");
    let text = env.read(p);
    assert!(text.contains("requires: 1\nsee: 1, 0001\n"), "{text}");
    // A new number rewrites each bare number as the new one.
    let (exit, _, err) = env.run(&["mv", "ADR-0001", "decisions/0007-use-postgresql.md"]);
    assert_eq!(exit, 0, "{err}");
    let text = env.read(p);
    assert!(
        text.contains("related: [ADR-0007, 0007-use-postgresql.md]\nrequires: 7\nsee: 7, 7\n"),
        "{text}"
    );
    let (exit, out, _) = env.run(&["check", "--select", "L001,L004,L005", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}
