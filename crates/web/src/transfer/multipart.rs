//! Just enough of `multipart/form-data` (RFC 7578) for the import form, read incrementally:
//! the body is fed in as it arrives ([`Parser::feed`]) and comes out as parts' headers and
//! pieces of their bytes ([`Parser::next_event`]), so a file is never held whole. At most the
//! delimiter's length is held back between pieces (it may be split across two).

/// What the parser found.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A part begins.
    Part {
        name: String,
        filename: Option<String>,
    },
    /// The next bytes of the current part.
    Data(Vec<u8>),
    /// The current part ended.
    PartEnd,
}

/// The body is not well-formed `multipart/form-data`.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

/// The first place of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.iter().position(|b| *b == first) {
        let at = from + i;
        if hay.get(at..at + needle.len())? == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A `Content-Disposition` parameter's value (`name="x"`).
fn param(header: &str, key: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

/// A part's headers may not be longer than this.
const MAX_HEAD: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first delimiter.
    Preamble,
    /// Just after a delimiter: `--` ends the body, CRLF starts a part.
    Delimited,
    Head,
    Body,
    Done,
}

/// An incremental `multipart/form-data` reader.
pub struct Parser {
    /// `CRLF--boundary`; the body is read as if it began with a CRLF, so the first delimiter
    /// looks like the others.
    delim: Vec<u8>,
    buf: Vec<u8>,
    state: State,
}

impl Parser {
    pub fn new(boundary: &str) -> Self {
        Self {
            delim: format!("\r\n--{boundary}").into_bytes(),
            buf: b"\r\n".to_vec(),
            state: State::Preamble,
        }
    }

    /// Adds the next bytes of the body.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The body ended: was it complete?
    pub fn finish(&self) -> Result<(), Malformed> {
        if self.state == State::Done {
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    /// How many bytes at the start of the buffer cannot begin a delimiter.
    fn safe(&self) -> usize {
        self.buf.len().saturating_sub(self.delim.len() - 1)
    }

    /// The next event; `Ok(None)` when more bytes are needed (or the body is done).
    pub fn next_event(&mut self) -> Result<Option<Event>, Malformed> {
        loop {
            match self.state {
                State::Preamble => match find(&self.buf, &self.delim) {
                    Some(at) => {
                        self.buf.drain(..at + self.delim.len());
                        self.state = State::Delimited;
                    }
                    None => {
                        let safe = self.safe();
                        self.buf.drain(..safe);
                        return Ok(None);
                    }
                },
                State::Delimited => {
                    let Some(two) = self.buf.get(..2) else {
                        return Ok(None);
                    };
                    if two == b"--" {
                        self.state = State::Done;
                        self.buf.clear();
                        return Ok(None);
                    }
                    if two != b"\r\n" {
                        return Err(Malformed);
                    }
                    self.buf.drain(..2);
                    self.state = State::Head;
                }
                State::Head => {
                    let Some(end) = find(&self.buf, b"\r\n\r\n") else {
                        return if self.buf.len() > MAX_HEAD {
                            Err(Malformed)
                        } else {
                            Ok(None)
                        };
                    };
                    let head = std::str::from_utf8(self.buf.get(..end).ok_or(Malformed)?)
                        .map_err(|_| Malformed)?;
                    let disposition = head
                        .split("\r\n")
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
                        .map(|(_, v)| v.to_owned())
                        .ok_or(Malformed)?;
                    let name = param(&disposition, "name").ok_or(Malformed)?;
                    let filename = param(&disposition, "filename");
                    self.buf.drain(..end + 4);
                    self.state = State::Body;
                    return Ok(Some(Event::Part { name, filename }));
                }
                State::Body => {
                    return Ok(Some(match find(&self.buf, &self.delim) {
                        Some(0) => {
                            self.buf.drain(..self.delim.len());
                            self.state = State::Delimited;
                            Event::PartEnd
                        }
                        Some(at) => Event::Data(self.buf.drain(..at).collect()),
                        None => match self.safe() {
                            0 => return Ok(None),
                            safe => Event::Data(self.buf.drain(..safe).collect()),
                        },
                    }));
                }
                State::Done => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part: name, file name, bytes.
    type Parsed = (String, Option<String>, Vec<u8>);

    /// Every part of `body` fed in pieces of `step` bytes.
    fn parse(body: &[u8], step: usize) -> Result<Vec<Parsed>, Malformed> {
        let mut p = Parser::new("XyZ");
        let mut parts: Vec<Parsed> = Vec::new();
        for piece in body.chunks(step) {
            p.feed(piece);
            while let Some(e) = p.next_event()? {
                match e {
                    Event::Part { name, filename } => parts.push((name, filename, Vec::new())),
                    Event::Data(d) => parts.last_mut().unwrap().2.extend(d),
                    Event::PartEnd => {}
                }
            }
        }
        p.finish()?;
        Ok(parts)
    }

    #[test]
    fn reads_fields_and_files_in_any_pieces() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\nContent-Type: text/csv\r\n\r\nEmail\r\na@b.test\r\n--X\r\n\r\n--XyZ--\r\n";
        let b = boundary("multipart/form-data; boundary=XyZ").unwrap();
        assert_eq!(b, "XyZ");
        for step in [1, 2, 3, 7, 16, body.len()] {
            let parts = parse(body, step).unwrap();
            assert_eq!(parts.len(), 2, "step {step}");
            assert_eq!(parts[0].0, "csrf");
            assert_eq!(parts[0].2, b"tok");
            assert_eq!(parts[1].1.as_deref(), Some("u.csv"));
            assert_eq!(parts[1].2, b"Email\r\na@b.test\r\n--X\r\n", "step {step}");
        }
    }

    #[test]
    fn refuses_what_is_not_multipart() {
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(parse(b"--XyZ\r\nno end", 4), Err(Malformed));
        assert_eq!(
            parse(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
                4
            ),
            Err(Malformed)
        );
    }
}
