//! `--format json`: exactly FORMAT.md section 7.

use super::Report;
use crate::finding::Severity;
use serde_json::json;

pub fn render(report: &Report) -> String {
    let diagnostics: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
            })
        })
        .collect();
    let value = json!({
        "version": 1,
        "root": report.root,
        "documents": report.documents,
        "diagnostics": diagnostics,
        "summary": {
            "error": report.count(Severity::Error),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
            "hint": report.count(Severity::Hint),
        },
    });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
