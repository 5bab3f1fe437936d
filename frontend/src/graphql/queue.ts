import { graphql } from "@/gql";

/** A file in a colorist's queue: the summary plus where it sits on their site's storage. */
export const QueueFileFragment = graphql(`
  fragment QueueFile on File {
    ...FileSummary
    deliveredPath
  }
`);

export const MyQueueQuery = graphql(`
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
`);

export const MyQueueEventsSubscription = graphql(`
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
`);

export const HandBackFileMutation = graphql(`
  mutation HandBackFile($id: ID!, $reason: String!, $expectedVersion: Int) {
    handBackFile(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
      ...QueueFile
    }
  }
`);
