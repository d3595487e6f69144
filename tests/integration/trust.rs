//! The trust boundaries (issue: a pull request's configuration, templates, file names and
//! titles are untrusted; several writers may run at once; history may be incomplete). One
//! test per threat, named by it.

use std::path::Path;
use std::process::Command;

use crate::common::{NOW, TestEnv};

const ADR: &str = "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2024-03-01\nowner: alice\ntags: [storage]\ndecision-makers: [alice]\n---\n\n# Use Postgres\n\n## Context\n\nA.\n\n## Decision\n\nB.\n\n## Consequences\n\nC.\n";

fn adr(title: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nstatus: proposed\ndate: 2024-03-01\nowner: alice\ntags: [storage]\ndecision-makers: [alice]\n{extra}---\n\n# {title}\n\n## Context\n\n{body}\n\n## Decision\n\nB.\n\n## Consequences\n\nC.\n"
    )
}

/// `git ARGS` in `dir`, hermetic (no system or user configuration), failing the test on error.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, "2026-06-22T09:00:00Z", args)
}

/// Like [`git`], with commits dated `when` (RFC 3339).
fn git_at(dir: &Path, when: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=alice",
            "-c",
            "user.email=alice@acme.example",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn config_with(env: &TestEnv, extra: &str) {
    let cfg = env.read("annals.toml");
    env.write("annals.toml", &format!("{cfg}\n{extra}\n"));
}

/// Replaces `key = ...` lines of `[kinds.decision]` (or adds the line there).
fn decision_key(env: &TestEnv, line: &str) {
    let cfg = env.read("annals.toml");
    env.write(
        "annals.toml",
        &cfg.replace("[kinds.decision]\n", &format!("[kinds.decision]\n{line}\n")),
    );
}

// ---- 1. Containment: every configured path, every writer ----

#[test]
fn config_paths_outside_the_repository_are_refused_at_their_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "codeowners",
            "[codeowners]\npath = \"../x/.bashrc\"",
            "[codeowners] `path",
        ),
        (
            "catalog kinds",
            "[catalog]\nkinds = \"../../p-{kind}.md\"",
            "[catalog] `kinds",
        ),
        (
            "catalog tags",
            "[catalog]\ntags = \"/tmp/p-{tag}.md\"",
            "[catalog] `tags",
        ),
        ("tag name", "", "[tags] `\"../../t\"`"),
        (
            "template",
            "template = \"/etc/passwd\"",
            "`template = \"/etc/passwd\"`",
        ),
        (
            "template up",
            "template = \"../../../../etc/passwd\"",
            "`template = \"../../../../etc/passwd\"`",
        ),
        (
            "schema",
            "schema = \"/dev/zero\"",
            "`schema = \"/dev/zero\"`",
        ),
        ("dir root", "dir = \"/\"", "`dir = \"/\"`"),
        ("dir git", "dir = \".git\"", "`dir = \".git\"`"),
    ];
    for (name, line, want) in cases {
        let env = TestEnv::with_config();
        if line.starts_with("dir") {
            let cfg = env.read("annals.toml");
            env.write("annals.toml", &cfg.replacen("dir = \"decisions\"", line, 1));
        } else if *name == "tag name" {
            let cfg = env.read("annals.toml");
            env.write(
                "annals.toml",
                &cfg.replace("[tags]\n", "[tags]\n\"../../t\" = \"escape\"\n"),
            );
        } else if line.starts_with('[') {
            config_with(&env, line);
        } else {
            decision_key(&env, line);
        }
        let text = env.read("annals.toml");
        let key_line = text
            .lines()
            .position(|l| {
                l.contains("../x")
                    || l.contains("../../p")
                    || l.contains("/tmp/p")
                    || l.contains("../../t")
                    || l.contains("passwd")
                    || l.contains("/dev/zero")
                    || l == "dir = \"/\""
                    || l == "dir = \".git\""
            })
            .unwrap()
            + 1;
        for args in [
            &["check"][..],
            &["codeowners", "--write"],
            &["catalog", "--write"],
            &["new", "decision", "X"],
        ] {
            let (exit, out, err) = env.run(args);
            assert_eq!(exit, 2, "{name} {args:?}: {out}{err}");
            assert!(
                err.contains(&format!("annals.toml:{key_line}:")) && err.contains(want),
                "{name} {args:?}: {err}"
            );
        }
        assert!(!Path::new("/tmp/p-tag.md").exists() && !Path::new("/tmp/p-storage.md").exists());
    }
}

