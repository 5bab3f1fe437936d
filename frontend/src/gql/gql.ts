/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SiteFields on Site {\n    id\n    code\n    name\n    online\n    lastHeartbeatAt\n    daemonVersion\n    watchPath\n    queueDepth\n    diskFreeBytes\n  }\n": typeof types.SiteFieldsFragmentDoc,
    "\n  fragment UserFields on User {\n    id\n    username\n    displayName\n    role\n    active\n    activeFiles\n    site {\n      id\n      code\n      name\n    }\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  fragment TransferFields on TransferJob {\n    id\n    status\n    allowedActions\n    transport\n    bytesTotal\n    bytesTransferred\n    rateBytesPerSecond\n    etaSeconds\n    lastProgressAt\n    secondsSinceProgress\n    stalled\n    attempts\n    error\n    createdAt\n    startedAt\n    completedAt\n    file {\n      id\n      filename\n    }\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n": typeof types.TransferFieldsFragmentDoc,
    "\n  fragment FileSummary on File {\n    id\n    filename\n    path\n    sizeBytes\n    sha256\n    state\n    version\n    detectedAt\n    updatedAt\n    rejectionReason\n    mamAssetId\n    mamError\n    allowedActions\n    integrityError\n    integrityAcceptedReason\n    media {\n      container\n      codec\n      profile\n      width\n      height\n      frameRate\n      frameRateExact\n      durationSeconds\n      frameCount\n      startTimecode\n      bitDepth\n      audioChannels\n      partial\n      probeError\n    }\n    site {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n    colorist {\n      id\n      username\n      displayName\n    }\n    # packages: a frame sequence or clip folder is one file\n    kind\n    memberCount\n    frameRange\n    missingFrames\n  }\n": typeof types.FileSummaryFragmentDoc,
    "\n  fragment AuditFields on AuditEntry {\n    id\n    cursor\n    at\n    actor\n    action\n    fromState\n    toState\n    details\n    file {\n      id\n      filename\n    }\n  }\n": typeof types.AuditFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      ...UserFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation ChangePassword($oldPassword: String!, $newPassword: String!) {\n    changePassword(oldPassword: $oldPassword, newPassword: $newPassword)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query Stats {\n    stats {\n      totalFiles\n      activeTransfers\n      sitesOnline\n      sitesTotal\n      byState {\n        state\n        count\n      }\n    }\n  }\n": typeof types.StatsDocument,
    "\n  query Sites {\n    sites {\n      ...SiteFields\n    }\n  }\n": typeof types.SitesDocument,
    "\n  query Files($filter: FileFilter, $first: Int, $after: String) {\n    files(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...FileSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.FilesDocument,
    "\n  query FileDetail($id: ID!) {\n    file(id: $id) {\n      ...FileSummary\n      contentAvailable\n      uploadedBytes\n      modifiedAt\n      deliveredPath\n      previousVersion {\n        id\n        filename\n        sha256\n      }\n      transfers {\n        ...TransferFields\n      }\n      auditTrail {\n        ...AuditFields\n      }\n      custody {\n        at\n        action\n        hashFormat\n        host\n        tool\n        location\n        generation\n        site {\n          id\n          code\n          name\n        }\n      }\n      mhl: members(first: 1) {\n        edges {\n          node {\n            hashFormat\n            hash\n          }\n        }\n      }\n    }\n  }\n": typeof types.FileDetailDocument,
    "\n  query FileMembers($id: ID!, $first: Int, $after: String) {\n    file(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            path\n            sizeBytes\n            sha256\n            hashFormat\n            hash\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.FileMembersDocument,
    "\n  query Transfers($status: TransferStatus, $first: Int, $after: String) {\n    transfers(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TransferFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TransfersDocument,
    "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n": typeof types.UsersDocument,
    "\n  query Audit($fileId: ID, $action: String, $search: String, $first: Int, $after: String) {\n    audit(fileId: $fileId, action: $action, search: $search, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...AuditFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditDocument,
    "\n  query AuditActions {\n    auditActions\n  }\n": typeof types.AuditActionsDocument,
    "\n  mutation ValidateFile($id: ID!, $expectedVersion: Int) {\n    validateFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.ValidateFileDocument,
    "\n  mutation QueueFile($id: ID!, $destinationSite: String, $expectedVersion: Int) {\n    queueFile(id: $id, destinationSite: $destinationSite, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.QueueFileDocument,
    "\n  mutation RerouteFile($id: ID!, $destinationSite: String!, $reason: String!, $expectedVersion: Int) {\n    rerouteFile(id: $id, destinationSite: $destinationSite, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.RerouteFileDocument,
    "\n  mutation StartTransfer($id: ID!, $expectedVersion: Int) {\n    startTransfer(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.StartTransferDocument,
    "\n  mutation CompleteTransfer($id: ID!, $sha256: String, $expectedVersion: Int) {\n    completeTransfer(id: $id, sha256: $sha256, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.CompleteTransferDocument,
    "\n  mutation AssignColorist($id: ID!, $coloristId: ID!, $expectedVersion: Int) {\n    assignColorist(id: $id, coloristId: $coloristId, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.AssignColoristDocument,
    "\n  mutation StartWork($id: ID!, $expectedVersion: Int) {\n    startWork(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.StartWorkDocument,
    "\n  mutation DeliverToMam($id: ID!, $expectedVersion: Int) {\n    deliverToMam(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.DeliverToMamDocument,
    "\n  mutation ArchiveFile($id: ID!, $expectedVersion: Int) {\n    archiveFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.ArchiveFileDocument,
    "\n  mutation RejectFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    rejectFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.RejectFileDocument,
    "\n  mutation AcceptIntegrityRisk($id: ID!, $reason: String!, $expectedVersion: Int) {\n    acceptIntegrityRisk(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": typeof types.AcceptIntegrityRiskDocument,
    "\n  mutation RetryTransfer($transferId: ID!) {\n    retryTransfer(transferId: $transferId) {\n      ...TransferFields\n    }\n  }\n": typeof types.RetryTransferDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserFields\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation FailTransfer($transferId: ID!, $error: String!) {\n    failTransfer(transferId: $transferId, error: $error) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n": typeof types.FailTransferDocument,
    "\n  mutation CancelTransfer($transferId: ID!, $reason: String) {\n    cancelTransfer(transferId: $transferId, reason: $reason) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n": typeof types.CancelTransferDocument,
    "\n  mutation BulkFileAction($input: BulkFileActionInput!) {\n    bulkFileAction(input: $input) {\n      succeeded {\n        ...FileSummary\n      }\n      failed {\n        fileId\n        code\n        message\n      }\n    }\n  }\n": typeof types.BulkFileActionDocument,
    "\n  query MamConfigured {\n    mamConfigured\n  }\n": typeof types.MamConfiguredDocument,
    "\n  fragment QueueFile on File {\n    ...FileSummary\n    deliveredPath\n  }\n": typeof types.QueueFileFragmentDoc,
    "\n  query MyQueue($first: Int, $after: String) {\n    myQueue(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...QueueFile\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.MyQueueDocument,
    "\n  subscription MyQueueEvents($after: String) {\n    myQueueEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...QueueFile\n      }\n    }\n  }\n": typeof types.MyQueueEventsDocument,
    "\n  mutation HandBackFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    handBackFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...QueueFile\n    }\n  }\n": typeof types.HandBackFileDocument,
    "\n  fragment RoutingRuleFields on RoutingRule {\n    id\n    name\n    priority\n    enabled\n    pattern\n    minSizeBytes\n    maxSizeBytes\n    codecs\n    minWidth\n    minHeight\n    autoValidate\n    autoQueue\n    autoAssign\n    updatedAt\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n": typeof types.RoutingRuleFieldsFragmentDoc,
    "\n  query RoutingRules {\n    routingRules {\n      ...RoutingRuleFields\n    }\n  }\n": typeof types.RoutingRulesDocument,
    "\n  query SimulateRouting(\n    $site: String!\n    $path: String!\n    $sizeBytes: BigInt\n    $codec: String\n    $profile: String\n    $width: Int\n    $height: Int\n  ) {\n    simulateRouting(\n      site: $site\n      path: $path\n      sizeBytes: $sizeBytes\n      codec: $codec\n      profile: $profile\n      width: $width\n      height: $height\n    ) {\n      matched\n      waitingForMedia\n      reasons\n      ruleName\n      destinationSite\n      autoValidate\n      autoQueue\n      autoAssign\n      wouldAssignTo {\n        id\n        username\n        displayName\n        activeFiles\n      }\n    }\n  }\n": typeof types.SimulateRoutingDocument,
    "\n  mutation CreateRoutingRule($input: RoutingRuleInput!) {\n    createRoutingRule(input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n": typeof types.CreateRoutingRuleDocument,
    "\n  mutation UpdateRoutingRule($id: ID!, $input: RoutingRuleInput!) {\n    updateRoutingRule(id: $id, input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n": typeof types.UpdateRoutingRuleDocument,
    "\n  mutation DeleteRoutingRule($id: ID!) {\n    deleteRoutingRule(id: $id)\n  }\n": typeof types.DeleteRoutingRuleDocument,
    "\n  mutation ReorderRoutingRules($ids: [ID!]!) {\n    reorderRoutingRules(ids: $ids) {\n      ...RoutingRuleFields\n    }\n  }\n": typeof types.ReorderRoutingRulesDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    siteCode\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($site: String!, $name: String) {\n    createApiKey(site: $site, name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    topics\n    active\n    createdBy\n    createdAt\n  }\n": typeof types.WebhookFieldsFragmentDoc,
    "\n  query WebhookSubscriptions {\n    webhookSubscriptions {\n      ...WebhookFields\n    }\n  }\n": typeof types.WebhookSubscriptionsDocument,
    "\n  query WebhookDeliveries($subscriptionId: ID!, $first: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, first: $first) {\n      id\n      eventId\n      topic\n      delivered\n      statusCode\n      attempts\n      error\n      at\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookSubscription($input: WebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      ...WebhookFields\n    }\n  }\n": typeof types.CreateWebhookSubscriptionDocument,
    "\n  mutation SetWebhookSubscriptionActive($id: ID!, $active: Boolean!) {\n    setWebhookSubscriptionActive(id: $id, active: $active)\n  }\n": typeof types.SetWebhookSubscriptionActiveDocument,
    "\n  mutation DeleteWebhookSubscription($id: ID!) {\n    deleteWebhookSubscription(id: $id)\n  }\n": typeof types.DeleteWebhookSubscriptionDocument,
    "\n  subscription FileEvents($after: String) {\n    fileEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...FileSummary\n        # The details panel's \"Content\" follows these (an upload's end changes no version).\n        contentAvailable\n        uploadedBytes\n      }\n    }\n  }\n": typeof types.FileEventsDocument,
    "\n  subscription SiteEvents {\n    siteEvents {\n      ...SiteFields\n    }\n  }\n": typeof types.SiteEventsDocument,
    "\n  subscription TransferEvents($after: String) {\n    transferEvents(after: $after) {\n      ...TransferFields\n      eventCursor\n    }\n  }\n": typeof types.TransferEventsDocument,
    "\n  subscription AuditEvents($after: String) {\n    auditEvents(after: $after) {\n      ...AuditFields\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  subscription UploadEvents {\n    uploadEvents {\n      fileId\n      bytesUploaded\n      bytesTotal\n      at\n    }\n  }\n": typeof types.UploadEventsDocument,
};
const documents: Documents = {
    "\n  fragment SiteFields on Site {\n    id\n    code\n    name\n    online\n    lastHeartbeatAt\n    daemonVersion\n    watchPath\n    queueDepth\n    diskFreeBytes\n  }\n": types.SiteFieldsFragmentDoc,
    "\n  fragment UserFields on User {\n    id\n    username\n    displayName\n    role\n    active\n    activeFiles\n    site {\n      id\n      code\n      name\n    }\n  }\n": types.UserFieldsFragmentDoc,
    "\n  fragment TransferFields on TransferJob {\n    id\n    status\n    allowedActions\n    transport\n    bytesTotal\n    bytesTransferred\n    rateBytesPerSecond\n    etaSeconds\n    lastProgressAt\n    secondsSinceProgress\n    stalled\n    attempts\n    error\n    createdAt\n    startedAt\n    completedAt\n    file {\n      id\n      filename\n    }\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n": types.TransferFieldsFragmentDoc,
    "\n  fragment FileSummary on File {\n    id\n    filename\n    path\n    sizeBytes\n    sha256\n    state\n    version\n    detectedAt\n    updatedAt\n    rejectionReason\n    mamAssetId\n    mamError\n    allowedActions\n    integrityError\n    integrityAcceptedReason\n    media {\n      container\n      codec\n      profile\n      width\n      height\n      frameRate\n      frameRateExact\n      durationSeconds\n      frameCount\n      startTimecode\n      bitDepth\n      audioChannels\n      partial\n      probeError\n    }\n    site {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n    colorist {\n      id\n      username\n      displayName\n    }\n    # packages: a frame sequence or clip folder is one file\n    kind\n    memberCount\n    frameRange\n    missingFrames\n  }\n": types.FileSummaryFragmentDoc,
    "\n  fragment AuditFields on AuditEntry {\n    id\n    cursor\n    at\n    actor\n    action\n    fromState\n    toState\n    details\n    file {\n      id\n      filename\n    }\n  }\n": types.AuditFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      ...UserFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation ChangePassword($oldPassword: String!, $newPassword: String!) {\n    changePassword(oldPassword: $oldPassword, newPassword: $newPassword)\n  }\n": types.ChangePasswordDocument,
    "\n  query Stats {\n    stats {\n      totalFiles\n      activeTransfers\n      sitesOnline\n      sitesTotal\n      byState {\n        state\n        count\n      }\n    }\n  }\n": types.StatsDocument,
    "\n  query Sites {\n    sites {\n      ...SiteFields\n    }\n  }\n": types.SitesDocument,
    "\n  query Files($filter: FileFilter, $first: Int, $after: String) {\n    files(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...FileSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.FilesDocument,
    "\n  query FileDetail($id: ID!) {\n    file(id: $id) {\n      ...FileSummary\n      contentAvailable\n      uploadedBytes\n      modifiedAt\n      deliveredPath\n      previousVersion {\n        id\n        filename\n        sha256\n      }\n      transfers {\n        ...TransferFields\n      }\n      auditTrail {\n        ...AuditFields\n      }\n      custody {\n        at\n        action\n        hashFormat\n        host\n        tool\n        location\n        generation\n        site {\n          id\n          code\n          name\n        }\n      }\n      mhl: members(first: 1) {\n        edges {\n          node {\n            hashFormat\n            hash\n          }\n        }\n      }\n    }\n  }\n": types.FileDetailDocument,
    "\n  query FileMembers($id: ID!, $first: Int, $after: String) {\n    file(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            path\n            sizeBytes\n            sha256\n            hashFormat\n            hash\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.FileMembersDocument,
    "\n  query Transfers($status: TransferStatus, $first: Int, $after: String) {\n    transfers(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TransferFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TransfersDocument,
    "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n": types.UsersDocument,
    "\n  query Audit($fileId: ID, $action: String, $search: String, $first: Int, $after: String) {\n    audit(fileId: $fileId, action: $action, search: $search, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...AuditFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditDocument,
    "\n  query AuditActions {\n    auditActions\n  }\n": types.AuditActionsDocument,
    "\n  mutation ValidateFile($id: ID!, $expectedVersion: Int) {\n    validateFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.ValidateFileDocument,
    "\n  mutation QueueFile($id: ID!, $destinationSite: String, $expectedVersion: Int) {\n    queueFile(id: $id, destinationSite: $destinationSite, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.QueueFileDocument,
    "\n  mutation RerouteFile($id: ID!, $destinationSite: String!, $reason: String!, $expectedVersion: Int) {\n    rerouteFile(id: $id, destinationSite: $destinationSite, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.RerouteFileDocument,
    "\n  mutation StartTransfer($id: ID!, $expectedVersion: Int) {\n    startTransfer(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.StartTransferDocument,
    "\n  mutation CompleteTransfer($id: ID!, $sha256: String, $expectedVersion: Int) {\n    completeTransfer(id: $id, sha256: $sha256, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.CompleteTransferDocument,
    "\n  mutation AssignColorist($id: ID!, $coloristId: ID!, $expectedVersion: Int) {\n    assignColorist(id: $id, coloristId: $coloristId, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.AssignColoristDocument,
    "\n  mutation StartWork($id: ID!, $expectedVersion: Int) {\n    startWork(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.StartWorkDocument,
    "\n  mutation DeliverToMam($id: ID!, $expectedVersion: Int) {\n    deliverToMam(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.DeliverToMamDocument,
    "\n  mutation ArchiveFile($id: ID!, $expectedVersion: Int) {\n    archiveFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.ArchiveFileDocument,
    "\n  mutation RejectFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    rejectFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.RejectFileDocument,
    "\n  mutation AcceptIntegrityRisk($id: ID!, $reason: String!, $expectedVersion: Int) {\n    acceptIntegrityRisk(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n": types.AcceptIntegrityRiskDocument,
    "\n  mutation RetryTransfer($transferId: ID!) {\n    retryTransfer(transferId: $transferId) {\n      ...TransferFields\n    }\n  }\n": types.RetryTransferDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserFields\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n": types.UpdateUserDocument,
    "\n  mutation FailTransfer($transferId: ID!, $error: String!) {\n    failTransfer(transferId: $transferId, error: $error) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n": types.FailTransferDocument,
    "\n  mutation CancelTransfer($transferId: ID!, $reason: String) {\n    cancelTransfer(transferId: $transferId, reason: $reason) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n": types.CancelTransferDocument,
    "\n  mutation BulkFileAction($input: BulkFileActionInput!) {\n    bulkFileAction(input: $input) {\n      succeeded {\n        ...FileSummary\n      }\n      failed {\n        fileId\n        code\n        message\n      }\n    }\n  }\n": types.BulkFileActionDocument,
    "\n  query MamConfigured {\n    mamConfigured\n  }\n": types.MamConfiguredDocument,
    "\n  fragment QueueFile on File {\n    ...FileSummary\n    deliveredPath\n  }\n": types.QueueFileFragmentDoc,
    "\n  query MyQueue($first: Int, $after: String) {\n    myQueue(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...QueueFile\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.MyQueueDocument,
    "\n  subscription MyQueueEvents($after: String) {\n    myQueueEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...QueueFile\n      }\n    }\n  }\n": types.MyQueueEventsDocument,
    "\n  mutation HandBackFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    handBackFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...QueueFile\n    }\n  }\n": types.HandBackFileDocument,
    "\n  fragment RoutingRuleFields on RoutingRule {\n    id\n    name\n    priority\n    enabled\n    pattern\n    minSizeBytes\n    maxSizeBytes\n    codecs\n    minWidth\n    minHeight\n    autoValidate\n    autoQueue\n    autoAssign\n    updatedAt\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n": types.RoutingRuleFieldsFragmentDoc,
    "\n  query RoutingRules {\n    routingRules {\n      ...RoutingRuleFields\n    }\n  }\n": types.RoutingRulesDocument,
    "\n  query SimulateRouting(\n    $site: String!\n    $path: String!\n    $sizeBytes: BigInt\n    $codec: String\n    $profile: String\n    $width: Int\n    $height: Int\n  ) {\n    simulateRouting(\n      site: $site\n      path: $path\n      sizeBytes: $sizeBytes\n      codec: $codec\n      profile: $profile\n      width: $width\n      height: $height\n    ) {\n      matched\n      waitingForMedia\n      reasons\n      ruleName\n      destinationSite\n      autoValidate\n      autoQueue\n      autoAssign\n      wouldAssignTo {\n        id\n        username\n        displayName\n        activeFiles\n      }\n    }\n  }\n": types.SimulateRoutingDocument,
    "\n  mutation CreateRoutingRule($input: RoutingRuleInput!) {\n    createRoutingRule(input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n": types.CreateRoutingRuleDocument,
    "\n  mutation UpdateRoutingRule($id: ID!, $input: RoutingRuleInput!) {\n    updateRoutingRule(id: $id, input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n": types.UpdateRoutingRuleDocument,
    "\n  mutation DeleteRoutingRule($id: ID!) {\n    deleteRoutingRule(id: $id)\n  }\n": types.DeleteRoutingRuleDocument,
    "\n  mutation ReorderRoutingRules($ids: [ID!]!) {\n    reorderRoutingRules(ids: $ids) {\n      ...RoutingRuleFields\n    }\n  }\n": types.ReorderRoutingRulesDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    siteCode\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($site: String!, $name: String) {\n    createApiKey(site: $site, name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    topics\n    active\n    createdBy\n    createdAt\n  }\n": types.WebhookFieldsFragmentDoc,
    "\n  query WebhookSubscriptions {\n    webhookSubscriptions {\n      ...WebhookFields\n    }\n  }\n": types.WebhookSubscriptionsDocument,
    "\n  query WebhookDeliveries($subscriptionId: ID!, $first: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, first: $first) {\n      id\n      eventId\n      topic\n      delivered\n      statusCode\n      attempts\n      error\n      at\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookSubscription($input: WebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      ...WebhookFields\n    }\n  }\n": types.CreateWebhookSubscriptionDocument,
    "\n  mutation SetWebhookSubscriptionActive($id: ID!, $active: Boolean!) {\n    setWebhookSubscriptionActive(id: $id, active: $active)\n  }\n": types.SetWebhookSubscriptionActiveDocument,
    "\n  mutation DeleteWebhookSubscription($id: ID!) {\n    deleteWebhookSubscription(id: $id)\n  }\n": types.DeleteWebhookSubscriptionDocument,
    "\n  subscription FileEvents($after: String) {\n    fileEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...FileSummary\n        # The details panel's \"Content\" follows these (an upload's end changes no version).\n        contentAvailable\n        uploadedBytes\n      }\n    }\n  }\n": types.FileEventsDocument,
    "\n  subscription SiteEvents {\n    siteEvents {\n      ...SiteFields\n    }\n  }\n": types.SiteEventsDocument,
    "\n  subscription TransferEvents($after: String) {\n    transferEvents(after: $after) {\n      ...TransferFields\n      eventCursor\n    }\n  }\n": types.TransferEventsDocument,
    "\n  subscription AuditEvents($after: String) {\n    auditEvents(after: $after) {\n      ...AuditFields\n    }\n  }\n": types.AuditEventsDocument,
    "\n  subscription UploadEvents {\n    uploadEvents {\n      fileId\n      bytesUploaded\n      bytesTotal\n      at\n    }\n  }\n": types.UploadEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SiteFields on Site {\n    id\n    code\n    name\n    online\n    lastHeartbeatAt\n    daemonVersion\n    watchPath\n    queueDepth\n    diskFreeBytes\n  }\n"): typeof import('./graphql').SiteFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    username\n    displayName\n    role\n    active\n    activeFiles\n    site {\n      id\n      code\n      name\n    }\n  }\n"): typeof import('./graphql').UserFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TransferFields on TransferJob {\n    id\n    status\n    allowedActions\n    transport\n    bytesTotal\n    bytesTransferred\n    rateBytesPerSecond\n    etaSeconds\n    lastProgressAt\n    secondsSinceProgress\n    stalled\n    attempts\n    error\n    createdAt\n    startedAt\n    completedAt\n    file {\n      id\n      filename\n    }\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n"): typeof import('./graphql').TransferFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FileSummary on File {\n    id\n    filename\n    path\n    sizeBytes\n    sha256\n    state\n    version\n    detectedAt\n    updatedAt\n    rejectionReason\n    mamAssetId\n    mamError\n    allowedActions\n    integrityError\n    integrityAcceptedReason\n    media {\n      container\n      codec\n      profile\n      width\n      height\n      frameRate\n      frameRateExact\n      durationSeconds\n      frameCount\n      startTimecode\n      bitDepth\n      audioChannels\n      partial\n      probeError\n    }\n    site {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n    colorist {\n      id\n      username\n      displayName\n    }\n    # packages: a frame sequence or clip folder is one file\n    kind\n    memberCount\n    frameRange\n    missingFrames\n  }\n"): typeof import('./graphql').FileSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditFields on AuditEntry {\n    id\n    cursor\n    at\n    actor\n    action\n    fromState\n    toState\n    details\n    file {\n      id\n      filename\n    }\n  }\n"): typeof import('./graphql').AuditFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): typeof import('./graphql').LogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($oldPassword: String!, $newPassword: String!) {\n    changePassword(oldPassword: $oldPassword, newPassword: $newPassword)\n  }\n"): typeof import('./graphql').ChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Stats {\n    stats {\n      totalFiles\n      activeTransfers\n      sitesOnline\n      sitesTotal\n      byState {\n        state\n        count\n      }\n    }\n  }\n"): typeof import('./graphql').StatsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sites {\n    sites {\n      ...SiteFields\n    }\n  }\n"): typeof import('./graphql').SitesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Files($filter: FileFilter, $first: Int, $after: String) {\n    files(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...FileSummary\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').FilesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FileDetail($id: ID!) {\n    file(id: $id) {\n      ...FileSummary\n      contentAvailable\n      uploadedBytes\n      modifiedAt\n      deliveredPath\n      previousVersion {\n        id\n        filename\n        sha256\n      }\n      transfers {\n        ...TransferFields\n      }\n      auditTrail {\n        ...AuditFields\n      }\n      custody {\n        at\n        action\n        hashFormat\n        host\n        tool\n        location\n        generation\n        site {\n          id\n          code\n          name\n        }\n      }\n      mhl: members(first: 1) {\n        edges {\n          node {\n            hashFormat\n            hash\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').FileDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FileMembers($id: ID!, $first: Int, $after: String) {\n    file(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            path\n            sizeBytes\n            sha256\n            hashFormat\n            hash\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').FileMembersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Transfers($status: TransferStatus, $first: Int, $after: String) {\n    transfers(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TransferFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').TransfersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').UsersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Audit($fileId: ID, $action: String, $search: String, $first: Int, $after: String) {\n    audit(fileId: $fileId, action: $action, search: $search, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...AuditFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').AuditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditActions {\n    auditActions\n  }\n"): typeof import('./graphql').AuditActionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ValidateFile($id: ID!, $expectedVersion: Int) {\n    validateFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').ValidateFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QueueFile($id: ID!, $destinationSite: String, $expectedVersion: Int) {\n    queueFile(id: $id, destinationSite: $destinationSite, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').QueueFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RerouteFile($id: ID!, $destinationSite: String!, $reason: String!, $expectedVersion: Int) {\n    rerouteFile(id: $id, destinationSite: $destinationSite, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').RerouteFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTransfer($id: ID!, $expectedVersion: Int) {\n    startTransfer(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').StartTransferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteTransfer($id: ID!, $sha256: String, $expectedVersion: Int) {\n    completeTransfer(id: $id, sha256: $sha256, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').CompleteTransferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignColorist($id: ID!, $coloristId: ID!, $expectedVersion: Int) {\n    assignColorist(id: $id, coloristId: $coloristId, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').AssignColoristDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartWork($id: ID!, $expectedVersion: Int) {\n    startWork(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').StartWorkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeliverToMam($id: ID!, $expectedVersion: Int) {\n    deliverToMam(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').DeliverToMamDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveFile($id: ID!, $expectedVersion: Int) {\n    archiveFile(id: $id, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').ArchiveFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    rejectFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').RejectFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptIntegrityRisk($id: ID!, $reason: String!, $expectedVersion: Int) {\n    acceptIntegrityRisk(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...FileSummary\n    }\n  }\n"): typeof import('./graphql').AcceptIntegrityRiskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryTransfer($transferId: ID!) {\n    retryTransfer(transferId: $transferId) {\n      ...TransferFields\n    }\n  }\n"): typeof import('./graphql').RetryTransferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').CreateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').UpdateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FailTransfer($transferId: ID!, $error: String!) {\n    failTransfer(transferId: $transferId, error: $error) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n"): typeof import('./graphql').FailTransferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTransfer($transferId: ID!, $reason: String) {\n    cancelTransfer(transferId: $transferId, reason: $reason) {\n      ...TransferFields\n      file {\n        ...FileSummary\n      }\n    }\n  }\n"): typeof import('./graphql').CancelTransferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkFileAction($input: BulkFileActionInput!) {\n    bulkFileAction(input: $input) {\n      succeeded {\n        ...FileSummary\n      }\n      failed {\n        fileId\n        code\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').BulkFileActionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MamConfigured {\n    mamConfigured\n  }\n"): typeof import('./graphql').MamConfiguredDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueFile on File {\n    ...FileSummary\n    deliveredPath\n  }\n"): typeof import('./graphql').QueueFileFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyQueue($first: Int, $after: String) {\n    myQueue(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...QueueFile\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').MyQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyQueueEvents($after: String) {\n    myQueueEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...QueueFile\n      }\n    }\n  }\n"): typeof import('./graphql').MyQueueEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HandBackFile($id: ID!, $reason: String!, $expectedVersion: Int) {\n    handBackFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {\n      ...QueueFile\n    }\n  }\n"): typeof import('./graphql').HandBackFileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoutingRuleFields on RoutingRule {\n    id\n    name\n    priority\n    enabled\n    pattern\n    minSizeBytes\n    maxSizeBytes\n    codecs\n    minWidth\n    minHeight\n    autoValidate\n    autoQueue\n    autoAssign\n    updatedAt\n    sourceSite {\n      id\n      code\n      name\n    }\n    destinationSite {\n      id\n      code\n      name\n    }\n  }\n"): typeof import('./graphql').RoutingRuleFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoutingRules {\n    routingRules {\n      ...RoutingRuleFields\n    }\n  }\n"): typeof import('./graphql').RoutingRulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SimulateRouting(\n    $site: String!\n    $path: String!\n    $sizeBytes: BigInt\n    $codec: String\n    $profile: String\n    $width: Int\n    $height: Int\n  ) {\n    simulateRouting(\n      site: $site\n      path: $path\n      sizeBytes: $sizeBytes\n      codec: $codec\n      profile: $profile\n      width: $width\n      height: $height\n    ) {\n      matched\n      waitingForMedia\n      reasons\n      ruleName\n      destinationSite\n      autoValidate\n      autoQueue\n      autoAssign\n      wouldAssignTo {\n        id\n        username\n        displayName\n        activeFiles\n      }\n    }\n  }\n"): typeof import('./graphql').SimulateRoutingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoutingRule($input: RoutingRuleInput!) {\n    createRoutingRule(input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n"): typeof import('./graphql').CreateRoutingRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRoutingRule($id: ID!, $input: RoutingRuleInput!) {\n    updateRoutingRule(id: $id, input: $input) {\n      ...RoutingRuleFields\n    }\n  }\n"): typeof import('./graphql').UpdateRoutingRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRoutingRule($id: ID!) {\n    deleteRoutingRule(id: $id)\n  }\n"): typeof import('./graphql').DeleteRoutingRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReorderRoutingRules($ids: [ID!]!) {\n    reorderRoutingRules(ids: $ids) {\n      ...RoutingRuleFields\n    }\n  }\n"): typeof import('./graphql').ReorderRoutingRulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    siteCode\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n"): typeof import('./graphql').ApiKeyFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql').ApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($site: String!, $name: String) {\n    createApiKey(site: $site, name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): typeof import('./graphql').CreateApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql').RevokeApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    topics\n    active\n    createdBy\n    createdAt\n  }\n"): typeof import('./graphql').WebhookFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookSubscriptions {\n    webhookSubscriptions {\n      ...WebhookFields\n    }\n  }\n"): typeof import('./graphql').WebhookSubscriptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($subscriptionId: ID!, $first: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, first: $first) {\n      id\n      eventId\n      topic\n      delivered\n      statusCode\n      attempts\n      error\n      at\n    }\n  }\n"): typeof import('./graphql').WebhookDeliveriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookSubscription($input: WebhookSubscriptionInput!) {\n    createWebhookSubscription(input: $input) {\n      ...WebhookFields\n    }\n  }\n"): typeof import('./graphql').CreateWebhookSubscriptionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetWebhookSubscriptionActive($id: ID!, $active: Boolean!) {\n    setWebhookSubscriptionActive(id: $id, active: $active)\n  }\n"): typeof import('./graphql').SetWebhookSubscriptionActiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookSubscription($id: ID!) {\n    deleteWebhookSubscription(id: $id)\n  }\n"): typeof import('./graphql').DeleteWebhookSubscriptionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FileEvents($after: String) {\n    fileEvents(after: $after) {\n      cursor\n      action\n      fromState\n      toState\n      actor\n      at\n      file {\n        ...FileSummary\n        # The details panel's \"Content\" follows these (an upload's end changes no version).\n        contentAvailable\n        uploadedBytes\n      }\n    }\n  }\n"): typeof import('./graphql').FileEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SiteEvents {\n    siteEvents {\n      ...SiteFields\n    }\n  }\n"): typeof import('./graphql').SiteEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TransferEvents($after: String) {\n    transferEvents(after: $after) {\n      ...TransferFields\n      eventCursor\n    }\n  }\n"): typeof import('./graphql').TransferEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEvents($after: String) {\n    auditEvents(after: $after) {\n      ...AuditFields\n    }\n  }\n"): typeof import('./graphql').AuditEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription UploadEvents {\n    uploadEvents {\n      fileId\n      bytesUploaded\n      bytesTotal\n      at\n    }\n  }\n"): typeof import('./graphql').UploadEventsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
