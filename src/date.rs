//! Dates of docs/format.md section 5: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, proleptic Gregorian.
//!
//! A partial date stands for its whole year or month, so a date is an interval of days and
//! "before" means "ends before the other starts". Two overlapping dates are neither.

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Why a date string is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not of the forms `YYYY`, `YYYY-MM`, `YYYY-MM-DD`.
    Form,
    /// Of the right form, but there is no such month or day.
    NoSuchDay(String),
}

impl DateError {
    pub fn message(&self, text: &str) -> String {
        match self {
            DateError::Form => format!("`{text}` is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2022-04-02"),
            DateError::NoSuchDay(why) => format!("`{text}` is not a real date: {why}"),
        }
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// English month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Date {
    pub fn parse(text: &str) -> Result<Date, DateError> {
        // The three forms told apart by length and dashes, their digits read from the bytes:
        // every claim's date is parsed as it is read, and splitting the text and parsing each
        // part was 2% of check's instructions at 10,000 dense articles.
        let b = text.as_bytes();
        let number = |from: usize, n: usize| -> Result<u32, DateError> {
            b.get(from..from + n)
                .into_iter()
                .flatten()
                .try_fold(0, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
                .ok_or(DateError::Form)
        };
        let dash = |at: usize| b.get(at) == Some(&b'-');
        let (year, m, d) = match b.len() {
            4 => (number(0, 4)?, None, None),
            7 if dash(4) => (number(0, 4)?, Some(number(5, 2)?), None),
            10 if dash(4) && dash(7) => (number(0, 4)?, Some(number(5, 2)?), Some(number(8, 2)?)),
            _ => return Err(DateError::Form),
        };
        // Four digits and two: the casts hold every value.
        Date::checked(year as i32, m.map(|m| m as u8), d.map(|d| d as u8))
    }

    /// The date of a year, month and day read from its text, if that month and day exist.
    fn checked(year: i32, m: Option<u8>, d: Option<u8>) -> Result<Date, DateError> {
        let month = match m {
            Some(m) => {
                if !(1..=12).contains(&m) {
                    return Err(DateError::NoSuchDay(format!("there is no month {m:02}")));
                }
                Some(m)
            }
            None => None,
        };
        let day = match (d, month) {
            (Some(d), Some(m)) => {
                let last = days_in_month(year, m);
                if d == 0 || d > last {
                    return Err(DateError::NoSuchDay(format!(
                        "{} {year} has {last} days",
                        MONTHS[usize::from(m) - 1]
                    )));
                }
                Some(d)
            }
            _ => None,
        };
        Ok(Date { year, month, day })
    }

    /// First day of the interval, as days since 0000-03-01 (any fixed epoch works for comparison).
    pub fn first_day(self) -> i64 {
        days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Last day of the interval.
    pub fn last_day(self) -> i64 {
        match (self.month, self.day) {
            (Some(m), Some(d)) => days_from_civil(self.year, m, d),
            (Some(m), None) => days_from_civil(self.year, m, days_in_month(self.year, m)),
            _ => days_from_civil(self.year, 12, 31),
        }
    }

    /// `Less` when self ends before other starts, `Greater` when it starts after other ends,
    /// `None` when the two intervals overlap (neither before nor after).
    pub fn compare(self, other: Date) -> Option<Ordering> {
        if self.last_day() < other.first_day() {
            Some(Ordering::Less)
        } else if self.first_day() > other.last_day() {
            Some(Ordering::Greater)
        } else if self == other && self.day.is_some() {
            Some(Ordering::Equal)
        } else {
            None
        }
    }

    pub fn is_before(self, other: Date) -> bool {
        self.compare(other) == Some(Ordering::Less)
    }

    pub fn is_after(self, other: Date) -> bool {
        self.compare(other) == Some(Ordering::Greater)
    }

    /// Weekday name of a full date.
    pub fn weekday(self) -> Option<&'static str> {
        self.day?;
        // days_from_civil(1970,1,1) is a Thursday (index 3).
        let days = self.first_day() - days_from_civil(1970, 1, 1);
        Some(WEEKDAYS[(days + 3).rem_euclid(7) as usize])
    }

    /// The full date `days` after the first day of this one (negative: before).
    pub fn add_days(self, days: i64) -> Date {
        let (year, month, day) = civil_from_days(self.first_day() + days);
        Date {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// Index of the weekday, Monday = 0, of a full date.
    pub fn weekday_index(self) -> Option<i64> {
        self.day?;
        Some((self.first_day() - days_from_civil(1970, 1, 1) + 3).rem_euclid(7))
    }

    /// Whether the interval contains the other (a role from 2018-05 holds on 2018-05-24).
    pub fn overlaps(self, other: Date) -> bool {
        self.compare(other).is_none_or(|o| o == Ordering::Equal)
    }

    /// "2 April 2022", "April 2022", "2022".
    pub fn human(self) -> String {
        let mut out = String::with_capacity(17);
        self.push_human(&mut out);
        out
    }

    /// `human()`, appended to `out`: the site writes a date on most of its cards, and
    /// `format!` cost more than the rest of a card.
    pub fn push_human(self, out: &mut String) {
        if let (Some(_), Some(d)) = (self.month, self.day) {
            push_number(out, u32::from(d), 1);
            out.push(' ');
        }
        if let Some(name) = self.month.and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1))) {
            out.push_str(name);
            out.push(' ');
        }
        push_year(out, self.year, 1);
    }

    /// The date as written (`Display`: `2022-04-02`), appended to `out` without `core::fmt`.
    pub fn push_iso(self, out: &mut String) {
        push_year(out, self.year, 4);
        for part in [self.month, self.day].into_iter().flatten() {
            out.push('-');
            push_number(out, u32::from(part), 2);
        }
    }
}

/// `n` in decimal, with leading zeros to at least `width` digits.
fn push_number(out: &mut String, n: u32, width: usize) {
    let mut digits = itoa::Buffer::new();
    let written = digits.format(n);
    for _ in written.len()..width {
        out.push('0');
    }
    out.push_str(written);
}

fn push_year(out: &mut String, year: i32, width: usize) {
    if year < 0 {
        out.push('-');
    }
    push_number(out, year.unsigned_abs(), width);
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(10);
        self.push_iso(&mut out);
        f.write_str(&out)
    }
}

