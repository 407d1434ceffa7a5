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

fn row(d: &super::Diagnostic) -> Row<'_> {
    Row {
        code: d.code.as_str(),
        column: d.column,
        end_column: d.end_column,
        end_line: d.end_line,
        file: &d.file,
        line: d.line,
        message: &d.message,
        severity: d.severity.as_str(),
    }
}

/// Rows per piece of the output: each piece is rendered on its own, so the report is never
/// copied into one string that grows by doubling (34 MB for 42,000 findings).
const ROWS_PER_PIECE: usize = 2048;

/// The report as `serde_json::to_string_pretty` prints it, in pieces to write one after the
/// other: the rows are rendered in parallel chunks and indented to their place.
pub fn render(report: &Report) -> Vec<String> {
    use rayon::prelude::*;
    let output = Output {
        diagnostics: Vec::new(),
        documents: report.documents,
        root: &report.root,
        summary: Summary {
            error: report.count(Severity::Error),
            hint: report.count(Severity::Hint),
            info: report.count(Severity::Info),
            warning: report.count(Severity::Warning),
        },
        version: 1,
    };
    let mut whole = serde_json::to_string_pretty(&output).unwrap_or_default();
    whole.push('\n');
    if report.diagnostics.is_empty() {
        return vec![whole];
    }
    // The skeleton has `"diagnostics": [],`: the rows go between its brackets.
    const EMPTY: &str = "\"diagnostics\": []";
    let at = whole.find(EMPTY).map_or(0, |k| k + EMPTY.len() - 1);
    let (head, tail) = whole.split_at(at);
    let chunks: Vec<&[super::Diagnostic]> = report.diagnostics.chunks(ROWS_PER_PIECE).collect();
    let last = chunks.len() - 1;
    let rows = chunks.into_par_iter().enumerate().map(|(k, chunk)| {
        let mut piece = String::with_capacity(chunk.len() * 400);
        for (i, d) in chunk.iter().enumerate() {
            let text = serde_json::to_string_pretty(&row(d)).unwrap_or_default();
            // A row's lines, indented to depth 2; JSON strings hold no raw line break.
            for (n, line) in text.lines().enumerate() {
                if n > 0 {
                    piece.push('\n');
                }
                piece.push_str("    ");
                piece.push_str(line);
            }
            piece.push_str(if k == last && i == chunk.len() - 1 {
                "\n  "
            } else {
                ",\n"
            });
        }
        piece
    });
    let mut pieces = vec![format!("{head}\n")];
    pieces.par_extend(rows);
    pieces.push(tail.to_string());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleCode;
    use crate::check::Diagnostic;
    use crate::text::TextRange;

    fn report(findings: usize) -> Report {
        let diagnostics = (0..findings)
            .map(|k| Diagnostic {
                file: format!("articles/a{}.md", k / 7).into(),
                display_path: "".into(),
                line: k + 1,
                column: 2,
                end_line: k + 1,
                end_column: 9,
                severity: Severity::ALL[k % 4],
                code: RuleCode::ALL[k % RuleCode::ALL.len()],
                message: format!("finding {k}: \"quoted\", a tab\t, and Рогозин"),
                suggestion: None,
                range: TextRange::new(0, 1),
                excerpt: None,
            })
            .collect();
        Report {
            root: "corpus".into(),
            documents: findings / 7 + 1,
            diagnostics,
        }
    }

    /// The pieces print exactly what one `to_string_pretty` of the whole report prints, with no
    /// finding, one, and more than fit in one piece.
    #[test]
    fn pieces_are_the_pretty_printed_report() {
        for findings in [0, 1, ROWS_PER_PIECE, 2 * ROWS_PER_PIECE + 3] {
            let report = report(findings);
            let whole = Output {
                diagnostics: report.diagnostics.iter().map(row).collect(),
                documents: report.documents,
                root: &report.root,
                summary: Summary {
                    error: report.count(Severity::Error),
                    hint: report.count(Severity::Hint),
                    info: report.count(Severity::Info),
                    warning: report.count(Severity::Warning),
                },
                version: 1,
            };
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            let pieces = render(&report);
            assert_eq!(pieces.concat(), expected, "{findings} findings");
            assert!(pieces.len() >= findings.div_ceil(ROWS_PER_PIECE), "{findings} findings");
        }
    }
}
