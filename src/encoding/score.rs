//! How mojibake-like a piece of text looks ("cost"): the signal that must drop before a
//! re-decode is accepted.
//!
//! The shapes it prices come from how UTF-8 looks through a single-byte code page: a lead byte
//! (`Ã`, `Â`, `â`, `Ð`, `√`, `Р`, `├`...) glued to continuation bytes that show as symbols or
//! punctuation (`©`, `€`, `™`, `°`, `‚`...), C1 controls, capitals inside lower-case words, and
//! scripts mixed inside one word. Decoded text pays for being unusual in its own way: IPA and
//! rare Latin letters, private-use characters, a letter of another script glued to Latin
//! letters. The weights were tuned on ftfy's public test cases and on our own clean corpus.

use super::codepage::{self, CodePage};

/// Weight of `c` as the image of a UTF-8 lead byte.
fn lead_weight(c: char) -> f32 {
    match c {
        // C2/C3 in latin-1 and windows-1252, C3 in mac-roman: the most common leads.
        'Â' | 'Ã' | '√' => 4.0,
        // Cyrillic leads (D0/D1) through latin-1 and windows-1251; windows-1250 C3/C5.
        'Ð' | 'Ñ' | 'Р' | 'С' | 'Ă' | 'Ĺ' | 'Đ' => 3.0,
        // E2 (punctuation) through latin-1; F0 (emoji).
        'â' | 'ð' => 2.0,
        'À'..='ß' => 2.0,
        // Windows-1251 C3..C6 (`Г©` for `é`, `Д“` for `ē`).
        'Г' | 'Д' | 'Е' | 'Ж' => 1.5,
        // Windows-1251 C2 (`В©` for `©`).
        'В' => 1.0,
        // Mac-roman leads that show as symbols.
        '¬' | 'ƒ' | '≈' | '◊' | 'ÿ' | 'Ÿ' => 2.0,
        // Other three-byte leads through latin-1 (E0..EF) and mac-roman E2 (`‚`).
        'à'..='ï' | '‚' | 'в' | 'П' | 'Ń' | 'Ř' | 'Ů' | 'Č' => 1.0,
        '\u{2500}'..='\u{259F}' => 1.0,
        'ñ'..='ô' => 1.0,
        _ => 0.0,
    }
}

/// Weight of `c` as the image of a UTF-8 continuation byte (0x80..=0xBF).
fn cont_weight(c: char) -> f32 {
    match c {
        '\u{80}'..='\u{9F}' => 2.0,
        // Punctuation that often follows a word in real text.
        '…' | '’' | '”' | '“' | '‘' | '–' | '—' | '®' | 'ª' | 'º' | '\u{A0}' | '›' | '»' => {
            1.0
        }
        '™' => 0.5,
        // A byte a lossy decoder replaced.
        '\u{FFFD}' => 1.5,
        '?' => 1.0,
        // Spacing accents at 0x80..=0xBF of windows-1250 and friends.
        'ˇ' | '˘' | '˙' | '˛' | '˝' => 2.0,
        '¡'..='¿' | '€' | '‚' | 'ƒ' | '„' | '†' | '‡' | 'ˆ' | '‰' | '‹' | '•' | '˜' => {
            2.0
        }
        'Š' | 'Œ' | 'Ž' | 'š' | 'œ' | 'ž' | 'Ÿ' => 1.5,
        '≠' | '∞' | '≤' | '≥' | '∂' | '∑' | '∏' | 'π' | '∫' | 'Ω' => 2.0,
        // cp437 0xB0..=0xBF and friends.
        '\u{2500}'..='\u{259F}' => 1.0,
        // Rare Cyrillic letters that windows-1251 puts at 0x80..=0xBF.
        'Ђ' | 'Ѓ' | 'ѓ' | 'Љ' | 'Њ' | 'Ќ' | 'Ћ' | 'Џ' | 'ђ' | 'љ' | 'њ' | 'ќ' | 'ћ' | 'џ' | 'Ў'
        | 'ў' | 'Ј' | 'Ґ' | 'ґ' | 'Ѕ' | 'ѕ' | 'ј' => 1.5,
        c if !c.is_ascii() && is_alpha(c) => 0.5,
        _ => 0.0,
    }
}

