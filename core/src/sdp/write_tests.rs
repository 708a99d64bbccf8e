//! Builder and rewrites: exact output text.

use super::*;

fn audio_offer() -> Sdp {
    SdpBuilder::new("alice", 2890844526, 2890844526, AddressType::Ip4, "192.0.2.101")
        .connection(AddressType::Ip4, "192.0.2.101")
        .media(
            MediaBuilder::new("audio", 49172, "RTP/AVP")
                .rtpmap(0, "PCMU", 8000, None)
                .rtpmap(8, "PCMA", 8000, None)
                .telephone_event(101, "0-16")
                .ptime(20)
                .direction(Direction::SendRecv),
        )
        .build()
        .unwrap()
}

const AUDIO_OFFER: &str = "v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n\
s=-\r\n\
c=IN IP4 192.0.2.101\r\n\
t=0 0\r\n\
m=audio 49172 RTP/AVP 0 8 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=sendrecv\r\n";

#[test]
fn builder_writes_rfc_order_with_crlf() {
    let sdp = audio_offer();
    assert_eq!(sdp.to_bytes(), AUDIO_OFFER.as_bytes());
    assert_eq!(sdp.buffer(), AUDIO_OFFER.as_bytes());
    assert_eq!(sdp.telephone_event_payload_type(), Some(101));
}

#[test]
fn builder_every_field_in_order() {
    // Called out of order on purpose: the output follows RFC 8866 §5.
    let sdp = SdpBuilder::new("-", 1, 2, AddressType::Ip6, "2001:db8::1")
        .attribute("group", Some("BUNDLE a v"))
        .time(3338481189, 3370017201)
        .bandwidth("AS", 512)
        .connection(AddressType::Ip6, "2001:db8::1")
        .phone("+1 555 0100")
        .email("alice@example.com")
        .uri("https://example.com")
        .information("a call")
        .session_name("Call")
        .direction(Direction::SendOnly)
        .media(
            MediaBuilder::new("audio", 6000, "RTP/AVP")
                .mid("a")
                .rtcp(6001)
                .maxptime(40)
                .bandwidth("TIAS", 64000)
                .connection(AddressType::Ip4, "192.0.2.1")
                .information("voice")
                .rtpmap(111, "opus", 48000, Some(2))
                .fmtp("111", "useinbandfec=1")
                .rtcp_mux(),
        )
        .media(
            MediaBuilder::new("video", 0, "RTP/AVP")
                .format("31")
                .format("31")
                .port_count(2),
        )
        .build()
        .unwrap();
    let expected = "v=0\r\n\
o=- 1 2 IN IP6 2001:db8::1\r\n\
s=Call\r\n\
i=a call\r\n\
u=https://example.com\r\n\
e=alice@example.com\r\n\
p=+1 555 0100\r\n\
c=IN IP6 2001:db8::1\r\n\
b=AS:512\r\n\
t=3338481189 3370017201\r\n\
a=group:BUNDLE a v\r\n\
a=sendonly\r\n\
m=audio 6000 RTP/AVP 111\r\n\
i=voice\r\n\
c=IN IP4 192.0.2.1\r\n\
b=TIAS:64000\r\n\
a=mid:a\r\n\
a=rtcp:6001\r\n\
a=maxptime:40\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=fmtp:111 useinbandfec=1\r\n\
a=rtcp-mux\r\n\
m=video 0/2 RTP/AVP 31\r\n";
    assert_eq!(core::str::from_utf8(&sdp.to_bytes()).unwrap(), expected);
    let audio = sdp.media_at(0).unwrap();
    assert_eq!(
        (audio.mid(), audio.rtcp().unwrap().port, audio.maxptime()),
        (Some("a"), 6001, Some(40))
    );
    assert_eq!(audio.direction(), Direction::SendOnly);
    assert!(sdp.media_at(1).unwrap().is_rejected());
}

#[test]
fn builder_refuses_injection_and_bad_tokens() {
    let base = || SdpBuilder::new("alice", 1, 1, AddressType::Ip4, "192.0.2.1");
    let media = || MediaBuilder::new("audio", 1, "RTP/AVP");
    assert_eq!(
        base().session_name("x\r\nm=evil").build().unwrap_err(),
        SdpBuildError::LineBreak("session name")
    );
    assert_eq!(
        base().information("a\0b").build().unwrap_err(),
        SdpBuildError::LineBreak("information")
    );
    assert_eq!(
        SdpBuilder::new("al ice", 1, 1, AddressType::Ip4, "h")
            .build()
            .unwrap_err(),
        SdpBuildError::Token("username")
    );
    assert_eq!(
        SdpBuilder::new("a", 1, 1, AddressType::Ip4, "")
            .build()
            .unwrap_err(),
        SdpBuildError::Token("address")
    );
    assert_eq!(
        base().attribute("a b", None).build().unwrap_err(),
        SdpBuildError::Token("attribute name")
    );
    assert_eq!(
        base()
            .media(media().attribute("x", Some("1\n2")))
            .build()
            .unwrap_err(),
        SdpBuildError::LineBreak("attribute value")
    );
    assert_eq!(
        base().media(media().format("0 8")).build().unwrap_err(),
        SdpBuildError::Token("format")
    );
    assert_eq!(
        base()
            .media(MediaBuilder::new("", 1, "RTP/AVP"))
            .build()
            .unwrap_err(),
        SdpBuildError::Token("media")
    );
    assert_eq!(
        base()
            .media(media().rtpmap(0, "PC MU", 8000, None))
            .build()
            .unwrap_err(),
        SdpBuildError::Token("encoding")
    );
}

