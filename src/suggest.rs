//! "Did you mean …?": the closest known names to a misspelt one.

use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// Up to `n` candidates closest to `target`, best first. A candidate counts when it is a
/// case-insensitive match, when one is a whole `-`/`_`-separated part of the other
/// (`nelson` ↔ `bill-nelson`), or when its edit distance is small for its length.
pub fn closest<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    let target = Target::new(target);
    let scored = candidates
        .into_iter()
        .filter_map(|c| target.score(c, c.chars().count(), || histogram(c)).map(|d| (d, c)));
    best(scored, n)
}

/// The longest name, in characters, compared by edit distance.
const MAX_EDITED: usize = 64;

/// How many targets a vocabulary remembers suggestions for.
const MEMORY: usize = 4096;

/// Known names prepared once (lengths and letter counts), with the suggestions already
/// made: "did you mean" runs for every unknown reference of a corpus against thousands of
/// ids, and one misspelt id is often written in many documents.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: Vec<Word>,
    made: Mutex<FxHashMap<(String, usize), Vec<String>>>,
}

#[derive(Debug)]
struct Word {
    text: String,
    chars: usize,
    histogram: [u16; 37],
}

impl Vocabulary {
    pub fn new(words: impl IntoIterator<Item = String>) -> Self {
        let words = words
            .into_iter()
            .map(|text| Word {
                chars: text.chars().count(),
                histogram: histogram(&text),
                text,
            })
            .collect();
        Vocabulary {
            words,
            made: Mutex::default(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.words.iter().map(|w| w.text.as_str())
    }

    /// `closest(target, self.iter(), n)`, computed once per target.
    pub fn closest(&self, target: &str, n: usize) -> Vec<String> {
        let key = (target.to_string(), n);
        // A poisoned lock only loses the memo: suggestions are recomputed.
        if let Some(made) = self.made.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return made;
        }
        let t = Target::new(target);
        let scored = self
            .words
            .iter()
            .filter_map(|w| t.score(&w.text, w.chars, || w.histogram).map(|d| (d, w.text.as_str())));
        let near = best(scored, n);
        if let Ok(mut made) = self.made.lock() {
            // A language server keeps its vocabulary across edits, and every prefix of an id
            // being typed is a new target: forget them all now and then.
            if made.len() >= MEMORY {
                made.clear();
            }
            made.insert(key, near.clone());
        }
        near
    }
}

/// A misspelt name, prepared for scoring candidates.
struct Target<'t> {
    text: &'t str,
    lower: String,
    chars: usize,
    /// Its `-`/`_`-separated parts longer than two, when it has several.
    parts: Vec<String>,
    is_one_part: bool,
    histogram: [u16; 37],
}

impl<'t> Target<'t> {
    fn new(text: &'t str) -> Self {
        let lower = text.to_lowercase();
        // Sharing any part is not enough: `2022-03-04-x` shares `2022` with a thousand ids.
        let mut parts: Vec<String> = lower
            .split(['-', '_'])
            .filter(|p| p.len() > 2)
            .map(str::to_string)
            .collect();
        if parts.len() < 2 {
            parts.clear();
        }
        Target {
            text,
            chars: lower.chars().count(),
            is_one_part: lower.len() > 2 && !lower.contains(['-', '_']),
            histogram: histogram(&lower),
            parts,
            lower,
        }
    }

    /// A candidate's distance (0 for a case-insensitive match, 1 for a shared part), or None.
    fn score(&self, c: &str, c_chars: usize, c_histogram: impl FnOnce() -> [u16; 37]) -> Option<usize> {
        if c == self.text {
            return None;
        }
        // Cheap tests first, without allocating: this runs over every id of a large corpus.
        if c.eq_ignore_ascii_case(&self.lower) {
            return Some(0);
        }
        if self.parts.iter().any(|p| c.eq_ignore_ascii_case(p))
            || (self.is_one_part
                && c.len() > self.lower.len()
                && c.split(['-', '_']).any(|cp| cp.eq_ignore_ascii_case(&self.lower)))
        {
            return Some(1);
        }
        // Ids are short; a long one (a pasted sentence) gets no edit distance, whose cost is
        // the product of the two lengths.
        if self.chars.max(c_chars) > MAX_EDITED {
            return None;
        }
        // A third of the longer name: `rogozn` finds `rogozin`, but `b` does not find `a`.
        let limit = self.chars.max(c_chars) / 3;
        if self.chars.abs_diff(c_chars) > limit {
            return None; // The length difference alone exceeds the edit budget.
        }
        // Each edit moves at most two units between the character histograms: a cheap lower
        // bound that rules out almost every unrelated id before the distance is computed.
        if histogram_distance(&self.histogram, &c_histogram()) > 2 * limit {
            return None;
        }
        let d = strsim::damerau_levenshtein(&self.lower, &c.to_lowercase());
        (d <= limit).then_some(d + 1)
    }
}

fn best<'a>(scored: impl Iterator<Item = (usize, &'a str)>, n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = scored.collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c.to_string()).collect()
}

/// Counts of lowercase ASCII letters and digits (other characters share one bucket).
fn histogram(s: &str) -> [u16; 37] {
    let mut h = [0u16; 37];
    for b in s.bytes() {
        let k = match b.to_ascii_lowercase() {
            c @ b'a'..=b'z' => (c - b'a') as usize,
            c @ b'0'..=b'9' => 26 + (c - b'0') as usize,
            _ => 36,
        };
        h[k] = h[k].saturating_add(1);
    }
    h
}

fn histogram_distance(target: &[u16; 37], other: &[u16; 37]) -> usize {
    target
        .iter()
        .zip(other.iter())
        .map(|(a, b)| a.abs_diff(*b) as usize)
        .sum()
}

/// " (did you mean `a` or `b`?)" or "".
pub fn did_you_mean(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|n| format!("`{n}`")).collect();
            format!("; did you mean {} or `{last}`?", init.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_parts_and_case() {
        let ids = ["rogozin", "roscosmos", "bill-nelson", "nasa"];
        assert_eq!(closest("rogozn", ids, 3), ["rogozin"]);
        assert_eq!(closest("nelson", ids, 3), ["bill-nelson"]);
        assert_eq!(closest("bill-nelson", ["nelson", "rogozin"], 3), ["nelson"]);
        // A shared part alone is no suggestion.
        assert!(closest("2022-04-02-nasa-letter", ["2022-05-01-rogozin-tweet"], 3).is_empty());
        assert_eq!(closest("NASA", ids, 3), ["nasa"]);
        assert!(closest("zzzzzz", ids, 3).is_empty());
    }

    #[test]
    fn a_vocabulary_suggests_what_closest_does_and_remembers_it() {
        let ids = ["rogozin", "roscosmos", "bill-nelson", "nasa", "Nasa", "rogozin-d"];
        let vocabulary = Vocabulary::new(ids.map(String::from));
        assert_eq!(vocabulary.iter().collect::<Vec<_>>(), ids);
        for target in [
            "rogozn",
            "nelson",
            "NASA",
            "nasa",
            "zzzzzz",
            "rogozin",
            "bill-nelsen",
            "",
        ] {
            for n in [1, 3] {
                assert_eq!(vocabulary.closest(target, n), closest(target, ids, n), "{target} {n}");
                assert_eq!(
                    vocabulary.closest(target, n),
                    closest(target, ids, n),
                    "{target} {n}, remembered"
                );
            }
        }
    }

    #[test]
    fn phrasing() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into(), "b".into()]), "; did you mean `a` or `b`?");
    }
}
