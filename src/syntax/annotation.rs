//! The inline pass: finds annotations (Pandoc bracketed spans `[text]{attributes}`)
//! in the paragraphs of a body, skipping code spans and HTML comments.
//!
//! One left-to-right pass per paragraph with an explicit stack of open `[`, so
//! deep nesting costs heap, not call stack. Errors are collected and the pass
//! goes on after each one.

use super::blocks::{Blocks, Paragraph};
use crate::slots::SpanIndex;
use crate::text::TextRange;
use std::borrow::Cow;

/// Known attribute keys on mentions and claims (docs/format.md section 3).
pub const ATTRIBUTE_KEYS: [&str; 9] = [
    "e",
    "by",
    "date",
    "via",
    "source",
    "replies-to",
    "repeats",
    "contradicts",
    "supports",
];

/// One of `ATTRIBUTE_KEYS`, by its index: a corpus holds a million attributes, and a key
/// held as a string would cost 24 bytes each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownKey(u8);

impl KnownKey {
    pub fn of(key: &str) -> Option<KnownKey> {
        ATTRIBUTE_KEYS.iter().position(|k| *k == key).map(|k| KnownKey(k as u8))
    }
    pub fn as_str(self) -> &'static str {
        ATTRIBUTE_KEYS.get(self.0 as usize).copied().unwrap_or("")
    }
}

/// A span's attributes of the format's keys (`SpanRef::known`).
#[derive(Clone, Copy, Debug)]
pub struct KnownAttributes<'t>([Option<&'t Attribute>; ATTRIBUTE_KEYS.len()]);

impl<'t> KnownAttributes<'t> {
    /// The attribute of `key`, one of `ATTRIBUTE_KEYS`.
    pub fn get(&self, key: &str) -> Option<&'t Attribute> {
        self.0.get(KnownKey::of(key)?.0 as usize).copied().flatten()
    }
}

/// One `#id`, `.class` or `key=value` inside `{…}`. Its value and key are read from the
/// document's text (`value`, `key`), not held: a corpus holds a million attributes, and a
/// copy of each value was 24 of their 56 bytes, the key's range 8 of the next 20.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub kind: AttributeKind,
    /// Which of the format's keys a `key=value` has; `None` for any other key, and for ids
    /// and classes. The key as written is `key(text)`.
    pub known_key: Option<KnownKey>,
    quoting: Quoting,
    /// The value's range, inside the quotes when quoted.
    pub value_range: TextRange,
}

/// How a value is written: what lies between `value_range` and the value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    Bare,
    Quoted,
    /// Quoted, with `\"` or `\\` inside.
    Escaped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeKind {
    Id,
    Class,
    KeyValue,
}

/// A quoted value as meant: `\"` is `"`, `\\` is `\`, any other `\` is itself (as the
/// scanner reads them: left to right, an escape's second character never starts another).
fn unescape(written: &str) -> String {
    let mut out = String::with_capacity(written.len());
    let mut chars = written.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let rest = chars.as_str();
            if let Some(next @ ('"' | '\\')) = rest.chars().next() {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A bracketed span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// From `[` to `}` inclusive.
    pub range: TextRange,
    /// Where its text ends, at its `]`: its other ranges follow from the two (a corpus
    /// holds half a million spans, 48 bytes each with three ranges written out, 32 now).
    text_end: u32,
    /// Index of the innermost span that contains this one; `NO_PARENT` for none.
    parent: u32,
    /// Where its attributes lie in the tree's `attributes`, and how many: one vector per
    /// document rather than one allocation per span (half a million in 10,000 articles).
    /// Read through `SpanRef` (`SyntaxTree::span`).
    attributes_start: u32,
    attributes_len: u32,
}

/// A span with its attributes, as the syntax tree lends it (`SyntaxTree::span`,
/// `SyntaxTree::annotated`). It derefs to the span, for its ranges and parent.
#[derive(Clone, Copy, Debug)]
pub struct SpanRef<'t> {
    span: &'t Span,
    pub attributes: &'t [Attribute],
}

impl std::ops::Deref for SpanRef<'_> {
    type Target = Span;
    fn deref(&self) -> &Span {
        self.span
    }
}

const NO_PARENT: u32 = u32::MAX;

