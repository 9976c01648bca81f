//! The metadata header: front matter shown as a tidy block under the chapter's first heading.
//!
//! Owns the HTML of the header and where it goes. Every value is HTML-escaped; a link is only
//! emitted for `http:`/`https:` URLs. The HTML is one block with no blank lines, so mdBook's
//! Markdown parser passes it through as a single raw HTML block.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::collection::{ChipLinks, ChipSlot, SLOT};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Node;
use crate::markdown::{ParseOptions, parser, pulldown_cmark::Event, pulldown_cmark::Tag};

/// Which fields the header shows, in order, and their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderConfig {
    /// Front matter keys, in display order. `summary` is the lead line, `figma` the button,
    /// everything else a labelled row of chips.
    pub fields: Vec<String>,
    /// Label overrides by key.
    pub labels: BTreeMap<String, String>,
}

impl Default for HeaderConfig {
    fn default() -> Self {
        HeaderConfig {
            fields: [
                "summary",
                "platform-version",
                "audience",
                "coverage-type",
                "topic",
                "tags",
                "figma",
            ]
            .map(String::from)
            .to_vec(),
            labels: BTreeMap::new(),
        }
    }
}

/// Rule: a link value that is not http(s) is shown as text.
pub const UNSAFE_LINK: &str = "PL501";

/// Built-in labels for the seed's fields; other keys get a title-cased key.
fn default_label(key: &str) -> String {
    match key {
        "platform-version" => "Platform".into(),
        "audience" => "Audience".into(),
        "coverage-type" => "Coverage".into(),
        "topic" => "Topics".into(),
        "tags" => "Tags".into(),
        "app_type" => "App types".into(),
        "outsystems-tools" => "Tools".into(),
        "figma" => "Open in Figma".into(),
        other => {
            let words: Vec<String> = other
                .split(['-', '_', ' '])
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect();
            words.join(" ")
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_html_into(&mut out, s);
    out
}

/// What [`escape_html_into`] writes for byte `b`, when it is not `b` itself.
pub(crate) fn html_escape_of(b: u8) -> Option<&'static str> {
    Some(match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&#39;",
        // A newline inside a value would end the raw HTML block early if followed by a
        // blank line; values are single-line in the header anyway.
        b'\n' | b'\r' => " ",
        _ => return None,
    })
}

/// [`escape_html`] appended to `out`. Copies the runs between special characters whole (all of
/// them are ASCII, so every cut is on a character boundary): the header escapes every value of
/// every chapter, and most values have nothing to escape.
pub fn escape_html_into(out: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let Some(rep) = html_escape_of(b) else {
            continue;
        };
        out.push_str(s.get(from..i).unwrap_or_default());
        out.push_str(rep);
        from = i + 1;
    }
    out.push_str(s.get(from..).unwrap_or_default());
}

