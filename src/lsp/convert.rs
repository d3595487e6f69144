//! Between annals' values and the protocol's: URIs and paths, byte offsets and positions in
//! the negotiated encoding, findings and LSP diagnostics.

use std::ops::Range;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::docs::Document;
use crate::text::{Encoding, LineIndex};

/// The encoding to count columns in: UTF-8 or UTF-32 when the client offers it (fewer
/// conversions), else UTF-16, the protocol's default.
pub fn negotiate(params: &Value) -> Encoding {
    let offered: Vec<&str> = params["capabilities"]["general"]["positionEncodings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if offered.contains(&"utf-8") {
        Encoding::Utf8
    } else if offered.contains(&"utf-32") {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

pub fn encoding_name(enc: Encoding) -> &'static str {
    match enc {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
        Encoding::Utf32 => "utf-32",
    }
}

/// The folder the client opened: its first workspace folder, else `rootUri`, else
/// `rootPath`.
pub fn root_of(params: &Value) -> Option<PathBuf> {
    params["workspaceFolders"]
        .as_array()
        .and_then(|f| f.first())
        .and_then(|f| f["uri"].as_str())
        .and_then(path_of)
        .or_else(|| params["rootUri"].as_str().and_then(path_of))
        .or_else(|| params["rootPath"].as_str().map(PathBuf::from))
}

/// The path of a `file:` URI (the scheme in any case; a query or fragment is no part of
/// the path).
pub fn path_of(uri: &str) -> Option<PathBuf> {
    let (scheme, rest) = uri.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case("file://") {
        return None;
    }
    // `file:///x` (no host) or `file://localhost/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    if decoded.contains('\0') {
        return None;
    }
    Some(PathBuf::from(decoded.as_ref()))
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> String {
    format!("file://{}", crate::text::url_path(&path.to_string_lossy()))
}

/// The position of byte `offset` of `doc`'s text, as the editor counts it (the editor's text
/// keeps the byte-order mark annals strips).
pub fn position(doc: &Document, index: &LineIndex, offset: usize, enc: Encoding) -> Value {
    let (line, mut col) = index.position(&doc.source, offset, enc);
    if doc.bom && line == 0 {
        col += match enc {
            Encoding::Utf8 => 3,
            Encoding::Utf16 | Encoding::Utf32 => 1,
        };
    }
    json!({"line": line, "character": col})
}

pub fn range(doc: &Document, index: &LineIndex, span: &Range<usize>, enc: Encoding) -> Value {
    json!({
        "start": position(doc, index, span.start, enc),
        "end": position(doc, index, span.end, enc),
    })
}

/// The byte offset in `doc`'s text of an editor position.
pub fn offset(doc: &Document, index: &LineIndex, pos: &Value, enc: Encoding) -> usize {
    let line = u32::try_from(pos["line"].as_u64().unwrap_or(0)).unwrap_or(u32::MAX);
    let mut col = u32::try_from(pos["character"].as_u64().unwrap_or(0)).unwrap_or(u32::MAX);
    if doc.bom && line == 0 {
        col = col.saturating_sub(match enc {
            Encoding::Utf8 => 3,
            Encoding::Utf16 | Encoding::Utf32 => 1,
        });
    }
    index.offset(&doc.source, line, col, enc)
}

/// A finding as an LSP diagnostic: the same code, message, severity and help as
/// `annals check`, at its span (the file's start for findings about a whole file).
pub fn diagnostic(d: &Diagnostic, doc: Option<(&Document, &LineIndex)>, enc: Encoding) -> Value {
    let range = match (doc, &d.span) {
        (Some((doc, index)), Some(span)) => range(doc, index, span, enc),
        _ => json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    json!({
        "range": range,
        "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
        "code": d.code.code(),
        "source": "annals",
        "message": message,
    })
}

/// Applies one `contentChanges` entry to a buffer: a whole new text, or a range replaced.
pub fn apply_change(text: &mut String, change: &Value, enc: Encoding) {
    let Some(new) = change["text"].as_str() else {
        return;
    };
    let Some(r) = change.get("range").filter(|r| !r.is_null()) else {
        *text = new.to_string();
        return;
    };
    let index = LineIndex::new(text);
    let at = |p: &Value| {
        index.offset(
            text,
            u32::try_from(p["line"].as_u64().unwrap_or(0)).unwrap_or(u32::MAX),
            u32::try_from(p["character"].as_u64().unwrap_or(0)).unwrap_or(u32::MAX),
            enc,
        )
    };
    let (start, end) = (at(&r["start"]), at(&r["end"]));
    let (start, end) = (start.min(end), start.max(end));
    text.replace_range(start..end, new);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let p = Path::new("/tmp/a b/#1 café.md");
        let uri = uri_of(p);
        assert_eq!(uri, "file:///tmp/a%20b/%231%20caf%C3%A9.md");
        assert_eq!(path_of(&uri).unwrap(), p);
        assert_eq!(
            path_of("file://localhost/x.md").unwrap(),
            Path::new("/x.md")
        );
        assert_eq!(path_of("untitled:1"), None);
    }

    #[test]
    fn incremental_changes_in_utf16() {
        let mut text = "a😀b\nline two\n".to_string();
        let change = json!({"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 4}}, "text": "B"});
        apply_change(&mut text, &change, Encoding::Utf16);
        assert_eq!(text, "a😀B\nline two\n");
        apply_change(&mut text, &json!({"text": "whole"}), Encoding::Utf16);
        assert_eq!(text, "whole");
    }
}
