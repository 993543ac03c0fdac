//! PDF export: golden layout dumps, text extraction, geometry, determinism and file checks.

mod common;

use common::*;
use nianbao::layout::{self, Item, Pages};
use nianbao::model::{Block, Document};
use nianbao::style::{CHAR_PITCH, LINE_PITCH, MARGIN_LEFT, MARGIN_TOP, PAGE_HEIGHT, TEXT_HEIGHT, TEXT_WIDTH};
use nianbao::text::fonts::{FontBook, FontConfig};
use nianbao::units::Length;
use nianbao::validate::Options;
use std::sync::OnceLock;

fn fonts() -> &'static FontBook {
    static F: OnceLock<FontBook> = OnceLock::new();
    F.get_or_init(|| FontBook::load(&FontConfig::default()).expect("bundled fonts"))
}

fn document(json: &[u8]) -> Document {
    let (checked, diags) = nianbao::load(
        json,
        Options {
            as_published: true,
            ..Default::default()
        },
    );
    assert!(!nianbao::diag::has_errors(&diags), "{diags:?}");
    nianbao::model::resolve(&checked.expect("report"))
}

fn example_doc(path: &std::path::Path) -> Document {
    document(&std::fs::read(path).expect("example"))
}

#[test]
fn layout_matches_golden_dumps() {
    for ex in examples() {
        let doc = example_doc(&ex);
        let pages = layout::layout(&doc, fonts());
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        golden(
            &root().join(format!("tests/golden/{name}.layout.txt")),
            &layout::dump(&pages, fonts()),
        );
    }
}

/// Text runs of body pages, excluding the page number (the last run of each page).
fn body_runs(pages: &Pages) -> impl Iterator<Item = (usize, &layout::GlyphRun)> {
    pages.pages.iter().enumerate().flat_map(|(i, p)| {
        let n = p.items.iter().filter(|it| matches!(it, Item::Text(_))).count();
        p.items
            .iter()
            .filter_map(|it| if let Item::Text(r) = it { Some(r) } else { None })
            .take(n.saturating_sub(1))
            .map(move |r| (i, r))
    })
}

#[test]
fn text_stays_inside_the_text_block() {
    let slack = Length::pt(1);
    for ex in examples() {
        let pages = layout::layout(&example_doc(&ex), fonts());
        for (page, r) in body_runs(&pages) {
            // A line-end 「，。、」 may hang outside after a full line (set at half width).
            let hanging = r
                .glyphs
                .last()
                .filter(|_| r.text.ends_with(['，', '。', '、']))
                .map_or(Length::ZERO, |g| g.advance);
            let right = r.x + r.width() - hanging;
            // A line-start opening bracket may lose its blank left half.
            let opening = if nianbao::text::breaking::OPENING.contains(r.text.chars().next().unwrap_or(' ')) {
                CHAR_PITCH / 2
            } else {
                Length::ZERO
            };
            assert!(
                r.x >= MARGIN_LEFT - opening - slack,
                "{ex:?} p{} {:?} starts left of the 版心",
                page + 1,
                r.text
            );
            assert!(
                right <= MARGIN_LEFT + TEXT_WIDTH + slack,
                "{ex:?} p{} {:?} ends right of the 版心",
                page + 1,
                r.text
            );
            assert!(
                r.baseline <= MARGIN_TOP + TEXT_HEIGHT && r.baseline >= MARGIN_TOP,
                "{ex:?} p{} {:?}",
                page + 1,
                r.text
            );
        }
    }
}

fn long_paragraph_doc(chars: usize) -> Document {
    let mut doc = example_doc(&root().join("examples/zibo-2020.json"));
    let text: String = "政府信息公开工作年度报告".chars().cycle().take(chars).collect();
    doc.title = vec!["标题".into()];
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body(text)]],
    }];
    doc.signoff = None;
    doc
}

/// Baselines of the body lines of page `p`, with the characters on each.
fn lines_of(pages: &Pages, p: usize) -> Vec<(Length, usize)> {
    let mut lines: Vec<(Length, usize)> = Vec::new();
    for (page, r) in body_runs(pages) {
        if page != p || r.size != nianbao::style::BODY.size {
            continue;
        }
        match lines.last_mut() {
            Some((b, n)) if *b == r.baseline => *n += r.text.chars().count(),
            _ => lines.push((r.baseline, r.text.chars().count())),
        }
    }
    lines
}

