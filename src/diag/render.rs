//! Diagnostics as a terminal shows them, in the grammar compilers use and editors link:
//!
//! ```text
//! r.json:4:21: error[unknown-field]: $.requests.new.natual: unknown field `natual`
//!   |
//! 4 |     "new": {"natual": 3,
//!   |             ^^^^^^^^
//!   = help: did you mean `natural`?
//! ```
//!
//! The source excerpt is drawn by `annotate-snippets` (the renderer rustc uses); the cells
//! that take part in a failed identity are marked as secondary annotations. Everything here
//! returns a `String`: the caller decides where it goes and whether it is coloured.

use super::{Diagnostic, Locus, Pos, Severity};
use annotate_snippets::renderer::{AnsiColor, Style};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::ops::Range;

/// The most related places drawn in the excerpt; beyond it they are listed in a note.
const MAX_DRAWN: usize = 8;

/// The text of an input, indexed by line, for drawing excerpts.
pub struct Source<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    lines: Vec<usize>,
}

impl<'a> Source<'a> {
    /// The input as the reader saw it (after a UTF-8 byte-order mark); `None` when the bytes
    /// are not UTF-8 (there is then nothing to show).
    pub fn of(bytes: &'a [u8]) -> Option<Source<'a>> {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Some(Source { text, lines })
    }

    /// The byte offset of a line:column position (columns count characters).
    fn offset(&self, pos: Pos) -> Option<usize> {
        let start = *self.lines.get(pos.line.checked_sub(1)?)?;
        let end = self.lines.get(pos.line).map_or(self.text.len(), |&e| e);
        let line = &self.text[start..end];
        let skip = pos.column.checked_sub(1)?;
        match line.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if line.chars().count() == skip => Some(end),
            None => None,
        }
    }

