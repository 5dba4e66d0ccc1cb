"""Loads a URL in a WebKitGTK webview (the engine of Tauri on Linux) and prints, as JSON,
`window.katalystDemo` once the page sets `done`, plus what the engine offers. Run under
`xvfb-run -a /usr/bin/python3` (Debian's python, which has `gi`)."""
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

PROBE = """JSON.stringify({
  demo: window.katalystDemo ?? null,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
})"""


def main(url, timeout_s=90):
    window = Gtk.Window()
    view = WebKit2.WebView()
    window.add(view)
    window.show_all()

    def finish(payload):
        print(json.dumps(payload))
        Gtk.main_quit()
        return False

    def on_result(webview, result):
        try:
            value = json.loads(webview.evaluate_javascript_finish(result).to_string())
        except GLib.Error:
            return
        if value["demo"] and value["demo"].get("done"):
            finish(value)

    def poll():
        view.evaluate_javascript(PROBE, -1, None, None, None, on_result)
        return True

    view.load_uri(url)
    GLib.timeout_add(250, poll)
    GLib.timeout_add_seconds(timeout_s, lambda: finish({"timeout": True}))
    Gtk.main()


if __name__ == "__main__":
    main(sys.argv[1])