/// Days since a fixed epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = i64::from(year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// The inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

pub const MONTH_NAMES: [&str; 12] = MONTHS;
pub const WEEKDAY_NAMES: [&str; 7] = WEEKDAYS;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The parse by parts that the byte reader replaced: the reference it is held to.
    fn parse_by_parts(text: &str) -> Result<Date, DateError> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next().unwrap_or(""), parts.next(), parts.next());
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok_form =
            parts.next().is_none() && digits(y, 4) && m.is_none_or(|m| digits(m, 2)) && d.is_none_or(|d| digits(d, 2));
        if !ok_form {
            return Err(DateError::Form);
        }
        let year: i32 = y.parse().map_err(|_| DateError::Form)?;
        let month: Option<u8> = m.map(|m| m.parse().map_err(|_| DateError::Form)).transpose()?;
        let day: Option<u8> = d.map(|d| d.parse().map_err(|_| DateError::Form)).transpose()?;
        // The checks of month and day, which the byte reader did not change, are shared.
        Date::checked(year, month, day)
    }

    proptest! {
        /// Texts near the three forms (digits, dashes, a stray letter or non-ASCII character,
        /// months and days out of range) read as the parse by parts read them, errors included.
        #[test]
        fn dates_read_as_by_parts(text in "[0-9\\-xé]{0,11}|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?") {
            prop_assert_eq!(Date::parse(&text), parse_by_parts(&text));
        }
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let start = d("2020-02-27");
        assert_eq!(start.add_days(2).to_string(), "2020-02-29");
        assert_eq!(start.add_days(3).to_string(), "2020-03-01");
        assert_eq!(d("2022-01-01").add_days(-1).to_string(), "2021-12-31");
        for k in -800..800 {
            let x = start.add_days(k);
            assert_eq!(x.first_day() - start.first_day(), k);
        }
        assert_eq!(d("2022-04-02").weekday_index(), Some(5));
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn forms_and_impossible_days() {
        assert_eq!(d("2022-04-02").to_string(), "2022-04-02");
        assert_eq!(d("2022").to_string(), "2022");
        assert_eq!(Date::parse("2022-4-2"), Err(DateError::Form));
        assert_eq!(Date::parse("April 2"), Err(DateError::Form));
        assert!(matches!(Date::parse("2022-02-30"), Err(DateError::NoSuchDay(_))));
        assert!(matches!(Date::parse("2022-13"), Err(DateError::NoSuchDay(_))));
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
    }

    #[test]
    fn partial_dates_compare_as_intervals() {
        assert!(d("2022-03").is_before(d("2022-04-02")));
        assert!(!d("2022-03").is_before(d("2022-03-14")));
        assert!(!d("2022-03").is_after(d("2022-03-14")));
        assert!(d("2022-04-03").is_after(d("2022-04-02")));
        assert!(!d("2022-04-02").is_after(d("2022-04-02")));
        assert!(d("2014").is_before(d("2015-01-01")));
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("2022-04-02").weekday(), Some("Saturday"));
        assert_eq!(d("2022-02-24").weekday(), Some("Thursday"));
        assert_eq!(d("2018-06-06").weekday(), Some("Wednesday"));
        assert_eq!(d("2022-04").weekday(), None);
    }
}
