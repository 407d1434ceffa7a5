//! `annals export`: the annotations as data other tools read (jsonl, csv, w3c, brat).
//!
//! A face over the same core as check: the corpus is swept as check sweeps it (sweep.rs),
//! and each document, while its syntax is there, becomes its records (`records.rs`: plain
//! text, places, ids, targets), which a format lays out (`jsonl.rs`, `csv.rs`, `w3c.rs`,
//! `brat.rs`). Batches of documents are written in file order as the sweep goes, so memory
//! stays what check's is. A corpus with errors is refused (exit status 1) unless
//! `--allow-errors`: its references would dangle. Only `out.rs` writes, and only below `--out`.

pub(crate) mod brat;
mod csv;
mod iri;
mod jsonl;
pub(crate) mod out;
mod records;
mod w3c;

pub use out::{MANIFEST, OutError};

use crate::check::{self, Report};
use crate::config::{self, Config};
use crate::corpus::{self, LoadError};
use crate::discover::SourceFile;
use crate::finding::{Finding, RuleCode, Severity};
use crate::plain_text::Unit;
use crate::rules::Context;
use crate::sweep::{self, Visitor};
use iri::Iris;
use out::Staging;
use records::Exported;
use serde::Serialize;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines, one file per table: documents, entities, mentions, claims, relations.
    Jsonl,
    /// The same tables as CSV (RFC 4180), and roles.csv.
    Csv,
    /// W3C Web Annotation Data Model: annotations.jsonl and collection.jsonld.
    W3c,
    /// brat standoff: DOC.txt and DOC.ann per document, annotation.conf, tools.conf.
    Brat,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::W3c => "w3c",
            Format::Brat => "brat",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Offsets {
    /// Unicode code points (Python's string indices; the W3C model's and brat's).
    Codepoints,
    /// UTF-16 code units (JavaScript's string indices).
    Utf16,
}

impl Offsets {
    fn unit(self) -> Unit {
        match self {
            Offsets::Codepoints => Unit::CodePoints,
            Offsets::Utf16 => Unit::Utf16,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Offsets::Codepoints => "codepoints",
            Offsets::Utf16 => "utf16",
        }
    }
}

/// Where the export goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Folder(PathBuf),
    /// `--out -`: one stream to standard output (jsonl and w3c only).
    Stdout,
}

impl Destination {
    pub fn parse(out: &Path) -> Destination {
        if out == Path::new("-") {
            Destination::Stdout
        } else {
            Destination::Folder(out.to_path_buf())
        }
    }
}

pub struct Options {
    pub path: PathBuf,
    pub format: Format,
    pub out: Destination,
    pub force: bool,
    pub allow_errors: bool,
    pub offsets: Offsets,
    pub base_uri: Option<String>,
    /// Colour in the listing of errors (standard error).
    pub color: bool,
}

/// Why an export could not run (exit status 2).
#[derive(Debug)]
pub enum ExportError {
    Load(LoadError),
    Usage(String),
    Out(OutError),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Load(e) => e.fmt(f),
            ExportError::Usage(m) => f.write_str(m),
            ExportError::Out(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<LoadError> for ExportError {
    fn from(e: LoadError) -> Self {
        ExportError::Load(e)
    }
}

impl From<OutError> for ExportError {
    fn from(e: OutError) -> Self {
        ExportError::Out(e)
    }
}

/// What a document, or the whole export, holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: usize,
    pub entities: usize,
    pub mentions: usize,
    pub claims: usize,
    pub relations: usize,
    /// w3c: annotations written (mentions, claims and relations between claims).
    #[serde(skip_serializing_if = "is_zero")]
    pub annotations: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.documents += other.documents;
        self.entities += other.entities;
        self.mentions += other.mentions;
        self.claims += other.claims;
        self.relations += other.relations;
        self.annotations += other.annotations;
    }
}

