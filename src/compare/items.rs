//! Splitting one table cell into items: titles, descriptions and bullets.
//!
//! Shape handled (P1 in the design notes): `**Title**<br/>text<br/>**Next**<br/>more`, with
//! `* ` bullets and runs of spacer `<br/>`s. A cell can only hold one line, so authors fake
//! structure with `<br>` tags; here that structure becomes real. Every piece is returned as
//! Markdown *source* sliced from the chapter (never re-serialised), so links, code, images,
//! entities and footnote references reach mdBook's renderer as the author wrote them.

use std::ops::Range;

use crate::markdown::pulldown_cmark::{Event, Tag};

use super::detect::{Cell, is_br};

/// A run of content under one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A line of Markdown text (rendered as a paragraph).
    Text(String),
    /// Consecutive `* ` / `- ` / `• ` segments, without their markers.
    Bullets(Vec<String>),
}

/// One entry of a comparison side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Item {
    /// The wholly bold segment that started the item, `**` kept (Markdown source).
    pub title: Option<String>,
    /// What follows the title.
    pub blocks: Vec<Block>,
}

/// Splits a cell into items. A cell with only whitespace and `<br>`s gives no items.
pub(crate) fn split_items(text: &str, cell: &Cell<'_>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    // Each event goes to the one segment holding it, found by binary search: filtering every
    // event for every segment was quadratic (1M `<br/>` in one cell: tests/hostile.rs
    // `million_br_in_one_cell_keeps_every_line`). Segments are sorted and disjoint.
    let segs = segments(text, cell);
    let mut buckets: Vec<Vec<&(Event<'_>, Range<usize>)>> = vec![Vec::new(); segs.len()];
    for ev in &cell.events {
        let r = &ev.1;
        let i = segs.partition_point(|s| s.end < r.end);
        if let (Some(s), Some(bucket)) = (segs.get(i), buckets.get_mut(i))
            && s.start <= r.start
        {
            bucket.push(ev);
        }
    }
    for (seg, events) in segs.into_iter().zip(buckets) {
        let wholly_bold = events
            .iter()
            .any(|(e, r)| matches!(e, Event::Start(Tag::Strong)) && *r == seg);
        let source = source_of(text, seg.clone(), &events);
        if wholly_bold {
            items.push(Item {
                title: Some(source),
                blocks: Vec::new(),
            });
            continue;
        }
        if items.is_empty() {
            items.push(Item::default());
        }
        let Some(item) = items.last_mut() else {
            continue;
        };
        if let Some(bullet) = bullet_text(&source) {
            let bullet = escape_block_start(bullet);
            if let Some(Block::Bullets(list)) = item.blocks.last_mut() {
                list.push(bullet);
            } else {
                item.blocks.push(Block::Bullets(vec![bullet]));
            }
        } else {
            item.blocks.push(Block::Text(escape_block_start(&source)));
        }
    }
    items
}

/// The cell's content between top-level `<br>` tags, trimmed, empty runs dropped (spacer
/// `<br/><br/><br/>` in layout tables). A `<br>` inside a link or emphasis does not split.
fn segments(text: &str, cell: &Cell<'_>) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    for (e, r) in &cell.events {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::InlineHtml(h) if depth == 0 && is_br(h) => cuts.push(r.clone()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut start = cell.range.start;
    for cut in cuts
        .into_iter()
        .chain(std::iter::once(cell.range.end..cell.range.end))
    {
        if let Some(seg) = trim_range(text, start..cut.start) {
            out.push(seg);
        }
        start = cut.end;
    }
    out
}

/// `range` without surrounding whitespace, or `None` when nothing is left.
fn trim_range(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = text.get(range.clone())?;
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    (!trimmed.is_empty()).then(|| range.start + lead..range.start + lead + trimmed.len())
}

/// The segment's source. Inside a table cell GFM turns `\|` into `|` even in code spans and
/// raw HTML (so a pipe can appear there at all); outside a table a backslash in a code span
/// is literal, so those escapes are undone. Elsewhere `\|` still renders as `|` and stays.
fn source_of(text: &str, seg: Range<usize>, events: &[&(Event<'_>, Range<usize>)]) -> String {
    let mut out = String::with_capacity(seg.len());
    let mut pos = seg.start;
    for (e, r) in events {
        if !matches!(e, Event::Code(_) | Event::InlineHtml(_)) || r.start < pos {
            continue;
        }
        out.push_str(text.get(pos..r.start).unwrap_or(""));
        out.push_str(&text.get(r.clone()).unwrap_or("").replace("\\|", "|"));
        pos = r.end;
    }
    out.push_str(text.get(pos..seg.end).unwrap_or(""));
    out
}

/// The whole cell as one line of Markdown source (a header label, a figure), or `None` for
/// a blank cell.
pub(crate) fn cell_source(text: &str, cell: &Cell<'_>) -> Option<String> {
    let range = trim_range(text, cell.range.clone())?;
    let events: Vec<&(Event<'_>, Range<usize>)> = cell.events.iter().collect();
    Some(escape_block_start(&source_of(text, range, &events)))
}

/// The text of a bullet segment (`* a`, `- a`, `• a`), or `None`.
fn bullet_text(source: &str) -> Option<&str> {
    ["* ", "- ", "• ", "*\t", "-\t"]
        .iter()
        .find_map(|m| source.strip_prefix(m))
        .map(str::trim_start)
        .filter(|s| !s.is_empty())
}

/// Makes a one-line piece of inline Markdown safe to stand as its own paragraph. In a table
/// cell `# x`, `> x`, `1. x`, `- x` or `---` are plain text; alone on a line they would
/// become a heading, a quote, a list or a rule. A backslash before the marker keeps them text
/// (it renders nothing itself); markers that also have inline meanings (`*emphasis*`) are
/// only escaped when they would start a block.
pub(crate) fn escape_block_start(s: &str) -> String {
    let mut chars = s.chars();
    let first = chars.next();
    let second = chars.next();
    let spaced = |c: Option<char>| matches!(c, None | Some(' ' | '\t'));
    let thematic = |m: char| {
        s.chars().all(|c| c == m || c == ' ' || c == '\t')
            && s.chars().filter(|c| *c == m).count() >= 3
    };
    let escape_first = match first {
        Some('#' | '>') => true,
        Some(':') => spaced(second),
        Some(c @ ('-' | '+' | '*')) => spaced(second) || thematic(c),
        Some('_') => thematic('_'),
        Some('~') => s.starts_with("~~~"),
        Some('`') => {
            let rest = s.trim_start_matches('`');
            s.len() - rest.len() >= 3 && !rest.contains('`')
        }
        Some('[') => is_definition_like(s),
        _ => false,
    };
    if escape_first {
        return format!("\\{s}");
    }
    // `1. x` or `1) x`: escape the delimiter, since a backslash before a digit is literal.
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = s.get(digits..).unwrap_or("");
        let mut r = rest.chars();
        if matches!(r.next(), Some('.' | ')')) && spaced(r.next()) {
            return format!("{}\\{}", s.get(..digits).unwrap_or(""), rest);
        }
    }
    s.to_string()
}

/// `[label]: ...` would be swallowed as a link reference (or footnote) definition.
fn is_definition_like(s: &str) -> bool {
    s.find("]:")
        .is_some_and(|i| !s.get(1..i).unwrap_or("").contains(']'))
}

#[cfg(test)]
mod tests {
    use super::super::detect::find_tables;
    use super::*;
    use crate::markdown::ParseOptions;

    fn cell_items(cell_md: &str) -> Vec<Item> {
        let md = format!("| Pros | Cons |\n|-|-|\n|{cell_md}| x |\n");
        let tables = find_tables(&md, ParseOptions::default());
        let cell = &tables[0].rows[0][0];
        split_items(&md, cell)
    }

    fn text(s: &str) -> Block {
        Block::Text(s.to_string())
    }

    #[test]
    fn titles_descriptions_and_spacers() {
        let items = cell_items(" **One**<br/>first text<br/><br/>**Two** <br>second<BR />more ");
        assert_eq!(
            items,
            vec![
                Item {
                    title: Some("**One**".into()),
                    blocks: vec![text("first text")],
                },
                Item {
                    title: Some("**Two**".into()),
                    blocks: vec![text("second"), text("more")],
                },
            ]
        );
    }

    #[test]
    fn bold_prefix_is_not_a_title_and_bullets_group() {
        let items = cell_items("<br/><br/>**1-** lead:<br/>* a<br/>- b<br/>• c<br/>tail");
        assert_eq!(
            items,
            vec![Item {
                title: None,
                blocks: vec![
                    text("**1-** lead:"),
                    Block::Bullets(vec!["a".into(), "b".into(), "c".into()]),
                    text("tail"),
                ],
            }]
        );
    }

    #[test]
    fn code_spans_keep_pipes_and_br() {
        let items = cell_items("use `a\\|b<br/>` or a \\| b");
        assert_eq!(items[0].blocks, vec![text("use `a|b<br/>` or a \\| b")]);
    }

    #[test]
    fn br_inside_a_link_does_not_split() {
        let items = cell_items("[two<br>lines](x.md)<br/>next");
        assert_eq!(
            items[0].blocks,
            vec![text("[two<br>lines](x.md)"), text("next")]
        );
    }

    #[test]
    fn blank_cells_have_no_items() {
        assert!(cell_items(" <br/> <br> ").is_empty());
        assert!(cell_items("").is_empty());
    }

    #[test]
    fn block_starts_are_escaped_only_when_needed() {
        assert_eq!(escape_block_start("# x"), "\\# x");
        assert_eq!(escape_block_start("> x"), "\\> x");
        assert_eq!(escape_block_start("1. x"), "1\\. x");
        assert_eq!(escape_block_start("12) x"), "12\\) x");
        assert_eq!(escape_block_start("2024 was"), "2024 was");
        assert_eq!(escape_block_start("- x"), "\\- x");
        assert_eq!(escape_block_start("-5 C"), "-5 C");
        assert_eq!(escape_block_start("*em* x"), "*em* x");
        assert_eq!(escape_block_start("***"), "\\***");
        assert_eq!(escape_block_start("`code`"), "`code`");
        assert_eq!(escape_block_start("```x```"), "```x```");
        assert_eq!(escape_block_start("[a]: b"), "\\[a]: b");
        assert_eq!(escape_block_start("[a](b): c"), "[a](b): c");
    }
}
