import { describe, expect, it } from "vitest";
import type { RoutingRuleFieldsFragment } from "@/gql/graphql";
import {
  ANY_SITE,
  NO_SITE,
  describeMediaConditions,
  describeSizeRange,
  emptyRuleForm,
  formatSizeInput,
  moveRule,
  nextPriority,
  parseSimulatedMedia,
  parseSize,
  ruleToForm,
  ruleToInput,
  validateRuleForm,
} from "./routing-form";

const rule = (over: Partial<RoutingRuleFieldsFragment> = {}): RoutingRuleFieldsFragment => ({
  id: "7",
  name: "Tustin mov",
  priority: 20,
  enabled: true,
  pattern: "*.mov",
  codecs: [],
  minWidth: null,
  minHeight: null,
  minSizeBytes: 2_000_000_000,
  maxSizeBytes: null,
  autoValidate: true,
  autoQueue: true,
  autoAssign: "LEAST_LOADED",
  updatedAt: null,
  sourceSite: { id: "1", code: "tustin", name: "Tustin" },
  destinationSite: { id: "2", code: "nashville", name: "Nashville" },
  ...over,
});

describe("parseSize / formatSizeInput", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["1048576", 1048576],
    ["500 MB", 500_000_000],
    ["1.5gb", 1_500_000_000],
    ["2 GiB", 2 * 2 ** 30],
    ["4 TB", 4e12],
    ["12 parsecs", undefined],
    ["-1", undefined],
    ["1e9", undefined],
  ])("parseSize(%j) = %j", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it("shows whole decimal units, else bytes", () => {
    expect(formatSizeInput(2_000_000_000)).toBe("2 GB");
    expect(formatSizeInput("500000000")).toBe("500 MB");
    expect(formatSizeInput(1048576)).toBe("1048576");
    expect(formatSizeInput(null)).toBe("");
    expect(parseSize(formatSizeInput(1_234_000))).toBe(1_234_000);
  });

  it("describes a size range", () => {
    expect(describeSizeRange(1e6, null)).toBe("≥ 1 MB");
    expect(describeSizeRange(null, 2e9)).toBe("≤ 2 GB");
    expect(describeSizeRange(1e6, 2e9)).toBe("1 MB – 2 GB");
    expect(describeSizeRange(null, null)).toBeNull();
  });
});

describe("validateRuleForm", () => {
  it("turns a valid form into the API's input (sites as codes, sizes in bytes)", () => {
    const form = { ...ruleToForm(rule()), name: "  Tustin mov  ", maxSize: "10 GB" };
    const { errors, input } = validateRuleForm(form);
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: "Tustin mov",
      priority: 20,
      enabled: true,
      sourceSite: "tustin",
      pattern: "*.mov",
      destinationSite: "nashville",
      minSizeBytes: 2_000_000_000,
      maxSizeBytes: 10_000_000_000,
      codecs: [],
      minWidth: null,
      minHeight: null,
      autoValidate: true,
      autoQueue: true,
      autoAssign: "LEAST_LOADED",
    });
  });

  it("sends null for any site and no destination", () => {
    const { input } = validateRuleForm({ ...emptyRuleForm(), name: "All" });
    expect(input).toMatchObject({ sourceSite: null, destinationSite: null, minSizeBytes: null, pattern: "*" });
  });

  it("refuses what the server refuses, on the field it names", () => {
    const base = { ...emptyRuleForm(), name: "x" };
    expect(validateRuleForm({ ...base, name: "   " }).errors.name).toBe("A name is required.");
    expect(validateRuleForm({ ...base, name: "n".repeat(101) }).errors.name).toMatch(/100/);
    expect(validateRuleForm({ ...base, pattern: "" }).errors.pattern).toMatch(/required/);
    expect(validateRuleForm({ ...base, priority: "1.5" }).errors.priority).toBe("A whole number.");
    expect(validateRuleForm({ ...base, priority: "" }).errors.priority).toBe("A whole number.");
    expect(validateRuleForm({ ...base, autoQueue: true }).errors.destinationSite).toBe(
      "Auto-queue needs a destination site.",
    );
    expect(validateRuleForm({ ...base, sourceSite: "tustin", destinationSite: "tustin" }).errors.destinationSite).toBe(
      "Must differ from the source site.",
    );
    expect(validateRuleForm({ ...base, minSize: "big" }).errors.minSizeBytes).toMatch(/size such as/);
    expect(validateRuleForm({ ...base, minSize: "2 GB", maxSize: "1 GB" }).errors.minSizeBytes).toBe(
      "Larger than the maximum.",
    );
    expect(validateRuleForm({ ...base, autoQueue: true }).input).toBeNull();
  });

  it("round-trips a rule without a source site", () => {
    const form = ruleToForm(rule({ sourceSite: null, destinationSite: null, autoQueue: false }));
    expect(form.sourceSite).toBe(ANY_SITE);
    expect(form.destinationSite).toBe(NO_SITE);
    expect(validateRuleForm(form).input).toMatchObject({ sourceSite: null, destinationSite: null });
  });
});

