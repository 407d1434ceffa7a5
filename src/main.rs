//! The `annals` command: `check` for terminals and CI, `lsp` for editors.

use annals::check::{self, FailOn, Format};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Faster than the system allocator on the model's many small allocations (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Write a synthetic corpus, to try annals at scale and for the benchmarks.
    ///
    /// Deterministic: the same options give the same files. About 5 KB, 30 mentions and
    /// 10 claims per article; a few hub articles referenced by thousands; planted findings.
    Generate {
        /// The folder to create (it must not exist or be empty, unless --force).
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        /// Default: a fifth of the articles, between 50 and 5,000.
        #[arg(long)]
        entities: Option<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write into a folder that already holds files.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server on standard input and output (for editors).
    ///
    /// Exit status: 0 after shutdown and exit, 1 when exit comes without shutdown.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp { stdio: _ } => ExitCode::from(annals::lsp::run_stdio() as u8),
        Command::Generate {
            out,
            articles,
            entities,
            seed,
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
        Command::Check {
            path,
            format,
            fail_on,
            color,
        } => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
            };
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
                    for piece in &outcome.stdout {
                        if stdout.write_all(piece.as_bytes()).is_err() {
                            break;
                        }
                    }
                    let _ = stdout.flush();
                    ExitCode::from(outcome.exit_code as u8)
                }
                Err(e) => {
                    eprintln!("annals: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
