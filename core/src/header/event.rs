//! SIP events: Event and Subscription-State (RFC 6665 §8.2.1, §8.2.3).

use super::scalar::{delta_seconds, suffix_at, token, whole, Scan};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::params::{header_params, Params};
use crate::parse::lex::eq_ic;

/// Scans `*( SEMI generic-param )` (RFC 3261 §25.1).
fn params(r: &[u8]) -> Scan<'_, Params<'_>> {
    let (rest, text) = header_params(r).map_err(|off| r.get(off..).unwrap_or_default())?;
    Ok((Params::new(text), rest))
}

/// `Event = event-type *( SEMI event-param )` (RFC 6665 §8.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type as written: `event-package *( "." event-template )`, e.g. `presence`,
    /// `presence.winfo`, `refer`.
    pub event_type: &'a [u8],
    /// The event parameters (`id`, package parameters).
    pub params: Params<'a>,
}

impl<'a> Event<'a> {
    /// Parses a whole Event value.
    pub fn parse(value: &'a [u8]) -> Result<Event<'a>, HeaderError> {
        whole(HeaderName::Event, value, |i| {
            let (event_type, r) = token(i)?;
            let (params, r) = params(r)?;
            Ok((Event { event_type, params }, r))
        })
    }

    /// True when the event type is `name`, ignoring case as JsSIP does (its parser lowercases
    /// `Presence` to `presence`). To match a NOTIFY to its subscription use [`Event::matches`].
    pub fn is(&self, name: &str) -> bool {
        eq_ic(self.event_type, name.as_bytes())
    }

    /// The `id` parameter, which tells apart subscriptions in one dialog (RFC 6665 §8.2.1).
    pub fn id(&self) -> Option<&'a [u8]> {
        self.params.get("id").flatten()
    }

    /// True when two Event values name the same subscription: event type and `id` compared
    /// byte by byte, an `id` never matching its absence, other parameters ignored
    /// (RFC 6665 §8.2.1).
    pub fn matches(&self, other: &Event<'_>) -> bool {
        self.event_type == other.event_type && self.id() == other.id()
    }
}

/// The state in a Subscription-State header (RFC 6665 §8.2.3 `substate-value`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubState<'a> {
    /// `active`: the subscription has been accepted.
    Active,
    /// `pending`: received, but not yet authorised.
    Pending,
    /// `terminated`: over; see the reason and retry-after.
    Terminated,
    /// An `extension-substate` token, as written.
    Other(&'a [u8]),
}

/// `Subscription-State = substate-value *( SEMI subexp-params )` (RFC 6665 §8.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionState<'a> {
    /// The state (tokens compared case-insensitively, RFC 3261 §7.3.1).
    pub state: SubState<'a>,
    /// The `expires` parameter: seconds the subscription has left.
    pub expires: Option<u32>,
    /// The `retry-after` parameter: seconds before trying again.
    pub retry_after: Option<u32>,
    /// The `reason` parameter as written (`deactivated`, `probation`, `rejected`, `timeout`,
    /// `giveup`, `noresource`, `invariant`, or an extension).
    pub reason: Option<&'a [u8]>,
    /// All parameters, including the ones above.
    pub params: Params<'a>,
}

impl<'a> SubscriptionState<'a> {
    /// Parses a whole Subscription-State value.
    pub fn parse(value: &'a [u8]) -> Result<SubscriptionState<'a>, HeaderError> {
        whole(HeaderName::SubscriptionState, value, |i| {
            let (t, r) = token(i)?;
            let state = if eq_ic(t, b"active") {
                SubState::Active
            } else if eq_ic(t, b"pending") {
                SubState::Pending
            } else if eq_ic(t, b"terminated") {
                SubState::Terminated
            } else {
                SubState::Other(t)
            };
            let (params, rest) = params(r)?;
            // subexp-params: ("expires" EQUAL delta-seconds) / ("retry-after" EQUAL
            // delta-seconds) / ("reason" EQUAL event-reason-value); each needs its value.
            let number = |name: &str| -> Result<Option<u32>, &'a [u8]> {
                match params.get(name) {
                    None => Ok(None),
                    Some(None) => Err(suffix_at(i, params.as_bytes())),
                    Some(Some(v)) => match delta_seconds(v) {
                        Ok((n, [])) => Ok(Some(n)),
                        _ => Err(suffix_at(i, v)),
                    },
                }
            };
            let expires = number("expires")?;
            let retry_after = number("retry-after")?;
            let reason = match params.get("reason") {
                Some(None) => return Err(suffix_at(i, params.as_bytes())),
                r => r.flatten(),
            };
            Ok((
                SubscriptionState {
                    state,
                    expires,
                    retry_after,
                    reason,
                    params,
                },
                rest,
            ))
        })
    }
}

