//! The main job, with no external server: a loopback SIP-over-WebSocket registrar/proxy
//! (`sansip_tokio::lab`, written for tests and demos) on 127.0.0.1, and two sansip UAs on real
//! sockets. Both register with digest authentication, alice sends bob a MESSAGE, calls him,
//! and they exchange a few seconds of G.711 audio over RTP both ways (with RFC 4733 DTMF);
//! alice hangs up, both unregister. It prints the SIP ladder as the lab server saw it and a
//! summary, and exits non-zero if any step did not happen.
//!
//! ```text
//! cargo run -p sansip-tokio --example demo [-- --seconds N]
//! ```

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::time::Duration;

use sansip_tokio::core::config::Config;
use sansip_tokio::core::message::StatusCode;
use sansip_tokio::core::ua::{CallOptions, Event};
use sansip_tokio::lab::{Registrar, Transport, WireEntry};
use sansip_tokio::media::{AudioOptions, AudioSource, MediaSession, MediaStats, RtpAudio};
use sansip_tokio::{CallMedia, Events, Ua, UaHandle};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const DTMF: &str = "1234";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut seconds = 3;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().and_then(|n| n.parse().ok())) {
            ("--seconds", Some(n)) if n > 0 => seconds = n,
            _ => {
                eprintln!("usage: demo [--seconds N]");
                return ExitCode::from(2);
            }
        }
    }
    match tokio::time::timeout(Duration::from_secs(seconds + 30), run(seconds)).await {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(problem)) => {
            eprintln!("demo failed: {problem}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("demo failed: timed out");
            ExitCode::FAILURE
        }
    }
}

fn config(user: &str, password: &str, server: &str) -> Result<Config, String> {
    Config::from_json(&format!(
        r#"{{"uri": "sip:{user}@sansip.test", "ws_servers": "{server}", "password": "{password}",
            "display_name": "{user}"}}"#
    ))
    .map_err(|e| e.to_string())
}

fn audio(hz: u32) -> AudioOptions {
    AudioOptions {
        bind_ip: LOOPBACK,
        advertised_ip: Some(LOOPBACK),
        source: AudioSource::Tone { hz },
        // A report a second, so a short call shows RTCP both ways.
        rtcp_interval: Duration::from_secs(1),
        ..AudioOptions::default()
    }
}

/// Events of `events` until `wanted` picks one; a registration failure ends the demo.
async fn until<T>(
    who: &str,
    events: &mut Events,
    mut wanted: impl FnMut(&Event) -> Option<T>,
) -> Result<T, String> {
    while let Some(event) = events.next().await {
        if let Some(found) = wanted(&event) {
            return Ok(found);
        }
        if let Event::RegistrationFailed { cause, status, .. } = &event {
            return Err(format!("{who}: registration failed: {status:?} ({cause:?})"));
        }
    }
    Err(format!("{who}: the user agent stopped"))
}

async fn run(seconds: u64) -> Result<(), String> {
    println!("sansip demo: a loopback SIP-over-WebSocket registrar/proxy (the lab server, written");
    println!("for tests and demos), two UAs, a MESSAGE, and a {seconds}-second call with RTP audio.\n");
    let lab = Registrar::start(Transport::Ws, &[("alice", "alice-secret"), ("bob", "bob-secret")])
        .await
        .map_err(|e| format!("lab server: {e}"))?;
    let server = lab.server_uri(Transport::Ws);
    println!("lab server listening on {server}");
    let (alice, mut alice_events) =
        Ua::start(config("alice", "alice-secret", &server)?).map_err(|e| e.to_string())?;
    let (bob, mut bob_events) =
        Ua::start(config("bob", "bob-secret", &server)?).map_err(|e| e.to_string())?;

    let registered = |e: &Event| matches!(e, Event::Registered { .. }).then_some(());
    until("alice", &mut alice_events, registered).await?;
    until("bob", &mut bob_events, registered).await?;
    println!("alice and bob registered (digest)");

    let text = "Hello Bob, calling you now";
    let status = alice
        .send_message("bob", "text/plain", text)
        .await
        .map_err(|e| format!("MESSAGE: {e}"))?;
    let got = until("bob", &mut bob_events, |e| match e {
        Event::NewMessage { body, .. } => Some(String::from_utf8_lossy(body).into_owned()),
        _ => None,
    })
    .await?;
    println!("alice -> bob MESSAGE: {status}; bob read {got:?}");
    if status != StatusCode::OK || got != text {
        return Err("the MESSAGE did not arrive intact".into());
    }

    let (caller, callee) = tokio::join!(
        alice_calls(&alice, &mut alice_events, seconds),
        bob_answers(&bob, &mut bob_events)
    );
    let (caller, callee) = (caller?, callee?);

    tokio::join!(alice.stop(), bob.stop());
    let unregistered = lab.seen(|seen| seen.bindings.is_empty());

    println!("\nThe SIP ladder, as the lab server saw it:\n");
    print!("{}", lab.seen(|seen| ladder(&seen.wire, &seen.user_conns)));

    println!("\nSummary");
    println!("  registered       alice, bob (401 challenge, then 200 with digest)");
    println!("  MESSAGE          alice -> bob: {status}, delivered");
    println!("  call             alice -> bob: confirmed, {seconds} s, hung up by alice");
    for (name, stats) in [("alice", &caller), ("bob", &callee)] {
        println!(
            "  rtp {name:<6}       sent {} received {} ({}), rtcp sent {} received {}",
            stats.rtp_sent,
            stats.rtp_received,
            stats.codec.map(|c| c.name()).unwrap_or("no codec"),
            stats.rtcp_sent,
            stats.rtcp_received
        );
    }
    println!(
        "  dtmf             alice sent {:?}, bob received {:?} (RFC 4733)",
        caller.dtmf_sent, callee.dtmf_received
    );
    println!(
        "  unregistered     {}",
        if unregistered { "alice, bob" } else { "NO" }
    );

    // 20 ms packets: seconds × 50 each way; allow for the start and the end of the call.
    let expected = seconds * 50 / 2;
    if caller.rtp_received < expected || callee.rtp_received < expected {
        return Err(format!(
            "too little audio: each side should receive at least {expected} packets"
        ));
    }
    if caller.rtcp_received == 0 || callee.rtcp_received == 0 {
        return Err("no RTCP report arrived".into());
    }
    if callee.dtmf_received != DTMF || !unregistered {
        return Err("DTMF or unregistration missing".into());
    }
    println!("\nall steps done");
    Ok(())
}

