//! Syntax: text → a document's syntax tree with byte ranges.
//!
//! Three steps, each linear: the front matter is split off, the block pass finds
//! paragraphs and code blocks, the inline pass finds annotations in the paragraphs.

pub mod annotation;
pub mod blocks;
pub mod front_matter;

pub use annotation::{Attribute, AttributeKind, Span, SyntaxError};
pub use front_matter::{FrontMatter, Head, Yaml, YamlValue};

use crate::text::TextRange;

/// The syntax tree of one document.
#[derive(Debug)]
pub struct SyntaxTree {
    pub head: Head,
    /// Where the body starts (after the front matter, or after a byte-order mark).
    pub body_start: usize,
    pub spans: Vec<Span>,
    /// Code blocks, code spans and HTML comments, sorted: no annotation lives there.
    pub masked: Vec<TextRange>,
    pub errors: Vec<SyntaxError>,
}

pub fn parse(text: &str) -> SyntaxTree {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (head, body_start) = front_matter::split(text, start);
    let blocks = blocks::scan(text, body_start);
    let inline = annotation::scan(text, &blocks);
    let mut masked = blocks.code;
    masked.extend(inline.masked);
    masked.sort();
    SyntaxTree {
        head,
        body_start,
        spans: inline.spans,
        masked,
        errors: inline.errors,
    }
}
