import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built once and served by either Electron (file://) or the browser-mode host.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
});
