//! Mojibake repair: UTF-8 text that was read through a single-byte code page (windows-1252,
//! latin-1, mac-roman, windows-1250/1251, cp437, ...), one to three layers deep.
//!
//! This module owns finding and undoing that damage, and nothing else: it never straightens
//! quotes, decodes HTML entities or normalises Unicode, and correct text comes back
//! byte-identical. The pieces:
//!
//! - [`codepage`]/`tables`: the code pages, read "sloppily" (C1 controls stand for their byte).
//! - `score`: the cost that says how mojibake-like a stretch of text looks.
//! - `repair`: runs, re-decoding, layering, acceptance.
//! - this file: the public API, and the Markdown awareness (code and attribute values are left
//!   alone unless asked).

mod codepage;
mod repair;
mod score;
mod tables;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::markdown::pulldown_cmark::{Event, Tag};
use crate::markdown::{Edit, ParseOptions};

/// Rule code of a mojibake repair.
pub const CODE_REPAIRED: &str = "PL401";

/// Where repair may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RepairOptions {
    /// Also repair inside code spans and code blocks.
    pub in_code: bool,
    /// Also repair inside raw HTML attribute values.
    pub in_html_attributes: bool,
    /// mdBook's parser flags.
    pub parse: ParseOptions,
}

/// Cheap test: could `text` contain mojibake at all? False for ASCII, for text whose
/// non-ASCII characters cannot come from any code page we undo (most CJK, Indic, ...), and for
/// ordinary accented or typographic text (`café`, `it’s`, `Ελληνικά`): it asks whether some
/// character could be a UTF-8 lead byte *followed by* one of its continuation bytes in one of
/// our code pages. One forward scan, ASCII skipped eight bytes at a time, no allocation.
pub fn has_suspects(text: &str) -> bool {
    repair::has_suspect_bytes(text.as_bytes()) && repair::needs_work(text)
}

/// Repairs mojibake in a Markdown chapter, skipping code (unless asked). Each repair is one
/// edit and one warning diagnostic (`before → after`).
pub fn repair_markdown(text: &str, opts: &RepairOptions) -> (Vec<Edit>, Vec<Diagnostic>) {
    if !has_suspects(text) {
        return (Vec::new(), Vec::new());
    }
    repair_outside(text, &protected_ranges(text, opts))
}

/// [`repair_markdown`] past its pre-check, given the ranges to leave alone (sorted, from
/// [`Protected`] over a parse of `text`).
pub(crate) fn repair_outside(text: &str, skip: &[Range<usize>]) -> (Vec<Edit>, Vec<Diagnostic>) {
    let mut edits = Vec::new();
    let mut findings = Findings::default();
    let mut line_start = 0;
    for line in text.split('\n') {
        let line_end = line_start + line.len();
        if repair::needs_work(line) {
            let mut words: Vec<WordFix> = Vec::new();
            for seg in free_segments(line_start..line_end, skip) {
                let Some(seg_text) = text.get(seg.clone()) else {
                    continue;
                };
                if let Some(fixed) = repair::repair_line_text(seg_text) {
                    let hunks: Vec<(Range<usize>, String)> = hunks(seg_text, &fixed)
                        .into_iter()
                        .map(|(r, rep)| (r.start + seg.start..r.end + seg.start, rep))
                        .collect();
                    // One finding per word, showing the word with every repair in it applied
                    // (`rÃ©sumÃ©` → `résumé`), and one edit per hunk.
                    let mut k = 0;
                    while let Some((first, _)) = hunks.get(k) {
                        let word = context_word(text, first.clone());
                        let mut last = k;
                        while hunks.get(last + 1).is_some_and(|(r, _)| r.start < word.end) {
                            last += 1;
                        }
                        let focus = first.start..hunks[last].0.end;
                        let word = word.start..context_word(text, hunks[last].0.clone()).end;
                        words.push(WordFix::new(
                            text,
                            excerpt(text, word, &focus),
                            focus,
                            &hunks[k..=last],
                        ));
                        for (r, rep) in &hunks[k..=last] {
                            edits.push(Edit::replace(r.clone(), rep.clone()));
                        }
                        k = last + 1;
                    }
                }
            }
            findings.line(words);
        }
        line_start = line_end + 1;
    }
    (edits, findings.finish())
}

