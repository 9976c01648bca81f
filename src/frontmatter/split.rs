//! Finds the front matter fences at byte 0 of a chapter and reports near misses.
//!
//! Front matter is recognised only in one shape: a `---` line at the very start of the file
//! (after an optional UTF-8 BOM), YAML lines, and a closing `---` or `...` line. Line endings
//! may be LF or CRLF; spaces or tabs after a fence are tolerated. Anything else that *looks*
//! like front matter gets a diagnostic and **no** block: we never guess where a block ends,
//! because a wrong guess would hide part of the page or feed prose to the YAML parser (the
//! fault of the gray-matter based checker this tool replaces).
//!
//! Rule codes owned here:
//!
//! - `PL101` — a closing fence with the wrong number of dashes (`------`). No block.
//! - `PL102` — an opening `---` with no closing fence. No block: the body is *not* YAML.
//! - `PL103` — a fence with a language or text after it (`---yaml`, `---toml`, `---js`,
//!   `--- title`) or a TOML `+++` block. Such blocks are never evaluated. No block.
//! - `PL104` — a front-matter-shaped block that does not start at byte 0: after blank lines,
//!   an HTML comment, a heading or a paragraph, within the first [`LEAD_BYTES`]. mdBook
//!   renders it as a rule and a heading. No block. After a heading or text, where a
//!   thematic break followed by prose is ordinary Markdown, only a closed block of at least
//!   two `key:` entries counts.
//! - `PL105` — a chapter that is only a `---` line (an opening fence and nothing else).
//! - `PL107` — an opening fence of four or more dashes (`----`) followed by a `key:` line:
//!   mdBook renders a rule and the fields as text or a heading. No block.

use std::ops::Range;

use super::Block;
use crate::diagnostic::Diagnostic;

const BOM: &str = "\u{feff}";

/// How far into a chapter a misplaced block is looked for: front matter that slipped below a
/// heading or a first paragraph is near the top, and a bound keeps the pre-check cheap.
pub const LEAD_BYTES: usize = 4096;

/// A block after a heading or text must close within this many lines to count.
const MAX_BLOCK_LINES: usize = 200;

/// One line of the source: its content (without the line ending) and its full extent.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Text without `\n` / `\r\n`.
    text: &'a str,
    /// Byte offset of the first character.
    start: usize,
    /// Byte offset just past the line ending (or the end of input).
    end: usize,
}

impl Line<'_> {
    fn content_range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }
}

/// Iterates lines starting at byte `from`.
fn lines_from(src: &str, from: usize) -> impl Iterator<Item = Line<'_>> {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= src.len() {
            return None;
        }
        let rest = src.get(pos..)?;
        let (raw_len, end) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (i, pos + i + 1),
            None => (rest.len(), src.len()),
        };
        let raw = rest.get(..raw_len)?;
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let line = Line {
            text,
            start: pos,
            end,
        };
        pos = end;
        Some(line)
    })
}

/// `---` with optional trailing spaces or tabs.
fn is_open_fence(text: &str) -> bool {
    text.trim_end_matches([' ', '\t']) == "---"
}

/// `---` or `...` with optional trailing spaces or tabs.
fn is_close_fence(text: &str) -> bool {
    let t = text.trim_end_matches([' ', '\t']);
    t == "---" || t == "..."
}

/// Four or more dashes and nothing else: the `------` closing-fence typo.
fn is_long_dash_line(text: &str) -> bool {
    let t = text.trim_end_matches([' ', '\t']);
    t.len() >= 4 && t.bytes().all(|b| b == b'-')
}

/// A line that starts like a YAML mapping entry (`key:`), used to tell a misplaced front
/// matter block from a thematic break followed by prose.
fn looks_like_yaml_entry(text: &str) -> bool {
    let Some((key, _)) = text.split_once(':') else {
        return false;
    };
    !key.is_empty()
        && !key.starts_with([' ', '\t', '#', '-'])
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
}

/// A line at column 0 that cannot be part of a YAML block mapping: not a `key:` entry, not a
/// comment, list item, flow collection, quoted scalar, anchor, alias, tag or directive.
/// (A `# Heading` is a YAML comment, so headings are not prose here.)
fn is_prose(text: &str) -> bool {
    if text.starts_with([
        ' ', '\t', '#', '-', '[', '{', '"', '\'', '?', ':', '&', '*', '!', '%', '|', '>',
    ]) {
        return false;
    }
    let t = text.trim_end();
    !(t.ends_with(':') || t.contains(": ") || t.contains(":\t"))
}

