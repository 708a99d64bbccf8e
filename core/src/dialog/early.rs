//! The dialogs one INVITE creates when a proxy forks it (RFC 3261 §12.1.2, §13.2.2.4):
//! one early dialog per remote tag, confirmed or replaced by each 2xx.

use alloc::collections::BTreeMap;
use alloc::string::String;

use super::{tag_text, Dialog, DialogError, DialogState};
use crate::message::{Request, Response};

/// The dialogs of one outgoing INVITE, keyed by remote tag (the To tag of the responses).
#[derive(Clone, Debug, Default)]
pub struct EarlyDialogs {
    dialogs: BTreeMap<String, Dialog>,
}

impl EarlyDialogs {
    /// No dialog yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a response to `invite` (as sent; `over_tls` as for [`Dialog::uac`]) and returns
    /// the dialog it created or confirmed:
    /// - a 101–199 with a To tag and a Contact creates an early dialog for that tag, unless
    ///   one exists (its route set stays as created, RFC 3261 §12.1.2); without a Contact it
    ///   creates none, as in JsSIP (a 1xx's Contact is optional, RFC 3261 §20);
    /// - a 2xx confirms the early dialog with its tag, or creates a confirmed one
    ///   (RFC 3261 §13.2.2.4);
    /// - a response for a dialog already terminated is [`DialogError::Terminated`];
    /// - a 300–699 ends every early dialog (RFC 3261 §12.3) and returns `None`; so do a 100
    ///   and a 1xx without a To tag, which create nothing.
    pub fn receive_response(
        &mut self,
        invite: &Request,
        response: &Response,
        over_tls: bool,
    ) -> Result<Option<&mut Dialog>, DialogError> {
        let status = response.status().as_u16();
        if status >= 300 {
            for d in self.dialogs.values_mut() {
                if d.state() == DialogState::Early {
                    d.terminate();
                }
            }
            return Ok(None);
        }
        if status == 100 || (status < 200 && response.to_tag().is_none()) {
            return Ok(None);
        }
        // RFC 3261 §12.1.2: a 2xx without a To tag (RFC 2543) has a null remote tag.
        let key = match response.to_tag() {
            Some(t) => tag_text(t).ok_or(DialogError::BadHeader("To"))?,
            None => String::new(),
        };
        match self.dialogs.get_mut(&key) {
            Some(d) if d.state() == DialogState::Early && status >= 200 => d.confirm(response)?,
            Some(d) if d.state() == DialogState::Terminated => return Err(DialogError::Terminated),
            Some(_) => {}
            None => {
                if status < 200 && response.headers().contact().next().is_none() {
                    return Ok(None);
                }
                let dialog = Dialog::uac(invite, response, over_tls)?;
                self.dialogs.insert(key.clone(), dialog);
            }
        }
        Ok(self.dialogs.get_mut(&key))
    }

    /// The dialog with this remote tag.
    pub fn get(&self, remote_tag: &str) -> Option<&Dialog> {
        self.dialogs.get(remote_tag)
    }
    /// The dialog with this remote tag, to change.
    pub fn get_mut(&mut self, remote_tag: &str) -> Option<&mut Dialog> {
        self.dialogs.get_mut(remote_tag)
    }
    /// Takes the dialog with this remote tag out (the one the session keeps after a 2xx).
    pub fn remove(&mut self, remote_tag: &str) -> Option<Dialog> {
        self.dialogs.remove(remote_tag)
    }
    /// The dialogs by remote tag.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Dialog)> + '_ {
        self.dialogs.iter().map(|(k, d)| (k.as_str(), d))
    }
    /// The number of dialogs (of every state).
    pub fn len(&self) -> usize {
        self.dialogs.len()
    }
    /// True when no response has created a dialog.
    pub fn is_empty(&self) -> bool {
        self.dialogs.is_empty()
    }
}
