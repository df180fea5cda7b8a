import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

/** The Parley server that `vite dev` forwards API, health and Socket.io traffic to. */
const apiTarget = process.env.PARLEY_DEV_API ?? 'http://localhost:3000';

const protocolSource = decodeURIComponent(new URL('../protocol/src/index.ts', import.meta.url).pathname);

export default defineConfig({
  plugins: [solid()],
  resolve: {
    alias: { '@parley/protocol': protocolSource },
    // One zod for the app and the protocol sources (its jitless setting in main.tsx covers both).
    dedupe: ['zod'],
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
      '/socket.io': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
