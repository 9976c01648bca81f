//! "Did you mean ...?": the closest allowed word to a mistyped one.
//!
//! Real front matter typos are case (`Tags`), separator (`outsystems_tools`) and small slips
//! (`sumary`), so candidates are compared after folding case and `_`/`-`/space, then by edit
//! distance with a budget that grows with the word's length.

/// Folds case and the separators people confuse.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate closest to `word`, if any is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = fold(word);
    if w.is_empty() {
        return None;
    }
    let budget = match w.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = strsim::damerau_levenshtein(&w, &fold(c));
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_case_separator_and_small_typos() {
        let keys = ["summary", "tags", "outsystems-tools", "coverage-type"];
        assert_eq!(closest("Tags", keys), Some("tags"));
        assert_eq!(closest("outsystems_tools", keys), Some("outsystems-tools"));
        assert_eq!(closest("sumary", keys), Some("summary"));
        assert_eq!(closest("coverage type", keys), Some("coverage-type"));
        assert_eq!(closest("banana", keys), None);
        assert_eq!(
            closest("architect", ["architects", "tech leads"]),
            Some("architects")
        );
    }
}
