//! Byte ranges and line/column conversion.
//!
//! The core works on byte offsets only. Line and column are computed here, at
//! the edges (check's output formats, and later the LSP boundary).

use std::ops::Range;

/// A half-open byte range into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        // Files are bounded far below 4 GiB (see the size limit), so this never saturates in practice;
        // saturating keeps us panic-free if it ever did.
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        TextRange {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }
    pub fn empty(at: usize) -> Self {
        Self::new(at, at)
    }
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset < self.end as usize
    }
    /// True when `offset` is inside or at the end of the range, as a cursor placed right after a word is.
    pub fn touches(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= self.end as usize
    }
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A 0-based line and a 0-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Line starts of one text, with `\n`, `\r\n` and a lone `\r` each ending a line (as LSP counts them),
/// and what a column needs in O(1): for a text that is not all ASCII, the count of characters and
/// of UTF-16 units before every `CHUNK`-th byte, so a column is a difference of two counts, each a
/// checkpoint plus at most `CHUNK` bytes, however long the line (rust-analyzer's line index keeps
/// each line's non-ASCII characters instead; its `line-index` crate ends lines at `\n` only,
/// while annals keeps files as written and LSP ends lines at `\r` too).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// u32 like `TextRange`: documents are far below 4 GiB (the size limit).
    starts: Vec<u32>,
    len: usize,
    /// Empty for ASCII text, where every count is the byte offset.
    checkpoints: Box<[Checkpoint]>,
}

/// Bytes between checkpoints: 8 bytes of counts per 128 bytes of non-ASCII text.
const CHUNK: usize = 128;

/// Characters and UTF-16 units before a chunk's first byte.
#[derive(Clone, Copy, Debug, Default)]
struct Checkpoint {
    chars: u32,
    utf16: u32,
}

/// Characters (bytes that start one) and UTF-16 units (a character beyond the BMP, whose
/// first byte is 0xF0 or above, takes two) in `bytes`, which may start or end inside a character.
fn counts(bytes: &[u8]) -> Checkpoint {
    let mut chars = 0u32;
    let mut wide = 0u32;
    for &b in bytes {
        chars += u32::from((b as i8) >= -0x40);
        wide += u32::from(b >= 0xF0);
    }
    Checkpoint {
        chars,
        utf16: chars + wide,
    }
}

