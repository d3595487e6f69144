//! Front matter: splitting the `---` block from the body and parsing it with each key's span.

use std::ops::Range;

use serde_json::{Map, Value};

/// One top-level front matter key as written in the file.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    /// The key's bytes in the source.
    pub key_span: Range<usize>,
    /// The value on the key's line (the key itself when the value starts below it).
    pub value_span: Range<usize>,
    /// From the key to the next top-level key: where block-style values live.
    pub extent: Range<usize>,
}

/// What the start of a document holds.
#[derive(Debug, Clone)]
pub enum FrontMatter {
    /// The file does not start with `---`.
    Absent,
    /// A block that is not a YAML mapping; `offset` is where the error is, when known.
    Invalid {
        message: String,
        offset: Option<usize>,
    },
    /// A mapping: its values are in `Split::data`, its keys' spans in `Split::fields`.
    Parsed,
}

/// The result of splitting a document: its front matter, metadata, and where the body starts.
#[derive(Debug)]
pub struct Split {
    pub front_matter: FrontMatter,
    /// A JSON object (empty unless the front matter parsed).
    pub data: Value,
    pub fields: Vec<Field>,
    pub body_start: usize,
    /// Where the closing `---` line starts (new keys are inserted there).
    pub end: Option<usize>,
}

/// Where the front matter block is: `yaml` is the text between the delimiters.
pub struct Block {
    pub yaml: Range<usize>,
    pub body_start: usize,
}

/// A line that opens front matter (`---`) or, when `closing`, closes it (`---`, `...`): the
/// one reader of the delimiter, for text and for bytes not yet known to be UTF-8.
pub fn is_delimiter(line: &[u8], closing: bool) -> bool {
    let l = line.trim_ascii_end();
    l == b"---" || (closing && l == b"...")
}

/// Front matter that opens but never closes.
#[derive(Debug, Clone, Copy)]
pub struct Unclosed;

/// Finds the block; `Err(Unclosed)` when it opens but never closes.
pub fn split(src: &str) -> Result<Option<Block>, Unclosed> {
    let first_end = src.find('\n').map_or(src.len(), |i| i + 1);
    if !is_delimiter(&src.as_bytes()[..first_end], false) {
        return Ok(None);
    }
    let mut pos = first_end;
    while pos < src.len() {
        let end = src[pos..].find('\n').map_or(src.len(), |i| pos + i + 1);
        if is_delimiter(&src.as_bytes()[pos..end], true) {
            return Ok(Some(Block {
                yaml: first_end..pos,
                body_start: end,
            }));
        }
        pos = end;
    }
    Err(Unclosed)
}

/// Where the body starts, without parsing the front matter (for link targets that are no
/// document: only their headings matter).
pub fn body_start(src: &str) -> usize {
    match split(src) {
        Ok(Some(b)) => b.body_start,
        Ok(None) => 0,
        Err(Unclosed) => src.len(),
    }
}

/// Splits and parses the front matter.
pub fn parse(src: &str) -> Split {
    let done = |front_matter, body_start| Split {
        front_matter,
        data: Value::Object(Map::new()),
        fields: Vec::new(),
        body_start,
        end: None,
    };
    let block = match split(src) {
        Ok(None) => return done(FrontMatter::Absent, 0),
        Err(Unclosed) => {
            return done(
                FrontMatter::Invalid {
                    message: "front matter opened with `---` is never closed: expected a `---` line after it".to_string(),
                    offset: Some(0),
                },
                src.len(),
            );
        }
        Ok(Some(b)) => b,
    };
    let yaml = &src[block.yaml.clone()];
    match parse_yaml(yaml) {
        Ok(data) => Split {
            front_matter: FrontMatter::Parsed,
            data: Value::Object(data),
            fields: scan_fields(src, block.yaml.clone()),
            body_start: block.body_start,
            end: Some(block.yaml.end),
        },
        Err((message, at)) => done(
            FrontMatter::Invalid {
                message,
                offset: Some(block.yaml.start + at.unwrap_or(0)),
            },
            block.body_start,
        ),
    }
}

fn parse_yaml(yaml: &str) -> Result<Map<String, Value>, (String, Option<usize>)> {
    if yaml.trim().is_empty() {
        return Ok(Map::new());
    }
    if let Some(map) = simple_yaml(yaml) {
        return Ok(map);
    }
    match serde_yaml::from_str::<Value>(yaml) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(other) => Err((
            format!(
                "front matter is a {}: expected a mapping of `key: value` lines",
                json_type(&other)
            ),
            None,
        )),
        Err(e) => {
            let at = e.location().map(|l| l.index());
            let msg = e.to_string();
            // serde_yaml appends " at line L column C" relative to the block; positions are
            // reported against the file instead.
            let msg = msg
                .find(" at line ")
                .map_or(msg.as_str(), |i| &msg[..i])
                .to_string();
            Err((format!("front matter is not valid YAML: {msg}"), at))
        }
    }
}

