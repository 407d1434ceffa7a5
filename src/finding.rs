//! Findings: what the rules report, with a stable code, a severity and a byte range.

use crate::text::TextRange;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Ordered from least to most severe so that `>=` means "at least as severe".
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Error, Severity::Warning, Severity::Info, Severity::Hint];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rule_codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// The rule codes of docs/format.md section 6 ("Rules").
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleCode { $( $variant, )* }

        impl RuleCode {
            pub const ALL: &'static [RuleCode] = &[ $( RuleCode::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( RuleCode::$variant => $code, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( RuleCode::$variant => Severity::$severity, )* }
            }

            /// One line on what the rule finds, for SARIF rule descriptions and documentation.
            pub fn summary(self) -> &'static str {
                match self { $( RuleCode::$variant => $summary, )* }
            }

            /// The rule's documentation page, docs/rules/CODE.md, as Markdown: built into the
            /// binary for `annals explain`, so a code without its page does not compile.
            pub fn page(self) -> &'static str {
                match self { $( RuleCode::$variant => include_str!(concat!("../docs/rules/", $code, ".md")), )* }
            }

            pub fn from_code(code: &str) -> Option<RuleCode> {
                match code { $( $code => Some(RuleCode::$variant), )* _ => None }
            }
        }
    };
}

rule_codes! {
    SyntaxError = "syntax-error", Error,
        "An annotation that does not parse: an unclosed `[` or `{`, an unterminated quote, a malformed attribute, a span across a blank line.";
    InvalidFrontMatter = "invalid-front-matter", Error,
        "No front matter, YAML that does not parse, or a front-matter value of the wrong type.";
    MissingField = "missing-field", Error,
        "A required front-matter key is absent.";
    InvalidId = "invalid-id", Error,
        "A document id, claim id or reference that is not of the form [A-Za-z0-9_-]+.";
    DuplicateId = "duplicate-id", Error,
        "Two claims with one id in a document, or two documents with one id.";
    UnknownEntity = "unknown-entity", Error,
        "An entity reference that names no entity document.";
    BrokenReference = "broken-reference", Error,
        "A claim or corpus reference that resolves to nothing.";
    InvalidDate = "invalid-date", Error,
        "A date not of the forms YYYY, YYYY-MM, YYYY-MM-DD, or a day that does not exist.";
    ConflictingAnnotation = "conflicting-annotation", Error,
        "A span that is both a mention (e=) and a claim (.claim).";
    UndatedClaim = "undated-claim", Warning,
        "A claim without date=.";
    UnsourcedClaim = "unsourced-claim", Warning,
        "A claim with neither by= nor source=.";
    ClaimAfterPublication = "claim-after-publication", Warning,
        "A claim dated after its article's published date.";
    ReplyBeforeOriginal = "reply-before-original", Warning,
        "A claim dated before the claim it replies-to.";
    SelfReference = "self-reference", Warning,
        "A claim whose relation names itself.";
    UnknownAttribute = "unknown-attribute", Warning,
        "An attribute key on a mention or claim that the format does not define.";
    UnannotatedMention = "unannotated-mention", Hint,
        "An entity's name or alias in prose outside any mention of that entity.";
    UnannotatedQuote = "unannotated-quote", Hint,
        "A quotation in prose, with an attribution nearby, that no claim covers.";
    UnusedEntity = "unused-entity", Hint,
        "An entity that nothing in the corpus references.";
    FileTooLarge = "file-too-large", Error,
        "A document file above [corpus] max-file-size in annals.toml: it is skipped, not read.";
}

/// Where the rule pages are published: a finding links to `DOCS_BASE` + `CODE.md` (LSP
/// `codeDescription.href`, SARIF `helpUri`). The one place to change when they move.
pub const DOCS_BASE: &str = "https://github.com/annals-dev/annals/blob/main/docs/rules/";

impl RuleCode {
    /// The address of the rule's documentation page.
    pub fn help_url(self) -> String {
        format!("{DOCS_BASE}{}.md", self.as_str())
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding in one document. The severity is the rule's default until the
/// configuration is applied (see `rules::document_findings`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: RuleCode,
    pub severity: Severity,
    pub range: TextRange,
    /// Borrowed when it is the same text every time (an undated claim's, a fifth of a dense
    /// corpus's findings): no allocation for each, nor memory held until the report.
    pub message: Cow<'static, str>,
    /// A replacement for `range` that fixes the finding, when one is clear (the nearest id or key).
    pub suggestion: Option<String>,
}

impl Finding {
    pub fn new(code: RuleCode, range: TextRange, message: impl Into<Cow<'static, str>>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            range,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, replacement: Option<String>) -> Self {
        self.suggestion = replacement;
        self
    }
}
