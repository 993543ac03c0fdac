//! Typography of issue 13 through the public API and the binary: punctuation compression on
//! the 28-character grid, CJK–Latin autospace (and `--no-autospace`), run-in headings in
//! the input, the PDF and the DOCX.

mod common;
mod docx_support;

use common::*;
use docx_support::{body, part, style_of, unzip};
use nianbao::layout::{self, GlyphRun, Item, Mark, Pages};
use nianbao::model::{Block, Document, Run, RunStyle};
use nianbao::style::{Role, CHAR_PITCH, LINE_PITCH, MARGIN_LEFT, TEXT_WIDTH};
use nianbao::text::breaking::{NO_END, NO_START};
use nianbao::text::fonts::{FontBook, FontConfig};
use nianbao::units::Length;
use std::sync::OnceLock;

fn fonts() -> &'static FontBook {
    static F: OnceLock<FontBook> = OnceLock::new();
    F.get_or_init(|| FontBook::load(&FontConfig::default()).expect("bundled fonts"))
}

fn document(json: &[u8]) -> Document {
    let (checked, diags) = nianbao::load(
        json,
        nianbao::validate::Options {
            as_published: true,
            ..Default::default()
        },
    );
    assert!(!nianbao::diag::has_errors(&diags), "{diags:?}");
    nianbao::model::resolve(&checked.expect("report"))
}

fn example(name: &str) -> Document {
    document(&std::fs::read(root().join(format!("examples/{name}.json"))).expect("example"))
}

/// A document of one paragraph per entry, after the example's title.
fn paragraphs(runs: Vec<Vec<Run>>) -> Document {
    let mut doc = example("zibo-2020");
    doc.blocks = runs.into_iter().map(|r| Block::Paragraph { lines: vec![r] }).collect();
    doc.signoff = None;
    doc
}

/// The prose lines of each page: (block, baseline, runs left to right).
fn prose_lines(pages: &Pages) -> Vec<(usize, usize, Length, Vec<&GlyphRun>)> {
    let mut out: Vec<(usize, usize, Length, Vec<&GlyphRun>)> = Vec::new();
    for (pi, p) in pages.pages.iter().enumerate() {
        for (it, mark) in p.items.iter().zip(&p.marks) {
            let (Item::Text(r), Mark::Paragraph { block }) = (it, mark) else {
                continue;
            };
            match out.last_mut() {
                Some(l) if l.0 == pi && l.1 == *block && l.2 == r.baseline => l.3.push(r),
                _ => out.push((pi, *block, r.baseline, vec![r])),
            }
        }
    }
    out
}

