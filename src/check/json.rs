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

pub fn render(report: &Report) -> String {
    let output = Output {
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| Row {
                code: d.code.as_str(),
                column: d.column,
                end_column: d.end_column,
                end_line: d.end_line,
                file: &d.file,
                line: d.line,
                message: &d.message,
                severity: d.severity.as_str(),
            })
            .collect(),
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
    let mut out = serde_json::to_string_pretty(&output).unwrap_or_default();
    out.push('\n');
    out
}
