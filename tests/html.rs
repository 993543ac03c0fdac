//! The HTML export through the binary: HTML5 without parse errors, the semantics the portal
//! needs, every table's grid rebuilt from `rowspan`/`colspan` equal to the model's (the
//! template's grid with every number), every data cell reachable from its headers through
//! `scope`, deterministic bytes, the round trip through `import`, the command line, and a
//! headless Chromium check for horizontal overflow at desktop and phone widths (and A4 pages
//! when printed).

mod common;

use common::{examples, nianbao, root, round_trip_equal, temp_dir};
use nianbao::model::{CellRole, Document};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("selector")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Renders `input` with `args` to stdout (`-o -`) and returns the bytes.
fn html_of(input: &Path, args: &[&str]) -> String {
    let mut all = vec!["render", s(input), "-o", "-", "--as-published"];
    all.extend_from_slice(args);
    let o = nianbao(&all);
    assert_eq!(o.status.code(), Some(0), "{}: {}", input.display(), stderr(&o));
    String::from_utf8(o.stdout).expect("UTF-8 HTML")
}

fn document(path: &Path) -> Document {
    let (checked, diags) = nianbao::load(
        &std::fs::read(path).unwrap(),
        nianbao::validate::Options {
            as_published: true,
            ..Default::default()
        },
    );
    assert!(!nianbao::diag::has_errors(&diags), "{diags:?}");
    nianbao::model::resolve(&checked.expect("report"))
}

/// A report with what the examples lack: a date (sign-off), a line break, runs of spaces,
/// characters to escape, a heading without numbering and a numbered paragraph.
fn rich_report(dir: &Path) -> PathBuf {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(root().join("examples/huaian-2024.json")).unwrap()).unwrap();
    v["date"] = "2025-01-20".into();
    let other = v["sections"]["other"].as_array_mut().unwrap();
    other.push("第一行\n第二行：A&B <c>  \"两个空格\"".into());
    other.push(serde_json::json!({"heading": "无编号的小标题", "level": 3}));
    other.push(serde_json::json!({"heading": "（1）第四级", "level": 4}));
    other.push("1.看起来像标题的段落".into());
    other.push("**加粗的引语。**其后是正文。".into());
    let p = dir.join("rich.json");
    std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    p
}

/// A report whose agency is longer than a line (the sign-off wraps in print), with the
/// default title.
fn long_agency_report(dir: &Path) -> PathBuf {
    let mut v: Value = serde_json::from_slice(&std::fs::read(root().join("examples/zibo-2020.json")).unwrap()).unwrap();
    let m = v.as_object_mut().unwrap();
    m.remove("title");
    m.insert(
        "agency".into(),
        "某某省某某市某某区人民政府办公室信息化建设与数据资源管理领导小组办公室".into(),
    );
    m.insert("date".into(), "2021-01-26".into());
    let p = dir.join("long-agency.json");
    std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    p
}

fn attr<'a>(e: &ElementRef<'a>, name: &str) -> Option<&'a str> {
    e.value().attr(name)
}

fn text_of(e: &ElementRef<'_>) -> String {
    e.text().collect()
}

