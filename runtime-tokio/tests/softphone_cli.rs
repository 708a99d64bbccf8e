//! The softphone example end to end: its binary (built by `cargo test` with the other
//! examples) against the lab registrar, checking its output lines and exit status.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use sansip_tokio::lab::{Registrar, Transport};
use tokio::process::Command;

/// `target/<profile>/examples/softphone`, next to this test's `deps/` directory (`cargo test`
/// builds the examples before it runs the tests).
fn softphone() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let path = profile_dir
        .join("examples")
        .join(format!("softphone{}", std::env::consts::EXE_SUFFIX));
    path.exists().then_some(path)
}

/// A configuration file for `user` on `server`, in a fresh temporary directory.
fn config_file(name: &str, user: &str, password: &str, server: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sansip-softphone-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{user}.json"));
    std::fs::write(
        &path,
        format!(
            r#"{{"uri": "sip:{user}@sansip.test", "ws_servers": "{server}", "password": "{password}",
                "connection_recovery_min_interval": 1, "connection_recovery_max_interval": 1}}"#
        ),
    )
    .unwrap();
    path
}

async fn run(args: &[&str]) -> Output {
    let Some(bin) = softphone() else {
        panic!("the softphone example is not built; run this through `cargo test`");
    };
    let run = Command::new(bin).args(args).kill_on_drop(true).output();
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("softphone timed out")
        .unwrap()
}

fn stdout(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn usage_mistakes_are_named_with_exit_status_2() {
    let cases: [(&str, &str); 9] = [
        ("--config c.json call bob", "call needs --duration SECS"),
        ("--config c.json listen --answer", "listen needs --for SECS"),
        (
            "--config c.json call bob --duration 1 --record x.wav",
            "--record does not apply to call",
        ),
        (
            "--config c.json listen --for 1 --dtmf 1",
            "--dtmf does not apply to listen",
        ),
        (
            "--config c.json register --dtmf 1",
            "--dtmf does not apply to register",
        ),
        (
            "--config c.json call bob --duration 1 --dtmf 1x",
            "--dtmf takes digits 0-9, *, # and A-D",
        ),
        (
            "--config c.json --media-ip nope register",
            "--media-ip takes an IP address",
        ),
        ("register", "--config FILE is required"),
        ("--config c.json dance", "unknown command dance"),
    ];
    for (line, problem) in cases {
        let out = run(&line.split(' ').collect::<Vec<_>>()).await;
        assert_eq!(out.status.code(), Some(2), "{line}");
        assert_eq!(
            stderr(&out).lines().next(),
            Some(format!("error: {problem}").as_str()),
            "{line}"
        );
    }
    let out = run(&["--help"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: softphone --config FILE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_then_wrong_password_then_unreachable() {
    let reg = Registrar::start(Transport::Ws, &[("alice", "secret")])
        .await
        .unwrap();
    let server = reg.server_uri(Transport::Ws);
    let good = config_file("reg", "alice", "secret", &server);
    let out = run(&["--config", good.to_str().unwrap(), "register"]).await;
    assert_eq!(stdout(&out), ["registered", "unregistered"], "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));

    let bad = config_file("bad", "alice", "wrong", &server);
    let out = run(&["--config", bad.to_str().unwrap(), "register"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("registration failed: 401"),
        "{}",
        stderr(&out)
    );

    // A port nobody listens on: the attempts are counted, then a clear error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("ws://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = config_file("nowhere", "alice", "secret", &nowhere);
    let out = run(&[
        "--config",
        unreachable.to_str().unwrap(),
        "--attempts",
        "2",
        "register",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("cannot connect to {nowhere}")),
        "{}",
        stderr(&out)
    );

    let out = run(&["--config", "/nonexistent/cfg.json", "register"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read /nonexistent/cfg.json"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_between_two_softphones_carries_rtp_and_dtmf() {
    let reg = Registrar::start(Transport::Ws, &[("alice", "a"), ("bob", "b")])
        .await
        .unwrap();
    let server = reg.server_uri(Transport::Ws);
    let alice = config_file("call", "alice", "a", &server);
    let bob = config_file("call", "bob", "b", &server);
    let record = bob.with_file_name("bob.wav");
    let (alice, bob, record_arg) = (
        alice.to_str().unwrap().to_owned(),
        bob.to_str().unwrap().to_owned(),
        record.to_str().unwrap().to_owned(),
    );
    let listener = tokio::spawn(async move {
        run(&[
            "--config",
            &bob,
            "--media-ip",
            "127.0.0.1",
            "listen",
            "--answer",
            "--for",
            "6",
            "--record",
            &record_arg,
        ])
        .await
    });
    // bob registers before alice sends anything.
    for _ in 0..100 {
        if reg.seen(|seen| seen.bindings.contains_key("bob")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = run(&["--config", &alice, "message", "bob", "hello bob"]).await;
    assert_eq!(stdout(&out), ["200 OK"], "{}", stderr(&out));
    let out = run(&[
        "--config",
        &alice,
        "--media-ip",
        "127.0.0.1",
        "call",
        "bob",
        "--duration",
        "2",
        "--dtmf",
        "42",
    ])
    .await;
    let caller = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{caller:?} {}", stderr(&out));
    assert_eq!(
        caller.first().map(String::as_str),
        Some("progress 180 Ringing"),
        "{caller:?}"
    );
    assert!(caller.contains(&"confirmed".to_string()), "{caller:?}");
    assert!(
        caller.contains(&"dtmf 42 sent (rfc4733)".to_string()),
        "{caller:?}"
    );
    assert!(caller.contains(&"ended by us".to_string()), "{caller:?}");
    let (sent, received) = rtp_counts(&caller);
    // 2 s of 20 ms packets is 100; allow for the start and end of the call.
    assert!(
        (80..=110).contains(&sent) && (60..=110).contains(&received),
        "{caller:?}"
    );

    let out = listener.await.unwrap();
    let callee = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{callee:?} {}", stderr(&out));
    assert_eq!(callee.first().map(String::as_str), Some("listening"));
    assert!(
        callee
            .iter()
            .any(|l| l.starts_with("message from ") && l.ends_with(": hello bob")),
        "{callee:?}"
    );
    assert!(
        callee.iter().any(|l| l.starts_with("incoming call from ")),
        "{callee:?}"
    );
    assert!(callee.contains(&"ended by peer".to_string()), "{callee:?}");
    assert!(
        callee.contains(&"dtmf received 42 (rfc4733)".to_string()),
        "{callee:?}"
    );
    let (sent, received) = rtp_counts(&callee);
    assert!(
        (60..=110).contains(&sent) && (60..=110).contains(&received),
        "{callee:?}"
    );
    // The recording holds what bob received: 8 kHz mono 16-bit, 160 samples a packet.
    let wav = std::fs::read(&record).unwrap();
    assert_eq!(&wav[..4], b"RIFF");
    assert!(wav.len() >= 44 + 60 * 320, "{} bytes", wav.len());
}

fn rtp_counts(lines: &[String]) -> (u64, u64) {
    let line = lines
        .iter()
        .find_map(|l| l.strip_prefix("rtp sent "))
        .unwrap_or_else(|| panic!("no rtp line in {lines:?}"));
    let (sent, received) = line.split_once(" received ").unwrap();
    (sent.parse().unwrap(), received.parse().unwrap())
}
