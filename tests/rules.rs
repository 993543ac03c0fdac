//! Every diagnostic rule of the input reader and the validator, through the real binary: a
//! failing case (exit code, severity, location as printed, in both diagnostic modes) and a
//! passing case next to it. Fixtures under `tests/fixtures/input/` each hold one kind of
//! defect in a small, real-looking report; `valid-2019.json` and `valid-2021.json` are the
//! clean reports they were derived from, and the passing variants below edit those.

mod support;

use support::{assert_contains, str_field, validate, validate_fixture, validate_text, variant, Input, Outcome};

/// Validates a variant of a fixture (see [`variant`]) through standard input.
fn validate_variant(name: &str, edits: &[(&str, &str)]) -> Outcome {
    validate_text(&variant(name, edits))
}

/// valid-2021.json with the unique text `from` replaced by each of `values`: every one is
/// rejected by `rule` at `location`.
fn rejects_each(from: &str, values: &[&str], rule: &str, location: &str) {
    for to in values {
        let o = validate_variant("valid-2021.json", &[(from, to)]);
        assert!(o.code == 1, "`{to}` is accepted:\n{}", o.human);
        o.rejects(rule, location);
    }
}

fn hint(d: &serde_json::Value) -> &str {
    str_field(d, "hint")
}

#[test]
fn the_clean_fixtures_have_no_diagnostic_at_all() {
    // The passing case of every rule at once: same key names in sibling objects, omitted
    // totals, amounts with a trailing zero, a signed -18, headings, bold runs, a date.
    validate_fixture("valid-2021.json").clean();
    validate_fixture("valid-2019.json").clean();
}

#[test]
fn utf8_gbk_bytes_are_rejected_at_the_first_invalid_byte() {
    // iconv -t GBK of valid-2021.json: 某 (C4 B3) happens to be valid UTF-8, 县 is not.
    let o = validate_fixture("gbk.json");
    assert_contains(hint(o.rejects("utf8", "4:15")), "GBK");
    let o = validate(Input::Stdin(b"\xFF{}"), &[]);
    o.rejects("utf8", "1:1");
}

