//! Findings as LSP diagnostics, for push (publishDiagnostics) and pull
//! (textDocument/diagnostic, workspace/diagnostic with result ids).

use super::convert::{self, Encoding};
use crate::document::Document;
use crate::finding::{Finding, Severity};
use std::hash::{Hash, Hasher};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

pub fn to_lsp(doc: &Document, finding: &Finding, encoding: Encoding) -> Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    };
    Diagnostic {
        range: convert::range(&doc.text, &doc.lines, finding.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.as_str().to_string())),
        source: Some("annals".into()),
        message: finding.message.clone(),
        // The suggested replacement travels with the diagnostic, for quick fixes.
        data: finding
            .suggestion
            .as_ref()
            .map(|s| serde_json::json!({ "replacement": s })),
        ..Diagnostic::default()
    }
}

/// A result id for pull diagnostics: equal findings give equal ids.
pub fn result_id(findings: &[Finding]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for f in findings {
        f.code.as_str().hash(&mut hasher);
        f.severity.hash(&mut hasher);
        f.range.hash(&mut hasher);
        f.message.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}
