import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));
/** The server, for `/api` and `/in` while developing (one port in every other mode). */
const server = process.env.HOOKYARD_DEV_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@hookyard/contracts': `${workspace}libs/contracts/src/index.ts`,
    },
  },
  server: {
    port: 4200,
    proxy: {
      '/api': { target: server, changeOrigin: true },
      '/in': { target: server, changeOrigin: true },
    },
  },
  build: {
    outDir: `${workspace}dist/apps/dashboard`,
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
});
