//! Property tests: generated descriptions round-trip through text with the same meaning, and
//! no input (arbitrary bytes, or a valid description with bytes flipped) makes anything panic.
//! 256 cases per property by default; `PROPTEST_CASES=N` overrides it.

use super::*;
use bytes::Bytes;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const DIRECTIONS: [Direction; 4] = [
    Direction::SendRecv,
    Direction::SendOnly,
    Direction::RecvOnly,
    Direction::Inactive,
];

#[derive(Clone, Debug)]
struct GenMedia {
    media: &'static str,
    port: u16,
    proto: &'static str,
    codecs: Vec<(u8, &'static str, u32)>,
    direction: Option<Direction>,
    attrs: Vec<(String, Option<String>)>,
    ipv6: bool,
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9][a-zA-Z0-9._+-]{0,11}"
}

fn gen_media() -> impl Strategy<Value = GenMedia> {
    (
        select(vec!["audio", "video", "application", "text"]),
        any::<u16>(),
        select(vec!["RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF"]),
        vec(
            (
                0u8..128,
                select(vec!["PCMU", "opus", "telephone-event", "H264"]),
                select(vec![8000u32, 48000, 90000]),
            ),
            0..4,
        ),
        proptest::option::of(select(DIRECTIONS.to_vec())),
        vec((word(), proptest::option::of("[ -~]{0,20}")), 0..4),
        any::<bool>(),
    )
        .prop_map(|(media, port, proto, mut codecs, direction, attrs, ipv6)| {
            codecs.sort_by_key(|c| c.0);
            codecs.dedup_by_key(|c| c.0);
            // Generated attribute names must not be direction names (they would change the
            // direction the test expects).
            let attrs = attrs
                .into_iter()
                .filter(|(n, _)| Direction::from_name(n).is_none())
                .collect();
            GenMedia {
                media,
                port,
                proto,
                codecs,
                direction,
                attrs,
                ipv6,
            }
        })
}

fn build(user: &str, version: u64, name: &str, media: &[GenMedia]) -> Sdp {
    let mut b = SdpBuilder::new(user, 42, version, AddressType::Ip4, "192.0.2.1")
        .session_name(name)
        .connection(AddressType::Ip4, "192.0.2.1");
    for m in media {
        let mut mb = MediaBuilder::new(m.media, m.port, m.proto);
        for &(pt, enc, rate) in &m.codecs {
            mb = mb.rtpmap(pt, enc, rate, None);
        }
        if m.codecs.is_empty() {
            mb = mb.format("*");
        }
        if m.ipv6 {
            mb = mb.connection(AddressType::Ip6, "2001:db8::1");
        }
        if let Some(d) = m.direction {
            mb = mb.direction(d);
        }
        for (n, v) in &m.attrs {
            mb = mb.attribute(n, v.as_deref());
        }
        b = b.media(mb);
    }
    b.build().unwrap()
}

