//! The offer/answer state machine: every transition, every carrier pairing of RFC 6337 §2.1
//! Table 1, every refusal rule.

use super::*;
use Carrier::*;
use OfferAnswerState::*;

/// A description from `user` with `ports` as its audio streams and `dir` on each.
pub(super) fn sdp(user: &str, version: u64, ports: &[u16], dir: Direction) -> Sdp {
    let mut b = SdpBuilder::new(user, 1, version, AddressType::Ip4, "192.0.2.1")
        .connection(AddressType::Ip4, "192.0.2.1");
    for &p in ports {
        b = b.media(
            MediaBuilder::new("audio", p, "RTP/AVP")
                .rtpmap(0, "PCMU", 8000, None)
                .direction(dir),
        );
    }
    b.build().unwrap()
}

pub(super) fn offer() -> Sdp {
    sdp("alice", 1, &[5004], Direction::SendRecv)
}

pub(super) fn answer() -> Sdp {
    sdp("bob", 1, &[6004], Direction::SendRecv)
}

/// A session that completed one exchange (INVITE offer / 2xx answer), seen by the caller.
pub(super) fn stable() -> OfferAnswer {
    let mut oa = OfferAnswer::new();
    oa.local_offer(offer(), Invite).unwrap();
    oa.remote_answer(answer(), Final2xx).unwrap();
    oa
}

const ALL: [Carrier; 8] = [
    Invite,
    Reliable1xx,
    Final2xx,
    Ack,
    Prack,
    PrackResponse,
    Update,
    UpdateResponse,
];

#[test]
fn carrier_pairs_are_rfc6337_table_1() {
    // RFC 6337 §2.1 Table 1: INVITE/2xx, 2xx/ACK, INVITE/1xx-rel, 1xx-rel/PRACK,
    // PRACK/200 PRACK, UPDATE/2xx UPDATE. Nothing else.
    let pairs: Vec<_> = ALL
        .iter()
        .flat_map(|&o| {
            ALL.iter()
                .filter(move |&&a| a.may_answer(o))
                .map(move |&a| (o, a))
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (Invite, Reliable1xx),
            (Invite, Final2xx),
            (Reliable1xx, Prack),
            (Final2xx, Ack),
            (Prack, PrackResponse),
            (Update, UpdateResponse),
        ]
    );
    let offers: Vec<_> = ALL.into_iter().filter(|c| c.may_carry_offer()).collect();
    assert_eq!(offers, [Invite, Reliable1xx, Final2xx, Prack, Update]);
    let requests: Vec<_> = ALL.into_iter().filter(|c| c.is_request()).collect();
    assert_eq!(requests, [Invite, Ack, Prack, Update]);
}

#[test]
fn offer_in_invite_answer_in_2xx() {
    let mut oa = OfferAnswer::new();
    assert_eq!(
        (oa.state(), oa.local_description(), oa.remote_description()),
        (NoOffer, None, None)
    );
    oa.local_offer(offer(), Invite).unwrap();
    assert_eq!(oa.state(), LocalOffer);
    let pending = oa.pending_offer().unwrap();
    assert_eq!(
        (&pending.sdp, pending.side, pending.via),
        (&offer(), Side::Local, Invite)
    );
    assert_eq!(oa.local_description(), None); // not until the exchange completes
    oa.remote_answer(answer(), Final2xx).unwrap();
    assert_eq!(oa.state(), Stable);
    assert_eq!(
        (oa.local_description(), oa.remote_description()),
        (Some(&offer()), Some(&answer()))
    );
    assert_eq!(oa.pending_offer(), None);
}

#[test]
fn offer_in_invite_answer_in_reliable_1xx_then_prack_offer() {
    // RFC 3262 §5: the answer may be in a reliable 1xx; the UAC may then offer in the PRACK.
    let mut oa = OfferAnswer::new();
    oa.remote_offer(offer(), Invite).unwrap();
    assert_eq!(oa.state(), RemoteOffer);
    oa.local_answer(answer(), Reliable1xx).unwrap();
    assert_eq!(oa.state(), Stable);
    let re = offer().with_next_version();
    oa.remote_offer(re.clone(), Prack).unwrap();
    let new_answer = answer().with_next_version();
    assert_eq!(
        oa.local_answer(new_answer.clone(), Final2xx),
        Err(OfferAnswerError::WrongAnswerCarrier {
            offer: Prack,
            answer: Final2xx
        })
    );
    oa.local_answer(new_answer.clone(), PrackResponse).unwrap();
    assert_eq!(
        (oa.local_description(), oa.remote_description()),
        (Some(&new_answer), Some(&re))
    );
}