/// What one document adds to the export.
pub struct Piece {
    /// Bytes to append to stream files (tables), by file name; `-` is the one stream of
    /// standard output.
    streams: Vec<(&'static str, Vec<u8>)>,
    /// A write that failed on a worker (brat's own files).
    error: Option<(PathBuf, std::io::Error)>,
    /// w3c: the document's annotations (see `w3c::Collection`).
    annotations: Option<w3c::Lines>,
    counts: Counts,
}

/// What a run did, for the terminal.
pub struct Outcome {
    pub exit_code: i32,
    /// For standard error: the errors that refused the export (check's human format), in pieces.
    pub refused: Vec<String>,
    /// For standard error: warnings and what was written.
    pub notes: Vec<String>,
    pub counts: Counts,
    /// Where the export went (a folder export that was written).
    pub written: Option<PathBuf>,
}

/// Exports a corpus. Standard output (`--out -`) goes to `stdout`.
pub fn run<'w>(options: &Options, stdout: impl Write + Send + 'w) -> Result<Outcome, ExportError> {
    let one_stream = options.out == Destination::Stdout;
    if one_stream && matches!(options.format, Format::Csv | Format::Brat) {
        return Err(ExportError::Usage(format!(
            "--format {} writes several files: give a folder to --out (only jsonl and w3c write one stream to `-`)",
            options.format.as_str()
        )));
    }
    if options.format == Format::Brat && options.offsets == Offsets::Utf16 {
        return Err(ExportError::Usage(
            "brat counts offsets in code points: --offsets utf16 would misplace every annotation in brat; leave --offsets out".into(),
        ));
    }
    let base = options
        .base_uri
        .as_deref()
        .map(iri::check_base)
        .transpose()
        .map_err(ExportError::Usage)?;

    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let scope = std::path::absolute(&options.path).unwrap_or_else(|_| options.path.clone());
    if !scope.exists() {
        return Err(LoadError::NoCorpus(options.path.clone()).into());
    }
    let root = config::find_root(&scope).ok_or_else(|| LoadError::NoCorpus(scope.clone()))?;
    let (config, files) = corpus::configured_files(&root)?;
    let mut notes: Vec<String> = config.warnings.iter().map(|w| format!("annals.toml: {w}")).collect();
    let name = config
        .name
        .clone()
        .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "corpus".to_string());
    let iris = match base {
        Some(base) => Iris::new(base),
        None => Iris::default_for(&name),
    };
    // Only errors refuse an export: the rules of other severities are not run.
    let rules = errors_only(&config);
    let read = |file: &SourceFile| corpus::read_document(file, config.max_file_size);

    // brat's files are written by the workers, under stems fixed here in file order.
    let mut renamed = Vec::new();
    let brat_stems = (options.format == Format::Brat).then(|| {
        let ids: Vec<String> = files
            .iter()
            .map(|f| crate::discover::document_id(&f.relative))
            .collect();
        let stems = brat::stems(ids.iter().map(String::as_str));
        for (id, stem) in ids.iter().zip(&stems) {
            if id != stem {
                renamed.push((id.clone(), stem.clone()));
            }
        }
        stems
    });
    let mut sink = Sink {
        target: match &options.out {
            Destination::Stdout => Target::Stdout(Box::new(stdout)),
            Destination::Folder(out) => Target::Folder(Staging::prepare(out, options.force)?),
        },
        format: options.format,
        iris: &iris,
        collection: w3c::Collection::default(),
        error: None,
        closed: false,
        counts: Counts::default(),
        renamed,
    };
    let brat_files = match (&sink.target, brat_stems) {
        (Target::Folder(staging), Some(stems)) => Some((stems, staging.files())),
        _ => None,
    };

    // To standard output nothing can be taken back: the errors are known before a line is written.
    if one_stream && !options.allow_errors {
        let swept = sweep::sweep(&rules, &files, read, |_| true);
        if let Some(refused) = refusal(&root, &cwd, &swept, options.color, config.max_file_size) {
            return Ok(refused);
        }
    }
    let judge = !one_stream || options.allow_errors;
    // A thread of its own writes each batch while the next one is computed; two batches wait
    // at most, so memory stays bounded.
    let (batches, received) = std::sync::mpsc::sync_channel::<Vec<Piece>>(2);
    let (swept, mut sink) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            for batch in received {
                sink.write(batch);
            }
            sink
        });
        let exporter = Exporter {
            format: options.format,
            unit: options.offsets.unit(),
            iris: &iris,
            one_stream,
            brat: brat_files,
            batches: Mutex::new(Some(batches)),
        };
        let swept = sweep::sweep_visiting(&rules, &files, read, |_| judge, &exporter);
        drop(exporter); // Closes the channel: the writer ends.
        let sink = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (swept, sink)
    });
    let errors = errors_in(&swept);
    if !options.allow_errors
        && let Some(refused) = refusal(&root, &cwd, &swept, options.color, config.max_file_size)
    {
        // The staging folder is dropped, and removed, with the sink.
        return Ok(refused);
    }
    if errors > 0 {
        notes.push(format!(
            "exported despite {errors} error{} (--allow-errors): references may dangle",
            if errors == 1 { "" } else { "s" }
        ));
    }
    if let Some((path, error)) = sink.error.take() {
        return Err(OutError::Io { path, error }.into());
    }
    let counts = sink.counts;
    if let Target::Stdout(w) = &mut sink.target {
        // A closed pipe (`annals export --out - | head`) is not an error worth a message.
        let _ = w.flush();
    }
    let written = match sink.target {
        Target::Stdout(_) => None,
        Target::Folder(mut staging) => {
            let manifest = Manifest {
                annals: env!("CARGO_PKG_VERSION"),
                format: options.format.as_str(),
                offsets: options.offsets.as_str(),
                corpus: &name,
                base_uri: iris.base(),
                counts,
                errors,
                renamed: sink
                    .renamed
                    .iter()
                    .map(|(id, stem)| (id.as_str(), stem.as_str()))
                    .collect(),
            };
            finish(&mut staging, options.format, &iris, &name, sink.collection, &manifest)
                .map_err(|(path, error)| OutError::Io { path, error })?;
            Some(staging.commit()?)
        }
    };
    if let Some(path) = &written {
        let n = |count: usize, what: &str| format!("{count} {what}{}", if count == 1 { "" } else { "s" });
        notes.push(format!(
            "exported {} ({}, {}, {}) as {} to {}",
            n(counts.documents, "document"),
            n(counts.mentions, "mention"),
            n(counts.claims, "claim"),
            n(counts.relations, "relation"),
            options.format.as_str(),
            check::display_path(path, &cwd)
        ));
    }
    // Freeing a large corpus's documents and index takes tens of milliseconds: a thread does it.
    std::thread::spawn(move || drop(swept));
    Ok(Outcome {
        exit_code: 0,
        refused: Vec::new(),
        notes,
        counts,
        written,
    })
}

