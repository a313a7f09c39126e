//! DNS TXT lookups through a real resolver (hickory), for proving a managed domain. The resolver
//! is the system's (`/etc/resolv.conf`) unless the `dns_resolver` setting names one. A fresh
//! resolver serves each lookup, so an answer cached from a failed attempt never hides a record
//! published since.

use crate::{Error, Result};
use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::TokioResolver;
use std::net::SocketAddr;
use std::time::Duration;

fn options(mut opts: ResolverOpts) -> ResolverOpts {
    opts.timeout = Duration::from_secs(3);
    opts.attempts = 2;
    opts.cache_size = 0;
    opts
}

fn resolver(server: Option<SocketAddr>, name: &str) -> Result<TokioResolver> {
    let provider = TokioConnectionProvider::default();
    let mut builder = match server {
        Some(addr) => {
            let servers = NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true);
            TokioResolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], servers),
                provider,
            )
        }
        None => TokioResolver::builder(provider).map_err(|e| Error::DnsLookupFailed {
            name: name.to_owned(),
            detail: format!(
                "the system's resolver configuration cannot be read ({e}); set dns_resolver"
            ),
        })?,
    };
    let opts = options(builder.options_mut().clone());
    *builder.options_mut() = opts;
    Ok(builder.build())
}

/// Whether the server answered that there is no such record (NXDOMAIN, or no TXT at the
/// name). hickory reports a SERVFAIL or REFUSED answer as "no records" too: that is a failure.
fn no_such_record(e: &hickory_resolver::ResolveError) -> bool {
    use hickory_resolver::proto::op::ResponseCode;
    use hickory_resolver::proto::ProtoErrorKind;
    match e.proto().map(|p| p.kind()) {
        Some(ProtoErrorKind::NoRecordsFound { response_code, .. }) => {
            matches!(
                *response_code,
                ResponseCode::NoError | ResponseCode::NXDomain
            )
        }
        _ => false,
    }
}

/// The texts of the TXT records at `name` (a fully qualified name), each record's strings
/// joined. No such name, or no TXT records there, is an empty list; a resolver that does not
/// answer is [`Error::DnsLookupFailed`].
pub(crate) async fn txt_texts(server: Option<SocketAddr>, name: &str) -> Result<Vec<String>> {
    let resolver = resolver(server, name)?;
    match resolver.txt_lookup(name).await {
        Ok(lookup) => Ok(lookup
            .iter()
            .map(|txt| {
                txt.iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>()
            })
            .collect()),
        Err(e) if no_such_record(&e) => Ok(Vec::new()),
        Err(e) => Err(Error::DnsLookupFailed {
            name: name.to_owned(),
            detail: e.to_string(),
        }),
    }
}
