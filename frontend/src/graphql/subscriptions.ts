import { graphql } from "@/gql";

export const FileEventsSubscription = graphql(`
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
        # The details panel's "Content" follows these (an upload's end changes no version).
        contentAvailable
        uploadedBytes
      }
    }
  }
`);

export const SiteEventsSubscription = graphql(`
  subscription SiteEvents {
    siteEvents {
      ...SiteFields
    }
  }
`);

export const TransferEventsSubscription = graphql(`
  subscription TransferEvents($after: String) {
    transferEvents(after: $after) {
      ...TransferFields
      eventCursor
    }
  }
`);

export const AuditEventsSubscription = graphql(`
  subscription AuditEvents($after: String) {
    auditEvents(after: $after) {
      ...AuditFields
    }
  }
`);

export const UploadEventsSubscription = graphql(`
  subscription UploadEvents {
    uploadEvents {
      fileId
      bytesUploaded
      bytesTotal
      at
    }
  }
`);
