#!/usr/bin/env bash
# Installs the Debian packages SpectroFlow uses at run time (and for tests), once. Safe to re-run.
#   libfftw3-single3  FFTW (fast mixed-radix FFT for Riffusion's 17640-point window)
#   libmp3lame0       MP3 encoding
#   ffmpeg            FLAC and other formats beyond WAV/MP3/OGG (optional at run time)
#   libfontconfig1    SkiaSharp's native library (JPEG, BMP and WebP images) links against it
#   chromium          the report test opens report.html in headless Chromium (tests only; SPECTROFLOW_WITH_CHROMIUM=0 skips)
set -euo pipefail
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libfftw3f.so.3 || need+=(libfftw3-single3)
have_lib libmp3lame.so.0 || need+=(libmp3lame0)
have_lib libfontconfig.so.1 || need+=(libfontconfig1)
if [ "${SPECTROFLOW_WITH_FFMPEG:-1}" = 1 ] && ! command -v ffmpeg >/dev/null 2>&1; then need+=(ffmpeg); fi
if [ "${SPECTROFLOW_WITH_CHROMIUM:-1}" = 1 ] && [ -z "${SPECTROFLOW_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "spectroflow: missing Debian packages: ${need[*]} (run: apt-get install ${need[*]})" >&2; exit 0; fi
else SUDO=""; fi
echo "spectroflow: installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
