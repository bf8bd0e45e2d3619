/**
 * Which instance type names exist: EC2 families (current and previous generation, as AWS lists
 * them in "Amazon EC2 instance types") and the sizes they come in. A name outside these is a
 * configuration error, so a typo never reaches the plan as an unpriced line; whether a family
 * has a given size in a region is for AWS to confirm (docs/configuration.md).
 */
export const EC2_FAMILIES = new Set(
  (
    "a1 c1 c3 c4 c5 c5a c5ad c5d c5n c6a c6g c6gd c6gn c6i c6id c6in c7a c7g c7gd c7gn c7i c7i-flex c8g c8gd c8gn " +
    "d2 d3 d3en dl1 f1 f2 g4ad g4dn g5 g5g g6 g6e g6f gr6 h1 hpc6a hpc6id hpc7a hpc7g i2 i3 i3en i4g i4i i7i i7ie i8g " +
    "im4gn inf1 inf2 is4gen m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m5zn m6a m6g m6gd m6i m6id m6idn m6in m7a m7g m7gd " +
    "m7i m7i-flex m8g m8gd mac1 mac2 p3 p3dn p4d p4de p5 p5e p5en r3 r4 r5 r5a r5ad r5b r5d r5dn r5n r6a r6g r6gd r6i " +
    "r6id r6idn r6in r7a r7g r7gd r7i r7iz r8g r8gd t1 t2 t3 t3a t4g trn1 trn1n trn2 " +
    // High Memory instances: the family name carries the memory size.
    "u-3tb1 u-6tb1 u-9tb1 u-12tb1 u-18tb1 u-24tb1 u7i-6tb u7i-8tb u7i-12tb u7in-16tb u7in-24tb u7in-32tb " +
    "vt1 x1 x1e x2gd x2idn x2iedn " +
    "x2iezn x8g z1d"
  ).split(" "),
);

const SIZE = /^(nano|micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)$/;

/**
 * Undefined when `name` (already shaped family.size) is a real family and size; otherwise what is
 * wrong with it.
 */
export function instanceTypeProblem(name: string): string | undefined {
  const dot = name.indexOf(".");
  const family = name.slice(0, dot);
  const size = name.slice(dot + 1);
  if (!EC2_FAMILIES.has(family))
    return `${JSON.stringify(family)} is not an EC2 instance family (in ${JSON.stringify(name)})`;
  if (!SIZE.test(size))
    return `${JSON.stringify(size)} is not an EC2 instance size (in ${JSON.stringify(name)})`;
  return undefined;
}
