//! Comparison tables: two-column benefit/burden (pros/cons, do/don't, ...) tables become
//! accessible comparison components whose cells are still rendered by mdBook as Markdown.
//!
//! [`detect`] finds tables with mdBook's own parser and decides what each is, [`items`] splits
//! a cell into items, [`render`] writes HTML lines with Markdown islands. The job is a pure
//! function over a chapter's text: it returns edits (one per converted table) and notes on
//! near misses. Its output contains no table, so running it again changes nothing.

mod classify;
mod detect;
mod items;
mod render;

use crate::diagnostic::Diagnostic;
use crate::markdown::{Edit, ParseOptions};

use detect::Verdict;
pub(crate) use detect::{Table, TableFinder};
use render::{MediaCell, Side};

/// The stylesheet for the components; mdBook theme variables only.
pub const CSS: &str = include_str!("../../assets/compare.css");

/// What counts as a comparison table and how it is rendered. A table converts when its
/// *pair* of headers reads as two opposing sides; `classify.rs` has the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Words that name the "pro" side when a header is about them (`Benefits`, `Key
    /// benefits`, `Benefits of X`); any case, an entry may be several words.
    pub pro_words: Vec<String>,
    /// Words that name the "con" side.
    pub con_words: Vec<String>,
    /// Words that open a header with a favourable verdict (`Good`, `Correct`, `Do`, `Use`),
    /// or stand in parentheses after it (`(recommended)`).
    pub pro_verdicts: Vec<String>,
    /// Words that open a header with an unfavourable verdict (`Bad`, `Avoid`, `Don't`).
    pub con_verdicts: Vec<String>,
    /// Words that negate (`not`, `nicht`): `X` beside `Not X` is a comparison, `X` the pro
    /// side. English contractions in `n't` always count.
    pub negations: Vec<String>,
    /// Render layout tables (text beside an image) as media rows.
    pub media: bool,
    /// mdBook's parser flags.
    pub parse: ParseOptions,
}

/// Default "pro" side words: English, Spanish, Portuguese, French, German.
pub const DEFAULT_PRO_WORDS: &[&str] = &[
    "benefit",
    "benefits",
    "pro",
    "pros",
    "advantage",
    "advantages",
    "strength",
    "strengths",
    "upside",
    "upsides",
    "gain",
    "gains",
    "plus",
    "pluses",
    "positives",
    "opportunities",
    "reward",
    "rewards",
    "merits",
    // es
    "ventaja",
    "ventajas",
    "beneficio",
    "beneficios",
    "puntos fuertes",
    "fortalezas",
    // pt
    "vantagem",
    "vantagens",
    "benefício",
    "benefícios",
    "prós",
    "pontos fortes",
    // fr
    "avantage",
    "avantages",
    "bénéfices",
    "points forts",
    // de
    "vorteil",
    "vorteile",
    "stärken",
];

/// Default "con" side words.
pub const DEFAULT_CON_WORDS: &[&str] = &[
    "burden",
    "burdens",
    "con",
    "cons",
    "disadvantage",
    "disadvantages",
    "weakness",
    "weaknesses",
    "downside",
    "downsides",
    "drawback",
    "drawbacks",
    "limitation",
    "limitations",
    "risk",
    "risks",
    "trade-off",
    "trade-offs",
    "tradeoff",
    "tradeoffs",
    "pitfall",
    "pitfalls",
    "cost",
    "costs",
    "caveat",
    "caveats",
    "challenges",
    "concerns",
    "loss",
    "losses",
    "lose",
    "minus",
    "minuses",
    "negatives",
    "threats",
    // es
    "desventaja",
    "desventajas",
    "inconvenientes",
    "limitaciones",
    "riesgos",
    "contra",
    "contras",
    "puntos débiles",
    "debilidades",
    // pt
    "desvantagem",
    "desvantagens",
    "limitações",
    "riscos",
    "pontos fracos",
    // fr
    "inconvénient",
    "inconvénients",
    "risques",
    "points faibles",
    // de
    "nachteil",
    "nachteile",
    "schwächen",
    "einschränkungen",
    "risiken",
];

