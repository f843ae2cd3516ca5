export const AUTHORIZATIONS_QUERY = `
  query AmazonAuthorizations {
    amazonAuthorizations {
      now
      canManage
      connections {
        id sellerId region state stateReason paused authorizedAt expiresAt daysLeft
        lastTest { at ok message }
        marketplaces { id name countryCode currency participating }
      }
      clientSecret { expiresAt daysLeft expired message }
    }
  }
`;

export const TEST_CONNECTION = `
  mutation TestAmazonConnection($connectionId: String!) {
    testAmazonConnection(connectionId: $connectionId) {
      ok message marketplaces { id name countryCode currency participating }
    }
  }
`;

export const CONNECT_WITH_CREDENTIALS = `
  mutation ConnectAmazonWithCredentials($input: CredentialsInput!) {
    connectAmazonWithCredentials(input: $input) {
      connectionId
      test { ok message }
      errors { field message code }
    }
  }
`;