/// The common shape of front matter (`key: plain text` and `key: [a, b]` lines) read
/// without the YAML parser, which allocates and zeroes large buffers per document and was a
/// fifth of a whole check. Anything else (quotes, block values, comments, numbers, booleans,
/// nulls, repeated keys) returns `None` and goes to the real parser; a test holds the fast
/// path to the parser's results.
fn simple_yaml(yaml: &str) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    for line in yaml.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        let key_ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !key_ok || !rest.starts_with(' ') {
            return None;
        }
        let value = rest.trim();
        let v = if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            if inner.trim().is_empty() {
                Value::Array(Vec::new())
            } else {
                let items = inner
                    .split(',')
                    .map(|i| plain_string(i.trim()).map(|s| Value::String(s.to_string())))
                    .collect::<Option<Vec<_>>>()?;
                Value::Array(items)
            }
        } else {
            Value::String(plain_string(value)?.to_string())
        };
        if map.insert(key.to_string(), v).is_some() {
            return None;
        }
    }
    Some(map)
}

/// Could YAML's core schema read this (sign already removed) as an int or a float? Digits,
/// `_`, one `.` and an exponent whose sign follows `e`: `1_000`, `1.5e-3`; not `2024-01-01`.
fn number_like(s: &str) -> bool {
    let b = s.as_bytes();
    s.contains(|c: char| c.is_ascii_digit())
        && b.iter().enumerate().all(|(i, &c)| match c {
            b'0'..=b'9' | b'.' | b'_' | b'e' | b'E' => true,
            b'+' | b'-' => i > 0 && matches!(b[i - 1], b'e' | b'E'),
            _ => false,
        })
}

/// `s` when YAML reads it as that very string: safe characters only, and nothing a core
/// schema resolver would turn into a number, boolean or null.
fn plain_string(s: &str) -> Option<&str> {
    let safe = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '_'
                    | '-'
                    | '.'
                    | '/'
                    | ':'
                    | '('
                    | ')'
                    | '+'
                    | '&'
                    | '?'
                    | '!'
                    | '='
                    | '~'
                    | '@'
            )
    };
    let first = s.chars().next()?;
    if !first.is_alphanumeric()
        || !s.chars().all(safe)
        || s.contains(": ")
        || s.ends_with(':')
        || s.contains(" #")
    {
        return None;
    }
    // Number-like text (`12`, `1.5e3`, `0x1f`, `1_000`, `.inf`) and keywords stay with the parser.
    let unsigned = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if ["0x", "0o", "0b"].iter().any(|p| unsigned.starts_with(p)) {
        return None;
    }
    if number_like(&unsigned)
        || s.parse::<f64>().is_ok()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "y" | "n" | "yes" | "no" | "on" | "off" | "inf" | "nan"
        )
    {
        return None;
    }
    Some(s)
}

pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// Finds top-level keys line by line. The YAML parser gives no spans, and front matter keys
/// are plain `key: value` lines in practice; a key the scan misses only loses its caret.
fn scan_fields(src: &str, yaml: Range<usize>) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    let mut pos = yaml.start;
    while pos < yaml.end {
        let line_end = src[pos..yaml.end].find('\n').map_or(yaml.end, |i| pos + i);
        let line = src[pos..line_end].trim_end_matches('\r');
        if let Some((key, key_len, value_off)) = top_level_key(line) {
            if let Some(prev) = fields.last_mut() {
                prev.extent.end = pos;
            }
            let raw_value = &line[value_off..];
            let trimmed = without_comment(raw_value.trim());
            let value_span = if trimmed.is_empty() {
                pos..pos + key_len
            } else {
                let lead = raw_value.len() - raw_value.trim_start().len();
                let start = pos + value_off + lead;
                start..start + trimmed.len()
            };
            fields.push(Field {
                key,
                key_span: pos..pos + key_len,
                value_span,
                extent: pos..yaml.end,
            });
        }
        pos = line_end + 1;
    }
    fields
}

/// A value without its trailing ` # comment` (quoted values keep any `#` inside the quotes).
fn without_comment(v: &str) -> &str {
    let from = match v.chars().next() {
        Some(q @ ('"' | '\'')) => v[1..].find(q).map_or(v.len(), |i| i + 2),
        _ => 0,
    };
    match v[from..].find(" #") {
        Some(i) => v[..from + i].trim_end(),
        None => v,
    }
}