#[cfg(unix)]
#[test]
fn symlinked_folders_and_files_never_lead_a_write_or_read_outside() {
    let env = TestEnv::with_config();
    let outside = tempfile::tempdir().unwrap();
    env.write("decisions/0001-use-postgres.md", ADR);
    env.write(
        "decisions/0002-b.md",
        &adr("B", "", "See [the store](0001-use-postgres.md)."),
    );
    std::os::unix::fs::symlink(outside.path(), env.path("decisions/archive")).unwrap();
    std::os::unix::fs::symlink(outside.path(), env.path(".github")).unwrap();
    // mv through the symlinked folder.
    let (exit, _, err) = env.run(&["mv", "ADR-0002", "decisions/archive/0002-b.md"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("lies outside the repository"), "{err}");
    // CODEOWNERS through a symlinked folder.
    config_with(&env, "[codeowners]\npath = \".github/CODEOWNERS\"");
    let (exit, _, err) = env.run(&["codeowners", "--write"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains(".github/CODEOWNERS"), "{err}");
    // A catalog page that is a symlink to a file outside.
    let cfg = env
        .read("annals.toml")
        .replace("[codeowners]\npath = \".github/CODEOWNERS\"", "");
    env.write("annals.toml", &cfg);
    std::fs::write(outside.path().join("victim.md"), "keep me").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("victim.md"),
        env.path("decisions/README.md"),
    )
    .unwrap();
    let (exit, _, err) = env.run(&["catalog", "--write"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("decisions/README.md"), "{err}");
    // A template that is a symlink to a file outside (or to a device).
    std::os::unix::fs::symlink("/etc/passwd", env.path("passwd.md")).unwrap();
    decision_key(&env, "template = \"passwd.md\"");
    let (exit, _, err) = env.run(&["new", "decision", "Leak"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("passwd.md"), "{err}");
    std::fs::remove_file(env.path("passwd.md")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", env.path("passwd.md")).unwrap();
    let (exit, _, err) = env.run(&["new", "decision", "Leak"]);
    assert_eq!(exit, 2, "{err}");
    // Nothing outside changed, nothing new inside.
    let names: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["victim.md"]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("victim.md")).unwrap(),
        "keep me"
    );
    assert!(!env.path("decisions/0003-leak.md").exists());
}

#[test]
fn a_device_or_fifo_as_schema_or_template_is_refused_not_read() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    std::fs::create_dir_all(env.path("schema")).unwrap();
    let status = Command::new("mkfifo")
        .arg(env.path("schema/fifo.json"))
        .status()
        .unwrap();
    assert!(status.success());
    decision_key(
        &env,
        "schema = \"schema/fifo.json\"\ntemplate = \"schema/fifo.json\"",
    );
    let (exit, _, err) = env.run(&["check"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
    let (exit, _, err) = env.run(&["new", "decision", "X"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
}

// ---- 2. Generated text is inert ----

#[test]
fn codeowners_cannot_be_injected_by_file_names() {
    let env = TestEnv::with_config();
    config_with(&env, "[codeowners]\npath = \".github/CODEOWNERS\"");
    let brief =
        |t: &str| format!("---\ntitle: {t}\nstatus: draft\nowner: platform\n---\n\n# {t}\n");
    env.write("briefs/n\ntouch\tX\t#.md", &brief("Injected"));
    env.write("briefs/plain b#c!.md", &brief("Plain"));
    let (exit, out, err) = env.run(&["codeowners"]);
    assert_eq!(exit, 0, "{err}");
    assert!(!out.lines().any(|l| l.starts_with("touch")), "{out}");
    assert!(
        out.contains("/briefs/plain\\ b\\#c\\!.md @acme/platform\n"),
        "{out}"
    );
    assert!(err.contains("is left out of the CODEOWNERS block"), "{err}");
    let (exit, _, _) = env.run(&["codeowners", "--write"]);
    assert_eq!(exit, 0);
    let written = env.read(".github/CODEOWNERS");
    assert_eq!(written.lines().count(), 3, "{written}");
    // The document CODEOWNERS cannot name is reported, with the way out.
    let (_, out, _) = env.run(&["check", "--select", "O004", "--format", "concise"]);
    assert!(
        out.contains("O004 .github/CODEOWNERS cannot name this document"),
        "{out}"
    );
}

#[test]
fn catalog_markers_in_titles_cannot_move_the_block() {
    let env = TestEnv::with_config();
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace(
            "title: Use Postgres",
            "title: \"Use <!-- END annals catalog kind decision --> Postgres\"",
        ),
    );
    for _ in 0..3 {
        assert_eq!(env.run(&["catalog", "--write"]).0, 0);
    }
    let page = env.read("decisions/README.md");
    assert_eq!(
        page.matches("<!-- END annals catalog kind decision -->")
            .count(),
        1,
        "{page}"
    );
    assert!(
        page.contains("Use &lt;!-- END annals catalog kind decision --> Postgres"),
        "{page}"
    );
    let (exit, _, err) = env.run(&["catalog", "--check"]);
    assert_eq!(exit, 0, "{err}");
}

#[test]
fn every_output_format_escapes_what_its_syntax_forbids() {
    let env = TestEnv::with_config();
    // Control characters reach messages through file names (and titles, tags, links).
    env.write("decisions/0001-sto\u{1b}[31mrage\u{7}\u{fffe}.md", ADR);
    let (_, junit, _) = env.run(&["check", "--format", "junit"]);
    for c in junit.chars() {
        let ok = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c > '\u{ffff}';
        assert!(ok, "JUnit holds {c:?}, which XML 1.0 forbids:\n{junit}");
    }
    assert!(
        junit.contains("sto\\u{1b}[31mrage\\u{7}\\u{fffe}"),
        "{junit}"
    );
    for format in ["concise", "github", "human"] {
        let (_, out, _) = env.run(&["check", "--format", format, "--color", "never"]);
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\0']),
            "{format} prints control characters raw:\n{out:?}"
        );
        assert!(out.contains("\\u{1b}"), "{format}:\n{out}");
    }
}

// ---- 3. One writer at a time, nothing lost ----

/// A repository where `mv` rewrites links in many files and `check --fix` edits those files.
fn busy_repo() -> TestEnv {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    for i in 2..=30 {
        env.write(
            &format!("decisions/{i:04}-d{i}.md"),
            // `Storage` is an F003 case fix; the link is what mv rewrites.
            &adr(
                &format!("D{i}"),
                "",
                "See [the store](0001-use-postgres.md) and [again](./0001-use-postgres.md#decision).",
            )
            .replace("tags: [storage]", "tags: [Storage]"),
        );
    }
    env
}

#[test]
fn concurrent_fix_mv_and_new_lose_nothing_and_share_no_id() {
    for round in 0..20 {
        let env = busy_repo();
        let (from, to) = if round % 2 == 0 {
            ("ADR-0001", "decisions/0001-use-postgresql.md")
        } else {
            (
                "decisions/0001-use-postgres.md",
                "decisions/0001-postgres-for-events.md",
            )
        };
        let mut children = vec![
            env.cmd(&["check", "--fix", "-q"]).spawn().unwrap(),
            env.cmd(&["mv", from, to])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        ];
        for i in 0..6 {
            children.push(
                env.cmd(&["new", "decision", &format!("New {i}"), "--owner", "alice"])
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        for mut c in children {
            let status = c.wait().unwrap();
            assert!(
                status.success() || status.code() == Some(1),
                "round {round}: {status}"
            );
        }
        // Every link follows the move, every fix landed, every number is taken once.
        let (_, out, err) = env.run(&["check", "--format", "concise"]);
        for code in ["L001", "L002", "N002", "F003"] {
            assert!(!out.contains(code), "round {round}: {code}\n{out}{err}");
        }
        assert!(env.path(to).exists() && !env.path("decisions/0001-use-postgres.md").exists());
        let numbers: std::collections::BTreeSet<String> = std::fs::read_dir(env.path("decisions"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy()[..4].to_string())
            .collect();
        assert_eq!(numbers.len(), 36, "round {round}: {numbers:?}");
    }
}

#[test]
fn a_second_writer_waits_then_gives_up_with_a_clear_message() {
    let env = busy_repo();
    let lock = hold_lock(&env.path(".annals"));
    let started = std::time::Instant::now();
    let out = env
        .cmd(&["new", "decision", "Blocked"])
        .env("ANNALS_LOCK_TIMEOUT", "2")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    assert!(
        err.contains("waiting for another annals process to finish writing"),
        "{err}"
    );
    assert!(err.contains("gave up"), "{err}");
    // Readers never wait for the lock.
    let (exit, _, _) = env.run(&["list"]);
    assert_eq!(exit, 0);
    drop(lock);
    assert_eq!(env.run(&["new", "decision", "Free"]).0, 0);
}

/// Takes the repository write lock in `dir` as another writer would (held until dropped).
fn hold_lock(dir: &Path) -> std::fs::File {
    std::fs::create_dir_all(dir).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

/// The state of the tree without annals' own folder.
fn docs_state(env: &TestEnv) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    env.snapshot_tree()
}

#[test]
fn kill_at_every_step_of_an_mv_is_finished_or_undone_by_the_next_command() {
    let before_env = busy_repo();
    let before = docs_state(&before_env);
    // The state a finished move leaves, for comparison.
    let done_env = busy_repo();
    assert_eq!(
        done_env
            .run(&["mv", "ADR-0001", "decisions/0001-use-postgresql.md"])
            .0,
        0
    );
    let done: Vec<_> = docs_state(&done_env)
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(done_env.root()).unwrap().to_path_buf(), b))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(before_env.root()).unwrap().to_path_buf(), b))
        .collect();
    let mut finished = 0;
    let mut undone = 0;
    for step in 0.. {
        let env = busy_repo();
        let out = env
            .cmd(&["mv", "ADR-0001", "decisions/0001-use-postgresql.md"])
            .env("ANNALS_TEST_CRASH_AFTER", step.to_string())
            .output()
            .unwrap();
        if out.status.success() {
            assert!(step > 30, "the move has more steps than {step}");
            break;
        }
        // The next command, whatever it is, repairs first.
        let (exit, _, err) = env.run(&["list"]);
        assert_eq!(exit, 0, "{err}");
        let now: Vec<_> = docs_state(&env)
            .into_iter()
            .map(|(p, b)| (p.strip_prefix(env.root()).unwrap().to_path_buf(), b))
            .collect();
        if now == done {
            finished += 1;
            assert!(
                err.contains("finished an interrupted change (mv"),
                "step {step}: {err}"
            );
        } else {
            assert_eq!(
                now, before,
                "step {step}: neither the old nor the new state"
            );
            undone += 1;
        }
        assert!(
            !now.iter()
                .any(|(p, _)| p.to_string_lossy().ends_with(".tmp")),
            "step {step}: a temp file outlived the run"
        );
        assert!(!env.path(".annals/journal").exists());
    }
    assert!(
        finished > 10 && undone > 10,
        "{finished} finished, {undone} undone"
    );
}

#[test]
fn kill_9_during_a_large_mv_is_recovered() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    let links: String = (0..400).fold(String::new(), |mut s, i| {
        use std::fmt::Write as _;
        let _ = write!(s, "[l{i}](0001-use-postgres.md) ");
        s
    });
    for i in 2..=21 {
        env.write(
            &format!("decisions/{i:04}-d{i}.md"),
            &adr(&format!("D{i}"), "", &links),
        );
    }
    for delay in [5u64, 15, 30, 60, 120] {
        let mut child = env
            .cmd(&["mv", "ADR-0001", "decisions/0001-moved.md"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let (exit, out, err) = env.run(&["check", "--format", "concise", "--select", "L001,N002"]);
        assert_eq!((exit, out.as_str()), (0, ""), "delay {delay}: {err}");
        let tmp = env
            .snapshot_tree()
            .into_iter()
            .any(|(p, _)| p.to_string_lossy().ends_with(".tmp"));
        assert!(!tmp, "delay {delay}: a temp file outlived the run");
        // Move it back for the next round (whichever name it has now).
        if env.path("decisions/0001-moved.md").exists() {
            assert_eq!(
                env.run(&["mv", "ADR-0001", "decisions/0001-use-postgres.md"])
                    .0,
                0
            );
        }
    }
}

// ---- 4. mv keeps a document a document ----

#[test]
fn mv_refuses_destinations_that_are_no_document_of_its_kind() {
    let env = busy_repo();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    std::fs::create_dir_all(env.path("decisions/vendor/.git")).unwrap();
    for (to, want) in [
        ("ADR-0002", "is not a document path"),
        (".git/x.md", "inside `.git`"),
        ("decisions/0002-d2.txt", "is not a document path"),
        ("briefs/d2.md", "lies in the folder of kind `brief`"),
        (
            "decisions/d2.md",
            "does not match the decision file-name pattern",
        ),
        ("decisions/vendor/0002-d2.md", "submodule"),
    ] {
        let (exit, _, err) = env.run(&["mv", "ADR-0002", to]);
        assert_eq!(exit, 2, "{to}: {err}");
        assert!(err.contains(want), "{to}: {err}");
        assert!(env.path("decisions/0002-d2.md").exists());
    }
    let (exit, out, err) = env.run(&["mv", "ADR-0002", "briefs/d2.md", "--change-kind"]);
    assert_eq!(exit, 0, "{out}{err}");
}

// ---- 5. History that could not be read ----

#[test]
fn mv_link_rewrites_do_not_count_as_editing_an_accepted_decision() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    env.write(
        "decisions/0002-b.md",
        &ADR.replace("Use Postgres", "B")
            .replace("A.\n", "See [the store](0001-use-postgres.md#decision).\n"),
    );
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    assert_eq!(
        env.run(&["mv", "ADR-0001", "decisions/0001-use-postgresql.md"])
            .0,
        0
    );
    git(env.root(), &["add", "-A"]);
    let (exit, out, err) = env.run(&["check", "--staged", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    // A real edit of the body still is one.
    env.write(
        "decisions/0002-b.md",
        &env.read("decisions/0002-b.md")
            .replace("## Decision\n\nB.", "## Decision\n\nBB."),
    );
    git(env.root(), &["add", "-A"]);
    let (exit, out, _) = env.run(&["check", "--staged", "--format", "concise"]);
    assert_eq!(exit, 1);
    assert!(out.contains("O005"), "{out}");
}

/// A source repository with an accepted decision on `main` and a branch that edits its body.
fn upstream_with_an_edited_decision() -> TestEnv {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["config", "uploadpack.allowFilter", "true"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "accept"]);
    git(env.root(), &["checkout", "-qb", "feature"]);
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace("## Decision\n\nB.", "## Decision\n\nRewritten."),
    );
    git(env.root(), &["commit", "-qam", "rewrite the decision"]);
    env
}

#[test]
fn blobless_partial_clone_reports_what_it_could_not_verify() {
    let src = upstream_with_an_edited_decision();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", src.root().display());
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--branch",
            "feature",
            &url,
            "clone",
        ],
    );
    let clone = dir.path().join("clone");
    let run = |args: &[&str]| {
        let out = src.cmd_in(&clone, args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (exit, out, err) = run(&["check", "--since", "origin/main", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}{err}");
    assert!(
        out.contains("H001 could not verify what this change did"),
        "{out}"
    );
    assert!(out.contains("partial clone"), "{out}");
    assert!(!err.contains("All checks passed"), "{err}");
    // A full clone of the same branch finds the edit itself.
    git(
        dir.path(),
        &["clone", "-q", "--branch", "feature", &url, "full"],
    );
    let out = src
        .cmd_in(
            &dir.path().join("full"),
            &["check", "--since", "origin/main", "--format", "concise"],
        )
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("O005"));
}

// ---- 5. Sparse checkouts, submodules, conflicts, intent-to-add, worktrees ----

#[test]
fn sparse_checkout_resolves_links_and_numbers_against_the_index() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    env.write("decisions/old/0003-c.md", &adr("C", "", "C."));
    env.write(
        "decisions/0002-b.md",
        &adr(
            "B",
            "related: [ADR-0003]\n",
            "See [c](old/0003-c.md) and [a](0001-use-postgres.md).",
        ),
    );
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    git(
        env.root(),
        &[
            "sparse-checkout",
            "set",
            "--no-cone",
            "/annals.toml",
            "/decisions/000*",
        ],
    );
    assert!(!env.path("decisions/old/0003-c.md").exists());
    let (exit, out, err) = env.run(&["check", "--format", "concise", "--select", "L001,L004"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    let (exit, out, _) = env.run(&["new", "decision", "Next", "--owner", "alice"]);
    assert_eq!(exit, 0);
    assert_eq!(out, "decisions/0004-next.md\n");
}

#[test]
fn submodule_is_skipped_with_a_note_and_never_written() {
    let sub = TestEnv::new();
    sub.write("0001-other.md", &ADR.replace("Use Postgres", "Other"));
    git(sub.root(), &["init", "-q"]);
    git(sub.root(), &["add", "-A"]);
    git(sub.root(), &["commit", "-qm", "sub"]);
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    let url = format!("file://{}", sub.root().display());
    git(
        env.root(),
        &["submodule", "add", "-q", &url, "decisions/vendor"],
    );
    let (exit, out, _) = env.run(&["check", "--format", "concise"]);
    assert!(!out.contains("N002"), "{out}");
    assert!(
        out.contains("decisions/vendor: E002 another git repository (a submodule)"),
        "{out}"
    );
    assert_eq!(exit, 0, "{out}");
    let (exit, _, err) = env.run(&["mv", "ADR-0001", "decisions/vendor/0001-use-postgres.md"]);
    assert_eq!(exit, 2);
    assert!(err.contains("submodule"), "{err}");
}

#[test]
fn conflicted_merge_under_staged_reports_unmerged_paths() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    git(env.root(), &["checkout", "-qb", "other"]);
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace("A.", "Theirs."),
    );
    git(env.root(), &["commit", "-qam", "theirs"]);
    git(env.root(), &["checkout", "-q", "main"]);
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace("A.", "Ours."),
    );
    git(env.root(), &["commit", "-qam", "ours"]);
    let status = Command::new("git")
        .current_dir(env.root())
        .args([
            "-c",
            "user.name=a",
            "-c",
            "user.email=a@b",
            "merge",
            "-q",
            "other",
        ])
        .env("HOME", env.root())
        .output()
        .unwrap();
    assert!(!status.status.success());
    let (exit, out, err) = env.run(&["check", "--staged"]);
    assert_eq!(exit, 2, "{out}{err}");
    assert!(err.contains("unmerged paths"), "{err}");
    assert!(err.contains("decisions/0001-use-postgres.md"), "{err}");
    assert!(!out.contains("All checks passed"), "{out}");
}

