//! Syntax: text → a document's syntax tree with byte ranges.
//!
//! Three steps, each linear: the front matter is split off, the block pass finds
//! paragraphs and code blocks, the inline pass finds annotations in the paragraphs.

pub mod annotation;
pub mod blocks;
pub mod front_matter;

pub use annotation::{Attribute, AttributeKind, Span, SpanRef, SyntaxError};
pub use front_matter::{FrontMatter, Head, Yaml, YamlValue};

use crate::slots::SpanIndex;
use crate::text::{LineIndex, TextRange};

/// The syntax tree of one document.
#[derive(Debug)]
pub struct SyntaxTree {
    pub head: Head,
    /// Where the body starts (after the front matter, or after a byte-order mark).
    pub body_start: usize,
    /// In order of their `[`; their attributes are read through `span` or `annotated`.
    pub spans: Vec<Span>,
    /// Every span's attributes, each span's together.
    pub attributes: Vec<Attribute>,
    /// Code blocks, code spans and HTML comments, sorted: no annotation lives there.
    pub masked: Vec<TextRange>,
    pub errors: Vec<SyntaxError>,
}

pub fn parse(text: &str) -> SyntaxTree {
    parse_with(text, None)
}

/// `parse`, with the text's line index when the caller has one: its lines are not searched for again.
pub fn parse_with(text: &str, lines: Option<&LineIndex>) -> SyntaxTree {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (head, body_start) = front_matter::split(text, start);
    let blocks = match lines {
        Some(lines) => blocks::scan_lines(text, lines.lines_from(text, body_start)),
        None => blocks::scan(text, body_start),
    };
    let inline = annotation::scan(text, &blocks);
    let mut masked = blocks.code;
    masked.extend(inline.masked);
    masked.sort();
    SyntaxTree {
        head,
        body_start,
        spans: inline.spans,
        attributes: inline.attributes,
        masked,
        errors: inline.errors,
    }
}

impl SyntaxTree {
    /// Span `k` with its attributes. Panics when there is no span `k`, as indexing does.
    pub fn span(&self, k: SpanIndex) -> SpanRef<'_> {
        SpanRef::new(&self.spans[k.index()], &self.attributes)
    }

    /// Every span with its attributes, in order of their `[`.
    pub fn annotated(&self) -> impl DoubleEndedIterator<Item = SpanRef<'_>> + ExactSizeIterator + '_ {
        self.spans.iter().map(|s| SpanRef::new(s, &self.attributes))
    }
}
