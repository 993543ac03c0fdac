//! Word files (.docx) → [`Source`]: `word/document.xml` read with quick-xml; paragraphs
//! with their bold runs and style names, tables with `gridSpan` and `vMerge` resolved into
//! a grid. Nested tables are read as the text of the cell that holds them.

use super::source::{Block, Para, Source, Table};
use super::ImportError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Read;

/// The OLE compound-file signature: an encrypted .docx or a Word 97–2003 .doc.
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads a .docx. Fails with the reason when it is encrypted, not a zip, or has no
/// `word/document.xml`.
pub(crate) fn read(bytes: &[u8]) -> Result<Source, ImportError> {
    if bytes.starts_with(OLE) {
        return Err(ImportError::Unreadable(
            "the file is an encrypted Word document or a Word 97–2003 .doc (OLE compound file), not a .docx; remove the password / save it as .docx".into(),
        ));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(format!("not a readable .docx (zip: {e})")))?;
    let document = part(&mut zip, "word/document.xml")?
        .ok_or_else(|| ImportError::Unreadable("not a Word document: it has no word/document.xml".into()))?;
    let styles = match part(&mut zip, "word/styles.xml")? {
        Some(s) => style_names(&s),
        None => HashMap::new(),
    };
    let meta_title = part(&mut zip, "docProps/core.xml")?.and_then(|c| core_title(&c));
    let blocks = body(&document, &styles)?;
    Ok(Source {
        blocks,
        meta_title,
        attachments: Vec::new(),
    })
}

/// Parts larger than this are refused (a zip bomb must not exhaust memory).
const MAX_PART: u64 = 64 << 20;

