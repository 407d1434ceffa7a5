//! "Did you mean …?": the closest known names to a misspelt one.

/// Up to `n` candidates closest to `target`, best first. A candidate counts when it is a
/// case-insensitive match, when one contains the other as a `-`/`_`-separated part
/// (`nelson` → `bill-nelson`), or when its edit distance is small for its length.
pub fn closest<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    let lower = target.to_lowercase();
    let parts = |s: &str| s.split(['-', '_']).map(str::to_string).collect::<Vec<_>>();
    let target_parts = parts(&lower);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != target)
        .filter_map(|c| {
            let cl = c.to_lowercase();
            if cl == lower {
                return Some((0, c));
            }
            let cparts = parts(&cl);
            if target_parts.iter().any(|p| p.len() > 2 && cparts.contains(p)) {
                return Some((1, c));
            }
            let d = strsim::damerau_levenshtein(&lower, &cl);
            // A third of the longer name: `rogozn` finds `rogozin`, but `b` does not find `a`.
            let limit = lower.chars().count().max(cl.chars().count()) / 3;
            (d <= limit).then_some((d + 1, c))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c.to_string()).collect()
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
        assert_eq!(closest("NASA", ids, 3), ["nasa"]);
        assert!(closest("zzzzzz", ids, 3).is_empty());
    }

    #[test]
    fn phrasing() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into(), "b".into()]), "; did you mean `a` or `b`?");
    }
}
