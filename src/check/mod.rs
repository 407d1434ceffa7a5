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
use crate::discover::{self, SourceFile};
use crate::document::ShedDocument;
use crate::finding::{Finding, RuleCode, Severity};
use crate::index::CorpusIndex;
use crate::sweep;
use crate::text::{LineColumn, LineIndex, TextRange};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// One finding, placed for output: 1-based lines and columns (Unicode scalar values), end
/// exclusive. A view of the report's lists (`Diagnostics`), made as it is rendered: built and
/// kept for every finding, 136 bytes each, they were 7.5 MB of fresh pages at 10,000 dense
/// articles (800 page faults more than the views).
#[derive(Clone, Copy, Debug)]
pub struct Diagnostic<'r> {
    /// Relative to the corpus root, `/`-separated (JSON's `file`).
    pub file: &'r str,
    /// As the user can open it from the current folder.
    pub display_path: &'r str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: RuleCode,
    pub message: &'r str,
    pub suggestion: Option<&'r str>,
    pub range: TextRange,
    /// The lines that show it, cut while the text was at hand (human output only).
    pub excerpt: Option<&'r human::Excerpt>,
}

/// One document's findings as a report shows them, in order: the findings themselves (moved
/// from the sweep, not copied), and where each starts and ends.
#[derive(Clone, Debug, Default)]
pub struct DocumentDiagnostics {
    file: String,
    display_path: String,
    findings: Vec<Finding>,
    /// Line, column, end line and end column of each finding, 1-based.
    places: Vec<[u32; 4]>,
    /// Each finding's excerpt (human output), or none at all.
    excerpts: Vec<human::Excerpt>,
}

impl DocumentDiagnostics {
    fn len(&self) -> usize {
        self.findings.len()
    }

    /// Diagnostic `k` (below `len`).
    fn get(&self, k: usize) -> Diagnostic<'_> {
        let f = &self.findings[k];
        let [line, column, end_line, end_column] = self.places[k].map(|n| n as usize);
        Diagnostic {
            file: &self.file,
            display_path: &self.display_path,
            line,
            column,
            end_line,
            end_column,
            severity: f.severity,
            code: f.code,
            message: &f.message,
            suggestion: f.suggestion.as_deref(),
            range: f.range,
            excerpt: self.excerpts.get(k),
        }
    }

    /// Puts the findings in the report's order, by line, column and code, keeping the order
    /// of equals. A sweep's findings come in that order already (`rules::settle` sorts them
    /// by offset, and lines and columns grow with it), and are left as they are.
    fn sort(&mut self) {
        let key = |places: &[[u32; 4]], findings: &[Finding], k: usize| {
            (places[k][0], places[k][1], findings[k].code.as_str())
        };
        if (1..self.len()).all(|k| key(&self.places, &self.findings, k - 1) <= key(&self.places, &self.findings, k)) {
            return;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| key(&self.places, &self.findings, a).cmp(&key(&self.places, &self.findings, b)));
        let mut findings: Vec<Option<Finding>> = std::mem::take(&mut self.findings).into_iter().map(Some).collect();
        let mut excerpts: Vec<Option<human::Excerpt>> =
            std::mem::take(&mut self.excerpts).into_iter().map(Some).collect();
        let places = std::mem::take(&mut self.places);
        for k in order {
            self.findings.extend(findings[k].take());
            self.places.push(places[k]);
            self.excerpts.extend(excerpts.get_mut(k).and_then(Option::take));
        }
    }
}

pub struct Report {
    /// The corpus root as the user would write it from the current folder.
    pub root: String,
    pub documents: usize,
    pub diagnostics: Diagnostics,
}

/// A report's diagnostics in order, kept in the lists each document's were placed in on its
/// own core. Copied into one list, 55,000 of them took 4 ms of one core and 7.5 MB of fresh
/// pages at 10,000 dense articles.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// One list per document with findings, none empty.
    groups: Vec<DocumentDiagnostics>,
    len: usize,
}

impl Diagnostics {
    /// The diagnostics of `groups` in their order; empty groups are left out.
    fn new(mut groups: Vec<DocumentDiagnostics>) -> Self {
        groups.retain(|group| group.len() > 0);
        let len = groups.iter().map(DocumentDiagnostics::len).sum();
        Diagnostics { groups, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = Diagnostic<'_>> {
        self.groups.iter().flat_map(|g| (0..g.len()).map(move |k| g.get(k)))
    }

    /// The findings of every diagnostic, in order (what counts need, without placing each).
    fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.groups.iter().flat_map(|g| &g.findings)
    }

