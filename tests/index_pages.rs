//! Index pages, linked chips, related pages and drafts (issue 21), end to end: the real
//! `mdbook` 0.5 binary runs the real `mdbook-polish` over a book with nested chapters, a
//! `README.md` (which mdBook renders as `index.html`), a draft section and two renderers.
//! Every link the feature emits is followed to a file and an element id that exist, on the
//! chapters' pages and on the print page; the search index and the print page hold the index;
//! drafts are nowhere. Fails (not skips) without mdBook, like `tests/e2e.rs`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::write;
use scraper::{Html, Selector};

const POLISH: &str = env!("CARGO_BIN_EXE_mdbook-polish");

/// A small docs book in the seed's shape (our own words).
fn write_book(root: &Path, extra: &str) {
    write(
        root,
        "book.toml",
        format!(
            "[book]\ntitle = \"Index test\"\nlanguage = \"en\"\n\n\
             [preprocessor.polish]\ncommand = \"'{POLISH}'\"\nvalidate = false\nrelated = 2\n{extra}\n\
             [preprocessor.polish.index-labels.tags]\nlsp = \"Language server\"\n\n\
             [output.html]\nadditional-css = [\"polish.css\"]\n\n[output.markdown]\n"
        ),
    );
    write(root, "polish.css", mdbook_polish::workspace::stylesheet());
    write(
        root,
        "src/SUMMARY.md",
        "# Summary\n\n[Welcome](README.md)\n\n\
         - [Guide](guide/README.md)\n  - [Editors](guide/editors.md)\n  - [Roadmap](guide/roadmap.md)\n    - [Ideas](guide/ideas.md)\n  - [Set up](guide/setup.md)\n\
         - [Reference](ref/README.md)\n  - [Tags](ref/tags.md)\n  - [Topics](ref/topics.md)\n",
    );
    write(
        root,
        "src/README.md",
        "---\nsummary: Where to *start*.\ntags: [intro]\n---\n# Welcome\n\nRead the [roadmap](guide/roadmap.md) or [set up](guide/setup.md#first-steps).\n",
    );
    write(
        root,
        "src/guide/README.md",
        // U+0001 in the text: the character the header leaves for a chip whose link is not
        // known yet, so this chapter runs again once the links are known (and it has a
        // book-level finding, PL703, which must be reported once).
        "---\nsummary: Using the tool day to day.\ntags: [Front-end, lsp]\ntopic: [writing]\n---\n# Guide\n\nText \u{1} here.\n",
    );
    write(
        root,
        "src/guide/editors.md",
        "---\nsummary: Editors & <friends>.\ntags: [lsp, frontend]\ntopic: [writing]\naudience: [writers]\n---\n# Editors\n\nBody.\n",
    );
    write(
        root,
        "src/guide/roadmap.md",
        "---\nsummary: Not ready.\ntags: [lsp, zebrafish]\ndraft: true\n---\n# Roadmap\n\nQuetzalcoatl plans.\n",
    );
    write(
        root,
        "src/guide/ideas.md",
        "---\nsummary: Under the roadmap.\ntags: [ideas]\n---\n# Ideas\n\nPterodactyl notes.\n",
    );
    write(
        root,
        "src/guide/setup.md",
        "---\nsummary: Set it up â€” once.\ntags: [frontend, setup]\naudience: [admins, writers]\ntopic: [install]\n---\n# Set up\n\n## First steps\n\nGo.\n",
    );
    write(
        root,
        "src/ref/README.md",
        "---\nsummary: Lists.\n---\n# Reference\n\nSee [tags](tags.md).\n",
    );
    write(
        root,
        "src/ref/tags.md",
        "---\nsummary: Every tag.\n---\n# Tags\n\n<!-- polish: index tags by audience -->\n\n```md\n<!-- polish: index audience -->\n```\n",
    );
    write(
        root,
        "src/ref/topics.md",
        "---\nsummary: Every topic.\n---\n# Topics\n\n<!-- polish: index topic -->\n",
    );
}

fn build(root: &Path, env: &[(&str, &str)]) -> String {
    let out = Command::new(common::mdbook())
        .arg("build")
        .current_dir(root)
        .envs(env.iter().copied())
        .output()
        .expect("run mdbook");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "mdbook build failed:\n{stderr}");
    stderr
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every element id of an html file.
fn ids(html: &str) -> BTreeSet<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("[id]").expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