/// alice: call bob, talk for `seconds` (sending DTMF after one), hang up.
async fn alice_calls(alice: &UaHandle, events: &mut Events, seconds: u64) -> Result<MediaStats, String> {
    let media = RtpAudio::bind(audio(440)).await.map_err(|e| e.to_string())?;
    let (session, mut call) = CallMedia::call(alice, "bob", media, CallOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    until("alice", events, |e| {
        call.on_event(e).ok();
        matches!(e, Event::Confirmed { .. }).then_some(())
    })
    .await?;
    println!("call confirmed: alice sends a 440 Hz tone, bob a 660 Hz tone (PCMU)");
    let talk = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        call.media().send_dtmf(DTMF, 100).map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_secs(seconds.saturating_sub(1))).await;
        session.terminate().await.map_err(|e| e.to_string())
    };
    talk.await?;
    let stats = until("alice", events, |e| call.on_event(e).ok().flatten()).await?;
    Ok(stats)
}

/// bob: answer the first call, keep it until it ends.
async fn bob_answers(bob: &UaHandle, events: &mut Events) -> Result<MediaStats, String> {
    let (id, offer) = until("bob", events, |e| match e {
        Event::NewSession { id, sdp, .. } => Some((*id, sdp.clone())),
        _ => None,
    })
    .await?;
    let media = RtpAudio::bind(audio(660)).await.map_err(|e| e.to_string())?;
    let (_, mut call) = CallMedia::answer(bob, id, offer.as_deref(), media)
        .await
        .map_err(|e| e.to_string())?;
    until("bob", events, |e| call.on_event(e).ok().flatten()).await
}

/// A three-column ladder (alice, lab, bob) of the lab server's wire log.
fn ladder(wire: &[WireEntry], user_conns: &std::collections::HashMap<String, usize>) -> String {
    const INDENT: usize = 8;
    const SPAN: usize = 29;
    let mut out = format!("{:>10}{:>30}{:>30}\n", "alice", "lab", "bob");
    let user_of = |conn: usize| {
        user_conns
            .iter()
            .find(|(_, c)| **c == conn)
            .map(|(u, _)| u.as_str())
    };
    let idle = " ".repeat(SPAN);
    for entry in wire {
        let text = format!(" {} ", label(&entry.first_line));
        let arrow = |rightwards: bool| -> String {
            let body = if rightwards {
                format!("{:-<w$}>", format!("-{text}"), w = SPAN - 1)
            } else {
                format!("<{:->w$}", format!("{text}-"), w = SPAN - 1)
            };
            body.chars().take(SPAN).collect()
        };
        // alice is left of the lab server, bob right of it.
        let (left, right) = match (user_of(entry.conn), entry.inbound) {
            (Some("alice"), inbound) => (arrow(inbound), idle.clone()),
            (Some("bob"), inbound) => (idle.clone(), arrow(!inbound)),
            _ => continue,
        };
        out.push_str(&format!("{}|{left}|{right}|\n", " ".repeat(INDENT)));
    }
    out
}

/// `INVITE` for a request, `200 OK` for a response.
fn label(first_line: &str) -> String {
    match first_line.strip_prefix("SIP/2.0 ") {
        Some(status) => status.to_string(),
        None => first_line.split(' ').next().unwrap_or_default().to_string(),
    }
}
