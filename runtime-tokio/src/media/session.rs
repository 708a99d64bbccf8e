//! [`RtpAudio`]: the sockets and the task around an [`Engine`], and the [`MediaSession`]
//! methods a call uses.
//!
//! The task owns the socket reads and the frame and report timers; the engine state sits
//! behind a mutex shared with the handle, because the trait's methods are synchronous
//! (`stats()` and `close()` answer at once). The lock is never held across an `.await`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::rngs::{StdRng, SysRng};
use rand::{RngExt, SeedableRng};
use sansip_core::sdp::{Direction, Sdp};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::engine::{Datagram, Engine, Source, StreamIds};
use super::negotiation::{self, LocalDescription};
use super::tone::ToneGenerator;
use super::wav::{read_samples, WavPlayer, WavRecorder};
use super::{stun, AudioOptions, AudioSource, MediaError, MediaSession, MediaStats};

/// Plain RTP audio over UDP: G.711 and RFC 4733 DTMF, RTCP, symmetric RTP, STUN. See the
/// [module docs](super).
///
/// Dropping it stops the task like [`MediaSession::close`], without the RTCP BYE.
#[derive(Debug)]
pub struct RtpAudio {
    engine: Arc<Mutex<Engine>>,
    rtp: Arc<UdpSocket>,
    rtcp: Arc<UdpSocket>,
    local_rtp: SocketAddr,
    local_rtcp: SocketAddr,
    description: LocalDescription,
    /// The last description we wrote, to bump `o=` only when something changed (RFC 3264 §8).
    last_description: Option<Bytes>,
    stun_mapped: Option<SocketAddr>,
    local_hold: bool,
    task: Option<JoinHandle<()>>,
    final_stats: Option<MediaStats>,
}

fn lock(engine: &Mutex<Engine>) -> MutexGuard<'_, Engine> {
    // A panic elsewhere while holding the lock leaves counters, not broken invariants.
    engine.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Binds the RTP socket and the RTCP socket, on an even port and the next one when the
/// system gives us such a pair (RFC 3550 §11), else on any two ports.
async fn bind_pair(ip: IpAddr) -> Result<(UdpSocket, UdpSocket), MediaError> {
    for _ in 0..16 {
        let rtp = UdpSocket::bind(SocketAddr::new(ip, 0))
            .await
            .map_err(|e| MediaError::io("binding the rtp socket", e))?;
        let port = rtp
            .local_addr()
            .map_err(|e| MediaError::io("reading the rtp socket address", e))?
            .port();
        if port % 2 != 0 || port == u16::MAX {
            continue;
        }
        if let Ok(rtcp) = UdpSocket::bind(SocketAddr::new(ip, port + 1)).await {
            return Ok((rtp, rtcp));
        }
    }
    let rtp = UdpSocket::bind(SocketAddr::new(ip, 0))
        .await
        .map_err(|e| MediaError::io("binding the rtp socket", e))?;
    let rtcp = UdpSocket::bind(SocketAddr::new(ip, 0))
        .await
        .map_err(|e| MediaError::io("binding the rtcp socket", e))?;
    Ok((rtp, rtcp))
}

/// The local address the routing table would send from: a UDP `connect` picks it without
/// sending anything. Documentation addresses (RFC 5737, RFC 3849) stand for "the internet".
fn routed_local_ip(v6: bool) -> Option<IpAddr> {
    let (bind, target): (IpAddr, SocketAddr) = if v6 {
        (
            Ipv6Addr::UNSPECIFIED.into(),
            SocketAddr::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).into(), 9),
        )
    } else {
        (
            Ipv4Addr::UNSPECIFIED.into(),
            SocketAddr::new(Ipv4Addr::new(192, 0, 2, 1).into(), 9),
        )
    };
    let socket = std::net::UdpSocket::bind(SocketAddr::new(bind, 0)).ok()?;
    socket.connect(target).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

