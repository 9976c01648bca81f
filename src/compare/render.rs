//! Writing the component: HTML lines with Markdown islands.
//!
//! mdBook renders Markdown inside raw HTML only when a blank line separates it from the tags,
//! and its HTML tree builder (0.5) warns when a raw tag is still open as a Markdown element
//! ends. So every tag line stands on its own, every island (title, description, bullet,
//! label, figure) is one paragraph between blank lines, and the whole component opens and
//! closes inside the container that held the table. Islands stay Markdown so mdBook still
//! rewrites `.md` links, highlights code and numbers footnotes.

use super::items::{Block, Item};
use crate::header::escape_html;

/// Output lines, before the container prefix is applied.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    lines: Vec<String>,
}

impl Doc {
    fn html(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// A Markdown paragraph with blank lines around it.
    fn island(&mut self, md: &str) {
        self.blank();
        self.lines.push(md.to_string());
        self.lines.push(String::new());
    }

    /// Joins the lines. The first line replaces the table in place (its container prefix is
    /// already in the text); later lines get `prefix`, blank ones its trimmed form (`>` in a
    /// quote, nothing in a list). `blank_after` adds a blank line so that what follows the
    /// table is not swallowed by the last HTML block.
    pub(crate) fn finish(self, prefix: &str, blank_after: bool) -> String {
        let blank_prefix = prefix.trim_end();
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(if line.is_empty() {
                    blank_prefix
                } else {
                    prefix
                });
            }
            out.push_str(line);
        }
        if blank_after {
            out.push('\n');
            out.push_str(blank_prefix);
        }
        out
    }
}

/// One side of a comparison.
#[derive(Debug, Clone)]
pub(crate) struct Side {
    /// The header cell as Markdown (the visible name of the side).
    pub label: String,
    /// The header's visible text, repeated on each side of a pair on narrow screens.
    pub name: String,
    /// Whether this is the "pro" side (icon and accent).
    pub pro: bool,
    /// Items per body row.
    pub rows: Vec<Vec<Item>>,
}

impl Side {
    fn class(&self) -> &'static str {
        if self.pro {
            "polish-compare-pro"
        } else {
            "polish-compare-con"
        }
    }

    fn icon(&self) -> &'static str {
        if self.pro { "\u{2713}" } else { "\u{2717}" }
    }

    fn label_id(&self, base: &str) -> String {
        format!("{base}-{}", if self.pro { "pro" } else { "con" })
    }
}

fn icon_span(icon: &str) -> String {
    // No class (one per item adds up in mdBook's page trees): compare.css finds the icon as
    // the aria-hidden span that opens a label or an item.
    format!(r#"<span aria-hidden="true">{icon}</span>"#)
}

fn label(doc: &mut Doc, side: &Side, base: &str, extra_class: &str) {
    doc.html(format!(
        r#"<div class="polish-compare-label{extra_class}" id="{}">{}"#,
        side.label_id(base),
        icon_span(side.icon())
    ));
    doc.island(&side.label);
    doc.html("</div>");
}

fn blocks(doc: &mut Doc, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Text(md) => doc.island(md),
            Block::Bullets(list) => {
                doc.html(r#"<ul class="polish-compare-bullets">"#);
                for md in list {
                    doc.html("<li>");
                    doc.island(md);
                    doc.html("</li>");
                }
                doc.html("</ul>");
            }
        }
    }
}

fn title(doc: &mut Doc, md: &str) {
    // No class: the title is the `div` right after the item's icon (see compare.css).
    doc.html("<div>");
    doc.island(md);
    doc.html("</div>");
}

fn item_list<'a>(doc: &mut Doc, side: &Side, items: impl Iterator<Item = &'a Item>) {
    // The list, its items and their titles carry no class (compare.css styles them by
    // position under `.polish-compare-side`): mdBook keeps every page's HTML tree in memory
    // while it renders a book, each attribute costs it allocations, and items are most of a
    // component's elements.
    doc.html("<ul>");
    for item in items {
        doc.html(format!("<li>{}", icon_span(side.icon())));
        if let Some(t) = &item.title {
            title(doc, t);
        }
        blocks(doc, &item.blocks);
        doc.html("</li>");
    }
    doc.html("</ul>");
}

