/**
 * Global setup of the scale tests: one self-signed certificate for every cluster they start,
 * trusted by the test workers through NODE_EXTRA_CA_CERTS (read when a process starts, so it
 * is set here, before Vitest forks the workers). The clusters' nginx serves it (TLS_CERT and
 * TLS_KEY), so the SDK, fetch and EventSource-like readers verify TLS as a browser would.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-scale-tls-"));
  const made = spawnSync("bash", [path.resolve("deploy/tls/make-cert.sh"), dir], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`could not make the test certificate: ${made.stderr}`);
  process.env["NODE_EXTRA_CA_CERTS"] = path.join(dir, "cert.pem");
  process.env["SCALE_TLS_CERT"] = path.join(dir, "cert.pem");
  process.env["SCALE_TLS_KEY"] = path.join(dir, "key.pem");
  return () => rmSync(dir, { recursive: true, force: true });
}
