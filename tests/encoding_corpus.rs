//! Corpus test for mojibake repair: our own clean multilingual lines must come back
//! byte-identical, and broken variants of them (one to three layers, whole line or one word)
//! must be repaired. Prints the rates; asserts the targets. A held-out corpus of correct text
//! shaped like mojibake is split into a tuning and a check half (issue 16), each measured on
//! its own.

use mdbook_polish::encoding::{repair_text, simulate_mojibake};

fn clean_lines() -> Vec<String> {
    include_str!("fixtures/encoding/clean.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

const LAYERS: &[&[&str]] = &[
    &["windows-1252"],
    &["latin-1"],
    &["mac-roman"],
    &["windows-1250"],
    &["windows-1251"],
    &["windows-1252", "windows-1252"],
    &["latin-1", "windows-1252"],
    &["windows-1252", "latin-1", "windows-1252"],
];

fn break_text(text: &str, layers: &[&str]) -> Option<String> {
    let mut s = text.to_string();
    for cp in layers {
        s = simulate_mojibake(&s, cp)?;
    }
    Some(s)
}

/// More clean lines made by splicing the first half of one corpus line onto the second half of
/// another (word boundaries only): new neighbours for every word, so a false positive that
/// depends on context has more chances to show.
fn spliced_lines(lines: &[String]) -> Vec<String> {
    let n = lines.len();
    let mut out = Vec::new();
    for step in [7usize, 31, 113] {
        for (i, a) in lines.iter().enumerate() {
            let Some(b) = lines.get((i * step + 3) % n) else {
                continue;
            };
            let wa: Vec<&str> = a.split(' ').collect();
            let wb: Vec<&str> = b.split(' ').collect();
            let head = wa.get(..wa.len().div_ceil(2)).unwrap_or(&[]);
            let tail = wb.get(wb.len() / 2..).unwrap_or(&[]);
            out.push(format!("{} {}", head.join(" "), tail.join(" ")));
        }
    }
    out
}

#[test]
fn clean_corpus_is_untouched() {
    let mut lines = clean_lines();
    assert!(lines.len() >= 300, "{} clean lines", lines.len());
    lines.extend(spliced_lines(&lines));
    assert!(lines.len() >= 1000, "{} clean lines", lines.len());
    eprintln!("clean lines checked: {}", lines.len());
    let mut changed = Vec::new();
    for l in &lines {
        if let Some(out) = repair_text(l) {
            changed.push(format!("{l}\n  -> {out}"));
        }
    }
    assert!(
        changed.is_empty(),
        "false positives:\n{}",
        changed.join("\n")
    );
    // The whole file at once too (line structure, blank lines, comments).
    let whole = include_str!("fixtures/encoding/clean.txt");
    assert_eq!(repair_text(whole), None);
}

#[test]
fn broken_corpus_is_repaired() {
    let lines = clean_lines();
    let (mut total, mut fixed, mut fp) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for l in &lines {
        if l.is_ascii() {
            continue;
        }
        for layers in LAYERS {
            // Whole line broken.
            let mut cases = Vec::new();
            if let Some(b) = break_text(l, layers) {
                cases.push((b, l.clone()));
            }
            // Only the first non-ASCII word broken; the rest of the line stays correct.
            if let Some(word) = l.split(' ').find(|w| !w.is_ascii())
                && let Some(bw) = break_text(word, layers)
            {
                let partial = l.replacen(word, &bw, 1);
                cases.push((partial, l.clone()));
            }
            for (broken, want) in cases {
                if broken == want {
                    continue;
                }
                total += 1;
                let got = repair_text(&broken).unwrap_or_else(|| broken.clone());
                if got == want {
                    fixed += 1;
                } else {
                    failures.push(format!(
                        "{layers:?}\n  in : {broken}\n  got: {got}\n  want: {want}"
                    ));
                }
                // Repairing the repair changes nothing (idempotence).
                if repair_text(&got).is_some() && got == want {
                    fp += 1;
                }
            }
        }
    }
    let rate = fixed as f64 / total as f64;
    eprintln!(
        "broken variants: {total}, repaired exactly: {fixed} ({:.2}%)",
        rate * 100.0
    );
    for f in failures.iter().take(400) {
        eprintln!("{f}");
    }
    assert_eq!(fp, 0, "a repaired line changed again");
    assert!(rate >= 0.98, "fix rate {rate:.3} below target");
}

// ---------------------------------------------------------------------------------------------
// Held-out measurement (issue 16).
//
// `clean-held-out.txt` is split by a fixed hash of each line into a tuning half and a check
// half. Detector changes may be guided only by the tuning half (plus `clean.txt`, which earlier
// work already tuned on); the check half says whether they generalise. Broken lines are made
// from each half's clean lines by the real mechanisms, so detection is measured per half and per
// class too.

/// FNV-1a, 64 bits: a fixed, platform-independent hash, so the split never moves.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// (tuning half, check half) of the clean lines.
fn halves() -> (Vec<String>, Vec<String>) {
    let held_out: Vec<String> = include_str!("fixtures/encoding/clean-held-out.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let (check, mut tuning): (Vec<String>, Vec<String>) =
        held_out.into_iter().partition(|l| fnv1a(l) % 2 == 1);
    tuning.extend(clean_lines());
    (tuning, check)
}

/// Broken-line classes: a name and how to make the broken line from a clean one.
const CLASSES: &[(&str, &[&str], bool)] = &[
    ("windows-1252", &["windows-1252"], false),
    ("latin-1", &["latin-1"], false),
    ("mac-roman", &["mac-roman"], false),
    ("cp437", &["cp437"], false),
    ("windows-1250", &["windows-1250"], false),
    ("windows-1251", &["windows-1251"], false),
    ("1252 twice", &["windows-1252", "windows-1252"], false),
    ("latin-1 + 1252", &["latin-1", "windows-1252"], false),
    (
        "three layers",
        &["windows-1252", "latin-1", "windows-1252"],
        false,
    ),
    ("one word 1252", &["windows-1252"], true),
    ("one word mac-roman", &["mac-roman"], true),
    (
        "one word 1252 twice",
        &["windows-1252", "windows-1252"],
        true,
    ),
];

/// Broken variants of `lines`: (class, broken, original).
fn broken_variants(lines: &[String]) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    for l in lines {
        for &(name, layers, one_word) in CLASSES {
            let broken = if one_word {
                // One non-ASCII word only (the last one; where it repeats, its first
                // occurrence): the rest of the line stays correct, so the broken word sits
                // beside correct text of the same shape.
                l.split(' ')
                    .rfind(|w| !w.is_ascii())
                    .and_then(|w| Some(l.replacen(w, &break_text(w, layers)?, 1)))
            } else {
                break_text(l, layers)
            };
            if let Some(b) = broken
                && b != *l
            {
                out.push((name, b, l.clone()));
            }
        }
    }
    out
}

struct HalfResult {
    clean: usize,
    false_repairs: Vec<String>,
    broken: usize,
    detected: usize,
    exact: usize,
    per_class: Vec<(&'static str, usize, usize)>,
    missed: Vec<String>,
}

fn measure(lines: &[String]) -> HalfResult {
    let mut clean = lines.to_vec();
    clean.extend(spliced_lines(lines));
    let false_repairs: Vec<String> = clean
        .iter()
        .filter_map(|l| repair_text(l).map(|out| format!("{l}\n    -> {out}")))
        .collect();
    let mut per_class: Vec<(&'static str, usize, usize)> =
        CLASSES.iter().map(|c| (c.0, 0, 0)).collect();
    let (mut broken, mut detected, mut exact) = (0, 0, 0);
    let mut missed = Vec::new();
    for (class, b, want) in broken_variants(lines) {
        broken += 1;
        let got = repair_text(&b);
        let slot = per_class.iter_mut().find(|c| c.0 == class);
        if let Some(slot) = slot {
            slot.1 += 1;
            slot.2 += usize::from(got.is_some());
        }
        match got {
            Some(g) => {
                detected += 1;
                if g == want {
                    exact += 1;
                } else {
                    missed.push(format!(
                        "[{class}] wrong\n    in  : {b}\n    got : {g}\n    want: {want}"
                    ));
                }
            }
            None => missed.push(format!("[{class}] missed\n    in  : {b}\n    want: {want}")),
        }
    }
    HalfResult {
        clean: clean.len(),
        false_repairs,
        broken,
        detected,
        exact,
        per_class,
        missed,
    }
}

#[test]
fn held_out_split_meets_targets() {
    let (tuning, check) = halves();
    assert!(check.len() >= 100, "check half has {} lines", check.len());
    let mut failures = Vec::new();
    for (name, lines) in [("tuning", &tuning), ("check", &check)] {
        let r = measure(lines);
        eprintln!(
            "{name} half: false repairs {}/{} clean lines; detected {}/{} broken lines \
             ({:.2}%), repaired exactly {} ({:.2}%)",
            r.false_repairs.len(),
            r.clean,
            r.detected,
            r.broken,
            100.0 * r.detected as f64 / r.broken as f64,
            r.exact,
            100.0 * r.exact as f64 / r.broken as f64,
        );
        for (class, n, d) in &r.per_class {
            eprintln!("    {class:22} detected {d}/{n}");
        }
        for f in &r.false_repairs {
            eprintln!("  false repair ({name}): {f}");
        }
        for m in r.missed.iter().take(60) {
            eprintln!("  ({name}) {m}");
        }
        // At most 1 false repair in 1,272 clean lines: below 1,272 lines that is none.
        if r.false_repairs.len() * 1272 > r.clean {
            failures.push(format!(
                "{name}: {} false repairs in {} clean lines",
                r.false_repairs.len(),
                r.clean
            ));
        }
        if r.detected * 100 < r.broken * 99 {
            failures.push(format!(
                "{name}: detection {}/{} below 99%",
                r.detected, r.broken
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A third set, written blind (by someone who had not read the repair code or the other
/// corpora) after the tuning above was finished, and measured once: 1 false repair in its 320
/// lines (`A IRMÃ–OU`: `Ã` glued to an en dash and a capital, byte for byte the windows-1252
/// reading of `Ö`), and 98.5 % of the lines broken from it detected (whole-line
/// windows-1252 99.7 %; cp437 and one-word damage lower), short of the 99 % target. It is
/// never tuned on: this test keeps those figures from getting worse and prints them.
#[test]
fn blind_set_written_after_tuning() {
    let lines: Vec<String> = include_str!("fixtures/encoding/clean-fresh.txt")
        .lines()
        .map(str::to_string)
        .collect();
    let plain: Vec<&String> = lines
        .iter()
        .filter(|l| mdbook_polish::encoding::repair_text(l).is_some())
        .collect();
    let r = measure(&lines);
    eprintln!(
        "blind set: {} of {} lines changed as written; with splices, false repairs {}/{} clean \
         lines; detected {}/{} broken lines ({:.2}%)",
        plain.len(),
        lines.len(),
        r.false_repairs.len(),
        r.clean,
        r.detected,
        r.broken,
        100.0 * r.detected as f64 / r.broken as f64,
    );
    for (class, n, d) in &r.per_class {
        eprintln!("    {class:22} detected {d}/{n}");
    }
    for f in &r.false_repairs {
        eprintln!("  false repair (blind): {f}");
    }
    for m in r.missed.iter().take(80) {
        eprintln!("  (blind) {m}");
    }
    assert!(plain.len() <= 1, "{plain:?}");
    assert!(
        r.detected * 1000 >= r.broken * 985,
        "detection fell below 98.5%"
    );
}