/// Whether `url` may become an `href`: only absolute http(s) URLs, nothing that a browser could
/// execute (`javascript:`, `data:`) or resolve against the page.
pub fn is_safe_link(url: &str) -> bool {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && u.len() > lower.find("//").map_or(0, |i| i + 2)
        && !u.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The values of a field as display strings: a list's items, a comma list split, a scalar.
fn values(node: &Node) -> Vec<String> {
    node.string_list()
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// The finding for a link field whose value may not become an `href`.
fn unsafe_link(key: &str, node: &Node) -> Diagnostic {
    Diagnostic::warning(
        UNSAFE_LINK,
        node.span.clone(),
        format!("`{key}` is not an http(s) link, so it is shown as text"),
    )
    .with_help("use a full `https://` URL")
}

/// The findings [`render`] would report for `data`, without building any HTML: `check`
/// needs only these, and the header's HTML was a measurable share of its time.
pub fn diagnostics(data: &Node, cfg: &HeaderConfig) -> Vec<Diagnostic> {
    cfg.fields
        .iter()
        .filter(|key| key.as_str() == "figma")
        .filter_map(|key| {
            let node = data.get(key)?;
            let url = node.scalar_text().filter(|s| !s.trim().is_empty())?;
            (!is_safe_link(&url)).then(|| unsafe_link(key, node))
        })
        .collect()
}

/// What the chips of indexed keys become (see [`crate::collection`]).
pub enum Chips<'a> {
    /// Text: the book has no index.
    Plain,
    /// Links to their value on the index page: the book's indexes, and this chapter's output
    /// path.
    Linked(&'a ChipLinks, &'a str),
    /// Slots for links not known yet: each chip of one of `keys` is one [`SLOT`] character,
    /// and its key and value are pushed, in order, to `slots`. The preprocessor fills them
    /// once every chapter's front matter is read ([`crate::collection::fill_chip_slots`]).
    /// The summary's HTML goes to `summary` too: an index lists the page with it.
    Slots {
        /// The indexed keys.
        keys: &'a [String],
        /// Each slot's key and value, in order.
        slots: &'a mut Vec<ChipSlot>,
        /// The summary as [`summary_html`] made it.
        summary: &'a mut Option<String>,
    },
}

/// Renders the header for `data`. `id_prefix` keeps ids unique on the print page. `chips`
/// says whether the chips of indexed keys link to their value on the index page. Returns
/// `None` when no configured field has a value.
pub fn render(
    data: &Node,
    cfg: &HeaderConfig,
    id_prefix: &str,
    parse: ParseOptions,
    mut chips: Chips<'_>,
) -> (Option<String>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut summary = None;
    let mut rows = String::new();
    let mut link = None;
    for key in &cfg.fields {
        let Some(node) = data.get(key) else { continue };
        let label = cfg
            .labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| default_label(key));
        match key.as_str() {
            "summary" => summary = node.scalar_text().filter(|s| !s.trim().is_empty()),
            "figma" => {
                let Some(url) = node.scalar_text().filter(|s| !s.trim().is_empty()) else {
                    continue;
                };
                if is_safe_link(&url) {
                    link = Some((label, url));
                } else {
                    diags.push(unsafe_link(key, node));
                    // Keep the text visible: the reader still sees what was written.
                    let _ = write!(
                        rows,
                        "<div class=\"polish-meta-{}\"><dt>{}</dt><dd>{}</dd></div>",
                        field_class(key),
                        escape_html(cfg.labels.get(key).map_or("Figma", String::as_str)),
                        escape_html(&url)
                    );
                }
            }
            _ => {
                let vals = values(node);
                if vals.is_empty() {
                    continue;
                }
                // Only the row carries a class (its field, a styling hook); rows, lists and
                // chips are styled by position below `.polish-meta-fields`. mdBook keeps
                // every page's HTML tree in memory while it renders the book, and each
                // attribute is a few allocations there: on a 2,000-chapter book, classes on
                // every chip made mdBook's own html rendering measurably slower.
                let _ = write!(
                    rows,
                    "<div class=\"polish-meta-{}\"><dt>{}</dt><dd><ul>",
                    field_class(key),
                    escape_html(&label)
                );
                for v in vals {
                    rows.push_str("<li>");
                    match &mut chips {
                        Chips::Slots { keys, slots, .. } if keys.iter().any(|k| k == key) => {
                            rows.push(SLOT);
                            slots.push(ChipSlot {
                                key: key.clone(),
                                value: v,
                            });
                        }
                        Chips::Linked(links, from) => {
                            let href = links.href(from, key, v.trim());
                            let parts = href.as_deref().map(|h| [h]);
                            chip_into(&mut rows, &v, parts.as_ref().map(|p| &p[..]))
                        }
                        _ => escape_html_into(&mut rows, &v),
                    }
                    rows.push_str("</li>");
                }
                rows.push_str("</ul></dd></div>");
            }
        }
    }
    let button = match &link {
        Some((label, url)) => format!(
            "<p class=\"polish-meta-actions\"><a class=\"polish-button\" href=\"{}\" rel=\"noopener noreferrer\">{} <span aria-hidden=\"true\">↗</span></a></p>",
            escape_html(url.trim()),
            escape_html(label)
        ),
        None => String::new(),
    };
    if summary.is_none() && rows.is_empty() && button.is_empty() {
        return (None, diags);
    }
    let id = escape_html(&format!("{id_prefix}-meta"));
    let mut html = format!(
        "<div class=\"polish-meta\" id=\"{id}\" role=\"note\" aria-label=\"About this page\">"
    );
    if let Some(s) = summary {
        html.push_str("<p class=\"polish-meta-summary\">");
        let at = html.len();
        summary_html(&mut html, s.trim(), parse);
        if let Chips::Slots { summary, .. } = &mut chips {
            **summary = html.get(at..).map(str::to_string);
        }
        html.push_str("</p>");
    }
    if !rows.is_empty() {
        let _ = write!(html, "<dl class=\"polish-meta-fields\">{rows}</dl>");
    }
    html.push_str(&button);
    html.push_str("</div>");
    (Some(html), diags)
}

