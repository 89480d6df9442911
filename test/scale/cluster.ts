/**
 * Fixture of the scale tests: a real cluster (`scripts/cluster.ts` with its own redis-server, N
 * game server processes and nginx with TLS) on free loopback ports. The start logic lives in
 * bench/cluster/cluster-process.ts, shared with `npm run bench:cluster`; clusters started here
 * serve the certificate of the scale project's global setup (test/scale/tls-setup.ts), which the
 * test workers trust.
 */
export {
  ADMIN_TOKEN,
  freePort,
  startCluster,
  until,
  type Cluster,
  type ClusterOptions,
  type ClusterProcess,
  type Health,
  type Listing,
} from "../../bench/cluster/cluster-process.ts";
