//! The statute's report formats as data, loaded from `templates/<format>.json`.
//!
//! A [`Template`] holds the six section headings, the three statistics tables (every label
//! verbatim, header merges, the input key and kind of every value cell) and the arithmetic
//! identities. Code never spells out a statutory label: it reads it from here.
//! The JSON files are compiled into the library, and [`Template::from_json`] checks each one
//! consistent (rectangular grid, spans inside the grid, every key on exactly one cell).

pub mod carry;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// A statute format: the 2019 试行 format (reports for 2019 and 2020) or the 2021 format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Format {
    #[serde(rename = "2019")]
    F2019,
    #[serde(rename = "2021")]
    F2021,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::F2019, Format::F2021];

    /// The format's name as written in the input (`"2019"` or `"2021"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The format the statute prescribes for a report year: 2019 试行 up to 2020, 2021 after.
    pub fn for_year(year: i64) -> Format {
        if year <= 2020 {
            Format::F2019
        } else {
            Format::F2021
        }
    }

    /// The template of this format.
    pub fn template(self) -> &'static Template {
        use std::sync::OnceLock;
        static T2019: OnceLock<Template> = OnceLock::new();
        static T2021: OnceLock<Template> = OnceLock::new();
        let (cell, src) = match self {
            Format::F2019 => (&T2019, include_str!("../templates/2019.json")),
            Format::F2021 => (&T2021, include_str!("../templates/2021.json")),
        };
        // The bundled templates are checked by the test suite; a parse failure is a build defect.
        cell.get_or_init(|| Template::from_json(src).expect("bundled template is valid"))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a value cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    /// A non-negative integer.
    Count,
    /// An integer that may be negative (2019 「本年增/减」).
    Signed,
    /// A decimal number printed exactly as written (万元, 采购总金额).
    Amount,
    /// A non-negative integer that an identity defines; computed when omitted.
    Total,
}

/// What a text cell is, for typography.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextRole {
    /// A full-width block header 「第二十条第（X）项」 of table 二.
    Group,
    /// A column header.
    Header,
    /// The explanatory corner cell of table 三.
    Note,
    /// A row label.
    Label,
}

/// One cell as the template lists it: text or value, with its spans. Cells covered by a
/// span above or to the left are not listed (HTML rule).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateCell {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub role: Option<TextRole>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub kind: Option<CellKind>,
    #[serde(default = "one")]
    pub rowspan: usize,
    #[serde(default = "one")]
    pub colspan: usize,
    /// Background colour as RRGGBB hex.
    #[serde(default)]
    pub shade: Option<String>,
    /// Whether the text names the cells it heads in diagnostics (default true).
    #[serde(default = "yes")]
    pub in_locus: bool,
}

fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRow {
    pub cells: Vec<TemplateCell>,
}

/// A statistics table: relative column widths, header rows, and rows of cells.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableTemplate {
    /// `proactive`, `requests` or `review_litigation`: the input field that feeds it.
    pub id: String,
    /// The printed name used in diagnostics, e.g. 「表三」.
    pub name: String,
    /// Relative column widths; the layout scales them to the text block width.
    pub columns: Vec<u32>,
    /// How many leading rows are header rows, repeated when the table breaks across pages.
    pub header_rows: usize,
    pub rows: Vec<TemplateRow>,
}

/// A section of the report: a heading and either prose from the input or a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTemplate {
    pub heading: String,
    /// The key under `sections` in the input that holds this section's blocks.
    #[serde(default)]
    pub prose: Option<String>,
    /// The id of the table printed in this section.
    #[serde(default)]
    pub table: Option<String>,
}

/// An arithmetic identity `Σ lhs = Σ rhs`, instantiated once for each item of `for_each`
/// by replacing `{}` in every term.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub id: String,
    pub table: String,
    pub statement: String,
    pub for_each: Vec<String>,
    pub lhs: Vec<String>,
    pub rhs: Vec<String>,
}

impl Identity {
    /// Every instance of the identity as (item, lhs keys, rhs keys).
    pub fn instances(&self) -> impl Iterator<Item = (&str, Vec<String>, Vec<String>)> + '_ {
        self.for_each.iter().map(|item| {
            let sub = |terms: &[String]| terms.iter().map(|t| t.replace("{}", item)).collect();
            (item.as_str(), sub(&self.lhs), sub(&self.rhs))
        })
    }
}

