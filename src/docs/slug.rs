//! GitHub heading slugs, as github-slugger makes them.
//!
//! Written here rather than taken from a crate: the Rust slug crates transliterate or collapse
//! dashes, which GitHub does not. The character classes follow github-slugger's generator:
//! it strips `Other_Number`, every punctuation but `Connector_Punctuation` (keeping `-`), symbols,
//! controls, formats, private use, unassigned and separators (keeping ` `), unless Alphabetic.

use std::collections::HashMap;

use unicode_general_category::{GeneralCategory as G, get_general_category};

/// The GitHub anchor slug of one heading text, before de-duplication (the file-name slug of a
/// title is [`crate::pattern::file_slug`]).
pub fn heading(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' | '-' => Some('-'),
            c if keep(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn keep(c: char) -> bool {
    if c.is_alphabetic() {
        return true;
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::NonspacingMark
            | G::SpacingMark
            | G::EnclosingMark
            | G::DecimalNumber
            | G::LetterNumber
            | G::ConnectorPunctuation
    )
}

/// Gives each heading of one document its slug, with `-1`, `-2`... for repeats.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        let base = heading(text);
        let mut result = base.clone();
        while self.seen.contains_key(&result) {
            let count = self.seen.entry(base.clone()).or_insert(0);
            *count += 1;
            result = format!("{base}-{count}");
        }
        self.seen.insert(result.clone(), 0);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_examples() {
        assert_eq!(heading("Rollout plan"), "rollout-plan");
        assert_eq!(heading("Risks & mitigations"), "risks--mitigations");
        assert_eq!(heading("Q&A: what about cost?"), "qa-what-about-cost");
        assert_eq!(
            heading("Follow-up (next quarter)"),
            "follow-up-next-quarter"
        );
        assert_eq!(heading("Migration_steps"), "migration_steps");
        assert_eq!(heading("  lead"), "--lead");
        assert_eq!(heading("Привет мир"), "привет-мир");
        assert_eq!(heading("I ♥ unicode"), "i--unicode");
        assert_eq!(heading("😄 emoji"), "-emoji");
    }

    #[test]
    fn duplicates_are_numbered_like_github_slugger() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("foo"), "foo");
        assert_eq!(s.slug("foo"), "foo-1");
        assert_eq!(s.slug("foo"), "foo-2");
        assert_eq!(s.slug("foo 1"), "foo-1-1");
        assert_eq!(s.slug("foo-1"), "foo-1-2");
    }

    /// Expected slugs from github-slugger's fixtures (`test/fixtures.json`), fed in order
    /// through one slugger as that suite does. The per-Unicode-category tables are cut to
    /// a few characters each (in full they follow the JavaScript engine's Unicode version).
    #[test]
    fn github_slugger_fixtures() {
        let cases = [
            ("alpha", "alpha"),
            ("alpha", "alpha-1"),
            ("bravoCharlieDelta", "bravocharliedelta"),
            ("__proto__", "__proto__"),
            ("__proto__", "__proto__-1"),
            ("hasOwnProperty", "hasownproperty"),
            ("echo", "echo"),
            ("echo", "echo-1"),
            ("echo 1", "echo-1-1"),
            ("echo-1", "echo-1-2"),
            ("echo", "echo-2"),
            ("foxtrot-1", "foxtrot-1"),
            ("foxtrot", "foxtrot"),
            ("foxtrot", "foxtrot-2"),
            ("heading with a - dash", "heading-with-a---dash"),
            (
                "heading with an _ underscore",
                "heading-with-an-_-underscore",
            ),
            ("heading with a period.txt", "heading-with-a-periodtxt"),
            (
                "exchange.bind_headers(exchange, routing [, bindCallback])",
                "exchangebind_headersexchange-routing--bindcallback",
            ),
            (" ", "-"),
            (" a", "-a"),
            ("a ", "a-"),
            (" a ", "-a-"),
            ("-a-", "-a--1"),
            (
                "apostrophe\u{2019}s should be trimmed",
                "apostrophes-should-be-trimmed",
            ),
            ("golf", "golf"),
            ("golf", "golf-1"),
            ("golf", "golf-2"),
            ("I \u{2665} unicode", "i--unicode"),
            ("dash-dash", "dash-dash"),
            ("en\u{2013}dash", "endash"),
            ("em\u{2013}dash", "emdash"),
            ("\u{1f604} unicode emoji", "-unicode-emoji"),
            ("\u{1f604}-\u{1f604} unicode emoji", "--unicode-emoji"),
            ("\u{1f604}_\u{1f604} unicode emoji", "_-unicode-emoji"),
            ("\u{1f604} - an emoji", "---an-emoji"),
            (":smile: - a gemoji", "smile---a-gemoji"),
            ("Привет", "привет"),
            ("Профили пользователей", "профили-пользователей"),
            ("Привет non-latin 你好", "привет-non-latin-你好"),
            (":ok: No underscore", "ok-no-underscore"),
            (":ok_hand: Single", "ok_hand-single"),
            (
                ":ok_hand::hatched_chick: Two in a row with no spaces",
                "ok_handhatched_chick-two-in-a-row-with-no-spaces",
            ),
            (
                ":ok_hand: :hatched_chick: Two in a row",
                "ok_hand-hatched_chick-two-in-a-row",
            ),
            ("a) ] } \u{f3b} \u{2046} \u{ff09}b", "a-----b"),
            (
                "a_ \u{203f} \u{2040} \u{ff3f}b",
                "a_-\u{203f}-\u{2040}-\u{ff3f}b",
            ),
            ("a$ \u{a2} \u{20ac} \u{ff04}b", "a---b"),
            ("a- \u{58a} \u{2010} \u{2014} \u{ff0d}c", "a-----c"),
            (
                "a0 1 \u{661} \u{966} \u{ff10}b",
                "a0-1-\u{661}-\u{966}-\u{ff10}b",
            ),
            (
                "a\u{16ee} \u{2160} \u{2170} \u{3007}b",
                "a\u{16ee}-\u{2170}-\u{2170}-\u{3007}b",
            ),
            ("a\u{2028}b", "ab"),
            ("a\u{bb} \u{2019} \u{201d}b", "a--b"),
            ("a\u{ab} \u{2018} \u{201c}c", "a--c"),
        ];
        let mut s = Slugger::default();
        for (input, expected) in cases {
            assert_eq!(s.slug(input), expected, "input {input:?}");
        }
    }
}