    /// The diagnostics in order, cut into pieces of `rows` each (the last may hold fewer), to
    /// be rendered on every core: a piece may span documents, and one document's many
    /// findings (400,000 on one line) span pieces.
    pub fn pieces(&self, rows: usize) -> Vec<Piece<'_>> {
        let rows = rows.max(1);
        let mut pieces = Vec::with_capacity(self.len.div_ceil(rows));
        let mut piece = Piece::default();
        for group in &self.groups {
            let mut from = 0;
            while from < group.len() {
                let to = from + (rows - piece.len).min(group.len() - from);
                piece.runs.push((group, from..to));
                piece.len += to - from;
                from = to;
                if piece.len == rows {
                    pieces.push(std::mem::take(&mut piece));
                }
            }
        }
        if piece.len > 0 {
            pieces.push(piece);
        }
        pieces
    }
}

/// Consecutive diagnostics of a report (`Diagnostics::pieces`).
#[derive(Debug, Default)]
pub struct Piece<'r> {
    runs: Vec<(&'r DocumentDiagnostics, std::ops::Range<usize>)>,
    len: usize,
}

impl<'r> Piece<'r> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = Diagnostic<'r>> + '_ {
        self.runs
            .iter()
            .flat_map(|(group, rows)| rows.clone().map(move |k| group.get(k)))
    }
}

/// What a report cuts of the text around each finding.
#[derive(Clone, Copy, Debug)]
pub enum Excerpts {
    /// Places only (json, sarif, github).
    None,
    /// The lines of each finding, as the human format shows them.
    Snippets,
    /// The lines of each finding whole however long (the human format's tests compare its
    /// windows of long lines with them).
    WholeLines,
}

impl Report {
    /// How many findings there are of each severity, indexed by `Severity as usize`: one pass
    /// over the diagnostics for a summary, not one per severity.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for f in self.diagnostics.findings() {
            counts[f.severity as usize] += 1;
        }
        counts
    }

    /// Exit status: 1 when a finding reaches the failing severity, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        match fail_on.threshold() {
            Some(t) if self.diagnostics.findings().any(|f| f.severity >= t) => 1,
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

/// `display_path` of each document of a corpus, with the root's part spelled once: joining,
/// parsing and stripping every document's whole path was a tenth of placing 55,000 findings.
struct DisplayPaths<'a> {
    root: &'a Path,
    cwd: &'a Path,
    /// The root as seen from `cwd`, with a final `/` (empty when they are the same folder),
    /// or `None` when the root does not lie below `cwd`: each path is then worked out whole.
    prefix: Option<String>,
}

impl<'a> DisplayPaths<'a> {
    fn new(root: &'a Path, cwd: &'a Path) -> Self {
        let prefix = root.strip_prefix(cwd).ok().map(|rel| match rel.as_os_str().is_empty() {
            true => String::new(),
            false => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        });
        DisplayPaths { root, cwd, prefix }
    }

    /// `display_path(&root.join(relative), cwd)`, for `relative` as discovery spells it (names
    /// joined by one `/`).
    fn of(&self, relative: &str) -> String {
        match &self.prefix {
            Some(prefix) if !relative.is_empty() => {
                let whole = format!("{prefix}{relative}");
                match whole.contains('\\') {
                    true => whole.replace('\\', "/"),
                    false => whole,
                }
            }
            _ => display_path(&self.root.join(relative), self.cwd),
        }
    }
}

/// Whether the document at `relative` lies in the part of the corpus at `root` that `scope`
/// selects: the file is `scope` or lies below it.
fn in_scope(root: &Path, scope: &Path, relative: &str) -> bool {
    root.join(relative).starts_with(scope)
}

/// What a report needs of a document's text for some of its findings (their lines, columns
/// and excerpts), taken while the text was at hand: a sweep drops an article's text once its
/// own rules ran, and this spares the report reading it again for those findings.
#[derive(Debug, Default)]
pub struct Places {
    /// Line and column of each finding's start and end, by offset: 12 bytes each, not 24
    /// (a text is far below 4 GiB), as a sweep holds them for every finding until the report.
    at: Vec<[u32; 3]>,
    /// Each finding's excerpt, by range (with `Excerpts::Snippets` or `WholeLines` only).
    excerpts: Vec<(TextRange, human::Excerpt)>,
}

