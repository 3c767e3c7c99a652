#!/usr/bin/env python3
"""Prints, one a line, every request a page made, from a Chromium net log (--log-net-log).

Chromium's own background requests (component updates, account checks) carry the initiator
"not an origin"; requests a page makes carry its origin ("null" for a file:// page). The URL
given as the second argument (the page itself, which a refresh may load again) is not counted.
"""
import json
import sys

log = json.load(open(sys.argv[1]))
page = sys.argv[2] if len(sys.argv) > 2 else ""
names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
for event in log["events"]:
    if names.get(event["type"]) != "URL_REQUEST_START_JOB":
        continue
    params = event.get("params", {})
    url, initiator = params.get("url", ""), params.get("initiator", "")
    if initiator != "not an origin" and url != page:
        print(url)