/// A chip's content: its value, linked when there is an href (given in parts, which are
/// joined: a base and `#anchor` need not be made into one string first).
pub fn chip_into(out: &mut String, value: &str, href: Option<&[&str]>) {
    match href {
        Some(parts) => {
            out.push_str("<a href=\"");
            for part in parts {
                escape_html_into(out, part);
            }
            out.push_str("\">");
            escape_html_into(out, value);
            out.push_str("</a>");
        }
        None => escape_html_into(out, value),
    }
}

/// The summary as inline Markdown (code, emphasis, links), as the page's own text would be
/// rendered, appended to `out`. Everything is escaped exactly once by pulldown-cmark's HTML
/// writer; what the header must not carry is turned into text first: raw HTML (shown, not
/// interpreted), links that are not absolute http(s) (their text stays), images (their alt
/// text), line breaks (a space: the header is one line, see the module docs). A summary that
/// is not one plain paragraph (`# ...`, `- ...`, a table) is shown as escaped text, as written.
pub(crate) fn summary_html(out: &mut String, text: &str, parse: ParseOptions) {
    use crate::markdown::pulldown_cmark::{CowStr, TagEnd, html};
    let events: Vec<Event<'_>> = parser(text, parse).collect();
    let one_paragraph = matches!(events.first(), Some(Event::Start(Tag::Paragraph)))
        && matches!(events.last(), Some(Event::End(TagEnd::Paragraph)))
        && events.len() >= 2
        && !events[1..events.len() - 1].iter().any(|e| {
            matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        });
    if !one_paragraph {
        escape_html_into(out, text);
        return;
    }
    // For each open link, whether its tags are kept.
    let mut links: Vec<bool> = Vec::new();
    let inline = events[1..events.len() - 1]
        .iter()
        .cloned()
        .filter_map(|e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
            Event::SoftBreak | Event::HardBreak => Some(Event::Text(CowStr::Borrowed(" "))),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = is_safe_link(dest_url);
                links.push(keep);
                keep.then_some(e)
            }
            Event::End(TagEnd::Link) => links.pop().unwrap_or(false).then_some(e),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            Event::FootnoteReference(t) => Some(Event::Text(CowStr::from(format!("[^{t}]")))),
            other => Some(other),
        });
    let start = out.len();
    html::push_html(out, inline);
    // Text events never hold a line break here, but a raw newline would end the header's
    // HTML block early (see `escape_html_into`), so none may pass whatever the parser does.
    if out[start..].contains('\n') {
        let fixed = out[start..].replace('\n', " ");
        out.truncate(start);
        out.push_str(&fixed);
    }
}

/// A field name as a class suffix: ASCII letters and digits, anything else `-`.
fn field_class(key: &str) -> String {
    key.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

/// Where the header goes in a chapter's body, from [`insertion_point`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Byte offset of the start of a line.
    pub at: usize,
    /// The line is inside a raw HTML block (after a `<h1>` that an element opened before it
    /// still wraps). The header is then spliced in as one more line of that block, with no
    /// blank lines: a blank line would end the block and the lines after it would be parsed
    /// as Markdown instead of passed through.
    pub in_html_block: bool,
}

/// Where the header goes in `body`: just after the first top-level heading, Markdown (`#`,
/// setext) or raw HTML (`<h1>`..`<h6>`, alone or inside a wrapper such as a title `<div>`),
/// or at the start when there is none.
pub fn insertion_point(body: &str, parse: ParseOptions) -> Placement {
    match atx_heading_first(body) {
        Some(at) => Placement {
            at,
            in_html_block: false,
        },
        None => parsed_insertion_point(body, parse),
    }
}

