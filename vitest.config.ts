/**
 * Test layers as Vitest projects: `unit` (pure modules, synchronous), `integration` (a real
 * server and real SDK clients on loopback), `scale` (clusters of server processes on Redis
 * behind nginx with TLS), `e2e` (the production build in headless Chromium).
 * The layers run one after another (groupOrder): integration tests compare timings of real
 * clients and must not share the two cores with a software-rendering Chromium.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 1 },
          // Colyseus keeps its matchmaker in module state: one server per file, files in
          // separate threads, run one after another so timings are not starved.
          pool: "threads",
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "scale",
          include: ["test/scale/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 2 },
          // Real clusters (redis-server, server processes, nginx with TLS): forks, so the
          // workers start with the test certificate trusted (tls-setup.ts), one file at a time.
          pool: "forks",
          fileParallelism: false,
          globalSetup: ["test/scale/tls-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 3 },
          pool: "threads",
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
