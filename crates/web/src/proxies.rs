//! Which client a request comes from when Roster sits behind reverse proxies: the TCP peer,
//! unless the peer is a trusted proxy (`ROSTER_TRUSTED_PROXIES`), in which case the nearest
//! address in `X-Forwarded-For` that is not itself a trusted proxy. A client can put anything in
//! that header, so it is read only from proxies the operator named, and from the right: each
//! trusted proxy appends the address it saw.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// One address or range, `10.0.0.0/8`, `::1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    addr: IpAddr,
    prefix: u8,
}

impl Range {
    fn parse(s: &str) -> Result<Self, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR range"))?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => return Err(format!("{s:?}: the prefix length must be 0 to {max}")),
            },
        };
        Ok(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> (u128, u32) {
            match ip {
                IpAddr::V4(v) => (u128::from(u32::from(v)) << 96, 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        };
        let (a, a_len) = bits(self.addr);
        let (b, b_len) = bits(ip.to_canonical());
        if a_len != b_len {
            return false;
        }
        let mask = match self.prefix {
            0 => 0,
            p => u128::MAX << (128 - u32::from(p)),
        };
        a & mask == b & mask
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Range>);

impl TrustedProxies {
    /// Comma-separated addresses or CIDR ranges; empty means none.
    ///
    /// # Errors
    /// A part that is not an address or range, named in the message.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Range::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(value) = value.to_str() else {
                return peer;
            };
            for hop in value.split(',') {
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) => hops.push(ip.to_canonical()),
                    // A malformed list is not believed at all.
                    Err(_) => return peer,
                }
            }
        }
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let t = TrustedProxies::parse(" 10.0.0.0/8, 127.0.0.1 ,fd00::/8").unwrap();
        assert!(t.trusts(ip("10.1.2.3")));
        assert!(t.trusts(ip("127.0.0.1")));
        assert!(t.trusts(ip("::ffff:127.0.0.1")));
        assert!(t.trusts(ip("fd12::1")));
        assert!(!t.trusts(ip("127.0.0.2")));
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(!t.trusts(ip("fe80::1")));
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .trusts(ip("8.8.8.8")));
        for bad in ["localhost", "10.0.0.0/33", "::/129", "1.2.3.4/x"] {
            let e = TrustedProxies::parse(bad).unwrap_err();
            assert!(e.contains(bad.split('/').next().unwrap()), "{e}");
        }
    }

    #[test]
    fn the_header_counts_only_from_trusted_peers() {
        let none = TrustedProxies::default();
        let h = headers(&["203.0.113.9"]);
        assert_eq!(none.client(ip("198.51.100.1"), &h), ip("198.51.100.1"));

        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // An untrusted peer's header is ignored.
        assert_eq!(t.client(ip("198.51.100.1"), &h), ip("198.51.100.1"));
        // A trusted peer: the nearest untrusted hop, whatever the client wrote before it.
        let h = headers(&["1.1.1.1, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(t.client(ip("10.0.0.5"), &h), ip("203.0.113.9"));
        // Only proxies in the list: the farthest one.
        assert_eq!(
            t.client(ip("10.0.0.5"), &headers(&["10.0.0.9"])),
            ip("10.0.0.9")
        );
        // No header, or a malformed one: the peer.
        assert_eq!(t.client(ip("10.0.0.5"), &headers(&[])), ip("10.0.0.5"));
        assert_eq!(
            t.client(ip("10.0.0.5"), &headers(&["203.0.113.9, junk"])),
            ip("10.0.0.5")
        );
    }
}