/// A value cell resolved to its place in the grid.
#[derive(Debug, Clone)]
pub struct KeyCell {
    pub table: usize,
    pub row: usize,
    pub col: usize,
    pub kind: CellKind,
    /// The row label as printed (may be empty for table 四).
    pub row_label: String,
    /// The column label as printed.
    pub col_label: String,
}

/// One statute format, loaded and indexed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub format: Format,
    pub name: String,
    pub instrument: String,
    pub sections: Vec<SectionTemplate>,
    pub tables: Vec<TableTemplate>,
    pub identities: Vec<Identity>,
    #[serde(skip)]
    keys: BTreeMap<String, KeyCell>,
}

/// The occupancy of a table's grid: for every (row, column), the index of the listed cell
/// covering it, as (row index, index within that row).
#[derive(Debug, Clone)]
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    /// `origin[r][c]` = the (row, index in row) of the cell covering (r, c).
    pub origin: Vec<Vec<Option<(usize, usize)>>>,
    /// For each listed cell (row, index in row): its top-left (row, column).
    pub anchor: BTreeMap<(usize, usize), (usize, usize)>,
}

impl TableTemplate {
    /// Places every listed cell on the grid. Errors name the first inconsistency.
    pub fn grid(&self) -> Result<Grid, String> {
        let cols = self.columns.len();
        let rows = self.rows.len();
        let mut origin = vec![vec![None; cols]; rows];
        let mut anchor = BTreeMap::new();
        for (r, row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for (i, cell) in row.cells.iter().enumerate() {
                while c < cols && origin[r][c].is_some() {
                    c += 1;
                }
                if c >= cols {
                    return Err(format!(
                        "{} row {}: cell {} lies past the last column",
                        self.name,
                        r + 1,
                        i + 1
                    ));
                }
                if cell.rowspan == 0 || cell.colspan == 0 {
                    return Err(format!("{} row {}: cell {} has a zero span", self.name, r + 1, i + 1));
                }
                if r + cell.rowspan > rows || c + cell.colspan > cols {
                    return Err(format!(
                        "{} row {}: cell {} spans past the table",
                        self.name,
                        r + 1,
                        i + 1
                    ));
                }
                for line in &mut origin[r..r + cell.rowspan] {
                    for slot in &mut line[c..c + cell.colspan] {
                        if slot.is_some() {
                            return Err(format!(
                                "{} row {}: cell {} overlaps another cell",
                                self.name,
                                r + 1,
                                i + 1
                            ));
                        }
                        *slot = Some((r, i));
                    }
                }
                anchor.insert((r, i), (r, c));
                c += cell.colspan;
            }
        }
        for (r, line) in origin.iter().enumerate() {
            if let Some(c) = line.iter().position(Option::is_none) {
                return Err(format!(
                    "{} row {}: column {} is not covered by any cell",
                    self.name,
                    r + 1,
                    c + 1
                ));
            }
        }
        Ok(Grid {
            rows,
            cols,
            origin,
            anchor,
        })
    }

    /// The listed cell at (row, index in row).
    pub fn cell(&self, at: (usize, usize)) -> &TemplateCell {
        &self.rows[at.0].cells[at.1]
    }

    fn is_header_row(&self, r: usize) -> bool {
        self.rows[r]
            .cells
            .iter()
            .all(|c| c.key.is_none() && matches!(c.role, Some(TextRole::Header | TextRole::Note | TextRole::Group)))
            && self.rows[r].cells.iter().any(|c| c.role == Some(TextRole::Header))
    }

