import type {
  AuditFieldsFragment,
  FileDetailQuery,
  FileSummaryFragment,
  SiteFieldsFragment,
  TransferFieldsFragment,
} from "@/gql/graphql";
import type { Connection, Pages } from "@/lib/cache";

let seq = 0;
const nextId = () => String(++seq);

export function makeFile(overrides: Partial<FileSummaryFragment> = {}): FileSummaryFragment {
  const id = overrides.id ?? nextId();
  return {
    id,
    filename: `A001_C${id}.mov`,
    path: `A001/A001_C${id}.mov`,
    sizeBytes: 1000,
    sha256: "a".repeat(64),
    state: "DETECTED",
    version: 1,
    detectedAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    rejectionReason: null,
    mamAssetId: null,
    mamError: null,
    allowedActions: ["VALIDATE", "REJECT"],
    site: { id: "s1", code: "tustin", name: "Tustin" },
    destinationSite: null,
    colorist: null,
    media: null,
    kind: "FILE",
    memberCount: 1,
    frameRange: null,
    missingFrames: null,
    integrityError: null,
    integrityAcceptedReason: null,
    ...overrides,
  };
}

export function makeTransfer(overrides: Partial<TransferFieldsFragment> = {}): TransferFieldsFragment {
  return {
    id: overrides.id ?? nextId(),
    status: "RUNNING",
    allowedActions: [],
    transport: "HUB",
    bytesTotal: 1000,
    bytesTransferred: 250,
    rateBytesPerSecond: 50,
    etaSeconds: null,
    lastProgressAt: "2026-01-01T00:00:02Z",
    secondsSinceProgress: 1,
    stalled: false,
    attempts: 1,
    error: null,
    createdAt: "2026-01-01T00:00:00Z",
    startedAt: "2026-01-01T00:00:01Z",
    completedAt: null,
    file: { id: "f1", filename: "A.mov" },
    sourceSite: { id: "s1", code: "tustin", name: "Tustin" },
    destinationSite: { id: "s2", code: "nashville", name: "Nashville" },
    ...overrides,
  };
}

export function makeAudit(overrides: Partial<AuditFieldsFragment> = {}): AuditFieldsFragment {
  return {
    id: overrides.id ?? nextId(),
    cursor: null,
    at: "2026-01-01T00:00:00Z",
    actor: "admin",
    action: "VALIDATE",
    fromState: "DETECTED",
    toState: "VALIDATED",
    details: null,
    file: { id: "f1", filename: "A.mov" },
    ...overrides,
  };
}

export function makeSite(overrides: Partial<SiteFieldsFragment> = {}): SiteFieldsFragment {
  return {
    id: overrides.id ?? nextId(),
    code: "tustin",
    name: "Tustin",
    online: true,
    lastHeartbeatAt: null,
    daemonVersion: null,
    watchPath: null,
    queueDepth: null,
    diskFreeBytes: null,
    ...overrides,
  };
}

export function pages<N extends { id: string }>(...pagesOfNodes: N[][]): Pages<N> {
  const total = pagesOfNodes.reduce((n, p) => n + p.length, 0);
  return {
    pageParams: pagesOfNodes.map((_, i) => (i === 0 ? null : `c${i}`)),
    pages: pagesOfNodes.map((nodes, i): Connection<N> => ({
      totalCount: total,
      edges: nodes.map((node) => ({ cursor: `cur-${node.id}`, node })),
      pageInfo: { hasNextPage: i < pagesOfNodes.length - 1, endCursor: `c${i + 1}` },
    })),
  };
}

export function makeDetail(
  file: FileSummaryFragment,
  extra: Partial<NonNullable<FileDetailQuery["file"]>> = {},
): FileDetailQuery {
  return {
    file: {
      ...file,
      contentAvailable: true,
      uploadedBytes: file.sizeBytes,
      modifiedAt: null,
      deliveredPath: null,
      previousVersion: null,
      transfers: [],
      auditTrail: [],
      custody: [],
      mhl: { edges: [] },
      ...extra,
    } as NonNullable<FileDetailQuery["file"]>,
  };
}
