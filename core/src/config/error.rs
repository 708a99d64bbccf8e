//! Configuration errors: every one names the JsSIP parameter at fault and says what is wrong.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::transport::ServerUriError;
use crate::uri::UriError;

/// A refused configuration: the JsSIP parameter (`uri`, `ws_servers`, an unknown key as
/// written) and what is wrong with it. Displays as
/// `invalid configuration parameter "uri": invalid uri: bad host at byte 4`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration{}: {problem}", ParameterLabel(.parameter))]
pub struct ConfigError {
    /// The parameter's JsSIP name; empty when the problem is the document as a whole (a JSON
    /// syntax error, or JSON that is not an object).
    pub parameter: Cow<'static, str>,
    /// What is wrong.
    pub problem: ConfigProblem,
}

/// What is wrong with a configuration parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// A mandatory parameter (`uri`, `ws_servers`) is absent or empty.
    #[error("missing")]
    Missing,
    /// The value has the wrong JSON type.
    #[error("expected {expected}")]
    WrongType {
        /// What the parameter takes, e.g. `a boolean`.
        expected: &'static str,
    },
    /// The value is not a valid SIP URI.
    #[error("invalid uri: {0}")]
    InvalidUri(UriError),
    /// A server is not a valid `ws://`, `wss://`, `sip:` or `sips:` URI.
    #[error("invalid server: {0}")]
    InvalidServer(ServerUriError),
    /// A number is negative, zero where zero makes no sense, or too large.
    #[error("out of range")]
    OutOfRange,
    /// The parameter is not one JsSIP (or sansip) knows; the error's `parameter` is the key.
    #[error("unknown parameter")]
    Unknown,
    /// An object inside the parameter (a server, a TURN server, limits) has a key it does not take.
    #[error("unknown field \"{0}\"")]
    UnknownField(String),
    /// An object inside the parameter lacks a field it needs.
    #[error("missing field \"{0}\"")]
    MissingField(&'static str),
    /// The parameter only makes sense together with another one, which is absent.
    #[error("requires \"{0}\"")]
    Requires(&'static str),
    /// The value is malformed; the text says how.
    #[error("{0}")]
    Invalid(&'static str),
    /// The text is not valid JSON.
    #[error("malformed json at line {line} column {column}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
}

impl ConfigError {
    /// An error about the parameter `parameter`.
    pub fn new(parameter: &'static str, problem: ConfigProblem) -> ConfigError {
        ConfigError {
            parameter: Cow::Borrowed(parameter),
            problem,
        }
    }

    /// An error about the configuration as a whole (no single parameter at fault).
    pub fn document(problem: ConfigProblem) -> ConfigError {
        Self::new("", problem)
    }

    /// The key `key` is not a configuration parameter.
    pub fn unknown(key: &str) -> ConfigError {
        ConfigError {
            parameter: Cow::Owned(String::from(key)),
            problem: ConfigProblem::Unknown,
        }
    }
}

/// Writes ` parameter "name"`, or nothing for a document-level error.
struct ParameterLabel<'a>(&'a Cow<'static, str>);

impl fmt::Display for ParameterLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, " parameter \"{}\"", self.0)
        }
    }
}
