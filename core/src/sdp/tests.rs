//! Parser and model: typed fields and attributes, ICE/DTLS kept raw, leniency, and every
//! malformed required line with its line number.

use super::*;

fn parse(text: &str) -> Sdp {
    Sdp::parse_str(text).unwrap()
}

fn err(text: &str) -> SdpError {
    Sdp::parse_str(text).unwrap_err()
}

/// A Chrome-style WebRTC offer: BUNDLE, trickle ICE placeholders, DTLS, a data channel.
pub(super) const WEBRTC: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1\r\n\
a=msid-semantic: WMS stream\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 0 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=candidate:1467250027 1 udp 2122260223 192.0.2.10 46243 typ host generation 0\r\n\
a=candidate:435653019 1 tcp 1845501695 198.51.100.7 9 typ srflx raddr 192.0.2.10 rport 0 tcptype active\r\n\
a=end-of-candidates\r\n\
a=ice-ufrag:EsAw\r\n\
a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
a=sendrecv\r\n\
a=msid:stream track-a\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:126 telephone-event/8000\r\n\
a=ssrc:3570614608 cname:4TOk42mSjXCkVIa6\r\n\
m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:EsAw\r\n\
a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n\
a=fingerprint:sha-256 AA:BB:CC:DD\r\n\
a=setup:active\r\n\
a=mid:1\r\n\
a=sctp-port:5000\r\n\
a=max-message-size:262144\r\n";

#[test]
fn webrtc_ice_and_dtls_kept_raw() {
    let sdp = parse(WEBRTC);
    assert_eq!(sdp.to_bytes(), WEBRTC.as_bytes());
    assert_eq!(sdp.buffer(), WEBRTC.as_bytes());
    assert_eq!(sdp.origin().username, "-");
    assert_eq!(sdp.origin().session_version_number(), Some(2));
    assert_eq!(sdp.attribute("group").unwrap().value_str(), Some("BUNDLE 0 1"));
    assert_eq!(
        sdp.attribute("msid-semantic").unwrap().value,
        Some(&b" WMS stream"[..])
    );
    assert_eq!(sdp.direction(), None);

    let audio = sdp.media_at(0).unwrap();
    assert_eq!(
        (audio.media(), audio.port(), audio.proto()),
        ("audio", 9, "UDP/TLS/RTP/SAVPF")
    );
    assert_eq!(audio.ice_ufrag(), Some("EsAw"));
    assert_eq!(audio.ice_pwd(), Some("P2uYro0UCOQ4zxjKXaWCBui1"));
    assert_eq!(audio.ice_options(), Some("trickle")); // from the session level
    assert_eq!(
        audio.candidates().collect::<Vec<_>>(),
        [
            "1467250027 1 udp 2122260223 192.0.2.10 46243 typ host generation 0",
            "435653019 1 tcp 1845501695 198.51.100.7 9 typ srflx raddr 192.0.2.10 rport 0 tcptype active",
        ]
    );
    assert!(audio.end_of_candidates());
    assert_eq!(
        audio.fingerprint(),
        Some("sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2")
    );
    assert_eq!(audio.setup(), Some("actpass"));
    assert_eq!(audio.mid(), Some("0"));
    assert!(audio.rtcp_mux());
    let rtcp = audio.rtcp().unwrap();
    assert_eq!((rtcp.port, rtcp.connection.unwrap().address), (9, "0.0.0.0"));
    let opus = audio.rtpmap(111).unwrap();
    assert_eq!(
        (opus.encoding, opus.clock_rate, opus.channels),
        ("opus", Some(48000), Some(2))
    );
    let fmtp = audio.fmtp("111").unwrap();
    assert_eq!(
        (
            fmtp.payload_type(),
            fmtp.param("useinbandfec"),
            fmtp.param("MINPTIME")
        ),
        (Some(111), Some("1"), Some("10"))
    );
    assert_eq!(fmtp.param("stereo"), None);
    assert_eq!(audio.telephone_event_payload_type(8000), Some(126));
    assert_eq!(audio.direction(), Direction::SendRecv);
    assert_eq!(
        audio.attribute("ssrc").unwrap().value_str(),
        Some("3570614608 cname:4TOk42mSjXCkVIa6")
    );

    let data = sdp.media_at(1).unwrap();
    assert_eq!(data.formats().collect::<Vec<_>>(), ["webrtc-datachannel"]);
    assert_eq!(data.fingerprint(), Some("sha-256 AA:BB:CC:DD")); // media level wins
    assert_eq!(data.setup(), Some("active"));
    assert!(!data.end_of_candidates());
    assert!(!data.rtcp_mux());
    assert_eq!(data.rtpmaps().count(), 0);
    assert_eq!(sdp.telephone_event_payload_type(), Some(126));
    // c=0.0.0.0 is trickle ICE's placeholder here, not RFC 2543 hold.
    assert!(!sdp.holds_peer());
}

