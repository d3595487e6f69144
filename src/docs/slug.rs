//! GitHub heading slugs, as github-slugger makes them.
//!
//! Written here rather than taken from a crate: the Rust slug crates transliterate or collapse
//! dashes, which GitHub does not. The character classes follow github-slugger's generator:
//! it strips `Other_Number`, every punctuation but `Connector_Punctuation` (keeping `-`), symbols,
//! controls, formats, private use, unassigned and separators (keeping ` `), unless Alphabetic.

use std::collections::HashMap;

use unicode_general_category::{GeneralCategory as G, get_general_category};

/// The slug of one heading text, before de-duplication.
pub fn slug(text: &str) -> String {
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
        let base = slug(text);
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
        assert_eq!(slug("Rollout plan"), "rollout-plan");
        assert_eq!(slug("Risks & mitigations"), "risks--mitigations");
        assert_eq!(slug("Q&A: what about cost?"), "qa-what-about-cost");
        assert_eq!(slug("Follow-up (next quarter)"), "follow-up-next-quarter");
        assert_eq!(slug("Migration_steps"), "migration_steps");
        assert_eq!(slug("  lead"), "--lead");
        assert_eq!(slug("Привет мир"), "привет-мир");
        assert_eq!(slug("I ♥ unicode"), "i--unicode");
        assert_eq!(slug("😄 emoji"), "-emoji");
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
}
