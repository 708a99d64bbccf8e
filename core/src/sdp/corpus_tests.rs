//! Every corpus message with an SDP body (`grep -l application/sdp` over ../shared/corpus and
//! the bench INVITE): the body comes out of `parse_message` (Datagram framing) and parses, with
//! its values checked. Messages the SIP parser rejects (RFC 4475 "invalid") still carry an SDP
//! that must parse on its own; their body is cut at the blank line.

use super::*;
use crate::message::HeaderName;
use crate::parse::{parse_message, Framing, Limits};
use bytes::Bytes;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}{path}")).unwrap()
}

/// The SDP body of a corpus message the SIP parser accepts.
fn body(path: &str) -> Sdp {
    let msg = parse_message(Bytes::from(read(path)), Framing::Datagram, &Limits::default()).unwrap();
    let ct = msg.headers().get(HeaderName::ContentType).unwrap();
    assert!(ct.eq_ignore_ascii_case(b"application/sdp"), "{path}");
    let sdp = Sdp::parse(msg.body()).unwrap();
    // CRLF bodies without blank lines re-serialise byte for byte.
    assert_eq!(sdp.to_bytes(), msg.body(), "{path}");
    sdp
}

/// The body after the blank line of a message the SIP parser rejects.
fn raw_body(path: &str) -> Bytes {
    let data = read(path);
    assert!(parse_message(Bytes::from(data.clone()), Framing::Datagram, &Limits::default()).is_err());
    let at = data.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    Bytes::from(data[at..].to_vec())
}

fn rtpmaps(m: &MediaDescription<'_>) -> Vec<(u8, String, Option<u32>)> {
    m.rtpmaps()
        .map(|r| (r.payload_type, r.encoding.to_string(), r.clock_rate))
        .collect()
}

/// The RFC 4475 body shared by most torture tests: audio 0 12 and video 31 with the rtpmap
/// `31 LPC` that has no clock rate.
fn assert_4475_body(sdp: &Sdp, origin_addr: &str, conn_addr: &str) {
    let o = sdp.origin();
    assert_eq!(
        (
            o.username,
            o.session_id,
            o.session_version,
            o.net_type,
            o.addr_type,
            o.address
        ),
        ("mhandley", "29739", "7272939", "IN", "IP4", origin_addr)
    );
    let c = sdp.connection().unwrap();
    assert_eq!((c.address_type(), c.address), (Some(AddressType::Ip4), conn_addr));
    let media: Vec<_> = sdp.media().collect();
    assert_eq!(media.len(), 2);
    assert_eq!(
        (media[0].media(), media[0].port(), media[0].proto()),
        ("audio", 49217, "RTP/AVP")
    );
    assert_eq!(media[0].formats().collect::<Vec<_>>(), ["0", "12"]);
    assert_eq!(media[0].direction(), Direction::SendRecv);
    assert_eq!((media[1].media(), media[1].port()), ("video", 3227));
    assert_eq!(rtpmaps(&media[1]), [(31, "LPC".to_string(), None)]);
    assert_eq!(media[1].effective_connection().unwrap().address, conn_addr);
}

#[test]
fn rfc4475_valid_messages() {
    for (file, addr) in [
        ("baddate.dat", "192.0.2.5"),
        ("bcast.dat", "192.0.2.198"),
        ("esc01.dat", "192.0.2.1"),
        ("insuf.dat", "192.0.2.95"),
        ("longreq.dat", "192.0.2.1"),
        ("sdp01.dat", "192.0.2.5"),
        ("unreason.dat", "192.0.2.198"),
    ] {
        let sdp = body(&format!("rfc4475/{file}"));
        assert_4475_body(&sdp, addr, addr);
        assert_eq!(sdp.session_name(), Some(&b"-"[..]));
        assert_eq!(sdp.times().collect::<Vec<_>>(), [b"0 0"]);
    }
    // §3.1.1.1: o= and c= addresses differ.
    assert_4475_body(&body("rfc4475/wsinv.dat"), "192.0.2.3", "192.0.2.4");
}