#[test]
fn utf8_bom_is_accepted_and_does_not_shift_columns() {
    let with_bom = |text: String| [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    validate(Input::Stdin(&with_bom(support::fixture_text("valid-2021.json"))), &[]).clean();
    let bad = with_bom(support::fixture_text("type.json"));
    validate(Input::Stdin(&bad), &[]).rejects("type", "$.proactive.licensing.decisions (18:32)");
}

#[test]
fn crlf_line_endings_are_accepted_and_located_alike() {
    let crlf = |name: &str| support::fixture_text(name).replace('\n', "\r\n");
    validate_text(&crlf("valid-2021.json")).clean();
    validate_text(&crlf("type.json")).rejects("type", "$.proactive.licensing.decisions (18:32)");
}

#[test]
fn json_syntax_errors_are_located_by_line_and_column() {
    validate_fixture("json-syntax.json").rejects("json-syntax", "24:26");
    let comment = variant("valid-2021.json", &[("\"year\": 2024,", "\"year\": 2024, // 年度")]);
    validate_text(&comment).rejects("json-syntax", "3:17");
    let trailing = variant(
        "valid-2021.json",
        &[("\"litigation_after_review\": {}", "\"litigation_after_review\": {},")],
    );
    validate_text(&trailing).rejects("json-syntax", "40:34");
    validate_text("").rejects("json-syntax", "input");
}

#[test]
fn duplicate_keys_are_rejected_at_the_second_one() {
    let o = validate_fixture("duplicate-key.json");
    assert_contains(
        str_field(
            o.rejects("duplicate-key", "$.proactive.penalty.decisions (19:35)"),
            "message",
        ),
        "`decisions`",
    );
    // Passing: the same name in sibling objects (valid-2021 has `decisions` three times).
    assert_eq!(
        support::fixture_text("valid-2021.json")
            .matches("\"decisions\"")
            .count(),
        3
    );
    validate_fixture("valid-2021.json").lacks("duplicate-key");
}

#[test]
fn unknown_fields_are_rejected_with_a_did_you_mean_hint() {
    let o = validate_fixture("unknown-field.json");
    assert_eq!(
        hint(o.rejects("unknown-field", "$.titel (6:3)")),
        "did you mean `title`?"
    );
    let d = o.rejects("unknown-field", "$.requests.carried_over.comercial (26:36)");
    assert_eq!(hint(d), "did you mean `commercial`?");
    assert_eq!(o.json.len(), 2, "nothing else: {}", o.human);
    // Far from every known name: the hint lists them.
    let far = variant(
        "valid-2021.json",
        &[("\"year\": 2024,", "\"year\": 2024, \"备注\": \"无\",")],
    );
    assert_contains(
        hint(validate_text(&far).rejects("unknown-field", "$[\"备注\"] (3:17)")),
        "known fields here: ",
    );
    // Passing: `$schema` is a known field (editors use it).
    let schema = variant(
        "valid-2021.json",
        &[("\"format\"", "\"$schema\": \"nianbao.schema.json\", \"format\"")],
    );
    validate_text(&schema).clean();
}

#[test]
fn keys_of_the_other_format_are_named_as_such() {
    let o = validate_fixture("wrong-format-field.json");
    let d = o.rejects("wrong-format-field", "$.proactive.other_services (21:5)");
    assert_contains(str_field(d, "message"), "belongs to the 2019 format");
    o.rejects("wrong-format-field", "$.requests.results.other.natural (33:17)");
    o.lacks("unknown-field");
    // A 2021 key in a 2019 report.
    let f19 = variant(
        "valid-2019.json",
        &[("\"change\": -1}", "\"change\": -1, \"amount\": \"0\"}")],
    );
    let o = validate_text(&f19);
    assert_contains(
        str_field(
            o.rejects("wrong-format-field", "$.proactive.fees.amount (19:43)"),
            "message",
        ),
        "2021",
    );
    // Passing: the same keys where they belong (valid-2019 has other_services and results.other.natural).
    validate_fixture("valid-2019.json").lacks("wrong-format-field");
}

#[test]
fn a_string_where_a_count_belongs_is_a_type_error() {
    let o = validate_fixture("type.json");
    let d = o.rejects("type", "$.proactive.licensing.decisions (18:32)");
    assert_contains(str_field(d, "message"), "the string \"4472\"");
    let year = variant("valid-2021.json", &[("\"year\": 2024", "\"year\": \"2024\"")]);
    validate_text(&year).rejects("type", "$.year (3:11)");
    let signed = variant("valid-2019.json", &[("\"change\": -18", "\"change\": \"-18\"")]);
    validate_text(&signed).rejects("type", "$.proactive.licensing.change (15:45)");
}

#[test]
fn fractional_counts_are_rejected_and_whole_ones_accepted_however_written() {
    rejects_each(
        "398",
        &["398.5", "3.985e2", "3.98e1"],
        "type",
        "$.proactive.penalty.decisions (19:30)",
    );
    // Passing: a whole value in any JSON spelling, as the schema's `integer` accepts it.
    for whole in ["398.0", "3.98e2", "3980E-1"] {
        validate_variant("valid-2021.json", &[("398", whole)]).clean();
    }
}

#[test]
fn counts_out_of_range_are_rejected() {
    validate_fixture("range.json").rejects("range", "$.proactive.penalty.decisions (19:30)");
    rejects_each(
        "398",
        &["1000000000000", "-1"],
        "range",
        "$.proactive.penalty.decisions (19:30)",
    );
    // Passing: the largest count.
    validate_variant("valid-2021.json", &[("398", "999999999999")]).clean();
}

#[test]
fn signed_counts_may_be_negative_within_range() {
    // valid-2019 has 「本年增/减」 -18 and -1 and is clean.
    validate_fixture("valid-2019.json").clean();
    let low = validate_variant("valid-2019.json", &[("\"change\": -18", "\"change\": -999999999999")]);
    low.clean();
    let too_low = validate_variant("valid-2019.json", &[("\"change\": -18", "\"change\": -1000000000000")]);
    too_low.rejects("range", "$.proactive.licensing.change (15:45)");
}

#[test]
fn years_outside_2008_to_2100_are_rejected() {
    rejects_each(
        "\"year\": 2024",
        &["\"year\": 2007", "\"year\": 2101"],
        "range",
        "$.year (3:11)",
    );
    let o = validate_variant("valid-2021.json", &[("\"year\": 2024", "\"year\": 2007")]);
    assert_contains(str_field(o.rejects("range", "$.year (3:11)"), "message"), "2008 … 2100");
    // Passing: both ends (formats and dates chosen so that no warning applies).
    validate_variant("valid-2019.json", &[("\"year\": 2020", "\"year\": 2008")]).clean();
    let last = [
        ("\"year\": 2024", "\"year\": 2100"),
        ("\"2025-01-20\"", "\"2101-01-20\""),
    ];
    validate_variant("valid-2021.json", &last).clean();
}

#[test]
fn amounts_are_decimal_numbers_kept_as_written() {
    // Passing: "96171.60" (valid-2021), a JSON number, and a large 采购总金额 (valid-2019).
    validate_variant("valid-2021.json", &[("\"96171.60\"", "96171.60")]).clean();
    validate_variant("valid-2021.json", &[("\"96171.60\"", "\"0\"")]).clean();
    // A number in exponent notation is accepted (the schema cannot tell it apart) and
    // printed written out.
    validate_variant("valid-2021.json", &[("\"96171.60\"", "1e5")]).clean();
    let bad = [
        "\"12,3\"",
        "\"-5\"",
        "-5",
        "\"96171.\"",
        "\".5\"",
        "\"9.6万\"",
        "\"\"",
        "-1e5",
        "true",
    ];
    rejects_each("\"96171.60\"", &bad, "type", "$.proactive.fees.amount (21:24)");
    let long = format!("\"{}\"", "1".repeat(25));
    validate_variant("valid-2021.json", &[("\"96171.60\"", &long)]).rejects("range", "$.proactive.fees.amount (21:24)");
}

#[test]
fn missing_required_fields_are_named_by_path() {
    let o = validate_fixture("missing-field.json");
    assert_contains(hint(o.rejects("missing-field", "$.agency")), "\"agency\"");
    let section = validate_variant(
        "valid-2021.json",
        &[("    \"problems\": [\"政策解读形式较为单一。\"],\n", "")],
    );
    let d = section.rejects("missing-field", "$.sections (7:15)");
    assert_contains(str_field(d, "message"), "`problems`");
    // Passing: format, title, date and preamble are optional.
    let optional = [
        ("  \"format\": \"2021\",\n", ""),
        ("  \"date\": \"2025-01-20\",\n", ""),
        (
            "  \"preamble\": [\"本报告依据《中华人民共和国政府信息公开条例》编制。\"],\n",
            "",
        ),
    ];
    validate_variant("valid-2021.json", &optional).clean();
    validate_variant(
        "valid-2019.json",
        &[(
            "  \"title\": [\"某县人民防空办公室\", \"2020年政府信息公开工作年度报告\"],\n",
            "",
        )],
    )
    .clean();
}

#[test]
fn unknown_formats_are_rejected() {
    validate_fixture("format.json").rejects("format", "$.format (2:13)");
    validate_variant("valid-2021.json", &[("\"format\": \"2021\"", "\"format\": 2021")])
        .rejects("format", "$.format (2:13)");
    // Passing: an omitted format follows the year (2019 keys for 2020; 2021 keys for 2024).
    validate_variant("valid-2019.json", &[("  \"format\": \"2019\",\n", "")]).clean();
    validate_variant("valid-2021.json", &[("  \"format\": \"2021\",\n", "")]).clean();
}

#[test]
fn a_format_that_does_not_fit_the_year_warns() {
    let o = validate_fixture("format-year.json");
    assert_contains(str_field(o.warns("format-year", "$.format (2:13)"), "message"), "2022");
    assert_eq!(o.json.len(), 1, "{}", o.human);
    // Passing: 2019 format for 2020, 2021 format for 2024.
    validate_fixture("valid-2019.json").lacks("format-year");
    validate_fixture("valid-2021.json").lacks("format-year");
}

#[test]
fn dates_must_be_calendar_dates() {
    validate_fixture("date.json").rejects("date", "$.date (5:11)");
    let bad = [
        "2023-02-29",
        "2025-1-20",
        "2025-13-01",
        "2025-04-31",
        "2025/01/20",
        "2025年1月20日",
    ];
    rejects_each("2025-01-20", &bad, "date", "$.date (5:11)");
    validate_variant("valid-2021.json", &[("\"2025-01-20\"", "20250120")]).rejects("type", "$.date (5:11)");
    // Passing: a leap day after the reported year.
    validate_variant(
        "valid-2021.json",
        &[("\"year\": 2024", "\"year\": 2027"), ("2025-01-20", "2028-02-29")],
    )
    .clean();
}

#[test]
fn a_date_before_the_reported_year_warns() {
    let o = validate_fixture("date-before-year.json");
    o.warns("date-before-year", "$.date (5:11)");
    assert_eq!(o.json.len(), 1, "{}", o.human);
    validate_fixture("valid-2021.json").lacks("date-before-year");
}

#[test]
fn empty_texts_are_rejected() {
    validate_fixture("empty-text.json").rejects("empty-text", "$.sections.problems[0] (12:18)");
    let agency = variant(
        "valid-2021.json",
        &[("\"agency\": \"某县人民政府办公室\"", "\"agency\": \" \"")],
    );
    validate_text(&agency).rejects("empty-text", "$.agency (4:13)");
    let heading = variant("valid-2021.json", &[("\"（一）主动公开情况\"", "\"\"")]);
    validate_text(&heading).rejects("empty-text", "$.sections.overview[0].heading (9:19)");
    validate_variant("valid-2021.json", &[("\"本年度未收取信息处理费。\"", "\"****\"")])
        .rejects("empty-text", "$.sections.other[0] (13:15)");
    // Passing: 「无」 (valid-2019's 六).
    validate_fixture("valid-2019.json").lacks("empty-text");
}

#[test]
fn an_unclosed_bold_marker_is_rejected() {
    validate_fixture("markup.json").rejects("markup", "$.sections.overview[1] (10:7)");
    // Passing: bold runs (valid-2021), and single asterisks, which are no markup.
    validate_variant("valid-2021.json", &[("**扩大公开范围。**", "*扩大公开范围。*")]).clean();
}

#[test]
fn null_cells_warn_but_are_accepted() {
    let o = validate_fixture("null-cell.json");
    let d = o.warns("null-cell", "表二 行政强制 × 本年处理决定数量");
    assert_eq!(d["locus"]["key"], "proactive.coercion.decisions");
    assert_eq!(o.json.len(), 1, "{}", o.human);
    // Passing: an omitted cell is 0 without a warning (valid-2021 omits most).
    validate_fixture("valid-2021.json").lacks("null-cell");
}

#[test]
fn a_total_over_a_null_cell_cannot_be_computed_and_warns() {
    let o = validate_fixture("total-not-computed.json");
    o.warns("total-not-computed", "表四 行政诉讼 未经复议直接起诉 总计");
    o.warns("null-cell", "表四 行政诉讼 未经复议直接起诉 结果维持");
    // The identity that the null cell would decide is skipped, with a warning.
    o.warns("I-4", "表四 行政诉讼 未经复议直接起诉 总计");
    assert_eq!(
        o.rules(),
        ["warning[I-4]", "warning[null-cell]", "warning[total-not-computed]"]
            .map(String::from)
            .into()
    );
    // Passing: the same total omitted over known parts is computed silently.
    validate_variant("valid-2021.json", &[("\"upheld\": 1, \"total\": 1}", "\"upheld\": 1}")]).clean();
}

/// An identity broken in `fixture`: an error at each `location` (exit 1); with
/// `--as-published` the same diagnostics are warnings (exit 0).
fn identity_broken(fixture: &str, rule: &str, locations: &[&str]) {
    let strict = validate_fixture(fixture);
    let published = validate(Input::Fixture(fixture), &["--as-published"]);
    for at in locations {
        assert_contains(
            str_field(strict.rejects(rule, at), "message"),
            &format!("identity {rule} fails"),
        );
        assert_contains(hint(published.warns(rule, at)), "--as-published");
    }
    assert_eq!(strict.json.len(), published.json.len());
    assert!(
        published.json.iter().all(|d| d["severity"] == "warning"),
        "{}",
        published.human
    );
}

#[test]
fn identity_1_new_plus_carried_over_equals_results_plus_carried_forward() {
    let new = "表三 一、本年新收政府信息公开申请数量";
    identity_broken(
        "I-1.json",
        "I-1",
        &[&format!("{new} × 自然人"), &format!("{new} × 总计")],
    );
    let o = validate_fixture("I-1.json");
    assert_eq!(o.rules(), ["error[I-1]".to_string()].into());
    assert_contains(
        &o.human,
        "= 14, but （七）总计×自然人 + 四、结转下年度继续办理×自然人 = 13",
    );
}

#[test]
fn identity_2_row_total_is_the_sum_of_its_row() {
    // A wrong row total also breaks the total column of I-3: a given total is in both.
    identity_broken("I-2.json", "I-2", &["表三 （一）予以公开 × 总计"]);
    let o = validate_fixture("I-2.json");
    assert_eq!(o.rules(), ["error[I-2]", "error[I-3]"].map(String::from).into());
}

#[test]
fn identity_3_results_total_is_the_sum_of_the_results() {
    identity_broken(
        "I-3.json",
        "I-3",
        &["表三 （七）总计 × 自然人", "表三 （七）总计 × 总计"],
    );
    assert_eq!(validate_fixture("I-3.json").rules(), ["error[I-3]".to_string()].into());
}

#[test]
fn identity_4_review_and_litigation_totals() {
    identity_broken("I-4.json", "I-4", &["表四 行政复议 总计"]);
    let o = validate_fixture("I-4.json");
    assert_eq!(o.json.len(), 1, "{}", o.human);
    assert_contains(&o.human, "行政复议 总计 = 3, but 行政复议 结果维持 + 行政复议 结果纠正");
}

#[test]
fn identities_hold_in_the_clean_fixtures_also_with_as_published() {
    for name in ["valid-2019.json", "valid-2021.json"] {
        validate(Input::Fixture(name), &["--as-published"]).clean();
    }
}

#[test]
fn every_problem_is_reported_at_once_in_reading_order() {
    let o = validate_fixture("every-problem.json");
    o.rejects("date", "$.date (5:11)");
    o.rejects("markup", "$.sections.overview[1] (10:7)");
    o.rejects("range", "$.proactive.licensing.decisions (18:32)");
    o.rejects("duplicate-key", "$.proactive.penalty.decisions (19:35)");
    assert_eq!(
        hint(o.rejects("unknown-field", "$.proactive.coercion.decison (20:18)")),
        "did you mean `decisions`?"
    );
    o.rejects("I-4", "表四 行政复议 总计");
    let order: Vec<&str> = o.json.iter().map(|d| str_field(d, "rule")).collect();
    assert_eq!(
        order,
        ["date", "markup", "range", "duplicate-key", "unknown-field", "I-4"]
    );
}

/// The fixture as JSON without its `total` members: the numbers (each row's 总计 column, the
/// totals of 四, and the 2019 counts named `total` in 二), and with `row` also the objects
/// (表三 （七）总计).
fn without_totals(name: &str, row: bool) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value, row: bool) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("total").is_some_and(|t| row || !t.is_object()) {
                    m.shift_remove("total");
                }
                m.values_mut().for_each(|x| strip(x, row));
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| strip(x, row)),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(&support::fixture_text(name)).expect("fixture JSON");
    strip(&mut v, row);
    v
}