/// The common shape, without a Markdown parse: the body's first non-blank line is an ATX
/// heading (`# Title`) at column 0. As the first block of the document it cannot belong to
/// anything else, so the header goes after that line: what [`parsed_insertion_point`] finds.
/// Parsing every chapter a second time only for this was a third of the html run's work.
fn atx_heading_first(body: &str) -> Option<usize> {
    let mut start = 0;
    for line in body.split_inclusive('\n') {
        // CommonMark's blank line: spaces and tabs only (not `str::trim`'s Unicode spaces).
        if line.trim_matches([' ', '\t', '\r', '\n']).is_empty() {
            start += line.len();
            continue;
        }
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        let after = line.as_bytes().get(hashes).copied();
        let heading = (1..=6).contains(&hashes) && matches!(after, Some(b' ' | b'\t'));
        return heading.then_some(start + line.len());
    }
    None
}

/// The offset just past the end of the line holding byte `i` of `text` (or its length).
fn next_line_start(text: &str, i: usize) -> usize {
    let i = i.min(text.len());
    match text.as_bytes().get(..i).is_some_and(|b| b.ends_with(b"\n")) {
        true => i,
        false => text[i..].find('\n').map_or(text.len(), |n| i + n + 1),
    }
}

/// [`insertion_point`] by pulldown-cmark: the first top-level heading of any kind, including
/// a raw HTML one. Docs converted from other systems often open with `<h1>` or with a title
/// block (`<div class="title"><h1>..</h1><p>..</p></div>`); a header above that title reads
/// as if it belonged to the previous page.
fn parsed_insertion_point(body: &str, parse: ParseOptions) -> Placement {
    let mut depth = 0usize;
    let top = |at| Placement {
        at,
        in_html_block: false,
    };
    for (event, range) in parser(body, parse).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) if depth == 0 => {
                // The heading's range may stop before its line ending: move to the next line.
                return top(next_line_start(body, range.end));
            }
            Event::Start(Tag::HtmlBlock) if depth == 0 => {
                let end = range.end.min(body.len());
                let block = body.get(range.start..end).unwrap_or_default();
                if let Some(after) = html_heading_end(block) {
                    let cut = range.start + after;
                    let eol = next_line_start(body, cut);
                    // More HTML on the same line after the title (pages exported as one long
                    // line: `<h1>T</h1><p>..</p><h2>..`): the header goes right after the
                    // title, inside the line, not after everything else on it.
                    if !body[cut..eol].trim().is_empty() {
                        return Placement {
                            at: cut,
                            in_html_block: true,
                        };
                    }
                    return Placement {
                        at: eol,
                        in_html_block: eol < next_line_start(body, end),
                    };
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    top(0)
}

/// Elements that never have a closing tag.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// In one raw HTML block, the offset just after the first `<h1>`..`<h6>` element and
/// whatever wraps it: when the elements open before the heading close again within the block
/// (a title `<div>`), after that closing tag; when they stay open (a `<div>` around the whole
/// page), right after the heading's closing tag. `None` when the block has no heading, or the
/// heading does not close within it.
///
/// A small tag scanner, not an HTML parser: it only needs tag names and nesting, and skips
/// comments, quoted attribute values, void and self-closing elements. Linear in the block.
fn html_heading_end(block: &str) -> Option<usize> {
    let bytes = block.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    // Depth of the heading's own element, once seen, and the offset after it closed.
    let mut heading: Option<usize> = None;
    let mut closed_at: Option<usize> = None;
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + lt;
        let rest = &block[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(block.len(), |n| start + n + 3);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let name = &block[name_start..name_start + name_len];
        let end = tag_end(bytes, name_start + name_len);
        i = end;
        let self_closing = bytes.get(..end).is_some_and(|b| b.ends_with(b"/>"));
        if closing {
            if let Some(pos) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                open.truncate(pos);
            }
            match (heading, closed_at) {
                (Some(d), None) if open.len() <= d => {
                    closed_at = Some(end);
                    if open.is_empty() {
                        return Some(end);
                    }
                }
                (Some(_), Some(_)) if open.is_empty() => return Some(end),
                _ => {}
            }
        } else if !self_closing && !VOID_ELEMENTS.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            let is_heading = name.len() == 2
                && name.as_bytes()[0].eq_ignore_ascii_case(&b'h')
                && (b'1'..=b'6').contains(&name.as_bytes()[1]);
            if is_heading && heading.is_none() {
                heading = Some(open.len());
            }
            open.push(name);
        }
    }
    closed_at
}

