//! Reading an import file: UTF-8 with or without a BOM, `,` or `;` (sniffed from the header
//! line), quoted fields and CRLF, parsed incrementally by the `csv` crate so memory does not
//! grow with the file. Columns are matched case- and space-insensitively; anything the file
//! does not say cleanly (another encoding, a ragged row, an unknown column) refuses the whole
//! file with a message naming the line.

use crate::{Error, Result};
use std::io::{BufRead, BufReader, Read};

/// The columns of an import or export file, in export order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Email,
    FirstName,
    LastName,
    Type,
    Department,
    JobTitle,
    Location,
    Manager,
    Group,
    Role,
    CustomAttributes,
}

impl Column {
    pub const ALL: [Self; 11] = [
        Self::Email,
        Self::FirstName,
        Self::LastName,
        Self::Type,
        Self::Department,
        Self::JobTitle,
        Self::Location,
        Self::Manager,
        Self::Group,
        Self::Role,
        Self::CustomAttributes,
    ];

    /// The header an export writes.
    pub fn title(self) -> &'static str {
        match self {
            Self::Email => "Email",
            Self::FirstName => "First Name",
            Self::LastName => "Last Name",
            Self::Type => "Type",
            Self::Department => "Department",
            Self::JobTitle => "Job Title",
            Self::Location => "Location",
            Self::Manager => "Manager",
            Self::Group => "Group",
            Self::Role => "Role",
            Self::CustomAttributes => "Custom Attributes",
        }
    }

    /// The column a header names: case, spaces, `_` and `-` do not matter.
    pub fn from_header(header: &str) -> Option<Self> {
        let key: String = header
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL.into_iter().find(|c| {
            c.title()
                .chars()
                .filter(|c| *c != ' ')
                .flat_map(char::to_lowercase)
                .eq(key.chars())
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Characters that make a spreadsheet read a cell as a formula.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell as an export writes it: one that a spreadsheet would run as a formula gets a `'`
/// in front.
pub fn escape_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some(c) if formula_start(c) => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The inverse of [`escape_cell`], so an exported file imports unchanged.
fn unescape_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(formula_start) => rest,
        _ => value,
    }
}

/// One data row: its line number and its non-empty cells by column.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub line: u64,
    cells: [Option<String>; 11],
}

impl Row {
    /// The cell of `c`, trimmed; `None` when the file has no such column or the cell is empty.
    pub fn get(&self, c: Column) -> Option<&str> {
        self.cells.get(c.index()).and_then(|v| v.as_deref())
    }

    /// Every column's cell, as [`Row::restore`] takes them back.
    pub(super) fn raw_cells(&self) -> &[Option<String>] {
        &self.cells
    }

    /// The row of `line` from its cells as [`Row::raw_cells`] gave them (an empty cell is none).
    pub(super) fn restore<'a>(line: u64, cells: impl Iterator<Item = &'a str>) -> Self {
        let mut row = Row {
            line,
            ..Row::default()
        };
        for (slot, cell) in row.cells.iter_mut().zip(cells) {
            *slot = (!cell.is_empty()).then(|| cell.to_owned());
        }
        row
    }
}

/// Drops the `\r` of every CRLF, so line numbers count as people count them (the csv crate
/// dates a record after a CRLF to the line before) and CRLF and LF files read the same.
struct CrlfToLf<R> {
    inner: R,
    /// A `\r` held back at the end of the last chunk.
    pending_cr: bool,
    /// Bytes handed out so far, and the last of them.
    emitted: u64,
    last: Option<u8>,
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        loop {
            let out = self.read_some(buf)?;
            // A chunk that was only a held-back `\r` gave nothing yet; 0 would mean the end.
            if out > 0 || !self.pending_cr {
                return Ok(out);
            }
        }
    }
}

impl<R: Read> CrlfToLf<R> {
    fn read_some(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::from(self.pending_cr);
        let n = match buf.get_mut(start..) {
            Some(rest) => self.inner.read(rest)?,
            None => 0,
        };
        if self.pending_cr {
            if let Some(b) = buf.first_mut() {
                *b = b'\r';
            }
        }
        let total = start + n;
        let mut out = 0;
        let mut i = 0;
        while i < total {
            let b = buf.get(i).copied().unwrap_or_default();
            let next = buf.get(i + 1).copied();
            if b == b'\r' && next == Some(b'\n') {
                i += 1;
                continue;
            }
            if b == b'\r' && i + 1 == total && n > 0 {
                // Maybe half of a CRLF: decide with the next chunk.
                self.pending_cr = true;
                break;
            }
            if let Some(slot) = buf.get_mut(out) {
                *slot = b;
            }
            out += 1;
            i += 1;
        }
        if i >= total {
            self.pending_cr = false;
        }
        if out > 0 {
            self.emitted += out as u64;
            self.last = buf.get(out - 1).copied();
        }
        Ok(out)
    }
}