#[test]
fn session_level_fields() {
    let sdp = parse(
        "v=0\r\no=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\ns=SDP Seminar\r\n\
         i=A Seminar on the session description protocol\r\nu=http://www.example.com/seminars/sdp.pdf\r\n\
         e=j.doe@example.com (Jane Doe)\r\np=+1 617 555-6011\r\nc=IN IP4 224.2.17.12/127\r\n\
         b=CT:128\r\nb=bogus\r\nt=2873397496 2873404696\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\n\
         k=prompt\r\na=recvonly\r\nx=unknown line\r\nm=audio 49170 RTP/AVP 0\r\n\
         m=video 51372/2 RTP/AVP 99\r\ni=the video\r\nb=AS:256\r\nk=clear:abc\r\na=rtpmap:99 h263-1998/90000\r\n",
    );
    assert_eq!(sdp.session_name(), Some(&b"SDP Seminar"[..]));
    assert_eq!(
        sdp.information(),
        Some(&b"A Seminar on the session description protocol"[..])
    );
    assert_eq!(sdp.uri(), Some(&b"http://www.example.com/seminars/sdp.pdf"[..]));
    assert_eq!(
        sdp.emails().collect::<Vec<_>>(),
        [b"j.doe@example.com (Jane Doe)"]
    );
    assert_eq!(sdp.phones().collect::<Vec<_>>(), [b"+1 617 555-6011"]);
    let c = sdp.connection().unwrap();
    assert_eq!(
        (c.address, c.multicast, c.is_unspecified()),
        ("224.2.17.12", Some("127"), false)
    );
    // The malformed b=bogus is kept raw and skipped by the typed accessor.
    assert_eq!(
        sdp.bandwidths().collect::<Vec<_>>(),
        [Bandwidth {
            bw_type: "CT",
            bandwidth: 128
        }]
    );
    assert_eq!(sdp.times().collect::<Vec<_>>(), [b"2873397496 2873404696"]);
    assert_eq!(sdp.session_values('r').collect::<Vec<_>>(), [b"7d 1h 0 25h"]);
    assert_eq!(sdp.session_values('z').collect::<Vec<_>>(), [b"2882844526 -1h"]);
    assert_eq!(sdp.session_values('x').collect::<Vec<_>>(), [b"unknown line"]);
    assert_eq!(sdp.encryption_key(), Some(&b"prompt"[..]));
    assert_eq!(sdp.direction(), Some(Direction::RecvOnly));

    let audio = sdp.media_at(0).unwrap();
    // No media-level direction: the session level applies (RFC 3264 §5.1).
    assert_eq!(
        (audio.explicit_direction(), audio.direction()),
        (None, Direction::RecvOnly)
    );
    assert_eq!(audio.effective_connection().unwrap().address, "224.2.17.12");
    assert_eq!(audio.connection(), None);
    let video = sdp.media_at(1).unwrap();
    assert_eq!((video.port(), video.port_count()), (51372, Some(2)));
    assert_eq!(video.information(), Some(&b"the video"[..]));
    assert_eq!(
        video.bandwidths().collect::<Vec<_>>(),
        [Bandwidth {
            bw_type: "AS",
            bandwidth: 256
        }]
    );
    assert_eq!(video.encryption_key(), Some(&b"clear:abc"[..]));
    assert!(video.rtpmap(99).unwrap().is("H263-1998"));
    assert_eq!(
        video.lines().map(|l| l.number).collect::<Vec<_>>(),
        [18, 19, 20, 21, 22]
    );
    assert_eq!(
        sdp.lines().nth(15).unwrap(),
        SdpLine {
            kind: 'x',
            value: b"unknown line",
            number: 16
        }
    );
    assert!(!sdp.holds_peer()); // recvonly: we are not held
}