/// The offset after the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values (which may hold `>`); the end of the text when it never closes.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// The text to splice into `body` at `place` (from [`insertion_point`]): blank lines around
/// the block so it is a raw HTML block of its own whatever follows, and no more than needed;
/// inside a raw HTML block, one more line of it.
pub fn splice_text(html: &str, body: &str, place: Placement) -> String {
    let at = place.at;
    if place.in_html_block {
        // Mid-line (after a title that more HTML follows on its line): no line break at all.
        if at > 0 && !body[..at].ends_with('\n') {
            return html.to_string();
        }
        // A CRLF chapter gets `\r\n` from the pipeline, as every inserted line does.
        return format!("{html}\n");
    }
    let before = if at == 0 || body[..at].ends_with("\n\n") {
        ""
    } else if body[..at].ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let rest = &body[at..];
    let after = if rest.starts_with('\n') || rest.starts_with("\r\n") {
        "\n"
    } else {
        "\n\n"
    };
    format!("{before}{html}{after}")
}

/// Makes an id prefix from a chapter path: `guide/intro.md` → `polish-guide-intro`.
pub fn id_prefix(path: &str) -> String {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let mut out = String::from("polish");
    let mut dash = true;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            if dash {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// The no-parse path agrees with pulldown-cmark wherever it answers, and leaves every
    /// other shape to the parse.
    #[test]
    fn atx_fast_path_agrees_with_the_parser() {
        let bodies = [
            "# Title\n\nText.\n",
            "\n\n# Title\n\nText.\n",
            "  \t\n###### Six\nText\n",
            "# Title",
            "# Title\r\n\r\nText\r\n",
            "#\tTab title\n",
            "#NoSpace\n\n# Real\n",
            "####### Seven\n\n# Real\n",
            "Title\n=====\n\nText\n",
            "    # indented code\n\n# Real\n",
            "> # quoted\n\n# Real\n",
            "<!-- c -->\n# After comment\n",
            "\u{a0}\n# After nbsp line\n",
            "Text first.\n\n# Later\n",
            "",
            "\n\n",
            "- # in a list\n",
        ];
        for body in bodies {
            let parsed = parsed_insertion_point(body, ParseOptions::default());
            if let Some(fast) = atx_heading_first(body) {
                assert_eq!(fast, parsed.at, "{body:?}");
                assert!(!parsed.in_html_block);
            }
            assert_eq!(
                insertion_point(body, ParseOptions::default()),
                parsed,
                "{body:?}"
            );
        }
        assert_eq!(atx_heading_first("\n# T\nx"), Some(5));
        assert_eq!(atx_heading_first("\u{a0}\n# T\n"), None);
    }

    use super::*;
    use crate::frontmatter::{Entry, Limits, Value};

    fn s(v: &str) -> Node {
        Node {
            value: Value::Str(v.into()),
            span: 0..0,
        }
    }

    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node {
            value: Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Entry {
                        key: s(k),
                        value: v,
                    })
                    .collect(),
            ),
            span: 0..0,
        }
    }

    #[test]
    fn diagnostics_match_what_render_reports() {
        let cfg = HeaderConfig::default();
        for figma in [
            "javascript:alert(1)",
            "https://example.com/x",
            "  ",
            "http://",
            "ftp://a",
        ] {
            let data = map(vec![("summary", s("x")), ("figma", s(figma))]);
            let (_, from_render) = render(&data, &cfg, "p", ParseOptions::default(), Chips::Plain);
            let alone = diagnostics(&data, &cfg);
            assert_eq!(
                format!("{alone:?}"),
                format!("{from_render:?}"),
                "figma = {figma:?}"
            );
        }
        let data = map(vec![("figma", s("data:x"))]);
        assert_eq!(diagnostics(&data, &cfg).len(), 1);
    }

    /// Slots filled later give the same header as links known up front, whatever the
    /// values: linked, not on the index, escaped, on a page nested anywhere.
    #[test]
    fn filled_slots_are_the_linked_header() {
        use crate::collection::{ChipLinks, fill_chip_slots};
        let seq = |vals: &[&str]| Node {
            value: Value::Seq(vals.iter().map(|v| s(v)).collect()),
            span: 0..0,
        };
        let data = map(vec![
            ("summary", s("A *short* page")),
            ("tags", seq(&["alpha", " beta ", "<b>&", "not listed"])),
            ("audience", seq(&["devs"])),
            ("platform-version", s("o11")),
        ]);
        let mut links = ChipLinks::default();
        links.keys.insert(
            "tags".into(),
            (
                "ref/tags.md".into(),
                [
                    ("alpha".to_string(), "tags-alpha".to_string()),
                    ("beta".to_string(), "tags-beta".to_string()),
                    ("<b>&".to_string(), "tags-b".to_string()),
                ]
                .into(),
            ),
        );
        links.keys.insert(
            "audience".into(),
            ("aud.md".into(), std::collections::HashMap::new()),
        );
        let keys = ["tags".to_string(), "audience".to_string()];
        let cfg = HeaderConfig::default();
        let slotted = || {
            let mut slots = Vec::new();
            let (html, diags) = render(
                &data,
                &cfg,
                "p",
                ParseOptions::default(),
                Chips::Slots {
                    keys: &keys,
                    slots: &mut slots,
                    summary: &mut None,
                },
            );
            (html, diags, slots)
        };
        for from in ["intro.md", "ref/tags.md", "guide/deep/page.md"] {
            let (linked, d1) = render(
                &data,
                &cfg,
                "p",
                ParseOptions::default(),
                Chips::Linked(&links, from),
            );
            let (slotted, d2, slots) = slotted();
            let (linked, mut slotted) = (linked.unwrap(), slotted.unwrap());
            assert_eq!(slots.len(), 5, "one slot per chip of an indexed key");
            assert_eq!(slotted.matches(SLOT).count(), 5);
            assert!(fill_chip_slots(&mut slotted, &slots, &links, from));
            assert_eq!(slotted, linked, "from {from}");
            assert_eq!(format!("{d1:?}"), format!("{d2:?}"));
            assert!(linked.contains("#tags-alpha\">alpha</a>"), "{linked}");
            assert!(linked.contains("<li>not listed</li>"), "{linked}");
            assert!(linked.contains("&lt;b&gt;&amp;</a>"), "{linked}");
        }
        // A text that carries the slot character itself is refused, unchanged.
        let (slotted, _, slots) = slotted();
        let mut text = format!("{}\n\nodd \u{1} text\n", slotted.unwrap());
        let before = text.clone();
        assert!(!fill_chip_slots(&mut text, &slots, &links, "intro.md"));
        assert_eq!(text, before);
    }

    #[test]
    fn escape_copies_runs_and_replaces_every_special_character() {
        // A character-by-character reference, against the run-copying version.
        let reference = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    '\n' | '\r' => " ".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for s in [
            "",
            "plain",
            "&",
            "é&ü<日>\"'\r\nend",
            "<script>alert('x')</script>",
            "tail é",
            "ÿ\"",
            "a&&b",
        ] {
            assert_eq!(escape_html(s), reference(s), "{s:?}");
            let mut out = String::from("kept:");
            escape_html_into(&mut out, s);
            assert_eq!(out, format!("kept:{}", reference(s)));
        }
    }

    #[test]
    fn escapes_every_value_and_refuses_script_links() {
        let data = map(vec![
            ("summary", s("<script>alert(1)</script> & more")),
            (
                "audience",
                Node {
                    value: Value::Seq(vec![s("architects"), s("<b>x</b>")]),
                    span: 0..0,
                },
            ),
            (
                "figma",
                Node {
                    value: Value::Str("javascript:alert(1)".into()),
                    span: 5..9,
                },
            ),
        ]);
        let (html, diags) = render(
            &data,
            &HeaderConfig::default(),
            "polish-a",
            ParseOptions::default(),
            Chips::Plain,
        );
        let html = html.unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(
            html.contains("javascript:alert(1)"),
            "the value is still shown as text"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, UNSAFE_LINK);
        assert_eq!(diags[0].span, 5..9);
        assert!(!html.contains("\n\n"), "one raw HTML block");
    }

    /// The summary is inline Markdown, escaped exactly once, with nothing a reader's browser
    /// would run or resolve against the page.
    #[test]
    fn summary_is_inline_markdown_escaped_once() {
        let summary = |text: &str| {
            let mut out = String::new();
            summary_html(&mut out, text, ParseOptions::default());
            out
        };
        assert_eq!(
            summary("Use `cfg.limit` with *care* and **no** guessing."),
            "Use <code>cfg.limit</code> with <em>care</em> and <strong>no</strong> guessing."
        );
        assert_eq!(
            summary("See [the guide](https://example.org/a?b=1&c=2)."),
            "See <a href=\"https://example.org/a?b=1&amp;c=2\">the guide</a>."
        );
        // Once: `&`, `<` and an entity come out as one escape each, never `&amp;lt;`.
        assert_eq!(summary("A & B < C &amp; D"), "A &amp; B &lt; C &amp; D");
        assert_eq!(
            summary("`a < b && c`"),
            "<code>a &lt; b &amp;&amp; c</code>"
        );
        // Raw HTML is shown as text; unsafe and relative links keep only their text.
        assert_eq!(
            summary("<img src=x onerror=alert(1)> hi"),
            "&lt;img src=x onerror=alert(1)&gt; hi"
        );
        assert_eq!(summary("[click](javascript:alert(1)) now"), "click now");
        assert_eq!(summary("[next](other.md) page"), "next page");
        assert_eq!(summary("![a diagram](d.png) inside"), "a diagram inside");
        // A summary that is not one paragraph is kept as written, escaped.
        assert_eq!(summary("# Not a title"), "# Not a title");
        assert_eq!(summary("- a list <b>"), "- a list &lt;b&gt;");
        // Never a line break: the header is one line of HTML.
        assert_eq!(summary("one\ntwo  \nthree"), "one two three");
        // Smart punctuation as on the page.
        assert_eq!(summary("It's \"quoted\""), "It’s “quoted”");
    }

    #[test]
    fn https_link_becomes_a_button_and_order_follows_config() {
        let data = map(vec![
            (
                "figma",
                s("https://www.figma.com/design/abc?node-id=1-2&t=x"),
            ),
            ("platform-version", s("o11")),
            ("tags", s("alpha, beta")),
        ]);
        let (html, diags) = render(
            &data,
            &HeaderConfig::default(),
            "p",
            ParseOptions::default(),
            Chips::Plain,
        );
        let html = html.unwrap();
        assert!(diags.is_empty());
        assert!(html.contains("href=\"https://www.figma.com/design/abc?node-id=1-2&amp;t=x\""));
        assert!(html.find("Platform").unwrap() < html.find("alpha").unwrap());
        assert!(html.contains("<li>beta</li>"));
        let cfg = HeaderConfig {
            fields: vec!["tags".into()],
            labels: [("tags".to_string(), "Keywords".to_string())].into(),
        };
        let (html, _) = render(&data, &cfg, "p", ParseOptions::default(), Chips::Plain);
        let html = html.unwrap();
        assert!(html.contains("Keywords") && !html.contains("Platform") && !html.contains("figma"));
    }

    #[test]
    fn nothing_to_show_is_no_header() {
        let data = map(vec![
            ("guid", s("x")),
            (
                "figma",
                Node {
                    value: Value::Null,
                    span: 0..0,
                },
            ),
        ]);
        assert_eq!(
            render(
                &data,
                &HeaderConfig::default(),
                "p",
                ParseOptions::default(),
                Chips::Plain
            )
            .0,
            None
        );
        let _ = Limits::default();
    }

    #[test]
    fn link_safety() {
        assert!(is_safe_link("https://example.com/x"));
        assert!(is_safe_link("HTTP://example.com"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil",
            "https://",
            "ftp://x",
            "https://a b",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    #[test]
    fn header_goes_after_the_first_heading() {
        let at = |body: &str| insertion_point(body, ParseOptions::default()).at;
        assert_eq!(at("# Title\nText\n"), 8);
        assert_eq!(at("Title\n=====\n\nText"), 12);
        assert_eq!(at("No heading here.\n"), 0);
        assert_eq!(at("> # quoted\n"), 0);
        assert_eq!(id_prefix("guide/Intro page.md"), "polish-guide-intro-page");
    }

    /// Placement after a raw HTML title: the shapes of pages converted from other systems.
    #[test]
    fn header_goes_after_a_raw_html_heading() {
        let place = |body: &str| insertion_point(body, ParseOptions::default());
        let after = |body: &str, marker: &str| body.find(marker).unwrap() + marker.len();
        let outside = |at| Placement {
            at,
            in_html_block: false,
        };
        let inside = |at| Placement {
            at,
            in_html_block: true,
        };
        // A bare `<h1>` line, in any case, with attributes.
        let b = "<h1>Title</h1>\n\nText.\n";
        assert_eq!(place(b), outside(after(b, "</h1>\n")));
        // Text right under it belongs to the same HTML block: one more line of it.
        let b = "\n<H1 class=\"t\" id='x>y'>Title</H1>\nText.\n";
        assert_eq!(place(b), inside(after(b, "</H1>\n")));
        // A heading over two lines.
        let b = "<h2>\nLong title\n</h2>\n\nText.\n";
        assert_eq!(place(b), outside(after(b, "</h2>\n")));
        // A title block: after the wrapper, which closes within the block.
        let b = "<div class=\"title\">\n<img src=\"i.png\">\n<h1>Title</h1>\n<p>Sub</p>\n</div>\n\nText.\n";
        assert_eq!(place(b), outside(after(b, "</div>\n")));
        // No blank line after it: `Text.` is still part of the HTML block, so the header is
        // one more line of that block.
        let b = "<div class=\"title\"><h1>Title</h1></div>\nText.\n";
        assert_eq!(place(b), inside(after(b, "</div>\n")));
        // A wrapper that stays open (the whole page in a `<div>`): right after the heading,
        // as a line of the same HTML block.
        let b = "<div class=\"page\">\n<h1>Title</h1>\n<p>Intro</p>\n\nMore.\n\n</div>\n";
        assert_eq!(place(b), inside(after(b, "</h1>\n")));
        // Comments and void elements do not confuse the nesting.
        let b = "<div><!-- <h1>not this</h1> --><br><hr/>\n<h1>T</h1>\n</div>\n\n# Later\n";
        assert_eq!(place(b), outside(after(b, "</div>\n")));
        // An HTML block with no heading does not stop the search.
        let b = "<div class=\"banner\">Beta</div>\n\n# Title\n\nText.\n";
        assert_eq!(place(b), outside(after(b, "# Title\n")));
        // A Markdown heading first wins over a later HTML one.
        let b = "Intro.\n\n## First\n\n<h1>Second</h1>\n";
        assert_eq!(place(b), outside(after(b, "## First\n")));
        // A page exported as one long line of HTML: right after the title, within the line.
        let b = "<h1>Title</h1><p><br/></p><h2>Next</h2><p>Text\n\nMore.\n";
        assert_eq!(place(b), inside(after(b, "</h1>")));
        let b = "<div class=\"t\"><h1>T</h1></div><p>x</p>\n";
        assert_eq!(place(b), inside(after(b, "</div>")));
        // Only spaces after it: the next line, as usual.
        let b = "<h1>T</h1>  \n\nText.\n";
        assert_eq!(place(b), outside(after(b, "</h1>  \n")));
        // An unclosed heading is not a place to put anything.
        assert_eq!(place("<h1>Title\n\nText.\n"), outside(0));
        // HTML inside a list or quote is not the page's title.
        assert_eq!(place("> <h1>Quoted</h1>\n"), outside(0));
    }

    #[test]
    fn splicing_inside_an_html_block_adds_no_blank_line() {
        let b = "<div>\n<h1>T</h1>\n<p>x</p>\n\n</div>\n";
        let p = insertion_point(b, ParseOptions::default());
        assert!(p.in_html_block);
        assert_eq!(splice_text("<div>H</div>", b, p), "<div>H</div>\n");
        let b = "<h1>T</h1><p>x</p>\n";
        let p = insertion_point(b, ParseOptions::default());
        assert_eq!(splice_text("<div>H</div>", b, p), "<div>H</div>");
        let b = "<h1>T</h1>\n\nText.\n";
        let p = insertion_point(b, ParseOptions::default());
        assert_eq!(splice_text("<div>H</div>", b, p), "\n<div>H</div>\n");
    }
}
