//! A small authoritative DNS server on loopback (UDP, real DNS wire format via hickory-proto),
//! so that managed-domain verification runs through a real resolver without the internet. It
//! answers TXT queries for the names it was given, SERVFAIL for names told to fail, and
//! NXDOMAIN for others.

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{RData, Record, RecordType};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::UdpSocket;

type Zone = Arc<Mutex<HashMap<String, Vec<String>>>>;

/// The zone entry of a name that fails.
const FAIL: &str = "\0servfail";

/// A running server; it stops with the test's runtime.
pub struct DnsServer {
    pub addr: SocketAddr,
    zone: Zone,
}

fn key(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    if n.ends_with('.') {
        n
    } else {
        format!("{n}.")
    }
}

impl DnsServer {
    pub async fn start() -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let zone: Zone = Arc::default();
        let served = Arc::clone(&zone);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                    return;
                };
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let reply = answer(&query, &served);
                let _ = socket.send_to(&reply.to_vec().unwrap(), peer).await;
            }
        });
        Self { addr, zone }
    }

    /// Makes the server fail (SERVFAIL) every query for `name`, as a broken DNS server does.
    pub fn fail(&self, name: &str) {
        self.zone
            .lock()
            .unwrap()
            .insert(key(name), vec![FAIL.to_owned()]);
    }

    /// Publishes TXT records at `name` (replacing what was there); none removes the name.
    pub fn set_txt(&self, name: &str, texts: &[&str]) {
        let mut zone = self.zone.lock().unwrap();
        if texts.is_empty() {
            zone.remove(&key(name));
        } else {
            zone.insert(key(name), texts.iter().map(|t| (*t).to_owned()).collect());
        }
    }
}

fn answer(query: &Message, zone: &Zone) -> Message {
    let mut reply = Message::new();
    reply
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_authoritative(true)
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true);
    let zone = zone.lock().unwrap();
    let mut code = ResponseCode::NoError;
    for q in query.queries() {
        reply.add_query(q.clone());
        match zone.get(&key(&q.name().to_ascii())) {
            None => code = ResponseCode::NXDomain,
            Some(texts) if texts.iter().any(|t| t == FAIL) => code = ResponseCode::ServFail,
            Some(texts) if q.query_type() == RecordType::TXT => {
                for t in texts {
                    reply.add_answer(Record::from_rdata(
                        q.name().clone(),
                        60,
                        RData::TXT(TXT::new(vec![t.clone()])),
                    ));
                }
            }
            Some(_) => {}
        }
    }
    reply.set_response_code(code);
    reply
}
