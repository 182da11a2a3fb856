#!/usr/bin/env python3
"""Parsing and reporting for bench/run.

  report.py wrk FILE          prints "REQUESTS_PER_S<TAB>NOTE" from wrk's output
  report.py iperf3 FILE       prints "GBIT_PER_S<TAB>NOTE" from iperf3 -J's output
  report.py wrklat FILE       prints "P50_MS<TAB>P99_MS<TAB>NOTE" from wrk --latency's output
  report.py report --csv RAW --meta META [--notes NOTES.md] --md OUT.md [--png OUT.png]

The raw CSV has one row per measured run: workload,target,run,value,unit,note.
META is a file of "key<TAB>value" lines describing the machine and the run; NOTES is Markdown
appended to the report.
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

# A run is flagged when processes outside the benchmark, or the hypervisor (steal time), took
# more of the machine's CPU than this.
BUSY_PERCENT = 10

TARGETS = ["direct", "haproxy", "nginx", "weir"]
TARGET_NAMES = {"direct": "direct", "haproxy": "HAProxy", "nginx": "NGINX", "weir": "Weir"}

# key, label, unit, format, better ("higher"/"lower"), target ratio to HAProxy or None, chart label
ROWS = [
    ("keepalive", "Keep-alive requests, 64 conns", "req/s", "{:,.0f}", "higher", 1.0,
     "keep-alive\\nreq/s"),
    ("close", "New connection per request, 64 conns", "req/s", "{:,.0f}", "higher", 0.9,
     "new conn.\\nreq/s"),
    ("keepalive-cpu", "Proxy CPU per keep-alive request", "µs", "{:.1f}", "lower", None, None),
    ("close-cpu", "Proxy CPU per new-connection request", "µs", "{:.1f}", "lower", None, None),
    ("tls", "New TLS connection per request, relayed as TCP, 64 conns", "req/s", "{:,.0f}",
     "higher", None, None),
    ("sni", "New TLS connection per request, routed by SNI, 64 conns", "req/s", "{:,.0f}",
     "higher", 1.0, "SNI routing\\nnew TLS conn."),
    ("tls-cpu", "Proxy CPU per TLS connection relayed as TCP", "µs", "{:.1f}", "lower", None,
     None),
    ("sni-cpu", "Proxy CPU per TLS connection routed by SNI", "µs", "{:.1f}", "lower", None,
     None),
    ("bulk1", "Bulk transfer, 1 stream", "Gbit/s", "{:.2f}", "higher", 1.0,
     "bulk\\n1 stream"),
    ("bulk4", "Bulk transfer, 4 streams", "Gbit/s", "{:.2f}", "higher", 1.0,
     "bulk\\n4 streams"),
    ("latency-p50", "Latency p50 at ~2,000 req/s", "ms", "{:.2f}", "lower", None, None),
    ("latency-p99", "Latency p99 at ~2,000 req/s", "ms", "{:.2f}", "lower", 1.1,
     "p99 latency\\n(lower is better)"),
    ("idle-rest", "RSS at rest, before the idle connections", "MiB", "{:.1f}", "lower", None,
     None),
    ("idle-held", "RSS holding the idle connections", "MiB", "{:.1f}", "lower", None, None),
    ("idle-per-conn", "RSS per idle proxied connection", "KiB", "{:.2f}", "lower", 2.0,
     "RSS per idle conn.\\n(lower is better)"),
    ("idle-live-heap", "Weir's live heap per idle connection, after a full GC", "KiB", "{:.2f}",
     "lower", None, None),
]


def parse_wrk(text):
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        raise SystemExit("wrk: no Requests/sec in its output")
    notes = []
    errors = re.search(r"Socket errors: (.*)", text)
    if errors:
        notes.append("socket errors: " + errors.group(1).strip())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        notes.append("non-2xx: " + non2xx.group(1))
    total = re.search(r"(\d+) requests in", text)
    if total:
        notes.append(total.group(1) + " requests")
    return [float(m.group(1))], "; ".join(notes)


def parse_iperf3(text):
    result = json.loads(text)
    if result.get("error"):
        raise SystemExit("iperf3: " + result["error"])
    received = result["end"]["sum_received"]["bits_per_second"]
    sent = result["end"]["sum_sent"]
    note = "retransmits: %s" % sent.get("retransmits", "?")
    return [received / 1e9], note


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrklat(text):
    """wrk --latency: "Latency Distribution" lines such as "     99%    1.05ms"."""
    percentiles = dict(
        (int(p), float(v) * UNIT_MS[unit])
        for p, v, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text,
                                     re.MULTILINE))
    if 50 not in percentiles or 99 not in percentiles:
        raise SystemExit("wrk: no latency distribution in its output")
    _, note = parse_wrk(text)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    notes = ["achieved %s req/s" % rate.group(1)] if rate else []
    if note:
        notes.append(note)
    return [percentiles[50], percentiles[99]], "; ".join(notes)


def read_meta(path):
    meta = []
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            if key:
                meta.append((key, value))
    return meta


def ratio_verdict(ratio, better, target):
    if ratio is None or target is None:
        return ""
    met = ratio >= target if better == "higher" else ratio <= target
    sign = "≥" if better == "higher" else "≤"
    return ("✅ meets" if met else "❌ misses") + " %s%.1f" % (sign, target)


def report(args):
    runs = {}
    notes = []
    busy = []
    disturbed = {}  # (workload, target) -> runs kept although the machine was busy
    with open(args.csv) as f:
        for row in csv.DictReader(f):
            runs.setdefault((row["workload"], row["target"]), []).append(float(row["value"]))
            where = "%s / %s / run %s" % (row["workload"], row["target"], row["run"])
            # wrk prints socket errors only when there were some.
            if any(word in row["note"] for word in ("socket errors", "non-2xx", "errors:")):
                notes.append("%s: %s" % (where, row["note"]))
            others = re.search(r"others' CPU (\d+)%", row["note"])
            steal = re.search(r"steal (\d+)%", row["note"])
            others = int(others.group(1)) if others else 0
            steal = int(steal.group(1)) if steal else 0
            if max(others, steal) > BUSY_PERCENT and row["workload"] != "latency-p50":
                busy.append("%s: others %d%%, steal %d%%" % (where, others, steal))
                key = (row["workload"], row["target"])
                disturbed[key] = disturbed.get(key, 0) + 1
    meta = read_meta(args.meta)
    meta_map = dict(meta)

    lines = ["# Weir vs HAProxy vs NGINX: %s" % meta_map.get("run", ""), ""]
    lines += ["| | |", "|---|---|"]
    # "run" is the title and "machine" the chart's subtitle; the rest describes the run.
    lines += ["| %s | %s |" % (k, v.replace("|", "\\|")) for k, v in meta
              if k not in ("run", "machine")]
    lines += ["",
              "Medians of %s run(s) each. Ratio = Weir ÷ HAProxy, measured in the same run; "
              "for latency, CPU and memory lower is better, so the target is a ceiling."
              % meta_map.get("runs per figure", "?"), ""]
    header = ["Workload", "unit"] + [TARGET_NAMES[t] for t in TARGETS] + [
        "Weir ÷ HAProxy", "target"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|---|" + "---:|" * len(TARGETS) + "---:|---|")
    chart = []
    for key, label, unit, fmt, better, target, chart_label in ROWS:
        medians = {}
        for t in TARGETS:
            values = runs.get((key, t))
            if values:
                medians[t] = statistics.median(values)
        if not medians:
            continue
        cells = [fmt.format(medians[t]) if t in medians else "–" for t in TARGETS]
        ratio = None
        if "weir" in medians and medians.get("haproxy"):
            ratio = medians["weir"] / medians["haproxy"]
        verdict = ratio_verdict(ratio, better, target)
        # A ratio is only as good as its runs: say so where Weir's or HAProxy's were disturbed.
        pair = [(key, t) for t in ("haproxy", "weir") if (key, t) in runs]
        shaky = sum(disturbed.get(k, 0) for k in pair)
        if ratio is not None and shaky:
            verdict = (verdict + " " if verdict else "") + "(⚠ %d of %d runs disturbed)" % (
                shaky, sum(len(runs[k]) for k in pair))
        lines.append("| %s | %s | %s | %s | %s |" % (
            label, unit, " | ".join(cells), "%.2f" % ratio if ratio is not None else "–",
            verdict))
        if target is not None and ratio is not None:
            nginx_ratio = medians["nginx"] / medians["haproxy"] if "nginx" in medians else 0
            met = ratio >= target if better == "higher" else ratio <= target
            chart.append((chart_label, nginx_ratio, ratio, target, met))
    # SNI routing's own target: the rate of Weir relaying the same TLS traffic as plain TCP.
    sni, tls = runs.get(("sni", "weir")), runs.get(("tls", "weir"))
    if sni and tls:
        own = statistics.median(sni) / statistics.median(tls)
        lines += ["", "Weir routing TLS by SNI ÷ Weir relaying it as TCP: %.2f (target ≥ 0.95: %s)"
                  % (own, "met" if own >= 0.95 else "not met")]
    if max(len(v) for v in runs.values()) > 1:
        lines += spread_table(runs)
    lines.append("")
    lines.append("Every run's figure is in the CSV beside this file; the chart (PNG) shows the "
                 "ratios against their targets.")
    if notes:
        lines += ["", "Errors reported by the load generators:", ""]
        lines += ["- " + n for n in notes]
    if busy:
        lines += ["", "⚠ Runs kept although processes outside the benchmark used more than %d%% "
                  "of the machine's CPU, or the hypervisor took more than %d%% (steal); their "
                  "figures are less trustworthy:" % (BUSY_PERCENT, BUSY_PERCENT), ""]
        lines += ["- " + b for b in busy]
    text = "\n".join(lines) + "\n"
    if args.notes:
        with open(args.notes) as f:
            text += f.read()
    with open(args.md + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.md + ".tmp", args.md)
    sys.stdout.write(text)
    if args.png and chart:
        plot(chart, args.png, meta_map)


def spread_table(runs):
    lines = ["", "Spread across the runs (lowest–highest), to judge how far a median can be "
             "trusted:", ""]
    lines.append("| Workload | " + " | ".join(TARGET_NAMES[t] for t in TARGETS) + " |")
    lines.append("|---|" + "---:|" * len(TARGETS))
    for key, label, unit, fmt, _, _, _ in ROWS:
        if not any((key, t) in runs for t in TARGETS):
            continue
        cells = []
        for t in TARGETS:
            values = runs.get((key, t))
            cells.append("%s–%s" % (fmt.format(min(values)), fmt.format(max(values)))
                         if values else "–")
        lines.append("| %s (%s) | %s |" % (label, unit, " | ".join(cells)))
    return lines


def plot(chart, png, meta):
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as f:
        data = f.name
        for i, (label, nginx_ratio, ratio, target, met) in enumerate(chart):
            color = 0x2E7D32 if met else 0xC62828
            f.write('%d "%s" %.4f %.4f %.4f %d\n' % (i, label, nginx_ratio, ratio, target, color))
    top = max([1.2] + [max(c[1], c[2], c[3]) for c in chart]) * 1.18
    title = "Weir and NGINX ÷ HAProxy (HAProxy = 1), medians\\n%s\\n%s" % (
        meta.get("run", "").replace('"', "'"), meta.get("machine", "").replace('"', "'"))
    script = f"""
