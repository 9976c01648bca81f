//! Properties of the whole pipeline over generated chapters (proptest): idempotence, no lost
//! words, untouched input byte-identical, `fix` and `check` agreeing, and repair leaving clean
//! text of many scripts alone. Table-only properties are in `compare_proptest.rs`.
//!
//! Case counts are proptest's (`PROPTEST_CASES` overrides them); each test says its own.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use mdbook_polish::Config;
use mdbook_polish::cli::fix::{FixOutcome, fix_source};
use mdbook_polish::encoding::{self, RepairOptions};
use mdbook_polish::markdown::ParseOptions;
use mdbook_polish::pipeline::{self, ChapterInput, ChapterResult, Settings};
use proptest::prelude::*;

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(Settings::all_jobs)
}

fn run(src: &str) -> ChapterResult {
    pipeline::process(
        ChapterInput {
            source: src,
            id_prefix: "polish-p",
            html: true,
            require_front_matter: false,
        },
        settings(),
    )
}

/// Clean words from many scripts, each valid text a writer might use.
fn clean_word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{2,9}",
        // Real accented words: random Latin-1 letter pairs such as `âœ` *are* mojibake
        // shapes (the start of `✓` read as windows-1252), so they are not "clean text".
        prop::sample::select(vec![
            "café",
            "naïve",
            "façade",
            "über",
            "Ærø",
            "señor",
            "crème",
            "brûlée",
            "Zürich",
            "São",
            "Łódź",
            "Dvořák",
            "smörgåsbord",
            "jalapeño",
            "coöperate",
            "Škoda",
            "Ångström",
            "Øresund",
            "fiancée",
            "déjà",
            "Mañana",
            "Ça",
            "Ελλάδα",
            "Þór",
        ])
        .prop_map(str::to_string),
        "[α-ω]{2,8}",
        // Cyrillic: random letters without `ё` (a capital then `ё`, or `ёё`, is the windows-1251
        // shape of Latin-1 and other mojibake: `Гё` for `ø`), and real words with it.
        "[а-я]{2,8}",
        "[А-Я][а-я]{1,7}",
        prop::sample::select(vec![
            "Привет",
            "мир",
            "Ёж",
            "ёлка",
            "Фёдор",
            "Пётр",
            "Лёша",
            "мёд",
            "Щёки",
            "Київ",
            "їжак",
            "Србија",
            // Beside `…` these read as windows-1251 mojibake of CJK (`её…` is `帅`) and of
            // `ø` (`Гё`); they are correct Russian and must stay.
            "её",
            "Гёте",
            "дії",
            "ещё",
            "Пёс",
        ])
        .prop_map(str::to_string),
        "[\u{4e00}-\u{9fa5}]{1,4}",
        "[\u{3041}-\u{3093}]{1,4}",
        "[\u{0627}-\u{064a}]{2,6}",
        "[\u{0905}-\u{0939}]{2,6}",
        "[\u{05d0}-\u{05ea}]{2,6}",
        "[\u{0e01}-\u{0e2e}]{2,6}",
        prop::sample::select(vec!["źdźbło", "żółw", "přítel", "čaj", "šťastný", "Kraków"])
            .prop_map(str::to_string),
        "[0-9]{1,4}",
        Just("😀".to_string()),
        Just("👩‍💻".to_string()),
        Just("naïve".to_string()),
        Just("Œuvre".to_string()),
        Just("Straße".to_string()),
    ]
}

/// Typographic punctuation between words, including `…` and a middle dot right after a word.
/// (`¿` and `¡` open a clause after a space: glued to the end of a word, `à¿` is mojibake.)
fn punct() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ", " ", " ", ", ", " — ", " – ", " “", "” ", " ‘", "’ ", " «", "» ", " • ", " ™ ", " © ",
        " € ", " £ ", " ° ", " ½ ", " ¿", " ¡", " „", " ‚", "… ", "· ", " · ",
    ])
}

fn clean_sentence() -> impl Strategy<Value = String> {
    prop::collection::vec((clean_word(), punct()), 1..12).prop_map(|ws| {
        let mut s = String::new();
        for (w, p) in ws {
            s.push_str(&w);
            s.push_str(p);
        }
        s.trim_end().to_string()
    })
}