/// Finds the front matter fences at byte 0 of `src`.
///
/// Returns the block when the fences are well formed (even if the YAML inside is not) and
/// diagnostics for near misses; see the module docs for the codes.
pub fn split(src: &str) -> (Option<Block>, Vec<Diagnostic>) {
    let start = if src.starts_with(BOM) { BOM.len() } else { 0 };
    let mut lines = lines_from(src, start);
    let Some(first) = lines.next() else {
        return (None, Vec::new());
    };

    if is_open_fence(first.text) {
        return split_fenced(first, lines);
    }
    if let Some(d) = language_fence(src, first) {
        return (None, vec![d]);
    }
    if let Some(d) = long_open_fence(src, first) {
        return (None, vec![d]);
    }
    (None, misplaced(src, start).into_iter().collect())
}

/// The opening fence is good: look for the closing one.
fn split_fenced<'a>(
    open: Line<'a>,
    lines: impl Iterator<Item = Line<'a>>,
) -> (Option<Block>, Vec<Diagnostic>) {
    let mut saw_content = false;
    let mut prev_blank = false;
    for line in lines {
        if is_close_fence(line.text) {
            let block = Block {
                range: open.start..line.end,
                yaml: open.end..line.start,
            };
            return (Some(block), Vec::new());
        }
        if is_long_dash_line(line.text) {
            let d = Diagnostic::error(
                "PL101",
                line.content_range(),
                format!(
                    "front matter closing fence has {} dashes; it must be exactly `---`",
                    line.text.trim_end().len()
                ),
            )
            .with_help("replace this line with `---` (the block is not read until then)")
            .with_related(open.content_range(), "front matter opens here");
            return (None, vec![d]);
        }
        let blank = line.text.trim().is_empty();
        if !blank && prev_blank && is_prose(line.text) {
            // `---`, YAML, a blank line, then Markdown prose: the author forgot the closing
            // fence. A later `---` (a thematic break) must not be taken as the close, or the
            // page body would be hidden and fed to the YAML parser.
            let d = Diagnostic::error(
                "PL102",
                open.content_range(),
                "front matter is not closed before the page text starts",
            )
            .with_help("add a `---` line after the last YAML line")
            .with_related(line.content_range(), "page text starts here");
            return (None, vec![d]);
        }
        saw_content |= !blank;
        prev_blank = blank;
    }
    if !saw_content {
        let d = Diagnostic::warning(
            "PL105",
            open.content_range(),
            "chapter starts with a lone `---` line and no front matter",
        )
        .with_help(
            "write `---` twice for an empty front matter block, or remove the line (mdBook shows it as a horizontal rule)",
        );
        return (None, vec![d]);
    }
    let d = Diagnostic::error(
        "PL102",
        open.content_range(),
        "front matter is not closed: no `---` line after it",
    )
    .with_help("add a `---` line after the last YAML line; until then the block is shown as text and not validated");
    (None, vec![d])
}

/// `---yaml`, `---js`, `--- title: x` or a TOML `+++` block on the first line.
fn language_fence(src: &str, first: Line<'_>) -> Option<Diagnostic> {
    let t = first.text.trim_end_matches([' ', '\t']);
    if let Some(rest) = t.strip_prefix("---") {
        let rest = rest.trim_start_matches('-');
        if rest.is_empty() {
            // Only dashes (`----`): an ordinary thematic break, not ours to judge.
            return None;
        }
        let word = rest.trim();
        let lang = word.to_ascii_lowercase();
        let (message, help) = match lang.as_str() {
            "yaml" | "yml" => (
                "front matter fence `---yaml` is not recognised".to_string(),
                "write the opening fence as a bare `---`".to_string(),
            ),
            "js" | "javascript" | "json" | "toml" | "coffee" => (
                format!(
                    "front matter fence `---{word}` is not supported; the block is never evaluated"
                ),
                "front matter must be YAML between two `---` lines".to_string(),
            ),
            _ => (
                "text after the opening `---` fence; front matter was not read".to_string(),
                "put the opening `---` alone on the first line".to_string(),
            ),
        };
        return Some(Diagnostic::error("PL103", first.content_range(), message).with_help(help));
    }
    if t == "+++" {
        let closed = lines_from(src, first.end).any(|l| l.text.trim_end() == "+++");
        if closed {
            return Some(
                Diagnostic::error(
                    "PL103",
                    first.content_range(),
                    "TOML front matter (`+++`) is not supported",
                )
                .with_help("rewrite the block as YAML between two `---` lines"),
            );
        }
    }
    None
}