impl Places {
    /// The places of `findings` in `text`.
    pub fn of(text: &str, lines: &LineIndex, findings: &[Finding], excerpts: Excerpts) -> Places {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut at: Vec<[u32; 3]> = Vec::with_capacity(2 * findings.len());
        for f in findings {
            for offset in [f.range.start, f.range.end] {
                let place = lines.line_column(text, offset as usize);
                at.push([offset, narrow(place.line), narrow(place.column)]);
            }
        }
        at.sort_unstable_by_key(|[offset, ..]| *offset);
        at.dedup_by_key(|[offset, ..]| *offset);
        let mut cut: Vec<(TextRange, human::Excerpt)> = findings
            .iter()
            .filter_map(|f| Some((f.range, excerpt(text, lines, f.range, excerpts)?)))
            .collect();
        cut.sort_unstable_by_key(|(range, _)| (range.start, range.end));
        cut.dedup_by_key(|(range, _)| (range.start, range.end));
        Places { at, excerpts: cut }
    }

    fn line_column(&self, offset: u32) -> Option<LineColumn> {
        let k = self.at.binary_search_by_key(&offset, |[o, ..]| *o).ok()?;
        let [_, line, column] = self.at[k];
        Some(LineColumn {
            line: line as usize,
            column: column as usize,
        })
    }

    fn excerpt(&self, range: TextRange) -> Option<&human::Excerpt> {
        let k = self
            .excerpts
            .binary_search_by_key(&(range.start, range.end), |(r, _)| (r.start, r.end))
            .ok()?;
        Some(&self.excerpts[k].1)
    }

    /// Where `finding` starts and ends (1-based) and its excerpt, if it took them all.
    fn place(&self, finding: &Finding, excerpts: Excerpts) -> Option<([u32; 4], Option<human::Excerpt>)> {
        let excerpt = match excerpts {
            Excerpts::None => None,
            _ => Some(self.excerpt(finding.range)?.clone()),
        };
        let start = self.line_column(finding.range.start)?;
        let end = self.line_column(finding.range.end)?;
        Some((one_based(start, end), excerpt))
    }
}

/// A start and an end as a report gives them: 1-based lines and columns.
fn one_based(start: LineColumn, end: LineColumn) -> [u32; 4] {
    [start.line, start.column, end.line, end.column].map(|n| u32::try_from(n + 1).unwrap_or(u32::MAX))
}

/// The excerpt of the finding at `range`, as the report's mode cuts it.
fn excerpt(text: &str, lines: &LineIndex, range: TextRange, excerpts: Excerpts) -> Option<human::Excerpt> {
    match excerpts {
        Excerpts::None => None,
        Excerpts::Snippets => Some(human::excerpt(text, lines, range, human::WHOLE_LINES)),
        Excerpts::WholeLines => Some(human::excerpt(text, lines, range, usize::MAX)),
    }
}

/// A document's findings for a report, with the places taken during the sweep, if any.
pub type Judged<'c> = (&'c ShedDocument, Vec<Finding>, Option<Places>);

/// Places the findings of the documents in scope for output, sorted by file, position and code.
///
/// A document whose text was dropped (an article after a sweep) is placed from the places
/// its sweep took while the text was at hand (`Places`); one with a finding those do not
/// hold (a link finding, found after the text went) is placed from the lines the sweep kept
/// of an ASCII text when no excerpt is wanted, and otherwise read again from below `root`,
/// one at a time on each core, and dropped once its findings are placed: a report's memory is
/// its findings, not the corpus's texts.
pub fn report<'c>(
    root: &Path,
    findings: impl Iterator<Item = Judged<'c>>,
    cwd: &Path,
    limit: u64,
    excerpts: Excerpts,
) -> Report {
    use rayon::prelude::*;
    let mut judged: Vec<Judged<'c>> = findings.collect();
    let documents = judged.len();
    judged.retain(|(_, found, _)| !found.is_empty());
    // The report's order is by file first: documents are put in order, and then each one's
    // findings, never the whole list (a sort of half a million diagnostics, and a copy of
    // them into its buffer, at 100,000 dense articles).
    judged.par_sort_by(|(a, _, _), (b, _, _)| a.path.as_str().cmp(b.path.as_str()));
    let display = DisplayPaths::new(root, cwd);
    let placed: Vec<DocumentDiagnostics> = judged
        .into_par_iter()
        .map(|(doc, doc_findings, places)| {
            let mut placed = place(root, &display, limit, excerpts, doc, doc_findings, places);
            placed.sort();
            placed
        })
        .collect();
    Report {
        root: display_path(root, cwd),
        documents,
        diagnostics: Diagnostics::new(placed),
    }
}