/// ASCII-and-Latin-1 words: what mojibake is made from in the seed's shape.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{3,9}",
        "[A-Z][a-z]{2,7}",
        Just("Let’s".to_string()),
        Just("don’t".to_string()),
        Just("café".to_string()),
        Just("naïve".to_string()),
        Just("“quoted”".to_string()),
        Just("—".to_string()),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..10).prop_map(|w| w.join(" "))
}

/// A chapter in the seed's shape: optional valid front matter, a heading, paragraphs, an
/// optional comparison table, in clean form. The test then damages it, or not.
#[derive(Debug, Clone)]
struct Chapter {
    summary: Option<String>,
    heading: String,
    paras: Vec<String>,
    table: Option<Vec<(String, String, String, String)>>,
}

impl Chapter {
    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(sum) = &self.summary {
            s.push_str(&format!(
                "---\nsummary: \"{sum}\"\naudience:\n  - architects\n---\n\n"
            ));
        }
        s.push_str(&format!("# {}\n\n", self.heading));
        for (i, p) in self.paras.iter().enumerate() {
            s.push_str(p);
            s.push_str("\n\n");
            if i == 0
                && let Some(rows) = &self.table
            {
                s.push_str("| Benefits | Burdens |\n|---|---|\n");
                for (a, b, c, d) in rows {
                    s.push_str(&format!("| **{a}**<br/>{b} | **{c}**<br/>{d} |\n"));
                }
                s.push('\n');
            }
        }
        s
    }

    /// Every word a reader must still find in the output.
    fn words(&self) -> BTreeSet<String> {
        let mut all = vec![self.heading.clone()];
        all.extend(self.summary.clone());
        all.extend(self.paras.iter().cloned());
        for (a, b, c, d) in self.table.iter().flatten() {
            all.extend([a, b, c, d].map(|s| s.clone()));
        }
        all.iter()
            .flat_map(|s| {
                s.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

fn chapter() -> impl Strategy<Value = Chapter> {
    (
        prop::option::of(sentence()),
        sentence(),
        prop::collection::vec(sentence(), 1..4),
        prop::option::of(prop::collection::vec(
            (sentence(), sentence(), sentence(), sentence()),
            1..5,
        )),
    )
        .prop_map(|(summary, heading, paras, table)| Chapter {
            summary,
            heading,
            paras,
            table,
        })
}

/// Text words of `html`-and-Markdown output, HTML entities for quotes undone, so a word in a
/// header value (escaped) is found.
fn output_words(out: &str) -> BTreeSet<String> {
    let text = out
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The chapter's Markdown, read through windows-1252 when `damage`.
fn source(ch: &Chapter, damage: bool) -> String {
    let clean = ch.render();
    if damage {
        encoding::simulate_mojibake(&clean, "windows-1252").expect("windows-1252 is known")
    } else {
        clean
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// 256 cases: the pipeline's output, run again, changes nothing, with and without
    /// mojibake in the source.
    #[test]
    fn pipeline_is_idempotent(ch in chapter(), damage in any::<bool>()) {
        let src = source(&ch, damage);
        let first = run(&src);
        let out = first.content.unwrap_or_else(|| src.clone());
        let second = run(&out);
        prop_assert!(second.content.is_none(), "changed again:\n{out}\n→\n{:?}", second.content);
    }

    /// 256 cases: every word of the clean chapter (front matter summary, heading, paragraphs,
    /// table cells) is in the output, also after windows-1252 mojibake and its repair.
    #[test]
    fn no_word_is_lost(ch in chapter(), damage in any::<bool>()) {
        let src = source(&ch, damage);
        let out = run(&src).content.unwrap_or(src);
        let have = output_words(&out);
        for w in ch.words() {
            prop_assert!(have.contains(&w), "lost {w:?}:\n{out}");
        }
    }

    /// 256 cases: a chapter with no front matter, no comparison table and no mojibake, in
    /// many scripts, comes back as no change at all (so byte-identical).
    #[test]
    fn untouched_input_is_byte_identical(
        heading in clean_sentence(),
        paras in prop::collection::vec(clean_sentence(), 1..5),
        plain_table in any::<bool>(),
    ) {
        let mut src = format!("# {heading}\n\n");
        for p in &paras {
            src.push_str(p);
            src.push_str("\n\n");
        }
        if plain_table {
            src.push_str("| Name | Value |\n|---|---|\n| a | b |\n");
        }
        let r = run(&src);
        prop_assert!(r.content.is_none(), "changed:\n{src}\n→\n{:?}", r.content);
        prop_assert!(r.repaired.is_none());
        prop_assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    /// 256 cases: after `fix`, `check` finds nothing left to repair and `fix` changes nothing;
    /// and when `check` reports no repair, `fix` leaves the file alone.
    #[test]
    fn fix_then_check_agree(ch in chapter(), cp in prop::sample::select(vec![
        "windows-1252", "latin-1", "mac-roman", "windows-1250", "windows-1251", "cp437",
    ]), damage in any::<bool>()) {
        let clean = ch.render();
        let src = if damage { encoding::simulate_mojibake(&clean, cp).unwrap() } else { clean };
        let cfg = Config::default();
        let parse = ParseOptions::default();
        let repairs = |s: &str| run(s).diagnostics.iter().filter(|d| d.code == encoding::CODE_REPAIRED).count();
        let (outcome, _) = fix_source(&src, &cfg, parse);
        match outcome {
            FixOutcome::Changed(fixed) => {
                prop_assert!(repairs(&src) > 0, "fix changed a file check calls clean");
                prop_assert_eq!(repairs(&fixed), 0, "check after fix:\n{}", fixed);
                prop_assert_eq!(fix_source(&fixed, &cfg, parse).0, FixOutcome::Clean);
            }
            FixOutcome::Clean => prop_assert_eq!(repairs(&src), 0),
        }
    }

    /// 256 cases: clean text in Latin, Greek, CJK, kana, Arabic, Devanagari,
    /// Hebrew, Thai, Central European, emoji and typographic punctuation is never changed.
    #[test]
    fn repair_never_changes_clean_text(lines in prop::collection::vec(clean_sentence(), 1..6)) {
        let text = lines.join("\n");
        prop_assert_eq!(encoding::repair_text(&text), None, "{}", text);
        let (edits, _) = encoding::repair_markdown(&text, &RepairOptions::default());
        prop_assert!(edits.is_empty(), "{:?}", edits);
    }

    /// 256 cases: repair of mojibake made from clean multi-script text through any code page
    /// is idempotent (a second repair finds nothing).
    #[test]
    fn repair_is_idempotent(text in clean_sentence(), cp in prop::sample::select(vec![
        "windows-1252", "latin-1", "mac-roman", "windows-1250", "windows-1251", "cp437",
        "iso-8859-2", "windows-1257",
    ])) {
        let broken = encoding::simulate_mojibake(&text, cp).unwrap();
        if let Some(fixed) = encoding::repair_text(&broken) {
            prop_assert_eq!(encoding::repair_text(&fixed), None, "{} → {}", broken, fixed);
        }
    }
}

/// Clean text that repair once changed into garbage (found by the properties above): a space
/// taken for a lost NBSP completing a four-byte sequence into an unassigned plane, Cyrillic
/// letters read through windows-1251 as a Thai mark and a phonetic letter.
#[test]
fn known_false_repairs() {
    for clean in [
        "Привет… Ёж — мир",
        "Привет “Ёж — мир",
        "déjà· Škoda",
        "аёёКё",
        "АёЛ —",
        "óš — aa",
        "её её”",
        "Ра ·",
        "Рк ·",
        "Рв —",
    ] {
        assert_eq!(encoding::repair_text(clean), None, "{clean}");
    }
}

/// Russian that reads as windows-1251 mojibake: `её…` is also what `帅` looks like there
/// (E5 B8 85), and `Гё` what `ø` looks like (C3 B8). Both must come back byte-identical.
#[test]
fn russian_ee_ellipsis_and_goethe_are_kept() {
    for clean in ["её… Гёте", "её… Пётр", "её” Гёдель", "Гёте…", "её… дії"]
    {
        assert_eq!(encoding::repair_text(clean), None, "{clean}");
    }
}
