//! Whether two header cells read as the two opposing sides of a comparison (issue 16).
//!
//! A table converts on its *pair* of headers, never on one header alone: `Benefits | Notes`
//! is a list of benefits with notes, `Item | Cost` is a price list, `Feature | Pro` compares
//! editions. [`classify_pair`] reads each header's visible text (the caller strips Markdown;
//! case, punctuation, parentheses and check/cross emoji are handled here) and applies these
//! rules, first match wins; each has a unit test below and an example in
//! `book/src/comparison-tables.md`:
//!
//! 1. **Negation** — one header is the other negated (`X` / `Not X`, `Don't X`, `Do not X`,
//!    `When to use` / `When not to use`, `Empfohlen` / `Nicht empfohlen`): the un-negated one is
//!    the pro side. An imperative negated at its start also pairs with the same verb
//!    (`Store secrets in a vault` / `Don't store secrets in the repo`).
//! 2. **Verdicts** — both headers carry a verdict of opposite polarity: a verdict word or
//!    phrase at the start (`Good`, `Correct usage`, `Do:`, `Use`, `Avoid`, `Instead of`,
//!    `Not recommended`), a verdict in parentheses (`Inline styles (not recommended)`), or a
//!    check or cross emoji (`✅`, `❌`, `:x:`).
//! 3. **Side words** — both headers name a side *as their role*: the header is a side word
//!    (`Pros`, `Trade-offs`), ends with one in a short header (`Key benefits`, `Self-hosting
//!    cons`), or starts with one followed by a linking word or a single qualifier (`Benefits of
//!    caching`, `Vorteile von Docker`, `Ventajas principales`); and the two are opposite sides.
//!    A verdict (rule 2) may stand for one of them (`Best practice` / `Common pitfalls`) when
//!    the side word has no second sense.
//! 4. **Sentences** — at least one header is a sentence (four words or more, or cut by an
//!    ellipsis), and the pair
//!    mentions opposite side words anywhere (`Serverless brings real benefits...` /
//!    `...but it comes with costs`), or one mentions a pro word and the other starts with a
//!    contrast (`but`, `however`, `aber`, `mais`, `pero`, `mas`): that one is the con side.
//!
//! Anything else is a plain table. A note is due only for a near miss:
//! - both headers name the *same* side (`Pros | Gains`), or one names both (`Pros and cons`);
//! - one header is a clear side name (a side word that has no everyday second sense, unlike
//!   `Pro` for an edition, `Cost` for a price or `Gain` for a level) and the other is a short
//!   header in no list, which is what an unknown synonym looks like (`Benefits | Gotchas`).
//!   A header that describes or keys the first one (`Notes`, `Example`, `Mitigation`,
//!   `Workaround`, `Plan`, `Feature`), or asks or instructs (`How to fix`), is no near miss.
//!
//! The word lists (side words, verdicts, negations) are configurable; the small closed lists
//! here (linking words, contrasts, articles, question words, companion headers) cover the
//! languages of the defaults: English, Spanish, Portuguese, French and German.

use super::CompareOptions;

/// Which side a header reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Pro,
    Con,
}

/// Why a pair is a comparison (for messages and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Rule 1: one header negates the other.
    Negation,
    /// Rule 2: opposite verdicts.
    Verdicts,
    /// Rule 3: opposite side words.
    SideWords,
    /// Rule 4: sentence headers.
    Sentences,
}

/// Why a plain table deserves a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    /// Header `col` names a side; the other header is short and in no list.
    OneSide { col: usize },
    /// Both headers name the same side.
    SameSide,
    /// Header `col` names both sides.
    BothSides { col: usize },
}

/// What a pair of headers is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairVerdict {
    /// Two opposing sides; `pro_col` (0 or 1) is the pro one.
    Comparison { pro_col: usize, reason: Reason },
    /// A plain table that looks like a comparison gone wrong.
    NearMiss(Miss),
    /// A plain table.
    Plain,
}

/// Side words that have an everyday second sense: a plan or edition (`Pro`), a price
/// (`Cost`), a level (`Gain`), a preposition (Spanish `con`). They still make a comparison
/// with an opposite side, but alone they never earn a note.
const AMBIGUOUS: &[&str] = &[
    "pro", "con", "cost", "costs", "gain", "gains", "plus", "coste", "costes", "custo", "custos",
    "coût", "coûts", "kosten",
];

