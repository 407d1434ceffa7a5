//! The `annals` command: `check` for terminals and CI, `lsp` for editors, `export` for other
//! tools, `fix` to apply the safe fixes, `init` for a new corpus, `explain` for a rule's page, and completions and a man page
//! for the shell.

use annals::check::{self, FailOn, Format};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Faster than the system allocator on the model's many small allocations (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, the same in mimalloc.h v2
/// and v3; libmimalloc-sys declares `mi_option_set` but names no constant for it). The unit
/// test below fails if the place moves.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// Freed memory goes back to the system after 10 ms, not a second later (mimalloc v3's
/// default). A check frees each article's syntax as soon as its rules ran, and with the second
/// mimalloc kept the pages of thousands of freed articles: peak RSS on 10,000 articles (dense
/// shape) was 235-255 MB. Returned at once (0 ms), every freed page was unmapped and faulted in
/// again zeroed, with a TLB shootdown on the other core each time: 10 ms keeps the pages of the
/// articles in hand and returns the rest (10,000 dense: 378 to 329 ms, 147 to 149 MB; 100,000:
/// 6.47 to 6.0 s, 1.33 to 1.34 GB).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn purge_freed_memory_soon() {
    // SAFETY: sets an integer option; mimalloc reads options atomically.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

#[derive(Parser)]
#[command(
    name = "annals",
    version,
    about = "Checker and language server for annotated news corpora"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check a corpus and report every finding.
    ///
    /// Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 when the
    /// check could not run (no corpus found, an unreadable annals.toml).
    Check {
        /// The corpus root, or any folder or file inside it (annals.toml is found upward).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The least severity that makes the exit status 1.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Colour in human output: auto colours only a terminal, and never with NO_COLOR set.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Export the annotations as data: JSON Lines, CSV, W3C Web Annotations or brat standoff.
    ///
    /// Analyses the whole corpus as check does. A corpus with errors is refused, with the errors
    /// listed, unless --allow-errors. Writes only into --out: a new folder, built next to it and
    /// renamed into place, or standard output with `--out -` (jsonl and w3c).
    ///
    /// Exit status: 0 when the export was written, 1 when the corpus has errors (nothing was
    /// written), 2 when the export could not run (no corpus, a bad option, --out not empty).
    Export {
        /// The corpus root, or any folder or file inside it (annals.toml is found upward).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// What to write.
        #[arg(long, value_enum, default_value_t = annals::export::Format::Jsonl)]
        format: annals::export::Format,
        /// The folder to create (absent or empty, unless --force), or `-` for standard output.
        #[arg(long)]
        out: PathBuf,
        /// Replace --out when it holds a previous export (its annals-export.json); a folder of
        /// other files is never replaced.
        #[arg(long)]
        force: bool,
        /// Export a corpus with errors (references may then dangle).
        #[arg(long)]
        allow_errors: bool,
        /// What `start` and `end` count in the plain text.
        #[arg(long, value_enum, default_value_t = annals::export::Offsets::Codepoints)]
        offsets: annals::export::Offsets,
        /// The base of the w3c export's IRIs (default `urn:annals:CORPUS-NAME:`).
        #[arg(long)]
        base_uri: Option<String>,
        /// Colour in the listing of errors: auto colours only a terminal, and never with NO_COLOR set.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Build a static website of the corpus to read: articles with their annotations followed,
    /// entity pages, claim threads, a timeline, the claim graph and a search box.
    ///
    /// Works from file:// and any static host: no server, no network. Writes only into --out:
    /// a new folder, built next to it and renamed into place.
    ///
    /// Exit status: 0 when the site was written, 2 when it could not be (no corpus, --out not
    /// empty).
    Site {
        /// The corpus root, or any folder or file inside it (annals.toml is found upward).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The folder to create (absent or empty, unless --force).
        #[arg(long)]
        out: PathBuf,
        /// Replace --out when it holds a previous site (its annals-site.json); a folder of
        /// other files is never replaced.
        #[arg(long)]
        force: bool,
        /// Add a page of check's findings.
        #[arg(long)]
        with_findings: bool,
    },
    /// Apply the fixes that are safe in bulk, and report what changed per file.
    ///
    /// Fixes: unannotated names that belong to one entity only (unannotated-mention);
    /// date= from the one date of an undated claim's sentence (undated-claim); by= for an
    /// unsourced claim whose attribution names its speaker (unsourced-claim); an unknown id or
    /// broken reference replaced by its one suggestion at edit distance 1 (unknown-entity,
    /// broken-reference); a quotation whose speaker was found wrapped in a claim
    /// (unannotated-quote). Each file's fixes are checked again, and a fix that would create
    /// an error is not applied. Writes only the corpus's own document files, each replaced
    /// atomically (a temporary file in its folder, then a rename), never outside the corpus.
    ///
    /// Exit status: 0 when no error remains, 1 when errors remain that fix cannot mend, 2 when
    /// fix could not run (no corpus found, an unknown rule) or a file could not be written.
    Fix {
        /// The corpus root, or any folder or file inside it (annals.toml is found upward).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Fix only this rule's findings (repeatable), e.g. --rule unannotated-quote.
        #[arg(long = "rule", value_name = "CODE")]
        rules: Vec<String>,
        /// Print a unified diff of the fixes and write nothing.
        #[arg(long)]
        diff: bool,
    },
    /// Write a synthetic corpus, to try annals at scale and for the benchmarks.
    ///
    /// Deterministic: the same options give the same files. About 5 KB, 30 mentions and
    /// 10 claims per article; a few hub articles referenced by thousands; planted findings.
    Generate {
        /// The folder to create (it must not exist or be empty, unless --force).
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        /// Default: a fifth of the articles, at least 50.
        #[arg(long)]
        entities: Option<usize>,
        /// sparse: findings in about 1% of the claims; dense: a warning in nine articles in
        /// ten, an error in one in thirty, and unannotated names in every article.
        #[arg(long, value_enum, default_value_t = annals::generate::Shape::Sparse)]
        shape: annals::generate::Shape,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write into a folder that already holds files.
        #[arg(long)]
        force: bool,
    },
    /// Create a corpus: annals.toml, articles/ and entities/, with one example of each.
    ///
    /// Never overwrites a file: when one of them exists, nothing is written (exit status 2).
    Init {
        /// The folder of the new corpus (created when missing).
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print the documentation of a rule: what it finds, why, examples, how to fix it.
    ///
    /// Exit status 2 for a code that is no rule's, with the list of codes.
    Explain {
        /// A rule code, as findings show it (e.g. undated-claim).
        code: String,
    },
    /// Print a completion script for a shell to standard output.
    ///
    /// bash: `source <(annals completions bash)`; zsh: `annals completions zsh > ~/.zfunc/_annals`;
    /// fish: `annals completions fish > ~/.config/fish/completions/annals.fish`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) to standard output: `annals man | man -l -`.
    Man,
    /// Run the language server on standard input and output (for editors).
    ///
    /// Exit status: 0 after shutdown and exit, 1 when exit comes without shutdown.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// No transparent huge pages for this process. mimalloc asks the kernel for them on its
/// arenas (madvise), and a 2 MiB page stays resident while any object in it lives: on
/// 10,000 dense articles check peaked at 163-171 MB with them and 144 MB without, the server
/// held 346-358 MB after indexing and 313 MB without, at the same CPU time. Set before
/// anything is allocated after start; the kernel reads the flag at each page fault.
fn keep_pages_small() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer and changes only this process's flag; an
    // older kernel answers EINVAL, which leaves huge pages as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The fewest threads that read and analyse a corpus. Reading files the page cache does not
/// hold waits on the disk, and more reads in flight than cores hide that wait: 100,000 dense
/// articles read cold took check 8.4 s with 2 threads (this machine's cores) and 4.7 s with 8;
/// with the files cached the time was the same (medians of 20 runs at 10,000 dense articles:
/// 189.6 and 188.3 ms; of 3 at 100,000: 1.88 s both), the peak 0-4 MB higher.
const FEWEST_THREADS: usize = 8;

/// The global pool of the commands that read a corpus: as many threads as cores, at least
/// `FEWEST_THREADS`, unless the user set `RAYON_NUM_THREADS`. Not for the server: each
/// thread's heap and scratch lists held 7-9 MB more after indexing 10,000 dense articles
/// (238-241 MB, 4.0x the corpus).
fn start_pool() {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Fails only when a pool exists already, which then serves as it is.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cores.max(FEWEST_THREADS))
        .build_global();
}

fn main() -> ExitCode {
    keep_pages_small();
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Check { .. } | Command::Export { .. } | Command::Fix { .. } | Command::Site { .. }
    ) {
        start_pool();
    }
    // The site renders page after page of about the same size: freed memory is kept for the
    // next (purged at once, each page's buffers were new zeroed pages, a quarter of its time).
    // The server purges after 10 ms too: with mimalloc's second, the pages its threads freed
    // while reading the corpus stayed resident once they went idle (10,000 dense articles:
    // 235-242 MB after indexing, 226-229 MB at 10 ms). Purged at once, zeroing pages again
    // slowed its first reading of 100,000 dense articles (every document's diagnostics after
    // 6.26 s; 5.9 s with the second's delay, 5.79 s with 10 ms).
    // check purges after 10 ms too. With mimalloc's second it was faster on 10,000 dense
    // articles (medians of 31 runs: 186.7 ms at 10 ms, 178.4 ms at the second), but its peak
    // grew: dense 67 -> 73-78 MB, sparse 54-57 -> 62-63 MB, and the sparse shape's figures
    // must not get worse.
    if !matches!(cli.command, Command::Site { .. }) {
        purge_freed_memory_soon();
    }
    match cli.command {
        Command::Lsp { stdio: _ } => ExitCode::from(annals::lsp::run_stdio() as u8),
        Command::Init { path } => match annals::init::init(&path) {
            Ok(written) => print_all(&annals::init::next_steps(&path.display().to_string(), &written)),
            Err(e) => {
                eprintln!("annals: error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Explain { code } => match annals::RuleCode::from_code(code.trim()) {
            Some(rule) => print_all(rule.page()),
            None => {
                let codes: Vec<&str> = annals::RuleCode::ALL.iter().map(|c| c.as_str()).collect();
                let near = annals::suggest::closest(&code, codes.iter().copied(), 1);
                eprintln!(
                    "annals: error: `{code}` is not a rule code{}\nThe rule codes are:\n  {}",
                    annals::suggest::did_you_mean(&near),
                    codes.join("\n  ")
                );
                ExitCode::from(2)
            }
        },
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "annals", &mut out);
            print_all(&String::from_utf8_lossy(&out))
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => print_all(&String::from_utf8_lossy(&out)),
                Err(e) => {
                    eprintln!("annals: error: cannot render the man page: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Generate {
            out,
            articles,
            entities,
            seed,
            shape,
            force,
        } => {
            let busy = std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(false);
            if busy && !force {
                eprintln!(
                    "annals: error: {} is not empty; choose a new folder or pass --force",
                    out.display()
                );
                return ExitCode::from(2);
            }
            let mut spec = annals::generate::Spec::new(articles);
            spec.seed = seed;
            spec.shape = shape;
            if let Some(e) = entities {
                spec.entities = e.max(2);
            }
            match annals::generate::write(&spec, &out) {
                Ok(bytes) => {
                    eprintln!(
                        "annals: wrote {} articles and {} entities ({bytes} bytes) to {}",
                        spec.articles,
                        spec.entities,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("annals: error: cannot write {}: {e}", out.display());
                    ExitCode::from(2)
                }
            }
        }
        Command::Site {
            path,
            out,
            force,
            with_findings,
        } => {
            let options = annals::site::Options {
                path,
                out,
                force,
                with_findings,
            };
            match annals::site::run(&options) {
                Ok(outcome) => {
                    for note in &outcome.notes {
                        eprintln!("annals: warning: {note}");
                    }
                    let c = outcome.counts;
                    eprintln!(
                        "annals: wrote a site of {} articles, {} entities and {} claims ({} pages) to {}",
                        c.articles,
                        c.entities,
                        c.claims,
                        c.pages,
                        outcome.written.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("annals: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Export {
            path,
            format,
            out,
            force,
            allow_errors,
            offsets,
            base_uri,
            color,
        } => {
            let options = annals::export::Options {
                path,
                format,
                out: annals::export::Destination::parse(&out),
                force,
                allow_errors,
                offsets,
                base_uri,
                color: colored(color, std::io::stderr().is_terminal()),
            };
            match annals::export::run(&options, std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())) {
                Ok(outcome) => {
                    let mut stderr = std::io::stderr().lock();
                    for piece in &outcome.refused {
                        let _ = stderr.write_all(piece.as_bytes());
                    }
                    for note in &outcome.notes {
                        let _ = writeln!(stderr, "annals: {note}");
                    }
                    ExitCode::from(outcome.exit_code as u8)
                }
                Err(e) => {
                    eprintln!("annals: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Fix { path, rules, diff } => {
            let mut codes = Vec::new();
            for rule in &rules {
                match annals::RuleCode::from_code(rule.trim()) {
                    Some(code) => codes.push(code),
                    None => {
                        eprintln!("annals: error: `{rule}` is not a rule code; `annals explain` lists them");
                        return ExitCode::from(2);
                    }
                }
            }
            let options = annals::fix::Options {
                path,
                rules: codes,
                diff,
            };
            match annals::fix::run(&options, std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())) {
                Ok(outcome) => {
                    for note in &outcome.notes {
                        eprintln!("annals: {note}");
                    }
                    ExitCode::from(outcome.exit_code as u8)
                }
                Err(e) => {
                    eprintln!("annals: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check {
            path,
            format,
            fail_on,
            color,
        } => {
            let color = colored(color, std::io::stdout().is_terminal());
            let options = check::Options {
                path,
                format,
                fail_on,
                color,
            };
            match check::run(&options) {
                Ok(outcome) => {
                    for note in &outcome.notes {
                        eprintln!("annals: warning: {note}");
                    }
                    let mut stdout = std::io::stdout().lock();
                    // A closed pipe (`annals check | head`) is not an error worth a message.
                    let _ = outcome.write(&mut stdout).and_then(|()| stdout.flush());
                    // Ends here, as ripgrep does: freeing the corpus and the output's
                    // megabytes would only delay the exit.
                    std::process::exit(outcome.exit_code)
                }
                Err(e) => {
                    eprintln!("annals: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Whether to colour output to a stream that is (or is not) a terminal.
fn colored(choice: ColorChoice, terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && terminal,
    }
}

/// Writes `text` to standard output; a closed pipe (`annals man | head`) is not an error.
fn print_all(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option's place in mimalloc's enum: it holds the purge delay's default (1000 ms in
    /// mimalloc v3, 10 ms in v2), and setting it reads back.
    #[test]
    fn the_purge_delay_option_is_the_one_we_set() {
        // SAFETY: reads and sets an integer option.
        unsafe {
            let default = mi_option_get(MI_OPTION_PURGE_DELAY);
            assert!(
                matches!(default, 1000 | 10),
                "option {MI_OPTION_PURGE_DELAY} holds {default}: not the purge delay"
            );
            purge_freed_memory_soon();
            assert_eq!(mi_option_get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
        }
    }

    /// The flag is the process's own, and the kernel reports it set.
    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off() {
        keep_pages_small();
        // SAFETY: reads this process's flag.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(disabled, 1, "PR_GET_THP_DISABLE answered {disabled}");
    }
}
