#!/usr/bin/env bash
# install_sdk_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 source=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/hnn-host include/hnn/plugin.h include/hnn/hamiltonian_system.h \
         lib/cmake/hnn/hnnConfig.cmake lib/cmake/hnn/HnnPlugin.cmake; do
  [[ -e "$prefix/$f" ]] || { echo "FAIL: $f is not installed"; exit 1; }
done
ls "$prefix"/lib/hnn/plugins/*.so >/dev/null || { echo "FAIL: no bundled plugins installed"; exit 1; }

# The example, copied out of the source tree, built against the installed SDK only.
cp -r "$source/examples/quartic_oscillator" "$work/example"
cmake -S "$work/example" -B "$work/example/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/example/build" -j2 >/dev/null

host="$prefix/bin/hnn-host"
"$host" --version
listing=$("$host" --list-plugins --plugin-dir "$work/example/build/quartic_oscillator.so")
grep -q "quartic_oscillator" <<<"$listing" || { echo "FAIL: the example is not listed"; exit 1; }
grep -q "$prefix/lib/hnn/plugins/hnn_mlp.so" <<<"$listing" \
  || { echo "FAIL: the installed host does not load its installed plugins"; echo "$listing"; exit 1; }

cd "$work/example"
"$host" pipeline.yaml --quiet -o "$work/run"
grep -q 'system: "quartic_oscillator"' "$work/run/summary.yaml" || { echo "FAIL: no summary"; exit 1; }
loss=$(sed -n 's/^    final_test_loss: //p' "$work/run/summary.yaml")
awk -v loss="$loss" 'BEGIN { exit !(loss < 1e-3) }' \
  || { echo "FAIL: the example's MLP did not learn (test loss $loss)"; exit 1; }

# The data-source example: a lab's file format as a plugin, built the same way, trained
# without a system and evaluated against its held-out frames.
cp -r "$source/examples/lab_tracker" "$work/lab"
cmake -S "$work/lab" -B "$work/lab/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/lab/build" -j2 >/dev/null
cd "$work/lab"
"$host" pipeline.yaml --quiet -o "$work/lab_run"
grep -q 'pieces: 1' "$work/lab_run/summary.yaml" || { echo "FAIL: no measured evaluation"; exit 1; }
lab_loss=$(sed -n 's/^    final_test_loss: //p' "$work/lab_run/summary.yaml")
awk -v loss="$lab_loss" 'BEGIN { exit !(loss < 1e-2) }' \
  || { echo "FAIL: the lab example's MLP did not learn (test loss $lab_loss)"; exit 1; }
# A broken frame is refused with its line and column, exit 2.
sed -i '5s/x=/y=/' frames.txt
if "$host" pipeline.yaml --check 2>"$work/lab_check.err"; then echo "FAIL: broken frame accepted"; exit 1; fi
grep -q 'frames.txt:5:8: error:' "$work/lab_check.err" \
  || { echo "FAIL: the broken frame is not located"; cat "$work/lab_check.err"; exit 1; }
echo "install_sdk_test: installed host ran the out-of-tree plugins; test losses $loss, $lab_loss"
echo "1 passed, 0 failed"
