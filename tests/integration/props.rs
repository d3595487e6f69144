//! Properties over generated input: slugs, mv round trips, fix idempotence, and diagnostics
//! that do not depend on how the files are split between runs or threads.

use proptest::prelude::*;

use crate::common::{TestEnv, repo_root};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn handbook() -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&repo_root().join("examples/handbook"));
    env
}

/// `(path, text)` of every decision, meeting and brief of the handbook.
fn documents(env: &TestEnv) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["decisions", "meetings", "briefs"] {
        for e in std::fs::read_dir(env.root().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let md = std::path::Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if md && name != "README.md" {
                let path = format!("{dir}/{name}");
                let text = env.read(&path);
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(config(2000))]

    /// github-slugger: lowercase; only letters, marks, digits, `_`, `-` and spaces kept; each
    /// space one `-`, nothing collapsed or trimmed; the same text, the same slug.
    #[test]
    fn slugs_are_stable_and_github_compatible(text in "\\PC{0,40}") {
        let s = annals::docs::slug::heading(&text);
        prop_assert_eq!(&s, &annals::docs::slug::heading(&text));
        prop_assert_eq!(annals::docs::slug::heading(&s), s.clone(), "a slug is its own slug");
        prop_assert_eq!(s.to_lowercase(), s.clone());
        prop_assert!(!s.chars().any(char::is_whitespace), "{:?}", s);
        let lower = text.to_lowercase();
        prop_assert_eq!(
            s.matches('-').count(),
            lower.matches(' ').count() + lower.matches('-').count()
        );
        prop_assert!(s.chars().all(|c| c == '-' || c == '_' || !c.is_ascii() || c.is_ascii_alphanumeric()), "{:?}", s);
    }

    /// The file-name slug (`{slug}`): lowercase ASCII letters and digits in runs joined by
    /// single hyphens.
    #[test]
    fn file_name_slugs_are_strict(text in "\\PC{0,40}") {
        let s = annals::pattern::file_slug(&text);
        prop_assert!(s.split('-').all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())) || s.is_empty(), "{:?}", s);
        prop_assert_eq!(annals::pattern::file_slug(&s), s);
    }
}

proptest! {
    #![proptest_config(config(10))]

    /// `mv` then `mv` back restores every byte of every file.
    #[test]
    fn mv_and_back_restores_every_byte(pick in 0usize..19, number in 13u32..9999, slug in "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,3}", archive in any::<bool>()) {
        let env = handbook();
        let docs = documents(&env);
        let (from, _) = &docs[pick % docs.len()];
        let (dir, name) = from.split_once('/').unwrap();
        let new_name = match dir {
            "decisions" => format!("{number:04}-{slug}.md"),
            "meetings" => format!("{}-{slug}.md", &name[..10]),
            _ => format!("{slug}.md"),
        };
        let to = if archive { format!("{dir}/archive/{new_name}") } else { format!("{dir}/{new_name}") };
        prop_assume!(!env.path(&to).exists());
        let before = env.snapshot_tree();
        let (exit, _, err) = env.run(&["mv", from, &to]);
        prop_assert_eq!(exit, 0, "{}", err);
        let (exit, out, _) = env.run(&["check", "--format", "concise"]);
        prop_assert_eq!((exit, out.as_str()), (0, ""), "a link broke moving {} to {}", from, to);
        let (exit, _, err) = env.run(&["mv", &to, from]);
        prop_assert_eq!(exit, 0, "{}", err);
        prop_assert!(before == env.snapshot_tree(), "mv {} {} and back changed bytes", from, to);
    }

    /// Case damage to links and tags, fixed: nothing of it is left, and a second `--fix`
    /// changes nothing.
    #[test]
    fn fixes_are_idempotent(damage in proptest::collection::vec((0usize..19, 0usize..40, any::<bool>()), 1..6)) {
        let env = handbook();
        let docs = documents(&env);
        for (pick, nth, tag) in damage {
            let (path, _) = &docs[pick % docs.len()];
            let text = env.read(path);
            let damaged = if tag {
                let Some(line) = text.lines().find(|l| l.starts_with("tags: [")) else { continue };
                text.replacen(line, &line.replacen("tags: [", "tags: [ ", 1).to_uppercase().replacen("TAGS: [", "tags: [", 1), 1)
            } else {
                let links: Vec<(usize, &str)> = text.match_indices("](").collect();
                if links.is_empty() { continue; }
                let (at, _) = links[nth % links.len()];
                let end = text[at..].find(')').map_or(text.len(), |e| at + e);
                let dest = &text[at + 2..end];
                if dest.starts_with("http") || !dest.contains(".md") { continue; }
                let file_end = dest.find(".md").unwrap();
                let upper = format!("{}{}", dest[..file_end].to_uppercase(), &dest[file_end..]);
                format!("{}{}{}", &text[..at + 2], upper, &text[end..])
            };
            env.write(path, &damaged);
        }
        let (exit, _, err) = env.run(&["check", "--fix", "--format", "concise"]);
        prop_assert!(exit <= 1, "{}", err);
        let once = env.snapshot_tree();
        let (_, out, _) = env.run(&["check", "--format", "concise"]);
        prop_assert!(!out.contains("L007") && !out.contains("F003"), "{}", out);
        let (_, out, _) = env.run(&["check", "--fix"]);
        prop_assert!(out.contains("Fixed 0 problems in 0 files."), "{}", out);
        prop_assert!(once == env.snapshot_tree(), "a second --fix changed files");
    }

    /// The same findings from one run, from one run per file, and on one thread.
    #[test]
    fn diagnostics_do_not_depend_on_how_files_are_split(defects in proptest::collection::vec((0usize..19, 0usize..4), 1..8)) {
        let env = handbook();
        let docs = documents(&env);
        for (pick, what) in defects {
            let (path, _) = &docs[pick % docs.len()];
            let text = env.read(path);
            let damaged = match what {
                0 => text.replacen("owner: ", "owner: nobody-", 1),
                1 => text.replacen(".md)", "-gone.md)", 1),
                2 => text.replacen("## ", "### ", 1),
                _ => text.replacen("tags: [", "tags: [Storage, ", 1),
            };
            env.write(path, &damaged);
        }
        let lines = |json: &str| -> Vec<String> {
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            let mut all: Vec<String> = v["diagnostics"].as_array().unwrap().iter().map(ToString::to_string).collect();
            all.sort();
            all
        };
        let (_, whole, _) = env.run(&["check", "--format", "json"]);
        let whole = lines(&whole);
        let mut per_path = Vec::new();
        for (path, _) in &docs {
            let (_, out, _) = env.run(&["check", "--format", "json", path]);
            per_path.extend(lines(&out));
        }
        per_path.sort();
        prop_assert_eq!(&whole, &per_path);
        let out = env.cmd(&["check", "--format", "json"]).env("RAYON_NUM_THREADS", "1").output().unwrap();
        prop_assert_eq!(&whole, &lines(&String::from_utf8_lossy(&out.stdout)));
    }
}
