//! The block pass: splits a Markdown body into paragraphs of text lines and
//! masks fenced and indented code blocks, where nothing is an annotation.

use crate::text::{TextRange, lines_from};

/// A run of consecutive text lines (no blank line, no code block line in between).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paragraph {
    pub range: TextRange,
}

#[derive(Debug, Default)]
pub struct Blocks {
    pub paragraphs: Vec<Paragraph>,
    /// Fenced and indented code blocks.
    pub code: Vec<TextRange>,
}

struct Fence {
    marker: u8,
    len: usize,
}

pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| *b == b' ' || *b == b'\t')
}

/// Indentation width with tabs to the next multiple of 4, and the byte where content starts.
fn indentation(line: &[u8]) -> (usize, usize) {
    let mut width = 0;
    for (i, b) in line.iter().enumerate() {
        match b {
            b' ' => width += 1,
            b'\t' => width += 4 - width % 4,
            _ => return (width, i),
        }
    }
    (width, line.len())
}

fn fence_opener(line: &[u8]) -> Option<Fence> {
    let (width, at) = indentation(line);
    if width > 3 {
        return None;
    }
    let rest = &line[at..];
    let marker = *rest.first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = rest.iter().take_while(|b| **b == marker).count();
    // A backtick fence's info string may not hold a backtick (else it is an inline code span).
    if len < 3 || (marker == b'`' && rest[len..].contains(&b'`')) {
        return None;
    }
    Some(Fence { marker, len })
}

fn closes(fence: &Fence, line: &[u8]) -> bool {
    let (width, at) = indentation(line);
    let rest = &line[at..];
    let len = rest.iter().take_while(|b| **b == fence.marker).count();
    width <= 3 && len >= fence.len && is_blank(&rest[len..])
}

fn is_list_item(line: &[u8]) -> bool {
    let (width, at) = indentation(line);
    if width > 3 {
        return false;
    }
    let rest = &line[at..];
    match rest.first() {
        Some(b'-' | b'*' | b'+') => matches!(rest.get(1), Some(b' ' | b'\t') | None),
        Some(b) if b.is_ascii_digit() => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(rest.get(digits), Some(b'.' | b')')) && matches!(rest.get(digits + 1), Some(b' ' | b'\t') | None)
        }
        _ => false,
    }
}

/// Classifies the lines of the body that starts at `start`.
pub fn scan(text: &str, start: usize) -> Blocks {
    scan_lines(text, lines_from(text, start))
}

/// `scan` over `lines`, the body's lines as `lines_from` gives them (or a line index, which
/// has them already: `LineIndex::lines_from`).
pub fn scan_lines(text: &str, lines: impl Iterator<Item = (usize, usize, usize)>) -> Blocks {
    let bytes = text.as_bytes();
    let mut blocks = Blocks::default();
    let mut fence: Option<(Fence, usize)> = None;
    let mut paragraph: Option<(usize, usize)> = None;
    let mut indented: Option<(usize, usize)> = None;
    // Indented lines after a list item continue the item: they are not code.
    let mut in_list = false;
    let mut after_blank = true;

    let close_paragraph = |blocks: &mut Blocks, p: &mut Option<(usize, usize)>| {
        if let Some((s, e)) = p.take() {
            blocks.paragraphs.push(Paragraph {
                range: TextRange::new(s, e),
            });
        }
    };
    let close_indented = |blocks: &mut Blocks, c: &mut Option<(usize, usize)>| {
        if let Some((s, e)) = c.take() {
            blocks.code.push(TextRange::new(s, e));
        }
    };

    for (line_start, end, _) in lines {
        let line = &bytes[line_start..end];
        if let Some((open, from)) = &fence {
            if closes(open, line) {
                blocks.code.push(TextRange::new(*from, end));
                fence = None;
            }
            continue;
        }
        if is_blank(line) {
            close_paragraph(&mut blocks, &mut paragraph);
            after_blank = true;
            continue;
        }
        let (width, _) = indentation(line);
        if width >= 4 && paragraph.is_none() && !in_list {
            // Indented code: only where it cannot be a paragraph's continuation or a list item's.
            match &mut indented {
                Some((_, e)) => *e = end,
                None => indented = Some((line_start, end)),
            }
            continue;
        }
        close_indented(&mut blocks, &mut indented);
        if let Some(open) = fence_opener(line) {
            close_paragraph(&mut blocks, &mut paragraph);
            fence = Some((open, line_start));
            continue;
        }
        if is_list_item(line) {
            in_list = true;
        } else if after_blank && width == 0 {
            in_list = false;
        }
        after_blank = false;
        match &mut paragraph {
            Some((_, e)) => *e = end,
            None => paragraph = Some((line_start, end)),
        }
    }
    close_paragraph(&mut blocks, &mut paragraph);
    close_indented(&mut blocks, &mut indented);
    if let Some((_, from)) = fence {
        // An unclosed fence runs to the end of the document, as in CommonMark.
        blocks.code.push(TextRange::new(from, text.len()));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices(text: &str, ranges: impl IntoIterator<Item = TextRange>) -> Vec<&str> {
        ranges.into_iter().map(|r| &text[r.range()]).collect()
    }

    #[test]
    fn paragraphs_split_at_blank_lines_and_fences() {
        let text = "one\ntwo\n\n```\n[x]{e=a}\n```\nthree\n   \nfour";
        let blocks = scan(text, 0);
        assert_eq!(
            slices(text, blocks.paragraphs.iter().map(|p| p.range)),
            ["one\ntwo", "three", "four"]
        );
        assert_eq!(slices(text, blocks.code.clone()), ["```\n[x]{e=a}\n```"]);
    }

    #[test]
    fn indented_code_only_after_a_blank_line_and_outside_lists() {
        let text = "para\n    still para\n\n    code\n\n- item\n\n    item text";
        let blocks = scan(text, 0);
        assert_eq!(slices(text, blocks.code.clone()), ["    code"]);
        assert_eq!(
            slices(text, blocks.paragraphs.iter().map(|p| p.range)),
            ["para\n    still para", "- item", "    item text"]
        );
    }

    #[test]
    fn crlf_and_unclosed_fence() {
        let text = "a\r\n\r\n~~~~\r\nb\r\n~~~\r\n";
        let blocks = scan(text, 0);
        assert_eq!(slices(text, blocks.paragraphs.iter().map(|p| p.range)), ["a"]);
        assert_eq!(blocks.code.len(), 1);
        assert_eq!(blocks.code[0].end as usize, text.len());
    }
}
