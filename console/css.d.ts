/* CSS files are bundled by esbuild (scripts/console-bundle.ts); importing one has no value. */
declare module "*.css";