/// `char::is_alphabetic`, answered without a table lookup for the blocks mojibake lives in.
pub(super) fn is_alpha(c: char) -> bool {
    // Every two-byte UTF-8 character (U+0080..=U+07FF) from a bit table: candidate decodes
    // land all over that range (IPA, combining marks, Syriac), where the library's lookup is
    // slow.
    static LOW: std::sync::OnceLock<[u64; 32]> = std::sync::OnceLock::new();
    let cp = u32::from(c);
    if cp < 0x800 {
        let bits = LOW.get_or_init(|| {
            let mut t = [0u64; 32];
            for (k, slot) in (0u32..0x800).zip(0..) {
                if char::from_u32(k).is_some_and(char::is_alphabetic)
                    && let Some(w) = t.get_mut(slot / 64)
                {
                    *w |= 1 << (slot % 64);
                }
            }
            t
        });
        return bits
            .get((cp / 64) as usize)
            .is_some_and(|w| w & (1 << (cp % 64)) != 0);
    }
    match cp {
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xB5 | 0xBA => true,
        0..=0xBF | 0xD7 | 0xF7 => false,
        0xC0..=0x24F => true,
        0x386 | 0x388..=0x38A | 0x38C | 0x38E..=0x3A1 | 0x3A3..=0x3F5 | 0x3F7..=0x3FF => true,
        0x400..=0x481 | 0x48A..=0x52F | 0x5D0..=0x5EA | 0x620..=0x64A => true,
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => true,
        // Punctuation, currency (`€`), `№`, `™`: the commonest mojibake characters, so kept
        // off the slow Unicode lookup.
        0x2000..=0x206F | 0x20A0..=0x20FF | 0x2116 | 0x2122 => false,
        0x2190..=0x24B5 | 0x24EA..=0x2BFF | 0xFF01..=0xFF20 => false,
        _ => c.is_alphabetic(),
    }
}

/// Script of a letter, coarse. `None` for non-letters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Thai,
    Other,
}

fn script(c: char) -> Option<Script> {
    if !is_alpha(c) {
        return None;
    }
    Some(match u32::from(c) {
        0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFB00..=0xFB06 => {
            Script::Latin
        }
        0x250..=0x2AF | 0x1D00..=0x1DBF => Script::Other,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        0x530..=0x58F => Script::Armenian,
        0x590..=0x5FF => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F => Script::Arabic,
        0xE00..=0xE7F => Script::Thai,
        _ => Script::Other,
    })
}

/// How odd a single character is in running text.
fn char_cost(c: char) -> f32 {
    match u32::from(c) {
        0x80..=0x9F => 6.0,
        0xFFFD => 1.0,
        0x149 => 1.0,
        0x17F | 0x138 => 2.0,
        0x218..=0x21B | 0x1C4..=0x1CC => 0.5,
        0x180..=0x24F => 1.5,
        0x250..=0x2AF => 3.0,
        0x2C6 | 0x2C7 | 0x2D8..=0x2DD => 1.0,
        // Other spacing modifier letters (`ʸ`, `˥`): phonetics only. The ones prose uses
        // (`ʻ`, `ʼ`, `ˈ`, `ˌ`, `ː`) stay free.
        0x2B0..=0x2BA | 0x2BD..=0x2C5 | 0x2C9..=0x2CB | 0x2CD..=0x2CF | 0x2D1..=0x2D7 => 1.0,
        0x2DE..=0x2FF => 1.0,
        // Combining marks are rare in composed text, and mac-roman readings make them.
        0x300..=0x33F => 0.5,
        // The rest of the block is medieval and phonetic marks nobody types; an all-caps word
        // makes them through windows-1252 (`PŘÍŠTĚ`: `Í` + `Š` is CD 8A, U+034A).
        0x340..=0x36F => 3.0,
        0x1D00..=0x1DBF => 3.0,
        // Arabic Quranic annotation marks: `Ø•` in `T•Ø•R•Ü•S` would become U+0615.
        0x610..=0x61A => 3.0,
        0x700..=0x7FF => 2.0,
        0xE000..=0xF8FF => 4.0,
        0x221A => 2.0,
        // Noncharacters: never in text.
        0xFDD0..=0xFDEF | 0xFFFE | 0xFFFF => 8.0,
        // Historic scripts of plane 1 (Linear B, Gothic, cuneiform...): `ð` + a C1 control
        // + two symbols decodes there by chance.
        0x1_0000..=0x1_CFFF => 2.0,
        // Tags and variation selectors (flag and emoji sequences) are real.
        0xE_0000..=0xE_007F | 0xE_0100..=0xE_01EF => 0.0,
        // Planes 3..=16: CJK extensions nobody types, unassigned planes, private use. A
        // four-byte sequence made from a code page's lead, symbols and a space taken for a
        // lost no-break space (`т“ Ё` → U+A04E8 through windows-1251) lands here.
        0x3_0000.. => 8.0,
        // A code point no version of Unicode has assigned is never in text, whatever its
        // block: `déjà· мир` read as UTF-8 with the space taken for a lost no-break space
        // (`à·` + A0) "decodes" to U+0DE0, a hole in the Sinhala block.
        _ if is_unassigned(c) => 8.0,
        _ => 0.0,
    }
}