#[test]
fn every_example_parses_without_errors_and_carries_the_semantics() {
    let dir = temp_dir("html-semantics");
    // The parser does report errors (so that their absence below means something).
    assert!(!Html::parse_document("<!DOCTYPE html><p></div><table><p>")
        .errors
        .is_empty());
    assert!(!Html::parse_document("<p>no doctype</p>").errors.is_empty());
    let mut inputs = examples();
    inputs.push(rich_report(&dir));
    for ex in &inputs {
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let html = html_of(ex, &["--html"]);
        let doc = Html::parse_document(&html);
        assert!(doc.errors.is_empty(), "{name}: HTML5 parse errors: {:?}", doc.errors);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{name}");
        // Self-contained: no script, no external resource.
        for bad in ["<script", " src=", " href=", "url(", "@import", "<link"] {
            assert!(!html.contains(bad), "{name}: {bad}");
        }
        let model = document(ex);
        let one = |css: &str| {
            doc.select(&sel(css))
                .next()
                .unwrap_or_else(|| panic!("{name}: no {css}"))
        };
        assert_eq!(text_of(&one("head > title")), model.meta.title, "{name}");
        for m in ["description", "author", "generator", "keywords"] {
            let c = attr(&one(&format!("meta[name={m}]")), "content").unwrap_or_default();
            assert!(!c.is_empty(), "{name}: meta {m}");
        }
        assert_eq!(
            attr(&one("meta[name=author]"), "content"),
            Some(model.meta.author.as_str())
        );
        assert!(attr(&one("meta[name=generator]"), "content")
            .unwrap()
            .starts_with("nianbao "));
        assert!(
            doc.select(&sel("meta[charset=utf-8]")).next().is_some(),
            "{name}: charset"
        );
        // Headings: one h1 (the title's lines), an h2 per section, input headings h3–h5.
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{name}");
        assert_eq!(text_of(&one("h1")), model.title.concat(), "{name}");
        let mut want = Vec::new();
        let mut paragraphs = 0;
        for b in &model.blocks {
            match b {
                nianbao::model::Block::Heading { level, text, .. } => want.push((level + 1, text.clone())),
                nianbao::model::Block::Paragraph { .. } => paragraphs += 1,
                nianbao::model::Block::Table(_) => {}
            }
        }
        let got: Vec<(u8, String)> = doc
            .select(&sel(
                ".nianbao-report > h2, .nianbao-report > h3, .nianbao-report > h4, .nianbao-report > h5",
            ))
            .map(|h| (h.value().name()[1..].parse().unwrap(), text_of(&h)))
            .collect();
        assert_eq!(got, want, "{name}: headings in order and level");
        assert_eq!(doc.select(&sel(".nianbao-report > p")).count(), paragraphs, "{name}");
        // Bold lead-ins are <strong>; tables are real tables with captions and header rows.
        let runs = |style: nianbao::model::RunStyle| -> Vec<String> {
            model
                .blocks
                .iter()
                .filter_map(|b| match b {
                    nianbao::model::Block::Paragraph { lines } => Some(lines),
                    _ => None,
                })
                .flatten()
                .flatten()
                .filter(|r| r.style == style)
                .map(|r| r.text.clone())
                .collect()
        };
        let bold = !runs(nianbao::model::RunStyle::Bold).is_empty();
        assert_eq!(doc.select(&sel("p strong")).next().is_some(), bold, "{name}: strong");
        // Run-in headings are spans at the start of their paragraph, classed by level.
        for level in 2u8..=4 {
            let want = runs(nianbao::model::RunStyle::Heading(level));
            let got: Vec<String> = doc
                .select(&sel(&format!(
                    ".nianbao-report > p > span.nb-run-in.nb-run-in-{level}:first-child"
                )))
                .map(|s| text_of(&s))
                .collect();
            assert_eq!(got, want, "{name}: run-in headings of level {level}");
        }
        let tables: Vec<ElementRef> = doc.select(&sel("table")).collect();
        assert_eq!(tables.len(), model.tables().count(), "{name}");
        for (t, m) in tables.iter().zip(model.tables()) {
            let cap = t.select(&sel("caption")).next().expect("caption");
            assert!(text_of(&cap).starts_with(&m.name), "{name}: caption {}", text_of(&cap));
            let thead_rows = t.select(&sel("thead > tr")).count();
            assert_eq!(thead_rows, m.header_rows, "{name}: {} header rows", m.name);
            assert!(t.select(&sel("tbody > tr")).count() > 0);
        }
        // The sign-off with its machine-readable date.
        match &model.signoff {
            Some(so) => {
                let time = one(".nianbao-report > footer time");
                let d = model.meta.date;
                assert_eq!(
                    attr(&time, "datetime"),
                    Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day).as_str())
                );
                assert_eq!(text_of(&time), so.date);
                assert!(text_of(&one(".nianbao-report > footer")).contains(&so.agency));
            }
            None => assert!(doc.select(&sel("footer")).next().is_none(), "{name}"),
        }
        // The fragment: the root div only, its style scoped under the root's class.
        let frag = html_of(ex, &["--html-fragment"]);
        assert!(
            frag.starts_with("<div class=\"nianbao-report\" lang=\"zh-CN\">\n<style>"),
            "{name}"
        );
        assert!(!frag.contains("<html") && !frag.contains("<head") && !frag.contains("@page"));
        let f = Html::parse_fragment(&frag);
        assert!(f.errors.is_empty(), "{name}: fragment parse errors: {:?}", f.errors);
        let css = text_of(&f.select(&sel("style")).next().unwrap());
        for line in css.lines().filter(|l| !l.is_empty() && !l.starts_with("@media")) {
            for selector in line.split('{').next().unwrap().split(',') {
                assert!(selector.starts_with(".nianbao-report"), "{name}: unscoped rule {line}");
            }
        }
        // The document's body is the fragment without its style.
        let body_div = html.split("<main>\n").nth(1).unwrap().split("</main>").next().unwrap();
        let frag_no_style =
            frag.split_once("<style>").unwrap().0.to_string() + frag.split_once("</style>\n").unwrap().1;
        assert_eq!(body_div, frag_no_style, "{name}: the page's article is the fragment");
    }
}

