//! Search: always fresh, exact, filtered; robust to concurrent writers and corrupt indexes.

use crate::common::{TestEnv, fixtures};

fn repo() -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&crate::common::repo_root().join("examples/handbook"));
    env
}

fn paths(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--limit", "1000"]);
    let (exit, out, err) = env.run(&all);
    assert_eq!(exit, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn words_phrases_fields_and_filters() {
    let env = repo();
    let outbox = paths(&env, &["outbox"]);
    assert!(
        outbox
            .iter()
            .any(|p| p.contains("0009-use-a-transactional-outbox")),
        "{outbox:?}"
    );
    // Both documents with "outbox" in the title rank above every body-only match.
    let in_title = [
        "decisions/0009-use-a-transactional-outbox-for-domain-events.md",
        "meetings/2026-10-01-outbox-migration-go-live-review.md",
    ];
    let mut top: Vec<&str> = outbox[..2].iter().map(String::as_str).collect();
    top.sort_unstable();
    assert_eq!(top, in_title, "title matches first: {outbox:?}");
    let phrase = paths(&env, &["\"transactional outbox\""]);
    assert!(!phrase.is_empty() && phrase.len() <= outbox.len());
    let tagged = paths(&env, &["tag:security"]);
    let listed = env
        .run(&["list", "--tag", "security", "--format", "paths"])
        .1;
    let mut want: Vec<String> = listed.lines().map(str::to_string).collect();
    let mut got = tagged.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "tag: returns exactly the tagged documents");
    assert_eq!(
        paths(&env, &["id:adr-0007"]),
        ["decisions/0007-cap-client-retries-with-a-retry-budget.md"]
    );
    let flagged = paths(
        &env,
        &["retry", "--kind", "decision", "--status", "accepted"],
    );
    assert!(
        flagged.iter().all(|p| p.starts_with("decisions/")),
        "{flagged:?}"
    );
    assert!(paths(&env, &["retry -budget"]).len() < paths(&env, &["retry"]).len());
    assert!(paths(&env, &["zzzzqqq"]).is_empty());
}

#[test]
fn json_has_the_spec_shape_and_typos_are_tolerated() {
    let env = repo();
    let (_, out, _) = env.run(&["search", "retry budget", "--format", "json", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["query", "total", "hits"]);
    let hit = v["hits"][0].as_object().unwrap();
    let keys: Vec<&str> = hit.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["id", "kind", "path", "title", "status", "score", "snippet"]
    );
    assert!(
        hit["snippet"].as_str().unwrap().contains("**"),
        "matched terms are marked"
    );
    let (_, out, _) = env.run(&["search", "outbx", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fuzzy"], true);
    assert!(v["total"].as_u64().unwrap() > 0);
}

#[test]
fn edits_additions_and_deletions_show_without_an_index_command() {
    let env = repo();
    assert!(paths(&env, &["quasarwhale"]).is_empty());
    let p = "decisions/0005-version-public-apis-in-the-url-path.md";
    env.write(p, &(env.read(p) + "\nThe quasarwhale test.\n"));
    assert_eq!(paths(&env, &["quasarwhale"]), [p]);
    env.write(
        "briefs/quasarwhale-plan.md",
        "---\ntitle: Quasarwhale plan\nstatus: draft\nowner: alice\n---\n\n# Quasarwhale plan\n",
    );
    assert_eq!(paths(&env, &["quasarwhale"]).len(), 2);
    std::fs::remove_file(env.root().join(p)).unwrap();
    assert_eq!(
        paths(&env, &["quasarwhale"]),
        ["briefs/quasarwhale-plan.md"]
    );
    env.write(
        "briefs/quasarwhale-plan.md",
        "---\ntitle: Other plan\nstatus: draft\nowner: alice\n---\n\n# Other plan\n",
    );
    assert!(
        paths(&env, &["quasarwhale"]).is_empty(),
        "an edit removes stale text"
    );
}

#[test]
fn a_corrupt_index_is_rebuilt_with_a_note() {
    let env = repo();
    assert_eq!(env.run(&["index"]).0, 0);
    let dir = env.root().join(".annals/index");
    let mut damaged = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "meta.json" || ext == "idx" || ext == "term" {
            std::fs::write(&p, b"\x00garbage").unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    let (exit, out, err) = env.run(&["search", "outbox", "--format", "json"]);
    assert_eq!(exit, 0, "{err}");
    assert!(err.contains("rebuilt"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);
}

#[test]
fn concurrent_indexers_and_a_search_neither_corrupt_nor_fail() {
    let env = repo();
    for i in 0..30 {
        env.write(&format!("briefs/extra-{i}.md"), &format!("---\ntitle: Extra {i}\nstatus: draft\nowner: alice\n---\n\n# Extra {i}\n\nmarmalade {i}\n"));
    }
    let children: Vec<_> = (0..4)
        .map(|_| {
            env.cmd(&["index"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .chain(std::iter::once(
            env.cmd(&["search", "marmalade"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap(),
        ))
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(paths(&env, &["marmalade"]).len(), 30);
}

#[test]
fn an_index_from_another_format_version_is_rebuilt() {
    let env = repo();
    assert_eq!(env.run(&["index"]).0, 0);
    let manifest = env.root().join(".annals/index/annals-manifest.txt");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.starts_with("{\"format\":5,"), "{text}");
    let text = text.replacen("\"format\":5", "\"format\":4", 1);
    std::fs::write(&manifest, text).unwrap();
    let (exit, out, err) = env.run(&["index"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("(19 updated)"), "{out}");
}

#[test]
fn export_writes_one_json_document_per_line() {
    let env = TestEnv::with_config();
    env.copy_tree(&fixtures().join("rules/N002/clean"));
    let (exit, out, _) = env.run(&["export", "--format", "ndjson"]);
    assert_eq!(exit, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "ADR-0001");
    for key in [
        "kind", "path", "title", "headings", "body", "tags", "owner", "status", "date",
    ] {
        assert!(lines[0].get(key).is_some(), "{key}");
    }
}

#[test]
fn an_unwritable_index_folder_falls_back_to_a_temp_folder() {
    let env = repo();
    // `.annals` as a file: the index folder cannot be made there (as in a read-only clone).
    env.write(".annals", "not a folder");
    let (exit, out, err) = env.run(&["search", "outbox", "--format", "json"]);
    assert_eq!(exit, 0, "{err}");
    assert!(err.contains("read-only"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);
}

/// `annals index --watch` running in the background, stopped when dropped.
#[cfg(unix)]
struct Watcher(std::process::Child);

#[cfg(unix)]
impl Watcher {
    fn start(env: &TestEnv, socket: &std::path::Path) -> Watcher {
        let child = env
            .cmd(&["index", "--watch"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let watcher = Watcher(child);
        for _ in 0..200 {
            if std::os::unix::net::UnixStream::connect(socket).is_ok() {
                return watcher;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the watcher never listened on {}", socket.display());
    }
}

#[cfg(unix)]
impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Searches `word` verbosely: the paths found, and whether the watcher vouched for the index.
#[cfg(unix)]
fn watched_search(env: &TestEnv, word: &str) -> (Vec<String>, bool) {
    let (exit, out, err) = env.run(&["search", word, "--format", "json", "-v"]);
    assert_eq!(exit, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect();
    (
        found,
        err.contains("`annals index --watch` kept the index fresh"),
    )
}

#[cfg(unix)]
#[test]
fn a_watcher_keeps_searches_fresh_without_their_refresh() {
    for git in [false, true] {
        let env = repo();
        let socket = if git {
            git2::Repository::init(env.root()).unwrap();
            env.root().join(".git/annals/index.sock")
        } else {
            env.root().join(".annals/index.sock")
        };
        let watcher = Watcher::start(&env, &socket);
        let brief = "briefs/consolidate-staging-environments.md";
        assert_eq!(watched_search(&env, "quokka"), (vec![], true));
        // An edit, a new document and a deletion, each seen by the very next search.
        let text = env.read(brief);
        env.write(brief, &format!("{text}\nThe quokka plan.\n"));
        assert_eq!(
            watched_search(&env, "quokka"),
            (vec![brief.to_string()], true)
        );
        env.write(
            "briefs/quokka-census.md",
            "---\ntitle: Quokka census\nstatus: draft\nowner: alice\n---\n\n# Quokka census\n\nCount them.\n",
        );
        let (mut found, watched) = watched_search(&env, "quokka");
        found.sort();
        assert_eq!(
            (found, watched),
            (
                vec![brief.to_string(), "briefs/quokka-census.md".to_string()],
                true
            )
        );
        std::fs::remove_file(env.path(brief)).unwrap();
        assert_eq!(
            watched_search(&env, "quokka"),
            (vec!["briefs/quokka-census.md".to_string()], true)
        );
        // A folder made while watching, and a document made in it at once.
        std::fs::create_dir(env.path("briefs/archive")).unwrap();
        assert_eq!(watched_search(&env, "wombat"), (vec![], true));
        env.write(
            "briefs/archive/wombat-count.md",
            "---\ntitle: Wombat count\nstatus: draft\nowner: alice\n---\n\n# Wombat count\n\nCount them.\n",
        );
        assert_eq!(
            watched_search(&env, "wombat"),
            (vec!["briefs/archive/wombat-count.md".to_string()], true)
        );
        // One watcher per repository.
        let (exit, _, err) = env.run(&["index", "--watch"]);
        assert_eq!(exit, 2, "{err}");
        assert!(err.contains("another `annals index --watch`"), "{err}");
        // A changed configuration stops the watcher: it can no longer vouch for the index.
        let mut watcher = watcher;
        env.write("annals.toml", &(env.read("annals.toml") + "\n"));
        let mut stopped = None;
        for _ in 0..100 {
            stopped = watcher.0.try_wait().unwrap();
            if stopped.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(stopped.and_then(|s| s.code()), Some(2));
        assert!(
            !watched_search(&env, "wombat").1,
            "the stopped watcher vouched"
        );
        // Without a watcher (killed, its socket left behind), searches refresh the index
        // themselves.
        drop(Watcher::start(&env, &socket));
        assert!(socket.exists());
        env.write(
            "briefs/quokka-census.md",
            "---\ntitle: Census\nstatus: draft\nowner: alice\n---\n\n# Census\n\nGone.\n",
        );
        assert_eq!(watched_search(&env, "quokka"), (vec![], false));
    }
}

#[test]
fn snippets_show_rendered_text_and_an_empty_result_says_so() {
    let env = TestEnv::with_config();
    env.write(
        "briefs/crossing.md",
        "---\ntitle: Crossing\nstatus: draft\nowner: alice\n---\n\n# Crossing\n\n<!-- What is the zebra issue? -->\nThe zebra crossing, see [the plan](https://example.com/zebra-plan).\n",
    );
    let (exit, out, err) = env.run(&["search", "zebra", "--format", "json"]);
    assert_eq!(exit, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let snippet = v["hits"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("zebra") && snippet.contains("crossing"),
        "{snippet}"
    );
    assert!(
        !snippet.contains("<!--") && !snippet.contains("example.com"),
        "{snippet}"
    );
    let (_, out, _) = env.run(&["search", "okapi"]);
    assert_eq!(out, "No document matches the query.\n");
}