/// An import file being read, row by row.
pub struct Reader {
    csv: csv::Reader<CrlfToLf<BufReader<Box<dyn Read + Send>>>>,
    columns: Vec<Column>,
    record: csv::ByteRecord,
}

fn malformed(line: u64, what: impl std::fmt::Display) -> Error {
    Error::invalid("file", format!("line {line}: {what}"))
}

/// The delimiter of the header line: `;` when it has more of them than `,` outside quotes.
fn sniff(head: &[u8]) -> u8 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

fn io_error(e: std::io::Error) -> Error {
    Error::Internal(format!("reading the import file: {e}"))
}

impl Reader {
    /// Opens `input` and reads its header.
    pub fn open(input: Box<dyn Read + Send>) -> Result<Self> {
        let mut buffered = BufReader::with_capacity(64 * 1024, input);
        let head = buffered.fill_buf().map_err(io_error)?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(malformed(
                1,
                "the file is UTF-16; save it as UTF-8 (CSV UTF-8) and try again",
            ));
        }
        let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let delimiter = sniff(head.get(bom..).unwrap_or_default());
        buffered.consume(bom);
        // Rows of the wrong length are refused by `next_row`, which can say why.
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(CrlfToLf {
                inner: buffered,
                pending_cr: false,
                emitted: 0,
                last: None,
            });
        let mut header = csv::ByteRecord::new();
        if !csv.read_byte_record(&mut header).map_err(csv_error)? {
            return Err(malformed(1, "the file is empty: it needs a header line"));
        }
        let mut columns = Vec::with_capacity(header.len());
        let mut unknown = Vec::new();
        for h in &header {
            let h = std::str::from_utf8(h).map_err(|_| not_utf8(1))?;
            match Column::from_header(h) {
                Some(c) if columns.contains(&c) => {
                    return Err(malformed(1, format!("the column \"{h}\" appears twice")))
                }
                Some(c) => columns.push(c),
                None => unknown.push(format!("\"{}\"", h.trim())),
            }
        }
        if !unknown.is_empty() {
            let known: Vec<&str> = Column::ALL.iter().map(|c| c.title()).collect();
            return Err(malformed(
                1,
                format!(
                    "unknown column(s) {}; the columns are {}",
                    unknown.join(", "),
                    known.join(", ")
                ),
            ));
        }
        if !columns.contains(&Column::Email) {
            return Err(malformed(1, "the file has no Email column"));
        }
        Ok(Self {
            csv,
            columns,
            record: csv::ByteRecord::new(),
        })
    }

    /// The next data row; blank lines are skipped.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            if !self
                .csv
                .read_byte_record(&mut self.record)
                .map_err(csv_error)?
            {
                return Ok(None);
            }
            // The csv crate dates a record to the blank lines before it; the end is exact.
            let end = self.csv.position().line();
            let inner: u64 = self
                .record
                .iter()
                .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
                .sum();
            let at_eof_without_newline = self.csv.get_ref().last != Some(b'\n')
                && self.csv.position().byte() == self.csv.get_ref().emitted;
            let line = end
                .saturating_sub(inner)
                .saturating_sub(u64::from(!at_eof_without_newline));
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            // No column holds a line break: one in a cell is a quote left open, which has
            // swallowed the lines after it (and may leave the row its right length).
            if inner > 0 {
                // Open to the end of the file, the cell took the last line's end too.
                let to_the_end = self
                    .record
                    .iter()
                    .next_back()
                    .is_some_and(|f| f.ends_with(b"\n"));
                return Err(malformed(
                    line + u64::from(to_the_end),
                    "a quoted cell runs on over the next lines: a closing \" is missing (no \
                     cell may hold a line break)",
                ));
            }
            if self.record.len() != self.columns.len() {
                let n = self.record.len();
                let cells = if n == 1 {
                    "1 cell".into()
                } else {
                    format!("{n} cells")
                };
                let columns = self.columns.len();
                return Err(malformed(
                    line,
                    format!("this row has {cells} but the header has {columns} columns"),
                ));
            }
            let mut row = Row {
                line,
                ..Row::default()
            };
            for (c, field) in self.columns.iter().zip(self.record.iter()) {
                let text = std::str::from_utf8(field).map_err(|_| not_utf8(line))?;
                let text = unescape_cell(text.trim()).trim();
                if let Some(slot) = row.cells.get_mut(c.index()) {
                    *slot = (!text.is_empty()).then(|| text.to_owned());
                }
            }
            return Ok(Some(row));
        }
    }
}

