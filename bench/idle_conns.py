#!/usr/bin/env python3
"""Idle connections for bench/run: a sink backend that holds what it accepts, and a client
that opens N connections through a proxy and keeps them open.

  idle_conns.py sink --listen 127.0.0.1:20301 --status 127.0.0.1:20302 --timeout 3600
  idle_conns.py hold --connect 127.0.0.1:20415 -n 10000 --sink-status 127.0.0.1:20302

The two roles run as separate processes so that each needs only about N file descriptors
(the proxy in between needs 2N). `sink` answers every connection to its status address with
the number of connections it holds, then closes it. `hold` opens its N connections, waits
until the sink holds N more than it did before (so every connection really went through the
proxy and reached the backend), prints READY, and holds them until a line or EOF arrives on
stdin, SIGTERM, or its timeout; then it closes them all and prints CLOSED. Nothing is ever
written on the held connections. Everything is bounded by --timeout.
"""

import argparse
import asyncio
import signal
import sys


def host_port(text):
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def read_count(address):
    reader, writer = await asyncio.open_connection(*address)
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
        return int(line)
    finally:
        writer.close()


async def run_sink(args):
    held = set()

    async def hold_peer(reader, writer):
        held.add(writer)
        try:
            # Nothing is expected; reading only tells us when the peer (the proxy) closes.
            while await reader.read(4096):
                pass
        except ConnectionError:
            pass
        finally:
            held.discard(writer)
            writer.close()

    async def report(reader, writer):
        writer.write(b"%d\n" % len(held))
        await writer.drain()
        writer.close()

    sink = await asyncio.start_server(hold_peer, *host_port(args.listen), backlog=4096)
    status = await asyncio.start_server(report, *host_port(args.status))
    print(f"sink listening on {args.listen}, status on {args.status}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.timeout)
    except asyncio.TimeoutError:
        print("sink: timeout, exiting", file=sys.stderr, flush=True)
    sink.close()
    status.close()
    for writer in list(held):
        writer.close()


async def run_hold(args):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout
    target = host_port(args.connect)
    sink_status = host_port(args.sink_status)
    baseline = await read_count(sink_status)

    # Bounded concurrency: a burst of 10,000 SYNs would overflow the listen backlogs and the
    # retransmitted SYNs would cost whole seconds.
    gate = asyncio.Semaphore(args.concurrency)
    writers = []

    async def open_one():
        async with gate:
            for attempt in range(3):
                try:
                    _, writer = await asyncio.wait_for(asyncio.open_connection(*target), 10)
                    writers.append(writer)
                    return
                except (OSError, asyncio.TimeoutError):
                    if attempt == 2:
                        raise
                    await asyncio.sleep(0.2)

    try:
        await asyncio.wait_for(
            asyncio.gather(*(open_one() for _ in range(args.n))), deadline - loop.time())
        while True:
            held = await read_count(sink_status) - baseline
            if held >= args.n:
                break
            if loop.time() > deadline:
                raise asyncio.TimeoutError(f"the sink holds only {held} of {args.n}")
            await asyncio.sleep(0.1)
    except (OSError, asyncio.TimeoutError) as e:
        print(f"hold: failed after {len(writers)} connections: {e!r}", file=sys.stderr,
              flush=True)
        for writer in writers:
            writer.close()
        return 1

    print(f"READY {len(writers)}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_reader(sys.stdin.fileno(), stop.set)
    try:
        await asyncio.wait_for(stop.wait(), max(1.0, deadline - loop.time()))
    except asyncio.TimeoutError:
        print("hold: timeout, closing", file=sys.stderr, flush=True)
    for writer in writers:
        writer.close()
    await asyncio.sleep(0)
    print("CLOSED", flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    roles = parser.add_subparsers(dest="role", required=True)
    sink = roles.add_parser("sink", help="accept connections and hold them")
    sink.add_argument("--listen", required=True, help="HOST:PORT to accept on")
    sink.add_argument("--status", required=True, help="HOST:PORT that reports the count")
    sink.add_argument("--timeout", type=float, default=3600, help="seconds before exiting")
    hold = roles.add_parser("hold", help="open N connections through a proxy and hold them")
    hold.add_argument("--connect", required=True, help="HOST:PORT of the proxy")
    hold.add_argument("-n", type=int, default=10000, help="connections to open")
    hold.add_argument("--sink-status", required=True, help="the sink's status HOST:PORT")
    hold.add_argument("--concurrency", type=int, default=256, help="connects in flight")
    hold.add_argument("--timeout", type=float, default=300,
                      help="seconds for the whole run, holding included")
    args = parser.parse_args()
    if args.role == "sink":
        asyncio.run(run_sink(args))
        return 0
    return asyncio.run(run_hold(args))


if __name__ == "__main__":
    sys.exit(main())
