/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AssignStrategy =
  | 'LEAST_LOADED'
  | 'NONE';

/** Exactly one of ids and filter (BAD_USER_INPUT otherwise). */
export type BulkFileActionInput = {
  /** VALIDATE, QUEUE, ASSIGN or REJECT. */
  action: FileAction;
  /** ASSIGN: required. */
  coloristId?: string | number | null | undefined;
  /** QUEUE: a site code; without one, each file's matching routing rule decides. */
  destinationSite?: string | null | undefined;
  /** Every file this filter matches when the request runs. */
  filter?: FileFilter | null | undefined;
  ids?: Array<string | number> | null | undefined;
  /** REJECT: required. */
  reason?: string | null | undefined;
};

export type CreateUserInput = {
  displayName?: string | null | undefined;
  password: string;
  role: Role;
  siteCode?: string | null | undefined;
  username: string;
};

/** ORIGINAL: the first hash of the bytes (the DIT sealing the card). VERIFIED: hashed again and equal to the original. FAILED: hashed again and different, or the history could not be trusted. */
export type CustodyAction =
  | 'FAILED'
  | 'ORIGINAL'
  | 'VERIFIED';

export type FileAction =
  | 'ACCEPT_INTEGRITY_RISK'
  | 'ARCHIVE'
  | 'ASSIGN'
  | 'CANCEL_TRANSFER'
  | 'COMPLETE_TRANSFER'
  | 'DELIVER'
  | 'FAIL_TRANSFER'
  | 'HAND_BACK'
  | 'QUEUE'
  | 'REJECT'
  | 'REROUTE'
  | 'START'
  | 'START_TRANSFER'
  | 'VALIDATE';

export type FileFilter = {
  /** Media codec names (any of), e.g. prores. */
  codecs?: Array<string> | null | undefined;
  coloristId?: string | number | null | undefined;
  kinds?: Array<FileKind> | null | undefined;
  /** Only files at least this many pixels wide. */
  minWidth?: number | null | undefined;
  search?: string | null | undefined;
  siteCode?: string | null | undefined;
  states?: Array<FileState> | null | undefined;
};

/** FILE: one file. SEQUENCE: an image sequence (one file per frame). FOLDER: a clip or card folder. */
export type FileKind =
  | 'FILE'
  | 'FOLDER'
  | 'SEQUENCE';

export type FileState =
  | 'ARCHIVED'
  | 'COLORIST_ASSIGNED'
  | 'DELIVERED_TO_MAM'
  | 'DETECTED'
  | 'IN_PROGRESS'
  | 'QUEUED'
  | 'REJECTED'
  | 'TRANSFERRED'
  | 'TRANSFERRING'
  | 'VALIDATED';

export type Role =
  | 'ADMIN'
  | 'COLORIST'
  | 'ENGINEER'
  | 'READONLY';

export type RoutingRuleInput = {
  autoAssign?: AssignStrategy;
  autoQueue?: boolean;
  autoValidate?: boolean;
  /** Match media codecs (any of), case-insensitive: "prores" any profile, "prores 4444" that profile. A rule with media conditions is judged when the file's media info arrives. */
  codecs?: Array<string> | null | undefined;
  destinationSite?: string | null | undefined;
  enabled?: boolean;
  maxSizeBytes?: number | string | null | undefined;
  minHeight?: number | null | undefined;
  minSizeBytes?: number | string | null | undefined;
  minWidth?: number | null | undefined;
  name: string;
  pattern?: string;
  priority?: number;
  /** Site code; null matches any site. */
  sourceSite?: string | null | undefined;
};

/** A move of a transfer job (TransferJob.allowedActions): START/COMPLETE startTransfer and completeTransfer of its file, FAIL failTransfer, CANCEL cancelTransfer, RETRY retryTransfer. */
export type TransferAction =
  | 'CANCEL'
  | 'COMPLETE'
  | 'FAIL'
  | 'RETRY'
  | 'START';

export type TransferStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING';

export type UpdateUserInput = {
  active?: boolean | null | undefined;
  displayName?: string | null | undefined;
  role?: Role | null | undefined;
  /** Empty string clears the site. */
  siteCode?: string | null | undefined;
};

export type WebhookSubscriptionInput = {
  /** HMAC-SHA256 key for X-ColorRoute-Signature; 16+ characters. */
  secret: string;
  /** file.state_changed, transfer.failed, file.delivery_failed, site.offline, site.online */
  topics: Array<string>;
  url: string;
};

export type SiteFieldsFragment = { id: string, code: string, name: string, online: boolean, lastHeartbeatAt: string | null, daemonVersion: string | null, watchPath: string | null, queueDepth: number | null, diskFreeBytes: number | string | null };

export type UserFieldsFragment = { id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null };

export type TransferFieldsFragment = { id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } };

