//! README.md's examples, run with trycmd and compared with what README shows.
//!
//! A block is tested when the line before its fence is `<!-- test: GROUP -->`: a
//! ` ```console ` block (`$ ` commands, `> ` continuations, `? N` for an exit code other
//! than 0, then stdout and stderr as one stream; `...` and `[..]` elide what varies), or a
//! ` ```sh ` block, run with `sh -e` and expected to print nothing. The blocks of a group
//! run in README's order, one after another, in a fresh copy of the group's scenario
//! (see [`GROUPS`]). For each group the test writes a copy of README in which only that
//! group's blocks are tested and every other fence is `text`, so a failure's line number is
//! README's line number.
//!
//! A ` ```console ` block must be tested, and any other block holding `$ ` lines must be
//! tested or say why not (`<!-- untested: REASON -->`).
//!
//! `TRYCMD=overwrite cargo test readme` writes the real outputs into README.md (check the
//! diff: an elided `...` or `[..]` may need restoring).
//!
//! The examples run in a cleared environment (see [`child_env`]): no git configuration of
//! the user's, `ANNALS_NOW` and git's dates fixed, no colour. README's "Git history"
//! section tells readers the same.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::repo_root;

/// The clock of every example (10:00 in the handbook's Europe/Paris).
const NOW: &str = "2026-11-25T09:00:00Z";
/// The author and committer date of every commit an example makes.
const GIT_DATE: &str = "2026-11-25T10:00:00+01:00";

