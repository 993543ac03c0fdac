//! The bundled templates through the library's public API, against the statute: every label
//! a template prints must be one the statute prints (the lists below are copied from
//! `spec/statute.md` §1–§3, not from the templates), the grids are rectangular, and every value
//! cell has exactly one input key.

use nianbao::template::{Format, Template};
use std::collections::BTreeSet;

/// §1: the six headings, identical in both formats.
const HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// §2.1: table 二 of the 2019（试行）format.
const PROACTIVE_2019: &[&str] = &[
    "第二十条第（一）项",
    "信息内容",
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "规章",
    "规范性文件",
    "第二十条第（五）项",
    "上一年项目数量",
    "本年增/减",
    "处理决定数量",
    "行政许可",
    "其他对外管理服务事项",
    "第二十条第（六）项",
    "行政处罚",
    "行政强制",
    "第二十条第（八）项",
    "行政事业性收费",
    "第二十条第（九）项",
    "采购项目数量",
    "采购总金额",
    "政府集中采购",
];

/// §3.1: table 二 of the 2021 format.
const PROACTIVE_2021: &[&str] = &[
    "第二十条第（一）项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "规章",
    "行政规范性文件",
    "第二十条第（五）项",
    "本年处理决定数量",
    "行政许可",
    "第二十条第（六）项",
    "行政处罚",
    "行政强制",
    "第二十条第（八）项",
    "本年收费金额（单位：万元）",
    "行政事业性收费",
];

/// §2.2: the header of table 三 (both formats): the note cell, then the column headers.
const REQUESTS_HEADER: &[&str] = &[
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// §2.2: the label columns L1 and L2 of table 三 that head several rows.
const REQUESTS_GROUPS: &[&str] = &[
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
];

/// §2.2 rows 5–12, 13–15, 16–20 (L3 under the group in L2).
const WITHHELD: &[&str] = &[
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
];
const UNAVAILABLE: &[&str] = &[
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
];
const NOT_PROCESSED: &[&str] = &[
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
];
/// §3.2 rows 21–23: the 2021 sub-rows of （六）其他处理.
const OTHER_2021: &[&str] = &[
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
];

/// §3.3: table 四 (both formats).
const REVIEW_LITIGATION: &[&str] = &[
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
];
const OUTCOMES: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

fn prefixed(group: &str, items: &[&str]) -> Vec<String> {
    items.iter().map(|i| format!("{group} {i}")).collect()
}

/// The row labels of table 三 as diagnostics print them, top to bottom (§2.2, §3.2).
fn requests_rows(format: Format) -> Vec<String> {
    let mut rows: Vec<String> = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ]
    .map(String::from)
    .into();
    rows.extend(prefixed("（三）不予公开", WITHHELD));
    rows.extend(prefixed("（四）无法提供", UNAVAILABLE));
    rows.extend(prefixed("（五）不予处理", NOT_PROCESSED));
    match format {
        Format::F2019 => rows.push("（六）其他处理".into()),
        Format::F2021 => rows.extend(prefixed("（六）其他处理", OTHER_2021)),
    }
    rows.extend(["（七）总计", "四、结转下年度继续办理"].map(String::from));
    rows
}

/// Every text the statute prints in a format: headings and table labels.
fn statute_texts(format: Format) -> BTreeSet<String> {
    let proactive = match format {
        Format::F2019 => PROACTIVE_2019,
        Format::F2021 => PROACTIVE_2021,
    };
    let rows = requests_rows(format);
    // A row label is its groups' labels and its own, joined by spaces: its own is the last.
    let own = rows.iter().filter_map(|r| r.rsplit(' ').next());
    [
        &HEADINGS[..],
        proactive,
        REQUESTS_HEADER,
        REQUESTS_GROUPS,
        REVIEW_LITIGATION,
    ]
    .concat()
    .into_iter()
    .chain(own)
    .map(String::from)
    .collect()
}

/// Every text a template prints: section headings and the texts of its table cells.
fn template_texts(t: &Template) -> BTreeSet<String> {
    let cells = t.tables.iter().flat_map(|tb| &tb.rows).flat_map(|r| &r.cells);
    t.sections
        .iter()
        .map(|s| s.heading.clone())
        .chain(cells.filter_map(|c| c.text.clone()))
        .collect()
}

/// The differences between a template's texts and the statute's, as readable lines.
fn label_mismatches(t: &Template, format: Format) -> Vec<String> {
    let (ours, statute) = (template_texts(t), statute_texts(format));
    let extra = ours.difference(&statute).map(|s| format!("not in the statute: {s}"));
    extra
        .chain(statute.difference(&ours).map(|s| format!("missing: {s}")))
        .collect()
}

#[test]
fn template_labels_are_the_statutes_verbatim() {
    for f in Format::ALL {
        assert_eq!(label_mismatches(f.template(), f), Vec::<String>::new(), "{f}");
    }
}

#[test]
fn a_typo_in_a_template_label_is_caught() {
    let src = std::fs::read_to_string(format!("{}/templates/2021.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let typo = Template::from_json(&src.replacen("\"自然人\"", "\"自然入\"", 1)).expect("still a valid template");
    let found = label_mismatches(&typo, Format::F2021);
    assert_eq!(found, ["not in the statute: 自然入", "missing: 自然人"]);
}