    /// The span of the JSON token at a position: a whole string (with its quotes), number or
    /// keyword, else the one character there.
    fn token(&self, pos: Pos) -> Option<Range<usize>> {
        let start = self.offset(pos)?;
        let rest = &self.text[start..];
        let mut chars = rest.char_indices();
        let Some((_, first)) = chars.next() else {
            return Some(start..start);
        };
        let len = match first {
            '"' => {
                let mut escaped = false;
                let mut end = rest.len();
                for (i, c) in chars {
                    match c {
                        '\n' => {
                            end = i;
                            break;
                        }
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = i + 1;
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                end
            }
            c if c == '-' || c.is_ascii_alphanumeric() => rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')))
                .unwrap_or(rest.len()),
            c => c.len_utf8(),
        };
        Some(start..start + len)
    }
}

/// Whether diagnostics written to standard error should be coloured: on a terminal (or when
/// `CLICOLOR_FORCE` is set to anything but `0`), unless `NO_COLOR` is set to anything
/// non-empty (no-color.org).
pub fn colour_stderr() -> bool {
    use std::io::IsTerminal;
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let forced = set("CLICOLOR_FORCE").is_some_and(|v| v != "0");
    set("NO_COLOR").is_none() && (forced || std::io::stderr().is_terminal())
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn paint(text: &str, style: Style, colour: bool) -> String {
    if colour {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// One diagnostic of `file` as text (ending in a newline): the header
/// `file:line:col: error[rule]: where: message` (the JSON path, with the printed cell when
/// it names a table value, or the printed cell as `where`;
/// without a position, `file: error[rule]: where: message`), then, when `source` is given
/// and the diagnostic has a position, the source line with a caret under the place and the
/// other places that take part, then the hint and notes.
pub fn human(file: &str, source: Option<&Source>, d: &Diagnostic, colour: bool) -> String {
    let pos = d.locus.pos();
    let at = match pos {
        Some(p) => format!("{file}:{}:{}", p.line, p.column),
        None => file.to_string(),
    };
    let place = match &d.locus {
        Locus::Source { .. } => String::new(),
        Locus::Input => String::new(),
        Locus::Path { path, .. } => match &d.cell {
            Some(cell) => format!("{path} ({cell}): "),
            None => format!("{path}: "),
        },
        l => format!("{l}: "),
    };
    let (level, sev_style) = match d.severity {
        Severity::Error => (Level::ERROR, AnsiColor::BrightRed.on_default().bold()),
        Severity::Warning => (Level::WARNING, AnsiColor::BrightYellow.on_default().bold()),
    };
    let bold = Style::new().bold();
    let mut out = format!(
        "{}: {}{}\n",
        paint(&at, bold, colour),
        paint(&format!("{}[{}]", severity_name(d.severity), d.rule), sev_style, colour),
        paint(&format!(": {place}{}", d.message), bold, colour),
    );

    // Cells of the same table as the diagnostic's are labelled by row and column alone.
    let short = |l: &Locus| match (l, &d.locus) {
        (Locus::Cell { table, .. }, Locus::Cell { table: t0, .. }) if table == t0 => {
            let s = l.to_string();
            s.strip_prefix(table.as_str())
                .map_or(s.clone(), |r| r.trim_start().to_string())
        }
        _ => l.to_string(),
    };
    let (written, unwritten): (Vec<&Locus>, Vec<&Locus>) = d.related.iter().partition(|l| l.pos().is_some());
    let excerpt = source.zip(pos).and_then(|(src, p)| {
        let primary = src.token(p)?;
        let drawn: Vec<(Range<usize>, String)> = written
            .iter()
            .take(MAX_DRAWN)
            .filter_map(|l| Some((src.token(l.pos()?)?, short(l))))
            .collect();
        let first = drawn.iter().map(|(r, _)| r.start).chain([primary.start]).min()?;
        let last = drawn.iter().map(|(r, _)| r.end).chain([primary.end]).max()?;
        let line0 = src.lines.partition_point(|&s| s <= first);
        let from = src.lines[line0 - 1];
        let mut to = src.text[last..].find('\n').map_or(src.text.len(), |i| last + i);
        // A CRLF file: the excerpt ends before the carriage return.
        if to > last && src.text.as_bytes()[to - 1] == b'\r' {
            to -= 1;
        }
        let shift = |r: &Range<usize>| r.start - from..r.end - from;
        let label = match &d.locus {
            Locus::Cell { .. } if !drawn.is_empty() => Some(short(&d.locus)),
            _ => None,
        };
        let mut snippet = Snippet::source(&src.text[from..to])
            .line_start(line0)
            .annotation(AnnotationKind::Primary.span(shift(&primary)).label(label));
        for (r, name) in &drawn {
            snippet = snippet.annotation(AnnotationKind::Context.span(shift(r)).label(name.clone()));
        }
        Some(snippet)
    });
    let mut messages: Vec<String> = Vec::new();
    let undrawn = if excerpt.is_some() {
        written.get(MAX_DRAWN..).unwrap_or_default()
    } else {
        &written[..]
    };
    if !undrawn.is_empty() {
        let listed: Vec<String> = undrawn
            .iter()
            .filter_map(|l| l.pos().map(|p| format!("{} ({}:{})", short(l), p.line, p.column)))
            .collect();
        let more = if excerpt.is_some() { "also " } else { "" };
        messages.push(format!("{more}taking part: {}", listed.join("; ")));
    }
    match unwritten.len() {
        0 => {}
        n @ 1..=4 => {
            let names: Vec<String> = unwritten.iter().map(|l| short(l)).collect();
            let s = if n == 1 { "" } else { "s" };
            messages.push(format!(
                "taking part, not written (0, or computed): the cell{s} {}",
                names.join("; ")
            ));
        }
        n => messages.push(format!("{n} more cells taking part are not written (0, or computed)")),
    }
    let mut group = Group::with_level(level.clone());
    if let Some(s) = excerpt {
        group = group.element(s);
    }
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    for n in d.notes.iter().chain(&messages) {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if group.is_empty() {
        return out;
    }
    let renderer = if colour { Renderer::styled() } else { Renderer::plain() };
    let body = renderer.render(&[group]);
    let body = body.trim_end_matches('\n');
    if !body.is_empty() {
        out.push_str(body);
        out.push('\n');
    }
    out
}

/// The closing line of a file's diagnostics, e.g. `error: 3 errors, 1 warning in report.json`.
pub fn count_line(file: &str, errors: usize, warnings: usize, colour: bool) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {} in {file}\n",
        paint("error", AnsiColor::BrightRed.on_default().bold(), colour),
        [plural(errors, "error"), plural(warnings, "warning")].join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_strings_numbers_and_single_characters() {
        let src = Source::of("{\"a\": \"x\\\"y\", \"b\": -12.5e3，}".as_bytes()).expect("utf-8");
        let text = |line, column| src.token(Pos { line, column }).map(|r| src.text[r].to_string());
        assert_eq!(text(1, 2).as_deref(), Some("\"a\""));
        assert_eq!(text(1, 7).as_deref(), Some("\"x\\\"y\""));
        assert_eq!(text(1, 20).as_deref(), Some("-12.5e3"));
        assert_eq!(text(1, 27).as_deref(), Some("，"));
        assert_eq!(text(9, 1), None);
    }
}
