//! What the interop tests share: where the peers are (from the environment
//! `tests/interop/run` sets), sansip UAs configured for them, sipp processes.

use std::future::Future;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip_tokio::core::config::Config;
use sansip_tokio::core::ua::CallOptions;
use sansip_tokio::{Events, Session, TlsOptions, Ua, UaHandle, UaOptions};

use crate::events::{registered, until};

/// The transports Kamailio listens on: the same five the lab server offers.
pub use sansip_tokio::lab::Transport;

/// The SIP domain Kamailio serves (a config `alias`).
pub const DOMAIN: &str = "sansip.test";

/// The registration lifetime sansip asks for (JsSIP's default `register_expires`), which
/// Kamailio grants as it is.
pub const EXPIRES: u32 = 600;

/// How long one test may take.
const TEST_LIMIT: Duration = Duration::from_secs(60);

/// How long a sipp scenario may take.
const SIPP_LIMIT: Duration = Duration::from_secs(20);

/// Where the peers are.
#[derive(Debug)]
pub struct PeerEnv {
    sip_port: u16,
    tls_port: u16,
    ws_port: u16,
    wss_port: u16,
    sipp_uas_port: u16,
    ca: PathBuf,
    scenarios: PathBuf,
    baresip: PathBuf,
    baresip_port: u16,
    dir: PathBuf,
    restart: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("SANSIP_INTEROP=1 but {name} is not set"))
}

fn port(name: &str) -> u16 {
    var(name)
        .parse()
        .unwrap_or_else(|e| panic!("{name}: not a port: {e}"))
}

/// The peers' whereabouts, or `None` (with the reason printed) when the suite is not running
/// under `tests/interop/run`.
pub fn peer_env(test: &str) -> Option<PeerEnv> {
    if std::env::var("SANSIP_INTEROP").as_deref() != Ok("1") {
        println!(
            "skip: {test}: SANSIP_INTEROP is not 1 (tests/interop/run installs the peers, \
             starts Kamailio and sets it)"
        );
        return None;
    }
    Some(PeerEnv {
        sip_port: port("SANSIP_INTEROP_SIP_PORT"),
        tls_port: port("SANSIP_INTEROP_TLS_PORT"),
        ws_port: port("SANSIP_INTEROP_WS_PORT"),
        wss_port: port("SANSIP_INTEROP_WSS_PORT"),
        sipp_uas_port: port("SANSIP_INTEROP_SIPP_UAS_PORT"),
        ca: var("SANSIP_INTEROP_CA").into(),
        scenarios: var("SANSIP_INTEROP_SCENARIOS").into(),
        baresip: var("SANSIP_INTEROP_BARESIP").into(),
        baresip_port: port("SANSIP_INTEROP_BARESIP_PORT"),
        dir: var("SANSIP_INTEROP_DIR").into(),
        restart: var("SANSIP_INTEROP_RESTART"),
    })
}

impl PeerEnv {
    /// Kamailio's address on `transport`, as a `ws_servers` entry.
    pub fn server(&self, transport: Transport) -> String {
        match transport {
            Transport::Ws => format!("ws://127.0.0.1:{}", self.ws_port),
            Transport::Wss => format!("wss://127.0.0.1:{}", self.wss_port),
            Transport::Udp => format!("sip:127.0.0.1:{};transport=udp", self.sip_port),
            Transport::Tcp => format!("sip:127.0.0.1:{};transport=tcp", self.sip_port),
            Transport::Tls => format!("sip:127.0.0.1:{};transport=tls", self.tls_port),
        }
    }

    /// Kamailio's UDP and TCP port.
    pub fn sip_port(&self) -> u16 {
        self.sip_port
    }

    /// The run's work directory: peers' configurations and logs go there.
    pub fn dir(&self) -> &PathBuf {
        &self.dir
    }

    /// Where baresip's config and accounts templates are.
    pub fn baresip_templates(&self) -> &PathBuf {
        &self.baresip
    }

    /// baresip's SIP port (UDP).
    pub fn baresip_sip_port(&self) -> u16 {
        self.baresip_port
    }

    /// baresip's ctrl_tcp port (its SIP port + 1 is its TLS port).
    pub fn baresip_ctrl_port(&self) -> u16 {
        self.baresip_port + 5
    }

    /// baresip's RTP port range: the 100 ports after its SIP port, plus 10.
    pub fn baresip_rtp_ports(&self) -> String {
        format!("{}-{}", self.baresip_port + 10, self.baresip_port + 109)
    }

    /// Runs `test` with a time limit.
    pub async fn guard<T>(&self, test: impl Future<Output = T>) -> T {
        tokio::time::timeout(TEST_LIMIT, test)
            .await
            .expect("test timed out")
    }

    /// Restarts Kamailio (stop, start, wait until it listens) and returns once it is back.
    pub async fn restart_kamailio(&self) {
        let command = self.restart.clone();
        let status = tokio::task::spawn_blocking(move || {
            Command::new("sh")
                .arg("-c")
                .arg(&command)
                .status()
                .unwrap_or_else(|e| panic!("{command}: {e}"))
        })
        .await
        .unwrap();
        assert!(status.success(), "restarting kamailio: {status}");
    }
}

/// Starts a UA for `user`@sansip.test on Kamailio's `transport`, trusting the run's CA;
/// `extra` is more JSON members (starting with a comma). SIP traces are printed, so a failing
/// test shows its ladder.
pub fn start_ua(
    env: &PeerEnv,
    user: &str,
    password: &str,
    transport: Transport,
    extra: &str,
) -> (UaHandle, Events) {
    let server = env.server(transport);
    let config = Config::from_json(&format!(
        r#"{{"uri": "sip:{user}@{DOMAIN}", "ws_servers": "{server}", "password": "{password}",
            "trace_sip": true{extra}}}"#
    ))
    .unwrap();
    let tls = TlsOptions::new().with_ca_pem_file(&env.ca).unwrap();
    Ua::start_with(config, UaOptions::new().tls(tls)).unwrap()
}

