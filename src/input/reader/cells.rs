//! Reading the statistics tables: every cell against the format's key tree, each failing
//! cell left out of the identity checks (no cascades).

use super::super::decimal::{Decimal, Whole};
use super::super::keyboard::Want;
use super::*;

/// A tree of the table keys of one format: branches are objects, leaves are cells.
pub(super) enum KeyNode {
    Leaf(String, CellKind),
    Branch(BTreeMap<String, KeyNode>),
}

impl KeyNode {
    /// The key tree of `format`'s template, built once per process (it depends on the bundled
    /// template only; every report of a batch reads against it).
    pub(super) fn of_format(format: Format) -> &'static BTreeMap<String, KeyNode> {
        static TREES: [std::sync::OnceLock<BTreeMap<String, KeyNode>>; Format::ALL.len()] =
            [const { std::sync::OnceLock::new() }; Format::ALL.len()];
        let i = Format::ALL.iter().position(|&f| f == format).unwrap_or_default();
        TREES[i].get_or_init(|| KeyNode::of(format.template()))
    }

    fn of(template: &Template) -> BTreeMap<String, KeyNode> {
        let mut root = BTreeMap::new();
        for (key, kc) in template.keys() {
            let parts: Vec<&str> = key.split('.').collect();
            let mut node = &mut root;
            for p in &parts[..parts.len() - 1] {
                let next = node
                    .entry(p.to_string())
                    .or_insert_with(|| KeyNode::Branch(BTreeMap::new()));
                node = match next {
                    KeyNode::Branch(m) => m,
                    KeyNode::Leaf(..) => unreachable!("a template key is a prefix of another"),
                };
            }
            node.insert(parts[parts.len() - 1].to_string(), KeyNode::Leaf(key.clone(), kc.kind));
        }
        root
    }

    fn get<'a>(root: &'a BTreeMap<String, KeyNode>, path: &[&str]) -> Option<&'a KeyNode> {
        let (first, rest) = path.split_first()?;
        let mut node = root.get(*first)?;
        for p in rest {
            node = match node {
                KeyNode::Branch(m) => m.get(*p)?,
                KeyNode::Leaf(..) => return None,
            };
        }
        Some(node)
    }
}

/// Said of a cell that fails its own check.
const LEFT_OUT: &str = "this cell is left out of the identity checks until it is fixed";
const LEFT_OUT_ALL: &str = "its cells are left out of the identity checks until it is fixed";
const LEFT_OUT_MEANT: &str = "it is left out of the identity checks until the key is fixed";

/// The cells read so far, where their keys are, and which keys take part in identities.
pub(super) struct CellsOut<'c> {
    pub(super) cells: &'c mut BTreeMap<String, Cell>,
    pub(super) positions: BTreeMap<String, crate::diag::Pos>,
    pub(super) in_identities: std::collections::BTreeSet<String>,
}

/// Marks every not-yet-read cell under `node` invalid (so that it takes no part in the
/// identities); true when one of them takes part in an identity.
fn mark_invalid(node: &KeyNode, out: &mut CellsOut) -> bool {
    match node {
        KeyNode::Leaf(full, _) => {
            let slot = out.cells.entry(full.clone()).or_insert(Cell::Absent);
            if *slot == Cell::Absent {
                *slot = Cell::Invalid;
            }
            out.in_identities.contains(full)
        }
        KeyNode::Branch(children) => {
            // Every child is marked: no short circuit.
            let mut any = false;
            for n in children.values() {
                any |= mark_invalid(n, out);
            }
            any
        }
    }
}