#[test]
fn intent_to_add_entries_are_not_staged_content() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    env.write("decisions/0002-later.md", "not yet a document\n");
    git(env.root(), &["add", "-N", "decisions/0002-later.md"]);
    let (exit, out, err) = env.run(&["check", "--staged", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
}

#[test]
fn hook_install_in_a_linked_worktree_writes_where_git_runs_hooks() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "base"]);
    let wt = tempfile::tempdir().unwrap();
    let linked = wt.path().join("linked");
    git(
        env.root(),
        &["worktree", "add", "-q", linked.to_str().unwrap()],
    );
    let (exit, out, err) = env.run_in(&linked, &["hook", "install"]);
    assert_eq!(exit, 0, "{err}");
    let hooks = git(
        &linked,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    );
    let hook = Path::new(hooks.trim()).join("pre-commit");
    assert!(hook.exists(), "{out}: {} missing", hook.display());
    assert!(out.contains(&hook.display().to_string()), "{out}");
}

// ---- 6. Bounded input ----

#[test]
fn deep_and_huge_search_queries_get_a_clear_error() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
    let huge = "word ".repeat(15_000);
    let nested = format!("{}x{}", "(".repeat(40), ")".repeat(40));
    for (q, want) in [
        (&deep, "bytes long"),
        (&huge, "bytes long"),
        (&nested, "nested 40 deep"),
    ] {
        let (exit, _, err) = env.run(&["search", q]);
        assert_eq!(exit, 2, "{err}");
        assert!(err.contains(want), "{err}");
    }
    let many = "w ".repeat(80);
    let (exit, _, err) = env.run(&["search", &many]);
    assert_eq!(exit, 2);
    assert!(err.contains("80 words"), "{err}");
}