#[test]
fn a_full_line_holds_28_hanzi_and_a_full_page_22_lines() {
    let pages = layout::layout(&long_paragraph_doc(28 * 22 * 3), fonts());
    let p2 = lines_of(&pages, 1);
    assert_eq!(p2.len(), 22, "a full page holds 22 body lines");
    assert!(
        p2.iter().all(|&(_, n)| n == 28),
        "every full line holds 28 hanzi: {p2:?}"
    );
    // The lines are one pitch apart and fill the 版心's height.
    let pitch = p2[1].0 - p2[0].0;
    assert_eq!(pitch, LINE_PITCH);
    // A justified full line ends at the 版心's right edge.
    let last_run = body_runs(&pages)
        .filter(|(p, _)| *p == 1)
        .map(|(_, r)| r)
        .last()
        .unwrap();
    let right = last_run.x + last_run.width();
    assert!(
        (right - (MARGIN_LEFT + TEXT_WIDTH)).0.abs() < CHAR_PITCH.0 / 10,
        "right edge at {}",
        right.to_mm()
    );
    // The first line of the paragraph is indented by two characters.
    let first = lines_of(&pages, 0);
    assert_eq!(first[0].1, 26, "the indented first line holds 26 hanzi: {first:?}");
}

#[test]
fn page_numbers_sit_where_the_standard_puts_them() {
    let pages = layout::layout(&long_paragraph_doc(28 * 22 * 3), fonts());
    assert!(pages.pages.len() >= 3);
    for (i, p) in pages.pages.iter().enumerate() {
        let Some(Item::Text(r)) = p.items.iter().rev().find(|it| matches!(it, Item::Text(_))) else {
            panic!()
        };
        assert_eq!(r.text, format!("— {} —", i + 1));
        assert_eq!(r.size, Length::pt(14));
        // The top of the number line is 7 mm below the 版心.
        let top = r.baseline - r.size * 88 / 100;
        assert_eq!(top, MARGIN_TOP + TEXT_HEIGHT + Length::mm(7));
        assert!(r.baseline < PAGE_HEIGHT);
        if i % 2 == 0 {
            // Odd page: right-aligned, one character in from the right edge.
            assert_eq!(r.x + r.width(), MARGIN_LEFT + TEXT_WIDTH - r.size);
        } else {
            assert_eq!(r.x, MARGIN_LEFT + r.size);
        }
    }
}

/// An example with `n` paragraphs of `text` inserted before the heading of table `table`,
/// to move the table down the page.
fn with_filler(example: &str, table: &str, n: usize, text: String) -> Document {
    let mut doc = example_doc(&root().join("examples").join(example));
    let at = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Table(t) if t.id == table))
        .unwrap();
    for _ in 0..n {
        let runs = vec![nianbao::model::Run::body(text.clone())];
        doc.blocks.insert(at - 1, Block::Paragraph { lines: vec![runs] });
    }
    doc
}

