#!/usr/bin/env bash
# Engine throughput benchmark (issue 3): HOURS of audio (links to the bundled samples, so nothing big is stored)
# through decode -> slice -> mel -> encode-image -> write-image, reporting hours of audio per hour of wall time,
# CPU utilisation and peak RSS. Run it for 1 and 4 hours to see that memory stays flat as the folder grows.
#   scripts/bench-engine.sh 1 && scripts/bench-engine.sh 4
# A second argument `streaming` replaces decode -> slice with decode-slices (the same clips, streamed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hours="${1:-1}"
mode="${2:-decode}"
case "$mode" in
  decode) cut_steps=$'  - id: decode\n    use: decode\n  - id: clips\n    use: slice\n    clip_ms: 5119' ;;
  streaming) cut_steps=$'  - id: clips\n    use: decode-slices\n    clip_ms: 5119' ;;
  *) echo "usage: scripts/bench-engine.sh HOURS [decode|streaming]" >&2; exit 2 ;;
esac
work="$(mktemp -d /tmp/spectroflow-bench-engine.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
# The samples last 10.0 + 11.65 + 9.0 = 30.65 s; link them until the folder holds HOURS hours.
copies=$(python3 -c "import math; print(math.ceil($hours * 3600 / 30.65))")
for i in $(seq 1 "$copies"); do
  for f in "$root"/datasets/samples/*; do ln "$f" "$work/in/$(printf '%05d' "$i")_$(basename "$f")" 2>/dev/null || cp "$f" "$work/in/$(printf '%05d' "$i")_$(basename "$f")"; done
done
cat > "$work/bench.yaml" <<YAML
seed: 1
inputs:
  - id: music
    folder: in
    glob: ["*"]
steps:
$cut_steps
  - id: mel
    use: mel
  - id: image
    use: encode-image
  - id: png
    use: write-image
    folder: png
outputs:
  root: out
YAML
"$root/spectroflow" --help > /dev/null
seconds=$(python3 -c "print(round($copies * 30.65, 1))")
/usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$root/artifacts/cli/spectroflow" run "$work/bench.yaml" > "$work/run.txt" 2> "$work/err.txt"
read -r wall user sys rss < "$work/time.txt"
python3 - "$seconds" "$wall" "$user" "$sys" "$rss" "$(nproc)" "$(ls "$work/out/png" | wc -l)" "$mode" <<'PY'
import sys
audio, wall, user, sys_, rss, cores, images = map(float, sys.argv[1:8])
print(f"{sys.argv[8]}: audio {audio/3600:.2f} h ({int(images)} images) in {wall:.1f} s: {audio/wall:.0f} hours of audio per hour; "
      f"CPU {100*(user+sys_)/(wall*cores):.0f}% of {int(cores)} cores; peak RSS {rss/1024:.0f} MB")
PY
tail -1 "$work/run.txt"