/// Whether `c` is unassigned in the Unicode version the `unicode-general-category` crate
/// carries (the same tables `jsonschema` already pulls in).
fn is_unassigned(c: char) -> bool {
    use unicode_general_category::{GeneralCategory, get_general_category};
    c > '\u{7F}' && get_general_category(c) == GeneralCategory::Unassigned
}

fn is_lower(c: char) -> bool {
    c.is_lowercase()
}

fn is_non_ascii_upper(c: char) -> bool {
    !c.is_ascii() && c.is_uppercase()
}

/// Whether `cp` shows some continuation byte (0x80..=0xBF) as `c`.
fn is_cont_in(cp: &CodePage, c: char) -> bool {
    cp.encode_char(c)
        .is_some_and(|b| (0x80..=0xBF).contains(&b))
}

/// Pairs that are the fingerprint of one code page's reading of a UTF-8 lead and continuation
/// and that correct text practically never glues together: mac-roman `‚Äô` (E2 80 ..),
/// `¬©`, `ƒç`, `≈°`, `»ô`, `–∞`; windows-1251 `В«`, `вЂ`, `Г©`; windows-1250 `ĂĽ`, `ÄŤ`.
/// The generic lead × continuation weights price these too low, because the continuation is
/// an ordinary accented letter in that code page.
pub(super) fn signature(a: char, b: char, after: Option<char>) -> f32 {
    if b.is_ascii() {
        return 0.0;
    }
    // Cp437: `┬` (C2) before a shade, a block or a letter of the upper half (`30┬░` for `30°`,
    // `┬▒` for `±`, `┬╡` for `µ`). Box art puts after `┬` only what connects to its right
    // (`─`, `┬`, `┐`, `┤`, `┴`, `┼`), and `┐`/`┤`/`│` are left out.
    if a == '┬' && !matches!(b, '┐' | '┤' | '│') && is_cont_in(&codepage::CP437, b) {
        return 3.0;
    }
    // The pair must decode to something a writer means: not a C1 control or a combining mark
    // (`¬ô` would be U+0099; the real text was `¬` then `ô`).
    let means_something = |cp: &CodePage| match (cp.encode_char(a), cp.encode_char(b)) {
        (Some(l @ 0xC2..=0xDF), Some(c)) => {
            let u = (u32::from(l & 0x1F) << 6) | u32::from(c & 0x3F);
            !(0x80..=0x9F).contains(&u) && !(0x300..=0x36F).contains(&u)
        }
        _ => true,
    };
    let mac = match a {
        '‚' => 4.0,
        '¬' | 'ƒ' | '≈' | '∆' | 'Œ' | 'œ' => 3.0,
        '–' | '—' | '·' | '…' => 2.5,
        // Romanian `ș`/`ț`/`Ș` only: German quotes `»Über«` glue `»` to letters for real.
        '»' if matches!(b, 'ô' | 'õ' | 'ò') => 3.0,
        _ => 0.0,
    };
    if mac > 0.0 && is_cont_in(&codepage::MAC_ROMAN, b) && means_something(&codepage::MAC_ROMAN) {
        return mac;
    }
    // Windows-1251: Cyrillic capitals and `в` before a symbol (Cyrillic letters at 0x80..=0xBF
    // are left out: `ВІН` is Ukrainian).
    if matches!(a, 'В' | 'в' | 'Г' | 'Е' | 'Д' | 'Т' | 'О' | 'П')
        && (!is_alpha(b) || b == 'µ')
        && is_cont_in(&codepage::W1251, b)
    {
        return 3.0;
    }
    // Serbian and Macedonian letters glued after another capital (`Гѓ` for `Ã`, `ПЂ` for `π`):
    // no word starts that way.
    if matches!(a, 'В' | 'Г' | 'О' | 'П')
        && matches!(b, 'Ђ' | 'ђ' | 'Ѓ' | 'ѓ' | 'Ќ' | 'ќ' | 'Ћ' | 'ћ' | 'Џ' | 'џ')
    {
        return 3.0;
    }
    // Lower-case letters no Cyrillic word puts right after these capitals (`Оё` for `θ`,
    // `Гў` for `â`, `ВЄ` for `ª`); `Ві`/`ВІ` are left out, Ukrainian starts words so.
    if (matches!(a, 'Г' | 'О' | 'П') && matches!(b, 'ј' | 'ґ' | 'ў' | 'ѕ' | 'Ѕ' | 'Ґ'))
        || (a == 'В' && matches!(b, 'Є' | 'є' | 'ј' | 'ґ' | 'ў' | 'ѕ' | 'Ѕ'))
    {
        return 3.0;
    }
    // `Гё`/`Пё` open Russian words (`Гёте`, `Пётр`, `пёс`): only a fingerprint (`ø`, `ϸ` + a
    // continuation) when no Cyrillic letter follows. `Оё` (`θ`) starts no word.
    if (a == 'О'
        || (matches!(a, 'Г' | 'П') && after.is_none_or(|n| script(n) != Some(Script::Cyrillic))))
        && b == 'ё'
    {
        return 3.0;
    }
    // Letters only: `Ă™` and `Ä` + no-break space are Romanian and Finnish capitals before a
    // symbol.
    // (`Ä™`/`Ĺ™` are `ę`/`ř`, too common to leave out.)
    if matches!(a, 'Ă' | 'Ä' | 'Ĺ' | 'Ď' | 'Ń')
        && (is_alpha(b) || (b == '™' && a != 'Ă'))
        && is_cont_in(&codepage::W1250, b)
        && means_something(&codepage::W1250)
    {
        return 3.0;
    }
    // Greek through windows-1252 (CE/CF leads): `Î—` for `Η`, `Ï€` for `π`. French `Île`
    // glues `Î` to letters, never to these.
    if matches!(a, 'Î' | 'Ï')
        && codepage::W1252
            .encode_char(b)
            .is_some_and(|x| (0x80..=0x9F).contains(&x))
    {
        return 3.0;
    }
    0.0
}

