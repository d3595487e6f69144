//! Text utilities: did-you-mean suggestions.

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
}
