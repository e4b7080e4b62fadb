#!/usr/bin/env python3
"""Minimal one-shot SMTP responder with STARTTLS (stdlib only), for make-samples.sh.

usage: smtp_starttls.py PORT CERTCHAIN KEY
Serves exactly one connection: 220 banner, EHLO -> 250-STARTTLS, STARTTLS -> 220, TLS,
then answers EHLO/MAIL/RCPT/DATA/QUIT minimally inside TLS.
"""
import socket
import ssl
import sys


def lines(f):
    while True:
        line = f.readline()
        if not line:
            return
        yield line.rstrip(b"\r\n")


def serve(conn, tls):
    f = conn.makefile("rb")
    for line in lines(f):
        cmd = line.split(b" ", 1)[0].upper()
        if cmd in (b"EHLO", b"HELO"):
            if tls:
                conn.sendall(b"250-mail.tlsaudit.test\r\n250 8BITMIME\r\n")
            else:
                conn.sendall(b"250-mail.tlsaudit.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n")
        elif cmd == b"STARTTLS" and not tls:
            conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            return "starttls"
        elif cmd == b"QUIT":
            conn.sendall(b"221 2.0.0 Bye\r\n")
            return "quit"
        elif cmd == b"DATA":
            conn.sendall(b"354 go ahead\r\n")
            for l2 in lines(f):
                if l2 == b".":
                    break
            conn.sendall(b"250 2.0.0 queued\r\n")
        else:
            conn.sendall(b"250 2.0.0 ok\r\n")
    return "eof"


def main():
    port, chain, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    conn, _ = ls.accept()
    conn.sendall(b"220 mail.tlsaudit.test ESMTP tlsaudit-sample\r\n")
    if serve(conn, False) == "starttls":
        tconn = ctx.wrap_socket(conn, server_side=True)
        serve(tconn, True)
        try:
            tconn.unwrap()
        except (ssl.SSLError, OSError):
            pass
        conn = tconn
    conn.close()
    ls.close()


if __name__ == "__main__":
    main()
