#!/usr/bin/env python3
"""Idle connections for bench/run: a sink backend that holds what it accepts, and a client
that opens N connections through a proxy and keeps them open.

  idle_conns.py sink --listen 127.0.0.1:20301 --status 127.0.0.1:20302 --timeout 3600
  idle_conns.py hold --connect 127.0.0.1:20415 -n 10000 --sink-status 127.0.0.1:20302
  idle_conns.py warm --connect 127.0.0.1:20415 -n 1000 --rounds 10 --sink-status 127.0.0.1:20302

The two roles run as separate processes so that each needs only about N file descriptors
(the proxy in between needs 2N). `sink` answers every connection to its status address with
the number of connections it holds, then closes it. `hold` opens its N connections, waits
until the sink holds N more than it did before (so every connection really went through the
proxy and reached the backend), prints READY, and holds them until a line or EOF arrives on
stdin, SIGTERM, or its timeout; then it closes them all and prints CLOSED. Nothing is ever
written on the held connections. `warm` does what `hold` does ROUNDS times without holding:
each round opens N connections, waits until the sink holds them, closes them, and waits until
the sink has let them all go. Everything is bounded by --timeout.
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


async def sink_holds(sink_status, enough, deadline, what):
    """Waits until enough(the sink's count) is true; raises TimeoutError at the deadline."""
    loop = asyncio.get_running_loop()
    while True:
        held = await read_count(sink_status)
        if enough(held):
            return
        if loop.time() > deadline:
            raise asyncio.TimeoutError(f"the sink holds {held}, not {what}")
        await asyncio.sleep(0.05)


async def open_all(args, writers, deadline):
    """Opens args.n connections into writers and waits until the sink holds them; returns 0,
    or 1 after closing them if that failed by the deadline."""
    loop = asyncio.get_running_loop()
    target = host_port(args.connect)
    sink_status = host_port(args.sink_status)
    baseline = await read_count(sink_status)

    # Bounded concurrency: a burst of 10,000 SYNs would overflow the listen backlogs and the
    # retransmitted SYNs would cost whole seconds.
    gate = asyncio.Semaphore(args.concurrency)

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
        await sink_holds(sink_status, lambda held: held >= baseline + args.n, deadline,
                         f"{args.n} more than {baseline}")
    except (OSError, asyncio.TimeoutError) as e:
        print(f"hold: failed after {len(writers)} connections: {e!r}", file=sys.stderr,
              flush=True)
        for writer in writers:
            writer.close()
        return 1
    return 0


async def run_warm(args):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout
    sink_status = host_port(args.sink_status)
    baseline = await read_count(sink_status)
    for _ in range(args.rounds):
        writers = []
        if await open_all(args, writers, deadline):
            return 1
        for writer in writers:
            writer.close()
        try:
            await sink_holds(sink_status, lambda held: held <= baseline, deadline,
                             f"{baseline} again")
        except asyncio.TimeoutError as e:
            print(f"warm: {e}", file=sys.stderr, flush=True)
            return 1
    print(f"WARM {args.rounds} x {args.n}", flush=True)
    return 0


async def hold_until_told(args):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout
    writers = []
    if await open_all(args, writers, deadline):
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
    warm = roles.add_parser("warm", help="open and close N connections ROUNDS times")
    warm.add_argument("--rounds", type=int, default=10, help="times to open and close N")
    for role in (hold, warm):
        role.add_argument("--connect", required=True, help="HOST:PORT of the proxy")
        role.add_argument("-n", type=int, default=10000, help="connections to open")
        role.add_argument("--sink-status", required=True, help="the sink's status HOST:PORT")
        role.add_argument("--concurrency", type=int, default=256, help="connects in flight")
        role.add_argument("--timeout", type=float, default=300,
                          help="seconds for the whole run, holding included")
    args = parser.parse_args()
    if args.role == "sink":
        asyncio.run(run_sink(args))
        return 0
    if args.role == "warm":
        return asyncio.run(run_warm(args))
    return asyncio.run(hold_until_told(args))


if __name__ == "__main__":
    sys.exit(main())
