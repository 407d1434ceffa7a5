//! Entity names in prose: the matcher that finds every name and alias of the corpus's
//! entities in a text, for unannotated-mention and the editor's assists.
//!
//! Its own module because the index only stores it: building and searching it is a text
//! concern, and it is the hottest loop of `annals check`.

use crate::document::Document;
use crate::text::TextRange;
use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::hash::Hasher;

/// Every entity name and alias, searched for in a text.
///
/// A name that starts with a word character starts at a word's start (it must be a whole
/// word), and is read word by word: its *prefixes* are the name up to the end of each of its
/// words, and one table holds a hash of every prefix of every name. At a word's start the
/// search hashes the text's first word and looks it up; while the table says that some name
/// goes on, it hashes on over the next gap and word and looks again. What follows a name's
/// last word (the `.` of "U.S.") is its *tail*, looked up the same way. So a place costs one
/// lookup per word read, however many names share a first word ("John …" ten thousand
/// times), and a match reads one place: the name and its owners' ids lie together.
///
/// Most words open no name: a table of the names' first two bytes turns those away before the
/// word is read, and the bytes no name starts with are skipped eight at a time when every name
/// starts with a capital or a non-ASCII letter. (Before this, a table of first words with
/// lists of names, and a trie walked byte by byte from words that many names share, were a
/// third of `annals check` at 100,000 articles: with 20,000 entities, each byte or name read
/// was a cache miss.)
#[derive(Debug, Default)]
pub struct NameMatcher {
    /// Each distinct name or alias, followed by its owners' entity ids, `\0`-separated.
    arena: String,
    /// Per name: where it and its owners lie in `arena`.
    entries: Vec<Entry>,
    /// The hash of each prefix and tail of every name that starts with a word character.
    prefixes: HashMap<u64, Prefix>,
    /// Names whose prefix or tail hashes like another name's (never seen; kept correct anyway).
    crowded: HashMap<u64, Vec<u32>>,
    /// Names that start with another character (`@roscosmos`, `«Zarya»`), under it, shortest first.
    by_first_char: HashMap<char, Vec<u32>>,
    /// The longest word, gap between words and tail of any name: the text is read no further.
    longest: Longest,
    /// The names' first two bytes, the skip tables and whether the skip may go eight bytes at a time.
    openings: Openings,
    /// Some name holds `[` or `]`: it could run across a mention's brackets, and no mention's
    /// text is taken for a whole (`NameMatcher::own_names`).
    bracketed: bool,
}

/// Where a name and its owners lie in the arena: `start..name_end` and `name_end..end`.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: u32,
    name_end: u32,
    end: u32,
}

/// What the table says of a prefix (or a prefix and a tail) of some name.
#[derive(Clone, Copy, Debug)]
struct Prefix {
    /// The name that is exactly this, if `named`: held here, not by number, to spare a
    /// lookup (a cache miss at 100,000 articles) per match.
    name: Entry,
    named: bool,
    /// Some name goes on with another word.
    longer: bool,
    /// Some name ends with this prefix and a tail.
    tails: bool,
    /// More names hash like this one (`NameMatcher::crowded`).
    crowded: bool,
    /// The name (`named`) has one owner, and so has every name found in it, the same one
    /// ("Ullin Dorpellin" and its "Dorpellin"): a mention of that owner with this text covers
    /// everything the search would find in it.
    alone: bool,
}

impl Default for Prefix {
    fn default() -> Self {
        Prefix {
            name: Entry {
                start: 0,
                name_end: 0,
                end: 0,
            },
            named: false,
            longer: false,
            tails: false,
            crowded: false,
            alone: false,
        }
    }
}

/// The longest name, in bytes, that can be an own name (`NameMatcher::own_names`).
const LONGEST_OWN_NAME: usize = 256;

/// In bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Longest {
    word: usize,
    gap: usize,
    tail: usize,
}

/// Hash steps: a word with the gap before it, or a tail.
const WORD: u8 = 1;
const TAIL: u8 = 2;

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
    pub entities: Owners<'m>,
}