/// Nonspacing marks of the blocks a wrong decode lands in (approximate, no table): Latin
/// combining diacritics, Cyrillic, Hebrew and Arabic marks, Devanagari signs, Thai and Lao vowel
/// and tone marks (`аё` + `ё` through windows-1251 is E0 B8 B8, Thai U+0E38).
fn is_combining(c: char) -> bool {
    matches!(u32::from(c),
        0x300..=0x36F
        | 0x483..=0x489
        | 0x591..=0x5BD
        | 0x5BF | 0x5C1 | 0x5C2 | 0x5C4 | 0x5C5 | 0x5C7
        | 0x610..=0x61A
        | 0x64B..=0x65F
        | 0x670
        | 0x6D6..=0x6DC
        | 0x6DF..=0x6E4
        | 0x6E7 | 0x6E8
        | 0x6EA..=0x6ED
        | 0x900..=0x902
        | 0x93C
        | 0x941..=0x948
        | 0x94D
        | 0xE31
        | 0xE34..=0xE3A
        | 0xE47..=0xE4E
        | 0xEB1
        | 0xEB4..=0xEBC
        | 0xEC8..=0xECD
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F)
}

/// Whether `√` + `b` read through mac-roman (byte 0xC3 + `b`'s byte) makes a letter that can
/// stand where it stands: at the start of a word (`prev` is no letter), followed by `after`.
/// Real mac-roman damage puts `√` inside words (`Espa√±a`), or makes a one-letter word
/// (`√©` for Portuguese `é`, `√†` for `à`) or a word's first letter (`√ºber`). Mathematics
/// writes `√` before a symbol (`√±9`, `√¼ = ½`, `√µ`), and those letters stand alone or begin no
/// word (`ñ9`, `ü =`, `õ`).
fn mac_root_makes_word(b: char, after: Option<char>) -> bool {
    let Some(byte) = codepage::MAC_ROMAN.encode_char(b) else {
        return false;
    };
    let Some(letter) = std::str::from_utf8(&[0xC3, byte])
        .ok()
        .and_then(|s| s.chars().next())
    else {
        return false;
    };
    // `√ó` is `×`, `√∑` is `÷`: signs, judged as usual.
    if !is_alpha(letter) {
        return true;
    }
    match after {
        Some(n) if is_alpha(n) => {
            // No word begins with `ã`/`õ`, and `ñ` begins one only before a vowel (`ñu`).
            !matches!(letter, 'ã' | 'õ' | 'Ã' | 'Õ')
                && (letter != 'ñ' || matches!(n, 'a' | 'e' | 'i' | 'o' | 'u'))
        }
        _ => matches!(
            letter,
            // (`Å` alone is the ångström.)
            'à' | 'é' | 'è' | 'ó' | 'ò' | 'À' | 'Á' | 'Å' | 'É' | 'È' | 'Ó' | 'Ò'
        ),
    }
}

