//! The softphone's command line.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "usage: softphone --config FILE [--trace] [--ca FILE] [--insecure] [--attempts N] \
[--timeout SECS] [--media-ip IP] COMMAND

commands:
  register                                   register, print `registered`, unregister
  message TARGET TEXT                        send TEXT as a text/plain MESSAGE to TARGET
  call TARGET --duration SECS [--play FILE.wav] [--dtmf DIGITS]
                                             call TARGET, send a tone (or the WAV file), hang up
                                             after SECS; print `confirmed` and the RTP counts
  listen [--answer] --for SECS [--record FILE.wav]
                                             wait SECS for calls and MESSAGEs; --answer answers
                                             calls (else 486), --record saves what they send

options:
  --media-ip IP    the address RTP binds to and announces (default: the configured STUN
                   servers' answer, else the address of the route to the SIP server)";

/// What to do.
#[derive(Debug, PartialEq)]
pub enum Command {
    Register,
    Message {
        target: String,
        text: String,
    },
    Call {
        target: String,
        duration: Duration,
        play: Option<PathBuf>,
        dtmf: Option<String>,
    },
    Listen {
        answer: bool,
        duration: Duration,
        record: Option<PathBuf>,
    },
}

/// The command line.
#[derive(Debug)]
pub struct Args {
    pub config: PathBuf,
    pub trace: bool,
    pub ca: Option<PathBuf>,
    pub insecure: bool,
    pub attempts: u32,
    pub timeout: Option<Duration>,
    pub media_ip: Option<IpAddr>,
    pub command: Command,
}

pub enum ArgsError {
    Help,
    Usage(String),
}

fn usage(problem: impl Into<String>) -> ArgsError {
    ArgsError::Usage(problem.into())
}

fn seconds(text: &str, name: &str) -> Result<Duration, ArgsError> {
    text.parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| usage(format!("{name} takes a number of seconds")))
}

pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, ArgsError> {
    let mut args = args.into_iter();
    let (mut config, mut trace, mut ca, mut insecure) = (None, false, None, false);
    let (mut attempts, mut timeout, mut media_ip) = (3u32, None, None);
    let (mut duration, mut play, mut dtmf, mut answer, mut record) = (None, None, None, false, None);
    let mut positional = Vec::new();
    let value = |args: &mut dyn Iterator<Item = String>, name: &str| {
        args.next().ok_or_else(|| usage(format!("{name} needs a value")))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Err(ArgsError::Help),
            "--config" => config = Some(PathBuf::from(value(&mut args, "--config")?)),
            "--ca" => ca = Some(PathBuf::from(value(&mut args, "--ca")?)),
            "--trace" => trace = true,
            "--insecure" => insecure = true,
            "--attempts" => {
                attempts = value(&mut args, "--attempts")?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| usage("--attempts takes a number from 1"))?
            }
            "--timeout" => timeout = Some(seconds(&value(&mut args, "--timeout")?, "--timeout")?),
            "--media-ip" => {
                media_ip = Some(
                    value(&mut args, "--media-ip")?
                        .parse()
                        .map_err(|_| usage("--media-ip takes an IP address"))?,
                )
            }
            "--duration" => duration = Some(seconds(&value(&mut args, "--duration")?, "--duration")?),
            "--for" => duration = Some(seconds(&value(&mut args, "--for")?, "--for")?),
            "--play" => play = Some(PathBuf::from(value(&mut args, "--play")?)),
            "--record" => record = Some(PathBuf::from(value(&mut args, "--record")?)),
            "--dtmf" => {
                let digits = value(&mut args, "--dtmf")?;
                if digits.is_empty() || !digits.chars().all(|c| "0123456789*#ABCDabcd".contains(c)) {
                    return Err(usage("--dtmf takes digits 0-9, *, # and A-D"));
                }
                dtmf = Some(digits);
            }
            "--answer" => answer = true,
            flag if flag.starts_with("--") => return Err(usage(format!("unknown option {flag}"))),
            _ => positional.push(arg),
        }
    }
    let config = config.ok_or_else(|| usage("--config FILE is required"))?;
    let mut positional = positional.into_iter();
    let name = positional.next();
    let command = match name.as_deref() {
        Some("register") => Command::Register,
        Some("message") => match (positional.next(), positional.next()) {
            (Some(target), Some(text)) => Command::Message { target, text },
            _ => return Err(usage("message needs TARGET and TEXT")),
        },
        Some("call") => Command::Call {
            target: positional.next().ok_or_else(|| usage("call needs a TARGET"))?,
            duration: duration.ok_or_else(|| usage("call needs --duration SECS"))?,
            play: play.take(),
            dtmf: dtmf.take(),
        },
        Some("listen") => Command::Listen {
            answer,
            duration: duration.ok_or_else(|| usage("listen needs --for SECS"))?,
            record: record.take(),
        },
        Some(other) => return Err(usage(format!("unknown command {other}"))),
        None => return Err(usage("no command given")),
    };
    // Options that belong to another command are a mistake worth saying.
    let misplaced = match &command {
        Command::Call { .. } => [(answer, "--answer"), (record.is_some(), "--record")]
            .into_iter()
            .find(|f| f.0),
        Command::Listen { .. } => [(play.is_some(), "--play"), (dtmf.is_some(), "--dtmf")]
            .into_iter()
            .find(|f| f.0),
        _ => [
            (duration.is_some(), "--duration/--for"),
            (play.is_some(), "--play"),
            (dtmf.is_some(), "--dtmf"),
            (answer, "--answer"),
            (record.is_some(), "--record"),
        ]
        .into_iter()
        .find(|f| f.0),
    };
    if let Some((_, flag)) = misplaced {
        return Err(usage(format!(
            "{flag} does not apply to {}",
            name.unwrap_or_default()
        )));
    }
    if let Some(extra) = positional.next() {
        return Err(usage(format!("unexpected argument {extra}")));
    }
    Ok(Args {
        config,
        trace,
        ca,
        insecure,
        attempts,
        timeout,
        media_ip,
        command,
    })
}
