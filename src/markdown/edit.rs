//! Byte-range replacements, applied back to front so earlier offsets stay valid.

use std::ops::Range;

/// Replace `range` of the original text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the original text (may be empty for an insertion).
    pub range: Range<usize>,
    /// Text to put there.
    pub replacement: String,
}

impl Edit {
    /// A replacement.
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    /// An insertion before byte `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit {
            range: at..at,
            replacement: text.into(),
        }
    }

    /// Moves the range by `delta` bytes (for jobs that ran on a slice of the chapter).
    #[must_use]
    pub fn shifted(mut self, delta: usize) -> Self {
        self.range = self.range.start + delta..self.range.end + delta;
        self
    }
}

/// Applies edits to `text`. Edits are sorted by position; overlapping edits, and edits whose
/// ends are not on character boundaries, are dropped (the first one wins) rather than
/// corrupting the text. Returns `None` when nothing changes, so callers can keep the original
/// bytes untouched.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    apply_edits_with_room(text, edits, 0)
}

/// [`apply_edits`], the new text's buffer holding `room` more bytes: what the caller will
/// add in place later (the preprocessor's chip links), so that it is not reallocated then.
pub fn apply_edits_with_room(text: &str, edits: &[Edit], room: usize) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits
        .iter()
        .filter(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        })
        .collect();
    // Stable sort keeps the callers' order for insertions at the same point.
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    // Overlapping edits (the later one) are dropped; the rest are applied in order.
    let mut pos = 0;
    sorted.retain(|e| {
        let keep = e.range.start >= pos;
        if keep {
            pos = e.range.end;
        }
        keep
    });
    // The exact size: a preprocessor keeps every chapter's new text until mdBook gets the
    // book, and a buffer that grew by doubling would hold up to twice the text.
    let len = sorted.iter().fold(text.len(), |n, e| {
        n.saturating_sub(e.range.len()) + e.replacement.len()
    });
    let mut out = String::with_capacity(len + room);
    let mut pos = 0;
    let mut changed = false;
    for e in sorted {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        changed |= text[e.range.clone()] != *e.replacement;
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    changed.then_some(out)
}

/// Maps offsets in an edited text back to the original, so diagnostics found after an earlier
/// job changed the text still point at the user's source.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (start in new text, end in new text, original range) for each applied edit, sorted.
    spans: Vec<(usize, usize, Range<usize>)>,
}

impl OffsetMap {
    /// Builds the map for `edits` applied to a text (same filtering as [`apply_edits`] is
    /// assumed: edits are non-overlapping).
    pub fn new(edits: &[Edit]) -> Self {
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        let mut spans = Vec::with_capacity(sorted.len());
        let mut delta: isize = 0;
        for e in sorted {
            let new_start = (e.range.start as isize + delta) as usize;
            let new_end = new_start + e.replacement.len();
            spans.push((new_start, new_end, e.range.clone()));
            delta += e.replacement.len() as isize - (e.range.end - e.range.start) as isize;
        }
        OffsetMap { spans }
    }

    /// The original offset for an offset in the edited text. Offsets inside a replacement map
    /// to the start of the replaced range.
    pub fn to_original(&self, offset: usize) -> usize {
        let i = self.spans.partition_point(|(s, _, _)| *s <= offset);
        if i == 0 {
            return offset;
        }
        let (_, end, orig) = &self.spans[i - 1];
        if offset < *end {
            orig.start
        } else {
            orig.end + (offset - end)
        }
    }

    /// The offset in the edited text of an original offset, or `None` when an edit replaced
    /// the text around it (an offset at either end of a replaced range maps).
    pub fn to_edited(&self, offset: usize) -> Option<usize> {
        let i = self
            .spans
            .partition_point(|(_, _, orig)| orig.start < offset);
        let Some((_, end, orig)) = i.checked_sub(1).and_then(|k| self.spans.get(k)) else {
            return Some(offset);
        };
        (offset >= orig.end).then(|| end + (offset - orig.end))
    }

    /// Maps a range.
    pub fn range_to_original(&self, r: Range<usize>) -> Range<usize> {
        let s = self.to_original(r.start);
        s..self.to_original(r.end).max(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_reports_no_change() {
        let t = "hello world";
        let e = [Edit::replace(6..11, "there"), Edit::insert(0, ">> ")];
        assert_eq!(apply_edits(t, &e).as_deref(), Some(">> hello there"));
        assert_eq!(apply_edits(t, &[Edit::replace(0..5, "hello")]), None);
        assert_eq!(apply_edits(t, &[]), None);
    }

    #[test]
    fn overlapping_and_bad_edits_are_dropped() {
        let t = "héllo";
        let e = [
            Edit::replace(0..3, "X"),
            Edit::replace(1..4, "Y"),
            Edit::replace(2..3, "Z"),
        ];
        assert_eq!(apply_edits(t, &e).as_deref(), Some("Xllo"));
        assert_eq!(apply_edits(t, &[Edit::replace(2..3, "Z")]), None);
        assert_eq!(apply_edits(t, &[Edit::replace(3..99, "Z")]), None);
    }

    #[test]
    fn offset_map_points_back_to_the_source() {
        let t = "aa BAD bb";
        let edits = [Edit::replace(3..6, "good!")];
        let new = apply_edits(t, &edits).unwrap();
        assert_eq!(new, "aa good! bb");
        let map = OffsetMap::new(&edits);
        assert_eq!(map.to_original(1), 1);
        assert_eq!(map.to_original(4), 3);
        assert_eq!(
            map.to_original(new.find("bb").unwrap()),
            t.find("bb").unwrap()
        );
    }

    #[test]
    fn offset_map_points_forward_outside_the_edits() {
        let t = "aa BAD bb CC dd";
        let edits = [Edit::replace(3..6, "good!"), Edit::replace(10..12, "c")];
        let new = apply_edits(t, &edits).unwrap();
        assert_eq!(new, "aa good! bb c dd");
        let map = OffsetMap::new(&edits);
        for (old, word) in [(0, "aa"), (7, "bb"), (13, "dd")] {
            assert_eq!(map.to_edited(old), new.find(word), "{word}");
        }
        // The ends of a replaced range map; what was inside it does not.
        assert_eq!(map.to_edited(3), Some(3));
        assert_eq!(map.to_edited(6), Some(8));
        assert_eq!(map.to_edited(4), None);
        assert_eq!(map.to_edited(11), None);
        assert_eq!(map.to_edited(t.len()), Some(new.len()));
    }
}
