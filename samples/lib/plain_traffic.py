#!/usr/bin/env python3
"""Non-TLS traffic for the mixed sample (stdlib only).

usage: plain_traffic.py http-server PORT   serve one plain HTTP/1.0 request, then exit
       plain_traffic.py http-client PORT   send one plain HTTP/1.0 request to 127.0.0.1:PORT
       plain_traffic.py dns PORT           one DNS query/response over UDP on 127.0.0.1:PORT
"""
import socket
import struct
import sys
import threading

BODY = b"plain text, not TLS\n"


def http_server(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    c, _ = ls.accept()
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()
    ls.close()


def http_client(port):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"GET /plain.txt HTTP/1.0\r\nHost: plain.tlsaudit.test\r\n\r\n")
    resp = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            break
        resp += chunk
    c.close()
    if BODY not in resp:
        sys.exit("http-client: bad response")


def dns(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", port))

    def answer():
        q, addr = srv.recvfrom(512)
        qid = q[:2]
        question = q[12:]
        ans = (b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton("127.0.0.1"))
        srv.sendto(qid + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0) + question + ans, addr)

    t = threading.Thread(target=answer)
    t.start()
    qname = b"".join(bytes([len(p)]) + p for p in b"server.tlsaudit.test".split(b".")) + b"\x00"
    query = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(5)
    c.sendto(query, ("127.0.0.1", port))
    c.recvfrom(512)
    t.join()
    c.close()
    srv.close()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    {"http-server": http_server, "http-client": http_client, "dns": dns}[sys.argv[1]](int(sys.argv[2]))


if __name__ == "__main__":
    main()
