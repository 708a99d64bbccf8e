use super::*;
use crate::cause::Cause;
use crate::message::Message;
use crate::parse::{parse_message, Limits};
use alloc::string::String;
use alloc::vec::Vec;
use rand_pcg::Pcg64;

fn config(extra: impl FnOnce(crate::config::ConfigBuilder) -> crate::config::ConfigBuilder) -> Config {
    let b = crate::config::ConfigBuilder::new()
        .uri("sip:alice@example.com")
        .server("wss://proxy.example.com")
        .display_name("Alice")
        .password("secret");
    extra(b).build().unwrap()
}

fn ua(cfg: Config) -> Ua<Pcg64> {
    Ua::new(cfg, Pcg64::new(7, 11), Instant::ZERO).unwrap()
}

fn drain(ua: &mut Ua<Pcg64>) -> Vec<Output> {
    core::iter::from_fn(|| ua.poll_output()).collect()
}

fn sent_requests(outs: &[Output]) -> Vec<crate::message::Request> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Transmit { data, .. } => {
                match parse_message(data.clone(), Framing::WebSocket, &Limits::default()) {
                    Ok(Message::Request(r)) => Some(r),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

use crate::parse::Framing;

fn first_connect(outs: &[Output]) -> ConnId {
    outs.iter()
        .find_map(|o| match o {
            Output::Connect { conn, .. } => Some(*conn),
            _ => None,
        })
        .unwrap()
}

fn reply(req: &crate::message::Request, status: u16, extra: &str) -> Bytes {
    let mut b = crate::message::Response::builder(crate::message::StatusCode::new(status).unwrap())
        .echo(req)
        .to_tag("srv");
    for line in extra.split("\r\n").filter(|l| !l.is_empty()) {
        let (n, v) = line.split_once(": ").unwrap();
        b = b.header_raw(n, v);
    }
    b.build().unwrap().buffer().clone()
}

#[test]
fn start_connect_register_with_digest() {
    let mut ua = ua(config(|b| b));
    let t0 = Instant::from_millis(10);
    ua.start(t0);
    let outs = drain(&mut ua);
    let conn = match &outs[..] {
        [Output::Event(Event::Connecting { attempt: 1, .. }), Output::Connect { conn, server }] => {
            assert_eq!(server.text, "wss://proxy.example.com");
            *conn
        }
        other => panic!("{other:?}"),
    };
    ua.handle_input(Input::Connected { conn, now: t0 });
    let outs = drain(&mut ua);
    assert!(matches!(outs[0], Output::Event(Event::Connected { .. })));
    let reqs = sent_requests(&outs);
    assert_eq!(reqs.len(), 1);
    let reg = &reqs[0];
    let text = String::from_utf8_lossy(reg.buffer()).into_owned();
    let via = reg.headers().top_via().unwrap().unwrap();
    assert_eq!(via.transport, b"WSS");
    assert!(via.host.ends_with(b".invalid"));
    assert!(via.branch().unwrap().starts_with(b"z9hG4bK") && via.branch().unwrap().len() == 23);
    assert!(text.starts_with("REGISTER sip:example.com SIP/2.0\r\n"), "{text}");
    assert!(text.contains("\r\nMax-Forwards: 70\r\nTo: \"Alice\" <sip:alice@example.com>\r\nFrom: \"Alice\" <sip:alice@example.com>;tag="));
    assert!(text.contains("\r\nCSeq: 1 REGISTER\r\n"));
    assert!(text.contains(";transport=ws>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:"));
    assert!(text.contains("\r\nExpires: 600\r\nAllow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\nSupported: path, gruu, outbound\r\nUser-Agent: sansip/"));
    assert!(!text.contains("Route:"), "no preloaded route by default");

    // 401 → REGISTER with credentials, CSeq 2, same Call-ID.
    let t1 = Instant::from_millis(60);
    let challenge = reply(
        reg,
        401,
        "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth\"\r\n",
    );
    ua.handle_input(Input::Received {
        conn,
        data: challenge,
        now: t1,
    });
    let reqs = sent_requests(&drain(&mut ua));
    assert_eq!(reqs.len(), 1);
    let authed = &reqs[0];
    assert_eq!(authed.cseq().unwrap().seq, 2);
    assert_eq!(authed.call_id(), reg.call_id());
    let creds = authed.headers().authorization().next().unwrap().unwrap();
    assert_eq!(creds.username.as_deref(), Some(&b"alice"[..]));
    assert_ne!(authed.via_branch(), reg.via_branch(), "a new transaction");

    // 200 → Registered, and a refresh timer.
    let t2 = Instant::from_millis(110);
    ua.handle_input(Input::Received {
        conn,
        data: reply(authed, 200, "Expires: 600\r\n"),
        now: t2,
    });
    let outs = drain(&mut ua);
    assert_eq!(outs, [Output::Event(Event::Registered { expires: 600 })]);
    assert!(ua.is_registered());
    let wake = ua.poll_timeout().unwrap();
    assert!(
        wake >= t2 + Duration::from_secs(300) && wake <= t2 + Duration::from_secs(568),
        "{wake:?}"
    );

    // A stray response is dropped with a trace event, not silently.
    ua.handle_input(Input::Received {
        conn,
        data: reply(authed, 200, ""),
        now: t2,
    });
    assert_eq!(
        drain(&mut ua),
        [Output::Event(Event::Dropped {
            reason: DropReason::UnmatchedResponse
        })]
    );

    // stop(): un-REGISTER, then close once it is answered.
    ua.stop(t2);
    let reqs = sent_requests(&drain(&mut ua));
    let un = &reqs[0];
    assert!(un.headers().get(HeaderName::Expires) == Some(&b"0"[..]));
    ua.handle_input(Input::Received {
        conn,
        data: reply(un, 200, ""),
        now: t2,
    });
    let outs = drain(&mut ua);
    assert!(outs.contains(&Output::Event(Event::Unregistered { cause: None })));
    assert!(outs.contains(&Output::Disconnect { conn }), "{outs:?}");
}

use crate::message::HeaderName;

#[test]
fn authorization_jwt_sent_until_a_digest_answer_replaces_it() {
    let mut ua = ua(config(|b| b.authorization_jwt("Bearer eyJhbGciOi.x.y")));
    ua.start(Instant::ZERO);
    let conn = first_connect(&drain(&mut ua));
    ua.handle_input(Input::Connected {
        conn,
        now: Instant::ZERO,
    });
    let reqs = sent_requests(&drain(&mut ua));
    assert_eq!(
        reqs[0].headers().get(HeaderName::Authorization),
        Some(&b"Bearer eyJhbGciOi.x.y"[..])
    );
    let challenge = reply(
        &reqs[0],
        401,
        "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\"\r\n",
    );
    ua.handle_input(Input::Received {
        conn,
        data: challenge,
        now: Instant::ZERO,
    });
    let reqs = sent_requests(&drain(&mut ua));
    let auth: Vec<&[u8]> = reqs[0].headers().get_all(HeaderName::Authorization).collect();
    assert_eq!(auth.len(), 1);
    assert!(auth[0].starts_with(b"Digest algorithm=MD5, username=\"alice\""));
}

#[test]
fn keepalive_ping_answered_and_options_answered() {
    let mut ua = ua(config(|b| b.register(false)));
    ua.start(Instant::ZERO);
    let conn = first_connect(&drain(&mut ua));
    ua.handle_input(Input::Connected {
        conn,
        now: Instant::ZERO,
    });
    drain(&mut ua);
    // RFC 5626 §3.5.1: a double CRLF gets a single CRLF.
    ua.handle_input(Input::Received {
        conn,
        data: Bytes::from_static(b"\r\n\r\n"),
        now: Instant::ZERO,
    });
    assert_eq!(
        drain(&mut ua),
        [Output::Transmit {
            conn,
            data: Bytes::from_static(b"\r\n")
        }]
    );
    let options = Bytes::from_static(
        b"OPTIONS sip:alice@example.com SIP/2.0\r\nVia: SIP/2.0/WSS p.example.com;branch=z9hG4bKopt1\r\n\
          Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:bob@example.com>;tag=b1\r\n\
          Call-ID: opt-1\r\nCSeq: 5 OPTIONS\r\n\r\n",
    );
    ua.handle_input(Input::Received {
        conn,
        data: options,
        now: Instant::ZERO,
    });
    let outs = drain(&mut ua);
    let [Output::Transmit { data, .. }] = &outs[..] else {
        panic!("{outs:?}")
    };
    let text = core::str::from_utf8(data).unwrap();
    assert!(
        text.starts_with("SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS p.example.com;branch=z9hG4bKopt1\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nAllow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n"));
}

#[test]
fn malformed_request_gets_400_with_warning() {
    let mut ua = ua(config(|b| b.register(false)));
    ua.start(Instant::ZERO);
    let conn = first_connect(&drain(&mut ua));
    ua.handle_input(Input::Connected {
        conn,
        now: Instant::ZERO,
    });
    drain(&mut ua);
    // An unterminated quote in To (RFC 4475 §3.1.2.6).
    let bad = Bytes::from_static(
        b"INVITE sip:alice@example.com SIP/2.0\r\nVia: SIP/2.0/WSS p.example.com;branch=z9hG4bKq\r\n\
          To: \"Mr. J. User <sip:alice@example.com>\r\nFrom: <sip:bob@example.com>;tag=b1\r\n\
          Call-ID: q-1\r\nCSeq: 1 INVITE\r\n\r\n",
    );
    ua.handle_input(Input::Received {
        conn,
        data: bad,
        now: Instant::ZERO,
    });
    let outs = drain(&mut ua);
    let Output::Transmit { data, .. } = &outs[0] else {
        panic!("{outs:?}")
    };
    let text = core::str::from_utf8(data).unwrap();
    assert!(
        text.starts_with("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/WSS p.example.com;branch=z9hG4bKq\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nWarning: 399 ") && text.contains("\"malformed To header\"\r\n"),
        "{text}"
    );
    assert!(matches!(
        &outs[1],
        Output::Event(Event::Dropped {
            reason: DropReason::Malformed(_)
        })
    ));
}

fn connected(cfg: Config) -> (Ua<Pcg64>, ConnId) {
    let mut ua = ua(cfg);
    ua.start(Instant::ZERO);
    let conn = first_connect(&drain(&mut ua));
    ua.handle_input(Input::Connected {
        conn,
        now: Instant::ZERO,
    });
    drain(&mut ua);
    (ua, conn)
}

#[test]
fn message_with_proxy_challenge_then_success() {
    let (mut ua, conn) = connected(config(|b| b.register(false)));
    let id = ua
        .send_message(Instant::ZERO, "bob", "Hello ¶", "text/plain;charset=utf-8")
        .unwrap();
    let reqs = sent_requests(&drain(&mut ua));
    let msg = &reqs[0];
    let text = core::str::from_utf8(msg.buffer()).unwrap();
    // JsSIP normalizeTarget: a bare user is at our domain.
    assert!(
        text.starts_with("MESSAGE sip:bob@example.com SIP/2.0\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nTo: <sip:bob@example.com>\r\nFrom: \"Alice\" <sip:alice@example.com>;tag="));
    assert!(text.contains("\r\nCSeq: 1 MESSAGE\r\n"));
    assert!(text.ends_with("Content-Type: text/plain;charset=utf-8\r\nUser-Agent: sansip/0.1.0\r\nContent-Length: 8\r\n\r\nHello ¶"), "{text}");
    let challenge = reply(
        msg,
        407,
        "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"m1\", qop=\"auth\"\r\n",
    );
    ua.handle_input(Input::Received {
        conn,
        data: challenge,
        now: Instant::ZERO,
    });
    let reqs = sent_requests(&drain(&mut ua));
    let again = &reqs[0];
    assert_eq!(again.cseq().unwrap().seq, 2);
    assert_eq!(again.call_id(), msg.call_id());
    assert_eq!(again.from_tag(), msg.from_tag());
    assert!(again.headers().proxy_authorization().next().unwrap().is_ok());
    assert_eq!(again.body_bytes(), "Hello ¶".as_bytes());
    ua.handle_input(Input::Received {
        conn,
        data: reply(again, 202, ""),
        now: Instant::ZERO,
    });
    assert_eq!(
        drain(&mut ua),
        [Output::Event(Event::MessageSucceeded {
            id,
            status: crate::message::StatusCode::ACCEPTED
        })]
    );
}

#[test]
fn message_wrong_password_fails_once_not_in_a_loop() {
    let (mut ua, conn) = connected(config(|b| b.register(false)));
    let id = ua
        .send_message(Instant::ZERO, "sip:bob@example.net", "x", "text/plain")
        .unwrap();
    let challenge = "WWW-Authenticate: Digest realm=\"example.net\", nonce=\"m1\"\r\n";
    let reqs = sent_requests(&drain(&mut ua));
    ua.handle_input(Input::Received {
        conn,
        data: reply(&reqs[0], 401, challenge),
        now: Instant::ZERO,
    });
    let reqs = sent_requests(&drain(&mut ua));
    assert_eq!(reqs.len(), 1);
    ua.handle_input(Input::Received {
        conn,
        data: reply(&reqs[0], 401, challenge),
        now: Instant::ZERO,
    });
    assert_eq!(
        drain(&mut ua),
        [Output::Event(Event::MessageFailed {
            id,
            cause: Cause::AuthenticationError,
            status: crate::message::StatusCode::new(401)
        })]
    );
}

#[test]
fn message_without_connection_or_with_bad_target() {
    let mut ua = ua(config(|b| b.register(false)));
    ua.start(Instant::ZERO);
    drain(&mut ua);
    let id = ua.send_message(Instant::ZERO, "bob", "x", "text/plain").unwrap();
    assert_eq!(
        drain(&mut ua),
        [Output::Event(Event::MessageFailed {
            id,
            cause: Cause::ConnectionError,
            status: None
        })]
    );
    assert_eq!(
        ua.send_message(Instant::ZERO, "ibc@iñaki.com", "x", "text/plain"),
        Err(UaError::InvalidTarget)
    );
    assert_eq!(
        ua.send_message(Instant::ZERO, "bob", "x", "text/plain\r\nX: y"),
        Err(UaError::InvalidContentType)
    );
}

#[test]
fn incoming_message_answered_200_and_reported() {
    let (mut ua, conn) = connected(config(|b| b.register(false)));
    let message = Bytes::from_static(
        b"MESSAGE sip:alice@example.com SIP/2.0\r\nVia: SIP/2.0/WSS p.example.com;branch=z9hG4bKm1\r\n\
          Max-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: \"Bob\" <sip:bob@example.com>;tag=b1\r\n\
          Call-ID: m-1\r\nCSeq: 1 MESSAGE\r\nContent-Type: application/im-iscomposing+xml\r\nContent-Length: 5\r\n\r\nhello",
    );
    ua.handle_input(Input::Received {
        conn,
        data: message,
        now: Instant::ZERO,
    });
    let outs = drain(&mut ua);
    let Output::Transmit { data, .. } = &outs[1] else {
        panic!("{outs:?}")
    };
    assert!(data.starts_with(b"SIP/2.0 200 OK\r\n"));
    assert_eq!(
        outs[0],
        Output::Event(Event::NewMessage {
            from: "\"Bob\" <sip:bob@example.com>;tag=b1".into(),
            to: "<sip:alice@example.com>".into(),
            content_type: Some("application/im-iscomposing+xml".into()),
            body: Bytes::from_static(b"hello"),
        })
    );
}
