import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { SummaryReporter } from './vitest.summary';

// The Go server embeds dist/ (//go:embed all:dist) and serves index.html for
// client routes; in development the API lives on the Go server at :8080.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: a separate chunk stays
        // cached across releases. Only what every page needs is grouped; the
        // rest (charts, drag and drop) follows the lazy page that imports it,
        // so the login page does not download it.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|@tanstack)[\\/]/, priority: 20 },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine[\\/](core|hooks|form|modals|notifications|spotlight)|@floating-ui)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    reporters: ['default', new SummaryReporter('web')],
  },
});
