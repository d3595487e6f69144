//! Where a link points, resolved the way GitHub renders it: relative to the file's folder,
//! `/` from the repository root, percent-decoded, `?query` ignored.

use percent_encoding::percent_decode_str;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `https://...`, `mailto:...`, `//host/...`: never fetched.
    External,
    /// `#fragment` in the same document.
    SameDocument { fragment: String },
    /// A repository-relative path (`/`-separated, normalised), maybe with a fragment.
    Path {
        path: String,
        fragment: Option<String>,
    },
    /// The path climbs above the repository root.
    Escapes,
}

fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let scheme_end = dest.find(':');
    scheme_end.is_some_and(|i| {
        i > 0
            && dest[..i].chars().enumerate().all(|(j, c)| {
                c.is_ascii_alphabetic() || (j > 0 && (c.is_ascii_digit() || "+-.".contains(c)))
            })
    })
}

/// Resolves `dest` written in the document at `from` (repository-relative).
pub fn resolve(from: &str, dest: &str) -> Target {
    let dest = dest.trim();
    if is_external(dest) {
        return Target::External;
    }
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (
            p,
            Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
        ),
        None => (dest, None),
    };
    let path_part = before_fragment.split('?').next().unwrap_or("");
    if path_part.is_empty() {
        return match fragment {
            Some(fragment) => Target::SameDocument { fragment },
            None => Target::SameDocument {
                fragment: String::new(),
            },
        };
    }
    let decoded = percent_decode_str(path_part).decode_utf8_lossy();
    let mut parts: Vec<&str> = Vec::new();
    if !decoded.starts_with('/') {
        parts.extend(from.split('/'));
        parts.pop();
    }
    for comp in decoded.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Escapes;
                }
            }
            c => parts.push(c),
        }
    }
    Target::Path {
        path: parts.join("/"),
        fragment,
    }
}

/// `to` written relative to the folder of `from` (both repository-relative).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str, fragment: Option<&str>) -> Target {
        Target::Path {
            path: path.to_string(),
            fragment: fragment.map(str::to_string),
        }
    }

    #[test]
    fn resolution() {
        assert_eq!(
            resolve("meetings/a.md", "../decisions/0001-x.md#ctx"),
            p("decisions/0001-x.md", Some("ctx"))
        );
        assert_eq!(
            resolve("meetings/a.md", "/decisions/0001-x.md"),
            p("decisions/0001-x.md", None)
        );
        assert_eq!(
            resolve("meetings/a.md", "b%20c.md?plain=1"),
            p("meetings/b c.md", None)
        );
        assert_eq!(
            resolve("meetings/a.md", "https://example.com"),
            Target::External
        );
        assert_eq!(resolve("meetings/a.md", "mailto:x@y"), Target::External);
        assert_eq!(
            resolve("meetings/a.md", "#top"),
            Target::SameDocument {
                fragment: "top".into()
            }
        );
        assert_eq!(resolve("meetings/a.md", "../../x.md"), Target::Escapes);
        assert_eq!(resolve("meetings/a.md", "/../x.md"), Target::Escapes);
        assert_eq!(
            resolve("meetings/a.md", "%2e%2e/%2e%2e/x.md"),
            Target::Escapes
        );
        assert_eq!(resolve("a.md", "C:/x.md"), Target::External);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative("meetings/a.md", "decisions/b.md"),
            "../decisions/b.md"
        );
        assert_eq!(relative("decisions/a.md", "decisions/b.md"), "b.md");
        assert_eq!(relative("a.md", "decisions/b.md"), "decisions/b.md");
        assert_eq!(relative("x/y/a.md", "x/b.md"), "../b.md");
    }
}
