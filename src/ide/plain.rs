//! Plain text of annotated Markdown: what a reader sees, without the annotation syntax.

use crate::document::Document;
use crate::text::TextRange;

/// The text in `range` with the `[` and `]{…}` of every annotation inside it removed,
/// backslash escapes resolved and white space folded.
pub fn plain_text(doc: &Document, range: TextRange) -> String {
    let mut cuts: Vec<TextRange> = Vec::new();
    // Spans are sorted by start: those inside `range` start within it.
    let spans = &doc.syntax.spans;
    let first = spans.partition_point(|s| s.range.start < range.start);
    for span in spans[first..].iter().take_while(|s| s.range.start < range.end) {
        if range.contains_range(span.range) {
            cuts.push(TextRange::new(span.range.start as usize, span.range.start as usize + 1));
            cuts.push(TextRange::new(span.text_range().end as usize, span.range.end as usize));
        }
    }
    cuts.sort();
    let mut out = String::new();
    let mut at = range.start as usize;
    for cut in cuts {
        if (cut.start as usize) > at {
            out.push_str(doc.text.get(at..cut.start as usize).unwrap_or(""));
        }
        at = at.max(cut.end as usize);
    }
    out.push_str(doc.text.get(at..range.end as usize).unwrap_or(""));
    let mut folded = String::with_capacity(out.len());
    let mut chars = out.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => chars.next().unwrap_or(c),
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !folded.is_empty() {
            folded.push(' ');
        }
        space = false;
        folded.push(c);
    }
    folded
}

/// At most `max` characters, cut at a word boundary with `…`.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// The first few words, for short labels.
pub fn first_words(text: &str, words: usize) -> String {
    let mut parts = text.split_whitespace();
    let head: Vec<&str> = parts.by_ref().take(words).collect();
    let more = parts.next().is_some();
    format!("{}{}", head.join(" "), if more { " …" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    #[test]
    fn strips_annotations_and_escapes() {
        let text = "---\ntitle: T\npublished: 2022\n---\n[\"[Rogozin]{e=rogozin} \\[said\\]\n  x\"]{.claim #c}";
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text.into());
        let claim = &doc.claims[0];
        let span = doc.span(claim.span);
        assert_eq!(plain_text(&doc, span.text_range()), "\"Rogozin [said] x\"");
        assert_eq!(truncate("one two three", 9), "one two…");
        assert_eq!(first_words("a b c d", 2), "a b …");
    }
}