impl Attribute {
    /// The id (without `#`), the class (without `.`) or the value, unquoted and unescaped,
    /// from `text` (the document's). Borrowed unless the value has escapes.
    pub fn value<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let written = text.get(self.value_range.range()).unwrap_or("");
        match self.quoting {
            Quoting::Bare | Quoting::Quoted => Cow::Borrowed(written),
            Quoting::Escaped => Cow::Owned(unescape(written)),
        }
    }

    /// The value's words, each with its own range in `text` (the document's): a value of
    /// several references, `by="nasa nelson"`. Escapes never hold whitespace, so the words as
    /// written are the words as meant, each unescaped alone, and a word without escapes
    /// (every valid id) is its range's text.
    pub fn words<'t>(&self, text: &'t str) -> impl Iterator<Item = (Cow<'t, str>, TextRange)> + use<'t> {
        let written = text.get(self.value_range.range()).unwrap_or("");
        let base = self.value_range.start as usize;
        let escaped = self.quoting == Quoting::Escaped;
        written.split_whitespace().map(move |word| {
            let start = base + (word.as_ptr() as usize - written.as_ptr() as usize);
            let range = TextRange::new(start, start + word.len());
            let word = if escaped && word.contains('\\') {
                Cow::Owned(unescape(word))
            } else {
                Cow::Borrowed(word)
            };
            (word, range)
        })
    }

    /// The whole token in `text` (the document's): `#id`, `.class`, `key=value` or `key="value"`.
    pub fn range(&self, text: &str) -> TextRange {
        let (start, end) = (self.value_range.start as usize, self.value_range.end as usize);
        match (self.kind, self.quoting) {
            (AttributeKind::Id | AttributeKind::Class, _) => TextRange::new(start - 1, end),
            (AttributeKind::KeyValue, Quoting::Bare) => TextRange::new(self.key_range(text).start as usize, end),
            (AttributeKind::KeyValue, _) => TextRange::new(self.key_range(text).start as usize, end + 1),
        }
    }

    /// The key's range in `text` (the document's); the `#` or `.` of an id or class.
    /// A key ends at its `=` and starts after the white space, `{` or closing quote before it
    /// (none of them a key byte), so it is found from the value, reading the key once.
    pub fn key_range(&self, text: &str) -> TextRange {
        let value_start = self.value_range.start as usize;
        let end = match (self.kind, self.quoting) {
            (AttributeKind::Id | AttributeKind::Class, _) => return TextRange::new(value_start - 1, value_start),
            (AttributeKind::KeyValue, Quoting::Bare) => value_start - 1,
            (AttributeKind::KeyValue, _) => value_start - 2,
        };
        let bytes = text.as_bytes().get(..end).unwrap_or_default();
        let start = bytes.iter().rposition(|b| !is_key_byte(*b)).map_or(0, |k| k + 1);
        TextRange::new(start, end)
    }

    /// The key as written in `text` (the document's): keys have no escapes, so their text is
    /// their source. Empty for ids and classes.
    pub fn key<'t>(&self, text: &'t str) -> &'t str {
        match self.kind {
            AttributeKind::KeyValue => text.get(self.key_range(text).range()).unwrap_or(""),
            AttributeKind::Id | AttributeKind::Class => "",
        }
    }
}

impl Span {
    /// Between the brackets.
    pub fn text_range(&self) -> TextRange {
        TextRange::new(self.range.start as usize + 1, self.text_end as usize)
    }
    /// From `{` to `}` inclusive: `]{` is always adjacent.
    pub fn attributes_range(&self) -> TextRange {
        TextRange::new(self.text_end as usize + 1, self.range.end as usize)
    }
    /// The innermost span that contains this one.
    pub fn parent(&self) -> Option<SpanIndex> {
        (self.parent != NO_PARENT).then(|| SpanIndex::new(self.parent as usize))
    }

    /// Its attributes in `attributes`, the tree's.
    pub fn attributes_in<'t>(&self, attributes: &'t [Attribute]) -> &'t [Attribute] {
        let start = self.attributes_start as usize;
        attributes
            .get(start..start + self.attributes_len as usize)
            .unwrap_or_default()
    }
}