fn check_options(options: &AudioOptions) -> Result<(), MediaError> {
    if options.codecs.is_empty() {
        return Err(MediaError::Options("codecs is empty".into()));
    }
    if !(10..=120).contains(&options.ptime_ms) || options.ptime_ms % 10 != 0 {
        return Err(MediaError::Options(format!(
            "ptime_ms must be 10 to 120 in steps of 10, is {}",
            options.ptime_ms
        )));
    }
    // RFC 3551 §3: dynamic payload types are 96–127.
    if !(96..=127).contains(&options.telephone_event_payload_type) {
        return Err(MediaError::Options(format!(
            "telephone_event_payload_type must be 96 to 127, is {}",
            options.telephone_event_payload_type
        )));
    }
    if options.rtcp_interval < Duration::from_millis(10) {
        return Err(MediaError::Options("rtcp_interval must be at least 10 ms".into()));
    }
    if let AudioSource::Tone { hz } = options.source {
        if hz == 0 || hz >= 4000 {
            return Err(MediaError::Options(format!(
                "a tone must be 1 to 3999 Hz at 8 kHz, is {hz}"
            )));
        }
    }
    Ok(())
}

impl RtpAudio {
    /// Binds the sockets, learns the public address by STUN when configured, opens the WAV
    /// files, and starts the media task (which sends nothing until a remote description is
    /// known). Must be called inside a tokio runtime.
    pub async fn bind(options: AudioOptions) -> Result<RtpAudio, MediaError> {
        check_options(&options)?;
        let source = match &options.source {
            AudioSource::Silence => Source::Silence,
            AudioSource::Tone { hz } => Source::Tone(ToneGenerator::new(*hz)),
            AudioSource::Wav(path) => Source::Wav(WavPlayer::new(read_samples(path)?)),
        };
        let recorder = options.record.as_deref().map(WavRecorder::create).transpose()?;
        let mut rng = StdRng::try_from_rng(&mut SysRng).unwrap_or_else(|_| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            StdRng::seed_from_u64(nanos as u64 ^ u64::from(std::process::id()))
        });

        let (rtp, rtcp) = bind_pair(options.bind_ip).await?;
        let local_rtp = rtp
            .local_addr()
            .map_err(|e| MediaError::io("reading the rtp socket address", e))?;
        let local_rtcp = rtcp
            .local_addr()
            .map_err(|e| MediaError::io("reading the rtcp socket address", e))?;

        // RFC 5389 §7: a Binding from the media sockets themselves, so the mapping is theirs.
        let mut stun_mapped = None;
        let mut stun_rtcp = None;
        if options.advertised_ip.is_none() && !options.stun_servers.is_empty() {
            stun_mapped = stun::discover(&rtp, &options.stun_servers, || rng.random()).await?;
            if stun_mapped.is_some() {
                stun_rtcp = stun::discover(&rtcp, &options.stun_servers, || rng.random()).await?;
            }
        }
        let address = options
            .advertised_ip
            .or(stun_mapped.map(|a| a.ip()))
            .or((!options.bind_ip.is_unspecified()).then_some(options.bind_ip))
            .or_else(|| routed_local_ip(options.bind_ip.is_ipv6()))
            .unwrap_or(if options.bind_ip.is_ipv6() {
                Ipv6Addr::LOCALHOST.into()
            } else {
                Ipv4Addr::LOCALHOST.into()
            });
        let rtp_port = stun_mapped.map_or(local_rtp.port(), |a| a.port());
        let rtcp_port = match (stun_mapped, stun_rtcp) {
            (Some(_), Some(r)) => r.port(),
            // Mapped RTP but no mapping for RTCP: guess the NAT kept the pair together.
            (Some(m), None) => m.port().wrapping_add(1),
            _ => local_rtcp.port(),
        };

