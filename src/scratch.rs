//! Buffers a thread keeps from one document to the next (the line starts, the annotation
//! scanner's lists, `unannotated-mention`'s ranges): made anew and grown in every document,
//! they cost copies and allocations in every one.

/// Elements past which a buffer is not kept for the thread's life (a huge document's).
const KEPT: usize = 1 << 16;

/// `buffer` emptied for the next document, or dropped when a huge one grew it.
pub fn reuse<T>(buffer: &mut Vec<T>) {
    if buffer.capacity() > KEPT {
        *buffer = Vec::new();
    } else {
        buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer is kept with its capacity, emptied; one past `KEPT` goes.
    #[test]
    fn small_buffers_are_kept_and_huge_ones_go() {
        let mut small: Vec<u8> = Vec::with_capacity(100);
        small.push(1);
        reuse(&mut small);
        assert!(small.is_empty() && small.capacity() >= 100);
        let mut huge: Vec<u8> = Vec::with_capacity(KEPT + 1);
        huge.push(1);
        reuse(&mut huge);
        assert!(huge.is_empty() && huge.capacity() == 0);
    }
}