/// Reads a report through the library and returns the value of each of `keys`.
fn computed(report: &serde_json::Value, keys: &[&str]) -> Vec<nianbao::validate::Value> {
    let (checked, diags) = nianbao::load(report.to_string().as_bytes(), Default::default());
    assert!(diags.is_empty(), "{diags:?}");
    let values = checked.expect("readable report").values;
    keys.iter().map(|k| values[*k].clone()).collect()
}

#[test]
fn omitted_row_totals_are_computed() {
    for name in ["valid-2019.json", "valid-2021.json", "I-4.json"] {
        let v = without_totals(name, false);
        assert!(!v["requests"]["new"].to_string().contains("total"));
        // I-4.json's only defect is a given total: without it, it is clean too.
        validate_text(&serde_json::to_string_pretty(&v).unwrap()).clean();
    }
    let keys = [
        "requests.new.total",
        "requests.carried_over.total",
        "requests.results.unavailable.not_held.total",
        "requests.results.total.total",
        "requests.carried_forward.total",
        "review_litigation.review.total",
        "review_litigation.litigation_direct.total",
        "review_litigation.litigation_after_review.total",
    ];
    let sums = [15, 1, 3, 15, 1, 2, 1, 0].map(nianbao::validate::Value::Int);
    assert_eq!(computed(&without_totals("valid-2021.json", false), &keys), sums);
}

