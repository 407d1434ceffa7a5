//! Dates written in prose near an offset: "on Saturday (April 2)", "Feb. 24",
//! "March 30", "in 2015", "2022-03-14", resolved against the article's publication.
//! They feed `date=` completion and the undated-claim quick fix.

use crate::date::{Date, MONTH_NAMES, WEEKDAY_NAMES};
use crate::document::Document;
use regex::Regex;
use std::sync::OnceLock;

/// A date found in the text, with the words it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenDate {
    pub date: Date,
    pub written: String,
}

fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|m| m.to_lowercase().starts_with(&w) && (w.len() >= 3))
        .map(|k| k as u8 + 1)
}

fn patterns() -> &'static [Regex; 5] {
    static PATTERNS: OnceLock<[Regex; 5]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let month = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
        [
            // ISO dates as written in the format itself.
            Regex::new(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b").unwrap(),
            // "April 2", "Feb. 24, 2022", "2 April 2022", "March 2022".
            Regex::new(&format!(r"\b(?:({month})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?|(\d{{1,2}})\s+({month})(?:\s+(\d{{4}}))?|({month})\s+(\d{{4}}))")).unwrap(),
            // A weekday: the last one on or before publication.
            Regex::new(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b").unwrap(),
            // A year on its own: "in 2015".
            Regex::new(r"\b(1[89]\d\d|20\d\d)\b").unwrap(),
            // A month on its own, written in full: "at the beginning of March". Not "May",
            // which is as often a verb.
            Regex::new(r"\b(January|February|March|April|June|July|August|September|October|November|December)\b").unwrap(),
        ]
    })
}

/// A month and day without a year: the latest such day on or before publication.
fn resolve_month_day(month: u8, day: u8, published: Option<Date>) -> Option<Date> {
    let p = published?;
    for year in [p.year, p.year - 1] {
        if let Ok(d) = Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
            && !d.is_after(p)
        {
            return Some(d);
        }
    }
    None
}

/// Every date written in `text`, in order of appearance.
pub fn dates_in(text: &str, published: Option<Date>) -> Vec<(usize, WrittenDate)> {
    let [iso, named, weekday, year, month] = patterns();
    let mut found: Vec<(usize, usize, WrittenDate)> = Vec::new();
    let mut push = |start: usize, end: usize, date: Option<Date>| {
        if let Some(date) = date {
            found.push((
                start,
                end,
                WrittenDate {
                    date,
                    written: text[start..end].to_string(),
                },
            ));
        }
    };
    for c in iso.captures_iter(text) {
        let m = c.get(0).unwrap();
        push(m.start(), m.end(), Date::parse(m.as_str()).ok());
    }
    for c in named.captures_iter(text) {
        let m = c.get(0).unwrap();
        let date = if let (Some(mon), Some(day)) = (c.get(1), c.get(2)) {
            let (month, day) = (month_number(mon.as_str()), day.as_str().parse().ok());
            match (month, day, c.get(3)) {
                (Some(mo), Some(d), Some(y)) => Date::parse(&format!("{}-{mo:02}-{d:02}", y.as_str())).ok(),
                (Some(mo), Some(d), None) => resolve_month_day(mo, d, published),
                _ => None,
            }
        } else if let (Some(day), Some(mon)) = (c.get(4), c.get(5)) {
            let (month, day) = (month_number(mon.as_str()), day.as_str().parse::<u8>().ok());
            match (month, day, c.get(6)) {
                (Some(mo), Some(d), Some(y)) => Date::parse(&format!("{}-{mo:02}-{d:02}", y.as_str())).ok(),
                (Some(mo), Some(d), None) => resolve_month_day(mo, d, published),
                _ => None,
            }
        } else if let (Some(mon), Some(y)) = (c.get(7), c.get(8)) {
            month_number(mon.as_str()).and_then(|mo| Date::parse(&format!("{}-{mo:02}", y.as_str())).ok())
        } else {
            None
        };
        push(m.start(), m.end(), date);
    }
    if let Some(p) = published.filter(|p| p.day.is_some()) {
        for c in weekday.captures_iter(text) {
            let m = c.get(0).unwrap();
            let target = WEEKDAY_NAMES.iter().position(|w| *w == m.as_str()).unwrap_or(0) as i64;
            let back = (p.weekday_index().unwrap_or(0) - target).rem_euclid(7);
            push(m.start(), m.end(), Some(p.add_days(-back)));
        }
    }
    for c in year.captures_iter(text) {
        let m = c.get(0).unwrap();
        push(m.start(), m.end(), Date::parse(m.as_str()).ok());
    }
    if let Some(p) = published.and_then(|p| p.month.map(|m| (p.year, m))) {
        for c in month.captures_iter(text) {
            let m = c.get(0).unwrap();
            // The latest such month on or before publication.
            let mo = month_number(m.as_str()).unwrap_or(1);
            let year = if mo <= p.1 { p.0 } else { p.0 - 1 };
            push(m.start(), m.end(), Date::parse(&format!("{year:04}-{mo:02}")).ok());
        }
    }
    // Keep the most precise reading of overlapping matches ("April 2, 2022" over "2022").
    found.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    let mut out: Vec<(usize, WrittenDate)> = Vec::new();
    let mut covered_to = 0;
    for (s, e, w) in found {
        if s < covered_to {
            continue;
        }
        covered_to = e;
        out.push((s, w));
    }
    out
}

