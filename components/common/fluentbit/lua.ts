/**
 * The Lua filter that makes every record a valid GELF message before out_kafka encodes it
 * (LOG_FORMAT in ../types.ts). Graylog drops GELF without `short_message`; a container that logs
 * JSON has no `log` key once the Kubernetes filter merged it, and journal entries carry `MESSAGE`.
 * Written for Lua 5.1 (Fluent Bit embeds LuaJIT) and run under Lua 5.4 in the tests, so it uses
 * only what both have.
 */
import { LOG_FORMAT } from "./format";

/** The function Fluent Bit's lua filter calls (`call`). */
export const GELF_FUNCTION = "to_gelf";

/** Keys that may carry the message text, in order of preference. */
export const MESSAGE_KEYS = ["message", "msg", "log", "MESSAGE"] as const;

/** Keys that may carry a severity, in order of preference (PRIORITY: journald). */
export const LEVEL_KEYS = ["level", "severity", "lvl", "PRIORITY"] as const;

const luaList = (xs: readonly string[]) => `{ ${xs.map((x) => JSON.stringify(x)).join(", ")} }`;

export const GELF_LUA = `-- Rendered by components/common/fluentbit/lua.ts: gives every record the GELF fields Graylog needs.
local MESSAGE_KEYS = ${luaList(MESSAGE_KEYS)}
local LEVEL_KEYS = ${luaList(LEVEL_KEYS)}
local SHORT = "${LOG_FORMAT.messageKey}"
local FULL = "${LOG_FORMAT.fullMessageKey}"
local HOST = "${LOG_FORMAT.hostKey}"
local LEVEL = "${LOG_FORMAT.levelKey}"
-- Syslog severities (RFC 5424) by the names loggers use.
local LEVELS = {
  emerg = 0, emergency = 0, panic = 0, alert = 1, crit = 2, critical = 2, fatal = 2,
  err = 3, error = 3, warn = 4, warning = 4, notice = 5, info = 6, informational = 6,
  information = 6, debug = 7, trace = 7, verbose = 7
}
local NODE = os.getenv("NODE_NAME") or os.getenv("HOSTNAME")

local function text(v)
  if type(v) == "string" and string.find(v, "%S") then return v end
  return nil
end

local function severity(v)
  if type(v) == "number" then
    if v >= 0 and v <= 7 then return math.floor(v) end
    return nil
  end
  if type(v) ~= "string" then return nil end
  local n = tonumber(v)
  if n then return severity(n) end
  return LEVELS[string.lower(v)]
end

function ${GELF_FUNCTION}(tag, timestamp, record)
  local message = text(record[SHORT])
  if not message then
    for _, key in ipairs(MESSAGE_KEYS) do
      message = text(record[key])
      if message then break end
    end
  end
  if not message then message = "(empty record from " .. tag .. ")" end
  -- Trailing newlines of container lines are not part of the message.
  message = string.gsub(message, "[\\r\\n]+$", "")
  local first = string.match(message, "^[^\\r\\n]*")
  if not string.find(first, "%S") then first = string.match(message, "%S[^\\r\\n]*") or message end
  record[SHORT] = first
  if first ~= message and record[FULL] == nil then record[FULL] = message end

  -- GELF wants a number 0-7; a logger's own name for it (level "warn") is kept as level_name.
  local level = nil
  for _, key in ipairs(LEVEL_KEYS) do
    level = severity(record[key])
    if level then break end
  end
  if type(record[LEVEL]) == "string" and tonumber(record[LEVEL]) == nil then record["level_name"] = record[LEVEL] end
  record[LEVEL] = level

  if not text(record[HOST]) then
    local k8s = record["kubernetes"]
    record[HOST] = (type(k8s) == "table" and text(k8s["host"])) or text(record["_HOSTNAME"]) or NODE or "unknown"
  end
  return 2, timestamp, record
end
`;
