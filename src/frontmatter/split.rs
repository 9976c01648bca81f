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
//! - `PL104` — a front-matter-shaped block that does not start at byte 0 (after blank lines
//!   or after an HTML comment). mdBook would render it as a rule and a heading. No block.
//! - `PL105` — a chapter that is only a `---` line (an opening fence and nothing else).

use std::ops::Range;

use super::Block;
use crate::diagnostic::Diagnostic;

const BOM: &str = "\u{feff}";

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

/// A `---` + `key:` block that does not start at byte 0: after blank lines or an HTML comment.
fn misplaced(src: &str, start: usize) -> Option<Diagnostic> {
    let mut lines = lines_from(src, start).peekable();
    let mut after = "blank lines";
    let mut in_comment = false;
    let mut skipped_any = false;
    loop {
        let line = lines.next()?;
        let t = line.text.trim();
        if in_comment {
            if t.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if t.is_empty() {
            skipped_any = true;
            continue;
        }
        if t.starts_with("<!--") {
            after = "an HTML comment";
            skipped_any = true;
            in_comment = !t.contains("-->");
            continue;
        }
        if !skipped_any || !is_open_fence(line.text) {
            return None;
        }
        let next = lines.peek()?;
        if !looks_like_yaml_entry(next.text) {
            return None;
        }
        return Some(
            Diagnostic::error(
                "PL104",
                line.content_range(),
                format!("front matter must start on the first line, but it comes after {after}"),
            )
            .with_help("move the `---` block to the very top of the file; here mdBook shows it as a rule and a heading"),
        );
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
    fn lone_fence_is_pl105() {
        assert_eq!(codes("---\n"), ["PL105"]);
        assert_eq!(codes("---"), ["PL105"]);
        assert_eq!(codes("---\n\n  \n"), ["PL105"]);
    }
}