        let description = LocalDescription {
            session_id: rng.random::<u32>().into(),
            session_version: rng.random::<u16>().into(),
            address,
            rtp_port,
            rtcp_port,
            rtcp_mux: options.rtcp_mux,
            codecs: options.codecs.clone(),
            telephone_event: options.telephone_event_payload_type,
            ptime: options.ptime_ms,
            direction: Direction::SendRecv,
        };
        let ids = StreamIds {
            ssrc: rng.random(),
            sequence: rng.random(),
            timestamp: rng.random(),
        };
        // RFC 7022 §4.2: a random CNAME per session.
        let cname = format!("{:016x}@sansip", rng.random::<u64>());
        let engine = Arc::new(Mutex::new(Engine::new(
            ids,
            options.ptime_ms,
            source,
            recorder,
            cname,
            options.telephone_event_payload_type,
            Instant::now(),
        )));
        let rtp = Arc::new(rtp);
        let rtcp = Arc::new(rtcp);
        let task = tokio::spawn(run(
            engine.clone(),
            rtp.clone(),
            rtcp.clone(),
            options.rtcp_interval,
        ));
        tracing::debug!(%local_rtp, %local_rtcp, %address, rtp_port, "rtp audio bound");
        Ok(RtpAudio {
            engine,
            rtp,
            rtcp,
            local_rtp,
            local_rtcp,
            description,
            last_description: None,
            stun_mapped,
            local_hold: false,
            task: Some(task),
            final_stats: None,
        })
    }

    /// The address the RTP socket is bound to.
    pub fn local_rtp_addr(&self) -> SocketAddr {
        self.local_rtp
    }

    /// The address the RTCP socket is bound to (unused once rtcp-mux is agreed).
    pub fn local_rtcp_addr(&self) -> SocketAddr {
        self.local_rtcp
    }

    /// The RTP address our descriptions advertise (`c=` and the `m=` port).
    pub fn advertised_rtp_addr(&self) -> SocketAddr {
        SocketAddr::new(self.description.address, self.description.rtp_port)
    }

    /// The public address STUN reported for the RTP socket, if STUN was used and answered.
    pub fn stun_mapped_addr(&self) -> Option<SocketAddr> {
        self.stun_mapped
    }

    fn check_open(&self) -> Result<(), MediaError> {
        if self.final_stats.is_some() {
            return Err(MediaError::Closed);
        }
        Ok(())
    }

    /// Writes a description with `make`; `o=` keeps its version when nothing else changed and
    /// is one up otherwise (RFC 3264 §8).
    fn describe<T>(
        &mut self,
        make: impl Fn(&LocalDescription) -> Result<(Sdp, T), MediaError>,
    ) -> Result<(Bytes, T), MediaError> {
        self.description.direction = if self.local_hold {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        let (mut sdp, mut extra) = make(&self.description)?;
        if let Some(last) = &self.last_description {
            if sdp.to_bytes() != *last {
                self.description.session_version += 1;
                (sdp, extra) = make(&self.description)?;
            }
        }
        let bytes = sdp.to_bytes();
        self.last_description = Some(bytes.clone());
        Ok((bytes, extra))
    }
}

/// How often the media task asks the engine for due frames: the smallest packet duration we
/// send, so a ptime the peer asks for later (10 to 120 ms in steps of 10) needs no new timer.
const FRAME_TICK: Duration = Duration::from_millis(10);

