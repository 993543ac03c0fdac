//! Fonts in the DOCX: font-table data for the official names (so that Word substitutes
//! predictably where a font is missing), and embedding of TrueType fonts obfuscated as
//! ECMA-376 Part 1 §17.8.1 prescribes.

use std::sync::Arc;

use skrifa::raw::TableProvider;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider, Tag};

use super::DocxError;
use crate::style::Role;

/// What the font table says about one font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontInfo {
    /// The bundled font serving the role, named as an alternate (`w:altName`).
    pub alt_name: Option<&'static str>,
    pub panose: &'static str,
    /// `86` is GB2312 (Simplified Chinese), `00` ANSI.
    pub charset: &'static str,
    pub family: &'static str,
    pub pitch: &'static str,
    /// `w:sig`: usb0–usb3, csb0–csb1.
    pub sig: Option<[&'static str; 6]>,
}

/// The bundled font (in `fonts/`) that serves a role when the official font is missing; its
/// family name as fontconfig and Windows list it.
pub fn bundled_family(role: Role) -> &'static str {
    match role {
        Role::Title => "Noto Serif CJK SC",
        Role::Body => "FandolFang R",
        Role::Heading1 => "Noto Sans CJK SC Medium",
        Role::Heading2 => "Nianbao Kai",
        Role::Song => "Noto Serif CJK SC",
        Role::Latin => "Liberation Serif",
    }
}

const GB_SIG: [&str; 6] = ["00000001", "080E0000", "00000010", "00000000", "00040000", "00000000"];

/// Font-table data for `name` serving `role`: the values Word itself writes for the official
/// Chinese fonts and Times New Roman; for any other name, the values of the role's official
/// font (same class of design), so that substitution picks a similar face.
pub fn font_info(name: &str, role: Role) -> FontInfo {
    let alt_name = Some(bundled_family(role));
    let cjk = |panose, family, pitch, sig| FontInfo {
        alt_name,
        panose,
        charset: "86",
        family,
        pitch,
        sig,
    };
    match name {
        "仿宋_GB2312" | "楷体_GB2312" => cjk("02010609030101010101", "modern", "fixed", Some(GB_SIG)),
        "仿宋" | "楷体" | "FangSong" | "KaiTi" => cjk("02010609060101010101", "modern", "fixed", Some(GB_SIG)),
        "黑体" | "SimHei" => cjk(
            "02010609060101010101",
            "modern",
            "fixed",
            Some(["800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000"]),
        ),
        "宋体" | "SimSun" => cjk(
            "02010600030101010101",
            "auto",
            "variable",
            Some(["00000003", "288F0000", "00000016", "00000000", "00040001", "00000000"]),
        ),
        "方正小标宋简体" => cjk("02000000000000000000", "auto", "variable", None),
        "Times New Roman" => FontInfo {
            alt_name,
            panose: "02020603050405020304",
            charset: "00",
            family: "roman",
            pitch: "variable",
            sig: Some(["E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000"]),
        },
        _ => match role {
            Role::Latin => FontInfo {
                sig: None,
                ..font_info("Times New Roman", role)
            },
            _ => FontInfo {
                sig: None,
                ..font_info(role.official_name(), role)
            },
        },
    }
}

/// A font to embed in the DOCX: the caller reads the file, nianbao never does.
#[derive(Clone, PartialEq, Eq)]
pub struct EmbeddedFont {
    /// The family name Windows lists for the font (name ID 1): the name the styles use, since
    /// Word and LibreOffice match embedded fonts by their own family name.
    pub family: String,
    /// Whether this is the family's bold face (embedded as `w:embedBold`; the styles that use
    /// it are then bold).
    pub bold: bool,
    /// The TrueType (glyf) font file.
    pub data: Arc<[u8]>,
}