impl Headers {
    /// Event (RFC 6665 §8.2.1).
    pub fn event(&self) -> Option<Result<Event<'_>, HeaderError>> {
        Some(Event::parse(self.get(HeaderName::Event)?))
    }
    /// Subscription-State (RFC 6665 §8.2.3).
    pub fn subscription_state(&self) -> Option<Result<SubscriptionState<'_>, HeaderError>> {
        Some(SubscriptionState::parse(self.get(HeaderName::SubscriptionState)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jssip_event() {
        // jssip-parser-cases.md §2.11.
        let e = Event::parse(b"Presence;Param1=QWe;paraM2").unwrap();
        assert_eq!(e.event_type, b"Presence");
        assert!(e.is("presence"));
        assert_eq!(e.params.get("param1"), Some(Some(&b"QWe"[..])));
        assert_eq!(e.params.get("param2"), Some(None));
        assert_eq!(e.id(), None);
    }

    #[test]
    fn event_matching_and_errors() {
        let a = Event::parse(b"foo; id=1234").unwrap();
        assert_eq!(a.id(), Some(&b"1234"[..]));
        // RFC 6665 §8.2.1's own examples.
        assert!(a.matches(&Event::parse(b"foo; param=abcd; id=1234").unwrap()));
        assert!(!a.matches(&Event::parse(b"Foo; id=1234").unwrap()));
        assert!(!a.matches(&Event::parse(b"foo").unwrap()));
        assert_eq!(
            Event::parse(b"presence.winfo").unwrap().event_type,
            b"presence.winfo"
        );
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::Event,
                offset,
            })
        };
        assert_eq!(Event::parse(b""), e(0));
        assert_eq!(Event::parse(b"refer;"), e(6));
        assert_eq!(Event::parse(b"refer, dialog"), e(5));
        assert_eq!(Event::parse(b"a b"), e(2));
    }

    #[test]
    fn subscription_states() {
        let s = SubscriptionState::parse(b"active;expires=3600").unwrap();
        assert_eq!(
            (s.state, s.expires, s.retry_after, s.reason),
            (SubState::Active, Some(3600), None, None)
        );
        let s = SubscriptionState::parse(b"Terminated ; reason = timeout ;retry-after=30").unwrap();
        assert_eq!(s.state, SubState::Terminated);
        assert_eq!(s.reason, Some(&b"timeout"[..]));
        assert_eq!(s.retry_after, Some(30));
        let s = SubscriptionState::parse(b"pending").unwrap();
        assert_eq!((s.state, s.expires), (SubState::Pending, None));
        let s = SubscriptionState::parse(b"waiting;foo").unwrap();
        assert_eq!(s.state, SubState::Other(b"waiting"));
        assert_eq!(s.params.get("foo"), Some(None));
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::SubscriptionState,
                offset,
            })
        };
        assert_eq!(SubscriptionState::parse(b"active;expires=4294967296"), e(15));
        assert_eq!(SubscriptionState::parse(b"active;expires=1x"), e(15));
        assert_eq!(SubscriptionState::parse(b"active;expires=1x;reason=a"), e(15));
        assert_eq!(SubscriptionState::parse(b"active;x;retry-after=;y"), e(21));
        assert_eq!(SubscriptionState::parse(b"active;expires"), e(7));
        assert_eq!(SubscriptionState::parse(b"terminated;reason"), e(11));
        assert_eq!(SubscriptionState::parse(b";expires=1"), e(0));
    }
}
