//! Every rule: a fixture that must trigger it, one that must not, and the
//! rendered human output snapshotted.

use crate::common::{TestEnv, fixtures};
use annals::lint::registry::RULES;

/// Runs `check --select CODE` on `tests/fixtures/rules/CODE/CASE`; returns (exit, stdout).
fn check_fixture(code: &str, case: &str) -> (i32, String) {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules").join(code).join(case));
    let (exit, stdout, stderr) = env.run(&["check", "--select", code, "--color", "never"]);
    assert!(
        stderr.is_empty(),
        "{code}/{case}: unexpected stderr: {stderr}"
    );
    (exit, stdout)
}

fn count(code: &str, out: &str) -> usize {
    out.matches(&format!("[{code}]")).count()
}

#[test]
fn every_rule_has_a_trigger_and_a_clean_fixture() {
    // E002 needs symbolic links, A001-A003 and O005 history, O004 a CODEOWNERS file, H001 a
    // partial or shallow clone: tests below, in `git.rs`, `cli.rs` and `trust.rs`.
    let elsewhere = ["E002", "A001", "A002", "A003", "O004", "O005", "H001"];
    for rule in RULES.iter().filter(|r| !elsewhere.contains(&r.code)) {
        let dir = fixtures().join("rules").join(rule.code);
        assert!(
            dir.join("trigger").is_dir(),
            "{}: no trigger fixture",
            rule.code
        );
        assert!(
            dir.join("clean").is_dir(),
            "{}: no clean fixture",
            rule.code
        );

        let (_, out) = check_fixture(rule.code, "trigger");
        assert!(
            count(rule.code, &out) > 0,
            "{} did not trigger:\n{out}",
            rule.code
        );
        insta::assert_snapshot!(format!("rule_{}", rule.code), out);

        let (exit, out) = check_fixture(rule.code, "clean");
        assert_eq!(
            count(rule.code, &out),
            0,
            "{} triggered on its clean fixture:\n{out}",
            rule.code
        );
        assert_eq!(exit, 0, "{}: clean fixture exit code", rule.code);
    }
}

#[cfg(unix)]
#[test]
fn e002_symlinks_are_skipped_with_a_warning_and_never_followed() {
    let env = TestEnv::with_config();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: outside\nowner: nobody-outside\n---\n",
    )
    .unwrap();
    std::fs::create_dir_all(env.root().join("decisions")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        env.root().join("decisions/0001-outside.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        env.root().join("decisions"),
        env.root().join("decisions/loop"),
    )
    .unwrap();
    let (exit, out, _) = env.run(&["check", "--color", "never"]);
    assert_eq!(exit, 0, "{out}");
    assert_eq!(count("E002", &out), 1, "{out}");
    // Read, the linked file would give O002 for its owner: it was not read.
    assert!(!out.contains("nobody-outside"), "{out}");
    assert_eq!(count("O002", &out), 0, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn bare_numbers_resolve_in_show_and_graph() {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules").join("L004").join("clean"));
    let (exit, out, err) = env.run(&["show", "ADR-0002"]);
    assert_eq!(exit, 0, "{err}");
    assert!(
        out.contains("1 (requires) -> decisions/0001-use-postgres-for-events.md"),
        "{out}"
    );
    let (exit, out, _) = env.run(&["show", "ADR-0001"]);
    assert_eq!(exit, 0);
    assert!(out.contains("decisions/0002-retire-cron.md"), "{out}");
}