/// The configuration with every rule whose findings are not errors turned off.
fn errors_only(config: &Config) -> Config {
    let mut rules = config.clone();
    for &code in RuleCode::ALL {
        if config.severity(code) != Some(Severity::Error) {
            rules.rules.insert(code, None);
        }
    }
    rules
}

fn errors_in(swept: &sweep::Swept) -> usize {
    swept
        .findings
        .iter()
        .flatten()
        .flatten()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// The refusal of a corpus with errors: them, listed as check lists them.
fn refusal(root: &Path, cwd: &Path, swept: &sweep::Swept, color: bool, limit: u64) -> Option<Outcome> {
    let errors = errors_in(swept);
    if errors == 0 {
        return None;
    }
    let judged = swept
        .documents
        .iter()
        .zip(&swept.findings)
        .filter_map(|(doc, findings)| {
            let errors: Vec<_> = findings
                .as_ref()?
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .cloned()
                .collect();
            Some((doc, errors, None))
        });
    let report: Report = check::report(root, judged, cwd, limit, check::Excerpts::Snippets);
    let mut refused = check::render_human(&report, color);
    refused.push(format!(
        "annals: error: export refused: the corpus has {errors} error{} (above), and its references would dangle; fix {}, or pass --allow-errors to export anyway\n",
        if errors == 1 { "" } else { "s" },
        if errors == 1 { "it" } else { "them" }
    ));
    Some(Outcome {
        exit_code: 1,
        refused,
        notes: Vec::new(),
        counts: Counts::default(),
        written: None,
    })
}

#[derive(Serialize)]
struct Manifest<'a> {
    annals: &'static str,
    format: &'static str,
    offsets: &'static str,
    corpus: &'a str,
    base_uri: &'a str,
    #[serde(flatten)]
    counts: Counts,
    errors: usize,
    /// brat: documents whose files are not named by their id (an id that is no valid file
    /// name, or two that a case-insensitive file system takes for one).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    renamed: std::collections::BTreeMap<&'a str, &'a str>,
}

/// What a folder export holds besides the documents' pieces: every table file (an empty
/// table still has its file, and CSV its header), the w3c collection, the brat
/// configuration, and the manifest.
fn finish(
    staging: &mut Staging,
    format: Format,
    iris: &Iris,
    name: &str,
    collection: w3c::Collection,
    manifest: &Manifest,
) -> Result<(), (PathBuf, std::io::Error)> {
    let at = |file: &str| {
        let path = PathBuf::from(file);
        move |e| (path, e)
    };
    match format {
        Format::Jsonl => {
            for file in jsonl::FILES {
                staging.append(file, b"").map_err(at(file))?;
            }
        }
        Format::Csv => {
            for (file, columns) in csv::TABLES {
                if !staging.has_stream(file) {
                    staging.append(file, &csv::header(columns)).map_err(at(file))?;
                }
            }
        }
        Format::W3c => {
            for file in ["annotations.jsonl", "documents.jsonl"] {
                staging.append(file, b"").map_err(at(file))?;
            }
            let out = staging.stream("collection.jsonld").map_err(at("collection.jsonld"))?;
            collection.finish(iris, name, out).map_err(at("collection.jsonld"))?;
        }
        Format::Brat => {
            let annotation = brat::annotation_conf();
            staging
                .append("annotation.conf", annotation.as_bytes())
                .map_err(at("annotation.conf"))?;
            let tools = brat::tools_conf(iris);
            staging
                .append("tools.conf", tools.as_bytes())
                .map_err(at("tools.conf"))?;
        }
    }
    let mut bytes = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    bytes.push(b'\n');
    staging.append(MANIFEST, &bytes).map_err(at(MANIFEST))
}

