/** How the registrar's Deployment passes settings: each flag also reads SWITCHYARD_REGISTRAR_<FLAG>. */
export function registrarEnvName(flag: string): string {
  return `SWITCHYARD_REGISTRAR_${flag.toUpperCase().replace(/-/g, "_")}`;
}
