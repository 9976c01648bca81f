//! Finding tables and deciding what each one is: a comparison (which column is the "pro"
//! side, paired rows or independent lists), a layout table (text beside an image), or
//! something to leave alone, with a note when it was a near miss.
//!
//! Everything comes from pulldown-cmark's offset iterator: the table, its cells and the
//! events inside each cell carry byte ranges into the chapter, so a cell is never found by
//! splitting a line on `|` (which would break on `\|` and on pipes inside code spans).

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::markdown::pulldown_cmark::{Event, Tag, TagEnd};
use crate::markdown::{ParseOptions, parser};

use super::CompareOptions;
use super::classify::{Miss, PairVerdict, classify_pair};

/// One table cell: its byte range (including the padding spaces around the content) and the
/// events inside it.
#[derive(Debug, Clone)]
pub(crate) struct Cell<'a> {
    /// The cell between its pipes.
    pub range: Range<usize>,
    /// Events strictly inside the cell, with their ranges.
    pub events: Vec<(Event<'a>, Range<usize>)>,
}

/// An author's marker comment on the line(s) before a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `<!-- polish: compare -->`: convert even without matching headers.
    Compare,
    /// `<!-- polish: skip -->`: never convert.
    Skip,
}

/// One pipe table found in the chapter.
#[derive(Debug, Clone)]
pub(crate) struct Table<'a> {
    /// The table without its final line ending.
    pub range: Range<usize>,
    /// Header cells.
    pub head: Vec<Cell<'a>>,
    /// Body rows (pulldown-cmark pads short rows with empty cells).
    pub rows: Vec<Vec<Cell<'a>>>,
    /// A marker comment directly before the table.
    pub marker: Option<Marker>,
    /// Where the text that decides what this table is starts: the HTML block right before it
    /// (which may hold a marker), else the table itself.
    pub context_start: usize,
    /// What precedes the table's continuation lines (`> `, list indentation): every line we
    /// emit after the first must carry it to stay inside the same container.
    pub prefix: String,
}

/// What to do with a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// Convert to a comparison component.
    Compare {
        /// Index (0 or 1) of the "pro" column.
        pro_col: usize,
        /// Every non-empty row has content on both sides: rows are pairs.
        paired: bool,
    },
    /// A layout table (text beside an image) to render as media rows.
    Media {
        /// Index of the column whose header holds the title.
        title_col: usize,
    },
    /// Leave the table alone, with an optional note saying why.
    Leave(Option<Diagnostic>),
}

/// Every pipe table in `text`, in order.
pub(crate) fn find_tables(text: &str, parse: ParseOptions) -> Vec<Table<'_>> {
    let mut finder = TableFinder::new(text);
    for (event, range) in parser(text, parse).into_offset_iter() {
        finder.observe(event, range);
    }
    finder.finish()
}

/// [`find_tables`] fed one event at a time, so that one parse can serve another job too (the
/// mojibake repair's code ranges, in the pipeline).
pub(crate) struct TableFinder<'a> {
    text: &'a str,
    tables: Vec<Table<'a>>,
    current: Option<Table<'a>>,
    cell: Option<Cell<'a>>,
    row: Vec<Cell<'a>>,
    // Text of the HTML block that ended right before the current event, if any: a marker
    // only counts when nothing else sits between it and the table.
    html_acc: Option<String>,
    last_html: Option<String>,
    // Where that HTML block started, and where the one before the current event started.
    html_start: usize,
    last_html_start: usize,
}

impl<'a> TableFinder<'a> {
    /// A finder for the events of `text`'s parse.
    pub(crate) fn new(text: &'a str) -> Self {
        TableFinder {
            text,
            tables: Vec::new(),
            current: None,
            cell: None,
            row: Vec::new(),
            html_acc: None,
            last_html: None,
            html_start: 0,
            last_html_start: 0,
        }
    }

