import { z } from "zod";

/** What the offline diff (`npm run plan -- --diff BASE`) may let through; see docs/releases.md. */
export const reviewSchema = z
  .strictObject({
    /**
     * Resources (logical names such as `etcd-0-data`, or full URNs) whose replacement or deletion
     * this change means to make although they are protected or hold data.
     */
    allowDestroy: z.array(z.string().min(1)).default([]),
  })
  .prefault({});
