//! The repair itself: find suspicious runs in a line, re-decode them, keep what clearly helps.
//!
//! Work is per *run* (a maximal stretch of non-ASCII characters, plus the odd space or `?`
//! inside it), not per line: a UTF-8 sequence never contains an ASCII byte, so every broken
//! character lies inside one run, and a correct word beside a broken one is never touched.
//! Each run is encoded back to bytes with every candidate code page and re-read as UTF-8; the
//! best chain of up to three such layers wins if it lowers the cost clearly.

use std::ops::Range;

use super::codepage::{self, CodePage};
use super::score::{cost, is_alpha, signature};

/// Deepest layering tried (UTF-8 read as a code page, then that result read again, ...).
const MAX_LAYERS: usize = 3;
/// Gain a repair needs when nothing else on the line is broken.
const THRESHOLD_ALONE: f32 = 3.0;
/// Gain that makes a repair "sure", lowering the bar for other runs of the same line.
const THRESHOLD_SURE: f32 = 6.0;
/// Gain enough beside a sure repair.
const THRESHOLD_BESIDE: f32 = 1.0;

/// Evidence a code page other than windows-1252 must add to win.
const CODE_PAGE_PRIOR: f32 = 1.0;

/// One repaired stretch of a line (byte range in the line, replacement).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Fix {
    pub range: Range<usize>,
    pub replacement: String,
}

/// Bytes of UTF-8 lead bytes, cheaply: could this text hold mojibake at all?
///
/// Every character a candidate code page shows for bytes 0x80..=0xFF is U+0080..=U+07FF
/// (2-byte UTF-8, leads 0xC2..=0xDF) or one of a few symbol blocks starting 0xE2, or U+FB01/2
/// (0xEF). Text with none of those lead bytes (ASCII, CJK, most Indic) skips all work.
pub(super) fn has_suspect_bytes(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = next_non_ascii(bytes, from) {
        let b = bytes.get(i).copied().unwrap_or(0);
        if (0xC2..=0xDF).contains(&b) || b == 0xE2 || b == 0xEF {
            return true;
        }
        from = i + 1;
    }
    false
}

/// Index of the first non-ASCII byte of `bytes` at or after `from`. ASCII is skipped 32 bytes
/// at a time (`is_ascii` reads whole words): every chapter goes through here, and a
/// byte-at-a-time loop was 5 % of `check`'s time on a large book.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 32) {
        if !chunk.is_ascii() {
            break;
        }
        i += 32;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| b >= 0x80)
        .map(|k| i + k)
}

/// Could one pass of repair change `text` at all? A superset of what `repair_line_text` acts
/// on, in one forward scan without allocating: some non-ASCII character that is a UTF-8 lead
/// in a code page followed by one that continues it there (through the roles table), a lead
/// followed by a space or `?` that `find_runs` may read as a lost byte, or a C1 control.
/// Clean text in any script (`café`, `it’s`, `Ελληνικά`, `日本語`) almost never has one, so
/// whole lines and documents skip the cost model.
pub(super) fn needs_work(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(start) = next_non_ascii(bytes, i) {
        let Some(rest) = text.get(start..) else {
            return true;
        };
        let mut chars = rest.chars();
        let Some(mut prev) = chars.next() else {
            return false;
        };
        let mut pos = start + prev.len_utf8();
        loop {
            if ('\u{80}'..='\u{9F}').contains(&prev) {
                return true;
            }
            let Some(c) = chars.next() else {
                return false;
            };
            let lead = codepage::roles(prev) & 0xFF;
            match c {
                ' ' => {
                    if ('\u{C0}'..='\u{DF}').contains(&prev) || is_c3_image(prev) {
                        return true;
                    }
                    // Other spaces join a run only between two words that are each broken
                    // (and so are caught on their own) or across a bridge.
                    if lead != 0 && chars.clone().next().is_some_and(|n| space_bridges(prev, n)) {
                        return true;
                    }
                }
                '?' if lead != 0 => return true,
                c if !c.is_ascii() && lead & (codepage::roles(c) >> 8) != 0 => return true,
                _ => {}
            }
            pos += c.len_utf8();
            if c.is_ascii() {
                break;
            }
            prev = c;
        }
        i = pos;
    }
    false
}

/// One character of a run as seen through a code page.
#[derive(Clone, Copy)]
enum Unit {
    Byte(u8),
    /// A space that may stand for a lost 0xA0 byte.
    Space,
    /// `?` or U+FFFD: a byte a lossy decoder replaced.
    Lost,
    /// Not representable in this code page.
    Other,
}

fn seq_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

fn is_cont(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// Decodes a complete UTF-8 sequence (no placeholders). CESU-8 surrogate pairs are read as
/// the supplementary character they encode.
fn decode_seq(bytes: &[u8]) -> Option<char> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
}

