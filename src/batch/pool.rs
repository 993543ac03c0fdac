//! A small pool for work whose results must come out in input order (`validate DIR`,
//! `batch --check`): scoped threads take the next index from a shared counter, and the
//! caller's thread receives the results and hands them on in index order.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Computes `work(i)` for every `i` in `0..count` on up to `threads` threads (at least one,
/// at most [`super::MAX_THREADS`]) and calls `deliver(i, result)` on the calling thread in
/// order of `i`, each as soon as it and every earlier result are known. `stop` is asked
/// before each new index is taken: once it says true, no new work starts, the work started
/// is finished and delivered, and the indices not started are returned (in order). A panic
/// in `work` is caught and passed to `deliver` as `Err(message)`.
pub fn map_ordered<T: Send>(
    count: usize,
    threads: usize,
    stop: &(dyn Fn() -> bool + Sync),
    work: &(dyn Fn(usize) -> T + Sync),
    deliver: &mut dyn FnMut(usize, Result<T, String>),
) -> Vec<usize> {
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, super::MAX_THREADS).min(count.max(1));
    let (tx, rx) = mpsc::channel::<(usize, Result<T, String>)>();
    let take = || -> Option<usize> {
        if stop() {
            return None;
        }
        let i = next.fetch_add(1, Ordering::SeqCst);
        (i < count).then_some(i)
    };
    let one = |i: usize| -> Result<T, String> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(i))).map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        })
    };
    let mut pending: BTreeMap<usize, Result<T, String>> = BTreeMap::new();
    let mut due = 0;
    let mut flush = |pending: &mut BTreeMap<usize, Result<T, String>>, due: &mut usize| {
        while let Some(r) = pending.remove(&*due) {
            deliver(*due, r);
            *due += 1;
        }
    };
    std::thread::scope(|s| {
        let mut spawned = 0;
        for _ in 0..threads {
            let tx = tx.clone();
            let (take, one) = (&take, &one);
            let started = std::thread::Builder::new()
                .name("nianbao-check".into())
                .stack_size(8 << 20)
                .spawn_scoped(s, move || {
                    while let Some(i) = take() {
                        if tx.send((i, one(i))).is_err() {
                            return;
                        }
                    }
                });
            if started.is_ok() {
                spawned += 1;
            } else {
                break;
            }
        }
        drop(tx);
        if spawned == 0 {
            // No thread to be had: do the work here.
            while let Some(i) = take() {
                pending.insert(i, one(i));
                flush(&mut pending, &mut due);
            }
        }
        for (i, r) in rx {
            pending.insert(i, r);
            flush(&mut pending, &mut due);
        }
    });
    // Indices taken past `count` are not work; those below it that were never taken are.
    let taken = next.load(Ordering::SeqCst).min(count);
    (taken..count).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        for threads in [1, 2, 7] {
            let mut seen = Vec::new();
            let left = map_ordered(
                50,
                threads,
                &|| false,
                &|i| {
                    std::thread::sleep(std::time::Duration::from_micros(((50 - i) * 37 % 200) as u64));
                    i * 2
                },
                &mut |i, r| seen.push((i, r.unwrap())),
            );
            assert!(left.is_empty());
            assert_eq!(seen, (0..50).map(|i| (i, i * 2)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_stop_leaves_the_rest_and_a_panic_is_an_error() {
        let done = AtomicUsize::new(0);
        let mut got = Vec::new();
        let left = map_ordered(
            10,
            1,
            &|| done.load(Ordering::SeqCst) >= 3,
            &|i| {
                done.fetch_add(1, Ordering::SeqCst);
                if i == 1 {
                    panic!("boom");
                }
                i
            },
            &mut |i, r| got.push((i, r)),
        );
        assert_eq!(left, (3..10).collect::<Vec<_>>());
        assert_eq!(got, vec![(0, Ok(0)), (1, Err("boom".into())), (2, Ok(2))]);
    }
}
