// Runs the testbed's load generator in its own process, so that measuring flips in the parent is
// not delayed by the load's own event loop. Driven over IPC: "snapshot" and "stop".
import { startLoad } from "../../../hosts/testbed";

const load = startLoad(JSON.parse(process.argv[2]) as Parameters<typeof startLoad>[0]);
process.on("message", (m) => {
  if (m === "snapshot") process.send!({ snapshot: load.snapshot() });
  if (m === "stop") void load.stop().then((result) => process.send!({ result }, () => process.exit(0)));
});