#[test]
fn invite_without_offer_offer_in_2xx_answer_in_ack() {
    // RFC 3261 §13.2.1: an INVITE without SDP gets the offer in the 2xx and the answer in ACK.
    let mut uas = OfferAnswer::new();
    uas.local_offer(offer(), Final2xx).unwrap();
    assert_eq!(
        uas.remote_answer(answer(), Prack),
        Err(OfferAnswerError::WrongAnswerCarrier {
            offer: Final2xx,
            answer: Prack
        })
    );
    uas.remote_answer(answer(), Ack).unwrap();
    assert_eq!(uas.state(), Stable);

    let mut uac = OfferAnswer::new();
    uac.remote_offer(offer(), Final2xx).unwrap();
    uac.local_answer(answer(), Ack).unwrap();
    assert_eq!(
        (uac.local_description(), uac.remote_description()),
        (Some(&answer()), Some(&offer()))
    );
}

#[test]
fn invite_without_offer_offer_in_reliable_1xx_answer_in_prack() {
    // RFC 3262 §5: the first reliable 1xx carries the offer, the PRACK the answer.
    let mut uac = OfferAnswer::new();
    uac.remote_offer(offer(), Reliable1xx).unwrap();
    assert_eq!(
        uac.local_answer(answer(), Ack),
        Err(OfferAnswerError::WrongAnswerCarrier {
            offer: Reliable1xx,
            answer: Ack
        })
    );
    uac.local_answer(answer(), Prack).unwrap();
    assert_eq!(uac.state(), Stable);
    // Early dialog, exchange done: UPDATE may now offer (RFC 3311 §5.1).
    uac.local_offer(offer().with_next_version(), Update).unwrap();
    uac.remote_answer(answer().with_next_version(), UpdateResponse)
        .unwrap();
    assert_eq!(uac.local_description().unwrap().origin().session_version, "2");
}

#[test]
fn reinvite_hold_and_remote_hold() {
    let mut oa = stable();
    let hold = offer().with_direction(Direction::SendOnly).with_next_version();
    oa.may_send_offer(Invite).unwrap();
    oa.local_offer(hold.clone(), Invite).unwrap();
    oa.remote_answer(answer().with_direction(Direction::RecvOnly), Final2xx)
        .unwrap();
    assert!(oa.is_local_hold());
    assert!(!oa.is_remote_hold());
    // The peer holds us by re-INVITE: sendonly from them.
    let theirs = answer().with_direction(Direction::SendOnly).with_next_version();
    oa.remote_offer(theirs, Invite).unwrap();
    oa.local_answer(hold.with_direction(Direction::Inactive), Final2xx)
        .unwrap();
    assert!(oa.is_remote_hold());
}

#[test]
fn local_offer_rules() {
    let oa = OfferAnswer::new();
    // RFC 6337 §2.1: ACK and the PRACK/UPDATE responses only answer.
    for c in [Ack, PrackResponse, UpdateResponse] {
        assert_eq!(oa.may_send_offer(c), Err(OfferAnswerError::CannotCarryOffer(c)));
    }
    // RFC 3311 §5.1, RFC 6337 §2.1: not the initial offer in UPDATE or PRACK.
    assert_eq!(
        oa.may_send_offer(Update),
        Err(OfferAnswerError::InitialOfferNotAllowed(Update))
    );
    assert_eq!(
        oa.may_send_offer(Prack),
        Err(OfferAnswerError::InitialOfferNotAllowed(Prack))
    );
    for c in [Invite, Reliable1xx, Final2xx] {
        assert_eq!(oa.may_send_offer(c), Ok(()));
    }
    // RFC 3264 §4: one offer at a time, either way.
    let mut oa = stable();
    oa.local_offer(offer().with_next_version(), Update).unwrap();
    for c in [Invite, Update, Prack, Reliable1xx, Final2xx] {
        assert_eq!(oa.may_send_offer(c), Err(OfferAnswerError::LocalOfferPending));
    }
    let mut oa = stable();
    oa.remote_offer(answer().with_next_version(), Update).unwrap();
    assert_eq!(
        oa.local_offer(offer(), Invite),
        Err(OfferAnswerError::RemoteOfferPending)
    );
    assert_eq!(oa.state(), RemoteOffer);
    // Stable: every offer carrier is fine.
    let oa = stable();
    for c in [Invite, Update, Prack, Reliable1xx, Final2xx] {
        assert_eq!(oa.may_send_offer(c), Ok(()));
    }
}

