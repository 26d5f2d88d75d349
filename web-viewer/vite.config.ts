import { defineConfig } from "vitest/config";

// `npm run dev` proxies the archive's routes to a running gateway (ISOCENTER_GATEWAY, default the dev stack's), adding
// ISOCENTER_TOKEN as a bearer token when set (before the gateway's cookie login is at hand).
const gateway = process.env.ISOCENTER_GATEWAY ?? "http://127.0.0.1:8080";
const token = process.env.ISOCENTER_TOKEN;
const proxied = { target: gateway, ws: true, headers: token ? { Authorization: `Bearer ${token}` } : {} };

export default defineConfig({
  build: { outDir: "dist", target: "es2022", sourcemap: true },
  server: { proxy: { "/dicomweb": proxied, "/render": proxied, "/api": proxied, "/login": proxied } },
  test: { include: ["src/**/*.test.ts"] },
});