// ---- 7. Names and messages ----

#[test]
fn slugs_transliterate_and_stay_short() {
    let env = TestEnv::with_config();
    let (exit, out, err) = env.run(&["new", "decision", "Ünïcödé Çafé", "--owner", "alice"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(out, "decisions/0001-unicode-cafe.md\n");
    let long = "Retry budgets for every service ".repeat(60);
    let (exit, out, err) = env.run(&["new", "decision", &long, "--owner", "alice"]);
    assert_eq!(exit, 0, "{err}");
    let name = out.trim().rsplit('/').next().unwrap().to_string();
    assert!(
        name.len() <= 110 && name.strip_suffix(".md").is_some_and(|n| !n.ends_with('-')),
        "{name}"
    );
}

#[test]
fn messages_name_what_was_wrong() {
    let env = TestEnv::with_config();
    env.write("decisions/0001-use-postgres.md", ADR);
    env.write(
        "meetings/2026-06-01-sync.md",
        "---\ntitle: Sync\ndate: 2026-06-01T10:00\nowner: alice\nattendees: [alice]\n---\n\n# Sync\n\n## Agenda\n\n## Pre-reads\n\n## Outcome\n",
    );
    let out = env
        .cmd(&["due"])
        .env("ANNALS_NOW", "garbage")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ANNALS_NOW `garbage`"), "{err}");
    let (_, _, err) = env.run(&["due", "--now", "garbage"]);
    assert!(err.contains("--now `garbage`"), "{err}");
    let (exit, _, err) = env.run(&["status", "meetings/2026-06-01-sync.md", "accepted"]);
    assert_eq!(exit, 2);
    assert!(err.contains("meeting documents have no status"), "{err}");
    // A search in a repository without commits builds its index without calling it corrupt.
    git(env.root(), &["init", "-q"]);
    for _ in 0..2 {
        let (exit, _, err) = env.run(&["index"]);
        assert_eq!(exit, 0, "{err}");
        assert!(!err.contains("corrupt"), "{err}");
    }
    let _ = NOW;
}

/// `git commit -a` at a given time (RFC 3339).
fn commit_at(dir: &Path, when: &str, message: &str) {
    git_at(dir, when, &["commit", "-qam", message]);
}

/// A meeting posted well ahead (Monday for Friday) and a brief opened on Monday, then
/// later commits: the brief edited Thursday (its reviewers still silent), the meeting
/// touched Thursday too.
fn upstream_with_history() -> TestEnv {
    let env = TestEnv::with_config();
    let cfg = env.read("annals.toml");
    env.write(
        "annals.toml",
        &cfg.replace(
            "[kinds.meeting]\n",
            "[kinds.meeting]\nagenda_lead = \"48h\"\n",
        ),
    );
    let meeting = "---\ntitle: Sync\ndate: 2026-06-26T10:00\nowner: alice\nattendees: [alice]\n---\n\n# Sync\n\n## Agenda\n\n1. Retries.\n\n## Pre-reads\n\n## Outcome\n";
    let brief = "---\ntitle: Retry budget\nstatus: open\nowner: alice\npriority: urgent\nreviewers: [bruno]\n---\n\n# Retry budget\n\nBody.\n";
    env.write("meetings/2026-06-26-sync.md", meeting);
    env.write("briefs/retry-budget.md", brief);
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["config", "uploadpack.allowFilter", "true"]);
    git(env.root(), &["add", "-A"]);
    commit_at(env.root(), "2026-06-22T09:00:00Z", "post agenda and brief");
    env.write(
        "meetings/2026-06-26-sync.md",
        &meeting.replace("1. Retries.", "1. Retries.\n2. Budgets."),
    );
    env.write(
        "briefs/retry-budget.md",
        &brief.replace("Body.", "Body, edited."),
    );
    commit_at(env.root(), "2026-06-25T15:00:00Z", "edit");
    env
}

fn clone_of(src: &TestEnv, dir: &Path, args: &[&str]) -> std::path::PathBuf {
    let url = format!("file://{}", src.root().display());
    let mut all = vec!["clone", "-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[url.as_str(), "clone"]);
    git(dir, &all);
    dir.join("clone")
}

#[test]
fn shallow_clone_says_what_it_cannot_date_instead_of_a_wrong_date() {
    let src = upstream_with_history();
    let run = |dir: &Path, args: &[&str]| {
        let out = src.cmd_in(dir, args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The full history: the agenda came in time, the brief's response is overdue.
    let (_, out, err) = run(src.root(), &["check", "--format", "concise", "--strict"]);
    assert!(
        !out.contains(": A001 ") && !out.contains(": H001 "),
        "{out}{err}"
    );
    assert!(out.contains(": A002 "), "{out}");
    // A depth-1 clone knows only Thursday's commit.
    let tmp = tempfile::tempdir().unwrap();
    let shallow = clone_of(&src, tmp.path(), &["--depth", "1"]);
    let (exit, out, err) = run(&shallow, &["check", "--format", "concise"]);
    assert!(!out.contains(": A001 "), "a wrong date: {out}");
    assert!(!out.contains(": A002 "), "a wrong deadline: {out}");
    assert!(
        out.contains("meetings/2026-06-26-sync.md: H001 could not verify that the agenda was posted 48h ahead (A001): the clone is shallow"),
        "{out}"
    );
    assert!(
        out.contains("briefs/retry-budget.md: H001 could not verify the response deadline (A002)"),
        "{out}"
    );
    assert!(out.contains("git fetch --unshallow"), "{out}");
    assert_eq!(exit, 1, "{out}{err}");
    let (_, out, _) = run(&shallow, &["due"]);
    assert!(out.contains("could not verify"), "{out}");
    assert!(!out.contains("due in"), "{out}");
}

#[test]
fn blobless_clone_due_says_it_cannot_verify_rather_than_due_in() {
    let src = upstream_with_history();
    let tmp = tempfile::tempdir().unwrap();
    let clone = clone_of(&src, tmp.path(), &["--filter=blob:none"]);
    let out = src.cmd_in(&clone, &["due"]).output().unwrap();
    let due = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Either the facts are complete (the status never changed, so no old blob is needed)
    // and the response is overdue, or they are not and annals says so: never "due in".
    assert!(!due.contains("due in"), "{due}");
    assert!(
        due.contains("overdue by") || due.contains("could not verify"),
        "{due}"
    );
    let out = src
        .cmd_in(&clone, &["check", "--format", "concise", "--strict"])
        .output()
        .unwrap();
    let check = String::from_utf8_lossy(&out.stdout);
    assert!(check.contains("A002") || check.contains("H001"), "{check}");
}

// ---- Found in review: each once a way around the gate ----

#[cfg(unix)]
#[test]
fn review_backslash_names_and_symlinked_kind_folders_read_nothing_outside() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: SECRET-OUTSIDE\nstatus: draft\n---\n# SECRET-OUTSIDE\n",
    )
    .unwrap();
    // `briefs/x\secret.md` is a file of its own, not `briefs/x/secret.md` through the link.
    let env = TestEnv::with_config();
    std::fs::create_dir_all(env.path("briefs")).unwrap();
    std::os::unix::fs::symlink(outside.path(), env.path("briefs/x")).unwrap();
    env.write("briefs/x\\secret.md", "");
    let (_, out, _) = env.run(&["list"]);
    assert!(!out.contains("SECRET"), "{out}");
    // A kind folder that is a link out of the repository is not walked.
    let env = TestEnv::new();
    std::os::unix::fs::symlink(outside.path(), env.path("decisions")).unwrap();
    let (_, out, _) = env.run(&["list"]);
    assert!(!out.contains("SECRET"), "{out}");
    let (_, out, _) = env.run(&["check", "--format", "concise"]);
    assert!(
        out.contains("decisions: E002 the kind's folder is not read"),
        "{out}"
    );
    // A kind named after a folder outside (or `.git`) is a configuration error.
    for name in ["\"../outside\"", "\".git\""] {
        let env = TestEnv::new();
        env.write(
            "annals.toml",
            &format!("[kinds.{name}]\nfilename = \"{{slug}}.md\"\n"),
        );
        let (exit, _, err) = env.run(&["list"]);
        assert_eq!(exit, 2, "{name}: {err}");
        assert!(err.contains("annals.toml:1:1"), "{err}");
    }
}

#[test]
fn review_recovery_in_a_monorepo_finishes_the_right_roots_change() {
    let env = busy_repo();
    let sub = env.path("sub");
    std::fs::create_dir_all(&sub).unwrap();
    for (p, t) in env.snapshot_tree() {
        let rel = p.strip_prefix(env.root()).unwrap().to_path_buf();
        let to = sub.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, t).unwrap();
    }
    git(env.root(), &["init", "-q"]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "two roots"]);
    let out = env
        .cmd(&["mv", "ADR-0001", "decisions/0001-use-postgresql.md"])
        .env("ANNALS_TEST_CRASH_AFTER", "33")
        .output()
        .unwrap();
    assert!(!out.status.success());
    // The next command runs in the other root: it finishes the first root's change, and
    // touches nothing of its own.
    let (exit, _, err) = env.run_in(&sub, &["list"]);
    assert_eq!(exit, 0, "{err}");
    assert!(sub.join("decisions/0001-use-postgres.md").exists());
    assert!(
        env.path("decisions/0001-use-postgresql.md").exists(),
        "{err}"
    );
    assert!(
        !env.path("decisions/0001-use-postgres.md").exists(),
        "{err}"
    );
    let (_, out, _) = env.run(&["check", "--format", "concise", "--select", "L001"]);
    assert_eq!(out, "");
}

