//! Typed header fields, parsed on demand from the raw values a [`Headers`] holds.
//!
//! Each typed accessor on [`Headers`] returns `None` when the header is absent and
//! `Some(Err(HeaderError))` when it is present but malformed; the raw value stays available
//! through [`Headers::get`] either way.

pub mod auth;
pub(crate) mod cseq;
pub(crate) mod name_addr;
pub(crate) mod via;

pub use name_addr::NameAddr;
pub use via::Via;

// Typed headers beyond the essentials (contact, scalars, lists, events, session timers, ...).
pub(crate) mod contact;
pub(crate) mod date;
pub(crate) mod event;
pub(crate) mod media_type;
pub(crate) mod product;
pub(crate) mod reason;
pub(crate) mod refer;
pub(crate) mod scalar;
pub(crate) mod session_timer;
pub(crate) mod tokens;
pub use contact::{Contact, ContactValue};
pub use date::Date;
pub use event::{Event, SubState, SubscriptionState};
pub use media_type::MediaType;
pub use product::{ProductItem, Products};
pub use reason::{Reason, RetryAfter, Warning};
pub use refer::Replaces;
pub use scalar::{CSeq, RAck};
pub use session_timer::{MinSe, Refresher, SessionExpires};

use crate::message::{HeaderName, Headers};

/// A header present but malformed: which header and the byte offset in its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed {} header at byte {offset} of its value", header_label(*.header))]
pub struct HeaderError {
    /// Which header.
    pub header: HeaderName,
    /// Byte offset in the header value.
    pub offset: usize,
}

fn header_label(h: HeaderName) -> &'static str {
    match h {
        HeaderName::Other => "extension",
        h => h.as_str(),
    }
}

impl HeaderError {
    pub(crate) fn new(header: HeaderName, offset: usize) -> Self {
        HeaderError { header, offset }
    }
}

impl Headers {
    /// Every via-parm of every Via line, top first (RFC 3261 §20.42).
    pub fn via(&self) -> impl Iterator<Item = Result<Via<'_>, HeaderError>> + '_ {
        self.get_all(HeaderName::Via).flat_map(Via::parse_list)
    }

    /// The topmost via-parm.
    pub fn top_via(&self) -> Option<Result<Via<'_>, HeaderError>> {
        self.via().next()
    }

    fn single_name_addr(&self, name: HeaderName) -> Option<Result<NameAddr, HeaderError>> {
        let v = self.get(name)?;
        Some(NameAddr::parse_in(&self.buf, v, name))
    }

    fn name_addr_list(&self, name: HeaderName) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.get_all(name)
            .flat_map(move |v| name_addr::parse_list(&self.buf, v, name))
    }

    /// From (RFC 3261 §20.20).
    pub fn from(&self) -> Option<Result<NameAddr, HeaderError>> {
        self.single_name_addr(HeaderName::From)
    }
    /// To (RFC 3261 §20.39).
    pub fn to(&self) -> Option<Result<NameAddr, HeaderError>> {
        self.single_name_addr(HeaderName::To)
    }
    /// Reply-To (RFC 3261 §20.31).
    pub fn reply_to(&self) -> Option<Result<NameAddr, HeaderError>> {
        self.single_name_addr(HeaderName::ReplyTo)
    }
    /// Route entries in order (RFC 3261 §20.34).
    pub fn route(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.name_addr_list(HeaderName::Route)
    }
    /// Record-Route entries in order (RFC 3261 §20.30).
    pub fn record_route(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.name_addr_list(HeaderName::RecordRoute)
    }
    /// Path entries in order (RFC 3327 §4).
    pub fn path(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.name_addr_list(HeaderName::Path)
    }
    /// Service-Route entries in order (RFC 3608).
    pub fn service_route(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.name_addr_list(HeaderName::ServiceRoute)
    }
}