/// Whether box-drawing `a` reaches right with the same line (single or double) that `b`
/// reaches left with: `├┤`, `╠╣` are art; `├╝`, `┬░` are not.
fn box_joins(a: char, b: char) -> bool {
    let right = match a {
        '┬' | '├' | '─' | '┼' | '╟' | '╨' | '╥' | '╙' | '╓' | '╫' | '┌' | '└' | '┴' => {
            1
        }
        '╞' | '╚' | '╔' | '╩' | '╦' | '╠' | '═' | '╬' | '╧' | '╤' | '╘' | '╒' | '╪' => {
            2
        }
        _ => 0,
    };
    let left = match b {
        '┤' | '┐' | '╢' | '╖' | '╜' | '─' | '┬' | '┴' | '┼' | '┘' => 1,
        '╡' | '╕' | '╣' | '╗' | '╝' | '╛' | '═' | '╦' | '╩' | '╬' => 2,
        _ => 0,
    };
    right != 0 && right == left
}

/// How odd the adjacent pair `a b` is; `prev` is the character before `a`, `after` the one
/// after `b` (for apostrophes).
fn pair_cost(prev: Option<char>, a: char, b: char, after: Option<char>) -> f32 {
    if a.is_ascii() && b.is_ascii() {
        return 0.0;
    }
    let mut cost = signature(a, b, after);
    let lw = lead_weight(a);
    if lw > 0.0 {
        let mut cw = cont_weight(b);
        // `’s`, `’t`: an apostrophe, not a continuation byte.
        // (Not before a capital after `Ã`: `GÃ’N` is `GÒN` in an all-caps line.)
        if b == '’'
            && after.is_some_and(|n| n.is_ascii_lowercase() || (n.is_ascii_uppercase() && a != 'Ã'))
        {
            cw = 0.0;
        }
        // After the two commonest leads, even mild punctuation is suspicious (`OÃ™`).
        if matches!(a, 'Ã' | 'Â') && cw > 0.0 {
            cw = cw.max(1.0);
        }
        // `√π`, `√2`: real mathematics.
        if a == '√' && (script(b) == Some(Script::Greek) || b.is_ascii()) {
            cw = 0.0;
        }
        // `√±9`, `√¼ = ½`: a root sign before a symbol, not a broken word.
        // (Signs and `µ` only: `√É` alone names the letter `Ã`.)
        if a == '√'
            && (!is_alpha(b) || b == 'µ')
            && prev.is_none_or(|p| !is_alpha(p))
            && !mac_root_makes_word(b, after)
        {
            cw = 0.0;
        }
        cost += lw * cw;
    } else {
        let (ca, cb) = (cont_weight(a), cont_weight(b));
        if ca >= 1.5 && cb >= 1.5 {
            cost += 1.0;
        }
    }
    if is_lower(a) && is_non_ascii_upper(b) {
        cost += 2.0;
    }
    match (script(a), script(b)) {
        // Greek letters glued to Latin ones are common in science (`IL2Rγc`, `TNFα`).
        (Some(Script::Greek), Some(Script::Latin)) | (Some(Script::Latin), Some(Script::Greek)) => {
            cost += 0.5;
        }
        (Some(sa), Some(sb)) if sa != sb => cost += 2.0,
        (Some(s), None) | (None, Some(s)) if s != Script::Latin => {
            let other = if is_alpha(a) { b } else { a };
            if other.is_ascii_digit() {
                cost += 1.0;
            }
        }
        _ => {}
    }
    let is_box = |c: char| ('\u{2500}'..='\u{259F}').contains(&c);
    // Cp437: a box-drawing lead and a box-drawing continuation glued to a letter (`m├╝ssen`
    // for `müssen`, `a├▒o` for `año`), unless the two join as art does (`├┤`, `┼┐`: a single
    // line meets a single line, a double a double), which ftfy's negative cases glue to letters.
    if is_box(a)
        && is_box(b)
        && !box_joins(a, b)
        && codepage::CP437
            .encode_char(a)
            .is_some_and(|x| (0xC2..=0xDF).contains(&x))
        && is_cont_in(&codepage::CP437, b)
        && (prev.is_some_and(is_alpha) || after.is_some_and(is_alpha))
    {
        cost += 3.0;
    }
    if (is_box(a) && is_alpha(b)) || (is_box(b) && is_alpha(a)) {
        cost += if a.is_ascii() || b.is_ascii() {
            1.0
        } else {
            3.0
        };
    }
    // A symbol between two letters (`n÷m`) is rarely meant.
    if is_alpha(a)
        && after.is_some_and(is_alpha)
        && !b.is_ascii()
        && !is_alpha(b)
        && !matches!(b, '’' | '‘' | '\u{A0}' | '·' | '\u{AD}' | '–' | '—')
        && !('\u{300}'..='\u{36F}').contains(&b)
    {
        cost += 1.5;
    }
    // A combining mark after a space or punctuation has nothing to combine with.
    if is_combining(b) && !(is_alpha(a) || a.is_ascii_digit()) {
        cost += 2.0;
    }
    cost
}