/// Words that may follow a side word that opens a header (`Benefits of X`, `Risks when ...`,
/// `Vorteile von X`, `Ventajas de X`, `Avantages pour X`).
const LINKS: &[&str] = &[
    "of", "for", "to", "with", "in", "on", "over", "compared", "when", "from", "vs", "versus",
    "de", "del", "da", "do", "dos", "das", "des", "du", "von", "der", "für", "fur", "bei", "im",
    "con", "para", "pour", "avec", "en", "em", "no", "na",
];

/// Words that open a contrasting sentence: a header starting with one is the con side when
/// the other header mentions a pro word (`...but it comes with burdens`).
const CONTRASTS: &[&str] = &[
    "but",
    "however",
    "yet",
    "though",
    "although",
    "pero",
    "sin",
    "mas",
    "porém",
    "mais",
    "cependant",
    "aber",
    "jedoch",
];

/// Articles skipped before a verdict (`The good`, `The bad`).
const ARTICLES: &[&str] = &[
    "the", "a", "an", "el", "la", "los", "las", "o", "os", "le", "les", "der", "die", "das",
];

/// Words that open a question or a task: such a header is never a near miss's partner.
const QUESTIONS: &[&str] = &[
    "what", "how", "why", "when", "which", "who", "where", "if", "qué", "cómo", "comment",
    "pourquoi", "was", "wie", "warum", "como",
];

/// Headers that describe, explain or key the other column: with a side name beside them the
/// table is a list of that side, not a near miss (`Benefits | Notes`, `Risk | Mitigation`,
/// `Tier | Benefits`).
const COMPANIONS: &[&str] = &[
    "description",
    "details",
    "detail",
    "notes",
    "note",
    "example",
    "examples",
    "explanation",
    "comment",
    "comments",
    "remarks",
    "mitigation",
    "mitigations",
    "workaround",
    "workarounds",
    "solution",
    "solutions",
    "fix",
    "fixes",
    "impact",
    "reason",
    "reasons",
    "meaning",
    "definition",
    "context",
    "status",
    "severity",
    "likelihood",
    "probability",
    "owner",
    "feature",
    "features",
    "item",
    "items",
    "name",
    "plan",
    "plans",
    "tier",
    "tiers",
    "customer",
    "customers",
    "setting",
    "settings",
    "step",
    "steps",
    "task",
    "tasks",
    "type",
    "category",
    "role",
    "component",
    "service",
    "scenario",
    "action",
    "capability",
    "value",
    "default",
    "version",
    "summary",
    "verdict",
    "area",
    "level",
    "score",
    "source",
    "link",
    "descripción",
    "notas",
    "nota",
    "ejemplo",
    "descrição",
    "exemplo",
    "remarque",
    "exemple",
    "beschreibung",
    "hinweis",
    "beispiel",
];

/// Emoji and shortcodes that mark a side (checked in the header's raw text).
const PRO_MARKS: &[char] = &['\u{2705}', '\u{2714}', '\u{2611}', '\u{2713}', '\u{1F44D}'];
const CON_MARKS: &[char] = &[
    '\u{274C}',
    '\u{2716}',
    '\u{2718}',
    '\u{2717}',
    '\u{1F44E}',
    '\u{26D4}',
    '\u{1F6AB}',
];
const PRO_CODES: &[&str] = &[
    ":white_check_mark:",
    ":heavy_check_mark:",
    ":check:",
    ":+1:",
    ":thumbsup:",
];
const CON_CODES: &[&str] = &[
    ":x:",
    ":heavy_multiplication_x:",
    ":no_entry:",
    ":no_entry_sign:",
    ":-1:",
    ":thumbsdown:",
];