#[test]
fn answer_checks() {
    let mut oa = OfferAnswer::new();
    assert_eq!(
        oa.remote_answer(answer(), Final2xx),
        Err(OfferAnswerError::NoLocalOffer)
    );
    assert_eq!(
        oa.local_answer(answer(), Final2xx),
        Err(OfferAnswerError::NoRemoteOffer)
    );
    oa.local_offer(sdp("alice", 1, &[5004, 0], Direction::SendRecv), Invite)
        .unwrap();
    assert_eq!(
        oa.local_answer(answer(), Final2xx),
        Err(OfferAnswerError::NoRemoteOffer)
    );
    // RFC 3264 §6: as many m= lines as the offer.
    let e = oa.remote_answer(answer(), Final2xx).unwrap_err();
    assert_eq!(e, OfferAnswerError::MediaCountMismatch { offer: 2, answer: 1 });
    assert_eq!(e.to_string(), "answer has 1 m= lines, the offer 2");
    // RFC 3264 §6: port 0 in the offer stays port 0.
    assert_eq!(
        oa.remote_answer(sdp("bob", 1, &[6004, 6006], Direction::SendRecv), Final2xx),
        Err(OfferAnswerError::RejectedStreamAccepted { index: 1 })
    );
    assert_eq!(
        oa.remote_answer(sdp("bob", 1, &[6004, 0], Direction::SendRecv), Ack),
        Err(OfferAnswerError::WrongAnswerCarrier {
            offer: Invite,
            answer: Ack
        })
    );
    // Nothing changed on error.
    assert_eq!((oa.state(), oa.remote_description()), (LocalOffer, None));
    // Rejecting an offered stream (port 0 in the answer) is fine.
    oa.remote_answer(sdp("bob", 1, &[0, 0], Direction::SendRecv), Final2xx)
        .unwrap();
    assert!(oa.remote_description().unwrap().media().all(|m| m.is_rejected()));
}

#[test]
fn bundle_only_stream_may_be_accepted() {
    // RFC 8843 §6: a bundle-only stream is offered with port 0 and accepted in the answer.
    let offer = Sdp::parse_str(
        "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=bundle-only\r\n",
    )
    .unwrap();
    let answer = Sdp::parse_str(
        "v=0\r\no=- 2 1 IN IP4 h\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n",
    )
    .unwrap();
    assert_eq!(check_answer(&offer, &answer), Ok(()));
    assert_eq!(check_answer(&answer, &offer), Ok(()));
}

#[test]
fn rollback_restores_the_previous_state() {
    // A rejected re-INVITE (488/491): back to Stable with the old descriptions (RFC 6337 §2.2).
    let mut oa = stable();
    let hold = offer().with_direction(Direction::SendOnly).with_next_version();
    oa.local_offer(hold.clone(), Invite).unwrap();
    let withdrawn = oa.rollback().unwrap();
    assert_eq!(
        (withdrawn.sdp, withdrawn.side, withdrawn.via),
        (hold, Side::Local, Invite)
    );
    assert_eq!(
        (oa.state(), oa.local_description(), oa.remote_description()),
        (Stable, Some(&offer()), Some(&answer()))
    );
    assert!(!oa.is_local_hold());
    // Their UPDATE offer that we rejected.
    oa.remote_offer(answer().with_next_version(), Update).unwrap();
    assert_eq!(oa.rollback().map(|p| p.side), Some(Side::Remote));
    assert_eq!(oa.state(), Stable);
    assert!(oa.rollback().is_none());
    // The initial offer rejected: back to NoOffer.
    let mut oa = OfferAnswer::new();
    oa.local_offer(offer(), Invite).unwrap();
    oa.rollback();
    assert_eq!((oa.state(), oa.local_description()), (NoOffer, None));
}

#[test]
fn error_messages() {
    assert_eq!(
        OfferAnswerError::WrongAnswerCarrier {
            offer: Update,
            answer: Final2xx
        }
        .to_string(),
        "an offer in UPDATE cannot be answered in a 2xx to INVITE"
    );
    assert_eq!(
        OfferAnswerError::CannotCarryOffer(Ack).to_string(),
        "ACK cannot carry an offer"
    );
    assert_eq!(
        OfferAnswerError::InitialOfferNotAllowed(Prack).to_string(),
        "the initial offer cannot be sent in PRACK"
    );
}
