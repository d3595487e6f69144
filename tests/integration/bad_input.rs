//! Hostile and unusual input: a diagnostic or a documented skip, never a panic, never a write.

use crate::common::TestEnv;

fn codes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json output");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["path"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn hostile_files_get_diagnostics_and_nothing_is_written() {
    let env = TestEnv::with_config();
    let fm = "---\ntitle: T\nstatus: draft\nowner: alice\n---\n\n# T\n";
    env.write("briefs/empty.md", "");
    env.write_bytes("briefs/binary.md", b"\x00\x01\x02");
    env.write_bytes("briefs/latin1.md", b"---\ntitle: caf\xe9\n---\n");
    env.write("briefs/bom.md", &format!("\u{feff}{fm}"));
    env.write("briefs/crlf.md", &fm.replace('\n', "\r\n"));
    let mut bomb = String::from("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
    for (p, q) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        bomb.push_str(&format!(
            "{p}: &{p} [*{q},*{q},*{q},*{q},*{q},*{q},*{q},*{q},*{q}]\n"
        ));
    }
    bomb.push_str("---\n# Bomb\n");
    env.write("briefs/alias-bomb.md", &bomb);
    env.write(
        "briefs/deep-yaml.md",
        &format!(
            "---\na: {}{}\n---\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ),
    );
    env.write(
        "briefs/deep-markdown.md",
        &format!("{fm}\n{}\n", "> ".repeat(20_000)),
    );
    env.write("briefs/unclosed.md", "---\ntitle: never closed\n");
    env.write("briefs/list-front-matter.md", "---\n- a\n- b\n---\n# L\n");
    let big = format!("{fm}\n{}", "word ".repeat(2_200_000));
    env.write("briefs/huge.md", &big);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.md");
        std::fs::write(env.root().join("briefs").join(name), fm).unwrap();
    }
    let before = env.snapshot_tree();
    let (exit, out, err) = env.run(&["check", "--format", "json"]);
    assert_eq!(exit, 1, "{err}");
    let got = codes(&out);
    for want in [
        "F001 briefs/empty.md",
        "E001 briefs/binary.md",
        "E001 briefs/latin1.md",
        "F001 briefs/alias-bomb.md",
        "E001 briefs/deep-yaml.md",
        "E001 briefs/deep-markdown.md",
        "F001 briefs/unclosed.md",
        "F001 briefs/list-front-matter.md",
        "E001 briefs/huge.md",
    ] {
        assert!(got.iter().any(|g| g == want), "missing {want} in {got:#?}");
    }
    assert!(
        got.iter()
            .all(|g| !g.contains("bom.md") && !g.contains("crlf.md")),
        "{got:#?}"
    );
    #[cfg(unix)]
    assert!(
        got.iter().any(|g| g.starts_with("E002 briefs/bad-")),
        "{got:#?}"
    );
    assert_eq!(before, env.snapshot_tree(), "check modified the repository");

    // The cap cannot be lifted past 1,000 levels by a repository's own configuration: deep
    // YAML flows take the parser quadratic time (50,000 levels: 11 s for one small file).
    let cfg = env.read("annals.toml") + "\n[limits]\nmax_nesting = 50000\n";
    env.write("annals.toml", &cfg);
    let (exit, _, err) = env.run(&["check", "--format", "json"]);
    assert_eq!(exit, 2, "{err}");
    assert!(
        err.contains("max_nesting = 50000: expected at most 1000 levels"),
        "{err}"
    );
}

#[test]
fn a_100_mb_file_is_refused_by_the_size_cap_without_being_read() {
    let env = TestEnv::with_config();
    let line = "A line of a very long brief that nobody should ever write by hand.\n";
    let text = format!(
        "---\ntitle: T\nstatus: draft\nowner: alice\n---\n\n# T\n{}",
        line.repeat(100 * 1024 * 1024 / line.len() + 1)
    );
    env.write("briefs/huge.md", &text);
    drop(text);
    let (exit, out, err) = env.run(&["check", "--format", "concise"]);
    assert_eq!(exit, 1, "{err}");
    assert!(
        out.contains("briefs/huge.md: E001 file is 104857")
            && out.contains("`[limits] max_file_size`"),
        "{out}"
    );
}

