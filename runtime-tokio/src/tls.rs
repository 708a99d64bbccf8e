//! TLS for `wss://` and `sips:`/TLS servers, on rustls with the *ring* provider: the Mozilla
//! roots from `webpki-roots` by default, extra CA certificates on request, and, for lab servers
//! only, a loudly named switch that turns certificate verification off.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{self, CryptoProvider, WebPkiSupportedAlgorithms};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// Why TLS settings could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A CA certificate file could not be read.
    #[error("cannot read ca certificate file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The PEM text holds no certificate, or a malformed one.
    #[error("invalid pem ca certificate: {0}")]
    Pem(String),
    /// rustls refused a certificate or the configuration.
    #[error("tls configuration: {0}")]
    Rustls(#[from] tokio_rustls::rustls::Error),
}

/// How the server's certificate is checked.
#[derive(Clone)]
enum Verification {
    /// Against the webpki roots plus these extra CA certificates.
    Roots(Vec<CertificateDer<'static>>),
    /// Not at all (see [`TlsOptions::dangerous_accept_any_certificate`]).
    AcceptAny,
}

/// TLS settings for `wss://` and TLS servers. The default verifies the server against the
/// Mozilla root programme (`webpki-roots`).
///
/// ```
/// use sansip_tokio::TlsOptions;
///
/// let pem = b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
/// assert!(TlsOptions::new().with_ca_pem(pem).is_err());
/// let lab = TlsOptions::dangerous_accept_any_certificate();
/// assert!(lab.is_dangerous());
/// ```
#[derive(Clone)]
pub struct TlsOptions {
    verification: Verification,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.verification {
            Verification::Roots(extra) => f
                .debug_struct("TlsOptions")
                .field("extra_ca_certificates", &extra.len())
                .finish(),
            Verification::AcceptAny => f
                .debug_struct("TlsOptions")
                .field("verification", &"DANGEROUS: any certificate accepted")
                .finish(),
        }
    }
}

impl Default for TlsOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsOptions {
    /// Verify servers against the webpki (Mozilla) roots.
    pub fn new() -> TlsOptions {
        TlsOptions {
            verification: Verification::Roots(Vec::new()),
        }
    }

    /// **Dangerous**: accept any server certificate, valid or not, for any name. Only for lab
    /// servers with self-signed certificates: anyone on the path can impersonate the server and
    /// read the digest exchange and every message. The handshake signature is still checked
    /// against the certificate presented, so the connection is encrypted, just not authenticated.
    pub fn dangerous_accept_any_certificate() -> TlsOptions {
        TlsOptions {
            verification: Verification::AcceptAny,
        }
    }

    /// True when certificate verification is off.
    pub fn is_dangerous(&self) -> bool {
        matches!(self.verification, Verification::AcceptAny)
    }

    /// Also trust the CA certificates in this PEM text (one or more `CERTIFICATE` blocks).
    /// Ignored by [`dangerous_accept_any_certificate`](Self::dangerous_accept_any_certificate).
    pub fn with_ca_pem(mut self, pem: &[u8]) -> Result<TlsOptions, TlsError> {
        let mut certs = Vec::new();
        for cert in CertificateDer::pem_slice_iter(pem) {
            certs.push(cert.map_err(|e| TlsError::Pem(e.to_string()))?);
        }
        if certs.is_empty() {
            return Err(TlsError::Pem(String::from("no certificate found")));
        }
        // Refuse a certificate rustls would not take now rather than at the first connection.
        let mut check = RootCertStore::empty();
        for cert in &certs {
            check.add(cert.clone())?;
        }
        if let Verification::Roots(extra) = &mut self.verification {
            extra.extend(certs);
        }
        Ok(self)
    }

    /// Also trust the CA certificates in this PEM file.
    pub fn with_ca_pem_file(self, path: impl AsRef<Path>) -> Result<TlsOptions, TlsError> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|source| TlsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        self.with_ca_pem(&pem)
    }

    /// The rustls client configuration these options describe.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        let provider = Arc::new(crypto::ring::default_provider());
        let builder =
            ClientConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions()?;
        let config = match &self.verification {
            Verification::Roots(extra) => {
                let mut roots = RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                };
                for cert in extra {
                    roots.add(cert.clone())?;
                }
                builder.with_root_certificates(roots).with_no_client_auth()
            }
            Verification::AcceptAny => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate::new(&provider)))
                .with_no_client_auth(),
        };
        Ok(Arc::new(config))
    }
}

/// The verifier behind [`TlsOptions::dangerous_accept_any_certificate`].
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AcceptAnyCertificate {
    fn new(provider: &CryptoProvider) -> Self {
        AcceptAnyCertificate {
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, tokio_rustls::rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