/// One document's findings placed, in the findings' order.
fn place(
    root: &Path,
    display: &DisplayPaths,
    limit: u64,
    excerpts: Excerpts,
    doc: &ShedDocument,
    findings: Vec<Finding>,
    places: Option<Places>,
) -> DocumentDiagnostics {
    let mut placed = DocumentDiagnostics {
        file: doc.path.clone(),
        display_path: display.of(&doc.path),
        places: Vec::with_capacity(findings.len()),
        excerpts: Vec::new(),
        findings,
    };
    // From the sweep's places, when they hold every finding's.
    let all = places.is_some_and(|p| {
        placed.findings.iter().all(|f| match p.place(f, excerpts) {
            Some((at, excerpt)) => {
                placed.places.push(at);
                placed.excerpts.extend(excerpt);
                true
            }
            None => false,
        })
    });
    if all {
        return placed;
    }
    placed.places.clear();
    placed.excerpts.clear();
    // Places without excerpts come from the lines of a dropped ASCII text alone.
    let from_lines = doc.lines_of_dropped_text && matches!(excerpts, Excerpts::None);
    let again = (doc.text.is_empty() && !from_lines).then(|| {
        let text = corpus::read_text(&root.join(&doc.path), limit);
        let lines = LineIndex::new(&text);
        (text, lines)
    });
    let (text, lines) = match &again {
        Some((text, lines)) => (text.as_str(), lines),
        None => (doc.text.as_str(), &doc.lines),
    };
    let at = |offset: u32| {
        let alone = from_lines.then(|| lines.ascii_line_column(offset as usize)).flatten();
        alone.unwrap_or_else(|| lines.line_column(text, offset as usize))
    };
    for f in &placed.findings {
        placed.places.push(one_based(at(f.range.start), at(f.range.end)));
        placed.excerpts.extend(excerpt(text, lines, f.range, excerpts));
    }
    placed
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
    /// The report, rendered as it is written (`Outcome::write`).
    pub report: Report,
    format: Format,
    color: bool,
    /// Notes for standard error (configuration warnings, an empty scope).
    pub notes: Vec<String>,
    pub exit_code: i32,
    /// The corpus the report was made from, and its files, freed with the outcome. The command exits
    /// without freeing either: a million small allocations at 100,000 articles took 130 ms
    /// of a core to free, in a thread that competed with the output and was cut short by
    /// the exit anyway.
    _corpus: (Vec<SourceFile>, Vec<ShedDocument>, CorpusIndex),
}

impl Outcome {
    /// Writes the report in the format asked for. JSON, the format of large reports, is
    /// rendered in parallel chunks and written a few chunks at a time, never held whole; the
    /// others are rendered in pieces and then written one after the other.
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let pieces = match self.format {
            Format::Json => return json::write(&self.report, out),
            Format::Human => human::render(&self.report, self.color),
            Format::Sarif => sarif::render(&self.report),
            Format::Github => vec![github::render(&self.report)],
        };
        pieces.iter().try_for_each(|piece| out.write_all(piece.as_bytes()))
    }
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
    let excerpts = match options.format {
        Format::Human => Excerpts::Snippets,
        _ => Excerpts::None,
    };
    let placer = Placer {
        excerpts,
        places: Mutex::new(Vec::with_capacity(files.len())),
    };
    let whole = scope == root;
    let pass = discover::ReadPass::new();
    let swept = sweep::sweep_visiting(
        &config,
        &files,
        |file| corpus::document_of(file, pass.read(&file.path, config.max_file_size)),
        // The whole corpus, the usual scope, without a path joined and compared per document.
        |file| whole || in_scope(&root, &scope, &file.relative),
        &placer,
    );
    let documents = swept.documents;
    let places = placer.places.into_inner().unwrap_or_else(|e| e.into_inner());
    let judged = documents
        .iter()
        .zip(swept.findings)
        .zip(places)
        .filter_map(|((doc, findings), places)| Some((doc, findings?, places)));
    let report = report(&root, judged, &cwd, config.max_file_size, excerpts);
    if report.documents == 0 && scope != root {
        notes.push(format!(
            "{} holds no document of the corpus at {} (documents are the files that [corpus] articles and entities match)",
            options.path.display(),
            report.root
        ));
    }
    let exit_code = report.exit_code(options.fail_on);
    Ok(Outcome {
        report,
        format: options.format,
        color: options.color,
        notes,
        exit_code,
        _corpus: (files, documents, swept.index),
    })
}

/// The sweep's visitor of `annals check`: an article's own findings placed while its text
/// is at hand (`Places`), in file order.
struct Placer {
    excerpts: Excerpts,
    places: Mutex<Vec<Option<Places>>>,
}

impl sweep::Visitor for Placer {
    type Visit = Option<Places>;