#[test]
fn rtpmap_only_for_listed_formats_and_lenient_values() {
    let sdp = parse(
        "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n\
         m=audio 5004 RTP/AVP 0 101\na=rtpmap:0 PCMU/8000\na=rtpmap:96 opus/48000/2\n\
         a=rtpmap:101 TELEPHONE-EVENT/8000\na=rtpmap:200 x/1\na=rtpmap:junk\na=ptime:20.0\na=maxptime:150\n\
         a=fmtp:101 0-15\na=sendonly\na=inactive\n",
    );
    let audio = sdp.media_at(0).unwrap();
    // 96 is not on the m= line, 200 is not a payload type, "junk" does not parse.
    assert_eq!(
        audio.rtpmaps().map(|m| m.payload_type).collect::<Vec<_>>(),
        [0, 101]
    );
    assert_eq!(audio.rtpmap(96), None);
    assert_eq!(sdp.telephone_event_payload_type(), Some(101)); // encoding name case-insensitive
    assert_eq!(audio.telephone_event_payload_type(48000), None);
    assert_eq!((audio.ptime(), audio.maxptime()), (Some(20), Some(150)));
    assert_eq!(audio.fmtp("101").unwrap().params, "0-15");
    assert_eq!(audio.direction(), Direction::SendOnly); // the first direction attribute wins
    assert!(sdp.holds_peer());
}

#[test]
fn lf_and_blank_lines() {
    let lf = "\nv=0\no=- 1 1 IN IP4 192.0.2.1\n\ns=-\nt=0 0\nm=audio 5004 RTP/AVP 0\n\n";
    let sdp = parse(lf);
    assert_eq!(sdp.lines().map(|l| l.number).collect::<Vec<_>>(), [2, 3, 5, 6, 7]);
    assert_eq!(
        sdp.to_bytes(),
        &b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n"[..]
    );
    // No final line end at all.
    assert_eq!(
        parse("v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 1 RTP/AVP 0")
            .media_at(0)
            .unwrap()
            .port(),
        1
    );
}

#[test]
fn lenient_fields() {
    let sdp = parse(
        "v=0\r\no=-  7 0099 IN IP6 ::1 \r\nm=audio 0 RTP/AVP\r\nc=IN IP6 ::1\r\nm=video 1 RTP/AVP 31 \r\n",
    );
    let o = sdp.origin();
    assert_eq!((o.session_id, o.session_version, o.address), ("7", "0099", "::1"));
    assert_eq!(o.session_version_number(), Some(99));
    let audio = sdp.media_at(0).unwrap();
    assert!(audio.is_rejected());
    assert_eq!(audio.formats().count(), 0);
    assert_eq!(audio.connection().unwrap().address_type(), Some(AddressType::Ip6));
    assert_eq!(sdp.media_at(1).unwrap().formats().collect::<Vec<_>>(), ["31"]);
    // An unknown address type is kept as written.
    let atm = parse("v=0\r\no=- 1 1 ATM NSAP x\r\nc=ATM NSAP 47.0005.80\r\n");
    let c = atm.connection().unwrap();
    assert_eq!((c.net_type, c.addr_type, c.address_type()), ("ATM", "NSAP", None));
}

#[test]
fn malformed_required_lines_name_their_line() {
    use SdpErrorKind::*;
    let cases: &[(&[u8], SdpErrorKind, u32)] = &[
        (&b""[..], Empty, 1),
        (&b"\r\n\r\n"[..], Empty, 2),
        (&b"o=- 1 1 IN IP4 h\r\n"[..], MissingVersion, 1),
        (&b"\r\ns=-\r\n"[..], MissingVersion, 2),
        (&b"v=1\r\n"[..], Version, 1),
        (&b"v=0 \r\n"[..], Version, 1),
        (&b"V=0\r\n"[..], Line, 1),
        (&b"v=0\r\ns=-\r\n"[..], MissingOrigin, 2),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm =video 3227 RTP/AVP 31\r\n"[..],
            Line,
            3,
        ),
        (&b"v=0\r\no=- 1 1 IN IP4 h\r\nhello\r\n"[..], Line, 3),
        (&b"v=0\r\no=- 1 1 IN IP4 h\r\n=x\r\n"[..], Line, 3),
        (&b"v=0\r\no=- 1 IN IP4 h\r\n"[..], Origin, 2),
        (&b"v=0\r\no=- 1 1 IN IP4 h extra\r\n"[..], Origin, 2),
        (&b"v=0\r\no=- 1 v2 IN IP4 h\r\n"[..], Origin, 2),
        (&b"v=0\r\no=- 1 1 IN IP4 h\r\ns=a\0b\r\n"[..], SessionName, 3),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n"[..],
            Connection,
            4,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 h extra\r\n"[..],
            Connection,
            3,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 /127\r\n"[..],
            Connection,
            3,
        ),
        (
            &b"v=0\no=- 1 1 IN IP4 h\nm=audio 1 RTP/AVP 0\n\nc=IN\n"[..],
            Connection,
            5,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio abc RTP/AVP 0\r\n"[..],
            Media,
            3,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 65536 RTP/AVP 0\r\n"[..],
            Media,
            3,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 5004/0 RTP/AVP 0\r\n"[..],
            Media,
            3,
        ),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 5004/ RTP/AVP 0\r\n"[..],
            Media,
            3,
        ),
        (&b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 5004\r\n"[..], Media, 3),
        (
            &b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 5004 RTP/\xff 0\r\n"[..],
            Media,
            3,
        ),
    ];
    for &(text, kind, line) in cases {
        let e = Sdp::parse(bytes::Bytes::copy_from_slice(text)).unwrap_err();
        assert_eq!(e, SdpError { kind, line }, "{:?}", String::from_utf8_lossy(text));
    }
    assert_eq!(
        err("v=0\r\no=- 1 1 IN IP4\r\n").to_string(),
        "malformed o= line at line 2"
    );
}

