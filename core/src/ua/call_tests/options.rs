//! OPTIONS to a peer, answered with what it supports.

use super::*;

#[test]
fn options_to_a_peer_is_answered_with_what_it_supports() {
    let mut p = Pair::new();
    let t = Instant::ZERO;
    let id = p.a.send_options(t, "bob").unwrap();
    p.run(t);
    assert_eq!(
        p.first_lines(),
        ["A→B OPTIONS sip:bob@example.com SIP/2.0", "B→A SIP/2.0 200 OK"]
    );
    assert_eq!(header(&p.wire[1].1, "Allow"), Some(ALLOW));
    assert_eq!(
        header(&p.wire[1].1, "Accept"),
        Some("application/sdp, text/plain")
    );
    assert_eq!(
        p.events_a,
        [Event::MessageSucceeded {
            id,
            status: StatusCode::OK
        }]
    );
}
