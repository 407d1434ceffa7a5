//! A document's plain text (docs/format.md section 8) with a map from source offsets into it.
//!
//! The plain text is the body after the front matter with the `[` and `]{…}` of every
//! annotation removed, backslash escapes resolved outside code (`\[` becomes `[`), and line
//! endings written as LF (`\r\n` and a lone `\r` alike). Everything else stays as written,
//! code and Markdown included, so an offset into it means the same to every tool.
//!
//! `annals export` gives each annotation its place in the plain text through `offset`; the
//! site and fix faces are meant to reuse it. Positions are byte offsets into the plain text,
//! converted to code points or UTF-16 units at the edge (`count`), through the same
//! checkpointed `LineIndex` that check's columns use, so each conversion costs O(1).

use crate::document::Document;
use crate::text::{LineIndex, TextRange};

/// What a position into the plain text counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unicode scalar values: Python's `str` indices, the W3C model's and brat's offsets.
    CodePoints,
    /// UTF-16 code units: JavaScript's string indices.
    Utf16,
}

/// A stretch of source copied to the plain text byte for byte (a lone `\r` is copied as `\n`,
/// which has the same length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    source: u32,
    plain: u32,
    len: u32,
}

/// The plain text of one document, and where each source byte went.
#[derive(Debug)]
pub struct PlainText {
    pub text: String,
    /// Sorted by `source` (and so by `plain`); a gap between two runs is a cut.
    runs: Vec<Run>,
    /// Made at the first `count`: the site takes claims' words and never counts.
    lines: std::sync::OnceLock<LineIndex>,
}

impl PlainText {
    /// The plain text of `doc`: one pass over its body, cutting at its spans' brackets.
    pub fn of(doc: &Document) -> PlainText {
        let text = doc.text.as_str();
        let body = doc.syntax.body_start.min(text.len());
        // Each span cuts its `[` and its `]{…}`. Opening brackets come in span order; the
        // closing parts of nested spans come inner first, so they are sorted apart.
        let mut closes: Vec<TextRange> = doc
            .syntax
            .spans
            .iter()
            .map(|s| TextRange::new(s.text_range().end as usize, s.range.end as usize))
            .collect();
        closes.sort_unstable();
        let opens = doc
            .syntax
            .spans
            .iter()
            .map(|s| TextRange::new(s.range.start as usize, s.range.start as usize + 1));
        let cuts = merge(opens, closes.into_iter());
        let mut builder = Builder {
            source: text,
            out: String::with_capacity(text.len() - body),
            runs: Vec::new(),
            masked: &doc.syntax.masked,
            next_masked: 0,
        };
        let mut at = body;
        for cut in cuts {
            let (start, end) = (cut.start as usize, cut.end as usize);
            if end <= at {
                continue;
            }
            if start > at {
                builder.copy(at, start);
            }
            at = at.max(end);
        }
        if at < text.len() {
            builder.copy(at, text.len());
        }
        let Builder { out, mut runs, .. } = builder;
        runs.shrink_to_fit();
        PlainText {
            text: out,
            runs,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The byte offset in the plain text where the source byte `offset` went; a byte that
    /// was cut (a bracket, an attribute block, an escaping backslash, the `\r` of `\r\n`)
    /// maps to where the plain text resumes after it, as does the end of a cut.
    pub fn offset(&self, offset: usize) -> usize {
        let k = self.runs.partition_point(|r| r.source as usize <= offset);
        let Some(run) = k.checked_sub(1).map(|k| self.runs[k]) else {
            return 0;
        };
        let within = offset - run.source as usize;
        run.plain as usize + within.min(run.len as usize)
    }

    /// The plain text's byte range of a source range.
    pub fn range(&self, range: TextRange) -> std::ops::Range<usize> {
        let start = self.offset(range.start as usize);
        start..self.offset(range.end as usize).max(start)
    }

    /// The position of the plain text's byte `offset` (a character boundary) in `unit`.
    pub fn count(&self, offset: usize, unit: Unit) -> usize {
        let offset = offset.min(self.text.len());
        let lines = self.lines.get_or_init(|| LineIndex::new(&self.text));
        match unit {
            Unit::CodePoints => lines.chars_between(&self.text, 0, offset),
            Unit::Utf16 => lines.utf16_between(&self.text, 0, offset),
        }
    }
}

/// Two sorted sequences of ranges, merged in order.
fn merge(a: impl Iterator<Item = TextRange>, b: impl Iterator<Item = TextRange>) -> Vec<TextRange> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let mut out = Vec::with_capacity(a.size_hint().0 + b.size_hint().0);
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

struct Builder<'s> {
    source: &'s str,
    out: String,
    runs: Vec<Run>,
    /// Code spans, code blocks and HTML comments, sorted: no escapes there.
    masked: &'s [TextRange],
    next_masked: usize,
}

impl Builder<'_> {
    /// Copies `source[from..to]`, which holds no annotation bracket, resolving escapes outside
    /// code and writing line endings as LF.
    fn copy(&mut self, from: usize, to: usize) {
        let bytes = self.source.as_bytes();
        let mut at = from;
        let mut search = from;
        while let Some(k) = memchr::memchr2(b'\\', b'\r', &bytes[search..to]) {
            let i = search + k;
            if bytes[i] == b'\r' {
                self.keep(at, i);
                if bytes.get(i + 1) == Some(&b'\n') && i + 1 < to {
                    at = i + 1; // The `\n` starts the next run.
                } else {
                    self.push_run(i, "\n");
                    at = i + 1;
                }
                search = i + 1;
            } else if i + 1 < to && bytes[i + 1].is_ascii_punctuation() && !self.in_code(i) {
                self.keep(at, i);
                // The escaped character is kept; the backslash is cut.
                at = i + 1;
                search = i + 2;
            } else {
                search = i + 1;
            }
        }
        self.keep(at, to);
    }

