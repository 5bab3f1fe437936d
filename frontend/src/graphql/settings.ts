/** Admin configuration on the settings page: routing rules, daemon API keys, outgoing webhooks. */
import { graphql } from "@/gql";

export const RoutingRuleFieldsFragment = graphql(`
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
`);

export const RoutingRulesQuery = graphql(`
  query RoutingRules {
    routingRules {
      ...RoutingRuleFields
    }
  }
`);

export const SimulateRoutingQuery = graphql(`
  query SimulateRouting(
    $site: String!
    $path: String!
    $sizeBytes: BigInt
    $codec: String
    $profile: String
    $width: Int
    $height: Int
  ) {
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
`);

export const CreateRoutingRuleMutation = graphql(`
  mutation CreateRoutingRule($input: RoutingRuleInput!) {
    createRoutingRule(input: $input) {
      ...RoutingRuleFields
    }
  }
`);

export const UpdateRoutingRuleMutation = graphql(`
  mutation UpdateRoutingRule($id: ID!, $input: RoutingRuleInput!) {
    updateRoutingRule(id: $id, input: $input) {
      ...RoutingRuleFields
    }
  }
`);

export const DeleteRoutingRuleMutation = graphql(`
  mutation DeleteRoutingRule($id: ID!) {
    deleteRoutingRule(id: $id)
  }
`);

export const ReorderRoutingRulesMutation = graphql(`
  mutation ReorderRoutingRules($ids: [ID!]!) {
    reorderRoutingRules(ids: $ids) {
      ...RoutingRuleFields
    }
  }
`);

export const ApiKeyFieldsFragment = graphql(`
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
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyFields
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($site: String!, $name: String) {
    createApiKey(site: $site, name: $name) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export const WebhookFieldsFragment = graphql(`
  fragment WebhookFields on WebhookSubscription {
    id
    url
    topics
    active
    createdBy
    createdAt
  }
`);

export const WebhookSubscriptionsQuery = graphql(`
  query WebhookSubscriptions {
    webhookSubscriptions {
      ...WebhookFields
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
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
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhookSubscription($input: WebhookSubscriptionInput!) {
    createWebhookSubscription(input: $input) {
      ...WebhookFields
    }
  }
`);

export const SetWebhookActiveMutation = graphql(`
  mutation SetWebhookSubscriptionActive($id: ID!, $active: Boolean!) {
    setWebhookSubscriptionActive(id: $id, active: $active)
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhookSubscription($id: ID!) {
    deleteWebhookSubscription(id: $id)
  }
`);
