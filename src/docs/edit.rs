//! Edits to documents shared by fixes and the writing commands.

use super::Document;
use crate::diagnostic::fix::Edit;

/// The line ending the document's front matter uses.
pub fn line_ending(doc: &Document) -> &'static str {
    let upto = doc.fm_end.unwrap_or(doc.source.len());
    if doc.source[..upto].contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// An edit setting `key: value` in the front matter: the value on the key's line is replaced,
/// a block-style value is replaced whole, a missing key is added before the closing `---`.
/// `value` must already be valid YAML. `None` when the document has no parsed front matter.
pub fn set_field(doc: &Document, key: &str, value: &str) -> Option<Edit> {
    let end = doc.fm_end?;
    let eol = line_ending(doc);
    let edit = |range, replacement| {
        Some(Edit {
            path: doc.path.clone(),
            range,
            replacement,
        })
    };
    match doc.field(key) {
        // A block scalar (`|`, `>`) continues on the next lines: replace all of it.
        Some(f)
            if f.value_span != f.key_span
                && !doc.source[f.value_span.clone()].starts_with(['|', '>']) =>
        {
            edit(f.value_span.clone(), value.to_string())
        }
        Some(f) => edit(f.extent.clone(), format!("{key}: {value}{eol}")),
        None => edit(end..end, format!("{key}: {value}{eol}")),
    }
}

/// `s` as a YAML scalar: plain where it reads back as the same string, else double-quoted.
pub fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| c.is_whitespace() || "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(|c: char| c.is_whitespace() || c == ':')
        && serde_yaml::from_str::<serde_json::Value>(s)
            .ok()
            .as_ref()
            .and_then(|v| v.as_str())
            == Some(s);
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialise")
    }
}

/// An edit pointing `link` (written in `doc`) at the repository path `to`, keeping how it was
/// written: root-relative or relative, its `?query` and `#fragment`, angle brackets.
pub fn retarget(doc: &Document, link: &super::markdown::Link, to: &str) -> Option<Edit> {
    retarget_from(doc, &doc.path, link, to)
}

/// Like [`retarget`], for a document that will live at `from` (when it is being moved).
pub fn retarget_from(
    doc: &Document,
    from: &str,
    link: &super::markdown::Link,
    to: &str,
) -> Option<Edit> {
    let span = link.dest_span.clone()?;
    let raw = &doc.source[span.clone()];
    let cut = raw.find(['#', '?']).unwrap_or(raw.len());
    let mut path = if raw.starts_with('/') {
        format!("/{to}")
    } else {
        super::links::relative(from, to)
    };
    let bracketed = doc.source[..span.start].ends_with('<');
    if !bracketed {
        path = path.replace('%', "%25").replace(' ', "%20");
    }
    Some(Edit {
        path: doc.path.clone(),
        range: span,
        replacement: format!("{path}{}", &raw[cut..]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn doc(text: &str) -> Document {
        let cfg = Config::zero_config(std::path::Path::new("/nonexistent"));
        Document::from_text("decisions/0001-x.md".into(), 0, &cfg.kinds[0], text)
    }

    fn apply(d: &Document, e: &Edit) -> String {
        format!(
            "{}{}{}",
            &d.source[..e.range.start],
            e.replacement,
            &d.source[e.range.end..]
        )
    }

    #[test]
    fn set_replace_and_insert_keep_other_bytes() {
        let d = doc("---\ntitle: X\nstatus: accepted # note\ntags:\n  - a\n---\n# X\n");
        assert_eq!(
            apply(&d, &set_field(&d, "status", "superseded").unwrap()),
            "---\ntitle: X\nstatus: superseded # note\ntags:\n  - a\n---\n# X\n"
        );
        let quoted = doc("---\ntitle: \"A # b\" # c\nstatus: >-\n  accepted\nowner: x\n---\n");
        assert_eq!(&quoted.source[quoted.value_span("title")], "\"A # b\"");
        assert_eq!(
            apply(
                &quoted,
                &set_field(&quoted, "status", "superseded").unwrap()
            ),
            "---\ntitle: \"A # b\" # c\nstatus: superseded\nowner: x\n---\n"
        );
        assert_eq!(
            apply(&d, &set_field(&d, "superseded_by", "ADR-0002").unwrap()),
            "---\ntitle: X\nstatus: accepted # note\ntags:\n  - a\nsuperseded_by: ADR-0002\n---\n# X\n"
        );
        assert_eq!(
            apply(&d, &set_field(&d, "tags", "[b]").unwrap()),
            "---\ntitle: X\nstatus: accepted # note\ntags: [b]\n---\n# X\n"
        );
        let crlf = doc("---\r\ntitle: X\r\n---\r\n");
        assert_eq!(
            apply(&crlf, &set_field(&crlf, "status", "x").unwrap()),
            "---\r\ntitle: X\r\nstatus: x\r\n---\r\n"
        );
        assert!(set_field(&doc("# no front matter\n"), "status", "x").is_none());
    }

    #[test]
    fn scalars() {
        assert_eq!(yaml_scalar("ADR-0002"), "ADR-0002");
        assert_eq!(yaml_scalar("Q&A: retries"), "\"Q&A: retries\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("12"), "\"12\"");
    }
}
