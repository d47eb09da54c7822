#!/bin/sh
# Install the unpacked bundle for this user (or system-wide with PREFIX=/usr/local, as root):
#   ./install.sh            -> ~/.local/opt/kanban-team-board, ~/.local/bin/kanban, menu entry
#   ./install.sh --uninstall
set -eu
PREFIX="${PREFIX:-$HOME/.local}"
HERE="$(cd "$(dirname "$0")" && pwd)"
APP="$PREFIX/opt/kanban-team-board"
SHARE="$PREFIX/share"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP" "$PREFIX/bin/kanban" "$SHARE/applications/kanban-team-board.desktop" \
        "$SHARE/metainfo/kanban-team-board.metainfo.xml"
    find "$SHARE/icons/hicolor" -name 'kanban-team-board.*' -delete 2>/dev/null || true
    echo "Kanban Team Board removed from $PREFIX"
    exit 0
fi

mkdir -p "$APP" "$PREFIX/bin" "$SHARE/applications" "$SHARE/metainfo"
cp -a "$HERE/kanban" "$HERE/_internal" "$APP/"
ln -sf "$APP/kanban" "$PREFIX/bin/kanban"
sed "s|^Exec=kanban|Exec=$APP/kanban|; s|^TryExec=kanban|TryExec=$APP/kanban|" \
    "$HERE/share/applications/kanban-team-board.desktop" \
    > "$SHARE/applications/kanban-team-board.desktop"
cp "$HERE/share/metainfo/kanban-team-board.metainfo.xml" "$SHARE/metainfo/"
cp -a "$HERE/share/icons" "$SHARE/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
echo "Kanban Team Board installed in $APP; run 'kanban' or pick it from the menu."