impl Reader<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cells(
        &mut self,
        v: &Value,
        path: &str,
        key: &[&str],
        node: &KeyNode,
        other_tree: &BTreeMap<String, KeyNode>,
        other: Format,
        out: &mut CellsOut,
    ) {
        match node {
            KeyNode::Leaf(full, kind) => {
                let before = self.diags.len();
                let cell = self.cell(v, path, *kind);
                if cell == Cell::Invalid && out.in_identities.contains(full) {
                    if let Some(d) = self.diags.get_mut(before) {
                        d.notes.push(LEFT_OUT.into());
                    }
                }
                out.cells.insert(full.clone(), cell);
            }
            KeyNode::Branch(children) => {
                let Value::Object(obj) = v else {
                    self.type_err(path, v, "an object");
                    // Its cells are not written as meant: keep them out of the identities.
                    let before = self.diags.len() - 1;
                    if mark_invalid(node, out) {
                        self.diags[before].notes.push(LEFT_OUT_ALL.into());
                    }
                    return;
                };
                let known: Vec<&str> = children.keys().map(String::as_str).collect();
                let in_other = |name: &str| {
                    let mut p = key.to_vec();
                    p.push(name);
                    KeyNode::get(other_tree, &p).map(|_| other)
                };
                let before = self.diags.len();
                let fields = self.fields(path, obj, &known, &in_other);
                // A misspelt key (`natual`) stands for the cell it resembles (`natural`): that
                // cell is not missing (0) but written wrongly, and stays out of the identities.
                let misspelt: Vec<(usize, String)> =
                    self.misspelt.iter().filter(|(i, _)| *i >= before).cloned().collect();
                for (i, meant) in misspelt {
                    let meant = meant.as_str();
                    let Some(n) = children.get(meant).filter(|_| !fields.contains_key(meant)) else {
                        continue;
                    };
                    if mark_invalid(n, out) {
                        let note = format!("`{meant}` is taken as written wrongly, not as missing: {LEFT_OUT_MEANT}");
                        self.diags[i].notes.push(note);
                    }
                }
                for prop in &obj.properties {
                    let name = prop.name.as_str();
                    if let (Some(KeyNode::Leaf(full, _)), true) = (children.get(name), fields.contains_key(name)) {
                        if !out.positions.contains_key(full) {
                            let p = self.at(path, &prop.name).pos();
                            out.positions.extend(p.map(|p| (full.clone(), p)));
                        }
                    }
                }
                for (name, value) in fields {
                    let mut k = key.to_vec();
                    k.push(name);
                    self.cells(value, &child(path, name), &k, &children[name], other_tree, other, out);
                }
            }
        }
    }

    fn cell(&mut self, v: &Value, path: &str, kind: CellKind) -> Cell {
        match (v, kind) {
            (Value::NullKeyword(_), _) => Cell::Null,
            (Value::NumberLit(n), CellKind::Count | CellKind::Total | CellKind::Signed) => {
                let (min, what) = if kind == CellKind::Signed {
                    (-MAX_COUNT, "an integer")
                } else {
                    (0, "a non-negative integer")
                };
                // A count is a number whose value is whole, however it is written (88283,
                // 88283.0, 8.8283e4), as JSON Schema's `integer` says.
                match Decimal::parse(n.value).map(|d| d.integer(MAX_COUNT)) {
                    Some(Whole::Int(i)) if (min..=MAX_COUNT).contains(&i) => Cell::Int(i),
                    Some(Whole::Int(_) | Whole::Huge) => {
                        let locus = self.at(path, v);
                        self.err(
                            "range",
                            locus,
                            format!("{} is out of range ({min} … {MAX_COUNT})", n.value),
                            format!("write {what} of at most 12 digits"),
                        );
                        Cell::Invalid
                    }
                    _ => {
                        let locus = self.at(path, v);
                        self.err(
                            "type",
                            locus,
                            format!("expected {what}, found {}", n.value),
                            "counts are whole numbers of items: no fraction",
                        );
                        Cell::Invalid
                    }
                }
            }
            (Value::NumberLit(n), CellKind::Amount) => match Decimal::parse(n.value).and_then(|d| d.plain()) {
                Some(plain) => self.amount(&plain, path, v),
                // A huge or tiny exponent: far more digits than an amount may have.
                None => {
                    let locus = self.at(path, v);
                    self.err(
                        "range",
                        locus,
                        format!("`{}` has more than {MAX_AMOUNT_DIGITS} digits", n.value),
                        "check the unit of the amount",
                    );
                    Cell::Invalid
                }
            },
            (Value::StringLit(s), CellKind::Amount) => self.amount(&s.value, path, v),
            (_, CellKind::Amount) => {
                self.type_err(path, v, "a decimal number or a string holding one");
                Cell::Invalid
            }
            (_, CellKind::Signed) => {
                self.number_type_err(path, v, "an integer (may be negative)", Want::Signed);
                Cell::Invalid
            }
            (_, _) => {
                self.number_type_err(path, v, "a non-negative integer or null", Want::Whole);
                Cell::Invalid
            }
        }
    }

    fn amount(&mut self, s: &str, path: &str, v: &Value) -> Cell {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits_ok = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        let ok = digits_ok(int) && (frac.is_empty() && !s.ends_with('.') || digits_ok(frac));
        if !ok {
            let locus = self.at(path, v);
            self.err(
                "type",
                locus,
                format!("`{s}` is not a non-negative decimal number"),
                number_hint(s, Want::Amount).unwrap_or_else(|| {
                    "write digits with at most one decimal point, e.g. \"96171.6\" (no unit, no thousands separator)".into()
                }),
            );
            return Cell::Invalid;
        }
        if int.len() + frac.len() > MAX_AMOUNT_DIGITS {
            let locus = self.at(path, v);
            self.err(
                "range",
                locus,
                format!("`{s}` has more than {MAX_AMOUNT_DIGITS} digits"),
                "check the unit of the amount",
            );
            return Cell::Invalid;
        }
        Cell::Amount(s.to_string())
    }
}
