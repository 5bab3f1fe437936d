import type { FileSummaryFragment } from "@/gql/graphql";

export type Media = NonNullable<FileSummaryFragment["media"]>;

const CODEC_NAMES: Record<string, string> = {
  prores: "ProRes",
  h264: "H.264",
  hevc: "HEVC",
  dnxhd: "DNxHD",
  dnxhr: "DNxHR",
  dpx: "DPX",
  exr: "OpenEXR",
  redcode: "REDCODE",
  arriraw: "ARRIRAW",
  braw: "Blackmagic RAW",
  jpeg2000: "JPEG 2000",
  mjpeg: "Motion JPEG",
};

/** What the Codec filter offers: the names daemons report (ffmpeg's, lower case), with friendly labels. */
export const CODEC_CHOICES = ["prores", "h264", "hevc", "dnxhd", "dpx", "exr", "redcode", "arriraw", "braw"].map(
  (value) => ({ value, label: CODEC_NAMES[value] }),
);

/** Minimum widths the Resolution filter offers. */
export const WIDTH_CHOICES = [
  { value: 1280, label: "720p and up (1280)" },
  { value: 1920, label: "HD and up (1920)" },
  { value: 2048, label: "2K and up (2048)" },
  { value: 3840, label: "UHD and up (3840)" },
  { value: 4096, label: "4K DCI and up (4096)" },
];

/** "ProRes 4444 XQ", "H.264 High", "DPX"; null when unknown. */
export function formatCodec(media: Pick<Media, "codec" | "profile"> | null | undefined): string | null {
  if (!media?.codec) return null;
  const name = CODEC_NAMES[media.codec] ?? media.codec;
  return media.profile ? `${name} ${media.profile}` : name;
}

export function formatResolution(media: Pick<Media, "width" | "height"> | null | undefined): string | null {
  if (!media?.width || !media.height) return null;
  return `${media.width}×${media.height}`;
}

/** 23.976, 25, 29.97 — three decimals at most, as colorists write them; the exact rational is kept alongside. */
export function formatFps(media: Pick<Media, "frameRate"> | null | undefined): string | null {
  if (!media?.frameRate) return null;
  return `${Number(media.frameRate.toFixed(3))} fps`;
}

/** "0:12.5" / "1:02:03" for durations; not a timecode (that is startTimecode). */
export function formatClipDuration(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const sec = Number.isInteger(s) ? String(s) : s.toFixed(1);
  const ss = (s < 10 ? "0" : "") + sec;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** One line for the Files table: "ProRes 4444 · 1920×1080 · 23.976 fps". */
export function mediaSummary(media: Media | null | undefined): string | null {
  if (!media) return null;
  const parts = [formatCodec(media), formatResolution(media), formatFps(media)].filter(Boolean);
  return parts.length ? parts.join(" · ") : null;
}
