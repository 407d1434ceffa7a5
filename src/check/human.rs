//! `--format human`: rustc-style snippets (annotate-snippets) and a one-line summary.

use super::{Diagnostic, Report};
use crate::finding::Severity;
use crate::text::{LineIndex, TextRange, floor_char_boundary};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use rayon::prelude::*;

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP.with_name("hint"),
    }
}

/// Characters kept on each side of a finding on a long line: more than annotate-snippets
/// shows of a line (it cuts lines to the terminal's width itself), so a window renders as the
/// whole line would.
const CONTEXT: usize = 160;
/// A finding's lines up to this many bytes are given whole; longer ones as a window.
pub const WHOLE_LINES: usize = 4 * CONTEXT;

/// What a snippet shows: its source, its first line's number, the range to underline in it,
/// and, when the source is a window of a long line, the finding's true 1-based column.
#[derive(Clone, Debug)]
pub struct Excerpt {
    source: String,
    line: usize,
    span: std::ops::Range<usize>,
    window_column: Option<usize>,
}

/// The lines that hold the finding at `range` of `text`, so a snippet never copies a whole
/// large document; on a long line, a window of `CONTEXT` characters around it, so that each
/// finding costs the same however long its line (annotate-snippets measures every character
/// it is given).
pub fn excerpt(text: &str, lines: &LineIndex, range: TextRange, whole_lines: usize) -> Excerpt {
    let first = lines.line_of(range.start as usize);
    let last = lines.line_of(range.end as usize);
    let start = lines.line_start(first).min(text.len());
    let end = (lines.line_range(text, last).end as usize).min(text.len());
    // On character boundaries even if the file changed between the reads of a sweep.
    let at = |offset: usize| floor_char_boundary(text, offset.clamp(start, end.max(start)));
    let (from, to) = (at(range.start as usize), at(range.end as usize));
    if end.saturating_sub(start) <= whole_lines {
        return Excerpt {
            source: text.get(start..end).unwrap_or("").to_string(),
            line: first + 1,
            span: from.saturating_sub(start)..to.saturating_sub(start),
            window_column: None,
        };
    }
    // `CONTEXT` characters before the start, the range up to `CONTEXT` characters, and
    // `CONTEXT` after it, on the finding's first line.
    let line_end = (lines.line_range(text, first).end as usize).clamp(from, text.len());
    let mut window_start = from;
    for _ in 0..CONTEXT {
        if window_start <= start {
            break;
        }
        window_start = floor_char_boundary(text, window_start - 1);
    }
    let forward = |mut i: usize, n: usize| {
        for c in text[i..line_end].chars().take(n) {
            i += c.len_utf8();
        }
        i
    };
    let underline_end = to.clamp(from, forward(from, CONTEXT));
    let window_end = forward(underline_end, CONTEXT);
    Excerpt {
        source: text[window_start..window_end].to_string(),
        line: first + 1,
        span: from - window_start..underline_end - window_start,
        window_column: Some(lines.chars_between(text, start, from) + 1),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The report's findings as snippets; each carries its excerpt (`Excerpts::Snippets`).
pub fn render(report: &Report, color: bool) -> Vec<String> {
    // Each snippet is rendered on its own, so chunks of them are rendered on every core and
    // joined in order.
    let mut chunks: Vec<String> = report
        .diagnostics
        .pieces(256)
        .into_par_iter()
        .map(|piece| {
            let renderer = if color { Renderer::styled() } else { Renderer::plain() };
            let mut out = String::new();
            for d in piece.iter() {
                render_one(&renderer, d, &mut out);
            }
            out
        })
        .collect();
    chunks.push(summary(report));
    chunks
}

/// One finding's snippet and the blank line after it.
fn render_one(renderer: &Renderer, d: Diagnostic, out: &mut String) {
    let empty = Excerpt {
        source: String::new(),
        line: d.line,
        span: 0..0,
        window_column: None,
    };
    let excerpt = d.excerpt.unwrap_or(&empty);
    let group = level(d.severity).primary_title(d.message).id(d.code.as_str()).element(
        Snippet::source(excerpt.source.as_str())
            .line_start(excerpt.line)
            .path(d.display_path)
            .annotation(AnnotationKind::Primary.span(excerpt.span.clone())),
    );
    let rendered = renderer.render(&[group]);
    match excerpt.window_column {
        None => out.push_str(&rendered),
        Some(column) => {
            // annotate-snippets counts the column in the window: the location says the line's.
            let shown = excerpt.source[..excerpt.span.start].chars().count() + 1;
            let wrong = format!("{}:{}:{shown}", d.display_path, excerpt.line);
            let right = format!("{}:{}:{column}", d.display_path, excerpt.line);
            out.push_str(&rendered.replacen(&wrong, &right, 1));
        }
    }
    out.push_str("\n\n");
}

/// The last line: the root, how many documents, how many findings of each severity.
fn summary(report: &Report) -> String {
    let by_severity = report.counts();
    let counts = [
        plural(by_severity[Severity::Error as usize], "error"),
        plural(by_severity[Severity::Warning as usize], "warning"),
        plural(by_severity[Severity::Info as usize], "info"),
        plural(by_severity[Severity::Hint as usize], "hint"),
    ];
    format!(
        "{}: {} checked: {}\n",
        report.root,
        plural(report.documents, "document"),
        if report.diagnostics.is_empty() {
            "no findings".to_string()
        } else {
            counts.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::super::Excerpts;
    use super::*;
    use crate::document::{Document, DocumentKind};
    use crate::finding::{Finding, RuleCode};
    use std::path::Path;

    /// A window of a long line renders exactly as the whole line did: annotate-snippets shows
    /// less of a line than the window holds, and the location gives the line's own column.
    #[test]
    fn a_window_renders_as_the_whole_line() {
        let unit = "Рогозин [Word]{e=nobody} 😀 text\tmore ";
        let body = format!("short line\n{}\n{}", unit.repeat(400), "x".repeat(3000));
        let doc = Document::new(
            "a".into(),
            "articles/a.md".into(),
            DocumentKind::Article,
            format!("---\ntitle: T\npublished: 2022-04-02\n---\n{body} [end]{{e=nobody}}\n"),
        );
        let findings: Vec<Finding> = doc
            .text
            .match_indices("nobody")
            .map(|(at, w)| Finding::new(RuleCode::UnknownEntity, TextRange::new(at, at + w.len()), "unknown"))
            .collect();
        assert!(findings.len() > 400);
        let taken = |excerpts| super::super::Places::of(&doc.text, &doc.lines, &findings, excerpts);
        let (snippets, whole_lines) = (taken(Excerpts::Snippets), taken(Excerpts::WholeLines));
        let doc = doc.shed();
        let place = |excerpts, places| {
            let judged = [(&doc, findings.clone(), places)].into_iter();
            super::super::report(Path::new("/c"), judged, Path::new("/c"), u64::MAX, excerpts)
        };
        let (report, whole_report) = (place(Excerpts::Snippets, None), place(Excerpts::WholeLines, None));
        for color in [false, true] {
            let windowed = render(&report, color).concat();
            let whole = render(&whole_report, color).concat();
            assert!(
                windowed == whole,
                "windowed and whole-line renderings differ (color {color})"
            );
        }
        // Places taken while the text was at hand (a sweep's) place every finding as the
        // text itself does.
        for (excerpts, places, from_text) in [
            (Excerpts::Snippets, snippets, &report),
            (Excerpts::WholeLines, whole_lines, &whole_report),
        ] {
            let from_places = place(excerpts, Some(places));
            assert_eq!(render(&from_places, false).concat(), render(from_text, false).concat());
        }
        assert!(render(&report, false).concat().contains("articles/a.md:6:"));
    }
}