/// Individual findings per line; beyond that, one finding sums up the rest of the line.
const WORDS_PER_LINE: usize = 3;
/// Lines reported one by one per file; beyond that, one finding sums up the rest. Hostile
/// input (10,000 repairs on a line, 50,000 in a chapter) must cost and print in proportion to
/// what a reader can use, not to the damage.
const LINES_PER_FILE: usize = 100;
/// Longest excerpt shown in a message, in characters, on each side of the arrow.
const EXCERPT_CHARS: usize = 60;

/// One repaired word: where its repairs are, and the word before and after.
struct WordFix {
    span: Range<usize>,
    before: String,
    after: String,
}

impl WordFix {
    /// `shown` is the stretch of `text` to quote (the word, trimmed), `focus` the repairs.
    fn new(
        text: &str,
        shown: Range<usize>,
        focus: Range<usize>,
        hunks: &[(Range<usize>, String)],
    ) -> Self {
        let mut after = String::new();
        let mut pos = shown.start;
        for (r, rep) in hunks {
            after.push_str(text.get(pos..r.start).unwrap_or(""));
            after.push_str(rep);
            pos = r.end;
        }
        after.push_str(text.get(pos..shown.end).unwrap_or(""));
        WordFix {
            span: focus,
            before: text.get(shown).unwrap_or("").to_string(),
            after,
        }
    }

    /// `` `Letâ€™s` should read `Let’s` ``, naming invisible characters and saying when the
    /// result still looks broken.
    fn describe(&self) -> String {
        let mut out = format!("`{}` should read `{}`", cap(&self.before), cap(&self.after));
        let invisible: Vec<String> =
            self.after
                .chars()
                .filter_map(invisible_name)
                .fold(Vec::new(), |mut v, n| {
                    if !v.contains(&n) {
                        v.push(n);
                    }
                    v
                });
        if !invisible.is_empty() {
            out.push_str(&format!(" ({})", invisible.join(", ")));
        }
        if repair::repair_line_text(&self.after).is_some() {
            out.push_str(" (a partial repair: the result still looks broken)");
        }
        out
    }
}

/// The help of every PL401 finding: what to run, and what the build already does.
const FIX_HELP: &str = "run `mdbook-polish fix PATH` on this file to repair the source; the built book \
                        already shows the text repaired";

/// Collects a file's findings with the per-line and per-file bounds.
#[derive(Default)]
struct Findings {
    diags: Vec<Diagnostic>,
    lines: usize,
    /// Lines past the per-file bound: how many, and where the first is.
    more_lines: usize,
    first_more: Option<Range<usize>>,
}

impl Findings {
    fn line(&mut self, words: Vec<WordFix>) {
        let Some(first) = words.first() else { return };
        if self.lines >= LINES_PER_FILE {
            self.more_lines += 1;
            self.first_more.get_or_insert_with(|| first.span.clone());
            return;
        }
        self.lines += 1;
        if words.len() <= WORDS_PER_LINE {
            for w in &words {
                self.diags.push(
                    Diagnostic::warning(
                        CODE_REPAIRED,
                        w.span.clone(),
                        format!("mojibake found: {}", w.describe()),
                    )
                    .with_help(FIX_HELP),
                );
            }
            return;
        }
        let shown: Vec<String> = words.iter().take(2).map(WordFix::describe).collect();
        self.diags.push(
            Diagnostic::warning(
                CODE_REPAIRED,
                first.span.clone(),
                format!(
                    "mojibake found in {} words on this line: {} and {} more",
                    words.len(),
                    shown.join(", "),
                    words.len() - shown.len()
                ),
            )
            .with_help(FIX_HELP),
        );
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        if let Some(span) = self.first_more {
            self.diags.push(
                Diagnostic::warning(
                    CODE_REPAIRED,
                    span,
                    format!(
                        "mojibake found on {} more line(s) of this file, from here on (not listed one by one)",
                        self.more_lines
                    ),
                )
                .with_help(FIX_HELP),
            );
        }
        self.diags
    }
}

/// `s`, or its first [`EXCERPT_CHARS`] characters and `…`.
fn cap(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]).into(),
        None => s.into(),
    }
}