/// A table's cells placed by the HTML rules: (row, col) anchor → (row span, col span, text,
/// element name).
type Placed = BTreeMap<(usize, usize), (usize, usize, String, String)>;

fn rebuild(t: &ElementRef<'_>) -> (Placed, Vec<Vec<(usize, usize)>>) {
    let mut taken: Vec<Vec<Option<(usize, usize)>>> = Vec::new();
    let mut placed = Placed::new();
    for (r, tr) in t.select(&sel("tr")).enumerate() {
        let mut c = 0;
        for cell in tr.children().filter_map(ElementRef::wrap) {
            let span = |a: &str| attr(&cell, a).map_or(1, |v| v.parse::<usize>().expect("span"));
            let (rs, cs) = (span("rowspan"), span("colspan"));
            while taken.len() < r + rs {
                taken.push(Vec::new());
            }
            while taken[r].get(c).copied().flatten().is_some() {
                c += 1;
            }
            for row in taken.iter_mut().skip(r).take(rs) {
                if row.len() < c + cs {
                    row.resize(c + cs, None);
                }
                for slot in &mut row[c..c + cs] {
                    assert!(slot.is_none(), "overlapping cells at row {r}");
                    *slot = Some((r, c));
                }
            }
            placed.insert((r, c), (rs, cs, text_of(&cell), cell.value().name().to_string()));
            c += cs;
        }
    }
    let grid = taken
        .into_iter()
        .map(|row| row.into_iter().map(|s| s.expect("no hole in the grid")).collect())
        .collect();
    (placed, grid)
}

#[test]
fn table_grids_rebuilt_from_spans_are_the_templates_with_every_number() {
    let dir = temp_dir("html-grids");
    let mut inputs = examples();
    inputs.push(rich_report(&dir));
    for ex in &inputs {
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = Html::parse_document(&html_of(ex, &["--html"]));
        let model = document(ex);
        let (checked, _) = nianbao::load(
            &std::fs::read(ex).unwrap(),
            nianbao::validate::Options {
                as_published: true,
                ..Default::default()
            },
        );
        let checked = checked.unwrap();
        let template = checked.report.format.template();
        for (t, m) in doc.select(&sel("table")).zip(model.tables()) {
            let (placed, grid) = rebuild(&t);
            assert_eq!(grid.len(), m.rows.len(), "{name} {}: rows", m.name);
            assert!(
                grid.iter().all(|r| r.len() == m.widths.len()),
                "{name} {}: columns",
                m.name
            );
            let mut want = Placed::new();
            for (r, row) in m.rows.iter().enumerate() {
                for c in &row.cells {
                    let tag = if matches!(c.role, CellRole::Value | CellRole::Note) {
                        "td"
                    } else {
                        "th"
                    };
                    want.insert((r, c.col), (c.row_span, c.col_span, c.text.clone(), tag.to_string()));
                }
            }
            assert_eq!(placed, want, "{name} {}: the grid", m.name);
            // Every number of the template's cells, from the checked values, in its place.
            let tt = template.table(&m.id).unwrap();
            let tgrid = tt.grid().unwrap();
            for (r, row) in tt.rows.iter().enumerate() {
                for (i, cell) in row.cells.iter().enumerate() {
                    let (_, col) = tgrid.anchor[&(r, i)];
                    let got = &placed[&(r, col)].2;
                    match &cell.key {
                        Some(k) => {
                            let v = checked.values.get(k).map(|v| v.text()).unwrap_or_default();
                            assert_eq!(got, &v, "{name}: {k}");
                        }
                        None => assert_eq!(Some(got.as_str()), cell.text.as_deref().or(Some("")), "{name}"),
                    }
                }
            }
        }
    }
}