/// The hrefs of the links the feature emits on a page: in index pages, related lists and the
/// header's chips.
fn feature_links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(".polish-index a, .polish-related a, .polish-meta-fields a")
        .expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// Follows `href` from the page at `page` (a file under `site`): the file exists and, with an
/// anchor, holds an element with that id.
fn assert_resolves(site: &Path, page: &Path, href: &str) {
    let (path, anchor) = match href.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (href, None),
    };
    assert!(
        !href.contains("://") && !href.starts_with('/'),
        "{}: {href} is not relative",
        page.display()
    );
    let target = if path.is_empty() {
        page.to_path_buf()
    } else {
        let mut t = page.parent().expect("a page in a folder").to_path_buf();
        for seg in path.split('/') {
            match seg {
                ".." => {
                    t.pop();
                }
                "." | "" => {}
                s => t.push(s),
            }
        }
        t
    };
    assert!(
        target.starts_with(site) && target.is_file(),
        "{}: {href} points at {}, which does not exist",
        page.display(),
        target.display()
    );
    if let Some(anchor) = anchor {
        assert!(
            ids(&read(&target)).contains(anchor),
            "{}: {href}: no element with id `{anchor}` in {}",
            page.display(),
            target.display()
        );
    }
}

fn html_pages(site: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn index_pages_chips_related_and_drafts_in_a_real_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_book(root, "");
    let stderr = build(root, &[]);
    let site = root.join("book/html");

    // Findings: the link to the draft, and a value spelt two ways.
    assert!(
        stderr.contains("warning[PL704]") && stderr.contains("src/README.md:7:10"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning[PL703]") && stderr.contains("src/guide/README.md:3:8"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning[PL703]").count(), 1, "{stderr}");

    // Every link the feature emits, on every page, resolves to a file and an id.
    let mut followed = 0;
    for page in html_pages(&site) {
        if page.ends_with("print.html") {
            continue;
        }
        for href in feature_links(&read(&page)) {
            assert_resolves(&site, &page, &href);
            followed += 1;
        }
    }
    // Tags index: 5 values + 9 page links (grouped by audience, so Set up is listed under
    // admins and writers); topics index: 2 values + 3 page links; chips of tags and topic
    // on 4 pages (10); related lists (4). The draft and the chapter nested under it are gone.
    assert_eq!(followed, 33, "links followed");

    // The index of tags: values in alphabetical order, labels, counts, grouping, summaries.
    let tags = read(&site.join("ref/tags.html"));
    let main = common::main_of(&tags);
    let order: Vec<usize> = ["Front-end", "frontend", "intro", "Language server", "setup"]
        .iter()
        .map(|v| {
            main.find(&format!(">{v}</h2>"))
                .unwrap_or_else(|| panic!("no section for {v}:\n{main}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "order {order:?}");
    assert!(
        !main.contains("zebrafish"),
        "a draft's value is listed:\n{main}"
    );
    assert!(
        !main.contains(">ideas<"),
        "the draft's nested chapter is listed:\n{main}"
    );
    assert!(main.contains("<h3>writers</h3>") && main.contains("<h3>No audience</h3>"));
    assert!(main.contains("Editors &amp; &lt;friends&gt;."), "{main}");
    assert!(main.contains("<em>start</em>"), "summary Markdown: {main}");
    // A summary with mojibake is listed repaired, as its page's header shows it.
    assert!(main.contains("<p>Set it up — once.</p>"), "{main}");
    assert!(!main.contains("â€"), "{main}");
    assert!(
        read(&site.join("guide/setup.html")).contains("Set it up — once."),
        "the header's summary"
    );
    // The marker in a code block is an example, not an index.
    assert!(
        main.contains("&lt;!-- polish: index audience --&gt;"),
        "{main}"
    );
    // A chapter whose own text holds the slot character still gets its chips' links,
    // and keeps the character.
    let guide = read(&site.join("guide/index.html"));
    assert!(
        guide.contains("href=\"../ref/tags.html#tags-front-end\">Front-end</a>")
            && guide.contains("Text \u{1} here."),
        "{}",
        common::main_of(&guide)
    );
    // A chip on a nested chapter links to its value.
    let editors = read(&site.join("guide/editors.html"));
    assert!(
        editors.contains("href=\"../ref/tags.html#tags-lsp\">lsp</a>"),
        "{}",
        common::main_of(&editors)
    );
    assert!(editors.contains("href=\"../ref/topics.html#topic-writing\">writing</a>"));
    // Related pages: the guide shares lsp and writing with Editors.
    assert!(editors.contains("class=\"polish-related\""));
    assert!(
        editors.contains("<a href=\"index.html\">Guide</a>"),
        "{editors}"
    );

    // Drafts: no page, no sidebar entry, not in search or print, nor its nested chapter.
    assert!(!site.join("guide/roadmap.html").exists());
    assert!(!site.join("guide/ideas.html").exists());
    let toc = read(&site.join("toc.html"));
    assert!(!toc.contains("Roadmap") && !toc.contains("Ideas"), "{toc}");
    let print = read(&site.join("print.html"));
    assert!(!print.contains("Quetzalcoatl") && !print.contains("Pterodactyl"));
    let search: String = std::fs::read_dir(&site)
        .expect("site")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("searchindex"))
        .map(|e| read(&e.path()))
        .collect();
    assert!(!search.is_empty(), "no search index");
    assert!(!search.to_lowercase().contains("quetzalcoatl"));
    // The welcome page keeps the link's text, without the link.
    let welcome = read(&site.join("index.html"));
    assert!(
        welcome.contains("Read the roadmap or"),
        "{}",
        common::main_of(&welcome)
    );
    // Section numbers close the gap the draft left: Set up is 1.2, not 1.3.
    assert!(
        toc.contains("<strong aria-hidden=\"true\">1.2.</strong> Set up"),
        "{toc}"
    );

    // The search index and the print page hold the index pages.
    assert!(
        search.contains("ref/tags.html#tags-lsp"),
        "search lacks the index anchors"
    );
    assert!(search.to_lowercase().contains("language server"));
    assert!(print.contains("class=\"polish-index\""));
    // On the print page every feature link is an anchor on the print page itself.
    let print_ids = ids(&print);
    for href in feature_links(&print) {
        let anchor = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("print link {href}"));
        assert!(
            print_ids.contains(anchor),
            "print page: {href} has no target"
        );
    }

    // The markdown renderer gets plain Markdown lists with .md links.
    let md = read(&root.join("book/markdown/ref/tags.md"));
    assert!(md.contains("## Language server"), "{md}");
    assert!(md.contains("- [Editors](../guide/editors.md)"), "{md}");
    assert!(!md.contains("<div"), "{md}");
    let md_editors = read(&root.join("book/markdown/guide/editors.md"));
    assert!(
        md_editors.contains("## Related pages\n\n- [Guide](README.md)")
            || md_editors.contains("## Related pages\n\n- [Guide](index.md)"),
        "{md_editors}"
    );
}

#[test]
fn drafts_are_built_when_shown_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_book(root, "");
    let stderr = build(root, &[("MDBOOK_PREPROCESSOR__POLISH__DRAFTS", "show")]);
    let site = root.join("book/html");
    assert!(site.join("guide/roadmap.html").exists());
    assert!(site.join("guide/ideas.html").exists());
    assert!(!stderr.contains("PL704"), "{stderr}");
    let welcome = read(&site.join("index.html"));
    assert!(welcome.contains("href=\"guide/roadmap.html\""));
    // Shown, but not listed on indexes unless `index-drafts = true`.
    let tags = read(&site.join("ref/tags.html"));
    assert!(!tags.contains("zebrafish"));
    write_book(root, "index-drafts = true");
    build(root, &[("MDBOOK_PREPROCESSOR__POLISH__DRAFTS", "show")]);
    let tags = read(&site.join("ref/tags.html"));
    assert!(tags.contains(">zebrafish</h2>"));
}

#[test]
fn check_reports_what_the_build_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_book(root, "");
    write(
        root,
        "src/ref/topics.md",
        "# Topics\n\n<!-- polish: index topics -->\n\n<!-- polish: index -->\n",
    );
    let out = common::polish()
        .args(["check", "--deny", "error"])
        .arg(root)
        .output()
        .expect("run check");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["PL702", "PL701", "PL703", "PL704"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    assert!(text.contains("did you mean `topic`?"), "{text}");
    let stderr = build(root, &[]);
    for want in ["PL702", "PL701", "PL703", "PL704"] {
        assert!(
            stderr.contains(want),
            "{want} missing from the build:\n{stderr}"
        );
    }
}
