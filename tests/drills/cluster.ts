// The throwaway PostgreSQL cluster lives with `npm run cluster`, which starts one too.
export { freePort, startCluster, type Cluster } from "../../scripts/cluster/postgres";