/// The ids of the entities that carry a name, in the order of their documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owners<'m>(&'m str);

impl<'m> Owners<'m> {
    pub fn iter(self) -> impl Iterator<Item = &'m str> {
        self.0.split('\0')
    }
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

/// The end of the run of other characters that starts at `at`, not past `end`.
fn gap_end(text: &str, at: usize, end: usize) -> usize {
    let mut i = at;
    for c in text[at..].chars() {
        if is_word_char(c) || i + c.len_utf8() > end {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// The ends of a name's words, which starts with a word character.
fn word_ends(name: &str) -> Vec<usize> {
    let mut ends = vec![word_end(name, 0, name.len())];
    loop {
        let last = ends[ends.len() - 1];
        let next = gap_end(name, last, name.len());
        if next == name.len() {
            return ends;
        }
        ends.push(word_end(name, next, name.len()));
    }
}

impl NameMatcher {
    /// How many distinct names and aliases it finds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The matcher of every entity document's names and aliases.
    pub(crate) fn new(documents: &[Document]) -> NameMatcher {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::default();
        for doc in documents {
            for name in entity_names(doc) {
                let owners = by_name.entry(name).or_default();
                if !owners.contains(&doc.id.as_str()) {
                    owners.push(&doc.id);
                }
            }
        }
        let mut entries: Vec<(&str, Vec<&str>)> = by_name.into_iter().collect();
        // Shortest first, so that the names filed under a first character are found in order of their ends.
        entries.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then(a.cmp(b)));
        let mut matcher = NameMatcher::default();
        for (name, owners) in entries {
            let Some(first) = name.chars().next() else { continue };
            let k = matcher.entries.len() as u32;
            let start = matcher.arena.len() as u32;
            matcher.arena.push_str(name);
            let name_end = matcher.arena.len() as u32;
            matcher.arena.push_str(&owners.join("\0"));
            matcher.entries.push(Entry {
                start,
                name_end,
                end: matcher.arena.len() as u32,
            });
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
            matcher.bracketed |= name.contains(['[', ']']);
            if is_word_char(first) {
                matcher.file_words(name, k);
            } else {
                matcher.by_first_char.entry(first).or_default().push(k);
            }
        }
        matcher.mark_names_alone();
        matcher
    }

    /// Sets `Prefix::alone`: each name that ends a word, and is no longer than
    /// `LONGEST_OWN_NAME`, is searched for the names in it. (The cap keeps this linear in the
    /// number of names: a long name could hold a name at each of its words.)
    fn mark_names_alone(&mut self) {
        use rayon::prelude::*;
        let named: Vec<(&u64, &Prefix)> = self
            .prefixes
            .iter()
            .filter(|(_, prefix)| prefix.named && !prefix.crowded)
            .collect();
        // On both cores: at 20,000 entities, 40,000 names are searched.
        let alone: Vec<u64> = named
            .into_par_iter()
            .filter(|(_, prefix)| {
                let owners = &self.arena[prefix.name.name_end as usize..prefix.name.end as usize];
                let name = &self.arena[prefix.name.start as usize..prefix.name.name_end as usize];
                let mut alone =
                    name.len() <= LONGEST_OWN_NAME && !owners.contains('\0') && name.ends_with(is_word_char);
                if !alone {
                    return false;
                }
                self.each(name, TextRange::new(0, name.len()), |found| {
                    alone &= found.entities.0 == owners
                });
                alone
            })
            .map(|(&key, _)| key)
            .collect();
        for key in alone {
            if let Some(prefix) = self.prefixes.get_mut(&key) {
                prefix.alone = true;
            }
        }
    }

    /// Each name of one entity alone in which every name found is that entity's alone too,
    /// with its entity: a mention of the entity with exactly this text covers whatever the
    /// search would find in it, which unannotated-mention need not search (most names the
    /// search finds in an annotated article are its mentions' texts). Only names that start
    /// and end with a word character and are no longer than `LONGEST_OWN_NAME`; none at all
    /// when some name holds a bracket, which could run across a mention's brackets. The
    /// index files them by entity (`CorpusIndex::is_own_name`), so that a mention's entity is
    /// looked up once for this and for unknown-entity.
    pub fn own_names(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.prefixes
            .values()
            .filter(|prefix| prefix.named && prefix.alone && !self.bracketed)
            .map(|prefix| {
                let e = prefix.name;
                (
                    &self.arena[e.name_end as usize..e.end as usize],
                    &self.arena[e.start as usize..e.name_end as usize],
                )
            })
    }

    /// Files the prefixes (and tail) of name `k`, which starts with a word character.
    fn file_words(&mut self, name: &str, k: u32) {
        let bytes = name.as_bytes();
        let ends = word_ends(name);
        let mut hasher = FxHasher::default();
        let mut from = 0;
        for (i, &end) in ends.iter().enumerate() {
            let word_start = gap_end(name, from, end);
            self.longest.gap = self.longest.gap.max(word_start - from);
            self.longest.word = self.longest.word.max(end - word_start);
            hasher.write(&bytes[from..end]);
            hasher.write_u8(WORD);
            let key = hasher.finish();
            if i + 1 < ends.len() {
                self.prefixes.entry(key).or_default().longer = true;
            } else if end == name.len() {
                self.file_name(key, k);
            } else {
                self.prefixes.entry(key).or_default().tails = true;
                self.longest.tail = self.longest.tail.max(name.len() - end);
                let mut tail = hasher.clone();
                tail.write(&bytes[end..]);
                tail.write_u8(TAIL);
                self.file_name(tail.finish(), k);
            }
            from = end;
        }
    }

    fn file_name(&mut self, key: u64, k: u32) {
        let entry = self.entries[k as usize];
        let prefix = self.prefixes.entry(key).or_default();
        if !prefix.named {
            (prefix.name, prefix.named) = (entry, true);
        } else {
            prefix.crowded = true;
            self.crowded.entry(key).or_default().push(k);
        }
    }

    /// Whole-word occurrences of any name in `text[range]`, overlapping ones included
    /// ("International Space Station" and "Space Station" both count), by start and then end.
    pub fn find<'m>(&'m self, text: &str, range: TextRange) -> Vec<NameMatch<'m>> {
        let mut found = Vec::new();
        self.each(text, range, |m| found.push(m));
        found.sort_by_key(|m| (m.range.start, m.range.end));
        found
    }

    /// `find`, one occurrence at a time and by start: the search of a whole corpus allocates nothing.
    pub fn each<'m>(&'m self, text: &str, range: TextRange, mut found: impl FnMut(NameMatch<'m>)) {
        if self.entries.is_empty() || text.get(range.range()).is_none() {
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
                for &k in self.by_first_char.get(&c).into_iter().flatten() {
                    self.try_name(text, at, end, self.entries[k as usize], &mut found);
                }
                at += c.len_utf8();
                continue;
            }
            // A word: a name starts only at its start, and then with the whole word.
            let word_to = word_end(text, at, end);
            if !text[..at].chars().next_back().is_some_and(is_word_char) {
                self.words_at(text, at, word_to, end, &mut found);
            }
            at = word_to.max(at + c.len_utf8());
        }
    }

    /// The names that stand whole at `at`, whose first word ends at `word_to`, not past `end`:
    /// read word by word while some name goes on.
    fn words_at<'m>(
        &'m self,
        text: &str,
        at: usize,
        word_to: usize,
        end: usize,
        found: &mut impl FnMut(NameMatch<'m>),
    ) {
        let bytes = text.as_bytes();
        let longest = self.longest;
        if word_to - at > longest.word {
            return;
        }
        let mut hasher = FxHasher::default();
        let (mut from, mut to) = (at, word_to);
        loop {
            hasher.write(&bytes[from..to]);
            hasher.write_u8(WORD);
            let key = hasher.finish();
            let Some(prefix) = self.prefixes.get(&key) else { return };
            self.names_of(key, prefix, text, at, end, found);
            if prefix.tails {
                let run = gap_end(text, to, end.min(to + longest.tail));
                for (i, c) in text[to..run].char_indices() {
                    let mut tail = hasher.clone();
                    tail.write(&bytes[to..to + i + c.len_utf8()]);
                    tail.write_u8(TAIL);
                    let key = tail.finish();
                    if let Some(prefix) = self.prefixes.get(&key) {
                        self.names_of(key, prefix, text, at, end, found);
                    }
                }
            }
            if !prefix.longer {
                return;
            }
            // The next word, if the gap and the word are no longer than a name's.
            let next = gap_end(text, to, end.min(to + longest.gap + 1));
            if next == to || next - to > longest.gap || next >= end {
                return;
            }
            let next_to = word_end(text, next, end.min(next + longest.word + 1));
            if next_to == next || next_to - next > longest.word {
                return;
            }
            (from, to) = (to, next_to);
        }
    }

    /// The names the table files under `key`, each if it stands whole at `at`.
    fn names_of<'m>(
        &'m self,
        key: u64,
        prefix: &Prefix,
        text: &str,
        at: usize,
        end: usize,
        found: &mut impl FnMut(NameMatch<'m>),
    ) {
        if prefix.named {
            self.try_name(text, at, end, prefix.name, found);
        }
        if prefix.crowded {
            for &k in self.crowded.get(&key).into_iter().flatten() {
                self.try_name(text, at, end, self.entries[k as usize], found);
            }
        }
    }

    /// The name at `e`, if it stands whole at `at`, not past `end`.
    fn try_name<'m>(&'m self, text: &str, at: usize, end: usize, e: Entry, found: &mut impl FnMut(NameMatch<'m>)) {
        // Bytes, not `str`: the arena's slices lie on its character boundaries, and checking
        // that would read it before the comparison must.
        let name = &self.arena.as_bytes()[e.start as usize..e.name_end as usize];
        let to = at + name.len();
        if to <= end && text.as_bytes()[at..].starts_with(name) && is_whole_word(text, at, to) {
            found(NameMatch {
                range: TextRange::new(at, to),
                entities: Owners(&self.arena[e.name_end as usize..e.end as usize]),
            });
        }
    }
}

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

        /// The same when many names share their first word (each place still reads one word at a time).
        #[test]
        fn names_that_share_a_first_word_are_found_as_brute_force_finds_them(
            names in proptest::collection::vec("A( [ab.]{2,4})?", 40..80),
            text in "(A|[a ]{0,3}|[ab.]{1,3}){0,40}",
            from in 0usize..150,
            len in 0usize..150,
        ) {
            let mut distinct: Vec<&str> = names.iter().map(|n| n.trim()).collect();
            distinct.sort();
            distinct.dedup();
            prop_assume!(distinct.len() > 16);
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

    /// An own name is exactly a name of one entity alone with no other entity's name inside;
    /// any bracket in a name turns them all off. (The rule's tests compare findings with and
    /// without the skip, which agree even when nothing is skipped: this one and the index's
    /// `an_entity_entry_carries_its_own_names_through_edits` fail if none is found.)
    #[test]
    fn own_names_are_exact_names_of_one_entity_alone() {
        let own = |names: &[&str]| {
            let m = matcher(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
            let mut own: Vec<(String, String)> = m.own_names().map(|(e, n)| (e.to_string(), n.to_string())).collect();
            own.sort();
            own
        };
        let pair = |e: &str, n: &str| (e.to_string(), n.to_string());
        // "Ann Vale" holds e2's "Vale"; "Ullin" is no name; "Vale." ends with a stop.
        assert_eq!(
            own(&["Ullin Dorpellin", "Ann Vale", "Vale", "Vale."]),
            [pair("e0", "Ullin Dorpellin"), pair("e2", "Vale")]
        );
        assert_eq!(own(&["Ullin Dorpellin", "Ann]"]), [], "a name with a bracket");
        assert_eq!(own(&["Vale", "Vale"]), [], "a name of two entities");
        let long = "Ullin ".repeat(60);
        assert_eq!(own(&[long.trim()]), [], "longer than LONGEST_OWN_NAME");
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
