//! The open documents: their text as the editor has it (not as it is on disk), kept up to
//! date from full and incremental `didChange` notifications.

use lsp_types::TextDocumentContentChangeEvent;

use super::position::LineMap;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The editor's text.
    pub text: String,
    /// The editor's version number of it.
    pub version: i32,
    /// The language the editor says it is (`markdown`).
    pub language: String,
}

impl Document {
    /// Applies the changes of one `didChange`, in order: a change without a range replaces
    /// the whole text, one with a range replaces that part (UTF-16 positions, clamped to the
    /// text as it is after the changes before it).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let map = LineMap::new(&self.text);
                    let r = map.byte_range(&self.text, range);
                    self.text.replace_range(r, &change.text);
                }
            }
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(r: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: r.map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_with_utf16_columns() {
        let mut d = Document {
            text: "---\n🚀 tilte: 标题\n---\r\nbody\r\n".into(),
            version: 1,
            language: "markdown".into(),
        };
        d.apply(
            vec![
                // `tilte` starts after the rocket (2 units) and a space.
                change(Some(((1, 3), (1, 8))), "title"),
                // Then replace the CJK value (2 units) as the text now is.
                change(Some(((1, 10), (1, 12))), "Launch"),
                // Insert at the end of `body`, before its CRLF.
                change(Some(((3, 4), (3, 4))), "!"),
            ],
            2,
        );
        assert_eq!(d.text, "---\n🚀 title: Launch\n---\r\nbody!\r\n");
        assert_eq!(d.version, 2);
        d.apply(vec![change(None, "new")], 3);
        assert_eq!(d.text, "new");
        // A range past the end is clamped rather than panicking.
        d.apply(vec![change(Some(((9, 9), (12, 0))), " tail")], 4);
        assert_eq!(d.text, "new tail");
    }
}