#[test]
fn a_report_without_any_total_has_its_totals_computed() {
    for name in ["valid-2019.json", "valid-2021.json"] {
        let v = without_totals(name, true);
        assert!(!v.to_string().contains("\"total\""));
        validate_text(&serde_json::to_string_pretty(&v).unwrap()).clean();
    }
    let keys = ["requests.results.total.natural", "requests.results.total.commercial"];
    let sums = [12, 3].map(nianbao::validate::Value::Int);
    assert_eq!(computed(&without_totals("valid-2021.json", true), &keys), sums);
}

// Edge cases of the reader.

#[test]
fn dates_with_signs_are_not_calendar_dates() {
    rejects_each(
        "2025-01-20",
        &["+202-01-20", "2025-+1-20", "2025-01-+2"],
        "date",
        "$.date (5:11)",
    );
}

#[test]
fn a_twenty_digit_count_is_out_of_range() {
    let o = validate_variant(
        "valid-2021.json",
        &[("\"decisions\": 398", "\"decisions\": 99999999999999999999")],
    );
    o.rejects("range", "$.proactive.penalty.decisions (19:30)");
}

#[test]
fn a_fractional_year_is_a_type_error() {
    validate_variant("valid-2021.json", &[("\"year\": 2024", "\"year\": 2024.5")]).rejects("type", "$.year (3:11)");
}

#[test]
fn a_blank_paragraph_is_empty_text() {
    let o = validate_variant("valid-2021.json", &[("\"政策解读形式较为单一。\"", "\"  \"")]);
    o.rejects("empty-text", "$.sections.problems[0] (12:18)");
}
