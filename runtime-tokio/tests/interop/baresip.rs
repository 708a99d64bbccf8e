//! baresip as a peer: started with the suite's config (tests/interop/baresip), registered to
//! Kamailio over UDP as carol, driven over its ctrl_tcp interface (netstring-framed JSON
//! commands, events back on the same connection).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::peers::{Peer, PeerEnv};

/// How long a command or an awaited event may take.
const WAIT: Duration = Duration::from_secs(10);

/// One ctrl_tcp event: its `type` (CALL_ESTABLISHED, CALL_DTMF_START, ...) and `param`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaresipEvent {
    pub kind: String,
    pub param: String,
}

/// A running baresip and a ctrl_tcp connection to it.
pub struct Baresip {
    peer: Peer,
    log: PathBuf,
    ctl: TcpStream,
    buffer: Vec<u8>,
    events: VecDeque<BaresipEvent>,
    seen: Vec<BaresipEvent>,
    token: u32,
}

impl Baresip {
    /// Starts baresip with the suite's config and returns once carol is registered.
    pub async fn start(env: &PeerEnv) -> Baresip {
        let dir = env.dir().join("baresip");
        std::fs::create_dir_all(&dir).unwrap();
        let fill = |name: &str| {
            let template = std::fs::read_to_string(env.baresip_templates().join(name)).unwrap();
            let text = template
                .replace("@SIP_PORT@", &env.baresip_sip_port().to_string())
                .replace("@CTRL_PORT@", &env.baresip_ctrl_port().to_string())
                .replace("@RTP_PORTS@", &env.baresip_rtp_ports())
                .replace("@KAMAILIO_PORT@", &env.sip_port().to_string());
            std::fs::write(dir.join(name), text).unwrap();
        };
        fill("config");
        fill("accounts");
        let log = env.dir().join("baresip.log");
        let child = Command::new("baresip")
            .arg("-f")
            .arg(&dir)
            .current_dir(env.dir())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start baresip");
        let peer = Peer::process("baresip", child, vec![log.clone()]);
        let address = ("127.0.0.1", env.baresip_ctrl_port());
        let started = tokio::time::Instant::now();
        let ctl = loop {
            match TcpStream::connect(address).await {
                Ok(ctl) => break ctl,
                Err(e) => {
                    if started.elapsed() > WAIT {
                        panic!("cannot reach baresip's ctrl_tcp: {e}\n{}", peer.tails());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        let mut baresip = Baresip {
            peer,
            log,
            ctl,
            buffer: Vec::new(),
            events: VecDeque::new(),
            seen: Vec::new(),
            token: 0,
        };
        // Registered once reginfo shows the binding as OK.
        loop {
            let info = baresip.command("reginfo", "").await;
            if info.contains("sip:carol@sansip.test") && info.contains("OK ") {
                break;
            }
            if started.elapsed() > WAIT {
                panic!("baresip did not register: {info}\n{}", baresip.peer.tails());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        baresip
    }

    /// Runs a menu command over ctrl_tcp and returns its response text; panics when baresip
    /// says it failed.
    pub async fn command(&mut self, command: &str, params: &str) -> String {
        self.token += 1;
        let token = format!("t{}", self.token);
        let json = format!(
            r#"{{"command":"{}","params":"{}","token":"{token}"}}"#,
            escape(command),
            escape(params)
        );
        let frame = format!("{}:{json},", json.len());
        self.ctl.write_all(frame.as_bytes()).await.unwrap();
        loop {
            let message = self.next_frame().await;
            if message.contains(r#""response":true"#) {
                if json_str(&message, "token").as_deref() != Some(token.as_str()) {
                    continue;
                }
                assert!(
                    message.contains(r#""ok":true"#),
                    "baresip refused {command} {params}: {message}"
                );
                return json_str(&message, "data").unwrap_or_default();
            }
            self.queue_event(&message);
        }
    }

    /// The next event of type `kind` (earlier events of other types are kept in `seen`).
    pub async fn event(&mut self, kind: &str) -> BaresipEvent {
        loop {
            if let Some(at) = self.events.iter().position(|e| e.kind == kind) {
                let event = self.events.remove(at).unwrap();
                return event;
            }
            let message = self.next_frame().await;
            self.queue_event(&message);
        }
    }

    fn queue_event(&mut self, message: &str) {
        if !message.contains(r#""event":true"#) {
            return;
        }
        let event = BaresipEvent {
            kind: json_str(message, "type").unwrap_or_default(),
            param: json_str(message, "param").unwrap_or_default(),
        };
        println!("baresip event: {event:?}");
        self.seen.push(event.clone());
        self.events.push_back(event);
    }

    async fn next_frame(&mut self) -> String {
        loop {
            if let Some(colon) = self.buffer.iter().position(|&b| b == b':') {
                let len: usize = std::str::from_utf8(&self.buffer[..colon])
                    .unwrap()
                    .parse()
                    .unwrap();
                if self.buffer.len() > colon + len + 1 {
                    let frame =
                        String::from_utf8_lossy(&self.buffer[colon + 1..colon + 1 + len]).into_owned();
                    self.buffer.drain(..colon + len + 2);
                    return frame;
                }
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(WAIT, self.ctl.read(&mut chunk))
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "baresip said nothing for {WAIT:?}; events so far: {:?}\n{}",
                        self.seen,
                        self.peer.tails()
                    )
                })
                .unwrap();
            assert!(n > 0, "baresip closed ctrl_tcp\n{}", self.peer.tails());
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// Quits baresip and returns the RTP packet counts it printed for each call, in order:
    /// (sent, received).
    pub async fn quit(mut self) -> Vec<(u64, u64)> {
        let _ = self.command("quit", "").await;
        let peer = std::mem::replace(&mut self.peer, Peer::none());
        peer.wait_exit().await;
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        packet_counts(&log)
    }
}

/// The `packets: <sent> <received>` lines of baresip's end-of-call statistics.
fn packet_counts(log: &str) -> Vec<(u64, u64)> {
    log.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("packets:")?;
            let mut numbers = rest.split_whitespace().map(|n| n.parse::<u64>());
            match (numbers.next(), numbers.next()) {
                (Some(Ok(sent)), Some(Ok(received))) => Some((sent, received)),
                _ => None,
            }
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The string value of `"key":"..."` in a flat JSON object, unescaped (enough for baresip's
/// messages).
fn json_str(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!(r#""{key}":""#))? + key.len() + 4;
    let mut out = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[test]
fn parses_baresip_output() {
    let msg = r#"{"response":true,"ok":true,"data":"\n> sip:a \u001B[32mOK \/x","token":"t1"}"#;
    assert_eq!(json_str(msg, "token").as_deref(), Some("t1"));
    assert_eq!(
        json_str(msg, "data").as_deref(),
        Some("\n> sip:a \u{1b}[32mOK /x")
    );
    let log = "audio           Transmit:     Receive:\npackets:            226            7\n";
    assert_eq!(packet_counts(log), vec![(226, 7)]);
}