#[test]
fn tables_repeat_their_header_rows_after_a_page_break() {
    // Push table 三 towards the bottom of a page so that it must break.
    for filler in 8..20 {
        let doc = with_filler("pingtan-2021.json", "requests", filler, "填充".repeat(27));
        let pages = layout::layout(&doc, fonts());
        let with_header: Vec<usize> = pages
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.items
                    .iter()
                    .any(|it| matches!(it, Item::Text(r) if r.text == "申请人情况"))
            })
            .map(|(i, _)| i)
            .collect();
        if with_header.len() == 2 {
            let cont = &pages.pages[with_header[1]];
            let texts: Vec<&str> = cont
                .items
                .iter()
                .filter_map(|it| {
                    if let Item::Text(r) = it {
                        Some(r.text.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            assert!(
                texts.contains(&"商业企业") || texts.iter().any(|t| t.contains("商业")),
                "header row repeated"
            );
            // The merged label cut by the break is printed again.
            assert!(
                texts.concat().contains("三、本年度办理结果"),
                "「三、本年度办理结果」 repeated: {texts:?}"
            );
            return;
        }
    }
    panic!("no filler length made table 三 break across pages");
}

fn render_pdf(input: &std::path::Path, dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join(format!("{}.pdf", input.file_stem().unwrap().to_string_lossy()));
    let o = nianbao(&[
        "render",
        input.to_str().unwrap(),
        "--pdf",
        "--as-published",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn pdftotext_gives_back_every_paragraph_and_number_in_order() {
    let dir = temp_dir("pdftext");
    for ex in examples() {
        let pdf = render_pdf(&ex, &dir);
        let o = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        assert!(o.status.success());
        let text = String::from_utf8(o.stdout).unwrap();
        // Page numbers 「— N —」 interrupt paragraphs that run across pages: drop them.
        let text: String = text
            .lines()
            .filter(|l| {
                let t = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}');
                !(t.starts_with('—') && t.ends_with('—') && squeeze(t).trim_matches('—').parse::<u32>().is_ok())
            })
            .collect::<Vec<_>>()
            .join("\n");
        let flat = squeeze(&text);
        let doc = example_doc(&ex);
        for line in &doc.title {
            assert!(flat.contains(&squeeze(line)), "{ex:?}: title line {line}");
        }
        let mut cells = Vec::new();
        for b in &doc.blocks {
            match b {
                Block::Paragraph { lines } => {
                    let p: String = lines.iter().flatten().map(|r| r.text.as_str()).collect();
                    assert!(flat.contains(&squeeze(&p)), "{ex:?}: paragraph missing or broken: {p}");
                }
                Block::Heading { text, .. } => assert!(flat.contains(&squeeze(text)), "{ex:?}: heading {text}"),
                Block::Table(t) => {
                    for row in &t.rows {
                        for c in &row.cells {
                            if c.role == nianbao::model::CellRole::Value && !c.text.is_empty() {
                                cells.push(c.text.clone());
                            }
                        }
                    }
                }
            }
        }
        // Every table number comes back whole, in table order.
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut at = 0;
        for v in &cells {
            let found = words[at..].iter().position(|w| w == v);
            assert!(found.is_some(), "{ex:?}: number {v} missing after word {at}");
            at += found.unwrap() + 1;
        }
    }
}

#[test]
fn pdf_files_pass_qpdf_and_embed_only_subsets() {
    let dir = temp_dir("pdfcheck");
    for ex in examples() {
        let pdf = render_pdf(&ex, &dir);
        let p = pdf.to_str().unwrap();
        let q = tool("qpdf", &["--check", p]);
        assert!(
            q.status.success(),
            "qpdf --check {ex:?}: {}",
            String::from_utf8_lossy(&q.stdout)
        );
        let f = String::from_utf8(tool("pdffonts", &[p]).stdout).unwrap();
        let rows: Vec<&str> = f.lines().skip(2).collect();
        assert!(rows.len() >= 4, "{f}");
        for r in rows {
            let cols: Vec<&str> = r.split_whitespace().collect();
            assert!(cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+', "subset tag: {r}");
            let n = cols.len();
            assert_eq!(
                &cols[n - 5..n - 2],
                &["yes", "yes", "yes"],
                "embedded, subset, unicode: {r}"
            );
        }
        let info = String::from_utf8(tool("pdfinfo", &[p]).stdout).unwrap();
        assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{info}");
        assert!(
            info.contains("政府信息公开工作年度报告"),
            "metadata title/subject: {info}"
        );
    }
}

#[test]
fn pdfs_are_identical_for_identical_input_also_in_one_process() {
    let json = std::fs::read(root().join("examples/zibo-2020.json")).unwrap();
    let opts = nianbao::render::RenderOptions {
        pdf: true,
        ..Default::default()
    };
    let opts = nianbao::render::RenderOptions {
        check: Options {
            as_published: true,
            ..Default::default()
        },
        ..opts
    };
    let a = nianbao::render::render(&json, fonts(), &opts, &mut Vec::new())
        .unwrap()
        .pdf
        .unwrap();
    let b = nianbao::render::render(&json, fonts(), &opts, &mut Vec::new())
        .unwrap()
        .pdf
        .unwrap();
    assert!(a == b, "second render in one process differs");
    let dir = temp_dir("determinism");
    let p1 = render_pdf(&root().join("examples/zibo-2020.json"), &dir);
    let c = std::fs::read(&p1).unwrap();
    assert!(a == c, "a separate process makes different bytes");
    // Dates as PDF (`D:2026…`) and XMP (`2026-…`) write them; a bare 2026 can be an offset.
    let text = String::from_utf8_lossy(&a);
    assert!(
        !text.contains("D:2026") && !text.contains("2026-"),
        "no wall-clock date in the file"
    );
}

#[test]
fn bold_lead_ins_are_synthesised_and_fallback_is_reported() {
    let doc = example_doc(&root().join("examples/zibo-2020.json"));
    let pages = layout::layout(&doc, fonts());
    assert!(body_runs(&pages).any(|(_, r)| r.bold && r.text == "扩大公开范围。"));
    let mut doc = long_paragraph_doc(10);
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body("张堃同志")]],
    }];
    let pages = layout::layout(&doc, fonts());
    assert!(
        pages.fonts.fallbacks.contains_key(&'堃'),
        "堃 falls back from FandolFang"
    );
    assert!(pages.fonts.missing.is_empty());
}

#[test]
fn invalid_input_writes_no_file() {
    let dir = temp_dir("noout");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"year": 2024, "agency": "x"}"#).unwrap();
    let o = nianbao(&["render", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the input remains: {left:?}");
}

#[test]
fn render_to_stdout_and_from_stdin() {
    let json = std::fs::read(root().join("examples/huaian-2024.json")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", "-", "--pdf", "-o", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&json).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"%PDF-") && out.stdout.ends_with(b"%%EOF\n") || out.stdout.ends_with(b"%%EOF"));
    let o = nianbao(&["render", "-", "-o", "-"]);
    assert_eq!(o.status.code(), Some(2), "-o - needs exactly one format");
}

#[test]
fn the_sign_off_follows_the_date_rule() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("examples/zibo-2020.json")).unwrap()).unwrap();
    v["date"] = "2021-01-20".into();
    let doc = document(v.to_string().as_bytes());
    let s = doc.signoff.as_ref().expect("a date gives a sign-off");
    assert_eq!(s.date, "2021年1月20日");
    let pages = layout::layout(&doc, fonts());
    let last = pages.pages.len() - 1;
    let runs: Vec<&layout::GlyphRun> = body_runs(&pages).filter(|(p, _)| *p == last).map(|(_, r)| r).collect();
    let line = |text: &str| -> (Length, Length, Length) {
        let mine: Vec<&&layout::GlyphRun> = runs.iter().filter(|r| text.contains(r.text.trim())).collect();
        let first = mine.first().unwrap_or_else(|| panic!("{text} not on the last page"));
        let last = mine.last().unwrap();
        (first.x, last.x + last.width(), first.baseline)
    };
    let (a_left, a_right, a_base) = line("淄博市人民防空办公室");
    let (d_left, d_right, d_base) = line("2021年1月20日");
    assert_eq!(d_base - a_base, LINE_PITCH, "the date is on the line below the agency");
    let right_edge = MARGIN_LEFT + TEXT_WIDTH;
    // Agency: 右空二字; date: starts two characters right of the agency (GB/T 9704 7.3.5.2).
    assert!(
        (right_edge - a_right - CHAR_PITCH * 2).0.abs() < CHAR_PITCH.0 / 4,
        "agency right edge"
    );
    assert!(
        (d_left - a_left - CHAR_PITCH * 2).0.abs() < CHAR_PITCH.0 / 4
            || (right_edge - d_right - CHAR_PITCH * 4).0.abs() < CHAR_PITCH.0 / 4
    );
}