/// Dates written in the sentence holding `offset` and the one before it, nearest first,
/// then the article's publication date. No date appears twice.
pub fn dates_near(doc: &Document, offset: usize) -> Vec<WrittenDate> {
    let published = doc.published();
    let window = sentence_window(&doc.text, doc.syntax.body_start, offset);
    let text = &doc.text[window.0..window.1];
    let mut found = dates_in(text, published);
    let local = offset.saturating_sub(window.0);
    found.sort_by_key(|(at, _)| at.abs_diff(local));
    let mut out: Vec<WrittenDate> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, w) in found {
        if seen.insert(w.date) {
            out.push(w);
        }
    }
    if let Some(p) = published
        && !out.iter().any(|o| o.date == p)
    {
        out.push(WrittenDate {
            date: p,
            written: "the article's publication date".into(),
        });
    }
    out
}

/// How far a sentence window reaches back and forward from its offset, in bytes: prose
/// sentences are far shorter, and a text without sentence ends (a list of annotations) would
/// otherwise make every claim's window its whole paragraph.
const WINDOW_BACK: usize = 1_500;
const WINDOW_FORWARD: usize = 1_000;

/// From the start of the sentence before the one holding `offset` to the end of that sentence
/// (never past a paragraph break, nor further than `WINDOW_BACK` and `WINDOW_FORWARD`).
fn sentence_window(text: &str, body_start: usize, offset: usize) -> (usize, usize) {
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let body_start = body_start.max(offset.saturating_sub(WINDOW_BACK));
    let limit = text.len().min(offset + WINDOW_FORWARD);
    let bytes = text.as_bytes();
    let is_end =
        |k: usize| matches!(bytes[k], b'.' | b'!' | b'?') && bytes.get(k + 1).is_none_or(|b| b.is_ascii_whitespace());
    let is_break = |k: usize| bytes[k] == b'\n' && text[k + 1..].lines().next().is_none_or(|l| l.trim().is_empty());
    let mut start = offset;
    let mut ends = 0;
    while start > body_start {
        let k = start - 1;
        if is_break(k) {
            break;
        }
        if is_end(k) {
            ends += 1;
            if ends == 2 {
                break;
            }
        }
        start = k;
    }
    let mut end = offset;
    while end < limit && !is_break(end) && !(is_end(end) && end > offset) {
        end += 1;
    }
    let start = crate::text::floor_char_boundary(text, start);
    let end = crate::text::floor_char_boundary(text, (end + 1).min(text.len()));
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, published: &str) -> Vec<String> {
        dates_in(text, Date::parse(published).ok())
            .into_iter()
            .map(|(_, w)| w.date.to_string())
            .collect()
    }

    #[test]
    fn reads_the_forms_news_prose_uses() {
        assert_eq!(
            dates("said on Saturday (April 2).", "2022-04-04"),
            ["2022-04-02", "2022-04-02"]
        );
        assert_eq!(dates("on Feb. 24 — the day", "2022-04-02"), ["2022-02-24"]);
        assert_eq!(dates("Then, again, in 2015 he", "2018-06"), ["2015"]);
        assert_eq!(
            dates("a letter of March 14, 2022 and 30 March", "2022-04-02"),
            ["2022-03-14", "2022-03-30"]
        );
        assert_eq!(
            dates("in March 2022, at 2022-03-14", "2022-04-02"),
            ["2022-03", "2022-03-14"]
        );
        // Without a year, a day after publication belongs to the year before.
        assert_eq!(dates("on December 30", "2022-04-02"), ["2021-12-30"]);
        assert_eq!(dates("late Thursday", "2022-02-25"), ["2022-02-24"]);
        assert!(dates("May I? Maybe. 12345", "2022-04-02").is_empty());
        // A month alone: the last one on or before publication.
        assert_eq!(dates("At the beginning of March, he", "2022-04-02"), ["2022-03"]);
        assert_eq!(dates("in November", "2022-04-02"), ["2021-11"]);
    }
}