    /// Takes the parse's next event.
    pub(crate) fn observe(&mut self, event: Event<'a>, range: Range<usize>) {
        let just_closed_html = self.last_html.take();
        if let Some(c) = self.cell.as_mut() {
            if matches!(event, Event::End(TagEnd::TableCell)) {
                if let Some(c) = self.cell.take() {
                    self.row.push(c);
                }
            } else {
                c.events.push((event, range));
            }
            return;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.html_acc = Some(String::new());
                self.html_start = range.start;
            }
            Event::Html(ref h) => {
                if let Some(acc) = self.html_acc.as_mut() {
                    acc.push_str(h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                self.last_html = self.html_acc.take();
                self.last_html_start = self.html_start;
            }
            Event::Start(Tag::Table(_)) => {
                let mut end = range.end;
                let bytes = self.text.as_bytes();
                if end > range.start && bytes.get(end - 1) == Some(&b'\n') {
                    end -= 1;
                    if end > range.start && bytes.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                }
                let context_start = match just_closed_html {
                    Some(_) => self.last_html_start,
                    None => range.start,
                };
                self.current = Some(Table {
                    range: range.start..end,
                    head: Vec::new(),
                    rows: Vec::new(),
                    marker: just_closed_html.as_deref().and_then(parse_marker),
                    context_start,
                    prefix: String::new(),
                });
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = self.current.as_mut() {
                    t.head = std::mem::take(&mut self.row);
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Some(t) = self.current.as_mut()
                    && t.rows.is_empty()
                {
                    t.prefix = container_prefix(self.text, range.start);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = self.current.as_mut() {
                    t.rows.push(std::mem::take(&mut self.row));
                }
            }
            Event::Start(Tag::TableCell) => {
                self.cell = Some(Cell {
                    range,
                    events: Vec::new(),
                });
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = self.current.take() {
                    self.tables.push(t);
                }
            }
            _ => {}
        }
    }

    /// The tables seen, in order.
    pub(crate) fn finish(self) -> Vec<Table<'a>> {
        self.tables
    }
}

impl Table<'_> {
    /// Moves every byte offset of the table by `delta` (it was found in a text whose bytes
    /// before it have since grown or shrunk by that much, and none inside it changed).
    pub(crate) fn shift(&mut self, delta: isize) {
        let mv = |r: &mut Range<usize>| {
            r.start = r.start.saturating_add_signed(delta);
            r.end = r.end.saturating_add_signed(delta);
        };
        mv(&mut self.range);
        self.context_start = self.context_start.saturating_add_signed(delta);
        for cell in self.head.iter_mut().chain(self.rows.iter_mut().flatten()) {
            mv(&mut cell.range);
            for (_, r) in &mut cell.events {
                mv(r);
            }
        }
    }
}

/// The text between the start of the line holding `at` and `at`, with anything that is not
/// a container marker turned into spaces (a defensive measure: only `>` and indentation
/// are expected there).
fn container_prefix(text: &str, at: usize) -> String {
    let head = text.get(..at).unwrap_or("");
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    head.get(line_start..)
        .unwrap_or("")
        .chars()
        .map(|c| {
            if matches!(c, '>' | ' ' | '\t') {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// Reads `<!-- polish: compare -->` / `<!-- polish: skip -->` (spacing and case free).
fn parse_marker(html: &str) -> Option<Marker> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .to_lowercase();
    let rest = inner
        .strip_prefix("polish")?
        .trim_start()
        .strip_prefix(':')?;
    match rest.trim() {
        "compare" => Some(Marker::Compare),
        "skip" => Some(Marker::Skip),
        _ => None,
    }
}

/// Whether an inline HTML fragment is a line break tag (`<br>`, `<br/>`, `<BR />`, ...).
pub(crate) fn is_br(html: &str) -> bool {
    let lower = html.trim().to_ascii_lowercase();
    let Some(inner) = lower.strip_prefix("<br") else {
        return false;
    };
    let inner = inner.strip_suffix('>').unwrap_or("<");
    matches!(inner.trim(), "" | "/")
}

/// The visible text of a cell (text and code), for matching header words and for messages.
pub(crate) fn plain_text(cell: &Cell<'_>) -> String {
    let mut s = String::new();
    for (e, _) in &cell.events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// A cell with nothing but whitespace and `<br>` tags.
pub(crate) fn is_blank(cell: &Cell<'_>) -> bool {
    cell.events.iter().all(|(e, _)| match e {
        Event::Text(t) => t.trim().is_empty(),
        Event::InlineHtml(h) => is_br(h),
        Event::SoftBreak | Event::HardBreak => true,
        _ => false,
    })
}

/// A cell whose only content is one or more images (the picture half of a layout table).
pub(crate) fn is_image_only(cell: &Cell<'_>) -> bool {
    let mut depth = 0usize;
    let mut images = 0usize;
    for (e, _) in &cell.events {
        match e {
            Event::Start(Tag::Image { .. }) if depth == 0 => {
                images += 1;
                depth += 1;
            }
            Event::Start(_) => {
                if depth == 0 {
                    return false;
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            Event::Text(t) if t.trim().is_empty() => {}
            Event::InlineHtml(h) if is_br(h) => {}
            _ => return false,
        }
    }
    images > 0
}

/// Decides what `table` is. `table.range` is the span of any note.
pub(crate) fn classify(table: &Table<'_>, opts: &CompareOptions) -> Verdict {
    let span = table.range.clone();
    if table.marker == Some(Marker::Skip) {
        return Verdict::Leave(None);
    }
    let headers: Vec<String> = table.head.iter().map(plain_text).collect();
    let forced = table.marker == Some(Marker::Compare);

    if table.head.len() != 2 {
        // A wider table earns a note when two neighbouring headers would make a comparison
        // (`Pros | Cons | Notes`); neighbours only, so a hostile header row costs linear time.
        let pair = headers.windows(2).any(|w| {
            matches!(
                classify_pair(&w[0], &w[1], opts),
                PairVerdict::Comparison { .. }
            )
        });
        let note = if forced {
            Some(Diagnostic::note(
                "PL305",
                span,
                format!(
                    "`polish: compare` marker on a table with {} columns: only two-column tables are converted",
                    table.head.len()
                ),
            ))
        } else if pair {
            Some(
                Diagnostic::note(
                    "PL302",
                    span,
                    format!(
                        "table not converted: it has {} columns, comparisons have two",
                        table.head.len()
                    ),
                )
                .with_help("split it into two-column tables, or ignore this note"),
            )
        } else {
            None
        };
        return Verdict::Leave(note);
    }

    let (left, right) = (&headers[0], &headers[1]);
    let pair = classify_pair(left, right, opts);
    let non_blank_rows = table
        .rows
        .iter()
        .filter(|r| !r.iter().all(is_blank))
        .count();
    if non_blank_rows == 0 {
        let note = (forced || !matches!(pair, PairVerdict::Plain)).then(|| {
            Diagnostic::note(
                "PL306",
                span.clone(),
                "two-column table not converted: it has no body rows with content",
            )
        });
        return Verdict::Leave(note);
    }
    let paired = table
        .rows
        .iter()
        .filter(|r| !r.iter().all(is_blank))
        .all(|r| r.iter().all(|c| !is_blank(c)));

    if forced {
        return Verdict::Compare { pro_col: 0, paired };
    }

    // Layout tables (shape L1): one header empty, an image alone in a body cell.
    let empty_header = table
        .head
        .iter()
        .position(|c| plain_text(c).is_empty() && is_blank(c));
    let has_image = table.rows.iter().flatten().any(is_image_only);
    if let (Some(empty), true) = (empty_header, has_image) {
        let title_col = 1 - empty.min(1);
        if opts.media {
            return Verdict::Media { title_col };
        }
        return Verdict::Leave(Some(
            Diagnostic::note(
                "PL303",
                span,
                "layout table (text beside an image) left as a table",
            )
            .with_help("set `media = true` to render layout tables as a text-and-figure row"),
        ));
    }

    let help = "add `<!-- polish: compare -->` before the table to convert it, or `<!-- polish: skip -->` to silence this note";
    match pair {
        // `Benefit | Cost` over `Dental | 12 EUR a month` is a price list, not two sides.
        PairVerdict::Comparison { pro_col, .. } if price_column(table, 1 - pro_col) => {
            Verdict::Leave(None)
        }
        PairVerdict::Comparison { pro_col, .. } => Verdict::Compare { pro_col, paired },
        PairVerdict::Plain => Verdict::Leave(None),
        PairVerdict::NearMiss(Miss::BothSides { col }) => Verdict::Leave(Some(Diagnostic::note(
            "PL304",
            span,
            format!(
                "two-column table not converted: header `{}` matches both the pro and the con words",
                headers[col]
            ),
        ))),
        PairVerdict::NearMiss(Miss::SameSide) => Verdict::Leave(Some(Diagnostic::note(
            "PL304",
            span,
            format!(
                "two-column table not converted: headers `{left}` and `{right}` are on the same side"
            ),
        ))),
        PairVerdict::NearMiss(Miss::OneSide { col }) => Verdict::Leave(Some(
            Diagnostic::note(
                "PL301",
                span,
                format!(
                    "two-column table not converted: `{}` names a side, but header `{}` matches no word set",
                    headers[col],
                    headers[1 - col]
                ),
            )
            .with_help(help),
        )),
    }
}

/// Whether column `col` is a price column: its header says cost (a side word with a second
/// sense, a price) and every non-blank cell is a short amount (a digit or a currency sign in
/// four words at most: `12 EUR a month`, `$5/user`). A con side of a real comparison holds
/// sentences (`Running costs grow with traffic`), not bare amounts.
fn price_column(table: &Table<'_>, col: usize) -> bool {
    let header = table.head.get(col).map(plain_text).unwrap_or_default();
    let priced = super::classify::words(&header).iter().any(|w| {
        matches!(
            w.as_str(),
            "cost"
                | "costs"
                | "coste"
                | "costes"
                | "custo"
                | "custos"
                | "coût"
                | "coûts"
                | "kosten"
        )
    });
    priced
        && table
            .rows
            .iter()
            .filter_map(|r| r.get(col))
            .filter(|c| !is_blank(c))
            .all(|c| {
                let t = plain_text(c);
                let amount = t.chars().any(|ch| {
                    ch.is_ascii_digit() || matches!(ch, '$' | '€' | '£' | '¥' | '₹' | '¢')
                });
                amount && t.split_whitespace().count() <= 4
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(md: &str) -> Verdict {
        let opts = CompareOptions::default();
        let tables = find_tables(md, opts.parse);
        assert_eq!(tables.len(), 1, "one table in {md:?}");
        classify(&tables[0], &opts)
    }

    fn code(v: &Verdict) -> Option<&'static str> {
        match v {
            Verdict::Leave(Some(d)) => Some(d.code),
            _ => None,
        }
    }

    #[test]
    fn br_tags_in_any_spelling() {
        for t in ["<br>", "<br/>", "<br />", "<BR>", "<Br  />"] {
            assert!(is_br(t), "{t}");
        }
        for t in ["<b>", "<brr>", "<br class=x>", "</br>"] {
            assert!(!is_br(t), "{t}");
        }
    }

    #[test]
    fn markers_parse_loosely() {
        assert_eq!(
            parse_marker("<!--polish:compare-->\n"),
            Some(Marker::Compare)
        );
        assert_eq!(parse_marker("<!-- Polish : SKIP -->"), Some(Marker::Skip));
        assert_eq!(parse_marker("<!-- polish: other -->"), None);
        assert_eq!(parse_marker("<div>"), None);
    }

    #[test]
    fn sentence_headers_on_either_side() {
        let v = verdict("|Many gains come...|...and a cost|\n|-|-|\n|a|b|\n");
        assert_eq!(
            v,
            Verdict::Compare {
                pro_col: 0,
                paired: true
            }
        );
        let v = verdict("| Cons | Pros |\n|-|-|\n|a||\n|b|c|\n");
        assert_eq!(
            v,
            Verdict::Compare {
                pro_col: 1,
                paired: false
            }
        );
        let v = verdict("| Do | Don't |\n|-|-|\n|a|b|\n");
        assert_eq!(
            v,
            Verdict::Compare {
                pro_col: 0,
                paired: true
            }
        );
    }

    #[test]
    fn near_misses_get_notes() {
        assert_eq!(
            code(&verdict("| Benefits | Option |\n|-|-|\n|a|b|\n")),
            Some("PL301")
        );
        assert_eq!(
            code(&verdict("| Pros | Cons | Notes |\n|-|-|-|\n|a|b|c|\n")),
            Some("PL302")
        );
        assert_eq!(
            code(&verdict("| Pros and cons | Cons |\n|-|-|\n|a|b|\n")),
            Some("PL304")
        );
        assert_eq!(
            code(&verdict("| Pros | Upsides |\n|-|-|\n|a|b|\n")),
            Some("PL304")
        );
        assert_eq!(code(&verdict("| Pros | Cons |\n|-|-|\n\n")), Some("PL306"));
        assert_eq!(
            verdict("| Key | Value |\n|-|-|\n|a|b|\n"),
            Verdict::Leave(None)
        );
    }

    #[test]
    fn a_cost_column_of_amounts_is_a_price_list() {
        let md = "| Benefit | Cost |\n|-|-|\n| Dental | 12 EUR a month |\n| Gym | $30 |\n";
        assert_eq!(verdict(md), Verdict::Leave(None));
        let md = "| Benefits | Costs |\n|-|-|\n| Fast reads | Memory grows with the data set |\n";
        assert!(matches!(verdict(md), Verdict::Compare { pro_col: 0, .. }));
        // Amounts under a con header that is not about cost are still a side.
        let md = "| Pros | Cons |\n|-|-|\n| Simple | 30 ms more |\n";
        assert!(matches!(verdict(md), Verdict::Compare { pro_col: 0, .. }));
    }

    #[test]
    fn markers_force_and_prevent() {
        let v = verdict("<!-- polish: compare -->\n\n| Key | Value |\n|-|-|\n|a|b|\n");
        assert_eq!(
            v,
            Verdict::Compare {
                pro_col: 0,
                paired: true
            }
        );
        let v = verdict("<!-- polish: skip -->\n| Pros | Cons |\n|-|-|\n|a|b|\n");
        assert_eq!(v, Verdict::Leave(None));
        // A paragraph in between breaks the link between marker and table.
        let v = verdict("<!-- polish: skip -->\n\ntext\n\n| Pros | Cons |\n|-|-|\n|a|b|\n");
        assert_eq!(
            v,
            Verdict::Compare {
                pro_col: 0,
                paired: true
            }
        );
        let v = verdict("<!-- polish: compare -->\n| a | b | c |\n|-|-|-|\n|1|2|3|\n");
        assert_eq!(code(&v), Some("PL305"));
    }

    #[test]
    fn layout_tables_are_noted_or_media() {
        let md = "|Step one||\n|--|--|\n|<br/>Text<br/>* a|![alt](i.png \"t\")|\n";
        assert_eq!(code(&verdict(md)), Some("PL303"));
        let opts = CompareOptions {
            media: true,
            ..CompareOptions::default()
        };
        let t = find_tables(md, opts.parse);
        assert_eq!(classify(&t[0], &opts), Verdict::Media { title_col: 0 });
    }

    #[test]
    fn cells_come_from_events_and_prefix_from_the_container() {
        let md = "> | Pros | Cons |\n> |-|-|\n> | `a\\|b` | c |\n";
        let t = find_tables(md, ParseOptions::default());
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].prefix, "> ");
        assert_eq!(t[0].rows[0].len(), 2);
        assert_eq!(&md[t[0].range.clone()], &md[2..md.len() - 1]);
        let md = "- item\n\n  | Pros | Cons |\n  |-|-|\n  | a | b |\n";
        assert_eq!(find_tables(md, ParseOptions::default())[0].prefix, "  ");
    }

    /// The labelled set (`tests/fixtures/compare/header-pairs.tsv`): every pair goes through
    /// the parser and `classify` as a two-column table with one body row. Prints precision
    /// and recall of "comparison with the right pro column" for each half and for both, and
    /// requires every pair right.
    #[test]
    fn labelled_header_pairs() {
        let tsv = include_str!("../../tests/fixtures/compare/header-pairs.tsv");
        let opts = CompareOptions::default();
        // (true positives, false positives, false negatives, plain right, plain total)
        let mut counts = std::collections::BTreeMap::<&str, [usize; 5]>::new();
        let mut wrong = Vec::new();
        let mut rows = 0;
        for line in tsv
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "four columns: {line:?}");
            let (split, want, left, right) = (f[0], f[1], f[2], f[3]);
            let md = format!("| {left} | {right} |\n|-|-|\n| a | b |\n");
            let tables = find_tables(&md, opts.parse);
            assert_eq!(tables.len(), 1, "{md:?}");
            let got = match classify(&tables[0], &opts) {
                Verdict::Compare { pro_col: 0, .. } => "L",
                Verdict::Compare { .. } => "R",
                _ => "-",
            };
            let want_cmp = want != "-";
            for key in [split, "both"] {
                let c = counts.entry(key).or_default();
                match (want_cmp, got == want) {
                    (true, true) => c[0] += 1,
                    (true, false) => {
                        c[2] += 1;
                        if got != "-" {
                            c[1] += 1;
                        }
                    }
                    (false, ok) => {
                        c[4] += 1;
                        if ok {
                            c[3] += 1;
                        } else {
                            c[1] += 1;
                        }
                    }
                }
            }
            if got != want {
                wrong.push(format!(
                    "{split}: `{left}` | `{right}`: want {want}, got {got}"
                ));
            }
            rows += 1;
        }
        assert!(rows >= 150, "at least 150 pairs, found {rows}");
        for (key, [tp, fp, fn_, plain_ok, plain]) in &counts {
            let precision = *tp as f64 / (tp + fp).max(1) as f64;
            let recall = *tp as f64 / (tp + fn_).max(1) as f64;
            println!(
                "{key:>5}: precision {precision:.3} recall {recall:.3} ({tp} right, {fp} false, {fn_} missed; plain {plain_ok}/{plain})"
            );
        }
        for w in &wrong {
            println!("WRONG {w}");
        }
        assert!(wrong.is_empty(), "{} pairs wrong", wrong.len());
    }
}
