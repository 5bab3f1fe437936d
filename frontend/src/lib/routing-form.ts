/** The routing rule form as plain data: to and from the API's shapes, and the checks the server also makes. */
import type { AssignStrategy, RoutingRuleFieldsFragment, RoutingRuleInput } from "@/gql/graphql";
import { toNumber } from "./format";

/** Select values standing for "no site" (Radix Select items cannot have an empty value). */
export const ANY_SITE = "__any__";
export const NO_SITE = "__none__";

export const RULE_FIELDS = [
  "name",
  "priority",
  "sourceSite",
  "pattern",
  "destinationSite",
  "minSizeBytes",
  "maxSizeBytes",
  "codecs",
  "minWidth",
  "minHeight",
  "autoQueue",
  "autoAssign",
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleForm {
  name: string;
  priority: string;
  enabled: boolean;
  sourceSite: string;
  pattern: string;
  destinationSite: string;
  minSize: string;
  maxSize: string;
  /** Comma-separated: "prores" (any profile) or "prores 4444" (that profile). */
  codecs: string;
  minWidth: string;
  minHeight: string;
  autoValidate: boolean;
  autoQueue: boolean;
  autoAssign: AssignStrategy;
}

export function emptyRuleForm(priority = 100): RuleForm {
  return {
    name: "",
    priority: String(priority),
    enabled: true,
    sourceSite: ANY_SITE,
    pattern: "*",
    destinationSite: NO_SITE,
    minSize: "",
    maxSize: "",
    codecs: "",
    minWidth: "",
    minHeight: "",
    autoValidate: false,
    autoQueue: false,
    autoAssign: "NONE",
  };
}

export function ruleToForm(rule: RoutingRuleFieldsFragment): RuleForm {
  return {
    name: rule.name,
    priority: String(rule.priority),
    enabled: rule.enabled,
    sourceSite: rule.sourceSite?.code ?? ANY_SITE,
    pattern: rule.pattern,
    destinationSite: rule.destinationSite?.code ?? NO_SITE,
    minSize: formatSizeInput(rule.minSizeBytes),
    maxSize: formatSizeInput(rule.maxSizeBytes),
    codecs: rule.codecs.join(", "),
    minWidth: rule.minWidth === null ? "" : String(rule.minWidth),
    minHeight: rule.minHeight === null ? "" : String(rule.minHeight),
    autoValidate: rule.autoValidate,
    autoQueue: rule.autoQueue,
    autoAssign: rule.autoAssign,
  };
}

/** The rule as it is, as an input: for a change of one thing (enabled) through updateRoutingRule. */
export function ruleToInput(
  rule: RoutingRuleFieldsFragment,
  changes: Partial<RoutingRuleInput> = {},
): RoutingRuleInput {
  return {
    name: rule.name,
    priority: rule.priority,
    enabled: rule.enabled,
    sourceSite: rule.sourceSite?.code ?? null,
    pattern: rule.pattern,
    destinationSite: rule.destinationSite?.code ?? null,
    minSizeBytes: rule.minSizeBytes ?? null,
    maxSizeBytes: rule.maxSizeBytes ?? null,
    codecs: rule.codecs,
    minWidth: rule.minWidth,
    minHeight: rule.minHeight,
    autoValidate: rule.autoValidate,
    autoQueue: rule.autoQueue,
    autoAssign: rule.autoAssign,
    ...changes,
  };
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "1.5 GB", "500MB", "2 GiB", "1048576" → bytes; "" → null (no limit); anything else → undefined. */
export function parseSize(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(trimmed);
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Bytes → what the form shows: the largest decimal unit that states it exactly ("2 GB"), else bytes. */
export function formatSizeInput(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const n = toNumber(value);
  for (const [unit, factor] of [
    ["TB", 1e12],
    ["GB", 1e9],
    ["MB", 1e6],
    ["KB", 1e3],
  ] as const) {
    if (n >= factor && n % factor === 0) return `${n / factor} ${unit}`;
  }
  return String(n);
}

export interface RuleValidation {
  errors: Partial<Record<RuleField, string>>;
  /** Present when there are no errors. */
  input: RoutingRuleInput | null;
}

/** What the server would refuse (the same rules as its check_rule), said before the request. */
export function validateRuleForm(form: RuleForm): RuleValidation {
  const errors: Partial<Record<RuleField, string>> = {};
  const name = form.name.trim();
  const pattern = form.pattern.trim();
  if (name.length === 0) errors.name = "A name is required.";
  else if (name.length > 100) errors.name = "At most 100 characters.";
  if (pattern.length === 0) errors.pattern = "A pattern is required (* matches every file).";
  else if (pattern.length > 300) errors.pattern = "At most 300 characters.";

  const priority = Number(form.priority.trim());
  if (form.priority.trim() === "" || !Number.isInteger(priority)) errors.priority = "A whole number.";
  else if (Math.abs(priority) > 2 ** 31 - 1) errors.priority = "Too large.";

  const source = form.sourceSite === ANY_SITE ? null : form.sourceSite;
  const destination = form.destinationSite === NO_SITE ? null : form.destinationSite;
  if (source !== null && source === destination) errors.destinationSite = "Must differ from the source site.";
  if (form.autoQueue && destination === null) errors.destinationSite = "Auto-queue needs a destination site.";

  const min = parseSize(form.minSize);
  const max = parseSize(form.maxSize);
  if (min === undefined) errors.minSizeBytes = "A size such as 500 MB, 2 GB or 1048576.";
  if (max === undefined) errors.maxSizeBytes = "A size such as 500 MB, 2 GB or 1048576.";
  if (typeof min === "number" && typeof max === "number" && min > max) {
    errors.minSizeBytes = "Larger than the maximum.";
  }

  const codecs = parseCodecs(form.codecs);
  if (codecs === undefined) errors.codecs = "At most 20 names of 1-64 characters, separated by commas.";
  const minWidth = parsePixels(form.minWidth);
  const minHeight = parsePixels(form.minHeight);
  if (minWidth === undefined) errors.minWidth = "Pixels, 1-65536 (e.g. 3840 for UHD).";
  if (minHeight === undefined) errors.minHeight = "Pixels, 1-65536 (e.g. 2160 for UHD).";

  if (Object.keys(errors).length > 0) return { errors, input: null };
  return {
    errors,
    input: {
      name,
      priority,
      enabled: form.enabled,
      sourceSite: source,
      pattern,
      destinationSite: destination,
      minSizeBytes: min ?? null,
      maxSizeBytes: max ?? null,
      codecs: codecs ?? [],
      minWidth: minWidth ?? null,
      minHeight: minHeight ?? null,
      autoValidate: form.autoValidate,
      autoQueue: form.autoQueue,
      autoAssign: form.autoAssign,
    },
  };
}

/** The evaluation order after moving the rule at `index` by `delta` (-1 up, +1 down); null at an edge. */
export function moveRule(ids: readonly string[], index: number, delta: -1 | 1): string[] | null {
  const target = index + delta;
  if (index < 0 || index >= ids.length || target < 0 || target >= ids.length) return null;
  const next = [...ids];
  [next[index], next[target]] = [next[target], next[index]];
  return next;
}

/** A new rule goes last unless its author says otherwise. */
export function nextPriority(rules: readonly Pick<RoutingRuleFieldsFragment, "priority">[]): number {
  if (rules.length === 0) return 100;
  return Math.max(...rules.map((r) => r.priority)) + 10;
}

/** "≥ 500 MB", "≤ 2 GB", "500 MB – 2 GB", or null for any size. */
export function describeSizeRange(
  min: number | string | null | undefined,
  max: number | string | null | undefined,
): string | null {
  const lo = min === null || min === undefined ? null : formatSizeInput(min);
  const hi = max === null || max === undefined ? null : formatSizeInput(max);
  if (lo && hi) return `${lo} – ${hi}`;
  if (lo) return `≥ ${lo}`;
  if (hi) return `≤ ${hi}`;
  return null;
}

/** "ProRes 4444, h264" → ["prores 4444", "h264"]; "" → []; too many or too long → undefined. */
export function parseCodecs(text: string): string[] | undefined {
  const names = text
    .split(",")
    .map((c) => c.trim().toLowerCase().replace(/\s+/g, " "))
    .filter((c) => c !== "");
  if (names.length > 20 || names.some((c) => c.length > 64)) return undefined;
  return [...new Set(names)];
}

/** "" → null (no minimum); a whole number of pixels 1-65536; anything else → undefined. */
export function parsePixels(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 1 && n <= 65536 ? n : undefined;
}

/** "ProRes 4444 ≥ 3840×2160", "≥ 1920 wide", or null for a rule without media conditions. */
export function describeMediaConditions(
  rule: Pick<RoutingRuleFieldsFragment, "codecs" | "minWidth" | "minHeight">,
): string | null {
  const parts: string[] = [];
  if (rule.codecs.length) parts.push(rule.codecs.join(" or "));
  if (rule.minWidth !== null && rule.minHeight !== null) parts.push(`≥ ${rule.minWidth}×${rule.minHeight}`);
  else if (rule.minWidth !== null) parts.push(`≥ ${rule.minWidth} wide`);
  else if (rule.minHeight !== null) parts.push(`≥ ${rule.minHeight} high`);
  return parts.length ? parts.join(" ") : null;
}

export interface SimulatedMedia {
  codec: string | null;
  profile: string | null;
  width: number | null;
  height: number | null;
}

/** The simulator's optional media: "prores 4444" → codec + profile; "3840x2160" → width + height. */
export function parseSimulatedMedia(codecText: string, sizeText: string): SimulatedMedia | undefined {
  const [codec, ...profile] = codecText.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const size = sizeText.trim();
  let width: number | null = null;
  let height: number | null = null;
  if (size !== "") {
    const m = /^(\d{1,5})\s*[x×]\s*(\d{1,5})$/i.exec(size);
    if (!m) return undefined;
    width = Number(m[1]);
    height = Number(m[2]);
  }
  return { codec: codec ?? null, profile: profile.length ? profile.join(" ") : null, width, height };
}