set terminal pngcairo size 1100,660 font "DejaVu Sans,11"
set bmargin 6
set output "{png}.tmp"
set title "{title}"
set ylabel "ratio to HAProxy (HAProxy = 1)"
set yrange [0:{top:.3f}]
set xrange [-0.6:{len(chart) - 0.4}]
set grid ytics lc rgb "#dddddd"
set boxwidth 0.34
set style fill solid 0.9 border lc rgb "#555555"
set key outside bottom center horizontal maxcols 4 samplen 2
set xtics scale 0 nomirror
set arrow from -0.6,1 to {len(chart) - 0.4},1 nohead lc rgb "#333333" dt 2
plot "{data}" using ($1-0.18):3:xtic(2) with boxes lc rgb "#9e9e9e" title "NGINX ÷ HAProxy", \\
     "" using ($1+0.18):4:6 with boxes lc rgb variable notitle, \\
     keyentry with boxes lc rgb "#2e7d32" title "Weir ÷ HAProxy, target met", \\
     keyentry with boxes lc rgb "#c62828" title "Weir ÷ HAProxy, target missed", \\
     "" using ($1-0.02):5:(0.4):(0) with vectors nohead lw 3 lc rgb "black" title "Weir's target", \\
     "" using ($1+0.18):(0):(sprintf("%.2f", $4)) with labels offset 0,0.8 \\
        tc rgb "white" font ",11:Bold" notitle, \\
     "" using ($1-0.18):(0):(sprintf("%.2f", $3)) with labels offset 0,0.8 \\
        tc rgb "white" font ",11:Bold" notitle
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        os.replace(png + ".tmp", png)
    finally:
        os.unlink(data)


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ("wrk", "iperf3", "wrklat"):
        with open(sys.argv[2]) as f:
            text = f.read()
        values, note = {"wrk": parse_wrk, "iperf3": parse_iperf3, "wrklat": parse_wrklat}[
            sys.argv[1]](text)
        print("\t".join(["%.4f" % v for v in values] + [note.replace(",", ";")]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["report"])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--notes")
    parser.add_argument("--md", required=True)
    parser.add_argument("--png")
    report(parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