impl<'t> SpanRef<'t> {
    pub fn new(span: &'t Span, attributes: &'t [Attribute]) -> SpanRef<'t> {
        SpanRef {
            span,
            attributes: span.attributes_in(attributes),
        }
    }

    pub fn id(&self) -> Option<&'t Attribute> {
        self.attributes.iter().find(|a| a.kind == AttributeKind::Id)
    }
    /// Whether the span has the class `class`; `text` is the document's.
    pub fn has_class(&self, text: &str, class: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.kind == AttributeKind::Class && a.value(text) == class)
    }
    /// The attribute of one of the format's keys (`ATTRIBUTE_KEYS`); other keys are found
    /// through `key_values` and `Attribute::key`.
    pub fn get(&self, key: &str) -> Option<&'t Attribute> {
        // The key's number found once (for a literal, when compiling), then one byte compared
        // per attribute instead of the key's text.
        let key = Some(KnownKey::of(key)?);
        self.attributes
            .iter()
            .find(|a| a.kind == AttributeKind::KeyValue && a.known_key == key)
    }
    /// Every one of the format's keys that the span has (the first, when given twice), in
    /// one pass: a claim asks for eight of them, each a pass of its own.
    pub fn known(&self) -> KnownAttributes<'t> {
        let mut known = [None; ATTRIBUTE_KEYS.len()];
        for a in self.attributes {
            if let (AttributeKind::KeyValue, Some(KnownKey(k))) = (a.kind, a.known_key)
                && let Some(slot @ None) = known.get_mut(k as usize)
            {
                *slot = Some(a);
            }
        }
        KnownAttributes(known)
    }
    /// Whether the span is a mention (it has `e=`) and whether it is a claim (`.claim`), in one pass.
    pub fn mention_or_claim(&self, text: &str) -> (bool, bool) {
        let e = KnownKey::of("e");
        let (mut mention, mut claim) = (false, false);
        for a in self.attributes {
            match a.kind {
                AttributeKind::KeyValue => mention |= a.known_key == e,
                // A class is written bare: its value is its bytes.
                AttributeKind::Class => claim |= text.get(a.value_range.range()) == Some("claim"),
                AttributeKind::Id => {}
            }
        }
        (mention, claim)
    }
    pub fn key_values(&self) -> impl Iterator<Item = &'t Attribute> + use<'t> {
        self.attributes.iter().filter(|a| a.kind == AttributeKind::KeyValue)
    }
}

/// A syntax error: its range and a message that says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Inline {
    /// Spans in order of their `[`.
    pub spans: Vec<Span>,
    /// The spans' attributes, each span's together (`Span::attributes_in`).
    pub attributes: Vec<Attribute>,
    /// Code spans and HTML comments.
    pub masked: Vec<TextRange>,
    pub errors: Vec<SyntaxError>,
}

/// Byte classes, one table lookup each: the attribute scanner reads every byte of a block.
const KEY_BYTE: u8 = 1;
const SPACE: u8 = 2;
const RUN_END: u8 = 4;
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.') {
            table[b] |= KEY_BYTE;
        }
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            table[b] |= SPACE | RUN_END;
        }
        if c == b'}' {
            table[b] |= RUN_END;
        }
        b += 1;
    }
    table
};