#[test]
fn rfc4475_multi01_trailing_blank_line() {
    // The body ends in an extra CRLF: a blank line, skipped, so it is not byte-exact.
    let msg = parse_message(
        Bytes::from(read("rfc4475/multi01.dat")),
        Framing::Datagram,
        &Limits::default(),
    )
    .unwrap();
    assert!(msg.body().ends_with(b"a=rtpmap:31 LPC\r\n\r\n"));
    let sdp = Sdp::parse(msg.body()).unwrap();
    assert_4475_body(&sdp, "192.0.2.25", "192.0.2.25");
    assert_eq!(sdp.to_bytes(), msg.body().slice(..msg.body().len() - 2));
}

#[test]
fn rfc4475_inv2543_one_stream() {
    let sdp = body("rfc4475/inv2543.dat");
    assert_eq!(sdp.media_count(), 1);
    let audio = sdp.media_at(0).unwrap();
    assert_eq!(
        (audio.port(), audio.formats().collect::<Vec<_>>()),
        (49217, vec!["0"])
    );
    assert_eq!(audio.effective_connection().unwrap().address, "192.0.2.5");
}

#[test]
fn rfc4475_mismatch02_without_s_and_t() {
    // §3.1.2.18's body has neither s= nor t=: tolerated.
    let sdp = body("rfc4475/mismatch02.dat");
    assert_eq!(sdp.session_name(), None);
    assert_eq!(sdp.times().count(), 0);
    assert_eq!(sdp.connection().unwrap().address, "192.0.2.1");
    assert_eq!(sdp.media().map(|m| m.port()).collect::<Vec<_>>(), [49217, 3227]);
}

#[test]
fn rfc4475_bodies_of_rejected_messages_parse() {
    for (file, addr) in [
        ("badinv01.dat", "192.0.2.15"),
        ("clerr.dat", "192.0.2.155"),
        ("escruri.dat", "192.0.2.1"),
        ("lwsstart.dat", "192.0.2.1"),
        ("ncl.dat", "192.0.2.53"),
        ("quotbal.dat", "192.0.2.15"),
    ] {
        let sdp = Sdp::parse(raw_body(&format!("rfc4475/{file}"))).unwrap();
        assert_4475_body(&sdp, addr, addr);
    }
    for (file, addr) in [("ltgtruri.dat", "192.0.2.5"), ("lwsruri.dat", "192.0.2.1")] {
        let sdp = Sdp::parse(raw_body(&format!("rfc4475/{file}"))).unwrap();
        assert_4475_body(&sdp, addr, addr);
        assert_eq!(sdp.times().collect::<Vec<_>>(), [b"3149328700 0"]);
    }
}

#[test]
fn rfc4475_test_dat_body_is_malformed() {
    // "testing=123" is not <letter>=<value>.
    let err = Sdp::parse(raw_body("rfc4475/test.dat")).unwrap_err();
    assert_eq!(
        err,
        SdpError {
            kind: SdpErrorKind::Line,
            line: 2
        }
    );
}

#[test]
fn rfc5118_ipv6_in_sdp() {
    let sdp = body("rfc5118/ipv6-in-sdp.dat");
    let o = sdp.origin();
    assert_eq!((o.session_id, o.session_version), ("971731711378798081", "0"));
    assert_eq!(
        (o.address_type(), o.address),
        (Some(AddressType::Ip6), "2001:db8::20")
    );
    let c = sdp.connection().unwrap();
    assert_eq!(
        (c.net_type, c.address_type(), c.address),
        ("IN", Some(AddressType::Ip6), "2001:db8::20")
    );
    assert_eq!(
        sdp.session_name(),
        Some(&b"Live video feed for today's meeting"[..])
    );
    let media: Vec<_> = sdp.media().collect();
    assert_eq!((media[0].media(), media[0].port()), ("audio", 6000));
    assert_eq!(rtpmaps(&media[0]), [(2, "G726-32".to_string(), Some(8000))]);
    assert_eq!((media[1].media(), media[1].port()), ("video", 6024));
    assert_eq!(rtpmaps(&media[1]), [(107, "H263-1998".to_string(), Some(90000))]);
    assert_eq!(media[1].effective_connection().unwrap().address, "2001:db8::20");
}

