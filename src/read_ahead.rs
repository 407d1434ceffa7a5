//! Reading a corpus's files ahead of their parsing, on threads that only read.
//!
//! The language server parses on a pool of two threads: each thread of a pool keeps a heap
//! of its own, and eight of them held 7–9 MB more after indexing 10,000 articles. But a
//! file read from disk, not from the page cache, keeps its thread waiting, so two threads
//! kept only two reads in flight: at 100,000 articles read cold, the server took 10.6–10.9 s
//! to its last publication (7.5–8.2 s with these readers, the same with the files cached). Here `READERS` threads read batches of files, in the files'
//! order, and hand the bytes to the pool, which parses each batch as it comes. A reader
//! allocates only the buffers it fills, which the pool frees once parsed; the channel holds
//! at most `WAITING` batches, so the bytes read ahead stay bounded whatever the corpus's
//! size.

use crate::discover::{self, ReadError, SourceFile};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Threads that read. Reads of a cold disk overlap; with the files cached they copy pages.
const READERS: usize = 6;
/// Files per hand-off: one channel message per file was a thread wake-up per file.
const BATCH: usize = 16;
/// Batches read and not yet parsed.
const WAITING: usize = 8;
/// Below this many files the pool reads them itself: starting threads costs more.
pub const FEWEST_FILES: usize = 512;

type Read = Result<Vec<u8>, ReadError>;

/// `make(file, its bytes)` for each of `files` (at most `limit` bytes each, as
/// `discover::read_source` reads them), in the order of `files`. The files are read on
/// threads of their own, `make` runs on the rayon pool.
pub fn read_each<T: Send>(files: &[SourceFile], limit: u64, make: impl Fn(&SourceFile, Read) -> T + Sync) -> Vec<T> {
    // A small corpus, or one whose reader threads cannot start: the pool reads too.
    let by_the_pool = || {
        files
            .par_iter()
            .map(|file| make(file, discover::read_source(&file.path, limit)))
            .collect()
    };
    if files.len() < FEWEST_FILES {
        return by_the_pool();
    }
    let next = AtomicUsize::new(0);
    let pass = discover::ReadPass::new();
    let (batches, arriving) = mpsc::sync_channel::<Vec<(usize, Read)>>(WAITING);
    let made: Option<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let mut readers = 0;
        for _ in 0..READERS {
            let batches = batches.clone();
            let (next, pass) = (&next, &pass);
            let reader = move || {
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= files.len() {
                        break;
                    }
                    let batch = (start..files.len().min(start + BATCH))
                        .map(|k| (k, pass.read(&files[k].path, limit)))
                        .collect();
                    if batches.send(batch).is_err() {
                        break; // The parsing stopped.
                    }
                }
            };
            if std::thread::Builder::new()
                .name("annals-read".into())
                .spawn_scoped(scope, reader)
                .is_ok()
            {
                readers += 1;
            }
        }
        drop(batches);
        (readers > 0).then(|| {
            arriving
                .into_iter()
                .par_bridge()
                .flat_map_iter(|batch| batch.into_iter().map(|(k, read)| (k, make(&files[k], read))))
                .collect()
        })
    });
    let Some(mut made) = made else {
        return by_the_pool();
    };
    // Sorted and unwrapped in the same allocation: no second list of the documents.
    made.par_sort_unstable_by_key(|(k, _)| *k);
    made.into_iter().map(|(_, made)| made).collect()
}