/// The header cells the HTML standard's algorithm assigns to a data cell from `scope`
/// alone: row headers to its left, column headers above (a header run passed hides a later
/// header of the same position and size), and the row group and column group headers of
/// its groups. Cells are identified by their anchor.
fn scope_headers(
    placed: &Placed,
    grid: &[Vec<(usize, usize)>],
    scopes: &BTreeMap<(usize, usize), String>,
    row_group: &[usize],
    col_groups: &[(usize, usize)],
    at: (usize, usize),
) -> BTreeSet<(usize, usize)> {
    let (rs, cs) = (placed[&at].0, placed[&at].1);
    let mut out = BTreeSet::new();
    let mut scan = |x0: usize, y0: usize, dx: isize, dy: isize| {
        let (mut x, mut y) = (x0 as isize, y0 as isize);
        let mut opaque: Vec<(usize, usize)> = Vec::new();
        let mut block: Vec<(usize, usize)> = Vec::new();
        let mut in_block = false;
        loop {
            x += dx;
            y += dy;
            if x < 0 || y < 0 {
                break;
            }
            let a = grid[y as usize][x as usize];
            let (ars, acs) = (placed[&a].0, placed[&a].1);
            match scopes.get(&a) {
                Some(scope) => {
                    in_block = true;
                    block.push(a);
                    let blocked = if dx == 0 {
                        opaque.iter().any(|o| o.1 == a.1 && placed[o].1 == acs) || scope != "col"
                    } else {
                        opaque.iter().any(|o| o.0 == a.0 && placed[o].0 == ars) || scope != "row"
                    };
                    if !blocked {
                        out.insert(a);
                    }
                }
                None if in_block => {
                    in_block = false;
                    opaque.append(&mut block);
                }
                None => {}
            }
        }
    };
    for y in at.0..at.0 + rs {
        scan(at.1, y, -1, 0);
    }
    for x in at.1..at.1 + cs {
        scan(x, at.0, 0, -1);
    }
    let colgroup = |x: usize| col_groups.iter().position(|&(a, b)| a <= x && x < b);
    for (a, scope) in scopes {
        let reach = a.1 < at.1 + cs && a.0 < at.0 + rs;
        if reach && scope == "rowgroup" && row_group[a.0] == row_group[at.0] {
            out.insert(*a);
        }
        if reach && scope == "colgroup" && colgroup(a.1) == colgroup(at.1) {
            out.insert(*a);
        }
    }
    out.retain(|a| !placed[a].2.trim().is_empty());
    out
}

