use super::*;
use crate::auth::DigestCredentials;
use crate::message::Response;
use crate::parse::{parse_message, Framing, Limits};
use alloc::vec;
use bytes::Bytes;
use rand_pcg::Pcg64;

fn rng() -> Pcg64 {
    Pcg64::new(0xcafe_f00d_d15e_a5e5, 0x0a02_bdbf_7bb3_c0a7)
}

fn params() -> RegistrationParams {
    RegistrationParams {
        registrar: Uri::parse_str("sip:example.com").unwrap(),
        aor: Uri::parse_str("sip:alice@example.com").unwrap(),
        display_name: Some("Alice \"A\" ¶€".into()),
        contact: ContactBinding {
            uri: Uri::parse_str("sip:k3j2h1g0@abcdefghijkl.invalid;transport=ws").unwrap(),
            instance_id: "8f6c1e4a-2b3d-4c5e-9f70-1a2b3c4d5e6f".into(),
            reg_id: 1,
            ice: true,
        },
        expires: 600,
        extra_headers: vec!["X-Foo: bar".into()],
        allow: "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY",
        from_tag_trail: None,
        retry_min: Duration::from_secs(2),
        retry_max: Duration::from_secs(30),
    }
}

fn response(req: &OutgoingRequest, status: u16, extra: &str) -> Response {
    let text =
        alloc::format!(
        "SIP/2.0 {status} X\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\nTo: {};tag=reg\r\nFrom: {}\r\n\
         Call-ID: {}\r\nCSeq: {} REGISTER\r\n{extra}Content-Length: 0\r\n\r\n",
        req.to, req.from, req.call_id, req.cseq
    );
    match parse_message(Bytes::from(text), Framing::WebSocket, &Limits::default()).unwrap() {
        crate::message::Message::Response(r) => r,
        _ => unreachable!(),
    }
}

const T0: Instant = Instant::from_millis(1_000);

fn started() -> (Registration, Pcg64, OutgoingRequest) {
    let mut rng = rng();
    let mut reg = Registration::new(params(), &mut rng);
    reg.register(T0);
    assert!(reg.poll_request().is_none(), "nothing before the transport is up");
    reg.transport_up(T0);
    let req = reg.poll_request().unwrap();
    (reg, rng, req)
}

#[test]
fn first_register_has_jssip_headers() {
    let (reg, _, req) = started();
    assert_eq!(req.method, Method::Register);
    assert_eq!(req.uri.as_str(), "sip:example.com");
    // display_name is always quoted and escaped, multi-byte safe.
    assert_eq!(req.to, r#""Alice \"A\" ¶€" <sip:alice@example.com>"#);
    assert_eq!(
        req.from,
        alloc::format!(r#""Alice \"A\" ¶€" <sip:alice@example.com>;tag={}"#, reg.from_tag)
    );
    assert_eq!(req.cseq, 1);
    assert_eq!(req.call_id, reg.call_id());
    let h: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_str()))
        .collect();
    assert_eq!(
        h,
        [
            (
                "Contact",
                "<sip:k3j2h1g0@abcdefghijkl.invalid;transport=ws>;+sip.ice;reg-id=1;\
                 +sip.instance=\"<urn:uuid:8f6c1e4a-2b3d-4c5e-9f70-1a2b3c4d5e6f>\";expires=600"
            ),
            ("Expires", "600"),
            (
                "Allow",
                "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY"
            ),
            ("Supported", "path, gruu, outbound"),
            ("X-Foo", "bar"),
        ]
    );
    assert!(req.credentials.is_none() && req.initial);
}

#[test]
fn registered_with_contact_expires_and_refresh_point() {
    let (mut reg, mut rng, req) = started();
    // The Contact's expires wins over the Expires header (RFC 3261 §10.2.4).
    let ok = response(
        &req,
        200,
        "Contact: <sip:k3j2h1g0@abcdefghijkl.invalid;transport=ws>;expires=300\r\nExpires: 900\r\n",
    );
    reg.handle_response(&ok, None, T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { expires: 300 })
    );
    assert!(reg.is_registered());
    // expires > 64: refresh at a random point in [150 s, 268 s]; the binding ends at 300 s.
    let refresh = reg.poll_timeout().unwrap();
    let delay = refresh - T0;
    assert!(
        delay >= Duration::from_secs(150) && delay <= Duration::from_secs(268),
        "{delay:?}"
    );
    reg.handle_timeout(refresh, &mut rng);
    assert_eq!(reg.poll_event(), Some(RegistrationEvent::Expiring));
    let refresh_req = reg.poll_request().unwrap();
    assert_eq!(refresh_req.cseq, 2);
    assert_eq!(
        refresh_req.call_id, req.call_id,
        "Call-ID stable across refreshes"
    );
    assert_eq!(refresh_req.from, req.from, "From tag stable across refreshes");
}

