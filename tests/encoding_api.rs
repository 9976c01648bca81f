//! Behaviour of the public mojibake-repair API: Markdown awareness, idempotence, ambiguous and
//! literal inputs, and large inputs (which must be handled in linear time; not timed here).

use mdbook_polish::encoding::{
    RepairOptions, has_suspects, repair_markdown, repair_text, simulate_mojibake,
};
use mdbook_polish::markdown::apply_edits;

fn fix_md(md: &str, opts: &RepairOptions) -> String {
    let (edits, diags) = repair_markdown(md, opts);
    // One finding per repaired word, one edit per broken run.
    assert!(diags.len() <= edits.len() && diags.is_empty() == edits.is_empty());
    for d in &diags {
        assert_eq!(d.code, "PL401");
        assert!(d.message.starts_with("mojibake found"), "{}", d.message);
    }
    apply_edits(md, &edits).unwrap_or_else(|| md.to_string())
}

#[test]
fn code_spans_and_blocks_keep_deliberate_mojibake() {
    let md = "Letâ€™s fix this, not `cafÃ©` in code.\n\n```text\ncafÃ© stays\n```\n\n    indented cafÃ© stays\n\nBut cafÃ© here is fixed.\n";
    let out = fix_md(md, &RepairOptions::default());
    assert_eq!(
        out,
        "Let’s fix this, not `cafÃ©` in code.\n\n```text\ncafÃ© stays\n```\n\n    indented cafÃ© stays\n\nBut café here is fixed.\n"
    );
    let all = fix_md(
        md,
        &RepairOptions {
            in_code: true,
            ..RepairOptions::default()
        },
    );
    assert!(!all.contains("Ã©"), "{all}");
}

#[test]
fn html_attribute_values_are_kept_unless_asked() {
    let md = "<div title=\"cafÃ©\">cafÃ©</div>\n";
    assert_eq!(
        fix_md(md, &RepairOptions::default()),
        "<div title=\"cafÃ©\">café</div>\n"
    );
    let opts = RepairOptions {
        in_html_attributes: true,
        ..RepairOptions::default()
    };
    assert_eq!(fix_md(md, &opts), "<div title=\"café\">café</div>\n");
}

#[test]
fn front_matter_is_repaired_as_text() {
    let md = "---\ntitle: Letâ€™s begin\ntags:\n    - cafÃ©\n---\n\n# Heading\n";
    let out = fix_md(md, &RepairOptions::default());
    assert_eq!(
        out,
        "---\ntitle: Let’s begin\ntags:\n    - café\n---\n\n# Heading\n"
    );
}

#[test]
fn one_edit_per_broken_run_one_finding_per_word() {
    let md = "The cafÃ© and the rÃ©sumÃ© are fine.\n";
    let (edits, diags) = repair_markdown(md, &RepairOptions::default());
    // Three broken runs: `Ã©` in café and both in résumé.
    assert_eq!(edits.len(), 3);
    assert_eq!(&md[diags[0].span.clone()], "Ã©");
    assert!(
        diags[0].message.contains("`cafÃ©` should read `café`"),
        "{}",
        diags[0].message
    );
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(
        diags[1].message.contains("`rÃ©sumÃ©` should read `résumé`"),
        "{}",
        diags[1].message
    );
    assert_eq!(&md[diags[1].span.clone()], "Ã©sumÃ©");
}

#[test]
fn repair_is_idempotent_and_keeps_lines() {
    let text = "Letâ€™s go\r\ncafÃ©\n\nÐ¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€\nplain\n";
    let once = repair_text(text).expect("repairs");
    assert_eq!(once.matches('\n').count(), text.matches('\n').count());
    assert_eq!(once, "Let’s go\r\ncafé\n\nпривет мир\nplain\n");
    assert_eq!(repair_text(&once), None);
    let (edits, _) = repair_markdown(&once, &RepairOptions::default());
    assert!(edits.is_empty());
}