/// Opens a side's group. In a pair, `data-side` carries the side's name: on a narrow
/// screen the pairs stack and the header row is far away, so compare.css shows the name at
/// the top of each side (as generated content with empty alternative text, so that a
/// screen reader, which already hears it as the group's name, does not hear it twice).
/// Colour and the icon alone would not say which side an item is on.
fn group_open(doc: &mut Doc, side: &Side, base: &str, in_pair: bool) {
    let name = if in_pair {
        format!(r#" data-side="{}""#, escape_html(&side.name))
    } else {
        String::new()
    };
    doc.html(format!(
        r#"<div class="polish-compare-side {}" role="group" aria-labelledby="{}"{name}>"#,
        side.class(),
        side.label_id(base)
    ));
}

/// A comparison. `paired`: rows are pairs (a shared header row, then one pair of groups per
/// row, so that a reader meets each benefit next to its burdens); otherwise two independent
/// lists, each under its own label.
pub(crate) fn comparison(base: &str, sides: &[Side; 2], paired: bool) -> Doc {
    let mut doc = Doc::default();
    let kind = if paired { "paired" } else { "lists" };
    doc.html(format!(
        r#"<div class="polish-compare polish-compare-{kind}" id="{base}">"#
    ));
    if paired {
        doc.html(r#"<div class="polish-compare-head">"#);
        for side in sides {
            label(&mut doc, side, base, &format!(" {}", side.class()));
        }
        doc.html("</div>");
        let rows = sides.iter().map(|s| s.rows.len()).max().unwrap_or(0);
        for r in 0..rows {
            let cells: Vec<&[Item]> = sides
                .iter()
                .map(|s| s.rows.get(r).map_or(&[][..], Vec::as_slice))
                .collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            doc.html(r#"<div class="polish-compare-pair">"#);
            for (side, items) in sides.iter().zip(cells) {
                group_open(&mut doc, side, base, true);
                item_list(&mut doc, side, items.iter());
                doc.html("</div>");
            }
            doc.html("</div>");
        }
    } else {
        for side in sides {
            group_open(&mut doc, side, base, false);
            label(&mut doc, side, base, "");
            item_list(&mut doc, side, side.rows.iter().flatten());
            doc.html("</div>");
        }
    }
    doc.html("</div>");
    doc
}

/// One cell of a layout table.
#[derive(Debug, Clone)]
pub(crate) enum MediaCell {
    /// Text, split into items.
    Text(Vec<Item>),
    /// An image cell, as Markdown source.
    Figure(String),
}

/// A layout table (text beside an image) as a titled group of media rows.
pub(crate) fn media(base: &str, title_md: &str, rows: &[Vec<MediaCell>]) -> Doc {
    let mut doc = Doc::default();
    // A layout table whose header row is empty (`||` over `|--|--|`, common when the table
    // only places text beside a picture) has no title: an empty title bar would show as a
    // coloured strip with nothing in it, and a group labelled by nothing is worse than an
    // unlabelled one.
    if title_md.trim().is_empty() {
        doc.html(format!(
            r#"<div class="polish-compare-media" id="{base}" role="group">"#
        ));
    } else {
        let title_id = format!("{base}-title");
        doc.html(format!(
            r#"<div class="polish-compare-media" id="{base}" role="group" aria-labelledby="{title_id}">"#
        ));
        doc.html(format!(
            r#"<div class="polish-compare-media-title" id="{title_id}">"#
        ));
        doc.island(title_md);
        doc.html("</div>");
    }
    for row in rows {
        doc.html(r#"<div class="polish-compare-media-row">"#);
        for cell in row {
            match cell {
                MediaCell::Text(items) => {
                    doc.html(r#"<div class="polish-compare-media-text">"#);
                    for item in items {
                        if let Some(t) = &item.title {
                            title(&mut doc, t);
                        }
                        blocks(&mut doc, &item.blocks);
                    }
                    doc.html("</div>");
                }
                MediaCell::Figure(md) => {
                    doc.html(r#"<div class="polish-compare-media-figure">"#);
                    doc.island(md);
                    doc.html("</div>");
                }
            }
        }
        doc.html("</div>");
    }
    doc.html("</div>");
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(pro: bool, rows: Vec<Vec<Item>>) -> Side {
        Side {
            label: if pro { "Pros".into() } else { "Cons".into() },
            name: if pro {
                "Pros & \"more\"".into()
            } else {
                "Cons".into()
            },
            pro,
            rows,
        }
    }

    fn item(t: &str, d: &str) -> Item {
        Item {
            title: Some(format!("**{t}**")),
            blocks: vec![Block::Text(d.into())],
        }
    }

    #[test]
    fn islands_are_separated_and_tags_balance() {
        let sides = [
            side(true, vec![vec![item("A", "a")], vec![item("B", "b")]]),
            side(false, vec![vec![item("C", "c")], vec![]]),
        ];
        for paired in [true, false] {
            let out = comparison("x-polish-compare-1", &sides, paired).finish("", false);
            for (i, line) in out.lines().enumerate() {
                if line.starts_with("**") || line.len() == 1 {
                    let lines: Vec<&str> = out.lines().collect();
                    assert_eq!(lines.get(i - 1), Some(&""), "{out}");
                    assert_eq!(lines.get(i + 1), Some(&""), "{out}");
                }
            }
            for tag in ["div", "ul", "li"] {
                let opens = out.matches(&format!("<{tag}")).count();
                let closes = out.matches(&format!("</{tag}>")).count();
                assert_eq!(opens, closes, "{tag} in {out}");
            }
            assert!(out.contains(r#"aria-labelledby="x-polish-compare-1-pro""#));
            assert!(out.contains(r#"id="x-polish-compare-1-con""#));
            // Only sides in a pair repeat their name (escaped); a list has its label.
            assert_eq!(
                out.contains(r#"data-side="Pros &amp; &quot;more&quot;""#),
                paired,
                "{out}"
            );
            assert_eq!(
                out.matches("data-side=").count(),
                if paired { 4 } else { 0 }
            );
        }
    }

    #[test]
    fn media_without_header_text_has_no_title_bar() {
        let rows = vec![vec![
            MediaCell::Text(vec![item("A", "a")]),
            MediaCell::Figure("![x](x.png)".into()),
        ]];
        for blank in ["", "  "] {
            let out = media("m", blank, &rows).finish("", false);
            assert!(!out.contains("polish-compare-media-title"), "{out}");
            assert!(!out.contains("aria-labelledby"), "{out}");
            assert!(out.contains("polish-compare-media-figure"), "{out}");
        }
        let titled = media("m", "**Shared schema**", &rows).finish("", false);
        assert!(titled.contains(r#"aria-labelledby="m-title""#), "{titled}");
        assert!(titled.contains(r#"class="polish-compare-media-title" id="m-title""#));
    }

    #[test]
    fn prefix_goes_on_every_later_line() {
        let sides = [side(true, vec![vec![item("A", "a")]]), side(false, vec![])];
        let out = comparison("c", &sides, false).finish("> ", true);
        let mut lines = out.lines();
        assert!(lines.next().is_some_and(|l| l.starts_with("<div")));
        for l in lines {
            assert!(l == ">" || l.starts_with("> "), "{l:?} in {out}");
        }
        assert!(out.ends_with("\n>"));
    }
}