/// `word` narrowed to a few characters around `focus` when it is long (a run of text with no
/// space in it), so a message quotes the broken word, not a paragraph.
fn excerpt(text: &str, word: Range<usize>, focus: &Range<usize>) -> Range<usize> {
    const AROUND: usize = 12;
    let before = text.get(word.start..focus.start).unwrap_or("");
    let start = match before.char_indices().rev().nth(AROUND - 1) {
        Some((i, _)) => word.start + i,
        None => word.start,
    };
    let after = text.get(focus.end..word.end).unwrap_or("");
    let end = match after.char_indices().nth(AROUND) {
        Some((i, _)) => focus.end + i,
        None => word.end,
    };
    start..end
}

/// The name of a character a reader cannot see, as `U+00A0 NO-BREAK SPACE`.
fn invisible_name(c: char) -> Option<String> {
    let name = match c {
        '\u{a0}' => "NO-BREAK SPACE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{2002}' => "EN SPACE",
        '\u{2003}' => "EM SPACE",
        '\u{2009}' => "THIN SPACE",
        '\u{200a}' => "HAIR SPACE",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202f}' => "NARROW NO-BREAK SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        c if c.is_control() || (c.is_whitespace() && c != ' ') => "",
        _ => return None,
    };
    Some(match name {
        "" => format!("U+{:04X}", c as u32),
        n => format!("U+{:04X} {n}", c as u32),
    })
}

/// Makes mojibake on purpose: the UTF-8 bytes of `text` read through `code_page`
/// (`windows-1252`, `latin-1`, `mac-roman`, `windows-1250`, `windows-1251`, `cp437`,
/// `iso-8859-2`, `windows-1257`). `None` for an unknown name. For tests and benchmarks.
#[doc(hidden)]
pub fn simulate_mojibake(text: &str, code_page: &str) -> Option<String> {
    if code_page == "latin-1" {
        return Some(text.bytes().map(char::from).collect());
    }
    let cp = codepage::ALL.iter().find(|cp| cp.name == code_page)?;
    Some(text.bytes().map(|b| cp.decode_byte(b)).collect())
}

/// Repairs plain text (no Markdown awareness), keeping its line structure. `None` when
/// nothing changes.
pub fn repair_text(text: &str) -> Option<String> {
    if !has_suspects(text) {
        return None;
    }
    // Built only from the first changed line on; everything before it is copied in one go.
    let mut out: Option<String> = None;
    // End of the text already copied into `out`.
    let mut copied = 0;
    let mut line_start = 0;
    while line_start <= text.len() {
        let line_end = memchr::memchr(b'\n', text.as_bytes().get(line_start..).unwrap_or(&[]))
            .map_or(text.len(), |k| line_start + k);
        let line = text.get(line_start..line_end).unwrap_or("");
        if repair::needs_work(line)
            && let Some(fixed) = repair::repair_line_text(line)
        {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
            buf.push_str(text.get(copied..line_start).unwrap_or(""));
            buf.push_str(&fixed);
            copied = line_end;
        }
        line_start = line_end + 1;
    }
    let mut out = out?;
    out.push_str(text.get(copied..).unwrap_or(""));
    Some(out)
}

/// Byte ranges repair must not touch: code, and HTML attribute values (unless asked).
fn protected_ranges(text: &str, opts: &RepairOptions) -> Vec<Range<usize>> {
    let mut protected = Protected::new(text, opts);
    for (event, range) in crate::markdown::parser(text, opts.parse).into_offset_iter() {
        protected.observe(&event, &range);
    }
    protected.finish()
}

/// [`protected_ranges`] fed one event at a time, so that one parse can serve another job too
/// (the comparison tables, in the pipeline).
pub(crate) struct Protected<'a> {
    text: &'a str,
    in_code: bool,
    in_html_attributes: bool,
    front_matter_end: usize,
    out: Vec<Range<usize>>,
}

impl<'a> Protected<'a> {
    /// A collector for the events of `text`'s parse.
    pub(crate) fn new(text: &'a str, opts: &RepairOptions) -> Self {
        Protected {
            text,
            in_code: opts.in_code,
            in_html_attributes: opts.in_html_attributes,
            front_matter_end: front_matter_end(text),
            out: Vec::new(),
        }
    }

