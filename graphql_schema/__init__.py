"""The GraphQL API (Strawberry): thin resolvers over app.services."""