fn part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>, ImportError> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ImportError::Unreadable(format!("{name}: {e}"))),
    };
    if f.encrypted() {
        return Err(ImportError::Unreadable(format!("{name} is encrypted")));
    }
    let mut buf = Vec::new();
    (&mut f)
        .take(MAX_PART + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
    if buf.len() as u64 > MAX_PART {
        return Err(ImportError::Unreadable(format!("{name} is larger than 64 MiB")));
    }
    Ok(Some(buf))
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::default())
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Style id → style name in normal form (lowercase, no spaces: `heading2`, `title`).
fn style_names(xml: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                b"style" => current = attr(&e, b"styleId"),
                b"name" => {
                    if let (Some(id), Some(name)) = (current.clone(), attr(&e, b"val")) {
                        out.insert(id, normal_style(&name));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn normal_style(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn core_title(xml: &[u8]) -> Option<String> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut inside = false;
    let mut out = String::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if local(e.name().as_ref()) == b"title" => inside = true,
            Ok(Event::End(e)) if local(e.name().as_ref()) == b"title" => break,
            Ok(Event::Text(t)) if inside => out.push_str(&t.decode().ok()?),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// A table being read: its grid, the current row and column, the cell being filled.
struct TableBuild {
    table: Table,
    row: Option<usize>,
    col: usize,
    cell: Option<CellBuild>,
    cells_in_row: usize,
}

#[derive(Default)]
struct CellBuild {
    text: String,
    span: usize,
    /// `Some(true)` restart, `Some(false)` continuation, `None` no vertical merge.
    vmerge: Option<bool>,
}

#[derive(Default)]
struct RunProps {
    bold: bool,
    /// The level of a run in a `RunInHeadingN` character style (nianbao's run-in heading).
    heading: Option<u8>,
}

fn body(xml: &[u8], styles: &HashMap<String, String>) -> Result<Vec<Block>, ImportError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut blocks = Vec::new();
    let mut tables: Vec<TableBuild> = Vec::new();
    let mut count = 0;
    // Paragraphs nest (a text box inside a paragraph): the innermost is filled.
    let mut paras: Vec<Para> = Vec::new();
    // Inside `mc:Fallback` (a copy of the `mc:Choice` content for old readers): skipped.
    let mut fallback = 0usize;
    let mut run = RunProps::default();
    let mut in_rpr = false;
    let mut in_text = false;
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Unreadable(format!("word/document.xml is not well-formed XML ({e})")))?;
        if fallback > 0 {
            match &ev {
                Event::Start(e) if local(e.name().as_ref()) == b"Fallback" => fallback += 1,
                Event::End(e) if local(e.name().as_ref()) == b"Fallback" => fallback -= 1,
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
            continue;
        }
        match ev {
            Event::Start(e) => {
                let name = local(e.name().as_ref()).to_vec();
                match name.as_slice() {
                    b"Fallback" => fallback = 1,
                    b"tbl" => {
                        count += 1;
                        tables.push(TableBuild {
                            table: Table::new(count),
                            row: None,
                            col: 0,
                            cell: None,
                            cells_in_row: 0,
                        });
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row = Some(t.row.map_or(0, |r| r + 1));
                            t.col = 0;
                            t.cells_in_row = 0;
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(CellBuild {
                                span: 1,
                                ..CellBuild::default()
                            });
                        }
                    }
                    b"p" => paras.push(Para::default()),
                    b"r" => run = RunProps::default(),
                    b"rPr" => in_rpr = true,
                    b"t" => in_text = true,
                    b"vMerge" => set_vmerge(&mut tables, &e),
                    b"b" if in_rpr => run.bold = on(&e),
                    _ => {}
                }
            }
            Event::Empty(e) => match local(e.name().as_ref()) {
                b"pStyle" => {
                    if let (Some(p), Some(id)) = (paras.last_mut(), attr(&e, b"val")) {
                        p.style = Some(styles.get(&id).cloned().unwrap_or_else(|| normal_style(&id)));
                    }
                }
                b"gridSpan" => {
                    if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        c.span = attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                b"gridBefore" => {
                    if let Some(t) = tables.last_mut() {
                        t.col += attr(&e, b"val")
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0)
                            .min(64);
                    }
                }
                b"vMerge" => set_vmerge(&mut tables, &e),
                b"b" if in_rpr => run.bold = on(&e),
                b"rStyle" if in_rpr => {
                    run.heading = attr(&e, b"val")
                        .and_then(|v| v.strip_prefix("RunInHeading").and_then(|l| l.parse::<u8>().ok()))
                        .filter(|l| (2..=4).contains(l));
                }
                b"tab" if !in_rpr => push_text(&mut paras, &run, " "),
                b"br" | b"cr" => push_text(&mut paras, &run, "\n"),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t
                    .decode()
                    .map_err(|e| ImportError::Unreadable(format!("word/document.xml: bad text ({e})")))?;
                push_text(&mut paras, &run, &s);
            }
            Event::GeneralRef(g) if in_text => {
                let name = g.decode().unwrap_or_default();
                let s = match name.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".into(),
                    "gt" => ">".into(),
                    "quot" => "\"".into(),
                    "apos" => "'".into(),
                    other => other
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| other.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32)
                        .map(String::from)
                        .unwrap_or_default(),
                };
                push_text(&mut paras, &run, &s);
            }
            Event::End(e) => match local(e.name().as_ref()) {
                b"t" => in_text = false,
                b"rPr" => in_rpr = false,
                b"p" => {
                    let Some(p) = paras.pop() else { continue };
                    if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        c.text.push_str(&p.text());
                    } else {
                        // A line break inside a paragraph starts a new line (title lines).
                        for line in split_lines(p) {
                            blocks.push(Block::Para(line));
                        }
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut() {
                        if let (Some(c), Some(r)) = (t.cell.take(), t.row) {
                            t.cells_in_row += 1;
                            let span = if (1..=64).contains(&c.span) { c.span } else { 1 };
                            let placed = c.vmerge == Some(false) && t.table.extend_down(r, t.col, span);
                            if !placed {
                                let origin =
                                    format!("Word table {}, row {}, cell {}", t.table.number, r + 1, t.cells_in_row);
                                t.table.place(r, t.col, c.text.replace('\n', ""), 1, span, origin);
                            }
                            t.col += span;
                        }
                    }
                }
                b"tbl" => {
                    if let Some(done) = tables.pop() {
                        match tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            // A nested table is read as text of the cell holding it.
                            Some(c) => {
                                for cell in &done.table.cells {
                                    c.text.push_str(&cell.text);
                                }
                            }
                            None => blocks.push(Block::Table(done.table)),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(blocks)
}

fn set_vmerge(tables: &mut [TableBuild], e: &BytesStart<'_>) {
    if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
        c.vmerge = Some(attr(e, b"val").is_some_and(|v| v == "restart"));
    }
}

/// A `<w:b/>` toggle: on unless `w:val` is 0/false/off.
fn on(e: &BytesStart<'_>) -> bool {
    !attr(e, b"val").is_some_and(|v| matches!(v.as_str(), "0" | "false" | "off"))
}

fn push_text(paras: &mut [Para], run: &RunProps, s: &str) {
    if let Some(p) = paras.last_mut() {
        match (run.heading, &mut p.run_in) {
            // A run-in heading only at the paragraph's start.
            (Some(level), None) if p.runs.is_empty() => p.run_in = Some((level, s.to_string())),
            (Some(level), Some((l, text))) if *l == level && p.runs.is_empty() => text.push_str(s),
            _ => p.push(s, run.bold),
        }
    }
}

fn split_lines(p: Para) -> Vec<Para> {
    if !p.runs.iter().any(|r| r.text.contains('\n')) {
        return vec![p];
    }
    let mut out = vec![Para {
        runs: Vec::new(),
        style: p.style.clone(),
        run_in: p.run_in.clone(),
    }];
    for r in p.runs {
        for (i, piece) in r.text.split('\n').enumerate() {
            if i > 0 {
                out.push(Para {
                    runs: Vec::new(),
                    style: p.style.clone(),
                    run_in: None,
                });
            }
            if let Some(last) = out.last_mut() {
                last.push(piece, r.bold);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn docx(body: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        write!(
            z,
            r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>{body}</w:body></w:document>"#
        )
        .unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    fn tc(props: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn grid_span_and_vertical_merges_make_the_grid() {
        let row1 = format!(
            "<w:tr>{}{}</w:tr>",
            tc(r#"<w:vMerge w:val="restart"/>"#, "A"),
            tc(r#"<w:gridSpan w:val="2"/>"#, "B")
        );
        let row2 = format!("<w:tr>{}{}{}</w:tr>", tc("<w:vMerge/>", ""), tc("", "1"), tc("", "　"));
        let src = read(&docx(&format!("<w:tbl>{row1}{row2}</w:tbl>"))).unwrap();
        let Block::Table(t) = &src.blocks[0] else {
            panic!("a table")
        };
        let cells: Vec<(&str, usize)> = t.row_cells(1).iter().map(|c| (c.text.as_str(), c.col)).collect();
        assert_eq!(cells, [("A", 0), ("1", 1), ("　", 2)]);
        assert_eq!(t.cells[0].rowspan, 2);
        assert_eq!(t.cells[0].origin, "Word table 1, row 1, cell 1");
    }

    #[test]
    fn bold_runs_text_boxes_and_fallbacks() {
        let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>加强解读。</w:t></w:r><w:r><w:t>全年</w:t></w:r>
            <w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Choice>
            <mc:Fallback><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>
            <w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>12篇。</w:t></w:r></w:p>"#;
        let src = read(&docx(body)).unwrap();
        let texts: Vec<String> = src
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(p) => p.text(),
                Block::Table(_) => "table".into(),
            })
            .collect();
        assert_eq!(texts, ["框", "加强解读。全年12篇。"]);
        let Block::Para(p) = &src.blocks[1] else { panic!() };
        assert!(p.runs[0].bold && !p.runs[1].bold);
    }

    #[test]
    fn broken_files_say_why() {
        let e = read(b"PK\x03\x04junk").unwrap_err();
        assert!(e.to_string().contains("not a readable .docx"), "{e}");
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("x.txt", zip::write::SimpleFileOptions::default()).unwrap();
        z.finish().unwrap();
        let e = read(&buf.into_inner()).unwrap_err();
        assert!(e.to_string().contains("no word/document.xml"), "{e}");
    }
}
