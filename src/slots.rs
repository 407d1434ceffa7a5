//! Typed places in the model's lists: a document's slot in the corpus, and positions in a
//! document's own lists.
//!
//! Each is a `u32` (4 bytes, as the lists hold at most `u32::MAX` items: texts are addressed
//! by `u32` offsets) of its own type, so that a claim's index cannot be passed where a
//! document's slot is wanted, nor used to index the wrong list: the compiler tells them
//! apart where a bare `u32` would not. There is no conversion from a bare integer: a value is
//! made with `new` where its list is counted, and read with `index` where the list is indexed.

/// A newtype over `u32`: `new` from a list position, `index` back to one.
macro_rules! typed_index {
    ($(#[$meta:meta])* $name:ident) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $(#[$meta])*
        pub struct $name(u32);

        impl $name {
            /// The place at `index` in its list (at most `u32::MAX`).
            pub const fn new(index: usize) -> Self {
                debug_assert!(index <= u32::MAX as usize);
                Self(index as u32)
            }

            /// The place as an index into its list.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

typed_index! {
    /// A document's place in `Corpus::documents`: its stable id for the corpus's life (a
    /// removed document leaves an empty slot, reused by the next new one). Slots key the
    /// index, `Affected`, the findings cache and every query; a type of its own keeps them
    /// apart from the claim, span and reference indices that travel with them.
    DocumentSlot
}

typed_index! {
    /// A claim's index in its document's `claims`. With a `DocumentSlot` it names a claim
    /// of the corpus (`index::ClaimKey`); alone it travels in links, mentions and code lenses,
    /// next to span and reference indices it must not be confused with. A code lens's data
    /// carries it to the client and back as the plain number it was (`{"claim": 3}`).
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    ClaimIndex
}

typed_index! {
    /// A span's index in its document's syntax tree (`SyntaxTree::spans`, read through
    /// `Document::span`): what claims and mentions point at, and a span's parent link.
    /// Spans outnumber claims and claims are made from spans, so the two indices sit side by
    /// side in lowering, where mixing them would read the wrong span without a sound.
    SpanIndex
}

typed_index! {
    /// An entity reference's index in its document's `entity_refs` (front matter and body
    /// together): where a mention keeps its `e=` once (`Document::mention_entity`). Lowering
    /// counts it next to the mention's own index and its span's, all three from zero.
    EntityRefIndex
}
