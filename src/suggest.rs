//! "Did you mean …?": the closest known names to a misspelt one.

/// Up to `n` candidates closest to `target`, best first. A candidate counts when it is a
/// case-insensitive match, when one is a whole `-`/`_`-separated part of the other
/// (`nelson` ↔ `bill-nelson`), or when its edit distance is small for its length.
pub fn closest<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    let lower = target.to_lowercase();
    let target_len = lower.chars().count();
    // Sharing any part is not enough: `2022-03-04-x` shares `2022` with a thousand ids.
    let target_parts: Vec<&str> = lower.split(['-', '_']).filter(|p| p.len() > 2).collect();
    let target_parts: &[&str] = if target_parts.len() > 1 { &target_parts } else { &[] };
    let target_is_one_part = lower.len() > 2 && !lower.contains(['-', '_']);
    let target_histogram = histogram(&lower);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != target)
        .filter_map(|c| {
            // Cheap tests first, without allocating: this runs over every id of a large corpus.
            if c.eq_ignore_ascii_case(&lower) {
                return Some((0, c));
            }
            if target_parts.iter().any(|p| c.eq_ignore_ascii_case(p))
                || (target_is_one_part
                    && c.len() > lower.len()
                    && c.split(['-', '_']).any(|cp| cp.eq_ignore_ascii_case(&lower)))
            {
                return Some((1, c));
            }
            let c_len = c.chars().count();
            // A third of the longer name: `rogozn` finds `rogozin`, but `b` does not find `a`.
            let limit = target_len.max(c_len) / 3;
            if target_len.abs_diff(c_len) > limit {
                return None; // The length difference alone exceeds the edit budget.
            }
            // Each edit moves at most two units between the character histograms: a cheap lower
            // bound that rules out almost every unrelated id before the distance is computed.
            if histogram_distance(&target_histogram, c) > 2 * limit {
                return None;
            }
            let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
            (d <= limit).then_some((d + 1, c))
        })
        .collect();
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

fn histogram_distance(target: &[u16; 37], candidate: &str) -> usize {
    let other = histogram(candidate);
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
    fn phrasing() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into(), "b".into()]), "; did you mean `a` or `b`?");
    }
}
