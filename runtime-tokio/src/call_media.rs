//! A call's media: the core's session events carry the SDP, [`CallMedia`] hands each one to
//! the call's [`MediaSession`] (RFC 3264 offer/answer as the core reports it).

use sansip_core::message::StatusCode;
use sansip_core::ua::{CallOptions, Event, Originator, SessionId};

use crate::media::{MediaError, MediaSession, MediaStats};
use crate::{CallError, Session, Stopped, UaHandle};

/// Why [`CallMedia::call`] or [`CallMedia::answer`] did not go through.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallMediaError {
    /// The media engine refused: no local offer, or no answer to the remote offer (the call
    /// was then rejected with 488).
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The call was not placed.
    #[error(transparent)]
    Call(#[from] CallError),
    /// The UA has stopped.
    #[error("the user agent has stopped")]
    Stopped,
}

impl From<Stopped> for CallMediaError {
    fn from(_: Stopped) -> CallMediaError {
        CallMediaError::Stopped
    }
}

/// One call and its media engine. Feed it every event of the UA ([`CallMedia::on_event`]); it
/// keeps what concerns its call.
#[derive(Debug)]
pub struct CallMedia<M> {
    id: SessionId,
    media: M,
    ended: Option<MediaStats>,
}

impl<M: MediaSession> CallMedia<M> {
    /// Places a call to `target` with `media`'s offer as the INVITE body (`options.sdp` is
    /// replaced): the call's handle, and its media to feed with the UA's events.
    pub async fn call(
        ua: &UaHandle,
        target: &str,
        mut media: M,
        options: CallOptions,
    ) -> Result<(Session, CallMedia<M>), CallMediaError> {
        let sdp = media.local_offer()?;
        let session = ua.call(target, CallOptions { sdp, ..options }).await?;
        let id = session.id();
        Ok((session, CallMedia::new(id, media)))
    }

    /// Answers incoming call `id` with `media`: an answer to the INVITE's `offer`, or, when it
    /// had none, our offer in the 2xx (RFC 3261 §13.2.1; the answer comes in the ACK). When
    /// `media` cannot answer the offer, the call is rejected with 488 (RFC 3261 §21.4.26) and
    /// the engine's reason returned.
    pub async fn answer(
        ua: &UaHandle,
        id: SessionId,
        offer: Option<&[u8]>,
        mut media: M,
    ) -> Result<(Session, CallMedia<M>), CallMediaError> {
        let session = ua.session(id);
        let local = match offer {
            Some(offer) => media.answer_offer(offer),
            None => media.local_offer(),
        };
        match local {
            Ok(local) => {
                session.answer(local).await?;
                Ok((session, CallMedia::new(id, media)))
            }
            Err(refused) => {
                media.close();
                session.reject(StatusCode::NOT_ACCEPTABLE_HERE).await?;
                Err(refused.into())
            }
        }
    }

    /// `media` for call `id`; its local description has been (or is being) given to the core.
    pub fn new(id: SessionId, media: M) -> CallMedia<M> {
        CallMedia {
            id,
            media,
            ended: None,
        }
    }

    /// The call.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The media engine.
    pub fn media(&mut self) -> &mut M {
        &mut self.media
    }

    /// The engine's counters now (or when the call ended).
    pub fn stats(&self) -> MediaStats {
        self.ended.clone().unwrap_or_else(|| self.media.stats())
    }

    /// Applies `event` when it concerns this call: a remote description (early media, the
    /// answer, the ACK's answer, a re-INVITE or UPDATE offer) goes to
    /// [`MediaSession::apply_remote`]; our own hold and unhold switch sending off and on
    /// (RFC 3264 §8.4); the end of the call closes the engine. `Ok(Some(stats))` once the call
    /// has ended.
    pub fn on_event(&mut self, event: &Event) -> Result<Option<MediaStats>, MediaError> {
        if let Some(stats) = &self.ended {
            return Ok(Some(stats.clone()));
        }
        let sdp = match event {
            Event::Progress { id, sdp, .. }
            | Event::Accepted { id, sdp }
            | Event::Reinvite { id, sdp }
            | Event::Update { id, sdp }
                if *id == self.id =>
            {
                sdp.as_ref()
            }
            Event::Answer { id, sdp } if *id == self.id => Some(sdp),
            Event::Hold {
                id,
                originator: Originator::Local,
            } if *id == self.id => {
                self.media.set_local_hold(true);
                None
            }
            Event::Unhold {
                id,
                originator: Originator::Local,
            } if *id == self.id => {
                self.media.set_local_hold(false);
                None
            }
            Event::Ended { id, .. } | Event::Failed { id, .. } if *id == self.id => {
                return Ok(Some(self.close()));
            }
            _ => None,
        };
        if let Some(sdp) = sdp.filter(|sdp| !sdp.is_empty()) {
            self.media.apply_remote(sdp)?;
        }
        Ok(None)
    }

