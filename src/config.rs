//! `annals.toml`: the corpus root marker and the configuration that check and the server share.

use crate::finding::{RuleCode, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "annals.toml";
pub const DEFAULT_ARTICLES: &str = "articles/**/*.md";
pub const DEFAULT_ENTITIES: &str = "entities/**/*.md";
/// Files above this size are reported and skipped, not read: one file must not take the
/// memory of the whole analysis (a parsed document takes several times its text).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Config {
    pub name: Option<String>,
    pub articles: Vec<String>,
    pub entities: Vec<String>,
    /// `[corpus] max-file-size`, in bytes.
    pub max_file_size: u64,
    /// Severity per rule; `None` turns the rule off. Rules not listed keep their default.
    pub rules: BTreeMap<RuleCode, Option<Severity>>,
    /// Things in the file that are not errors but are probably mistakes (unknown keys).
    pub warnings: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: None,
            articles: vec![DEFAULT_ARTICLES.into()],
            entities: vec![DEFAULT_ENTITIES.into()],
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }
}

/// An `annals.toml` that cannot be used, with the position of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    /// 1-based line and column, when the problem has a place.
    pub position: Option<(usize, usize)>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    corpus: Option<RawCorpus>,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<String>>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct RawCorpus {
    name: Option<String>,
    articles: Option<Vec<String>>,
    entities: Option<Vec<String>>,
    #[serde(rename = "max-file-size")]
    max_file_size: Option<toml::Spanned<toml::Value>>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..crate::text::floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            message: e.message().to_string(),
            position: e.span().map(|s| position(text, s.start)),
        })?;
        let mut config = Config::default();
        for key in raw.other.keys() {
            config.warnings.push(format!(
                "unknown table or key `{key}` is ignored (annals.toml knows [corpus] and [rules])"
            ));
        }
        if let Some(corpus) = raw.corpus {
            config.name = corpus.name;
            if let Some(a) = corpus.articles {
                config.articles = a;
            }
            if let Some(e) = corpus.entities {
                config.entities = e;
            }
            if let Some(size) = corpus.max_file_size {
                config.max_file_size = parse_size(size.get_ref()).map_err(|message| ConfigError {
                    message,
                    position: Some(position(text, size.span().start)),
                })?;
            }
            for key in corpus.other.keys() {
                let known = ["name", "articles", "entities", "max-file-size"];
                let hint = crate::suggest::did_you_mean(&crate::suggest::closest(key, known, 1));
                config.warnings.push(format!(
                    "unknown key `corpus.{key}` is ignored ([corpus] knows name, articles, entities, max-file-size){hint}"
                ));
            }
        }
        for (code, value) in raw.rules {
            let Some(rule) = RuleCode::from_code(&code) else {
                let known = RuleCode::ALL.iter().map(|r| r.as_str());
                let hint = crate::suggest::did_you_mean(&crate::suggest::closest(&code, known, 1));
                config
                    .warnings
                    .push(format!("unknown rule `{code}` in [rules] is ignored{hint}"));
                continue;
            };
            let severity = match value.get_ref().as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" => Some(Severity::Info),
                "hint" => Some(Severity::Hint),
                "off" => None,
                other => {
                    return Err(ConfigError {
                        message: format!(
                            "`{other}` is not a severity for `{code}`: use error, warning, info, hint or off"
                        ),
                        position: Some(position(text, value.span().start)),
                    });
                }
            };
            config.rules.insert(rule, severity);
        }
        Ok(config)
    }

    /// The severity a rule's findings get, or `None` when the rule is off.
    pub fn severity(&self, code: RuleCode) -> Option<Severity> {
        self.rules.get(&code).copied().unwrap_or(Some(code.default_severity()))
    }
}

/// A size in bytes: an integer, or a string such as "16 MiB", "500 KB" or "2000000".
fn parse_size(value: &toml::Value) -> Result<u64, String> {
    let bad = || {
        format!(
            "`max-file-size = {value}` is not a size: write bytes (16777216) or a string with a unit (\"16 MiB\", \"500 KB\")"
        )
    };
    let size = match value {
        toml::Value::Integer(n) => u64::try_from(*n).map_err(|_| bad())?,
        toml::Value::String(s) => {
            let s = s.trim();
            let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let number: u64 = s[..split].parse().map_err(|_| bad())?;
            let unit: u64 = match s[split..].trim().to_ascii_lowercase().as_str() {
                "" | "b" => 1,
                "kb" => 1_000,
                "mb" => 1_000_000,
                "gb" => 1_000_000_000,
                "kib" => 1 << 10,
                "mib" => 1 << 20,
                "gib" => 1 << 30,
                _ => return Err(bad()),
            };
            number.checked_mul(unit).ok_or_else(bad)?
        }
        _ => return Err(bad()),
    };
    if size == 0 {
        return Err(format!("`max-file-size` must be above 0 (it is {value})"));
    }
    Ok(size)
}

/// The folder holding `annals.toml`, searched upward from `start` (a file or a folder).
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() { start.parent()? } else { start };
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_overrides_and_unknown_keys() {
        let config = Config::parse(
            "[corpus]\nname = \"x\"\nfoo = 1\n[rules]\nundated-claim = \"error\"\nunannotated-mention = \"off\"\nundated-claims = \"hint\"\n",
        )
        .unwrap();
        assert_eq!(config.name.as_deref(), Some("x"));
        assert_eq!(config.articles, [DEFAULT_ARTICLES]);
        assert_eq!(config.severity(RuleCode::UndatedClaim), Some(Severity::Error));
        assert_eq!(config.severity(RuleCode::UnannotatedMention), None);
        assert_eq!(config.severity(RuleCode::SyntaxError), Some(Severity::Error));
        assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
        assert!(
            config.warnings[1].contains("did you mean `undated-claim`"),
            "{:?}",
            config.warnings
        );
    }

    #[test]
    fn max_file_size_takes_bytes_or_a_unit() {
        let size = |v: &str| Config::parse(&format!("[corpus]\nmax-file-size = {v}\n")).map(|c| c.max_file_size);
        assert_eq!(Config::parse("").unwrap().max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert_eq!(size("1000"), Ok(1000));
        assert_eq!(size("\"16 MiB\""), Ok(16 << 20));
        assert_eq!(size("\"500kb\""), Ok(500_000));
        assert_eq!(size("\"2 GB\""), Ok(2_000_000_000));
        for bad in [
            "-1",
            "0",
            "\"lots\"",
            "\"5 parsecs\"",
            "true",
            "\"99999999999999999999 GiB\"",
        ] {
            let err = size(bad).unwrap_err();
            assert_eq!(err.position, Some((2, 17)), "{bad}: {err}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let err = Config::parse("[rules]\nundated-claim = \"loud\"\n").unwrap_err();
        assert_eq!(err.position, Some((2, 17)));
        let err = Config::parse("[corpus\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(1));
    }
}