#[test]
fn text_valid_under_two_code_pages_is_left_alone_when_unclear() {
    // `Å™` is both a Swedish-looking name plus a trademark sign and windows-1252 for `ř`.
    assert_eq!(repair_text("AHÅ™, the new sofa"), None);
    // `Ã¥` next to a correct dash: could be latin-1 or mac-roman mojibake; leave it.
    assert_eq!(repair_text("Bremer/Mccoy – DrÃ¥ber"), None);
    // Each reading of these is valid UTF-8 in more than one code page; the clear one wins.
    assert_eq!(repair_text("rÃ©sumÃ©").as_deref(), Some("résumé"));
    assert_eq!(repair_text("r√©sum√©").as_deref(), Some("résumé"));
}

#[test]
fn literal_surrogate_escapes_and_controls_stay() {
    for s in [
        "\\ud800 is a lone surrogate",
        "\\ud83d\\ude00 pair as text",
        "control \u{1a} stays",
        "undefined \u{81} stays",
    ] {
        assert_eq!(repair_text(s), None, "{s}");
    }
    // CESU-8 surrogate pairs read as latin-1 are real emoji.
    let broken = "Hi \u{ed}\u{a0}\u{bd}\u{ed}\u{b8}\u{8d}";
    assert_eq!(repair_text(broken).as_deref(), Some("Hi 😍"));
}

#[test]
fn prose_naming_the_letters_is_kept() {
    for s in [
        "The letter Ã appears in Portuguese; so does â.",
        "Type Â then a space to see it.",
        "C O N C L U S Ã O",
        "There are a lot of Ã’s in mojibake text",
    ] {
        assert_eq!(repair_text(s), None, "{s}");
    }
}

#[test]
fn fast_path_skips_clean_text() {
    assert!(!has_suspects("plain ASCII text"));
    assert!(!has_suspects("日本語のテキスト"));
    assert!(has_suspects("cafÃ©"));
}

#[test]
fn big_single_line_and_big_input() {
    // One 10 MB line: mostly prose, some broken words.
    let mut line = String::new();
    while line.len() < 10_000_000 {
        line.push_str("the quick brown fox cafÃ© jumps over the lazy dog; ");
    }
    let fixed = repair_text(&line).expect("repairs");
    assert!(!fixed.contains("Ã"));
    assert!(!fixed.contains('\n'));
    // 50 MB of lines, clean and broken mixed.
    let broken = simulate_mojibake("Une journée à la plage, déjà.", "windows-1252").unwrap();
    let mut big = String::with_capacity(50_000_100);
    let mut i = 0u32;
    while big.len() < 50_000_000 {
        if i.is_multiple_of(50) {
            big.push_str(&broken);
        } else {
            big.push_str("A clean line of documentation about the preprocessor.");
        }
        big.push('\n');
        i += 1;
    }
    let out = repair_text(&big).expect("repairs");
    assert_eq!(out.lines().count(), big.lines().count());
    assert!(out.contains("Une journée à la plage, déjà."));
}

/// Correct text that sits close to a code page's fingerprint pairs: names and quotes that glue
/// a symbol or a rare letter to a neighbour on purpose.
#[test]
fn near_fingerprints_are_kept() {
    for s in [
        "capitalize valgrind (T•Ø•R•Ü•S)",
        "Пётр и Ёлка пришли ВІН сказав",
        "German quotes: »Über« and »öffentlich« stay.",
        "Île-de-France and ÎLE DE RÉ",
        "The aperture ƒ/2.8 and x≈y and 1990–1999",
        "PĂŞUNE, NICIODATĂ™ and SELKÄ EDELLÄ",
        "A kaomoji `¬´ ` and a bare ¬ sign",
        "Math: √π ≈ 1.772 and √2",
    ] {
        assert_eq!(repair_text(s), None, "{s}");
    }
}

