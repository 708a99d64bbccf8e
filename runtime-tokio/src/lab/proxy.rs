//! The lab registrar's tiny proxy (WebSocket only): an INVITE or MESSAGE to a user registered
//! on another connection is forwarded there, and from then on every request and response with
//! that Call-ID goes to the other connection of the pair. No Via or Record-Route of its own.

use std::collections::HashMap;

use tokio::sync::mpsc;

/// Which connection is which, and which calls join which pair.
#[derive(Debug, Default)]
pub struct Routes {
    next_conn: usize,
    /// Open WebSocket connections: id → their outgoing queue.
    conns: HashMap<usize, mpsc::UnboundedSender<String>>,
    /// AOR user → the connection its binding came from.
    users: HashMap<String, usize>,
    /// Call-ID → (caller's connection, callee's connection).
    calls: HashMap<String, (usize, usize)>,
}

/// The value of the first `Call-ID` (or compact `i`) header of a message.
pub fn call_id(text: &str) -> Option<&str> {
    text.split("\r\n\r\n").next()?.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        (name.eq_ignore_ascii_case("call-id") || name.eq_ignore_ascii_case("i")).then(|| value.trim())
    })
}

/// The request method, or the status code of a response: `INVITE`, `180`, `200`...
pub fn label(text: &str) -> String {
    let first = text.split("\r\n").next().unwrap_or_default();
    match first.strip_prefix("SIP/2.0 ") {
        Some(status) => status.split(' ').next().unwrap_or_default().to_string(),
        None => first.split(' ').next().unwrap_or_default().to_string(),
    }
}

/// The user part of a Request-URI such as `sip:bob@sansip.test`.
pub fn uri_user(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("sip:").or_else(|| uri.strip_prefix("sips:"))?;
    rest.split_once('@').map(|(user, _)| user)
}

impl Routes {
    /// A new connection: its id.
    pub fn open(&mut self, outgoing: mpsc::UnboundedSender<String>) -> usize {
        self.next_conn += 1;
        self.conns.insert(self.next_conn, outgoing);
        self.next_conn
    }

    /// Forgets connection `conn` and the bindings made on it.
    pub fn close(&mut self, conn: usize) {
        self.conns.remove(&conn);
        self.users.retain(|_, c| *c != conn);
    }

    /// `user` is now reached on `conn` (`None`: no longer reached).
    pub fn bind(&mut self, user: &str, conn: Option<usize>) {
        match conn {
            Some(conn) => self.users.insert(user.to_string(), conn),
            None => self.users.remove(user),
        };
    }

    /// Forwards `text`, received on `from`, when it belongs to a call or starts one (an INVITE
    /// or MESSAGE to the bound user `target_user`): the connection it went to. `None` when it
    /// is not ours to route.
    pub fn forward(&mut self, from: usize, text: &str, target_user: Option<&str>) -> Option<usize> {
        let call_id = call_id(text)?;
        let to = match self.calls.get(call_id) {
            Some(&(caller, callee)) if from == caller => callee,
            Some(&(caller, _)) => caller,
            None => {
                let &callee = target_user.and_then(|user| self.users.get(user))?;
                self.calls.insert(call_id.to_string(), (from, callee));
                callee
            }
        };
        if let Some(conn) = self.conns.get(&to) {
            let _ = conn.send(text.to_string());
        }
        Some(to)
    }
}