/// Default favourable verdicts.
pub const DEFAULT_PRO_VERDICTS: &[&str] = &[
    "good",
    "correct",
    "right",
    "recommended",
    "preferred",
    "prefer",
    "do",
    "dos",
    "do's",
    "use",
    "allowed",
    "acceptable",
    "valid",
    "helpful",
    "always",
    "best practice",
    "best practices",
    "positive",
    "works well",
    // es, pt
    "bueno",
    "bien",
    "correcto",
    "correcta",
    "recomendado",
    "recomendada",
    "hacer",
    "usar",
    "bom",
    "certo",
    "correto",
    "fazer",
    // fr
    "bon",
    "recommandé",
    "à faire",
    "faire",
    "utiliser",
    // de
    "gut",
    "richtig",
    "empfohlen",
    "verwenden",
];

/// Default unfavourable verdicts.
pub const DEFAULT_CON_VERDICTS: &[&str] = &[
    "bad",
    "incorrect",
    "wrong",
    "avoid",
    "don't",
    "dont",
    "don'ts",
    "donts",
    "discouraged",
    "never",
    "instead of",
    "unacceptable",
    "invalid",
    "unhelpful",
    "anti-pattern",
    "anti-patterns",
    "antipattern",
    "forbidden",
    "prohibited",
    "disallowed",
    "mistake",
    "mistakes",
    "negative",
    // es, pt
    "malo",
    "mal",
    "incorrecto",
    "incorrecta",
    "evitar",
    "en lugar de",
    "ruim",
    "errado",
    "incorreto",
    "em vez de",
    // fr
    "mauvais",
    "éviter",
    "à éviter",
    "au lieu de",
    // de
    "schlecht",
    "falsch",
    "vermeiden",
    "statt",
    "anstatt",
];

/// Default negations (besides English `n't` contractions).
pub const DEFAULT_NEGATIONS: &[&str] = &[
    "not", "no", "never", "nunca", "não", "nao", "ne", "pas", "jamais", "nicht", "kein", "keine",
    "nie",
];

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            pro_words: owned(DEFAULT_PRO_WORDS),
            con_words: owned(DEFAULT_CON_WORDS),
            pro_verdicts: owned(DEFAULT_PRO_VERDICTS),
            con_verdicts: owned(DEFAULT_CON_VERDICTS),
            negations: owned(DEFAULT_NEGATIONS),
            media: false,
            parse: ParseOptions::default(),
        }
    }
}

/// Finds comparison tables in `text` and returns the edits that replace them, plus notes on
/// near misses. `id_prefix` keeps element ids unique on mdBook's print page.
pub fn transform(
    text: &str,
    opts: &CompareOptions,
    id_prefix: &str,
) -> (Vec<Edit>, Vec<Diagnostic>) {
    if !might_act(text, opts, false) {
        return (Vec::new(), Vec::new());
    }
    transform_parsed(text, opts, id_prefix)
}

/// [`transform`] without its pre-check: the reference the pre-checks are tested against.
fn transform_parsed(
    text: &str,
    opts: &CompareOptions,
    id_prefix: &str,
) -> (Vec<Edit>, Vec<Diagnostic>) {
    transform_tables(
        text,
        &detect::find_tables(text, opts.parse),
        opts,
        id_prefix,
    )
}

