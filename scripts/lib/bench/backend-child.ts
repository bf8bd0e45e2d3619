// Serves the bench's blue/green backends from their own process (see remote.ts).
import { startBackend } from "../../../hosts/testbed";

void (async () => {
  const perColour = Number(process.argv[2]);
  const ports: Record<string, number[]> = { blue: [], green: [] };
  for (const colour of ["blue", "green"] as const) {
    for (let i = 0; i < perColour; i++) ports[colour].push((await startBackend(colour)).port);
  }
  process.send!({ ports });
  process.on("disconnect", () => process.exit(0));
})();