/// Starts a UA for `user` with the password Kamailio has for them (`<user>-secret`) and
/// returns once it is registered.
pub async fn registered_ua(
    env: &PeerEnv,
    user: &str,
    transport: Transport,
    extra: &str,
) -> (UaHandle, Events) {
    let (ua, mut events) = start_ua(env, user, &format!("{user}-secret"), transport, extra);
    until(&mut events, registered).await;
    (ua, events)
}

/// alice on WebSocket and bob on UDP, both registered (at the same time).
pub async fn alice_on_ws_and_bob_on_udp(env: &PeerEnv) -> ((UaHandle, Events), (UaHandle, Events)) {
    tokio::join!(
        registered_ua(env, "alice", Transport::Ws, ""),
        registered_ua(env, "bob", Transport::Udp, "")
    )
}

/// Calls `target` with `sdp` as the offer.
pub async fn call(ua: &UaHandle, target: &str, sdp: impl Into<Bytes>) -> Session {
    let options = CallOptions {
        sdp: sdp.into(),
        ..CallOptions::default()
    };
    ua.call(target, options).await.unwrap()
}

/// An SDP offer or answer for PCMU audio on 127.0.0.1:`port` (signalling-only calls).
pub fn call_sdp(user: &str, port: u16) -> String {
    format!(
        "v=0\r\no={user} 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
    )
}

/// A third-party process of one scenario, killed when dropped.
pub struct Peer {
    name: String,
    child: Option<Child>,
    logs: Vec<PathBuf>,
}

impl Peer {
    fn sipp(env: &PeerEnv, scenario: &str, args: &[String]) -> Peer {
        let stem = format!("sipp-{}", scenario.trim_end_matches(".xml"));
        let log = |ext: &str| env.dir.join(format!("{stem}.{ext}"));
        let (messages, errors, screen) = (log("messages"), log("errors"), log("out"));
        let child = Command::new("sipp")
            .arg("-sf")
            .arg(env.scenarios.join(scenario))
            .args(["-i", "127.0.0.1", "-t", "u1", "-m", "1", "-nostdin"])
            .args([
                "-timeout",
                &format!("{}s", SIPP_LIMIT.as_secs()),
                "-timeout_error",
            ])
            .arg("-trace_msg")
            .arg("-message_file")
            .arg(&messages)
            .arg("-trace_err")
            .arg("-error_file")
            .arg(&errors)
            .args(args)
            .current_dir(&env.dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&screen).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start sipp");
        Peer::process(&stem, child, vec![messages, errors, screen])
    }

    /// A process whose `logs` are shown when it fails.
    pub fn process(name: &str, child: Child, logs: Vec<PathBuf>) -> Peer {
        Peer {
            name: name.to_owned(),
            child: Some(child),
            logs,
        }
    }

    /// No process (what is left after [`Peer::wait_exit`] took it).
    pub fn none() -> Peer {
        Peer {
            name: String::new(),
            child: None,
            logs: Vec::new(),
        }
    }

    /// A sipp UAS on the port Kamailio routes user "sipp" to, running `scenario` once; returns
    /// once it listens.
    pub fn sipp_uas(env: &PeerEnv, scenario: &str) -> Peer {
        let port = env.sipp_uas_port;
        let peer = Peer::sipp(env, scenario, &["-p".into(), port.to_string()]);
        let deadline = Instant::now() + Duration::from_secs(5);
        // Listening once the port is taken.
        while UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            assert!(Instant::now() < deadline, "sipp did not bind udp port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        peer
    }

    /// A sipp UAC running `scenario` once through Kamailio, `[service]` being `user`.
    pub fn sipp_uac(env: &PeerEnv, scenario: &str, user: &str) -> Peer {
        let remote = format!("127.0.0.1:{}", env.sip_port);
        Peer::sipp(env, scenario, &[remote, "-s".into(), user.into()])
    }

    /// Waits for the process to end and wants it to succeed (sipp: every call passed its
    /// scenario), else panics with its logs.
    pub async fn wait_success(self) {
        self.wait(SIPP_LIMIT + Duration::from_secs(5), true).await;
    }

    /// Waits for the process to end (within 10 s), whatever its status.
    pub async fn wait_exit(self) {
        self.wait(Duration::from_secs(10), false).await;
    }

    async fn wait(mut self, limit: Duration, want_success: bool) {
        let mut child = self.child.take().unwrap();
        let (child, status) = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + limit;
            loop {
                if let Some(status) = child.try_wait().unwrap() {
                    return (child, Some(status));
                }
                if Instant::now() > deadline {
                    return (child, None);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
        .await
        .unwrap();
        if status.is_some_and(|s| s.success() || !want_success) {
            return;
        }
        self.child = Some(child);
        panic!(
            "{} did not succeed ({status:?}); its logs:\n{}",
            self.name,
            self.tails()
        );
    }

    /// The last lines of the process's logs.
    pub fn tails(&self) -> String {
        let mut text = String::new();
        for log in &self.logs {
            let content = std::fs::read_to_string(log).unwrap_or_default();
            let lines: Vec<&str> = content.lines().collect();
            let tail = lines[lines.len().saturating_sub(80)..].join("\n");
            text.push_str(&format!("--- {}\n{tail}\n", log.display()));
        }
        text
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
