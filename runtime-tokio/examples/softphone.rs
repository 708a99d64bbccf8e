//! A command-line softphone on `sansip-tokio`, configured by a JsSIP configuration file (JSON).
//!
//! ```text
//! softphone --config cfg.json register                 registers, prints `registered`, unregisters
//! softphone --config cfg.json message TARGET TEXT      sends a MESSAGE; exit 0 on a 2xx
//! ```
//!
//! Options: `--trace` logs every SIP message as a ladder on stderr (`trace_sip`); `--ca FILE`
//! trusts the CA certificates in a PEM file for wss/TLS; `--insecure` turns certificate
//! verification off (lab servers only); `--attempts N` gives up after N failed connection
//! attempts (default 3); `--timeout SECS` bounds the whole command (default 60).
//!
//! Exit status: 0 on success, 1 on a failure (bad configuration, unreachable server, refused
//! registration or message), 2 on a usage error or a command not implemented yet.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use sansip_tokio::core::config::Config;
use sansip_tokio::core::transport::DisconnectReason;
use sansip_tokio::core::ua::Event;
use sansip_tokio::{Events, TlsOptions, Ua, UaHandle, UaOptions};

const USAGE: &str = "usage: softphone --config FILE [--trace] [--ca FILE] [--insecure] [--attempts N] \
[--timeout SECS] COMMAND

commands:
  register               register, print `registered`, unregister
  message TARGET TEXT    send TEXT as a text/plain MESSAGE to TARGET
  call TARGET ...        not implemented yet
  listen ...             not implemented yet";

/// What to do.
enum Command {
    Register,
    Message { target: String, text: String },
    NotImplemented(String),
}

/// The command line.
struct Args {
    config: PathBuf,
    trace: bool,
    ca: Option<PathBuf>,
    insecure: bool,
    attempts: u32,
    timeout: Duration,
    command: Command,
}

enum ArgsError {
    Help,
    Usage(String),
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, ArgsError> {
    let mut args = args.into_iter();
    let (mut config, mut trace, mut ca, mut insecure) = (None, false, None, false);
    let (mut attempts, mut timeout) = (3u32, Duration::from_secs(60));
    let (mut positional, mut unknown) = (Vec::new(), Vec::new());
    let value = |args: &mut dyn Iterator<Item = String>, name: &str| {
        args.next()
            .ok_or_else(|| ArgsError::Usage(format!("{name} needs a value")))
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
                    .ok_or_else(|| ArgsError::Usage("--attempts takes a number from 1".into()))?
            }
            "--timeout" => {
                let secs: u64 = value(&mut args, "--timeout")?
                    .parse()
                    .map_err(|_| ArgsError::Usage("--timeout takes a number of seconds".into()))?;
                timeout = Duration::from_secs(secs);
            }
            flag if flag.starts_with("--") => unknown.push(arg),
            _ => positional.push(arg),
        }
    }
    let config = config.ok_or_else(|| ArgsError::Usage("--config FILE is required".into()))?;
    let args_for = |command| Args {
        config,
        trace,
        ca,
        insecure,
        attempts,
        timeout,
        command,
    };
    let mut positional = positional.into_iter();
    let command = match positional.next().as_deref() {
        Some("register") => Command::Register,
        Some("message") => match (positional.next(), positional.next()) {
            (Some(target), Some(text)) => Command::Message { target, text },
            _ => return Err(ArgsError::Usage("message needs TARGET and TEXT".into())),
        },
        // Their own options (`--duration`, `--answer`, ...) are not checked yet either.
        Some(name @ ("call" | "listen")) => return Ok(args_for(Command::NotImplemented(name.to_owned()))),
        Some(other) => return Err(ArgsError::Usage(format!("unknown command {other}"))),
        None => return Err(ArgsError::Usage("no command given".into())),
    };
    if let Some(flag) = unknown.first() {
        return Err(ArgsError::Usage(format!("unknown option {flag}")));
    }
    if let Some(extra) = positional.next() {
        return Err(ArgsError::Usage(format!("unexpected argument {extra}")));
    }
    Ok(args_for(command))
}

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
    if let Command::NotImplemented(name) = &args.command {
        eprintln!("softphone {name}: not implemented yet");
        return ExitCode::from(2);
    }
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

async fn run(args: Args) -> Result<(), String> {
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
    let auto_register = config.register;
    let (ua, mut events) = Ua::start_with(config, UaOptions::new().tls(tls)).map_err(|e| e.to_string())?;
    let session = Session {
        ua: &ua,
        events: &mut events,
        attempts: args.attempts,
    };
    let outcome = match tokio::time::timeout(args.timeout, session.run(args.command, auto_register)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("timed out after {} s", args.timeout.as_secs())),
    };
    ua.stop().await;
    outcome
}

/// A running UA and what the command waits for.
struct Session<'a> {
    ua: &'a UaHandle,
    events: &'a mut Events,
    attempts: u32,
}

impl Session<'_> {
    async fn run(mut self, command: Command, auto_register: bool) -> Result<(), String> {
        match command {
            Command::Register => {
                if !auto_register {
                    self.ua.register().await.map_err(|e| e.to_string())?;
                }
                self.wait(|e| match e {
                    Event::Registered { .. } => Some(Ok(())),
                    Event::RegistrationFailed { cause, status, .. } => Some(Err(match status {
                        Some(status) => format!("registration failed: {status} ({cause:?})"),
                        None => format!("registration failed: {cause:?}"),
                    })),
                    _ => None,
                })
                .await?;
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
                self.wait(|e| matches!(e, Event::Connected { .. }).then_some(Ok(())))
                    .await?;
                let status = self
                    .ua
                    .send_message(&target, "text/plain", text)
                    .await
                    .map_err(|e| e.to_string())?;
                println!("{status}");
                Ok(())
            }
            Command::NotImplemented(name) => Err(format!("{name}: not implemented yet")),
        }
    }

    /// Reads events until `outcome` gives one; gives up after `attempts` connection failures
    /// in a row.
    async fn wait(&mut self, outcome: impl Fn(&Event) -> Option<Result<(), String>>) -> Result<(), String> {
        let mut failures = 0;
        while let Some(event) = self.events.next().await {
            if let Some(result) = outcome(&event) {
                return result;
            }
            match event {
                Event::Connected { .. } => failures = 0,
                Event::Disconnected {
                    server,
                    reason: DisconnectReason::ConnectFailed,
                } => {
                    failures += 1;
                    if failures >= self.attempts {
                        return Err(format!("cannot connect to {server} ({failures} attempts)"));
                    }
                    eprintln!(
                        "cannot connect to {server} (attempt {failures} of {}), retrying",
                        self.attempts
                    );
                }
                _ => {}
            }
        }
        Err("the user agent stopped".into())
    }
}
