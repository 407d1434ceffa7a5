//! annals: a checker and language server for annotated news corpora.
//!
//! The analysis core (everything but the faces `check`, `lsp` and `export`, and the binary)
//! works on byte offsets and knows nothing of terminals or LSP. See ARCHITECTURE.md.

pub mod check;
pub mod config;
pub mod corpus;
pub mod date;
pub mod discover;
pub mod document;
pub mod export;
pub mod finding;
pub mod fix;
pub mod generate;
pub mod ide;
pub mod ids;
pub mod index;
pub mod init;
pub mod lsp;
pub mod names;
pub mod plain_text;
pub mod read_ahead;
pub mod rules;
pub mod scratch;
pub mod site;
pub mod slots;
pub mod suggest;
pub mod sweep;
pub mod syntax;
pub mod text;

pub use corpus::Corpus;
pub use document::Document;
pub use finding::{Finding, RuleCode, Severity};
