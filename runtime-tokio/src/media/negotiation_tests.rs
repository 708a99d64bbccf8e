//! Tests of `negotiation.rs`.

use super::*;

fn local() -> LocalDescription {
    LocalDescription {
        session_id: 42,
        session_version: 1,
        address: "192.0.2.10".parse().unwrap(),
        rtp_port: 40000,
        rtcp_port: 40001,
        rtcp_mux: false,
        codecs: vec![Codec::Pcmu, Codec::Pcma],
        telephone_event: 101,
        ptime: 20,
        direction: Direction::SendRecv,
    }
}

fn text(sdp: &Sdp) -> String {
    String::from_utf8(sdp.to_bytes().to_vec()).unwrap()
}

#[test]
fn offer_text() {
    let offer = offer(&local()).unwrap();
    assert_eq!(
        text(&offer),
        "v=0\r\no=- 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n\
         m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
    );
    let held = LocalDescription {
        rtcp_port: 40007,
        rtcp_mux: true,
        direction: Direction::SendOnly,
        codecs: vec![Codec::Pcma],
        address: "2001:db8::1".parse().unwrap(),
        ..local()
    };
    assert_eq!(
        text(&super::offer(&held).unwrap()),
        "v=0\r\no=- 42 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n\
         m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=rtcp:40007\r\n\
         a=rtcp-mux\r\na=sendonly\r\n"
    );
}

#[test]
fn pcma_only_offer_gets_a_pcma_answer_with_its_event_payload_type() {
    let offer = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 198.51.100.7\r\ns=call\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 5004 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\n\
         a=fmtp:96 0-15\r\na=ptime:30\r\n",
    )
    .unwrap();
    let (answer, agreed) = answer(&offer, &local()).unwrap();
    assert_eq!(
        text(&answer),
        "v=0\r\no=- 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n\
         m=audio 40000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\n\
         a=fmtp:96 0-15\r\na=ptime:20\r\na=sendrecv\r\n"
    );
    assert_eq!(
        agreed,
        Negotiated {
            codec: Codec::Pcma,
            payload_type: 8,
            telephone_event: Some(96),
            rtp: Some("198.51.100.7:5004".parse().unwrap()),
            rtcp: Some("198.51.100.7:5005".parse().unwrap()),
            rtcp_mux: false,
            direction: Direction::SendRecv,
            // The offerer's a=ptime:30: what it wants to receive (RFC 3264 §5.1).
            ptime: Some(30),
        }
    );
}

#[test]
fn answer_follows_the_offerers_order_rejects_other_streams_and_answers_direction() {
    let offer = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 198.51.100.7\r\ns=-\r\nt=0 0\r\n\
         m=video 5000 RTP/AVP 31\r\nc=IN IP4 198.51.100.7\r\n\
         m=audio 5004 RTP/AVP 8 0\r\nc=IN IP4 198.51.100.8\r\na=rtcp:6000 IN IP4 198.51.100.9\r\na=sendonly\r\n",
    )
    .unwrap();
    let (answer, agreed) = answer(&offer, &local()).unwrap();
    assert_eq!(
        text(&answer),
        "v=0\r\no=- 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n\
         m=video 0 RTP/AVP 31\r\n\
         m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\na=recvonly\r\n"
    );
    assert_eq!(agreed.codec, Codec::Pcma);
    assert_eq!(agreed.telephone_event, None);
    assert_eq!(agreed.rtp, Some("198.51.100.8:5004".parse().unwrap()));
    assert_eq!(agreed.rtcp, Some("198.51.100.9:6000".parse().unwrap()));
    assert_eq!(agreed.direction, Direction::RecvOnly);
}

#[test]
fn dynamic_payload_type_mux_and_hold_address() {
    let offer = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n\
         m=audio 5004 RTP/AVP 97 120\r\na=rtpmap:97 pcmu/8000\r\na=rtpmap:120 telephone-event/8000\r\na=rtcp-mux\r\n",
    )
    .unwrap();
    let mux = LocalDescription {
        rtcp_mux: true,
        rtcp_port: 40000,
        ..local()
    };
    let (answer, agreed) = answer(&offer, &mux).unwrap();
    assert!(text(&answer).contains(
        "m=audio 40000 RTP/AVP 97 120\r\na=rtpmap:97 PCMU/8000\r\na=rtpmap:120 telephone-event/8000\r\n\
         a=fmtp:120 0-16\r\na=ptime:20\r\na=rtcp-mux\r\na=sendrecv\r\n"
    ));
    assert_eq!((agreed.codec, agreed.payload_type), (Codec::Pcmu, 97));
    assert!(agreed.rtcp_mux);
    // c=0.0.0.0: nowhere to send.
    assert_eq!((agreed.rtp, agreed.rtcp), (None, None));
    assert_eq!(agreed.direction, Direction::RecvOnly);
}

#[test]
fn refusals() {
    let no_common = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 5004 RTP/AVP 9 18\r\na=rtpmap:9 G722/8000\r\n",
    )
    .unwrap();
    let err = answer(&no_common, &local()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no common codec: the remote side offers payload types [9 18], we support PCMU, PCMA"
    );
    let no_audio = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 5004 UDP/TLS/RTP/SAVPF 0\r\nm=audio 0 RTP/AVP 0\r\n",
    )
    .unwrap();
    assert!(matches!(
        answer(&no_audio, &local()),
        Err(MediaError::NoAudioStream)
    ));
    let hostname = Sdp::parse_str(
        "v=0\r\no=bob 7 7 IN IP4 host.example\r\ns=-\r\nc=IN IP4 host.example\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n",
    )
    .unwrap();
    assert_eq!(
        remote(&hostname, &local()).unwrap_err().to_string(),
        "remote sdp has no usable connection address: host.example"
    );
    assert!(matches!(parse(b"garbage"), Err(MediaError::RemoteSdp(_))));
}

#[test]
fn remote_answer_takes_the_answerers_first_codec() {
    let answer = Sdp::parse_str(
        "v=0\r\no=bob 7 8 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 5004 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n",
    )
    .unwrap();
    let agreed = remote(&answer, &local()).unwrap();
    assert_eq!(agreed.codec, Codec::Pcma);
    assert_eq!(agreed.telephone_event, Some(101));
    // They only receive: we only send.
    assert_eq!(agreed.direction, Direction::SendOnly);
}
