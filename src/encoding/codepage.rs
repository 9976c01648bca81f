//! Single-byte code pages as reversible maps between characters and bytes.
//!
//! Mojibake is UTF-8 bytes shown through a single-byte code page; undoing it means encoding the
//! characters back into that code page. Undefined slots of the Windows code pages read as the C1
//! control of the same value, and windows-1252 also takes every C1 control as its byte, because
//! a latin-1 reader (its near twin) produces those controls from real bytes.

use std::sync::OnceLock;

use super::tables;

/// One candidate code page.
pub(super) struct CodePage {
    /// Name, for diagnostics and tests.
    pub name: &'static str,
    /// Characters of bytes 0x80..=0xFF.
    upper: &'static [char; 128],
    /// Whether every C1 control also reads as its byte (latin-1 readers make those).
    c1_sloppy: bool,
    /// (char, byte) sorted by char, for encoding.
    reverse: OnceLock<Vec<(char, u8)>>,
}

impl CodePage {
    const fn new(name: &'static str, upper: &'static [char; 128], c1_sloppy: bool) -> Self {
        CodePage {
            name,
            upper,
            c1_sloppy,
            reverse: OnceLock::new(),
        }
    }

    /// The character that byte `b` shows as.
    pub fn decode_byte(&self, b: u8) -> char {
        if b < 0x80 {
            char::from(b)
        } else {
            self.upper
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{FFFD}')
        }
    }

    /// The byte that shows as `c`, if any.
    pub fn encode_char(&self, c: char) -> Option<u8> {
        let cp = u32::from(c);
        if cp < 0x80 {
            return u8::try_from(cp).ok();
        }
        if self.c1_sloppy && (0x80..=0x9F).contains(&cp) {
            // Sloppy reading: a C1 control stands for its own byte.
            return u8::try_from(cp).ok();
        }
        let reverse = self.reverse.get_or_init(|| {
            let mut v: Vec<(char, u8)> =
                (0x80u8..=0xFF).map(|b| (self.decode_byte(b), b)).collect();
            v.sort_unstable();
            v
        });
        reverse
            .binary_search_by_key(&c, |&(ch, _)| ch)
            .ok()
            .and_then(|i| reverse.get(i))
            .map(|&(_, b)| b)
    }
}

/// Windows-1252 (and latin-1, through the C1 rule): by far the most common mis-reading.
pub(super) static W1252: CodePage = CodePage::new("windows-1252", &tables::W1252, true);
/// Mac OS Roman: `√©` for `é`, `‚Äô` for `’`.
pub(super) static MAC_ROMAN: CodePage = CodePage::new("mac-roman", &tables::MAC_ROMAN, false);
/// Windows-1250 (central Europe): `Ă©` for `é`, `Ĺ›` for `ś`.
pub(super) static W1250: CodePage = CodePage::new("windows-1250", &tables::W1250, false);
/// Windows-1251 (Cyrillic): `Р°` for `а`, `вЂ™` for `’`.
pub(super) static W1251: CodePage = CodePage::new("windows-1251", &tables::W1251, false);
/// IBM code page 437 (DOS consoles): `├®` for `é`, `╨┐` for `п`.
pub(super) static CP437: CodePage = CodePage::new("cp437", &tables::CP437, false);
/// ISO 8859-2 (Latin-2).
pub(super) static ISO8859_2: CodePage = CodePage::new("iso-8859-2", &tables::ISO8859_2, false);
/// Windows-1257 (Baltic): `ÄÆ` for `į`.
pub(super) static W1257: CodePage = CodePage::new("windows-1257", &tables::W1257, false);

/// Candidates in order of preference (ties go to the earlier one).
pub(super) static ALL: [&CodePage; 7] = [
    &W1252, &MAC_ROMAN, &W1250, &W1251, &CP437, &ISO8859_2, &W1257,
];

/// What a character can be in each candidate code page: bit `k` of the low byte says it is a
/// UTF-8 lead byte (0xC2..=0xF4) in `ALL[k]`, bit `k` of the second byte a continuation byte
/// (0x80..=0xBF), bit `k` of the third byte the lead of a three- or four-byte sequence
/// (0xE0..=0xF4). One table, built on first use, lets clean text skip every per-code-page
/// attempt with a single lookup per character.
/// Roles of U+0000..=U+07FF by index, and of the few higher characters, sorted.
type RoleTable = (Vec<u32>, Vec<(char, u32)>);

pub(super) fn roles(c: char) -> u32 {
    static TABLE: OnceLock<RoleTable> = OnceLock::new();
    let (low, high) = TABLE.get_or_init(|| {
        let mut low = vec![0u32; 0x800];
        let mut high: Vec<(char, u32)> = Vec::new();
        for (k, cp) in ALL.iter().enumerate() {
            for b in 0x80u8..=0xFF {
                let role: u32 = match b {
                    0x80..=0xBF => 0x100 << k,
                    0xC2..=0xDF => 1 << k,
                    0xE0..=0xF4 => 0x1_0001 << k,
                    _ => 0,
                };
                let c = cp.decode_byte(b);
                if let Some(slot) = low.get_mut(u32::from(c) as usize) {
                    *slot |= role;
                } else {
                    high.push((c, role));
                }
            }
            if cp.c1_sloppy {
                // A latin-1 reader turns any C1 byte into its control character.
                for slot in low.get_mut(0x80..0xA0).into_iter().flatten() {
                    *slot |= 0x100 << k;
                }
            }
        }
        high.sort_unstable();
        let mut merged: Vec<(char, u32)> = Vec::with_capacity(high.len());
        for (c, r) in high {
            match merged.last_mut() {
                Some(last) if last.0 == c => last.1 |= r,
                _ => merged.push((c, r)),
            }
        }
        (low, merged)
    });
    match c {
        // Stand-ins for a lost byte (`?`, U+FFFD, a space for 0xA0) continue anything.
        ' ' | '?' | '\u{FFFD}' => 0xFF00,
        c => low.get(u32::from(c) as usize).copied().unwrap_or_else(|| {
            high.binary_search_by_key(&c, |&(ch, _)| ch)
                .ok()
                .and_then(|i| high.get(i))
                .map_or(0, |&(_, r)| r)
        }),
    }
}

/// Code pages (bits of `ALL` indices) in which `run` holds a lead byte followed by something
/// that can continue it; `lost_a0_after` also counts a lead at the very end.
pub(super) fn possible_pages(run: &[char], lost_a0_after: bool) -> u8 {
    let mut mask: u32 = 0;
    let mut prev_lead: u32 = 0;
    for &c in run {
        let r = roles(c);
        mask |= prev_lead & ((r >> 8) & 0xFF);
        prev_lead = r & 0xFF;
    }
    if lost_a0_after {
        mask |= prev_lead;
    }
    (mask & 0xFF) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_page_round_trips_its_upper_half() {
        for cp in ALL {
            for b in 0x80u8..=0xFF {
                let c = cp.decode_byte(b);
                assert_eq!(cp.encode_char(c), Some(b), "{} byte {b:#x}", cp.name);
            }
        }
    }

    #[test]
    fn known_characters() {
        assert_eq!(W1252.encode_char('€'), Some(0x80));
        assert_eq!(W1252.encode_char('\u{81}'), Some(0x81));
        assert_eq!(W1252.encode_char('\u{93}'), Some(0x93));
        assert_eq!(MAC_ROMAN.encode_char('√'), Some(0xC3));
        assert_eq!(W1251.encode_char('Р'), Some(0xD0));
        assert_eq!(CP437.encode_char('╨'), Some(0xD0));
        assert_eq!(W1252.encode_char('Ж'), None);
    }
}