/// [`transform`] of `text` given its tables, found by a parse of `text` (or of a text that
/// differs from it only outside what decides the tables: see the pipeline's shared parse).
pub(crate) fn transform_tables(
    text: &str,
    tables: &[Table<'_>],
    opts: &CompareOptions,
    id_prefix: &str,
) -> (Vec<Edit>, Vec<Diagnostic>) {
    let mut edits = Vec::new();
    let mut diagnostics = Vec::new();
    let prefix = sanitize_id(id_prefix);
    for (n, table) in tables.iter().enumerate() {
        let base = match prefix.as_str() {
            "" => format!("polish-compare-{}", n + 1),
            p if p.ends_with('-') => format!("{p}compare-{}", n + 1),
            p => format!("{p}-compare-{}", n + 1),
        };
        let doc = match detect::classify(table, opts) {
            Verdict::Leave(note) => {
                diagnostics.extend(note);
                continue;
            }
            Verdict::Compare { pro_col, paired } => {
                render::comparison(&base, &sides(text, table, pro_col), paired)
            }
            Verdict::Media { title_col } => media(text, table, title_col, &base),
        };
        let out = doc.finish(
            &table.prefix,
            !next_line_blank(text, table.range.end, &table.prefix),
        );
        edits.push(Edit::replace(table.range.clone(), out));
    }
    (edits, diagnostics)
}

/// The notes [`transform`] would report for `text`, without rendering any component: what
/// `check` needs. Same detection and classification, so the same findings.
pub fn notes(text: &str, opts: &CompareOptions) -> Vec<Diagnostic> {
    if !might_act(text, opts, true) {
        return Vec::new();
    }
    notes_of_tables(&detect::find_tables(text, opts.parse), opts)
}

/// [`notes`] given the tables (as for [`transform_tables`]).
pub(crate) fn notes_of_tables(tables: &[Table<'_>], opts: &CompareOptions) -> Vec<Diagnostic> {
    tables
        .iter()
        .filter_map(|table| match detect::classify(table, opts) {
            Verdict::Leave(note) => note,
            _ => None,
        })
        .collect()
}

/// Cheap pre-check before a full Markdown parse: whether some line could be a pipe table's
/// delimiter row. pulldown-cmark only opens a table on a line that, after its container
/// markers (`>`, indentation), holds nothing but `|`, `-`, `:` and spaces, with at least one
/// `|` and one `-`; a chapter without such a line has no table, so the parse (most of the
/// job's cost) is skipped. The test is a superset of the parser's (tabs and `\r` allowed).
pub fn might_have_table(text: &str) -> bool {
    delimiter_rows(text).next().is_some()
}

/// Byte offsets of the lines that pass [`might_have_table`]'s delimiter-row test.
fn delimiter_rows(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = memchr::memchr(b'|', bytes.get(from..).unwrap_or_default()) {
            let at = from + i;
            let start =
                memchr::memrchr(b'\n', bytes.get(..at).unwrap_or_default()).map_or(0, |j| j + 1);
            let end = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
                .map_or(bytes.len(), |j| at + j);
            from = end + 1;
            let line = bytes.get(start..end).unwrap_or_default();
            let body_at = line
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'>'))
                .unwrap_or(line.len());
            let body = line.get(body_at..).unwrap_or_default();
            if body.contains(&b'-')
                && body
                    .iter()
                    .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t' | b'\r'))
            {
                return Some(start);
            }
        }
        None
    })
}

