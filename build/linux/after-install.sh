#!/bin/bash
# Debian post-install for Venue POS. electron-builder expands ${executable} and
# ${sanitizedProductName} in this file and fails on any other dollar-brace, so shell variables
# below are written as $NAME. Replacing electron-builder's default script means doing its work
# too: the command link, the Chromium sandbox helper, desktop entries and the AppArmor profile.
set -u

APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'

# Command link: /usr/bin/venue-pos
if type update-alternatives >/dev/null 2>&1; then
    if [ -L "/usr/bin/$EXE" ] && [ "$(readlink "/usr/bin/$EXE")" != "/etc/alternatives/$EXE" ]; then
        rm -f "/usr/bin/$EXE"
    fi
    update-alternatives --install "/usr/bin/$EXE" "$EXE" "$APP_DIR/$EXE" 100 || ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
else
    ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
fi

# Chromium's setuid sandbox helper is needed only where unprivileged user namespaces are not.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database /usr/share/applications || true
fi

# Ubuntu 24.04 and later confine unprivileged user namespaces; the profile lets the app use them.
PROFILE_SRC="$APP_DIR/resources/apparmor-profile"
PROFILE_DST="/etc/apparmor.d/$EXE"
if [ -f "$PROFILE_SRC" ] && apparmor_status --enabled >/dev/null 2>&1; then
    if apparmor_parser --skip-kernel-load --debug "$PROFILE_SRC" >/dev/null 2>&1; then
        cp -f "$PROFILE_SRC" "$PROFILE_DST"
        if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
            apparmor_parser --replace --write-cache --skip-read-cache "$PROFILE_DST" || true
        fi
    fi
fi

# Device access (build/linux/99-venue-pos.rules): the group, the rule, and a re-scan so devices
# already plugged in get the new permissions without a reboot.
if ! getent group venuepos >/dev/null 2>&1; then
    groupadd --system venuepos || true
fi
RULES_DIR=/usr/lib/udev/rules.d
[ -d "$RULES_DIR" ] || RULES_DIR=/lib/udev/rules.d
install -m 0644 "$APP_DIR/resources/udev/99-venue-pos.rules" "$RULES_DIR/99-venue-pos.rules"
if command -v udevadm >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    udevadm control --reload-rules || true
    udevadm trigger --action=change --subsystem-match=tty --subsystem-match=hidraw \
        --subsystem-match=usbmisc --subsystem-match=usb || true
fi

echo "Venue POS: add the cashier's account to the venuepos group for device access:"
echo "  usermod -aG venuepos <user>   (takes effect at the next login)"
exit 0
