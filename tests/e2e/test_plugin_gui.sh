#!/bin/bash
# GUI smoke test: Wireshark (Qt) under Xvfb opens a sample with the plugin, selects a frame that
# carries tlsaudit items, shows no error box, and a screenshot is saved under the build folder
# (tests/plugin_gui/shot.png). Behaviour is asserted with tshark elsewhere; this only checks that
# the GUI loads the plugin and comes up.
source "$(dirname "$0")/plugin_env.sh"

for tool in Xvfb wireshark xdotool import; do
    if ! command -v "$tool" > /dev/null 2>&1; then
        echo "SKIP: $tool not installed"
        exit 0
    fi
done

# A capture with steps and findings: a sample when they exist, else a public capture.
cap=""
for c in "$TLSA_SRC/samples/17-cert-expired.pcap" "$TLSA_SRC/samples/04-tls12-ecdhe-rsa.pcap" \
    "$TLSA_SHARED/captures/wireshark/tls12-aes256gcm.pcap"; do
    if [ -f "$c" ]; then
        cap=$c
        break
    fi
done
[ -n "$cap" ] || { echo "SKIP: no capture to open"; exit 0; }
in=$(plugin_input "$cap")
name=$(basename "$cap")

ca_opt=()
[ -f "$TLSA_SRC/samples/pki/ca.pem" ] && ca_opt=(-o "tlsaudit.ca_file:$(plugin_input "$TLSA_SRC/samples/pki/ca.pem")")

# The frame to show: the one with the connection summary (else the first with a step).
frame=$(tshark_plugin -n -r "$in" -2 -Y "tlsaudit.conn" -T fields -e frame.number 2>/dev/null | head -1)
[ -n "$frame" ] || frame=$(tshark_plugin -n -r "$in" -2 -Y "tlsaudit.step" -T fields -e frame.number 2>/dev/null | head -1)
if [ -z "$frame" ]; then
    fail "$name: no frame with tlsaudit items (tshark)"
    plugin_finish
fi

outdir="$TLSA_BUILD/tests/plugin_gui"
mkdir -p "$outdir"
shot="$outdir/shot.png"
rm -f "$shot"

cat > "$PLUGIN_HOME/.config/wireshark/recent_common" <<'RECENT'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 1000
gui.geometry_main_maximized: FALSE
RECENT
# A short packet list leaves room for the details pane.
cat > "$PLUGIN_HOME/.config/wireshark/recent" <<'RECENT'
gui.geometry_main_upper_pane: 220
gui.geometry_main_lower_pane: 1000
RECENT
chmod -R a+rX "$PLUGIN_HOME/.config"
[ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$PLUGIN_HOME/.config"

# A free display number.
disp=""
for n in $(seq 90 130); do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
        disp=":$n"
        break
    fi
done
[ -n "$disp" ] || { echo "SKIP: no free X display number"; exit 0; }

Xvfb "$disp" -screen 0 1600x1000x24 -nolisten tcp > "$PLUGIN_HOME/xvfb.log" 2>&1 &
xvfb_pid=$!
ws_pid=""
cleanup_gui() {
    [ -n "$ws_pid" ] && kill "$ws_pid" 2>/dev/null
    kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$PLUGIN_HOME"
}
trap cleanup_gui EXIT
for _ in $(seq 1 50); do
    [ -e "/tmp/.X11-unix/X${disp#:}" ] && break
    sleep 0.2
done

wireshark_user env DISPLAY="$disp" QT_QPA_PLATFORM=xcb wireshark -r "$in" -Y "tlsaudit" -g "$frame" \
    -o tlsaudit.expand_tree:TRUE "${ca_opt[@]}" > "$PLUGIN_HOME/wireshark.log" 2>&1 &
ws_pid=$!

# Wait for the main window (its title starts with the file name), up to 45 s.
win=""
for _ in $(seq 1 90); do
    win=$(DISPLAY="$disp" xdotool search --onlyvisible --name "$name" 2>/dev/null | head -1)
    [ -n "$win" ] && break
    if ! kill -0 "$ws_pid" 2>/dev/null; then break; fi
    sleep 0.5
done
if [ -z "$win" ]; then
    fail "the Wireshark window did not open (log: $(head -5 "$PLUGIN_HOME/wireshark.log"))"
    plugin_finish
fi
pass "Wireshark window opened on $name, frame $frame selected"

# Let the packet list and details pane render, then look for error boxes and take the shot.
sleep 3
names=""
for w in $(DISPLAY="$disp" xdotool search --onlyvisible --name '.' 2>/dev/null); do
    names="$names$(DISPLAY="$disp" xdotool getwindowname "$w" 2>/dev/null)
"
done
if grep -qiE 'error|warning|invalid|couldn.t' <<< "$names"; then
    fail "an error box is open: $(grep -iE 'error|warning|invalid|couldn.t' <<< "$names" | head -3)"
else
    pass "no error box"
fi
if grep -qi "tlsaudit.*\(undefined symbol\|couldn't load\)" "$PLUGIN_HOME/wireshark.log"; then
    fail "plugin load error in the GUI: $(grep -i tlsaudit "$PLUGIN_HOME/wireshark.log" | head -2)"
fi

if DISPLAY="$disp" import -window "$win" "$shot" 2>/dev/null && [ -s "$shot" ]; then
    pass "screenshot saved: $shot"
else
    fail "screenshot failed"
fi
plugin_finish