#[test]
fn hold_and_unhold_flip_every_direction_exactly() {
    // Two streams: one with a direction line (replaced in place), one without (appended).
    let offer = Sdp::parse_str(
        "v=0\r\no=alice 10 7 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\n\
         a=tool:x\r\nm=audio 49172 RTP/AVP 0\r\na=sendrecv\r\na=ptime:20\r\n\
         m=video 51372 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n",
    )
    .unwrap();
    let hold = offer.with_direction(Direction::SendOnly).with_next_version();
    let hold_text = "v=0\r\no=alice 10 8 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\n\
         a=tool:x\r\nm=audio 49172 RTP/AVP 0\r\na=sendonly\r\na=ptime:20\r\n\
         m=video 51372 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\na=sendonly\r\n";
    assert_eq!(core::str::from_utf8(&hold.to_bytes()).unwrap(), hold_text);
    assert!(hold.holds_peer());
    assert!(hold.media().all(|m| m.direction() == Direction::SendOnly));

    let inactive = hold.with_direction(Direction::Inactive).with_next_version();
    assert_eq!(
        core::str::from_utf8(&inactive.to_bytes()).unwrap(),
        hold_text.replace("sendonly", "inactive").replace("10 8", "10 9")
    );

    let unhold = inactive.with_direction(Direction::SendRecv).with_next_version();
    assert_eq!(
        core::str::from_utf8(&unhold.to_bytes()).unwrap(),
        hold_text.replace("sendonly", "sendrecv").replace("10 8", "10 10")
    );
    assert!(!unhold.holds_peer());
}

#[test]
fn with_direction_replaces_duplicates_and_keeps_session_level() {
    let sdp = Sdp::parse_str(
        "v=0\no=- 1 1 IN IP4 h\na=recvonly\nm=audio 1 RTP/AVP 0\na=inactive\na=x\na=sendonly\nm=audio 0 RTP/AVP 0\n",
    )
    .unwrap();
    let out = sdp.with_direction(Direction::SendRecv);
    assert_eq!(
        core::str::from_utf8(&out.to_bytes()).unwrap(),
        "v=0\r\no=- 1 1 IN IP4 h\r\na=recvonly\r\nm=audio 1 RTP/AVP 0\r\na=sendrecv\r\na=x\r\n\
         m=audio 0 RTP/AVP 0\r\na=sendrecv\r\n"
    );
    assert_eq!(out.direction(), Some(Direction::RecvOnly));
    assert_eq!(out.media_at(0).unwrap().direction(), Direction::SendRecv);
}

#[test]
fn map_directions_holds_per_stream() {
    let sdp = Sdp::parse_str(
        "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 1 RTP/AVP 0\r\nm=video 2 RTP/AVP 31\r\na=recvonly\r\n",
    )
    .unwrap();
    let hold = sdp.map_directions(Direction::hold);
    let dirs: Vec<_> = hold.media().map(|m| m.direction()).collect();
    assert_eq!(dirs, [Direction::SendOnly, Direction::Inactive]);
    let unhold = hold.map_directions(Direction::unhold);
    let dirs: Vec<_> = unhold.media().map(|m| m.direction()).collect();
    assert_eq!(dirs, [Direction::SendRecv, Direction::RecvOnly]);
}

#[test]
fn version_bump() {
    let sdp = audio_offer();
    let next = sdp.with_next_version();
    assert_eq!(next.origin().session_version, "2890844527");
    assert_eq!(
        next.to_bytes(),
        AUDIO_OFFER
            .replace("2890844526 2890844526", "2890844526 2890844527")
            .as_bytes()
    );
    assert!(!next.same_version_as(&sdp));
    assert!(next.same_version_as(&sdp.with_session_version(2890844527)));
    // Decimal text: no overflow past u64.
    let max = Sdp::parse_str("v=0\r\no=- 1 18446744073709551615 IN IP4 h\r\n").unwrap();
    assert_eq!(max.origin().session_version_number(), Some(u64::MAX));
    let bumped = max.with_next_version();
    assert_eq!(bumped.origin().session_version, "18446744073709551616");
    assert_eq!(bumped.origin().session_version_number(), None);
    // The o= line's spacing is normalised; nothing else changes.
    let odd = Sdp::parse_str("v=0\no=-  1 9 IN IP4 h\nx=keep\n")
        .unwrap()
        .with_next_version();
    assert_eq!(odd.to_bytes(), &b"v=0\r\no=- 1 10 IN IP4 h\r\nx=keep\r\n"[..]);
}