#[test]
fn rfc5118_mult_ip_in_sdp() {
    // No session-level c=; audio on IPv4, video on IPv6 (RFC 5118 §4.8).
    let sdp = body("rfc5118/mult-ip-in-sdp.dat");
    assert_eq!(sdp.connection(), None);
    assert_eq!(sdp.session_name(), Some(&b""[..]));
    assert_eq!(sdp.origin().address, "host.example.com");
    let audio = sdp.media_at(0).unwrap();
    let c = audio.connection().unwrap();
    assert_eq!(
        (audio.port(), c.address_type(), c.address),
        (22334, Some(AddressType::Ip4), "192.0.2.1")
    );
    let video = sdp.media_at(1).unwrap();
    let c = video.effective_connection().unwrap();
    assert_eq!(
        (video.port(), c.address_type(), c.address),
        (6024, Some(AddressType::Ip6), "2001:db8::1")
    );
    assert_eq!(rtpmaps(&video), [(107, "H263-1998".to_string(), Some(90000))]);
}

#[test]
fn rfc5118_ipv4_mapped_ipv6() {
    let sdp = body("rfc5118/ipv4-mapped-ipv6.dat");
    let c = sdp.connection().unwrap();
    assert_eq!(
        (c.address_type(), c.address),
        (Some(AddressType::Ip6), "::ffff:192.0.2.2")
    );
    assert!(!c.is_unspecified());
    assert_eq!(sdp.origin().address, "::ffff:192.0.2.2");
    assert_eq!(sdp.times().collect::<Vec<_>>(), [b"3338481189 3370017201"]);
    assert_eq!(sdp.media().map(|m| m.port()).collect::<Vec<_>>(), [6000, 6024]);
}

#[test]
fn rfc5118_archive_lf_bodies_come_out_as_the_crlf_ones() {
    // archive/ holds the RFC's LF-only bytes; the .dat files are the same with CRLF.
    for name in ["ipv6-in-sdp", "mult-ip-in-sdp", "ipv4-mapped-ipv6"] {
        let lf = read(&format!("rfc5118/archive/{name}"));
        let at = lf.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
        let sdp = Sdp::parse(Bytes::from(lf[at..].to_vec())).unwrap();
        let crlf = body(&format!("rfc5118/{name}.dat"));
        assert_eq!(sdp.to_bytes(), crlf.to_bytes(), "{name}");
        assert_eq!(sdp, crlf);
    }
}

#[test]
fn bench_invite_sdp() {
    let wire = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/bench/invite_sdp.txt"
    ))
    .unwrap();
    let msg = parse_message(Bytes::from(wire), Framing::Datagram, &Limits::default()).unwrap();
    let sdp = Sdp::parse(msg.body()).unwrap();
    assert_eq!(sdp.to_bytes(), msg.body());
    assert_eq!(sdp.origin().session_version, "2890844526");
    assert_eq!(sdp.connection().unwrap().address, "192.0.2.101");
    let audio = sdp.media_at(0).unwrap();
    assert_eq!(audio.port(), 49172);
    assert_eq!(audio.formats().collect::<Vec<_>>(), ["0", "8", "9", "101"]);
    assert_eq!(
        rtpmaps(&audio),
        [
            (0, "PCMU".to_string(), Some(8000)),
            (8, "PCMA".to_string(), Some(8000)),
            (9, "G722".to_string(), Some(8000)),
            (101, "telephone-event".to_string(), Some(8000)),
        ]
    );
    assert_eq!(audio.fmtp("101").unwrap().params, "0-16");
    assert_eq!(audio.ptime(), Some(20));
    assert_eq!(audio.explicit_direction(), Some(Direction::SendRecv));
    assert_eq!(sdp.telephone_event_payload_type(), Some(101));
    assert!(!sdp.holds_peer());
}
