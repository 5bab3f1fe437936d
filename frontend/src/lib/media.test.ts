import { describe, expect, it } from "vitest";
import { toFileFilter } from "@/pages/files-page";
import { EMPTY_FILTERS } from "@/components/files/file-filters";
import { formatClipDuration, formatCodec, formatFps, formatResolution, mediaSummary, type Media } from "./media";

const prores: Media = {
  container: "mov",
  codec: "prores",
  profile: "4444 XQ",
  width: 1920,
  height: 1080,
  frameRate: 24000 / 1001,
  frameRateExact: "24000/1001",
  durationSeconds: 12.5,
  frameCount: 300,
  startTimecode: "01:00:10:00",
  bitDepth: 12,
  audioChannels: 2,
  partial: false,
  probeError: null,
};

describe("media formatting", () => {
  it("names codecs as colorists say them", () => {
    expect(formatCodec(prores)).toBe("ProRes 4444 XQ");
    expect(formatCodec({ codec: "h264", profile: null })).toBe("H.264");
    expect(formatCodec({ codec: "vp9", profile: null })).toBe("vp9");
    expect(formatCodec({ codec: null, profile: null })).toBeNull();
  });

  it("shows resolution, rate and duration", () => {
    expect(formatResolution(prores)).toBe("1920×1080");
    expect(formatResolution({ width: null, height: 1080 })).toBeNull();
    expect(formatFps(prores)).toBe("23.976 fps");
    expect(formatFps({ frameRate: 25 })).toBe("25 fps");
    expect(formatClipDuration(12.5)).toBe("0:12.5");
    expect(formatClipDuration(3723)).toBe("1:02:03");
    expect(formatClipDuration(null)).toBeNull();
  });

  it("summarises a clip on one line, and nothing for an unprobed or failed one", () => {
    expect(mediaSummary(prores)).toBe("ProRes 4444 XQ · 1920×1080 · 23.976 fps");
    expect(mediaSummary(null)).toBeNull();
    expect(mediaSummary({ ...prores, codec: null, width: null, height: null, frameRate: null })).toBeNull();
  });
});

describe("media filters", () => {
  it("send codecs and minWidth only when chosen", () => {
    expect(toFileFilter(EMPTY_FILTERS)).toEqual({});
    expect(toFileFilter({ ...EMPTY_FILTERS, codec: "prores", minWidth: "3840" })).toEqual({
      codecs: ["prores"],
      minWidth: 3840,
    });
  });
});