/// Cheap pre-check before the parse, for [`transform`] and for [`notes`] (which `check` runs
/// on every chapter): whether some table here could be converted or earn a note. Both need
/// one of: a header line that some pair rule could read (a side word, a verdict, a negation,
/// a contrast or a check/cross mark: [`classify::touches`]; a comparison, PL301, PL302,
/// PL304, PL306), a `<!-- polish: … -->` marker right above the table
/// ([`comment_ends_above`]; PL305, PL306, a forced comparison), or a two-cell header with
/// one cell empty in a chapter with an image (a layout table: PL303, or a media table;
/// `![`). A chapter whose tables are ordinary (`| Name | Type |`) has none of them, and
/// most of a large book's tables are like that: for them the parse is skipped, images
/// elsewhere in the chapter or not. With `notes_only`, a comparison that surely converts
/// ([`converts_cleanly`]) does not count either: it earns no note.
///
/// The header row is the line just above a delimiter row. Its raw words are the header
/// cells' words, in order, when the line has no inline markup that could join or split
/// words in the rendered text (emphasis, code, escapes, entities, links, HTML, math): then
/// every word a rule could read in a cell is on the line, and a line that `touches` nothing
/// has no cell that does. A line with such markup is sent to the parse.
pub(crate) fn might_act(text: &str, opts: &CompareOptions, notes_only: bool) -> bool {
    let mut rows = delimiter_rows(text).peekable();
    if rows.peek().is_none() {
        return false;
    }
    let has = |needle: &[u8]| memchr::memmem::find(text.as_bytes(), needle).is_some();
    let image = std::cell::OnceCell::new();
    rows.any(|start| {
        let Some(above) = start.checked_sub(1).and_then(|end| text.get(..end)) else {
            return false;
        };
        let line = above.rsplit('\n').next().unwrap_or_default();
        let head_start = above.len() - line.len();
        if comment_ends_above(text.get(..head_start).unwrap_or_default()) {
            return true;
        }
        if line.bytes().any(|b| {
            matches!(
                b,
                b'*' | b'_' | b'~' | b'`' | b'\\' | b'<' | b'&' | b'[' | b']' | b'!' | b'$' | b'^'
            )
        }) {
            return true;
        }
        if classify::touches(line, opts) {
            return !(notes_only && converts_cleanly(text, line, start, opts));
        }
        // No word: only a layout table (one header cell empty, an image in the body) can
        // act, and only as two columns.
        two_cells(line).is_some_and(|[a, b]| a.trim().is_empty() || b.trim().is_empty())
            && *image.get_or_init(|| has(b"!["))
    })
}

/// Whether the last non-blank line of `before` (the text above a table's header line) holds
/// `-->`. A marker only counts in the HTML block right before the table, with at most blank
/// lines between; that block ends with the `-->` of its comment, on the last non-blank line.
/// Looking there, instead of for `<!--` anywhere in the chapter, keeps a chapter with an
/// unrelated comment (common in docs) from being parsed for its ordinary tables.
fn comment_ends_above(before: &str) -> bool {
    before
        .trim_end_matches('\n')
        .rsplit('\n')
        .find(|line| {
            !line
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'>'))
        })
        .is_some_and(|line| line.contains("-->"))
}

/// Whether the table whose header is `head` and whose delimiter row starts at `delim` is,
/// for sure, a comparison that [`detect::classify`] converts: then it earns no note. Most
/// pro/con tables in a large book are like that, and `check` would parse their chapters for
/// nothing (a quarter of its time on a 5,000-chapter book).
///
/// Sure means: the table sits at the top level (header, delimiter and first body row start
/// in column 0, so no container can change what the lines are); `head` holds no inline
/// markup (the caller checked) and splits into exactly two cells that
/// [`classify::classify_pair`] reads as a comparison (without markup, the raw cell text is
/// the text the parse gives it, trimmed), which is `classify`'s `Compare` verdict; and the
/// first body row starts with `|` (no block can interrupt the table there) and has a
/// letter or digit in its first two cells outside anything that looks like an HTML tag or
/// an entity, so the table has a row with content (no PL306). Anything else is left to the
/// parse; a line with a backslash or a backtick, which can hide or escape a `|`, too.
fn converts_cleanly(text: &str, head: &str, delim: usize, opts: &CompareOptions) -> bool {
    let at_top = |line: &str| !line.starts_with([' ', '\t', '>']);
    let rest = text.get(delim..).unwrap_or_default();
    let mut lines = rest.split('\n');
    let (Some(delim_line), Some(row)) = (lines.next(), lines.next()) else {
        return false;
    };
    if !at_top(head) || !at_top(delim_line) || !row.starts_with('|') || row.contains(['\\', '`']) {
        return false;
    }
    let Some([a, b]) = two_cells(head) else {
        return false;
    };
    let clean = matches!(
        classify::classify_pair(a.trim(), b.trim(), opts),
        classify::PairVerdict::Comparison { .. }
    );
    clean
        && row
            .get(1..)
            .unwrap_or_default()
            .split('|')
            .take(2)
            .any(has_visible_text)
}

