//! Hints for schema diagnostics: "did you mean" and YAML 1.1 spellings.
//!
//! Key typos seen in real docs are case (`Tags`, `GUID`), separator (`outsystems_tools` for
//! `outsystems-tools`) and one or two letters (`sumary`). Values go stale the same way
//! (`architect` for `architects`). We normalise case and separators first, then accept a small
//! edit distance relative to the word's length, so short words do not match everything.
//!
//! YAML 1.1 (what many older tools and editors speak) read some plain scalars differently from
//! YAML 1.2, which we parse: `yes`/`on`/`y` were booleans, `1:20` was base 60, `1_000` was an
//! integer, `012` was octal. When a value fails the schema and is one of these spellings, the
//! help line says what happened.

use serde_json::Value as Json;

/// Lower case, `_` and spaces as `-`: the spelling-insensitive form of a key or value.
fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The candidates close enough to `input` to be a likely typo of it, closest first (ties
/// keep the candidates' order), each with its distance after normalising case and
/// separators. A candidate equal to `input` is skipped: it is not a typo of itself.
fn accepted<'a, I>(input: &str, candidates: I) -> Vec<(usize, &'a str)>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = normalise(input);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for cand in candidates {
        if cand == input {
            continue;
        }
        let norm = normalise(cand);
        let dist = if norm == wanted {
            0
        } else {
            strsim::damerau_levenshtein(&wanted, &norm)
        };
        // One edit per four characters, at least one, at most three.
        let allowed = (norm.chars().count().max(wanted.chars().count()) / 4).clamp(1, 3);
        let plural =
            norm.strip_suffix('s') == Some(&wanted) || wanted.strip_suffix('s') == Some(&norm);
        if dist <= allowed || plural {
            out.push((dist, cand));
        }
    }
    // Stable: of two equally close candidates the first listed stays first.
    out.sort_by_key(|&(d, _)| d);
    out
}

/// The candidate closest to `input`, when it is close enough to be a likely typo.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    accepted(input, candidates).first().map(|&(_, c)| c)
}

/// How many more edits than the best candidate every other likely candidate must need for
/// the best one to count as unambiguous (see [`unambiguous`]).
pub const CLEAR_MARGIN: usize = 2;

/// The candidate `input` surely meant, for fixes made without asking: the closest likely
/// candidate (as [`closest`] finds it), *and* every other likely candidate is at least
/// [`CLEAR_MARGIN`] edits further from `input` (distances after normalising case and
/// separators). So `Summary` → `summary` when the nearest other key needs two or more
/// edits, but `autor` is left alone beside `author` (1 edit) and `authors` (2 edits), and
/// `tagz` beside `tag` and `tags` (1 edit each). Candidates that are no likely typo at all
/// (too far for [`closest`]) do not count.
pub fn unambiguous<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let ranked = accepted(input, candidates);
    let (best, cand) = *ranked.first()?;
    ranked
        .iter()
        .skip(1)
        .all(|&(d, _)| d >= best + CLEAR_MARGIN)
        .then_some(cand)
}