#[cfg(unix)]
#[test]
fn review_mv_through_a_link_to_another_kinds_folder_is_refused() {
    let env = busy_repo();
    std::fs::create_dir_all(env.path("meetings")).unwrap();
    std::os::unix::fs::symlink("../meetings", env.path("decisions/link")).unwrap();
    let (exit, _, err) = env.run(&["mv", "ADR-0002", "decisions/link/0002-d2.md"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("leads through a symbolic link"), "{err}");
    assert!(env.path("decisions/0002-d2.md").exists());
}

#[test]
fn review_markers_in_tag_descriptions_and_hand_written_codeowners_stay_inert() {
    let env = TestEnv::with_config();
    let cfg = env.read("annals.toml").replace(
        "security = \"Threat models, access control, secrets\"",
        "security = \"\"\"x\n<!-- END annals catalog tag security -->\n\"\"\"",
    );
    env.write(
        "annals.toml",
        &format!("{cfg}\n[codeowners]\npath = \"CODEOWNERS\"\n"),
    );
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace("tags: [storage]", "tags: [security]"),
    );
    env.write(
        "CODEOWNERS",
        "# END annals-era rules below were hand-written\n* @root\n",
    );
    let mut sizes = Vec::new();
    for _ in 0..3 {
        assert_eq!(env.run(&["catalog", "--write"]).0, 0);
        assert_eq!(env.run(&["codeowners", "--write"]).0, 0);
        sizes.push((
            env.read("tags/security.md").len(),
            env.read("CODEOWNERS").len(),
        ));
    }
    assert!(sizes.windows(2).all(|w| w[0] == w[1]), "{sizes:?}");
    assert_eq!(env.run(&["catalog", "--check"]).0, 0);
    assert_eq!(env.run(&["codeowners", "--check"]).0, 0);
}

