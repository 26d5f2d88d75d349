// DICOM peers for the PACS tests, each started from a generated configuration on free loopback ports and stopped by the
// test (also when it fails): Orthanc (Debian package orthanc) as the "hospital PACS", and DCMTK's storescp as a peer
// that stores but offers no query/retrieve.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A TCP port free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const started = new Set();
// A test run that ends abruptly still leaves no peer behind.
process.on("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

/** Spawns a peer; its output is kept for error messages. */
function start(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  child.output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (child.output = (child.output + chunk).slice(-20_000)));
  child.exited = new Promise((resolve) => child.on("exit", resolve));
  child.on("exit", () => started.delete(child));
  return child;
}

async function stop(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await child.exited;
  clearTimeout(timer);
}

/** Waits until PORT accepts TCP connections (the peer listens), failing if CHILD exits first. */
async function waitListening(child, port, what) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${child.output}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within 60 s:\n${child.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts an Orthanc with AE title ORTHANC on free DICOM and HTTP ports. `modalities` ({ name: [AE, host, port] }) are the
 * peers it knows (C-MOVE destinations); `open` (default) accepts every DIMSE service from any AE title, otherwise only
 * from known modalities (so an unknown calling AE title is rejected). Returns { dicomPort, httpPort, upload(files), stop() }.
 */
export async function startOrthanc({ modalities = {}, open = true } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "isocenter-e2e-orthanc-"));
  const [dicomPort, httpPort] = [await freePort(), await freePort()];
  const config = path.join(dir, "orthanc.json");
  writeFileSync(config, JSON.stringify({
    Name: "isocenter-e2e",
    StorageDirectory: path.join(dir, "storage"),
    IndexDirectory: path.join(dir, "index"),
    StorageCompression: false,
    HttpServerEnabled: true,
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: true,
    DicomAet: "ORTHANC",
    DicomPort: dicomPort,
    DicomCheckCalledAet: true,
    DicomAlwaysAllowEcho: open,
    DicomAlwaysAllowStore: open,
    DicomAlwaysAllowFind: open,
    DicomAlwaysAllowMove: open,
    DicomAlwaysAllowGet: open,
    DicomModalities: modalities,
    SaveJobs: false,
  }));
  const child = start("/usr/sbin/Orthanc", [config]);
  const orthanc = {
    dicomPort,
    httpPort,
    /** Stores FILES through Orthanc's REST API (`POST /instances`). */
    async upload(files) {
      for (const file of files) {
        const response = await fetch(`http://127.0.0.1:${httpPort}/instances`, { method: "POST", body: readFileSync(file) });
        if (!response.ok) throw new Error(`Orthanc refused ${file}: ${response.status} ${await response.text()}`);
      }
    },
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitListening(child, dicomPort, "Orthanc");
    await waitListening(child, httpPort, "Orthanc's HTTP server");
  } catch (error) {
    await orthanc.stop();
    throw error;
  }
  return orthanc;
}

/** Starts DCMTK's storescp (a Storage SCP that also answers C-ECHO, nothing else) on a free port: { port, stop() }. */
export async function startStorescp() {
  const dir = mkdtempSync(path.join(tmpdir(), "isocenter-e2e-storescp-"));
  const port = await freePort();
  const child = start("storescp", ["--output-directory", dir, "--aetitle", "STORESCP", String(port)]);
  const storescp = {
    port,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitListening(child, port, "storescp");
  } catch (error) {
    await storescp.stop();
    throw error;
  }
  return storescp;
}