/// `----` (or longer) at byte 0, then a `key:` line: the opening fence's dash-count typo.
fn long_open_fence(src: &str, first: Line<'_>) -> Option<Diagnostic> {
    if !is_long_dash_line(first.text) {
        return None;
    }
    let mut rest = lines_from(src, first.end);
    if !rest.next().is_some_and(|l| looks_like_yaml_entry(l.text)) {
        // `----` then prose or a blank line: an ordinary thematic break.
        return None;
    }
    let close = rest
        .take(MAX_BLOCK_LINES)
        .find(|l| is_close_fence(l.text) || is_long_dash_line(l.text));
    let dashes = first.text.trim_end().len();
    let help = match close {
        Some(c) if is_long_dash_line(c.text) => "write both fences as exactly `---`",
        _ => "replace this line with exactly `---`",
    };
    let mut d = Diagnostic::error(
        "PL107",
        first.content_range(),
        format!(
            "front matter opening fence has {dashes} dashes, so it is not read: mdBook shows a horizontal rule and the fields as a big heading"
        ),
    )
    .with_help(help);
    if let Some(c) = close {
        d = d.with_related(c.content_range(), "the block ends here");
    }
    Some(d)
}

/// Whether [`split`] could find a misplaced block (PL104) in `text`: a `---` line starts
/// within the first [`LEAD_BYTES`]. The pipeline's pre-check; [`misplaced`] looks no further.
pub fn might_be_misplaced(text: &str) -> bool {
    let head = text.get(..LEAD_BYTES.min(text.len())).unwrap_or(text);
    let head = head.as_bytes();
    head.starts_with(b"---") || memchr::memmem::find(head, b"\n---").is_some()
}

/// What came before a misplaced block, worst last: the message names the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Lead {
    Blank,
    Comment,
    Heading,
    Text,
}

impl Lead {
    fn words(self) -> &'static str {
        match self {
            Lead::Blank => "blank lines",
            Lead::Comment => "an HTML comment",
            Lead::Heading => "a heading",
            Lead::Text => "text",
        }
    }
}

/// An ATX heading line (`# Title`, `## Title`, `#`).
fn is_atx_heading(t: &str) -> bool {
    let hashes = t.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes)
        && t.get(hashes..)
            .is_none_or(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// A `key:` entry whose key is one word (`summary:`, `app_type:`), as front matter keys are;
/// stricter than [`looks_like_yaml_entry`], for blocks found after text.
fn is_word_entry(text: &str) -> bool {
    let Some((key, _)) = text.split_once(':') else {
        return false;
    };
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}

/// After a heading or text: the lines from `next` on are `key:` entries (at least two), list
/// items, indented or comment lines, up to a closing `---`.
fn closed_block_of_entries<'a>(mut lines: impl Iterator<Item = Line<'a>>) -> bool {
    let mut entries = 0;
    for line in lines.by_ref().take(MAX_BLOCK_LINES) {
        let t = line.text;
        if is_close_fence(t) {
            return entries >= 2;
        }
        if is_word_entry(t) {
            entries += 1;
        } else if !(t.trim().is_empty()
            || t.starts_with([' ', '\t', '#'])
            || t.starts_with("- ")
            || t == "-")
        {
            return false;
        }
        if entries == 0 {
            // The first line after the fence must be an entry.
            return false;
        }
    }
    false
}