/// The first position from `i` on whose byte is below `!` or is `}`, or where fewer than
/// eight bytes remain before `limit`: every byte that ends a run is one of those, so none
/// before it does. Eight bytes at a time: the runs of attribute values were the parser's
/// busiest loop.
fn maybe_run_end(bytes: &[u8], mut i: usize, limit: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES * 0x80;
    while let Some(block) = bytes.get(i..i + 8).filter(|_| i + 8 <= limit) {
        let w = u64::from_le_bytes(block.try_into().unwrap_or([0; 8]));
        // The lowest byte flagged is exact in both tests (a borrow flags only bytes above it).
        let below_bang = w.wrapping_sub(ONES * 0x21) & !w & HIGHS;
        let x = w ^ (ONES * u64::from(b'}'));
        let brace = x.wrapping_sub(ONES) & !x & HIGHS;
        let flagged = below_bang | brace;
        if flagged != 0 {
            return i + (flagged.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

#[inline]
fn is_key_byte(b: u8) -> bool {
    CLASSES[b as usize] & KEY_BYTE != 0
}

#[inline]
fn is_space(b: u8) -> bool {
    CLASSES[b as usize] & SPACE != 0
}

/// What went wrong inside `{…}`, so that the caller can recover.
enum AttributesEnd {
    /// Closed by `}` at this offset; tokens that failed are reported but the span stands.
    Closed(usize),
    /// Not closed inside the paragraph.
    Unclosed,
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    out: Inline,
    /// The attribute buffer, reused from block to block.
    scratch: Vec<Attribute>,
    /// Errors of the block being read, formatted only once the block closes (a block that
    /// never closes reports one error, not its tokens').
    pending: Vec<PendingError>,
    /// What attribute scans of this paragraph have visited: see `Visited`.
    visited: Visited,
}

/// A token error inside `{…}`, kept as ranges until the block is known to close.
#[derive(Clone, Copy)]
struct PendingError {
    start: usize,
    end: usize,
    kind: PendingKind,
}

#[derive(Clone, Copy)]
enum PendingKind {
    /// `#` or `.` with nothing after it.
    EmptyIdOrClass(AttributeKind),
    SecondId,
    /// Not `#id`, `.class` or `key=value`; `spaced` when it was `key = value`.
    Malformed {
        spaced: bool,
    },
    /// `key=` with no value; the key ends at `key_end`.
    NoValue {
        key_end: usize,
    },
    /// A key given twice; the key ends at `key_end`.
    DuplicateKey {
        key_end: usize,
    },
}

/// The states of the attribute scanner in which its future depends on the position alone:
/// at a token's start, inside a run that ends at white space or `}`, inside a quoted value.
/// A scan that reaches a (position, state) an earlier scan of the same paragraph visited ends
/// as that one did; an earlier scan that closed its block moved the paragraph scan past it, so
/// a visited state is one that never closes. Marking them keeps the `{`s of a paragraph that
/// never close (`x]{x]{…`) from each reading to the paragraph's end.
#[derive(Default)]
struct Visited {
    /// Bit flags per byte of the paragraph, from `base`; empty until a block fails to close.
    marks: Vec<u8>,
    base: usize,
    /// Tests compare scans with and without the marks.
    #[cfg(test)]
    disabled: bool,
}

const AT_TOKEN: u8 = 1;
const IN_RUN: u8 = 2;
const IN_QUOTE: u8 = 4;

impl Visited {
    /// Starts recording for a paragraph from `start` to `limit`.
    fn arm(&mut self, start: usize, limit: usize) {
        #[cfg(test)]
        if self.disabled {
            return;
        }
        if self.marks.is_empty() {
            self.base = start;
            self.marks.resize(limit - start, 0);
        }
    }
    fn clear(&mut self) {
        self.marks.clear();
    }
    /// Marks (at, state); true when it was marked already, i.e. this scan never closes.
    #[inline]
    fn seen(&mut self, at: usize, state: u8) -> bool {
        match self.marks.get_mut(at.wrapping_sub(self.base)) {
            Some(m) => {
                let seen = *m & state != 0;
                *m |= state;
                seen
            }
            None => false,
        }
    }
}

impl<'t> Scanner<'t> {
    fn error(&mut self, start: usize, end: usize, message: String) {
        self.out.errors.push(SyntaxError {
            range: TextRange::new(start, end),
            message,
        });
    }

    fn pending(&mut self, start: usize, end: usize, kind: PendingKind) {
        self.pending.push(PendingError { start, end, kind });
    }

    fn report_pending(&mut self) {
        let text = self.text;
        for PendingError { start, end, kind } in std::mem::take(&mut self.pending) {
            let token = &text[start..end];
            let message = match kind {
                PendingKind::EmptyIdOrClass(kind) => {
                    let what = if kind == AttributeKind::Id {
                        "an id after `#`"
                    } else {
                        "a class after `.`"
                    };
                    format!("malformed attribute `{token}`: write {what}, e.g. `#rogozin-tweet` or `.claim`")
                }
                PendingKind::SecondId => format!("a span has one id; remove `{token}` or the other `#…`"),
                PendingKind::Malformed { spaced } => {
                    let hint = if spaced {
                        " (write it without spaces around `=`)"
                    } else {
                        ""
                    };
                    format!("malformed attribute `{token}`: expected `#id`, `.class` or `key=value`{hint}")
                }
                PendingKind::NoValue { key_end } => {
                    let key = &text[start..key_end];
                    format!("`{key}=` has no value: write `{key}=value`, or remove it")
                }
                PendingKind::DuplicateKey { key_end } => {
                    let key = &text[start..key_end];
                    format!("`{key}=` is given twice in one span; keep one (several ids go in quotes: `{key}=\"a b\"`)")
                }
            };
            self.error(start, end, message);
        }
    }

    /// Offset just past the closing run of exactly `n` backticks, if one exists before `limit`.
    fn code_span_end(&self, from: usize, n: usize, limit: usize) -> Option<usize> {
        let mut i = from;
        while i < limit {
            if self.bytes[i] == b'`' {
                let run = self.bytes[i..limit].iter().take_while(|b| **b == b'`').count();
                if run == n {
                    return Some(i + run);
                }
                i += run;
            } else {
                i += 1;
            }
        }
        None
    }

    /// Parses the attribute block whose `{` is at `open`, up to `limit` (the paragraph's end).
    /// The tokens are left in `self.scratch`, for the caller to keep (`keep_attributes`) when
    /// the block belongs to a span.
    fn attributes(&mut self, open: usize, limit: usize) -> AttributesEnd {
        self.pending.clear();
        let (end, scratch) = self.attribute_tokens(open, limit);
        self.scratch = scratch;
        match end {
            AttributesEnd::Closed(_) => self.report_pending(),
            // One mistake, one error: the tokens of a block that never closes are not judged
            // one by one (`attribute_tokens` reported the one error). Later scans of this
            // paragraph stop where this one went.
            AttributesEnd::Unclosed => {
                self.pending.clear();
                self.visited.arm(open, limit);
            }
        }
        end
    }

    /// Moves the last block's tokens to the tree's attributes: where they start, and how many.
    fn keep_attributes(&mut self) -> (u32, u32) {
        let start = self.out.attributes.len() as u32;
        let len = self.scratch.len() as u32;
        self.out.attributes.append(&mut self.scratch);
        (start, len)
    }

    fn never_closed(&mut self, open: usize) -> AttributesEnd {
        self.error(
            open,
            open + 1,
            "this `{` is never closed: end the attribute list with `}` (an annotation cannot cross a blank line)"
                .into(),
        );
        AttributesEnd::Unclosed
    }

    /// The end of a run that stops at white space or `}`, from `i`; `None` when the run reaches
    /// a position an earlier scan passed in the same state (so it never closes).
    #[inline]
    fn run_end(&mut self, mut i: usize, limit: usize) -> Option<usize> {
        let bytes = self.bytes;
        if self.visited.marks.is_empty() {
            // Nothing recorded yet (every block so far closed): the run alone, eight bytes at
            // a time up to the first that may end it.
            i = maybe_run_end(bytes, i, limit);
            while i < limit && CLASSES[bytes[i] as usize] & RUN_END == 0 {
                i += 1;
            }
            return Some(i);
        }
        while i < limit && CLASSES[bytes[i] as usize] & RUN_END == 0 {
            if self.visited.seen(i, IN_RUN) {
                return None;
            }
            i += 1;
        }
        Some(i)
    }

    fn attribute_tokens(&mut self, open: usize, limit: usize) -> (AttributesEnd, Vec<Attribute>) {
        let bytes = self.bytes;
        // Parsed into a reused buffer; `attributes` copies the result into an exact-size vector.
        let mut attributes: Vec<Attribute> = std::mem::take(&mut self.scratch);
        attributes.clear();
        // Duplicates through sets, not by rescanning earlier attributes: the format's keys
        // as bits, other keys hashed (only when a span has some).
        let mut has_id = false;
        let mut known_keys: u16 = 0;
        let mut other_keys: Option<rustc_hash::FxHashSet<&'t str>> = None;
        let text = self.text;
        let mut i = open + 1;
        loop {
            while i < limit && is_space(bytes[i]) {
                i += 1;
            }
            if i >= limit {
                return (self.never_closed(open), attributes);
            }
            if self.visited.seen(i, AT_TOKEN) {
                return (self.never_closed(open), attributes);
            }
            let start = i;
            match bytes[i] {
                b'}' => return (AttributesEnd::Closed(i), attributes),
                b'#' | b'.' => {
                    let kind = if bytes[i] == b'#' {
                        AttributeKind::Id
                    } else {
                        AttributeKind::Class
                    };
                    let Some(end) = self.run_end(i + 1, limit) else {
                        return (self.never_closed(open), attributes);
                    };
                    i = end;
                    if i == start + 1 {
                        self.pending(start, i, PendingKind::EmptyIdOrClass(kind));
                        continue;
                    }
                    if kind == AttributeKind::Id {
                        if has_id {
                            self.pending(start, i, PendingKind::SecondId);
                            continue;
                        }
                        has_id = true;
                    }
                    attributes.push(Attribute {
                        kind,
                        known_key: None,
                        quoting: Quoting::Bare,
                        value_range: TextRange::new(start + 1, i),
                    });
                }
                _ => {
                    while i < limit && is_key_byte(bytes[i]) {
                        i += 1;
                    }
                    let key_end = i;
                    if key_end == start || key_end >= limit || bytes[key_end] != b'=' {
                        // Not `key=`: skip the token (at least its first byte, which is neither
                        // white space nor `}`) and say what was expected.
                        let spaced = key_end > start && {
                            let next = bytes[key_end..limit].iter().position(|b| !is_space(*b));
                            next.is_some_and(|k| bytes[key_end + k] == b'=')
                        };
                        if spaced {
                            // `e = rogozin`: take the whole `key = value` as one bad token.
                            while i < limit && bytes[i] != b'=' {
                                i += 1;
                            }
                            i += 1;
                            while i < limit && is_space(bytes[i]) {
                                i += 1;
                            }
                        }
                        // The first byte is neither white space nor `}`: the run takes it.
                        let from = if i == start { i + 1 } else { i };
                        let Some(end) = self.run_end(from, limit) else {
                            return (self.never_closed(open), attributes);
                        };
                        i = end;
                        self.pending(start, i, PendingKind::Malformed { spaced });
                        continue;
                    }
                    i += 1; // `=`
                    let value_start;
                    let value_end;
                    let quoting;
                    if i < limit && bytes[i] == b'"' {
                        value_start = i + 1;
                        let mut j = value_start;
                        let mut escaped = false;
                        let mut closed = false;
                        while j < limit {
                            if self.visited.seen(j, IN_QUOTE) {
                                return (self.never_closed(open), attributes);
                            }
                            match bytes[j] {
                                b'\\' if matches!(bytes.get(j + 1), Some(b'"' | b'\\')) && j + 1 < limit => {
                                    escaped = true;
                                    j += 2;
                                }
                                b'"' => {
                                    closed = true;
                                    break;
                                }
                                // One whole character, as a later pass that meets this quote steps.
                                _ => j += text[j..].chars().next().map_or(1, char::len_utf8),
                            }
                        }
                        if !closed {
                            self.error(start, j.min(limit), format!(
                                "unterminated quote in `{}=`: close the value with `\"` (write `\\\"` for a quote inside it)",
                                &text[start..key_end]
                            ));
                            return (AttributesEnd::Unclosed, attributes);
                        }
                        value_end = j;
                        quoting = if escaped { Quoting::Escaped } else { Quoting::Quoted };
                        i = j + 1;
                    } else {
                        value_start = i;
                        let Some(end) = self.run_end(i, limit) else {
                            return (self.never_closed(open), attributes);
                        };
                        i = end;
                        value_end = i;
                        quoting = Quoting::Bare;
                        if value_start == value_end {
                            self.pending(start, i, PendingKind::NoValue { key_end });
                            continue;
                        }
                    }
                    let key = &text[start..key_end];
                    let known_key = KnownKey::of(key);
                    let duplicate = match known_key {
                        Some(KnownKey(k)) => {
                            let seen = known_keys & (1 << k) != 0;
                            known_keys |= 1 << k;
                            seen
                        }
                        None => !other_keys.get_or_insert_with(Default::default).insert(key),
                    };
                    if duplicate {
                        self.pending(start, i, PendingKind::DuplicateKey { key_end });
                        continue;
                    }
                    attributes.push(Attribute {
                        kind: AttributeKind::KeyValue,
                        known_key,
                        quoting,
                        value_range: TextRange::new(value_start, value_end),
                    });
                }
            }
        }
    }

    /// The last `{` in `from..limit` that looks like the start of an attribute block (`{` then
    /// `#`, `.` or `key=`), found in one backward pass: an unclosed `[` before it looks like
    /// the start of an annotation, while plain prose brackets ("[sic") are not reported.
    fn last_attribute_brace(&self, from: usize, limit: usize) -> Option<usize> {
        let tail = &self.bytes[from..limit];
        let mut end = tail.len();
        while let Some(k) = memchr::memrchr(b'{', &tail[..end]) {
            // Each test reads only up to the next `{` (spaces and key bytes are not `{`), so
            // the whole pass reads every byte at most twice.
            let after = &tail[k + 1..];
            let after = &after[after.iter().take_while(|b| **b == b' ').count()..];
            let looks = match after.first() {
                Some(b'.' | b'#') => true,
                Some(b) if b.is_ascii_alphabetic() => {
                    let key = after.iter().take_while(|b| is_key_byte(**b)).count();
                    after.get(key) == Some(&b'=')
                }
                _ => false,
            };
            if looks {
                return Some(from + k);
            }
            end = k;
        }
        None
    }

    /// Scans one paragraph. `in_comment` carries an HTML comment that crosses paragraphs;
    /// returns the offset where scanning should resume (past a comment that ran on).
    fn paragraph(&mut self, p: Paragraph, carried_open: &mut Option<usize>) -> usize {
        let (start, limit) = (p.range.start as usize, p.range.end as usize);
        let bytes = self.bytes;
        let mut stack: Vec<usize> = Vec::new();
        self.visited.clear();
        let mut i = start;
        // The next backslash, backtick or `<` at or after `i` (or `limit`): rare in prose, so sought
        // again only once passed, while brackets are sought from each stop.
        let rare_from = |i: usize| memchr::memchr3(b'\\', b'`', b'<', &bytes[i..limit]).map_or(limit, |k| i + k);
        let mut rare = rare_from(start);
        while i < limit {
            if rare < i {
                rare = rare_from(i);
            }
            i = memchr::memchr2(b'[', b']', &bytes[i..rare]).map_or(rare, |k| i + k);
            if i >= limit {
                break;
            }
            match bytes[i] {
                b'\\' if i + 1 < limit && bytes[i + 1].is_ascii_punctuation() => i += 2,
                b'`' => {
                    let n = bytes[i..limit].iter().take_while(|b| **b == b'`').count();
                    match self.code_span_end(i + n, n, limit) {
                        Some(end) => {
                            self.out.masked.push(TextRange::new(i, end));
                            i = end;
                        }
                        None => i += n,
                    }
                }
                b'<' if bytes[i..].starts_with(b"<!--") => {
                    let end = find(bytes, i + 4, b"-->").map_or(bytes.len(), |j| j + 3);
                    self.out.masked.push(TextRange::new(i, end));
                    if end > limit {
                        // The comment runs past this paragraph; brackets left open here stay unclosed.
                        self.unclosed(&stack, limit, carried_open);
                        return end;
                    }
                    i = end;
                }
                b'[' => {
                    stack.push(i);
                    i += 1;
                }
                b']' => {
                    let opened = stack.pop();
                    if bytes.get(i + 1) != Some(&b'{') || i + 1 >= limit {
                        i += 1;
                        continue;
                    }
                    let brace = i + 1;
                    let end = self.attributes(brace, limit);
                    match (opened, end) {
                        (Some(open), AttributesEnd::Closed(close)) => {
                            let (attributes_start, attributes_len) = self.keep_attributes();
                            self.out.spans.push(Span {
                                range: TextRange::new(open, close + 1),
                                text_end: i as u32,
                                parent: NO_PARENT,
                                attributes_start,
                                attributes_len,
                            });
                            i = close + 1;
                        }
                        (None, closed) => {
                            let message = match carried_open.take() {
                                Some(_) => {
                                    "this `]{` closes a `[` from an earlier paragraph: an annotation cannot cross a blank line; join the paragraphs or close the span before the blank line"
                                }
                                None => "this `]{` has no opening `[`: add `[` before the annotated text",
                            };
                            self.error(i, brace + 1, message.into());
                            i = match closed {
                                AttributesEnd::Closed(close) => close + 1,
                                AttributesEnd::Unclosed => brace + 1,
                            };
                        }
                        (Some(_), AttributesEnd::Unclosed) => i = brace + 1,
                    }
                }
                _ => i += 1,
            }
        }
        self.unclosed(&stack, limit, carried_open);
        limit
    }

    fn unclosed(&mut self, stack: &[usize], limit: usize, carried_open: &mut Option<usize>) {
        *carried_open = stack.last().copied();
        let Some(&first) = stack.first() else {
            return;
        };
        let Some(brace) = self.last_attribute_brace(first, limit) else {
            return;
        };
        for &open in stack {
            if open < brace {
                self.error(
                    open,
                    open + 1,
                    "this `[` is never closed: add `]` right before the `{` of its attributes".into(),
                );
            }
        }
    }
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Finds every annotation in the paragraphs of `blocks`.
pub fn scan(text: &str, blocks: &Blocks) -> Inline {
    scan_with(text, blocks, Visited::default())
}

/// The scanner's vectors, kept by each thread from one document to the next: grown by
/// doubling in every document, and trimmed at its end, they were 2 % of `annals check`'s
/// instructions in copies. A scan takes them, and copies out its result at its exact size.
#[derive(Default)]
struct Buffers {
    out: Inline,
    scratch: Vec<Attribute>,
    pending: Vec<PendingError>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

fn scan_with(text: &str, blocks: &Blocks, visited: Visited) -> Inline {
    // Taken, not borrowed: a scan never re-enters, but a panic in it leaves empty buffers behind.
    let Buffers { out, scratch, pending } = BUFFERS.with_borrow_mut(std::mem::take);
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        out,
        scratch,
        pending,
        visited,
    };
    let mut resume = 0;
    let mut carried_open = None;
    for p in &blocks.paragraphs {
        if (p.range.end as usize) <= resume {
            continue; // Inside an HTML comment that began in an earlier paragraph.
        }
        let p = Paragraph {
            range: TextRange::new((p.range.start as usize).max(resume), p.range.end as usize),
        };
        resume = scanner.paragraph(p, &mut carried_open);
    }
    let Scanner {
        out: mut buffers,
        mut scratch,
        mut pending,
        ..
    } = scanner;
    assign_parents(&mut buffers.spans);
    let out = Inline {
        spans: buffers.spans.to_vec(),
        attributes: buffers.attributes.to_vec(),
        masked: buffers.masked.to_vec(),
        errors: std::mem::take(&mut buffers.errors),
    };
    crate::scratch::reuse(&mut buffers.spans);
    crate::scratch::reuse(&mut buffers.attributes);
    crate::scratch::reuse(&mut buffers.masked);
    crate::scratch::reuse(&mut scratch);
    crate::scratch::reuse(&mut pending);
    BUFFERS.with_borrow_mut(|b| {
        *b = Buffers {
            out: buffers,
            scratch,
            pending,
        }
    });
    out
}

/// Spans never overlap, so after sorting by start (outer first) one sweep with a stack finds each parent.
fn assign_parents(spans: &mut [Span]) {
    spans.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(b.range.end.cmp(&a.range.end)));
    let mut stack: Vec<usize> = Vec::new();
    for k in 0..spans.len() {
        while let Some(&top) = stack.last() {
            if spans[top].range.contains_range(spans[k].range) {
                break;
            }
            stack.pop();
        }
        spans[k].parent = stack.last().map_or(NO_PARENT, |&p| p as u32);
        stack.push(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight bytes at a time, a run ends where the byte-by-byte loop ends it: each byte at
    /// each place of runs up to 20 long, before a limit or at it.
    #[test]
    fn a_run_ends_where_byte_by_byte_ends_it() {
        let byte_by_byte = |bytes: &[u8], mut i: usize, limit: usize| {
            while i < limit && CLASSES[bytes[i] as usize] & RUN_END == 0 {
                i += 1;
            }
            i
        };
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    for (from, limit) in [(0, len), (0, len.saturating_sub(1)), (1.min(len), len)] {
                        let fast = maybe_run_end(&bytes, from, limit);
                        assert!(fast <= byte_by_byte(&bytes, from, limit).max(from));
                        let mut end = fast;
                        while end < limit && CLASSES[bytes[end] as usize] & RUN_END == 0 {
                            end += 1;
                        }
                        assert_eq!(
                            end,
                            byte_by_byte(&bytes, from, limit),
                            "{b:#x} at {at} of {len}, {from}..{limit}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_attribute_stays_small() {
        // A corpus of 10,000 articles holds about a million: each byte here is a megabyte there.
        assert!(
            std::mem::size_of::<Attribute>() <= 56,
            "{}",
            std::mem::size_of::<Attribute>()
        );
        for key in ATTRIBUTE_KEYS {
            assert_eq!(KnownKey::of(key).map(KnownKey::as_str), Some(key));
        }
        assert_eq!(KnownKey::of("note"), None);
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Remembering where unclosed attribute scans went changes no span and no count of
        /// errors: only which of its two messages a block that never closes gets.
        #[test]
        fn remembered_scans_find_what_full_scans_find(
            pieces in proptest::collection::vec(
                prop::sample::select(vec!["[", "]", "{", "}", "]{", "\"", "=", " ", "x", "k=", "#", ".", "\\", "\n", "é"]),
                0..60,
            )
        ) {
            let text: String = pieces.concat();
            let blocks = super::super::blocks::scan(&text, 0);
            let remembered = scan(&text, &blocks);
            let full = scan_with(&text, &blocks, Visited { disabled: true, ..Visited::default() });
            prop_assert_eq!(&remembered.spans, &full.spans);
            prop_assert_eq!(remembered.errors.len(), full.errors.len());
        }
    }
}