#[test]
fn every_data_cell_is_reachable_from_its_headers_through_scope() {
    for ex in examples() {
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = Html::parse_document(&html_of(&ex, &["--html"]));
        let mut explicit_cells = 0;
        for t in doc.select(&sel("table")) {
            let (placed, grid) = rebuild(&t);
            // Scopes and ids by anchor, row groups by row, column groups by their columns.
            let mut scopes = BTreeMap::new();
            let mut ids = BTreeMap::new();
            let mut row_group = Vec::new();
            let mut in_body = Vec::new();
            let mut anchors = placed.keys().copied();
            for (g, section) in t.children().filter_map(ElementRef::wrap).enumerate() {
                if !matches!(section.value().name(), "thead" | "tbody") {
                    continue;
                }
                for tr in section.children().filter_map(ElementRef::wrap) {
                    row_group.push(g);
                    in_body.push(section.value().name() == "tbody");
                    for cell in tr.children().filter_map(ElementRef::wrap) {
                        let a = anchors.next().unwrap();
                        if cell.value().name() == "th" {
                            let scope = attr(&cell, "scope").unwrap_or_else(|| panic!("{name}: a th without scope"));
                            assert!(["col", "colgroup", "row", "rowgroup"].contains(&scope));
                            scopes.insert(a, scope.to_string());
                        }
                        if let Some(id) = attr(&cell, "id") {
                            ids.insert(id.to_string(), a);
                        }
                    }
                }
            }
            let mut col_groups = Vec::new();
            for cg in t.select(&sel("colgroup")) {
                let start = col_groups.last().map_or(0, |&(_, b)| b);
                col_groups.push((start, start + cg.select(&sel("col")).count()));
            }
            assert_eq!(
                col_groups.last().map(|g| g.1),
                grid.first().map(Vec::len),
                "{name}: colgroups"
            );
            let cells: Vec<ElementRef> = t.select(&sel("tbody td")).collect();
            let body_anchors: Vec<(usize, usize)> = placed
                .iter()
                .filter(|(a, c)| c.3 == "td" && in_body[a.0])
                .map(|(a, _)| *a)
                .collect();
            assert_eq!(cells.len(), body_anchors.len(), "{name}");
            for (cell, a) in cells.iter().zip(body_anchors) {
                let by_scope = scope_headers(&placed, &grid, &scopes, &row_group, &col_groups, a);
                let columns = by_scope.iter().filter(|h| scopes[*h] != "row").count();
                assert!(
                    columns > 0,
                    "{name}: the cell at {a:?} has no column header through scope"
                );
                let row_label = (0..a.1).any(|x| scopes.get(&grid[a.0][x]).is_some_and(|s| s == "row"));
                if row_label {
                    assert!(
                        by_scope.iter().any(|h| scopes[h] == "row"),
                        "{name}: the cell at {a:?} has no row header through scope"
                    );
                }
                // Where the cell names its headers, they are among those scope reaches.
                if let Some(list) = attr(cell, "headers") {
                    explicit_cells += 1;
                    let named: BTreeSet<(usize, usize)> = list
                        .split_whitespace()
                        .map(|id| *ids.get(id).unwrap_or_else(|| panic!("{name}: {id} names no cell")))
                        .collect();
                    assert!(
                        named.iter().all(|h| scopes.contains_key(h)),
                        "{name}: headers name th cells"
                    );
                    assert!(named.is_subset(&by_scope), "{name}: {list} vs scope");
                    assert!(
                        named.len() < by_scope.len(),
                        "{name}: headers only where scope says more"
                    );
                }
            }
        }
        // Table 二's blocks have headers of other widths: some cells need `headers`.
        assert!(explicit_cells > 0, "{name}");
    }
}

#[test]
fn html_is_deterministic_across_runs_and_jobs() {
    let dir = temp_dir("html-determinism");
    for ex in examples() {
        let a = html_of(&ex, &["--html"]);
        assert_eq!(a, html_of(&ex, &["--html"]), "{}", ex.display());
    }
    let mut outs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.join(format!("j{jobs}"));
        let o = nianbao(&[
            "batch",
            s(&root().join("examples")),
            "-o",
            s(&out),
            "--html",
            "--as-published",
            "--jobs",
            jobs,
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x != "json"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "huaian-2024.html",
                "pingtan-2019.html",
                "pingtan-2021.html",
                "zibo-2020.html"
            ],
            "batch --html writes HTML only"
        );
        outs.push(files);
    }
    assert_eq!(outs[0], outs[1]);
    for (name, bytes) in &outs[0] {
        let stem = name.trim_end_matches(".html");
        assert_eq!(
            String::from_utf8_lossy(bytes),
            html_of(&root().join(format!("examples/{stem}.json")), &["--html"]),
            "{name}: batch writes what render writes"
        );
    }
}