#[test]
fn repository_without_config_or_documents_checks_clean() {
    let env = TestEnv::new();
    let (exit, out, _) = env.run(&["check"]);
    assert_eq!(exit, 0);
    assert_eq!(out, "All checks passed: 0 files, no errors or warnings.\n");
}

#[test]
fn non_ascii_names_and_dates_do_not_panic() {
    let env = TestEnv::with_config();
    env.write("meetings/réunion-équipe.md", "---\ntitle: Réunion\ndate: 2024年1月5日\nowner: alice\n---\n\n# Réunion\n\n## Agenda\n\n## Pre-reads\n\n## Outcome\n");
    let (exit, out, err) = env.run(&["check", "--format", "concise"]);
    assert_eq!(exit, 1, "{err}");
    assert!(out.contains("N001") && out.contains("F004"), "{out}");
    let (exit, _, err) = env.run(&["list", "--from", "2024-01-01"]);
    assert_eq!(exit, 0, "{err}");
    let (exit, _, err) = env.run(&["list", "--from", "2024年1月5日"]);
    assert_eq!(exit, 2, "{err}");
    assert!(
        err.contains("is not a day: write it as YYYY-MM-DD"),
        "{err}"
    );
    let (exit, out, err) = env.run(&["new", "meeting", "Sync", "--date", "2026-1-5"]);
    assert_eq!(
        (exit, out.as_str()),
        (0, "meetings/2026-01-05-sync.md\n"),
        "{err}"
    );
}

/// Kills annals in the middle of each writing command; the files it was writing must be
/// intact, and the next run must work.
#[test]
fn killed_mid_write_leaves_every_file_intact() {
    use std::io::{BufRead, BufReader};
    let env = TestEnv::new();
    env.copy_tree(&crate::common::repo_root().join("examples/handbook"));
    let p = "decisions/0009-use-a-transactional-outbox-for-domain-events.md";
    env.write(
        p,
        &env.read(p).replace(
            "(0003-publish-domain-events-through-rabbitmq.md)",
            "(0003-PUBLISH-DOMAIN-EVENTS-THROUGH-RABBITMQ.md)",
        ),
    );
    let broken = env.read(p);
    env.write("decisions/README.md", "# Decisions\n\nHand-written.\n");
    let cfg = env.read("annals.toml") + "\n[codeowners]\npath = \"CODEOWNERS\"\n";
    env.write("annals.toml", &cfg);
    env.write("CODEOWNERS", "* @acme/leads\n");
    let before = env.snapshot_tree();
    for args in [
        vec!["check", "--fix"],
        vec!["status", "ADR-0012", "accepted"],
        vec!["mv", "ADR-0012", "decisions/0013-trace-requests.md"],
        vec!["catalog", "--write"],
        vec!["codeowners", "--write"],
        vec!["supersede", "ADR-0011", "Rotate secrets every 30 days"],
        vec!["new", "decision", "Stalled"],
    ] {
        let mut child = env
            .cmd(&args)
            .env("ANNALS_TEST_STALL_WRITES", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The run first finishes (or rolls back) what the killed one before it left.
        let mut reader = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if !line.starts_with("annals: rolled back") {
                break;
            }
        }
        assert_eq!(line, "annals: stalled mid-write\n", "{args:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        // Only hidden temp files may differ; every document is as it was.
        let now: Vec<_> = env
            .snapshot_tree()
            .into_iter()
            .filter(|(path, _)| {
                !path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .collect();
        assert_eq!(before, now, "{args:?} left a changed file behind");
    }
    // The next command rolls the interrupted change back: no temp file outlives it.
    let (exit, _, err) = env.run(&["codeowners", "--write"]);
    assert_eq!(exit, 0, "{err}");
    assert!(
        err.starts_with("annals: rolled back an interrupted change (new "),
        "{err}"
    );
    let leftovers: Vec<_> = env
        .snapshot_tree()
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (exit, out, err) = env.run(&["check", "--fix", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    assert_ne!(env.read(p), broken);
    assert_eq!(env.run(&["catalog", "--write"]).0, 0);
    assert!(
        env.read("decisions/README.md")
            .starts_with("# Decisions\n\nHand-written.\n\n<!-- BEGIN")
    );
}