    /// Row and column labels of the value cell at grid position (r, c), as printed.
    fn labels(&self, grid: &Grid, r: usize, c: usize) -> (String, String) {
        let mut row_parts: Vec<&str> = Vec::new();
        let mut last = None;
        for cc in 0..c {
            let at = grid.origin[r][cc].expect("checked grid");
            let cell = self.cell(at);
            if Some(at) != last && cell.role == Some(TextRole::Label) && cell.in_locus {
                row_parts.push(cell.text.as_deref().unwrap_or(""));
            }
            last = Some(at);
        }
        // The header block nearest above this row.
        let mut rr = r;
        while rr > 0 && !self.is_header_row(rr - 1) {
            rr -= 1;
        }
        let mut top = rr;
        while top > 0 && self.is_header_row(top - 1) {
            top -= 1;
        }
        let mut col_parts: Vec<&str> = Vec::new();
        let mut seen = Vec::new();
        for hr in top..rr {
            let at = grid.origin[hr][c].expect("checked grid");
            let cell = self.cell(at);
            if !seen.contains(&at) && cell.role == Some(TextRole::Header) && cell.in_locus {
                col_parts.push(cell.text.as_deref().unwrap_or(""));
            }
            seen.push(at);
        }
        (row_parts.join(" "), col_parts.join(" "))
    }
}

impl Template {
    /// Parses and indexes a template. Fails on malformed JSON, an inconsistent grid, a value
    /// cell without key or kind, a text cell without text, or a key used twice.
    pub fn from_json(src: &str) -> Result<Template, String> {
        let mut t: Template = serde_json::from_str(src).map_err(|e| format!("template: {e}"))?;
        t.index()?;
        Ok(t)
    }

    fn index(&mut self) -> Result<(), String> {
        let mut keys = BTreeMap::new();
        for (ti, table) in self.tables.iter().enumerate() {
            let grid = table.grid()?;
            for (&(r, i), &(gr, gc)) in &grid.anchor {
                let cell = table.cell((r, i));
                match (&cell.key, &cell.text) {
                    (Some(key), None) => {
                        let kind = cell
                            .kind
                            .ok_or_else(|| format!("{}: key {key} has no kind", table.name))?;
                        if cell.role.is_some() {
                            return Err(format!("{}: value cell {key} has a text role", table.name));
                        }
                        if !key.starts_with(&format!("{}.", table.id)) {
                            return Err(format!("{}: key {key} is outside table {}", table.name, table.id));
                        }
                        let (row_label, col_label) = table.labels(&grid, gr, gc);
                        let kc = KeyCell {
                            table: ti,
                            row: gr,
                            col: gc,
                            kind,
                            row_label,
                            col_label,
                        };
                        if keys.insert(key.clone(), kc).is_some() {
                            return Err(format!("{}: key {key} feeds two cells", table.name));
                        }
                    }
                    (None, Some(_)) => {
                        if cell.role.is_none() || cell.kind.is_some() {
                            return Err(format!(
                                "{} row {}: a text cell needs a role and no kind",
                                table.name,
                                r + 1
                            ));
                        }
                    }
                    _ => {
                        return Err(format!(
                            "{} row {}: a cell needs exactly one of text and key",
                            table.name,
                            r + 1
                        ))
                    }
                }
            }
        }
        // Keys are paths of nested input objects: a key that is also the branch of another
        // (`a.b` and `a.b.c`) or has an empty step could not be read.
        for key in keys.keys() {
            if key.split('.').any(str::is_empty) {
                return Err(format!("key `{key}` has an empty step"));
            }
            if let Some((other, _)) = keys.range(format!("{key}.")..format!("{key}/")).next() {
                return Err(format!("key `{key}` is a prefix of key `{other}`"));
            }
        }
        for id in &self.identities {
            for (_, lhs, rhs) in id.instances() {
                for k in lhs.iter().chain(&rhs) {
                    if !keys.contains_key(k) {
                        return Err(format!("identity {}: term {k} is no cell", id.id));
                    }
                }
            }
        }
        for s in &self.sections {
            match (&s.prose, &s.table) {
                (Some(_), None) => {}
                (None, Some(t)) if self.tables.iter().any(|x| &x.id == t) => {}
                _ => {
                    return Err(format!(
                        "section {}: needs exactly one of prose and a known table",
                        s.heading
                    ))
                }
            }
        }
        self.keys = keys;
        Ok(())
    }

    /// Every value key of the format, with its place and kind, in key order.
    pub fn keys(&self) -> &BTreeMap<String, KeyCell> {
        &self.keys
    }

