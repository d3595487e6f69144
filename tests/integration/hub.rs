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
    // A file name a URL must escape: `#`, a space, `%`.
    env.write(
        "briefs/c#-and f%.md",
        "---\ntitle: C# and F#\nstatus: draft\ndate: 2026-11-20\nowner: alice\ntags: [api]\n---\n# C# and F#\n\nSee [ADR-0002](../decisions/0002-use-postgres-for-the-event-store.md).\n",
    );
    // Outside the repository, in a folder of the test's own.
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path().join("site");
    let out_arg = out.to_str().unwrap();
    let (code, _, err) = env.run(&["site", "--out", out_arg]);
    assert_eq!(code, 0, "{err}");
    let site = files(&out);
    assert!(site.contains_key("index.html"));
    assert!(site.contains_key("docs/decisions/0002-use-postgres-for-the-event-store.html"));
    assert!(site.contains_key("kinds/decision.html"));
    assert!(site.contains_key("tags/storage.html"));
    assert!(site.contains_key("people/alice.html"));
    // The graph and the timeline, and a kind's pages per status and order.
    let graph = String::from_utf8(site["graph.html"].clone()).unwrap();
    assert!(graph.contains("supersedes"), "{graph}");
    // Drawn as a picture where Graphviz is installed (CI installs it), never with a script.
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert_eq!(graph.contains("<svg"), has_dot, "{graph}");
    // Drawn, each box leads to its document's page (checked below with every link).
    assert_eq!(
        graph.contains("xlink:href=\"docs/decisions/0002-use-postgres-for-the-event-store.html\""),
        has_dot,
        "{graph}"
    );
    assert!(!graph.contains("<script"));
    let timeline = String::from_utf8(site["timeline.html"].clone()).unwrap();
    assert!(
        timeline.contains("<h2 id=\"2026-11\">November 2026</h2>"),
        "{timeline}"
    );
    // Every tag and everyone, from the bar of every page.
    let tags = String::from_utf8(site["tags/index.html"].clone()).unwrap();
    assert!(tags.contains("href=\"storage.html\""), "{tags}");
    let people = String::from_utf8(site["people/index.html"].clone()).unwrap();
    assert!(people.contains("href=\"alice.html\""), "{people}");
    // A kind's filters mark the page shown, and say how it is ordered.
    let updated = String::from_utf8(site["kinds/decision-updated.html"].clone()).unwrap();
    assert!(
        updated.contains("<a href=\"decision-updated.html\" aria-current=\"page\">updated</a>"),
        "{updated}"
    );
    assert!(updated.contains("<th>Updated</th>"), "{updated}");
    // A document's page: its title first, then the rest of its front matter, people and IDs
    // linked.
    let adr2 = String::from_utf8(
        site["docs/decisions/0002-use-postgres-for-the-event-store.html"].clone(),
    )
    .unwrap();
    let title = adr2.find("<h1").unwrap();
    assert!(title < adr2.find("<dl class=\"meta\">").unwrap(), "{adr2}");
    assert!(adr2.contains("<dt>Consulted</dt>"), "{adr2}");
    for page in [
        "kinds/decision-created.html",
        "kinds/decision-updated.html",
        "kinds/decision-status-accepted.html",
        "kinds/decision-tag-storage.html",
        "kinds/decision-owner-alice.html",
    ] {
        assert!(site.contains_key(page), "{page}");
    }
    let accepted = String::from_utf8(site["kinds/decision-status-accepted.html"].clone()).unwrap();
    assert!(
        accepted.contains("ADR-0002") && !accepted.contains(">ADR-0010 "),
        "{accepted}"
    );
    // Filtered by tag and by owner: only the kind's documents with it.
    let storage = String::from_utf8(site["kinds/decision-tag-storage.html"].clone()).unwrap();
    let rows = storage.matches("<tr><td>").count();
    assert!(
        rows >= 1 && storage.matches("tags/storage.html").count() >= rows,
        "{storage}"
    );
    assert!(!storage.contains("docs/briefs/"), "{storage}");
    let alice = String::from_utf8(site["kinds/decision-owner-alice.html"].clone()).unwrap();
    assert_eq!(
        alice.matches("<tr><td>").count(),
        alice.matches("people/alice.html\">alice</a></td>").count(),
        "{alice}"
    );
    let search = String::from_utf8(site["search.html"].clone()).unwrap();
    assert!(search.contains("<script src=\"search/search.js\"></script>"));
    assert!(site.contains_key("search/docs.js") && site.contains_key("search/w-po.js"));
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
        // The keyboard: a skip link first, the main part its target, native links and
        // controls only, and no tab order of the page's own.
        let body = &html[html.find("<body>").unwrap()..];
        assert!(
            body.starts_with("<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>"),
            "{page}"
        );
        assert!(
            html.contains("<main id=\"main\" tabindex=\"-1\">"),
            "{page}"
        );
        for never in ["onclick", "tabindex=\"1", "tabindex=\"2", "role=\"button\""] {
            assert!(!html.contains(never), "{page}: {never}");
        }
        for r in references(&html) {
            if r.starts_with("http://")
                || r.starts_with("https://")
                || r.starts_with("mailto:")
                || r.starts_with('#')
            {
                continue;
            }
            let target = r.split('#').next().unwrap();
            let target = percent_encoding::percent_decode_str(target)
                .decode_utf8()
                .unwrap();
            assert!(!target.contains('#') || r.contains("%23"), "{page}: `{r}`");
            let from = Path::new(page).parent().unwrap();
            let resolved = out.join(from).join(target.as_ref());
            assert!(resolved.is_file(), "{page}: `{r}` leads nowhere");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    let adr2 = String::from_utf8(
        site["docs/decisions/0002-use-postgres-for-the-event-store.html"].clone(),
    )
    .unwrap();
    assert!(
        adr2.contains("href=\"../briefs/c%23-and%20f%25.html\""),
        "{adr2}"
    );
    // The same input makes the same bytes.
    let (code, _, err) = env.run(&["site", "--out", out_arg]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(&out), site);
}

