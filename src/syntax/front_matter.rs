//! Front matter: the YAML block between a first line `---` and the next line `---`,
//! parsed by saphyr into a small tree whose every node carries a byte range. Plain lines of
//! `key: value` (an article's usual three) are read without it (`plain_lines`), to the same tree.

use crate::text::{TextRange, lines_from};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A YAML node with its byte range in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    pub range: TextRange,
    pub value: YamlValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum YamlValue {
    Null,
    /// Any scalar, as text: `2022` and `2022-04-02` alike are dates written in YAML.
    Scalar {
        text: String,
        is_string: bool,
    },
    Sequence(Vec<Yaml>),
    Mapping(Vec<(Yaml, Yaml)>),
    /// Aliases, tags and values YAML itself rejects.
    Other,
}

impl Yaml {
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<(&Yaml, &Yaml)> {
        match &self.value {
            YamlValue::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| k.as_text() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            YamlValue::Null => "nothing",
            YamlValue::Scalar { .. } => "a single value",
            YamlValue::Sequence(_) => "a list",
            YamlValue::Mapping(_) => "a mapping",
            YamlValue::Other => "an unsupported YAML value",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatter {
    /// The opening `---` line.
    pub first_line: TextRange,
    /// From the opening `---` to the end of the closing `---` line.
    pub range: TextRange,
    /// Between the delimiter lines.
    pub content: TextRange,
    /// The parsed YAML, or the parse error.
    pub yaml: Result<Yaml, YamlError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub range: TextRange,
    pub message: String,
}

/// How a document begins.
#[derive(Clone, Debug, PartialEq)]
pub enum Head {
    FrontMatter(FrontMatter),
    /// The first line is `---` but no later line is.
    Unclosed {
        first_line: TextRange,
    },
    /// The document does not start with `---`.
    Missing,
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == "---"
}

/// Splits the head of `text` at `start` (after any byte-order mark). Returns the head and the
/// offset where the body starts.
pub fn split(text: &str, start: usize) -> (Head, usize) {
    let mut lines = lines_from(text, start);
    let Some((first_start, first_end, after_first)) = lines.next() else {
        return (Head::Missing, start);
    };
    if !is_delimiter(&text[first_start..first_end]) {
        return (Head::Missing, start);
    }
    let first_line = TextRange::new(first_start, first_end);
    for (line_start, line_end, next) in lines {
        if is_delimiter(&text[line_start..line_end]) {
            let content = TextRange::new(after_first, line_start);
            let yaml = parse_yaml(text, content);
            let range = TextRange::new(first_start, line_end);
            return (
                Head::FrontMatter(FrontMatter {
                    first_line,
                    range,
                    content,
                    yaml,
                }),
                next,
            );
        }
    }
    (Head::Unclosed { first_line }, after_first)
}

/// Maps saphyr's character indices (relative to the YAML content) to byte offsets in the document.
enum CharOffsets {
    /// ASCII content (nearly every front matter): a character's index is its byte's.
    Ascii { base: usize, len: usize },
    /// Each character's byte offset, and the content's end.
    Mixed(Vec<usize>),
}

impl CharOffsets {
    fn new(content: &str, base: usize) -> Self {
        if content.is_ascii() {
            return CharOffsets::Ascii {
                base,
                len: content.len(),
            };
        }
        let mut offsets: Vec<usize> = content.char_indices().map(|(b, _)| base + b).collect();
        offsets.push(base + content.len());
        CharOffsets::Mixed(offsets)
    }
    fn byte(&self, char_index: usize) -> usize {
        match self {
            CharOffsets::Ascii { base, len } => base + char_index.min(*len),
            CharOffsets::Mixed(offsets) => offsets[char_index.min(offsets.len() - 1)],
        }
    }
}

fn parse_yaml(text: &str, content: TextRange) -> Result<Yaml, YamlError> {
    if let Some(yaml) = plain_lines(text, content) {
        return Ok(yaml);
    }
    let source = &text[content.range()];
    let offsets = CharOffsets::new(source, content.start as usize);
    let docs = match MarkedYaml::load_from_str(source) {
        Ok(docs) => docs,
        Err(e) => {
            let at = offsets.byte(e.marker().index());
            // Underline to the end of the offending line: enough to see it, never past the block.
            let line_end = text[at..content.end as usize]
                .find(['\n', '\r'])
                .map_or(content.end as usize, |n| at + n);
            return Err(YamlError {
                range: TextRange::new(at, line_end.max(at)),
                message: format!("front matter is not valid YAML: {}", e.info()),
            });
        }
    };
    match docs.into_iter().next() {
        Some(doc) => Ok(convert(&doc, text, &offsets)),
        // An empty block is an empty mapping's worth of nothing: report as missing fields, not as bad YAML.
        None => Ok(Yaml {
            range: content,
            value: YamlValue::Null,
        }),
    }
}

/// The tree saphyr would give for the commonest front matter, without it: lines of `key:
/// value` at the margin, each value a plain word or words that can only be a string, a run of
/// digits (an integer), a double-quoted string without escapes, a one-line list of such words
/// (`[a, b]`), or, under a `key:` alone, lines `  - ` of such words or of one-line mappings of
/// them (`  - {title: X, from: 2020}`, an entity's roles). Anything else (deeper nesting,
/// comments, other scalars, CRLF, blank lines first, a repeated key) is `None`, for saphyr: the
/// fast path only ever gives what saphyr gives (a property test compares them). An article's
/// three lines of YAML were 9% of `annals check`'s time through saphyr, and an entity's list of
/// aliases and roles half of reading the entities.
fn plain_lines(text: &str, content: TextRange) -> Option<Yaml> {
    let source = &text[content.range()];
    let base = content.start as usize;
    if source.is_empty() || source.contains('\r') || source.starts_with('\n') {
        return None;
    }
    let mut entries: Vec<(Yaml, Yaml)> = Vec::new();
    let mut lines = source.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((base + start, line))
    });
    let mut pending = lines.next();
    while let Some((start, line)) = pending.take() {
        pending = lines.next();
        let (line, newline) = match line.strip_suffix('\n') {
            Some(line) => (line, true),
            None => (line, false),
        };
        if line.is_empty() {
            continue;
        }
        let colon = line.find(':')?;
        let key = plain_key(&line[..colon], start)?;
        if entries.iter().any(|(k, _)| k.as_text() == key.as_text()) {
            return None;
        }
        let rest = &line[colon + 1..];
        if rest.is_empty() {
            // A block list below: each item on a line of its own, two spaces in.
            if !newline {
                return None;
            }
            let mut items = Vec::new();
            let mut end = 0;
            while let Some((item_start, item_line)) = pending.filter(|(_, l)| l.starts_with("  - ")) {
                let item = item_line.strip_suffix('\n')?;
                items.push(flow_value(&item[4..], item_start + 4)?);
                end = item_start + item_line.len();
                pending = lines.next();
            }
            if items.is_empty() {
                return None;
            }
            // saphyr's list ends where the next line with something on it starts.
            while let Some((blank_start, blank)) = pending.filter(|(_, l)| *l == "\n") {
                end = blank_start + blank.len();
                pending = lines.next();
            }
            let first = start + line.len() + 1 + 2;
            entries.push((
                key,
                Yaml {
                    range: TextRange::new(first, end),
                    value: YamlValue::Sequence(items),
                },
            ));
            continue;
        }
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        if spaces == 0 {
            return None;
        }
        let value_start = start + colon + 1 + spaces;
        let raw = rest[spaces..].trim_end_matches(' ');
        let value = if let Some(inner) = raw.strip_prefix('"') {
            // saphyr's range of a quoted value takes in the spaces after it: left to saphyr.
            let inner = inner.strip_suffix('"').filter(|_| raw.len() == rest.len() - spaces)?;
            if inner.contains(['"', '\\']) || inner.chars().any(char::is_control) {
                return None;
            }
            Yaml {
                range: TextRange::new(value_start + 1, value_start + 1 + inner.len()),
                value: YamlValue::Scalar {
                    text: inner.to_string(),
                    is_string: true,
                },
            }
        } else if raw.starts_with('[') {
            // A list's range ends at its bracket: spaces after it are left to saphyr.
            if raw.len() != rest.len() - spaces {
                return None;
            }
            flow_value(raw, value_start)?
        } else {
            plain_scalar(raw, value_start)?
        };
        entries.push((key, value));
    }
    Some(Yaml {
        range: content,
        value: YamlValue::Mapping(entries),
    })
}

/// A mapping's key at `at`: a word of letters, digits, `_` and `-` that starts with a letter.
fn plain_key(key: &str, at: usize) -> Option<Yaml> {
    let ok = key.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !is_special_word(key);
    ok.then(|| Yaml {
        range: TextRange::new(at, at + key.len()),
        value: YamlValue::Scalar {
            text: key.to_string(),
            is_string: true,
        },
    })
}

/// A plain value at `at`: words that can only be a string, or a run of digits (an integer).
fn plain_scalar(raw: &str, at: usize) -> Option<Yaml> {
    let plain = raw.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b" _/.-".contains(&b))
        && !raw.contains("  ")
        && !raw.ends_with(' ')
        && !is_special_word(raw);
    let digits = raw.bytes().all(|b| b.is_ascii_digit());
    // A number other than a run of digits (`1.5`, `1e3`, `0x1F`) is saphyr's to read.
    if !plain || (could_be_number(raw) && !digits) {
        return None;
    }
    Some(Yaml {
        range: TextRange::new(at, at + raw.len()),
        value: YamlValue::Scalar {
            text: raw.to_string(),
            is_string: !digits,
        },
    })
}

