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
/// A name that starts with a word character starts at a word's start (it must be a whole
/// word), and its first word is then the text's word there, whole: so the search looks up
/// each word that may open a name in a table of the names' first words, and compares the
/// few names filed there. Most words open no name: a table of the names' first two bytes
/// turns those away before the word is read, and the bytes no name starts with are skipped
/// eight at a time when every name starts with a capital or a non-ASCII letter. The work is
/// one pass over the text plus the comparisons of the names that share a first word, and the
/// tables it reads stay small with tens of thousands of names (a trie walked byte by byte
/// from each capital was a quarter of `annals check` at 100,000 articles, its states out of
/// the cache).
#[derive(Debug, Default)]
pub struct NameMatcher {
    /// Each distinct name or alias.
    names: Vec<Box<str>>,
    /// Per name: the entity ids that carry it as a name or an alias.
    owners: Vec<Vec<String>>,
    /// Names that start with a word character, under their first word (their longest
    /// prefix of word characters), shortest first.
    by_first_word: HashMap<Box<str>, Vec<u32>>,
    /// Names that start with another character (`@roscosmos`, `«Zarya»`), under it, shortest first.
    by_first_char: HashMap<char, Vec<u32>>,
    /// The names of first words shared by more than `FEW` names ("John …" ten thousand times):
    /// a trie of them, walked from such a word, so that each place costs the length of the
    /// names read there, not the number of names filed under the word.
    shared_first_words: Option<aho_corasick::nfa::contiguous::NFA>,
    /// The trie's patterns as numbers of `names`.
    shared_numbers: Vec<u32>,
    /// The names' first two bytes, the skip tables and whether the skip may go eight bytes at a time.
    openings: Openings,
}

/// What turns most bytes away before a word is read.
#[derive(Debug)]
struct Openings {
    /// Bit `a * 256 + b` is set when some name starts with the bytes `a`, `b` (a one-byte
    /// name `a` sets every `b`, and the end of a text reads as `b` = 0).
    /// Fixed sizes: the lookups need no bounds checks.
    pairs: Box<[u64; 1024]>,
    /// Whether some name starts with this byte: `pairs` by rows, for the skip loop.
    first_bytes: Box<[bool; 256]>,
    /// Every name starts with an ASCII capital or a non-ASCII character: a run of eight
    /// bytes with neither is skipped at once.
    capitals_only: bool,
}

