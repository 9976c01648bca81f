//! Corpus test for mojibake repair: our own clean multilingual lines must come back
//! byte-identical, and broken variants of them (one to three layers, whole line or one word)
//! must be repaired. Prints the rates; asserts the targets.

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
