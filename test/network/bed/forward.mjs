// A byte-for-byte TCP forwarder between a namespace and the machine's PostgreSQL and Redis:
// `node forward.mjs LISTEN=TARGET ...`, each side `host:port` or a Unix socket path. Unix sockets
// live in the file system, which network namespaces share, so a forwarder in the machine's
// namespace (path → 127.0.0.1:port) and one inside the bed (address:port → path) carry a
// connection across without any route between the two.
import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

const endpoint = (text) => {
  if (text.startsWith('/')) return { path: text };
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at), port: Number(text.slice(at + 1)) };
};

for (const pair of process.argv.slice(2)) {
  const [listen, target] = pair.split('=');
  const from = endpoint(listen);
  const to = endpoint(target);
  if (from.path) rmSync(from.path, { force: true });
  const server = createServer((socket) => {
    const upstream = createConnection(to);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  server.listen(from, () => console.log(`forwarding ${listen} -> ${target}`));
}