fn line_text(runs: &[&GlyphRun]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[test]
fn no_line_ends_more_than_a_character_short_unless_kinsoku_forces_it() {
    // Every line of a paragraph but its last: the justification it needed (the smallest
    // widening of an ideograph that is not the line's last) times the gaps it was spread
    // over is at most one character, unless 禁则 kept the next line's first character (or
    // this line's last) from the break.
    let mut checked = 0;
    for ex in examples() {
        let doc = document(&std::fs::read(&ex).unwrap());
        let pages = layout::layout(&doc, fonts());
        let lines = prose_lines(&pages);
        for (i, (page, block, _, runs)) in lines.iter().enumerate() {
            let Some(next) = lines.get(i + 1).filter(|n| n.1 == *block) else {
                continue;
            };
            let text = line_text(runs);
            let next_text = line_text(&next.3);
            let glyphs: Vec<(char, Length)> = runs
                .iter()
                .flat_map(|r| {
                    r.glyphs
                        .iter()
                        .map(move |g| (r.text[g.range.clone()].chars().next().unwrap(), g.advance))
                })
                .collect();
            // Justification goes between pieces: not inside a word of Latin letters and digits.
            let n = glyphs
                .windows(2)
                .filter(|w| !(w[0].0.is_ascii_graphic() && w[1].0.is_ascii_graphic()))
                .count() as i64
                + 1;
            let stretch = glyphs[..glyphs.len() - 1]
                .iter()
                .enumerate()
                .filter(|(k, (c, _))| {
                    is_ideograph(*c) && !glyphs.get(k + 1).is_some_and(|g| g.0.is_ascii_alphanumeric())
                })
                .map(|(_, (_, a))| *a - CHAR_PITCH)
                .min()
                .unwrap_or(Length::ZERO);
            let first = runs.first().unwrap();
            let last = runs.last().unwrap();
            let right = last.x + last.width();
            let short = (stretch * (n - 1)).max(MARGIN_LEFT + TEXT_WIDTH - right);
            // 禁则: the next line starts with a mark kept from the line end, or with a
            // character that a mark kept from the line start had to follow down.
            // Or a number, date, phone number, e-mail address or URL, which never breaks.
            let kinsoku = next_text.starts_with(|c| NO_END.contains(c))
                || next_text.starts_with(|c: char| c.is_ascii_alphanumeric())
                || next_text.chars().nth(1).is_some_and(|c| NO_START.contains(c))
                || text.ends_with(|c| NO_END.contains(c));
            assert!(
                short <= CHAR_PITCH + Length::pt(1) || kinsoku,
                "{ex:?} p{} ends {:.1} pt short: {text:?} (next {next_text:?}), from x {:.1} mm",
                page + 1,
                short.to_pt(),
                first.x.to_mm()
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} lines checked");
}

#[test]
fn a_full_line_takes_a_hanging_comma_and_adjacent_marks_are_compressed() {
    // The issue's WPS line: 28 characters and a line-end 「，」 on one line.
    let t = "格样表、在线申请等与群众密切相关服务事项，并不断修改完善，积极构建权威、便捷、高效的一体化互联网政务服务平台。";
    let doc = paragraphs(vec![vec![Run::body(format!(
        "甲乙丙丁戊己庚辛辛壬癸甲乙丙丁戊己庚辛壬癸子丑寅卯辰。{t}"
    ))]]);
    let pages = layout::layout(&doc, fonts());
    let lines: Vec<String> = prose_lines(&pages).iter().map(|l| line_text(&l.3)).collect();
    assert!(
        lines.contains(&"格样表、在线申请等与群众密切相关服务事项，并不断修改完善，".to_string()),
        "{lines:?}"
    );
    // 「》（」: the pair takes one and a half characters.
    let doc = paragraphs(vec![vec![Run::body("条例》（国令")]]);
    let pages = layout::layout(&doc, fonts());
    let runs = &prose_lines(&pages)[0].3;
    let adv: Vec<Length> = runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.advance)).collect();
    assert!(
        (adv[2] - CHAR_PITCH / 2).0.abs() <= 1,
        "「》」 half wide before 「（」: {:?}",
        adv[2]
    );
}

#[test]
fn autospace_separates_ideographs_from_digits_and_can_be_turned_off() {
    let doc = paragraphs(vec![vec![Run::body("全年2024年办理，共 88 件")]]);
    let gap_after = |pages: &Pages, ch: char| -> Length {
        let runs = &prose_lines(pages)[0].3;
        let r = runs.iter().find(|r| r.text.contains(ch)).unwrap();
        let g = r
            .glyphs
            .iter()
            .find(|g| r.text[g.range.clone()].starts_with(ch))
            .unwrap();
        g.advance
    };
    let on = layout::layout(&doc, fonts());
    let off = layout::layout_with(&doc, fonts(), layout::Options { autospace: false });
    // 「年」 before 「2024」: one grid pitch plus 0.23 em of 16 pt.
    let gap = Length::pt(16) * 23 / 100;
    assert!(
        (gap_after(&on, '年') - CHAR_PITCH - gap).0.abs() <= 2,
        "{:?}",
        gap_after(&on, '年')
    );
    assert_eq!(gap_after(&off, '年'), CHAR_PITCH);
    // The ASCII space in 「共 88」 is read as the gap, not a full space; off, it is a space.
    assert!((gap_after(&on, ' ') - gap).0.abs() <= 2);
    assert!(gap_after(&off, ' ') > Length::pt(3) && gap_after(&off, ' ') != gap);
    // Punctuation next to digits gets no gap: 「，」 is one pitch.
    assert_eq!(gap_after(&on, '，'), CHAR_PITCH);
}

#[test]
fn no_autospace_reaches_the_pdf_and_the_docx() {
    let dir = temp_dir("no-autospace");
    let ex = root().join("examples/zibo-2020.json");
    for (flag, sub) in [(None, "on"), (Some("--no-autospace"), "off")] {
        let out = format!("{}/", dir.join(sub).display());
        let mut args = vec!["render", ex.to_str().unwrap(), "-o", &out];
        args.extend(flag);
        let o = nianbao(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let styles = |sub: &str| {
        let bytes = std::fs::read(dir.join(sub).join("zibo-2020.docx")).unwrap();
        part(&unzip(&bytes), "word/styles.xml")
    };
    assert!(styles("on").contains(r#"<w:autoSpaceDE w:val="1"/><w:autoSpaceDN w:val="1"/>"#));
    assert!(styles("off").contains(r#"<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>"#));
    assert!(!styles("off").contains(r#"<w:autoSpaceDE w:val="1"/>"#));
    assert!(
        !styles("on").contains("overflowPunct"),
        "Word's default: a line-end mark may hang"
    );
    let pdf = |sub: &str| std::fs::read(dir.join(sub).join("zibo-2020.pdf")).unwrap();
    assert_ne!(pdf("on"), pdf("off"));
    let text = |sub: &str| {
        let o = tool(
            "pdftotext",
            &[dir.join(sub).join("zibo-2020.pdf").to_str().unwrap(), "-"],
        );
        let mut t: String = String::from_utf8_lossy(&o.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // Page numbers aside (autospace may move a line to the next page).
        for n in (1..30).rev() {
            t = t.replace(&format!("—{n}—"), "");
        }
        t
    };
    assert_eq!(text("on"), text("off"), "the same characters either way");
    // The same through batch.
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    std::fs::copy(&ex, inp.join("zibo-2020.json")).unwrap();
    let o = nianbao(&[
        "batch",
        inp.to_str().unwrap(),
        "-o",
        dir.join("batch").to_str().unwrap(),
        "--no-autospace",
        "--pdf",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let found: Vec<_> = walk(&dir.join("batch"), "pdf");
    assert_eq!(found.len(), 1);
    assert_eq!(std::fs::read(&found[0]).unwrap(), pdf("off"));
}

fn walk(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p, ext));
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    out
}

#[test]
fn run_in_headings_are_read_and_set_in_the_levels_font() {
    let doc = example("huaian-2024");
    // The model: the paragraph starts with a level-2 heading run.
    let para = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { lines } if lines[0][0].text == "（一）主动公开情况。" => Some(lines),
            _ => None,
        })
        .expect("the run-in heading");
    assert_eq!(para[0][0].style, RunStyle::Heading(2));
    assert_eq!(para[0][1].style, RunStyle::Body);
    assert!(para[0][1].text.starts_with("2024年，市政府网站"));
    // The PDF: the heading in 楷体, the rest of the line in 仿宋, on one baseline.
    let pages = layout::layout(&doc, fonts());
    let kai = fonts().chains[&Role::Heading2][0];
    let fang = fonts().chains[&Role::Body][0];
    let line = prose_lines(&pages)
        .into_iter()
        .find(|l| line_text(&l.3).starts_with("（一）主动公开情况。"))
        .expect("the line");
    let heading: String = line
        .3
        .iter()
        .filter(|r| r.face == kai)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(heading, "（一）主动公开情况。");
    assert!(line
        .3
        .iter()
        .any(|r| r.face == fang && r.text.starts_with("年，市政府")));
    // The DOCX: one Body paragraph, the heading run in the level's character style.
    let bytes = nianbao::export::docx::write(&doc, &Default::default()).unwrap();
    let entries = unzip(&bytes);
    let b = body(&entries);
    let p = b
        .kids("w:p")
        .find(|p| p.text().starts_with("（一）主动公开情况。2024年"))
        .expect("one paragraph");
    assert_eq!(style_of(p).as_deref(), Some("Body"));
    let runs: Vec<_> = p.kids("w:r").collect();
    assert_eq!(runs[0].text(), "（一）主动公开情况。");
    let rstyle = runs[0]
        .kid("w:rPr")
        .and_then(|r| r.kid("w:rStyle"))
        .and_then(|s| s.attr("w:val"));
    assert_eq!(rstyle, Some("RunInHeading2"));
    assert!(runs[1].kid("w:rPr").and_then(|r| r.kid("w:rStyle")).is_none());
    let styles = part(&entries, "word/styles.xml");
    assert!(styles.contains(r#"w:styleId="RunInHeading2""#) && styles.contains(r#"w:eastAsia="楷体_GB2312""#));
    let _ = LINE_PITCH;
}

#[test]
fn run_in_heading_mistakes_name_their_place() {
    let base = std::fs::read_to_string(root().join("examples/huaian-2024.json")).unwrap();
    let bad = base
        .replacen(
            r#""level": 2, "text": "2024年，市政府网站"#,
            r#""level": 2, "text": "**2024年，市政府网站"#,
            1,
        )
        .replacen(
            r#"{"heading": "（二）依申请公开情况。", "level": 2, "text": "定期"#,
            r#"{"heading": "（二）依申请公开情况。", "level": 2, "text": 5, "x": "定期"#,
            1,
        )
        .replacen(
            r#"{"heading": "（三）政府信息管理情况。", "level": 2, "text": "在政府网站"#,
            r#"{"heading": "（三）政府信息管理情况。", "level": 2, "text": " ", "y": "在政府网站"#,
            1,
        );
    assert_ne!(bad, base);
    let path = temp_dir("run-in").join("bad.json");
    std::fs::write(&path, bad).unwrap();
    let o = nianbao(&["--diagnostics", "json", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for (rule, at) in [
        ("markup", "$.sections.overview[1].text"),
        ("type", "$.sections.overview[2].text"),
        ("unknown-field", "$.sections.overview[2].x"),
        ("empty-text", "$.sections.overview[3].text"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!(r#""rule":"{rule}""#)) && l.contains(at)),
            "{rule} at {at}:\n{err}"
        );
    }
    // A line break in the paragraph after a run-in heading is allowed, as in any paragraph.
    let ok = base.replacen("2024年，市政府网站", "2024年，\\n市政府网站", 1);
    std::fs::write(&path, ok).unwrap();
    let o = nianbao(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_docx_writes_adjacent_marks_at_half_width_and_asks_readers_not_to_compress() {
    // Adjacent marks as clreq and the PDF set them: the first of 「：“」「。”」「》）」「）、」
    // 「”“」「”。」「）（」「（“」「”）」 loses about half its width (`w:w` 51 %); 「（）」 (opening then closing) does
    // not, nor a mark before a character. Across runs too: a heading's 「。」 before the
    // body's 「“」.
    let text = "甲说：“好。”乙（见《条例》）、丙“丁”“戊”。己（）（“引”）";
    let doc = paragraphs(vec![
        vec![Run {
            text: text.into(),
            style: RunStyle::Body,
        }],
        vec![
            Run {
                text: "（一）概况。".into(),
                style: RunStyle::Heading(2),
            },
            Run {
                text: "“放管服”改革。".into(),
                style: RunStyle::Body,
            },
        ],
    ]);
    let entries = unzip(&nianbao::export::docx::write(&doc, &Default::default()).unwrap());
    let b = body(&entries);
    let scale = |r: &docx_support::X| r.kid("w:rPr").and_then(|p| p.val("w:w")).map(str::to_string);
    let paras: Vec<_> = b
        .kids("w:p")
        .filter(|p| style_of(p).as_deref() == Some("Body"))
        .collect();
    let p = paras
        .iter()
        .find(|p| p.text() == text)
        .expect("the paragraph, text unchanged");
    let half: Vec<String> = p
        .kids("w:r")
        .filter(|r| scale(r).as_deref() == Some("51"))
        .map(|r| r.text())
        .collect();
    assert_eq!(half, ["：", "。", "》", "）", "”", "”", "）", "（", "”"]);
    assert!(
        p.kids("w:r")
            .all(|r| scale(r).is_none() || scale(r).as_deref() == Some("51")),
        "no other scaling"
    );
    let p = paras
        .iter()
        .find(|p| p.text() == "（一）概况。“放管服”改革。")
        .expect("the run-in paragraph");
    let runs: Vec<_> = p.kids("w:r").collect();
    let marked: Vec<(String, Option<String>, Option<&str>)> = runs
        .iter()
        .map(|r| {
            let rstyle = r.kid("w:rPr").and_then(|p| p.val("w:rStyle"));
            (r.text(), scale(r), rstyle)
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("（一）概况".to_string(), None, Some("RunInHeading2")),
            ("。".to_string(), Some("51".to_string()), Some("RunInHeading2")),
            ("“放管服”改革。".to_string(), None, None),
        ]
    );
    // Word and WPS would compress the pairs again: the settings turn their compression off.
    let settings = part(&entries, "word/settings.xml");
    assert!(settings.contains(r#"<w:characterSpacingControl w:val="doNotCompress"/>"#));
}
