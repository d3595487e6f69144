//! Text utilities: did-you-mean suggestions, line and column positions in the units an
//! editor counts, and paths as URLs.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// What a path needs escaped in a URL (RFC 3986's path characters, `/` among them, stay as
/// they are).
const URL_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A path as the path of a URL: a file named `c#.md` is `c%23.md`, not `c` and a fragment.
pub fn url_path(path: &str) -> String {
    utf8_percent_encode(path, URL_PATH).to_string()
}

/// The closest candidate to `value`, for `help: did you mean ...?` hints: an exact match
/// after folding case, spaces, `-` and `_`, else the nearest by edit distance when close.
pub fn did_you_mean<'a, I>(value: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let fold = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let folded = fold(value);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if fold(c) == folded {
            return Some(c.to_string());
        }
        let score =
            strsim::normalized_damerau_levenshtein(&value.to_lowercase(), &c.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Formats a did-you-mean hint.
pub fn hint(suggestion: Option<String>) -> Option<String> {
    suggestion.map(|s| format!("did you mean `{s}`?"))
}

/// How a column counts characters: bytes (UTF-8), UTF-16 code units (what the Language
/// Server Protocol uses unless the client asks otherwise), or characters (UTF-32).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

/// Line starts of a text, to turn byte offsets into (line, column) and back. Lines end at
/// `\n`; a `\r` before it belongs to the line's end, not its text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line and column (in `enc` units) of byte `offset` (clamped to the text and
    /// to a character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let head = &text[self.starts[line]..offset];
        let col = match enc {
            Encoding::Utf8 => head.len(),
            Encoding::Utf16 => head.encode_utf16().count(),
            Encoding::Utf32 => head.chars().count(),
        };
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of 0-based `line` and column `col` (in `enc` units); a column past
    /// the line's end is its end, a line past the text is the text's end.
    pub fn offset(&self, text: &str, line: u32, col: u32, enc: Encoding) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(text.len(), |&e| e - 1);
        let body = text[start..end].trim_end_matches('\r');
        let mut units = 0u32;
        for (i, c) in body.char_indices() {
            if units >= col {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => c.len_utf8() as u32,
                Encoding::Utf16 => c.len_utf16() as u32,
                Encoding::Utf32 => 1,
            };
        }
        start + body.len()
    }
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggestions() {
        let c = ["accepted", "proposed", "rejected"];
        assert_eq!(did_you_mean("Accepted!", c).as_deref(), Some("accepted"));
        assert_eq!(did_you_mean("acepted", c).as_deref(), Some("accepted"));
        assert_eq!(did_you_mean("done", c), None);
    }

    #[test]
    fn positions_in_every_encoding() {
        use super::{Encoding, LineIndex};
        let text = "a\r\nx😀é=1\n漢字\n";
        let idx = LineIndex::new(text);
        let at = text.find('=').unwrap();
        assert_eq!(idx.position(text, at, Encoding::Utf8), (1, 7));
        assert_eq!(idx.position(text, at, Encoding::Utf16), (1, 4));
        assert_eq!(idx.position(text, at, Encoding::Utf32), (1, 3));
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let (l, c) = idx.position(text, at, enc);
            assert_eq!(idx.offset(text, l, c, enc), at);
        }
        // The `\r` of a CRLF line is not text: a column past it is the line's end.
        assert_eq!(idx.offset(text, 0, 5, Encoding::Utf16), 1);
        assert_eq!(
            idx.position(text, text.find('字').unwrap(), Encoding::Utf16),
            (2, 1)
        );
        assert_eq!(idx.offset(text, 9, 0, Encoding::Utf16), text.len());
    }
}