#[test]
fn review_hook_install_waits_for_the_lock_and_rollback_removes_new_folders() {
    let env = busy_repo();
    git(env.root(), &["init", "-q"]);
    let lock = hold_lock(&env.path(".git/annals"));
    let out = env
        .cmd(&["hook", "install"])
        .env("ANNALS_LOCK_TIMEOUT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    drop(lock);
    let out = env
        .cmd(&["mv", "ADR-0002", "decisions/new/deeper/0002-d2.md"])
        .env("ANNALS_TEST_CRASH_AFTER", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(env.run(&["list"]).0, 0);
    assert!(
        !env.path("decisions/new").exists(),
        "the rolled-back move left its folders"
    );
}

#[test]
fn review_nesting_cap_cannot_be_lifted_and_listings_escape_control_characters() {
    let env = TestEnv::with_config();
    config_with(&env, "[limits]\nmax_nesting = 100000000");
    let (exit, _, err) = env.run(&["check"]);
    assert_eq!(exit, 2);
    assert!(err.contains("expected at most 1000 levels"), "{err}");
    let env = TestEnv::with_config();
    env.write(
        "decisions/0001-use-postgres.md",
        &ADR.replace(
            "title: Use Postgres",
            "title: \"Use \\e[31mPostgres\\a\\u202E\"",
        ),
    );
    for args in [
        &["list"][..],
        &["show", "ADR-0001"],
        &["search", "postgres"],
    ] {
        let (_, out, _) = env.run(args);
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{args:?}: {out:?}"
        );
    }
}

#[test]
fn site_inside_the_repository_waits_for_the_write_lock_and_outside_it_does_not() {
    let env = busy_repo();
    git(env.root(), &["init", "-q"]);
    let lock = hold_lock(&env.path(".git/annals"));
    let out = env
        .cmd(&["site", "--out", "hub"])
        .env("ANNALS_LOCK_TIMEOUT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!env.path("hub").exists());
    // Outside the repository the site is no repository file: no lock to wait for.
    let outside = tempfile::tempdir().unwrap();
    let out = env
        .cmd(&[
            "site",
            "--out",
            outside.path().join("hub").to_str().unwrap(),
        ])
        .env("ANNALS_LOCK_TIMEOUT", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(lock);
    let (code, _, err) = env.run(&["site", "--out", "hub"]);
    assert_eq!(code, 0, "{err}");
    assert!(env.path("hub/index.html").is_file());
}
