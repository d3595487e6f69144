//! File-name and ID patterns: `{number:04}-{slug}.md`, `ADR-{number:04}`, `{date}-{name}.md`.

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Number {
        width: usize,
    },
    /// `{date}` (`YYYY-MM-DD`), or `{date:YYYYMMDD}` (`compact`, as log4brains names files).
    Date {
        compact: bool,
    },
    Slug,
    Name,
}

/// A compiled pattern; matching is anchored at both ends.
#[derive(Debug, Clone)]
pub struct NamePattern {
    source: String,
    parts: Vec<Part>,
    regex: Regex,
}

/// The values a file name gives to a pattern's placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captures {
    pub number: Option<u64>,
    pub date: Option<String>,
    pub slug: Option<String>,
}

/// The values used to render a pattern.
#[derive(Debug, Clone, Default)]
pub struct Values<'a> {
    pub number: Option<u64>,
    pub date: Option<&'a str>,
    pub slug: Option<&'a str>,
}

/// The widest `{number:W}`.
const MAX_WIDTH: usize = 32;

const SLUG_RE: &str = "[a-z0-9]+(?:-[a-z0-9]+)*";

impl NamePattern {
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in pattern `{source}`"))?
                + open;
            let inner = &rest[open + 1..close];
            let part = match inner.split_once(':') {
                Some(("number", w)) => Part::Number {
                    // A width is a handful of digits; a huge one would not render (found by
                    // fuzzing: `{number:65536}` made every check panic).
                    width: w
                        .parse()
                        .ok()
                        .filter(|w| *w <= MAX_WIDTH)
                        .ok_or_else(|| format!("`{{number:{w}}}` in `{source}`: expected a width from 0 to {MAX_WIDTH}, such as `{{number:04}}`"))?,
                },
                Some(("date", "YYYY-MM-DD")) => Part::Date { compact: false },
                Some(("date", "YYYYMMDD")) => Part::Date { compact: true },
                Some(("date", other)) => {
                    return Err(format!(
                        "`{{date:{other}}}` in `{source}`: expected `{{date}}` (YYYY-MM-DD) or `{{date:YYYYMMDD}}`"
                    ));
                }
                None if inner == "number" => Part::Number { width: 0 },
                None if inner == "date" => Part::Date { compact: false },
                None if inner == "slug" => Part::Slug,
                None if inner == "name" => Part::Name,
                _ => {
                    return Err(format!(
                        "unknown placeholder `{{{inner}}}` in pattern `{source}`: expected \
                         {{number[:width]}}, {{date}}, {{slug}} or {{name}}"
                    ));
                }
            };
            parts.push(part);
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        if parts
            .iter()
            .filter(|p| matches!(p, Part::Number { .. }))
            .count()
            > 1
        {
            return Err(format!("pattern `{source}` has more than one {{number}}"));
        }
        let mut re = String::from("^");
        for p in &parts {
            match p {
                Part::Literal(l) => re.push_str(&regex::escape(l)),
                Part::Number { width } if *width > 1 => {
                    re.push_str(&format!("(?P<number>[0-9]{{{width},}})"));
                }
                Part::Number { .. } => re.push_str("(?P<number>[0-9]+)"),
                Part::Date { compact: false } => {
                    re.push_str("(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})");
                }
                Part::Date { compact: true } => re.push_str("(?P<date>[0-9]{8})"),
                Part::Slug => re.push_str(&format!("(?P<slug>{SLUG_RE})")),
                Part::Name => re.push_str("(?P<slug>[A-Za-z0-9._-]+)"),
            }
        }
        re.push('$');
        let regex = Regex::new(&re).map_err(|e| format!("pattern `{source}`: {e}"))?;
        Ok(NamePattern {
            source: source.to_string(),
            parts,
            regex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn has_number(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Number { .. }))
    }