export type FileSummaryFragment = { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null };

export type AuditFieldsFragment = { id: string, cursor: string | null, at: string, actor: string, action: string, fromState: FileState | null, toState: FileState | null, details: unknown, file: { id: string, filename: string } | null };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null } | null };

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type LoginMutation = { login: { id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type ChangePasswordMutationVariables = Exact<{
  oldPassword: string;
  newPassword: string;
}>;


export type ChangePasswordMutation = { changePassword: boolean };

export type StatsQueryVariables = Exact<{ [key: string]: never; }>;


export type StatsQuery = { stats: { totalFiles: number, activeTransfers: number, sitesOnline: number, sitesTotal: number, byState: Array<{ state: FileState, count: number }> } };

export type SitesQueryVariables = Exact<{ [key: string]: never; }>;


export type SitesQuery = { sites: Array<{ id: string, code: string, name: string, online: boolean, lastHeartbeatAt: string | null, daemonVersion: string | null, watchPath: string | null, queueDepth: number | null, diskFreeBytes: number | string | null }> };

export type FilesQueryVariables = Exact<{
  filter?: FileFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FilesQuery = { files: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type FileDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type FileDetailQuery = { file: { contentAvailable: boolean, uploadedBytes: number | string, modifiedAt: string | null, deliveredPath: string | null, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, previousVersion: { id: string, filename: string, sha256: string } | null, transfers: Array<{ id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } }>, auditTrail: Array<{ id: string, cursor: string | null, at: string, actor: string, action: string, fromState: FileState | null, toState: FileState | null, details: unknown, file: { id: string, filename: string } | null }>, custody: Array<{ at: string, action: CustodyAction, hashFormat: string, host: string | null, tool: string | null, location: string | null, generation: number | null, site: { id: string, code: string, name: string } | null }>, mhl: { edges: Array<{ node: { hashFormat: string | null, hash: string | null } }> }, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } | null };

export type FileMembersQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FileMembersQuery = { file: { id: string, members: { totalCount: number, edges: Array<{ cursor: string, node: { path: string, sizeBytes: number | string, sha256: string, hashFormat: string | null, hash: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type TransfersQueryVariables = Exact<{
  status?: TransferStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TransfersQuery = { transfers: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type UsersQueryVariables = Exact<{ [key: string]: never; }>;


export type UsersQuery = { users: Array<{ id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null }> };

export type AuditQueryVariables = Exact<{
  fileId?: string | number | null | undefined;
  action?: string | null | undefined;
  search?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditQuery = { audit: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, cursor: string | null, at: string, actor: string, action: string, fromState: FileState | null, toState: FileState | null, details: unknown, file: { id: string, filename: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AuditActionsQueryVariables = Exact<{ [key: string]: never; }>;


export type AuditActionsQuery = { auditActions: Array<string> };

export type ValidateFileMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type ValidateFileMutation = { validateFile: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type QueueFileMutationVariables = Exact<{
  id: string | number;
  destinationSite?: string | null | undefined;
  expectedVersion?: number | null | undefined;
}>;


export type QueueFileMutation = { queueFile: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type RerouteFileMutationVariables = Exact<{
  id: string | number;
  destinationSite: string;
  reason: string;
  expectedVersion?: number | null | undefined;
}>;


export type RerouteFileMutation = { rerouteFile: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type StartTransferMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type StartTransferMutation = { startTransfer: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type CompleteTransferMutationVariables = Exact<{
  id: string | number;
  sha256?: string | null | undefined;
  expectedVersion?: number | null | undefined;
}>;


export type CompleteTransferMutation = { completeTransfer: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type AssignColoristMutationVariables = Exact<{
  id: string | number;
  coloristId: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type AssignColoristMutation = { assignColorist: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type StartWorkMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type StartWorkMutation = { startWork: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type DeliverToMamMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type DeliverToMamMutation = { deliverToMam: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type ArchiveFileMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
}>;


export type ArchiveFileMutation = { archiveFile: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type RejectFileMutationVariables = Exact<{
  id: string | number;
  reason: string;
  expectedVersion?: number | null | undefined;
}>;


export type RejectFileMutation = { rejectFile: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type AcceptIntegrityRiskMutationVariables = Exact<{
  id: string | number;
  reason: string;
  expectedVersion?: number | null | undefined;
}>;


export type AcceptIntegrityRiskMutation = { acceptIntegrityRisk: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type RetryTransferMutationVariables = Exact<{
  transferId: string | number;
}>;


export type RetryTransferMutation = { retryTransfer: { id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } } };

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { createUser: { id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null } };

export type UpdateUserMutationVariables = Exact<{
  id: string | number;
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, username: string, displayName: string, role: Role, active: boolean, activeFiles: number, site: { id: string, code: string, name: string } | null } };

export type FailTransferMutationVariables = Exact<{
  transferId: string | number;
  error: string;
}>;


export type FailTransferMutation = { failTransfer: { id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } } };

export type CancelTransferMutationVariables = Exact<{
  transferId: string | number;
  reason?: string | null | undefined;
}>;


export type CancelTransferMutation = { cancelTransfer: { id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } } };

export type BulkFileActionMutationVariables = Exact<{
  input: BulkFileActionInput;
}>;


export type BulkFileActionMutation = { bulkFileAction: { succeeded: Array<{ id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null }>, failed: Array<{ fileId: string, code: string, message: string }> } };

export type MamConfiguredQueryVariables = Exact<{ [key: string]: never; }>;


export type MamConfiguredQuery = { mamConfigured: boolean };

export type QueueFileFragment = { deliveredPath: string | null, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null };

export type MyQueueQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type MyQueueQuery = { myQueue: { totalCount: number, edges: Array<{ cursor: string, node: { deliveredPath: string | null, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type MyQueueEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type MyQueueEventsSubscription = { myQueueEvents: { cursor: string, action: string, fromState: FileState | null, toState: FileState | null, actor: string, at: string, file: { deliveredPath: string | null, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } } };

export type HandBackFileMutationVariables = Exact<{
  id: string | number;
  reason: string;
  expectedVersion?: number | null | undefined;
}>;


export type HandBackFileMutation = { handBackFile: { deliveredPath: string | null, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } };

export type RoutingRuleFieldsFragment = { id: string, name: string, priority: number, enabled: boolean, pattern: string, minSizeBytes: number | string | null, maxSizeBytes: number | string | null, codecs: Array<string>, minWidth: number | null, minHeight: number | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, updatedAt: string | null, sourceSite: { id: string, code: string, name: string } | null, destinationSite: { id: string, code: string, name: string } | null };

export type RoutingRulesQueryVariables = Exact<{ [key: string]: never; }>;


export type RoutingRulesQuery = { routingRules: Array<{ id: string, name: string, priority: number, enabled: boolean, pattern: string, minSizeBytes: number | string | null, maxSizeBytes: number | string | null, codecs: Array<string>, minWidth: number | null, minHeight: number | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, updatedAt: string | null, sourceSite: { id: string, code: string, name: string } | null, destinationSite: { id: string, code: string, name: string } | null }> };

export type SimulateRoutingQueryVariables = Exact<{
  site: string;
  path: string;
  sizeBytes?: number | string | null | undefined;
  codec?: string | null | undefined;
  profile?: string | null | undefined;
  width?: number | null | undefined;
  height?: number | null | undefined;
}>;


export type SimulateRoutingQuery = { simulateRouting: { matched: boolean, waitingForMedia: boolean, reasons: Array<string>, ruleName: string | null, destinationSite: string | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, wouldAssignTo: { id: string, username: string, displayName: string, activeFiles: number } | null } };

export type CreateRoutingRuleMutationVariables = Exact<{
  input: RoutingRuleInput;
}>;


export type CreateRoutingRuleMutation = { createRoutingRule: { id: string, name: string, priority: number, enabled: boolean, pattern: string, minSizeBytes: number | string | null, maxSizeBytes: number | string | null, codecs: Array<string>, minWidth: number | null, minHeight: number | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, updatedAt: string | null, sourceSite: { id: string, code: string, name: string } | null, destinationSite: { id: string, code: string, name: string } | null } };

export type UpdateRoutingRuleMutationVariables = Exact<{
  id: string | number;
  input: RoutingRuleInput;
}>;


export type UpdateRoutingRuleMutation = { updateRoutingRule: { id: string, name: string, priority: number, enabled: boolean, pattern: string, minSizeBytes: number | string | null, maxSizeBytes: number | string | null, codecs: Array<string>, minWidth: number | null, minHeight: number | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, updatedAt: string | null, sourceSite: { id: string, code: string, name: string } | null, destinationSite: { id: string, code: string, name: string } | null } };

export type DeleteRoutingRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteRoutingRuleMutation = { deleteRoutingRule: boolean };

export type ReorderRoutingRulesMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ReorderRoutingRulesMutation = { reorderRoutingRules: Array<{ id: string, name: string, priority: number, enabled: boolean, pattern: string, minSizeBytes: number | string | null, maxSizeBytes: number | string | null, codecs: Array<string>, minWidth: number | null, minHeight: number | null, autoValidate: boolean, autoQueue: boolean, autoAssign: AssignStrategy, updatedAt: string | null, sourceSite: { id: string, code: string, name: string } | null, destinationSite: { id: string, code: string, name: string } | null }> };

export type ApiKeyFieldsFragment = { id: string, name: string, prefix: string, siteCode: string, createdAt: string, createdBy: string, lastUsedAt: string | null, revokedAt: string | null };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, siteCode: string, createdAt: string, createdBy: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateApiKeyMutationVariables = Exact<{
  site: string;
  name?: string | null | undefined;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, name: string, prefix: string, siteCode: string, createdAt: string, createdBy: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, name: string, prefix: string, siteCode: string, createdAt: string, createdBy: string, lastUsedAt: string | null, revokedAt: string | null } };

export type WebhookFieldsFragment = { id: string, url: string, topics: Array<string>, active: boolean, createdBy: string, createdAt: string };

export type WebhookSubscriptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookSubscriptionsQuery = { webhookSubscriptions: Array<{ id: string, url: string, topics: Array<string>, active: boolean, createdBy: string, createdAt: string }> };

export type WebhookDeliveriesQueryVariables = Exact<{
  subscriptionId: string | number;
  first: number;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: Array<{ id: string, eventId: string, topic: string, delivered: boolean, statusCode: number | null, attempts: number, error: string | null, at: string }> };

export type CreateWebhookSubscriptionMutationVariables = Exact<{
  input: WebhookSubscriptionInput;
}>;


export type CreateWebhookSubscriptionMutation = { createWebhookSubscription: { id: string, url: string, topics: Array<string>, active: boolean, createdBy: string, createdAt: string } };

export type SetWebhookSubscriptionActiveMutationVariables = Exact<{
  id: string | number;
  active: boolean;
}>;


export type SetWebhookSubscriptionActiveMutation = { setWebhookSubscriptionActive: boolean };

export type DeleteWebhookSubscriptionMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteWebhookSubscriptionMutation = { deleteWebhookSubscription: boolean };

export type FileEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type FileEventsSubscription = { fileEvents: { cursor: string, action: string, fromState: FileState | null, toState: FileState | null, actor: string, at: string, file: { contentAvailable: boolean, uploadedBytes: number | string, id: string, filename: string, path: string, sizeBytes: number | string, sha256: string, state: FileState, version: number, detectedAt: string, updatedAt: string, rejectionReason: string | null, mamAssetId: string | null, mamError: string | null, allowedActions: Array<FileAction>, integrityError: string | null, integrityAcceptedReason: string | null, kind: FileKind, memberCount: number, frameRange: string | null, missingFrames: string | null, media: { container: string | null, codec: string | null, profile: string | null, width: number | null, height: number | null, frameRate: number | null, frameRateExact: string | null, durationSeconds: number | null, frameCount: number | null, startTimecode: string | null, bitDepth: number | null, audioChannels: number | null, partial: boolean, probeError: string | null } | null, site: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } | null, colorist: { id: string, username: string, displayName: string } | null } } };

export type SiteEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type SiteEventsSubscription = { siteEvents: { id: string, code: string, name: string, online: boolean, lastHeartbeatAt: string | null, daemonVersion: string | null, watchPath: string | null, queueDepth: number | null, diskFreeBytes: number | string | null } };

export type TransferEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type TransferEventsSubscription = { transferEvents: { eventCursor: string | null, id: string, status: TransferStatus, allowedActions: Array<TransferAction>, transport: string, bytesTotal: number | string, bytesTransferred: number | string, rateBytesPerSecond: number | null, etaSeconds: number | null, lastProgressAt: string | null, secondsSinceProgress: number | null, stalled: boolean, attempts: number, error: string | null, createdAt: string, startedAt: string | null, completedAt: string | null, file: { id: string, filename: string }, sourceSite: { id: string, code: string, name: string }, destinationSite: { id: string, code: string, name: string } } };

export type AuditEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type AuditEventsSubscription = { auditEvents: { id: string, cursor: string | null, at: string, actor: string, action: string, fromState: FileState | null, toState: FileState | null, details: unknown, file: { id: string, filename: string } | null } };

export type UploadEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type UploadEventsSubscription = { uploadEvents: { fileId: string, bytesUploaded: number | string, bytesTotal: number | string, at: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SiteFieldsFragmentDoc = new TypedDocumentString(`
    fragment SiteFields on Site {
  id
  code
  name
  online
  lastHeartbeatAt
  daemonVersion
  watchPath
  queueDepth
  diskFreeBytes
}
    `, {"fragmentName":"SiteFields"}) as unknown as TypedDocumentString<SiteFieldsFragment, unknown>;
export const UserFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}
    `, {"fragmentName":"UserFields"}) as unknown as TypedDocumentString<UserFieldsFragment, unknown>;
export const TransferFieldsFragmentDoc = new TypedDocumentString(`
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}
    `, {"fragmentName":"TransferFields"}) as unknown as TypedDocumentString<TransferFieldsFragment, unknown>;
export const AuditFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuditFields on AuditEntry {
  id
  cursor
  at
  actor
  action
  fromState
  toState
  details
  file {
    id
    filename
  }
}
    `, {"fragmentName":"AuditFields"}) as unknown as TypedDocumentString<AuditFieldsFragment, unknown>;
export const FileSummaryFragmentDoc = new TypedDocumentString(`
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}
    `, {"fragmentName":"FileSummary"}) as unknown as TypedDocumentString<FileSummaryFragment, unknown>;
export const QueueFileFragmentDoc = new TypedDocumentString(`
    fragment QueueFile on File {
  ...FileSummary
  deliveredPath
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`, {"fragmentName":"QueueFile"}) as unknown as TypedDocumentString<QueueFileFragment, unknown>;
export const RoutingRuleFieldsFragmentDoc = new TypedDocumentString(`
    fragment RoutingRuleFields on RoutingRule {
  id
  name
  priority
  enabled
  pattern
  minSizeBytes
  maxSizeBytes
  codecs
  minWidth
  minHeight
  autoValidate
  autoQueue
  autoAssign
  updatedAt
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}
    `, {"fragmentName":"RoutingRuleFields"}) as unknown as TypedDocumentString<RoutingRuleFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  siteCode
  createdAt
  createdBy
  lastUsedAt
  revokedAt
}
    `, {"fragmentName":"ApiKeyFields"}) as unknown as TypedDocumentString<ApiKeyFieldsFragment, unknown>;
export const WebhookFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookFields on WebhookSubscription {
  id
  url
  topics
  active
  createdBy
  createdAt
}
    `, {"fragmentName":"WebhookFields"}) as unknown as TypedDocumentString<WebhookFieldsFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($oldPassword: String!, $newPassword: String!) {
  changePassword(oldPassword: $oldPassword, newPassword: $newPassword)
}
    `) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const StatsDocument = new TypedDocumentString(`
    query Stats {
  stats {
    totalFiles
    activeTransfers
    sitesOnline
    sitesTotal
    byState {
      state
      count
    }
  }
}
    `) as unknown as TypedDocumentString<StatsQuery, StatsQueryVariables>;
export const SitesDocument = new TypedDocumentString(`
    query Sites {
  sites {
    ...SiteFields
  }
}
    fragment SiteFields on Site {
  id
  code
  name
  online
  lastHeartbeatAt
  daemonVersion
  watchPath
  queueDepth
  diskFreeBytes
}`) as unknown as TypedDocumentString<SitesQuery, SitesQueryVariables>;
export const FilesDocument = new TypedDocumentString(`
    query Files($filter: FileFilter, $first: Int, $after: String) {
  files(filter: $filter, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        ...FileSummary
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<FilesQuery, FilesQueryVariables>;
export const FileDetailDocument = new TypedDocumentString(`
    query FileDetail($id: ID!) {
  file(id: $id) {
    ...FileSummary
    contentAvailable
    uploadedBytes
    modifiedAt
    deliveredPath
    previousVersion {
      id
      filename
      sha256
    }
    transfers {
      ...TransferFields
    }
    auditTrail {
      ...AuditFields
    }
    custody {
      at
      action
      hashFormat
      host
      tool
      location
      generation
      site {
        id
        code
        name
      }
    }
    mhl: members(first: 1) {
      edges {
        node {
          hashFormat
          hash
        }
      }
    }
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}
fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}
fragment AuditFields on AuditEntry {
  id
  cursor
  at
  actor
  action
  fromState
  toState
  details
  file {
    id
    filename
  }
}`) as unknown as TypedDocumentString<FileDetailQuery, FileDetailQueryVariables>;
export const FileMembersDocument = new TypedDocumentString(`
    query FileMembers($id: ID!, $first: Int, $after: String) {
  file(id: $id) {
    id
    members(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          path
          sizeBytes
          sha256
          hashFormat
          hash
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FileMembersQuery, FileMembersQueryVariables>;
export const TransfersDocument = new TypedDocumentString(`
    query Transfers($status: TransferStatus, $first: Int, $after: String) {
  transfers(status: $status, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        ...TransferFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<TransfersQuery, TransfersQueryVariables>;
export const UsersDocument = new TypedDocumentString(`
    query Users {
  users {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const AuditDocument = new TypedDocumentString(`
    query Audit($fileId: ID, $action: String, $search: String, $first: Int, $after: String) {
  audit(
    fileId: $fileId
    action: $action
    search: $search
    first: $first
    after: $after
  ) {
    totalCount
    edges {
      cursor
      node {
        ...AuditFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment AuditFields on AuditEntry {
  id
  cursor
  at
  actor
  action
  fromState
  toState
  details
  file {
    id
    filename
  }
}`) as unknown as TypedDocumentString<AuditQuery, AuditQueryVariables>;
export const AuditActionsDocument = new TypedDocumentString(`
    query AuditActions {
  auditActions
}
    `) as unknown as TypedDocumentString<AuditActionsQuery, AuditActionsQueryVariables>;
export const ValidateFileDocument = new TypedDocumentString(`
    mutation ValidateFile($id: ID!, $expectedVersion: Int) {
  validateFile(id: $id, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<ValidateFileMutation, ValidateFileMutationVariables>;
export const QueueFileDocument = new TypedDocumentString(`
    mutation QueueFile($id: ID!, $destinationSite: String, $expectedVersion: Int) {
  queueFile(
    id: $id
    destinationSite: $destinationSite
    expectedVersion: $expectedVersion
  ) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<QueueFileMutation, QueueFileMutationVariables>;
export const RerouteFileDocument = new TypedDocumentString(`
    mutation RerouteFile($id: ID!, $destinationSite: String!, $reason: String!, $expectedVersion: Int) {
  rerouteFile(
    id: $id
    destinationSite: $destinationSite
    reason: $reason
    expectedVersion: $expectedVersion
  ) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<RerouteFileMutation, RerouteFileMutationVariables>;
export const StartTransferDocument = new TypedDocumentString(`
    mutation StartTransfer($id: ID!, $expectedVersion: Int) {
  startTransfer(id: $id, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<StartTransferMutation, StartTransferMutationVariables>;
export const CompleteTransferDocument = new TypedDocumentString(`
    mutation CompleteTransfer($id: ID!, $sha256: String, $expectedVersion: Int) {
  completeTransfer(id: $id, sha256: $sha256, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<CompleteTransferMutation, CompleteTransferMutationVariables>;
export const AssignColoristDocument = new TypedDocumentString(`
    mutation AssignColorist($id: ID!, $coloristId: ID!, $expectedVersion: Int) {
  assignColorist(
    id: $id
    coloristId: $coloristId
    expectedVersion: $expectedVersion
  ) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<AssignColoristMutation, AssignColoristMutationVariables>;
export const StartWorkDocument = new TypedDocumentString(`
    mutation StartWork($id: ID!, $expectedVersion: Int) {
  startWork(id: $id, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<StartWorkMutation, StartWorkMutationVariables>;
export const DeliverToMamDocument = new TypedDocumentString(`
    mutation DeliverToMam($id: ID!, $expectedVersion: Int) {
  deliverToMam(id: $id, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<DeliverToMamMutation, DeliverToMamMutationVariables>;
export const ArchiveFileDocument = new TypedDocumentString(`
    mutation ArchiveFile($id: ID!, $expectedVersion: Int) {
  archiveFile(id: $id, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<ArchiveFileMutation, ArchiveFileMutationVariables>;
export const RejectFileDocument = new TypedDocumentString(`
    mutation RejectFile($id: ID!, $reason: String!, $expectedVersion: Int) {
  rejectFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<RejectFileMutation, RejectFileMutationVariables>;
export const AcceptIntegrityRiskDocument = new TypedDocumentString(`
    mutation AcceptIntegrityRisk($id: ID!, $reason: String!, $expectedVersion: Int) {
  acceptIntegrityRisk(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
    ...FileSummary
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<AcceptIntegrityRiskMutation, AcceptIntegrityRiskMutationVariables>;
export const RetryTransferDocument = new TypedDocumentString(`
    mutation RetryTransfer($transferId: ID!) {
  retryTransfer(transferId: $transferId) {
    ...TransferFields
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<RetryTransferMutation, RetryTransferMutationVariables>;
export const CreateUserDocument = new TypedDocumentString(`
    mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<CreateUserMutation, CreateUserMutationVariables>;
export const UpdateUserDocument = new TypedDocumentString(`
    mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  username
  displayName
  role
  active
  activeFiles
  site {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<UpdateUserMutation, UpdateUserMutationVariables>;
export const FailTransferDocument = new TypedDocumentString(`
    mutation FailTransfer($transferId: ID!, $error: String!) {
  failTransfer(transferId: $transferId, error: $error) {
    ...TransferFields
    file {
      ...FileSummary
    }
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}
fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<FailTransferMutation, FailTransferMutationVariables>;
export const CancelTransferDocument = new TypedDocumentString(`
    mutation CancelTransfer($transferId: ID!, $reason: String) {
  cancelTransfer(transferId: $transferId, reason: $reason) {
    ...TransferFields
    file {
      ...FileSummary
    }
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}
fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<CancelTransferMutation, CancelTransferMutationVariables>;
export const BulkFileActionDocument = new TypedDocumentString(`
    mutation BulkFileAction($input: BulkFileActionInput!) {
  bulkFileAction(input: $input) {
    succeeded {
      ...FileSummary
    }
    failed {
      fileId
      code
      message
    }
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<BulkFileActionMutation, BulkFileActionMutationVariables>;
export const MamConfiguredDocument = new TypedDocumentString(`
    query MamConfigured {
  mamConfigured
}
    `) as unknown as TypedDocumentString<MamConfiguredQuery, MamConfiguredQueryVariables>;
export const MyQueueDocument = new TypedDocumentString(`
    query MyQueue($first: Int, $after: String) {
  myQueue(first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        ...QueueFile
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}
fragment QueueFile on File {
  ...FileSummary
  deliveredPath
}`) as unknown as TypedDocumentString<MyQueueQuery, MyQueueQueryVariables>;
export const MyQueueEventsDocument = new TypedDocumentString(`
    subscription MyQueueEvents($after: String) {
  myQueueEvents(after: $after) {
    cursor
    action
    fromState
    toState
    actor
    at
    file {
      ...QueueFile
    }
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}
fragment QueueFile on File {
  ...FileSummary
  deliveredPath
}`) as unknown as TypedDocumentString<MyQueueEventsSubscription, MyQueueEventsSubscriptionVariables>;
export const HandBackFileDocument = new TypedDocumentString(`
    mutation HandBackFile($id: ID!, $reason: String!, $expectedVersion: Int) {
  handBackFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
    ...QueueFile
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}
fragment QueueFile on File {
  ...FileSummary
  deliveredPath
}`) as unknown as TypedDocumentString<HandBackFileMutation, HandBackFileMutationVariables>;
export const RoutingRulesDocument = new TypedDocumentString(`
    query RoutingRules {
  routingRules {
    ...RoutingRuleFields
  }
}
    fragment RoutingRuleFields on RoutingRule {
  id
  name
  priority
  enabled
  pattern
  minSizeBytes
  maxSizeBytes
  codecs
  minWidth
  minHeight
  autoValidate
  autoQueue
  autoAssign
  updatedAt
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<RoutingRulesQuery, RoutingRulesQueryVariables>;
export const SimulateRoutingDocument = new TypedDocumentString(`
    query SimulateRouting($site: String!, $path: String!, $sizeBytes: BigInt, $codec: String, $profile: String, $width: Int, $height: Int) {
  simulateRouting(
    site: $site
    path: $path
    sizeBytes: $sizeBytes
    codec: $codec
    profile: $profile
    width: $width
    height: $height
  ) {
    matched
    waitingForMedia
    reasons
    ruleName
    destinationSite
    autoValidate
    autoQueue
    autoAssign
    wouldAssignTo {
      id
      username
      displayName
      activeFiles
    }
  }
}
    `) as unknown as TypedDocumentString<SimulateRoutingQuery, SimulateRoutingQueryVariables>;
export const CreateRoutingRuleDocument = new TypedDocumentString(`
    mutation CreateRoutingRule($input: RoutingRuleInput!) {
  createRoutingRule(input: $input) {
    ...RoutingRuleFields
  }
}
    fragment RoutingRuleFields on RoutingRule {
  id
  name
  priority
  enabled
  pattern
  minSizeBytes
  maxSizeBytes
  codecs
  minWidth
  minHeight
  autoValidate
  autoQueue
  autoAssign
  updatedAt
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<CreateRoutingRuleMutation, CreateRoutingRuleMutationVariables>;
export const UpdateRoutingRuleDocument = new TypedDocumentString(`
    mutation UpdateRoutingRule($id: ID!, $input: RoutingRuleInput!) {
  updateRoutingRule(id: $id, input: $input) {
    ...RoutingRuleFields
  }
}
    fragment RoutingRuleFields on RoutingRule {
  id
  name
  priority
  enabled
  pattern
  minSizeBytes
  maxSizeBytes
  codecs
  minWidth
  minHeight
  autoValidate
  autoQueue
  autoAssign
  updatedAt
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<UpdateRoutingRuleMutation, UpdateRoutingRuleMutationVariables>;
export const DeleteRoutingRuleDocument = new TypedDocumentString(`
    mutation DeleteRoutingRule($id: ID!) {
  deleteRoutingRule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteRoutingRuleMutation, DeleteRoutingRuleMutationVariables>;
export const ReorderRoutingRulesDocument = new TypedDocumentString(`
    mutation ReorderRoutingRules($ids: [ID!]!) {
  reorderRoutingRules(ids: $ids) {
    ...RoutingRuleFields
  }
}
    fragment RoutingRuleFields on RoutingRule {
  id
  name
  priority
  enabled
  pattern
  minSizeBytes
  maxSizeBytes
  codecs
  minWidth
  minHeight
  autoValidate
  autoQueue
  autoAssign
  updatedAt
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<ReorderRoutingRulesMutation, ReorderRoutingRulesMutationVariables>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  siteCode
  createdAt
  createdBy
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($site: String!, $name: String) {
  createApiKey(site: $site, name: $name) {
    secret
    apiKey {
      ...ApiKeyFields
    }
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  siteCode
  createdAt
  createdBy
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  siteCode
  createdAt
  createdBy
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const WebhookSubscriptionsDocument = new TypedDocumentString(`
    query WebhookSubscriptions {
  webhookSubscriptions {
    ...WebhookFields
  }
}
    fragment WebhookFields on WebhookSubscription {
  id
  url
  topics
  active
  createdBy
  createdAt
}`) as unknown as TypedDocumentString<WebhookSubscriptionsQuery, WebhookSubscriptionsQueryVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($subscriptionId: ID!, $first: Int!) {
  webhookDeliveries(subscriptionId: $subscriptionId, first: $first) {
    id
    eventId
    topic
    delivered
    statusCode
    attempts
    error
    at
  }
}
    `) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;
export const CreateWebhookSubscriptionDocument = new TypedDocumentString(`
    mutation CreateWebhookSubscription($input: WebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) {
    ...WebhookFields
  }
}
    fragment WebhookFields on WebhookSubscription {
  id
  url
  topics
  active
  createdBy
  createdAt
}`) as unknown as TypedDocumentString<CreateWebhookSubscriptionMutation, CreateWebhookSubscriptionMutationVariables>;
export const SetWebhookSubscriptionActiveDocument = new TypedDocumentString(`
    mutation SetWebhookSubscriptionActive($id: ID!, $active: Boolean!) {
  setWebhookSubscriptionActive(id: $id, active: $active)
}
    `) as unknown as TypedDocumentString<SetWebhookSubscriptionActiveMutation, SetWebhookSubscriptionActiveMutationVariables>;
export const DeleteWebhookSubscriptionDocument = new TypedDocumentString(`
    mutation DeleteWebhookSubscription($id: ID!) {
  deleteWebhookSubscription(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteWebhookSubscriptionMutation, DeleteWebhookSubscriptionMutationVariables>;
export const FileEventsDocument = new TypedDocumentString(`
    subscription FileEvents($after: String) {
  fileEvents(after: $after) {
    cursor
    action
    fromState
    toState
    actor
    at
    file {
      ...FileSummary
      contentAvailable
      uploadedBytes
    }
  }
}
    fragment FileSummary on File {
  id
  filename
  path
  sizeBytes
  sha256
  state
  version
  detectedAt
  updatedAt
  rejectionReason
  mamAssetId
  mamError
  allowedActions
  integrityError
  integrityAcceptedReason
  media {
    container
    codec
    profile
    width
    height
    frameRate
    frameRateExact
    durationSeconds
    frameCount
    startTimecode
    bitDepth
    audioChannels
    partial
    probeError
  }
  site {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
  colorist {
    id
    username
    displayName
  }
  kind
  memberCount
  frameRange
  missingFrames
}`) as unknown as TypedDocumentString<FileEventsSubscription, FileEventsSubscriptionVariables>;
export const SiteEventsDocument = new TypedDocumentString(`
    subscription SiteEvents {
  siteEvents {
    ...SiteFields
  }
}
    fragment SiteFields on Site {
  id
  code
  name
  online
  lastHeartbeatAt
  daemonVersion
  watchPath
  queueDepth
  diskFreeBytes
}`) as unknown as TypedDocumentString<SiteEventsSubscription, SiteEventsSubscriptionVariables>;
export const TransferEventsDocument = new TypedDocumentString(`
    subscription TransferEvents($after: String) {
  transferEvents(after: $after) {
    ...TransferFields
    eventCursor
  }
}
    fragment TransferFields on TransferJob {
  id
  status
  allowedActions
  transport
  bytesTotal
  bytesTransferred
  rateBytesPerSecond
  etaSeconds
  lastProgressAt
  secondsSinceProgress
  stalled
  attempts
  error
  createdAt
  startedAt
  completedAt
  file {
    id
    filename
  }
  sourceSite {
    id
    code
    name
  }
  destinationSite {
    id
    code
    name
  }
}`) as unknown as TypedDocumentString<TransferEventsSubscription, TransferEventsSubscriptionVariables>;
export const AuditEventsDocument = new TypedDocumentString(`
    subscription AuditEvents($after: String) {
  auditEvents(after: $after) {
    ...AuditFields
  }
}
    fragment AuditFields on AuditEntry {
  id
  cursor
  at
  actor
  action
  fromState
  toState
  details
  file {
    id
    filename
  }
}`) as unknown as TypedDocumentString<AuditEventsSubscription, AuditEventsSubscriptionVariables>;
export const UploadEventsDocument = new TypedDocumentString(`
    subscription UploadEvents {
  uploadEvents {
    fileId
    bytesUploaded
    bytesTotal
    at
  }
}
    `) as unknown as TypedDocumentString<UploadEventsSubscription, UploadEventsSubscriptionVariables>;