/// `(key, key length in bytes, offset of the value)` for a `key: value` line at column 0.
fn top_level_key(line: &str) -> Option<(String, usize, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | ']' | '{' | '}' | ',' | '?') {
        return None;
    }
    if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        let rest = &line[close + 1..];
        let colon = rest.find(':')?;
        if !rest[..colon].trim().is_empty() {
            return None;
        }
        return Some((line[1..close].to_string(), close + 1, close + 1 + colon + 1));
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':'
            && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
        {
            let key = line[..i].trim_end();
            return Some((key.to_string(), key.len(), i + 1));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_records_key_spans() {
        let src = "---\ntitle: Use Postgres\ntags:\n  - storage\nowner: alice\n---\n\n# Body\n";
        let Split {
            front_matter,
            data,
            fields,
            body_start,
            ..
        } = parse(src);
        assert_eq!(&src[body_start..], "\n# Body\n");
        assert!(matches!(front_matter, FrontMatter::Parsed));
        assert_eq!(data["title"], "Use Postgres");
        let keys: Vec<_> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["title", "tags", "owner"]);
        assert_eq!(&src[fields[0].value_span.clone()], "Use Postgres");
        assert!(src[fields[1].extent.clone()].contains("- storage"));
    }

    /// Whatever the fast path accepts, the YAML parser reads the same way.
    #[test]
    fn fast_path_agrees_with_the_yaml_parser() {
        let values = [
            "Use Postgres",
            "2024-01-01",
            "2024-05-06T10:00",
            "2024-05-06T10:00+02:00",
            "[a, b-c, d_e]",
            "[]",
            "alice",
            "ADR-0007",
            "Q&A (draft)",
            "a.b/c",
            "12",
            "1.5",
            "0x1f",
            "1_000",
            "1e3",
            "true",
            "True",
            "no",
            "yes",
            "null",
            "~",
            ".inf",
            "-",
            "+1",
            "e",
            "x:y",
            "Brief: x",
            "a #b",
            "[1, 2]",
            "[a, true]",
            "Ünïcödé title",
            "semver 1.2.3",
            "v1",
            "1a",
            "0o17",
            "a,b",
            "'q'",
            "\"q\"",
            "[a, [b]]",
            "{a: b}",
            "*ref",
            "&anchor x",
            "!tag x",
            "%x",
            "@x",
            "`x`",
            "| x",
            "> x",
        ];
        let mut accepted = Vec::new();
        for v in values {
            let yaml = format!("key: {v}\nother: [alpha, beta]\n");
            if let Some(fast) = simple_yaml(&yaml) {
                let slow: Value = serde_yaml::from_str(&yaml).unwrap();
                assert_eq!(Value::Object(fast), slow, "value {v:?}");
                accepted.push(v);
            }
        }
        // The fast path must carry the common shapes, or it saves nothing.
        for common in [
            "Use Postgres",
            "2024-01-01",
            "2024-05-06T10:00",
            "[a, b-c, d_e]",
            "[]",
            "ADR-0007",
            "Q&A (draft)",
        ] {
            assert!(accepted.contains(&common), "fast path refused {common:?}");
        }
        assert!(
            simple_yaml("title: A\ntitle: B\n").is_none(),
            "repeated keys go to the parser"
        );
        assert!(simple_yaml("tags:\n  - a\n").is_none());
        assert!(simple_yaml("title: A # note\n").is_none());
        assert!(simple_yaml("title: Use Postgres\ntags: [storage]\n").is_some());
    }

    #[test]
    fn crlf_and_unterminated() {
        let fm = parse("---\r\ntitle: x\r\n---\r\nbody").front_matter;
        assert!(matches!(fm, FrontMatter::Parsed));
        let fm = parse("---\ntitle: x\n").front_matter;
        assert!(matches!(fm, FrontMatter::Invalid { .. }));
    }

    #[test]
    fn yaml_error_points_into_the_file() {
        let src = "---\ntitle: \"Unterminated\nowner: bob\n---\n";
        let fm = parse(src).front_matter;
        let FrontMatter::Invalid { message, offset } = fm else {
            panic!()
        };
        assert!(
            message.starts_with("front matter is not valid YAML"),
            "{message}"
        );
        assert!(offset.unwrap() >= 4);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut y = String::from(
            "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, p) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                ["b", "c", "d", "e", "f", "g", "h"][i - 1].to_string()
            };
            y.push_str(&format!("{p}: &{p} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        y.push_str("---\n");
        let fm = parse(&y).front_matter;
        assert!(matches!(fm, FrontMatter::Invalid { .. }), "{fm:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = format!(
            "---\na: {}{}\n---\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        );
        let fm = parse(&src).front_matter;
        assert!(matches!(fm, FrontMatter::Invalid { .. }));
    }
}
