//! Byte offsets ↔ LSP positions.
//!
//! The protocol counts a position's `character` in UTF-16 code units (the default
//! `positionEncoding`, the only one every client supports), and its lines end at `\n`,
//! `\r\n` or a lone `\r`. The pipeline works in byte offsets into the UTF-8 text. [`LineMap`]
//! converts both ways; everything the server sends or reads goes through it, so an emoji
//! (two UTF-16 units, four bytes) or a CJK character (one unit, three bytes) before a finding
//! never shifts the squiggle.

use std::ops::Range;

use lsp_types::Position;

/// Where each line of one text starts, and where its content ends (before the line break).
#[derive(Debug, Clone)]
pub struct LineMap {
    /// (start, end of content) of each line, in bytes. There is always at least one line.
    lines: Vec<(usize, usize)>,
    len: usize,
}

impl LineMap {
    /// Indexes `text`: one pass over its bytes.
    pub fn new(text: &str) -> LineMap {
        let b = text.as_bytes();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while let Some(off) = memchr::memchr2(b'\n', b'\r', b.get(i..).unwrap_or_default()) {
            let at = i + off;
            let next = if b.get(at) == Some(&b'\r') && b.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            lines.push((start, at));
            start = next;
            i = next;
        }
        lines.push((start, b.len()));
        LineMap {
            lines,
            len: text.len(),
        }
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The byte range of line `line`'s content (without its line break), if it exists.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        self.lines.get(line).map(|&(s, e)| s..e)
    }

    /// The 0-based line holding byte `offset` (a line break belongs to the line it ends).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.lines
            .partition_point(|&(start, _)| start <= offset)
            .saturating_sub(1)
    }

    /// The position of byte `offset` in `text` (the text this map was built from). An offset
    /// inside a line break or a character is moved back to the nearest place a cursor can be.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.line_of(offset);
        let (start, end) = self.lines.get(line).copied().unwrap_or((0, 0));
        let mut at = offset.clamp(start, end);
        while at > start && !text.is_char_boundary(at) {
            at -= 1;
        }
        let character = text.get(start..at).map_or(0, utf16_len);
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos` in `text`. A character past the line's end means its end; a
    /// line past the last means the end of the text; a position between the two halves of a
    /// surrogate pair means the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&(start, end)) = self.lines.get(pos.line as usize) else {
            return self.len;
        };
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in text.get(start..end).unwrap_or_default().char_indices() {
            let next = units + c.len_utf16();
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// [`LineMap::position`] of both ends.
    pub fn range(&self, text: &str, r: Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(text, r.start), self.position(text, r.end))
    }

    /// [`LineMap::offset`] of both ends (in order).
    pub fn byte_range(&self, text: &str, r: lsp_types::Range) -> Range<usize> {
        let (a, b) = (self.offset(text, r.start), self.offset(text, r.end));
        a.min(b)..a.max(b)
    }
}

/// UTF-16 code units in `s`.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let map = LineMap::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = map.position(text, i);
            let back = map.offset(text, p);
            // A line break's bytes map to the end of the line's content.
            let line_end = map.line_range(map.line_of(i)).map_or(i, |r| r.end);
            assert_eq!(back, i.min(line_end), "{text:?} at {i}: {p:?}");
        }
    }

    #[test]
    fn emoji_before_the_error_counts_two_units() {
        let text = "ok\n😀 tilte: x\n";
        let map = LineMap::new(text);
        let at = text.find("tilte").unwrap();
        assert_eq!(map.position(text, at), Position::new(1, 3));
        assert_eq!(map.offset(text, Position::new(1, 3)), at);
        // Half-way through the surrogate pair: the start of the emoji.
        assert_eq!(map.offset(text, Position::new(1, 1)), 3);
        round_trip(text);
    }

    #[test]
    fn cjk_counts_one_unit_for_three_bytes() {
        let text = "---\n标题：文档 summry: y\n";
        let map = LineMap::new(text);
        let at = text.find("summry").unwrap();
        assert_eq!(
            at - 4,
            3 * 5 + 1,
            "five CJK characters and a space before it"
        );
        assert_eq!(map.position(text, at), Position::new(1, 6));
        assert_eq!(map.offset(text, Position::new(1, 6)), at);
        round_trip(text);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_and_are_not_content() {
        let text = "a\r\nbé\rc\n\r\nd";
        let map = LineMap::new(text);
        assert_eq!(map.line_count(), 5);
        assert_eq!(map.line_range(0), Some(0..1));
        assert_eq!(map.line_range(1), Some(3..6));
        assert_eq!(map.line_range(2), Some(7..8));
        assert_eq!(map.line_range(3), Some(9..9));
        assert_eq!(
            map.position(text, text.find('d').unwrap()),
            Position::new(4, 0)
        );
        // The `\r` of a CRLF is not a character of the line: the end of line 0 is column 1.
        assert_eq!(map.position(text, 1), Position::new(0, 1));
        assert_eq!(map.position(text, 2), Position::new(0, 1));
        // Past the end of a line: its end, not the next line.
        assert_eq!(map.offset(text, Position::new(0, 99)), 1);
        assert_eq!(map.offset(text, Position::new(1, 2)), 6);
        round_trip(text);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "x\n";
        let map = LineMap::new(text);
        assert_eq!(map.line_count(), 2);
        assert_eq!(map.offset(text, Position::new(7, 3)), 2);
        assert_eq!(map.position(text, 99), Position::new(1, 0));
        let empty = LineMap::new("");
        assert_eq!(empty.position("", 0), Position::new(0, 0));
        assert_eq!(empty.offset("", Position::new(0, 5)), 0);
    }
}