/// Cyrillic words that read as mojibake through windows-1251 when a symbol follows: `её…` is
/// also `帅` (E5 B8 85), `Гё` is `ø` (C3 B8), `дії` is `䳿` (E4 B3 BF), and a lower-case letter
/// with `ё`, `і`, `ї`, `є` or `ў` is a lead and a continuation byte there. Every pair of such
/// words, joined by the punctuation prose puts between words, stays byte-identical.
#[test]
fn cyrillic_words_beside_punctuation_are_kept() {
    let words = [
        "её",
        "Её",
        "ещё",
        "всё",
        "моё",
        "своё",
        "неё",
        "Гёте",
        "Гёдель",
        "Пётр",
        "пёс",
        "Пёс",
        "Фёдор",
        "Лёша",
        "Ёж",
        "ёлка",
        "мёд",
        "Щёки",
        "её…",
        "дії",
        "надії",
        "її",
        "Її",
        "Київ",
        "їжак",
        "мої",
        "твоє",
        "своє",
        "цієї",
        "Росії",
        "Україні",
        "єдиний",
        "Єва",
        "ўсё",
        "Беларусь",
        "Ўладзімір",
        "ВІН",
        "Ві",
        "Србија",
        "Љубав",
        "Њива",
        "Ђаво",
        "ћерка",
        "џеп",
        "Јован",
        "ѓавол",
        "ќерка",
        "Ѕвезда",
        "Привет",
    ];
    let joins = [
        " ", "… ", "…", "” ", "» ", " «", " “", " — ", "—", " – ", "’ ", "· ", " • ", "! ", " № ",
        ", ", "; ", "? ", "! (",
    ];
    let mut damaged = Vec::new();
    for a in words {
        for j in joins {
            for b in words {
                let line = format!("{a}{j}{b}");
                if let Some(out) = repair_text(&line) {
                    damaged.push(format!("{line} → {out}"));
                }
            }
        }
    }
    assert!(
        damaged.is_empty(),
        "{} damaged:\n{}",
        damaged.len(),
        damaged.join("\n")
    );
}

/// C1 controls become windows-1252 punctuation only after every layer is undone, and that
/// punctuation can close one more layer: `\u{83}ç\u{83}` is `ƒçƒ`, mac-roman for `č` + `ƒ`.
/// Repair goes on to that point, so a second repair finds nothing (a fuzz find).
#[test]
fn c1_punctuation_that_closes_a_layer_is_repaired_to_a_fixed_point() {
    for s in [
        "--|---\u{83}ç\u{83}|",
        "x \u{83}ç\u{83} y",
        "\u{83}ç",
        "Letâ€™s \u{93}go\u{94}",
    ] {
        let once = repair_text(s).expect("C1 controls are repaired");
        assert!(
            !once.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)),
            "{once:?}"
        );
        assert_eq!(repair_text(&once), None, "{s:?} → {once:?}");
    }
}

/// Fuzz find: a broken Greek word ending in U+FFFD, repaired to a word that starts and ends
/// with U+FFFD. The character diff matched the old trailing U+FFFD with the new leading one
/// and reported the insertion after it at a wrong place, so the Markdown edit covered three
/// characters of an eighteen-character stretch and a second repair changed the line again.
/// Markdown repair must give what plain-text repair gives, and be idempotent.
#[test]
fn fuzz_markdown_edit_for_a_word_ending_in_replacement_character_is_whole() {
    let src = include_str!("fixtures/encoding/fuzz-diff-insert-after-match.txt");
    let md = fix_md(src, &RepairOptions::default());
    assert_eq!(Some(&md), repair_text(src).as_ref());
    let (again, _) = repair_markdown(&md, &RepairOptions::default());
    assert!(again.is_empty(), "{again:?}");
    // The shape alone.
    let line = "x ÄŽï¿½ÄŽâ€žÃŽÅ¼ÃŽË\u{FFFD} y";
    let fixed = fix_md(line, &RepairOptions::default());
    assert_eq!(Some(&fixed), repair_text(line).as_ref());
    assert!(
        repair_markdown(&fixed, &RepairOptions::default())
            .0
            .is_empty()
    );
}
