//! `annals site`: the hub as static files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{TestEnv, repo_root};

fn handbook() -> TestEnv {
    let env = TestEnv::new();
    env.copy_tree(&repo_root().join("examples/handbook"));
    env
}

/// Every file of a site, by its path in it.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The `href` and `src` values of a page.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_internal_link_of_the_site_resolves_and_two_builds_are_identical() {
    let env = handbook();
    let (code, _, err) = env.run(&["site", "--out", "../site"]);
    assert_eq!(code, 0, "{err}");
    let out = env.root().join("../site");
    let site = files(&out);
    assert!(site.contains_key("index.html"));
    assert!(site.contains_key("docs/decisions/0002-use-postgres-for-the-event-store.html"));
    assert!(site.contains_key("kinds/decision.html"));
    assert!(site.contains_key("tags/storage.html"));
    assert!(site.contains_key("people/alice.html"));
    let mut checked = 0;
    for (page, bytes) in &site {
        if Path::new(page).extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        // Nothing from the network.
        assert!(
            !html.contains("src=\"http"),
            "{page} loads from the network"
        );
        for r in references(&html) {
            if r.starts_with("http://")
                || r.starts_with("https://")
                || r.starts_with("mailto:")
                || r.starts_with('#')
            {
                continue;
            }
            let target = r.split('#').next().unwrap();
            let from = Path::new(page).parent().unwrap();
            let resolved = out.join(from).join(target);
            assert!(resolved.is_file(), "{page}: `{r}` leads nowhere");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    // The same input makes the same bytes.
    let (code, _, err) = env.run(&["site", "--out", "../site"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(&out), site);
}

#[test]
fn a_document_page_renders_markdown_as_github_does_and_runs_nothing() {
    let env = handbook();
    env.write(
        "briefs/hostile.md",
        "---\ntitle: Hostile <b>brief</b>\nstatus: draft\ndate: 2026-11-20\nowner: alice\ntags: [storage]\n---\n# Hostile brief\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) and [data](data:text/html,x)\n\n| a | b |\n|---|---|\n| ~~old~~ | [x] |\n\n- [x] done\n- [ ] open\n\nSee [the context](../decisions/0002-use-postgres-for-the-event-store.md#context).\n\n## Problem\n\nx\n\n## Proposal\n\ny\n\n## Feedback\n",
    );
    let (code, _, err) = env.run(&["site", "--out", "site"]);
    assert_eq!(code, 0, "{err}");
    let html = env.read("site/docs/briefs/hostile.html");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        !html.contains("javascript:") && !html.contains("data:text"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("<title>Hostile &lt;b&gt;brief&lt;/b&gt;</title>"),
        "{html}"
    );
    // GitHub's rendering: tables, strikethrough, task lists, heading anchors, and links to
    // other documents pointed at their pages, fragment kept.
    assert!(html.contains("<table>") && html.contains("<del>old</del>"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("<h2 id=\"problem\">Problem</h2>"), "{html}");
    assert!(
        html.contains("href=\"../decisions/0002-use-postgres-for-the-event-store.html#context\""),
        "{html}"
    );
    // The page it links to shows it among its backlinks.
    let adr2 = env.read("site/docs/decisions/0002-use-postgres-for-the-event-store.html");
    assert!(adr2.contains("Linked from"));
    assert!(adr2.contains("../briefs/hostile.html"), "{adr2}");
}

#[test]
fn base_url_and_what_site_will_not_overwrite() {
    let env = handbook();
    let (code, _, err) = env.run(&["site", "--out", "site", "--base-url", "/handbook"]);
    assert_eq!(code, 0, "{err}");
    let html = env.read("site/index.html");
    assert!(
        html.contains("href=\"/handbook/assets/style.css\""),
        "{html}"
    );
    assert!(html.contains("href=\"/handbook/kinds/decision.html\""));
    // A folder annals did not write is left alone.
    env.write("notes/keep.txt", "mine\n");
    let (code, _, err) = env.run(&["site", "--out", "notes"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a site annals wrote"), "{err}");
    assert_eq!(env.read("notes/keep.txt"), "mine\n");
    let (code, _, err) = env.run(&["site", "--out", ".git/site"]);
    assert_eq!(code, 2, "{err}");
}