describe("media conditions", () => {
  it("parse codecs and pixel minimums, and say what the rule needs", () => {
    const form = { ...ruleToForm(rule()), codecs: " ProRes  4444, h264,prores 4444 ", minWidth: "3840", minHeight: "" };
    expect(validateRuleForm(form).input).toMatchObject({
      codecs: ["prores 4444", "h264"],
      minWidth: 3840,
      minHeight: null,
    });
    expect(validateRuleForm({ ...form, minWidth: "wide" }).errors.minWidth).toMatch(/Pixels/);
    expect(validateRuleForm({ ...form, minHeight: "0" }).errors.minHeight).toMatch(/Pixels/);
    expect(validateRuleForm({ ...form, codecs: "x".repeat(65) }).errors.codecs).toMatch(/64/);
    expect(ruleToForm(rule({ codecs: ["prores", "h264"], minWidth: 1920 }))).toMatchObject({
      codecs: "prores, h264",
      minWidth: "1920",
      minHeight: "",
    });
    expect(describeMediaConditions({ codecs: ["prores 4444"], minWidth: 3840, minHeight: 2160 })).toBe(
      "prores 4444 ≥ 3840×2160",
    );
    expect(describeMediaConditions({ codecs: [], minWidth: null, minHeight: null })).toBeNull();
  });
});

describe("parseSimulatedMedia", () => {
  it("splits codec from profile and reads WxH", () => {
    expect(parseSimulatedMedia(" ProRes 4444 XQ ", "3840x2160")).toEqual({
      codec: "prores",
      profile: "4444 xq",
      width: 3840,
      height: 2160,
    });
    expect(parseSimulatedMedia("", "")).toEqual({ codec: null, profile: null, width: null, height: null });
    expect(parseSimulatedMedia("h264", "wide")).toBeUndefined();
  });
});

describe("ruleToInput", () => {
  it("keeps everything but the change (enable/disable goes through updateRoutingRule)", () => {
    const media = { codecs: ["prores 4444"], minWidth: 3840, minHeight: 2160 };
    expect(ruleToInput(rule(media), { enabled: false })).toEqual({
      name: "Tustin mov",
      priority: 20,
      enabled: false,
      sourceSite: "tustin",
      pattern: "*.mov",
      destinationSite: "nashville",
      minSizeBytes: 2_000_000_000,
      maxSizeBytes: null,
      ...media, // toggling a rule must not drop its media conditions
      autoValidate: true,
      autoQueue: true,
      autoAssign: "LEAST_LOADED",
    });
  });
});

describe("moveRule / nextPriority", () => {
  it("swaps with the neighbour, and refuses at the edges", () => {
    expect(moveRule(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveRule(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveRule(["a", "b", "c"], 0, -1)).toBeNull();
    expect(moveRule(["a", "b", "c"], 2, 1)).toBeNull();
  });

  it("puts a new rule last", () => {
    expect(nextPriority([])).toBe(100);
    expect(nextPriority([{ priority: 10 }, { priority: 30 }, { priority: 20 }])).toBe(40);
  });
});
