//! `mdbook-polish install`: add the preprocessor and the stylesheet to a book.
//!
//! Edits `book.toml` with `toml_edit` so the user's comments, ordering and formatting survive,
//! and writes `polish.css` beside it. Running it twice changes nothing and says so; running it
//! after an upgrade refreshes the stylesheet, unless the user edited it: that copy is left
//! alone (and said so) unless `--force`, which keeps it as `polish.css.bak`.

use std::path::Path;

use anyhow::{Context as _, bail};
use toml_edit::{Array, DocumentMut, Item, Table, value};

use crate::workspace::{STYLESHEET, stylesheet, stylesheet_is_pristine};

/// Adds mdbook-polish to the book at `book_dir`. Returns a sentence saying what changed.
/// `force` replaces a `polish.css` the user edited, keeping it as `polish.css.bak`.
pub fn install(book_dir: &Path, force: bool) -> anyhow::Result<String> {
    let toml_path = book_dir.join("book.toml");
    let text = std::fs::read_to_string(&toml_path).with_context(|| {
        format!(
            "no readable book.toml in {}; is this an mdBook root?",
            book_dir.display()
        )
    })?;
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", toml_path.display()))?;
    let mut done = Vec::new();
    let mut notes = Vec::new();

    // [preprocessor.polish], after mdBook's `links` so {{#include}}d text is processed too.
    let pre = doc.entry("preprocessor").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let Some(pre) = pre.as_table_like_mut() else {
        bail!("`preprocessor` in book.toml is not a table")
    };
    if !pre.contains_key("polish") {
        let mut t = Table::new();
        let mut after = Array::new();
        after.push("links");
        t.insert("after", value(after));
        pre.insert("polish", Item::Table(t));
        done.push("added [preprocessor.polish] to book.toml");
    } else if let Some(polish) = pre.get_mut("polish").and_then(Item::as_table_like_mut) {
        // An existing table keeps every key; it only gains `links` in `after`, without which
        // text from `{{#include}}` reaches mdbook-polish unexpanded (or not at all).
        match polish.get_mut("after") {
            None => {
                let mut after = Array::new();
                after.push("links");
                polish.insert("after", value(after));
                done.push("added after = [\"links\"] to [preprocessor.polish]");
            }
            Some(item) => match item.as_array_mut() {
                Some(arr) if !arr.iter().any(|v| v.as_str() == Some("links")) => {
                    arr.push("links");
                    done.push("added \"links\" to [preprocessor.polish] after");
                }
                Some(_) => {}
                None => bail!("`preprocessor.polish.after` in book.toml is not a list"),
            },
        }
    } else {
        bail!("`preprocessor.polish` in book.toml is not a table");
    }

    // output.html.additional-css, unless the book deliberately builds no html.
    let has_output = doc.contains_key("output");
    let output = doc.entry("output").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let Some(output) = output.as_table_like_mut() else {
        bail!("`output` in book.toml is not a table")
    };
    if has_output && !output.contains_key("html") {
        notes.push("the book has no [output.html], so the stylesheet is not linked".to_string());
    } else {
        let html = output.entry("html").or_insert(Item::Table(Table::new()));
        let Some(html) = html.as_table_like_mut() else {
            bail!("`output.html` in book.toml is not a table")
        };
        let css = html.entry("additional-css").or_insert(value(Array::new()));
        let Some(arr) = css.as_array_mut() else {
            bail!("`output.html.additional-css` is not an array")
        };
        if !arr.iter().any(|v| {
            v.as_str()
                .is_some_and(|s| Path::new(s).file_name().is_some_and(|n| n == STYLESHEET))
        }) {
            arr.push(STYLESHEET);
            done.push("linked polish.css in output.html.additional-css");
        }
    }

    let new_text = doc.to_string();
    if new_text != text {
        std::fs::write(&toml_path, new_text)
            .with_context(|| format!("could not write {}", toml_path.display()))?;
    }
    let css_path = book_dir.join(STYLESHEET);
    let css = stylesheet();
    match std::fs::read_to_string(&css_path) {
        Ok(old) if old == css => {}
        // A copy an earlier install wrote and nobody changed: refresh it.
        Ok(old) if stylesheet_is_pristine(&old) => {
            std::fs::write(&css_path, &css)
                .with_context(|| format!("could not write {}", css_path.display()))?;
            done.push("updated polish.css");
        }
        Ok(old) if force => {
            let backup = book_dir.join(format!("{STYLESHEET}.bak"));
            std::fs::write(&backup, old)
                .with_context(|| format!("could not write {}", backup.display()))?;
            std::fs::write(&css_path, &css)
                .with_context(|| format!("could not write {}", css_path.display()))?;
            done.push("replaced polish.css (your copy is polish.css.bak)");
        }
        Ok(_) => notes.push(
            "polish.css differs from what mdbook-polish wrote (edited, or from an older version), so it was left as it is; `mdbook-polish install --force` replaces it and keeps your copy as polish.css.bak".to_string(),
        ),
        Err(_) => {
            std::fs::write(&css_path, &css)
                .with_context(|| format!("could not write {}", css_path.display()))?;
            done.push("wrote polish.css");
        }
    }
    let mut msg = if done.is_empty() {
        format!(
            "mdbook-polish {} is already installed in {}; nothing changed",
            crate::VERSION,
            book_dir.display()
        )
    } else {
        format!("{}: {}", book_dir.display(), done.join("; "))
    };
    for n in notes {
        msg.push_str(&format!("\nnote: {n}"));
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let original = "# My book\n[book]\ntitle = \"T\" # the title\n\n[output.html]\ndefault-theme = \"navy\"\n";
        std::fs::write(dir.path().join("book.toml"), original).unwrap();
        let first = install(dir.path(), false).unwrap();
        assert!(first.contains("added [preprocessor.polish]"), "{first}");
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        assert!(
            toml.starts_with("# My book\n[book]\ntitle = \"T\" # the title\n"),
            "{toml}"
        );
        assert!(toml.contains("default-theme = \"navy\""));
        assert!(toml.contains("additional-css = [\"polish.css\"]"), "{toml}");
        assert!(
            toml.contains("[preprocessor.polish]\nafter = [\"links\"]"),
            "{toml}"
        );
        let css = std::fs::read_to_string(dir.path().join("polish.css")).unwrap();
        assert_eq!(
            crate::workspace::stylesheet_version(&css),
            Some(crate::VERSION)
        );
        let second = install(dir.path(), false).unwrap();
        assert!(second.contains("nothing changed"), "{second}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
            toml
        );
    }

    #[test]
    fn old_stylesheet_is_refreshed_and_markdown_only_books_are_respected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\n[output.markdown]\n").unwrap();
        // What an older install wrote, untouched: its digest matches its body.
        let body = ".polish-meta { color: red }\n";
        let old = format!("{}\n{body}", stylesheet_of(body));
        assert!(stylesheet_is_pristine(&old));
        std::fs::write(dir.path().join("polish.css"), old).unwrap();
        let msg = install(dir.path(), false).unwrap();
        assert!(
            msg.contains("updated polish.css") && msg.contains("no [output.html]"),
            "{msg}"
        );
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        assert!(!toml.contains("output.html"), "{toml}");
    }

    /// The banner of a stylesheet whose body is `body`, as `stylesheet` would write it.
    fn stylesheet_of(body: &str) -> String {
        use sha2::Digest as _;
        let digest: String = sha2::Sha256::digest(body.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("/* mdbook-polish x stylesheet. body-sha256:{digest} */")
    }

    #[test]
    fn an_edited_stylesheet_is_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\n").unwrap();
        install(dir.path(), false).unwrap();
        let css_path = dir.path().join("polish.css");
        let edited = format!("{}\n.polish-meta {{ border: 0 }}\n", stylesheet());
        std::fs::write(&css_path, &edited).unwrap();
        let msg = install(dir.path(), false).unwrap();
        assert!(
            msg.contains("left as it is") && msg.contains("--force"),
            "{msg}"
        );
        assert_eq!(std::fs::read_to_string(&css_path).unwrap(), edited);
        // A hand-written file with no banner at all is the user's too.
        std::fs::write(&css_path, "body { color: red }\n").unwrap();
        assert!(
            install(dir.path(), false)
                .unwrap()
                .contains("left as it is")
        );
        let msg = install(dir.path(), true).unwrap();
        assert!(msg.contains("polish.css.bak"), "{msg}");
        assert_eq!(std::fs::read_to_string(&css_path).unwrap(), stylesheet());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("polish.css.bak")).unwrap(),
            "body { color: red }\n"
        );
    }

    #[test]
    fn an_existing_polish_table_gains_links_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "[book]\n\n[preprocessor.polish]\n# ours\non-failure = \"error\"\n";
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let msg = install(dir.path(), false).unwrap();
        assert!(msg.contains("after = [\"links\"]"), "{msg}");
        let new = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        assert!(new.contains("# ours\non-failure = \"error\"\n"), "{new}");
        assert!(new.contains("after = [\"links\"]"), "{new}");
        let toml = "[book]\n\n[preprocessor.polish]\nafter = [\"index\"]\n";
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        install(dir.path(), false).unwrap();
        let new = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        assert!(new.contains("after = [\"index\", \"links\"]"), "{new}");
        assert!(
            install(dir.path(), false)
                .unwrap()
                .contains("nothing changed")
        );
    }

    #[test]
    fn missing_book_toml_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = install(dir.path(), false).unwrap_err();
        assert!(format!("{e:#}").contains("is this an mdBook root"), "{e:#}");
    }
}