#[test]
fn a_url_longer_than_a_line_breaks_inside_rather_than_overflow() {
    let url = format!("https://www.example.gov.cn/{}/index.html", "zwgk/zfxxgk/ndbg".repeat(5));
    let mut doc = long_paragraph_doc(10);
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body(format!("详见{url}。"))]],
    }];
    let pages = layout::layout(&doc, fonts());
    let runs: Vec<&layout::GlyphRun> = body_runs(&pages).map(|(_, r)| r).collect();
    for r in &runs {
        assert!(
            r.x + r.width() <= MARGIN_LEFT + TEXT_WIDTH + Length::pt(1),
            "{:?} overflows",
            r.text
        );
    }
    let text: String = runs
        .iter()
        .filter(|r| r.size == nianbao::style::BODY.size)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(text, format!("详见{url}。"));
    // A URL that fits stays whole on one line.
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body(format!(
            "{}详见https://www.pingtan.gov.cn。",
            "政".repeat(20)
        ))]],
    }];
    let pages = layout::layout(&doc, fonts());
    assert!(body_runs(&pages).any(|(_, r)| r.text == "https://www.pingtan.gov.cn"));
}

#[test]
fn table_2_breaks_only_between_its_blocks() {
    let labels = [
        "规章",
        "行政规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
    ];
    for filler in 0..22 {
        let doc = with_filler("huaian-2024.json", "proactive", filler, "填充".repeat(14));
        let pages = layout::layout(&doc, fonts());
        for (i, p) in pages.pages.iter().enumerate() {
            let runs: Vec<&layout::GlyphRun> = p
                .items
                .iter()
                .filter_map(|it| if let Item::Text(r) = it { Some(r) } else { None })
                .collect();
            for row in runs.iter().filter(|r| labels.contains(&r.text.as_str())) {
                let headed = runs.iter().any(|h| h.text == "信息内容" && h.baseline < row.baseline);
                assert!(
                    headed,
                    "filler {filler}, page {}: 「{}」 without its column header above it",
                    i + 1,
                    row.text
                );
            }
        }
    }
}

