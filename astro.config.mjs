// The public site. Static output only: no server, no cookies, no third-party requests.
import { defineConfig } from 'astro/config';

export default defineConfig({
  srcDir: './src/site',
  outDir: process.env.CANDOR_SITE_OUT ?? './dist/site',
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'always' },
  devToolbar: { enabled: false },
  telemetry: false,
});
