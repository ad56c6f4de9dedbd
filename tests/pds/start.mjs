// Start a real Bluesky PDS and an in-memory PLC directory on 127.0.0.1, for tests.
//
//   node start.mjs [--pds-port N] [--plc-port N]     (or env PDS_PORT / PLC_PORT; 0 = free port)
//
// Prints one JSON line {"pds": "http://localhost:P", "plc": "http://localhost:Q", ...} on
// stdout once the PDS answers /xrpc/_health; everything else goes to stderr. Stops both
// servers and removes its temp data on SIGTERM/SIGINT. Run with Node >= 22 (setup.sh
// installs one into .cache/); modules are loaded from .cache/node_modules.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const HOST = '127.0.0.1'
const here = dirname(fileURLToPath(import.meta.url))
const cache = process.env.CARECAST_PDS_CACHE ?? join(here, '.cache')
const require = createRequire(join(cache, 'package.json'))

const { values: args } = parseArgs({
  options: { 'pds-port': { type: 'string' }, 'plc-port': { type: 'string' } },
})

// Both servers call app.listen(port), which binds every interface: pin them to loopback.
function bindToLoopback(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, HOST, ...rest)
}

// The PDS writes its own URL (with the port) into DIDs and tokens, so it needs the port
// before it starts: reserve a free one first.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function portFrom(value) {
  const port = Number(value ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port: ${value}`)
  return port
}

async function startPlc(port) {
  const { PlcServer, Database } = require('@did-plc/server')
  const plc = PlcServer.create({ db: Database.mock(), port })
  bindToLoopback(plc.app)
  const server = await plc.start()
  return { plc, port: server.address().port }
}

async function startPds(port, plcPort, dataDir) {
  const pdsModule = await import(pathToFileURL(require.resolve('@atproto/pds')).href)
  const { PDS, readEnv, envToCfg, envToSecrets } = pdsModule
  const adminPassword = randomBytes(12).toString('hex')
  Object.assign(process.env, {
    PDS_HOSTNAME: 'localhost',
    PDS_PORT: String(port),
    PDS_DATA_DIRECTORY: dataDir,
    PDS_BLOBSTORE_DISK_LOCATION: join(dataDir, 'blobs'),
    PDS_JWT_SECRET: randomBytes(16).toString('hex'),
    PDS_ADMIN_PASSWORD: adminPassword,
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: randomBytes(32).toString('hex'),
    // The DID resolver refuses IP hosts: the name localhost, not 127.0.0.1.
    PDS_DID_PLC_URL: `http://localhost:${plcPort}`,
    PDS_DEV_MODE: 'true',
    PDS_INVITE_REQUIRED: 'false',
  })
  delete process.env.PDS_BSKY_APP_VIEW_URL
  delete process.env.PDS_CRAWLERS
  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  bindToLoopback(pds.app)
  await pds.start()
  return { pds, adminPassword }
}

async function waitHealthy(url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/xrpc/_health`)
      if (res.ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`PDS not healthy after ${timeoutMs} ms`)
}

async function main() {
  const started = Date.now()
  const dataDir = mkdtempSync(join(tmpdir(), 'carecast-pds-'))
  const running = []
  let stopping = false
  const stop = async (code) => {
    if (stopping) return
    stopping = true
    for (const server of running.reverse()) {
      await server.destroy().catch((err) => console.error('stop:', err))
    }
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(code)
  }
  process.on('SIGTERM', () => stop(0))
  process.on('SIGINT', () => stop(0))

  try {
    const { plc, port: plcPort } = await startPlc(portFrom(args['plc-port'] ?? process.env.PLC_PORT))
    running.push(plc)
    let pdsPort = portFrom(args['pds-port'] ?? process.env.PDS_PORT)
    if (pdsPort === 0) pdsPort = await freePort()
    const { pds, adminPassword } = await startPds(pdsPort, plcPort, dataDir)
    running.push(pds)
    const url = `http://localhost:${pdsPort}`
    await waitHealthy(url)
    const info = {
      pds: url,
      plc: `http://localhost:${plcPort}`,
      admin_password: adminPassword,
      data_dir: dataDir,
      pid: process.pid,
      startup_ms: Date.now() - started,
    }
    process.stdout.write(JSON.stringify(info) + '\n')
  } catch (err) {
    console.error('start.mjs: failed to start:', err)
    await stop(1)
  }
}

main()
