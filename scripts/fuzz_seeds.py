#!/usr/bin/env python3
"""Seeds the fuzz corpora from real and bundled captures: whole files for the file readers,
single frames and UDP payloads for the packet decoders, BinaryFILEs rebuilt from the
captures' messages."""
import glob
import os
import struct
import sys


def frames(path):
    data = open(path, 'rb').read()
    if len(data) < 24 or data[:4] not in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        return
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack('<IIII', data[off:off + 16])
        off += 16
        yield data[off:off + caplen]
        off += caplen


def udp_payload(frame):
    p, ether_type = 14, struct.unpack('>H', frame[12:14])[0]
    while ether_type in (0x8100, 0x88A8):
        ether_type = struct.unpack('>H', frame[p + 2:p + 4])[0]
        p += 4
    ihl = (frame[p] & 15) * 4
    return frame[p + ihl + 8:]


def mold_messages(payload):
    if len(payload) < 20:
        return
    count = struct.unpack('>H', payload[18:20])[0]
    q = 20
    for _ in range(count if count != 0xFFFF else 0):
        if q + 2 > len(payload):
            return
        n = struct.unpack('>H', payload[q:q + 2])[0]
        yield payload[q + 2:q + 2 + n]
        q += 2 + n


def soup_packet(kind, payload):
    # SoupBinTCP 3.0: a 2-byte big-endian length of type and payload, the type, the payload.
    return struct.pack('>H', 1 + len(payload)) + kind + payload


def main(out, sources):
    captures = [f for s in sources for f in glob.glob(os.path.join(s, '**', '*.pcap'), recursive=True)]
    dirs = {name: os.path.join(out, name) for name in
            ('fuzz_frame_decoder', 'fuzz_mold_payload', 'fuzz_capture_reader', 'fuzz_binary_file',
             'fuzz_soupbintcp')}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    n = 0
    for path in captures:
        data = open(path, 'rb').read()
        if len(data) <= 64 * 1024:
            open(os.path.join(dirs['fuzz_capture_reader'], 'seed%04d' % n), 'wb').write(data)
        binary = b''
        # A snapshot session as SoupBinTCP carries it: login accepted, the messages as
        # sequenced data, End of Snapshot. The first byte picks the fuzz target's chunk size.
        soup = soup_packet(b'A', b'TICKWIRE01' + b'1'.rjust(20))
        for i, frame in enumerate(frames(path)):
            if i >= 8:
                break
            open(os.path.join(dirs['fuzz_frame_decoder'], 'seed%04d_%d' % (n, i)), 'wb').write(b'\x00' + frame)
            payload = udp_payload(frame)
            open(os.path.join(dirs['fuzz_mold_payload'], 'seed%04d_%d' % (n, i)), 'wb').write(payload)
            for m in mold_messages(payload):
                binary += struct.pack('>H', len(m)) + m
                soup += soup_packet(b'S', m)
        soup += soup_packet(b'S', b'G' + b'1000'.rjust(20)) + soup_packet(b'Z', b'')
        open(os.path.join(dirs['fuzz_soupbintcp'], 'seed%04d' % n), 'wb').write(bytes([n % 64]) + soup[:4095])
        if binary:
            open(os.path.join(dirs['fuzz_binary_file'], 'seed%04d' % n), 'wb').write(binary[:4096])
        n += 1
    print('seeded %d captures into %s' % (n, out))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