#[test]
fn a_document_page_renders_markdown_as_github_does_and_runs_nothing() {
    let env = handbook();
    env.write(
        "briefs/hostile.md",
        "---\ntitle: Hostile <b>brief</b>\nstatus: draft\ndate: 2026-11-20\nowner: alice\ntags: [storage]\n---\n# Hostile brief\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) and [data](data:text/html,x)\n\n<a href=\"JaVa&#x09;ScRiPt:alert(4)\">entity</a> <a href=\"//evil.example/x\">scheme-relative</a>\n\n<iframe src=\"https://evil.example\"></iframe><form action=\"https://evil.example\"><button>go</button></form>\n\n<style>body{display:none}</style><div style=\"position:fixed\" onclick=\"alert(5)\">styled</div>\n\n<details open><summary>More</summary>\n\nHidden <kbd>text</kbd>, <a href=\"../decisions/0002-use-postgres-for-the-event-store.md#decision\">a raw link</a>.\n\n</details>\n\n<img src=\"diagram.svg\" alt=\"inline\"> ![picture](photo.png) [the drawing](diagram.svg) [a page](page.html)\n\n| a | b |\n|:---|---:|\n| ~~old~~ | [x] |\n\n- [x] done\n- [ ] open\n\nSee [the context](../decisions/0002-use-postgres-for-the-event-store.md#context).\n\n## Problem\n\nx\n\n## Proposal\n\ny\n\n## Feedback\n",
    );
    env.write(
        "briefs/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(6)\"><script>alert(7)</script><rect width=\"9\" height=\"9\"/></svg>\n",
    );
    env.write("briefs/photo.png", "\u{89}PNG not really\n");
    env.write("briefs/page.html", "<script>alert(8)</script>\n");
    let (code, _, err) = env.run(&["site", "--out", "site"]);
    assert_eq!(code, 0, "{err}");
    let html = env.read("site/docs/briefs/hostile.html");
    let article = &html[html.find("<article>").unwrap()..html.find("</article>").unwrap()];
    // Nothing that runs, whatever the spelling; nothing that frames, posts or restyles.
    for gone in [
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "onload",
        "javascript",
        "data:text",
        "<iframe",
        "<form",
        "<style",
        "style=",
        "evil.example",
        "position:fixed",
    ] {
        assert!(
            !article.to_ascii_lowercase().contains(gone),
            "{gone}: {article}"
        );
    }
    assert!(
        html.contains("<title>Hostile &lt;b&gt;brief&lt;/b&gt;</title>"),
        "{html}"
    );
    // Raw HTML that GitHub keeps is kept, its links pointed at the hub.
    assert!(
        article.contains("<details open=\"\"><summary>More</summary>"),
        "{article}"
    );
    assert!(article.contains("<kbd>text</kbd>"));
    assert!(
        article
            .contains("href=\"../decisions/0002-use-postgres-for-the-event-store.html#decision\""),
        "{article}"
    );
    assert!(article.contains(">styled</div>") && article.contains(">entity</a>"));
    // Pictures: an SVG inlined as an image (an <img> runs nothing), other files published;
    // a link to a file a browser would run leads to a page that shows it.
    assert!(
        article.contains("<img src=\"data:image/svg+xml;base64,")
            && article.contains("alt=\"inline\""),
        "{article}"
    );
    assert!(
        article.contains("src=\"../../files/briefs/photo.png\""),
        "{article}"
    );
    assert!(
        article.contains("href=\"../../files/briefs/diagram.svg.html\""),
        "{article}"
    );
    assert!(
        article.contains("href=\"../../files/briefs/page.html.html\""),
        "{article}"
    );
    assert!(env.root().join("site/files/briefs/photo.png").is_file());
    for raw in [
        "site/files/briefs/diagram.svg",
        "site/files/briefs/page.html",
    ] {
        assert!(!env.root().join(raw).exists(), "{raw} published as it is");
    }
    let viewer = env.read("site/files/briefs/page.html.html");
    assert!(
        viewer.contains("&lt;script&gt;alert(8)") && !viewer.contains("<script"),
        "{viewer}"
    );
    let viewer = env.read("site/files/briefs/diagram.svg.html");
    assert!(
        viewer.contains("<img src=\"data:image/svg+xml;base64,"),
        "{viewer}"
    );
    // GitHub's rendering: tables (aligned by class: no inline style), strikethrough, task
    // lists that cannot be ticked, heading anchors, and links to other documents pointed at
    // their pages, fragment kept.
    assert!(article.contains("<table>") && article.contains("<del>old</del>"));
    assert!(
        article.contains("<th class=\"align-left\">a</th>"),
        "{article}"
    );
    assert!(article.contains("<td class=\"align-right\">"), "{article}");
    assert!(
        article.contains("<input type=\"checkbox\" disabled=\"\" checked=\"\">")
            || article.contains("checked=\"\""),
        "{article}"
    );
    assert!(!article.contains("<input type=\"checkbox\">"), "{article}");
    assert!(
        article.contains("<h2 id=\"problem\">Problem</h2>"),
        "{article}"
    );
    assert!(
        article
            .contains("href=\"../decisions/0002-use-postgres-for-the-event-store.html#context\""),
        "{article}"
    );
    // The link to the file in the repository: its source, published.
    assert!(
        html.contains("href=\"../../files/briefs/hostile.md\""),
        "{html}"
    );
    assert!(
        env.read("site/files/briefs/hostile.md")
            .contains("# Hostile brief")
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

/// `annals serve --port 0` in `root`: the process and its address.
fn serve(root: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["serve", "--port", "0"])
        .current_dir(root)
        .env_clear()
        .env("HOME", root.join(".home"))
        .env("ANNALS_NOW", "2026-11-25T09:00:00Z")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("serving http://")
        .unwrap_or_else(|| panic!("{line}"))
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

/// One HTTP/1.1 request: (status, headers, body).
fn http(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

#[test]
fn serve_answers_pages_only_and_follows_the_work_tree() {
    let env = handbook();
    let (mut child, addr) = serve(env.root());
    let (status, head, body) = http(&addr, "GET", "/");
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("<h2>Recent decisions</h2>"), "{body}");
    assert!(head.contains(
        "Content-Security-Policy: default-src 'self'; img-src 'self' data:; script-src 'self'"
    ));
    // Open pages reload when a file changes: the page listens, and the stream says so.
    assert!(body.contains("<script src=\"/assets/live.js\"></script>"));
    assert!(
        http(&addr, "GET", "/assets/live.js")
            .2
            .contains("EventSource('/events')")
    );
    let mut events = std::net::TcpStream::connect(&addr).unwrap();
    {
        use std::io::Write;
        write!(events, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    }
    events
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut stream = std::io::BufReader::new(events.try_clone().unwrap());
    let mut line = String::new();
    while !line.starts_with(": listening") {
        line.clear();
        std::io::BufRead::read_line(&mut stream, &mut line).unwrap();
    }
    for page in [
        "/docs/decisions/0002-use-postgres-for-the-event-store.html",
        "/kinds/decision.html",
        "/tags/storage.html",
        "/people/alice.html",
        "/assets/style.css",
    ] {
        assert_eq!(http(&addr, "GET", page).0, 200, "{page}");
    }
    let (status, _, body) = http(&addr, "HEAD", "/kinds/decision.html");
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(http(&addr, "POST", "/").0, 405);
    assert_eq!(http(&addr, "GET", "/nope.html").0, 404);
    // Nothing outside the site, in any encoding: not the repository's files, not `.git`.
    for bad in [
        "/../annals.toml",
        "/%2e%2e/annals.toml",
        "/docs/%2e%2e%2f%2e%2e%2fannals.toml",
        "/docs%2f..%2f..%2fannals.toml",
        "/%252e%252e/annals.toml",
        "//etc/passwd",
        "/annals.toml",
        "/decisions/0002-use-postgres-for-the-event-store.md",
        "/.annals-site",
        "/docs/",
    ] {
        let (status, _, body) = http(&addr, "GET", bad);
        assert_eq!(status, 404, "{bad}");
        assert!(
            !body.contains("[project]") && !body.contains("title:"),
            "{bad}: {body}"
        );
    }
    // Search: the index, its query language, snippets with the matches marked; a query is
    // shown escaped.
    let (status, _, body) = http(&addr, "GET", "/search.html?q=postgres+tag%3Astorage");
    assert_eq!(status, 200);
    assert!(
        body.contains("href=\"docs/decisions/0002-use-postgres-for-the-event-store.html\""),
        "{body}"
    );
    assert!(body.contains("<mark>"), "{body}");
    let (_, _, body) = http(&addr, "GET", "/search.html?q=%3Cscript%3Ezebra");
    assert!(!body.contains("<script>"), "{body}");
    assert!(body.contains("&lt;script&gt;zebra"), "{body}");
    // An edit shows on the next request.
    let adr2 = "decisions/0002-use-postgres-for-the-event-store.md";
    env.write(
        adr2,
        &env.read(adr2).replace(
            "title: Use Postgres for the event store",
            "title: Use Postgres for every event",
        ),
    );
    let mut line = String::new();
    while !line.starts_with("data: reload") {
        line.clear();
        std::io::BufRead::read_line(&mut stream, &mut line).unwrap();
    }
    let (_, _, body) = http(
        &addr,
        "GET",
        "/docs/decisions/0002-use-postgres-for-the-event-store.html",
    );
    assert!(body.contains("Use Postgres for every event"), "{body}");
    // A hostile document, served: nothing of it runs; its source is served as text.
    env.write(
        "briefs/hostile.md",
        "---\ntitle: \"<script>alert(0)</script>\"\nstatus: draft\ndate: 2026-11-20\nowner: alice\n---\n# Hostile\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n[go](javascript:alert(3)) <a href=\"jav&#x61;script:alert(4)\">a</a>\n",
    );
    let mut served = String::new();
    for _ in 0..100 {
        let (status, _, body) = http(&addr, "GET", "/docs/briefs/hostile.html");
        if status == 200 {
            served = body;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let article = &served[served.find("<article>").unwrap()..served.find("</article>").unwrap()];
    for gone in ["<script", "onerror", "javascript:", "alert(1)"] {
        assert!(!article.contains(gone), "{gone}: {served}");
    }
    assert!(served.contains("<title>&lt;script&gt;alert(0)&lt;/script&gt;</title>"));
    let (status, head, _) = http(&addr, "GET", "/files/briefs/hostile.md");
    assert_eq!(status, 200);
    assert!(head.contains("text/plain; charset=utf-8"), "{head}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What a review that tried to break the hub found, each kept out.
#[test]
fn review_the_hub_keeps_names_from_becoming_addresses_or_paths() {
    // A document named like a `javascript:` address: its siblings link to it by a path
    // that cannot be read as a scheme.
    let env = handbook();
    env.write(
        "briefs/javascript:alert(1).md",
        "---\ntitle: Named to run\nstatus: draft\ndate: 2026-11-20\nowner: alice\n---\n# Named\n\nSee [the legacy brief](retire-the-legacy-deploy-script.md).\n",
    );
    env.write(
        "briefs/linker.md",
        "---\ntitle: Linker\nstatus: draft\ndate: 2026-11-20\nowner: alice\n---\n# Linker\n\n[m](./javascript:alert(1).md) <a href=\"javascript:alert(1).md\">raw</a>\n\nA [feed](feed.rss), a [page](old.shtm), a [table](data.csv).\n",
    );
    env.write("briefs/feed.rss", "<rss><script>alert(2)</script></rss>\n");
    env.write("briefs/old.shtm", "<script>alert(3)</script>\n");
    env.write("briefs/data.csv", "a,b\n1,2\n");
    // Two documents whose names differ only by their extension keep a page each.
    env.write(
        "briefs/twin.markdown",
        "---\ntitle: Twin markdown\nstatus: draft\ndate: 2026-11-20\nowner: alice\n---\n# Twin\n",
    );
    env.write(
        "briefs/twin.md",
        "---\ntitle: Twin md\nstatus: draft\ndate: 2026-11-20\nowner: alice\n---\n# Twin\n",
    );
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path().join("site");
    let (code, _, err) = env.run(&["site", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let site = files(&out);
    for (page, bytes) in site
        .iter()
        .filter(|(p, _)| Path::new(p).extension().is_some_and(|e| e == "html"))
    {
        let html = String::from_utf8_lossy(bytes).to_ascii_lowercase();
        assert!(!html.contains("href=\"javascript"), "{page}");
        assert!(!html.contains("src=\"javascript"), "{page}");
    }
    let linker = String::from_utf8(site["docs/briefs/linker.html"].clone()).unwrap();
    assert!(
        linker.contains("href=\"./javascript:alert(1).html\""),
        "{linker}"
    );
    // Only files no browser runs are published as they are.
    assert!(
        linker.contains("href=\"../../files/briefs/feed.rss.html\""),
        "{linker}"
    );
    assert!(
        linker.contains("href=\"../../files/briefs/old.shtm.html\""),
        "{linker}"
    );
    assert!(
        linker.contains("href=\"../../files/briefs/data.csv\""),
        "{linker}"
    );
    assert!(
        !site.contains_key("files/briefs/feed.rss") && !site.contains_key("files/briefs/old.shtm")
    );
    assert!(site.contains_key("files/briefs/data.csv"));
    let twin = String::from_utf8(site["docs/briefs/twin.markdown.html"].clone()).unwrap();
    assert!(twin.contains("Twin markdown"));
    assert!(
        String::from_utf8(site["docs/briefs/twin.html"].clone())
            .unwrap()
            .contains("Twin md")
    );

    // A kind's name is a word: a path or an address in it is refused when the configuration
    // is read, and a log4brains package with another name is not read as a kind.
    let env = handbook();
    let cfg = env.read("annals.toml");
    env.write(
        "annals.toml",
        &format!("{cfg}\n[kinds.\"../../escaped\"]\ndir = \"notes\"\n"),
    );
    let (code, _, err) = env.run(&["site", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a kind's name is a word"), "{err}");
    assert!(!outside.path().join("escaped.html").exists());
    let env = TestEnv::new();
    env.write(
        ".log4brains.yml",
        "project:\n  name: Acme\n  adrFolder: ./docs/adr\n  packages:\n    - name: ../../../escaped\n      path: ./web\n      adrFolder: ./web/adr\n",
    );
    env.write(
        "web/adr/20240101-use-x.md",
        "# Use X\n\n- Status: accepted\n- Date: 2024-01-01\n\n## Context and Problem Statement\n\nx\n",
    );
    let (code, _, err) = env.run(&["site", "--out", "site"]);
    assert_eq!(code, 0, "{err}");
    assert!(env.path("site/kinds/decision.html").is_file(), "{err}");
    let kinds: Vec<String> = std::fs::read_dir(env.path("site/kinds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(kinds.iter().all(|k| !k.contains("escaped")), "{kinds:?}");
    assert!(!env.root().join("../escaped.html").exists());
}

#[test]
fn review_site_out_never_reaches_git_through_a_link_nor_trusts_a_linked_marker() {
    let env = handbook();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    std::os::unix::fs::symlink(env.path(".git"), env.path("gl")).unwrap();
    let (code, _, err) = env.run(&["site", "--out", "gl/hub"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inside a .git folder"), "{err}");
    assert!(!env.path(".git/hub").exists());
    // A marker that is a link to some file is no marker.
    env.write("keep/important.txt", "mine\n");
    std::os::unix::fs::symlink(env.path("annals.toml"), env.path("keep/.annals-site")).unwrap();
    let (code, _, err) = env.run(&["site", "--out", "keep"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(env.read("keep/important.txt"), "mine\n");
    // --out that is itself a link is refused, and nothing is left beside it.
    std::os::unix::fs::symlink(env.path("nowhere"), env.path("dangling")).unwrap();
    let (code, _, err) = env.run(&["site", "--out", "dangling"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    let leftovers: Vec<String> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".annals-site-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A second build replaces the first, leaving nothing beside it.
    assert_eq!(env.run(&["site", "--out", "hub"]).0, 0);
    assert_eq!(env.run(&["site", "--out", "hub"]).0, 0);
    assert!(env.path("hub/index.html").is_file());
    let leftovers = std::fs::read_dir(env.root())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".annals-site-")
        })
        .count();
    assert_eq!(leftovers, 0);
}

/// `request` sent as it is to `addr`; the answer's status line and head.
fn raw_http(addr: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn review_serve_answers_only_loopback_names_and_bounds_its_listeners() {
    let env = handbook();
    let (mut child, addr) = serve(env.root());
    let port = addr.rsplit(':').next().unwrap();
    // DNS rebinding: a page of another site, its name pointed at 127.0.0.1, is refused.
    let refused = raw_http(
        &addr,
        &format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(
        refused.contains("X-Content-Type-Options: nosniff"),
        "{refused}"
    );
    assert!(!refused.contains("Recent decisions"));
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let ok = raw_http(
            &addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(ok.starts_with("HTTP/1.1 200"), "{host}: {ok}");
    }
    // At most 64 pages listen for reloads; more are told to come back, and pages are still
    // served.
    let mut open = Vec::new();
    for _ in 0..64 {
        use std::io::{BufRead, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut r = std::io::BufReader::new(s.try_clone().unwrap());
        let mut line = String::new();
        while !line.starts_with(": listening") {
            line.clear();
            r.read_line(&mut line).unwrap();
        }
        open.push(s);
    }
    let busy = raw_http(
        &addr,
        &format!("GET /events HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(busy.starts_with("HTTP/1.1 503"), "{busy}");
    assert_eq!(http(&addr, "GET", "/kinds/decision.html").0, 200);
    // The hub's own scripts are served as scripts; HEAD gives a page's length.
    let (_, head, _) = http(&addr, "GET", "/search/search.js");
    assert!(head.contains("Content-Type: text/javascript"), "{head}");
    let (_, head, body) = http(&addr, "HEAD", "/index.html");
    assert!(
        body.is_empty() && !head.contains("Content-Length: 0\r"),
        "{head}"
    );
    assert!(head.contains("Content-Length: "), "{head}");
    drop(open);
    // An annals.toml broken while serving is shown on every page, and the server goes on.
    let good = env.read("annals.toml");
    env.write(
        "annals.toml",
        &format!("{good}\n[response]\nlow = \"3 days\"\n"),
    );
    let mut seen = (0, String::new());
    for _ in 0..100 {
        let (status, _, body) = http(&addr, "GET", "/index.html");
        seen = (status, body);
        if seen.0 == 500 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(seen.0, 500, "{}", seen.1);
    assert!(seen.1.contains("annals.toml"), "{}", seen.1);
    env.write("annals.toml", &good);
    let mut status = 0;
    for _ in 0..100 {
        status = http(&addr, "GET", "/index.html").0;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
