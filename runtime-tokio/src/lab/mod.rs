//! A loopback SIP-over-WebSocket registrar and proxy with digest authentication, written for
//! tests and demos (feature `lab-server`). It is not a server to deploy: no TLS, no
//! persistence, the routing a two-party demo needs and nothing more.