/// Where the sink writes.
enum Target<'w> {
    Folder(Staging),
    Stdout(Box<dyn Write + Send + 'w>),
}

/// What writes the pieces, in order, on the writer thread.
struct Sink<'w> {
    target: Target<'w>,
    format: Format,
    iris: &'w Iris,
    collection: w3c::Collection,
    /// The first write that failed; nothing is written after it.
    error: Option<(PathBuf, std::io::Error)>,
    /// Standard output was closed by its reader.
    closed: bool,
    counts: Counts,
    /// brat: (document id, file stem) of documents not filed under their id.
    renamed: Vec<(String, String)>,
}

impl Sink<'_> {
    fn write(&mut self, batch: Vec<Piece>) {
        for piece in batch {
            if self.error.is_some() || self.closed {
                return;
            }
            self.counts.add(piece.counts);
            let result = match &mut self.target {
                _ if piece.error.is_some() => piece.error.map_or(Ok(()), Err),
                Target::Stdout(w) => write_to_stream(w, self.iris, &mut self.collection, piece),
                Target::Folder(staging) => write_piece(staging, self.format, self.iris, &mut self.collection, piece),
            };
            match result {
                // A closed pipe (`annals export --out - | head`) ends the output, not with an error.
                Err((_, e))
                    if e.kind() == std::io::ErrorKind::BrokenPipe && matches!(self.target, Target::Stdout(_)) =>
                {
                    self.closed = true;
                }
                Err(e) => self.error = Some(e),
                Ok(()) => {}
            }
        }
    }
}

struct Exporter<'a> {
    format: Format,
    unit: Unit,
    iris: &'a Iris,
    one_stream: bool,
    /// brat: each document's file stem, by slot, and the folder to create them in.
    brat: Option<(Vec<String>, out::FolderFiles)>,
    /// To the writer thread; taken by the sweeping thread only, once per batch.
    batches: Mutex<Option<std::sync::mpsc::SyncSender<Vec<Piece>>>>,
}

/// Documents per batch: enough for both cores, few enough that a batch's output is small.
const BATCH: usize = 128;

impl Visitor for Exporter<'_> {
    type Visit = Piece;

    fn visit(&self, cx: &Context, _: Option<&[Finding]>) -> Piece {
        let ex = Exported::new(cx, self.unit);
        match self.format {
            Format::Jsonl => jsonl::piece(&ex, self.one_stream),
            Format::Csv => csv::piece(&ex),
            Format::W3c => w3c::piece(&ex, self.iris, self.one_stream),
            Format::Brat => match &self.brat {
                Some((stems, files)) => brat::piece(&ex, &stems[cx.slot.index()], files),
                None => Piece {
                    streams: Vec::new(),
                    error: Some((PathBuf::from("-"), std::io::Error::other("brat writes a folder"))),
                    annotations: None,
                    counts: Counts::default(),
                },
            },
        }
    }

    fn take(&self, batch: Vec<Piece>) {
        let batches = self.batches.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = batches.as_ref() {
            // A writer that stopped has said why in its sink.
            let _ = sender.send(batch);
        }
    }

    fn batch(&self) -> usize {
        BATCH
    }
}

type WriteResult = Result<(), (PathBuf, std::io::Error)>;

fn write_to_stream(w: &mut impl Write, iris: &Iris, collection: &mut w3c::Collection, piece: Piece) -> WriteResult {
    let at = |e| (PathBuf::from("-"), e);
    for (_, bytes) in &piece.streams {
        w.write_all(bytes).map_err(at)?;
    }
    if let Some(lines) = &piece.annotations {
        collection.add(iris, lines, w, None).map_err(at)?;
    }
    Ok(())
}

fn write_piece(
    staging: &mut Staging,
    format: Format,
    iris: &Iris,
    collection: &mut w3c::Collection,
    piece: Piece,
) -> WriteResult {
    for (name, bytes) in &piece.streams {
        if format == Format::Csv && !staging.has_stream(name) {
            let header = csv::TABLES
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, columns)| csv::header(columns));
            staging
                .append(name, &header.unwrap_or_default())
                .map_err(|e| (PathBuf::from(*name), e))?;
        }
        staging.append(name, bytes).map_err(|e| (PathBuf::from(*name), e))?;
    }
    if let Some(lines) = &piece.annotations {
        let at = |e| (PathBuf::from("annotations.jsonl"), e);
        // Both streams at once: the lines go to annotations.jsonl, their ids to the pages.
        let (annotations, pages) = staging
            .two_streams("annotations.jsonl", "collection.jsonld")
            .map_err(at)?;
        collection.add(iris, lines, annotations, Some(pages)).map_err(at)?;
    }
    Ok(())
}