    /// Every value key in printed order: table by table, row by row, left to right.
    pub fn keys_in_order(&self) -> Vec<&str> {
        let mut v: Vec<(&str, &KeyCell)> = self.keys.iter().map(|(k, c)| (k.as_str(), c)).collect();
        v.sort_by_key(|(_, c)| (c.table, c.row, c.col));
        v.into_iter().map(|(k, _)| k).collect()
    }

    /// The table with the given id.
    pub fn table(&self, id: &str) -> Option<&TableTemplate> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The prose section keys (`overview`, `problems`, `other`) in printed order.
    pub fn prose_keys(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().filter_map(|s| s.prose.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_templates_load_and_every_key_has_one_cell() {
        for f in Format::ALL {
            let t = f.template();
            assert_eq!(t.format, f);
            assert_eq!(t.sections.len(), 6);
            let value_cells: usize = t
                .tables
                .iter()
                .map(|tb| {
                    tb.rows
                        .iter()
                        .flat_map(|r| &r.cells)
                        .filter(|c| c.key.is_some())
                        .count()
                })
                .sum();
            assert_eq!(value_cells, t.keys().len(), "every value cell has its own key");
        }
    }

    #[test]
    fn key_counts_match_the_statute() {
        // 2019: 二 has 6×3 + 2 + 2 = 22 values; 三 23 rows × 7; 四 15.
        assert_eq!(Format::F2019.template().keys().len(), 22 + 23 * 7 + 15);
        // 2021: 二 has 2×3 + 4 = 10 values; 三 25 rows × 7; 四 15.
        assert_eq!(Format::F2021.template().keys().len(), 10 + 25 * 7 + 15);
    }

    #[test]
    fn labels_are_found_from_the_grid() {
        let t = Format::F2021.template();
        let k = &t.keys()["requests.results.total.natural"];
        assert_eq!((k.row_label.as_str(), k.col_label.as_str()), ("（七）总计", "自然人"));
        let k = &t.keys()["requests.results.withheld.state_secret.commercial"];
        assert_eq!(k.row_label, "（三）不予公开 1.属于国家秘密");
        assert_eq!(k.col_label, "法人或其他组织 商业企业");
        let k = &t.keys()["review_litigation.litigation_after_review.total"];
        assert_eq!(
            (k.row_label.as_str(), k.col_label.as_str()),
            ("", "行政诉讼 复议后起诉 总计")
        );
        let k = &t.keys()["proactive.fees.amount"];
        assert_eq!(k.row_label, "行政事业性收费");
        assert_eq!(k.col_label, "本年收费金额（单位：万元）");
        let k = &Format::F2019.template().keys()["proactive.penalty.change"];
        assert_eq!((k.row_label.as_str(), k.col_label.as_str()), ("行政处罚", "本年增/减"));
    }

    #[test]
    fn merges_are_as_the_statute_draws_them() {
        for (f, span) in [(Format::F2019, 20), (Format::F2021, 22)] {
            let t = f.template().table("requests").unwrap();
            let cell = t.rows[5]
                .cells
                .iter()
                .find(|c| c.text.as_deref() == Some("三、本年度办理结果"))
                .unwrap();
            assert_eq!(cell.rowspan, span);
            assert_eq!(t.rows.len(), 3 + span + 3);
        }
    }

    #[test]
    fn inconsistent_spans_are_refused() {
        let bad = Format::F2021.template().tables[2].clone();
        let mut bad = bad;
        bad.rows[0].cells[0].colspan = 6; // 行政复议 5 → 6 pushes 行政诉讼 past the grid
        assert!(bad.grid().unwrap_err().contains("past"));
        let mut gap = Format::F2021.template().tables[2].clone();
        gap.rows[3].cells.pop();
        assert!(gap.grid().unwrap_err().contains("not covered"));
    }

    #[test]
    fn a_key_on_two_cells_is_refused() {
        let src = include_str!("../templates/2021.json").replacen(
            "\"proactive.rules.repealed\"",
            "\"proactive.rules.issued\"",
            1,
        );
        assert!(Template::from_json(&src).unwrap_err().contains("feeds two cells"));
    }

    #[test]
    fn format_follows_the_year() {
        assert_eq!(Format::for_year(2020), Format::F2019);
        assert_eq!(Format::for_year(2021), Format::F2021);
    }
}
