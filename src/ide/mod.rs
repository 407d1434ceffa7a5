//! Queries over the corpus for editors: what is at an offset, hover, definition,
//! references. Plain functions over `&Corpus` and byte offsets; no LSP types here.

pub mod cursor;
pub mod definition;
pub mod hover;
pub mod plain;
pub mod references;

use crate::text::TextRange;

/// A place to jump to: the whole thing, and the part to select (an id, a name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub document: u32,
    pub full_range: TextRange,
    pub focus_range: TextRange,
}