/// `ED A0..AF xx ED B0..BF xx`: a surrogate pair encoded one half at a time (CESU-8).
fn decode_cesu(units: &[Unit]) -> Option<char> {
    let mut b = [0u8; 6];
    for (slot, u) in b.iter_mut().zip(units) {
        match u {
            Unit::Byte(x) => *slot = *x,
            _ => return None,
        }
    }
    if units.len() < 6
        || b[0] != 0xED
        || !(0xA0..=0xAF).contains(&b[1])
        || !is_cont(b[2])
        || b[3] != 0xED
        || !(0xB0..=0xBF).contains(&b[4])
        || !is_cont(b[5])
    {
        return None;
    }
    let hi = 0xD000 | (u32::from(b[1] & 0x3F) << 6) | u32::from(b[2] & 0x3F);
    let lo = 0xD000 | (u32::from(b[4] & 0x3F) << 6) | u32::from(b[5] & 0x3F);
    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
}

/// Result of reading a run once through a code page.
struct Decoded {
    text: Vec<char>,
    /// Evidence from the multi-byte sequences found.
    bonus: f32,
    sequences: usize,
}

/// The windows-1252 punctuation a C1 control stands for, or the character itself.
pub(super) fn c1_to_punct(c: char) -> char {
    match u8::try_from(u32::from(c)) {
        Ok(b @ 0x80..=0x9F) => codepage::W1252.decode_byte(b),
        _ => c,
    }
}

/// Reads `run` through `cp` once. `lost_a0_after`: the run is followed by a space that may
/// have eaten a trailing 0xA0 (`voilÃ le` for `voilà le`).
/// Blocks a three-byte character rebuilt through a lost 0xA0 may come from: Indic, Thai and
/// Lao, Georgian, Hangul, Latin and Greek extended, punctuation and symbols, CJK and kana,
/// compatibility forms. Anything else from a space is far likelier to be a real space.
fn plausible_through_space(ch: char) -> bool {
    matches!(ch,
        '\u{0900}'..='\u{0EFF}'
            | '\u{10A0}'..='\u{11FF}'
            | '\u{1E00}'..='\u{1FFF}'
            | '\u{2000}'..='\u{27BF}'
            // Of Braille, only the blank pattern: social posts use it as an invisible space.
            | '\u{2800}'
            | '\u{2900}'..='\u{2BFF}'
            | '\u{2E80}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}'
            | '\u{FB00}'..='\u{FFEF}')
}

/// Two lower-case Cyrillic letters, then a Cyrillic letter or the punctuation that ends a
/// word in prose (a `?` may also stand for a lost byte): `её…`, `её”`, `её?`, `дії`. Not after `в` (E2, the symbols block): `вњ…` is `✅`,
/// and no Russian or Ukrainian word has `в` before `њ`, `ё` or `љ`.
fn ends_cyrillic_word(seq: &[char]) -> bool {
    let lower = |c: &char| ('\u{430}'..='\u{45F}').contains(c);
    match seq {
        [a, b, c] => {
            *a != 'в'
                && lower(a)
                && lower(b)
                && (('\u{400}'..='\u{45F}').contains(c)
                    || matches!(
                        c,
                        '…' | '”' | '“' | '»' | '’' | '—' | '–' | '·' | '•' | '\u{A0}' | '?'
                    ))
        }
        _ => false,
    }
}