/// Cost of `text` between the context `before` and `after` (up to two characters each;
/// context characters are not priced alone, only their pairs with the text).
pub(super) fn cost(before: &[char], text: &[char], after: &[char]) -> f32 {
    let mut total: f32 = text.iter().map(|&c| char_cost(c)).sum();
    // A combining mark opening the line has nothing to combine with (the pair rule below
    // prices one after a space or punctuation).
    if before.is_empty() && text.first().is_some_and(|&c| is_combining(c)) {
        total += 2.0;
    }
    let (nb, nt) = (before.len(), text.len());
    // The window before + text + after, without allocating it.
    let at = |i: usize| -> Option<char> {
        if i < nb {
            before.get(i).copied()
        } else if i < nb + nt {
            text.get(i - nb).copied()
        } else {
            after.get(i - nb - nt).copied()
        }
    };
    for i in 1..nb + nt + after.len() {
        let (Some(a), Some(b)) = (at(i - 1), at(i)) else {
            continue;
        };
        total += pair_cost(i.checked_sub(2).and_then(at), a, b, at(i + 1));
        // A lower-case letter closing an ALL-CAPS word (`AHř`, `SÖģ`) is a sign of a
        // wrong decode.
        if i >= 2
            && !b.is_ascii()
            && b.is_lowercase()
            && a.is_uppercase()
            && at(i - 2).is_some_and(|c| c.is_uppercase())
        {
            total += 3.0;
        }
        // ... or squeezed between capitals (`MģÄM`).
        if i >= 2
            && !a.is_ascii()
            && a.is_lowercase()
            && b.is_uppercase()
            && at(i - 2).is_some_and(|c| c.is_uppercase())
        {
            total += 3.0;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> f32 {
        let v: Vec<char> = s.chars().collect();
        cost(&[], &v, &[])
    }

    #[test]
    fn mojibake_costs_more_than_its_repair() {
        assert!(c("cafÃ©") > c("café") + 5.0);
        assert!(c("Letâ€™s") > c("Let’s") + 3.0);
        assert!(c("РїСЂРёРІРµС‚") > c("привет") + 5.0);
    }

    #[test]
    fn fast_letter_test_agrees_with_unicode() {
        let bad: Vec<u32> = (0..0x1_0000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_alpha(c) != c.is_alphabetic())
            .map(u32::from)
            .collect();
        assert!(bad.is_empty(), "{:x?}", &bad[..bad.len().min(40)]);
    }

    #[test]
    fn ordinary_text_is_cheap() {
        for s in [
            "naïve café",
            "Ελληνικά",
            "дорога",
            "日本語",
            "Łódź",
            "ação",
            "It’s",
        ] {
            assert!(c(s) < 1.0, "{s}: {}", c(s));
        }
    }
}
