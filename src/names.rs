//! Entity names in prose: the matcher that finds every name and alias of the corpus's
//! entities in a text, for unannotated-mention and the editor's assists.
//!
//! Its own module because the index only stores it: building and searching it is a text
//! concern, and it is the hottest loop of `annals check`.

use crate::document::Document;
use crate::text::TextRange;
use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, MatchKind};
use rustc_hash::FxHashMap as HashMap;

/// Every entity name and alias, searched for in a text.
///
/// An unanchored Aho-Corasick scan of every document walked a DFA of several megabytes
/// byte by byte, and was half of `annals check`'s time. Names are rare in prose, so the
/// search skips the bytes no name starts with, looks up the next two bytes in a small table
/// of the names' openings, and only where a name may start walks the names' trie (an
/// Aho-Corasick NFA, anchored) until no name continues.
#[derive(Debug)]
pub struct NameMatcher {
    automaton: Option<aho_corasick::nfa::contiguous::NFA>,
    /// Bit `a * 256 + b` is set when some name starts with the bytes `a`, `b` (a one-byte
    /// name `a` sets every `b`, and the end of a text reads as `b` = 0).
    /// Fixed sizes: the lookups need no bounds checks.
    openings: Box<[u64; 1024]>,
    /// Whether some name starts with this byte: `openings` by rows, for the skip loop.
    first_bytes: Box<[bool; 256]>,
    /// Per pattern: the entity ids that carry it as a name or an alias.
    owners: Vec<Vec<String>>,
}

/// One whole-word occurrence of an entity name in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMatch<'m> {
    pub range: TextRange,
    pub entities: &'m [String],
}

/// The names and aliases of an entity document, as the matcher files them.
pub fn entity_names(doc: &Document) -> Vec<&str> {
    let Some(entity) = &doc.entity else { return Vec::new() };
    entity
        .name
        .iter()
        .chain(&entity.aliases)
        .map(|n| n.value.trim())
        .filter(|n| !n.is_empty())
        .collect()
}

impl Default for NameMatcher {
    fn default() -> Self {
        NameMatcher {
            automaton: None,
            openings: Box::new([0; 1024]),
            first_bytes: Box::new([false; 256]),
            owners: Vec::new(),
        }
    }
}

fn opening(a: u8, b: u8) -> (usize, u64) {
    let bit = (a as usize) << 8 | b as usize;
    (bit / 64, 1 << (bit % 64))
}

impl NameMatcher {
    /// How many distinct names and aliases it finds.
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// The matcher of every entity document's names and aliases.
    pub(crate) fn new(documents: &[Document]) -> NameMatcher {
        let mut by_name: HashMap<&str, Vec<String>> = HashMap::default();
        for doc in documents {
            for name in entity_names(doc) {
                let owners = by_name.entry(name).or_default();
                if !owners.contains(&doc.id) {
                    owners.push(doc.id.clone());
                }
            }
        }
        let mut entries: Vec<(&str, Vec<String>)> = by_name.into_iter().collect();
        entries.sort();
        let patterns: Vec<&str> = entries.iter().map(|(n, _)| *n).collect();
        let mut openings = Box::new([0u64; 1024]);
        for name in &patterns {
            match *name.as_bytes() {
                [a] => (0..=255).for_each(|b| {
                    let (word, bit) = opening(a, b);
                    openings[word] |= bit;
                }),
                [a, b, ..] => {
                    let (word, bit) = opening(a, b);
                    openings[word] |= bit;
                }
                [] => {}
            }
        }
        // A byte starts a name when any opening does: row `a` is words 4a..4a+4 of the table.
        let mut first_bytes = Box::new([false; 256]);
        for (a, starts) in first_bytes.iter_mut().enumerate() {
            *starts = openings[a * 4..a * 4 + 4].iter().any(|&w| w != 0);
        }
        // A contiguous NFA walked anchored from each possible start: its states are small, and
        // the walk stops at the first byte no name continues with.
        let automaton = aho_corasick::nfa::contiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        NameMatcher {
            automaton,
            openings,
            first_bytes,
            owners: entries.into_iter().map(|(_, o)| o).collect(),
        }
    }

    /// Whole-word occurrences of any name in `text[range]`, overlapping ones included
    /// ("International Space Station" and "Space Station" both count), by start and then end.
    pub fn find<'m>(&'m self, text: &str, range: TextRange) -> Vec<NameMatch<'m>> {
        let mut found = Vec::new();
        self.each(text, range, |m| found.push(m));
        found
    }

    /// `find`, one occurrence at a time: the search of a whole corpus allocates nothing.
    pub fn each<'m>(&'m self, text: &str, range: TextRange, mut found: impl FnMut(NameMatch<'m>)) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let Ok(start) = automaton.start_state(Anchored::Yes) else {
            return;
        };
        let Some(haystack) = text.get(range.range()) else {
            return;
        };
        let bytes = haystack.as_bytes();
        let base = range.start as usize;
        let mut next = 0;
        // Most bytes start no name at all: skip them with one table lookup each.
        while let Some(skip) = bytes[next..].iter().position(|&b| self.first_bytes[b as usize]) {
            let at = next + skip;
            next = at + 1;
            let (word, bit) = opening(bytes[at], bytes.get(at + 1).copied().unwrap_or(0));
            if self.openings[word] & bit == 0 {
                continue;
            }
            let mut state = start;
            for (k, &b) in bytes[at..].iter().enumerate() {
                state = automaton.next_state(Anchored::Yes, state, b);
                if automaton.is_dead(state) {
                    break;
                }
                if !automaton.is_match(state) {
                    continue;
                }
                // A state's matches also hold the names that end a longer one ("Zankaven" in
                // "Ostul Zankaven"): only the name that starts here is found here.
                let len = k + 1;
                let here = (0..automaton.match_len(state))
                    .map(|i| automaton.match_pattern(state, i))
                    .find(|&pattern| automaton.pattern_len(pattern) == len);
                let (start, end) = (base + at, base + at + len);
                if let Some(pattern) = here
                    && is_whole_word(text, start, end)
                {
                    found(NameMatch {
                        range: TextRange::new(start, end),
                        entities: &self.owners[pattern.as_usize()],
                    });
                }
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return false;
    };
    let first_inner = text[start..end].chars().next();
    let last_inner = text[start..end].chars().next_back();
    // A boundary is needed only where the name itself starts or ends with a word character ("U.S." ends with ".").
    let left_ok = !first_inner.is_some_and(is_word_char) || !before.chars().next_back().is_some_and(is_word_char);
    let right_ok = !last_inner.is_some_and(is_word_char) || !after.chars().next().is_some_and(is_word_char);
    left_ok && right_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words() {
        let text = "Russia’s Russian U.S. USA";
        assert!(is_whole_word(text, 0, 6));
        assert!(!is_whole_word(text, 11, 17), "Russia inside Russian");
        assert!(is_whole_word(text, 19, 23), "U.S.");
        assert!(!is_whole_word(text, 28, 30), "US inside USA");
    }
}