#[test]
fn o_in_media_section_and_second_o_are_raw() {
    // Only the first session-level o= is the origin; later ones are kept as lines.
    let sdp = parse("v=0\r\no=a 1 1 IN IP4 h\r\no=junk\r\nm=audio 1 RTP/AVP 0\r\no=more junk\r\n");
    assert_eq!(sdp.origin().username, "a");
    assert_eq!(
        sdp.media_at(0).unwrap().values('o').collect::<Vec<_>>(),
        [b"more junk"]
    );
    assert_eq!(sdp.to_bytes(), sdp.buffer());
}

#[test]
fn direction_rules() {
    use Direction::*;
    assert_eq!(Direction::from_name("SENDONLY"), Some(SendOnly));
    assert_eq!(Direction::from_name("send"), None);
    // RFC 3264 §6.1: the answer to sendonly is recvonly (or inactive), and so on.
    assert_eq!(SendRecv.answer_to(SendOnly), RecvOnly);
    assert_eq!(SendRecv.answer_to(RecvOnly), SendOnly);
    assert_eq!(SendRecv.answer_to(Inactive), Inactive);
    assert_eq!(SendRecv.answer_to(SendRecv), SendRecv);
    assert_eq!(SendOnly.answer_to(SendOnly), Inactive);
    assert_eq!(SendOnly.reversed(), RecvOnly);
    // RFC 3264 §8.4: hold stops receiving; unhold resumes it.
    assert_eq!(
        [SendRecv, RecvOnly, SendOnly, Inactive].map(Direction::hold),
        [SendOnly, Inactive, SendOnly, Inactive]
    );
    assert_eq!(
        [SendOnly, Inactive, SendRecv, RecvOnly].map(Direction::unhold),
        [SendRecv, RecvOnly, SendRecv, RecvOnly]
    );
}

#[test]
fn holds_peer() {
    let base = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
    let held = |media: &str| parse(&format!("{base}{media}")).holds_peer();
    assert!(held("m=audio 5004 RTP/AVP 0\r\na=sendonly\r\n"));
    assert!(held("m=audio 5004 RTP/AVP 0\r\na=inactive\r\n"));
    assert!(!held("m=audio 5004 RTP/AVP 0\r\na=recvonly\r\n"));
    assert!(!held("m=audio 5004 RTP/AVP 0\r\n"));
    // RFC 2543 hold: c=0.0.0.0, direction sendrecv.
    assert!(held("m=audio 5004 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n"));
    // One active stream still flowing: not hold.
    assert!(!held(
        "m=audio 5004 RTP/AVP 0\r\na=sendonly\r\nm=video 5006 RTP/AVP 31\r\n"
    ));
    // Rejected streams and non-audio/video streams do not count.
    assert!(held(
        "m=audio 5004 RTP/AVP 0\r\na=sendonly\r\nm=video 0 RTP/AVP 31\r\nm=application 5008 TCP/BFCP *\r\n"
    ));
    assert!(!held("m=audio 0 RTP/AVP 0\r\na=sendonly\r\n"));
    assert!(!held(""));
}