/// Lower-cased words of `s`; apostrophes (straight or curly, as smart punctuation makes
/// them) stay inside words so `don't` and `do's` are single words.
pub(crate) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .map(|w| w.replace('\u{2019}', "'").trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `words(entry)` is `[entry]` itself: lowercase letters (any script), digits and
/// inner `'`. The built-in lists are nearly all such words, accents included (`stärken`,
/// `éviter`), so they are compared without being split.
fn is_plain_word(entry: &str) -> bool {
    !entry.is_empty()
        && !entry.starts_with('\'')
        && !entry.ends_with('\'')
        && entry.chars().all(|c| {
            c == '\''
                || (c.is_alphanumeric() && {
                    let mut lower = c.to_lowercase();
                    lower.next() == Some(c) && lower.next().is_none()
                })
        })
}

/// An entry of a word list as words (`trade-off` is `trade off`, `Instead of` is two).
/// Only [`classify_pair`] splits entries, once per table; the pre-check ([`touches`]) goes
/// through [`matches_set`], which compares plain one-word entries without splitting them
/// (splitting every entry for every header line was a fifth of `check`'s instructions on a
/// large book).
fn entry_words(entry: &str) -> Vec<String> {
    if is_plain_word(entry) {
        vec![entry.to_string()]
    } else {
        words(entry)
    }
}

/// Whether `header` contains one of `set` as whole words (an entry may be several words).
pub(crate) fn matches_set(header: &[String], set: &[String]) -> bool {
    set.iter().any(|entry| {
        if is_plain_word(entry) {
            return header.iter().any(|h| h == entry);
        }
        let needle = words(entry);
        !needle.is_empty() && header.windows(needle.len()).any(|w| w == needle.as_slice())
    })
}

/// The length of the longest entry of `set` that `ws` starts with.
fn starts_with_entry(ws: &[String], set: &[String]) -> Option<usize> {
    set.iter()
        .filter_map(|e| {
            let e = entry_words(e);
            (!e.is_empty() && ws.len() >= e.len() && ws[..e.len()] == e[..]).then_some(e.len())
        })
        .max()
}

fn in_list(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

/// A negation token: a listed negation, or an English contraction in `n't`.
fn is_negation(word: &str, opts: &CompareOptions) -> bool {
    word.ends_with("n't") || word == "dont" || opts.negations.iter().any(|n| n == word)
}

/// How strongly a header names a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    None,
    /// A side word somewhere in the header.
    Mention,
    /// The side word is the header's role (rule 3).
    Label,
}

/// One header, read.
#[derive(Debug)]
struct Header {
    /// Words outside parentheses, without emoji shortcodes.
    main: Vec<String>,
    /// Words of the last parenthesised group, if any (`(not recommended)`).
    tag: Vec<String>,
    /// Side of a check or cross mark in the raw text, if exactly one kind is present.
    mark: Option<Side>,
    /// The text opens or ends with an ellipsis (`...but it costs`): a sentence cut in two.
    ellipsis: bool,
}

impl Header {
    fn read(raw: &str) -> Header {
        let mut text = raw.to_string();
        let mut pro_mark = raw.contains(PRO_MARKS);
        let mut con_mark = raw.contains(CON_MARKS);
        for code in PRO_CODES {
            if text.contains(code) {
                pro_mark = true;
                text = text.replace(code, " ");
            }
        }
        for code in CON_CODES {
            if text.contains(code) {
                con_mark = true;
                text = text.replace(code, " ");
            }
        }
        // Split off parenthesised groups: `Inline styles (not recommended)`. Unbalanced
        // parentheses are read as text.
        let mut main = String::new();
        let mut tag = String::new();
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' => {
                    if depth == 0 {
                        tag.clear();
                    }
                    depth += 1;
                    main.push(' ');
                }
                ')' | ']' if depth > 0 => {
                    depth -= 1;
                    main.push(' ');
                }
                _ if depth > 0 => tag.push(c),
                _ => main.push(c),
            }
        }
        if depth > 0 {
            main.push_str(&tag);
            tag.clear();
        }
        let mark = match (pro_mark, con_mark) {
            (true, false) => Some(Side::Pro),
            (false, true) => Some(Side::Con),
            _ => None,
        };
        let trimmed = raw.trim();
        let ellipsis = ["...", "\u{2026}"]
            .iter()
            .any(|e| trimmed.starts_with(e) || trimmed.ends_with(e));
        Header {
            ellipsis,
            main: words(&main),
            tag: words(&tag),
            mark,
        }
    }

    fn is_question(&self) -> bool {
        self.main
            .first()
            .is_some_and(|w| in_list(w, QUESTIONS) || w == "to")
    }

    /// Rule 3: how strongly the header names the side of `set`.
    fn strength(&self, set: &[String]) -> (Strength, bool) {
        let ws = &self.main;
        let n = ws.len();
        let mut best = Strength::None;
        let mut clear = false;
        for entry in set {
            let e = entry_words(entry);
            let len = e.len();
            if len == 0 || len > n {
                continue;
            }
            let ambiguous = len == 1 && in_list(&e[0], AMBIGUOUS);
            for s in 0..=(n - len) {
                if ws[s..s + len] != e[..] {
                    continue;
                }
                // A plural side word with one qualifier after it: Spanish, Portuguese and
                // French put adjectives after the noun (`Ventajas principales`).
                let qualified = s == 0
                    && n == len + 1
                    && !ambiguous
                    && e.last().is_some_and(|w| w.ends_with('s'));
                let label = (s == 0 && len == n)
                    || (s + len == n && n <= 5)
                    || (s == 0 && ws.get(len).is_some_and(|w| in_list(w, LINKS)))
                    || qualified;
                let st = if label {
                    Strength::Label
                } else {
                    Strength::Mention
                };
                if st > best {
                    best = st;
                    clear = !ambiguous;
                } else if st == best && !ambiguous {
                    clear = true;
                }
            }
        }
        (best, !clear)
    }

    /// Rule 2: the verdict a header carries, if any: its parenthesised tag, else its opening
    /// words, else a check or cross mark.
    fn verdict(&self, opts: &CompareOptions) -> Option<Side> {
        let lead = |ws: &[String]| -> Option<Side> {
            let ws = match ws.first() {
                Some(w) if in_list(w, ARTICLES) => &ws[1..],
                _ => ws,
            };
            if starts_with_entry(ws, &opts.con_verdicts).is_some() {
                return Some(Side::Con);
            }
            // `Not recommended`, `No recomendado`, `Do not use`.
            // `Not a good fit`: an article may follow the negation.
            let after_neg = match ws {
                [d, n, ..] if d == "do" && n == "not" => Some(&ws[2..]),
                [n, ..] if is_negation(n, opts) => Some(&ws[1..]),
                _ => None,
            };
            if let Some(rest) = after_neg {
                let rest = match rest.first() {
                    Some(w) if in_list(w, ARTICLES) => &rest[1..],
                    _ => rest,
                };
                return starts_with_entry(rest, &opts.pro_verdicts).map(|_| Side::Con);
            }
            let n = starts_with_entry(ws, &opts.pro_verdicts)?;
            // `Use case` names a thing, not a verdict.
            if ws.first().is_some_and(|w| w == "use")
                && ws.get(n).is_some_and(|w| w == "case" || w == "cases")
            {
                return None;
            }
            Some(Side::Pro)
        };
        if !self.tag.is_empty()
            && let Some(side) = lead(&self.tag)
        {
            return Some(side);
        }
        lead(&self.main)
            .or_else(|| self.trailing_verdict(opts))
            .or(self.mark)
    }

    /// A verdict that ends a short header (three words at most): `Usage to avoid`,
    /// `Common mistake`, `Things to do`. Longer headers are sentences, where a verdict word
    /// at the end says nothing about the column.
    fn trailing_verdict(&self, opts: &CompareOptions) -> Option<Side> {
        let (last, rest) = self.main.split_last()?;
        if rest.is_empty() || self.main.len() > 3 || rest.iter().any(|w| is_negation(w, opts)) {
            return None;
        }
        let one = |set: &[String]| set.iter().any(|e| e == last);
        match (one(&opts.pro_verdicts), one(&opts.con_verdicts)) {
            (true, false) => Some(Side::Pro),
            (false, true) => Some(Side::Con),
            _ => None,
        }
    }

    fn negated(&self, opts: &CompareOptions) -> bool {
        self.main.iter().any(|w| is_negation(w, opts))
    }

    /// The words that remain once negations, contractions and the auxiliary `do` are
    /// taken out: `Don't do this` and `Do this` both leave `this`.
    fn core(&self, opts: &CompareOptions) -> Vec<&str> {
        self.main
            .iter()
            .filter(|w| !is_negation(w, opts) || w.ends_with("n't"))
            .map(|w| match w.strip_suffix("n't") {
                Some("ca") => "can",
                Some("wo") => "will",
                Some(stem) => stem,
                None => w.as_str(),
            })
            .filter(|w| !matches!(*w, "do" | "does" | "did" | "dont" | ""))
            .collect()
    }
}

