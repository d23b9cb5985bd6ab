//! A destination that fails (disk full) gives every sink an error naming
//! the output, never a panic, and stops a fan-out.

mod common;

use std::io::{self, Write};

use common::outcomes;
use sinks::{CsvSink, CsvTable, Fanout, HtmlSink, JsonSink, JsonlSink, Sink, SinkError, Target};

/// Accepts `room` bytes, then fails as a full disk does.
struct FullDisk {
    room: usize,
    committed: bool,
}

impl FullDisk {
    fn new(room: usize) -> Self {
        FullDisk {
            room,
            committed: false,
        }
    }
}

impl Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::from_raw_os_error(28)); // ENOSPC
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Target for FullDisk {
    fn commit(&mut self) -> io::Result<()> {
        self.committed = true;
        Ok(())
    }
}

/// Runs the sample through `sink` and returns the first error.
fn first_error(sink: &mut dyn Sink) -> SinkError {
    for outcome in outcomes() {
        if let Err(err) = sink.write(&outcome).and_then(|()| sink.flush()) {
            return err;
        }
    }
    sink.finish().expect_err("the disk is full")
}

fn check(err: SinkError) {
    assert!(err.to_string().starts_with("cannot write out.x"), "{err}");
    let cause = std::error::Error::source(&err).expect("the I/O error is the source");
    assert!(cause.to_string().contains("No space left"), "{cause}");
    assert!(!err.is_broken_pipe());
}

#[test]
fn every_byte_format_reports_a_full_disk() {
    for room in [0, 1, 100, 500] {
        let mut disk = FullDisk::new(room);
        check(first_error(&mut JsonlSink::with_target(&mut disk, "out.x")));
        assert!(!disk.committed, "nothing is committed after an error");
        let mut disk = FullDisk::new(room);
        check(first_error(&mut JsonSink::with_target(&mut disk, "out.x")));
        let mut disk = FullDisk::new(room);
        check(first_error(&mut HtmlSink::with_target(&mut disk, "out.x")));
        for table in [CsvTable::Quotes, CsvTable::Entities] {
            let mut disk = FullDisk::new(room);
            check(first_error(
                &mut CsvSink::with_target(&mut disk, table, "out.x").with_bom(true),
            ));
        }
    }
}

#[test]
fn a_fanout_stops_at_the_first_failing_sink_and_commits_nothing() {
    let mut good = FullDisk::new(usize::MAX);
    let mut full = FullDisk::new(10);
    {
        let mut both = Fanout::new(vec![
            Box::new(JsonlSink::with_target(&mut good, "good.jsonl")),
            Box::new(JsonSink::with_target(&mut full, "out.x")),
        ]);
        check(first_error(&mut both));
    }
    assert!(!good.committed && !full.committed);
}