/// The imported report equals the input: every value the input gives (amounts as strings,
/// the title compared as text: it comes back in its printed lines), and nothing more than
/// computed totals and zeros for counts the input omits.
fn assert_round_trip(name: &str, orig: &Value, got: &Value) {
    let joined = |v: &Value| -> String {
        match &v["title"] {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        }
    };
    let want_title = match orig.get("title") {
        Some(_) => joined(orig),
        // The default title, as printed.
        None => format!(
            "{}{}年政府信息公开工作年度报告",
            orig["agency"].as_str().unwrap(),
            orig["year"]
        ),
    };
    assert_eq!(joined(got), want_title, "{name}: title");
    round_trip_equal(name, orig, got, &["$schema", "title"]);
}

#[test]
fn import_of_our_own_html_gives_back_the_input() {
    let dir = temp_dir("html-round-trip");
    let mut inputs = examples();
    inputs.push(rich_report(&dir));
    inputs.push(long_agency_report(&dir));
    for ex in &inputs {
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let orig: Value = serde_json::from_slice(&std::fs::read(ex).unwrap()).unwrap();
        // The page, and the fragment pasted into a portal page with its own chrome.
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, html_of(ex, &["--html"])).unwrap();
        let portal = dir.join(format!("{name}.portal.html"));
        std::fs::write(
            &portal,
            format!(
                "<!DOCTYPE html><html><head><title>门户网站</title></head><body><header><nav>首页 | 政务公开</nav></header>\
                 <div class=\"content\"><p>发布日期：2025-01-21 来源：本站</p>{}</div>\
                 <footer><p>主办单位：某某市人民政府办公室 2025年1月1日</p></footer></body></html>",
                html_of(ex, &["--html-fragment"])
            ),
        )
        .unwrap();
        for file in [&page, &portal] {
            let o = nianbao(&["import", s(file)]);
            assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
            let got: Value = serde_json::from_slice(&o.stdout).expect("JSON");
            assert_round_trip(&name, &orig, &got);
            // The imported report validates strictly: its totals are the computed ones.
            let back = dir.join(format!("{name}.back.json"));
            std::fs::write(&back, &o.stdout).unwrap();
            let v = nianbao(&["validate", s(&back), "--as-published"]);
            assert_eq!(v.status.code(), Some(0), "{name}: {}", stderr(&v));
        }
    }
}

