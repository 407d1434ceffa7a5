//! Front matter: the YAML block between a first line `---` and the next line `---`,
//! parsed by saphyr into a small tree whose every node carries a byte range.

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

    #[test]
    fn crlf_and_non_ascii_offsets() {
        let text = "---\r\nname: Дмитрий Рогозин\r\nkind: person\r\n---\r\n";
        let Head::FrontMatter(fm) = head(text) else { panic!() };
        let yaml = fm.yaml.unwrap();
        let kind = yaml.get("kind").unwrap();
        assert_eq!(&text[kind.range.range()], "person");
    }
}