/// A `---` + `key:` block that does not start at byte 0: after blank lines, an HTML comment,
/// a heading or a paragraph.
fn misplaced(src: &str, start: usize) -> Option<Diagnostic> {
    let mut lines = lines_from(src, start).peekable();
    let mut lead: Option<Lead> = None;
    let mut in_comment = false;
    // A `---` right below a paragraph line underlines it (a setext heading): not a block.
    let mut after_break = true;
    loop {
        let line = lines.next()?;
        if line.start >= LEAD_BYTES {
            return None;
        }
        let t = line.text.trim();
        if in_comment {
            if t.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if t.is_empty() {
            lead = lead.max(Some(Lead::Blank));
            after_break = true;
            continue;
        }
        if t.starts_with("<!--") {
            lead = lead.max(Some(Lead::Comment));
            in_comment = !t.contains("-->");
            after_break = true;
            continue;
        }
        if is_open_fence(line.text) {
            let lead = lead?;
            if !after_break {
                return None;
            }
            let next = lines.peek()?;
            let shaped = if lead <= Lead::Comment {
                looks_like_yaml_entry(next.text)
            } else {
                closed_block_of_entries(lines)
            };
            if !shaped {
                return None;
            }
            let help = if lead <= Lead::Comment {
                "move the `---` block to the very top of the file; here mdBook shows it as a rule and a heading"
            } else {
                "move the `---` block to the very top of the file, above the heading and text; here mdBook shows it as a horizontal rule and the fields as a big heading"
            };
            return Some(
                Diagnostic::error(
                    "PL104",
                    line.content_range(),
                    format!(
                        "front matter must start on the first line, but it comes after {}",
                        lead.words()
                    ),
                )
                .with_help(help),
            );
        }
        if t.starts_with("```") || t.starts_with("~~~") || is_long_dash_line(t) {
            // Code, or a thematic break of another length: what follows is not our business.
            return None;
        }
        if line.text.starts_with("    ") || line.text.starts_with('\t') {
            // Indented code.
            return None;
        }
        if is_atx_heading(t) {
            lead = lead.max(Some(Lead::Heading));
            after_break = true;
        } else {
            lead = lead.max(Some(Lead::Text));
            after_break = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(src: &str) -> Option<(String, String)> {
        let (b, d) = split(src);
        assert!(d.is_empty(), "unexpected diagnostics {d:?}");
        b.map(|b| (src[b.range].to_string(), src[b.yaml].to_string()))
    }

    fn codes(src: &str) -> Vec<&'static str> {
        let (b, d) = split(src);
        assert!(b.is_none(), "near miss must not yield a block");
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn finds_a_plain_block() {
        let (range, yaml) = block("---\na: 1\n---\n# Title\n").unwrap();
        assert_eq!(range, "---\na: 1\n---\n");
        assert_eq!(yaml, "a: 1\n");
    }

    #[test]
    fn accepts_bom_crlf_dots_and_trailing_space() {
        let src = "\u{feff}--- \r\nk: é\r\n... \r\nbody";
        let (b, d) = split(src);
        assert!(d.is_empty());
        let b = b.unwrap();
        assert_eq!(b.range.start, 3, "range starts after the BOM");
        assert_eq!(&src[b.range.clone()], "--- \r\nk: é\r\n... \r\n");
        assert_eq!(&src[b.yaml], "k: é\r\n");
    }

    #[test]
    fn block_at_end_of_file_without_newline() {
        let (range, yaml) = block("---\nk: v\n---").unwrap();
        assert_eq!(range, "---\nk: v\n---");
        assert_eq!(yaml, "k: v\n");
    }

    #[test]
    fn empty_block_is_a_block() {
        let (range, yaml) = block("---\n---\ntext").unwrap();
        assert_eq!(range, "---\n---\n");
        assert_eq!(yaml, "");
    }

    #[test]
    fn no_front_matter_is_silent() {
        assert!(block("# Title\n\n---\n\ntext\n").is_none());
        assert!(block("").is_none());
        assert!(block("----\n\ntext").is_none());
    }

    #[test]
    fn long_closing_fence_is_pl101_and_not_guessed() {
        let src = "---\ntitle: x\n------\nbody\n\n---\n\nmore";
        assert_eq!(codes(src), ["PL101"]);
        let (_, d) = split(src);
        assert_eq!(&src[d[0].span.clone()], "------");
    }

    #[test]
    fn unclosed_is_pl102() {
        assert_eq!(codes("---\ntitle: x\n# Heading\n\ntext\n"), ["PL102"]);
        // A thematic break further down is not taken as the closing fence.
        let src = "---\ntitle: x\n\n# Heading\n\nSome text.\n\n---\n\nMore.\n";
        assert_eq!(codes(src), ["PL102"]);
        let (_, d) = split(src);
        assert_eq!(&src[d[0].related[0].span.clone()], "Some text.");
        // Blank lines and comments inside real front matter are fine.
        let (b, d) = split("---\na: 1\n\n# note\nb: 2\n\n- x\n---\n");
        assert!(b.is_some() && d.is_empty());
    }

    #[test]
    fn language_fences_are_pl103() {
        assert_eq!(codes("---yaml\na: 1\n---\n"), ["PL103"]);
        assert_eq!(codes("---js\n{a: require('x')}\n---\n"), ["PL103"]);
        assert_eq!(codes("---toml\na = 1\n---\n"), ["PL103"]);
        assert_eq!(codes("+++\na = 1\n+++\n"), ["PL103"]);
    }

    #[test]
    fn misplaced_blocks_are_pl104() {
        assert_eq!(codes("\n\n---\ntitle: x\n---\n"), ["PL104"]);
        assert_eq!(codes("<!-- note\n-->\n---\ntitle: x\n---\n"), ["PL104"]);
        // A thematic break after a blank line followed by prose is not front matter.
        assert!(codes("\n---\n\nSome prose.\n").is_empty());
    }

    #[test]
    fn block_after_a_heading_or_text_is_pl104() {
        let src = "# Title\n\n---\nsummary: s\nguid: g\n---\n\nBody.\n";
        assert_eq!(codes(src), ["PL104"]);
        let (_, d) = split(src);
        assert_eq!(d[0].span, 9..12, "at the misplaced opening fence");
        assert!(
            d[0].message.ends_with("comes after a heading"),
            "{}",
            d[0].message
        );
        assert!(d[0].help.as_deref().unwrap().contains("big heading"));
        // Right below the heading, with a blank first line, with lists and a comment inside.
        assert_eq!(
            codes("# Title\n---\nsummary: s\ntags:\n  - a\n# note\nlocale: en\n---\n"),
            ["PL104"]
        );
        let (_, d) = split("\n# T\n\nIntro text.\n\n---\nsummary: s\nguid: g\n---\n");
        assert!(d[0].message.ends_with("comes after text"), "{d:?}");
        // Ordinary Markdown is left alone: a rule then prose, a rule then one `Note:` line,
        // a setext underline, a block that never closes, a rule inside code.
        for quiet in [
            "# Title\n\n---\n\nSome prose.\n",
            "# Title\n\n---\nNote: one line\n---\n",
            "# Title\n\nSubtitle\n---\nsummary: s\nguid: g\n---\n",
            "# Title\n\n---\nsummary: s\nguid: g\n\nThen prose.\n",
            "# Title\n\n```\n---\nsummary: s\nguid: g\n---\n```\n",
            "# Title\n\n---\nmy key: s\nother key: g\n---\n",
        ] {
            let (b, d) = split(quiet);
            assert!(b.is_none() && d.is_empty(), "{quiet:?}: {d:?}");
        }
        // Only near the top: far below, a block-shaped run is the author's business.
        let far = format!(
            "# T\n\n{}\n---\nsummary: s\nguid: g\n---\n",
            "word ".repeat(1000)
        );
        assert!(split(&far).1.is_empty());
        assert!(!might_be_misplaced(&format!(
            "{}\n---\n",
            "x".repeat(LEAD_BYTES)
        )));
        assert!(might_be_misplaced("# T\n\n---\nsummary: s\n---\n"));
    }

    #[test]
    fn long_opening_fence_is_pl107() {
        let src = "----\nsummary: s\nguid: g\n----\n\n# Title\n";
        assert_eq!(codes(src), ["PL107"]);
        let (_, d) = split(src);
        assert_eq!(&src[d[0].span.clone()], "----");
        assert!(d[0].message.contains("4 dashes"), "{}", d[0].message);
        assert!(d[0].message.contains("big heading"), "{}", d[0].message);
        assert_eq!(
            d[0].help.as_deref(),
            Some("write both fences as exactly `---`")
        );
        assert_eq!(&src[d[0].related[0].span.clone()], "----");
        let src = "\u{feff}-----\ntitle: x\n---\n";
        let (_, d) = split(src);
        assert_eq!(d[0].code, "PL107");
        assert_eq!(
            d[0].help.as_deref(),
            Some("replace this line with exactly `---`")
        );
        // A rule at the top followed by prose or a blank line is ordinary Markdown.
        assert!(split("----\n\nsummary: s\n").1.is_empty());
        assert!(split("----\nJust prose here.\n").1.is_empty());
    }

    #[test]
    fn lone_fence_is_pl105() {
        assert_eq!(codes("---\n"), ["PL105"]);
        assert_eq!(codes("---"), ["PL105"]);
        assert_eq!(codes("---\n\n  \n"), ["PL105"]);
    }
}