    /// True when the pattern has a `{slug}` or `{name}`.
    pub fn has_slug(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Slug | Part::Name))
    }

    /// True when the pattern's free text is a strict `{slug}` (so N003 can compare it).
    pub fn has_strict_slug(&self) -> bool {
        self.parts.contains(&Part::Slug)
    }

    pub fn matches(&self, name: &str) -> Option<Captures> {
        let c = self.regex.captures(name)?;
        // Captured dates are given as `YYYY-MM-DD`, whichever way the name writes them.
        let date = match c.name("date") {
            Some(m) => {
                let d = m.as_str();
                let format = if d.len() == 8 { "%Y%m%d" } else { "%Y-%m-%d" };
                let day = chrono::NaiveDate::parse_from_str(d, format).ok()?;
                Some(day.format("%Y-%m-%d").to_string())
            }
            None => None,
        };
        Some(Captures {
            number: c.name("number").and_then(|m| m.as_str().parse().ok()),
            date,
            slug: c.name("slug").map(|m| m.as_str().to_string()),
        })
    }

    /// Renders the pattern; `None` when a needed value is missing.
    pub fn render(&self, v: &Values<'_>) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(l) => out.push_str(l),
                Part::Number { width } => {
                    out.push_str(&format!("{:0width$}", v.number?, width = *width));
                }
                Part::Date { compact: false } => out.push_str(v.date?),
                Part::Date { compact: true } => out.push_str(&v.date?.replace('-', "")),
                Part::Slug | Part::Name => out.push_str(v.slug?),
            }
        }
        Some(out)
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for NamePattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NamePattern::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The longest slug `file_slug` makes, in bytes: with a number, a date and `.md` around it a
/// file name stays far below the 255 bytes every common file system accepts.
pub const MAX_SLUG: usize = 100;

/// The file-name slug of a title (a heading's anchor is [`crate::docs::slug::heading`]):
/// transliterated to ASCII (`Ünïcödé Çafé` → `unicode-cafe`, by
/// the `deunicode` tables), lowercase letters and digits joined by single hyphens, cut at a
/// word boundary to [`MAX_SLUG`] bytes.
pub fn file_slug(title: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(title, "-");
    let mut out = String::new();
    let mut pending_dash = false;
    for c in ascii.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    if out.len() > MAX_SLUG {
        let cut = out[..=MAX_SLUG]
            .rfind('-')
            .filter(|&i| i > 0)
            .unwrap_or(MAX_SLUG);
        out.truncate(cut);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_dates_read_and_render() {
        let p = NamePattern::parse("{date:YYYYMMDD}-{slug}.md").unwrap();
        let c = p.matches("20210114-use-markdown.md").unwrap();
        assert_eq!(c.date.as_deref(), Some("2021-01-14"));
        assert_eq!(c.slug.as_deref(), Some("use-markdown"));
        assert!(p.matches("20211314-x.md").is_none());
        let v = Values {
            date: Some("2021-01-14"),
            slug: Some("x"),
            ..Values::default()
        };
        assert_eq!(p.render(&v).unwrap(), "20210114-x.md");
        assert!(NamePattern::parse("{date:DD.MM}").is_err());
    }

    #[test]
    fn numbered_slug_pattern() {
        let p = NamePattern::parse("{number:04}-{slug}.md").unwrap();
        let c = p.matches("0007-use-postgres.md").unwrap();
        assert_eq!(c.number, Some(7));
        assert_eq!(c.slug.as_deref(), Some("use-postgres"));
        assert!(p.matches("7-use-postgres.md").is_none());
        assert!(p.matches("0007-Use-Postgres.md").is_none());
        assert!(p.matches("0007-use--postgres.md").is_none());
        assert!(p.matches("12345-big.md").is_some());
        let v = Values {
            number: Some(8),
            slug: Some("x-y"),
            ..Values::default()
        };
        assert_eq!(p.render(&v).unwrap(), "0008-x-y.md");
    }

    #[test]
    fn date_pattern_requires_a_real_date() {
        let p = NamePattern::parse("{date}-{slug}.md").unwrap();
        assert!(p.matches("2026-03-04-sync.md").is_some());
        assert!(p.matches("2026-13-04-sync.md").is_none());
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        assert!(
            NamePattern::parse("{nmber}.md")
                .unwrap_err()
                .contains("unknown placeholder")
        );
    }

    #[test]
    fn slugify_titles() {
        assert_eq!(
            file_slug("Use Postgres for Events!"),
            "use-postgres-for-events"
        );
        assert_eq!(
            file_slug("  Q&A: what about cost?  "),
            "q-a-what-about-cost"
        );
        assert_eq!(file_slug("Café crème"), "cafe-creme");
        assert_eq!(file_slug("Ünïcödé Çafé"), "unicode-cafe");
        let long = file_slug(&"retry budget ".repeat(200));
        assert!(
            long.len() <= MAX_SLUG && long.len() > 90 && !long.ends_with('-'),
            "{long}"
        );
        assert_eq!(file_slug(&"x".repeat(300)).len(), MAX_SLUG);
    }
}
