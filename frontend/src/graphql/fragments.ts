import { graphql } from "@/gql";

export const SiteFieldsFragment = graphql(`
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
`);

export const UserFieldsFragment = graphql(`
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
`);

export const TransferFieldsFragment = graphql(`
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
`);

export const FileSummaryFragment = graphql(`
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
    # packages: a frame sequence or clip folder is one file
    kind
    memberCount
    frameRange
    missingFrames
  }
`);

export const AuditFieldsFragment = graphql(`
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
`);