/// Calls every accessor; used on arbitrary input to prove none panics.
fn exercise(sdp: &Sdp) {
    let _ = (
        sdp.origin(),
        sdp.session_name(),
        sdp.information(),
        sdp.uri(),
        sdp.connection(),
        sdp.encryption_key(),
    );
    let _ = (
        sdp.emails().count(),
        sdp.phones().count(),
        sdp.bandwidths().count(),
        sdp.times().count(),
    );
    let _ = (
        sdp.attributes().count(),
        sdp.direction(),
        sdp.holds_peer(),
        sdp.telephone_event_payload_type(),
    );
    let _ = sdp.origin().session_version_number();
    for m in sdp.media() {
        let _ = (
            m.media(),
            m.port(),
            m.port_count(),
            m.proto(),
            m.formats().count(),
            m.is_rejected(),
        );
        let _ = (
            m.information(),
            m.connection(),
            m.effective_connection(),
            m.bandwidths().count(),
        );
        let _ = (
            m.rtpmaps().count(),
            m.fmtps().count(),
            m.direction(),
            m.ptime(),
            m.maxptime(),
            m.rtcp(),
        );
        let _ = (
            m.rtcp_mux(),
            m.mid(),
            m.ice_ufrag(),
            m.ice_pwd(),
            m.ice_options(),
            m.candidates().count(),
        );
        let _ = (
            m.end_of_candidates(),
            m.fingerprint(),
            m.setup(),
            m.telephone_event_payload_type(8000),
        );
        for f in m.fmtps() {
            let _ = (f.payload_type(), f.param("a"));
        }
    }
    // Whatever parsed re-parses after writing, to the same lines.
    let again = Sdp::parse(sdp.to_bytes()).unwrap();
    assert_eq!(&again, sdp);
    let held = sdp.with_direction(Direction::Inactive).with_next_version();
    assert_eq!(held.media_count(), sdp.media_count());
    assert!(held.media().all(|m| m.direction() == Direction::Inactive));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_sdp_round_trips(
        user in word(),
        version in any::<u64>(),
        name in "[ -~]{0,30}",
        media in vec(gen_media(), 0..5),
        lf in any::<bool>(),
    ) {
        let sdp = build(&user, version, &name, &media);
        let text = sdp.to_bytes();
        prop_assert_eq!(&text, sdp.buffer());
        // The same text with LF line ends parses to the same lines and writes the CRLF text.
        let input = if lf { Bytes::from(text.to_vec().iter().copied().filter(|&b| b != b'\r').collect::<Vec<_>>()) } else { text.clone() };
        let parsed = Sdp::parse(input).unwrap();
        prop_assert_eq!(&parsed, &sdp);
        prop_assert_eq!(parsed.to_bytes(), text);

        let o = parsed.origin();
        prop_assert_eq!((o.username, o.session_version_number()), (user.as_str(), Some(version)));
        prop_assert_eq!(parsed.session_name(), Some(name.as_bytes()));
        prop_assert_eq!(parsed.media_count(), media.len());
        for (m, g) in parsed.media().zip(&media) {
            prop_assert_eq!((m.media(), m.port(), m.proto()), (g.media, g.port, g.proto));
            let maps: Vec<_> = m.rtpmaps().map(|r| (r.payload_type, r.encoding, r.clock_rate.unwrap_or(0))).collect();
            prop_assert_eq!(maps, g.codecs.clone());
            prop_assert_eq!(m.direction(), g.direction.unwrap_or(Direction::SendRecv));
            let addr = m.effective_connection().unwrap();
            prop_assert_eq!(addr.address_type(), Some(if g.ipv6 { AddressType::Ip6 } else { AddressType::Ip4 }));
            for (n, v) in &g.attrs {
                prop_assert!(m.attributes().any(|a| a.name == n && a.value_str() == v.as_deref()));
            }
        }
        exercise(&parsed);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in vec(any::<u8>(), 0..512)) {
        if let Ok(sdp) = Sdp::parse(Bytes::from(data)) {
            exercise(&sdp);
        }
    }

    #[test]
    fn sdp_shaped_lines_never_panic(
        lines in vec(("[vosiuepcbtrzkamx ]", "=?", "[ -~\t\u{80}-\u{10ffff}]{0,24}"), 0..16),
        crlf in any::<bool>(),
    ) {
        let mut text = String::from("v=0\no=- 1 1 IN IP4 h\n");
        for (k, eq, v) in lines {
            text.push_str(&k);
            text.push_str(&eq);
            text.push_str(&v);
            text.push_str(if crlf { "\r\n" } else { "\n" });
        }
        if let Ok(sdp) = Sdp::parse_str(&text) {
            exercise(&sdp);
        }
    }

    #[test]
    fn corrupted_webrtc_sdp_never_panics(edits in vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8)) {
        let mut data = super::tests::WEBRTC.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at % (data.len() + 1);
            match op {
                0 if at < data.len() => data[at] = byte,
                1 => data.insert(at, byte),
                _ => data.truncate(at),
            }
        }
        if let Ok(sdp) = Sdp::parse(Bytes::from(data)) {
            exercise(&sdp);
        }
    }
}