/// Rule 1: negation. `p` is the un-negated header, `n` the negated one.
fn negation_pair(p: &Header, n: &Header, opts: &CompareOptions) -> bool {
    if p.main.is_empty() && p.tag.is_empty() {
        return false;
    }
    let (pc, nc) = (p.core(opts), n.core(opts));
    if pc == nc {
        return true;
    }
    // `Use this` / `Not this`: the pro side's own verdict word is not part of the subject.
    if let Some(k) = starts_with_entry(&p.main, &opts.pro_verdicts)
        && pc
            .get(k..)
            .is_some_and(|rest| !rest.is_empty() && rest == nc.as_slice())
    {
        return true;
    }
    // `Store secrets in a vault` / `Don't store secrets in the repository`: an imperative
    // negated at its start, on the same verb.
    let starts_negated = match n.main.as_slice() {
        [d, x, ..] if d == "do" && is_negation(x, opts) => true,
        [x, ..] => is_negation(x, opts),
        [] => false,
    };
    if starts_negated && !pc.is_empty() && pc.first() == nc.first() {
        return true;
    }
    // `Why we like it` / `Why we don't`: the negated header stops at its negation, and what
    // it keeps opens the other one.
    n.main.last().is_some_and(|w| is_negation(w, opts))
        && !nc.is_empty()
        && nc.len() < pc.len()
        && pc.starts_with(&nc)
}