    /// Takes the parse's next event.
    pub(crate) fn observe(&mut self, event: &Event<'_>, range: &Range<usize>) {
        if range.end <= self.front_matter_end {
            // Front matter is plain text to us, whatever pulldown makes of it.
            return;
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) if !self.in_code => {
                self.out.push(range.clone());
            }
            Event::Html(_) | Event::InlineHtml(_) if !self.in_html_attributes => {
                if let Some(html) = self.text.get(range.clone()) {
                    self.out.extend(
                        attribute_values(html)
                            .into_iter()
                            .map(|r| r.start + range.start..r.end + range.start),
                    );
                }
            }
            _ => {}
        }
    }

    /// The ranges, sorted.
    pub(crate) fn finish(mut self) -> Vec<Range<usize>> {
        self.out.sort_by_key(|r| (r.start, r.end));
        self.out
    }
}

/// End of a `---` ... `---` block at byte 0 (0 when there is none).
fn front_matter_end(text: &str) -> usize {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let Some(rest) = body
        .strip_prefix("---\n")
        .or_else(|| body.strip_prefix("---\r\n"))
    else {
        return 0;
    };
    let mut pos = bom + (body.len() - rest.len());
    for line in rest.split_inclusive('\n') {
        pos += line.len();
        if line.trim_end() == "---" {
            return pos;
        }
    }
    0
}