/// The cells of a table row without escapes or code spans, if it has exactly two.
fn two_cells(line: &str) -> Option<[&str; 2]> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    let mut cells = line.split('|');
    match (cells.next(), cells.next(), cells.next()) {
        (Some(a), Some(b), None) => Some([a, b]),
        _ => None,
    }
}

/// Whether `cell` has an ASCII letter or digit outside `<…>` and `&…;`: text that the parse
/// cannot see as blank (an HTML tag such as `<br/>`, or an entity such as `&nbsp;`, can be).
fn has_visible_text(cell: &str) -> bool {
    let mut in_tag = false;
    let mut in_entity = false;
    cell.bytes().any(|b| {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'&' => in_entity = true,
            b';' => in_entity = false,
            _ if in_entity && !(b.is_ascii_alphanumeric() || b == b'#') => in_entity = false,
            _ => {}
        }
        !in_tag && !in_entity && b.is_ascii_alphanumeric()
    })
}

/// The two sides in the author's column order.
fn sides(text: &str, table: &Table<'_>, pro_col: usize) -> [Side; 2] {
    [0, 1].map(|col| {
        let pro = col == pro_col;
        let fallback = if pro { "Pros" } else { "Cons" };
        let label = table
            .head
            .get(col)
            .and_then(|c| items::cell_source(text, c))
            .unwrap_or_else(|| fallback.to_string());
        let name = table
            .head
            .get(col)
            .map(detect::plain_text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| fallback.to_string());
        let rows = table
            .rows
            .iter()
            .map(|r| {
                r.get(col)
                    .map(|c| items::split_items(text, c))
                    .unwrap_or_default()
            })
            .collect();
        Side {
            label,
            name,
            pro,
            rows,
        }
    })
}

fn media(text: &str, table: &Table<'_>, title_col: usize, base: &str) -> render::Doc {
    let title = table
        .head
        .get(title_col)
        .and_then(|c| items::cell_source(text, c))
        .unwrap_or_default();
    let rows: Vec<Vec<MediaCell>> = table
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .filter(|c| !detect::is_blank(c))
                .map(|c| match items::cell_source(text, c) {
                    Some(md) if detect::is_image_only(c) => MediaCell::Figure(md),
                    _ => MediaCell::Text(items::split_items(text, c)),
                })
                .collect()
        })
        .filter(|r: &Vec<MediaCell>| !r.is_empty())
        .collect();
    render::media(base, &title, &rows)
}

/// Whether the line after byte `end` (the end of a table's last row) is blank or absent, in
/// the table's own container: a `>` line counts as blank only when the table sits in at
/// least that many blockquotes (`prefix`). A `>` after a table in a list item
/// (`   | a | b |` then `>`) opens a blockquote instead; without a blank line between, the
/// component's closing `</div>` would start an HTML block that swallows it, and the next run
/// would see that text as HTML rather than Markdown (fuzz find: a code span there was left
/// unrepaired as code, then repaired as HTML).
fn next_line_blank(text: &str, end: usize, prefix: &str) -> bool {
    let rest = text.get(end..).unwrap_or("");
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
        .unwrap_or(rest);
    let line = rest.split('\n').next().unwrap_or("");
    let depth = prefix.matches('>').count();
    let markers = line.matches('>').count();
    markers <= depth
        && line
            .trim_matches(|c: char| c.is_whitespace() || c == '>')
            .is_empty()
}