/// Decides what a pair of header texts is (see the module docs for the rules).
pub(crate) fn classify_pair(left: &str, right: &str, opts: &CompareOptions) -> PairVerdict {
    let h = [Header::read(left), Header::read(right)];
    let pro_col = |side: Side, col: usize| if side == Side::Pro { col } else { 1 - col };

    // Rule 1: negation.
    match (h[0].negated(opts), h[1].negated(opts)) {
        (false, true) if negation_pair(&h[0], &h[1], opts) => {
            return PairVerdict::Comparison {
                pro_col: 0,
                reason: Reason::Negation,
            };
        }
        (true, false) if negation_pair(&h[1], &h[0], opts) => {
            return PairVerdict::Comparison {
                pro_col: 1,
                reason: Reason::Negation,
            };
        }
        _ => {}
    }

    // Rule 2: opposite verdicts.
    let verdicts = [h[0].verdict(opts), h[1].verdict(opts)];
    if let [Some(a), Some(b)] = verdicts
        && a != b
    {
        return PairVerdict::Comparison {
            pro_col: pro_col(a, 0),
            reason: Reason::Verdicts,
        };
    }

    // Rules 3 and 4 read the side words.
    let pro = [
        h[0].strength(&opts.pro_words),
        h[1].strength(&opts.pro_words),
    ];
    let con = [
        h[0].strength(&opts.con_words),
        h[1].strength(&opts.con_words),
    ];
    let side_of = |i: usize, at_least: Strength| -> Option<Side> {
        match (pro[i].0 >= at_least, con[i].0 >= at_least) {
            (true, false) => Some(Side::Pro),
            (false, true) => Some(Side::Con),
            _ => None,
        }
    };
    // Rule 3: both headers name opposite sides as their role.
    if let (Some(a), Some(b)) = (side_of(0, Strength::Label), side_of(1, Strength::Label))
        && a != b
    {
        return PairVerdict::Comparison {
            pro_col: pro_col(a, 0),
            reason: Reason::SideWords,
        };
    }
    // Rule 3, mixed: a verdict opposite a side word that names the other side as its
    // subject (`Best practice` / `Common pitfalls`). The side word must have no second sense:
    // `Recommended plan` beside `Cost` is a price list.
    let clear = |i: usize| -> Option<Side> {
        let s = side_of(i, Strength::Label)?;
        let (_, ambiguous) = if s == Side::Pro { pro[i] } else { con[i] };
        (!ambiguous).then_some(s)
    };
    for (v, l) in [(0, 1), (1, 0)] {
        if let (Some(a), Some(b)) = (verdicts[v], clear(l))
            && a != b
            && side_of(v, Strength::Mention).is_none()
        {
            return PairVerdict::Comparison {
                pro_col: pro_col(a, v),
                reason: Reason::SideWords,
            };
        }
    }
    // Rule 4: sentence headers.
    let long = [
        h[0].main.len() >= 4 || h[0].ellipsis,
        h[1].main.len() >= 4 || h[1].ellipsis,
    ];
    if long[0] || long[1] {
        if let (Some(a), Some(b)) = (side_of(0, Strength::Mention), side_of(1, Strength::Mention))
            && a != b
        {
            return PairVerdict::Comparison {
                pro_col: pro_col(a, 0),
                reason: Reason::Sentences,
            };
        }
        // A contrast (`but`, `however`) opens the con side when the other header mentions
        // a pro word, when it mentions a con word itself, or when the two halves are one
        // sentence cut by an ellipsis (`...full control...` / `...but you own upgrades`).
        for (c, p) in [(0, 1), (1, 0)] {
            let contrast =
                h[c].main.len() >= 3 && h[c].main.first().is_some_and(|w| in_list(w, CONTRASTS));
            let other = side_of(p, Strength::Mention);
            let fits = other == Some(Side::Pro)
                || (other.is_none() && side_of(c, Strength::Mention) == Some(Side::Con))
                || (other.is_none() && (h[c].ellipsis || h[p].ellipsis));
            if contrast && pro[c].0 == Strength::None && fits {
                return PairVerdict::Comparison {
                    pro_col: p,
                    reason: Reason::Sentences,
                };
            }
        }
    }

    // Near misses.
    for col in 0..2 {
        if pro[col].0 >= Strength::Mention && con[col].0 >= Strength::Mention {
            return PairVerdict::NearMiss(Miss::BothSides { col });
        }
    }
    if let (Some(a), Some(b)) = (clear(0), clear(1))
        && a == b
    {
        return PairVerdict::NearMiss(Miss::SameSide);
    }
    for col in 0..2 {
        let other = &h[1 - col];
        let unknown = pro[1 - col].0 == Strength::None
            && con[1 - col].0 == Strength::None
            && other.verdict(opts).is_none()
            && !other.negated(opts)
            && !other.main.is_empty()
            && other.main.len() <= 3
            && !other.is_question()
            && !other.main.iter().any(|w| in_list(w, COMPANIONS));
        if clear(col).is_some() && unknown {
            return PairVerdict::NearMiss(Miss::OneSide { col });
        }
    }
    PairVerdict::Plain
}