#[test]
fn the_command_line_names_html_and_writes_nothing_on_bad_input() {
    let dir = temp_dir("html-cli");
    let ex = root().join("examples/pingtan-2021.json");
    // An .html extension names the format; several formats go beside each other.
    let o = nianbao(&["render", s(&ex), "-o", s(&dir.join("r.html"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("r.html").exists() && !dir.join("r.pdf").exists());
    let o = nianbao(&["render", s(&ex), "-o", s(&dir.join("r.htm"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.join("r.htm")).unwrap(),
        std::fs::read(dir.join("r.html")).unwrap()
    );
    let o = nianbao(&["render", s(&ex), "--html", "--docx", "-o", s(&dir.join("both"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("both.html").exists() && dir.join("both.docx").exists() && !dir.join("both.pdf").exists());
    // Contradictions and ambiguities are argument errors, with nothing written.
    for args in [
        vec!["-o", "x.pdf", "--html"],
        vec!["-o", "-"],
        vec!["-o", "-", "--html", "--pdf"],
        vec!["--html", "--html-fragment", "-o", "y/"],
    ] {
        let mut all = vec!["render", s(&ex)];
        all.extend(args.iter().copied());
        let o = nianbao(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    assert!(!Path::new("x.pdf").exists() && !Path::new("y").exists());
    // A rejected report writes no HTML.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        br#"{"year": 2024, "agency": "A", "requests": {"new": {"natual": 1}}}"#,
    )
    .unwrap();
    let o = nianbao(&["render", s(&bad), "--html", "-o", s(&dir.join("bad.html"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.join("bad.html").exists());
    // The HTML needs no fonts: a fonts folder that does not exist is never read.
    let o = nianbao(&["render", s(&ex), "--html", "-o", "-", "--fonts", "/nonexistent"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Renders the example into a test-only page with a script that measures the report (the
/// product never holds a script) and returns what the script wrote: the width the page's
/// content needs and the width it has, and the same for each table's scrolling region.
fn measure(chromium: &str, report: &str, dir: &Path, width: u32, fonts_conf: &Path) -> (u32, u32, Vec<(u32, u32)>) {
    // The report in an iframe of exactly the width (a headless window is at least 500 px wide).
    let srcdoc = report.replace('&', "&amp;").replace('"', "&quot;");
    let page = format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" style=\"width:{width}px;height:900px;border:0\" srcdoc=\"{srcdoc}\"></iframe>\
         <script>document.getElementById('f').addEventListener('load',function(){{var d=this.contentDocument,e=d.documentElement;\
         var t=[].map.call(d.querySelectorAll('.nb-scroll'),function(x){{return x.scrollWidth+'/'+x.clientWidth}}).join(',');\
         document.body.setAttribute('data-measure',e.scrollWidth+'/'+e.clientWidth+' '+t)}});</script></body></html>"
    );
    let wrapper = dir.join(format!("measure-{width}.html"));
    std::fs::write(&wrapper, page).unwrap();
    let o = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", wrapper.display()))
        .env("FONTCONFIG_FILE", fonts_conf)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout);
    let m = dom
        .split("data-measure=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("chromium wrote no measurement: {}", stderr(&o)));
    let pair = |s: &str| -> (u32, u32) {
        let (a, b) = s.split_once('/').expect("a/b");
        (a.parse().unwrap(), b.parse().unwrap())
    };
    let (page, tables) = m.split_once(' ').unwrap_or((m, ""));
    let (need, have) = pair(page);
    (
        need,
        have,
        tables.split(',').filter(|t| !t.is_empty()).map(pair).collect(),
    )
}

#[test]
fn chromium_shows_no_horizontal_overflow_at_desktop_and_phone_widths() {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!("SKIPPED chromium_shows_no_horizontal_overflow…: no `chromium` on this machine (bash .ci/setup installs it)");
        return;
    };
    let dir = temp_dir("html-chromium");
    // The bundled fonts, for this test only: the page names them after the official fonts.
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>\
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include><dir>{}</dir><cachedir>{}</cachedir></fontconfig>",
            root().join("fonts").display(),
            dir.join("fc-cache").display()
        ),
    )
    .unwrap();
    let report = html_of(&root().join("examples/pingtan-2021.json"), &["--html"]);
    let page = dir.join("pingtan-2021.html");
    std::fs::write(&page, &report).unwrap();
    for (width, phone) in [(1280, false), (375, true)] {
        let (need, have, tables) = measure(chromium, &report, &dir, width, &conf);
        assert_eq!(have, width, "the viewport");
        assert!(
            need <= have,
            "{width} px: the page needs {need} px (horizontal overflow)"
        );
        assert_eq!(tables.len(), 3);
        for (i, &(tneed, thave)) in tables.iter().enumerate() {
            assert!(thave <= have, "{width} px: table {i} region is {thave} px wide");
            // On a phone the wide tables (三, 四) scroll inside their region.
            if phone && i > 0 {
                assert!(tneed > thave, "{width} px: table {i} should scroll ({tneed}/{thave})");
            }
            if !phone {
                assert!(
                    tneed <= thave,
                    "{width} px: table {i} scrolls on a desktop ({tneed}/{thave})"
                );
            }
        }
        // A screenshot for a person to look at (kept in the test's temporary folder).
        let png = dir.join(format!("pingtan-2021-{width}.png"));
        let o = std::process::Command::new(chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
            .arg(format!("--window-size={width},6000"))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", page.display()))
            .env("FONTCONFIG_FILE", &conf)
            .output()
            .expect("run chromium");
        let bytes = std::fs::read(&png).unwrap_or_else(|_| panic!("no screenshot: {}", stderr(&o)));
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        assert_eq!(w, width, "screenshot width");
        eprintln!("screenshot: {}", png.display());
    }
    // The print stylesheet gives A4 pages.
    let pdf = dir.join("printed.pdf");
    let o = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .expect("run chromium");
    assert!(pdf.exists(), "no PDF printed: {}", stderr(&o));
    let info = String::from_utf8_lossy(&common::tool("pdfinfo", &[s(&pdf)]).stdout).into_owned();
    assert!(info.contains("(A4)"), "printed page size: {info}");
}