/// The (row label, column label) of every key of a table, in printed order.
fn labels(t: &Template, table: &str) -> Vec<(String, String)> {
    t.keys_in_order()
        .into_iter()
        .filter(|k| k.starts_with(&format!("{table}.")))
        .map(|k| (t.keys()[k].row_label.clone(), t.keys()[k].col_label.clone()))
        .collect()
}

#[test]
fn table_3_rows_and_columns_read_as_the_statute_prints_them() {
    let columns = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    .map(|c| match c {
        "自然人" | "总计" => c.to_string(),
        _ => format!("法人或其他组织 {c}"),
    });
    for f in Format::ALL {
        let expected: Vec<(String, String)> = requests_rows(f)
            .into_iter()
            .flat_map(|r| columns.iter().map(move |c| (r.clone(), c.clone())))
            .collect();
        assert_eq!(labels(f.template(), "requests"), expected, "{f}");
    }
}

#[test]
fn table_4_columns_read_as_the_statute_prints_them() {
    let groups = ["行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉"];
    let expected: Vec<(String, String)> = groups
        .iter()
        .flat_map(|g| OUTCOMES.map(|o| (String::new(), format!("{g} {o}"))))
        .collect();
    for f in Format::ALL {
        assert_eq!(labels(f.template(), "review_litigation"), expected, "{f}");
    }
}

#[test]
fn grids_are_rectangular_with_the_statutes_dimensions() {
    // (table, rows, columns): §2.1/§3.1 (二: one row per block header, column header and
    // data row), §2.2/§3.2 (三: 3 header rows + 23 or 25 data rows), §3.3 (四).
    let dims = [
        (
            Format::F2019,
            [("proactive", 18, 4), ("requests", 26, 10), ("review_litigation", 4, 15)],
        ),
        (
            Format::F2021,
            [("proactive", 14, 4), ("requests", 28, 10), ("review_litigation", 4, 15)],
        ),
    ];
    for (f, tables) in dims {
        let t = f.template();
        let ids: Vec<&str> = t.tables.iter().map(|tb| tb.id.as_str()).collect();
        assert_eq!(ids, ["proactive", "requests", "review_litigation"]);
        for (id, rows, cols) in tables {
            let grid = t
                .table(id)
                .expect(id)
                .grid()
                .unwrap_or_else(|e| panic!("{f} {id}: {e}"));
            assert_eq!((grid.rows, grid.cols), (rows, cols), "{f} {id}");
            assert_eq!(grid.origin.len(), rows);
            assert!(
                grid.origin
                    .iter()
                    .all(|r| r.len() == cols && r.iter().all(Option::is_some)),
                "{f} {id}"
            );
        }
    }
}

#[test]
fn every_key_is_one_cell_and_every_value_cell_has_one_key() {
    for f in Format::ALL {
        let t = f.template();
        let mut seen = BTreeSet::new();
        for (ti, table) in t.tables.iter().enumerate() {
            let grid = table.grid().expect("grid");
            for (&at, &(r, c)) in &grid.anchor {
                let cell = table.cell(at);
                assert!(
                    cell.key.is_some() != cell.text.is_some(),
                    "{f} {} {at:?}: text xor key",
                    table.id
                );
                let Some(key) = &cell.key else { continue };
                assert!(cell.kind.is_some(), "{key} has a kind");
                assert!(seen.insert(key.clone()), "{f}: {key} feeds two cells");
                let kc = &t.keys()[key];
                assert_eq!(
                    (kc.table, kc.row, kc.col),
                    (ti, r, c),
                    "{f}: {key} is indexed where it stands"
                );
            }
        }
        assert_eq!(seen.len(), t.keys().len(), "{f}: every indexed key stands on a cell");
        assert_eq!(t.keys_in_order().len(), t.keys().len());
    }
}

#[test]
fn identities_1_to_4_are_declared_over_existing_keys() {
    // I-3 sums every result row: 19 in 2019 (（六） is one row), 21 in 2021 (three sub-rows).
    for (f, result_rows) in [(Format::F2019, 19), (Format::F2021, 21)] {
        let t = f.template();
        let ids: Vec<&str> = t.identities.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["I-1", "I-2", "I-3", "I-4"], "{f}");
        for id in &t.identities {
            for (_, lhs, rhs) in id.instances() {
                assert!(
                    lhs.iter().chain(&rhs).all(|k| t.keys().contains_key(k)),
                    "{f} {}",
                    id.id
                );
            }
        }
        let i3 = &t.identities[2];
        assert_eq!(i3.rhs.len(), result_rows, "{f}");
        // I-2 covers every row of 三.
        assert_eq!(t.identities[1].for_each.len(), requests_rows(f).len(), "{f}");
    }
}

/// A template whose key is also the branch of another (`proactive.rules` beside
/// `proactive.rules.repealed`) could not be read from nested input objects: it is refused at
/// load, naming both keys, instead of panicking later while reading a report.
#[test]
fn a_template_key_that_is_a_prefix_of_another_is_refused_at_load() {
    let src = std::fs::read_to_string(format!("{}/templates/2021.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let bad = src.replacen("\"proactive.rules.issued\"", "\"proactive.rules\"", 1);
    assert_ne!(bad, src);
    let err = Template::from_json(&bad).expect_err("a prefix key must be refused");
    assert!(
        err.contains("`proactive.rules` is a prefix of key `proactive.rules."),
        "{err}"
    );
    let empty_step = src.replacen("\"proactive.rules.issued\"", "\"proactive..issued\"", 1);
    let err = Template::from_json(&empty_step).expect_err("an empty step must be refused");
    assert!(err.contains("empty step"), "{err}");
}
