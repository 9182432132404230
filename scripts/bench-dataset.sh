#!/usr/bin/env bash
# Training-set throughput (issue 11): TRACKS local songs of about 3 minutes (MP3, made once from the bundled samples
# with ffmpeg and hard-linked, so nothing big is stored) through recipes/folder-to-lora.yaml end to end (decode, tempo,
# select, slice, gate, mel, encode-image, write-dataset with its index files), reporting tracks per minute, images,
# CPU and peak RSS; then the same run again (the nightly case: nothing new) to show what an incremental run costs.
#   scripts/bench-dataset.sh 40 [diffusers|dreambooth|kohya]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tracks="${1:-40}"
layout="${2:-diffusers}"
work="$(mktemp -d /tmp/spectroflow-bench-dataset.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/music"
# 6 x (10.0 + 11.65 + 9.0 s) = 183.9 s: one "song" of about three minutes, as an MP3 (the common download format).
list="$work/list.txt"
for f in "$root"/datasets/samples/*; do ffmpeg -v error -i "$f" -ac 2 -ar 44100 "$work/$(basename "$f").wav"; done
for i in 1 2 3 4 5 6; do for f in "$work"/*.wav; do echo "file '$f'" >> "$list"; done; done
ffmpeg -v error -f concat -safe 0 -i "$list" -c:a libmp3lame -b:a 192k "$work/song.mp3"
rm -f "$work"/*.wav
for i in $(seq 1 "$tracks"); do ln "$work/song.mp3" "$work/music/$(printf '%04d' "$i")_song.mp3"; done
"$root/spectroflow" --help > /dev/null
run() {
  MUSIC_DIR="$work/music" /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
    "$root/artifacts/cli/spectroflow" run "$root/recipes/folder-to-lora.yaml" --set "layout=$layout" --output "$work/set" > "$work/run.txt" 2> "$work/err.txt"
  read -r wall user sys rss < "$work/time.txt"
  images=$(find "$work/set" -name '*.png' -not -path '*/charts/*' | wc -l)
  python3 - "$1" "$tracks" "$wall" "$user" "$sys" "$rss" "$(nproc)" "$images" <<'PY'
import sys
label = sys.argv[1]
tracks, wall, user, sys_, rss, cores, images = map(float, sys.argv[2:9])
print(f"{label}: {int(tracks)} tracks x 183.9 s ({int(images)} images) in {wall:.1f} s: {tracks * 60 / wall:.1f} tracks per minute; "
      f"CPU {100 * (user + sys_) / (wall * cores):.0f}% of {int(cores)} cores; peak RSS {rss / 1024:.0f} MB")
PY
}
run "first run"
run "re-run, nothing new"
tail -n 1 "$work/run.txt"