impl Default for Openings {
    fn default() -> Self {
        Openings {
            pairs: Box::new([0; 1024]),
            first_bytes: Box::new([false; 256]),
            capitals_only: true,
        }
    }
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

fn opening(a: u8, b: u8) -> (usize, u64) {
    let bit = (a as usize) << 8 | b as usize;
    (bit / 64, 1 << (bit % 64))
}

/// Eight bytes' worth of `byte`.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Whether any of the eight bytes of `word` is an ASCII capital (`A`..=`Z`) or has its high
/// bit set: the SWAR range test of "Bit Twiddling Hacks" (hasbetween), for bytes below 128,
/// plus the high bits.
fn has_capital_or_non_ascii(word: u64) -> bool {
    let low = word & splat(0x7f);
    let above_a = low + splat(0x7f - (b'A' - 1));
    let below_z = splat(0x7f + b'Z' + 1) - low;
    let in_range = above_a & below_z & !word & splat(0x80);
    (in_range | (word & splat(0x80))) != 0
}

/// The end of the run of word characters that starts at `at`, not past `end`.
fn word_end(text: &str, at: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < end {
        let b = bytes[i];
        if b.is_ascii() {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if is_word_char(c) && i + c.len_utf8() <= end => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
}

impl NameMatcher {
    /// How many distinct names and aliases it finds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
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
        // Shortest first, so that the names filed under one word are found in order of their ends.
        entries.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then(a.cmp(b)));
        let mut matcher = NameMatcher::default();
        for (k, (name, owners)) in entries.into_iter().enumerate() {
            let Some(first) = name.chars().next() else { continue };
            let bytes = name.as_bytes();
            match *bytes {
                [a] => (0..=255).for_each(|b| {
                    let (word, bit) = opening(a, b);
                    matcher.openings.pairs[word] |= bit;
                }),
                [a, b, ..] => {
                    let (word, bit) = opening(a, b);
                    matcher.openings.pairs[word] |= bit;
                }
                [] => {}
            }
            matcher.openings.first_bytes[bytes[0] as usize] = true;
            matcher.openings.capitals_only &= bytes[0].is_ascii_uppercase() || !bytes[0].is_ascii();
            if is_word_char(first) {
                let word = &name[..word_end(name, 0, name.len())];
                matcher.by_first_word.entry(word.into()).or_default().push(k as u32);
            } else {
                matcher.by_first_char.entry(first).or_default().push(k as u32);
            }
            matcher.names.push(name.into());
            matcher.owners.push(owners);
        }
        // The trie's pattern `i` is name `shared_numbers[i]`.
        matcher.shared_numbers = matcher
            .by_first_word
            .values()
            .filter(|filed| filed.len() > FEW)
            .flatten()
            .copied()
            .collect();
        if !matcher.shared_numbers.is_empty() {
            let patterns = matcher.shared_numbers.iter().map(|&k| &*matcher.names[k as usize]);
            matcher.shared_first_words = aho_corasick::nfa::contiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .ok();
        }
        matcher
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
        if self.names.is_empty() || text.get(range.range()).is_none() {
            return;
        }
        let bytes = text.as_bytes();
        let (mut at, end) = (range.start as usize, range.end as usize);
        let openings = &self.openings;
        while at < end {
            if openings.capitals_only {
                while at + 8 <= end {
                    let word = u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
                    if has_capital_or_non_ascii(word) {
                        break;
                    }
                    at += 8;
                }
                if at >= end {
                    return;
                }
            }
            // A byte no name starts with, or a name's first byte whose next byte opens none.
            // (Neither is ever a UTF-8 continuation byte: `at` stays on character boundaries.)
            let b = bytes[at];
            let (word, bit) = opening(b, if at + 1 < end { bytes[at + 1] } else { 0 });
            if !openings.first_bytes[b as usize] || openings.pairs[word] & bit == 0 {
                at += if b < 0x80 { 1 } else { utf8_len(b) };
                continue;
            }
            let Some(c) = text[at..].chars().next() else { return };
            if !is_word_char(c) {
                self.names_at(text, at, end, self.by_first_char.get(&c), &mut found);
                at += c.len_utf8();
                continue;
            }
            // A word: a name starts only at its start, and then with the whole word.
            let word_to = word_end(text, at, end);
            if !text[..at].chars().next_back().is_some_and(is_word_char) {
                match self.by_first_word.get(&text[at..word_to]) {
                    Some(filed) if filed.len() > FEW => self.shared_names_at(text, at, end, &mut found),
                    filed => self.names_at(text, at, end, filed, &mut found),
                }
            }
            at = word_to.max(at + c.len_utf8());
        }
    }

    /// The names of `filed` that stand whole at `at`, not past `end`.
    fn names_at<'m>(
        &'m self,
        text: &str,
        at: usize,
        end: usize,
        filed: Option<&Vec<u32>>,
        found: &mut impl FnMut(NameMatch<'m>),
    ) {
        for &k in filed.into_iter().flatten() {
            let name = &self.names[k as usize];
            let to = at + name.len();
            if to <= end && text.as_bytes()[at..].starts_with(name.as_bytes()) && is_whole_word(text, at, to) {
                found(NameMatch {
                    range: TextRange::new(at, to),
                    entities: &self.owners[k as usize],
                });
            }
        }
    }

    /// The names that stand whole at `at`, not past `end`, read from the trie of the names
    /// whose first word many names share.
    fn shared_names_at<'m>(&'m self, text: &str, at: usize, end: usize, found: &mut impl FnMut(NameMatch<'m>)) {
        let Some(trie) = &self.shared_first_words else { return };
        let Ok(mut state) = trie.start_state(Anchored::Yes) else {
            return;
        };
        for (k, &b) in text.as_bytes()[at..end].iter().enumerate() {
            state = trie.next_state(Anchored::Yes, state, b);
            if trie.is_dead(state) {
                return;
            }
            if !trie.is_match(state) {
                continue;
            }
            // A state's matches also hold the names that end a longer one: only the name
            // that starts here is found here.
            let len = k + 1;
            let here = (0..trie.match_len(state))
                .map(|i| trie.match_pattern(state, i))
                .find(|&pattern| trie.pattern_len(pattern) == len);
            if let Some(pattern) = here
                && is_whole_word(text, at, at + len)
            {
                let number = self.shared_numbers[pattern.as_usize()] as usize;
                found(NameMatch {
                    range: TextRange::new(at, at + len),
                    entities: &self.owners[number],
                });
            }
        }
    }
}

/// Names filed under one first word that are compared one by one; more go through a trie.
const FEW: usize = 16;

/// The length of the UTF-8 character whose first byte is `b` (a stray byte counts as one).
fn utf8_len(b: u8) -> usize {
    match b {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
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
    use crate::document::DocumentKind;
    use proptest::prelude::*;

    fn matcher(names: &[String]) -> NameMatcher {
        let documents: Vec<Document> = names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let text = format!(
                    "---\nname: {}\nkind: person\n---\n",
                    serde_json::to_string(name).unwrap()
                );
                Document::new(format!("e{k}"), format!("entities/e{k}.md"), DocumentKind::Entity, text)
            })
            .collect();
        NameMatcher::new(&documents)
    }