thread_local! {
    /// `LineIndex::new`'s buffer of line starts.
    static LINE_STARTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Found in a buffer of the thread's and copied out at their exact number: kept for
        // the document's life, a vector grown by doubling would be up to half unused, and
        // counting them first was a second pass over every text.
        let starts = LINE_STARTS.with_borrow_mut(|starts| {
            starts.clear();
            starts.push(0);
            let mut skip_lf_at = usize::MAX;
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if i == skip_lf_at {
                    continue; // The `\n` of a `\r\n`, whose line starts after it.
                }
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    starts.push(offset(i + 2));
                    skip_lf_at = i + 1;
                } else {
                    starts.push(offset(i + 1));
                }
            }
            let exact = starts.to_vec();
            crate::scratch::reuse(starts);
            exact
        });
        let checkpoints = if text.is_ascii() {
            Box::default()
        } else {
            let mut total = Checkpoint::default();
            bytes
                .chunks(CHUNK)
                .map(|chunk| {
                    let before = total;
                    let c = counts(chunk);
                    total.chars += c.chars;
                    total.utf16 += c.utf16;
                    before
                })
                .collect()
        };
        LineIndex {
            starts,
            len: text.len(),
            checkpoints,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts.partition_point(|&s| s as usize <= offset).saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts; past the last line, the end of the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(self.len, |&s| s as usize)
    }

    /// `lines_from(text, start)` of the text this index was built from, read off its line
    /// starts: a parse that has the index does not search for the line breaks again.
    pub fn lines_from<'a>(&'a self, text: &'a str, start: usize) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let bytes = text.as_bytes();
        let first = self.line_of(start);
        let mut at = start;
        self.starts[(first + 1).min(self.starts.len())..]
            .iter()
            .map(|&s| s as usize)
            .chain(std::iter::once(bytes.len()))
            .map_while(move |next| {
                if at >= bytes.len() {
                    return None;
                }
                let line_start = at;
                let end = if next == bytes.len() && !matches!(bytes.last(), Some(b'\n' | b'\r')) {
                    next
                } else if next >= 2 && &bytes[next - 2..next] == b"\r\n" {
                    next - 2
                } else {
                    next - 1
                };
                at = next;
                Some((line_start, end, next))
            })
    }

    /// Byte range of `line` without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).map_or(self.len, |&s| s as usize);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// Characters and UTF-16 units in `text[..offset]` (`offset` on a character boundary).
    fn before(&self, text: &str, offset: usize) -> Checkpoint {
        let offset = offset.min(text.len());
        if self.checkpoints.is_empty() {
            let n = offset as u32;
            return Checkpoint { chars: n, utf16: n };
        }
        // The end of a text whose length is a whole number of chunks lies past the last
        // checkpoint: counted from the last one, a whole chunk on.
        let chunk = (offset / CHUNK).min(self.checkpoints.len() - 1);
        let base = self.checkpoints[chunk];
        let rest = counts(&text.as_bytes()[chunk * CHUNK..offset]);
        Checkpoint {
            chars: base.chars + rest.chars,
            utf16: base.utf16 + rest.utf16,
        }
    }

    /// Unicode scalar values from `from` to `to` (both on character boundaries, `from <= to`).
    pub fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        (self.before(text, to).chars - self.before(text, from).chars) as usize
    }

    /// UTF-16 code units from `from` to `to` (both on character boundaries, `from <= to`).
    pub fn utf16_between(&self, text: &str, from: usize, to: usize) -> usize {
        (self.before(text, to).utf16 - self.before(text, from).utf16) as usize
    }

    /// The offset in `from..to` (a line's content) after `units` UTF-16 units from `from`; a
    /// unit inside a surrogate pair counts as the character's start, past `to` is `to`.
    pub fn advance_utf16(&self, text: &str, from: usize, to: usize, units: usize) -> usize {
        let from = floor_char_boundary(text, from);
        let to = floor_char_boundary(text, to.max(from));
        if self.checkpoints.is_empty() {
            return (from + units).min(to);
        }
        let target = self.before(text, from).utf16 as usize + units;
        // The last checkpoint at or before the target, within the line: then at most a chunk to walk.
        let first = from.div_ceil(CHUNK);
        let end = (to / CHUNK + 1).min(self.checkpoints.len());
        let mut at = from;
        if first < end {
            let k = first + self.checkpoints[first..end].partition_point(|c| c.utf16 as usize <= target);
            if k > first {
                at = floor_char_boundary(text, (k - 1) * CHUNK).max(from);
            }
        }
        let mut units_at = self.before(text, at).utf16 as usize;
        for (byte, ch) in text[at..to].char_indices() {
            if units_at + ch.len_utf16() > target {
                return at + byte;
            }
            units_at += ch.len_utf16();
        }
        to
    }

    /// Whether the text was ASCII: every count is then its byte offset.
    pub fn is_ascii(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// `line_column` of an ASCII text from its lines alone, once the text itself is gone (a
    /// swept article's); `None` for other text, whose columns need it.
    pub fn ascii_line_column(&self, offset: usize) -> Option<LineColumn> {
        if !self.is_ascii() {
            return None;
        }
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let column = offset - self.line_start(line).min(offset);
        Some(LineColumn { line, column })
    }

    /// Line and column (in Unicode scalar values) of a byte offset. An offset inside a
    /// multi-byte character counts as that character's start.
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let column = self.chars_between(text, start, offset);
        LineColumn { line, column }
    }
}

/// The lines of `text` from byte `start` on, as (line start, content end, next line start):
/// the content excludes its `\n`, `\r\n` or lone `\r`.
pub fn lines_from(text: &str, start: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let line_start = pos;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
        let mut next = end;
        if next < bytes.len() {
            next += if bytes[next] == b'\r' && bytes.get(next + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        pos = next;
        Some((line_start, end, next))
    })
}

