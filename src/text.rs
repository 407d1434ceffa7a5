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

/// Line starts of one text, with `\n`, `\r\n` and a lone `\r` each ending a line (as LSP counts them).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// u32 like `TextRange`: documents are far below 4 GiB (the size limit).
    starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
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
        // Kept for the document's life: up to half of a doubled vector would stay unused.
        starts.shrink_to_fit();
        LineIndex {
            starts,
            len: text.len(),
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

    /// Line and column (in Unicode scalar values) of a byte offset. An offset inside a
    /// multi-byte character counts as that character's start.
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count());
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
}
