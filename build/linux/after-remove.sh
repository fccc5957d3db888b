#!/bin/bash
# Debian post-remove for Venue POS: undoes after-install.sh. As there, electron-builder expands
# ${executable} and ${sanitizedProductName}; shell variables are written as $NAME.
set -u

APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove "$EXE" "$APP_DIR/$EXE" || true
else
    rm -f "/usr/bin/$EXE"
fi

PROFILE_DST="/etc/apparmor.d/$EXE"
if [ -f "$PROFILE_DST" ]; then
    if apparmor_status --enabled >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
        apparmor_parser --remove "$PROFILE_DST" || true
    fi
    rm -f "$PROFILE_DST"
fi

# Remove the device rule, but keep the venuepos group: accounts may still be members, and a
# reinstall should find them as they were.
rm -f /usr/lib/udev/rules.d/99-venue-pos.rules /lib/udev/rules.d/99-venue-pos.rules
if command -v udevadm >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    udevadm control --reload-rules || true
fi
exit 0
