// Checks the README's first quick-start line: `npm start` comes up on the embedded
// store with the demo set, answers /readyz (true only once the control plane has
// built its first snapshots), serves the demo routes with the admin token it
// prints, hands out a bootstrap, serves the console under /ui, and accepts
// connections on its xDS port.
// Always stops the server.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const port = await freePort();
const xdsPort = await freePort();
const child = spawn('npm', ['start'], {
  env: {
    ...process.env,
    CROSSWAY_API_PORT: String(port),
    CROSSWAY_XDS_PORT: String(xdsPort),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stop);

async function main() {
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    try {
      const ready = await fetch(`${base}/readyz`);
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = /\n\s+(cw_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\n/.exec(output)?.[1];
  if (!token) throw new Error(`npm start printed no admin token:\n${output}`);
  const routes = await fetch(`${base}/api/v1/httproutes`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await routes.json();
  if (routes.status !== 200 || !Array.isArray(body.items) || body.items.length === 0) {
    throw new Error(`demo routes missing: ${routes.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  const bootstrap = await fetch(`${base}/api/v1/bootstrap?role=edge&gateway=edge/public`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const issued = await bootstrap.json();
  if (bootstrap.status !== 200 || typeof issued.token !== 'string' || !issued.envoy || !issued.grpc)
    throw new Error(
      `bootstrap failed: ${bootstrap.status} ${JSON.stringify(issued).slice(0, 300)}`,
    );
  // The console: built by npm start, served under /ui as a page with its script.
  const ui = await fetch(`${base}/ui/`);
  const page = await ui.text();
  const script = /<script[^>]+src="(\/ui\/assets\/[^"]+\.js)"/.exec(page)?.[1];
  if (ui.status !== 200 || !script)
    throw new Error(`console not served: ${ui.status} ${page.slice(0, 200)}`);
  const asset = await fetch(`${base}${script}`);
  if (asset.status !== 200) throw new Error(`console script ${script}: ${asset.status}`);
  await new Promise((resolve, reject) => {
    const socket = connect(xdsPort, '127.0.0.1', () => {
      socket.end();
      resolve(undefined);
    });
    socket.once('error', (error) => reject(new Error(`xDS port ${xdsPort} refused: ${error}`)));
  });
  console.log(
    `smoke: npm start is ready on ${base} (xDS on ${xdsPort}) with ${body.items.length} demo HTTPRoutes and the console at ${base}/ui/`,
  );
}

main()
  .then(() => {
    stop();
    process.exit(0);
  })
  .catch((error) => {
    console.error(`smoke: ${error.message}`);
    stop();
    process.exit(1);
  });