#[test]
fn expiry_falls_back_to_expires_header_then_config() {
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 200, "Expires: 120\r\n"), None, T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { expires: 120 })
    );
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 200, ""), None, T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { expires: 600 })
    );
    // A contact with another URI but our instance also counts (registrar rewrote it).
    let (mut reg, mut rng, req) = started();
    let ok = response(
        &req,
        200,
        "Contact: <sip:other@192.0.2.9>;expires=77;+sip.instance=\"<urn:uuid:8f6c1e4a-2b3d-4c5e-9f70-1a2b3c4d5e6f>\"\r\n",
    );
    reg.handle_response(&ok, None, T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { expires: 77 })
    );
}

#[test]
fn refresh_delay_rules() {
    let mut r = rng();
    for _ in 0..200 {
        let d = refresh_delay(600, &mut r);
        assert!(d >= Duration::from_secs(300) && d <= Duration::from_secs(568));
    }
    assert_eq!(refresh_delay(64, &mut r), Duration::from_secs(59));
    assert_eq!(refresh_delay(30, &mut r), Duration::from_secs(25));
    assert_eq!(refresh_delay(3, &mut r), Duration::from_secs(1));
    // 65 s: between 32.5 s and 33 s.
    let d = refresh_delay(65, &mut r);
    assert!(d >= Duration::from_millis(32_500) && d <= Duration::from_secs(33));
}

#[test]
fn interval_too_brief_adopts_min_expires() {
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 423, "Min-Expires: 3600\r\n"), None, T0, &mut rng);
    assert_eq!(reg.poll_event(), None);
    let again = reg.poll_request().unwrap();
    assert_eq!(again.cseq, 2);
    assert!(again.headers.iter().any(|(n, v)| n == "Expires" && v == "3600"));
    assert!(again
        .headers
        .iter()
        .any(|(n, v)| n == "Contact" && v.ends_with(";expires=3600")));
    // A 423 whose Min-Expires is not above what we asked is a failure, not a loop.
    reg.handle_response(
        &response(&again, 423, "Min-Expires: 3600\r\n"),
        None,
        T0,
        &mut rng,
    );
    assert!(matches!(
        reg.poll_event(),
        Some(RegistrationEvent::Failed { status: Some(s), .. }) if s.as_u16() == 423
    ));
}

const CHALLENGE: &str = "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"\r\n";

#[test]
fn digest_challenge_answered_once() {
    let (mut reg, mut rng, req) = started();
    let creds = DigestCredentials::with_password("alice", "secret");
    reg.handle_response(&response(&req, 401, CHALLENGE), Some(&creds), T0, &mut rng);
    let authed = reg.poll_request().unwrap();
    assert_eq!(authed.cseq, 2, "RFC 3261 §22.2: CSeq incremented");
    let (name, value) = authed.credentials.clone().unwrap();
    assert_eq!(name, HeaderName::Authorization);
    assert!(value.starts_with("Digest algorithm=MD5, username=\"alice\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:example.com\", response=\""));
    // JsSIP's layout ends with qop, a 32-hex-digit cnonce (16 random bytes) and nc.
    let tail = value.rsplit_once(", qop=auth, cnonce=\"").unwrap().1;
    let (cnonce, rest) = tail.split_once('"').unwrap();
    assert!(
        cnonce.len() == 32 && cnonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{cnonce}"
    );
    assert_eq!(rest, ", nc=00000001");
    // The same challenge again: the password is wrong. No loop.
    reg.handle_response(&response(&authed, 401, CHALLENGE), Some(&creds), T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Failed {
            cause: Cause::AuthenticationError,
            status: StatusCode::new(401),
            retry_at: None
        })
    );
    assert!(reg.poll_request().is_none());
    assert_eq!(reg.poll_timeout(), None);
}

#[test]
fn stale_nonce_gets_one_more_try() {
    let (mut reg, mut rng, req) = started();
    let creds = DigestCredentials::with_password("alice", "secret");
    reg.handle_response(
        &response(&req, 407, CHALLENGE.replace("WWW-", "Proxy-").as_str()),
        Some(&creds),
        T0,
        &mut rng,
    );
    let first = reg.poll_request().unwrap();
    assert_eq!(
        first.credentials.as_ref().unwrap().0,
        HeaderName::ProxyAuthorization
    );
    let stale =
        "Proxy-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", qop=\"auth\", stale=true\r\n";
    reg.handle_response(&response(&first, 407, stale), Some(&creds), T0, &mut rng);
    let second = reg.poll_request().unwrap();
    assert_eq!(second.cseq, 3);
    assert!(second.credentials.as_ref().unwrap().1.contains("nonce=\"n2\""));
    // Stale again: the one extra try is used up.
    reg.handle_response(&response(&second, 407, stale), Some(&creds), T0, &mut rng);
    assert!(matches!(
        reg.poll_event(),
        Some(RegistrationEvent::Failed {
            cause: Cause::AuthenticationError,
            ..
        })
    ));
}

