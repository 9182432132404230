#!/usr/bin/python3
"""The quality tables of BENCHMARKS.md ("Sound quality") from a `phase-quality` output folder.

  scripts/phase-quality-table.py OUT [--max-lag-ms 0] [--metrics ../shared/tools/metrics.py]

OUT is what `dotnet run -c Release --project tests/SpectroFlow.Benchmarks -- phase-quality SOURCES OUT` wrote
(OUT/clips/NAME.wav, OUT/recon/LABEL/NAME.recon.wav, OUT/results.json), plus, when present,
OUT/recon/riffusion-s0 (Riffusion's own reconstructions: peer_riffusion_torch.py to-audio OUT/images/NAME.png).
Every figure is metrics.py's own computation (imported, not re-implemented): band 0-10 kHz, gain-matched spectral
convergence and log-spectral distance. Prints two Markdown tables (SC, LSD) and the median seconds per clip.
"""
import importlib.util
import json
import statistics
import sys
from pathlib import Path


def option(args, name, default):
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i:i + 2]
        return value
    return default


def main(argv):
    args = list(argv[1:])
    lag = float(option(args, "--max-lag-ms", "0"))
    metrics_path = option(args, "--metrics", str(Path(__file__).resolve().parents[2] / "shared" / "tools" / "metrics.py"))
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(args[0])
    spec = importlib.util.spec_from_file_location("metrics", metrics_path)
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)

    clips = sorted(p.stem for p in (out / "clips").glob("*.wav"))
    labels = sorted(p.name for p in (out / "recon").iterdir() if p.is_dir())
    # metrics.py takes about a second per pair: its figures are kept in OUT, keyed by file and modification time.
    cache_path = out / f"metrics-cache-lag{lag:g}.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    sc, lsd = {}, {}
    for label in labels:
        for clip in clips:
            recon = out / "recon" / label / f"{clip}.recon.wav"
            if recon.exists():
                key = f"{label}/{clip}@{recon.stat().st_mtime_ns}"
                if key not in cache:
                    band = metrics.compare_audio(str(out / "clips" / f"{clip}.wav"), str(recon), lag)["band_0_10k"]
                    cache[key] = [band["spectral_convergence_gain_matched"], band["log_spectral_distance_db_gain_matched"]]
                sc[(label, clip)], lsd[(label, clip)] = cache[key]
    cache_path.write_text(json.dumps(cache))

    iterations = sorted({int(l.split("-")[1]) for l in labels if l.startswith(("random-", "pghi-"))})
    columns = []
    if any(l == "riffusion-s0" for l in labels):
        columns.append(("Riffusion", lambda table, clip: fmt(table.get(("riffusion-s0", clip)))))
    for n in iterations:
        seeds = [l for l in labels if l.startswith(f"random-{n}-s")]
        if seeds:
            columns.append((f"random {n} mean / worst", lambda table, clip, seeds=seeds: mean_worst(table, clip, seeds)))
    for n in iterations:
        if f"pghi-{n}" in labels:
            columns.append((f"PGHI {n}", lambda table, clip, n=n: fmt(table.get((f"pghi-{n}", clip)))))

    for title, table in (("spectral convergence, 0-10 kHz, gain-matched (lower is better)", sc),
                         ("log-spectral distance in dB, 0-10 kHz, gain-matched (lower is better)", lsd)):
        print(f"\n{title}, alignment search +-{lag:g} ms\n")
        print("| clip | " + " | ".join(name for name, _ in columns) + " |")
        print("|---" * (len(columns) + 1) + "|")
        for clip in clips:
            print(f"| {clip[:44]} | " + " | ".join(cell(table, clip) for _, cell in columns) + " |")
        print("| **mean** | " + " | ".join(column_mean(table, clips, cell) for _, cell in columns) + " |")

    results = out / "results.json"
    if results.exists():
        rows = json.loads(results.read_text())
        print("\nmedian seconds per clip (this run's machine, other work running beside it):")
        for label in sorted({r["config"] for r in rows}):
            print(f"  {label}: {statistics.median(r['seconds'] for r in rows if r['config'] == label):.3f}")
    return 0


def fmt(value):
    return "" if value is None else f"{value:.3f}"


def mean_worst(table, clip, seeds):
    values = [table[(s, clip)] for s in seeds if (s, clip) in table]
    return f"{statistics.mean(values):.3f} / {max(values):.3f}" if values else ""


def column_mean(table, clips, cell):
    cells = [cell(table, clip) for clip in clips]
    firsts = [float(c.split(" / ")[0]) for c in cells if c]
    worsts = [float(c.split(" / ")[1]) for c in cells if " / " in c]
    if not firsts:
        return ""
    text = f"{statistics.mean(firsts):.3f}"
    return f"**{text} / {statistics.mean(worsts):.3f}**" if worsts else f"**{text}**"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
