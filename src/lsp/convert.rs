//! The LSP edge: positions in the negotiated encoding ↔ byte offsets, and edits on ropes.
//! Out-of-range positions are clamped (a line past the end → end of file; a character
//! past the end of its line → end of that line), never a panic.

use crate::text::{LineIndex, TextRange, floor_char_boundary};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, lines: &LineIndex, pos: Position, encoding: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= lines.line_count() {
        return text.len();
    }
    let range = lines.line_range(text, line);
    let (start, end) = (range.start as usize, range.end as usize);
    let character = pos.character as usize;
    match encoding {
        Encoding::Utf8 => floor_char_boundary(text, start + character.min(end - start)),
        // Through the line index's checkpoints: O(1) however long the line.
        Encoding::Utf16 => lines.advance_utf16(text, start, end, character),
    }
}

/// The LSP position of a byte offset in `text`.
pub fn position(text: &str, lines: &LineIndex, offset: usize, encoding: Encoding) -> Position {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line = lines.line_of(offset);
    let content = lines.line_range(text, line);
    // An offset inside a line break (between \r and \n) is the end of the line.
    let offset = offset.min(content.end as usize);
    let line_start = content.start as usize;
    let character = match encoding {
        Encoding::Utf8 => offset - line_start,
        Encoding::Utf16 => lines.utf16_between(text, line_start, offset),
    };
    Position::new(line as u32, character as u32)
}

pub fn range(text: &str, lines: &LineIndex, range: TextRange, encoding: Encoding) -> Range {
    let start = position(text, lines, range.start as usize, encoding);
    // Most ranges (a mention, an id) end on their own line: count on from the start instead
    // of finding the line again (references to 100,000 mentions convert twice as fast).
    let (from, to) = (range.start as usize, range.end as usize);
    // Only for short ranges, so that the check costs a bounded amount per range.
    if let Some(span) = text.get(from..to)
        && span.len() <= 128
        && !span.contains(['\n', '\r'])
        && (encoding == Encoding::Utf8 || span.is_ascii())
    {
        return Range::new(start, Position::new(start.line, start.character + span.len() as u32));
    }
    Range::new(start, position(text, lines, to, encoding))
}

pub fn text_range(text: &str, lines: &LineIndex, range: Range, encoding: Encoding) -> TextRange {
    let a = offset(text, lines, range.start, encoding);
    let b = offset(text, lines, range.end, encoding);
    TextRange::new(a.min(b), a.max(b))
}

/// The char index in `rope` of an LSP position, clamped like `offset`.
fn rope_char(rope: &Rope, pos: Position, encoding: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut content = slice.len_chars();
    while content > 0 && matches!(slice.char(content - 1), '\n' | '\r') {
        content -= 1;
    }
    let line_end = line_start + content;
    match encoding {
        Encoding::Utf16 => {
            let start = rope.char_to_utf16_cu(line_start);
            let end = rope.char_to_utf16_cu(line_end);
            // utf16_cu_to_char rounds a unit inside a surrogate pair down to its character.
            rope.utf16_cu_to_char((start + pos.character as usize).min(end))
        }
        Encoding::Utf8 => {
            let start = rope.char_to_byte(line_start);
            let end = rope.char_to_byte(line_end);
            rope.byte_to_char((start + pos.character as usize).min(end))
        }
    }
}

/// Applies one `contentChanges` entry: a range replacement, or the whole text when `range` is absent.
pub fn apply_change(rope: &mut Rope, range: Option<Range>, text: &str, encoding: Encoding) {
    match range {
        None => *rope = Rope::from_str(text),
        Some(r) => {
            let a = rope_char(rope, r.start, encoding);
            let b = rope_char(rope, r.end, encoding);
            let (start, end) = (a.min(b), a.max(b));
            rope.remove(start..end);
            rope.insert(start, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_both_encodings() {
        let text = "a😀b\r\nёж\rx";
        let lines = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (offset, _) in text.char_indices() {
                let p = position(text, &lines, offset, enc);
                let back = offset_of(text, &lines, p, enc);
                // Offsets inside a line break map to the end of the line.
                if !matches!(text.as_bytes()[offset], b'\r' | b'\n') {
                    assert_eq!(back, offset, "{enc:?} {p:?}");
                }
            }
        }
        assert_eq!(position(text, &lines, 5, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(position(text, &lines, 5, Encoding::Utf8), Position::new(0, 5));
    }

    fn offset_of(text: &str, lines: &LineIndex, p: Position, enc: Encoding) -> usize {
        offset(text, lines, p, enc)
    }

    #[test]
    fn a_range_ends_where_its_end_offset_is() {
        // Every pair of offsets, also inside characters, line breaks and past the end: the
        // same-line shortcut must agree with converting the end on its own.
        let text = "ab😀c\r\nёx\ry\n\nzz";
        let lines = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for a in 0..=text.len() + 2 {
                for b in a..=text.len() + 2 {
                    let r = range(text, &lines, TextRange::new(a, b), enc);
                    assert_eq!(r.start, position(text, &lines, a, enc), "{enc:?} {a}..{b}");
                    assert_eq!(r.end, position(text, &lines, b, enc), "{enc:?} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn clamps_out_of_range_and_mid_character() {
        let text = "a😀b\nc";
        let lines = LineIndex::new(text);
        assert_eq!(offset(text, &lines, Position::new(9, 0), Encoding::Utf16), text.len());
        assert_eq!(offset(text, &lines, Position::new(0, 99), Encoding::Utf16), 6);
        // Inside the surrogate pair / inside the UTF-8 sequence: the emoji's start.
        assert_eq!(offset(text, &lines, Position::new(0, 2), Encoding::Utf16), 1);
        assert_eq!(offset(text, &lines, Position::new(0, 3), Encoding::Utf8), 1);
    }

    #[test]
    fn rope_edits_match_string_edits() {
        let mut rope = Rope::from_str("a😀b\r\nёж\rx");
        apply_change(
            &mut rope,
            Some(Range::new(Position::new(0, 1), Position::new(0, 3))),
            "-",
            Encoding::Utf16,
        );
        assert_eq!(rope.to_string(), "a-b\r\nёж\rx");
        apply_change(
            &mut rope,
            Some(Range::new(Position::new(2, 0), Position::new(2, 9))),
            "y",
            Encoding::Utf8,
        );
        assert_eq!(rope.to_string(), "a-b\r\nёж\ry");
        apply_change(
            &mut rope,
            Some(Range::new(Position::new(1, 2), Position::new(1, 99))),
            "!",
            Encoding::Utf8,
        );
        assert_eq!(
            rope.to_string(),
            "a-b\r\nё!\ry",
            "a character past the line's end stops before the line break"
        );
        apply_change(
            &mut rope,
            Some(Range::new(Position::new(7, 0), Position::new(8, 0))),
            "+",
            Encoding::Utf16,
        );
        assert_eq!(rope.to_string(), "a-b\r\nё!\ry+");
    }
}
