//! The thread pool every parallel loop of triagekit runs on, rebuilt in a forked child.
//!
//! rayon's global pool is never used: after `fork()` (Python's fork `multiprocessing` start
//! method, `ProcessPoolExecutor`, gunicorn `--preload`) the child keeps the pool's bookkeeping
//! but none of its threads, so the first `par_iter` would wait forever for workers that do not
//! exist. This pool remembers the process it was built in; a call from another process (a
//! forked child) builds a fresh pool for that process. The parent's pool is leaked on purpose
//! in the child: its threads are gone, so dropping it would wait on them.

use std::sync::atomic::{AtomicPtr, Ordering};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// A pool and the process id it was built in.
struct OwnedPool {
    pid: u32,
    pool: ThreadPool,
}

/// Lock-free on purpose: a mutex held by another thread at fork time would stay locked forever
/// in the child.
static POOL: AtomicPtr<OwnedPool> = AtomicPtr::new(std::ptr::null_mut());

/// The pool for this process, built on first use (and again in a forked child); `None` only if
/// the OS refuses to start threads.
pub fn pool() -> Option<&'static ThreadPool> {
    let pid = std::process::id();
    let current = POOL.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in POOL comes from `Box::into_raw` below and is never freed.
    if let Some(owned) = unsafe { current.as_ref() } {
        if owned.pid == pid {
            return Some(&owned.pool);
        }
    }
    let pool = ThreadPoolBuilder::new().thread_name(|i| format!("triagekit-{i}")).build().ok()?;
    let fresh = Box::into_raw(Box::new(OwnedPool { pid, pool }));
    match POOL.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // The previous pool (if any) belongs to a parent process: leaked, see the module doc.
        // SAFETY: `fresh` was just made by `Box::into_raw` and is now owned by POOL forever.
        Ok(_) => unsafe { fresh.as_ref() }.map(|owned| &owned.pool),
        Err(winner) => {
            // Another thread of this process built one first: use it, drop ours (its threads
            // live in this process, so dropping joins nothing that is missing).
            // SAFETY: `fresh` never left this function; `winner` is owned by POOL forever.
            drop(unsafe { Box::from_raw(fresh) });
            match unsafe { winner.as_ref() } {
                Some(owned) if owned.pid == pid => Some(&owned.pool),
                _ => None,
            }
        }
    }
}

/// Runs `f` (and every rayon loop inside it) on this process's pool.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(f),
        // The OS would not start the pool's threads: a one-thread pool is the last try before
        // running `f` as is (where rayon would fall back to its global pool).
        None => match ThreadPoolBuilder::new().num_threads(1).build() {
            Ok(pool) => pool.install(f),
            Err(_) => f(),
        },
    }
}

#[cfg(test)]
mod tests {
    use rayon::prelude::*;

    #[test]
    fn install_runs_on_the_process_pool() {
        let first = super::pool().map(|p| p as *const _);
        let second = super::pool().map(|p| p as *const _);
        assert!(first.is_some());
        assert_eq!(first, second, "one pool per process");
        let sum: u64 = super::install(|| (0..10_000u64).into_par_iter().sum());
        assert_eq!(sum, 49_995_000);
        let name = super::install(|| std::thread::current().name().map(str::to_string));
        assert!(name.is_some_and(|n| n.starts_with("triagekit-")));
    }
}