/// The media task: reads both sockets, sends each frame when due and a report every interval.
async fn run(engine: Arc<Mutex<Engine>>, rtp: Arc<UdpSocket>, rtcp: Arc<UdpSocket>, rtcp_interval: Duration) {
    let mut frames = tokio::time::interval(FRAME_TICK);
    frames.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut reports = tokio::time::interval_at(tokio::time::Instant::now() + rtcp_interval, rtcp_interval);
    reports.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut rtp_buf = vec![0u8; 2048];
    let mut rtcp_buf = vec![0u8; 2048];
    loop {
        let out: Vec<Datagram> = tokio::select! {
            received = rtp.recv_from(&mut rtp_buf) => {
                match received {
                    Ok((n, from)) => {
                        let data = rtp_buf.get(..n).unwrap_or_default();
                        lock(&engine).on_rtp_socket(data, from, Instant::now());
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "rtp socket receive error");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                Vec::new()
            }
            received = rtcp.recv_from(&mut rtcp_buf) => {
                match received {
                    Ok((n, from)) => {
                        let data = rtcp_buf.get(..n).unwrap_or_default();
                        lock(&engine).on_rtcp(data, from, Instant::now(), true);
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "rtcp socket receive error");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                Vec::new()
            }
            _ = frames.tick() => lock(&engine).frames(Instant::now()),
            _ = reports.tick() => lock(&engine).report(Instant::now()).into_iter().collect(),
        };
        for datagram in out {
            let socket = if datagram.from_rtcp_socket { &rtcp } else { &rtp };
            if let Err(e) = socket.send_to(&datagram.data, datagram.to).await {
                tracing::debug!(error = %e, to = %datagram.to, "media send error");
            }
        }
        if lock(&engine).is_closed() {
            return;
        }
    }
}

impl MediaSession for RtpAudio {
    fn local_offer(&mut self) -> Result<Bytes, MediaError> {
        self.check_open()?;
        let (bytes, ()) = self.describe(|local| Ok((negotiation::offer(local)?, ())))?;
        Ok(bytes)
    }

    fn answer_offer(&mut self, offer: &[u8]) -> Result<Bytes, MediaError> {
        self.check_open()?;
        let offer = negotiation::parse(offer)?;
        let (bytes, agreed) = self.describe(|local| negotiation::answer(&offer, local))?;
        lock(&self.engine).apply(agreed);
        Ok(bytes)
    }

    fn apply_remote(&mut self, sdp: &[u8]) -> Result<(), MediaError> {
        self.check_open()?;
        let sdp = negotiation::parse(sdp)?;
        let agreed = match negotiation::remote(&sdp, &self.description) {
            Ok(agreed) => agreed,
            // RFC 3264 §8.2: a stream set to port 0 is removed; stop sending, keep the call.
            Err(MediaError::NoAudioStream) if negotiation::audio_removed(&sdp) => {
                lock(&self.engine).remove_stream();
                return Ok(());
            }
            Err(refused) => return Err(refused),
        };
        lock(&self.engine).apply(agreed);
        Ok(())
    }

    fn set_local_hold(&mut self, on: bool) {
        self.local_hold = on;
        lock(&self.engine).set_local_hold(on);
    }

    fn send_dtmf(&mut self, digits: &str, duration_ms: u32) -> Result<(), MediaError> {
        self.check_open()?;
        lock(&self.engine).send_dtmf(digits, duration_ms)
    }

    fn stats(&self) -> MediaStats {
        match &self.final_stats {
            Some(stats) => stats.clone(),
            None => lock(&self.engine).stats(),
        }
    }

    fn close(&mut self) -> MediaStats {
        if let Some(stats) = &self.final_stats {
            return stats.clone();
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let (bye, stats) = {
            let mut engine = lock(&self.engine);
            let bye = engine.bye(Instant::now());
            if let Err(e) = engine.finish_recording() {
                tracing::warn!(error = %e, "recording not finalised");
            }
            (bye, engine.stats())
        };
        if let Some(Datagram {
            data,
            to,
            from_rtcp_socket,
        }) = bye
        {
            let socket = if from_rtcp_socket { &self.rtcp } else { &self.rtp };
            // Synchronous: the socket is non-blocking and a BYE fits any send buffer.
            if let Err(e) = socket.try_send_to(&data, to) {
                tracing::debug!(error = %e, "rtcp bye not sent");
            }
        }
        self.final_stats = Some(stats.clone());
        stats
    }
}

impl Drop for RtpAudio {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