#[test]
fn a_long_agency_name_still_signs_off() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("examples/huaian-2024.json")).unwrap()).unwrap();
    let agency = "某某省某某市某某区人民政府办公室政务公开与信息化建设领导小组办公室";
    v["agency"] = agency.into();
    v["date"] = "2025-01-20".into();
    let pages = layout::layout(&document(v.to_string().as_bytes()), fonts());
    let last = pages.pages.len() - 1;
    let runs: Vec<&layout::GlyphRun> = body_runs(&pages).filter(|(p, _)| *p == last).map(|(_, r)| r).collect();
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    assert!(text.ends_with(&format!("{agency}2025年1月20日")), "{text}");
    for r in runs.iter().rev().take(4) {
        assert!(
            r.x + r.width() <= MARGIN_LEFT + TEXT_WIDTH - CHAR_PITCH * 2 + Length::pt(1),
            "{:?}",
            r.text
        );
    }
}

/// The placeholder path with the bundled fonts only (layout never consults the machine's
/// fonts): a private-use character no font has.
#[test]
fn a_character_no_font_has_is_a_box_glyph_carrying_the_character() {
    let mut doc = long_paragraph_doc(10);
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body("甲\u{E000}乙")]],
    }];
    let pages = layout::layout(&doc, fonts());
    assert!(pages.fonts.missing.contains(&'\u{E000}'));
    let (_, run) = body_runs(&pages)
        .find(|(_, r)| r.text.contains('\u{E000}'))
        .expect("a run carries the character");
    let g = run
        .glyphs
        .iter()
        .find(|g| &run.text[g.range.clone()] == "\u{E000}")
        .expect("one glyph for it");
    let boxed = fonts().faces[run.face].glyph_of('□').expect("the face has □");
    assert_eq!(
        u32::from(g.glyph),
        boxed.to_u32(),
        "drawn with the □ glyph, never .notdef"
    );
    assert_eq!(g.advance, CHAR_PITCH, "one character wide");
    // PDF/A-2b accepts it (krilla refuses .notdef), and the text copies back.
    let bytes = nianbao::export::pdf::write(&doc, &pages, fonts(), Default::default()).expect("a PDF/A file");
    let dir = temp_dir("placeholder");
    let path = dir.join("p.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("甲\u{E000}乙"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_newline_starts_a_new_unindented_line() {
    let mut doc = long_paragraph_doc(10);
    doc.blocks = vec![Block::Paragraph {
        lines: nianbao::model::hard_lines(&[nianbao::model::Run::body("第一行\n第二行")]),
    }];
    let pages = layout::layout(&doc, fonts());
    let runs: Vec<&layout::GlyphRun> = body_runs(&pages).map(|(_, r)| r).filter(|r| r.text != "标题").collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!((runs[0].text.as_str(), runs[1].text.as_str()), ("第一行", "第二行"));
    assert_eq!(runs[0].x, MARGIN_LEFT + CHAR_PITCH * 2, "the first line is indented");
    assert_eq!(runs[1].x, MARGIN_LEFT, "the line after a break is not");
    assert_eq!(runs[1].baseline - runs[0].baseline, LINE_PITCH);
}

/// A zero-width character no font has (here a variation selector) draws nothing, is no
/// warning, and stays in the text of the glyph before it.
#[test]
fn an_ignorable_character_no_font_has_joins_the_glyph_before_it() {
    let mut doc = long_paragraph_doc(10);
    doc.blocks = vec![Block::Paragraph {
        lines: vec![vec![nianbao::model::Run::body("甲\u{E0100}乙")]],
    }];
    let pages = layout::layout(&doc, fonts());
    assert!(pages.fonts.missing.is_empty(), "{:?}", pages.fonts.missing);
    let (_, run) = body_runs(&pages).find(|(_, r)| r.text.contains('甲')).expect("the run");
    assert_eq!(run.text, "甲\u{E0100}乙");
    assert_eq!(run.glyphs.len(), 2);
    assert_eq!(&run.text[run.glyphs[0].range.clone()], "甲\u{E0100}");
    nianbao::export::pdf::write(&doc, &pages, fonts(), Default::default()).expect("a PDF/A file");
}
