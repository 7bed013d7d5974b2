#!/usr/bin/env python3
"""lsp.py TENANTC PROJECT — the language server's figures (bench/README.md, "The language server").

PROJECT holds tiers/ (the shipped tiers) and tenants/ (bench/gen_tenants.py's files, at least
1,000). `tenantc lsp --timings` writes, after each change, how long publishing took, measured in
the server from the change notification to the publication: `published` for the changed buffer,
`affected` for the other open buffers of a tier's project. Printed as JSON:
  * edit_ms: median `published` over EDITS changes of one open tenant buffer;
  * tier_edit_ms: median `affected` over TIER_EDITS changes of tiers/standard.tenant, with OPEN (50)
    tenants open (a mix of tiers);
  * rss_mib: the server's resident memory after opening 1,000 tenant files and receiving their
    diagnostics (and its peak, hwm_mib).
"""
import json
import os
import queue
import statistics
import subprocess
import sys
import threading

EDITS = int(os.environ.get("EDITS", "200"))
TIER_EDITS = int(os.environ.get("TIER_EDITS", "20"))


class Server:
    def __init__(self, tenantc, root):
        self.p = subprocess.Popen([tenantc, "lsp", "--timings"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=root)
        self.messages = queue.Queue()
        self.timings = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.next_id = 0
        self.request("initialize", {"processId": None, "rootUri": "file://" + root, "capabilities": {}})
        self.notify("initialized", {})

    def _read_stdout(self):
        out = self.p.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                c = out.read(1)
                if not c:
                    return
                header += c
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            self.messages.put(json.loads(out.read(length)))

    def _read_stderr(self):
        for line in self.p.stderr:
            label, ms = line.decode().split()
            self.timings.put((label, float(ms)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.messages.get(timeout=600)
            if m.get("id") == self.next_id:
                return m

    def wait_published(self, uri, version):
        while True:
            m = self.messages.get(timeout=600)
            p = m.get("params", {})
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return p["diagnostics"]

    def timing(self, wanted):
        while True:
            label, ms = self.timings.get(timeout=600)
            if label == wanted:
                return ms

    def drain_timings(self):
        while not self.timings.empty():
            self.timings.get()

    def open(self, path, version=1):
        uri = "file://" + path
        with open(path) as f:
            self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "tenant", "version": version, "text": f.read()}})
        return uri

    def change(self, uri, text, version):
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})

    def memory(self):
        fields = {}
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=60)


def edits(s, uri, variants, count, label):
    """The median `label` timing over `count` changes of `uri`, alternating `variants`."""
    s.drain_timings()
    times = []
    for v in range(2, count + 2):
        s.change(uri, variants[v % 2], v)
        times.append(s.timing(label))
        s.wait_published(uri, v)
    return statistics.median(times)


def tenant_edit(tenantc, root, files):
    s = Server(tenantc, root)
    uri = s.open(files[0])
    s.wait_published(uri, 1)
    text = open(files[0]).read()
    median = edits(s, uri, [text, text.replace("tenant_info {", "tenant_info {\n    region = \"eu-west-1\"", 1)], EDITS, "published")
    s.stop()
    return median


def tier_edit(tenantc, root, files):
    s = Server(tenantc, root)
    for path in files[:int(os.environ.get("OPEN", "50"))]:
        s.wait_published(s.open(path), 1)
    tier = os.path.join(root, "tiers", "standard.tenant")
    uri = s.open(tier)
    s.wait_published(uri, 1)
    text = open(tier).read()
    median = edits(s, uri, [text, text.replace("max_users = 1_000", "max_users = 1_001", 1)], TIER_EDITS, "affected")
    s.stop()
    return median


def memory(tenantc, root, files):
    s = Server(tenantc, root)
    uris = [s.open(path) for path in files[:1000]]
    for uri in uris:
        s.wait_published(uri, 1)
    rss, hwm = s.memory()
    s.stop()
    return rss, hwm


def main():
    tenantc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tenants = os.path.join(root, "tenants")
    files = [os.path.join(tenants, f) for f in sorted(os.listdir(tenants)) if f.endswith(".tenant")]
    assert len(files) >= 1000, "lsp.py needs a project of at least 1,000 tenants"
    rss, hwm = memory(tenantc, root, files)
    print(json.dumps({"edit_ms": tenant_edit(tenantc, root, files), "tier_edit_ms": tier_edit(tenantc, root, files),
                      "rss_mib": rss, "hwm_mib": hwm}))


if __name__ == "__main__":
    main()