/// A plain value inside a list or mapping: a `-` after a space there can start another item
/// (saphyr refuses `[a -]`), so such words are left to saphyr.
fn flow_scalar(raw: &str, at: usize) -> Option<Yaml> {
    if raw.contains(" -") || raw.ends_with('-') {
        return None;
    }
    plain_scalar(raw, at)
}

/// A whole value at `at`: a plain value, or a one-line list of them (`[a, b]`) or mapping of
/// them (`{k: v, l: w}`), its items one `, ` apart.
fn flow_value(raw: &str, at: usize) -> Option<Yaml> {
    let (inner, mapping) = match (raw.strip_prefix('['), raw.strip_prefix('{')) {
        (Some(inner), _) => (inner.strip_suffix(']')?, false),
        (_, Some(inner)) => (inner.strip_suffix('}')?, true),
        _ => return plain_scalar(raw, at),
    };
    if inner.is_empty() {
        return None;
    }
    let mut items: Vec<Yaml> = Vec::new();
    let mut entries: Vec<(Yaml, Yaml)> = Vec::new();
    let mut item_at = at + 1;
    for item in inner.split(", ") {
        if mapping {
            let (key, value) = item.split_once(": ")?;
            let key = plain_key(key, item_at)?;
            if entries.iter().any(|(k, _)| k.as_text() == key.as_text()) {
                return None;
            }
            entries.push((key, flow_scalar(value, item_at + item.len() - value.len())?));
        } else {
            items.push(flow_scalar(item, item_at)?);
        }
        item_at += item.len() + 2;
    }
    Some(Yaml {
        range: TextRange::new(at, at + raw.len()),
        value: match mapping {
            true => YamlValue::Mapping(entries),
            false => YamlValue::Sequence(items),
        },
    })
}

