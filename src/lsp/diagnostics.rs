//! Findings as LSP diagnostics, for push (publishDiagnostics) and pull
//! (textDocument/diagnostic, workspace/diagnostic with result ids).

use super::convert::{self, Encoding};
use crate::document::Document;
use crate::finding::{Finding, RuleCode, Severity};
use std::hash::{Hash, Hasher};
use tower_lsp_server::ls_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Uri};

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
        // The rule's page, which editors open from the code.
        code_description: code_description(finding.code),
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

/// The link to the rule's page, parsed once per code (a corpus can have many thousands of findings).
fn code_description(code: RuleCode) -> Option<CodeDescription> {
    static PAGES: std::sync::OnceLock<Vec<Option<Uri>>> = std::sync::OnceLock::new();
    let pages = PAGES.get_or_init(|| RuleCode::ALL.iter().map(|c| c.help_url().parse::<Uri>().ok()).collect());
    let k = RuleCode::ALL.iter().position(|c| *c == code)?;
    pages.get(k)?.clone().map(|href| CodeDescription { href })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::text::TextRange;

    #[test]
    fn every_diagnostic_links_to_its_rule_page() {
        let text = "---\ntitle: T\n---\n".to_string();
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
        for &code in RuleCode::ALL {
            let finding = Finding::new(code, TextRange::empty(0), "m");
            let diagnostic = to_lsp(&doc, &finding, Encoding::Utf16);
            let href = diagnostic.code_description.map(|d| d.href.as_str().to_string());
            assert_eq!(href.as_deref(), Some(code.help_url().as_str()));
            assert!(code.help_url().ends_with(&format!("/docs/rules/{code}.md")));
        }
    }
}
