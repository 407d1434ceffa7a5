//! `--format human`: rustc-style snippets (annotate-snippets) and a one-line summary.

use super::{Diagnostic, Report};
use crate::finding::Severity;
use crate::text::floor_char_boundary;
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP.with_name("hint"),
    }
}

/// The lines that hold the finding, so a snippet never copies a whole large document.
fn excerpt<'d>(d: &Diagnostic<'d>) -> (&'d str, usize, std::ops::Range<usize>) {
    let doc = d.document;
    let first = doc.lines.line_of(d.range.start as usize);
    let last = doc.lines.line_of(d.range.end as usize);
    let start = doc.lines.line_start(first);
    let end = doc.lines.line_range(&doc.text, last).end as usize;
    let source = doc.text.get(start..end).unwrap_or("");
    // On character boundaries even if the file changed between the reads of a sweep.
    let at = |offset: u32| floor_char_boundary(source, (offset as usize).saturating_sub(start));
    let span = at(d.range.start)..at(d.range.end);
    (source, first + 1, span)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn render(report: &Report, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in &report.diagnostics {
        let (source, line_start, span) = excerpt(d);
        let group = level(d.severity)
            .primary_title(d.message.as_str())
            .id(d.code.as_str())
            .element(
                Snippet::source(source)
                    .line_start(line_start)
                    .path(d.display_path.as_str())
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    let counts = [
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "info"),
        plural(report.count(Severity::Hint), "hint"),
    ];
    out.push_str(&format!(
        "{}: {} checked: {}\n",
        report.root,
        plural(report.documents, "document"),
        if report.diagnostics.is_empty() {
            "no findings".to_string()
        } else {
            counts.join(", ")
        }
    ));
    out
}
