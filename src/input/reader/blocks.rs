//! Reading the prose: paragraphs (`**…**` bold runs, `"\n"` breaks), headings and run-in
//! headings, each mistake at its JSON path.

use super::*;

impl Reader<'_> {
    pub(super) fn blocks(&mut self, v: &Value, path: &str) -> Vec<Block> {
        let Value::Array(a) = v else {
            self.type_err(path, v, "an array of paragraphs");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, el) in a.elements.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match el {
                Value::StringLit(s) => match parse_runs(&s.value) {
                    Ok(runs) if runs.iter().any(|r| !r.text.trim().is_empty()) => out.push(Block::Paragraph(runs)),
                    Ok(_) => {
                        let locus = self.at(&p, el);
                        self.err(
                            "empty-text",
                            locus,
                            "the paragraph is empty",
                            "remove it, or write \"无\"",
                        );
                    }
                    Err(msg) => {
                        let locus = self.at(&p, el);
                        self.err(
                            "markup",
                            locus,
                            msg,
                            "bold runs are written **like this**; a lone ** has no partner",
                        );
                    }
                },
                Value::Object(o) => {
                    let f = self.fields(&p, o, &["heading", "level", "text"], &|_| None);
                    let level = match f.get("level") {
                        Some(lv) => self.int(lv, &child(&p, "level"), 2, 4).unwrap_or(2) as u8,
                        None => 2,
                    };
                    let heading = match f.get("heading") {
                        Some(Value::StringLit(s)) => {
                            Some(self.nonempty(&s.value, &child(&p, "heading"), f.get("heading").expect("present")))
                        }
                        Some(h) => {
                            self.type_err(&child(&p, "heading"), h, "a string");
                            None
                        }
                        None => {
                            let locus = self.at(&p, el);
                            self.err(
                                "missing-field",
                                locus,
                                "a heading block needs `heading`",
                                "write {\"heading\": \"（一）…\", \"level\": 2}, with \"text\" for the paragraph it starts",
                            );
                            None
                        }
                    };
                    // With `text`, the heading is run in: the paragraph starts with it.
                    let text = match f.get("text") {
                        None => None,
                        Some(t @ Value::StringLit(s)) => {
                            let tp = child(&p, "text");
                            match parse_runs(&s.value) {
                                Ok(runs) if runs.iter().any(|r| !r.text.trim().is_empty()) => Some(runs),
                                Ok(_) => {
                                    let locus = self.at(&tp, *t);
                                    self.err(
                                        "empty-text",
                                        locus,
                                        "the paragraph after the run-in heading is empty",
                                        "write the paragraph's text, or remove `text` to set the heading on its own line",
                                    );
                                    None
                                }
                                Err(msg) => {
                                    let locus = self.at(&tp, *t);
                                    self.err(
                                        "markup",
                                        locus,
                                        msg,
                                        "bold runs are written **like this**; a lone ** has no partner",
                                    );
                                    None
                                }
                            }
                        }
                        Some(t) => {
                            self.type_err(&child(&p, "text"), t, "a string");
                            None
                        }
                    };
                    match (heading, text, f.contains_key("text")) {
                        (Some(h), Some(runs), _) => {
                            let mut all = vec![Run {
                                text: h,
                                style: RunStyle::Heading(level),
                            }];
                            all.extend(runs);
                            out.push(Block::Paragraph(all));
                        }
                        (Some(text), None, false) => out.push(Block::Heading { level, text }),
                        _ => {}
                    }
                }
                _ => self.type_err(&p, el, "a paragraph string or a {\"heading\": …} object"),
            }
        }
        out
    }
}