impl std::fmt::Debug for EmbeddedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedFont")
            .field("family", &self.family)
            .field("bold", &self.bold)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl EmbeddedFont {
    /// Reads the family name, the bold flag and the embedding permission from a TrueType
    /// font file. Refuses fonts Word cannot embed or would open read-only: CFF outlines, a
    /// restricted licence, or "preview & print" permission (OS/2 `fsType`).
    pub fn from_ttf(data: impl Into<Arc<[u8]>>) -> Result<EmbeddedFont, DocxError> {
        let data: Arc<[u8]> = data.into();
        let bad = |why: &str| DocxError::Font(why.to_string());
        let font = FontRef::new(&data).map_err(|e| bad(&format!("not a font file ({e})")))?;
        if font.table_data(Tag::new(b"glyf")).is_none() {
            return Err(bad("not a TrueType (glyf) font; Word embeds TrueType outlines only"));
        }
        let family = font
            .localized_strings(StringId::FAMILY_NAME)
            .english_or_first()
            .map(|s| s.to_string())
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| bad("the font has no family name"))?;
        let os2 = font.os2().map_err(|_| bad(&format!("{family}: no OS/2 table")))?;
        let fs_type = os2.fs_type();
        // Bits 1–3: 2 restricted, 4 preview & print, 8 editable; 0 installable.
        match fs_type & 0x000E {
            0 | 8 => {}
            2 => return Err(bad(&format!("{family}: its licence forbids embedding (fsType {fs_type:#06x})"))),
            _ => {
                return Err(bad(&format!(
                    "{family}: embedding is \"preview & print\" only, Word would open the document read-only (fsType {fs_type:#06x})"
                )))
            }
        }
        let bold = os2.fs_selection().bits() & 0x20 != 0;
        Ok(EmbeddedFont { family, bold, data })
    }
}

/// A GUID-form font key derived from the font's bytes (no randomness: the same fonts give the
/// same package).
pub fn font_key(font: &EmbeddedFont) -> String {
    let fnv = |seed: u64| {
        let mut h = seed;
        for b in font
            .family
            .bytes()
            .chain([font.bold as u8])
            .chain(font.data.iter().copied())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        h
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let hex = format!("{a:016X}{b:016X}");
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Obfuscates a font for `word/fonts/*.odttf`: the first 32 bytes XORed with the key's 16
/// bytes taken in reverse order of the GUID string (ECMA-376 Part 1 §17.8.1). The same
/// operation de-obfuscates.
pub fn obfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let digits: Vec<u8> = key
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|c| (c as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    let mut k = [0u8; 16];
    if digits.len() == 32 {
        for (i, slot) in k.iter_mut().enumerate() {
            let j = 15 - i;
            *slot = digits[2 * j] << 4 | digits[2 * j + 1];
        }
    }
    let mut out = data.to_vec();
    for (i, b) in out.iter_mut().take(32).enumerate() {
        *b ^= k[i % 16];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_reverses_the_guid_bytes_and_is_an_involution() {
        let key = "{00112233-4455-6677-8899-AABBCCDDEEFF}";
        let data: Vec<u8> = (0..40).collect();
        let o = obfuscate(&data, key);
        // The key's first byte is the GUID string's last pair.
        assert_eq!(o[0], 0xFF);
        assert_eq!(o[1], 1 ^ 0xEE);
        assert_eq!(o[15], 15); // the GUID's first pair, 00
        assert_eq!(o[16], 16 ^ 0xFF);
        assert_eq!(&o[32..], &data[32..]);
        assert_eq!(obfuscate(&o, key), data);
    }

    #[test]
    fn keys_are_guids_and_stable() {
        let f = EmbeddedFont {
            family: "X".into(),
            bold: false,
            data: Arc::from(&b"abc"[..]),
        };
        let k = font_key(&f);
        assert_eq!(k.len(), 38);
        assert_eq!(k, font_key(&f.clone()));
        assert_ne!(k, font_key(&EmbeddedFont { bold: true, ..f }));
    }

    #[test]
    fn official_names_get_gb2312_charset_and_unknown_names_their_role_class() {
        assert_eq!(font_info("仿宋_GB2312", Role::Body).charset, "86");
        assert_eq!(font_info("仿宋_GB2312", Role::Body).alt_name, Some("FandolFang R"));
        let other = font_info("方正仿宋_GBK", Role::Body);
        assert_eq!(other.panose, font_info("仿宋_GB2312", Role::Body).panose);
        assert_eq!(font_info("Arial", Role::Latin).charset, "00");
    }

    #[test]
    fn garbage_is_not_a_font() {
        assert!(EmbeddedFont::from_ttf(vec![0u8; 10]).is_err());
    }
}
