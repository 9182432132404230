#!/usr/bin/python3
"""Synthesises the bundled sample clips (our own work, CC0). Deterministic: same script, same files.

Needs Debian's python3-numpy and ffmpeg (for the MP3/OGG copies). Run from datasets/: ./make_samples.py
Each piece is a short loop-based groove: kick/snare/hat drums, a bass line and chord pads, at 44.1 kHz stereo.
"""
import subprocess
import wave
from pathlib import Path

import numpy as np

SR = 44100
OUT = Path(__file__).resolve().parent / "samples"
# A second song for the transition recipe, near the house piece's tempo (124 -> 120 bpm, within the crossfade's 4 %
# stretch); kept out of samples/ so the quickstart's outputs stay as they are.
TRANSITION = Path(__file__).resolve().parent / "transition"


def env(n, attack, decay):
    t = np.arange(n) / SR
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def tone(freq, dur, shape="saw", harmonics=8):
    n = int(dur * SR)
    t = np.arange(n) / SR
    x = np.zeros(n)
    for h in range(1, harmonics + 1):
        amp = 1.0 / h if shape == "saw" else (1.0 / h if h % 2 else 0.0)
        x += amp * np.sin(2 * np.pi * freq * h * t)
    return x


def drums(bpm, bars, rng, swing=0.0):
    beat = 60.0 / bpm
    n = int(bars * 4 * beat * SR)
    out = np.zeros(n)
    for step in range(bars * 16):
        pos = int((step * beat / 4 + (swing * beat / 4 if step % 2 else 0)) * SR)
        if step % 4 == 0:  # kick
            k = int(0.25 * SR)
            t = np.arange(k) / SR
            f = 50 + 90 * np.exp(-t * 30)
            hit = np.sin(2 * np.pi * np.cumsum(f) / SR) * env(k, 0.001, 0.12)
            out[pos:pos + k] += 0.9 * hit[: n - pos]
        if step % 8 == 4:  # snare
            k = int(0.2 * SR)
            hit = (rng.standard_normal(k) * 0.6 + 0.4 * np.sin(2 * np.pi * 190 * np.arange(k) / SR)) * env(k, 0.001, 0.06)
            out[pos:pos + k] += 0.5 * hit[: n - pos]
        if step % 2 == 0 or rng.random() < 0.3:  # hat
            k = int(0.05 * SR)
            noise = np.diff(rng.standard_normal(k + 1))
            out[pos:pos + k] += 0.12 * (noise * env(k, 0.0005, 0.015))[: n - pos]
    return out


def piece(bpm, root_hz, progression, bars, seed, bass_pattern):
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    n = int(bars * 4 * beat * SR)
    left = np.zeros(n)
    right = np.zeros(n)
    d = drums(bpm, bars, rng, swing=0.1)
    left += d
    right += d
    for bar in range(bars):
        chord = progression[bar % len(progression)]
        start = int(bar * 4 * beat * SR)
        for i, semis in enumerate(chord):
            f = root_hz * 2 ** (semis / 12) * 2
            pad = tone(f, 4 * beat, "square", 6) * env(int(4 * beat * SR), 0.05, 2.5)
            pan = 0.3 + 0.4 * (i / max(1, len(chord) - 1))
            seg = slice(start, start + len(pad))
            left[seg] += 0.06 * (1 - pan) * pad[: n - start]
            right[seg] += 0.06 * pan * pad[: n - start]
        for step, semis in enumerate(bass_pattern):
            if semis is None:
                continue
            pos = start + int(step * beat / 2 * SR)
            f = root_hz * 2 ** ((chord[0] + semis) / 12) / 2
            note = tone(f, beat / 2, "saw", 10) * env(int(beat / 2 * SR), 0.005, 0.2)
            left[pos:pos + len(note)] += 0.25 * note[: n - pos]
            right[pos:pos + len(note)] += 0.25 * note[: n - pos]
    x = np.stack([left, right], axis=1)
    return x / np.max(np.abs(x)) * 0.89


def write_wav(path, x):
    pcm = np.round(x * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[1])
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def main():
    OUT.mkdir(exist_ok=True)
    pieces = {
        "groove_a_minor_96bpm": piece(96, 110.0, [[0, 3, 7], [5, 8, 12], [7, 10, 14], [3, 7, 10]], 4, 1, [0, None, 0, 7, None, 5, 3, None]),
        "house_c_major_124bpm": piece(124, 130.81, [[0, 4, 7], [9, 12, 16], [5, 9, 12], [7, 11, 14]], 6, 2, [0, 0, 12, 0, 0, 12, 7, 5]),
        "lofi_d_dorian_80bpm": piece(80, 146.83, [[0, 3, 7, 10], [5, 9, 12, 15]], 3, 3, [0, None, None, 7, 10, None, 7, None]),
    }
    for name, x in pieces.items():
        wav = OUT / f"{name}.wav"
        write_wav(wav, x)
    # Compressed copies exercise the MP3 and Ogg decoders; the WAV of the first piece is kept as is.
    for name, codec, ext in (("house_c_major_124bpm", ["-c:a", "libmp3lame", "-b:a", "128k"], "mp3"),
                             ("lofi_d_dorian_80bpm", ["-c:a", "libvorbis", "-q:a", "4"], "ogg")):
        wav = OUT / f"{name}.wav"
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), *codec,
                        "-map_metadata", "-1", "-fflags", "+bitexact", str(OUT / f"{name}.{ext}")], check=True)
        wav.unlink()
    make_transition_piece()


def make_transition_piece():
    TRANSITION.mkdir(exist_ok=True)
    name = "disco_e_minor_120bpm"
    wav = TRANSITION / f"{name}.wav"
    write_wav(wav, piece(120, 164.81, [[0, 3, 7], [8, 12, 15], [3, 7, 10], [10, 14, 17]], 6, 4, [0, 12, 0, 12, 0, 12, 7, 10]))
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "libvorbis", "-q:a", "4",
                    "-map_metadata", "-1", "-fflags", "+bitexact", str(TRANSITION / f"{name}.ogg")], check=True)
    wav.unlink()


if __name__ == "__main__":
    main()
