//! HTML pieces every page shares: escaping, the page's frame, the style sheet, safe links.
//!
//! Everything that comes from the corpus goes through `text` (element content) or `attr`
//! (a double-quoted attribute value): no corpus byte reaches a page unescaped.

use std::fmt::Write;

/// What a page of the whole corpus calls after each item with the page so far: it writes the
/// page out and empties it once it holds `CHUNK` bytes. The graph and the timeline are tens of
/// megabytes at 10,000 articles; whole, they were most of the site's peak memory.
pub type Spill<'a> = &'a mut dyn FnMut(&mut String);

/// Bytes a page gathers before they are written.
pub const CHUNK: usize = 1 << 18;

/// Appends `s` escaped for element content.
pub fn text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub fn attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

/// Whether `s` is the same escaped for element content.
pub fn is_plain_text(s: &str) -> bool {
    s.bytes().all(|b| SPECIAL[usize::from(b)] != 1)
}

/// `s` escaped for element content, as a new string.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape(&mut out, s, true);
    out
}

/// The bytes that need escaping: 1 in text and attributes, 2 in attributes only.
const SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 32 {
        t[b] = 1;
        b += 1;
    }
    t[b'\t' as usize] = 0;
    t[b'\n' as usize] = 0;
    t[b'\r' as usize] = 0;
    t[127] = 1;
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'"' as usize] = 2;
    t[b'\'' as usize] = 2;
    t
};

