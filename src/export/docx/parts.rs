//! The package parts nianbao writes itself: content types, relationships, core and app
//! properties, settings, font table and theme. docx-rs's versions of these lack what a
//! report needs (title, subject, keywords, language, a theme, alternate font names) or name
//! parts that nianbao does not use (comments, numbering, footnotes, custom properties).

use std::fmt::Write as _;

use super::fonts::font_info;
use super::xml::{escape, DECL};
use super::FontPlan;
use crate::model::Meta;
use crate::style::Role;

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Relationship ids of document.xml's parts; the footer ids are the ones docx-rs writes into
/// `w:footerReference`.
pub const FOOTER_ODD_RID: &str = "rIdFooter1";
pub const FOOTER_EVEN_RID: &str = "rIdFooter2";

/// `[Content_Types].xml`. `fonts` is the number of embedded font parts.
pub fn content_types(embedded_fonts: usize) -> Vec<u8> {
    let mut s = String::from(DECL);
    s.push_str(r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#);
    s.push_str(r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#);
    s.push_str(r#"<Default Extension="xml" ContentType="application/xml"/>"#);
    if embedded_fonts > 0 {
        s.push_str(r#"<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>"#);
    }
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, ty) in [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/footer2.xml", format!("{wml}.footer+xml")),
        (
            "/word/theme/theme1.xml",
            "application/vnd.openxmlformats-officedocument.theme+xml".to_string(),
        ),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ] {
        let _ = write!(s, r#"<Override PartName="{part}" ContentType="{ty}"/>"#);
    }
    s.push_str("</Types>");
    s.into_bytes()
}

/// `_rels/.rels`.
pub fn package_rels() -> Vec<u8> {
    let mut s = String::from(DECL);
    s.push_str(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    s.push_str(&format!(
        r#"<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>"#
    ));
    s.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#);
    s.push_str(&format!(
        r#"<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>"#
    ));
    s.push_str("</Relationships>");
    s.into_bytes()
}

/// `word/_rels/document.xml.rels`.
pub fn document_rels() -> Vec<u8> {
    let mut s = String::from(DECL);
    s.push_str(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    for (id, ty, target) in [
        ("rId1", "styles", "styles.xml"),
        ("rId2", "settings", "settings.xml"),
        ("rId3", "fontTable", "fontTable.xml"),
        ("rId4", "theme", "theme/theme1.xml"),
        (FOOTER_ODD_RID, "footer", "footer1.xml"),
        (FOOTER_EVEN_RID, "footer", "footer2.xml"),
    ] {
        let _ = write!(s, r#"<Relationship Id="{id}" Type="{REL}/{ty}" Target="{target}"/>"#);
    }
    s.push_str("</Relationships>");
    s.into_bytes()
}

/// A W3CDTF timestamp at midnight UTC of the document date (never the clock).
fn timestamp(meta: &Meta) -> String {
    let d = meta.date;
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        d.year.clamp(1, 9999),
        d.month.clamp(1, 12),
        d.day.clamp(1, 31)
    )
}

/// `docProps/core.xml`: title, subject, author (the agency), keywords, language and dates
/// from the document's metadata.
pub fn core(meta: &Meta) -> Vec<u8> {
    let ts = timestamp(meta);
    let mut s = String::from(DECL);
    s.push_str(r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#);
    let _ = write!(
        s,
        "<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>{}</cp:keywords>",
        escape(&meta.title),
        escape(&meta.subject),
        escape(&meta.author),
        escape(&meta.keywords.join("；")),
    );
    let _ = write!(
        s,
        "<dc:language>{}</dc:language><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>1</cp:revision>",
        escape(meta.language),
        escape(&meta.author)
    );
    let _ = write!(
        s,
        r#"<dcterms:created xsi:type="dcterms:W3CDTF">{ts}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{ts}</dcterms:modified>"#
    );
    s.push_str("</cp:coreProperties>");
    s.into_bytes()
}

/// `docProps/app.xml`.
pub fn app() -> Vec<u8> {
    let mut s = String::from(DECL);
    s.push_str(r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#);
    s.push_str("<Application>nianbao</Application><DocSecurity>0</DocSecurity>");
    s.push_str("</Properties>");
    s.into_bytes()
}

/// `word/settings.xml`: odd/even footers, no punctuation compression by the reader (the
/// adjacent pairs the PDF compresses are written out as half-width runs, see
/// `content::prose_runs`; Word and WPS would compress them again; a line-end 「，。、」 still
/// hangs, which `w:overflowPunct` governs, not this setting), Word 2013+ layout, and `embedTrueTypeFonts` when fonts are embedded (with
/// `saveSubsetFonts` when they are subsets, so that Word saves them as subsets again).
pub fn settings(embedding: bool, subsets: bool) -> Vec<u8> {
    let mut s = String::from(DECL);
    let _ = write!(s, r#"<w:settings xmlns:w="{NS_W}">"#);
    s.push_str(r#"<w:zoom w:percent="100"/>"#);
    if embedding {
        // Whole fonts (`--embed-fonts=full`) without saveSubsetFonts, so that edits can use
        // any character they have.
        s.push_str("<w:embedTrueTypeFonts/>");
        if subsets {
            s.push_str("<w:saveSubsetFonts/>");
        }
    }
    s.push_str(r#"<w:defaultTabStop w:val="420"/>"#);
    s.push_str("<w:evenAndOddHeaders/>");
    s.push_str(r#"<w:characterSpacingControl w:val="doNotCompress"/>"#);
    s.push_str(concat!(
        "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>",
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:useFELayout/>",
        r#"<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>"#,
        r#"<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>"#,
        r#"<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>"#,
        r#"<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>"#,
        r#"<w:compatSetting w:name="differentiateMultirowTableHeaders" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>"#,
        "</w:compat>"
    ));
    s.push_str(r#"<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>"#);
    s.push_str(r#"<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>"#);
    s.push_str(r#"<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>"#);
    s.push_str("</w:settings>");
    s.into_bytes()
}

/// An embedded font part as the font table references it.
pub struct EmbedRef<'a> {
    pub family: &'a str,
    pub bold: bool,
    pub rid: String,
    pub key: String,
    /// The part holds a subset of the font (`w:subsetted`).
    pub subsetted: bool,
}

/// `word/fontTable.xml`: one entry per font the styles name, each with its PANOSE number,
/// GB2312 character set, family and pitch (what Word matches on when the font is missing) and
/// `w:altName` naming nianbao's bundled font for the role; plus the embedded fonts' keys.
pub fn font_table(fonts: &FontPlan, embeds: &[EmbedRef<'_>]) -> Vec<u8> {
    let mut s = String::from(DECL);
    let _ = write!(s, r#"<w:fonts xmlns:w="{NS_W}" xmlns:r="{NS_R}">"#);
    for (name, role) in fonts.entries() {
        let info = font_info(name, role);
        let _ = write!(s, r#"<w:font w:name="{}">"#, escape(name));
        if let Some(alt) = info.alt_name.filter(|a| *a != name) {
            let _ = write!(s, r#"<w:altName w:val="{}"/>"#, escape(alt));
        }
        let _ = write!(
            s,
            r#"<w:panose1 w:val="{}"/><w:charset w:val="{}"/><w:family w:val="{}"/><w:pitch w:val="{}"/>"#,
            info.panose, info.charset, info.family, info.pitch
        );
        if let Some(sig) = info.sig {
            let _ = write!(
                s,
                r#"<w:sig w:usb0="{}" w:usb1="{}" w:usb2="{}" w:usb3="{}" w:csb0="{}" w:csb1="{}"/>"#,
                sig[0], sig[1], sig[2], sig[3], sig[4], sig[5]
            );
        }
        for bold in [false, true] {
            if let Some(e) = embeds.iter().find(|e| e.family == name && e.bold == bold) {
                let tag = if bold { "w:embedBold" } else { "w:embedRegular" };
                let sub = if e.subsetted { r#" w:subsetted="1""# } else { "" };
                let _ = write!(s, r#"<{tag} r:id="{}" w:fontKey="{}"{sub}/>"#, e.rid, e.key);
            }
        }
        s.push_str("</w:font>");
    }
    s.push_str("</w:fonts>");
    s.into_bytes()
}

/// `word/_rels/fontTable.xml.rels` for the embedded font parts `fonts/fontN.odttf`.
pub fn font_table_rels(embeds: &[EmbedRef<'_>]) -> Vec<u8> {
    let mut s = String::from(DECL);
    s.push_str(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    for (i, e) in embeds.iter().enumerate() {
        let _ = write!(
            s,
            r#"<Relationship Id="{}" Type="{REL}/font" Target="fonts/font{}.odttf"/>"#,
            e.rid,
            i + 1
        );
    }
    s.push_str("</Relationships>");
    s.into_bytes()
}

/// `word/theme/theme1.xml`: a minimal Office theme. No style uses theme fonts; its font
/// scheme names the role fonts so that text a user adds with theme fonts still looks right.
pub fn theme(fonts: &FontPlan) -> Vec<u8> {
    let latin = escape(fonts.name(Role::Latin));
    let major_ea = escape(fonts.name(Role::Heading1));
    let minor_ea = escape(fonts.name(Role::Body));
    let mut s = String::from(DECL);
    s.push_str(r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="nianbao"><a:themeElements><a:clrScheme name="nianbao">"#);
    s.push_str(r#"<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#);
    for (slot, rgb) in [
        ("dk2", "1F497D"),
        ("lt2", "EEECE1"),
        ("accent1", "4F81BD"),
        ("accent2", "C0504D"),
        ("accent3", "9BBB59"),
        ("accent4", "8064A2"),
        ("accent5", "4BACC6"),
        ("accent6", "F79646"),
        ("hlink", "0000FF"),
        ("folHlink", "800080"),
    ] {
        let _ = write!(s, r#"<a:{slot}><a:srgbClr val="{rgb}"/></a:{slot}>"#);
    }
    s.push_str("</a:clrScheme>");
    let _ = write!(
        s,
        r#"<a:fontScheme name="nianbao"><a:majorFont><a:latin typeface="{latin}"/><a:ea typeface="{major_ea}"/><a:cs typeface="{latin}"/></a:majorFont><a:minorFont><a:latin typeface="{latin}"/><a:ea typeface="{minor_ea}"/><a:cs typeface="{latin}"/></a:minorFont></a:fontScheme>"#
    );
    s.push_str(r#"<a:fmtScheme name="nianbao"><a:fillStyleLst>"#);
    let solid = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    for _ in 0..3 {
        s.push_str(solid);
    }
    s.push_str("</a:fillStyleLst><a:lnStyleLst>");
    for w in [6350, 12700, 19050] {
        let _ = write!(
            s,
            r#"<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">{solid}<a:prstDash val="solid"/></a:ln>"#
        );
    }
    s.push_str("</a:lnStyleLst><a:effectStyleLst>");
    for _ in 0..3 {
        s.push_str("<a:effectStyle><a:effectLst/></a:effectStyle>");
    }
    s.push_str("</a:effectStyleLst><a:bgFillStyleLst>");
    for _ in 0..3 {
        s.push_str(solid);
    }
    s.push_str(
        "</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
    );
    s.into_bytes()
}
