//! Fixture books built in-process with mdbook-driver: what a reader of the built book sees.

mod common;

use common::{TestBook, fixtures};

fn seed_shaped() -> String {
    std::fs::read_to_string(fixtures("chapters/seed-shaped.md")).unwrap()
}

#[test]
fn front_matter_is_hidden_and_the_header_is_shown() {
    let (built, _dir) = TestBook::new().chapter("intro.md", &seed_shaped()).build();
    built.ok();
    let main = built.main("intro.md");
    // No trace of the YAML: mdBook alone renders it as <hr> plus a big <h2>.
    assert!(!main.contains("<hr"), "{main}");
    assert!(!main.contains("guid"), "{main}");
    assert!(!main.contains("3f1b2c4d"), "{main}");
    // The header sits after the first heading, with chips and an escaped Figma button.
    let h1 = main.find("<h1").expect("heading");
    let meta = main.find("class=\"polish-meta\"").expect("header");
    assert!(h1 < meta);
    assert!(main.contains("<li>architects</li>"), "{main}");
    assert!(main.contains("href=\"https://www.figma.com/design/AbCdEf012345/Integration-maps?node-id=7-11&amp;t=zz-1\""), "{main}");
    assert!(
        main.contains("Learn how event-driven integration"),
        "{main}"
    );
}

#[test]
fn front_matter_is_gone_from_print_page_sidebar_and_search_index() {
    let (built, _dir) = TestBook::new().chapter("intro.md", &seed_shaped()).build();
    built.ok();
    let print = built.file("book/print.html");
    assert!(!print.contains("3f1b2c4d"), "print page leaks front matter");
    let index_name = std::fs::read_dir(built.root.join("book"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("searchindex") && n.ends_with(".js"))
        .expect("a search index");
    let index = built.file(&format!("book/{index_name}"));
    assert!(
        index.contains("Loose coupling"),
        "the index holds the chapter text"
    );
    assert!(
        !index.contains("3f1b2c4d"),
        "search index leaks front matter"
    );
    assert!(
        !index.contains("outsystems-tools"),
        "search index leaks front matter keys"
    );
}

#[test]
fn script_in_values_is_escaped_everywhere() {
    let chapter = "---\nsummary: \"<script>alert('x')</script>\"\naudience:\n  - \"<img src=x onerror=alert(1)>\"\nfigma: \"javascript:alert(1)\"\n---\n\n# Hostile\n";
    let (built, _dir) = TestBook::new().chapter("bad.md", chapter).build();
    assert!(built.result.is_ok(), "{:?}", built.result);
    let main = built.main("bad.md");
    assert!(!main.contains("<script>alert"), "{main}");
    assert!(!main.contains("<img src=x"), "{main}");
    assert!(!main.contains("href=\"javascript:"), "{main}");
    assert!(main.contains("&lt;script&gt;"), "{main}");
}

#[test]
fn title_key_names_the_chapter() {
    let chapter = "---\ntitle: A better name\n---\n\nBody text.\n";
    let (built, _dir) = TestBook::new().chapter("named.md", chapter).build();
    built.ok();
    let html = built.html("named.md");
    assert!(
        html.contains("<title>A better name"),
        "{}",
        &html[..html.len().min(600)]
    );
}

#[test]
fn untouched_chapter_renders_exactly_as_without_polish() {
    let plain = std::fs::read_to_string(fixtures("chapters/no-front-matter.md")).unwrap();
    let (with, _d1) = TestBook::new().chapter("plain.md", &plain).build();
    with.ok();
    let (without, _d2) = TestBook::new()
        .toml("[book]\ntitle = \"Test\"\n\n[output.html]\nadditional-css = [\"polish.css\"]\n")
        .chapter("plain.md", &plain)
        .build();
    assert_eq!(with.main("plain.md"), without.main("plain.md"));
}

#[test]
fn markdown_renderer_gets_no_front_matter_and_no_html_header() {
    let toml = "[book]\ntitle = \"Test\"\n\n[preprocessor.polish]\n\n[output.markdown]\n";
    let (built, _dir) = TestBook::new()
        .toml(toml)
        .chapter("intro.md", &seed_shaped())
        .build();
    assert!(built.result.is_ok(), "{:?}", built.result);
    let md = built.file("book/intro.md");
    assert!(md.starts_with("# Event-driven integration"), "{md}");
    assert!(!md.contains("polish-meta"), "{md}");
    assert!(
        md.contains("|Events bring real benefits...|"),
        "tables stay tables outside html: {md}"
    );
}

#[test]
fn on_failure_error_fails_the_build_with_a_clear_message() {
    let toml = "[book]\ntitle = \"Test\"\n\n[preprocessor.polish]\non-failure = \"error\"\nrequire-front-matter = true\n";
    let (built, _dir) = TestBook::new()
        .toml(toml)
        .chapter("plain.md", "# No front matter\n")
        .build();
    let err = built.result.expect_err("the build must fail");
    assert!(err.contains("mdbook-polish found 1 error"), "{err}");
}

#[test]
fn on_failure_warn_keeps_building() {
    let toml = "[book]\ntitle = \"Test\"\n\n[preprocessor.polish]\nrequire-front-matter = true\n";
    let (built, _dir) = TestBook::new()
        .toml(toml)
        .chapter("plain.md", "# No front matter\n")
        .build();
    assert!(built.result.is_ok(), "{:?}", built.result);
}
