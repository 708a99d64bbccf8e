//! The softphone's `call` and `listen`: signalling through the UA handle, audio through
//! `sansip_tokio::media::RtpAudio`, tied together by `CallMedia`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sansip_tokio::core::config::Config;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::ua::{CallOptions, Event, Originator, SessionId};
use sansip_tokio::media::{AudioOptions, AudioSource, MediaSession, MediaStats, RtpAudio};
use sansip_tokio::{CallMedia, CallMediaError};
use tokio::time::Instant;

use crate::Softphone;

/// The engine's options from the configuration (`stun_servers`) and `--media-ip`.
pub fn media_options(config: &Config, media_ip: Option<IpAddr>) -> AudioOptions {
    AudioOptions {
        bind_ip: media_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        advertised_ip: media_ip,
        stun_servers: config.stun_servers.clone(),
        ..AudioOptions::default()
    }
}

fn print_stats(stats: &MediaStats) {
    println!("rtp sent {} received {}", stats.rtp_sent, stats.rtp_received);
    if !stats.dtmf_received.is_empty() {
        println!("dtmf received {} (rfc4733)", stats.dtmf_received);
    }
}

/// `call TARGET --duration SECS [--play FILE.wav] [--dtmf DIGITS]`.
pub async fn call(
    phone: &mut Softphone<'_>,
    target: &str,
    duration: Duration,
    play: Option<PathBuf>,
    dtmf: Option<String>,
) -> Result<(), String> {
    let mut options = phone.media.clone();
    if let Some(wav) = play {
        options.source = AudioSource::Wav(wav);
    }
    let media = RtpAudio::bind(options).await.map_err(|e| e.to_string())?;
    let (session, mut call) = CallMedia::call(phone.ua, target, media, CallOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let mut hang_up_at: Option<Instant> = None;
    let mut confirmed = false;
    loop {
        let event = tokio::select! {
            event = phone.events.next() => event,
            () = sleep_until(hang_up_at) => {
                hang_up_at = None;
                session.terminate().await.map_err(|e| e.to_string())?;
                continue;
            }
        };
        let Some(event) = event else {
            return Err("the user agent stopped".into());
        };
        phone.connection_trouble(&event)?;
        let ended = call.on_event(&event).map_err(|e| e.to_string())?;
        match &event {
            Event::Progress { id, status, .. } if *id == call.id() => {
                println!("progress {status} {}", status.canonical_reason())
            }
            Event::Confirmed { id } if *id == call.id() => {
                println!("confirmed");
                confirmed = true;
                hang_up_at = Some(Instant::now() + duration);
                if let Some(digits) = &dtmf {
                    // RFC 4733 in the RTP stream when the answer has telephone-event, else INFO.
                    match call.media().send_dtmf(digits, 100) {
                        Ok(()) => println!("dtmf {digits} sent (rfc4733)"),
                        Err(_) => {
                            session.send_dtmf(digits).await.map_err(|e| e.to_string())?;
                            println!("dtmf {digits} sent (info)");
                        }
                    }
                }
            }
            Event::NewDtmf {
                id,
                tone,
                originator: Originator::Remote,
                ..
            } if *id == call.id() => println!("dtmf {tone} received (info)"),
            Event::Failed {
                id, status, cause, ..
            } if *id == call.id() => {
                return Err(match status {
                    Some(status) => format!("call failed: {status} ({cause:?})"),
                    None => format!("call failed: {cause:?}"),
                });
            }
            Event::Ended { id, originator, .. } if *id == call.id() => {
                println!("ended by {}", who(*originator));
            }
            _ => {}
        }
        if let Some(stats) = ended {
            print_stats(&stats);
            return if confirmed {
                Ok(())
            } else {
                Err("the call was never confirmed".into())
            };
        }
    }
}

/// `listen [--answer] --for SECS [--record FILE.wav]`.
pub async fn listen(
    phone: &mut Softphone<'_>,
    answer: bool,
    duration: Duration,
    record: Option<PathBuf>,
) -> Result<(), String> {
    let deadline = Instant::now() + duration;
    let mut calls: HashMap<SessionId, CallMedia<RtpAudio>> = HashMap::new();
    let mut answered = 0usize;
    loop {
        let event = tokio::select! {
            event = phone.events.next() => event,
            () = tokio::time::sleep_until(deadline) => break,
        };
        let Some(event) = event else {
            return Err("the user agent stopped".into());
        };
        phone.connection_trouble(&event)?;
        match &event {
            Event::NewMessage { from, body, .. } => {
                println!("message from {from}: {}", String::from_utf8_lossy(body));
            }
            Event::NewSession { id, from, sdp, .. } => {
                println!("incoming call from {from}");
                let session = phone.ua.session(*id);
                if !answer {
                    session
                        .reject(StatusCode::BUSY_HERE)
                        .await
                        .map_err(|e| e.to_string())?;
                    continue;
                }
                answered += 1;
                let mut options = phone.media.clone();
                options.record = record.as_deref().map(|path| numbered(path, answered));
                let media = RtpAudio::bind(options).await.map_err(|e| e.to_string())?;
                // RFC 3264 §6: answer the INVITE's offer; without one, our 2xx carries the offer.
                match CallMedia::answer(phone.ua, *id, sdp.as_deref(), media).await {
                    Ok((_, call)) => {
                        calls.insert(*id, call);
                    }
                    Err(CallMediaError::Media(problem)) => println!("refused with 488: {problem}"),
                    Err(other) => return Err(other.to_string()),
                }
            }
            Event::Confirmed { id } if calls.contains_key(id) => println!("confirmed"),
            Event::NewDtmf {
                tone,
                originator: Originator::Remote,
                ..
            } => println!("dtmf {tone} received (info)"),
            Event::Hold { originator, .. } => println!("hold by {}", who(*originator)),
            Event::Unhold { originator, .. } => println!("unhold by {}", who(*originator)),
            Event::Ended { id, originator, .. } if calls.contains_key(id) => {
                println!("ended by {}", who(*originator));
            }
            _ => {}
        }
        let mut ended = Vec::new();
        for (id, call) in calls.iter_mut() {
            if let Some(stats) = call.on_event(&event).map_err(|e| e.to_string())? {
                print_stats(&stats);
                ended.push(*id);
            }
        }
        for id in ended {
            calls.remove(&id);
        }
    }
    // Time is up: hang up what is still going (stop() would too) and report its audio.
    for (id, mut call) in calls {
        let _ = phone.ua.session(id).terminate().await;
        print_stats(&call.close());
    }
    Ok(())
}

/// `path` for the first call, `path` with `-N` before the extension for the N-th.
fn numbered(path: &Path, n: usize) -> PathBuf {
    if n <= 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

fn who(originator: Originator) -> &'static str {
    match originator {
        Originator::Local => "us",
        Originator::Remote => "peer",
        Originator::System => "the protocol",
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