fn not_utf8(line: u64) -> Error {
    malformed(
        line,
        "the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and try again",
    )
}

fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => malformed(
            line,
            format!("this row has {len} fields but the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { .. } => not_utf8(line),
        csv::ErrorKind::Io(_) => Error::Internal(format!("reading the import file: {e}")),
        _ => malformed(line, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<Vec<Row>> {
        let mut r = Reader::open(Box::new(std::io::Cursor::new(text.to_vec())))?;
        let mut rows = Vec::new();
        while let Some(row) = r.next_row()? {
            rows.push(row);
        }
        Ok(rows)
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(Column::from_header(" first_NAME "), Some(Column::FirstName));
        assert_eq!(Column::from_header("JobTitle"), Some(Column::JobTitle));
        assert_eq!(Column::from_header("favourite colour"), None);
    }

    #[test]
    fn bom_semicolons_crlf_and_quotes() {
        let rows =
            read(b"\xEF\xBB\xBFEmail;First Name\r\n\"a@x.com\";\"Ann; \"\"Jr\"\"\"\r\n").unwrap();
        assert_eq!(rows[0].get(Column::Email), Some("a@x.com"));
        assert_eq!(rows[0].get(Column::FirstName), Some("Ann; \"Jr\""));
        assert_eq!(rows[0].line, 2);
    }

    /// Hands out at most 2 bytes a read, so CRLFs split across reads.
    struct Trickle(std::io::Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(2);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn crlf_split_across_reads() {
        let text = b"a\r\nb\rc\r\n\r".to_vec();
        let mut r = CrlfToLf {
            inner: Trickle(std::io::Cursor::new(text)),
            pending_cr: false,
            emitted: 0,
            last: None,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"a\nb\rc\n\r");
    }

    #[test]
    fn crlf_lines_count_like_lf() {
        let rows = read(b"email\r\na@x.com\r\n\r\n\"b@x.com\"\r\nc@x.com").unwrap();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    #[test]
    fn refusals_name_the_line() {
        let e = read(b"email,first name\na@x.com,A\nb@x.com,B,extra\n").unwrap_err();
        assert!(
            e.to_string()
                .ends_with("line 3: this row has 3 cells but the header has 2 columns"),
            "{e}"
        );
        let e = read(b"email,first name\na@x.com\n").unwrap_err();
        assert!(e
            .to_string()
            .ends_with("line 2: this row has 1 cell but the header has 2 columns"));
        // A quote left open swallows the lines after it, whether or not the row then has the
        // header's length.
        for (text, line) in [
            (
                &b"email,first name\r\na@x.com,A\r\n\"b@x.com,B\r\nc@x.com,C\r\n"[..],
                3,
            ),
            (b"email,first name\na@x.com,\"A\nb@x.com,B\nc@x.com,C\n", 2),
            (b"email,first name\na@x.com,\"A\nb@x.com,B\"\nc@x.com,C", 2),
        ] {
            let e = read(text).unwrap_err();
            assert!(
                e.to_string().contains(&format!(
                    "line {line}: a quoted cell runs on over the next lines"
                )),
                "{e}"
            );
        }
        let e = read(b"email\n\xff\xfe@x.com\n").unwrap_err();
        assert!(e.to_string().contains("UTF-8"), "{e}");
        let e = read(b"email,shoe size\n").unwrap_err();
        assert!(e.to_string().contains("\"shoe size\""), "{e}");
    }

    #[test]
    fn escaping_round_trips() {
        for v in ["=1+1", "-x", "@a", "+1", "\tx", "plain", "'quoted"] {
            assert_eq!(unescape_cell(&escape_cell(v)), v);
        }
        assert_eq!(escape_cell("=SUM(A1)"), "'=SUM(A1)");
    }
}