    fn visit(&self, cx: &crate::rules::Context, own: Option<&[Finding]>) -> Option<Places> {
        // An entity keeps its text through the sweep; an article with no finding needs no place.
        let own = own.filter(|own| !own.is_empty() && cx.doc.kind == crate::document::DocumentKind::Article)?;
        Some(Places::of(&cx.doc.text, &cx.doc.lines, own, self.excerpts))
    }

    fn take(&self, batch: Vec<Option<Places>>) {
        self.places.lock().unwrap_or_else(|e| e.into_inner()).extend(batch);
    }

    fn batch(&self) -> usize {
        usize::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document's diagnostics on lines `lines`.
    fn document(lines: std::ops::Range<usize>) -> DocumentDiagnostics {
        DocumentDiagnostics {
            file: "articles/a.md".into(),
            display_path: "articles/a.md".into(),
            findings: lines
                .clone()
                .map(|_| Finding::new(RuleCode::UndatedClaim, TextRange::default(), ""))
                .collect(),
            places: lines.map(|line| [line as u32, 1, line as u32, 2]).collect(),
            excerpts: Vec::new(),
        }
    }

    /// Pieces hold every diagnostic once, in order, `rows` to a piece but the last, across
    /// documents and within one document's many; empty documents are no piece.
    #[test]
    fn pieces_cut_the_diagnostics_in_order() {
        let mut line = 1;
        let groups: Vec<DocumentDiagnostics> = [0, 1, 5, 0, 13, 2, 4]
            .iter()
            .map(|&n| {
                line += n;
                document(line - n..line)
            })
            .collect();
        let diagnostics = Diagnostics::new(groups);
        assert_eq!(diagnostics.len(), 25);
        let all: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(all, (1..=25).collect::<Vec<_>>());
        for rows in [1, 3, 4, 25, 100] {
            let pieces = diagnostics.pieces(rows);
            assert_eq!(pieces.len(), 25usize.div_ceil(rows), "{rows} rows");
            let (last, full) = pieces.split_last().unwrap();
            assert!(full.iter().all(|p| p.len() == rows), "{rows} rows");
            assert_eq!(last.len(), 25 - rows * full.len());
            let lines: Vec<usize> = pieces.iter().flat_map(|p| p.iter().map(|d| d.line)).collect();
            assert_eq!(lines, all, "{rows} rows");
        }
        assert!(
            Diagnostics::new(vec![document(0..0), document(0..0)])
                .pieces(4)
                .is_empty()
        );
    }

    /// A document's findings are put in order by line, column and code, equals kept in their
    /// order, each with its own place; findings in order already stay as they are.
    #[test]
    fn a_document_is_sorted_by_line_column_and_code() {
        let mut doc = document(0..0);
        let placed = [
            (3, 1, RuleCode::UndatedClaim, "a"),
            (1, 5, RuleCode::UndatedClaim, "b"),
            (1, 5, RuleCode::BrokenReference, "c"),
            (1, 2, RuleCode::UndatedClaim, "d"),
            (1, 5, RuleCode::BrokenReference, "e"),
        ];
        for (line, column, code, message) in placed {
            doc.findings.push(Finding::new(code, TextRange::default(), message));
            doc.places.push([line, column, line, column + 1]);
        }
        doc.sort();
        fn order(doc: &DocumentDiagnostics) -> Vec<(usize, usize, String)> {
            (0..doc.len())
                .map(|k| doc.get(k))
                .map(|d| (d.line, d.end_column - 1, d.message.to_string()))
                .collect()
        }
        let sorted = order(&doc);
        let expected = [(1, 2, "d"), (1, 5, "c"), (1, 5, "e"), (1, 5, "b"), (3, 1, "a")];
        assert_eq!(sorted, expected.map(|(l, c, m)| (l, c, m.to_string())));
        doc.sort();
        assert_eq!(order(&doc), sorted);
    }

    /// The root's part worked out once spells every path as `display_path` does: below the
    /// current folder, the same folder, above it, beside it.
    #[test]
    fn display_paths_are_display_path() {
        let relatives = ["articles/a.md", "entities/x/b c.md", "a\\b.md", "articles/ü.md"];
        for (root, cwd) in [
            ("/w/corpus", "/w"),
            ("/w/corpus", "/w/corpus"),
            ("/w/corpus", "/w/corpus/articles"),
            ("/w/corpus", "/elsewhere"),
            ("/w/deep/corpus", "/w"),
            ("/w/corpus/", "/w/"),
        ] {
            let (root, cwd) = (Path::new(root), Path::new(cwd));
            let display = DisplayPaths::new(root, cwd);
            for relative in relatives {
                assert_eq!(
                    display.of(relative),
                    display_path(&root.join(relative), cwd),
                    "{relative} of {root:?} from {cwd:?}"
                );
            }
        }
    }
}
