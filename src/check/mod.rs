//! `annals check`: the terminal and CI face over the analysis core.
//!
//! Loads the corpus, keeps the findings of the part the user asked for, converts
//! byte ranges to lines and columns, and renders one of four formats.

mod github;
mod human;
mod json;
mod sarif;

use crate::config;
use crate::corpus::{self, LoadError};
use crate::document::ShedDocument;
use crate::finding::{Finding, RuleCode, Severity};
use crate::sweep;
use crate::text::TextRange;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets with the range underlined.
    Human,
    /// One JSON object (docs/format.md section 7).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands, one per finding.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Never => None,
        }
    }
}

/// One finding, placed for output: 1-based lines and columns (Unicode scalar values), end exclusive.
#[derive(Clone, Debug)]
pub struct Diagnostic<'c> {
    /// Relative to the corpus root, `/`-separated (JSON's `file`).
    pub file: String,
    /// As the user can open it from the current folder.
    pub display_path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: RuleCode,
    pub message: String,
    pub suggestion: Option<String>,
    pub range: TextRange,
    pub document: &'c ShedDocument,
}

pub struct Report<'c> {
    /// The corpus root as the user would write it from the current folder.
    pub root: String,
    pub documents: usize,
    pub diagnostics: Vec<Diagnostic<'c>>,
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// Exit status: 1 when a finding reaches the failing severity, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        match fail_on.threshold() {
            Some(t) if self.diagnostics.iter().any(|d| d.severity >= t) => 1,
            _ => 0,
        }
    }
}

/// `path` as seen from `base`: relative when it lies below `base` or is one of its
/// ancestors (`..`), else as given.
pub fn display_path(path: &Path, base: &Path) -> String {
    let shown = match path.strip_prefix(base) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => match base.strip_prefix(path) {
            Ok(up) => up.components().map(|_| "..").collect::<PathBuf>(),
            Err(_) => path.to_path_buf(),
        },
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// Whether the document at `relative` lies in the part of the corpus at `root` that `scope`
/// selects: the file is `scope` or lies below it.
fn in_scope(root: &Path, scope: &Path, relative: &str) -> bool {
    root.join(relative).starts_with(scope)
}

/// Places the findings of the documents in scope for output, sorted by file, position and code.
pub fn report<'c>(
    root: &Path,
    findings: impl Iterator<Item = (&'c ShedDocument, Vec<Finding>)>,
    cwd: &Path,
) -> Report<'c> {
    let mut diagnostics = Vec::new();
    let mut documents = 0;
    for (doc, doc_findings) in findings {
        documents += 1;
        let display = display_path(&root.join(&doc.path), cwd);
        for f in doc_findings {
            let start = doc.lines.line_column(&doc.text, f.range.start as usize);
            let end = doc.lines.line_column(&doc.text, f.range.end as usize);
            diagnostics.push(Diagnostic {
                file: doc.path.clone(),
                display_path: display.clone(),
                line: start.line + 1,
                column: start.column + 1,
                end_line: end.line + 1,
                end_column: end.column + 1,
                severity: f.severity,
                code: f.code,
                message: f.message,
                suggestion: f.suggestion,
                range: f.range,
                document: doc,
            });
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column, a.code.as_str()).cmp(&(b.file.as_str(), b.line, b.column, b.code.as_str()))
    });
    Report {
        root: display_path(root, cwd),
        documents,
        diagnostics,
    }
}

/// The human format of a report (rustc-style snippets and a summary line), in pieces.
pub fn render_human(report: &Report, color: bool) -> Vec<String> {
    human::render(report, color)
}

pub struct Options {
    pub path: PathBuf,
    pub format: Format,
    pub fail_on: FailOn,
    pub color: bool,
}

/// What a run prints and its exit status.
pub struct Outcome {
    /// The output, in pieces to write one after the other: a report of hundreds of
    /// thousands of findings is rendered in parallel chunks, never copied into one string.
    pub stdout: Vec<String>,
    /// Notes for standard error (configuration warnings, an empty scope).
    pub notes: Vec<String>,
    pub exit_code: i32,
}

/// Runs a check. `Err` is a corpus that could not be analysed (exit status 2).
pub fn run(options: &Options) -> Result<Outcome, LoadError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Absolute, not canonical: the user's own spelling of the path (through symlinks) is kept for display.
    let scope = std::path::absolute(&options.path).unwrap_or_else(|_| options.path.clone());
    if !scope.exists() {
        return Err(LoadError::NoCorpus(options.path.clone()));
    }
    let root = config::find_root(&scope).ok_or_else(|| LoadError::NoCorpus(scope.clone()))?;
    let (config, files) = corpus::configured_files(&root)?;
    let mut notes: Vec<String> = config.warnings.iter().map(|w| format!("annals.toml: {w}")).collect();
    let swept = sweep::sweep(
        &config,
        &files,
        |file| corpus::read_document(file, config.max_file_size),
        |file| in_scope(&root, &scope, &file.relative),
    );
    let documents = swept.documents;
    let judged = documents
        .iter()
        .zip(swept.findings)
        .filter_map(|(doc, findings)| Some((doc, findings?)));
    let report = report(&root, judged, &cwd);
    if report.documents == 0 && scope != root {
        notes.push(format!(
            "{} holds no document of the corpus at {} (documents are the files that [corpus] articles and entities match)",
            options.path.display(),
            report.root
        ));
    }
    let stdout = match options.format {
        Format::Human => human::render(&report, options.color),
        Format::Json => vec![json::render(&report)],
        Format::Sarif => sarif::render(&report),
        Format::Github => vec![github::render(&report)],
    };
    let exit_code = report.exit_code(options.fail_on);
    drop(report);
    // Freeing a large corpus's million small allocations and its index takes tens of
    // milliseconds, and the process ends right after the output: a thread does it meanwhile.
    let index = swept.index;
    std::thread::spawn(move || drop((documents, index)));
    Ok(Outcome {
        stdout,
        notes,
        exit_code,
    })
}