/// What a group starts from.
#[derive(Clone, Copy)]
enum Scenario {
    /// A copy of `examples/handbook`, outside git.
    Handbook,
    /// The repository `examples/make-history.sh` builds.
    History,
    /// An empty folder.
    Empty,
    /// A copy of `tests/fixtures/formats/NAME`.
    Format(&'static str),
}

/// Every group README's markers name, with its scenario.
const GROUPS: &[(&str, Scenario)] = &[
    ("handbook", Scenario::Handbook),
    ("broken", Scenario::Handbook),
    ("config-duration", Scenario::Handbook),
    ("config-key", Scenario::Handbook),
    ("new", Scenario::Handbook),
    ("codeowners", Scenario::Handbook),
    ("catalog", Scenario::Handbook),
    ("fix-rename", Scenario::Handbook),
    ("fix-supersede", Scenario::Handbook),
    ("mv", Scenario::Handbook),
    ("site", Scenario::Handbook),
    ("init", Scenario::Empty),
    ("madr2", Scenario::Format("madr2")),
    ("madr3", Scenario::Format("madr3")),
    ("madr4", Scenario::Format("madr4")),
    ("adr-tools", Scenario::Format("adr-tools")),
    ("log4brains", Scenario::Format("log4brains")),
    ("history", Scenario::History),
    ("history-review", Scenario::History),
    ("history-staged", Scenario::History),
];

/// The programs README's examples may run besides annals (looked up on `PATH`).
const TOOLS: &[&str] = &["cat", "git", "grep", "head", "mv", "perl", "sed", "sh"];

/// Set in the child process that runs the examples: its work folder.
const WORK: &str = "ANNALS_README_WORK";

#[test]
fn examples() {
    if let Some(work) = std::env::var_os(WORK) {
        run_examples(Path::new(&work));
        return;
    }
    // Run in a child with a cleared environment: git reads variables such as GIT_DIR or
    // GIT_INDEX_FILE (set when tests run from a hook) that trycmd would pass on.
    let work = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "readme::examples",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .envs(child_env(work.path()))
        .output()
        .expect("run the README examples");
    assert!(
        out.status.success(),
        "README.md's examples differ from their real output:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The whole environment the examples see.
fn child_env(work: &Path) -> Vec<(String, String)> {
    let annals = PathBuf::from(env!("CARGO_BIN_EXE_annals"));
    let path = format!(
        "{}:{}",
        annals.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut env: Vec<(String, String)> = [
        ("PATH", path.as_str()),
        ("HOME", &work.join("home").display().to_string()),
        ("LC_ALL", "C"),
        ("TZ", "UTC"),
        ("NO_COLOR", "1"),
        ("ANNALS_NOW", NOW),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_AUTHOR_DATE", GIT_DATE),
        ("GIT_COMMITTER_DATE", GIT_DATE),
        (WORK, &work.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Ok(mode) = std::env::var("TRYCMD") {
        env.push(("TRYCMD".into(), mode));
    }
    env
}

/// A fenced block of README.
struct Block {
    /// Line index (0-based) of the opening fence; the closing one, or the last line.
    open: usize,
    close: usize,
    ticks: String,
    info: String,
    group: Option<String>,
    untested: bool,
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let ticks = lines[i].len() - lines[i].trim_start_matches('`').len();
        if ticks < 3 {
            i += 1;
            continue;
        }
        let before = if i > 0 { lines[i - 1].trim() } else { "" };
        let group = before
            .strip_prefix("<!-- test: ")
            .and_then(|s| s.strip_suffix(" -->"))
            .map(|s| s.trim().to_string());
        let untested = before.starts_with("<!-- untested: ");
        let fence = &lines[i][..ticks];
        let mut close = i + 1;
        while close < lines.len() && !lines[close].starts_with(fence) {
            close += 1;
        }
        out.push(Block {
            open: i,
            close,
            ticks: fence.to_string(),
            info: lines[i][ticks..].trim().to_string(),
            group,
            untested,
        });
        i = close + 1;
    }
    out
}

/// Refuses README blocks that would escape the test.
fn lint(lines: &[&str], blocks: &[Block]) {
    let known: Vec<&str> = GROUPS.iter().map(|g| g.0).collect();
    for b in blocks {
        let at = b.open + 1;
        let body = &lines[b.open + 1..b.close.min(lines.len())];
        if let Some(g) = &b.group {
            assert!(
                known.contains(&g.as_str()),
                "README.md:{at}: unknown test group `{g}`: add it to GROUPS in tests/integration/readme.rs"
            );
            assert!(
                b.info == "console" || b.info == "sh",
                "README.md:{at}: a tested block is ```console or ```sh, not ```{}",
                b.info
            );
            if b.info == "console" {
                for (n, l) in body.iter().enumerate() {
                    if let Some(cmd) = l.strip_prefix("$ ") {
                        let program = cmd.split_whitespace().find(|w| !w.contains('='));
                        assert!(
                            program.is_some_and(|p| p == "annals" || TOOLS.contains(&p)),
                            "README.md:{}: `{cmd}` runs a program the test does not provide: add it to TOOLS",
                            b.open + 2 + n
                        );
                    }
                }
            }
        } else {
            assert!(
                b.info != "console",
                "README.md:{at}: a ```console block must be tested: put `<!-- test: GROUP -->` on the line before it"
            );
            assert!(
                b.untested || !body.iter().any(|l| l.starts_with("$ ")),
                "README.md:{at}: an example with `$ ` commands must be tested (```console after `<!-- test: GROUP -->`) or say why not (`<!-- untested: REASON -->`)"
            );
        }
    }
    for (g, _) in GROUPS {
        assert!(
            blocks.iter().any(|b| b.group.as_deref() == Some(g)),
            "test group `{g}` has no block in README.md: remove it from GROUPS"
        );
    }
}

/// README with only `group`'s blocks tested; its `sh` blocks become scripts in `scripts`.
fn copy_for(lines: &[&str], blocks: &[Block], group: &str, scripts: &Path) -> String {
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    for b in blocks {
        let ours = b.group.as_deref() == Some(group);
        if ours && b.info == "sh" {
            let script = scripts.join(format!("{group}-{}.sh", b.open + 1));
            let body: String = lines[b.open + 1..b.close]
                .iter()
                .flat_map(|l| [*l, "\n"])
                .collect();
            std::fs::write(&script, body).unwrap();
            out[b.open] = format!("{}console", b.ticks);
            for (n, l) in out[b.open + 1..b.close].iter_mut().enumerate() {
                *l = if n == 0 {
                    format!("$ sh -e {}", script.display())
                } else {
                    "> ".to_string()
                };
            }
        } else if !ours {
            out[b.open] = format!("{}text", b.ticks);
        }
        if ours {
            // trycmd drops the newline before a closing fence, so an output ending in one
            // would need a blank line there; move the fence onto the blank line after it.
            assert!(
                lines.get(b.close + 1).is_some_and(|l| l.trim().is_empty()),
                "README.md:{}: a tested block needs a blank line after it",
                b.close + 1
            );
            out[b.close + 1] = std::mem::take(&mut out[b.close]);
        }
    }
    out.iter().flat_map(|l| [l.as_str(), "\n"]).collect()
}

fn run_examples(work: &Path) {
    // Canonical, as annals prints paths and as trycmd's `[CWD]` must match them.
    let work = &work.canonicalize().unwrap();
    let readme_path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let all = blocks(&lines);
    lint(&lines, &all);

    let cases = work.join("cases");
    let scripts = work.join("scripts");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::create_dir_all(work.join("home")).unwrap();
    let history = work.join("history");
    let built = Command::new("bash")
        .arg(repo_root().join("examples/make-history.sh"))
        .arg(&history)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "examples/make-history.sh failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    for (group, scenario) in GROUPS {
        // `GROUP.in` names a folder named as README names it (`annals init` names a project
        // after its folder): trycmd reads a `.in` file as the path of its folder.
        let name = match scenario {
            Scenario::Handbook => "handbook",
            Scenario::History => "readme-git",
            Scenario::Empty => group,
            Scenario::Format(name) => name,
        };
        let dir = work.join("dirs").join(group).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(cases.join(format!("{group}.in")), dir.display().to_string()).unwrap();
        match scenario {
            Scenario::Handbook => copy_dir(&repo_root().join("examples/handbook"), &dir),
            Scenario::History => copy_dir(&history, &dir),
            Scenario::Empty => {}
            Scenario::Format(name) => {
                copy_dir(&repo_root().join("tests/fixtures/formats").join(name), &dir);
            }
        }
        std::fs::write(
            cases.join(format!("{group}.md")),
            copy_for(&lines, &all, group, &scripts),
        )
        .unwrap();
    }

    let t = trycmd::TestCases::new();
    t.default_bin_path(env!("CARGO_BIN_EXE_annals"))
        .register_bin("annals", Path::new(env!("CARGO_BIN_EXE_annals")))
        .timeout(std::time::Duration::from_secs(120));
    for tool in TOOLS {
        t.register_bin(*tool, which(tool));
    }
    t.case(cases.join("*.md"));
    t.run();

    if std::env::var("TRYCMD").as_deref() == Ok("overwrite") {
        write_back(&readme_path, &lines, &all, &cases);
    }
}

/// Puts each group's overwritten console blocks back into README.md.
fn write_back(readme_path: &Path, lines: &[&str], all: &[Block], cases: &Path) {
    let mut replaced: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (group, _) in GROUPS {
        let text = std::fs::read_to_string(cases.join(format!("{group}.md"))).unwrap();
        let copy: Vec<&str> = text.lines().collect();
        let theirs = blocks(&copy);
        assert_eq!(theirs.len(), all.len(), "{group}.md: blocks changed");
        for (n, (ours, b)) in all.iter().zip(&theirs).enumerate() {
            if ours.group.as_deref() == Some(group) && ours.info == "console" {
                // Without the blank line that stood for the last output's newline.
                let mut body: Vec<String> = copy[b.open + 1..b.close]
                    .iter()
                    .map(|l| (*l).to_string())
                    .collect();
                if body.last().is_some_and(String::is_empty) {
                    body.pop();
                }
                replaced.insert(n, body);
            }
        }
    }
    let mut out = String::new();
    let mut line = 0;
    for (n, b) in all.iter().enumerate() {
        let Some(body) = replaced.get(&n) else {
            continue;
        };
        for l in &lines[line..=b.open] {
            out.push_str(l);
            out.push('\n');
        }
        for l in body {
            out.push_str(l);
            out.push('\n');
        }
        line = b.close;
    }
    for l in &lines[line..] {
        out.push_str(l);
        out.push('\n');
    }
    std::fs::write(readme_path, out).unwrap();
}

fn which(tool: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("README's examples need `{tool}` on PATH"))
}

/// A recursive copy that keeps file modes (scripts, git's files).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
