//! `--format json`: exactly docs/format.md section 7.
//!
//! Typed rows borrowed from the report, serialized straight to text: a `serde_json::Value`
//! tree of every finding would cost more memory than the text it prints. Fields are in
//! alphabetical order, the order the output has always had.

use super::Report;
use crate::finding::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'r> {
    diagnostics: Vec<Row<'r>>,
    documents: usize,
    root: &'r str,
    summary: Summary,
    version: u32,
}

#[derive(Serialize)]
struct Row<'r> {
    code: &'static str,
    column: usize,
    end_column: usize,
    end_line: usize,
    file: &'r str,
    line: usize,
    message: &'r str,
    severity: &'static str,
}

#[derive(Serialize)]
struct Summary {
    error: usize,
    hint: usize,
    info: usize,
    warning: usize,
}

#[cfg(test)]
fn row(d: super::Diagnostic<'_>) -> Row<'_> {
    Row {
        code: d.code.as_str(),
        column: d.column,
        end_column: d.end_column,
        end_line: d.end_line,
        file: d.file,
        line: d.line,
        message: d.message,
        severity: d.severity.as_str(),
    }
}

/// A row as `serde_json::to_string_pretty` prints it at depth 2, written field by field: the
/// serializer, and indenting its text again line by line, were a third of rendering 550,000
/// rows. The test below compares the two.
fn write_row(out: &mut String, d: super::Diagnostic) {
    let mut number = itoa::Buffer::new();
    out.push_str("    {\n      \"code\": \"");
    out.push_str(d.code.as_str());
    out.push_str("\",\n      \"column\": ");
    out.push_str(number.format(d.column));
    out.push_str(",\n      \"end_column\": ");
    out.push_str(number.format(d.end_column));
    out.push_str(",\n      \"end_line\": ");
    out.push_str(number.format(d.end_line));
    out.push_str(",\n      \"file\": ");
    write_string(out, d.file);
    out.push_str(",\n      \"line\": ");
    out.push_str(number.format(d.line));
    out.push_str(",\n      \"message\": ");
    write_string(out, d.message);
    out.push_str(",\n      \"severity\": \"");
    out.push_str(d.severity.as_str());
    out.push_str("\"\n    }");
}

/// `s` as a JSON string. Most messages need no escape and are copied whole; the others are
/// escaped by serde_json, as before.
fn write_string(out: &mut String, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// Whether `bytes` hold a control character, a quote or a backslash: sixteen bytes at a time
/// without a branch between them (a fold over the whole string still ran byte by byte, a third
/// of writing 55,000 rows).
fn needs_escape(bytes: &[u8]) -> bool {
    let special = |b: u8| ((b < 0x20) | (b == b'"') | (b == b'\\')) as u8;
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        let block: &[u8; 16] = block.try_into().unwrap_or(&[0; 16]);
        if block.iter().fold(0, |seen, &b| seen | special(b)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| special(b) != 0)
}

/// Rows per piece of the output: each piece is rendered on its own, so the report is never
/// copied into one string that grows by doubling (34 MB for 42,000 findings).
const ROWS_PER_PIECE: usize = 512;

/// Pieces rendered at once before they are written: enough to keep both cores busy, few
/// enough that the output is never held whole (190 MB at 100,000 dense articles, every page
/// of it faulted in and freed again). Four of 512 rows reuse 0.7 MB of buffers; eight of
/// 2,048 faulted 5 MB in (600 faults more at 10,000 dense articles).
const PIECES_AT_ONCE: usize = 4;

/// Writes the report as `serde_json::to_string_pretty` prints it: the rows are rendered in
/// parallel chunks, a few at a time, and written in order as they come.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    write_in_windows(report, out, PIECES_AT_ONCE)
}

fn write_in_windows(report: &Report, out: &mut impl std::io::Write, at_once: usize) -> std::io::Result<()> {
    use rayon::prelude::*;
    let counts = report.counts();
    let output = Output {
        diagnostics: Vec::new(),
        documents: report.documents,
        root: &report.root,
        summary: Summary {
            error: counts[Severity::Error as usize],
            hint: counts[Severity::Hint as usize],
            info: counts[Severity::Info as usize],
            warning: counts[Severity::Warning as usize],
        },
        version: 1,
    };
    let mut whole = serde_json::to_string_pretty(&output).unwrap_or_default();
    whole.push('\n');
    if report.diagnostics.is_empty() {
        return out.write_all(whole.as_bytes());
    }
    // The skeleton has `"diagnostics": [],`: the rows go between its brackets.
    const EMPTY: &str = "\"diagnostics\": []";
    let at = whole.find(EMPTY).map_or(0, |k| k + EMPTY.len() - 1);
    let (head, tail) = whole.split_at(at);
    out.write_all(head.as_bytes())?;
    out.write_all(b"\n")?;
    let chunks = report.diagnostics.pieces(ROWS_PER_PIECE);
    let at_once = at_once.max(1);
    // The same buffers for every window: new ones would be new pages to fault in each time.
    let mut texts: Vec<String> = Vec::new();
    for (w, window) in chunks.chunks(at_once).enumerate() {
        texts.resize_with(window.len(), || String::with_capacity(ROWS_PER_PIECE * 400));
        texts
            .par_iter_mut()
            .zip(window)
            .enumerate()
            .for_each(|(i, (text, chunk))| {
                text.clear();
                let last_chunk = w * at_once + i == chunks.len() - 1;
                for (r, d) in chunk.iter().enumerate() {
                    write_row(text, d);
                    text.push_str(if last_chunk && r == chunk.len() - 1 {
                        "\n  "
                    } else {
                        ",\n"
                    });
                }
            });
        for text in &texts {
            out.write_all(text.as_bytes())?;
        }
    }
    out.write_all(tail.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleCode;
    use crate::check::{Diagnostics, DocumentDiagnostics};
    use crate::finding::Finding;
    use crate::text::TextRange;

    fn report(findings: usize) -> Report {
        // Seven findings a document, as the files say, and an empty document among them.
        let documents = std::iter::once(0..0).chain((0..findings).step_by(7).map(|k| k..(k + 7).min(findings)));
        let groups = documents
            .map(|ks| DocumentDiagnostics {
                file: match ks.start % 5 {
                    0 => format!("articles/a \"{}\".md", ks.start / 7),
                    1 => format!("articles/a\\{}.md", ks.start / 7),
                    _ => format!("articles/a{}.md", ks.start / 7),
                },
                display_path: String::new(),
                places: ks.clone().map(|k| [k as u32 + 1, 2, k as u32 + 1, 9]).collect(),
                findings: ks
                    .map(|k| {
                        // Each character that JSON escapes alone in a message, and none.
                        let message = match k % 6 {
                            0 => format!("finding {k}: \"quoted\""),
                            1 => format!("finding {k}: a \\ alone"),
                            2 => format!("finding {k}: a tab\t"),
                            3 => format!("finding {k}: \u{1}\u{1f}"),
                            4 => format!("finding {k}: `plain` [text]{{e=x}}, \u{7f} and Рогозин"),
                            _ => String::new(),
                        };
                        let mut f = Finding::new(RuleCode::ALL[k % RuleCode::ALL.len()], TextRange::new(0, 1), message);
                        f.severity = Severity::ALL[k % 4];
                        f
                    })
                    .collect(),
                excerpts: Vec::new(),
            })
            .collect();
        Report {
            root: "corpus".into(),
            documents: findings / 7 + 1,
            diagnostics: Diagnostics::new(groups),
        }
    }

    /// Every special byte is seen wherever it stands: in a block of sixteen or in the rest.
    #[test]
    fn needs_escape_sees_every_special_byte() {
        for len in 0..40 {
            assert!(!needs_escape(&vec![b'a'; len]));
            for at in 0..len {
                for special in [0u8, b'\n', 0x1f, b'"', b'\\'] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    assert!(needs_escape(&bytes), "{special} at {at} of {len}");
                }
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0x20;
                assert!(!needs_escape(&bytes));
            }
        }
    }

    /// The rows are written exactly as one `to_string_pretty` of the whole report prints them,
    /// with no finding, one, and more than fit in one piece, a window of pieces at a time.
    #[test]
    fn pieces_are_the_pretty_printed_report() {
        for findings in [0, 1, ROWS_PER_PIECE, 2 * ROWS_PER_PIECE + 3] {
            let report = report(findings);
            // Counted here on their own, not by the summary's one pass.
            let count = |severity| report.diagnostics.iter().filter(|d| d.severity == severity).count();
            let whole = Output {
                diagnostics: report.diagnostics.iter().map(row).collect(),
                documents: report.documents,
                root: &report.root,
                summary: Summary {
                    error: count(Severity::Error),
                    hint: count(Severity::Hint),
                    info: count(Severity::Info),
                    warning: count(Severity::Warning),
                },
                version: 1,
            };
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            for at_once in [1, 2, PIECES_AT_ONCE] {
                let mut written = Vec::new();
                write_in_windows(&report, &mut written, at_once).unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    expected,
                    "{findings} findings, {at_once} at once"
                );
            }
        }
    }
}