    fn keep(&mut self, from: usize, to: usize) {
        if to > from {
            self.push_run(from, &self.source[from..to]);
        }
    }

    fn push_run(&mut self, source: usize, piece: &str) {
        let plain = self.out.len();
        self.out.push_str(piece);
        let len = piece.len() as u32;
        if let Some(last) = self.runs.last_mut()
            && (last.source + last.len) as usize == source
            && (last.plain + last.len) as usize == plain
        {
            last.len += len;
            return;
        }
        self.runs.push(Run {
            source: source as u32,
            plain: plain as u32,
            len,
        });
    }

    /// Whether `offset` lies in code or a comment (offsets only grow from call to call).
    fn in_code(&mut self, offset: usize) -> bool {
        while self
            .masked
            .get(self.next_masked)
            .is_some_and(|m| (m.end as usize) <= offset)
        {
            self.next_masked += 1;
        }
        self.masked.get(self.next_masked).is_some_and(|m| m.contains(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn doc(body: &str) -> Document {
        let text = format!("---\ntitle: T\npublished: 2022\n---\n{body}");
        Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text)
    }

    #[test]
    fn annotations_escapes_and_line_endings_go() {
        let d = doc("[[Rogozin]{e=rogozin} said \\[x\\]]{.claim #c\r\n by=rogozin}\r\nEnd\rz `\\[code\\]`\n");
        let plain = PlainText::of(&d);
        assert_eq!(plain.text, "Rogozin said [x]\nEnd\nz `\\[code\\]`\n");
        let mention = d.span(d.mentions[0].span);
        let claim = d.span(d.claims[0].span);
        assert_eq!(&plain.text[plain.range(mention.text_range())], "Rogozin");
        assert_eq!(&plain.text[plain.range(claim.text_range())], "Rogozin said [x]");
        // The whole span, brackets and attributes included, covers the same text.
        assert_eq!(&plain.text[plain.range(claim.range)], "Rogozin said [x]");
    }

    #[test]
    fn positions_count_code_points_or_utf16_units() {
        let d = doc("Ж 😀 [Рогозин]{e=rogozin} 😀\n");
        let plain = PlainText::of(&d);
        let r = plain.range(d.span(d.mentions[0].span).text_range());
        assert_eq!(&plain.text[r.clone()], "Рогозин");
        assert_eq!(
            (
                plain.count(r.start, Unit::CodePoints),
                plain.count(r.end, Unit::CodePoints)
            ),
            (4, 11)
        );
        assert_eq!(
            (plain.count(r.start, Unit::Utf16), plain.count(r.end, Unit::Utf16)),
            (5, 12)
        );
    }

    #[test]
    fn a_document_without_front_matter_or_spans_is_its_text() {
        let d = Document::new(
            "a".into(),
            "articles/a.md".into(),
            DocumentKind::Article,
            "just text\r\n".into(),
        );
        let plain = PlainText::of(&d);
        assert_eq!(plain.text, "just text\n");
        assert_eq!(plain.offset(0), 0);
        assert_eq!(plain.offset(11), 10);
        let empty = Document::new("e".into(), "articles/e.md".into(), DocumentKind::Article, String::new());
        assert_eq!(PlainText::of(&empty).text, "");
        assert_eq!(PlainText::of(&empty).offset(5), 0);
    }

    /// Every source character boundary maps to one in the plain text, in order, and the kept source bytes
    /// are the plain text's (a lone `\r` aside, which becomes `\n`).
    #[test]
    fn the_map_is_monotone_and_keeps_the_text() {
        let d = doc("a\\\\[b]{e=x}\\c \\[d]{e=y} ё[[e]{e=z}\r\n f]{.claim}\r`\\[`<!-- \\[ -->\n");
        let plain = PlainText::of(&d);
        let mut last = 0;
        for offset in (0..=d.text.len() + 1).filter(|&k| k > d.text.len() || d.text.is_char_boundary(k)) {
            let p = plain.offset(offset);
            assert!(p >= last, "at {offset}");
            assert!(plain.text.is_char_boundary(p), "at {offset}");
            last = p;
        }
        assert_eq!(plain.text, "a\\b\\c [d]{e=y} ёe\n f\n`\\[`<!-- \\[ -->\n");
    }
}
