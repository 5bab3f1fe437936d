import { graphql } from "@/gql";

export const MeQuery = graphql(`
  query Me {
    me {
      ...UserFields
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      ...UserFields
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($oldPassword: String!, $newPassword: String!) {
    changePassword(oldPassword: $oldPassword, newPassword: $newPassword)
  }
`);

export const StatsQuery = graphql(`
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
`);

export const SitesQuery = graphql(`
  query Sites {
    sites {
      ...SiteFields
    }
  }
`);

export const FilesQuery = graphql(`
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
`);

export const FileDetailQuery = graphql(`
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
`);

export const FileMembersQuery = graphql(`
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
`);

export const TransfersQuery = graphql(`
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
`);

export const UsersQuery = graphql(`
  query Users {
    users {
      ...UserFields
    }
  }
`);

export const AuditQuery = graphql(`
  query Audit($fileId: ID, $action: String, $search: String, $first: Int, $after: String) {
    audit(fileId: $fileId, action: $action, search: $search, first: $first, after: $after) {
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
`);

export const AuditActionsQuery = graphql(`
  query AuditActions {
    auditActions
  }
`);

export const ValidateFileMutation = graphql(`
  mutation ValidateFile($id: ID!, $expectedVersion: Int) {
    validateFile(id: $id, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const QueueFileMutation = graphql(`
  mutation QueueFile($id: ID!, $destinationSite: String, $expectedVersion: Int) {
    queueFile(id: $id, destinationSite: $destinationSite, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const RerouteFileMutation = graphql(`
  mutation RerouteFile($id: ID!, $destinationSite: String!, $reason: String!, $expectedVersion: Int) {
    rerouteFile(id: $id, destinationSite: $destinationSite, reason: $reason, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const StartTransferMutation = graphql(`
  mutation StartTransfer($id: ID!, $expectedVersion: Int) {
    startTransfer(id: $id, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const CompleteTransferMutation = graphql(`
  mutation CompleteTransfer($id: ID!, $sha256: String, $expectedVersion: Int) {
    completeTransfer(id: $id, sha256: $sha256, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const AssignColoristMutation = graphql(`
  mutation AssignColorist($id: ID!, $coloristId: ID!, $expectedVersion: Int) {
    assignColorist(id: $id, coloristId: $coloristId, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const StartWorkMutation = graphql(`
  mutation StartWork($id: ID!, $expectedVersion: Int) {
    startWork(id: $id, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const DeliverToMamMutation = graphql(`
  mutation DeliverToMam($id: ID!, $expectedVersion: Int) {
    deliverToMam(id: $id, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const ArchiveFileMutation = graphql(`
  mutation ArchiveFile($id: ID!, $expectedVersion: Int) {
    archiveFile(id: $id, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const RejectFileMutation = graphql(`
  mutation RejectFile($id: ID!, $reason: String!, $expectedVersion: Int) {
    rejectFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const AcceptIntegrityRiskMutation = graphql(`
  mutation AcceptIntegrityRisk($id: ID!, $reason: String!, $expectedVersion: Int) {
    acceptIntegrityRisk(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
      ...FileSummary
    }
  }
`);

export const RetryTransferMutation = graphql(`
  mutation RetryTransfer($transferId: ID!) {
    retryTransfer(transferId: $transferId) {
      ...TransferFields
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserFields
    }
  }
`);

export const FailTransferMutation = graphql(`
  mutation FailTransfer($transferId: ID!, $error: String!) {
    failTransfer(transferId: $transferId, error: $error) {
      ...TransferFields
      file {
        ...FileSummary
      }
    }
  }
`);

export const CancelTransferMutation = graphql(`
  mutation CancelTransfer($transferId: ID!, $reason: String) {
    cancelTransfer(transferId: $transferId, reason: $reason) {
      ...TransferFields
      file {
        ...FileSummary
      }
    }
  }
`);

export const BulkFileActionMutation = graphql(`
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
`);

export const MamConfiguredQuery = graphql(`
  query MamConfigured {
    mamConfigured
  }
`);
