//! Queries over the corpus for editors: what is at an offset, hover, definition,
//! references. Plain functions over `&Corpus` and byte offsets; no LSP types here.

pub mod annotations_view;
pub mod assists;
pub mod claim_hierarchy;
pub mod completion;
pub mod cursor;
pub mod dates;
pub mod definition;
pub mod entity_hierarchy;
pub mod file_operations;
pub mod highlight;
pub mod highlight_related;
pub mod hover;
pub mod plain;
pub mod references;
pub mod rename;
pub mod selection;
pub mod symbols;

use crate::slots::DocumentSlot;
use crate::text::TextRange;

/// A place to jump to: the whole thing, and the part to select (an id, a name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub document: DocumentSlot,
    pub full_range: TextRange,
    pub focus_range: TextRange,
}

/// A replacement of `range` in document `document`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub document: DocumentSlot,
    pub range: TextRange,
    pub insert: String,
}

/// What an assist or a rename changes: text edits, files to create (path relative to the
/// corpus root, with their text) and files to rename (document slot → new relative path).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: Vec<TextEdit>,
    pub create: Vec<(String, String)>,
    pub rename: Vec<(DocumentSlot, String)>,
}
