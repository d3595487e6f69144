//! `annals serve`'s answers: a request's method and path to a response from the site. Only
//! GET and HEAD, only the site's own files (pages, the style sheet, the repository files
//! documents link to), never a folder listing; a path is looked up whole in the site, so
//! nothing outside it (`.git`, the file system) can be reached, whatever the encoding.

use percent_encoding::percent_decode_str;

use super::Site;

/// What to send back.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Headers every answer carries: only the hub's own scripts run (live reload, the static
/// search), nothing is sniffed, nothing comes from elsewhere.
pub const HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
];

/// A plain-text answer.
pub fn text(status: u16, message: &str) -> Answer {
    Answer {
        status,
        content_type: "text/plain; charset=utf-8",
        body: format!("{message}\n").into_bytes(),
    }
}

/// The site path a request path names, or `None` for one that tries to leave the site (a
/// `..` or `.` segment, a backslash, a NUL, an empty segment) in any encoding.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    // Decoded once more: `%252e` is a `%2e` that a second decoder would read as `.`.
    if decoded.contains('%') {
        let twice = percent_decode_str(&decoded).decode_utf8().ok()?;
        if twice != decoded && (twice.contains("..") || twice.contains('\\')) {
            return None;
        }
    }
    let rest = decoded.strip_prefix('/')?;
    if rest.is_empty() {
        return Some("index.html".to_string());
    }
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let ok = rest
        .split('/')
        .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.starts_with('.'));
    ok.then(|| rest.to_string())
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        // The hub's own scripts (live reload, the static search): the site publishes no
        // repository file of this type as it is.
        "js" => "text/javascript; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" | "md" | "markdown" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The value of the query parameter `name` in `url` (`+` and `%XX` decoded).
pub fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| {
            percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// The script `annals serve` adds to every page: reload when a file changed.
pub const LIVE: &str =
    "new EventSource('/events').onmessage = function () { location.reload(); };\n";

/// A page as served: with the live-reload script.
fn live(mut html: Vec<u8>) -> Vec<u8> {
    const TAG: &[u8] = b"<script src=\"/assets/live.js\"></script>\n</body>";
    if let Some(at) = html.windows(7).rposition(|w| w == b"</body>") {
        html.splice(at..at + 7, TAG.iter().copied());
    }
    html
}

/// The answer to `method url`; `search` makes the search page for a query. A HEAD request
/// gets the GET answer: the server sends its headers (its length among them) and no body.
pub fn answer(site: &Site, method: &str, url: &str, search: &dyn Fn(&str) -> String) -> Answer {
    if method != "GET" && method != "HEAD" {
        return text(405, "only GET and HEAD");
    }
    let Some(path) = site_path(url) else {
        return text(404, "not found");
    };
    if path == "search.html"
        && let Some(q) = param(url, "q").filter(|q| !q.trim().is_empty())
    {
        let body = live(search(&q).into_bytes());
        return Answer {
            status: 200,
            content_type: content_type(&path),
            body,
        };
    }
    if path == "assets/live.js" {
        return Answer {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            body: LIVE.as_bytes().to_vec(),
        };
    }
    match site.files.get(&path) {
        Some(body) => Answer {
            status: 200,
            content_type: content_type(&path),
            body: if content_type(&path).starts_with("text/html") {
                live(body.clone())
            } else {
                body.clone()
            },
        },
        None => text(404, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused_in_any_encoding() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/docs/a%20b.html?x=1").as_deref(),
            Some("docs/a b.html")
        );
        // The hub escapes `#`, `%` and spaces in its links (a document named `c#-and f%.md`).
        assert_eq!(
            site_path("/docs/briefs/c%23-and%20f%25.html").as_deref(),
            Some("docs/briefs/c#-and f%.html")
        );
        for bad in [
            "/../etc/passwd",
            "/docs/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/docs/%2e%2e%2f%2e%2e%2fetc",
            "/%252e%252e/x",
            "/.git/config",
            "/.annals-site",
            "/docs//x",
            "/docs\\..\\x",
            "/a%00b",
            "relative",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}
