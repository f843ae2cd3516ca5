"""The app's own pages inside the Saleor dashboard: the GraphQL API they call and the routes that serve them."""