/// Quoted attribute values inside a piece of raw HTML (`title="..."`, `alt='...'`).
fn attribute_values(html: &str) -> Vec<Range<usize>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut in_tag = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'=' if in_tag => {
                let mut j = i + 1;
                while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if let Some(&q) = bytes.get(j)
                    && (q == b'"' || q == b'\'')
                {
                    let start = j + 1;
                    let end = memchr::memchr(q, bytes.get(start..).unwrap_or(&[]))
                        .map_or(bytes.len(), |k| start + k);
                    out.push(start..end);
                    i = end + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Parts of `line` that no protected range covers.
fn free_segments(line: Range<usize>, skip: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = line.start;
    let first = skip.partition_point(|r| r.end <= line.start);
    for r in skip.get(first..).unwrap_or(&[]) {
        if r.start >= line.end {
            break;
        }
        if r.start > pos {
            out.push(pos..r.start);
        }
        pos = pos.max(r.end);
    }
    if pos < line.end {
        out.push(pos..line.end);
    }
    out
}

/// Minimal replaced stretches between a line and its repair (byte range in `old`, new text).
///
/// Myers diff costs O(N·D), quadratic on a long line with many repairs (a 10 MB line took
/// minutes: tests/hostile.rs `ten_megabyte_single_line_is_repaired_whole`). Repair only
/// rewrites non-ASCII stretches (no byte of a multi-byte UTF-8 character is ASCII), so when
/// both sides have the same ASCII characters in the same order, each stretch between two ASCII
/// characters is diffed on its own, and one longer than [`MAX_DIFF_CHARS`] is one edit.
fn hunks(old: &str, new: &str) -> Vec<(Range<usize>, String)> {
    let ascii = |s: &str| s.bytes().filter(u8::is_ascii).collect::<Vec<u8>>();
    if ascii(old) != ascii(new) {
        return hunks_myers(old, new);
    }
    let mut out = Vec::new();
    let (mut o, mut n) = (0, 0);
    while let (Some(o_rest), Some(n_rest)) = (old.get(o..), new.get(n..)) {
        let o_end = o_rest
            .find(|c: char| c.is_ascii())
            .map_or(old.len(), |i| o + i);
        let n_end = n_rest
            .find(|c: char| c.is_ascii())
            .map_or(new.len(), |i| n + i);
        let os = old.get(o..o_end).unwrap_or("");
        let ns = new.get(n..n_end).unwrap_or("");
        if os != ns {
            if os.chars().count() > MAX_DIFF_CHARS || ns.chars().count() > MAX_DIFF_CHARS {
                out.push((o..o_end, ns.to_string()));
            } else {
                out.extend(
                    hunks_myers(os, ns)
                        .into_iter()
                        .map(|(r, t)| (r.start + o..r.end + o, t)),
                );
            }
        }
        if o_end >= old.len() {
            break;
        }
        // Step over the shared ASCII character (one byte on both sides).
        o = o_end + 1;
        n = n_end + 1;
    }
    out
}

/// Longest non-ASCII stretch diffed character by character; real words are far shorter.
const MAX_DIFF_CHARS: usize = 64;

/// [`hunks`] by Myers diff over characters. Stretches separated only by non-ASCII characters
/// are merged, so one broken word gives one edit.
fn hunks_myers(old: &str, new: &str) -> Vec<(Range<usize>, String)> {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let mut a_off = Vec::with_capacity(a.len() + 1);
    let mut pos = 0;
    for c in &a {
        a_off.push(pos);
        pos += c.len_utf8();
    }
    a_off.push(pos);
    // (old char range, new char range)
    let mut groups: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    // Positions are counted here from the operations' lengths, not taken from their indices:
    // `similar` can report an insertion after a trailing match at an old index before that
    // match (a fuzz find: `ÄŽï¿½…Ë�` → `�το�` gave an edit of three characters, not eighteen,
    // and a second repair changed the line again).
    let (mut o, mut n) = (0, 0);
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (old_len, new_len) = match op {
            DiffOp::Equal { len, .. } => {
                o += len;
                n += len;
                continue;
            }
            DiffOp::Delete { old_len, .. } => (old_len, 0),
            DiffOp::Insert { new_len, .. } => (0, new_len),
            DiffOp::Replace {
                old_len, new_len, ..
            } => (old_len, new_len),
        };
        let (or, nr) = (o..o + old_len, n..n + new_len);
        o += old_len;
        n += new_len;
        if let Some(last) = groups.last_mut() {
            let gap = a.get(last.0.end..or.start).unwrap_or(&[]);
            if gap.iter().all(|c| !c.is_ascii()) {
                last.0.end = or.end;
                last.1.end = nr.end;
                continue;
            }
        }
        groups.push((or, nr));
    }
    let out: Vec<(Range<usize>, String)> = groups
        .into_iter()
        .filter_map(|(or, nr)| {
            let start = *a_off.get(or.start)?;
            let end = *a_off.get(or.end)?;
            let text: String = b.get(nr)?.iter().collect();
            Some((start..end, text))
        })
        .collect();
    // The edits must rebuild `new` exactly; if not, one edit for the whole stretch is still
    // right.
    let mut rebuilt = String::with_capacity(new.len());
    let mut pos = 0;
    for (r, t) in &out {
        rebuilt.push_str(old.get(pos..r.start).unwrap_or("\u{FFFD}"));
        rebuilt.push_str(t);
        pos = r.end;
    }
    rebuilt.push_str(old.get(pos..).unwrap_or("\u{FFFD}"));
    if rebuilt == new {
        out
    } else {
        vec![(0..old.len(), new.to_string())]
    }
}

/// The whitespace-delimited word around `range` (for messages).
fn context_word(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut s = range.start;
    while s > 0 && bytes.get(s - 1).is_some_and(|b| !b.is_ascii_whitespace()) {
        s -= 1;
    }
    let mut e = range.end;
    while bytes.get(e).is_some_and(|b| !b.is_ascii_whitespace()) {
        e += 1;
    }
    while !text.is_char_boundary(s) {
        s += 1;
    }
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    s..e.max(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_common_shapes() {
        assert_eq!(repair_text("Letâ€™s go").as_deref(), Some("Let’s go"));
        assert_eq!(
            repair_text("cafÃ© au lait").as_deref(),
            Some("café au lait")
        );
        assert_eq!(repair_text("plain ascii"), None);
        assert_eq!(repair_text("déjà vu, naïve, Ελληνικά"), None);
    }

    /// Found by the clean-text property test in CI: a decode into a code point Unicode has
    /// not assigned (U+0DE0, from `à·` and a space read as a lost no-break space) is never
    /// the text that was meant.
    #[test]
    fn decodes_into_unassigned_code_points_are_refused() {
        for clean in ["déjà· мир…", "déjà· mir", "Já· bem", "voilà· encore"] {
            assert_eq!(repair_text(clean), None, "{clean}");
        }
        // Assigned neighbours still decode when the text is mojibake of them.
        assert_eq!(repair_text("Letâ€™s go").as_deref(), Some("Let’s go"));
    }

    /// Issue 16: correct text in the shapes of mojibake stays, the mojibake beside it in the
    /// same shapes is still repaired.
    #[test]
    fn caps_roots_and_boxes_are_not_mojibake() {
        for clean in [
            "A IRMÃ… chegou atrasada à reunião.",
            "A CAPITÃ” DO TIME FALOU.",
            "MAÇÃ•PÊRA•UVA",
            "PŘÍŠTĚ ZNOVU – TENTOKRÁT LÉPE.",
            "Raízes: √±9 não existe, e √¼ = ½.",
            "√µ appears in the noise formula.",
            "├┤a┼┐a┼┐a",
        ] {
            assert_eq!(repair_text(clean), None, "{clean}");
        }
        for (broken, want) in [
            ("OÃ™ ET QUAND?", "OÙ ET QUAND?"),
            ("SÃ… BLÃ…", "SÅ BLÅ"),
            (
                "DESCRIÇÃO — CAMPO OBRIGATÃ“RIO",
                "DESCRIÇÃO — CAMPO OBRIGATÓRIO",
            ),
            ("Espa√±a y √©l", "España y él"),
            ("isso √© bom", "isso é bom"),
            ("Wir m├╝ssen pr├╝fen", "Wir müssen prüfen"),
            ("Angles of 30┬░ and 60┬░", "Angles of 30° and 60°"),
            (
                "Ratio 3:2 ≈ 1,5 Ã— the baseline",
                "Ratio 3:2 ≈ 1,5 × the baseline",
            ),
        ] {
            assert_eq!(repair_text(broken).as_deref(), Some(want), "{broken}");
        }
    }

    /// Messages a person can act on: the word, not the paragraph; invisible characters named;
    /// what to run; and bounded however much is broken.
    #[test]
    fn findings_are_worded_and_bounded() {
        let opts = RepairOptions::default();
        // A lost no-break space (`Â` before it): named, since it cannot be seen.
        let (_, d) = repair_markdown("Price:Â\u{a0}10 euros\n", &opts);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("U+00A0 NO-BREAK SPACE"),
            "{}",
            d[0].message
        );
        assert!(
            d[0].message.starts_with("mojibake found: "),
            "{}",
            d[0].message
        );
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("mdbook-polish fix"))
        );
        // A broken word inside a long run without spaces: the excerpt is the word's
        // neighbourhood, not the run.
        let run = format!("{}cafÃ©{}\n", "x".repeat(500), "y".repeat(500));
        let (_, d) = repair_markdown(&run, &opts);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.len() < 120, "{}", d[0].message);
        // Many words on a line: one finding for the line, with a count.
        let line = "cafÃ© ".repeat(10_000) + "\n";
        let (edits, d) = repair_markdown(&line, &opts);
        assert_eq!(edits.len(), 10_000);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("10000 words") && d[0].message.contains("9998 more"));
        // A few words on a line: one finding each.
        let (_, d) = repair_markdown("cafÃ© and naÃ¯ve and Letâ€™s\n", &opts);
        assert_eq!(d.len(), 3);
        // Many lines: the first ones one by one, then one finding for the rest.
        let lines = "cafÃ© here\n".repeat(50_000);
        let (edits, d) = repair_markdown(&lines, &opts);
        assert_eq!(edits.len(), 50_000);
        assert_eq!(d.len(), LINES_PER_FILE + 1);
        assert!(
            d[LINES_PER_FILE].message.contains("49900 more line(s)"),
            "{}",
            d[LINES_PER_FILE].message
        );
    }

    #[test]
    fn markdown_skips_code_and_reports() {
        let md = "Letâ€™s go `Letâ€™s` here.\n\n```\nLetâ€™s\n```\n";
        let (edits, diags) = repair_markdown(md, &RepairOptions::default());
        assert_eq!(edits.len(), 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, CODE_REPAIRED);
        assert!(
            diags[0].message.contains("`Letâ€™s` should read `Let’s`"),
            "{}",
            diags[0].message
        );
        let out = crate::markdown::apply_edits(md, &edits).unwrap();
        assert_eq!(out, "Let’s go `Letâ€™s` here.\n\n```\nLetâ€™s\n```\n");
    }
}
