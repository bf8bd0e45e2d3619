/** The configurator's settings, all from the environment (the Job sets them; secrets by secretKeyRef). */
export interface ConfiguratorEnv {
  url: string;
  username: string;
  password: string;
  kafkaPassword: string;
  desiredStateFile: string;
  waitSeconds: number;
}

/** The settings, or one line naming every missing or malformed variable (no bundle-sized schema library). */
export function readEnv(env: NodeJS.ProcessEnv): ConfiguratorEnv | { error: string } {
  const problems: string[] = [];
  const need = (name: string, pattern = /./) => {
    const v = env[name];
    if (v === undefined || !pattern.test(v))
      problems.push(`${name}: ${v === undefined ? "not set" : "malformed"}`);
    return v ?? "";
  };
  const url = need("GRAYLOG_URL", /^https?:\/\/[A-Za-z0-9.:-]+$/);
  const settings = {
    url,
    username: need("GRAYLOG_USERNAME"),
    password: need("GRAYLOG_PASSWORD"),
    kafkaPassword: need("KAFKA_PASSWORD"),
    desiredStateFile: need("DESIRED_STATE_FILE"),
    waitSeconds: Number(env.WAIT_SECONDS ?? 900),
  };
  if (!Number.isInteger(settings.waitSeconds) || settings.waitSeconds < 1)
    problems.push("WAIT_SECONDS: expected whole seconds");
  return problems.length > 0 ? { error: problems.join("; ") } : settings;
}
