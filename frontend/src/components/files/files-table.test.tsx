import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { MediaCell } from "./files-table";

const base = {
  container: "mp4",
  codec: "h264",
  profile: "High",
  width: 1280,
  height: 720,
  frameRate: 25,
  frameRateExact: "25/1",
  durationSeconds: 0.2,
  frameCount: 5,
  startTimecode: null,
  bitDepth: 8,
  audioChannels: 0,
  partial: false,
  probeError: null,
};

describe("MediaCell", () => {
  it("shows codec, resolution and fps, then duration and timecode", () => {
    render(<MediaCell media={{ ...base, startTimecode: "10:00:00:00" }} />);
    expect(screen.getByText("H.264 High · 1280×720 · 25 fps")).toBeInTheDocument();
    expect(screen.getByText("0:00.2 · TC 10:00:00:00")).toBeInTheDocument();
  });

  it("shows the probe error of a clip that could not be read", () => {
    const broken = { ...base, codec: null, profile: null, width: null, height: null, frameRate: null };
    render(<MediaCell media={{ ...broken, durationSeconds: null, probeError: "not a readable media file" }} />);
    expect(screen.getByText("Probe: not a readable media file")).toBeInTheDocument();
  });

  it("shows a dash before media info arrives", () => {
    render(<MediaCell media={null} />);
    expect(screen.getByText("—")).toBeInTheDocument();
  });
});