fn escape(out: &mut String, s: &str, quotes: bool) {
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none may need escaping: most of a page's text needs none.
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if !may_need_escaping(word) {
                i += 8;
                continue;
            }
        }
        // A word that may: its bytes one by one.
        let end = (i + 8).min(bytes.len());
        while i < end {
            let class = SPECIAL[bytes[i] as usize];
            if class == 0 || (class == 2 && !quotes) {
                i += 1;
                continue;
            }
            let with = match bytes[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                // A NUL or other C0 control is not allowed in HTML text: shown as U+FFFD.
                _ => "\u{FFFD}",
            };
            out.push_str(&s[last..i]);
            out.push_str(with);
            i += 1;
            last = i;
        }
    }
    out.push_str(&s[last..]);
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `word` is special (`SPECIAL`): a control (below 0x20, or
/// 0x7F), or in 0x22..=0x27 (`"` `&` `'`, with three harmless neighbours), or in 0x3C..=0x3E
/// (`<` `>`). Never false for a word that holds one; sometimes true for one that does not.
/// The tests are the bit hacks "has a byte less than n" and "has a byte between m and n"
/// (Sean Anderson's Bit Twiddling Hacks), exact for bytes below 0x80.
fn may_need_escaping(word: u64) -> bool {
    let seven = word & (ONES * 0x7F);
    let below = |n: u64| word.wrapping_sub(ONES * n) & !word & HIGHS;
    // A byte b with m < b < n (b < 0x80).
    let between = |m: u64, n: u64| (ONES * (127 + n)).wrapping_sub(seven) & !word & (seven + ONES * (127 - m)) & HIGHS;
    let delete = {
        let x = word ^ (ONES * 0x7F);
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    (below(0x20) | between(0x21, 0x28) | between(0x3B, 0x3F) | delete) != 0
}

/// `n` in decimal, appended to `out` (`write!` costs several times more, and pages hold
/// millions of numbers: anchors, card ids, coordinates).
pub fn push_int(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// `pieces` in order, each text followed by its number (SVG coordinates, written without
/// `core::fmt`).
pub fn push_numbered(out: &mut String, pieces: &[(&str, i64)]) {
    for &(piece, n) in pieces {
        out.push_str(piece);
        push_int(out, n);
    }
}

/// A date as a `<time>` element, shown as written in the corpus (`2022-04-02`).
pub fn time(out: &mut String, date: crate::date::Date) {
    time_as(out, date, crate::date::Date::push_iso);
}

/// A date as a `<time>` element, shown in words ("2 April 2022").
pub fn time_in_words(out: &mut String, date: crate::date::Date) {
    time_as(out, date, crate::date::Date::push_human);
}

fn time_as(out: &mut String, date: crate::date::Date, shown: fn(crate::date::Date, &mut String)) {
    out.push_str("<time datetime=\"");
    date.push_iso(out);
    out.push_str("\">");
    shown(date, out);
    out.push_str("</time>");
}

/// A value for an `id` attribute or a URL fragment, from any text: letters, digits, `-` and
/// `_` stay, every other byte is `.XX` (hex), so that it is one token in HTML and in a URL.
pub fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + id.len());
    push_anchor(&mut out, prefix, id);
    out
}

/// `anchor`, appended to `out`.
pub fn push_anchor(out: &mut String, prefix: &str, id: &str) {
    out.push_str(prefix);
    for b in id.bytes() {
        if crate::ids::is_id_byte(b) {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('.');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// A link address from the corpus that a page may hold: http(s) and mailto addresses and
/// relative ones; anything else (`javascript:`, `data:`) becomes `None`.
pub fn safe_url(url: &str) -> Option<&str> {
    let trimmed = url.trim();
    let scheme_end = trimmed.find(':');
    let first_special = trimmed.find(['/', '?', '#']);
    match scheme_end {
        Some(colon) if first_special.is_none_or(|s| colon < s) => {
            let scheme = trimmed[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto").then_some(trimmed)
        }
        _ => Some(trimmed),
    }
}

/// A page's file name in an `href` (stems hold `%XX` for bytes no file name may hold).
pub fn href_file(file: &str) -> String {
    file.replace('%', "%25")
}

/// `href_file(file)`, escaped for an attribute and appended to `out`.
pub fn attr_href_file(out: &mut String, file: &str) {
    if file.contains('%') {
        attr(out, &href_file(file));
    } else {
        attr(out, file);
    }
}

/// The opening of every page up to `<main>`: title, style, the site's navigation.
pub fn head(out: &mut String, corpus: &str, title: &str, scripts: &[&str], inline_style: bool) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    text(out, title);
    out.push_str(" · ");
    text(out, corpus);
    out.push_str("</title>\n");
    if inline_style {
        out.push_str("<style>");
        out.push_str(STYLE);
        out.push_str("</style>\n");
    } else {
        out.push_str("<link rel=\"stylesheet\" href=\"style.css\">\n");
    }
    for s in scripts {
        let _ = writeln!(out, "<script src=\"{s}\" defer></script>");
    }
    out.push_str("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the text</a>\n");
    // The editor's preview (its style inline) is one page: no site to navigate.
    if !inline_style {
        out.push_str("<header><nav aria-label=\"Site\"><a href=\"index.html\">");
        text(out, corpus);
        out.push_str(
            "</a> <a href=\"timeline.html\">Timeline</a> <a href=\"graph.html\">Claim graph</a></nav></header>\n",
        );
    }
    out.push_str("<main id=\"main\">\n");
}

pub fn foot(out: &mut String) {
    out.push_str("</main>\n<footer><p>Built by <code>annals site</code> from the annotated corpus.</p></footer>\n</body>\n</html>\n");
}

/// The style sheet: colours chosen for WCAG AA contrast (body text 16:1, links 8:1, the
/// claim highlight keeps 12:1), cards shown on hover and on keyboard focus alike.
pub const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1a1a1a; --link: #0b4f9c; --muted: #4a4a4a; --claim: #fff1b8; --card: #ffffff; --line: #8a8a8a; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.05rem/1.6 Georgia, "Times New Roman", serif; color: var(--ink); background: #fdfdfb; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
header nav { padding: .75rem 0; border-bottom: 1px solid var(--line); font-family: system-ui, sans-serif; }
header nav a { margin-right: 1rem; }
footer { color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); margin-top: 2rem; }
a { color: var(--link); }
a:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem .5rem; z-index: 10; }
.meta { color: var(--muted); font-family: system-ui, sans-serif; font-size: .95rem; }
table { border-collapse: collapse; width: 100%; font-family: system-ui, sans-serif; font-size: .95rem; }
th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid #d0d0d0; vertical-align: top; }
.claim { background: var(--claim); border-bottom: 2px solid #8a6d00; }
.claim-mark { font-family: system-ui, sans-serif; font-size: .75rem; vertical-align: super; white-space: nowrap; }
.m { position: relative; }
.mention { text-decoration-style: dotted; text-underline-offset: 3px; }
.card { display: none; position: absolute; left: 0; top: 1.6em; z-index: 5; width: 20rem; max-width: 80vw;
  background: var(--card); color: var(--ink); border: 1px solid var(--ink); border-radius: 4px; padding: .5rem .7rem;
  font: .9rem/1.4 system-ui, sans-serif; box-shadow: 0 2px 8px rgba(0,0,0,.25); white-space: normal; text-align: left; }
.card span { vertical-align: baseline; }
.m:hover > .card, .m:focus-within > .card { display: block; }
.card b, .card > span { display: block; }
.card .kind { color: var(--muted); }
.thread { border-left: 4px solid #8a6d00; padding: .2rem .8rem; margin: 1rem 0; background: #fffbea; }
.thread:target, .claim:target { outline: 3px solid #b35c00; }
.thread h3 { margin: .2rem 0; font-size: 1rem; font-family: system-ui, sans-serif; }
.rel { font-family: system-ui, sans-serif; font-size: .95rem; }
.roles { border-left: 3px solid var(--line); padding-left: 1rem; list-style: none; }
.roles li::before { content: "◆ "; color: var(--muted); }
#search { width: 100%; font-size: 1.05rem; padding: .4rem; border: 1px solid var(--ink); }
#results li { margin: .2rem 0; }
.filter-target { display: block; }
.graph { overflow: auto; border: 1px solid var(--line); background: #fff; }
.graph svg text { font: 11px system-ui, sans-serif; fill: #111; }
.graph .edge { stroke: #555; fill: none; }
.graph .edge-label { font-size: 9px; fill: #333; }
.graph a:focus rect { stroke: #b35c00; stroke-width: 3; }
.legend span { display: inline-block; padding: 0 .4rem; margin: .1rem; border: 1px solid #555; color: #111; font-family: system-ui, sans-serif; font-size: .85rem; }
.finding-error { color: #a30000; } .finding-warning { color: #7a4d00; }
@media (prefers-reduced-motion: no-preference) { .card { transition: none; } }
"#;

/// Pastel fills for speakers in the graph, each with dark text at more than 12:1.
pub const SPEAKER_FILLS: [&str; 10] = [
    "#cfe3ff", "#ffd9c7", "#d6f5d6", "#f3d6f5", "#fff0b3", "#d4f1f4", "#e8dcc8", "#f8d0dc", "#dcd6ff", "#e2e2e2",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_text_cannot_open_an_element_or_leave_an_attribute() {
        let mut out = String::new();
        attr(&mut out, "\"onmouseover=alert(1) '<script>");
        assert_eq!(out, "&quot;onmouseover=alert(1) &#39;&lt;script&gt;");
        let mut out = String::new();
        text(&mut out, "a & b <i>\0");
        assert_eq!(out, "a &amp; b &lt;i&gt;\u{FFFD}");
    }

    /// The escape one byte at a time, as it was before words of eight: what `escape` must equal.
    fn escape_bytewise(s: &str, quotes: bool) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' if quotes => out.push_str("&quot;"),
                '\'' if quotes => out.push_str("&#39;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if (c as u32) < 32 || c as u32 == 127 => out.push('\u{FFFD}'),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn a_word_with_a_special_byte_anywhere_is_never_skipped() {
        for special in (0..=255u8).filter(|&b| SPECIAL[usize::from(b)] != 0) {
            for filler in 0..=255u8 {
                for at in 0..8 {
                    let mut word = [filler; 8];
                    word[at] = special;
                    assert!(
                        may_need_escaping(u64::from_le_bytes(word)),
                        "{special:#04x} at {at} among {filler:#04x}"
                    );
                }
            }
        }
        // And plain prose is skipped, which is the point.
        assert!(!may_need_escaping(u64::from_le_bytes(*b"said the")));
    }

    proptest::proptest! {
        #[test]
        fn escaping_by_words_equals_escaping_by_bytes(
            s in proptest::string::string_regex("[a-z <>&\"'\\x00-\\x1f\\x7fé€\\t\\n#%=]{0,40}").unwrap(),
            quotes: bool,
        ) {
            let mut out = String::new();
            escape(&mut out, &s, quotes);
            proptest::prop_assert_eq!(out, escape_bytewise(&s, quotes));
        }
    }

    #[test]
    fn anchors_are_one_token_and_urls_only_safe_schemes() {
        assert_eq!(anchor("c-", "a b\"<"), "c-a.20b.22.3C");
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JavaScript:x"), None);
        assert_eq!(safe_url("https://x.org/a"), Some("https://x.org/a"));
        assert_eq!(safe_url("page.html#a:b"), Some("page.html#a:b"));
    }
}