fn decode_run(run: &[char], cp: &CodePage, lost_a0_after: bool) -> Option<Decoded> {
    let unit = |c: char| match c {
        ' ' => Unit::Space,
        '?' | '\u{FFFD}' => Unit::Lost,
        c => cp.encode_char(c).map_or(Unit::Other, Unit::Byte),
    };
    // Cheap pre-scan without allocating: is there any lead byte followed by something that
    // can continue it? Clean text almost never has one.
    let mut possible = false;
    let mut prev_lead = false;
    for (k, &c) in run.iter().enumerate() {
        let u = unit(c);
        if prev_lead && matches!(u, Unit::Space | Unit::Lost | Unit::Byte(0x80..=0xBF)) {
            possible = true;
            break;
        }
        prev_lead = matches!(u, Unit::Byte(b) if seq_len(b) > 0);
        if prev_lead && lost_a0_after && k + 1 == run.len() {
            possible = true;
        }
    }
    if !possible {
        return None;
    }
    let units: Vec<Unit> = run.iter().map(|&c| unit(c)).collect();
    let mut out = Vec::with_capacity(run.len());
    let mut bonus = 0.0;
    let mut sequences = 0;
    let mut consumed = 0;
    let mut i = 0;
    while let Some(&c) = run.get(i) {
        let lead = match units.get(i) {
            Some(Unit::Byte(b)) => *b,
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        let need = seq_len(lead);
        if need == 0 {
            out.push(c);
            i += 1;
            continue;
        }
        if lead == 0xED
            && let Some(ch) = units.get(i..i + 6).and_then(decode_cesu)
        {
            out.push(ch);
            bonus += 2.5;
            sequences += 1;
            consumed += 6;
            i += 6;
            continue;
        }
        let mut bytes = [lead, 0, 0, 0];
        let mut used_space = false;
        let mut grave = false;
        let mut lost = false;
        let mut ok = true;
        for (k, slot) in bytes.iter_mut().enumerate().take(need).skip(1) {
            match units.get(i + k) {
                Some(Unit::Byte(b)) if is_cont(*b) => *slot = *b,
                Some(Unit::Space) => {
                    *slot = 0xA0;
                    used_space = true;
                }
                Some(Unit::Lost) => {
                    lost = true;
                    *slot = 0x80;
                }
                None if k == 1 && need == 2 && lead == 0xC3 && lost_a0_after => {
                    *slot = 0xA0;
                    grave = true;
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        let decoded = if ok {
            let seq = bytes.get(..need).unwrap_or(&[]);
            // A space stands for a lost 0xA0 in a four-byte sequence only inside an emoji
            // (`ðŸ˜ ` for `😠`): elsewhere the space was a real one, and taking it builds a
            // character from unrelated letters and punctuation (`т“ Ё` → U+A04E8).
            let four_through_space = need == 4
                && used_space
                && decode_seq(seq).is_none_or(|ch| !('\u{1F000}'..='\u{1FAFF}').contains(&ch));
            // Likewise for three bytes: a space that builds a character outside the blocks real
            // documents use, or a CJK character from two letters of a word, was a real space
            // (`её её”` is Russian, not `帠帔`; `Ра ·` is not Samaritan, `Рв —` not Braille).
            let letters_before = run.get(i).is_some_and(|c| c.is_alphabetic())
                && run.get(i + 1).is_some_and(|c| c.is_alphabetic());
            // And a lead glued to a letter left as it was (`Київ» ` is not `Киї⻠`, `Єва· `
            // not `Єв෠`): in real mojibake the character before a lead is itself part of a
            // decoded sequence, or ASCII outside the run.
            let after_raw_letter = i > 0
                && out.last() == run.get(i - 1)
                && run.get(i - 1).is_some_and(|&c| is_alpha(c));
            let three_through_space = need == 3
                && used_space
                && (after_raw_letter
                    || decode_seq(seq).is_some_and(|ch| {
                        !plausible_through_space(ch)
                            || (letters_before
                                && matches!(ch, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}'))
                    }));
            // Likewise a two-byte lead that is a capital glued to a capital left as it was
            // (`MAÇÃ•PÊRA`: `Ç` decodes with nothing, so `Ã•` is `Ã` and a bullet, not `Õ`):
            // in an all-caps word broken whole, `Ç` itself would show as `Ã‡`.
            // Latin capitals only: windows-1251 mojibake is all Cyrillic capitals, and a layer
            // under it leaves some of them as they were (ftfy's in-the-wild-012).
            let latin_cap = |c: &char| c.is_uppercase() && ('\u{C0}'..='\u{24F}').contains(c);
            let caps_after_raw = need == 2
                && after_raw_letter
                && latin_cap(&c)
                && run.get(i - 1).is_some_and(latin_cap);
            if four_through_space || three_through_space || caps_after_raw {
                None
            } else if lost {
                // Only when the rest of the sequence is well formed as far as we can tell.
                decode_seq(seq).map(|_| '\u{FFFD}')
            } else {
                decode_seq(seq)
            }
        } else {
            None
        };
        match decoded {
            Some(ch) => {
                if c1_to_punct(ch) != ch && !std::ptr::eq(cp, &codepage::W1252) {
                    // Only a latin-1 reading makes C1 controls; through any other code page
                    // this sequence is noise.
                    out.push(c);
                    i += 1;
                    continue;
                }
                out.push(ch);
                // Longer sequences are less likely to be valid by chance, except the shape of
                // a Cyrillic word's end: through windows-1251 every lower-case letter up to
                // `п` is a three-byte lead and `ё`, `і`, `ї`, `є` are continuations, so real
                // words make such sequences all the time (`её…` is E5 B8 85, `帅`; `дії` is
                // `䳿`). Those prove nothing alone; CJK mojibake around them still does
                // (`жќ±дє¬`: `±` and `¬` end no word).
                bonus += match need {
                    2 => 0.5,
                    3 if ends_cyrillic_word(run.get(i..i + 3).unwrap_or(&[])) => 0.0,
                    3 => 2.0,
                    _ => 3.0,
                };
                if used_space {
                    bonus += 0.5;
                }
                if grave {
                    bonus += 1.0;
                }
                consumed += need.min(run.len() - i);
                sequences += 1;
                i += need.min(run.len() - i);
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    // In a hopeless garble a few sequences decode by chance among many that do not
    // (`ã†â€™ãƒâ€`); real mojibake decodes almost whole.
    (sequences > 0 && consumed * 2 >= run.iter().filter(|&&c| c != ' ').count()).then_some(
        Decoded {
            text: out,
            bonus,
            sequences,
        },
    )
}

/// Best repair of one run through a chain starting with one code page.
struct Candidate {
    text: Vec<char>,
    gain: f32,
    /// Handicap of this candidate's code page when nothing else on the line supports it.
    prior: f32,
    sequences: usize,
    final_cost: f32,
    /// The repair rebuilds one capital at the end of a word from a capital and closing
    /// punctuation (`IRMÃ…` → `IRMÅ`): where that capital's lead is in the run. See
    /// [`closes_caps_word`].
    fragile: Option<usize>,
}

/// Context of a run in its line: up to two characters each side.
struct Ctx<'a> {
    before: &'a [char],
    after: &'a [char],
    lost_a0_after: bool,
}

// `MAX_LAYERS` bounds the passes in `repair_line_text`.

/// Cost of a repaired text, reading C1 controls as the punctuation they will become.
fn cost_repaired(ctx: &Ctx<'_>, text: &[char]) -> f32 {
    if !text.iter().any(|c| ('\u{80}'..='\u{9F}').contains(c)) {
        return cost(ctx.before, text, ctx.after);
    }
    let mapped: Vec<char> = text.iter().map(|&c| c1_to_punct(c)).collect();
    cost(ctx.before, &mapped, ctx.after)
}

/// Looks ahead through further layers while each layer alone is clearly better, so that a
/// first layer whose result still looks broken (`Г‚ВЈ` → `Â£` → `£`) is judged by where it
/// leads. Returns the deepest text and the extra evidence.
fn look_ahead(text: Vec<char>, ctx: &Ctx<'_>, depth: usize) -> (Vec<char>, f32) {
    if depth >= MAX_LAYERS || text.len() < 2 {
        return (text, 0.0);
    }
    let here = cost_repaired(ctx, &text);
    // Clean already: no further layer can win by the margin it needs.
    if here < 1.0 {
        return (text, 0.0);
    }
    let mut best: Option<(Vec<char>, f32, f32)> = None;
    // Same test as `decode_run`'s own pre-scan, for all code pages in one pass.
    let pages = codepage::possible_pages(&text, ctx.lost_a0_after);
    for (k, cp) in codepage::ALL.iter().enumerate() {
        if pages & (1 << k) == 0 {
            continue;
        }
        let Some(d) = decode_run(&text, cp, ctx.lost_a0_after) else {
            continue;
        };
        let c = cost_repaired(ctx, &d.text) - d.bonus;
        if c + THRESHOLD_ALONE <= here && best.as_ref().is_none_or(|b| c < b.2) {
            best = Some((d.text, d.bonus, c));
        }
    }
    match best {
        Some((t, bonus, _)) => {
            let (t2, b2) = look_ahead(t, ctx, depth + 1);
            (t2, bonus + b2)
        }
        None => (text, 0.0),
    }
}

/// The repair of `run` whose first layer is read through `cp`.
fn candidate(
    run: &[char],
    before: &mut Option<f32>,
    cp: &CodePage,
    ctx: &Ctx<'_>,
) -> Option<Candidate> {
    let d = decode_run(run, cp, ctx.lost_a0_after)?;
    // The run's own cost, computed once and only when some reading decodes.
    let before = *before.get_or_insert_with(|| cost(ctx.before, run, ctx.after));
    // One layer per pass: the replacement is this layer only, and deeper layers are judged in
    // the next pass on the whole line, exactly as if the text had arrived one layer less
    // broken. The look-ahead only informs whether this layer is worth taking.
    let (deepest, b2) = look_ahead(d.text.clone(), ctx, 1);
    let final_cost = cost_repaired(ctx, &deepest);
    let mut gain = before - final_cost + d.bonus + b2;
    // Windows-1252 (with latin-1) is by far the commonest wrong reading; others must do better
    // unless the line already shows them.
    let prior = if std::ptr::eq(cp, &codepage::W1252) {
        0.0
    } else {
        CODE_PAGE_PRIOR
    };
    // Symbols turning into symbols (`¬´` → `«`) prove little, except one C2 sequence read
    // through mac-roman or windows-1251 beside letters or digits (`21 ¬∞C`, `¬© 2024`,
    // `В§ 12`): prose does not glue `¬` or `В` to a symbol.
    // (Not among ASCII punctuation: `` `¬´ `` is a kaomoji.)
    let plain = |c: &char| c.is_ascii_alphanumeric() || c.is_ascii_whitespace();
    // A closing bracket or a stop after it counts as plain too when a letter or digit is
    // glued before it (`(mc¬≤)`, `sin┬▓.`).
    let closing = |c: &char| matches!(c, ')' | ',' | '.' | ';' | ':');
    let c2_pair = matches!(run, ['¬' | 'В' | '┬', _])
        && ctx.before.last().is_none_or(plain)
        && ctx.after.first().is_none_or(|c| {
            plain(c) || (closing(c) && ctx.before.last().is_some_and(char::is_ascii_alphanumeric))
        });
    if !c2_pair && !run.iter().any(|&c| is_alpha(c)) && !deepest.iter().any(|&c| is_alpha(c)) {
        gain *= 0.5;
    }
    let fragile = (d.sequences == 1)
        .then(|| closes_caps_word(run, ctx.before.last(), &d.text, ctx.after.first().copied()))
        .flatten();
    Some(Candidate {
        text: d.text,
        gain,
        prior,
        sequences: d.sequences,
        final_cost,
        fragile,
    })
}

/// Punctuation that closes a word in correct text, and whose windows-1252 byte (0x80..=0xBF)
/// after 0xC3 makes a Latin-1 capital: `…` (Å), `”` (Ô), `’` (Ò), `•` (Õ), `–` (Ö), `—` (×),
/// `™` (Ù), `›` (Û), `»` (û), `®` (î).
fn is_word_closer(c: char) -> bool {
    matches!(c, '…' | '”' | '’' | '•' | '–' | '—' | '™' | '›' | '»' | '®')
}

/// A run that ends a word with a capital lead image and closing punctuation, whose repair
/// decodes only that pair (anything before it in the run stays as it was): `Ã…` in `IRMÃ…`,
/// `ÇÃ•` in `MAÇÃ•PÊRA`. Portuguese capitals end words in `Ã` (`IRMÃ`, `MAÇÃ`, `ALEMÃ`),
/// and all-caps text puts such punctuation right after them; mojibake of `PÅ`, `OÙ` looks the
/// same. Only the rest of the line can tell them apart (`repair_line`).
fn closes_caps_word(
    run: &[char],
    before: Option<&char>,
    repaired: &[char],
    after: Option<char>,
) -> Option<usize> {
    // A `?` after the closer (`ALEMÃ”?`) joins the run; it is the sentence's own.
    let tail = run.iter().rev().take_while(|&&c| c == '?').count();
    let body = run.get(..run.len() - tail).unwrap_or(&[]);
    let [.., lead, closer] = body else {
        return None;
    };
    let after = if tail > 0 { Some('?') } else { after };
    let n = body.len();
    // The letter before the lead: in the run, or just before it.
    let prev = n.checked_sub(3).map_or(before, |k| run.get(k));
    (lead.is_uppercase()
        && prev.is_some_and(|c| c.is_uppercase())
        && is_word_closer(*closer)
        && after.is_none_or(|n| !is_alpha(n))
        && repaired.get(..n - 2) == run.get(..n - 2))
    .then_some(n - 2)
}

/// Clearly better, and clean afterwards (a hopeless garble where a few sequences happen to
/// decode stays as it is).
fn acceptable(c: &Candidate, bar: f32) -> bool {
    c.gain >= bar && c.final_cost <= 2.0 + 0.3 * (c.gain + c.final_cost)
}

/// A run: char range in the line's char vector.
struct Run {
    start: usize,
    end: usize,
    lost_a0_after: bool,
}

/// Characters that are byte 0xC3 in some candidate code page: with a lost 0xA0 after them
/// they were `à`.
fn is_c3_image(c: char) -> bool {
    matches!(c, 'Ã' | 'Г' | '√' | 'Ă' | '├')
}

/// Portuguese words that begin with `à` written as `Ã` + lost 0xA0 + rest: `às`, `àquele`.
fn grave_word_follows(rest: &[char]) -> bool {
    let s: String = rest.iter().take(5).collect();
    s.starts_with("s ") || s == "s" || s.starts_with("quel") || s.starts_with("quil")
}

/// Images of two-byte UTF-8 leads through windows-1252 (`Â`..`ß`).
fn is_two_byte_lead(c: char) -> bool {
    ('\u{C2}'..='\u{DF}').contains(&c)
}

/// Whether a space after `prev` (and `prev2` before it) can stand for a lost 0xA0 inside a
/// UTF-8 sequence: `prev` is a lead, or `prev2` a three/four-byte lead and `prev` a
/// continuation, in one code page. Otherwise the space is a real word break, and a broken first
/// word (`Î¤Î¿ αρχείο`) is judged apart from the clean words after it.
fn space_may_continue(prev: char, prev2: Option<&char>) -> bool {
    let r = codepage::roles(prev);
    let long_lead = prev2.map_or(0, |&p| codepage::roles(p) >> 16);
    (r & 0xFF) != 0 || (long_lead & (r >> 8) & 0xFF) != 0
}

/// `p`, a space, `n` can be one broken stretch: `â €` for `⠀` (E2 A0 80: a three-byte lead, the
/// lost 0xA0, then its last byte) or `Ù Ù¡` for `٠١` (a two-byte lead completed by the lost
/// 0xA0, then the next lead). Leads that are letters only: after punctuation (`” —`) the space
/// is a real one.
fn space_bridges(p: char, n: char) -> bool {
    if !is_alpha(p) {
        return false;
    }
    let (rp, rn) = (codepage::roles(p), codepage::roles(n));
    let long = rp >> 16;
    (long & (rn >> 8) & 0xFF) != 0 || (rp & !long & rn & 0xFF) != 0
}

/// For a space at `space` inside a run starting at `start`: do the words on both sides of it
/// each look broken in some code page (a lead byte followed by a possible continuation)? A
/// clean word beside a broken one (`Р¤Р°Р№Р» настроек`) is kept out of its run, so that the
/// broken word is judged alone.
fn word_may_be_broken(chars: &[char], start: usize, space: usize) -> bool {
    let word_start = chars
        .get(start..space)
        .and_then(|w| w.iter().rposition(|&c| c == ' '))
        .map_or(start, |k| start + k + 1);
    let before = chars.get(word_start..space).unwrap_or(&[]);
    let after_len = chars
        .get(space + 1..)
        .unwrap_or(&[])
        .iter()
        .take_while(|c| !c.is_ascii())
        .count();
    let after = chars.get(space + 1..space + 1 + after_len).unwrap_or(&[]);
    let through = match (before.last(), after.first()) {
        (Some(&p), Some(&n)) => space_bridges(p, n),
        _ => false,
    };
    codepage::possible_pages(before, true) != 0
        && (through || codepage::possible_pages(after, false) != 0)
}

fn find_runs(chars: &[char]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i).is_none_or(char::is_ascii) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while let Some(&c) = chars.get(end) {
            let prev = chars.get(end - 1).copied().unwrap_or(' ');
            let next = chars.get(end + 1).copied();
            let take = if !c.is_ascii() {
                true
            } else if c == '?' {
                !prev.is_ascii()
            } else if c == ' ' {
                !prev.is_ascii()
                    && ((next.is_some_and(|n| !n.is_ascii())
                        && space_may_continue(prev, end.checked_sub(2).and_then(|k| chars.get(k)))
                        && word_may_be_broken(chars, start, end))
                        || prev == 'Â'
                        // `Å veices` for `Šveices`: a lead at a word start, its 0xA0 turned
                        // into a space.
                        || (is_two_byte_lead(prev)
                            && !is_c3_image(prev)
                            && (end < 2 || chars.get(end - 2).is_none_or(|&p| !is_alpha(p)))
                            && next.is_some_and(|n| n.is_ascii_lowercase()))
                        || (is_c3_image(prev)
                            && (next == Some(' ')
                                || grave_word_follows(chars.get(end + 1..).unwrap_or(&[])))))
            } else {
                false
            };
            if !take {
                break;
            }
            end += 1;
        }
        let lost_a0_after =
            chars.get(end - 1).copied().is_some_and(is_c3_image) && chars.get(end) == Some(&' ');
        runs.push(Run {
            start,
            end,
            lost_a0_after,
        });
        i = end.max(start + 1);
    }
    runs
}

/// Dashes that a correctly decoded line holds on their own (` – `); as mojibake they would
/// show as `â€“`.
fn is_typographic(c: char) -> bool {
    matches!(c, '–' | '—')
}

/// Repairs one layer of damage in one line (no `\n` inside). Returns the fixes, in order, as
/// byte ranges of `line`.
pub(super) fn repair_line(line: &str) -> Vec<Fix> {
    if !has_suspect_bytes(line.as_bytes()) {
        return Vec::new();
    }
    let chars: Vec<char> = line.chars().collect();
    let runs = find_runs(&chars);
    // candidates[run][code page]
    let mut table: Vec<Vec<Option<Candidate>>> = Vec::with_capacity(runs.len());
    for run in &runs {
        let slice = chars.get(run.start..run.end).unwrap_or(&[]);
        // No lead followed by a possible continuation in any code page (a lone `é`, a clean
        // Cyrillic word): nothing to try.
        let pages = codepage::possible_pages(slice, run.lost_a0_after);
        if pages == 0 {
            table.push(Vec::new());
            continue;
        }
        let ctx = Ctx {
            before: chars
                .get(run.start.saturating_sub(2)..run.start)
                .unwrap_or(&[]),
            after: chars
                .get(run.end..(run.end + 2).min(chars.len()))
                .unwrap_or(&[]),
            lost_a0_after: run.lost_a0_after,
        };
        let mut before = None;
        table.push(
            codepage::ALL
                .iter()
                .enumerate()
                .map(|(k, cp)| {
                    if pages & (1 << k) == 0 {
                        None
                    } else {
                        candidate(slice, &mut before, cp, &ctx)
                    }
                })
                .collect(),
        );
    }
    let best_gain = |row: &[Option<Candidate>]| {
        row.iter()
            .flatten()
            .map(|c| c.gain - c.prior)
            .fold(f32::NEG_INFINITY, f32::max)
    };
    // Sure: one strong repair, or two that each stand alone.
    let sure = table.iter().any(|row| best_gain(row) >= THRESHOLD_SURE)
        || table
            .iter()
            .filter(|row| best_gain(row) >= THRESHOLD_ALONE)
            .count()
            >= 2;
    // The code page that explains the most of this line wins ties inside it.
    let mut totals = [0.0f32; codepage::ALL.len()];
    for row in &table {
        for (k, c) in row.iter().enumerate() {
            if let (Some(c), Some(t)) = (c, totals.get_mut(k))
                && acceptable(c, THRESHOLD_BESIDE)
            {
                *t += c.gain;
            }
        }
    }
    // The prior counts once per line, not once per run.
    for (t, cp) in totals.iter_mut().zip(codepage::ALL) {
        if !std::ptr::eq(cp, &codepage::W1252) {
            *t -= CODE_PAGE_PRIOR;
        }
    }
    let dominant = (0..totals.len())
        .max_by(|&a, &b| {
            let (ta, tb) = (totals.get(a).copied(), totals.get(b).copied());
            ta.partial_cmp(&tb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    // On a line with a sure repair, that line's code page needs little more evidence; any
    // other code page must stand alone.
    let beside = |c: &&Candidate| sure && acceptable(c, THRESHOLD_BESIDE);
    let ok = |c: &&Candidate| acceptable(c, THRESHOLD_ALONE + c.prior);
    let mut accepted: Vec<(usize, &Candidate)> = Vec::new();
    for (k, row) in table.iter().enumerate() {
        let pick = row
            .get(dominant)
            .and_then(Option::as_ref)
            .filter(|c| beside(c) || ok(c))
            .filter(|c| c.gain + 1.0 >= best_gain(row))
            .or_else(|| {
                row.iter()
                    .flatten()
                    .filter(ok)
                    .fold(None, |best: Option<&Candidate>, c| match best {
                        Some(b) if b.gain - b.prior >= c.gain - c.prior => Some(b),
                        _ => Some(c),
                    })
            });
        if let Some(c) = pick {
            accepted.push((k, c));
        }
    }
    // Repairs that only rebuild a capital closing a word (`IRMÃ…`) are dropped when nothing
    // else on the line is repaired and either there is one of them, closing a word of three
    // capitals or more (`A CAPITÃ” DO TIME` is Portuguese; the short words such damage hits
    // are `OÃ™` for `OÙ`, `PÃ…` for `PÅ`, `BLÃ…` for `BLÅ`), or the line
    // shows it was decoded right (a correct non-ASCII character no code page explains, or one
    // left in the run itself, like `Ç` in `MAÇÃ•`): a windows-1252 reading would have broken
    // those characters too.
    if let [(k, c)] = accepted.as_slice()
        && let Some(lead) = c.fragile
        && runs
            .get(*k)
            .is_some_and(|r| caps_before(&chars, r.start + lead) >= 3)
    {
        return Vec::new();
    }
    if !accepted.is_empty() && accepted.iter().all(|(_, c)| c.fragile.is_some()) {
        let witness = runs.iter().zip(&table).any(|(r, row)| {
            row.is_empty()
                && chars
                    .get(r.start..r.end)
                    .is_some_and(|s| s.iter().any(|c| !c.is_ascii()))
        }) || accepted
            .iter()
            .any(|(_, c)| c.fragile.is_some_and(|lead| lead > 0));
        if witness {
            return Vec::new();
        }
    }
    // One lone two-byte repair in a line that also holds correct typographic punctuation
    // (`Bremer/Mccoy – DrÃ¥ber`): the line was decoded right; the odd pair is likely intended.
    // (`Â©` is never intended, whatever else the line holds, nor a code page's fingerprint
    // like `¬∞` or `≈û`, nor a C1 control.)
    if let [(k, c)] = accepted.as_slice()
        && c.sequences == 1
        && runs
            .get(*k)
            .and_then(|r| chars.get(r.start..r.end))
            .is_some_and(|s| match s {
                [a, b] => {
                    *a != 'Â' && signature(*a, *b, None) < 3.0 && !('\u{80}'..='\u{9F}').contains(b)
                }
                _ => true,
            })
        && runs.get(*k).is_some_and(|r| r.end - r.start == 2)
        && !rebuilds_caps_letter(&chars, runs.get(*k), &c.text)
    {
        let lone_punct = runs.iter().enumerate().any(|(j, r)| {
            j != *k
                && chars
                    .get(r.start..r.end)
                    .is_some_and(|s| s.iter().all(|&ch| is_typographic(ch)))
        });
        if lone_punct {
            return Vec::new();
        }
    }
    let mut offsets = Vec::with_capacity(chars.len() + 1);
    let mut pos = 0;
    for ch in &chars {
        offsets.push(pos);
        pos += ch.len_utf8();
    }
    offsets.push(pos);
    accepted
        .into_iter()
        .filter_map(|(k, c)| {
            let run = runs.get(k)?;
            let start = *offsets.get(run.start)?;
            let end = *offsets.get(run.end)?;
            let replacement: String = c.text.iter().collect();
            (line.get(start..end)? != replacement).then_some(Fix {
                range: start..end,
                replacement,
            })
        })
        .collect()
}

/// How many capitals stand right before `chars[at]`.
fn caps_before(chars: &[char], at: usize) -> usize {
    chars
        .get(..at)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|c| c.is_uppercase())
        .count()
}

/// A repair that makes one capital inside an all-caps word, between two capitals
/// (`OBRIGATÃ“RIO` → `OBRIGATÓRIO`, `GÃ’N` → `GÒN`): a writer who glues a capital and a
/// symbol into the middle of a capitalised word is far rarer than such damage.
fn rebuilds_caps_letter(chars: &[char], run: Option<&Run>, repaired: &[char]) -> bool {
    let Some(run) = run else {
        return false;
    };
    let before = run.start.checked_sub(1).and_then(|k| chars.get(k));
    let after = chars.get(run.end);
    let before2 = run.start.checked_sub(2).and_then(|k| chars.get(k));
    matches!(repaired, [c] if c.is_uppercase())
        && before.is_some_and(|c| c.is_uppercase())
        && (after.is_some_and(|c| c.is_uppercase())
            || (after.is_none_or(|&c| !is_alpha(c)) && before2.is_some_and(|c| c.is_uppercase())))
}

/// C1 controls that windows-1252 defines as punctuation (`\u{93}` for `“`): a latin-1 reader
/// turned the real character into a control. The five bytes windows-1252 leaves undefined
/// stay as they are.
pub(super) fn fix_c1(line: &str) -> Vec<Fix> {
    let mut fixes = Vec::new();
    for (i, c) in line.char_indices() {
        if ('\u{80}'..='\u{9F}').contains(&c) {
            let Ok(b) = u8::try_from(u32::from(c)) else {
                continue;
            };
            let r = codepage::W1252.decode_byte(b);
            if r != c {
                fixes.push(Fix {
                    range: i..i + c.len_utf8(),
                    replacement: r.to_string(),
                });
            }
        }
    }
    fixes
}

fn apply(line: &str, fixes: &[Fix]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    for f in fixes {
        if f.range.start < pos {
            continue;
        }
        out.push_str(line.get(pos..f.range.start).unwrap_or(""));
        out.push_str(&f.replacement);
        pos = f.range.end;
    }
    out.push_str(line.get(pos..).unwrap_or(""));
    out
}

/// Repairs one line through as many passes as layered damage needs. `None` when unchanged.
pub(super) fn repair_line_text(line: &str) -> Option<String> {
    if !needs_work(line) {
        return None;
    }
    repair_line_passes(line)
}

/// Most passes one line may take. Every pass shortens the line or removes a C1 control or a
/// `Ã` before a lost 0xA0, so passes always run out; the cap only bounds hostile input.
const MAX_PASSES: usize = 2 * MAX_LAYERS + 2;

/// `repair_line_text` without the quick check.
///
/// Passes run until one changes nothing, so that the result is a fixed point and a second
/// repair finds nothing to do. C1 controls become punctuation only when no layer is left to
/// undo (a layer may still read them as bytes), and that punctuation can itself close a layer:
/// `\u{83}ç\u{83}` becomes `ƒçƒ`, which is mac-roman for `č` + `ƒ`. A line that has not settled
/// within [`MAX_PASSES`] is left as it is, rather than handed back half-repaired.
fn repair_line_passes(line: &str) -> Option<String> {
    let mut current = line.to_string();
    for _ in 0..MAX_PASSES {
        let mut fixes = repair_line(&current);
        if fixes.is_empty() {
            fixes = fix_c1(&current);
        }
        if fixes.is_empty() {
            return (current != line).then_some(current);
        }
        current = apply(&current, &fixes);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick check may say "work" for clean text, but never "no work" for text the full
    /// repair would change: broken variants of every corpus line through every code page,
    /// one and two layers, whole and truncated at each character.
    #[test]
    fn quick_check_never_hides_a_repair() {
        let corpus = include_str!("../../tests/fixtures/encoding/clean.txt");
        let mut checked = 0;
        for line in corpus.lines() {
            let mut variants = vec![line.to_string()];
            for cp in codepage::ALL {
                let once: String = line.bytes().map(|b| cp.decode_byte(b)).collect();
                let twice: String = once
                    .bytes()
                    .map(|b| codepage::W1252.decode_byte(b))
                    .collect();
                variants.push(once);
                variants.push(twice);
            }
            for v in variants {
                let cuts: Vec<usize> = v.char_indices().map(|(i, _)| i).step_by(7).collect();
                for cut in cuts {
                    let Some(piece) = v.get(cut..) else { continue };
                    if !needs_work(piece) {
                        assert_eq!(repair_line_passes(piece), None, "{piece}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn quick_check_passes_ordinary_text() {
        for s in [
            "café, naïve, déjà vu",
            "It’s the “best” — really…",
            "Ελληνικά и русский текст",
            "日本語のテキスト",
            "São Paulo às três",
        ] {
            assert!(!needs_work(s), "{s}");
        }
        for s in [
            "cafÃ©",
            "Letâ€™s",
            "РџСЂРёРІРµС‚",
            "\u{93}quoted\u{94}",
            "voilÃ le",
        ] {
            assert!(needs_work(s), "{s}");
        }
    }
}
