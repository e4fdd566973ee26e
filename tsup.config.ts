import { build, defineConfig } from 'tsup';

export default defineConfig({
  // The library; `pyexec/server` (Fastify, loaded only by who serves); the `pyexec` command.
  entry: { index: 'src/index.ts', server: 'src/server/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  // Members marked @internal (the bases' constructors, which take a Strategy) stay out of the .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // import.meta.url in the CommonJS build too (the harness is located relative to this file).
  shims: true,
  // The playground's script for browsers, CodeMirror bundled in (the page fetches nothing from
  // elsewhere); after the library build, whose `clean` would otherwise remove it.
  async onSuccess() {
    await build({
      config: false,
      entry: { playground: 'src/playground/main.ts' },
      outDir: 'dist/playground',
      format: ['iife'],
      outExtension: () => ({ js: '.js' }),
      platform: 'browser',
      target: 'es2022',
      tsconfig: 'src/playground/tsconfig.json',
      noExternal: [/./],
      minify: true,
      clean: false,
      dts: false,
      sourcemap: false,
      silent: true,
    });
  },
});
