//! The page around every page: escaping, the layout, and the one style sheet (served by
//! annals, nothing from the network), light and dark, readable on a phone, printable.

/// Text made safe for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A name as a file name of the site: letters, digits, `-` and `_` kept, anything else
/// (a `/`, a `..`, a space) as `_XX` hex, so no name leads out of its folder.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

pub fn plural(kind: &str) -> String {
    if kind.ends_with('s') {
        kind.to_string()
    } else {
        format!("{kind}s")
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// A whole page.
pub fn layout(title: &str, style: &str, nav: &str, main: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{}\">\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\n\
         <nav aria-label=\"Site\">{nav}</nav>\n<main id=\"main\" tabindex=\"-1\">\n{main}</main>\n</body>\n</html>\n",
        esc(title),
        esc(style)
    )
}

pub const STYLE: &str = r#":root { --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --accent: #0969da; --warn: #9a6700; --bad: #d1242f; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --accent: #4493f8; --warn: #d29922; --bad: #f85149; }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; }
nav { padding: .6rem 1rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
nav form { margin-left: auto; }
input, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); padding: .2rem .4rem; }
mark { background: #fff8c5; color: #1f2328; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
a { color: var(--accent); }
a:focus-visible, input:focus-visible, button:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -100vw; }
.skip:focus { position: static; display: inline-block; margin: .4rem 1rem; }
main:focus { outline: none; }
.align-center { text-align: center; }
.align-right { text-align: right; }
nav.filters { display: block; border: 0; padding: 0; }
nav.filters p { margin: .2rem 0; }
article img { max-width: 100%; }
.date { white-space: nowrap; }
.count { color: var(--muted); }
[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--fg); }
.kind { color: var(--muted); font-size: .9em; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
pre { overflow-x: auto; padding: .8rem; border: 1px solid var(--line); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; color: var(--muted); }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.status { border: 1px solid var(--line); border-radius: 1rem; padding: 0 .5rem; font-size: .85em; }
.tag { font-size: .9em; }
.banner { border-left: 4px solid var(--warn); padding: .5rem 1rem; }
.overdue { color: var(--bad); }
.empty { color: var(--muted); }
figure.graph { margin: 0; overflow-x: auto; background: #ffffff; }
figure.graph svg { max-width: 100%; height: auto; }
figure.graph figcaption { color: #59636e; font-size: .9em; padding: .4rem; }
@media print { nav { display: none; } a { color: inherit; } main { max-width: none; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_file_names() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(file_name("on-call"), "on-call");
        assert_eq!(file_name("../x y"), "_2E_2E_2Fx_20y");
    }
}
