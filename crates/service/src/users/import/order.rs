//! Orders that differ from the file's, with bounded memory: the write pass takes the rows in
//! email order, whatever the file's order, and the report goes back to the file's order.
//!
//! Most indexes of `users` end in the email. Written in the file's order, a file that is not
//! sorted by email puts each new user at a random place in about eight B-trees; past the
//! writer's cache every transaction then rewrites most of their pages, and a shuffled 1M-row
//! file took 112 s against 27 s sorted (BENCHMARKS.md). So the check pass, which reads every
//! row anyway, hands them to [`Runs`]: sorted runs of at most [`RUN_ROWS`] records spilled to
//! unnamed temporary files (gone with the process, however it ends), which [`Merged`] reads
//! back in order, one record per run in memory.

use super::file::Row;
use super::{Outcome, ReportRow};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek};

/// Records per run: the most held in memory before they are sorted and spilled.
pub(super) const RUN_ROWS: usize = 20_000;

/// Where a record goes: a text (the email; empty for report rows), then its line.
type Key = (String, u64);

/// A record that can be spilled to a run: its cells, after the key's two.
pub(super) trait Spill: Sized + Send + 'static {
    fn cells(&self) -> Vec<&str>;
    /// The record again from its cells; `None` for a run that is not ours.
    fn from_cells(line: u64, cells: csv::StringRecordIter<'_>) -> Option<Self>;
}

impl Spill for Row {
    fn cells(&self) -> Vec<&str> {
        self.raw_cells()
            .iter()
            .map(|c| c.as_deref().unwrap_or(""))
            .collect()
    }

    fn from_cells(line: u64, cells: csv::StringRecordIter<'_>) -> Option<Self> {
        Some(Row::restore(line, cells))
    }
}

impl Spill for ReportRow {
    fn cells(&self) -> Vec<&str> {
        vec![
            self.email.as_str(),
            self.outcome.as_str(),
            self.id.as_deref().unwrap_or(""),
            self.reason.as_str(),
        ]
    }

    fn from_cells(line: u64, mut cells: csv::StringRecordIter<'_>) -> Option<Self> {
        let email = cells.next()?.to_owned();
        let outcome = Outcome::parse(cells.next()?)?;
        let id = Some(cells.next()?)
            .filter(|i| !i.is_empty())
            .map(str::to_owned);
        let reason = cells.next()?.to_owned();
        Some(ReportRow {
            line,
            email,
            outcome,
            id,
            reason,
        })
    }
}

/// Records gathered in any order, to be read back in their keys' order.
pub(super) struct Runs<T> {
    pending: Vec<(Key, T)>,
    files: Vec<File>,
}

impl<T: Spill> Runs<T> {
    pub fn new() -> Self {
        Self {
            pending: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Adds a record; a full run is sorted and spilled (blocking file I/O).
    pub fn push(&mut self, key: Key, record: T) -> std::io::Result<()> {
        self.pending.push((key, record));
        if self.pending.len() >= RUN_ROWS {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> std::io::Result<()> {
        self.pending.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_writer(BufWriter::new(tempfile::tempfile()?));
        for ((text, line), record) in self.pending.drain(..) {
            let line = line.to_string();
            let mut cells = vec![text.as_str(), line.as_str()];
            cells.extend(record.cells());
            w.write_record(&cells)?;
        }
        let mut file = w
            .into_inner()
            .map_err(|e| e.into_error())?
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.rewind()?;
        self.files.push(file);
        Ok(())
    }

    /// Every record gathered, in order (blocking file I/O).
    pub fn merge(mut self) -> std::io::Result<Merged<T>> {
        if !self.pending.is_empty() {
            self.spill()?;
        }
        let mut merged = Merged {
            readers: Vec::with_capacity(self.files.len()),
            heads: BinaryHeap::with_capacity(self.files.len()),
            records: Vec::with_capacity(self.files.len()),
            record: csv::StringRecord::new(),
        };
        for (run, file) in self.files.into_iter().enumerate() {
            merged.readers.push(
                csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(BufReader::new(file)),
            );
            merged.records.push(None);
            merged.advance(run)?;
        }
        Ok(merged)
    }
}

/// The records of [`Runs`] in their keys' order: the smallest head of the runs each time.
pub(super) struct Merged<T> {
    readers: Vec<csv::Reader<BufReader<File>>>,
    heads: BinaryHeap<Reverse<(Key, usize)>>,
    records: Vec<Option<T>>,
    record: csv::StringRecord,
}

impl<T: Spill> Merged<T> {
    /// Reads run `run`'s next record, if any, into its head.
    fn advance(&mut self, run: usize) -> std::io::Result<()> {
        let Some(reader) = self.readers.get_mut(run) else {
            return Ok(());
        };
        if !reader.read_record(&mut self.record)? {
            return Ok(());
        }
        let mut cells = self.record.iter();
        let text = cells.next().unwrap_or_default().to_owned();
        let line = cells.next().and_then(|l| l.parse().ok());
        let (Some(line), Some(slot)) = (line, self.records.get_mut(run)) else {
            return Err(broken());
        };
        *slot = Some(T::from_cells(line, cells).ok_or_else(broken)?);
        self.heads.push(Reverse(((text, line), run)));
        Ok(())
    }

    /// The next record in order; `None` once every run is read.
    pub fn next_record(&mut self) -> std::io::Result<Option<T>> {
        let Some(Reverse((_, run))) = self.heads.pop() else {
            return Ok(None);
        };
        let record = self.records.get_mut(run).and_then(Option::take);
        self.advance(run)?;
        Ok(record)
    }
}

fn broken() -> std::io::Error {
    std::io::Error::other("a temporary file of the import was not as written")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(line: u64) -> ReportRow {
        let even = line.is_multiple_of(2);
        ReportRow {
            line,
            email: format!("u{line}@x.test, \"quoted\"\nand a new line"),
            outcome: if even {
                Outcome::Created
            } else {
                Outcome::Error
            },
            id: even.then(|| format!("id{line}")),
            reason: if even {
                String::new()
            } else {
                "bad".to_owned()
            },
        }
    }

    #[test]
    fn runs_come_back_in_order_across_many_spills() {
        let mut runs = Runs::new();
        let n = RUN_ROWS as u64 * 2 + 123;
        // Lines in a scrambled order, several runs' worth.
        for i in 0..n {
            let line = (i * 7919) % n;
            runs.push((String::new(), line), report(line)).unwrap();
        }
        let mut merged = runs.merge().unwrap();
        let mut expected = 0;
        while let Some(r) = merged.next_record().unwrap() {
            let want = report(expected);
            assert_eq!(
                (r.line, &r.email, r.outcome, &r.id, &r.reason),
                (want.line, &want.email, want.outcome, &want.id, &want.reason)
            );
            expected += 1;
        }
        assert_eq!(expected, n);
    }

    #[test]
    fn nothing_gathered_is_nothing_merged() {
        let mut merged = Runs::<ReportRow>::new().merge().unwrap();
        assert!(merged.next_record().unwrap().is_none());
    }
}
