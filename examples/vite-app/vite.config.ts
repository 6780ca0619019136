// `npx vite` (dev) or `npx vite build && npx vite preview`, from this folder. The gateway serves
// the quickstart's krakend.json on Vite's own port; the example backends start with the server.
import { krakend } from 'krakend-connect/vite';
import { defineConfig } from 'vite';
import { exampleBackends } from './backends-plugin.js';

export default defineConfig({
  plugins: [
    exampleBackends(),
    // Relative to this folder (Vite's root).
    krakend({ config: process.env.KRAKEND_CONFIG ?? '../quickstart/krakend.json' }),
  ],
});