/// Keeps ids valid and attribute-safe whatever prefix a driver passes.
fn sanitize_id(prefix: &str) -> String {
    prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `>` line right after a table in a list item is a new blockquote, not a blank line of
    /// the table's container: the component must end with a blank line before it.
    #[test]
    fn quote_marker_after_a_table_in_a_list_item_is_not_a_blank_line() {
        let src = "- x\n\n   | Pros | Cons |\n   |---|---|\n   | **A**<br/>a | **B**<br/>b |\n>\n`q` after\n";
        let (edits, _) = transform(src, &CompareOptions::default(), "p");
        let out = apply_edits(src, &edits).expect("a comparison");
        assert!(out.contains("</div>\n\n>\n`q` after"), "{out}");
        // Inside a blockquote, a bare `>` is the quote's blank line: nothing is added.
        let quoted =
            "> | Pros | Cons |\n> |---|---|\n> | **A**<br/>a | **B**<br/>b |\n>\n> after\n";
        let (edits, _) = transform(quoted, &CompareOptions::default(), "p");
        let out = apply_edits(quoted, &edits).expect("a comparison");
        assert!(out.contains("</div>\n>\n> after"), "{out}");
    }
    use crate::markdown::apply_edits;

    fn run(md: &str) -> (String, Vec<Diagnostic>) {
        let (edits, diags) = transform(md, &CompareOptions::default(), "ch1-");
        (
            apply_edits(md, &edits).unwrap_or_else(|| md.to_string()),
            diags,
        )
    }

    #[test]
    fn untouched_text_gives_no_edits() {
        let md =
            "# T\n\n| Key | Value |\n|-|-|\n|a|b|\n\n```\n| Pros | Cons |\n|-|-|\n|a|b|\n```\n";
        let (edits, diags) = transform(md, &CompareOptions::default(), "");
        assert!(edits.is_empty());
        assert!(diags.is_empty());
    }

    #[test]
    fn converts_and_is_idempotent() {
        let md = "Intro\n\n| Pros | Cons |\n|-|-|\n| **Fast**<br/>Quick | **Slow** |\n## Next\n";
        let (out, diags) = run(md);
        assert!(diags.is_empty());
        assert!(!out.contains('|'), "{out}");
        assert!(out.contains(r#"id="ch1-compare-1""#), "{out}");
        assert!(
            out.contains("\n\n## Next"),
            "blank line before the heading: {out}"
        );
        let (edits, _) = transform(&out, &CompareOptions::default(), "ch1-");
        assert!(edits.is_empty());
    }

    #[test]
    fn configurable_words_in_other_languages() {
        let opts = CompareOptions {
            pro_words: vec!["Vorteile".into()],
            con_words: vec!["Nachteile".into()],
            ..CompareOptions::default()
        };
        let md = "| Nachteile | VORTEILE |\n|-|-|\n| a | b |\n";
        let (edits, _) = transform(md, &opts, "");
        assert_eq!(edits.len(), 1);
        let out = &edits[0].replacement;
        let con = out.find("polish-compare-con").unwrap_or(usize::MAX);
        let pro = out.find("polish-compare-pro").unwrap_or(0);
        assert!(con < pro, "author order kept: {out}");
    }

    #[test]
    fn configured_verdicts_and_negations_convert() {
        let opts = CompareOptions {
            pro_verdicts: vec!["goed".into()],
            con_verdicts: vec!["fout".into()],
            negations: vec!["niet".into()],
            ..CompareOptions::default()
        };
        for md in [
            "| Fout | Goed |\n|-|-|\n| a | b |\n",
            "| Niet aanbevolen | Aanbevolen |\n|-|-|\n| a | b |\n",
        ] {
            let (edits, _) = transform(md, &opts, "");
            assert_eq!(edits.len(), 1, "{md}");
            let out = &edits[0].replacement;
            let con = out.find("polish-compare-con").unwrap_or(usize::MAX);
            let pro = out.find("polish-compare-pro").unwrap_or(0);
            assert!(con < pro, "author order kept, pro on the right: {out}");
            let (none, _) = transform(md, &CompareOptions::default(), "");
            assert!(none.is_empty(), "not without the words: {md}");
        }
    }

    #[test]
    fn notes_match_transform_and_the_pre_check_never_hides_a_table() {
        let cases = [
            "| Pros | Cons | Notes |\n|-|-|-|\n|a|b|c|\n",
            "| Pros | Value |\n| --- | :---: |\n| a | b |\n",
            "| Pros | Cons |\n|-|-|\n| | |\n",
            "> | Pros | Cons |\n> |-|-|\n> |a|b|\n",
            "- item\n\n  | Pros | Cons |\n  |-|-|\n  |a|b|\n",
            "| Pros | Cons |\r\n|-|-|\r\n|a|b|\r\n",
            "Pros | Benefits\n-|-\na|b\n",
            "|a|\n|-|\n",
            "| Key | Value |\n|-|-|\n|a|b|\n",
            "a | b\n\nno delimiter here | - x\n",
            "```\n| Pros | Cons |\n|-|-|\n```\n",
            "plain text, no pipes\n",
        ];
        let opts = CompareOptions::default();
        for md in cases {
            let (_, from_transform) = transform(md, &opts, "");
            assert_eq!(notes(md, &opts), from_transform, "{md:?}");
            let tables = detect::find_tables(md, opts.parse).len();
            assert!(tables == 0 || might_have_table(md), "{md:?}");
        }
        assert!(!might_have_table("a | b\nc | d\n"));
        assert!(!might_have_table("# T\n\n---\n"));
    }

    #[test]
    fn precheck_never_skips_a_table_that_earns_a_note_or_converts() {
        // Header lines whose rendered words differ from their raw words (markup joins or
        // splits them), beside plain ones that match or miss; every one under several bodies.
        // `transform` parses every chapter with a table, so it is the reference.
        let heads = [
            "| Pros | Cons |",
            "| Name | Type |",
            "|**Pro**s|Con**s**|",
            "| Bene**fits** | Value |",
            "| Adv`antages` | Value |",
            "| Adv&#97;ntages | Value |",
            "| Bene\\*fits | Value |",
            "| [Bene](x.md)fits | Value |",
            "| Bene<b>fits</b> | Value |",
            "| Bene$x$fits | Value |",
            "| ~~Cons~~ | Value |",
            "| Key BENEFITS | Costs |",
            "| Benefits | Benefits |",
            "| Advantages | Extra | Columns |",
            "| Cost | |",
            "| Step one | |",
            "| | Step one |",
            "| Step | one |",
            "| Process | Constraint |",
            "> | Pros | Value |",
            "1. | Pros | Value |",
            // Clean comparisons, which the pre-check may pass without a parse when the body
            // row below shows content for sure.
            "| Benefits | Burdens |",
            "Cons | Pros",
            "|Pros|Cons",
            "  | Pros | Cons |",
            "> | Pros | Cons |",
            "| Pros | Cons | |",
            "| Pros and cons | Cons |",
            "| Benefits | Pros and cons |",
            // Pair rules beyond side words (issue 16): negation, verdicts, marks, sentences,
            // and headers that only look like sides.
            "| Recommended | Not recommended |",
            "| Why we like it | Why we don't |",
            "| Good example | Bad example |",
            "| ✅ Tabs | ❌ Spaces |",
            "| :x: Tabs | :white_check_mark: Spaces |",
            "| Tabs (avoid) | Spaces (preferred) |",
            "| Hosting gives control... | ...but you own upgrades |",
            "| Feature | Pro |",
            "| Item | Cost |",
            "| Benefits | Gotchas |",
            "| Don't | Do |",
        ];
        let bodies = [
            "|-|-|\n| a | b |\n",
            "|---|---|---|\n| a | b | c |\n",
            "|-|-|\n| | |\n",
            "|-|-|\n| text | ![fig](a.png) |\n",
            "|-|-|\n|<br/>|<br>|\n",
            "|-|-|\n| &nbsp; | &#32; |\n",
            "|-|-|\n| | | extra |\n",
            "|-|-|\n- a | b\n",
            "|-|-|\n\n| a | b |\n",
            "|-|-|-|\n| a | b |\n",
            "|-|-|\n|`a|b`|c|\n",
            "|-|-|\n| \\| | |\n",
            "|-|-|\n|<span>a</span>| |\n",
            "|-|-|\n| **Fast**<br/>It is. | **Slow**<br/>It is not. |\n",
            "| - | - |\n|   | 1 |\n",
            "|-|-|\n> | a | b |\n",
        ];
        let opts = CompareOptions::default();
        let mut with_notes = 0;
        let mut with_edits = 0;
        for head in heads {
            for body in bodies {
                for pre in [
                    "",
                    "<!-- polish: compare -->\n",
                    "<!-- polish: compare -->\n\n",
                    "<!--\n  Polish: Compare\n-->\n \n",
                    "> <!-- polish: compare -->\n>\n",
                    "<!-- polish: skip -->\n",
                    "<!-- polish: compare -->\nIntro.\n\n",
                    "Intro.\n<!-- polish: compare -->\n\n",
                    "Intro.\n\n",
                    "Intro.\n",
                    "> Quoted.\n",
                    "- Item.\n",
                    "```\n",
                    "![A figure](f.png)\n\n",
                ] {
                    let md = format!("{pre}{head}\n{body}");
                    // The parse of every chapter with a table is the reference for both.
                    let reference = transform_parsed(&md, &opts, "");
                    with_notes += usize::from(!reference.1.is_empty());
                    with_edits += usize::from(!reference.0.is_empty());
                    assert_eq!(notes(&md, &opts), reference.1, "{md:?}");
                    assert_eq!(transform(&md, &opts, ""), reference, "{md:?}");
                }
            }
        }
        assert!(
            with_notes > 20 && with_edits > 20,
            "the cases must exercise notes and edits: {with_notes}, {with_edits}"
        );
        // And the point of it: an ordinary table is not parsed for nothing.
        let plain = "| Name | Type |\n|-|-|\n| a | b |\n";
        assert!(!might_act(plain, &opts, true) && !might_act(plain, &opts, false));
        let near = "| Pros | Type |\n|-|-|\n| a | b |\n";
        assert!(might_act(near, &opts, true) && might_act(near, &opts, false));
        // A comparison that converts earns no note, but it must be converted.
        let clean = "| Benefits | Burdens |\n|-|-|\n| **A**<br/>b | c |\n";
        assert!(!might_act(clean, &opts, true) && might_act(clean, &opts, false));
        let blank = "| Benefits | Burdens |\n|-|-|\n|<br/>| |\n";
        assert!(might_act(blank, &opts, true));
        // An image elsewhere does not make an ordinary table worth a parse; under a layout
        // header it does.
        let figure = "![A figure](f.png)\n\n";
        assert!(!might_act(&format!("{figure}{plain}"), &opts, false));
        let layout = "| Step one | |\n|-|-|\n| Text | ![x](x.png) |\n";
        assert!(might_act(layout, &opts, true) && might_act(layout, &opts, false));
        // A comment elsewhere in the chapter is no marker for the table.
        let commented = format!("<!-- draft -->\n\nText.\n\n{plain}");
        assert!(!might_act(&commented, &opts, false));
        let marked = format!("Text.\n\n<!-- polish: compare -->\n{plain}");
        assert!(might_act(&marked, &opts, true) && might_act(&marked, &opts, false));
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(sanitize_id("a b\"c/"), "a-b-c-");
    }
}