/// Whether a header line's text could take part in any rule: some word of a list, a
/// negation, a contrast, or a check or cross mark. A line without any is a plain table for
/// sure, which lets the pre-check skip the parse.
pub(crate) fn touches(line: &str, opts: &CompareOptions) -> bool {
    if line.contains(PRO_MARKS) || line.contains(CON_MARKS) {
        return true;
    }
    if PRO_CODES.iter().chain(CON_CODES).any(|c| line.contains(c)) {
        return true;
    }
    let ws = words(line);
    ws.iter()
        .any(|w| is_negation(w, opts) || in_list(w, CONTRASTS))
        || [
            &opts.pro_words,
            &opts.con_words,
            &opts.pro_verdicts,
            &opts.con_verdicts,
        ]
        .iter()
        .any(|set| matches_set(&ws, set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(l: &str, r: &str) -> PairVerdict {
        classify_pair(l, r, &CompareOptions::default())
    }

    fn cmp(pro_col: usize, reason: Reason) -> PairVerdict {
        PairVerdict::Comparison { pro_col, reason }
    }

    #[test]
    fn words_are_whole_unicode_and_case_free() {
        assert_eq!(
            words("Don’t DO's, Vorteile!"),
            ["don't", "do's", "vorteile"]
        );
        let h = words("Microservices have many benefits...");
        assert!(matches_set(&h, &["benefits".into()]));
        assert!(!matches_set(&words("Beneficial"), &["benefit".into()]));
        assert!(matches_set(&words("pros and cons"), &["and cons".into()]));
        assert!(matches_set(&words("Key BENEFITS"), &["Benefits".into()]));
        assert!(matches_set(&words("the do’s"), &["do's".into()]));
        assert!(!matches_set(&words("dos"), &["do".into()]));
        for entry in [
            "benefit", "do's", "x2", "", "'a", "a'", "Pro", "pro s", "don’t", "stärken", "Stärken",
            "à faire", "éviter", "ǅ", "ǆ", "İ", "ß", "ﬁ", "n't",
        ] {
            assert_eq!(is_plain_word(entry), words(entry) == [entry], "{entry:?}");
        }
    }

    /// Rule 1: the un-negated header is the pro side, whatever the words.
    #[test]
    fn rule1_negation() {
        assert_eq!(
            v("Recommended", "Not recommended"),
            cmp(0, Reason::Negation)
        );
        assert_eq!(
            v("Don't use it when", "Use it when"),
            cmp(1, Reason::Negation)
        );
        assert_eq!(
            v("When to use", "When not to use"),
            cmp(0, Reason::Negation)
        );
        assert_eq!(v("What it is", "What it isn’t"), cmp(0, Reason::Negation));
        assert_eq!(v("Do this", "Not this"), cmp(0, Reason::Negation));
        assert_eq!(v("Use this", "Not this"), cmp(0, Reason::Negation));
        assert_eq!(v("Faire", "Ne pas faire"), cmp(0, Reason::Negation));
        assert_eq!(
            v("Store keys in a vault", "Don't store keys in the repo"),
            cmp(0, Reason::Negation)
        );
        // The rest must be the same phrase (or the same verb for an imperative).
        assert_eq!(v("Nullable", "Not null"), PairVerdict::Plain);
        assert_eq!(v("Not started", "In progress"), PairVerdict::Plain);
        assert_eq!(v("Yes", "No"), PairVerdict::Plain);
        // An elliptical negation stops at its negation word.
        assert_eq!(
            v("Why we like it", "Why we don't"),
            cmp(0, Reason::Negation)
        );
        assert_eq!(v("Why we don't", "Why"), PairVerdict::Plain);
        // The guide's examples.
        assert_eq!(
            v("Pin versions in CI", "Don't pin versions by hand"),
            cmp(0, Reason::Negation)
        );
        assert_eq!(
            v("Why we chose it", "Why we didn't"),
            cmp(0, Reason::Negation)
        );
        assert_eq!(
            v("Preferred form", "Form to avoid"),
            cmp(0, Reason::Verdicts)
        );
        // A negated side word pair is a comparison, never a "same side" note.
        assert_eq!(v("Benefits", "No benefits"), cmp(0, Reason::Negation));
    }

    /// Rule 2: verdicts at the start, in parentheses, or as marks.
    #[test]
    fn rule2_verdicts() {
        assert_eq!(v("Good example", "Bad example"), cmp(0, Reason::Verdicts));
        assert_eq!(v("The bad", "The good"), cmp(1, Reason::Verdicts));
        assert_eq!(v("Use", "Instead of"), cmp(0, Reason::Verdicts));
        assert_eq!(
            v("Do: short titles", "Don't: acronyms"),
            cmp(0, Reason::Verdicts)
        );
        assert_eq!(
            v("Tabs (avoid)", "Spaces (preferred)"),
            cmp(1, Reason::Verdicts)
        );
        assert_eq!(
            v("✔️ Active voice", "✖️ Passive voice"),
            cmp(0, Reason::Verdicts)
        );
        assert_eq!(
            v(":x: Tabs", ":white_check_mark: Spaces"),
            cmp(1, Reason::Verdicts)
        );
        // A short header may end with its verdict; a longer one is a sentence.
        assert_eq!(
            v("Preferred usage", "Usage to avoid"),
            cmp(0, Reason::Verdicts)
        );
        assert_eq!(
            v("Common mistake", "Best practice"),
            cmp(1, Reason::Verdicts)
        );
        assert_eq!(
            v("Works well for", "Not a good fit for"),
            cmp(0, Reason::Verdicts)
        );
        assert_eq!(v("Good", "Things we tried to avoid"), PairVerdict::Plain);
        // One verdict is not enough; a verdict word inside the header is no verdict.
        assert_eq!(v("Right", "Left"), PairVerdict::Plain);
        assert_eq!(v("Use case", "Avoid"), PairVerdict::Plain);
        assert_eq!(v("What to do", "Example"), PairVerdict::Plain);
        assert_eq!(v("Good", "Better"), PairVerdict::Plain);
    }

    /// Rule 3: side words as the header's role, not anywhere.
    #[test]
    fn rule3_side_words() {
        assert_eq!(v("Benefits", "Trade-offs"), cmp(0, Reason::SideWords));
        assert_eq!(
            v("Known limitations", "Key benefits"),
            cmp(1, Reason::SideWords)
        );
        assert_eq!(
            v("Benefits of caching", "Costs of caching"),
            cmp(0, Reason::SideWords)
        );
        assert_eq!(
            v("Ventajas principales", "Desventajas"),
            cmp(0, Reason::SideWords)
        );
        assert_eq!(v("Pro", "Con"), cmp(0, Reason::SideWords));
        // A verdict may stand for one side, opposite a side word without a second sense.
        assert_eq!(
            v("Common pitfalls", "Best practice"),
            cmp(1, Reason::SideWords)
        );
        assert_eq!(v("Do", "Burdens"), cmp(0, Reason::SideWords));
        assert_eq!(v("Recommended plan", "Cost"), PairVerdict::Plain);
        // Editions, prices and compounds are not sides.
        assert_eq!(v("Feature", "Pro"), PairVerdict::Plain);
        assert_eq!(v("Pro tier", "Enterprise tier"), PairVerdict::Plain);
        assert_eq!(v("Item", "Cost"), PairVerdict::Plain);
        assert_eq!(v("Cost center", "Owner"), PairVerdict::Plain);
        assert_eq!(v("Prosody", "Content"), PairVerdict::Plain);
    }

    /// Rule 4: long headers, side words anywhere or a contrast.
    #[test]
    fn rule4_sentences() {
        assert_eq!(
            v(
                "Static sites have real benefits...",
                "...but also some burdens"
            ),
            cmp(0, Reason::SideWords)
        );
        assert_eq!(
            v("The costs teams report", "Why teams adopt it: benefits"),
            cmp(1, Reason::Sentences)
        );
        assert_eq!(
            v("Edge caching gives clear gains", "but purging gets harder"),
            cmp(0, Reason::Sentences)
        );
        assert_eq!(
            v(
                "Containers make builds repeatable",
                "However they add risks"
            ),
            cmp(0, Reason::Sentences)
        );
        assert_eq!(
            v(
                "Hosting it gives you control...",
                "...but you own each upgrade"
            ),
            cmp(0, Reason::Sentences)
        );
        assert_eq!(
            v("Teams deploy on their own", "A monolith is simpler"),
            PairVerdict::Plain
        );
        // Without an ellipsis or a side word, a contrast alone proves nothing.
        assert_eq!(
            v("Teams deploy on their own", "but a monolith is simpler"),
            PairVerdict::Plain
        );
    }

    /// Near misses: what earns a note, and what does not.
    #[test]
    fn near_misses() {
        assert_eq!(
            v("Benefits", "Gotchas"),
            PairVerdict::NearMiss(Miss::OneSide { col: 0 })
        );
        assert_eq!(
            v("Option", "Drawbacks"),
            PairVerdict::NearMiss(Miss::OneSide { col: 1 })
        );
        assert_eq!(v("Pros", "Upsides"), PairVerdict::NearMiss(Miss::SameSide));
        // `Gains` has a second sense (a level): no note.
        assert_eq!(v("Pros", "Gains"), PairVerdict::Plain);
        assert_eq!(
            v("Pros and cons", "Verdict"),
            PairVerdict::NearMiss(Miss::BothSides { col: 0 })
        );
        // Companion columns, questions and ambiguous words are plain tables, silently.
        for (l, r) in [
            ("Benefits", "Notes"),
            ("Risk", "Mitigation"),
            ("Tier", "Benefits"),
            ("Limitation", "How to fix"),
            ("Feature", "Pro"),
            ("Resource", "Monthly cost"),
            ("Total cost", "Monthly cost"),
        ] {
            assert_eq!(v(l, r), PairVerdict::Plain, "{l} | {r}");
        }
    }

    #[test]
    fn touches_every_word_a_rule_reads() {
        let opts = CompareOptions::default();
        for line in [
            "| Pros | x |",
            "| Good | x |",
            "| x | Isn't |",
            "| ✅ a | b |",
            "| :x: a | b |",
            "| Nicht | x |",
            "| a... | ...but b |",
        ] {
            assert!(touches(line, &opts), "{line}");
        }
        assert!(!touches("| Name | Type |", &opts));
    }
}