/// A byte offset as stored in line starts (saturating: see `TextRange::new`).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The largest char boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Lines read off an index's starts are the lines a search for breaks finds, from any
        /// start that does not split a `\r\n`.
        #[test]
        fn lines_from_the_index_are_the_lines_searched(text in "[ab\r\n\u{e9}]{0,24}", start in 0usize..26) {
            let start = floor_char_boundary(&text, start);
            prop_assume!(!(start > 0 && text[..start].ends_with('\r') && text[start..].starts_with('\n')));
            let index = LineIndex::new(&text);
            let read: Vec<_> = index.lines_from(&text, start).collect();
            let searched: Vec<_> = lines_from(&text, start).collect();
            prop_assert_eq!(read, searched, "{:?} from {}", text, start);
        }
    }

    /// An ASCII text's lines alone place every offset as the text does, past its end too;
    /// any other text's need it.
    #[test]
    fn ascii_lines_alone_place_as_the_text_does() {
        for text in ["", "a", "ab\ncd\r\nef\rgh\n", "\n\n\r\r\n x", "tail without newline"] {
            let lines = LineIndex::new(text);
            for offset in 0..text.len() + 3 {
                assert_eq!(
                    lines.ascii_line_column(offset),
                    Some(lines.line_column(text, offset)),
                    "{offset} in {text:?}"
                );
            }
        }
        assert_eq!(LineIndex::new("é\nx").ascii_line_column(3), None);
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_column(text, 7), LineColumn { line: 3, column: 0 });
        assert_eq!(index.line_range(text, 1).range(), 2..3);
        assert_eq!(index.line_of(3), 1, "the \\r of a \\r\\n belongs to its line");
    }

    #[test]
    fn columns_count_scalar_values_and_clamp() {
        let text = "ёж [x]\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 5), LineColumn { line: 0, column: 3 });
        // Inside the two-byte `ё`: its start.
        assert_eq!(index.line_column(text, 1), LineColumn { line: 0, column: 0 });
        assert_eq!(index.line_column(text, 999), LineColumn { line: 1, column: 0 });
    }

    /// Columns from checkpoints equal columns counted from the line's start, across chunk
    /// boundaries, inside multi-byte characters, and past the end.
    #[test]
    fn checkpointed_counts_equal_counting_from_the_line_start() {
        let unit = "ab ёж 😀 z\r\n€\r";
        let text: String = std::iter::repeat_n(unit, 60).collect::<String>() + &"Ж".repeat(300);
        let index = LineIndex::new(&text);
        for offset in 0..=text.len() + 2 {
            let at = floor_char_boundary(&text, offset.min(text.len()));
            let line = index.line_of(at);
            let start = index.line_start(line).min(at);
            let expected = LineColumn {
                line,
                column: text[start..at].chars().count(),
            };
            assert_eq!(index.line_column(&text, offset), expected, "at {offset}");
            let utf16 = text[start..at].encode_utf16().count();
            assert_eq!(index.utf16_between(&text, start, at), utf16, "at {offset}");
            let end = index.line_range(&text, line).end as usize;
            let back = index.advance_utf16(&text, start, end, utf16);
            assert_eq!(back, at.min(end), "back from {utf16} units on line {line}");
        }
        // A text whose length is a whole number of chunks: its end is past the last checkpoint.
        let text = "ж".repeat(CHUNK / 2);
        assert_eq!(text.len(), CHUNK);
        let index = LineIndex::new(&text);
        assert_eq!(index.line_column(&text, text.len()).column, CHUNK / 2);
        assert_eq!(index.utf16_between(&text, 0, text.len()), CHUNK / 2);
        assert_eq!(index.advance_utf16(&text, 0, text.len(), CHUNK / 2), text.len());
        // Inside a surrogate pair: the character's start.
        let text = "a😀b";
        let index = LineIndex::new(text);
        assert_eq!(index.advance_utf16(text, 0, text.len(), 2), 1);
        assert_eq!(index.advance_utf16(text, 0, text.len(), 3), 5);
        assert_eq!(index.advance_utf16(text, 0, text.len(), 99), text.len());
    }
}
