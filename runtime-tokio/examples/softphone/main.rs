//! A command-line softphone on `sansip-tokio`, configured by a JsSIP configuration file (JSON).
//!
//! ```text
//! softphone --config cfg.json register                 registers, prints `registered`, unregisters
//! softphone --config cfg.json message TARGET TEXT      sends a MESSAGE; exit 0 on a 2xx
//! softphone --config cfg.json call TARGET --duration SECS [--play FILE.wav] [--dtmf 123]
//!                                                      calls, prints `confirmed`, sends a tone (or
//!                                                      the WAV) over RTP, hangs up, prints
//!                                                      `rtp sent N received M`
//! softphone --config cfg.json listen [--answer] --for SECS [--record FILE.wav]
//!                                                      prints received MESSAGEs and calls; answers
//!                                                      them with --answer
//! ```
//!
//! Options: `--trace` logs every SIP message as a ladder on stderr (`trace_sip`); `--ca FILE`
//! trusts the CA certificates in a PEM file for wss/TLS; `--insecure` turns certificate
//! verification off (lab servers only); `--attempts N` gives up after N failed connection
//! attempts (default 3); `--timeout SECS` bounds the whole command (default 60, or the call's
//! or listen's duration plus 30); `--media-ip IP` is the address RTP binds to and announces.
//!
//! Exit status: 0 on success, 1 on a failure (bad configuration, unreachable server, refused
//! registration, message or call), 2 on a usage error.

mod args;
mod calls;

use std::process::ExitCode;
use std::time::Duration;

use args::{parse_args, ArgsError, Command, USAGE};
use sansip_tokio::core::config::Config;
use sansip_tokio::core::transport::DisconnectReason;
use sansip_tokio::core::ua::Event;
use sansip_tokio::{Events, TlsOptions, Ua, UaHandle, UaOptions};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(ArgsError::Usage(problem)) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Transport warnings always; the SIP ladder (info, target sansip::trace) with --trace.
    let level = if args.trace {
        tracing::Level::INFO
    } else {
        tracing::Level::WARN
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .init();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: args::Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.config)
        .map_err(|e| format!("cannot read {}: {e}", args.config.display()))?;
    let mut config = Config::from_json(&text).map_err(|e| format!("{}: {e}", args.config.display()))?;
    config.trace_sip |= args.trace;
    let mut tls = if args.insecure {
        eprintln!("warning: --insecure: server certificates are NOT verified");
        TlsOptions::dangerous_accept_any_certificate()
    } else {
        TlsOptions::new()
    };
    if let Some(ca) = &args.ca {
        tls = tls.with_ca_pem_file(ca).map_err(|e| e.to_string())?;
    }
    let timeout = args.timeout.unwrap_or(match &args.command {
        Command::Call { duration, .. } | Command::Listen { duration, .. } => {
            *duration + Duration::from_secs(30)
        }
        _ => Duration::from_secs(60),
    });
    let media = calls::media_options(&config, args.media_ip);
    let auto_register = config.register;
    let (ua, mut events) = Ua::start_with(config, UaOptions::new().tls(tls)).map_err(|e| e.to_string())?;
    let session = Softphone {
        ua: &ua,
        events: &mut events,
        attempts: args.attempts,
        auto_register,
        media,
    };
    let outcome = match tokio::time::timeout(timeout, session.run(args.command)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("timed out after {} s", timeout.as_secs())),
    };
    ua.stop().await;
    outcome
}

/// A running UA and what the command waits for.
struct Softphone<'a> {
    ua: &'a UaHandle,
    events: &'a mut Events,
    attempts: u32,
    auto_register: bool,
    media: sansip_tokio::media::AudioOptions,
}

impl Softphone<'_> {
    async fn run(mut self, command: Command) -> Result<(), String> {
        match command {
            Command::Register => {
                if !self.auto_register {
                    self.ua.register().await.map_err(|e| e.to_string())?;
                }
                self.registered().await?;
                println!("registered");
                self.ua.unregister().await.map_err(|e| e.to_string())?;
                self.wait(|e| match e {
                    Event::Unregistered { .. } => Some(Ok(())),
                    Event::RegistrationFailed { cause, .. } => {
                        Some(Err(format!("unregister failed: {cause:?}")))
                    }
                    _ => None,
                })
                .await?;
                println!("unregistered");
                Ok(())
            }
            Command::Message { target, text } => {
                self.ready().await?;
                let status = self
                    .ua
                    .send_message(&target, "text/plain", text)
                    .await
                    .map_err(|e| e.to_string())?;
                println!("{status} {}", status.canonical_reason());
                Ok(())
            }
            Command::Call {
                target,
                duration,
                play,
                dtmf,
            } => {
                self.ready().await?;
                calls::call(&mut self, &target, duration, play, dtmf).await
            }
            Command::Listen {
                answer,
                duration,
                record,
            } => {
                self.ready().await?;
                println!("listening");
                calls::listen(&mut self, answer, duration, record).await
            }
        }
    }

    /// Registered (when the configuration registers) or at least connected.
    async fn ready(&mut self) -> Result<(), String> {
        if self.auto_register {
            self.registered().await
        } else {
            self.wait(|e| matches!(e, Event::Connected { .. }).then_some(Ok(())))
                .await
        }
    }

    async fn registered(&mut self) -> Result<(), String> {
        self.wait(|e| match e {
            Event::Registered { .. } => Some(Ok(())),
            Event::RegistrationFailed { cause, status, .. } => Some(Err(match status {
                Some(status) => format!("registration failed: {status} ({cause:?})"),
                None => format!("registration failed: {cause:?}"),
            })),
            _ => None,
        })
        .await
    }

    /// Reads events until `outcome` gives one; gives up after `attempts` connection failures
    /// in a row.
    async fn wait(&mut self, outcome: impl Fn(&Event) -> Option<Result<(), String>>) -> Result<(), String> {
        while let Some(event) = self.events.next().await {
            if let Some(result) = outcome(&event) {
                return result;
            }
            self.connection_trouble(&event)?;
        }
        Err("the user agent stopped".into())
    }

    /// An error once `attempts` connection attempts in a row have failed.
    fn connection_trouble(&mut self, event: &Event) -> Result<(), String> {
        if let Event::Disconnected {
            server,
            reason: DisconnectReason::ConnectFailed,
        } = event
        {
            self.attempts = self.attempts.saturating_sub(1);
            if self.attempts == 0 {
                return Err(format!("cannot connect to {server}"));
            }
            eprintln!("cannot connect to {server}, retrying");
        }
        Ok(())
    }
}
