//! A counting gate between the reader and the writer.

use std::sync::{Condvar, Mutex, PoisonError};

/// Counts documents and bytes between being read and being written.
#[derive(Debug)]
pub(crate) struct InFlight {
    state: Mutex<State>,
    freed: Condvar,
    max_docs: usize,
    max_bytes: usize,
}

#[derive(Debug, Default)]
struct State {
    docs: usize,
    bytes: usize,
    closed: bool,
    /// The reader waits for room (set and read under the lock, so a
    /// release never misses it).
    waiting: bool,
}

impl InFlight {
    pub(crate) fn new(max_docs: usize, max_bytes: usize) -> Self {
        InFlight {
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
            max_docs,
            max_bytes,
        }
    }

    /// Waits for room for one more document of `bytes` bytes; false once the
    /// window is closed. A document alone in the window always fits.
    pub(crate) fn acquire(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if state.closed {
                return false;
            }
            if self.take(&mut state, bytes) {
                return true;
            }
            state.waiting = true;
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiting = false;
        }
    }

    /// Takes room for one more document of `bytes` bytes if there is some
    /// now; false if there is not or the window is closed.
    pub(crate) fn try_acquire(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        !state.closed && self.take(&mut state, bytes)
    }

    fn take(&self, state: &mut State, bytes: usize) -> bool {
        let fits = state.docs == 0
            || (state.docs < self.max_docs && state.bytes + bytes <= self.max_bytes);
        if fits {
            state.docs += 1;
            state.bytes += bytes;
        }
        fits
    }

    /// `n_docs` documents of `bytes` bytes in all were written.
    pub(crate) fn release(&self, n_docs: usize, bytes: usize) {
        if n_docs == 0 {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.docs -= n_docs;
        state.bytes -= bytes;
        let reader_waits = state.waiting;
        drop(state);
        // Waking is a system call: only when the reader waits.
        if reader_waits {
            self.freed.notify_one();
        }
    }

    /// Stops the reader: every current and future `acquire` returns false.
    pub(crate) fn close(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.freed.notify_all();
    }
}