/// Whether a plain scalar may read as a number in YAML's core schema (`0x…`, `0o…`, or
/// digits with a decimal point or an exponent): a date such as `2023-12-28` may not.
fn could_be_number(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("0x") || lower.starts_with("0o") {
        return true;
    }
    let b = s.trim_start_matches(['+', '-']).as_bytes();
    let run = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = run(0);
    let mut digits = i;
    if b.get(i) == Some(&b'.') {
        let after = run(i + 1);
        digits += after - (i + 1);
        i = after;
    }
    if digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = run(i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == b.len()
}

/// Words a plain YAML scalar reads as something else than a string (null, booleans, and the
/// special floats), in any case: left to saphyr.
fn is_special_word(word: &str) -> bool {
    [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

fn convert(node: &MarkedYaml<'_>, text: &str, offsets: &CharOffsets) -> Yaml {
    let start = offsets.byte(node.span.start.index());
    let mut end = offsets.byte(node.span.end.index()).max(start);
    // A flow collection's span stops at its closing bracket; take the bracket in.
    let closer = match text.as_bytes().get(start) {
        Some(b'{') => Some(b'}'),
        Some(b'[') => Some(b']'),
        _ => None,
    };
    if closer.is_some() && text.as_bytes().get(end) == closer.as_ref() {
        end += 1;
    }
    let mut range = TextRange::new(start, end);
    let value = match &node.data {
        YamlData::Value(scalar) => match scalar {
            Scalar::Null => YamlValue::Null,
            Scalar::String(s) => YamlValue::Scalar {
                text: s.to_string(),
                is_string: true,
            },
            Scalar::Boolean(_) | Scalar::Integer(_) | Scalar::FloatingPoint(_) => {
                // The source text, not the number: `2022` stays "2022", `0042` stays "0042".
                let raw = text.get(range.range()).unwrap_or("").trim().to_string();
                YamlValue::Scalar {
                    text: raw,
                    is_string: false,
                }
            }
        },
        YamlData::Representation(raw, _, _) => YamlValue::Scalar {
            text: raw.to_string(),
            is_string: true,
        },
        YamlData::Sequence(items) => YamlValue::Sequence(items.iter().map(|n| convert(n, text, offsets)).collect()),
        YamlData::Mapping(map) => YamlValue::Mapping(
            map.iter()
                .map(|(k, v)| (convert(k, text, offsets), convert(v, text, offsets)))
                .collect(),
        ),
        YamlData::Tagged(_, inner) => convert(inner, text, offsets).value,
        YamlData::Alias(_) | YamlData::BadValue => YamlValue::Other,
    };
    if let YamlValue::Scalar {
        text: s,
        is_string: true,
    } = &value
    {
        // A quoted scalar's span includes its quotes; narrow to the content when it matches.
        let raw = text.get(range.range()).unwrap_or("");
        if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) && raw[1..raw.len() - 1] == **s {
            range = TextRange::new(range.start as usize + 1, range.end as usize - 1);
        }
    }
    Yaml { range, value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn head(text: &str) -> Head {
        split(text, 0).0
    }

    #[test]
    fn splits_and_locates_values() {
        let text = "---\ntitle: \"Hello\"\npublished: 2022\nroles:\n  - {title: X, from: 2011-12}\n---\nbody";
        let (head, body) = split(text, 0);
        assert_eq!(&text[body..], "body");
        let Head::FrontMatter(fm) = head else {
            panic!("{head:?}")
        };
        let yaml = fm.yaml.unwrap();
        let title = yaml.get("title").unwrap();
        assert_eq!(&text[title.range.range()], "Hello");
        let published = yaml.get("published").unwrap();
        assert_eq!(published.as_text(), Some("2022"));
        assert_eq!(&text[published.range.range()], "2022");
        let roles = yaml.get("roles").unwrap();
        let YamlValue::Sequence(roles) = &roles.value else {
            panic!()
        };
        let from = roles[0].get("from").unwrap();
        assert_eq!(&text[from.range.range()], "2011-12");
    }

    #[test]
    fn unclosed_missing_and_bad_yaml() {
        assert!(matches!(head("---\ntitle: x\n"), Head::Unclosed { .. }));
        assert_eq!(head("title: x\n"), Head::Missing);
        assert_eq!(head(""), Head::Missing);
        let text = "---\ntitle: [unclosed\n---\n";
        let Head::FrontMatter(fm) = head(text) else { panic!() };
        let err = fm.yaml.unwrap_err();
        assert!(err.message.contains("not valid YAML"), "{}", err.message);
    }

    /// saphyr's tree, never the fast path's.
    fn by_saphyr(text: &str, content: TextRange) -> Result<Yaml, YamlError> {
        let source = &text[content.range()];
        let offsets = CharOffsets::new(source, content.start as usize);
        let docs = MarkedYaml::load_from_str(source).map_err(|e| YamlError {
            range: TextRange::new(0, 0),
            message: e.info().to_string(),
        })?;
        Ok(docs.into_iter().next().map_or(
            Yaml {
                range: content,
                value: YamlValue::Null,
            },
            |doc| convert(&doc, text, &offsets),
        ))
    }

    proptest::proptest! {
        /// Whatever the fast path reads, saphyr reads the same: keys, values, every range. The
        /// lines mix what it takes (words, dates, digits, quoted strings) with what it must
        /// leave to saphyr (numbers, booleans, comments, colons, escapes, indentation, lists).
        #[test]
        fn plain_lines_read_as_saphyr_reads_them(
            lines in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        8 => "[a-z][a-z0-9_-]{0,6}",
                        1 => "true|Null|1a| k|k k|-|[A-Z]",
                    ],
                    proptest::prop_oneof![8 => ": ", 1 => ":|:  "],
                    proptest::prop_oneof![
                        6 => "[a-zA-Z][a-zA-Z0-9 ._/-]{0,10}",
                        3 => "[0-9]{4}-[0-9]{2}(-[0-9]{2})?",
                        3 => "[0-9]{1,5}",
                        4 => "\"[a-zA-Zé ,:#'-]{0,8}\"",
                        2 => "[0-9]{1,3}[.eE_xo-][0-9]{0,3}|[a-z]+[:#][a-z ]*|yes|No|~|off|\\[a\\]|\\{a: b\\}",
                        1 => "\"[a-z\\\\\"]{0,4}\"|\"",
                    ],
                    proptest::prop_oneof![6 => "", 1 => " |  "],
                    proptest::option::weighted(0.2, "\n|\n\n"),
                ),
                1..6,
            ),
        ) {
            let mut content = String::new();
            for (key, colon, value, trailing, blank) in &lines {
                content.push_str(&format!("{key}{colon}{value}{trailing}\n"));
                if let Some(blank) = blank {
                    content.push_str(blank);
                }
            }
            let text = format!("---\n{content}---\n");
            let range = TextRange::new(4, 4 + content.len());
            if let Some(fast) = plain_lines(&text, range) {
                proptest::prop_assert_eq!(Ok(fast), by_saphyr(&text, range), "{:?}", content);
            }
        }
    }

    /// A word for a list, or a word the fast path must leave to saphyr in one.
    fn list_word() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            8 => "[a-zA-Z][a-zA-Z0-9 ._/-]{0,8}",
            3 => "[0-9]{4}(-[0-9]{2})?|[0-9]{1,3}",
            2 => "|1.5|yes|~|a:b|a: b|a #b|a,b|\"a\"|'a'|\\[a\\]|\\{a\\}|a |-a|a\\]|é",
        ]
    }

    proptest::proptest! {
        // About one case in eight takes the fast path: enough cases that hundreds are compared.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The lists an entity writes (`aliases: [a, b]`, roles as `  - {title: X, from: 2020}`
        /// lines) read as saphyr reads them, and whatever the fast path cannot read exactly
        /// (odd spacing, indentation, separators, nesting, other scalars) is left to saphyr.
        #[test]
        fn lists_read_as_saphyr_reads_them(
            lines in proptest::collection::vec(
                (
                    "[a-z][a-z0-9_-]{0,6}",
                    proptest::prop_oneof![
                        // A one-line list.
                        3 => (
                            proptest::collection::vec(list_word(), 0..4),
                            proptest::prop_oneof![6 => ", ", 1 => ",|,  | ,"],
                            proptest::prop_oneof![6 => "", 1 => " | #c"],
                        ).prop_map(|(items, sep, after)| format!(": [{}]{after}\n", items.join(&sep))),
                        // A plain value.
                        2 => list_word().prop_map(|w| format!(": {w}\n")),
                        // A block list of words or one-line mappings.
                        3 => (
                            proptest::collection::vec(
                                (
                                    proptest::prop_oneof![8 => "  - ", 1 => " - |   - |- |  -  |  -"],
                                    proptest::prop_oneof![
                                        2 => list_word(),
                                        3 => proptest::collection::vec(
                                            ("[a-z][a-z_]{0,4}|1|true", proptest::prop_oneof![6 => ": ", 1 => ":|:  "], list_word()),
                                            0..4,
                                        ).prop_map(|pairs| {
                                            let pairs: Vec<String> = pairs.iter().map(|(k, c, v)| format!("{k}{c}{v}")).collect();
                                            format!("{{{}}}", pairs.join(", "))
                                        }),
                                    ],
                                    proptest::prop_oneof![8 => "\n", 1 => " \n|\n\n|\n# c\n"],
                                ),
                                0..4,
                            ),
                            proptest::prop_oneof![8 => ":\n", 1 => ": \n|:"],
                        ).prop_map(|(items, head)| {
                            let mut text = head.to_string();
                            for (dash, item, end) in items {
                                text.push_str(&format!("{dash}{item}{end}"));
                            }
                            text
                        }),
                    ],
                ),
                1..5,
            ),
            last_newline in proptest::bool::weighted(0.9),
        ) {
            let mut content: String = lines.iter().map(|(key, rest)| format!("{key}{rest}")).collect();
            if !last_newline {
                content.pop();
            }
            let text = format!("---\n{content}\n---\n");
            let range = TextRange::new(4, 4 + content.len());
            if let Some(fast) = plain_lines(&text, range) {
                proptest::prop_assert_eq!(Ok(fast), by_saphyr(&text, range), "{:?}", content);
            }
        }
    }

    /// An entity's usual front matter takes the fast path, and reads as saphyr reads it.
    #[test]
    fn an_entitys_lists_take_the_fast_path() {
        let content = "kind: person\nname: Jane Doe\naliases: [Doe, J. Doe]\nroles:\n  - {title: Director, org: acme-corp, from: 2015-01, to: 2020}\n  - {title: Adviser, from: 2020-07}\nparty: x\ntags:\n  - a\n  - b c\n";
        let text = format!("---\n{content}---\n");
        let range = TextRange::new(4, 4 + content.len());
        let fast = plain_lines(&text, range).expect("an entity's lists");
        assert_eq!(Ok(fast), by_saphyr(&text, range));
    }

    #[test]
    fn the_commonest_front_matter_takes_the_fast_path() {
        let text = "---\ntitle: \"A long article\"\npublished: 2023-12-28\nlang: en\nyear: 2023\n---\n";
        let range = TextRange::new(4, text.len() - 4);
        let fast = plain_lines(text, range).expect("plain lines");
        assert_eq!(Ok(fast), by_saphyr(text, range));
        for other in [
            "a: 1.5\n",
            "a: true\n",
            "a: b # c\n",
            "a:\n  - b:\n      c\n",
            "a:\n    - b\n",
            "a: \"b\\\"c\"\n",
            "a: b\r\n",
        ] {
            let text = format!("---\n{other}---\n");
            assert!(
                plain_lines(&text, TextRange::new(4, 4 + other.len())).is_none(),
                "{other:?}"
            );
        }
    }

    #[test]
    fn crlf_and_non_ascii_offsets() {
        let text = "---\r\nname: Дмитрий Рогозин\r\nkind: person\r\n---\r\n";
        let Head::FrontMatter(fm) = head(text) else { panic!() };
        let yaml = fm.yaml.unwrap();
        let kind = yaml.get("kind").unwrap();
        assert_eq!(&text[kind.range.range()], "person");
    }
}