#[test]
fn failure_retries_with_backoff_or_retry_after() {
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 503, "Retry-After: 17\r\n"), None, T0, &mut rng);
    let retry_at = T0 + Duration::from_secs(17);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Failed {
            cause: Cause::SipFailureCode,
            status: StatusCode::new(503),
            retry_at: Some(retry_at)
        })
    );
    assert_eq!(reg.poll_timeout(), Some(retry_at));
    reg.handle_timeout(retry_at - Duration::from_millis(1), &mut rng);
    assert!(reg.poll_request().is_none());
    reg.handle_timeout(retry_at, &mut rng);
    let again = reg.poll_request().unwrap();
    // Timer F: backoff between min and max.
    reg.request_failed(again.cseq, Cause::RequestTimeout, retry_at, &mut rng);
    let Some(RegistrationEvent::Failed {
        cause: Cause::RequestTimeout,
        status: None,
        retry_at: Some(next),
    }) = reg.poll_event()
    else {
        panic!("expected a timeout failure with a retry")
    };
    let d = next - retry_at;
    assert!(
        d >= Duration::from_secs(2) && d <= Duration::from_secs(30),
        "{d:?}"
    );
}

#[test]
fn reconnect_reregisters_and_ignores_the_lost_response() {
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 200, ""), None, T0, &mut rng);
    assert!(matches!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { .. })
    ));
    // A refresh goes out, then the connection drops before its answer.
    let refresh = reg.poll_timeout().unwrap();
    reg.handle_timeout(refresh, &mut rng);
    assert_eq!(reg.poll_event(), Some(RegistrationEvent::Expiring));
    let lost = reg.poll_request().unwrap();
    reg.transport_down(refresh);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Unregistered {
            cause: Some(Cause::ConnectionError)
        })
    );
    assert_eq!(reg.poll_timeout(), None);
    // The late 200 to the lost refresh changes nothing.
    reg.handle_response(&response(&lost, 200, ""), None, refresh, &mut rng);
    assert_eq!(reg.poll_event(), None);
    assert!(!reg.is_registered());
    // Back up: register at once with a new CSeq.
    reg.transport_up(refresh + Duration::from_secs(3));
    let fresh = reg.poll_request().unwrap();
    assert_eq!(fresh.cseq, lost.cseq + 1);
    reg.handle_response(
        &response(&fresh, 200, ""),
        None,
        refresh + Duration::from_secs(3),
        &mut rng,
    );
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Registered { expires: 600 })
    );
}

#[test]
fn unregister_and_unregister_all() {
    let (mut reg, mut rng, req) = started();
    reg.handle_response(&response(&req, 200, ""), None, T0, &mut rng);
    reg.poll_event();
    reg.unregister(T0, false);
    let un = reg.poll_request().unwrap();
    assert!(un
        .headers
        .iter()
        .any(|(n, v)| n == "Contact" && v.ends_with(";expires=0")));
    assert!(un.headers.iter().any(|(n, v)| n == "Expires" && v == "0"));
    reg.handle_response(&response(&un, 200, ""), None, T0, &mut rng);
    assert_eq!(
        reg.poll_event(),
        Some(RegistrationEvent::Unregistered { cause: None })
    );
    assert_eq!(reg.poll_timeout(), None, "no refresh after unregistering");
    reg.unregister(T0, true);
    let all = reg.poll_request().unwrap();
    assert!(all.headers.iter().any(|(n, v)| n == "Contact" && v == "*"));
    assert!(all.headers.iter().any(|(n, v)| n == "Expires" && v == "0"));
}

#[test]
fn from_tag_trail_on_register_not_on_unregister() {
    let mut rng = rng();
    let mut p = params();
    p.from_tag_trail = Some("-trail7".into());
    let mut reg = Registration::new(p, &mut rng);
    reg.register(T0);
    reg.transport_up(T0);
    let req = reg.poll_request().unwrap();
    assert!(
        req.from
            .ends_with(&alloc::format!(";tag={}-trail7", reg.from_tag)),
        "{}",
        req.from
    );
    reg.handle_response(&response(&req, 200, ""), None, T0, &mut rng);
    reg.unregister(T0, false);
    let un = reg.poll_request().unwrap();
    assert!(
        un.from.ends_with(&alloc::format!(";tag={}", reg.from_tag)),
        "{}",
        un.from
    );
}

#[test]
fn requests_overlapping_are_queued() {
    let (mut reg, mut rng, req) = started();
    reg.register(T0);
    assert!(
        reg.poll_request().is_none(),
        "one REGISTER at a time (RFC 3261 §10.2)"
    );
    reg.handle_response(&response(&req, 200, ""), None, T0, &mut rng);
    let queued = reg.poll_request().unwrap();
    assert_eq!(queued.cseq, 2);
}
