// `npm run dev`: Parley's processes as `npm start` runs them, plus Vite with hot reload on :5173,
// which proxies /api, /health and /socket.io to the server on :3000.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const procs = [
  spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, stdio: 'inherit' }),
  spawn('npm', ['run', 'dev', '-w', 'client'], { cwd: root, stdio: 'inherit' }),
];
const stop = () => procs.forEach((p) => p.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const p of procs)
  p.on('exit', () => {
    stop();
    process.exitCode = p.exitCode ?? 0;
  });
