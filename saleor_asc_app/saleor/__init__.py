"""Saleor side of the app: the generated GraphQL client, its factory and error mapping, and the webhook
subscription documents."""