    /// Every whole-word occurrence by brute force: each name tried at each character boundary.
    fn brute_force(names: &[String], text: &str, range: TextRange) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut distinct: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
        distinct.sort();
        distinct.dedup();
        for at in (range.start as usize..range.end as usize).filter(|&i| text.is_char_boundary(i)) {
            for name in &distinct {
                let to = at + name.len();
                if to <= range.end as usize && text[at..].starts_with(name) && is_whole_word(text, at, to) {
                    found.push((at, to));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn names_are_found_whole_and_overlapping() {
        let names: Vec<String> = [
            "International Space Station",
            "Space Station",
            "U.S.",
            "@roscosmos",
            "«Zarya»",
            "Рогозин",
            "NASA",
        ]
        .map(String::from)
        .to_vec();
        let m = matcher(&names);
        let text = "The International Space Station, U.S. and USA; @roscosmos «Zarya» Рогозина Рогозин NASA_x NASA.";
        let found: Vec<&str> = m
            .find(text, TextRange::new(0, text.len()))
            .iter()
            .map(|f| &text[f.range.range()])
            .collect();
        assert_eq!(
            found,
            [
                "International Space Station",
                "Space Station",
                "U.S.",
                "@roscosmos",
                "«Zarya»",
                "Рогозин",
                "NASA"
            ]
        );
        assert_eq!(
            found.len(),
            brute_force(&names, text, TextRange::new(0, text.len())).len()
        );
        // Capitals only: lower-case prose is skipped eight bytes at a time, up to the range's end.
        let m = matcher(&["Abc".to_string()]);
        for text in ["abcdefghabcdefgh", "abcdefghabcdefg Abc", "abcdefgh Abc abcdefgh"] {
            let found = m.find(text, TextRange::new(0, text.len()));
            assert_eq!(found.len(), text.matches("Abc").count(), "{text}");
        }
    }

    proptest! {
        /// The search finds exactly what trying every name at every position finds, on texts
        /// and names made of letters (Latin and Cyrillic, either case), digits, spaces and
        /// punctuation, over any part of the text.
        #[test]
        fn the_search_finds_what_brute_force_finds(
            names in proptest::collection::vec("[AaBbЖж1 ._@«»]{1,4}", 1..6),
            text in "[AaBbЖж1 ._@«»\n]{0,60}",
            from in 0usize..70,
            len in 0usize..70,
        ) {
            the_search_agrees(&names, &text, from, len)?;
        }

        /// The same when every name starts with a capital or a non-ASCII letter, where the
        /// search skips eight bytes at a time through lower-case prose.
        #[test]
        fn the_search_of_capitalised_names_finds_what_brute_force_finds(
            names in proptest::collection::vec("[ABЖ][AaBbЖж1 ._]{0,3}", 1..6),
            text in "([a-z ,.]{0,12}[ABЖ]?[AaBbЖж1 ._]{0,3}){0,12}",
            from in 0usize..200,
            len in 0usize..200,
        ) {
            the_search_agrees(&names, &text, from, len)?;
        }

        /// The same when more than `FEW` names share their first word (they go through a trie).
        #[test]
        fn names_that_share_a_first_word_are_found_as_brute_force_finds_them(
            names in proptest::collection::vec("A( [ab.]{2,4})?", 40..80),
            text in "(A|[a ]{0,3}|[ab.]{1,3}){0,40}",
            from in 0usize..150,
            len in 0usize..150,
        ) {
            let m = matcher(&names);
            prop_assume!(m.by_first_word.get("A").is_some_and(|filed| filed.len() > FEW));
            the_search_agrees(&names, &text, from, len)?;
        }
    }

    fn the_search_agrees(names: &[String], text: &str, from: usize, len: usize) -> Result<(), TestCaseError> {
        let m = matcher(names);
        let mut start = from.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let range = TextRange::new(start, end);
        let found: Vec<(usize, usize)> = m
            .find(text, range)
            .iter()
            .map(|f| (f.range.start as usize, f.range.end as usize))
            .collect();
        prop_assert_eq!(found, brute_force(names, text, range));
        Ok(())
    }

    #[test]
    fn whole_words() {
        let text = "Russia’s Russian U.S. USA";
        assert!(is_whole_word(text, 0, 6));
        assert!(!is_whole_word(text, 11, 17), "Russia inside Russian");
        assert!(is_whole_word(text, 19, 23), "U.S.");
        assert!(!is_whole_word(text, 28, 30), "US inside USA");
    }
}
