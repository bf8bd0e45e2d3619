import { Testbed, sleep } from "./testbed";
(async () => {
  const bed = await Testbed.start({ agents: 2 });
  try {
    await bed.deployApp({ app: "shop", host: "shop.example.com", replicas: 2 });
    await bed.waitForColour("shop.example.com", "blue");
    await bed.waitForHealth("shop", "green", (n) => n === 2);
    let load = bed.startLoad(["shop.example.com"], 16);
    await sleep(2000);
    console.log("no flips", await load.stop());
    load = bed.startLoad(["shop.example.com"], 16);
    let c: "blue" | "green" = "blue";
    for (let i = 0; i < 10; i++) {
      c = c === "blue" ? "green" : "blue";
      await bed.setLiveColour("shop.example.com", c);
      await bed.waitForColour("shop.example.com", c);
      const s = load.snapshot();
      console.log(i, s.requests, s.resets);
    }
    console.log("flips", await load.stop());
  } finally {
    await bed.stop();
  }
})();