/// `did you mean `x`?` for `input` among `candidates`.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// What a YAML 1.1 reader would have made of `raw` (the scalar as written), when that differs
/// from our YAML 1.2 reading `value`, phrased as a help line. `None` for ordinary values.
pub fn yaml11_hint(raw: &str, value: &Json, expected_bool: bool) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    if matches!(lower.as_str(), "yes" | "no" | "on" | "off" | "y" | "n") && value.is_string() {
        let truth = matches!(lower.as_str(), "yes" | "on" | "y");
        return Some(if expected_bool {
            format!("`{raw}` is text in YAML 1.2 (YAML 1.1 read it as {truth}); write `{truth}`")
        } else {
            format!("`{raw}` is text in YAML 1.2 (YAML 1.1 read it as the boolean {truth})")
        });
    }
    let b = raw.as_bytes();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if raw.contains(':') && raw.split(':').all(all_digits) && value.is_string() {
        let base60 = raw.split(':').try_fold(0u64, |acc, p| {
            acc.checked_mul(60)?.checked_add(p.parse().ok()?)
        });
        if let Some(n) = base60 {
            return Some(format!(
                "`{raw}` is text in YAML 1.2; YAML 1.1 read it as the base-60 number {n}: quote it to say which you mean"
            ));
        }
    }
    if raw.contains('_') && raw.split('_').all(all_digits) && value.is_string() {
        let joined: String = raw.chars().filter(|c| *c != '_').collect();
        return Some(format!(
            "`{raw}` is text in YAML 1.2 (YAML 1.1 read it as {joined}); write `{joined}` for a number"
        ));
    }
    if b.len() > 1 && b.first() == Some(&b'0') && all_digits(raw) && value.is_number() {
        let octal = i64::from_str_radix(raw, 8).ok();
        let old = octal.map_or(String::new(), |o| {
            format!(", YAML 1.1 read it as octal {o}")
        });
        return Some(format!(
            "`{raw}` is the number {value} in YAML 1.2{old}; quote it to keep it as written"
        ));
    }
    if raw.starts_with("0o") && value.is_number() {
        return Some(format!(
            "`{raw}` is octal {value} in YAML 1.2 (YAML 1.1 read it as text); quote it to keep it as text"
        ));
    }
    if value.is_f64() && raw.contains('.') && raw.ends_with('0') {
        return Some(format!(
            "`{raw}` is the number {value}, so the trailing zero is lost; quote it to keep it as written"
        ));
    }
    if (value.is_number() || value.is_boolean() || value.is_null())
        && !raw.is_empty()
        && !raw.starts_with(['"', '\''])
    {
        return Some(format!("quote it to keep it as text: `\"{raw}\"`"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEYS: [&str; 5] = ["summary", "tags", "outsystems-tools", "guid", "audience"];

    #[test]
    fn key_typos() {
        assert_eq!(closest("sumary", KEYS), Some("summary"));
        assert_eq!(closest("Tags", KEYS), Some("tags"));
        assert_eq!(closest("GUID", KEYS), Some("guid"));
        assert_eq!(closest("outsystems_tools", KEYS), Some("outsystems-tools"));
        assert_eq!(closest("colour", KEYS), None);
        assert_eq!(closest("x", KEYS), None);
    }

    #[test]
    fn value_typos() {
        let audience = ["architects", "tech leads", "full stack developers"];
        assert_eq!(closest("architect", audience), Some("architects"));
        assert_eq!(closest("Tech Leads", audience), Some("tech leads"));
        assert_eq!(
            closest("fullstack developers", audience),
            Some("full stack developers")
        );
        assert_eq!(closest("Developer", audience), None);
    }

    #[test]
    fn unambiguous_needs_a_clear_winner() {
        // One likely candidate: it is the fix.
        assert_eq!(unambiguous("tilte", ["title", "tags"]), Some("title"));
        assert_eq!(unambiguous("Summary", KEYS), Some("summary"));
        assert_eq!(
            unambiguous("outsystems_tools", KEYS),
            Some("outsystems-tools")
        );
        // Two candidates one edit apart: `closest` still names one, the fix makes none.
        assert_eq!(closest("tagz", ["tag", "tags"]), Some("tag"));
        assert_eq!(unambiguous("tagz", ["tag", "tags"]), None);
        // 1 edit against 2: not clear enough.
        let both = ["description", "descriptions"];
        assert_eq!(closest("descripton", both), Some("description"));
        assert_eq!(unambiguous("descripton", both), None);
        // `authors` is 2 edits from `autor`, too far to be a likely typo for a word that
        // short: it does not compete.
        assert_eq!(unambiguous("autor", ["author", "authors"]), Some("author"));
        // Case only (0 edits) against 1 edit: still too close to call.
        assert_eq!(unambiguous("AUTHOR", ["author", "authors"]), None);
        // Case only against 2 edits: clear.
        assert_eq!(
            unambiguous("AUTHOR", ["author", "autumn", "authored"]),
            Some("author")
        );
        // Exactly the margin apart decides it; one less does not.
        assert_eq!(unambiguous("abcdefgh", ["abcdefgx", "abcdefxy"]), None);
        assert_eq!(
            unambiguous("abcdefghijkl", ["abcdefghijkx", "abcdefghixyz"]),
            Some("abcdefghijkx")
        );
        // No likely candidate at all.
        assert_eq!(unambiguous("colour", KEYS), None);
        assert_eq!(unambiguous("", KEYS), None);
    }

    #[test]
    fn yaml11_spellings() {
        let h = yaml11_hint("yes", &json!("yes"), true).unwrap();
        assert!(h.contains("write `true`"), "{h}");
        let h = yaml11_hint("off", &json!("off"), true).unwrap();
        assert!(h.contains("write `false`"), "{h}");
        assert!(
            yaml11_hint("1:20", &json!("1:20"), false)
                .unwrap()
                .contains("80")
        );
        assert!(
            yaml11_hint("1_000", &json!("1_000"), false)
                .unwrap()
                .contains("1000")
        );
        let h = yaml11_hint("012", &json!(12), false).unwrap();
        assert!(h.contains("octal 10"), "{h}");
        assert!(
            yaml11_hint("0o17", &json!(15), false)
                .unwrap()
                .contains("octal 15")
        );
        assert!(
            yaml11_hint("1.10", &json!(1.1), false)
                .unwrap()
                .contains("trailing zero")
        );
        assert_eq!(yaml11_hint("hello", &json!("hello"), false), None);
    }
}