    /// Closes the engine (idempotent): the final counters.
    pub fn close(&mut self) -> MediaStats {
        if let Some(stats) = &self.ended {
            return stats.clone();
        }
        let stats = self.media.close();
        self.ended = Some(stats.clone());
        stats
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sansip_core::cause::Cause;
    use sansip_core::message::StatusCode;

    use super::*;

    /// A media engine that writes down what it was told.
    #[derive(Debug, Default)]
    struct Recorder {
        log: Vec<String>,
        closed: u32,
    }

    impl MediaSession for Recorder {
        fn local_offer(&mut self) -> Result<Bytes, MediaError> {
            Ok(Bytes::from_static(b"offer"))
        }
        fn answer_offer(&mut self, _offer: &[u8]) -> Result<Bytes, MediaError> {
            Ok(Bytes::from_static(b"answer"))
        }
        fn apply_remote(&mut self, sdp: &[u8]) -> Result<(), MediaError> {
            self.log.push(format!("remote {}", String::from_utf8_lossy(sdp)));
            Ok(())
        }
        fn set_local_hold(&mut self, on: bool) {
            self.log.push(format!("hold {on}"));
        }
        fn send_dtmf(&mut self, digits: &str, _duration_ms: u32) -> Result<(), MediaError> {
            self.log.push(format!("dtmf {digits}"));
            Ok(())
        }
        fn stats(&self) -> MediaStats {
            MediaStats {
                rtp_sent: self.log.len() as u64,
                ..MediaStats::default()
            }
        }
        fn close(&mut self) -> MediaStats {
            self.closed += 1;
            MediaStats {
                rtp_sent: 7,
                ..MediaStats::default()
            }
        }
    }

    fn sdp(text: &'static str) -> Option<Bytes> {
        Some(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn remote_descriptions_and_our_hold_reach_the_engine_and_the_end_closes_it() {
        let (ours, other) = (SessionId(1), SessionId(2));
        let mut call = CallMedia::new(ours, Recorder::default());
        let events = [
            Event::Progress {
                id: ours,
                status: StatusCode::RINGING,
                sdp: None,
            },
            Event::Progress {
                id: ours,
                status: StatusCode::SESSION_PROGRESS,
                sdp: sdp("early"),
            },
            Event::Accepted {
                id: other,
                sdp: sdp("someone else's"),
            },
            Event::Accepted {
                id: ours,
                sdp: sdp("answer"),
            },
            Event::Hold {
                id: ours,
                originator: Originator::Local,
            },
            Event::Hold {
                id: ours,
                originator: Originator::Remote,
            },
            Event::Reinvite {
                id: ours,
                sdp: sdp("re-offer"),
            },
            Event::Update { id: ours, sdp: None },
            Event::Unhold {
                id: ours,
                originator: Originator::Local,
            },
            Event::Answer {
                id: ours,
                sdp: Bytes::from_static(b"ack answer"),
            },
        ];
        for event in &events {
            assert_eq!(call.on_event(event).unwrap(), None);
        }
        assert_eq!(
            call.media().log,
            [
                "remote early",
                "remote answer",
                "hold true",
                "remote re-offer",
                "hold false",
                "remote ack answer"
            ]
        );
        let end = Event::Ended {
            id: ours,
            cause: Cause::Bye,
            originator: Originator::Remote,
        };
        let ended = Some(MediaStats {
            rtp_sent: 7,
            ..MediaStats::default()
        });
        assert_eq!(call.on_event(&end).unwrap(), ended);
        // Once ended, later events and close() give the same counters without closing again.
        assert_eq!(call.on_event(&end).unwrap(), ended);
        assert_eq!(Some(call.close()), ended);
        assert_eq!(call.media().closed, 1);
    }
}
